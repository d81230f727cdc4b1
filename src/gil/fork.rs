//! `os.fork` at the ground floor: what the child must not inherit half-way.
//!
//! After `fork()` the child has one thread, the forking one; any lock another thread held at
//! that instant stays held forever. So the forking thread first quiets every other thread —
//! with the GIL it holds the GIL; free-threaded it stops the world, as CPython 3.13t does — so
//! none of them is inside interpreter code (and none holds an object lock: those are never
//! held across a check point or a blocking call). Threads in a blocking call may still touch
//! the runtime's own locks; the forking thread takes each of those (the upper floors' through
//! `hold_upper`, then the thread registry, the GIL's state and the event logs, in the order
//! their users nest them) and holds them across `fork()`, so in both processes they are
//! released by their holder, in a consistent state. The child then forgets the threads it
//! does not have: waiters on the GIL, the registry's other threads, their event logs.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::{GIL, Gil, current_breaker, events, lock::breaker_bits, scheduler, signals, stop_world};

/// Lock one of the registries held across `fork()`. They are the standard library's mutexes,
/// whose whole state is in the object: a thread that was waiting for one at the fork leaves
/// nothing behind in the child, where parking_lot would leave its global table of waiters with
/// a bucket that thread may have held locked. Poisoning is ignored: a panic while one was held
/// leaves a registry usable (each update is a single push, remove or assignment).
pub fn locked<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// True in a process made by [`fork`]: its first thread is gone, so whichever thread ends the
/// interpreter ends the process.
static IN_CHILD: AtomicBool = AtomicBool::new(false);

/// The ident of the thread that forked, in the child (0 in a process that was not forked).
static CHILD_MAIN: AtomicU64 = AtomicU64::new(0);

pub fn is_child() -> bool {
    IN_CHILD.load(Ordering::Relaxed)
}

/// True on the thread that made this process by forking: whichever thread it was in the
/// parent, it is the child's main thread, and the process ends when it does.
pub fn is_child_main_thread() -> bool {
    is_child() && CHILD_MAIN.load(Ordering::Relaxed) == super::current_ident()
}

pub enum Forked {
    Parent { child: i32 },
    Child,
}

pub enum ForkError {
    /// Threads take turns on a virtual clock; a second process would break the schedule.
    Deterministic,
    Os(nix::errno::Errno),
}

/// Fork the process. `hold_upper` takes the upper floors' runtime locks (after the world is
/// quiet, before the ground floor's); `child` and `parent` release them, in each process.
pub fn fork<H>(
    py: Gil<'_>,
    hold_upper: impl FnOnce() -> H,
    child: impl FnOnce(H),
    parent: impl FnOnce(H),
) -> Result<Forked, ForkError> {
    if scheduler().is_some() {
        return Err(ForkError::Deterministic);
    }
    let world = loop {
        // `None`: another thread was stopping the world and has restarted it; try again.
        if let Some(world) = stop_world::stop_the_world(py) {
            break world;
        }
    };
    let upper = hold_upper();
    let mut registry = stop_world::hold_for_fork();
    let mut gil = GIL.hold_for_fork();
    let mut logs = events::hold_logs_for_fork();
    // SAFETY: the child runs more than async-signal-safe code, as CPython's does: every other
    // thread is outside interpreter code and every lock of the runtime is held by this thread
    // (released below in both processes); mimalloc's per-thread heaps need no lock to go on
    // allocating from this thread.
    let forked = unsafe { nix::unistd::fork() };
    match forked {
        Ok(nix::unistd::ForkResult::Child) => {
            IN_CHILD.store(true, Ordering::Relaxed);
            CHILD_MAIN.store(super::current_ident(), Ordering::Relaxed);
            registry.keep_only_me();
            gil.forget_waiters();
            events::keep_only_my_log(&mut logs);
            current_breaker().clear(breaker_bits::DROP_REQUEST);
            signals::after_fork_child();
            drop((logs, gil, registry));
            child(upper);
            drop(world);
            Ok(Forked::Child)
        }
        Ok(nix::unistd::ForkResult::Parent { child: pid }) => {
            drop((logs, gil, registry));
            parent(upper);
            drop(world);
            Ok(Forked::Parent { child: pid.as_raw() })
        }
        Err(errno) => {
            drop((logs, gil, registry));
            parent(upper);
            drop(world);
            Err(ForkError::Os(errno))
        }
    }
}
