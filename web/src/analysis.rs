//! What the crates compute from the definition text: diagnostics, the drawing, and the
//! states, as the views show them. The analysis is made off the page (see
//! [`crate::app::Playground::analyse`]), so it crosses as a message and keeps no model.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use stepwise_asl::model::{Kind, Scope, StateType};
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

/// What an analysis is of: a text, its substitution values and the type it is linted as.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub text: String,
    pub substitutions: BTreeMap<String, String>,
    pub machine_type: MachineType,
}

/// A state of a valid definition, in whichever scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateSummary {
    pub name: String,
    pub state_type: StateType,
    /// Where its key starts in the text.
    pub offset: usize,
}

/// One analysis of one subject.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Analysis {
    /// What it was made from (not sent back: the page knows what it asked about).
    #[serde(skip)]
    pub subject: Subject,
    /// Does the definition load (can it run)?
    pub valid: bool,
    /// Every diagnostic.
    pub diagnostics: Vec<Diagnostic>,
    /// The drawing, when the definition is valid or only unfinished (a state not yet
    /// connected is drawn at once).
    pub drawing: Option<Layout>,
    /// Every state name, when the text is JSON (for completion).
    pub state_names: Vec<String>,
    /// Every state drawn, in definition order (nested ones after their Parallel or Map).
    pub states: Vec<StateSummary>,
}

impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        self.subject == other.subject
    }
}

impl Analysis {
    /// Load, validate and lay out the subject's text.
    pub fn of(subject: Subject) -> Self {
        let options = load_options(&subject.substitutions, subject.machine_type);
        let loaded = load(&subject.text, &options);
        let drawable = loaded.drawable();
        let drawing =
            drawable.map(|m| layout(&build(m), &crate::measure::text_width, &Style::default()));
        let mut states = Vec::new();
        if let Some(machine) = drawable {
            summarise(&machine.states, &loaded.spans, &mut states);
        }
        Analysis {
            valid: loaded.machine.is_some(),
            state_names: loaded
                .json
                .as_ref()
                .map(stepwise_asl::complete::state_names)
                .unwrap_or_default(),
            diagnostics: loaded.diagnostics,
            drawing,
            states,
            subject,
        }
    }

    /// The state called `name`.
    pub fn state(&self, name: &str) -> Option<&StateSummary> {
        self.states.iter().find(|s| s.name == name)
    }

    /// How many diagnostics are errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

fn summarise(scope: &Scope, spans: &stepwise_asl::json::SpanTable, out: &mut Vec<StateSummary>) {
    for state in &scope.states {
        out.push(StateSummary {
            name: state.name.clone(),
            state_type: state.kind.state_type(),
            offset: spans.key_span(&state.pointer).start,
        });
        match &state.kind {
            Kind::Parallel { branches } => {
                branches.iter().for_each(|b| summarise(b, spans, out));
            }
            Kind::Map(map) => summarise(&map.processor, spans, out),
            _ => {}
        }
    }
}
