//! What paths, intrinsics and expressions are evaluated against: the state's input, the
//! context object, the variables in scope, and the execution's seeded randomness.

use std::cell::RefCell;
use std::collections::HashMap;

use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use stepwise_asl::path::{Path, Root};

use crate::failure::Failure;
use crate::jsonpath::{self, Selection};

/// Workflow variables visible in a scope.
pub type Vars = HashMap<String, Value>;

/// The variables as one JSON object, by name.
pub fn vars_object(vars: &Vars) -> Value {
    let mut names: Vec<&String> = vars.keys().collect();
    names.sort();
    Value::Object(
        names
            .into_iter()
            .map(|n| (n.clone(), vars[n].clone()))
            .collect(),
    )
}

/// Something that can build the context object (`$$`).
pub trait ContextSource {
    /// The context object, as JSON.
    fn context(&self) -> Value;
}

/// The evaluation environment of one state.
pub struct Env<'a> {
    /// `$`: the state's (effective) input.
    pub input: &'a Value,
    /// Builds `$$` on demand (most states never read it).
    pub context: &'a dyn ContextSource,
    /// `$name`: the variables in scope.
    pub vars: &'a Vars,
    /// The execution's seeded random source.
    pub rng: &'a RefCell<ChaCha8Rng>,
    /// The virtual time, in milliseconds since the epoch.
    pub now_millis: i64,
}

impl Env<'_> {
    /// Evaluate `path` (any root) to an owned value; `None` when a definite path is absent.
    pub fn resolve(&self, path: &Path) -> Result<Option<Value>, Failure> {
        Ok(match &path.root {
            Root::Input | Root::Current => {
                jsonpath::select(path, self.input).map(Selection::into_value)
            }
            Root::Context => {
                let context = self.context.context();
                jsonpath::select(path, &context).map(Selection::into_value)
            }
            Root::Variable(name) => {
                let value = self.vars.get(name).ok_or_else(|| {
                    Failure::runtime(format!("The variable '${name}' is not defined"))
                })?;
                jsonpath::select(path, value).map(Selection::into_value)
            }
        })
    }

    /// The value a `...Path` field (TimeoutSecondsPath, HeartbeatSecondsPath) points at,
    /// failing with Jayway's words, as AWS does, when it is absent.
    pub fn require_path(&self, path: &Path) -> Result<Value, Failure> {
        self.resolve(path)?.ok_or_else(|| {
            Failure::runtime(format!(
                "Invalid path '{path}' : {}",
                crate::payload::not_found(path, &self.document(path))
            ))
        })
    }

    /// Like [`Env::resolve`], failing with the AWS message when the path is absent.
    pub fn require(&self, path: &Path, field: &str) -> Result<Value, Failure> {
        self.resolve(path)?.ok_or_else(|| {
            Failure::runtime(format!(
                "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{}'",
                compact(&self.document(path))
            ))
        })
    }

    /// The document `path` reads from (for the error when it matches nothing).
    pub(crate) fn document(&self, path: &Path) -> Value {
        match &path.root {
            Root::Context => self.context.context(),
            Root::Variable(name) => self.vars.get(name).cloned().unwrap_or(Value::Null),
            _ => self.input.clone(),
        }
    }
}

/// Is `value`'s compact JSON text longer than `limit` bytes? A cheap bound settles most
/// values; the rest are counted without allocating, stopping at the limit.
pub fn exceeds(value: &Value, limit: usize) -> bool {
    upper_bound(value, 0, limit) > limit && count_up_to(value, limit) > limit
}

/// The length of `value`'s compact JSON text, or a number past `limit` once it gets there:
/// a small value by the cheap bound, a large one counted.
pub fn json_len_up_to(value: &Value, limit: usize) -> usize {
    const SMALL: usize = 4096;
    let bound = upper_bound(value, 0, SMALL.min(limit));
    if bound <= SMALL.min(limit) {
        bound
    } else {
        count_up_to(value, limit)
    }
}

/// The length of `value`'s compact JSON text, counted without allocating it.
pub fn json_len(value: &Value) -> usize {
    count_up_to(value, usize::MAX)
}

/// The compact JSON length of `value`, or a number past `limit` once it gets there.
fn count_up_to(value: &Value, limit: usize) -> usize {
    struct Counter {
        bytes: usize,
        limit: usize,
    }
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.bytes = self.bytes.saturating_add(buf.len());
            if self.bytes > self.limit {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter { bytes: 0, limit };
    let _ = serde_json::to_writer(&mut counter, value);
    counter.bytes
}

/// A cheap bound on the compact JSON size of `value` (every character escaped, every number
/// at its longest), added to `sum`; it stops growing once past `limit`.
fn upper_bound(value: &Value, sum: usize, limit: usize) -> usize {
    if sum > limit {
        return sum;
    }
    match value {
        Value::Null | Value::Bool(_) => sum + 5,
        Value::Number(_) => sum + 24,
        Value::String(s) => sum + 2 + 6 * s.len(),
        Value::Array(items) => items
            .iter()
            .fold(sum + 2, |sum, item| upper_bound(item, sum + 1, limit)),
        Value::Object(map) => map.iter().fold(sum + 2, |sum, (key, item)| {
            upper_bound(item, sum + 4 + 6 * key.len(), limit)
        }),
    }
}

/// A value as AWS shows it inside error causes: strings as they are, the rest as compact JSON.
pub fn raw_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => compact(other),
    }
}

/// Compact JSON text of `value`.
pub fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exceeds_counts_compact_json_exactly_at_the_limit() {
        let value = json!({ "a": [1, "é\n", null, true, 2.5] });
        let size = compact(&value).len();
        assert!(!exceeds(&value, size));
        assert!(exceeds(&value, size - 1));
        let text = json!("x".repeat(1000));
        assert!(!exceeds(&text, 1002) && exceeds(&text, 1001));
        assert_eq!(json_len(&value), size);
    }
}
