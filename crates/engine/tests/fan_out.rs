//! Parallel and Map on the virtual clock, the distributed Map, callbacks, timeouts, heartbeats
//! and StopExecution.

use std::rc::Rc;

use serde_json::{json, Value};
use stepwise_asl::{load, LoadOptions};
use stepwise_engine::{mock, ApiError, Execution, Options, Status};

fn start(definition: Value, input: Value, mocks: Option<Value>) -> Execution {
    let loaded = load(&definition.to_string(), &LoadOptions::default());
    let errors: Vec<_> = loaded.errors().map(|d| d.message.clone()).collect();
    let machine = loaded
        .machine
        .unwrap_or_else(|| panic!("definition rejected: {errors:?}"));
    let mocks = mocks.map(|m| mock::load(&m.to_string(), None, "T").expect("valid mock config"));
    let options = Options {
        mocks,
        ..Options::default()
    };
    Execution::start(Rc::new(machine), input, options)
}

/// A mock config with one test case "T" mapping each state to its own responses.
fn mocks(states: Value) -> Value {
    let map = states.as_object().unwrap();
    let case: serde_json::Map<String, Value> = map.keys().map(|k| (k.clone(), json!(k))).collect();
    json!({ "StateMachines": { "M": { "TestCases": { "T": case } } }, "MockedResponses": states })
}

fn kinds(execution: &Execution) -> Vec<(&'static str, Option<String>)> {
    execution
        .history()
        .iter()
        .map(|e| (e.kind.as_str(), e.state_name().map(str::to_owned)))
        .collect()
}

fn seconds_between(execution: &Execution) -> i64 {
    let history = execution.history();
    (history.last().unwrap().millis - history[0].millis) / 1000
}

fn wait_then_pass(wait: u64, name: &str) -> Value {
    json!({ "StartAt": format!("Wait{name}"), "States": {
        format!("Wait{name}"): { "Type": "Wait", "Seconds": wait, "Next": name },
        name: { "Type": "Pass", "Result": name, "End": true } } })
}

#[test]
fn parallel_branches_run_side_by_side_on_the_virtual_clock() {
    let definition = json!({ "StartAt": "P", "States": { "P": { "Type": "Parallel", "End": true,
        "Branches": [wait_then_pass(10, "Slow"), wait_then_pass(2, "Fast")] } } });
    let execution = start(definition, json!({}), None);
    assert_eq!(execution.status(), Status::Succeeded);
    assert_eq!(execution.output(), Some(&json!(["Slow", "Fast"])));
    // Ten seconds, not twelve: the branches overlapped.
    assert_eq!(seconds_between(&execution), 10);
    let order: Vec<_> = kinds(&execution)
        .into_iter()
        .filter(|(k, _)| *k == "PassStateEntered")
        .map(|(_, n)| n.unwrap())
        .collect();
    assert_eq!(order, ["Fast", "Slow"], "the history is in time order");
    let ids: Vec<u64> = execution.history().iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
}

#[test]
fn a_failing_branch_stops_the_others_at_that_moment() {
    let failing = json!({ "StartAt": "W", "States": {
        "W": { "Type": "Wait", "Seconds": 3, "Next": "Boom" },
        "Boom": { "Type": "Fail", "Error": "Broken", "Cause": "branch two" } } });
    let definition = json!({ "StartAt": "P", "States": { "P": { "Type": "Parallel", "End": true,
        "Branches": [wait_then_pass(10, "Slow"), failing] } } });
    let execution = start(definition, json!({}), None);
    assert_eq!(execution.status(), Status::Failed);
    assert_eq!(execution.failure().unwrap().error, "Broken");
    let events = kinds(&execution);
    assert!(
        !events.iter().any(|(_, n)| n.as_deref() == Some("Slow")),
        "the slow branch never got past its Wait: {events:?}"
    );
    assert!(events.iter().any(|(k, _)| *k == "ParallelStateFailed"));
    assert_eq!(seconds_between(&execution), 3);
}

