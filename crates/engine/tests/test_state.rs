//! TestState: each case is a TestState request and the response AWS recorded for it (from
//! LocalStack's snapshot tests, recorded against AWS; the file named at each case), or, where
//! AWS recorded nothing, what its documentation says.

use serde_json::{json, Value};
use stepwise_engine::test_state::{
    load_definition, test_state, FieldValidationMode, InspectionLevel, TestMock, TestStateRequest,
};
use stepwise_engine::{Options, RunRequest};

/// Run a TestState request given in AWS's request shape (with JSON values, not strings).
fn answer(definition: &Value, request: Value) -> Result<Value, String> {
    let run = RunRequest {
        definition: definition.to_string(),
        ..RunRequest::default()
    };
    let machine = load_definition(&run, stepwise_asl::MachineType::Standard)
        .map_err(|e| format!("definition: {e:?}"))?;
    let config = &request["stateConfiguration"];
    let mock = &request["mock"];
    let request = TestStateRequest {
        state: request["stateName"].as_str().unwrap_or_default().to_owned(),
        input: request.get("input").cloned().unwrap_or(json!({})),
        variables: request["variables"]
            .as_object()
            .cloned()
            .unwrap_or_default(),
        context: request.get("context").cloned(),
        mock: if let Some(result) = mock.get("result") {
            Some(TestMock::Result(result.clone()))
        } else {
            mock.get("errorOutput").map(|e| TestMock::Error {
                error: e["error"].as_str().unwrap_or_default().to_owned(),
                cause: e["cause"].as_str().unwrap_or_default().to_owned(),
            })
        },
        field_validation_mode: match mock["fieldValidationMode"].as_str() {
            Some("NONE") => FieldValidationMode::None,
            Some("PRESENT") => FieldValidationMode::Present,
            _ => FieldValidationMode::Strict,
        },
        retrier_retry_count: config["retrierRetryCount"].as_u64().unwrap_or(0) as u32,
        error_caused_by_state: config["errorCausedByState"].as_str().map(str::to_owned),
        map_iteration_failure_count: config["mapIterationFailureCount"].as_u64(),
        map_item_reader_data: config.get("mapItemReaderData").cloned(),
        inspection_level: match request["inspectionLevel"].as_str() {
            Some("DEBUG") => InspectionLevel::Debug,
            Some("TRACE") => InspectionLevel::Trace,
            _ => InspectionLevel::Info,
        },
    };
    let response = test_state(&machine, &request, &Options::default()).map_err(|e| e.0)?;
    Ok(parsed(
        serde_json::to_value(response).expect("serialisable"),
    ))
}

/// The response with its JSON-text fields parsed, so it compares with what AWS recorded.
fn parsed(mut response: Value) -> Value {
    fn parse(value: &mut Value) {
        if let Value::String(text) = value {
            if let Ok(inner) = serde_json::from_str::<Value>(text) {
                *value = inner;
            }
        }
    }
    if let Some(output) = response.get_mut("output") {
        parse(output);
    }
    if let Some(Value::Object(data)) = response.get_mut("inspectionData") {
        for (key, value) in data.iter_mut() {
            if key != "errorDetails" {
                parse(value);
            }
        }
    }
    response
}

#[track_caller]
fn check(name: &str, definition: Value, request: Value, expected: Value) {
    match answer(&definition, request) {
        Ok(got) => assert_eq!(got, expected, "{name}: the response differs from AWS's"),
        Err(e) => panic!("{name}: the request was refused: {e}"),
    }
}

#[track_caller]
fn refused(name: &str, definition: Value, request: Value, message: &str) {
    match answer(&definition, request) {
        Ok(got) => panic!("{name}: AWS refuses this request ({message}), Stepwise answered {got}"),
        Err(e) => assert_eq!(e, message, "{name}"),
    }
}

const HELLO: &str = r#"{"Value": "HelloWorld"}"#;

fn hello() -> Value {
    serde_json::from_str(HELLO).unwrap()
}

