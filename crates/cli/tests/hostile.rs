//! Hostile or mistaken input through the binary: each ends in a clear, positioned message
//! and an exit code, never a panic or a hang.

use std::path::PathBuf;
use std::process::{Command, Output};

fn stepwise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stepwise"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stepwise-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

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
