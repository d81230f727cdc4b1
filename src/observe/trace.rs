//! `--trace FILE.json`: the timeline in Chrome's trace-event format, for Perfetto
//! (ui.perfetto.dev) and chrome://tracing.
//!
//! The format is a JSON object whose `traceEvents` array holds, per thread: `M` metadata events
//! naming the track (`thread_name`, `thread_sort_index`), one `X` complete event per span
//! (`ts` and `dur` in microseconds, with nanosecond decimals), and thread-scoped instant events
//! (`"ph": "i", "s": "t"`) for drop requests and forced switches. A track's events are written
//! in time order and its spans never overlap, so every viewer stacks them on one row.

use std::fmt::Write as _;

use crate::gil::BlockKind;
use crate::gil::spans::{Category, MarkKind, State, Timeline};

use super::RunInfo;

/// The slice name a viewer shows for a span.
fn span_name(state: State, free_threaded: bool) -> &'static str {
    match state {
        State::Running if free_threaded => "running",
        State::Running => "holding GIL",
        State::WaitingGil => "waiting for GIL",
        State::Blocked(kind) => kind.label(),
        State::Collecting => "cycle collection",
    }
}

/// The category (`cat`), which viewers can filter and colour by.
fn span_category(state: State) -> &'static str {
    match state.category() {
        Category::Running => "running",
        Category::Waiting if state == State::WaitingGil => "gil",
        Category::Waiting => "contention",
        Category::Io => "blocked.io",
        Category::Idle => "blocked.sync",
        Category::Collector => "gc",
    }
}

/// Microseconds with nanosecond precision, as trace viewers expect `ts` and `dur`.
fn micros(ns: u64) -> String {
    format!("{}.{:03}", ns / 1000, ns % 1000)
}

/// A JSON string literal.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A slice's place on its track: where it starts, then parents before the slices they
/// contain (viewers nest a slice in the one open when it starts), instants last.
type Key = (u64, u8);
const TOP: u8 = 0;
const NESTED: u8 = 1;
const NESTED_TWICE: u8 = 2;
const INSTANT: u8 = 9;

/// One track's events, each with its key, sorted into the order viewers expect.
struct Track {
    pid: u32,
    tid: u64,
    events: Vec<(Key, String)>,
}

