//! String literals: prefixes, escape sequences, bytes, and f-strings (Python 3.11 rules: the
//! expression of a replacement field is plain source text without backslashes or comments, and
//! is parsed by the main grammar through [`super::parse_fstring_expr`]).

use super::ast::FStringPart;
use super::error::SyntaxError;

/// A decoded string literal token; adjacent ones are concatenated by the parser.
#[derive(Clone, Debug, PartialEq)]
pub enum StrLit {
    Str(String),
    Bytes(Vec<u8>),
    F(Vec<FStringPart>),
}

/// Decodes the string literal `source[start..end]`: prefix, quotes and contents.
pub fn decode(source: &str, start: usize, end: usize) -> Result<StrLit, SyntaxError> {
    let text = &source[start..end];
    let prefix_len = text.find(['\'', '"']).unwrap_or(0);
    let prefix = text[..prefix_len].to_ascii_lowercase();
    let (raw, bytes, f) = (prefix.contains('r'), prefix.contains('b'), prefix.contains('f'));
    let body = &text[prefix_len..];
    let quote_len = if body.len() >= 6 && (body.starts_with("'''") || body.starts_with("\"\"\"")) {
        3
    } else {
        1
    };
    let (body_start, body_end) = (start + prefix_len + quote_len, end - quote_len);
    let body = &source[body_start..body_end];
    if f {
        let mut parser = FStringParser {
            source,
            end: body_end,
            raw,
        };
        let mut pos = body_start;
        return Ok(StrLit::F(parser.parts(&mut pos, 0)?));
    }
    if bytes {
        if !body.is_ascii() {
            return Err(SyntaxError::new("bytes can only contain ASCII literal characters", start).with_end(end));
        }
        let mut out = Vec::with_capacity(body.len());
        unescape(body, body_start, raw, &mut Sink::Bytes(&mut out))?;
        return Ok(StrLit::Bytes(out));
    }
    let mut out = String::with_capacity(body.len());
    unescape(body, body_start, raw, &mut Sink::Str(&mut out))?;
    Ok(StrLit::Str(out))
}

/// Where decoded characters go: a `str` takes code points, a `bytes` takes byte values.
enum Sink<'a> {
    Str(&'a mut String),
    Bytes(&'a mut Vec<u8>),
}

impl Sink<'_> {
    fn is_bytes(&self) -> bool {
        matches!(self, Sink::Bytes(_))
    }

    fn push(&mut self, c: char) {
        match self {
            Sink::Str(s) => s.push(c),
            // Only ASCII text reaches a bytes literal, so every char is one byte.
            Sink::Bytes(b) => b.push(c as u8),
        }
    }

    fn push_value(&mut self, value: u32, at: usize) -> Result<(), SyntaxError> {
        match self {
            Sink::Str(s) => match char::from_u32(value) {
                Some(c) => s.push(c),
                None => {
                    return Err(SyntaxError::new(
                        "(unicode error) surrogate characters are not supported in strings",
                        at,
                    ));
                }
            },
            // `b'\777'` wraps like CPython.
            Sink::Bytes(b) => b.push(value as u8),
        }
        Ok(())
    }
}

