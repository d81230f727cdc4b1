//! Calls: dispatch on what is being called, and binding arguments to a Python function's
//! parameters with CPython's error messages.

use crate::objects::types::{intern, types};
use crate::objects::{CodeHandle, Function, GeneratorState, ObjLock, ObjRef, Payload, Value};

use super::eval::{FrameExit, str_of};
use super::frame::Frame;
use super::ops::SendResult;
use super::{PyErr, PyResult, Vm};
use crate::compile::bytecode::Instr;

/// How many finished frames' buffers each thread keeps for reuse.
const SPARE_BUFFERS: usize = 64;

/// How to resume a suspended generator.
pub enum Resume {
    /// `next()` / `send(value)`.
    Send(Value),
    /// `throw(exc)` / `close()`.
    Throw(PyErr),
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
            Payload::Native(native) => {
                self.enter_call()?;
                let result = (native.function)(self, args, kwargs);
                self.leave_call();
                result
            }
            Payload::BoundMethod(receiver, function) => self.call_with_receiver(function, receiver, args, kwargs),
            Payload::Type(_) => self.call_type(obj, args, kwargs),
            Payload::Instance(_) => match self.lookup_special(callable, "__call__") {
                Some(method) => self.call_with_receiver(&method, callable, args, kwargs),
                None => Err(self.not_callable(callable)),
            },
            Payload::StaticMethod(inner) => {
                let inner = inner.clone_ref(py);
                self.call(&inner, args, kwargs)
            }
            _ => Err(self.not_callable(callable)),
        }
    }

    /// Call `callable(receiver, *args, **kwargs)` (bound methods, `__init__`, `__call__`). The
    /// argument vector comes from the frame-stack pool, so the call allocates nothing.
    pub fn call_with_receiver(
        &mut self,
        callable: &Value,
        receiver: &Value,
        args: &[Value],
        kwargs: &[(ObjRef, Value)],
    ) -> PyResult<Value> {
        let py = self.py;
        let mut full = self.spare_stacks.pop().unwrap_or_default();
        full.push(receiver.clone_ref(py));
        full.extend(args.iter().map(|a| a.clone_ref(py)));
        let result = self.call(callable, &full, kwargs);
        full.clear();
        if self.spare_stacks.len() < SPARE_BUFFERS {
            self.spare_stacks.push(full);
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

    /// Call a Python function: bind the arguments into a fresh frame and run it (or wrap it in
    /// a generator).
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
        let (fast, cells) = self.bind_frame(function, handle, args, kwargs)?;
        // Built where it is used: moving a frame around costs more than filling it.
        let mut frame = Frame {
            code: function.code.clone_ref(py),
            globals: function.globals.clone_ref(py),
            locals: None,
            fast,
            cells,
            stack: self.spare_stacks.pop().unwrap_or_default(),
            blocks: Vec::new(),
            pc: 0,
        };
        if handle.code.is_generator() {
            return Ok(self.alloc(Payload::Generator(Box::new(ObjLock::new(GeneratorState {
                frame: Some(Box::new(frame)),
                running: false,
                name: function.name.lock(py).clone(),
                qualname: function.qualname.lock(py).clone(),
            })))));
        }
        let result = self.run_frame(&mut frame);
        self.recycle(&mut frame);
        match result? {
            FrameExit::Return(v) | FrameExit::Yield(v) => Ok(v),
        }
    }

    /// Keep a finished frame's buffers for the next call: most calls then allocate nothing.
    fn recycle(&mut self, frame: &mut Frame) {
        let mut fast = std::mem::take(&mut frame.fast);
        let mut stack = std::mem::take(&mut frame.stack);
        fast.clear();
        stack.clear();
        if self.spare_locals.len() < SPARE_BUFFERS {
            self.spare_locals.push(fast);
        }
        if self.spare_stacks.len() < SPARE_BUFFERS {
            self.spare_stacks.push(stack);
        }
    }

    /// The local slots (parameters bound) and cells of a fresh frame for `function`.
    fn bind_frame(
        &mut self,
        function: &Function,
        handle: &CodeHandle,
        args: &[Value],
        kwargs: &[(ObjRef, Value)],
    ) -> PyResult<(Vec<Option<Value>>, Vec<ObjRef>)> {
        let py = self.py;
        let code = &handle.code;
        let mut fast = self.spare_locals.pop().unwrap_or_default();
        let simple = kwargs.is_empty()
            && args.len() == code.argcount as usize
            && code.kwonlyargcount == 0
            && !code.has_varargs()
            && !code.has_varkeywords();
        if simple {
            fast.extend(args.iter().map(|arg| Some(arg.clone_ref(py))));
            fast.resize_with(code.varnames.len(), || None);
        } else {
            fast.resize_with(code.varnames.len(), || None);
            self.bind_arguments(function, &mut fast, args, kwargs)?;
        }
        if code.cellvars.is_empty() && function.closure.is_empty() {
            return Ok((fast, Vec::new()));
        }
        let mut cells = Vec::with_capacity(code.cellvars.len() + code.freevars.len());
        for _ in &code.cellvars {
            cells.push(ObjRef::new(
                py,
                crate::objects::PyObject::new(Payload::Cell(ObjLock::new(None))),
            ));
        }
        for &(cell, param) in &code.cell_params {
            if let (Some(cell), Some(value)) = (cells.get(cell as usize), fast[param as usize].take())
                && let Payload::Cell(c) = &cell.payload
            {
                *c.lock(py) = Some(value);
            }
        }
        cells.extend(function.closure.iter().map(|c| c.clone_ref(py)));
        Ok((fast, cells))
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

    /// Calling a class: built-in constructors, or `__new__` + `__init__` for user classes.
    fn call_type(&mut self, class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
        if let Some(constructor) = crate::modules::builtins::constructor_for(class) {
            return constructor(self, class, args, kwargs);
        }
        crate::vm::classes::instantiate(self, class, args, kwargs)
    }

    /// Resume a generator: send it a value, or raise an exception at its `yield`.
    pub fn resume_generator(&mut self, generator: &Value, how: Resume) -> PyResult<SendResult> {
        let Some(Payload::Generator(state)) = generator.payload() else {
            return Err(self.type_error("not a generator"));
        };
        let taken = {
            let mut state = state.lock(self.py);
            if state.running {
                None
            } else {
                let frame = state.frame.take();
                state.running = frame.is_some();
                Some(frame)
            }
        };
        let mut frame = match (taken, how) {
            (None, _) => return Err(self.value_error("generator already executing")),
            (Some(None), Resume::Send(_)) => return Ok(SendResult::Returned(Value::None)),
            (Some(None), Resume::Throw(err)) => return Err(err),
            (Some(Some(frame)), how) => (frame, how),
        };
        let result = match frame.1 {
            Resume::Send(sent) => {
                if frame.0.pc == 0 && !sent.is_none() {
                    let mut state = state.lock(self.py);
                    state.frame = Some(frame.0);
                    state.running = false;
                    drop(state);
                    return Err(self.type_error("can't send non-None value to a just-started generator"));
                }
                if frame.0.pc != 0 {
                    frame.0.stack.push(sent);
                }
                self.run_frame(&mut frame.0)
            }
            Resume::Throw(err) => self.throw_into(&mut frame.0, err),
        };
        let mut frame = frame.0;
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
                frame.stack.clear();
                if self.err_matches(&e, &types().stop_iteration) {
                    let err = self.runtime_error("generator raised StopIteration");
                    self.set_cause(&err.exc, Some(Value::Obj(e.exc)), true);
                    return Err(err);
                }
                Err(e)
            }
        }
    }

    /// Raise `err` at a suspended generator's `yield`; a `yield from` passes it on to the
    /// generator it delegates to first, as CPython does.
    fn throw_into(&mut self, frame: &mut Frame, err: PyErr) -> PyResult<FrameExit> {
        if frame.pc == 0 {
            return Err(err);
        }
        let code = match &frame.code.payload {
            Payload::Code(handle) => handle.code.clone(),
            _ => return Err(err),
        };
        let delegating = matches!(code.instructions.get(frame.pc), Some(Instr::YieldFrom))
            && matches!(frame.stack.last().and_then(Value::payload), Some(Payload::Generator(_)));
        if !delegating {
            return self.run_frame_raising(frame, Some(err));
        }
        let sub = frame.stack.last().map(|v| v.clone_ref(self.py)).unwrap_or(Value::None);
        match self.resume_generator(&sub, Resume::Throw(err)) {
            Ok(SendResult::Yielded(v)) => Ok(FrameExit::Yield(v)),
            Ok(SendResult::Returned(v)) => {
                frame.stack.pop();
                frame.stack.push(v);
                frame.pc += 1;
                self.run_frame(frame)
            }
            Err(e) => {
                frame.stack.pop();
                frame.pc += 1;
                self.run_frame_raising(frame, Some(e))
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
        let result = if sent.is_none() {
            match self.next(sub) {
                Ok(Some(v)) => return Ok(SendResult::Yielded(v)),
                Ok(None) => return Ok(SendResult::Returned(Value::None)),
                Err(e) => Err(e),
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
