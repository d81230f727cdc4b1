//! Closing generators that are dropped while suspended inside `try` or `with`.
//!
//! CPython closes such a generator when its last reference goes (`GeneratorExit` is raised at
//! its `yield`, so its `finally` blocks and `__exit__` methods run). Python code cannot run
//! inside a `Drop` impl, so the dropped generator's frame is parked on a per-thread queue and the
//! thread's eval breaker is set; the next check point (a call or a backward jump) closes it,
//! before the program goes on. At exit, what is still queued is closed, and so are the suspended
//! generators the main module's globals still hold (as CPython's shutdown clears them).

use std::cell::RefCell;
use std::sync::Arc;

use crate::gil::lock::{EvalBreaker, breaker_bits};
use crate::objects::{GeneratorState, ObjLock, ObjRef, Payload, Value};

use super::Vm;
use super::frame::{Block, SuspendedFrame};

/// A suspended generator whose last reference went away.
struct Dropped {
    frame: Box<SuspendedFrame>,
    name: String,
    qualname: String,
}

#[derive(Default)]
struct Queue {
    dropped: Vec<Dropped>,
    /// This thread's eval breaker, kept here so a drop never touches another thread-local
    /// (which may already be gone while thread-locals are destroyed).
    breaker: Option<Arc<EvalBreaker>>,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::new(Queue::default());
}

/// Called when a VM starts on this thread: drops on it set its breaker from now on.
pub fn register_thread(breaker: &Arc<EvalBreaker>) {
    QUEUE.with(|q| q.borrow_mut().breaker = Some(breaker.clone()));
}

/// Whether closing a generator suspended in `frame` runs code: it is inside a `try` (which
/// covers `with` and `except GeneratorExit`). Otherwise `GeneratorExit` would just pass through.
pub fn needs_close(suspended: &SuspendedFrame) -> bool {
    suspended.frame.blocks.iter().any(|b| matches!(b, Block::Try { .. }))
}

/// From `GeneratorState`'s drop: park the frame of a generator that must be closed; any other
/// frame is simply dropped.
pub fn generator_dropped(state: &mut GeneratorState) {
    let Some(frame) = state.frame.take_if(|f| needs_close(f)) else {
        return;
    };
    let dropped = Dropped {
        frame,
        name: std::mem::take(&mut state.name),
        qualname: std::mem::take(&mut state.qualname),
    };
    // Past the queue's destruction (thread exit) the frame is dropped unclosed.
    let _ = QUEUE.try_with(|q| {
        if let Ok(mut q) = q.try_borrow_mut() {
            q.dropped.push(dropped);
            if let Some(breaker) = &q.breaker {
                breaker.set(breaker_bits::FINALIZE);
            }
        }
    });
}

fn take_dropped() -> Option<Dropped> {
    QUEUE.with(|q| q.borrow_mut().dropped.pop())
}

impl Vm<'_> {
    /// Before a call: close the generators dropped since the last one, so their clean-up
    /// comes before what the program does next, as when CPython drops them.
    #[inline(always)]
    pub fn finalize_point(&mut self) {
        if self.breaker.has(breaker_bits::FINALIZE) {
            self.close_dropped_generators();
        }
    }

    /// Close the generators dropped on this thread (from a check point, and at exit).
    pub fn close_dropped_generators(&mut self) {
        self.breaker.clear(breaker_bits::FINALIZE);
        while let Some(dropped) = take_dropped() {
            let generator = self.alloc(Payload::Generator(Box::new(ObjLock::new(GeneratorState {
                frame: Some(dropped.frame),
                running: false,
                name: dropped.name,
                qualname: dropped.qualname,
            }))));
            self.finalize_generator(&generator);
        }
    }

    /// `generator.close()` as a finalizer: errors are reported, not raised, and the generator is
    /// finalized once (a frame it leaves suspended is dropped, not queued again).
    fn finalize_generator(&mut self, generator: &Value) {
        if let Err(err) = self.close_generator(generator) {
            crate::modules::io::flush_stdout();
            let what = self.repr(generator).unwrap_or_default();
            let report = self.format_exception(&err.exc);
            eprint!("Exception ignored in: {what}\n{report}");
        }
        if let Some(Payload::Generator(state)) = generator.payload() {
            let frame = state.lock(self.py).frame.take();
            drop(frame);
        }
    }

    /// At exit: close what is queued, then the suspended generators held by `globals` (names
    /// starting with `_` first, then the others, each in dict order, as CPython clears them).
    pub fn close_generators_at_exit(&mut self, globals: &ObjRef) {
        self.close_dropped_generators();
        let py = self.py;
        let entries: Vec<(bool, Value)> = match &globals.payload {
            Payload::Dict(table) => table
                .lock(py)
                .iter()
                .map(|e| {
                    (
                        e.key.as_str().is_some_and(|k| k.starts_with('_')),
                        e.value.clone_ref(py),
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        let (underscored, others): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .filter(|(_, v)| is_closable(py, v))
            .partition(|(u, _)| *u);
        for (_, generator) in underscored.into_iter().chain(others) {
            self.finalize_generator(&generator);
            self.close_dropped_generators();
        }
    }
}

fn is_closable(py: crate::gil::Gil<'_>, v: &Value) -> bool {
    match v.payload() {
        Some(Payload::Generator(state)) => state.lock(py).frame.as_deref().is_some_and(needs_close),
        _ => false,
    }
}
