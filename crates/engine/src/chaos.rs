//! The resilience lab: run a machine many times across seeds under a fault profile and say
//! how it fares: its success rate, which states' faults end executions, which errors go
//! uncaught, what retries add in latency and transitions, which tasks ran twice, and what to
//! change. Each run is reproduced exactly by its seed.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use stepwise_asl::model::{Kind, State, StateMachine};

use crate::faults::{FaultLog, FaultProfile};
use crate::{Execution, HistoryMode, Options, Status};

/// The number of runs when none is given.
pub const DEFAULT_RUNS: u32 = 1_000;

/// The failing runs the report lists for opening as traces.
const LISTED_FAILURES: usize = 50;

/// A lab in progress: runs are made a slice at a time, so a page can show progress.
pub struct Lab {
    machine: Rc<StateMachine>,
    input: Value,
    options: Options,
    runs: u32,
    done: u32,
    baseline: Outcome,
    outcomes: Vec<Outcome>,
}

/// What one run left behind (no history: the lab runs without one).
#[derive(Debug, Clone)]
struct Outcome {
    seed: u64,
    status: Status,
    error: Option<String>,
    transitions: u64,
    duration_millis: i64,
    log: FaultLog,
}

impl Lab {
    /// A lab of `runs` runs, seeds `options.seed`, `options.seed + 1`, ..., under `profile`.
    pub fn new(
        machine: Rc<StateMachine>,
        input: Value,
        options: Options,
        profile: FaultProfile,
        runs: u32,
    ) -> Lab {
        let quiet = Options {
            history: HistoryMode::None,
            faults: None,
            inspect: false,
            ..options.clone()
        };
        let baseline = outcome(&machine, &input, quiet.clone());
        Lab {
            machine,
            input,
            options: Options {
                faults: Some(profile),
                ..quiet
            },
            runs,
            done: 0,
            baseline,
            outcomes: Vec::with_capacity(runs as usize),
        }
    }

    /// Make up to `count` more runs; true when all are made.
    pub fn advance(&mut self, count: u32) -> bool {
        let end = self.runs.min(self.done.saturating_add(count));
        for i in self.done..end {
            let options = Options {
                seed: self.options.seed.wrapping_add(u64::from(i)),
                ..self.options.clone()
            };
            self.outcomes
                .push(outcome(&self.machine, &self.input, options));
        }
        self.done = end;
        self.done == self.runs
    }

    /// Runs made, and runs in all.
    pub fn progress(&self) -> (u32, u32) {
        (self.done, self.runs)
    }

    /// The report on the runs made so far.
    pub fn report(&self) -> Report {
        Report::of(&self.machine, &self.baseline, &self.outcomes)
    }
}

fn outcome(machine: &Rc<StateMachine>, input: &Value, options: Options) -> Outcome {
    let seed = options.seed;
    let start = options.start_time_millis;
    let execution = Execution::start(machine.clone(), input.clone(), options);
    Outcome {
        seed,
        status: execution.status(),
        error: execution.failure().map(|f| f.error.clone()),
        transitions: execution.transitions(),
        duration_millis: execution.end_millis() - start,
        log: execution.fault_log().clone(),
    }
}

/// How a machine fared under faults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Runs made.
    pub runs: u32,
    /// Runs that succeeded.
    pub succeeded: u32,
    /// Succeeded / runs, from 0 to 1.
    pub success_rate: f64,
    /// How many runs ended in each status (`SUCCEEDED`, `FAILED`, `TIMED_OUT`, ...).
    pub statuses: BTreeMap<String, u32>,
    /// The error of each failed run, counted.
    pub uncaught_errors: BTreeMap<String, u32>,
    /// Per state that met faults: what they did.
    pub states: Vec<StateReport>,
    /// The virtual time retries waited in a run (milliseconds): percentiles over the runs.
    pub retry_latency: Percentiles,
    /// How many runs waited how long in retries: (up to milliseconds, runs).
    pub retry_histogram: Vec<(i64, u32)>,
    /// The virtual duration of a run (milliseconds): percentiles.
    pub duration: Percentiles,
    /// Transitions of the run without faults.
    pub baseline_transitions: u64,
    /// Transitions per run, on average, with faults.
    pub mean_transitions: f64,
    /// Retries per run, on average (AWS bills each retry as a state transition).
    pub mean_retries: f64,
    /// What retries add to a STANDARD workflow's bill per million executions, in dollars
    /// (AWS bills each retry as a state transition).
    pub cost_delta_per_million: f64,
    /// Runs whose task of a state that is not idempotent was delivered twice, per state.
    pub duplicates: BTreeMap<String, u32>,
    /// Failed runs to open as traces: seed, state, error.
    pub failures: Vec<FailedRun>,
    /// What to change, most important first.
    pub suggestions: Vec<Suggestion>,
}

