//! Definitions written in YAML (the AWS console and SAM's inline `Definition` accept them),
//! parsed into the same value and span table as JSON, so every later stage works unchanged
//! and every diagnostic points into the YAML text. CloudFormation's short-form tags become
//! their long form: `!Ref X` is `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`,
//! `!Sub ...` is `{"Fn::Sub": ...}`, and so on.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan, Tag};
use serde_json::{Map, Value};

use crate::diagnostic::Sink;
use crate::json::{child_pointer, NodeSpan, SpanTable};
use crate::source::Span;

/// The most values a YAML text may expand to: aliases repeat what they name, so a few lines
/// could otherwise stand for billions of values.
const MAX_VALUES: usize = 1_000_000;

/// Is `text` YAML rather than JSON? JSON definitions start with `{` (or `[`); anything else
/// that is not blank is read as YAML.
pub fn looks_like_yaml(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        match rest.strip_prefix('#') {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, after)| after),
            None => break,
        }
    }
    !rest.is_empty() && !rest.starts_with(['{', '['])
}

/// Parse `text` as YAML into a JSON value and the span of every node. Syntax errors,
/// duplicate keys and values JSON cannot hold go to `sink` (codes `ASL001`/`ASL002`).
pub fn parse(text: &str, sink: &mut Sink) -> (Option<Value>, SpanTable) {
    let mut builder = Builder {
        offsets: CharOffsets::new(text),
        table: SpanTable::default(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        values: 0,
        root: None,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(error) => {
                let at = builder.offsets.byte(error.marker().index());
                let message = format!("Invalid YAML: {}", error.info());
                sink.error("ASL001", "", message).span = Span::new(at, (at + 1).min(text.len()));
                return (None, builder.table);
            }
        };
        if let Err((message, at)) = builder.event(event, span, sink) {
            sink.error("ASL003", "", message).span = at;
            return (None, builder.table);
        }
        if builder.root.is_some() && builder.stack.is_empty() {
            // Only the first document is the definition.
            break;
        }
    }
    (builder.root.take(), builder.table)
}

/// Byte offsets of the parser's character indexes.
struct CharOffsets {
    /// The byte offset of each character (empty when the text is ASCII: they are equal).
    bytes: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).collect()
        };
        CharOffsets {
            bytes,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).copied().unwrap_or(self.len)
        }
    }

    fn span(&self, span: YamlSpan) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

/// A collection being read.
struct Frame {
    pointer: String,
    start: usize,
    /// The long-form key its tag wraps it in (`Fn::Join`), and the pointer of that wrapper.
    wrapper: Option<(String, String)>,
    anchor: usize,
    /// Sequence items, or mapping members with the key waiting for its value.
    content: Content,
}

enum Content {
    Sequence(Vec<Value>),
    Mapping(Map<String, Value>, Option<(String, Span)>),
}

struct Builder {
    offsets: CharOffsets,
    table: SpanTable,
    stack: Vec<Frame>,
    /// Each anchored value, and how many values it holds.
    anchors: HashMap<usize, (Value, usize)>,
    /// Values made so far, aliases counted in full.
    values: usize,
    root: Option<Value>,
}

