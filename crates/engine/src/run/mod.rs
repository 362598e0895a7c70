//! The interpreter: runs scopes state by state, emitting history events, with retries,
//! catches, variables and the virtual clock. Parallel branches and Map iterations run one
//! after another, as AWS records them for inline processing.

mod containers;
mod distributed;
mod fanout;
mod flow;
mod request;
mod single;
mod task;

pub(crate) use single::{Single, Stand};

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use stepwise_asl::model::{
    Catcher, Kind, QueryLanguage, Scope, State, StateType, Template, Transition,
};

use crate::env::compact;
use crate::env::{ContextSource, Env, Vars};
use crate::failure::{state_cause, Failure};
use crate::history::{details, EventType, Field, History, Interner};
use crate::inspect::Stage;
use crate::jsonata::Jsonata;
use crate::payload::{self, Evaluator};
use crate::{Answers, ChildExecution, Options, Pending, Status};

/// AWS's quota on events in a STANDARD execution's history.
pub const MAX_HISTORY_EVENTS: u64 = 25_000;
/// AWS's quota on payload sizes (UTF-8 JSON bytes).
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// Mixed into the seed for the fault profile's draws.
const FAULT_STREAM: u64 = 0x5EED_FA17_0000_0001;

/// Why a scope stopped before its end.
pub(crate) enum Stop {
    /// A failure nothing caught (yet).
    Fail(Failure),
    /// A callback task is waiting for an answer from outside.
    Wait,
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Fail(f)
    }
}

/// Per-state facts the context object (`$$`) exposes.
#[derive(Clone, Default)]
pub(crate) struct StateFacts {
    pub name: String,
    pub entered_millis: i64,
    pub retry_count: u32,
    /// Task, Parallel and Map count their retries in `$$.State.RetryCount`; AWS gives the
    /// other states no such member.
    pub counts_retries: bool,
    pub token: Option<String>,
    pub map_item: Option<(usize, Value)>,
    /// A Parallel branch or Map iteration failed in the last attempt.
    pub branch_failed: bool,
}

/// Whether a state keeps a retry counter in its context object (the states that take Retry).
pub(crate) fn counts_retries(state: &State) -> bool {
    matches!(
        state.kind,
        Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_)
    )
}

/// How an execution (or a distributed Map's child execution) ended.
pub(crate) struct Ended {
    pub status: Status,
    pub output: Option<Value>,
    pub failure: Option<Failure>,
}

pub(crate) struct Runner<'m> {
    pub options: &'m Options,
    pub answers: &'m Answers,
    /// How far virtual time has moved while waiting on callbacks (`Execution::advance`).
    pub wait_clock: Option<i64>,
    pub history: History,
    pub now: i64,
    pub rng: RefCell<ChaCha8Rng>,
    pub jsonata: Jsonata,
    pub calls: HashMap<String, usize>,
    pub transitions: u64,
    pub input: Value,
    pub execution_arn: String,
    pub pending: Vec<Pending>,
    pub timed_out_tokens: Vec<String>,
    pub unmocked: Vec<String>,
    pub children: Vec<ChildExecution>,
    /// Objects ResultWriters wrote: (bucket, key, content).
    pub written: Vec<(String, String, Value)>,
    /// Collects each visit's data-flow stages, when the run records them.
    pub(crate) recorder: Option<crate::inspect::Recorder>,
    /// What TestState mocks in the one state it runs.
    pub(crate) stand: Option<Stand>,
    /// Draws the faults of the fault profile, apart from `rng` so that a profile that
    /// injects nothing changes nothing.
    pub(crate) fault_rng: RefCell<ChaCha8Rng>,
    /// What the fault profile did.
    pub fault_log: crate::faults::FaultLog,
    /// The text of the output the last state exit recorded: the next state of its scope
    /// takes that very value as input, so its entered event shares the text.
    last_output: Option<Arc<str>>,
    /// The states the Parallel branch or Map iteration being run has entered so far, with
    /// when; `None` outside fan-outs.
    pub(super) branch_trail: Option<Vec<Visited>>,
}

/// A state a branch entered, and when: what a failure that strikes later finds it in.
#[derive(Clone, Copy)]
pub(super) struct Visited {
    pub entered: i64,
    pub state_type: StateType,
}