impl Track {
    /// A complete (`X`) slice from `start` to `end`; `args` is a JSON object or empty.
    fn slice(&mut self, depth: u8, start: u64, end: u64, name: &str, cat: &str, args: &str) {
        if end <= start {
            return;
        }
        let args = if args.is_empty() {
            String::new()
        } else {
            format!(r#","args":{args}"#)
        };
        self.events.push((
            (start, depth),
            format!(
                r#"{{"name":{},"cat":"{cat}","ph":"X","ts":{},"dur":{},"pid":{},"tid":{}{args}}}"#,
                json_string(name),
                micros(start),
                micros(end - start),
                self.pid,
                self.tid
            ),
        ));
    }
}

/// The whole trace file.
pub fn render(timeline: &Timeline, info: &RunInfo, children: &[String]) -> String {
    let ft = timeline.free_threaded;
    let mode = if ft { "free-threaded" } else { "GIL" };
    let label = format!("toy {} ({mode})", info.script);
    let mut events = process_events(timeline, std::process::id(), &label, 0);
    events.extend(children.iter().cloned());
    let mut out = String::with_capacity(events.iter().map(|e| e.len() + 2).sum::<usize>() + 256);
    let _ = write!(
        out,
        "{{\"displayTimeUnit\":\"ms\",\"otherData\":{{\"script\":{},\"mode\":\"{mode}\",\"switch_interval_us\":{}}},\n\"traceEvents\":[\n",
        json_string(&info.script),
        micros(info.switch_interval_ns)
    );
    out.push_str(&events.join(",\n"));
    out.push_str("\n]}\n");
    out
}

/// The trace events of one process: its name (`label`), then its threads as lanes. Processes
/// are shown in the order of `sort_index` (the parent 0, its children after it).
pub fn process_events(timeline: &Timeline, pid: u32, label: &str, sort_index: u32) -> Vec<String> {
    let ft = timeline.free_threaded;
    let mut events: Vec<String> = vec![
        format!(
            r#"{{"name":"process_name","ph":"M","pid":{pid},"tid":0,"args":{{"name":{}}}}}"#,
            json_string(label)
        ),
        format!(r#"{{"name":"process_sort_index","ph":"M","pid":{pid},"tid":0,"args":{{"sort_index":{sort_index}}}}}"#),
    ];
    for (index, thread) in timeline.threads.iter().enumerate() {
        let tid = thread.ident;
        events.push(format!(
            r#"{{"name":"thread_name","ph":"M","pid":{pid},"tid":{tid},"args":{{"name":{}}}}}"#,
            json_string(&thread.name)
        ));
        events.push(format!(
            r#"{{"name":"thread_sort_index","ph":"M","pid":{pid},"tid":{tid},"args":{{"sort_index":{index}}}}}"#
        ));
        let mut track = Track {
            pid,
            tid,
            events: Vec::with_capacity(thread.spans.len() + thread.marks.len()),
        };
        // Both in time order: the collections ending before a span are passed for good.
        let mut collections = thread.collections.iter().peekable();
        for span in &thread.spans {
            // The collector's own work is drawn by its collection's slice and phases.
            if span.state == State::Collecting {
                continue;
            }
            while collections.next_if(|c| c.end <= span.start).is_some() {}
            let in_collection = collections.peek().is_some_and(|c| c.start <= span.start);
            // Inside a collection, a span belongs to its finalizers.
            let depth = if in_collection { NESTED_TWICE } else { TOP };
            let args = match span.state {
                State::Blocked(BlockKind::StopTheWorld) => stopper_of(timeline, thread.ident, span.start)
                    .map(|name| format!(r#"{{"stopped_by":{}}}"#, json_string(name)))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            track.slice(
                depth,
                span.start,
                span.end,
                span_name(span.state, ft),
                span_category(span.state),
                &args,
            );
        }
        for c in &thread.collections {
            let args = format!(
                r#"{{"generation":{},"examined":{},"collected":{},"uncollectable":{},"pause_us":{},"stop_wait_us":{}}}"#,
                c.generation,
                c.examined,
                c.collected,
                c.uncollectable,
                micros(c.pause),
                micros(c.stop_wait)
            );
            let name = format!("cycle collection, generation {}", c.generation);
            track.slice(TOP, c.start, c.end, &name, "gc", &args);
            if let Some((start, end)) = c.finalizers {
                track.slice(NESTED, start, end, "finalizers", "gc", "");
            }
        }
        let mut collections = thread.collections.iter().peekable();
        for stop in &thread.world_stops {
            while collections.next_if(|c| c.end <= stop.requested).is_some() {}
            let in_collection = collections.peek().is_some_and(|c| c.start <= stop.requested);
            // Inside a collection, a phase of it; elsewhere (`gc.get_objects()`…) inside a
            // running span, and with the GIL nothing more than holding it.
            let name = match (ft, in_collection) {
                (true, _) => "stop-the-world",
                (false, true) => "analysis (GIL held)",
                (false, false) => continue,
            };
            track.slice(NESTED, stop.requested, stop.restarted, name, "gc", "");
            if ft {
                track.slice(
                    NESTED_TWICE,
                    stop.requested,
                    stop.stopped,
                    "waiting for threads to park",
                    "gc",
                    "",
                );
            }
        }
        for mark in &thread.marks {
            let name = match mark.kind {
                MarkKind::DropRequest => "drop request",
                MarkKind::ForcedSwitch => "forced switch",
            };
            track.events.push((
                (mark.ts, INSTANT),
                format!(
                    r#"{{"name":"{name}","cat":"gil","ph":"i","s":"t","ts":{},"pid":{pid},"tid":{tid}}}"#,
                    micros(mark.ts)
                ),
            ));
        }
        // Stable: slices of one depth starting together keep the order they were added in.
        track.events.sort_by_key(|(key, _)| *key);
        events.extend(track.events.into_iter().map(|(_, json)| json));
    }
    events
}

/// The thread whose stop of the world was in force at `ts`, other than `parked`.
fn stopper_of(timeline: &Timeline, parked: u64, ts: u64) -> Option<&str> {
    timeline
        .threads
        .iter()
        .filter(|t| t.ident != parked)
        .find(|t| t.world_stops.iter().any(|s| s.requested <= ts && ts <= s.restarted))
        .map(|t| t.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gil::spans::{Collection, Mark, Span, ThreadSpans, WorldStop};

    fn sample() -> Timeline {
        let span = |start, end, state| Span { start, end, state };
        Timeline {
            free_threaded: false,
            end: 5_000_000,
            threads: vec![
                ThreadSpans {
                    ident: 1,
                    name: "MainThread".into(),
                    spans: vec![
                        span(0, 1_000, State::WaitingGil),
                        span(1_000, 2_000_000, State::Running),
                        span(2_000_000, 2_500_000, State::WaitingGil),
                        span(2_500_500, 5_000_000, State::Blocked(BlockKind::Join)),
                    ],
                    marks: vec![Mark {
                        ts: 2_000_000,
                        kind: MarkKind::ForcedSwitch,
                    }],
                    voluntary_drops: 1,
                    collections: Vec::new(),
                    world_stops: Vec::new(),
                },
                ThreadSpans {
                    ident: 2,
                    name: "Thread-1 \"worker\"\n".into(),
                    spans: vec![
                        span(10_000, 10_000, State::WaitingGil),
                        span(10_000, 2_000_000, State::WaitingGil),
                        span(2_000_000, 4_999_999, State::Running),
                        span(4_999_999, 5_000_000, State::Blocked(BlockKind::Sleep)),
                    ],
                    marks: vec![Mark {
                        ts: 1_500_000,
                        kind: MarkKind::DropRequest,
                    }],
                    voluntary_drops: 0,
                    collections: Vec::new(),
                    world_stops: Vec::new(),
                },
            ],
        }
    }

    fn info() -> RunInfo {
        RunInfo {
            script: "demo \"x\".toy".into(),
            switch_interval_ns: 5_000_000,
            schedule: None,
        }
    }

    #[test]
    fn trace_is_valid_trace_event_json() {
        let text = render(&sample(), &info(), &[]);
        let trace: serde_json::Value = serde_json::from_str(&text).expect("the trace is JSON");
        // The format itself is checked on real runs by tests/run_programs.rs.
        let events = trace["traceEvents"].as_array().expect("array");
        let names: Vec<&str> = events.iter().filter_map(|e| e["name"].as_str()).collect();
        for wanted in [
            "holding GIL",
            "waiting for GIL",
            "join",
            "sleep",
            "forced switch",
            "drop request",
        ] {
            assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
        }
        assert_nested(events);
        // Zero-length spans are left out; the odd thread name survives escaping.
        assert_eq!(events.iter().filter(|e| e["ph"] == "X").count(), 7);
        assert!(events.iter().any(|e| e["args"]["name"] == "Thread-1 \"worker\"\n"));
        let first = events.iter().find(|e| e["ph"] == "X").expect("a span");
        assert_eq!(first["ts"].as_f64(), Some(0.0));
        assert_eq!(first["dur"].as_f64(), Some(1.0));
        assert_eq!(trace["otherData"]["script"], "demo \"x\".toy");
    }

    /// Per track, every slice starting inside another ends inside it too: viewers stack them.
    fn assert_nested(events: &[serde_json::Value]) {
        let mut open: std::collections::HashMap<u64, Vec<f64>> = std::collections::HashMap::new();
        for e in events.iter().filter(|e| e["ph"] == "X") {
            let (ts, dur) = (e["ts"].as_f64().unwrap_or(0.0), e["dur"].as_f64().unwrap_or(0.0));
            let stack = open.entry(e["tid"].as_u64().unwrap_or(0)).or_default();
            while stack.last().is_some_and(|end| *end <= ts + 1e-6) {
                stack.pop();
            }
            if let Some(end) = stack.last() {
                assert!(ts + dur <= *end + 1e-6, "{e} overlaps the slice it starts in");
            }
            stack.push(ts + dur);
        }
    }

    /// Free-threaded: thread 1 collects (a stop, finalizers that sleep, a second stop) while
    /// thread 2 is parked by the first stop.
    fn collecting() -> Timeline {
        let span = |start, end, state| Span { start, end, state };
        let stop = |requested, stopped, restarted| WorldStop {
            requested,
            stopped,
            restarted,
        };
        let thread = |ident: u64, name: &str, spans, collections, world_stops| ThreadSpans {
            ident,
            name: name.into(),
            spans,
            marks: Vec::new(),
            voluntary_drops: 0,
            collections,
            world_stops,
        };
        Timeline {
            free_threaded: true,
            end: 100_000,
            threads: vec![
                thread(
                    1,
                    "MainThread",
                    vec![
                        span(0, 10_000, State::Running),
                        span(10_000, 30_000, State::Collecting),
                        span(30_000, 32_000, State::Running),
                        span(32_000, 38_000, State::Blocked(BlockKind::Sleep)),
                        span(38_000, 40_000, State::Running),
                        span(40_000, 50_000, State::Collecting),
                        span(50_000, 100_000, State::Running),
                    ],
                    vec![Collection {
                        generation: 2,
                        start: 10_000,
                        end: 50_000,
                        examined: 1234,
                        collected: 56,
                        uncollectable: 0,
                        pause: 22_000,
                        stop_wait: 3_000,
                        finalizers: Some((30_000, 40_000)),
                    }],
                    vec![stop(10_000, 12_000, 28_000), stop(41_000, 42_000, 47_000)],
                ),
                thread(
                    2,
                    "worker",
                    vec![
                        span(0, 11_000, State::Running),
                        span(11_000, 28_500, State::Blocked(BlockKind::StopTheWorld)),
                        span(28_500, 100_000, State::Running),
                    ],
                    Vec::new(),
                    Vec::new(),
                ),
            ],
        }
    }

    #[test]
    fn a_collection_is_a_slice_with_its_phases_and_parks_name_the_stopper() {
        let text = render(&collecting(), &info(), &[]);
        let trace: serde_json::Value = serde_json::from_str(&text).expect("the trace is JSON");
        let events = trace["traceEvents"].as_array().expect("array");
        assert_nested(events);
        let named = |name: &str| -> Vec<&serde_json::Value> { events.iter().filter(|e| e["name"] == name).collect() };
        let collection = named("cycle collection, generation 2");
        assert_eq!(collection.len(), 1);
        let args = &collection[0]["args"];
        assert_eq!(
            (args["examined"].as_u64(), args["collected"].as_u64()),
            (Some(1234), Some(56))
        );
        assert_eq!(args["pause_us"].as_f64(), Some(22.0));
        assert_eq!(collection[0]["dur"].as_f64(), Some(40.0));
        assert_eq!(named("stop-the-world").iter().filter(|e| e["tid"] == 1).count(), 2);
        assert_eq!(named("waiting for threads to park").len(), 2);
        assert_eq!(named("finalizers").len(), 1);
        // The collector's own work is the collection's slice, not a state slice beside it.
        assert!(named("cycle collection").is_empty());
        // The sleep inside a finalizer is still there, nested.
        assert_eq!(named("sleep").len(), 1);
        let parked: Vec<_> = named("stop-the-world").into_iter().filter(|e| e["tid"] == 2).collect();
        assert_eq!(parked.len(), 1);
        assert_eq!(parked[0]["args"]["stopped_by"], "MainThread");
        assert_eq!(parked[0]["cat"], "gc");
    }

    #[test]
    fn with_the_gil_a_stop_is_the_analysis_and_only_inside_a_collection() {
        let mut timeline = collecting();
        timeline.free_threaded = false;
        // `gc.get_objects()` outside any collection: with the GIL, nothing to show.
        timeline.threads[0].world_stops.push(WorldStop {
            requested: 60_000,
            stopped: 60_000,
            restarted: 61_000,
        });
        let text = render(&timeline, &info(), &[]);
        assert_eq!(text.matches("\"analysis (GIL held)\"").count(), 2);
        assert!(!text.contains("waiting for threads to park"));
    }

    #[test]
    fn json_strings_escape_controls() {
        assert_eq!(json_string("a\"b\\c\u{1}é"), "\"a\\\"b\\\\c\\u0001é\"");
    }
}
