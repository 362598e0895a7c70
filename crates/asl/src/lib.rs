//! Amazon States Language: parse a definition with source spans, build its typed model,
//! validate it the way AWS does, and lint it for known anti-patterns.
//!
//! ```
//! use stepwise_asl::{load, LoadOptions, model::Kind};
//!
//! let text = r#"{
//!   "StartAt": "Greet",
//!   "States": {
//!     "Greet": { "Type": "Pass", "Result": "hello", "Next": "Done" },
//!     "Done": { "Type": "Succeed" }
//!   }
//! }"#;
//! let loaded = load(text, &LoadOptions::default());
//! assert_eq!(loaded.errors().count(), 0);
//! let machine = loaded.machine.expect("a valid definition has a model");
//! assert_eq!(machine.states.names().collect::<Vec<_>>(), ["Greet", "Done"]);
//! assert!(matches!(machine.states.start_state().kind, Kind::Pass { .. }));
//!
//! let broken = load(r#"{"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}}"#, &LoadOptions::default());
//! let error = broken.errors().next().unwrap();
//! assert_eq!((error.code, error.start.line, error.start.column), ("ASL020", 1, 13));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod codes;
pub mod complete;
pub mod depth;
pub mod diagnostic;
pub mod edit;
pub mod intrinsic;
pub mod json;
mod jsonata;
pub mod lint;
mod load;
pub mod model;
pub mod path;
pub mod resource;
pub mod source;
pub mod substitution;
pub mod template;
pub mod timestamp;
pub mod validate;
pub mod yaml;

use std::collections::{HashMap, HashSet};

pub use diagnostic::{Diagnostic, Severity};
pub use lint::MachineType;
pub use load::template::jsonata_expression;
pub use source::{LineIndex, Position, Span};

use diagnostic::Sink;
use json::SpanTable;
use model::StateMachine;

/// How to load a definition.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Values for `${Name}` placeholders.
    pub substitutions: HashMap<String, String>,
    /// STANDARD or EXPRESS (affects lints).
    pub machine_type: MachineType,
    /// Skip the anti-pattern lints.
    pub skip_lints: bool,
}

/// The outcome of loading a definition.
#[derive(Debug)]
pub struct Loaded {
    /// The model, present when there are no errors.
    pub machine: Option<StateMachine>,
    /// The model when every state was built but a whole-machine check failed (a state not
    /// reachable, a scope that cannot end): it cannot run, but it can be drawn.
    pub unfinished: Option<StateMachine>,
    /// Every diagnostic, errors first, then by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Where every value of the definition sits in the text.
    pub spans: SpanTable,
    /// The definition after substitutions (when it parsed).
    pub json: Option<serde_json::Value>,
}

impl Loaded {
    /// The model to draw: the machine, or one still unfinished.
    pub fn drawable(&self) -> Option<&StateMachine> {
        self.machine.as_ref().or(self.unfinished.as_ref())
    }

    /// The diagnostics that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Parse a definition written in JSON or in YAML. Text is YAML when it does not start like
/// JSON and reads as a YAML mapping (or fails as one); anything else gets JSON's diagnostics,
/// as AWS gives them (`not a definition` is invalid JSON, not a YAML string).
pub fn parse_text(text: &str, sink: &mut Sink) -> (Option<serde_json::Value>, json::SpanTable) {
    if yaml::looks_like_yaml(text) {
        let mut yaml_sink = Sink::default();
        let (value, spans) = yaml::parse(text, &mut yaml_sink);
        let mapping = matches!(value, Some(serde_json::Value::Object(_)));
        let broken_mapping = value.is_none() && text.contains(':');
        if mapping || broken_mapping {
            sink.items.extend(yaml_sink.items);
            return (value, spans);
        }
    }
    json::parse(text, sink)
}

/// Parse, build, validate and lint the definition in `text` (JSON or YAML).
pub fn load(text: &str, options: &LoadOptions) -> Loaded {
    let mut sink = Sink::default();
    let (mut json, mut spans) = parse_text(text, &mut sink);
    let mut machine = None;
    // What DefinitionSubstitutions put in: deployment-specific on purpose, not hard-coded.
    let mut substituted = HashSet::new();
    if let Some(value) = json.as_mut() {
        substitution::apply(
            value,
            &options.substitutions,
            &mut spans,
            &mut substituted,
            &mut sink,
        );
        let mut loader = load::Loader {
            sink: &mut sink,
            names: HashMap::new(),
        };
        machine = loader.machine(value);
    }
    let built = !sink.has_errors();
    if let Some(root) = &json {
        validate::check(root, &mut sink);
    }
    let mut unfinished = None;
    if sink.has_errors() {
        unfinished = machine.take().filter(|_| built);
    }
    if let (Some(m), false) = (&machine, options.skip_lints) {
        lint::lint(m, options.machine_type, &substituted, &mut sink);
    }
    let diagnostics = sink.finish(text, &spans);
    Loaded {
        machine,
        unfinished,
        diagnostics,
        spans,
        json,
    }
}
