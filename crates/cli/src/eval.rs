//! `stepwise eval EXPR`: one JSONata expression, as the reference exerciser evaluates it
//! (plain JSONata, without the Step Functions dialect).

use std::process::ExitCode;

use serde_json::{json, Value};
use stepwise_engine::json_error::describe;
use stepwise_engine::jsonata::{
    evaluate_plain, Limits, EVALUATION_TIMEOUT_MS, MAX_EVALUATION_DEPTH,
};

use crate::validate::read_text;
use crate::{emit, EXIT_USAGE};

#[derive(clap::Args)]
pub struct Args {
    /// The JSONata expression.
    expression: String,
    /// A JSON file with the input (without it the input is undefined).
    #[arg(long)]
    input: Option<String>,
    /// A JSON file with an object of variable bindings.
    #[arg(long)]
    bindings: Option<String>,
    /// Print `{"result": ...}`, `{"undefined": true}` or `{"code", "message", "position"}`.
    #[arg(long)]
    json: bool,
}

fn read_json(path: &str, what: &str) -> Result<Value, String> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| format!("{what} {path} is not JSON: {}", describe(&e)))
}

pub fn run(args: &Args) -> ExitCode {
    let input = match args
        .input
        .as_deref()
        .map(|p| read_json(p, "input"))
        .transpose()
    {
        Ok(input) => input,
        Err(message) => return usage(&message),
    };
    let bindings = match args
        .bindings
        .as_deref()
        .map(|p| read_json(p, "bindings"))
        .transpose()
    {
        Ok(None) => serde_json::Map::new(),
        Ok(Some(Value::Object(map))) => map,
        Ok(Some(_)) => return usage("the bindings file must hold a JSON object"),
        Err(message) => return usage(&message),
    };
    match evaluate_plain(
        &args.expression,
        input.as_ref(),
        &bindings,
        // The limits a state's expressions have, so an endless recursion ends here too.
        Limits {
            timeout_ms: Some(EVALUATION_TIMEOUT_MS),
            max_depth: Some(MAX_EVALUATION_DEPTH),
        },
    ) {
        Ok(Some(result)) if args.json => emit(&format!("{}\n", json!({ "result": result }))),
        Ok(Some(result)) => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&result).expect("JSON values serialise")
        )),
        Ok(None) if args.json => emit("{\"undefined\":true}\n"),
        Ok(None) => {}
        Err(error) => {
            // jsonata-core does not report character positions, so position is null.
            if args.json {
                emit(&format!(
                    "{}\n",
                    json!({ "code": error.code, "message": error.message, "position": null })
                ));
            } else {
                eprintln!("error: {}", error.message);
            }
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}
