//! Reading a history back: what each state looked like after the first `n` events. The
//! playground's animation and inspector are views of these functions, so scrubbing shows
//! exactly what the recorded events say.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::history::{Event, EventType, Field};
use crate::ChildExecution;

/// What a state has done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StateStatus {
    /// Entered and not yet left.
    Active,
    /// Left normally.
    Succeeded,
    /// Failed (and the failure was not caught by this state).
    Failed,
    /// Failed, and its Catch sent the execution on.
    Caught,
    /// Failed, and is being retried.
    Retried,
    /// Waiting for a callback.
    Waiting,
}

/// Input and output of a state as the history shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StateIo {
    /// The input of its latest entry.
    pub input: Option<Value>,
    /// The output of its latest exit.
    pub output: Option<Value>,
    /// What its latest task call was sent.
    pub parameters: Option<Value>,
    /// What its latest task call returned.
    pub result: Option<Value>,
    /// Its latest error, as `{"error", "cause"}`.
    pub error: Option<Value>,
    /// Variables it assigned on its latest exit.
    pub assigned: Option<Value>,
    /// How many times it was entered.
    pub entries: usize,
}

/// A payload field of `event`, parsed back into JSON.
fn parsed(event: &Event, field: &str) -> Option<Value> {
    event.text(field).and_then(|s| serde_json::from_str(s).ok())
}

/// A field that is not a string (a count, an object).
fn json_field<'e>(event: &'e Event, field: &str) -> Option<&'e Value> {
    match event.field(field)? {
        Field::Json(value) => Some(value),
        _ => None,
    }
}

/// The status of every state touched by the first `upto` events.
pub fn statuses(history: &[Event], upto: usize) -> BTreeMap<String, StateStatus> {
    let mut out = BTreeMap::new();
    // States entered and not yet left, innermost last, with their type.
    let mut open: Vec<(String, stepwise_asl::model::StateType)> = Vec::new();
    for event in &history[..upto.min(history.len())] {
        let kind = event.kind;
        if let Some(type_name) = kind.entered_state_type() {
            let name = event.state_name().unwrap_or_default().to_owned();
            out.insert(name.clone(), StateStatus::Active);
            open.push((name, type_name));
        } else if kind.is_state_exited() {
            let name = event.state_name().unwrap_or_default().to_owned();
            let status = match out.get(&name) {
                Some(StateStatus::Failed | StateStatus::Retried) => StateStatus::Caught,
                _ => StateStatus::Succeeded,
            };
            out.insert(name.clone(), status);
            if let Some(i) = open.iter().rposition(|(n, _)| n == &name) {
                open.truncate(i);
            }
        } else if let Some(type_name) = kind.failed_state_type() {
            // A Parallel or Map failed: it, and whatever inside it is still open, failed.
            if let Some(i) = open.iter().rposition(|(_, t)| *t == type_name) {
                for (name, _) in open.drain(i..) {
                    out.insert(name, StateStatus::Failed);
                }
            }
        } else if matches!(
            kind,
            EventType::ExecutionFailed | EventType::ExecutionTimedOut | EventType::ExecutionAborted
        ) {
            for (name, _) in open.drain(..) {
                out.insert(name, StateStatus::Failed);
            }
        } else if let Some((name, _)) = open.last().cloned() {
            let failed = matches!(
                kind,
                EventType::TaskFailed
                    | EventType::TaskTimedOut
                    | EventType::LambdaFunctionFailed
                    | EventType::LambdaFunctionTimedOut
                    | EventType::ActivityFailed
                    | EventType::ActivityTimedOut
                    | EventType::EvaluationFailed
            );
            let restarted = matches!(
                kind,
                EventType::TaskScheduled
                    | EventType::LambdaFunctionScheduled
                    | EventType::ActivityScheduled
                    | EventType::ParallelStateStarted
                    | EventType::MapStateStarted
            );
            if failed {
                out.insert(name, StateStatus::Failed);
            } else if restarted && matches!(out.get(&name), Some(StateStatus::Failed)) {
                out.insert(name, StateStatus::Retried);
            }
        }
    }
    out
}

/// Mark the states that are waiting for a callback.
pub fn mark_waiting(
    statuses: &mut BTreeMap<String, StateStatus>,
    waiting: impl IntoIterator<Item = String>,
) {
    for name in waiting {
        statuses.insert(name, StateStatus::Waiting);
    }
}

