//! The tabbed side panel: Input, Mocks, Events, Inspector, Callbacks, Cost.

use leptos::prelude::*;
use serde_json::Value;
use stepwise_engine::cost::{self, Cost};
use stepwise_engine::trace;

use super::data_flow::DataFlow;
use super::json_view::JsonBlock;
use super::resilience::ResilienceTab;
use super::state_form::StateForm;
use crate::app::{use_playground, Tab};
use crate::protocol::{self, Request};
use crate::run::StartError;

const TABS: &[(Tab, &str)] = &[
    (Tab::Input, "Input"),
    (Tab::Mocks, "Mocks"),
    (Tab::Events, "Events"),
    (Tab::Inspector, "Inspector"),
    (Tab::Callbacks, "Callbacks"),
    (Tab::Cost, "Cost"),
    (Tab::Resilience, "Resilience"),
];

/// The tab strip and the open tab.
#[component]
pub fn Panels() -> impl IntoView {
    let pg = use_playground();
    view! {
        <div class="tabs" role="tablist">
            {TABS.iter().map(|&(tab, name)| view! {
                <button role="tab" class=move || if pg.tab.get() == tab { "tab active" } else { "tab" } on:click=move |_| pg.tab.set(tab)>{name}</button>
            }).collect_view()}
        </div>
        <div class="tab-body">
            {move || match pg.tab.get() {
                Tab::Input => view! { <InputTab /> }.into_any(),
                Tab::Mocks => view! { <MocksTab /> }.into_any(),
                Tab::Events => view! { <EventsTab /> }.into_any(),
                Tab::Inspector => view! { <InspectorTab /> }.into_any(),
                Tab::Callbacks => view! { <CallbacksTab /> }.into_any(),
                Tab::Cost => view! { <CostTab /> }.into_any(),
                Tab::Resilience => view! { <ResilienceTab /> }.into_any(),
            }}
        </div>
    }
}

fn json_error(text: &str) -> Option<String> {
    serde_json::from_str::<Value>(text)
        .err()
        .map(|e| format!("Not JSON: {}", stepwise_engine::json_error::describe(&e)))
}

#[component]
fn InputTab() -> impl IntoView {
    let pg = use_playground();
    view! {
        <h3>"Execution input"</h3>
        <textarea class="json-input" spellcheck="false" aria-label="Execution input"
            prop:value=move || pg.input.get()
            on:input=move |ev| pg.input.set(event_target_value(&ev))></textarea>
        {move || pg.input.with(|t| json_error(t)).map(|e| view! { <p class="field-error">{e}</p> })}
        {move || pg.run_error.with(|e| match e {
            Some(StartError::Input(refused)) => Some(view! { <p class="field-error">{format!("The run did not start: {}", refused.explained())}</p> }),
            _ => None,
        })}
        <Substitutions />
    }
}

/// A value for each `${Name}` placeholder of the definition (DefinitionSubstitutions).
#[component]
fn Substitutions() -> impl IntoView {
    let pg = use_playground();
    let names = Memo::new(move |_| {
        pg.definition
            .with(|t| stepwise_asl::substitution::placeholders(t))
    });
    move || {
        let names = names.get();
        (!names.is_empty()).then(|| view! {
            <h3>"Definition substitutions"</h3>
            <p class="hint">"Values for the ${Name} placeholders, as DefinitionSubstitutions gives them when the machine is deployed."</p>
            <table class="substitutions">
                {names.into_iter().map(|name| {
                    let key = name.clone();
                    let value = move || pg.substitutions.with(|s| s.get(&key).cloned().unwrap_or_default());
                    let key = name.clone();
                    view! {
                        <tr>
                            <th><code>{format!("${{{name}}}")}</code></th>
                            <td><input aria-label=format!("Value of {name}") placeholder="value" prop:value=value
                                on:input=move |ev| {
                                    let value = event_target_value(&ev);
                                    pg.substitutions.update(|s| { s.insert(key.clone(), value); });
                                } /></td>
                        </tr>
                    }
                }).collect_view()}
            </table>
        })
    }
}

