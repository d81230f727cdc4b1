//! Helpers called from the grammar's actions: node construction with a nesting limit, the
//! checks CPython's grammar makes on assignment targets, call arguments and parameter lists,
//! and building compound statements.

use super::ast::*;
use super::error::SyntaxError;
use super::strings::{self, StrLit};

/// Deepest nesting of statements the parser builds; an `elif` counts as a level, since it
/// nests in the `orelse` of the `if` before it. CPython gives up at a few thousand.
pub const MAX_STMT_DEPTH: usize = 1000;

/// Deepest expression tree the parser builds. Every later pass over the AST (and dropping it)
/// recurses, so the parser refuses deeper input instead of letting those passes overflow the
/// stack. CPython itself gives up somewhere between 1,000 and 10,000 levels.
pub const MAX_EXPR_DEPTH: usize = 1000;

/// What the grammar's start symbol produces, depending on the marker token in front.
pub enum Top {
    Module(Vec<Stmt>),
    Expr(Expr),
}

type Res<T> = Result<T, SyntaxError>;

fn error_at(msg: impl Into<String>, span: Span) -> SyntaxError {
    SyntaxError::new(msg, span.start as usize).with_end(span.end as usize)
}

pub fn leaf(kind: ExprKind, l: usize, r: usize) -> Expr {
    Expr {
        span: Span::new(l, r),
        kind,
    }
}

/// Builds an expression node, refusing trees deeper than [`MAX_EXPR_DEPTH`].
pub fn node(kind: ExprKind, l: usize, r: usize) -> Res<Expr> {
    let e = leaf(kind, l, r);
    if too_deep(&e) {
        return Err(SyntaxError::new("too many nested expressions", l).with_end(r));
    }
    Ok(e)
}

pub fn stmt(kind: StmtKind, l: usize, r: usize) -> Stmt {
    Stmt {
        span: Span::new(l, r),
        kind,
    }
}

/// Builds a statement with a body, refusing nesting deeper than [`MAX_STMT_DEPTH`].
pub fn compound(kind: StmtKind, l: usize, r: usize) -> Res<Stmt> {
    let s = stmt(kind, l, r);
    let mut stack = vec![(&s, 1)];
    while let Some((s, depth)) = stack.pop() {
        let (bodies, handlers): ([&[Stmt]; 3], &[ExceptHandler]) = match &s.kind {
            StmtKind::If { body, orelse, .. }
            | StmtKind::While { body, orelse, .. }
            | StmtKind::For { body, orelse, .. } => ([body, orelse, &[]], &[]),
            StmtKind::With { body, .. } => ([body, &[], &[]], &[]),
            StmtKind::FunctionDef(f) => ([&f.body, &[], &[]], &[]),
            StmtKind::ClassDef(c) => ([&c.body, &[], &[]], &[]),
            StmtKind::Try(t) => ([&t.body, &t.orelse, &t.finalbody], &t.handlers),
            StmtKind::Match { cases, .. } => {
                if depth > MAX_STMT_DEPTH {
                    return Err(SyntaxError::new("too many nested statements", l));
                }
                stack.extend(cases.iter().flat_map(|c| &c.body).map(|child| (child, depth + 1)));
                continue;
            }
            _ => continue,
        };
        if depth > MAX_STMT_DEPTH {
            return Err(SyntaxError::new("too many nested statements", l));
        }
        let children = bodies.into_iter().chain(handlers.iter().map(|h| h.body.as_slice()));
        stack.extend(children.flatten().map(|child| (child, depth + 1)));
    }
    Ok(s)
}

/// Whether `e` is more than [`MAX_EXPR_DEPTH`] levels deep. Iterative, and it only has to look
/// [`MAX_EXPR_DEPTH`] levels down, so checking every new node costs little for real code.
fn too_deep(e: &Expr) -> bool {
    let mut stack = vec![(e, 1)];
    while let Some((e, depth)) = stack.pop() {
        if depth > MAX_EXPR_DEPTH {
            return true;
        }
        for_each_child(e, &mut |child| stack.push((child, depth + 1)));
    }
    false
}

