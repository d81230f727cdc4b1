//! Parser tests: ASTs are printed as compact S-expressions and compared with expectations
//! checked against CPython 3.11.

use super::ast::*;
use super::{SyntaxError, SyntaxErrorKind, parse_module};

// ---------------------------------------------------------------- printing

fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Constant(c) => constant(c),
        ExprKind::JoinedStr(parts) => format!("(f{})", fstring(parts)),
        ExprKind::Tuple(v) => format!("(tuple{})", list(v)),
        ExprKind::List(v) => format!("(list{})", list(v)),
        ExprKind::Set(v) => format!("(set{})", list(v)),
        ExprKind::Dict(items) => {
            let items: String = items
                .iter()
                .map(|(k, v)| match k {
                    Some(k) => format!(" ({} {})", expr(k), expr(v)),
                    None => format!(" (** {})", expr(v)),
                })
                .collect();
            format!("(dict{items})")
        }
        ExprKind::Starred(v) => format!("(* {})", expr(v)),
        ExprKind::BinOp { left, op, right } => {
            format!("({} {} {})", op.symbol(), expr(left), expr(right))
        }
        ExprKind::UnaryOp { op, operand } => {
            let op = match op {
                UnaryOp::Not => "not",
                UnaryOp::Neg => "neg",
                UnaryOp::Pos => "pos",
                UnaryOp::Invert => "inv",
            };
            format!("({op} {})", expr(operand))
        }
        ExprKind::BoolOp { op, values } => {
            let op = if *op == BoolOp::And { "and" } else { "or" };
            format!("({op}{})", list(values))
        }
        ExprKind::Compare { left, ops, comparators } => {
            let rest: String = ops
                .iter()
                .zip(comparators)
                .map(|(op, c)| format!(" {op:?} {}", expr(c)))
                .collect();
            format!("(cmp {}{rest})", expr(left))
        }
        ExprKind::Call { func, args, keywords } => {
            let kws: String = keywords
                .iter()
                .map(|k| match &k.arg {
                    Some(a) => format!(" (kw {a} {})", expr(&k.value)),
                    None => format!(" (** {})", expr(&k.value)),
                })
                .collect();
            format!("(call {}{}{kws})", expr(func), list(args))
        }
        ExprKind::Attribute { value, attr } => format!("(. {} {attr})", expr(value)),
        ExprKind::Subscript { value, index } => format!("([] {} {})", expr(value), expr(index)),
        ExprKind::Slice { lower, upper, step } => {
            let part = |p: &Option<Box<Expr>>| p.as_ref().map_or("_".to_owned(), |e| expr(e));
            format!("(slice {} {} {})", part(lower), part(upper), part(step))
        }
        ExprKind::IfExp { test, body, orelse } => {
            format!("(ifexp {} {} {})", expr(test), expr(body), expr(orelse))
        }
        ExprKind::Lambda { params: p, body } => format!("(lambda {} {})", params(p), expr(body)),
        ExprKind::ListComp { elt, generators } => {
            format!("(listcomp {}{})", expr(elt), comps(generators))
        }
        ExprKind::SetComp { elt, generators } => {
            format!("(setcomp {}{})", expr(elt), comps(generators))
        }
        ExprKind::GeneratorExp { elt, generators } => {
            format!("(genexp {}{})", expr(elt), comps(generators))
        }
        ExprKind::DictComp { key, value, generators } => {
            format!("(dictcomp {} {}{})", expr(key), expr(value), comps(generators))
        }
        ExprKind::Yield(None) => "(yield)".to_owned(),
        ExprKind::Yield(Some(v)) => format!("(yield {})", expr(v)),
        ExprKind::YieldFrom(v) => format!("(yield-from {})", expr(v)),
        ExprKind::Await(v) => format!("(await {})", expr(v)),
        ExprKind::NamedExpr { target, value } => format!("(:= {} {})", expr(target), expr(value)),
    }
}

fn constant(c: &Constant) -> String {
    match c {
        Constant::None => "None".into(),
        Constant::True => "True".into(),
        Constant::False => "False".into(),
        Constant::Ellipsis => "...".into(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => format!("{f:?}"),
        Constant::Complex(f) => format!("{f:?}j"),
        Constant::Str(s) => format!("{s:?}"),
        Constant::Bytes(b) => format!("b'{}'", b.escape_ascii()),
    }
}

fn fstring(parts: &[FStringPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            FStringPart::Literal(s) => format!(" {s:?}"),
            FStringPart::Formatted {
                value,
                conversion,
                format_spec,
            } => {
                let conv = conversion.map(|c| format!(" !{c}")).unwrap_or_default();
                let spec = format_spec
                    .as_ref()
                    .map(|s| format!(" (spec{})", fstring(s)))
                    .unwrap_or_default();
                format!(" (fmt {}{conv}{spec})", expr(value))
            }
        })
        .collect()
}

fn list(v: &[Expr]) -> String {
    v.iter().map(|e| format!(" {}", expr(e))).collect()
}

fn comps(generators: &[Comprehension]) -> String {
    generators
        .iter()
        .map(|g| {
            let ifs: String = g.ifs.iter().map(|i| format!(" (if {})", expr(i))).collect();
            let prefix = async_prefix(g.is_async);
            format!(" ({prefix}for {} {}{ifs})", expr(&g.target), expr(&g.iter))
        })
        .collect()
}

fn param(p: &Param) -> String {
    let mut s = p.name.clone();
    if let Some(a) = &p.annotation {
        s += &format!(":{}", expr(a));
    }
    if let Some(d) = &p.default {
        s += &format!("={}", expr(d));
    }
    s
}

fn params(p: &Params) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (i, a) in p.args.iter().enumerate() {
        parts.push(param(a));
        if i + 1 == p.posonly {
            parts.push("/".into());
        }
    }
    match &p.vararg {
        Some(v) => parts.push(format!("*{}", param(v))),
        None if !p.kwonly.is_empty() => parts.push("*".into()),
        None => {}
    }
    parts.extend(p.kwonly.iter().map(param));
    if let Some(k) = &p.kwarg {
        parts.push(format!("**{}", param(k)));
    }
    format!("[{}]", parts.join(" "))
}

fn async_prefix(is_async: bool) -> &'static str {
    if is_async { "async " } else { "" }
}

