//! One state and one transition of the drawn graph: how each looks at the trace's cursor,
//! and what it does when clicked, dragged from or dropped on.

use std::collections::{BTreeMap, HashMap, HashSet};

use leptos::prelude::*;
use stepwise_asl::model::StateType;
use stepwise_engine::trace::StateStatus;
use stepwise_graph::layout::{LaidEdge, LaidNode, Rect};
use stepwise_graph::{EdgeKind, NodeKind};

use super::design::{delete_selected, link, Target};
use super::palette::drop_handlers;
use crate::app::{use_playground, Playground, Tab};

/// What the graph marks on its parts: the trace at the cursor, the lab's weak states, and
/// a connection being dragged.
#[derive(Clone, Copy)]
pub struct Marks {
    pub statuses: Memo<BTreeMap<String, StateStatus>>,
    pub taken: Memo<Vec<(String, String)>>,
    pub progress: Memo<BTreeMap<String, (usize, usize)>>,
    pub weak: Memo<HashSet<String>>,
    pub linking: RwSignal<Option<Link>>,
    pub geometry: Geometry,
    /// Which state and which transition are selected: a change of selection wakes only the
    /// two parts it concerns, not every part of the drawing.
    pub selected: StoredValue<Selector<Option<String>>>,
    pub selected_edge: StoredValue<Selector<Option<(String, String)>>>,
}

/// Edges with their keys.
pub type KeyedEdges = Vec<(u64, LaidEdge)>;

/// Where each drawn part is, as a signal of its own: a part keeps its DOM while its key
/// stays, and an edit that moves some parts wakes those parts alone (one shared map of
/// places would wake every part at every edit).
#[derive(Clone, Copy)]
pub struct Geometry {
    nodes: StoredValue<HashMap<u64, NodePlace>>,
    edges: StoredValue<HashMap<u64, EdgePlace>>,
    /// The edges leaving each node, by the node's key (see [`EdgeGroup`]).
    groups: StoredValue<HashMap<u64, RwSignal<KeyedEdges>>>,
}

/// Where a node is: its top-left corner, and its size (which moving it leaves alone).
#[derive(Clone, Copy, PartialEq)]
struct NodePlace {
    at: RwSignal<(f64, f64)>,
    size: RwSignal<(f64, f64)>,
}

impl NodePlace {
    fn new(rect: Rect) -> Self {
        NodePlace {
            at: RwSignal::new((rect.x, rect.y)),
            size: RwSignal::new((rect.width, rect.height)),
        }
    }

    fn set(&self, rect: Rect) {
        set_if_changed(self.at, (rect.x, rect.y));
        set_if_changed(self.size, (rect.width, rect.height));
    }
}

/// Where an edge runs (its polyline's points attribute), and where its label sits.
#[derive(Clone, Copy, PartialEq)]
struct EdgePlace {
    points: RwSignal<String>,
    label: Option<RwSignal<Rect>>,
}

impl EdgePlace {
    fn new(edge: &LaidEdge) -> Self {
        EdgePlace {
            points: RwSignal::new(points(edge)),
            label: edge.label.as_ref().map(|l| RwSignal::new(l.rect)),
        }
    }

    fn set(&self, edge: &LaidEdge) {
        set_if_changed(self.points, points(edge));
        // A label is part of the edge's key: an edge keeps having one, or not.
        if let (Some(place), Some(label)) = (self.label, &edge.label) {
            set_if_changed(place, label.rect);
        }
    }
}

impl Default for Geometry {
    fn default() -> Self {
        Geometry {
            nodes: StoredValue::new(HashMap::new()),
            edges: StoredValue::new(HashMap::new()),
            groups: StoredValue::new(HashMap::new()),
        }
    }
}

impl Geometry {
    /// Move every drawn part to where `nodes` and the edge `groups` (keyed as the lists are)
    /// put it, and give every drawn group its edges when they are other edges.
    pub fn update(&self, nodes: &[(u64, LaidNode)], groups: &[(String, KeyedEdges)]) {
        self.nodes.with_value(|places| {
            for (key, node) in nodes {
                if let Some(place) = places.get(key) {
                    place.set(node.rect);
                }
            }
        });
        self.edges.with_value(|places| {
            for (key, edge) in groups.iter().flat_map(|(_, edges)| edges) {
                if let Some(place) = places.get(key) {
                    place.set(edge);
                }
            }
        });
        self.groups.with_value(|drawn| {
            for (source, edges) in groups {
                if let Some(group) = drawn.get(&hashed(source)) {
                    let same = group.with_untracked(|now| {
                        now.len() == edges.len() && now.iter().zip(edges).all(|(a, b)| a.0 == b.0)
                    });
                    if !same {
                        group.set(edges.clone());
                    }
                }
            }
        });
    }

