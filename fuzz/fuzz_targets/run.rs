//! Compile and run arbitrary programs with the GIL (see `fuzz/README.md`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(init: harness::init(false), |data: &[u8]| harness::run(data));
