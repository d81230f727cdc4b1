//! Signals, as in CPython: the OS handler only records that a signal arrived (a flag per
//! signal, a bit in the main thread's eval breaker, a byte to the wakeup fd if one is set);
//! the main thread runs the Python handlers at its next check point (SIGINT's default one
//! raises `KeyboardInterrupt`). If the main thread is blocked in a wait (sleep, lock, join,
//! queue, a child, a pipe), the wait is cut into short slices that notice the flag, so the
//! handler runs even then (and the wait resumes or raises as PEP 475 says).
//!
//! The handler is async-signal-safe: it touches only atomics and calls `write(2)`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

use super::lock::{EvalBreaker, breaker_bits};

/// How often a blocked main thread looks for a pending signal.
const POLL: Duration = Duration::from_millis(20);

/// Signals caught and not yet handled, one bit per signal number (1 to 64).
static TRIPPED: AtomicU64 = AtomicU64::new(0);
/// Signals whose disposition is `Catch`, one bit per signal number.
static CAUGHT: AtomicU64 = AtomicU64::new(0);
/// The main thread's eval breaker: leaked, so the handler may always dereference it (a fork
/// from another thread makes that thread the main one and leaks one more).
static MAIN_BREAKER: AtomicPtr<EvalBreaker> = AtomicPtr::new(std::ptr::null_mut());
/// `signal.set_wakeup_fd`: where the handler writes each signal's number (-1: nowhere).
static WAKEUP_FD: AtomicI32 = AtomicI32::new(-1);
/// Whether SIGINT's handler was installed (once per process).
static INSTALLED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(signal: libc::c_int) {
    let Ok(bit) = u32::try_from(signal) else { return };
    if !(1..=64).contains(&bit) {
        return;
    }
    // The flag first: whoever sees the breaker bit finds the signal.
    TRIPPED.fetch_or(1 << (bit - 1), Ordering::SeqCst);
    let breaker = MAIN_BREAKER.load(Ordering::SeqCst);
    if !breaker.is_null() {
        // SAFETY: the pointer comes from `Arc::into_raw` and is never released (see MAIN_BREAKER).
        unsafe { (*breaker).set(breaker_bits::SIGNAL) };
    }
    let fd = WAKEUP_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        let byte = [signal as u8];
        // SAFETY: write(2) is async-signal-safe; errno is saved and restored around it so the
        // interrupted code sees its own.
        unsafe {
            let saved = *libc::__errno_location();
            libc::write(fd, byte.as_ptr().cast(), 1);
            *libc::__errno_location() = saved;
        }
    }
}

/// Make the calling thread "the main thread": the one that runs Python signal handlers. At
/// start-up, SIGINT gets the handler that turns Ctrl-C into `KeyboardInterrupt`.
pub fn install_for_main_thread() {
    set_main_thread(super::current_breaker());
    // As CPython: a SIGINT the parent made us ignore (a background job) stays ignored.
    if !INSTALLED.swap(true, Ordering::SeqCst) && current_disposition(libc::SIGINT) == Some(Disposition::Default) {
        let _ = set_disposition(libc::SIGINT, Disposition::Catch);
    }
}

fn set_main_thread(breaker: Arc<EvalBreaker>) {
    MAIN_BREAKER.store(Arc::into_raw(breaker).cast_mut(), Ordering::SeqCst);
}

/// In a forked child: the forking thread is the main thread now, and the parent's pending
/// signals are not the child's.
pub(super) fn after_fork_child() {
    TRIPPED.store(0, Ordering::SeqCst);
    set_main_thread(super::current_breaker());
}

/// What the OS does with a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    Default,
    Ignore,
    /// Record it for the main thread's Python handler.
    Catch,
}

/// Install `disposition` for `signal`. Fails (EINVAL) for signals that cannot be caught.
pub fn set_disposition(signal: i32, disposition: Disposition) -> nix::Result<()> {
    let signal = Signal::try_from(signal)?;
    let handler = match disposition {
        Disposition::Default => SigHandler::SigDfl,
        Disposition::Ignore => SigHandler::SigIgn,
        Disposition::Catch => SigHandler::Handler(on_signal),
    };
    // No SA_RESTART: a blocking call on the thread the signal lands on returns EINTR, and
    // PEP 475's retry loop runs the handler first.
    let action = SigAction::new(handler, SaFlags::empty(), SigSet::empty());
    // SAFETY: `on_signal` is async-signal-safe (atomics and write(2) only).
    unsafe { sigaction(signal, &action) }?;
    let mask = bit(signal as i32);
    if disposition == Disposition::Catch {
        CAUGHT.fetch_or(mask, Ordering::SeqCst);
    } else {
        CAUGHT.fetch_and(!mask, Ordering::SeqCst);
    }
    Ok(())
}

/// The disposition the process inherited for `signal` (what `getsignal` reports for a signal
/// no Python handler was set for).
pub fn current_disposition(signal: i32) -> Option<Disposition> {
    let signal = Signal::try_from(signal).ok()?;
    let query = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    // SAFETY: installs the default action for an instant and puts the old one straight back;
    // nothing runs in between on this thread, and a signal arriving then is rare enough that
    // CPython does the same at start-up.
    let old = unsafe { sigaction(signal, &query) }.ok()?;
    // SAFETY: puts back exactly what was there.
    let _ = unsafe { sigaction(signal, &old) };
    Some(match old.handler() {
        SigHandler::SigDfl => Disposition::Default,
        SigHandler::SigIgn => Disposition::Ignore,
        _ => Disposition::Catch,
    })
}

