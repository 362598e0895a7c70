//! Edge routes: polylines that run vertically through the rank bands (past the dummies of
//! long edges) and diagonally only in the gaps between bands, so they never cross a node.
//! Loops run upwards through their own dummies; a state looping to itself goes around its
//! right side.

use super::layers::Layered;
use super::position::Placement;
use super::{Point, Rect, Style};

/// One edge's route.
pub(super) struct Route {
    /// The polyline, from the source's border to the target's border.
    pub points: Vec<Point>,
    /// The segment the edge's label may sit anywhere on (it lies in a gap between ranks).
    pub label_line: (Point, Point),
    /// Routed as a loop (upwards, or around a state looping to itself).
    pub back: bool,
}

/// The fourth phase's output.
pub(super) struct Routes {
    /// One route per edge, in the order of the layered graph's chains.
    pub routes: Vec<Route>,
    /// The right edge of the nodes and of the routes around them.
    pub right: f64,
}

/// Route every edge of `layered` (whose back edges `back` marks) between the vertices as
/// `placement` put them.
pub(super) fn route(
    layered: &Layered,
    back: &[bool],
    placement: &Placement,
    style: &Style,
) -> Routes {
    let vertices = &layered.vertices;
    let (mut bottom_ports, mut top_ports) = ports(layered, back);
    let mut right = placement.width;
    let mut loops = 0usize;
    let mut routes = Vec::with_capacity(layered.chains.len());
    for (i, chain) in layered.chains.iter().enumerate() {
        let (from, to) = (chain[0], chain[chain.len() - 1]);
        let (source, target) = (
            placement.rect(&vertices[from]),
            placement.rect(&vertices[to]),
        );
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
        let ends = Ends {
            x_out,
            x_in,
            source,
            target,
        };
        let (points, label_line) = if upward {
            chain_route(layered, chain, &ends, placement, true)
        } else if from == to {
            // Loops further out for every state looping to itself, so they stay apart.
            let (points, line, x) = self_loop(layered, chain, &ends, placement, style, loops);
            loops += 1;
            right = right.max(x + 8.0);
            (points, line)
        } else {
            chain_route(layered, chain, &ends, placement, false)
        };
        routes.push(Route {
            points: dedup(points),
            label_line,
            back: back[i] || from == to,
        });
    }
    Routes { routes, right }
}

/// Where an edge leaves its source and enters its target.
struct Ends {
    x_out: f64,
    x_in: f64,
    source: Rect,
    target: Rect,
}

/// Per node, the edges meeting one of its sides, each with the x it heads towards.
type Ports = Vec<Vec<(usize, f64)>>;

/// The ports on every node's bottom and top; loops leave upwards from the source's top and
/// arrive at the target's bottom.
fn ports(layered: &Layered, back: &[bool]) -> (Ports, Ports) {
    let vertices = &layered.vertices;
    let mut bottom_ports: Ports = vec![Vec::new(); layered.node_count];
    let mut top_ports: Ports = vec![Vec::new(); layered.node_count];
    for (i, chain) in layered.chains.iter().enumerate() {
        let (from, to) = (chain[0], chain[chain.len() - 1]);
        if from == to {
            bottom_ports[from].push((i, f64::INFINITY));
            top_ports[to].push((i, f64::INFINITY));
            continue;
        }
        let (next_x, prev_x) = (vertices[chain[1]].x, vertices[chain[chain.len() - 2]].x);
        if back[i] {
            top_ports[from].push((i, next_x));
            bottom_ports[to].push((i, prev_x));
        } else {
            bottom_ports[from].push((i, next_x));
            top_ports[to].push((i, prev_x));
        }
    }
    (bottom_ports, top_ports)
}

/// The x at which `edge` meets one side of `rect`: the edges on that side are spread in the
/// order of where they head, so they do not start on top of each other.
fn port(ports: &mut [(usize, f64)], rect: &Rect, edge: usize) -> f64 {
    ports.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let k = ports.iter().position(|p| p.0 == edge).unwrap_or(0);
    let usable = (rect.width - 16.0).min(24.0 * ports.len() as f64);
    rect.center_x() - usable / 2.0 + usable * (k as f64 + 0.5) / ports.len() as f64
}

/// One side (top or bottom) of a rank's band.
type BandSide = fn(&Placement, usize) -> f64;

