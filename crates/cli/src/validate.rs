//! `stepwise validate FILE...`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use serde_json::{json, Value};
use stepwise_asl::{codes, load, Diagnostic, LoadOptions, Loaded, MachineType, Severity};

use crate::report::code_frames;
use crate::EXIT_USAGE;

#[derive(clap::Args)]
pub struct Args {
    /// Definition files (ASL JSON); exactly one with `--format aws`.
    #[arg(required_unless_present = "list_codes")]
    files: Vec<String>,
    /// Print one JSON array of results instead of code frames (same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Output: code frames (text), one JSON array of results (json), or exactly what AWS's
    /// ValidateStateMachineDefinition returns for one definition (aws) [default: text]
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// With `--format aws`: ERROR returns only errors, WARNING errors and warnings [default: ERROR]
    #[arg(long, value_enum)]
    severity: Option<SeverityArg>,
    /// With `--format aws`: at most N diagnostics, 0-100 (0 means 100) [default: 100]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    max_results: Option<u8>,
    /// Print the table of diagnostic codes (Markdown) and exit.
    #[arg(long, conflicts_with = "files")]
    list_codes: bool,
    /// The state machine type (some lints only apply to EXPRESS) [default: the template's,
    /// or STANDARD].
    #[arg(long = "type", value_enum)]
    machine_type: Option<TypeArg>,
    /// The state machine of a SAM or CloudFormation template to validate.
    #[arg(long)]
    resource: Option<String>,
    /// A DefinitionSubstitutions entry, NAME=VALUE (repeatable).
    #[arg(long = "substitution", value_name = "NAME=VALUE", value_parser = parse_substitution)]
    substitutions: Vec<(String, String)>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Code frames and a verdict per file.
    Text,
    /// One JSON array of results.
    Json,
    /// AWS's ValidateStateMachineDefinition response.
    Aws,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    #[value(name = "ERROR", alias = "error")]
    Error,
    #[value(name = "WARNING", alias = "warning")]
    Warning,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum TypeArg {
    #[value(name = "STANDARD", alias = "standard")]
    Standard,
    #[value(name = "EXPRESS", alias = "express")]
    Express,
}

impl From<TypeArg> for MachineType {
    fn from(value: TypeArg) -> Self {
        match value {
            TypeArg::Standard => MachineType::Standard,
            TypeArg::Express => MachineType::Express,
        }
    }
}

/// The machine's type and substitution values, for commands that read no template.
#[derive(clap::Args)]
pub struct MachineArgs {
    /// STANDARD or EXPRESS.
    #[arg(long = "type", value_enum, default_value = "STANDARD")]
    pub machine_type: TypeArg,
    /// A DefinitionSubstitutions entry, NAME=VALUE (repeatable).
    #[arg(long = "substitution", value_name = "NAME=VALUE", value_parser = parse_substitution)]
    pub substitutions: Vec<(String, String)>,
}

pub fn parse_substitution(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("expected NAME=VALUE, got \"{text}\""))
}

