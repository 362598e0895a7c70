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
        let mut crossings = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let drawing = layout(&graph, &estimate_text_width, &Style::default());
            best = best.min(started.elapsed());
            crossings = drawing.crossings;
        }
        println!("layout of a generated machine with {states:>4} states: {:>8.2} ms, {crossings} crossings", best.as_secs_f64() * 1e3);
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
