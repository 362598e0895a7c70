//! Each invalid definition reports its code at the exact position of the offending text,
//! and each lint fires on its anti-pattern and stays quiet on the fixed version.

use stepwise_asl::{load, LineIndex, LoadOptions, MachineType};

/// (expected code, definition, the text the diagnostic must start at)
const INVALID: &[(&str, &str, &str)] = &[
    ("ASL001", "{\"StartAt\": \"A\",}", ",}"),
    ("ASL004", "", ""),
    (
        "ASL002",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Succeed"}}}"#,
        r#""A": {"Type": "Succeed"}}"#,
    ),
    ("ASL010", r#"{"States": {"A": {"Type": "Succeed"}}}"#, "{"),
    (
        "ASL011",
        r#"{"StartAt": 3, "States": {"A": {"Type": "Succeed"}}}"#,
        "3",
    ),
    (
        "ASL012",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed", "Next": "A"}}}"#,
        "\"Next\"",
    ),
    (
        "ASL012",
        r#"{"StartAt": "A", "Bogus": 1, "States": {"A": {"Type": "Succeed"}}}"#,
        "\"Bogus\"",
    ),
    (
        "ASL013",
        r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$", "End": true}}}"#,
        "\"InputPath\"",
    ),
    (
        "ASL013",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {}, "End": true}}}"#,
        "\"Output\"",
    ),
    (
        "ASL014",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1, "Timestamp": "2026-01-01T00:00:00Z", "End": true}}}"#,
        "\"A\": {\"Type\": \"Wait\"",
    ),
    (
        "ASL015",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}], "End": true}}}"#,
        "0.5",
    ),
    (
        "ASL016",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Sleep", "End": true}}}"#,
        "\"Sleep\"",
    ),
    (
        "ASL017",
        r#"{"QueryLanguage": "SQL", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
        "\"SQL\"",
    ),
    (
        "ASL020",
        r#"{"StartAt": "B", "States": {"A": {"Type": "Succeed"}}}"#,
        "\"B\"",
    ),
    (
        "ASL021",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}}"#,
        "\"Nope\"",
    ),
    (
        "ASL022",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A", "End": true}}}"#,
        "true",
    ),
    (
        "ASL022",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}"#,
        "\"A\": {\"Type\": \"Pass\"}",
    ),
    (
        "ASL025",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}], "End": true}}}"#,
        "\"A\": {\"Type\": \"Succeed\"}",
    ),
    (
        "ASL030",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.a[", "End": true}}}"#,
        "\"$.a[\"",
    ),
    (
        "ASL031",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": true}}}"#,
        "\"$.a[*]\"",
    ),
    (
        "ASL032",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": "States.Nope(1)"}, "End": true}}}"#,
        "\"States.Nope(1)\"",
    ),
    (
        "ASL033",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": 5}, "End": true}}}"#,
        "5}",
    ),
    (
        "ASL034",
        r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $states.input. %}", "End": true}}}"#,
        "\"{% $states",
    ),
    (
        "ASL040",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}], "End": true}}}"#,
        "\"ErrorEquals\": [\"States.ALL\"]",
    ),
    (
        "ASL041",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Catch": [{"ErrorEquals": [], "Next": "A"}], "End": true}}}"#,
        "\"ErrorEquals\": []",
    ),
    (
        "ASL050",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "Next": "A"}]}}}"#,
        "{\"Variable\"",
    ),
    (
        "ASL051",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.x", "IsNull": true, "Next": "A"}, "Next": "A"}]}}}"#,
        "\"A\"}, \"Next\"",
    ),
    (
        "ASL053",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": []}}}"#,
        "\"Choices\": []",
    ),
    (
        "ASL054",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Timestamp": "tomorrow", "End": true}}}"#,
        "\"tomorrow\"",
    ),
    (
        "ASL055",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "5", "Next": "A"}]}}}"#,
        "\"5\"",
    ),
];