fn for_each_child<'a>(e: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Constant(_) => {}
        ExprKind::JoinedStr(parts) => fstring_children(parts, f),
        ExprKind::Tuple(v) | ExprKind::List(v) | ExprKind::Set(v) => v.iter().for_each(f),
        ExprKind::BoolOp { values, .. } => values.iter().for_each(f),
        ExprKind::Dict(items) => {
            for (k, v) in items {
                k.iter().for_each(&mut *f);
                f(v);
            }
        }
        ExprKind::Starred(v)
        | ExprKind::UnaryOp { operand: v, .. }
        | ExprKind::Await(v)
        | ExprKind::YieldFrom(v)
        | ExprKind::Attribute { value: v, .. } => f(v),
        ExprKind::Yield(v) => v.iter().for_each(|v| f(v)),
        ExprKind::BinOp { left, right, .. } => {
            f(left);
            f(right);
        }
        ExprKind::Compare { left, comparators, .. } => {
            f(left);
            comparators.iter().for_each(f);
        }
        ExprKind::Call { func, args, keywords } => {
            f(func);
            args.iter().for_each(&mut *f);
            keywords.iter().for_each(|k| f(&k.value));
        }
        ExprKind::Subscript { value, index } => {
            f(value);
            f(index);
        }
        ExprKind::Slice { lower, upper, step } => {
            [lower, upper, step].into_iter().flatten().for_each(|v| f(v));
        }
        ExprKind::IfExp { test, body, orelse } => {
            f(test);
            f(body);
            f(orelse);
        }
        ExprKind::Lambda { params, body } => {
            let p = params;
            let all = p.args.iter().chain(&p.vararg).chain(&p.kwonly).chain(&p.kwarg);
            all.filter_map(|p| p.default.as_ref()).for_each(&mut *f);
            f(body);
        }
        ExprKind::ListComp { elt, generators }
        | ExprKind::SetComp { elt, generators }
        | ExprKind::GeneratorExp { elt, generators } => {
            f(elt);
            comprehension_children(generators, f);
        }
        ExprKind::DictComp { key, value, generators } => {
            f(key);
            f(value);
            comprehension_children(generators, f);
        }
        ExprKind::NamedExpr { target, value } => {
            f(target);
            f(value);
        }
    }
}

fn fstring_children<'a>(parts: &'a [FStringPart], f: &mut impl FnMut(&'a Expr)) {
    for part in parts {
        if let FStringPart::Formatted { value, format_spec, .. } = part {
            f(value);
            if let Some(spec) = format_spec {
                fstring_children(spec, f);
            }
        }
    }
}

fn comprehension_children<'a>(generators: &'a [Comprehension], f: &mut impl FnMut(&'a Expr)) {
    for g in generators {
        f(&g.target);
        f(&g.iter);
        g.ifs.iter().for_each(&mut *f);
    }
}

/// CPython's name for an expression kind in messages ("cannot assign to function call").
fn describe(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Name(_) => "name",
        ExprKind::Constant(Constant::None) => "None",
        ExprKind::Constant(Constant::True) => "True",
        ExprKind::Constant(Constant::False) => "False",
        ExprKind::Constant(Constant::Ellipsis) => "ellipsis",
        ExprKind::Constant(_) => "literal",
        ExprKind::JoinedStr(_) => "f-string expression",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::List(_) => "list",
        ExprKind::Set(_) => "set display",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Starred(_) => "starred",
        ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } | ExprKind::BoolOp { .. } => "expression",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::Call { .. } => "function call",
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Slice { .. } => "slice",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::Await(_) => "await expression",
        ExprKind::NamedExpr { .. } => "named expression",
    }
}

/// Where an expression is used as a target: the wording of errors differs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Store,
    Del,
}

