//! The JSONata reference suite (`../shared/jsonata-test-suite`, format in its TESTSUITE.md)
//! through the engine's JSONata adapter in plain mode. Prints the pass count per group.
//! Cases the evaluator does not reproduce are listed with their reason in
//! `tests/jsonata/known-failures.txt`; an unlisted failure or a listed pass fails the test.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use stepwise_engine::intrinsics::json_eq;
use stepwise_engine::jsonata::{evaluate_plain, Limits};

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/jsonata-test-suite")
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))
}

/// Equality as the reference exerciser checks it; `unordered` compares arrays as multisets.
fn matches(actual: &Value, expected: &Value, unordered: bool) -> bool {
    match (actual, expected, unordered) {
        (Value::Array(a), Value::Array(b), true) => {
            let mut rest: Vec<&Value> = b.iter().collect();
            a.len() == b.len()
                && a.iter()
                    .all(|x| match rest.iter().position(|y| json_eq(x, y)) {
                        Some(i) => {
                            rest.swap_remove(i);
                            true
                        }
                        None => false,
                    })
        }
        (Value::Number(a), Value::Number(b), _) => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            a == b || ((a - b).abs() <= 1e-10 * a.abs().max(b.abs()))
        }
        (Value::Array(a), Value::Array(b), _) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| matches(x, y, false))
        }
        (Value::Object(a), Value::Object(b), _) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| matches(v, w, false)))
        }
        _ => actual == expected,
    }
}

fn run_case(case: &Value, dir: &Path, datasets: &Path) -> Result<(), String> {
    let expression = match (case.get("expr"), case.get("expr-file")) {
        (Some(Value::String(e)), _) => e.clone(),
        (_, Some(Value::String(file))) => {
            std::fs::read_to_string(dir.join(file)).map_err(|e| format!("expr-file {file}: {e}"))?
        }
        _ => return Err("case has no expression".into()),
    };
    let input = match (case.get("data"), case.get("dataset")) {
        (Some(data), _) => Some(data.clone()),
        (None, Some(Value::String(name))) => {
            Some(read_json(&datasets.join(format!("{name}.json")))?)
        }
        _ => None,
    };
    let bindings = case
        .get("bindings")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let limits = Limits {
        timeout_ms: case.get("timelimit").and_then(Value::as_u64),
        max_depth: case
            .get("depth")
            .and_then(Value::as_u64)
            .map(|d| d as usize),
    };
    let outcome = evaluate_plain(&expression, input.as_ref(), &bindings, limits);
    let expected_code = case
        .get("code")
        .or_else(|| case.get("error").and_then(|e| e.get("code")))
        .and_then(Value::as_str);
    match (outcome, expected_code) {
        (Err(error), Some(code)) if error.code.as_deref() == Some(code) => Ok(()),
        (Err(error), Some(code)) => Err(format!(
            "expected error {code}, got {:?}: {}",
            error.code, error.message
        )),
        (Err(error), None) => Err(format!(
            "unexpected error {:?}: {}",
            error.code, error.message
        )),
        (Ok(result), Some(code)) => Err(format!("expected error {code}, got {result:?}")),
        (Ok(None), None) if case.get("undefinedResult").is_some() => Ok(()),
        (Ok(result), None) => match (result, case.get("result")) {
            (Some(actual), Some(expected))
                if matches(
                    &actual,
                    expected,
                    case.get("unordered").is_some_and(|u| u == true),
                ) =>
            {
                Ok(())
            }
            (actual, expected) => Err(format!("got {actual:?}, expected {expected:?}")),
        },
    }
}

fn known_failures() -> HashSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("jsonata/known-failures.txt");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn reference_suite_through_the_adapter() {
    let groups_dir = suite().join("groups");
    let Ok(groups) = std::fs::read_dir(&groups_dir) else {
        println!(
            "skipped: {} is not present on this machine",
            groups_dir.display()
        );
        return;
    };
    let datasets = suite().join("datasets");
    let known = known_failures();
    let mut per_group: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut groups: Vec<PathBuf> = groups.filter_map(|e| e.ok().map(|e| e.path())).collect();
    groups.sort();
    for group_dir in groups {
        let group = group_dir
            .file_name()
            .map(|g| g.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&group_dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|f| f.extension().is_some_and(|e| e == "json"));
        files.sort();
        for file in files {
            let stem = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let cases = match read_json(&file) {
                Ok(Value::Array(cases)) => cases,
                Ok(case) => vec![case],
                Err(e) => {
                    let id = format!("{group}/{stem}");
                    per_group.entry(group.clone()).or_default().1 += 1;
                    if !known.contains(&id) {
                        unexpected.push(format!("{id}: {e}"));
                    }
                    continue;
                }
            };
            for (i, case) in cases.iter().enumerate() {
                let id = if cases.len() > 1 {
                    format!("{group}/{stem}[{i}]")
                } else {
                    format!("{group}/{stem}")
                };
                let result = run_case(case, &group_dir, &datasets);
                let counts = per_group.entry(group.clone()).or_default();
                match (result, known.contains(&id)) {
                    (Ok(()), listed) => {
                        counts.0 += 1;
                        if listed {
                            unexpected.push(format!(
                                "{id}: passes now; remove it from tests/jsonata/known-failures.txt"
                            ));
                        }
                    }
                    (Err(_), true) => counts.1 += 1,
                    (Err(reason), false) => {
                        counts.1 += 1;
                        unexpected.push(format!("{id} ({}): {reason}", file.display()));
                    }
                }
            }
        }
    }
    let (passed, failed) = per_group
        .values()
        .fold((0, 0), |(p, f), (a, b)| (p + a, f + b));
    for (group, (p, f)) in &per_group {
        println!("{group:<40} {p:>4} passed {f:>3} failed");
    }
    println!(
        "total {passed} passed, {failed} failed ({:.2}%)",
        100.0 * passed as f64 / (passed + failed).max(1) as f64
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected result(s):\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
