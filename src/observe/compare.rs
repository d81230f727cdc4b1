//! `toy compare [OPTIONS] FILE [ARGS…]`: the same script as separate toy processes with the GIL
//! on (at one or more switch intervals) and off, and one table of what that changed.
//!
//! Each configuration runs `--runs` times as a child of this very executable, interleaved
//! round-robin (configuration A, B, C, then A, B, C again…) so that noise on a shared machine
//! falls on all of them alike. Per run: wall time (from spawn to exit), the child's CPU time
//! (user + system, from `getrusage(RUSAGE_CHILDREN)` before and after — children run one at a
//! time, so the difference is exactly that child's), its stdout, and its GIL totals and time in
//! cycle collections, which the child writes at exit to a temporary file named by the hidden
//! `--gil-totals FILE` option (one line of `key=value` pairs, [`totals_line`]). That turns the child's event log on, which costs
//! it ≤ 1% (README, "Seeing the GIL"), in every configuration alike.
//!
//! A configuration is a [`Config`]; [`configs`] crosses the GIL-on settings (switch intervals
//! and handoff policies) and adds the free-threaded one.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;

use crate::gil::lock::Policy;
use crate::gil::stats::Stats;

use super::timeline::{FONT, axis_ticks, draw_time_axis, num, xml};
use super::{format_interval, report};

/// Run a script with the GIL on and off and compare wall time, CPU time, parallelism, GIL
/// wait and output. Options go before FILE; everything after FILE is passed to the script.
#[derive(Parser, Debug)]
#[command(name = "toy compare", bin_name = "toy compare", version)]
struct Args {
    /// Runs per configuration, interleaved round-robin across configurations.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    runs: u32,

    /// Switch interval(s) in milliseconds for the GIL-on runs: one GIL-on configuration each
    /// (repeat the option or separate with commas). Default: toy's default, 5 ms.
    #[arg(long = "interval", value_name = "MS", value_delimiter = ',', value_parser = parse_interval)]
    intervals: Vec<u64>,

    /// GIL handoff policies for the GIL-on runs (`cpython`, `fifo`, `io-priority`): one GIL-on
    /// configuration per policy and interval. Default: toy's default, cpython.
    #[arg(long = "policy", value_name = "NAME", value_delimiter = ',', value_parser = parse_policy)]
    policies: Vec<Policy>,

    /// Set TOY_THREADS=N in the children's environment, for scripts that read their thread
    /// count with `os.environ.get("TOY_THREADS")`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    threads: Option<u32>,

    /// Also draw the median wall times (with min–max whiskers) as an SVG bar chart.
    #[arg(long, value_name = "OUT.svg")]
    svg: Option<PathBuf>,

    /// Script to run, then its arguments.
    #[arg(
        value_name = "FILE",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<OsString>,
}

/// Milliseconds, fractions allowed, as microseconds (at least 1).
fn parse_interval(text: &str) -> Result<u64, String> {
    match text.trim().parse::<f64>() {
        Ok(ms) if ms.is_finite() && ms > 0.0 && ms <= 3_600_000.0 => Ok(((ms * 1000.0).round() as u64).max(1)),
        _ => Err(format!("'{text}' is not a positive number of milliseconds")),
    }
}

fn parse_policy(text: &str) -> Result<Policy, String> {
    Policy::from_name(text.trim()).ok_or_else(|| format!("'{text}' is not a policy: use {}", Policy::NAMES))
}

/// One way of running the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub free_threaded: bool,
    /// The switch interval in µs passed with `-X switch-interval`; `None`: toy's default.
    pub interval_us: Option<u64>,
    /// The handoff policy passed with `-X gil-policy`; `None`: toy's default.
    pub policy: Option<Policy>,
}

impl Config {
    pub fn label(&self) -> String {
        if self.free_threaded {
            return "GIL off".to_string();
        }
        let us = self.interval_us.unwrap_or(crate::gil::lock::DEFAULT_SWITCH_INTERVAL_US);
        let interval = format_interval(us.saturating_mul(1000));
        match self.policy {
            Some(policy) => format!("GIL on, {interval}, {}", policy.name()),
            None => format!("GIL on, {interval}"),
        }
    }

