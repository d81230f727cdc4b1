//! toy: a Python-subset interpreter with a real, switchable global interpreter lock.
//!
//! The pipeline, one folder per stage: [`syntax`] (lexer + grammar → AST), [`compile`]
//! (AST → bytecode), [`vm`] (the eval loop), [`objects`] (the value model and built-in types),
//! [`gil`] (the lock and the token that proves it is held, and its event log), [`modules`]
//! (built-in modules), [`observe`] (the log shown as statistics, a trace and a picture).

pub mod compile;
pub mod gil;
pub mod modules;
pub mod objects;
pub mod observe;
pub mod syntax;
pub mod vm;

use std::path::PathBuf;
use std::sync::Arc;

use compile::bytecode::CodeObject;
use num_traits::ToPrimitive;
use objects::types::{intern, types};
use objects::{Payload, Value};
use syntax::{LineIndex, SyntaxError};

/// A program that failed to compile, rendered the way CPython reports it.
#[derive(Debug)]
pub struct CompileError {
    /// `SyntaxError: msg` (the last line of the report).
    pub message: String,
    /// The whole report: location, source line, caret, message.
    pub report: String,
    /// What a `SyntaxError` raised for it carries.
    pub details: Box<SyntaxDetails>,
}

/// A `SyntaxError`'s attributes, as CPython sets them.
#[derive(Debug, Clone)]
pub struct SyntaxDetails {
    /// `SyntaxError`, `IndentationError` or `TabError`.
    pub class: &'static str,
    pub msg: String,
    pub filename: String,
    pub line: usize,
    /// 1-based column (in characters) where the error starts, and where it ends.
    pub offset: usize,
    pub end_line: usize,
    pub end_offset: usize,
    /// The source line, with its newline.
    pub text: Option<String>,
}

/// Decode, parse and compile a source file.
pub fn compile_source(bytes: &[u8], filename: &str) -> Result<Arc<CodeObject>, CompileError> {
    compile_in_mode(bytes, filename, false)
}

/// Decode, parse and compile one expression (`eval`'s source): code that returns its value.
pub fn compile_expression(bytes: &[u8], filename: &str) -> Result<Arc<CodeObject>, CompileError> {
    compile_in_mode(bytes, filename, true)
}

fn compile_in_mode(bytes: &[u8], filename: &str, expression: bool) -> Result<Arc<CodeObject>, CompileError> {
    let source = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let offset = e.valid_up_to();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            let message = format!(
                "SyntaxError: Non-UTF-8 code starting with '\\x{:02x}' in file {filename} on line {line}, but no encoding declared; see https://peps.python.org/pep-0263/ for details",
                bytes[offset]
            );
            let details = SyntaxDetails {
                class: "SyntaxError",
                msg: message.trim_start_matches("SyntaxError: ").to_string(),
                filename: filename.to_string(),
                line,
                offset: 0,
                end_line: line,
                end_offset: 0,
                text: None,
            };
            return Err(CompileError {
                report: format!("{message}\n"),
                message,
                details: Box::new(details),
            });
        }
    };
    // Like CPython's tokenizer, read `\r\n` and a lone `\r` as `\n`: line numbers in errors and
    // tracebacks, the source lines they quote, and newlines inside string literals all follow.
    let normalized;
    let source = if source.contains('\r') {
        normalized = source.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        source
    };
    vm::traceback::register_source(filename, source);
    let result = syntax::parse_module(source).and_then(|module| {
        if expression {
            compile::compile_expression(&module, source, filename)
        } else {
            compile::compile_module(&module, source, filename)
        }
    });
    result.map_err(|err| render_syntax_error(&err, source, filename))
}

/// CPython's layout: `File "x", line N`, the line, a caret under the column, the message.
fn render_syntax_error(err: &SyntaxError, source: &str, filename: &str) -> CompileError {
    let index = LineIndex::new(source);
    let offset = err.offset.min(source.len());
    let line = index.line(offset);
    let column = index.column(source, offset);
    let text = index.line_text(source, line);
    let end = err.end.min(source.len()).max(offset);
    let end_line = index.line(end);
    let end_column = if end > offset {
        index.column(source, end)
    } else {
        column
    };
    let message = format!("{}: {}", err.kind.class_name(), err.msg);
    let details = SyntaxDetails {
        class: err.kind.class_name(),
        msg: err.msg.clone(),
        filename: filename.to_string(),
        line,
        offset: column,
        end_line,
        end_offset: end_column,
        text: Some(format!("{text}\n")),
    };
    let mut report = vm::traceback::syntax_error_location(&details);
    report.push_str(&message);
    report.push('\n');
    CompileError {
        message,
        report,
        details: Box::new(details),
    }
}