impl<'m> Runner<'m> {
    pub fn new(
        options: &'m Options,
        answers: &'m Answers,
        wait_clock: Option<i64>,
        input: Value,
    ) -> Self {
        Runner {
            options,
            answers,
            wait_clock,
            history: History::new(options.history),
            now: options.start_time_millis,
            rng: RefCell::new(ChaCha8Rng::seed_from_u64(options.seed)),
            jsonata: Jsonata::default(),
            calls: HashMap::new(),
            transitions: 0,
            execution_arn: format!(
                "arn:aws:states:{}:{}:execution:{}:{}",
                options.region, options.account, options.state_machine_name, options.execution_name
            ),
            input,
            pending: Vec::new(),
            timed_out_tokens: Vec::new(),
            unmocked: Vec::new(),
            children: Vec::new(),
            written: Vec::new(),
            recorder: options.inspect.then(Default::default),
            stand: None,
            fault_rng: RefCell::new(ChaCha8Rng::seed_from_u64(options.seed ^ FAULT_STREAM)),
            fault_log: Default::default(),
            last_output: None,
            branch_trail: None,
        }
    }

    /// Run a whole execution of `scope`: ExecutionStarted, the states, and the event that
    /// ends it (or nothing while it waits on a callback). `deadline` is the machine's
    /// TimeoutSeconds as a virtual time; `stopped` is StopExecution's error and cause.
    pub fn execute(
        &mut self,
        scope: &'m Scope,
        input: Value,
        deadline: Option<i64>,
        stopped: Option<&Failure>,
    ) -> Ended {
        let role_arn = self.role_arn();
        self.emit(EventType::ExecutionStarted, || {
            Some(details(
                [("roleArn", json!(role_arn))],
                &[("input", &input)],
            ))
        });
        let mut vars = Vars::new();
        let result = self.run_scope(scope, input, &mut vars);
        let waiting = matches!(result, Err(Stop::Wait));
        let wait_clock = crate::waiting_clock(&self.pending, self.wait_clock).unwrap_or(self.now);
        let timed_out = deadline.filter(|d| self.now > *d || (waiting && wait_clock >= *d));
        if let Some(deadline) = timed_out {
            // Nothing happens after the deadline: drop what the run did past it.
            self.history.interleave(0, |e| e.millis <= deadline);
            self.pending.clear();
            self.now = deadline;
            let failure = Failure::new(
                "States.Timeout",
                "The execution exceeded its TimeoutSeconds",
            );
            return self.end_with(Status::TimedOut, failure);
        }
        match result {
            Ok(output) => {
                self.emit(EventType::ExecutionSucceeded, || {
                    Some(details([], &[("output", &output)]))
                });
                Ended {
                    status: Status::Succeeded,
                    output: Some(output),
                    failure: None,
                }
            }
            Err(Stop::Fail(failure)) => self.end_with(Status::Failed, failure),
            Err(Stop::Wait) => match stopped {
                Some(failure) => {
                    self.pending.clear();
                    self.now = wait_clock;
                    self.end_with(Status::Aborted, failure.clone())
                }
                None => Ended {
                    status: Status::Waiting,
                    output: None,
                    failure: None,
                },
            },
        }
    }

    /// End an execution that failed, timed out or was aborted: its last event, and how it ended.
    fn end_with(&mut self, status: Status, failure: Failure) -> Ended {
        let kind = match status {
            Status::TimedOut => EventType::ExecutionTimedOut,
            Status::Aborted => EventType::ExecutionAborted,
            _ => EventType::ExecutionFailed,
        };
        self.emit(kind, || Some(failure.details()));
        Ended {
            status,
            output: None,
            failure: Some(failure),
        }
    }

    /// The execution role's ARN (in ExecutionStarted and `$$.Execution.RoleArn`).
    pub fn role_arn(&self) -> String {
        format!(
            "arn:aws:iam::{}:role/StepFunctionsRole",
            self.options.account
        )
    }

    pub fn state_machine_arn(&self) -> String {
        format!(
            "arn:aws:states:{}:{}:stateMachine:{}",
            self.options.region, self.options.account, self.options.state_machine_name
        )
    }

