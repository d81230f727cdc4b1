//! Compile and run arbitrary programs free-threaded (`-X gil=0`; see `fuzz/README.md`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(init: harness::init(true), |data: &[u8]| harness::run(data));
