//! Layouts checked geometrically: no overlapping nodes, edges that start and end on their
//! nodes' borders, labels clear of nodes — for every example, every state type, and
//! generated machines with nested Parallel/Map, loops and Catch edges.

use stepwise_asl::{load, LoadOptions};
use stepwise_graph::layout::{LaidNode, Layout};
use stepwise_graph::{build, estimate_text_width, layout, sample, Style};

fn lay_out(text: &str) -> Layout {
    let loaded = load(text, &LoadOptions::default());
    let errors: Vec<_> = loaded.errors().map(|d| d.message.clone()).collect();
    let machine = loaded
        .machine
        .unwrap_or_else(|| panic!("invalid definition: {errors:?}"));
    layout(&build(&machine), &estimate_text_width, &Style::default())
}

fn encloses(outer: &LaidNode, inner_rect: &stepwise_graph::layout::Rect) -> bool {
    outer.container && outer.rect.contains(inner_rect)
}

fn check(name: &str, drawing: &Layout) {
    let nodes = &drawing.nodes;
    for (i, a) in nodes.iter().enumerate() {
        for b in &nodes[i + 1..] {
            if encloses(a, &b.rect) || encloses(b, &a.rect) {
                continue;
            }
            assert!(
                !a.rect.overlaps(&b.rect),
                "{name}: {} {:?} overlaps {} {:?}",
                a.id,
                a.rect,
                b.id,
                b.rect
            );
        }
    }
    for edge in &drawing.edges {
        let node = |id: &str| {
            nodes
                .iter()
                .find(|n| n.id == id)
                .unwrap_or_else(|| panic!("{name}: edge {} names unknown node {id}", edge.id))
        };
        let (first, last) = (edge.points[0], edge.points[edge.points.len() - 1]);
        assert!(
            node(&edge.from).rect.on_border(first),
            "{name}: edge {} starts at {first:?}, off {}'s border",
            edge.id,
            edge.from
        );
        assert!(
            node(&edge.to).rect.on_border(last),
            "{name}: edge {} ends at {last:?}, off {}'s border",
            edge.id,
            edge.to
        );
        if let Some(label) = &edge.label {
            for n in nodes.iter().filter(|n| !encloses(n, &label.rect)) {
                assert!(
                    !label.rect.overlaps(&n.rect),
                    "{name}: label of {} overlaps {}",
                    edge.id,
                    n.id
                );
            }
        }
    }
    let labels: Vec<_> = drawing
        .edges
        .iter()
        .filter_map(|e| Some((&e.id, &e.label.as_ref()?.rect)))
        .collect();
    for (i, (a, a_rect)) in labels.iter().enumerate() {
        for (b, b_rect) in &labels[i + 1..] {
            assert!(
                !a_rect.overlaps(b_rect),
                "{name}: the labels of {a} and {b} overlap"
            );
        }
    }
    for n in nodes {
        assert!(
            n.rect.x >= 0.0
                && n.rect.y >= 0.0
                && n.rect.right() <= drawing.width
                && n.rect.bottom() <= drawing.height,
            "{name}: {} is outside the drawing",
            n.id
        );
    }
}

#[test]
fn the_examples_lay_out_cleanly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("public/examples exists") {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".asl.json") {
            let text = std::fs::read_to_string(&path).unwrap();
            check(&path.display().to_string(), &lay_out(&text));
            seen += 1;
        }
    }
    assert!(seen > 0, "no examples found in {dir}");
}

#[test]
fn every_state_type_lays_out_cleanly() {
    let text = r#"{"StartAt": "Pass", "States": {
      "Pass": {"Type": "Pass", "Next": "Task"},
      "Task": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fail"}], "Next": "Wait"},
      "Wait": {"Type": "Wait", "Seconds": 5, "Next": "Choice"},
      "Choice": {"Type": "Choice", "Choices": [{"Variable": "$.again", "BooleanEquals": true, "Next": "Pass"}, {"Variable": "$.n", "NumericGreaterThan": 3, "Next": "Map"}], "Default": "Parallel"},
      "Parallel": {"Type": "Parallel", "Branches": [
        {"StartAt": "A1", "States": {"A1": {"Type": "Pass", "Next": "A2"}, "A2": {"Type": "Succeed"}}},
        {"StartAt": "B1", "States": {"B1": {"Type": "Wait", "Seconds": 1, "End": true}}}], "Next": "Succeed"},
      "Map": {"Type": "Map", "ItemProcessor": {"StartAt": "M1", "States": {"M1": {"Type": "Choice", "Choices": [{"Variable": "$", "IsNull": true, "Next": "M2"}], "Default": "M3"}, "M2": {"Type": "Pass", "End": true}, "M3": {"Type": "Fail"}}}, "Next": "Succeed"},
      "Succeed": {"Type": "Succeed"},
      "Fail": {"Type": "Fail"}
    }}"#;
    let drawing = lay_out(text);
    check("every state type", &drawing);
    let loop_edge = drawing
        .edges
        .iter()
        .find(|e| e.from == "Choice" && e.to == "Pass")
        .unwrap();
    assert!(
        loop_edge.back,
        "the loop back to Pass is routed as a back edge"
    );
    let rank_of = |id: &str| drawing.nodes.iter().find(|n| n.id == id).unwrap().rect.y;
    assert!(
        rank_of("Pass") < rank_of("Task") && rank_of("Task") < rank_of("Wait"),
        "the main path runs top to bottom"
    );
}

#[test]
fn generated_machines_lay_out_cleanly_and_deterministically() {
    for size in [10, 50, 200] {
        let text = sample::definition(size);
        let drawing = lay_out(&text);
        check(&format!("generated {size}"), &drawing);
        assert_eq!(drawing, lay_out(&text), "layout is deterministic");
    }
}
