//! Deterministic scheduling (`-X switch-every=N`, `-X sched-seed=S`): reproducible races.
//!
//! A race that shows up once in a hundred runs cannot be studied. In this mode the GIL's timed
//! hand-off is replaced by a *turn*: one thread runs at a time, and the turn moves only at
//! points the program itself determines — every N-th check point in round-robin order, or at
//! check points drawn from a generator seeded with S — never because of how the OS happened
//! to schedule threads. Everything else that would let OS timing in is taken over too:
//! - **Starting threads.** A new thread takes its place in the rotation when `start()` runs
//!   (its parent holds the turn then), not when the OS first runs it.
//! - **Waiting.** A thread whose lock is taken (and so a `join`, `Condition`, `Event` or queue
//!   wait) passes its turn on and tries again when the turn comes back round.
//! - **Time.** The clock is virtual: each check point advances it by one microsecond,
//!   `time.sleep(t)` waits `t` of it, and the `time` module's clocks read it. When every thread
//!   is asleep or waiting, the clock jumps to the earliest wake-up instead of idling.
//! - **Other blocking calls** (file and console I/O) complete while keeping the turn.
//!
//! The same program, input and flags then print the same thing every time. The turn is handed
//! over under this module's mutex, so, like the GIL, it orders one thread's object accesses
//! before the next thread's.

use std::sync::Arc;

use parking_lot::{Condvar, Mutex};

use super::events::{self, BlockKind, EventKind};
use super::lock::DropReason;

/// When the turn moves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switching {
    /// At every N-th check point, to the next thread in the order threads were started.
    Every(u64),
    /// After a random number of check points (1 to 2·`mean_gap` − 1), to a random other thread.
    Seeded { seed: u64, mean_gap: u64 },
}

impl std::fmt::Display for Switching {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Switching::Every(n) => write!(f, "turns of {n} check points"),
            Switching::Seeded { seed, mean_gap } => {
                write!(f, "seeded turns: seed {seed}, {mean_gap} check points on average")
            }
        }
    }
}

/// The mean gap between switches when only `-X sched-seed` is given.
pub const DEFAULT_MEAN_GAP: u64 = 100;

/// Every thread is waiting for something only another waiting thread could do.
#[derive(Debug, PartialEq, Eq)]
pub struct Deadlock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wait {
    Running,
    /// Waiting for a lock until the virtual deadline (µs), or forever.
    Blocked {
        deadline: Option<u64>,
    },
    Sleeping {
        until: u64,
    },
}

struct Thread {
    id: u64,
    wait: Wait,
    /// Notified when the turn passes to this thread.
    wake: Arc<Condvar>,
}

struct State {
    switching: Switching,
    /// In the order the threads were started: the round-robin order.
    threads: Vec<Thread>,
    /// Whose turn it is.
    current: u64,
    /// Check points left before the turn moves on.
    left_in_turn: u64,
    rng: u64,
    clock_us: u64,
    next_id: u64,
    /// Blocked threads that have tried again, found nothing changed and passed the turn on,
    /// since any thread last made progress. Once every blocked thread has done so, only the
    /// clock can change anything.
    fruitless_polls: usize,
}

pub struct Scheduler {
    switching: Switching,
    state: Mutex<State>,
}

