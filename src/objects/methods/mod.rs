//! Methods of the built-in classes, installed into their namespaces once at start-up.

use std::sync::Once;

pub mod bytes;
pub mod dict;
pub mod generator;
pub mod list;
pub mod numbers;
pub mod str;

use crate::modules::{file, io};
use crate::objects::types::{add_methods, types};
use crate::vm::classes;

/// Fill the built-in classes' method tables (idempotent).
pub fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let t = types();
        add_methods(&t.object, &[("__init__", classes::object_init)]);
        add_methods(&t.base_exception, &[("__init__", classes::base_exception_init)]);
        add_methods(
            &t.property,
            &[
                ("getter", classes::property_getter),
                ("setter", classes::property_setter),
                ("deleter", classes::property_deleter),
            ],
        );
        add_methods(
            &t.text_io,
            &[
                ("write", io::write),
                ("flush", io::flush),
                ("readline", io::readline),
                ("read", io::read),
                ("readlines", file::readlines),
                ("writelines", file::writelines),
                ("close", file::close),
                ("seek", file::seek),
                ("tell", file::tell),
                ("__enter__", file::enter),
                ("__exit__", file::exit),
                ("__iter__", file::iter),
                ("__next__", file::next),
            ],
        );
        add_methods(
            &t.buffered_io,
            &[
                ("write", file::write),
                ("flush", file::flush),
                ("readline", file::readline),
                ("read", file::read),
                ("readlines", file::readlines),
                ("writelines", file::writelines),
                ("close", file::close),
                ("seek", file::seek),
                ("tell", file::tell),
                ("__enter__", file::enter),
                ("__exit__", file::exit),
                ("__iter__", file::iter),
                ("__next__", file::next),
            ],
        );
        self::str::install();
        list::install();
        dict::install();
        numbers::install();
        bytes::install();
        generator::install();
    });
}