/// Checks that `e` can be assigned to (or deleted).
pub fn check_target(e: &Expr, ctx: Target) -> Res<()> {
    match &e.kind {
        ExprKind::Name(n) if n == "__debug__" => {
            let verb = if ctx == Target::Del { "delete" } else { "assign to" };
            Err(error_at(format!("cannot {verb} __debug__"), e.span))
        }
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
        ExprKind::Tuple(elts) | ExprKind::List(elts) => {
            let starred = elts.iter().filter(|e| matches!(e.kind, ExprKind::Starred(_)));
            if ctx == Target::Store && starred.count() > 1 {
                return Err(error_at("multiple starred expressions in assignment", e.span));
            }
            for elt in elts {
                match (&elt.kind, ctx) {
                    (ExprKind::Starred(_), Target::Del) => {
                        return Err(error_at("cannot delete starred", elt.span));
                    }
                    (ExprKind::Starred(inner), Target::Store) => check_target(inner, ctx)?,
                    _ => check_target(elt, ctx)?,
                }
            }
            Ok(())
        }
        ExprKind::Starred(_) if ctx == Target::Del => Err(error_at("cannot delete starred", e.span)),
        ExprKind::Starred(_) => Err(error_at("starred assignment target must be in a list or tuple", e.span)),
        _ => {
            let verb = if ctx == Target::Del { "delete" } else { "assign to" };
            Err(error_at(format!("cannot {verb} {}", describe(e)), e.span))
        }
    }
}

/// A lone `*x` (not inside a tuple) is only allowed as part of a display, call or target.
pub fn no_bare_star(e: Expr) -> Res<Expr> {
    if let ExprKind::Starred(_) = e.kind {
        return Err(error_at("can't use starred expression here", e.span));
    }
    Ok(e)
}

/// `a`, `a,` or `a, b`: a tuple when there is a comma.
pub fn tuple_or_single((mut items, trailing): (Vec<Expr>, bool), l: usize, r: usize) -> Res<Expr> {
    if items.len() == 1 && !trailing {
        return Ok(items.remove(0));
    }
    node(ExprKind::Tuple(items), l, r)
}

/// The index of a subscript: like [`tuple_or_single`], but `a[*b]` indexes with a tuple.
pub fn subscript_index(items: (Vec<Expr>, bool), l: usize, r: usize) -> Res<Expr> {
    let starred = matches!(
        items.0.as_slice(),
        [Expr {
            kind: ExprKind::Starred(_),
            ..
        }]
    );
    tuple_or_single((items.0, items.1 || starred), l, r)
}

pub fn expr_stmt(e: Expr, l: usize, r: usize) -> Res<Stmt> {
    Ok(stmt(StmtKind::Expr(no_bare_star(e)?), l, r))
}

/// `t1 = t2 = value`: `exprs` holds every side, the value last.
pub fn assign(mut exprs: Vec<Expr>, l: usize, r: usize) -> Res<Stmt> {
    let value = exprs.pop().ok_or_else(|| SyntaxError::new("invalid syntax", l))?;
    let value = no_bare_star(value)?;
    for target in &exprs {
        if exprs.len() == 1 && suggests_comparison(target, &value, l) {
            let msg = format!(
                "cannot assign to {} here. Maybe you meant '==' instead of '='?",
                describe(target)
            );
            return Err(error_at(msg, target.span));
        }
        if matches!(target.kind, ExprKind::Yield(_) | ExprKind::YieldFrom(_)) {
            return Err(error_at("assignment to yield expression not possible", target.span));
        }
        check_target(target, Target::Store)?;
    }
    Ok(stmt(StmtKind::Assign { targets: exprs, value }, l, r))
}

