//! AST → bytecode. One [`Unit`] per code object being built (module, class body, function,
//! lambda, comprehension); names are resolved with the [`SymbolTable`].
//!
//! Control flow uses labels patched when a unit is finished. `return`, `break` and `continue`
//! leave the enclosing blocks statically, as CPython 3.9's compiler does: each open block is
//! recorded as an [`FBlock`] and unwound by emitting its cleanup code inline (popping iterators
//! and try blocks, calling `__exit__`, inlining `finally` bodies).

mod expressions;
mod functions;
mod operators;
mod patterns;
mod statements;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use num_bigint::BigInt;
use num_traits::{FromPrimitive, ToPrimitive, Zero};

use crate::compile::bytecode::{CodeKind, CodeObject, Constant, Instr, code_flags};
use crate::compile::symtable::{MAX_NESTING, NameScope, ScopeId, SymbolTable, TOO_DEEP, error, mangle};
use crate::syntax::ast::{self, Expr, ExprKind, Keyword, Span, Stmt, StmtKind, UnaryOp};
use crate::syntax::error::{LineIndex, SyntaxError};

/// CPython's STACK_USE_GUIDELINE: displays longer than this are built incrementally so the
/// value stack stays small.
const STACK_USE_GUIDELINE: usize = 30;

/// Stack a compilation may need. Both passes recurse once per nesting level (up to
/// [`MAX_NESTING`]); unoptimised builds were measured to need under 16 MiB at the limit.
const COMPILER_STACK_NEED: usize = 16 << 20;

/// The stack segment to compile on when the calling thread has less than that left. Only
/// touched pages are committed, so the generous reservation costs nothing.
const COMPILER_STACK_BYTES: usize = 64 << 20;

/// Compile a parsed module to its code object (nested code objects hang off its constants).
///
/// With `expression` (for `eval`), the module must be one expression statement, and the code
/// returns its value.
///
/// Deeply nested source must not overflow the caller's stack, which may be small or mostly
/// used (an `eval` deep in a recursion): with less than [`COMPILER_STACK_NEED`] left, the
/// compilation runs on a fresh stack segment (`stacker`, the crate rustc uses for the same
/// job). An `eval` in a loop on a roomy stack then costs no thread or mapping at all, where a
/// compiler thread per call cost ~0.4 ms.
pub fn compile_module(
    module: &ast::Module,
    source: &str,
    filename: &str,
    expression: bool,
) -> Result<Arc<CodeObject>, SyntaxError> {
    stacker::maybe_grow(COMPILER_STACK_NEED, COMPILER_STACK_BYTES, || {
        compile_module_here(module, source, filename, expression)
    })
}

fn compile_module_here<'a>(
    module: &'a ast::Module,
    source: &'a str,
    filename: &str,
    expression: bool,
) -> Result<Arc<CodeObject>, SyntaxError> {
    let table = SymbolTable::build(module)?;
    let mut c = Compiler {
        table,
        units: Vec::new(),
        line_index: LineIndex::new(source),
        filename: filename.into(),
        depth: 0,
        frozensets: HashMap::new(),
        source,
        annotations_as_strings: imports_future_annotations(&module.body),
    };
    c.push_unit(SymbolTable::ROOT, 1);
    if let Some(first) = module.body.first() {
        c.set_line(first.span);
    }
    if expression {
        match module.body.as_slice() {
            [
                ast::Stmt {
                    kind: ast::StmtKind::Expr(value),
                    ..
                },
            ] => c.compile_expr(value)?,
            [other, ..] => return Err(SyntaxError::new("invalid syntax", other.span.start as usize)),
            [] => return Err(SyntaxError::new("invalid syntax", 0)),
        }
        c.emit(Instr::ReturnValue);
    } else {
        c.compile_namespace_body(&module.body)?;
        c.emit_return_none();
    }
    Ok(Arc::new(c.finish_unit()?))
}

/// Whether the module starts (after its docstring) with `from __future__ import annotations`.
fn imports_future_annotations(body: &[Stmt]) -> bool {
    let rest = split_docstring(body).map_or(body, |(_, rest)| rest);
    rest.iter()
        .map_while(|s| match &s.kind {
            ast::StmtKind::ImportFrom {
                module: Some(m), names, ..
            } if m.as_str() == "__future__" => Some(names),
            _ => None,
        })
        .any(|names| names.iter().any(|alias| alias.name.as_str() == "annotations"))
}