impl Builder {
    fn event(
        &mut self,
        event: Event,
        span: YamlSpan,
        sink: &mut Sink,
    ) -> Result<(), (String, Span)> {
        let at = self.offsets.span(span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let pointer = self.next_pointer();
                let value = scalar(&text, style, tag.as_deref());
                let value = self.wrap(value, tag.as_deref(), &pointer, at);
                self.remember(anchor, &value);
                self.complete(value, pointer, at, sink);
            }
            Event::Alias(anchor) => {
                let pointer = self.next_pointer();
                let (value, count) = self
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .unwrap_or((Value::Null, 1));
                self.values += count;
                if self.values > MAX_VALUES {
                    return Err((
                        format!("The definition expands to more than {MAX_VALUES} values"),
                        at,
                    ));
                }
                self.complete(value, pointer, at, sink);
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if self.stack.len() >= crate::depth::MAX_JSON_DEPTH {
                    let message = format!(
                        "The definition is nested more than {} levels deep",
                        crate::depth::MAX_JSON_DEPTH
                    );
                    return Err((message, at));
                }
                let base = self.next_pointer();
                let wrapper = tag.as_deref().and_then(long_form).map(|key| {
                    let inner = child_pointer(&base, &key);
                    (key, inner)
                });
                let (pointer, wrapper) = match wrapper {
                    Some((key, inner)) => (inner, Some((key, base))),
                    None => (base, None),
                };
                let content = if matches!(event, Event::SequenceStart(..)) {
                    Content::Sequence(Vec::new())
                } else {
                    Content::Mapping(Map::new(), None)
                };
                self.stack.push(Frame {
                    pointer,
                    start: at.start,
                    wrapper,
                    anchor,
                    content,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let value = match frame.content {
                    Content::Sequence(items) => Value::Array(items),
                    Content::Mapping(map, _) => Value::Object(map),
                };
                let whole = Span::new(frame.start, at.end.max(frame.start));
                let (value, pointer) = match frame.wrapper {
                    Some((key, base)) => {
                        self.record(&frame.pointer, whole, None);
                        (Value::Object(Map::from_iter([(key, value)])), base)
                    }
                    None => (value, frame.pointer),
                };
                self.remember(frame.anchor, &value);
                self.complete(value, pointer, whole, sink);
            }
            _ => {}
        }
        Ok(())
    }

    /// The pointer of the next value the innermost collection receives.
    fn next_pointer(&self) -> String {
        match self.stack.last() {
            None => String::new(),
            Some(Frame {
                pointer,
                content: Content::Sequence(items),
                ..
            }) => child_pointer(pointer, &items.len().to_string()),
            Some(Frame {
                pointer,
                content: Content::Mapping(_, Some((key, _))),
                ..
            }) => child_pointer(pointer, key),
            // A key: it has no pointer of its own.
            Some(Frame { pointer, .. }) => pointer.clone(),
        }
    }

    /// A scalar's tag in long form: `!Ref X` -> {"Ref": X}, and its inner span recorded.
    fn wrap(&mut self, value: Value, tag: Option<&Tag>, pointer: &str, at: Span) -> Value {
        match tag.and_then(long_form) {
            Some(key) => {
                self.record(&child_pointer(pointer, &key), at, None);
                let value = if key == "Fn::GetAtt" {
                    split_get_att(value)
                } else {
                    value
                };
                Value::Object(Map::from_iter([(key, value)]))
            }
            None => value,
        }
    }

    fn remember(&mut self, anchor: usize, value: &Value) {
        self.values += 1;
        if anchor > 0 {
            self.anchors.insert(anchor, (value.clone(), count(value)));
        }
    }

    fn record(&mut self, pointer: &str, value: Span, key: Option<Span>) {
        self.table
            .insert(pointer.to_owned(), NodeSpan { value, key });
    }

    /// A finished value goes to its collection (as a key, an item or a member's value).
    fn complete(&mut self, value: Value, pointer: String, at: Span, sink: &mut Sink) {
        let Some(frame) = self.stack.last_mut() else {
            self.record("", at, None);
            self.root = Some(value);
            return;
        };
        match &mut frame.content {
            Content::Sequence(items) => {
                items.push(value);
                self.table.insert(
                    pointer,
                    NodeSpan {
                        value: at,
                        key: None,
                    },
                );
            }
            Content::Mapping(_, pending @ None) => {
                let key = match value {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                *pending = Some((key, at));
            }
            Content::Mapping(map, pending @ Some(_)) => {
                let (key, key_span) = pending.take().unwrap_or_default();
                if map.contains_key(&key) {
                    sink.error(
                        "ASL002",
                        pointer.clone(),
                        format!("Duplicate key \"{key}\""),
                    )
                    .span = key_span;
                }
                map.insert(key, value);
                self.table.insert(
                    pointer,
                    NodeSpan {
                        value: at,
                        key: Some(key_span),
                    },
                );
            }
        }
    }
}

/// How many values `value` holds, itself included.
fn count(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(count).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(count).sum::<usize>(),
        _ => 1,
    }
}

/// The long-form key of a CloudFormation short-form tag (`!Sub` -> `Fn::Sub`).
fn long_form(tag: &Tag) -> Option<String> {
    if tag.handle != "!" || tag.suffix.is_empty() {
        return None;
    }
    Some(match tag.suffix.as_str() {
        "Ref" | "Condition" => tag.suffix.clone(),
        other => format!("Fn::{other}"),
    })
}

/// `!GetAtt Resource.Attribute` names both in one string; the long form lists them.
fn split_get_att(value: Value) -> Value {
    match value {
        Value::String(s) => match s.split_once('.') {
            Some((resource, attribute)) => Value::Array(vec![resource.into(), attribute.into()]),
            None => Value::String(s),
        },
        other => other,
    }
}

/// A scalar's value under the YAML 1.2 core schema: plain scalars may be null, booleans or
/// numbers; quoted and block scalars are strings; `!!str` and friends say which.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let core = tag.filter(|t| t.handle == "tag:yaml.org,2002:" || t.handle == "!!");
    match core.map(|t| t.suffix.as_str()) {
        Some("str") => return Value::String(text.to_owned()),
        Some("null") => return Value::Null,
        Some("bool" | "int" | "float") => {}
        _ if style != ScalarStyle::Plain => return Value::String(text.to_owned()),
        _ => {}
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    number(text).unwrap_or_else(|| Value::String(text.to_owned()))
}

fn number(text: &str) -> Option<Value> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let negative = text.starts_with('-');
    let radix = |digits: &str, radix| {
        i64::from_str_radix(digits, radix)
            .ok()
            .map(|n| Value::from(if negative { -n } else { n }))
    };
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return radix(hex, 16);
    }
    if let Some(octal) = unsigned.strip_prefix("0o") {
        return radix(octal, 8);
    }
    let numeric = !unsigned.is_empty()
        && unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && unsigned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !numeric {
        return None;
    }
    crate::json::parse_number(text.strip_prefix('+').unwrap_or(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> (Value, SpanTable) {
        let mut sink = Sink::default();
        let (value, table) = parse(text, &mut sink);
        assert!(sink.items.is_empty(), "{:?}", sink.items);
        (value.expect("a value"), table)
    }

    #[test]
    fn yaml_reads_as_the_json_it_means() {
        let (value, _) = read("Comment: A machine\nStartAt: First # the start\nStates:\n  First:\n    Type: Wait\n    Seconds: 10\n    Next: Last\n  Last: {Type: Pass, Result: [1, 2.5, true, null, '3', 0x1F], End: yes}\n");
        assert_eq!(
            value,
            json!({"Comment": "A machine", "StartAt": "First", "States": {
                "First": {"Type": "Wait", "Seconds": 10, "Next": "Last"},
                "Last": {"Type": "Pass", "Result": [1, 2.5, true, null, "3", 31], "End": "yes"}}})
        );
    }

    #[test]
    fn cloudformation_tags_take_their_long_form() {
        let text = "A: !Ref Name\nB: !GetAtt Fn.Arn\nC: !Sub 'arn:${AWS::Region}'\nD: !Join ['', [a, !Ref B]]\n";
        let (value, table) = read(text);
        assert_eq!(
            value,
            json!({"A": {"Ref": "Name"}, "B": {"Fn::GetAtt": ["Fn", "Arn"]}, "C": {"Fn::Sub": "arn:${AWS::Region}"},
                   "D": {"Fn::Join": ["", ["a", {"Ref": "B"}]]}})
        );
        let span = table.value_span("/D/Fn::Join/1/1/Ref");
        assert_eq!(&text[span.start..span.end], "!Ref B");
    }

    #[test]
    fn every_node_has_its_span_in_the_yaml_text() {
        let text = "StartAt: Ünïcode\nStates:\n  Ünïcode:\n    Type: Pass\n    End: true\n";
        let (_, table) = read(text);
        let span = table.value_span("/States/Ünïcode/Type");
        assert_eq!(&text[span.start..span.end], "Pass");
        let key = table.key_span("/States/Ünïcode");
        assert_eq!(&text[key.start..key.end], "Ünïcode");
    }

    #[test]
    fn broken_yaml_and_duplicate_keys_are_positioned() {
        let mut sink = Sink::default();
        let (value, _) = parse("StartAt: A\nStates: [unclosed\n", &mut sink);
        assert!(value.is_none());
        assert_eq!(sink.items[0].code, "ASL001");
        assert!(
            sink.items[0].message.starts_with("Invalid YAML"),
            "{}",
            sink.items[0].message
        );
        let mut sink = Sink::default();
        parse("A: 1\nA: 2\n", &mut sink);
        assert_eq!(
            (sink.items[0].code, sink.items[0].span),
            ("ASL002", Span::new(5, 6))
        );
    }

    #[test]
    fn only_text_that_does_not_start_like_json_is_yaml() {
        assert!(looks_like_yaml("# comment\nStartAt: A"));
        assert!(!looks_like_yaml("  {\"StartAt\": \"A\"}"));
        assert!(!looks_like_yaml("   \n"));
    }

    #[test]
    fn a_yaml_definition_loads_and_its_diagnostics_point_into_the_yaml() {
        let text =
            "StartAt: Wait\nStates:\n  Wait:\n    Type: Wait\n    Seconds: 5\n    Next: Missing\n";
        let loaded = crate::load(text, &crate::LoadOptions::default());
        let error = loaded
            .errors()
            .find(|d| d.message.starts_with("Missing 'Next'"))
            .expect("a dangling Next");
        assert_eq!(error.message, "Missing 'Next' target: Missing");
        assert_eq!((error.start.line, error.start.column), (6, 11));
        let fixed = text.replace("Next: Missing", "End: true");
        let machine = crate::load(&fixed, &crate::LoadOptions::default())
            .machine
            .expect("valid YAML");
        assert_eq!(machine.states.states[0].name, "Wait");
        // Not a mapping: the JSON diagnostics AWS gives.
        let plain = crate::load("not a definition", &crate::LoadOptions::default());
        assert_eq!(plain.errors().next().map(|d| d.code), Some("ASL001"));
    }

    #[test]
    fn aliases_cannot_blow_up_into_billions_of_values() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let mut sink = Sink::default();
        let (value, _) = parse(&text, &mut sink);
        assert!(value.is_none());
        assert!(
            sink.items[0].message.contains("more than 1000000 values"),
            "{:?}",
            sink.items
        );
    }
}
