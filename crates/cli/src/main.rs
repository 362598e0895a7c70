//! `stepwise`: validate, run, graph and evaluate AWS Step Functions state machines.

mod chaos;
mod eval;
mod excerpt;
mod export;
mod graph;
mod report;
mod run;
mod source;
mod test;
mod test_state;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for usage and I/O problems (clap uses 2 as well).
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "stepwise",
    version,
    about = "Validate, run and draw AWS Step Functions state machines locally"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check definitions the way AWS does, and lint them for anti-patterns.
    Validate(validate::Args),
    /// Run a state machine locally, with mocked tasks and a virtual clock.
    Run(run::Args),
    /// Draw a state machine as SVG, Graphviz DOT, or JSON (nodes, edges, positions).
    Graph(graph::Args),
    /// Evaluate one JSONata expression (plain JSONata, like the reference exerciser).
    Eval(eval::Args),
    /// Run every test case of a MockConfigFile and check it against expectations.
    Test(test::Args),
    /// Run one state alone, as AWS's TestState API does (output, next state, data flow).
    TestState(test_state::Args),
    /// Run a machine many times under injected faults and report how it fares.
    Chaos(chaos::Args),
    /// Write a SAM or CloudFormation template that deploys the machine, or a MockConfigFile.
    Export(export::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Test(args) => test::run(&args),
        Command::TestState(args) => test_state::run(&args),
        Command::Chaos(args) => chaos::run(&args),
        Command::Export(args) => export::run(&args),
    }
}

/// The exit code of a command that reports usage and I/O problems as a message: the message
/// goes to stderr, and the code is [`EXIT_USAGE`].
pub fn exit_code(outcome: Result<ExitCode, String>) -> ExitCode {
    outcome.unwrap_or_else(|message| {
        eprint!("{message}");
        ExitCode::from(EXIT_USAGE)
    })
}

/// Print to stdout; a closed pipe (`stepwise ... | head`) is not an error worth a panic.
pub fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