#[test]
fn a_failing_branch_closes_the_states_it_cut_short_as_aborted() {
    let failing_task = json!({ "StartAt": "T", "States": {
        "T": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } });
    let definition = json!({ "StartAt": "P", "States": { "P": { "Type": "Parallel", "End": true,
        "Branches": [wait_then_pass(10, "Slow"), failing_task] } } });
    let throw = json!({ "T": { "0": { "Throw": { "Error": "Boom", "Cause": "c" } } } });
    let execution = start(definition, json!({}), Some(mocks(throw)));
    let tail: Vec<_> = kinds(&execution)
        .into_iter()
        .map(|(k, _)| k)
        .skip_while(|k| *k != "TaskFailed")
        .collect();
    // The failed Task never exits, and the Wait of the other branch never ends.
    assert_eq!(
        tail,
        [
            "TaskFailed",
            "TaskStateAborted",
            "WaitStateAborted",
            "ParallelStateFailed",
            "ExecutionFailed"
        ]
    );
}

#[test]
fn inline_map_iterations_share_max_concurrency_slots() {
    let map = |concurrency: u64| {
        json!({ "StartAt": "M", "States": { "M": { "Type": "Map", "MaxConcurrency": concurrency, "End": true,
            "ItemProcessor": { "StartAt": "W", "States": { "W": { "Type": "Wait", "Seconds": 10, "End": true } } } } } })
    };
    let items = json!([1, 2, 3, 4]);
    let one_at_a_time = start(map(1), items.clone(), None);
    assert_eq!(seconds_between(&one_at_a_time), 40);
    let two_at_a_time = start(map(2), items.clone(), None);
    assert_eq!(seconds_between(&two_at_a_time), 20);
    let unbounded = start(map(0), items.clone(), None);
    assert_eq!(seconds_between(&unbounded), 10);
    assert_eq!(unbounded.output(), Some(&items));
}

#[test]
fn a_failing_iteration_aborts_the_ones_in_flight() {
    let definition = json!({ "StartAt": "M", "States": { "M": { "Type": "Map", "End": true,
        "ItemProcessor": { "StartAt": "C", "States": {
            "C": { "Type": "Choice", "Choices": [{ "Variable": "$", "NumericEquals": 2, "Next": "Boom" }], "Default": "W" },
            "W": { "Type": "Wait", "Seconds": 10, "End": true },
            "Boom": { "Type": "Fail", "Error": "Two" } } } } } });
    let execution = start(definition, json!([1, 2, 3]), None);
    assert_eq!(execution.failure().unwrap().error, "Two");
    let aborted = kinds(&execution)
        .iter()
        .filter(|(k, _)| *k == "MapIterationAborted")
        .count();
    assert_eq!(aborted, 2, "items 1 and 3 were still waiting");
    assert!(kinds(&execution)
        .iter()
        .all(|(k, _)| *k != "WaitStateExited"));
}

/// `object` with the members of `extra` added (or replaced).
fn with_fields(mut object: Value, extra: Value) -> Value {
    if let (Some(object), Value::Object(extra)) = (object.as_object_mut(), extra) {
        object.extend(extra);
    }
    object
}

fn distributed(extra: Value) -> Value {
    let map = json!({ "Type": "Map", "End": true, "Label": "Rows",
        "ItemProcessor": { "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
            "StartAt": "Handle", "States": { "Handle": { "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload", "End": true } } } });
    json!({ "StartAt": "Rows", "States": { "Rows": with_fields(map, extra) } })
}

#[test]
fn distributed_map_reads_csv_batches_it_and_runs_children() {
    let definition = distributed(json!({
        "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 5 },
            "Parameters": { "Bucket": "in", "Key": "rows.csv" } },
        "ItemBatcher": { "MaxItemsPerBatch": 2, "BatchInput": { "job.$": "$.job" } } }));
    let csv = "sku,qty\na,1\nb,2\nc,3\nd,4\ne,5\nf,6\n";
    let mocks = mocks(json!({
        "Rows": { "0": { "Return": csv } },
        "Handle": { "0-9": { "Return": { "Payload": { "done": true } } } } }));
    let execution = start(definition, json!({ "job": "j-1" }), Some(mocks));
    assert_eq!(
        execution.status(),
        Status::Succeeded,
        "{:?}",
        execution.failure()
    );
    // MaxItems 5, two per batch: three children.
    assert_eq!(
        execution.output(),
        Some(&json!([{ "done": true }, { "done": true }, { "done": true }]))
    );
    let children = execution.children();
    assert_eq!(children.len(), 3);
    let first_input = &children[0].history[0].details_json()["input"];
    assert_eq!(
        first_input,
        &json!(json!({ "BatchInput": { "job": "j-1" }, "Items": [{ "sku": "a", "qty": "1" }, { "sku": "b", "qty": "2" }] }).to_string())
    );
    assert_eq!(
        children[2].history.last().unwrap().kind.as_str(),
        "ExecutionSucceeded"
    );
    let parent: Vec<_> = kinds(&execution).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        parent,
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
    let arn = execution.history()[3].text("mapRunArn").unwrap();
    assert!(arn.contains(":mapRun:StateMachine/Rows:"), "{arn}");
}

