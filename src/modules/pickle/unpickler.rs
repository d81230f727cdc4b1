//! The unpickler: a stack machine that runs a pickle's opcodes, with CPython 3.11's checks and
//! messages. It never recurses, so however deeply nested the data, loading it uses a fixed
//! amount of native stack.
//!
//! Input is a bytes object (`loads`) or a file (`load`). From a file it reads exactly what the
//! pickle takes, so several pickles written one after the other load one by one; a `FRAME`
//! is read whole with one `read` call and served from memory.

use num_bigint::BigInt;

use super::opcodes::*;
use super::text::{TextError, parse_int_line, raw_unicode_unescape, unquote_python2_string};
use super::{import_module, unpickling_error};
use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::{PyResult, Vm};

/// Where the pickle comes from.
pub enum Input<'a> {
    Bytes { data: &'a [u8], pos: usize },
    File(FileInput),
}

/// A file being read. With `peek` (binary files have it), the pickle is parsed from bytes the
/// file shows ahead, and only what was used is then consumed with `read`, as CPython's
/// unpickler does: a few calls per 64 KiB instead of one per opcode. Without it, every opcode
/// is read with `read` (and `readline`), and a `FRAME` with one `read`.
pub struct FileInput {
    read: Value,
    readline: Value,
    peek: Option<Value>,
    /// Bytes at hand: peeked (still in the file until consumed), or a frame read whole.
    buffer: Vec<u8>,
    pos: usize,
    /// What the last read returned, kept so the caller can borrow it.
    scratch: Vec<u8>,
}

/// How much to look ahead at once when the file can `peek`.
const PREFETCH: usize = 64 * 1024;

impl FileInput {
    pub fn new(read: Value, readline: Value, peek: Option<Value>) -> FileInput {
        FileInput {
            read,
            readline,
            peek,
            buffer: Vec::new(),
            pos: 0,
            scratch: Vec::new(),
        }
    }

    fn available(&self) -> usize {
        self.buffer.len() - self.pos
    }

    /// Consume from the file what was used of the peeked bytes; the rest is dropped (it is
    /// still in the file).
    fn consume_peeked(&mut self, vm: &mut Vm) -> PyResult<()> {
        if self.peek.is_none() {
            return Ok(());
        }
        let used = self.pos;
        self.buffer.clear();
        self.pos = 0;
        if used > 0 {
            call_read(vm, &self.read, used)?;
        }
        Ok(())
    }

    /// With `peek`: make `n` bytes available. `false` when the file shows fewer (at its end,
    /// or with less buffered), and then nothing is left unconsumed.
    fn fill(&mut self, vm: &mut Vm, n: usize) -> PyResult<bool> {
        let Some(peek) = self.peek.as_ref().map(|p| p.clone_ref(vm.py)) else {
            return Ok(false);
        };
        self.consume_peeked(vm)?;
        let ahead = vm.call(&peek, &[Value::Int(n.max(PREFETCH) as i64)], &[])?;
        match ahead.payload() {
            Some(Payload::Bytes(b)) if b.len() >= n => {
                self.buffer.extend_from_slice(b);
                Ok(true)
            }
            Some(Payload::Bytes(_)) => Ok(false),
            _ => Err(vm.type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(&ahead)
            ))),
        }
    }
}

/// `load`'s options and hooks.
pub struct LoadOptions {
    pub fix_imports: bool,
    /// How Python 2 `str` objects are decoded; `bytes` keeps them as bytes.
    pub encoding: String,
    pub errors: String,
    /// An iterator over the out-of-band buffers (`None`: none were given).
    pub buffers: Option<Value>,
    pub find_class: Option<Value>,
    pub persistent_load: Option<Value>,
    /// The `Unpickler` object, whose protocol field follows the stream's (its default
    /// `find_class` reads it).
    pub owner: Option<Value>,
}

/// Memo entries by index: dense as the pickler writes them, sparse for odd indices that
/// hand-made pickles may use.
#[derive(Default)]
pub struct LoadMemo {
    dense: Vec<Option<Value>>,
    sparse: hashbrown::HashMap<u64, Value>,
    len: usize,
}

impl LoadMemo {
    /// Beyond this many free slots past the end, an index is kept in the sparse map, so a
    /// pickle cannot make the memo allocate a huge table with one `LONG_BINPUT`.
    const MAX_GAP: u64 = 1 << 16;

    pub fn put(&mut self, index: u64, value: Value) {
        let previous = if index < self.dense.len() as u64 + Self::MAX_GAP {
            let i = index as usize;
            if i >= self.dense.len() {
                self.dense.resize_with(i + 1, || None);
            }
            self.dense[i].replace(value)
        } else {
            self.sparse.insert(index, value)
        };
        if previous.is_none() {
            self.len += 1;
        }
    }

    pub fn get(&self, index: u64) -> Option<&Value> {
        match self.dense.get(index as usize) {
            Some(slot) => slot.as_ref(),
            None => self.sparse.get(&index),
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = (u64, &Value)> {
        self.dense
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((i as u64, v.as_ref()?)))
            .chain(self.sparse.iter().map(|(i, v)| (*i, v)))
    }
}

pub struct Unpickler<'a> {
    input: Input<'a>,
    stack: Vec<Value>,
    /// The stack length at each `MARK` still open.
    marks: Vec<usize>,
    pub memo: LoadMemo,
    proto: u8,
    options: LoadOptions,
}

/// Read a fixed-size little-endian integer argument.
macro_rules! read_le {
    ($self:ident, $vm:ident, $ty:ty) => {{
        let bytes = $self.read($vm, std::mem::size_of::<$ty>())?;
        let mut buf = [0u8; std::mem::size_of::<$ty>()];
        buf.copy_from_slice(bytes);
        <$ty>::from_le_bytes(buf)
    }};
}