/// CPython adds "Maybe you meant '=='" when the invalid target is an operand-level expression
/// (or parenthesised: it then starts after the statement does) compared with a plain value.
fn suggests_comparison(target: &Expr, value: &Expr, stmt_start: usize) -> bool {
    let parenthesised = target.span.start as usize > stmt_start;
    let operand_level = match &target.kind {
        ExprKind::Name(_)
        | ExprKind::Attribute { .. }
        | ExprKind::Subscript { .. }
        | ExprKind::Tuple(_)
        | ExprKind::List(_)
        | ExprKind::Starred(_)
        | ExprKind::GeneratorExp { .. }
        | ExprKind::Constant(Constant::None | Constant::True | Constant::False) => return false,
        ExprKind::Compare { .. }
        | ExprKind::BoolOp { .. }
        | ExprKind::UnaryOp { op: UnaryOp::Not, .. }
        | ExprKind::IfExp { .. }
        | ExprKind::Lambda { .. }
        | ExprKind::Yield(_)
        | ExprKind::YieldFrom(_) => parenthesised,
        _ => true,
    };
    operand_level && !matches!(value.kind, ExprKind::Yield(_) | ExprKind::YieldFrom(_))
}

pub fn aug_assign(target: Expr, op: BinOp, value: Expr, l: usize, r: usize) -> Res<Stmt> {
    if !matches!(
        target.kind,
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. }
    ) {
        let msg = format!(
            "'{}' is an illegal expression for augmented assignment",
            describe(&target)
        );
        return Err(error_at(msg, target.span));
    }
    check_target(&target, Target::Store)?;
    let value = no_bare_star(value)?;
    Ok(stmt(StmtKind::AugAssign { target, op, value }, l, r))
}

pub fn ann_assign(target: Expr, annotation: Expr, value: Option<Expr>, l: usize, r: usize) -> Res<Stmt> {
    let msg = match &target.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => None,
        ExprKind::Tuple(_) => Some("only single target (not tuple) can be annotated"),
        ExprKind::List(_) => Some("only single target (not list) can be annotated"),
        _ => Some("illegal target for annotation"),
    };
    if let Some(msg) = msg {
        return Err(error_at(msg, target.span));
    }
    check_target(&target, Target::Store)?;
    let value = value.map(no_bare_star).transpose()?;
    Ok(stmt(
        StmtKind::AnnAssign {
            target,
            annotation,
            value,
        },
        l,
        r,
    ))
}

/// `del a, b` deletes two targets; `del (a, b)` one tuple, as in CPython's AST.
pub fn delete((targets, _): (Vec<Expr>, bool), l: usize, r: usize) -> Res<Stmt> {
    for t in &targets {
        check_target(t, Target::Del)?;
    }
    Ok(stmt(StmtKind::Delete(targets), l, r))
}

pub fn named_expr(target: Expr, value: Expr, l: usize, r: usize) -> Res<Expr> {
    if !matches!(target.kind, ExprKind::Name(_)) {
        let msg = format!("cannot use assignment expressions with {}", describe(&target));
        return Err(error_at(msg, target.span));
    }
    node(
        ExprKind::NamedExpr {
            target: Box::new(target),
            value: Box::new(value),
        },
        l,
        r,
    )
}

pub fn bin(left: Expr, op: BinOp, right: Expr, l: usize, r: usize) -> Res<Expr> {
    node(
        ExprKind::BinOp {
            left: Box::new(left),
            op,
            right: Box::new(right),
        },
        l,
        r,
    )
}

pub fn unary(op: UnaryOp, operand: Expr, l: usize, r: usize) -> Res<Expr> {
    node(
        ExprKind::UnaryOp {
            op,
            operand: Box::new(operand),
        },
        l,
        r,
    )
}

pub fn bool_op(op: BoolOp, first: Expr, rest: Vec<Expr>, l: usize, r: usize) -> Res<Expr> {
    let mut values = vec![first];
    values.extend(rest);
    node(ExprKind::BoolOp { op, values }, l, r)
}

pub fn compare(left: Expr, rest: Vec<(CmpOp, Expr)>, l: usize, r: usize) -> Res<Expr> {
    let (ops, comparators) = rest.into_iter().unzip();
    node(
        ExprKind::Compare {
            left: Box::new(left),
            ops,
            comparators,
        },
        l,
        r,
    )
}

