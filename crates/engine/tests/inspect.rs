//! The data-flow record of every state visit of a run (the playground's inspector).

use serde_json::{json, Value};
use stepwise_engine::inspect::Stage;
use stepwise_engine::{Execution, Options};

fn run(definition: Value, input: Value, inspect: bool) -> Execution {
    let loaded = stepwise_asl::load(&definition.to_string(), &Default::default());
    let machine = loaded.machine.expect("a valid definition");
    let options = Options {
        inspect,
        ..Options::default()
    };
    Execution::start(machine.into(), input, options)
}

/// The stages of each visit of `state`, in the order the visits were entered.
fn visits(execution: &Execution, state: &str) -> Vec<Vec<(Stage, Value)>> {
    execution
        .history()
        .iter()
        .filter(|e| e.kind.entered_state_type().is_some() && e.state_name() == Some(state))
        .map(|e| {
            let inspection = execution.inspection(e.id).expect("every visit is recorded");
            inspection
                .stages
                .iter()
                .map(|(stage, text)| (*stage, serde_json::from_str(text).unwrap()))
                .collect()
        })
        .collect()
}

#[test]
fn every_visit_keeps_each_stage_of_its_data_flow() {
    let definition = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.doubled", "End": true,
            "ItemProcessor": {"StartAt": "Double", "States": {
                "Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, $.n)"}, "ResultPath": "$.out", "OutputPath": "$.out", "End": true}}}}}});
    let execution = run(definition, json!({"items": [{"n": 1}, {"n": 2}]}), true);
    let doubles = visits(&execution, "Double");
    assert_eq!(doubles.len(), 2, "one record per iteration");
    assert_eq!(
        doubles[1],
        vec![
            (Stage::Input, json!({"n": 2})),
            (Stage::AfterInputPath, json!({"n": 2})),
            (Stage::AfterParameters, json!({"n": 4})),
            (Stage::AfterResultSelector, json!({"n": 4})),
            (Stage::AfterResultPath, json!({"n": 2, "out": {"n": 4}})),
            (Stage::Output, json!({"n": 4})),
            (Stage::Variables, json!({})),
        ]
    );
    let map = &visits(&execution, "Each")[0];
    let stage = |s: Stage| map.iter().find(|(k, _)| *k == s).map(|(_, v)| v.clone());
    assert_eq!(
        stage(Stage::AfterItemsPath),
        Some(json!([{"n": 1}, {"n": 2}]))
    );
    assert_eq!(stage(Stage::MaxConcurrency), Some(json!(0)));
    assert_eq!(stage(Stage::Result), None, "AWS shows no raw Map result");
    assert_eq!(
        stage(Stage::AfterResultPath),
        Some(json!({"items": [{"n": 1}, {"n": 2}], "doubled": [{"n": 2}, {"n": 4}]}))
    );
}

#[test]
fn a_retried_visit_keeps_its_last_attempt_and_runs_without_recording_keep_nothing() {
    let definition = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"attempt.$": "$$.State.RetryCount"},
              "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}], "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}], "Next": "Done"},
        "Done": {"Type": "Succeed"}}});
    let mut options = Options {
        inspect: true,
        ..Options::default()
    };
    let config = r#"{"StateMachines": {"M": {"TestCases": {"Fails": {"T": "Boom"}}}},
        "MockedResponses": {"Boom": {"0-1": {"Throw": {"Error": "Boom", "Cause": "no"}}}}}"#;
    options.mocks =
        Some(stepwise_engine::mock::load(config, None, "Fails").expect("a valid mock file"));
    let machine = stepwise_asl::load(&definition.to_string(), &Default::default())
        .machine
        .unwrap();
    let execution = Execution::start(machine.into(), json!({}), options);
    let t = &visits(&execution, "T")[0];
    assert!(
        t.contains(&(Stage::AfterParameters, json!({"attempt": 1}))),
        "the retry's parameters: {t:?}"
    );
    assert!(
        t.contains(&(
            Stage::AfterResultPath,
            json!({"error": {"Error": "Boom", "Cause": "no"}})
        )),
        "the caught error's place: {t:?}"
    );

    let plain = run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
        json!({}),
        false,
    );
    assert!(plain
        .history()
        .iter()
        .all(|e| plain.inspection(e.id).is_none()));
}