impl<'a> Unpickler<'a> {
    pub fn new(input: Input<'a>, options: LoadOptions, memo: LoadMemo) -> Unpickler<'a> {
        Unpickler {
            input,
            stack: Vec::new(),
            marks: Vec::new(),
            memo,
            proto: 0,
            options,
        }
    }

    // ----- reading ------------------------------------------------------------------------

    fn truncated(vm: &mut Vm) -> crate::vm::PyErr {
        unpickling_error(vm, "pickle data was truncated")
    }

    /// The next opcode, or `None` at the end of the input.
    fn read_opcode(&mut self, vm: &mut Vm) -> PyResult<Option<u8>> {
        match &mut self.input {
            Input::Bytes { data, pos } => {
                let op = data.get(*pos).copied();
                *pos += 1;
                Ok(op)
            }
            Input::File(file) => {
                if file.available() >= 1 || file.fill(vm, 1)? {
                    file.pos += 1;
                    return Ok(Some(file.buffer[file.pos - 1]));
                }
                let got = call_read(vm, &file.read, 1)?;
                Ok(got.first().copied())
            }
        }
    }

    /// Exactly `n` bytes of argument.
    fn read(&mut self, vm: &mut Vm, n: usize) -> PyResult<&[u8]> {
        match &mut self.input {
            Input::Bytes { data, pos } => {
                let start = *pos;
                let end = start.checked_add(n).filter(|&end| end <= data.len());
                let Some(end) = end else {
                    return Err(Self::truncated(vm));
                };
                *pos = end;
                Ok(&data[start..end])
            }
            Input::File(file) => {
                if file.available() >= n || file.fill(vm, n)? {
                    let start = file.pos;
                    file.pos += n;
                    return Ok(&file.buffer[start..start + n]);
                }
                // The rest of a frame read whole, then the file.
                let available = file.available();
                file.scratch.clear();
                file.scratch.extend_from_slice(&file.buffer[file.pos..]);
                file.pos = file.buffer.len();
                let rest = call_read(vm, &file.read, n - available)?;
                file.scratch.extend_from_slice(&rest);
                if file.scratch.len() < n {
                    return Err(Self::truncated(vm));
                }
                Ok(&file.scratch)
            }
        }
    }

    /// A line of text, without its `\n`.
    fn read_line(&mut self, vm: &mut Vm) -> PyResult<&[u8]> {
        match &mut self.input {
            Input::Bytes { data, pos } => {
                let start = *pos;
                let Some(len) = data.get(start..).and_then(|rest| rest.iter().position(|&b| b == b'\n')) else {
                    return Err(Self::truncated(vm));
                };
                *pos = start + len + 1;
                Ok(&data[start..start + len])
            }
            Input::File(file) => {
                if let Some(len) = file.buffer[file.pos..].iter().position(|&b| b == b'\n') {
                    let start = file.pos;
                    file.pos += len + 1;
                    return Ok(&file.buffer[start..start + len]);
                }
                // Peeked bytes are given back to the file, a frame's rest is kept.
                file.consume_peeked(vm)?;
                let readline = file.readline.clone_ref(vm.py);
                let line = vm.call(&readline, &[], &[])?;
                let Some(Payload::Bytes(line)) = line.payload() else {
                    return Err(vm.type_error(format!(
                        "a bytes-like object is required, not '{}'",
                        vm.type_name(&line)
                    )));
                };
                file.scratch.clear();
                file.scratch.extend_from_slice(&file.buffer[file.pos..]);
                file.pos = file.buffer.len();
                file.scratch.extend_from_slice(line);
                match file.scratch.pop() {
                    Some(b'\n') => Ok(&file.scratch),
                    _ => Err(Self::truncated(vm)),
                }
            }
        }
    }

    /// A text argument of at least one character (CPython's `bad_readline` otherwise).
    fn read_text_line(&mut self, vm: &mut Vm) -> PyResult<String> {
        let line = self.read_line(vm)?;
        if line.is_empty() {
            return Err(Self::truncated(vm));
        }
        Ok(String::from_utf8_lossy(line).into_owned())
    }

    fn read_frame(&mut self, vm: &mut Vm) -> PyResult<()> {
        let len = read_le!(self, vm, u64);
        match &mut self.input {
            Input::Bytes { data, pos } => {
                if (data.len() - (*pos).min(data.len())) as u64 >= len {
                    Ok(())
                } else {
                    Err(Self::truncated(vm))
                }
            }
            // Peeked bytes are read on regardless of frames.
            Input::File(file) if file.peek.is_some() => Ok(()),
            Input::File(file) => {
                let Ok(len) = usize::try_from(len) else {
                    return Err(vm.overflow_error("FRAME length exceeds system's maximum of bytes"));
                };
                let leftover: Vec<u8> = file.buffer[file.pos..].to_vec();
                let data = call_read(vm, &file.read, len)?;
                if data.len() < len {
                    return Err(Self::truncated(vm));
                }
                file.buffer = leftover;
                file.buffer.extend_from_slice(&data);
                file.pos = 0;
                Ok(())
            }
        }
    }

    // ----- the stack ----------------------------------------------------------------------

    fn underflow(vm: &mut Vm) -> crate::vm::PyErr {
        unpickling_error(vm, "unpickling stack underflow")
    }

    /// The lowest stack position the current opcode may touch: above the last mark.
    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn pop(&mut self, vm: &mut Vm) -> PyResult<Value> {
        if self.stack.len() <= self.fence() {
            return Err(Self::underflow(vm));
        }
        self.stack.pop().ok_or_else(|| Self::underflow(vm))
    }

    fn top(&self, vm: &mut Vm) -> PyResult<&Value> {
        if self.stack.len() <= self.fence() {
            return Err(Self::underflow(vm));
        }
        self.stack.last().ok_or_else(|| Self::underflow(vm))
    }

    /// Everything pushed since the last `MARK`, which is closed.
    fn pop_mark(&mut self, vm: &mut Vm) -> PyResult<Vec<Value>> {
        let Some(mark) = self.marks.pop() else {
            return Err(unpickling_error(vm, "could not find MARK"));
        };
        Ok(self.stack.split_off(mark.min(self.stack.len())))
    }

    // ----- the main loop ------------------------------------------------------------------

    /// Run the pickle to its `STOP`; from a file that can peek, what was read ahead and not
    /// used is left in the file for what follows.
    pub fn load(&mut self, vm: &mut Vm) -> PyResult<Value> {
        let result = self.run(vm);
        if let Input::File(file) = &mut self.input {
            let consumed = file.consume_peeked(vm);
            // An error of the pickle itself is the one to report.
            if result.is_ok() {
                consumed?;
            }
        }
        result
    }

    fn run(&mut self, vm: &mut Vm) -> PyResult<Value> {
        loop {
            let Some(op) = self.read_opcode(vm)? else {
                return Err(vm.new_error(&types().eof_error, "Ran out of input"));
            };
            match op {
                STOP => {
                    if !self.marks.is_empty() {
                        return Err(unpickling_error(vm, "unexpected MARK found"));
                    }
                    return self.stack.pop().ok_or_else(|| Self::underflow(vm));
                }
                _ => self.execute(vm, op)?,
            }
        }
    }

    fn execute(&mut self, vm: &mut Vm, op: u8) -> PyResult<()> {
        let py = vm.py;
        match op {
            PROTO => {
                let proto = self.read(vm, 1)?[0];
                if proto > HIGHEST_PROTOCOL {
                    return Err(vm.value_error(format!("unsupported pickle protocol: {proto}")));
                }
                self.proto = proto;
                if let Some(owner) = self.options.owner.as_ref().map(|o| o.clone_ref(py)) {
                    vm.set_attr(&owner, &intern("_Unpickler__proto"), Value::Int(i64::from(proto)))?;
                }
            }
            FRAME => self.read_frame(vm)?,
            MARK => self.marks.push(self.stack.len()),
            POP => {
                if self.stack.len() > self.fence() {
                    self.stack.pop();
                } else if self.marks.pop().is_none() {
                    return Err(Self::underflow(vm));
                }
            }
            POP_MARK => {
                self.pop_mark(vm)?;
            }
            DUP => {
                let top = self.top(vm)?.clone_ref(py);
                self.stack.push(top);
            }
            NONE => self.stack.push(Value::None),
            NEWTRUE => self.stack.push(Value::Bool(true)),
            NEWFALSE => self.stack.push(Value::Bool(false)),
            BININT1 => {
                let b = self.read(vm, 1)?[0];
                self.stack.push(Value::Int(i64::from(b)));
            }
            BININT2 => {
                let v = read_le!(self, vm, u16);
                self.stack.push(Value::Int(i64::from(v)));
            }
            BININT => {
                let v = read_le!(self, vm, i32);
                self.stack.push(Value::Int(i64::from(v)));
            }
            LONG1 => {
                let n = usize::from(self.read(vm, 1)?[0]);
                self.load_long_bytes(vm, n)?;
            }
            LONG4 => {
                let n = read_le!(self, vm, i32);
                let Ok(n) = usize::try_from(n) else {
                    return Err(unpickling_error(vm, "LONG pickle has negative byte count"));
                };
                self.load_long_bytes(vm, n)?;
            }
            INT => self.load_int_text(vm)?,
            LONG => self.load_long_text(vm)?,
            BINFLOAT => {
                let bytes = self.read(vm, 8)?;
                let mut buf = [0u8; 8];
                buf.copy_from_slice(bytes);
                self.stack.push(Value::Float(f64::from_be_bytes(buf)));
            }
            FLOAT => {
                let text = self.read_text_line(vm)?;
                let Some(x) = crate::objects::format::parse_float_literal(text.trim_end()) else {
                    return Err(vm.value_error("could not convert string to float"));
                };
                self.stack.push(Value::Float(x));
            }
            SHORT_BINUNICODE => {
                let n = usize::from(self.read(vm, 1)?[0]);
                self.load_utf8(vm, n)?;
            }
            BINUNICODE => {
                let n = read_le!(self, vm, u32) as usize;
                self.load_utf8(vm, n)?;
            }
            BINUNICODE8 => {
                let n = self.read_size8(vm, "BINUNICODE8")?;
                self.load_utf8(vm, n)?;
            }
            UNICODE => {
                let line = self.read_line(vm)?;
                let decoded = raw_unicode_unescape(line);
                let line_copy = match &decoded {
                    Err(TextError::Decode { .. }) => line.to_vec(),
                    _ => Vec::new(),
                };
                let text = text_result(vm, decoded, "rawunicodeescape", &line_copy)?;
                let s = vm.new_str(text);
                self.stack.push(s);
            }
            SHORT_BINBYTES => {
                let n = usize::from(self.read(vm, 1)?[0]);
                let b = self.read(vm, n)?.to_vec();
                self.stack.push(vm.new_bytes(b));
            }
            BINBYTES => {
                let n = read_le!(self, vm, u32) as usize;
                let b = self.read(vm, n)?.to_vec();
                self.stack.push(vm.new_bytes(b));
            }
            BINBYTES8 => {
                let n = self.read_size8(vm, "BINBYTES8")?;
                let b = self.read(vm, n)?.to_vec();
                self.stack.push(vm.new_bytes(b));
            }
            BYTEARRAY8 => {
                return Err(unpickling_error(
                    vm,
                    "bytearray is not supported: cannot load BYTEARRAY8 (a bytearray pickled with protocol 5)",
                ));
            }
            NEXT_BUFFER => self.load_next_buffer(vm)?,
            READONLY_BUFFER => self.load_readonly_buffer(vm)?,
            SHORT_BINSTRING => {
                let n = usize::from(self.read(vm, 1)?[0]);
                let b = self.read(vm, n)?.to_vec();
                self.push_python2_string(vm, b)?;
            }
            BINSTRING => {
                let n = read_le!(self, vm, i32);
                let Ok(n) = usize::try_from(n) else {
                    return Err(unpickling_error(vm, "BINSTRING pickle has negative byte count"));
                };
                let b = self.read(vm, n)?.to_vec();
                self.push_python2_string(vm, b)?;
            }
            STRING => {
                let line = self.read_line(vm)?.to_vec();
                match unquote_python2_string(&line) {
                    None => return Err(unpickling_error(vm, "the STRING opcode argument must be quoted")),
                    Some(Err(message)) => return Err(vm.value_error(message)),
                    Some(Ok(b)) => self.push_python2_string(vm, b)?,
                }
            }
            EMPTY_TUPLE => self.stack.push(vm.new_tuple(Vec::new())),
            TUPLE => {
                let items = self.pop_mark(vm)?;
                self.stack.push(vm.new_tuple(items));
            }
            TUPLE1 | TUPLE2 | TUPLE3 => {
                let n = usize::from(op - TUPLE1 + 1);
                if self.stack.len() < self.fence() + n {
                    return Err(Self::underflow(vm));
                }
                let items = self.stack.split_off(self.stack.len() - n);
                self.stack.push(vm.new_tuple(items));
            }
            EMPTY_LIST => self.stack.push(vm.new_list(Vec::new())),
            LIST => {
                let items = self.pop_mark(vm)?;
                self.stack.push(vm.new_list(items));
            }
            APPEND => {
                let item = self.pop(vm)?;
                self.append_items(vm, vec![item])?;
            }
            APPENDS => {
                let items = self.pop_mark(vm)?;
                self.append_items(vm, items)?;
            }
            EMPTY_DICT => self.stack.push(vm.new_dict()),
            DICT => {
                let items = self.pop_mark(vm)?;
                if items.len() % 2 == 1 {
                    return Err(unpickling_error(vm, "odd number of items for DICT"));
                }
                let dict = vm.new_dict();
                set_items(vm, &dict, items)?;
                self.stack.push(dict);
            }
            SETITEM => {
                let value = self.pop(vm)?;
                let key = self.pop(vm)?;
                let target = self.top(vm)?.clone_ref(py);
                set_items(vm, &target, vec![key, value])?;
            }
            SETITEMS => {
                let items = self.pop_mark(vm)?;
                if items.len() % 2 == 1 {
                    return Err(unpickling_error(vm, "odd number of items for SETITEMS"));
                }
                let target = self.top(vm)?.clone_ref(py);
                set_items(vm, &target, items)?;
            }
            EMPTY_SET => {
                let set = vm.empty_set();
                self.stack.push(set);
            }
            ADDITEMS => {
                let items = self.pop_mark(vm)?;
                let target = self.top(vm)?.clone_ref(py);
                add_items(vm, &target, items)?;
            }
            FROZENSET => {
                let items = self.pop_mark(vm)?;
                let set = vm.new_set(items)?;
                let frozen = vm.freeze(set);
                self.stack.push(frozen);
            }
            GET => {
                let text = self.read_text_line(vm)?;
                let Some(index) = parse_int_line(&text).and_then(|i| u64::try_from(i).ok()) else {
                    return Err(vm.value_error(format!(
                        "invalid literal for int() with base 10: {}",
                        super::globals::quote(&text)
                    )));
                };
                self.push_memo(vm, index)?;
            }
            BINGET => {
                let index = u64::from(self.read(vm, 1)?[0]);
                self.push_memo(vm, index)?;
            }
            LONG_BINGET => {
                let index = u64::from(read_le!(self, vm, u32));
                self.push_memo(vm, index)?;
            }
            PUT => {
                let text = self.read_text_line(vm)?;
                let index = match parse_int_line(&text) {
                    Some(i) if i < BigInt::from(0) => return Err(vm.value_error("negative PUT argument")),
                    Some(i) => u64::try_from(i).map_err(|_| vm.overflow_error("PUT argument is too large"))?,
                    None => {
                        return Err(vm.value_error(format!(
                            "invalid literal for int() with base 10: {}",
                            super::globals::quote(&text)
                        )));
                    }
                };
                self.memo_put(vm, index)?;
            }
            BINPUT => {
                let index = u64::from(self.read(vm, 1)?[0]);
                self.memo_put(vm, index)?;
            }
            LONG_BINPUT => {
                let index = read_le!(self, vm, u32);
                if index > i32::MAX as u32 {
                    return Err(vm.value_error("negative LONG_BINPUT argument"));
                }
                self.memo_put(vm, u64::from(index))?;
            }
            MEMOIZE => {
                let index = self.memo.len as u64;
                self.memo_put(vm, index)?;
            }
            GLOBAL => {
                let module = self.read_line(vm)?.to_vec();
                let name = self.read_line(vm)?.to_vec();
                let module = utf8_text(vm, &module)?;
                let name = utf8_text(vm, &name)?;
                let found = self.find_class(vm, module, name)?;
                self.stack.push(found);
            }
            STACK_GLOBAL => {
                let name = self.pop(vm)?;
                let module = self.pop(vm)?;
                if module.as_str().is_none() || name.as_str().is_none() {
                    return Err(unpickling_error(vm, "STACK_GLOBAL requires str"));
                }
                let found = self.find_class(vm, module, name)?;
                self.stack.push(found);
            }
            EXT1 => {
                let code = i64::from(self.read(vm, 1)?[0]);
                self.load_extension(vm, code)?;
            }
            EXT2 => {
                let code = i64::from(read_le!(self, vm, u16));
                self.load_extension(vm, code)?;
            }
            EXT4 => {
                let code = i64::from(read_le!(self, vm, i32));
                self.load_extension(vm, code)?;
            }
            REDUCE => {
                let args = self.pop(vm)?;
                let func = self.pop(vm)?;
                let Some(Payload::Tuple(args)) = args.payload() else {
                    return Err(vm.type_error("argument list must be a tuple"));
                };
                let result = vm.call(&func, args, &[])?;
                self.stack.push(result);
            }
            NEWOBJ => {
                let args = self.pop(vm)?;
                let class = self.pop(vm)?;
                let obj = new_object(vm, "NEWOBJ", &class, &args, None)?;
                self.stack.push(obj);
            }
            NEWOBJ_EX => {
                let kwargs = self.pop(vm)?;
                let args = self.pop(vm)?;
                let class = self.pop(vm)?;
                let obj = new_object(vm, "NEWOBJ_EX", &class, &args, Some(&kwargs))?;
                self.stack.push(obj);
            }
            INST => {
                let module = self.read_line(vm)?.to_vec();
                let name = self.read_line(vm)?.to_vec();
                let module = utf8_text(vm, &module)?;
                let name = utf8_text(vm, &name)?;
                let class = self.find_class(vm, module, name)?;
                let args = self.pop_mark(vm)?;
                let obj = instantiate(vm, &class, args)?;
                self.stack.push(obj);
            }
            OBJ => {
                let mut args = self.pop_mark(vm)?;
                if args.is_empty() {
                    return Err(Self::underflow(vm));
                }
                let class = args.remove(0);
                let obj = instantiate(vm, &class, args)?;
                self.stack.push(obj);
            }
            BUILD => {
                let state = self.pop(vm)?;
                let inst = self.top(vm)?.clone_ref(py);
                build(vm, &inst, state)?;
            }
            PERSID => {
                let line = self.read_line(vm)?.to_vec();
                let Ok(text) = String::from_utf8(line)
                    .map_err(|_| ())
                    .and_then(|t| if t.is_ascii() { Ok(t) } else { Err(()) })
                else {
                    return Err(unpickling_error(
                        vm,
                        "persistent IDs in protocol 0 must be ASCII strings",
                    ));
                };
                let pid = vm.new_str(text);
                let obj = self.persistent_load(vm, pid)?;
                self.stack.push(obj);
            }
            BINPERSID => {
                if self.options.persistent_load.is_none() {
                    return Err(Self::no_persistent_load(vm));
                }
                let pid = self.pop(vm)?;
                let obj = self.persistent_load(vm, pid)?;
                self.stack.push(obj);
            }
            _ => {
                let shown = if (0x20..=0x7e).contains(&op) {
                    char::from(op).to_string()
                } else {
                    format!("\\x{op:02x}")
                };
                return Err(unpickling_error(vm, format!("invalid load key, '{shown}'.")));
            }
        }
        Ok(())
    }

    // ----- opcode helpers -----------------------------------------------------------------

    fn read_size8(&mut self, vm: &mut Vm, opcode: &str) -> PyResult<usize> {
        let n = read_le!(self, vm, u64);
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or_else(|| {
                vm.overflow_error(format!(
                    "{opcode} exceeds system's maximum size of {} bytes",
                    isize::MAX
                ))
            })
    }

    fn load_long_bytes(&mut self, vm: &mut Vm, n: usize) -> PyResult<()> {
        let bytes = self.read(vm, n)?;
        let value = if bytes.is_empty() {
            Value::Int(0)
        } else {
            let big = BigInt::from_signed_bytes_le(bytes);
            vm.new_int(big)
        };
        self.stack.push(value);
        Ok(())
    }

    fn load_int_text(&mut self, vm: &mut Vm) -> PyResult<()> {
        let text = self.read_text_line(vm)?;
        let value = match text.as_str() {
            "00" => Value::Bool(false),
            "01" => Value::Bool(true),
            _ => match parse_int_line(&text) {
                Some(i) => vm.new_int(i),
                None => return Err(vm.value_error("could not convert string to int")),
            },
        };
        self.stack.push(value);
        Ok(())
    }

    fn load_long_text(&mut self, vm: &mut Vm) -> PyResult<()> {
        let text = self.read_text_line(vm)?;
        let digits = text.strip_suffix('L').unwrap_or(&text);
        let Some(i) = crate::objects::format::parse_int_literal(digits, 0) else {
            return Err(vm.value_error(format!(
                "invalid literal for int() with base 0: {}",
                super::globals::quote(digits)
            )));
        };
        self.stack.push(vm.new_int(i));
        Ok(())
    }

    /// A UTF-8 string argument (`SHORT_BINUNICODE`, `BINUNICODE`, `BINUNICODE8`).
    fn load_utf8(&mut self, vm: &mut Vm, n: usize) -> PyResult<()> {
        let bytes = self.read(vm, n)?;
        let s = match std::str::from_utf8(bytes) {
            Ok(s) => vm.new_str(s),
            Err(e) => {
                let bytes = bytes.to_vec();
                return Err(utf8_decode_error(vm, &bytes, e));
            }
        };
        self.stack.push(s);
        Ok(())
    }

    /// A Python 2 `str`: bytes with `encoding='bytes'`, else decoded.
    fn push_python2_string(&mut self, vm: &mut Vm, bytes: Vec<u8>) -> PyResult<()> {
        let raw = vm.new_bytes(bytes);
        let value = if self.options.encoding == "bytes" {
            raw
        } else {
            let encoding = vm.new_str(self.options.encoding.as_str());
            let errors = vm.new_str(self.options.errors.as_str());
            vm.call_method(&raw, "decode", &[encoding, errors])?
        };
        self.stack.push(value);
        Ok(())
    }

    fn push_memo(&mut self, vm: &mut Vm, index: u64) -> PyResult<()> {
        match self.memo.get(index) {
            Some(v) => {
                let v = v.clone_ref(vm.py);
                self.stack.push(v);
                Ok(())
            }
            None => Err(unpickling_error(vm, format!("Memo value not found at index {index}"))),
        }
    }

    fn memo_put(&mut self, vm: &mut Vm, index: u64) -> PyResult<()> {
        let top = self.top(vm)?.clone_ref(vm.py);
        self.memo.put(index, top);
        Ok(())
    }

    fn load_next_buffer(&mut self, vm: &mut Vm) -> PyResult<()> {
        let Some(buffers) = self.options.buffers.as_ref().map(|b| b.clone_ref(vm.py)) else {
            return Err(unpickling_error(
                vm,
                "pickle stream refers to out-of-band data but no *buffers* argument was given",
            ));
        };
        match vm.next(&buffers)? {
            Some(buffer) => {
                self.stack.push(buffer);
                Ok(())
            }
            None => Err(unpickling_error(vm, "not enough out-of-band buffers")),
        }
    }

    /// Make the top of the stack a read-only buffer: toy's only buffers, `bytes` and the
    /// `PickleBuffer`s that wrap them, already are.
    fn load_readonly_buffer(&mut self, vm: &mut Vm) -> PyResult<()> {
        let top = self.top(vm)?.clone_ref(vm.py);
        if matches!(top.payload(), Some(Payload::Bytes(_))) || super::buffer::is_pickle_buffer(vm, &top) {
            return Ok(());
        }
        Err(vm.type_error(format!(
            "memoryview: a bytes-like object is required, not '{}'",
            vm.type_name(&top)
        )))
    }

    fn no_persistent_load(vm: &mut Vm) -> crate::vm::PyErr {
        unpickling_error(
            vm,
            "A load persistent id instruction was encountered,\nbut no persistent_load function was specified.",
        )
    }

    fn persistent_load(&mut self, vm: &mut Vm, pid: Value) -> PyResult<Value> {
        match self.options.persistent_load.as_ref().map(|f| f.clone_ref(vm.py)) {
            Some(load) => vm.call(&load, &[pid], &[]),
            None => Err(Self::no_persistent_load(vm)),
        }
    }

    fn find_class(&mut self, vm: &mut Vm, module: Value, name: Value) -> PyResult<Value> {
        match self.options.find_class.as_ref().map(|f| f.clone_ref(vm.py)) {
            Some(hook) => vm.call(&hook, &[module, name], &[]),
            None => find_class(vm, &module, &name, self.proto, self.options.fix_imports),
        }
    }

    /// `EXT1`/`EXT2`/`EXT4`: the global `copyreg.add_extension` registered under `code`.
    fn load_extension(&mut self, vm: &mut Vm, code: i64) -> PyResult<()> {
        if code <= 0 {
            return Err(vm.runtime_error("EXT specifies code <= 0"));
        }
        let copyreg = import_module(vm, "copyreg")?;
        let cache = vm.get_attr(&copyreg, &intern("_extension_cache"))?;
        if let Some(found) = vm.dict_get(&cache, &Value::Int(code))? {
            self.stack.push(found);
            return Ok(());
        }
        let inverted = vm.get_attr(&copyreg, &intern("_inverted_registry"))?;
        let Some(key) = vm.dict_get(&inverted, &Value::Int(code))? else {
            return Err(vm.value_error(format!("unregistered extension code {code}")));
        };
        let pair = match key.payload() {
            Some(Payload::Tuple(pair)) if pair.len() == 2 => (pair[0].clone_ref(vm.py), pair[1].clone_ref(vm.py)),
            _ => {
                return Err(unpickling_error(
                    vm,
                    format!("_inverted_registry[{code}] isn't a 2-tuple of strings"),
                ));
            }
        };
        let found = self.find_class(vm, pair.0, pair.1)?;
        vm.dict_set(&cache, Value::Int(code), found.clone_ref(vm.py))?;
        self.stack.push(found);
        Ok(())
    }
}

/// `file.read(n)`, which must give bytes.
fn call_read(vm: &mut Vm, read: &Value, n: usize) -> PyResult<Vec<u8>> {
    let read = read.clone_ref(vm.py);
    let got = vm.call(&read, &[Value::Int(n as i64)], &[])?;
    match got.payload() {
        Some(Payload::Bytes(b)) => Ok(b.to_vec()),
        _ => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(&got)))),
    }
}

