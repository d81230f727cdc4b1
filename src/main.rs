//! The `toy` command line.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Interpreters allocate many small, short-lived objects: mimalloc serves them from per-thread
/// heaps, faster than the system allocator and without a lock shared by free-threaded threads.
/// Sanitizer builds (`scripts/sanitize.sh`) leave it out: the sanitizers can only see the
/// system allocator's memory.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Run a Python-subset program on toy's bytecode VM.
#[derive(Parser, Debug)]
#[command(
    name = "toy",
    version,
    about,
    disable_help_subcommand = true,
    after_help = "Also: `toy compare [OPTIONS] FILE [ARGS...]` runs FILE with the GIL on and off and \
                  prints a table (see `toy compare --help`); `toy ./compare` runs a script named compare."
)]
struct Cli {
    /// Program passed in as a string (like `python -c`).
    #[arg(short = 'c', value_name = "CODE", conflicts_with = "dis")]
    command: Option<String>,

    /// Print the bytecode of FILE instead of running it.
    #[arg(long)]
    dis: bool,

    /// Implementation option, as in CPython: `-X gil=0` runs free-threaded (no GIL), `-X gil=1`
    /// with the GIL (the default; the TOY_GIL environment variable sets it too, the flag wins);
    /// `-X gilstats` prints per-thread GIL statistics to stderr at exit; `-X switch-interval=MS`
    /// sets the GIL's switch interval at start-up (default 5; like `sys.setswitchinterval`);
    /// `-X gil-policy=io-priority` lets a thread returning from a blocking call ask for the GIL at
    /// once instead of after an interval, `fifo` hands it over in arrival order (`cpython`, the
    /// default, is CPython's behaviour); `-X switch-every=N` runs threads in turns that change
    /// at every N-th check point, `-X sched-seed=S` at seeded random ones (N apart on average,
    /// default 100), on a virtual clock: the same run every time.
    #[arg(short = 'X', value_name = "OPTION", action = clap::ArgAction::Append)]
    options: Vec<String>,

    /// Write what every thread did with the GIL (holding, waiting, blocked) as a Chrome trace,
    /// for ui.perfetto.dev or chrome://tracing.
    #[arg(long, value_name = "FILE.json")]
    trace: Option<PathBuf>,

    /// Draw what every thread did with the GIL as an SVG timeline, one lane per thread.
    #[arg(long, value_name = "FILE.svg")]
    timeline: Option<PathBuf>,

    /// For `toy compare`: write the run's GIL totals to FILE as one line of `key=value` pairs.
    #[arg(long, value_name = "FILE", hide = true)]
    gil_totals: Option<PathBuf>,

