//! The drawing after an edit: a state inserted on a transition moves the others down, but
//! states side by side keep their left-to-right order, so the user finds the machine where
//! they left it.

use serde_json::json;
use stepwise_asl::{edit, load, LoadOptions};
use stepwise_graph::layout::Layout;
use stepwise_graph::{build, estimate_text_width, layout, NodeKind, Style};

fn lay_out(name: &str, text: &str) -> Layout {
    let loaded = load(text, &LoadOptions::default());
    let errors: Vec<_> = loaded.errors().map(|d| d.message.clone()).collect();
    let machine = loaded
        .machine
        .unwrap_or_else(|| panic!("{name}: invalid definition: {errors:?}"));
    layout(&build(&machine), &estimate_text_width, &Style::default())
}

/// Pairs of states side by side in both drawings that `after` puts in the opposite order.
/// (Vertical places follow the flow: a state below an inserted one moves down a rank.)
fn reordered(before: &Layout, after: &Layout) -> Vec<String> {
    let place = |drawing: &Layout, id: &str| {
        drawing
            .nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| (n.rect.center_x(), n.rect.y + n.rect.height / 2.0))
    };
    let ids: Vec<&str> = before
        .nodes
        .iter()
        .filter(|n| !n.container && matches!(n.kind, NodeKind::State(_)))
        .map(|n| n.id.as_str())
        .collect();
    let mut out = Vec::new();
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            let (Some(a0), Some(b0), Some(a1), Some(b1)) = (
                place(before, a),
                place(before, b),
                place(after, a),
                place(after, b),
            ) else {
                continue;
            };
            let side_by_side = |a: (f64, f64), b: (f64, f64)| (a.1 - b.1).abs() < 1.0;
            if side_by_side(a0, b0) && side_by_side(a1, b1) && (a0.0 < b0.0) != (a1.0 < b1.0) {
                out.push(format!("{a} and {b} swapped horizontally"));
            }
        }
    }
    out
}

#[test]
fn a_state_inserted_on_any_transition_of_the_examples_leaves_the_others_in_order() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/examples");
    let mut edits = 0;
    for entry in std::fs::read_dir(dir).expect("public/examples exists") {
        let path = entry.expect("a readable directory entry").path();
        let name = path.display().to_string();
        if !name.ends_with(".asl.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let before = lay_out(&name, &text);
        let states: Vec<(String, String)> = before
            .edges
            .iter()
            .filter(|e| {
                let is_state = |id: &str| {
                    before
                        .nodes
                        .iter()
                        .any(|n| n.id == id && matches!(n.kind, NodeKind::State(_)))
                };
                is_state(&e.from) && is_state(&e.to)
            })
            .map(|e| (e.from.clone(), e.to.clone()))
            .collect();
        for (from, to) in states {
            let (edited, _) =
                edit::insert_on_edge(&text, &from, &to, "Inserted", &json!({"Type": "Pass"}))
                    .unwrap_or_else(|e| panic!("{name}: {from} -> {to}: {e}"));
            let after = lay_out(&name, &edited);
            let moved = reordered(&before, &after);
            assert!(
                moved.is_empty(),
                "{name}: a state inserted between {from} and {to}: {moved:?}"
            );
            edits += 1;
        }
    }
    assert!(edits > 20, "only {edits} insertions were tried");
}

#[test]
fn a_drawing_with_states_side_by_side_swapped_is_caught() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../public/examples/order-processing-fixed.asl.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let before = lay_out(path, &text);
    let mut mirrored = before.clone();
    for node in &mut mirrored.nodes {
        node.rect.x = -node.rect.x - node.rect.width;
    }
    assert!(!reordered(&before, &mirrored).is_empty());
}