/// A module or class name from a `GLOBAL` or `INST` line.
fn utf8_text(vm: &mut Vm, bytes: &[u8]) -> PyResult<Value> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(vm.new_str(s)),
        Err(e) => Err(utf8_decode_error(vm, bytes, e)),
    }
}

/// CPython's `UnicodeDecodeError` for invalid UTF-8, or toy's error for the encoded lone
/// surrogates CPython's `surrogatepass` would accept but toy's strings cannot hold.
fn utf8_decode_error(vm: &mut Vm, bytes: &[u8], e: std::str::Utf8Error) -> crate::vm::PyErr {
    let at = e.valid_up_to();
    if bytes.get(at) == Some(&0xed) && bytes.get(at + 1).is_some_and(|b| (0xa0..=0xbf).contains(b)) {
        return unpickling_error(vm, "surrogate characters are not supported");
    }
    let raw = vm.new_bytes(bytes.to_vec());
    match vm.call_method(&raw, "decode", &[]) {
        Err(err) => err,
        Ok(_) => vm.value_error("invalid UTF-8"),
    }
}

/// The `UnicodeDecodeError` (or toy's surrogate error) for a failed text decoding.
fn text_result(vm: &mut Vm, decoded: Result<String, TextError>, codec: &str, input: &[u8]) -> PyResult<String> {
    match decoded {
        Ok(text) => Ok(text),
        Err(TextError::Surrogate) => Err(unpickling_error(vm, "surrogate characters are not supported")),
        Err(TextError::Decode { start, end, reason }) => {
            let what = if end - start == 1 {
                format!(
                    "byte 0x{:02x} in position {start}",
                    input.get(start).copied().unwrap_or(0)
                )
            } else {
                format!("bytes in position {start}-{}", end - 1)
            };
            Err(vm.new_error(
                &types().unicode_decode_error,
                format!("'{codec}' codec can't decode {what}: {reason}"),
            ))
        }
    }
}