    /// Script to run, then arguments available in `sys.argv[1:]`.
    #[arg(value_name = "FILE", trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

fn main() -> ExitCode {
    // `toy compare …` is a subcommand only as the very first argument; a script named
    // `compare` runs as `toy ./compare`.
    if std::env::args_os().nth(1).is_some_and(|a| a == "compare") {
        return ExitCode::from(toy::observe::compare::main(std::env::args_os().skip(1)));
    }
    // `-m MODULE` ends toy's own options: what follows is the module's `sys.argv[1:]`.
    let (own, module) = split_at_module(std::env::args().collect());
    let cli = match Cli::try_parse_from(own) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match gil_mode(&cli.options) {
        Ok(free_threaded) => toy::gil::set_free_threaded(free_threaded),
        Err(message) => {
            eprintln!("toy: {message}");
            return ExitCode::from(2);
        }
    }
    match gil_policy(&cli.options) {
        Ok(policy) => toy::gil::set_policy(policy),
        Err(message) => {
            eprintln!("toy: {message}");
            return ExitCode::from(2);
        }
    }
    match switch_interval(&cli.options) {
        Ok(Some(interval)) => toy::gil::set_switch_interval(interval),
        Ok(None) => {}
        Err(message) => {
            eprintln!("toy: {message}");
            return ExitCode::from(2);
        }
    }
    match deterministic_switching(&cli.options) {
        Ok(None) => {}
        Ok(Some(_)) if toy::gil::is_free_threaded() => {
            eprintln!("toy: -X switch-every and -X sched-seed schedule the GIL; they cannot be used with -X gil=0");
            return ExitCode::from(2);
        }
        Ok(Some(switching)) => toy::gil::set_deterministic(switching),
        Err(message) => {
            eprintln!("toy: {message}");
            return ExitCode::from(2);
        }
    }
    if let Some((name, args)) = module {
        if cli.command.is_some() || cli.dis {
            eprintln!("toy: -m cannot be combined with -c or --dis");
            return ExitCode::from(2);
        }
        let mut argv = vec!["-m".to_string()];
        argv.extend(args);
        return run(toy::MainProgram::Module(name.clone()), argv, &cli, name);
    }
    let (source, filename, argv, script) = match &cli.command {
        Some(code) => {
            let mut argv = vec!["-c".to_string()];
            argv.extend(cli.args.iter().cloned());
            (code.clone().into_bytes(), "<string>".to_string(), argv, None)
        }
        // `toy -` or a program piped in: the program is stdin.
        None if cli.args.first().is_some_and(|a| a == "-")
            || (cli.args.is_empty() && !cli.dis && !std::io::stdin().is_terminal()) =>
        {
            let mut source = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut source) {
                eprintln!("toy: cannot read the program from stdin: {e}");
                return ExitCode::from(2);
            }
            let argv = if cli.args.is_empty() {
                vec![String::new()]
            } else {
                cli.args.clone()
            };
            (source, "<stdin>".to_string(), argv, None)
        }
        None => {
            let Some(path) = cli.args.first() else {
                eprintln!("toy: no input file (an interactive prompt is not available yet; try `toy --help`)");
                return ExitCode::from(2);
            };
            match std::fs::read(path) {
                Ok(bytes) => (bytes, path.clone(), cli.args.clone(), Some(PathBuf::from(path))),
                Err(e) => {
                    eprintln!(
                        "toy: can't open file '{}': [Errno {}] {}",
                        as_cpython_names_it(path),
                        e.raw_os_error().unwrap_or(0),
                        describe(&e)
                    );
                    return ExitCode::from(2);
                }
            }
        }
    };
    // Tracebacks, `SyntaxError`s and `__file__` name the script as CPython 3.9+ does.
    let code_filename = if script.is_none() {
        filename.clone()
    } else {
        as_cpython_names_it(&filename)
    };
    let code = match toy::compile_source(&source, &code_filename) {
        Ok(code) => code,
        Err(err) => {
            eprint!("{}", err.report);
            return ExitCode::from(1);
        }
    };
    if cli.dis {
        print!("{}", toy::compile::disassemble(&code));
        return ExitCode::SUCCESS;
    }
    // Modules next to the script are found (and named) from its absolute folder, as CPython
    // puts that folder first on sys.path.
    let script = script.map(|_| PathBuf::from(&code_filename));
    run(toy::MainProgram::Code { code, script }, argv, &cli, filename)
}

/// Run the program with the observers the options ask for; the exit status.
fn run(program: toy::MainProgram, argv: Vec<String>, cli: &Cli, script: String) -> ExitCode {
    let observe = toy::observe::Options {
        gilstats: cli.options.iter().any(|o| o == "gilstats"),
        trace: cli.trace.clone(),
        timeline: cli.timeline.clone(),
        totals: cli.gil_totals.clone(),
        script,
    };
    if let Err(message) = toy::observe::start(observe) {
        eprintln!("toy: {message}");
        return ExitCode::from(2);
    }
    let mut status = toy::run_main(program, argv);
    if let Err(message) = toy::observe::finish() {
        eprintln!("toy: {message}");
        status = status.max(1);
    }
    ExitCode::from(status.clamp(0, 255) as u8)
}

/// Split the command line at `-m MODULE` (or `-mMODULE`) among toy's own options: the part
/// for toy's parser, and the module's name with the arguments that follow it.
fn split_at_module(args: Vec<String>) -> (Vec<String>, Option<(String, Vec<String>)>) {
    // Options whose value is the next argument: skipping it keeps `-X m` from reading as `-m`.
    const TAKES_VALUE: [&str; 5] = ["-c", "-X", "--trace", "--timeline", "--gil-totals"];
    let mut i = 1;
    while i < args.len() {
        let arg = &args[i];
        if arg == "-m" || (arg.starts_with("-m") && !arg.starts_with("--")) {
            let (name, rest) = if arg == "-m" {
                match args.get(i + 1) {
                    Some(name) => (name.clone(), i + 2),
                    None => break,
                }
            } else {
                (arg[2..].to_string(), i + 1)
            };
            let module_args = args[rest..].to_vec();
            let mut own = args;
            own.truncate(i);
            return (own, Some((name, module_args)));
        }
        if !arg.starts_with('-') || arg == "-" {
            break;
        }
        i += if TAKES_VALUE.contains(&arg.as_str()) { 2 } else { 1 };
    }
    (args, None)
}

