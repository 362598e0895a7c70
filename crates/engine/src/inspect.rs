//! What one visit of a state did to its data, stage by stage: the input, each step of the
//! JSONPath chain (InputPath, Parameters, ResultSelector, ResultPath) or the JSONata
//! Arguments, the result, and for a Map its items. TestState answers with it as
//! `inspectionData`; the playground's data-flow inspector shows it for any visit of a run.

use std::cell::RefCell;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use stepwise_asl::model::{Kind, QueryLanguage, State};

/// A stage of a state's data flow, named as TestState's `inspectionData` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// The state's raw input.
    Input,
    /// After `InputPath`.
    AfterInputPath,
    /// After `Parameters` (or a Map's `ItemSelector`/`Parameters`).
    AfterParameters,
    /// After JSONata `Arguments`.
    AfterArguments,
    /// What the task, the branches or the iterations returned (a Pass state's `Result`).
    Result,
    /// After `ResultSelector`.
    AfterResultSelector,
    /// After `ResultPath`.
    AfterResultPath,
    /// A Map's items, after `ItemsPath` (or JSONata `Items`).
    AfterItemsPath,
    /// A Map's first item after `ItemSelector`.
    AfterItemSelector,
    /// A Map's first batch after `ItemBatcher`.
    AfterItemBatcher,
    /// A distributed Map's items after `ItemPointer`.
    AfterItemsPointer,
    /// A Map's tolerated failure count, as evaluated.
    ToleratedFailureCount,
    /// A Map's tolerated failure percentage, as evaluated.
    ToleratedFailurePercentage,
    /// A Map's `MaxConcurrency`, as evaluated.
    MaxConcurrency,
    /// The variables in scope after the state.
    Variables,
    /// The state's output (after `OutputPath`, or JSONata `Output`).
    Output,
}

impl Stage {
    /// The name `inspectionData` gives the stage.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Input => "input",
            Stage::AfterInputPath => "afterInputPath",
            Stage::AfterParameters => "afterParameters",
            Stage::AfterArguments => "afterArguments",
            Stage::Result => "result",
            Stage::AfterResultSelector => "afterResultSelector",
            Stage::AfterResultPath => "afterResultPath",
            Stage::AfterItemsPath => "afterItemsPath",
            Stage::AfterItemSelector => "afterItemSelector",
            Stage::AfterItemBatcher => "afterItemBatcher",
            Stage::AfterItemsPointer => "afterItemsPointer",
            Stage::ToleratedFailureCount => "toleratedFailureCount",
            Stage::ToleratedFailurePercentage => "toleratedFailurePercentage",
            Stage::MaxConcurrency => "maxConcurrency",
            Stage::Variables => "variables",
            Stage::Output => "output",
        }
    }

    /// A heading for the stage in the playground.
    pub fn title(self) -> &'static str {
        match self {
            Stage::Input => "Input",
            Stage::AfterInputPath => "After InputPath",
            Stage::AfterParameters => "After Parameters",
            Stage::AfterArguments => "After Arguments",
            Stage::Result => "Result",
            Stage::AfterResultSelector => "After ResultSelector",
            Stage::AfterResultPath => "After ResultPath",
            Stage::AfterItemsPath => "Items (after ItemsPath)",
            Stage::AfterItemSelector => "First item after ItemSelector",
            Stage::AfterItemBatcher => "First batch after ItemBatcher",
            Stage::AfterItemsPointer => "Items after ItemPointer",
            Stage::ToleratedFailureCount => "Tolerated failure count",
            Stage::ToleratedFailurePercentage => "Tolerated failure percentage",
            Stage::MaxConcurrency => "Max concurrency",
            Stage::Variables => "Variables after the state",
            Stage::Output => "Output",
        }
    }

    /// Does this stage build on the state's raw input rather than on the stage before it?
    /// (ResultPath places the result into the raw input; every other step transforms what
    /// the step before it produced.)
    pub fn builds_on_input(self) -> bool {
        self == Stage::AfterResultPath
    }

    /// Is this a payload the state passes along (as opposed to a setting it evaluated)?
    pub fn is_payload(self) -> bool {
        !matches!(
            self,
            Stage::ToleratedFailureCount
                | Stage::ToleratedFailurePercentage
                | Stage::MaxConcurrency
                | Stage::Variables
        )
    }
}

/// The stages one visit went through, in order, each as compact JSON text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    /// Stage and value (a stage a retried attempt reached again keeps its last value).
    pub stages: Vec<(Stage, Arc<str>)>,
}

impl Inspection {
    /// The value a stage had, as JSON text.
    pub fn get(&self, stage: Stage) -> Option<&str> {
        self.stages
            .iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, text)| &**text)
    }
}

