//! Standard streams. stdout is block-buffered (as CPython's is when not a terminal) and
//! flushed before anything goes to stderr, before reading stdin, and at exit, so the two
//! streams interleave the way a user reading a terminal expects.

use std::io::{BufRead, BufWriter, Stdout, Write};
use std::sync::OnceLock;

use crate::gil::BlockKind;
use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Payload, Stream, Value};
use crate::vm::{PyResult, Vm};

use crate::vm::args::check_arity;

fn stdout_buffer() -> &'static std::sync::Mutex<BufWriter<Stdout>> {
    static STDOUT: OnceLock<std::sync::Mutex<BufWriter<Stdout>>> = OnceLock::new();
    STDOUT.get_or_init(|| std::sync::Mutex::new(BufWriter::with_capacity(64 * 1024, std::io::stdout())))
}

/// `os.fork`: stdout's buffer, held across `fork()` (the child gets a copy of what is in it,
/// as CPython's child does).
pub fn hold_stdout_for_fork() -> std::sync::MutexGuard<'static, BufWriter<Stdout>> {
    crate::gil::fork::locked(stdout_buffer())
}

pub fn flush_stdout() {
    let _ = crate::gil::fork::locked(stdout_buffer()).flush();
}

/// Write text to a standard stream. A closed pipe (`toy x | head`) is not an error worth a
/// traceback: CPython exits quietly too.
pub fn write_stream(vm: &Vm, stream: Stream, text: &str, flush: bool) -> PyResult<()> {
    let result = match stream {
        Stream::Stdout => {
            let mut out = crate::gil::fork::locked(stdout_buffer());
            out.write_all(text.as_bytes())
                .and_then(|()| if flush { out.flush() } else { Ok(()) })
        }
        Stream::Stderr => {
            flush_stdout();
            std::io::stderr().write_all(text.as_bytes())
        }
        Stream::Stdin => return Err(vm.new_error(&types().os_error, "not writable")),
    };
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(vm.new_error(&types().os_error, e.to_string())),
    }
}

/// One line from stdin (with its newline), `None` at end of input.
pub fn read_line(vm: &Vm) -> PyResult<Option<String>> {
    flush_stdout();
    let result = vm.py.allow_threads(BlockKind::Input, || {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map(|n| (n, line))
    });
    match result {
        Ok((0, _)) => Ok(None),
        Ok((_, line)) => Ok(Some(line)),
        Err(e) => Err(vm.new_error(&types().os_error, e.to_string())),
    }
}

/// `_io`: the classes of toy's own file objects, which `io.py` registers with its abstract
/// base classes (`isinstance(sys.stdout, io.TextIOBase)`).
pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let t = types();
    let class = |c: &ObjRef| Value::Obj(crate::objects::types::clone_immortal(c));
    let values = vec![("TextFile", class(&t.text_io)), ("BinaryFile", class(&t.buffered_io))];
    super::new_module(vm, "_io", &[], values)
}

/// `sys.stdout` or `sys.stderr` as the program left it (`sys.stdout = io.StringIO()`), or
/// `None` before `sys` is imported (when the standard stream is still the one).
pub fn sys_stream(vm: &mut Vm, name: &str) -> PyResult<Option<Value>> {
    let modules = Value::Obj(vm.modules.clone_ref(vm.py));
    let Some(sys) = vm.dict_get(&modules, &Value::Obj(intern("sys")))? else {
        return Ok(None);
    };
    let Some(Payload::Module(module)) = sys.payload() else {
        return Ok(None);
    };
    let namespace = Value::Obj(module.dict.clone_ref(vm.py));
    vm.dict_get(&namespace, &Value::Obj(intern(name)))
}

fn stream_of(vm: &Vm, v: &Value) -> PyResult<Stream> {
    match v.payload() {
        Some(Payload::Stream(s)) => Ok(*s),
        _ => Err(vm.type_error("expected a stream")),
    }
}

/// `write` for standard streams and text files alike.
pub fn write(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "write", args, 2, 2)?;
    if matches!(args[0].payload(), Some(Payload::File(_))) {
        return super::file::write(vm, args, kwargs);
    }
    let stream = stream_of(vm, &args[0])?;
    let Some(text) = args[1].as_str() else {
        return Err(vm.type_error(format!("write() argument must be str, not {}", vm.type_name(&args[1]))));
    };
    write_stream(vm, stream, text, false)?;
    Ok(Value::Int(text.chars().count() as i64))
}

pub fn flush(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "flush", args, 1, 1)?;
    if matches!(args[0].payload(), Some(Payload::File(_))) {
        return super::file::flush(vm, args, kwargs);
    }
    if stream_of(vm, &args[0])? == Stream::Stdout {
        flush_stdout();
    }
    Ok(Value::None)
}

pub fn readline(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "readline", args, 1, 2)?;
    if matches!(args[0].payload(), Some(Payload::File(_))) {
        return super::file::readline(vm, args, kwargs);
    }
    let line = read_line(vm)?.unwrap_or_default();
    Ok(vm.new_str(line))
}

pub fn read(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "read", args, 1, 2)?;
    if matches!(args[0].payload(), Some(Payload::File(_))) {
        return super::file::read(vm, args, kwargs);
    }
    flush_stdout();
    let text = vm
        .py
        .allow_threads(BlockKind::Input, || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text).map(|_| text)
        })
        .map_err(|e| vm.new_error(&types().os_error, e.to_string()))?;
    Ok(vm.new_str(text))
}
