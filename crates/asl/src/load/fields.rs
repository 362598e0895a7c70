//! Typed, positioned access to the members of one JSON object of the definition.

use serde_json::{Map, Value};

use crate::diagnostic::Sink;
use crate::json::child_pointer;
use crate::path::{self, Path};

/// One object of the definition being read, with the pointer it sits at.
pub(crate) struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub pointer: String,
}

impl<'a> Obj<'a> {
    /// Interpret `value` at `pointer` as an object, or report that it is not one.
    pub fn new(value: &'a Value, pointer: String, what: &str, sink: &mut Sink) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Obj { map, pointer }),
            other => {
                sink.error(
                    "ASL011",
                    pointer,
                    format!("{what} must be a JSON object, not {}", type_name(other)),
                );
                None
            }
        }
    }

    pub fn at(&self, key: &str) -> String {
        child_pointer(&self.pointer, key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    pub fn string(&self, key: &str, sink: &mut Sink) -> Option<&'a str> {
        match self.map.get(key)? {
            Value::String(s) => Some(s),
            other => {
                wrong_type(sink, self.at(key), key, "a string", other);
                None
            }
        }
    }

    pub fn required_string(&self, key: &str, sink: &mut Sink) -> Option<&'a str> {
        if !self.has(key) {
            sink.error(
                "ASL010",
                self.pointer.clone(),
                format!("Missing required field \"{key}\""),
            );
            return None;
        }
        self.string(key, sink)
    }

    pub fn bool(&self, key: &str, sink: &mut Sink) -> Option<bool> {
        match self.map.get(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                wrong_type(sink, self.at(key), key, "a boolean", other);
                None
            }
        }
    }

    /// A non-negative integer no larger than `max`.
    /// Report `first` and `second` set together (AWS's wording); true when they are.
    pub fn both(&self, first: &str, second: &str, sink: &mut Sink) -> bool {
        let both = self.has(first) && self.has(second);
        if both {
            sink.error(
                "ASL014",
                self.at(second),
                format!("There should only be one of the following fields: [{first}, {second}]"),
            );
        }
        both
    }

    pub fn natural(&self, key: &str, min: u64, max: u64, sink: &mut Sink) -> Option<u64> {
        let value = self.map.get(key)?;
        match value.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(n) => {
                sink.error(
                    "ASL015",
                    self.at(key),
                    format!("\"{key}\" must be between {min} and {max}, got {n}"),
                );
                None
            }
            None => {
                wrong_type(sink, self.at(key), key, "a non-negative integer", value);
                None
            }
        }
    }

    /// A number, fraction allowed, within `min..=max`.
    pub fn bounded_number(&self, key: &str, min: f64, max: f64, sink: &mut Sink) -> Option<f64> {
        let n = self.number(key, sink)?;
        if (min..=max).contains(&n) {
            return Some(n);
        }
        sink.error(
            "ASL015",
            self.at(key),
            format!("\"{key}\" must be between {min} and {max}, got {n}"),
        );
        None
    }

    pub fn number(&self, key: &str, sink: &mut Sink) -> Option<f64> {
        let value = self.map.get(key)?;
        value.as_f64().or_else(|| {
            wrong_type(sink, self.at(key), key, "a number", value);
            None
        })
    }

    pub fn array(&self, key: &str, sink: &mut Sink) -> Option<&'a Vec<Value>> {
        match self.map.get(key)? {
            Value::Array(a) => Some(a),
            other => {
                wrong_type(sink, self.at(key), key, "an array", other);
                None
            }
        }
    }

    /// A string field holding a path; `reference` requires a reference path.
    pub fn path(&self, key: &str, reference: bool, sink: &mut Sink) -> Option<Path> {
        let text = self.string(key, sink)?;
        parse_path(text, reference, self.at(key), key, sink)
    }
}

pub(crate) fn parse_path(
    text: &str,
    reference: bool,
    pointer: String,
    field: &str,
    sink: &mut Sink,
) -> Option<Path> {
    let parsed = if reference {
        path::parse_reference(text)
    } else {
        path::parse(text)
    };
    match parsed {
        Ok(path) => Some(path),
        Err(error) => {
            let code = if reference { "ASL031" } else { "ASL030" };
            let kind = if reference {
                "reference path"
            } else {
                "JSONPath"
            };
            sink.error(
                code,
                pointer,
                format!(
                    "\"{field}\" is not a valid {kind}: {} (at character {})",
                    error.message,
                    error.offset + 1
                ),
            );
            None
        }
    }
}

pub(crate) fn wrong_type(sink: &mut Sink, pointer: String, key: &str, expected: &str, got: &Value) {
    sink.error(
        "ASL011",
        pointer,
        format!("\"{key}\" must be {expected}, not {}", type_name(got)),
    );
}

/// How a JSON value's type is named in messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
