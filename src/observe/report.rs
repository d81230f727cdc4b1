//! The `-X gilstats` table, printed to stderr at exit.

use std::fmt::Write as _;

use crate::gil::stats::{CollectorStats, Stats, ThreadStats};

use super::{RunInfo, format_duration, format_interval};

/// Share of `part` in `whole`, as a percentage with one decimal.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "0.0%".to_string()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

fn threads(stats: &Stats) -> String {
    match stats.threads.len() {
        1 => "1 thread".to_string(),
        n => format!("{n} threads"),
    }
}

/// "sleep 100× 112.3 ms, join 1× 0.61 s"
fn blocked_summary(thread: &ThreadStats) -> String {
    let parts: Vec<String> = thread
        .blocked
        .iter()
        .map(|(kind, (calls, total))| format!("{} {calls}× {}", kind.label(), format_duration(*total)))
        .collect();
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(", ")
    }
}

/// Columns laid out to the widest cell; the first is left-aligned, numbers right-aligned.
pub(super) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain(std::iter::once(header[c].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let all = std::iter::once(header.iter().map(|h| h.to_string()).collect::<Vec<_>>()).chain(rows.iter().cloned());
    for row in all {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, &w))| {
                if c == 0 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        out.push_str("  ");
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn render(stats: &Stats, info: &RunInfo) -> String {
    let t = &stats.totals;
    let mut out = String::new();
    if stats.free_threaded {
        let _ = writeln!(
            out,
            "toy: thread statistics for {} (free-threaded, no GIL): {}, wall {}, an object lock contended {} of the time",
            info.script,
            threads(stats),
            format_duration(t.wall),
            percent(t.queued, t.wall)
        );
        let rows: Vec<Vec<String>> = stats
            .threads
            .iter()
            .map(|th| {
                let contention = th
                    .blocked
                    .get(&crate::gil::BlockKind::ObjectLock)
                    .copied()
                    .unwrap_or((0, 0));
                vec![
                    th.name.clone(),
                    th.hold.count.to_string(),
                    format_duration(th.hold.total),
                    percent(th.hold.total, t.wall),
                    contention.0.to_string(),
                    format_duration(contention.1),
                ]
            })
            .collect();
        out.push_str(&table(
            &["thread", "runs", "running", "of wall", "contended", "waited"],
            &rows,
        ));
    } else {
        let _ = writeln!(
            out,
            "toy: GIL statistics for {}: {}, wall {}, {} switches ({}), a thread queued for the GIL {} of the time",
            info.script,
            threads(stats),
            format_duration(t.wall),
            t.switches,
            info.schedule
                .clone()
                .unwrap_or_else(|| format!("interval {}", format_interval(info.switch_interval_ns))),
            percent(t.queued, t.wall)
        );
        let rows: Vec<Vec<String>> = stats
            .threads
            .iter()
            .map(|th| {
                vec![
                    th.name.clone(),
                    th.hold.count.to_string(),
                    format_duration(th.hold.total),
                    format_duration(th.hold.mean),
                    format_duration(th.hold.max),
                    format_duration(th.wait.total),
                    format_duration(th.wait.mean),
                    format_duration(th.wait.p99),
                    th.forced_drops.to_string(),
                    th.voluntary_releases.to_string(),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "thread",
                "acquired",
                "held",
                "mean",
                "max",
                "waited",
                "mean",
                "p99",
                "forced",
                "voluntary",
            ],
            &rows,
        ));
    }
    let blocked: Vec<Vec<String>> = stats
        .threads
        .iter()
        .filter(|th| !th.blocked.is_empty())
        .map(|th| vec![th.name.clone(), blocked_summary(th)])
        .collect();
    if !blocked.is_empty() {
        out.push_str("  blocked in calls:\n");
        for row in blocked {
            let _ = writeln!(out, "    {}: {}", row[0], row[1]);
        }
    }
    out.push_str(&collector_lines(&stats.collector, stats.free_threaded));
    out
}

/// "cycle collections: 4 (generation 0: 1, 1: 0, 2: 3) in 2.31 ms; …", and a line on
/// finalizers and stop-the-world when there is something to say; nothing if the collector
/// never ran.
fn collector_lines(c: &CollectorStats, free_threaded: bool) -> String {
    if c.collections() == 0 && c.parked == 0 {
        return String::new();
    }
    let [young, middle, old] = c.per_generation;
    let mut out = format!(
        "  cycle collections: {} (generation 0: {young}, 1: {middle}, 2: {old}) in {}; paused {}, longest {}; {} objects examined, {} collected, {} uncollectable\n",
        c.collections(),
        format_duration(c.time),
        format_duration(c.pause.total),
        format_duration(c.pause.max),
        c.examined,
        c.collected,
        c.uncollectable
    );
    let mut notes = Vec::new();
    if c.finalizers > 0 {
        notes.push(format!("finalizers {}", format_duration(c.finalizers)));
    }
    if free_threaded {
        notes.push(format!(
            "threads parked by stop-the-world {} in all, collectors waited {} for them to park",
            format_duration(c.parked),
            format_duration(c.stop_wait)
        ));
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "    {}", notes.join("; "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gil::events::{Event, EventKind, ThreadEvents};
    use crate::gil::lock::DropReason;
    use crate::gil::{BlockKind, spans, stats};

    #[test]
    fn table_has_a_row_per_thread_and_the_totals() {
        use EventKind::*;
        let ev = |ts, kind| Event { ts, kind };
        let logs = [ThreadEvents {
            ident: 1,
            os_name: Some("MainThread".into()),
            events: vec![
                ev(0, Acquired),
                ev(1_000_000, Dropped(DropReason::Voluntary)),
                ev(1_000_000, BlockBegin(BlockKind::Sleep)),
                ev(3_000_000, BlockEnd),
                ev(3_000_000, TakeRequested),
                ev(3_000_000, Acquired),
            ],
        }];
        let timeline = spans::build(&logs, 4_000_000, false, |l| l.os_name.clone().unwrap_or_default());
        let info = RunInfo {
            script: "x.toy".into(),
            switch_interval_ns: 5_000_000,
            schedule: None,
        };
        let text = render(&stats::compute(&timeline), &info);
        assert!(
            text.contains("1 thread, wall 4.00 ms, 0 switches (interval 5 ms)"),
            "{text}"
        );
        let row: Vec<&str> = text
            .lines()
            .find(|l| l.trim_start().starts_with("MainThread "))
            .map(|l| l.split_whitespace().collect())
            .unwrap_or_default();
        // Two acquisitions (the log starts with the thread holding), 2 ms held, 1 ms mean and
        // max, no waits, no forced drop, one voluntary release.
        assert_eq!(
            row,
            [
                "MainThread",
                "2",
                "2.00",
                "ms",
                "1.00",
                "ms",
                "1.00",
                "ms",
                "0",
                "ns",
                "0",
                "ns",
                "0",
                "ns",
                "0",
                "1"
            ],
            "{text}"
        );
        assert!(text.contains("MainThread: sleep 1× 2.00 ms"), "{text}");
        assert!(
            !text.contains("cycle collections"),
            "no collector line without collections"
        );
    }

    #[test]
    fn the_collector_has_its_lines() {
        use crate::gil::events::CollectCount;
        use EventKind::*;
        let ev = |ts, kind| Event { ts, kind };
        let collection = |at: u64, generation, pause: u64| {
            vec![
                ev(at, CollectBegin { generation }),
                ev(at, StopWorldRequested),
                ev(at + 1_000, WorldStopped),
                ev(at + pause, WorldRestarted),
                ev(at + pause, FinalizersBegin),
                ev(at + pause + 500, FinalizersEnd),
                ev(at + 2 * pause, CollectCounted(CollectCount::Examined, 300)),
                ev(at + 2 * pause, CollectCounted(CollectCount::Collected, 20)),
                ev(at + 2 * pause, CollectEnd),
            ]
        };
        let mut events = vec![ev(0, Attached)];
        events.extend(collection(10_000, 0, 40_000));
        events.extend(collection(200_000, 2, 1_500_000));
        let parked = vec![
            ev(0, Attached),
            ev(201_000, BlockBegin(BlockKind::StopTheWorld)),
            ev(1_700_000, BlockEnd),
        ];
        let logs = [
            ThreadEvents {
                ident: 1,
                os_name: Some("MainThread".into()),
                events: events.clone(),
            },
            ThreadEvents {
                ident: 2,
                os_name: Some("worker".into()),
                events: parked,
            },
        ];
        let info = RunInfo {
            script: "x.toy".into(),
            switch_interval_ns: 5_000_000,
            schedule: None,
        };
        let name = |l: &ThreadEvents| l.os_name.clone().unwrap_or_default();
        let text = render(&stats::compute(&spans::build(&logs, 4_000_000, true, name)), &info);
        assert!(
            text.contains(
                "  cycle collections: 2 (generation 0: 1, 1: 0, 2: 1) in 3.08 ms; paused 1.54 ms, longest 1.50 ms; 600 objects examined, 40 collected, 0 uncollectable\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("    finalizers 1.00 µs; threads parked by stop-the-world 1.50 ms in all, collectors waited 2.00 µs for them to park\n"),
            "{text}"
        );
        assert!(text.contains("worker: stop-the-world 1× 1.50 ms"), "{text}");
        // With the GIL nobody parks: only the finalizers are noted.
        let text = render(
            &stats::compute(&spans::build(&logs[..1], 4_000_000, false, name)),
            &info,
        );
        assert!(text.contains("  cycle collections: 2 "), "{text}");
        assert!(text.contains("    finalizers 1.00 µs\n"), "{text}");
    }
}