#[test]
fn a_jsonata_batch_input_is_evaluated_before_batching() {
    let definition = json!({ "QueryLanguage": "JSONata", "StartAt": "Rows", "States": { "Rows": {
        "Type": "Map", "End": true, "Items": [1, 2, 3],
        "ItemBatcher": { "MaxItemsPerBatch": 2,
            "BatchInput": { "job": "{% $states.input.job %}", "tags": ["{% 'a' & 'b' %}", "c"] } },
        "ItemProcessor": { "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
            "StartAt": "Echo", "States": { "Echo": { "Type": "Pass", "End": true } } } } } });
    let execution = start(definition, json!({ "job": "j-1" }), None);
    let batch_input = json!({ "job": "j-1", "tags": ["ab", "c"] });
    assert_eq!(
        execution.output(),
        Some(&json!([
            { "BatchInput": batch_input, "Items": [1, 2] },
            { "BatchInput": batch_input, "Items": [3] }
        ])),
        "{:?}",
        execution.failure()
    );
}

#[test]
fn distributed_map_fails_past_the_tolerated_threshold() {
    let responses = || {
        mocks(json!({ "Handle": {
            "0": { "Return": { "Payload": 1 } },
            "1": { "Throw": { "Error": "Bad", "Cause": "row 2" } },
            "2-3": { "Return": { "Payload": 1 } } } }))
    };
    let items = json!([1, 2, 3, 4]);
    let tolerant = start(
        distributed(json!({ "ToleratedFailurePercentage": 25 })),
        items.clone(),
        Some(responses()),
    );
    assert_eq!(tolerant.status(), Status::Succeeded);
    assert_eq!(
        tolerant.output().unwrap()[1],
        json!({ "Error": "Bad", "Cause": "row 2" })
    );
    assert_eq!(tolerant.children()[1].status, Status::Failed);
    let strict = start(
        distributed(json!({ "ToleratedFailureCount": 0 })),
        items,
        Some(responses()),
    );
    assert_eq!(strict.status(), Status::Failed);
    assert_eq!(
        strict.failure().unwrap().error,
        "States.ExceedToleratedFailureThreshold"
    );
    assert!(kinds(&strict).iter().any(|(k, _)| *k == "MapRunFailed"));
}

#[test]
fn result_writer_returns_the_manifest_location_and_writes_the_results() {
    let definition = distributed(json!({
        "ResultWriter": { "Resource": "arn:aws:states:::s3:putObject", "Parameters": { "Bucket": "out", "Prefix": "runs" } } }));
    let mocks = mocks(json!({ "Handle": { "0-1": { "Return": { "Payload": "ok" } } } }));
    let execution = start(definition, json!(["x", "y"]), Some(mocks));
    let output = execution.output().unwrap();
    let key = output["ResultWriterDetails"]["Key"].as_str().unwrap();
    assert!(
        key.starts_with("runs/") && key.ends_with("/manifest.json"),
        "{key}"
    );
    assert_eq!(output["ResultWriterDetails"]["Bucket"], "out");
    let written = execution.written_objects();
    assert_eq!(written[0].1, key);
    let results = &written[1].2;
    assert_eq!(results.as_array().unwrap().len(), 2);
    assert_eq!(results[0]["Status"], "SUCCEEDED");
    assert_eq!(results[0]["Output"], "\"ok\"");
}

#[test]
fn an_inventory_manifest_is_read_file_by_file() {
    let definition = distributed(json!({
        "ItemReader": { "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": { "InputType": "MANIFEST" },
            "Parameters": { "Bucket": "inv", "Key": "manifest.json" } } }));
    let manifest =
        json!({ "fileSchema": "Bucket, Key", "files": [{ "key": "a.csv" }, { "key": "b.csv" }] });
    let mocks = mocks(json!({
        "Rows": { "0": { "Return": manifest }, "1": { "Return": "b,k1\nb,k2\n" }, "2": { "Return": "b,k3\n" } },
        "Handle": { "0-9": { "Return": { "Payload": 0 } } } }));
    let execution = start(definition, json!({}), Some(mocks));
    assert_eq!(execution.children().len(), 3);
    let third = &execution.children()[2].history[0].details_json()["input"];
    assert_eq!(
        third,
        &json!(json!({ "Bucket": "b", "Key": "k3" }).to_string())
    );
}

