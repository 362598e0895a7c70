//! Layered (Sugiyama-style) layout of a [`Graph`], nested scopes first.
//!
//! Each scope is laid out on its own and becomes the inside of its Parallel or Map node, so
//! containers nest to any depth. Within a scope: depth-first search marks back edges (loops),
//! longest-path ranking on the rest, dummy nodes on long edges, barycenter sweeps against
//! crossings, and x coordinates by isotonic regression towards the neighbours' centres (the
//! closest positions that keep the order and spacing). Edges run vertically through rank
//! bands and diagonally only in the gaps between them, so they never cross a node; back
//! edges go around the right of everything they span.

use serde::Serialize;

use crate::model::{EdgeKind, Graph, NodeKind};

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

/// Slide labels along their segments until none covers another: the labels of a Choice's
/// rules leave the node side by side, and at their midpoints they would run together.
fn separate_labels(edges: &mut [LaidEdge], lines: &[(usize, Point, Point)]) {
    // Midpoint first, then further along or back (staying inside the gap between ranks).
    const ALONG: [f64; 5] = [0.5, 0.72, 0.28, 0.86, 0.14];
    let mut placed: Vec<Rect> = Vec::with_capacity(lines.len());
    for &(edge, a, b) in lines {
        let Some(label) = edges[edge].label.as_mut() else {
            continue;
        };
        // Keep the whole label between the segment's ends (the ranks above and below).
        let margin = ((label.rect.height / 2.0 + 1.0) / (b.y - a.y).abs().max(1.0)).min(0.5);
        let at = |t: f64| {
            let t = t.clamp(margin, 1.0 - margin);
            let mut rect = label.rect;
            rect.x = a.x + (b.x - a.x) * t - rect.width / 2.0;
            rect.y = a.y + (b.y - a.y) * t - rect.height / 2.0;
            rect
        };
        let free = ALONG
            .iter()
            .map(|&t| at(t))
            .find(|rect| placed.iter().all(|p| !p.overlaps(rect)));
        label.rect = free.unwrap_or_else(|| at(0.5));
        placed.push(label.rect);
    }
}

/// A point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    /// x
    pub x: f64,
    /// y
    pub y: f64,
}

/// An axis-aligned rectangle (top-left corner and size).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaidLabel {
    /// The text.
    pub text: String,
    /// Where it is.
    pub rect: Rect,
}

/// A routed edge.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaidScope {
    /// The scope id.
    pub id: String,
    /// Its frame.
    pub rect: Rect,
}

/// The whole drawing.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
}

