//! The global interpreter lock and the token that proves a thread may touch objects.
//!
//! Every refcount change and every read or write of an object's fields needs a [`Gil`] token.
//! The token is a zero-sized, `Copy`, `!Send` value that only exists inside [`attach`]: with the
//! GIL on, "attached" means "holds the GIL", so plain (non-atomic) refcounts are sound; in
//! free-threaded mode it means "registered as a running interpreter thread", and refcounts use
//! atomics. [`Gil::allow_threads`] detaches for a blocking call; its closure must be `Send`, so
//! neither the token nor anything borrowed from it can be used while detached — the same proof
//! PyO3 builds around `Python<'py>`.

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether this process runs without a GIL (`-X gil=0`). Fixed before the first thread attaches.
static FREE_THREADED: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Whether this OS thread is attached (inside [`attach`] and not inside `allow_threads`).
    static ATTACHED: Cell<bool> = const { Cell::new(false) };
}

/// Proof that the current thread is attached to the interpreter.
#[derive(Clone, Copy)]
pub struct Gil<'py> {
    /// `*const ()` makes the token `!Send` and `!Sync`; the lifetime keeps it inside `attach`.
    _marker: PhantomData<(&'py (), *const ())>,
}

/// Choose the threading mode. Must be called before any thread attaches.
pub fn set_free_threaded(enabled: bool) {
    FREE_THREADED.store(enabled, Ordering::Relaxed);
}

/// True when running without a GIL: refcounts and object locks must then be atomic.
#[inline(always)]
pub fn is_free_threaded() -> bool {
    FREE_THREADED.load(Ordering::Relaxed)
}

/// Whether the calling thread is attached, i.e. may use plain refcount updates right now.
#[inline(always)]
pub fn is_attached() -> bool {
    ATTACHED.with(Cell::get)
}

/// Run `f` with the calling thread attached to the interpreter.
///
/// Until the multi-threaded runtime lands there is a single interpreter thread, so attaching is
/// only bookkeeping; the token discipline is already what the GIL will need.
pub fn attach<R>(f: impl for<'py> FnOnce(Gil<'py>) -> R) -> R {
    let was_attached = ATTACHED.with(|a| a.replace(true));
    crate::objects::refcount::release_deferred();
    let result = f(Gil { _marker: PhantomData });
    ATTACHED.with(|a| a.set(was_attached));
    result
}

impl<'py> Gil<'py> {
    /// Detach while `f` runs (a blocking call). `f` is `Send`, so it cannot capture the token
    /// or any object reference that would need it.
    pub fn allow_threads<R>(self, f: impl FnOnce() -> R + Send) -> R {
        ATTACHED.with(|a| a.set(false));
        let result = f();
        ATTACHED.with(|a| a.set(true));
        crate::objects::refcount::release_deferred();
        result
    }
}
