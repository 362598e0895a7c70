//! Hostile or mistaken input ends in a clear message, in bounded time and memory: the
//! transition budget, nesting limits on every parser, and values that grow deeper each loop.

use serde_json::json;
use stepwise_asl::depth::{MAX_EXPRESSION_DEPTH, MAX_JSON_DEPTH};
use stepwise_asl::{load, LoadOptions};
use stepwise_engine::{Execution, Options, Status};

fn run(definition: serde_json::Value, options: Options) -> Execution {
    let text = definition.to_string();
    let loaded = load(&text, &LoadOptions::default());
    let machine = loaded
        .machine
        .unwrap_or_else(|| panic!("valid: {:?}", loaded.diagnostics));
    Execution::start(machine.into(), json!({}), options)
}

/// A loop that never meets its exit.
fn endless_loop() -> serde_json::Value {
    json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.done", "IsPresent": true, "Next": "C"}], "Default": "A"},
        "C": {"Type": "Succeed"}}})
}

#[test]
fn an_endless_express_loop_stops_at_the_budget_with_a_clear_error() {
    let options = Options {
        machine_type: stepwise_asl::MachineType::Express,
        max_transitions: 1_000,
        ..Options::default()
    };
    let execution = run(endless_loop(), options);
    assert_eq!(execution.status(), Status::Failed);
    let failure = execution.failure().unwrap();
    assert_eq!(failure.error, "Stepwise.TransitionBudgetExceeded");
    assert!(failure.cause.contains("not of AWS") && failure.cause.contains("--max-transitions"));
    assert_eq!(execution.transitions(), 1_001);
}

#[test]
fn no_catcher_takes_the_budget_error() {
    // The loop runs inside a Parallel whose Catch takes States.ALL.
    let definition = json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [endless_loop()],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
        "Caught": {"Type": "Succeed"}}});
    let options = Options {
        machine_type: stepwise_asl::MachineType::Express,
        max_transitions: 500,
        ..Options::default()
    };
    let execution = run(definition, options);
    assert_eq!(execution.status(), Status::Failed);
    assert_eq!(
        execution.failure().unwrap().error,
        "Stepwise.TransitionBudgetExceeded"
    );
}

#[test]
fn the_default_standard_quota_is_aws_s_25000_events() {
    let execution = run(endless_loop(), Options::default());
    let failure = execution.failure().unwrap();
    assert_eq!(failure.error, "States.Runtime");
    assert!(failure.cause.contains("25000"), "{}", failure.cause);
}

#[test]
fn a_value_that_grows_deeper_each_loop_stops_at_the_nesting_limit() {
    let definition = json!({"StartAt": "Wrap", "States": {
        "Wrap": {"Type": "Pass", "Parameters": {"inner.$": "$"}, "Next": "Again"},
        "Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "Wrap"},
        "Done": {"Type": "Succeed"}}});
    let options = Options {
        machine_type: stepwise_asl::MachineType::Express,
        ..Options::default()
    };
    let execution = run(definition, options);
    let failure = execution.failure().unwrap();
    assert_eq!(failure.error, "Stepwise.NestingLimitExceeded");
    assert!(failure.cause.contains(&MAX_JSON_DEPTH.to_string()));
}

#[test]
fn deeply_nested_text_gets_a_positioned_diagnostic_not_a_stack_overflow() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let loaded = load(&deep, &LoadOptions::default());
    let error = loaded.errors().next().unwrap();
    assert_eq!(error.code, "ASL003");
    assert_eq!(error.span.start, MAX_JSON_DEPTH);

    let nested_call = "States.ArrayLength(".repeat(1_000) + "$.a" + &")".repeat(1_000);
    let nested_path = format!("$.a[?(@.b == {})]", "(".repeat(1_000));
    let nested_jsonata = format!("{{% {}1{} %}}", "(".repeat(10_000), ")".repeat(10_000));
    for (key, value, code, language) in [
        ("x.$", nested_call, "ASL032", "JSONPath"),
        ("x.$", nested_path, "ASL030", "JSONPath"),
        ("x", nested_jsonata, "ASL034", "JSONata"),
    ] {
        let field = if language == "JSONata" {
            "Output"
        } else {
            "Parameters"
        };
        let definition = json!({"QueryLanguage": language, "StartAt": "A", "States": {
            "A": {"Type": "Pass", field: {key: value}, "End": true}}});
        let loaded = load(&definition.to_string(), &LoadOptions::default());
        let error = loaded
            .errors()
            .next()
            .unwrap_or_else(|| panic!("{code} not reported"));
        assert_eq!(error.code, code);
        assert!(
            error
                .message
                .contains(&format!("more than {MAX_EXPRESSION_DEPTH} levels")),
            "{}",
            error.message
        );
    }
}

