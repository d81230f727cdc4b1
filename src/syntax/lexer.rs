//! Tokens: a logos scanner for raw tokens, and a layer on top of it that turns line structure
//! into NEWLINE / INDENT / DEDENT the way CPython's tokenizer does, tracks brackets, and decodes
//! names, numbers and string literals into grammar tokens.

use std::collections::VecDeque;

use logos::Logos;
use num_bigint::BigInt;

use super::error::{SyntaxError, SyntaxErrorKind};
use super::strings::{self, StrLit};

/// CPython's limit on bracket nesting (`MAXLEVEL` in its tokenizer).
const MAX_BRACKET_DEPTH: usize = 200;
/// CPython's limit on indentation levels (`MAXINDENT`).
const MAX_INDENT_LEVELS: usize = 100;
const TAB_SIZE: usize = 8;

/// What logos reports for text it cannot turn into a token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RawError {
    #[default]
    Unexpected,
    UnterminatedString,
    UnterminatedTripleString,
}

/// Raw tokens. Keywords, operators and brackets are complete as scanned; names, numbers and
/// strings are decoded by [`Lexer`].
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(error = RawError)]
#[logos(skip r"[ \t\x0C]+")]
#[logos(skip r"\\(\r\n|\r|\n)")]
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
pub enum RawTok {
    #[regex(r"\r\n|\r|\n")]
    Newline,
    #[regex(r"[\p{XID_Start}_]\p{XID_Continue}*")]
    Name,
    #[regex(r"[0-9](_?[0-9])*")]
    Decimal,
    #[regex(r"0[xX](_?[0-9a-fA-F])+")]
    Hex,
    #[regex(r"0[oO](_?[0-7])+")]
    Octal,
    #[regex(r"0[bB](_?[01])+")]
    Binary,
    #[regex(r"([0-9](_?[0-9])*)?\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?")]
    #[regex(r"[0-9](_?[0-9])*\.([eE][+-]?[0-9](_?[0-9])*)?")]
    #[regex(r"[0-9](_?[0-9])*[eE][+-]?[0-9](_?[0-9])*")]
    Float,
    #[regex(r"([0-9](_?[0-9])*)?\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?[jJ]")]
    #[regex(r"[0-9](_?[0-9])*\.([eE][+-]?[0-9](_?[0-9])*)?[jJ]")]
    #[regex(r"[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?[jJ]")]
    Imaginary,
    /// A string literal: prefix and opening quote; the callback finds the closing quote.
    #[regex(r#"([rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?["']"#, scan_string)]
    String,

    #[token("False")]
    False,
    #[token("None")]
    None,
    #[token("True")]
    True,
    #[token("and")]
    And,
    #[token("as")]
    As,
    #[token("assert")]
    Assert,
    #[token("async")]
    Async,
    #[token("await")]
    Await,
    #[token("break")]
    Break,
    #[token("class")]
    Class,
    #[token("continue")]
    Continue,
    #[token("def")]
    Def,
    #[token("del")]
    Del,
    #[token("elif")]
    Elif,
    #[token("else")]
    Else,
    #[token("except")]
    Except,
    #[token("finally")]
    Finally,
    #[token("for")]
    For,
    #[token("from")]
    From,
    #[token("global")]
    Global,
    #[token("if")]
    If,
    #[token("import")]
    Import,
    #[token("in")]
    In,
    #[token("is")]
    Is,
    #[token("lambda")]
    Lambda,
    #[token("nonlocal")]
    Nonlocal,
    #[token("not")]
    Not,
    #[token("or")]
    Or,
    #[token("pass")]
    Pass,
    #[token("raise")]
    Raise,
    #[token("return")]
    Return,
    #[token("try")]
    Try,
    #[token("while")]
    While,
    #[token("with")]
    With,
    #[token("yield")]
    Yield,

