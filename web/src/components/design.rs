//! Designing on the graph: a toolbar (add a state from the palette, rename, delete, connect,
//! catch) and a form for the selected state. Every action is a text edit the asl crate
//! computes (`stepwise_asl::edit`), applied as one undo step.

use leptos::prelude::*;
use serde_json::Value;
use stepwise_asl::edit::{self, palette::PALETTE, Place};

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

/// Add palette entry `index`: on the selected transition, after the selected state, or at
/// the machine's end when nothing is selected. The new state is selected.
pub fn add_from_palette(pg: Playground, index: usize) {
    let Some(entry) = PALETTE.get(index) else {
        return;
    };
    let text = pg.definition.get_untracked();
    let state = entry.state(entry.name);
    let added = match (
        pg.selected_edge.get_untracked(),
        pg.selected.get_untracked(),
    ) {
        (Some((from, to)), _) => edit::insert_on_edge(&text, &from, &to, entry.name, &state),
        (None, Some(after)) => {
            match edit::add_state(&text, entry.name, &state, &Place::After(after.clone())) {
                // A selection left over from an earlier text counts as none.
                Err(e) if e == format!("There is no state \"{after}\".") => {
                    edit::add_state(&text, entry.name, &state, &Place::Top)
                }
                other => other,
            }
        }
        (None, None) => edit::add_state(&text, entry.name, &state, &Place::Top),
    };
    let name = added.as_ref().ok().map(|(_, name)| name.clone());
    if apply(pg, added.map(|(text, _)| text)) {
        pg.selected_edge.set(None);
        pg.selected.set(name);
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

/// Wrap the selected state in a Parallel or a Map (`None`: unwrap the selected one); the
/// wrapper, or the first state unwrapped, is selected.
fn wrap_selected(pg: Playground, wrapper: Option<edit::Wrapper>) {
    let Some(name) = pg.selected.get_untracked() else {
        return;
    };
    let text = pg.definition.get_untracked();
    let (edited, now) = match wrapper {
        Some(wrapper) => match edit::wrap_state(&text, &name, wrapper) {
            Ok((text, group)) => (Ok(text), Some(group)),
            Err(e) => (Err(e), None),
        },
        None => (edit::unwrap_state(&text, &name), None),
    };
    if apply(pg, edited) {
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
    let target_select =
        move |label: &'static str,
              class: &'static str,
              action: fn(&str, &str, &str) -> Result<String, String>| {
            view! {
                <select class=class aria-label=label disabled=move || selected().is_none() on:change=move |ev| {
                    let target = event_target_value(&ev);
                    if let (Some(from), false) = (pg.selected.get_untracked(), target.is_empty()) {
                        let text = pg.definition.get_untracked();
                        apply(pg, action(&text, &from, &target));
                    }
                    reset_select(&ev);
                }>
                    <option value="" selected>{label}</option>
                    {move || names.get().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                </select>
            }
        };
    view! {
        <div class="design-bar" role="toolbar" aria-label="Design">
            <select class="palette" aria-label="Add a state" on:change=move |ev| {
                if let Ok(index) = event_target_value(&ev).parse::<usize>() {
                    add_from_palette(pg, index);
                }
                reset_select(&ev);
            }>
                <option value="" selected>{move || match (pg.selected_edge.get(), selected()) {
                    (Some((from, to)), _) => format!("Add a state between {from} and {to}…"),
                    (None, Some(name)) => format!("Add a state after {name}…"),
                    (None, None) => "Add a state…".to_owned(),
                }}</option>
                {PALETTE.iter().enumerate().map(|(i, e)| view! { <option value=i.to_string()>{e.label}</option> }).collect_view()}
            </select>
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
            {target_select("Go next to…", "connect", edit::connect)}
            {target_select("Catch errors to…", "catch-to", |text, from, to| edit::add_catch(text, from, to, None))}
            <button class="wrap-parallel" disabled=move || selected().is_none() title="Put the selected state in a Parallel branch"
                on:click=move |_| wrap_selected(pg, Some(edit::Wrapper::Parallel))>"Wrap in Parallel"</button>
            <button class="wrap-map" disabled=move || selected().is_none() title="Put the selected state in a Map"
                on:click=move |_| wrap_selected(pg, Some(edit::Wrapper::Map))>"Wrap in Map"</button>
            <button class="unwrap" disabled=move || selected().is_none() title="Put the states of the selected Parallel (one branch) or Map in its place"
                on:click=move |_| wrap_selected(pg, None)>"Unwrap"</button>
            <button class="undo" title="Undo (Ctrl+Z)" on:click=move |_| pg.undo()>"Undo"</button>
            <button class="redo" title="Redo (Ctrl+Shift+Z)" on:click=move |_| pg.redo()>"Redo"</button>
        </div>
    }
}

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