#[test]
fn an_unmocked_item_reader_says_what_to_mock() {
    let definition = distributed(
        json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": { "Bucket": "b" } } }),
    );
    let execution = start(definition, json!({}), None);
    let failure = execution.failure().unwrap();
    assert_eq!(failure.error, "States.ItemReaderFailed");
    assert!(
        failure.cause.contains("map 'Rows' to a mocked response"),
        "{}",
        failure.cause
    );
}

fn callback(extra: Value) -> Value {
    let task = json!({ "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": { "token.$": "$$.Task.Token" }, "End": true });
    json!({ "StartAt": "Pay", "States": { "Pay": with_fields(task, extra) } })
}

#[test]
fn a_silent_worker_misses_its_heartbeat() {
    let mut execution = start(
        callback(json!({ "HeartbeatSeconds": 300, "TimeoutSeconds": 3600 })),
        json!({}),
        None,
    );
    let token = execution.pending()[0].token.clone();
    execution.advance(200).unwrap();
    assert_eq!(execution.status(), Status::Waiting);
    execution.send_task_heartbeat(&token).unwrap();
    execution.advance(250).unwrap();
    assert_eq!(
        execution.status(),
        Status::Waiting,
        "the heartbeat at 200 s moved the deadline to 500 s"
    );
    execution.advance(100).unwrap();
    assert_eq!(execution.status(), Status::Failed);
    // AWS reports a missed heartbeat as a timeout.
    assert_eq!(execution.failure().unwrap().error, "States.Timeout");
    assert!(kinds(&execution).iter().any(|(k, _)| *k == "TaskTimedOut"));
    assert_eq!(seconds_between(&execution), 500);
    assert_eq!(
        execution.send_task_success(&token, json!({})),
        Err(ApiError::TaskTimedOut)
    );
}

#[test]
fn a_missed_heartbeat_is_caught_by_its_own_name_and_reported_as_a_timeout() {
    let catch = json!({ "HeartbeatSeconds": 5, "Catch": [
        { "ErrorEquals": ["States.TaskFailed"], "Next": "Wrong" },
        { "ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Silent" }] });
    let mut definition = callback(catch);
    definition["States"]["Pay"]
        .as_object_mut()
        .unwrap()
        .remove("End");
    definition["States"]["Pay"]["Next"] = json!("Wrong");
    definition["States"]["Wrong"] = json!({ "Type": "Fail", "Error": "Wrong" });
    definition["States"]["Silent"] = json!({ "Type": "Pass", "End": true });
    let mut execution = start(definition, json!({}), None);
    execution.advance(6).unwrap();
    assert_eq!(execution.status(), Status::Succeeded);
    assert_eq!(
        execution.output(),
        Some(&json!({ "Error": "States.Timeout", "Cause": "" }))
    );
}

#[test]
fn a_callback_answered_late_times_out_and_can_be_caught() {
    let definition = json!({ "StartAt": "Pay", "States": {
        "Pay": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "TimeoutSeconds": 60,
            "Catch": [{ "ErrorEquals": ["States.Timeout"], "Next": "Late" }], "End": true },
        "Late": { "Type": "Pass", "End": true } } });
    let mut execution = start(definition, json!({}), None);
    execution.advance(61).unwrap();
    assert_eq!(execution.status(), Status::Succeeded);
    assert_eq!(
        execution.output(),
        Some(&json!({ "Error": "States.Timeout", "Cause": "" }))
    );
}