/// Input, output, task call and error of `state` as of the first `upto` events.
pub fn state_io(history: &[Event], state: &str, upto: usize) -> StateIo {
    let mut io = StateIo::default();
    let mut inside = false;
    for event in &history[..upto.min(history.len())] {
        let kind = event.kind;
        if kind.entered_state_type().is_some() || kind.is_state_exited() {
            let this = event.state_name() == Some(state);
            if kind.entered_state_type().is_some() {
                inside = this;
                if this {
                    io = StateIo {
                        entries: io.entries + 1,
                        input: parsed(event, "input"),
                        ..StateIo::default()
                    };
                }
            } else if this {
                io.output = parsed(event, "output");
                io.assigned = json_field(event, "assignedVariables").cloned();
                inside = false;
            }
            continue;
        }
        // Branches interleave, so the state an engine-raised error belongs to is the one
        // its cause names; other errors belong to the state entered last.
        if let Some(cause) = event.text("cause") {
            if let Some(named) = named_state(cause) {
                if named == state && event.text("error").is_some() {
                    io.error =
                        Some(serde_json::json!({ "error": event.text("error"), "cause": cause }));
                }
                continue;
            }
        }
        if !inside {
            continue;
        }
        match kind {
            EventType::TaskScheduled => io.parameters = parsed(event, "parameters"),
            EventType::LambdaFunctionScheduled | EventType::ActivityScheduled => {
                io.parameters = parsed(event, "input")
            }
            EventType::TaskSucceeded
            | EventType::LambdaFunctionSucceeded
            | EventType::ActivitySucceeded => io.result = parsed(event, "output"),
            _ if event.text("error").is_some() => {
                io.error = Some(
                    serde_json::json!({ "error": event.text("error"), "cause": event.text("cause") }),
                );
            }
            _ => {}
        }
    }
    io
}

/// The state an engine-raised error's cause names ("... executing the state 'X' ...").
fn named_state(cause: &str) -> Option<&str> {
    let rest = cause.split_once("executing the state '")?.1;
    rest.split_once("' (entered at the event id")
        .map(|(name, _)| name)
}

/// The transitions taken by the first `upto` events, as (from, to) state names.
pub fn transitions_taken(history: &[Event], upto: usize) -> Vec<(String, String)> {
    let mut taken = Vec::new();
    let mut last_exit: Option<String> = None;
    for event in &history[..upto.min(history.len())] {
        if event.kind.is_state_exited() {
            last_exit = event.state_name().map(str::to_owned);
        } else if event.kind.entered_state_type().is_some() {
            let name = event.state_name().unwrap_or_default().to_owned();
            if let Some(from) = last_exit.take() {
                if !taken.contains(&(from.clone(), name.clone())) {
                    taken.push((from, name));
                }
            }
        }
    }
    taken
}

/// Map iterations finished so far and items in all, per Map state.
pub fn map_progress(history: &[Event], upto: usize) -> BTreeMap<String, (usize, usize)> {
    let mut progress: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut current_map: Vec<String> = Vec::new();
    for event in &history[..upto.min(history.len())] {
        match event.kind {
            EventType::MapStateEntered => {
                current_map.push(event.state_name().unwrap_or_default().to_owned())
            }
            EventType::MapStateExited => {
                current_map.pop();
            }
            EventType::MapStateStarted => {
                let total = json_field(event, "length")
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as usize;
                if let Some(name) = current_map.last() {
                    progress.insert(name.clone(), (0, total));
                }
            }
            EventType::MapIterationSucceeded
            | EventType::MapIterationFailed
            | EventType::MapIterationAborted => {
                if let Some(entry) = event.state_name().and_then(|n| progress.get_mut(n)) {
                    entry.0 += 1;
                }
            }
            _ => {}
        }
    }
    progress
}

/// Every variable assigned by the first `upto` events, with its latest value (as
/// `assignedVariables` in the state-exit events record them).
pub fn variables(history: &[Event], upto: usize) -> Value {
    let mut vars = serde_json::Map::new();
    for event in &history[..upto.min(history.len())] {
        let assigned = json_field(event, "assignedVariables").and_then(Value::as_object);
        for (name, text) in assigned.into_iter().flatten() {
            let value = text
                .as_str()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or(Value::Null);
            vars.insert(name.clone(), value);
        }
    }
    Value::Object(vars)
}

