//! Edge labels: sized by the caller's text measure and slid along their segments until none
//! covers another (the labels of a Choice's rules leave the node side by side, and at their
//! midpoints they would run together).

use super::route::Route;
use super::{LaidLabel, Rect, Style};
use crate::model::GraphEdge;

/// Where along its segment a label may sit: midpoint first, then further along or back.
const ALONG: [f64; 5] = [0.5, 0.72, 0.28, 0.86, 0.14];

/// The label of each of `edges` (none for an edge without one), on the label line of its
/// route in `routes`, at the first place along it that covers no label placed before.
pub(super) fn place_labels(
    edges: &[GraphEdge],
    routes: &[Route],
    measure: &dyn Fn(&str) -> f64,
    style: &Style,
) -> Vec<Option<LaidLabel>> {
    let mut placed: Vec<Rect> = Vec::new();
    edges
        .iter()
        .zip(routes)
        .map(|(edge, route)| {
            let text = edge.label.as_ref()?;
            let (a, b) = route.label_line;
            let (width, height) = (measure(text) * 0.85 + 8.0, style.label_height);
            // Keep the whole label between the segment's ends (the ranks above and below).
            let margin = ((height / 2.0 + 1.0) / (b.y - a.y).abs().max(1.0)).min(0.5);
            let at = |t: f64| {
                let t = t.clamp(margin, 1.0 - margin);
                Rect {
                    x: a.x + (b.x - a.x) * t - width / 2.0,
                    y: a.y + (b.y - a.y) * t - height / 2.0,
                    width,
                    height,
                }
            };
            let free = ALONG
                .iter()
                .map(|&t| at(t))
                .find(|rect| placed.iter().all(|p| !p.overlaps(rect)));
            let rect = free.unwrap_or_else(|| at(0.5));
            placed.push(rect);
            Some(LaidLabel {
                text: text.clone(),
                rect,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::place_labels;
    use crate::layout::route::Route;
    use crate::layout::{Point, Style};
    use crate::model::{EdgeKind, GraphEdge};

    fn edge(label: Option<&str>) -> GraphEdge {
        GraphEdge {
            id: "e".into(),
            from: "a".into(),
            to: "b".into(),
            kind: EdgeKind::Choice,
            label: label.map(str::to_owned),
        }
    }

    #[test]
    fn labels_leaving_a_node_side_by_side_are_slid_apart() {
        // Three rules leave one node 24 px apart, straight down across a 56 px gap: at their
        // midpoints the labels, wider than 24 px, would cover each other.
        let routes: Vec<Route> = [-24.0, 0.0, 24.0]
            .iter()
            .map(|&dx| {
                let (a, b) = (
                    Point {
                        x: 100.0 + dx,
                        y: 38.0,
                    },
                    Point {
                        x: 100.0 + dx,
                        y: 94.0,
                    },
                );
                Route {
                    points: vec![a, b],
                    label_line: (a, b),
                    back: false,
                }
            })
            .chain(std::iter::once(Route {
                points: Vec::new(),
                label_line: (Point { x: 0.0, y: 0.0 }, Point { x: 0.0, y: 0.0 }),
                back: false,
            }))
            .collect();
        let edges = [
            edge(Some("$.x > 1")),
            edge(Some("$.x > 2")),
            edge(Some("$.y")),
            edge(None),
        ];
        let measure = |text: &str| 7.0 * text.len() as f64;
        let labels = place_labels(&edges, &routes, &measure, &Style::default());
        assert!(labels[3].is_none(), "an unlabelled edge gets no label");
        let rects: Vec<_> = labels.iter().flatten().map(|l| l.rect).collect();
        assert_eq!(rects.len(), 3);
        for (i, a) in rects.iter().enumerate() {
            assert!(a.y >= 38.0 && a.bottom() <= 94.0, "{a:?} leaves the gap");
            for b in &rects[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
    }
}
