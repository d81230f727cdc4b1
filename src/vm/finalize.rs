//! Finalizers: `__del__` methods, and closing generators that are dropped while suspended.
//!
//! CPython runs an object's finalizer when its last reference goes, or when the cycle
//! collector finds it unreachable, and at most once (PEP 442): an instance whose class defines
//! `__del__`, a generator suspended inside `try` or `with` (closing it raises `GeneratorExit`
//! at its `yield`, so its `finally` blocks and `__exit__` methods run). Python code cannot run
//! inside a `Drop` impl, so when such an object's count reaches zero it is kept alive instead,
//! marked finalized and queued on its thread (`objects::gc::queue_finalizer`), which sets the
//! thread's eval breaker; the next check point (a call or a backward jump) runs the finalizer,
//! before the program goes on, then drops the object — freeing it, unless the finalizer stored
//! it somewhere. An exception escaping a finalizer is printed, as CPython's unraisable hook
//! does, and the program continues.

use crate::gil::lock::breaker_bits;
use crate::objects::types::{clone_immortal, intern, types};
use crate::objects::{GenKind, ObjRef, Payload, Value};
use crate::objects::{gc, weakref};

use super::Vm;

impl Vm<'_> {
    /// Before a call: run what is queued (finalizers, a due collection), so that their effects
    /// come before what the program does next, as in CPython.
    #[inline(always)]
    pub fn finalize_point(&mut self) {
        if self.breaker.has(breaker_bits::FINALIZE | breaker_bits::COLLECT) {
            self.serve_finalizers();
        }
    }

    /// After an instruction that may have dropped an object's last reference (a store, a
    /// `del`, the end of an expression statement): its `__del__` runs now, before the next
    /// instruction, as CPython runs it the moment the count reaches zero. (A collection that
    /// is due waits for the next check point.)
    #[inline(always)]
    pub fn finalize_dropped(&mut self) {
        if self.breaker.has(breaker_bits::FINALIZE) {
            self.run_pending_finalizers();
        }
    }

    #[cold]
    #[inline(never)]
    fn serve_finalizers(&mut self) {
        self.run_pending_finalizers();
        if self.breaker.has(breaker_bits::COLLECT) {
            self.breaker.clear(breaker_bits::COLLECT);
            if let Some(generation) = gc::generation_due() {
                self.collect_garbage(generation);
            } else if gc::heap::many_shells() {
                // Free-threaded, with collections off or not due: the memory of containers
                // other threads freed waits for the world to stop.
                self.with_world_stopped(gc::heap::reclaim_shells);
            }
        }
    }

    /// Run the finalizers queued on this thread, oldest first (from a check point, and at exit).
    /// A finalizer's own check points run those its work queued, as CPython runs them the
    /// moment it drops them; but only a few levels deep: thousands of objects whose finalizers
    /// each free the next (a chain of asyncio tasks) would otherwise nest that deep and raise
    /// RecursionError. Beyond that they wait for the outer run's loop, which drains the queue.
    #[cold]
    #[inline(never)]
    pub fn run_pending_finalizers(&mut self) {
        const MAX_NESTING: u32 = 16;
        if self.finalizer_nesting >= MAX_NESTING {
            return;
        }
        self.finalizer_nesting += 1;
        self.drain_finalizers();
        self.finalizer_nesting -= 1;
    }

    fn drain_finalizers(&mut self) {
        self.breaker.clear(breaker_bits::FINALIZE);
        loop {
            if let Some(object) = gc::next_pending_finalizer() {
                self.run_finalizer(&object);
                // Freed here, unless the finalizer resurrected it.
                drop(object);
            } else if let Some(weak) = weakref::next_pending_callback() {
                self.run_weakref_callback(weak);
            } else {
                break;
            }
        }
    }

    /// Run `object`'s finalizer: `__del__`, or closing a generator. Errors are reported, not
    /// raised; the exception being handled around it is left as it was.
    pub fn run_finalizer(&mut self, object: &ObjRef) {
        let handled = self.handled.take();
        let target = Value::Obj(object.clone_ref(self.py));
        match &object.payload {
            Payload::Instance(inst) => {
                let class = inst.class.clone_ref(self.py);
                if let Some(del) = self.finalizer_of(&class)
                    && let Err(err) = self.call_with_receiver(&del, &target, &[], &[])
                {
                    self.report_unraisable(&del, &err.exc);
                }
            }
            Payload::Generator(state) => {
                let never_awaited = {
                    let state = state.lock(self.py);
                    (state.kind == GenKind::Coroutine && state.never_started()).then(|| state.qualname.clone())
                };
                if let Some(qualname) = never_awaited {
                    let frame = state.lock(self.py).frame.take();
                    drop(frame);
                    self.warn_never_awaited(&qualname, &target);
                } else if state.lock(self.py).needs_close() {
                    if let Err(err) = self.close_generator(&target) {
                        self.report_unraisable(&target, &err.exc);
                    }
                } else {
                    // Closing runs no code here: the frame just goes.
                    let frame = state.lock(self.py).frame.take();
                    drop(frame);
                }
            }
            _ => {}
        }
        self.handled = handled;
    }

    /// `RuntimeWarning: coroutine 'f' was never awaited`, through `warnings` (so filters
    /// apply), attributed to the code running when the coroutine went.
    fn warn_never_awaited(&mut self, qualname: &str, coroutine: &Value) {
        let message = self.new_str(format!("coroutine '{qualname}' was never awaited").as_str());
        let category = Value::Obj(clone_immortal(&types().runtime_warning));
        let result = crate::modules::pickle::import_module(self, "warnings").and_then(|warnings| {
            let warn = self.get_attr(&warnings, &intern("warn"))?;
            let source = (intern("source"), coroutine.clone_ref(self.py));
            self.call(&warn, &[message, category, Value::Int(1)], &[source])
        });
        if let Err(err) = result {
            self.report_unraisable(coroutine, &err.exc);
        }
    }

    /// `__del__` along the class's MRO, refreshing the class's cached answer.
    fn finalizer_of(&mut self, class: &ObjRef) -> Option<Value> {
        let found = self.class_attr(class, "__del__");
        if let Payload::Type(t) = &class.payload {
            t.finalizer.set(found.is_some());
        }
        found
    }

    /// What CPython's default `sys.unraisablehook` prints for an error nobody can catch.
    pub fn report_unraisable(&mut self, context: &Value, exc: &ObjRef) {
        crate::modules::io::flush_stdout();
        let what = self.repr(context).unwrap_or_default();
        let report = self.format_exception_alone(exc);
        eprint!("Exception ignored in: {what}\n{report}");
    }

    /// At exit, as CPython's shutdown: the main module goes, and with it the objects only its
    /// globals kept (their finalizers run, in the order their references are dropped, or for
    /// cycles in the order the objects were made); then what is still queued.
    pub fn finalize_main_module(&mut self, globals: ObjRef) {
        let py = self.py;
        self.run_pending_finalizers();
        let modules = self.modules.clone_ref(py);
        if let Ok(Some(main)) = self.dict_del_str(&modules, &intern("__main__")) {
            drop(main);
        }
        drop(globals);
        self.clear_caches();
        self.run_pending_finalizers();
        // Even with automatic collection off, as CPython does.
        self.collect_garbage(2);
        self.finish_thread();
    }

    /// The last Python code a thread runs: the finalizers still queued on it. Free-threaded,
    /// objects other threads dropped are queued for their owner to merge, and merging may
    /// queue a finalizer here: the thread first stops owning objects (what was queued for it
    /// is merged now, and other threads merge what they drop from now on), and again after
    /// finalizers that made objects, until nothing is left to run.
    pub fn finish_thread(&mut self) {
        loop {
            crate::objects::refcount::retire_thread();
            if !gc::has_pending_finalizers() && !weakref::has_pending_callbacks() {
                return;
            }
            self.run_pending_finalizers();
        }
    }
}

/// Whether instances of `class` have a `__del__`: the class's cached answer, refreshed when
/// stale.
pub fn class_has_finalizer(py: crate::gil::Gil<'_>, class: &ObjRef) -> bool {
    let Payload::Type(t) = &class.payload else {
        return false;
    };
    t.finalizer.get().unwrap_or_else(|| {
        let defines = class_defines_del(py, class);
        t.finalizer.set(defines);
        defines
    })
}

/// Whether a class (or a base) defines `__del__`, looked up without running code.
pub fn class_defines_del(py: crate::gil::Gil<'_>, class: &ObjRef) -> bool {
    let Payload::Type(t) = &class.payload else {
        return false;
    };
    let defines = |c: &ObjRef| match &c.payload {
        Payload::Type(t) if !c.is(&types().object) => t.dict.lock(py).iter().any(|e| e.key.as_str() == Some("__del__")),
        _ => false,
    };
    defines(class) || t.mro.iter().any(defines)
}
