//! `stepwise graph DEF --format svg|dot|json`.

use std::process::ExitCode;

use stepwise_asl::{load, LoadOptions};
use stepwise_graph::{build, estimate_text_width, layout, Style};

use crate::report::code_frames;
use crate::{emit, EXIT_USAGE};

#[derive(clap::Args)]
pub struct Args {
    /// The definition file (JSON or YAML), or a SAM or CloudFormation template.
    definition: String,
    /// The state machine of a template to draw.
    #[arg(long)]
    resource: Option<String>,
    /// Output format.
    #[arg(long, value_parser = ["svg", "dot", "json"], default_value = "svg")]
    format: String,
}

pub fn run(args: &Args) -> ExitCode {
    let source = match crate::source::read(&args.definition, args.resource.as_deref()) {
        Ok(source) => source,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let text = source.text;
    let loaded = load(
        &text,
        &LoadOptions {
            skip_lints: true,
            substitutions: source.substitutions.into_iter().collect(),
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