#[test]
fn runaway_jsonata_recursion_fails_the_state_instead_of_the_process() {
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass",
              "Output": "{% ($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000000)) %}",
              "End": true}}});
    let execution = run(definition, Options::default());
    let failure = execution.failure().unwrap();
    assert_eq!(failure.error, "States.QueryEvaluationError");
    assert!(failure.cause.contains("D1011"), "{}", failure.cause);
}

// Found by fuzzing (fuzz/): each ended in a stack overflow, a hang or unbounded memory.

#[test]
fn a_result_path_deeper_than_the_nesting_limit_is_refused_when_loaded() {
    let definition = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "ResultPath": format!("${}", ".a".repeat(150_000)), "End": true}}});
    let loaded = load(&definition.to_string(), &LoadOptions::default());
    let error = loaded.errors().next().expect("refused");
    assert!(
        error
            .message
            .contains(&format!("more than {MAX_JSON_DEPTH} steps")),
        "{}",
        error.message
    );
}

#[test]
fn a_jsonata_result_deeper_than_the_nesting_limit_fails_the_state() {
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Output": "{% $reduce([1..30000], function($a, $v) { {\"a\": $a} }, 1) %}", "End": true}}});
    let execution = run(definition, Options::default());
    assert_eq!(
        execution.failure().unwrap().error,
        "Stepwise.NestingLimitExceeded"
    );
}

#[test]
fn an_endless_jsonata_tail_recursion_times_out() {
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Output": "{% ($f := function() { $f() }; $f()) %}", "End": true}}});
    let execution = run(definition, Options::default());
    let failure = execution.failure().unwrap();
    assert_eq!(failure.error, "States.QueryEvaluationError");
    assert!(failure.cause.contains("D1012"), "{}", failure.cause);
}

#[test]
fn a_loop_whose_causes_grow_stops_at_the_history_budget() {
    // Each caught ResultPath failure quotes the whole input in its cause, which the next
    // iteration carries: the history grows by the square of the iterations.
    let definition = json!({"StartAt": "S0", "States": {
        "S0": {"Type": "Parallel", "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}],
               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "S1", "ResultPath": "$.error"}], "Next": "S1"},
        "S1": {"Type": "Parallel", "Branches": [{"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}],
               "ResultPath": "$.r", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "S0"}], "End": true}}});
    let options = Options {
        machine_type: stepwise_asl::MachineType::Express,
        max_history_bytes: 4 << 20,
        ..Options::default()
    };
    let execution = run(definition, options);
    let failure = execution.failure().unwrap();
    assert_eq!(failure.error, "Stepwise.HistoryBudgetExceeded");
    assert!(
        failure.cause.contains("more than 4 MB"),
        "{}",
        failure.cause
    );
}

fn run_with_input(definition: serde_json::Value, input: serde_json::Value) -> Execution {
    let loaded = load(&definition.to_string(), &LoadOptions::default());
    let machine = loaded
        .machine
        .unwrap_or_else(|| panic!("valid: {:?}", loaded.diagnostics));
    Execution::start(machine.into(), input, Options::default())
}

#[test]
fn waits_and_deadlines_of_i64_max_seconds_saturate_instead_of_overflowing_the_clock() {
    let far = json!({"t": i64::MAX});
    let wait = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "SecondsPath": "$.t", "End": true}}});
    assert_eq!(
        run_with_input(wait, far.clone()).status(),
        Status::Succeeded
    );

    let task = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
              "TimeoutSecondsPath": "$.t", "End": true}}});
    assert_eq!(
        run_with_input(task, far.clone()).status(),
        Status::Succeeded
    );

    let callback = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
              "TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.t", "End": true}}});
    let mut execution = run_with_input(callback, far);
    assert_eq!(execution.status(), Status::Waiting);
    execution.advance(u64::MAX).unwrap();
    assert_eq!(execution.status(), Status::Waiting);
}

