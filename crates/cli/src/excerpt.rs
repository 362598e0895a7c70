//! What a code frame shows of a text with very long lines: the lines around a span, each
//! cut to one window of columns. A minified or generated definition can be a single line of
//! a megabyte; shown whole, every frame would repeat it, and miette cannot pad to a column
//! past 65,535 at all.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Lines up to this many characters are shown whole.
pub const MAX_COLUMNS: usize = 160;

/// How many characters of the line a window shows before the span's start.
const COLUMNS_BEFORE: usize = 40;

/// The lines around a span, cut to a window of columns, named and numbered as in the
/// whole text.
pub struct Excerpt {
    name: String,
    text: String,
    /// The span, within `text`.
    pub span: Range<usize>,
    /// The 0-based line of the whole text that `text` starts at.
    first_line: usize,
    /// The 0-based column of the whole text that the window starts at.
    first_column: usize,
}

impl Excerpt {
    /// The excerpt of `text` around `span`, or `None` when its lines are short enough to
    /// show whole.
    pub fn around(name: &str, text: &str, span: Range<usize>) -> Option<Excerpt> {
        let start = floor_char_boundary(text, span.start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let previous = (line_start > 0).then(|| {
            let end = line_start - 1;
            &text[text[..end].rfind('\n').map_or(0, |i| i + 1)..end]
        });
        let next = (line_end < text.len()).then(|| {
            let rest = &text[line_end + 1..];
            &rest[..rest.find('\n').unwrap_or(rest.len())]
        });
        let line = &text[line_start..line_end];
        let long = |l: &str| l.len() > MAX_COLUMNS && l.chars().count() > MAX_COLUMNS;
        if !long(line) && !previous.is_some_and(long) && !next.is_some_and(long) {
            return None;
        }
        let column = text[line_start..start].chars().count();
        let first_column = column.saturating_sub(COLUMNS_BEFORE);
        let window =
            |l: &str| -> String { l.chars().skip(first_column).take(MAX_COLUMNS).collect() };
        let mut excerpt = String::new();
        if let Some(previous) = previous {
            excerpt.push_str(&window(previous));
            excerpt.push('\n');
        }
        let line_offset = excerpt.len();
        let shown = window(line);
        excerpt.push_str(&shown);
        if let Some(next) = next {
            excerpt.push('\n');
            excerpt.push_str(&window(next));
        }
        // The span as far as it lies on its first line and in the window.
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let skipped = column - first_column;
        let from = byte_of_char(&shown, skipped);
        let to = byte_of_char(&shown, skipped + text[start..end].chars().count());
        let first_line = text[..line_start].matches('\n').count() - usize::from(previous.is_some());
        Some(Excerpt {
            name: name.to_owned(),
            text: excerpt,
            span: line_offset + from..line_offset + to,
            first_line,
            first_column,
        })
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // A read without context gives the position the frame's heading shows.
        let column = if context_lines_before == 0 && context_lines_after == 0 {
            inner.column() + self.first_column
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// The byte offset of the `n`th character of `text` (its length past the end).
fn byte_of_char(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

/// The largest character boundary of `text` at or before `index`.
fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_shown_whole() {
        assert!(Excerpt::around("f", "{\n  \"a\": 1\n}", 4..7).is_none());
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_span() {
        let text = format!("{{\"a\": [{}\"x\"]}}", "1, ".repeat(100_000));
        let start = text.find("\"x\"").unwrap();
        let excerpt = Excerpt::around("f", &text, start..start + 3).unwrap();
        assert_eq!(
            excerpt.text.chars().count(),
            MAX_COLUMNS.min(text.len() - (start - 40))
        );
        assert_eq!(&excerpt.text[excerpt.span.clone()], "\"x\"");
        assert_eq!((excerpt.first_line, excerpt.first_column), (0, start - 40));
    }

    #[test]
    fn the_lines_around_keep_their_numbers() {
        let text = format!("{{\n\"a\": \"{}\",\n\"b\": 1\n}}", "y".repeat(1_000));
        let start = text.find("\"b\"").unwrap();
        let excerpt = Excerpt::around("f", &text, start..start + 3).unwrap();
        assert_eq!(excerpt.first_line, 1);
        assert_eq!(&excerpt.text[excerpt.span.clone()], "\"b\"");
    }
}
