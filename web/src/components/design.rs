//! Designing on the graph: a toolbar (add a state from the palette, rename, delete, connect,
//! catch) and a form for the selected state. Every action is a text edit the asl crate
//! computes (`stepwise_asl::edit`), applied as one undo step.

use leptos::prelude::*;
use stepwise_asl::edit::{self, palette::PALETTE, Place};
use stepwise_graph::layout::LaidNode;
use stepwise_graph::NodeKind;

use super::graph_parts::set_if_changed;
use crate::app::{use_playground, Playground};

/// Apply an edit, or say why it cannot be made.
pub fn apply(pg: Playground, edited: Result<String, String>) -> bool {
    match edited {
        Ok(text) => {
            pg.edit(text);
            pg.notice.set(None);
            true
        }
        Err(message) => {
            pg.notice.set(Some(message));
            false
        }
    }
}

/// Where a new state goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// On the selected transition, after the selected state, or at the machine's end.
    Selection,
    /// On the transition from one state to another.
    Edge(String, String),
    /// After a state, in its place in the flow.
    After(String),
    /// Before the state that starts its scope.
    Before(String),
    /// At the machine's end, unconnected (its start when it has no states).
    Top,
}

/// Add palette entry `index` at `target`. The new state is selected.
pub fn add_from_palette(pg: Playground, index: usize, target: Target) {
    let Some(entry) = PALETTE.get(index) else {
        return;
    };
    let target = match target {
        Target::Selection => match (
            pg.selected_edge.get_untracked(),
            pg.selected.get_untracked(),
        ) {
            (Some((from, to)), _) => Target::Edge(from, to),
            (None, Some(after)) => Target::After(after),
            (None, None) => Target::Top,
        },
        other => other,
    };
    // The drawing's Start and End nodes stand for a scope's StartAt and a state's End.
    let target = match target {
        Target::Edge(from, to) => {
            let kind = |id: &str| untrack(|| drawn(pg, id, |n| n.kind));
            match (kind(&from), kind(&to)) {
                (Some(NodeKind::Start), _) => Target::Before(to),
                (_, Some(NodeKind::End)) => Target::After(from),
                _ => Target::Edge(from, to),
            }
        }
        other => other,
    };
    let text = pg.definition.get_untracked();
    let state = entry.state(entry.name);
    let added = match &target {
        Target::Edge(from, to) => edit::insert_on_edge(&text, from, to, entry.name, &state),
        Target::After(after) => {
            match edit::add_state(&text, entry.name, &state, &Place::After(after.clone())) {
                // A selection left over from an earlier text counts as none.
                Err(e) if e == format!("There is no state \"{after}\".") => {
                    edit::add_state(&text, entry.name, &state, &Place::Top)
                }
                other => other,
            }
        }
        Target::Before(first) => {
            edit::add_state(&text, entry.name, &state, &Place::Before(first.clone()))
        }
        Target::Selection | Target::Top => edit::add_state(&text, entry.name, &state, &Place::Top),
    };
    let name = added.as_ref().ok().map(|(_, name)| name.clone());
    if apply(pg, added.map(|(text, _)| text)) {
        set_if_changed(pg.selected_edge, None);
        set_if_changed(pg.group, Vec::new());
        pg.selected.set(name);
    }
}

/// What `read` says of the drawn node `id`.
fn drawn<T>(pg: Playground, id: &str, read: impl Fn(&LaidNode) -> T) -> Option<T> {
    pg.drawing.with(|d| {
        d.as_ref()
            .and_then(|d| d.nodes.iter().find(|n| n.id == id))
            .map(read)
    })
}

/// What a new state from the palette would be added to, in words.
pub fn palette_target(pg: Playground) -> String {
    let label = |id: String| drawn(pg, &id, |n| n.label.clone()).unwrap_or(id);
    match (pg.selected_edge.get(), pg.selected.get()) {
        (Some((from, to)), _) => format!("Adds between {} and {}", label(from), label(to)),
        (None, Some(name)) => format!("Adds after {name}"),
        (None, None) => "Adds at the end".to_owned(),
    }
}

/// Make `from` go to `to`: its Next (a rule, for a Choice), or with `catch`, a Catch of
/// the chosen error.
pub fn link(pg: Playground, from: &str, to: &str, catch: bool) {
    let text = pg.definition.get_untracked();
    let edited = if catch {
        let error = pg.catch_error.get_untracked();
        edit::add_catch(&text, from, to, Some(&error))
    } else {
        edit::connect(&text, from, to)
    };
    if apply(pg, edited) {
        pg.selected.set(Some(from.to_owned()));
    }
}

/// Rename the selected state.
pub fn rename_selected(pg: Playground, new: &str) {
    let Some(old) = pg.selected.get_untracked() else {
        return;
    };
    let text = pg.definition.get_untracked();
    if apply(pg, edit::rename_state(&text, &old, new)) {
        pg.selected.set(Some(new.trim().to_owned()));
    }
    pg.renaming.set(false);
}

/// Delete the selected state.
pub fn delete_selected(pg: Playground) {
    let Some(name) = pg.selected.get_untracked() else {
        return;
    };
    let text = pg.definition.get_untracked();
    if apply(pg, edit::delete_state(&text, &name)) {
        pg.selected.set(None);
    }
}

/// The states a wrap takes: the group picked together, or else the selected state.
fn to_wrap(pg: Playground) -> Vec<String> {
    let group = pg.group.get();
    if group.len() > 1 {
        group
    } else {
        pg.selected.get().into_iter().collect()
    }
}

