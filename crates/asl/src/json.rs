//! Strict JSON parsing that remembers where every value came from.
//!
//! The text is parsed by `jsonc-parser` (with every leniency switched off) into a
//! `serde_json::Value`, plus a table from JSON pointer to source span, so later stages can
//! work on plain values and still position their diagnostics.

use std::collections::HashMap;

use jsonc_parser::ast;
use serde_json::{Map, Number, Value};

use crate::diagnostic::Sink;
use crate::source::Span;

/// Where a value and, for object members, its key sit in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSpan {
    /// The value's span.
    pub value: Span,
    /// The member key's span, for values that are object members.
    pub key: Option<Span>,
}

/// JSON pointer -> source span for every value of a parsed document.
#[derive(Debug, Clone, Default)]
pub struct SpanTable {
    spans: HashMap<String, NodeSpan>,
}

impl SpanTable {
    /// The span of the value at `pointer`, falling back to its closest ancestor.
    pub fn value_span(&self, pointer: &str) -> Span {
        let mut pointer = pointer;
        loop {
            if let Some(node) = self.spans.get(pointer) {
                return node.value;
            }
            match pointer.rfind('/') {
                Some(i) => pointer = &pointer[..i],
                None => return Span::default(),
            }
        }
    }

    /// Remember where the value at `pointer` sits.
    pub(crate) fn insert(&mut self, pointer: String, span: NodeSpan) {
        self.spans.insert(pointer, span);
    }

    /// Make `from` and everything under it findable under `to` as well (a key that
    /// DefinitionSubstitutions renamed); pointers already known keep their spans.
    pub(crate) fn alias(&mut self, from: &str, to: &str) {
        let copies: Vec<(String, NodeSpan)> = self
            .spans
            .iter()
            .filter_map(|(pointer, span)| {
                let rest = pointer.strip_prefix(from)?;
                (rest.is_empty() || rest.starts_with('/')).then(|| (format!("{to}{rest}"), *span))
            })
            .collect();
        for (pointer, span) in copies {
            self.spans.entry(pointer).or_insert(span);
        }
    }

    /// The span of the member key at `pointer` (or of its value when it has no key).
    pub fn key_span(&self, pointer: &str) -> Span {
        match self.spans.get(pointer) {
            Some(NodeSpan { key: Some(key), .. }) => *key,
            _ => self.value_span(pointer),
        }
    }
}

/// Escape one reference token for a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_owned()
    }
}

/// Append `token` to `pointer`.
pub fn child_pointer(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// Parse `text` as strict JSON. Syntax errors and duplicate keys go to `sink`
/// (positioned by span, with code `ASL001`/`ASL002`); `None` when there is no value.
pub fn parse(text: &str, sink: &mut Sink) -> (Option<Value>, SpanTable) {
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
    };
    let mut table = SpanTable::default();
    if let Some(at) = crate::depth::too_deep(text, b"\"", crate::depth::MAX_JSON_DEPTH) {
        let message = format!(
            "The definition is nested more than {} levels deep",
            crate::depth::MAX_JSON_DEPTH
        );
        sink.error("ASL003", "", message).span = Span::new(at, at + 1);
        return (None, table);
    }
    // The parser refuses `\u` escapes of UTF-16 surrogates, which AWS reads: it gets a copy
    // with them masked (same length, so every span holds), and strings that held them are
    // decoded again from the original text.
    let masked = mask_surrogates(text);
    let surrogates = masked.is_some();
    let parsed_text = masked.as_deref().unwrap_or(text);
    match jsonc_parser::parse_to_ast(parsed_text, &Default::default(), &options) {
        Ok(result) => match result.value {
            Some(root) => {
                let ctx = Ctx { text, surrogates };
                let value = convert(&ctx, &root, String::new(), None, &mut table, sink);
                (Some(value), table)
            }
            None => {
                let span = Span::new(0, text.len());
                sink.error("ASL004", "", "Definition must be a valid JSON object")
                    .span = span;
                (None, table)
            }
        },
        Err(error) => {
            let range = error.range();
            // Editors on Windows may start a file with one; AWS refuses it like any stray
            // character, but it is invisible, so say what it is.
            if text.starts_with('\u{feff}') {
                let message = "Invalid JSON: the text starts with a byte order mark (U+FEFF); save it as UTF-8 without BOM";
                sink.error("ASL001", "", message).span = Span::new(0, '\u{feff}'.len_utf8());
                return (None, table);
            }
            let message = format!("Invalid JSON: {}", error.kind());
            sink.error("ASL001", "", message).span = Span::new(range.start, range.end);
            (None, table)
        }
    }
}

/// What every step of the conversion needs: the original text, and whether it holds
/// surrogate escapes (whose strings are decoded again from it).
struct Ctx<'t> {
    text: &'t str,
    surrogates: bool,
}

