//! The disassembler behind `toy --dis`, laid out like `python -m dis`: line number (when it
//! changes), a check-point marker, `>>` on jump targets, index, name, raw operand and the
//! operand's meaning in parentheses. Nested code objects follow their parent.

use std::fmt::Write;

use crate::compile::bytecode::{
    BinOp, CmpOp, CodeObject, Constant, Instr, UnaryOp, code_flags, format_flags, make_function_flags,
};
use crate::compile::stack::max_stack_depth;

const MARKER: &str = "◆";

/// Disassemble `code`, then every code object among its constants (depth first, in order).
pub fn disassemble(code: &CodeObject) -> String {
    let mut out = format!("{MARKER} = GIL check point (the eval breaker is tested: backward jumps and calls)\n");
    let mut pending = vec![code];
    while let Some(code) = pending.pop() {
        out.push('\n');
        disassemble_one(code, &mut out);
        pending.extend(code.constants.iter().rev().filter_map(|c| match c {
            Constant::Code(inner) => Some(&**inner),
            _ => None,
        }));
    }
    out
}

fn disassemble_one(code: &CodeObject, out: &mut String) {
    let stack = max_stack_depth(code).map_or_else(|e| format!("invalid: {e}"), |d| d.to_string());
    let mut flags = Vec::new();
    if code.is_coroutine() {
        flags.push("coroutine");
    } else if code.is_async_generator() {
        flags.push("async generator");
    } else if code.is_generator() {
        flags.push("generator");
    }
    if code.flags & code_flags::VARARGS != 0 {
        flags.push("*args");
    }
    if code.flags & code_flags::VARKEYWORDS != 0 {
        flags.push("**kwargs");
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(", {}", flags.join(", "))
    };
    let _ = writeln!(out, "Disassembly of {} (max stack {stack}{flags}):", code_repr(code));

    let targets: Vec<bool> = {
        let mut t = vec![false; code.instructions.len()];
        for i in &code.instructions {
            if let Some(slot) = i.jump_target().and_then(|j| t.get_mut(j as usize)) {
                *slot = true;
            }
        }
        t
    };
    let line_width = code.lines.iter().max().map_or(1, |l| l.to_string().len()).max(3);
    let index_width = code.instructions.len().saturating_sub(1).to_string().len().max(4);
    let mut last_line = None;
    for (i, &instr) in code.instructions.iter().enumerate() {
        let line = code.lines.get(i).copied();
        let line_col = if line != last_line && line.is_some() {
            if last_line.is_some() {
                out.push('\n');
            }
            last_line = line;
            line.map_or(String::new(), |l| l.to_string())
        } else {
            String::new()
        };
        let marker = if instr.is_check_point() { MARKER } else { " " };
        let target = if targets[i] { ">>" } else { "  " };
        let (name, arg, detail) = describe(code, instr);
        let mut row = format!("{line_col:>line_width$}  {marker} {target} {i:>index_width$} {name:<20}");
        if let Some(arg) = arg {
            let _ = write!(row, " {arg:>5}");
            if !detail.is_empty() {
                let _ = write!(row, " ({detail})");
            }
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
}

fn code_repr(code: &CodeObject) -> String {
    format!("<code {} at {}:{}>", code.name, code.filename, code.first_line)
}

/// Name, raw operand and resolved operand of one instruction.
fn describe(code: &CodeObject, instr: Instr) -> (&'static str, Option<String>, String) {
    use Instr::*;
    let name_at = |i: u32| code.names.get(i as usize).cloned().unwrap_or_else(|| "?".into());
    let var_at = |i: u32| code.varnames.get(i as usize).cloned().unwrap_or_else(|| "?".into());
    let cell_at = |i: u32| {
        let i = i as usize;
        code.cellvars
            .get(i)
            .or_else(|| code.freevars.get(i.wrapping_sub(code.cellvars.len())))
            .cloned()
            .unwrap_or_else(|| "?".into())
    };
    let const_at = |i: u32| code.constants.get(i as usize).map_or_else(|| "?".into(), const_repr);
    let to = |t: u32| format!("to {t}");
    let some = |n: u32| Some(n.to_string());
    let plain = |name: &'static str, n: u32| (name, some(n), String::new());
    match instr {
        Nop => ("NOP", None, String::new()),
        LoadConst(i) => ("LOAD_CONST", some(i), const_at(i)),
        LoadFast(i) => ("LOAD_FAST", some(i), var_at(i)),
        StoreFast(i) => ("STORE_FAST", some(i), var_at(i)),
        DeleteFast(i) => ("DELETE_FAST", some(i), var_at(i)),
        LoadDeref(i) => ("LOAD_DEREF", some(i), cell_at(i)),
        StoreDeref(i) => ("STORE_DEREF", some(i), cell_at(i)),
        DeleteDeref(i) => ("DELETE_DEREF", some(i), cell_at(i)),
        LoadClosure(i) => ("LOAD_CLOSURE", some(i), cell_at(i)),
        LoadClassDeref { name, cell } => ("LOAD_CLASSDEREF", some(cell), name_at(name)),
        LoadGlobal(i) => ("LOAD_GLOBAL", some(i), name_at(i)),
        StoreGlobal(i) => ("STORE_GLOBAL", some(i), name_at(i)),
        DeleteGlobal(i) => ("DELETE_GLOBAL", some(i), name_at(i)),
        LoadName(i) => ("LOAD_NAME", some(i), name_at(i)),
        StoreName(i) => ("STORE_NAME", some(i), name_at(i)),
        DeleteName(i) => ("DELETE_NAME", some(i), name_at(i)),
        LoadAttr(i) => ("LOAD_ATTR", some(i), name_at(i)),
        StoreAttr(i) => ("STORE_ATTR", some(i), name_at(i)),
        DeleteAttr(i) => ("DELETE_ATTR", some(i), name_at(i)),
        LoadMethod(i) => ("LOAD_METHOD", some(i), name_at(i)),
        CallMethod(n) => plain("CALL_METHOD", n),
        BinarySubscr => ("BINARY_SUBSCR", None, String::new()),
        StoreSubscr => ("STORE_SUBSCR", None, String::new()),
        DeleteSubscr => ("DELETE_SUBSCR", None, String::new()),
        BuildSlice(n) => plain("BUILD_SLICE", n),
        Binary(op) => ("BINARY_OP", some(binop_code(op)), op.symbol().to_owned()),
        InPlace(op) => ("INPLACE_OP", some(binop_code(op) + 13), format!("{}=", op.symbol())),
        Unary(op) => (
            match op {
                UnaryOp::Not => "UNARY_NOT",
                UnaryOp::Neg => "UNARY_NEGATIVE",
                UnaryOp::Pos => "UNARY_POSITIVE",
                UnaryOp::Invert => "UNARY_INVERT",
            },
            None,
            String::new(),
        ),
        Compare(op) => {
            let (code, symbol) = cmp_op(op);
            ("COMPARE_OP", some(code), symbol.to_owned())
        }
        Pop => ("POP_TOP", None, String::new()),
        Dup => ("DUP_TOP", None, String::new()),
        DupTop2 => ("DUP_TOP_TWO", None, String::new()),
        Rot2 => ("ROT_TWO", None, String::new()),
        Rot3 => ("ROT_THREE", None, String::new()),
        Rot4 => ("ROT_FOUR", None, String::new()),
        Rotate(n) => plain("ROTATE", n),
        GetLen => ("GET_LEN", None, String::new()),
        MatchSequence => ("MATCH_SEQUENCE", None, String::new()),
        MatchMapping => ("MATCH_MAPPING", None, String::new()),
        MatchKeys => ("MATCH_KEYS", None, String::new()),
        MatchClass(n) => plain("MATCH_CLASS", n),
        CopyDictWithout => ("COPY_DICT_WITHOUT_KEYS", None, String::new()),
        Jump(t) => ("JUMP_FORWARD", some(t), to(t)),
        JumpBackward(t) => ("JUMP_BACKWARD", some(t), to(t)),
        PopJumpIfFalse(t) => ("POP_JUMP_IF_FALSE", some(t), to(t)),
        PopJumpIfTrue(t) => ("POP_JUMP_IF_TRUE", some(t), to(t)),
        JumpIfFalseOrPop(t) => ("JUMP_IF_FALSE_OR_POP", some(t), to(t)),
        JumpIfTrueOrPop(t) => ("JUMP_IF_TRUE_OR_POP", some(t), to(t)),
        GetIter => ("GET_ITER", None, String::new()),
        ForIter(t) => ("FOR_ITER", some(t), to(t)),
        BuildTuple(n) => plain("BUILD_TUPLE", n),
        BuildList(n) => plain("BUILD_LIST", n),
        BuildSet(n) => plain("BUILD_SET", n),
        BuildMap(n) => plain("BUILD_MAP", n),
        BuildString(n) => plain("BUILD_STRING", n),
        FormatValue(flags) => ("FORMAT_VALUE", some(flags), format_value_repr(flags)),
        ListAppend(n) => plain("LIST_APPEND", n),
        SetAdd(n) => plain("SET_ADD", n),
        MapAdd(n) => plain("MAP_ADD", n),
        ListExtend(n) => plain("LIST_EXTEND", n),
        SetUpdate(n) => plain("SET_UPDATE", n),
        DictUpdate(n) => plain("DICT_UPDATE", n),
        DictMerge(n) => plain("DICT_MERGE", n),
        ListToTuple => ("LIST_TO_TUPLE", None, String::new()),
        UnpackSequence(n) => plain("UNPACK_SEQUENCE", n),
        UnpackEx { before, after } => (
            "UNPACK_EX",
            Some(format!("{before},{after}")),
            format!("{before} before, {after} after"),
        ),
        Call(n) => plain("CALL", n),
        CallKw(n) => plain("CALL_KW", n),
        CallEx(flags) => (
            "CALL_FUNCTION_EX",
            some(flags),
            if flags & 1 != 0 {
                "with kwargs".into()
            } else {
                String::new()
            },
        ),
        MakeFunction(flags) => ("MAKE_FUNCTION", some(flags), make_function_repr(flags)),
        ReturnValue => ("RETURN_VALUE", None, String::new()),
        YieldValue => ("YIELD_VALUE", None, String::new()),
        YieldFrom => ("YIELD_FROM", None, String::new()),
        GetYieldFromIter => ("GET_YIELD_FROM_ITER", None, String::new()),
        GetAwaitable => ("GET_AWAITABLE", None, String::new()),
        GetAIter => ("GET_AITER", None, String::new()),
        GetANext => ("GET_ANEXT", None, String::new()),
        EndAsyncFor => ("END_ASYNC_FOR", None, String::new()),
        BeforeAsyncWith => ("BEFORE_ASYNC_WITH", None, String::new()),
        Raise(n) => plain("RAISE_VARARGS", n),
        Reraise => ("RERAISE", None, String::new()),
        SetupTry(t) => ("SETUP_TRY", some(t), to(t)),
        PopBlock => ("POP_BLOCK", None, String::new()),
        PopExcept => ("POP_EXCEPT", None, String::new()),
        CheckExcMatch => ("CHECK_EXC_MATCH", None, String::new()),
        BeforeWith => ("BEFORE_WITH", None, String::new()),
        WithExceptStart => ("WITH_EXCEPT_START", None, String::new()),
        LoadAssertionError => ("LOAD_ASSERTION_ERROR", None, String::new()),
        LoadBuildClass => ("LOAD_BUILD_CLASS", None, String::new()),
        ImportName(i) => ("IMPORT_NAME", some(i), name_at(i)),
        ImportFrom(i) => ("IMPORT_FROM", some(i), name_at(i)),
        ImportStar => ("IMPORT_STAR", None, String::new()),
        Unsupported(i) => ("UNSUPPORTED", some(i), const_at(i)),
    }
}

/// CPython's `NB_*` numbering, so operands read like `python -m dis` output.
fn binop_code(op: BinOp) -> u32 {
    match op {
        BinOp::Add => 0,
        BinOp::BitAnd => 1,
        BinOp::FloorDiv => 2,
        BinOp::LShift => 3,
        BinOp::MatMul => 4,
        BinOp::Mul => 5,
        BinOp::Mod => 6,
        BinOp::BitOr => 7,
        BinOp::Pow => 8,
        BinOp::RShift => 9,
        BinOp::Sub => 10,
        BinOp::Div => 11,
        BinOp::BitXor => 12,
    }
}

fn cmp_op(op: CmpOp) -> (u32, &'static str) {
    match op {
        CmpOp::Lt => (0, "<"),
        CmpOp::LtE => (1, "<="),
        CmpOp::Eq => (2, "=="),
        CmpOp::NotEq => (3, "!="),
        CmpOp::Gt => (4, ">"),
        CmpOp::GtE => (5, ">="),
        CmpOp::Is => (6, "is"),
        CmpOp::IsNot => (7, "is not"),
        CmpOp::In => (8, "in"),
        CmpOp::NotIn => (9, "not in"),
    }
}

fn format_value_repr(flags: u32) -> String {
    let mut parts = Vec::new();
    match flags & format_flags::CONVERSION_MASK {
        format_flags::STR => parts.push("str"),
        format_flags::REPR => parts.push("repr"),
        format_flags::ASCII => parts.push("ascii"),
        _ => {}
    }
    if flags & format_flags::HAS_SPEC != 0 {
        parts.push("with format");
    }
    parts.join(", ")
}

fn make_function_repr(flags: u32) -> String {
    let names = [
        (make_function_flags::DEFAULTS, "defaults"),
        (make_function_flags::KW_DEFAULTS, "kwdefaults"),
        (make_function_flags::CLOSURE, "closure"),
    ];
    names
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A constant as Python's `repr` shows it.
pub fn const_repr(c: &Constant) -> String {
    match c {
        Constant::None => "None".into(),
        Constant::Bool(true) => "True".into(),
        Constant::Bool(false) => "False".into(),
        Constant::Ellipsis => "Ellipsis".into(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => float_repr(*f),
        Constant::Complex(re, im) => complex_repr(*re, *im),
        Constant::Str(s) => str_repr(s),
        Constant::Bytes(b) => bytes_repr(b),
        Constant::Tuple(items) => match items.as_slice() {
            [one] => format!("({},)", const_repr(one)),
            _ => format!("({})", items.iter().map(const_repr).collect::<Vec<_>>().join(", ")),
        },
        // Items in source order: the table order is only known once the VM builds it.
        Constant::FrozenSet(items) => format!(
            "frozenset({{{}}})",
            items.iter().map(const_repr).collect::<Vec<_>>().join(", ")
        ),
        Constant::Code(code) => code_repr(code),
    }
}

/// Python's complex repr: `2j` when the real part is +0.0, else `(1-2j)`; parts without `.0`.
fn complex_repr(re: f64, im: f64) -> String {
    let part = |x: f64| {
        let r = float_repr(x);
        r.strip_suffix(".0").map(str::to_string).unwrap_or(r)
    };
    if re == 0.0 && re.is_sign_positive() {
        return format!("{}j", part(im));
    }
    let im_text = part(im);
    let sign = if im_text.starts_with('-') { "" } else { "+" };
    format!("({}{sign}{im_text}j)", part(re))
}

/// Python's float repr: shortest round-trip digits, positional for exponents in [-4, 16),
/// scientific (`1e+16`, `1.5e-05`) otherwise.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        if point <= 0 {
            return format!("{sign}0.{}{digits}", "0".repeat((-point) as usize));
        }
        let point = point as usize;
        if digits.len() <= point {
            return format!("{sign}{digits}{}.0", "0".repeat(point - digits.len()));
        }
        return format!("{sign}{}.{}", &digits[..point], &digits[point..]);
    }
    let (first, rest) = digits.split_at(1);
    let frac = if rest.is_empty() {
        String::new()
    } else {
        format!(".{rest}")
    };
    let exp_sign = if exp < 0 { '-' } else { '+' };
    format!("{sign}{first}{frac}e{exp_sign}{:02}", exp.unsigned_abs())
}

fn quote_for(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double { '"' } else { '\'' }
}

pub fn str_repr(s: &str) -> String {
    let quote = quote_for(s.contains('\''), s.contains('"'));
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push(quote);
    out
}

/// An approximation of `str.isprintable` for one character.
fn is_printable(c: char) -> bool {
    c == ' '
        || !(c.is_control()
            || c.is_whitespace()
            || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'))
}

pub fn bytes_repr(b: &[u8]) -> String {
    let quote = quote_for(b.contains(&b'\''), b.contains(&b'"'));
    let mut out = format!("b{quote}");
    for &byte in b {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote as u8 => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(byte as char),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::testutil::*;
    use crate::syntax::ast::{BinOp, CmpOp};

    #[test]
    fn constant_reprs_match_python() {
        let cases = [
            (Constant::Float(1.0), "1.0"),
            (Constant::Float(-0.0), "-0.0"),
            (Constant::Float(0.1), "0.1"),
            (Constant::Float(1e16), "1e+16"),
            (Constant::Float(1.5e-5), "1.5e-05"),
            (Constant::Float(0.0001), "0.0001"),
            (Constant::Float(123456789012345678.0), "1.2345678901234568e+17"),
            (Constant::Float(1e22), "1e+22"),
            (Constant::Float(f64::INFINITY), "inf"),
            (Constant::Complex(0.0, 2.0), "2j"),
            (Constant::Complex(0.0, 1.5), "1.5j"),
            (Constant::Complex(-0.0, -0.0), "(-0-0j)"),
            (Constant::Complex(1.0, -2.5), "(1-2.5j)"),
            (Constant::Complex(f64::NAN, f64::INFINITY), "(nan+infj)"),
            (Constant::Str("it's".into()), "\"it's\""),
            (Constant::Str("a'b\"c\n\u{7}é".into()), "'a\\'b\"c\\n\\x07é'"),
            (Constant::Bytes(b"a'\x00\xff".to_vec()), "b\"a'\\x00\\xff\""),
            (Constant::Tuple(vec![Constant::Int(1.into())]), "(1,)"),
            (Constant::Tuple(vec![]), "()"),
            (
                Constant::Tuple(vec![Constant::None, Constant::Bool(true), Constant::Ellipsis]),
                "(None, True, Ellipsis)",
            ),
        ];
        for (c, want) in cases {
            assert_eq!(const_repr(&c), want);
        }
    }

    #[test]
    fn disassembles_a_small_function() {
        // def f(x):
        //     while x < 3:
        //         x = g(x + 1)
        //     return x
        let source = "def f(x):\n    while x < 3:\n        x = g(x + 1)\n    return x\n";
        let body = vec![
            while_(
                compare(name("x").at(20), vec![(CmpOp::Lt, int(3).at(24))]).at(20),
                vec![
                    assign(
                        name("x").at(35),
                        call(
                            name("g").at(39),
                            vec![bin(name("x").at(41), BinOp::Add, int(1).at(45)).at(41)],
                        )
                        .at(39),
                    )
                    .at(35),
                ],
            )
            .at(14),
            ret(Some(name("x").at(60))).at(53),
        ];
        let m = module(vec![def("f", &["x"], body).at(0)]);
        let code = crate::compile::compile_module(&m, source, "t.py").unwrap();
        let want = "\
◆ = GIL check point (the eval breaker is tested: backward jumps and calls)

Disassembly of <code <module> at t.py:1> (max stack 1):
  1          0 LOAD_CONST               0 (<code f at t.py:1>)
             1 MAKE_FUNCTION            0
             2 STORE_NAME               0 (f)
             3 LOAD_CONST               1 (None)
             4 RETURN_VALUE

Disassembly of <code f at t.py:1> (max stack 3):
  2    >>    0 LOAD_FAST                0 (x)
             1 LOAD_CONST               1 (3)
             2 COMPARE_OP               0 (<)
             3 POP_JUMP_IF_FALSE       11 (to 11)

  3          4 LOAD_GLOBAL              0 (g)
             5 LOAD_FAST                0 (x)
             6 LOAD_CONST               2 (1)
             7 BINARY_OP                0 (+)
     ◆       8 CALL                     1
             9 STORE_FAST               0 (x)

  2  ◆      10 JUMP_BACKWARD            0 (to 0)

  4    >>   11 LOAD_FAST                0 (x)
            12 RETURN_VALUE
";
        assert_eq!(disassemble(&code), want);
    }
}
