//! The part of a collection that runs while the world is stopped: which objects are unreachable.
//!
//! For a set of candidates: copy each one's reference count (`gc_refs`), then for every
//! reference a candidate holds to another candidate subtract one. A candidate left with a count
//! is referenced from outside the set: it is reachable, and so is everything it reaches (an
//! explicit work list, never recursion: a million nested lists must not overflow the native
//! stack). The rest is unreachable. Immortal objects are never candidates; an object whose lock
//! is held (which no thread should do at a check point) is treated as reachable.
//!
//! Candidates are numbered: while the analysis runs a candidate's header holds its number
//! instead of its place in its generation, and the counts live in a vector beside them. The
//! generations are rebuilt afterwards, in the same order.

use std::collections::HashMap;
use std::ptr::NonNull;

use super::header::{self, GcHeader, flag};
use super::heap::{self, PERMANENT};
use super::traverse::{Referent, traverse};
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

/// The header of a container.
#[inline(always)]
fn header_of(object: NonNull<PyObject>) -> &'static GcHeader {
    // SAFETY: every object tracked in a generation, or referenced by one, is alive for the
    // whole analysis (the world is stopped and nothing is freed), and containers come from
    // `header::allocate`. The `'static` never escapes this module's functions.
    unsafe { header::header_of(object) }
}

/// The candidate number of a referent, if it is a container taking part in the analysis.
#[inline(always)]
fn candidate_of(referent: Referent<'_>) -> Option<usize> {
    match referent.object() {
        Some(object) if is_container(&object.payload) => header_of(object.as_non_null()).candidate(),
        _ => None,
    }
}

/// Find the unreachable objects of generation `generation` and the younger ones, which are
/// merged into it first; the survivors move on to the next generation.
///
/// Every object of those generations is moved into one array, heap by heap and oldest first;
/// an object's place there is its number. The candidates are those objects but the immortal
/// ones (never freed; they are untracked now) and the dicts holding no container (not
/// tracked, as in CPython, but kept in their generation: storing a container makes them count).
/// Besides that array the analysis needs one count and one fate per object, and the arrays
/// the objects go back into reuse their room: a collection of a million objects borrows
/// about 17 MB.
pub fn analyse_generation(py: Gil<'_>, world: &StoppedWorld<'_>, generation: usize) -> Analysis {
    let young_epoch = super::note_collection();
    heap::reclaim_shells(world);
    let heaps = heap::all(world);
    let total = heaps
        .iter()
        .map(|heap| (0..=generation).map(|g| heap.len(world, g)).sum::<usize>())
        .sum();
    let mut objects = Vec::with_capacity(total);
    let mut ends = Vec::with_capacity(heaps.len());
    for &heap in &heaps {
        for older_first in (0..=generation).rev() {
            heap.take_into(world, older_first, &mut objects);
        }
        ends.push(objects.len());
    }
    let mut examined = 0;
    let mut refs = Vec::with_capacity(objects.len());
    for (n, &object) in objects.iter().enumerate() {
        // SAFETY: tracked objects are alive (see `header_of`).
        let obj = unsafe { object.as_ref() };
        if obj.header.is_immortal() || ignored_dict(obj, world) {
            refs.push(NOT_CANDIDATE);
        } else {
            header_of(object).enter_analysis(world, n);
            refs.push(obj.header.get() as i64);
            examined += 1;
        }
    }
    let fates = analyse(world, &objects, refs, false);
    let young_tuples = match young_epoch {
        Some(epoch) => young_tuples_of_garbage(world, &objects, &fates, epoch),
        None => Vec::new(),
    };
    let target = (generation + 1).min(2);
    let mut unreachable = Vec::new();
    let mut survivors = 0;
    let mut start = 0;
    for (&heap, end) in heaps.iter().zip(ends) {
        for (&object, &fate) in objects[start..end].iter().zip(&fates[start..end]) {
            let header = header_of(object);
            // Every branch places the object again, which ends its part in the analysis.
            let candidate = header.has(flag::COLLECTING);
            // SAFETY: alive (see `header_of`).
            if !candidate && unsafe { object.as_ref() }.header.is_immortal() {
                header.place(0, None, 0);
            } else if fate != Fate::Reachable {
                heap.place(world, target, object);
                // SAFETY: alive (see `header_of`); the new reference keeps it so once the
                // world restarts.
                unreachable.push(unsafe { ObjRef::clone_from_ptr(py, object) });
            } else if is_atomic_tuple(object, world) {
                header.place(0, None, 0);
            } else {
                heap.place(world, target, object);
                survivors += 1;
            }
        }
        heap.trim(world, target);
        start = end;
    }
    // SAFETY: alive: referenced by garbage, which nothing frees while the world is stopped.
    unreachable.extend(
        young_tuples
            .into_iter()
            .map(|t| unsafe { ObjRef::clone_from_ptr(py, t) }),
    );
    let oldest_size = if generation == 2 {
        heaps.iter().map(|heap| heap.len(world, 2)).sum()
    } else {
        0
    };
    Analysis {
        unreachable,
        examined,
        moved_to_oldest: if generation == 1 { survivors } else { 0 },
        oldest_size,
    }
}

