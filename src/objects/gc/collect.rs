//! The part of a collection that runs while the world is stopped: which objects are unreachable.
//!
//! For a set of candidates: copy each one's reference count into its header (`gc_refs`), then
//! for every reference a candidate holds to another candidate subtract one. A candidate left
//! with a count is referenced from outside the set: it is reachable, and so is everything it
//! reaches (an explicit work list, never recursion: a million nested lists must not overflow
//! the native stack). The rest is unreachable. Immortal objects are never candidates; an object
//! whose lock is held (which no thread should do at a check point) is treated as reachable.

use std::ptr::NonNull;

use super::header::{self, GcHeader, flag};
use super::heap::{self, Heap, PERMANENT};
use super::traverse::traverse;
use super::{is_container, may_be_tracked};
use crate::gil::Gil;
use crate::gil::stop_world::StoppedWorld;
use crate::objects::{ObjRef, Payload, PyObject, Value};

/// What the analysis of a generation found.
pub struct Analysis {
    /// The unreachable objects, each held by a strong reference, in allocation order.
    pub unreachable: Vec<ObjRef>,
    /// Objects looked at.
    pub examined: usize,
    /// Survivors moved into the oldest generation (a collection of generation 1).
    pub moved_to_oldest: usize,
    /// Objects in the oldest generation afterwards (a full collection).
    pub oldest_size: usize,
}

/// The header of a linked object.
fn header_of(object: NonNull<PyObject>) -> &'static GcHeader {
    // SAFETY: every object in a generation list, or referenced by one, is alive for the whole
    // analysis (the world is stopped and nothing is freed), and containers come from
    // `header::allocate`. The `'static` never escapes this module's functions.
    unsafe { header::header_of(object) }
}

/// The header of a referent, if it is a container taking part in the current analysis.
fn candidate_header(object: &ObjRef) -> Option<&'static GcHeader> {
    if !is_container(&object.payload) {
        return None;
    }
    let header = header_of(object.as_non_null());
    header.has(flag::COLLECTING).then_some(header)
}

/// Find the unreachable objects of generation `generation` and the younger ones, which are
/// merged into it first; the survivors move on to the next generation.
pub fn analyse_generation(py: Gil<'_>, world: &StoppedWorld<'_>, generation: usize) -> Analysis {
    let heaps: Vec<&'static Heap> = heap::all().collect();
    for heap in &heaps {
        heap.reclaim_shells();
        // Younger after older: the merged list stays in allocation order.
        for younger in (0..generation).rev() {
            heap.lists[younger].append_to(&heap.lists[generation]);
        }
    }
    let mut candidates = Vec::new();
    let mut untrack = Vec::new();
    for heap in &heaps {
        for object in heap.lists[generation].objects() {
            // SAFETY: linked objects are alive (see `header_of`).
            let obj = unsafe { object.as_ref() };
            if obj.header.is_immortal() {
                // Never freed, so never part of garbage: it needs no tracking.
                untrack.push(object);
            } else if !ignored_dict(obj, world) {
                candidates.push(object);
            }
        }
    }
    for object in untrack {
        header_of(object).unlink();
    }
    let unreachable_flags = find_unreachable(world, &candidates, 0);
    let mut unreachable = Vec::new();
    let mut survivors = 0;
    for (&object, &is_unreachable) in candidates.iter().zip(&unreachable_flags) {
        if is_unreachable {
            // SAFETY: alive (see `header_of`); the new reference keeps it so once the world
            // restarts.
            unreachable.push(unsafe { ObjRef::clone_from_ptr(py, object) });
        } else {
            survivors += 1;
            untrack_if_atomic(object, world, generation == 2);
        }
    }
    let mut oldest_size = 0;
    for heap in &heaps {
        if let Some(older) = heap.lists.get(generation + 1).filter(|_| generation + 1 < PERMANENT) {
            heap.lists[generation].append_to(older);
        }
        if generation == 2 {
            oldest_size += heap.lists[2].objects().count();
        }
    }
    Analysis {
        unreachable,
        examined: candidates.len(),
        moved_to_oldest: if generation == 1 { survivors } else { 0 },
        oldest_size,
    }
}