/// splitmix64: tiny, seedable, and good enough to pick switch points.
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl State {
    fn index_of(&self, id: u64) -> Option<usize> {
        self.threads.iter().position(|t| t.id == id)
    }

    fn set_wait(&mut self, id: u64, wait: Wait) {
        if let Some(i) = self.index_of(id) {
            self.threads[i].wait = wait;
        }
    }

    /// Check points in the next turn.
    fn turn_length(&mut self) -> u64 {
        match self.switching {
            Switching::Every(n) => n.max(1),
            Switching::Seeded { mean_gap, .. } => {
                let span = mean_gap.max(1) * 2 - 1;
                1 + next_random(&mut self.rng) % span
            }
        }
    }

    fn can_run(&self, thread: &Thread) -> bool {
        let blocked = self
            .threads
            .iter()
            .filter(|t| matches!(t.wait, Wait::Blocked { .. }))
            .count();
        match thread.wait {
            Wait::Running => true,
            Wait::Sleeping { until } => until <= self.clock_us,
            Wait::Blocked { deadline } => {
                self.fruitless_polls < blocked || deadline.is_some_and(|d| d <= self.clock_us)
            }
        }
    }

    /// Who runs next, looking round from index `from`: `None` only when nobody can ever run
    /// again (a deadlock), or nobody is left. The thread giving up the turn is a candidate too
    /// (round-robin comes back to it last; the seeded choice takes it only when nobody else
    /// can run).
    fn choose_next(&mut self, from: usize) -> Option<u64> {
        loop {
            let n = self.threads.len();
            if n == 0 {
                return None;
            }
            let runnable: Vec<usize> = (0..n)
                .map(|k| (from + k) % n)
                .filter(|&i| self.can_run(&self.threads[i]))
                .collect();
            if !runnable.is_empty() {
                let pick = match self.switching {
                    Switching::Every(_) => runnable[0],
                    Switching::Seeded { .. } => {
                        let others: Vec<usize> = runnable
                            .iter()
                            .copied()
                            .filter(|&i| self.threads[i].id != self.current)
                            .collect();
                        match others.len() {
                            0 => runnable[0],
                            len => others[(next_random(&mut self.rng) % len as u64) as usize],
                        }
                    }
                };
                return Some(self.threads[pick].id);
            }
            // Everyone sleeps or waits: move the clock to the first moment that changes that.
            let wake_up = self
                .threads
                .iter()
                .filter_map(|t| match t.wait {
                    Wait::Sleeping { until } => Some(until),
                    Wait::Blocked { deadline } => deadline,
                    Wait::Running => None,
                })
                .min()?;
            self.clock_us = self.clock_us.max(wake_up);
            self.fruitless_polls = 0;
        }
    }
}

impl Scheduler {
    pub fn new(switching: Switching) -> Scheduler {
        let rng = match switching {
            Switching::Seeded { seed, .. } => seed,
            Switching::Every(_) => 0,
        };
        Scheduler {
            switching,
            state: Mutex::new(State {
                switching,
                threads: Vec::new(),
                current: 0,
                left_in_turn: 0,
                rng,
                clock_us: 0,
                next_id: 0,
                fruitless_polls: 0,
            }),
        }
    }

    pub fn switching(&self) -> Switching {
        self.switching
    }

    /// Add a thread to the rotation (last in round-robin order). The very first thread gets
    /// the turn.
    pub fn register(&self) -> u64 {
        let mut state = self.state.lock();
        let id = state.next_id;
        state.next_id += 1;
        if state.threads.is_empty() {
            state.current = id;
            state.left_in_turn = state.turn_length();
        }
        state.threads.push(Thread {
            id,
            wait: Wait::Running,
            wake: Arc::new(Condvar::new()),
        });
        state.fruitless_polls = 0;
        id
    }

    /// Block until it is `id`'s turn.
    pub fn wait_turn(&self, id: u64) {
        let mut state = self.state.lock();
        if state.current == id {
            return;
        }
        events::record(EventKind::TakeRequested);
        let Some(wake) = state.index_of(id).map(|i| Arc::clone(&state.threads[i].wake)) else {
            return;
        };
        while state.current != id {
            wake.wait(&mut state);
        }
        events::record(EventKind::Acquired);
    }

    /// A check point of the thread holding the turn: the clock ticks, and the turn moves on
    /// when this one is used up.
    pub fn check_point(&self, id: u64) {
        let mut state = self.state.lock();
        state.clock_us += 1;
        state.fruitless_polls = 0;
        if state.left_in_turn > 1 {
            state.left_in_turn -= 1;
            return;
        }
        // A running thread can always run, so there is always someone to choose.
        let _ = self.pass_turn(state, id, None);
    }

    /// `time.sleep` for `us` microseconds of the virtual clock.
    pub fn sleep(&self, id: u64, us: u64) {
        let mut state = self.state.lock();
        state.fruitless_polls = 0;
        let until = state.clock_us.saturating_add(us);
        state.set_wait(id, Wait::Sleeping { until });
        // A sleeper wakes once the clock reaches its time, so someone can always run.
        let _ = self.pass_turn(state, id, Some(BlockKind::Sleep));
        self.state.lock().set_wait(id, Wait::Running);
    }

