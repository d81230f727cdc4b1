//! Frames and the slots they run in.
//!
//! A frame's local variables and operand stack are not its own vectors but windows into a
//! [`Slots`] shared by a chain of calls, as in CPython's per-thread value stack: a
//! Python-to-Python call appends the callee's locals after the caller's (its arguments are moved
//! there from the caller's operand stack) and truncates them again on return, so a call
//! allocates nothing and moves no buffer. A generator's frame owns its `Slots`, so it can be
//! suspended on the heap between `next()` calls.

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

/// Local variable slots and operand stacks of the frames running on them, innermost last.
#[derive(Default)]
pub struct Slots {
    /// Local variable slots; `None` while unbound.
    pub fast: Vec<Option<Value>>,
    pub stack: Vec<Value>,
}

/// What a frame runs: its code and globals, lent by whoever keeps them alive meanwhile (the
/// function being called, the generator, the module), so starting a frame counts no reference.
#[derive(Clone, Copy)]
pub struct FrameCode<'a> {
    /// The `Payload::Code` object `handle` is the payload of (immortal: sharing it is free).
    pub object: &'a ObjRef,
    pub handle: &'a CodeHandle,
    pub globals: &'a ObjRef,
}

impl<'a> FrameCode<'a> {
    /// `code` must be a `Payload::Code` object.
    pub fn new(code: &'a ObjRef, globals: &'a ObjRef) -> Option<FrameCode<'a>> {
        match &code.payload {
            Payload::Code(handle) => Some(FrameCode {
                object: code,
                handle,
                globals,
            }),
            _ => None,
        }
    }
}

/// The state of a running frame.
pub struct Frame {
    /// The namespace dict of module and class bodies (`LoadName` / `StoreName`).
    pub locals: Option<ObjRef>,
    /// Cells for `cellvars` then `freevars`.
    pub cells: Vec<ObjRef>,
    pub blocks: Vec<Block>,
    /// Index of the next instruction.
    pub pc: usize,
    /// Where this frame's locals start in `Slots::fast`.
    pub fast_base: usize,
    /// Where its operand stack starts in `Slots::stack` (block levels are absolute indices).
    pub stack_base: usize,
}

/// A generator's frame, what it runs and its own slots, kept on the heap while suspended.
pub struct SuspendedFrame {
    /// A `Payload::Code` object.
    pub code: ObjRef,
    pub globals: ObjRef,
    pub frame: Frame,
    pub slots: Slots,
}

impl Frame {
    /// A frame whose locals start at `fast_base` and whose operand stack starts at
    /// `stack_base` in its slots.
    pub fn new(locals: Option<ObjRef>, fast_base: usize, stack_base: usize) -> Frame {
        Frame {
            locals,
            cells: Vec::new(),
            blocks: Vec::new(),
            pc: 0,
            fast_base,
            stack_base,
        }
    }

    /// The source span of the instruction being executed.
    pub fn span(&self, code: &CodeHandle) -> crate::syntax::ast::Span {
        let spans = &code.code.spans;
        spans
            .get(self.pc.saturating_sub(1))
            .or(spans.last())
            .copied()
            .unwrap_or(crate::syntax::ast::Span::new(0, 0))
    }

    /// The source line of the instruction being executed.
    pub fn line(&self, code: &CodeHandle) -> u32 {
        let lines = &code.code.lines;
        lines
            .get(self.pc.saturating_sub(1))
            .or(lines.last())
            .copied()
            .unwrap_or(0)
    }

    /// This frame's local slots.
    pub fn fast<'a>(&self, slots: &'a Slots) -> &'a [Option<Value>] {
        slots.fast.get(self.fast_base..).unwrap_or(&[])
    }
}
