//! Calls: dispatch on what is being called, binding arguments to a Python function's
//! parameters with CPython's error messages, and the argument checks of native functions
//! (`check_arity`, `no_kwargs`, `kwarg`, `only_kwargs`).

use crate::objects::types::{intern, types};
use crate::objects::{
    CodeHandle, Function, GenKind, GeneratorState, Instance, Layout, ObjLock, ObjRef, Payload, Value,
};

use super::eval::{FrameExit, str_of};
use super::frame::{Frame, FrameCode, Slots, SuspendedFrame};
use super::ops::SendResult;
use super::recursion::context;
use super::{PyErr, PyResult, Vm};
use crate::compile::bytecode::{CodeObject, Instr, code_flags};

/// How many spare slots and argument vectors each thread keeps for reuse.
const SPARE_BUFFERS: usize = 64;

/// How to resume a suspended generator.
pub enum Resume {
    /// `next()` / `send(value)`.
    Send(Value),
    /// `throw(exc)` / `close()`.
    Throw(PyErr),
}

/// Check a native function's positional argument count, with CPython's wording.
pub fn check_arity(vm: &Vm, name: &str, args: &[Value], min: usize, max: usize) -> PyResult<()> {
    let n = args.len();
    if n >= min && n <= max {
        return Ok(());
    }
    let msg = if min == max {
        match min {
            0 => format!("{name}() takes no arguments ({n} given)"),
            1 => format!("{name}() takes exactly one argument ({n} given)"),
            _ => format!("{name} expected {min} arguments, got {n}"),
        }
    } else if n < min {
        format!(
            "{name} expected at least {min} argument{}, got {n}",
            if min == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "{name} expected at most {max} argument{}, got {n}",
            if max == 1 { "" } else { "s" }
        )
    };
    Err(vm.type_error(msg))
}

/// Reject keyword arguments for natives that take none.
pub fn no_kwargs(vm: &Vm, name: &str, kwargs: &[(ObjRef, Value)]) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(vm.type_error(format!("{name}() takes no keyword arguments")))
    }
}

/// The value of keyword argument `name`, if given.
pub fn kwarg<'a>(kwargs: &'a [(ObjRef, Value)], name: &str) -> Option<&'a Value> {
    kwargs.iter().find(|(k, _)| str_of(k) == name).map(|(_, v)| v)
}

/// Reject keyword arguments outside `allowed`.
pub fn only_kwargs(vm: &Vm, func: &str, kwargs: &[(ObjRef, Value)], allowed: &[&str]) -> PyResult<()> {
    for (k, _) in kwargs {
        let k = str_of(k);
        if !allowed.contains(&k) {
            return Err(vm.type_error(format!("{func}() got an unexpected keyword argument '{k}'")));
        }
    }
    Ok(())
}

/// Whether calling `class` counts a level against the recursion limit, and with which wording,
/// as in CPython 3.11: classes are called through `tp_call`, counted, except the built-in ones
/// with a vectorcall (`list`, `dict`, `float`, `type(x)`…); `range` is not counted as a call
/// but compares its bounds, counted "in comparison".
fn class_call_recursion(class: &ObjRef, args: &[Value]) -> Option<&'static str> {
    let t = types();
    if class.is(&t.range) {
        return Some(context::COMPARISON);
    }
    let vectorcall = [
        &t.list,
        &t.dict,
        &t.tuple,
        &t.set,
        &t.frozenset,
        &t.float,
        &t.bool_,
        &t.super_,
    ];
    // `type(x)` and `str(x)` have calls of their own (`str(x)` counts its level getting the str).
    let one_argument_call = args.len() == 1 && (class.is(&t.type_) || class.is(&t.str_));
    if one_argument_call || vectorcall.iter().any(|c| class.is(c)) {
        return None;
    }
    Some(context::CALLING_OBJECT)
}