/// A compiler bug, reported rather than panicking.
fn internal(msg: impl std::fmt::Display) -> SyntaxError {
    SyntaxError::new(format!("internal compiler error: {msg}"), 0)
}

fn operand(n: usize) -> Result<u32, SyntaxError> {
    u32::try_from(n).map_err(|_| internal("operand too large"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Label(u32);

/// A block that `return`/`break`/`continue` must clean up when jumping out of it.
#[derive(Clone, Debug)]
enum FBlock<'a> {
    WhileLoop {
        start: Label,
        exit: Label,
    },
    /// The iterator sits on the stack.
    ForLoop {
        start: Label,
        exit: Label,
    },
    /// Protected body of `try`/`except`: one try block to pop.
    TryExcept,
    /// Protected body of `try`/`finally`: pop the block, then run the finally body inline.
    FinallyTry(&'a [Stmt]),
    /// The exceptional copy of a finally body: the exception is on the stack and an
    /// except-handler block is open.
    FinallyEnd,
    /// `with` body: pop the block, call `__exit__(None, None, None)` (sitting on the stack);
    /// in an `async with`, `__aexit__` and await what it returns.
    With {
        is_async: bool,
    },
    /// An `except` clause body: leave the handler, clear the `as` name (whose cleanup block
    /// must be popped first).
    HandlerCleanup {
        name: Option<&'a str>,
    },
    /// A return value waiting under an inlined finally body.
    PopValue,
}

/// Hashable identity of a constant, for de-duplication (floats by bit pattern, so `0.0` and
/// `-0.0` stay apart; `True` and `1` stay apart).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ConstKey {
    None,
    Bool(bool),
    Ellipsis,
    Int(BigInt),
    Float(u64),
    Complex(u64, u64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<ConstKey>),
    /// The distinct item keys, sorted: frozensets with the same items are the same constant.
    FrozenSet(Vec<ConstKey>),
}

pub(crate) fn const_key(c: &Constant) -> Option<ConstKey> {
    Some(match c {
        Constant::None => ConstKey::None,
        Constant::Bool(b) => ConstKey::Bool(*b),
        Constant::Ellipsis => ConstKey::Ellipsis,
        Constant::Int(i) => ConstKey::Int(i.clone()),
        Constant::Float(f) => ConstKey::Float(f.to_bits()),
        Constant::Complex(re, im) => ConstKey::Complex(re.to_bits(), im.to_bits()),
        Constant::Str(s) => ConstKey::Str(s.clone()),
        Constant::Bytes(b) => ConstKey::Bytes(b.clone()),
        Constant::Tuple(items) => ConstKey::Tuple(items.iter().map(const_key).collect::<Option<_>>()?),
        Constant::FrozenSet(items) => {
            let mut keys = items.iter().map(const_key).collect::<Option<Vec<_>>>()?;
            keys.sort();
            keys.dedup();
            ConstKey::FrozenSet(keys)
        }
        Constant::Code(_) => return None,
    })
}

/// An append-only list of names with O(1) lookup of a name's index.
#[derive(Default)]
struct NameList {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl NameList {
    fn from_vec(names: Vec<String>) -> NameList {
        let mut list = NameList::default();
        for n in names {
            list.get_or_add(&n);
        }
        list
    }

    fn get_or_add(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        i
    }
}

/// A code object under construction.
struct Unit<'a> {
    scope: ScopeId,
    first_line: u32,
    /// Where the code being compiled comes from: what the next instruction is attributed to.
    loc: Loc,
    instrs: Vec<Instr>,
    lines: Vec<u32>,
    spans: Vec<Span>,
    consts: Vec<Constant>,
    const_index: HashMap<ConstKey, u32>,
    names: NameList,
    varnames: NameList,
    cellvars: Vec<String>,
    freevars: Vec<String>,
    /// Position of each label once bound.
    labels: Vec<Option<u32>>,
    fblocks: Vec<FBlock<'a>>,
}

/// The source line and the node's span, as CPython's compiler tracks them (`SET_LOC`).
#[derive(Clone, Copy)]
struct Loc {
    line: u32,
    span: Span,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Load,
    Store,
    Del,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Seq {
    List,
    Tuple,
    Set,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CompKind {
    List,
    Set,
    Dict,
    Gen,
}

struct Compiler<'a> {
    table: SymbolTable,
    units: Vec<Unit<'a>>,
    line_index: LineIndex,
    filename: Arc<str>,
    /// Current recursion depth, bounded by [`MAX_NESTING`].
    depth: usize,
    /// The first frozenset constant seen with each set of items, in the whole module. CPython's
    /// compiler shares equal constants module-wide, so a later `{3, 2, 1}` reuses the frozenset
    /// (and the layout) of an earlier `{1, 2, 3}`.
    frozensets: HashMap<ConstKey, Constant>,
    /// The module's text, for annotations kept as strings.
    source: &'a str,
    /// `from __future__ import annotations`: annotations are stored as their source text.
    annotations_as_strings: bool,
}

type CResult = Result<(), SyntaxError>;

impl<'a> Compiler<'a> {
    // ----- units, emission, labels -------------------------------------------------------------

    fn unit(&self) -> &Unit<'a> {
        // A unit is pushed before any code is compiled and popped only when finished.
        &self.units[self.units.len() - 1]
    }

    fn unit_mut(&mut self) -> &mut Unit<'a> {
        let last = self.units.len() - 1;
        &mut self.units[last]
    }

    fn push_unit(&mut self, scope: ScopeId, first_line: u32) {
        let s = self.table.scope(scope);
        self.units.push(Unit {
            scope,
            first_line,
            loc: Loc {
                line: first_line,
                span: Span::new(0, 0),
            },
            instrs: Vec::new(),
            lines: Vec::new(),
            spans: Vec::new(),
            consts: Vec::new(),
            const_index: HashMap::new(),
            names: NameList::default(),
            varnames: NameList::from_vec(s.varnames()),
            cellvars: s.cellvars(),
            freevars: s.freevars(),
            labels: Vec::new(),
            fblocks: Vec::new(),
        });
    }

    /// Resolve labels and build the code object of the innermost unit.
    fn finish_unit(&mut self) -> Result<CodeObject, SyntaxError> {
        let u = self.units.pop().ok_or_else(|| internal("no unit to finish"))?;
        let scope = self.table.scope(u.scope);
        let mut instructions = u.instrs;
        for instr in &mut instructions {
            if let Some(label) = instr.jump_target() {
                let target = u.labels.get(label as usize).copied().flatten();
                *instr = retarget(*instr, target.ok_or_else(|| internal("unbound label"))?);
            }
        }
        let cell_params = u
            .cellvars
            .iter()
            .enumerate()
            .filter_map(|(cell, name)| {
                let slot = scope.params.iter().position(|p| p == name)?;
                Some((cell as u32, slot as u32))
            })
            .collect();
        let mut flags = 0;
        if scope.has_varargs {
            flags |= code_flags::VARARGS;
        }
        if scope.has_varkeywords {
            flags |= code_flags::VARKEYWORDS;
        }
        if scope.is_generator || scope.is_coroutine {
            flags |= code_flags::GENERATOR;
        }
        if scope.is_coroutine {
            flags |= if scope.is_generator {
                code_flags::ASYNC_GENERATOR
            } else {
                code_flags::COROUTINE
            };
        }
        let code = CodeObject {
            kind: scope.kind,
            name: scope.name.clone(),
            qualname: scope.qualname.clone(),
            filename: self.filename.clone(),
            first_line: u.first_line,
            instructions,
            lines: u.lines,
            spans: u.spans,
            constants: u.consts,
            names: u.names.names,
            varnames: u.varnames.names,
            cellvars: u.cellvars,
            freevars: u.freevars,
            cell_params,
            argcount: scope.argcount,
            posonlyargcount: scope.posonlyargcount,
            kwonlyargcount: scope.kwonlyargcount,
            flags,
        };
        // Debug builds (and so every test) verify the stack discipline of all generated code.
        if cfg!(debug_assertions) {
            crate::compile::stack::max_stack_depth(&code).map_err(|e| internal(format!("{}: {e}", code.qualname)))?;
        }
        Ok(code)
    }

    fn emit(&mut self, instr: Instr) {
        let u = self.unit_mut();
        u.instrs.push(instr);
        u.lines.push(u.loc.line);
        u.spans.push(u.loc.span);
    }

    /// Attribute the next instructions to the node at `span` (its first line, for the line
    /// table; the whole span, for the carets under a traceback's source line).
    fn set_line(&mut self, span: Span) {
        let line = self.line_index.line(span.start as usize);
        self.unit_mut().loc = Loc {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            span,
        };
    }

    fn new_label(&mut self) -> Label {
        let u = self.unit_mut();
        u.labels.push(None);
        Label(u.labels.len() as u32 - 1)
    }

    fn bind(&mut self, label: Label) {
        let u = self.unit_mut();
        u.labels[label.0 as usize] = Some(u.instrs.len() as u32);
    }

    fn is_bound(&self, label: Label) -> bool {
        self.unit().labels[label.0 as usize].is_some()
    }

    /// Unconditional jump: to a label already placed it is a back edge, hence `JumpBackward`
    /// (a GIL check point); otherwise a forward `Jump`.
    fn jump(&mut self, label: Label) {
        if self.is_bound(label) {
            self.emit(Instr::JumpBackward(label.0));
        } else {
            self.emit(Instr::Jump(label.0));
        }
    }

    /// A conditional or block-setup jump; these only ever go forward.
    fn emit_to(&mut self, make: fn(u32) -> Instr, label: Label) -> CResult {
        if self.is_bound(label) {
            return Err(internal("conditional jump backwards"));
        }
        self.emit(make(label.0));
        Ok(())
    }

    fn add_const(&mut self, c: Constant) -> u32 {
        let key = const_key(&c);
        let c = match (&c, &key) {
            (Constant::FrozenSet(_), Some(k)) => self.frozensets.entry(k.clone()).or_insert(c).clone(),
            _ => c,
        };
        let u = self.unit_mut();
        if let Some(i) = key.as_ref().and_then(|k| u.const_index.get(k)) {
            return *i;
        }
        let i = u.consts.len() as u32;
        u.consts.push(c);
        if let Some(key) = key {
            u.const_index.insert(key, i);
        }
        i
    }

    fn load_const(&mut self, c: Constant) {
        let i = self.add_const(c);
        self.emit(Instr::LoadConst(i));
    }

    fn name_index(&mut self, name: &str) -> u32 {
        self.unit_mut().names.get_or_add(name)
    }

    fn emit_return_none(&mut self) {
        self.load_const(Constant::None);
        self.emit(Instr::ReturnValue);
    }

    /// Whether falling off the end of the unit is possible (so an implicit return is needed).
    fn can_fall_off_end(&self) -> bool {
        let u = self.unit();
        let end = u.instrs.len() as u32;
        u.instrs.last() != Some(&Instr::ReturnValue) || u.labels.contains(&Some(end))
    }

    fn enter(&mut self, span: Span) -> CResult {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(error(TOO_DEEP, span));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn scope_kind(&self) -> CodeKind {
        self.table.scope(self.unit().scope).kind
    }

    fn mangle(&self, name: &str) -> String {
        mangle(self.table.scope(self.unit().scope).private.as_deref(), name).into_owned()
    }

    // ----- names -------------------------------------------------------------------------------

    /// Index of a cell (cellvars first, then freevars) in the current unit.
    fn cell_index(&self, name: &str) -> Result<u32, SyntaxError> {
        let u = self.unit();
        let found = u
            .cellvars
            .iter()
            .position(|c| c == name)
            .or_else(|| u.freevars.iter().position(|f| f == name).map(|i| i + u.cellvars.len()));
        found
            .map(|i| i as u32)
            .ok_or_else(|| internal(format!("no cell for '{name}'")))
    }

    /// Load, store or delete a variable, choosing the instruction family from its scope.
    fn name_op(&mut self, name: &str, ctx: Ctx) -> CResult {
        let mangled = self.mangle(name);
        let scope = self.table.scope(self.unit().scope);
        let (kind, function_like) = (scope.kind, scope.is_function_like());
        let instr = match scope.resolve(&mangled) {
            Some(NameScope::Cell | NameScope::Free) => {
                let cell = self.cell_index(&mangled)?;
                match ctx {
                    // A class body reads its own namespace before the enclosing function's cell.
                    Ctx::Load if kind == CodeKind::Class => Instr::LoadClassDeref {
                        name: self.name_index(&mangled),
                        cell,
                    },
                    Ctx::Load => Instr::LoadDeref(cell),
                    Ctx::Store => Instr::StoreDeref(cell),
                    Ctx::Del => Instr::DeleteDeref(cell),
                }
            }
            Some(NameScope::Local) if function_like => {
                let slot = self.unit_mut().varnames.get_or_add(&mangled);
                match ctx {
                    Ctx::Load => Instr::LoadFast(slot),
                    Ctx::Store => Instr::StoreFast(slot),
                    Ctx::Del => Instr::DeleteFast(slot),
                }
            }
            Some(NameScope::GlobalExplicit) => self.global_op(&mangled, ctx),
            Some(NameScope::GlobalImplicit) if function_like => self.global_op(&mangled, ctx),
            // Module and class bodies, and names only the compiler mentions.
            _ => {
                let i = self.name_index(&mangled);
                match ctx {
                    Ctx::Load => Instr::LoadName(i),
                    Ctx::Store => Instr::StoreName(i),
                    Ctx::Del => Instr::DeleteName(i),
                }
            }
        };
        self.emit(instr);
        Ok(())
    }

    fn global_op(&mut self, mangled: &str, ctx: Ctx) -> Instr {
        let i = self.name_index(mangled);
        match ctx {
            Ctx::Load => Instr::LoadGlobal(i),
            Ctx::Store => Instr::StoreGlobal(i),
            Ctx::Del => Instr::DeleteGlobal(i),
        }
    }
}

fn retarget(instr: Instr, target: u32) -> Instr {
    match instr {
        Instr::Jump(_) => Instr::Jump(target),
        Instr::JumpBackward(_) => Instr::JumpBackward(target),
        Instr::PopJumpIfFalse(_) => Instr::PopJumpIfFalse(target),
        Instr::PopJumpIfTrue(_) => Instr::PopJumpIfTrue(target),
        Instr::JumpIfFalseOrPop(_) => Instr::JumpIfFalseOrPop(target),
        Instr::JumpIfTrueOrPop(_) => Instr::JumpIfTrueOrPop(target),
        Instr::ForIter(_) => Instr::ForIter(target),
        Instr::SetupTry(_) => Instr::SetupTry(target),
        other => other,
    }
}

fn split_docstring(body: &[Stmt]) -> Option<(&str, &[Stmt])> {
    let (first, rest) = body.split_first()?;
    match &first.kind {
        StmtKind::Expr(Expr {
            kind: ExprKind::Constant(ast::Constant::Str(doc)),
            ..
        }) => Some((doc, rest)),
        _ => None,
    }
}

fn is_const_true(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Constant(ast::Constant::True) => true,
        ExprKind::Constant(ast::Constant::Int(i)) => !i.is_zero(),
        _ => false,
    }
}

fn check_keywords(keywords: &[Keyword]) -> CResult {
    for (i, k) in keywords.iter().enumerate() {
        if let Some(name) = &k.arg
            && keywords[..i].iter().any(|prev| prev.arg.as_ref() == Some(name))
        {
            return Err(error(format!("keyword argument repeated: {name}"), k.span));
        }
    }
    Ok(())
}

fn constant(c: &ast::Constant) -> Constant {
    match c {
        ast::Constant::None => Constant::None,
        ast::Constant::True => Constant::Bool(true),
        ast::Constant::False => Constant::Bool(false),
        ast::Constant::Ellipsis => Constant::Ellipsis,
        ast::Constant::Int(i) => Constant::Int(i.clone()),
        ast::Constant::Float(f) => Constant::Float(*f),
        ast::Constant::Complex(im) => Constant::Complex(0.0, *im),
        ast::Constant::Str(s) => Constant::Str(s.clone()),
        ast::Constant::Bytes(b) => Constant::Bytes(b.clone()),
    }
}

/// The constant value of a literal, a negated number literal, a complex literal written as
/// `real ± imagj`, or a tuple of those.
fn fold_constant(e: &Expr) -> Option<Constant> {
    match &e.kind {
        ExprKind::Constant(c) => Some(constant(c)),
        ExprKind::UnaryOp {
            op: UnaryOp::Neg,
            operand,
        } => match &operand.kind {
            ExprKind::Constant(ast::Constant::Int(i)) => Some(Constant::Int(-i)),
            ExprKind::Constant(ast::Constant::Float(f)) => Some(Constant::Float(-f)),
            ExprKind::Constant(ast::Constant::Complex(im)) => Some(Constant::Complex(-0.0, -im)),
            _ => None,
        },
        ExprKind::BinOp { left, op, right } => {
            let ExprKind::Constant(ast::Constant::Complex(im)) = right.kind else {
                return None;
            };
            // The real side is an int or float converted to a complex with a +0.0 imaginary
            // part, then added or subtracted part by part, as at run time.
            let re = match fold_constant(left)? {
                Constant::Int(i) => i.to_f64().filter(|f| f.is_finite())?,
                Constant::Float(f) => f,
                _ => return None,
            };
            match op {
                ast::BinOp::Add => Some(Constant::Complex(re + 0.0, 0.0 + im)),
                ast::BinOp::Sub => Some(Constant::Complex(re - 0.0, 0.0 - im)),
                _ => None,
            }
        }
        ExprKind::Tuple(elts) => elts
            .iter()
            .map(fold_constant)
            .collect::<Option<_>>()
            .map(Constant::Tuple),
        _ => None,
    }
}

/// The items of a set display as a frozenset constant, if they are all constants. Of items
/// equal in Python (`1`, `1.0`, `True`) only the first is kept, as in the set CPython builds.
fn constant_set(elts: &[Expr]) -> Option<Constant> {
    let items = elts.iter().map(fold_constant).collect::<Option<Vec<_>>>()?;
    let mut seen = HashSet::new();
    let distinct = items
        .into_iter()
        .filter(|c| value_key(c).is_none_or(|k| seen.insert(k)))
        .collect();
    Some(Constant::FrozenSet(distinct))
}

/// A constant as `==` sees it: numbers compare by value across `int`, `float` and `bool`.
fn value_key(c: &Constant) -> Option<ConstKey> {
    Some(match c {
        Constant::Bool(b) => ConstKey::Int(BigInt::from(u8::from(*b))),
        Constant::Float(f) if f.fract() == 0.0 => ConstKey::Int(BigInt::from_f64(*f)?),
        // A complex number with no imaginary part equals its real part.
        Constant::Complex(re, im) if *im == 0.0 => value_key(&Constant::Float(*re))?,
        Constant::Complex(re, im) => ConstKey::Complex((re + 0.0).to_bits(), (im + 0.0).to_bits()),
        Constant::Tuple(items) => ConstKey::Tuple(items.iter().map(value_key).collect::<Option<_>>()?),
        other => const_key(other)?,
    })
}

/// The comparison whose outcome failed an `assert` test last: the test itself, the operand of
/// `not`, or the last operand of `and` / `or`, when that is a comparison.
fn deciding_comparison(test: &Expr) -> Option<Span> {
    match &test.kind {
        ExprKind::Compare { .. } => Some(test.span),
        ExprKind::UnaryOp {
            op: ast::UnaryOp::Not,
            operand,
        } => deciding_comparison(operand),
        ExprKind::BoolOp { values, .. } => deciding_comparison(values.last()?),
        _ => None,
    }
}

/// How CPython names an expression in "cannot assign to ..." messages.
fn describe(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Name(_) => "name",
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Call { .. } => "function call",
        ExprKind::BoolOp { .. } | ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } | ExprKind::Slice { .. } => {
            "expression"
        }
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::Await(_) => "await expression",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::JoinedStr(_) => "f-string expression",
        ExprKind::Constant(ast::Constant::None) => "None",
        ExprKind::Constant(ast::Constant::True) => "True",
        ExprKind::Constant(ast::Constant::False) => "False",
        ExprKind::Constant(ast::Constant::Ellipsis) => "ellipsis",
        ExprKind::Constant(_) => "literal",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::NamedExpr { .. } => "named expression",
    }
}

#[cfg(test)]
mod tests;
