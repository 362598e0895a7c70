//! The state graph from crates/graph, coloured by the execution at the trace's cursor.
//! Pan by dragging, zoom with the wheel, Fit to see everything; click a state to select it
//! (and put the editor's caret on its definition). After an edit the view stays where it
//! was, moved with the states near its middle, and follows the selected state.

use std::collections::HashMap;

use leptos::prelude::*;
use stepwise_engine::trace::Snapshot;
use stepwise_graph::Layout;

use super::design::Target;
use super::graph_parts::{
    edge_keys, node_key, set_if_changed, EdgeGroup, Geometry, GraphNode, KeyedEdges, Link, Marks,
};
use super::palette::drop_handlers;
use crate::app::{use_playground, Lab, Tab};

/// The part of the drawing the pane shows: x, y, width, height.
type ViewBox = (f64, f64, f64, f64);

/// Where each node's middle was in the drawing last shown.
type Places = HashMap<String, (f64, f64)>;

fn places(drawing: &Layout) -> Places {
    drawing
        .nodes
        .iter()
        .map(|n| {
            (
                n.id.clone(),
                (n.rect.center_x(), n.rect.y + n.rect.height / 2.0),
            )
        })
        .collect()
}

/// The view that shows all of `drawing` (small machines keep their natural size).
fn fitted(drawing: &Layout) -> ViewBox {
    let (width, height) = (drawing.width.max(640.0), drawing.height.max(480.0));
    ((drawing.width - width) / 2.0, 0.0, width, height)
}

/// The view after the drawing changed from `before` to `now`: `None` when it is another
/// machine (most states are new), else `view` moved by as much as the state nearest its
/// middle moved, so what the user looked at stays in place.
fn kept(view: ViewBox, before: &Places, now: &Places) -> Option<ViewBox> {
    let common = now.keys().filter(|id| before.contains_key(*id)).count();
    if common * 2 < before.len().max(now.len()) {
        return None;
    }
    let middle = (view.0 + view.2 / 2.0, view.1 + view.3 / 2.0);
    let distance = |(x, y): (f64, f64)| (x - middle.0).powi(2) + (y - middle.1).powi(2);
    let anchor = now
        .keys()
        .filter_map(|id| Some((before.get(id)?, now.get(id)?)))
        .min_by(|a, b| distance(*a.0).total_cmp(&distance(*b.0)));
    let (dx, dy) = anchor.map_or((0.0, 0.0), |(old, new)| (new.0 - old.0, new.1 - old.1));
    Some((view.0 + dx, view.1 + dy, view.2, view.3))
}

/// `view` moved just enough to show `rect` (with a margin, when there is room for it).
fn showing(view: ViewBox, rect: &stepwise_graph::layout::Rect) -> ViewBox {
    let axis = |start: f64, size: f64, low: f64, high: f64| {
        let margin = ((size - (high - low)) / 2.0).clamp(0.0, 24.0);
        if low - margin < start {
            low - margin
        } else if high + margin > start + size {
            (high + margin - size).min(low - margin)
        } else {
            start
        }
    };
    (
        axis(view.0, view.2, rect.x, rect.right()),
        axis(view.1, view.3, rect.y, rect.bottom()),
        view.2,
        view.3,
    )
}

