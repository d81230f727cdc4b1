//! A whole collection, as CPython runs one: the part in `objects::gc` that finds what is
//! unreachable while the world is stopped, around it what runs Python code with the world
//! running — `gc.callbacks`, finalizers — and `gc.set_debug`'s output.
//!
//! The sequence:
//! 1. With the world stopped (with the GIL: holding it), find the unreachable objects of the
//!    generation and hold each one, so that nothing frees them meanwhile.
//!    Weak references to them are cleared there too, so that no thread can reach them again;
//!    the callbacks of those weak references that are themselves reachable are collected.
//! 2. Restart the world. Run those callbacks, then the finalizers of those not finalized yet —
//!    `__del__`, closing suspended generators — each marked finalized first: never twice.
//! 3. If a finalizer ran, stop the world again and look at the unreachable objects once more:
//!    one referenced from outside now (a finalizer stored it somewhere) is resurrected, with
//!    everything it reaches.
//! 4. Clear what is still unreachable (empty its lists, dicts, namespaces, cells, frames…), or
//!    with `gc.DEBUG_SAVEALL` move it to `gc.garbage`; dropping the holds then lets reference
//!    counting free it all.
//!
//! A collection never starts while another one runs (finalizers allocate); the thread that
//! wanted one then simply goes on, and the next check point past the threshold tries again.

use std::sync::OnceLock;
use std::time::Instant;

use crate::gil::events;
use crate::gil::stop_world::{StoppedWorld, stop_the_world};
use crate::objects::gc::{self, debug};
use crate::objects::weakref;
use crate::objects::{ObjLock, ObjRef, Payload, PyObject, Value};

use super::Vm;

/// `gc.callbacks` and `gc.garbage`: lists that live as long as the process, like CPython's.
pub struct GcLists {
    pub callbacks: ObjRef,
    pub garbage: ObjRef,
}

pub fn gc_lists() -> &'static GcLists {
    static LISTS: OnceLock<GcLists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let list = || ObjRef::new_immortal(PyObject::new(Payload::List(ObjLock::new(Vec::new()))));
        GcLists {
            callbacks: list(),
            garbage: list(),
        }
    })
}