    #[token("(")]
    LPar,
    #[token(")")]
    RPar,
    #[token("[")]
    LSqb,
    #[token("]")]
    RSqb,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(";")]
    Semi,
    #[token(".")]
    Dot,
    #[token("...")]
    Ellipsis,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("//")]
    DoubleSlash,
    #[token("%")]
    Percent,
    #[token("**")]
    DoubleStar,
    #[token("@")]
    At,
    #[token("<<")]
    LShift,
    #[token(">>")]
    RShift,
    #[token("&")]
    Amper,
    #[token("|")]
    VBar,
    #[token("^")]
    Circumflex,
    #[token("~")]
    Tilde,
    #[token("<")]
    Less,
    #[token(">")]
    Greater,
    #[token("<=")]
    LessEqual,
    #[token(">=")]
    GreaterEqual,
    #[token("==")]
    EqEqual,
    #[token("!=")]
    NotEqual,
    #[token("=")]
    Equal,
    #[token("+=")]
    PlusEqual,
    #[token("-=")]
    MinusEqual,
    #[token("*=")]
    StarEqual,
    #[token("/=")]
    SlashEqual,
    #[token("//=")]
    DoubleSlashEqual,
    #[token("%=")]
    PercentEqual,
    #[token("**=")]
    DoubleStarEqual,
    #[token("@=")]
    AtEqual,
    #[token("<<=")]
    LShiftEqual,
    #[token(">>=")]
    RShiftEqual,
    #[token("&=")]
    AmperEqual,
    #[token("|=")]
    VBarEqual,
    #[token("^=")]
    CircumflexEqual,
    #[token("->")]
    Arrow,
    #[token(":=")]
    ColonEqual,
}

/// Finds the end of a string literal whose prefix and opening quote were just matched. Only
/// the extent is found here; [`strings::decode`] interprets the contents.
fn scan_string(lex: &mut logos::Lexer<RawTok>) -> Result<(), RawError> {
    let quote = lex.slice().as_bytes()[lex.slice().len() - 1];
    let rest = lex.remainder().as_bytes();
    let triple = rest.len() >= 2 && rest[0] == quote && rest[1] == quote;
    let mut i = if triple { 2 } else { 0 };
    while i < rest.len() {
        match rest[i] {
            // An escaped character never ends the literal, not even in raw strings.
            b'\\' => i += if rest[i + 1..].starts_with(b"\r\n") { 3 } else { 2 },
            b if b == quote => {
                if !triple {
                    lex.bump(i + 1);
                    return Ok(());
                }
                if rest[i..].starts_with(&[quote; 3]) {
                    lex.bump(i + 3);
                    return Ok(());
                }
                i += 1;
            }
            b'\n' | b'\r' if !triple => {
                lex.bump(i);
                return Err(RawError::UnterminatedString);
            }
            _ => i += 1,
        }
    }
    lex.bump(rest.len());
    Err(if triple {
        RawError::UnterminatedTripleString
    } else {
        RawError::UnterminatedString
    })
}

/// A token as the grammar sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// Keywords, operators and brackets.
    Fixed(RawTok),
    Name(String),
    Int(BigInt),
    Float(f64),
    Imag(f64),
    Str(StrLit),
    Newline,
    Indent,
    Dedent,
    /// Put in front of the stream to select the grammar's entry point.
    StartModule,
    StartExpr,
    /// The `(` of `with (a as b, c):`, told apart from a parenthesised expression by lookahead.
    WithLPar,
    /// A character no token starts with (`$`, `?`, `!`): the parser reports "invalid syntax".
    Invalid,
    /// The soft keywords `match` and `case` where they start a match statement or case clause;
    /// everywhere else they are names.
    Match,
    Case,
}

pub type Spanned = (usize, Tok, usize);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// A whole file: NEWLINE / INDENT / DEDENT are produced.
    Module,
    /// The expression of an f-string replacement field: lexed as if inside parentheses.
    Expr,
}

/// A token's kind, as far as the layer and error messages care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    /// Nothing yet on this logical line.
    LineStart,
    Name,
    Number,
    Str,
    Fixed(RawTok),
    Other,
}

impl TokKind {
    fn of(tok: &Tok) -> TokKind {
        match tok {
            Tok::Newline | Tok::Indent | Tok::Dedent => TokKind::LineStart,
            Tok::Name(_) => TokKind::Name,
            Tok::Int(_) | Tok::Float(_) | Tok::Imag(_) => TokKind::Number,
            Tok::Str(_) => TokKind::Str,
            Tok::Fixed(raw) => TokKind::Fixed(*raw),
            _ => TokKind::Other,
        }
    }

    /// Whether an expression can end with this token.
    pub fn ends_operand(self) -> bool {
        use RawTok::*;
        matches!(self, TokKind::Name | TokKind::Number | TokKind::Str)
            || matches!(
                self,
                TokKind::Fixed(RPar | RSqb | RBrace | True | False | None | Ellipsis)
            )
    }

    /// Whether this token can only start a new operand (not continue an expression).
    pub fn starts_operand(self) -> bool {
        use RawTok::*;
        matches!(self, TokKind::Name | TokKind::Number | TokKind::Str)
            || matches!(
                self,
                TokKind::Fixed(LBrace | Lambda | True | False | None | Ellipsis | Await)
            )
    }
}

