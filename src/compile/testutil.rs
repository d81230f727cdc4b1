//! Hand-built ASTs for the compiler's unit tests (the parser is developed separately).
//!
//! Nodes get an empty span unless placed with [`At::at`]; [`Lines`] lays statements out on
//! successive source lines so line tables and error offsets can be checked.

use num_bigint::BigInt;

use crate::compile::bytecode::{CodeObject, Constant, Instr};
use crate::syntax::ast::*;

pub trait At {
    /// Put the node at byte offset `start` (one byte long).
    fn at(self, start: usize) -> Self;
}

impl At for Expr {
    fn at(mut self, start: usize) -> Self {
        self.span = Span::new(start, start + 1);
        self
    }
}

impl At for Stmt {
    fn at(mut self, start: usize) -> Self {
        self.span = Span::new(start, start + 1);
        self
    }
}

fn e(kind: ExprKind) -> Expr {
    Expr {
        span: Span::default(),
        kind,
    }
}

fn st(kind: StmtKind) -> Stmt {
    Stmt {
        span: Span::default(),
        kind,
    }
}

pub fn name(n: &str) -> Expr {
    e(ExprKind::Name(n.into()))
}

pub fn int(i: i64) -> Expr {
    e(ExprKind::Constant(Constant_::Int(BigInt::from(i))))
}

pub fn float(f: f64) -> Expr {
    e(ExprKind::Constant(Constant_::Float(f)))
}

pub fn string(s: &str) -> Expr {
    e(ExprKind::Constant(Constant_::Str(s.into())))
}

pub fn none() -> Expr {
    e(ExprKind::Constant(Constant_::None))
}

pub fn truth() -> Expr {
    e(ExprKind::Constant(Constant_::True))
}

use crate::syntax::ast::Constant as Constant_;

pub fn bin(left: Expr, op: BinOp, right: Expr) -> Expr {
    e(ExprKind::BinOp {
        left: Box::new(left),
        op,
        right: Box::new(right),
    })
}

pub fn unary(op: UnaryOp, operand: Expr) -> Expr {
    e(ExprKind::UnaryOp {
        op,
        operand: Box::new(operand),
    })
}

pub fn boolop(op: BoolOp, values: Vec<Expr>) -> Expr {
    e(ExprKind::BoolOp { op, values })
}

pub fn compare(left: Expr, rest: Vec<(CmpOp, Expr)>) -> Expr {
    let (ops, comparators) = rest.into_iter().unzip();
    e(ExprKind::Compare {
        left: Box::new(left),
        ops,
        comparators,
    })
}

pub fn call(func: Expr, args: Vec<Expr>) -> Expr {
    call_kw(func, args, vec![])
}

/// Keywords as `(Some(name), value)`, or `(None, mapping)` for `**mapping`.
pub fn call_kw(func: Expr, args: Vec<Expr>, keywords: Vec<(Option<&str>, Expr)>) -> Expr {
    let keywords = keywords
        .into_iter()
        .map(|(arg, value)| Keyword {
            span: Span::default(),
            arg: arg.map(str::to_owned),
            value,
        })
        .collect();
    e(ExprKind::Call {
        func: Box::new(func),
        args,
        keywords,
    })
}

pub fn attr(value: Expr, a: &str) -> Expr {
    e(ExprKind::Attribute {
        value: Box::new(value),
        attr: a.into(),
    })
}

pub fn subscript(value: Expr, index: Expr) -> Expr {
    e(ExprKind::Subscript {
        value: Box::new(value),
        index: Box::new(index),
    })
}

pub fn tuple(elts: Vec<Expr>) -> Expr {
    e(ExprKind::Tuple(elts))
}

pub fn list(elts: Vec<Expr>) -> Expr {
    e(ExprKind::List(elts))
}

pub fn set(elts: Vec<Expr>) -> Expr {
    e(ExprKind::Set(elts))
}

pub fn dict(items: Vec<(Option<Expr>, Expr)>) -> Expr {
    e(ExprKind::Dict(items))
}

pub fn starred(inner: Expr) -> Expr {
    e(ExprKind::Starred(Box::new(inner)))
}

pub fn lambda(args: &[&str], body: Expr) -> Expr {
    e(ExprKind::Lambda {
        params: Box::new(params(args)),
        body: Box::new(body),
    })
}

pub fn comp(target: Expr, iter: Expr, ifs: Vec<Expr>) -> Comprehension {
    Comprehension {
        target,
        iter,
        ifs,
        is_async: false,
    }
}

pub fn listcomp(elt: Expr, generators: Vec<Comprehension>) -> Expr {
    e(ExprKind::ListComp {
        elt: Box::new(elt),
        generators,
    })
}

pub fn dictcomp(key: Expr, value: Expr, generators: Vec<Comprehension>) -> Expr {
    e(ExprKind::DictComp {
        key: Box::new(key),
        value: Box::new(value),
        generators,
    })
}