#[component]
fn MocksTab() -> impl IntoView {
    let pg = use_playground();
    let cases = Memo::new(move |_| {
        pg.mocks
            .with(|m| stepwise_engine::mock::test_cases(m, None))
    });
    view! {
        <h3>"Mocked task responses"</h3>
        <p class="hint">"AWS Step Functions Local MockConfigFile format. Tasks without a mock pass their input through."</p>
        <label>"Test case "
            <select aria-label="Test case" on:change=move |ev| pg.test_case.set(event_target_value(&ev))>
                <option value="" selected=move || pg.test_case.with(String::is_empty)>"(no mocks)"</option>
                {move || cases.get().into_iter().map(|c| {
                    let selected = pg.test_case.with(|t| t == &c);
                    view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                }).collect_view()}
            </select>
        </label>
        <textarea class="json-input mocks" spellcheck="false" aria-label="Mock config"
            prop:value=move || pg.mocks.get()
            on:input=move |ev| pg.mocks.set(event_target_value(&ev))></textarea>
        {move || pg.mocks.with(|t| json_error(t)).map(|e| view! { <p class="field-error">{e}</p> })}
        <MockState />
        <div class="test-cases">
            <button class="run-test-cases" disabled=move || cases.with(Vec::is_empty) on:click=move |_| pg.run_test_cases()>"Run all test cases"</button>
            {move || pg.test_cases.get().map(|runs| {
                let passed = runs.iter().filter(|r| r.status == "SUCCEEDED").count();
                view! {
                    <p class="hint">{format!("{passed} of {} succeeded", runs.len())}</p>
                    <ul class="test-case-results">
                        {runs.into_iter().map(|r| {
                            let class = if r.status == "SUCCEEDED" { "passed" } else { "failed" };
                            let detail = r.error.map(|(error, cause)| format!("{error}: {cause}")).unwrap_or_default();
                            view! { <li class=class><strong>{r.name}</strong>" "{r.status}" "<span class="detail">{detail}</span></li> }
                        }).collect_view()}
                    </ul>
                }
            })}
        </div>
        {move || pg.run_error.with(|e| match e {
            Some(StartError::Mocks(diagnostics)) => Some(view! {
                <ul class="diagnostics">
                    {diagnostics.iter().map(|d| view! {
                        <li class="error"><span class="where">{format!("{}:{}", d.start.line, d.start.column)}</span><span class="message">{d.message.clone()}</span><span class="code">{d.code}</span></li>
                    }).collect_view()}
                </ul>
            }),
            _ => None,
        })}
    }
}