/// `signal.set_wakeup_fd`: returns the previous fd.
pub fn set_wakeup_fd(fd: i32) -> i32 {
    WAKEUP_FD.swap(fd, Ordering::SeqCst)
}

fn is_main(breaker: &Arc<EvalBreaker>) -> bool {
    std::ptr::eq(MAIN_BREAKER.load(Ordering::SeqCst), Arc::as_ptr(breaker))
}

/// Whether the calling thread is the main thread (the one that runs signal handlers).
pub fn on_main_thread() -> bool {
    is_main(&super::current_breaker())
}

/// On the main thread: the signals caught since the last call, one bit per signal number
/// (bit 0 is signal 1), consuming them; 0 elsewhere or when none is pending.
pub fn take_pending(breaker: &Arc<EvalBreaker>) -> u64 {
    if !breaker.has(breaker_bits::SIGNAL) || !is_main(breaker) {
        return 0;
    }
    breaker.clear(breaker_bits::SIGNAL);
    TRIPPED.swap(0, Ordering::SeqCst)
}

/// Put signals back for the next check point (a handler raised before the others ran).
pub fn repost(signals: u64, breaker: &Arc<EvalBreaker>) {
    if signals != 0 {
        TRIPPED.fetch_or(signals, Ordering::SeqCst);
        breaker.set(breaker_bits::SIGNAL);
    }
}

fn bit(signal: i32) -> u64 {
    u32::try_from(signal - 1).ok().filter(|&b| b < 64).map_or(0, |b| 1 << b)
}

/// Whether `signal` arrived and its Python handler has not run yet.
pub fn is_tripped(signal: i32) -> bool {
    TRIPPED.load(Ordering::SeqCst) & bit(signal) != 0
}

/// Whether `signal` is recorded for a Python handler when it arrives.
pub fn is_caught(signal: i32) -> bool {
    CAUGHT.load(Ordering::SeqCst) & bit(signal) != 0
}

/// Whether a signal other than SIGINT has a Python handler: one may arrive (an alarm, a timer,
/// another process) and end any wait by raising.
pub fn python_handlers_installed() -> bool {
    CAUGHT.load(Ordering::SeqCst) & !bit(libc::SIGINT) != 0
}

/// Whether a signal is waiting for its Python handler.
pub fn is_pending() -> bool {
    TRIPPED.load(Ordering::SeqCst) != 0
}

/// Sleep for `duration`, returning early (true) if a signal arrives for the main thread.
pub fn interruptible_sleep(duration: Duration) -> bool {
    if !on_main_thread() {
        std::thread::sleep(duration);
        return false;
    }
    let deadline = Instant::now() + duration;
    loop {
        if is_pending() {
            return true;
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        std::thread::sleep((deadline - now).min(POLL));
    }
}

/// Wait with `wait_until(deadline)` (true when done) in slices, so the main thread notices a
/// signal. Returns `None` when interrupted.
pub fn interruptible_wait(deadline: Option<Instant>, mut wait_until: impl FnMut(Instant) -> bool) -> Option<bool> {
    let main = on_main_thread();
    loop {
        let slice_end = Instant::now() + POLL;
        let until = match deadline {
            Some(d) if !main || d < slice_end => d,
            Some(_) | None if main => slice_end,
            // Not the main thread and no deadline: one long wait (a far-off instant).
            _ => Instant::now() + Duration::from_secs(3600),
        };
        if wait_until(until) {
            return Some(true);
        }
        if main && is_pending() {
            return None;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(false);
        }
    }
}

/// `wait_until` for calls that can only poll (a child's exit, a pipe's data): `poll(timeout)`
/// is tried in slices of at most `POLL` on the main thread, so a signal is noticed; `None` when
/// interrupted, `Some(false)` at the deadline, `Some(true)` when `poll` succeeded.
pub fn interruptible_poll(deadline: Option<Instant>, mut poll: impl FnMut(Option<Duration>) -> bool) -> Option<bool> {
    let main = on_main_thread();
    loop {
        let now = Instant::now();
        let left = deadline.map(|d| d.saturating_duration_since(now));
        let slice = match left {
            Some(left) if main => Some(left.min(POLL)),
            None if main => Some(POLL),
            other => other,
        };
        if poll(slice) {
            return Some(true);
        }
        if main && is_pending() {
            return None;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_signal_is_pending_until_the_main_thread_takes_it() {
        // This test's thread plays the main thread.
        install_for_main_thread();
        set_disposition(libc::SIGUSR2, Disposition::Catch).expect("SIGUSR2 can be caught");
        assert!(is_caught(libc::SIGUSR2));
        nix::sys::signal::raise(Signal::SIGUSR2).expect("raise");
        assert!(is_tripped(libc::SIGUSR2));
        let breaker = crate::gil::current_breaker();
        assert!(breaker.has(breaker_bits::SIGNAL));
        let taken = take_pending(&breaker);
        assert_eq!(taken & bit(libc::SIGUSR2), bit(libc::SIGUSR2));
        assert!(!is_tripped(libc::SIGUSR2) && !breaker.has(breaker_bits::SIGNAL));
        set_disposition(libc::SIGUSR2, Disposition::Default).expect("back to the default");
        assert!(!is_caught(libc::SIGUSR2));
    }
}
