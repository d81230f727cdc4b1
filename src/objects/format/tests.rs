//! Tests for the format module: static tables produced by CPython 3.11 (`tests/cases.rs`,
//! regenerated with `tests/gen_cases.py`), hand-written API checks, a no-panic fuzz of the
//! parsers, and randomized cross-checks against a live python3 when one is installed.

#[rustfmt::skip] // generated tables, one case per line
mod cases;
mod oracle;

use super::*;
use cases::A;
use num_bigint::BigInt;
use oracle::{Rng, random_spec};

fn float(repr: &str) -> f64 {
    repr.parse().unwrap()
}

fn int(decimal: &str) -> BigInt {
    decimal.parse().unwrap()
}

/// Compares a whole table and lists every mismatch.
fn expect_all<I: Iterator<Item = (String, String, String)>>(rows: I) -> usize {
    let mut count = 0;
    let failures: Vec<String> = rows
        .inspect(|_| count += 1)
        .filter(|(_, got, want)| got != want)
        .map(|(what, got, want)| format!("{what}: got {got:?}, want {want:?}"))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    count
}

fn show(r: &Result<impl AsRef<str>, impl AsRef<str>>) -> String {
    match r {
        Ok(s) => format!("Ok({})", s.as_ref()),
        Err(e) => format!("Err({})", e.as_ref()),
    }
}

#[test]
fn table_float_repr() {
    let n = expect_all(
        cases::FLOAT_REPR
            .iter()
            .map(|&(x, want)| (x.to_string(), float_repr(float(x)), want.to_string())),
    );
    assert!(n > 30);
}

#[test]
fn table_format_float() {
    let n = expect_all(cases::FORMAT_FLOAT.iter().map(|&(x, spec, want)| {
        let what = format!("format({x}, {spec:?})");
        (what, show(&format_float(float(x), spec)), show(&want))
    }));
    assert!(n > 1000);
}

#[test]
fn table_format_int() {
    let n = expect_all(cases::FORMAT_INT.iter().map(|&(v, spec, want)| {
        let what = format!("format({v}, {spec:?})");
        (what, show(&format_int(&int(v), spec)), show(&want))
    }));
    assert!(n > 1000);
}

#[test]
fn table_format_str() {
    let n = expect_all(cases::FORMAT_STR.iter().map(|&(s, spec, want)| {
        let what = format!("format({s:?}, {spec:?})");
        (what, show(&format_str(s, spec)), show(&want))
    }));
    assert!(n > 150);
}

/// Formats one conversion the way an interpreter would drive the percent API.
fn percent_one(fmt: &str, arg: &A) -> Result<String, String> {
    let mut out = String::new();
    for piece in percent_pieces(fmt) {
        match piece? {
            PercentPiece::Literal(s) => out.push_str(&s),
            PercentPiece::Spec(spec) => out.push_str(&match (spec.conversion, arg) {
                ('d' | 'i' | 'u' | 'o' | 'x' | 'X', A::I(v)) => percent_int(&int(v), &spec)?,
                ('e' | 'E' | 'f' | 'F' | 'g' | 'G', A::F(x)) => percent_float(float(x), &spec)?,
                ('e' | 'E' | 'f' | 'F' | 'g' | 'G', A::I(v)) => percent_float(bigint_to_f64(&int(v))?, &spec)?,
                ('s' | 'c', A::S(s)) => percent_str(s, &spec)?,
                (c, _) => panic!("no case for %{c}"),
            }),
        }
    }
    Ok(out)
}

#[test]
fn table_percent() {
    let n = expect_all(cases::PERCENT.iter().map(|(fmt, arg, want)| {
        let what = format!("{fmt:?} % ...");
        (what, show(&percent_one(fmt, arg)), show(want))
    }));
    assert!(n > 50);
}

