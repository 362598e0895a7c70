//! What an execution would cost on AWS, as a STANDARD and as an EXPRESS workflow: list
//! prices of us-east-1 without the free tier, applied to what the run did (its state
//! transitions and its virtual duration). What the tasks themselves cost (Lambda, other
//! services) is not included.
//!
//! Every price and billing rule below is from the AWS Step Functions pricing page,
//! <https://aws.amazon.com/step-functions/pricing/>, region US East (N. Virginia).
//!
//! ```
//! use stepwise_engine::cost::Cost;
//!
//! // 40 state transitions in 1.25 s of virtual time.
//! let cost = Cost::new(40, 1_250);
//! assert!((cost.standard - 0.001).abs() < 1e-12); // 40 x $0.025 / 1,000
//! assert_eq!(cost.billed_duration_millis, 1_300); // EXPRESS rounds up to 100 ms
//! ```

use crate::{Event, Execution};

/// STANDARD: dollars per 1,000 state transitions. Pricing page, "AWS Step Functions Standard
/// Workflow State transitions pricing", us-east-1: $0.025 per 1,000 state transitions beyond
/// the free tier (4,000 transitions a month, which this estimate leaves out).
pub const STANDARD_PRICE_PER_1000_TRANSITIONS: f64 = 0.025;

/// EXPRESS: dollars per million requests; starting an execution is one request. Pricing
/// page, "AWS Step Functions Express Workflows pricing details", us-east-1: $1.00 per
/// million requests.
pub const EXPRESS_PRICE_PER_MILLION_REQUESTS: f64 = 1.00;

/// EXPRESS: dollars per GB-second of duration. Pricing page, Express duration, us-east-1:
/// $0.06000 per GB-hour for the first 1,000 GB-hours a month (cheaper tiers beyond, which
/// this estimate leaves out); this is that price per GB-second, to four significant figures.
pub const EXPRESS_PRICE_PER_GB_SECOND: f64 = 0.000_016_67;

/// EXPRESS: the memory billed, in MB. Pricing page: memory is "billed in 64-MB chunks", and a
/// workflow uses 50 MB plus its definition and its payloads (times its Map or Parallel
/// steps); the estimate assumes the one chunk a small workflow takes.
pub const EXPRESS_BILLED_MEMORY_MB: u32 = 64;

/// EXPRESS: duration is billed in increments of this many milliseconds. Pricing page: "Duration
/// is calculated from the time your workflow begins executing until it completes or otherwise
/// terminates, rounded up to the nearest 100ms". The estimate bills at least one increment.
pub const EXPRESS_DURATION_INCREMENT_MILLIS: i64 = 100;

/// EXPRESS: the longest an execution may run, in milliseconds (five minutes). Step Functions
/// quotas, <https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html>,
/// "Maximum execution time" of Express Workflows.
pub const EXPRESS_MAX_DURATION_MILLIS: i64 = 300_000;

/// What one execution would cost on AWS, in US dollars, as a STANDARD workflow and as an
/// EXPRESS one (see the module's prices and [`assumptions`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// State transitions, what STANDARD bills.
    pub transitions: u64,
    /// Virtual time from the start to the end (or to where the execution waits), in
    /// milliseconds.
    pub duration_millis: i64,
    /// The duration EXPRESS bills: rounded up to 100 ms, at least 100 ms.
    pub billed_duration_millis: i64,
    /// STANDARD: the transitions' charge.
    pub standard: f64,
    /// EXPRESS: the request's charge (one request per execution).
    pub express_request: f64,
    /// EXPRESS: the duration's charge (billed duration at the billed memory).
    pub express_duration: f64,
}

impl Cost {
    /// The cost of an execution that made `transitions` state transitions and lasted
    /// `duration_millis` (a negative duration counts as 0).
    pub fn new(transitions: u64, duration_millis: i64) -> Cost {
        let duration_millis = duration_millis.max(0);
        let increments = (duration_millis + EXPRESS_DURATION_INCREMENT_MILLIS - 1)
            / EXPRESS_DURATION_INCREMENT_MILLIS;
        let billed_duration_millis = increments.max(1) * EXPRESS_DURATION_INCREMENT_MILLIS;
        let gb_seconds =
            billed_duration_millis as f64 / 1000.0 * f64::from(EXPRESS_BILLED_MEMORY_MB) / 1024.0;
        Cost {
            transitions,
            duration_millis,
            billed_duration_millis,
            standard: transitions as f64 * STANDARD_PRICE_PER_1000_TRANSITIONS / 1000.0,
            express_request: EXPRESS_PRICE_PER_MILLION_REQUESTS / 1_000_000.0,
            express_duration: gb_seconds * EXPRESS_PRICE_PER_GB_SECOND,
        }
    }

    /// The cost of `execution` so far: its transitions, from its start time to its end (or
    /// to where it waits for a callback).
    pub fn of(execution: &Execution) -> Cost {
        let start = execution.options.start_time_millis;
        Cost::new(execution.transitions(), execution.end_millis() - start)
    }

    /// The cost of an execution known by its history (whose first event,
    /// `ExecutionStarted`, is at its start time), its transitions and its end time. Without
    /// a history the duration is taken as 0.
    pub fn of_history(history: &[Event], transitions: u64, end_millis: i64) -> Cost {
        let start = history.first().map_or(end_millis, |e| e.millis);
        Cost::new(transitions, end_millis - start)
    }