/// The hashes of the keys of `items` (alternating keys and values) when every key hashes and
/// compares without Python code (strings, numbers, tuples of them), so that all of them can go
/// in under one lock. A number is not one of them once a key of a class may equal it (`0.5`
/// replaces a stored `Fraction(1, 2)`'s value): `may_need_vm_eq` says so. A string never
/// is, and strings are most keys: they skip the question. (A plain loop: collecting into an
/// `Option<Vec>` was not inlined and cost about 45 instructions more per key.)
fn native_key_hashes(items: &[Value]) -> Option<Vec<i64>> {
    let mut hashes = Vec::with_capacity(items.len() / 2);
    for key in items.iter().step_by(2) {
        if !matches!(key.payload(), Some(Payload::Str(_))) && crate::vm::ops::may_need_vm_eq(key) {
            return None;
        }
        hashes.push(crate::objects::hashing::hash_value(key)?);
    }
    Some(hashes)
}

/// `SETITEM(S)` and `DICT`: into a plain dict directly, else through `__setitem__`.
fn set_items(vm: &mut Vm, target: &Value, items: Vec<Value>) -> PyResult<()> {
    if let Some(Payload::Dict(dict)) = target.payload()
        && let Some(hashes) = native_key_hashes(&items)
    {
        let mut replaced = Vec::new();
        {
            let mut table = dict.lock(vm.py);
            let mut pairs = items.into_iter();
            for hash in hashes {
                let (Some(key), Some(value)) = (pairs.next(), pairs.next()) else {
                    break;
                };
                let probe = key.clone_ref(vm.py);
                replaced.extend(table.insert(hash, key, value, |k| crate::vm::ops::key_eq(k, &probe)));
            }
        }
        // Released after the lock: freeing an object must not happen under it.
        drop(replaced);
        return Ok(());
    }
    let mut items = items.into_iter();
    let plain_dict = matches!(target.payload(), Some(Payload::Dict(_)));
    while let (Some(key), Some(value)) = (items.next(), items.next()) {
        if plain_dict {
            vm.dict_set(target, key, value)?;
        } else {
            vm.set_item(target, key, value)?;
        }
    }
    Ok(())
}