#[test]
fn table_percent_errors() {
    for &(fmt, want) in cases::PERCENT_ERRORS {
        // Unsupported conversions parse fine; the caller reports them after fetching the arg.
        let got = parse_percent(fmt).and_then(|pieces| {
            pieces
                .iter()
                .find_map(|p| match p {
                    PercentPiece::Spec(s) if !"diouxXeEfFgGcrsa".contains(s.conversion) => {
                        Some(Err(s.unsupported_error()))
                    }
                    _ => None,
                })
                .unwrap_or(Ok(pieces))
        });
        assert_eq!(got.err().as_deref(), Some(want), "{fmt:?}");
    }
}

#[test]
fn table_reprs() {
    for &(s, repr, ascii) in cases::STR_REPR {
        assert_eq!(str_repr(s), repr, "{s:?}");
        assert_eq!(ascii_repr(s), ascii, "{s:?}");
    }
    for &(b, repr) in cases::BYTES_REPR {
        assert_eq!(bytes_repr(b), repr, "{b:?}");
    }
}

#[test]
fn table_literals() {
    for &(s, base, want) in cases::INT_LITERALS {
        let got = parse_int_literal(s, base).map(|v| v.to_string());
        assert_eq!(got.as_deref(), want, "int({s:?}, {base})");
    }
    for &(s, want) in cases::FLOAT_LITERALS {
        let got = parse_float_literal(s).map(float_repr);
        assert_eq!(got.as_deref(), want, "float({s:?})");
    }
    for &(v, base, prefix, want) in cases::INT_TO_BASE {
        assert_eq!(int_to_base(&int(v), base, prefix), want);
    }
}

#[test]
fn table_rounding() {
    for &(x, n, want) in cases::ROUNDS {
        let got = round_half_even_f64(float(x), n).map(float_repr);
        assert_eq!(show(&got), show(&want), "round({x}, {n})");
    }
    for &(x, want) in cases::ROUND_INTS {
        let got = round_to_int(float(x)).map(|v| v.to_string());
        assert_eq!(show(&got), show(&want), "round({x})");
    }
}

#[test]
fn brief_examples() {
    let f = |x: f64, spec: &str| format_float(x, spec).unwrap();
    assert_eq!(f(2.675, ".2f"), "2.67");
    assert_eq!(f(0.5, ".0f"), "0");
    assert_eq!(f(1e22, ""), "1e+22");
    assert_eq!(f(123.456, "10.2e"), "  1.23e+02");
    assert_eq!(f(-1.5, "=+10.3f"), "-    1.500");
    assert_eq!(format_str("abc", "*^9").unwrap(), "***abc***");
    assert_eq!(format_int(&BigInt::from(3), "c").unwrap(), "\u{3}");
    assert_eq!(format_int(&BigInt::from(1234), "08,").unwrap(), "0,001,234");
    let e = |r: Result<String, String>| r.unwrap_err();
    assert_eq!(e(format_str("a", ",")), "Cannot specify ',' with 's'.");
    assert_eq!(
        e(format_float(1.0, "x")),
        "Unknown format code 'x' for object of type 'float'"
    );
    assert_eq!(
        e(format_int(&BigInt::from(1), ".2")),
        "Precision not allowed in integer format specifier"
    );
    for x in [0.1, 1e16, 1e-5, 5e-324, f64::MAX, -0.0] {
        assert_eq!(float_repr(x), format_float(x, "").unwrap());
    }
}

