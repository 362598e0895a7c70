//! Syntax checking of `{% %}` JSONata expressions (evaluation lives in the engine).

use crate::diagnostic::Sink;

/// Parse `expression`, reporting a syntax error at `pointer` with code `ASL034`.
pub fn check(expression: &str, pointer: &str, sink: &mut Sink) {
    if expression.is_empty() {
        sink.error(
            "ASL034",
            pointer,
            "Empty JSONata expression between {% and %}",
        );
        return;
    }
    if let Err(error) = jsonata_core::parser::parse(expression) {
        sink.error(
            "ASL034",
            pointer,
            format!("Invalid JSONata expression: {}", error.display_message()),
        );
    }
}
