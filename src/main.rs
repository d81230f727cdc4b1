//! The `toy` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Run a Python-subset program on toy's bytecode VM.
#[derive(Parser, Debug)]
#[command(name = "toy", version, about, disable_help_subcommand = true)]
struct Cli {
    /// Program passed in as a string (like `python -c`).
    #[arg(short = 'c', value_name = "CODE", conflicts_with = "dis")]
    command: Option<String>,

    /// Print the bytecode of FILE instead of running it.
    #[arg(long)]
    dis: bool,

    /// Script to run, then arguments available in `sys.argv[1:]`.
    #[arg(value_name = "FILE", trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let (source, filename, argv, script) = match &cli.command {
        Some(code) => {
            let mut argv = vec!["-c".to_string()];
            argv.extend(cli.args.iter().cloned());
            (code.clone().into_bytes(), "<string>".to_string(), argv, None)
        }
        None => {
            let Some(path) = cli.args.first() else {
                eprintln!("toy: no input file (try `toy --help`)");
                return ExitCode::from(2);
            };
            match std::fs::read(path) {
                Ok(bytes) => (bytes, path.clone(), cli.args.clone(), Some(PathBuf::from(path))),
                Err(e) => {
                    eprintln!(
                        "toy: can't open file '{path}': [Errno {}] {}",
                        e.raw_os_error().unwrap_or(0),
                        describe(&e)
                    );
                    return ExitCode::from(2);
                }
            }
        }
    };
    let code = match toy::compile_source(&source, &filename) {
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
    let status = toy::run_main(code, script, argv);
    ExitCode::from(status.clamp(0, 255) as u8)
}

/// The strerror-style text CPython prints (`No such file or directory`).
fn describe(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
