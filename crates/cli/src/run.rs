//! `stepwise run DEF`: execute a state machine locally.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use serde_json::Value;
use stepwise_engine::json_error::describe;
use stepwise_engine::{
    Execution, HistoryMode, MockChoice, Options, RunRequest, StartError, Status,
};

use crate::emit;
use crate::report::code_frames;
use crate::source::Source;
use crate::validate::{parse_substitution, read_text, TypeArg};

#[derive(clap::Args)]
pub struct Args {
    /// The definition file (JSON or YAML), or a SAM or CloudFormation template.
    definition: String,
    /// The state machine of a template to run.
    #[arg(long)]
    resource: Option<String>,
    #[command(flatten)]
    inputs: RunInputs,
    /// Seed for everything random.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// STANDARD or EXPRESS [default: the template's, or STANDARD].
    #[arg(long = "type", value_enum)]
    machine_type: Option<TypeArg>,
    /// Fail Task states that have no mocked response.
    #[arg(long)]
    strict_mocks: bool,
    /// Inject the faults of this profile (see `chaos`), drawn from the seed.
    #[arg(long, value_name = "FILE")]
    fault_profile: Option<String>,
    /// Record the full history, or none (faster for long loops).
    #[arg(long, value_parser = ["full", "none"], default_value = "full")]
    history: String,
    /// The simulator's budget of state transitions: a run that reaches it stops with
    /// Stepwise.TransitionBudgetExceeded (not an AWS limit).
    #[arg(long, value_name = "N", default_value_t = stepwise_engine::DEFAULT_MAX_TRANSITIONS)]
    max_transitions: u64,
    /// Print one JSON object: status, output, error, cause, history.
    #[arg(long)]
    json: bool,
    /// A DefinitionSubstitutions entry, NAME=VALUE (repeatable).
    #[arg(long = "substitution", value_name = "NAME=VALUE", value_parser = parse_substitution)]
    substitutions: Vec<(String, String)>,
    /// Answer a `.waitForTaskToken` task: STATE=JSON or STATE=@file.json sends task success,
    /// STATE=!Error:Cause sends task failure (repeatable; answers for one state go in order).
    #[arg(long = "callback", value_name = "STATE=ANSWER", value_parser = parse_substitution)]
    callbacks: Vec<(String, String)>,
}

/// What a run starts with besides its definition: the input and the mocks (`run` and
/// `chaos` take the same flags).
#[derive(clap::Args)]
pub struct RunInputs {
    /// The execution input, as JSON text.
    #[arg(long, conflicts_with = "input_file")]
    input: Option<String>,
    /// A file holding the execution input.
    #[arg(long)]
    input_file: Option<String>,
    /// A MockConfigFile (AWS Step Functions Local format).
    #[arg(long, requires = "test_case")]
    mock_config: Option<String>,
    /// The test case of the mock config to use.
    #[arg(long)]
    test_case: Option<String>,
    /// The state machine entry of the mock config (needed when several have the test case).
    #[arg(long)]
    state_machine: Option<String>,
}

impl RunInputs {
    /// The run of the definition `source` (with its substitutions, then `substitutions`).
    pub fn request(
        &self,
        source: Source,
        substitutions: &[(String, String)],
    ) -> Result<RunRequest, String> {
        let mocks = match &self.mock_config {
            Some(path) => Some(MockChoice {
                config: read_text(path).map_err(|e| format!("error: {e}\n"))?,
                state_machine: self.state_machine.clone(),
                test_case: self.test_case.clone().unwrap_or_default(),
            }),
            None => None,
        };
        Ok(RunRequest {
            definition: source.text,
            substitutions: source
                .substitutions
                .into_iter()
                .chain(substitutions.iter().cloned())
                .collect::<HashMap<_, _>>(),
            input: read_input(self.input.as_deref(), self.input_file.as_deref())?,
            mocks,
        })
    }

    /// Why `request` (read from `definition`) cannot start, with code frames.
    pub fn start_error(&self, definition: &str, request: &RunRequest, error: StartError) -> String {
        let color = std::io::stderr().is_terminal();
        match error {
            StartError::Definition(errors) => format!(
                "{}error: {definition} is not a valid state machine\n",
                code_frames(definition, &request.definition, &errors, color)
            ),
            StartError::Input(refused) => format!("error: {}\n", refused.explained()),
            StartError::Mocks(diagnostics) => {
                let mocks = request.mocks.as_ref().map_or("", |m| m.config.as_str());
                let path = self.mock_config.as_deref().unwrap_or_default();
                format!(
                    "{}error: {path} is not a usable mock config\n",
                    code_frames(path, mocks, &diagnostics, color)
                )
            }
        }
    }
}

pub fn run(args: &Args) -> ExitCode {
    crate::exit_code(execute(args))
}

/// The execution input: given as text, read from a file, or `{}`.
pub fn read_input(text: Option<&str>, file: Option<&str>) -> Result<String, String> {
    match (text, file) {
        (Some(text), _) => Ok(text.to_owned()),
        (None, Some(path)) => read_text(path).map_err(|e| format!("error: {e}\n")),
        (None, None) => Ok("{}".to_owned()),
    }
}