/// Decodes `text` (found at offset `at` of the source) into `out`: line endings become `\n`
/// and, unless `raw`, escape sequences are interpreted. Unknown escapes stay as written.
fn unescape(text: &str, at: usize, raw: bool, out: &mut Sink) -> Result<(), SyntaxError> {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\r' => {
                chars.next_if(|&(_, c)| c == '\n');
                out.push('\n');
            }
            '\\' if !raw => {
                let Some((_, e)) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let simple = match e {
                    '\n' => None,
                    '\r' => {
                        chars.next_if(|&(_, c)| c == '\n');
                        None
                    }
                    '\\' | '\'' | '"' => Some(e),
                    'a' => Some('\x07'),
                    'b' => Some('\x08'),
                    'f' => Some('\x0C'),
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    'v' => Some('\x0B'),
                    '0'..='7' => {
                        let mut value = e as u32 - '0' as u32;
                        for _ in 0..2 {
                            match chars.next_if(|&(_, c)| matches!(c, '0'..='7')) {
                                Some((_, d)) => value = value * 8 + (d as u32 - '0' as u32),
                                None => break,
                            }
                        }
                        out.push_value(value, at + i)?;
                        continue;
                    }
                    'x' => {
                        let value = hex_digits(&mut chars, 2)
                            .map_err(|read| truncated(out.is_bytes(), i, read, "\\xXX", at))?;
                        out.push_value(value, at + i)?;
                        continue;
                    }
                    'u' | 'U' if !out.is_bytes() => {
                        let (n, name) = if e == 'u' { (4, "\\uXXXX") } else { (8, "\\UXXXXXXXX") };
                        let value = hex_digits(&mut chars, n).map_err(|read| truncated(false, i, read, name, at))?;
                        if value > 0x10FFFF {
                            return Err(SyntaxError::new(
                                format!(
                                    "(unicode error) 'unicodeescape' codec can't decode bytes in position {i}-{}: illegal Unicode character",
                                    i + n + 1
                                ),
                                at + i,
                            ));
                        }
                        out.push_value(value, at + i)?;
                        continue;
                    }
                    // Without a Unicode name table, `\N{...}` cannot be resolved.
                    'N' if !out.is_bytes() => {
                        return Err(SyntaxError::new(
                            format!(
                                "(unicode error) 'unicodeescape' codec can't decode bytes in position {i}-{}: \\N{{...}} escapes are not supported",
                                i + 1
                            ),
                            at + i,
                        ));
                    }
                    _ => {
                        out.push('\\');
                        Some(e)
                    }
                };
                if let Some(c) = simple {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    Ok(())
}

/// Reads exactly `n` hex digits; on failure, returns how many there were.
fn hex_digits(chars: &mut std::iter::Peekable<std::str::CharIndices>, n: usize) -> Result<u32, usize> {
    let mut value = 0;
    for read in 0..n {
        match chars.next_if(|&(_, c)| c.is_ascii_hexdigit()) {
            Some((_, d)) => value = value * 16 + d.to_digit(16).unwrap_or(0),
            None => return Err(read),
        }
    }
    Ok(value)
}

/// The error for an escape at `i` of the literal's contents that has only `read` hex digits.
fn truncated(bytes: bool, i: usize, read: usize, what: &str, at: usize) -> SyntaxError {
    let msg = if bytes {
        format!("(value error) invalid \\x escape at position {i}")
    } else {
        format!(
            "(unicode error) 'unicodeescape' codec can't decode bytes in position {i}-{}: truncated {what} escape",
            i + 1 + read
        )
    };
    SyntaxError::new(msg, at + i)
}

/// Splits the contents of an f-string into literal text and replacement fields.
struct FStringParser<'s> {
    source: &'s str,
    /// End of the f-string's contents (its closing quote).
    end: usize,
    raw: bool,
}

