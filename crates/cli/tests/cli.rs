//! The `stepwise` binary end to end: real files, real exit codes, real JSON output.

mod common;

use std::process::{Command, Output};

use common::{stepwise, temp_file, text};

use serde_json::Value;

fn example() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../public/examples/order-processing.asl.json"
    )
    .to_owned()
}

#[test]
fn validate_exit_codes_follow_the_contract() {
    assert_eq!(stepwise(&["validate", &example()]).status.code(), Some(0));
    let broken = temp_file(
        "broken.json",
        br#"{"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}}"#,
    );
    let out = stepwise(&["validate", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ASL020"));
    assert_eq!(
        stepwise(&["validate", "/definitely/missing.json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(stepwise(&["validate"]).status.code(), Some(2));
}

#[test]
fn validate_survives_empty_and_binary_files() {
    for (name, content) in [
        ("empty.json", &b""[..]),
        ("garbage.json", &[0xff, 0xfe, 0x00, 0x13, 0x37][..]),
    ] {
        let path = temp_file(name, content);
        let out = stepwise(&["validate", "--json", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let report: Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
        let expected = if content.is_empty() {
            "ASL004"
        } else {
            "ASL001"
        };
        assert_eq!(report[0]["diagnostics"][0]["code"], expected, "{name}");
    }
}

#[test]
fn validate_json_lists_states_and_positioned_diagnostics() {
    let out = stepwise(&[
        "validate",
        "--json",
        "--substitution",
        "ValidateOrderFunction=arn:aws:lambda:us-east-1:123456789012:function:v",
        &example(),
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report[0]["valid"], true);
    assert_eq!(report[0]["states"][0], "ValidateOrder");
    let diagnostics = report[0]["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().all(|d| d["code"] != "LINT001"),
        "an ARN DefinitionSubstitutions supplies is not hard-coded"
    );
    let lint = diagnostics
        .iter()
        .find(|d| d["code"] == "LINT003")
        .expect("tasks without a Catch are linted");
    assert_eq!(lint["severity"], "warning");
    assert!(lint["start"]["line"].as_u64().unwrap() > 1);
    assert!(lint["hint"].as_str().is_some());
}

#[test]
fn run_prints_one_json_object_and_exits_by_status() {
    let definition = temp_file("pass.json", br#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, 2)"}, "End": true}}}"#);
    let out = stepwise(&[
        "run",
        definition.to_str().unwrap(),
        "--input",
        r#"{"a": 40}"#,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["status"], "SUCCEEDED");
    assert_eq!(result["output"], serde_json::json!({"sum": 42}));
    assert_eq!(result["history"][0]["type"], "ExecutionStarted");

    let out = stepwise(&[
        "run",
        definition.to_str().unwrap(),
        "--input",
        r#"{"a": 40}"#,
        "--json",
        "--history",
        "none",
    ]);
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(result.get("history").is_none());

    let failing = temp_file("fail.json", br#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "because"}}}"#);
    let out = stepwise(&["run", failing.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (result["error"].as_str(), result["cause"].as_str()),
        (Some("Oops"), Some("because"))
    );

    assert_eq!(
        stepwise(&["run", definition.to_str().unwrap(), "--input", "{not json"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn run_uses_mock_files_and_reports_broken_ones() {
    let definition = temp_file("task.json", br#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#);
    let mocks = temp_file("mocks.json", br#"{"StateMachines": {"M": {"TestCases": {"T": {"T": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": {"mocked": true}}}}}"#);
    let out = stepwise(&[
        "run",
        definition.to_str().unwrap(),
        "--mock-config",
        mocks.to_str().unwrap(),
        "--test-case",
        "T",
        "--json",
    ]);
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["output"], serde_json::json!({"mocked": true}));
    let broken = temp_file("broken-mocks.json", b"{\"StateMachines\": 3}");
    let out = stepwise(&[
        "run",
        definition.to_str().unwrap(),
        "--mock-config",
        broken.to_str().unwrap(),
        "--test-case",
        "T",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("MOCK001"));
}

#[test]
fn eval_prints_results_undefined_and_errors() {
    let input = temp_file("input.json", br#"{"a": [1, 2, 3]}"#);
    let out = stepwise(&["eval", "$sum(a)", "--input", input.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "6");
    let out = stepwise(&[
        "eval",
        "missing",
        "--json",
        "--input",
        input.to_str().unwrap(),
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"{"undefined":true}"#
    );
    assert_eq!(out.status.code(), Some(0));
    let out = stepwise(&["eval", "1 + 'a'", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["code"], "T2002");
}

#[test]
fn run_answers_callbacks_from_the_command_line() {
    let definition = temp_file(
        "callback.json",
        br#"{"StartAt": "Approve", "States": {"Approve": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "ResultPath": "$.approval", "End": true}}}"#,
    );
    let definition = definition.to_str().unwrap();
    let waiting = stepwise(&["run", definition, "--json"]);
    assert_eq!(waiting.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&waiting.stdout).unwrap();
    assert_eq!(report["status"], "WAITING");
    assert_eq!(report["pending"][0]["state"], "Approve");
    assert_eq!(report["pending"][0]["token"].as_str().unwrap().len(), 64);

    let answer = temp_file("answer.json", br#"{"approved": true}"#);
    let answered = stepwise(&[
        "run",
        definition,
        "--json",
        "--callback",
        &format!("Approve=@{}", answer.to_str().unwrap()),
    ]);
    let report: Value = serde_json::from_slice(&answered.stdout).unwrap();
    assert_eq!(report["status"], "SUCCEEDED");
    assert_eq!(report["output"]["approval"]["approved"], true);

    let refused = stepwise(&[
        "run",
        definition,
        "--json",
        "--callback",
        "Approve=!Rejected:too expensive",
    ]);
    let report: Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(
        (report["error"].as_str(), report["cause"].as_str()),
        (Some("Rejected"), Some("too expensive"))
    );

    let broken = stepwise(&["run", definition, "--callback", "Approve={oops"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("not JSON"));
}

#[test]
fn run_reports_a_distributed_maps_child_executions() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/examples/");
    let out = stepwise(&[
        "run",
        &format!("{examples}distributed-map.asl.json"),
        "--input-file",
        &format!("{examples}distributed-map.input.json"),
        "--mock-config",
        &format!("{examples}distributed-map.mocks.json"),
        "--test-case",
        "Resized",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    // Five CSV rows, two per batch.
    assert!(text.contains("MapRunStarted"), "{text}");
    assert!(
        text.contains("Map Run child executions: 3 (3 succeeded, 0 not)"),
        "{text}"
    );
}

/// A Parallel branch whose state "a/b" goes nowhere, beside warnings AWS reports and a lint
/// it does not.
const AWS_CASE: &[u8] = br#"{"StartAt": "P", "States": {
  "P": {"Type": "Parallel", "Branches": [{"StartAt": "a/b", "States": {
    "a/b": {"Type": "Pass", "Parameters": {"a": "$.a"}, "Next": "Ghost"}}}], "Next": "T"},
  "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "F"},
  "F": {"Type": "Fail", "Error": "$.error"}}}"#;

fn aws(args: &[&str]) -> (Option<i32>, String, Value) {
    let out = stepwise(args);
    let text = String::from_utf8(out.stdout).unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (out.status.code(), text, value)
}

#[test]
fn validate_format_aws_answers_as_validate_state_machine_definition() {
    let (code, text, response) = aws(&["validate", "--format", "aws", &example()]);
    assert_eq!(code, Some(0));
    assert_eq!(
        response,
        serde_json::json!({"result": "OK", "diagnostics": [], "truncated": false}),
        "only AWS's findings, so the example's lints are left out"
    );
    assert!(
        text.starts_with("{\n  \"result\": \"OK\",\n  \"diagnostics\": []"),
        "{text}"
    );

    let file = temp_file("aws-case.json", AWS_CASE);
    let file = file.to_str().unwrap();
    let (code, text, response) = aws(&["validate", "--format", "aws", file]);
    assert_eq!(code, Some(1));
    assert_eq!(
        response,
        serde_json::json!({
            "result": "FAIL",
            "diagnostics": [{
                "severity": "ERROR",
                "code": "MISSING_END_STATE",
                "message": "Workflow has no terminal state",
                "location": "/States/P/Branches[0]"
            }, {
                "severity": "ERROR",
                "code": "MISSING_TRANSITION_TARGET",
                "message": "Missing 'Next' target: Ghost",
                "location": "/States/P/Branches[0]/States/a/b/Next"
            }],
            "truncated": false
        })
    );
    let order: Vec<usize> = [
        "\"result\"",
        "\"diagnostics\"",
        "\"severity\"",
        "\"code\"",
        "\"message\"",
        "\"location\"",
        "\"truncated\"",
    ]
    .iter()
    .map(|key| text.find(key).expect(key))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "key order: {text}");

    let (_, _, warnings) = aws(&["validate", "--format", "aws", "--severity", "WARNING", file]);
    let found: Vec<(&str, &str, &str)> = warnings["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["location"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("ERROR", "MISSING_END_STATE", "/States/P/Branches[0]"),
            (
                "ERROR",
                "MISSING_TRANSITION_TARGET",
                "/States/P/Branches[0]/States/a/b/Next"
            ),
            (
                "WARNING",
                "NO_DOLLAR",
                "/States/P/Branches[0]/States/a/b/Parameters"
            ),
            ("WARNING", "NO_PATH", "/States/F/Error"),
        ]
    );
    assert_eq!(warnings["result"], "FAIL");
    assert_eq!(warnings["truncated"], false);

    let (code, _, one) = aws(&[
        "validate",
        "--format",
        "aws",
        "--severity",
        "WARNING",
        "--max-results",
        "1",
        file,
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(one["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(one["diagnostics"][0]["code"], "MISSING_END_STATE");
    assert_eq!(one["truncated"], true);
    let (_, _, all) = aws(&[
        "validate",
        "--format",
        "aws",
        "--severity",
        "WARNING",
        "--max-results",
        "0",
        file,
    ]);
    assert_eq!(
        all["diagnostics"].as_array().unwrap().len(),
        4,
        "0 means 100"
    );

    // Only warnings: OK, and nothing at the default severity.
    let warned = temp_file(
        "aws-warned.json",
        br#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "$.error"}}}"#,
    );
    let warned = warned.to_str().unwrap();
    let (code, _, response) = aws(&["validate", "--format", "aws", warned]);
    assert_eq!((code, &response["result"]), (Some(0), &Value::from("OK")));
    assert_eq!(response["diagnostics"], serde_json::json!([]));
    let (code, _, response) = aws(&[
        "validate",
        "--format",
        "aws",
        "--severity",
        "WARNING",
        warned,
    ]);
    assert_eq!((code, &response["result"]), (Some(0), &Value::from("OK")));
    assert_eq!(response["diagnostics"][0]["code"], "NO_PATH");
}

#[test]
fn validate_format_aws_omits_the_location_of_a_machine_without_end() {
    let looping = temp_file(
        "aws-loop.json",
        br#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}"#,
    );
    let (code, _, response) = aws(&["validate", "--format", "aws", looping.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        response["diagnostics"],
        serde_json::json!([{
            "severity": "ERROR",
            "code": "MISSING_END_STATE",
            "message": "Workflow has no terminal state"
        }])
    );
    let broken = temp_file("aws-not-json.json", b"not a definition");
    let (_, _, response) = aws(&["validate", "--format", "aws", broken.to_str().unwrap()]);
    let diagnostic = &response["diagnostics"][0];
    assert_eq!(diagnostic["code"], "INVALID_JSON_DESCRIPTION");
    assert!(diagnostic["location"]
        .as_str()
        .unwrap()
        .starts_with("[Source: (String)\"not a definition\"; line: 1, column: "));
}

#[test]
fn validate_format_arguments_are_checked() {
    let file = temp_file("aws-arguments.json", AWS_CASE);
    let file = file.to_str().unwrap();
    for args in [
        &["validate", "--format", "aws", file, &example()][..],
        &["validate", "--format", "aws"],
        &["validate", "--severity", "WARNING", file],
        &["validate", "--format", "aws", "--max-results", "101", file],
        &["validate", "--format", "aws", "--json", file],
        &["validate", "--format", "xml", file],
    ] {
        assert_eq!(stepwise(args).status.code(), Some(2), "{args:?}");
    }
    let json = stepwise(&["validate", "--json", file]);
    let format_json = stepwise(&["validate", "--format", "json", file]);
    assert_eq!(json.stdout, format_json.stdout);
    assert_eq!(format_json.status.code(), Some(1));
    let text = stepwise(&["validate", "--format", "text", file]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("invalid — 2 error(s)"));
}

#[test]
fn validate_list_codes_prints_the_code_table() {
    let out = stepwise(&["validate", "--list-codes"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        stepwise_asl::codes::markdown()
    );
}

#[test]
fn readme_holds_the_current_code_table() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    assert!(
        readme.contains(&stepwise_asl::codes::markdown()),
        "README.md's \"Diagnostic codes\" table is stale; replace it with `stepwise validate --list-codes`"
    );
}

fn examples(file: &str) -> String {
    format!(
        "{}/../../public/examples/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `stepwise test` on the fixed Order Processing Workflow with `expect` as its expectations.
fn test_command(expect: &str, junit: &std::path::Path) -> Output {
    // Tests run side by side: each gets its own file, named after its report.
    let name = junit.file_stem().unwrap().to_string_lossy();
    let expect = temp_file(&format!("{name}.expect.json"), expect.as_bytes());
    stepwise(&[
        "test",
        &examples("order-processing-fixed.asl.json"),
        "--mock-config",
        &examples("order-processing-fixed.mocks.json"),
        "--input-file",
        &examples("order-processing-fixed.input.json"),
        "--expect",
        expect.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ])
}

/// The attributes the JUnit schema requires of a `<testsuite>` and each `<testcase>`.
fn assert_junit_shape(xml: &str, cases: usize, failures: usize) {
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"),
        "{xml}"
    );
    let suite = xml
        .lines()
        .find(|l| l.trim_start().starts_with("<testsuite "))
        .expect("a testsuite");
    for attribute in [
        "name=",
        "tests=",
        "failures=",
        "errors=",
        "time=",
        "timestamp=",
        "hostname=",
        "id=",
        "package=",
    ] {
        assert!(
            suite.contains(attribute),
            "testsuite lacks {attribute}: {suite}"
        );
    }
    assert!(
        suite.contains(&format!("tests=\"{cases}\" failures=\"{failures}\"")),
        "{suite}"
    );
    let testcases: Vec<&str> = xml
        .lines()
        .filter(|l| l.trim_start().starts_with("<testcase "))
        .collect();
    assert_eq!(testcases.len(), cases);
    for case in testcases {
        for attribute in ["name=", "classname=", "time="] {
            assert!(
                case.contains(attribute),
                "testcase lacks {attribute}: {case}"
            );
        }
    }
    assert_eq!(xml.matches("<failure ").count(), failures);
    assert_eq!(xml.matches("</testsuite>").count(), 1);
    assert!(xml.trim_end().ends_with("</testsuites>"));
}

#[test]
fn test_runs_every_mocked_test_case_against_its_expectations() {
    let junit = temp_file("junit-pass.xml", b"");
    let out = stepwise(&[
        "test",
        &examples("order-processing-fixed.asl.json"),
        "--mock-config",
        &examples("order-processing-fixed.mocks.json"),
        "--input-file",
        &examples("order-processing-fixed.input.json"),
        "--expect",
        &examples("order-processing-fixed.expect.json"),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("ok   HappyPath") && text.contains("ok   InvalidOrder"),
        "{text}"
    );
    assert!(text.ends_with("2 passed, 0 failed\n"), "{text}");
    assert_junit_shape(&std::fs::read_to_string(&junit).unwrap(), 2, 0);
}

#[test]
fn test_reports_each_unmet_expectation_and_fails_the_build() {
    let junit = temp_file("junit-fail.xml", b"");
    let out = test_command(
        r#"{"HappyPath": {"outputContains": {"payment": {"status": "DECLINED"}}, "stateCounts": {"ValidateOrder": 2}},
            "InvalidOrder": {}}"#,
        &junit,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "FAIL HappyPath\n     output/payment/status: expected \"DECLINED\", got \"CAPTURED\""
        ),
        "{text}"
    );
    assert!(
        text.contains("\"ValidateOrder\" entered 1 time(s), expected 2"),
        "{text}"
    );
    // Without an expected status, a test case passes only when it succeeds.
    assert!(
        text.contains(
            "FAIL InvalidOrder\n     status: expected SUCCEEDED, got FAILED (ValidationError"
        ),
        "{text}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_junit_shape(&xml, 2, 2);
    assert!(
        xml.contains("message=\"output/payment/status: expected &quot;DECLINED&quot;"),
        "{xml}"
    );
}

#[test]
fn test_refuses_expectations_it_cannot_honour() {
    let junit = temp_file("junit-unknown.xml", b"");
    let unknown_case = test_command(r#"{"NoSuchCase": {}}"#, &junit);
    assert_eq!(unknown_case.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown_case.stderr).contains("\"NoSuchCase\""));
    let junit = temp_file("junit-misspelt.xml", b"");
    let misspelt = test_command(r#"{"HappyPath": {"stauts": "SUCCEEDED"}}"#, &junit);
    assert_eq!(misspelt.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&misspelt.stderr).contains("stauts"));
}

#[test]
fn test_answers_callbacks_from_the_expectations() {
    // The example as commonly written, its ProcessPayment callback left unmocked.
    let mocks = br#"{"StateMachines": {"M": {"TestCases": {"Declined": {"ValidateOrder": "Valid"}}}},
        "MockedResponses": {"Valid": {"0": {"Return": {"Payload": {"isValid": true, "orderId": "o-1"}}}}}}"#;
    let mocks = temp_file("callback-mocks.json", mocks);
    let expect = temp_file(
        "callback-expect.json",
        br#"{"Declined": {"input": {"orderId": "o-1", "amount": 5, "productId": "p-1", "quantity": 1},
             "callbacks": {"ProcessPayment": [{"failure": {"error": "Payment.Declined", "cause": "card"}}]},
             "status": "FAILED", "error": "PaymentError", "path": ["ValidateOrder", "CheckValidation", "ProcessPayment", "PaymentFailed"]}}"#,
    );
    let out = stepwise(&[
        "test",
        &example(),
        "--mock-config",
        mocks.to_str().unwrap(),
        "--expect",
        expect.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
}

#[test]
fn test_state_answers_as_aws_test_state_does() {
    let machine = temp_file(
        "test-state.json",
        br#"{"StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "charge", "Payload.$": "$.order"}, "ResultSelector": {"paid.$": "$.Payload.ok"},
                "ResultPath": "$.charge",
                "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Refund"}], "Next": "Done"},
            "Refund": {"Type": "Pass", "Next": "Done"},
            "Done": {"Type": "Succeed"}}}"#,
    );
    let path = machine.to_str().unwrap();
    let json = |args: &[&str]| {
        let out = stepwise(args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let value: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        (out.status.code(), value)
    };
    let base = [
        "test-state",
        path,
        "--state",
        "Charge",
        "--input",
        r#"{"order": {"id": 7}}"#,
        "--json",
        "--inspection-level",
        "DEBUG",
    ];

    let (code, ok) = json(
        &[
            &base[..],
            &[
                "--mock-result",
                r#"{"Payload": {"ok": true}, "StatusCode": 200}"#,
            ],
        ]
        .concat(),
    );
    assert_eq!(code, Some(0));
    assert_eq!(ok["status"], "SUCCEEDED");
    assert_eq!(ok["nextState"], "Done");
    assert_eq!(ok["output"], r#"{"order":{"id":7},"charge":{"paid":true}}"#);
    assert_eq!(
        ok["inspectionData"]["afterParameters"],
        r#"{"FunctionName":"charge","Payload":{"id":7}}"#
    );
    assert_eq!(
        ok["inspectionData"]["afterResultSelector"],
        r#"{"paid":true}"#
    );

    let (code, retry) = json(
        &[
            &base[..],
            &[
                "--mock-error",
                "Lambda.TooManyRequestsException:slow down",
                "--retrier-retry-count",
                "1",
            ],
        ]
        .concat(),
    );
    assert_eq!(code, Some(1), "a state that did not succeed exits 1");
    assert_eq!(retry["status"], "RETRIABLE");
    assert_eq!(
        retry["inspectionData"]["errorDetails"],
        serde_json::json!({"retryBackoffIntervalSeconds": 6, "retryIndex": 0})
    );
    assert!(retry.get("nextState").is_none());

    let (_, caught) = json(
        &[
            &base[..],
            &[
                "--mock-error",
                "Lambda.TooManyRequestsException:slow down",
                "--retrier-retry-count",
                "2",
            ],
        ]
        .concat(),
    );
    assert_eq!(caught["status"], "CAUGHT_ERROR");
    assert_eq!(caught["nextState"], "Refund");
    assert_eq!(
        caught["inspectionData"]["errorDetails"],
        serde_json::json!({"retryIndex": 0, "catchIndex": 0})
    );

    // A state given alone, a human summary, and requests AWS refuses.
    let lone = temp_file("lone-choice.json", br#"{"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}], "Default": "Small"}"#);
    let out = stepwise(&[
        "test-state",
        lone.to_str().unwrap(),
        "--input",
        r#"{"n": 2}"#,
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "status: SUCCEEDED\nnext state: Big\noutput: {\"n\":2}\n"
    );
    let out = stepwise(&["test-state", path, "--state", "Nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("State not found in definition"));
    let out = stepwise(&[
        "test-state",
        path,
        "--state",
        "Charge",
        "--mock-result",
        "{not json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("--mock-result: the value is not JSON: line 1, column 2: "));
}

#[test]
fn chaos_reports_weak_states_and_fails_under_the_success_threshold() {
    let file = |name: &str| examples(&format!("order-processing-fixed.{name}"));
    let (definition, input, mocks) = (file("asl.json"), file("input.json"), file("mocks.json"));
    let profile = temp_file("profile.json", br#"{"faults": {"*": {"transient": 0.05}}}"#);
    let args = |extra: &[&str]| {
        let mut args = vec![
            "chaos",
            &definition,
            "--input-file",
            &input,
            "--mock-config",
            &mocks,
            "--test-case",
            "HappyPath",
            "--runs",
            "400",
        ];
        args.extend_from_slice(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |extra: &[&str]| {
        let args = args(extra);
        stepwise(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run(&["--profile", profile.to_str().unwrap(), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "no threshold, no failure: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report["runs"], 400);
    let rate = report["successRate"].as_f64().unwrap();
    assert!(rate > 0.5 && rate < 0.97, "success rate {rate}");
    let weak: Vec<&str> = report["states"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["endedRuns"].as_u64() > Some(0))
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(weak.contains(&"UpdateInventory"), "{weak:?}");
    assert!(report["suggestions"][0]["retrier"]["ErrorEquals"].is_array());

    let again = run(&["--profile", profile.to_str().unwrap(), "--json"]);
    assert_eq!(
        again.stdout, out.stdout,
        "the same seed gives the same report"
    );

    let strict = run(&[
        "--profile",
        profile.to_str().unwrap(),
        "--min-success-rate",
        "0.99",
    ]);
    assert_eq!(strict.status.code(), Some(1), "under the threshold");
    let text = String::from_utf8_lossy(&strict.stdout);
    assert!(
        text.contains("suggestions:") && text.contains("UpdateInventory: add Retry on DynamoDB."),
        "{text}"
    );

    let broken = temp_file(
        "broken-profile.json",
        br#"{"faults": {"*": {"transient": 7}}}"#,
    );
    let out = run(&["--profile", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be between 0 and 1"));
}

/// cfn-lint, as `cargo xtask test` installs it (STEPWISE_CFN_LINT names it).
fn cfn_lint(template: &std::path::Path, ignore: &[&str]) -> Option<Output> {
    let Ok(program) = std::env::var("STEPWISE_CFN_LINT") else {
        eprintln!("cfn-lint not run: STEPWISE_CFN_LINT is not set (cargo xtask test sets it)");
        return None;
    };
    let mut command = Command::new(program);
    command.arg(template);
    for check in ignore {
        command.args(["--ignore-checks", check]);
    }
    Some(command.output().expect("cfn-lint runs"))
}

#[test]
fn exported_templates_pass_cfn_lint_and_run_back_as_the_same_machine() {
    let definition = &examples("order-processing-fixed.asl.json");
    let input = &examples("order-processing-fixed.input.json");
    let mocks = &examples("order-processing-fixed.mocks.json");
    let dir = std::env::temp_dir().join(format!("stepwise-export-{}", std::process::id()));
    let run_json = |file: &str| {
        let out = stepwise(&[
            "run",
            file,
            "--input-file",
            input,
            "--mock-config",
            mocks,
            "--test-case",
            "HappyPath",
            "--json",
        ]);
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{file}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        (report["status"].clone(), report["output"].clone())
    };
    let direct = run_json(definition);
    assert_eq!(direct.0, "SUCCEEDED");
    for (what, out) in [
        ("sam", None),
        ("cfn", None),
        ("sam", Some("sam")),
        ("cfn", Some("cfn")),
    ] {
        let template = match out {
            Some(sub) => {
                let target = dir.join(sub);
                let result = stepwise(&[
                    "export",
                    what,
                    definition,
                    "--out",
                    target.to_str().unwrap(),
                ]);
                assert_eq!(
                    result.status.code(),
                    Some(0),
                    "{}",
                    String::from_utf8_lossy(&result.stderr)
                );
                assert!(target
                    .join("statemachine/order-processing-fixed.asl.json")
                    .exists());
                target.join("template.yaml")
            }
            None => {
                let result = stepwise(&["export", what, definition]);
                assert_eq!(
                    result.status.code(),
                    Some(0),
                    "{}",
                    String::from_utf8_lossy(&result.stderr)
                );
                temp_file(&format!("{what}.yaml"), &result.stdout)
            }
        };
        // A CloudFormation template naming a local definition file is for `aws cloudformation
        // package`, which uploads it: cfn-lint says so (W3002), and that is all it may say.
        let ignore: &[&str] = if what == "cfn" && out.is_some() {
            &["W3002"]
        } else {
            &[]
        };
        if let Some(lint) = cfn_lint(&template, ignore) {
            assert!(
                lint.status.success(),
                "cfn-lint on {what} {out:?}: {}",
                String::from_utf8_lossy(&lint.stdout)
            );
        }
        // Imported back, the template runs as the definition did.
        assert_eq!(
            run_json(template.to_str().unwrap()),
            direct,
            "{what} {out:?}"
        );
        let validated = stepwise(&["validate", template.to_str().unwrap()]);
        assert_eq!(
            validated.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&validated.stdout)
        );
    }
    let mocks_out = stepwise(&["export", "mocks", definition]);
    let skeleton: Value = serde_json::from_slice(&mocks_out.stdout).expect("a MockConfigFile");
    assert_eq!(
        skeleton["StateMachines"]["OrderProcessingFixed"]["TestCases"]["HappyPath"]
            ["ValidateOrder"],
        "ValidateOrderSuccess"
    );
}

#[test]
fn templates_are_read_with_their_findings_and_resource_choice() {
    let template = temp_file(
        "two-machines.yaml",
        b"Resources:\n  A:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      Definition:\n        StartAt: W\n        States:\n          W: {Type: Task, Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true}\n  B:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}\n",
    );
    let path = template.to_str().unwrap();
    let out = stepwise(&["validate", path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("several state machines: A, B. Choose one with --resource"));
    let out = stepwise(&["validate", path, "--resource", "A"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[TPL003]")
            && text.contains("AWS rejects .sync and .waitForTaskToken in EXPRESS"),
        "{text}"
    );
    assert!(
        text.contains("[TPL001]") && text.contains("[TPL002]"),
        "{text}"
    );
    let out = stepwise(&["graph", path, "--resource", "B", "--format", "dot"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"P\""));
    let yaml = temp_file(
        "machine.yaml",
        b"StartAt: P\nStates:\n  P:\n    Type: Pass\n    Nxt: Q\n",
    );
    let out = stepwise(&["validate", yaml.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("machine.yaml:5:5"),
        "a YAML diagnostic points into the YAML: {text}"
    );
}

/// A machine of one Pass state, written as `name`; its path.
fn pass_machine(name: &str) -> String {
    let text = br#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;
    temp_file(name, text).to_string_lossy().into_owned()
}

fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

#[test]
fn run_refuses_an_input_over_256_kib_as_start_execution_does() {
    let definition = pass_machine("pass-for-size.json");
    let definition = definition.as_str();
    let input = |bytes: usize| {
        let text = format!(r#"{{"d":"{}"}}"#, "x".repeat(bytes - 8));
        temp_file(&format!("input-{bytes}.json"), text.as_bytes())
    };
    let at_limit = input(262_144);
    let out = stepwise(&[
        "run",
        definition,
        "--input-file",
        at_limit.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let over = input(262_145);
    let out = stepwise(&["run", definition, "--input-file", over.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out),
        "error: the input is 262145 bytes, over StartExecution's limit of 262144 (256 KiB): \
         ValidationException: 1 validation error detected: Value at 'input' failed to satisfy \
         constraint: Member must have length less than or equal to 262144\n"
    );
}

#[test]
fn json_errors_give_their_position_once() {
    let definition = pass_machine("pass-for-json-errors.json");
    let definition = definition.as_str();
    let broken = temp_file("broken-value.json", br#"{"a": x}"#);
    let broken = broken.to_str().unwrap();
    let position = "line 1, column 7: expected value";
    let out = stepwise(&["run", definition, "--input", r#"{"a": x}"#]);
    assert_eq!(
        stderr(&out),
        format!("error: the input is not JSON: {position}\n")
    );
    let out = stepwise(&["eval", "a", "--input", broken]);
    assert_eq!(
        stderr(&out),
        format!("error: input {broken} is not JSON: {position}\n")
    );
    let out = stepwise(&["eval", "a", "--bindings", broken]);
    assert_eq!(
        stderr(&out),
        format!("error: bindings {broken} is not JSON: {position}\n")
    );
    let out = stepwise(&["test-state", definition, "--input", r#"{"a": x}"#]);
    assert_eq!(
        stderr(&out),
        format!("error: --input: the value is not JSON: {position}\n")
    );
    let out = stepwise(&["test-state", definition, "--context", &format!("@{broken}")]);
    assert_eq!(
        stderr(&out),
        format!("error: --context: {broken} is not JSON: {position}\n")
    );
    let junit = temp_file("junit-broken-expect.xml", b"");
    let out = test_command(r#"{"a": x}"#, &junit);
    let expect = junit.with_file_name("junit-broken-expect.expect.json");
    assert_eq!(
        stderr(&out),
        format!(
            "error: {} is not an expectation file: {position}\n",
            expect.display()
        )
    );
}

#[test]
fn chaos_refuses_zero_runs() {
    let file = |name: &str| examples(&format!("order-processing-fixed.{name}"));
    let out = stepwise(&["chaos", &file("asl.json"), "--runs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out),
        "error: --runs 0: the lab reports on the runs it makes, so it needs at least 1\n"
    );
}