/// Wrap the selected states in a Parallel or a Map (`None`: unwrap the selected one); the
/// wrapper is selected.
fn wrap_selected(pg: Playground, wrapper: Option<edit::Wrapper>) {
    let names = untrack(move || to_wrap(pg));
    let text = pg.definition.get_untracked();
    let (edited, now) = match (wrapper, names.as_slice()) {
        (_, []) => return,
        (Some(wrapper), names) => match edit::wrap_states(&text, names, wrapper) {
            Ok((text, group)) => (Ok(text), Some(group)),
            Err(e) => (Err(e), None),
        },
        (None, [name, ..]) => (edit::unwrap_state(&text, name), None),
    };
    if apply(pg, edited) {
        set_if_changed(pg.group, Vec::new());
        pg.selected.set(now);
    }
}

/// The graph's design toolbar.
#[component]
pub fn DesignBar() -> impl IntoView {
    let pg = use_playground();
    // Each name once (a text being typed may repeat one), as the keys of the options.
    let names = Memo::new(move |_| {
        pg.state_names.with(|names| {
            let mut seen = std::collections::HashSet::new();
            names
                .iter()
                .filter(|n| seen.insert(n.as_str()))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let selected = move || pg.selected.get();
    let rename_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if pg.renaming.get() {
            if let Some(input) = rename_input.get() {
                let _ = input.focus();
                input.select();
            }
        }
    });
    let target_select = move |label: &'static str, class: &'static str, catch: bool| {
        view! {
            <select class=class aria-label=label disabled=move || selected().is_none() on:change=move |ev| {
                let target = event_target_value(&ev);
                if let (Some(from), false) = (pg.selected.get_untracked(), target.is_empty()) {
                    link(pg, &from, &target, catch);
                }
                reset_select(&ev);
            }>
                <option value="" selected>{label}</option>
                // Keyed: an edit adds or removes the options it concerns, not rewrites them all.
                <For each=move || names.get() key=|n| n.clone() children=|n| view! { <option value=n.clone()>{n.clone()}</option> } />
            </select>
        }
    };
    let wrap_count = move || match to_wrap(pg).len() {
        0 | 1 => String::new(),
        n => format!(" {n} states"),
    };
    view! {
        <div class="design-bar" role="toolbar" aria-label="Design">
            {move || if pg.renaming.get() {
                let current = pg.selected.get_untracked().unwrap_or_default();
                view! {
                    <input class="rename" node_ref=rename_input aria-label="New name" prop:value=current
                        on:keydown=move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
                            "Enter" => rename_selected(pg, &event_target_value(&ev)),
                            "Escape" => pg.renaming.set(false),
                            _ => {}
                        }
                        on:blur=move |_| pg.renaming.set(false) />
                }.into_any()
            } else {
                view! {
                    <button class="rename-state" disabled=move || selected().is_none() title="Rename the selected state (F2)"
                        on:click=move |_| pg.renaming.set(true)>"Rename"</button>
                }.into_any()
            }}
            <button class="delete-state" disabled=move || selected().is_none() title="Delete the selected state (Delete)"
                on:click=move |_| delete_selected(pg)>"Delete"</button>
            {target_select("Go next to…", "connect", false)}
            {target_select("Catch errors to…", "catch-to", true)}
            <input class="catch-error" list="catchable-errors" aria-label="Error a new Catch takes"
                title="The error a new Catch takes (from the list, or your own)"
                prop:value=move || pg.catch_error.get()
                on:change=move |ev| {
                    let error = event_target_value(&ev).trim().to_owned();
                    pg.catch_error.set(if error.is_empty() { "States.ALL".to_owned() } else { error });
                } />
            <datalist id="catchable-errors">
                {CATCHABLE.iter().map(|e| view! { <option value=*e></option> }).collect_view()}
            </datalist>
            <button class="wrap-parallel" disabled=move || selected().is_none() title="Put the selected states (Shift-click to pick several) in a Parallel branch"
                on:click=move |_| wrap_selected(pg, Some(edit::Wrapper::Parallel))>{move || format!("Wrap{} in Parallel", wrap_count())}</button>
            <button class="wrap-map" disabled=move || selected().is_none() title="Put the selected states (Shift-click to pick several) in a Map"
                on:click=move |_| wrap_selected(pg, Some(edit::Wrapper::Map))>{move || format!("Wrap{} in Map", wrap_count())}</button>
            <button class="unwrap" disabled=move || selected().is_none() title="Put the states of the selected Parallel (one branch) or Map in its place"
                on:click=move |_| wrap_selected(pg, None)>"Unwrap"</button>
            <button class="undo" title="Undo (Ctrl+Z)" on:click=move |_| pg.undo()>"Undo"</button>
            <button class="redo" title="Redo (Ctrl+Shift+Z)" on:click=move |_| pg.redo()>"Redo"</button>
        </div>
    }
}

/// Errors offered for a new Catch: AWS's own, and the Lambda errors AWS says to handle.
const CATCHABLE: &[&str] = &[
    "States.ALL",
    "States.TaskFailed",
    "States.Timeout",
    "States.HeartbeatTimeout",
    "States.Permissions",
    "States.Runtime",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "Lambda.ServiceException",
    "Lambda.TooManyRequestsException",
];

fn reset_select(ev: &web_sys::Event) {
    use wasm_bindgen::JsCast;
    if let Some(select) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
    {
        select.set_value("");
    }
}
