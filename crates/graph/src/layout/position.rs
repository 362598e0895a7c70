//! Sizes and coordinates: how big each node is (a container as big as the scopes inside it),
//! where each vertex goes within its rank, how tall each rank's band is, and where the
//! nested scopes go inside their container once it has its place.

use super::layers::{Layered, Vertex};
use super::{Block, LaidScope, Rect, Style};
use crate::model::{Graph, GraphNode, NodeKind};

/// The (width, height) of `node`, given the (width, height) of each scope laid out inside it
/// (none unless it is a Parallel or Map) and `measure` for its text.
pub(super) fn node_size(
    node: &GraphNode,
    nested: &[(f64, f64)],
    measure: &dyn Fn(&str) -> f64,
    style: &Style,
) -> (f64, f64) {
    match node.kind {
        NodeKind::Start | NodeKind::End => (56.0, 26.0),
        _ if !nested.is_empty() => {
            // Side by side, under a title that must fit too.
            let width: f64 = nested.iter().map(|c| c.0).sum::<f64>()
                + style.node_gap * (nested.len() - 1) as f64;
            let height = nested.iter().map(|c| c.1).fold(0.0, f64::max);
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
    }
}

/// The third phase's output: where the ranks' bands lie, and how wide the scope is.
pub(super) struct Placement {
    band_top: Vec<f64>,
    band_height: Vec<f64>,
    /// The right edge of the rightmost vertex (the leftmost starts at 0).
    pub width: f64,
}

impl Placement {
    /// The top of rank `r`'s band.
    pub fn band_top(&self, r: usize) -> f64 {
        self.band_top[r]
    }
    /// The bottom of rank `r`'s band.
    pub fn band_bottom(&self, r: usize) -> f64 {
        self.band_top[r] + self.band_height[r]
    }
    /// The bottom of the last band.
    pub fn height(&self) -> f64 {
        self.band_top.last().copied().unwrap_or(0.0)
            + self.band_height.last().copied().unwrap_or(0.0)
    }
    /// Where `v` is drawn: at its centre x, vertically centred in its rank's band.
    pub fn rect(&self, v: &Vertex) -> Rect {
        Rect {
            x: v.x - v.width / 2.0,
            y: self.band_top[v.rank] + (self.band_height[v.rank] - v.height) / 2.0,
            width: v.width,
            height: v.height,
        }
    }
}

/// Give every vertex of `layered` (ordered within its rank) its x, the leftmost edge at 0,
/// and stack the ranks' bands, each as tall as its tallest vertex, `style.rank_gap` apart.
pub(super) fn place(layered: &mut Layered, style: &Style) -> Placement {
    assign_x(
        &layered.layers,
        &mut layered.vertices,
        &layered.links,
        style,
    );
    let vertices = &mut layered.vertices;
    let band_height: Vec<f64> = layered
        .layers
        .iter()
        .map(|l| l.iter().map(|&v| vertices[v].height).fold(0.0, f64::max))
        .collect();
    let mut band_top = vec![0.0; layered.layers.len()];
    for r in 1..band_top.len() {
        band_top[r] = band_top[r - 1] + band_height[r - 1] + style.rank_gap;
    }
    let min_x = vertices
        .iter()
        .map(|v| v.x - v.width / 2.0)
        .fold(f64::INFINITY, f64::min);
    for v in vertices.iter_mut() {
        v.x -= min_x;
    }
    let width = vertices
        .iter()
        .map(|v| v.x + v.width / 2.0)
        .fold(0.0, f64::max);
    Placement {
        band_top,
        band_height,
        width,
    }
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
    // Sweeps towards the ranks above, then below, then both.
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

/// Move the `nested` scopes (laid out on their own, from the origin) side by side into the
/// container at `rect`, below its title and centred; returns their frames, one per `graphs`.
pub(super) fn fill_container(
    rect: Rect,
    nested: &mut [Block],
    graphs: &[Graph],
    style: &Style,
) -> Vec<LaidScope> {
    let mut x = rect.x
        + (rect.width
            - (nested.iter().map(|c| c.width).sum::<f64>()
                + style.node_gap * nested.len().saturating_sub(1) as f64))
            / 2.0;
    let mut frames = Vec::with_capacity(nested.len());
    for (child, graph) in nested.iter_mut().zip(graphs) {
        child.shift(x, rect.y + style.container_header);
        frames.push(LaidScope {
            id: graph.id.clone(),
            rect: Rect {
                x,
                y: rect.y + style.container_header,
                width: child.width,
                height: child.height,
            },
        });
        x += child.width + style.node_gap;
    }
    frames
}

#[cfg(test)]
mod tests {
    use super::{node_size, place};
    use crate::layout::layers::{Layered, Vertex};
    use crate::layout::Style;
    use crate::model::{GraphNode, NodeKind};
    use stepwise_asl::model::StateType;

    fn vertex(width: f64, rank: usize) -> Vertex {
        Vertex {
            width,
            height: 38.0,
            rank,
            x: 0.0,
        }
    }

    #[test]
    fn nodes_of_one_rank_keep_at_least_the_gap_between_them() {
        // One node above three that all pull towards its centre.
        let mut layered = Layered {
            node_count: 4,
            vertices: vec![
                vertex(100.0, 0),
                vertex(120.0, 1),
                vertex(80.0, 1),
                vertex(60.0, 1),
            ],
            chains: vec![vec![0, 1], vec![0, 2], vec![0, 3]],
            layers: vec![vec![0], vec![1, 2, 3]],
            links: vec![(0, 1), (0, 2), (0, 3)],
        };
        let style = Style::default();
        let placement = place(&mut layered, &style);
        let rects: Vec<_> = layered.vertices.iter().map(|v| placement.rect(v)).collect();
        for pair in [1, 2, 3].windows(2) {
            let (left, right) = (rects[pair[0]], rects[pair[1]]);
            assert!(
                right.x - left.right() >= style.node_gap - 1e-9,
                "{left:?} and {right:?} are closer than the gap"
            );
        }
        let left = rects.iter().map(|r| r.x).fold(f64::INFINITY, f64::min);
        assert!(left.abs() < 1e-9, "the leftmost vertex starts at 0");
        let children = (rects[1].center_x() + rects[2].center_x() + rects[3].center_x()) / 3.0;
        assert!(
            (rects[0].center_x() - children).abs() < 1e-6,
            "the parent is centred over its children"
        );
        assert_eq!(rects[1].y, 38.0 + style.rank_gap, "rank 1 is a gap below");
        assert_eq!(placement.height(), 2.0 * 38.0 + style.rank_gap);
    }

    #[test]
    fn a_container_fits_its_scopes_and_its_title() {
        let style = Style::default();
        let node = GraphNode {
            id: "P".into(),
            label: "P".into(),
            kind: NodeKind::State(StateType::Parallel),
            children: Vec::new(),
        };
        let measure = |_: &str| 10.0;
        let (width, height) = node_size(&node, &[(200.0, 90.0), (150.0, 120.0)], &measure, &style);
        assert_eq!(
            width,
            200.0 + style.node_gap + 150.0 + 2.0 * style.container_padding
        );
        assert_eq!(
            height,
            120.0 + style.container_header + style.container_padding
        );
        assert_eq!(
            node_size(&node, &[], &measure, &style),
            (style.min_width, style.node_height),
            "without scopes it is an ordinary state"
        );
    }
}
