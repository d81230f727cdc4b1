//! From the event log to what a reader wants: per thread, a sequence of non-overlapping spans
//! (holding the GIL or running, waiting for it, blocked in a call of some kind) and the instants
//! worth marking (drop requests, forced switches).
//!
//! Every consumer — the `-X gilstats` table, `_toy.gil_stats()`, the trace and the timeline —
//! reads this one reconstruction, so they always agree. With the GIL, a blocking call's span
//! covers the whole detached stretch, from the voluntary release to the next request for the
//! GIL, as `Py_BEGIN_ALLOW_THREADS … Py_END_ALLOW_THREADS` would. The state machine is forgiving: the log
//! may have started while a thread was already waiting or blocked (`import _toy` turns it on
//! mid-run), so an event that ends a state nobody saw begin just starts the next one.
//!
//! The cycle collector's work is a state of its own ([`State::Collecting`]) on the thread that
//! runs it, except while the finalizers of what it found run (they are Python code, shown as
//! such); each collection is also kept whole, with its counts ([`Collection`]), and every stop
//! of the world with its phases ([`WorldStop`]).

use super::events::{BlockClass, BlockKind, CollectCount, Event, EventKind, ThreadEvents};
use super::lock::DropReason;

/// What a thread is doing during a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Holding the GIL (free-threaded: attached and running).
    Running,
    /// Waiting to take the GIL, including the wait after a forced drop.
    WaitingGil,
    /// Detached in a blocking call.
    Blocked(BlockKind),
    /// Running the cycle collector (its own work, not the finalizers it calls).
    Collecting,
}

/// The five colours of the timeline and the five kinds of track slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Running,
    /// The cycle collector: collecting, or (free-threaded) parked while it stopped the world.
    Collector,
    /// Waiting for the GIL, or (free-threaded) for a contended object lock.
    Waiting,
    /// Blocked in I/O or sleep.
    Io,
    /// Idle: waiting for another thread (lock, join, condition, queue).
    Idle,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Running,
        Category::Collector,
        Category::Waiting,
        Category::Io,
        Category::Idle,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

