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