/// One vertex of the layered graph: a node of the scope (the first ones) or a dummy on a long edge.
struct Vertex {
    width: f64,
    height: f64,
    rank: usize,
    x: f64,
}

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
        .map(|(node, children)| match node.kind {
            NodeKind::Start | NodeKind::End => (56.0, 26.0),
            _ if !children.is_empty() => {
                let width: f64 = children.iter().map(|c| c.width).sum::<f64>()
                    + style.node_gap * (children.len() - 1) as f64;
                let height = children.iter().map(|c| c.height).fold(0.0, f64::max);
                let title = measure(&node.label) + 2.0 * style.text_padding;
                (
                    (width + 2.0 * style.container_padding)
                        .max(title)
                        .max(style.min_width),
                    height + style.container_header + style.container_padding,
                )
            }
            _ => (
                (measure(&node.label) + 2.0 * style.text_padding).max(style.min_width),
                style.node_height,
            ),
        })
        .collect();

    let index = |id: &str| graph.nodes.iter().position(|n| n.id == id);
    let edges: Vec<(usize, usize)> = graph
        .edges
        .iter()
        .map(|e| (index(&e.from).unwrap_or(0), index(&e.to).unwrap_or(0)))
        .collect();
    let start = index(&graph.start).unwrap_or(0);
    let back = back_edges(graph.nodes.len(), &edges, start);

    // Longest-path ranks over the forward edges, in topological order.
    let n = graph.nodes.len();
    let mut rank = vec![0usize; n];
    for v in topological_order(n, &edges, &back) {
        for (i, &(from, to)) in edges.iter().enumerate() {
            if from == v && !back[i] && from != to {
                rank[to] = rank[to].max(rank[v] + 1);
            }
        }
    }

    // Vertices: nodes, then dummies on forward edges longer than one rank.
    let mut vertices: Vec<Vertex> = (0..n)
        .map(|i| Vertex {
            width: sizes[i].0,
            height: sizes[i].1,
            rank: rank[i],
            x: 0.0,
        })
        .collect();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for (i, &(from, to)) in edges.iter().enumerate() {
        let mut chain = vec![from];
        // Long edges get a dummy per rank they cross: downwards for forward edges, upwards
        // for loops, which thereby take part in crossing reduction like any other edge.
        let crossed: Vec<usize> = match (from == to, back[i]) {
            (true, _) => Vec::new(),
            (false, false) => (rank[from] + 1..rank[to]).collect(),
            (false, true) => (rank[to] + 1..rank[from]).rev().collect(),
        };
        for r in crossed {
            vertices.push(Vertex {
                width: 8.0,
                height: 0.0,
                rank: r,
                x: 0.0,
            });
            chain.push(vertices.len() - 1);
        }
        chain.push(to);
        chains.push(chain);
    }
    let ranks = rank.iter().copied().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    for v in dfs_order(n, &edges, start)
        .into_iter()
        .chain(n..vertices.len())
    {
        layers[vertices[v].rank].push(v);
    }
    // Adjacent-rank links (every chain, segment by segment), upper vertex first.
    let links: Vec<(usize, usize)> = chains
        .iter()
        .filter(|chain| chain[0] != chain[chain.len() - 1])
        .flat_map(|chain| {
            chain.windows(2).map(|w| {
                if vertices[w[0]].rank < vertices[w[1]].rank {
                    (w[0], w[1])
                } else {
                    (w[1], w[0])
                }
            })
        })
        .collect();
    let crossings = order_layers(&mut layers, &vertices, &links);
    assign_x(&layers, &mut vertices, &links, style);

    // y: rank bands as tall as their tallest vertex.
    let band_height: Vec<f64> = layers
        .iter()
        .map(|l| l.iter().map(|&v| vertices[v].height).fold(0.0, f64::max))
        .collect();
    let mut band_top = vec![0.0; ranks];
    for r in 1..ranks {
        band_top[r] = band_top[r - 1] + band_height[r - 1] + style.rank_gap;
    }
    let min_x = vertices
        .iter()
        .map(|v| v.x - v.width / 2.0)
        .fold(f64::INFINITY, f64::min);
    for v in &mut vertices {
        v.x -= min_x;
    }
    let rect_of = |v: &Vertex| Rect {
        x: v.x - v.width / 2.0,
        y: band_top[v.rank] + (band_height[v.rank] - v.height) / 2.0,
        width: v.width,
        height: v.height,
    };

    let mut block = Block {
        width: 0.0,
        height: band_top.last().copied().unwrap_or(0.0)
            + band_height.last().copied().unwrap_or(0.0),
        nodes: Vec::new(),
        edges: Vec::new(),
        scopes: Vec::new(),
        crossings,
    };
    block.width = vertices
        .iter()
        .map(|v| v.x + v.width / 2.0)
        .fold(0.0, f64::max);
    let mut contents = Vec::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        let rect = rect_of(&vertices[i]);
        block.nodes.push(LaidNode {
            id: node.id.clone(),
            label: node.label.clone(),
            kind: node.kind,
            rect,
            scope: graph.id.clone(),
            container: !node.children.is_empty(),
        });
        // Place the nested scopes side by side inside the container.
        let mut x = rect.x
            + (rect.width
                - (inner[i].iter().map(|c| c.width).sum::<f64>()
                    + style.node_gap * inner[i].len().saturating_sub(1) as f64))
                / 2.0;
        for (child, graph_child) in inner[i].iter_mut().zip(&node.children) {
            child.shift(x, rect.y + style.container_header);
            block.scopes.push(LaidScope {
                id: graph_child.id.clone(),
                rect: Rect {
                    x,
                    y: rect.y + style.container_header,
                    width: child.width,
                    height: child.height,
                },
            });
            x += child.width + style.node_gap;
        }
        contents.append(&mut inner[i]);
    }

    // Routes. Ports spread the edges that leave a node's bottom (or enter its top) in the
    // order of where they go, so they do not start on top of each other.
    let mut route_right = block.width;
    let mut loops = 0usize;
    // Each labelled edge's label may sit anywhere on this segment of its route.
    let mut label_lines: Vec<(usize, Point, Point)> = Vec::new();
    let mut bottom_ports: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut top_ports: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (i, chain) in chains.iter().enumerate() {
        let (from, to) = (chain[0], chain[chain.len() - 1]);
        if from == to {
            bottom_ports[from].push((i, f64::INFINITY));
            top_ports[to].push((i, f64::INFINITY));
            continue;
        }
        let (next_x, prev_x) = (vertices[chain[1]].x, vertices[chain[chain.len() - 2]].x);
        // Loops leave upwards from the source's top and arrive at the target's bottom.
        if back[i] {
            top_ports[from].push((i, next_x));
            bottom_ports[to].push((i, prev_x));
        } else {
            bottom_ports[from].push((i, next_x));
            top_ports[to].push((i, prev_x));
        }
    }
    let port = |ports: &mut Vec<(usize, f64)>, rect: &Rect, edge: usize| -> f64 {
        ports.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let k = ports.iter().position(|p| p.0 == edge).unwrap_or(0);
        let usable = (rect.width - 16.0).min(24.0 * ports.len() as f64);
        rect.center_x() - usable / 2.0 + usable * (k as f64 + 0.5) / ports.len() as f64
    };
    for (i, (edge, chain)) in graph.edges.iter().zip(&chains).enumerate() {
        let (from, to) = (chain[0], chain[chain.len() - 1]);
        let (source, target) = (rect_of(&vertices[from]), rect_of(&vertices[to]));
        let band_bottom = |r: usize| band_top[r] + band_height[r];
        let upward = back[i] && from != to;
        let (x_out, x_in) = if upward {
            (
                port(&mut top_ports[from], &source, i),
                port(&mut bottom_ports[to], &target, i),
            )
        } else {
            (
                port(&mut bottom_ports[from], &source, i),
                port(&mut top_ports[to], &target, i),
            )
        };
        let is_back = back[i] || from == to;
        let (points, label_line) = if upward {
            // Up through the loop's dummies: out of the source's top, into the target's bottom.
            let mut points = vec![
                Point {
                    x: x_out,
                    y: source.y,
                },
                Point {
                    x: x_out,
                    y: band_top[vertices[from].rank],
                },
            ];
            for &d in &chain[1..chain.len() - 1] {
                let r = vertices[d].rank;
                points.push(Point {
                    x: vertices[d].x,
                    y: band_bottom(r),
                });
                points.push(Point {
                    x: vertices[d].x,
                    y: band_top[r],
                });
            }
            points.push(Point {
                x: x_in,
                y: band_bottom(vertices[to].rank),
            });
            points.push(Point {
                x: x_in,
                y: target.bottom(),
            });
            let line = (points[1], points[2]);
            (points, line)
        } else if is_back {
            // A state looping to itself: around its right side.
            let (low, high) = (
                vertices[to].rank.min(vertices[from].rank),
                vertices[to].rank.max(vertices[from].rank),
            );
            let right = vertices
                .iter()
                .filter(|v| (low..=high).contains(&v.rank))
                .map(|v| v.x + v.width / 2.0)
                .fold(0.0, f64::max);
            let x = right + 18.0 + 10.0 * loops as f64;
            loops += 1;
            route_right = route_right.max(x + 8.0);
            let below = band_bottom(vertices[from].rank) + style.rank_gap * 0.3;
            let above = band_top[vertices[to].rank] - style.rank_gap * 0.3;
            let points = vec![
                Point {
                    x: x_out,
                    y: source.bottom(),
                },
                Point { x: x_out, y: below },
                Point { x, y: below },
                Point { x, y: above },
                Point { x: x_in, y: above },
                Point {
                    x: x_in,
                    y: target.y,
                },
            ];
            let at = Point {
                x: (x + x_in) / 2.0,
                y: above - style.label_height / 2.0 - 2.0,
            };
            (points, (at, at))
        } else {
            let mut points = vec![
                Point {
                    x: x_out,
                    y: source.bottom(),
                },
                Point {
                    x: x_out,
                    y: band_bottom(vertices[from].rank),
                },
            ];
            for &d in &chain[1..chain.len() - 1] {
                let r = vertices[d].rank;
                points.push(Point {
                    x: vertices[d].x,
                    y: band_top[r],
                });
                points.push(Point {
                    x: vertices[d].x,
                    y: band_bottom(r),
                });
            }
            points.push(Point {
                x: x_in,
                y: band_top[vertices[to].rank],
            });
            points.push(Point {
                x: x_in,
                y: target.y,
            });
            let line = (points[1], points[2]);
            (points, line)
        };
        let label_at = Point {
            x: (label_line.0.x + label_line.1.x) / 2.0,
            y: (label_line.0.y + label_line.1.y) / 2.0,
        };
        let points = dedup(points);
        let label = edge.label.as_ref().map(|text| {
            let width = measure(text) * 0.85 + 8.0;
            LaidLabel {
                text: text.clone(),
                rect: Rect {
                    x: label_at.x - width / 2.0,
                    y: label_at.y - style.label_height / 2.0,
                    width,
                    height: style.label_height,
                },
            }
        });
        if label.is_some() {
            label_lines.push((block.edges.len(), label_line.0, label_line.1));
        }
        block.edges.push(LaidEdge {
            id: edge.id.clone(),
            from: edge.from.clone(),
            to: edge.to.clone(),
            kind: edge.kind,
            points,
            label,
            back: is_back,
        });
    }
    separate_labels(&mut block.edges, &label_lines);
    for edge in &block.edges {
        if let Some(l) = &edge.label {
            route_right = route_right.max(l.rect.right());
        }
    }
    block.width = block.width.max(route_right);
    for child in contents {
        block.crossings += child.crossings;
        block.nodes.extend(child.nodes);
        block.edges.extend(child.edges);
        block.scopes.extend(child.scopes);
    }
    // Loops above the first rank and labels left of the first node stay inside the block.
    let (min_x, min_y) = block
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
        block.shift(-min_x, -min_y);
    }
    for p in block.edges.iter().flat_map(|e| {
        e.points
            .iter()
            .copied()
            .chain(e.label.iter().map(|l| Point {
                x: l.rect.right(),
                y: l.rect.bottom(),
            }))
    }) {
        block.width = block.width.max(p.x);
        block.height = block.height.max(p.y);
    }
    block.width -= min_x.min(0.0);
    block.height -= min_y.min(0.0);
    block
}

