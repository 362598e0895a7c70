//! Syntax checking of `{% %}` JSONata expressions (evaluation lives in the engine).

use crate::depth::{too_deep, MAX_EXPRESSION_DEPTH};
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
    if let Some(at) = too_deep(expression, b"'\"`", MAX_EXPRESSION_DEPTH) {
        sink.error(
            "ASL034",
            pointer,
            format!("Invalid JSONata expression: nested more than {MAX_EXPRESSION_DEPTH} levels deep (at character {})", at + 1),
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
