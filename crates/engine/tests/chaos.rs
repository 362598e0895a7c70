//! The resilience lab on the Order Processing Workflow example: its weak states, the Retry
//! it suggests and what that Retry saves, duplicate deliveries, and reproducibility.

use std::rc::Rc;

use serde_json::Value;
use stepwise_asl::{load, LoadOptions};
use stepwise_engine::chaos::{Lab, Report};
use stepwise_engine::faults::FaultProfile;
use stepwise_engine::{mock, Execution, HistoryMode, Options, Status};

fn example(file: &str) -> String {
    let path = format!(
        "{}/../../public/examples/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn lab(definition: &str, profile: &FaultProfile, express: bool, runs: u32) -> Report {
    let machine = load(definition, &LoadOptions::default())
        .machine
        .expect("a valid definition");
    let input: Value = serde_json::from_str(&example("order-processing-fixed.input.json")).unwrap();
    let mocks = mock::load(
        &example("order-processing-fixed.mocks.json"),
        None,
        "HappyPath",
    )
    .expect("valid mocks");
    let options = Options {
        mocks: Some(mocks),
        seed: 1,
        machine_type: if express {
            stepwise_asl::MachineType::Express
        } else {
            stepwise_asl::MachineType::Standard
        },
        ..Options::default()
    };
    let mut lab = Lab::new(Rc::new(machine), input, options, profile.clone(), runs);
    // In slices, as the playground runs it.
    while !lab.advance(64) {}
    assert_eq!(lab.progress(), (runs, runs));
    lab.report()
}

fn profile(text: &str) -> FaultProfile {
    FaultProfile::parse(text).expect("a valid profile")
}

#[test]
fn the_same_seed_gives_the_same_report() {
    let definition = example("order-processing-fixed.asl.json");
    let standard = FaultProfile::standard();
    assert_eq!(
        lab(&definition, &standard, false, 200),
        lab(&definition, &standard, false, 200)
    );
}

#[test]
fn the_parallel_branches_without_retry_are_the_weak_states_and_the_suggested_retry_saves_runs() {
    let definition = example("order-processing-fixed.asl.json");
    let faults = profile(r#"{"faults": {"*": {"transient": 0.05}}}"#);
    let before = lab(&definition, &faults, false, 1_000);
    let weak: Vec<&str> = before
        .states
        .iter()
        .filter(|s| s.ended_runs > 0)
        .map(|s| s.name.as_str())
        .collect();
    assert!(
        weak.contains(&"UpdateInventory") && weak.contains(&"SendConfirmation"),
        "weak states: {weak:?}"
    );
    assert!(
        before.success_rate < 0.95,
        "success rate {}",
        before.success_rate
    );
    assert!(
        before
            .states
            .iter()
            .any(|s| s.name == "ValidateOrder" && s.retries > 0),
        "ValidateOrder's Retry works"
    );

    // Apply every suggested Retry to the text, as the playground's button does.
    let mut fixed = definition.clone();
    for suggestion in before.suggestions.iter().filter(|s| s.retrier.is_some()) {
        fixed = stepwise_asl::edit::add_retrier(
            &fixed,
            &suggestion.state,
            suggestion.retrier.as_ref().unwrap(),
            &LoadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", suggestion.text));
    }
    let suggested: Vec<&str> = before
        .suggestions
        .iter()
        .map(|s| s.state.as_str())
        .collect();
    assert!(
        suggested.contains(&"UpdateInventory"),
        "suggestions: {:?}",
        before.suggestions
    );
    let after = lab(&fixed, &faults, false, 1_000);
    assert!(
        after.success_rate > before.success_rate + 0.05,
        "success rate {} before, {} after the suggested Retry",
        before.success_rate,
        after.success_rate
    );
    assert!(
        after.retry_latency.p99 > 0,
        "retries add latency: {:?}",
        after.retry_latency
    );
    assert!(after.mean_transitions >= before.baseline_transitions as f64);
}

#[test]
fn a_failing_run_is_reproduced_by_its_seed_and_its_fault_is_marked_in_the_history() {
    let definition = example("order-processing-fixed.asl.json");
    let faults = profile(r#"{"faults": {"UpdateInventory": {"transient": 0.5}}}"#);
    let report = lab(&definition, &faults, false, 20);
    let failed = report.failures.first().expect("some run fails");
    assert_eq!(failed.state.as_deref(), Some("UpdateInventory"));
    let machine = load(&definition, &LoadOptions::default()).machine.unwrap();
    let options = Options {
        seed: failed.seed,
        faults: Some(faults),
        history: HistoryMode::Full,
        mocks: Some(
            mock::load(
                &example("order-processing-fixed.mocks.json"),
                None,
                "HappyPath",
            )
            .unwrap(),
        ),
        ..Options::default()
    };
    let input: Value = serde_json::from_str(&example("order-processing-fixed.input.json")).unwrap();
    let execution = Execution::start(Rc::new(machine), input, options);
    assert_eq!(execution.status(), Status::Failed);
    let marked = execution
        .history()
        .iter()
        .any(|e| e.text("cause") == Some(stepwise_engine::faults::INJECTED_CAUSE));
    assert!(
        marked,
        "the injected fault's event carries the injected cause"
    );
}

#[test]
fn an_express_machine_delivering_twice_reports_the_tasks_that_are_not_idempotent() {
    let definition = example("order-processing-fixed.asl.json");
    let twice = profile(r#"{"duplicateDelivery": 0.2, "idempotent": ["ValidateOrder"]}"#);
    let report = lab(&definition, &twice, true, 200);
    assert!(
        report.duplicates.contains_key("UpdateInventory"),
        "{:?}",
        report.duplicates
    );
    assert!(
        !report.duplicates.contains_key("ValidateOrder"),
        "ValidateOrder is idempotent"
    );
    assert!(report
        .suggestions
        .iter()
        .any(|s| s.state == "UpdateInventory" && s.text.contains("idempotent")));
    // STANDARD executions are exactly-once.
    assert!(lab(&definition, &twice, false, 200).duplicates.is_empty());
}

/// The same lab as the playground worker's test (web/src/protocol.rs): natively and in wasm
/// the same seeds draw the same faults, so both count the same successes.
const TINY_MACHINE: &str = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#;

#[test]
fn the_same_seeds_draw_the_same_faults_natively_and_in_wasm() {
    let machine = load(TINY_MACHINE, &LoadOptions::default()).machine.unwrap();
    let options = Options {
        max_transitions: 100,
        ..Options::default()
    };
    let mut lab = Lab::new(
        Rc::new(machine),
        serde_json::json!({}),
        options,
        profile(r#"{"faults": {"*": {"transient": 0.5}}}"#),
        120,
    );
    lab.advance(120);
    let report = lab.report();
    let errors: Vec<(&str, u32)> = report
        .uncaught_errors
        .iter()
        .map(|(e, n)| (e.as_str(), *n))
        .collect();
    let expected = vec![
        ("Lambda.AWSLambdaException", 13),
        ("Lambda.SdkClientException", 15),
        ("Lambda.ServiceException", 12),
        ("Lambda.TooManyRequestsException", 21),
    ];
    assert_eq!(
        (report.succeeded, errors),
        (59, expected),
        "see web/src/protocol.rs: the worker must count the same"
    );
}

#[test]
fn an_injected_timeout_outlasts_timeout_seconds_and_is_marked() {
    let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "TimeoutSeconds": 5, "End": true}}}"#;
    let machine = load(definition, &LoadOptions::default()).machine.unwrap();
    let options = Options {
        faults: Some(profile(r#"{"faults": {"*": {"States.Timeout": 1}}}"#)),
        ..Options::default()
    };
    let execution = Execution::start(Rc::new(machine), serde_json::json!({}), options);
    assert_eq!(
        execution.failure().map(|f| f.error.as_str()),
        Some("States.Timeout")
    );
    let timed_out = execution
        .history()
        .iter()
        .find(|e| e.kind == stepwise_engine::EventType::TaskTimedOut)
        .expect("a TaskTimedOut event");
    assert_eq!(
        timed_out.text("cause"),
        Some(stepwise_engine::faults::INJECTED_CAUSE)
    );
    assert_eq!(
        timed_out.millis - execution.history()[0].millis,
        5_000,
        "it fires at TimeoutSeconds"
    );
}

#[test]
fn a_lab_with_no_runs_made_reports_zeros_not_negative_zeros() {
    let definition = example("order-processing-fixed.asl.json");
    let report = lab(&definition, &FaultProfile::standard(), false, 0);
    assert_eq!(report.runs, 0);
    for (name, figure) in [
        ("mean transitions", report.mean_transitions),
        ("mean retries", report.mean_retries),
        ("cost delta", report.cost_delta_per_million),
        ("success rate", report.success_rate),
    ] {
        assert_eq!(figure.to_bits(), 0.0f64.to_bits(), "{name} is {figure:?}");
    }
    assert_eq!(format!("{:+.2}", report.cost_delta_per_million), "+0.00");
}