/// The tuples made untracked since the last collection (see `gc::allocate`) that nothing but
/// the garbage references, directly or through other such tuples. CPython tracked them until
/// now, so it finds them unreachable with the rest: they are counted (and saved by
/// `gc.DEBUG_SAVEALL`) as there, after the tracked garbage, in the order they are found.
fn young_tuples_of_garbage(
    world: &StoppedWorld<'_>,
    objects: &[NonNull<PyObject>],
    fates: &[Fate],
    young_epoch: usize,
) -> Vec<NonNull<PyObject>> {
    let mut work: Vec<NonNull<PyObject>> = objects
        .iter()
        .zip(fates)
        .filter(|&(_, &fate)| fate != Fate::Reachable)
        .map(|(&object, _)| object)
        .rev()
        .collect();
    // A tuple's references not yet accounted for by garbage.
    let mut remaining: HashMap<usize, i64> = HashMap::new();
    let mut found = Vec::new();
    while let Some(object) = work.pop() {
        // SAFETY: garbage, and what it references, are alive while the world is stopped.
        traverse(unsafe { object.as_ref() }, world, &mut |referent| {
            let Some(tuple) = referent.object().filter(|o| is_young_tuple(o, young_epoch)) else {
                return;
            };
            let left = remaining
                .entry(tuple.addr())
                .or_insert_with(|| tuple.header.get() as i64);
            *left -= 1;
            if *left == 0 {
                found.push(tuple.as_non_null());
                work.push(tuple.as_non_null());
            }
        });
    }
    found
}

/// A tuple made untracked since the collection numbered `young_epoch` (see `gc::allocate`).
fn is_young_tuple(object: &ObjRef, young_epoch: usize) -> bool {
    if !matches!(object.payload, Payload::Tuple(_)) || object.is_immortal() {
        return false;
    }
    let header = header_of(object.as_non_null());
    !header.is_tracked() && header.index() == young_epoch
}

/// The unreachable objects after their finalizers ran, looked at again.
pub struct Recheck {
    /// Still garbage: to be cleared. What `gc.collect()` counts.
    pub garbage: Vec<ObjRef>,
    /// Unreachable but in no cycle any more (a finalizer broke it): reference counting frees
    /// them once the collector lets go, as it would have at once without the collector's hold,
    /// so they are not counted, as in CPython.
    pub released: Vec<ObjRef>,
    /// Referenced from outside again (a finalizer stored one somewhere), with what they reach.
    pub resurrected: Vec<ObjRef>,
}

/// Look again at objects found unreachable, each held once by the collector, after finalizers
/// ran (see [`Recheck`]).
pub fn reanalyse(world: &StoppedWorld<'_>, held: Vec<ObjRef>) -> Recheck {
    let candidates: Vec<NonNull<PyObject>> = held.iter().map(ObjRef::as_non_null).collect();
    // They stay in their generations: their places are put back afterwards.
    let places: Vec<usize> = candidates.iter().map(|&o| header_of(o).index()).collect();
    let mut refs = Vec::with_capacity(candidates.len());
    for (n, &object) in candidates.iter().enumerate() {
        header_of(object).enter_analysis(world, n);
        // Not counting the collector's own hold.
        // SAFETY: held, so alive.
        refs.push(unsafe { object.as_ref() }.header.get().saturating_sub(1) as i64);
    }
    let fates = analyse(world, &candidates, refs, true);
    for (&object, index) in candidates.iter().zip(places) {
        header_of(object).leave_analysis(world, index);
    }
    let mut recheck = Recheck {
        garbage: Vec::new(),
        released: Vec::new(),
        resurrected: Vec::new(),
    };
    for (object, fate) in held.into_iter().zip(fates) {
        match fate {
            Fate::Garbage => recheck.garbage.push(object),
            Fate::Released => recheck.released.push(object),
            Fate::Reachable => recheck.resurrected.push(object),
        }
    }
    recheck
}

