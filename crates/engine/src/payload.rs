//! Templates (Parameters, ResultSelector, Arguments, Output, Assign ...) and the JSONPath
//! input/output pipeline: InputPath -> Parameters -> ResultSelector -> ResultPath -> OutputPath.

use std::borrow::Cow;

use serde_json::{Map, Value};
use stepwise_asl::model::{ResultPath, Selector, Template};
use stepwise_asl::path::Root;

use crate::budget::Budget;
use crate::env::{compact, ContextSource, Env, Vars};
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
    /// Evaluate a template; `field` names it in error messages. A JSONata expression
    /// anywhere in it that yields nothing fails the state, as on AWS.
    pub fn template(&self, template: &Template, field: &str) -> Result<Value, Failure> {
        self.build(template, field, &mut Budget::default())
    }

    /// [`Evaluator::template`], counting what it copies against `budget`.
    fn build(
        &self,
        template: &Template,
        field: &str,
        budget: &mut Budget,
    ) -> Result<Value, Failure> {
        let value = match template {
            Template::Value(v) => return Ok(v.clone()),
            Template::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for (key, member) in members {
                    let field = nested_field(field, key, member);
                    map.insert(key.clone(), self.build(member, &field, budget)?);
                }
                return Ok(Value::Object(map));
            }
            Template::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.build(item, &format!("{field}[{i}]"), budget)?);
                }
                return Ok(Value::Array(out));
            }
            Template::Path(path) => self.env.require(path, field)?,
            Template::Call(call) => crate::intrinsics::call_within(call, &self.env, field, budget)?,
            Template::Jsonata(expression) => self.jsonata_value(expression, field)?,
        };
        budget.charge(&value, field)?;
        Ok(value)
    }

    /// Evaluate a JSONata expression that must yield a value.
    pub fn jsonata_value(&self, expression: &str, field: &str) -> Result<Value, Failure> {
        self.jsonata(expression, field)?.ok_or_else(|| {
            Failure::query(format!(
                "The JSONata expression '{expression}' specified for the field '{field}' returned nothing (undefined)."
            ))
        })
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
            if f.is_terminal() {
                return f;
            }
            let what = if f.cause == crate::jsonata::UNSUPPORTED_RESULT {
                f.cause
            } else {
                format!("threw an error during evaluation. {}", f.cause)
            };
            Failure::query(format!(
                "The JSONata expression '{expression}' specified for the field '{field}' {what}"
            ))
        })
    }
}

/// The field named in error messages, as AWS writes it: a JSONPath member by its own key
/// (`address.$`, however deep it sits), a JSONata one by the path of keys from the
/// template's root (`Output/FunctionResult`).
fn nested_field(parent: &str, key: &str, member: &Template) -> String {
    if matches!(member, Template::Path(_) | Template::Call(_)) {
        format!("{key}.$")
    } else if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}/{key}")
    }
}

/// Apply `InputPath` / `OutputPath` to `value` (the path may also start from a variable or
/// the context object).
pub fn select<'v>(
    selector: &Selector,
    value: &'v Value,
    vars: &'v Vars,
    context: &dyn ContextSource,
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
        Root::Context => {
            let context = context.context();
            return select_in(path, &context).map(|v| Cow::Owned(v.into_owned()));
        }
        _ => value,
    };
    select_in(path, root)
}

fn select_in<'v>(
    path: &stepwise_asl::path::Path,
    root: &'v Value,
) -> Result<Cow<'v, Value>, Failure> {
    match jsonpath::select(path, root) {
        Some(jsonpath::Selection::One(v)) => Ok(Cow::Borrowed(v)),
        Some(selection) => Ok(Cow::Owned(selection.into_value())),
        None => Err(Failure::runtime(format!(
            "Invalid path '{path}' : {}",
            not_found(path, root)
        ))),
    }
}

/// Jayway's words for a definite path that matches nothing: a missing property on the way
/// is named with the path up to it; a missing leaf gives the whole path.
pub(crate) fn not_found(path: &stepwise_asl::path::Path, root: &Value) -> String {
    use stepwise_asl::path::Step;
    let mut node = root;
    for (i, step) in path.steps.iter().enumerate() {
        let next = match (step, node) {
            (Step::Field(f), Value::Object(map)) => map.get(f),
            (Step::Index(i), Value::Array(items)) => {
                usize::try_from(*i).ok().and_then(|i| items.get(i))
            }
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None if i + 1 < path.steps.len()
                && matches!((step, node), (Step::Field(_), Value::Object(_))) =>
            {
                return format!(
                    "Missing property in path {}",
                    bracketed(&path.steps[..=i], path)
                );
            }
            None => break,
        }
    }
    format!("No results for path: {}", bracketed(&path.steps, path))
}

/// Owned form of [`select`], moving `value` when the whole of it is kept.
pub fn select_owned(
    selector: &Selector,
    value: Value,
    vars: &Vars,
    context: &dyn ContextSource,
) -> Result<Value, Failure> {
    match selector {
        Selector::Whole => Ok(value),
        _ => select(selector, &value, vars, context).map(Cow::into_owned),
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

/// Jayway's rendering of `steps` of `path` in its messages: `$['a']['b']`.
fn bracketed(steps: &[stepwise_asl::path::Step], path: &stepwise_asl::path::Path) -> String {
    use stepwise_asl::path::Step;
    let mut out = String::from("$");
    for step in steps {
        match step {
            Step::Field(f) => out.push_str(&format!("['{f}']")),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            _ => return path.source.clone(),
        }
    }
    out
}