    /// The thread holding the turn found what it waits for unavailable: pass the turn on and
    /// come back to try again. `retry` says this thread tried before and nothing changed.
    pub fn block(&self, id: u64, kind: BlockKind, deadline_us: Option<u64>, retry: bool) -> Result<(), Deadlock> {
        let mut state = self.state.lock();
        if retry {
            state.fruitless_polls += 1;
        } else {
            state.fruitless_polls = 0;
        }
        state.set_wait(id, Wait::Blocked { deadline: deadline_us });
        let result = self.pass_turn(state, id, Some(kind));
        self.state.lock().set_wait(id, Wait::Running);
        result
    }

    /// The thread leaves the rotation, handing the turn on if it holds it.
    pub fn finish(&self, id: u64) -> Result<(), Deadlock> {
        let mut state = self.state.lock();
        let Some(i) = state.index_of(id) else {
            return Ok(());
        };
        state.threads.remove(i);
        state.fruitless_polls = 0;
        if state.current != id || state.threads.is_empty() {
            return Ok(());
        }
        events::record(EventKind::Dropped(DropReason::Exit));
        // Round-robin goes on with the thread after the one leaving, now at index `i`.
        let next = state.choose_next(i).ok_or(Deadlock)?;
        state.current = next;
        state.left_in_turn = state.turn_length();
        if let Some(i) = state.index_of(next) {
            state.threads[i].wake.notify_one();
        }
        Ok(())
    }

    /// Virtual microseconds since the schedule started.
    pub fn now_us(&self) -> u64 {
        self.state.lock().clock_us
    }