pub fn strings(pieces: Vec<(usize, StrLit, usize)>, l: usize, r: usize) -> Res<Expr> {
    let kind = match strings::concat(pieces)? {
        StrLit::Str(s) => ExprKind::Constant(Constant::Str(s)),
        StrLit::Bytes(b) => ExprKind::Constant(Constant::Bytes(b)),
        StrLit::F(parts) => ExprKind::JoinedStr(parts),
    };
    node(kind, l, r)
}

/// A comprehension's `for` clause; the target is checked like an assignment target.
pub fn comprehension(target: Expr, iter: Expr, ifs: Vec<Expr>, is_async: bool) -> Res<Comprehension> {
    check_target(&target, Target::Store)?;
    Ok(Comprehension {
        target,
        iter,
        ifs,
        is_async,
    })
}

/// One argument of a call or class definition, as written.
pub enum Arg {
    Positional(Expr),
    /// `f(x for x in y)`: a generator expression without its own parentheses.
    Generator(Expr),
    Starred(Expr),
    Keyword(Keyword),
    DoubleStarred(Keyword),
}

pub fn keyword_arg(name: Expr, value: Expr, l: usize, r: usize) -> Res<Arg> {
    // `f((x)=1)` is rejected like any other expression before `=`.
    let parenthesised = name.span.start as usize != l;
    match name.kind {
        ExprKind::Name(arg) if !parenthesised => Ok(Arg::Keyword(Keyword {
            span: Span::new(l, r),
            arg: Some(arg),
            value,
        })),
        ExprKind::Constant(Constant::None | Constant::True | Constant::False) => {
            Err(error_at(format!("cannot assign to {}", describe(&name)), name.span))
        }
        _ => Err(error_at(
            "expression cannot contain assignment, perhaps you meant \"==\"?",
            Span::new(l, r),
        )),
    }
}

/// Orders call arguments into positional ones and keywords, with CPython's checks. A bare
/// generator argument gets the call's parentheses as its span, like in CPython.
pub fn call_args((items, trailing): (Vec<Arg>, bool), parens: Span) -> Res<(Vec<Expr>, Vec<Keyword>)> {
    let single = items.len() == 1 && !trailing;
    let (mut args, mut keywords) = (Vec::new(), Vec::<Keyword>::new());
    let (mut seen_keyword, mut seen_double_star) = (false, false);
    for item in items {
        match item {
            Arg::Generator(mut e) => {
                if !single {
                    return Err(error_at("Generator expression must be parenthesized", e.span));
                }
                e.span = parens;
                args.push(e);
            }
            Arg::Positional(e) | Arg::Starred(e) => {
                let is_starred = matches!(e.kind, ExprKind::Starred(_));
                if !is_starred && seen_double_star {
                    return Err(error_at(
                        "positional argument follows keyword argument unpacking",
                        e.span,
                    ));
                }
                if !is_starred && seen_keyword {
                    return Err(error_at("positional argument follows keyword argument", e.span));
                }
                if is_starred && seen_double_star {
                    return Err(error_at(
                        "iterable argument unpacking follows keyword argument unpacking",
                        e.span,
                    ));
                }
                args.push(e);
            }
            Arg::Keyword(k) => {
                if keywords.iter().any(|seen| seen.arg == k.arg) {
                    let name = k.arg.as_deref().unwrap_or_default();
                    return Err(error_at(format!("keyword argument repeated: {name}"), k.span));
                }
                seen_keyword = true;
                keywords.push(k);
            }
            Arg::DoubleStarred(k) => {
                seen_double_star = true;
                keywords.push(k);
            }
        }
    }
    Ok((args, keywords))
}

pub fn call(func: Expr, args: (Vec<Arg>, bool), parens: Span, l: usize, r: usize) -> Res<Expr> {
    let (args, keywords) = call_args(args, parens)?;
    node(
        ExprKind::Call {
            func: Box::new(func),
            args,
            keywords,
        },
        l,
        r,
    )
}

/// One entry of a parameter list, as written.
pub enum ParamItem {
    Plain(Param),
    /// `/`, at this offset.
    Slash(usize),
    /// `*` or `*args`, at this offset.
    Star(usize, Option<Param>),
    DoubleStar(Param),
}

