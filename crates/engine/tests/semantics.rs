//! Engine behaviour that peers get wrong, and the API's promises.

use std::rc::Rc;

use serde_json::{json, Value};
use stepwise_asl::{load, LoadOptions};
use stepwise_engine::{mock, ApiError, Execution, HistoryMode, Options, Status};

fn run_with(definition: Value, input: Value, options: Options) -> Execution {
    let loaded = load(&definition.to_string(), &LoadOptions::default());
    let errors: Vec<_> = loaded.errors().map(|d| d.message.clone()).collect();
    let machine = loaded
        .machine
        .unwrap_or_else(|| panic!("definition rejected: {errors:?}"));
    Execution::start(Rc::new(machine), input, options)
}

fn run(definition: Value, input: Value) -> Execution {
    run_with(definition, input, Options::default())
}

fn single(state: Value) -> Value {
    json!({ "StartAt": "S", "States": { "S": state } })
}

#[test]
fn a_falsy_pass_result_is_still_the_result() {
    for result in [json!(0), json!(false), json!(""), json!(null)] {
        let execution = run(
            single(json!({ "Type": "Pass", "Result": result, "End": true })),
            json!({ "keep": 1 }),
        );
        assert_eq!(
            execution.output(),
            Some(&result),
            "Result {result} must replace the input"
        );
    }
}

#[test]
fn result_path_null_keeps_the_input_and_empty_parameters_give_an_empty_object() {
    let execution = run(
        single(json!({ "Type": "Pass", "Result": 5, "ResultPath": null, "End": true })),
        json!({ "a": 1 }),
    );
    assert_eq!(execution.output(), Some(&json!({ "a": 1 })));
    let execution = run(
        single(json!({ "Type": "Pass", "Parameters": {}, "End": true })),
        json!({ "a": 1 }),
    );
    assert_eq!(execution.output(), Some(&json!({})));
}

#[test]
fn result_path_merges_into_nested_objects() {
    let state =
        json!({ "Type": "Pass", "Result": { "ok": true }, "ResultPath": "$.a.b", "End": true });
    let execution = run(single(state), json!({ "a": { "keep": 1 } }));
    assert_eq!(
        execution.output(),
        Some(&json!({ "a": { "keep": 1, "b": { "ok": true } } }))
    );
}

#[test]
fn retries_back_off_on_the_virtual_clock() {
    let state = json!({
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Retry": [{ "ErrorEquals": ["Boom"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2 }]
    });
    let mocks = r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}},
        "MockedResponses": {"R": {"0-1": {"Throw": {"Error": "Boom", "Cause": "c"}}, "2": {"Return": {"done": true}}}}}"#;
    let options = Options {
        mocks: Some(mock::load(mocks, None, "T").unwrap()),
        ..Options::default()
    };
    let execution = run_with(single(state), json!({}), options);
    assert_eq!(execution.status(), Status::Succeeded);
    let scheduled: Vec<String> = execution
        .history()
        .iter()
        .filter(|e| e.kind.as_str() == "TaskScheduled")
        .map(|e| e.timestamp()[11..19].to_owned())
        .collect();
    // First attempt at 0 s, then after 2 s, then after 2 * 3 = 6 s more.
    assert_eq!(scheduled, ["00:00:00", "00:00:02", "00:00:08"]);
}

#[test]
fn states_all_does_not_catch_runtime_errors() {
    let definition = json!({
        "StartAt": "T",
        "States": {
            "T": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": { "m.$": "$.missing" },
                   "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Caught" }], "End": true },
            "Caught": { "Type": "Succeed" }
        }
    });
    let execution = run(definition, json!({}));
    assert_eq!(execution.status(), Status::Failed);
    assert_eq!(execution.failure().unwrap().error, "States.Runtime");
    assert!(
        execution.failure().unwrap().cause.contains("'$.missing'"),
        "{}",
        execution.failure().unwrap().cause
    );
}

#[test]
fn same_inputs_give_byte_identical_histories() {
    let definition = single(
        json!({ "Type": "Pass", "Parameters": { "id.$": "States.UUID()", "n.$": "States.MathRandom(1, 1000)" }, "End": true }),
    );
    let a = serde_json::to_string(run(definition.clone(), json!({})).history()).unwrap();
    let b = serde_json::to_string(run(definition.clone(), json!({})).history()).unwrap();
    assert_eq!(a, b);
    let other_seed = run_with(
        definition,
        json!({}),
        Options {
            seed: 7,
            ..Options::default()
        },
    );
    assert_ne!(a, serde_json::to_string(other_seed.history()).unwrap());
}

#[test]
fn history_none_records_no_events_but_counts_them() {
    let options = Options {
        history: HistoryMode::None,
        ..Options::default()
    };
    let execution = run_with(
        single(json!({ "Type": "Pass", "End": true })),
        json!({}),
        options,
    );
    assert!(execution.history().is_empty());
    assert_eq!(execution.event_count(), 4);
}

