//! The `States.*` intrinsic functions, with AWS's argument checks.

use base64::Engine as _;
use md5::Digest as _;
use rand::Rng;
use serde_json::Value;
use stepwise_asl::intrinsic::{Arg, Call};
use stepwise_asl::path::Path;

use crate::budget::Budget;
use crate::env::{compact, Env};
use crate::failure::Failure;

/// Evaluate an intrinsic call.
pub fn call(call: &Call, env: &Env, field: &str) -> Result<Value, Failure> {
    call_within(call, env, field, &mut Budget::default())
}

/// Evaluate an intrinsic call, counting what its arguments copy against `budget`: each
/// result is at most a few times the size of its arguments, so this bounds them all.
pub(crate) fn call_within(
    call: &Call,
    env: &Env,
    field: &str,
    budget: &mut Budget,
) -> Result<Value, Failure> {
    evaluate(call, call, env, field, budget)
}

/// The value of a path argument. One that matches nothing fails the state, and AWS's cause
/// quotes the whole expression (`whole`), not the inner call that took the argument.
fn path_argument(path: &Path, whole: &Call, env: &Env) -> Result<Value, Failure> {
    env.resolve(path)?.ok_or_else(|| {
        Failure::intrinsic(format!(
            "The function '{}' had the following error: The JsonPath argument for the field '{path}' could not be found in the input '{}'",
            whole.source,
            compact(&env.document(path))
        ))
    })
}

/// Evaluate `call`, a part of the expression `whole`.
fn evaluate(
    call: &Call,
    whole: &Call,
    env: &Env,
    field: &str,
    budget: &mut Budget,
) -> Result<Value, Failure> {
    let mut args = Vec::with_capacity(call.args.len());
    for arg in &call.args {
        let value = match arg {
            Arg::Literal(v) => v.clone(),
            Arg::Path(p) => path_argument(p, whole, env)?,
            Arg::Call(inner) => evaluate(inner, whole, env, field, budget)?,
            Arg::Template(_) => Value::Null,
        };
        if matches!(arg, Arg::Path(_) | Arg::Call(_)) {
            budget.charge(&value, field)?;
        }
        args.push(value);
    }
    let name = call.name.as_str();
    // AWS's cause names only the function; each check says in `why` what it is about.
    let fail = |_why: &str| Failure::intrinsic(format!("Invalid arguments in {name}"));
    match name {
        "States.Format" => {
            let runtime_pieces;
            let pieces = match (call.args.first(), args.first()) {
                (Some(Arg::Template(pieces)), _) => pieces,
                (_, Some(Value::String(template))) => {
                    runtime_pieces = stepwise_asl::intrinsic::format_pieces(template);
                    &runtime_pieces
                }
                _ => return Err(fail("the first argument must be a string")),
            };
            if pieces.len() - 1 != args.len() - 1 {
                return Err(Failure::intrinsic(format!(
                    "Number of arguments in {name} do not match the number of placeholders: expected {}, got {}",
                    pieces.len() - 1,
                    args.len() - 1
                )));
            }
            let mut out = pieces[0].clone();
            for (piece, arg) in pieces[1..].iter().zip(&args[1..]) {
                out.push_str(&java_text(arg));
                out.push_str(piece);
            }
            Ok(Value::String(out))
        }
        "States.StringToJson" => {
            let text = string(&args[0]).ok_or_else(|| fail("expected a string"))?;
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            serde_json::from_str(text).map_err(|_| fail("the string is not JSON"))
        }
        "States.JsonToString" => Ok(Value::String(compact(&args[0]))),
        "States.Array" => Ok(Value::Array(args)),
        "States.ArrayPartition" => {
            let items =
                array(&args[0]).ok_or_else(|| fail("the first argument must be an array"))?;
            let size = positive_int(&args[1])
                .ok_or_else(|| fail("the chunk size must be a positive integer"))?;
            Ok(Value::Array(
                items
                    .chunks(size as usize)
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            ))
        }
        "States.ArrayContains" => {
            let items =
                array(&args[0]).ok_or_else(|| fail("the first argument must be an array"))?;
            Ok(Value::Bool(items.iter().any(|i| json_eq(i, &args[1]))))
        }
        "States.ArrayRange" => {
            // AWS truncates fractional bounds and steps toward zero.
            let (start, end, step) = (
                truncated(&args[0]),
                truncated(&args[1]),
                truncated(&args[2]),
            );
            let (Some(start), Some(end), Some(step)) = (start, end, step) else {
                return Err(fail("start, end and step must be integers"));
            };
            if step == 0 {
                return Err(fail("step must not be 0"));
            }
            let count = if (step > 0 && start > end) || (step < 0 && start < end) {
                0
            } else {
                (end - start) / step + 1
            };
            if count > 1000 {
                return Err(fail("the range may hold at most 1000 items"));
            }
            Ok(Value::Array(
                (0..count).map(|i| Value::from(start + i * step)).collect(),
            ))
        }
        "States.ArrayGetItem" => {
            let items =
                array(&args[0]).ok_or_else(|| fail("the first argument must be an array"))?;
            let index = truncated(&args[1])
                .filter(|i| *i >= 0)
                .ok_or_else(|| fail("the index must be a non-negative integer"))?;
            items
                .get(index as usize)
                .cloned()
                .ok_or_else(|| fail("the index is past the end of the array"))
        }
        "States.ArrayLength" => {
            let items = array(&args[0]).ok_or_else(|| fail("expected an array"))?;
            Ok(Value::from(items.len()))
        }
        "States.ArrayUnique" => {
            let items = array(&args[0]).ok_or_else(|| fail("expected an array"))?;
            let mut unique: Vec<Value> = Vec::new();
            for item in items {
                if !unique.iter().any(|u| json_eq(u, item)) {
                    unique.push(item.clone());
                }
            }
            Ok(Value::Array(unique))
        }
        "States.Base64Encode" => {
            let text = string(&args[0]).ok_or_else(|| fail("expected a string"))?;
            check_length(text, 10_000, &fail)?;
            Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(text),
            ))
        }
        "States.Base64Decode" => {
            let text = string(&args[0]).ok_or_else(|| fail("expected a string"))?;
            check_length(text, 10_000, &fail)?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| fail("not base64"))?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| fail("the decoded data is not UTF-8 text"))
        }
        "States.Hash" => {
            let data = match &args[0] {
                Value::String(s) => s.clone(),
                Value::Null => return Err(fail("the data must not be null")),
                other => compact(other),
            };
            check_length(&data, 10_000, &fail)?;
            let algorithm =
                string(&args[1]).ok_or_else(|| fail("the algorithm must be a string"))?;
            hash(&data, algorithm)
                .map(Value::String)
                .map_err(|_| fail("an algorithm Step Functions does not offer"))
        }
        "States.JsonMerge" => {
            let (Value::Object(a), Value::Object(b)) = (&args[0], &args[1]) else {
                return Err(fail("the first two arguments must be objects"));
            };
            if args[2] != Value::Bool(false) {
                return Err(fail(
                    "only shallow merges are supported: the third argument must be false",
                ));
            }
            let mut merged = a.clone();
            merged.extend(b.iter().map(|(k, v)| (k.clone(), v.clone())));
            Ok(Value::Object(merged))
        }
        "States.MathRandom" => {
            let (Some(start), Some(end)) = (int(&args[0]), int(&args[1])) else {
                return Err(fail("start and end must be integers"));
            };
            if start >= end {
                return Err(fail("start must be less than end"));
            }
            let value = match args.get(2) {
                Some(seed) => {
                    let seed = int(seed).ok_or_else(|| fail("the seed must be an integer"))?;
                    use rand::SeedableRng;
                    rand_chacha::ChaCha8Rng::seed_from_u64(seed as u64).gen_range(start..end)
                }
                None => env.rng.borrow_mut().gen_range(start..end),
            };
            Ok(Value::from(value))
        }
        "States.MathAdd" => {
            // AWS rounds non-integral operands as Java's Math.round does: half toward
            // positive infinity (-1.5 becomes -1).
            let rounded = |v: &Value| {
                v.as_i64().or_else(|| {
                    v.as_f64()
                        .filter(|f| f.is_finite() && f.abs() < 9.0e15)
                        .map(|f| (f + 0.5).floor() as i64)
                })
            };
            let (Some(a), Some(b)) = (rounded(&args[0]), rounded(&args[1])) else {
                return Err(fail("both arguments must be integers"));
            };
            a.checked_add(b)
                .map(Value::from)
                .ok_or_else(|| fail("the sum overflows"))
        }
        "States.StringSplit" => {
            let (Some(text), Some(delimiters)) = (string(&args[0]), string(&args[1])) else {
                return Err(fail("both arguments must be strings"));
            };
            let parts = text
                .split(|c| delimiters.contains(c))
                .filter(|p| !p.is_empty());
            Ok(Value::Array(
                parts.map(|p| Value::String(p.to_owned())).collect(),
            ))
        }
        "States.UUID" => Ok(Value::String(uuid_v4(&mut *env.rng.borrow_mut()))),
        other => Err(Failure::intrinsic(format!(
            "Unknown intrinsic function {other}"
        ))),
    }
}

