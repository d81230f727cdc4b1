//! Waiting on an atomic word with Linux's futex(2): the waiter sleeps while the word holds the
//! value it expects. All the state is the word itself, so a thread that was waiting (or half-way
//! through locking) at the moment of a `fork()` leaves nothing stuck behind in the child, unlike
//! a lock with a separate internal mutex or a global table of waiters.

use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// Sleep while `word` holds `expected`, at most `timeout` (spurious wake-ups allowed: the caller
/// looks at the word again).
pub fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    wait_keyed(word, expected, timeout, libc::FUTEX_PRIVATE_FLAG);
}

/// [`wait`] on a word in memory shared between processes (a `MAP_SHARED` mapping): the kernel
/// keys the futex by the physical page, so a process sleeping here is woken by another
/// process's [`wake_one_shared`].
pub fn wait_shared(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    wait_keyed(word, expected, timeout, 0);
}

fn wait_keyed(word: &AtomicU32, expected: u32, timeout: Option<Duration>, private: libc::c_int) {
    let limit = timeout.map(|t| libc::timespec {
        tv_sec: libc::time_t::try_from(t.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_nsec: libc::c_long::from(t.subsec_nanos()),
    });
    let limit_ptr = limit.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: the kernel only reads the word at that address (it lives as long as `word` is
    // borrowed, i.e. during the call) and the timespec when one is given; a private futex is
    // keyed by this process's address space, a shared one by the page it lives in.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | private,
            expected,
            limit_ptr,
        );
    }
}

/// Wake one thread sleeping in [`wait`] on `word`.
pub fn wake_one(word: &AtomicU32) {
    wake_keyed(word, 1, libc::FUTEX_PRIVATE_FLAG);
}

/// Wake up to `count` threads, of any process, sleeping in [`wait_shared`] on `word`.
pub fn wake_shared(word: &AtomicU32, count: i32) {
    wake_keyed(word, count, 0);
}

fn wake_keyed(word: &AtomicU32, count: i32, private: libc::c_int) {
    // SAFETY: FUTEX_WAKE only uses the address as a key; nothing is read or written there.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE | private, count);
    }
}