/// Read a definition file; binary content is read lossily so it gets a JSON error, not a crash.
pub fn read_text(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Stop with a clap usage error (exit status 2) about `validate`'s arguments.
fn usage_error(kind: clap::error::ErrorKind, message: &str) -> ! {
    use clap::CommandFactory;
    let mut command = crate::Cli::command();
    command.build();
    let validate = command
        .find_subcommand_mut("validate")
        .expect("validate is a subcommand");
    validate.error(kind, message).exit()
}

pub fn run(args: &Args) -> ExitCode {
    if args.list_codes {
        crate::emit(&codes::markdown());
        return ExitCode::SUCCESS;
    }
    let format = match (args.format, args.json) {
        (Some(format), _) => format,
        (None, true) => Format::Json,
        (None, false) => Format::Text,
    };
    if format == Format::Aws && args.files.len() != 1 {
        usage_error(
            clap::error::ErrorKind::TooManyValues,
            "--format aws validates exactly one FILE, as AWS validates one definition per call",
        );
    }
    if format != Format::Aws && (args.severity.is_some() || args.max_results.is_some()) {
        usage_error(
            clap::error::ErrorKind::ArgumentConflict,
            "--severity and --max-results apply to --format aws only",
        );
    }
    // Each file's own options: a template gives a type and substitution values.
    let options_for = |source: &crate::source::Source| LoadOptions {
        substitutions: source
            .substitutions
            .clone()
            .into_iter()
            .chain(args.substitutions.iter().cloned())
            .collect::<HashMap<_, _>>(),
        machine_type: args
            .machine_type
            .map(Into::into)
            .or(source.machine_type)
            .unwrap_or_default(),
        skip_lints: false,
    };
    let read = |file: &str| {
        crate::source::read(file, args.resource.as_deref()).map_err(|message| {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        })
    };
    if format == Format::Aws {
        let file = &args.files[0];
        let source = match read(file) {
            Ok(source) => source,
            Err(code) => return code,
        };
        let text = source.text.clone();
        let loaded = load(&text, &options_for(&source));
        let response = aws_response(
            &text,
            &loaded,
            args.severity.unwrap_or(SeverityArg::Error),
            args.max_results.unwrap_or(0),
        );
        crate::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&response).expect("JSON values serialise")
        ));
        return ExitCode::from(u8::from(response["result"] == "FAIL"));
    }
    let color = std::io::stdout().is_terminal();
    let mut any_errors = false;
    let mut results = Vec::new();
    for file in &args.files {
        let source = match read(file) {
            Ok(source) => source,
            Err(code) => return code,
        };
        let text = source.text.clone();
        let loaded = load(&text, &options_for(&source));
        let errors = loaded.errors().count();
        any_errors |= errors > 0;
        let states: Vec<&str> = loaded
            .machine
            .iter()
            .flat_map(|m| m.states.names())
            .collect();
        let findings: Vec<Value> = source
            .findings
            .iter()
            .map(|(code, message)| json!({ "code": code, "severity": "Warning", "message": message }))
            .collect();
        if format == Format::Json {
            let mut result = json!({ "file": file, "valid": errors == 0, "states": states, "diagnostics": loaded.diagnostics });
            if !findings.is_empty() {
                result["template"] = json!(findings);
            }
            results.push(result);
            continue;
        }
        crate::emit(&code_frames(file, &text, &loaded.diagnostics, color));
        for (code, message) in &source.findings {
            crate::emit(&format!("  ⚠ [{code}] {message}\n"));
        }
        let warnings = loaded.diagnostics.len() - errors + source.findings.len();
        if errors == 0 {
            crate::emit(&format!(
                "{file}: valid — {} state(s): {} ({warnings} warning(s))\n",
                states.len(),
                states.join(", ")
            ));
        } else {
            crate::emit(&format!(
                "{file}: invalid — {errors} error(s), {warnings} warning(s)\n"
            ));
        }
    }
    if format == Format::Json {
        crate::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&results).expect("JSON values serialise")
        ));
    }
    ExitCode::from(u8::from(any_errors))
}

/// What AWS's `ValidateStateMachineDefinition` returns for the definition `text`: only the
/// diagnostics with an AWS code, at most `max_results` (0 means 100) of those at `severity`.
fn aws_response(text: &str, loaded: &Loaded, severity: SeverityArg, max_results: u8) -> Value {
    let limit = match max_results {
        0 => 100,
        n => usize::from(n),
    };
    let mut failed = false;
    let mut diagnostics = Vec::new();
    for d in &loaded.diagnostics {
        let Some(entry) = codes::lookup(d.code) else {
            continue;
        };
        let Some(aws_code) = entry.aws else {
            continue;
        };
        let aws_severity = match entry.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
            Severity::Info => continue,
        };
        failed |= aws_severity == "ERROR";
        if aws_severity == "WARNING" && severity == SeverityArg::Error {
            continue;
        }
        let mut diagnostic = json!({
            "severity": aws_severity,
            "code": aws_code,
            "message": d.message,
        });
        if let Some(location) = aws_location(text, loaded, d, aws_code) {
            diagnostic["location"] = Value::String(location);
        }
        diagnostics.push(diagnostic);
    }
    let truncated = diagnostics.len() > limit;
    diagnostics.truncate(limit);
    json!({
        "result": if failed { "FAIL" } else { "OK" },
        "diagnostics": diagnostics,
        "truncated": truncated,
    })
}