#[test]
fn type_names_and_error_kinds() {
    let one = BigInt::from(1);
    assert_eq!(
        format_int_as(&one, "q", "bool").unwrap_err(),
        "Unknown format code 'q' for object of type 'bool'"
    );
    assert_eq!(
        format_str_as("x", "abc", "MyStr").unwrap_err(),
        "Invalid format specifier 'abc' for object of type 'MyStr'"
    );
    let overflow = format_int(&(BigInt::from(1) << 1024), "e").unwrap_err();
    assert_eq!(error_kind(&overflow), ErrorKind::OverflowError);
    let big_c = format_int(&BigInt::from(0x110000), "c").unwrap_err();
    assert_eq!(error_kind(&big_c), ErrorKind::OverflowError);
    assert_eq!(error_kind("Format specifier missing precision"), ErrorKind::ValueError);
    // CPython raises MemoryError for fields it cannot allocate.
    let huge = format_int(&one, "9999999999999").unwrap_err();
    assert_eq!(error_kind(&huge), ErrorKind::MemoryError);
    assert_eq!(
        error_kind(&format_str("", "9999999999999").unwrap_err()),
        ErrorKind::MemoryError
    );
    assert_eq!(format_float(1.0, ".3000000000f").unwrap_err(), "precision too big");
    assert_eq!(
        round_to_int(f64::INFINITY).unwrap_err(),
        "cannot convert float infinity to integer"
    );
    assert_eq!(error_kind(&round_to_int(f64::NAN).unwrap_err()), ErrorKind::ValueError);
}

#[test]
fn parsed_spec_fields() {
    let f = parse_spec("*^+z#012_.3f", ValueKind::Float, "float").unwrap();
    assert_eq!(
        f,
        FormatSpec {
            fill: '*',
            align: Align::Center,
            sign: Some(Sign::Plus),
            no_neg_zero: true,
            alternate: true,
            width: Some(12),
            grouping: Grouping::Underscore,
            precision: Some(3),
            ty: Some('f'),
        }
    );
    // The `0` flag means sign-aware zero padding only where numbers default to the right.
    let zero = parse_spec("05", ValueKind::Int, "int").unwrap();
    assert_eq!((zero.fill, zero.align, zero.width), ('0', Align::AfterSign, Some(5)));
    let zero = parse_spec("05", ValueKind::Str, "str").unwrap();
    assert_eq!((zero.fill, zero.align, zero.ty), ('0', Align::Left, Some('s')));
    // Unicode digits count in widths, as in CPython.
    assert_eq!(parse_spec("x<\u{663}", ValueKind::Int, "int").unwrap().width, Some(3));
    assert_eq!(parse_spec("", ValueKind::Float, "float").unwrap().ty, None);
}

#[test]
fn percent_pieces_and_stars() {
    let pieces = parse_percent("a%%b%(k(x))-+ #0*.*ld|%c").unwrap();
    assert_eq!(pieces.len(), 4);
    assert_eq!(pieces[0], PercentPiece::Literal("a%b".to_string()));
    let PercentPiece::Spec(spec) = &pieces[1] else {
        panic!("{pieces:?}")
    };
    assert_eq!(spec.mapping_key.as_deref(), Some("k(x)"));
    assert!(spec.left_adjust && spec.plus && spec.space && spec.alternate && spec.zero_pad);
    assert_eq!(spec.width, Some(PercentCount::Star));
    assert_eq!(spec.precision, Some(PercentCount::Star));
    assert_eq!((spec.conversion, spec.index), ('d', 20));
    assert_eq!(pieces[2], PercentPiece::Literal("|".to_string()));

    // `'%*d' % (-5, 3)` and `'%.*f' % (-2, 3.25159)`.
    let mut spec = match parse_percent("%*d").unwrap().remove(0) {
        PercentPiece::Spec(s) => s,
        other => panic!("{other:?}"),
    };
    spec.set_star_width(-5);
    assert_eq!(percent_int(&BigInt::from(3), &spec).unwrap(), "3    ");
    let mut spec = match parse_percent("%.*f").unwrap().remove(0) {
        PercentPiece::Spec(s) => s,
        other => panic!("{other:?}"),
    };
    spec.set_star_precision(-2);
    assert_eq!(percent_float(3.25159, &spec).unwrap(), "3");

    // The lazy iterator yields what precedes a syntax error first.
    let mut it = percent_pieces("x%dy%");
    assert_eq!(it.next(), Some(Ok(PercentPiece::Literal("x".to_string()))));
    assert!(matches!(it.next(), Some(Ok(PercentPiece::Spec(_)))));
    assert_eq!(it.next(), Some(Ok(PercentPiece::Literal("y".to_string()))));
    assert_eq!(it.next(), Some(Err("incomplete format".to_string())));
    assert_eq!(it.next(), None);
}