    /// The context object for a state.
    pub fn context(&self, facts: &StateFacts) -> Value {
        if let Some(given) = self.given_context() {
            return given.clone();
        }
        let time = stepwise_asl::timestamp::format_millis;
        let mut context = json!({
            "Execution": {
                "Id": self.execution_arn,
                "Input": self.input,
                "Name": self.options.execution_name,
                "RoleArn": self.role_arn(),
                "StartTime": time(self.options.start_time_millis),
                "RedriveCount": 0,
            },
            "State": { "EnteredTime": time(facts.entered_millis), "Name": facts.name },
            "StateMachine": { "Id": self.state_machine_arn(), "Name": self.options.state_machine_name },
        });
        if facts.counts_retries {
            context["State"]["RetryCount"] = json!(facts.retry_count);
        }
        if let Some(token) = &facts.token {
            context["Task"] = json!({ "Token": token });
        }
        if let Some((index, value)) = &facts.map_item {
            context["Map"] = json!({ "Item": { "Index": index, "Value": value } });
        }
        if self.stand.is_some() {
            // TestState names every state so, whichever it runs (recorded on AWS).
            context["State"]["Name"] = json!("StateName");
        }
        context
    }

    pub fn emit(&mut self, kind: EventType, details: impl FnOnce() -> Option<Value>) -> u64 {
        self.history.emit(kind, self.now, details)
    }

    /// Run a scope from its start with `input`; its variables live in `vars`.
    pub fn run_scope(
        &mut self,
        scope: &'m Scope,
        mut input: Value,
        vars: &mut Vars,
    ) -> Result<Value, Stop> {
        let mut index = scope.start;
        let mut input_text = None;
        loop {
            let state = &scope.states[index];
            if let Some(trail) = &mut self.branch_trail {
                trail.push(Visited {
                    entered: self.now,
                    state_type: state.kind.state_type(),
                });
            }
            let (output, next) = self.run_state(state, input, input_text.take(), vars)?;
            match next {
                Transition::Next(_, i) => {
                    index = i;
                    input = output;
                    input_text = self.last_output.take();
                }
                Transition::End => return Ok(output),
            }
        }
    }

    fn check_quotas(&self) -> Result<(), Failure> {
        let standard = self.options.machine_type == stepwise_asl::MachineType::Standard;
        if standard && self.history.count >= MAX_HISTORY_EVENTS {
            return Err(Failure::runtime(format!("The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS}).")));
        }
        if self.history.interner.bytes > self.options.max_history_bytes {
            return Err(Failure::new(
                crate::failure::HISTORY_BUDGET_ERROR,
                format!(
                    "The execution's history holds more than {} MB of events, inputs, outputs and causes. This is a limit of Stepwise, not of AWS: run it without history (--history none) to go further.",
                    self.options.max_history_bytes >> 20
                ),
            ));
        }
        if self.transitions > self.options.max_transitions {
            return Err(Failure::new(
                crate::failure::BUDGET_ERROR,
                format!(
                    "The execution reached the simulator's budget of {} state transitions. This is a limit of Stepwise, not of AWS: raise it with --max-transitions (CLI) or the \"Max transitions\" field (playground).",
                    self.options.max_transitions
                ),
            ));
        }
        Ok(())
    }

    /// Note a stage of the data flow of the state being visited, when the run records them.
    pub(crate) fn note(&self, stage: Stage, value: &Value) {
        if let Some(recorder) = &self.recorder {
            recorder.note(stage, value);
        }
    }

    /// Run one state, recording its data flow when the run records it.
    fn run_state(
        &mut self,
        state: &'m State,
        input: Value,
        input_text: Option<Arc<str>>,
        vars: &mut Vars,
    ) -> Result<(Value, Transition), Stop> {
        let Some(recorder) = &self.recorder else {
            return self.visit(state, input, input_text, vars);
        };
        recorder.open();
        recorder.note(Stage::Input, &input);
        let entered_index = self.history.events.len();
        let visited = self.visit(state, input, input_text, vars);
        if let Ok((output, _)) = &visited {
            self.note(Stage::Output, output);
        }
        self.note(Stage::Variables, &crate::env::vars_object(vars));
        let stages = self.close_visit(state);
        self.history.attach_visit(entered_index, stages);
        visited
    }

    /// The stages the visit of `state` went through, its frame closed.
    pub(crate) fn close_visit(&self, state: &State) -> Vec<(Stage, Value)> {
        self.recorder
            .as_ref()
            .map(|r| r.close(state))
            .unwrap_or_default()
    }

