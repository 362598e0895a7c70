//! The TestState API: one state of a machine run alone on an input, with a mocked result
//! or error, answered in the shape of AWS's TestState response.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use stepwise_asl::model::{Kind, State, StateMachine, Transition};

mod shapes;

use crate::env::{compact, Vars};
use crate::inspect::Stage;
use crate::mock::Response;
use crate::run::{Runner, Single, Stand};
use crate::{Answers, Failure, Options, RunRequest, StartError};

/// How much of the data flow the answer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum InspectionLevel {
    /// Output, error and next state only.
    #[default]
    Info,
    /// Also every stage of the data flow.
    Debug,
    /// Also the HTTP request and response of an HTTP Task (none are made here).
    Trace,
}

/// How strictly a mocked result is checked against the shape the service returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum FieldValidationMode {
    /// The result must have the service response's shape (an object, for an AWS API).
    #[default]
    Strict,
    /// The fields present must fit the shape (an object, for an AWS API).
    Present,
    /// Anything goes.
    None,
}

/// The mocked answer of the state under test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TestMock {
    /// `mock.result`: what the task (or the whole Parallel or Map) returns.
    Result(Value),
    /// `mock.errorOutput`: the error it fails with.
    Error {
        /// `error`.
        error: String,
        /// `cause`.
        cause: String,
    },
}

/// A TestState request (the definition comes separately, already loaded).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TestStateRequest {
    /// `stateName`: the state to run (in any scope); the machine's StartAt state when empty.
    pub state: String,
    /// `input`.
    pub input: Value,
    /// `variables`: the variables in scope, by name.
    pub variables: Map<String, Value>,
    /// `context`: fields of the context object (`$$`) to use instead of the simulated ones.
    pub context: Option<Value>,
    /// `mock`.
    pub mock: Option<TestMock>,
    /// `mock.fieldValidationMode`.
    pub field_validation_mode: FieldValidationMode,
    /// `stateConfiguration.retrierRetryCount`: retries already made.
    pub retrier_retry_count: u32,
    /// `stateConfiguration.errorCausedByState`: which state inside a Parallel or Map raised
    /// the mocked error.
    pub error_caused_by_state: Option<String>,
    /// `stateConfiguration.mapIterationFailureCount`: iterations of the Map that failed.
    pub map_iteration_failure_count: Option<u64>,
    /// `stateConfiguration.mapItemReaderData`: what a distributed Map's ItemReader reads.
    pub map_item_reader_data: Option<Value>,
    /// `inspectionLevel`.
    pub inspection_level: InspectionLevel,
}

/// How the state's single attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TestStatus {
    /// It succeeded.
    Succeeded,
    /// It failed, and nothing retries or catches the error.
    Failed,
    /// It failed, and a Retrier would retry it.
    Retriable,
    /// It failed, and a Catcher takes the error.
    CaughtError,
}

/// TestState's answer, in AWS's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestStateResponse {
    /// The output, as JSON text (also after a caught error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The error, when the attempt failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// The data flow (at DEBUG and TRACE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection_data: Option<Map<String, Value>>,
    /// The state that comes next (absent at the end, on failure and when it retries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_state: Option<String>,
    /// How it ended.
    pub status: TestStatus,
}

/// Why a request cannot run (AWS answers these with a ValidationException).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTestRequest(pub String);

impl std::fmt::Display for InvalidTestRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Load what TestState's `definition` holds: a whole machine, or one state alone. A lone
/// state is wrapped in a machine as text (its Next, Default and Catch targets become Succeed
/// states), so its diagnostics point into the text as given.
pub fn load_definition(
    run: &RunRequest,
    machine_type: stepwise_asl::MachineType,
) -> Result<StateMachine, StartError> {
    let Some(targets) = lone_state_targets(&run.definition) else {
        return crate::load_machine(run, machine_type);
    };
    // AWS calls it "StateName" (its context object says so); any name its text does not use.
    let name = (0..)
        .map(|n| match n {
            0 => "StateName".to_owned(),
            n => format!("StateName{n}"),
        })
        .find(|name| !run.definition.contains(&format!("\"{name}\"")))
        .unwrap_or_default();
    let prefix = format!("{{\"StartAt\":\"{name}\",\"States\":{{\"{name}\":");
    let mut text = prefix.clone();
    text.push_str(&run.definition);
    for target in targets {
        text.push_str(&format!(",{}:{{\"Type\":\"Succeed\"}}", json!(target)));
    }
    text.push_str("}}");
    let wrapped = RunRequest {
        definition: text,
        ..run.clone()
    };
    crate::load_machine(&wrapped, machine_type).map_err(|error| match error {
        StartError::Definition(errors) => StartError::Definition(
            errors
                .into_iter()
                .map(|mut d| {
                    let shift = prefix.len();
                    d.span.start = d.span.start.saturating_sub(shift);
                    d.span.end = d.span.end.saturating_sub(shift);
                    for position in [&mut d.start, &mut d.end] {
                        if position.line == 1 {
                            position.column = position.column.saturating_sub(shift).max(1);
                        }
                    }
                    let inner = format!("/States/{name}");
                    d.pointer = d
                        .pointer
                        .strip_prefix(&inner)
                        .unwrap_or(&d.pointer)
                        .to_owned();
                    d
                })
                .collect(),
        ),
        other => other,
    })
}

