//! A deterministic, step-wise AWS Step Functions execution engine: exact input/output
//! processing, intrinsics, JSONata, Retry/Catch, a virtual clock, mocked tasks in AWS Step
//! Functions Local's MockConfigFile format, and history in the shape of `GetExecutionHistory`.
//!
//! ```
//! use stepwise_asl::{load, LoadOptions};
//! use stepwise_engine::{EventType, Execution, Options, Status};
//!
//! let text = r#"{
//!   "StartAt": "Wait a year",
//!   "States": {
//!     "Wait a year": { "Type": "Wait", "Seconds": 31536000, "Next": "Greet" },
//!     "Greet": { "Type": "Pass", "Parameters": { "greeting.$": "States.Format('Hello, {}!', $.name)" }, "End": true }
//!   }
//! }"#;
//! let machine = load(text, &LoadOptions::default()).machine.expect("valid");
//! let mut execution = Execution::start(machine.into(), serde_json::json!({"name": "Ada"}), Options::default());
//! assert_eq!(execution.status(), Status::Succeeded);
//! assert_eq!(execution.output(), Some(&serde_json::json!({"greeting": "Hello, Ada!"})));
//! let history = execution.history();
//! assert_eq!(history.first().unwrap().timestamp(), "2026-01-01T00:00:00.000Z");
//! assert_eq!(history.last().unwrap().timestamp(), "2027-01-01T00:00:00.000Z");
//! // The step-wise view: reveal events one at a time.
//! assert_eq!(execution.step().map(|e| e.kind), Some(EventType::ExecutionStarted));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod budget;
pub mod chaos;
mod choice;
pub mod cost;
mod env;
pub mod execution_input;
pub mod expect;
mod failure;
pub mod faults;
mod history;
pub mod inspect;
pub mod intrinsics;
mod items;
pub mod json_error;
pub mod jsonata;
pub mod jsonpath;
pub mod mock;
mod payload;
mod run;
mod start;
pub mod test_state;
pub mod trace;

use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use stepwise_asl::model::StateMachine;
use stepwise_asl::MachineType;

pub use failure::Failure;
pub use history::{Event, EventType, Field, HistoryMode};
pub use mock::TestCase;
pub use start::{load_machine, prepare, start, MockChoice, RunRequest, StartError};

/// 2026-01-01T00:00:00Z: the default virtual start time.
pub const DEFAULT_START_MILLIS: i64 = 1_767_225_600_000;

/// The default transition budget: a looping machine stops within a second or two, and its
/// full history stays far below 1 GB, natively and in the browser.
pub const DEFAULT_MAX_TRANSITIONS: u64 = 100_000;

/// The default bound on the text a recorded history holds: 256 MiB.
pub const DEFAULT_MAX_HISTORY_BYTES: usize = 256 << 20;

/// How to run an execution.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seed for everything random (jitter, UUIDs, MathRandom, `$random`).
    pub seed: u64,
    /// Virtual start time, in milliseconds since the epoch.
    pub start_time_millis: i64,
    /// STANDARD (25,000-event quota) or EXPRESS.
    pub machine_type: MachineType,
    /// Execution name (in `$$.Execution.Name` and the execution ARN).
    pub execution_name: String,
    /// State machine name.
    pub state_machine_name: String,
    /// Region in ARNs and events.
    pub region: String,
    /// Account in ARNs.
    pub account: String,
    /// Mocked task responses.
    pub mocks: Option<TestCase>,
    /// Fail Tasks that have no mocked response instead of passing their input through.
    pub strict_mocks: bool,
    /// Record history events or not.
    pub history: HistoryMode,
    /// The simulator's budget of state transitions, so a machine that never ends stops
    /// (EXPRESS executions have no event quota). Not an AWS limit.
    pub max_transitions: u64,
    /// The most bytes of events and their texts (inputs, outputs, causes) a recorded
    /// history may hold: the simulator's bound on the memory of a run, whatever its
    /// payloads. Not an AWS limit.
    pub max_history_bytes: usize,
    /// Record what each state visit did to its data, stage by stage
    /// ([`Execution::inspection`]): the playground's data-flow inspector.
    pub inspect: bool,
    /// Transient errors and duplicate deliveries to inject, drawn from the seed (the
    /// resilience lab); `None` injects nothing.
    pub faults: Option<faults::FaultProfile>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            start_time_millis: DEFAULT_START_MILLIS,
            machine_type: MachineType::Standard,
            execution_name: "execution".into(),
            state_machine_name: "StateMachine".into(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            mocks: None,
            strict_mocks: false,
            history: HistoryMode::Full,
            max_transitions: DEFAULT_MAX_TRANSITIONS,
            max_history_bytes: DEFAULT_MAX_HISTORY_BYTES,
            inspect: false,
            faults: None,
        }
    }
}

