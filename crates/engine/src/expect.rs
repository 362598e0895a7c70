//! What a test case of a MockConfigFile is expected to do, and how an execution measures up:
//! the checks behind `stepwise test`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::intrinsics::json_eq;
use crate::{Answer, Execution, Status};

/// The expectations of one test case (every field optional), as written in an expectation
/// file keyed by test case name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Expectation {
    /// The execution input (else the one given on the command line, else `{}`).
    pub input: Option<Value>,
    /// How the execution ends: `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED` or `WAITING`.
    pub status: Option<String>,
    /// The whole output.
    pub output: Option<Value>,
    /// A part of the output: every member given must be there, equal (recursively).
    pub output_contains: Option<Value>,
    /// The error name it fails with.
    pub error: Option<String>,
    /// The cause it fails with.
    pub cause: Option<String>,
    /// The states entered, in the order the history enters them.
    pub path: Option<Vec<String>>,
    /// How many times states are entered.
    pub state_counts: Option<BTreeMap<String, usize>>,
    /// Answers to `.waitForTaskToken` tasks, per state, in order.
    pub callbacks: Option<BTreeMap<String, Vec<CallbackAnswer>>>,
}

/// An answer to a waiting callback task.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub enum CallbackAnswer {
    /// SendTaskSuccess with this output.
    Success(Value),
    /// SendTaskFailure.
    Failure {
        /// The error name.
        error: String,
        /// The cause.
        #[serde(default)]
        cause: String,
    },
}

impl Expectation {
    /// Answer the execution's waiting callbacks from [`Expectation::callbacks`], in order
    /// per state, until it ends or nothing more is known.
    pub fn answer_callbacks(&self, execution: &mut Execution) {
        let mut queued = self.callbacks.clone().unwrap_or_default();
        while execution.status() == Status::Waiting {
            let Some(pending) = execution.pending().first().cloned() else {
                return;
            };
            let Some(answer) = queued.get_mut(&pending.state).filter(|a| !a.is_empty()) else {
                return;
            };
            let answer = match answer.remove(0) {
                CallbackAnswer::Success(output) => Answer::Success(output),
                CallbackAnswer::Failure { error, cause } => Answer::Failure { error, cause },
            };
            if execution.answer(&pending.token, answer).is_err() {
                return;
            }
        }
    }

    /// What differs between this expectation and `execution` (empty when it is met). With
    /// no expectation about the status, the execution must succeed.
    pub fn problems(&self, execution: &Execution) -> Vec<String> {
        let mut problems = Vec::new();
        let status = execution.status().as_str();
        let wanted = self.status.as_deref().unwrap_or("SUCCEEDED");
        if status != wanted {
            let why = execution
                .failure()
                .map(|f| format!(" ({}: {})", f.error, f.cause))
                .unwrap_or_default();
            problems.push(format!("status: expected {wanted}, got {status}{why}"));
        }
        let output = execution.output().cloned().unwrap_or(Value::Null);
        if let Some(expected) = &self.output {
            diff("output", expected, &output, false, &mut problems);
        }
        if let Some(expected) = &self.output_contains {
            diff("output", expected, &output, true, &mut problems);
        }
        let failure = execution.failure();
        for (what, expected, actual) in [
            ("error", &self.error, failure.map(|f| f.error.as_str())),
            ("cause", &self.cause, failure.map(|f| f.cause.as_str())),
        ] {
            if let Some(expected) = expected {
                if actual != Some(expected.as_str()) {
                    problems.push(format!(
                        "{what}: expected {expected:?}, got {}",
                        actual.map_or("none".to_owned(), |a| format!("{a:?}"))
                    ));
                }
            }
        }
        let entered: Vec<&str> = execution
            .history()
            .iter()
            .filter(|e| e.kind.entered_state_type().is_some())
            .filter_map(|e| e.state_name())
            .collect();
        if let Some(path) = &self.path {
            if *path != entered {
                problems.push(format!(
                    "path: expected {}\n      got      {}",
                    path.join(" → "),
                    entered.join(" → ")
                ));
            }
        }
        for (state, expected) in self.state_counts.iter().flatten() {
            let count = entered.iter().filter(|name| *name == state).count();
            if count != *expected {
                problems.push(format!(
                    "\"{state}\" entered {count} time(s), expected {expected}"
                ));
            }
        }
        problems
    }
}

