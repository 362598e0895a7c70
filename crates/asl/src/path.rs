//! JSONPath as Step Functions uses it: full paths (`$.items[?(@.x > 1)]`), reference
//! paths (`$.a.b[0]`, definite, no wildcards), context paths (`$$.Execution.Id`) and
//! variable paths (`$name.field`). Parsed once at load time; evaluated by the engine.

use std::fmt;

/// What a path starts from.
#[derive(Debug, Clone, PartialEq)]
pub enum Root {
    /// `$`: the state's input (or the current node inside a filter: `@`).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(String),
    /// `@`: the current node, inside a filter.
    Current,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name` or `['name']`.
    Field(String),
    /// `[n]`; negative counts from the end.
    Index(i64),
    /// `.*` or `[*]`.
    Wildcard,
    /// `[start:end:step]`.
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// `['a','b']`.
    Fields(Vec<String>),
    /// `[0,2]`.
    Indexes(Vec<i64>),
    /// `..name` / `..*` / `..[n]`: the step applied to every descendant.
    Descend(Box<Step>),
    /// `[?(...)]`.
    Filter(Box<Filter>),
    /// `.length()`: the size of the current array, string or object.
    Length,
}

/// A filter expression inside `[?( )]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `a && b`.
    And(Filter2),
    /// `a || b`.
    Or(Filter2),
    /// `!a`.
    Not(Box<Filter>),
    /// `@.x` alone: the value exists (and is not false/null).
    Exists(Path),
    /// `left op right`.
    Compare(Operand, CompareOp, Operand),
}

/// Two boxed sub-filters.
pub type Filter2 = Box<(Filter, Filter)>;

/// A side of a filter comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A path from `@` or `$`.
    Path(Path),
    /// A JSON literal.
    Literal(serde_json::Value),
}

/// A comparison operator inside a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The text it was parsed from.
    pub source: String,
    /// What it starts from.
    pub root: Root,
    /// The steps after the root.
    pub steps: Vec<Step>,
}

impl Path {
    /// A reference path selects one node: only field names and indexes, no wildcards,
    /// slices, filters or descent.
    pub fn is_reference(&self) -> bool {
        self.steps
            .iter()
            .all(|s| matches!(s, Step::Field(_) | Step::Index(_)))
    }

    /// True when the path may select several nodes (its result is a list).
    pub fn is_indefinite(&self) -> bool {
        self.steps.iter().any(|s| {
            matches!(
                s,
                Step::Wildcard
                    | Step::Slice(..)
                    | Step::Fields(_)
                    | Step::Indexes(_)
                    | Step::Descend(_)
                    | Step::Filter(_)
            )
        })
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Why a path did not parse.
#[derive(Debug, Clone, PartialEq)]
pub struct PathError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the path text.
    pub offset: usize,
}

/// Parse a path starting with `$`, `$$` or `$name`.
pub fn parse(text: &str) -> Result<Path, PathError> {
    nesting_within_limit(text)?;
    let mut parser = Parser { text, pos: 0 };
    let path = parser.path()?;
    // A path writes (ResultPath) or reads as deep as it has steps: held to the JSON limit.
    if path.steps.len() > crate::depth::MAX_JSON_DEPTH {
        return Err(PathError {
            message: format!("has more than {} steps", crate::depth::MAX_JSON_DEPTH),
            offset: 0,
        });
    }
    parser.skip_ws();
    if parser.pos != text.len() {
        return Err(parser.error("unexpected characters after the path"));
    }
    Ok(Path {
        source: text.to_owned(),
        ..path
    })
}

/// Refuse text nested deeper than [`crate::depth::MAX_EXPRESSION_DEPTH`] before a recursive
/// parser reads it.
pub(crate) fn nesting_within_limit(text: &str) -> Result<(), PathError> {
    use crate::depth::{too_deep, MAX_EXPRESSION_DEPTH};
    match too_deep(text, b"'\"", MAX_EXPRESSION_DEPTH) {
        Some(offset) => Err(PathError {
            message: format!("nested more than {MAX_EXPRESSION_DEPTH} levels deep"),
            offset,
        }),
        None => Ok(()),
    }
}

/// Parse a reference path: like [`parse`], but only definite field/index steps.
pub fn parse_reference(text: &str) -> Result<Path, PathError> {
    let path = parse(text)?;
    if !path.is_reference() {
        return Err(PathError {
            message: "a reference path may only use field names and array indexes".into(),
            offset: 0,
        });
    }
    Ok(path)
}

pub(crate) struct Parser<'a> {
    pub(crate) text: &'a str,
    pub(crate) pos: usize,
}

