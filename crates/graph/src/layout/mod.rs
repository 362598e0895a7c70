//! Layered (Sugiyama-style) layout of a [`Graph`], nested scopes first.
//!
//! Each scope is laid out on its own and becomes the inside of its Parallel or Map node, so
//! containers nest to any depth. Within a scope the phases run in turn, each in its own
//! module and each taking the previous one's output: depth-first search marks back edges
//! (loops) and longest-path ranking places the rest (`rank`); dummy vertices split long
//! edges into one-rank links (`layers`); barycenter sweeps reduce crossings (`order`); x
//! coordinates come from isotonic regression towards the neighbours' centres, the closest
//! positions that keep the order and spacing, and containers take the size of their scopes
//! (`position`); edges run vertically through rank bands and diagonally only in the gaps
//! between them, so they never cross a node, and back edges go up through their own dummies
//! (`route`); labels slide along their segments until none covers another (`labels`).

use serde::{Deserialize, Serialize};

use crate::model::{EdgeKind, Graph, NodeKind};

mod labels;
mod layers;
mod order;
mod position;
mod rank;
mod route;

/// Geometry settings.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Horizontal gap between neighbours in a rank.
    pub node_gap: f64,
    /// Vertical gap between ranks (edge labels sit in it).
    pub rank_gap: f64,
    /// Height of a state node.
    pub node_height: f64,
    /// Minimum width of a state node.
    pub min_width: f64,
    /// Horizontal text padding inside a node.
    pub text_padding: f64,
    /// Padding inside a container.
    pub container_padding: f64,
    /// Height of a container's title.
    pub container_header: f64,
    /// Height of an edge label.
    pub label_height: f64,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            node_gap: 28.0,
            rank_gap: 56.0,
            node_height: 38.0,
            min_width: 110.0,
            text_padding: 18.0,
            container_padding: 16.0,
            container_header: 28.0,
            label_height: 16.0,
        }
    }
}

/// A point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// x
    pub x: f64,
    /// y
    pub y: f64,
}

/// An axis-aligned rectangle (top-left corner and size).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Rect {
    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.width
    }
    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }
    /// Horizontal centre.
    pub fn center_x(&self) -> f64 {
        self.x + self.width / 2.0
    }
    /// Do the interiors of two rectangles overlap?
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right() - 1e-6
            && other.x < self.right() - 1e-6
            && self.y < other.bottom() - 1e-6
            && other.y < self.bottom() - 1e-6
    }
    /// Is `other` inside this rectangle?
    pub fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x - 1e-6
            && other.y >= self.y - 1e-6
            && other.right() <= self.right() + 1e-6
            && other.bottom() <= self.bottom() + 1e-6
    }
    /// Is `p` on the border (within a small tolerance)?
    pub fn on_border(&self, p: Point) -> bool {
        let near = |a: f64, b: f64| (a - b).abs() < 0.5;
        let within_x = p.x >= self.x - 0.5 && p.x <= self.right() + 0.5;
        let within_y = p.y >= self.y - 0.5 && p.y <= self.bottom() + 0.5;
        (within_x && (near(p.y, self.y) || near(p.y, self.bottom())))
            || (within_y && (near(p.x, self.x) || near(p.x, self.right())))
    }
    fn shifted(self, dx: f64, dy: f64) -> Rect {
        Rect {
            x: self.x + dx,
            y: self.y + dy,
            ..self
        }
    }
}

/// A positioned node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaidNode {
    /// The node id (state name, or `<scope>:start|end`).
    pub id: String,
    /// Its text.
    pub label: String,
    /// Its kind.
    pub kind: NodeKind,
    /// Where it is.
    pub rect: Rect,
    /// The scope it belongs to.
    pub scope: String,
    /// Does it contain nested scopes (Parallel, Map)?
    pub container: bool,
}

/// A positioned edge label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaidLabel {
    /// The text.
    pub text: String,
    /// Where it is.
    pub rect: Rect,
}

/// A routed edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaidEdge {
    /// The edge id.
    pub id: String,
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Its kind.
    pub kind: EdgeKind,
    /// The polyline, from the source's border to the target's border.
    pub points: Vec<Point>,
    /// Its label.
    pub label: Option<LaidLabel>,
    /// A loop edge, routed around the right side.
    pub back: bool,
}

/// A nested scope's frame (a Parallel branch, a Map processor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaidScope {
    /// The scope id.
    pub id: String,
    /// Its frame.
    pub rect: Rect,
}

/// The whole drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// Total width.
    pub width: f64,
    /// Total height.
    pub height: f64,
    /// Every node, containers before their contents.
    pub nodes: Vec<LaidNode>,
    /// Every edge.
    pub edges: Vec<LaidEdge>,
    /// Frames of nested scopes.
    pub scopes: Vec<LaidScope>,
    /// Edge crossings between adjacent ranks, summed over all scopes.
    pub crossings: usize,
}

/// Lay out `graph`; `measure` gives the width of a text in pixels.
pub fn layout(graph: &Graph, measure: &dyn Fn(&str) -> f64, style: &Style) -> Layout {
    let mut block = layout_scope(graph, measure, style);
    let margin = 12.0;
    block.shift(margin, margin);
    Layout {
        width: block.width + 2.0 * margin,
        height: block.height + 2.0 * margin,
        nodes: block.nodes,
        edges: block.edges,
        scopes: block.scopes,
        crossings: block.crossings,
    }
}

