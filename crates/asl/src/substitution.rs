//! `${Name}` placeholders (SAM / CloudFormation DefinitionSubstitutions). AWS replaces them
//! in the definition's text, so in object keys (state names, Parameters fields) as well as
//! in string values.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::diagnostic::Sink;
use crate::json::{child_pointer, SpanTable};

/// The `${Name}` placeholders of a definition's text, each once, in order of appearance.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find(['}', '"', '\n']) {
            Some(end) if after[end..].starts_with('}') && end > 0 => {
                let name = &after[..end];
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_owned());
                }
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

/// Replace every `${Name}` in the keys and strings of `value`; report names with no
/// substitution. Strings that a substitution changed are added to `substituted` (their
/// final text). A renamed key's values stay findable in `spans` under its new pointer, so
/// later diagnostics point at the text as written.
pub fn apply(
    value: &mut Value,
    substitutions: &HashMap<String, String>,
    spans: &mut SpanTable,
    substituted: &mut HashSet<String>,
    sink: &mut Sink,
) {
    let mut walk = Walk {
        substitutions,
        spans,
        substituted,
        sink,
    };
    walk.value(value, &At::root());
}

/// Where a value is: its pointer in the text as written, and once keys are substituted.
struct At {
    written: String,
    substituted: String,
}

impl At {
    fn root() -> At {
        At {
            written: String::new(),
            substituted: String::new(),
        }
    }
}

struct Walk<'a> {
    substitutions: &'a HashMap<String, String>,
    spans: &'a mut SpanTable,
    substituted: &'a mut HashSet<String>,
    sink: &'a mut Sink,
}

impl Walk<'_> {
    fn value(&mut self, value: &mut Value, at: &At) {
        match value {
            Value::String(s) if s.contains("${") => {
                let span = self.spans.value_span(&at.written);
                let out = self.replace(s, &at.substituted, span);
                if out != *s {
                    self.substituted.insert(out.clone());
                    *s = out;
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let child = At {
                        written: format!("{}/{i}", at.written),
                        substituted: format!("{}/{i}", at.substituted),
                    };
                    self.value(item, &child);
                }
            }
            Value::Object(map) => self.object(map, at),
            _ => {}
        }
    }

    fn object(&mut self, map: &mut Map<String, Value>, at: &At) {
        if !map.keys().any(|k| k.contains("${")) {
            for (key, item) in map.iter_mut() {
                let child = At {
                    written: child_pointer(&at.written, key),
                    substituted: child_pointer(&at.substituted, key),
                };
                self.value(item, &child);
            }
            return;
        }
        // Keys change: rebuild the object, in its order.
        let mut renamed = Map::with_capacity(map.len());
        for (key, mut item) in std::mem::take(map) {
            let written = child_pointer(&at.written, &key);
            let old = child_pointer(&at.substituted, &key);
            let key_span = self.spans.key_span(&written);
            let new_key = self.replace(&key, &old, key_span);
            let pointer = child_pointer(&at.substituted, &new_key);
            if new_key != key {
                self.spans.alias(&old, &pointer);
            }
            if renamed.contains_key(&new_key) {
                self.sink
                    .error(
                        "ASL002",
                        pointer.clone(),
                        format!("Duplicate key \"{new_key}\" once substitutions are made"),
                    )
                    .span = key_span;
            }
            let child = At {
                written,
                substituted: pointer,
            };
            self.value(&mut item, &child);
            renamed.insert(new_key, item);
        }
        *map = renamed;
    }

    /// `text` with its placeholders replaced; a placeholder without a substitution stays,
    /// with a warning at `span`.
    fn replace(&mut self, text: &str, pointer: &str, span: crate::Span) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 2..start + len];
            out.push_str(&rest[..start]);
            match self.substitutions.get(name) {
                Some(replacement) => out.push_str(replacement),
                None => {
                    out.push_str(&rest[start..start + len + 1]);
                    let warning = self
                        .sink
                        .warning(
                            "ASL035",
                            pointer,
                            format!("No substitution for \"${{{name}}}\""),
                        )
                        .hint(format!(
                            "Pass --substitution {name}=VALUE (DefinitionSubstitutions)"
                        ));
                    warning.span = span;
                }
            }
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_listed_once_in_order() {
        let text =
            r#"{"A": "${Fn}", "B": "arn:${Partition}:x:${Fn}", "C": "${not closed", "D": "${}"}"#;
        assert_eq!(placeholders(text), ["Fn", "Partition"]);
    }
}
