//! Stopping the world (free-threaded): every other thread parks or stays out until it restarts.
//!
//! The cycle collector must see every object while no thread changes one. With the GIL that is
//! simply holding the GIL. Without it, as in CPython 3.13t, each interpreter thread has a state:
//! - **attached**: running interpreter code (it may touch objects);
//! - **detached**: in a blocking call (`Gil::allow_threads`) or not started yet — it touches no
//!   object until it attaches again;
//! - **suspended**: detached while the world is stopped; it cannot attach until the restart.
//!
//! The thread that stops the world asks every attached thread to park (an eval-breaker bit,
//! served at its next check point, where it holds no object lock), turns every detached thread
//! into a suspended one (a compare-and-swap, so a thread attaching at that very moment either
//! wins — and will be asked to park — or waits), and waits until no other thread is attached.
//! Attaching and detaching stay one atomic instruction each when nobody is stopping the world.
//!
//! Two threads may try to stop the world at once: the second finds a stopper registered,
//! parks like any other thread, and is told the world was stopped by someone else. A thread
//! that blocks while attached without going through `allow_threads` would keep a stopper
//! waiting: every blocking wait must detach.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::Duration;

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::events::{self, BlockKind, BlockSpan, EventKind};
use super::lock::{EvalBreaker, breaker_bits};
use super::{Gil, is_free_threaded};

const ATTACHED: u8 = 0;
const DETACHED: u8 = 1;
const SUSPENDED: u8 = 2;

/// How long a stopper or a waiting thread sleeps before it looks again by itself: a missed
/// wake-up costs at most this.
const RECHECK: Duration = Duration::from_millis(1);

struct ThreadState {
    state: AtomicU8,
    breaker: Arc<EvalBreaker>,
}

struct Registry {
    threads: Vec<Arc<ThreadState>>,
    /// The thread stopping the world, if any.
    stopper: Option<Arc<ThreadState>>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    threads: Vec::new(),
    stopper: None,
});
/// Signalled whenever a thread detaches while a stop is requested, and at every restart.
static CHANGED: Condvar = Condvar::new();
/// Set while some thread stops (or has stopped) the world.
static STOP_REQUESTED: AtomicBool = AtomicBool::new(false);