/// Checks the order of a parameter list (CPython's messages) and sorts it into [`Params`].
pub fn params((items, _): (Vec<ParamItem>, bool)) -> Res<Params> {
    let mut p = Params::default();
    let (mut seen_slash, mut seen_star, mut seen_default) = (false, false, false);
    let mut bare_star = None;
    for item in items {
        if p.kwarg.is_some() {
            let at = match &item {
                ParamItem::Plain(q) | ParamItem::DoubleStar(q) => q.span.start as usize,
                ParamItem::Slash(at) | ParamItem::Star(at, _) => *at,
            };
            return Err(SyntaxError::new("arguments cannot follow var-keyword argument", at));
        }
        match item {
            ParamItem::Plain(q) if seen_star => p.kwonly.push(q),
            ParamItem::Plain(q) => {
                if q.default.is_some() {
                    seen_default = true;
                } else if seen_default {
                    return Err(error_at("non-default argument follows default argument", q.span));
                }
                p.args.push(q);
            }
            ParamItem::Slash(at) => {
                let msg = if seen_star {
                    "/ must be ahead of *"
                } else if seen_slash {
                    "/ may appear only once"
                } else if p.args.is_empty() {
                    "at least one argument must precede /"
                } else {
                    seen_slash = true;
                    p.posonly = p.args.len();
                    continue;
                };
                return Err(SyntaxError::new(msg, at));
            }
            ParamItem::Star(at, q) => {
                if seen_star {
                    return Err(SyntaxError::new("* argument may appear only once", at));
                }
                seen_star = true;
                if q.is_none() {
                    bare_star = Some(at);
                }
                p.vararg = q;
            }
            ParamItem::DoubleStar(q) => p.kwarg = Some(q),
        }
    }
    if let Some(at) = bare_star
        && p.kwonly.is_empty()
    {
        return Err(SyntaxError::new("named arguments must follow bare *", at));
    }
    let all = || p.args.iter().chain(&p.vararg).chain(&p.kwonly).chain(&p.kwarg);
    for (i, q) in all().enumerate() {
        if all().take(i).any(|earlier| earlier.name == q.name) {
            let msg = format!("duplicate argument '{}' in function definition", q.name);
            return Err(error_at(msg, q.span));
        }
    }
    Ok(p)
}

/// Where a statement list ends, for spans of compound statements that cover their bodies.
pub fn body_end(body: &[Stmt], fallback: usize) -> usize {
    body.last().map_or(fallback, |s| s.span.end as usize)
}

/// `if` with its `elif` clauses folded into nested `If` statements in `orelse`.
pub fn if_stmt(
    l: usize,
    test: Expr,
    body: Vec<Stmt>,
    elifs: Vec<(usize, Expr, Vec<Stmt>)>,
    orelse: Option<Vec<Stmt>>,
) -> Res<Stmt> {
    let mut orelse = orelse.unwrap_or_default();
    let mut end = body_end(&orelse, 0);
    for (el, test, body) in elifs.into_iter().rev() {
        end = end.max(body_end(&body, el));
        orelse = vec![compound(StmtKind::If { test, body, orelse }, el, end)?];
    }
    let end = end.max(body_end(&body, l));
    compound(StmtKind::If { test, body, orelse }, l, end)
}

pub fn function_def(l: usize, name: Name, params: Params, returns: Option<Expr>, body: Vec<Stmt>) -> Res<Stmt> {
    let end = body_end(&body, l);
    let def = FunctionDef {
        name,
        params,
        body,
        decorators: Vec::new(),
        returns,
        is_async: false,
    };
    compound(StmtKind::FunctionDef(Box::new(def)), l, end)
}

