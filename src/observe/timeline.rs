//! `--timeline FILE.svg`: the run drawn as one lane per thread — the chart people reach for
//! when they explain the GIL.
//!
//! How it stays readable from a 2-thread millisecond run to 50 threads over minutes:
//! - **Pixel columns, not spans.** The time axis is cut into one column per pixel; each lane
//!   sums, per column, how much of that time its thread spent in each of the five states.
//!   Spans wider than a pixel come out as solid bars; where many spans share a pixel the column
//!   shows their *shares*, stacked from the bottom (running, collecting, waiting, I/O, idle) and rounded to
//!   eighths of the lane height. Adjacent columns with the same shares merge into one rectangle,
//!   so the file size follows what is visible, not the number of events.
//! - **Lane height shrinks with the thread count**, labels stay legible, and each lane ends
//!   with its two largest shares in words.
//! - **Units follow the run length** (µs, ms or s, ticks at 1/2/5 steps), and a scale bar shows
//!   the switch interval at the picture's scale.
//! - **Colour-blind-friendly colours** (Okabe & Ito's palette): green for running, vermillion
//!   for waiting, sky blue for I/O, grey for idle, reddish purple for the cycle collector. No
//!   external resources: fonts fall back to the system's sans-serif.
//! - **The cycle collector** is drawn on the lane of the thread that runs it, each collection
//!   outlined (finalizers included) with its figures as a tooltip (`<title>`); free-threaded,
//!   each stop of the world is a see-through band across every lane it held up, and the time a
//!   thread spent parked has the collector's colour. Collections and stops that would touch at
//!   the picture's scale share one outline or band and one tooltip.

use std::fmt::Write as _;

use crate::gil::spans::{Category, Collection, MarkKind, ThreadSpans, Timeline, WorldStop};
use crate::gil::stats;

use super::{RunInfo, format_duration, format_interval};

const WIDTH: f64 = 1200.0;
const MARGIN: f64 = 24.0;
const SUMMARY_WIDTH: f64 = 170.0;
const LANES_TOP: f64 = 104.0;
const CATEGORIES: usize = Category::ALL.len();
/// Stops of the world: the collector's colour, see-through, across every lane.
const BAND: &str = colour(Category::Collector);
const BAND_OPACITY: &str = "0.3";
/// Shares are drawn in eighths of the lane height, so neighbouring columns merge.
const LEVELS: u32 = 8;
pub(super) const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

const fn colour(category: Category) -> &'static str {
    match category {
        Category::Running => "#009E73",
        Category::Waiting => "#D55E00",
        Category::Io => "#56B4E9",
        Category::Idle => "#BBBBBB",
        Category::Collector => "#CC79A7",
    }
}

fn legend_label(category: Category, free_threaded: bool) -> &'static str {
    match category {
        Category::Running if free_threaded => "running",
        Category::Running => "holding the GIL",
        Category::Waiting if free_threaded => "waiting for an object lock",
        Category::Waiting => "waiting for the GIL",
        Category::Io => "blocked in I/O or sleep",
        Category::Idle => "idle: lock, join or queue wait",
        Category::Collector if free_threaded => "cycle collector, or stopped by it",
        Category::Collector => "cycle collector",
    }
}

fn share_word(category: Category, free_threaded: bool) -> &'static str {
    match category {
        Category::Running if free_threaded => "ran",
        Category::Running => "held",
        Category::Waiting => "waited",
        Category::Io => "I/O",
        Category::Idle => "idle",
        Category::Collector => "gc",
    }
}