/// What an analysis says of a candidate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Reachable,
    Garbage,
    /// Unreachable, and referenced by nothing but other released candidates.
    Released,
}

/// A count that marks an object of the analysed array that is not a candidate.
const NOT_CANDIDATE: i64 = i64::MIN;

/// Which candidates among `objects` are unreachable from outside the candidates; the others
/// are reachable. A candidate's header holds its place in `objects` (see
/// [`GcHeader::enter_analysis`]), and `refs` its count of references not held by the caller
/// ([`NOT_CANDIDATE`] for the objects that are not candidates). With `find_released`, the
/// unreachable ones referenced by nothing but other such ones are told apart.
fn analyse(
    world: &StoppedWorld<'_>,
    objects: &[NonNull<PyObject>],
    mut refs: Vec<i64>,
    find_released: bool,
) -> Vec<Fate> {
    let initial_refs = if find_released { refs.clone() } else { Vec::new() };
    // References between candidates are not outside references.
    for (n, &object) in objects.iter().enumerate() {
        if refs[n] == NOT_CANDIDATE {
            continue;
        }
        // SAFETY: the analysed objects are alive (see `header_of`).
        let readable = traverse(unsafe { object.as_ref() }, world, &mut |referent| {
            if let Some(m) = candidate_of(referent) {
                refs[m] -= 1;
            }
        });
        if !readable {
            // What it references cannot be known: keep it, and what it reaches, alive.
            refs[n] = i64::MAX / 2;
        }
    }
    // A count left over (or below zero, which only an over-reporting traversal could cause) is
    // an outside reference: reachable, with everything reachable from it.
    let mut fates: Vec<Fate> = refs
        .iter()
        .map(|&r| {
            if r == NOT_CANDIDATE {
                Fate::Reachable
            } else {
                Fate::Garbage
            }
        })
        .collect();
    let mut work = Vec::new();
    for n in 0..objects.len() {
        if refs[n] == 0 || fates[n] == Fate::Reachable {
            continue;
        }
        fates[n] = Fate::Reachable;
        work.push(n);
        while let Some(next) = work.pop() {
            // SAFETY: as above.
            traverse(unsafe { objects[next].as_ref() }, world, &mut |referent| {
                if let Some(m) = candidate_of(referent)
                    && fates[m] != Fate::Reachable
                {
                    fates[m] = Fate::Reachable;
                    work.push(m);
                }
            });
        }
    }
    if find_released {
        // Unreachable, so referenced only by other unreachable candidates: released when no
        // count is left once the released ones let go of theirs.
        let mut remaining = initial_refs;
        for n in 0..objects.len() {
            if fates[n] == Fate::Garbage && remaining[n] == 0 {
                fates[n] = Fate::Released;
                work.push(n);
            }
        }
        while let Some(next) = work.pop() {
            // SAFETY: as above.
            traverse(unsafe { objects[next].as_ref() }, world, &mut |referent| {
                if let Some(m) = candidate_of(referent)
                    && fates[m] == Fate::Garbage
                {
                    remaining[m] -= 1;
                    if remaining[m] == 0 {
                        fates[m] = Fate::Released;
                        work.push(m);
                    }
                }
            });
        }
    }
    fates
}

/// A `dict` that holds no container: CPython does not track it, and neither do we (a dict
/// locked right now counts as holding one).
fn ignored_dict(object: &PyObject, world: &StoppedWorld<'_>) -> bool {
    match &object.payload {
        Payload::Dict(dict) => dict.read_stopped(world).is_some_and(|t| !super::holds_containers(t)),
        _ => false,
    }
}

/// A tuple whose items cannot be part of a cycle: it never changes, so it never will be, and
/// the collector stops tracking it, as CPython does.
fn is_atomic_tuple(object: NonNull<PyObject>, world: &StoppedWorld<'_>) -> bool {
    // SAFETY: alive (see `header_of`).
    match &unsafe { object.as_ref() }.payload {
        Payload::Tuple(items) => items.iter().all(|v| !still_tracked(v, world)),
        _ => false,
    }
}

/// Whether `value` is a container the collector still tracks.
fn still_tracked(value: &Value, world: &StoppedWorld<'_>) -> bool {
    if !may_be_tracked(value) {
        return false;
    }
    let Some(object) = value.as_obj() else { return false };
    header_of(object.as_non_null()).is_tracked() && !ignored_dict(object, world)
}