/// The registry, locked. Its mutex and condvar are the standard library's, whose state is all in
/// the objects: a thread waiting here at the moment of a `fork()` leaves nothing behind in the
/// child (see `gil/sync.rs`). A panic while it was held left it consistent (single updates).
fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Wait for a change (or `RECHECK`), then hold the registry again.
fn wait_changed(registry: MutexGuard<'static, Registry>) -> MutexGuard<'static, Registry> {
    CHANGED
        .wait_timeout(registry, RECHECK)
        .unwrap_or_else(PoisonError::into_inner)
        .0
}

thread_local! {
    static ME: RefCell<Option<Arc<ThreadState>>> = const { RefCell::new(None) };
}

fn me() -> Option<Arc<ThreadState>> {
    ME.try_with(|me| me.borrow().clone()).ok().flatten()
}

/// Free-threaded: the calling thread attaches, registering on its first attach; it waits first
/// if the world is stopped.
pub(super) fn attach(breaker: &Arc<EvalBreaker>) {
    let me = me().unwrap_or_else(|| register(breaker));
    loop {
        if me
            .state
            .compare_exchange(DETACHED, ATTACHED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
        // Suspended: held up by the stopper like a parked thread, and shown so.
        let _held = BlockSpan::begin(BlockKind::StopTheWorld);
        let mut registry = registry();
        while me.state.load(Ordering::SeqCst) == SUSPENDED {
            registry = wait_changed(registry);
        }
    }
}

fn register(breaker: &Arc<EvalBreaker>) -> Arc<ThreadState> {
    let me = Arc::new(ThreadState {
        state: AtomicU8::new(DETACHED),
        breaker: Arc::clone(breaker),
    });
    registry().threads.push(Arc::clone(&me));
    let _ = ME.try_with(|slot| *slot.borrow_mut() = Some(Arc::clone(&me)));
    me
}

/// Free-threaded: the calling thread detaches (a blocking call): a stopper need not wait for it.
pub(super) fn detach() {
    if let Some(me) = me() {
        me.state.store(DETACHED, Ordering::SeqCst);
        wake_stopper();
    }
}

/// Free-threaded: the calling thread stops being an interpreter thread.
pub(super) fn leave() {
    let Some(me) = ME.try_with(|slot| slot.borrow_mut().take()).ok().flatten() else {
        return;
    };
    let mut registry = registry();
    registry.threads.retain(|t| !Arc::ptr_eq(t, &me));
    CHANGED.notify_all();
}

fn wake_stopper() {
    // SeqCst with the stopper's store of the flag and loads of the states: either it sees this
    // thread detached, or this thread sees the flag and wakes it.
    if STOP_REQUESTED.load(Ordering::SeqCst) {
        let _registry = registry();
        CHANGED.notify_all();
    }
}

/// At a check point whose breaker asks for it: park until the world restarts.
pub(super) fn park() {
    let Some(me) = me() else { return };
    let parked = BlockSpan::begin(BlockKind::StopTheWorld);
    me.state.store(DETACHED, Ordering::SeqCst);
    {
        let mut registry = registry();
        CHANGED.notify_all();
        // Wait for the stop to happen and end: attaching at once would only be asked again.
        while STOP_REQUESTED.load(Ordering::SeqCst) {
            registry = wait_changed(registry);
        }
    }
    // Ended first: if another stop suspends this thread meanwhile, attaching records its own
    // wait (spans of the log do not nest).
    drop(parked);
    attach(&me.breaker);
}

/// The registry of interpreter threads, held by the forking thread across `fork()`.
pub(super) struct RegistryHold(MutexGuard<'static, Registry>);

pub(super) fn hold_for_fork() -> RegistryHold {
    RegistryHold(registry())
}

impl RegistryHold {
    /// In a forked child: the calling thread is the only interpreter thread left.
    pub(super) fn keep_only_me(&mut self) {
        let me = me();
        self.0
            .threads
            .retain(|thread| me.as_ref().is_some_and(|me| Arc::ptr_eq(thread, me)));
    }
}

/// Proof that no other thread touches objects: with the GIL, holding it; free-threaded, every
/// other interpreter thread is parked or suspended until this is dropped.
///
/// The event log sees each stop as requested, stopped and restarted (with the GIL the first
/// two coincide), so the time spent waiting for the others to park shows apart from the pause.
pub struct StoppedWorld<'py> {
    stopped_by_me: bool,
    _gil: PhantomData<Gil<'py>>,
}

/// Stop the world. `None` when another thread was stopping it: this thread parked until that
/// thread restarted it.
pub fn stop_the_world(_py: Gil<'_>) -> Option<StoppedWorld<'_>> {
    let world = |stopped_by_me| {
        events::record(EventKind::WorldStopped);
        StoppedWorld {
            stopped_by_me,
            _gil: PhantomData,
        }
    };
    if !is_free_threaded() {
        // Holding the GIL, the world is stopped as soon as asked.
        return Some(world(false));
    }
    let Some(me) = me() else {
        // Not a registered interpreter thread (a unit test attaching directly): nobody else
        // can be running interpreter code that it does not know about, so there is nothing to stop.
        return Some(world(false));
    };
    let mut registry = registry();
    if registry.stopper.is_some() {
        drop(registry);
        park();
        return None;
    }
    events::record(EventKind::StopWorldRequested);
    registry.stopper = Some(Arc::clone(&me));
    STOP_REQUESTED.store(true, Ordering::SeqCst);
    loop {
        let mut running = 0;
        for thread in registry.threads.iter().filter(|t| !Arc::ptr_eq(t, &me)) {
            match thread.state.load(Ordering::SeqCst) {
                // One attaching right now wins the race, and is asked to park below next time.
                DETACHED
                    if thread
                        .state
                        .compare_exchange(DETACHED, SUSPENDED, Ordering::SeqCst, Ordering::SeqCst)
                        .is_err() =>
                {
                    running += 1;
                }
                ATTACHED => {
                    thread.breaker.set(breaker_bits::STOP_THE_WORLD);
                    running += 1;
                }
                _ => {}
            }
        }
        if running == 0 {
            break;
        }
        registry = wait_changed(registry);
    }
    Some(world(true))
}

impl Drop for StoppedWorld<'_> {
    fn drop(&mut self) {
        if !self.stopped_by_me {
            events::record(EventKind::WorldRestarted);
            return;
        }
        let mut registry = registry();
        for thread in &registry.threads {
            thread.breaker.clear(breaker_bits::STOP_THE_WORLD);
            let _ = thread
                .state
                .compare_exchange(SUSPENDED, DETACHED, Ordering::SeqCst, Ordering::SeqCst);
        }
        registry.stopper = None;
        STOP_REQUESTED.store(false, Ordering::SeqCst);
        CHANGED.notify_all();
        drop(registry);
        events::record(EventKind::WorldRestarted);
    }
}
