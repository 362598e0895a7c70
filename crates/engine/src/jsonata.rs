//! The one adapter to the JSONata evaluator (`jsonata-core`): expressions are compiled once
//! and cached; evaluation is deterministic (virtual clock, seeded randomness) and speaks
//! AWS's dialect (`$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`; no `$eval`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use jsonata_core::ast::AstNode;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError};
use jsonata_core::value::JValue;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use stepwise_asl::depth::MAX_JSON_DEPTH;

use crate::env::Vars;
use crate::failure::Failure;

/// Compiled expressions, by source text.
#[derive(Default)]
pub struct Jsonata {
    cache: RefCell<HashMap<String, Rc<AstNode>>>,
}

/// `$states` and the variables, converted for the evaluator once per state rather than once
/// per expression (a template's expressions all see the same values).
#[derive(Default)]
pub struct Bindings(std::cell::OnceCell<Vec<(String, JValue)>>);

/// What one evaluation sees besides the expression.
pub struct Scope<'a> {
    /// `$states`: input, context, and result / errorOutput where available.
    pub states: &'a Value,
    /// Workflow variables.
    pub vars: &'a Vars,
    /// `states` and `vars`, converted (filled on first use).
    pub bindings: &'a Bindings,
    /// Virtual time for `$now()` / `$millis()`.
    pub now_millis: i64,
    /// Seed for the random functions of this evaluation.
    pub seed: u64,
}

impl Jsonata {
    /// Evaluate `expression`; `Ok(None)` when the result is undefined.
    pub fn evaluate(&self, expression: &str, scope: &Scope) -> Result<Option<Value>, Failure> {
        let ast = self.compile(expression)?;
        let bindings = scope.bindings.0.get_or_init(|| {
            std::iter::once(("states", scope.states))
                .chain(
                    scope
                        .vars
                        .iter()
                        .map(|(name, value)| (name.as_str(), value)),
                )
                .map(|(name, value)| (name.to_owned(), to_jvalue(value)))
                .collect()
        });
        let mut context = Context::new();
        for (name, value) in bindings {
            context.bind(name.clone(), value.clone());
        }
        let options = jsonata_core::evaluator::EvaluatorOptions {
            max_stack_depth: Some(MAX_EVALUATION_DEPTH),
            // An endless tail recursion never deepens the stack. Natively a run stops after
            // this long (in the browser, Stop ends the worker; wasm has no clock to read).
            timeout_ms: cfg!(not(target_arch = "wasm32")).then_some(EVALUATION_TIMEOUT_MS),
            ..Default::default()
        };
        let mut evaluator = Evaluator::with_options(context, options);
        register_dialect(&mut evaluator, scope.now_millis, scope.seed)
            .map_err(|e| Failure::query(e.message().to_owned()))?;
        let result = evaluator
            .evaluate(&ast, &JValue::Null)
            .map_err(|e| Failure::query(describe(&e)))?;
        if result.is_function() {
            return Err(Failure::query(UNSUPPORTED_RESULT));
        }
        if deeper_than(&result, MAX_JSON_DEPTH) {
            return Err(Failure::new(
                crate::failure::NESTING_ERROR,
                format!("The JSONata expression returned a value nested more than {MAX_JSON_DEPTH} levels deep. This is a limit of Stepwise, not of AWS."),
            ));
        }
        Ok((!result.is_undefined()).then(|| integral_numbers(Value::from(&result))))
    }

    fn compile(&self, expression: &str) -> Result<Rc<AstNode>, Failure> {
        if let Some(ast) = self.cache.borrow().get(expression) {
            return Ok(ast.clone());
        }
        let ast = Rc::new(
            jsonata_core::parser::parse(expression)
                .map_err(|e| Failure::query(e.display_message()))?,
        );
        self.cache
            .borrow_mut()
            .insert(expression.to_owned(), ast.clone());
        Ok(ast)
    }
}

/// How deeply a JSONata evaluation may nest (recursive functions above all): deeper ones
/// fail with D1011 instead of overflowing the stack, which in wasm is 1 MiB.
pub const MAX_EVALUATION_DEPTH: usize = 500;

/// How long one JSONata evaluation may take natively (JSONata error D1012 after it).
pub const EVALUATION_TIMEOUT_MS: u64 = 10_000;