/// `APPEND(S)`: onto a plain list directly, else through its `extend` (or `append`).
impl Unpickler<'_> {
    fn append_items(&mut self, vm: &mut Vm, items: Vec<Value>) -> PyResult<()> {
        let target = self.top(vm)?.clone_ref(vm.py);
        if let Some(Payload::List(list)) = target.payload() {
            list.lock(vm.py).extend(items);
            return Ok(());
        }
        if let Some(extend) = vm.get_attr_opt(&target, &intern("extend"))? {
            let items = vm.new_list(items);
            vm.call(&extend, &[items], &[])?;
            return Ok(());
        }
        let append = vm.get_attr(&target, &intern("append"))?;
        for item in items {
            vm.call(&append, &[item], &[])?;
        }
        Ok(())
    }
}

/// `ADDITEMS`: into a plain set directly, else through its `add`.
fn add_items(vm: &mut Vm, target: &Value, items: Vec<Value>) -> PyResult<()> {
    if matches!(target.payload(), Some(Payload::Set(_))) {
        for item in items {
            vm.set_add(target, item)?;
        }
        return Ok(());
    }
    let add = vm.get_attr(target, &intern("add"))?;
    for item in items {
        vm.call(&add, &[item], &[])?;
    }
    Ok(())
}

/// `NEWOBJ` / `NEWOBJ_EX`: `cls.__new__(cls, *args, **kwargs)`.
fn new_object(vm: &mut Vm, opcode: &str, class: &Value, args: &Value, kwargs: Option<&Value>) -> PyResult<Value> {
    if !matches!(class.payload(), Some(Payload::Type(_))) {
        return Err(unpickling_error(
            vm,
            format!("{opcode} class argument must be a type, not {}", vm.type_name(class)),
        ));
    }
    let Some(Payload::Tuple(args)) = args.payload() else {
        return Err(unpickling_error(
            vm,
            match kwargs {
                None => "NEWOBJ expected an arg tuple.".to_string(),
                Some(_) => format!("NEWOBJ_EX args argument must be a tuple, not {}", vm.type_name(args)),
            },
        ));
    };
    let keywords: Vec<(ObjRef, Value)> = match kwargs {
        None => Vec::new(),
        Some(kwargs) => {
            if !matches!(kwargs.payload(), Some(Payload::Dict(_))) {
                return Err(unpickling_error(
                    vm,
                    format!("NEWOBJ_EX kwargs argument must be a dict, not {}", vm.type_name(kwargs)),
                ));
            }
            let mut keywords = Vec::new();
            for (k, v) in vm.dict_items(kwargs)? {
                let Some(name) = k.as_str() else {
                    return Err(vm.type_error("keywords must be strings"));
                };
                keywords.push((intern(name), v));
            }
            keywords
        }
    };
    let new = vm.get_attr(class, &intern("__new__"))?;
    let mut full = Vec::with_capacity(args.len() + 1);
    full.push(class.clone_ref(vm.py));
    full.extend(args.iter().map(|a| a.clone_ref(vm.py)));
    vm.call(&new, &full, &keywords)
}

