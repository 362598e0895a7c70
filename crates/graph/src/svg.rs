//! A standalone SVG drawing: state types by shape and colour like the AWS console, Catch
//! edges dashed, labels on a background. Elements carry `data-id` for interactive views.

use std::fmt::Write;

use crate::layout::{LaidEdge, LaidNode, Layout};
use crate::model::{EdgeKind, NodeKind};
use stepwise_asl::model::StateType;

/// (fill, stroke) per state type.
fn colours(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Start | NodeKind::End => ("#232f3e", "#232f3e"),
        NodeKind::State(StateType::Task) => ("#e8f1fb", "#0972d3"),
        NodeKind::State(StateType::Choice) => ("#fff4e5", "#d47a00"),
        NodeKind::State(StateType::Pass) => ("#f2f3f3", "#687078"),
        NodeKind::State(StateType::Wait) => ("#f3ecfb", "#7d4cc9"),
        NodeKind::State(StateType::Succeed) => ("#eaf6ea", "#1d8102"),
        NodeKind::State(StateType::Fail) => ("#fdecec", "#d13212"),
        NodeKind::State(StateType::Parallel | StateType::Map) => ("#fbfbfb", "#545b64"),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Render a layout as a standalone SVG document.
pub fn render(layout: &Layout) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" font-family="Helvetica, Arial, sans-serif" font-size="12">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#545b64"/></marker></defs>
<rect width="100%" height="100%" fill="#ffffff"/>
"##,
        w = layout.width,
        h = layout.height
    );
    for node in layout.nodes.iter().filter(|n| n.container) {
        node_svg(&mut out, node);
    }
    for scope in &layout.scopes {
        let r = scope.rect;
        let _ = writeln!(
            out,
            r##"<rect class="scope" data-id="{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="none" stroke="#aab7b8" stroke-dasharray="2 3"/>"##,
            escape(&scope.id),
            r.x,
            r.y,
            r.width,
            r.height
        );
    }
    for edge in &layout.edges {
        edge_svg(&mut out, edge);
    }
    for node in layout.nodes.iter().filter(|n| !n.container) {
        node_svg(&mut out, node);
    }
    out.push_str("</svg>\n");
    out
}

fn node_svg(out: &mut String, node: &LaidNode) {
    let r = node.rect;
    let (fill, stroke) = colours(node.kind);
    let id = escape(&node.id);
    let label = escape(&node.label);
    match node.kind {
        NodeKind::Start | NodeKind::End => {
            let _ = writeln!(
                out,
                r##"<g class="node terminal" data-id="{id}"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{:.1}" fill="{fill}"/><text x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="central" fill="#ffffff">{label}</text></g>"##,
                r.x,
                r.y,
                r.width,
                r.height,
                r.height / 2.0,
                r.center_x(),
                r.y + r.height / 2.0
            );
        }
        NodeKind::State(kind) if node.container => {
            let _ = writeln!(
                out,
                r##"<g class="node container" data-id="{id}" data-type="{kind}"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="1.5" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-weight="bold" fill="#16191f">{label}</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#687078">{kind}</text></g>"##,
                r.x,
                r.y,
                r.width,
                r.height,
                r.x + 10.0,
                r.y + 18.0,
                r.right() - 10.0,
                r.y + 18.0
            );
        }
        NodeKind::State(state_type) => {
            let kind = state_type.as_str();
            let dash = if state_type == StateType::Pass {
                r#" stroke-dasharray="4 3""#
            } else {
                ""
            };
            let rx = if state_type == StateType::Choice {
                18.0
            } else {
                6.0
            };
            let _ = writeln!(
                out,
                r##"<g class="node" data-id="{id}" data-type="{kind}"><title>{label} ({kind})</title><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{rx}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/><text x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="central" fill="#16191f">{label}</text></g>"##,
                r.x,
                r.y,
                r.width,
                r.height,
                r.center_x(),
                r.y + r.height / 2.0
            );
        }
    }
}

fn edge_svg(out: &mut String, edge: &LaidEdge) {
    let points: Vec<String> = edge
        .points
        .iter()
        .map(|p| format!("{:.1},{:.1}", p.x, p.y))
        .collect();
    let dash = if edge.kind == EdgeKind::Catch {
        r#" stroke-dasharray="5 4""#
    } else {
        ""
    };
    let colour = if edge.kind == EdgeKind::Catch {
        "#d13212"
    } else {
        "#545b64"
    };
    let _ = writeln!(
        out,
        r#"<g class="edge" data-id="{}"><polyline points="{}" fill="none" stroke="{colour}" stroke-width="1.4"{dash} marker-end="url(#arrow)"/>"#,
        escape(&edge.id),
        points.join(" ")
    );
    if let Some(label) = &edge.label {
        let r = label.rect;
        let _ = write!(
            out,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" fill="#ffffff" fill-opacity="0.9"/><text x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="central" font-size="10.5" fill="#414d5c">{}</text>"##,
            r.x,
            r.y,
            r.width,
            r.height,
            r.center_x(),
            r.y + r.height / 2.0,
            escape(&label.text)
        );
    }
    out.push_str("</g>\n");
}