fn is_name_char(c: char) -> bool {
    !matches!(
        c,
        '.' | '['
            | ']'
            | '('
            | ')'
            | ' '
            | '\''
            | '"'
            | ','
            | '='
            | '!'
            | '<'
            | '>'
            | '&'
            | '|'
            | '@'
            | '$'
            | '?'
            | '*'
            | ':'
    ) && !c.is_whitespace()
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    pub(crate) fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    pub(crate) fn error(&self, message: &str) -> PathError {
        PathError {
            message: message.to_owned(),
            offset: self.pos,
        }
    }

    fn name(&mut self) -> &'a str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if !is_name_char(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        &self.text[start..self.pos]
    }

    pub(crate) fn path(&mut self) -> Result<Path, PathError> {
        let start = self.pos;
        let root = if self.eat("$$") {
            Root::Context
        } else if self.eat("$") {
            match self.peek() {
                Some(c) if c.is_alphanumeric() || c == '_' => {
                    Root::Variable(self.name().to_owned())
                }
                _ => Root::Input,
            }
        } else if self.eat("@") {
            Root::Current
        } else {
            return Err(self.error("a path must start with '$'"));
        };
        let mut steps = Vec::new();
        loop {
            if self.eat("..") {
                let step = if self.eat("*") {
                    Step::Wildcard
                } else if self.peek() == Some('[') {
                    self.bracket()?
                } else {
                    let name = self.name();
                    if name.is_empty() {
                        return Err(self.error("expected a field name after '..'"));
                    }
                    Step::Field(name.to_owned())
                };
                steps.push(Step::Descend(Box::new(step)));
            } else if self.eat(".") {
                if self.eat("*") {
                    steps.push(Step::Wildcard);
                } else if self.eat("length()") {
                    steps.push(Step::Length);
                } else {
                    let name = self.name();
                    if name.is_empty() {
                        return Err(self.error("expected a field name after '.'"));
                    }
                    steps.push(Step::Field(name.to_owned()));
                }
            } else if self.peek() == Some('[') {
                steps.push(self.bracket()?);
            } else {
                break;
            }
        }
        Ok(Path {
            source: self.text[start..self.pos].to_owned(),
            root,
            steps,
        })
    }

    fn bracket(&mut self) -> Result<Step, PathError> {
        self.eat("[");
        self.skip_ws();
        let step = if self.eat("?(") {
            let filter = self.filter_or()?;
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.error("expected ')' to close the filter"));
            }
            Step::Filter(Box::new(filter))
        } else if self.eat("*") {
            Step::Wildcard
        } else if self.eat("(@.length") {
            // Jayway's script subscript, in the one form AWS accepts: `(@.length-N)`, the
            // N-th item from the end.
            self.skip_ws();
            let back = if self.eat("-") {
                self.skip_ws();
                self.integer()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| self.error("expected a number after '@.length-'"))?
            } else {
                0
            };
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.error("expected ')' to close '(@.length-N)'"));
            }
            Step::Index(-back)
        } else if matches!(self.peek(), Some('\'' | '"')) {
            let mut names = vec![self.quoted()?];
            self.skip_ws();
            while self.eat(",") {
                self.skip_ws();
                names.push(self.quoted()?);
                self.skip_ws();
            }
            if names.len() == 1 {
                Step::Field(names.pop().expect("one name"))
            } else {
                Step::Fields(names)
            }
        } else {
            self.index_or_slice()?
        };
        self.skip_ws();
        if !self.eat("]") {
            return Err(self.error("expected ']'"));
        }
        Ok(step)
    }

    fn integer(&mut self) -> Option<i64> {
        let start = self.pos;
        self.eat("-");
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let parsed = self.text[start..self.pos].parse().ok();
        if parsed.is_none() {
            self.pos = start;
        }
        parsed
    }

    fn index_or_slice(&mut self) -> Result<Step, PathError> {
        let first = self.integer();
        self.skip_ws();
        if self.eat(":") {
            self.skip_ws();
            let end = self.integer();
            self.skip_ws();
            let step = if self.eat(":") { self.integer() } else { None };
            return Ok(Step::Slice(first, end, step));
        }
        let Some(first) = first else {
            return Err(self.error("expected an index, a slice, '*', a quoted name or a filter"));
        };
        let mut indexes = vec![first];
        while self.eat(",") {
            self.skip_ws();
            indexes.push(
                self.integer()
                    .ok_or_else(|| self.error("expected an index"))?,
            );
            self.skip_ws();
        }
        Ok(if indexes.len() == 1 {
            Step::Index(first)
        } else {
            Step::Indexes(indexes)
        })
    }

    pub(crate) fn quoted(&mut self) -> Result<String, PathError> {
        let quote = self
            .peek()
            .filter(|c| matches!(c, '\'' | '"'))
            .ok_or_else(|| self.error("expected a quoted string"))?;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let c = self
                .peek()
                .ok_or_else(|| self.error("unterminated string"))?;
            self.pos += c.len_utf8();
            match c {
                // As AWS reads names: a backslash escapes the closing quote only; before any
                // other character it is part of the name.
                '\\' if self.peek() == Some(quote) => {
                    self.pos += quote.len_utf8();
                    out.push(quote);
                }
                c if c == quote => return Ok(out),
                c => out.push(c),
            }
        }
    }

    fn filter_or(&mut self) -> Result<Filter, PathError> {
        let mut left = self.filter_and()?;
        loop {
            self.skip_ws();
            if !self.eat("||") {
                return Ok(left);
            }
            let right = self.filter_and()?;
            left = Filter::Or(Box::new((left, right)));
        }
    }

    fn filter_and(&mut self) -> Result<Filter, PathError> {
        let mut left = self.filter_unary()?;
        loop {
            self.skip_ws();
            if !self.eat("&&") {
                return Ok(left);
            }
            let right = self.filter_unary()?;
            left = Filter::And(Box::new((left, right)));
        }
    }

    fn filter_unary(&mut self) -> Result<Filter, PathError> {
        self.skip_ws();
        if self.eat("!") {
            return Ok(Filter::Not(Box::new(self.filter_unary()?)));
        }
        if self.eat("(") {
            let inner = self.filter_or()?;
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.error("expected ')'"));
            }
            return Ok(inner);
        }
        let left = self.operand()?;
        self.skip_ws();
        let op = [
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<=", CompareOp::Le),
            (">=", CompareOp::Ge),
            ("<", CompareOp::Lt),
            (">", CompareOp::Gt),
        ]
        .into_iter()
        .find(|(s, _)| self.eat(s))
        .map(|(_, op)| op);
        match (op, left) {
            (Some(op), left) => {
                self.skip_ws();
                Ok(Filter::Compare(left, op, self.operand()?))
            }
            (None, Operand::Path(path)) => Ok(Filter::Exists(path)),
            (None, Operand::Literal(_)) => Err(self.error("expected a comparison operator")),
        }
    }

    fn operand(&mut self) -> Result<Operand, PathError> {
        self.skip_ws();
        match self.peek() {
            Some('@' | '$') => Ok(Operand::Path(self.path()?)),
            Some('\'' | '"') => Ok(Operand::Literal(serde_json::Value::String(self.quoted()?))),
            _ => {
                for (word, value) in [
                    ("true", true.into()),
                    ("false", false.into()),
                    ("null", serde_json::Value::Null),
                ] {
                    if self.eat(word) {
                        return Ok(Operand::Literal(value));
                    }
                }
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
                {
                    self.pos += 1;
                }
                let number: f64 = self.text[start..self.pos].parse().map_err(|_| PathError {
                    message: "expected a path, a string, a number, true, false or null".into(),
                    offset: start,
                })?;
                Ok(Operand::Literal(number_value(number)))
            }
        }
    }
}

