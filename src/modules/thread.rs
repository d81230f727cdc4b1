//! `_thread`: OS threads running Python callables, and the basic lock. `threading` is built on
//! it in Python (`threading.py`, embedded in the binary), as in CPython.
//!
//! Every wait here releases the GIL first: a thread blocked on a lock while holding the GIL
//! would stop the thread that could release it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use std::sync::Mutex;

use crate::gil::fork::locked;

use crate::gil::{BlockKind, current_ident};
use crate::objects::types::types;
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::new_module;
use crate::vm::args::{check_arity, kwarg, only_kwargs};

/// Native stack of each interpreter thread (virtual memory; only touched pages are used).
const THREAD_STACK: usize = 64 * 1024 * 1024;

/// A plain, non-reentrant lock that any thread may release (Python's semantics). The state is
/// shared (`Arc`) so the deadlock detector can look at a lock someone is waiting for.
pub struct ThreadLock {
    state: Arc<LockState>,
    /// What a wait for this lock means, for the GIL event log: `threading` allocates the lock
    /// `join()` waits on and the ones `Condition.wait()` parks on with their own kind.
    kind: BlockKind,
}

impl Default for ThreadLock {
    fn default() -> Self {
        ThreadLock {
            state: Arc::default(),
            kind: BlockKind::LockWait,
        }
    }
}

/// A `_thread` lock: one word, waited on with futex(2), so a thread acquiring or releasing it
/// at the moment of a `fork()` leaves nothing stuck behind in the child (CPython's locks are
/// semaphores, with the same property).
#[derive(Default)]
struct LockState {
    /// `FREE`, `HELD`, or `CONTENDED` (held, and a thread may be waiting).
    word: AtomicU32,
    /// The ident of the thread that acquired it (0 when free): who "holds" it in reports.
    holder: AtomicU64,
}

const FREE: u32 = 0;
const HELD: u32 = 1;
const CONTENDED: u32 = 2;

impl LockState {
    fn is_locked(&self) -> bool {
        self.word.load(Ordering::SeqCst) != FREE
    }

    fn holder(&self) -> u64 {
        self.holder.load(Ordering::SeqCst)
    }

    fn try_acquire(&self, me: u64) -> bool {
        let acquired = self
            .word
            .compare_exchange(FREE, HELD, Ordering::Acquire, Ordering::Relaxed)
            .is_ok();
        if acquired {
            self.holder.store(me, Ordering::SeqCst);
        }
        acquired
    }

    /// Acquire, waiting until `until` at the latest: whether it was acquired.
    fn acquire_until(&self, me: u64, until: Instant) -> bool {
        if self.try_acquire(me) {
            return true;
        }
        // From now on the word says CONTENDED, so the releaser wakes somebody.
        while self.word.swap(CONTENDED, Ordering::Acquire) != FREE {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            crate::gil::futex::wait(&self.word, CONTENDED, Some(left));
        }
        self.holder.store(me, Ordering::SeqCst);
        true
    }

    fn release(&self) -> bool {
        let holder = self.holder.swap(0, Ordering::SeqCst);
        match self.word.swap(FREE, Ordering::Release) {
            FREE => {
                self.holder.store(holder, Ordering::SeqCst);
                false
            }
            CONTENDED => {
                crate::gil::futex::wake_one(&self.word);
                true
            }
            _ => true,
        }
    }
}

impl ThreadLock {
    pub fn is_locked(&self) -> bool {
        self.state.is_locked()
    }

    fn try_acquire(&self) -> bool {
        self.state.try_acquire(current_ident())
    }

    /// Block until acquired (`Some(true)`), until `deadline` (`Some(false)`), or until a Ctrl-C
    /// reaches the main thread (`None`). An untimed wait is registered with the deadlock
    /// detector for its duration.
    fn acquire_blocking(&self, deadline: Option<Instant>) -> Option<bool> {
        let me = current_ident();
        let registration = deadline.is_none().then(|| WaitRegistration::enter(me, &self.state));
        crate::gil::signals::interruptible_wait(deadline, |until| {
            let acquired = self.state.acquire_until(me, until);
            if acquired && let Some(registration) = &registration {
                registration.acquired.store(true, Ordering::SeqCst);
            }
            acquired
        })
    }

