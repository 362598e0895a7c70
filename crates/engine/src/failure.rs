//! Errors as Step Functions names them.

/// The error a run ends with when it reaches the simulator's transition budget: not an AWS
/// error, and no Catch can take it.
pub const BUDGET_ERROR: &str = "Stepwise.TransitionBudgetExceeded";

/// The error a run ends with when its recorded history holds more text than the simulator
/// keeps.
pub const HISTORY_BUDGET_ERROR: &str = "Stepwise.HistoryBudgetExceeded";

/// The error a state fails with when its output nests deeper than the simulator handles.
pub const NESTING_ERROR: &str = "Stepwise.NestingLimitExceeded";

/// An error name and cause, as `ErrorEquals` matches them and history shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    /// E.g. `States.Runtime` or a task's own error name.
    pub error: String,
    /// Human-readable detail.
    pub cause: String,
    /// A timeout because the worker sent no heartbeat in time: AWS reports it as
    /// `States.Timeout`, and `States.HeartbeatTimeout` in a Retry or Catch matches it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub missed_heartbeat: bool,
}

impl Failure {
    /// A failure with an error name and a cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Failure {
            error: error.into(),
            cause: cause.into(),
            missed_heartbeat: false,
        }
    }

    /// A task's worker sent no heartbeat within HeartbeatSeconds.
    pub fn heartbeat_timeout(cause: impl Into<String>) -> Self {
        Failure {
            missed_heartbeat: true,
            ..Failure::new("States.Timeout", cause)
        }
    }

    /// `States.Runtime`: the definition and the data disagree.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Failure::new("States.Runtime", cause)
    }

    /// An intrinsic function's arguments were wrong: AWS reports it as `States.Runtime`.
    pub fn intrinsic(cause: impl Into<String>) -> Self {
        Failure::runtime(cause)
    }

    /// `States.QueryEvaluationError` (JSONata).
    pub fn query(cause: impl Into<String>) -> Self {
        Failure::new("States.QueryEvaluationError", cause)
    }

    /// `{"error", "cause"}`: how history events detail a failure.
    pub fn details(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.error, "cause": self.cause })
    }

    /// `{"Error", "Cause"}`: the error output a Catch passes on. A failure reported without
    /// an error name (SendTaskFailure with neither field) passes on nulls.
    pub fn output(&self) -> serde_json::Value {
        if self.error.is_empty() {
            let cause = Some(&self.cause).filter(|c| !c.is_empty());
            return serde_json::json!({ "Error": null, "Cause": cause });
        }
        serde_json::json!({ "Error": self.error, "Cause": self.cause })
    }

    /// Does a Retry/Catch `ErrorEquals` list match this failure? Nothing matches
    /// `States.Runtime`, not even a list that names it: AWS always fails the execution.
    /// `States.TaskFailed` matches every other error but `States.Timeout`;
    /// `States.HeartbeatTimeout` matches the timeouts of missed heartbeats.
    pub fn matches(&self, error_equals: &[String]) -> bool {
        if self.is_terminal() {
            return false;
        }
        error_equals.iter().any(|e| {
            e == &self.error
                || e == "States.ALL"
                || (e == "States.TaskFailed" && self.error != "States.Timeout")
                || (e == "States.HeartbeatTimeout" && self.missed_heartbeat)
        })
    }

    /// Errors no Retry or Catch can handle: `States.Runtime`, and the simulator's own limits
    /// (`Stepwise.*`), which are not AWS errors at all.
    pub fn is_terminal(&self) -> bool {
        self.error == "States.Runtime" || self.error.starts_with("Stepwise.")
    }
}

/// The prefix AWS puts on causes of errors raised while executing a state.
pub fn state_cause(state: &str, entered_event: u64, detail: &str) -> String {
    format!("An error occurred while executing the state '{state}' (entered at the event id #{entered_event}). {detail}")
}
