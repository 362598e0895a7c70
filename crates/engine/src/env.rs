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

    /// Like [`Env::resolve`], failing with the AWS message when the path is absent.
    pub fn require(&self, path: &Path, field: &str) -> Result<Value, Failure> {
        self.resolve(path)?.ok_or_else(|| {
            let document = match &path.root {
                Root::Context => self.context.context(),
                Root::Variable(name) => self.vars.get(name).cloned().unwrap_or(Value::Null),
                _ => self.input.clone(),
            };
            Failure::runtime(format!(
                "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{}'",
                compact(&document)
            ))
        })
    }
}

/// Compact JSON text of `value`.
pub fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
