//! `stepwise test DEF --mock-config F`: run every test case of a MockConfigFile, check each
//! against its expectations, and report for people and for CI (JUnit XML).

use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use stepwise_engine::expect::Expectation;
use stepwise_engine::json_error::describe;
use stepwise_engine::{mock, MockChoice, Options, RunRequest, StartError};

use crate::emit;
use crate::report::code_frames;
use crate::validate::{read_text, MachineArgs};

#[derive(clap::Args)]
pub struct Args {
    /// The definition file (ASL JSON).
    definition: String,
    /// The MockConfigFile (AWS Step Functions Local format) whose test cases run.
    #[arg(long)]
    mock_config: String,
    /// The state machine entry of the mock config (needed when it has several).
    #[arg(long)]
    state_machine: Option<String>,
    /// Expectations per test case: JSON keyed by test case name (see README).
    #[arg(long)]
    expect: Option<String>,
    /// Also write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<String>,
    /// The input for test cases whose expectations give none, as JSON text.
    #[arg(long, conflicts_with = "input_file")]
    input: Option<String>,
    /// A file holding that input.
    #[arg(long)]
    input_file: Option<String>,
    #[command(flatten)]
    machine: MachineArgs,
    /// The simulator's budget of state transitions per test case.
    #[arg(long, value_name = "N", default_value_t = stepwise_engine::DEFAULT_MAX_TRANSITIONS)]
    max_transitions: u64,
}

/// How one test case went.
struct Outcome {
    name: String,
    problems: Vec<String>,
    elapsed: Duration,
    transitions: u64,
}

pub fn run(args: &Args) -> ExitCode {
    crate::exit_code(execute(args))
}

fn execute(args: &Args) -> Result<ExitCode, String> {
    let color = std::io::stderr().is_terminal();
    let definition = read_text(&args.definition).map_err(|e| format!("error: {e}\n"))?;
    let config = read_text(&args.mock_config).map_err(|e| format!("error: {e}\n"))?;
    let default_input = crate::run::read_input(args.input.as_deref(), args.input_file.as_deref())?;
    let mut expectations = read_expectations(args.expect.as_deref())?;
    let names = mock::test_cases(&config, args.state_machine.as_deref());
    if names.is_empty() {
        return Err(format!(
            "error: {} has no test cases{}\n",
            args.mock_config,
            args.state_machine
                .as_deref()
                .map(|m| format!(" for the state machine \"{m}\""))
                .unwrap_or_default()
        ));
    }
    if let Some(unknown) = expectations.keys().find(|k| !names.contains(k)) {
        return Err(format!(
            "error: {} expects a test case \"{unknown}\" that {} does not have (it has: {})\n",
            args.expect.as_deref().unwrap_or_default(),
            args.mock_config,
            names.join(", ")
        ));
    }
    let mut outcomes = Vec::with_capacity(names.len());
    for name in &names {
        let expectation = expectations.remove(name).unwrap_or_default();
        let request = RunRequest {
            definition: definition.clone(),
            substitutions: args
                .machine
                .substitutions
                .iter()
                .cloned()
                .collect::<HashMap<_, _>>(),
            input: match &expectation.input {
                Some(input) => input.to_string(),
                None => default_input.clone(),
            },
            mocks: Some(MockChoice {
                config: config.clone(),
                state_machine: args.state_machine.clone(),
                test_case: name.clone(),
            }),
        };
        let options = Options {
            machine_type: args.machine.machine_type.into(),
            max_transitions: args.max_transitions,
            ..Options::default()
        };
        let started = Instant::now();
        let outcome = match stepwise_engine::start(&request, options) {
            Ok(mut execution) => {
                expectation.answer_callbacks(&mut execution);
                Outcome {
                    name: name.clone(),
                    problems: expectation.problems(&execution),
                    elapsed: started.elapsed(),
                    transitions: execution.transitions(),
                }
            }
            // The definition is the same for every case: nothing can run.
            Err(StartError::Definition(errors)) => {
                return Err(format!(
                    "{}error: {} is not a valid state machine\n",
                    code_frames(&args.definition, &definition, &errors, color),
                    args.definition
                ))
            }
            Err(StartError::Input(refused)) => Outcome {
                name: name.clone(),
                problems: vec![refused.explained()],
                elapsed: started.elapsed(),
                transitions: 0,
            },
            Err(StartError::Mocks(diagnostics)) => Outcome {
                name: name.clone(),
                problems: diagnostics
                    .iter()
                    .map(|d| {
                        format!(
                            "mock config {}:{}: {}",
                            d.start.line, d.start.column, d.message
                        )
                    })
                    .collect(),
                elapsed: started.elapsed(),
                transitions: 0,
            },
        };
        outcomes.push(outcome);
    }
    emit(&summary(&outcomes));
    if let Some(path) = &args.junit {
        let suite = args
            .state_machine
            .clone()
            .unwrap_or_else(|| args.definition.clone());
        std::fs::write(path, junit(&suite, &outcomes))
            .map_err(|e| format!("error: cannot write {path}: {e}\n"))?;
    }
    let failed = outcomes.iter().any(|o| !o.problems.is_empty());
    Ok(ExitCode::from(u8::from(failed)))
}

/// The expectation file, keyed by test case name; none given is no expectation.
fn read_expectations(path: Option<&str>) -> Result<BTreeMap<String, Expectation>, String> {
    let Some(path) = path else {
        return Ok(BTreeMap::new());
    };
    let text = read_text(path).map_err(|e| format!("error: {e}\n"))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "error: {path} is not an expectation file: {}\n",
            describe(&e)
        )
    })
}

/// One line per test case, the differences under each failing one, and a total.
fn summary(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        if o.problems.is_empty() {
            out.push_str(&format!(
                "ok   {} ({} transitions)\n",
                o.name, o.transitions
            ));
        } else {
            out.push_str(&format!("FAIL {}\n", o.name));
            for problem in &o.problems {
                out.push_str(&format!("     {problem}\n"));
            }
        }
    }
    let failed = outcomes.iter().filter(|o| !o.problems.is_empty()).count();
    out.push_str(&format!(
        "{} passed, {failed} failed\n",
        outcomes.len() - failed
    ));
    out
}

/// A JUnit XML report: one `<testcase>` per test case, with a `<failure>` when it failed.
fn junit(suite: &str, outcomes: &[Outcome]) -> String {
    let failures = outcomes.iter().filter(|o| !o.problems.is_empty()).count();
    let total: f64 = outcomes.iter().map(|o| o.elapsed.as_secs_f64()).sum();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    // JUnit's timestamp has no zone designator or fraction.
    let timestamp = &stepwise_asl::timestamp::format_millis(now)[..19];
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"stepwise test\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{total:.3}\">\n",
        outcomes.len()
    ));
    xml.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{total:.3}\" timestamp=\"{timestamp}\" hostname=\"localhost\" id=\"0\" package=\"stepwise\">\n",
        escape(suite),
        outcomes.len()
    ));
    for o in outcomes {
        let head = format!(
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
            escape(&o.name),
            escape(suite),
            o.elapsed.as_secs_f64()
        );
        match o.problems.first() {
            None => xml.push_str(&format!("{head}/>\n")),
            Some(first) => xml.push_str(&format!(
                "{head}>\n      <failure message=\"{}\" type=\"ExpectationFailed\">{}</failure>\n    </testcase>\n",
                escape(first),
                escape(&o.problems.join("\n"))
            )),
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Text as XML character data or attribute value.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
}