    /// Enter a state, attempt it (with retries), exit or catch. Returns the output and
    /// where to go next.
    /// `input_text` is the input's compact JSON, when a previous event already wrote it.
    fn visit(
        &mut self,
        state: &'m State,
        input: Value,
        input_text: Option<Arc<str>>,
        vars: &mut Vars,
    ) -> Result<(Value, Transition), Stop> {
        self.transitions += 1;
        self.check_quotas()?;
        let state_type = state.kind.state_type();
        let entered_id = self
            .history
            .emit_fields(EventType::entered(state_type), self.now, |i| {
                let text = input_text.unwrap_or_else(|| i.payload(compact(&input)));
                Box::new([
                    ("name", Field::Text(i.text(&state.name))),
                    ("input", Field::Payload(text)),
                ])
            });
        let mut facts = StateFacts {
            name: state.name.clone(),
            entered_millis: self.now,
            counts_retries: counts_retries(state),
            ..StateFacts::default()
        };
        if state.retry.is_empty() && state.catch.is_empty() {
            // Nothing can need the input again: let the state consume it.
            return match self.attempt(state, Cow::Owned(input), vars, &mut facts) {
                Ok((output, next, assigned)) => Ok(self.exited(state, output, next, &assigned)),
                Err(Stop::Fail(failure)) => {
                    self.note_failed_state(state, &failure);
                    Err(Stop::Fail(
                        self.unhandled(state, failure, entered_id, &facts),
                    ))
                }
                Err(stop) => Err(stop),
            };
        }
        let mut attempts_by_retrier = vec![0u64; state.retry.len()];
        loop {
            match self.attempt(state, Cow::Borrowed(&input), vars, &mut facts) {
                Ok((output, next, assigned)) => {
                    return Ok(self.exited(state, output, next, &assigned))
                }
                Err(Stop::Fail(failure)) => {
                    if !failure.is_terminal() {
                        if let Some(delay) =
                            self.retry_delay(state, &failure, &mut attempts_by_retrier)
                        {
                            if let Some(recorder) = &self.recorder {
                                recorder.restart();
                            }
                            if self.options.faults.is_some() {
                                self.fault_log.retries.push((state.name.clone(), delay));
                            }
                            self.now += delay;
                            facts.retry_count += 1;
                            facts.branch_failed = false;
                            continue;
                        }
                    }
                    self.note_failed_state(state, &failure);
                    let failure = self.unhandled(state, failure, entered_id, &facts);
                    if let Some(catcher) = state
                        .catch
                        .iter()
                        .find(|c| failure.matches(&c.error_equals))
                    {
                        self.fault_log.failed_state = None;
                        return self.catch(state, catcher, input, &failure, vars, &facts);
                    }
                    return Err(Stop::Fail(failure));
                }
                Err(stop) => return Err(stop),
            }
        }
    }

    /// A state failed with no retry left: remember it as the innermost failing state (a
    /// Parallel or Map failing because of a branch keeps the branch's state; a Catch
    /// forgets it), and whether it gave up on an injected fault.
    fn note_failed_state(&mut self, state: &State, failure: &crate::Failure) {
        if self.options.faults.is_none() {
            return;
        }
        if self.fault_log.failed_state.is_none() {
            self.fault_log.failed_state = Some(state.name.clone());
        }
        let injected = self.fault_log.injected.last();
        if injected.is_some_and(|(s, e)| *s == state.name && *e == failure.error) {
            let gave_up = (state.name.clone(), failure.error.clone());
            self.fault_log.gave_up.push(gave_up);
        }
    }

    /// A failure no retry absorbs: the events AWS emits for it, and its final cause.
    fn unhandled(
        &mut self,
        state: &State,
        failure: Failure,
        entered_id: u64,
        facts: &StateFacts,
    ) -> Failure {
        let failure = with_state_cause(failure, state, entered_id);
        if failure.error == "States.QueryEvaluationError" {
            self.emit(EventType::EvaluationFailed, || {
                Some({
                    let mut d = failure.details();
                    d["state"] = json!(state.name);
                    d
                })
            });
        }
        if facts.branch_failed {
            match state.kind.state_type() {
                StateType::Parallel => {
                    self.emit(EventType::ParallelStateFailed, || Some(failure.details()))
                }
                _ => self.emit(EventType::MapStateFailed, || None),
            };
        }
        failure
    }

