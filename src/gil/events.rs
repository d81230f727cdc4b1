//! The GIL event log: what each thread did with the lock, and when.
//!
//! Design, chosen so that the log costs nothing when off and little when on:
//! - **One relaxed flag.** [`enabled`] is a single relaxed load, tested only where a thread
//!   takes or drops the GIL, enters or leaves a blocking call, (free-threaded) finds an object
//!   lock contended, stops the world, or runs the cycle collector — never in the eval loop,
//!   which does not know the log exists. The collector reports plain numbers (a generation,
//!   counts of objects): this floor knows nothing of objects.
//! - **Per-thread buffers.** Each thread appends to its own `Vec`. The buffer sits behind a
//!   mutex only so that a reader (the report at exit, `_toy.gil_stats()`) can copy it while the
//!   thread still runs — a daemon thread never "exits" before the process does — so the lock
//!   is uncontended except during such a copy. No lock is shared between writers.
//! - **Ordered where it matters.** The lock hooks run inside the GIL's own critical section,
//!   so one thread's "dropped" is always stamped before the next holder's "acquired": the
//!   holding spans rebuilt from the log never overlap.
//! - **Raw facts only.** Events are 16-byte records (time since the log started, what
//!   happened); turning them into spans and figures is [`super::spans`]' and
//!   [`super::stats`]' job, done once when someone asks.

use std::cell::OnceCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use parking_lot::Mutex;

use super::lock::DropReason;

/// What a thread was doing while detached: the call that blocked it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    Sleep,
    /// Reading a file.
    Read,
    /// Writing a file.
    Write,
    /// Opening, closing or seeking a file.
    FileOther,
    /// Reading standard input (`input()`, `sys.stdin`).
    Input,
    /// Waiting for a plain `_thread` / `threading.Lock`.
    LockWait,
    /// `Thread.join()`.
    Join,
    /// `Condition.wait()`, and so `Event`, `Semaphore`, `Barrier` and `queue` waits.
    ConditionWait,
    /// Waiting for a new thread to report it has started.
    ThreadStart,
    /// Free-threaded only: another thread held an object's lock (a list, dict, …).
    ObjectLock,
    /// Native work done without the GIL: hashing a large buffer (`hashlib`).
    Hashing,
    /// Native work done without the GIL: compressing or decompressing a large buffer (`zlib`).
    Compression,
    /// Free-threaded only: parked while another thread stopped the world (the cycle collector).
    StopTheWorld,
    /// Waiting for a child process to change state (`os.wait`, `os.waitpid`, `Popen.wait`).
    ChildWait,
    /// Reading a pipe or another file descriptor (`os.read`, `Popen.communicate`).
    PipeRead,
    /// Writing a pipe or another file descriptor (`os.write`).
    PipeWrite,
    /// Waiting for a signal (`signal.pause`).
    SignalWait,
    /// Waiting for a `multiprocessing` lock, semaphore or condition: a word in memory shared
    /// with other processes.
    ProcessLock,
    /// A file-system call other than reading or writing a file (`os.stat`, `os.scandir`…).
    FileSystem,
    /// Waiting on a socket: connecting, accepting, sending, receiving, or `select`/`poll`
    /// waiting for descriptors to become ready.
    Network,
    /// An asyncio event loop with nothing ready, waiting for its next timer or a callback
    /// another thread schedules.
    EventLoop,
}

/// A count a collection reports at its end (see [`collection_ends`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectCount {
    /// Objects the analysis looked at.
    Examined,
    /// Unreachable objects freed.
    Collected,
    /// Unreachable objects that could not be freed (left in `gc.garbage`).
    Uncollectable,
}

/// How a blocking call is drawn and summed: I/O, waiting on another thread, contention, or
/// held up by the cycle collector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockClass {
    Io,
    Sync,
    Contention,
    Collector,
}

impl BlockKind {
    /// Every kind, for reading one back by its label (a child process's spans, see
    /// `observe::finish_child`). A kind added to the enum belongs here too: a child's span
    /// of a kind missing here is left out of the parent's timeline.
    pub const ALL: [BlockKind; 21] = [
        BlockKind::Sleep,
        BlockKind::Read,
        BlockKind::Write,
        BlockKind::FileOther,
        BlockKind::Input,
        BlockKind::LockWait,
        BlockKind::Join,
        BlockKind::ConditionWait,
        BlockKind::ThreadStart,
        BlockKind::ObjectLock,
        BlockKind::Hashing,
        BlockKind::StopTheWorld,
        BlockKind::ChildWait,
        BlockKind::PipeRead,
        BlockKind::PipeWrite,
        BlockKind::SignalWait,
        BlockKind::ProcessLock,
        BlockKind::Compression,
        BlockKind::FileSystem,
        BlockKind::Network,
        BlockKind::EventLoop,
    ];

    /// The kind whose [`label`](Self::label) this is.
    pub fn from_label(label: &str) -> Option<BlockKind> {
        Self::ALL.into_iter().find(|kind| kind.label() == label)
    }

