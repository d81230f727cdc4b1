//! Randomized cross-checks against a live `python3` (skipped when it is not installed):
//! thousands of generated inputs, formatted by both sides and compared byte for byte.

use super::super::*;
use num_bigint::BigInt;
use std::fmt::Write as _;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub(super) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A random format spec: mostly well-formed, sometimes with stray characters.
pub(super) fn random_spec(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(25) {
        s.push(rng.pick(&['*', '0', 'x', ' ', '<', '=', 'é', '中', '\0']));
    }
    if rng.chance(40) {
        s.push(rng.pick(&['<', '>', '^', '=']));
    }
    if rng.chance(30) {
        s.push(rng.pick(&['+', '-', ' ']));
    }
    if rng.chance(10) {
        s.push('z');
    }
    if rng.chance(20) {
        s.push('#');
    }
    if rng.chance(25) {
        s.push('0');
    }
    if rng.chance(50) {
        write!(s, "{}", rng.below(25)).unwrap();
    }
    if rng.chance(25) {
        s.push(rng.pick(&[',', '_']));
    }
    if rng.chance(40) {
        write!(s, ".{}", rng.below(22)).unwrap();
    }
    if rng.chance(75) {
        s.push(rng.pick(&[
            'b', 'c', 'd', 'o', 'x', 'X', 'n', 'e', 'E', 'f', 'F', 'g', 'G', '%', 's', 'r', 'q',
        ]));
    }
    if rng.chance(5) {
        s.push(rng.pick(&['.', ',', '_', '1', 'd', 'é', '\u{1}']));
    }
    s
}

pub(super) fn random_float(rng: &mut Rng) -> f64 {
    match rng.below(8) {
        0 => rng.pick(&[
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            2.675,
            1e16,
            1e22,
            123456789.0,
        ]),
        1 | 2 => f64::from_bits(rng.next()),
        3 => (rng.below(2_000_001) as f64 - 1e6) / 8.0,
        4 => (rng.below(100_000) as f64) * 10f64.powi(rng.below(40) as i32 - 20),
        5 => -(rng.below(1000) as f64) / 1000.0,
        _ => (rng.next() as f64) / ((1u64 << rng.below(64)) as f64),
    }
}

pub(super) fn random_int(rng: &mut Rng) -> BigInt {
    let v = match rng.below(5) {
        0 => BigInt::from(rng.below(300) as i64 - 150),
        1 => BigInt::from(rng.next() as i64),
        2 => BigInt::from(rng.next()) * BigInt::from(rng.next()) * BigInt::from(rng.next()),
        3 => BigInt::from(rng.below(0x11_0010)),
        _ => BigInt::from(10).pow(rng.below(40) as u32) - rng.below(3),
    };
    if rng.chance(30) { -v } else { v }
}