impl<'py> Vm<'py> {
    /// Stop the world for `f`, waiting out anyone else who is stopping it.
    pub fn with_world_stopped<R>(&self, f: impl FnOnce(&StoppedWorld<'py>) -> R) -> R {
        loop {
            if let Some(world) = stop_the_world(self.py) {
                return f(&world);
            }
        }
    }

    /// Collect `generation` (0–2, younger ones included): the number of unreachable objects
    /// found, or `None` when a collection was already running.
    pub fn collect_garbage(&mut self, generation: usize) -> Option<usize> {
        if !gc::begin() {
            return None;
        }
        let handled = self.handled.take();
        let found = self.collect_claimed(generation);
        self.handled = handled;
        gc::end();
        Some(found)
    }

    fn collect_claimed(&mut self, generation: usize) -> usize {
        let py = self.py;
        let debug = gc::debug_flags();
        let started = Instant::now();
        self.run_gc_callbacks("start", generation, 0);
        events::collection_begins(generation);
        if generation == 2 {
            // The lookup cache holds classes and their methods: a full collection must not
            // mistake those references for the program's.
            self.clear_caches();
        }
        let (analysis, weakref_callbacks) = self.with_world_stopped(|world| {
            if debug & debug::STATS != 0 {
                let sizes = gc::generation_sizes(world);
                eprint!(
                    "gc: collecting generation {generation}...\ngc: objects in each generation: {} {} {}\ngc: objects in permanent generation: {}\n",
                    sizes[0], sizes[1], sizes[2], sizes[3]
                );
            }
            let analysis = gc::analyse_generation(py, world, generation);
            // Before anything can see them again: weak references to what is unreachable are
            // cleared, so no thread can take a reference to it any more.
            let callbacks = weakref::clear_for_collection(py, &analysis.unreachable);
            (analysis, callbacks)
        });
        let moved_to_oldest = analysis.moved_to_oldest;
        let oldest_size = analysis.oldest_size;
        let examined = analysis.examined;
        if debug & debug::COLLECTABLE != 0 {
            for object in &analysis.unreachable {
                let name = self.type_name(&Value::Obj(object.clone_ref(py)));
                eprintln!("gc: collectable <{name} {:#x}>", object.addr());
            }
        }
        // The callbacks of the weak references that were cleared and are still reachable run
        // first, as in CPython: they may look at the world, but can no longer reach the garbage.
        for weak in weakref_callbacks {
            self.run_weakref_callback(weak);
        }
        let mut finalized_any = false;
        for object in &analysis.unreachable {
            if self.has_finalizer(object) && gc::mark_finalized(object) {
                if !finalized_any {
                    events::record(events::EventKind::FinalizersBegin);
                }
                self.run_finalizer(object);
                finalized_any = true;
            }
        }
        let unreachable = if finalized_any {
            events::record(events::EventKind::FinalizersEnd);
            // The finalizers looked attributes up: the lookup cache now holds their classes.
            self.clear_caches();
            let recheck = self.with_world_stopped(|world| gc::reanalyse(world, analysis.unreachable));
            // Dropped with the world running: the released ones are freed now.
            drop((recheck.released, recheck.resurrected));
            recheck.garbage
        } else {
            analysis.unreachable
        };
        let found = unreachable.len();
        if debug & debug::SAVEALL != 0 {
            if let Payload::List(garbage) = &gc_lists().garbage.payload {
                garbage
                    .lock(py)
                    .extend(unreachable.iter().map(|o| Value::Obj(o.clone_ref(py))));
            }
        } else {
            for object in &unreachable {
                gc::clear(py, object);
            }
        }
        drop(unreachable);
        if debug & debug::STATS != 0 {
            eprintln!(
                "gc: done, {found} unreachable, 0 uncollectable, {:.4}s elapsed",
                started.elapsed().as_secs_f64()
            );
        }
        gc::record(generation, found, moved_to_oldest, oldest_size);
        events::collection_ends(examined, found, 0);
        self.run_gc_callbacks("stop", generation, found);
        found
    }

    /// Whether an unreachable object has a finalizer to run: an instance whose class defines
    /// `__del__`, a generator suspended inside `try`.
    /// A suspended generator's finalizer is closing it even outside `try`, where no code runs:
    /// its frame goes, and with it what the frame held (CPython closes every one).
    fn has_finalizer(&mut self, object: &ObjRef) -> bool {
        match &object.payload {
            Payload::Instance(inst) => super::finalize::class_has_finalizer(self.py, &inst.class),
            Payload::Generator(state) => state.lock(self.py).frame.is_some(),
            _ => false,
        }
    }

    /// Call each of `gc.callbacks` with the phase and CPython's info dict.
    fn run_gc_callbacks(&mut self, phase: &str, generation: usize, collected: usize) {
        let py = self.py;
        let callbacks: Vec<Value> = match &gc_lists().callbacks.payload {
            Payload::List(items) => items.lock(py).iter().map(|v| v.clone_ref(py)).collect(),
            _ => Vec::new(),
        };
        if callbacks.is_empty() {
            return;
        }
        let info = self.new_dict();
        let entries = [
            ("generation", generation),
            ("collected", collected),
            ("uncollectable", 0),
        ];
        for (key, value) in entries {
            let key = self.new_str(key);
            if self.dict_set(&info, key, Value::Int(value as i64)).is_err() {
                return;
            }
        }
        let phase = self.new_str(phase);
        for callback in callbacks {
            if let Err(err) = self.call(&callback, &[phase.clone_ref(py), info.clone_ref(py)], &[]) {
                self.report_unraisable(&callback, &err.exc);
            }
        }
    }
}
