//! Templates (Parameters, ResultSelector, Arguments, Output, Assign ...) and the JSONPath
//! input/output pipeline: InputPath -> Parameters -> ResultSelector -> ResultPath -> OutputPath.

use std::borrow::Cow;

use serde_json::{Map, Value};
use stepwise_asl::model::{ResultPath, Selector, Template};
use stepwise_asl::path::Root;

use crate::env::{compact, Env, Vars};
use crate::failure::Failure;
use crate::jsonata::{Bindings, Jsonata, Scope};
use crate::jsonpath;

/// Evaluates templates for one state.
pub struct Evaluator<'a> {
    /// Paths and intrinsics.
    pub env: Env<'a>,
    /// JSONata expressions.
    pub jsonata: &'a Jsonata,
    /// `$states` for JSONata states.
    pub states: Option<&'a Value>,
    /// `$states` and the variables as the JSONata evaluator takes them, once converted.
    pub bindings: Bindings,
}

impl Evaluator<'_> {
    /// Evaluate a template; `field` names it in error messages.
    pub fn template(&self, template: &Template, field: &str) -> Result<Value, Failure> {
        Ok(self.template_opt(template, field)?.unwrap_or(Value::Null))
    }

    fn template_opt(&self, template: &Template, field: &str) -> Result<Option<Value>, Failure> {
        Ok(Some(match template {
            Template::Value(v) => v.clone(),
            Template::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for (key, member) in members {
                    let field = nested_field(field, key, member);
                    if let Some(v) = self.template_opt(member, &field)? {
                        map.insert(key.clone(), v);
                    }
                }
                Value::Object(map)
            }
            Template::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.extend(self.template_opt(item, &format!("{field}[{i}]"))?);
                }
                Value::Array(out)
            }
            Template::Path(path) => self.env.require(path, field)?,
            Template::Call(call) => crate::intrinsics::call(call, &self.env, field)?,
            Template::Jsonata(expression) => return self.jsonata(expression, field),
        }))
    }

    /// Evaluate a JSONata expression; `Ok(None)` when it is undefined.
    pub fn jsonata(&self, expression: &str, field: &str) -> Result<Option<Value>, Failure> {
        let null = Value::Null;
        let scope = Scope {
            states: self.states.unwrap_or(&null),
            vars: self.env.vars,
            bindings: &self.bindings,
            now_millis: self.env.now_millis,
            seed: rand::Rng::gen(&mut *self.env.rng.borrow_mut()),
        };
        self.jsonata.evaluate(expression, &scope).map_err(|f| {
            Failure::query(format!(
                "The JSONata expression '{expression}' specified for the field '{field}' threw an error during evaluation. {}",
                f.cause
            ))
        })
    }
}

/// The field named in error messages: the path of keys from the template's root, as AWS
/// writes it (`Output/FunctionResult`).
fn nested_field(parent: &str, key: &str, member: &Template) -> String {
    let key = if matches!(member, Template::Path(_) | Template::Call(_)) {
        format!("{key}.$")
    } else {
        key.to_owned()
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}/{key}")
    }
}

/// Apply `InputPath` / `OutputPath` to `value` (the path may also start from a variable).
pub fn select<'v>(
    selector: &Selector,
    value: &'v Value,
    vars: &'v Vars,
    field: &str,
) -> Result<Cow<'v, Value>, Failure> {
    let path = match selector {
        Selector::Whole => return Ok(Cow::Borrowed(value)),
        Selector::Discard => return Ok(Cow::Owned(Value::Object(Map::new()))),
        Selector::Path(path) => path,
    };
    let root = match &path.root {
        Root::Variable(name) => vars
            .get(name)
            .ok_or_else(|| Failure::runtime(format!("The variable '${name}' is not defined")))?,
        _ => value,
    };
    match jsonpath::select(path, root) {
        Some(jsonpath::Selection::One(v)) => Ok(Cow::Borrowed(v)),
        Some(selection) => Ok(Cow::Owned(selection.into_value())),
        None => Err(Failure::runtime(format!(
            "Invalid path '{path}' : No results for path: {} (field {field})",
            bracketed(path)
        ))),
    }
}

/// Owned form of [`select`], moving `value` when the whole of it is kept.
pub fn select_owned(
    selector: &Selector,
    value: Value,
    vars: &Vars,
    field: &str,
) -> Result<Value, Failure> {
    match selector {
        Selector::Whole => Ok(value),
        _ => select(selector, &value, vars, field).map(Cow::into_owned),
    }
}

/// Combine a state's raw input with its result as `ResultPath` says.
pub fn apply_result_path(
    result_path: &ResultPath,
    input: Value,
    result: Value,
) -> Result<Value, Failure> {
    match result_path {
        ResultPath::Replace => Ok(result),
        ResultPath::Discard => Ok(input),
        ResultPath::Path(path) => {
            let mut target = input;
            jsonpath::write(&mut target, path, result).map_err(|_| {
                Failure::new(
                    "States.ResultPathMatchFailure",
                    format!(
                        "Unable to apply ResultPath \"{path}\" to input \"{}\"",
                        compact(&target)
                    ),
                )
            })?;
            Ok(target)
        }
    }
}

/// Jayway's rendering of a path in "No results" messages: `$['a']['b']`.
fn bracketed(path: &stepwise_asl::path::Path) -> String {
    use stepwise_asl::path::Step;
    let mut out = String::from("$");
    for step in &path.steps {
        match step {
            Step::Field(f) => out.push_str(&format!("['{f}']")),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            _ => return path.source.clone(),
        }
    }
    out
}