    /// The place of the node drawn under `key`, kept while that node is drawn.
    fn node(&self, key: u64, rect: Rect) -> NodePlace {
        let place = NodePlace::new(rect);
        kept_while_drawn(self.nodes, key, place)
    }

    /// The place of the edge drawn under `key`, kept while that edge is drawn.
    fn edge(&self, key: u64, edge: &LaidEdge) -> EdgePlace {
        let place = EdgePlace::new(edge);
        kept_while_drawn(self.edges, key, place)
    }
}

/// Register `place` under `key` until the part that owns it goes (and only its own entry:
/// the same key may already be drawn anew).
fn kept_while_drawn<P: Copy + PartialEq + Send + Sync + 'static>(
    places: StoredValue<HashMap<u64, P>>,
    key: u64,
    place: P,
) -> P {
    places.update_value(|p| {
        p.insert(key, place);
    });
    on_cleanup(move || {
        places.try_update_value(|p| {
            if p.get(&key) == Some(&place) {
                p.remove(&key);
            }
        });
    });
    place
}

/// A coordinate as SVG takes it: to a tenth of a unit, in its shortest form.
fn coordinate(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Set `signal` to `value` only when that changes it (a set wakes every reader).
pub fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    signal.maybe_update(|current| {
        let changed = *current != value;
        if changed {
            *current = value;
        }
        changed
    });
}

/// The key a node is kept under: what cannot change without drawing it anew.
pub fn node_key(node: &LaidNode) -> u64 {
    let kind = format!("{:?}", node.kind);
    hashed((&node.id, kind, node.container, &node.label))
}

/// A key as a number: cheap to keep, compare and copy for every part at every edit.
fn hashed(key: impl std::hash::Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
}

/// The keys of `edges`, in order: their ends, kind and label, and how many alike came
/// before (a Choice can have two rules to one state).
pub fn edge_keys(edges: &[LaidEdge]) -> Vec<u64> {
    let mut seen = HashMap::new();
    edges
        .iter()
        .map(|e| {
            let label = e.label.as_ref().map(|l| l.text.as_str());
            let key = hashed((&e.from, &e.to, format!("{:?}", e.kind), label));
            let count = seen.entry(key).or_insert(0u32);
            *count += 1;
            hashed((key, *count))
        })
        .collect()
}

/// A connection being dragged from a state's handle (in the drawing's coordinates).
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The state it starts from.
    pub from: String,
    /// A Catch (from the catch handle), else a Next.
    pub catch: bool,
    /// Where it starts.
    pub start: (f64, f64),
    /// Where the pointer is.
    pub end: (f64, f64),
}

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

/// Select `name` alone, or with Shift/Ctrl/Cmd, add it to (or take it from) the group picked
/// together.
fn pick(pg: Playground, name: &str, together: bool) {
    set_if_changed(pg.selected_edge, None);
    if together {
        pg.group.update(|group| {
            if group.is_empty() {
                group.extend(pg.selected.get_untracked());
            }
            match group.iter().position(|n| n == name) {
                Some(i) => {
                    group.remove(i);
                }
                None => group.push(name.to_owned()),
            }
        });
    } else {
        set_if_changed(pg.group, Vec::new());
    }
    set_if_changed(pg.selected, Some(name.to_owned()));
}