/// Native stack for the interpreter thread: deep Python recursion needs room, and running
/// low raises `RecursionError` instead of overflowing.
const INTERPRETER_STACK: usize = 256 * 1024 * 1024;

/// What runs as `__main__`.
pub enum MainProgram {
    /// A script (its path, when it was read from a file), `-c` code or a program from stdin.
    Code {
        code: Arc<CodeObject>,
        script: Option<PathBuf>,
    },
    /// `-m NAME`: a module found on the search path, whose first entry is then the working
    /// directory.
    Module(String),
}

/// Run `program` as `__main__` and return the process exit status.
pub fn run_main(program: MainProgram, argv: Vec<String>) -> i32 {
    let script_dir = match &program {
        MainProgram::Code { script, .. } => script
            .as_ref()
            .and_then(|p| p.parent().map(PathBuf::from))
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from(".")),
        MainProgram::Module(_) => PathBuf::from("."),
    };
    gil::set_deadlock_report(modules::thread::exit_deadlocked);
    let worker = std::thread::Builder::new()
        .name("MainThread".to_string())
        .stack_size(INTERPRETER_STACK)
        .spawn(move || {
            let status = gil::attach(|py| run_in_vm(py, program, script_dir, argv));
            if gil::fork::is_child_main_thread() {
                // A forked child has no first thread to return to: it ends here.
                std::process::exit(status);
            }
            status
        });
    let status = match worker {
        Ok(handle) => handle.join().unwrap_or_else(|_| {
            eprintln!("toy: internal error: the interpreter thread panicked");
            70
        }),
        Err(e) => {
            eprintln!("toy: cannot start the interpreter thread: {e}");
            70
        }
    };
    modules::io::flush_stdout();
    status
}

/// The code `__main__` runs, with its `__file__`, `__package__` and `__spec__` (`None` for a
/// script, which belongs to no package and has no spec).
struct MainCode {
    code: Arc<CodeObject>,
    file: Option<String>,
    package: Value,
    spec: Value,
}

fn main_code(vm: &mut vm::Vm, program: MainProgram) -> Result<MainCode, i32> {
    match program {
        MainProgram::Code { code, script } => Ok(MainCode {
            // `-c` code and programs from stdin have no file.
            file: script.map(|_| code.filename.to_string()),
            code,
            package: Value::None,
            spec: Value::None,
        }),
        MainProgram::Module(name) => match vm.find_main_module(&name) {
            Ok(found) => {
                // `sys.argv[0]` becomes the module's file, as CPython's runpy makes it.
                let program_name = vm.new_str(found.file.clone().unwrap_or(name));
                if let Ok(sys) = vm.import_dotted("sys")
                    && let Ok(argv) = vm.get_attr(&sys, &intern("argv"))
                {
                    let _ = vm.set_item(&argv, Value::Int(0), program_name);
                }
                Ok(MainCode {
                    code: found.code,
                    file: found.file,
                    package: vm.new_str(found.package),
                    spec: found.spec,
                })
            }
            Err(err) => {
                let exc = Value::Obj(err.exc.clone_ref(vm.py));
                let message = vm.str(&exc).unwrap_or_default();
                eprintln!("toy: {message}");
                Err(1)
            }
        },
    }
}

fn run_in_vm(py: gil::Gil<'_>, program: MainProgram, script_dir: PathBuf, argv: Vec<String>) -> i32 {
    gil::signals::install_for_main_thread();
    let mut vm = vm::Vm::new(py, script_dir, argv, INTERPRETER_STACK);
    let main = match main_code(&mut vm, program) {
        Ok(main) => main,
        Err(status) => return status,
    };
    let mut main_globals = None;
    let result = vm
        .new_module_object("__main__", main.file.as_deref())
        .and_then(|module| {
            let modules = vm.modules.clone_ref(py);
            vm.dict_set_str(&modules, &intern("__main__"), module.clone_ref(py))?;
            let Some(Payload::Module(m)) = module.payload() else {
                return Ok(());
            };
            let globals = m.dict.clone_ref(py);
            vm.dict_set_str(&globals, &intern("__package__"), main.package)?;
            vm.dict_set_str(&globals, &intern("__spec__"), main.spec)?;
            // `__main__`'s `__builtins__` is the module itself, as CPython's.
            let builtins = vm.import_dotted("builtins")?;
            vm.dict_set_str(&globals, &intern("__builtins__"), builtins)?;
            main_globals = Some(globals.clone_ref(py));
            vm.run_module_code(main.code, globals)
        });
    let status = match result {
        Ok(()) => 0,
        Err(err) => exit_status_for(&mut vm, err),
    };
    wait_for_threads(&mut vm);
    run_atexit_callbacks(&mut vm);
    run_exit_finalizers(&mut vm);
    if let Some(globals) = main_globals {
        vm.finalize_main_module(globals);
    }
    modules::io::flush_stdout();
    status
}