/// The graph pane.
#[component]
pub fn GraphView() -> impl IntoView {
    let pg = use_playground();
    let view_box = RwSignal::new((0.0f64, 0.0f64, 600.0f64, 400.0f64));
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let fit = move || {
        if let Some(d) = pg.drawing.get_untracked() {
            view_box.set(fitted(&d));
        }
    };
    // A new machine is fitted; an edited one keeps its view and follows the selection.
    let shown = StoredValue::new(None::<Places>);
    Effect::new(move |_| {
        pg.drawing.with(|drawing| {
            let Some(drawing) = drawing else { return };
            let now = places(drawing);
            let loaded = pg.fit_next_drawing.try_update_value(std::mem::take) == Some(true);
            let view = shown
                .with_value(|before| {
                    before
                        .as_ref()
                        .filter(|_| !loaded)
                        .and_then(|b| kept(view_box.get_untracked(), b, &now))
                })
                .unwrap_or_else(|| fitted(drawing));
            // A drawing that fits the view is shown whole.
            let whole = stepwise_graph::layout::Rect {
                x: 0.0,
                y: 0.0,
                width: drawing.width,
                height: drawing.height,
            };
            let view = if drawing.width <= view.2 && drawing.height <= view.3 {
                showing(view, &whole)
            } else {
                view
            };
            let selected = pg.selected.get_untracked();
            let view = selected
                .and_then(|name| drawing.nodes.iter().find(|n| n.id == name))
                .map_or(view, |node| showing(view, &node.rect));
            view_box.set(view);
            shown.set_value(Some(now));
        });
    });
    // What the trace says at the cursor (the engine reads the history; this only draws it).
    let at_cursor = Memo::new(move |_| {
        pg.run.with(|run| {
            run.as_ref().map_or_else(Snapshot::default, |r| {
                Snapshot::at(&r.events, pg.cursor.get(), &r.children, &r.pending)
            })
        })
    });
    // With the Resilience tab open, the states whose faults ended runs.
    let weak = Memo::new(move |_| {
        if pg.tab.get() != Tab::Resilience {
            return Default::default();
        }
        pg.lab.with(|lab| match lab {
            Lab::Done(report) => report
                .states
                .iter()
                .filter(|s| s.ended_runs > 0)
                .map(|s| s.name.clone())
                .collect(),
            _ => Default::default(),
        })
    });
    // The drawing's parts with their keys, in drawing order, each key computed once.
    let keyed_nodes = Memo::new(move |_| {
        laid(pg.drawing, |d| {
            d.nodes.iter().map(|n| (node_key(n), n.clone())).collect()
        })
    });
    // Edges in groups by the node they leave, the groups in the nodes' order (which edge
    // is drawn over which is not seen). An edit changes the groups of the states it
    // touches; the other groups keep their DOM where it is.
    let edge_groups = Memo::new(move |_| laid(pg.drawing, edges_by_source));
    let nodes_where = move |container: bool| {
        keyed_nodes.with(|n| {
            n.iter()
                .filter(|(_, n)| n.container == container)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let marks = Marks {
        statuses: Memo::new(move |_| at_cursor.with(|s| s.statuses.clone())),
        taken: Memo::new(move |_| at_cursor.with(|s| s.transitions.clone())),
        progress: Memo::new(move |_| at_cursor.with(|s| s.map_progress.clone())),
        weak,
        linking: RwSignal::new(None::<Link>),
        selected: StoredValue::new(Selector::new(move || pg.selected.get())),
        selected_edge: StoredValue::new(Selector::new(move || pg.selected_edge.get())),
        geometry: Geometry::default(),
    };
    // Parts drawn before move to where the new drawing puts them (new parts start there).
    Effect::new(move |_| {
        keyed_nodes.with(|nodes| edge_groups.with(|groups| marks.geometry.update(nodes, groups)));
    });
    let has_drawing = Memo::new(move |_| pg.drawing.with(Option::is_some));
    // Pixels of the pane per unit of the drawing, and where the drawing's origin is on the
    // page (the svg scales its viewBox to meet the pane, centred across).
    let to_drawing = move |client_x: i32, client_y: i32| {
        let svg = svg_ref.get_untracked()?;
        let pane = svg.get_bounding_client_rect();
        let (x, y, w, h) = view_box.get_untracked();
        let scale = (pane.width() / w).min(pane.height() / h);
        let left = pane.left() + (pane.width() - w * scale) / 2.0;
        Some((
            x + (client_x as f64 - left) / scale,
            y + (client_y as f64 - pane.top()) / scale,
            scale,
        ))
    };
    let panning = RwSignal::new(None::<(i32, i32)>);
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let factor = if ev.delta_y() > 0.0 { 1.15 } else { 1.0 / 1.15 };
        view_box.update(|(x, y, w, h)| {
            let (cx, cy) = (*x + *w / 2.0, *y + *h / 2.0);
            *w *= factor;
            *h *= factor;
            *x = cx - *w / 2.0;
            *y = cy - *h / 2.0;
        });
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        if marks.linking.with_untracked(Option::is_some) {
            if let Some((x, y, _)) = to_drawing(ev.client_x(), ev.client_y()) {
                marks.linking.update(|l| {
                    if let Some(l) = l {
                        l.end = (x, y);
                    }
                });
            }
        } else if let Some((px, py)) = panning.get_untracked() {
            let (dx, dy) = (ev.client_x() - px, ev.client_y() - py);
            panning.set(Some((ev.client_x(), ev.client_y())));
            let scale = to_drawing(0, 0).map_or(1.0, |(_, _, s)| s);
            view_box.update(|(x, y, _, _)| {
                *x -= dx as f64 / scale;
                *y -= dy as f64 / scale;
            });
        }
    };
    let stop = move || {
        panning.set(None);
        marks.linking.set(None);
    };
    let on_background = RwSignal::new(false);
    let (drag_over, drop) = drop_handlers(|| Target::Top, on_background);
    view! {
        <div class="graph" class:drop-target=move || on_background.get() tabindex="-1"
            aria-busy=move || pg.analysis_behind.get().to_string()
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if let Some(undo) = super::editor::undo_key(&ev) {
                    ev.prevent_default();
                    if undo { pg.undo() } else { pg.redo() }
                } else if ev.key() == "Escape" {
                    stop();
                    pg.group.set(Vec::new());
                }
            }
            on:click=move |_| set_if_changed(pg.selected_edge, None)
            on:dragover=drag_over on:drop=drop on:dragleave=move |_| on_background.set(false)
            on:wheel=on_wheel on:mousemove=on_move on:mouseup=move |_| stop() on:mouseleave=move |_| stop()
            on:mousedown=move |ev: web_sys::MouseEvent| panning.set(Some((ev.client_x(), ev.client_y())))>
            <button class="fit" on:click=move |_| fit() title="Fit the drawing to the pane">"Fit"</button>
            {move || if has_drawing.get() {
                view! {
                    <svg class="state-graph" node_ref=svg_ref viewBox=move || { let (x, y, w, h) = view_box.get(); format!("{x} {y} {w} {h}") } preserveAspectRatio="xMidYMin meet">
                        <defs>
                            <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                                <path d="M0,0 L10,5 L0,10 z"></path>
                            </marker>
                        </defs>
                        // Keyed by what they are, not where: an edit that moves them updates their
                        // geometry in place.
                        <For each=move || nodes_where(true) key=|(key, _)| *key
                            children=move |(key, node)| view! { <GraphNode key node marks /> } />
                        <For each=move || laid(pg.drawing, |d| d.scopes.clone()) key=|s| format!("{}{:?}", s.id, s.rect) children=|s| view! {
                            <rect class="scope" x=s.rect.x y=s.rect.y width=s.rect.width height=s.rect.height rx="6"></rect>
                        } />
                        <For each=move || edge_groups.get() key=|(source, _)| source.clone()
                            children=move |(source, edges)| view! { <EdgeGroup source edges marks /> } />
                        <For each=move || nodes_where(false) key=|(key, _)| *key
                            children=move |(key, node)| view! { <GraphNode key node marks /> } />
                        {move || marks.linking.get().map(|l| view! {
                            <line class=if l.catch { "linking catch" } else { "linking" } x1=l.start.0 y1=l.start.1 x2=l.end.0 y2=l.end.1></line>
                        })}
                    </svg>
                }.into_any()
            } else {
                view! { <p class="empty">"Fix the definition's errors to see its graph."</p> }.into_any()
            }}
        </div>
    }
}

/// The drawing's edges with their keys, in groups by the node they leave, the groups in
/// the nodes' order.
fn edges_by_source(drawing: &Layout) -> Vec<(String, KeyedEdges)> {
    let order: HashMap<&str, usize> = drawing
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut edges: Vec<_> = edge_keys(&drawing.edges)
        .into_iter()
        .zip(&drawing.edges)
        .collect();
    edges.sort_by_key(|(_, e)| order.get(e.from.as_str()).copied());
    let mut groups: Vec<(String, KeyedEdges)> = Vec::new();
    for (key, edge) in edges {
        match groups.last_mut() {
            Some((source, group)) if *source == edge.from => group.push((key, edge.clone())),
            _ => groups.push((edge.from.clone(), vec![(key, edge.clone())])),
        }
    }
    groups
}

/// A part of the current drawing (empty while there is none).
fn laid<T>(drawing: Memo<Option<Layout>>, part: impl Fn(&Layout) -> Vec<T>) -> Vec<T> {
    drawing.with(|d| d.as_ref().map(part).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn an_edited_drawing_keeps_the_view_on_the_states_it_showed() {
        let before: Places = [
            ("A", (100.0, 50.0)),
            ("B", (100.0, 150.0)),
            ("C", (100.0, 250.0)),
        ]
        .map(|(id, at)| (id.to_owned(), at))
        .into();
        // A state inserted above B: B and C move down, and the view with B.
        let mut now = before.clone();
        now.insert("New".into(), (100.0, 150.0));
        now.insert("B".into(), (100.0, 250.0));
        now.insert("C".into(), (100.0, 350.0));
        assert_eq!(
            kept((0.0, 100.0, 200.0, 100.0), &before, &now),
            Some((0.0, 200.0, 200.0, 100.0))
        );
        // Another machine is fitted anew.
        let other: Places = [("X", (1.0, 1.0)), ("Y", (2.0, 2.0))]
            .map(|(id, at)| (id.to_owned(), at))
            .into();
        assert_eq!(kept((0.0, 0.0, 10.0, 10.0), &before, &other), None);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn the_view_moves_just_enough_to_show_a_state() {
        let rect = stepwise_graph::layout::Rect {
            x: 500.0,
            y: 40.0,
            width: 100.0,
            height: 30.0,
        };
        assert_eq!(
            showing((0.0, 0.0, 400.0, 300.0), &rect),
            (224.0, 0.0, 400.0, 300.0)
        );
        assert_eq!(
            showing((480.0, 0.0, 400.0, 300.0), &rect),
            (476.0, 0.0, 400.0, 300.0)
        );
        assert_eq!(
            showing((300.0, 0.0, 400.0, 300.0), &rect),
            (300.0, 0.0, 400.0, 300.0)
        );
    }
}
