//! The state graph of a definition: one node per state and an edge per transition (Next,
//! Choice rule, Default, Catch), with stable ids the views use to colour what an execution did.
//! The layered layout builds on this model.
//!
//! ```
//! use stepwise_asl::{load, LoadOptions};
//! use stepwise_graph::{edges, EdgeKind};
//!
//! let text = r#"{"StartAt": "A", "States": {
//!   "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}], "Default": "C"},
//!   "B": {"Type": "Succeed"}, "C": {"Type": "Fail"}}}"#;
//! let machine = load(text, &LoadOptions::default()).machine.unwrap();
//! let kinds: Vec<EdgeKind> = edges(&machine.states).into_iter().map(|e| e.kind).collect();
//! assert_eq!(kinds, [EdgeKind::Choice, EdgeKind::Default]);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use serde::Serialize;
use stepwise_asl::model::{Kind, Scope, Transition};

/// Why one state leads to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EdgeKind {
    /// `Next`.
    Next,
    /// A Choice rule's `Next`.
    Choice,
    /// A Choice state's `Default`.
    Default,
    /// A `Catch` entry's `Next` (drawn dashed).
    Catch,
}

/// A transition between two states of one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// Stable id: `from->to#n`, unique within the scope.
    pub id: String,
    /// Source state name.
    pub from: String,
    /// Target state name.
    pub to: String,
    /// What kind of transition it is.
    pub kind: EdgeKind,
}

/// The transitions between the states of `scope` (nested branches are their own scopes).
pub fn edges(scope: &Scope) -> Vec<Edge> {
    let mut out = Vec::new();
    for state in &scope.states {
        let mut push = |target: &Transition, kind: EdgeKind| {
            if let Transition::Next(to, _) = target {
                let id = format!("{}->{}#{}", state.name, to, out.len());
                out.push(Edge {
                    id,
                    from: state.name.clone(),
                    to: to.clone(),
                    kind,
                });
            }
        };
        push(&state.transition, EdgeKind::Next);
        if let Kind::Choice(choice) = &state.kind {
            choice
                .rules
                .iter()
                .for_each(|r| push(&r.next, EdgeKind::Choice));
            if let Some(default) = &choice.default {
                push(default, EdgeKind::Default);
            }
        }
        state
            .catch
            .iter()
            .for_each(|c| push(&c.next, EdgeKind::Catch));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_asl::{load, LoadOptions};

    #[test]
    fn the_order_example_has_its_catch_and_choice_edges() {
        let text = include_str!("../../../public/examples/order-processing.asl.json");
        let machine = load(text, &LoadOptions::default()).machine.unwrap();
        let edges = edges(&machine.states);
        let find = |from: &str, to: &str| {
            edges
                .iter()
                .find(|e| e.from == from && e.to == to)
                .map(|e| e.kind)
        };
        assert_eq!(
            find("ValidateOrder", "CheckValidation"),
            Some(EdgeKind::Next)
        );
        assert_eq!(
            find("ValidateOrder", "NotifyValidationFailure"),
            Some(EdgeKind::Catch)
        );
        assert_eq!(
            find("CheckValidation", "ProcessPayment"),
            Some(EdgeKind::Choice)
        );
        assert_eq!(
            find("CheckValidation", "NotifyValidationFailure"),
            Some(EdgeKind::Default)
        );
        let ids: std::collections::HashSet<_> = edges.iter().map(|e| &e.id).collect();
        assert_eq!(ids.len(), edges.len(), "edge ids are unique");
    }
}
