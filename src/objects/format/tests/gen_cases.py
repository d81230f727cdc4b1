"""Regenerates cases.rs: runs CPython 3.11 on every input below and writes the expected
outputs as static Rust tables.  Usage: python3 gen_cases.py > cases.rs"""

import sys

assert sys.version_info[:2] == (3, 11), "the tables must come from CPython 3.11"


def rs(s):
    out = []
    for c in s:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append("\\u{%x}" % ord(c))
    return '"' + "".join(out) + '"'


def res(f):
    try:
        return "Ok(%s)" % rs(f())
    except Exception as e:  # noqa: BLE001 - every exception is an expected outcome
        return "Err(%s)" % rs(str(e))


def opt(f):
    try:
        return "Some(%s)" % rs(f())
    except ValueError:
        return "None"


INF, NAN = float("inf"), float("nan")

FLOATS = [
    1.0, 0.1, 1e16, 1e-05, 0.0001, 123456789012345.0, 1.2345678901234567e16, -0.0, 0.0,
    INF, -INF, NAN, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 1e22, 1e23,
    9999999999999998.0, 1e15, 0.3, 2.0 / 3, 1 / 3, 100.0, 1.5, 2.5, 123.456, -1.5, 2.675,
    0.5, 1234567.891, 1165578703487.9062, 2e16 + 8, 4.35, 1e-7, 123e-300, 6.02214076e23,
]

FLOAT_SPECS = [
    "", "10", "<10", "^11", "=+12", "+", " ", "-", "z", "#", ".0", ".1", ".3", ".17", "#.3",
    "e", "E", ".0e", "#.0e", ".2e", "10.2e", "f", "F", ".0f", "#.0f", ".2f", ".20f", ",.2f",
    "_.3f", "015,.2f", "g", "G", ".0g", "#g", "#.2g", ".1g", ".10g", "n", "%", ".1%", "z.1f",
    "010", "+010", "*^15.3e", "0<10", "=10", ",", "_", ",g", "c", "d", "s", "x", "é<9.4",
]

FLOAT_SPEC_EXTRA = [
    (2.675, ".2f"), (0.5, ".0f"), (1.5, ".0f"), (2.5, ".0f"), (0.125, ".2f"), (0.375, ".2f"),
    (1e22, ""), (123.456, "10.2e"), (-1.5, "=+10.3f"), (-0.00001, "z.2f"), (-1e-300, "z.2e"),
    (1e16, "#"), (1e16, "#.3"), (1.0, ".50f"), (0.1, ".60e"), (5e-324, ".30g"), (1e300, ",.2f"),
    (1e300, "_f"), (1234.5, "0=20,.2f"), (-1234.5, "020,.1f"), (1.0, "0=1,"), (123.0, ".99999999999f"),
    (1.0, ",n"), (1.0, ".f"), (1.0, "abc"), (1.0, "<<<"), (1.0, "99999999999999999999"),
]

INTS = [0, 1, -1, 7, -7, 42, 255, -255, 1234, -1234, 65, 10**6, -(10**6), 2**63, -(2**64) + 1,
        10**30, -(10**40) - 7, 0x10FFFF]

INT_SPECS = [
    "", "d", "5", "<5", "^6", "=+8", "+", " ", "-", "08", "08,", "0=8,", "x=8,", "0>8,", "010_",
    ",", "_", "b", "#b", "_b", "o", "#o", "x", "#x", "X", "#X", "#010_x", "#010_X", "_x", "n",
    "c", "5c", "05c", "e", ".2e", "f", ",.2f", "g", "%", ".1%", ".2", "z", "+c", "#c", ",c", ",x",
    "_n", ",_", "_,", ",,", "__", "abc", "s", "é", "\x01", "\x80", ".", "*>10,", "020,d",
]

INT_SPEC_EXTRA = [
    (3, "c"), (-1, "c"), (0x110000, "c"), (10**30, "c"), (1234, "08,"), (2**1024, "e"),
    (2**1024 - 2**970, "f"), (2**1024 - 2**970 - 1, "e"), (10**100, ","), (10**100, "0=120_"),
    (-(16**30), "#_x"), (10**30, "0=50,"), (0, "#b"), (0, "#o"), (0, "#X"), (-5, "#06x"),
]

STRS = ["", "abc", "héllo", "中文字", "😀x", "a\tb"]
STR_SPECS = [
    "", "s", "10", "<10", ">10", "^10", "^9", "*^9", "0", "05", "x<05", ".2", ".0", "^3.5",
    "\x00<5", "{<5", "<<5", "中>6", " ", "+", "-", "z", "#", "=", ",", "_", "d", ".", "abc",
]

