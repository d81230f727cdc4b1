//! `zlib`: deflate compression in the zlib, gzip and raw formats, one-shot and streaming, on
//! flate2 with its pure-Rust miniz_oxide backend.
//!
//! flate2 produces and consumes raw deflate here; the zlib and gzip wrappers (header, checksum,
//! trailer) are written and checked in this file, so that `wbits` selects the format as in
//! CPython and header and checksum failures get zlib's messages. The compressed bytes are
//! miniz_oxide's: valid deflate that any inflater reads, but not byte for byte what C zlib
//! emits (programs should not print them; lengths differ slightly too). Work on more than
//! [`DETACH_MIN`] bytes runs with the GIL released, recorded as "compression" in the event log.

use std::sync::OnceLock;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use parking_lot::Mutex;

use super::binascii::{crc32, start_value};
use super::new_module;
use crate::gil::BlockKind;
use crate::objects::methods::bytes::bytes_like;
use crate::objects::types::{add_methods, new_type_in, types};
use crate::objects::{Layout, NativeFn, ObjRef, Payload, Value};
use crate::vm::args::{check_arity, kwarg, only_kwargs};
use crate::vm::{PyErr, PyResult, Vm};

/// Inputs at least this large are (de)compressed with the GIL released.
const DETACH_MIN: usize = 64 * 1024;
/// How much output one inflate step may produce.
const INFLATE_CHUNK: usize = 64 * 1024;

const Z_NO_FLUSH: i64 = 0;
const Z_SYNC_FLUSH: i64 = 2;
const Z_FULL_FLUSH: i64 = 3;
const Z_FINISH: i64 = 4;

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("compress", compress),
    ("decompress", decompress),
    ("compressobj", compressobj),
    ("decompressobj", decompressobj),
    ("crc32", crc32_function),
    ("adler32", adler32_function),
];

/// The classes of the streaming objects, `zlib.Compress` and `zlib.Decompress`.
pub struct StreamClasses {
    pub compress: ObjRef,
    pub decompress: ObjRef,
}

pub fn stream_classes() -> &'static StreamClasses {
    static CLASSES: OnceLock<StreamClasses> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let object = &types().object;
        StreamClasses {
            compress: new_type_in("zlib", "Compress", &[object], Layout::Builtin),
            decompress: new_type_in("zlib", "Decompress", &[object], Layout::Builtin),
        }
    })
}

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let classes = stream_classes();
    add_methods(
        vm.py,
        &classes.compress,
        &[("compress", compress_method), ("flush", compress_flush)],
    );
    add_methods(
        vm.py,
        &classes.decompress,
        &[("decompress", decompress_method), ("flush", decompress_flush)],
    );
    let version = vm.new_str("1.2.13");
    let runtime_version = vm.new_str("1.2.13");
    let constants: [(&str, i64); 19] = [
        ("MAX_WBITS", 15),
        ("DEFLATED", 8),
        ("DEF_MEM_LEVEL", 8),
        ("DEF_BUF_SIZE", 16384),
        ("Z_NO_COMPRESSION", 0),
        ("Z_BEST_SPEED", 1),
        ("Z_BEST_COMPRESSION", 9),
        ("Z_DEFAULT_COMPRESSION", -1),
        ("Z_DEFAULT_STRATEGY", 0),
        ("Z_FILTERED", 1),
        ("Z_HUFFMAN_ONLY", 2),
        ("Z_RLE", 3),
        ("Z_FIXED", 4),
        ("Z_NO_FLUSH", Z_NO_FLUSH),
        ("Z_PARTIAL_FLUSH", 1),
        ("Z_SYNC_FLUSH", Z_SYNC_FLUSH),
        ("Z_FULL_FLUSH", Z_FULL_FLUSH),
        ("Z_FINISH", Z_FINISH),
        ("Z_BLOCK", 5),
    ];
    let mut values: Vec<(&str, Value)> = constants.iter().map(|&(n, v)| (n, Value::Int(v))).collect();
    values.push(("ZLIB_VERSION", version));
    values.push(("ZLIB_RUNTIME_VERSION", runtime_version));
    values.push(("Compress", Value::Obj(classes.compress.clone_ref(vm.py))));
    values.push(("Decompress", Value::Obj(classes.decompress.clone_ref(vm.py))));
    let module = new_module(vm, "zlib", FUNCTIONS, values)?;
    super::add_exception_class(vm, &module, "zlib", "error", &types().exception)?;
    Ok(module)
}