    /// The toy options selecting this configuration.
    pub fn options(&self) -> Vec<String> {
        let mut options = vec![
            "-X".to_string(),
            format!("gil={}", if self.free_threaded { 0 } else { 1 }),
        ];
        if let Some(us) = self.interval_us {
            options.push("-X".to_string());
            options.push(format!("switch-interval={}.{:03}", us / 1000, us % 1000));
        }
        if let Some(policy) = self.policy {
            options.push("-X".to_string());
            options.push(format!("gil-policy={}", policy.name()));
        }
        options
    }
}

/// GIL on at each interval under each policy (toy's defaults when none is given), then GIL off.
pub fn configs(intervals_us: &[u64], policies: &[Policy]) -> Vec<Config> {
    let intervals: Vec<Option<u64>> = if intervals_us.is_empty() {
        vec![None]
    } else {
        intervals_us.iter().copied().map(Some).collect()
    };
    let policies: Vec<Option<Policy>> = if policies.is_empty() {
        vec![None]
    } else {
        policies.iter().copied().map(Some).collect()
    };
    let mut configs: Vec<Config> = Vec::new();
    for &interval_us in &intervals {
        for &policy in &policies {
            let config = Config {
                free_threaded: false,
                interval_us,
                policy,
            };
            if !configs.contains(&config) {
                configs.push(config);
            }
        }
    }
    configs.push(Config {
        free_threaded: true,
        interval_us: None,
        policy: None,
    });
    configs
}

/// What the child writes with `--gil-totals FILE`.
pub fn totals_line(stats: &Stats) -> String {
    let totals = &stats.totals;
    format!(
        "mode={} wall_ns={} queued_ns={} switches={} collections={} gc_ns={}\n",
        if stats.free_threaded { "free-threaded" } else { "gil" },
        totals.wall,
        totals.queued,
        totals.switches,
        stats.collector.collections(),
        stats.collector.time
    )
}

/// A number from a [`totals_line`].
fn totals_field(line: &str, key: &str) -> Option<u64> {
    line.split_whitespace()
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
        .and_then(|v| v.parse::<u64>().ok())
}

/// The queued share (0 to 1) from a [`totals_line`].
pub fn queued_share(line: &str) -> Option<f64> {
    let (wall, queued) = (totals_field(line, "wall_ns")?, totals_field(line, "queued_ns")?);
    Some(if wall == 0 { 0.0 } else { queued as f64 / wall as f64 })
}

/// Seconds spent in cycle collections, from a [`totals_line`].
pub fn collection_time(line: &str) -> Option<f64> {
    totals_field(line, "gc_ns").map(|ns| ns as f64 / 1e9)
}

/// One child run.
struct Sample {
    wall: Duration,
    cpu: Duration,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// Why the run counts as failed (`exit 1`, `killed by signal 9`…), if it does.
    failure: Option<String>,
    queued_share: Option<f64>,
    /// Seconds in cycle collections, as the child reported.
    collecting: Option<f64>,
}

fn children_cpu() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    let time = |tv: nix::sys::time::TimeVal| {
        Duration::from_secs(u64::try_from(tv.tv_sec()).unwrap_or(0))
            + Duration::from_micros(u64::try_from(tv.tv_usec()).unwrap_or(0))
    };
    match getrusage(UsageWho::RUSAGE_CHILDREN) {
        Ok(usage) => time(usage.user_time()) + time(usage.system_time()),
        Err(_) => Duration::ZERO,
    }
}