/// One node: a state, a container, or a scope's Start or End.
#[component]
pub fn GraphNode(key: u64, node: LaidNode, marks: Marks) -> impl IntoView {
    let pg = use_playground();
    let id = node.id.clone();
    // Children are drawn from the node's corner: moving it changes one attribute.
    let place = marks.geometry.node(key, node.rect);
    let transform = move || {
        let (x, y) = place.at.get();
        format!("translate({},{})", coordinate(x), coordinate(y))
    };
    let size = move || place.size.get();
    let state_type = match node.kind {
        NodeKind::State(t) => Some(t),
        _ => None,
    };
    let kind = state_type.map_or("terminal", StateType::as_str);
    let dropped_on = RwSignal::new(false);
    let class = {
        let id = id.clone();
        move || {
            let selected = marks.selected.with_value(|s| s.selected(&Some(id.clone())));
            format!(
                "node type-{kind}{}{}{}{}{}{}",
                if node.container { " container" } else { "" },
                marks.statuses.with(|s| status_class(s.get(&id))),
                if selected { " selected" } else { "" },
                if pg.group.with(|g| g.contains(&id)) {
                    " grouped"
                } else {
                    ""
                },
                if marks.weak.with(|w| w.contains(&id)) {
                    " weak"
                } else {
                    ""
                },
                if dropped_on.get() { " drop-target" } else { "" },
            )
        }
    };
    let on_key = {
        let id = id.clone();
        move |ev: web_sys::KeyboardEvent| {
            if state_type.is_none() {
                return;
            }
            let handled = match ev.key().as_str() {
                "Enter" | " " => {
                    pick(pg, &id, ev.shift_key());
                    pg.tab.set(Tab::Inspector);
                    true
                }
                "F2" => {
                    pick(pg, &id, false);
                    pg.renaming.set(true);
                    true
                }
                "Delete" | "Backspace" => {
                    pick(pg, &id, false);
                    delete_selected(pg);
                    true
                }
                _ => false,
            };
            if handled {
                ev.prevent_default();
            }
        }
    };
    let rename = {
        let id = id.clone();
        move |_| {
            if state_type.is_some() {
                pick(pg, &id, false);
                pg.renaming.set(true);
            }
        }
    };
    let select = {
        let id = id.clone();
        move |ev: web_sys::MouseEvent| {
            ev.stop_propagation();
            if state_type.is_none() {
                return;
            }
            pick(pg, &id, ev.shift_key() || ev.ctrl_key() || ev.meta_key());
            if let Some(offset) = pg
                .analysis
                .with_untracked(|a| a.state(&id).map(|s| s.offset))
            {
                pg.jump_to.set(Some(offset));
            }
            pg.tab.set(Tab::Inspector);
        }
    };
    // The end of a connection dragged from another state's handle.
    let link_here = {
        let id = id.clone();
        move |ev: web_sys::MouseEvent| {
            if let (Some(started), Some(_)) = (marks.linking.get_untracked(), state_type) {
                ev.stop_propagation();
                marks.linking.set(None);
                if started.from != id {
                    link(pg, &started.from, &id, started.catch);
                }
            }
        }
    };
    let (drag_over, drop) = {
        let id = id.clone();
        let target = move || match state_type {
            Some(_) => Target::After(id.clone()),
            None => Target::Top,
        };
        drop_handlers(target, dropped_on)
    };
    let handle = {
        let id = id.clone();
        // Where a handle sits on the node's border (it moves with the node).
        move |catch: bool| {
            let from = id.clone();
            let at = move || {
                let (width, height) = size();
                if catch {
                    (width, height / 2.0)
                } else {
                    (width / 2.0, height)
                }
            };
            let (class, title) = if catch {
                (
                    "handle catch-handle",
                    format!("Drag to the state {from} goes to on an error"),
                )
            } else {
                (
                    "handle next-handle",
                    format!("Drag to the state {from} goes to next"),
                )
            };
            view! {
                <circle class=class cx=move || at().0 cy=move || at().1 r="5" data-from=from.clone()
                    on:mousedown=move |ev: web_sys::MouseEvent| {
                        ev.stop_propagation();
                        ev.prevent_default();
                        let ((x, y), (dx, dy)) = (place.at.get_untracked(), at());
                        let start = (x + dx, y + dy);
                        marks.linking.set(Some(Link { from: from.clone(), catch, start, end: start }));
                    }>
                    <title>{title}</title>
                </circle>
            }
        }
    };
    // An embedded graph is for reading: it has no handles.
    let editable = !crate::app::is_embedded();
    let goes_on = editable
        && !matches!(
            state_type,
            None | Some(StateType::Succeed | StateType::Fail)
        );
    let catches = editable
        && matches!(
            state_type,
            Some(StateType::Task | StateType::Parallel | StateType::Map)
        );
    let rx = match node.kind {
        NodeKind::Start | NodeKind::End => node.rect.height / 2.0,
        NodeKind::State(StateType::Choice) => 16.0,
        _ => 6.0,
    };
    let container = node.container;
    let label_at = move || {
        let (width, height) = size();
        if container {
            (10.0, 18.0)
        } else {
            (width / 2.0, height / 2.0)
        }
    };
    let anchor = if container { "start" } else { "middle" };
    let label_text = format!("{} ({kind})", node.label);
    let progress_id = id.clone();
    let title = label_text.clone();
    view! {
        <g class=class data-id=id transform=transform on:click=select on:dblclick=rename on:keydown=on_key
            on:mouseup=link_here on:dragover=drag_over on:drop=drop
            on:dragleave=move |_| dropped_on.set(false)
            tabindex=if state_type.is_some() { "0" } else { "-1" } role="button" aria-label=label_text.clone()>
            <title>{title}</title>
            <rect width=move || size().0 height=move || size().1 rx=rx></rect>
            <text x=move || label_at().0 y=move || label_at().1 text-anchor=anchor dominant-baseline="central">{node.label.clone()}</text>
            {move || marks.progress.with(|p| p.get(&progress_id).map(|(done, total)| view! {
                <text class="progress" x=move || size().0 - 10.0 y="18" text-anchor="end">{format!("{done}/{total}")}</text>
            }))}
            {goes_on.then(|| handle(false))}
            {catches.then(|| handle(true))}
        </g>
    }
}

