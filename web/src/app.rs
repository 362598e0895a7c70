//! The top-level component: owns the workspace signals and derives everything else.

use leptos::prelude::*;
use stepwise_asl::{load, LoadOptions, Loaded};

use crate::components::{definition_editor::DefinitionEditor, validation_panel::ValidationPanel};
use crate::examples::EXAMPLES;

/// The playground.
#[component]
pub fn App() -> impl IntoView {
    let definition = RwSignal::new(EXAMPLES[0].definition.to_owned());
    // Validation is derived from the text; it never lives in a second copy.
    let loaded = Memo::new(move |_| {
        LoadedView::from(&definition.with(|text| load(text, &LoadOptions::default())))
    });
    view! {
        <header>
            <h1>"Stepwise"</h1>
            <p>"Design, run and understand AWS Step Functions state machines — in your browser."</p>
        </header>
        <main>
            <DefinitionEditor text=definition />
            <ValidationPanel loaded=loaded />
        </main>
    }
}

/// What the panels show of a loaded definition.
#[derive(Clone, PartialEq)]
pub struct LoadedView {
    /// (name, type) of each top-level state, when the definition is valid.
    pub states: Vec<(String, &'static str)>,
    /// Every diagnostic.
    pub diagnostics: Vec<stepwise_asl::Diagnostic>,
}

impl From<&Loaded> for LoadedView {
    fn from(loaded: &Loaded) -> Self {
        let states = loaded
            .machine
            .iter()
            .flat_map(|m| {
                m.states
                    .states
                    .iter()
                    .map(|s| (s.name.clone(), s.kind.type_name()))
            })
            .collect();
        LoadedView {
            states,
            diagnostics: loaded.diagnostics.clone(),
        }
    }
}
