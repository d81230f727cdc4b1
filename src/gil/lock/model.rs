//! Model check of the GIL protocol: the real `GlobalLock` code (take / drop / drop request /
//! forced switch), run on shuttle's mutex and condvars, whose schedulers choose which thread runs
//! at every synchronisation step; thousands of schedules per scenario.
//!
//! What is checked, and how a bug would show:
//! - **Mutual exclusion**: a shuttle atomic counts the threads inside a turn; never two.
//! - **No deadlock, no lost wake-up**: shuttle fails the run when every unfinished thread is
//!   blocked. The forced-switch wait on `switch_cond` is untimed in production too, so a missed
//!   notification there is a real hang, and shows up here as a deadlock.
//! - **Spurious wake-ups**: any wait may return unnotified, as `parking_lot`'s may.
//! - **Timeouts.** shuttle's own `wait_timeout` never times out, so `Shuttle::wait_timeout`
//!   makes the timer a choice of the checker: either the interval runs out first (the mutex is
//!   released, others run, the wait reports a timeout — this is what drives drop requests), or
//!   a notification comes first, and that wait is *untimed*. In production a missed `cond`
//!   notification would be masked by the timeout (costing one interval per take, a latency bug
//!   rather than a hang); here it deadlocks. So the model is stricter than production: it shows
//!   that a waiter never depends on its timer to learn the lock is free; the timer only decides
//!   when to post a drop request.
//! - **Forced switching**: after a requested drop, another thread takes the lock before the
//!   dropper takes it again (checked against a log of takes, written while holding the lock). A
//!   waiter always exists then: the request was posted by one, during this very turn.
//! - **Every thread finishes**, and the lock ends free with no waiter recorded.
//!
//! The eval breaker stays a std atomic (not a scheduling point, as in production); workers yield
//! between check points instead, which is where a holder runs bytecode and waiters time out.

use std::sync::Arc;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use shuttle::sync::{Condvar, Mutex, MutexGuard};

use super::{DropReason, EvalBreaker, GlobalLock, State, breaker_bits};
use crate::gil::sync::Primitives;

/// shuttle's primitives. Only usable inside a `shuttle::check_*` run.
struct Shuttle;

/// A shuttle guard that remembers its mutex, so a modelled timeout can let go of it and come back.
struct ShuttleGuard<'a, T> {
    guard: MutexGuard<'a, T>,
    mutex: &'a Mutex<T>,
}

impl<T> std::ops::Deref for ShuttleGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> std::ops::DerefMut for ShuttleGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<'a, T> ShuttleGuard<'a, T> {
    /// Release the mutex, let the others run for a while, and re-lock it.
    fn let_time_pass(self) -> Self {
        let ShuttleGuard { guard, mutex } = self;
        drop(guard);
        // PCT also takes a yield as its cue to lower this thread's priority.
        shuttle::thread::yield_now();
        Shuttle::lock(mutex)
    }
}

/// A nondeterministic choice, true with probability `p`, drawn from shuttle's seeded generator
/// so that a failing schedule replays with the same choices.
fn checker_chooses(p: f64) -> bool {
    use shuttle::rand::Rng;
    shuttle::rand::thread_rng().gen_bool(p)
}

impl Primitives for Shuttle {
    type Mutex<T> = Mutex<T>;
    type Guard<'a, T: 'a> = ShuttleGuard<'a, T>;
    type Condvar = Condvar;

    fn lock<T>(mutex: &Mutex<T>) -> Self::Guard<'_, T> {
        // A panic inside the model already fails the check; poisoning adds nothing.
        let guard = mutex.lock().unwrap_or_else(PoisonError::into_inner);
        ShuttleGuard { guard, mutex }
    }

    /// shuttle's condvars never wake spuriously, but `parking_lot`'s may; so a wait sometimes
    /// returns unnotified (the checker's choice), or code relying on that would pass.
    fn wait<'a, T>(cond: &Condvar, guard: Self::Guard<'a, T>) -> Self::Guard<'a, T> {
        if checker_chooses(0.25) {
            return guard.let_time_pass();
        }
        let ShuttleGuard { guard, mutex } = guard;
        let guard = cond.wait(guard).unwrap_or_else(PoisonError::into_inner);
        ShuttleGuard { guard, mutex }
    }

    /// The timer as a choice of the checker (see the module comment).
    fn wait_timeout<'a, T>(
        cond: &Condvar,
        guard: Self::Guard<'a, T>,
        _timeout: Duration,
    ) -> (Self::Guard<'a, T>, bool) {
        if checker_chooses(0.5) {
            (guard.let_time_pass(), true)
        } else {
            (Self::wait(cond, guard), false)
        }
    }

    fn notify_one(cond: &Condvar) {
        cond.notify_one();
    }

    fn notify_all(cond: &Condvar) {
        cond.notify_all();
    }
}

/// What the threads of one execution share.
struct World {
    lock: GlobalLock<Shuttle>,
    /// Threads between `take` and `drop_lock` right now.
    inside: shuttle::sync::atomic::AtomicUsize,
    /// Who took the lock, in the order it was taken (appended while holding it).
    takes: Mutex<Vec<usize>>,
    /// Requested drops seen in this execution.
    requested_drops: shuttle::sync::atomic::AtomicUsize,
}