/// `zlib.error(message)`.
fn zlib_error(vm: &mut Vm, message: impl Into<String>) -> PyErr {
    super::module_error(vm, "zlib", "error", message)
}

// ----- formats ------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Zlib,
    Gzip,
    Raw,
    /// Decompression only: zlib or gzip, told by the first bytes.
    Auto,
}

/// The format `wbits` asks for, if it is one: 9..=15 zlib, -15..=-9 raw, 25..=31 gzip, and
/// for decompression 0 (zlib, window from the header) and 40..=47 (zlib or gzip).
fn format_of(wbits: i64, decompressing: bool) -> Option<Format> {
    match wbits {
        9..=15 => Some(Format::Zlib),
        // zlib reads 8 as 9.
        8 if decompressing => Some(Format::Zlib),
        -15..=-9 => Some(Format::Raw),
        25..=31 => Some(Format::Gzip),
        0 if decompressing => Some(Format::Zlib),
        40..=47 if decompressing => Some(Format::Auto),
        _ => None,
    }
}

fn adler32(data: &[u8], value: u32) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (value & 0xffff, value >> 16);
    // 5552 bytes is the most that can be summed before the u32 sums may overflow.
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// The running checksum of a format's trailer.
fn checksum(format: Format, data: &[u8], value: u32) -> u32 {
    match format {
        Format::Gzip => crc32(data, value),
        _ => adler32(data, value),
    }
}

fn initial_checksum(format: Format) -> u32 {
    if format == Format::Gzip { 0 } else { 1 }
}

// ----- compression --------------------------------------------------------------------------

pub struct Compressor {
    deflate: Compress,
    format: Format,
    level: u32,
    header_written: bool,
    check: u32,
    total_in: u64,
    finished: bool,
}

impl Compressor {
    fn new(level: u32, format: Format) -> Compressor {
        Compressor {
            deflate: Compress::new(Compression::new(level), false),
            format,
            level,
            header_written: false,
            check: initial_checksum(format),
            total_in: 0,
            finished: false,
        }
    }

