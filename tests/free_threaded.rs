//! Free-threaded mode's reference counts and object locks, exercised through the public API.
//!
//! The threading mode is per process, so these checks live in their own test binary. The
//! refcount checks are one test, the only one that allocates objects: `live_objects()` is then
//! exact, and shows an object freed exactly once (a second free would count it twice) or not at
//! all.

use toy::gil::{attach, set_free_threaded};
use toy::objects::refcount::{live_objects, retire_thread};
use toy::objects::{ObjLock, ObjRef, Payload, PyObject, PyStr};

fn string(py: toy::gil::Gil<'_>, text: &str) -> ObjRef {
    ObjRef::new(py, PyObject::new(Payload::Str(PyStr::new(text))))
}

/// Run `f` on a new attached thread and return its result.
fn on_other_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::spawn(move || attach(|_| f()))
        .join()
        .expect("helper thread")
}

#[test]
fn biased_reference_counting() {
    set_free_threaded(true);
    attach(|py| {
        let base = live_objects();

        // The owner counts its own references; another thread's go to the shared count.
        let a = string(py, "a");
        let b = a.clone_ref(py);
        assert_eq!(a.refcount(), 2);
        let c = a.clone_ref(py);
        let seen_there = on_other_thread(move || {
            attach(|py| {
                let d = c.clone_ref(py);
                let n = d.refcount();
                drop(d);
                // `c` was counted by the owner: dropping it here queues `a` for its owner.
                drop(c);
                n
            })
        });
        assert_eq!(seen_there, 4);
        assert_eq!(a.refcount(), 2, "the queued reference was merged");
        drop((a, b));
        assert_eq!(live_objects(), base, "freed once, by its owner");

        // The last reference dropped by another thread: queued, then freed by the owner.
        let e = string(py, "e");
        let f = e.clone_ref(py);
        drop(e);
        on_other_thread(move || drop(f));
        assert_eq!(live_objects(), base, "merged and freed when the owner looked");

        // An object whose owner has retired is merged by whoever drops it last.
        let g = on_other_thread(|| {
            attach(|py| {
                let g = string(py, "g");
                drop(g.clone_ref(py));
                retire_thread();
                g
            })
        });
        assert_eq!((g.refcount(), live_objects()), (1, base + 1));
        drop(g);
        assert_eq!(live_objects(), base, "freed here for the retired owner");

        // Past what the owner's count holds, references spill into the shared count.
        let h = string(py, "h");
        let many: Vec<ObjRef> = (0..40_000).map(|_| h.clone_ref(py)).collect();
        assert_eq!(h.refcount(), 40_001);
        drop(many);
        assert_eq!(h.refcount(), 1);
        drop(h);
        assert_eq!(live_objects(), base);

        // Many threads taking and dropping references at once leave the count exact.
        let shared = string(py, "shared");
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let mine = shared.clone_ref(py);
                std::thread::spawn(move || {
                    attach(|py| {
                        for _ in 0..20_000 {
                            drop(mine.clone_ref(py));
                        }
                        drop(mine);
                    })
                })
            })
            .collect();
        for _ in 0..20_000 {
            drop(shared.clone_ref(py));
        }
        for worker in workers {
            worker.join().expect("worker");
        }
        assert_eq!(shared.refcount(), 1);
        drop(shared);
        assert_eq!(live_objects(), base);

        // Exclusive access only while the reference is the only one, wherever the others were.
        let mut list = ObjRef::new(py, PyObject::new(Payload::List(Default::default())));
        assert!(list.get_mut().is_some());
        let other = list.clone_ref(py);
        assert!(list.get_mut().is_none());
        on_other_thread(move || drop(other));
        toy::objects::refcount::merge_pending();
        assert!(list.get_mut().is_some(), "the other thread's reference is gone");
        drop(list);

        // An immortalised object is no longer counted nor freed.
        let forever = string(py, "forever");
        assert!(forever.immortalize(py));
        assert_eq!(live_objects(), base);
        let copy = forever.clone_ref(py);
        on_other_thread(move || drop(copy));
        assert_eq!(forever.refcount(), u32::MAX as usize);
    });
}

#[test]
fn object_lock_excludes_under_contention() {
    set_free_threaded(true);
    // Short critical sections from four threads on two cores: most unlocks find nobody
    // waiting, some find a parked waiter, and some race one that is just parking.
    const THREADS: u64 = 4;
    const ROUNDS: u64 = 50_000;
    let counter = std::sync::Arc::new(ObjLock::new((0u64, 0u64)));
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let counter = counter.clone();
            std::thread::spawn(move || {
                attach(|py| {
                    for _ in 0..ROUNDS {
                        let mut pair = counter.lock(py);
                        // Two separate writes: a second thread inside would see them differ.
                        pair.0 += 1;
                        assert_eq!(pair.0, pair.1 + 1, "two threads inside the lock");
                        pair.1 += 1;
                    }
                })
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker");
    }
    attach(|py| assert_eq!(*counter.lock(py), (THREADS * ROUNDS, THREADS * ROUNDS)));
}

#[test]
fn value_cache_reads_are_never_torn() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use toy::objects::Value;
    use toy::objects::refcount::ValueCache;
    // Writers store keys [k, k + 1] with the value 3k until the reader has looked a million
    // times (each stores at least once); a read that mixed words from different stores would
    // find them disagree.
    let cache = std::sync::Arc::new(ValueCache::<2>::new());
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2u64)
        .map(|w| {
            let (cache, stop) = (cache.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut k = w;
                loop {
                    cache.set([k, k + 1], &Value::Int(3 * k as i64));
                    k += 2;
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                }
            })
        })
        .collect();
    for _ in 0..1_000_000 {
        if let Some(([k, k1], value)) = cache.get() {
            assert_eq!(k1, k + 1, "key words from two stores");
            assert!(
                matches!(value, Value::Int(v) if v == 3 * k as i64),
                "value from another store"
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().expect("writer");
    }
    assert!(cache.get().is_some());
}
