#!/usr/bin/env bash
# Build toy with AddressSanitizer and ThreadSanitizer and run the test programs and the stress
# tests under each (both threading modes: the harness runs every program with and without the
# GIL). Not run by CI: it takes a nightly toolchain and a long time.
#
#   scripts/sanitize.sh            # both sanitizers
#   scripts/sanitize.sh asan       # or just one: asan | tsan
#   TOY_TEST_FILTER=stress scripts/sanitize.sh tsan    # only files whose path matches
#
# Needs `rustup toolchain install nightly` and, for ThreadSanitizer, its `rust-src` component
# (`rustup +nightly component add rust-src`): TSan must see every atomic access, std's included,
# so std is rebuilt instrumented with -Zbuild-std. The builds use the system allocator
# (`--no-default-features` drops mimalloc, whose memory the sanitizers cannot see into) and live
# in target/asan and target/tsan. A sanitizer report goes to the program's stderr, which the
# harness (tests/run_programs.rs) requires to be empty or as expected, so it fails that file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=x86_64-unknown-linux-gnu
which=${1:-all}

# The CPython cross-check adds nothing here; sanitized runs are slow, so allow 10 min each.
export TOY_TEST_PYTHON=none
export TOY_TEST_TIMEOUT=${TOY_TEST_TIMEOUT:-600}

# The harness's tests that run programs: corpus (GIL and TOY_GIL=0), errors, demos, stress.
tests=(programs_corpus programs_corpus_free_threaded errors_corpus demo_programs stress_programs)

run_tests() {
    local name=$1
    shift
    echo "== $name"
    for test in "${tests[@]}"; do
        cargo +nightly test "$@" --no-default-features --target "$target" --target-dir "target/$name" \
            --test run_programs -- --exact "$test"
    done
}

if [[ $which == all || $which == asan ]]; then
    # detect_stack_use_after_return=0 keeps locals on the real stack, so the VM's stack-depth
    # check (RecursionError before the native stack runs out) measures what it means to.
    # Leaks are not checked: toy does not free what is still alive at exit (modules, the
    # interpreter's own state), as CPython does not either.
    ASAN_OPTIONS=detect_stack_use_after_return=0:detect_leaks=0 \
        RUSTFLAGS="-Zsanitizer=address" RUSTDOCFLAGS="-Zsanitizer=address" \
        run_tests asan
fi

if [[ $which == all || $which == tsan ]]; then
    RUSTFLAGS="-Zsanitizer=thread" RUSTDOCFLAGS="-Zsanitizer=thread" \
        run_tests tsan -Zbuild-std
fi