/// When `text` is one state alone (an object with `Type` and no `States`), the states it
/// names as targets.
fn lone_state_targets(text: &str) -> Option<Vec<String>> {
    let value: Value = serde_json::from_str(text).ok()?;
    let state = value.as_object()?;
    if !state.contains_key("Type") || state.contains_key("States") {
        return None;
    }
    let mut targets = Vec::new();
    let mut add = |target: Option<&Value>| {
        if let Some(name) = target.and_then(Value::as_str) {
            if !targets.iter().any(|t| t == name) {
                targets.push(name.to_owned());
            }
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for list in ["Choices", "Catch"] {
        for entry in state
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            add(entry.get("Next"));
        }
    }
    Some(targets)
}

/// Run one state of `machine` as TestState does.
pub fn test_state(
    machine: &StateMachine,
    request: &TestStateRequest,
    options: &Options,
) -> Result<TestStateResponse, InvalidTestRequest> {
    let state = if request.state.is_empty() {
        &machine.states.states[machine.states.start]
    } else {
        machine
            .state_named(&request.state)
            .ok_or_else(|| invalid("State not found in definition"))?
    };
    check(state, request)?;
    let answers = Answers::new();
    let mut runner = Runner::new(options, &answers, None, request.input.clone());
    runner.stand = Some(Stand {
        state: state.name.clone(),
        mock: request.mock.as_ref().map(|mock| match mock {
            TestMock::Result(value) => Response::Return(value.clone()),
            TestMock::Error { error, cause } => Response::Throw {
                error: error.clone(),
                cause: cause.clone(),
            },
        }),
        reader_data: request.map_item_reader_data.clone(),
        iteration_failures: request.map_iteration_failure_count,
        context: request.context.clone(),
    });
    let mut vars: Vars = request.variables.clone().into_iter().collect();
    let (single, stages) = runner.run_alone(
        state,
        request.input.clone(),
        &mut vars,
        request.retrier_retry_count,
    );
    let mut response = TestStateResponse {
        output: None,
        error: None,
        cause: None,
        inspection_data: None,
        next_state: None,
        status: TestStatus::Succeeded,
    };
    let mut error_details = Map::new();
    let failed = |response: &mut TestStateResponse, failure: Failure, status| {
        response.error = Some(failure.error);
        response.cause = Some(failure.cause);
        response.status = status;
    };
    match single {
        Single::Succeeded(output, next) => {
            response.output = Some(compact(&output));
            response.next_state = next_name(&next);
        }
        Single::Retriable(failure, index, seconds) => {
            failed(&mut response, failure, TestStatus::Retriable);
            error_details.insert("retryBackoffIntervalSeconds".into(), json!(seconds));
            error_details.insert("retryIndex".into(), json!(index));
        }
        Single::Caught(failure, retrier, catcher, output, next) => {
            failed(&mut response, failure, TestStatus::CaughtError);
            if let Some(index) = retrier {
                error_details.insert("retryIndex".into(), json!(index));
            }
            error_details.insert("catchIndex".into(), json!(catcher));
            response.output = Some(compact(&output));
            response.next_state = next_name(&next);
        }
        Single::Failed(failure, retrier) => {
            failed(&mut response, failure, TestStatus::Failed);
            if let Some(index) = retrier {
                error_details.insert("retryIndex".into(), json!(index));
            }
        }
        Single::Waiting => {
            return Err(invalid(&format!(
                "The state '{}' waits for a task token: give its answer as a mock result or error.",
                state.name
            )))
        }
    }
    if request.inspection_level != InspectionLevel::Info {
        let mut data = Map::new();
        for (stage, value) in stages {
            if matches!(stage, Stage::Output | Stage::Variables) {
                continue;
            }
            let value = if stage.is_payload() {
                Value::String(compact(&value))
            } else {
                value
            };
            data.insert(stage.key().to_owned(), value);
        }
        if !request.variables.is_empty() {
            let variables = compact(&Value::Object(request.variables.clone()));
            data.insert("variables".into(), Value::String(variables));
        }
        if !error_details.is_empty() {
            data.insert("errorDetails".into(), Value::Object(error_details));
        }
        response.inspection_data = Some(data);
    }
    Ok(response)
}

fn invalid(message: &str) -> InvalidTestRequest {
    InvalidTestRequest(message.to_owned())
}

/// What AWS refuses before it runs the state (its ValidationException and
/// InvalidDefinition messages).
fn check(state: &State, request: &TestStateRequest) -> Result<(), InvalidTestRequest> {
    let kind = state.kind.state_type();
    let fan_out = matches!(state.kind, Kind::Parallel { .. } | Kind::Map(_));
    match (&state.kind, &request.mock) {
        (Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_), Some(_)) => {}
        (_, Some(_)) => {
            return Err(invalid(&format!(
                "State type '{kind}' is not supported when a mock is specified"
            )))
        }
        (Kind::Task(_), None) => {
            return Err(invalid(&format!(
                "The Task state '{}' needs a mocked result or error: Stepwise calls no AWS service.",
                state.name
            )))
        }
        _ if fan_out => {
            return Err(invalid("TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]"))
        }
        _ => {}
    }
    if let Some(TestMock::Result(result)) = &request.mock {
        match &state.kind {
            Kind::Map(map) if map.result_writer.is_some() && !result.is_object() => {
                return Err(invalid("Mocked result must be a JSON object."))
            }
            Kind::Map(map) if map.result_writer.is_none() && !result.is_array() => {
                return Err(invalid("Mocked result must be an array."))
            }
            Kind::Task(task) if request.field_validation_mode != FieldValidationMode::None => {
                let strict = request.field_validation_mode == FieldValidationMode::Strict;
                shapes::check(&task.resource, result, strict).map_err(InvalidTestRequest)?;
            }
            _ => {}
        }
    }
    if let Some(context) = &request.context {
        check_context(state, context)?;
    }
    if let Some(origin) = &request.error_caused_by_state {
        let inside = match &state.kind {
            Kind::Parallel { branches } => branches.iter().any(|b| contains(b, origin)),
            Kind::Map(map) => contains(&map.processor, origin),
            _ => false,
        };
        if !inside {
            return Err(invalid(&format!(
                "errorCausedByState '{origin}' is not a state inside the Parallel or Map state '{}'.",
                state.name
            )));
        }
    }
    Ok(())
}

