//! Entry points the browser benchmark calls (through `window.wasmBindings`), so the engine and
//! the layout are timed in wasm exactly as the playground runs them.

use std::rc::Rc;

use serde_json::json;
use stepwise_asl::{load, LoadOptions, MachineType};
use stepwise_engine::{Execution, HistoryMode, Options};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;

const COUNTER_LOOP: &str = r#"{
  "StartAt": "Check",
  "States": {
    "Check": { "Type": "Choice", "Choices": [{ "Variable": "$.i", "NumericLessThan": 100000, "Next": "Increment" }], "Default": "Done" },
    "Increment": { "Type": "Pass", "Parameters": { "i.$": "States.MathAdd($.i, 1)" }, "Next": "Check" },
    "Done": { "Type": "Succeed" }
  }
}"#;

/// Run the 100,000-iteration Choice/Pass counter loop (EXPRESS, no history); returns the
/// number of state transitions.
#[wasm_bindgen]
pub fn bench_counter_loop() -> f64 {
    let machine = load(COUNTER_LOOP, &LoadOptions::default())
        .machine
        .expect("the benchmark loop is valid");
    let options = Options {
        machine_type: MachineType::Express,
        history: HistoryMode::None,
        max_transitions: u64::MAX,
        ..Options::default()
    };
    Execution::start(Rc::new(machine), json!({ "i": 0 }), options).transitions() as f64
}

/// Run a loop that never ends (EXPRESS, full history) until the default transition budget
/// stops it, as the engine worker would; returns how much the wasm memory grew, in bytes
/// (wasm memory never shrinks, so on a fresh page this is the run's peak).
#[wasm_bindgen]
pub fn bench_endless_loop_memory() -> f64 {
    let text = r#"{"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.done", "IsPresent": true, "Next": "C"}], "Default": "A"},
        "C": {"Type": "Succeed"}}}"#;
    let machine = load(text, &LoadOptions::default())
        .machine
        .expect("the loop is valid");
    let before = wasm_memory_bytes();
    let options = Options {
        machine_type: MachineType::Express,
        ..Options::default()
    };
    let execution = Execution::start(Rc::new(machine), json!({}), options);
    assert_eq!(
        execution.event_count(),
        200_002,
        "the budget stops the loop"
    );
    wasm_memory_bytes() - before
}

fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    js_sys::ArrayBuffer::from(memory.buffer()).byte_length() as f64
}

/// Lay out a generated machine of about `states` states; returns the edge crossings.
#[wasm_bindgen]
pub fn bench_layout(states: usize) -> f64 {
    let text = stepwise_graph::sample::definition(states);
    let machine = load(&text, &LoadOptions::default())
        .machine
        .expect("generated machines are valid");
    let graph = stepwise_graph::build(&machine);
    stepwise_graph::layout(
        &graph,
        &stepwise_graph::estimate_text_width,
        &stepwise_graph::Style::default(),
    )
    .crossings as f64
}

/// A generated definition of about `states` states (for the keystroke benchmark).
#[wasm_bindgen]
pub fn bench_definition(states: usize) -> String {
    stepwise_graph::sample::definition(states)
}

/// Analyse a definition as the playground does on every change (load, validate, lint, lay out).
#[wasm_bindgen]
pub fn bench_analysis(text: &str) -> f64 {
    crate::analysis::Analysis::of(subject(text))
        .diagnostics
        .len() as f64
}

/// Load and validate only (no layout), for comparison with [`bench_analysis`].
#[wasm_bindgen]
pub fn bench_load(text: &str) -> f64 {
    load(text, &LoadOptions::default()).diagnostics.len() as f64
}

/// The resilience lab on the Order Processing Workflow (fixed) with the standard fault
/// profile, `runs` runs as the worker makes them; returns the success rate.
#[wasm_bindgen]
pub fn bench_chaos(runs: u32) -> f64 {
    let example = crate::examples::EXAMPLES
        .iter()
        .find(|e| e.file == "order-processing-fixed")
        .expect("the example exists");
    let machine = load(example.definition, &LoadOptions::default())
        .machine
        .expect("the example is valid");
    let mocks = stepwise_engine::mock::load(example.mocks, None, example.test_case).ok();
    let options = Options {
        mocks,
        ..Options::default()
    };
    let input = serde_json::from_str(example.input).unwrap_or_default();
    let profile = stepwise_engine::faults::FaultProfile::standard();
    let mut lab = stepwise_engine::chaos::Lab::new(Rc::new(machine), input, options, profile, runs);
    while !lab.advance(50) {}
    lab.report().success_rate
}

/// A graph edit as the playground makes one: rename the start state of `text` (every
/// reference follows), then analyse the result; returns the new text's length.
#[wasm_bindgen]
pub fn bench_graph_edit(text: &str) -> f64 {
    let start = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["StartAt"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let renamed = stepwise_asl::edit::rename_state(text, &start, &format!("{start} renamed"))
        .unwrap_or_default();
    let length = renamed.len();
    crate::analysis::Analysis::of(subject(&renamed));
    length as f64
}

/// `text` as the playground analyses it with no substitutions, as STANDARD.
fn subject(text: &str) -> crate::analysis::Subject {
    crate::analysis::Subject {
        text: text.to_owned(),
        ..Default::default()
    }
}