/// Every tracked object of `generation` (of every generation but the permanent one for
/// `None`), for `gc.get_objects`.
pub fn tracked_objects(py: Gil<'_>, world: &StoppedWorld<'_>, generation: Option<usize>) -> Vec<Value> {
    let generations = match generation {
        Some(g) => g..g + 1,
        None => 0..PERMANENT,
    };
    let mut found = Vec::new();
    for heap in heap::all(world) {
        for g in generations.clone() {
            for object in heap.objects(world, g) {
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
    let mut found = tracked_objects(py, world, None);
    found.retain(|object| {
        let mut refers = false;
        if let Some(o) = object.as_obj() {
            traverse(o, world, &mut |referent| {
                refers |= referent.object().is_some_and(|r| wanted.contains(&r.addr()));
            });
        }
        refers
    });
    found
}

/// Sizes of the generations (the permanent one last), for `gc.DEBUG_STATS`.
pub fn generation_sizes(world: &StoppedWorld<'_>) -> [usize; 4] {
    let mut sizes = [0; 4];
    for heap in heap::all(world) {
        for (g, size) in sizes.iter_mut().enumerate() {
            *size += heap
                .objects(world, g)
                .into_iter()
                // SAFETY: alive (see `header_of`).
                .filter(|&o| !ignored_dict(unsafe { o.as_ref() }, world))
                .count();
        }
    }
    sizes
}

/// `gc.freeze()`: every tracked object moves to the permanent generation, ignored from now on;
/// `gc.unfreeze()` moves them back into the oldest one.
pub fn freeze(world: &StoppedWorld<'_>, frozen: bool) {
    heap::reclaim_shells(world);
    let (from, to) = if frozen {
        (0..PERMANENT, PERMANENT)
    } else {
        (PERMANENT..PERMANENT + 1, 2)
    };
    let mut objects = Vec::new();
    for heap in heap::all(world) {
        for g in from.clone() {
            heap.take_into(world, g, &mut objects);
        }
        for object in objects.drain(..) {
            heap.place(world, to, object);
        }
        heap.trim(world, PERMANENT);
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
            let ours = unreachable
                .iter()
                .find(|o| o.addr() == addr)
                .expect("the cycle was found");
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
            let (a, b, c) = (
                new_list(py, Vec::new()),
                new_list(py, Vec::new()),
                new_list(py, Vec::new()),
            );
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
            assert!(
                addrs.iter().all(|&addr| found(&unreachable, addr)),
                "unreachable once the root went"
            );
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
            let recheck = reanalyse(&world, ours);
            drop(world);
            assert!(recheck.garbage.is_empty() && recheck.released.is_empty());
            assert_eq!(recheck.resurrected.len(), 2);
            drop(recheck);
            // Dropped again, the pair is garbage once more.
            drop(saved);
            let unreachable = unreachable_now(py);
            assert!(addrs.iter().all(|&addr| found(&unreachable, addr)));
            dispose(py, unreachable);
        });
    }

    #[test]
    fn a_cycle_a_finalizer_broke_is_released_not_counted_as_garbage() {
        gil::attach(|py| {
            let (a, b, c) = (
                new_list(py, Vec::new()),
                new_list(py, Vec::new()),
                new_list(py, Vec::new()),
            );
            // a <-> b is a cycle; c only refers to itself.
            push(py, &a, Value::Obj(b.clone_ref(py)));
            push(py, &b, Value::Obj(a.clone_ref(py)));
            push(py, &c, Value::Obj(c.clone_ref(py)));
            let addrs = [a.addr(), b.addr(), c.addr()];
            drop((a, b, c));
            let (ours, others): (Vec<ObjRef>, Vec<ObjRef>) =
                unreachable_now(py).into_iter().partition(|o| addrs.contains(&o.addr()));
            dispose(py, others);
            assert_eq!(ours.len(), 3);
            // A "finalizer" empties `a`: nothing but the collector's hold keeps `b` now, and
            // then only `b` keeps `a`. `c` still refers to itself.
            let a = ours.iter().find(|o| o.addr() == addrs[0]).expect("a was found");
            clear(py, a);
            let world = stop_the_world(py).expect("with the GIL the world is ours");
            let recheck = reanalyse(&world, ours);
            drop(world);
            assert!(recheck.resurrected.is_empty());
            let mut released: Vec<usize> = recheck.released.iter().map(ObjRef::addr).collect();
            released.sort_unstable();
            let mut expected = vec![addrs[0], addrs[1]];
            expected.sort_unstable();
            assert_eq!(released, expected);
            assert_eq!(recheck.garbage.len(), 1);
            assert_eq!(recheck.garbage[0].addr(), addrs[2]);
            dispose(py, recheck.garbage);
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

    /// A young collection's work is its young objects: each pass of the analysis runs over the
    /// candidates, and an old object is only looked at where a young one references it. So its
    /// figures are the same whether the old structure the young objects hang from is a thousand
    /// or a hundred thousand lists deep.
    #[test]
    fn a_young_collection_examines_the_young_objects_however_deep_the_old_ones_go() {
        gil::attach(|py| {
            for depth in [1_000, 100_000] {
                let mut old = new_list(py, Vec::new());
                for _ in 0..depth {
                    old = new_list(py, vec![Value::Obj(old)]);
                }
                // A full collection moves every live object to the oldest generation.
                dispose(py, unreachable_now(py));
                let mut young = old;
                for _ in 0..700 {
                    young = new_list(py, vec![Value::Obj(young)]);
                }
                let world = stop_the_world(py).expect("with the GIL the world is ours");
                let analysis = analyse_generation(py, &world, 0);
                let sizes = generation_sizes(&world);
                drop(world);
                assert_eq!(analysis.examined, 700, "under {depth} old lists");
                assert!(analysis.unreachable.is_empty());
                assert_eq!(sizes[0], 0, "the survivors moved on");
                assert!(sizes[1] >= 700 && sizes[2] > depth);
                drop(young);
            }
        });
    }

    /// Growing a structure one young object at a time (`x = [x]` in a loop) costs the
    /// collections that run meanwhile work in proportion to its size: a young collection looks
    /// at the young objects, its survivors move on, and a full collection waits until a quarter
    /// of the old objects are new (CPython's rule). So the objects examined add up to a few
    /// times the structure's size; without promotion, or with a full collection every tenth
    /// young one, they would grow with its square.
    #[test]
    fn collections_while_a_deep_structure_grows_examine_a_few_times_its_size() {
        gil::attach(|py| {
            let depth = 200_000;
            let mut examined = 0;
            let mut full_collections = 0;
            let mut nested = new_list(py, Vec::new());
            for _ in 0..depth {
                nested = new_list(py, vec![Value::Obj(nested)]);
                // What the check point after each allocation does (no other test allocates
                // meanwhile: this one holds the GIL).
                if let Some(generation) = super::super::generation_due() {
                    let world = stop_the_world(py).expect("with the GIL the world is ours");
                    let analysis = analyse_generation(py, &world, generation);
                    drop(world);
                    examined += analysis.examined;
                    full_collections += usize::from(generation == 2);
                    let found = analysis.unreachable.len();
                    super::super::record(generation, found, analysis.moved_to_oldest, analysis.oldest_size);
                    dispose(py, analysis.unreachable);
                }
            }
            assert!(full_collections > 0, "the structure outgrew the oldest generation");
            assert!(examined < 6 * depth, "{examined} objects examined for {depth} lists");
            drop(nested);
        });
    }

    #[test]
    fn atomic_tuples_are_untracked_and_dicts_tracked_only_with_containers() {
        gil::attach(|py| {
            let tuple = ObjRef::new(py, PyObject::new(Payload::Tuple(vec![Value::Int(1)].into())));
            assert!(
                super::super::is_tracked(py, &Value::Obj(tuple.clone_ref(py))),
                "tracked when made"
            );
            let mut table = crate::objects::DictTable::new();
            table.insert(1, Value::Int(1), Value::Int(2), |_| false);
            let dict = ObjRef::new(
                py,
                PyObject::new(Payload::Dict(Box::new(crate::objects::DictObject::new(table)))),
            );
            assert!(!super::super::is_tracked(py, &Value::Obj(dict.clone_ref(py))));
            dispose(py, unreachable_now(py));
            assert!(
                !super::super::is_tracked(py, &Value::Obj(tuple.clone_ref(py))),
                "nothing in it to track"
            );
            if let Payload::Dict(d) = &dict.payload {
                let list = new_list(py, Vec::new());
                d.lock(py).insert(2, Value::Int(2), Value::Obj(list), |_| false);
            }
            assert!(super::super::is_tracked(py, &Value::Obj(dict)));
        });
    }
}