/// A JSON number for `n`, integral when it has no fraction.
pub fn number_value(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_step_functions_accepts() {
        let p = parse("$.a['b c'][0].*[1:3]..d[?(@.price > 10 && @.ok)]").unwrap();
        assert_eq!(p.root, Root::Input);
        assert_eq!(p.steps.len(), 7);
        assert_eq!(p.steps[1], Step::Field("b c".into()));
        assert_eq!(p.steps[4], Step::Slice(Some(1), Some(3), None));
        assert!(p.is_indefinite());
        assert!(parse("$$.Map.Item.Value").unwrap().is_reference());
        assert_eq!(
            parse("$order.id").unwrap().root,
            Root::Variable("order".into())
        );
        assert_eq!(parse("$").unwrap().steps, vec![]);
    }

    #[test]
    fn rejects_malformed_paths_without_panicking() {
        // Found by fuzzing: a name list whose next name is not quoted, before a non-ASCII
        // character, once sliced inside it.
        assert!(parse("$['hK',\u{657}]").is_err());
    }

    #[test]
    fn rejects_malformed_paths() {
        for bad in ["a.b", "$.", "$[", "$.a[?(@.x >)]", "$.a]", "$..", "$['x"] {
            assert!(parse(bad).is_err(), "{bad} should not parse");
        }
        assert!(parse_reference("$.a[*]").is_err());
    }
}
