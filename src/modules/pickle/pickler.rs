//! The pickler: turns a value into the opcodes of `pickletools`' table, byte for byte as
//! CPython 3.11's `_pickle` writes them.
//!
//! The stream is built in one buffer. From protocol 4 on it is cut into frames: the 9 bytes of
//! a `FRAME` header are reserved when a frame starts and filled in (or dropped, for a frame too
//! short to be worth one) when it is committed, which happens at the start of the first
//! `save` that finds the frame at least 64 KiB long, before a payload that large is written
//! outside any frame, and at the end. Writing to a file (`dump`), each committed frame is
//! handed to `write` at once, as CPython does, so a large dump is not held in memory whole.
//!
//! The memo maps an object's address to its memo index; the memo also keeps a reference to
//! every memoized object, so no address can be reused while the pickle is being written.

use hashbrown::HashMap;

use super::opcodes::*;
use super::pickling_error;
use crate::objects::format::float_repr;
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::{PyResult, Vm};

/// The hooks a `Pickler` (subclass) can define; all absent for `pickle.dumps`.
#[derive(Default)]
pub struct Hooks {
    pub persistent_id: Option<Value>,
    pub reducer_override: Option<Value>,
    /// The pickler's own `dispatch_table`; `copyreg.dispatch_table` when absent.
    pub dispatch_table: Option<Value>,
    pub buffer_callback: Option<Value>,
}