/// Is the state `name` in `scope` or nested in it?
fn contains(scope: &stepwise_asl::model::Scope, name: &str) -> bool {
    scope.states.iter().any(|state| {
        state.name == name
            || match &state.kind {
                Kind::Parallel { branches } => branches.iter().any(|b| contains(b, name)),
                Kind::Map(map) => contains(&map.processor, name),
                _ => false,
            }
    })
}

/// The fields a given context object may have (AWS's "Invalid Context object provided" checks).
fn check_context(state: &State, context: &Value) -> Result<(), InvalidTestRequest> {
    let refuse = |why: String| Err(invalid(&format!("Invalid Context object provided: {why}")));
    let Value::Object(top) = context else {
        return refuse("it must be a JSON object".into());
    };
    const MEMBERS: &[(&str, &[&str])] = &[
        (
            "Execution",
            &[
                "Id",
                "Input",
                "Name",
                "RoleArn",
                "StartTime",
                "RedriveCount",
            ],
        ),
        ("State", &["EnteredTime", "Name", "RetryCount"]),
        ("StateMachine", &["Id", "Name"]),
        ("Task", &["Token"]),
    ];
    for (key, value) in top {
        if key == "Map" {
            return refuse("'Map' field is not supported when mocking a Context object".into());
        }
        let Some((_, allowed)) = MEMBERS.iter().find(|(k, _)| k == key) else {
            return refuse(format!("Field '{key}' is not allowed"));
        };
        let callback = matches!(&state.kind, Kind::Task(t) if t.resource.contains(".sync") || t.resource.ends_with(".waitForTaskToken"));
        if key == "Task" && !callback {
            return refuse("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern".into());
        }
        for (member, value) in value.as_object().into_iter().flatten() {
            if !allowed.contains(&member.as_str()) {
                return refuse(format!("Field '{member}' is not allowed"));
            }
            let textual = !matches!(member.as_str(), "Input" | "RetryCount" | "RedriveCount");
            if textual && !value.is_string() {
                return refuse(format!("{key}.{member} must be a string"));
            }
        }
    }
    Ok(())
}

fn next_name(next: &Transition) -> Option<String> {
    match next {
        Transition::Next(name, _) => Some(name.clone()),
        Transition::End => None,
    }
}