    fn header(&self) -> Vec<u8> {
        match self.format {
            Format::Zlib => {
                // Window 32 KiB, deflate; the level hint zlib records, then the check bits.
                let level_hint: u16 = match self.level {
                    0 | 1 => 0,
                    2..=5 => 1,
                    6 => 2,
                    _ => 3,
                };
                let mut header = (0x78u16 << 8) | (level_hint << 6);
                header += 31 - header % 31;
                header.to_be_bytes().to_vec()
            }
            Format::Gzip => {
                let extra_flags = match self.level {
                    9 => 2,
                    1 => 4,
                    _ => 0,
                };
                vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extra_flags, 3]
            }
            Format::Raw | Format::Auto => Vec::new(),
        }
    }

    fn trailer(&self) -> Vec<u8> {
        match self.format {
            Format::Zlib => self.check.to_be_bytes().to_vec(),
            Format::Gzip => {
                let mut t = self.check.to_le_bytes().to_vec();
                t.extend_from_slice(&(self.total_in as u32).to_le_bytes());
                t
            }
            Format::Raw | Format::Auto => Vec::new(),
        }
    }

    /// Compress `input` and flush as asked; the output so far.
    fn run(&mut self, mut input: &[u8], flush: FlushCompress) -> Vec<u8> {
        let mut out = Vec::with_capacity(input.len() / 2 + 64);
        if !self.header_written {
            out.extend(self.header());
            self.header_written = true;
        }
        self.check = checksum(self.format, input, self.check);
        self.total_in += input.len() as u64;
        loop {
            if out.capacity() - out.len() < 1024 {
                out.reserve(out.capacity().max(4096));
            }
            let before = self.deflate.total_in();
            let status = self.deflate.compress_vec(input, &mut out, flush);
            let consumed = (self.deflate.total_in() - before) as usize;
            input = &input[consumed.min(input.len())..];
            match status {
                Ok(Status::StreamEnd) => break,
                Ok(Status::Ok) if input.is_empty() && flush != FlushCompress::Finish && out.len() < out.capacity() => {
                    break;
                }
                Ok(Status::BufError) if input.is_empty() && flush != FlushCompress::Finish => break,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        if flush == FlushCompress::Finish {
            out.extend(self.trailer());
            self.finished = true;
        }
        out
    }
}

/// The format to compress in. miniz_oxide always uses a 32 KiB window, and a stream that
/// claims a smaller one (or a raw one read with it) would not inflate elsewhere: smaller
/// windows are refused rather than written wrongly.
fn compress_format(vm: &mut Vm, wbits: i64) -> PyResult<Option<Format>> {
    // zlib reads 8 as 9.
    let format = format_of(if wbits == 8 { 9 } else { wbits }, false);
    if format.is_some() && !matches!(wbits, 15 | -15 | 31) {
        return Err(vm.new_error(
            &types().not_implemented_error,
            format!("zlib: compressing with a window smaller than 32 KiB (wbits={wbits}) is not supported by toy"),
        ));
    }
    Ok(format)
}

fn level_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<u32> {
    match v.map(|v| int_arg(vm, v)).transpose()? {
        None | Some(-1) => Ok(6),
        Some(level @ 0..=9) => Ok(level as u32),
        Some(_) => Err(zlib_error(vm, "Bad compression level")),
    }
}

fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match crate::vm::ops::as_small_int(v.builtin_self()) {
        Some(n) => Ok(n),
        None => Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

fn data_arg(vm: &Vm, v: &Value) -> PyResult<Vec<u8>> {
    match bytes_like(vm, v)? {
        Some(b) => Ok(b.into_owned()),
        None => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(v)))),
    }
}

/// Run `work` on `size` bytes: detached from the GIL when they are many.
fn maybe_detached<R: Send>(vm: &Vm, size: usize, work: impl FnOnce() -> R + Send) -> R {
    if size >= DETACH_MIN {
        vm.py.allow_threads(BlockKind::Compression, work)
    } else {
        work()
    }
}

/// `compress(data, /, level=-1, wbits=15)`.
fn compress(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "compress", kwargs, &["level", "wbits"])?;
    check_arity(vm, "compress", args, 1, 3)?;
    let level = level_arg(vm, args.get(1).or_else(|| kwarg(kwargs, "level")))?;
    let wbits = match args.get(2).or_else(|| kwarg(kwargs, "wbits")) {
        Some(v) => int_arg(vm, v)?,
        None => 15,
    };
    let Some(format) = compress_format(vm, wbits)? else {
        return Err(zlib_error(vm, "Bad compression level"));
    };
    let data = data_arg(vm, &args[0])?;
    let mut compressor = Compressor::new(level, format);
    let out = maybe_detached(vm, data.len(), move || compressor.run(&data, FlushCompress::Finish));
    Ok(vm.new_bytes(out))
}

/// `compressobj(level=-1, method=8, wbits=15, memLevel=8, strategy=0, zdict=None)`.
fn compressobj(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    const NAMES: [&str; 6] = ["level", "method", "wbits", "memLevel", "strategy", "zdict"];
    only_kwargs(vm, "compressobj", kwargs, &NAMES)?;
    check_arity(vm, "compressobj", args, 0, 6)?;
    let arg = |i: usize| args.get(i).or_else(|| kwarg(kwargs, NAMES[i]));
    let level = level_arg(vm, arg(0)).map_err(|_| vm.value_error("Invalid initialization option"))?;
    let wbits = match arg(2) {
        Some(v) => int_arg(vm, v)?,
        None => 15,
    };
    let Some(format) = compress_format(vm, wbits)? else {
        return Err(vm.value_error("Invalid initialization option"));
    };
    if arg(5).is_some_and(|v| !v.is_none()) {
        return Err(vm.new_error(
            &types().not_implemented_error,
            "zlib.compressobj: zdict is not supported by toy",
        ));
    }
    let stream = Stream::Compress(Mutex::new(Compressor::new(level, format)));
    Ok(vm.alloc(Payload::Zlib(Box::new(stream))))
}