/// A hasher for object addresses: they are already unique, so one multiplication spreads them.
#[derive(Default, Clone, Copy)]
pub struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, addr: usize) {
        self.0 = (addr as u64 >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type AddrMap = HashMap<usize, u32, std::hash::BuildHasherDefault<AddrHasher>>;

/// The objects written so far that later references point back to, by address.
#[derive(Default)]
pub struct Memo {
    index: AddrMap,
    /// Every memoized object, at its memo index: keeps it (and so its address) alive.
    objects: Vec<Value>,
}

impl Memo {
    /// A memo continuing from earlier dumps of the same `Pickler`.
    pub fn from_objects(objects: Vec<Value>) -> Memo {
        let index = objects
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((v.as_obj()?.addr(), i as u32)))
            .collect();
        Memo { index, objects }
    }

    pub fn into_objects(self) -> Vec<Value> {
        self.objects
    }

    fn get(&self, obj: &ObjRef) -> Option<u32> {
        self.index.get(&obj.addr()).copied()
    }
}

pub struct Pickler {
    pub(super) proto: u8,
    pub(super) fix_imports: bool,
    pub(super) hooks: Hooks,
    /// `Pickler.fast`: no memo (deprecated in CPython; a recursive object then overflows).
    fast: bool,
    out: Vec<u8>,
    /// Where the current frame's content starts in `out` (its header is the 9 bytes before).
    frame_start: Option<usize>,
    pub(super) memo: Memo,
    /// `file.write`, when dumping to a file.
    sink: Option<Value>,
    /// What is looked up once per dump: `copyreg`'s tables and the like.
    pub(super) cache: super::globals::LookupCache,
}

impl Pickler {
    pub fn new(proto: u8, fix_imports: bool, hooks: Hooks, memo: Memo, fast: bool, sink: Option<Value>) -> Pickler {
        Pickler {
            proto,
            fix_imports,
            hooks,
            fast,
            out: Vec::new(),
            frame_start: None,
            memo,
            sink,
            cache: Default::default(),
        }
    }

    /// Write the whole pickle of `obj`: header, body, `STOP`.
    pub fn dump(&mut self, vm: &mut Vm, obj: &Value) -> PyResult<()> {
        if self.proto >= 2 {
            self.out.extend_from_slice(&[PROTO, self.proto]);
        }
        if self.proto >= 4 {
            self.start_frame();
        }
        self.save(vm, obj)?;
        self.out.push(STOP);
        if self.frame_start.is_some() {
            self.commit_frame();
        }
        self.flush(vm)
    }

    /// The pickle written (for `dumps`).
    pub fn into_bytes(self) -> (Vec<u8>, Memo) {
        (self.out, self.memo)
    }

    // ----- output and framing ---------------------------------------------------------------

    #[inline]
    pub(super) fn op(&mut self, op: u8) {
        self.out.push(op);
    }

    #[inline]
    pub(super) fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn start_frame(&mut self) {
        self.out.extend_from_slice(&[0; 9]);
        self.frame_start = Some(self.out.len());
    }

    /// Close the current frame: fill its header in, or drop the header of a frame too short
    /// to need one.
    fn commit_frame(&mut self) {
        let Some(start) = self.frame_start.take() else {
            return;
        };
        let len = self.out.len() - start;
        if len >= FRAME_SIZE_MIN {
            self.out[start - 9] = FRAME;
            self.out[start - 8..start].copy_from_slice(&(len as u64).to_le_bytes());
        } else {
            self.out.drain(start - 9..start);
        }
    }

    /// Hand what is complete to the file, if writing to one.
    fn flush(&mut self, vm: &mut Vm) -> PyResult<()> {
        let Some(write) = &self.sink else {
            return Ok(());
        };
        let complete = match self.frame_start {
            Some(start) => start - 9,
            None => self.out.len(),
        };
        if complete == 0 {
            return Ok(());
        }
        let write = write.clone_ref(vm.py);
        let chunk = vm.new_bytes(self.out[..complete].to_vec());
        self.out.drain(..complete);
        if let Some(start) = &mut self.frame_start {
            *start -= complete;
        }
        vm.call(&write, &[chunk], &[])?;
        Ok(())
    }

    /// The start of every `save`: a frame that has grown to the target size is committed.
    fn frame_boundary(&mut self, vm: &mut Vm) -> PyResult<()> {
        if let Some(start) = self.frame_start
            && self.out.len() - start >= FRAME_SIZE_TARGET
        {
            self.commit_frame();
            self.flush(vm)?;
            self.start_frame();
        }
        Ok(())
    }

    /// An opcode with its length prefix, then a payload. A payload of a frame's size or more
    /// goes outside any frame (straight to the file when there is one, as the object itself
    /// when it is one: `payload_object`).
    pub(super) fn write_payload(
        &mut self,
        vm: &mut Vm,
        header: &[u8],
        payload: &[u8],
        payload_object: Option<&Value>,
    ) -> PyResult<()> {
        if self.frame_start.is_none() || payload.len() < FRAME_SIZE_TARGET {
            self.raw(header);
            self.raw(payload);
            return Ok(());
        }
        self.commit_frame();
        self.raw(header);
        match &self.sink {
            Some(write) => {
                let write = write.clone_ref(vm.py);
                self.flush(vm)?;
                let data = match payload_object {
                    Some(v) => v.clone_ref(vm.py),
                    None => vm.new_bytes(payload.to_vec()),
                };
                vm.call(&write, &[data], &[])?;
            }
            None => self.raw(payload),
        }
        self.start_frame();
        Ok(())
    }

    // ----- the memo -------------------------------------------------------------------------

    /// Record `obj` as the next memo entry and write the opcode that stores it.
    pub(super) fn memoize(&mut self, vm: &Vm, obj: &Value) {
        if self.fast {
            return;
        }
        let Some(o) = obj.as_obj() else {
            return;
        };
        let index = self.memo.objects.len() as u32;
        self.memo.index.insert(o.addr(), index);
        self.memo.objects.push(obj.clone_ref(vm.py));
        if self.proto >= 4 {
            self.op(MEMOIZE);
        } else if self.proto >= 1 {
            match u8::try_from(index) {
                Ok(i) => self.raw(&[BINPUT, i]),
                Err(_) => {
                    self.op(LONG_BINPUT);
                    self.raw(&index.to_le_bytes());
                }
            }
        } else {
            self.op(PUT);
            self.raw(format!("{index}\n").as_bytes());
        }
    }

    pub(super) fn memo_index(&self, obj: &Value) -> Option<u32> {
        obj.as_obj().and_then(|o| self.memo.get(o))
    }

    pub(super) fn write_get(&mut self, index: u32) {
        if self.proto >= 1 {
            match u8::try_from(index) {
                Ok(i) => self.raw(&[BINGET, i]),
                Err(_) => {
                    self.op(LONG_BINGET);
                    self.raw(&index.to_le_bytes());
                }
            }
        } else {
            self.op(GET);
            self.raw(format!("{index}\n").as_bytes());
        }
    }

    // ----- save ---------------------------------------------------------------------------

    /// Write `v`, counting one level of recursion as CPython's pickler does.
    pub fn save(&mut self, vm: &mut Vm, v: &Value) -> PyResult<()> {
        self.save_checked(vm, v, true)
    }

    /// `ask_persistent_id` is false for a persistent id itself, which is never asked about.
    fn save_checked(&mut self, vm: &mut Vm, v: &Value, ask_persistent_id: bool) -> PyResult<()> {
        self.one_level_deeper(vm, |p, vm| p.save_value(vm, v, ask_persistent_id))
    }

    /// Run `f` one level deeper in the recursion count, as CPython's pickler counts: one level
    /// per `save`, and one more around the items of a list or dict.
    fn one_level_deeper(&mut self, vm: &mut Vm, f: impl FnOnce(&mut Self, &mut Vm) -> PyResult<()>) -> PyResult<()> {
        vm.with_recursion_guard(crate::vm::recursion::context::PICKLING, |vm| f(self, vm))
    }

    fn save_value(&mut self, vm: &mut Vm, v: &Value, ask_persistent_id: bool) -> PyResult<()> {
        self.frame_boundary(vm)?;
        if ask_persistent_id && let Some(persistent_id) = &self.hooks.persistent_id {
            let persistent_id = persistent_id.clone_ref(vm.py);
            let pid = vm.call(&persistent_id, &[v.clone_ref(vm.py)], &[])?;
            if !pid.is_none() {
                return self.save_persistent_id(vm, &pid);
            }
        }
        let obj = match v {
            Value::None => {
                self.op(NONE);
                return Ok(());
            }
            Value::Bool(b) => {
                self.save_bool(*b);
                return Ok(());
            }
            Value::Int(i) => {
                self.save_int(*i);
                return Ok(());
            }
            Value::Float(x) => {
                self.save_float(*x);
                return Ok(());
            }
            Value::Obj(o) => o,
        };
        if let Payload::BigInt(b) = &obj.payload {
            self.save_bigint(b);
            return Ok(());
        }
        if let Some(index) = self.memo.get(obj) {
            self.write_get(index);
            return Ok(());
        }
        match &obj.payload {
            Payload::Str(s) => self.save_str(vm, v, s.as_str()),
            Payload::Bytes(b) => self.save_bytes(vm, v, b),
            Payload::Tuple(items) => self.save_tuple(vm, v, items),
            Payload::List(_) => self.save_list(vm, v),
            Payload::Dict(_) => self.save_dict(vm, v),
            Payload::Set(_) => self.save_set(vm, v),
            Payload::FrozenSet(_) => self.save_frozenset(vm, v),
            _ => self.save_other(vm, v),
        }
    }

    fn save_persistent_id(&mut self, vm: &mut Vm, pid: &Value) -> PyResult<()> {
        if self.proto >= 1 {
            self.save_checked(vm, pid, false)?;
            self.op(BINPERSID);
            return Ok(());
        }
        let text = vm.str(pid)?;
        if !text.is_ascii() {
            return Err(pickling_error(vm, "persistent IDs in protocol 0 must be ASCII strings"));
        }
        self.op(PERSID);
        self.raw(text.as_bytes());
        self.op(b'\n');
        Ok(())
    }

    fn save_bool(&mut self, b: bool) {
        if self.proto >= 2 {
            self.op(if b { NEWTRUE } else { NEWFALSE });
        } else {
            self.raw(if b { b"I01\n" } else { b"I00\n" });
        }
    }

    pub(super) fn save_int(&mut self, i: i64) {
        if self.proto >= 1 {
            if let Ok(small) = u8::try_from(i) {
                self.raw(&[BININT1, small]);
            } else if let Ok(medium) = u16::try_from(i) {
                self.op(BININT2);
                self.raw(&medium.to_le_bytes());
            } else if let Ok(word) = i32::try_from(i) {
                self.op(BININT);
                self.raw(&word.to_le_bytes());
            } else if self.proto >= 2 {
                self.save_long_bytes(&minimal_twos_complement(&i.to_le_bytes()));
            } else {
                self.raw(format!("L{i}L\n").as_bytes());
            }
        } else if i32::try_from(i).is_ok() {
            self.raw(format!("I{i}\n").as_bytes());
        } else {
            self.raw(format!("L{i}L\n").as_bytes());
        }
    }

    fn save_bigint(&mut self, b: &num_bigint::BigInt) {
        if self.proto >= 2 {
            self.save_long_bytes(&b.to_signed_bytes_le());
        } else {
            self.raw(format!("L{b}L\n").as_bytes());
        }
    }

    /// `LONG1`/`LONG4`: the little-endian two's complement bytes, as few as hold the sign.
    fn save_long_bytes(&mut self, bytes: &[u8]) {
        match u8::try_from(bytes.len()) {
            Ok(n) => self.raw(&[LONG1, n]),
            Err(_) => {
                self.op(LONG4);
                self.raw(&(bytes.len() as u32).to_le_bytes());
            }
        }
        self.raw(bytes);
    }

    fn save_float(&mut self, x: f64) {
        if self.proto >= 1 {
            self.op(BINFLOAT);
            self.raw(&x.to_be_bytes());
        } else {
            self.op(FLOAT);
            self.raw(float_repr(x).as_bytes());
            self.op(b'\n');
        }
    }

    fn save_str(&mut self, vm: &mut Vm, v: &Value, s: &str) -> PyResult<()> {
        if self.proto == 0 {
            self.op(UNICODE);
            let escaped = super::text::raw_unicode_escape(s);
            self.raw(&escaped);
            self.op(b'\n');
        } else {
            let bytes = s.as_bytes();
            let mut header = Vec::with_capacity(9);
            if self.proto >= 4 && bytes.len() < 256 {
                header.extend_from_slice(&[SHORT_BINUNICODE, bytes.len() as u8]);
            } else if let Ok(n) = u32::try_from(bytes.len()) {
                header.push(BINUNICODE);
                header.extend_from_slice(&n.to_le_bytes());
            } else if self.proto >= 4 {
                header.push(BINUNICODE8);
                header.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            } else {
                return Err(vm.overflow_error("cannot serialize a string larger than 4GiB"));
            }
            self.write_payload(vm, &header, bytes, None)?;
        }
        self.memoize(vm, v);
        Ok(())
    }

    fn save_bytes(&mut self, vm: &mut Vm, v: &Value, b: &[u8]) -> PyResult<()> {
        if self.proto < 3 {
            return super::reduce::save_bytes_as_reduce(self, vm, v, b);
        }
        self.save_bytes_data(vm, b, Some(v))?;
        self.memoize(vm, v);
        Ok(())
    }

    /// `SHORT_BINBYTES` / `BINBYTES` / `BINBYTES8` and the bytes.
    pub(super) fn save_bytes_data(&mut self, vm: &mut Vm, b: &[u8], object: Option<&Value>) -> PyResult<()> {
        let mut header = Vec::with_capacity(9);
        if let Ok(n) = u8::try_from(b.len()) {
            header.extend_from_slice(&[SHORT_BINBYTES, n]);
        } else if let Ok(n) = u32::try_from(b.len()) {
            header.push(BINBYTES);
            header.extend_from_slice(&n.to_le_bytes());
        } else if self.proto >= 4 {
            header.push(BINBYTES8);
            header.extend_from_slice(&(b.len() as u64).to_le_bytes());
        } else {
            return Err(vm.overflow_error("cannot serialize a bytes object larger than 4 GiB"));
        }
        self.write_payload(vm, &header, b, object)
    }

    fn save_tuple(&mut self, vm: &mut Vm, v: &Value, items: &[Value]) -> PyResult<()> {
        if items.is_empty() {
            // CPython counts one more level for the empty tuple: so does toy, to give up at
            // the same depth.
            return self.one_level_deeper(vm, |p, _| {
                if p.proto >= 1 {
                    p.op(EMPTY_TUPLE);
                } else {
                    p.raw(&[MARK, TUPLE]);
                }
                Ok(())
            });
        }
        let short = self.proto >= 2 && items.len() <= 3;
        if !short {
            self.op(MARK);
        }
        for item in items {
            self.save(vm, item)?;
        }
        // An item led back to the tuple (through a list, say), which was written on that path:
        // drop what was just written and refer to that copy instead.
        if let Some(index) = self.memo_index(v) {
            if short {
                self.raw(&vec![POP; items.len()]);
            } else if self.proto >= 1 {
                self.op(POP_MARK);
            } else {
                self.raw(&vec![POP; items.len() + 1]);
            }
            self.write_get(index);
            return Ok(());
        }
        if short {
            self.op([TUPLE1, TUPLE2, TUPLE3][items.len() - 1]);
        } else {
            self.op(TUPLE);
        }
        self.memoize(vm, v);
        Ok(())
    }

    fn save_list(&mut self, vm: &mut Vm, v: &Value) -> PyResult<()> {
        if self.proto >= 1 {
            self.op(EMPTY_LIST);
        } else {
            self.raw(&[MARK, LIST]);
        }
        self.memoize(vm, v);
        let Some(Payload::List(items)) = v.payload() else {
            return Ok(());
        };
        self.one_level_deeper(vm, |p, vm| p.save_list_items(vm, items))
    }

    fn save_list_items(&mut self, vm: &mut Vm, items: &crate::objects::ObjLock<Vec<Value>>) -> PyResult<()> {
        // One item at a time, under the lock only while it is read: saving may run Python
        // code, and another thread may change the list meanwhile (the length is read anew).
        let item_at = |vm: &Vm, i: usize| items.lock(vm.py).get(i).map(|item| item.clone_ref(vm.py));
        if self.proto == 0 {
            let mut i = 0;
            while let Some(item) = item_at(vm, i) {
                self.save(vm, &item)?;
                self.op(APPEND);
                i += 1;
            }
            return Ok(());
        }
        if items.lock(vm.py).len() == 1
            && let Some(item) = item_at(vm, 0)
        {
            self.save(vm, &item)?;
            self.op(APPEND);
            return Ok(());
        }
        let mut i = 0;
        while let Some(first) = item_at(vm, i) {
            self.op(MARK);
            let mut item = Some(first);
            let mut in_batch = 0;
            while let Some(current) = item {
                self.save(vm, &current)?;
                i += 1;
                in_batch += 1;
                item = if in_batch == BATCH_SIZE { None } else { item_at(vm, i) };
            }
            self.op(APPENDS);
        }
        Ok(())
    }

    fn save_dict(&mut self, vm: &mut Vm, v: &Value) -> PyResult<()> {
        if self.proto >= 1 {
            self.op(EMPTY_DICT);
        } else {
            self.raw(&[MARK, DICT]);
        }
        self.memoize(vm, v);
        let Some(Payload::Dict(table)) = v.payload() else {
            return Ok(());
        };
        self.one_level_deeper(vm, |p, vm| p.save_dict_items(vm, table))
    }

    fn save_dict_items(&mut self, vm: &mut Vm, table: &crate::objects::DictObject) -> PyResult<()> {
        let mut cursor = DictCursor::new(vm, table);
        if cursor.len_at_start == 0 {
            return Ok(());
        }
        if self.proto == 0 {
            while let Some((key, value)) = cursor.next(vm)? {
                self.save(vm, &key)?;
                self.save(vm, &value)?;
                self.op(SETITEM);
            }
            return Ok(());
        }
        if cursor.len_at_start == 1 {
            if let Some((key, value)) = cursor.next(vm)? {
                self.save(vm, &key)?;
                self.save(vm, &value)?;
                self.op(SETITEM);
            }
            return Ok(());
        }
        loop {
            self.op(MARK);
            let mut in_batch = 0;
            while in_batch < BATCH_SIZE
                && let Some((key, value)) = cursor.next(vm)?
            {
                self.save(vm, &key)?;
                self.save(vm, &value)?;
                in_batch += 1;
            }
            self.op(SETITEMS);
            if in_batch < BATCH_SIZE {
                return Ok(());
            }
        }
    }

    fn save_set(&mut self, vm: &mut Vm, v: &Value) -> PyResult<()> {
        if self.proto < 4 {
            return super::reduce::save_set_as_reduce(self, vm, v);
        }
        self.op(EMPTY_SET);
        self.memoize(vm, v);
        let Some(Payload::Set(table)) = v.payload() else {
            return Ok(());
        };
        let len_at_start = table.lock(vm.py).len();
        if len_at_start == 0 {
            return Ok(());
        }
        let mut pos = 0;
        loop {
            self.op(MARK);
            let mut in_batch = 0;
            while in_batch < BATCH_SIZE {
                let item = {
                    let guard = table.lock(vm.py);
                    if guard.len() != len_at_start {
                        drop(guard);
                        return Err(vm.runtime_error("set changed size during iteration"));
                    }
                    guard.entry_from(pos).map(|(at, e)| (at, e.key.clone_ref(vm.py)))
                };
                let Some((at, item)) = item else { break };
                pos = at + 1;
                self.save(vm, &item)?;
                in_batch += 1;
            }
            self.op(ADDITEMS);
            if in_batch < BATCH_SIZE {
                return Ok(());
            }
        }
    }

    fn save_frozenset(&mut self, vm: &mut Vm, v: &Value) -> PyResult<()> {
        if self.proto < 4 {
            return super::reduce::save_set_as_reduce(self, vm, v);
        }
        let Some(Payload::FrozenSet(table)) = v.payload() else {
            return Ok(());
        };
        self.op(MARK);
        for entry in table.iter() {
            self.save(vm, &entry.key)?;
        }
        if let Some(index) = self.memo_index(v) {
            self.op(POP_MARK);
            self.write_get(index);
            return Ok(());
        }
        self.op(FROZENSET);
        self.memoize(vm, v);
        Ok(())
    }

    /// Everything that is not a built-in scalar or container: the pickler's hooks, classes
    /// and functions by name, and the reduce protocol.
    fn save_other(&mut self, vm: &mut Vm, v: &Value) -> PyResult<()> {
        if super::buffer::is_pickle_buffer(vm, v) {
            return super::buffer::save_pickle_buffer(self, vm, v);
        }
        if let Some(reducer_override) = &self.hooks.reducer_override {
            let reducer_override = reducer_override.clone_ref(vm.py);
            let rv = vm.call(&reducer_override, &[v.clone_ref(vm.py)], &[])?;
            if !matches!(rv.payload(), Some(Payload::NotImplemented)) {
                return super::reduce::save_reduce_value(self, vm, v, rv);
            }
        }
        match v.payload() {
            Some(Payload::Type(_)) => return super::globals::save_type(self, vm, v),
            Some(Payload::Function(_)) => return super::globals::save_global(self, vm, v, None),
            _ => {}
        }
        if let Some(reducer) = super::globals::dispatch_table_entry(self, vm, v)? {
            let rv = vm.call(&reducer, &[v.clone_ref(vm.py)], &[])?;
            return super::reduce::save_reduce_value(self, vm, v, rv);
        }
        let rv = super::reduce::call_reduce_ex(vm, v, self.proto)?;
        super::reduce::save_reduce_value(self, vm, v, rv)
    }
}

/// The fewest little-endian two's complement bytes holding the value whose full (sign-
/// extended) bytes are given.
fn minimal_twos_complement(full: &[u8]) -> Vec<u8> {
    let mut len = full.len();
    while len > 1 {
        let top = full[len - 1];
        let below_sign = full[len - 2] & 0x80;
        if (top == 0 && below_sign == 0) || (top == 0xff && below_sign != 0) {
            len -= 1;
        } else {
            break;
        }
    }
    full[..len].to_vec()
}

/// Walks a dict's slots, one item per lock, checking that its size has not changed: what
/// CPython's pickler reports when a `__reduce__` (or another thread) adds or removes keys.
pub(super) struct DictCursor<'a> {
    table: &'a crate::objects::DictObject,
    slot: usize,
    pub(super) len_at_start: usize,
}