fn const_format_long_name() -> String {
    let name = "A".repeat(81);
    format!(r#"{{"StartAt": "{name}", "States": {{"{name}": {{"Type": "Succeed"}}}}}}"#)
}

#[test]
fn invalid_definitions_report_their_code_at_the_offending_text() {
    let mut wrong = Vec::new();
    for (code, text, at) in INVALID {
        let loaded = load(text, &LoadOptions::default());
        assert!(
            loaded.machine.is_none(),
            "{code}: a definition with errors has no model: {text}"
        );
        let found = loaded
            .errors()
            .find(|d| d.code == *code)
            .unwrap_or_else(|| {
                let got: Vec<_> = loaded
                    .diagnostics
                    .iter()
                    .map(|d| (d.code, d.message.as_str()))
                    .collect();
                panic!("expected {code} for {text}, got {got:?}")
            });
        let offset = text
            .find(at)
            .unwrap_or_else(|| panic!("marker {at:?} not in {text}"));
        let expected = LineIndex::new(text).position(text, offset);
        if found.start != expected {
            wrong.push(format!(
                "{code} ({}) at {:?}, expected {:?} in {text}",
                found.message, found.start, expected
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "misplaced diagnostics:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn state_names_longer_than_80_characters_are_rejected() {
    let text = const_format_long_name();
    let loaded = load(&text, &LoadOptions::default());
    assert!(loaded.errors().any(|d| d.code == "ASL024"));
}

#[test]
fn errors_in_multi_line_definitions_carry_the_right_line() {
    let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\n      \"Type\": \"Pass\",\n      \"Next\": \"Missing\"\n    }\n  }\n}";
    let loaded = load(text, &LoadOptions::default());
    // A also cannot end the machine (ASL026); the dangling Next is what this test places.
    let error = loaded.errors().find(|d| d.code == "ASL021").unwrap();
    assert_eq!(
        (error.code, error.start.line, error.start.column),
        ("ASL021", 6, 15)
    );
    assert_eq!(error.pointer, "/States/A/Next");
}

#[test]
fn unreachable_states_are_errors_as_aws_reports_them() {
    let loaded = load(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "C": {"Type": "Succeed"}}}"#,
        &LoadOptions::default(),
    );
    assert!(loaded.machine.is_none());
    let codes: Vec<_> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str(), d.pointer.as_str()))
        .collect();
    assert_eq!(
        codes,
        [("ASL023", "State \"C\" is not reachable.", "/States/C")]
    );
}

#[test]
fn a_scope_without_a_terminal_state_is_reported_once() {
    // AWS reports the missing end and not the unreachable state B.
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}, "B": {"Type": "Pass", "Next": "A"}}}"#;
    let loaded = load(text, &LoadOptions::default());
    let codes: Vec<_> = loaded
        .errors()
        .map(|d| (d.code, d.message.as_str(), d.pointer.as_str()))
        .collect();
    assert_eq!(codes, [("ASL026", "Workflow has no terminal state", "")]);
    let branch = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "X", "States": {"X": {"Type": "Wait", "Seconds": 1, "Next": "X"}}}]}}}"#;
    let loaded = load(branch, &LoadOptions::default());
    let codes: Vec<_> = loaded
        .errors()
        .map(|d| (d.code, d.pointer.as_str()))
        .collect();
    assert_eq!(codes, [("ASL026", "/States/P/Branches/0")]);
}

#[test]
fn substitutions_are_applied_and_missing_ones_reported() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${Fn}", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}], "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": true}, "B": {"Type": "Succeed"}}}"#;
    let missing = load(text, &LoadOptions::default());
    assert!(missing.diagnostics.iter().any(|d| d.code == "ASL035"));
    let mut options = LoadOptions::default();
    options
        .substitutions
        .insert("Fn".into(), "arn:aws:states:::lambda:invoke".into());
    let resolved = load(text, &options);
    assert!(resolved.diagnostics.iter().all(|d| d.code != "ASL035"));
    // An account-specific ARN is a lint when written in the definition, not when
    // DefinitionSubstitutions supplies it.
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
    let mut deployed = LoadOptions::default();
    deployed.substitutions.insert("Fn".into(), arn.into());
    let lints = |text: &str, options: &LoadOptions| -> Vec<&'static str> {
        load(text, options)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    };
    assert!(!lints(text, &deployed).contains(&"LINT001"));
    assert!(lints(&text.replace("${Fn}", arn), &deployed).contains(&"LINT001"));
    let machine = resolved.machine.unwrap();
    assert!(
        matches!(&machine.states.states[0].kind, stepwise_asl::model::Kind::Task(t) if t.resource == "arn:aws:states:::lambda:invoke")
    );
}

