//! Intrinsic function calls (`States.Format('{}', $.a)`), parsed at load time.

use serde_json::Value;

use crate::path::{self, Parser, Path, PathError};

/// Every intrinsic Step Functions offers, with its arity bounds.
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("States.Format", 1, usize::MAX),
    ("States.StringToJson", 1, 1),
    ("States.JsonToString", 1, 1),
    ("States.Array", 0, usize::MAX),
    ("States.ArrayPartition", 2, 2),
    ("States.ArrayContains", 2, 2),
    ("States.ArrayRange", 3, 3),
    ("States.ArrayGetItem", 2, 2),
    ("States.ArrayLength", 1, 1),
    ("States.ArrayUnique", 1, 1),
    ("States.Base64Encode", 1, 1),
    ("States.Base64Decode", 1, 1),
    ("States.Hash", 2, 2),
    ("States.JsonMerge", 3, 3),
    ("States.MathRandom", 2, 3),
    ("States.MathAdd", 2, 2),
    ("States.StringSplit", 2, 2),
    ("States.UUID", 0, 0),
];

/// A call of an intrinsic function.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The function name, e.g. `States.Format`.
    pub name: String,
    /// The arguments.
    pub args: Vec<Arg>,
    /// The call as written: AWS quotes it when one of its arguments fails.
    pub source: String,
}

/// An intrinsic argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A string, number, boolean or null literal.
    Literal(Value),
    /// A path (`$.x`, `$$.x`, `$var`).
    Path(Path),
    /// A nested call.
    Call(Call),
    /// The template of `States.Format`: text pieces with a `{}` hole between each pair.
    Template(Vec<String>),
}

/// True when `text` looks like an intrinsic call rather than a path.
pub fn is_call(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

/// Parse an intrinsic call, checking the function name and its arity.
pub fn parse(text: &str) -> Result<Call, PathError> {
    crate::path::nesting_within_limit(text)?;
    let mut parser = Parser { text, pos: 0 };
    parser.skip_ws();
    let call = call(&mut parser)?;
    parser.skip_ws();
    if parser.pos != text.len() {
        return Err(parser.error("unexpected characters after the function call"));
    }
    Ok(call)
}

fn call(p: &mut Parser) -> Result<Call, PathError> {
    let start = p.pos;
    let name_len = p.text[p.pos..]
        .find('(')
        .ok_or_else(|| p.error("expected '(' after the function name"))?;
    let name = p.text[p.pos..p.pos + name_len].trim().to_owned();
    let Some(&(_, min, max)) = FUNCTIONS.iter().find(|(n, ..)| *n == name) else {
        return Err(PathError {
            message: format!("unknown intrinsic function '{name}'"),
            offset: start,
        });
    };
    p.pos += name_len + 1;
    let mut args = Vec::new();
    p.skip_ws();
    if !p.text[p.pos..].starts_with(')') {
        loop {
            p.skip_ws();
            args.push(arg(p)?);
            p.skip_ws();
            if p.text[p.pos..].starts_with(',') {
                p.pos += 1;
            } else {
                break;
            }
        }
    }
    p.skip_ws();
    if !p.text[p.pos..].starts_with(')') {
        return Err(p.error("expected ',' or ')'"));
    }
    p.pos += 1;
    if name == "States.Format" {
        if let Some(Arg::Literal(Value::String(_))) = args.first() {
            let raw = raw_first_string(&p.text[start..]).unwrap_or_default();
            args[0] = Arg::Template(format_pieces(&raw));
        }
    }
    if args.len() < min || args.len() > max {
        let expected = match (min, max) {
            (a, b) if a == b => format!("{a}"),
            (a, usize::MAX) => format!("at least {a}"),
            (a, b) => format!("{a} to {b}"),
        };
        return Err(PathError {
            message: format!("{name} takes {expected} argument(s), got {}", args.len()),
            offset: start,
        });
    }
    let source = p.text[start..p.pos].to_owned();
    Ok(Call { name, args, source })
}

fn arg(p: &mut Parser) -> Result<Arg, PathError> {
    let rest = &p.text[p.pos..];
    if rest.starts_with('$') {
        return Ok(Arg::Path(p.path()?));
    }
    if rest.starts_with('\'') {
        return Ok(Arg::Literal(Value::String(unescape(&raw_string(p)?))));
    }
    if rest.starts_with("States.") {
        return Ok(Arg::Call(call(p)?));
    }
    for (word, value) in [
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("null", Value::Null),
    ] {
        if rest.starts_with(word) {
            p.pos += word.len();
            return Ok(Arg::Literal(value));
        }
    }
    let len = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
        .unwrap_or(rest.len());
    let number: f64 = rest[..len].parse().map_err(|_| {
        p.error("expected a path, a quoted string, a number, true, false, null or a function call")
    })?;
    p.pos += len;
    Ok(Arg::Literal(path::number_value(number)))
}

/// The text between the quotes of a `'...'` literal, escapes kept.
fn raw_string(p: &mut Parser) -> Result<String, PathError> {
    let start = p.pos + 1;
    let mut chars = p.text[start..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\'' => {
                p.pos = start + i + 1;
                return Ok(p.text[start..start + i].to_owned());
            }
            _ => {}
        }
    }
    Err(p.error("unterminated string"))
}

fn raw_first_string(call: &str) -> Option<String> {
    let start = call.find('(')? + 1;
    let mut p = Parser {
        text: call,
        pos: start,
    };
    p.skip_ws();
    raw_string(&mut p).ok()
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' {
            chars.next().unwrap_or('\\')
        } else {
            c
        });
    }
    out
}

/// Split a Format template at its unescaped `{}` holes.
pub fn format_pieces(raw: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => pieces
                .last_mut()
                .expect("non-empty")
                .push(chars.next().unwrap_or('\\')),
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                pieces.push(String::new());
            }
            c => pieces.last_mut().expect("non-empty").push(c),
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_calls_with_escapes() {
        let call =
            parse(r"States.Format('Hi \'{}\' {}', $.name, States.ArrayLength($.items))").unwrap();
        assert_eq!(call.name, "States.Format");
        assert_eq!(
            call.args[0],
            Arg::Template(vec!["Hi '".into(), "' ".into(), "".into()])
        );
        assert!(matches!(&call.args[2], Arg::Call(c) if c.name == "States.ArrayLength"));
    }

    #[test]
    fn checks_names_and_arity() {
        assert!(parse("States.Nope(1)")
            .unwrap_err()
            .message
            .contains("unknown"));
        assert!(parse("States.UUID(1)")
            .unwrap_err()
            .message
            .contains("takes 0"));
        assert!(parse("States.MathAdd(1, 2").is_err());
    }
}