fn block(body: &[Stmt]) -> String {
    format!("[{}]", body.iter().map(stmt).collect::<Vec<_>>().join("; "))
}

fn stmt(s: &Stmt) -> String {
    let opt = |e: &Option<Expr>| e.as_ref().map_or("_".to_owned(), expr);
    match &s.kind {
        StmtKind::Expr(e) => expr(e),
        StmtKind::Assign { targets, value } => format!("(={} {})", list(targets), expr(value)),
        StmtKind::AugAssign { target, op, value } => {
            format!("({}= {} {})", op.symbol(), expr(target), expr(value))
        }
        StmtKind::AnnAssign {
            target,
            annotation,
            value,
        } => {
            format!("(ann {} {} {})", expr(target), expr(annotation), opt(value))
        }
        StmtKind::If { test, body, orelse } => {
            format!("(if {} {} {})", expr(test), block(body), block(orelse))
        }
        StmtKind::While { test, body, orelse } => {
            format!("(while {} {} {})", expr(test), block(body), block(orelse))
        }
        StmtKind::For {
            target,
            iter,
            body,
            orelse,
            is_async,
        } => {
            format!(
                "({}for {} {} {} {})",
                async_prefix(*is_async),
                expr(target),
                expr(iter),
                block(body),
                block(orelse)
            )
        }
        StmtKind::Break => "break".into(),
        StmtKind::Continue => "continue".into(),
        StmtKind::Pass => "pass".into(),
        StmtKind::FunctionDef(f) => format!(
            "({}def {}{} {} -> {} {})",
            async_prefix(f.is_async),
            f.decorators
                .iter()
                .map(|d| format!("@{} ", expr(d)))
                .collect::<String>(),
            f.name,
            params(&f.params),
            opt(&f.returns),
            block(&f.body)
        ),
        StmtKind::ClassDef(c) => {
            let kws: String = c
                .keywords
                .iter()
                .map(|k| format!(" {}={}", k.arg.as_deref().unwrap_or("**"), expr(&k.value)))
                .collect();
            format!(
                "(class {}{}{}{kws} {})",
                c.decorators
                    .iter()
                    .map(|d| format!("@{} ", expr(d)))
                    .collect::<String>(),
                c.name,
                list(&c.bases),
                block(&c.body)
            )
        }
        StmtKind::Return(v) => format!("(return {})", opt(v)),
        StmtKind::Global(names) => format!("(global {})", names.join(" ")),
        StmtKind::Nonlocal(names) => format!("(nonlocal {})", names.join(" ")),
        StmtKind::Delete(targets) => format!("(del{})", list(targets)),
        StmtKind::Assert { test, msg } => format!("(assert {} {})", expr(test), opt(msg)),
        StmtKind::Raise { exc, cause } => format!("(raise {} {})", opt(exc), opt(cause)),
        StmtKind::Try(t) => {
            let handlers: String = t
                .handlers
                .iter()
                .map(|h| {
                    let name = h.name.as_deref().unwrap_or("_");
                    format!(" (except {} {name} {})", opt(&h.kind), block(&h.body))
                })
                .collect();
            format!(
                "(try {}{handlers} {} {})",
                block(&t.body),
                block(&t.orelse),
                block(&t.finalbody)
            )
        }
        StmtKind::With { items, body, is_async } => {
            let items: String = items
                .iter()
                .map(|i| format!(" ({} {})", expr(&i.context), opt(&i.target)))
                .collect();
            format!("({}with{items} {})", async_prefix(*is_async), block(body))
        }
        StmtKind::Import(names) => format!("(import{})", aliases(names)),
        StmtKind::ImportFrom { module, names, level } => format!(
            "(from {}{} import{})",
            ".".repeat(*level as usize),
            module.as_deref().unwrap_or(""),
            aliases(names)
        ),
        StmtKind::Match { subject, cases } => {
            let cases: String = cases
                .iter()
                .map(|c| format!(" (case {} {} {})", pattern(&c.pattern), opt(&c.guard), block(&c.body)))
                .collect();
            format!("(match {}{cases})", expr(subject))
        }
    }
}

fn pattern(p: &Pattern) -> String {
    let all = |ps: &[Pattern]| ps.iter().map(|p| format!(" {}", pattern(p))).collect::<String>();
    match &p.kind {
        PatternKind::Value(e) => expr(e),
        PatternKind::Singleton(c) => format!("{c:?}"),
        PatternKind::Sequence(items) => format!("[{}]", all(items).trim_start()),
        PatternKind::Mapping { keys, patterns, rest } => {
            let items: String = keys
                .iter()
                .zip(patterns)
                .map(|(k, p)| format!(" {}:{}", expr(k), pattern(p)))
                .collect();
            let rest = rest.as_ref().map_or(String::new(), |r| format!(" **{r}"));
            format!("{{{}{rest}}}", items.trim_start())
        }
        PatternKind::Class {
            cls,
            patterns,
            kwd_attrs,
            kwd_patterns,
        } => {
            let kws: String = kwd_attrs
                .iter()
                .zip(kwd_patterns)
                .map(|(a, p)| format!(" {a}={}", pattern(p)))
                .collect();
            format!("({}{}{kws})", expr(cls), all(patterns))
        }
        PatternKind::Star(name) => format!("*{}", name.as_deref().unwrap_or("_")),
        PatternKind::As { pattern: None, name } => name.clone().unwrap_or_else(|| "_".into()),
        PatternKind::As {
            pattern: Some(inner),
            name,
        } => format!("(as {} {})", pattern(inner), name.as_deref().unwrap_or("_")),
        PatternKind::Or(alternatives) => format!("(|{})", all(alternatives)),
    }
}

fn aliases(names: &[Alias]) -> String {
    names
        .iter()
        .map(|a| match &a.asname {
            Some(asname) => format!(" {} as {asname}", a.name),
            None => format!(" {}", a.name),
        })
        .collect()
}

/// Parses `src` and prints its statements, one per line.
fn p(src: &str) -> String {
    match parse_module(src) {
        Ok(m) => m.body.iter().map(stmt).collect::<Vec<_>>().join("\n"),
        Err(e) => panic!("{:?} failed to parse: {e} at {}", short(src), e.offset),
    }
}