pub fn genexp(elt: Expr, generators: Vec<Comprehension>) -> Expr {
    e(ExprKind::GeneratorExp {
        elt: Box::new(elt),
        generators,
    })
}

pub fn yield_(value: Option<Expr>) -> Expr {
    e(ExprKind::Yield(value.map(Box::new)))
}

pub fn await_(value: Expr) -> Expr {
    e(ExprKind::Await(Box::new(value)))
}

pub fn walrus(target: &str, value: Expr) -> Expr {
    e(ExprKind::NamedExpr {
        target: Box::new(name(target)),
        value: Box::new(value),
    })
}

pub fn fstring(parts: Vec<FStringPart>) -> Expr {
    e(ExprKind::JoinedStr(parts))
}

pub fn param(n: &str) -> Param {
    Param {
        span: Span::default(),
        name: n.into(),
        annotation: None,
        default: None,
    }
}

pub fn params(args: &[&str]) -> Params {
    Params {
        args: args.iter().map(|a| param(a)).collect(),
        ..Params::default()
    }
}

pub fn expr(value: Expr) -> Stmt {
    st(StmtKind::Expr(value))
}

pub fn assign(target: Expr, value: Expr) -> Stmt {
    st(StmtKind::Assign {
        targets: vec![target],
        value,
    })
}

pub fn assign_many(targets: Vec<Expr>, value: Expr) -> Stmt {
    st(StmtKind::Assign { targets, value })
}

pub fn aug(target: Expr, op: BinOp, value: Expr) -> Stmt {
    st(StmtKind::AugAssign { target, op, value })
}

pub fn ret(value: Option<Expr>) -> Stmt {
    st(StmtKind::Return(value))
}

pub fn pass() -> Stmt {
    st(StmtKind::Pass)
}

pub fn brk() -> Stmt {
    st(StmtKind::Break)
}

pub fn cont() -> Stmt {
    st(StmtKind::Continue)
}

pub fn global(names: &[&str]) -> Stmt {
    st(StmtKind::Global(names.iter().map(|n| n.to_string()).collect()))
}

pub fn nonlocal(names: &[&str]) -> Stmt {
    st(StmtKind::Nonlocal(names.iter().map(|n| n.to_string()).collect()))
}

pub fn del(targets: Vec<Expr>) -> Stmt {
    st(StmtKind::Delete(targets))
}

pub fn if_(test: Expr, body: Vec<Stmt>, orelse: Vec<Stmt>) -> Stmt {
    st(StmtKind::If { test, body, orelse })
}

pub fn while_(test: Expr, body: Vec<Stmt>) -> Stmt {
    st(StmtKind::While {
        test,
        body,
        orelse: vec![],
    })
}

pub fn for_(target: Expr, iter: Expr, body: Vec<Stmt>) -> Stmt {
    st(StmtKind::For {
        target,
        iter,
        body,
        orelse: vec![],
        is_async: false,
    })
}

pub fn def(n: &str, args: &[&str], body: Vec<Stmt>) -> Stmt {
    def_with(n, params(args), body)
}

/// `async def n(args): body`
pub fn async_def(n: &str, args: &[&str], body: Vec<Stmt>) -> Stmt {
    let mut s = def(n, args, body);
    if let StmtKind::FunctionDef(f) = &mut s.kind {
        f.is_async = true;
    }
    s
}

pub fn def_with(n: &str, params: Params, body: Vec<Stmt>) -> Stmt {
    st(StmtKind::FunctionDef(Box::new(FunctionDef {
        name: n.into(),
        params,
        body,
        decorators: vec![],
        returns: None,
        is_async: false,
    })))
}

pub fn class(n: &str, body: Vec<Stmt>) -> Stmt {
    st(StmtKind::ClassDef(Box::new(ClassDef {
        name: n.into(),
        bases: vec![],
        keywords: vec![],
        body,
        decorators: vec![],
    })))
}

pub fn handler(kind: Option<Expr>, n: Option<&str>, body: Vec<Stmt>) -> ExceptHandler {
    ExceptHandler {
        span: Span::default(),
        kind,
        name: n.map(str::to_owned),
        body,
    }
}

pub fn try_(body: Vec<Stmt>, handlers: Vec<ExceptHandler>, orelse: Vec<Stmt>, finalbody: Vec<Stmt>) -> Stmt {
    st(StmtKind::Try(Box::new(Try {
        body,
        handlers,
        orelse,
        finalbody,
    })))
}

pub fn with(items: Vec<(Expr, Option<Expr>)>, body: Vec<Stmt>) -> Stmt {
    let items = items
        .into_iter()
        .map(|(context, target)| WithItem { context, target })
        .collect();
    st(StmtKind::With {
        items,
        body,
        is_async: false,
    })
}

