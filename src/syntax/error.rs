//! Errors found before a program runs: `SyntaxError`, `IndentationError`, `TabError`.
//!
//! The lexer, the parser and the compiler (for errors CPython also reports at compile time, such
//! as `'return' outside function`) all produce this one type, so the CLI reports them one way:
//! file, line, column and a caret under the offending text.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    SyntaxError,
    IndentationError,
    TabError,
}

impl SyntaxErrorKind {
    /// The exception class name CPython would raise.
    pub fn class_name(self) -> &'static str {
        match self {
            SyntaxErrorKind::SyntaxError => "SyntaxError",
            SyntaxErrorKind::IndentationError => "IndentationError",
            SyntaxErrorKind::TabError => "TabError",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub msg: String,
    /// Byte offset of the error in the source.
    pub offset: usize,
    /// Byte offset of the end of the offending text (== `offset` when it is a single point).
    pub end: usize,
}

impl SyntaxError {
    pub fn new(msg: impl Into<String>, offset: usize) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::SyntaxError,
            msg: msg.into(),
            offset,
            end: offset,
        }
    }

    pub fn indentation(msg: impl Into<String>, offset: usize) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::IndentationError,
            msg: msg.into(),
            offset,
            end: offset,
        }
    }

    pub fn with_end(mut self, end: usize) -> SyntaxError {
        self.end = end.max(self.offset);
        self
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.class_name(), self.msg)
    }
}

/// Maps byte offsets to 1-based line numbers and 1-based character columns.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// 1-based line number containing `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based column (in characters) of `offset` within its line.
    pub fn column(&self, source: &str, offset: usize) -> usize {
        let start = self.line_starts[self.line(offset) - 1];
        let end = offset.min(source.len());
        source.get(start..end).map_or(end - start, |s| s.chars().count()) + 1
    }

    /// The text of 1-based `line`, without its line terminator.
    pub fn line_text<'a>(&self, source: &'a str, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.line_starts.get(line).copied().unwrap_or(source.len());
        source.get(start..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }
}