/// Where an execution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Ended successfully.
    Succeeded,
    /// Ended with an error.
    Failed,
    /// Exceeded the machine's TimeoutSeconds.
    TimedOut,
    /// Stopped from outside.
    Aborted,
    /// Paused on a callback task waiting for its token.
    Waiting,
}

/// What the outside world said about a callback task, keyed by task token.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// SendTaskSuccess.
    Success(Value),
    /// SendTaskFailure.
    Failure {
        /// The error name.
        error: String,
        /// The cause.
        cause: String,
    },
    /// SendTaskHeartbeat.
    Heartbeat,
}

/// Every answer each token got, with the virtual time it arrived at.
pub(crate) type Answers = HashMap<String, Vec<(i64, Answer)>>;

impl Status {
    /// The status as AWS spells it (`SUCCEEDED`, `TIMED_OUT`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
            Status::Waiting => "WAITING",
        }
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        [
            Status::Succeeded,
            Status::Failed,
            Status::TimedOut,
            Status::Aborted,
            Status::Waiting,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown status {name}")))
    }
}

/// A callback task waiting for its token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// The task token (`$$.Task.Token`).
    pub token: String,
    /// The waiting Task state.
    pub state: String,
    /// What was sent to the integration.
    pub input: Value,
    /// When the task was scheduled (virtual milliseconds since the epoch).
    pub since_millis: i64,
}

/// The virtual time while waiting: the latest of when the waiting tasks were scheduled and
/// where [`Execution::advance`] moved the clock; `None` when nothing waits or moved it.
fn waiting_clock(pending: &[Pending], wait_clock: Option<i64>) -> Option<i64> {
    pending
        .iter()
        .map(|p| p.since_millis)
        .chain(wait_clock)
        .max()
}

/// One child execution of a distributed Map run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildExecution {
    /// The Map state that ran it.
    pub map_state: String,
    /// The Map Run's ARN.
    pub map_run_arn: String,
    /// The child's execution ARN.
    pub execution_arn: String,
    /// How it ended.
    pub status: Status,
    /// Its own history (empty with `HistoryMode::None`).
    pub history: Vec<Event>,
}

/// What an execution came to, in one serialisable shape: what the CLI prints for `--json`
/// and what the playground shows. It borrows from the [`Execution`], so writing it out
/// copies nothing.
#[derive(Debug, Serialize)]
pub struct Report<'e> {
    /// Where it stands.
    pub status: Status,
    /// The output, when it succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<&'e Value>,
    /// The error, when it failed, timed out or was aborted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'e str>,
    /// The cause that goes with `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'e str>,
    /// The callback tasks it waits for (while WAITING).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub pending: &'e [Pending],
    /// Its history (empty, and left out, when it was not recorded).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub history: &'e [Event],
    /// Child executions of distributed Map runs.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub children: &'e [ChildExecution],
}

/// Errors of the callback API, named as AWS names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// `TaskDoesNotExist`: no task waits for this token.
    TaskDoesNotExist,
    /// `InvalidToken`: the token is malformed.
    InvalidToken,
    /// `TaskTimedOut`: the task this token belonged to has timed out.
    TaskTimedOut,
    /// `ExecutionDoesNotExist`-like: the execution is not running (for advance and stop).
    NotRunning,
}

impl std::fmt::Display for ApiError {
    /// The error's name as AWS gives it (`NotRunning` is `ExecutionDoesNotExist`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ApiError::TaskDoesNotExist => "TaskDoesNotExist",
            ApiError::InvalidToken => "InvalidToken",
            ApiError::TaskTimedOut => "TaskTimedOut",
            ApiError::NotRunning => "ExecutionDoesNotExist",
        })
    }
}

impl std::error::Error for ApiError {}

/// One execution of a state machine.
///
/// The run is deterministic, so the engine computes it eagerly (to its end, or to the first
/// callback nobody has answered yet); `step()` then reveals the history one event at a time.
/// Answering a callback replays the run with the answer, which reproduces every earlier event
/// exactly and continues from there.
pub struct Execution {
    machine: Rc<StateMachine>,
    input: Value,
    options: Options,
    answers: Answers,
    /// Virtual time that has passed while the execution waited on callbacks.
    wait_clock: Option<i64>,
    /// StopExecution's error and cause.
    stopped: Option<Failure>,
    outcome: Outcome,
    cursor: usize,
}

