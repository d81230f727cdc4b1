//! Source text → AST: the logos lexer with its indentation layer, then the lalrpop grammar.
//!
//! [`parse_module`] is the entry point. Errors follow CPython 3.11's messages where practical,
//! including its habit of preferring a tokenizer error found later in the file over a parser
//! error (so an unclosed bracket is reported as such rather than as "invalid syntax").
//!
//! The AST is bounded: expressions nest at most [`MAX_EXPR_DEPTH`] levels and statements at
//! most [`MAX_STMT_DEPTH`] (an `elif` counts as a level), so recursive passes over it need a
//! bounded stack.

mod actions;
pub mod ast;
pub mod error;
mod lexer;
mod strings;

#[cfg(test)]
mod tests;

pub use actions::{MAX_EXPR_DEPTH, MAX_STMT_DEPTH};
pub use error::{LineIndex, SyntaxError, SyntaxErrorKind};

use lalrpop_util::ParseError;

use actions::Top;
use lexer::{Lexer, Seen, Tok, TokKind};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_imports)]
    grammar,
    "/toy.rs"
);

/// Parses a whole module.
pub fn parse_module(source: &str) -> Result<ast::Module, SyntaxError> {
    if let Some(at) = source.find('\0') {
        return Err(SyntaxError::new("source code cannot contain null bytes", at));
    }
    let start = if source.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let mut lexer = Lexer::module(source, start);
    let tokens = std::iter::once(Ok((start, Tok::StartModule, start))).chain(&mut lexer);
    match grammar::TopParser::new().parse(tokens) {
        Ok(Top::Module(body)) => Ok(ast::Module { body }),
        Ok(Top::Expr(e)) => Err(SyntaxError::new("invalid syntax", e.span.start as usize)),
        Err(e) => Err(explain(e, &mut lexer)),
    }
}

/// Parses the expression of an f-string replacement field, `source[start..end]`.
fn parse_fstring_expr(source: &str, start: usize, end: usize) -> Result<ast::Expr, SyntaxError> {
    let mut lexer = Lexer::expr(source, start, end);
    let tokens = std::iter::once(Ok((start, Tok::StartExpr, start))).chain(&mut lexer);
    let result = match grammar::TopParser::new().parse(tokens) {
        Ok(Top::Expr(e)) => Ok(e),
        Ok(Top::Module(_)) => Err(SyntaxError::new("invalid syntax", start)),
        Err(e) => Err(explain(e, &mut lexer)),
    };
    result.map_err(|mut e| {
        if !e.msg.starts_with("f-string") {
            e.msg = format!("f-string: {}", e.msg);
        }
        e
    })
}

/// Turns a parser error into CPython's message for the situation. Like CPython, an error
/// the tokenizer finds anywhere in the rest of the input takes precedence over a parser error.
fn explain(err: ParseError<usize, Tok, SyntaxError>, lexer: &mut Lexer) -> SyntaxError {
    // The lexer's own errors are already the earliest tokenizer error.
    if lexer.failed
        && let ParseError::User { error } = err
    {
        return error;
    }
    let error = describe(err, lexer);
    match lexer.find(Result::is_err) {
        Some(Err(e)) => e,
        _ => error,
    }
}

fn describe(err: ParseError<usize, Tok, SyntaxError>, lexer: &Lexer) -> SyntaxError {
    let (start, end, tok, expected) = match err {
        ParseError::User { error } => return error,
        ParseError::UnrecognizedToken {
            token: (start, tok, end),
            expected,
        } => (start, end, Some(tok), expected),
        ParseError::UnrecognizedEof { location, expected } => (location, location, None, expected),
        ParseError::InvalidToken { location } => (location, location, None, Vec::new()),
        ParseError::ExtraToken {
            token: (start, tok, end),
        } => (start, end, Some(tok), Vec::new()),
    };
    let only = |names: &[&str]| !expected.is_empty() && expected.iter().all(|e| names.contains(&e.as_str()));
    if only(&["Indent"]) {
        let msg = match lexer.block_header {
            Some(h) => format!(
                "expected an indented block after {} on line {}",
                h.what,
                lexer.line_of(h.offset)
            ),
            None => "expected an indented block".to_owned(),
        };
        return SyntaxError::indentation(msg, start);
    }
    match tok {
        Some(Tok::Indent) => return SyntaxError::indentation("unexpected indent", start),
        Some(Tok::Dedent) => return SyntaxError::indentation("unexpected unindent", start),
        Some(Tok::Newline) if expected.iter().any(|e| e == "\":\"") => {
            return SyntaxError::new("expected ':'", start);
        }
        _ => {}
    }
    if only(&["\"except\"", "\"finally\""]) {
        return SyntaxError::new("expected 'except' or 'finally' block", start);
    }
    if only(&["\"(\""]) {
        return SyntaxError::new("expected '('", start);
    }
    // A conditional expression is the only place `else` is expected but statements are not.
    let ends_expression = match &tok {
        None | Some(Tok::Newline) => true,
        Some(Tok::Fixed(raw)) => {
            use lexer::RawTok::*;
            matches!(raw, RPar | RSqb | RBrace | Comma | Semi)
        }
        _ => false,
    };
    if ends_expression && expected.iter().any(|e| e == "\"else\"") && !expected.iter().any(|e| e == "\"pass\"") {
        return SyntaxError::new("expected 'else' after 'if' expression", start);
    }
    if let Some(msg) = lexer.seen.filter(|s| s.start == start).and_then(|s| hint(s, lexer)) {
        return SyntaxError::new(msg, start).with_end(end);
    }
    SyntaxError::new("invalid syntax", start).with_end(end)
}

/// CPython's more specific wordings of "invalid syntax", recognised from the offending token
/// and the one before it.
fn hint(seen: Seen, lexer: &Lexer) -> Option<&'static str> {
    use lexer::RawTok;
    let in_condition = lexer
        .line_head
        .is_some_and(|h| matches!(h.what, "'if' statement" | "'elif' statement" | "'while' statement"));
    if seen.kind == TokKind::Fixed(RawTok::Equal)
        && seen.before == TokKind::Name
        && (seen.bracket.is_some() || in_condition)
    {
        if seen.before2 == TokKind::Fixed(RawTok::Dot) {
            return Some("cannot assign to attribute here. Maybe you meant '==' instead of '='?");
        }
        return Some("invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
    }
    if seen.kind == TokKind::Fixed(RawTok::For) && seen.before.ends_operand() && matches!(seen.bracket, Some('[' | '{'))
    {
        return Some("did you forget parentheses around the comprehension target?");
    }
    // Two operands in a row inside brackets; `name "string"` is more likely something else.
    if seen.bracket.is_some()
        && seen.before.ends_operand()
        && seen.kind.starts_operand()
        && !(seen.before == TokKind::Name && seen.kind == TokKind::Str)
    {
        return Some("invalid syntax. Perhaps you forgot a comma?");
    }
    None
}
