//! `stepwise test-state DEF --state NAME`: run one state alone, as AWS's TestState API does.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use serde_json::{Map, Value};
use stepwise_engine::json_error::describe;
use stepwise_engine::test_state::{
    test_state, FieldValidationMode, InspectionLevel, TestMock, TestStateRequest,
    TestStateResponse, TestStatus,
};
use stepwise_engine::{Options, RunRequest, StartError};

use crate::emit;
use crate::report::code_frames;
use crate::validate::{read_text, MachineArgs};

#[derive(clap::Args)]
pub struct Args {
    /// The definition file: a state machine, or one state alone (ASL JSON).
    definition: String,
    /// The state to run (in any scope); the machine's StartAt state when omitted.
    #[arg(long)]
    state: Option<String>,
    /// The state's input: JSON text, or @FILE.
    #[arg(long, default_value = "{}")]
    input: String,
    /// The variables in scope: a JSON object, or @FILE.
    #[arg(long)]
    variables: Option<String>,
    /// Context object fields to use instead of the simulated ones: a JSON object, or @FILE.
    #[arg(long)]
    context: Option<String>,
    /// The mocked result of a Task (or of a whole Parallel or Map): JSON, or @FILE.
    #[arg(long, conflicts_with = "mock_error")]
    mock_result: Option<String>,
    /// The mocked error instead: ERROR or ERROR:CAUSE.
    #[arg(long, value_name = "ERROR:CAUSE")]
    mock_error: Option<String>,
    /// How strictly the mocked result must fit the service's response shape.
    #[arg(long, value_enum, default_value = "STRICT")]
    field_validation_mode: ModeArg,
    /// Retries already made (for a RETRIABLE answer and its backoff interval).
    #[arg(long, value_name = "N", default_value_t = 0)]
    retrier_retry_count: u32,
    /// The state inside a Parallel or Map that raised the mocked error.
    #[arg(long, value_name = "NAME")]
    error_caused_by_state: Option<String>,
    /// How many iterations of the Map failed (with a mocked Map result).
    #[arg(long, value_name = "N")]
    map_iteration_failure_count: Option<u64>,
    /// What a distributed Map's ItemReader reads: a JSON array, or @FILE.
    #[arg(long)]
    map_item_reader_data: Option<String>,
    /// INFO (output, error, next state), DEBUG or TRACE (also every stage of the data flow).
    #[arg(long, value_enum, default_value = "INFO")]
    inspection_level: LevelArg,
    #[command(flatten)]
    machine: MachineArgs,
    /// Print TestState's response as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LevelArg {
    #[value(name = "INFO", alias = "info")]
    Info,
    #[value(name = "DEBUG", alias = "debug")]
    Debug,
    #[value(name = "TRACE", alias = "trace")]
    Trace,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ModeArg {
    #[value(name = "STRICT", alias = "strict")]
    Strict,
    #[value(name = "PRESENT", alias = "present")]
    Present,
    #[value(name = "NONE", alias = "none")]
    None,
}

pub fn run(args: &Args) -> ExitCode {
    crate::exit_code(execute(args))
}

fn execute(args: &Args) -> Result<ExitCode, String> {
    let text = read_text(&args.definition).map_err(|e| format!("error: {e}\n"))?;
    let run = RunRequest {
        definition: text,
        substitutions: args
            .machine
            .substitutions
            .iter()
            .cloned()
            .collect::<HashMap<_, _>>(),
        ..RunRequest::default()
    };
    let machine =
        stepwise_engine::test_state::load_definition(&run, args.machine.machine_type.into())
            .map_err(|e| match e {
                StartError::Definition(errors) => format!(
                    "{}error: {} is not a valid state machine\n",
                    code_frames(
                        &args.definition,
                        &run.definition,
                        &errors,
                        std::io::stderr().is_terminal()
                    ),
                    args.definition
                ),
                other => format!("error: {other:?}\n"),
            })?;
    let request = TestStateRequest {
        state: args.state.clone().unwrap_or_default(),
        input: json_arg("--input", &args.input)?,
        variables: match &args.variables {
            Some(text) => match json_arg("--variables", text)? {
                Value::Object(map) => map,
                _ => return Err("error: --variables must be a JSON object\n".into()),
            },
            None => Map::new(),
        },
        context: args
            .context
            .as_deref()
            .map(|t| json_arg("--context", t))
            .transpose()?,
        mock: match (&args.mock_result, &args.mock_error) {
            (Some(result), _) => Some(TestMock::Result(json_arg("--mock-result", result)?)),
            (None, Some(error)) => {
                let (error, cause) = error.split_once(':').unwrap_or((error, ""));
                Some(TestMock::Error {
                    error: error.to_owned(),
                    cause: cause.to_owned(),
                })
            }
            (None, None) => None,
        },
        field_validation_mode: match args.field_validation_mode {
            ModeArg::Strict => FieldValidationMode::Strict,
            ModeArg::Present => FieldValidationMode::Present,
            ModeArg::None => FieldValidationMode::None,
        },
        retrier_retry_count: args.retrier_retry_count,
        error_caused_by_state: args.error_caused_by_state.clone(),
        map_iteration_failure_count: args.map_iteration_failure_count,
        map_item_reader_data: args
            .map_item_reader_data
            .as_deref()
            .map(|t| json_arg("--map-item-reader-data", t))
            .transpose()?,
        inspection_level: match args.inspection_level {
            LevelArg::Info => InspectionLevel::Info,
            LevelArg::Debug => InspectionLevel::Debug,
            LevelArg::Trace => InspectionLevel::Trace,
        },
    };
    let options = Options {
        machine_type: args.machine.machine_type.into(),
        ..Options::default()
    };
    let response = test_state(&machine, &request, &options).map_err(|e| format!("error: {e}\n"))?;
    if args.json {
        let text = serde_json::to_string_pretty(&response).unwrap_or_default();
        emit(&format!("{text}\n"));
    } else {
        emit(&summary(&response));
    }
    Ok(ExitCode::from(u8::from(
        response.status != TestStatus::Succeeded,
    )))
}

/// A JSON argument given inline or as `@FILE`.
fn json_arg(flag: &str, text: &str) -> Result<Value, String> {
    let (text, origin) = match text.strip_prefix('@') {
        Some(path) => (
            read_text(path).map_err(|e| format!("error: {flag}: {e}\n"))?,
            path.to_owned(),
        ),
        None => (text.to_owned(), "the value".to_owned()),
    };
    serde_json::from_str(&text)
        .map_err(|e| format!("error: {flag}: {origin} is not JSON: {}\n", describe(&e)))
}

/// The answer for people: status, next state, error, output, then each stage.
fn summary(response: &TestStateResponse) -> String {
    let status = serde_json::to_value(response.status).unwrap_or_default();
    let mut out = format!("status: {}\n", status.as_str().unwrap_or_default());
    let lines = [
        ("next state", &response.next_state),
        ("error", &response.error),
        ("cause", &response.cause),
        ("output", &response.output),
    ];
    for (label, value) in lines {
        if let Some(value) = value {
            out.push_str(&format!("{label}: {value}\n"));
        }
    }
    for (stage, value) in response.inspection_data.iter().flatten() {
        let value = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        out.push_str(&format!("  {stage}: {value}\n"));
    }
    out
}