#[derive(Debug, Default)]
struct Outcome {
    status: Option<Status>,
    output: Option<Value>,
    failure: Option<Failure>,
    events: Vec<Event>,
    visits: Vec<inspect::Inspection>,
    event_count: u64,
    transitions: u64,
    pending: Vec<Pending>,
    timed_out_tokens: Vec<String>,
    unmocked: Vec<String>,
    children: Vec<ChildExecution>,
    written: Vec<(String, String, Value)>,
    faults: faults::FaultLog,
    end_millis: i64,
}

impl Execution {
    /// Start an execution and run it as far as it can go.
    pub fn start(machine: Rc<StateMachine>, input: Value, options: Options) -> Self {
        let mut execution = Execution {
            machine,
            input,
            options,
            answers: HashMap::new(),
            wait_clock: None,
            stopped: None,
            outcome: Outcome::default(),
            cursor: 0,
        };
        execution.compute();
        execution
    }

    fn compute(&mut self) {
        let mut runner = run::Runner::new(
            &self.options,
            &self.answers,
            self.wait_clock,
            self.input.clone(),
        );
        // An EXPRESS execution runs five minutes at most, whatever TimeoutSeconds says.
        let express_limit = (self.options.machine_type == MachineType::Express).then_some(300);
        let deadline = [self.machine.timeout_seconds, express_limit]
            .into_iter()
            .flatten()
            .min()
            .map(|s| self.options.start_time_millis + s as i64 * 1000);
        let ended = runner.execute(
            &self.machine.states,
            self.input.clone(),
            deadline,
            self.stopped.as_ref(),
        );
        self.outcome = Outcome {
            status: Some(ended.status),
            output: ended.output,
            failure: ended.failure,
            events: std::mem::take(&mut runner.history.events),
            visits: std::mem::take(&mut runner.history.visits),
            event_count: runner.history.count,
            transitions: runner.transitions,
            pending: std::mem::take(&mut runner.pending),
            timed_out_tokens: std::mem::take(&mut runner.timed_out_tokens),
            unmocked: std::mem::take(&mut runner.unmocked),
            children: std::mem::take(&mut runner.children),
            written: std::mem::take(&mut runner.written),
            faults: std::mem::take(&mut runner.fault_log),
            end_millis: runner.now,
        };
    }

    /// What the state visit whose entered event is `entered_event_id` did to its data, stage
    /// by stage (when the run was started with [`Options::inspect`]).
    pub fn inspection(&self, entered_event_id: u64) -> Option<&inspect::Inspection> {
        let index = usize::try_from(entered_event_id.checked_sub(1)?).ok()?;
        let visit = self.outcome.events.get(index)?.visit;
        self.outcome.visits.get((visit as usize).checked_sub(1)?)
    }

    /// What the fault profile did in this execution (empty without one).
    pub fn fault_log(&self) -> &faults::FaultLog {
        &self.outcome.faults
    }

