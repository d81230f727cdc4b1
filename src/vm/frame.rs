//! Frames live on the heap so a generator can keep its frame between `next()` calls.

use crate::objects::{CodeHandle, ObjRef, Payload, Value};

/// An entry of a frame's block stack (see `Instr::SetupTry`).
pub enum Block {
    /// Inside a protected body: on an exception, truncate the stack to `level`, jump to
    /// `handler`.
    Try { handler: u32, level: u32 },
    /// Running an except/finally handler: `previous` is the exception that was being handled
    /// before, restored when the handler ends.
    Handler { level: u32, previous: Option<ObjRef> },
}

pub struct Frame {
    /// A `Payload::Code` object.
    pub code: ObjRef,
    pub globals: ObjRef,
    /// The namespace dict of module and class bodies (`LoadName` / `StoreName`).
    pub locals: Option<ObjRef>,
    /// Local variable slots; `None` while unbound.
    pub fast: Vec<Option<Value>>,
    /// Cells for `cellvars` then `freevars`.
    pub cells: Vec<ObjRef>,
    pub stack: Vec<Value>,
    pub blocks: Vec<Block>,
    /// Index of the next instruction.
    pub pc: usize,
}

impl Frame {
    pub fn handle(&self) -> &CodeHandle {
        match &self.code.payload {
            Payload::Code(handle) => handle,
            _ => unreachable!("a frame always runs a code object"),
        }
    }

    /// The source span of the instruction being executed.
    pub fn span(&self) -> crate::syntax::ast::Span {
        let spans = &self.handle().code.spans;
        spans
            .get(self.pc.saturating_sub(1))
            .or(spans.last())
            .copied()
            .unwrap_or(crate::syntax::ast::Span::new(0, 0))
    }

    /// The source line of the instruction being executed.
    pub fn line(&self) -> u32 {
        let lines = &self.handle().code.lines;
        lines
            .get(self.pc.saturating_sub(1))
            .or(lines.last())
            .copied()
            .unwrap_or(0)
    }
}