/// Text content or attribute value with XML's special characters escaped.
pub(super) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// Numbers in the SVG: at most two decimals, no trailing zeros.
pub(super) fn num(v: f64) -> String {
    let text = format!("{v:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// The `<g id="axis">` group: a horizontal line from `plot_x` across `plot_width` at `axis_y`,
/// and a labelled tick at each x position (shared by the timeline and `toy compare`'s chart).
pub(super) fn draw_time_axis<'a>(
    svg: &mut String,
    plot_x: f64,
    plot_width: f64,
    axis_y: f64,
    ticks: impl Iterator<Item = (f64, &'a str)>,
) {
    let _ = writeln!(svg, r##"<g id="axis" font-size="11" stroke="#888">"##);
    let _ = writeln!(
        svg,
        r#"<path d="M{} {y}H{}"/>"#,
        num(plot_x),
        num(plot_x + plot_width),
        y = num(axis_y + 0.5)
    );
    for (x, label) in ticks {
        let x = x.round() + 0.5;
        let _ = writeln!(
            svg,
            r#"<g class="tick"><path d="M{x} {a}v5"/><text class="tick" stroke="none" x="{x}" y="{b}" text-anchor="middle">{}</text></g>"#,
            xml(label),
            x = num(x),
            a = num(axis_y + 0.5),
            b = num(axis_y + 19.0)
        );
    }
    svg.push_str("</g>\n");
}

/// The time axis: unit (name, nanoseconds) and tick step chosen for a run of `duration` ns.
pub fn axis_ticks(duration: u64) -> (&'static str, Vec<(u64, String)>) {
    let duration = duration.max(1);
    let (unit, unit_ns) = if duration < 2_000_000 {
        ("µs", 1e3)
    } else if duration < 2_000_000_000 {
        ("ms", 1e6)
    } else {
        ("s", 1e9)
    };
    // About eight ticks, at 1, 2 or 5 times a power of ten.
    let raw = duration as f64 / 8.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
        .max(1.0);
    let decimals = (-(step / unit_ns).log10().floor()).max(0.0) as usize;
    let mut ticks = Vec::new();
    let mut k = 0u64;
    loop {
        let at = (k as f64 * step).round();
        if at > duration as f64 {
            break;
        }
        let label = if k == 0 {
            "0".to_string()
        } else {
            format!("{:.decimals$} {unit}", at / unit_ns)
        };
        ticks.push((at as u64, label));
        k += 1;
    }
    (unit, ticks)
}

/// Per pixel column, the time share of each category in `thread`'s lane, in eighths.
fn column_levels(thread: &ThreadSpans, columns: usize, ns_per_column: f64) -> Vec<[u8; CATEGORIES]> {
    let mut shares = vec![[0f64; CATEGORIES]; columns];
    for span in thread.spans.iter().filter(|s| s.duration() > 0) {
        let c = span.state.category().index();
        let from = span.start as f64 / ns_per_column;
        let to = (span.end as f64 / ns_per_column).min(columns as f64);
        let mut col = from.floor() as usize;
        while col < columns && (col as f64) < to {
            let overlap = to.min(col as f64 + 1.0) - from.max(col as f64);
            shares[col][c] += overlap.max(0.0);
            col += 1;
        }
    }
    shares.iter().map(quantise).collect()
}

/// Shares (summing to at most 1) as whole eighths by largest remainder, so that a column
/// entirely covered stays entirely covered.
fn quantise(shares: &[f64; CATEGORIES]) -> [u8; CATEGORIES] {
    let total: f64 = shares.iter().sum::<f64>().min(1.0);
    let target = (total * f64::from(LEVELS)).round() as u32;
    let mut levels = [0u8; CATEGORIES];
    let mut given = 0u32;
    let mut remainders: Vec<(f64, usize)> = Vec::with_capacity(CATEGORIES);
    for (i, share) in shares.iter().enumerate() {
        let exact = share * f64::from(LEVELS);
        let whole = (exact.floor() as u32).min(target - given);
        levels[i] = whole as u8;
        given += whole;
        remainders.push((exact - exact.floor(), i));
    }
    remainders.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Each share lost less than one level to the floor, so one pass makes up the difference.
    for (_, i) in remainders {
        if given >= target {
            break;
        }
        levels[i] += 1;
        given += 1;
    }
    levels
}

struct Layout {
    lane_height: f64,
    gap: f64,
    font: f64,
    plot_x: f64,
    plot_width: usize,
}

impl Layout {
    fn new(timeline: &Timeline) -> Layout {
        let n = timeline.threads.len();
        let (lane_height, gap) = match n {
            0..=6 => (28.0, 8.0),
            7..=12 => (22.0, 6.0),
            13..=24 => (16.0, 4.0),
            _ => (11.0, 3.0),
        };
        let font = if lane_height >= 16.0 { 12.0 } else { 10.0 };
        let longest = timeline
            .threads
            .iter()
            .map(|t| clip(&t.name, 28).chars().count())
            .max()
            .unwrap_or(0);
        let label_width = (longest as f64 * font * 0.58 + 16.0).clamp(80.0, 240.0);
        let plot_x = MARGIN + label_width;
        let plot_width = (WIDTH - plot_x - SUMMARY_WIDTH - MARGIN).max(100.0) as usize;
        Layout {
            lane_height,
            gap,
            font,
            plot_x,
            plot_width,
        }
    }

    fn lane_y(&self, i: usize) -> f64 {
        LANES_TOP + i as f64 * (self.lane_height + self.gap)
    }

    fn lanes_bottom(&self, n: usize) -> f64 {
        self.lane_y(n.max(1)) - self.gap
    }
}

pub fn render(timeline: &Timeline, info: &RunInfo) -> String {
    let stats = stats::compute(timeline);
    let ft = timeline.free_threaded;
    let layout = Layout::new(timeline);
    let n = timeline.threads.len();
    let duration = timeline.end.max(1);
    let ns_per_column = duration as f64 / layout.plot_width as f64;
    let axis_y = layout.lanes_bottom(n) + 10.0;
    let height = axis_y + 74.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" role="img" aria-labelledby="title">"#,
        w = num(WIDTH),
        h = num(height)
    );
    let mode = if ft { "free-threaded (no GIL)" } else { "GIL on" };
    let _ = writeln!(svg, r#"<title id="title">{} — {mode}</title>"#, xml(&info.script));
    svg.push_str("<style>");
    for category in Category::ALL {
        let _ = write!(svg, ".c{}{{fill:{}}}", category.index(), colour(category));
    }
    svg.push_str(".name{fill:#222}.note{fill:#666}.tick{fill:#555}</style>\n");
    let _ = writeln!(svg, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);

    // Title and the run's headline figures.
    let _ = writeln!(
        svg,
        r##"<text x="{x}" y="34" font-size="19" font-weight="600" fill="#111">{}</text>"##,
        xml(&info.script),
        x = num(MARGIN)
    );
    let t = &stats.totals;
    let queued = format!("{:.0}%", t.queued_share() * 100.0);
    let subtitle = if ft {
        format!(
            "{mode} · {} threads · wall {} · an object lock contended {queued} of the time",
            n,
            format_duration(t.wall)
        )
    } else {
        format!(
            "{mode} · {} threads · wall {} · {} switches · a thread queued for the GIL {queued} of the time",
            n,
            format_duration(t.wall),
            t.switches
        )
    };
    let collector = &stats.collector;
    let subtitle = match collector.collections() {
        0 => subtitle,
        n => format!(
            "{subtitle} · {n} cycle collection{} paused {}",
            if n == 1 { "" } else { "s" },
            format_duration(collector.pause.total)
        ),
    };
    let _ = writeln!(
        svg,
        r#"<text class="note" x="{x}" y="56" font-size="13">{}</text>"#,
        xml(&subtitle),
        x = num(MARGIN)
    );

    // Legend.
    svg.push_str("<g id=\"legend\" font-size=\"12\">\n");
    let mut x = MARGIN;
    let collected = collector.collections() > 0 || collector.parked > 0;
    let world_stops = stops_by_thread(timeline);
    let bands_drawn = ft && !world_stops.is_empty();
    // The collector's colour is listed only when the run has some of it.
    for category in Category::ALL
        .into_iter()
        .filter(|c| *c != Category::Collector || collected)
    {
        let label = legend_label(category, ft);
        let _ = writeln!(
            svg,
            r#"<g class="legend-item"><rect class="c{}" x="{}" y="71" width="14" height="14" rx="2"/><text class="name" x="{}" y="82.5">{}</text></g>"#,
            category.index(),
            num(x),
            num(x + 19.0),
            xml(label)
        );
        x += 19.0 + label.chars().count() as f64 * 6.3 + 20.0;
    }
    let marks_drawn = !ft;
    if marks_drawn {
        let _ = writeln!(
            svg,
            r##"<g class="legend-item"><path d="M{a} 71v9" stroke="#222" stroke-width="1.5"/><text class="name" x="{b}" y="82.5">forced switch</text></g>"##,
            a = num(x + 7.0),
            b = num(x + 14.0)
        );
    }
    if bands_drawn {
        let _ = writeln!(
            svg,
            r##"<g class="legend-item"><rect x="{}" y="70" width="14" height="16" fill="{BAND}" fill-opacity="{BAND_OPACITY}"/><text class="name" x="{}" y="82.5">world stopped (all lanes)</text></g>"##,
            num(x),
            num(x + 19.0)
        );
    }
    svg.push_str("</g>\n");

    // Grid and axis.
    let (_, ticks) = axis_ticks(duration);
    let x_of = |ns: u64| layout.plot_x + ns as f64 / ns_per_column;
    svg.push_str("<g id=\"grid\" stroke=\"#ececec\" stroke-width=\"1\">\n");
    for (at, _) in &ticks {
        let _ = writeln!(
            svg,
            r#"<path d="M{x} {top}V{bottom}"/>"#,
            x = num(x_of(*at).round() + 0.5),
            top = num(LANES_TOP - 4.0),
            bottom = num(axis_y)
        );
    }
    svg.push_str("</g>\n");

    // Lanes.
    svg.push_str("<g id=\"lanes\" shape-rendering=\"crispEdges\">\n");
    for (i, thread) in timeline.threads.iter().enumerate() {
        let y = layout.lane_y(i);
        let h = layout.lane_height;
        let _ = writeln!(svg, r#"<g class="lane" data-thread="{}">"#, xml(&thread.name));
        let _ = writeln!(
            svg,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#f6f6f6"/>"##,
            num(layout.plot_x),
            num(y),
            layout.plot_width,
            num(h)
        );
        let _ = writeln!(
            svg,
            r#"<text class="name" x="{}" y="{}" font-size="{}" text-anchor="end">{}</text>"#,
            num(layout.plot_x - 8.0),
            num(y + h / 2.0 + layout.font * 0.35),
            num(layout.font),
            xml(&clip(&thread.name, 28))
        );
        draw_lane(&mut svg, thread, &layout, y, ns_per_column);
        if marks_drawn {
            draw_forced_switches(&mut svg, thread, &layout, y, ns_per_column);
        }
        draw_collections(&mut svg, thread, &layout, y, ns_per_column);
        let _ = writeln!(
            svg,
            r#"<text class="note" x="{}" y="{}" font-size="{}">{}</text>"#,
            num(layout.plot_x + layout.plot_width as f64 + 10.0),
            num(y + h / 2.0 + layout.font * 0.35),
            num(layout.font - 1.0),
            xml(&lane_summary(thread, duration, ft))
        );
        svg.push_str("</g>\n");
    }
    svg.push_str("</g>\n");

    // Free-threaded, a stop of the world holds up every lane: one band across them all.
    if bands_drawn {
        draw_world_stops(&mut svg, &world_stops, &layout, n, ns_per_column);
    }

    // Axis line, ticks and labels.
    let tick_xs = ticks.iter().map(|(at, label)| (x_of(*at), label.as_str()));
    draw_time_axis(&mut svg, layout.plot_x, layout.plot_width as f64, axis_y, tick_xs);

    // The switch interval at this scale.
    let interval_px = info.switch_interval_ns as f64 / ns_per_column;
    let bar = interval_px.clamp(1.0, layout.plot_width as f64);
    let scale_y = axis_y + 42.0;
    let what = if ft {
        "switch interval (unused without a GIL)"
    } else if info.schedule.is_some() {
        "switch interval (unused: threads take deterministic turns)"
    } else {
        "switch interval"
    };
    let note = if interval_px < 1.0 {
        format!(
            "{} {what}, under a pixel at this scale",
            format_interval(info.switch_interval_ns)
        )
    } else if interval_px > layout.plot_width as f64 {
        format!(
            "{} {what}, longer than the run",
            format_interval(info.switch_interval_ns)
        )
    } else {
        format!("{} {what}", format_interval(info.switch_interval_ns))
    };
    let _ = writeln!(
        svg,
        r##"<g id="scale" font-size="11"><rect x="{x0}" y="{y0}" width="{w}" height="6" fill="#333"/><text class="note" x="{tx}" y="{ty}">{}</text></g>"##,
        xml(&note),
        x0 = num(layout.plot_x),
        w = num(bar.max(2.0)),
        y0 = num(scale_y - 3.0),
        tx = num(layout.plot_x + bar.max(2.0) + 8.0),
        ty = num(scale_y + 4.0)
    );
    let _ = writeln!(
        svg,
        r#"<text class="note" x="{}" y="{}" font-size="10" text-anchor="end">drawn by toy</text>"#,
        num(WIDTH - MARGIN),
        num(scale_y + 4.0)
    );
    svg.push_str("</svg>\n");
    svg
}

/// The lane's coloured columns: runs of identical shares as stacked rectangles.
fn draw_lane(svg: &mut String, thread: &ThreadSpans, layout: &Layout, y: f64, ns_per_column: f64) {
    let levels = column_levels(thread, layout.plot_width, ns_per_column);
    let mut col = 0;
    while col < levels.len() {
        let run_start = col;
        while col < levels.len() && levels[col] == levels[run_start] {
            col += 1;
        }
        let mut bottom = y + layout.lane_height;
        for category in Category::ALL {
            let share = levels[run_start][category.index()];
            if share == 0 {
                continue;
            }
            let h = layout.lane_height * f64::from(share) / f64::from(LEVELS);
            let _ = writeln!(
                svg,
                r#"<rect class="c{}" x="{}" y="{}" width="{}" height="{}"/>"#,
                category.index(),
                num(layout.plot_x + run_start as f64),
                num(bottom - h),
                col - run_start,
                num(h)
            );
            bottom -= h;
        }
    }
}

/// Forced switches as short ticks at the top of the lane, unless they are so dense that they
/// would hide the lane (then the waiting colour says it already).
fn draw_forced_switches(svg: &mut String, thread: &ThreadSpans, layout: &Layout, y: f64, ns_per_column: f64) {
    let mut columns: Vec<usize> = thread
        .marks
        .iter()
        .filter(|m| m.kind == MarkKind::ForcedSwitch)
        .map(|m| ((m.ts as f64 / ns_per_column) as usize).min(layout.plot_width - 1))
        .collect();
    columns.dedup();
    if columns.is_empty() || columns.len() > layout.plot_width / 6 {
        return;
    }
    let mut path = String::new();
    for col in columns {
        let _ = write!(
            path,
            "M{} {}v{}",
            num(layout.plot_x + col as f64 + 0.5),
            num(y),
            num((layout.lane_height * 0.4).round())
        );
    }
    let _ = writeln!(
        svg,
        r##"<path class="forced" d="{path}" stroke="#222" stroke-width="1"/>"##
    );
}

/// Intervals (start, end) in time order, grouped where they would touch or overlap at this
/// scale: each group is one shape with one tooltip, so a run of thousands of collections
/// draws at most a shape per pixel. Yields (first index, past-the-last index, from, to) in
/// pixel columns.
fn pixel_groups(intervals: &[(u64, u64)], ns_per_column: f64, columns: usize) -> Vec<(usize, usize, usize, usize)> {
    let mut groups: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (i, &(start, end)) in intervals.iter().enumerate() {
        let from = ((start as f64 / ns_per_column) as usize).min(columns.saturating_sub(1));
        let to = ((end as f64 / ns_per_column).ceil() as usize).clamp(from + 1, columns.max(from + 1));
        match groups.last_mut() {
            Some(group) if from <= group.3 => {
                group.1 = i + 1;
                group.3 = group.3.max(to);
            }
            _ => groups.push((i, i + 1, from, to)),
        }
    }
    groups
}

/// Each collection outlined on its lane, with its figures as a tooltip.
fn draw_collections(svg: &mut String, thread: &ThreadSpans, layout: &Layout, y: f64, ns_per_column: f64) {
    let intervals: Vec<(u64, u64)> = thread.collections.iter().map(|c| (c.start, c.end)).collect();
    for (first, last, from, to) in pixel_groups(&intervals, ns_per_column, layout.plot_width) {
        let _ = writeln!(
            svg,
            r#"<rect class="gc" x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" pointer-events="all"><title>{}</title></rect>"#,
            num(layout.plot_x + from as f64 + 0.5),
            num(y + 0.5),
            num(((to - from) as f64 - 1.0).max(0.0)),
            num(layout.lane_height - 1.0),
            colour(Category::Collector),
            xml(&collections_tooltip(&thread.collections[first..last]))
        );
    }
}

fn collections_tooltip(collections: &[Collection]) -> String {
    if let [c] = collections {
        let mut text = format!(
            "cycle collection, generation {}: {}, paused {}",
            c.generation,
            format_duration(c.duration()),
            format_duration(c.pause)
        );
        if c.stop_wait > 0 {
            let _ = write!(text, " (waited {} for threads to park)", format_duration(c.stop_wait));
        }
        if let Some((start, end)) = c.finalizers {
            let _ = write!(text, ", finalizers {}", format_duration(end.saturating_sub(start)));
        }
        let _ = write!(
            text,
            " — {} objects examined, {} collected, {} uncollectable",
            c.examined, c.collected, c.uncollectable
        );
        return text;
    }
    let mut per_generation = [0u64; 3];
    for c in collections {
        if let Some(count) = per_generation.get_mut(usize::from(c.generation)) {
            *count += 1;
        }
    }
    let generations: Vec<String> = per_generation
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(g, n)| format!("generation {g}: {n}"))
        .collect();
    format!(
        "{} cycle collections ({}): {} in all, paused {}, longest pause {} — {} collected",
        collections.len(),
        generations.join(", "),
        format_duration(collections.iter().map(Collection::duration).sum()),
        format_duration(collections.iter().map(|c| c.pause).sum()),
        format_duration(collections.iter().map(|c| c.pause).max().unwrap_or(0)),
        collections.iter().map(|c| c.collected).sum::<u64>()
    )
}

/// Every stop of the world in the run, in time order, with the name of the thread that made it.
fn stops_by_thread(timeline: &Timeline) -> Vec<(WorldStop, &str)> {
    let mut stops: Vec<(WorldStop, &str)> = timeline
        .threads
        .iter()
        .flat_map(|t| t.world_stops.iter().map(move |s| (*s, t.name.as_str())))
        .collect();
    stops.sort_by_key(|(s, _)| s.requested);
    stops
}

/// Stops of the world as translucent bands across every lane, each with a tooltip.
fn draw_world_stops(svg: &mut String, stops: &[(WorldStop, &str)], layout: &Layout, lanes: usize, ns_per_column: f64) {
    let top = LANES_TOP - 3.0;
    let height = layout.lanes_bottom(lanes) + 3.0 - top;
    let intervals: Vec<(u64, u64)> = stops.iter().map(|(s, _)| (s.requested, s.restarted)).collect();
    svg.push_str("<g id=\"world-stops\">\n");
    for (first, last, from, to) in pixel_groups(&intervals, ns_per_column, layout.plot_width) {
        let group = &stops[first..last];
        let mut stoppers: Vec<&str> = group.iter().map(|(_, name)| *name).collect();
        stoppers.sort_unstable();
        stoppers.dedup();
        let pause: u64 = group.iter().map(|(s, _)| s.pause()).sum();
        let wait: u64 = group.iter().map(|(s, _)| s.wait()).sum();
        let tooltip = match group {
            [_] => format!(
                "world stopped by {} for {} (of which {} waiting for threads to park)",
                stoppers.join(", "),
                format_duration(pause),
                format_duration(wait)
            ),
            _ => format!(
                "world stopped {} times by {}: {} in all (of which {} waiting for threads to park)",
                group.len(),
                stoppers.join(", "),
                format_duration(pause),
                format_duration(wait)
            ),
        };
        let _ = writeln!(
            svg,
            r#"<rect class="world-stop" x="{}" y="{}" width="{}" height="{}" fill="{BAND}" fill-opacity="{BAND_OPACITY}"><title>{}</title></rect>"#,
            num(layout.plot_x + from as f64),
            num(top),
            to - from,
            num(height),
            xml(&tooltip)
        );
    }
    svg.push_str("</g>\n");
}

/// "held 48% · waited 51%": the lane's two largest shares of the run.
fn lane_summary(thread: &ThreadSpans, duration: u64, free_threaded: bool) -> String {
    let mut totals = [0u64; CATEGORIES];
    for span in &thread.spans {
        totals[span.state.category().index()] += span.duration();
    }
    let mut shares: Vec<(u64, Category)> = Category::ALL.iter().map(|c| (totals[c.index()], *c)).collect();
    shares.sort_by_key(|s| std::cmp::Reverse(s.0));
    let words: Vec<String> = shares
        .iter()
        .filter(|(ns, _)| *ns * 100 >= duration)
        .take(2)
        .map(|(ns, c)| {
            format!(
                "{} {:.0}%",
                share_word(*c, free_threaded),
                *ns as f64 * 100.0 / duration as f64
            )
        })
        .collect();
    words.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gil::BlockKind;
    use crate::gil::spans::{Mark, Span, State};
    use quick_xml::events::Event as Xml;

    fn thread(ident: u64, spans: Vec<Span>, marks: Vec<Mark>) -> ThreadSpans {
        ThreadSpans {
            ident,
            name: format!("Thread-{ident} <&>"),
            spans,
            marks,
            voluntary_drops: 0,
            collections: Vec::new(),
            world_stops: Vec::new(),
        }
    }

    /// `threads` threads over `duration` ns, trading the GIL every `slice` ns.
    fn alternating(threads: u64, duration: u64, slice: u64) -> Timeline {
        let all = (0..threads)
            .map(|i| {
                let mut spans = Vec::new();
                let mut marks = Vec::new();
                let mut t = 0;
                let mut turn = 0;
                while t < duration {
                    let end = (t + slice).min(duration);
                    let state = if turn % threads == i {
                        State::Running
                    } else {
                        State::WaitingGil
                    };
                    spans.push(Span { start: t, end, state });
                    if state == State::Running {
                        marks.push(Mark {
                            ts: end,
                            kind: MarkKind::ForcedSwitch,
                        });
                    }
                    t = end;
                    turn += 1;
                }
                if i == 0 {
                    spans.push(Span {
                        start: duration,
                        end: duration + duration / 10,
                        state: State::Blocked(BlockKind::Sleep),
                    });
                }
                thread(i + 1, spans, marks)
            })
            .collect();
        Timeline {
            free_threaded: false,
            end: duration + duration / 10,
            threads: all,
        }
    }

    /// What the tests check in a picture: it parses as XML, and these are its parts.
    struct Parts {
        lanes: usize,
        legend_items: usize,
        ticks: usize,
        rects: usize,
        texts: Vec<String>,
    }

    fn parse(svg: &str) -> Parts {
        let mut reader = quick_xml::Reader::from_str(svg);
        let mut parts = Parts {
            lanes: 0,
            legend_items: 0,
            ticks: 0,
            rects: 0,
            texts: Vec::new(),
        };
        let mut depth = 0i32;
        loop {
            let event = reader.read_event().expect("well-formed XML");
            let class_of = |e: &quick_xml::events::BytesStart<'_>| {
                e.try_get_attribute("class").ok().flatten().map(|a| a.value.to_string())
            };
            match event {
                Xml::Start(e) => {
                    depth += 1;
                    match class_of(&e).as_deref() {
                        Some("lane") => parts.lanes += 1,
                        Some("legend-item") => parts.legend_items += 1,
                        Some("tick") if e.name().as_ref() == "g" => parts.ticks += 1,
                        _ => {}
                    }
                }
                Xml::Empty(e) if e.name().as_ref() == "rect" => parts.rects += 1,
                Xml::End(_) => depth -= 1,
                Xml::Text(t) => parts.texts.push(t.as_ref().to_string()),
                Xml::Eof => break,
                _ => {}
            }
        }
        assert_eq!(depth, 0, "unbalanced elements");
        parts
    }

    fn info() -> RunInfo {
        RunInfo {
            script: "programs/gil/convoy.toy".into(),
            switch_interval_ns: 5_000_000,
            schedule: None,
        }
    }

    #[test]
    fn two_threads_one_lane_each_with_legend_and_axis() {
        let svg = render(&alternating(2, 100_000_000, 5_000_000), &info());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        let parts = parse(&svg);
        assert_eq!(parts.lanes, 2);
        assert_eq!(parts.legend_items, 5, "four states and the forced-switch mark");
        assert!(parts.ticks >= 4, "{} ticks", parts.ticks);
        assert!(svg.contains("Thread-1 &lt;&amp;&gt;"), "names are escaped");
        assert!(svg.contains("5 ms switch interval"));
        assert!(svg.contains("100 ms"), "ticks in milliseconds");
        assert!(svg.contains("held 45%"), "lane summary");
        assert!(svg.contains("class=\"forced\""));
    }

    #[test]
    fn fifty_threads_over_minutes_stay_small() {
        // 50 threads trading the GIL every 5 ms for two minutes: 1.2 M spans.
        let timeline = alternating(50, 120_000_000_000, 5_000_000);
        let svg = render(&timeline, &info());
        let parts = parse(&svg);
        assert_eq!(parts.lanes, 50);
        assert!(svg.contains("under a pixel at this scale"));
        assert!(svg.contains("20 s"), "ticks in seconds");
        // Aggregated per pixel column: a few rectangles per lane, not one per span.
        assert!(parts.rects < 50 * 40, "{} rectangles", parts.rects);
        assert!(svg.len() < 400_000, "{} bytes", svg.len());
        assert!(!svg.contains("class=\"forced\""), "too dense to draw");
    }

    #[test]
    fn short_runs_use_microseconds_and_an_empty_log_still_draws() {
        let (unit, ticks) = axis_ticks(800_000);
        assert_eq!(unit, "µs");
        assert_eq!(ticks[1].1, "100 µs");
        let (unit, ticks) = axis_ticks(1_500_000_000);
        assert_eq!(unit, "ms");
        assert_eq!(ticks[1].1, "200 ms");
        let (_, ticks) = axis_ticks(3_000_000_000);
        assert_eq!(ticks[1].1, "0.5 s");
        let empty = Timeline {
            free_threaded: true,
            end: 0,
            threads: Vec::new(),
        };
        let parts = parse(&render(&empty, &info()));
        assert_eq!(parts.lanes, 0);
        assert!(parts.texts.iter().any(|t| t.contains("free-threaded")));
    }

    /// `thread`'s lane with `collections` collections of 1 µs every `every` ns from `first`,
    /// each stopping the world; a second thread parked by each.
    fn collecting(free_threaded: bool, first: u64, every: u64, collections: u64) -> Timeline {
        let mut collector = Vec::new();
        let mut parked = Vec::new();
        let mut runs = Vec::new();
        let mut stops = Vec::new();
        let mut t = 0;
        for i in 0..collections {
            let start = first + i * every;
            runs.push(Span {
                start: t,
                end: start,
                state: State::Running,
            });
            runs.push(Span {
                start,
                end: start + 1_000,
                state: State::Collecting,
            });
            parked.push(Span {
                start: start + 100,
                end: start + 900,
                state: State::Blocked(BlockKind::StopTheWorld),
            });
            collector.push(Collection {
                generation: if i == 0 { 2 } else { 0 },
                start,
                end: start + 1_000,
                examined: 500,
                collected: 40,
                uncollectable: 0,
                pause: 800,
                stop_wait: 100,
                finalizers: None,
            });
            stops.push(WorldStop {
                requested: start + 50,
                stopped: start + 150,
                restarted: start + 850,
            });
            t = start + 1_000;
        }
        let end = t + every;
        runs.push(Span {
            start: t,
            end,
            state: State::Running,
        });
        let mut main = thread(1, runs, Vec::new());
        main.collections = collector;
        main.world_stops = stops;
        Timeline {
            free_threaded,
            end,
            threads: vec![main, thread(2, parked, Vec::new())],
        }
    }

    fn count(svg: &str, needle: &str) -> usize {
        svg.matches(needle).count()
    }

    #[test]
    fn collections_have_a_colour_an_outline_and_a_tooltip() {
        // Three collections 10 ms apart in a 40 ms run: each its own outline.
        let svg = render(&collecting(false, 1_000_000, 10_000_000, 3), &info());
        let parts = parse(&svg);
        assert_eq!(parts.legend_items, 6, "five states and the forced-switch mark");
        assert!(svg.contains(">cycle collector</text>"));
        assert!(svg.contains(&format!("class=\"c{}\"", Category::Collector.index())));
        assert_eq!(count(&svg, "class=\"gc\""), 3);
        assert!(svg.contains(
            "<title>cycle collection, generation 2: 1.00 µs, paused 800 ns (waited 100 ns for threads to park) — 500 objects examined, 40 collected, 0 uncollectable</title>"
        ));
        assert!(svg.contains("3 cycle collections paused 2.40 µs"), "subtitle");
        // With the GIL nobody parks: no bands across the lanes.
        assert_eq!(count(&svg, "class=\"world-stop\""), 0);
    }

    #[test]
    fn free_threaded_a_stop_of_the_world_crosses_every_lane() {
        let svg = render(&collecting(true, 1_000_000, 10_000_000, 3), &info());
        let parts = parse(&svg);
        assert_eq!(parts.legend_items, 6, "five states and the band, no forced switches");
        assert!(svg.contains("cycle collector, or stopped by it"));
        assert_eq!(count(&svg, "class=\"world-stop\""), 3);
        assert!(svg.contains(
            "<title>world stopped by Thread-1 &lt;&amp;&gt; for 800 ns (of which 100 ns waiting for threads to park)</title>"
        ));
    }

    #[test]
    fn thousands_of_collections_share_outlines_and_bands() {
        // 20,000 collections 50 µs apart over a second: far more than pixels.
        let svg = render(&collecting(true, 0, 50_000, 20_000), &info());
        let outlines = count(&svg, "class=\"gc\"");
        let bands = count(&svg, "class=\"world-stop\"");
        assert!((1..=1_000).contains(&outlines), "{outlines} outlines");
        assert!((1..=1_000).contains(&bands), "{bands} bands");
        assert!(svg.contains("cycle collections (generation 0: "), "a grouped tooltip");
        assert!(svg.contains("world stopped "), "a grouped band's tooltip");
        assert!(svg.len() < 600_000, "{} bytes", svg.len());
        parse(&svg);
    }

    #[test]
    fn shares_round_to_eighths_and_full_columns_stay_full() {
        assert_eq!(quantise(&[1.0, 0.0, 0.0, 0.0, 0.0]), [8, 0, 0, 0, 0]);
        assert_eq!(quantise(&[0.5, 0.5, 0.0, 0.0, 0.0]), [4, 4, 0, 0, 0]);
        assert_eq!(quantise(&[0.34, 0.33, 0.0, 0.33, 0.0]).iter().sum::<u8>(), 8);
        assert_eq!(quantise(&[0.999_999, 0.0, 0.0, 0.0, 0.0]), [8, 0, 0, 0, 0]);
        assert_eq!(quantise(&[0.25, 0.0, 0.0, 0.0, 0.0]), [2, 0, 0, 0, 0]);
        assert_eq!(quantise(&[0.0; CATEGORIES]), [0; CATEGORIES]);
    }
}
