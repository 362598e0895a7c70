//! Machines that cannot run yet but can be drawn (a state not yet connected, a scope that
//! cannot end) are laid out like any other, and so is the model of every definition of the
//! validation corpus that has one: the designer draws a state the moment it is added.

use std::path::Path;

use stepwise_asl::{load, LoadOptions};
use stepwise_graph::layout::Layout;
use stepwise_graph::{build, estimate_text_width, layout, Style};

fn drawn(text: &str) -> Option<Layout> {
    let loaded = load(text, &LoadOptions::default());
    let machine = loaded.drawable()?;
    Some(layout(
        &build(machine),
        &estimate_text_width,
        &Style::default(),
    ))
}

fn ids(drawing: &Layout) -> Vec<&str> {
    drawing.nodes.iter().map(|n| n.id.as_str()).collect()
}

#[test]
fn a_state_not_yet_connected_is_drawn_beside_the_rest() {
    let text = r#"{"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Succeed"},
        "New": {"Type": "Pass", "End": true}}}"#;
    let loaded = load(text, &LoadOptions::default());
    assert!(loaded.machine.is_none(), "an unreachable state is an error");
    assert!(loaded
        .errors()
        .any(|d| d.message.contains("\"New\" is not reachable")));
    let drawing = drawn(text).expect("it can be drawn");
    for id in ["A", "B", "New"] {
        assert!(
            ids(&drawing).contains(&id),
            "{id} is drawn: {:?}",
            ids(&drawing)
        );
    }
    assert!(
        !drawing.edges.iter().any(|e| e.to == "New"),
        "nothing leads to New"
    );
}

#[test]
fn a_branch_that_cannot_end_is_drawn() {
    let text = r#"{"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "Loop", "States": {"Loop": {"Type": "Pass", "Next": "Loop"}}}]}}}"#;
    let drawing = drawn(text).expect("it can be drawn");
    assert!(ids(&drawing).contains(&"Loop"));
}

#[test]
fn a_definition_whose_states_cannot_be_built_is_not_drawn() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;
    assert!(drawn(text).is_none());
}

#[test]
fn every_model_of_the_validation_corpus_is_drawn_whole() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../asl/tests/validation");
    let mut drawn_count = 0;
    for entry in std::fs::read_dir(&dir).expect("the validation corpus is there") {
        let path = entry.expect("a readable entry").path();
        let text = std::fs::read_to_string(&path).expect("a readable file");
        let case: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let definition = case["definition"].to_string();
        let loaded = load(&definition, &LoadOptions::default());
        let Some(machine) = loaded.drawable() else {
            continue;
        };
        let drawing = layout(&build(machine), &estimate_text_width, &Style::default());
        for state in machine.states.names() {
            assert!(
                ids(&drawing).contains(&state),
                "{}: {state} is not drawn",
                path.display()
            );
        }
        drawn_count += 1;
    }
    assert!(
        drawn_count > 10,
        "only {drawn_count} definitions were drawn"
    );
}
