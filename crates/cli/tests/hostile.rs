//! Hostile or mistaken input through the binary: each ends in a clear, positioned message
//! and an exit code, never a panic or a hang.

mod common;

use common::{stepwise, temp_file, text};

#[test]
fn a_minified_definition_gets_short_frames_at_the_right_place_however_long_its_line() {
    // Thousands of branches on one line: the duplicate names sit past column 65,535, where
    // the frame renderer could not pad to the column.
    let branches: Vec<String> = (0..3_000)
        .map(|_| r#"{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}}"#.to_owned())
        .collect();
    let definition = format!(
        r#"{{"StartAt":"P","States":{{"P":{{"Type":"Parallel","Branches":[{}],"End":true}}}}}}"#,
        branches.join(",")
    );
    let last = definition.rfind(r#""X":{"#).unwrap();
    let path = temp_file("minified.json", definition.as_bytes());
    let out = stepwise(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("[ASL025] Duplicate State name: X"));
    assert!(
        stdout.contains(&format!("minified.json:1:{}]", last + 1)),
        "the last duplicate's frame is headed with its line and column"
    );
    let widest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest < 200, "a frame line of {widest} characters");
}

#[test]
fn an_endless_jsonata_recursion_in_eval_ends_with_the_timeout_error() {
    let out = stepwise(&["eval", "(function($f) { $f($f) })(function($f) { $f($f) })"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: D1012: Evaluation timeout after 10000 milliseconds. Check for infinite loop\n"
    );
}

#[test]
fn a_wait_past_the_year_9999_runs_and_its_trace_shows_the_time_of_day() {
    let path = temp_file(
        "far-wait.json",
        br#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.t", "End": true}}}"#,
    );
    let out = stepwise(&[
        "run",
        path.to_str().unwrap(),
        "--input",
        r#"{"t": 9223372036854775807}"#,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("    3  07:12:55.807  WaitStateExited"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_graph_of_a_thousand_states_linked_back_and_forth_is_drawn_whole() {
    // Each Choice jumps far ahead or back: laid out naively, hundreds of thousands of
    // dummy vertices.
    let n = 1_000;
    let mut states = serde_json::Map::new();
    for i in 0..n {
        let choices: Vec<serde_json::Value> = (0..3)
            .map(|j| serde_json::json!({"Variable": "$.x", "NumericEquals": j, "Next": format!("S{}", (i * 7 + j) % n)}))
            .collect();
        states.insert(
            format!("S{i}"),
            serde_json::json!({"Type": "Choice", "Choices": choices, "Default": "End"}),
        );
    }
    states.insert("End".into(), serde_json::json!({"Type": "Succeed"}));
    let definition = serde_json::json!({"StartAt": "S0", "States": states});
    let path = temp_file("mesh.json", definition.to_string().as_bytes());
    let out = stepwise(&["graph", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let drawing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Every state, and the scope's Start and End.
    assert_eq!(drawing["nodes"].as_array().unwrap().len(), n + 1 + 2);
    assert_eq!(drawing["edges"].as_array().unwrap().len(), 4 * n + 2);
}

#[test]
fn a_byte_order_mark_and_an_empty_mock_file_are_named_for_what_they_are() {
    let definition = temp_file(
        "bom.json",
        "\u{feff}{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}"
            .as_bytes(),
    );
    let out = stepwise(&["validate", "--json", definition.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostic = &report[0]["diagnostics"][0];
    assert_eq!(diagnostic["code"], "ASL001");
    assert_eq!(
        diagnostic["message"],
        "Invalid JSON: the text starts with a byte order mark (U+FEFF); save it as UTF-8 without BOM"
    );
    assert_eq!(
        diagnostic["start"],
        serde_json::json!({"line": 1, "column": 1})
    );

    let plain = temp_file(
        "plain.json",
        br#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#,
    );
    let mocks = temp_file("empty-mocks.json", b"  \n");
    let out = stepwise(&[
        "run",
        plain.to_str().unwrap(),
        "--mock-config",
        mocks.to_str().unwrap(),
        "--test-case",
        "T",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let shown = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        shown.contains(r#"[MOCK001] The mock config is empty: it must be an object with "StateMachines" and "MockedResponses""#),
        "{shown}"
    );
}
