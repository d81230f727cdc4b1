//! The global interpreter lock and the token that proves a thread may touch objects.
//!
//! Every refcount change and every read or write of an object's fields needs a [`Gil`] token.
//! The token is a zero-sized, `Copy`, `!Send` value that only exists inside [`attach`]: with the
//! GIL on, "attached" means "holds the GIL", so plain (non-atomic) refcounts are sound; in
//! free-threaded mode it means "registered as a running interpreter thread", and refcounts are
//! biased: plain for the object's owner thread, atomic for the others
//! (`objects/refcount.rs`). [`Gil::allow_threads`] detaches for a blocking call; its closure must be `Send`, so
//! neither the token nor anything borrowed from it can be used while detached — the same proof
//! PyO3 builds around `Python<'py>`. Each blocking call names its [`BlockKind`], so the event
//! log ([`events`]) can say what a detached thread was waiting for.

pub mod deterministic;
pub mod events;
pub mod fork;
pub mod futex;
pub mod lock;
pub mod signals;
pub mod spans;
pub mod stats;
pub mod stop_world;
mod sync;

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use deterministic::{Scheduler, Switching};

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

thread_local! {
    /// This thread's ident: `_thread.get_ident()`, and the key of its GIL event log.
    static IDENT: u64 = next_ident();
}

fn next_ident() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The calling thread's ident, unique in the process (never 0, which means "no thread").
pub fn current_ident() -> u64 {
    IDENT.with(|i| *i)
}

/// What attaching does for the floor above: release the references dropped while detached
/// (`objects::refcount::release_deferred`). `gil/` calls nothing above it, so that floor
/// registers the hook itself, the first time it parks a reference: until then there is
/// nothing to release, and a process that never parks one never calls it.
static ON_ATTACH: OnceLock<fn()> = OnceLock::new();

/// Register what every attach runs; the first registration holds.
pub fn set_attach_hook(hook: fn()) {
    let _ = ON_ATTACH.set(hook);
}

#[inline]
fn run_attach_hook() {
    if let Some(hook) = ON_ATTACH.get() {
        hook();
    }
}

/// How a deadlock of the deterministic schedule is reported and the process ended. The
/// interpreter registers `_thread`'s report at start-up (it flushes stdout and writes the
/// stats, trace and timeline first), which `gil/` cannot reach; without one, the report goes
/// straight to stderr.
static DEADLOCK_REPORT: OnceLock<fn(String) -> !> = OnceLock::new();