impl Ctx<'_> {
    /// A string literal's value: the parser's, or decoded again from the text.
    fn string(&self, parsed: &str, range: jsonc_parser::common::Range) -> String {
        let literal = &self.text[range.start..range.end];
        if self.surrogates && literal.contains("\\u") {
            decode_string(literal)
        } else {
            parsed.to_owned()
        }
    }
}

fn convert(
    ctx: &Ctx,
    node: &ast::Value,
    pointer: String,
    key: Option<Span>,
    table: &mut SpanTable,
    sink: &mut Sink,
) -> Value {
    let text = ctx.text;
    let range = node_range(node);
    // The parser also reads JavaScript's single-quoted strings and number forms; JSON has neither.
    let strict = |start: usize, end: usize, what: &str, ok: bool, sink: &mut Sink| {
        if !ok {
            sink.error("ASL001", pointer.clone(), format!("Invalid JSON: {what}"))
                .span = Span::new(start, end);
        }
    };
    let value = match node {
        ast::Value::StringLit(s) => {
            let quoted = text[s.range.start..].starts_with('"');
            strict(
                s.range.start,
                s.range.end,
                "strings are written in double quotes",
                quoted,
                sink,
            );
            Value::String(ctx.string(&s.value, s.range))
        }
        ast::Value::NumberLit(n) if !is_json_number(n.value) => {
            strict(
                n.range.start,
                n.range.end,
                &format!("{} is not a JSON number", n.value),
                false,
                sink,
            );
            Value::Null
        }
        ast::Value::NumberLit(n) => parse_number(n.value).unwrap_or_else(|| {
            sink.error(
                "ASL001",
                pointer.clone(),
                format!("Number {} is out of range", n.value),
            );
            Value::Null
        }),
        ast::Value::BooleanLit(b) => Value::Bool(b.value),
        ast::Value::NullKeyword(_) => Value::Null,
        ast::Value::Array(array) => {
            let mut items = Vec::with_capacity(array.elements.len());
            let mut previous_end = None;
            for (i, element) in array.elements.iter().enumerate() {
                let element_range = node_range(element);
                require_comma(text, previous_end, element_range.start, &pointer, sink);
                previous_end = Some(element_range.end);
                items.push(convert(
                    ctx,
                    element,
                    format!("{pointer}/{i}"),
                    None,
                    table,
                    sink,
                ));
            }
            Value::Array(items)
        }
        ast::Value::Object(object) => {
            let mut map = Map::with_capacity(object.properties.len());
            let mut previous_end: Option<usize> = None;
            for prop in &object.properties {
                let name_range = match &prop.name {
                    ast::ObjectPropName::String(s) => s.range,
                    ast::ObjectPropName::Word(w) => w.range,
                };
                let name = &ctx.string(prop.name.as_str(), name_range);
                let key_span = Span::new(name_range.start, name_range.end);
                require_comma(text, previous_end, name_range.start, &pointer, sink);
                previous_end = Some(node_range(&prop.value).end);
                if !text[name_range.start..].starts_with('"') {
                    sink.error(
                        "ASL001",
                        pointer.clone(),
                        "Invalid JSON: keys are written in double quotes",
                    )
                    .span = key_span;
                }
                let child = child_pointer(&pointer, name);
                if map.contains_key(name) {
                    sink.error("ASL002", child.clone(), format!("Duplicate key \"{name}\""))
                        .span = key_span;
                }
                let value = convert(ctx, &prop.value, child, Some(key_span), table, sink);
                map.insert(name.to_owned(), value);
            }
            Value::Object(map)
        }
    };
    table.spans.insert(
        pointer,
        NodeSpan {
            value: Span::new(range.start, range.end),
            key,
        },
    );
    value
}

/// The parser also reads members and elements with no comma between them; JSON does not.
fn require_comma(
    text: &str,
    previous_end: Option<usize>,
    next_start: usize,
    pointer: &str,
    sink: &mut Sink,
) {
    let Some(end) = previous_end else { return };
    let between = text.get(end..next_start).unwrap_or_default();
    if !between.contains(',') {
        sink.error(
            "ASL001",
            pointer,
            "Invalid JSON: expected ',' between members",
        )
        .span = Span::new(next_start, next_start + 1);
    }
}

/// `text` with the hex digits of every `\u` escape of a UTF-16 surrogate replaced by
/// `fffd` (so the copy has the same length); `None` when it has none.
fn mask_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut masked: Option<Vec<u8>> = None;
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                let hex = bytes
                    .get(i + 2..i + 6)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let unit = hex.and_then(|h| u16::from_str_radix(h, 16).ok());
                if bytes.get(i + 1) == Some(&b'u')
                    && unit.is_some_and(|u| (0xD800..0xE000).contains(&u))
                {
                    masked.get_or_insert_with(|| bytes.to_vec())[i + 2..i + 6]
                        .copy_from_slice(b"fffd");
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    masked.and_then(|m| String::from_utf8(m).ok())
}