fn err(src: &str) -> SyntaxError {
    match parse_module(src) {
        Ok(m) => panic!(
            "{:?} parsed: {}",
            short(src),
            m.body.iter().map(stmt).collect::<Vec<_>>().join("\n")
        ),
        Err(e) => e,
    }
}

/// Keeps failure messages about huge inputs readable.
fn short(src: &str) -> String {
    src.chars().take(80).collect()
}

fn msg(src: &str) -> String {
    err(src).msg
}

// ---------------------------------------------------------------- expressions

#[test]
fn match_statements() {
    let cases = [
        (
            "match x:\n case 1 | -2 | 'a': pass\n case None: pass",
            "(match x (case (| 1 (neg 2) \"a\") _ [pass]) (case None _ [pass]))",
        ),
        (
            "match a, *b:\n case [x, *_], (y,) if y: pass",
            "(match (tuple a (* b)) (case [[x *_] [y]] y [pass]))",
        ),
        (
            "match x:\n case {'k': v, **rest} as m: pass\n case C.D(1, a=_): pass",
            "(match x (case (as {\"k\":v **rest} m) _ [pass]) (case ((. C D) 1 a=_) _ [pass]))",
        ),
        (
            "match x:\n case (): pass\n case (y): pass",
            "(match x (case [] _ [pass]) (case y _ [pass]))",
        ),
        // Soft keywords: names everywhere else.
        ("match = case = 1", "(= match case 1)"),
        ("match(x).case", "(. (call match x) case)"),
        ("match[x]: int = 1", "(ann ([] match x) int 1)"),
        (
            "if match:\n case = 2\nmatch case:\n case case: case",
            "(if match [(= case 2)] [])\n(match case (case case _ [case]))",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src:?}");
    }
}

