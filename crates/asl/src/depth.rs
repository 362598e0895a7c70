//! Nesting limits. Every parser and evaluator here recurses once per level of nesting, so
//! text nested deeper than these limits is refused before a recursive parser sees it: no
//! input can overflow the stack, natively or in wasm (whose stack is 1 MiB).

/// The deepest nesting of JSON arrays and objects accepted anywhere: definitions, inputs,
/// mocks, callback output, share links and the values states produce. It is serde_json's
/// own limit, so text parsed by either parser is held to the same bound.
pub const MAX_JSON_DEPTH: usize = 128;

/// The deepest nesting of brackets and parentheses in one JSONPath, intrinsic function call
/// or JSONata expression.
pub const MAX_EXPRESSION_DEPTH: usize = 64;

/// The byte offset of the first bracket of `text` that opens a level deeper than `max`, if
/// any. `(`, `[` and `{` open levels; brackets inside string literals (delimited by any of
/// `quotes`, with backslash escapes) do not count.
pub fn too_deep(text: &str, quotes: &[u8], max: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None if quotes.contains(&b) => quote = Some(b),
            None => match b {
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > max {
                        return Some(i);
                    }
                }
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// How deeply `value` nests, counting up to `max + 1` at most (without recursion, so a value
/// of any depth is measured safely).
pub fn value_depth(value: &serde_json::Value, max: usize) -> usize {
    use serde_json::Value;
    let mut deepest = 0;
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((value, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        deepest = deepest.max(depth);
        if deepest > max {
            return deepest;
        }
        stack.extend(children.map(|child| (child, depth + 1)));
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_in_strings_do_not_count() {
        assert_eq!(too_deep("[[[1]]]", b"\"", 3), None);
        assert_eq!(too_deep("[[[[1]]]]", b"\"", 3), Some(3));
        assert_eq!(too_deep(r#"["[[[[\"[["]"#, b"\"", 1), None);
        assert_eq!(too_deep("f('((((', g(1))", b"'", 2), None);
        assert_eq!(too_deep("f(g(h(1)))", b"'", 2), Some(5));
    }

    #[test]
    fn value_depth_counts_containers_only() {
        let value = serde_json::json!({"a": [1, {"b": []}], "c": 2});
        assert_eq!(value_depth(&value, 10), 4);
        assert_eq!(value_depth(&serde_json::json!(1), 10), 0);
        assert_eq!(value_depth(&value, 2), 3);
    }
}