/// Does a visit of `state` go through `stage`, as TestState's `inspectionData` reports it?
/// (The output and the variables after it, which TestState reports elsewhere, always.) As recorded on AWS: JSONata
/// states show their input, a Task its Arguments and result, a Map its settings; JSONPath
/// states show the steps of the chain they have (a Pass with `Result` skips InputPath and
/// Parameters; a Map shows no raw result).
pub fn reported(state: &State, stage: Stage) -> bool {
    use Stage::*;
    if matches!(stage, Output | Variables) {
        return true;
    }
    let map_settings = matches!(
        stage,
        MaxConcurrency | ToleratedFailureCount | ToleratedFailurePercentage
    );
    if stage == Input {
        return true;
    }
    if state.query_language == QueryLanguage::Jsonata {
        return match state.kind {
            Kind::Task(_) => matches!(stage, AfterArguments | Result),
            Kind::Parallel { .. } => stage == AfterArguments,
            Kind::Map(_) => map_settings,
            _ => false,
        };
    }
    let chain = matches!(
        stage,
        AfterInputPath | AfterParameters | Result | AfterResultSelector | AfterResultPath
    );
    match &state.kind {
        Kind::Pass { result: Some(_) } => {
            matches!(stage, Result | AfterResultSelector | AfterResultPath)
        }
        Kind::Pass { result: None } => chain && stage != Result,
        Kind::Task(_) | Kind::Parallel { .. } => chain,
        Kind::Map(_) => {
            map_settings
                || matches!(
                    stage,
                    AfterInputPath
                        | AfterItemsPath
                        | AfterItemSelector
                        | AfterItemBatcher
                        | AfterItemsPointer
                        | AfterResultSelector
                        | AfterResultPath
                )
        }
        _ => stage == AfterInputPath,
    }
}

/// Collects stages while states run: one frame per state being visited (a Parallel's
/// frame stays open while its branches' states open and close their own).
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    frames: RefCell<Vec<Vec<(Stage, Value)>>>,
}

impl Recorder {
    pub fn open(&self) {
        self.frames.borrow_mut().push(Vec::new());
    }

    /// The stages `state` went through (those it does not have are dropped).
    pub fn close(&self, state: &State) -> Vec<(Stage, Value)> {
        let mut frame = self.frames.borrow_mut().pop().unwrap_or_default();
        frame.retain(|(stage, _)| reported(state, *stage));
        frame
    }

    /// Record `stage` for the state being visited, replacing what an earlier attempt noted.
    pub fn note(&self, stage: Stage, value: &Value) {
        if let Some(frame) = self.frames.borrow_mut().last_mut() {
            match frame.iter_mut().find(|(s, _)| *s == stage) {
                Some(slot) => slot.1 = value.clone(),
                None => frame.push((stage, value.clone())),
            }
        }
    }

    /// Forget the stages after the input: a retry starts the state's data flow again.
    pub fn restart(&self) {
        if let Some(frame) = self.frames.borrow_mut().last_mut() {
            frame.truncate(1);
        }
    }
}

/// Where `after` differs from `before`, as JSON pointers of the members added, removed or
/// changed (the deepest ones; at most `limit`). A value replaced whole is the pointer "".
pub fn changes(before: &Value, after: &Value, limit: usize) -> Vec<String> {
    fn walk(before: &Value, after: &Value, at: &mut String, out: &mut Vec<String>, limit: usize) {
        if out.len() >= limit || before == after {
            return;
        }
        let len = at.len();
        match (before, after) {
            (Value::Object(a), Value::Object(b)) => {
                for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                    at.push('/');
                    at.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    match (a.get(key), b.get(key)) {
                        (Some(x), Some(y)) => walk(x, y, at, out, limit),
                        (x, y) if x != y && out.len() < limit => out.push(at.clone()),
                        _ => {}
                    }
                    at.truncate(len);
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    at.push_str(&format!("/{i}"));
                    walk(x, y, at, out, limit);
                    at.truncate(len);
                }
            }
            _ => out.push(at.clone()),
        }
    }
    let mut out = Vec::new();
    walk(before, after, &mut String::new(), &mut out, limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_name_the_members_added_removed_and_changed() {
        let before = json!({"a": 1, "b": {"c": [1, 2], "d": "x"}, "gone": true});
        let after = json!({"a": 1, "b": {"c": [1, 3], "d": "x"}, "new/key": 0});
        assert_eq!(
            changes(&before, &after, 10),
            ["/b/c/1", "/gone", "/new~1key"]
        );
        assert_eq!(changes(&before, &before, 10), Vec::<String>::new());
        assert_eq!(changes(&json!([1]), &json!([1, 2]), 10), [""]);
        assert_eq!(changes(&before, &after, 1), ["/b/c/1"]);
    }
}