/// A quick form that writes one mocked answer for one Task state into the mock config.
#[component]
fn MockState() -> impl IntoView {
    let pg = use_playground();
    let tasks = Memo::new(move |_| {
        pg.analysis.with(|a| {
            a.states
                .iter()
                .filter(|s| s.state_type == stepwise_asl::model::StateType::Task)
                .map(|s| s.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let state = RwSignal::new(String::new());
    let calls = RwSignal::new("0".to_owned());
    let throws = RwSignal::new(false);
    let returned = RwSignal::new("{\n  \"ok\": true\n}".to_owned());
    let error = RwSignal::new("States.TaskFailed".to_owned());
    let cause = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let add = move |_| {
        let chosen = state.get_untracked();
        let state_name = if chosen.is_empty() {
            tasks.with_untracked(|t| t.first().cloned().unwrap_or_default())
        } else {
            chosen
        };
        let response = if throws.get_untracked() {
            stepwise_engine::mock::Response::Throw {
                error: error.get_untracked(),
                cause: cause.get_untracked(),
            }
        } else {
            match serde_json::from_str(&returned.get_untracked()) {
                Ok(value) => stepwise_engine::mock::Response::Return(value),
                Err(e) => {
                    problem.set(Some(format!("The result is not JSON: {e}")));
                    return;
                }
            }
        };
        let case = match pg.test_case.get_untracked() {
            case if case.is_empty() => "Default".to_owned(),
            case => case,
        };
        let written = pg.mocks.with_untracked(|config| {
            stepwise_engine::mock::add_response(
                config,
                &case,
                &state_name,
                calls.get_untracked().trim(),
                &response,
            )
        });
        match written {
            Ok(text) => {
                pg.mocks.set(text);
                pg.test_case.set(case);
                problem.set(None);
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    view! {
        <h3>"Mock a state"</h3>
        <div class="mock-form">
            <label>"State "
                <select aria-label="State to mock" on:change=move |ev| state.set(event_target_value(&ev))>
                    {move || tasks.get().into_iter().map(|name| view! { <option value=name.clone()>{name.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Calls "
                <input class="calls" aria-label="Call index or range" prop:value=move || calls.get() on:input=move |ev| calls.set(event_target_value(&ev)) />
            </label>
            <label><input type="radio" name="mock-kind" prop:checked=move || !throws.get() on:change=move |_| throws.set(false) />" Return"</label>
            <label><input type="radio" name="mock-kind" class="throws" prop:checked=move || throws.get() on:change=move |_| throws.set(true) />" Throw"</label>
        </div>
        {move || if throws.get() {
            view! {
                <div class="failure-fields">
                    <input aria-label="Error" prop:value=move || error.get() on:input=move |ev| error.set(event_target_value(&ev)) />
                    <input aria-label="Cause" placeholder="Cause" prop:value=move || cause.get() on:input=move |ev| cause.set(event_target_value(&ev)) />
                </div>
            }.into_any()
        } else {
            view! {
                <textarea class="json-input small" aria-label="Mocked result" prop:value=move || returned.get() on:input=move |ev| returned.set(event_target_value(&ev))></textarea>
            }.into_any()
        }}
        <button class="add-mock" on:click=add disabled=move || tasks.with(Vec::is_empty)>"Add to the test case"</button>
        {move || problem.get().map(|p| view! { <p class="field-error">{p}</p> })}
    }
}

/// The history table (also the trace of an embedded playground).
#[component]
pub fn EventsTab() -> impl IntoView {
    let pg = use_playground();
    let filter = RwSignal::new(String::new());
    let expanded = RwSignal::new(None::<u64>);
    let export = move || {
        pg.run.with(|r| {
            let json = r
                .as_ref()
                .map(|r| serde_json::to_string_pretty(&r.events).unwrap_or_default())
                .unwrap_or_default();
            format!(
                "data:application/json;charset=utf-8,{}",
                js_sys::encode_uri_component(&json)
            )
        })
    };
    let state_names = move || {
        pg.run.with(|r| {
            let mut names: Vec<String> = r
                .iter()
                .flat_map(|r| {
                    r.events
                        .iter()
                        .filter_map(|e| e.state_name().map(str::to_owned))
                })
                .collect();
            names.sort();
            names.dedup();
            names
        })
    };
    view! {
        <div class="events-toolbar">
            <label>"State "
                <select on:change=move |ev| filter.set(event_target_value(&ev))>
                    <option value="">"(all)"</option>
                    {move || state_names().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                </select>
            </label>
            <a class="export" download="history.json" href=export>"Export JSON"</a>
        </div>
        {move || pg.run.with(Option::is_none).then(|| view! { <p class="hint">"Run the state machine to see its history."</p> })}
        <EventRows filter=filter expanded=expanded />
        <ChildExecutions />
    }
}

/// One row per event shown so far, keyed by event id: moving the cursor adds or removes
/// rows instead of redrawing the table, and an event's details are written out only when
/// its row is opened.
#[component]
fn EventRows(filter: RwSignal<String>, expanded: RwSignal<Option<u64>>) -> impl IntoView {
    let pg = use_playground();
    let visible = move || {
        pg.run.with(|r| {
            let Some(run) = r else { return Vec::new() };
            let start = run.events.first().map_or(0, |e| e.millis);
            filter.with(|filter| {
                run.events[..pg.cursor.get().min(run.events.len())]
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| filter.is_empty() || e.state_name() == Some(filter.as_str()))
                    .map(|(index, e)| (index, e.id, e.millis - start))
                    .collect::<Vec<_>>()
            })
        })
    };
    let details = move |index: usize| {
        pg.run.with(|r| {
            r.as_ref()
                .and_then(|r| r.events.get(index))
                .map(|e| serde_json::to_string_pretty(&e.details_json()).unwrap_or_default())
                .unwrap_or_default()
        })
    };
    view! {
        <table class="events">
            <thead><tr><th>"#"</th><th>"Type"</th><th>"State"</th><th>"Time"</th><th>"Elapsed"</th></tr></thead>
            <tbody>
                <For
                    each=visible
                    key=|(_, id, _)| *id
                    children=move |(index, id, elapsed)| {
                        let (kind, state, time) = pg.run.with_untracked(|r| {
                            r.as_ref().and_then(|r| r.events.get(index)).map(|e| {
                                (e.kind.as_str(), e.state_name().unwrap_or("").to_owned(), e.timestamp()[11..23].to_owned())
                            }).unwrap_or_default()
                        });
                        view! {
                            <tr class="event" on:click=move |_| expanded.update(|x| *x = if *x == Some(id) { None } else { Some(id) })>
                                <td>{id}</td>
                                <td class="kind">{kind}</td>
                                <td>{state}</td>
                                <td class="time">{time}</td>
                                <td class="elapsed">{format!("+{:.3}s", elapsed as f64 / 1000.0)}</td>
                            </tr>
                            {move || (expanded.get() == Some(id)).then(|| view! { <tr class="details"><td colspan="5"><pre>{details(index)}</pre></td></tr> })}
                        }
                    }
                />
            </tbody>
        </table>
    }
}

/// The child executions of distributed Map runs, each with its own history.
#[component]
fn ChildExecutions() -> impl IntoView {
    let pg = use_playground();
    let open = RwSignal::new(None::<usize>);
    move || {
        pg.run.with(|r| {
            let children = r.as_ref().map(|r| r.children.as_slice()).unwrap_or_default();
            (!children.is_empty()).then(|| view! {
                <h3>{format!("Map Run child executions ({})", children.len())}</h3>
                <ul class="children">
                    {children.iter().enumerate().map(|(i, child)| {
                        let status = child.status.as_str();
                        let name = child.execution_arn.rsplit(':').next().unwrap_or_default().to_owned();
                        view! {
                            <li>
                                <button class="child" on:click=move |_| open.update(|o| *o = if *o == Some(i) { None } else { Some(i) })>
                                    {format!("{} #{name}: {status}, {} events", child.map_state, child.history.len())}
                                </button>
                                {move || (open.get() == Some(i)).then(|| {
                                    let history = pg.run.with(|r| {
                                        r.as_ref()
                                            .and_then(|r| r.children.get(i))
                                            .map(|c| serde_json::to_string_pretty(&c.history).unwrap_or_default())
                                            .unwrap_or_default()
                                    });
                                    view! { <pre class="child-history">{history}</pre> }
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        })
    }
}

/// The selected state's data (also in an embedded playground).
#[component]
pub fn InspectorTab() -> impl IntoView {
    let pg = use_playground();
    view! {
        {move || match pg.selected.get() {
            None => view! { <p class="hint">"Click a state in the graph to inspect its data."</p> }.into_any(),
            Some(name) => {
                let io = pg.run.with(|r| r.as_ref().map(|r| trace::state_io(&r.events, &name, pg.cursor.get())).unwrap_or_default());
                let variables = pg.run.with(|r| r.as_ref().map(|r| trace::variables(&r.events, pg.cursor.get())));
                view! {
                    <h3 class="inspected">{name.clone()}</h3>
                    {(!crate::app::is_embedded()).then(|| view! { <StateForm state=name.clone() /> })}
                    <p class="hint">{format!("Entered {} time(s) so far", io.entries)}</p>
                    {io.error.map(|error| view! { <JsonBlock title="Error" value=Some(error) /> })}
                    <DataFlow state=name.clone() />
                    <JsonBlock title="Assigned variables" value=io.assigned />
                    <JsonBlock title="Variables so far" value=variables />
                }.into_any()
            }
        }}
    }
}

#[component]
fn CallbacksTab() -> impl IntoView {
    let pg = use_playground();
    let answer = RwSignal::new("{\n  \"approved\": true\n}".to_owned());
    let error = RwSignal::new("Rejected".to_owned());
    let cause = RwSignal::new("Declined by a person".to_owned());
    let problem = RwSignal::new(None::<String>);
    let wait_seconds = RwSignal::new("300".to_owned());
    let respond = move |token: String, reply: Reply| {
        let request = match reply {
            Reply::Success => match serde_json::from_str::<Value>(&answer.get_untracked()) {
                Ok(output) => Request::Answer {
                    token,
                    reply: protocol::Reply::Success(output),
                },
                Err(e) => {
                    problem.set(Some(format!("The output is not JSON: {e}")));
                    return;
                }
            },
            Reply::Failure => Request::Answer {
                token,
                reply: protocol::Reply::Failure {
                    error: error.get_untracked(),
                    cause: cause.get_untracked(),
                },
            },
            Reply::Heartbeat => Request::Answer {
                token,
                reply: protocol::Reply::Heartbeat,
            },
            Reply::LetTimePass => Request::Advance {
                seconds: wait_seconds.get_untracked().trim().parse().unwrap_or(0),
            },
            Reply::Stop => Request::Stop,
        };
        problem.set(None);
        pg.send(request);
    };
    view! {
        <h3>"Waiting task tokens"</h3>
        {move || pg.run.with(|r| {
            let pending = r.as_ref().map(|r| r.pending.clone()).unwrap_or_default();
            if pending.is_empty() {
                return view! { <p class="hint">"No task is waiting for a callback. Tasks with .waitForTaskToken and no mock pause the run here."</p> }.into_any();
            }
            pending.into_iter().map(|p| {
                let token = p.token.clone();
                let send = move |reply: Reply| {
                    let token = token.clone();
                    move |_| respond(token.clone(), reply)
                };
                view! {
                    <div class="callback">
                        <p><strong>{p.state.clone()}</strong>" waits for token "<code>{p.token[..16].to_owned()}"…"</code></p>
                        <JsonBlock title="Sent to the integration" value=Some(p.input.clone()) />
                        <label>"Output"</label>
                        <textarea class="json-input small" prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                        <button class="primary send-success" on:click=send(Reply::Success)>"Send success"</button>
                        <button class="heartbeat" on:click=send(Reply::Heartbeat)>"Heartbeat"</button>
                        <div class="failure-fields">
                            <input aria-label="Error" prop:value=move || error.get() on:input=move |ev| error.set(event_target_value(&ev)) />
                            <input aria-label="Cause" prop:value=move || cause.get() on:input=move |ev| cause.set(event_target_value(&ev)) />
                            <button class="send-failure" on:click=send(Reply::Failure)>"Send failure"</button>
                        </div>
                    </div>
                }
            }).collect_view().into_any()
        })}
        {move || pg.run.with(|r| r.as_ref().is_some_and(|r| !r.pending.is_empty())).then(|| view! {
            <h3>"The execution"</h3>
            <div class="failure-fields">
                <input aria-label="Seconds" class="seconds" prop:value=move || wait_seconds.get() on:input=move |ev| wait_seconds.set(event_target_value(&ev)) />
                <button class="advance" title="Advance the virtual clock: heartbeat and task timeouts fire when their time comes" on:click=move |_| respond(String::new(), Reply::LetTimePass)>"Let seconds pass"</button>
                <button class="stop" on:click=move |_| respond(String::new(), Reply::Stop)>"Stop execution"</button>
            </div>
        })}
        {move || problem.get().or_else(|| pg.notice.get()).map(|p| view! { <p class="field-error">{p}</p> })}
    }
}

/// What the Callbacks tab can tell a waiting execution.
#[derive(Clone, Copy, PartialEq)]
enum Reply {
    Success,
    Failure,
    Heartbeat,
    LetTimePass,
    Stop,
}

#[component]
fn CostTab() -> impl IntoView {
    let pg = use_playground();
    view! {
        {move || pg.run.with(|r| match r {
            None => view! { <p class="hint">"Run the state machine to estimate what it costs on AWS."</p> }.into_any(),
            Some(run) => {
                let cost = Cost::of_history(&run.events, run.transitions, run.end_millis);
                let seconds = |millis: i64| format!("{:.1} s", millis as f64 / 1000.0);
                let express = if cost.fits_express() {
                    format!("${:.8} per execution, ${:.2} per million", cost.express(), cost.express_per_million())
                } else {
                    "not possible: the run lasts longer than an Express execution may".to_owned()
                };
                view! {
                    <table class="cost">
                        <tr><th>"State transitions"</th><td>{cost.transitions}</td></tr>
                        <tr><th>"Duration (virtual)"</th><td>{seconds(cost.duration_millis)}</td></tr>
                        <tr><th>"Billed duration (Express)"</th><td>{seconds(cost.billed_duration_millis)}</td></tr>
                        <tr><th>"Standard"</th><td>{format!("${:.6} per execution, ${:.2} per million", cost.standard, cost.standard_per_million())}</td></tr>
                        <tr><th>"Express"</th><td>{express}</td></tr>
                    </table>
                    <p class="hint">{cost::assumptions()}</p>
                }.into_any()
            }
        })}
    }
}
