//! A JSON parse error told once: where, then what (`line 1, column 7: expected value`).

/// `e` as `line L, column C: message`; serde's own text ends with the position again, which
/// is left out.
pub fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if e.line() == 0 {
        return text;
    }
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    format!("line {}, column {}: {message}", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_is_told_once() {
        let e = serde_json::from_str::<serde_json::Value>("{\"a\": x}").unwrap_err();
        assert_eq!(describe(&e), "line 1, column 7: expected value");
    }
}