    fn exited(
        &mut self,
        state: &State,
        output: Value,
        next: Transition,
        assigned: &[(String, Value)],
    ) -> (Value, Transition) {
        if matches!(state.kind, Kind::Map(_)) && self.options.faults.is_some() {
            // Iterations the Map tolerated did not fail the execution.
            self.fault_log.failed_state = None;
        }
        self.emit_exited(state, &output, assigned);
        (output, next)
    }

    /// A state's exit event (a Fail state has none), keeping its output text for the next
    /// state's entered event.
    fn emit_exited(&mut self, state: &State, output: &Value, assigned: &[(String, Value)]) {
        self.last_output = None;
        if let Some(kind) = EventType::exited(state.kind.state_type()) {
            let mut text = None;
            self.history.emit_fields(kind, self.now, |i| {
                let shared = i.payload(compact(output));
                text = Some(shared.clone());
                exited_fields(i, &state.name, shared, assigned)
            });
            self.last_output = text;
        }
    }

    /// Milliseconds to wait before the next attempt, or `None` when no retrier applies.
    fn retry_delay(&self, state: &State, failure: &Failure, attempts: &mut [u64]) -> Option<i64> {
        let (i, retrier) = state
            .retry
            .iter()
            .enumerate()
            .find(|(_, r)| failure.matches(&r.error_equals))?;
        if attempts[i] >= retrier.max_attempts {
            return None;
        }
        let mut seconds = retrier.interval_seconds * retrier.backoff_rate.powi(attempts[i] as i32);
        if let Some(max) = retrier.max_delay_seconds {
            seconds = seconds.min(max);
        }
        if retrier.full_jitter {
            seconds *= rand::Rng::gen::<f64>(&mut *self.rng.borrow_mut());
        }
        attempts[i] += 1;
        Some((seconds * 1000.0).round() as i64)
    }

    fn catch(
        &mut self,
        state: &'m State,
        catcher: &'m Catcher,
        input: Value,
        failure: &Failure,
        vars: &mut Vars,
        facts: &StateFacts,
    ) -> Result<(Value, Transition), Stop> {
        let error_output = failure.output();
        let (output, assigned) = match state.query_language {
            QueryLanguage::JsonPath => {
                let assigned =
                    self.assign(catcher.assign.as_ref(), &error_output, None, vars, facts)?;
                let output = payload::apply_result_path(&catcher.result_path, input, error_output)?;
                self.note(Stage::AfterResultPath, &output);
                (output, assigned)
            }
            QueryLanguage::Jsonata => {
                let states = self.states_var(&input, None, Some(&error_output), facts);
                let assigned =
                    self.assign(catcher.assign.as_ref(), &input, Some(&states), vars, facts)?;
                let ctx = Ctx {
                    runner: self,
                    facts,
                };
                let output = match &catcher.output {
                    Some(t) => self
                        .evaluator(&input, vars, &ctx, Some(&states))
                        .template(t, "Output")?,
                    None => error_output,
                };
                (output, assigned)
            }
        };
        for (name, value) in &assigned {
            vars.insert(name.clone(), value.clone());
        }
        self.emit_exited(state, &output, &assigned);
        Ok((output, catcher.next.clone()))
    }

    /// What a Task, Parallel or Map state works on: its Arguments (JSONata) or its input
    /// through InputPath and Parameters (JSONPath).
    pub(super) fn effective_input(
        &self,
        state: &State,
        input: &Value,
        vars: &Vars,
        context: &dyn ContextSource,
        states: Option<&Value>,
    ) -> Result<Value, Failure> {
        if state.query_language == QueryLanguage::Jsonata {
            let arguments = match &state.arguments {
                Some(t) => self
                    .evaluator(input, vars, context, states)
                    .template(t, "Arguments")?,
                None => input.clone(),
            };
            self.note(Stage::AfterArguments, &arguments);
            return Ok(arguments);
        }
        let selected = payload::select(&state.input_path, input, vars, context)?;
        self.note(Stage::AfterInputPath, &selected);
        let parameters = match &state.parameters {
            Some(t) => self
                .evaluator(&selected, vars, context, None)
                .template(t, "Parameters")?,
            None => selected.into_owned(),
        };
        self.note(Stage::AfterParameters, &parameters);
        Ok(parameters)
    }

