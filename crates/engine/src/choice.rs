//! Choice rule evaluation, with every comparison operator.

use std::borrow::Cow;

use serde_json::Value;
use stepwise_asl::model::{CompareOp, Condition, Operand};
use stepwise_asl::path::{Path, Root};
use stepwise_asl::timestamp;

use crate::failure::Failure;
use crate::jsonpath::{self, Selection};
use crate::payload::Evaluator;

/// Does `condition` hold for the state's input?
pub fn holds(condition: &Condition, eval: &Evaluator) -> Result<bool, Failure> {
    Ok(match condition {
        Condition::And(all) => {
            for c in all {
                if !holds(c, eval)? {
                    return Ok(false);
                }
            }
            true
        }
        Condition::Or(any) => {
            for c in any {
                if holds(c, eval)? {
                    return Ok(true);
                }
            }
            false
        }
        Condition::Not(inner) => !holds(inner, eval)?,
        Condition::Jsonata(expression) => match eval.jsonata(expression, "Condition")? {
            Some(Value::Bool(b)) => b,
            other => {
                return Err(Failure::query(format!(
                    "The JSONata expression '{expression}' specified for the field 'Condition' returned an unexpected data type: {}",
                    other.map_or("undefined".to_owned(), |v| crate::env::compact(&v))
                )))
            }
        },
        Condition::Compare { variable, op, operand } => compare(eval, variable, *op, operand)?,
    })
}

fn lookup<'a>(eval: &'a Evaluator, path: &Path) -> Result<Option<Cow<'a, Value>>, Failure> {
    if matches!(path.root, Root::Input) {
        return Ok(jsonpath::select(path, eval.env.input).map(|s| match s {
            Selection::One(v) => Cow::Borrowed(v),
            other => Cow::Owned(other.into_value()),
        }));
    }
    Ok(eval.env.resolve(path)?.map(Cow::Owned))
}

fn compare(
    eval: &Evaluator,
    variable: &Path,
    op: CompareOp,
    operand: &Operand,
) -> Result<bool, Failure> {
    let value = lookup(eval, variable)?;
    let expected_bool = || matches!(operand, Operand::Value(Value::Bool(true)));
    let type_test =
        |test: fn(&Value) -> bool| value.as_deref().is_some_and(test) == expected_bool();
    match op {
        CompareOp::IsPresent => return Ok(value.is_some() == expected_bool()),
        CompareOp::IsNull => return Ok(type_test(Value::is_null)),
        CompareOp::IsNumeric => return Ok(type_test(Value::is_number)),
        CompareOp::IsString => return Ok(type_test(Value::is_string)),
        CompareOp::IsBoolean => return Ok(type_test(Value::is_boolean)),
        CompareOp::IsTimestamp => {
            return Ok(type_test(|v| v.as_str().is_some_and(timestamp::is_valid)))
        }
        _ => {}
    }
    let Some(value) = value else {
        return Err(Failure::runtime(format!("Invalid path '{variable}': The choice state's condition path references an invalid value.")));
    };
    let operand: Cow<Value> = match operand {
        Operand::Value(v) => Cow::Borrowed(v),
        Operand::Path(path) => lookup(eval, path)?.ok_or_else(|| {
            Failure::runtime(format!("Invalid path '{path}': The choice state's condition path references an invalid value."))
        })?,
    };
    use std::cmp::Ordering::*;
    let strings = || Some((value.as_str()?, operand.as_str()?));
    let numbers = || Some((value.as_f64()?, operand.as_f64()?));
    let times = || {
        Some((
            timestamp::parse(value.as_str()?)?,
            timestamp::parse(operand.as_str()?)?,
        ))
    };
    let ordered = |ordering: Option<std::cmp::Ordering>, accept: &[std::cmp::Ordering]| {
        ordering.is_some_and(|o| accept.contains(&o))
    };
    Ok(match op {
        CompareOp::StringEquals => ordered(strings().map(|(a, b)| a.cmp(b)), &[Equal]),
        CompareOp::StringLessThan => ordered(strings().map(|(a, b)| a.cmp(b)), &[Less]),
        CompareOp::StringGreaterThan => ordered(strings().map(|(a, b)| a.cmp(b)), &[Greater]),
        CompareOp::StringLessThanEquals => {
            ordered(strings().map(|(a, b)| a.cmp(b)), &[Less, Equal])
        }
        CompareOp::StringGreaterThanEquals => {
            ordered(strings().map(|(a, b)| a.cmp(b)), &[Greater, Equal])
        }
        CompareOp::StringMatches => {
            strings().is_some_and(|(text, pattern)| glob_matches(pattern, text))
        }
        CompareOp::NumericEquals => {
            ordered(numbers().and_then(|(a, b)| a.partial_cmp(&b)), &[Equal])
        }
        CompareOp::NumericLessThan => {
            ordered(numbers().and_then(|(a, b)| a.partial_cmp(&b)), &[Less])
        }
        CompareOp::NumericGreaterThan => {
            ordered(numbers().and_then(|(a, b)| a.partial_cmp(&b)), &[Greater])
        }
        CompareOp::NumericLessThanEquals => ordered(
            numbers().and_then(|(a, b)| a.partial_cmp(&b)),
            &[Less, Equal],
        ),
        CompareOp::NumericGreaterThanEquals => ordered(
            numbers().and_then(|(a, b)| a.partial_cmp(&b)),
            &[Greater, Equal],
        ),
        CompareOp::BooleanEquals => value
            .as_bool()
            .is_some_and(|a| Some(a) == operand.as_bool()),
        CompareOp::TimestampEquals => ordered(times().map(|(a, b)| a.cmp(&b)), &[Equal]),
        CompareOp::TimestampLessThan => ordered(times().map(|(a, b)| a.cmp(&b)), &[Less]),
        CompareOp::TimestampGreaterThan => ordered(times().map(|(a, b)| a.cmp(&b)), &[Greater]),
        CompareOp::TimestampLessThanEquals => {
            ordered(times().map(|(a, b)| a.cmp(&b)), &[Less, Equal])
        }
        CompareOp::TimestampGreaterThanEquals => {
            ordered(times().map(|(a, b)| a.cmp(&b)), &[Greater, Equal])
        }
        _ => unreachable!("type tests handled above"),
    })
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literal.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    enum Token {
        Star,
        Char(char),
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            '\\' => Token::Char(chars.next().unwrap_or('\\')),
            '*' => Token::Star,
            c => Token::Char(c),
        });
    }
    let text: Vec<char> = text.chars().collect();
    // Greedy matching with backtracking to the last star: linear in practice.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Token::Char(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            Some(Token::Star) => {
                star = Some((p, t));
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    tokens[p..].iter().all(|t| matches!(t, Token::Star))
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn string_matches_globs_with_escapes() {
        assert!(glob_matches("log-*.txt", "log-2024-01.txt"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("a*b*c", "aXXbYYc"));
        assert!(!glob_matches("a*b", "aXXc"));
        assert!(glob_matches(r"a\*b", "a*b"));
        assert!(!glob_matches(r"a\*b", "aXb"));
    }
}
