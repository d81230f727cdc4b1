//! Showing the GIL: what toy does with its event log ([`crate::gil::events`]).
//!
//! The command line turns the log on (`-X gilstats`, `--trace FILE`, `--timeline FILE`); at exit
//! [`finish`] rebuilds the run as spans once and hands them to each requested output: the stats
//! table on stderr ([`report`]), the Chrome trace ([`trace`]) and the SVG picture
//! ([`timeline`]). Output files are created up front, so a bad path is a usage error before the
//! program runs rather than a lost result after it.

pub mod compare;
pub mod report;
pub mod timeline;
pub mod trace;

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;

use parking_lot::Mutex;

use crate::gil::events::{self, ThreadEvents};
use crate::gil::{spans, stats};

/// What the outputs say about the run besides the spans.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// The script as given on the command line (`<string>` for `-c`).
    pub script: String,
    pub switch_interval_ns: u64,
    /// Under `-X switch-every` / `-X sched-seed`, what decides the switches instead of the
    /// interval (e.g. "turns of 100 check points").
    pub schedule: Option<String>,
}

/// What to produce at exit.
#[derive(Debug, Default)]
pub struct Options {
    pub gilstats: bool,
    pub trace: Option<PathBuf>,
    pub timeline: Option<PathBuf>,
    /// `--gil-totals FILE` (hidden, for `toy compare`): the run's totals as one line of
    /// `key=value` pairs, see [`compare::totals_line`].
    pub totals: Option<PathBuf>,
    pub script: String,
}

struct Outputs {
    gilstats: bool,
    trace: Option<(PathBuf, File)>,
    timeline: Option<(PathBuf, File)>,
    totals: Option<(PathBuf, File)>,
    script: String,
}

/// Set by [`start`], taken by [`finish`]: whichever exit path comes first writes the outputs.
static OUTPUTS: Mutex<Option<Outputs>> = Mutex::new(None);

/// Create the output files and start the log, if anything was asked for. The error is a
/// message for the user (the file could not be created).
pub fn start(options: Options) -> Result<(), String> {
    if !options.gilstats && options.trace.is_none() && options.timeline.is_none() && options.totals.is_none() {
        return Ok(());
    }
    let create = |path: Option<PathBuf>, what: &str| -> Result<Option<(PathBuf, File)>, String> {
        path.map(|path| match File::create(&path) {
            Ok(file) => Ok((path, file)),
            Err(e) => Err(format!(
                "can't create {what} file '{}': {}",
                path.display(),
                describe(&e)
            )),
        })
        .transpose()
    };
    let outputs = Outputs {
        gilstats: options.gilstats,
        trace: create(options.trace, "trace")?,
        timeline: create(options.timeline, "timeline")?,
        totals: create(options.totals, "totals")?,
        script: options.script,
    };
    *OUTPUTS.lock() = Some(outputs);
    events::enable();
    Ok(())
}

/// The strerror-style text CPython prints (`No such file or directory`).
fn describe(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// How a thread is labelled: the name `threading` gave it, else its OS thread's name.
fn display_name(log: &ThreadEvents) -> String {
    crate::modules::thread::registered_name(log.ident)
        .or_else(|| log.os_name.clone())
        .unwrap_or_else(|| format!("Thread {}", log.ident))
}

/// The run so far, as spans up to this moment.
pub fn current_timeline() -> spans::Timeline {
    let end = events::now_ns();
    spans::build(&events::snapshot(), end, crate::gil::is_free_threaded(), display_name)
}

/// Write the requested outputs (once). Errors are messages for the user.
pub fn finish() -> Result<(), String> {
    let Some(outputs) = OUTPUTS.lock().take() else {
        return Ok(());
    };
    let timeline = current_timeline();
    let info = RunInfo {
        script: outputs.script,
        switch_interval_ns: u64::try_from(crate::gil::switch_interval().as_nanos()).unwrap_or(u64::MAX),
        schedule: crate::gil::deterministic_switching().map(|s| s.to_string()),
    };
    let stats = stats::compute(&timeline);
    if outputs.gilstats {
        crate::modules::io::flush_stdout();
        eprint!("{}", report::render(&stats, &info));
    }
    let mut result = Ok(());
    if let Some((path, file)) = outputs.totals {
        let line = compare::totals_line(&stats);
        result = result.and(write(file, &path, "totals", &line));
    }
    if let Some((path, file)) = outputs.trace {
        let children = take_child_parts(&path);
        result = result.and(write(file, &path, "trace", &trace::render(&timeline, &info, &children)));
    }
    if let Some((path, file)) = outputs.timeline {
        let mut timeline = timeline;
        for part in take_child_parts(&path) {
            timeline.threads.extend(decode_lanes(&part));
        }
        result = result.and(write(file, &path, "timeline", &timeline::render(&timeline, &info)));
    }
    result
}

fn write(mut file: File, path: &std::path::Path, what: &str, text: &str) -> Result<(), String> {
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| format!("can't write {what} file '{}': {}", path.display(), describe(&e)))
}

