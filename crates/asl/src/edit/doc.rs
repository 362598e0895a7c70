//! The definition text parsed for editing: its value, where each value sits, and the
//! replacements that make an edit.

use serde_json::{json, Map, Value};

use crate::diagnostic::Sink;
use crate::json::{self, child_pointer, SpanTable};
use crate::source::Span;

/// The parsed text and where each value sits.
pub(super) struct Doc<'t> {
    pub(super) text: &'t str,
    pub(super) value: Value,
    pub(super) spans: SpanTable,
}

/// Replacements of spans of the text, applied from its end so earlier spans hold.
#[derive(Default)]
pub(super) struct Edits(Vec<(Span, String)>);

impl Edits {
    pub(super) fn replace(&mut self, span: Span, with: impl Into<String>) {
        self.0.push((span, with.into()));
    }

    pub(super) fn apply(mut self, text: &str) -> String {
        self.0
            .sort_by_key(|(span, _)| std::cmp::Reverse((span.start, span.end)));
        let mut out = text.to_owned();
        for (span, with) in self.0 {
            out.replace_range(span.start..span.end, &with);
        }
        out
    }
}

impl<'t> Doc<'t> {
    pub(super) fn parse(text: &'t str) -> Result<Self, String> {
        if crate::yaml::looks_like_yaml(text) {
            return Err("Graph edits work on JSON text; this definition is YAML.".into());
        }
        let mut sink = Sink::default();
        let (value, spans) = json::parse(text, &mut sink);
        match value {
            Some(value) if value.is_object() => Ok(Doc { text, value, spans }),
            _ => {
                Err("The definition is not a JSON object: fix it before editing the graph.".into())
            }
        }
    }

    /// The pointer of the state called `name`, in whichever scope it is.
    pub(super) fn state(&self, name: &str) -> Result<String, String> {
        state_pointer(&self.value, name).ok_or_else(|| format!("There is no state \"{name}\"."))
    }

    pub(super) fn at(&self, pointer: &str) -> Option<&Value> {
        self.value.pointer(pointer)
    }

    /// The indentation of the members of the object at `pointer`, when the text breaks
    /// lines there (None when it is written on one line).
    pub(super) fn member_indent(&self, pointer: &str) -> Option<String> {
        let open = self.spans.value_span(pointer).start;
        let after = &self.text[open + 1..];
        let gap = &after[..after.len() - after.trim_start().len()];
        gap.rfind('\n').map(|i| gap[i + 1..].to_owned())
    }

    /// The span from a member's key to its value's end.
    pub(super) fn member_span(&self, pointer: &str) -> Span {
        let key = self.spans.key_span(pointer);
        let value = self.spans.value_span(pointer);
        Span::new(key.start, value.end)
    }

    /// Text for `value` as a member value written at `indent`.
    pub(super) fn written(&self, value: &Value, indent: Option<&str>) -> String {
        match indent {
            Some(indent) => serde_json::to_string_pretty(value)
                .unwrap_or_default()
                .replace('\n', &format!("\n{indent}")),
            None => value.to_string(),
        }
    }

    /// The member `key: value`, its value written at `indent`.
    pub(super) fn member_text(&self, key: &str, value: &Value, indent: Option<&str>) -> String {
        format!("{}: {}", json!(key), self.written(value, indent))
    }

    /// Add the member `key: value` at the end of the object at `pointer`.
    pub(super) fn append_member(&self, edits: &mut Edits, pointer: &str, key: &str, value: &Value) {
        let object = self.at(pointer).and_then(Value::as_object);
        let span = self.spans.value_span(pointer);
        let close = span.end - 1;
        match object.map_or(0, Map::len) {
            0 => {
                // An empty object in multi-line text gets lines of its own.
                let line = &self.text[self.text[..span.start].rfind('\n').map_or(0, |i| i + 1)..];
                let outer: String = line.chars().take_while(|c| *c == ' ').collect();
                let multi_line = pointer
                    .rfind('/')
                    .is_some_and(|i| self.member_indent(&pointer[..i]).is_some());
                if multi_line {
                    let inner = format!("{outer}  ");
                    let entry = self.member_text(key, value, Some(&inner));
                    edits.replace(
                        Span::new(span.start + 1, close),
                        format!("\n{inner}{entry}\n{outer}"),
                    );
                } else {
                    edits.replace(Span::new(close, close), self.member_text(key, value, None));
                }
            }
            _ => {
                let last = object
                    .and_then(|o| o.keys().next_back())
                    .cloned()
                    .unwrap_or_default();
                self.insert_member_after(edits, &child_pointer(pointer, &last), key, value);
            }
        }
    }

    /// Add the member `key: value` right after the member at `after` (a pointer).
    pub(super) fn insert_member_after(
        &self,
        edits: &mut Edits,
        after: &str,
        key: &str,
        value: &Value,
    ) {
        let indent = self.member_indent(parent_of(after));
        let end = self.spans.value_span(after).end;
        let entry = self.member_text(key, value, indent.as_deref());
        let separator = separator(indent.as_deref());
        edits.replace(Span::new(end, end), format!("{separator}{entry}"));
    }

    /// Add the member `key: value` right before the member at `before` (a pointer).
    pub(super) fn insert_member_before(
        &self,
        edits: &mut Edits,
        before: &str,
        key: &str,
        value: &Value,
    ) {
        let indent = self.member_indent(parent_of(before));
        let start = self.spans.key_span(before).start;
        let entry = self.member_text(key, value, indent.as_deref());
        let separator = separator(indent.as_deref());
        edits.replace(Span::new(start, start), format!("{entry}{separator}"));
    }