/// Register the deadlock report; the first registration holds.
pub fn set_deadlock_report(report: fn(String) -> !) {
    let _ = DEADLOCK_REPORT.set(report);
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

/// Post `bits` (`lock::breaker_bits`) to the calling thread's own eval breaker: served at its
/// next check point. Does nothing on a thread that is shutting down. Bits already posted are
/// only looked at: a request repeated at every allocation until the check point (the cycle
/// collector's) costs a load, not a locked instruction.
pub fn request(bits: u32) {
    let _ = BREAKER.try_with(|breaker| {
        if !breaker.has(bits) {
            breaker.set(bits);
        }
    });
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

/// `-X switch-every` / `-X sched-seed`: when set, threads take turns instead of the GIL.
static SCHEDULER: OnceLock<Scheduler> = OnceLock::new();

thread_local! {
    /// This thread's id in the deterministic schedule, once it has one.
    static TURN_ID: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Run threads one at a time under a deterministic schedule. Start-up only, with the GIL on.
pub fn set_deterministic(switching: Switching) {
    let _ = SCHEDULER.set(Scheduler::new(switching));
}

fn scheduler() -> Option<&'static Scheduler> {
    SCHEDULER.get()
}

/// The deterministic schedule's switching rule, if there is one.
pub fn deterministic_switching() -> Option<Switching> {
    scheduler().map(Scheduler::switching)
}

/// Whether threads take deterministic turns (`-X switch-every`, `-X sched-seed`).
pub fn is_deterministic() -> bool {
    SCHEDULER.get().is_some()
}

/// The calling thread's id in the schedule, joining the rotation if no one reserved a place
/// for it (the interpreter's first thread).
fn turn_id(scheduler: &Scheduler) -> u64 {
    TURN_ID.with(|id| {
        id.get().unwrap_or_else(|| {
            let new = scheduler.register();
            id.set(Some(new));
            new
        })
    })
}

/// Virtual time since start under a deterministic schedule (what the `time` module's clocks
/// read there); `None` otherwise.
pub fn virtual_clock() -> Option<Duration> {
    scheduler().map(|s| Duration::from_micros(s.now_us()))
}

/// A new thread's place in the deterministic schedule, reserved by the thread that starts it
/// (which holds the turn, so the order is the program's). The new thread calls [`enter`]
/// first thing; dropping the place takes the thread out of the rotation and hands the turn on.
///
/// [`enter`]: ScheduledThread::enter
pub struct ScheduledThread(u64);

/// Reserve a place for a thread about to start; `None` unless the schedule is deterministic.
pub fn schedule_new_thread() -> Option<ScheduledThread> {
    scheduler().map(|s| ScheduledThread(s.register()))
}

impl ScheduledThread {
    pub fn enter(&self) {
        TURN_ID.with(|id| id.set(Some(self.0)));
    }
}

impl Drop for ScheduledThread {
    fn drop(&mut self) {
        if let Some(scheduler) = scheduler()
            && scheduler.finish(self.0).is_err()
        {
            deterministic_deadlock();
        }
    }
}

/// Every remaining thread waits forever. `_thread`'s detector reports such a state first,
/// naming the locks; this is the schedule's own last word, so that nothing hangs.
fn deterministic_deadlock() -> ! {
    let report =
        "DeadlockError: every thread is waiting for something only another waiting thread could do\n".to_string();
    match DEADLOCK_REPORT.get() {
        Some(exit_deadlocked) => exit_deadlocked(report),
        None => {
            eprint!("{report}");
            std::process::exit(1)
        }
    }
}

/// Marks the thread attached and (with the GIL on) holds the lock; undone on drop, so a
/// panic unwinding out of interpreter code still lets the other threads run. Under a
/// deterministic schedule, the thread waits for its turn instead, and keeps the turn when it
/// detaches: only leaving the rotation ([`ScheduledThread`]) passes it on.
struct Attachment {
    breaker: Arc<EvalBreaker>,
}

impl Attachment {
    fn enter() -> Attachment {
        let breaker = current_breaker();
        if is_free_threaded() {
            stop_world::attach(&breaker);
            events::record(EventKind::Attached);
        } else if let Some(scheduler) = scheduler() {
            scheduler.wait_turn(turn_id(scheduler));
            // Every check point counts now, so every one takes the slow path.
            breaker.set(lock::breaker_bits::SCHEDULED);
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
            stop_world::leave();
        } else if scheduler().is_none() {
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
    run_attach_hook();
    f(Gil { _marker: PhantomData })
}

impl<'py> Gil<'py> {
    /// Detach while `f` runs (a blocking call of the given kind), releasing the GIL
    /// voluntarily. `f` is `Send`, so it cannot capture the token or any object reference that
    /// would need it.
    pub fn allow_threads<R>(self, kind: BlockKind, f: impl FnOnce() -> R + Send) -> R {
        if scheduler().is_some() {
            // Under a deterministic schedule the call keeps the turn: nobody else may run
            // meanwhile, or the order of events would depend on how long it took.
            return f();
        }
        struct Reattach(Arc<EvalBreaker>, Option<BlockSpan>);
        impl Drop for Reattach {
            fn drop(&mut self) {
                // The call has ended before the thread starts waiting for the GIL again.
                drop(self.1.take());
                if is_free_threaded() {
                    stop_world::attach(&self.0);
                } else {
                    GIL.take_after_blocking_call(&self.0);
                }
                ATTACHED.with(|a| a.set(true));
                run_attach_hook();
            }
        }
        let breaker = current_breaker();
        ATTACHED.with(|a| a.set(false));
        if is_free_threaded() {
            stop_world::detach();
        } else {
            GIL.drop_lock(&breaker, DropReason::Voluntary);
        }
        let _reattach = Reattach(breaker, Some(BlockSpan::begin(kind)));
        f()
    }

    /// Called at a check point whose eval breaker is set: hand the GIL over if asked to.
    /// Between the drop and the re-take this thread touches no object, so the token staying
    /// in scope is harmless.
    pub fn serve_eval_breaker(self, breaker: &Arc<EvalBreaker>) {
        if breaker.has(lock::breaker_bits::SCHEDULED)
            && let Some(scheduler) = scheduler()
        {
            scheduler.check_point(turn_id(scheduler));
        } else if breaker.has(lock::breaker_bits::DROP_REQUEST) && !is_free_threaded() {
            GIL.drop_lock(breaker, DropReason::Requested);
            GIL.take(breaker);
        }
        if breaker.has(lock::breaker_bits::STOP_THE_WORLD) && is_free_threaded() {
            ATTACHED.with(|a| a.set(false));
            stop_world::park();
            ATTACHED.with(|a| a.set(true));
        }
    }

    /// `time.sleep`: with the GIL released, or for virtual time under a deterministic
    /// schedule. True when a Ctrl-C cut it short.
    pub fn sleep(self, duration: Duration) -> bool {
        match scheduler() {
            Some(scheduler) => {
                let micros = u64::try_from(duration.as_micros()).unwrap_or(u64::MAX);
                scheduler.sleep(turn_id(scheduler), micros);
                false
            }
            None => self.allow_threads(BlockKind::Sleep, || signals::interruptible_sleep(duration)),
        }
    }

    /// Under a deterministic schedule, wait until `ready()` (which must not block) succeeds,
    /// passing the turn on between attempts, for at most `timeout` of virtual time: whether it
    /// succeeded. `None` when the schedule is not deterministic; the caller then blocks for
    /// real.
    pub fn wait_in_turns(
        self,
        kind: BlockKind,
        timeout: Option<Duration>,
        mut ready: impl FnMut() -> bool,
    ) -> Option<bool> {
        let scheduler = scheduler()?;
        let id = turn_id(scheduler);
        let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let deadline = timeout.map(|t| scheduler.now_us().saturating_add(micros(t)));
        let mut retry = false;
        loop {
            if ready() {
                return Some(true);
            }
            if deadline.is_some_and(|d| scheduler.now_us() >= d) {
                return Some(false);
            }
            if scheduler.block(id, kind, deadline, retry).is_err() {
                deterministic_deadlock();
            }
            retry = true;
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
            current_ident()
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
