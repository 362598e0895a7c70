//! Small valid machines, generated structurally: Pass, Choice, Wait, Succeed, Fail, mocked
//! Task (Retry, Catch, timeouts), Parallel and inline Map, with transitions among existing
//! states (loops allowed), an input and a MockConfigFile. Invariants: no panic; the run does
//! not end waiting (no callbacks are used); history ids are 1..=n in order and each
//! previous id is 0 or an earlier id; the same seed gives the same history.
#![no_main]

use std::rc::Rc;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};
use stepwise_asl::{load, LoadOptions, MachineType};
use stepwise_engine::{Execution, Options, Status};

const MAX_STATES: usize = 6;
const MAX_INNER_STATES: usize = 2;
const MAX_ITEMS: usize = 5;

#[derive(Arbitrary, Debug)]
struct Spec {
    states: Vec<Top>,
    number: i8,
    items: Vec<i8>,
    seed: u64,
    express: bool,
    timeout_seconds: Option<u8>,
}

/// A top-level state.
#[derive(Arbitrary, Debug)]
enum Top {
    Leaf(Leaf),
    Parallel {
        branches: Vec<Vec<Leaf>>,
        handling: Handling,
        next: Option<u8>,
    },
    Map {
        max_concurrency: u8,
        select_items: bool,
        body: Vec<Leaf>,
        handling: Handling,
        next: Option<u8>,
    },
}