#[test]
fn templates_and_intrinsics_that_copy_the_input_many_times_stop_at_the_built_bytes_bound() {
    let input = json!({"s": "a".repeat(250_000)});
    let many_paths: serde_json::Map<String, serde_json::Value> = (0..100)
        .map(|i| (format!("k{i}.$"), json!("$.s")))
        .collect();
    let copies = vec!["$.s"; 100].join(", ");
    let format = format!("States.Format('{}', {copies})", "{}".repeat(100));
    let array_length = format!("States.ArrayLength(States.Array({copies}))");
    for (parameters, field) in [
        (serde_json::Value::Object(many_paths), "k67.$"),
        (json!({"r.$": format}), "r.$"),
        (json!({"r.$": array_length}), "r.$"),
    ] {
        let definition = json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Parameters": parameters, "End": true}}});
        let execution = run_with_input(definition, input.clone());
        let failure = execution.failure().unwrap();
        assert_eq!(failure.error, "States.DataLimitExceeded");
        assert_eq!(
            failure.cause,
            format!("The value built for the field '{field}' exceeds 16777216 bytes, far over the 262144-byte limit of a payload.")
        );
    }
}

#[test]
fn a_long_loop_of_small_events_stops_at_the_history_budget() {
    // Every event shares the same texts: only the events themselves fill the history.
    let options = Options {
        machine_type: stepwise_asl::MachineType::Express,
        max_transitions: u64::MAX,
        max_history_bytes: 1 << 20,
        ..Options::default()
    };
    let execution = run(endless_loop(), options);
    let failure = execution.failure().unwrap();
    assert_eq!(failure.error, "Stepwise.HistoryBudgetExceeded");
    assert!(
        failure.cause.contains("more than 1 MB of events"),
        "{}",
        failure.cause
    );
}

#[test]
fn a_distributed_map_whose_children_use_up_the_budget_fails_with_the_budget_error() {
    let definition = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemsPath": "$.items",
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                                "StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}},
              "End": true}}});
    let loaded = load(&definition.to_string(), &LoadOptions::default());
    let options = Options {
        max_transitions: 1_000,
        ..Options::default()
    };
    let input = json!({"items": (0..5_000).collect::<Vec<u32>>()});
    let execution = Execution::start(loaded.machine.unwrap().into(), input, options);
    let failure = execution.failure().unwrap();
    assert_eq!(failure.error, "Stepwise.TransitionBudgetExceeded");
    assert!(
        execution.children().len() < 5_000,
        "no child after the one that met it"
    );
}

/// An input of exactly `bytes` bytes of UTF-8: `{"d":"ééé…"}`, padded with `x`.
fn input_of(bytes: usize) -> String {
    let frame = r#"{"d":""}"#.len();
    let accents = (bytes - frame) / 2;
    let padding = bytes - frame - accents * 2;
    format!(
        r#"{{"d":"{}{}"}}"#,
        "é".repeat(accents),
        "x".repeat(padding)
    )
}

#[test]
fn an_input_over_256_kib_is_refused_as_start_execution_refuses_it() {
    use stepwise_engine::execution_input::InputError;
    use stepwise_engine::{start, RunRequest, StartError};
    let request = |input: String| RunRequest {
        definition: r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#.into(),
        input,
        ..RunRequest::default()
    };
    // The limit counts UTF-8 bytes, not characters.
    let at_limit = input_of(262_144);
    assert_eq!(at_limit.len(), 262_144);
    assert!(at_limit.chars().count() < 262_144);
    let started = start(&request(at_limit), Options::default());
    assert!(started.is_ok_and(|e| e.status() == Status::Succeeded));
    let refused = start(&request(input_of(262_145)), Options::default()).err();
    let Some(refused) = refused else {
        panic!("an input over the limit starts")
    };
    assert_eq!(
        refused,
        StartError::Input(InputError::TooLarge { bytes: 262_145 })
    );
    let StartError::Input(error) = refused else {
        unreachable!()
    };
    assert_eq!(
        error.to_string(),
        "ValidationException: 1 validation error detected: Value at 'input' failed to satisfy \
         constraint: Member must have length less than or equal to 262144"
    );
    // Size comes first, as on AWS: an oversized text is refused for its size, JSON or not.
    let not_json = format!("{{{}", "x".repeat(262_144));
    assert_eq!(
        start(&request(not_json), Options::default()).err(),
        Some(StartError::Input(InputError::TooLarge { bytes: 262_145 }))
    );
    assert_eq!(
        start(&request("{\"a\": x}".into()), Options::default()).err(),
        Some(StartError::Input(InputError::NotJson(
            "line 1, column 7: expected value".into()
        )))
    );
}