fn string(v: &Value) -> Option<&str> {
    v.as_str()
}

fn array(v: &Value) -> Option<&Vec<Value>> {
    v.as_array()
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// A value as AWS's `States.Format` writes it: strings as they are, numbers and literals as
/// JSON, objects and arrays as Java prints its maps and lists (`{a=1, b=[x, y]}`).
fn java_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(java_text).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}={}", java_text(v)))
                .collect();
            format!("{{{}}}", members.join(", "))
        }
        other => compact(other),
    }
}

/// A number truncated toward zero to an integer.
fn truncated(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite() && f.abs() < 9.0e15)
            .map(|f| f.trunc() as i64)
    })
}

fn positive_int(v: &Value) -> Option<i64> {
    int(v).filter(|i| *i > 0)
}

fn check_length(text: &str, max: usize, fail: &dyn Fn(&str) -> Failure) -> Result<(), Failure> {
    if text.chars().count() > max {
        return Err(fail("the input is too long"));
    }
    Ok(())
}

/// JSON equality where 1 and 1.0 are the same number.
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The hex digest of `data` with one of the algorithms Step Functions offers.
pub fn hash(data: &str, algorithm: &str) -> Result<String, String> {
    Ok(match algorithm {
        "MD5" => hex(&md5::Md5::digest(data.as_bytes())),
        "SHA-1" => hex(&sha1::Sha1::digest(data.as_bytes())),
        "SHA-256" => hex(&sha2::Sha256::digest(data.as_bytes())),
        "SHA-384" => hex(&sha2::Sha384::digest(data.as_bytes())),
        "SHA-512" => hex(&sha2::Sha512::digest(data.as_bytes())),
        other => {
            return Err(format!(
                "unsupported algorithm '{other}': use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"
            ))
        }
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A version-4 UUID drawn from `rng`.
pub fn uuid_v4(rng: &mut impl rand::RngCore) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}