fn run_once(exe: &Path, config: &Config, args: &Args, totals: &Path) -> Sample {
    let mut command = Command::new(exe);
    command
        .args(config.options())
        .arg("--gil-totals")
        .arg(totals)
        .args(&args.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("TOY_GIL");
    if let Some(n) = args.threads {
        command.env("TOY_THREADS", n.to_string());
    }
    let _ = std::fs::remove_file(totals);
    let cpu_before = children_cpu();
    let start = Instant::now();
    let output = command.spawn().and_then(|child| child.wait_with_output());
    let wall = start.elapsed();
    let cpu = children_cpu().saturating_sub(cpu_before);
    let line = std::fs::read_to_string(totals).ok();
    let queued_share = line.as_deref().and_then(queued_share);
    let collecting = line.as_deref().and_then(collection_time);
    let _ = std::fs::remove_file(totals);
    match output {
        Ok(output) => {
            let failure = match output.status.code() {
                Some(0) => None,
                Some(code) => Some(format!("exit {code}")),
                None => Some(format!("{}", output.status)),
            };
            Sample {
                wall,
                cpu,
                stdout: output.stdout,
                stderr: output.stderr,
                failure,
                queued_share,
                collecting,
            }
        }
        Err(e) => Sample {
            wall,
            cpu,
            stdout: Vec::new(),
            stderr: Vec::new(),
            failure: Some(format!("could not start {}: {e}", exe.display())),
            queued_share: None,
            collecting: None,
        },
    }
}

/// The median of a non-empty list (the mean of the middle two for an even count); 0 if empty.
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// A configuration's figures over its runs (times in seconds).
#[derive(Clone, Debug)]
pub struct Row {
    pub label: String,
    pub free_threaded: bool,
    pub wall_median: f64,
    pub wall_min: f64,
    pub wall_max: f64,
    pub cpu_median: f64,
    /// Median over the runs of CPU time / wall time.
    pub parallelism: f64,
    /// Median queued share (0 to 1), if the children reported it.
    pub queued: Option<f64>,
    /// Median seconds in cycle collections, if the children reported it.
    pub collecting: Option<f64>,
    /// Median wall of the first configuration / this one's.
    pub speedup: f64,
    pub runs: usize,
    pub differing: usize,
    pub failures: Vec<String>,
}

fn summarise(config: &Config, samples: &[&Sample], reference: &[u8]) -> Row {
    let walls: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
    let cpus: Vec<f64> = samples.iter().map(|s| s.cpu.as_secs_f64()).collect();
    let ratios: Vec<f64> = samples
        .iter()
        .map(|s| s.cpu.as_secs_f64() / s.wall.as_secs_f64().max(1e-9))
        .collect();
    let shares: Vec<f64> = samples.iter().filter_map(|s| s.queued_share).collect();
    let collecting: Vec<f64> = samples.iter().filter_map(|s| s.collecting).collect();
    Row {
        label: config.label(),
        free_threaded: config.free_threaded,
        wall_median: median(&walls),
        wall_min: walls.iter().copied().fold(f64::INFINITY, f64::min),
        wall_max: walls.iter().copied().fold(0.0, f64::max),
        cpu_median: median(&cpus),
        parallelism: median(&ratios),
        queued: (!shares.is_empty()).then(|| median(&shares)),
        collecting: (!collecting.is_empty()).then(|| median(&collecting)),
        speedup: 1.0,
        runs: samples.len(),
        differing: samples
            .iter()
            .filter(|s| s.failure.is_none() && s.stdout != reference)
            .count(),
        failures: samples.iter().filter_map(|s| s.failure.clone()).collect(),
    }
}

/// Seconds in one unit for the whole table: `s` with three decimals, or `ms` for short runs.
struct Unit {
    scale: f64,
    name: &'static str,
    decimals: usize,
}

impl Unit {
    fn for_rows(rows: &[Row]) -> Unit {
        if rows.iter().all(|r| r.wall_max < 0.1) {
            Unit {
                scale: 1e3,
                name: "ms",
                decimals: 1,
            }
        } else {
            Unit {
                scale: 1.0,
                name: "s",
                decimals: 3,
            }
        }
    }

    fn bare(&self, seconds: f64) -> String {
        format!("{:.*}", self.decimals, seconds * self.scale)
    }

    fn with_name(&self, seconds: f64) -> String {
        format!("{} {}", self.bare(seconds), self.name)
    }
}

fn output_cell(row: &Row) -> String {
    if let Some(first) = row.failures.first() {
        format!("failed {}/{} ({first})", row.failures.len(), row.runs)
    } else if row.differing == 0 {
        "same".to_string()
    } else {
        format!("differs in {}/{}", row.differing, row.runs)
    }
}

/// The table, aligned, with a line saying what was run and notes on the columns.
pub fn render_table(heading: &str, rows: &[Row]) -> String {
    let unit = Unit::for_rows(rows);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let wait = match r.queued {
                None => "—".to_string(),
                Some(share) if r.free_threaded => format!("obj {:.0}%", share * 100.0),
                Some(share) => format!("{:.0}%", share * 100.0),
            };
            vec![
                r.label.clone(),
                format!(
                    "{} ({}–{})",
                    unit.with_name(r.wall_median),
                    unit.bare(r.wall_min),
                    unit.bare(r.wall_max)
                ),
                unit.with_name(r.cpu_median),
                format!("{:.2}", r.parallelism),
                wait,
                r.collecting.map_or("—".to_string(), |s| unit.with_name(s)),
                format!("{:.2}×", r.speedup),
                output_cell(r),
            ]
        })
        .collect();
    let mut out = format!("{heading}\n");
    out.push_str(&report::table(
        &[
            "config",
            "wall median (min–max)",
            "CPU",
            "CPU/wall",
            "GIL wait",
            "in GC",
            "speed-up",
            "output",
        ],
        &cells,
    ));
    let baseline = rows.first().map(|r| r.label.as_str()).unwrap_or("");
    let _ = writeln!(
        out,
        "CPU: user + system time; CPU/wall: cores kept busy (median of the runs' ratios);\n\
         GIL wait: share of the wall time with a thread queued for the GIL (obj: without a GIL, for a contended object lock);\n\
         in GC: time in cycle collections, finalizers included (every run collects once at exit);\n\
         speed-up: median wall of \"{baseline}\" / this one's; output: stdout compared with the first \"{baseline}\" run's."
    );
    out
}