/// Through the edge's dummies: down out of the source's bottom into the target's top, or
/// (`upward`, a loop) up out of the source's top into the target's bottom. Each rank is
/// entered at one side of its band and left at the other.
fn chain_route(
    layered: &Layered,
    chain: &[usize],
    ends: &Ends,
    placement: &Placement,
    upward: bool,
) -> (Vec<Point>, (Point, Point)) {
    let vertices = &layered.vertices;
    let (from, to) = (chain[0], chain[chain.len() - 1]);
    let (enter, leave): (BandSide, BandSide) = if upward {
        (Placement::band_bottom, Placement::band_top)
    } else {
        (Placement::band_top, Placement::band_bottom)
    };
    let (start_y, end_y) = if upward {
        (ends.source.y, ends.target.bottom())
    } else {
        (ends.source.bottom(), ends.target.y)
    };
    let at = |x: f64, y: f64| Point { x, y };
    let mut points = vec![
        at(ends.x_out, start_y),
        at(ends.x_out, leave(placement, vertices[from].rank)),
    ];
    for &d in &chain[1..chain.len() - 1] {
        let r = vertices[d].rank;
        points.push(at(vertices[d].x, enter(placement, r)));
        points.push(at(vertices[d].x, leave(placement, r)));
    }
    points.push(at(ends.x_in, enter(placement, vertices[to].rank)));
    points.push(at(ends.x_in, end_y));
    let line = (points[1], points[2]);
    (points, line)
}

/// A state looping to itself: out of its bottom, around the right of everything on its rank
/// (`loops` loops already further in), into its top. Also returns the x it goes around at.
fn self_loop(
    layered: &Layered,
    chain: &[usize],
    ends: &Ends,
    placement: &Placement,
    style: &Style,
    loops: usize,
) -> (Vec<Point>, (Point, Point), f64) {
    let vertices = &layered.vertices;
    let (from, to) = (chain[0], chain[chain.len() - 1]);
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
    let below = placement.band_bottom(vertices[from].rank) + style.rank_gap * 0.3;
    let above = placement.band_top(vertices[to].rank) - style.rank_gap * 0.3;
    let points = vec![
        Point {
            x: ends.x_out,
            y: ends.source.bottom(),
        },
        Point {
            x: ends.x_out,
            y: below,
        },
        Point { x, y: below },
        Point { x, y: above },
        Point {
            x: ends.x_in,
            y: above,
        },
        Point {
            x: ends.x_in,
            y: ends.target.y,
        },
    ];
    // The label sits just above the loop's return, not on a slope.
    let at = Point {
        x: (x + ends.x_in) / 2.0,
        y: above - style.label_height / 2.0 - 2.0,
    };
    (points, (at, at), x)
}

/// Drop points that repeat the one before (a straight edge needs no bend).
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

#[cfg(test)]
mod tests {
    use super::route;
    use crate::layout::layers::layer;
    use crate::layout::position::place;
    use crate::layout::rank::rank;
    use crate::layout::Style;

    #[test]
    fn routes_start_and_end_on_their_nodes_borders() {
        // 0 -> 1 -> 2, a shortcut 0 -> 2, a loop 2 -> 0 and 1 looping to itself.
        let edges = [(0, 1), (1, 2), (0, 2), (2, 0), (1, 1)];
        let style = Style::default();
        let ranking = rank(3, &edges, 0);
        let mut layered = layer(&[(110.0, 38.0); 3], &edges, &ranking, 0);
        let placement = place(&mut layered, &style);
        let routes = route(&layered, &ranking.back, &placement, &style);
        let rect = |v: usize| placement.rect(&layered.vertices[v]);
        for (&(from, to), route) in edges.iter().zip(&routes.routes) {
            let (first, last) = (route.points[0], route.points[route.points.len() - 1]);
            assert!(
                rect(from).on_border(first),
                "{from}->{to} starts at {first:?}"
            );
            assert!(rect(to).on_border(last), "{from}->{to} ends at {last:?}");
        }
        let back: Vec<bool> = routes.routes.iter().map(|r| r.back).collect();
        assert_eq!(back, vec![false, false, false, true, true]);
        let self_loop = &routes.routes[4];
        assert!(
            self_loop.points.iter().any(|p| p.x > rect(1).right()),
            "the self-loop goes around the right side"
        );
        assert!(routes.right > rect(1).right());
    }
}