    pub fn evaluator<'e>(
        &'e self,
        input: &'e Value,
        vars: &'e Vars,
        context: &'e dyn ContextSource,
        states: Option<&'e Value>,
    ) -> Evaluator<'e> {
        Evaluator {
            env: Env {
                input,
                context,
                vars,
                rng: &self.rng,
                now_millis: self.now,
            },
            jsonata: &self.jsonata,
            states,
            bindings: Default::default(),
        }
    }

    /// `$states` for a JSONata state.
    pub fn states_var(
        &self,
        input: &Value,
        result: Option<&Value>,
        error_output: Option<&Value>,
        facts: &StateFacts,
    ) -> Value {
        let mut states = json!({ "input": input, "context": self.context(facts) });
        if let Some(result) = result {
            states["result"] = result.clone();
        }
        if let Some(error_output) = error_output {
            states["errorOutput"] = error_output.clone();
        }
        states
    }

    /// Evaluate an `Assign` block. Every expression sees the variables from before the
    /// block; the caller stores the returned values.
    pub fn assign(
        &self,
        assign: Option<&Template>,
        dollar: &Value,
        states: Option<&Value>,
        vars: &Vars,
        facts: &StateFacts,
    ) -> Result<Vec<(String, Value)>, Failure> {
        let Some(template) = assign else {
            return Ok(Vec::new());
        };
        let ctx = Ctx {
            runner: self,
            facts,
        };
        let value = self
            .evaluator(dollar, vars, &ctx, states)
            .template(template, "Assign")?;
        let assigned: Vec<(String, Value)> = match value {
            Value::Object(map) => map.into_iter().collect(),
            _ => Vec::new(),
        };
        // AWS's quotas: 256 KiB per variable, and per Assign block.
        let mut total = 0;
        for (name, value) in &assigned {
            let size = crate::env::json_len(value);
            if size > MAX_PAYLOAD_BYTES {
                return Err(Failure::runtime(format!(
                    "The variable '{name}' is {size} bytes, over the 262144-byte limit for a variable"
                )));
            }
            total += size;
        }
        if total > MAX_PAYLOAD_BYTES {
            return Err(Failure::runtime(format!(
                "The variables of one Assign total {total} bytes, over the 262144-byte limit"
            )));
        }
        Ok(assigned)
    }
}

/// Builds `$$` for one state on demand.
pub(crate) struct Ctx<'e, 'm> {
    pub runner: &'e Runner<'m>,
    pub facts: &'e StateFacts,
}

impl ContextSource for Ctx<'_, '_> {
    fn context(&self) -> Value {
        self.runner.context(self.facts)
    }
}

/// A state's exit: its name, output and the variables it assigned.
fn exited_fields(
    interner: &mut Interner,
    name: &str,
    output: Arc<str>,
    assigned: &[(String, Value)],
) -> Box<[(&'static str, Field)]> {
    let mut fields = vec![
        ("name", Field::Text(interner.text(name))),
        ("output", Field::Payload(output)),
    ];
    if !assigned.is_empty() {
        let vars: serde_json::Map<String, Value> = assigned
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(compact(v))))
            .collect();
        fields.push((
            "assignedVariables",
            Field::Json(Box::new(Value::Object(vars))),
        ));
        fields.push((
            "assignedVariablesDetails",
            Field::Json(Box::new(json!({ "truncated": false }))),
        ));
    }
    fields.into_boxed_slice()
}

/// Runtime errors raised by the engine get AWS's "An error occurred while executing the
/// state ..." prefix; errors from tasks and Fail states keep their own cause.
fn with_state_cause(failure: Failure, state: &State, entered_id: u64) -> Failure {
    let engine_raised = matches!(
        failure.error.as_str(),
        "States.Runtime"
            | "States.QueryEvaluationError"
            | "States.ResultPathMatchFailure"
            | "States.ParameterPathFailure"
    );
    if engine_raised
        && !failure
            .cause
            .starts_with("An error occurred while executing the state")
    {
        Failure::new(
            failure.error,
            state_cause(&state.name, entered_id, &failure.cause),
        )
    } else {
        failure
    }
}