PERCENT = [
    ("%5.2f", 3.14159), ("%-5d|", 3), ("%05d", -3), ("%x", 255), ("%#o", 8), ("%e", 12345.678),
    ("%g", 0.00001), ("%+d", 5), ("%.3s", "abcdef"), ("%-05d|", 3), ("%05f", INF), ("%+05d", 3),
    ("% d", 3), ("%#x", -255), ("%#08x", -255), ("%#8x", -255), ("%#-8x|", -255), ("%#.5x", 3),
    ("%#X", 255), ("%.5d", -3), ("%+.3d", 7), ("%c", "A"), ("%5c|", "x"), ("%.0c", "x"),
    ("%s", "1.5"), ("%5.1s|", "abc"), ("%#g", 1.0), ("%#.0f", 1.0), ("%#.0e", 1.0), ("%G", 1e-10),
    ("%F", NAN), ("%+F", INF), ("% f", NAN), ("%u", -3), ("%0-5d|", 3), ("% +d", 3), ("%+ d", 3),
    ("% 05d", 3), ("%#5o", 8), ("%#05o", 8), ("%.0d", 0), ("%.0x", 0), ("%#.0o", 0),
    ("%10.4e", -0.0), ("%.60f", 0.1), ("%ld", 3), ("%hi", -4), ("%Lf", 2.5), ("%i", 10**20),
    ("%20.3E", -1234.5678), ("%-+12.2f|", 2.675), ("%3s|", "中文字xy"), ("%-6s|", "é"),
    ("ab%%cd%d", 1), ("%%%s%%", "x"), ("%.1f%%", 99.95), ("%.2g", 123456), ("%010.3g", -0.000123),
]

PERCENT_ERRORS = ["%", "%(a", "%(a)", "%l", "%.", "%-", "%5", "%99999999999999999999d",
                  "%.1000000000000f", "%y", "%é", "%\x01", "%5%", "abc %"]

REPR_STRS = ["", "abc", "it's", 'say "hi"', "both ' and \"", "back\\slash", "\t\n\r\x00\x1f\x7f",
             "\x80\x9f\xa0\xad\xff", "é中😀", "\u2028\u2029\u200b\ufeff", "\ue000\U000e0001\U0010ffff",
             "\u0378\u3000\u1680", "\U0001f600\u0301a", "\x1c\x1d\x1e\x1f"]

REPR_BYTES = [b"", b"abc", b"it's", b'say "hi"', b"both ' and \"", b"\\", b"\t\n\r\x00\x7f\x80\xff",
              bytes(range(0, 256, 17))]

INT_LITERALS = [("42", 10), (" -42 ", 10), ("+7", 10), ("1_000", 10), ("1__0", 10), ("_1", 10),
                ("1_", 10), ("0x1f", 16), ("0x1f", 0), ("0X1F", 0), ("0o17", 0), ("0b101", 0),
                ("0b101", 2), ("0b101", 16), ("0x_1f", 0), ("0x__1", 0), ("0_7", 0), ("0_0", 0),
                ("00", 0), ("010", 0), ("010", 10), ("0x", 16), ("z", 36), ("Z1", 36), ("12", 2),
                ("", 10), ("-", 10), ("- 1", 10), ("\u0663\u0664", 10), ("\xa01\u3000", 10),
                ("\x1c1", 10), ("1\x00", 10), ("1.5", 10), ("٣", 16), ("9" * 30, 10), ("-0", 0),
                ("0b", 0), ("0o", 8), ("ff", 16), ("FF", 15)]

FLOAT_LITERALS = ["1.5", " 1.5\n", "-2", "+.5", "1.", ".", "1e5", "1E-5", "1e", "1e+", "1e1_0",
                  "1_0.5", "1_e5", "1._5", "_1", "1_", "inf", "-Infinity", "+nan", "NaN", "infinit",
                  "--inf", "-+1", "0x10", "١٢.٥", "1e500", "-1e500", "1e-400", "", "   ",
                  "0.1e-5", "1__0", "nan_", "9" * 40, "2.5\u2003", "1,5"]

ROUNDS = [(2.675, 2), (0.5, 0), (1.5, 0), (2.5, 0), (-2.5, 0), (0.125, 2), (0.375, 2),
          (1234.5678, -2), (1250.0, -2), (1350.0, -2), (1250.0001, -2), (-0.4, 0), (5e-324, 323),
          (5e-324, 324), (1.7976931348623157e308, -308), (1.7976931348623157e308, -307),
          (123.456, -400), (-123.456, -400), (1e300, 400), (INF, 2), (NAN, -1), (0.1, 20),
          (4.35, 1), (-0.0, 3), (1e16 + 2, -1), (5.0, -1), (15.0, -1), (25.0, -1)]

ROUND_INTS = [0.5, 1.5, 2.5, -0.5, -1.5, 3.7, -3.7, 1e300, 1e16 + 1, INF, -INF, NAN]

