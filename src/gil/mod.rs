//! The global interpreter lock and the token that proves a thread may touch objects.
//!
//! Every refcount change and every read or write of an object's fields needs a [`Gil`] token.
//! The token is a zero-sized, `Copy`, `!Send` value that only exists inside [`attach`]: with the
//! GIL on, "attached" means "holds the GIL", so plain (non-atomic) refcounts are sound; in
//! free-threaded mode it means "registered as a running interpreter thread", and refcounts use
//! atomics. [`Gil::allow_threads`] detaches for a blocking call; its closure must be `Send`, so
//! neither the token nor anything borrowed from it can be used while detached — the same proof
//! PyO3 builds around `Python<'py>`. Each blocking call names its [`BlockKind`], so the event
//! log ([`events`]) can say what a detached thread was waiting for.

pub mod events;
pub mod lock;
pub mod signals;
pub mod spans;
pub mod stats;
mod sync;

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub use events::BlockKind;
use events::{BlockSpan, EventKind};
use lock::{DropReason, EvalBreaker, GlobalLock};

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

/// The process's one GIL (unused when free-threaded).
static GIL: GlobalLock = GlobalLock::new();

thread_local! {
    /// This thread's eval breaker: where other threads post requests to it.
    static BREAKER: Arc<EvalBreaker> = Arc::new(EvalBreaker::default());
}

/// The calling thread's eval breaker (the VM keeps a handle to test it cheaply).
pub fn current_breaker() -> Arc<EvalBreaker> {
    BREAKER.with(Arc::clone)
}

/// `-X gil-policy`: fixed at start-up, before any thread attaches.
pub fn set_policy(policy: lock::Policy) {
    GIL.set_policy(policy);
}

/// `sys.setswitchinterval` / `sys.getswitchinterval`.
pub fn set_switch_interval(interval: Duration) {
    GIL.set_interval(interval);
}

pub fn switch_interval() -> Duration {
    GIL.interval()
}

/// Marks the thread attached and (with the GIL on) holds the lock; undone on drop, so a
/// panic unwinding out of interpreter code still lets the other threads run.
struct Attachment {
    breaker: Arc<EvalBreaker>,
}

impl Attachment {
    fn enter() -> Attachment {
        let breaker = current_breaker();
        if is_free_threaded() {
            events::record(EventKind::Attached);
        } else {
            GIL.take(&breaker);
        }
        ATTACHED.with(|a| a.set(true));
        Attachment { breaker }
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        ATTACHED.with(|a| a.set(false));
        if is_free_threaded() {
            events::record(EventKind::Detached);
        } else {
            GIL.drop_lock(&self.breaker, DropReason::Exit);
        }
    }
}

/// Run `f` with the calling thread attached to the interpreter: holding the GIL, or (when
/// free-threaded) registered as running. Nested calls reuse the outer attachment.
pub fn attach<R>(f: impl for<'py> FnOnce(Gil<'py>) -> R) -> R {
    if is_attached() {
        return f(Gil { _marker: PhantomData });
    }
    let _attachment = Attachment::enter();
    crate::objects::refcount::release_deferred();
    f(Gil { _marker: PhantomData })
}

impl<'py> Gil<'py> {
    /// Detach while `f` runs (a blocking call of the given kind), releasing the GIL
    /// voluntarily. `f` is `Send`, so it cannot capture the token or any object reference that
    /// would need it.
    pub fn allow_threads<R>(self, kind: BlockKind, f: impl FnOnce() -> R + Send) -> R {
        struct Reattach(Arc<EvalBreaker>, Option<BlockSpan>);
        impl Drop for Reattach {
            fn drop(&mut self) {
                // The call has ended before the thread starts waiting for the GIL again.
                drop(self.1.take());
                if !is_free_threaded() {
                    GIL.take_after_blocking_call(&self.0);
                }
                ATTACHED.with(|a| a.set(true));
                crate::objects::refcount::release_deferred();
            }
        }
        let breaker = current_breaker();
        ATTACHED.with(|a| a.set(false));
        if !is_free_threaded() {
            GIL.drop_lock(&breaker, DropReason::Voluntary);
        }
        let _reattach = Reattach(breaker, Some(BlockSpan::begin(kind)));
        f()
    }

    /// Called at a check point whose eval breaker is set: hand the GIL over if asked to.
    /// Between the drop and the re-take this thread touches no object, so the token staying
    /// in scope is harmless.
    pub fn serve_eval_breaker(self, breaker: &Arc<EvalBreaker>) {
        if breaker.has(lock::breaker_bits::DROP_REQUEST) && !is_free_threaded() {
            GIL.drop_lock(breaker, DropReason::Requested);
            GIL.take(breaker);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn allow_threads_lets_another_thread_attach_meanwhile() {
        // Two threads each attach, then sleep detached: the sleeps must overlap, which is only
        // possible if the first sleeper released the GIL.
        let sleepers: Vec<_> = (0..2)
            .map(|_| {
                std::thread::spawn(|| {
                    attach(|py| {
                        py.allow_threads(BlockKind::Sleep, || {
                            let start = Instant::now();
                            std::thread::sleep(Duration::from_millis(200));
                            (start, Instant::now())
                        })
                    })
                })
            })
            .collect();
        let spans: Vec<(Instant, Instant)> = sleepers
            .into_iter()
            .map(|s| s.join().expect("sleeper thread"))
            .collect();
        let latest_start = spans.iter().map(|s| s.0).max().expect("two spans");
        let earliest_end = spans.iter().map(|s| s.1).min().expect("two spans");
        assert!(latest_start < earliest_end, "the detached sleeps did not overlap");
    }

    #[test]
    fn the_event_log_records_take_block_and_drop_in_order() {
        use EventKind::*;
        events::enable();
        let ident = std::thread::spawn(|| {
            attach(|py| py.allow_threads(BlockKind::Read, || ()));
            crate::modules::thread::current_ident()
        })
        .join()
        .expect("logged thread");
        let log = events::snapshot()
            .into_iter()
            .find(|log| log.ident == ident)
            .expect("the thread registered its log");
        let kinds: Vec<EventKind> = log.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                TakeRequested,
                Acquired,
                Dropped(DropReason::Voluntary),
                BlockBegin(BlockKind::Read),
                BlockEnd,
                TakeRequested,
                Acquired,
                Dropped(DropReason::Exit),
            ]
        );
        assert!(log.events.windows(2).all(|pair| pair[0].ts <= pair[1].ts));
    }

    #[test]
    fn attach_nests_and_releases_on_exit() {
        attach(|_| attach(|py| py.allow_threads(BlockKind::Sleep, || ())));
        assert!(!is_attached());
        // The GIL is free again: another thread can take it.
        std::thread::spawn(|| attach(|_| ()))
            .join()
            .expect("second thread attaches");
    }
}