    /// The execution as one serialisable report.
    pub fn report(&self) -> Report<'_> {
        Report {
            status: self.status(),
            output: self.output(),
            error: self.failure().map(|f| f.error.as_str()),
            cause: self.failure().map(|f| f.cause.as_str()),
            pending: self.pending(),
            history: self.history(),
            children: self.children(),
        }
    }

    /// The current status.
    pub fn status(&self) -> Status {
        self.outcome.status.unwrap_or(Status::Waiting)
    }

    /// The output, when the execution succeeded.
    pub fn output(&self) -> Option<&Value> {
        self.outcome.output.as_ref()
    }

    /// The error and cause, when it failed, timed out or was aborted.
    pub fn failure(&self) -> Option<&Failure> {
        self.outcome.failure.as_ref()
    }

    /// Every event so far (empty with `HistoryMode::None`).
    pub fn history(&self) -> &[Event] {
        &self.outcome.events
    }

    /// How many events the execution emitted (also without recording them).
    pub fn event_count(&self) -> u64 {
        self.outcome.event_count
    }

    /// State transitions so far.
    pub fn transitions(&self) -> u64 {
        self.outcome.transitions
    }

    /// Virtual time at the end (or at the wait), in milliseconds since the epoch.
    pub fn end_millis(&self) -> i64 {
        self.outcome.end_millis
    }

    /// Task states that ran without a mock (their input became their result).
    pub fn unmocked_states(&self) -> &[String] {
        &self.outcome.unmocked
    }

    /// Callback tasks waiting for their token.
    pub fn pending(&self) -> &[Pending] {
        &self.outcome.pending
    }

    /// The child executions of distributed Map runs, in the order they started.
    pub fn children(&self) -> &[ChildExecution] {
        &self.outcome.children
    }

    /// What distributed Maps' ResultWriters wrote, as (bucket, key, content): the manifest
    /// and the SUCCEEDED / FAILED result files.
    pub fn written_objects(&self) -> &[(String, String, Value)] {
        &self.outcome.written
    }

    /// The virtual time now: while waiting, the latest of when the wait began and the time
    /// [`Execution::advance`] moved to.
    pub fn now_millis(&self) -> i64 {
        waiting_clock(&self.outcome.pending, self.wait_clock).unwrap_or(self.outcome.end_millis)
    }

    /// Let `seconds` of virtual time pass while the execution waits on callbacks: heartbeat
    /// and task timeouts, and the machine's TimeoutSeconds, fire when their time comes.
    pub fn advance(&mut self, seconds: u64) -> Result<(), ApiError> {
        if self.status() != Status::Waiting {
            return Err(ApiError::NotRunning);
        }
        let millis = i64::try_from(seconds).map_or(i64::MAX, |s| s.saturating_mul(1000));
        self.wait_clock = Some(self.now_millis().saturating_add(millis));
        self.compute();
        Ok(())
    }

    /// StopExecution: a waiting execution ends ABORTED (ExecutionAborted, at the virtual time now).
    pub fn stop(&mut self, error: &str, cause: &str) -> Result<(), ApiError> {
        if self.status() != Status::Waiting {
            return Err(ApiError::NotRunning);
        }
        self.wait_clock = Some(self.now_millis());
        self.stopped = Some(Failure::new(error, cause));
        self.compute();
        Ok(())
    }

    /// Reveal the next event; `None` at the end of the history so far.
    pub fn step(&mut self) -> Option<&Event> {
        let event = self.outcome.events.get(self.cursor)?;
        self.cursor += 1;
        Some(event)
    }

    /// Reveal every remaining event; returns the status.
    pub fn run(&mut self) -> Status {
        self.cursor = self.outcome.events.len();
        self.status()
    }

    /// How many events `step()` has revealed.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// SendTaskSuccess.
    pub fn send_task_success(&mut self, token: &str, output: Value) -> Result<(), ApiError> {
        self.answer(token, Answer::Success(output))
    }

    /// SendTaskFailure.
    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: &str,
        cause: &str,
    ) -> Result<(), ApiError> {
        self.answer(
            token,
            Answer::Failure {
                error: error.to_owned(),
                cause: cause.to_owned(),
            },
        )
    }

    /// SendTaskHeartbeat: the task's HeartbeatSeconds count again from now.
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), ApiError> {
        self.answer(token, Answer::Heartbeat)
    }

    /// Answer a callback task: success, failure or heartbeat.
    pub fn answer(&mut self, token: &str, answer: Answer) -> Result<(), ApiError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ApiError::InvalidToken);
        }
        if self.outcome.timed_out_tokens.iter().any(|t| t == token) {
            return Err(ApiError::TaskTimedOut);
        }
        if self.status() != Status::Waiting
            || !self.outcome.pending.iter().any(|p| p.token == token)
        {
            return Err(ApiError::TaskDoesNotExist);
        }
        let at = self.now_millis();
        self.answers
            .entry(token.to_owned())
            .or_default()
            .push((at, answer));
        self.compute();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ApiError;

    #[test]
    fn api_errors_display_as_aws_names_them() {
        let names = [
            ApiError::TaskDoesNotExist,
            ApiError::InvalidToken,
            ApiError::TaskTimedOut,
            ApiError::NotRunning,
        ]
        .map(|e| e.to_string());
        assert_eq!(
            names,
            [
                "TaskDoesNotExist",
                "InvalidToken",
                "TaskTimedOut",
                "ExecutionDoesNotExist"
            ]
        );
        let error: Box<dyn std::error::Error> = Box::new(ApiError::InvalidToken);
        assert_eq!(error.to_string(), "InvalidToken");
    }
}
