//! The playground's components, one per module. They render crate state; no ASL rules here.

pub mod controls;
pub mod data_flow;
pub mod design;
pub mod editor;
pub mod files;
pub mod graph_parts;
pub mod graph_view;
pub mod header;
pub mod json_view;
pub mod palette;
pub mod panels;
pub mod problems;
pub mod resilience;
pub mod state_form;