/// Look again at objects found unreachable, each held once by the collector, after finalizers
/// ran: those a finalizer made reachable again (and what they reach) are returned second.
pub fn reanalyse(world: &StoppedWorld<'_>, held: Vec<ObjRef>) -> (Vec<ObjRef>, Vec<ObjRef>) {
    let candidates: Vec<NonNull<PyObject>> = held.iter().map(ObjRef::as_non_null).collect();
    let unreachable_flags = find_unreachable(world, &candidates, 1);
    let (mut still, mut resurrected) = (Vec::new(), Vec::new());
    for (object, is_unreachable) in held.into_iter().zip(unreachable_flags) {
        if is_unreachable {
            still.push(object);
        } else {
            resurrected.push(object);
        }
    }
    (still, resurrected)
}

/// Which candidates are unreachable from outside the set. `held` references to each candidate
/// are the caller's own and do not count as outside ones.
fn find_unreachable(world: &StoppedWorld<'_>, candidates: &[NonNull<PyObject>], held: usize) -> Vec<bool> {
    for &object in candidates {
        // SAFETY: candidates are alive (see `header_of`).
        let count = unsafe { object.as_ref() }.header.get().saturating_sub(held);
        let header = header_of(object);
        header.set(flag::COLLECTING);
        header.set_refs(i32::try_from(count).unwrap_or(i32::MAX));
    }
    // References between candidates are not outside references.
    for &object in candidates {
        // SAFETY: as above.
        let readable = traverse(unsafe { object.as_ref() }, world, &mut |referent| {
            if let Some(header) = referent.object().and_then(candidate_header) {
                header.set_refs(header.refs() - 1);
            }
        });
        if !readable {
            // What it references cannot be known: keep it, and what it reaches, alive.
            header_of(object).set_refs(i32::MAX);
        }
    }
    // A count left over (or below zero, which only an over-reporting traversal could cause) is
    // an outside reference: reachable, with everything reachable from it.
    let mut work = Vec::new();
    for &object in candidates {
        let header = header_of(object);
        if header.refs() == 0 || header.has(flag::REACHABLE) {
            continue;
        }
        header.set(flag::REACHABLE);
        work.push(object);
        while let Some(next) = work.pop() {
            // SAFETY: as above.
            traverse(unsafe { next.as_ref() }, world, &mut |referent| {
                if let Some(object) = referent.object()
                    && let Some(header) = candidate_header(object)
                    && !header.has(flag::REACHABLE)
                {
                    header.set(flag::REACHABLE);
                    work.push(object.as_non_null());
                }
            });
        }
    }
    candidates
        .iter()
        .map(|&object| {
            let header = header_of(object);
            let unreachable = !header.has(flag::REACHABLE);
            header.clear(flag::COLLECTING | flag::REACHABLE);
            unreachable
        })
        .collect()
}

/// A `dict` that never held a container: CPython does not track it, and neither do we.
fn ignored_dict(object: &PyObject, world: &StoppedWorld<'_>) -> bool {
    match &object.payload {
        Payload::Dict(dict) => dict.read_stopped(world).is_some_and(|t| !t.may_hold_containers()),
        _ => false,
    }
}

/// After a collection: a reachable tuple whose items cannot be part of a cycle is untracked (it
/// never changes, so it never will be), and in a full collection so is a dict that holds no
/// container any more; as CPython does.
fn untrack_if_atomic(object: NonNull<PyObject>, world: &StoppedWorld<'_>, full: bool) {
    // SAFETY: alive (see `header_of`).
    match &unsafe { object.as_ref() }.payload {
        Payload::Tuple(items) if items.iter().all(|v| !still_tracked(v, world)) => header_of(object).unlink(),
        Payload::Dict(dict) if full => {
            if let Some(table) = dict.read_stopped(world)
                && !table
                    .iter()
                    .any(|e| still_tracked(&e.key, world) || still_tracked(&e.value, world))
            {
                table.forget_containers();
            }
        }
        _ => {}
    }
}

/// Whether `value` is a container the collector still tracks.
fn still_tracked(value: &Value, world: &StoppedWorld<'_>) -> bool {
    if !may_be_tracked(value) {
        return false;
    }
    let Some(object) = value.as_obj() else { return false };
    let header = header_of(object.as_non_null());
    header.is_linked() && !ignored_dict(object, world)
}