fn compressor_of<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a Mutex<Compressor>> {
    match args.first().and_then(Value::payload) {
        Some(Payload::Zlib(stream)) => match &**stream {
            Stream::Compress(c) => Ok(c),
            Stream::Decompress(_) => Err(vm.type_error(format!("Compress.{method}() needs a Compress object"))),
        },
        _ => Err(vm.type_error(format!("Compress.{method}() needs a Compress object"))),
    }
}

fn compress_method(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let compressor = compressor_of(vm, args, "compress")?;
    only_kwargs(vm, "compress", kwargs, &[])?;
    check_arity(vm, "compress", &args[1..], 1, 1)?;
    let data = data_arg(vm, &args[1])?;
    if compressor.lock().finished {
        return Err(zlib_error(
            vm,
            "Error -2 while compressing data: inconsistent stream state",
        ));
    }
    let out = maybe_detached(vm, data.len(), || compressor.lock().run(&data, FlushCompress::None));
    Ok(vm.new_bytes(out))
}

fn compress_flush(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let compressor = compressor_of(vm, args, "flush")?;
    only_kwargs(vm, "flush", kwargs, &["mode"])?;
    check_arity(vm, "flush", &args[1..], 0, 1)?;
    let mode = match args.get(1).or_else(|| kwarg(kwargs, "mode")) {
        Some(v) => int_arg(vm, v)?,
        None => Z_FINISH,
    };
    let flush = match mode {
        Z_NO_FLUSH => return Ok(vm.new_bytes(Vec::new())),
        Z_SYNC_FLUSH => FlushCompress::Sync,
        Z_FULL_FLUSH => FlushCompress::Full,
        Z_FINISH => FlushCompress::Finish,
        _ => FlushCompress::Partial,
    };
    if compressor.lock().finished {
        return Err(zlib_error(vm, "Error -2 while flushing: inconsistent stream state"));
    }
    let out = compressor.lock().run(&[], flush);
    Ok(vm.new_bytes(out))
}

// ----- decompression ------------------------------------------------------------------------

pub struct Decompressor {
    inflate: Decompress,
    format: Format,
    /// The window size `wbits` allows (a zlib header asking for more is refused).
    max_window_bits: u32,
    /// Input held back until the header is complete.
    pending_header: Vec<u8>,
    header_done: bool,
    check: u32,
    total_out: u64,
    /// Whether the deflate data has ended (the trailer may still be coming).
    stream_ended: bool,
    /// Input after the end of the deflate data: the trailer, then `unused_data`.
    after_end: Vec<u8>,
    eof: bool,
    unused_data: Vec<u8>,
    unconsumed_tail: Vec<u8>,
}

/// Why decompression failed, as zlib words it.
#[derive(Debug, PartialEq, Eq)]
enum InflateError {
    HeaderCheck,
    WindowSize,
    UnknownMethod,
    DataCheck,
    LengthCheck,
    NeedsDictionary,
    InvalidData,
}

impl InflateError {
    fn message(&self) -> String {
        let reason = match self {
            InflateError::HeaderCheck => "incorrect header check",
            InflateError::WindowSize => "invalid window size",
            InflateError::UnknownMethod => "unknown compression method",
            InflateError::DataCheck => "incorrect data check",
            InflateError::LengthCheck => "incorrect length check",
            InflateError::NeedsDictionary => return "Error 2 while decompressing data".to_string(),
            InflateError::InvalidData => "invalid deflate data",
        };
        format!("Error -3 while decompressing data: {reason}")
    }
}