#[test]
fn a_mocked_duration_exercises_task_timeouts() {
    let definition = json!({ "StartAt": "Slow", "States": { "Slow": { "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 30, "End": true } } });
    let slow = mocks(json!({ "Slow": { "0": { "Return": 1, "DurationSeconds": 45 } } }));
    let execution = start(definition.clone(), json!({}), Some(slow));
    assert_eq!(execution.failure().unwrap().error, "States.Timeout");
    assert_eq!(seconds_between(&execution), 30);
    let quick = mocks(json!({ "Slow": { "0": { "Return": 1, "DurationSeconds": 20 } } }));
    let execution = start(definition, json!({}), Some(quick));
    assert_eq!(execution.output(), Some(&json!(1)));
    assert_eq!(seconds_between(&execution), 20);
}

#[test]
fn callbacks_in_parallel_branches_wait_together() {
    let branch = |name: &str| {
        json!({ "StartAt": name, "States": { name: { "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true } } })
    };
    let definition = json!({ "StartAt": "P", "States": { "P": { "Type": "Parallel", "End": true,
        "Branches": [branch("A"), branch("B")] } } });
    let mut execution = start(definition, json!({}), None);
    let pending: Vec<_> = execution
        .pending()
        .iter()
        .map(|p| (p.state.clone(), p.token.clone()))
        .collect();
    assert_eq!(
        pending.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
        ["A", "B"]
    );
    execution
        .send_task_success(&pending[1].1, json!("b"))
        .unwrap();
    assert_eq!(execution.status(), Status::Waiting);
    execution
        .send_task_success(&pending[0].1, json!("a"))
        .unwrap();
    assert_eq!(execution.output(), Some(&json!(["a", "b"])));
}

#[test]
fn stop_execution_aborts_a_waiting_run() {
    let mut execution = start(callback(json!({})), json!({}), None);
    execution.advance(30).unwrap();
    execution.stop("Cancelled", "by the operator").unwrap();
    assert_eq!(execution.status(), Status::Aborted);
    let last = execution.history().last().unwrap();
    assert_eq!(last.kind.as_str(), "ExecutionAborted");
    assert_eq!(last.details_json()["error"], "Cancelled");
    assert_eq!(seconds_between(&execution), 30);
    assert_eq!(execution.stop("again", ""), Err(ApiError::NotRunning));
}

#[test]
fn the_machine_timeout_fires_while_waiting() {
    let mut definition = callback(json!({}));
    definition["TimeoutSeconds"] = json!(120);
    let mut execution = start(definition, json!({}), None);
    execution.advance(119).unwrap();
    assert_eq!(execution.status(), Status::Waiting);
    execution.advance(1).unwrap();
    assert_eq!(execution.status(), Status::TimedOut);
    assert_eq!(seconds_between(&execution), 120);
}

#[test]
fn sync_integrations_report_the_submission_then_the_result() {
    let definition = json!({ "StartAt": "Job", "States": { "Job": { "Type": "Task",
        "Resource": "arn:aws:states:::ecs:runTask.sync", "End": true } } });
    let mocks = mocks(json!({ "Job": { "0": { "Return": { "StoppedReason": "done" } } } }));
    let execution = start(definition, json!({}), Some(mocks));
    let task_events: Vec<_> = kinds(&execution)
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("Task"))
        .collect();
    assert_eq!(
        task_events,
        [
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded",
            "TaskStateExited"
        ]
    );
    assert_eq!(
        execution.output(),
        Some(&json!({ "StoppedReason": "done" }))
    );
}

#[test]
fn the_inspector_attributes_a_branch_error_to_the_state_that_raised_it() {
    let branch = |name: &str| {
        json!({ "StartAt": name, "States": { name: { "Type": "Pass",
            "Parameters": { "x.$": "$.missing" }, "End": true } } })
    };
    let definition = json!({ "StartAt": "P", "States": { "P": { "Type": "Parallel", "End": true,
        "Branches": [branch("First"), branch("Second")] } } });
    let execution = start(definition, json!({}), None);
    let history = execution.history();
    // Both branches entered (side by side); the first failure is the one reported.
    let first = stepwise_engine::trace::state_io(history, "First", history.len());
    let error = first.error.expect("First raised the error");
    assert_eq!(error["error"], "States.Runtime");
    assert!(error["cause"].as_str().unwrap().contains("'First'"));
    let second = stepwise_engine::trace::state_io(history, "Second", history.len());
    assert_eq!(
        second.error, None,
        "Second was entered last but did not raise it"
    );
}

#[test]
fn a_map_runs_children_show_in_the_parents_statuses_once_it_ends() {
    use stepwise_engine::trace::{map_progress, merge_map_runs, statuses, StateStatus};
    let responses = mocks(json!({ "Handle": {
        "0": { "Return": { "Payload": 1 } },
        "1": { "Throw": { "Error": "Bad", "Cause": "row 2" } } } }));
    let execution = start(
        distributed(json!({ "ToleratedFailureCount": 1 })),
        json!([1, 2]),
        Some(responses),
    );
    let history = execution.history();
    let run_started = history
        .iter()
        .position(|e| e.kind.as_str() == "MapRunStarted")
        .unwrap()
        + 1;
    let at = |upto: usize| {
        let mut s = statuses(history, upto);
        let mut p = map_progress(history, upto);
        merge_map_runs(history, upto, execution.children(), &mut s, &mut p);
        (s, p)
    };
    let (during, progress) = at(run_started);
    assert_eq!(
        during.get("Handle"),
        None,
        "children are not shown before the run ends"
    );
    assert_eq!(progress.get("Rows"), Some(&(0, 2)));
    let (after, progress) = at(history.len());
    assert_eq!(
        after.get("Handle"),
        Some(&StateStatus::Failed),
        "the worst child outcome shows"
    );
    assert_eq!(progress.get("Rows"), Some(&(2, 2)));
}

#[test]
fn a_variable_over_256_kib_fails_the_state() {
    let big = "x".repeat(200 * 1024);
    let assign = |value: Value| json!({ "StartAt": "S", "States": { "S": { "Type": "Pass", "Assign": value, "End": true } } });
    let fits = start(assign(json!({ "a": big })), json!({}), None);
    assert_eq!(fits.status(), Status::Succeeded);
    let one_too_big = start(
        assign(json!({ "a": format!("{big}{big}") })),
        json!({}),
        None,
    );
    assert!(one_too_big.failure().unwrap().cause.contains("'a'"));
    let together_too_big = start(assign(json!({ "a": big, "b": big })), json!({}), None);
    assert_eq!(together_too_big.failure().unwrap().error, "States.Runtime");
    assert!(together_too_big
        .failure()
        .unwrap()
        .cause
        .contains("one Assign"));
}

#[test]
fn a_state_output_over_256_kib_is_a_data_limit_failure_that_can_be_caught() {
    // The unmocked Task's result is its 200 KiB input; kept beside the input it doubles.
    let definition = json!({ "StartAt": "Copy", "States": {
        "Copy": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.copy",
            "Catch": [{ "ErrorEquals": ["States.DataLimitExceeded"], "ResultPath": null, "Next": "Small" }], "End": true },
        "Small": { "Type": "Pass", "Result": "trimmed", "End": true } } });
    let input = json!({ "text": "x".repeat(200 * 1024) });
    let execution = start(definition, input, None);
    assert_eq!(execution.output(), Some(&json!("trimmed")));
    let kinds: Vec<_> = kinds(&execution).into_iter().map(|(k, _)| k).collect();
    assert!(
        kinds.contains(&"TaskSucceeded"),
        "the task itself returned a result within the limit"
    );
}

#[test]
fn an_express_execution_times_out_after_five_minutes() {
    let definition = json!({ "StartAt": "W", "States": { "W": { "Type": "Wait", "Seconds": 600, "End": true } } });
    let loaded = load(&definition.to_string(), &LoadOptions::default())
        .machine
        .unwrap();
    let express = Options {
        machine_type: stepwise_asl::MachineType::Express,
        ..Options::default()
    };
    let execution = Execution::start(Rc::new(loaded.clone()), json!({}), express);
    assert_eq!(execution.status(), Status::TimedOut);
    assert_eq!(seconds_between(&execution), 300);
    let standard = Execution::start(Rc::new(loaded), json!({}), Options::default());
    assert_eq!(standard.status(), Status::Succeeded);
}

#[test]
fn a_failed_batch_counts_as_all_its_items_against_the_tolerance() {
    // Four items in batches of two; the second batch fails: half the items failed.
    let responses = || {
        mocks(json!({ "Handle": {
            "0": { "Return": { "Payload": 1 } },
            "1": { "Throw": { "Error": "Bad", "Cause": "batch 2" } } } }))
    };
    let run = |tolerance: Value| {
        let fields = with_fields(
            json!({ "ItemBatcher": { "MaxItemsPerBatch": 2 } }),
            tolerance,
        );
        start(distributed(fields), json!([1, 2, 3, 4]), Some(responses()))
    };
    assert_eq!(
        run(json!({ "ToleratedFailureCount": 1 })).status(),
        Status::Failed
    );
    assert_eq!(
        run(json!({ "ToleratedFailureCount": 2 })).status(),
        Status::Succeeded
    );
    assert_eq!(
        run(json!({ "ToleratedFailurePercentage": 50 })).status(),
        Status::Succeeded
    );
    assert_eq!(
        run(json!({ "ToleratedFailurePercentage": 49 })).status(),
        Status::Failed
    );
}
