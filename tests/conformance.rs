//! Runs every conformance case (an execution recorded from AWS) through the engine and
//! compares status, output, error, cause, event types and task inputs.
//!
//! Cases come from `tests/conformance/` and, when present, `../shared/conformance/cases/`.
//! Cases the engine does not reproduce yet are listed, with the reason, in
//! `tests/conformance/known-failures.txt`; the test fails when an unlisted case fails or a
//! listed case passes (so the list never goes stale).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use stepwise_asl::{load, LoadOptions};
use stepwise_engine::{mock, Execution, Options};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

fn case_files() -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let sources = [
        ("local", root().join("tests/conformance")),
        ("shared", root().join("../shared/conformance/cases")),
    ];
    for (label, dir) in sources {
        let Ok(entries) = walk(&dir) else { continue };
        for path in entries {
            let group = path
                .parent()
                .and_then(|p| p.file_name())
                .map(|g| g.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((format!("{label}/{group}"), path));
        }
    }
    files.sort();
    files
}

fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(out)
}

/// Structural equality where 1 and 1.0 are equal.
fn same(a: &Value, b: &Value) -> bool {
    stepwise_engine::intrinsics::json_eq(a, b)
}

/// Run one case; `Err` says what differed.
fn check(case: &Value) -> Result<(), String> {
    let definition =
        serde_json::to_string_pretty(&case["definition"]).map_err(|e| e.to_string())?;
    let loaded = load(
        &definition,
        &LoadOptions {
            skip_lints: true,
            ..LoadOptions::default()
        },
    );
    let Some(machine) = loaded.machine else {
        let errors: Vec<String> = loaded
            .errors()
            .map(|d| format!("{} {} at {}", d.code, d.message, d.pointer))
            .collect();
        return Err(format!("definition rejected: {}", errors.join("; ")));
    };
    let mut options = Options::default();
    if let Some(config) = case.get("mockConfig").filter(|c| !c.is_null()) {
        let text = config.to_string();
        let test_case = case["testCase"].as_str().unwrap_or("T");
        let test = mock::load(&text, case["stateMachine"].as_str(), test_case).map_err(|d| {
            format!(
                "mock config rejected: {}",
                d.iter()
                    .map(|d| d.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        options.mocks = Some(test);
    }
    let execution = Execution::start(machine.into(), case["input"].clone(), options);
    let expect = &case["expect"];
    let status = serde_json::to_value(execution.status()).unwrap_or_default();
    let mut problems = Vec::new();
    if status != expect["status"] {
        problems.push(format!("status {status} (expected {})", expect["status"]));
    }
    if let Some(output) = expect.get("output") {
        let actual = execution.output().cloned().unwrap_or(Value::Null);
        if !same(&actual, output) {
            problems.push(format!("output {actual} (expected {output})"));
        }
    }
    for (key, actual) in [
        ("error", execution.failure().map(|f| f.error.clone())),
        ("cause", execution.failure().map(|f| f.cause.clone())),
    ] {
        if let Some(expected) = expect.get(key).and_then(Value::as_str) {
            if actual.as_deref() != Some(expected) {
                problems.push(format!("{key} {actual:?} (expected {expected:?})"));
            }
        }
    }
    if let Some(types) = expect.get("eventTypes").and_then(Value::as_array) {
        let actual: Vec<&str> = execution
            .history()
            .iter()
            .map(|e| e.kind.as_str())
            .collect();
        let expected: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
        if actual != expected {
            problems.push(format!("events {actual:?}\n        expected {expected:?}"));
        }
    }
    if let Some(inputs) = expect.get("taskInputs").and_then(Value::as_object) {
        let actual = task_inputs(&execution);
        for (state, expected) in inputs {
            let got = Value::Array(actual.get(state.as_str()).cloned().unwrap_or_default());
            if !same(&got, expected) {
                problems.push(format!(
                    "task inputs of {state}: {got} (expected {expected})"
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n      "))
    }
}

/// What each Task state sent, per call, read back from the history.
fn task_inputs(execution: &Execution) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut current = String::new();
    for event in execution.history() {
        if event.kind.as_str() == "TaskStateEntered" {
            current = event.state_name().unwrap_or_default().to_owned();
        }
        let text = match event.kind.as_str() {
            "TaskScheduled" => event.text("parameters"),
            "LambdaFunctionScheduled" => event.text("input"),
            "ActivityScheduled" => event.text("input"),
            _ => None,
        };
        if let Some(text) = text {
            out.entry(current.clone())
                .or_default()
                .push(serde_json::from_str(text).unwrap_or(Value::Null));
        }
    }
    out
}

/// A case file, read with the definition parser: it takes what AWS takes (`\u` escapes of
/// lone surrogates, say), which serde_json refuses.
fn read_case(text: &str) -> Result<Value, String> {
    let mut sink = stepwise_asl::diagnostic::Sink::default();
    let (value, _) = stepwise_asl::json::parse(text, &mut sink);
    let problems: Vec<String> = sink
        .finish(text, &Default::default())
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} at {}:{}", d.message, d.start.line, d.start.column))
        .collect();
    match value {
        Some(value) if problems.is_empty() => Ok(value),
        _ => Err(format!("not JSON: {}", problems.join("; "))),
    }
}

fn known_failures() -> HashSet<String> {
    let text = std::fs::read_to_string(root().join("tests/conformance/known-failures.txt"))
        .unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn conformance_cases_match_aws() {
    let files = case_files();
    assert!(
        !files.is_empty(),
        "no conformance cases found under tests/conformance or ../shared/conformance/cases"
    );
    let known = known_failures();
    let mut per_group: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    for (group, path) in &files {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let result = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|text| read_case(&text))
            .and_then(|case| check(&case));
        let counts = per_group.entry(group.clone()).or_default();
        match (result, known.contains(&file)) {
            (Ok(()), false) => counts.0 += 1,
            (Ok(()), true) => {
                counts.0 += 1;
                unexpected.push(format!(
                    "{}: passes now; remove it from known-failures.txt",
                    path.display()
                ));
            }
            (Err(_), true) => counts.1 += 1,
            (Err(reason), false) => {
                counts.1 += 1;
                unexpected.push(format!("{}:\n      {reason}", path.display()));
            }
        }
    }
    for (group, (passed, failed)) in &per_group {
        println!("{group:<32} {passed:>4} passed {failed:>4} failed");
    }
    assert!(
        unexpected.is_empty(),
        "{} conformance case(s) differ from AWS:\n  {}",
        unexpected.len(),
        unexpected.join("\n  ")
    );
}