/// The length of a complete gzip header at the start of `data`, `Ok(None)` if more is needed.
fn gzip_header_len(data: &[u8]) -> Result<Option<usize>, InflateError> {
    if data.len() >= 2 && data[..2] != [0x1f, 0x8b] {
        return Err(InflateError::HeaderCheck);
    }
    if data.len() < 10 {
        return Ok(None);
    }
    if data[2] != 8 {
        return Err(InflateError::UnknownMethod);
    }
    let flags = data[3];
    let mut at = 10;
    if flags & 4 != 0 {
        let Some(len) = data.get(at..at + 2) else {
            return Ok(None);
        };
        at += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for flag in [8, 16] {
        if flags & flag != 0 {
            match data.get(at..).and_then(|rest| rest.iter().position(|&b| b == 0)) {
                Some(end) => at += end + 1,
                None => return Ok(None),
            }
        }
    }
    if flags & 2 != 0 {
        at += 2;
    }
    Ok((at <= data.len()).then_some(at))
}

impl Decompressor {
    fn new(format: Format, wbits: i64) -> Decompressor {
        Decompressor {
            inflate: Decompress::new(false),
            format,
            max_window_bits: if wbits == 0 {
                15
            } else {
                (wbits.unsigned_abs() % 16) as u32
            },
            pending_header: Vec::new(),
            header_done: format == Format::Raw,
            check: initial_checksum(format),
            total_out: 0,
            stream_ended: false,
            after_end: Vec::new(),
            eof: false,
            unused_data: Vec::new(),
            unconsumed_tail: Vec::new(),
        }
    }

    /// Consume the header from the front of `input`; the rest, or `None` if more is needed.
    fn strip_header(&mut self, input: Vec<u8>) -> Result<Option<Vec<u8>>, InflateError> {
        let mut data = std::mem::take(&mut self.pending_header);
        data.extend(input);
        if self.format == Format::Auto && data.len() >= 2 {
            self.format = if data[..2] == [0x1f, 0x8b] {
                Format::Gzip
            } else {
                Format::Zlib
            };
            self.check = initial_checksum(self.format);
        }
        let header_len = match self.format {
            Format::Zlib if data.len() >= 2 => {
                let (cmf, flg) = (data[0], data[1]);
                if (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 || cmf & 0x0f != 8 {
                    return Err(InflateError::HeaderCheck);
                }
                if u32::from(cmf >> 4) + 8 > self.max_window_bits.max(8) {
                    return Err(InflateError::WindowSize);
                }
                if flg & 0x20 != 0 {
                    return Err(InflateError::NeedsDictionary);
                }
                Some(2)
            }
            Format::Gzip => gzip_header_len(&data)?,
            _ => None,
        };
        match header_len {
            Some(n) => {
                self.header_done = true;
                Ok(Some(data.split_off(n)))
            }
            None => {
                self.pending_header = data;
                Ok(None)
            }
        }
    }

    /// Check the trailer once all of it has arrived; what follows it is unused data.
    fn finish_trailer(&mut self) -> Result<(), InflateError> {
        let needed = match self.format {
            Format::Zlib => 4,
            Format::Gzip => 8,
            _ => 0,
        };
        if self.after_end.len() < needed {
            return Ok(());
        }
        let trailer: Vec<u8> = self.after_end.drain(..needed).collect();
        match self.format {
            Format::Zlib if u32::from_be_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]) != self.check => {
                return Err(InflateError::DataCheck);
            }
            Format::Gzip => {
                if u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]) != self.check {
                    return Err(InflateError::DataCheck);
                }
                if u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]) != self.total_out as u32 {
                    return Err(InflateError::LengthCheck);
                }
            }
            _ => {}
        }
        self.eof = true;
        self.unused_data = std::mem::take(&mut self.after_end);
        Ok(())
    }

    /// Decompress more input, producing at most `max_length` bytes (0: no limit).
    fn run(&mut self, input: Vec<u8>, max_length: usize) -> Result<Vec<u8>, InflateError> {
        let mut out = Vec::new();
        if self.eof {
            self.unused_data.extend(input);
            return Ok(out);
        }
        if self.stream_ended {
            self.after_end.extend(input);
            self.finish_trailer()?;
            return Ok(out);
        }
        let mut input = match self.header_done {
            true => input,
            false => match self.strip_header(input)? {
                Some(rest) => rest,
                None => return Ok(out),
            },
        };
        let mut rest: &[u8] = &input;
        let limit = if max_length == 0 { usize::MAX } else { max_length };
        let mut chunk = vec![0u8; INFLATE_CHUNK];
        let mut ended = false;
        // The output goes through a buffer no larger than what may still be produced, so
        // input the limit leaves unread stays in `rest` (`unconsumed_tail`).
        while out.len() < limit {
            let room = (limit - out.len()).min(INFLATE_CHUNK);
            let (in_before, out_before) = (self.inflate.total_in(), self.inflate.total_out());
            let status = self
                .inflate
                .decompress(rest, &mut chunk[..room], FlushDecompress::None)
                .map_err(|_| InflateError::InvalidData)?;
            let consumed = (self.inflate.total_in() - in_before) as usize;
            let produced = (self.inflate.total_out() - out_before) as usize;
            out.extend_from_slice(&chunk[..produced.min(room)]);
            rest = &rest[consumed.min(rest.len())..];
            if status == Status::StreamEnd {
                ended = true;
                break;
            }
            if produced < room && (rest.is_empty() || consumed == 0) {
                break;
            }
        }
        self.check = checksum(self.format, &out, self.check);
        self.total_out += out.len() as u64;
        if ended {
            self.stream_ended = true;
            self.after_end.extend_from_slice(rest);
            self.unconsumed_tail.clear();
            self.finish_trailer()?;
        } else {
            self.unconsumed_tail = rest.to_vec();
        }
        input.clear();
        Ok(out)
    }
}

