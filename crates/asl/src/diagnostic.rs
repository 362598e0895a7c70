//! The one diagnostic type shared by the validator, the CLI and the playground.

use serde::{Deserialize, Serialize};

use crate::source::{LineIndex, Position, Span};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// AWS would reject the definition.
    Error,
    /// AWS accepts it, but it is likely a mistake or an anti-pattern.
    Warning,
    /// A remark.
    Info,
}

/// A finding about a definition, positioned in its source text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `ASL101` or `LINT003`.
    pub code: &'static str,
    /// Error, warning or info.
    pub severity: Severity,
    /// One-line message.
    pub message: String,
    /// JSON pointer of the value the diagnostic is about.
    pub pointer: String,
    /// Byte span in the source text.
    pub span: Span,
    /// Line:column of the span's start.
    pub start: Position,
    /// Line:column of the span's end.
    pub end: Position,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// A diagnostic as read back (from a worker's message, say): its code becomes the table's
/// own static string.
#[derive(Deserialize)]
struct Read {
    code: String,
    severity: Severity,
    message: String,
    pointer: String,
    span: Span,
    start: Position,
    end: Position,
    hint: Option<String>,
}

impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let read = Read::deserialize(deserializer)?;
        let code = crate::codes::lookup(&read.code)
            .ok_or_else(|| {
                serde::de::Error::custom(format!("unknown diagnostic code {}", read.code))
            })?
            .code;
        Ok(Diagnostic {
            code,
            severity: read.severity,
            message: read.message,
            pointer: read.pointer,
            span: read.span,
            start: read.start,
            end: read.end,
            hint: read.hint,
        })
    }
}

impl Diagnostic {
    /// True for errors (AWS would reject the definition).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub(crate) fn locate(&mut self, text: &str, index: &LineIndex) {
        self.start = index.position(text, self.span.start);
        self.end = index.position(text, self.span.end);
    }
}

/// Collects diagnostics while a definition is checked; spans are resolved from pointers later.
#[derive(Debug, Default)]
pub struct Sink {
    pub(crate) items: Vec<Diagnostic>,
}

impl Sink {
    /// Report a diagnostic at `pointer`.
    pub fn report(
        &mut self,
        code: &'static str,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        debug_assert!(
            crate::codes::lookup(code).is_some_and(|c| c.severity == severity),
            "{code} is reported as {severity:?}, unlike the table in codes.rs"
        );
        self.items.push(Diagnostic {
            code,
            severity,
            message: message.into(),
            pointer: pointer.into(),
            span: Span::default(),
            start: Position::default(),
            end: Position::default(),
            hint: None,
        });
        self.items.last_mut().expect("just pushed")
    }

    /// Report an error at `pointer`.
    pub fn error(
        &mut self,
        code: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.report(code, Severity::Error, pointer, message)
    }

    /// Report a warning at `pointer`.
    pub fn warning(
        &mut self,
        code: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.report(code, Severity::Warning, pointer, message)
    }
}

impl Sink {
    /// Position every diagnostic in `text` (from its pointer, unless it already has a span),
    /// sorted errors first, then by position.
    pub fn finish(self, text: &str, spans: &crate::json::SpanTable) -> Vec<Diagnostic> {
        let index = LineIndex::new(text);
        let mut diagnostics = self.items;
        for d in &mut diagnostics {
            if d.span == Span::default() {
                d.span = position_of(&d.pointer, d.code, spans, text);
            }
            d.locate(text, &index);
        }
        diagnostics.sort_by_key(|d| (d.severity, d.span.start));
        diagnostics
    }

    /// True when an error has been reported.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
}

/// Where a diagnostic about the value at `pointer` is shown: the member's key for misplaced
/// fields and for whole objects and arrays (a frame around a whole state is noise), else the value.
fn position_of(pointer: &str, code: &str, spans: &crate::json::SpanTable, text: &str) -> Span {
    // A scope that cannot end is shown at its "States" key, not as the whole scope.
    if code == "ASL026" {
        return spans.key_span(&format!("{pointer}/States"));
    }
    let value = spans.value_span(pointer);
    let is_container = text
        .as_bytes()
        .get(value.start)
        .is_some_and(|b| matches!(b, b'{' | b'['));
    if is_container || matches!(code, "ASL012" | "ASL013" | "ASL025") {
        spans.key_span(pointer)
    } else {
        value
    }
}

impl Diagnostic {
    /// Attach a hint.
    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }
}
