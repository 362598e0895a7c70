//! The form of the selected state: the fields its type has, each editing the definition's
//! text. What is typed is checked as it is typed, with the editor's diagnostics, and lands
//! in the text (one undo step) when the field is left.

use leptos::prelude::*;
use serde_json::Value;
use stepwise_asl::{edit, Diagnostic, Severity};

use super::design::apply;
use crate::app::use_playground;

#[derive(Clone, Copy, PartialEq)]
enum FieldKind {
    Text,
    Number,
    Json,
}

/// A field of the form: the member it edits, and how its value is typed.
type Field = (&'static str, FieldKind);

/// The fields a state of type `state_type` has, in the query language it uses.
fn fields(state_type: &str, jsonata: bool) -> Vec<Field> {
    use FieldKind::{Json, Number, Text};
    let mut out = vec![("Comment", Text)];
    let io: &[Field] = if jsonata {
        &[("Output", Json), ("Assign", Json)]
    } else {
        &[("InputPath", Text), ("OutputPath", Text), ("Assign", Json)]
    };
    let input: &[Field] = if jsonata {
        &[("Arguments", Json)]
    } else {
        &[("Parameters", Json), ("ResultSelector", Json)]
    };
    let result: &[Field] = if jsonata {
        &[]
    } else {
        &[("ResultPath", Text)]
    };
    let errors: &[Field] = &[("Retry", Json), ("Catch", Json)];
    match state_type {
        "Task" => {
            out.push(("Resource", Text));
            out.extend(input);
            out.extend(result);
            out.extend([("TimeoutSeconds", Number), ("HeartbeatSeconds", Number)]);
            out.extend(errors);
        }
        "Pass" => {
            out.extend(if jsonata {
                &[][..]
            } else {
                &[("Parameters", Json), ("Result", Json)][..]
            });
            out.extend(result);
        }
        "Wait" => out.extend(if jsonata {
            &[("Seconds", Text), ("Timestamp", Text)][..]
        } else {
            &[
                ("Seconds", Number),
                ("SecondsPath", Text),
                ("Timestamp", Text),
                ("TimestampPath", Text),
            ][..]
        }),
        "Choice" => out.extend([("Choices", Json), ("Default", Text)]),
        "Fail" => out.extend([("Error", Text), ("Cause", Text)]),
        "Parallel" => {
            out.extend(input);
            out.extend(result);
            out.extend(errors);
        }
        "Map" => {
            out.push(if jsonata {
                ("Items", Json)
            } else {
                ("ItemsPath", Text)
            });
            out.extend([("ItemSelector", Json), ("MaxConcurrency", Number)]);
            out.extend(result);
            out.extend(errors);
        }
        _ => {}
    }
    if !matches!(state_type, "Fail" | "Succeed") {
        out.extend(io);
    }
    if matches!(state_type, "Choice") {
        out.retain(|(name, _)| *name != "Assign");
    }
    out
}

/// What a field's text means: nothing (remove the member), or its value.
fn read(field: &str, kind: FieldKind, raw: &str) -> Result<Option<Value>, String> {
    match (kind, raw.trim()) {
        (_, "") => Ok(None),
        (FieldKind::Text, t) => Ok(Some(Value::String(t.to_owned()))),
        // Integers stay integers.
        (FieldKind::Number, t) => t
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| t.parse::<f64>().map(Value::from))
            .map(Some)
            .map_err(|_| format!("{field} must be a number")),
        (FieldKind::Json, t) => serde_json::from_str(t)
            .map(Some)
            .map_err(|e| format!("{field} is not JSON: {e}")),
    }
}

/// How a member's value shows in its field.
fn shown(value: Option<&Value>, kind: FieldKind) -> String {
    match value {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) if kind == FieldKind::Json => {
            serde_json::to_string_pretty(other).unwrap_or_default()
        }
        Some(other) => other.to_string(),
    }
}

