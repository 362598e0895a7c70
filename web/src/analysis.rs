//! What the crates compute from the definition text: the model, diagnostics and drawing.

use std::collections::BTreeMap;

use stepwise_asl::model::StateMachine;
use stepwise_asl::{load, Diagnostic, LoadOptions, MachineType};
use stepwise_graph::{build, layout, Layout, Style};

/// How the playground loads a definition: with the `${Name}` values given (blank ones stay
/// placeholders), linted as a `machine_type` state machine.
pub fn load_options(
    substitutions: &BTreeMap<String, String>,
    machine_type: MachineType,
) -> LoadOptions {
    LoadOptions {
        substitutions: substitutions
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        machine_type,
        ..LoadOptions::default()
    }
}

/// One analysis of one definition text.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The text it was made from (with the substitutions, it identifies the analysis).
    pub source: String,
    /// The substitution values it was made with.
    pub substitutions: BTreeMap<String, String>,
    /// The type it was linted as.
    pub machine_type: MachineType,
    /// The model, when the definition is valid.
    pub machine: Option<StateMachine>,
    /// Every diagnostic.
    pub diagnostics: Vec<Diagnostic>,
    /// The drawing, when the definition is valid.
    pub drawing: Option<Layout>,
    /// Every state name, when the text is JSON (for completion).
    pub state_names: Vec<String>,
    /// Where every value sits in the text.
    pub spans: stepwise_asl::json::SpanTable,
}

impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
            && self.substitutions == other.substitutions
            && self.machine_type == other.machine_type
    }
}

impl Analysis {
    /// Load, validate and lay out `text`, with `substitutions` for its `${Name}` placeholders,
    /// linted as a `machine_type` state machine.
    pub fn of(
        text: &str,
        substitutions: &BTreeMap<String, String>,
        machine_type: MachineType,
    ) -> Self {
        let options = load_options(substitutions, machine_type);
        let loaded = load(text, &options);
        let drawing = loaded
            .machine
            .as_ref()
            .map(|m| layout(&build(m), &crate::measure::text_width, &Style::default()));
        Analysis {
            source: text.to_owned(),
            substitutions: substitutions.clone(),
            machine_type,
            state_names: loaded
                .json
                .as_ref()
                .map(stepwise_asl::complete::state_names)
                .unwrap_or_default(),
            machine: loaded.machine,
            diagnostics: loaded.diagnostics,
            drawing,
            spans: loaded.spans,
        }
    }

    /// Where the state `name` is defined in the text (the start of its key), as the loader
    /// read it.
    pub fn state_offset(&self, name: &str) -> Option<usize> {
        let state = self.machine.as_ref()?.state_named(name)?;
        Some(self.spans.key_span(&state.pointer).start)
    }

    /// How many diagnostics are errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}