impl Vm<'_> {
    /// Call `callable(*args, **kwargs)`.
    pub fn call(&mut self, callable: &Value, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
        let py = self.py;
        let Value::Obj(obj) = callable else {
            return Err(self.not_callable(callable));
        };
        match &obj.payload {
            Payload::Function(f) => self.call_function(f, args, kwargs),
            Payload::Native(native) if native.counted => {
                self.with_recursion_guard(context::CALLING_OBJECT, |vm| (native.function)(vm, args, kwargs))
            }
            // Natives call natives (an `iter(f, x)` whose `f` is another one's `__next__`…) as
            // deep as a program nests them.
            Payload::Native(native) => {
                self.check_native_stack()?;
                (native.function)(self, args, kwargs)
            }
            // A method bound to a method bound to… (classmethods of bound methods) nests as deep
            // as a program builds it.
            Payload::BoundMethod(receiver, function) => {
                self.check_native_stack()?;
                self.call_with_receiver(function, receiver, args, kwargs)
            }
            Payload::Type(_) => match class_call_recursion(obj, args) {
                Some(context) => self.with_recursion_guard(context, |vm| vm.call_type(obj, args, kwargs)),
                None => {
                    self.check_native_stack()?;
                    self.call_type(obj, args, kwargs)
                }
            },
            Payload::Instance(_) => match self.lookup_special(callable, "__call__") {
                // `__call__` may itself be an instance (or the instance itself): a chain only the
                // guard ends.
                Some(method) => self.with_recursion_guard(context::CALLING_OBJECT, |vm| {
                    vm.call_with_receiver(&method, callable, args, kwargs)
                }),
                None => Err(self.not_callable(callable)),
            },
            Payload::WeakRef(weak) if weak.kind == crate::objects::weakref::WeakKind::Ref => {
                crate::modules::weakref::call(self, weak, args, kwargs)
            }
            Payload::StaticMethod(inner) => {
                let inner = inner.clone_ref(py);
                self.with_recursion_guard(context::CALLING_OBJECT, |vm| vm.call(&inner, args, kwargs))
            }
            _ => Err(self.not_callable(callable)),
        }
    }

    /// Call `callable(receiver, *args, **kwargs)` (bound methods, `__init__`, `__call__`). The
    /// argument vector comes from a pool, so the call allocates nothing.
    pub fn call_with_receiver(
        &mut self,
        callable: &Value,
        receiver: &Value,
        args: &[Value],
        kwargs: &[(ObjRef, Value)],
    ) -> PyResult<Value> {
        let py = self.py;
        let mut full = self.spare_args.pop().unwrap_or_default();
        full.push(receiver.clone_ref(py));
        full.extend(args.iter().map(|a| a.clone_ref(py)));
        let result = self.call(callable, &full, kwargs);
        full.clear();
        if self.spare_args.len() < SPARE_BUFFERS {
            self.spare_args.push(full);
        }
        result
    }

    fn not_callable(&self, v: &Value) -> super::PyErr {
        self.type_error(format!("'{}' object is not callable", self.type_name(v)))
    }

    /// Call a method by name on `receiver`.
    pub fn call_method(&mut self, receiver: &Value, name: &str, args: &[Value]) -> PyResult<Value> {
        let method = self.get_attr(receiver, &intern(name))?;
        self.call(&method, args, &[])
    }

    /// Call a Python function from Rust: bind the arguments into a fresh frame and run it (or
    /// wrap it in a generator). The frame runs on slots from the thread's pool.
    pub fn call_function(
        &mut self,
        function: &Function,
        args: &[Value],
        kwargs: &[(ObjRef, Value)],
    ) -> PyResult<Value> {
        let py = self.py;
        let Payload::Code(handle) = &function.code.payload else {
            return Err(self.type_error("function without code"));
        };
        if handle.code.is_generator() {
            let mut slots = Slots::default();
            let cells = self.bind_frame(function, handle, args, kwargs, &mut slots.fast)?;
            let mut frame = Frame::new(None, 0, 0);
            frame.cells = cells;
            let suspended = SuspendedFrame {
                code: function.code.clone_ref(py),
                globals: function.globals.clone_ref(py),
                frame,
                slots,
            };
            let kind = if handle.code.is_coroutine() {
                GenKind::Coroutine
            } else if handle.code.is_async_generator() {
                GenKind::AsyncGenerator
            } else {
                GenKind::Generator
            };
            return Ok(self.alloc(Payload::Generator(Box::new(ObjLock::new(GeneratorState {
                frame: Some(Box::new(suspended)),
                running: false,
                name: function.name.lock(py).clone(),
                qualname: function.qualname.lock(py).clone(),
                kind,
                code: function.code.clone_ref(py),
            })))));
        }
        let mut slots = self.spare_slots.pop().unwrap_or_default();
        let result = match self.bind_frame(function, handle, args, kwargs, &mut slots.fast) {
            Ok(cells) => {
                let mut frame = Frame::new(None, 0, 0);
                frame.cells = cells;
                let code = FrameCode {
                    object: &function.code,
                    handle,
                    globals: &function.globals,
                };
                self.run_frame(code, &mut frame, &mut slots)
            }
            Err(err) => {
                slots.fast.clear();
                Err(err)
            }
        };
        if self.spare_slots.len() < SPARE_BUFFERS {
            self.spare_slots.push(slots);
        }
        match result? {
            FrameExit::Return(v) | FrameExit::Yield(v) => Ok(v),
        }
    }

    /// Call the function at `slots.stack[base]` from the eval loop, with the arguments from
    /// `first_arg` up: they move into the callee's locals, which follow the caller's in the
    /// same slots, and the callee's operand stack starts at `base`. `None` (nothing touched)
    /// when the call needs the general path: keywords, `*args`, too few or too many arguments,
    /// a generator, or a callable that is no Python function.
    pub(super) fn call_inline(&mut self, slots: &mut Slots, base: usize, first_arg: usize) -> Option<PyResult<Value>> {
        let py = self.py;
        let argc = slots.stack.len() - first_arg;
        // Own the callable for the duration of the call, so `function` borrows nothing in
        // `slots`; it is put back when the call needs the general path.
        let callable = std::mem::replace(&mut slots.stack[base], Value::None);
        let Some((function, handle)) = inline_callee(&callable, argc) else {
            slots.stack[base] = callable;
            return None;
        };
        let code = &handle.code;
        let argcount = code.argcount as usize;
        let fast_base = slots.fast.len();
        // Not `resize_with`, which is an out-of-line call for what is usually a slot or two.
        let nlocals = code.varnames.len();
        slots.fast.reserve(nlocals);
        for _ in 0..nlocals {
            slots.fast.push(None);
        }
        // Pop the arguments straight into their slots (cheaper than `drain`, an iterator with a
        // destructor), then fill the missing trailing parameters from the defaults.
        for slot in (fast_base..fast_base + argc).rev() {
            slots.fast[slot] = slots.stack.pop();
        }
        let first_default = function.defaults.len() + argc - argcount;
        for (slot, default) in (fast_base + argc..).zip(&function.defaults[first_default..]) {
            slots.fast[slot] = Some(default.clone_ref(py));
        }
        // The marker of a `CallMethod` without receiver, and the placeholder for the callable.
        while slots.stack.len() > base {
            slots.stack.pop();
        }
        let mut frame = Frame::new(None, fast_base, base);
        if !code.cellvars.is_empty() || !function.closure.is_empty() {
            frame.cells = self.make_cells(function, code, &mut slots.fast[fast_base..]);
        }
        let code = FrameCode {
            object: &function.code,
            handle,
            globals: &function.globals,
        };
        Some(match self.run_frame(code, &mut frame, slots) {
            Ok(FrameExit::Return(v) | FrameExit::Yield(v)) => Ok(v),
            Err(err) => Err(err),
        })
    }

    /// `C(args)` from the eval loop, for a class of plain instances without `__new__` whose
    /// `__init__` is a Python function: make the instance, then run `__init__` like an inline
    /// call, on the same slots (`[C, args…]` on the stack becomes `[__init__, obj, args…]`).
    /// `None` (nothing touched) for every other callable.
    pub(super) fn instantiate_inline(&mut self, slots: &mut Slots, base: usize) -> Option<PyResult<Value>> {
        let py = self.py;
        let Value::Obj(class) = &slots.stack[base] else {
            return None;
        };
        let Payload::Type(t) = &class.payload else {
            return None;
        };
        // A metaclass may define `__call__`: the general path decides.
        if t.layout != Layout::Object || t.metaclass.is_some() {
            return None;
        }
        let class = class.clone_ref(py);
        if self.class_attr(&class, "__new__").is_some() {
            return None;
        }
        let init = self.class_attr(&class, "__init__")?;
        if !matches!(init.payload(), Some(Payload::Function(_))) {
            return None;
        }
        // Counted as `Vm::call` counts a class call. Refused, the operands stay for the
        // unwinding to drop.
        if let Err(err) = self.enter_recursive_call(context::CALLING_OBJECT) {
            return Some(Err(err));
        }
        let result = self.instantiate_inline_entered(slots, base, class, init);
        self.leave_recursive_call();
        Some(result)
    }

    /// `instantiate_inline` once the class call is counted.
    fn instantiate_inline_entered(
        &mut self,
        slots: &mut Slots,
        base: usize,
        class: ObjRef,
        init: Value,
    ) -> PyResult<Value> {
        let py = self.py;
        let obj = self.alloc(Payload::Instance(Box::new(Instance::new(class, None, None))));
        slots.stack[base] = init;
        slots.stack.insert(base + 1, obj.clone_ref(py));
        let result = self.call_inline(slots, base, base + 1).unwrap_or_else(|| {
            let (init, args) = slots.stack[base..].split_at(1);
            let result = self.call(&init[0], args, &[]);
            slots.stack.truncate(base);
            result
        });
        match result {
            Ok(Value::None) => Ok(obj),
            Ok(other) => Err(self.type_error(format!(
                "__init__() should return None, not '{}'",
                self.type_name(&other)
            ))),
            Err(err) => Err(err),
        }
    }

    /// Append the local slots of a fresh frame for `function` to `fast`, parameters bound, and
    /// make its cells. On error `fast` may hold some of them: the caller truncates it.
    fn bind_frame(
        &mut self,
        function: &Function,
        handle: &CodeHandle,
        args: &[Value],
        kwargs: &[(ObjRef, Value)],
        fast: &mut Vec<Option<Value>>,
    ) -> PyResult<Vec<ObjRef>> {
        let py = self.py;
        let code = &handle.code;
        let base = fast.len();
        let simple = kwargs.is_empty()
            && args.len() == code.argcount as usize
            && code.kwonlyargcount == 0
            && !code.has_varargs()
            && !code.has_varkeywords();
        if simple {
            fast.extend(args.iter().map(|arg| Some(arg.clone_ref(py))));
            fast.resize_with(base + code.varnames.len(), || None);
        } else {
            fast.resize_with(base + code.varnames.len(), || None);
            self.bind_arguments(function, &mut fast[base..], args, kwargs)?;
        }
        if code.cellvars.is_empty() && function.closure.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.make_cells(function, code, &mut fast[base..]))
    }

    /// The cells of a fresh frame: new ones for `cellvars` (parameters among them move in from
    /// their slots), then the function's closure.
    fn make_cells(&self, function: &Function, code: &CodeObject, fast: &mut [Option<Value>]) -> Vec<ObjRef> {
        let py = self.py;
        let mut cells = Vec::with_capacity(code.cellvars.len() + code.freevars.len());
        for _ in &code.cellvars {
            cells.push(ObjRef::new(
                py,
                crate::objects::PyObject::new(Payload::Cell(ObjLock::new(None))),
            ));
        }
        for &(cell, param) in &code.cell_params {
            if let (Some(cell), Some(value)) = (
                cells.get(cell as usize),
                fast.get_mut(param as usize).and_then(Option::take),
            ) && let Payload::Cell(c) = &cell.payload
            {
                *c.lock(py) = Some(value);
            }
        }
        cells.extend(function.closure.iter().map(|c| c.clone_ref(py)));
        cells
    }

    /// The general case of argument binding: defaults, keywords, `*args`, `**kwargs`.
    fn bind_arguments(
        &mut self,
        function: &Function,
        fast: &mut [Option<Value>],
        args: &[Value],
        kwargs: &[(ObjRef, Value)],
    ) -> PyResult<()> {
        let py = self.py;
        let Payload::Code(handle) = &function.code.payload else {
            return Ok(());
        };
        let code = &handle.code;
        let qualname = function.qualname.lock(py).clone();
        let argcount = code.argcount as usize;
        let kwonly = code.kwonlyargcount as usize;
        let posonly = code.posonlyargcount as usize;
        let positional_taken = args.len().min(argcount);
        for (slot, arg) in fast.iter_mut().zip(&args[..positional_taken]) {
            *slot = Some(arg.clone_ref(py));
        }
        let mut next_slot = argcount + kwonly;
        if code.has_varargs() {
            let extra: Vec<Value> = args[positional_taken..].iter().map(|a| a.clone_ref(py)).collect();
            fast[next_slot] = Some(self.new_tuple(extra));
            next_slot += 1;
        } else if args.len() > argcount {
            let defaults = function.defaults.len();
            let given = args.len();
            let takes = if defaults > 0 {
                format!("from {} to {argcount} positional arguments", argcount - defaults)
            } else {
                format!("{argcount} positional argument{}", if argcount == 1 { "" } else { "s" })
            };
            let kw_given = kwargs.len();
            let kw_note = if kw_given > 0 {
                format!(
                    " positional argument{} (and {kw_given} keyword-only argument{})",
                    if given == 1 { "" } else { "s" },
                    if kw_given == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            let was = if given == 1 { "was" } else { "were" };
            return Err(if kw_note.is_empty() {
                self.type_error(format!("{qualname}() takes {takes} but {given} {was} given"))
            } else {
                self.type_error(format!("{qualname}() takes {takes} but {given}{kw_note} were given"))
            });
        }
        let kwargs_dict = if code.has_varkeywords() {
            let d = self.new_dict();
            fast[next_slot] = Some(d.clone_ref(py));
            Some(d)
        } else {
            None
        };
        for (name, value) in kwargs {
            let key = str_of(name);
            let position = code.varnames[..argcount + kwonly].iter().position(|p| p == key);
            match position {
                Some(i) if i >= posonly => {
                    if fast[i].is_some() {
                        return Err(self.type_error(format!("{qualname}() got multiple values for argument '{key}'")));
                    }
                    fast[i] = Some(value.clone_ref(py));
                }
                _ => match &kwargs_dict {
                    Some(d) => self.dict_set(d, Value::Obj(name.clone_ref(py)), value.clone_ref(py))?,
                    None if position.is_some() => {
                        return Err(self.type_error(format!(
                            "{qualname}() got some positional-only arguments passed as keyword arguments: '{key}'"
                        )));
                    }
                    None => {
                        return Err(self.type_error(format!("{qualname}() got an unexpected keyword argument '{key}'")));
                    }
                },
            }
        }
        // Defaults fill the trailing positional parameters that are still empty.
        let first_default = argcount - function.defaults.len();
        let mut missing = Vec::new();
        for (i, slot) in fast.iter_mut().enumerate().take(argcount) {
            if slot.is_none() {
                if i >= first_default {
                    *slot = Some(function.defaults[i - first_default].clone_ref(py));
                } else {
                    missing.push(code.varnames[i].clone());
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.type_error(format!(
                "{qualname}() missing {} required positional argument{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                quote_names(&missing)
            )));
        }
        for (slot, name) in fast[argcount..argcount + kwonly]
            .iter_mut()
            .zip(&code.varnames[argcount..])
        {
            if slot.is_none() {
                match function.kwdefaults.iter().find(|(n, _)| n == name) {
                    Some((_, v)) => *slot = Some(v.clone_ref(py)),
                    None => missing.push(name.clone()),
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.type_error(format!(
                "{qualname}() missing {} required keyword-only argument{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                quote_names(&missing)
            )));
        }
        Ok(())
    }

    /// Calling a class: its metaclass's `__call__` if that is not `type`'s, else
    /// [`Vm::construct`].
    fn call_type(&mut self, class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
        if let Payload::Type(t) = &class.payload
            && let Some(metaclass) = &t.metaclass
            && let Some(call) = self.class_attr(metaclass, "__call__")
            && !self
                .class_attr(&types().type_, "__call__")
                .is_some_and(|default| default.is(&call))
        {
            let class = Value::Obj(class.clone_ref(self.py));
            return self.call_with_receiver(&call, &class, args, kwargs);
        }
        self.construct(class, args, kwargs)
    }

    /// `type.__call__`: built-in constructors, or `__new__` + `__init__` for user classes.
    pub fn construct(&mut self, class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
        if let Some(constructor) = crate::objects::methods::constructors::constructor_for(class) {
            return constructor(self, class, args, kwargs);
        }
        crate::vm::classes::instantiate(self, class, args, kwargs)
    }

    /// Resume a generator: send it a value, or raise an exception at its `yield`.
    pub fn resume_generator(&mut self, generator: &Value, how: Resume) -> PyResult<SendResult> {
        let Some(Payload::Generator(state)) = generator.payload() else {
            return Err(self.type_error("not a generator"));
        };
        let (taken, kind) = {
            let mut state = state.lock(self.py);
            let kind = state.kind;
            if state.running {
                (None, kind)
            } else {
                let frame = state.frame.take();
                state.running = frame.is_some();
                (Some(frame), kind)
            }
        };
        let what = kind.type_name().replace('_', " ");
        let mut frame = match (taken, how) {
            (None, _) => return Err(self.value_error(format!("{what} already executing"))),
            (Some(None), Resume::Send(_)) if kind == GenKind::Coroutine => {
                return Err(self.runtime_error("cannot reuse already awaited coroutine"));
            }
            (Some(None), Resume::Send(_)) => return Ok(SendResult::Returned(Value::None)),
            (Some(None), Resume::Throw(err)) => return Err(err),
            (Some(Some(frame)), how) => (frame, how),
        };
        if let Resume::Send(sent) = &frame.1
            && frame.0.frame.pc == 0
            && !sent.is_none()
        {
            let mut state = state.lock(self.py);
            state.frame = Some(frame.0);
            state.running = false;
            drop(state);
            return Err(self.type_error(format!("can't send non-None value to a just-started {what}")));
        }
        let SuspendedFrame {
            code,
            globals,
            frame: inner,
            slots,
        } = &mut *frame.0;
        let result = match FrameCode::new(code, globals) {
            None => Err(self.type_error("generator without code")),
            Some(code) => match frame.1 {
                Resume::Send(sent) => {
                    if inner.pc != 0 {
                        slots.stack.push(sent);
                    }
                    self.run_frame(code, inner, slots)
                }
                Resume::Throw(err) => self.throw_into(code, inner, slots, err),
            },
        };
        let frame = frame.0;
        let mut guard = state.lock(self.py);
        guard.running = false;
        match result {
            Ok(FrameExit::Yield(v)) => {
                guard.frame = Some(frame);
                Ok(SendResult::Yielded(v))
            }
            Ok(FrameExit::Return(v)) => Ok(SendResult::Returned(v)),
            Err(e) => {
                drop(guard);
                drop(frame);
                if self.err_matches(&e, &types().stop_iteration) {
                    let err = self.runtime_error(format!("{what} raised StopIteration"));
                    self.set_cause(&err.exc, Some(Value::Obj(e.exc)), true);
                    return Err(err);
                }
                Err(e)
            }
        }
    }

    /// Raise `err` at a suspended generator's `yield`; a `yield from` passes it on to the
    /// generator it delegates to first, as CPython does.
    fn throw_into(
        &mut self,
        code: FrameCode<'_>,
        frame: &mut Frame,
        slots: &mut Slots,
        err: PyErr,
    ) -> PyResult<FrameExit> {
        if frame.pc == 0 {
            return Err(err);
        }
        let delegating = matches!(code.handle.code.instructions.get(frame.pc), Some(Instr::YieldFrom))
            && matches!(slots.stack.last().and_then(Value::payload), Some(Payload::Generator(_)));
        if !delegating {
            return self.run_frame_raising(code, frame, slots, Some(err));
        }
        let sub = slots.stack.last().map(|v| v.clone_ref(self.py)).unwrap_or(Value::None);
        match self.resume_generator(&sub, Resume::Throw(err)) {
            Ok(SendResult::Yielded(v)) => Ok(FrameExit::Yield(v)),
            Ok(SendResult::Returned(v)) => {
                slots.stack.pop();
                slots.stack.push(v);
                frame.pc += 1;
                self.run_frame(code, frame, slots)
            }
            Err(e) => {
                slots.stack.pop();
                frame.pc += 1;
                self.run_frame_raising(code, frame, slots, Some(e))
            }
        }
    }

    /// `generator.close()`: raise `GeneratorExit` at its `yield`; yielding again is an error.
    pub fn close_generator(&mut self, generator: &Value) -> PyResult<()> {
        let exit = self.new_error_with_args(&types().generator_exit, Vec::new());
        match self.resume_generator(generator, Resume::Throw(exit)) {
            Ok(SendResult::Yielded(_)) => Err(self.runtime_error("generator ignored GeneratorExit")),
            Ok(SendResult::Returned(_)) => Ok(()),
            Err(e)
                if self.err_matches(&e, &types().generator_exit) || self.err_matches(&e, &types().stop_iteration) =>
            {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Send a value into a sub-iterator for `yield from`.
    pub fn send_to(&mut self, sub: &Value, sent: Value) -> PyResult<SendResult> {
        if matches!(sub.payload(), Some(Payload::Generator(_))) {
            return self.resume_generator(sub, Resume::Send(sent));
        }
        let result = if sent.is_none() && matches!(sub.payload(), Some(Payload::Iterator(..))) {
            // Built-in iterators end without a value.
            match self.next(sub) {
                Ok(Some(v)) => return Ok(SendResult::Yielded(v)),
                Ok(None) => return Ok(SendResult::Returned(Value::None)),
                Err(e) => Err(e),
            }
        } else if sent.is_none() {
            // `__next__`, whose StopIteration carries the delegation's value.
            match self.lookup_special(sub, "__next__") {
                Some(next) => self.call(&next, &[sub.clone_ref(self.py)], &[]),
                None => Err(self.type_error(format!("'{}' object is not an iterator", self.type_name(sub)))),
            }
        } else {
            self.call_method(sub, "send", &[sent])
        };
        match result {
            Ok(v) => Ok(SendResult::Yielded(v)),
            Err(e) if self.err_matches(&e, &types().stop_iteration) => {
                Ok(SendResult::Returned(self.stop_iteration_value(&e.exc)))
            }
            Err(e) => Err(e),
        }
    }
}

fn quote_names(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.len() {
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// The function and code `callable` runs when `call_inline` can call it with `argc` positional
/// arguments: a Python function, no generator, no `*args`/`**kwargs`/keyword-only parameters,
/// and `argc` between its required and its total parameter count.
#[inline(always)]
fn inline_callee(callable: &Value, argc: usize) -> Option<(&Function, &CodeHandle)> {
    let Some(Payload::Function(function)) = callable.payload() else {
        return None;
    };
    let Payload::Code(handle) = &function.code.payload else {
        return None;
    };
    let code = &handle.code;
    let argcount = code.argcount as usize;
    if code.flags & (code_flags::GENERATOR | code_flags::VARARGS | code_flags::VARKEYWORDS) != 0
        || code.kwonlyargcount != 0
        || argc > argcount
        || argc + function.defaults.len() < argcount
    {
        return None;
    }
    Some((function, handle))
}
