//! The state graph from crates/graph, coloured by the execution at the trace's cursor.
//! Pan by dragging, zoom with the wheel, Fit to see everything; click a state to select it
//! (and put the editor's caret on its definition).

use leptos::prelude::*;
use stepwise_engine::trace::{Snapshot, StateStatus};
use stepwise_graph::layout::{LaidEdge, LaidNode};
use stepwise_graph::{EdgeKind, NodeKind};

use crate::app::use_playground;

fn status_class(status: Option<&StateStatus>) -> &'static str {
    match status {
        Some(StateStatus::Active) => " status-active",
        Some(StateStatus::Succeeded) => " status-succeeded",
        Some(StateStatus::Failed) => " status-failed",
        Some(StateStatus::Caught) => " status-caught",
        Some(StateStatus::Retried) => " status-retried",
        Some(StateStatus::Waiting) => " status-waiting",
        None => "",
    }
}

fn points(edge: &LaidEdge) -> String {
    edge.points
        .iter()
        .map(|p| format!("{:.1},{:.1}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The graph pane.
#[component]
pub fn GraphView() -> impl IntoView {
    let pg = use_playground();
    let view_box = RwSignal::new((0.0f64, 0.0f64, 600.0f64, 400.0f64));
    let fit = move || {
        // Small machines keep their natural size instead of filling the pane.
        if let Some(d) = pg.drawing.get_untracked() {
            let (width, height) = (d.width.max(640.0), d.height.max(480.0));
            view_box.set(((d.width - width) / 2.0, 0.0, width, height));
        }
    };
    // Fit whenever the drawing's size changes (a new or edited machine).
    Effect::new(move |previous: Option<(f64, f64)>| {
        let size = pg
            .drawing
            .with(|d| d.as_ref().map_or((0.0, 0.0), |d| (d.width, d.height)));
        if previous != Some(size) {
            fit();
        }
        size
    });
    // What the trace says at the cursor (the engine reads the history; this only draws it).
    let at_cursor = Memo::new(move |_| {
        pg.run.with(|run| {
            run.as_ref().map_or_else(Snapshot::default, |r| {
                Snapshot::at(&r.events, pg.cursor.get(), &r.children, &r.pending)
            })
        })
    });
    let statuses = Memo::new(move |_| at_cursor.with(|s| s.statuses.clone()));
    let taken = Memo::new(move |_| at_cursor.with(|s| s.transitions.clone()));
    let progress = Memo::new(move |_| at_cursor.with(|s| s.map_progress.clone()));
    let has_drawing = Memo::new(move |_| pg.drawing.with(Option::is_some));
    let drag = RwSignal::new(None::<(i32, i32)>);
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
        if let Some((px, py)) = drag.get_untracked() {
            let (dx, dy) = (ev.client_x() - px, ev.client_y() - py);
            drag.set(Some((ev.client_x(), ev.client_y())));
            view_box.update(|(x, y, w, _)| {
                let scale = *w / 800.0;
                *x -= dx as f64 * scale;
                *y -= dy as f64 * scale;
            });
        }
    };
    // With the Resilience tab open, the states whose faults ended runs.
    let weak = Memo::new(move |_| {
        if pg.tab.get() != crate::app::Tab::Resilience {
            return std::collections::HashSet::new();
        }
        pg.lab.with(|lab| match lab {
            crate::app::Lab::Done(report) => report
                .states
                .iter()
                .filter(|s| s.ended_runs > 0)
                .map(|s| s.name.clone())
                .collect(),
            _ => std::collections::HashSet::new(),
        })
    });
    let node_view = move |node: LaidNode| {
        let id = node.id.clone();
        let id_for_class = id.clone();
        let id_for_click = id.clone();
        let r = node.rect;
        let kind = match node.kind {
            NodeKind::Start | NodeKind::End => "terminal",
            NodeKind::State(t) => t.as_str(),
        };
        let class = move || {
            let selected = pg
                .selected
                .with(|s| s.as_deref() == Some(id_for_class.as_str()));
            format!(
                "node type-{kind}{}{}{}{}",
                if node.container { " container" } else { "" },
                statuses.with(|s| status_class(s.get(&id_for_class))),
                if selected { " selected" } else { "" },
                if weak.with(|w| w.contains(&id_for_class)) {
                    " weak"
                } else {
                    ""
                }
            )
        };
        let id_for_keys = id_for_click.clone();
        let is_state = matches!(node.kind, NodeKind::State(_));
        let on_key = move |ev: web_sys::KeyboardEvent| {
            if !is_state {
                return;
            }
            let key = ev.key();
            let handled = match key.as_str() {
                "Enter" | " " => {
                    pg.selected_edge.set(None);
                    pg.selected.set(Some(id_for_keys.clone()));
                    pg.tab.set(crate::app::Tab::Inspector);
                    true
                }
                "F2" => {
                    pg.selected.set(Some(id_for_keys.clone()));
                    pg.renaming.set(true);
                    true
                }
                "Delete" | "Backspace" => {
                    pg.selected.set(Some(id_for_keys.clone()));
                    super::design::delete_selected(pg);
                    true
                }
                _ => false,
            };
            if handled {
                ev.prevent_default();
            }
        };
        let id_for_rename = id_for_click.clone();
        let rename = move |_| {
            if is_state {
                pg.selected.set(Some(id_for_rename.clone()));
                pg.renaming.set(true);
            }
        };
        let label_text = format!("{} ({kind})", node.label);
        let select = move |ev: web_sys::MouseEvent| {
            ev.stop_propagation();
            if matches!(node.kind, NodeKind::State(_)) {
                pg.selected_edge.set(None);
                pg.selected.set(Some(id_for_click.clone()));
                if let Some(offset) = pg
                    .analysis
                    .with_untracked(|a| a.state_offset(&id_for_click))
                {
                    pg.jump_to.set(Some(offset));
                }
                pg.tab.set(crate::app::Tab::Inspector);
            }
        };
        let rx = match node.kind {
            NodeKind::Start | NodeKind::End => r.height / 2.0,
            NodeKind::State(stepwise_asl::model::StateType::Choice) => 16.0,
            _ => 6.0,
        };
        let label_y = if node.container {
            r.y + 18.0
        } else {
            r.y + r.height / 2.0
        };
        let label_x = if node.container {
            r.x + 10.0
        } else {
            r.center_x()
        };
        let anchor = if node.container { "start" } else { "middle" };
        let progress_id = id.clone();
        view! {
            <g class=class data-id=id on:click=select on:dblclick=rename on:keydown=on_key
                tabindex=if is_state { "0" } else { "-1" } role="button" aria-label=label_text>
                <title>{format!("{} ({kind})", node.label)}</title>
                <rect x=r.x y=r.y width=r.width height=r.height rx=rx></rect>
                <text x=label_x y=label_y text-anchor=anchor dominant-baseline="central">{node.label.clone()}</text>
                {move || progress.with(|p| p.get(&progress_id).map(|(done, total)| view! {
                    <text class="progress" x=r.right() - 10.0 y=r.y + 18.0 text-anchor="end">{format!("{done}/{total}")}</text>
                }))}
            </g>
        }
    };
    let edge_view = move |edge: LaidEdge| {
        let pair = (edge.from.clone(), edge.to.clone());
        let (data_from, data_to) = pair.clone();
        let kind = match edge.kind {
            EdgeKind::Catch => "catch",
            EdgeKind::Choice => "choice",
            EdgeKind::Default => "default",
            EdgeKind::Next => "next",
        };
        let class = move || {
            format!(
                "edge {kind}{}",
                if taken.with(|t| t.contains(&pair)) {
                    " taken"
                } else {
                    ""
                }
            )
        };
        let ends = (data_from.clone(), data_to.clone());
        let chosen = ends.clone();
        let select_edge = move |ev: web_sys::MouseEvent| {
            ev.stop_propagation();
            pg.selected.set(None);
            pg.selected_edge.set(Some(ends.clone()));
        };
        let class = move || {
            let chosen = pg.selected_edge.with(|e| e.as_ref() == Some(&chosen));
            format!("{}{}", class(), if chosen { " selected" } else { "" })
        };
        view! {
            <g class=class data-id=edge.id.clone() data-from=data_from data-to=data_to on:click=select_edge>
                <polyline points=points(&edge) marker-end="url(#arrowhead)"></polyline>
                {edge.label.map(|l| view! {
                    <rect class="edge-label-bg" x=l.rect.x y=l.rect.y width=l.rect.width height=l.rect.height rx="3"></rect>
                    <text class="edge-label" x=l.rect.center_x() y=l.rect.y + l.rect.height / 2.0 text-anchor="middle" dominant-baseline="central">{l.text}</text>
                })}
            </g>
        }
    };
    view! {
        <div class="graph" tabindex="-1" on:keydown=move |ev: web_sys::KeyboardEvent| {
                if let Some(undo) = super::editor::undo_key(&ev) {
                    ev.prevent_default();
                    if undo { pg.undo() } else { pg.redo() }
                }
            }
             on:click=move |_| pg.selected_edge.set(None)
             on:wheel=on_wheel on:mousemove=on_move on:mouseup=move |_| drag.set(None) on:mouseleave=move |_| drag.set(None)
             on:mousedown=move |ev: web_sys::MouseEvent| drag.set(Some((ev.client_x(), ev.client_y())))>
            <button class="fit" on:click=move |_| fit() title="Fit the drawing to the pane">"Fit"</button>
            {move || if has_drawing.get() {
                view! {
                    <svg class="state-graph" viewBox=move || { let (x, y, w, h) = view_box.get(); format!("{x} {y} {w} {h}") } preserveAspectRatio="xMidYMin meet">
                        <defs>
                            <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                                <path d="M0,0 L10,5 L0,10 z"></path>
                            </marker>
                        </defs>
                        // Keyed by geometry: while typing, unchanged parts of the drawing keep their DOM.
                        <For each=move || laid(pg.drawing, |d| d.nodes.iter().filter(|n| n.container).cloned().collect()) key=|n| format!("{}{:?}", n.id, n.rect) children=node_view />
                        <For each=move || laid(pg.drawing, |d| d.scopes.clone()) key=|s| format!("{}{:?}", s.id, s.rect) children=|s| view! {
                            <rect class="scope" x=s.rect.x y=s.rect.y width=s.rect.width height=s.rect.height rx="6"></rect>
                        } />
                        <For each=move || laid(pg.drawing, |d| d.edges.clone()) key=|e| format!("{}{:?}{:?}", e.id, e.points, e.label) children=edge_view />
                        <For each=move || laid(pg.drawing, |d| d.nodes.iter().filter(|n| !n.container).cloned().collect()) key=|n| format!("{}{:?}", n.id, n.rect) children=node_view />
                    </svg>
                }.into_any()
            } else {
                view! { <p class="empty">"Fix the definition's errors to see its graph."</p> }.into_any()
            }}
        </div>
    }
}

/// A part of the current drawing (empty while there is none).
fn laid<T>(
    drawing: Memo<Option<stepwise_graph::Layout>>,
    part: impl Fn(&stepwise_graph::Layout) -> Vec<T>,
) -> Vec<T> {
    drawing.with(|d| d.as_ref().map(part).unwrap_or_default())
}
