//! `--trace FILE.json`: the timeline in Chrome's trace-event format, for Perfetto
//! (ui.perfetto.dev) and chrome://tracing.
//!
//! The format is a JSON object whose `traceEvents` array holds, per thread: `M` metadata events
//! naming the track (`thread_name`, `thread_sort_index`), one `X` complete event per span
//! (`ts` and `dur` in microseconds, with nanosecond decimals), and thread-scoped instant events
//! (`"ph": "i", "s": "t"`) for drop requests and forced switches. A track's events are written
//! in time order and its spans never overlap, so every viewer stacks them on one row.

use std::fmt::Write as _;

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

/// The whole trace file.
pub fn render(timeline: &Timeline, info: &RunInfo) -> String {
    let pid = std::process::id();
    let mode = if timeline.free_threaded { "free-threaded" } else { "GIL" };
    let mut events: Vec<String> = vec![format!(
        r#"{{"name":"process_name","ph":"M","pid":{pid},"tid":0,"args":{{"name":{}}}}}"#,
        json_string(&format!("toy {} ({mode})", info.script))
    )];
    for (index, thread) in timeline.threads.iter().enumerate() {
        let tid = thread.ident;
        events.push(format!(
            r#"{{"name":"thread_name","ph":"M","pid":{pid},"tid":{tid},"args":{{"name":{}}}}}"#,
            json_string(&thread.name)
        ));
        events.push(format!(
            r#"{{"name":"thread_sort_index","ph":"M","pid":{pid},"tid":{tid},"args":{{"sort_index":{index}}}}}"#
        ));
        // Spans and marks merged in time order (a mark sorts after a span starting with it).
        let mut track: Vec<(u64, u8, String)> = Vec::with_capacity(thread.spans.len() + thread.marks.len());
        for span in thread.spans.iter().filter(|s| s.duration() > 0) {
            track.push((
                span.start,
                0,
                format!(
                    r#"{{"name":{},"cat":"{}","ph":"X","ts":{},"dur":{},"pid":{pid},"tid":{tid}}}"#,
                    json_string(span_name(span.state, timeline.free_threaded)),
                    span_category(span.state),
                    micros(span.start),
                    micros(span.duration())
                ),
            ));
        }
        for mark in &thread.marks {
            let name = match mark.kind {
                MarkKind::DropRequest => "drop request",
                MarkKind::ForcedSwitch => "forced switch",
            };
            track.push((
                mark.ts,
                1,
                format!(
                    r#"{{"name":"{name}","cat":"gil","ph":"i","s":"t","ts":{},"pid":{pid},"tid":{tid}}}"#,
                    micros(mark.ts)
                ),
            ));
        }
        track.sort_by_key(|(ts, order, _)| (*ts, *order));
        events.extend(track.into_iter().map(|(_, _, json)| json));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gil::BlockKind;
    use crate::gil::spans::{Mark, Span, ThreadSpans};

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
        let text = render(&sample(), &info());
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
        // Zero-length spans are left out; the odd thread name survives escaping.
        assert_eq!(events.iter().filter(|e| e["ph"] == "X").count(), 7);
        assert!(events.iter().any(|e| e["args"]["name"] == "Thread-1 \"worker\"\n"));
        let first = events.iter().find(|e| e["ph"] == "X").expect("a span");
        assert_eq!(first["ts"].as_f64(), Some(0.0));
        assert_eq!(first["dur"].as_f64(), Some(1.0));
        assert_eq!(trace["otherData"]["script"], "demo \"x\".toy");
    }

    #[test]
    fn json_strings_escape_controls() {
        assert_eq!(json_string("a\"b\\c\u{1}é"), "\"a\\\"b\\\\c\\u0001é\"");
    }
}
