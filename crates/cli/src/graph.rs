//! `stepwise graph DEF --format svg|dot|json`.

use std::process::ExitCode;

use stepwise_asl::{load, LoadOptions};
use stepwise_graph::{build, estimate_text_width, layout, Style};

use crate::report::code_frames;
use crate::validate::read_or_report;
use crate::{emit, EXIT_USAGE};

#[derive(clap::Args)]
pub struct Args {
    /// The definition file (ASL JSON).
    definition: String,
    /// Output format.
    #[arg(long, value_parser = ["svg", "dot", "json"], default_value = "svg")]
    format: String,
}

pub fn run(args: &Args) -> ExitCode {
    let text = match read_or_report(&args.definition) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let loaded = load(
        &text,
        &LoadOptions {
            skip_lints: true,
            ..LoadOptions::default()
        },
    );
    let Some(machine) = loaded.machine else {
        let errors: Vec<_> = loaded.errors().cloned().collect();
        eprint!("{}", code_frames(&args.definition, &text, &errors, false));
        eprintln!("error: {} is not a valid state machine", args.definition);
        return ExitCode::from(EXIT_USAGE);
    };
    let graph = build(&machine);
    let output = match args.format.as_str() {
        "dot" => stepwise_graph::dot::render(&graph),
        format => {
            let drawing = layout(&graph, &estimate_text_width, &Style::default());
            if format == "json" {
                serde_json::to_string_pretty(&drawing).expect("layouts serialise") + "\n"
            } else {
                stepwise_graph::svg::render(&drawing)
            }
        }
    };
    emit(&output);
    ExitCode::SUCCESS
}
