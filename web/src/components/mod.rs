//! The playground's components, one per module.

pub mod definition_editor;
pub mod validation_panel;