/// Load `text` with `Env` = `prod` and `Field` = `orderId`.
fn load_with_env(text: &str) -> stepwise_asl::Loaded {
    let mut options = LoadOptions::default();
    options.substitutions.insert("Env".into(), "prod".into());
    options
        .substitutions
        .insert("Field".into(), "orderId".into());
    load(text, &options)
}

/// The text a diagnostic's span covers.
fn spanned<'t>(text: &'t str, d: &stepwise_asl::Diagnostic) -> &'t str {
    &text[d.span.start..d.span.end]
}

#[test]
fn substitutions_apply_to_keys_as_they_do_on_aws() {
    let text = r#"{"StartAt": "Process${Env}", "States": {"Process${Env}": {"Type": "Pass", "Parameters": {"${Field}.$": "$.id", "fixed": "${Env}"}, "End": true}}}"#;
    let loaded = load_with_env(text);
    assert_eq!(loaded.diagnostics, []);
    let json = loaded.json.unwrap();
    assert_eq!(
        json["States"]["Processprod"]["Parameters"],
        serde_json::json!({"orderId.$": "$.id", "fixed": "prod"})
    );
    let machine = loaded.machine.unwrap();
    assert_eq!(
        machine.states.states[machine.states.start].name,
        "Processprod"
    );
    // The state, under its substituted name, is found where it is written.
    let at = loaded.spans.key_span("/States/Processprod");
    assert_eq!(&text[at.start..at.end], "\"Process${Env}\"");
}

#[test]
fn diagnostics_under_a_substituted_key_point_at_the_text_as_written() {
    // A field misplaced in a renamed state, and an unknown Next in it.
    let text = r#"{"StartAt": "Process${Env}", "States": {"Process${Env}": {"Type": "Pass", "Bogus": 1, "Next": "Nowhere"}}}"#;
    let loaded = load_with_env(text);
    let found: Vec<_> = loaded
        .errors()
        .map(|d| (d.code, d.pointer.as_str(), spanned(text, d)))
        .collect();
    assert!(
        found.contains(&("ASL012", "/States/Processprod/Bogus", "\"Bogus\"")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(_, pointer, at)| *pointer == "/States/Processprod/Next" && *at == "\"Nowhere\""),
        "{found:?}"
    );
    for d in loaded.errors() {
        let expected = LineIndex::new(text).position(text, d.span.start);
        assert_eq!(d.start, expected, "{d:?}");
    }
}

#[test]
fn a_key_placeholder_without_a_substitution_is_reported_at_the_key() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"${Missing}": 1}, "End": true}}}"#;
    let loaded = load_with_env(text);
    let warnings: Vec<_> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, spanned(text, d)))
        .collect();
    assert_eq!(warnings, [("ASL035", "\"${Missing}\"")]);
}

#[test]
fn keys_that_substitutions_make_equal_are_duplicates() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"prod": 1, "${Env}": 2}, "End": true}}}"#;
    let loaded = load_with_env(text);
    let errors: Vec<_> = loaded
        .errors()
        .map(|d| (d.code, d.message.as_str(), spanned(text, d)))
        .collect();
    assert_eq!(
        errors,
        [(
            "ASL002",
            "Duplicate key \"prod\" once substitutions are made",
            "\"${Env}\""
        )]
    );
    assert!(loaded.machine.is_none());
}