    /// Short name, used in the stats table, the trace and `_toy.gil_stats()`.
    pub fn label(self) -> &'static str {
        match self {
            BlockKind::Sleep => "sleep",
            BlockKind::Read => "read",
            BlockKind::Write => "write",
            BlockKind::FileOther => "open/close/seek",
            BlockKind::Input => "input",
            BlockKind::LockWait => "lock wait",
            BlockKind::Join => "join",
            BlockKind::ConditionWait => "condition wait",
            BlockKind::ThreadStart => "thread start",
            BlockKind::ObjectLock => "object lock",
            BlockKind::Hashing => "hashing",
            BlockKind::Compression => "compression",
            BlockKind::StopTheWorld => "stop-the-world",
            BlockKind::ChildWait => "child wait",
            BlockKind::PipeRead => "pipe read",
            BlockKind::PipeWrite => "pipe write",
            BlockKind::SignalWait => "signal wait",
            BlockKind::ProcessLock => "process lock wait",
            BlockKind::FileSystem => "file system",
            BlockKind::Network => "network",
            BlockKind::EventLoop => "event loop wait",
        }
    }

    pub fn class(self) -> BlockClass {
        match self {
            // Native work is drawn with I/O: off the GIL, and not waiting for another thread.
            BlockKind::Sleep
            | BlockKind::Read
            | BlockKind::Write
            | BlockKind::FileOther
            | BlockKind::FileSystem
            | BlockKind::Network
            | BlockKind::Input
            | BlockKind::Hashing
            | BlockKind::Compression
            | BlockKind::PipeRead
            | BlockKind::PipeWrite
            | BlockKind::EventLoop => BlockClass::Io,
            // Waiting for another process (or a signal) is drawn like waiting for another thread.
            BlockKind::LockWait
            | BlockKind::Join
            | BlockKind::ConditionWait
            | BlockKind::ThreadStart
            | BlockKind::ChildWait
            | BlockKind::SignalWait
            | BlockKind::ProcessLock => BlockClass::Sync,
            BlockKind::ObjectLock => BlockClass::Contention,
            BlockKind::StopTheWorld => BlockClass::Collector,
        }
    }
}

/// One thing that happened to one thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// GIL: the thread asks for the lock (it may get it at once).
    TakeRequested,
    /// GIL: the thread holds the lock.
    Acquired,
    /// GIL: after waiting a whole interval, this thread asked the holder to drop the lock.
    DropRequested,
    /// GIL: the thread let go — asked to (forced), for a blocking call, or at exit.
    Dropped(DropReason),
    /// A blocking call begins (after the GIL was released) …
    BlockBegin(BlockKind),
    /// … and ends (before the GIL is taken back).
    BlockEnd,
    /// Free-threaded: the thread starts running interpreter code …
    Attached,
    /// … and finishes.
    Detached,
    /// Free-threaded: the thread stops the world, asking every other thread to park …
    StopWorldRequested,
    /// … every other thread is parked (with the GIL, holding it is enough: the world stops as
    /// soon as asked, and this event comes alone) …
    WorldStopped,
    /// … and it lets them go again.
    WorldRestarted,
    /// The cycle collector, on the thread that runs it: a collection of `generation` begins …
    CollectBegin {
        generation: u8,
    },
    /// … the finalizers of what it found unreachable run (with the world running) …
    FinalizersBegin,
    FinalizersEnd,
    /// … it reports a count (one record per count keeps records at 16 bytes) …
    CollectCounted(CollectCount, u32),
    /// … and it ends.
    CollectEnd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// Nanoseconds since the log started.
    pub ts: u64,
    pub kind: EventKind,
}

/// One thread's events, in the order they happened.
pub struct ThreadLog {
    /// `_thread.get_ident()` of the thread.
    pub ident: u64,
    /// The OS thread's name (`MainThread` for the interpreter's first thread), a fallback for
    /// threads `threading` did not name.
    pub os_name: Option<String>,
    /// Fixed-size chunks: a long run never reallocates (and copies) a huge buffer while the
    /// thread is inside the GIL's critical section.
    events: Mutex<Vec<Vec<Event>>>,
}

/// Events per chunk of a thread's buffer (64 KiB).
const CHUNK: usize = 4096;

/// A copy of one thread's log, taken by a reader.
#[derive(Clone, Debug)]
pub struct ThreadEvents {
    pub ident: u64,
    pub os_name: Option<String>,
    pub events: Vec<Event>,
}

static ENABLED: AtomicBool = AtomicBool::new(false);
/// The moment the log started: every timestamp counts from here.
static EPOCH: OnceLock<Instant> = OnceLock::new();
/// Every thread that ever recorded an event. Locked once per thread (to register) and by
/// readers.
static LOGS: std::sync::Mutex<Vec<Arc<ThreadLog>>> = std::sync::Mutex::new(Vec::new());

