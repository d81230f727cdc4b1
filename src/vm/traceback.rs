//! Printing uncaught exceptions the way CPython does, chained causes and contexts included.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use crate::objects::{ObjRef, Payload, SourcePlace, Value};
use crate::syntax::ast::{ExprKind, Span, StmtKind};

use super::Vm;

/// Source text of every file compiled, so tracebacks can quote lines.
fn sources() -> &'static Mutex<HashMap<String, Arc<str>>> {
    static SOURCES: OnceLock<Mutex<HashMap<String, Arc<str>>>> = OnceLock::new();
    SOURCES.get_or_init(Default::default)
}

/// Keep `source` for quoting in tracebacks. Code compiled from a string under a made-up name
/// (`exec`'s `<string>`, `compile(src, "<input>", …)`) is not kept: CPython cannot find its
/// lines either, and a program calling `eval` in a loop must not grow a table. toy's own
/// modules (`<frozen name>`) are kept, as CPython finds the source of its standard library.
pub fn register_source(filename: &str, source: &str) {
    if filename.starts_with('<') && !filename.starts_with("<frozen ") {
        return;
    }
    sources().lock().insert(filename.to_string(), Arc::from(source));
}

/// The lines CPython prints above a `SyntaxError`'s summary: where it is, the source line
/// (without its indentation) and carets under the offending text.
pub fn syntax_error_location(details: &crate::SyntaxDetails) -> String {
    let mut out = format!("  File \"{}\", line {}\n", details.filename, details.line);
    let Some(text) = details.text.as_deref() else {
        return out;
    };
    let trimmed = text.trim_start();
    if trimmed.trim().is_empty() {
        return out;
    }
    let indent = text.chars().count() - trimmed.chars().count();
    let trimmed = trimmed.trim_end();
    let caret_column = details
        .offset
        .saturating_sub(1)
        .saturating_sub(indent)
        .min(trimmed.chars().count());
    let width = if details.end_line == details.line && details.end_offset > details.offset {
        details.end_offset - details.offset
    } else {
        1
    };
    out.push_str(&format!("    {trimmed}\n"));
    out.push_str(&format!("    {}{}\n", " ".repeat(caret_column), "^".repeat(width)));
    out
}

/// toy's Python modules that stand in for modules CPython writes in C: a traceback shows none
/// of their frames, as CPython's has none to show.
const STAND_INS_FOR_C: &[&str] = &["<frozen decimal>", "<frozen _decimal_functions>"];

fn stands_in_for_c(filename: &str) -> bool {
    STAND_INS_FOR_C.contains(&filename)
}

/// How many identical frames in a row are printed before CPython sums up the rest.
const RECURSIVE_CUTOFF: usize = 3;

/// The source line of a traceback entry, stripped, followed by CPython 3.11's markers under
/// the failing part when that is not the whole line:
///
/// ```text
///     total = price * count + tax
///             ~~~~~~~~~~~~~~^~~~~
/// ```
fn quoted_source(entry: &SourcePlace) -> Option<String> {
    let source = sources().lock().get(&*entry.code.filename).cloned()?;
    let line_start = nth_line_start(&source, entry.line)?;
    let text = source[line_start..].lines().next()?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let mut out = format!("    {trimmed}\n");
    if let Some(markers) = markers(&source, text, line_start, entry.span) {
        out.push_str(&markers);
        out.push('\n');
    }
    Some(out)
}

/// The text of `filename` as toy compiled it, if it did.
pub fn compiled_source(filename: &str) -> Option<Arc<str>> {
    sources().lock().get(filename).cloned()
}

/// What a traceback prints under an entry's `File …` line: the stripped source line and,
/// when CPython prints them, the markers under the failing part.
pub fn quoted_lines(place: &SourcePlace) -> Option<String> {
    quoted_source(place)
}

