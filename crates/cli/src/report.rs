//! Rendering diagnostics as code frames (miette) for people.

use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use stepwise_asl::{Diagnostic, Severity};

use crate::excerpt::Excerpt;

struct Frame<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a dyn SourceCode,
    /// The diagnostic's span in `source`.
    span: Range<usize>,
}

impl std::fmt::Debug for Frame<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::fmt::Display for Frame<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.diagnostic.code, self.diagnostic.message)
    }
}

impl std::error::Error for Frame<'_> {}

impl miette::Diagnostic for Frame<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.diagnostic
            .hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = &self.span;
        let label = format!(
            "{}:{}",
            self.diagnostic.start.line, self.diagnostic.start.column
        );
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label),
            span.start,
            span.end.saturating_sub(span.start),
        ))))
    }
}

/// A code frame for each diagnostic of `text` (named `name`).
pub fn code_frames(name: &str, text: &str, diagnostics: &[Diagnostic], color: bool) -> String {
    let source = NamedSource::new(name, text.to_owned());
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let span = diagnostic.span.start..diagnostic.span.end;
        let excerpt = Excerpt::around(name, text, span.clone());
        let frame = match &excerpt {
            Some(excerpt) => Frame {
                diagnostic,
                source: excerpt,
                span: excerpt.span.clone(),
            },
            None => Frame {
                diagnostic,
                source: &source,
                span,
            },
        };
        if handler.render_report(&mut out, &frame).is_err() {
            out.push_str(&format!(
                "{}:{}: {}\n",
                diagnostic.start.line, diagnostic.start.column, diagnostic.message
            ));
        }
    }
    out
}
