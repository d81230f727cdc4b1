//! The global interpreter lock: CPython's `ceval_gil.c` protocol, in Rust.
//!
//! Why it looks like this:
//! - **Switch interval.** A thread that wants the lock waits on a condition variable for one
//!   interval (default 5 ms). If the wait times out and no switch happened meanwhile, the
//!   holder has had its turn: the waiter sets the holder's *drop request* bit.
//! - **Eval breaker.** The holder never looks at the lock while running bytecode; it tests one
//!   atomic word of request bits, and only at check points (backward jumps, calls). That keeps
//!   the fast path to a single relaxed load, and it is why a sequence of instructions with no
//!   check point between them (`x += 1`: load, add, store) cannot be interrupted... and why
//!   one *with* a check point in the middle can.
//! - **Forced switching.** A holder that drops because it was asked to does not race the
//!   waiter for the lock again: it waits until some other thread has taken it (`last_holder`
//!   changed). Without this, the dropping thread usually wins, having the CPU already — the
//!   lock would be "released" without anyone else ever running. Voluntary releases (blocking
//!   calls) and thread exit do not wait: nobody asked them to hand over.
//! - **No fairness beyond that.** Like CPython, which waiter wins is up to the OS; the protocol
//!   only guarantees that *someone else* gets it after a requested drop.
//! - **Never block on another lock while holding this one**: every blocking call releases it
//!   first (`Gil::allow_threads`), or two threads could wait on each other forever.
//!
//! `parking_lot`'s mutex is used only for the short critical sections around the state; its
//! (lack of) fairness does not matter because the hand-off itself is explicit. The lock is
//! generic over its primitives (`super::sync`) only so that the tests can run this same code
//! under a model checker (`lock/model.rs`); the interpreter uses the default, `StdSync`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use super::sync::{Primitives, StdSync};

use super::events::{self, EventKind};

/// CPython's default `sys.getswitchinterval()`: 5 ms.
pub const DEFAULT_SWITCH_INTERVAL_US: u64 = 5000;

/// Bits of a thread's eval breaker.
pub mod breaker_bits {
    /// Another thread waited a whole interval: drop the GIL at the next check point.
    pub const DROP_REQUEST: u32 = 1 << 0;
    /// A signal (Ctrl-C) is waiting to be raised in the main thread.
    pub const SIGNAL: u32 = 1 << 1;
    /// A deterministic schedule (`-X switch-every`, `-X sched-seed`) counts every check point.
    pub const SCHEDULED: u32 = 1 << 2;
    /// A generator dropped on this thread waits to be closed, or an object its `__del__`
    /// (`vm::finalize`).
    pub const FINALIZE: u32 = 1 << 3;
    /// Free-threaded: a thread is stopping the world; park until it restarts (`stop_world`).
    pub const STOP_THE_WORLD: u32 = 1 << 4;
    /// Enough containers were allocated: run the cycle collector (`objects::gc`).
    pub const COLLECT: u32 = 1 << 5;
}

/// Per-thread request word, tested at every check point.
#[derive(Debug, Default)]
pub struct EvalBreaker(AtomicU32);

impl EvalBreaker {
    /// The fast path of every check point: any request pending?
    #[inline(always)]
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed) != 0
    }

    pub fn set(&self, bits: u32) {
        self.0.fetch_or(bits, Ordering::Relaxed);
    }

    pub fn clear(&self, bits: u32) {
        self.0.fetch_and(!bits, Ordering::Relaxed);
    }

    pub fn has(&self, bits: u32) -> bool {
        self.0.load(Ordering::Relaxed) & bits != 0
    }
}

/// Who asks the holder to drop when (`-X gil-policy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// CPython's: a waiter asks only after a whole switch interval without a switch.
    Cpython,
    /// Waiters get the lock in the order they asked for it: a ticket queue, no barging.
    Fifo,
    /// A thread coming back from a blocking call asks at once — the fix proposed for bpo-7946
    /// and never merged. An I/O-bound thread then no longer waits up to an interval behind a
    /// CPU-bound one after every call; CPU-bound threads, which make no blocking calls, trade
    /// the lock exactly as before.
    IoPriority,
}

impl Policy {
    pub const NAMES: &str = "cpython, fifo or io-priority";