/// Distributed Map runs, whose children keep their own histories: for each Map Run started
/// in the first `upto` events, its progress (children finished, children in all); once it
/// has ended, its children's states merged into `statuses` (the worst outcome of any child).
pub fn merge_map_runs(
    history: &[Event],
    upto: usize,
    children: &[ChildExecution],
    statuses: &mut BTreeMap<String, StateStatus>,
    progress: &mut BTreeMap<String, (usize, usize)>,
) {
    let mut running: Vec<&str> = Vec::new();
    let mut ended: Vec<&str> = Vec::new();
    for event in &history[..upto.min(history.len())] {
        match event.kind {
            EventType::MapRunStarted => running.extend(event.text("mapRunArn")),
            EventType::MapRunSucceeded | EventType::MapRunFailed => ended.extend(running.pop()),
            _ => {}
        }
    }
    let mut runs: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for arn in running.iter().chain(&ended) {
        let done = ended.contains(arn);
        for child in children.iter().filter(|c| c.map_run_arn == *arn) {
            let entry = runs.entry(child.map_state.clone()).or_insert((0, 0));
            entry.1 += 1;
            if !done {
                continue;
            }
            entry.0 += 1;
            for (state, status) in self::statuses(&child.history, child.history.len()) {
                let merged = match statuses.get(&state) {
                    Some(known) if severity(*known) >= severity(status) => *known,
                    _ => status,
                };
                statuses.insert(state, merged);
            }
        }
    }
    // Children, not items, are what a Map Run counts (a batch is one child).
    progress.extend(runs);
}

/// What the history says about the machine after its first `cursor` events: what the graph
/// shows at a point of the trace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Every state touched so far, with how it stands (distributed Maps' children included
    /// once their Map Run has ended; waiting callbacks at the end of the history).
    pub statuses: BTreeMap<String, StateStatus>,
    /// Per Map state: iterations (or Map Run children) finished, and in all.
    pub map_progress: BTreeMap<String, (usize, usize)>,
    /// The transitions taken, as (from, to) state names, each once.
    pub transitions: Vec<(String, String)>,
}

impl Snapshot {
    /// The snapshot after the first `cursor` events of `history`, whose distributed Maps ran
    /// `children` and which ends waiting on `waiting` callback tasks.
    pub fn at(
        history: &[Event],
        cursor: usize,
        children: &[ChildExecution],
        waiting: &[crate::Pending],
    ) -> Snapshot {
        let mut statuses = self::statuses(history, cursor);
        let mut map_progress = self::map_progress(history, cursor);
        merge_map_runs(history, cursor, children, &mut statuses, &mut map_progress);
        if cursor >= history.len() {
            mark_waiting(&mut statuses, waiting.iter().map(|p| p.state.clone()));
        }
        Snapshot {
            statuses,
            map_progress,
            transitions: transitions_taken(history, cursor),
        }
    }
}