BASES = [(255, 16, "0x"), (-31, 16, "0x"), (0, 2, "0b"), (-8, 8, "0o"), (10**20, 2, "0b"),
         (-(10**20), 36, "")]


def to_base36(v):
    digits, n = "", abs(v)
    while True:
        n, d = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[d] + digits
        if not n:
            return ("-" if v < 0 else "") + digits


def percent_arg(v):
    if isinstance(v, int):
        return "A::I(%s)" % rs(str(v))
    if isinstance(v, float):
        return "A::F(%s)" % rs(repr(v))
    return "A::S(%s)" % rs(v)


def main():
    w = print
    w("//! Expected outputs of CPython 3.11 for static inputs; generated by gen_cases.py.")
    w("//! Floats are given by their repr, ints in decimal.\n")
    w("/// A printf argument: int (decimal), float (repr) or text.")
    w("pub(super) enum A {\n    I(&'static str),\n    F(&'static str),\n    S(&'static str),\n}\n")
    w("type R = Result<&'static str, &'static str>;\n")

    w("pub(super) const FLOAT_REPR: &[(&str, &str)] = &[")
    for x in FLOATS:
        w("    (%s, %s)," % (rs(repr(x)), rs(repr(x))))
    w("];\n")

    w("pub(super) const FORMAT_FLOAT: &[(&str, &str, R)] = &[")
    for x in FLOATS:
        for s in FLOAT_SPECS:
            w("    (%s, %s, %s)," % (rs(repr(x)), rs(s), res(lambda: format(x, s))))
    for x, s in FLOAT_SPEC_EXTRA:
        w("    (%s, %s, %s)," % (rs(repr(x)), rs(s), res(lambda: format(x, s))))
    w("];\n")

    w("pub(super) const FORMAT_INT: &[(&str, &str, R)] = &[")
    for v in INTS:
        for s in INT_SPECS:
            w("    (%s, %s, %s)," % (rs(str(v)), rs(s), res(lambda: format(v, s))))
    for v, s in INT_SPEC_EXTRA:
        w("    (%s, %s, %s)," % (rs(str(v)), rs(s), res(lambda: format(v, s))))
    w("];\n")

    w("pub(super) const FORMAT_STR: &[(&str, &str, R)] = &[")
    for v in STRS:
        for s in STR_SPECS:
            w("    (%s, %s, %s)," % (rs(v), rs(s), res(lambda: format(v, s))))
    w("];\n")

    w("pub(super) const PERCENT: &[(&str, A, R)] = &[")
    for f, v in PERCENT:
        w("    (%s, %s, %s)," % (rs(f), percent_arg(v), res(lambda: f % (v,))))
    w("];\n")

    w("pub(super) const PERCENT_ERRORS: &[(&str, &str)] = &[")
    for f in PERCENT_ERRORS:
        try:
            f % {"a": 1}
            raise AssertionError(f)
        except (ValueError, TypeError) as e:
            w("    (%s, %s)," % (rs(f), rs(str(e))))
    w("];\n")

    w("pub(super) const STR_REPR: &[(&str, &str, &str)] = &[")
    for s in REPR_STRS:
        w("    (%s, %s, %s)," % (rs(s), rs(repr(s)), rs(ascii(s))))
    w("];\n")

    w("pub(super) const BYTES_REPR: &[(&[u8], &str)] = &[")
    for b in REPR_BYTES:
        w("    (&[%s], %s)," % (", ".join(map(str, b)), rs(repr(b))))
    w("];\n")

    w("pub(super) const INT_LITERALS: &[(&str, u32, Option<&str>)] = &[")
    for s, b in INT_LITERALS:
        w("    (%s, %d, %s)," % (rs(s), b, opt(lambda: str(int(s, b)))))
    w("];\n")

    w("pub(super) const FLOAT_LITERALS: &[(&str, Option<&str>)] = &[")
    for s in FLOAT_LITERALS:
        w("    (%s, %s)," % (rs(s), opt(lambda: repr(float(s)))))
    w("];\n")

    w("pub(super) const ROUNDS: &[(&str, i64, R)] = &[")
    for x, n in ROUNDS:
        w("    (%s, %d, %s)," % (rs(repr(x)), n, res(lambda: repr(round(x, n)))))
    w("];\n")

    w("pub(super) const ROUND_INTS: &[(&str, R)] = &[")
    for x in ROUND_INTS:
        w("    (%s, %s)," % (rs(repr(x)), res(lambda: str(round(x)))))
    w("];\n")

    w("pub(super) const INT_TO_BASE: &[(&str, u32, &str, &str)] = &[")
    fns = {16: hex, 8: oct, 2: bin, 36: to_base36}
    for v, b, p in BASES:
        w("    (%s, %d, %s, %s)," % (rs(str(v)), b, rs(p), rs(fns[b](v))))
    w("];")


if __name__ == "__main__":
    main()