/// Does `value` nest arrays and objects more than `max` levels deep? Checked without
/// recursion before the (recursive) conversion to JSON.
fn deeper_than(value: &JValue, max: usize) -> bool {
    let mut stack = vec![(value, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        match value {
            JValue::Array(items) if depth > max => return true,
            JValue::Object(_) if depth > max => return true,
            JValue::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            JValue::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    false
}

/// The cause of an expression that yields a function: no JSON value can hold it.
pub(crate) const UNSUPPORTED_RESULT: &str = "returned an unsupported result type.";

/// The message as jsonata-js words it: without the offending token after the code's text
/// (`T1006: Attempted to invoke a non-function`, not `...: $f`).
fn describe(error: &EvaluatorError) -> String {
    let message = error.message();
    match error.code() {
        Some("T1006") => message.split(": $").next().unwrap_or(message).to_owned(),
        _ => message.to_owned(),
    }
}

/// JSONata numbers are doubles; whole ones print as integers, as AWS prints them.
fn integral_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => {
            stepwise_asl::path::number_value(n.as_f64().unwrap_or_default())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(integral_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, integral_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

fn error(message: impl Into<String>) -> EvaluatorError {
    EvaluatorError::EvaluationError(message.into())
}

fn register_dialect(ev: &mut Evaluator, now_millis: i64, seed: u64) -> Result<(), EvaluatorError> {
    let rng = Rc::new(RefCell::new(ChaCha8Rng::seed_from_u64(seed)));
    ev.register_fn_override("now", move |_: &[JValue]| {
        Ok(JValue::from(stepwise_asl::timestamp::format_millis(
            now_millis,
        )))
    })?;
    ev.register_fn_override("millis", move |_: &[JValue]| {
        Ok(JValue::from(now_millis as f64))
    })?;
    ev.register_fn_override("eval", |_: &[JValue]| {
        Err(error(
            "The $eval function is not available in Step Functions",
        ))
    })?;
    let random_rng = rng.clone();
    ev.register_fn_override("random", move |args: &[JValue]| {
        Ok(JValue::from(match args.first().and_then(JValue::as_f64) {
            Some(seed) => ChaCha8Rng::seed_from_u64(seed as u64).gen::<f64>(),
            None => random_rng.borrow_mut().gen::<f64>(),
        }))
    })?;
    ev.register_fn("uuid", move |_: &[JValue]| {
        Ok(JValue::from(crate::intrinsics::uuid_v4(
            &mut *rng.borrow_mut(),
        )))
    })?;
    ev.register_fn("partition", |args: &[JValue]| {
        let items = args
            .first()
            .and_then(JValue::as_array)
            .ok_or_else(|| error("$partition: the first argument must be an array"))?;
        let size = args
            .get(1)
            .and_then(JValue::as_f64)
            .filter(|s| *s >= 1.0 && s.fract() == 0.0)
            .ok_or_else(|| error("$partition: the size must be a positive integer"))?;
        Ok(JValue::array(
            items
                .chunks(size as usize)
                .map(|c| JValue::array(c.to_vec()))
                .collect(),
        ))
    })?;
    ev.register_fn("range", |args: &[JValue]| {
        let n = |i: usize| {
            args.get(i)
                .and_then(JValue::as_f64)
                .filter(|f| f.fract() == 0.0)
        };
        let (Some(start), Some(end), Some(step)) = (n(0), n(1), n(2)) else {
            return Err(error("$range: start, end and step must be integers"));
        };
        if step == 0.0 {
            return Err(error("$range: step must not be 0"));
        }
        let mut out = Vec::new();
        let mut x = start;
        while (step > 0.0 && x <= end) || (step < 0.0 && x >= end) {
            out.push(JValue::from(x));
            x += step;
            if out.len() > 10_000 {
                return Err(error("$range: too many items"));
            }
        }
        // A one-item range is a singleton sequence, which JSONata unwraps.
        Ok(if out.len() == 1 {
            out.remove(0)
        } else {
            JValue::array(out)
        })
    })?;
    ev.register_fn("hash", |args: &[JValue]| {
        let data = args
            .first()
            .and_then(JValue::as_str)
            .ok_or_else(|| error("$hash: the data must be a string"))?;
        let algorithm = args.get(1).and_then(JValue::as_str).unwrap_or("SHA-256");
        crate::intrinsics::hash(data, algorithm)
            .map(JValue::from)
            .map_err(error)
    })?;
    ev.register_fn("parse", |args: &[JValue]| {
        let text = args
            .first()
            .and_then(JValue::as_str)
            .ok_or_else(|| error("$parse: the argument must be a string"))?;
        let value: Value =
            serde_json::from_str(text).map_err(|e| error(format!("$parse: not JSON: {e}")))?;
        Ok(JValue::from(value))
    })?;
    Ok(())
}

/// The evaluator's value for a JSON value, built from a borrow (the crate's own conversion
/// takes the value by move, which would mean copying every payload first).
fn to_jvalue(value: &Value) -> JValue {
    match value {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => JValue::String(s.as_str().into()),
        Value::Array(items) => {
            let flat = !items.iter().any(Value::is_array);
            JValue::Array(jsonata_core::value::JArray::new_flat(
                items.iter().map(to_jvalue).collect(),
                flat,
            ))
        }
        Value::Object(map) => JValue::object(
            map.iter()
                .map(|(k, v)| (k.clone(), to_jvalue(v)))
                .collect::<indexmap::IndexMap<_, _>>(),
        ),
    }
}

/// A JSONata error as the reference implementation reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonataError {
    /// The JSONata error code (`S0202`, `T2001`, ...), when the message carries one.
    pub code: Option<String>,
    /// The message.
    pub message: String,
}

/// Evaluation guardrails for [`evaluate_plain`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// Wall-clock limit in milliseconds (D1012 beyond it).
    pub timeout_ms: Option<u64>,
    /// Evaluation depth limit (D1011 beyond it).
    pub max_depth: Option<usize>,
}

/// Evaluate one expression with plain JSONata semantics (no Step Functions dialect), as the
/// reference exerciser does: `input` is `None` for undefined; `Ok(None)` is an undefined result.
pub fn evaluate_plain(
    expression: &str,
    input: Option<&Value>,
    bindings: &serde_json::Map<String, Value>,
    limits: Limits,
) -> Result<Option<Value>, JsonataError> {
    evaluate_document(expression, &Document::new(input), bindings, limits)
}

/// An input document converted for the evaluator, to evaluate several expressions against.
pub struct Document(JValue);

impl Document {
    /// Convert `input` (`None`: undefined).
    pub fn new(input: Option<&Value>) -> Self {
        Document(input.map_or(JValue::Undefined, to_jvalue))
    }
}

/// [`evaluate_plain`] against a document converted once.
pub fn evaluate_document(
    expression: &str,
    document: &Document,
    bindings: &serde_json::Map<String, Value>,
    limits: Limits,
) -> Result<Option<Value>, JsonataError> {
    let ast = jsonata_core::parser::parse(expression).map_err(|e| coded(e.display_message()))?;
    let mut context = Context::new();
    for (name, value) in bindings {
        context.bind(name.clone(), to_jvalue(value));
    }
    let options = jsonata_core::evaluator::EvaluatorOptions {
        timeout_ms: limits.timeout_ms,
        max_stack_depth: limits.max_depth,
        ..Default::default()
    };
    let mut evaluator = Evaluator::with_options(context, options);
    let result = evaluator
        .evaluate(&ast, &document.0)
        .map_err(|e| coded(e.message().to_owned()))?;
    if deeper_than(&result, MAX_JSON_DEPTH) {
        return Err(coded(format!(
            "The result is nested more than {MAX_JSON_DEPTH} levels deep"
        )));
    }
    Ok((!result.is_undefined()).then(|| integral_numbers(Value::from(&result))))
}

/// Find the `X0000` code in a message (`Parse error: S0202: ...` or `T2001: ...`).
fn coded(message: String) -> JsonataError {
    let code = message
        .char_indices()
        .filter(|(_, c)| c.is_ascii_uppercase())
        .map(|(i, _)| &message[i..])
        .find(|rest| {
            rest.len() >= 5
                && rest.as_bytes()[1..5].iter().all(u8::is_ascii_digit)
                && !rest.as_bytes().get(5).is_some_and(u8::is_ascii_digit)
        })
        .map(|rest| rest[..5].to_owned());
    JsonataError { code, message }
}