/// `INST` / `OBJ` (protocols 0 and 1): `cls(*args)`, or `cls.__new__(cls)` for a class called
/// without arguments and without `__getinitargs__`.
fn instantiate(vm: &mut Vm, class: &Value, args: Vec<Value>) -> PyResult<Value> {
    let is_class = matches!(class.payload(), Some(Payload::Type(_)));
    if !args.is_empty() || !is_class || vm.get_attr_opt(class, &intern("__getinitargs__"))?.is_some() {
        return vm.call(class, &args, &[]);
    }
    let new = vm.get_attr(class, &intern("__new__"))?;
    vm.call(&new, &[class.clone_ref(vm.py)], &[])
}

/// `BUILD`: `inst.__setstate__(state)`, or the default: a dict state goes into the instance
/// `__dict__` (names interned, as CPython does), a `(dict, slots)` pair's slots are set as
/// attributes.
fn build(vm: &mut Vm, inst: &Value, state: Value) -> PyResult<()> {
    if let Some(setstate) = vm.get_attr_opt(inst, &intern("__setstate__"))? {
        vm.call(&setstate, &[state], &[])?;
        return Ok(());
    }
    let (state, slot_state) = match state.payload() {
        Some(Payload::Tuple(pair)) if pair.len() == 2 => (pair[0].clone_ref(vm.py), pair[1].clone_ref(vm.py)),
        _ => (state, Value::None),
    };
    if !state.is_none() {
        if !matches!(state.payload(), Some(Payload::Dict(_))) {
            return Err(unpickling_error(vm, "state is not a dictionary"));
        }
        let items = vm.dict_items(&state)?;
        if !set_instance_attributes(vm, inst, &items) {
            let namespace = vm.get_attr(inst, &intern("__dict__"))?;
            for (key, value) in items {
                let key = match key.as_str() {
                    Some(name) if matches!(key.payload(), Some(Payload::Str(_))) => Value::Obj(intern(name)),
                    _ => key,
                };
                vm.set_item(&namespace, key, value)?;
            }
        }
    }
    if !slot_state.is_none() {
        if !matches!(slot_state.payload(), Some(Payload::Dict(_))) {
            return Err(unpickling_error(vm, "slot state is not a dictionary"));
        }
        for (key, value) in vm.dict_items(&slot_state)? {
            let Some(name) = key.as_str() else {
                return Err(vm.type_error(format!("attribute name must be string, not '{}'", vm.type_name(&key))));
            };
            vm.set_attr(inst, &intern(name), value)?;
        }
    }
    Ok(())
}