/// Where AWS puts `d`: its JSON pointer written AWS's way (state names raw, array elements as
/// `Field[i]`), `/` for the whole definition, Jackson's source location for JSON syntax
/// errors, and nothing for a state machine without a terminal state.
fn aws_location(text: &str, loaded: &Loaded, d: &Diagnostic, aws_code: &str) -> Option<String> {
    match aws_code {
        "INVALID_JSON_DESCRIPTION" => Some(jackson_location(text, d)),
        "MISSING_END_STATE" if d.pointer.is_empty() => None,
        _ => Some(aws_path(&d.pointer, loaded.json.as_ref())),
    }
}

/// `pointer` (RFC 6901) in AWS's form: `/States/P/Branches/0/States/X` is
/// `/States/P/Branches[0]/States/X`. A segment is an index when the value it indexes into is
/// an array in `definition`, whatever its digits.
fn aws_path(pointer: &str, definition: Option<&Value>) -> String {
    if pointer.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::new();
    let mut current = definition;
    for raw in pointer.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        current = match current {
            Some(Value::Array(items)) => {
                if out.is_empty() {
                    out.push('/');
                }
                out.push_str(&format!("[{token}]"));
                token.parse::<usize>().ok().and_then(|i| items.get(i))
            }
            other => {
                out.push('/');
                out.push_str(&token);
                other.and_then(|v| v.get(&token))
            }
        };
    }
    out
}

/// Jackson's location of a parse error, as AWS reports it:
/// `[Source: (String)"<text>"; line: L, column: C]`, the text cut after 500 characters as
/// Jackson does. Jackson reports where it stopped reading, so this is where `d`'s offending
/// text ends.
fn jackson_location(text: &str, d: &Diagnostic) -> String {
    const SNIPPET: usize = 500;
    let length = text.chars().count();
    let source = if length > SNIPPET {
        let head: String = text.chars().take(SNIPPET).collect();
        format!("\"{head}\"[truncated {} chars]", length - SNIPPET)
    } else {
        format!("\"{text}\"")
    };
    format!(
        "[Source: (String){source}; line: {}, column: {}]",
        d.end.line, d.end.column
    )
}

#[cfg(test)]
mod tests {
    use super::aws_path;
    use serde_json::json;

    #[test]
    fn pointers_become_aws_locations() {
        let definition = json!({
            "States": {
                "P": {"Branches": [{"States": {"X": {}}}]},
                "a/b": {"Catch": [{"Next": "Z"}]},
                "0": {"1": {}},
            }
        });
        let d = Some(&definition);
        assert_eq!(aws_path("", d), "/");
        assert_eq!(
            aws_path("/States/P/Branches/0/States/X", d),
            "/States/P/Branches[0]/States/X"
        );
        assert_eq!(
            aws_path("/States/a~1b/Catch/0/Next", d),
            "/States/a/b/Catch[0]/Next"
        );
        // Digits naming object members are names, not indexes.
        assert_eq!(aws_path("/States/0/1", d), "/States/0/1");
        // Past the end of the definition, segments are names.
        assert_eq!(aws_path("/States/Q/3", d), "/States/Q/3");
        assert_eq!(aws_path("/States/~0x", d), "/States/~x");
    }
}