/// A laid-out scope in local coordinates.
struct Block {
    width: f64,
    height: f64,
    nodes: Vec<LaidNode>,
    edges: Vec<LaidEdge>,
    scopes: Vec<LaidScope>,
    crossings: usize,
}

impl Block {
    /// Move everything in the block by (`dx`, `dy`).
    fn shift(&mut self, dx: f64, dy: f64) {
        for n in &mut self.nodes {
            n.rect = n.rect.shifted(dx, dy);
        }
        for e in &mut self.edges {
            for p in &mut e.points {
                p.x += dx;
                p.y += dy;
            }
            if let Some(l) = &mut e.label {
                l.rect = l.rect.shifted(dx, dy);
            }
        }
        for s in &mut self.scopes {
            s.rect = s.rect.shifted(dx, dy);
        }
    }

    /// Take in a nested scope's drawing, already moved into its container.
    fn absorb(&mut self, nested: Block) {
        self.crossings += nested.crossings;
        self.nodes.extend(nested.nodes);
        self.edges.extend(nested.edges);
        self.scopes.extend(nested.scopes);
    }

    /// Grow the block around every route and label; loops above the first rank and labels
    /// left of the first node move everything down or right so they stay inside it.
    fn fit_to_contents(&mut self) {
        let (min_x, min_y) = self
            .edges
            .iter()
            .flat_map(|e| {
                e.points
                    .iter()
                    .copied()
                    .chain(e.label.iter().map(|l| Point {
                        x: l.rect.x,
                        y: l.rect.y,
                    }))
            })
            .fold((0.0f64, 0.0f64), |(x, y), p| (x.min(p.x), y.min(p.y)));
        if min_x < 0.0 || min_y < 0.0 {
            self.shift(-min_x, -min_y);
        }
        for p in self.edges.iter().flat_map(|e| {
            e.points
                .iter()
                .copied()
                .chain(e.label.iter().map(|l| Point {
                    x: l.rect.right(),
                    y: l.rect.bottom(),
                }))
        }) {
            self.width = self.width.max(p.x);
            self.height = self.height.max(p.y);
        }
        self.width -= min_x.min(0.0);
        self.height -= min_y.min(0.0);
    }
}

/// Lay out one scope, its nested scopes inside their containers, from the origin.
fn layout_scope(graph: &Graph, measure: &dyn Fn(&str) -> f64, style: &Style) -> Block {
    // Nested scopes first: they decide their container's size.
    let mut inner: Vec<Vec<Block>> = graph
        .nodes
        .iter()
        .map(|n| {
            n.children
                .iter()
                .map(|c| layout_scope(c, measure, style))
                .collect()
        })
        .collect();
    let sizes: Vec<(f64, f64)> = graph
        .nodes
        .iter()
        .zip(&inner)
        .map(|(node, nested)| {
            let nested: Vec<(f64, f64)> = nested.iter().map(|b| (b.width, b.height)).collect();
            position::node_size(node, &nested, measure, style)
        })
        .collect();

    let (edges, start) = node_indices(graph);
    let ranking = rank::rank(graph.nodes.len(), &edges, start);
    let mut layered = layers::layer(&sizes, &edges, &ranking, start);
    let vertex_count = layered.vertices.len();
    let crossings = order::reduce_crossings(&mut layered.layers, &layered.links, vertex_count);
    let placement = position::place(&mut layered, style);
    let routes = route::route(&layered, &ranking.back, &placement, style);
    let labels = labels::place_labels(&graph.edges, &routes.routes, measure, style);

    let mut block = Block {
        width: placement.width,
        height: placement.height(),
        nodes: Vec::with_capacity(graph.nodes.len()),
        edges: Vec::with_capacity(graph.edges.len()),
        scopes: Vec::new(),
        crossings,
    };
    let mut contents = Vec::new();
    for ((node, vertex), nested) in graph.nodes.iter().zip(&layered.vertices).zip(&mut inner) {
        let rect = placement.rect(vertex);
        block.nodes.push(LaidNode {
            id: node.id.clone(),
            label: node.label.clone(),
            kind: node.kind,
            rect,
            scope: graph.id.clone(),
            container: !node.children.is_empty(),
        });
        let frames = position::fill_container(rect, nested, &node.children, style);
        block.scopes.extend(frames);
        contents.append(nested);
    }
    for ((edge, route), label) in graph.edges.iter().zip(routes.routes).zip(labels) {
        block.edges.push(LaidEdge {
            id: edge.id.clone(),
            from: edge.from.clone(),
            to: edge.to.clone(),
            kind: edge.kind,
            points: route.points,
            label,
            back: route.back,
        });
    }
    let right = block
        .edges
        .iter()
        .filter_map(|e| e.label.as_ref())
        .fold(routes.right, |right, l| right.max(l.rect.right()));
    block.width = block.width.max(right);
    for nested in contents {
        block.absorb(nested);
    }
    block.fit_to_contents();
    block
}

/// The scope's edges as (from, to) node indices, and the index of its start node.
fn node_indices(graph: &Graph) -> (Vec<(usize, usize)>, usize) {
    let index = |id: &str| graph.nodes.iter().position(|n| n.id == id);
    let edges = graph
        .edges
        .iter()
        .map(|e| (index(&e.from).unwrap_or(0), index(&e.to).unwrap_or(0)))
        .collect();
    (edges, index(&graph.start).unwrap_or(0))
}
