//! What the `run` targets share: a check point budget, and the inputs they leave alone.

/// Check points (backward jumps and calls) one thread may pass before it is stopped with an
/// exception: a few hundred milliseconds of looping, far below libFuzzer's time-out.
const CHECK_POINT_BUDGET: u64 = 200_000;

/// Programs naming any of these are skipped: they could touch the file system (`os`, `open`),
/// wait for a person or a clock (`input`, `stdin`, `time.sleep`), or start threads, which would
/// outlive the input and whose deadlock detector ends the process. Threads are covered by the
/// stress tests under the sanitizers instead (`scripts/sanitize.sh`).
const SKIPPED_WORDS: &[&str] = &[
    "os",
    "open",
    "input",
    "stdin",
    "time",
    "sleep",
    "_thread",
    "threading",
    "queue",
    "concurrent",
    "__import__",
];

pub fn init(free_threaded: bool) {
    toy::gil::set_free_threaded(free_threaded);
    toy::vm::budget::set_check_point_budget(CHECK_POINT_BUDGET);
}

pub fn run(data: &[u8]) {
    let words = data.split(|b| !(b.is_ascii_alphanumeric() || *b == b'_'));
    if words
        .into_iter()
        .any(|word| SKIPPED_WORDS.iter().any(|skipped| word == skipped.as_bytes()))
    {
        return;
    }
    if let Ok(code) = toy::compile_source(data, "<fuzz>") {
        toy::run_main(code, None, vec!["<fuzz>".to_string()]);
    }
}
