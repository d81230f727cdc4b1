//! The eval loop: one `match` over [`Instr`], clox style.

use crate::compile::bytecode::{BinOp, CmpOp, Instr, format_flags, make_function_flags};
use crate::objects::types::{clone_immortal, types};
use crate::objects::{CodeHandle, DictTable, Function, GenKind, ObjLock, ObjRef, Payload, PyObject, Value};

use super::frame::{Block, Frame, FrameCode, Slots};
use super::recursion::context;
use super::{PyErr, PyResult, Vm};

/// `try_!(e)` in `execute` and `execute_rare`: the value of `e`, or return its error as raised
/// here (not re-raised).
macro_rules! try_ {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(err) => return Err((err, false)),
        }
    };
}

/// Defines `pop!()` and `top!()` on the operand stack of `$slots` inside `execute` and
/// `execute_rare` (a macro defined inside a function sees that function's variables).
macro_rules! operand_macros {
    ($slots:ident) => {
        macro_rules! pop {
            // A `match`, not `unwrap_or(Value::None)`: that drops the unused default out of line.
            () => {
                match $slots.stack.pop() {
                    Some(v) => v,
                    None => Value::None,
                }
            };
        }
        macro_rules! top {
            () => {
                $slots.stack.last().unwrap_or(&Value::None)
            };
        }
    };
}

/// How a frame stopped running.
pub enum FrameExit {
    Return(Value),
    /// A generator frame suspended at `yield`; resuming pushes the sent value.
    Yield(Value),
}

/// Drop what a frame that returned or raised left in `slots`: its locals and operands.
#[inline(always)]
fn release_frame_slots(frame: &Frame, slots: &mut Slots) {
    // Usually the operand stack is already empty (a `return` inside a `for` leaves the
    // iterator): test before `truncate`, whose drop loop is a call.
    if slots.stack.len() > frame.stack_base {
        slots.stack.truncate(frame.stack_base);
    }
    while slots.fast.len() > frame.fast_base {
        slots.fast.pop();
    }
}

/// Marks "no self" in the pair `LoadMethod` pushes.
fn no_self_marker() -> Value {
    Value::Obj(clone_immortal(&types().none_type))
}