fn wbits_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<(Format, i64)> {
    let wbits = match v {
        Some(v) => int_arg(vm, v)?,
        None => 15,
    };
    match format_of(wbits, true) {
        Some(format) => Ok((format, wbits)),
        None => Err(vm.value_error("Invalid initialization option")),
    }
}

/// `decompress(data, /, wbits=15, bufsize=16384)`.
fn decompress(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "decompress", kwargs, &["wbits", "bufsize"])?;
    check_arity(vm, "decompress", args, 1, 3)?;
    let (format, wbits) = match wbits_arg(vm, args.get(1).or_else(|| kwarg(kwargs, "wbits"))) {
        Ok(found) => found,
        Err(_) => {
            return Err(zlib_error(
                vm,
                "Error -2 while preparing to decompress data: inconsistent stream state",
            ));
        }
    };
    let data = data_arg(vm, &args[0])?;
    let size = data.len();
    let result = maybe_detached(vm, size, move || {
        let mut decompressor = Decompressor::new(format, wbits);
        let out = decompressor.run(data, 0)?;
        Ok::<_, InflateError>((out, decompressor.eof))
    });
    match result {
        Ok((out, true)) => Ok(vm.new_bytes(out)),
        Ok((_, false)) => Err(zlib_error(
            vm,
            "Error -5 while decompressing data: incomplete or truncated stream",
        )),
        Err(e) => Err(zlib_error(vm, e.message())),
    }
}

/// `decompressobj(wbits=15, zdict=b'')`.
fn decompressobj(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "decompressobj", kwargs, &["wbits", "zdict"])?;
    check_arity(vm, "decompressobj", args, 0, 2)?;
    let (format, wbits) = wbits_arg(vm, args.first().or_else(|| kwarg(kwargs, "wbits")))?;
    let stream = Stream::Decompress(Mutex::new(Decompressor::new(format, wbits)));
    Ok(vm.alloc(Payload::Zlib(Box::new(stream))))
}

fn decompressor_of<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a Mutex<Decompressor>> {
    match args.first().and_then(Value::payload) {
        Some(Payload::Zlib(stream)) => match &**stream {
            Stream::Decompress(d) => Ok(d),
            Stream::Compress(_) => Err(vm.type_error(format!("Decompress.{method}() needs a Decompress object"))),
        },
        _ => Err(vm.type_error(format!("Decompress.{method}() needs a Decompress object"))),
    }
}