/// Every tracked object of `generation` (all of them for `None`), for `gc.get_objects`.
pub fn tracked_objects(py: Gil<'_>, world: &StoppedWorld<'_>, generation: Option<usize>) -> Vec<Value> {
    let mut found = Vec::new();
    for heap in heap::all() {
        heap.reclaim_shells();
        let lists = match generation {
            Some(g) => g..g + 1,
            None => 0..PERMANENT,
        };
        for list in &heap.lists[lists] {
            for object in list.objects() {
                // SAFETY: alive (see `header_of`).
                let obj = unsafe { object.as_ref() };
                if !obj.header.is_immortal() && !ignored_dict(obj, world) {
                    // SAFETY: as above.
                    found.push(Value::Obj(unsafe { ObjRef::clone_from_ptr(py, object) }));
                }
            }
        }
    }
    found
}

/// `gc.get_referrers`: the tracked objects that reference any of `targets`.
pub fn referrers(py: Gil<'_>, world: &StoppedWorld<'_>, targets: &[Value]) -> Vec<Value> {
    let wanted: Vec<usize> = targets.iter().filter_map(Value::as_obj).map(ObjRef::addr).collect();
    let mut found = Vec::new();
    for object in tracked_objects(py, world, None) {
        let Some(o) = object.as_obj() else { continue };
        let mut refers = false;
        traverse(o, world, &mut |referent| {
            refers |= referent.object().is_some_and(|r| wanted.contains(&r.addr()));
        });
        if refers {
            found.push(object);
        }
    }
    found
}

/// Sizes of the generations (the permanent one last), for `gc.DEBUG_STATS`.
pub fn generation_sizes(world: &StoppedWorld<'_>) -> [usize; 4] {
    let mut sizes = [0; 4];
    for heap in heap::all() {
        for (size, list) in sizes.iter_mut().zip(&heap.lists) {
            *size += list
                .objects()
                // SAFETY: alive (see `header_of`).
                .filter(|&o| !ignored_dict(unsafe { o.as_ref() }, world))
                .count();
        }
    }
    sizes
}