impl Vm<'_> {
    /// Run `frame` on `slots` until it returns, yields or raises. A frame that returns or
    /// raises leaves `slots` as it found them: its locals and operands are dropped.
    pub fn run_frame(&mut self, code: FrameCode<'_>, frame: &mut Frame, slots: &mut Slots) -> PyResult<FrameExit> {
        self.run_frame_raising(code, frame, slots, None)
    }

    /// Run `frame`, first raising `pending` at its current instruction (`generator.throw`).
    pub fn run_frame_raising(
        &mut self,
        code: FrameCode<'_>,
        frame: &mut Frame,
        slots: &mut Slots,
        pending: Option<PyErr>,
    ) -> PyResult<FrameExit> {
        if let Err(err) = self.enter_recursive_call(context::PYTHON_CALL) {
            // Refused for depth, the frame still leaves `slots` as it found them: the callee's
            // locals are already there, and the slots may go back to the pool.
            release_frame_slots(frame, slots);
            return Err(err);
        }
        self.frames.push(super::frames::ActiveFrame {
            code: code.object.clone_ref(self.py),
            globals: code.globals.clone_ref(self.py),
            locals: frame.locals.as_ref().map(|l| l.clone_ref(self.py)),
            pc: frame.pc,
        });
        let result = self.run_frame_inner(code, frame, slots, pending);
        self.frames.pop();
        self.leave_recursive_call();
        if !matches!(result, Ok(FrameExit::Yield(_))) {
            release_frame_slots(frame, slots);
        }
        result
    }

    fn run_frame_inner(
        &mut self,
        code: FrameCode<'_>,
        frame: &mut Frame,
        slots: &mut Slots,
        pending: Option<PyErr>,
    ) -> PyResult<FrameExit> {
        if let Some(err) = pending {
            self.record_raise(code, frame, &err, false);
            self.unwind_to_handler(frame, slots, err)?;
        }
        loop {
            match self.execute(code, frame, slots) {
                Ok(exit) => return Ok(exit),
                Err((err, reraise)) => {
                    self.record_raise(code, frame, &err, reraise);
                    if !self.unwind_to_handler(frame, slots, err)? {
                        continue;
                    }
                }
            }
        }
    }

    /// A fresh exception gets this frame's line in its traceback and the exception being handled
    /// as its `__context__`; every frame it passes through adds its line.
    fn record_raise(&mut self, code: FrameCode<'_>, frame: &Frame, err: &PyErr, reraise: bool) {
        let Payload::Instance(inst) = &err.exc.payload else {
            return;
        };
        let Some(state) = &inst.exception else { return };
        let handled = self.handled.as_ref().map(|h| h.clone_ref(self.py));
        let mut state = state.lock(self.py);
        if reraise {
            return;
        }
        if state.traceback.is_empty()
            && state.context.is_none()
            && let Some(handled) = handled
            && !handled.is(&err.exc)
        {
            state.context = Some(Value::Obj(handled));
        }
        state.traceback.push(crate::objects::TracebackEntry {
            at: crate::objects::SourcePlace {
                code: code.handle.code.clone(),
                line: frame.line(code.handle),
                span: frame.span(code.handle),
            },
            lasti: u32::try_from(frame.pc.saturating_sub(1)).unwrap_or(u32::MAX),
            code_object: code.object.clone_ref(self.py),
            globals: code.globals.clone_ref(self.py),
        });
    }

    /// Find the innermost try block; returns `Ok(false)` to resume at its handler, or the error
    /// when the frame has none left.
    fn unwind_to_handler(&mut self, frame: &mut Frame, slots: &mut Slots, err: PyErr) -> PyResult<bool> {
        while let Some(block) = frame.blocks.pop() {
            match block {
                Block::Handler { level, previous } => {
                    self.handled = previous;
                    slots.stack.truncate(level as usize);
                }
                Block::Try { handler, level } => {
                    slots.stack.truncate(level as usize);
                    let previous = self.handled.replace(err.exc.clone_ref(self.py));
                    frame.blocks.push(Block::Handler { level, previous });
                    slots.stack.push(Value::Obj(err.exc));
                    frame.pc = handler as usize;
                    return Ok(false);
                }
            }
        }
        Err(err)
    }

    /// Leave a frame that returns: restore the handled exception of any open handler blocks.
    fn unwind_all(&mut self, frame: &mut Frame) {
        while let Some(block) = frame.blocks.pop() {
            if let Block::Handler { previous, .. } = block {
                self.handled = previous;
            }
        }
    }

    /// The dispatch loop. Errors carry whether they come from `Reraise`/bare `raise` (which keep
    /// their traceback as is).
    fn execute(
        &mut self,
        code: FrameCode<'_>,
        frame: &mut Frame,
        slots: &mut Slots,
    ) -> Result<FrameExit, (PyErr, bool)> {
        let FrameCode { handle, globals, .. } = code;
        // Fixed for the frame's life: read once, not through `frame` at every local access.
        let fast_base = frame.fast_base;
        let instructions = &handle.code.instructions[..];
        let py = self.py;
        operand_macros!(slots);
        loop {
            let Some(&instr) = instructions.get(frame.pc) else {
                return Ok(FrameExit::Return(Value::None));
            };
            frame.pc += 1;
            match instr {
                Instr::Nop => {}
                Instr::LoadConst(i) => slots.stack.push(handle.constants[i as usize].clone_ref(py)),
                Instr::LoadFast(i) => match &slots.fast[fast_base + i as usize] {
                    Some(v) => slots.stack.push(v.clone_ref(py)),
                    None => return Err((self.unbound_local(handle, i), false)),
                },
                Instr::StoreFast(i) => {
                    let old = slots.fast[fast_base + i as usize].replace(pop!());
                    if let Some(Value::Obj(old)) = old
                        && old.release()
                    {
                        self.finalize_dropped();
                    }
                }
                Instr::LoadDeref(i) => {
                    let value = cell_get(&frame.cells[i as usize], py);
                    match value {
                        Some(v) => slots.stack.push(v),
                        None => return Err((self.unbound_deref(handle, i), false)),
                    }
                }
                Instr::StoreDeref(i) => {
                    let value = pop!();
                    if let Payload::Cell(cell) = &frame.cells[i as usize].payload {
                        let old = cell.lock(py).replace(value);
                        drop(old);
                    }
                    self.finalize_dropped();
                }
                Instr::LoadGlobal(i) => {
                    let value = match self.load_global_hit(globals, handle, i as usize) {
                        Some(v) => v,
                        None => try_!(self.load_global_hinted(globals, handle, i as usize)),
                    };
                    slots.stack.push(value);
                }
                Instr::StoreGlobal(i) => {
                    let value = pop!();
                    self.store_global_hinted(globals, handle, i as usize, value);
                    self.finalize_dropped();
                }
                Instr::LoadName(i) => {
                    let key = &handle.names[i as usize];
                    let local = match &frame.locals {
                        // Module level: the namespace is the globals, whose lookups are hinted.
                        Some(locals) if locals.is(globals) => None,
                        Some(locals) => try_!(self.dict_get_str(locals, key)),
                        None => None,
                    };
                    let value = match local {
                        Some(v) => v,
                        None => try_!(self.load_global_hinted(globals, handle, i as usize)),
                    };
                    slots.stack.push(value);
                }
                Instr::StoreName(i) => {
                    let value = pop!();
                    match &frame.locals {
                        Some(locals) if !locals.is(globals) => {
                            try_!(self.dict_set_str(locals, &handle.names[i as usize], value))
                        }
                        _ => self.store_global_hinted(globals, handle, i as usize, value),
                    }
                    self.finalize_dropped();
                }
                Instr::LoadAttr(i) => {
                    let obj = pop!();
                    let name = &handle.names[i as usize];
                    let value = match self.instance_attr_fast(&obj, name) {
                        Some(v) => v,
                        None => {
                            // A property's getter may look at the stack (a deprecation warning).
                            self.note_call_site(frame.pc);
                            try_!(self.get_attr(&obj, name))
                        }
                    };
                    slots.stack.push(value);
                }
                Instr::StoreAttr(i) => {
                    let obj = pop!();
                    let value = pop!();
                    try_!(self.set_attr(&obj, &handle.names[i as usize], value));
                    drop(obj);
                    self.finalize_dropped();
                }
                Instr::LoadMethod(i) => {
                    let obj = pop!();
                    match try_!(self.get_method(&obj, &handle.names[i as usize])) {
                        Some(function) => {
                            slots.stack.push(function);
                            slots.stack.push(obj);
                        }
                        None => {
                            let attr = try_!(self.get_attr(&obj, &handle.names[i as usize]));
                            slots.stack.push(attr);
                            slots.stack.push(no_self_marker());
                        }
                    }
                }
                Instr::CallMethod(argc) => {
                    self.note_call_site(frame.pc);
                    self.finalize_point();
                    let argc = argc as usize;
                    let base = slots.stack.len() - argc - 2;
                    let is_marker = matches!(&slots.stack[base + 1], Value::Obj(o) if o.is(&types().none_type));
                    let first_arg = if is_marker { base + 2 } else { base + 1 };
                    if let Some(result) = self.call_inline(slots, base, first_arg) {
                        slots.stack.push(try_!(result));
                        try_!(self.check_point());
                        continue;
                    }
                    // The slots are not part of `self`, so the callable and arguments can be
                    // lent to the call without copying them.
                    let (callable, rest) = slots.stack[base..].split_at(1);
                    let args = if is_marker { &rest[1..] } else { rest };
                    let result = match callable[0].payload() {
                        Some(Payload::Function(function)) => self.call_function(function, args, &[]),
                        _ => self.call(&callable[0], args, &[]),
                    };
                    slots.stack.truncate(base);
                    slots.stack.push(try_!(result));
                    try_!(self.check_point());
                }
                Instr::BinarySubscr => {
                    let index = pop!();
                    let obj = pop!();
                    // `list[i]` with an index in range, the common case, without the general
                    // path's calls; anything else (negative, out of range) goes there.
                    if let (Some(Payload::List(items)), Value::Int(i)) = (obj.payload(), &index)
                        && let Ok(i) = usize::try_from(*i)
                        && let Some(item) = items.lock(py).get(i).map(|v| v.clone_ref(py))
                    {
                        slots.stack.push(item);
                        continue;
                    }
                    slots.stack.push(try_!(self.get_item(&obj, &index)));
                }
                Instr::StoreSubscr => {
                    let index = pop!();
                    let obj = pop!();
                    let value = pop!();
                    try_!(self.set_item(&obj, index, value));
                    drop(obj);
                    self.finalize_dropped();
                }
                Instr::BuildSlice(n) => {
                    let step = if n == 3 { pop!() } else { Value::None };
                    let stop = pop!();
                    let start = pop!();
                    slots
                        .stack
                        .push(self.alloc(Payload::Slice(Box::new([start, stop, step]))));
                }
                Instr::Binary(op) => {
                    // Small-int arithmetic in place on the stack: matching the operands by reference
                    // reads tag and payload separately, which the CPU forwards from the stores
                    // that just pushed them (moving a whole 16-byte value out would stall).
                    if let Some(fast) = int_fast_path(&mut slots.stack, |a, b| small_int_arith(op, a, b)) {
                        slots.stack.push(fast);
                        continue;
                    }
                    if let Some(fast) = float_fast_path(&mut slots.stack, op) {
                        slots.stack.push(fast);
                        continue;
                    }
                    let right = pop!();
                    let left = pop!();
                    slots.stack.push(try_!(self.binary_op(op, &left, &right)));
                }
                Instr::InPlace(op) => {
                    if let Some(fast) = int_fast_path(&mut slots.stack, |a, b| small_int_arith(op, a, b)) {
                        slots.stack.push(fast);
                        continue;
                    }
                    if let Some(fast) = float_fast_path(&mut slots.stack, op) {
                        slots.stack.push(fast);
                        continue;
                    }
                    let right = pop!();
                    let left = pop!();
                    slots.stack.push(try_!(self.inplace_op(op, left, &right)));
                }
                Instr::Unary(op) => {
                    let operand = pop!();
                    slots.stack.push(try_!(self.unary_op(op, &operand)));
                }
                Instr::Compare(op) => {
                    if let Some(fast) = int_fast_path(&mut slots.stack, |a, b| ordered(op, a, b).map(Value::Bool)) {
                        slots.stack.push(fast);
                        continue;
                    }
                    let right = pop!();
                    let left = pop!();
                    if let Some(ordered) = float_compare(op, &left, &right) {
                        slots.stack.push(Value::Bool(ordered));
                        continue;
                    }
                    let result = match (op, &left, &right) {
                        (CmpOp::Lt, Value::Int(a), Value::Int(b)) => Value::Bool(a < b),
                        (CmpOp::LtE, Value::Int(a), Value::Int(b)) => Value::Bool(a <= b),
                        (CmpOp::Gt, Value::Int(a), Value::Int(b)) => Value::Bool(a > b),
                        (CmpOp::GtE, Value::Int(a), Value::Int(b)) => Value::Bool(a >= b),
                        (CmpOp::Eq, Value::Int(a), Value::Int(b)) => Value::Bool(a == b),
                        (CmpOp::NotEq, Value::Int(a), Value::Int(b)) => Value::Bool(a != b),
                        _ => match op {
                            CmpOp::Is => Value::Bool(left.is(&right)),
                            CmpOp::IsNot => Value::Bool(!left.is(&right)),
                            CmpOp::In => Value::Bool(try_!(self.contains(&right, &left))),
                            CmpOp::NotIn => Value::Bool(!try_!(self.contains(&right, &left))),
                            _ => try_!(self.compare(op, &left, &right)),
                        },
                    };
                    slots.stack.push(result);
                }
                Instr::Pop => {
                    if let Value::Obj(old) = pop!()
                        && old.release()
                    {
                        self.finalize_dropped();
                    }
                }
                Instr::Dup => slots.stack.push(top!().clone_ref(py)),
                Instr::Rot2 => {
                    let n = slots.stack.len();
                    slots.stack.swap(n - 1, n - 2);
                }
                Instr::Jump(target) => frame.pc = target as usize,
                Instr::JumpBackward(target) => {
                    frame.pc = target as usize;
                    try_!(self.check_point());
                }
                Instr::PopJumpIfFalse(target) => {
                    let truth = match slots.stack.last() {
                        Some(Value::Bool(b)) => *b,
                        Some(v) => try_!(self.is_true(v)),
                        None => false,
                    };
                    slots.stack.pop();
                    if !truth {
                        frame.pc = target as usize;
                    }
                }
                Instr::PopJumpIfTrue(target) => {
                    let v = pop!();
                    if try_!(self.is_true(&v)) {
                        frame.pc = target as usize;
                    }
                }
                Instr::JumpIfFalseOrPop(target) => {
                    if !try_!(self.is_true(top!())) {
                        frame.pc = target as usize;
                    } else {
                        drop(pop!());
                    }
                }
                Instr::JumpIfTrueOrPop(target) => {
                    if try_!(self.is_true(top!())) {
                        frame.pc = target as usize;
                    } else {
                        drop(pop!());
                    }
                }
                Instr::GetIter => {
                    let v = pop!();
                    slots.stack.push(try_!(self.iter(&v)));
                }
                Instr::ForIter(target) => {
                    // A loop's own iterator, which only this stack holds, advances without
                    // taking its lock (an atomic read-modify-write when free-threaded).
                    if let Some(Value::Obj(it)) = slots.stack.last_mut()
                        && let Some(PyObject {
                            payload: Payload::Iterator(_, state),
                            ..
                        }) = it.get_mut()
                        && let Some(next) = super::ops::advance_simple(py, state.get_mut())
                    {
                        match next {
                            Some(v) => slots.stack.push(v),
                            None => {
                                drop(pop!());
                                frame.pc = target as usize;
                            }
                        }
                        continue;
                    }
                    let next = match self.next_fast(top!()) {
                        Some(next) => next,
                        None => try_!(self.next(top!())),
                    };
                    match next {
                        Some(v) => slots.stack.push(v),
                        None => {
                            drop(pop!());
                            frame.pc = target as usize;
                        }
                    }
                }
                Instr::BuildTuple(n) => {
                    let items = slots.stack.split_off(slots.stack.len() - n as usize);
                    slots.stack.push(self.new_tuple(items));
                }
                Instr::ListAppend(n) => {
                    let v = pop!();
                    let at = slots.stack.len() - n as usize;
                    // The comprehension's list is usually only on this stack: no lock needed.
                    if let Value::Obj(list) = &mut slots.stack[at]
                        && let Some(object) = list.get_mut()
                        && let Payload::List(items) = &mut object.payload
                    {
                        items.get_mut().push(v);
                    } else if let Some(Payload::List(items)) = slots.stack[at].payload() {
                        items.lock(py).push(v);
                    }
                }
                Instr::SetAdd(n) => {
                    let v = pop!();
                    let set = slots.stack[slots.stack.len() - n as usize].clone_ref(py);
                    try_!(self.set_add(&set, v));
                }
                Instr::MapAdd(n) => {
                    let v = pop!();
                    let k = pop!();
                    let dict = slots.stack[slots.stack.len() - n as usize].clone_ref(py);
                    try_!(self.dict_set(&dict, k, v));
                }
                Instr::UnpackSequence(n) => {
                    let seq = pop!();
                    let items = try_!(self.unpack(&seq, n as usize, None));
                    slots.stack.extend(items.into_iter().rev());
                }
                Instr::Call(argc) => {
                    self.note_call_site(frame.pc);
                    self.finalize_point();
                    let base = slots.stack.len() - argc as usize - 1;
                    if let Some(result) = self.call_inline(slots, base, base + 1) {
                        slots.stack.push(try_!(result));
                        try_!(self.check_point());
                        continue;
                    }
                    if let Some(result) = self.instantiate_inline(slots, base) {
                        slots.stack.push(try_!(result));
                        try_!(self.check_point());
                        continue;
                    }
                    // `super()`, `locals()`, `globals()`, `dir()`, `vars()` and `exec(source)`
                    // look at the calling frame.
                    let callee = &slots.stack[base];
                    if (argc == 0 && is_super(callee))
                        || crate::modules::builtins::frame_builtin(callee).is_some_and(|b| b.reads_frame(argc))
                    {
                        self.execute_rare(instr, code, frame, slots)?;
                        continue;
                    }
                    let (callable, args) = slots.stack[base..].split_at(1);
                    let result = match callable[0].payload() {
                        Some(Payload::Function(function)) => self.call_function(function, args, &[]),
                        _ => self.call(&callable[0], args, &[]),
                    };
                    slots.stack.truncate(base);
                    slots.stack.push(try_!(result));
                    try_!(self.check_point());
                }
                Instr::ReturnValue => {
                    let value = pop!();
                    if !frame.blocks.is_empty() {
                        self.unwind_all(frame);
                    }
                    return Ok(FrameExit::Return(value));
                }
                Instr::YieldValue => {
                    let value = pop!();
                    return Ok(FrameExit::Yield(value));
                }
                _ => {
                    if let Some(exit) = self.execute_rare(instr, code, frame, slots)? {
                        return Ok(exit);
                    }
                }
            }
        }
    }

    /// The instructions hot loops seldom run, out of line: `execute` stays small enough for its
    /// hot values to live in registers. `Ok(Some(exit))` when the frame stops.
    #[inline(never)]
    fn execute_rare(
        &mut self,
        instr: Instr,
        code: FrameCode<'_>,
        frame: &mut Frame,
        slots: &mut Slots,
    ) -> Result<Option<FrameExit>, (PyErr, bool)> {
        let FrameCode { handle, globals, .. } = code;
        let fast_base = frame.fast_base;
        let py = self.py;
        self.note_call_site(frame.pc);
        operand_macros!(slots);
        match instr {
            Instr::Call(0) if is_super(top!()) => {
                drop(pop!());
                let value = try_!(self.zero_arg_super(handle, frame, slots));
                slots.stack.push(value);
            }
            Instr::Call(argc) if let Some(which) = frame_builtin_call(slots, argc) => {
                use crate::modules::builtins::FrameBuiltin;
                let value = match which {
                    FrameBuiltin::Globals => Value::Obj(globals.clone_ref(py)),
                    FrameBuiltin::Locals | FrameBuiltin::Vars => try_!(self.frame_locals(handle, frame, slots)),
                    FrameBuiltin::Dir => {
                        let locals = try_!(self.frame_locals(handle, frame, slots));
                        let mut names = try_!(self.collect(&locals));
                        try_!(crate::objects::methods::list::sort_values(
                            self, &mut names, None, false
                        ));
                        self.new_list(names)
                    }
                    FrameBuiltin::Exec => {
                        let locals = try_!(self.frame_locals(handle, frame, slots));
                        let source = pop!();
                        let callee = pop!();
                        let args = [source, Value::Obj(globals.clone_ref(py)), locals];
                        try_!(self.call(&callee, &args, &[]))
                    }
                };
                if which != FrameBuiltin::Exec {
                    drop(pop!());
                }
                slots.stack.push(value);
            }
            Instr::DeleteFast(i) => match slots.fast[fast_base + i as usize].take() {
                None => return Err((self.unbound_local(handle, i), false)),
                Some(Value::Obj(old)) => {
                    if old.release() {
                        self.finalize_dropped();
                    }
                }
                Some(_) => {}
            },
            Instr::DeleteDeref(i) => {
                let old = match &frame.cells[i as usize].payload {
                    Payload::Cell(cell) => cell.lock(py).take(),
                    _ => None,
                };
                if old.is_none() {
                    return Err((self.unbound_deref(handle, i), false));
                }
                drop(old);
                self.finalize_dropped();
            }
            Instr::LoadClosure(i) => slots.stack.push(Value::Obj(frame.cells[i as usize].clone_ref(py))),
            Instr::LoadClassDeref { name, cell } => {
                let key = &handle.names[name as usize];
                let found = match &frame.locals {
                    Some(locals) => try_!(self.dict_get_str(locals, key)),
                    None => None,
                };
                match found.or_else(|| cell_get(&frame.cells[cell as usize], py)) {
                    Some(v) => slots.stack.push(v),
                    None => return Err((self.unbound_deref(handle, cell), false)),
                }
            }
            Instr::DeleteGlobal(i) => {
                let key = &handle.names[i as usize];
                if try_!(self.dict_del_str(globals, key)).is_none() {
                    return Err((self.name_error(str_of(key)), false));
                }
                self.finalize_dropped();
            }
            Instr::DeleteName(i) => {
                let key = &handle.names[i as usize];
                let target = frame.locals.as_ref().unwrap_or(globals);
                if try_!(self.dict_del_str(target, key)).is_none() {
                    return Err((self.name_error(str_of(key)), false));
                }
                self.finalize_dropped();
            }
            Instr::DeleteAttr(i) => {
                let obj = pop!();
                try_!(self.del_attr(&obj, &handle.names[i as usize]));
                drop(obj);
                self.finalize_dropped();
            }
            Instr::DeleteSubscr => {
                let index = pop!();
                let obj = pop!();
                try_!(self.del_item(&obj, &index));
                drop((obj, index));
                self.finalize_dropped();
            }
            Instr::DupTop2 => {
                let n = slots.stack.len();
                let a = slots.stack[n - 2].clone_ref(py);
                let b = slots.stack[n - 1].clone_ref(py);
                slots.stack.push(a);
                slots.stack.push(b);
            }
            Instr::Rot3 => {
                let top = pop!();
                let n = slots.stack.len();
                slots.stack.insert(n - 2, top);
            }
            Instr::Rot4 => {
                let top = pop!();
                let n = slots.stack.len();
                slots.stack.insert(n - 3, top);
            }
            Instr::BuildList(n) => {
                let items = slots.stack.split_off(slots.stack.len() - n as usize);
                slots.stack.push(self.new_list(items));
            }
            Instr::BuildSet(n) => {
                let items = slots.stack.split_off(slots.stack.len() - n as usize);
                let set = try_!(self.new_set(items));
                slots.stack.push(set);
            }
            Instr::BuildMap(n) => {
                let items = slots.stack.split_off(slots.stack.len() - 2 * n as usize);
                let dict = self.new_dict();
                let mut items = items.into_iter();
                while let (Some(k), Some(v)) = (items.next(), items.next()) {
                    try_!(self.dict_set(&dict, k, v));
                }
                slots.stack.push(dict);
            }
            Instr::BuildString(n) => {
                let parts = slots.stack.split_off(slots.stack.len() - n as usize);
                let mut text = String::new();
                for part in &parts {
                    text.push_str(part.as_str().unwrap_or(""));
                }
                slots.stack.push(self.new_str(text));
            }
            Instr::FormatValue(flags) => {
                let spec = if flags & format_flags::HAS_SPEC != 0 {
                    Some(pop!())
                } else {
                    None
                };
                let value = pop!();
                let value = match flags & format_flags::CONVERSION_MASK {
                    format_flags::STR => {
                        let text = try_!(self.str(&value));
                        self.new_str(text)
                    }
                    format_flags::REPR => {
                        let text = try_!(self.repr(&value));
                        self.new_str(text)
                    }
                    format_flags::ASCII => {
                        let text = try_!(self.ascii(&value));
                        self.new_str(text)
                    }
                    _ => value,
                };
                let spec_text = spec.as_ref().and_then(Value::as_str).unwrap_or("");
                let text = try_!(self.format(&value, spec_text));
                slots.stack.push(self.new_str(text));
            }
            Instr::ListExtend(n) => {
                let iterable = pop!();
                let items = try_!(self.collect(&iterable));
                if let Some(Payload::List(list)) = slots.stack[slots.stack.len() - n as usize].payload() {
                    list.lock(py).extend(items);
                }
            }
            Instr::SetUpdate(n) => {
                let iterable = pop!();
                let set = slots.stack[slots.stack.len() - n as usize].clone_ref(py);
                try_!(self.set_update(&set, &iterable));
            }
            Instr::DictUpdate(n) | Instr::DictMerge(n) => {
                let mapping = pop!();
                let dict = slots.stack[slots.stack.len() - n as usize].clone_ref(py);
                try_!(self.dict_update(&dict, &mapping, matches!(instr, Instr::DictMerge(_))));
            }
            Instr::ListToTuple => {
                let list = pop!();
                let items = match list.payload() {
                    Some(Payload::List(items)) => std::mem::take(&mut *items.lock(py)),
                    _ => Vec::new(),
                };
                slots.stack.push(self.new_tuple(items));
            }
            Instr::UnpackEx { before, after } => {
                let seq = pop!();
                let items = try_!(self.unpack(&seq, before as usize, Some(after as usize)));
                slots.stack.extend(items.into_iter().rev());
            }
            Instr::CallKw(argc) => {
                self.finalize_point();
                let names = pop!();
                let base = slots.stack.len() - argc as usize - 1;
                let callable = slots.stack[base].clone_ref(py);
                let mut args = slots.stack.split_off(base + 1);
                let kw_names: Vec<ObjRef> = match names.payload() {
                    Some(Payload::Tuple(t)) => t.iter().filter_map(|n| n.as_obj().map(|o| o.clone_ref(py))).collect(),
                    _ => Vec::new(),
                };
                let kw_values = args.split_off(args.len() - kw_names.len());
                let kwargs: Vec<(ObjRef, Value)> = kw_names.into_iter().zip(kw_values).collect();
                let result = self.call(&callable, &args, &kwargs);
                slots.stack.truncate(base);
                slots.stack.push(try_!(result));
                try_!(self.check_point());
            }
            Instr::CallEx(has_kwargs) => {
                self.finalize_point();
                let kwargs = if has_kwargs != 0 { Some(pop!()) } else { None };
                let args = pop!();
                let callable = pop!();
                let args = try_!(self.collect(&args));
                let kwargs = match kwargs {
                    Some(k) => try_!(self.kwargs_from_mapping(&k)),
                    None => Vec::new(),
                };
                let result = self.call(&callable, &args, &kwargs);
                slots.stack.push(try_!(result));
                try_!(self.check_point());
            }
            Instr::MakeFunction(flags) => {
                let code = pop!();
                let closure = if flags & make_function_flags::CLOSURE != 0 {
                    Some(pop!())
                } else {
                    None
                };
                let kwdefaults = if flags & make_function_flags::KW_DEFAULTS != 0 {
                    Some(pop!())
                } else {
                    None
                };
                let defaults = if flags & make_function_flags::DEFAULTS != 0 {
                    Some(pop!())
                } else {
                    None
                };
                let function = try_!(self.make_function(globals, code, defaults, kwdefaults, closure));
                slots.stack.push(function);
            }
            Instr::YieldFrom => {
                let sent = pop!();
                let sub = top!().clone_ref(py);
                match try_!(self.send_to(&sub, sent)) {
                    super::ops::SendResult::Yielded(v) => {
                        // Re-run this instruction when resumed, with the sent value pushed.
                        frame.pc -= 1;
                        return Ok(Some(FrameExit::Yield(v)));
                    }
                    super::ops::SendResult::Returned(v) => {
                        drop(pop!());
                        slots.stack.push(v);
                    }
                }
            }
            Instr::GetYieldFromIter => {
                let v = pop!();
                let it = match self.gen_kind(&v) {
                    Some(GenKind::Generator) => v,
                    Some(GenKind::Coroutine) => {
                        return Err((
                            self.type_error("cannot 'yield from' a coroutine object in a non-coroutine generator"),
                            false,
                        ));
                    }
                    _ => try_!(self.iter(&v)),
                };
                slots.stack.push(it);
            }
            Instr::GetAwaitable => {
                let v = pop!();
                slots.stack.push(try_!(self.get_awaitable(v)));
            }
            Instr::GetAIter => {
                let v = pop!();
                slots.stack.push(try_!(self.get_aiter(&v)));
            }
            Instr::GetANext => {
                let awaitable = try_!(self.get_anext(top!()));
                slots.stack.push(awaitable);
            }
            Instr::EndAsyncFor => {
                let exc = pop!();
                if !try_!(self.exception_matches(&exc, &Value::Obj(clone_immortal(&types().stop_async_iteration)))) {
                    return match exc {
                        Value::Obj(exc) => Err((PyErr { exc }, true)),
                        _ => Err((self.runtime_error("re-raise of a non-exception"), false)),
                    };
                }
                if let Some(Block::Handler { previous, .. }) = frame.blocks.pop() {
                    self.handled = previous;
                }
                drop(pop!());
            }
            Instr::BeforeAsyncWith => {
                let manager = pop!();
                let (exit, entered) = try_!(self.before_async_with(&manager));
                slots.stack.push(exit);
                slots.stack.push(entered);
            }
            Instr::Raise(argc) => {
                let err = match argc {
                    0 => match &self.handled {
                        Some(exc) => return Err((PyErr { exc: exc.clone_ref(py) }, true)),
                        None => self.runtime_error("No active exception to reraise"),
                    },
                    1 => {
                        let exc = pop!();
                        try_!(self.make_raisable(exc, None))
                    }
                    _ => {
                        let cause = pop!();
                        let exc = pop!();
                        try_!(self.make_raisable(exc, Some(cause)))
                    }
                };
                return Err((err, false));
            }
            Instr::Reraise => {
                let exc = pop!();
                return match exc {
                    Value::Obj(exc) => Err((PyErr { exc }, true)),
                    _ => Err((self.runtime_error("re-raise of a non-exception"), false)),
                };
            }
            Instr::SetupTry(handler) => {
                frame.blocks.push(Block::Try {
                    handler,
                    level: slots.stack.len() as u32,
                });
            }
            Instr::PopBlock => {
                frame.blocks.pop();
            }
            Instr::PopExcept => {
                if let Some(Block::Handler { previous, .. }) = frame.blocks.pop() {
                    self.handled = previous;
                }
            }
            Instr::CheckExcMatch => {
                let class = pop!();
                let exc = top!();
                slots
                    .stack
                    .push(Value::Bool(try_!(self.exception_matches(exc, &class))));
            }
            Instr::BeforeWith => {
                let manager = pop!();
                let exit = try_!(self.special_method(&manager, "__exit__"));
                let enter = try_!(self.special_method(&manager, "__enter__"));
                slots.stack.push(exit);
                let entered = try_!(self.call(&enter, &[], &[]));
                slots.stack.push(entered);
            }
            Instr::WithExceptStart => {
                let n = slots.stack.len();
                let exit = slots.stack[n - 2].clone_ref(py);
                let exc = slots.stack[n - 1].clone_ref(py);
                let class = Value::Obj(self.type_of(&exc).clone_ref(py));
                let traceback = self.exception_attr(&exc, "__traceback__").unwrap_or(Value::None);
                let result = try_!(self.call(&exit, &[class, exc, traceback], &[]));
                slots.stack.push(result);
            }
            Instr::LoadAssertionError => {
                slots.stack.push(Value::Obj(clone_immortal(&types().assertion_error)));
            }
            Instr::LoadBuildClass => {
                let build_class = try_!(self.load_global(
                    &self.builtins.clone_ref(py),
                    &crate::objects::types::intern("__build_class__")
                ));
                slots.stack.push(build_class);
            }
            Instr::ImportName(i) => {
                let fromlist = pop!();
                let level = pop!();
                let name = str_of(&handle.names[i as usize]).to_string();
                let module = try_!(self.import(&name, &fromlist, &level, globals));
                slots.stack.push(module);
            }
            Instr::ImportFrom(i) => {
                let module = top!().clone_ref(py);
                let value = try_!(self.import_from(&module, &handle.names[i as usize]));
                slots.stack.push(value);
            }
            Instr::ImportStar => {
                let module = pop!();
                let target = frame.locals.as_ref().unwrap_or(globals).clone_ref(py);
                try_!(self.import_star(&module, &target));
            }
            Instr::Rotate(_)
            | Instr::GetLen
            | Instr::MatchSequence
            | Instr::MatchMapping
            | Instr::MatchKeys
            | Instr::MatchClass(_)
            | Instr::CopyDictWithout => try_!(self.execute_match(instr, &mut slots.stack)),
            Instr::Unsupported(i) => {
                let msg = handle.constants[i as usize]
                    .as_str()
                    .unwrap_or("unsupported feature")
                    .to_string();
                return Err((self.new_error(&types().not_implemented_error, msg), false));
            }
            _ => {}
        }
        Ok(None)
    }

    /// `locals()`: the namespace of a module or class body, or a snapshot of a function's
    /// local variables (cells included), as in CPython.
    fn frame_locals(&mut self, handle: &CodeHandle, frame: &Frame, slots: &Slots) -> PyResult<Value> {
        let py = self.py;
        if let Some(locals) = &frame.locals {
            return Ok(Value::Obj(locals.clone_ref(py)));
        }
        let code = &handle.code;
        let dict = self.new_dict();
        for (name, value) in code.varnames.iter().zip(frame.fast(slots)) {
            if let Some(v) = value {
                let key = self.new_str(name.as_str());
                self.dict_set(&dict, key, v.clone_ref(py))?;
            }
        }
        for (name, cell) in code.cellvars.iter().chain(&code.freevars).zip(&frame.cells) {
            if let Some(v) = cell_get(cell, py) {
                let key = self.new_str(name.as_str());
                self.dict_set(&dict, key, v)?;
            }
        }
        Ok(dict)
    }

    /// `super()` inside a method: the class from the `__class__` cell the compiler created,
    /// the receiver from the first parameter.
    fn zero_arg_super(&mut self, handle: &CodeHandle, frame: &Frame, slots: &Slots) -> PyResult<Value> {
        let py = self.py;
        let code = &handle.code;
        let class_index = code
            .freevars
            .iter()
            .position(|n| n == "__class__")
            .map(|i| i + code.cellvars.len());
        let class = class_index.and_then(|i| cell_get(&frame.cells[i], py));
        let Some(Value::Obj(class)) = class else {
            return Err(self.runtime_error("super(): __class__ cell not found"));
        };
        if code.argcount == 0 && !code.has_varargs() {
            return Err(self.runtime_error("super(): no arguments"));
        }
        let first_param = &code.varnames[0];
        let receiver = match frame.fast(slots).first().and_then(|v| v.as_ref()) {
            Some(v) => v.clone_ref(py),
            None => {
                // The first parameter may live in a cell (captured by an inner function).
                let cell = code.cellvars.iter().position(|n| n == first_param);
                match cell.and_then(|i| cell_get(&frame.cells[i], py)) {
                    Some(v) => v,
                    None => return Err(self.runtime_error("super(): arg[0] deleted")),
                }
            }
        };
        let super_class = Value::Obj(clone_immortal(&types().super_));
        self.call(&super_class, &[Value::Obj(class), receiver], &[])
    }

    #[cold]
    fn unbound_local(&self, handle: &CodeHandle, i: u32) -> PyErr {
        let name = handle.code.varnames.get(i as usize).map_or("?", String::as_str);
        self.new_error(
            &types().unbound_local_error,
            format!("cannot access local variable '{name}' where it is not associated with a value"),
        )
    }

    fn unbound_deref(&self, handle: &CodeHandle, cell: u32) -> PyErr {
        let code = &handle.code;
        let i = cell as usize;
        let name = code
            .cellvars
            .get(i)
            .or_else(|| code.freevars.get(i - code.cellvars.len().min(i)));
        let name = name.map_or("?", String::as_str);
        if i < code.cellvars.len() {
            self.new_error(
                &types().unbound_local_error,
                format!("cannot access local variable '{name}' where it is not associated with a value"),
            )
        } else {
            self.new_error(
                &types().name_error,
                format!(
                    "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
                ),
            )
        }
    }

    /// A check point: the only place where this thread lets another take the GIL. The fast
    /// path is one relaxed load of the eval breaker.
    #[inline(always)]
    pub fn check_point(&mut self) -> PyResult<()> {
        #[cfg(feature = "fuzzing")]
        if super::budget::exhausted() {
            return Err(self.new_error(
                &types().runtime_error,
                "the fuzzing harness's check point budget is spent",
            ));
        }
        if self.breaker.is_set() {
            self.py.serve_eval_breaker(&self.breaker);
            self.finalize_point();
            let signals = crate::gil::signals::take_pending(&self.breaker);
            if signals != 0 {
                crate::modules::signal::run_handlers(self, signals)?;
            }
        }
        Ok(())
    }

    fn make_function(
        &mut self,
        globals: &ObjRef,
        code: Value,
        defaults: Option<Value>,
        kwdefaults: Option<Value>,
        closure: Option<Value>,
    ) -> PyResult<Value> {
        let py = self.py;
        let Value::Obj(code) = code else {
            return Err(self.type_error("MakeFunction needs a code object"));
        };
        let Payload::Code(handle) = &code.payload else {
            return Err(self.type_error("MakeFunction needs a code object"));
        };
        let defaults = match defaults.as_ref().and_then(Value::payload) {
            Some(Payload::Tuple(t)) => t.iter().map(|v| v.clone_ref(py)).collect(),
            _ => Box::default(),
        };
        let kwdefaults = match &kwdefaults {
            Some(d) => self
                .dict_items(d)?
                .into_iter()
                .map(|(k, v)| (k.as_str().unwrap_or("").to_string(), v))
                .collect(),
            None => Box::default(),
        };
        let closure = match closure.as_ref().and_then(Value::payload) {
            Some(Payload::Tuple(t)) => t.iter().filter_map(|c| c.as_obj().map(|o| o.clone_ref(py))).collect(),
            _ => Box::default(),
        };
        let name = handle.code.name.clone();
        let qualname = handle.code.qualname.clone();
        let dict = ObjLock::new(DictTable::new());
        let function = Function {
            code: code.clone_ref(py),
            globals: globals.clone_ref(py),
            name: ObjLock::new(name),
            qualname: ObjLock::new(qualname),
            defaults,
            kwdefaults,
            closure,
            dict,
        };
        let function = Value::Obj(ObjRef::new(py, PyObject::new(Payload::Function(Box::new(function)))));
        let module_name = self.dict_get_str(globals, &crate::objects::types::intern("__name__"))?;
        if let Some(module_name) = module_name {
            self.set_attr(&function, &crate::objects::types::intern("__module__"), module_name)?;
        }
        Ok(function)
    }
}