/// A state that can stand in any scope.
#[derive(Arbitrary, Debug)]
enum Leaf {
    Pass {
        result: Option<i8>,
        next: Option<u8>,
    },
    Choice {
        op: Op,
        value: i8,
        next: u8,
        default: Option<u8>,
    },
    Wait {
        seconds: u8,
        next: Option<u8>,
    },
    Succeed,
    Fail {
        error: Thrown,
    },
    Task {
        responses: Vec<Mock>,
        timeout_seconds: Option<u8>,
        handling: Handling,
        next: Option<u8>,
    },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Op {
    Equals,
    LessThan,
    GreaterThanEquals,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Thrown {
    E1,
    E2,
    TaskFailed,
    Timeout,
}

impl Thrown {
    fn name(self) -> &'static str {
        match self {
            Thrown::E1 => "E1",
            Thrown::E2 => "E2",
            Thrown::TaskFailed => "States.TaskFailed",
            Thrown::Timeout => "States.Timeout",
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Matched {
    All,
    One(Thrown),
}

impl Matched {
    fn names(self) -> Value {
        match self {
            Matched::All => json!(["States.ALL"]),
            Matched::One(error) => json!([error.name()]),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Mock {
    answer: Answer,
    duration_seconds: Option<u8>,
}

#[derive(Arbitrary, Debug)]
enum Answer {
    Return { n: i8, with_items: bool },
    Throw(Thrown),
}

/// ResultPath, Retry and Catch of a Task, Parallel or Map.
#[derive(Arbitrary, Debug)]
struct Handling {
    result_path: bool,
    retry: Option<Retry>,
    catch: Option<Catch>,
}

#[derive(Arbitrary, Debug)]
struct Retry {
    errors: Matched,
    interval_seconds: u8,
    max_attempts: u8,
    backoff: u8,
    jitter: bool,
}

#[derive(Arbitrary, Debug)]
struct Catch {
    errors: Matched,
    next: u8,
    result_path: bool,
}

/// One state rendered, with the indexes (in its scope) it can go to.
struct Draft {
    name: String,
    json: Value,
    outs: Vec<usize>,
    terminal: bool,
}

/// What rendering collects besides the definition: each Task's mocked responses.
#[derive(Default)]
struct Render {
    mocks: Vec<(String, Value)>,
}

impl Render {
    fn leaf(&mut self, leaf: &Leaf, name: String, names: &[String]) -> Draft {
        let target = |i: u8| i as usize % names.len();
        let mut outs = Vec::new();
        let mut state = Map::new();
        let flow =
            |state: &mut Map<String, Value>, outs: &mut Vec<usize>, next: Option<u8>| match next {
                Some(i) => {
                    state.insert("Next".into(), json!(names[target(i)]));
                    outs.push(target(i));
                    false
                }
                None => {
                    state.insert("End".into(), json!(true));
                    true
                }
            };
        let terminal = match leaf {
            Leaf::Pass { result, next } => {
                state.insert("Type".into(), json!("Pass"));
                if let Some(n) = result {
                    state.insert("Result".into(), json!({ "n": n }));
                    state.insert("ResultPath".into(), json!("$.p"));
                }
                flow(&mut state, &mut outs, *next)
            }
            Leaf::Choice {
                op,
                value,
                next,
                default,
            } => {
                let op = match op {
                    Op::Equals => "NumericEquals",
                    Op::LessThan => "NumericLessThan",
                    Op::GreaterThanEquals => "NumericGreaterThanEquals",
                };
                state.insert("Type".into(), json!("Choice"));
                state.insert(
                    "Choices".into(),
                    json!([{ "Variable": "$.n", op: value, "Next": names[target(*next)] }]),
                );
                outs.push(target(*next));
                if let Some(d) = default {
                    state.insert("Default".into(), json!(names[target(*d)]));
                    outs.push(target(*d));
                }
                false
            }
            Leaf::Wait { seconds, next } => {
                state.insert("Type".into(), json!("Wait"));
                state.insert("Seconds".into(), json!(seconds % 4));
                flow(&mut state, &mut outs, *next)
            }
            Leaf::Succeed => {
                state.insert("Type".into(), json!("Succeed"));
                true
            }
            Leaf::Fail { error } => {
                state.insert("Type".into(), json!("Fail"));
                state.insert("Error".into(), json!(error.name()));
                state.insert("Cause".into(), json!("generated"));
                true
            }
            Leaf::Task {
                responses,
                timeout_seconds,
                handling,
                next,
            } => {
                state.insert("Type".into(), json!("Task"));
                state.insert("Resource".into(), json!("arn:aws:states:::lambda:invoke"));
                state.insert(
                    "Parameters".into(),
                    json!({ "FunctionName": "generated", "Payload.$": "$" }),
                );
                if let Some(t) = timeout_seconds {
                    state.insert("TimeoutSeconds".into(), json!(1 + t % 5));
                }
                if !responses.is_empty() {
                    let ranges: Map<String, Value> = responses
                        .iter()
                        .take(3)
                        .enumerate()
                        .map(|(i, mock)| {
                            let mut entry = match &mock.answer {
                                Answer::Return { n, with_items } if *with_items => {
                                    json!({ "Return": { "n": n, "items": [n, 1] } })
                                }
                                Answer::Return { n, .. } => json!({ "Return": { "n": n } }),
                                Answer::Throw(error) => json!({
                                    "Throw": { "Error": error.name(), "Cause": "mocked" }
                                }),
                            };
                            if let Some(d) = mock.duration_seconds {
                                entry["DurationSeconds"] = json!(d % 7);
                            }
                            (i.to_string(), entry)
                        })
                        .collect();
                    self.mocks.push((name.clone(), Value::Object(ranges)));
                }
                handle(&mut state, &mut outs, handling, names);
                flow(&mut state, &mut outs, *next)
            }
        };
        Draft {
            name,
            json: Value::Object(state),
            outs,
            terminal,
        }
    }

    fn top(&mut self, top: &Top, name: String, names: &[String]) -> Draft {
        let (mut state, handling, next) = match top {
            Top::Leaf(leaf) => return self.leaf(leaf, name, names),
            Top::Parallel {
                branches,
                handling,
                next,
            } => {
                let mut rendered = Vec::new();
                for (b, leaves) in branches.iter().take(2).enumerate() {
                    rendered.push(self.scope(&format!("{name}B{b}S"), leaves));
                }
                if rendered.is_empty() {
                    rendered.push(self.scope(&format!("{name}B0S"), &[]));
                }
                let mut state = Map::new();
                state.insert("Type".into(), json!("Parallel"));
                state.insert("Branches".into(), Value::Array(rendered));
                (state, handling, next)
            }
            Top::Map {
                max_concurrency,
                select_items,
                body,
                handling,
                next,
            } => {
                let mut processor = self.scope(&format!("{name}I"), body);
                processor["ProcessorConfig"] = json!({ "Mode": "INLINE" });
                let mut state = Map::new();
                state.insert("Type".into(), json!("Map"));
                state.insert("ItemsPath".into(), json!("$.items"));
                state.insert("MaxConcurrency".into(), json!(max_concurrency % 4));
                if *select_items {
                    state.insert(
                        "ItemSelector".into(),
                        json!({ "n.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" }),
                    );
                }
                state.insert("ItemProcessor".into(), processor);
                (state, handling, next)
            }
        };
        let mut outs = Vec::new();
        handle(&mut state, &mut outs, handling, names);
        let terminal = match next {
            Some(i) => {
                let i = *i as usize % names.len();
                state.insert("Next".into(), json!(names[i]));
                outs.push(i);
                false
            }
            None => {
                state.insert("End".into(), json!(true));
                true
            }
        };
        Draft {
            name,
            json: Value::Object(state),
            outs,
            terminal,
        }
    }

    /// A Parallel branch or Map processor: `{"StartAt", "States"}` of at most two leaves.
    fn scope(&mut self, prefix: &str, leaves: &[Leaf]) -> Value {
        let pass = [Leaf::Pass {
            result: None,
            next: None,
        }];
        let leaves = if leaves.is_empty() {
            &pass[..]
        } else {
            &leaves[..leaves.len().min(MAX_INNER_STATES)]
        };
        let names: Vec<String> = (0..leaves.len()).map(|i| format!("{prefix}{i}")).collect();
        let drafts = leaves
            .iter()
            .zip(&names)
            .map(|(leaf, name)| self.leaf(leaf, name.clone(), &names))
            .collect();
        finish(drafts)
    }
}

fn handle(state: &mut Map<String, Value>, outs: &mut Vec<usize>, h: &Handling, names: &[String]) {
    if h.result_path {
        state.insert("ResultPath".into(), json!("$.r"));
    }
    if let Some(r) = &h.retry {
        let mut retrier = json!({
            "ErrorEquals": r.errors.names(),
            "IntervalSeconds": 1 + r.interval_seconds % 3,
            "MaxAttempts": r.max_attempts % 4,
            "BackoffRate": ([1.0, 1.5, 2.0][r.backoff as usize % 3]),
        });
        if r.jitter {
            retrier["JitterStrategy"] = json!("FULL");
        }
        state.insert("Retry".into(), json!([retrier]));
    }
    if let Some(c) = &h.catch {
        let i = c.next as usize % names.len();
        let mut catcher = json!({ "ErrorEquals": c.errors.names(), "Next": names[i] });
        if c.result_path {
            catcher["ResultPath"] = json!("$.error");
        }
        state.insert("Catch".into(), json!([catcher]));
        outs.push(i);
    }
}

/// Make the scope valid: it must have a reachable terminal state, and every state must be
/// reachable from the first. Unreachable states are dropped; when no terminal state is left,
/// the last reachable state becomes a Succeed (which keeps it reachable).
fn finish(mut drafts: Vec<Draft>) -> Value {
    let mut reached = reachable(&drafts);
    if !drafts.iter().zip(&reached).any(|(d, r)| *r && d.terminal) {
        let last = reached
            .iter()
            .rposition(|r| *r)
            .expect("the start is reachable");
        drafts[last].json = json!({ "Type": "Succeed" });
        drafts[last].outs.clear();
        drafts[last].terminal = true;
        reached = reachable(&drafts);
    }
    let start = drafts[0].name.clone();
    let states: Map<String, Value> = drafts
        .into_iter()
        .zip(reached)
        .filter(|(_, r)| *r)
        .map(|(d, _)| (d.name, d.json))
        .collect();
    json!({ "StartAt": start, "States": states })
}

fn reachable(drafts: &[Draft]) -> Vec<bool> {
    let mut seen = vec![false; drafts.len()];
    let mut stack = vec![0];
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut seen[i], true) {
            stack.extend(&drafts[i].outs);
        }
    }
    seen
}

fuzz_target!(|spec: Spec| {
    if spec.states.is_empty() {
        return;
    }
    let tops = &spec.states[..spec.states.len().min(MAX_STATES)];
    let names: Vec<String> = (0..tops.len()).map(|i| format!("S{i}")).collect();
    let mut render = Render::default();
    let drafts = tops
        .iter()
        .zip(&names)
        .map(|(top, name)| render.top(top, name.clone(), &names))
        .collect();
    let mut definition = finish(drafts);
    if let Some(t) = spec.timeout_seconds {
        definition["TimeoutSeconds"] = json!(1 + t as u64 * 4);
    }
    let text = serde_json::to_string_pretty(&definition).expect("JSON");
    let machine_type = if spec.express {
        MachineType::Express
    } else {
        MachineType::Standard
    };
    let options = LoadOptions {
        machine_type,
        ..LoadOptions::default()
    };
    // STEPWISE_FUZZ_DEBUG=1 prints each generated case (to turn a finding into a test) and
    // what the loader rejects (the generator should produce nothing it rejects).
    let debug = std::env::var_os("STEPWISE_FUZZ_DEBUG").is_some();
    if debug {
        eprintln!("definition ({machine_type:?}):\n{text}");
    }
    let loaded = load(&text, &options);
    let Some(machine) = loaded.machine else {
        if debug {
            for d in loaded.errors() {
                eprintln!("rejected: {} {} {}", d.code, d.pointer, d.message);
            }
        }
        return;
    };

    // The mocks: test case T maps each mocked Task to its own response set.
    let case: Map<String, Value> = render
        .mocks
        .iter()
        .map(|(state, _)| (state.clone(), json!(format!("{state}Response"))))
        .collect();
    let responses: Map<String, Value> = render
        .mocks
        .into_iter()
        .map(|(state, ranges)| (format!("{state}Response"), ranges))
        .collect();
    let mock_text = json!({
        "StateMachines": { "M": { "TestCases": { "T": case } } },
        "MockedResponses": responses,
    })
    .to_string();
    let mocks = match stepwise_engine::mock::load(&mock_text, None, "T") {
        Ok(mocks) => mocks,
        Err(errors) => panic!("generated mocks rejected: {errors:?}\n{mock_text}"),
    };

    let input = json!({
        "n": spec.number,
        "items": &spec.items[..spec.items.len().min(MAX_ITEMS)],
    });
    if debug {
        eprintln!("mocks: {mock_text}\ninput: {input}\nseed: {}", spec.seed);
    }
    let machine: Rc<_> = machine.into();
    let run = || {
        Execution::start(
            machine.clone(),
            input.clone(),
            Options {
                seed: spec.seed,
                max_transitions: 2_000,
                // A run whose causes grow reaches this fast; it is the bound under test.
                max_history_bytes: 16 << 20,
                mocks: Some(mocks.clone()),
                machine_type,
                ..Options::default()
            },
        )
    };
    let first = run();
    assert_ne!(
        first.status(),
        Status::Waiting,
        "no callbacks are used, yet the run waits"
    );
    let history = first.history();
    for (i, event) in history.iter().enumerate() {
        assert_eq!(event.id, i as u64 + 1, "event ids are 1..=n in order");
        assert!(
            event.previous_event_id < event.id,
            "event {} follows the later or missing event {}",
            event.id,
            event.previous_event_id
        );
    }
    let second = run();
    assert_eq!(first.status(), second.status());
    assert_eq!(first.output(), second.output());
    assert_eq!(
        serde_json::to_string(history).expect("history serialises"),
        serde_json::to_string(second.history()).expect("history serialises"),
        "the same seed gives the same history"
    );
});