pub fn class_def(l: usize, name: Name, args: Option<(Vec<Arg>, bool)>, body: Vec<Stmt>) -> Res<Stmt> {
    let (mut bases, mut keywords) = (Vec::new(), Vec::new());
    if let Some((items, trailing)) = args {
        for item in &items {
            if let Arg::Generator(e) = item {
                return Err(error_at("invalid syntax", e.span));
            }
        }
        (bases, keywords) = call_args((items, trailing), Span::default())?;
    }
    let end = body_end(&body, l);
    let class = ClassDef {
        name,
        bases,
        keywords,
        body,
        decorators: Vec::new(),
    };
    compound(StmtKind::ClassDef(Box::new(class)), l, end)
}

/// `async` before a `def`, `for` or `with`: the statement (and its span) starts at `async`.
pub fn make_async(mut s: Stmt, l: usize) -> Stmt {
    match &mut s.kind {
        StmtKind::FunctionDef(f) => f.is_async = true,
        StmtKind::For { is_async, .. } | StmtKind::With { is_async, .. } => *is_async = true,
        _ => {}
    }
    s.span.start = l as u32;
    s
}

/// Attaches decorators to the `def` or `class` that follows them; the statement's span stays
/// that of the `def` / `class` line, as CPython's `lineno` does.
pub fn decorated(decorators: Vec<Expr>, mut s: Stmt) -> Stmt {
    match &mut s.kind {
        StmtKind::FunctionDef(f) => f.decorators = decorators,
        StmtKind::ClassDef(c) => c.decorators = decorators,
        _ => {}
    }
    s
}

pub fn with_item(context: Expr, target: Option<Expr>) -> Res<WithItem> {
    if let Some(t) = &target {
        check_target(t, Target::Store)?;
    }
    Ok(WithItem { context, target })
}

// ---------------------------------------------------------------- match statements

/// Builds a pattern node, refusing trees deeper than [`MAX_EXPR_DEPTH`] (later passes recurse).
pub fn pattern(kind: PatternKind, l: usize, r: usize) -> Res<Pattern> {
    let p = Pattern {
        span: Span::new(l, r),
        kind,
    };
    let mut stack = vec![(&p, 1)];
    while let Some((p, depth)) = stack.pop() {
        if depth > MAX_EXPR_DEPTH {
            return Err(SyntaxError::new("too many nested patterns", l).with_end(r));
        }
        let children: Vec<&Pattern> = match &p.kind {
            PatternKind::Sequence(items) | PatternKind::Or(items) => items.iter().collect(),
            PatternKind::Mapping { patterns, .. } => patterns.iter().collect(),
            PatternKind::Class {
                patterns, kwd_patterns, ..
            } => patterns.iter().chain(kwd_patterns).collect(),
            PatternKind::As { pattern: Some(p), .. } => vec![p],
            _ => Vec::new(),
        };
        stack.extend(children.into_iter().map(|c| (c, depth + 1)));
    }
    Ok(p)
}

/// A name in a pattern: `_` is the wildcard, anything else a capture.
pub fn capture(name: Name, l: usize, r: usize) -> Pattern {
    let name = (name != "_").then_some(name);
    Pattern {
        span: Span::new(l, r),
        kind: PatternKind::As { pattern: None, name },
    }
}

/// `pattern as name`
pub fn as_pattern(p: Pattern, name: Name, l: usize, r: usize, name_at: usize) -> Res<Pattern> {
    if name == "_" {
        return Err(SyntaxError::new("cannot use '_' as a target", name_at).with_end(r));
    }
    pattern(
        PatternKind::As {
            pattern: Some(Box::new(p)),
            name: Some(name),
        },
        l,
        r,
    )
}

/// `*name` or `*_` inside a sequence pattern.
pub fn star_pattern(name: Name, l: usize, r: usize) -> Pattern {
    let name = (name != "_").then_some(name);
    Pattern {
        span: Span::new(l, r),
        kind: PatternKind::Star(name),
    }
}