/// 50th, 95th and 99th percentiles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// Median.
    pub p50: i64,
    /// 95th percentile.
    pub p95: i64,
    /// 99th percentile.
    pub p99: i64,
}

/// What faults did at one state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateReport {
    /// The state.
    pub name: String,
    /// Faults injected into its attempts.
    pub faults: u32,
    /// Retries it made.
    pub retries: u32,
    /// Runs that failed because it failed.
    pub ended_runs: u32,
    /// The share of runs that reached it without it ending them, from 0 to 1.
    pub survival: f64,
    /// The errors with which it ended runs, counted.
    pub errors: BTreeMap<String, u32>,
}

/// A failed run, reproduced by its seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedRun {
    /// Its seed.
    pub seed: u64,
    /// The state whose failure ended it.
    pub state: Option<String>,
    /// Its error.
    pub error: Option<String>,
}

/// A change to the definition that would save runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// The state to change.
    pub state: String,
    /// What to do, in words.
    pub text: String,
    /// The Retry entry to add, when the change is one (it can be applied to the text).
    pub retrier: Option<Value>,
}

impl Report {
    fn of(machine: &StateMachine, baseline: &Outcome, outcomes: &[Outcome]) -> Report {
        let runs = outcomes.len() as u32;
        let mut statuses = BTreeMap::new();
        let mut uncaught = BTreeMap::new();
        let mut states: BTreeMap<String, StateReport> = BTreeMap::new();
        let mut duplicates = BTreeMap::new();
        let mut failures = Vec::new();
        fn state<'r>(
            states: &'r mut BTreeMap<String, StateReport>,
            name: &str,
        ) -> &'r mut StateReport {
            states
                .entry(name.to_owned())
                .or_insert_with(|| StateReport {
                    name: name.to_owned(),
                    ..StateReport::default()
                })
        }
        for run in outcomes {
            *statuses.entry(run.status.as_str().to_owned()).or_insert(0) += 1;
            for (name, _) in &run.log.injected {
                state(&mut states, name).faults += 1;
            }
            for (name, _) in &run.log.retries {
                state(&mut states, name).retries += 1;
            }
            let mut twice: Vec<&String> = run.log.duplicates.iter().collect();
            twice.dedup();
            for name in twice {
                *duplicates.entry(name.clone()).or_insert(0) += 1;
            }
            if run.status == Status::Succeeded {
                continue;
            }
            let error = run
                .error
                .clone()
                .unwrap_or_else(|| run.status.as_str().to_owned());
            *uncaught.entry(error.clone()).or_insert(0) += 1;
            let blamed = run.log.blamed();
            if let Some((name, fault)) = blamed {
                let report = state(&mut states, name);
                report.ended_runs += 1;
                let error = fault.map_or(error.clone(), str::to_owned);
                *report.errors.entry(error).or_insert(0) += 1;
            }
            if failures.len() < LISTED_FAILURES {
                failures.push(FailedRun {
                    seed: run.seed,
                    state: blamed.map(|(s, _)| s.to_owned()),
                    error: Some(error),
                });
            }
        }
        let mut states: Vec<StateReport> = states
            .into_values()
            .map(|mut s| {
                s.survival = 1.0 - f64::from(s.ended_runs) / f64::from(runs.max(1));
                s
            })
            .collect();
        states.sort_by(|a, b| {
            b.ended_runs
                .cmp(&a.ended_runs)
                .then(b.faults.cmp(&a.faults))
        });
        let waited: Vec<i64> = outcomes
            .iter()
            .map(|r| r.log.retries.iter().map(|(_, ms)| ms).sum())
            .collect();
        let succeeded = statuses.get("SUCCEEDED").copied().unwrap_or(0);
        // Summed from +0.0: an empty f64 sum is -0.0, which would print as "-0.00".
        let mean = |f: &dyn Fn(&Outcome) -> f64| {
            outcomes.iter().map(f).fold(0.0, |sum, x| sum + x) / f64::from(runs.max(1))
        };
        let mean_transitions = mean(&|r| r.transitions as f64);
        let mean_retries = mean(&|r| r.log.retries.len() as f64);
        Report {
            runs,
            succeeded,
            success_rate: f64::from(succeeded) / f64::from(runs.max(1)),
            suggestions: suggestions(machine, &states, &duplicates),
            statuses,
            uncaught_errors: uncaught,
            states,
            retry_latency: percentiles(&waited),
            retry_histogram: histogram(&waited),
            duration: percentiles(
                &outcomes
                    .iter()
                    .map(|r| r.duration_millis)
                    .collect::<Vec<_>>(),
            ),
            baseline_transitions: baseline.transitions,
            mean_transitions,
            mean_retries,
            cost_delta_per_million: mean_retries
                * crate::cost::STANDARD_PRICE_PER_1000_TRANSITIONS
                * 1_000.0,
            duplicates,
            failures,
        }
    }
}

