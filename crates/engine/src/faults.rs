//! Fault profiles: which transient errors each Task attempt meets, how often, and whether
//! an EXPRESS execution delivers a Task twice (at-least-once), all drawn from the run's seed.
//!
//! ```json
//! {
//!   "faults": {
//!     "*": {"transient": 0.02},
//!     "ProcessPayment": {"Lambda.TooManyRequestsException": 0.1, "States.Timeout": 0.01}
//!   },
//!   "duplicateDelivery": 0.01,
//!   "idempotent": ["ValidateOrder"]
//! }
//! ```
//!
//! A state's own entry replaces `"*"`. `"transient"` stands for the errors the task's service
//! really throws when it is briefly unavailable (for Lambda the four AWS tells you to retry);
//! `States.Timeout` and `States.HeartbeatTimeout` make the attempt outlast the task's
//! TimeoutSeconds or HeartbeatSeconds (a task without them cannot time out); any other name
//! is thrown as it is.

use std::collections::BTreeMap;

use rand::Rng;
use serde::{Deserialize, Serialize};

/// The cause an injected error carries, so it is told apart in the history.
pub const INJECTED_CAUSE: &str = "Injected by the fault profile (Stepwise resilience lab)";

/// What may go wrong, and how often.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultProfile {
    /// Per state name (or `"*"` for every Task): error name -> probability per attempt.
    #[serde(default)]
    pub faults: BTreeMap<String, BTreeMap<String, f64>>,
    /// The probability that an EXPRESS execution delivers a Task attempt twice.
    #[serde(default)]
    pub duplicate_delivery: f64,
    /// States whose task is safe to run twice.
    #[serde(default)]
    pub idempotent: Vec<String>,
}

/// What an attempt meets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// It fails with this error.
    Error(String),
    /// It outlasts its TimeoutSeconds.
    Timeout,
    /// Its worker stops sending heartbeats.
    HeartbeatTimeout,
}

impl FaultProfile {
    /// Read a profile; a problem names its line and column.
    pub fn parse(text: &str) -> Result<FaultProfile, String> {
        let profile: FaultProfile =
            serde_json::from_str(text).map_err(|e| crate::json_error::describe(&e))?;
        let probabilities = profile
            .faults
            .iter()
            .flat_map(|(state, errors)| errors.iter().map(move |(e, p)| (state, e, *p)));
        for (state, error, p) in probabilities {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!(
                    "the probability of {error} in {state} is {p}: it must be between 0 and 1"
                ));
            }
        }
        if !(0.0..=1.0).contains(&profile.duplicate_delivery) {
            return Err("duplicateDelivery must be between 0 and 1".into());
        }
        Ok(profile)
    }

    /// The profile used when none is given: 2% transient errors on every Task and, for
    /// EXPRESS executions, 1% duplicate deliveries.
    pub fn standard() -> FaultProfile {
        FaultProfile {
            faults: BTreeMap::from([(
                "*".to_owned(),
                BTreeMap::from([("transient".to_owned(), 0.02)]),
            )]),
            duplicate_delivery: 0.01,
            idempotent: Vec::new(),
        }
    }

    /// Draw the fault a Task attempt of `state` (calling `resource`) meets, if any.
    pub fn draw(&self, state: &str, resource: &str, rng: &mut impl Rng) -> Option<Fault> {
        let errors = self.faults.get(state).or_else(|| self.faults.get("*"))?;
        for (error, probability) in errors {
            if *probability <= 0.0 || !rng.gen_bool(probability.min(1.0)) {
                continue;
            }
            return Some(match error.as_str() {
                "States.Timeout" => Fault::Timeout,
                "States.HeartbeatTimeout" => Fault::HeartbeatTimeout,
                "transient" => {
                    let choices = transient_errors(resource);
                    // A u32 draw, not a usize one: the same seed picks the same error
                    // natively and in wasm32.
                    let pick = rng.gen_range(0..choices.len() as u32) as usize;
                    Fault::Error(choices[pick].to_owned())
                }
                other => Fault::Error(other.to_owned()),
            });
        }
        None
    }

    /// Is a second delivery of this attempt drawn?
    pub fn delivers_twice(&self, rng: &mut impl Rng) -> bool {
        self.duplicate_delivery > 0.0 && rng.gen_bool(self.duplicate_delivery.min(1.0))
    }

    /// Is `state`'s task safe to run twice?
    pub fn is_idempotent(&self, state: &str) -> bool {
        self.idempotent.iter().any(|s| s == state)
    }
}

