//! `stepwise export sam|cfn|mocks DEF`: a template that deploys the machine to AWS Step
//! Functions unchanged, or a MockConfigFile for AWS Step Functions Local.

use std::path::Path;
use std::process::ExitCode;

use stepwise_asl::template::{export, Flavour};

use crate::emit;
use crate::validate::{parse_substitution, TypeArg};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// An AWS SAM template (AWS::Serverless::StateMachine).
    Sam,
    /// A CloudFormation template (state machine, role, version and alias).
    Cfn,
    /// A MockConfigFile skeleton for AWS Step Functions Local.
    Mocks,
}

#[derive(clap::Args)]
pub struct Args {
    /// What to write.
    #[arg(value_enum)]
    what: What,
    /// The definition file (JSON or YAML), or a template holding it.
    definition: String,
    /// The state machine of a template to export.
    #[arg(long)]
    resource: Option<String>,
    /// Write DIR/template.yaml and the definition file it names (or DIR/mocks.json) instead
    /// of printing.
    #[arg(long, value_name = "DIR")]
    out: Option<String>,
    /// STANDARD or EXPRESS (the template's, or STANDARD).
    #[arg(long = "type", value_enum)]
    machine_type: Option<TypeArg>,
    /// A value for a `${Name}` placeholder, NAME=VALUE (the default of its parameter).
    #[arg(long = "substitution", value_name = "NAME=VALUE", value_parser = parse_substitution)]
    substitutions: Vec<(String, String)>,
}

pub fn run(args: &Args) -> ExitCode {
    crate::exit_code(execute(args))
}

fn execute(args: &Args) -> Result<ExitCode, String> {
    let source = crate::source::read(&args.definition, args.resource.as_deref())
        .map_err(|e| format!("error: {e}\n"))?;
    let machine_type = args
        .machine_type
        .map(Into::into)
        .or(source.machine_type)
        .unwrap_or_default();
    let mut values = source.substitutions.clone();
    values.extend(args.substitutions.iter().cloned());
    let stem = Path::new(&args.definition)
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.split('.').next().unwrap_or(n).to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "statemachine".into());
    if args.what == What::Mocks {
        let loaded = stepwise_asl::load(
            &source.text,
            &stepwise_asl::LoadOptions {
                skip_lints: true,
                ..Default::default()
            },
        );
        let machine = loaded
            .machine
            .ok_or_else(|| format!("error: {} is not a valid state machine\n", args.definition))?;
        let mocks =
            stepwise_engine::mock::skeleton(&machine, &stepwise_asl::template::logical_id(&stem));
        let text = serde_json::to_string_pretty(&mocks).unwrap_or_default() + "\n";
        return write_or_print(args.out.as_deref(), &[("mocks.json", &text)]);
    }
    let flavour = if args.what == What::Sam {
        Flavour::Sam
    } else {
        Flavour::Cfn
    };
    let file = args
        .out
        .as_ref()
        .map(|_| format!("statemachine/{stem}.asl.json"));
    let exported = export(
        &source.text,
        flavour,
        machine_type,
        &values,
        file.as_deref(),
    )
    .map_err(|e| format!("error: {e}\n"))?;
    // What AWS would refuse or regret in the template (an EXPRESS machine with callbacks).
    let definition_file = exported.definition_file.clone();
    let read_back = |_: &str| {
        definition_file
            .clone()
            .map(|(_, text)| text)
            .ok_or_else(String::new)
    };
    if let Ok(imported) = stepwise_asl::template::import(&exported.template, None, &read_back) {
        for (code, message) in imported.findings {
            eprintln!("warning [{code}]: {message}");
        }
    }
    let mut files = vec![("template.yaml".to_owned(), exported.template)];
    files.extend(exported.definition_file);
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    write_or_print(args.out.as_deref(), &files)
}

/// Print the first file, or write every file under `out`.
fn write_or_print(out: Option<&str>, files: &[(&str, &str)]) -> Result<ExitCode, String> {
    let Some(dir) = out else {
        emit(files[0].1);
        return Ok(ExitCode::SUCCESS);
    };
    for (path, text) in files {
        let path = Path::new(dir).join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("error: cannot create {}: {e}\n", parent.display()))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| format!("error: cannot write {}: {e}\n", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