    /// Remove the member at `pointer`, with its comma (and its line, when it has one).
    pub(super) fn remove_member(&self, edits: &mut Edits, pointer: &str) {
        let span = self.member_span(pointer);
        let text = self.text;
        let after = &text[span.end..];
        let spaces = after.len() - after.trim_start().len();
        if after[spaces..].starts_with(',') {
            let comma_end = span.end + spaces + 1;
            let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let alone = text[line_start..span.start].trim().is_empty();
            let rest = &text[comma_end..];
            let line_end = rest.find('\n').filter(|&i| rest[..i].trim().is_empty());
            match (alone, line_end) {
                (true, Some(i)) => edits.replace(Span::new(line_start, comma_end + i + 1), ""),
                _ => {
                    let blank = rest.len() - rest.trim_start_matches(' ').len();
                    edits.replace(Span::new(span.start, comma_end + blank), "");
                }
            }
        } else {
            // The last member: the comma before it goes with it.
            let kept = text[..span.start].trim_end();
            let start = if kept.ends_with(',') {
                kept.len() - 1
            } else {
                kept.len()
            };
            edits.replace(Span::new(start, span.end), "");
        }
    }

    /// Set (or add) the string member `key` of the object at `pointer`.
    pub(super) fn set_member(&self, edits: &mut Edits, pointer: &str, key: &str, value: &Value) {
        let member = child_pointer(pointer, key);
        if self.at(&member).is_some() {
            let indent = self.member_indent(pointer);
            edits.replace(
                self.spans.value_span(&member),
                self.written(value, indent.as_deref()),
            );
        } else {
            self.append_member(edits, pointer, key, value);
        }
    }

    /// Every place that names `target` as a transition: (pointer of the string value).
    pub(super) fn references(&self, target: &str) -> Vec<String> {
        let mut out = Vec::new();
        collect_references(&self.value, "", target, &mut out);
        out
    }
}

/// The JSON pointer of the state called `name` in a parsed definition, in whichever scope
/// (Parallel branch, Map processor) it is.
pub fn state_pointer(definition: &Value, name: &str) -> Option<String> {
    state_in(definition, "", name)
}

fn state_in(scope: &Value, at: &str, name: &str) -> Option<String> {
    let states = scope.get("States")?.as_object()?;
    let here = child_pointer(&format!("{at}/States"), name);
    if states.contains_key(name) {
        return Some(here);
    }
    for (key, state) in states {
        let base = child_pointer(&format!("{at}/States"), key);
        if let Some(branches) = state.get("Branches").and_then(Value::as_array) {
            for (i, branch) in branches.iter().enumerate() {
                if let Some(found) = state_in(branch, &format!("{base}/Branches/{i}"), name) {
                    return Some(found);
                }
            }
        }
        for processor in ["ItemProcessor", "Iterator"] {
            if let Some(inner) = state.get(processor) {
                if let Some(found) = state_in(inner, &format!("{base}/{processor}"), name) {
                    return Some(found);
                }
            }
        }
    }
    None
}

pub(super) fn collect_references(value: &Value, at: &str, target: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let here = child_pointer(at, key);
                let transition = matches!(key.as_str(), "StartAt" | "Next" | "Default");
                if transition && member.as_str() == Some(target) {
                    out.push(here);
                } else if key != "Result" && key != "Parameters" && key != "Arguments" {
                    collect_references(member, &here, target, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_references(item, &format!("{at}/{i}"), target, out);
            }
        }
        _ => {}
    }
}

/// Where the state at `pointer` goes next: its Next, or None for End (and for states whose
/// successors are several, like a Choice).
pub(super) fn single_successor(state: &Value) -> Option<String> {
    state.get("Next").and_then(Value::as_str).map(str::to_owned)
}

/// A name for a new state that the machine does not use yet.
pub(super) fn fresh_name(doc: &Doc, wanted: &str) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                wanted.to_owned()
            } else {
                format!("{wanted} {n}")
            }
        })
        .find(|name| doc.state(name).is_err())
        .unwrap_or_else(|| wanted.to_owned())
}

/// The pointer of the scope (machine, branch or processor) a state's pointer is in.
pub(super) fn scope_of(state: &str) -> &str {
    state.rsplitn(3, '/').nth(2).unwrap_or("")
}

/// A state's own transitions (not those of the scopes inside it): the pointer of each,
/// relative to the state, and the state it names.
pub(super) fn transitions(state: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for key in ["Next", "Default"] {
        if let Some(to) = state.get(key).and_then(Value::as_str) {
            out.push((format!("/{key}"), to.to_owned()));
        }
    }
    for list in ["Choices", "Catch"] {
        for (i, item) in state
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(to) = item.get("Next").and_then(Value::as_str) {
                out.push((format!("/{list}/{i}/Next"), to.to_owned()));
            }
        }
    }
    out
}

/// What goes between the members (or items) of an object (or array) whose members are
/// written at `indent`: a line break, or a space when the text keeps them on one line.
pub(super) fn separator(indent: Option<&str>) -> String {
    match indent {
        Some(indent) => format!(",\n{indent}"),
        None => ", ".to_owned(),
    }
}

/// The pointer of the object or array holding the value at `pointer`.
pub(super) fn parent_of(pointer: &str) -> &str {
    &pointer[..pointer.rfind('/').unwrap_or(0)]
}
