//! The frames running on a thread, as Python sees them: `sys._getframe()`, `frame.f_back`,
//! `traceback.tb_frame`.
//!
//! The eval loop keeps its frames on the native stack, out of reach of the native functions it
//! calls, so each Python frame also pushes a small record here while it runs: its code object
//! (immortal, so sharing it counts nothing), its globals, its namespace for module and class
//! bodies, and the instruction it was at when it last called out. A frame object is a snapshot
//! of one record, made when a program asks for it.

use crate::objects::types::{clone_immortal, types};
use crate::objects::{DictTable, Instance, ObjLock, ObjRef, Payload, Value};

use super::Vm;

/// A Python frame that is running on this thread.
pub struct ActiveFrame {
    /// A `Payload::Code` object.
    pub code: ObjRef,
    pub globals: ObjRef,
    /// The namespace of a module or class body (`None` for a function's frame).
    pub locals: Option<ObjRef>,
    /// The index of the instruction after the one that last called out of the frame.
    pub pc: usize,
}

/// The source line of the instruction before `pc` in `code`.
fn line_at(code: &ObjRef, pc: usize) -> u32 {
    let Payload::Code(handle) = &code.payload else {
        return 0;
    };
    let lines = &handle.code.lines;
    lines.get(pc.saturating_sub(1)).or(lines.last()).copied().unwrap_or(0)
}

impl Vm<'_> {
    /// Remember where the innermost frame is before it calls out: that is the line its frame
    /// object reports while the callee runs.
    #[inline(always)]
    pub fn note_call_site(&mut self, pc: usize) {
        if let Some(top) = self.frames.last_mut() {
            top.pc = pc;
        }
    }

    /// `sys._getframe(depth)`: the frame `depth` levels out from the innermost Python frame.
    pub fn frame_object(&mut self, depth: usize) -> Option<Value> {
        let index = self.frames.len().checked_sub(depth + 1)?;
        let mut back = Value::None;
        // Outermost first, so each frame's `f_back` is already made.
        for i in 0..=index {
            let record = &self.frames[i];
            let line = line_at(&record.code, record.pc);
            let code = record.code.clone_ref(self.py);
            let globals = record.globals.clone_ref(self.py);
            let locals = record.locals.as_ref().map(|l| l.clone_ref(self.py));
            back = self.new_frame_object(code, globals, locals, line, back);
        }
        Some(back)
    }

    /// A `frame` object: `f_code`, `f_globals`, `f_builtins`, `f_lineno`, `f_back`, and
    /// `f_locals` for a module or class body (a function's locals are not kept where a native
    /// function can read them, so its frame has no `f_locals`: reading it raises rather than
    /// answer with an empty dict).
    pub fn new_frame_object(
        &mut self,
        code: ObjRef,
        globals: ObjRef,
        locals: Option<ObjRef>,
        line: u32,
        back: Value,
    ) -> Value {
        let mut dict = DictTable::new();
        dict.insert_name("f_back", back);
        dict.insert_name("f_code", Value::Obj(code));
        dict.insert_name("f_lineno", Value::Int(i64::from(line)));
        dict.insert_name("f_lasti", Value::Int(0));
        dict.insert_name("f_trace", Value::None);
        dict.insert_name("f_builtins", Value::Obj(self.builtins.clone_ref(self.py)));
        if let Some(locals) = locals {
            dict.insert_name("f_locals", Value::Obj(locals));
        }
        dict.insert_name("f_globals", Value::Obj(globals));
        self.alloc(Payload::Instance(Box::new(Instance {
            class: clone_immortal(&types().frame),
            dict: ObjLock::new(crate::objects::InstanceDict::Inline(dict)),
            slots: None,
            exception: None,
            base: None,
        })))
    }
}