/// Small-int `+ - * // %` that cannot overflow or divide by zero; everything else takes the
/// general path.
#[inline(always)]
fn small_int_arith(op: BinOp, a: i64, b: i64) -> Option<Value> {
    match op {
        BinOp::Add => a.checked_add(b).map(Value::Int),
        BinOp::Sub => a.checked_sub(b).map(Value::Int),
        BinOp::Mul => a.checked_mul(b).map(Value::Int),
        // `None` for a zero divisor too: the general path raises ZeroDivisionError.
        BinOp::FloorDiv => super::ops::floor_div_i64(a, b).map(Value::Int),
        BinOp::Mod => super::ops::mod_i64(a, b).map(Value::Int),
        _ => None,
    }
}

/// If the top two stack entries are small ints and `op` has an answer for them, pop both and
/// return it; otherwise leave the stack as it is.
#[inline(always)]
fn int_fast_path(stack: &mut Vec<Value>, op: impl FnOnce(i64, i64) -> Option<Value>) -> Option<Value> {
    let n = stack.len();
    if n < 2 {
        return None;
    }
    let (Value::Int(a), Value::Int(b)) = (&stack[n - 2], &stack[n - 1]) else {
        return None;
    };
    let result = op(*a, *b)?;
    // Both operands are ints, which own no heap object: forgetting them leaks nothing and
    // spares `truncate`'s out-of-line drop loop on the hottest path of the VM.
    if let Some(right) = stack.pop() {
        std::mem::forget(right);
    }
    if let Some(left) = stack.pop() {
        std::mem::forget(left);
    }
    Some(result)
}