fn dedup(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out
            .last()
            .is_none_or(|q| (q.x - p.x).abs() > 1e-9 || (q.y - p.y).abs() > 1e-9)
        {
            out.push(p);
        }
    }
    out
}

/// Edges that close a cycle in a depth-first search from `start` (then from any unvisited node).
fn back_edges(n: usize, edges: &[(usize, usize)], start: usize) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(from, _)) in edges.iter().enumerate() {
        out_edges[from].push(i);
    }
    let mut back = vec![false; edges.len()];
    let mut mark = vec![Mark::New; n];
    for root in std::iter::once(start).chain(0..n) {
        if mark[root] != Mark::New {
            continue;
        }
        // Iterative DFS: (node, next out-edge position).
        let mut stack = vec![(root, 0usize)];
        mark[root] = Mark::Open;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if let Some(&e) = out_edges[v].get(*k) {
                *k += 1;
                let w = edges[e].1;
                match mark[w] {
                    Mark::Open => back[e] = true,
                    Mark::New => {
                        mark[w] = Mark::Open;
                        stack.push((w, 0));
                    }
                    Mark::Done => {}
                }
            } else {
                mark[v] = Mark::Done;
                stack.pop();
            }
        }
    }
    back
}

fn topological_order(n: usize, edges: &[(usize, usize)], back: &[bool]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(from, to)) in edges.iter().enumerate() {
        if !back[i] && from != to {
            indegree[to] += 1;
            out_edges[from].push(to);
        }
    }
    let mut ready: Vec<usize> = (0..n).rev().filter(|&v| indegree[v] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(v) = ready.pop() {
        order.push(v);
        for &w in &out_edges[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    order
}

/// Nodes in depth-first discovery order from `start`: a natural initial left-to-right order.
fn dfs_order(n: usize, edges: &[(usize, usize)], start: usize) -> Vec<usize> {
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(from, to) in edges {
        out_edges[from].push(to);
    }
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for root in std::iter::once(start).chain(0..n) {
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            if std::mem::replace(&mut seen[v], true) {
                continue;
            }
            order.push(v);
            stack.extend(out_edges[v].iter().rev().filter(|&&w| !seen[w]));
        }
    }
    order
}

/// Barycenter sweeps; keeps the ordering with the fewest crossings and returns that count.
fn order_layers(layers: &mut [Vec<usize>], vertices: &[Vertex], links: &[(usize, usize)]) -> usize {
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); vertices.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); vertices.len()];
    for &(a, b) in links {
        down[a].push(b);
        up[b].push(a);
    }
    let mut position = vec![0usize; vertices.len()];
    let refresh = |layers: &[Vec<usize>], position: &mut Vec<usize>| {
        for layer in layers {
            for (i, &v) in layer.iter().enumerate() {
                position[v] = i;
            }
        }
    };
    refresh(layers, &mut position);
    let mut best = layers.to_vec();
    let mut best_crossings = count_crossings(layers, &down, &position);
    for iteration in 0..24 {
        let downward = iteration % 2 == 0;
        let order: Vec<usize> = if downward {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for r in order {
            let neighbours = if downward { &up } else { &down };
            let mut keyed: Vec<(f64, usize, usize)> = layers[r]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        i as f64
                    } else {
                        ns.iter().map(|&w| position[w] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[r] = keyed.into_iter().map(|(_, _, v)| v).collect();
            for (i, &v) in layers[r].iter().enumerate() {
                position[v] = i;
            }
        }
        let crossings = count_crossings(layers, &down, &position);
        if crossings < best_crossings {
            best_crossings = crossings;
            best = layers.to_vec();
        }
        if best_crossings == 0 {
            break;
        }
    }
    layers.clone_from_slice(&best);
    best_crossings
}

fn count_crossings(layers: &[Vec<usize>], down: &[Vec<usize>], position: &[usize]) -> usize {
    let mut total = 0;
    for layer in layers {
        let segments: Vec<(usize, usize)> = layer
            .iter()
            .flat_map(|&a| down[a].iter().map(move |&b| (a, b)))
            .map(|(a, b)| (position[a], position[b]))
            .collect();
        for (i, s) in segments.iter().enumerate() {
            for t in &segments[i + 1..] {
                if (s.0 < t.0 && s.1 > t.1) || (s.0 > t.0 && s.1 < t.1) {
                    total += 1;
                }
            }
        }
    }
    total
}

/// x coordinates: each rank placed as close as possible to its neighbours' centres while
/// keeping order and spacing (isotonic regression by pool-adjacent-violators).
fn assign_x(
    layers: &[Vec<usize>],
    vertices: &mut [Vertex],
    links: &[(usize, usize)],
    style: &Style,
) {
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); vertices.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); vertices.len()];
    for &(a, b) in links {
        down[a].push(b);
        up[b].push(a);
    }
    for layer in layers {
        let mut x = 0.0;
        for &v in layer {
            vertices[v].x = x + vertices[v].width / 2.0;
            x += vertices[v].width + style.node_gap;
        }
    }
    for iteration in 0..8 {
        let (order, use_up, use_down): (Vec<usize>, bool, bool) = match iteration % 3 {
            0 => ((0..layers.len()).collect(), true, false),
            1 => ((0..layers.len()).rev().collect(), false, true),
            _ => ((0..layers.len()).collect(), true, true),
        };
        for r in order {
            let layer = &layers[r];
            let desired: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let ns: Vec<usize> = up[v]
                        .iter()
                        .filter(|_| use_up)
                        .chain(down[v].iter().filter(|_| use_down))
                        .copied()
                        .collect();
                    if ns.is_empty() {
                        vertices[v].x
                    } else {
                        ns.iter().map(|&w| vertices[w].x).sum::<f64>() / ns.len() as f64
                    }
                })
                .collect();
            let placed = closest_ordered(
                &desired,
                &layer.iter().map(|&v| vertices[v].width).collect::<Vec<_>>(),
                style.node_gap,
            );
            for (&v, x) in layer.iter().zip(placed) {
                vertices[v].x = x;
            }
        }
    }
}

/// Centres as close (least squares) to `desired` as the order and spacing allow.
fn closest_ordered(desired: &[f64], widths: &[f64], gap: f64) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(desired.len());
    let mut offset = 0.0;
    for (i, w) in widths.iter().enumerate() {
        if i > 0 {
            offset += (widths[i - 1] + w) / 2.0 + gap;
        }
        offsets.push(offset);
    }
    // Pool adjacent violators on targets t_i = desired_i - offset_i (non-decreasing fit).
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (d, o) in desired.iter().zip(&offsets) {
        blocks.push((d - o, 1));
        while blocks.len() > 1 && blocks[blocks.len() - 2].0 > blocks[blocks.len() - 1].0 {
            let (v2, n2) = blocks.pop().expect("two blocks");
            let (v1, n1) = blocks.pop().expect("two blocks");
            blocks.push((
                (v1 * n1 as f64 + v2 * n2 as f64) / (n1 + n2) as f64,
                n1 + n2,
            ));
        }
    }
    let fitted = blocks
        .into_iter()
        .flat_map(|(v, n)| std::iter::repeat_n(v, n));
    fitted.zip(offsets).map(|(y, o)| y + o).collect()
}