impl FStringParser<'_> {
    fn error(&self, msg: &str, at: usize) -> SyntaxError {
        SyntaxError::new(format!("f-string: {msg}"), at)
    }

    /// Parses literal text and fields from `*pos`. At `level` 0 that is the whole f-string; in
    /// a format spec (level 1 and 2) it stops before the `}` closing the field.
    fn parts(&mut self, pos: &mut usize, level: u8) -> Result<Vec<FStringPart>, SyntaxError> {
        let bytes = self.source.as_bytes();
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chunk = *pos;
        while *pos < self.end {
            match bytes[*pos] {
                b'\\' if !self.raw => {
                    *pos += 1;
                    match bytes.get(*pos) {
                        // `\N{name}`: these braces do not start a field.
                        Some(b'N') if bytes.get(*pos + 1) == Some(&b'{') => {
                            while *pos < self.end && bytes[*pos] != b'}' {
                                *pos += 1;
                            }
                            *pos = (*pos + 1).min(self.end);
                        }
                        // A brace after a backslash still opens or closes a field.
                        Some(b'{' | b'}') | None => {}
                        Some(_) => *pos += 1,
                    }
                }
                brace @ (b'{' | b'}') => {
                    if level == 0 && bytes.get(*pos + 1) == Some(&brace) {
                        self.literal(chunk, *pos + 1, &mut literal)?;
                        *pos += 2;
                        chunk = *pos;
                        continue;
                    }
                    if brace == b'}' {
                        if level == 0 {
                            return Err(self.error("single '}' is not allowed", *pos));
                        }
                        break;
                    }
                    self.literal(chunk, *pos, &mut literal)?;
                    let field = self.field(pos, level, &mut literal)?;
                    if !literal.is_empty() {
                        parts.push(FStringPart::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(field);
                    chunk = *pos;
                }
                _ => *pos += 1,
            }
        }
        self.literal(chunk, *pos, &mut literal)?;
        if !literal.is_empty() {
            parts.push(FStringPart::Literal(literal));
        }
        Ok(parts)
    }

    fn literal(&self, start: usize, end: usize, out: &mut String) -> Result<(), SyntaxError> {
        unescape(&self.source[start..end], start, self.raw, &mut Sink::Str(out))
    }

    /// Parses the replacement field whose `{` is at `*pos`. The text of a self-documenting
    /// field (`{x=}`) is appended to `literal`.
    fn field(&mut self, pos: &mut usize, level: u8, literal: &mut String) -> Result<FStringPart, SyntaxError> {
        if level >= 2 {
            return Err(self.error("expressions nested too deeply", *pos));
        }
        let bytes = self.source.as_bytes();
        *pos += 1;
        let expr_start = *pos;
        let expr_end = self.expression_end(pos)?;
        if self.source[expr_start..expr_end].trim_ascii().is_empty() {
            let msg = match bytes[expr_end] {
                b'!' => "expression required before '!'",
                b':' => "expression required before ':'",
                b'=' => "expression required before '='",
                _ => "empty expression not allowed",
            };
            return Err(self.error(msg, expr_start));
        }
        let value = super::parse_fstring_expr(self.source, expr_start, expr_end)?;
        let mut debug = false;
        if bytes[*pos] == b'=' {
            *pos += 1;
            while *pos < self.end && bytes[*pos].is_ascii_whitespace() {
                *pos += 1;
            }
            literal.push_str(&self.source[expr_start..*pos]);
            debug = true;
        }
        let mut conversion = None;
        if *pos < self.end && bytes[*pos] == b'!' {
            *pos += 1;
            let c = self.source[*pos..self.end].chars().next();
            match c {
                Some(c @ ('s' | 'r' | 'a')) => conversion = Some(c),
                Some(_) => {
                    return Err(self.error("invalid conversion character: expected 's', 'r', or 'a'", *pos));
                }
                None => return Err(self.error("expecting '}'", *pos)),
            }
            *pos += 1;
        }
        let mut format_spec = None;
        if *pos < self.end && bytes[*pos] == b':' {
            *pos += 1;
            format_spec = Some(self.parts(pos, level + 1)?);
        }
        if *pos >= self.end || bytes[*pos] != b'}' {
            return Err(self.error("expecting '}'", *pos));
        }
        *pos += 1;
        if debug && conversion.is_none() && format_spec.is_none() {
            conversion = Some('r');
        }
        Ok(FStringPart::Formatted {
            value: Box::new(value),
            conversion,
            format_spec,
        })
    }

    /// Finds where the expression starting at `*pos` ends: at a top-level `!`, `:`, `=` or `}`
    /// that is not part of `!=`, `==`, `<=`, `>=`. Leaves `*pos` there and returns it.
    fn expression_end(&self, pos: &mut usize) -> Result<usize, SyntaxError> {
        let bytes = self.source.as_bytes();
        let mut brackets: Vec<u8> = Vec::new();
        let mut quote: Option<(u8, bool)> = None;
        while *pos < self.end {
            let c = bytes[*pos];
            if c == b'\\' {
                return Err(SyntaxError::new(
                    "f-string expression part cannot include a backslash",
                    *pos,
                ));
            }
            if let Some((q, triple)) = quote {
                if c == q {
                    if !triple {
                        quote = None;
                    } else if bytes[*pos..self.end].starts_with(&[q; 3]) {
                        quote = None;
                        *pos += 2;
                    }
                }
                *pos += 1;
                continue;
            }
            match c {
                b'\'' | b'"' => {
                    let triple = bytes[*pos..self.end].starts_with(&[c; 3]);
                    quote = Some((c, triple));
                    if triple {
                        *pos += 2;
                    }
                }
                b'(' | b'[' | b'{' => {
                    if brackets.len() >= 200 {
                        return Err(self.error("too many nested parenthesis", *pos));
                    }
                    brackets.push(c);
                }
                b'#' => {
                    return Err(SyntaxError::new("f-string expression part cannot include '#'", *pos));
                }
                b'!' | b':' | b'}' | b'=' | b'<' | b'>' if brackets.is_empty() => {
                    if c != b':' && c != b'}' && bytes.get(*pos + 1) == Some(&b'=') {
                        *pos += 2;
                        continue;
                    }
                    if c != b'<' && c != b'>' {
                        return Ok(*pos);
                    }
                }
                b')' | b']' | b'}' => {
                    let close = c as char;
                    let Some(open) = brackets.pop() else {
                        return Err(self.error(&format!("unmatched '{close}'"), *pos));
                    };
                    if !matches!((open, c), (b'(', b')') | (b'[', b']') | (b'{', b'}')) {
                        return Err(self.error(
                            &format!(
                                "closing parenthesis '{close}' does not match opening parenthesis '{}'",
                                open as char
                            ),
                            *pos,
                        ));
                    }
                }
                _ => {}
            }
            *pos += 1;
        }
        if quote.is_some() {
            return Err(self.error("unterminated string", *pos));
        }
        if let Some(&open) = brackets.last() {
            return Err(self.error(&format!("unmatched '{}'", open as char), *pos));
        }
        Err(self.error("expecting '}'", *pos))
    }
}

/// Concatenates adjacent literals (`"a" "b"`, `"a" f"{b}"`); each comes with its span.
pub fn concat(pieces: Vec<(usize, StrLit, usize)>) -> Result<StrLit, SyntaxError> {
    let is_bytes = matches!(pieces.first(), Some((_, StrLit::Bytes(_), _)));
    if let Some((start, _, end)) = pieces
        .iter()
        .find(|(_, p, _)| matches!(p, StrLit::Bytes(_)) != is_bytes)
    {
        return Err(SyntaxError::new("cannot mix bytes and nonbytes literals", *start).with_end(*end));
    }
    if is_bytes {
        let mut out = Vec::new();
        for (_, piece, _) in pieces {
            if let StrLit::Bytes(b) = piece {
                out.extend(b);
            }
        }
        return Ok(StrLit::Bytes(out));
    }
    if !pieces.iter().any(|(_, p, _)| matches!(p, StrLit::F(_))) {
        let mut out = String::new();
        for (_, piece, _) in pieces {
            if let StrLit::Str(s) = piece {
                out.push_str(&s);
            }
        }
        return Ok(StrLit::Str(out));
    }
    let mut parts: Vec<FStringPart> = Vec::new();
    let push_literal = |parts: &mut Vec<FStringPart>, s: String| {
        if s.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(FStringPart::Literal(prev)) => prev.push_str(&s),
            _ => parts.push(FStringPart::Literal(s)),
        }
    };
    for (_, piece, _) in pieces {
        match piece {
            StrLit::Str(s) => push_literal(&mut parts, s),
            StrLit::F(fparts) => {
                for part in fparts {
                    match part {
                        FStringPart::Literal(s) => push_literal(&mut parts, s),
                        formatted => parts.push(formatted),
                    }
                }
            }
            StrLit::Bytes(_) => {}
        }
    }
    Ok(StrLit::F(parts))
}