    /// The policy named as on the command line (`-X gil-policy=NAME`).
    pub fn from_name(name: &str) -> Option<Policy> {
        match name {
            "cpython" => Some(Policy::Cpython),
            "fifo" => Some(Policy::Fifo),
            "io-priority" => Some(Policy::IoPriority),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Policy::Cpython => "cpython",
            Policy::Fifo => "fifo",
            Policy::IoPriority => "io-priority",
        }
    }
}

/// Why the holder lets go: only a requested drop waits for someone else to take over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// The eval breaker asked for it (the switch interval expired for a waiter).
    Requested,
    /// A blocking call (sleep, I/O, lock wait, join).
    Voluntary,
    /// The thread is finishing.
    Exit,
}

struct State {
    locked: bool,
    /// The holder's eval breaker, so a waiter can post a drop request.
    holder: Option<Arc<EvalBreaker>>,
    /// Identity (breaker address) of the last thread that took the lock.
    last_holder: usize,
    /// Bumped each time the lock changes hands; a waiter that sees it move knows the holder
    /// did switch during its wait and does not need to ask again.
    switch_number: u64,
    waiters: usize,
    /// `Policy::Fifo` only: the tickets of the waiters, oldest first.
    queue: std::collections::VecDeque<u64>,
    next_ticket: u64,
}

impl State {
    const UNLOCKED: State = State {
        locked: false,
        holder: None,
        last_holder: 0,
        switch_number: 0,
        waiters: 0,
        queue: std::collections::VecDeque::new(),
        next_ticket: 0,
    };
}

pub struct GlobalLock<P: Primitives = StdSync> {
    state: P::Mutex<State>,
    /// Waiters for the lock.
    cond: P::Condvar,
    /// FORCE_SWITCHING: a thread that dropped on request waits here until another took over.
    switch_cond: P::Condvar,
    interval_us: AtomicU64,
    /// `Policy::IoPriority` when set.
    io_priority: AtomicBool,
    /// `Policy::Fifo` when set.
    fifo: AtomicBool,
}

fn identity(breaker: &Arc<EvalBreaker>) -> usize {
    Arc::as_ptr(breaker) as usize
}

impl Default for GlobalLock {
    fn default() -> Self {
        GlobalLock::new()
    }
}

impl GlobalLock {
    pub const fn new() -> GlobalLock {
        GlobalLock {
            state: std::sync::Mutex::new(State::UNLOCKED),
            cond: std::sync::Condvar::new(),
            switch_cond: std::sync::Condvar::new(),
            interval_us: AtomicU64::new(DEFAULT_SWITCH_INTERVAL_US),
            io_priority: AtomicBool::new(false),
            fifo: AtomicBool::new(false),
        }
    }
}

/// The GIL's state, held by the forking thread across `fork()` so that no waiter is half-way
/// through changing it at that moment.
pub struct ForkHold<'a>(std::sync::MutexGuard<'a, State>);

impl GlobalLock {
    pub fn hold_for_fork(&self) -> ForkHold<'_> {
        ForkHold(StdSync::lock(&self.state))
    }
}

impl ForkHold<'_> {
    /// In a forked child: the waiters were threads the child does not have. The forking thread
    /// (the holder, with the GIL on) keeps the lock.
    pub fn forget_waiters(&mut self) {
        self.0.waiters = 0;
        self.0.queue.clear();
    }
}

impl<P: Primitives> GlobalLock<P> {
    /// `sys.setswitchinterval`: values under 1 µs become 1 µs, as in CPython.
    pub fn set_interval(&self, interval: Duration) {
        let us = interval.as_micros().clamp(1, u128::from(u64::MAX)) as u64;
        self.interval_us.store(us, Ordering::Relaxed);
    }

    pub fn interval(&self) -> Duration {
        Duration::from_micros(self.interval_us.load(Ordering::Relaxed))
    }

    pub fn set_policy(&self, policy: Policy) {
        self.io_priority.store(policy == Policy::IoPriority, Ordering::Relaxed);
        self.fifo.store(policy == Policy::Fifo, Ordering::Relaxed);
    }

    /// Take the lock again after a blocking call: under `Policy::IoPriority` the holder is
    /// asked to drop at once instead of after an interval.
    pub fn take_after_blocking_call(&self, me: &Arc<EvalBreaker>) {
        self.take_asking_at_once(me, self.io_priority.load(Ordering::Relaxed));
    }