/// Store string-keyed state straight into a plain instance's attribute table (what
/// `inst.__dict__.update` would do, without making the instance's dict an object of its own).
/// `false`, with nothing stored, when that does not apply.
fn set_instance_attributes(vm: &mut Vm, inst: &Value, items: &[(Value, Value)]) -> bool {
    let Some(Payload::Instance(instance)) = inst.payload() else {
        return false;
    };
    let class = instance.class.clone_ref(vm.py);
    if vm.class_attr(&class, "__dict__").is_some()
        || items.iter().any(|(k, _)| !matches!(k.payload(), Some(Payload::Str(_))))
    {
        return false;
    }
    let py = vm.py;
    let replaced: Vec<Value> = instance.with_dict(py, |table| {
        items
            .iter()
            .filter_map(|(key, value)| {
                let name = intern(key.as_str()?);
                let Payload::Str(text) = &name.payload else {
                    return None;
                };
                let (hash, probe) = (text.hash(), Value::Obj(name.clone_ref(py)));
                table.insert(hash, Value::Obj(name), value.clone_ref(py), |k| {
                    crate::vm::ops::key_eq(k, &probe)
                })
            })
            .collect()
    });
    // Released after the table's lock.
    drop(replaced);
    true
}

/// `Unpickler.find_class`'s default: import `module` and fetch `name` from it (a dotted
/// path from protocol 4 on), with Python 2's names mapped to Python 3's for protocols 0-2.
pub fn find_class(vm: &mut Vm, module: &Value, name: &Value, proto: u8, fix_imports: bool) -> PyResult<Value> {
    let (Some(module_text), Some(name_text)) = (module.as_str(), name.as_str()) else {
        return Err(vm.type_error("find_class() arguments must be str"));
    };
    let (mut module_text, mut name_text) = (module_text.to_owned(), name_text.to_owned());
    if proto < 3 && fix_imports {
        (module_text, name_text) = python3_names(vm, module, name, module_text, name_text)?;
    }
    let imported = import_module(vm, &module_text)?;
    let found = if proto >= 4 {
        if name_text.split('.').any(|part| part == "<locals>") {
            let module_repr = vm.repr(&imported)?;
            return Err(vm.new_error(
                &types().attribute_error,
                format!(
                    "Can't pickle local attribute {} on {module_repr}",
                    super::globals::quote(&name_text)
                ),
            ));
        }
        super::globals::deep_attribute(vm, &imported, &name_text)?.map(|(found, _)| found)
    } else {
        match vm.get_attr(&imported, &intern(&name_text)) {
            Ok(found) => Some(found),
            Err(e) if vm.err_matches(&e, &types().attribute_error) => None,
            Err(e) => return Err(e),
        }
    };
    match found {
        Some(found) => Ok(found),
        None => {
            let module_repr = vm.repr(&imported)?;
            Err(vm.new_error(
                &types().attribute_error,
                format!(
                    "Can't get attribute {} on {module_repr}",
                    super::globals::quote(&name_text)
                ),
            ))
        }
    }
}

