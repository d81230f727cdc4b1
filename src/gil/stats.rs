//! The figures `-X gilstats` prints and `_toy.gil_stats()` returns, computed from a
//! [`Timeline`]: per thread, how often and how long it held the GIL, how long it waited for it
//! (mean and 99th percentile: the tail is what an I/O thread feels), how it let go, and how long
//! it spent blocked in each kind of call; for the run, how often the lock changed hands and for
//! what share of the wall time somebody was queued for it.
//!
//! For the cycle collector ([`CollectorStats`]): collections per generation, the time they
//! took and the pauses they made, what they freed, and (free-threaded) how long the other
//! threads stayed parked while the world was stopped.
//!
//! All times are nanoseconds. Free-threaded runs have no GIL: "held" then means "running", there
//! are no waits or switches, and the queued share counts contended object locks instead.

use std::collections::BTreeMap;

use super::events::BlockKind;
use super::spans::{Category, MarkKind, State, ThreadSpans, Timeline};

/// Count, total, mean and extremes of a set of durations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub count: u64,
    pub total: u64,
    pub mean: u64,
    pub max: u64,
    /// 99th percentile, nearest-rank: the smallest value at least 99% of the values reach.
    pub p99: u64,
}

impl Summary {
    pub fn of(mut values: Vec<u64>) -> Summary {
        if values.is_empty() {
            return Summary::default();
        }
        values.sort_unstable();
        let count = values.len() as u64;
        let total: u64 = values.iter().sum();
        // Nearest rank: ceil(0.99 n), 1-based.
        let rank = (values.len() * 99).div_ceil(100).max(1);
        Summary {
            count,
            total,
            mean: total / count,
            max: values[values.len() - 1],
            p99: values[rank - 1],
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ThreadStats {
    pub ident: u64,
    pub name: String,
    /// Spans holding the GIL (free-threaded: running); their count is the acquisitions.
    pub hold: Summary,
    /// Waits for the GIL, one per acquisition that had to ask.
    pub wait: Summary,
    pub forced_drops: u64,
    pub voluntary_releases: u64,
    /// Drop requests this thread sent to a holder.
    pub drop_requests: u64,
    /// Time spent in blocking calls, by kind: (calls, total).
    pub blocked: BTreeMap<BlockKind, (u64, u64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    pub wall: u64,
    /// Times the GIL passed from one thread to another.
    pub switches: u64,
    pub acquisitions: u64,
    pub forced_drops: u64,
    pub voluntary_releases: u64,
    /// Time during which at least one thread was queued for the GIL (free-threaded: for a
    /// contended object lock).
    pub queued: u64,
}

impl Totals {
    /// `queued` as a share of the wall time, 0 to 1.
    pub fn queued_share(&self) -> f64 {
        if self.wall == 0 {
            0.0
        } else {
            self.queued as f64 / self.wall as f64
        }
    }
}

/// The cycle collector's figures for the run, all threads together.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CollectorStats {
    /// Collections of generation 0, 1 and 2.
    pub per_generation: [u64; 3],
    /// From start to end of each collection, finalizers included.
    pub time: u64,
    /// Per collection, how long the world was stopped (with the GIL: the analysis).
    pub pause: Summary,
    /// Free-threaded: how long collectors waited for the other threads to park.
    pub stop_wait: u64,
    /// Time the finalizers of unreachable objects took inside collections.
    pub finalizers: u64,
    pub examined: u64,
    pub collected: u64,
    pub uncollectable: u64,
    /// Free-threaded: time threads spent parked because another stopped the world, summed
    /// over the threads.
    pub parked: u64,
}

impl CollectorStats {
    pub fn collections(&self) -> u64 {
        self.per_generation.iter().sum()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    pub free_threaded: bool,
    pub threads: Vec<ThreadStats>,
    pub totals: Totals,
    pub collector: CollectorStats,
}

pub fn compute(timeline: &Timeline) -> Stats {
    let threads: Vec<ThreadStats> = timeline.threads.iter().map(thread_stats).collect();
    let totals = Totals {
        wall: timeline.end,
        switches: if timeline.free_threaded { 0 } else { switches(timeline) },
        acquisitions: threads.iter().map(|t| t.hold.count).sum(),
        forced_drops: threads.iter().map(|t| t.forced_drops).sum(),
        voluntary_releases: threads.iter().map(|t| t.voluntary_releases).sum(),
        queued: union_length(
            timeline
                .threads
                .iter()
                .flat_map(|t| &t.spans)
                .filter(|s| s.state.category() == Category::Waiting)
                .map(|s| (s.start, s.end))
                .collect(),
        ),
    };
    Stats {
        free_threaded: timeline.free_threaded,
        threads,
        totals,
        collector: collector_stats(timeline),
    }
}

fn collector_stats(timeline: &Timeline) -> CollectorStats {
    let mut figures = CollectorStats::default();
    let mut pauses = Vec::new();
    for c in timeline.threads.iter().flat_map(|t| &t.collections) {
        if let Some(count) = figures.per_generation.get_mut(usize::from(c.generation)) {
            *count += 1;
        }
        figures.time += c.duration();
        pauses.push(c.pause);
        figures.stop_wait += c.stop_wait;
        figures.finalizers += c.finalizers.map_or(0, |(start, end)| end.saturating_sub(start));
        figures.examined += c.examined;
        figures.collected += c.collected;
        figures.uncollectable += c.uncollectable;
    }
    figures.pause = Summary::of(pauses);
    figures.parked = timeline
        .threads
        .iter()
        .flat_map(|t| &t.spans)
        .filter(|s| s.state == State::Blocked(BlockKind::StopTheWorld))
        .map(|s| s.duration())
        .sum();
    figures
}

fn thread_stats(thread: &ThreadSpans) -> ThreadStats {
    let durations = |wanted: State| -> Vec<u64> {
        thread
            .spans
            .iter()
            .filter(|s| s.state == wanted)
            .map(|s| s.duration())
            .collect()
    };
    let mut blocked = BTreeMap::new();
    for span in &thread.spans {
        if let State::Blocked(kind) = span.state {
            let entry: &mut (u64, u64) = blocked.entry(kind).or_default();
            entry.0 += 1;
            entry.1 += span.duration();
        }
    }
    ThreadStats {
        ident: thread.ident,
        name: thread.name.clone(),
        hold: Summary::of(durations(State::Running)),
        wait: Summary::of(durations(State::WaitingGil)),
        forced_drops: thread.count(MarkKind::ForcedSwitch),
        voluntary_releases: thread.voluntary_drops,
        drop_requests: thread.count(MarkKind::DropRequest),
        blocked,
    }
}

/// Hand-overs: consecutive holding spans (all threads, in time order) of different threads.
fn switches(timeline: &Timeline) -> u64 {
    let mut holds: Vec<(u64, usize)> = timeline
        .threads
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            t.spans
                .iter()
                .filter(|s| s.state == State::Running)
                .map(move |s| (s.start, i))
        })
        .collect();
    holds.sort_unstable();
    holds.windows(2).filter(|pair| pair[0].1 != pair[1].1).count() as u64
}

/// Total length covered by a set of intervals, overlaps counted once.
fn union_length(mut intervals: Vec<(u64, u64)>) -> u64 {
    intervals.sort_unstable();
    let mut total = 0;
    let mut covered_to = 0;
    for (start, end) in intervals {
        let start = start.max(covered_to);
        if end > start {
            total += end - start;
            covered_to = end;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gil::events::{CollectCount, Event, EventKind, ThreadEvents};
    use crate::gil::lock::DropReason;
    use crate::gil::spans;

    #[test]
    fn p99_is_nearest_rank() {
        let hundred: Vec<u64> = (1..=100).collect();
        let s = Summary::of(hundred);
        assert_eq!((s.count, s.total, s.mean, s.max, s.p99), (100, 5050, 50, 100, 99));
        // 200 values: rank 198.
        assert_eq!(Summary::of((1..=200).collect()).p99, 198);
        // Fewer than 100 values: the p99 is the maximum.
        assert_eq!(Summary::of(vec![5, 1, 9, 3]).p99, 9);
        assert_eq!(Summary::of(vec![7]).p99, 7);
        assert_eq!(Summary::of(Vec::new()), Summary::default());
    }

    #[test]
    fn union_counts_overlaps_once() {
        assert_eq!(union_length(vec![(0, 10), (5, 15), (20, 25), (21, 22)]), 20);
        assert_eq!(union_length(vec![(3, 3)]), 0);
        assert_eq!(union_length(Vec::new()), 0);
    }

    /// Free-threaded: one thread collects twice (once with finalizers), another is parked by
    /// the first collection's stop.
    #[test]
    fn collector_figures() {
        use EventKind::*;
        let ev = |ts, kind| Event { ts, kind };
        // Starting at `at`: 2 ns waiting for the others to park, 7 ns stopped, 2 ns of
        // finalizers if it has any, 12 ns in all.
        let collection = |at: u64, generation, collected, finalizers: bool| {
            let mut events = vec![
                ev(at, CollectBegin { generation }),
                ev(at + 1, StopWorldRequested),
                ev(at + 3, WorldStopped),
                ev(at + 10, WorldRestarted),
            ];
            if finalizers {
                events.extend([ev(at + 10, FinalizersBegin), ev(at + 12, FinalizersEnd)]);
            }
            events.extend([
                ev(at + 12, CollectCounted(CollectCount::Examined, 100)),
                ev(at + 12, CollectCounted(CollectCount::Collected, collected)),
                ev(at + 12, CollectEnd),
            ]);
            events
        };
        let mut collector = vec![ev(0, Attached)];
        collector.extend(collection(100, 0, 4, false));
        collector.extend(collection(200, 2, 6, true));
        let parked = vec![
            ev(0, Attached),
            ev(102, BlockBegin(BlockKind::StopTheWorld)),
            ev(111, BlockEnd),
        ];
        let logs = [
            ThreadEvents {
                ident: 1,
                os_name: None,
                events: collector,
            },
            ThreadEvents {
                ident: 2,
                os_name: None,
                events: parked,
            },
        ];
        let stats = compute(&spans::build(&logs, 300, true, |l| format!("T{}", l.ident)));
        let c = &stats.collector;
        assert_eq!(c.per_generation, [1, 0, 1]);
        assert_eq!(c.collections(), 2);
        assert_eq!(c.time, 24);
        assert_eq!((c.pause.count, c.pause.total, c.pause.max), (2, 18, 9));
        assert_eq!(c.stop_wait, 4);
        assert_eq!(c.finalizers, 2);
        assert_eq!((c.examined, c.collected, c.uncollectable), (200, 10, 0));
        assert_eq!(c.parked, 9);
        // Parking is the collector's doing, not contention for an object lock.
        assert_eq!(stats.totals.queued, 0);
    }

    /// Two threads trading the GIL, one of them also sleeping: every figure by hand.
    #[test]
    fn hold_wait_and_switch_accounting() {
        use EventKind::*;
        let ev = |ts, kind| Event { ts, kind };
        // A: holds 0–100, forced off, waits 100–150, holds 150–180, sleeps 180–300 (from the
        // release to the next request), waits 300–320, holds until it exits at 400.
        let a = vec![
            ev(0, TakeRequested),
            ev(0, Acquired),
            ev(100, Dropped(DropReason::Requested)),
            ev(110, TakeRequested),
            ev(150, Acquired),
            ev(180, Dropped(DropReason::Voluntary)),
            ev(181, BlockBegin(BlockKind::Sleep)),
            ev(300, BlockEnd),
            ev(300, TakeRequested),
            ev(320, Acquired),
            ev(400, Dropped(DropReason::Exit)),
        ];
        // B: waits 10–100 (asking for a drop at 60), holds 100–150 (forced off), waits 150–180,
        // holds 180–320, then joins until the log ends (no new request: the call ends at 330).
        let b = vec![
            ev(10, TakeRequested),
            ev(60, DropRequested),
            ev(100, Acquired),
            ev(150, Dropped(DropReason::Requested)),
            ev(180, Acquired),
            ev(320, Dropped(DropReason::Voluntary)),
            ev(321, BlockBegin(BlockKind::Join)),
            ev(330, BlockEnd),
        ];
        let logs = [
            ThreadEvents {
                ident: 1,
                os_name: None,
                events: a,
            },
            ThreadEvents {
                ident: 2,
                os_name: None,
                events: b,
            },
        ];
        let stats = compute(&spans::build(&logs, 400, false, |l| format!("T{}", l.ident)));
        let (a, b) = (&stats.threads[0], &stats.threads[1]);
        assert_eq!(a.name, "T1");
        assert_eq!((a.hold.count, a.hold.total, a.hold.max, a.hold.mean), (3, 210, 100, 70));
        // Waits: 0 (uncontended), 50, 20.
        assert_eq!((a.wait.count, a.wait.total, a.wait.max, a.wait.p99), (3, 70, 50, 50));
        assert_eq!((a.forced_drops, a.voluntary_releases, a.drop_requests), (1, 1, 0));
        assert_eq!(a.blocked.get(&BlockKind::Sleep), Some(&(1, 120)));
        assert_eq!((b.hold.count, b.hold.total), (2, 190));
        assert_eq!((b.wait.count, b.wait.total, b.wait.mean), (2, 120, 60));
        assert_eq!((b.forced_drops, b.voluntary_releases, b.drop_requests), (1, 1, 1));
        assert_eq!(b.blocked.get(&BlockKind::Join), Some(&(1, 10)));
        let t = &stats.totals;
        // Holders in order: A, B, A, B, A.
        assert_eq!(t.switches, 4);
        assert_eq!((t.acquisitions, t.forced_drops, t.voluntary_releases), (5, 2, 2));
        // Someone queued: 10–150 (B then A), 150–180 (B), 300–320 (A).
        assert_eq!(t.queued, 140 + 30 + 20);
        assert_eq!(t.wall, 400);
        assert!((t.queued_share() - 190.0 / 400.0).abs() < 1e-12);
    }
}
