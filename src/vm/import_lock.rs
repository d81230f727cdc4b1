//! One import at a time per module, as CPython's per-module import locks: a thread that wants a
//! module another thread is still importing waits until that import has finished, instead of
//! seeing the half-initialised module (`cannot import name …` from a module whose body has not
//! got that far) or importing it a second time.
//!
//! The registry is touched only while the thread is attached and never across a blocking call,
//! so a fork (which quiets every attached thread first) never finds it locked; waiting is
//! polling, detached, which is cheap because two threads importing the same module at once is
//! rare. As in CPython, a wait that would close a cycle (this thread holds a module the other
//! importer is waiting for, as circular imports on two threads do) is not made: the caller
//! gets the partly initialised module, as a circular import in one thread does.

use std::sync::Mutex;
use std::time::Duration;

use crate::gil::{BlockKind, current_ident, fork::locked};

#[derive(Default)]
struct Registry {
    /// Module name and the thread importing it.
    importing: Vec<(String, u64)>,
    /// Thread and the module it is waiting for.
    waiting: Vec<(u64, String)>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    importing: Vec::new(),
    waiting: Vec::new(),
});

impl Registry {
    fn importer(&self, name: &str) -> Option<u64> {
        self.importing.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
    }

    /// Whether waiting for `name` would make `me` part of a cycle of waits.
    fn would_deadlock(&self, me: u64, name: &str) -> bool {
        let mut module = name.to_string();
        // Each step moves to another thread; more steps than threads means a cycle elsewhere.
        for _ in 0..=self.waiting.len() {
            let Some(holder) = self.importer(&module) else {
                return false;
            };
            if holder == me {
                return true;
            }
            match self.waiting.iter().find(|(t, _)| *t == holder) {
                Some((_, next)) => module = next.clone(),
                None => return false,
            }
        }
        true
    }
}

/// What [`claim`] found.
pub enum Claim {
    /// This thread now imports the module; [`release`] it when done.
    Mine,
    /// Another import of it has finished (or waiting would deadlock): look in `sys.modules`.
    Done,
}

/// Before importing `name`: wait while another thread imports it, then either claim the import
/// or report that it is done. `py` is detached while waiting.
pub fn claim(py: crate::gil::Gil<'_>, name: &str) -> Claim {
    let me = current_ident();
    loop {
        {
            let mut registry = locked(&REGISTRY);
            match registry.importer(name) {
                None => {
                    registry.waiting.retain(|(t, _)| *t != me);
                    registry.importing.push((name.to_string(), me));
                    return Claim::Mine;
                }
                Some(holder) if holder == me => return Claim::Done,
                Some(_) if registry.would_deadlock(me, name) => {
                    registry.waiting.retain(|(t, _)| *t != me);
                    return Claim::Done;
                }
                Some(_) => {
                    if !registry.waiting.iter().any(|(t, _)| *t == me) {
                        registry.waiting.push((me, name.to_string()));
                    }
                }
            }
        }
        py.allow_threads(BlockKind::LockWait, || std::thread::sleep(Duration::from_micros(200)));
        let done = {
            let registry = locked(&REGISTRY);
            registry.importer(name).is_none()
        };
        if done {
            locked(&REGISTRY).waiting.retain(|(t, _)| *t != me);
            return Claim::Done;
        }
    }
}

/// Whether another thread is importing `name` right now.
pub fn busy_elsewhere(name: &str) -> bool {
    let me = current_ident();
    locked(&REGISTRY).importer(name).is_some_and(|holder| holder != me)
}

/// The import of `name` this thread claimed has finished (well or not).
pub fn release(name: &str) {
    let me = current_ident();
    locked(&REGISTRY).importing.retain(|(n, t)| !(n == name && *t == me));
}

/// In a forked child: only the forking thread exists, and its imports are still its own.
pub fn after_fork_child() {
    let me = current_ident();
    let mut registry = locked(&REGISTRY);
    registry.importing.retain(|(_, t)| *t == me);
    registry.waiting.clear();
}