/// A duration for people: `850 ns`, `12.3 µs`, `45.6 ms`, `1.23 s`, three significant digits.
pub fn format_duration(ns: u64) -> String {
    let (value, unit) = match ns {
        0..1_000 => return format!("{ns} ns"),
        1_000..1_000_000 => (ns as f64 / 1e3, "µs"),
        1_000_000..1_000_000_000 => (ns as f64 / 1e6, "ms"),
        _ => (ns as f64 / 1e9, "s"),
    };
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$} {unit}")
}

/// A setting such as the switch interval, which is usually round: `5 ms`, `0.5 ms`, `1.25 ms`.
pub fn format_interval(ns: u64) -> String {
    let text = format_duration(ns);
    match text.split_once(' ') {
        Some((number, unit)) if number.contains('.') => {
            format!("{} {unit}", number.trim_end_matches('0').trim_end_matches('.'))
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(0), "0 ns");
        assert_eq!(format_duration(850), "850 ns");
        assert_eq!(format_duration(12_345), "12.3 µs");
        assert_eq!(format_duration(5_000_000), "5.00 ms");
        assert_eq!(format_duration(612_000_000), "612 ms");
        assert_eq!(format_duration(83_400_000_000), "83.4 s");
        assert_eq!(format_interval(5_000_000), "5 ms");
        assert_eq!(format_interval(500_000), "500 µs");
        assert_eq!(format_interval(1_250_000), "1.25 ms");
    }
}

// ----- child processes ----------------------------------------------------------------------
//
// A child made by `multiprocessing` (forked: it inherited the outputs asked for) reports its own
// part when it ends: `-X gilstats` prints the child's table under its name, and `--trace` writes
// the child's trace events (its own process, its threads as lanes) to a file beside the trace,
// `TRACE.child-PID`, which the parent merges into the trace at its exit. The child's log starts
// with its forking thread's history in the parent: only what happened after the fork is kept.

/// When the child's own life began (`events::now_ns()` at its start), set by [`child_started`].
static CHILD_SINCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// In a child process, as it starts: from now on its events are its own.
pub fn child_started() {
    CHILD_SINCE.store(events::now_ns(), std::sync::atomic::Ordering::Relaxed);
}

/// Whether this process records events for an output.
pub fn observing() -> bool {
    OUTPUTS.lock().is_some()
}

/// In a child process, as it ends: write its part of the outputs (`name` labels it).
pub fn finish_child(name: &str) -> Result<(), String> {
    let Some(outputs) = OUTPUTS.lock().take() else {
        return Ok(());
    };
    let since = CHILD_SINCE.load(std::sync::atomic::Ordering::Relaxed);
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
fn decode_lanes(text: &str) -> Vec<spans::ThreadSpans> {
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

fn child_part_path(trace: &std::path::Path, pid: u32) -> PathBuf {
    let mut name = trace.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".child-{pid}"));
    trace.with_file_name(name)
}

/// The children's parts written beside `trace`, read and removed.
fn take_child_parts(trace: &std::path::Path) -> Vec<String> {
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