    /// Take the lock for the thread owning `me`, asking the holder to drop it after each
    /// interval in which nobody switched.
    pub fn take(&self, me: &Arc<EvalBreaker>) {
        self.take_asking_at_once(me, false);
    }

    fn take_asking_at_once(&self, me: &Arc<EvalBreaker>, ask_at_once: bool) {
        events::record(EventKind::TakeRequested); // event log hook
        let fifo = self.fifo.load(Ordering::Relaxed);
        let mut state = P::lock(&self.state);
        if state.locked || (fifo && !state.queue.is_empty()) {
            state.waiters += 1;
            // Under FIFO a waiter also waits for its turn in the queue, even with the lock free.
            let ticket = fifo.then(|| {
                let ticket = state.next_ticket;
                state.next_ticket += 1;
                state.queue.push_back(ticket);
                ticket
            });
            if ask_at_once && let Some(holder) = &state.holder {
                holder.set(breaker_bits::DROP_REQUEST);
                events::record(EventKind::DropRequested); // event log hook
            }
            while state.locked || ticket.is_some_and(|t| state.queue.front() != Some(&t)) {
                let seen_switch = state.switch_number;
                let timed_out;
                (state, timed_out) = P::wait_timeout(&self.cond, state, self.interval());
                if timed_out
                    && state.locked
                    && state.switch_number == seen_switch
                    && let Some(holder) = &state.holder
                {
                    holder.set(breaker_bits::DROP_REQUEST);
                    events::record(EventKind::DropRequested); // event log hook
                }
            }
            if ticket.is_some() {
                state.queue.pop_front();
            }
            state.waiters -= 1;
        }
        state.locked = true;
        events::record(EventKind::Acquired); // event log hook, inside the critical section
        state.holder = Some(Arc::clone(me));
        if state.last_holder != identity(me) {
            state.last_holder = identity(me);
            state.switch_number += 1;
        }
        // A thread that dropped on request may now compete again.
        P::notify_all(&self.switch_cond);
        // A request aimed at our previous turn is stale.
        me.clear(breaker_bits::DROP_REQUEST);
    }

    /// Release the lock. After a requested drop, wait until another thread has taken it.
    pub fn drop_lock(&self, me: &Arc<EvalBreaker>, reason: DropReason) {
        let mut state = P::lock(&self.state);
        state.locked = false;
        events::record(EventKind::Dropped(reason)); // event log hook, inside the critical section
        state.holder = None;
        if state.queue.is_empty() {
            P::notify_one(&self.cond);
        } else {
            // Only the oldest ticket may take it, and any waiter might be the one woken.
            P::notify_all(&self.cond);
        }
        if reason == DropReason::Requested {
            me.clear(breaker_bits::DROP_REQUEST);
            // Somebody asked, so somebody is waiting; if every waiter has gone meanwhile there
            // is nobody to hand over to and no reason to wait.
            while state.last_holder == identity(me) && state.waiters > 0 {
                state = P::wait(&self.switch_cond, state);
            }
        }
    }

    /// Number of times the lock has changed hands (for tests and statistics).
    pub fn switches(&self) -> u64 {
        P::lock(&self.state).switch_number
    }
}

