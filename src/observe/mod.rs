//! Showing the GIL: what toy does with its event log ([`crate::gil::events`]).
//!
//! The command line turns the log on (`-X gilstats`, `--trace FILE`, `--timeline FILE`); at exit
//! [`finish`] rebuilds the run as spans once and hands them to each requested output: the stats
//! table on stderr ([`report`]), the Chrome trace ([`trace`]) and the SVG picture
//! ([`timeline`]). Output files are created up front, so a bad path is a usage error before the
//! program runs rather than a lost result after it.

pub mod children;
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
        let children = children::take_child_parts(&path);
        result = result.and(write(file, &path, "trace", &trace::render(&timeline, &info, &children)));
    }
    if let Some((path, file)) = outputs.timeline {
        let mut timeline = timeline;
        for part in children::take_child_parts(&path) {
            timeline.threads.extend(children::decode_lanes(&part));
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