/// Whether to run without the GIL: the last `-X gil=…` wins, then `TOY_GIL`, then the GIL.
fn gil_mode(options: &[String]) -> Result<bool, String> {
    let parse = |value: &str, source: &str| match value {
        "0" => Ok(true),
        "1" => Ok(false),
        other => Err(format!("{source} must be 0 or 1, not '{other}'")),
    };
    // Other -X options are accepted and ignored, as CPython does with ones it does not know.
    if let Some(value) = options.iter().rev().find_map(|o| o.strip_prefix("gil=")) {
        return parse(value, "-X gil");
    }
    match std::env::var("TOY_GIL") {
        Ok(value) if !value.is_empty() => parse(&value, "TOY_GIL"),
        _ => Ok(false),
    }
}

/// `-X gil-policy=cpython|fifo|io-priority` (the last one wins; `cpython` by default).
fn gil_policy(options: &[String]) -> Result<toy::gil::lock::Policy, String> {
    use toy::gil::lock::Policy;
    match options.iter().rev().find_map(|o| o.strip_prefix("gil-policy=")) {
        None => Ok(Policy::Cpython),
        Some(name) => {
            Policy::from_name(name).ok_or_else(|| format!("-X gil-policy must be {}, not '{name}'", Policy::NAMES))
        }
    }
}

/// `-X switch-interval=MS` (the last one wins): milliseconds, fractions allowed; under 1 µs
/// becomes 1 µs, as `sys.setswitchinterval` does.
fn switch_interval(options: &[String]) -> Result<Option<std::time::Duration>, String> {
    let Some(value) = options.iter().rev().find_map(|o| o.strip_prefix("switch-interval=")) else {
        return Ok(None);
    };
    match value.parse::<f64>() {
        Ok(ms) if ms.is_finite() && ms > 0.0 && ms <= 3_600_000.0 => {
            let micros = ((ms * 1000.0) as u64).max(1);
            Ok(Some(std::time::Duration::from_micros(micros)))
        }
        _ => Err(format!(
            "-X switch-interval must be a positive number of milliseconds, not '{value}'"
        )),
    }
}

/// `-X switch-every=N` (switch at every N-th check point, round-robin) and `-X sched-seed=S`
/// (switch at seeded random check points, N apart on average when both are given).
fn deterministic_switching(options: &[String]) -> Result<Option<toy::gil::deterministic::Switching>, String> {
    use toy::gil::deterministic::{DEFAULT_MEAN_GAP, Switching};
    let last = |prefix: &str| options.iter().rev().find_map(|o| o.strip_prefix(prefix));
    let every = match last("switch-every=") {
        None => None,
        Some(value) => match value.parse::<u64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return Err(format!(
                    "-X switch-every must be a positive whole number, not '{value}'"
                ));
            }
        },
    };
    let seed = match last("sched-seed=") {
        None => None,
        Some(value) => match value.parse::<u64>() {
            Ok(seed) => Some(seed),
            _ => return Err(format!("-X sched-seed must be a whole number, not '{value}'")),
        },
    };
    Ok(match (every, seed) {
        (None, None) => None,
        (Some(n), None) => Some(Switching::Every(n)),
        (mean, Some(seed)) => Some(Switching::Seeded {
            seed,
            mean_gap: mean.unwrap_or(DEFAULT_MEAN_GAP),
        }),
    })
}

/// The main script's path as CPython names it: a relative path joined to the working directory
/// (not normalised: `./a.py` becomes `/home/me/./a.py`).
fn as_cpython_names_it(path: &str) -> String {
    if path.starts_with('/') {
        return path.to_string();
    }
    match std::env::current_dir() {
        Ok(cwd) => format!("{}/{path}", cwd.display()),
        Err(_) => path.to_string(),
    }
}

/// The strerror-style text CPython prints (`No such file or directory`).
fn describe(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