    /// `acquire_blocking` under a deterministic schedule: try on each turn, passing it on in
    /// between (virtual time for the timeout). Not interruptible by Ctrl-C.
    fn acquire_in_turns(&self, py: crate::gil::Gil<'_>, timeout: Option<Duration>) -> bool {
        let registration = timeout
            .is_none()
            .then(|| WaitRegistration::enter(current_ident(), &self.state));
        let acquired = py
            .wait_in_turns(self.kind, timeout, || self.try_acquire())
            .unwrap_or(false);
        if acquired && let Some(registration) = &registration {
            registration.acquired.store(true, Ordering::SeqCst);
        }
        acquired
    }

    fn release(&self) -> bool {
        self.state.release()
    }

    /// Record the calling thread as the holder (a lock acquired on another thread's behalf).
    fn claim(&self) {
        if self.state.is_locked() {
            self.state.holder.store(current_ident(), Ordering::SeqCst);
        }
    }
}

// ----- deadlock detection -------------------------------------------------------------------
//
// CPython hangs forever when every thread waits for a lock only another waiting thread could
// release. toy notices: each untimed lock wait (which is also how join(), Condition, Event and
// queue waits block) is registered here, and the thread that registers checks whether every
// live thread is now waiting for a lock that is held. Nobody is running, sleeping or in I/O,
// so nobody can ever release one: the program cannot make progress. Timed waits never count.

/// Threads in an untimed lock wait: who, the lock, and whether the wait has just succeeded
/// (the thread is on its way out of the registry).
static WAITS: Mutex<Vec<Waiter>> = Mutex::new(Vec::new());

struct Waiter {
    ident: u64,
    lock: Arc<LockState>,
    acquired: Arc<AtomicBool>,
}
/// Thread names for reports (`threading` registers them).
static NAMES: Mutex<Vec<(u64, String)>> = Mutex::new(Vec::new());

struct WaitRegistration {
    ident: u64,
    acquired: Arc<AtomicBool>,
}

impl WaitRegistration {
    fn enter(ident: u64, lock: &Arc<LockState>) -> WaitRegistration {
        let acquired = Arc::new(AtomicBool::new(false));
        locked(&WAITS).push(Waiter {
            ident,
            lock: Arc::clone(lock),
            acquired: Arc::clone(&acquired),
        });
        detect_deadlock();
        WaitRegistration { ident, acquired }
    }
}

impl Drop for WaitRegistration {
    fn drop(&mut self) {
        locked(&WAITS).retain(|waiter| waiter.ident != self.ident);
    }
}

fn thread_name(ident: u64) -> String {
    registered_name(ident).map_or_else(|| format!("thread {ident}"), |name| format!("'{name}'"))
}

/// The name `threading` gave the thread with this ident, if any.
pub fn registered_name(ident: u64) -> Option<String> {
    locked(&NAMES)
        .iter()
        .find(|(i, _)| *i == ident)
        .map(|(_, name)| name.clone())
}

fn detect_deadlock() {
    // A Python signal handler (an alarm's, say) may still end any wait by raising.
    if crate::gil::signals::python_handlers_installed() {
        return;
    }
    let Some(first) = stuck_waiters() else {
        return;
    };
    // A waiter whose acquire has just succeeded sets its `acquired` flag a moment later, so a
    // lock it now holds can look like one it is stuck on. A real deadlock lasts: look again
    // after a pause, and report only if the very same waits are still stuck.
    std::thread::sleep(Duration::from_millis(50));
    match stuck_waiters() {
        Some(second) if second == first => {}
        _ => return,
    }
    let waits = locked(&WAITS);
    let live = RUNNING.load(Ordering::SeqCst) + 1;
    let mut report = format!(
        "DeadlockError: all {live} threads are blocked, each waiting for a lock that only a blocked thread could release\n"
    );
    for waiter in waits.iter() {
        report.push_str(&format!(
            "  {} waits for lock {:#x} held by {}\n",
            thread_name(waiter.ident),
            Arc::as_ptr(&waiter.lock) as usize,
            thread_name(waiter.lock.holder())
        ));
    }
    drop(waits);
    exit_deadlocked(report);
}