/// A JSON string literal (quotes included) decoded, with surrogate pairs joined; a lone
/// surrogate, which no Rust string can hold, becomes U+FFFD.
fn decode_string(literal: &str) -> String {
    let inner = literal
        .get(1..literal.len().saturating_sub(1))
        .unwrap_or_default();
    let mut units: Vec<u16> = Vec::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buffer = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buffer));
            continue;
        }
        let unit = match chars.next() {
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                u16::from_str_radix(&hex, 16).unwrap_or(0xFFFD)
            }
            Some('b') => 0x08,
            Some('f') => 0x0C,
            Some('n') => 0x0A,
            Some('r') => 0x0D,
            Some('t') => 0x09,
            Some(other) => other as u16,
            None => break,
        };
        units.push(unit);
    }
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn node_range(node: &ast::Value) -> jsonc_parser::common::Range {
    match node {
        ast::Value::StringLit(v) => v.range,
        ast::Value::NumberLit(v) => v.range,
        ast::Value::BooleanLit(v) => v.range,
        ast::Value::Object(v) => v.range,
        ast::Value::Array(v) => v.range,
        ast::Value::NullKeyword(v) => v.range,
    }
}

/// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, JSON's number grammar.
fn is_json_number(literal: &str) -> bool {
    fn digits(s: &str) -> (usize, &str) {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        (n, &s[n..])
    }
    let rest = literal.strip_prefix('-').unwrap_or(literal);
    let (n, rest) = digits(rest);
    if n == 0 || (n > 1 && literal.trim_start_matches('-').starts_with('0')) {
        return false;
    }
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => match digits(fraction) {
            (0, _) => return false,
            (_, rest) => rest,
        },
        None => rest,
    };
    match rest.strip_prefix(['e', 'E']) {
        Some(exponent) => {
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            matches!(digits(exponent), (1.., ""))
        }
        None => rest.is_empty(),
    }
}

/// A JSON number literal's value: an integer when it fits, else a float.
pub(crate) fn parse_number(literal: &str) -> Option<Value> {
    if let Ok(n) = literal.parse::<u64>() {
        return Some(Value::Number(n.into()));
    }
    if let Ok(n) = literal.parse::<i64>() {
        return Some(Value::Number(n.into()));
    }
    literal
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogate_escapes_are_read_as_aws_reads_them() {
        let text = r#"{"pair": "\ud83d\ude00", "lone": "a\ud800b", "\udc00": 1}"#;
        let mut sink = Sink::default();
        let (value, spans) = parse(text, &mut sink);
        assert!(sink.items.is_empty(), "{:?}", sink.items);
        let value = value.unwrap();
        assert_eq!(value["pair"], "😀");
        assert_eq!(value["lone"], "a\u{fffd}b");
        assert_eq!(value["\u{fffd}"], 1);
        let span = spans.value_span("/pair");
        assert_eq!(&text[span.start..span.end], r#""\ud83d\ude00""#);
    }

    #[test]
    fn spans_point_at_values_and_keys() {
        let text = r#"{"a": {"b/c": [1, true]}}"#;
        let mut sink = Sink::default();
        let (value, table) = parse(text, &mut sink);
        assert!(sink.items.is_empty());
        assert_eq!(value.unwrap()["a"]["b/c"][1], Value::Bool(true));
        let span = table.value_span("/a/b~1c/1");
        assert_eq!(&text[span.start..span.end], "true");
        let key = table.key_span("/a/b~1c");
        assert_eq!(&text[key.start..key.end], "\"b/c\"");
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_are_reported() {
        let mut sink = Sink::default();
        parse(r#"{"a": 1, "a": 2}"#, &mut sink);
        assert_eq!(sink.items[0].code, "ASL002");
        let mut sink = Sink::default();
        let (value, _) = parse("{\"a\": 1,}", &mut sink);
        assert!(value.is_none());
        assert_eq!(sink.items[0].code, "ASL001");
    }

    #[test]
    fn javascript_leniencies_are_not_json() {
        for text in [
            r#"{"a": 'b'}"#,
            r#"{'a': 1}"#,
            r#"{"a": 0x10}"#,
            r#"{"a": .5}"#,
            r#"{"a": 01}"#,
            r#"{"a": +1}"#,
        ] {
            let mut sink = Sink::default();
            parse(text, &mut sink);
            assert_eq!(sink.items.first().map(|d| d.code), Some("ASL001"), "{text}");
        }
        for number in ["0", "-0", "10", "1.5", "-2e10", "3E-2", "1.0e+3"] {
            assert!(is_json_number(number), "{number}");
        }
    }
}