impl World {
    fn new() -> World {
        World {
            lock: GlobalLock {
                state: Mutex::new(State::UNLOCKED),
                cond: Condvar::new(),
                switch_cond: Condvar::new(),
                interval_us: AtomicU64::new(super::DEFAULT_SWITCH_INTERVAL_US),
                io_priority: Default::default(),
                fifo: Default::default(),
            },
            inside: Default::default(),
            takes: Mutex::new(Vec::new()),
            requested_drops: Default::default(),
        }
    }

    fn takes(&self) -> MutexGuard<'_, Vec<usize>> {
        self.takes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Take the lock and log it; returns this take's position in the log.
    fn take(&self, id: usize, me: &Arc<EvalBreaker>) -> usize {
        self.lock.take(me);
        assert_eq!(
            self.inside.fetch_add(1, Ordering::SeqCst),
            0,
            "thread {id} took the GIL while another held it"
        );
        let mut takes = self.takes();
        takes.push(id);
        takes.len() - 1
    }

    fn drop_lock(&self, me: &Arc<EvalBreaker>, reason: DropReason) {
        self.inside.fetch_sub(1, Ordering::SeqCst);
        self.lock.drop_lock(me, reason);
    }

    /// One interpreter thread: `turns` times, take the lock and run `check_points` stretches of
    /// bytecode, serving drop requests at each check point as `Gil::serve_eval_breaker` does;
    /// then release it voluntarily (a blocking call), or for good after the last turn.
    fn thread(&self, id: usize, turns: usize, check_points: usize) {
        let me = Arc::new(EvalBreaker::default());
        for turn in 0..turns {
            self.take(id, &me);
            for _ in 0..check_points {
                // Bytecode up to the next check point: anyone may run meanwhile.
                shuttle::thread::yield_now();
                if me.is_set() && me.has(breaker_bits::DROP_REQUEST) {
                    self.requested_drops.fetch_add(1, Ordering::SeqCst);
                    let dropped_at = self.takes().len();
                    self.drop_lock(&me, DropReason::Requested);
                    // Checked at the re-take, not when `drop_lock` returns: the new holder wakes
                    // us from inside its `take`, before it can log anything.
                    assert!(
                        self.take(id, &me) > dropped_at,
                        "thread {id} took the GIL back after a requested drop before anyone else"
                    );
                }
            }
            let last = turn + 1 == turns;
            self.drop_lock(&me, if last { DropReason::Exit } else { DropReason::Voluntary });
        }
    }
}

/// One execution: a thread per `(turns, check_points)`, all joined, then the end state checked.
/// The counter adds up requested drops over all executions, to show the path was exercised.
fn model(threads: &'static [(usize, usize)]) -> (impl Fn() + Send + Sync + 'static, Arc<AtomicUsize>) {
    let forced = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&forced);
    let execution = move || {
        let world = Arc::new(World::new());
        let handles: Vec<_> = threads
            .iter()
            .enumerate()
            .map(|(id, &(turns, check_points))| {
                let world = Arc::clone(&world);
                shuttle::thread::spawn(move || world.thread(id, turns, check_points))
            })
            .collect();
        for handle in handles {
            // A thread that panicked has already failed the run.
            let _ = handle.join();
        }
        let state = Shuttle::lock(&world.lock.state);
        assert!(!state.locked && state.holder.is_none(), "the GIL is still held");
        assert_eq!(state.waiters, 0, "a waiter is still recorded");
        let requested = world.requested_drops.load(Ordering::SeqCst);
        let turns: usize = threads.iter().map(|&(turns, _)| turns).sum();
        assert_eq!(world.takes().len(), turns + requested, "a take went missing");
        counter.fetch_add(requested, Ordering::Relaxed);
    };
    (execution, forced)
}

fn assert_exercised(forced: &AtomicUsize) {
    assert!(
        forced.load(Ordering::Relaxed) > 0,
        "no schedule made a requested drop: the model no longer covers forced switching"
    );
}

/// Schedules per test: 4,000 take one to two seconds in a debug build.
/// (No exhaustive DFS: the retry loops of timed-out waits make even two threads with one turn
/// each exceed 200,000 schedules, and a bounded DFS only permutes the tail of one schedule.)
const ITERATIONS: usize = 4_000;

/// Two CPU-bound threads, each with several turns and check points: the ping-pong of drop
/// requests and forced switches.
const TWO_SPINNERS: &[(usize, usize)] = &[(2, 3), (2, 3)];

/// A CPU-bound thread beside two "I/O" threads that mostly take and release without check
/// points: three-way races for the lock, several waiters at once.
const SPINNER_AND_TWO_IO: &[(usize, usize)] = &[(1, 4), (3, 0), (2, 1)];

#[test]
fn two_spinners_random_schedules() {
    let (model, forced) = model(TWO_SPINNERS);
    shuttle::check_random(model, ITERATIONS);
    assert_exercised(&forced);
}

#[test]
fn spinner_and_io_threads_random_schedules() {
    let (model, forced) = model(SPINNER_AND_TWO_IO);
    shuttle::check_random(model, ITERATIONS);
    assert_exercised(&forced);
}

// PCT finds, with good probability, bugs that need up to `depth - 1` well-placed preemptions.
#[test]
fn two_spinners_pct_schedules() {
    let (model, forced) = model(TWO_SPINNERS);
    shuttle::check_pct(model, ITERATIONS, 3);
    assert_exercised(&forced);
}

#[test]
fn spinner_and_io_threads_pct_schedules() {
    let (model, forced) = model(SPINNER_AND_TWO_IO);
    shuttle::check_pct(model, ITERATIONS, 3);
    assert_exercised(&forced);
}
