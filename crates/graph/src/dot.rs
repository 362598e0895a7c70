//! Graphviz DOT export, with Parallel branches and Map processors as clusters.

use std::fmt::Write;

use stepwise_asl::model::StateType;

use crate::model::{EdgeKind, Graph, NodeKind};

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Render a graph as DOT.
pub fn render(graph: &Graph) -> String {
    let mut out = String::from("digraph StateMachine {\n  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#e8f1fb\", fontname=\"Helvetica\"];\n");
    scope(&mut out, graph, 1);
    out.push_str("}\n");
    out
}

fn scope(out: &mut String, graph: &Graph, depth: usize) {
    let indent = "  ".repeat(depth);
    for node in &graph.nodes {
        let attributes = match node.kind {
            NodeKind::Start | NodeKind::End => {
                "shape=circle, fillcolor=\"#232f3e\", fontcolor=white".to_owned()
            }
            NodeKind::State(StateType::Choice) => "shape=diamond, fillcolor=\"#fff4e5\"".to_owned(),
            NodeKind::State(StateType::Succeed) => "fillcolor=\"#eaf6ea\"".to_owned(),
            NodeKind::State(StateType::Fail) => "fillcolor=\"#fdecec\"".to_owned(),
            NodeKind::State(kind) => format!("tooltip={}", quote(kind.as_str())),
        };
        let _ = writeln!(
            out,
            "{indent}{} [label={}, {attributes}];",
            quote(&node.id),
            quote(&node.label)
        );
        for child in &node.children {
            let _ = writeln!(
                out,
                "{indent}subgraph {} {{\n{indent}  label={};\n{indent}  style=dashed;",
                quote(&format!("cluster_{}", child.id)),
                quote(&child.id)
            );
            scope(out, child, depth + 1);
            let _ = writeln!(out, "{indent}}}");
            if let Some(first) = child.nodes.first() {
                let _ = writeln!(
                    out,
                    "{indent}{} -> {} [style=dotted, arrowhead=none];",
                    quote(&node.id),
                    quote(&first.id)
                );
            }
        }
    }
    for edge in &graph.edges {
        let mut attributes = Vec::new();
        if edge.kind == EdgeKind::Catch {
            attributes.push("style=dashed".to_owned());
        }
        if let Some(label) = &edge.label {
            attributes.push(format!("label={}", quote(label)));
        }
        let _ = writeln!(
            out,
            "{indent}{} -> {} [{}];",
            quote(&edge.from),
            quote(&edge.to),
            attributes.join(", ")
        );
    }
}