#[test]
fn operator_precedence() {
    let cases = [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("-2**2", "(neg (** 2 2))"),
        ("2**-1", "(** 2 (neg 1))"),
        ("2**3**2", "(** 2 (** 3 2))"),
        ("-x.y", "(neg (. x y))"),
        ("~a + b", "(+ (inv a) b)"),
        ("a | b ^ c & d << e + f * g", "(| a (^ b (& c (<< d (+ e (* f g))))))"),
        ("a @ b // c % d / e", "(/ (% (// (@ a b) c) d) e)"),
        ("not a == b", "(not (cmp a Eq b))"),
        ("not not a", "(not (not a))"),
        ("a or b and not c", "(or a (and b (not c)))"),
        ("a and b and c or d", "(or (and a b c) d)"),
        ("a < b <= c", "(cmp a Lt b LtE c)"),
        ("a is not b not in c in d is e", "(cmp a IsNot b NotIn c In d Is e)"),
        ("a | b < c", "(cmp (| a b) Lt c)"),
        ("a if b else c if d else e", "(ifexp b a (ifexp d c e))"),
        ("a or b if c or d else e", "(ifexp (or c d) (or a b) e)"),
        ("lambda: a if b else c", "(lambda [] (ifexp b a c))"),
        ("await a ** b", "(** (await a) b)"),
        ("-await a", "(neg (await a))"),
        ("f(x)(y)[z].w", "(. ([] (call (call f x) y) z) w)"),
        ("(a + b) * c", "(* (+ a b) c)"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn atoms_and_displays() {
    let cases = [
        ("()", "(tuple)"),
        ("(1,)", "(tuple 1)"),
        ("(1)", "1"),
        ("1,", "(tuple 1)"),
        ("1, 2", "(tuple 1 2)"),
        ("[]", "(list)"),
        ("[1, 2,]", "(list 1 2)"),
        ("[*a, *b]", "(list (* a) (* b))"),
        ("{}", "(dict)"),
        ("{1: 2, **a, 'k': 3}", "(dict (1 2) (** a) (\"k\" 3))"),
        ("{1, *a}", "(set 1 (* a))"),
        ("...", "..."),
        ("None, True, False", "(tuple None True False)"),
        ("1_000 + 0x1F + 0o7 + 0b11", "(+ (+ (+ 1000 31) 7) 3)"),
        ("1.5 + 1e-7 + .5 + 5.", "(+ (+ (+ 1.5 1e-7) 0.5) 5.0)"),
        ("1j + 2.5J", "(+ 1.0j 2.5j)"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("(yield)", "(yield)"),
        ("(x := 5)", "(:= x 5)"),
        ("[y := 1, y]", "(list (:= y 1) y)"),
        ("f(x := 1)", "(call f (:= x 1))"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn comprehensions() {
    let cases = [
        ("[x for x in y]", "(listcomp x (for x y))"),
        ("[x async for x in y]", "(listcomp x (async for x y))"),
        (
            "[x for x in y if a if b for z in x]",
            "(listcomp x (for x y (if a) (if b)) (for z x))",
        ),
        ("{x for x, in y}", "(setcomp x (for (tuple x) y))"),
        (
            "{k: v for k, v in d.items()}",
            "(dictcomp k v (for (tuple k v) (call (. d items))))",
        ),
        ("(x for x in y)", "(genexp x (for x y))"),
        ("f(x for x in y)", "(call f (genexp x (for x y)))"),
        ("[x for *a, b in c]", "(listcomp x (for (tuple (* a) b) c))"),
        (
            "[(y := f(x)) for x in z if y]",
            "(listcomp (:= y (call f x)) (for x z (if y)))",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn subscripts_and_slices() {
    let cases = [
        ("a[1]", "([] a 1)"),
        ("a[i, j]", "([] a (tuple i j))"),
        ("a[i,]", "([] a (tuple i))"),
        ("a[:]", "([] a (slice _ _ _))"),
        ("a[::]", "([] a (slice _ _ _))"),
        ("a[1:2]", "([] a (slice 1 2 _))"),
        ("a[::3]", "([] a (slice _ _ 3))"),
        ("a[1:2, ::3]", "([] a (tuple (slice 1 2 _) (slice _ _ 3)))"),
        ("a[*b]", "([] a (tuple (* b)))"),
        ("a[b][c:]", "([] ([] a b) (slice c _ _))"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn calls() {
    let cases = [
        ("f()", "(call f)"),
        ("f(a, b,)", "(call f a b)"),
        ("f(a, *b, c=1, **d)", "(call f a (* b) (kw c 1) (** d))"),
        (
            "f(*a, b=1, *c, **d, e=2)",
            "(call f (* a) (* c) (kw b 1) (** d) (kw e 2))",
        ),
        ("f(key=lambda x: x)", "(call f (kw key (lambda [x] x)))"),
        ("f((x for x in y), 1)", "(call f (genexp x (for x y)) 1)"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn lambdas() {
    let cases = [
        ("lambda: 0", "(lambda [] 0)"),
        ("lambda x, y=1: 0", "(lambda [x y=1] 0)"),
        ("lambda *a, b=1, **c: 0", "(lambda [*a b=1 **c] 0)"),
        ("lambda a, /, b, *, c: 0", "(lambda [a / b * c] 0)"),
        ("lambda x,: x", "(lambda [x] x)"),
        ("lambda: (yield)", "(lambda [] (yield))"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn strings_and_concatenation() {
    let cases = [
        (r#"'a' "b" '''c''' """d""""#, r#""abcd""#),
        (r"'\n\t\\\'\x41\101\u00e9\U0001F600\a\0'", r#""\n\t\\'AAé😀\u{7}\0""#),
        (r"'\d\q'", r#""\\d\\q""#),
        (r"r'\n' R'\x' 'é'", r#""\\n\\xé""#),
        (r"b'a\x00\xff' rb'\n' Br'x'", r"b'a\x00\xff\\nx'"),
        ("u'x' U'y'", r#""xy""#),
        ("'a\\\nb'", r#""ab""#),
        ("'''a\r\nb'''", r#""a\nb""#),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
    match parse_module(r"b'\xff\777'").map(|m| m.body[0].kind.clone()) {
        Ok(StmtKind::Expr(Expr {
            kind: ExprKind::Constant(Constant::Bytes(b)),
            ..
        })) => {
            assert_eq!(b, vec![0xff, 0xff]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(msg("x = b'é'"), "bytes can only contain ASCII literal characters");
    assert_eq!(msg("x = 'a' b'b'"), "cannot mix bytes and nonbytes literals");
    assert!(msg(r"'\x4'").ends_with("position 0-2: truncated \\xXX escape"));
    assert!(msg(r"'\u12'").ends_with("position 0-3: truncated \\uXXXX escape"));
    assert_eq!(msg(r"b'\x4'"), "(value error) invalid \\x escape at position 0");
    assert!(msg(r"'\N{DASH}'").starts_with("(unicode error)"));
    assert!(msg(r"'\ud800'").starts_with("(unicode error)"));
}

#[test]
fn fstrings() {
    let cases = [
        ("f''", "(f)"),
        ("f'abc'", r#"(f "abc")"#),
        ("f'a{x}b'", r#"(f "a" (fmt x) "b")"#),
        (
            "f'{x!r} {y!s:>10} {z!a}'",
            r#"(f (fmt x !r) " " (fmt y !s (spec ">10")) " " (fmt z !a))"#,
        ),
        ("f'{{}} {{x}}'", r#"(f "{} {x}")"#),
        ("f'{x=}'", r#"(f "x=" (fmt x !r))"#),
        ("f'a{x = :>{w}}'", r#"(f "ax = " (fmt x (spec ">" (fmt w))))"#),
        ("f'{x=!s}'", r#"(f "x=" (fmt x !s))"#),
        ("f'{x:{y}.{z}}'", r#"(f (fmt x (spec (fmt y) "." (fmt z))))"#),
        ("f'{x!r:}'", "(f (fmt x !r (spec)))"),
        ("f'{a[1]:{b}}'", r#"(f (fmt ([] a 1) (spec (fmt b))))"#),
        ("f'{ {1: 2}[1] }'", "(f (fmt ([] (dict (1 2)) 1)))"),
        (
            "f'{a != b} {a == b} {a >= b}'",
            r#"(f (fmt (cmp a NotEq b)) " " (fmt (cmp a Eq b)) " " (fmt (cmp a GtE b)))"#,
        ),
        ("f'{\"q\"}'", r#"(f (fmt "q"))"#),
        ("f'{f\"{x}\"}'", "(f (fmt (f (fmt x))))"),
        ("'a' f'b{c}d' 'e'", r#"(f "ab" (fmt c) "de")"#),
        ("f'a' 'b'", r#"(f "ab")"#),
        ("f'\\n{x}\\t'", r#"(f "\n" (fmt x) "\t")"#),
        ("rf'\\n{x}'", r#"(f "\\n" (fmt x))"#),
        ("f'{x:%H:%M}'", r#"(f (fmt x (spec "%H:%M")))"#),
        ("f'''{\nx\n}'''", "(f (fmt x))"),
        ("f'{x,y}'", "(f (fmt (tuple x y)))"),
        ("f'{yield}'", "(f (fmt (yield)))"),
        ("f'{3!r:>{4}}'", r#"(f (fmt 3 !r (spec ">" (fmt 4))))"#),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
    let errors = [
        ("f'{}'", "f-string: empty expression not allowed"),
        ("f'{ }'", "f-string: empty expression not allowed"),
        ("f'{:x}'", "f-string: expression required before ':'"),
        ("f'{!r}'", "f-string: expression required before '!'"),
        ("f'{*x}'", "f-string: cannot use starred expression here"),
        ("f'}'", "f-string: single '}' is not allowed"),
        ("f'{'", "f-string: expecting '}'"),
        ("f'{x'", "f-string: expecting '}'"),
        (
            "f'{a!x}'",
            "f-string: invalid conversion character: expected 's', 'r', or 'a'",
        ),
        ("f'{a:{b:{c}}}'", "f-string: expressions nested too deeply"),
        ("f'{#}'", "f-string expression part cannot include '#'"),
        ("f'{\\n}'", "f-string expression part cannot include a backslash"),
        ("f'{a b}'", "f-string: invalid syntax. Perhaps you forgot a comma?"),
        ("f'{a $ b}'", "f-string: invalid syntax"),
        ("f'{a)}'", "f-string: unmatched ')'"),
        (
            "f'{a(]}'",
            "f-string: closing parenthesis ']' does not match opening parenthesis '('",
        ),
        ("f'{a = b}'", "f-string: expecting '}'"),
    ];
    for (src, want) in errors {
        assert_eq!(msg(src), want, "{src}");
    }
}

#[test]
fn fstring_expression_spans_are_absolute() {
    let src = "x = f'ab{yy + 1:>{w}}'";
    let m = parse_module(src).unwrap_or_else(|e| panic!("{e}"));
    let StmtKind::Assign { value, .. } = &m.body[0].kind else {
        panic!()
    };
    let ExprKind::JoinedStr(parts) = &value.kind else {
        panic!()
    };
    let FStringPart::Formatted {
        value,
        format_spec: Some(spec),
        ..
    } = &parts[1]
    else {
        panic!("{parts:?}")
    };
    assert_eq!(&src[value.span.start as usize..value.span.end as usize], "yy + 1");
    let FStringPart::Formatted { value: w, .. } = &spec[1] else {
        panic!("{spec:?}")
    };
    assert_eq!(&src[w.span.start as usize..w.span.end as usize], "w");
    let e = err("x = f'{a b}'");
    assert_eq!(e.offset, 9);
}

// ---------------------------------------------------------------- statements

#[test]
fn assignments() {
    let cases = [
        ("a = b = 1", "(= a b 1)"),
        ("a, b = b, a", "(= (tuple a b) (tuple b a))"),
        ("[a, b] = c", "(= (list a b) c)"),
        ("a, *b = c", "(= (tuple a (* b)) c)"),
        ("*a, = b", "(= (tuple (* a)) b)"),
        ("(a, b), c = d", "(= (tuple (tuple a b) c) d)"),
        ("x = 1,", "(= x (tuple 1))"),
        ("x = *a, b", "(= x (tuple (* a) b))"),
        ("a.b = c[d] = e[1:2] = 0", "(= (. a b) ([] c d) ([] e (slice 1 2 _)) 0)"),
        ("x = yield", "(= x (yield))"),
        ("x = yield y", "(= x (yield y))"),
        ("x = yield from y", "(= x (yield-from y))"),
        ("x += 1", "(+= x 1)"),
        ("x.y **= 2", "(**= (. x y) 2)"),
        ("x[0] //= 2", "(//= ([] x 0) 2)"),
        ("x >>= 1; x <<= 1; x @= m", "(>>= x 1)\n(<<= x 1)\n(@= x m)"),
        (
            "x -= 1; x *= 1; x /= 1; x %= 1; x &= 1; x |= 1; x ^= 1",
            "(-= x 1)\n(*= x 1)\n(/= x 1)\n(%= x 1)\n(&= x 1)\n(|= x 1)\n(^= x 1)",
        ),
        ("x: int", "(ann x int _)"),
        ("x: int = 1", "(ann x int 1)"),
        ("x: int = 1, 2", "(ann x int (tuple 1 2))"),
        ("a.b: List[int] = []", "(ann (. a b) ([] List int) (list))"),
        ("(x): int", "(ann x int _)"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn simple_statements() {
    let cases = [
        ("pass; break; continue", "pass\nbreak\ncontinue"),
        ("a = 1; b = 2;", "(= a 1)\n(= b 2)"),
        ("return", "(return _)"),
        ("return 1, 2", "(return (tuple 1 2))"),
        ("return *a, b", "(return (tuple (* a) b))"),
        ("yield", "(yield)"),
        ("yield 1, 2", "(yield (tuple 1 2))"),
        ("yield from x", "(yield-from x)"),
        ("raise", "(raise _ _)"),
        ("raise X", "(raise X _)"),
        ("raise X from Y", "(raise X Y)"),
        ("global a, b", "(global a b)"),
        ("nonlocal a", "(nonlocal a)"),
        ("del a", "(del a)"),
        ("del a, b", "(del a b)"),
        ("del a,", "(del a)"),
        ("del (a, b)", "(del (tuple a b))"),
        ("del a[0], b.c", "(del ([] a 0) (. b c))"),
        ("assert x", "(assert x _)"),
        ("assert x, 'm'", "(assert x \"m\")"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn imports() {
    let cases = [
        ("import a", "(import a)"),
        ("import a.b.c as d, e", "(import a.b.c as d e)"),
        ("from a import b", "(from a import b)"),
        ("from a.b import c as d, e", "(from a.b import c as d e)"),
        ("from . import x", "(from . import x)"),
        ("from .. import x", "(from .. import x)"),
        ("from ...a import b", "(from ...a import b)"),
        ("from .... import b", "(from .... import b)"),
        ("from .a.b import c", "(from .a.b import c)"),
        ("from x import *", "(from x import)"),
        ("from x import (a, b,)", "(from x import a b)"),
        ("from x import (a as b)", "(from x import a as b)"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn compound_statements() {
    let cases = [
        ("if a: b", "(if a [b] [])"),
        ("if a:\n    b\n    c\n", "(if a [b; c] [])"),
        ("if a: b\nelse: c", "(if a [b] [c])"),
        (
            "if a:\n  b\nelif c:\n  d\nelif e:\n  f\nelse:\n  g\n",
            "(if a [b] [(if c [d] [(if e [f] [g])])])",
        ),
        ("if (n := 10) > 5: pass", "(if (cmp (:= n 10) Gt 5) [pass] [])"),
        ("while x: y\nelse: z", "(while x [y] [z])"),
        ("while x := f(): pass", "(while (:= x (call f)) [pass] [])"),
        ("for x in y: pass", "(for x y [pass] [])"),
        ("for a, b in x: pass\nelse: pass", "(for (tuple a b) x [pass] [pass])"),
        ("for x, in y: pass", "(for (tuple x) y [pass] [])"),
        ("for x in 1, 2: pass", "(for x (tuple 1 2) [pass] [])"),
        ("for a.b, c[0] in x: pass", "(for (tuple (. a b) ([] c 0)) x [pass] [])"),
        ("try:\n  a\nexcept:\n  b\n", "(try [a] (except _ _ [b]) [] [])"),
        (
            "try: a\nexcept E as e: b\nexcept (F, G): c\nelse: d\nfinally: e",
            "(try [a] (except E e [b]) (except (tuple F G) _ [c]) [d] [e])",
        ),
        ("try: a\nfinally: b", "(try [a] [] [b])"),
        ("with a: pass", "(with (a _) [pass])"),
        ("with a as b, c as (d, e): pass", "(with (a b) (c (tuple d e)) [pass])"),
        ("with (a as b, c): pass", "(with (a b) (c _) [pass])"),
        ("with (a, b,): pass", "(with (a _) (b _) [pass])"),
        ("with (a, b) as c: pass", "(with ((tuple a b) c) [pass])"),
        ("with (a): pass", "(with (a _) [pass])"),
        ("with (a) as b, c: pass", "(with (a b) (c _) [pass])"),
        ("with (a)(): pass", "(with ((call a) _) [pass])"),
        ("with (): pass", "(with ((tuple) _) [pass])"),
        ("with open(f) as g: pass", "(with ((call open f) g) [pass])"),
        ("with (yield): pass", "(with ((yield) _) [pass])"),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn function_and_class_definitions() {
    let cases = [
        ("def f(): pass", "(def f [] -> _ [pass])"),
        ("async def f(): pass", "(async def f [] -> _ [pass])"),
        ("@d\nasync def f(): pass", "(async def @d f [] -> _ [pass])"),
        (
            "async def f():\n async for x in y: pass",
            "(async def f [] -> _ [(async for x y [pass] [])])",
        ),
        (
            "async def f():\n async with a as b: pass",
            "(async def f [] -> _ [(async with (a b) [pass])])",
        ),
        (
            "def f(a, b=1, *args, c, d=2, **kw): pass",
            "(def f [a b=1 *args c d=2 **kw] -> _ [pass])",
        ),
        ("def f(a, /, b, *, c): pass", "(def f [a / b * c] -> _ [pass])"),
        ("def f(a=1, /, b=2, *, c): pass", "(def f [a=1 / b=2 * c] -> _ [pass])"),
        ("def f(*, a=1, b): pass", "(def f [* a=1 b] -> _ [pass])"),
        (
            "def f(a: int = 1, *b: str, **c: dict) -> None: pass",
            "(def f [a:int=1 *b:str **c:dict] -> None [pass])",
        ),
        ("def f(a,): pass", "(def f [a] -> _ [pass])"),
        ("def f(**k,): pass", "(def f [**k] -> _ [pass])"),
        ("@d\ndef f(): pass", "(def @d f [] -> _ [pass])"),
        (
            "@a.b(c)\n@d\ndef f():\n    return 1\n",
            "(def @(call (. a b) c) @d f [] -> _ [(return 1)])",
        ),
        ("class A: pass", "(class A [pass])"),
        ("class A(): pass", "(class A [pass])"),
        (
            "class A(B, C, metaclass=M, **kw): pass",
            "(class A B C metaclass=M **=kw [pass])",
        ),
        ("class A(*bases): pass", "(class A (* bases) [pass])"),
        (
            "@dec\nclass A:\n    x = 1\n    def m(self): pass\n",
            "(class @dec A [(= x 1); (def m [self] -> _ [pass])])",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(p(src), want, "{src}");
    }
}

#[test]
fn layout() {
    assert_eq!(p(""), "");
    assert_eq!(p("\n\n# comment\n   \n"), "");
    assert_eq!(p("x"), "x");
    assert_eq!(p("x = (1,\n  2)\ny = [\n3]"), "(= x (tuple 1 2))\n(= y (list 3))");
    assert_eq!(p("x = 1 + \\\n 2\n"), "(= x (+ 1 2))");
    assert_eq!(p("if a:\r\n  b\r\nc\r\n"), "(if a [b] [])\nc");
    assert_eq!(p("if a:\n\tb\n\tc\n"), "(if a [b; c] [])");
    assert_eq!(p("\u{FEFF}x"), "x");
    assert_eq!(
        p("def f():\n  if x:\n    pass\n  # c\n\n  return\n"),
        "(def f [] -> _ [(if x [pass] []); (return _)])"
    );
    assert_eq!(p("if a:\n  if b:\n    c\nd"), "(if a [(if b [c] [])] [])\nd");
}

#[test]
fn spans() {
    let src = "x = 1\nif a:\n    b = (c + d)\n    e\nf(g)  # c\n@d\ndef h(): pass\n";
    let m = parse_module(src).unwrap_or_else(|e| panic!("{e}"));
    let text = |s: Span| &src[s.start as usize..s.end as usize];
    assert_eq!(text(m.body[0].span), "x = 1");
    assert_eq!(text(m.body[1].span), "if a:\n    b = (c + d)\n    e");
    assert_eq!(text(m.body[2].span), "f(g)");
    assert_eq!(text(m.body[3].span), "def h(): pass");
    let StmtKind::If { body, .. } = &m.body[1].kind else {
        panic!()
    };
    let StmtKind::Assign { value, targets } = &body[0].kind else {
        panic!()
    };
    assert_eq!(text(value.span), "c + d");
    assert_eq!(text(targets[0].span), "b");
    let m = parse_module("f(x for x in y)").unwrap_or_else(|e| panic!("{e}"));
    let StmtKind::Expr(Expr {
        kind: ExprKind::Call { args, .. },
        ..
    }) = &m.body[0].kind
    else {
        panic!()
    };
    assert_eq!(args[0].span, Span::new(1, 15));
}

// ---------------------------------------------------------------- errors

#[test]
fn error_messages() {
    let cases = [
        (
            "1 = x",
            "cannot assign to literal here. Maybe you meant '==' instead of '='?",
        ),
        (
            "f() = 1",
            "cannot assign to function call here. Maybe you meant '==' instead of '='?",
        ),
        (
            "a + b = 1",
            "cannot assign to expression here. Maybe you meant '==' instead of '='?",
        ),
        (
            "... = 1",
            "cannot assign to ellipsis here. Maybe you meant '==' instead of '='?",
        ),
        (
            "(a if b else c) = 1",
            "cannot assign to conditional expression here. Maybe you meant '==' instead of '='?",
        ),
        ("a if b else c = 1", "cannot assign to conditional expression"),
        ("f() = a = 1", "cannot assign to function call"),
        ("not a = 1", "cannot assign to expression"),
        ("a < b = 1", "cannot assign to comparison"),
        ("lambda: 1 = x", "cannot assign to lambda"),
        ("None = 1", "cannot assign to None"),
        ("True = 1", "cannot assign to True"),
        ("__debug__ = 1", "cannot assign to __debug__"),
        ("(a, 1) = x", "cannot assign to literal"),
        ("for 1 in x: pass", "cannot assign to literal"),
        ("with x as 1: pass", "cannot assign to literal"),
        ("with a as (b, f()): pass", "cannot assign to function call"),
        ("[x for 1 in y]", "cannot assign to literal"),
        (
            "f() += 1",
            "'function call' is an illegal expression for augmented assignment",
        ),
        (
            "(a, b) += 1",
            "'tuple' is an illegal expression for augmented assignment",
        ),
        ("del f()", "cannot delete function call"),
        ("del a + b", "cannot delete expression"),
        ("del *a", "cannot delete starred"),
        ("del (a, *b)", "cannot delete starred"),
        ("[a]: int", "only single target (not list) can be annotated"),
        ("(a, b): int", "only single target (not tuple) can be annotated"),
        ("f(): int", "illegal target for annotation"),
        ("(a.b := 1)", "cannot use assignment expressions with attribute"),
        ("*a = 1", "starred assignment target must be in a list or tuple"),
        (
            "for *a in b: pass",
            "starred assignment target must be in a list or tuple",
        ),
        ("a, *b, *c = x", "multiple starred expressions in assignment"),
        ("*a", "can't use starred expression here"),
        ("x = *a", "can't use starred expression here"),
        ("return *a", "can't use starred expression here"),
        ("x = (*a)", "cannot use starred expression here"),
        ("x = yield = 1", "assignment to yield expression not possible"),
        ("yield = 1", "assignment to yield expression not possible"),
        ("f(x=1, x=2)", "keyword argument repeated: x"),
        ("f(x=1, 2)", "positional argument follows keyword argument"),
        (
            "f(**k, *a)",
            "iterable argument unpacking follows keyword argument unpacking",
        ),
        ("f(**k, b)", "positional argument follows keyword argument unpacking"),
        ("f(x for x in y, 1)", "Generator expression must be parenthesized"),
        ("f(x for x in y,)", "Generator expression must be parenthesized"),
        (
            "f(a.b=1)",
            "expression cannot contain assignment, perhaps you meant \"==\"?",
        ),
        ("f(True=1)", "cannot assign to True"),
        ("def f(a=1, b): pass", "non-default argument follows default argument"),
        (
            "def f(a=1, /, b): pass",
            "non-default argument follows default argument",
        ),
        ("def f(a, a): pass", "duplicate argument 'a' in function definition"),
        ("lambda a, *a: 0", "duplicate argument 'a' in function definition"),
        ("def f(*): pass", "named arguments must follow bare *"),
        ("def f(*, **k): pass", "named arguments must follow bare *"),
        ("def f(**k, a): pass", "arguments cannot follow var-keyword argument"),
        ("def f(/, a): pass", "at least one argument must precede /"),
        ("def f(a, /, b, /): pass", "/ may appear only once"),
        ("def f(*, a, /): pass", "/ must be ahead of *"),
        ("def f(*a, *b): pass", "* argument may appear only once"),
        (
            "from x import a,",
            "trailing comma not allowed without surrounding parentheses",
        ),
        ("x := 1", "invalid syntax"),
        ("a = 1; b = 2;;", "invalid syntax"),
        ("import a.b as c.d", "invalid syntax"),
        ("a $ b", "invalid syntax"),
        ("a ? b", "invalid syntax"),
        ("a ! b", "invalid syntax"),
        ("except: pass", "invalid syntax"),
        ("class A(x for x in y): pass", "invalid syntax"),
        ("if x\n  pass", "expected ':'"),
        ("def f()\n", "expected ':'"),
        ("try:\n  pass\n", "expected 'except' or 'finally' block"),
        ("x = 'abc\n", "unterminated string literal (detected at line 1)"),
        (
            "x = '''abc\n\n",
            "unterminated triple-quoted string literal (detected at line 2)",
        ),
        ("foo(\nx = 1\ny = 2\n", "'(' was never closed"),
        ("foo(1\nx = 2\n", "'(' was never closed"),
        (
            "x = 1 +\ny = 'abc\n",
            "unterminated string literal (detected at line 2)",
        ),
        ("(]", "closing parenthesis ']' does not match opening parenthesis '('"),
        (")", "unmatched ')'"),
        ("a = €", "invalid character '€' (U+20AC)"),
        ("\\", "unexpected EOF while parsing"),
        ("x = 1 \\ y", "unexpected character after line continuation character"),
        (
            "x = 0777",
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
        ),
        ("x = 1abc", "invalid decimal literal"),
        ("x\0", "source code cannot contain null bytes"),
        ("1 = x\ny = 'abc\n", "unterminated string literal (detected at line 2)"),
        (
            "f(x=1, x=2)\ny = 'abc",
            "unterminated string literal (detected at line 2)",
        ),
        ("if x:\npass\n)", "unmatched ')'"),
        ("x = 1 if 2", "expected 'else' after 'if' expression"),
        ("a = [1, 42 if True, 4]", "expected 'else' after 'if' expression"),
        ("print(1 if 2: 3)", "invalid syntax"),
        ("[1, 2 3]", "invalid syntax. Perhaps you forgot a comma?"),
        ("f(a b)", "invalid syntax. Perhaps you forgot a comma?"),
        ("{1: 2, 3: 4 5: 6}", "invalid syntax. Perhaps you forgot a comma?"),
        ("f(print 'x')", "invalid syntax"),
        (
            "if x = 3: pass",
            "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
        ),
        ("[z=3]", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?"),
        (
            "while x.a = 3: pass",
            "cannot assign to attribute here. Maybe you meant '==' instead of '='?",
        ),
        (
            "[x, y for x, y in z]",
            "did you forget parentheses around the comprehension target?",
        ),
        ("f(a={x: for x in {}})", "invalid syntax"),
        ("def f: pass", "expected '('"),
        (
            "f((x)=2)",
            "expression cannot contain assignment, perhaps you meant \"==\"?",
        ),
        ("def f(*a=1): pass", "var-positional argument cannot have default value"),
        ("lambda **a=1: 0", "var-keyword argument cannot have default value"),
        (
            "try: pass\nexcept A, B: pass",
            "multiple exception types must be parenthesized",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(msg(src), want, "{src:?}");
    }
}

#[test]
fn error_positions() {
    let at = |src: &str| err(src).offset;
    assert_eq!(at("x = (1 2)"), 7);
    assert_eq!(at("(a, 1) = x"), 4);
    assert_eq!(at("x = 'abc"), 4);
    assert_eq!(at("foo(1\nx = 2\n"), 3);
    assert_eq!(at("f(x=1, x=2)"), 7);
    assert_eq!(at("a $ b"), 2);
}

#[test]
fn indentation_errors() {
    let cases = [
        ("a\n  b\n", "unexpected indent"),
        ("  a\n", "unexpected indent"),
        (
            "if x:\n    a\n  b\n",
            "unindent does not match any outer indentation level",
        ),
        (
            "if x:\npass\n",
            "expected an indented block after 'if' statement on line 1",
        ),
        (
            "if x:\n  pass\nelif y:\npass\n",
            "expected an indented block after 'elif' statement on line 3",
        ),
        (
            "def f():\nx\n",
            "expected an indented block after function definition on line 1",
        ),
        (
            "class A:\n",
            "expected an indented block after class definition on line 1",
        ),
        (
            "for x in y:\n",
            "expected an indented block after 'for' statement on line 1",
        ),
        (
            "while x:\n# c\n\n",
            "expected an indented block after 'while' statement on line 1",
        ),
        (
            "if x:\n    pass\nelse:\nx",
            "expected an indented block after 'else' statement on line 3",
        ),
        ("try:\nx", "expected an indented block after 'try' statement on line 1"),
        (
            "try:\n x\nexcept:\nx",
            "expected an indented block after 'except' statement on line 3",
        ),
        (
            "with a:\nx",
            "expected an indented block after 'with' statement on line 1",
        ),
        (
            "def f():\n  if x:\n  y",
            "expected an indented block after 'if' statement on line 2",
        ),
    ];
    for (src, want) in cases {
        let e = err(src);
        assert_eq!(
            (e.kind, e.msg.as_str()),
            (SyntaxErrorKind::IndentationError, want),
            "{src:?}"
        );
    }
    assert_eq!(err("if x:\n\tpass\n        pass\n").kind, SyntaxErrorKind::TabError);
    let ok: String = (0..99).map(|i| format!("{}if x:\n", " ".repeat(i))).collect();
    assert!(parse_module(&format!("{ok}{}pass\n", " ".repeat(99))).is_ok());
    assert_eq!(
        msg(&format!("{ok}{}if x:\n{}pass\n", " ".repeat(99), " ".repeat(100))),
        "too many levels of indentation"
    );
}

// ---------------------------------------------------------------- robustness

/// A tiny xorshift generator, so the test needs no crate and is reproducible.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_input_never_panics() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let alphabet: Vec<char> = "abc xyz019_ \t\n\r\x0C\\'\"#()[]{}:;,.=+-*/%@<>!&|^~$?`frbuFRBU\u{e9}\u{20ac}\u{3bb}"
        .chars()
        .collect();
    for i in 0..3000 {
        let len = (rng.next() % 64) as usize;
        let src: String = if i % 2 == 0 {
            // Arbitrary bytes, made valid UTF-8 the way a caller would.
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            (0..len)
                .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
                .collect()
        };
        let _ = parse_module(&src);
    }
}

#[test]
fn pathological_nesting_is_an_error_not_a_crash() {
    // The brief's worst case is 100,000 unary minus signs; other shapes use 20,000 to keep the
    // test quick in debug builds (the limits trip at a few hundred or thousand anyway).
    let n = 20_000;
    let deep = [
        format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}1{}", "[".repeat(250), "]".repeat(250)),
        format!("{}x", "-".repeat(100_000)),
        format!("{}x", "not ".repeat(n)),
        format!("{}x", "lambda: ".repeat(n)),
        format!("x{}", ".a".repeat(n)),
        format!("x{}", "()".repeat(n)),
        format!("x{}", "[0]".repeat(n)),
        vec!["1"; n].join("+"),
        vec!["2"; n].join("**"),
        format!("{}c", "a if b else ".repeat(n)),
        format!("x = {}1", "y = ".repeat(10)),
    ];
    for src in &deep[..deep.len() - 1] {
        let e = err(src);
        assert!(e.msg.starts_with("too many nested"), "{}: {}", &src[..20], e.msg);
    }
    assert!(parse_module(&deep[deep.len() - 1]).is_ok());
    // `await await x` is not Python at all.
    assert_eq!(msg(&format!("{}x", "await ".repeat(100_000))), "invalid syntax");
    // Just under the limits parses.
    assert!(parse_module(&format!("{}1{}", "(".repeat(200), ")".repeat(200))).is_ok());
    assert!(parse_module(&format!("{}x", "-".repeat(MAX_DEPTH - 1))).is_ok());
    assert!(parse_module(&vec!["1"; MAX_DEPTH].join("+")).is_ok());
    // Long `elif` chains nest too.
    let chain = |n: usize| format!("if x: pass\n{}", "elif x: pass\n".repeat(n));
    assert!(parse_module(&chain(super::MAX_STMT_DEPTH - 1)).is_ok());
    assert_eq!(msg(&chain(super::MAX_STMT_DEPTH)), "too many nested statements");
    assert_eq!(msg(&chain(n)), "too many nested statements");
    // Long but shallow input is fine.
    let wide = format!("x = [{}]", vec!["-1"; 50_000].join(", "));
    assert!(parse_module(&wide).is_ok());
}

const MAX_DEPTH: usize = super::MAX_EXPR_DEPTH;

/// The deepest trees the parser accepts must still be safe to drop (and so to walk
/// recursively) on a test thread's 2 MiB stack.
#[test]
fn deepest_accepted_tree_drops_safely() {
    let expr = format!("{}x", "-".repeat(MAX_DEPTH - 1));
    let src = format!(
        "if x: pass\n{}else:\n    y = {expr}\n",
        "elif x: pass\n".repeat(super::MAX_STMT_DEPTH - 2)
    );
    let module = parse_module(&src);
    assert!(module.is_ok());
    drop(module);
}
