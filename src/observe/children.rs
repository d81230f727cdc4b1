//! Child processes in the outputs.
//!
//! A child made by `multiprocessing` (forked: it inherited the outputs asked for) reports its own
//! part when it ends: `-X gilstats` prints the child's table under its name, and `--trace` writes
//! the child's trace events (its own process, its threads as lanes) to a file beside the trace,
//! `TRACE.child-PID`, which the parent merges into the trace at its exit; `--timeline` works the
//! same way with the child's lanes. The child's log starts with its forking thread's history in
//! the parent: only what happened after the fork is kept.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{RunInfo, current_timeline, describe, report, trace};
use crate::gil::{events, spans, stats};

/// When the child's own life began (`events::now_ns()` at its start), set by [`child_started`].
static CHILD_SINCE: AtomicU64 = AtomicU64::new(0);

/// In a child process, as it starts: from now on its events are its own.
pub fn child_started() {
    CHILD_SINCE.store(events::now_ns(), Ordering::Relaxed);
}

/// Whether this process records events for an output.
pub fn observing() -> bool {
    super::OUTPUTS.lock().is_some()
}

/// In a child process, as it ends: write its part of the outputs (`name` labels it).
pub fn finish_child(name: &str) -> Result<(), String> {
    let Some(outputs) = super::OUTPUTS.lock().take() else {
        return Ok(());
    };
    let since = CHILD_SINCE.load(Ordering::Relaxed);
    let mut timeline = current_timeline();
    clip_before(&mut timeline, since);
    let pid = std::process::id();
    let label = format!("{name} (pid {pid})");
    if outputs.gilstats {
        let info = RunInfo {
            script: label.clone(),
            switch_interval_ns: u64::try_from(crate::gil::switch_interval().as_nanos()).unwrap_or(u64::MAX),
            schedule: None,
        };
        let mut stats = stats::compute(&timeline);
        // The child's wall time is its own life, not the log's.
        stats.totals.wall = timeline.end.saturating_sub(since);
        crate::modules::io::flush_stdout();
        eprint!("{}", report::render(&stats, &info));
    }
    // The inherited files are the parent's (their offsets are shared): never written here.
    if let Some((path, _)) = outputs.trace {
        let events = trace::process_events(&timeline, pid, &label, pid);
        let part = child_part_path(&path, pid);
        std::fs::write(&part, events.join(",\n"))
            .map_err(|e| format!("can't write trace file '{}': {}", part.display(), describe(&e)))?;
    }
    if let Some((path, _)) = outputs.timeline {
        let part = child_part_path(&path, pid);
        std::fs::write(&part, encode_lanes(&timeline, &label))
            .map_err(|e| format!("can't write timeline file '{}': {}", part.display(), describe(&e)))?;
    }
    Ok(())
}

/// A child's threads for the parent's timeline, one line per thread: its lane's name (the
/// process's label, then the thread's) and its spans as `start end state` triples.
fn encode_lanes(timeline: &spans::Timeline, label: &str) -> String {
    let mut out = String::new();
    for thread in &timeline.threads {
        let name = format!("{label}: {}", thread.name).replace(['\t', '\n'], " ");
        // A forked child's thread has its parent's ident: made distinct by the child's pid.
        let ident = (u64::from(std::process::id()) << 32) ^ thread.ident;
        out.push_str(&format!("{ident}\t{name}"));
        for span in &thread.spans {
            let state = match span.state {
                spans::State::Running => "running",
                spans::State::WaitingGil => "waiting",
                spans::State::Collecting => "collecting",
                spans::State::Blocked(kind) => kind.label(),
            };
            out.push_str(&format!("\t{} {} {state}", span.start, span.end));
        }
        out.push('\n');
    }
    out
}

/// The lanes [`encode_lanes`] wrote (anything unreadable is left out).
pub fn decode_lanes(text: &str) -> Vec<spans::ThreadSpans> {
    let mut lanes = Vec::new();
    for line in text.lines() {
        let mut fields = line.split('\t');
        let (Some(ident), Some(name)) = (fields.next().and_then(|i| i.parse().ok()), fields.next()) else {
            continue;
        };
        let spans = fields
            .filter_map(|field| {
                let mut parts = field.splitn(3, ' ');
                let start = parts.next()?.parse().ok()?;
                let end = parts.next()?.parse().ok()?;
                let state = match parts.next()? {
                    "running" => spans::State::Running,
                    "waiting" => spans::State::WaitingGil,
                    "collecting" => spans::State::Collecting,
                    label => spans::State::Blocked(events::BlockKind::from_label(label)?),
                };
                Some(spans::Span { start, end, state })
            })
            .collect();
        lanes.push(spans::ThreadSpans {
            ident,
            name: name.to_string(),
            spans,
            marks: Vec::new(),
            voluntary_drops: 0,
            collections: Vec::new(),
            world_stops: Vec::new(),
        });
    }
    lanes
}

fn child_part_path(trace: &Path, pid: u32) -> PathBuf {
    let mut name = trace.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".child-{pid}"));
    trace.with_file_name(name)
}

/// The children's parts written beside `trace`, read and removed.
pub fn take_child_parts(trace: &Path) -> Vec<String> {
    let Some(prefix) = trace.file_name().map(|n| format!("{}.child-", n.to_string_lossy())) else {
        return Vec::new();
    };
    let dir = match trace.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut parts: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefix)))
        .collect();
    parts.sort();
    let mut events = Vec::new();
    for part in parts {
        if let Ok(text) = std::fs::read_to_string(&part)
            && !text.is_empty()
        {
            events.push(text);
        }
        let _ = std::fs::remove_file(&part);
    }
    events
}

/// Drop what happened before `since` (clipping spans that straddle it).
fn clip_before(timeline: &mut spans::Timeline, since: u64) {
    for thread in &mut timeline.threads {
        thread.spans.retain(|s| s.end > since);
        for span in &mut thread.spans {
            span.start = span.start.max(since);
        }
        thread.marks.retain(|m| m.ts >= since);
        thread.collections.retain(|c| c.start >= since);
        thread.world_stops.retain(|w| w.requested >= since);
    }
}