/// `a, b` / `(a, b)` / `(a)`: a sequence pattern when there is a comma, else the item itself.
pub fn pattern_list((mut items, trailing): (Vec<Pattern>, bool), l: usize, r: usize) -> Res<Pattern> {
    if items.len() == 1 && !trailing {
        let item = items.remove(0);
        // CPython expects a comma after a lone `*x` and points at what comes instead.
        if let PatternKind::Star(_) = item.kind {
            return Err(SyntaxError::new("invalid syntax", item.span.end as usize));
        }
        return Ok(item);
    }
    pattern(PatternKind::Sequence(items), l, r)
}

/// A string literal pattern: f-strings are not literals.
pub fn string_pattern(pieces: Vec<(usize, StrLit, usize)>, l: usize, r: usize) -> Res<Expr> {
    let e = strings(pieces, l, r)?;
    if let ExprKind::JoinedStr(_) = e.kind {
        return Err(error_at(
            "patterns may only match literals and attribute lookups",
            e.span,
        ));
    }
    Ok(e)
}

/// `real + imagj` / `real - imagj`
pub fn complex_literal(real: Expr, op: BinOp, imag: Expr, l: usize, r: usize) -> Res<Expr> {
    if let ExprKind::Constant(Constant::Complex(_)) = real.kind {
        return Err(error_at("real number required in complex literal", real.span));
    }
    if !matches!(imag.kind, ExprKind::Constant(Constant::Complex(_))) {
        return Err(error_at("imaginary number required in complex literal", imag.span));
    }
    node(
        ExprKind::BinOp {
            left: Box::new(real),
            op,
            right: Box::new(imag),
        },
        l,
        r,
    )
}

/// One entry of a mapping pattern as written.
pub enum MappingItem {
    Pair(Expr, Pattern),
    Rest(Name, Span),
}

pub fn mapping_pattern((items, _): (Vec<MappingItem>, bool), l: usize, r: usize) -> Res<Pattern> {
    let (mut keys, mut patterns, mut rest) = (Vec::new(), Vec::new(), None);
    for item in items {
        match item {
            _ if rest.is_some() => return Err(SyntaxError::new("invalid syntax", l).with_end(r)),
            MappingItem::Pair(k, p) => {
                keys.push(k);
                patterns.push(p);
            }
            // `**_` is refused at the `_`.
            MappingItem::Rest(name, span) if name == "_" => {
                return Err(SyntaxError::new("invalid syntax", span.end as usize - 1));
            }
            MappingItem::Rest(name, _) => rest = Some(name),
        }
    }
    pattern(PatternKind::Mapping { keys, patterns, rest }, l, r)
}

/// One argument of a class pattern as written.
pub enum ClassArg {
    Positional(Pattern),
    Keyword(Name, Pattern),
}

pub fn class_pattern(cls: Expr, (args, _): (Vec<ClassArg>, bool), l: usize, r: usize) -> Res<Pattern> {
    let (mut patterns, mut kwd_attrs, mut kwd_patterns) = (Vec::new(), Vec::new(), Vec::new());
    for arg in args {
        match arg {
            ClassArg::Positional(p) if !kwd_attrs.is_empty() => {
                return Err(error_at("positional patterns follow keyword patterns", p.span));
            }
            ClassArg::Positional(p) => patterns.push(p),
            ClassArg::Keyword(name, p) => {
                kwd_attrs.push(name);
                kwd_patterns.push(p);
            }
        }
    }
    let kind = PatternKind::Class {
        cls,
        patterns,
        kwd_attrs,
        kwd_patterns,
    };
    pattern(kind, l, r)
}

/// `match a:` or `match a, *b:`; a lone `*a` is refused where the `:` stands.
pub fn match_subject(items: (Vec<Expr>, bool), l: usize, r: usize) -> Res<Expr> {
    let subject = tuple_or_single(items, l, r)?;
    if let ExprKind::Starred(_) = subject.kind {
        return Err(SyntaxError::new("invalid syntax", r));
    }
    Ok(subject)
}

pub fn match_stmt(l: usize, subject: Expr, cases: Vec<MatchCase>) -> Res<Stmt> {
    let end = cases.last().map_or(l, |c| body_end(&c.body, l));
    compound(StmtKind::Match { subject, cases }, l, end)
}
