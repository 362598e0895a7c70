//! Any bytes, read as a definition: loading never panics, every diagnostic's span lies
//! within the text (start <= end <= len, on character boundaries), and a model that can be
//! drawn (valid, or unfinished) is laid out without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stepwise_asl::{load, LoadOptions};
use stepwise_graph::{build, estimate_text_width, layout, Style};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let loaded = load(&text, &LoadOptions::default());
    for d in &loaded.diagnostics {
        let span = d.span;
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "{} span {}..{} outside a text of {} bytes: {}",
            d.code,
            span.start,
            span.end,
            text.len(),
            d.message
        );
        assert!(
            text.get(span.start..span.end).is_some(),
            "{} span {}..{} splits a character: {}",
            d.code,
            span.start,
            span.end,
            d.message
        );
    }
    if let Some(machine) = loaded.drawable() {
        layout(&build(machine), &estimate_text_width, &Style::default());
    }
});