const SVG_WIDTH: f64 = 900.0;
const SVG_MARGIN: f64 = 24.0;
const LABEL_WIDTH: f64 = 130.0;
const VALUE_WIDTH: f64 = 220.0;
const ROW_HEIGHT: f64 = 38.0;
const BARS_TOP: f64 = 100.0;
const GIL_ON: &str = "#0072B2";
const GIL_OFF: &str = "#009E73";
const CPU: &str = "#333333";

/// The median wall time per configuration as horizontal bars, min–max whiskers, the median CPU
/// time as a thin bar beneath each, and an axis in the run's unit.
pub fn render_svg(title: &str, subtitle: &str, rows: &[Row]) -> String {
    let plot_x = SVG_MARGIN + LABEL_WIDTH;
    let plot_width = SVG_WIDTH - plot_x - VALUE_WIDTH - SVG_MARGIN;
    let longest = rows.iter().map(|r| r.wall_max.max(r.cpu_median)).fold(1e-6, f64::max);
    let longest_ns = (longest * 1e9).ceil() as u64;
    let (_, ticks) = axis_ticks(longest_ns);
    let end_ns = ticks.last().map_or(longest_ns, |(at, _)| *at).max(longest_ns) as f64;
    let x_of = |seconds: f64| plot_x + seconds * 1e9 / end_ns * plot_width;
    let axis_y = BARS_TOP + rows.len() as f64 * ROW_HEIGHT + 6.0;
    let height = axis_y + 40.0;
    let unit = Unit::for_rows(rows);

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" role="img" aria-labelledby="title">"#,
        w = num(SVG_WIDTH),
        h = num(height)
    );
    let _ = writeln!(svg, r#"<title id="title">{}</title>"#, xml(title));
    svg.push_str("<style>.name{fill:#222}.note{fill:#666}.tick{fill:#555}</style>\n");
    let _ = writeln!(svg, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        svg,
        r##"<text x="{x}" y="34" font-size="19" font-weight="600" fill="#111">{}</text>"##,
        xml(title),
        x = num(SVG_MARGIN)
    );
    let _ = writeln!(
        svg,
        r#"<text class="note" x="{x}" y="56" font-size="13">{}</text>"#,
        xml(subtitle),
        x = num(SVG_MARGIN)
    );

    // Legend.
    svg.push_str("<g id=\"legend\" font-size=\"12\">\n");
    let items = [
        ("rect", GIL_ON, "GIL on: median wall time"),
        ("rect", GIL_OFF, "GIL off: median wall time"),
        ("cpu", CPU, "median CPU time"),
        ("whisker", CPU, "fastest – slowest run"),
    ];
    let mut x = SVG_MARGIN;
    for (shape, colour, label) in items {
        let mark = match shape {
            "rect" => format!(
                r#"<rect x="{}" y="71" width="14" height="14" rx="2" fill="{colour}"/>"#,
                num(x)
            ),
            "cpu" => format!(r#"<rect x="{}" y="76" width="14" height="4" fill="{colour}"/>"#, num(x)),
            _ => format!(
                r#"<path d="M{a} 78H{b}M{a} 73v10M{b} 73v10" stroke="{colour}" stroke-width="1.5" fill="none"/>"#,
                a = num(x + 1.0),
                b = num(x + 13.0)
            ),
        };
        let _ = writeln!(
            svg,
            r#"<g class="legend-item">{mark}<text class="name" x="{}" y="82.5">{}</text></g>"#,
            num(x + 19.0),
            xml(label)
        );
        x += 19.0 + label.chars().count() as f64 * 6.3 + 20.0;
    }
    svg.push_str("</g>\n");

    // Grid.
    svg.push_str("<g id=\"grid\" stroke=\"#ececec\" stroke-width=\"1\">\n");
    for (at, _) in &ticks {
        let _ = writeln!(
            svg,
            r#"<path d="M{x} {top}V{bottom}"/>"#,
            x = num(x_of(*at as f64 / 1e9).round() + 0.5),
            top = num(BARS_TOP - 4.0),
            bottom = num(axis_y)
        );
    }
    svg.push_str("</g>\n");

    // Bars.
    svg.push_str("<g id=\"bars\">\n");
    for (i, row) in rows.iter().enumerate() {
        let y = BARS_TOP + i as f64 * ROW_HEIGHT;
        let colour = if row.free_threaded { GIL_OFF } else { GIL_ON };
        let bar_h = 20.0;
        let mid = y + bar_h / 2.0;
        let _ = writeln!(svg, r#"<g class="bar" data-config="{}">"#, xml(&row.label));
        let _ = writeln!(
            svg,
            r#"<text class="name" x="{}" y="{}" font-size="13" text-anchor="end">{}</text>"#,
            num(plot_x - 8.0),
            num(mid + 4.5),
            xml(&row.label)
        );
        let _ = writeln!(
            svg,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{colour}"/>"#,
            num(plot_x),
            num(y),
            num((x_of(row.wall_median) - plot_x).max(1.0)),
            num(bar_h)
        );
        let _ = writeln!(
            svg,
            r#"<rect x="{}" y="{}" width="{}" height="5" fill="{CPU}"/>"#,
            num(plot_x),
            num(y + bar_h + 3.0),
            num((x_of(row.cpu_median) - plot_x).max(1.0))
        );
        let (a, b) = (x_of(row.wall_min), x_of(row.wall_max));
        let _ = writeln!(
            svg,
            r#"<path d="M{a} {m}H{b}M{a} {t}v12M{b} {t}v12" stroke="{CPU}" stroke-width="1.5" fill="none"/>"#,
            a = num(a),
            b = num(b),
            m = num(mid),
            t = num(mid - 6.0)
        );
        let value = format!(
            "{} · {:.2}× · CPU/wall {:.2}",
            unit.with_name(row.wall_median),
            row.speedup,
            row.parallelism
        );
        let _ = writeln!(
            svg,
            r#"<text class="note" x="{}" y="{}" font-size="12">{}</text>"#,
            num(b.max(x_of(row.cpu_median)) + 8.0),
            num(mid + 4.0),
            xml(&value)
        );
        svg.push_str("</g>\n");
    }
    svg.push_str("</g>\n");

    // Axis.
    let tick_xs = ticks.iter().map(|(at, label)| (x_of(*at as f64 / 1e9), label.as_str()));
    draw_time_axis(&mut svg, plot_x, plot_width, axis_y, tick_xs);
    let _ = writeln!(
        svg,
        r#"<text class="note" x="{}" y="{}" font-size="10" text-anchor="end">drawn by toy compare</text>"#,
        num(SVG_WIDTH - SVG_MARGIN),
        num(axis_y + 34.0)
    );
    svg.push_str("</svg>\n");
    svg
}

/// `toy compare …` (`args` starts with `compare`); the process's exit status.
pub fn main(args: impl Iterator<Item = OsString>) -> u8 {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let Some(script) = args.args.first() else {
        eprintln!("toy compare: no input file");
        return 2;
    };
    let script_path = PathBuf::from(script);
    if let Err(e) = std::fs::File::open(&script_path) {
        eprintln!(
            "toy compare: can't open file '{}': {}",
            script_path.display(),
            super::describe(&e)
        );
        return 2;
    }
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("toy compare: can't find the toy executable: {}", super::describe(&e));
            return 1;
        }
    };
    let svg_file = match &args.svg {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Some((path.clone(), file)),
            Err(e) => {
                eprintln!(
                    "toy compare: can't create SVG file '{}': {}",
                    path.display(),
                    super::describe(&e)
                );
                return 2;
            }
        },
        None => None,
    };

    let configs = configs(&args.intervals, &args.policies);
    let runs = args.runs as usize;
    let totals = std::env::temp_dir().join(format!("toy-compare-{}.totals", std::process::id()));
    let progress = std::io::stderr().is_terminal();
    let mut samples: Vec<Vec<Sample>> = configs.iter().map(|_| Vec::with_capacity(runs)).collect();
    for round in 0..runs {
        for (config, list) in configs.iter().zip(samples.iter_mut()) {
            if progress {
                eprint!("\rtoy compare: round {}/{runs}, {:<20}", round + 1, config.label());
            }
            list.push(run_once(&exe, config, &args, &totals));
        }
    }
    if progress {
        eprint!("\r{:60}\r", "");
    }

    let reference = samples
        .first()
        .and_then(|list| list.first())
        .map(|s| s.stdout.clone())
        .unwrap_or_default();
    let mut rows: Vec<Row> = configs
        .iter()
        .zip(&samples)
        .map(|(config, list)| summarise(config, &list.iter().collect::<Vec<_>>(), &reference))
        .collect();
    let baseline = rows.first().map_or(0.0, |r| r.wall_median);
    for row in &mut rows {
        row.speedup = if row.wall_median > 0.0 {
            baseline / row.wall_median
        } else {
            0.0
        };
    }

    let shown: Vec<String> = args.args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let subtitle = format!(
        "{} run{} per configuration, round-robin · {cpus} CPU{}",
        runs,
        if runs == 1 { "" } else { "s" },
        if cpus == 1 { "" } else { "s" }
    );
    let heading = format!("toy compare: {} · {subtitle}", shown.join(" "));
    print!("{}", render_table(&heading, &rows));

    let mut status = 0;
    for (config, list) in configs.iter().zip(&samples) {
        if let Some((i, sample)) = list.iter().enumerate().find(|(_, s)| s.failure.is_some()) {
            status = 1;
            let stderr = String::from_utf8_lossy(&sample.stderr);
            let lines: Vec<&str> = stderr.lines().collect();
            let tail = lines[lines.len().saturating_sub(10)..].join("\n    ");
            eprintln!(
                "toy compare: {}, run {}: {}\n    {tail}",
                config.label(),
                i + 1,
                sample.failure.as_deref().unwrap_or("")
            );
        }
    }
    if let Some((path, file)) = svg_file {
        let title = format!("toy compare: {}", shown.join(" "));
        if let Err(message) = super::write(file, &path, "SVG", &render_svg(&title, &subtitle, &rows)) {
            eprintln!("toy compare: {message}");
            status = 1;
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gil::stats::{CollectorStats, Totals};

    #[test]
    fn configurations_and_their_options() {
        let list = configs(&[], &[]);
        assert_eq!(
            list.iter().map(Config::label).collect::<Vec<_>>(),
            ["GIL on, 5 ms", "GIL off"]
        );
        assert_eq!(list[0].options(), ["-X", "gil=1"]);
        let list = configs(&[parse_interval("0.5").unwrap(), parse_interval("20").unwrap()], &[]);
        assert_eq!(
            list.iter().map(Config::label).collect::<Vec<_>>(),
            ["GIL on, 500 µs", "GIL on, 20 ms", "GIL off"]
        );
        assert_eq!(list[0].options(), ["-X", "gil=1", "-X", "switch-interval=0.500"]);
        assert_eq!(list[2].options(), ["-X", "gil=0"]);
        let policies = [parse_policy("cpython").unwrap(), parse_policy("io-priority").unwrap()];
        let list = configs(&[parse_interval("1").unwrap()], &policies);
        assert_eq!(
            list.iter().map(Config::label).collect::<Vec<_>>(),
            ["GIL on, 1 ms, cpython", "GIL on, 1 ms, io-priority", "GIL off"]
        );
        assert_eq!(
            list[1].options(),
            [
                "-X",
                "gil=1",
                "-X",
                "switch-interval=1.000",
                "-X",
                "gil-policy=io-priority"
            ]
        );
        assert!(parse_policy("lifo").is_err());
        assert!(parse_interval("0").is_err());
        assert!(parse_interval("nan").is_err());
    }

    #[test]
    fn medians_and_totals() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        let stats = Stats {
            free_threaded: false,
            threads: Vec::new(),
            totals: Totals {
                wall: 1000,
                switches: 0,
                acquisitions: 0,
                forced_drops: 0,
                voluntary_releases: 0,
                queued: 250,
            },
            collector: CollectorStats {
                per_generation: [3, 1, 0],
                time: 500_000_000,
                ..CollectorStats::default()
            },
        };
        let line = totals_line(&stats);
        assert_eq!(
            line,
            "mode=gil wall_ns=1000 queued_ns=250 switches=0 collections=4 gc_ns=500000000\n"
        );
        assert_eq!(queued_share(&line), Some(0.25));
        assert_eq!(collection_time(&line), Some(0.5));
        assert_eq!(queued_share("mode=gil"), None);
        assert_eq!(collection_time("mode=gil"), None);
    }

    fn row(label: &str, free_threaded: bool, collecting: Option<f64>) -> Row {
        Row {
            label: label.into(),
            free_threaded,
            wall_median: 1.0,
            wall_min: 0.9,
            wall_max: 1.1,
            cpu_median: 1.0,
            parallelism: 1.0,
            queued: Some(0.5),
            collecting,
            speedup: 1.0,
            runs: 5,
            differing: 0,
            failures: Vec::new(),
        }
    }

    #[test]
    fn the_table_has_the_time_in_collections() {
        let rows = [row("GIL on, 5 ms", false, Some(0.125)), row("GIL off", true, None)];
        let table = render_table("heading", &rows);
        let cells = |line: &str| -> Vec<String> {
            line.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect()
        };
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            cells(lines[1]),
            [
                "config",
                "wall median (min–max)",
                "CPU",
                "CPU/wall",
                "GIL wait",
                "in GC",
                "speed-up",
                "output"
            ]
        );
        assert_eq!(cells(lines[2])[5], "0.125 s");
        // A child that did not report (an old toy, a crash): a dash.
        assert_eq!(cells(lines[3])[5], "—");
        assert!(table.contains("in GC: time in cycle collections"), "{table}");
    }
}