/// Byte offset where 1-based `line` starts.
fn nth_line_start(source: &str, line: u32) -> Option<usize> {
    let skip = line.checked_sub(1)? as usize;
    if skip == 0 {
        return Some(0);
    }
    source.match_indices('\n').nth(skip - 1).map(|(i, _)| i + 1)
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// The marker line for `span` under `text` (the line starting at byte `line_start` of
/// `source`), or `None` where CPython prints none: the span covers the whole stripped line,
/// or it does not start on this line.
fn markers(source: &str, text: &str, line_start: usize, span: Span) -> Option<String> {
    let (start, end) = (span.start as usize, span.end as usize);
    let line_end = line_start + text.len();
    if start < line_start || start > line_end || end < start || end > source.len() {
        return None;
    }
    let chars_to = |byte: usize| text[..byte - line_start].chars().count();
    let start_col = chars_to(start);
    let (end_col, anchors) = if end <= line_end {
        (
            chars_to(end),
            anchors(&source[start..end]).map(|(l, r)| (start_col + l, start_col + r)),
        )
    } else {
        // A span running onto later lines is marked up to this line's last visible character.
        (text.trim_end_matches(is_blank).chars().count(), None)
    };
    let indent = text.chars().take_while(|&c| is_blank(c)).count();
    let stripped_len = text.trim().chars().count();
    if end_col.saturating_sub(start_col) == stripped_len && anchors.is_none() {
        return None;
    }
    let mut out = " ".repeat(4 + start_col.saturating_sub(indent));
    for col in start_col..end_col {
        out.push(match anchors {
            Some((left, right)) if (left..right).contains(&col) => '^',
            Some(_) => '~',
            None => '^',
        });
    }
    Some(out)
}

/// Where CPython 3.11 puts the `^` inside a failing `segment` (char offsets into it): under
/// the operator of a binary operation, and under the brackets of a subscript. It parses the
/// segment on its own, as CPython does, so anything that is not one such expression gets none.
fn anchors(segment: &str) -> Option<(usize, usize)> {
    let module = crate::syntax::parse_module(segment).ok()?;
    let [statement] = module.body.as_slice() else {
        return None;
    };
    let StmtKind::Expr(expr) = &statement.kind else {
        return None;
    };
    let (left, right) = match &expr.kind {
        ExprKind::BinOp { left, right, .. } => {
            let (from, to) = (left.span.end as usize, right.span.start as usize);
            let bytes = segment.as_bytes();
            let at = (from..to).find(|&i| bytes.get(i).is_some_and(|&b| !is_blank(char::from(b))))?;
            // Two-character operators (`//`, `**`, `<<`…) get two.
            let wide = at + 1 < to && !is_blank(char::from(*bytes.get(at + 1)?));
            (at, at + 1 + usize::from(wide))
        }
        ExprKind::Subscript { value, index } => (value.span.end as usize, index.span.end as usize + 1),
        _ => return None,
    };
    let chars = |byte: usize| segment.get(..byte).map(|s| s.chars().count());
    Some((chars(left)?, chars(right)?))
}

/// CPython's summary of the frames past the cutoff: `[Previous line repeated 996 more times]`.
fn repeated_lines(count: usize) -> String {
    match count.saturating_sub(RECURSIVE_CUTOFF) {
        0 => String::new(),
        1 => "  [Previous line repeated 1 more time]\n".to_string(),
        more => format!("  [Previous line repeated {more} more times]\n"),
    }
}

impl Vm<'_> {
    /// The full report for an uncaught exception: its chain of causes and contexts, oldest
    /// first. The chain is collected first, so one as long as a program makes it is printed
    /// without native recursion.
    pub fn format_exception(&mut self, exc: &ObjRef) -> String {
        let py = self.py;
        let mut seen = std::collections::HashSet::new();
        // Newest first: each exception with the line printed between it and the newer one.
        let mut chain: Vec<(ObjRef, &str)> = Vec::new();
        let mut next = Some((exc.clone_ref(py), ""));
        while let Some((exc, followed_by)) = next.take() {
            seen.insert(exc.addr());
            let (cause, context, suppress) = match &exc.payload {
                Payload::Instance(inst) => match &inst.exception {
                    Some(state) => {
                        let state = state.lock(py);
                        (
                            state.cause.as_ref().and_then(|c| c.as_obj().map(|o| o.clone_ref(py))),
                            state.context.as_ref().and_then(|c| c.as_obj().map(|o| o.clone_ref(py))),
                            state.suppress_context,
                        )
                    }
                    None => (None, None, false),
                },
                _ => (None, None, false),
            };
            next = if let Some(cause) = cause.filter(|c| !seen.contains(&c.addr())) {
                Some((
                    cause,
                    "\nThe above exception was the direct cause of the following exception:\n\n",
                ))
            } else if let Some(context) = context.filter(|c| !suppress && !seen.contains(&c.addr())) {
                Some((
                    context,
                    "\nDuring handling of the above exception, another exception occurred:\n\n",
                ))
            } else {
                None
            };
            chain.push((exc, followed_by));
        }
        let mut out = String::new();
        let mut separator = "";
        for (exc, followed_by) in chain.into_iter().rev() {
            out.push_str(separator);
            out.push_str(&self.format_single(&exc));
            separator = followed_by;
        }
        out
    }

    /// The exception with its traceback but not its `__cause__` / `__context__` chain: what
    /// CPython's default `sys.unraisablehook` prints.
    pub fn format_exception_alone(&mut self, exc: &ObjRef) -> String {
        self.format_single(exc)
    }

    /// Where the exception's traceback has been, innermost first.
    pub fn traceback_places(&self, exc: &ObjRef) -> Vec<SourcePlace> {
        match &exc.payload {
            Payload::Instance(inst) => inst
                .exception
                .as_ref()
                .map(|s| {
                    let state = s.lock(self.py);
                    let shown = state.traceback.iter().filter(|e| !stands_in_for_c(&e.at.code.filename));
                    shown.map(|e| e.at.clone()).collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    fn format_single(&mut self, exc: &ObjRef) -> String {
        let mut out = String::new();
        let entries = self.traceback_places(exc);
        if !entries.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
            // Entries were recorded innermost first; print outermost first. A frame repeating
            // the one before (runaway recursion) is printed three times, then counted.
            let mut repeats = 0;
            let mut previous: Option<&SourcePlace> = None;
            for entry in entries.iter().rev() {
                let same = previous.is_some_and(|p| {
                    p.line == entry.line && p.code.filename == entry.code.filename && p.code.name == entry.code.name
                });
                if !same {
                    out.push_str(&repeated_lines(repeats));
                    repeats = 0;
                }
                previous = Some(entry);
                repeats += 1;
                if repeats > RECURSIVE_CUTOFF {
                    continue;
                }
                out.push_str(&format!(
                    "  File \"{}\", line {}, in {}\n",
                    entry.code.filename, entry.line, entry.code.name
                ));
                if let Some(text) = quoted_source(entry) {
                    out.push_str(&text);
                }
            }
            out.push_str(&repeated_lines(repeats));
        }
        out.push_str(&self.format_exception_only(exc));
        out
    }

    /// The lines after an exception's traceback: `TypeName: message`, or for a `SyntaxError`
    /// where it is and its message.
    pub fn format_exception_only(&mut self, exc: &ObjRef) -> String {
        let mut out = String::new();
        if let Some(details) = self.syntax_details(exc) {
            // Where the syntax error is, then only its message, as CPython prints it.
            out.push_str(&syntax_error_location(&details));
            let class = self.class_of(exc);
            let name = match &class.payload {
                Payload::Type(t) => t.qualname.clone(),
                _ => details.class.to_string(),
            };
            out.push_str(&format!("{name}: {}\n", details.msg));
            return out;
        }
        out.push_str(&self.exception_summary(exc));
        out.push('\n');
        out
    }

    /// A `SyntaxError` raised for source that failed to compile: `args` is `(msg, (filename,
    /// lineno, offset, text, end_lineno, end_offset))`, as CPython makes it.
    pub fn syntax_error(&mut self, details: &crate::SyntaxDetails) -> super::PyErr {
        let class = crate::objects::types::types()
            .by_name(details.class)
            .unwrap_or(&crate::objects::types::types().syntax_error)
            .clone_ref(self.py);
        let text = match &details.text {
            Some(text) => self.new_str(text.as_str()),
            None => Value::None,
        };
        let location = vec![
            self.new_str(details.filename.as_str()),
            Value::Int(details.line as i64),
            Value::Int(details.offset as i64),
            text,
            Value::Int(details.end_line as i64),
            Value::Int(details.end_offset as i64),
        ];
        let location = self.new_tuple(location);
        let msg = self.new_str(details.msg.as_str());
        self.new_error_with_args(&class, vec![msg, location])
    }

    /// The attributes of a `SyntaxError` that says where it is (`filename` and `lineno` set),
    /// read as a program may have changed them.
    fn syntax_details(&mut self, exc: &ObjRef) -> Option<crate::SyntaxDetails> {
        let class = self.class_of(exc);
        if !super::is_subclass(class, &crate::objects::types::types().syntax_error) {
            return None;
        }
        let value = Value::Obj(exc.clone_ref(self.py));
        let mut attr = |name: &str| {
            self.get_attr_opt(&value, &crate::objects::types::intern(name))
                .ok()
                .flatten()
        };
        let filename = attr("filename")?.as_str()?.to_string();
        let line = attr("lineno").as_ref().and_then(super::ops::as_small_int)?;
        let number = |v: Option<Value>| v.as_ref().and_then(super::ops::as_small_int).unwrap_or(0).max(0) as usize;
        let offset = number(attr("offset"));
        let end_line = number(attr("end_lineno"));
        let end_offset = number(attr("end_offset"));
        let text = attr("text").and_then(|t| t.as_str().map(str::to_string));
        let msg = match attr("msg") {
            Some(m) if m.as_str().is_some() => m.as_str().unwrap_or_default().to_string(),
            _ => String::new(),
        };
        Some(crate::SyntaxDetails {
            class: "SyntaxError",
            msg,
            filename,
            line: line.max(0) as usize,
            offset,
            end_line,
            end_offset,
            text,
        })
    }

    /// `TypeName: message` (just `TypeName` when the message is empty).
    pub fn exception_summary(&mut self, exc: &ObjRef) -> String {
        let value = Value::Obj(exc.clone_ref(self.py));
        let class = self.class_of(exc);
        let name = match &class.payload {
            Payload::Type(t) if t.module == "builtins" || t.module == "__main__" => t.qualname.clone(),
            Payload::Type(t) => format!("{}.{}", t.module, t.qualname),
            _ => "?".to_string(),
        };
        let message = self
            .str(&value)
            .unwrap_or_else(|_| "<exception str() failed>".to_string());
        if message.is_empty() {
            name
        } else {
            format!("{name}: {message}")
        }
    }
}