/// Where `actual` differs from `expected`, as JSON pointers under `at`. With `subset`,
/// members `expected` leaves out may be anything.
fn diff(at: &str, expected: &Value, actual: &Value, subset: bool, out: &mut Vec<String>) {
    const MAX_DIFFERENCES: usize = 20;
    if out.len() >= MAX_DIFFERENCES {
        return;
    }
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let path = format!("{at}/{}", stepwise_asl::json::escape_token(key));
                match got.get(key) {
                    Some(found) => diff(&path, value, found, subset, out),
                    None => out.push(format!("{path}: missing, expected {value}")),
                }
            }
            if !subset {
                for key in got.keys().filter(|k| !want.contains_key(*k)) {
                    let path = format!("{at}/{}", stepwise_asl::json::escape_token(key));
                    out.push(format!("{path}: not expected, got {}", got[key]));
                }
            }
        }
        (Value::Array(want), Value::Array(got)) if want.len() == got.len() => {
            for (i, (w, g)) in want.iter().zip(got).enumerate() {
                diff(&format!("{at}/{i}"), w, g, subset, out);
            }
        }
        _ if json_eq(expected, actual) => {}
        _ => out.push(format!("{at}: expected {expected}, got {actual}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use serde_json::json;
    use stepwise_asl::{load, LoadOptions};

    fn run(definition: Value, input: Value) -> Execution {
        let machine = load(&definition.to_string(), &LoadOptions::default())
            .machine
            .unwrap();
        Execution::start(machine.into(), input, Options::default())
    }

    #[test]
    fn expectations_report_each_difference_readably() {
        let execution = run(
            json!({"StartAt": "A", "States": {
                "A": {"Type": "Pass", "Result": {"n": 1, "tags": ["x"]}, "Next": "B"},
                "B": {"Type": "Succeed"}}}),
            json!({}),
        );
        let met: Expectation = serde_json::from_value(json!({
            "status": "SUCCEEDED", "outputContains": {"n": 1}, "path": ["A", "B"], "stateCounts": {"A": 1}
        }))
        .unwrap();
        assert!(
            met.problems(&execution).is_empty(),
            "{:?}",
            met.problems(&execution)
        );
        let missed: Expectation = serde_json::from_value(json!({
            "output": {"n": 2, "extra": true}, "path": ["A"], "stateCounts": {"B": 2}
        }))
        .unwrap();
        assert_eq!(
            missed.problems(&execution),
            [
                "output/n: expected 2, got 1",
                "output/extra: missing, expected true",
                "output/tags: not expected, got [\"x\"]",
                "path: expected A\n      got      A → B",
                "\"B\" entered 1 time(s), expected 2",
            ]
        );
    }

    #[test]
    fn callbacks_are_answered_in_order_and_failures_compared() {
        let mut execution = run(
            json!({"StartAt": "T", "States": {"T": {"Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}}}),
            json!({}),
        );
        let expectation: Expectation = serde_json::from_value(json!({
            "callbacks": {"T": [{"failure": {"error": "Declined", "cause": "no"}}]},
            "status": "FAILED", "error": "Declined", "cause": "yes"
        }))
        .unwrap();
        expectation.answer_callbacks(&mut execution);
        assert_eq!(
            expectation.problems(&execution),
            ["cause: expected \"yes\", got \"no\""]
        );
        let unknown = serde_json::from_value::<Expectation>(json!({"stauts": "FAILED"}));
        assert!(
            unknown.is_err(),
            "a misspelt key is an error, not a silent pass"
        );
    }
}
