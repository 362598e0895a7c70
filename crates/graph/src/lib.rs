//! The state graph of a definition and its layered layout, in pure Rust so it runs natively
//! and in the browser. Nodes have stable ids (state names, unique machine-wide) so views can
//! colour them by execution events.
//!
//! ```
//! use stepwise_asl::{load, LoadOptions};
//! use stepwise_graph::{build, layout, Style};
//!
//! let text = r#"{"StartAt": "A", "States": {
//!   "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}], "Default": "C"},
//!   "B": {"Type": "Succeed"}, "C": {"Type": "Fail"}}}"#;
//! let machine = load(text, &LoadOptions::default()).machine.unwrap();
//! let graph = build(&machine);
//! let drawing = layout(&graph, &|text| 7.0 * text.chars().count() as f64, &Style::default());
//! let a = drawing.nodes.iter().find(|n| n.id == "A").unwrap();
//! let b = drawing.nodes.iter().find(|n| n.id == "B").unwrap();
//! assert!(b.rect.y > a.rect.y, "B is drawn below A");
//! let svg = stepwise_graph::svg::render(&drawing);
//! assert!(svg.starts_with("<svg"));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod dot;
mod label;
pub mod layout;
pub mod model;
#[doc(hidden)]
pub mod sample;
pub mod svg;

pub use layout::{layout, Layout, Style};
pub use model::{build, EdgeKind, Graph, NodeKind};

/// A fixed-width estimate of text width, for renderers without a browser to measure in.
pub fn estimate_text_width(text: &str) -> f64 {
    7.2 * text.chars().count() as f64
}