/// How bad an outcome is, to show the worst of many.
fn severity(status: StateStatus) -> u8 {
    match status {
        StateStatus::Active => 0,
        StateStatus::Succeeded => 1,
        StateStatus::Retried => 2,
        StateStatus::Caught => 3,
        StateStatus::Waiting => 4,
        StateStatus::Failed => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Execution, Options};
    use stepwise_asl::{load, LoadOptions};

    #[test]
    fn variables_hold_their_latest_assigned_value() {
        let text = r#"{"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"n": 1, "who": "ada"}, "Next": "B"},
            "B": {"Type": "Pass", "Assign": {"n": 2}, "End": true}}}"#;
        let machine = load(text, &LoadOptions::default()).machine.unwrap();
        let execution = Execution::start(machine.into(), serde_json::json!({}), Options::default());
        let history = execution.history();
        let after_a = history
            .iter()
            .position(|e| e.kind == EventType::PassStateExited)
            .unwrap()
            + 1;
        assert_eq!(
            variables(history, after_a),
            serde_json::json!({"n": 1, "who": "ada"})
        );
        assert_eq!(
            variables(history, history.len()),
            serde_json::json!({"n": 2, "who": "ada"})
        );
    }

    fn run(definition: serde_json::Value, mocks: Option<serde_json::Value>) -> Execution {
        let machine = load(&definition.to_string(), &LoadOptions::default())
            .machine
            .unwrap();
        let options = Options {
            mocks: mocks.map(|m| crate::mock::load(&m.to_string(), None, "T").unwrap()),
            ..Options::default()
        };
        Execution::start(machine.into(), serde_json::json!({}), options)
    }

    /// The cursor just after the first event of `kind` (for `state`, when given).
    fn after(history: &[Event], kind: EventType, state: Option<&str>) -> usize {
        history
            .iter()
            .position(|e| e.kind == kind && state.is_none_or(|s| e.state_name() == Some(s)))
            .unwrap()
            + 1
    }

    #[test]
    fn a_snapshot_of_a_parallel_follows_its_branches() {
        let definition = serde_json::json!({"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Next": "Done", "Branches": [
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}},
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom"}}}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}]},
            "Done": {"Type": "Succeed"}}});
        let execution = run(definition, None);
        let history = execution.history();
        let entered = Snapshot::at(
            history,
            after(history, EventType::ParallelStateEntered, None),
            &[],
            &[],
        );
        assert_eq!(entered.statuses.get("P"), Some(&StateStatus::Active));
        assert!(entered.transitions.is_empty());
        let branch_failed = Snapshot::at(
            history,
            after(history, EventType::FailStateEntered, None),
            &[],
            &[],
        );
        assert_eq!(branch_failed.statuses.get("F"), Some(&StateStatus::Active));
        assert_eq!(branch_failed.statuses.get("P"), Some(&StateStatus::Active));
        let end = Snapshot::at(history, history.len(), &[], &[]);
        assert_eq!(end.statuses.get("P"), Some(&StateStatus::Caught));
        assert_eq!(end.statuses.get("F"), Some(&StateStatus::Failed));
        assert_eq!(end.statuses.get("Done"), Some(&StateStatus::Succeeded));
        assert_eq!(end.transitions, [("P".to_owned(), "Done".to_owned())]);
    }

    #[test]
    fn a_snapshot_of_a_distributed_map_counts_children_and_merges_them_when_the_run_ends() {
        let definition = serde_json::json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b", "Key": "k"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Handle", "States": {"Handle": {"Type": "Pass", "End": true}}}}}});
        let mocks = serde_json::json!({"StateMachines": {"S": {"TestCases": {"T": {"M": "Items"}}}},
            "MockedResponses": {"Items": {"0": {"Return": [1, 2, 3]}}}});
        let execution = run(definition, Some(mocks));
        let (history, children) = (execution.history(), execution.children());
        assert_eq!(children.len(), 3);
        let started = Snapshot::at(
            history,
            after(history, EventType::MapRunStarted, None),
            children,
            &[],
        );
        assert_eq!(started.map_progress.get("M"), Some(&(0, 3)));
        assert_eq!(
            started.statuses.get("Handle"),
            None,
            "children show once their run ends"
        );
        let end = Snapshot::at(history, history.len(), children, &[]);
        assert_eq!(end.map_progress.get("M"), Some(&(3, 3)));
        assert_eq!(end.statuses.get("Handle"), Some(&StateStatus::Succeeded));
        assert_eq!(end.statuses.get("M"), Some(&StateStatus::Succeeded));
    }

    #[test]
    fn a_snapshot_at_the_end_marks_waiting_callbacks() {
        let definition = serde_json::json!({"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}}});
        let execution = run(definition, None);
        let history = execution.history();
        let end = Snapshot::at(history, history.len(), &[], execution.pending());
        assert_eq!(end.statuses.get("T"), Some(&StateStatus::Waiting));
        let before = Snapshot::at(history, history.len() - 1, &[], execution.pending());
        assert_eq!(before.statuses.get("T"), Some(&StateStatus::Active));
    }

    #[test]
    fn statuses_and_io_follow_the_events() {
        let text = r#"{"StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"m.$": "$.m"}, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "P"}], "End": true},
            "P": {"Type": "Pass", "End": true}}}"#;
        let machine = load(text, &LoadOptions::default()).machine.unwrap();
        let mocks = r#"{"StateMachines": {"M": {"TestCases": {"T": {"T": "R"}}}}, "MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Cause": "C"}}}}}"#;
        let options = Options {
            mocks: Some(crate::mock::load(mocks, None, "T").unwrap()),
            ..Options::default()
        };
        let execution = Execution::start(machine.into(), serde_json::json!({"m": 1}), options);
        let history = execution.history();
        assert_eq!(statuses(history, 2).get("T"), Some(&StateStatus::Active));
        let end = statuses(history, history.len());
        assert_eq!(end.get("T"), Some(&StateStatus::Caught));
        assert_eq!(end.get("P"), Some(&StateStatus::Succeeded));
        let io = state_io(history, "T", history.len());
        assert_eq!(io.input, Some(serde_json::json!({"m": 1})));
        assert_eq!(io.parameters, Some(serde_json::json!({"m": 1})));
        assert_eq!(io.error.unwrap()["error"], "E");
        assert_eq!(
            io.output,
            Some(serde_json::json!({"Error": "E", "Cause": "C"}))
        );
        assert_eq!(
            transitions_taken(history, history.len()),
            [("T".to_owned(), "P".to_owned())]
        );
    }
}