    /// EXPRESS: request and duration together.
    pub fn express(&self) -> f64 {
        self.express_request + self.express_duration
    }

    /// STANDARD, for a million executions like this one.
    pub fn standard_per_million(&self) -> f64 {
        self.standard * 1_000_000.0
    }

    /// EXPRESS, for a million executions like this one.
    pub fn express_per_million(&self) -> f64 {
        self.express() * 1_000_000.0
    }

    /// Could this execution run as EXPRESS at all (five minutes at most)?
    pub fn fits_express(&self) -> bool {
        self.duration_millis <= EXPRESS_MAX_DURATION_MILLIS
    }
}

/// The assumptions behind [`Cost`], in one sentence a reader can check the numbers against.
pub fn assumptions() -> String {
    format!(
        "Assumptions: us-east-1 list prices without free tier; Standard ${STANDARD_PRICE_PER_1000_TRANSITIONS:.3} per 1,000 state transitions; \
         Express ${EXPRESS_PRICE_PER_MILLION_REQUESTS:.2} per million requests plus ${EXPRESS_PRICE_PER_GB_SECOND:.8} per GB-second at {EXPRESS_BILLED_MEMORY_MB} MB, \
         billed in {EXPRESS_DURATION_INCREMENT_MILLIS} ms increments. Task costs (Lambda, other services) are not included. \
         Express executions cannot last longer than {} minutes.",
        EXPRESS_MAX_DURATION_MILLIS / 60_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, Status};
    use stepwise_asl::{load, LoadOptions, MachineType};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-15_f64.max(b.abs() * 1e-9)
    }

    #[test]
    fn a_standard_run_bills_its_transitions() {
        let cost = Cost::new(40, 0);
        assert_eq!(cost.transitions, 40);
        assert!(close(cost.standard, 0.001), "{}", cost.standard);
        assert!(close(cost.standard_per_million(), 1_000.0));
        assert!(close(Cost::new(1_000, 5_000).standard, 0.025));
        assert_eq!(Cost::new(0, 0).standard, 0.0);
    }

    #[test]
    fn an_express_run_bills_a_request_and_its_duration() {
        let cost = Cost::new(3, 1_250);
        assert!(close(cost.express_request, 0.000_001));
        // 1.3 s billed at 64 MB: 1.3 x 0.0625 GB-s x $0.00001667.
        assert_eq!(cost.billed_duration_millis, 1_300);
        assert!(close(cost.express_duration, 1.3 * 0.0625 * 0.000_016_67));
        assert!(close(
            cost.express(),
            0.000_001 + 1.3 * 0.0625 * 0.000_016_67
        ));
        assert!(close(cost.express_per_million(), cost.express() * 1e6));
        // The transitions do not change what EXPRESS costs.
        assert_eq!(Cost::new(3_000, 1_250).express(), cost.express());
    }

    #[test]
    fn express_duration_is_rounded_up_to_100_ms() {
        let billed = |ms| Cost::new(1, ms).billed_duration_millis;
        assert_eq!(billed(0), 100);
        assert_eq!(billed(1), 100);
        assert_eq!(billed(100), 100);
        assert_eq!(billed(101), 200);
        assert_eq!(billed(299), 300);
        assert_eq!(billed(300), 300);
        assert_eq!(billed(60_001), 60_100);
        assert_eq!(billed(-5), 100);
        assert_eq!(Cost::new(1, -5).duration_millis, 0);
    }

    #[test]
    fn express_runs_five_minutes_at_most() {
        assert!(Cost::new(1, 300_000).fits_express());
        assert!(!Cost::new(1, 300_001).fits_express());
    }

    #[test]
    fn an_execution_and_its_history_give_the_same_cost() {
        let text = r#"{"StartAt": "Wait", "States": {
            "Wait": {"Type": "Wait", "Seconds": 2, "Next": "Done"},
            "Done": {"Type": "Pass", "End": true}}}"#;
        let machine = load(text, &LoadOptions::default()).machine.expect("valid");
        let options = Options {
            machine_type: MachineType::Express,
            ..Options::default()
        };
        let execution = Execution::start(machine.into(), serde_json::json!({}), options);
        assert_eq!(execution.status(), Status::Succeeded);
        let cost = Cost::of(&execution);
        assert_eq!(
            (
                cost.transitions,
                cost.duration_millis,
                cost.billed_duration_millis
            ),
            (2, 2_000, 2_000)
        );
        let from_history = Cost::of_history(
            execution.history(),
            execution.transitions(),
            execution.end_millis(),
        );
        assert_eq!(from_history, cost);
        assert_eq!(Cost::of_history(&[], 2, 5_000).duration_millis, 0);
    }

    #[test]
    fn the_assumptions_state_the_prices() {
        let text = assumptions();
        for part in [
            "$0.025 per 1,000 state transitions",
            "$1.00 per million requests",
            "$0.00001667 per GB-second at 64 MB",
            "billed in 100 ms increments",
            "cannot last longer than 5 minutes",
        ] {
            assert!(text.contains(part), "{part:?} missing from {text:?}");
        }
    }
}