/// As CPython does at exit: if `threading` was imported, wait for its non-daemon threads.
fn wait_for_threads(vm: &mut vm::Vm) {
    let modules = vm.modules.clone_ref(vm.py);
    let Ok(Some(threading)) = vm.dict_get_str(&modules, &intern("threading")) else {
        return;
    };
    if let Err(err) = vm.call_method(&threading, "_shutdown", &[]) {
        let report = vm.format_exception(&err.exc);
        eprint!("Exception ignored on threading shutdown:\n{report}");
    }
}

/// If `atexit` was imported, run the functions registered with it, last registered first.
/// They are called from here rather than from `atexit._run_exitfuncs`, so that the traceback
/// of one that raises starts in it, as CPython's does.
fn run_atexit_callbacks(vm: &mut vm::Vm) {
    let py = vm.py;
    let modules = vm.modules.clone_ref(py);
    let Ok(Some(atexit)) = vm.dict_get_str(&modules, &intern("atexit")) else {
        return;
    };
    // `(func, args, kwargs items)` tuples until `None`.
    while let Ok(entry) = vm.call_method(&atexit, "_pop_callback", &[]) {
        let Some(Payload::Tuple(parts)) = entry.payload() else {
            return;
        };
        let [func, args, kwargs] = &parts[..] else {
            return;
        };
        let args: Vec<Value> = match args.payload() {
            Some(Payload::Tuple(items)) => items.iter().map(|v| v.clone_ref(py)).collect(),
            _ => Vec::new(),
        };
        let mut keywords = Vec::new();
        if let Some(Payload::Tuple(items)) = kwargs.payload() {
            for item in items.iter() {
                if let Some(Payload::Tuple(pair)) = item.payload()
                    && let [Value::Obj(key), value] = &pair[..]
                {
                    keywords.push((key.clone_ref(py), value.clone_ref(py)));
                }
            }
        }
        if let Err(err) = vm.call(func, &args, &keywords) {
            let callback = vm.repr(func).unwrap_or_default();
            let report = vm.format_exception(&err.exc);
            modules::io::flush_stdout();
            eprint!("Exception ignored in atexit callback: {callback}\n{report}");
        }
    }
}

/// As CPython's `atexit` does for `weakref.finalize`: if `weakref` was imported, run the
/// finalizers still due that ask to run at exit.
fn run_exit_finalizers(vm: &mut vm::Vm) {
    let modules = vm.modules.clone_ref(vm.py);
    let Ok(Some(weakref)) = vm.dict_get_str(&modules, &intern("weakref")) else {
        return;
    };
    if let Err(err) = vm.call_method(&weakref, "_run_exit_finalizers", &[]) {
        let report = vm.format_exception(&err.exc);
        eprint!("Exception ignored in atexit callback:\n{report}");
    }
}

/// The status `SystemExit(code)` ends the process with, as CPython's: `None` is 0; an int is
/// handed to the C library's `exit`, which keeps its low 8 bits (so -1 is 255), and one too
/// large for a C long counts as -1; anything else is printed on stderr, and the status is 1.
fn system_exit_status(vm: &mut vm::Vm, code: &Value) -> i32 {
    if code.is_none() {
        return 0;
    }
    if let Some(n) = vm::ops::as_bigint(code) {
        return (n.to_i64().unwrap_or(-1) & 0xFF) as i32;
    }
    let text = vm.str(code).unwrap_or_default();
    eprintln!("{text}");
    1
}

/// `SystemExit` sets the status; anything else prints a traceback and exits 1.
fn exit_status_for(vm: &mut vm::Vm, err: vm::PyErr) -> i32 {
    modules::io::flush_stdout();
    if vm.err_matches(&err, &types().system_exit) {
        // The `code` attribute, which a handler may have changed since the exception was made.
        let exc = Value::Obj(err.exc.clone_ref(vm.py));
        let code = vm.get_attr(&exc, &intern("code")).unwrap_or(Value::None);
        return system_exit_status(vm, &code);
    }
    let report = vm.format_exception(&err.exc);
    eprint!("{report}");
    // Like CPython, an uncaught Ctrl-C ends the process as the signal would: status 128 + 2.
    if vm.err_matches(&err, &types().keyboard_interrupt) {
        130
    } else {
        1
    }
}