/// `gc.freeze()`: every tracked object moves to the permanent generation, ignored from now on;
/// `gc.unfreeze()` moves them back into the oldest one.
pub fn freeze(_world: &StoppedWorld<'_>, frozen: bool) {
    for heap in heap::all() {
        if frozen {
            for generation in 0..PERMANENT {
                heap.lists[generation].append_to(&heap.lists[PERMANENT]);
            }
        } else {
            heap.lists[PERMANENT].append_to(&heap.lists[2]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gil::{self, stop_world::stop_the_world};
    use crate::objects::gc::clear;
    use crate::objects::{ObjLock, PyStr};

    fn new_list(py: Gil<'_>, items: Vec<Value>) -> ObjRef {
        ObjRef::new(py, PyObject::new(Payload::List(ObjLock::new(items))))
    }

    fn push(py: Gil<'_>, list: &ObjRef, item: Value) {
        if let Payload::List(items) = &list.payload {
            items.lock(py).push(item);
        }
    }

    /// A full collection's analysis (other tests' objects may be among what it finds).
    fn unreachable_now(py: Gil<'_>) -> Vec<ObjRef> {
        let world = stop_the_world(py).expect("with the GIL the world is ours");
        analyse_generation(py, &world, 2).unreachable
    }

    fn found(unreachable: &[ObjRef], addr: usize) -> bool {
        unreachable.iter().any(|o| o.addr() == addr)
    }

    /// Break the cycles found and let them go, as a collection does.
    fn dispose(py: Gil<'_>, unreachable: Vec<ObjRef>) {
        for object in &unreachable {
            clear(py, object);
        }
    }

    #[test]
    fn a_dropped_cycle_is_unreachable_and_freed_once_cleared() {
        gil::attach(|py| {
            let list = new_list(py, Vec::new());
            push(py, &list, Value::Obj(list.clone_ref(py)));
            let addr = list.addr();
            let unreachable = unreachable_now(py);
            assert!(!found(&unreachable, addr), "still referenced from here");
            dispose(py, unreachable);
            drop(list);
            let unreachable = unreachable_now(py);
            let ours = unreachable.iter().find(|o| o.addr() == addr).expect("the cycle was found");
            assert_eq!(ours.refcount(), 2, "its own reference and the collector's");
            clear(py, ours);
            assert_eq!(ours.refcount(), 1, "only the collector's: dropping it frees the list");
            dispose(py, unreachable);
        });
    }

    #[test]
    fn what_a_live_object_reaches_is_never_unreachable() {
        gil::attach(|py| {
            // a -> b -> c -> a, and a string key dict holding b, all reachable from `root`.
            let (a, b, c) = (new_list(py, Vec::new()), new_list(py, Vec::new()), new_list(py, Vec::new()));
            push(py, &a, Value::Obj(b.clone_ref(py)));
            push(py, &b, Value::Obj(c.clone_ref(py)));
            push(py, &c, Value::Obj(a.clone_ref(py)));
            let name = ObjRef::new(py, PyObject::new(Payload::Str(PyStr::new("name"))));
            push(py, &c, Value::Obj(name));
            let root = new_list(py, vec![Value::Obj(b.clone_ref(py))]);
            let addrs = [a.addr(), b.addr(), c.addr()];
            drop((a, b, c));
            let unreachable = unreachable_now(py);
            assert!(addrs.iter().all(|&addr| !found(&unreachable, addr)));
            dispose(py, unreachable);
            drop(root);
            let unreachable = unreachable_now(py);
            assert!(addrs.iter().all(|&addr| found(&unreachable, addr)), "unreachable once the root went");
            dispose(py, unreachable);
        });
    }

    #[test]
    fn an_object_referenced_again_after_finalizers_is_resurrected_with_what_it_reaches() {
        gil::attach(|py| {
            let (a, b) = (new_list(py, Vec::new()), new_list(py, Vec::new()));
            push(py, &a, Value::Obj(b.clone_ref(py)));
            push(py, &b, Value::Obj(a.clone_ref(py)));
            let addrs = [a.addr(), b.addr()];
            drop((a, b));
            let (ours, others): (Vec<ObjRef>, Vec<ObjRef>) =
                unreachable_now(py).into_iter().partition(|o| addrs.contains(&o.addr()));
            dispose(py, others);
            assert_eq!(ours.len(), 2);
            // A "finalizer" stores `a` somewhere: `a`, and `b` through it, live again.
            let saved = ours[0].clone_ref(py);
            let world = stop_the_world(py).expect("with the GIL the world is ours");
            let (still, resurrected) = reanalyse(&world, ours);
            drop(world);
            assert!(still.is_empty());
            assert_eq!(resurrected.len(), 2);
            drop(resurrected);
            // Dropped again, the pair is garbage once more.
            drop(saved);
            let unreachable = unreachable_now(py);
            assert!(addrs.iter().all(|&addr| found(&unreachable, addr)));
            dispose(py, unreachable);
        });
    }

    #[test]
    fn a_million_deep_cycle_is_collected_without_recursion() {
        gil::attach(|py| {
            let outer = new_list(py, Vec::new());
            let mut inner = outer.clone_ref(py);
            for _ in 0..1_000_000 {
                let next = new_list(py, Vec::new());
                push(py, &inner, Value::Obj(next.clone_ref(py)));
                inner = next;
            }
            push(py, &inner, Value::Obj(outer.clone_ref(py)));
            let addr = outer.addr();
            drop((inner, outer));
            let unreachable = unreachable_now(py);
            assert!(found(&unreachable, addr));
            assert!(unreachable.len() > 1_000_000);
            dispose(py, unreachable);
        });
    }

    #[test]
    fn atomic_tuples_are_untracked_and_dicts_tracked_only_with_containers() {
        gil::attach(|py| {
            let tuple = ObjRef::new(py, PyObject::new(Payload::Tuple(vec![Value::Int(1)].into())));
            assert!(super::super::is_tracked(py, &Value::Obj(tuple.clone_ref(py))), "tracked when made");
            let mut table = crate::objects::DictTable::new();
            table.insert(1, Value::Int(1), Value::Int(2), |_| false);
            let dict = ObjRef::new(
                py,
                PyObject::new(Payload::Dict(Box::new(crate::objects::DictObject::new(table)))),
            );
            assert!(!super::super::is_tracked(py, &Value::Obj(dict.clone_ref(py))));
            dispose(py, unreachable_now(py));
            assert!(!super::super::is_tracked(py, &Value::Obj(tuple.clone_ref(py))), "nothing in it to track");
            if let Payload::Dict(d) = &dict.payload {
                let list = new_list(py, Vec::new());
                d.lock(py).insert(2, Value::Int(2), Value::Obj(list), |_| false);
            }
            assert!(super::super::is_tracked(py, &Value::Obj(dict)));
        });
    }
}
