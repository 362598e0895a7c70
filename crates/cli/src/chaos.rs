//! `stepwise chaos DEF`: run a machine many times under a fault profile and report how it
//! fares (the resilience lab), failing under a success-rate threshold for CI.

use std::process::ExitCode;
use std::rc::Rc;

use stepwise_engine::chaos::{Lab, Report, DEFAULT_RUNS};
use stepwise_engine::faults::FaultProfile;
use stepwise_engine::Options;

use crate::emit;
use crate::run::RunInputs;
use crate::validate::{read_text, MachineArgs};

#[derive(clap::Args)]
pub struct Args {
    /// The definition file (JSON or YAML), or a SAM or CloudFormation template.
    definition: String,
    #[command(flatten)]
    inputs: RunInputs,
    /// The fault profile (JSON; see README). Without one: 2% transient errors on every Task
    /// and, for EXPRESS, 1% duplicate deliveries.
    #[arg(long)]
    profile: Option<String>,
    /// How many runs (at least 1).
    #[arg(long, default_value_t = DEFAULT_RUNS)]
    runs: u32,
    /// The seed of the first run (run i uses SEED + i).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Exit 1 when fewer runs than this share succeed (0 to 1).
    #[arg(long, value_name = "RATE")]
    min_success_rate: Option<f64>,
    #[command(flatten)]
    machine: MachineArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    crate::exit_code(execute(args))
}

fn execute(args: &Args) -> Result<ExitCode, String> {
    let source =
        crate::source::read(&args.definition, None).map_err(|e| format!("error: {e}\n"))?;
    let request = args.inputs.request(source, &args.machine.substitutions)?;
    let profile = match &args.profile {
        Some(path) => read_profile(path)?,
        None => FaultProfile::standard(),
    };
    if args.runs == 0 {
        return Err(
            "error: --runs 0: the lab reports on the runs it makes, so it needs at least 1\n"
                .to_owned(),
        );
    }
    if let Some(rate) = args.min_success_rate.filter(|r| !(0.0..=1.0).contains(r)) {
        return Err(format!(
            "error: --min-success-rate {rate} must be between 0 and 1\n"
        ));
    }
    let options = Options {
        seed: args.seed,
        machine_type: args.machine.machine_type.into(),
        ..Options::default()
    };
    let (machine, input, options) = stepwise_engine::prepare(&request, options)
        .map_err(|error| args.inputs.start_error(&args.definition, &request, error))?;
    let started = std::time::Instant::now();
    let mut lab = Lab::new(Rc::new(machine), input, options, profile, args.runs);
    lab.advance(args.runs);
    let report = lab.report();
    if args.json {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ));
    } else {
        emit(&summary(
            &report,
            started.elapsed(),
            args.profile.as_deref(),
        ));
    }
    let below = args
        .min_success_rate
        .is_some_and(|min| report.success_rate < min);
    Ok(ExitCode::from(u8::from(below)))
}

/// A fault profile file, read and checked.
pub fn read_profile(path: &str) -> Result<FaultProfile, String> {
    let text = read_text(path).map_err(|e| format!("error: {e}\n"))?;
    FaultProfile::parse(&text).map_err(|e| format!("error: {path}: {e}\n"))
}

/// The report for people.
fn summary(report: &Report, elapsed: std::time::Duration, profile: Option<&str>) -> String {
    let profile_flag = match profile {
        Some(path) => format!("--fault-profile {path}"),
        None => "--fault-profile PROFILE (the standard one: {\"faults\": {\"*\": {\"transient\": 0.02}}, \"duplicateDelivery\": 0.01})".to_owned(),
    };
    let mut out = format!(
        "{} runs in {:.0} ms: {} succeeded ({:.1}%)\n",
        report.runs,
        elapsed.as_secs_f64() * 1e3,
        report.succeeded,
        report.success_rate * 100.0
    );
    for (status, runs) in report.statuses.iter().filter(|(s, _)| *s != "SUCCEEDED") {
        out.push_str(&format!("  {status}: {runs}\n"));
    }
    if !report.uncaught_errors.is_empty() {
        out.push_str("uncaught errors:\n");
        for (error, runs) in &report.uncaught_errors {
            out.push_str(&format!("  {error}: {runs} runs\n"));
        }
    }
    if !report.states.is_empty() {
        out.push_str("states that met faults (faults, retries, runs they ended):\n");
        for s in &report.states {
            out.push_str(&format!(
                "  {:<28} {:>6} {:>6} {:>6}\n",
                s.name, s.faults, s.retries, s.ended_runs
            ));
        }
    }
    let r = report.retry_latency;
    out.push_str(&format!(
        "retry wait per run: p50 {} ms, p95 {} ms, p99 {} ms\n",
        r.p50, r.p95, r.p99
    ));
    out.push_str(&format!(
        "transitions per run: {:.2} (without faults: {}); retries per run: {:.2}, {:+.2} USD per million STANDARD executions\n",
        report.mean_transitions, report.baseline_transitions, report.mean_retries, report.cost_delta_per_million
    ));
    for (state, runs) in &report.duplicates {
        out.push_str(&format!(
            "delivered twice, not idempotent: {state} in {runs} runs\n"
        ));
    }
    if !report.suggestions.is_empty() {
        out.push_str("suggestions:\n");
        for s in &report.suggestions {
            out.push_str(&format!("  - {}\n", s.text));
        }
    }
    if let Some(first) = report.failures.first() {
        out.push_str(&format!(
            "reproduce a failed run: stepwise run ... --seed {} {}\n",
            first.seed, profile_flag
        ));
    }
    out
}
