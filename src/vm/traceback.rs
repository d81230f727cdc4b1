//! Printing uncaught exceptions the way CPython does, chained causes and contexts included.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use crate::objects::{ObjRef, Payload, Value};

use super::Vm;

/// Source text of every file compiled, so tracebacks can quote lines.
fn sources() -> &'static Mutex<HashMap<String, Arc<str>>> {
    static SOURCES: OnceLock<Mutex<HashMap<String, Arc<str>>>> = OnceLock::new();
    SOURCES.get_or_init(Default::default)
}

pub fn register_source(filename: &str, source: &str) {
    sources().lock().insert(filename.to_string(), Arc::from(source));
}

fn source_line(filename: &str, line: u32) -> Option<String> {
    let source = sources().lock().get(filename).cloned()?;
    let text = source.lines().nth(line.checked_sub(1)? as usize)?;
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

impl Vm<'_> {
    /// The full report for an uncaught exception.
    pub fn format_exception(&mut self, exc: &ObjRef) -> String {
        let mut seen = Vec::new();
        self.format_chain(exc, &mut seen)
    }

    fn format_chain(&mut self, exc: &ObjRef, seen: &mut Vec<usize>) -> String {
        seen.push(exc.addr());
        let py = self.py;
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
        let mut out = String::new();
        if let Some(cause) = cause.filter(|c| !seen.contains(&c.addr())) {
            out.push_str(&self.format_chain(&cause, seen));
            out.push_str("\nThe above exception was the direct cause of the following exception:\n\n");
        } else if let Some(context) = context.filter(|c| !suppress && !seen.contains(&c.addr())) {
            out.push_str(&self.format_chain(&context, seen));
            out.push_str("\nDuring handling of the above exception, another exception occurred:\n\n");
        }
        out.push_str(&self.format_single(exc));
        out
    }

    fn format_single(&mut self, exc: &ObjRef) -> String {
        let mut out = String::new();
        let entries = match &exc.payload {
            Payload::Instance(inst) => inst
                .exception
                .as_ref()
                .map(|s| s.lock(self.py).traceback.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        if !entries.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
            // Entries were recorded innermost first; print outermost first.
            for (code, line) in entries.iter().rev() {
                out.push_str(&format!(
                    "  File \"{}\", line {}, in {}\n",
                    code.filename, line, code.name
                ));
                if let Some(text) = source_line(&code.filename, *line) {
                    out.push_str(&format!("    {text}\n"));
                }
            }
        }
        out.push_str(&self.exception_summary(exc));
        out.push('\n');
        out
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
