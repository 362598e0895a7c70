//! AWS parity of the validator: every case of `tests/validation/*.json` is loaded and its
//! diagnostics, mapped to AWS's codes through the code table, must be what AWS's
//! `ValidateStateMachineDefinition` returns for it.
//!
//! A case is `{"definition": <ASL as a JSON value>` (or `"text": "<definition text>"` for
//! text that is not JSON, or nested too deeply for this test's parser)`, "type": "STANDARD" |
//! "EXPRESS"` (optional)`, "expect": {"result": "OK" | "FAIL", "codes": [<AWS codes of the
//! errors>], "warnings": [<AWS codes of the warnings>]` (optional, checked when present)`,
//! "messages": [<exact messages>]` (optional: each must be the message of one diagnostic AWS
//! would return)`}, "why": "<the rule and its source>"}`. Codes are compared as multisets.

use std::path::{Path, PathBuf};

use serde_json::Value;
use stepwise_asl::{codes, load, Diagnostic, LoadOptions, MachineType, Severity};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validation");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The strings of the array `key` of `object`, if it is present.
fn strings(object: &Value, key: &str) -> Result<Option<Vec<String>>, String> {
    match object.get(key) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("\"{key}\" must hold strings"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(format!("\"{key}\" must be an array")),
    }
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

/// What the loader reported, for a failure message.
fn describe(diagnostics: &[Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return "    (no diagnostics)".to_owned();
    }
    diagnostics
        .iter()
        .map(|d| {
            let aws = codes::lookup(d.code)
                .and_then(|c| c.aws)
                .unwrap_or("no AWS code");
            format!(
                "    {} {:?} ({aws}) at \"{}\": {}",
                d.code, d.severity, d.pointer, d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Check one case; the differences from AWS, if any.
fn check(path: &Path) -> Result<(), String> {
    let case: Value = serde_json::from_str(
        &std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?,
    )
    .map_err(|e| format!("the case is not JSON: {e}"))?;
    let object = case.as_object().ok_or("the case must be an object")?;
    for key in object.keys() {
        if !["definition", "text", "type", "expect", "why"].contains(&key.as_str()) {
            return Err(format!("unknown field \"{key}\" in the case"));
        }
    }
    if case["why"].as_str().is_none_or(str::is_empty) {
        return Err("the case must say \"why\"".to_owned());
    }
    let text = match (case.get("definition"), case.get("text")) {
        (Some(definition), None) => {
            serde_json::to_string_pretty(definition).expect("JSON values serialise")
        }
        (None, Some(Value::String(text))) => text.clone(),
        _ => return Err("the case needs exactly one of \"definition\" and \"text\"".to_owned()),
    };
    let machine_type = match case.get("type").map(|t| t.as_str()) {
        None | Some(Some("STANDARD")) => MachineType::Standard,
        Some(Some("EXPRESS")) => MachineType::Express,
        _ => return Err("\"type\" must be \"STANDARD\" or \"EXPRESS\"".to_owned()),
    };
    let expect = &case["expect"];
    let result = expect["result"]
        .as_str()
        .filter(|r| ["OK", "FAIL"].contains(r))
        .ok_or("\"expect\".\"result\" must be \"OK\" or \"FAIL\"")?;
    let expected_errors = strings(expect, "codes")?.ok_or("\"expect\" needs \"codes\"")?;
    let expected_warnings = strings(expect, "warnings")?;
    let expected_messages = strings(expect, "messages")?.unwrap_or_default();

    let loaded = load(
        &text,
        &LoadOptions {
            machine_type,
            ..Default::default()
        },
    );
    // What AWS would return: the diagnostics with an AWS code.
    let aws: Vec<(&Diagnostic, &str)> = loaded
        .diagnostics
        .iter()
        .filter_map(|d| Some((d, codes::lookup(d.code)?.aws?)))
        .collect();
    let of = |severity: Severity| -> Vec<String> {
        sorted(
            aws.iter()
                .filter(|(d, _)| d.severity == severity)
                .map(|(_, code)| (*code).to_owned())
                .collect(),
        )
    };
    let (errors, warnings) = (of(Severity::Error), of(Severity::Warning));
    let actual_result = if errors.is_empty() { "OK" } else { "FAIL" };

    let mut problems = Vec::new();
    if actual_result != result {
        problems.push(format!("result {actual_result}, expected {result}"));
    }
    if errors != sorted(expected_errors.clone()) {
        problems.push(format!(
            "error codes {errors:?}, expected {:?}",
            sorted(expected_errors)
        ));
    }
    if let Some(expected) = expected_warnings {
        if warnings != sorted(expected.clone()) {
            problems.push(format!(
                "warning codes {warnings:?}, expected {:?}",
                sorted(expected)
            ));
        }
    }
    for message in &expected_messages {
        if !aws.iter().any(|(d, _)| &d.message == message) {
            problems.push(format!("no diagnostic says {message:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n  the loader reported:\n{}",
            problems.join("; "),
            describe(&loaded.diagnostics)
        ))
    }
}

#[test]
fn definitions_validate_as_aws_validates_them() {
    let files = cases();
    assert!(!files.is_empty(), "no cases in tests/validation");
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let name = path.file_name().expect("a file").to_string_lossy();
            check(path)
                .err()
                .map(|problem| format!("{name}: {problem}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} validation cases differ from AWS:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// Every FAIL case names at least one error, and every OK case none.
#[test]
fn cases_are_consistent() {
    for path in cases() {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let failing = case["expect"]["result"] == "FAIL";
        let has_codes = case["expect"]["codes"]
            .as_array()
            .is_some_and(|codes| !codes.is_empty());
        assert_eq!(failing, has_codes, "{}", path.display());
        let known: Vec<&str> = codes::CODES.iter().filter_map(|c| c.aws).collect();
        for key in ["codes", "warnings"] {
            for code in case["expect"][key].as_array().into_iter().flatten() {
                assert!(
                    known.contains(&code.as_str().unwrap_or_default()),
                    "{}: {code} is no AWS code of the table",
                    path.display()
                );
            }
        }
    }
}