/// If every live thread is in an untimed wait for a held lock: those waits (each named by its
/// registration), else `None`.
fn stuck_waiters() -> Option<Vec<usize>> {
    let waits = locked(&WAITS);
    let live = RUNNING.load(Ordering::SeqCst) + 1;
    // A waiter whose lock is free is about to get it; one whose wait succeeded is on its way
    // out of the registry. Either way somebody can still move. (A waiter may hold the very lock
    // it waits for: that is how Condition.wait parks until another thread notifies it.)
    let stuck = |waiter: &Waiter| waiter.lock.is_locked() && !waiter.acquired.load(Ordering::SeqCst);
    if (waits.len() as u64) < live || !waits.iter().all(stuck) {
        return None;
    }
    Some(waits.iter().map(|w| Arc::as_ptr(&w.acquired) as usize).collect())
}

/// Print a deadlock `report` and end the process with status 1.
pub fn exit_deadlocked(report: String) -> ! {
    super::io::flush_stdout();
    eprint!("{report}");
    // The stats, trace and timeline of a deadlock are worth having too.
    // A forked child's would overwrite its parent's files.
    if !crate::gil::fork::is_child()
        && let Err(message) = crate::observe::finish()
    {
        eprintln!("toy: {message}");
    }
    std::process::exit(1);
}

/// `os.fork`: the deadlock detector's registries, held across `fork()`.
pub struct ForkHold {
    waits: std::sync::MutexGuard<'static, Vec<Waiter>>,
    names: std::sync::MutexGuard<'static, Vec<(u64, String)>>,
}

pub fn hold_for_fork() -> ForkHold {
    ForkHold {
        waits: locked(&WAITS),
        names: locked(&NAMES),
    }
}

impl ForkHold {
    pub fn release_in_parent(self) {}

    /// In a forked child: the calling thread is the only one running, and nobody waits.
    pub fn release_in_child(mut self) {
        let me = current_ident();
        self.waits.clear();
        self.names.retain(|(ident, _)| *ident == me);
        RUNNING.store(0, Ordering::SeqCst);
    }
}

thread_local! {
    /// Locks to release when this thread has finished (`_thread._release_on_exit`).
    static RELEASE_ON_EXIT: std::cell::RefCell<Vec<Arc<LockState>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Threads started and not finished (`_thread._count()`).
static RUNNING: AtomicU64 = AtomicU64::new(0);

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let lock_type = Value::Obj(crate::objects::types::clone_immortal(&types().lock));
    let error = Value::Obj(crate::objects::types::clone_immortal(&types().runtime_error));
    new_module(
        vm,
        "_thread",
        &[
            ("start_new_thread", start_new_thread),
            ("allocate_lock", allocate_lock),
            ("_allocate_lock_for", allocate_lock_for),
            ("get_ident", get_ident),
            ("get_native_id", get_ident),
            ("_count", count),
            ("exit", exit),
            ("stack_size", stack_size),
            ("_excepthook", excepthook),
            ("_set_name", set_name),
            ("_claim", claim),
            ("_release_on_exit", release_on_exit),
        ],
        vec![
            ("LockType", lock_type),
            ("error", error),
            ("TIMEOUT_MAX", Value::Float(4294967.0)),
        ],
    )
}

/// Turn transparent huge pages off for the process when its first thread starts. mimalloc
/// gives every thread pages of its own inside arenas it advises as huge-page memory, so each
/// thread's first allocations commit a 2 MiB huge page where a few 4 KiB pages would do: 100
/// sleeping threads peaked at 110 MB instead of 18 (CPython: 15). Single-threaded programs keep
/// the huge pages, which spare the TLB on large heaps; pages already in use stay huge.
fn no_huge_pages_from_now_on() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // Failing only costs memory (old kernels lack the call), so the error is ignored.
    ONCE.call_once(|| {
        let _ = nix::sys::prctl::set_thp_disable(true);
    });
}

