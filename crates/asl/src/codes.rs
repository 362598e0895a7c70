//! The one table of diagnostic codes: what each means, how bad it is, and the code AWS's
//! `ValidateStateMachineDefinition` reports for the same finding. The loader, the lints,
//! the CLI's `--format aws`, the README and the playground's problem list all read it.

use crate::diagnostic::Severity;

/// One diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// Our code, e.g. `ASL021`.
    pub code: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What it is about, in a few words.
    pub title: &'static str,
    /// AWS's code for the same finding; `None` for our own lints, which AWS does not report.
    pub aws: Option<&'static str>,
}

const fn code(
    code: &'static str,
    severity: Severity,
    title: &'static str,
    aws: Option<&'static str>,
) -> Code {
    Code {
        code,
        severity,
        title,
        aws,
    }
}

use Severity::{Error, Warning};
const JSON: Option<&str> = Some("INVALID_JSON_DESCRIPTION");
const SCHEMA: Option<&str> = Some("SCHEMA_VALIDATION_FAILED");
const TARGET: Option<&str> = Some("MISSING_TRANSITION_TARGET");

/// Every code, in order.
#[rustfmt::skip]
pub const CODES: &[Code] = &[
    code("ASL001", Error, "Not valid JSON", JSON),
    code("ASL002", Error, "Duplicate key in an object", JSON),
    code("ASL003", Error, "JSON nested too deeply", Some("TOO_DEEPLY_NESTED")),
    code("ASL004", Error, "Empty definition", SCHEMA),
    code("ASL010", Error, "Required field missing", SCHEMA),
    code("ASL011", Error, "Field of the wrong type", SCHEMA),
    code("ASL012", Error, "Field not allowed here", SCHEMA),
    code("ASL013", Error, "Field of the other query language", SCHEMA),
    code("ASL014", Error, "Fields that exclude each other", SCHEMA),
    code("ASL015", Error, "Value out of range or malformed", SCHEMA),
    code("ASL016", Error, "Unknown state type", SCHEMA),
    code("ASL017", Error, "Value not among the allowed ones", SCHEMA),
    code("ASL018", Error, "Invalid resource ARN or placeholder", Some("INVALID_RESOURCE")),
    code("ASL019", Error, "Invalid Credentials", SCHEMA),
    code("ASL020", Error, "StartAt names no state of its scope", TARGET),
    code("ASL021", Error, "Transition to a state that does not exist", TARGET),
    code("ASL022", Error, "Next and End missing or both set", SCHEMA),
    code("ASL023", Error, "State not reachable", TARGET),
    code("ASL024", Error, "State name too long", Some("INVALID_STATE_NAME")),
    code("ASL025", Error, "State name used twice", Some("DUPLICATE_STATE_NAME")),
    code("ASL026", Error, "No terminal state", Some("MISSING_END_STATE")),
    code("ASL030", Error, "Invalid JSONPath", SCHEMA),
    code("ASL031", Error, "Invalid reference path", SCHEMA),
    code("ASL032", Error, "Invalid intrinsic function call", SCHEMA),
    code("ASL033", Error, "A .$ field whose value is not a string", SCHEMA),
    code("ASL034", Error, "Invalid JSONata expression", SCHEMA),
    code("ASL035", Warning, "${Name} placeholder without a substitution", None),
    code("ASL040", Error, "States.ALL not alone or not last", SCHEMA),
    code("ASL041", Error, "Empty ErrorEquals", SCHEMA),
    code("ASL050", Error, "JSONata Choice rule without Condition", SCHEMA),
    code("ASL051", Error, "Next in a nested Choice rule", SCHEMA),
    code("ASL052", Error, "Top-level Choice rule without Next", SCHEMA),
    code("ASL053", Error, "Choice without rules", SCHEMA),
    code("ASL054", Error, "Invalid timestamp", SCHEMA),
    code("ASL055", Error, "Choice comparison of the wrong type", SCHEMA),
    code("ASL060", Warning, "A path or intrinsic in a field without .$", Some("NO_DOLLAR")),
    code("ASL061", Warning, "A path in a field that is not a ...Path field", Some("NO_PATH")),
    code("ASL062", Warning, "A .$ field in a Pass state's static Result", Some("PASS_RESULT_IS_STATIC")),
    code("ASL063", Warning, "Two keys that are the same once .$ is removed", None),
    code("LINT001", Warning, "Hard-coded account or region in an ARN", None),
    code("LINT002", Warning, "Lambda task without a Retry for transient errors", None),
    code("LINT003", Warning, "Task without a Catch", None),
    code("LINT004", Warning, "Callback task without HeartbeatSeconds or TimeoutSeconds", None),
    code("LINT005", Warning, "Map without MaxConcurrency", None),
    code("LINT006", Warning, "Long chain of tasks without error handling", None),
    code("LINT007", Error, "Integration an EXPRESS machine cannot use", SCHEMA),
    code("LINT008", Warning, "Wait longer than an EXPRESS execution may run", None),
    code("MOCK001", Error, "Mock config entry of the wrong shape", None),
    code("MOCK002", Error, "Unknown state machine or response in the mock config", None),
    code("MOCK003", Error, "Test case missing or ambiguous in the mock config", None),
    code("MOCK004", Error, "Invalid call index or range of a mocked response", None),
    code("MOCK005", Error, "Mocked response without exactly one of Return and Throw", None),
    code("MOCK006", Error, "Invalid DurationSeconds of a mocked response", None),
    code("TPL001", Warning, "Template state machine without versioning", None),
    code("TPL002", Warning, "Template state machine without logging of execution data", None),
    code("TPL003", Warning, "EXPRESS template state machine with .sync or a callback", None),
    code("TPL004", Warning, "Template hard-codes an ARN where !GetAtt or !Ref would do", None),
];

/// The table entry for `code`.
pub fn lookup(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

/// The table as a Markdown table (README and `stepwise validate --list-codes`).
pub fn markdown() -> String {
    let mut out = String::from("| Code | Severity | Meaning | AWS code |\n|---|---|---|---|\n");
    for c in CODES {
        let severity = match c.severity {
            Error => "error",
            Warning => "warning",
            Severity::Info => "info",
        };
        out.push_str(&format!(
            "| {} | {severity} | {} | {} |\n",
            c.code,
            c.title,
            c.aws.unwrap_or("—")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        for pair in CODES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} then {}",
                pair[0].code,
                pair[1].code
            );
        }
    }
}