/// Python 3's names for what Python 2 called otherwise (`_compat_pickle`).
fn python3_names(
    vm: &mut Vm,
    module: &Value,
    name: &Value,
    module_text: String,
    name_text: String,
) -> PyResult<(String, String)> {
    let compat = import_module(vm, "_compat_pickle")?;
    let names = vm.get_attr(&compat, &intern("NAME_MAPPING"))?;
    let key = vm.new_tuple(vec![module.clone_ref(vm.py), name.clone_ref(vm.py)]);
    if let Some(mapped) = vm.dict_get(&names, &key)? {
        if let Some(Payload::Tuple(pair)) = mapped.payload()
            && let [Some(m), Some(n)] = [
                pair.first().and_then(Value::as_str),
                pair.get(1).and_then(Value::as_str),
            ]
        {
            return Ok((m.to_owned(), n.to_owned()));
        }
        return Err(vm.runtime_error(format!(
            "_compat_pickle.NAME_MAPPING values should be 2-tuples, not {}",
            vm.type_name(&mapped)
        )));
    }
    let modules = vm.get_attr(&compat, &intern("IMPORT_MAPPING"))?;
    if let Some(mapped) = vm.dict_get(&modules, module)? {
        return match mapped.as_str() {
            Some(m) => Ok((m.to_owned(), name_text)),
            None => Err(vm.runtime_error(format!(
                "_compat_pickle.IMPORT_MAPPING values should be strings, not {}",
                vm.type_name(&mapped)
            ))),
        };
    }
    Ok((module_text, name_text))
}

#[cfg(test)]
mod tests {
    use super::{Input, LoadMemo, LoadOptions, Unpickler};
    use crate::objects::{Payload, Value};
    use crate::vm::Vm;

    /// Load `data` in a fresh interpreter: the value's `str()`, or the error's class and
    /// message.
    fn load(data: &[u8]) -> Result<String, String> {
        crate::gil::attach(|py| {
            let mut vm = Vm::new(py, std::path::PathBuf::from("."), Vec::new(), 1 << 20);
            let options = LoadOptions {
                fix_imports: true,
                encoding: "ASCII".to_string(),
                errors: "strict".to_string(),
                buffers: None,
                find_class: None,
                persistent_load: None,
                owner: None,
            };
            match Unpickler::new(Input::Bytes { data, pos: 0 }, options, LoadMemo::default()).load(&mut vm) {
                Ok(v) => Ok(vm.str(&v).unwrap_or_default()),
                Err(e) => {
                    let class = match &vm.class_of(&e.exc).payload {
                        Payload::Type(t) => t.name.clone(),
                        _ => String::new(),
                    };
                    let args = vm.exception_args(&e.exc);
                    let message = args.first().map(|m| vm.str(m).unwrap_or_default()).unwrap_or_default();
                    Err(format!("{class}: {message}"))
                }
            }
        })
    }

    #[test]
    fn lone_surrogates_are_refused_not_mangled() {
        // CPython loads these (its strings can hold lone surrogates); toy's cannot, and says so.
        let refused = Err("UnpicklingError: surrogate characters are not supported".to_string());
        assert_eq!(load(b"X\x03\x00\x00\x00\xed\xa0\x80."), refused);
        assert_eq!(load(b"\x8c\x06\xed\xa0\xbd\xed\xb8\x80."), refused);
        assert_eq!(load(b"V\\ud800\n."), refused);
        assert_eq!(load(b"\x8c\x04\xf0\x9f\x98\x80."), Ok("\u{1f600}".to_string()));
    }

    #[test]
    fn a_bytearray_is_refused() {
        let loaded = load(b"\x80\x05\x96\x01\x00\x00\x00\x00\x00\x00\x00a.");
        assert!(loaded.is_err_and(|e| e.starts_with("UnpicklingError: bytearray is not supported")));
    }

    #[test]
    fn odd_memo_indices_load_without_a_huge_table() {
        assert_eq!(load(b"K\x07r\xff\xff\xff\x7f0j\xff\xff\xff\x7f."), Ok("7".to_string()));
        assert_eq!(
            load(b"K\x07r\xff\xff\xff\x7f0j\xfe\xff\xff\x7f."),
            Err("UnpicklingError: Memo value not found at index 2147483646".to_string())
        );
    }

    #[test]
    fn memo_counts_entries_and_keeps_odd_indices_sparse() {
        let mut memo = LoadMemo::default();
        memo.put(0, Value::Int(1));
        memo.put(0, Value::Int(2));
        memo.put(5, Value::Int(3));
        memo.put(u64::from(u32::MAX), Value::Int(4));
        assert_eq!(memo.len, 3);
        assert!(memo.dense.len() < 10);
        assert!(matches!(memo.get(0), Some(Value::Int(2))));
        assert!(matches!(memo.get(u64::from(u32::MAX)), Some(Value::Int(4))));
        assert!(memo.get(3).is_none());
    }
}
