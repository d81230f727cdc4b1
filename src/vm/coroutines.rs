//! The protocols behind `await`, `async for` and `async with`.
//!
//! A coroutine is a generator frame (`Payload::Generator` of kind `GenKind::Coroutine`), so
//! `await x` is `yield from` on the iterator `x` stands for: the coroutine itself, or what
//! `x.__await__()` returns. These helpers find that iterator and the async-iteration and
//! async-context-manager methods, with CPython 3.11's errors.

use crate::objects::{GenKind, Payload, Value};

use super::{PyResult, Vm};

impl Vm<'_> {
    /// The kind of resumable frame `v` is, `None` for anything else.
    pub fn gen_kind(&self, v: &Value) -> Option<GenKind> {
        match v.payload() {
            Some(Payload::Generator(state)) => Some(state.lock(self.py).kind),
            _ => None,
        }
    }

    /// `GetAwaitable`: the iterator `await v` delegates to.
    pub fn get_awaitable(&mut self, v: Value) -> PyResult<Value> {
        self.awaitable_or(v, |type_name| {
            format!("object {type_name} can't be used in 'await' expression")
        })
    }

    /// The iterator to delegate to for `v`; `not_awaitable` words the error when `v` has no
    /// `__await__`.
    fn awaitable_or(&mut self, v: Value, not_awaitable: impl FnOnce(&str) -> String) -> PyResult<Value> {
        if self.gen_kind(&v) == Some(GenKind::Coroutine) {
            return Ok(v);
        }
        let Some(method) = self.lookup_special(&v, "__await__") else {
            return Err(self.type_error(not_awaitable(&self.type_name(&v))));
        };
        let it = self.call(&method, &[v], &[])?;
        match self.gen_kind(&it) {
            Some(GenKind::Coroutine) => return Err(self.type_error("__await__() returned a coroutine")),
            Some(GenKind::Generator) => return Ok(it),
            Some(GenKind::AsyncGenerator) | None => {}
        }
        if matches!(it.payload(), Some(Payload::Iterator(..))) || self.lookup_special(&it, "__next__").is_some() {
            return Ok(it);
        }
        Err(self.type_error(format!(
            "__await__() returned non-iterator of type '{}'",
            self.type_name(&it)
        )))
    }

    /// `GetAIter`: `v.__aiter__()`.
    pub fn get_aiter(&mut self, v: &Value) -> PyResult<Value> {
        let Some(method) = self.lookup_special(v, "__aiter__") else {
            return Err(self.type_error(format!(
                "'async for' requires an object with __aiter__ method, got {}",
                self.type_name(v)
            )));
        };
        let it = self.call(&method, &[v.clone_ref(self.py)], &[])?;
        if self.lookup_special(&it, "__anext__").is_none() {
            return Err(self.type_error(format!(
                "'async for' received an object from __aiter__ that does not implement __anext__: {}",
                self.type_name(&it)
            )));
        }
        Ok(it)
    }

    /// `GetANext`: the awaitable of `aiter.__anext__()`.
    pub fn get_anext(&mut self, aiter: &Value) -> PyResult<Value> {
        let Some(method) = self.lookup_special(aiter, "__anext__") else {
            return Err(self.type_error(format!(
                "'async for' requires an iterator with __anext__ method, got {}",
                self.type_name(aiter)
            )));
        };
        let next = self.call(&method, &[aiter.clone_ref(self.py)], &[])?;
        self.awaitable_or(next, |type_name| {
            format!("'async for' received an invalid object from __anext__: {type_name}")
        })
    }

    /// `BeforeAsyncWith`: the bound `__aexit__` and the result of calling `__aenter__`.
    pub fn before_async_with(&mut self, manager: &Value) -> PyResult<(Value, Value)> {
        let protocol_error = |vm: &mut Self, missed: &str| {
            vm.type_error(format!(
                "'{}' object does not support the asynchronous context manager protocol{missed}",
                vm.type_name(manager)
            ))
        };
        let Some(enter) = self.lookup_special(manager, "__aenter__") else {
            return Err(protocol_error(self, ""));
        };
        let Some(exit) = self.lookup_special(manager, "__aexit__") else {
            return Err(protocol_error(self, " (missed __aexit__ method)"));
        };
        let exit = self.bind(exit, manager);
        let entered = self.call(&enter, &[manager.clone_ref(self.py)], &[])?;
        Ok((exit, entered))
    }
}

/// What a suspended generator or coroutine is delegating to (`cr_await`, `gi_yieldfrom`):
/// the iterator under a `YieldFrom` it is paused at.
pub fn awaiting_on(
    py: crate::gil::Gil<'_>,
    state: &crate::objects::ObjLock<crate::objects::GeneratorState>,
) -> Option<Value> {
    let state = state.lock(py);
    let suspended = state.frame.as_ref()?;
    let Payload::Code(handle) = &suspended.code.payload else {
        return None;
    };
    let paused_at = handle.code.instructions.get(suspended.frame.pc)?;
    if *paused_at != crate::compile::bytecode::Instr::YieldFrom || suspended.frame.pc == 0 {
        return None;
    }
    suspended.slots.stack.last().map(|v| v.clone_ref(py))
}

impl Vm<'_> {
    /// Whether the `gi_`, `cr_` or `ag_` attribute `name` belongs to the kind `state` is.
    pub fn generator_attr_applies(
        &self,
        state: &crate::objects::ObjLock<crate::objects::GeneratorState>,
        name: &str,
    ) -> bool {
        let prefix = match state.lock(self.py).kind {
            GenKind::Generator => "gi_",
            GenKind::Coroutine => "cr_",
            GenKind::AsyncGenerator => "ag_",
        };
        name.starts_with(prefix)
    }
}

impl Vm<'_> {
    /// `cr_frame` / `gi_frame`: a snapshot of the frame while it exists, at the line it is
    /// suspended on (its `def` line before it first runs).
    pub fn suspended_frame_object(
        &mut self,
        state: &crate::objects::ObjLock<crate::objects::GeneratorState>,
    ) -> Option<Value> {
        let (code, globals, pc) = {
            let state = state.lock(self.py);
            let suspended = state.frame.as_ref()?;
            (
                suspended.code.clone_ref(self.py),
                suspended.globals.clone_ref(self.py),
                suspended.frame.pc,
            )
        };
        let Payload::Code(handle) = &code.payload else {
            return None;
        };
        let lines = &handle.code.lines;
        let line = match pc {
            0 => handle.code.first_line,
            pc => lines.get(pc - 1).or(lines.last()).copied().unwrap_or(0),
        };
        Some(self.new_frame_object(code, globals, None, line, Value::None))
    }
}