// test_test_state_scenarios.snapshot.json: test_base_inspection_level_debug[*]
#[test]
fn pass_succeed_fail_and_choice_show_their_jsonpath_stages() {
    let debug = |input: Value| json!({"input": input, "inspectionLevel": "DEBUG"});
    check(
        "BASE_PASS_STATE",
        json!({"Type": "Pass", "End": true}),
        debug(hello()),
        json!({"output": hello(), "status": "SUCCEEDED", "inspectionData": {
            "input": hello(), "afterInputPath": hello(), "afterParameters": hello(),
            "afterResultSelector": hello(), "afterResultPath": hello()}}),
    );
    check(
        "BASE_RESULT_PASS_STATE",
        json!({"Type": "Pass", "Result": {"resultKey": "result value"}, "End": true}),
        debug(hello()),
        json!({"output": {"resultKey": "result value"}, "status": "SUCCEEDED", "inspectionData": {
            "input": hello(), "result": {"resultKey": "result value"},
            "afterResultSelector": {"resultKey": "result value"},
            "afterResultPath": {"resultKey": "result value"}}}),
    );
    let nested = json!({"initialData": {"fieldFromInput": "value from input", "otherField": "other"}, "unrelatedData": {"someOtherField": 1234}});
    let params = json!({"staticValue": "some value", "inputValue": "value from input"});
    let mut out = nested.clone();
    out["modifiedData"] = params.clone();
    check(
        "IO_PASS_STATE",
        json!({"Type": "Pass", "InputPath": "$.initialData", "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"}, "ResultPath": "$.modifiedData", "End": true}),
        debug(nested.clone()),
        json!({"output": out, "status": "SUCCEEDED", "inspectionData": {
            "input": nested, "afterInputPath": nested["initialData"], "afterParameters": params,
            "afterResultSelector": params, "afterResultPath": out}}),
    );
    check(
        "BASE_FAIL_STATE",
        json!({"Type": "Fail", "Error": "SomeFailure", "Cause": "This state machines raises a 'SomeFailure' failure."}),
        debug(hello()),
        json!({"error": "SomeFailure", "cause": "This state machines raises a 'SomeFailure' failure.",
               "status": "FAILED", "inspectionData": {"input": hello(), "afterInputPath": hello()}}),
    );
    check(
        "BASE_SUCCEED_STATE",
        json!({"Type": "Succeed"}),
        debug(hello()),
        json!({"output": hello(), "status": "SUCCEEDED", "inspectionData": {"input": hello(), "afterInputPath": hello()}}),
    );
    let input = json!({"type": "Private", "value": 22});
    check(
        "BASE_CHOICE_STATE",
        json!({"Type": "Choice", "Choices": [
            {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
            {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
            {"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20}, {"Variable": "$.value", "NumericLessThan": 30}], "Next": "ValueInTwenties"}],
            "Default": "DefaultState"}),
        debug(input.clone()),
        json!({"output": input, "nextState": "ValueInTwenties", "status": "SUCCEEDED",
               "inspectionData": {"input": input, "afterInputPath": input}}),
    );
    // INFO never carries inspectionData.
    check(
        "BASE_PASS_STATE at INFO",
        json!({"Type": "Pass", "End": true}),
        json!({"input": hello()}),
        json!({"output": hello(), "status": "SUCCEEDED"}),
    );
}

// test_test_state_scenarios.snapshot.json: test_state_task_catch_error[DEBUG]
#[test]
fn a_catcher_answers_caught_error_with_its_next_state_and_output() {
    let definition = json!({"QueryLanguage": "JSONata", "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "foo", "Payload": "bar"},
        "Catch": [{"ErrorEquals": ["MockException"], "Output": "{% $states.errorOutput %}", "Next": "HandleMockError"},
                  {"ErrorEquals": ["States.TaskFailed"], "Output": "{% $states.errorOutput %}", "Next": "HandleThreshold"}],
        "End": true});
    for (error, cause, index, next) in [
        (
            "MockException",
            "Mock the cause of the error.",
            0,
            "HandleMockError",
        ),
        (
            "States.TaskFailed",
            "The task failed.",
            1,
            "HandleThreshold",
        ),
    ] {
        check(
            error,
            definition.clone(),
            json!({"input": hello(), "inspectionLevel": "DEBUG", "mock": {"errorOutput": {"error": error, "cause": cause}}}),
            json!({"error": error, "cause": cause, "status": "CAUGHT_ERROR", "nextState": next,
                   "output": {"Error": error, "Cause": cause},
                   "inspectionData": {"input": hello(), "afterArguments": {"FunctionName": "foo", "Payload": "bar"},
                                      "errorDetails": {"catchIndex": index}}}),
        );
    }
}

// test_state_configuration.snapshot.json: test_state_configuration_retrier_retry_count
#[test]
fn a_retrier_answers_retriable_with_its_backoff_until_its_attempts_are_used_up() {
    let definition = json!({"QueryLanguage": "JSONata", "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "foo", "Payload": "bar"},
        "Retry": [{"ErrorEquals": ["MockException"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2.0}],
        "End": true});
    let input = json!({"Values": ["first", "second", "third"]});
    let request = |count: u64| {
        json!({"input": input, "inspectionLevel": "DEBUG",
        "mock": {"errorOutput": {"error": "MockException", "cause": "Mock the cause of the error."}},
        "stateConfiguration": {"retrierRetryCount": count}})
    };
    let arguments = json!({"FunctionName": "foo", "Payload": "bar"});
    check(
        "retry count 4",
        definition.clone(),
        request(4),
        json!({"error": "MockException", "cause": "Mock the cause of the error.", "status": "RETRIABLE",
               "inspectionData": {"input": input, "afterArguments": arguments,
                                  "errorDetails": {"retryBackoffIntervalSeconds": 16, "retryIndex": 0}}}),
    );
    check(
        "retry count 5",
        definition,
        request(5),
        json!({"error": "MockException", "cause": "Mock the cause of the error.", "status": "FAILED",
               "inspectionData": {"input": input, "afterArguments": arguments, "errorDetails": {"retryIndex": 0}}}),
    );
}

// test_state_configuration.snapshot.json: test_map_state_failure_count, BASE_MAP_STATE_RETRY and _CATCH
#[test]
fn a_mocked_map_reports_its_settings_and_its_tolerated_failures() {
    let map = |handlers: Value| {
        let mut state = json!({"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% $states.input.Values %}",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "TestState",
                "States": {"TestState": {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {"FunctionName": "foo", "Payload": "bar"}, "End": true}}},
            "ToleratedFailureCount": 1, "End": true});
        for (k, v) in handlers.as_object().unwrap() {
            state[k] = v.clone();
        }
        state
    };
    let input = json!({"Values": ["first", "second", "third"]});
    let request = |failures: u64, result: Value| {
        json!({"input": input, "inspectionLevel": "DEBUG",
        "mock": {"result": result}, "stateConfiguration": {"mapIterationFailureCount": failures}})
    };
    let retry = map(
        json!({"Retry": [{"ErrorEquals": ["MockException"], "MaxAttempts": 3},
                                     {"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "MaxAttempts": 2}]}),
    );
    check(
        "below the threshold",
        retry.clone(),
        request(0, json!([1, 1, 1])),
        json!({"output": [1, 1, 1], "status": "SUCCEEDED",
               "inspectionData": {"input": input, "maxConcurrency": 0, "toleratedFailureCount": 1}}),
    );
    check(
        "over the threshold, retried",
        retry,
        request(2, json!([0, 0, 1])),
        json!({"error": "States.ExceedToleratedFailureThreshold", "cause": "The specified tolerated failure threshold was exceeded",
               "status": "RETRIABLE", "inspectionData": {"input": input, "maxConcurrency": 0, "toleratedFailureCount": 1,
                   "errorDetails": {"retryBackoffIntervalSeconds": 1, "retryIndex": 1}}}),
    );
    let catch = map(
        json!({"Catch": [{"ErrorEquals": ["MockException"], "Output": "{% $states.errorOutput %}", "Next": "HandleMockError"},
                                     {"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Output": "{% $states.errorOutput %}", "Next": "HandleThreshold"}]}),
    );
    check(
        "over the threshold, caught",
        catch,
        request(2, json!([0, 0, 1])),
        json!({"error": "States.ExceedToleratedFailureThreshold", "cause": "The specified tolerated failure threshold was exceeded",
               "status": "CAUGHT_ERROR", "nextState": "HandleThreshold",
               "output": {"Error": "States.ExceedToleratedFailureThreshold", "Cause": "The specified tolerated failure threshold was exceeded"},
               "inspectionData": {"input": input, "maxConcurrency": 0, "toleratedFailureCount": 1, "errorDetails": {"catchIndex": 1}}}),
    );
    // Without a ToleratedFailure field, AWS applies no threshold.
    let mut unbounded = map(json!({}));
    unbounded
        .as_object_mut()
        .unwrap()
        .remove("ToleratedFailureCount");
    check(
        "no threshold",
        unbounded,
        request(2, json!([0, 0, 1])),
        json!({"output": [0, 0, 1], "status": "SUCCEEDED", "inspectionData": {"input": input, "maxConcurrency": 0}}),
    );
}

// test_state_context_object.snapshot.json: test_state_map_context_object[EXECUTION_INPUT_VALUES]
#[test]
fn a_jsonpath_map_shows_its_items_and_a_given_context_replaces_the_simulated_one() {
    let definition = json!({"Type": "Map", "ItemsPath": "$$.Execution.Input.values", "MaxConcurrency": 1,
        "ItemProcessor": {"StartAt": "HandleItem", "States": {"HandleItem": {"Type": "Pass", "End": true}}}, "End": true});
    let context = json!({"Execution": {"Id": "arn:aws:states:::execution:MyStateMachine:execution-name-12345",
        "Input": {"input-value": 0, "message": "test data", "values": ["charizard", "pikachu", "bulbasaur"]},
        "Name": "execution-name-12345", "RoleArn": "arn:aws:iam:::role/StepFunctionsRole", "StartTime": "2025-01-15T10:30:00.000Z"},
        "State": {"EnteredTime": "2025-01-15T10:30:01.500Z", "Name": "MyTaskState", "RetryCount": 0},
        "StateMachine": {"Id": "arn:aws:states:::stateMachine:MyStateMachine", "Name": "MyStateMachine"}});
    let input = json!(["fire", "electricity", "grass"]);
    let result = json!(["CHARIZARD", "PIKACHU", "BULBASAUR"]);
    check(
        "map context",
        definition,
        json!({"input": input, "context": context, "inspectionLevel": "TRACE", "mock": {"result": result}}),
        json!({"output": result, "status": "SUCCEEDED", "inspectionData": {
            "input": input, "afterInputPath": input, "afterItemsPath": ["charizard", "pikachu", "bulbasaur"],
            "afterResultSelector": result, "afterResultPath": result, "maxConcurrency": 1}}),
    );
}

// test_test_state_scenarios.snapshot.json: test_state_with_variables[base_expressions]
#[test]
fn variables_given_are_in_scope_and_reported_as_given() {
    let definition = json!({"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"var_input_value.$": "$.input_value", "var_constant_1": 1}, "Next": "State0"},
        "State0": {"QueryLanguage": "JSONata", "Type": "Pass", "Output": {
            "ja_var_access": "{% $var_input_value %}", "ja_expr": "{% $sum($states.input.input_values) + $var_constant_1 %}",
            "state_name": "{% $states.context.State.Name %}"}, "End": true}}});
    let variables = json!({"var_input_value": "test_value", "var_constant_1": 10});
    check(
        "variables",
        definition,
        json!({"stateName": "State0", "input": {"input_values": [1, 2, 3]}, "variables": variables, "inspectionLevel": "TRACE"}),
        json!({"output": {"ja_var_access": "test_value", "ja_expr": 16, "state_name": "StateName"}, "status": "SUCCEEDED",
               "inspectionData": {"input": {"input_values": [1, 2, 3]}, "variables": variables}}),
    );
}

// test_test_state_mock_scenarios.snapshot.json, test_state_context_object.snapshot.json:
// a mocked Task's result goes through the JSONPath chain unchanged.
#[test]
fn a_mocked_task_result_goes_through_result_selector_and_result_path() {
    check(
        "dynamodb io",
        json!({"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
               "Parameters": {"TableName.$": "$.TableName", "Item.$": "$.Item"}, "ResultPath": "$.putItemOutput", "End": true}),
        json!({"input": {"TableName": "t", "Item": {"id": {"S": "id1"}}}, "mock": {"result": {"SdkHttpMetadata": {"HttpStatusCode": 200}}}}),
        json!({"output": {"TableName": "t", "Item": {"id": {"S": "id1"}}, "putItemOutput": {"SdkHttpMetadata": {"HttpStatusCode": 200}}},
               "status": "SUCCEEDED"}),
    );
    let result = json!({"pokemon": ["charizard", "pikachu", "bulbasaur"]});
    check(
        "callback with a given token",
        json!({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
               "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/111111111111/test-queue",
                              "MessageBody": {"Message": "Hello from Step Functions!", "TaskToken.$": "$$.Task.Token"}},
               "ResultPath": "$.SQS", "Next": "NEXT_STATE"}),
        json!({"inspectionLevel": "TRACE", "context": {"Task": {"Token": "abcd123"}}, "mock": {"result": result}}),
        json!({"output": {"SQS": result}, "nextState": "NEXT_STATE", "status": "SUCCEEDED", "inspectionData": {
            "input": {}, "afterInputPath": {},
            "afterParameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/111111111111/test-queue",
                                "MessageBody": {"Message": "Hello from Step Functions!", "TaskToken": "abcd123"}},
            "result": result, "afterResultSelector": result, "afterResultPath": {"SQS": result}}}),
    );
}

// test_state_mock_validation, test_field_validation_mode*, test_state_context_object (errors),
// test_test_state_machine_scenarios (state not found).
#[test]
fn requests_aws_refuses_are_refused_with_its_words() {
    let pass = json!({"Type": "Pass", "End": true});
    refused(
        "mocked Pass",
        pass.clone(),
        json!({"mock": {"result": {}}}),
        "State type 'Pass' is not supported when a mock is specified",
    );
    refused(
        "unknown state",
        json!({"StartAt": "A", "States": {"A": pass}}),
        json!({"stateName": "dne"}),
        "State not found in definition",
    );
    let map = json!({"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true});
    refused("Map without mock", map.clone(), json!({}), "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]");
    refused(
        "Map mocked with an object",
        map,
        json!({"mock": {"result": {}}}),
        "Mocked result must be an array.",
    );
    let start = json!({"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::states:startExecution", "End": true});
    refused(
        "STRICT",
        start.clone(),
        json!({"mock": {"result": {}}}),
        "Mock result schema validation error: Required field 'ExecutionArn' is missing",
    );
    check(
        "PRESENT",
        start.clone(),
        json!({"mock": {"result": {}, "fieldValidationMode": "PRESENT"}}),
        json!({"output": {}, "status": "SUCCEEDED"}),
    );
    check(
        "NONE",
        start.clone(),
        json!({"mock": {"result": {"StartDate": true}, "fieldValidationMode": "NONE"}}),
        json!({"output": {"StartDate": true}, "status": "SUCCEEDED"}),
    );
    let ok = json!({"result": {"ExecutionArn": "a", "StartDate": "b"}});
    refused("context Map", start.clone(), json!({"mock": ok, "context": {"Map": {}}}),
            "Invalid Context object provided: 'Map' field is not supported when mocking a Context object");
    refused(
        "context unknown",
        start.clone(),
        json!({"mock": ok, "context": {"Pokedex": {}}}),
        "Invalid Context object provided: Field 'Pokedex' is not allowed",
    );
    refused(
        "context Execution.Id",
        start.clone(),
        json!({"mock": ok, "context": {"Execution": {"Id": 1}}}),
        "Invalid Context object provided: Execution.Id must be a string",
    );
    refused("context Task", json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}),
            json!({"mock": {"result": {}}, "context": {"Task": {"Token": "t"}}}),
            "Invalid Context object provided: Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern");
}

// From the AWS documentation (nothing recorded): a Wait state takes no virtual time that
// matters to TestState, and a state nested in a Map runs like any other.
#[test]
fn wait_and_nested_states_run_alone() {
    check(
        "Wait",
        json!({"Type": "Wait", "Seconds": 31536000, "Next": "After"}),
        json!({"input": hello(), "inspectionLevel": "DEBUG"}),
        json!({"output": hello(), "nextState": "After", "status": "SUCCEEDED", "inspectionData": {"input": hello(), "afterInputPath": hello()}}),
    );
    check(
        "nested",
        json!({"StartAt": "State0", "States": {"State0": {"Type": "Map", "ItemsPath": "$.Values",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "HandleItem",
                "States": {"HandleItem": {"Type": "Pass", "End": true}}}, "ToleratedFailureCount": 2, "End": true}}}),
        json!({"stateName": "HandleItem", "input": hello()}),
        json!({"output": hello(), "status": "SUCCEEDED"}),
    );
}

// From the AWS documentation (nothing recorded): a Parallel state is tested with its whole
// result mocked, one element per branch, and its result goes through its JSONPath chain.
#[test]
fn a_parallel_state_runs_on_its_mocked_branch_results() {
    let definition = json!({"Type": "Parallel", "ResultSelector": {"first.$": "$[0]"}, "ResultPath": "$.branches", "Next": "After",
        "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
                     {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]});
    check(
        "Parallel",
        definition.clone(),
        json!({"input": hello(), "inspectionLevel": "DEBUG", "mock": {"result": [1, 2]}}),
        json!({"output": {"Value": "HelloWorld", "branches": {"first": 1}}, "nextState": "After", "status": "SUCCEEDED",
               "inspectionData": {"input": hello(), "afterInputPath": hello(), "afterParameters": hello(), "result": [1, 2],
                                  "afterResultSelector": {"first": 1}, "afterResultPath": {"Value": "HelloWorld", "branches": {"first": 1}}}}),
    );
    check(
        "Parallel failing in a branch",
        definition.clone(),
        json!({"mock": {"errorOutput": {"error": "Boom", "cause": "in B"}}, "stateConfiguration": {"errorCausedByState": "B"}}),
        json!({"error": "Boom", "cause": "in B", "status": "FAILED"}),
    );
    refused(
        "errorCausedByState outside",
        definition.clone(),
        json!({"mock": {"errorOutput": {"error": "Boom", "cause": ""}}, "stateConfiguration": {"errorCausedByState": "After"}}),
        "errorCausedByState 'After' is not a state inside the Parallel or Map state 'StateName'.",
    );
    refused(
        "Parallel without a mock",
        definition,
        json!({}),
        "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]",
    );
}