fn percentiles(values: &[i64]) -> Percentiles {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let at = |p: f64| {
        if sorted.is_empty() {
            return 0;
        }
        let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    };
    Percentiles {
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
    }
}

/// Runs by retry wait: none, then doubling buckets from one second.
fn histogram(waited: &[i64]) -> Vec<(i64, u32)> {
    let most = waited.iter().copied().max().unwrap_or(0);
    let mut bounds = vec![0];
    let mut bound = 1_000;
    while bounds.last().is_some_and(|b| *b < most) {
        bounds.push(bound);
        bound *= 2;
    }
    let mut counts = vec![0u32; bounds.len()];
    for w in waited {
        let i = bounds
            .iter()
            .position(|b| w <= b)
            .unwrap_or(bounds.len() - 1);
        counts[i] += 1;
    }
    bounds.into_iter().zip(counts).collect()
}

/// What to change: a Retry for the errors that ended runs at a state that has none for
/// them, more attempts where its Retry gave up, and idempotency where a task ran twice.
fn suggestions(
    machine: &StateMachine,
    states: &[StateReport],
    duplicates: &BTreeMap<String, u32>,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for report in states.iter().filter(|s| s.ended_runs > 0) {
        let Some(state) = machine.state_named(&report.name) else {
            continue;
        };
        let retriable: Vec<&String> = report
            .errors
            .keys()
            .filter(|e| !e.starts_with("Stepwise.") && *e != "States.Runtime")
            .collect();
        let (covered, bare): (Vec<&String>, Vec<&String>) = retriable
            .iter()
            .partition(|e| retrier_for(state, e).is_some());
        if !bare.is_empty() {
            let names: Vec<&str> = bare.iter().map(|e| e.as_str()).collect();
            out.push(Suggestion {
                state: report.name.clone(),
                text: format!(
                    "{}: add Retry on {} with BackoffRate 2 and JitterStrategy FULL (it ended {} of the runs)",
                    report.name,
                    names.join(", "),
                    report.ended_runs
                ),
                retrier: Some(json!({
                    "ErrorEquals": names,
                    "IntervalSeconds": 1,
                    "MaxAttempts": 3,
                    "BackoffRate": 2,
                    "JitterStrategy": "FULL"
                })),
            });
        }
        for error in covered {
            let attempts = retrier_for(state, error).map_or(0, |r| r.max_attempts);
            out.push(Suggestion {
                state: report.name.clone(),
                text: format!(
                    "{}: its Retry on {error} gave up after {attempts} attempts in {} runs; raise MaxAttempts or add a Catch",
                    report.name,
                    report.errors[error.as_str()]
                ),
                retrier: None,
            });
        }
    }
    for (name, runs) in duplicates {
        out.push(Suggestion {
            state: name.clone(),
            text: format!(
                "{name}: its task ran twice in {runs} runs (EXPRESS is at-least-once) and is not idempotent; make it idempotent (an idempotency key, a conditional write) or list it as idempotent in the profile"
            ),
            retrier: None,
        });
    }
    out
}

/// The Retrier of `state` that takes `error`, if any (a Parallel's or Map's own retry
/// included; a Task's, Parallel's or Map's only: other states cannot retry).
fn retrier_for<'s>(state: &'s State, error: &str) -> Option<&'s stepwise_asl::model::Retrier> {
    if !matches!(
        state.kind,
        Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_)
    ) {
        return None;
    }
    let failure = crate::Failure::new(error, "");
    state
        .retry
        .iter()
        .find(|r| failure.matches(&r.error_equals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_histogram_count_every_run() {
        let p = percentiles(&[0, 0, 1_000, 3_000]);
        assert_eq!((p.p50, p.p95, p.p99), (0, 3_000, 3_000));
        assert_eq!(
            histogram(&[0, 0, 1_000, 3_000]),
            [(0, 2), (1_000, 1), (2_000, 0), (4_000, 1)]
        );
        assert_eq!(histogram(&[]), [(0, 0)]);
    }
}
