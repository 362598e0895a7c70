//! The `stepwise` binary end to end: real files, real exit codes, real JSON output.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn stepwise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stepwise"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stepwise-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

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
        assert_eq!(report[0]["diagnostics"][0]["code"], "ASL001", "{name}");
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
