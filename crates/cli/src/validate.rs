//! `stepwise validate FILE...`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use serde_json::json;
use stepwise_asl::{load, LoadOptions, MachineType};

use crate::report::code_frames;
use crate::EXIT_USAGE;

#[derive(clap::Args)]
pub struct Args {
    /// Definition files (ASL JSON).
    #[arg(required = true)]
    files: Vec<String>,
    /// Print one JSON array of results instead of code frames.
    #[arg(long)]
    json: bool,
    /// The state machine type (some lints only apply to EXPRESS).
    #[arg(long = "type", value_enum, default_value = "STANDARD")]
    machine_type: TypeArg,
    /// A DefinitionSubstitutions entry, NAME=VALUE (repeatable).
    #[arg(long = "substitution", value_name = "NAME=VALUE", value_parser = parse_substitution)]
    substitutions: Vec<(String, String)>,
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

pub fn run(args: &Args) -> ExitCode {
    let options = LoadOptions {
        substitutions: args
            .substitutions
            .iter()
            .cloned()
            .collect::<HashMap<_, _>>(),
        machine_type: args.machine_type.into(),
        skip_lints: false,
    };
    let color = std::io::stdout().is_terminal();
    let mut any_errors = false;
    let mut results = Vec::new();
    for file in &args.files {
        let text = match read_text(file) {
            Ok(text) => text,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let loaded = load(&text, &options);
        let errors = loaded.errors().count();
        any_errors |= errors > 0;
        let states: Vec<&str> = loaded
            .machine
            .iter()
            .flat_map(|m| m.states.names())
            .collect();
        if args.json {
            results.push(json!({ "file": file, "valid": errors == 0, "states": states, "diagnostics": loaded.diagnostics }));
            continue;
        }
        crate::emit(&code_frames(file, &text, &loaded.diagnostics, color));
        let warnings = loaded.diagnostics.len() - errors;
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
    if args.json {
        crate::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&results).expect("JSON values serialise")
        ));
    }
    ExitCode::from(u8::from(any_errors))
}