fn start_new_thread(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "start_new_thread", args, 2, 3)?;
    if !kwargs.is_empty() {
        return Err(vm.type_error("start_new_thread() takes no keyword arguments"));
    }
    let function = args[0].clone_ref(vm.py);
    let call_args = match args[1].payload() {
        Some(Payload::Tuple(items)) => items.iter().map(|v| v.clone_ref(vm.py)).collect::<Vec<_>>(),
        _ => return Err(vm.type_error("2nd arg must be a tuple")),
    };
    let call_kwargs = match args.get(2) {
        Some(d) if matches!(d.payload(), Some(Payload::Dict(_))) => vm.kwargs_from_mapping(d)?,
        Some(_) => return Err(vm.type_error("optional 3rd arg must be a dictionary")),
        None => Vec::new(),
    };
    let seed = vm.thread_seed();
    // Counted before the thread exists, so a join racing its start still sees it.
    RUNNING.fetch_add(1, Ordering::SeqCst);
    let place = crate::gil::schedule_new_thread();
    no_huge_pages_from_now_on();
    let (ident_tx, ident_rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().stack_size(THREAD_STACK).spawn(move || {
        if let Some(place) = &place {
            place.enter();
        }
        let _ = ident_tx.send(current_ident());
        crate::gil::attach(|py| {
            let mut vm = Vm::for_thread(py, seed, THREAD_STACK);
            if let Err(err) = vm.call(&function, &call_args, &call_kwargs)
                && !vm.err_matches(&err, &types().system_exit)
            {
                let function_repr = vm.repr(&function).unwrap_or_default();
                let report = vm.format_exception(&err.exc);
                crate::modules::io::flush_stdout();
                eprint!("Exception ignored in thread started by: {function_repr}\n{report}");
            }
            // Everything the thread owns is released while it still holds the GIL, and the
            // finalizers that queues run here.
            drop((function, call_args, call_kwargs));
            vm.finish_thread();
            drop(vm);
        });
        // Only now may join() return: the thread holds no reference any more. Released before
        // the thread stops counting as running, so the deadlock detector never sees a joiner
        // stuck on a lock nobody is left to release.
        for lock in RELEASE_ON_EXIT.with(|locks| std::mem::take(&mut *locks.borrow_mut())) {
            lock.release();
        }
        if crate::gil::fork::is_child_main_thread() {
            // Forked from this thread, the child has no other: as in CPython, the process
            // ends with it (buffered output not flushed, as a C thread's exit leaves it).
            std::process::exit(0);
        }
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        // The threads still waiting may now be all there is.
        detect_deadlock();
        // Under a deterministic schedule the thread has kept its turn until now.
        drop(place);
    });
    match spawned {
        Ok(_) => {
            let ident = vm
                .py
                .allow_threads(BlockKind::ThreadStart, move || ident_rx.recv().unwrap_or(0));
            Ok(Value::Int(ident as i64))
        }
        Err(e) => {
            RUNNING.fetch_sub(1, Ordering::SeqCst);
            Err(vm.runtime_error(format!("can't start new thread: {e}")))
        }
    }
}

fn allocate_lock(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "allocate_lock", args, 0, 0)?;
    Ok(vm.alloc(Payload::Lock(Box::default())))
}

/// `_thread._allocate_lock_for(purpose)`: a lock whose waits the event log files under
/// `"join"` or `"condition"` instead of plain lock waits.
fn allocate_lock_for(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "_allocate_lock_for", args, 1, 1)?;
    let kind = match args[0].as_str() {
        Some("join") => BlockKind::Join,
        Some("condition") => BlockKind::ConditionWait,
        _ => return Err(vm.value_error("purpose must be 'join' or 'condition'")),
    };
    Ok(vm.alloc(Payload::Lock(Box::new(ThreadLock {
        state: Arc::default(),
        kind,
    }))))
}

fn get_ident(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "get_ident", args, 0, 0)?;
    Ok(Value::Int(current_ident() as i64))
}

fn count(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "_count", args, 0, 0)?;
    Ok(Value::Int(RUNNING.load(Ordering::SeqCst) as i64))
}

fn exit(vm: &mut Vm, _args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Err(vm.new_error_with_args(&types().system_exit, Vec::new()))
}

fn stack_size(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "stack_size", args, 0, 1)?;
    match args.first().and_then(as_small_int) {
        None | Some(0) => Ok(Value::Int(0)),
        Some(n) if n < 32768 => Err(vm.value_error("size not valid: 32768 bytes minimum")),
        // Threads get a fixed, large stack; smaller requests are accepted and not needed.
        Some(_) => Ok(Value::Int(0)),
    }
}