/// `+ - * /` on two floats, or a float and an int small enough to convert exactly (|i| <= 2**53),
/// in place like `int_fast_path`. Division by zero and every other operator take the general
/// path, which raises or handles them.
#[inline(always)]
fn float_fast_path(stack: &mut Vec<Value>, op: BinOp) -> Option<Value> {
    const EXACT: i64 = 1 << 53;
    let n = stack.len();
    if n < 2 {
        return None;
    }
    let (a, b) = match (&stack[n - 2], &stack[n - 1]) {
        (Value::Float(a), Value::Float(b)) => (*a, *b),
        (Value::Float(a), Value::Int(b)) if (-EXACT..=EXACT).contains(b) => (*a, *b as f64),
        (Value::Int(a), Value::Float(b)) if (-EXACT..=EXACT).contains(a) => (*a as f64, *b),
        _ => return None,
    };
    let result = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div if b != 0.0 => a / b,
        _ => return None,
    };
    // Floats and small ints own no heap object, as in `int_fast_path`.
    if let Some(right) = stack.pop() {
        std::mem::forget(right);
    }
    if let Some(left) = stack.pop() {
        std::mem::forget(left);
    }
    Some(Value::Float(result))
}

/// Comparisons of floats with floats or with ints small enough to convert exactly (|i| < 2**53);
/// everything else, NaN included, gives the same answer as the general path.
#[inline(always)]
fn float_compare(op: CmpOp, left: &Value, right: &Value) -> Option<bool> {
    const EXACT: i64 = 1 << 53;
    let as_float = |v: &Value| match v {
        Value::Float(f) => Some(*f),
        Value::Int(i) if (-EXACT..=EXACT).contains(i) => Some(*i as f64),
        _ => None,
    };
    if !matches!((left, right), (Value::Float(_), _) | (_, Value::Float(_))) {
        return None;
    }
    ordered(op, as_float(left)?, as_float(right)?)
}