/// The last token handed to the parser, with some context, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    pub start: usize,
    pub kind: TokKind,
    /// The kinds of the two tokens before it, nearest first.
    pub before: TokKind,
    pub before2: TokKind,
    /// The innermost bracket open before it.
    pub bracket: Option<char>,
}

/// The compound statement a logical line starts, remembered for "expected an indented block".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// CPython's wording, e.g. `'if' statement` or `function definition`.
    pub what: &'static str,
    pub offset: usize,
}

/// The indentation / bracket layer: an iterator of grammar tokens for lalrpop.
pub struct Lexer<'s> {
    /// The whole source text; every offset is into it.
    source: &'s str,
    /// Where the scanned region starts within `source`.
    base: usize,
    raw: logos::Lexer<'s, RawTok>,
    mode: Mode,
    pending: VecDeque<Result<Spanned, SyntaxError>>,
    /// Open indentation levels as (column with tabs to 8, column with tabs to 1); the second
    /// detects tab/space mixes whose meaning depends on the tab size (TabError).
    indents: Vec<(usize, usize)>,
    /// Open brackets and their offsets.
    brackets: Vec<(char, usize)>,
    /// No token yet on the current logical line.
    at_line_start: bool,
    /// Offset of the current physical line's start, for measuring indentation.
    line_start: usize,
    finished: bool,
    prev: TokKind,
    prev2: TokKind,
    /// The compound statement the current logical line starts, if any.
    pub line_head: Option<Header>,
    pub seen: Option<Seen>,
    /// An error was handed out; the stream has ended.
    pub failed: bool,
    /// The statement whose header ended with `:` and a newline most recently.
    pub block_header: Option<Header>,
    /// Indentation depth (INDENTs minus DEDENTs handed out) of the tokens handed out so far.
    depth: usize,
    /// The depths at which `case` clauses of the open match statements sit.
    case_depths: Vec<usize>,
}

