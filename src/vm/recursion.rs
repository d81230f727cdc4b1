//! The recursion guard: CPython's `Py_EnterRecursiveCall`. Every path on which Rust code
//! recurses because the data or the program does (a Python call, `==` on nested lists, `repr`
//! of a nested dict, an instance whose `__call__` is itself…) enters the guard once per level.
//! Past `sys.getrecursionlimit()` levels, or when the thread's native stack runs low (threads
//! have smaller stacks than the main one), it raises `RecursionError` with CPython's wording
//! for that path instead of overflowing the stack.
//!
//! Paths CPython does not count (a chain of `map` objects, say) only check the stack
//! ([`Vm::check_native_stack`]), so they reach as deep as CPython's do.

use crate::objects::types::types;

use super::{PyErr, PyResult, STACK_SAFETY_MARGIN, Vm};

/// What was being done when the limit was hit: the text CPython appends to "maximum recursion
/// depth exceeded". A native module that recurses over objects (a pickler) adds its own.
pub mod context {
    /// A Python function's frame.
    pub const PYTHON_CALL: &str = "";
    /// Calling an object that is not a function: an instance with `__call__`, a class, a
    /// `staticmethod`.
    pub const CALLING_OBJECT: &str = " while calling a Python object";
    pub const COMPARISON: &str = " in comparison";
    pub const REPR: &str = " while getting the repr of an object";
    pub const STR: &str = " while getting the str of an object";
    pub const INSTANCE_CHECK: &str = " in __instancecheck__";
    pub const SUBCLASS_CHECK: &str = " in __subclasscheck__";
    /// `pickle.dumps` of nested objects.
    pub const PICKLING: &str = " while pickling an object";
    pub const JSON_ENCODE: &str = " while encoding a JSON object";
    pub const JSON_DECODE_OBJECT: &str = " while decoding a JSON object from a unicode string";
    pub const JSON_DECODE_ARRAY: &str = " while decoding a JSON array from a unicode string";
}

impl Vm<'_> {
    /// Enter one level of recursion; every successful call is paired with
    /// [`Vm::leave_recursive_call`]. `context` is one of [`context`]'s wordings.
    #[inline]
    pub fn enter_recursive_call(&mut self, context: &'static str) -> PyResult<()> {
        self.depth += 1;
        if self.depth > self.recursion_limit || self.native_stack_low() {
            self.depth -= 1;
            return Err(self.recursion_error(context));
        }
        Ok(())
    }

    #[inline]
    pub fn leave_recursive_call(&mut self) {
        self.depth -= 1;
    }

    /// `f` one level deeper: [`Vm::enter_recursive_call`], `f`, leave.
    #[inline]
    pub fn with_recursion_guard<T>(
        &mut self,
        context: &'static str,
        f: impl FnOnce(&mut Self) -> PyResult<T>,
    ) -> PyResult<T> {
        self.enter_recursive_call(context)?;
        let result = f(self);
        self.leave_recursive_call();
        result
    }

    /// For native recursion CPython does not count against the limit (`next()` through a chain
    /// of nested `map`s, which CPython follows 100,000 deep; a native calling a native):
    /// `RecursionError` only when the native stack runs low.
    #[inline]
    pub fn check_native_stack(&self) -> PyResult<()> {
        if self.native_stack_low() {
            return Err(self.recursion_error(context::PYTHON_CALL));
        }
        Ok(())
    }

    /// Whether less than [`STACK_SAFETY_MARGIN`] of this thread's native stack is left.
    #[inline]
    fn native_stack_low(&self) -> bool {
        let marker = 0u8;
        let used = self.stack_base.abs_diff(std::ptr::addr_of!(marker) as usize);
        used + STACK_SAFETY_MARGIN > self.stack_size
    }

    #[cold]
    #[inline(never)]
    fn recursion_error(&self, context: &'static str) -> PyErr {
        self.new_error(
            &types().recursion_error,
            format!("maximum recursion depth exceeded{context}"),
        )
    }
}