/// `threading`'s default excepthook: `Exception in thread NAME:` and the traceback, on stderr.
fn excepthook(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "_excepthook", args, 2, 2)?;
    let name = vm.str(&args[0])?;
    let Value::Obj(exc) = &args[1] else {
        return Ok(Value::None);
    };
    let report = vm.format_exception(exc);
    let text = format!("Exception in thread {name}:\n{report}");
    super::io::write_stream(vm, crate::objects::Stream::Stderr, &text, true)?;
    Ok(Value::None)
}

/// `_thread._set_name(name)`: how deadlock reports call the calling thread.
fn set_name(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "_set_name", args, 1, 1)?;
    let name = vm.str(&args[0])?;
    let me = current_ident();
    let mut names = locked(&NAMES);
    names.retain(|(ident, _)| *ident != me);
    names.push((me, name));
    Ok(Value::None)
}

/// `_thread._claim(lock)`: the calling thread becomes the recorded holder of a held lock.
fn claim(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "_claim", args, 1, 1)?;
    lock_of(vm, &args[0])?.claim();
    Ok(Value::None)
}

/// `_thread._release_on_exit(lock)`: release `lock` once the calling thread has finished and
/// dropped every object it held, as CPython releases a thread-state lock; `Thread.join()` waits
/// for it, so a joined thread no longer holds references (exact `sys.getrefcount` after join).
fn release_on_exit(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "_release_on_exit", args, 1, 1)?;
    let state = Arc::clone(&lock_of(vm, &args[0])?.state);
    RELEASE_ON_EXIT.with(|locks| locks.borrow_mut().push(state));
    Ok(Value::None)
}

fn lock_of<'a>(vm: &Vm, v: &'a Value) -> PyResult<&'a ThreadLock> {
    match v.payload() {
        Some(Payload::Lock(lock)) => Ok(lock),
        _ => Err(vm.type_error("expected a lock")),
    }
}

/// `lock.acquire(blocking=True, timeout=-1)`: the uncontended case takes no detour; a real wait
/// happens with the GIL released.
pub fn lock_acquire(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "acquire", kwargs, &["blocking", "timeout"])?;
    check_arity(vm, "acquire", args, 1, 3)?;
    let lock = lock_of(vm, &args[0])?;
    let blocking = match args.get(1).or_else(|| kwarg(kwargs, "blocking")) {
        Some(b) => vm.is_true(b)?,
        None => true,
    };
    let timeout = match args.get(2).or_else(|| kwarg(kwargs, "timeout")) {
        Some(t) => crate::objects::methods::constructors::to_float(vm, t)?,
        None => -1.0,
    };
    if !blocking && timeout != -1.0 {
        return Err(vm.value_error("can't specify a timeout for a non-blocking call"));
    }
    if timeout < 0.0 && timeout != -1.0 {
        return Err(vm.value_error("timeout value must be a non-negative number"));
    }
    if lock.try_acquire() {
        return Ok(Value::Bool(true));
    }
    if !blocking {
        return Ok(Value::Bool(false));
    }
    let timeout = (timeout >= 0.0).then(|| Duration::from_secs_f64(timeout.min(4294967.0)));
    if crate::gil::is_deterministic() {
        return Ok(Value::Bool(lock.acquire_in_turns(vm.py, timeout)));
    }
    let deadline = timeout.map(|t| Instant::now() + t);
    // A signal for the main thread interrupts the wait: its handler runs, and the wait goes on
    // unless it raised (PEP 475).
    loop {
        match vm.py.allow_threads(lock.kind, || lock.acquire_blocking(deadline)) {
            Some(acquired) => return Ok(Value::Bool(acquired)),
            None => vm.check_point()?,
        }
    }
}

pub fn lock_release(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "release", args, 1, 1)?;
    if lock_of(vm, &args[0])?.release() {
        Ok(Value::None)
    } else {
        Err(vm.runtime_error("release unlocked lock"))
    }
}

pub fn lock_locked(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "locked", args, 1, 1)?;
    Ok(Value::Bool(lock_of(vm, &args[0])?.is_locked()))
}

pub fn lock_exit(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    lock_release(vm, &args[..1.min(args.len())], &[])
}