impl<'s> Lexer<'s> {
    /// A lexer for a whole module starting at `start` (past a byte-order mark, if any).
    pub fn module(source: &'s str, start: usize) -> Lexer<'s> {
        Lexer::new(source, start, source.len(), Mode::Module)
    }

    /// A lexer for the expression `source[start..end]` of an f-string replacement field.
    pub fn expr(source: &'s str, start: usize, end: usize) -> Lexer<'s> {
        Lexer::new(source, start, end, Mode::Expr)
    }

    fn new(source: &'s str, start: usize, end: usize, mode: Mode) -> Lexer<'s> {
        Lexer {
            source,
            base: start,
            raw: RawTok::lexer(&source[start..end]),
            mode,
            pending: VecDeque::new(),
            indents: vec![(0, 0)],
            brackets: Vec::new(),
            at_line_start: mode == Mode::Module,
            line_start: start,
            finished: false,
            prev: TokKind::LineStart,
            prev2: TokKind::LineStart,
            line_head: None,
            seen: None,
            failed: false,
            block_header: None,
            depth: 0,
            case_depths: Vec::new(),
        }
    }

    /// 1-based line of `offset`; only needed for messages, so a linear count is fine.
    pub fn line_of(&self, offset: usize) -> usize {
        line_of(self.source, offset)
    }

    fn pop(&mut self) -> Option<Result<Spanned, SyntaxError>> {
        while self.pending.is_empty() && !self.finished {
            self.step();
        }
        self.pending.pop_front()
    }

    fn peek(&mut self, n: usize) -> Option<&Result<Spanned, SyntaxError>> {
        while self.pending.len() <= n && !self.finished {
            self.step();
        }
        self.pending.get(n)
    }

    /// Scans one raw token, queueing whatever it produces; an error ends the stream.
    fn step(&mut self) {
        if let Err(e) = self.scan() {
            self.pending.push_back(Err(e));
            self.finished = true;
        }
    }

    fn scan(&mut self) -> Result<(), SyntaxError> {
        let Some(raw) = self.raw.next() else {
            return self.end_of_input();
        };
        let span = self.raw.span();
        let (start, end) = (self.base + span.start, self.base + span.end);
        if raw == Ok(RawTok::Newline) {
            if self.mode == Mode::Module && self.brackets.is_empty() {
                if !self.at_line_start {
                    self.pending.push_back(Ok((start, Tok::Newline, end)));
                    self.at_line_start = true;
                }
                self.line_start = end;
            }
            return Ok(());
        }
        if self.at_line_start {
            self.at_line_start = false;
            self.indentation(start)?;
        }
        let tok = match raw {
            Ok(raw) => self.decode(raw, start, end)?,
            Err(e) => self.raw_error(e, start, end)?,
        };
        self.pending.push_back(Ok((start, tok, end)));
        Ok(())
    }

    /// Compares the indentation of a line's first token with the open levels.
    fn indentation(&mut self, start: usize) -> Result<(), SyntaxError> {
        let (mut col, mut alt) = (0, 0);
        for c in self.source[self.line_start..start].chars() {
            match c {
                ' ' => (col, alt) = (col + 1, alt + 1),
                '\t' => (col, alt) = ((col / TAB_SIZE + 1) * TAB_SIZE, alt + 1),
                // A form feed resets the column, like CPython; a backslash continuation of an
                // otherwise empty line starts the measure again.
                '\x0C' | '\n' | '\r' => (col, alt) = (0, 0),
                _ => {}
            }
        }
        let tab_error = || SyntaxError {
            kind: SyntaxErrorKind::TabError,
            ..SyntaxError::new("inconsistent use of tabs and spaces in indentation", start)
        };
        let &(top, top_alt) = self.indents.last().unwrap_or(&(0, 0));
        if col > top {
            if alt <= top_alt {
                return Err(tab_error());
            }
            if self.indents.len() >= MAX_INDENT_LEVELS {
                return Err(SyntaxError::indentation("too many levels of indentation", start));
            }
            self.indents.push((col, alt));
            self.pending.push_back(Ok((start, Tok::Indent, start)));
            return Ok(());
        }
        while self.indents.len() > 1 && col < self.indents[self.indents.len() - 1].0 {
            self.indents.pop();
            self.pending.push_back(Ok((start, Tok::Dedent, start)));
        }
        let &(top, top_alt) = self.indents.last().unwrap_or(&(0, 0));
        if col != top {
            return Err(SyntaxError::indentation(
                "unindent does not match any outer indentation level",
                start,
            ));
        }
        if alt != top_alt {
            return Err(tab_error());
        }
        Ok(())
    }

    fn decode(&mut self, raw: RawTok, start: usize, end: usize) -> Result<Tok, SyntaxError> {
        let text = &self.source[start..end];
        Ok(match raw {
            RawTok::Name => Tok::Name(text.to_owned()),
            RawTok::Decimal | RawTok::Hex | RawTok::Octal | RawTok::Binary => {
                self.check_number_end(raw, start, end)?;
                Tok::Int(parse_int(raw, text, start)?)
            }
            RawTok::Float => {
                self.check_number_end(raw, start, end)?;
                Tok::Float(parse_float(text, start)?)
            }
            RawTok::Imaginary => {
                self.check_number_end(raw, start, end)?;
                Tok::Imag(parse_float(&text[..text.len() - 1], start)?)
            }
            RawTok::String => Tok::Str(strings::decode(self.source, start, end)?),
            _ => {
                self.track_bracket(raw, start)?;
                Tok::Fixed(raw)
            }
        })
    }

    /// A number may not run into an identifier (`1abc`, `0x`, `1_`), except for the keywords
    /// CPython still tolerates there (`1if x else 2`).
    fn check_number_end(&self, raw: RawTok, start: usize, end: usize) -> Result<(), SyntaxError> {
        let rest = self.raw.remainder();
        let Some(c) = rest.chars().next() else {
            return Ok(());
        };
        if !(c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii()) {
            return Ok(());
        }
        const KEYWORDS: [&str; 8] = ["and", "else", "for", "if", "in", "is", "not", "or"];
        if KEYWORDS.iter().any(|k| rest.starts_with(k)) {
            return Ok(());
        }
        let text = &self.source[start..end];
        let kind = match raw {
            RawTok::Hex => "hexadecimal",
            RawTok::Octal => "octal",
            RawTok::Binary => "binary",
            RawTok::Imaginary => "imaginary",
            RawTok::Decimal if text == "0" && matches!(c, 'x' | 'X') => "hexadecimal",
            RawTok::Decimal if text == "0" && matches!(c, 'o' | 'O') => "octal",
            RawTok::Decimal if text == "0" && matches!(c, 'b' | 'B') => "binary",
            _ => "decimal",
        };
        // `0o8`, `0b12`: a digit that does not belong to the base (after the `o` of a bare `0o`).
        if matches!(kind, "octal" | "binary") {
            let skip = usize::from(raw == RawTok::Decimal);
            if let Some(d) = rest.chars().nth(skip).filter(char::is_ascii_digit) {
                let msg = format!("invalid digit '{d}' in {kind} literal");
                return Err(SyntaxError::new(msg, end));
            }
        }
        Err(SyntaxError::new(format!("invalid {kind} literal"), end))
    }

    fn track_bracket(&mut self, raw: RawTok, start: usize) -> Result<(), SyntaxError> {
        let close = match raw {
            RawTok::LPar | RawTok::LSqb | RawTok::LBrace => {
                if self.brackets.len() >= MAX_BRACKET_DEPTH {
                    return Err(SyntaxError::new("too many nested parentheses", start));
                }
                let open = self.source[start..].chars().next().unwrap_or('(');
                self.brackets.push((open, start));
                return Ok(());
            }
            RawTok::RPar => ')',
            RawTok::RSqb => ']',
            RawTok::RBrace => '}',
            _ => return Ok(()),
        };
        let Some((open, at)) = self.brackets.pop() else {
            return Err(SyntaxError::new(format!("unmatched '{close}'"), start));
        };
        if matches!((open, close), ('(', ')') | ('[', ']') | ('{', '}')) {
            return Ok(());
        }
        let mut msg = format!("closing parenthesis '{close}' does not match opening parenthesis '{open}'");
        let open_line = self.line_of(at);
        if open_line != self.line_of(start) {
            msg.push_str(&format!(" on line {open_line}"));
        }
        Err(SyntaxError::new(msg, start))
    }

    fn raw_error(&self, e: RawError, start: usize, end: usize) -> Result<Tok, SyntaxError> {
        let detected = |kind: &str| {
            let msg = format!("{kind} (detected at line {})", self.line_of(end));
            Err(SyntaxError::new(msg, start).with_end(end))
        };
        match e {
            RawError::UnterminatedString => return detected("unterminated string literal"),
            RawError::UnterminatedTripleString => {
                return detected("unterminated triple-quoted string literal");
            }
            RawError::Unexpected => {}
        }
        let c = self.source[start..].chars().next().unwrap_or(' ');
        let msg = if c == '\\' {
            if self.source[start + 1..]
                .trim_end_matches([' ', '\t', '\x0C'])
                .is_empty()
            {
                "unexpected EOF while parsing".to_owned()
            } else {
                "unexpected character after line continuation character".to_owned()
            }
        } else if c.is_ascii_graphic() {
            return Ok(Tok::Invalid);
        } else if is_non_printable(c) {
            format!("invalid non-printable character U+{:04X}", c as u32)
        } else {
            format!("invalid character '{c}' (U+{:04X})", c as u32)
        };
        Err(SyntaxError::new(msg, start))
    }

    fn end_of_input(&mut self) -> Result<(), SyntaxError> {
        self.finished = true;
        if self.mode == Mode::Expr {
            return Ok(());
        }
        if let Some(&(open, at)) = self.brackets.last() {
            return Err(SyntaxError::new(format!("'{open}' was never closed"), at));
        }
        let end = self.source.len();
        if !self.at_line_start {
            self.pending.push_back(Ok((end, Tok::Newline, end)));
            self.at_line_start = true;
        }
        for _ in 1..self.indents.len() {
            self.pending.push_back(Ok((end, Tok::Dedent, end)));
        }
        self.indents.truncate(1);
        Ok(())
    }

    /// Since Python 3.9, `with (` may open a parenthesised list of with-items rather than an
    /// expression. Like CPython's grammar, take it as such when the matching `)` is followed by
    /// `:` (and the parentheses are not empty).
    fn with_items_follow(&mut self) -> bool {
        let mut depth = 1;
        for n in 0.. {
            let Some(Ok((_, tok, _))) = self.peek(n) else {
                return false;
            };
            match tok {
                Tok::Fixed(RawTok::RPar) if n == 0 => return false,
                Tok::Fixed(RawTok::LPar | RawTok::LSqb | RawTok::LBrace) => depth += 1,
                Tok::Fixed(RawTok::RPar | RawTok::RSqb | RawTok::RBrace) => {
                    depth -= 1;
                    if depth == 0 {
                        return matches!(self.peek(n + 1), Some(Ok((_, Tok::Fixed(RawTok::Colon), _))));
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// Whether the `match` just popped starts a match statement: its logical line is
    /// `match <subject>:`, something no other statement starting with the name `match` can be
    /// (a simple statement never ends with `:`).
    fn match_statement_follows(&mut self) -> bool {
        let mut last = None;
        for n in 0.. {
            match self.peek(n) {
                Some(Ok((_, Tok::Newline, _))) => {
                    return n > 1 && last == Some(TokKind::Fixed(RawTok::Colon));
                }
                Some(Ok((_, tok, _))) => last = Some(TokKind::of(tok)),
                _ => return false,
            }
        }
        false
    }

    /// Turns the names `match` and `case` into keywords where they start a match statement or
    /// one of its case clauses (any statement directly inside a match block must be a case).
    fn soft_keyword(&mut self, tok: &Tok) -> Option<Tok> {
        let Tok::Name(name) = tok else {
            return None;
        };
        if self.prev != TokKind::LineStart || self.mode != Mode::Module {
            return None;
        }
        match name.as_str() {
            "case" if self.case_depths.last() == Some(&self.depth) => Some(Tok::Case),
            "match" if self.match_statement_follows() => {
                self.case_depths.push(self.depth + 1);
                Some(Tok::Match)
            }
            _ => None,
        }
    }

    /// Remembers what the parser has seen, for "expected an indented block after ..." and
    /// other messages.
    fn note(&mut self, start: usize, tok: &Tok) {
        let kind = TokKind::of(tok);
        let mut open = self.brackets.iter().rev().map(|&(c, _)| c);
        if matches!(
            tok,
            Tok::Fixed(RawTok::LPar | RawTok::LSqb | RawTok::LBrace) | Tok::WithLPar
        ) {
            open.next();
        }
        let bracket = open.next().or((self.mode == Mode::Expr).then_some('('));
        self.seen = Some(Seen {
            start,
            kind,
            before: self.prev,
            before2: self.prev2,
            bracket,
        });
        match tok {
            Tok::Newline if self.prev == TokKind::Fixed(RawTok::Colon) => {
                self.block_header = self.line_head;
            }
            Tok::Newline | Tok::Indent | Tok::Dedent => {}
            _ if self.prev == TokKind::LineStart => {
                self.line_head = header_of(tok).map(|what| Header { what, offset: start });
            }
            _ => {}
        }
        self.prev2 = self.prev;
        self.prev = kind;
    }
}

impl Iterator for Lexer<'_> {
    type Item = Result<Spanned, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut item = self.pop()?;
        if let Ok((start, Tok::Fixed(RawTok::LPar), end)) = item
            && self.prev == TokKind::Fixed(RawTok::With)
            && self.with_items_follow()
        {
            item = Ok((start, Tok::WithLPar, end));
        }
        match &mut item {
            Ok((_, Tok::Indent, _)) => self.depth += 1,
            Ok((_, Tok::Dedent, _)) => {
                self.depth = self.depth.saturating_sub(1);
                while self.case_depths.last().is_some_and(|&d| d > self.depth) {
                    self.case_depths.pop();
                }
            }
            Ok((_, tok, _)) => {
                if let Some(keyword) = self.soft_keyword(tok) {
                    *tok = keyword;
                }
            }
            Err(_) => {}
        }
        match &item {
            Ok((start, tok, _)) => self.note(*start, tok),
            Err(_) => self.failed = true,
        }
        Some(item)
    }
}

fn header_of(tok: &Tok) -> Option<&'static str> {
    let raw = match tok {
        Tok::Fixed(raw) => raw,
        Tok::Match => return Some("'match' statement"),
        Tok::Case => return Some("'case' statement"),
        _ => return None,
    };
    Some(match raw {
        RawTok::If => "'if' statement",
        RawTok::Elif => "'elif' statement",
        RawTok::Else => "'else' statement",
        RawTok::While => "'while' statement",
        RawTok::For => "'for' statement",
        RawTok::Try => "'try' statement",
        RawTok::Except => "'except' statement",
        RawTok::Finally => "'finally' statement",
        RawTok::With => "'with' statement",
        RawTok::Def => "function definition",
        RawTok::Class => "class definition",
        _ => return None,
    })
}

/// 1-based line of `offset` in `source`. An offset at the very end of a source that ends with
/// a newline belongs to the last line, as in CPython's "detected at line N".
pub fn line_of(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    if offset == source.len() && source.ends_with('\n') {
        offset -= 1;
    }
    source.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

fn is_non_printable(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

fn parse_int(raw: RawTok, text: &str, start: usize) -> Result<BigInt, SyntaxError> {
    let (digits, radix) = match raw {
        RawTok::Hex => (&text[2..], 16),
        RawTok::Octal => (&text[2..], 8),
        RawTok::Binary => (&text[2..], 2),
        _ => (text, 10),
    };
    let digits: Vec<u8> = digits.bytes().filter(|&b| b != b'_').collect();
    if radix == 10 && digits.len() > 1 && digits[0] == b'0' && digits.iter().any(|&b| b != b'0') {
        return Err(SyntaxError::new(
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
            start,
        )
        .with_end(start + text.len()));
    }
    BigInt::parse_bytes(&digits, radix).ok_or_else(|| SyntaxError::new(format!("invalid literal '{text}'"), start))
}

fn parse_float(text: &str, start: usize) -> Result<f64, SyntaxError> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    cleaned
        .parse()
        .map_err(|_| SyntaxError::new(format!("invalid literal '{text}'"), start))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lexes `src` as a module into a compact description of its tokens.
    fn toks(src: &str) -> Vec<String> {
        Lexer::module(src, 0)
            .map(|t| match t {
                Ok((_, tok, _)) => describe(&tok),
                Err(e) => format!("ERR({})", e.msg),
            })
            .collect()
    }

    fn describe(tok: &Tok) -> String {
        match tok {
            Tok::Fixed(r) => format!("{r:?}"),
            Tok::Name(n) => n.clone(),
            Tok::Int(i) => format!("Int({i})"),
            Tok::Float(f) => format!("Float({f})"),
            Tok::Imag(f) => format!("Imag({f})"),
            Tok::Str(s) => format!("{s:?}"),
            other => format!("{other:?}"),
        }
    }

    fn error(src: &str) -> SyntaxError {
        match Lexer::module(src, 0).find_map(Result::err) {
            Some(e) => e,
            None => panic!("no error lexing {src:?}"),
        }
    }

    #[test]
    fn indent_and_dedent() {
        let src = "if x:\n    y\n    if z:\n        w\nv\n";
        assert_eq!(
            toks(src).join(" "),
            "If x Colon Newline Indent y Newline If z Colon Newline Indent w Newline \
             Dedent Dedent v Newline"
        );
    }

    #[test]
    fn eof_closes_line_and_blocks() {
        assert_eq!(
            toks("if x:\n  y").join(" "),
            "If x Colon Newline Indent y Newline Dedent"
        );
        assert!(toks("").is_empty());
        assert!(toks("\n\n  # only a comment\n").is_empty());
    }

    #[test]
    fn blank_and_comment_lines_are_ignored() {
        let src = "a\n\n   \n  # c\n\t\nb # trailing\n";
        assert_eq!(toks(src).join(" "), "a Newline b Newline");
    }

    #[test]
    fn brackets_suppress_newlines_and_indentation() {
        let src = "x = (1,\n      2,\n   3)\ny = [\n]\n";
        assert_eq!(
            toks(src).join(" "),
            "x Equal LPar Int(1) Comma Int(2) Comma Int(3) RPar Newline y Equal LSqb RSqb Newline"
        );
    }

    #[test]
    fn backslash_continuation() {
        assert_eq!(
            toks("x = 1 + \\\n    2\n").join(" "),
            "x Equal Int(1) Plus Int(2) Newline"
        );
        assert_eq!(
            toks("x = 1 + \\\r\n  2").join(" "),
            "x Equal Int(1) Plus Int(2) Newline"
        );
        assert_eq!(
            error("x = 1 \\ y").msg,
            "unexpected character after line continuation character"
        );
        assert_eq!(error("x = 1 \\").msg, "unexpected EOF while parsing");
        assert_eq!(error("\\").msg, "unexpected EOF while parsing");
    }

    #[test]
    fn crlf_and_form_feed() {
        assert_eq!(
            toks("if a:\r\n  b\r\nc\r\n").join(" "),
            "If a Colon Newline Indent b Newline Dedent c Newline"
        );
        assert_eq!(toks("a\n\x0Cb\n").join(" "), "a Newline b Newline");
    }

    #[test]
    fn tabs_count_to_multiples_of_eight() {
        let src = "if x:\n\ty\n\tif z:\n\t\tw\n";
        assert_eq!(
            toks(src).join(" "),
            "If x Colon Newline Indent y Newline If z Colon Newline Indent w Newline Dedent Dedent"
        );
        let e = error("if x:\n\tpass\n        pass\n");
        assert_eq!(
            (e.kind, e.msg.as_str()),
            (
                SyntaxErrorKind::TabError,
                "inconsistent use of tabs and spaces in indentation"
            )
        );
    }

    #[test]
    fn dedent_errors() {
        let e = error("if x:\n    a\n  b\n");
        assert_eq!(e.kind, SyntaxErrorKind::IndentationError);
        assert_eq!(e.msg, "unindent does not match any outer indentation level");
        assert_eq!(e.offset, 14);
        let deep: String = (0..=MAX_INDENT_LEVELS)
            .map(|i| format!("{}if x:\n", " ".repeat(i)))
            .collect();
        assert_eq!(error(&deep).msg, "too many levels of indentation");
    }

    #[test]
    fn bracket_errors() {
        assert_eq!(
            error("(]").msg,
            "closing parenthesis ']' does not match opening parenthesis '('"
        );
        assert_eq!(
            error("(\n]").msg,
            "closing parenthesis ']' does not match opening parenthesis '(' on line 1"
        );
        assert_eq!(error("a)").msg, "unmatched ')'");
        let e = error("x = [1,\n2");
        assert_eq!((e.msg.as_str(), e.offset), ("'[' was never closed", 4));
        assert_eq!(error(&"(".repeat(201)).msg, "too many nested parentheses");
        assert!(
            toks(&format!("{}{}", "(".repeat(200), ")".repeat(200)))
                .iter()
                .all(|t| !t.starts_with("ERR"))
        );
    }

    #[test]
    fn invalid_characters() {
        assert_eq!(error("a = €").msg, "invalid character '€' (U+20AC)");
        assert_eq!(error("a\u{1}b").msg, "invalid non-printable character U+0001");
        assert_eq!(error("a\u{a0}b").msg, "invalid non-printable character U+00A0");
        assert_eq!(toks("a $ b").join(" "), "a Invalid b Newline");
    }

    #[test]
    fn names_and_keywords() {
        assert_eq!(
            toks("if iffy ifé _x déjà λ None").join(" "),
            "If iffy ifé _x déjà λ None Newline"
        );
    }

    #[test]
    fn numbers() {
        let t = toks("1 1_000 0 00 0x_fF 0o17 0b1_01 123456789012345678901234567890");
        assert_eq!(
            t.join(" "),
            "Int(1) Int(1000) Int(0) Int(0) Int(255) Int(15) Int(5) \
             Int(123456789012345678901234567890) Newline"
        );
        let t = toks("1.5 1e-7 .5 5. 1_0.2_5 1E3 2j 1.5J .5e1j 1..real");
        assert_eq!(
            t.join(" "),
            "Float(1.5) Float(0.0000001) Float(0.5) Float(5) Float(10.25) Float(1000) Imag(2) \
             Imag(1.5) Imag(5) Float(1) Dot real Newline"
        );
        assert_eq!(toks("1if x else 2").join(" "), "Int(1) If x Else Int(2) Newline");
        assert_eq!(
            error("0777").msg,
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
        );
        assert_eq!(error("1_").msg, "invalid decimal literal");
        assert_eq!(error("1abc").msg, "invalid decimal literal");
        assert_eq!(error("0x").msg, "invalid hexadecimal literal");
        assert_eq!(error("0b2").msg, "invalid digit '2' in binary literal");
        assert_eq!(error("0o17 + 0o8").msg, "invalid digit '8' in octal literal");
        assert_eq!(error("0o178").msg, "invalid digit '8' in octal literal");
        assert_eq!(error("0b").msg, "invalid binary literal");
        assert_eq!(error("1é").msg, "invalid decimal literal");
        assert_eq!(error("1.__class__").msg, "invalid decimal literal");
    }

    #[test]
    fn operators() {
        let t = toks("a **= b //= c >>= d <<= e -> f := g ... h @ i != j");
        assert_eq!(
            t.join(" "),
            "a DoubleStarEqual b DoubleSlashEqual c RShiftEqual d LShiftEqual e Arrow f \
             ColonEqual g Ellipsis h At i NotEqual j Newline"
        );
    }

    #[test]
    fn strings() {
        assert_eq!(
            toks(
                r#"'a' "b\n" r'\n' b'x\x00' '''l1
l2'''"#
            )
            .join(" "),
            r#"Str("a") Str("b\n") Str("\\n") Bytes([120, 0]) Str("l1\nl2") Newline"#
        );
        let e = error("x = 'abc\ny = 1\n");
        assert_eq!(
            (e.msg.as_str(), e.offset),
            ("unterminated string literal (detected at line 1)", 4)
        );
        let e = error("x = '''abc\n\n");
        assert_eq!(e.msg, "unterminated triple-quoted string literal (detected at line 2)");
        assert_eq!(error("'abc\\").msg, "unterminated string literal (detected at line 1)");
        assert_eq!(toks("'a\\\nb'").join(" "), r#"Str("ab") Newline"#);
    }

    #[test]
    fn with_parenthesised_items() {
        assert_eq!(toks("with (a as b, c): pass")[1], "WithLPar");
        assert_eq!(toks("with (a, b) as c: pass")[1], "LPar");
        assert_eq!(toks("with (a)(): pass")[1], "LPar");
        assert_eq!(toks("with (): pass")[1], "LPar");
    }
}