#[test]
fn unmocked_tasks_pass_their_input_through_unless_strict() {
    let state = single(
        json!({ "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": { "x.$": "$.x" }, "End": true }),
    );
    let execution = run(state.clone(), json!({ "x": 1 }));
    assert_eq!(execution.output(), Some(&json!({ "x": 1 })));
    assert_eq!(execution.unmocked_states(), ["S"]);
    let strict = run_with(
        state,
        json!({ "x": 1 }),
        Options {
            strict_mocks: true,
            ..Options::default()
        },
    );
    assert!(strict.failure().unwrap().cause.contains("'S'"));
}

#[test]
fn callbacks_wait_and_resume_with_the_answer() {
    let state = single(
        json!({ "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": { "token.$": "$$.Task.Token" }, "ResultPath": "$.answer", "End": true }),
    );
    let mut execution = run(state, json!({ "order": 1 }));
    assert_eq!(execution.status(), Status::Waiting);
    let token = execution.pending()[0].token.clone();
    assert_eq!(execution.pending()[0].input, json!({ "token": token }));
    assert_eq!(
        execution.send_task_success("not-a-token", json!({})),
        Err(ApiError::InvalidToken)
    );
    execution
        .send_task_success(&token, json!({ "paid": true }))
        .unwrap();
    assert_eq!(execution.status(), Status::Succeeded);
    assert_eq!(
        execution.output(),
        Some(&json!({ "order": 1, "answer": { "paid": true } }))
    );
    // The task is over: its token no longer names a waiting task.
    assert_eq!(
        execution.send_task_success(&token, json!({})),
        Err(ApiError::TaskDoesNotExist)
    );
}

#[test]
fn step_reveals_events_in_order() {
    let mut execution = run(single(json!({ "Type": "Pass", "End": true })), json!({}));
    let kinds: Vec<&str> =
        std::iter::from_fn(|| execution.step().map(|e| e.kind.as_str())).collect();
    assert_eq!(
        kinds,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn the_machine_timeout_ends_the_execution_as_timed_out() {
    let definition = json!({ "TimeoutSeconds": 10, "StartAt": "W", "States": { "W": { "Type": "Wait", "Seconds": 60, "End": true } } });
    let execution = run(definition, json!({}));
    assert_eq!(execution.status(), Status::TimedOut);
    assert_eq!(
        execution.history().last().unwrap().kind.as_str(),
        "ExecutionTimedOut"
    );
}

// Recorded on AWS: a Pass state's `$$.State` is `{Name, EnteredTime}`; only the states that
// take Retry (Task, Parallel, Map) count retries there.
#[test]
fn only_states_that_retry_have_a_retry_count_in_the_context_object() {
    let definition = json!({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Parameters": {"state.$": "$$.State"}, "ResultPath": "$.pass", "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"state.$": "$$.State"}, "ResultPath": "$.task", "End": true}}});
    let execution = run(definition, json!({}));
    let output = execution.output().expect("the run succeeds");
    let pass: Vec<&String> = output["pass"]["state"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(pass, ["EnteredTime", "Name"]);
    assert_eq!(output["task"]["state"]["RetryCount"], json!(0));
}

// AWS accepts an ItemsPath beside an ItemReader and reads the items, without evaluating
// the ItemsPath (which may name nothing in the input).
#[test]
fn a_map_with_an_item_reader_does_not_evaluate_its_items_path() {
    let definition = json!({"StartAt": "Map", "States": {"Map": {"Type": "Map", "ItemsPath": "$.nothing",
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {"Bucket": "b", "Key": "k"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}});
    let mocks = r#"{"StateMachines": {"M": {"TestCases": {"T": {"Map": "Items"}}}},
        "MockedResponses": {"Items": {"0": {"Return": "[1, 2]"}}}}"#;
    let options = Options {
        mocks: Some(mock::load(mocks, Some("M"), "T").expect("a valid mock file")),
        ..Options::default()
    };
    let execution = run_with(definition, json!({}), options);
    assert_eq!(execution.output(), Some(&json!([1, 2])));
}

// Recorded on AWS: InputPath and OutputPath may read the context object.
#[test]
fn input_and_output_paths_read_the_context_object() {
    let definition = json!({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "InputPath": "$$.Execution.Input.inner", "Next": "Q"},
        "Q": {"Type": "Pass", "OutputPath": "$$.State", "End": true}}});
    let execution = run(definition, json!({"inner": {"a": 1}}));
    let output = execution.output().expect("the run succeeds");
    assert_eq!(output["Name"], json!("Q"));
    let execution = run(
        single(json!({"Type": "Pass", "InputPath": "$$.Execution.Input", "End": true})),
        json!({"input-value": 0}),
    );
    assert_eq!(execution.output(), Some(&json!({"input-value": 0})));
}
