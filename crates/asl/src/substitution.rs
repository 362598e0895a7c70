//! `${Name}` placeholders (SAM / CloudFormation DefinitionSubstitutions).

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostic::Sink;
use crate::json::child_pointer;

/// Replace every `${Name}` in the strings of `value`; report names with no substitution.
pub fn apply(
    value: &mut Value,
    substitutions: &HashMap<String, String>,
    pointer: &str,
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
            *s = out;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                apply(item, substitutions, &format!("{pointer}/{i}"), sink);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                apply(item, substitutions, &child_pointer(pointer, key), sink);
            }
        }
        _ => {}
    }
}