#[cfg(test)]
mod model;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::time::Instant;

    /// A holder that checks its breaker like the eval loop does, counting its turns.
    fn spin_with_check_points(lock: &GlobalLock, me: &Arc<EvalBreaker>, stop: &AtomicBool) -> u64 {
        lock.take(me);
        let mut forced = 0;
        while !stop.load(Ordering::Relaxed) {
            std::hint::spin_loop();
            if me.is_set() && me.has(breaker_bits::DROP_REQUEST) {
                lock.drop_lock(me, DropReason::Requested);
                forced += 1;
                lock.take(me);
            }
        }
        lock.drop_lock(me, DropReason::Exit);
        forced
    }

    #[test]
    fn uncontended_take_and_drop() {
        let lock = GlobalLock::new();
        let me = Arc::new(EvalBreaker::default());
        lock.take(&me);
        lock.drop_lock(&me, DropReason::Voluntary);
        lock.take(&me);
        assert_eq!(lock.switches(), 1, "re-taking by the same thread is not a switch");
        lock.drop_lock(&me, DropReason::Exit);
    }

    #[test]
    fn a_waiter_gets_the_lock_through_a_drop_request_within_a_few_intervals() {
        let lock = Arc::new(GlobalLock::new());
        lock.set_interval(Duration::from_millis(1));
        let stop = Arc::new(AtomicBool::new(false));
        let holder = {
            let (lock, stop) = (Arc::clone(&lock), Arc::clone(&stop));
            let me = Arc::new(EvalBreaker::default());
            let started = Arc::new(AtomicBool::new(false));
            let s = Arc::clone(&started);
            let handle = std::thread::spawn(move || {
                lock.take(&me);
                s.store(true, Ordering::Relaxed);
                lock.drop_lock(&me, DropReason::Voluntary);
                spin_with_check_points(&lock, &me, &stop)
            });
            while !started.load(Ordering::Relaxed) {
                std::thread::yield_now();
            }
            handle
        };
        let waiter = Arc::new(EvalBreaker::default());
        let mut slowest = Duration::ZERO;
        for _ in 0..20 {
            // Give the spinner time to take the lock back; it then never lets go voluntarily.
            std::thread::sleep(Duration::from_millis(3));
            let begin = Instant::now();
            lock.take(&waiter);
            slowest = slowest.max(begin.elapsed());
            lock.drop_lock(&waiter, DropReason::Voluntary);
        }
        stop.store(true, Ordering::Relaxed);
        let forced = holder.join().unwrap_or(0);
        assert!(
            forced >= 5,
            "the spinning holder must be asked to drop (forced drops: {forced})"
        );
        // Generous: a loaded CI machine can starve both threads for a while; a take that never
        // completes (the failure this guards against) hangs far longer.
        assert!(
            slowest < Duration::from_secs(5),
            "a take waited {slowest:?}: the drop requests were not served"
        );
    }

    #[test]
    fn two_spinning_threads_alternate_without_deadlock() {
        let lock = Arc::new(GlobalLock::new());
        lock.set_interval(Duration::from_micros(200));
        let stop = Arc::new(AtomicBool::new(false));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (lock, stop) = (Arc::clone(&lock), Arc::clone(&stop));
                std::thread::spawn(move || {
                    let me = Arc::new(EvalBreaker::default());
                    spin_with_check_points(&lock, &me, &stop)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        stop.store(true, Ordering::Relaxed);
        let forced: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap_or(0)).collect();
        assert!(
            lock.switches() >= 3,
            "the lock changed hands only {} times",
            lock.switches()
        );
        assert!(
            forced.iter().all(|&f| f > 0),
            "both threads were asked to drop: {forced:?}"
        );
    }

    #[test]
    fn many_threads_never_hold_the_lock_together() {
        // Eight threads mix requested drops (spinning with check points), voluntary releases
        // and exits; an atomic "inside" count proves at most one holder at any moment, and
        // every thread finishing proves nobody was left waiting forever.
        use std::sync::atomic::AtomicUsize;
        let lock = Arc::new(GlobalLock::new());
        lock.set_interval(Duration::from_micros(100));
        let inside = Arc::new(AtomicUsize::new(0));
        let violations = Arc::new(AtomicUsize::new(0));
        let deadline = Instant::now() + Duration::from_millis(300);
        let handles: Vec<_> = (0..8)
            .map(|n| {
                let (lock, inside, violations) = (Arc::clone(&lock), Arc::clone(&inside), Arc::clone(&violations));
                std::thread::spawn(move || {
                    let me = Arc::new(EvalBreaker::default());
                    let mut turns = 0u64;
                    while Instant::now() < deadline {
                        lock.take(&me);
                        if inside.fetch_add(1, Ordering::SeqCst) != 0 {
                            violations.fetch_add(1, Ordering::SeqCst);
                        }
                        let until = Instant::now() + Duration::from_micros(50 * (n + 1));
                        while Instant::now() < until && !me.has(breaker_bits::DROP_REQUEST) {
                            std::hint::spin_loop();
                        }
                        inside.fetch_sub(1, Ordering::SeqCst);
                        let reason = if me.has(breaker_bits::DROP_REQUEST) {
                            DropReason::Requested
                        } else {
                            DropReason::Voluntary
                        };
                        lock.drop_lock(&me, reason);
                        turns += 1;
                    }
                    turns
                })
            })
            .collect();
        let turns: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap_or(0)).collect();
        assert_eq!(
            violations.load(Ordering::SeqCst),
            0,
            "two threads held the lock at once"
        );
        assert!(turns.iter().all(|&t| t > 0), "every thread got the lock: {turns:?}");
    }

    #[test]
    fn io_priority_asks_the_holder_at_once_after_a_blocking_call() {
        // With a one-minute interval, only an immediate drop request can hand the lock over
        // before the test gives up; under the CPython policy the same take must wait.
        let lock = Arc::new(GlobalLock::new());
        lock.set_interval(Duration::from_secs(60));
        let take_with = |policy: Policy| {
            lock.set_policy(policy);
            let stop = Arc::new(AtomicBool::new(false));
            let holder = {
                let (lock, stop) = (Arc::clone(&lock), Arc::clone(&stop));
                let me = Arc::new(EvalBreaker::default());
                lock.take(&me);
                std::thread::spawn(move || {
                    // Spin with check points, starting as the holder.
                    while !stop.load(Ordering::Relaxed) {
                        if me.has(breaker_bits::DROP_REQUEST) {
                            lock.drop_lock(&me, DropReason::Requested);
                            lock.take(&me);
                        }
                        std::hint::spin_loop();
                    }
                    lock.drop_lock(&me, DropReason::Exit);
                })
            };
            let waiter = Arc::new(EvalBreaker::default());
            let (done_tx, done_rx) = std::sync::mpsc::channel();
            let taker = {
                let lock = Arc::clone(&lock);
                std::thread::spawn(move || {
                    lock.take_after_blocking_call(&waiter);
                    let _ = done_tx.send(());
                    lock.drop_lock(&waiter, DropReason::Exit);
                })
            };
            let handed_over = done_rx.recv_timeout(Duration::from_secs(2)).is_ok();
            stop.store(true, Ordering::Relaxed);
            // Let a CPython-policy waiter through now, so every thread finishes.
            lock.set_interval(Duration::from_millis(1));
            let _ = holder.join();
            let _ = taker.join();
            lock.set_interval(Duration::from_secs(60));
            handed_over
        };
        assert!(
            take_with(Policy::IoPriority),
            "io-priority: the holder was not asked at once"
        );
        assert!(
            !take_with(Policy::Cpython),
            "cpython: the waiter must wait for an interval"
        );
    }

    #[test]
    fn fifo_serves_waiters_in_arrival_order_without_barging() {
        // The holder lets two queued waiters in, then asks again at once: under FIFO it queues
        // behind them, where CPython's policy would usually let it barge straight back in.
        let lock = Arc::new(GlobalLock::new());
        lock.set_interval(Duration::from_secs(60));
        lock.set_policy(Policy::Fifo);
        let order = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let holder = Arc::new(EvalBreaker::default());
        lock.take(&holder);
        let waiters: Vec<_> = (1..=2)
            .map(|n| {
                let (shared, order) = (Arc::clone(&lock), Arc::clone(&order));
                let handle = std::thread::spawn(move || {
                    let me = Arc::new(EvalBreaker::default());
                    shared.take(&me);
                    order.lock().push(n);
                    shared.drop_lock(&me, DropReason::Exit);
                });
                // Queue them one at a time, so arrival order is known.
                while StdSync::lock(&lock.state).waiters < n {
                    std::thread::yield_now();
                }
                handle
            })
            .collect();
        lock.drop_lock(&holder, DropReason::Voluntary);
        lock.take(&holder);
        order.lock().push(0);
        lock.drop_lock(&holder, DropReason::Exit);
        for w in waiters {
            let _ = w.join();
        }
        assert_eq!(*order.lock(), vec![1, 2, 0]);
    }

    #[test]
    fn interval_is_clamped_to_one_microsecond() {
        let lock = GlobalLock::new();
        lock.set_interval(Duration::from_nanos(10));
        assert_eq!(lock.interval(), Duration::from_micros(1));
        assert_eq!(GlobalLock::new().interval(), Duration::from_millis(5));
    }
}
