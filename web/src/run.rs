//! The summary of an execution the views render, as the engine worker sends it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use stepwise_engine::{ChildExecution, Event, Execution, Failure, Pending, Status};

pub use stepwise_engine::StartError;

/// What the views show of an execution (a plain, thread-safe copy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    /// Its history.
    pub events: Vec<Event>,
    /// Where it stands.
    pub status: Status,
    /// Output when it succeeded.
    pub output: Option<Value>,
    /// Error and cause when it did not.
    pub failure: Option<Failure>,
    /// Callback tasks waiting.
    pub pending: Vec<Pending>,
    /// State transitions.
    pub transitions: u64,
    /// Virtual time at the end.
    pub end_millis: i64,
    /// Tasks that ran without a mock.
    pub unmocked: Vec<String>,
    /// Child executions of distributed Maps.
    pub children: Vec<ChildExecution>,
}

impl RunView {
    /// Summarise an execution.
    pub fn of(execution: &Execution) -> Self {
        RunView {
            events: execution.history().to_vec(),
            status: execution.status(),
            output: execution.output().cloned(),
            failure: execution.failure().cloned(),
            pending: execution.pending().to_vec(),
            transitions: execution.transitions(),
            end_millis: execution.end_millis(),
            unmocked: execution.unmocked_states().to_vec(),
            children: execution.children().to_vec(),
        }
    }

    /// The status as AWS spells it.
    pub fn status_text(&self) -> String {
        self.status.as_str().to_owned()
    }
}