impl State {
    pub fn category(self) -> Category {
        match self {
            State::Running => Category::Running,
            State::Collecting => Category::Collector,
            State::WaitingGil => Category::Waiting,
            State::Blocked(kind) => match kind.class() {
                BlockClass::Io => Category::Io,
                BlockClass::Sync => Category::Idle,
                BlockClass::Contention => Category::Waiting,
                BlockClass::Collector => Category::Collector,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
    pub state: State,
}

impl Span {
    pub fn duration(&self) -> u64 {
        self.end - self.start
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// This thread, having waited a whole interval, asked the holder to drop the GIL.
    DropRequest,
    /// This thread dropped the GIL because it was asked to.
    ForcedSwitch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub ts: u64,
    pub kind: MarkKind,
}

/// One stop of the world by the thread that stopped it: it asked the others to park at
/// `requested`, all were parked at `stopped`, and it let them go at `restarted`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorldStop {
    pub requested: u64,
    pub stopped: u64,
    pub restarted: u64,
}

impl WorldStop {
    /// How long the other threads were held up (or, with the GIL, the world stayed stopped).
    pub fn pause(&self) -> u64 {
        self.restarted - self.requested
    }

    /// Free-threaded: how long the stopper waited for the others to park.
    pub fn wait(&self) -> u64 {
        self.stopped - self.requested
    }
}

/// One run of the cycle collector, from its start to its end, finalizers included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Collection {
    pub generation: u8,
    pub start: u64,
    pub end: u64,
    pub examined: u64,
    pub collected: u64,
    pub uncollectable: u64,
    /// The stops of the world it made (the analysis, and a re-check after finalizers): summed.
    pub pause: u64,
    pub stop_wait: u64,
    /// When the finalizers of the unreachable objects ran, if any did.
    pub finalizers: Option<(u64, u64)>,
}

impl Collection {
    pub fn duration(&self) -> u64 {
        self.end.saturating_sub(self.start)
    }
}

/// One thread's reconstructed history.
#[derive(Clone, Debug)]
pub struct ThreadSpans {
    pub ident: u64,
    pub name: String,
    /// In time order, never overlapping.
    pub spans: Vec<Span>,
    pub marks: Vec<Mark>,
    pub voluntary_drops: u64,
    /// The collections this thread ran, in time order.
    pub collections: Vec<Collection>,
    /// The times this thread stopped the world, in a collection or not, in time order.
    pub world_stops: Vec<WorldStop>,
}

impl ThreadSpans {
    pub fn count(&self, kind: MarkKind) -> u64 {
        self.marks.iter().filter(|m| m.kind == kind).count() as u64
    }
}

/// The whole run as spans, from the log's start (time 0) to `end`.
#[derive(Clone, Debug)]
pub struct Timeline {
    pub free_threaded: bool,
    /// Nanoseconds since the log started: the end of the picture.
    pub end: u64,
    pub threads: Vec<ThreadSpans>,
}

/// Rebuild spans from copies of the per-thread logs. Spans still open are closed at `end`
/// (raised to the last event if a thread recorded something later); `name` labels a thread.
pub fn build(logs: &[ThreadEvents], end: u64, free_threaded: bool, name: impl Fn(&ThreadEvents) -> String) -> Timeline {
    let end = logs
        .iter()
        .filter_map(|log| log.events.last())
        .map(|e| e.ts)
        .fold(end, u64::max);
    let threads = logs
        .iter()
        .filter(|log| !log.events.is_empty())
        .map(|log| replay(log.ident, name(log), &log.events, end))
        .collect();
    Timeline {
        free_threaded,
        end,
        threads,
    }
}

/// Where the cycle collector is on a thread, while a collection is open.
struct Collecting {
    collection: Collection,
    in_finalizers: bool,
}

impl Collecting {
    /// What running means at this moment: the collector's own work, or Python code.
    fn running(open: &Option<Collecting>) -> State {
        match open {
            Some(c) if !c.in_finalizers => State::Collecting,
            _ => State::Running,
        }
    }
}

fn replay(ident: u64, name: String, events: &[Event], end: u64) -> ThreadSpans {
    let mut out = ThreadSpans {
        ident,
        name,
        spans: Vec::new(),
        marks: Vec::new(),
        voluntary_drops: 0,
        collections: Vec::new(),
        world_stops: Vec::new(),
    };
    let mut collecting: Option<Collecting> = None;
    // The stop of the world in progress: when it was requested, and when the world stopped.
    let mut stopping: Option<(u64, Option<u64>)> = None;
    // The open span, and the state a blocking call will return to.
    let mut current: Option<(State, u64)> = None;
    let mut before_block: Option<State> = None;
    // With the GIL, a blocking call's span runs from the voluntary drop to the next request for
    // the GIL: the moments between (the OS may well run another thread then) belong to the call.
    let mut released_at: Option<u64> = None;
    let mut call_ended_at: Option<u64> = None;
    for event in events {
        let ts = event.ts;
        let released = released_at.take();
        if !matches!(event.kind, EventKind::BlockEnd) {
            call_ended_at = None;
        }
        match event.kind {
            EventKind::TakeRequested => switch(&mut out, &mut current, Some(State::WaitingGil), ts),
            EventKind::Acquired | EventKind::Attached => {
                let running = Collecting::running(&collecting);
                switch(&mut out, &mut current, Some(running), ts);
            }
            EventKind::DropRequested => out.marks.push(Mark {
                ts,
                kind: MarkKind::DropRequest,
            }),
            EventKind::Dropped(DropReason::Requested) => {
                out.marks.push(Mark {
                    ts,
                    kind: MarkKind::ForcedSwitch,
                });
                switch(&mut out, &mut current, Some(State::WaitingGil), ts);
            }
            EventKind::Dropped(reason) => {
                if reason == DropReason::Voluntary {
                    out.voluntary_drops += 1;
                    released_at = Some(ts);
                }
                switch(&mut out, &mut current, None, ts);
            }
            EventKind::BlockBegin(kind) => {
                before_block = current.map(|(state, _)| state);
                switch(&mut out, &mut current, Some(State::Blocked(kind)), ts);
                if let (Some(released), Some((_, start))) = (released, current.as_mut()) {
                    *start = released;
                }
            }
            EventKind::BlockEnd => match before_block.take() {
                // Free-threaded: back to running at once.
                Some(state) => switch(&mut out, &mut current, Some(state), ts),
                // With the GIL: the call lasts until the thread asks for the GIL again.
                None => call_ended_at = Some(ts),
            },
            EventKind::Detached => switch(&mut out, &mut current, None, ts),
            EventKind::StopWorldRequested => stopping = Some((ts, None)),
            EventKind::WorldStopped => match stopping.as_mut() {
                Some((_, stopped)) => *stopped = Some(ts),
                // With the GIL: stopped as soon as asked.
                None => stopping = Some((ts, Some(ts))),
            },
            EventKind::WorldRestarted => {
                if let Some((requested, stopped)) = stopping.take() {
                    let stop = WorldStop {
                        requested,
                        stopped: stopped.unwrap_or(requested).clamp(requested, ts),
                        restarted: ts.max(requested),
                    };
                    if let Some(open) = collecting.as_mut() {
                        open.collection.pause += stop.pause();
                        open.collection.stop_wait += stop.wait();
                    }
                    out.world_stops.push(stop);
                }
            }
            EventKind::CollectBegin { generation } => {
                collecting = Some(Collecting {
                    collection: Collection {
                        generation,
                        start: ts,
                        end: ts,
                        ..Collection::default()
                    },
                    in_finalizers: false,
                });
                continue_running_as(&mut out, &mut current, Collecting::running(&collecting), ts);
            }
            EventKind::FinalizersBegin => {
                if let Some(open) = collecting.as_mut() {
                    open.in_finalizers = true;
                    open.collection.finalizers = Some((ts, ts));
                }
                continue_running_as(&mut out, &mut current, Collecting::running(&collecting), ts);
            }
            EventKind::FinalizersEnd => {
                if let Some(open) = collecting.as_mut() {
                    open.in_finalizers = false;
                    if let Some((_, finalizers_end)) = open.collection.finalizers.as_mut() {
                        *finalizers_end = ts;
                    }
                }
                continue_running_as(&mut out, &mut current, Collecting::running(&collecting), ts);
            }
            EventKind::CollectCounted(what, n) => {
                if let Some(open) = collecting.as_mut() {
                    let c = &mut open.collection;
                    let field = match what {
                        CollectCount::Examined => &mut c.examined,
                        CollectCount::Collected => &mut c.collected,
                        CollectCount::Uncollectable => &mut c.uncollectable,
                    };
                    *field = u64::from(n);
                }
            }
            EventKind::CollectEnd => {
                if let Some(open) = collecting.take() {
                    out.collections.push(Collection {
                        end: ts,
                        ..open.collection
                    });
                }
                continue_running_as(&mut out, &mut current, State::Running, ts);
            }
        }
    }
    let last = call_ended_at.unwrap_or(end);
    switch(&mut out, &mut current, None, last);
    // A collection the log saw begin but not end (the process left from inside it).
    if let Some(open) = collecting {
        out.collections.push(Collection {
            end: last.max(open.collection.start),
            ..open.collection
        });
    }
    out
}

/// Whether the thread runs its own code or the collector's changes only a running span.
fn continue_running_as(out: &mut ThreadSpans, current: &mut Option<(State, u64)>, running: State, ts: u64) {
    if matches!(current, Some((State::Running | State::Collecting, _))) {
        switch(out, current, Some(running), ts);
    }
}

/// Close the open span (unless `next` continues it) and open `next` at `ts`.
fn switch(out: &mut ThreadSpans, current: &mut Option<(State, u64)>, next: Option<State>, ts: u64) {
    if let Some((state, start)) = *current {
        if Some(state) == next {
            return;
        }
        out.spans.push(Span {
            start,
            end: ts.max(start),
            state,
        });
    }
    *current = next.map(|state| (state, ts));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: u64, kind: EventKind) -> Event {
        Event { ts, kind }
    }

    fn log(ident: u64, events: Vec<Event>) -> ThreadEvents {
        ThreadEvents {
            ident,
            os_name: None,
            events,
        }
    }

    fn spans(t: &ThreadSpans) -> Vec<(u64, u64, State)> {
        t.spans.iter().map(|s| (s.start, s.end, s.state)).collect()
    }

    #[test]
    fn gil_protocol_becomes_spans_and_marks() {
        use EventKind::*;
        let events = vec![
            ev(0, TakeRequested),
            ev(1, Acquired),
            ev(10, Dropped(DropReason::Requested)),
            ev(12, TakeRequested),
            ev(15, Acquired),
            ev(20, Dropped(DropReason::Voluntary)),
            ev(21, BlockBegin(BlockKind::Sleep)),
            ev(30, BlockEnd),
            ev(31, TakeRequested),
            ev(40, DropRequested),
            ev(41, Acquired),
            ev(50, Dropped(DropReason::Exit)),
        ];
        let timeline = build(&[log(7, events)], 60, false, |_| "t".into());
        let t = &timeline.threads[0];
        assert_eq!(
            spans(t),
            vec![
                (0, 1, State::WaitingGil),
                (1, 10, State::Running),
                // The wait after a forced drop and the re-take are one wait.
                (10, 15, State::WaitingGil),
                (15, 20, State::Running),
                // From the release to the next request: the whole of the blocking call.
                (20, 31, State::Blocked(BlockKind::Sleep)),
                (31, 41, State::WaitingGil),
                (41, 50, State::Running),
            ]
        );
        assert_eq!(t.count(MarkKind::ForcedSwitch), 1);
        assert_eq!(t.count(MarkKind::DropRequest), 1);
        assert_eq!(t.voluntary_drops, 1);
        assert_eq!(timeline.end, 60);
    }

    #[test]
    fn free_threaded_blocks_return_to_running_and_open_spans_close_at_the_end() {
        use EventKind::*;
        let events = vec![
            ev(5, Attached),
            ev(8, BlockBegin(BlockKind::ObjectLock)),
            ev(9, BlockEnd),
            ev(20, BlockBegin(BlockKind::Join)),
        ];
        let timeline = build(&[log(1, events)], 100, true, |_| "t".into());
        assert_eq!(
            spans(&timeline.threads[0]),
            vec![
                (5, 8, State::Running),
                (8, 9, State::Blocked(BlockKind::ObjectLock)),
                (9, 20, State::Running),
                (20, 100, State::Blocked(BlockKind::Join)),
            ]
        );
        assert_eq!(State::Blocked(BlockKind::ObjectLock).category(), Category::Waiting);
        assert_eq!(State::Blocked(BlockKind::Join).category(), Category::Idle);
    }

    #[test]
    fn a_collection_is_its_own_state_and_keeps_its_figures() {
        use EventKind::*;
        let events = vec![
            ev(0, Acquired),
            ev(10, CollectBegin { generation: 2 }),
            ev(11, StopWorldRequested),
            ev(12, WorldStopped),
            ev(20, WorldRestarted),
            ev(22, FinalizersBegin),
            // A finalizer sleeps: with the GIL, released for the call.
            ev(23, Dropped(DropReason::Voluntary)),
            ev(23, BlockBegin(BlockKind::Sleep)),
            ev(26, BlockEnd),
            ev(26, TakeRequested),
            ev(27, Acquired),
            ev(30, FinalizersEnd),
            // With the GIL a stop is only its start and end.
            ev(31, WorldStopped),
            ev(33, WorldRestarted),
            ev(35, CollectCounted(CollectCount::Examined, 40)),
            ev(35, CollectCounted(CollectCount::Collected, 7)),
            ev(35, CollectCounted(CollectCount::Uncollectable, 0)),
            ev(35, CollectEnd),
            // A stop outside any collection (`gc.get_objects()`).
            ev(40, StopWorldRequested),
            ev(41, WorldStopped),
            ev(42, WorldRestarted),
        ];
        let timeline = build(&[log(1, events)], 50, false, |_| "t".into());
        let t = &timeline.threads[0];
        assert_eq!(
            spans(t),
            vec![
                (0, 10, State::Running),
                (10, 22, State::Collecting),
                // The finalizers run Python code: shown as such, blocking calls included.
                (22, 23, State::Running),
                (23, 26, State::Blocked(BlockKind::Sleep)),
                (26, 27, State::WaitingGil),
                (27, 30, State::Running),
                (30, 35, State::Collecting),
                (35, 50, State::Running),
            ]
        );
        assert_eq!(
            t.collections,
            vec![Collection {
                generation: 2,
                start: 10,
                end: 35,
                examined: 40,
                collected: 7,
                uncollectable: 0,
                pause: 9 + 2,
                stop_wait: 1,
                finalizers: Some((22, 30)),
            }]
        );
        assert_eq!(t.world_stops.len(), 3);
        assert_eq!(t.world_stops[2].pause(), 2);
        assert_eq!(State::Collecting.category(), Category::Collector);
        assert_eq!(State::Blocked(BlockKind::StopTheWorld).category(), Category::Collector);
    }

    #[test]
    fn a_collection_still_open_at_the_end_is_kept() {
        use EventKind::*;
        let events = vec![ev(0, Attached), ev(5, CollectBegin { generation: 0 })];
        let timeline = build(&[log(1, events)], 9, true, |_| "t".into());
        let t = &timeline.threads[0];
        assert_eq!(spans(t), vec![(0, 5, State::Running), (5, 9, State::Collecting)]);
        assert_eq!((t.collections[0].start, t.collections[0].end), (5, 9));
    }

    #[test]
    fn a_log_started_mid_run_drops_what_it_did_not_see_begin() {
        use EventKind::*;
        // The thread was blocked when the log started: its first event is the block's end.
        let events = vec![ev(3, BlockEnd), ev(4, TakeRequested), ev(6, Acquired)];
        let timeline = build(&[log(2, events), log(3, Vec::new())], 0, false, |_| "t".into());
        assert_eq!(timeline.threads.len(), 1, "threads without events are left out");
        assert_eq!(
            spans(&timeline.threads[0]),
            vec![(4, 6, State::WaitingGil), (6, 6, State::Running)]
        );
        assert_eq!(timeline.end, 6, "the end is raised to the last event");
    }
}