fn points(edge: &LaidEdge) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(edge.points.len() * 12);
    for (i, p) in edge.points.iter().enumerate() {
        let gap = if i == 0 { "" } else { " " };
        let _ = write!(out, "{gap}{},{}", coordinate(p.x), coordinate(p.y));
    }
    out
}

/// The transitions leaving one node. Drawn as a group, so that an edit that adds or removes
/// some transitions changes the DOM of their groups alone: a flat list of every transition
/// would move the DOM of all those after them.
#[component]
pub fn EdgeGroup(source: String, edges: KeyedEdges, marks: Marks) -> impl IntoView {
    let edges = kept_while_drawn(marks.geometry.groups, hashed(&source), RwSignal::new(edges));
    view! {
        <For each=move || edges.get() key=|(key, _)| *key
            children=move |(key, edge)| view! { <GraphEdge key edge marks /> } />
    }
}

/// One transition: click it to select it (a new state goes there), or drop a palette entry
/// on it.
#[component]
pub fn GraphEdge(key: u64, edge: LaidEdge, marks: Marks) -> impl IntoView {
    let pg = use_playground();
    let place = marks.geometry.edge(key, &edge);
    let ends = (edge.from.clone(), edge.to.clone());
    let kind = match edge.kind {
        EdgeKind::Catch => "catch",
        EdgeKind::Choice => "choice",
        EdgeKind::Default => "default",
        EdgeKind::Next => "next",
    };
    let dropped_on = RwSignal::new(false);
    let class = {
        let ends = ends.clone();
        move || {
            format!(
                "edge {kind}{}{}{}",
                if marks.taken.with(|t| t.contains(&ends)) {
                    " taken"
                } else {
                    ""
                },
                if marks
                    .selected_edge
                    .with_value(|s| s.selected(&Some(ends.clone())))
                {
                    " selected"
                } else {
                    ""
                },
                if dropped_on.get() { " drop-target" } else { "" },
            )
        }
    };
    let select = {
        let ends = ends.clone();
        move |ev: web_sys::MouseEvent| {
            ev.stop_propagation();
            set_if_changed(pg.selected, None);
            set_if_changed(pg.group, Vec::new());
            set_if_changed(pg.selected_edge, Some(ends.clone()));
        }
    };
    let (drag_over, drop) = {
        let ends = ends.clone();
        drop_handlers(
            move || Target::Edge(ends.0.clone(), ends.1.clone()),
            dropped_on,
        )
    };
    let line = move || place.points.get();
    let label = edge.label.map(|l| l.text).zip(place.label);
    view! {
        <g class=class data-from=ends.0.clone() data-to=ends.1.clone() on:click=select
            on:dragover=drag_over on:drop=drop on:dragleave=move |_| dropped_on.set(false)>
            // A wide, unpainted line: a transition is easy to hit.
            <polyline class="hit" points=line></polyline>
            <polyline points=line marker-end="url(#arrowhead)"></polyline>
            {label.map(|(text, rect)| {
                let rect = move || rect.get();
                view! {
                    <g transform=move || { let r = rect(); format!("translate({},{})", coordinate(r.x), coordinate(r.y)) }>
                        <rect class="edge-label-bg" width=move || rect().width height=move || rect().height rx="3"></rect>
                        <text class="edge-label" x=move || rect().width / 2.0 y=move || rect().height / 2.0 text-anchor="middle" dominant-baseline="central">{text}</text>
                    </g>
                }
            })}
        </g>
    }
}
