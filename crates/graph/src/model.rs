//! The graph of a definition: nodes for states (plus Start and End per scope), edges for
//! transitions, and nested scopes for Parallel branches and Map processors.

use serde::{Deserialize, Serialize};
use stepwise_asl::model::{Kind, Scope, StateMachine, StateType, Transition};

use crate::label;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeKind {
    /// The start of a scope.
    Start,
    /// The end of a scope.
    End,
    /// A state, of its type.
    State(StateType),
}

/// Why one node leads to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EdgeKind {
    /// `Next`, `StartAt`, or the way to End.
    Next,
    /// A Choice rule's `Next`.
    Choice,
    /// A Choice state's `Default`.
    Default,
    /// A `Catch` entry's `Next` (drawn dashed).
    Catch,
}

/// A node of one scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphNode {
    /// Stable id: the state name (unique machine-wide), or `<scope>:start` / `<scope>:end`.
    pub id: String,
    /// Shown text.
    pub label: String,
    /// Its kind.
    pub kind: NodeKind,
    /// The branches (Parallel) or the processor (Map) drawn inside it.
    pub children: Vec<Graph>,
}

/// A transition between two nodes of one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphEdge {
    /// Stable id: `from->to#n`.
    pub id: String,
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Its kind.
    pub kind: EdgeKind,
    /// A short rendering of the condition or the caught errors.
    pub label: Option<String>,
}

/// The graph of one scope (the machine, a branch or a Map processor).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Graph {
    /// Stable id of the scope (`root`, `<Parallel>/<i>`, `<Map>/processor`).
    pub id: String,
    /// Its nodes, Start first.
    pub nodes: Vec<GraphNode>,
    /// Its edges.
    pub edges: Vec<GraphEdge>,
    /// The id of the node the scope starts at (its Start node, or its first state).
    pub start: String,
}

/// Build the graph of a whole machine.
pub fn build(machine: &StateMachine) -> Graph {
    scope_graph(&machine.states, "root", true)
}

fn scope_graph(scope: &Scope, id: &str, with_terminals: bool) -> Graph {
    let start_id = format!("{id}:start");
    let end_id = format!("{id}:end");
    let mut nodes = Vec::with_capacity(scope.states.len() + 2);
    let mut edges = Vec::new();
    let mut edge = |from: &str, to: &str, kind: EdgeKind, label: Option<String>| {
        let id = format!("{from}->{to}#{}", edges.len());
        edges.push(GraphEdge {
            id,
            from: from.to_owned(),
            to: to.to_owned(),
            kind,
            label,
        });
    };
    if with_terminals {
        nodes.push(GraphNode {
            id: start_id.clone(),
            label: "Start".into(),
            kind: NodeKind::Start,
            children: Vec::new(),
        });
        edge(&start_id, &scope.start_state().name, EdgeKind::Next, None);
    }
    for state in &scope.states {
        let children = match &state.kind {
            Kind::Parallel { branches } => branches
                .iter()
                .enumerate()
                .map(|(i, b)| scope_graph(b, &format!("{}/{i}", state.name), false))
                .collect(),
            Kind::Map(map) => vec![scope_graph(
                &map.processor,
                &format!("{}/processor", state.name),
                false,
            )],
            _ => Vec::new(),
        };
        nodes.push(GraphNode {
            id: state.name.clone(),
            label: state.name.clone(),
            kind: NodeKind::State(state.kind.state_type()),
            children,
        });
        let ends = matches!(state.kind, Kind::Succeed | Kind::Fail(_))
            || (state.transition == Transition::End && !matches!(state.kind, Kind::Choice(_)));
        if let Transition::Next(to, _) = &state.transition {
            edge(&state.name, to, EdgeKind::Next, None);
        }
        if ends && with_terminals {
            edge(&state.name, &end_id, EdgeKind::Next, None);
        }
        if let Kind::Choice(choice) = &state.kind {
            for rule in &choice.rules {
                if let Transition::Next(to, _) = &rule.next {
                    edge(
                        &state.name,
                        to,
                        EdgeKind::Choice,
                        Some(label::condition(&rule.condition)),
                    );
                }
            }
            if let Some(Transition::Next(to, _)) = &choice.default {
                edge(&state.name, to, EdgeKind::Default, Some("Default".into()));
            }
        }
        for catcher in &state.catch {
            if let Transition::Next(to, _) = &catcher.next {
                edge(
                    &state.name,
                    to,
                    EdgeKind::Catch,
                    Some(label::errors(&catcher.error_equals)),
                );
            }
        }
    }
    if with_terminals {
        nodes.push(GraphNode {
            id: end_id,
            label: "End".into(),
            kind: NodeKind::End,
            children: Vec::new(),
        });
    }
    let start = if with_terminals {
        start_id
    } else {
        scope.start_state().name.clone()
    };
    Graph {
        id: id.to_owned(),
        nodes,
        edges,
        start,
    }
}
