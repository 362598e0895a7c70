//! Layout time and edge crossings for generated machines (a plain harness: `cargo xtask
//! bench`). Prints figures; asserts nothing about time.

use std::time::{Duration, Instant};

use stepwise_asl::{load, LoadOptions};
use stepwise_graph::{build, estimate_text_width, layout, sample, Style};

fn main() {
    // Generator sizes chosen to give about 50, 200 and 600 states in all.
    for size in [36, 143, 430] {
        let text = sample::definition(size);
        let machine = load(&text, &LoadOptions::default())
            .machine
            .expect("generated machines are valid");
        let states = count_states(&machine.states);
        let graph = build(&machine);
        let mut best = Duration::MAX;
        let mut drawing = None;
        for _ in 0..5 {
            let started = Instant::now();
            let laid = layout(&graph, &estimate_text_width, &Style::default());
            best = best.min(started.elapsed());
            drawing = Some(laid);
        }
        let drawing = drawing.expect("five runs");
        println!("layout of a generated machine with {states:>4} states: {:>8.2} ms, {} crossings between ranks", best.as_secs_f64() * 1e3, drawing.crossings);
        // The definition and our drawing, for the comparison with dagre (tests/bench/peers.mjs).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
        let _ = std::fs::create_dir_all(&dir);
        let record = serde_json::json!({ "states": states, "milliseconds": best.as_secs_f64() * 1e3, "definition": text, "layout": drawing });
        let _ = std::fs::write(
            dir.join(format!("layout-{states}.json")),
            record.to_string(),
        );
    }
}

fn count_states(scope: &stepwise_asl::model::Scope) -> usize {
    use stepwise_asl::model::Kind;
    scope
        .states
        .iter()
        .map(|s| {
            1 + match &s.kind {
                Kind::Parallel { branches } => branches.iter().map(count_states).sum(),
                Kind::Map(map) => count_states(&map.processor),
                _ => 0,
            }
        })
        .sum()
}