#[test]
fn helpers() {
    assert!(float_is_integer(3.0) && !float_is_integer(3.5) && !float_is_integer(f64::INFINITY));
    assert_eq!(float_to_bigint(-3.9).unwrap(), BigInt::from(-3));
    assert_eq!(float_to_bigint(1e20).unwrap(), int("100000000000000000000"));
    assert_eq!(bigint_to_f64(&int("9007199254740993")).unwrap(), 9007199254740992.0);
    assert_eq!(decimal_digit_value('\u{ff19}'), Some(9));
    assert_eq!(decimal_digit_value('x'), None);
    assert_eq!(decimal_digit_value('\u{b2}'), None); // superscript two is not decimal
    assert!(py_isspace('\u{1c}') && py_isspace('\u{3000}') && !py_isspace('\u{200b}'));
    assert!(is_printable('é') && !is_printable('\u{a0}') && !is_printable('\u{2028}'));
    let flags = DtoaFlags::default();
    assert_eq!(double_to_string(1.0, 'r', 0, flags), "1");
    assert_eq!(
        double_to_string(2.5, 'f', 3, DtoaFlags { sign: true, ..flags }),
        "+2.500"
    );
    assert_eq!(ascii_escape("['é']"), "['\\xe9']");
}

/// Random and hostile specs must give Ok or Err, never panic.
#[test]
fn fuzz_parsers_never_panic() {
    let mut rng = Rng::new(2024);
    let alphabet: Vec<char> = "<>=^+- z#0123456789,_.%bcdeEfFgGnosxX(){}*lhé\u{663}\0\u{1F600}"
        .chars()
        .collect();
    let v = int("-123456789012345678901234567890");
    for i in 0..30_000 {
        let spec = if i % 2 == 0 {
            random_spec(&mut rng)
        } else {
            oracle::random_text(&mut rng, &alphabet, 12)
        };
        let _ = format_int(&v, &spec);
        let _ = format_int(&BigInt::from(65), &spec);
        let _ = format_float(-1234.5678, &spec);
        let _ = format_float(f64::NAN, &spec);
        let _ = format_str("héllo", &spec);
        let fmt = format!("%{spec}");
        if let Ok(pieces) = parse_percent(&fmt) {
            for piece in pieces {
                if let PercentPiece::Spec(spec) = piece {
                    let _ = percent_int(&v, &spec);
                    let _ = percent_float(-0.5, &spec);
                    let _ = percent_str("abc", &spec);
                    let _ = spec.unsupported_error();
                }
            }
        }
        let _ = parse_int_literal(&spec, (i % 40) as u32);
        let _ = parse_float_literal(&spec);
    }
    // Extremes.
    for spec in [
        "99999999999999999999",
        "9223372036854775807",
        ".9223372036854775807f",
        "\u{10ffff}>",
    ] {
        let _ = format_float(1.0, spec);
        let _ = format_str("x", spec);
        let _ = format_int(&v, spec);
    }
    for fmt in [
        "%9223372036854775807d",
        "%.2147483647d",
        "%.2147483647f",
        "%.2147483647s",
    ] {
        if let Ok(pieces) = parse_percent(fmt) {
            for piece in pieces {
                if let PercentPiece::Spec(spec) = piece {
                    let _ = percent_int(&v, &spec);
                    let _ = percent_float(1.0, &spec);
                    let _ = percent_str("abc", &spec);
                }
            }
        }
    }
    assert_eq!(round_half_even_f64(1.5, i64::MAX), Ok(1.5));
    assert_eq!(round_half_even_f64(1.5, i64::MIN), Ok(0.0));
}