impl<'a> DictCursor<'a> {
    pub(super) fn new(vm: &Vm, table: &'a crate::objects::DictObject) -> DictCursor<'a> {
        let len_at_start = table.lock(vm.py).len();
        DictCursor {
            table,
            slot: 0,
            len_at_start,
        }
    }

    pub(super) fn next(&mut self, vm: &Vm) -> PyResult<Option<(Value, Value)>> {
        let py = vm.py;
        let guard = self.table.lock(py);
        if guard.len() != self.len_at_start {
            drop(guard);
            return Err(vm.runtime_error("dictionary changed size during iteration"));
        }
        while let Some(slot) = guard.slot(self.slot) {
            self.slot += 1;
            if let Some(entry) = slot {
                return Ok(Some((entry.key.clone_ref(py), entry.value.clone_ref(py))));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::minimal_twos_complement;

    #[test]
    fn long_bytes_are_minimal_and_keep_the_sign() {
        let bytes = |i: i64| minimal_twos_complement(&i.to_le_bytes());
        assert_eq!(bytes(2_147_483_648), vec![0, 0, 0, 0x80, 0]);
        assert_eq!(bytes(-2_147_483_649), vec![0xff, 0xff, 0xff, 0x7f, 0xff]);
        assert_eq!(bytes(i64::MIN), vec![0, 0, 0, 0, 0, 0, 0, 0x80]);
        assert_eq!(bytes(-1), vec![0xff]);
        assert_eq!(bytes(255), vec![0xff, 0]);
    }
}
