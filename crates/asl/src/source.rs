//! Source positions: byte spans in the definition text and their line:column form.

use serde::{Deserialize, Serialize};

/// A byte range `[start, end)` in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Maps byte offsets to line:column. Built once per text; lookups are a binary search.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Index the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// The line:column of byte `offset` in `text` (the text this index was built from).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line];
        let column = text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count())
            + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The byte offset of a 1-based line:column, clamped to the text.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line.clamp(1, self.line_starts.len()) - 1;
        let start = self.line_starts[line];
        let rest = &text[start..];
        rest.char_indices()
            .nth(position.column.saturating_sub(1))
            .map_or(text.len(), |(i, _)| start + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\ncδe\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
        // 'e' follows the two-byte 'δ': byte 6, character column 3.
        assert_eq!(index.position(text, 6), Position { line: 2, column: 3 });
        assert_eq!(index.offset(text, Position { line: 2, column: 3 }), 6);
    }
}