fn execute(args: &Args) -> Result<ExitCode, String> {
    let source = crate::source::read(&args.definition, args.resource.as_deref())
        .map_err(|e| format!("error: {e}\n"))?;
    let machine_type = source.machine_type;
    let request = args.inputs.request(source, &args.substitutions)?;
    let faults = args
        .fault_profile
        .as_deref()
        .map(crate::chaos::read_profile)
        .transpose()?;
    let options = Options {
        seed: args.seed,
        faults,
        machine_type: args
            .machine_type
            .map(Into::into)
            .or(machine_type)
            .unwrap_or_default(),
        strict_mocks: args.strict_mocks,
        max_transitions: args.max_transitions,
        history: if args.history == "none" {
            HistoryMode::None
        } else {
            HistoryMode::Full
        },
        ..Options::default()
    };
    let started = stepwise_engine::start(&request, options)
        .map_err(|error| args.inputs.start_error(&args.definition, &request, error));
    let mut execution = started?;
    answer_callbacks(
        &mut execution,
        &args.callbacks,
        !args.json && std::io::stdin().is_terminal(),
    )?;
    if args.json {
        // Streamed to stdout: a long history is never held as one string or JSON tree.
        let stdout = std::io::stdout().lock();
        let mut writer = std::io::BufWriter::new(stdout);
        serde_json::to_writer_pretty(&mut writer, &execution.report())
            .map_err(std::io::Error::from)
            .and_then(|()| std::io::Write::write_all(&mut writer, b"\n"))
            .map_err(|e| format!("error: cannot write the report: {e}\n"))?;
    } else {
        emit(&trace(&execution));
    }
    Ok(ExitCode::from(u8::from(
        execution.status() != Status::Succeeded,
    )))
}

/// Answer waiting callback tasks from `--callback` values, in order per state, then (when
/// stdin is a terminal) by asking; stop when nothing more is known.
fn answer_callbacks(
    execution: &mut Execution,
    given: &[(String, String)],
    interactive: bool,
) -> Result<(), String> {
    let mut queued: Vec<(String, String)> = given.to_vec();
    while execution.status() == Status::Waiting {
        let Some(pending) = execution.pending().first().cloned() else {
            break;
        };
        let answer = match queued.iter().position(|(state, _)| *state == pending.state) {
            Some(at) => queued.remove(at).1,
            None if interactive => match ask(&pending.state, &pending.token)? {
                Some(answer) => answer,
                None => break,
            },
            None => break,
        };
        let sent = match answer.strip_prefix('!') {
            Some(failure) => {
                let (error, cause) = failure.split_once(':').unwrap_or((failure, ""));
                execution.send_task_failure(&pending.token, error, cause)
            }
            None => {
                let text = match answer.strip_prefix('@') {
                    Some(path) => read_text(path).map_err(|e| format!("error: {e}\n"))?,
                    None => answer,
                };
                let output: Value = serde_json::from_str(&text).map_err(|e| {
                    format!(
                        "error: the callback answer for \"{}\" is not JSON: {}\n",
                        pending.state,
                        describe(&e)
                    )
                })?;
                execution.send_task_success(&pending.token, output)
            }
        };
        sent.map_err(|e| format!("error: could not answer \"{}\": {e:?}\n", pending.state))?;
    }
    Ok(())
}

/// Ask on the terminal how a callback task ends; `None` leaves it waiting.
fn ask(state: &str, token: &str) -> Result<Option<String>, String> {
    eprint!(
        "\"{state}\" waits for its task token ({token}).\nAnswer with JSON (success), !Error:Cause (failure), or nothing to leave it waiting: "
    );
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("error: {e}\n"))?;
    let line = line.trim();
    Ok((!line.is_empty()).then(|| line.to_owned()))
}

/// A readable trace: one line per state event, then the outcome.
fn trace(execution: &Execution) -> String {
    let mut out = String::new();
    for event in execution.history() {
        let name = event
            .state_name()
            .map(|n| format!("  {n}"))
            .unwrap_or_default();
        // The time of day: after the date, whose year may have more than four digits.
        let timestamp = event.timestamp();
        let time = timestamp
            .split_once('T')
            .map_or(timestamp.as_str(), |(_, time)| time.trim_end_matches('Z'));
        out.push_str(&format!(
            "{:>5}  {time}  {:<28}{name}\n",
            event.id,
            event.kind.as_str()
        ));
    }
    let children = execution.children();
    if !children.is_empty() {
        let succeeded = children
            .iter()
            .filter(|c| c.status == Status::Succeeded)
            .count();
        out.push_str(&format!(
            "Map Run child executions: {} ({succeeded} succeeded, {} not)\n",
            children.len(),
            children.len() - succeeded
        ));
    }
    for state in execution.unmocked_states() {
        out.push_str(&format!(
            "note: Task \"{state}\" had no mock; its input was used as its result\n"
        ));
    }
    let status = execution.status().as_str();
    out.push_str(&format!(
        "\n{status} after {} transition(s)\n",
        execution.transitions()
    ));
    if let Some(output) = execution.output() {
        out.push_str(&format!(
            "{}\n",
            serde_json::to_string_pretty(output).unwrap_or_default()
        ));
    }
    if let Some(failure) = execution.failure() {
        out.push_str(&format!(
            "error: {}\ncause: {}\n",
            failure.error, failure.cause
        ));
    }
    for pending in execution.pending() {
        out.push_str(&format!(
            "waiting: {} (task token {})\n",
            pending.state, pending.token
        ));
    }
    out
}
