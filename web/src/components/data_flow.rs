//! The data-flow inspector: for a visit of the selected state, each stage its data went
//! through (the engine's record, as TestState reports it), what each stage changed, and a
//! "Test this state" panel that runs the state alone through TestState.

use leptos::prelude::*;
use serde_json::Value;
use stepwise_engine::inspect::{changes, Inspection, Stage};
use stepwise_engine::test_state::{InspectionLevel, TestMock, TestStateRequest, TestStateResponse};

use crate::app::use_playground;
use crate::protocol::Request;

/// The most changed members marked in one stage.
const MAX_CHANGES: usize = 200;

/// The visits of `state` among the first `cursor` events: (entered event id, input text).
fn visits(events: &[stepwise_engine::Event], state: &str, cursor: usize) -> Vec<(u64, String)> {
    events
        .iter()
        .take(cursor)
        .filter(|e| e.kind.entered_state_type().is_some() && e.state_name() == Some(state))
        .map(|e| (e.id, e.text("input").unwrap_or("{}").to_owned()))
        .collect()
}

/// The stages of one visit of the selected state, and the panel to test it alone.
#[component]
pub fn DataFlow(state: String) -> impl IntoView {
    let pg = use_playground();
    let name = state.clone();
    let all_visits = Memo::new(move |_| {
        pg.run.with(|r| {
            r.as_ref()
                .map(|r| visits(&r.events, &name, pg.cursor.get()))
                .unwrap_or_default()
        })
    });
    // Which visit: the latest one unless the reader picked another.
    let picked = RwSignal::new(None::<u64>);
    let visit = Memo::new(move |_| {
        let visits = all_visits.get();
        picked
            .get()
            .filter(|id| visits.iter().any(|(v, _)| v == id))
            .or_else(|| visits.last().map(|(id, _)| *id))
    });
    Effect::new(move |_| {
        if let Some(entered_event) = visit.get() {
            let known = pg
                .inspection
                .with_untracked(|i| i.as_ref().is_some_and(|(id, _)| *id == entered_event));
            if !known {
                pg.ask(Request::Inspect { entered_event });
            }
        }
    });
    let selected_stage = RwSignal::new(None::<usize>);
    let picker = move || {
        let visits = all_visits.get();
        (visits.len() > 1).then(|| {
            let current = visit.get();
            view! {
                <label class="visit-picker">"Visit "
                    <select aria-label="Visit" on:change=move |ev| {
                        picked.set(event_target_value(&ev).parse().ok());
                        selected_stage.set(None);
                    }>
                        {visits.iter().enumerate().map(|(i, (id, _))| view! {
                            <option value=id.to_string() selected=Some(*id) == current>
                                {format!("{} of {} (event {id})", i + 1, visits.len())}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
            }
        })
    };
    let stages = move || {
        let visit = visit.get()?;
        pg.inspection.with(|i| match i {
            Some((id, Some(inspection))) if *id == visit => Some(Ok(inspection.clone())),
            Some((id, None)) if *id == visit => Some(Err(())),
            _ => None,
        })
    };
    let input_of_visit = Signal::derive(move || {
        let visit = visit.get();
        all_visits.with(|v| {
            v.iter()
                .find(|(id, _)| Some(*id) == visit)
                .map(|(_, input)| input.clone())
        })
    });
    view! {
        <section class="data-flow" aria-label="Data flow">
            <h4>"Data flow" {picker}</h4>
            {move || match stages() {
                None if all_visits.with(Vec::is_empty) => view! { <p class="hint">"Run the machine to see this state's data flow."</p> }.into_any(),
                None => view! { <p class="hint">"Reading the visit…"</p> }.into_any(),
                Some(Err(())) => view! { <p class="hint">"This visit's data flow was not recorded."</p> }.into_any(),
                Some(Ok(inspection)) => view! { <StageList inspection selected=selected_stage /> }.into_any(),
            }}
        </section>
        <TestThisState state=state input=input_of_visit />
    }
}

/// Each stage in order, marked when it changed the data; the selected one's JSON below.
#[component]
fn StageList(inspection: Inspection, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let stages: Vec<(Stage, Value)> = inspection
        .stages
        .iter()
        .map(|(stage, text)| (*stage, serde_json::from_str(text).unwrap_or(Value::Null)))
        .collect();
    // Each payload stage compared with the one it builds on: the stage before it, or the
    // state's input.
    let input = stages.first().map(|(_, value)| value);
    let mut before: Option<&Value> = None;
    let rows: Vec<(Stage, Value, Vec<String>)> = stages
        .iter()
        .map(|(stage, value)| {
            let base = if stage.builds_on_input() {
                input
            } else {
                before
            };
            let changed = match (stage.is_payload(), base) {
                (true, Some(base)) => changes(base, value, MAX_CHANGES),
                _ => Vec::new(),
            };
            if stage.is_payload() {
                before = Some(value);
            }
            (*stage, value.clone(), changed)
        })
        .collect();
    let shown = rows.clone();
    view! {
        <ol class="stages">
            {rows.into_iter().enumerate().map(|(i, (stage, _, changed))| {
                let badge = match (stage.is_payload(), i, changed.len()) {
                    (false, _, _) => "setting".to_owned(),
                    (_, 0, _) => "start".to_owned(),
                    (_, _, 0) => "unchanged".to_owned(),
                    (_, _, _) if changed == [""] => "replaced".to_owned(),
                    (_, _, n) => format!("{n} change{}", if n == 1 { "" } else { "s" }),
                };
                let class = move || if selected.get() == Some(i) { "stage selected" } else { "stage" };
                view! {
                    <li>
                        <button class=class on:click=move |_| selected.set(Some(i))>
                            <span class="stage-name">{stage.title()}</span>
                            <span class="badge">{badge}</span>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ol>
        {move || {
            let i = selected.get().unwrap_or(shown.len().saturating_sub(1));
            shown.get(i).map(|(stage, value, changed)| view! {
                <div class="json-block stage-json">
                    <h4>{stage.title()}</h4>
                    <pre>{highlighted(value, changed)}</pre>
                </div>
            })
        }}
    }
}

/// The JSON pretty-printed, the lines of changed members marked.
fn highlighted(value: &Value, changed: &[String]) -> impl IntoView {
    let mut lines = Vec::new();
    pretty(value, "", 0, None, &mut lines);
    let is_changed = |pointer: &str| {
        changed.iter().any(|c| {
            pointer == c
                || (pointer.starts_with(c.as_str()) && pointer[c.len()..].starts_with('/'))
                || (c.is_empty() && changed.len() == 1)
        })
    };
    lines
        .into_iter()
        .map(|(pointer, line)| {
            let class = match pointer {
                Some(p) if !changed.is_empty() && is_changed(&p) => "line changed",
                _ => "line",
            };
            view! { <span class=class>{line}"\n"</span> }
        })
        .collect_view()
}

/// Pretty-print `value` line by line, each line with the pointer of the member it opens.
fn pretty(
    value: &Value,
    pointer: &str,
    depth: usize,
    key: Option<&str>,
    out: &mut Vec<(Option<String>, String)>,
) {
    let indent = "  ".repeat(depth);
    let label = key
        .map(|k| format!("{}: ", Value::String(k.to_owned())))
        .unwrap_or_default();
    let member = |k: &str| format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push((Some(pointer.to_owned()), format!("{indent}{label}{{")));
            for (k, v) in map {
                pretty(v, &member(k), depth + 1, Some(k), out);
            }
            out.push((None, format!("{indent}}}")));
        }
        Value::Array(items) if !items.is_empty() => {
            out.push((Some(pointer.to_owned()), format!("{indent}{label}[")));
            for (i, v) in items.iter().enumerate() {
                pretty(v, &format!("{pointer}/{i}"), depth + 1, None, out);
            }
            out.push((None, format!("{indent}]")));
        }
        scalar => out.push((Some(pointer.to_owned()), format!("{indent}{label}{scalar}"))),
    }
}

/// Run the selected state alone on an input you edit, with a mocked result or error.
#[component]
fn TestThisState(state: String, input: Signal<Option<String>>) -> impl IntoView {
    let pg = use_playground();
    let kind = {
        let state = state.clone();
        Memo::new(move |_| pg.analysis.with(|a| a.state(&state).map(|s| s.state_type)))
    };
    let mockable = move || {
        use stepwise_asl::model::StateType::*;
        matches!(kind.get(), Some(Task | Parallel | Map))
    };
    let input_text = RwSignal::new("{}".to_owned());
    // The visit shown gives the input to start from.
    Effect::new(move |_| {
        if let Some(text) = input.get() {
            let pretty = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok());
            input_text.set(pretty.unwrap_or(text));
        }
    });
    let mock_text = RwSignal::new("{}".to_owned());
    let throws = RwSignal::new(false);
    let error = RwSignal::new("States.TaskFailed".to_owned());
    let cause = RwSignal::new(String::new());
    let retries = RwSignal::new(0u32);
    let problem = RwSignal::new(None::<String>);
    pg.test_answer.set(None);
    let name = state.clone();
    let test = move |_| {
        let parse = |what: &str, text: &str| {
            serde_json::from_str::<Value>(text).map_err(|e| {
                format!(
                    "The {what} is not JSON ({})",
                    stepwise_engine::json_error::describe(&e)
                )
            })
        };
        let request = (|| {
            let input = parse("input", &input_text.get_untracked())?;
            let mock = match (mockable(), throws.get_untracked()) {
                (false, _) => None,
                (true, true) => Some(TestMock::Error {
                    error: error.get_untracked(),
                    cause: cause.get_untracked(),
                }),
                (true, false) => Some(TestMock::Result(parse(
                    "mocked result",
                    &mock_text.get_untracked(),
                )?)),
            };
            Ok::<_, String>(TestStateRequest {
                state: name.clone(),
                input,
                mock,
                retrier_retry_count: retries.get_untracked(),
                inspection_level: InspectionLevel::Debug,
                ..TestStateRequest::default()
            })
        })();
        match request {
            Ok(test) => {
                problem.set(None);
                pg.test_answer.set(None);
                pg.ask(Request::TestState {
                    run: pg.run_request(None),
                    express: pg.express.get_untracked(),
                    test: Box::new(test),
                });
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    view! {
        <section class="test-state" aria-label="Test this state">
            <h4>"Test this state"</h4>
            <p class="hint">"Runs this state alone, as AWS's TestState API does: one attempt, then what its Retry and Catch would do."</p>
            <label class="field">"Input"
                <textarea class="json-input small" spellcheck="false" aria-label="Test input"
                    prop:value=move || input_text.get() on:input=move |ev| input_text.set(event_target_value(&ev))></textarea>
            </label>
            {move || mockable().then(|| view! {
                <div class="mock-choice" role="radiogroup" aria-label="Mocked answer">
                    <label><input type="radio" name="test-mock" prop:checked=move || !throws.get() on:change=move |_| throws.set(false) />" Result"</label>
                    <label><input type="radio" name="test-mock" prop:checked=move || throws.get() on:change=move |_| throws.set(true) />" Error"</label>
                </div>
                {move || if throws.get() {
                    view! {
                        <label class="field">"Error"<input aria-label="Mocked error" prop:value=move || error.get() on:input=move |ev| error.set(event_target_value(&ev)) /></label>
                        <label class="field">"Cause"<input aria-label="Mocked cause" prop:value=move || cause.get() on:input=move |ev| cause.set(event_target_value(&ev)) /></label>
                        <label class="field">"Retries already made"<input type="number" min="0" aria-label="Retries already made"
                            prop:value=move || retries.get().to_string() on:input=move |ev| retries.set(event_target_value(&ev).parse().unwrap_or(0)) /></label>
                    }.into_any()
                } else {
                    view! {
                        <label class="field">"Mocked result"
                            <textarea class="json-input small" spellcheck="false" aria-label="Mocked result"
                                prop:value=move || mock_text.get() on:input=move |ev| mock_text.set(event_target_value(&ev))></textarea>
                        </label>
                    }.into_any()
                }}
            })}
            <button class="test-button" on:click=test>"Test state"</button>
            {move || problem.get().map(|p| view! { <p class="field-error">{p}</p> })}
            {move || pg.test_answer.get().map(|answer| match answer {
                Ok(response) => view! { <TestAnswer response=*response /> }.into_any(),
                Err(message) => view! { <p class="field-error test-refused">{message}</p> }.into_any(),
            })}
        </section>
    }
}

/// TestState's answer: status, next state, error, output and the stages it reports.
#[component]
fn TestAnswer(response: TestStateResponse) -> impl IntoView {
    let status = serde_json::to_value(response.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let facts = [
        ("Next state", response.next_state.clone()),
        ("Error", response.error.clone()),
        ("Cause", response.cause.clone()),
    ];
    let data: Vec<(String, String)> = response
        .inspection_data
        .iter()
        .flatten()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => serde_json::from_str::<Value>(s)
                    .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
                    .unwrap_or_else(|_| s.clone()),
                other => serde_json::to_string_pretty(other).unwrap_or_default(),
            };
            (k.clone(), text)
        })
        .collect();
    let output = response.output.as_deref().map(|o| {
        serde_json::from_str::<Value>(o)
            .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
            .unwrap_or_else(|_| o.to_owned())
    });
    view! {
        <div class="test-answer">
            <p><span class=format!("status-badge {}", status.to_lowercase())>{status.clone()}</span></p>
            <dl>
                {facts.into_iter().filter_map(|(k, v)| v.map(|v| view! { <dt>{k}</dt><dd>{v}</dd> })).collect_view()}
            </dl>
            {output.map(|o| view! { <div class="json-block"><h4>"Output"</h4><pre>{o}</pre></div> })}
            {data.into_iter().map(|(k, v)| view! { <div class="json-block"><h4>{k}</h4><pre>{v}</pre></div> }).collect_view()}
        </div>
    }
}
