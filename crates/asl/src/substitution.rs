//! `${Name}` placeholders (SAM / CloudFormation DefinitionSubstitutions).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::diagnostic::Sink;
use crate::json::child_pointer;

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

/// Replace every `${Name}` in the strings of `value`; report names with no substitution.
/// Strings that a substitution changed are added to `substituted` (their final text).
pub fn apply(
    value: &mut Value,
    substitutions: &HashMap<String, String>,
    pointer: &str,
    substituted: &mut HashSet<String>,
    sink: &mut Sink,
) {
    match value {
        Value::String(s) if s.contains("${") => {
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                let Some(len) = rest[start..].find('}') else {
                    break;
                };
                let name = &rest[start + 2..start + len];
                out.push_str(&rest[..start]);
                match substitutions.get(name) {
                    Some(replacement) => out.push_str(replacement),
                    None => {
                        out.push_str(&rest[start..start + len + 1]);
                        sink.warning(
                            "ASL035",
                            pointer,
                            format!("No substitution for \"${{{name}}}\""),
                        )
                        .hint(format!(
                            "Pass --substitution {name}=VALUE (DefinitionSubstitutions)"
                        ));
                    }
                }
                rest = &rest[start + len + 1..];
            }
            out.push_str(rest);
            if out != *s {
                substituted.insert(out.clone());
            }
            *s = out;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                apply(
                    item,
                    substitutions,
                    &format!("{pointer}/{i}"),
                    substituted,
                    sink,
                );
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                apply(
                    item,
                    substitutions,
                    &child_pointer(pointer, key),
                    substituted,
                    sink,
                );
            }
        }
        _ => {}
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