thread_local! {
    static LOG: OnceCell<Arc<ThreadLog>> = const { OnceCell::new() };
}

/// Start recording (idempotent). Events from before this moment are not known.
pub fn enable() {
    EPOCH.get_or_init(Instant::now);
    ENABLED.store(true, Ordering::Relaxed);
}

/// Is the log recording? One relaxed load: the whole cost of the log when it is off.
#[inline(always)]
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Nanoseconds since the log started (0 if it never did).
pub fn now_ns() -> u64 {
    EPOCH
        .get()
        .map_or(0, |epoch| u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX))
}

/// Record `kind` for the calling thread, if the log is on.
#[inline(always)]
pub fn record(kind: EventKind) {
    if enabled() {
        record_now(kind);
    }
}

#[cold]
#[inline(never)]
fn record_now(kind: EventKind) {
    let event = Event { ts: now_ns(), kind };
    // `try_with`: a thread being torn down has no buffer any more; its last event is lost.
    let _ = LOG.try_with(|log| {
        let mut chunks = log.get_or_init(register).events.lock();
        match chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(event),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(event);
                chunks.push(chunk);
            }
        }
    });
}

fn register() -> Arc<ThreadLog> {
    let log = Arc::new(ThreadLog {
        ident: super::current_ident(),
        os_name: std::thread::current().name().map(str::to_string),
        events: Mutex::new(Vec::new()),
    });
    super::fork::locked(&LOGS).push(Arc::clone(&log));
    log
}

/// A collection of `generation` begins on the calling thread.
#[inline]
pub fn collection_begins(generation: usize) {
    record(EventKind::CollectBegin {
        generation: u8::try_from(generation).unwrap_or(u8::MAX),
    });
}

/// The collection running on the calling thread ends, with its counts.
#[inline]
pub fn collection_ends(examined: usize, collected: usize, uncollectable: usize) {
    if enabled() {
        let counts = [
            (CollectCount::Examined, examined),
            (CollectCount::Collected, collected),
            (CollectCount::Uncollectable, uncollectable),
        ];
        for (what, n) in counts {
            record_now(EventKind::CollectCounted(what, u32::try_from(n).unwrap_or(u32::MAX)));
        }
        record_now(EventKind::CollectEnd);
    }
}

/// A blocking call of `kind` in progress; recorded as ended when dropped.
pub struct BlockSpan(());

impl BlockSpan {
    #[inline]
    pub fn begin(kind: BlockKind) -> BlockSpan {
        record(EventKind::BlockBegin(kind));
        BlockSpan(())
    }
}

impl Drop for BlockSpan {
    #[inline]
    fn drop(&mut self) {
        record(EventKind::BlockEnd);
    }
}

/// `os.fork`: the registry of logs, held across the fork so no other thread is registering a
/// log at that moment.
pub(super) fn hold_logs_for_fork() -> std::sync::MutexGuard<'static, Vec<Arc<ThreadLog>>> {
    super::fork::locked(&LOGS)
}

/// In a forked child: the log starts afresh with the one thread the child has (the other
/// threads' logs describe the parent's past). Runs with `logs` still held from before the fork.
pub(super) fn keep_only_my_log(logs: &mut Vec<Arc<ThreadLog>>) {
    let mine = LOG.try_with(|log| log.get().map(Arc::clone)).ok().flatten();
    logs.retain(|log| mine.as_ref().is_some_and(|mine| Arc::ptr_eq(log, mine)));
    if let Some(mine) = mine {
        mine.events.lock().clear();
    }
}

/// Copies of every thread's log so far, threads in the order they first recorded.
pub fn snapshot() -> Vec<ThreadEvents> {
    let logs: Vec<Arc<ThreadLog>> = super::fork::locked(&LOGS).clone();
    logs.iter()
        .map(|log| ThreadEvents {
            ident: log.ident,
            os_name: log.os_name.clone(),
            events: log.events.lock().concat(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_by_label() {
        for kind in BlockKind::ALL {
            assert_eq!(BlockKind::from_label(kind.label()), Some(kind));
        }
        assert_eq!(BlockKind::from_label("no such wait"), None);
    }

    #[test]
    fn events_are_small() {
        // The log's cost when on is mostly memory traffic: keep a record at two words.
        assert_eq!(std::mem::size_of::<Event>(), 16);
    }

    #[test]
    fn a_thread_log_spans_several_chunks_in_order() {
        enable();
        let ident = std::thread::spawn(|| {
            for _ in 0..CHUNK * 2 + 10 {
                record(EventKind::DropRequested);
            }
            crate::gil::current_ident()
        })
        .join()
        .expect("recording thread");
        let log = snapshot()
            .into_iter()
            .find(|log| log.ident == ident)
            .expect("the thread's log");
        assert_eq!(log.events.len(), CHUNK * 2 + 10);
        assert!(log.events.windows(2).all(|pair| pair[0].ts <= pair[1].ts));
    }
}