pub(super) fn random_text(rng: &mut Rng, alphabet: &[char], max_len: usize) -> String {
    (0..rng.below(max_len + 1)).map(|_| rng.pick(alphabet)).collect()
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> String {
    let bytes: Vec<u8> = (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    String::from_utf8(bytes).unwrap()
}

/// One Python expression per case; returns `"OK <text>"` or `"<ExcName> <message>"` per case,
/// or `None` if python3 is unavailable.
fn run_python(exprs: &[String]) -> Option<Vec<String>> {
    let mut script = String::from(
        "import struct, sys\n\
         def F(b): return struct.unpack('<d', struct.pack('<Q', b))[0]\n\
         def S(h): return bytes.fromhex(h).decode()\n\
         def out(r): sys.stdout.write(r + '\\n')\n\
         def H(s): return s.encode('utf-8', 'surrogatepass').hex()\n",
    );
    for e in exprs {
        writeln!(
            script,
            "try: out('OK ' + H({e}))\nexcept Exception as x: out(type(x).__name__ + ' ' + H(str(x)))"
        )
        .unwrap();
    }
    // Tests run in parallel: one file per call.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, Ordering::Relaxed);
    let name = format!("toy_format_oracle_{}_{n}.py", std::process::id());
    let path = std::env::temp_dir().join(name);
    std::fs::write(&path, script).ok()?;
    let result = Command::new("python3").arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let output = result.ok().filter(|o| o.status.success())?;
    let text = String::from_utf8(output.stdout).ok()?;
    Some(
        text.lines()
            .map(|l| {
                let (kind, h) = l.split_once(' ').unwrap();
                format!("{kind} {}", unhex(h))
            })
            .collect(),
    )
}

fn ours(r: Result<String, String>) -> String {
    match r {
        Ok(s) => format!("OK {s}"),
        Err(m) => format!("{:?} {m}", error_kind(&m)),
    }
}

/// Runs every (python expression, our result) pair and reports all mismatches at once.
fn check(cases: Vec<(String, String)>) {
    let exprs: Vec<String> = cases.iter().map(|(e, _)| e.clone()).collect();
    let Some(expected) = run_python(&exprs) else {
        eprintln!("python3 not available; skipping oracle test");
        return;
    };
    assert_eq!(expected.len(), cases.len());
    let failures: Vec<String> = cases
        .iter()
        .zip(&expected)
        .filter(|((_, got), want)| got != *want)
        .map(|((e, got), want)| format!("{e}\n   python: {want:?}\n   ours:   {got:?}"))
        .take(30)
        .collect();
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
}

fn float_expr(x: f64) -> String {
    format!("F({})", x.to_bits())
}

#[test]
fn oracle_format_numbers_and_strings() {
    let mut rng = Rng::new(0x5eed_f00d);
    let mut cases = Vec::new();
    for _ in 0..4000 {
        let spec = random_spec(&mut rng);
        let x = random_float(&mut rng);
        cases.push((
            format!("format({}, S('{}'))", float_expr(x), hex(&spec)),
            ours(format_float(x, &spec)),
        ));
        let v = random_int(&mut rng);
        cases.push((format!("format({v}, S('{}'))", hex(&spec)), ours(format_int(&v, &spec))));
        let s = random_text(&mut rng, &['a', 'b', 'é', '中', '😀', ' '], 8);
        cases.push((
            format!("format(S('{}'), S('{}'))", hex(&s), hex(&spec)),
            ours(format_str(&s, &spec)),
        ));
    }
    check(cases);
}

#[test]
fn oracle_float_repr_and_round() {
    let mut rng = Rng::new(42);
    let mut cases = Vec::new();
    for _ in 0..4000 {
        let x = random_float(&mut rng);
        cases.push((format!("repr({})", float_expr(x)), ours(Ok(float_repr(x)))));
        let n = rng.below(40) as i64 - 20;
        let r = round_half_even_f64(x, n).map(float_repr);
        cases.push((format!("repr(round({}, {n}))", float_expr(x)), ours(r)));
        let r = round_to_int(x).map(|v| v.to_string());
        cases.push((format!("str(round({}))", float_expr(x)), ours(r)));
    }
    check(cases);
}

#[test]
fn oracle_percent() {
    let mut rng = Rng::new(7);
    let mut cases = Vec::new();
    for _ in 0..4000 {
        let mut fmt = String::from("%");
        for flag in ['-', '+', ' ', '#', '0'] {
            if rng.chance(15) {
                fmt.push(flag);
            }
        }
        if rng.chance(50) {
            write!(fmt, "{}", rng.below(20)).unwrap();
        }
        if rng.chance(40) {
            write!(fmt, ".{}", rng.below(20)).unwrap();
        }
        let conv = rng.pick(&[
            'd', 'i', 'u', 'o', 'x', 'X', 'e', 'E', 'f', 'F', 'g', 'G', 's', 'r', 'c',
        ]);
        fmt.push(conv);
        let spec = match parse_percent(&fmt).unwrap().as_slice() {
            [PercentPiece::Spec(spec)] => spec.clone(),
            other => panic!("{fmt}: {other:?}"),
        };
        let (arg, got) = match conv {
            'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
                let v = random_int(&mut rng);
                (v.to_string(), percent_int(&v, &spec))
            }
            's' | 'r' => {
                let s = random_text(&mut rng, &['a', 'é', '\'', '\n', '中'], 6);
                let text = if conv == 's' { s.clone() } else { str_repr(&s) };
                (format!("S('{}')", hex(&s)), percent_str(&text, &spec))
            }
            'c' => {
                let c = rng.pick(&['a', 'é', '中', '😀']);
                (
                    format!("S('{}')", hex(&c.to_string())),
                    percent_str(&c.to_string(), &spec),
                )
            }
            _ => {
                let x = random_float(&mut rng);
                (float_expr(x), percent_float(x, &spec))
            }
        };
        cases.push((format!("S('{}') % ({arg},)", hex(&fmt)), ours(got)));
    }
    check(cases);
}

#[test]
fn oracle_literals_and_reprs() {
    let mut rng = Rng::new(99);
    let mut cases = Vec::new();
    let int_chars = [
        '0', '1', '7', '9', 'a', 'f', 'x', 'o', 'b', 'X', '_', '-', '+', ' ', '\t', 'z', '٣', '\u{a0}', '.',
    ];
    let float_chars = [
        '0', '1', '5', '9', '.', 'e', 'E', '_', '-', '+', ' ', 'i', 'n', 'f', 'a', 't', 'y', '٣', '\u{2003}', 'x',
    ];
    for _ in 0..3000 {
        let s = random_text(&mut rng, &int_chars, 7);
        let base = rng.pick(&[0, 2, 8, 10, 16, 36]);
        let got = parse_int_literal(&s, base)
            .map(|v| v.to_string())
            .ok_or_else(|| format!("invalid literal for int() with base {base}: {}", str_repr(&s)));
        cases.push((format!("str(int(S('{}'), {base}))", hex(&s)), ours(got)));
        let s = random_text(&mut rng, &float_chars, 8);
        let got = parse_float_literal(&s)
            .map(float_repr)
            .ok_or_else(|| format!("could not convert string to float: {}", str_repr(&s)));
        cases.push((format!("repr(float(S('{}')))", hex(&s)), ours(got)));
    }
    for _ in 0..3000 {
        // Characters from all over the code space, weighted toward interesting areas.
        let s: String = (0..rng.below(6))
            .filter_map(|_| {
                let n = match rng.below(4) {
                    0 => rng.below(0x100),
                    1 => rng.below(0x3000),
                    2 => rng.below(0x2_0000),
                    _ => rng.below(0x11_0000),
                };
                char::from_u32(n as u32)
            })
            .collect();
        cases.push((format!("repr(S('{}'))", hex(&s)), ours(Ok(str_repr(&s)))));
        cases.push((format!("ascii(S('{}'))", hex(&s)), ours(Ok(ascii_repr(&s)))));
        let b: Vec<u8> = (0..rng.below(6)).map(|_| rng.next() as u8).collect();
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        cases.push((format!("repr(bytes.fromhex('{h}'))"), ours(Ok(bytes_repr(&b)))));
        let v = random_int(&mut rng);
        cases.push((format!("hex({v})"), ours(Ok(int_to_base(&v, 16, "0x")))));
    }
    check(cases);
}
