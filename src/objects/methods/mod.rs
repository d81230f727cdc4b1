//! Methods of the built-in classes, installed into their namespaces once at start-up.

use crate::gil::Gil;
use std::sync::Once;

pub mod bytearray;
pub mod bytes;
pub mod constructors;
pub mod dict;
pub mod generator;
pub mod iterator;
pub mod list;
pub mod memoryview;
pub mod numbers;
pub mod object;
pub mod operators;
pub mod set;
pub mod shared;
pub mod slots;
pub mod str;

use crate::modules::{file, hashlib, io, thread};
use crate::objects::NativeFn;
use crate::objects::types::{add_methods, types};
use crate::vm::classes;

/// Fill the built-in classes' method tables (idempotent).
pub fn install(py: Gil<'_>) {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let t = types();
        object::install(py);
        crate::vm::metaclass::install(py);
        crate::modules::pickle::reduce_ex::install(py);
        add_methods(py, &t.base_exception, &[("__init__", classes::base_exception_init)]);
        add_methods(
            py,
            &t.property,
            &[
                ("getter", classes::property_getter),
                ("setter", classes::property_setter),
                ("deleter", classes::property_deleter),
            ],
        );
        // Text files and standard streams share one class; `io::` methods handle both.
        let text_io = [
            ("write", io::write as NativeFn),
            ("flush", io::flush),
            ("readline", io::readline),
            ("read", io::read),
        ];
        let binary_io = [
            ("write", file::write as NativeFn),
            ("flush", file::flush),
            ("readline", file::readline),
            ("read", file::read),
            ("peek", file::peek),
        ];
        let file_only: [(&str, NativeFn); 14] = [
            ("fileno", file::fileno),
            ("isatty", file::isatty),
            ("seekable", file::seekable),
            ("readable", file::readable),
            ("writable", file::writable),
            ("readlines", file::readlines),
            ("writelines", file::writelines),
            ("close", file::close),
            ("seek", file::seek),
            ("tell", file::tell),
            ("__enter__", file::enter),
            ("__exit__", file::exit),
            ("__iter__", file::iter),
            ("__next__", file::next),
        ];
        add_methods(py, &t.text_io, &text_io);
        add_methods(py, &t.text_io, &file_only);
        add_methods(py, &t.buffered_io, &binary_io);
        add_methods(
            py,
            &t.lock,
            &[
                ("acquire", thread::lock_acquire),
                ("release", thread::lock_release),
                ("locked", thread::lock_locked),
                ("__enter__", thread::lock_acquire),
                ("__exit__", thread::lock_exit),
                ("acquire_lock", thread::lock_acquire),
                ("release_lock", thread::lock_release),
            ],
        );
        add_methods(py, &t.buffered_io, &file_only);
        add_methods(py, &t.random, crate::modules::random::METHODS);
        add_methods(py, &t.random, crate::modules::random::CLASS_METHODS);
        slots::set_class_attr(
            py,
            &t.random,
            "VERSION",
            crate::objects::Value::Int(crate::modules::random::STATE_VERSION),
        );
        add_methods(
            py,
            &t.hash,
            &[
                ("update", hashlib::update),
                ("digest", hashlib::digest),
                ("hexdigest", hashlib::hexdigest),
                ("copy", hashlib::copy),
            ],
        );
        self::str::install(py);
        list::install(py);
        dict::install(py);
        set::install(py);
        numbers::install(py);
        bytes::install(py);
        bytearray::install(py);
        memoryview::install(py);
        generator::install(py);
        slots::install(py);
        operators::install(py);
        iterator::install(py);
        crate::modules::weakref::install(py);
    });
}
