//! Print a generated definition: `cargo run -p stepwise-graph --example sample -- 200`.
fn main() {
    let states = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(50);
    println!("{}", stepwise_graph::sample::definition(states));
}