fn decompress_method(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let decompressor = decompressor_of(vm, args, "decompress")?;
    only_kwargs(vm, "decompress", kwargs, &["max_length"])?;
    check_arity(vm, "decompress", &args[1..], 1, 2)?;
    let max_length = match args.get(2).or_else(|| kwarg(kwargs, "max_length")) {
        Some(v) => int_arg(vm, v)?,
        None => 0,
    };
    if max_length < 0 {
        return Err(vm.value_error("max_length must be non-negative"));
    }
    let data = data_arg(vm, &args[1])?;
    let size = data.len();
    let result = maybe_detached(vm, size, || decompressor.lock().run(data, max_length as usize));
    match result {
        Ok(out) => Ok(vm.new_bytes(out)),
        Err(e) => Err(zlib_error(vm, e.message())),
    }
}

fn decompress_flush(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let decompressor = decompressor_of(vm, args, "flush")?;
    only_kwargs(vm, "flush", kwargs, &[])?;
    check_arity(vm, "flush", &args[1..], 0, 1)?;
    let tail = std::mem::take(&mut decompressor.lock().unconsumed_tail);
    let result = decompressor.lock().run(tail, 0);
    match result {
        Ok(out) => Ok(vm.new_bytes(out)),
        Err(e) => Err(zlib_error(vm, e.message())),
    }
}

/// `unused_data`, `unconsumed_tail` and `eof` of a decompressor.
pub fn attribute(vm: &Vm, stream: &Stream, name: &str) -> Option<Value> {
    let Stream::Decompress(d) = stream else { return None };
    let d = d.lock();
    Some(match name {
        "unused_data" => vm.new_bytes(d.unused_data.clone()),
        "unconsumed_tail" => vm.new_bytes(d.unconsumed_tail.clone()),
        "eof" => Value::Bool(d.eof),
        _ => return None,
    })
}

// ----- objects and checksums ----------------------------------------------------------------

/// A `zlib.Compress` or `zlib.Decompress` object. The mutex is a plain one: (de)compressing
/// runs detached from the GIL, and another thread using the same object waits its turn.
pub enum Stream {
    Compress(Mutex<Compressor>),
    Decompress(Mutex<Decompressor>),
}

impl Stream {
    pub fn class(&self) -> &'static ObjRef {
        match self {
            Stream::Compress(_) => &stream_classes().compress,
            Stream::Decompress(_) => &stream_classes().decompress,
        }
    }
}

fn crc32_function(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "crc32", kwargs, &[])?;
    check_arity(vm, "crc32", args, 1, 2)?;
    let start = start_value(vm, args.get(1), 32)?;
    let data = data_arg(vm, &args[0])?;
    let value = maybe_detached(vm, data.len(), || crc32(&data, start));
    Ok(Value::Int(i64::from(value)))
}

fn adler32_function(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "adler32", kwargs, &[])?;
    check_arity(vm, "adler32", args, 1, 2)?;
    let start = match args.get(1) {
        Some(_) => start_value(vm, args.get(1), 32)?,
        None => 1,
    };
    let data = data_arg(vm, &args[0])?;
    let value = maybe_detached(vm, data.len(), || adler32(&data, start));
    Ok(Value::Int(i64::from(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_matches_zlib() {
        assert_eq!(adler32(b"hello", 1), 103547413);
        assert_eq!(adler32(&[b'x'; 100000], 1), 2116691386);
    }

    #[test]
    fn formats_round_trip() {
        let data = b"hello world ".repeat(100);
        for (format, read_as, wbits) in [
            (Format::Zlib, Format::Auto, 47),
            (Format::Gzip, Format::Auto, 47),
            (Format::Raw, Format::Raw, -15),
        ] {
            let packed = Compressor::new(6, format).run(&data, FlushCompress::Finish);
            let mut d = Decompressor::new(read_as, wbits);
            assert_eq!(d.run(packed, 0), Ok(data.clone()));
            assert!(d.eof);
        }
    }

    #[test]
    fn headers_are_checked() {
        let mut d = Decompressor::new(Format::Zlib, 15);
        assert_eq!(d.run(b"garbage".to_vec(), 0), Err(InflateError::HeaderCheck));
    }
}