/// The form of the state `state`.
#[component]
pub fn StateForm(state: String) -> impl IntoView {
    let pg = use_playground();
    let name = state.clone();
    // The state as written (the form reads the text, so it shows what is there), and where.
    let written = Memo::new(move |_| {
        pg.definition.with(|text| {
            let (parsed, _) = stepwise_asl::parse_text(text, &mut Default::default());
            let parsed = parsed?;
            let pointer = edit::state_pointer(&parsed, &name)?;
            let jsonata = |v: Option<&Value>| {
                v.and_then(|v| v.get("QueryLanguage"))
                    .and_then(Value::as_str)
                    == Some("JSONata")
            };
            let state = parsed.pointer(&pointer).cloned()?;
            let jsonata = jsonata(Some(&state)) || jsonata(Some(&parsed));
            Some((state, pointer, jsonata))
        })
    });
    let state_type = move || {
        written.with(|w| {
            w.as_ref()
                .and_then(|(s, _, _)| s.get("Type"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        })
    };
    // The diagnostics of a field being typed (what the text would have), else the text's.
    let draft = RwSignal::new(None::<Result<Vec<Diagnostic>, String>>);
    let of_state = move |diagnostics: &[Diagnostic]| -> Vec<Diagnostic> {
        let pointer = written.with(|w| w.as_ref().map(|(_, p, _)| p.clone()).unwrap_or_default());
        let inside =
            |d: &&Diagnostic| d.pointer == pointer || d.pointer.starts_with(&format!("{pointer}/"));
        diagnostics.iter().filter(inside).cloned().collect()
    };
    let findings = move || match draft.get() {
        Some(Ok(diagnostics)) => Ok(of_state(&diagnostics)),
        Some(Err(message)) => Err(message),
        None => Ok(pg.analysis.with(|a| of_state(&a.diagnostics))),
    };
    let field_view = move |(field, kind): Field| {
        let state = state.clone();
        let value =
            move || written.with(|w| shown(w.as_ref().and_then(|(s, _, _)| s.get(field)), kind));
        // The text with this field as typed.
        let edited = move |raw: &str| -> Result<String, String> {
            let value = read(field, kind, raw)?;
            let text = pg.definition.get_untracked();
            edit::set_field(&text, &state, field, value.as_ref())
        };
        let check = {
            let edited = edited.clone();
            move |raw: String| {
                draft.set(Some(edited(&raw).map(|text| {
                    stepwise_asl::load(&text, &pg.load_options_untracked()).diagnostics
                })));
            }
        };
        let commit = move |raw: String| match edited(&raw) {
            Ok(text) => {
                draft.set(None);
                apply(pg, Ok(text));
            }
            Err(message) => draft.set(Some(Err(message))),
        };
        let input = if kind == FieldKind::Json {
            let check = check.clone();
            view! { <textarea class="json-input small" aria-label=field prop:value=value spellcheck="false"
                on:input=move |ev| check(event_target_value(&ev))
                on:change=move |ev| commit(event_target_value(&ev))></textarea> }.into_any()
        } else {
            view! { <input aria-label=field prop:value=value
            on:input=move |ev| check(event_target_value(&ev))
            on:change=move |ev| commit(event_target_value(&ev)) /> }
            .into_any()
        };
        view! { <label class="field">{field}{input}</label> }
    };
    view! {
        <form class="state-form" aria-label="Edit the state" on:submit=|ev| ev.prevent_default()>
            <h4>{move || format!("Edit ({})", state_type())}</h4>
            {move || {
                let jsonata = written.with(|w| w.as_ref().is_some_and(|(_, _, j)| *j));
                fields(&state_type(), jsonata).into_iter().map(field_view.clone()).collect_view()
            }}
            <ul class="form-findings" aria-label="Problems of this state">
                {move || match findings() {
                    Err(message) => view! { <li class="error">{message}</li> }.into_any(),
                    Ok(found) => found.into_iter().map(|d| {
                        let class = if d.severity == Severity::Error { "error" } else { "warning" };
                        view! { <li class=class>{format!("{} {}", d.message, d.code)}</li> }
                    }).collect_view().into_any(),
                }}
            </ul>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn each_type_has_the_fields_of_its_query_language() {
        let names = |t, jsonata| {
            fields(t, jsonata)
                .into_iter()
                .map(|(n, _)| n)
                .collect::<Vec<_>>()
        };
        assert!(names("Task", false).starts_with(&[
            "Comment",
            "Resource",
            "Parameters",
            "ResultSelector",
            "ResultPath"
        ]));
        assert!(names("Task", false).contains(&"Retry") && names("Task", false).contains(&"Catch"));
        assert_eq!(
            names("Task", true)[..3],
            ["Comment", "Resource", "Arguments"]
        );
        assert!(!names("Task", true).contains(&"ResultPath"));
        assert_eq!(
            names("Choice", false),
            ["Comment", "Choices", "Default", "InputPath", "OutputPath"]
        );
        assert_eq!(names("Fail", false), ["Comment", "Error", "Cause"]);
        assert_eq!(
            read("TimeoutSeconds", FieldKind::Number, " 30 "),
            Ok(Some(Value::from(30)))
        );
        assert!(read("Retry", FieldKind::Json, "[{")
            .unwrap_err()
            .starts_with("Retry is not JSON"));
        assert_eq!(read("Comment", FieldKind::Text, "  "), Ok(None));
    }
}