pub fn import(n: &str, asname: Option<&str>) -> Stmt {
    st(StmtKind::Import(vec![Alias {
        name: n.into(),
        asname: asname.map(str::to_owned),
    }]))
}

pub fn import_from(module: &str, names: &[(&str, Option<&str>)], level: u32) -> Stmt {
    let names = names
        .iter()
        .map(|(n, a)| Alias {
            name: n.to_string(),
            asname: a.map(str::to_owned),
        })
        .collect();
    st(StmtKind::ImportFrom {
        module: Some(module.into()),
        names,
        level,
    })
}

pub fn module(body: Vec<Stmt>) -> Module {
    Module { body }
}

/// Compile with a dummy source of `lines` empty lines.
pub fn compile(m: &Module) -> std::sync::Arc<CodeObject> {
    match crate::compile::compile_module(m, &"\n".repeat(50), "t.py") {
        Ok(code) => code,
        Err(e) => panic!("compile failed: {e} at {}", e.offset),
    }
}

pub fn compile_err(m: &Module) -> crate::syntax::error::SyntaxError {
    match crate::compile::compile_module(m, &"\n".repeat(50), "t.py") {
        Ok(_) => panic!("expected a SyntaxError"),
        Err(e) => e,
    }
}

/// The code object constant named `name` inside `code` (searching nested code too).
pub fn find_code<'c>(code: &'c CodeObject, name: &str) -> &'c CodeObject {
    let mut pending = vec![code];
    while let Some(c) = pending.pop() {
        if c.name == name {
            return c;
        }
        for k in &c.constants {
            if let Constant::Code(inner) = k {
                pending.push(inner);
            }
        }
    }
    panic!("no code object named {name}")
}

/// Instructions with operands resolved to names, e.g. `LoadFast(x)`, `LoadConst(1)`, for
/// compact assertions.
pub fn ops(code: &CodeObject) -> Vec<String> {
    code.instructions
        .iter()
        .map(|&i| {
            let n = |k: u32| code.names[k as usize].clone();
            let cell = |k: u32| {
                let k = k as usize;
                code.cellvars
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| code.freevars[k - code.cellvars.len()].clone())
            };
            match i {
                Instr::LoadConst(k) => format!(
                    "LoadConst({})",
                    crate::compile::dis::const_repr(&code.constants[k as usize])
                ),
                Instr::LoadFast(k) => format!("LoadFast({})", code.varnames[k as usize]),
                Instr::StoreFast(k) => format!("StoreFast({})", code.varnames[k as usize]),
                Instr::DeleteFast(k) => format!("DeleteFast({})", code.varnames[k as usize]),
                Instr::LoadDeref(k) => format!("LoadDeref({})", cell(k)),
                Instr::StoreDeref(k) => format!("StoreDeref({})", cell(k)),
                Instr::LoadClosure(k) => format!("LoadClosure({})", cell(k)),
                Instr::LoadClassDeref { name, cell: c } => {
                    format!("LoadClassDeref({}, {})", n(name), cell(c))
                }
                Instr::LoadGlobal(k) => format!("LoadGlobal({})", n(k)),
                Instr::StoreGlobal(k) => format!("StoreGlobal({})", n(k)),
                Instr::LoadName(k) => format!("LoadName({})", n(k)),
                Instr::StoreName(k) => format!("StoreName({})", n(k)),
                Instr::DeleteName(k) => format!("DeleteName({})", n(k)),
                Instr::LoadAttr(k) => format!("LoadAttr({})", n(k)),
                Instr::StoreAttr(k) => format!("StoreAttr({})", n(k)),
                Instr::DeleteAttr(k) => format!("DeleteAttr({})", n(k)),
                Instr::LoadMethod(k) => format!("LoadMethod({})", n(k)),
                Instr::Unsupported(k) => format!(
                    "Unsupported({})",
                    crate::compile::dis::const_repr(&code.constants[k as usize])
                ),
                Instr::ImportName(k) => format!("ImportName({})", n(k)),
                Instr::ImportFrom(k) => format!("ImportFrom({})", n(k)),
                other => format!("{other:?}"),
            }
        })
        .collect()
}

/// A bare function code object around `instructions` (all on line 1).
pub fn code_of(instructions: Vec<Instr>, constants: Vec<Constant>) -> CodeObject {
    CodeObject {
        kind: crate::compile::bytecode::CodeKind::Function,
        name: "f".into(),
        qualname: "f".into(),
        filename: "t.py".into(),
        first_line: 1,
        lines: vec![1; instructions.len()],
        spans: vec![crate::syntax::ast::Span::new(0, 0); instructions.len()],
        instructions,
        constants,
        names: vec!["x".into()],
        varnames: vec!["a".into()],
        cellvars: vec![],
        freevars: vec![],
        cell_params: vec![],
        argcount: 1,
        posonlyargcount: 0,
        kwonlyargcount: 0,
        flags: 0,
    }
}