/// `a op b` for the six ordering comparisons (NaN compares as IEEE says); `None` for the others.
#[inline(always)]
fn ordered<T: PartialOrd>(op: CmpOp, a: T, b: T) -> Option<bool> {
    Some(match op {
        CmpOp::Lt => a < b,
        CmpOp::LtE => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::GtE => a >= b,
        CmpOp::Eq => a == b,
        CmpOp::NotEq => a != b,
        _ => return None,
    })
}

/// The frame built-in a `Call(argc)` at the top of the stack calls, if it reads the frame.
fn frame_builtin_call(slots: &Slots, argc: u32) -> Option<crate::modules::builtins::FrameBuiltin> {
    let callee = slots.stack.get(slots.stack.len().checked_sub(argc as usize + 1)?)?;
    crate::modules::builtins::frame_builtin(callee).filter(|b| b.reads_frame(argc))
}

fn is_super(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if o.is(&types().super_))
}

fn cell_get(cell: &ObjRef, py: crate::gil::Gil<'_>) -> Option<Value> {
    match &cell.payload {
        Payload::Cell(c) => c.lock(py).as_ref().map(|v| v.clone_ref(py)),
        _ => None,
    }
}

/// The text of a `str` object (names are always strs).
pub fn str_of(obj: &ObjRef) -> &str {
    match &obj.payload {
        Payload::Str(s) => s.as_str(),
        _ => "",
    }
}