/// (lint, firing definition, quiet definition, machine type)
fn lint_cases() -> Vec<(&'static str, String, String, MachineType)> {
    let guarded = r#""Retry": [{"ErrorEquals": ["Lambda.ServiceException"]}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}]"#;
    let task = |resource: &str, extra: &str| {
        format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "{resource}", {extra}"Next": "Done"}}, "Done": {{"Type": "Succeed"}}}}}}"#
        )
    };
    vec![
        ("LINT001", task("arn:aws:lambda:us-east-1:123456789012:function:f", &format!("{guarded}, ")), task("arn:aws:states:::lambda:invoke", &format!("{guarded}, ")), MachineType::Standard),
        ("LINT002", task("arn:aws:states:::lambda:invoke", r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "#), task("arn:aws:states:::lambda:invoke", &format!("{guarded}, ")), MachineType::Standard),
        ("LINT003", task("arn:aws:states:::sns:publish", ""), task("arn:aws:states:::sns:publish", r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "#), MachineType::Standard),
        ("LINT004", task("arn:aws:states:::sqs:sendMessage.waitForTaskToken", r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "#), task("arn:aws:states:::sqs:sendMessage.waitForTaskToken", r#""TimeoutSeconds": 600, "HeartbeatSeconds": 60, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "#), MachineType::Standard),
        (
            "LINT005",
            r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}"#.to_owned(),
            r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 5, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}"#.to_owned(),
            MachineType::Standard,
        ),
        (
            "LINT006",
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Next": "B"}, "B": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true}}}"#.to_owned(),
            r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Retry": [{"ErrorEquals": ["States.ALL"]}], "Next": "B"}, "B": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true}}}"#.to_owned(),
            MachineType::Standard,
        ),
        ("LINT007", task("arn:aws:states:::ecs:runTask.sync", r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "#), task("arn:aws:states:::ecs:runTask", r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "#), MachineType::Express),
        (
            "LINT008",
            r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}"#.to_owned(),
            r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}"#.to_owned(),
            MachineType::Express,
        ),
    ]
}

#[test]
fn every_lint_fires_on_its_anti_pattern_and_not_on_the_fix() {
    for (code, firing, quiet, machine_type) in lint_cases() {
        let options = LoadOptions {
            machine_type,
            ..LoadOptions::default()
        };
        let fired = load(&firing, &options);
        // The firing case has no error but the lint itself (LINT007 is one: AWS rejects it).
        assert!(
            fired.errors().all(|d| d.code == code),
            "{code}: the firing case must be valid: {:?}",
            fired.diagnostics
        );
        let lint = fired
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code} did not fire on {firing}"));
        assert!(lint.hint.is_some(), "{code} has a hint");
        let quiet_run = load(&quiet, &options);
        assert!(
            quiet_run.diagnostics.iter().all(|d| d.code != code),
            "{code} fired on the fixed version {quiet}"
        );
    }
}

#[test]
fn the_order_processing_example_has_only_the_expected_lints() {
    let text = include_str!("../../../public/examples/order-processing.asl.json");
    let loaded = load(text, &LoadOptions::default());
    assert!(
        loaded.errors().next().is_none(),
        "{:?}",
        loaded.errors().collect::<Vec<_>>()
    );
    let mut codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
    codes.sort();
    assert_eq!(
        codes,
        ["ASL035", "ASL035", "ASL035", "ASL035", "LINT002", "LINT003", "LINT003", "LINT003"]
    );
}

#[test]
fn a_state_is_found_by_name_in_any_scope_with_its_key_in_the_text() {
    // "Pass" is also a Parameters key before the state of that name: the span, not a text
    // search, says where the state is.
    let text = r#"{"StartAt": "P", "States": {
  "P": {"Type": "Parallel", "Parameters": {"Inner": 1}, "End": true, "Branches": [
    {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": true}}}]}}}"#;
    let loaded = load(text, &LoadOptions::default());
    let machine = loaded.machine.as_ref().expect("valid");
    let inner = machine.state_named("Inner").expect("found in the branch");
    let span = loaded.spans.key_span(&inner.pointer);
    assert_eq!(&text[span.start..span.end], "\"Inner\"");
    assert!(span.start > text.find("\"Inner\": 1").unwrap());
    assert!(machine.state_named("Nowhere").is_none());
}