/// The errors a service throws when it is briefly unavailable or throttles.
pub fn transient_errors(resource: &str) -> &'static [&'static str] {
    let service = resource
        .strip_prefix("arn:aws:states:::")
        .map(|rest| rest.strip_prefix("aws-sdk:").unwrap_or(rest))
        .and_then(|rest| rest.split(':').next());
    if resource.starts_with("arn:aws:lambda:") || service == Some("lambda") {
        return &[
            "Lambda.ServiceException",
            "Lambda.AWSLambdaException",
            "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException",
        ];
    }
    match service {
        Some("dynamodb") => &[
            "DynamoDB.ProvisionedThroughputExceededException",
            "DynamoDB.ThrottlingException",
        ],
        Some("sqs") => &["SQS.SdkClientException", "SQS.ThrottlingException"],
        Some("sns") => &["SNS.ThrottledException", "SNS.SdkClientException"],
        Some("events") => &[
            "EventBridge.ThrottlingException",
            "EventBridge.InternalException",
        ],
        Some("states") => &[
            "StepFunctions.ThrottlingException",
            "StepFunctions.SdkClientException",
        ],
        Some("s3") => &["S3.SlowDownException", "S3.SdkClientException"],
        _ => &["States.TaskFailed"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn profiles_are_read_and_checked() {
        let profile =
            FaultProfile::parse(r#"{"faults": {"*": {"transient": 0.5}}, "idempotent": ["A"]}"#)
                .unwrap();
        assert!(profile.is_idempotent("A"));
        let bad = FaultProfile::parse(r#"{"faults": {"*": {"transient": 2}}}"#).unwrap_err();
        assert!(bad.contains("between 0 and 1"), "{bad}");
        let unknown = FaultProfile::parse(r#"{"fault": {}}"#).unwrap_err();
        assert!(
            unknown.starts_with("line 1, column 8: unknown field `fault`, expected one of"),
            "{unknown}"
        );
    }

    #[test]
    fn a_state_meets_the_errors_of_its_service_as_often_as_the_profile_says() {
        let profile =
            FaultProfile::parse(r#"{"faults": {"*": {"transient": 0.25}, "Quiet": {}}}"#).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let lambda = "arn:aws:states:::lambda:invoke";
        let draws: Vec<_> = (0..4000)
            .filter_map(|_| profile.draw("Any", lambda, &mut rng))
            .collect();
        assert!(
            (900..1100).contains(&draws.len()),
            "{} of 4000",
            draws.len()
        );
        assert!(draws
            .iter()
            .all(|f| matches!(f, Fault::Error(e) if e.starts_with("Lambda."))));
        assert_eq!(profile.draw("Quiet", lambda, &mut rng), None);
    }
}

/// What the faults did in one execution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultLog {
    /// Each injected fault: the state, and the error it raised.
    pub injected: Vec<(String, String)>,
    /// States whose task was delivered twice.
    pub duplicates: Vec<String>,
    /// Each retry: the state, and the virtual milliseconds it waited.
    pub retries: Vec<(String, i64)>,
    /// States that gave up on an injected fault (no retry left), with its error, in order.
    pub gave_up: Vec<(String, String)>,
    /// The innermost state whose failure nothing caught, when the execution failed.
    pub failed_state: Option<String>,
}

impl FaultLog {
    /// The state to blame for a failed execution, and the error it gave up on: the last
    /// injected fault no retry absorbed, else the state whose failure nothing caught.
    pub fn blamed(&self) -> Option<(&str, Option<&str>)> {
        match self.gave_up.last() {
            Some((state, error)) => Some((state, Some(error))),
            None => self.failed_state.as_deref().map(|s| (s, None)),
        }
    }
}