    /// Give the turn to whoever runs next and wait until it comes back: at once (`blocked`
    /// is `None`: the turn was used up) or when what the thread waits for may have come.
    fn pass_turn(
        &self,
        mut state: parking_lot::MutexGuard<'_, State>,
        id: u64,
        blocked: Option<BlockKind>,
    ) -> Result<(), Deadlock> {
        let after_me = state.index_of(id).map_or(0, |i| i + 1);
        let next = state.choose_next(after_me).ok_or(Deadlock)?;
        state.left_in_turn = state.turn_length();
        if next == id {
            return Ok(());
        }
        // The event log tells the same story as for the GIL: a used-up turn is a forced drop
        // and a wait for the lock; a sleep or lock wait is a voluntary drop and a blocked span.
        match blocked {
            None => events::record(EventKind::Dropped(DropReason::Requested)),
            Some(kind) => {
                events::record(EventKind::Dropped(DropReason::Voluntary));
                events::record(EventKind::BlockBegin(kind));
            }
        }
        state.current = next;
        if let Some(i) = state.index_of(next) {
            state.threads[i].wake.notify_one();
        }
        if blocked.is_none() {
            events::record(EventKind::TakeRequested);
        }
        let Some(wake) = state.index_of(id).map(|i| Arc::clone(&state.threads[i].wake)) else {
            return Ok(());
        };
        while state.current != id {
            wake.wait(&mut state);
        }
        if blocked.is_some() {
            events::record(EventKind::BlockEnd);
            events::record(EventKind::TakeRequested);
        }
        events::record(EventKind::Acquired);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Start `threads` threads under `switching`; each records its id at each of `steps`
    /// check points. Returns the order in which they ran.
    fn run_order(switching: Switching, threads: u64, steps: usize) -> Vec<u64> {
        let scheduler = Arc::new(Scheduler::new(switching));
        let order = Arc::new(parking_lot::Mutex::new(Vec::new()));
        // Registered here, in order, as a parent holding the turn would.
        let ids: Vec<u64> = (0..threads).map(|_| scheduler.register()).collect();
        let handles: Vec<_> = ids
            .into_iter()
            .map(|id| {
                let (scheduler, order) = (Arc::clone(&scheduler), Arc::clone(&order));
                std::thread::spawn(move || {
                    scheduler.wait_turn(id);
                    for _ in 0..steps {
                        order.lock().push(id);
                        scheduler.check_point(id);
                    }
                    scheduler.finish(id)
                })
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().ok(), Some(Ok(())));
        }
        order.lock().clone()
    }

    #[test]
    fn switch_every_n_goes_round_robin_in_start_order() {
        let order = run_order(Switching::Every(2), 3, 4);
        assert_eq!(order, [0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn a_seed_fixes_the_schedule_and_another_seed_changes_it() {
        let seeded = |seed| Switching::Seeded { seed, mean_gap: 3 };
        let first = run_order(seeded(7), 3, 30);
        assert_eq!(first, run_order(seeded(7), 3, 30), "same seed, same order");
        assert_ne!(first, run_order(seeded(8), 3, 30), "another seed, another order");
        assert!(
            first.windows(2).filter(|w| w[0] != w[1]).count() >= 10,
            "the turn moves often with a mean gap of 3: {first:?}"
        );
    }

    #[test]
    fn when_everyone_sleeps_the_clock_jumps_to_the_first_wake_up() {
        let scheduler = Scheduler::new(Switching::Every(10));
        let id = scheduler.register();
        scheduler.check_point(id);
        scheduler.sleep(id, 3_000_000);
        assert_eq!(scheduler.now_us(), 3_000_001);
    }

    #[test]
    fn a_sleeper_wakes_after_its_time_on_the_clock_of_check_points() {
        // Thread 1 sleeps 5 µs; thread 0 spins. Thread 1 may run again only once five check
        // points (five microseconds) have passed.
        let scheduler = Arc::new(Scheduler::new(Switching::Every(1)));
        let (spinner, sleeper) = (scheduler.register(), scheduler.register());
        let woke_at = {
            let scheduler = Arc::clone(&scheduler);
            std::thread::spawn(move || {
                scheduler.wait_turn(sleeper);
                scheduler.sleep(sleeper, 5);
                let now = scheduler.now_us();
                let _ = scheduler.finish(sleeper);
                now
            })
        };
        scheduler.wait_turn(spinner);
        for _ in 0..20 {
            scheduler.check_point(spinner);
        }
        let _ = scheduler.finish(spinner);
        let woke_at = woke_at.join().unwrap_or(0);
        assert!((5..=7).contains(&woke_at), "woke at {woke_at} µs");
    }

    #[test]
    fn a_blocked_thread_retries_in_turns_until_another_thread_lets_it_go() {
        let scheduler = Arc::new(Scheduler::new(Switching::Every(3)));
        let (waiter, setter) = (scheduler.register(), scheduler.register());
        let flag = Arc::new(AtomicBool::new(false));
        let handle = {
            let (scheduler, flag) = (Arc::clone(&scheduler), Arc::clone(&flag));
            std::thread::spawn(move || {
                scheduler.wait_turn(setter);
                for _ in 0..10 {
                    scheduler.check_point(setter);
                }
                flag.store(true, Ordering::SeqCst);
                scheduler.finish(setter)
            })
        };
        scheduler.wait_turn(waiter);
        let mut retry = false;
        while !flag.load(Ordering::SeqCst) {
            assert_eq!(scheduler.block(waiter, BlockKind::LockWait, None, retry), Ok(()));
            retry = true;
        }
        assert_eq!(scheduler.now_us(), 10, "the setter's ten check points passed first");
        assert_eq!(handle.join().ok(), Some(Ok(())));
    }

    #[test]
    fn a_timed_wait_nobody_ends_times_out_on_the_virtual_clock() {
        let scheduler = Scheduler::new(Switching::Every(5));
        let id = scheduler.register();
        let deadline = Some(scheduler.now_us() + 250_000);
        let mut retry = false;
        while scheduler.now_us() < 250_000 {
            assert_eq!(scheduler.block(id, BlockKind::LockWait, deadline, retry), Ok(()));
            retry = true;
        }
        assert_eq!(scheduler.now_us(), 250_000);
    }

    #[test]
    fn an_untimed_wait_nobody_can_end_is_a_deadlock() {
        let scheduler = Scheduler::new(Switching::Every(5));
        let id = scheduler.register();
        assert_eq!(scheduler.block(id, BlockKind::LockWait, None, false), Ok(()));
        assert_eq!(scheduler.block(id, BlockKind::LockWait, None, true), Err(Deadlock));
    }
}
