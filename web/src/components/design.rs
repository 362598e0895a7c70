//! Designing on the graph: a toolbar (add a state from the palette, rename, delete, connect,
//! catch) and a form for the selected state. Every action is a text edit the asl crate
//! computes (`stepwise_asl::edit`), applied as one undo step.

use leptos::prelude::*;
use serde_json::Value;
use stepwise_asl::edit::{self, palette::PALETTE, Place};
use stepwise_graph::NodeKind;

use crate::app::{use_playground, Playground};

/// Apply an edit, or say why it cannot be made.
fn apply(pg: Playground, edited: Result<String, String>) -> bool {
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
            let kind = |id: &str| {
                pg.drawing.with_untracked(|d| {
                    d.as_ref()
                        .and_then(|d| d.nodes.iter().find(|n| n.id == id))
                        .map(|n| n.kind)
                })
            };
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
        pg.selected_edge.set(None);
        pg.group.set(Vec::new());
        pg.selected.set(name);
    }
}

/// What a new state from the palette would be added to, in words.
pub fn palette_target(pg: Playground) -> String {
    let label = |id: String| {
        pg.drawing
            .with(|d| {
                d.as_ref()
                    .and_then(|d| d.nodes.iter().find(|n| n.id == id))
                    .map(|n| n.label.clone())
            })
            .unwrap_or(id)
    };
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
        pg.group.set(Vec::new());
        pg.selected.set(now);
    }
}

/// The graph's design toolbar.
#[component]
pub fn DesignBar() -> impl IntoView {
    let pg = use_playground();
    let names = Memo::new(move |_| pg.state_names.get());
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
                {move || names.get().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
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

/// The fields a state of each type has in the form: (field, label, kind).
fn fields(state_type: &str) -> Vec<(&'static str, &'static str, FieldKind)> {
    let mut out = vec![("Comment", "Comment", FieldKind::Text)];
    match state_type {
        "Task" => out.extend([
            ("Resource", "Resource", FieldKind::Text),
            ("Parameters", "Parameters (JSON)", FieldKind::Json),
            ("ResultPath", "ResultPath", FieldKind::Text),
            ("TimeoutSeconds", "TimeoutSeconds", FieldKind::Number),
            ("HeartbeatSeconds", "HeartbeatSeconds", FieldKind::Number),
        ]),
        "Pass" => out.extend([
            ("Parameters", "Parameters (JSON)", FieldKind::Json),
            ("Result", "Result (JSON)", FieldKind::Json),
            ("ResultPath", "ResultPath", FieldKind::Text),
        ]),
        "Wait" => out.push(("Seconds", "Seconds", FieldKind::Number)),
        "Fail" => out.extend([
            ("Error", "Error", FieldKind::Text),
            ("Cause", "Cause", FieldKind::Text),
        ]),
        "Map" => out.extend([
            ("ItemsPath", "ItemsPath", FieldKind::Text),
            ("MaxConcurrency", "MaxConcurrency", FieldKind::Number),
        ]),
        _ => {}
    }
    if !matches!(state_type, "Fail" | "Succeed" | "Choice") {
        out.extend([
            ("InputPath", "InputPath", FieldKind::Text),
            ("OutputPath", "OutputPath", FieldKind::Text),
        ]);
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum FieldKind {
    Text,
    Number,
    Json,
}

/// The form of the selected state: each field edits the definition's text.
#[component]
pub fn StateForm(state: String) -> impl IntoView {
    let pg = use_playground();
    let name = state.clone();
    // The state as written (the form reads the text, so it shows what is there).
    let value = Memo::new(move |_| {
        pg.definition.with(|text| {
            let (parsed, _) = stepwise_asl::parse_text(text, &mut Default::default());
            parsed.and_then(|v| {
                let pointer = edit::state_pointer(&v, &name)?;
                v.pointer(&pointer).cloned()
            })
        })
    });
    let state_type = move || {
        value.with(|v| {
            v.as_ref()
                .and_then(|s| s.get("Type"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        })
    };
    let error = RwSignal::new(None::<String>);
    view! {
        <form class="state-form" aria-label="Edit the state" on:submit=|ev| ev.prevent_default()>
            <h4>{move || format!("Edit ({})", state_type())}</h4>
            {move || {
                let state = state.clone();
                fields(&state_type()).into_iter().map(move |(field, label, kind)| {
                    let shown = move || value.with(|v| match v.as_ref().and_then(|s| s.get(field)) {
                        None => String::new(),
                        Some(Value::String(s)) => s.clone(),
                        Some(other) if kind == FieldKind::Json => serde_json::to_string_pretty(other).unwrap_or_default(),
                        Some(other) => other.to_string(),
                    });
                    let state = state.clone();
                    let commit = move |raw: String| {
                        let parsed = match (kind, raw.trim()) {
                            (_, "") => Ok(None),
                            (FieldKind::Text, t) => Ok(Some(Value::String(t.to_owned()))),
                            (FieldKind::Number, t) => t.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(|n| Some(Value::Number(n))).ok_or_else(|| format!("{field} must be a number")),
                            (FieldKind::Json, t) => serde_json::from_str(t).map(Some).map_err(|e| format!("{field} is not JSON: {e}")),
                        };
                        match parsed {
                            Ok(v) => {
                                error.set(None);
                                // Integers stay integers.
                                let v = v.map(|v| match v.as_f64() {
                                    Some(f) if kind == FieldKind::Number && f.fract() == 0.0 => Value::from(f as i64),
                                    _ => v,
                                });
                                let text = pg.definition.get_untracked();
                                apply(pg, edit::set_field(&text, &state, field, v.as_ref()));
                            }
                            Err(message) => error.set(Some(message)),
                        }
                    };
                    let input = if kind == FieldKind::Json {
                        view! { <textarea class="json-input small" aria-label=label prop:value=shown on:change=move |ev| commit(event_target_value(&ev))></textarea> }.into_any()
                    } else {
                        view! { <input aria-label=label prop:value=shown on:change=move |ev| commit(event_target_value(&ev)) /> }.into_any()
                    };
                    view! { <label class="field">{label}{input}</label> }
                }).collect_view()
            }}
            {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
        </form>
    }
}
