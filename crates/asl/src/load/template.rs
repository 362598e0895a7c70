//! Payload templates: `.$` keys (JSONPath) and `{% %}` strings (JSONata).

use serde_json::Value;

use crate::diagnostic::Sink;
use crate::intrinsic;
use crate::json::child_pointer;
use crate::load::fields::parse_path;
use crate::model::{QueryLanguage, Template};

/// The expression inside `{% ... %}`, if `text` is one.
pub fn jsonata_expression(text: &str) -> Option<&str> {
    text.strip_prefix("{%")?.strip_suffix("%}").map(str::trim)
}

/// Compile a template value. Syntax errors are reported; the bad part becomes `null`.
pub(crate) fn compile(
    value: &Value,
    pointer: &str,
    language: QueryLanguage,
    sink: &mut Sink,
) -> Template {
    match (value, language) {
        (Value::String(s), QueryLanguage::Jsonata) => match jsonata_expression(s) {
            Some(expr) => {
                crate::jsonata::check(expr, pointer, sink);
                Template::Jsonata(expr.to_owned())
            }
            None => Template::Value(value.clone()),
        },
        (Value::Object(map), _) => {
            if language == QueryLanguage::JsonPath {
                check_dollar_keys(map, pointer, sink);
            }
            let mut members = Vec::with_capacity(map.len());
            for (key, member) in map {
                let member_pointer = child_pointer(pointer, key);
                match key.strip_suffix(".$") {
                    Some(name) if language == QueryLanguage::JsonPath => {
                        members
                            .push((name.to_owned(), dynamic(member, &member_pointer, key, sink)));
                    }
                    _ => members.push((
                        key.clone(),
                        compile(member, &member_pointer, language, sink),
                    )),
                }
            }
            if members.iter().all(|(_, t)| matches!(t, Template::Value(_))) {
                Template::Value(value.clone())
            } else {
                Template::Object(members)
            }
        }
        (Value::Array(items), QueryLanguage::Jsonata) => {
            let items: Vec<_> = items
                .iter()
                .enumerate()
                .map(|(i, item)| compile(item, &format!("{pointer}/{i}"), language, sink))
                .collect();
            if items.iter().all(|t| matches!(t, Template::Value(_))) {
                Template::Value(value.clone())
            } else {
                Template::Array(items)
            }
        }
        _ => Template::Value(value.clone()),
    }
}

/// Does a plain string look like a JSONPath or an intrinsic call that was meant to be
/// evaluated (AWS's NO_DOLLAR and NO_PATH warnings)?
pub(crate) fn looks_dynamic(text: &str) -> bool {
    text == "$"
        || ["$.", "$[", "$$.", "$$["]
            .iter()
            .any(|p| text.starts_with(p))
        || (intrinsic::is_call(text) && text.trim_end().ends_with(')'))
}

/// The first key ending in `.$` anywhere in `value` (AWS's PASS_RESULT_IS_STATIC warning).
pub(crate) fn first_dollar_key(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) => map.iter().find_map(|(key, member)| {
            if key.ends_with(".$") {
                Some(key.as_str())
            } else {
                first_dollar_key(member)
            }
        }),
        Value::Array(items) => items.iter().find_map(first_dollar_key),
        _ => None,
    }
}

/// JSONPath template members: a path written without `.$` (AWS's NO_DOLLAR, reported at
/// the object holding it, as AWS does), and two keys that are the same once `.$` is removed.
fn check_dollar_keys(map: &serde_json::Map<String, Value>, pointer: &str, sink: &mut Sink) {
    for (key, member) in map {
        if let Some(name) = key.strip_suffix(".$") {
            if map.contains_key(name) {
                sink.warning(
                    "ASL063",
                    child_pointer(pointer, key),
                    format!("\"{key}\" and \"{name}\" both set the field \"{name}\""),
                )
                .hint("Only one of them takes effect; remove the other");
            }
        } else if member.as_str().is_some_and(looks_dynamic) {
            sink.warning(
                "ASL060",
                pointer,
                format!("The value of '{key}' looks like a JSONPath. Instead of '{key}', use '{key}.$' to evaluate it as a JSONPath at runtime."),
            );
        }
    }
}

/// The value of a `"key.$"` member: a path or an intrinsic call.
pub(crate) fn dynamic(value: &Value, pointer: &str, key: &str, sink: &mut Sink) -> Template {
    let Value::String(text) = value else {
        sink.error(
            "ASL033",
            pointer,
            format!(
                "The value of \"{key}\" must be a string holding a path or an intrinsic function"
            ),
        );
        return Template::Value(Value::Null);
    };
    if intrinsic::is_call(text) {
        match intrinsic::parse(text) {
            Ok(call) => Template::Call(call),
            Err(error) => {
                sink.error(
                    "ASL032",
                    pointer,
                    format!(
                        "Invalid intrinsic function in \"{key}\": {} (at character {})",
                        error.message,
                        error.offset + 1
                    ),
                );
                Template::Value(Value::Null)
            }
        }
    } else {
        parse_path(text, false, pointer.to_owned(), key, sink)
            .map_or(Template::Value(Value::Null), Template::Path)
    }
}
