//! AST → bytecode. One [`Unit`] per code object being built (module, class body, function,
//! lambda, comprehension); names are resolved with the [`SymbolTable`].
//!
//! Control flow uses labels patched when a unit is finished. `return`, `break` and `continue`
//! leave the enclosing blocks statically, as CPython 3.9's compiler does: each open block is
//! recorded as an [`FBlock`] and unwound by emitting its cleanup code inline (popping iterators
//! and try blocks, calling `__exit__`, inlining `finally` bodies).

mod operators;
mod patterns;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use num_bigint::BigInt;
use num_traits::{FromPrimitive, Zero};

use crate::compile::bytecode::{CodeKind, CodeObject, Constant, Instr, code_flags, format_flags, make_function_flags};
use crate::compile::symtable::{MAX_NESTING, NameScope, ScopeId, SymbolTable, TOO_DEEP, error, mangle};
use crate::syntax::ast::{
    self, BoolOp, ClassDef, Comprehension, Expr, ExprKind, FStringPart, FunctionDef, Keyword, Params, Span, Stmt,
    StmtKind, UnaryOp,
};
use crate::syntax::error::{LineIndex, SyntaxError};

/// CPython's STACK_USE_GUIDELINE: displays longer than this are built incrementally so the
/// value stack stays small.
const STACK_USE_GUIDELINE: usize = 30;

/// Stack for the compiler thread. Both passes recurse once per nesting level (up to
/// [`MAX_NESTING`]); unoptimised builds were measured to need under 16 MiB at the limit. Only
/// touched pages are committed, so the generous reservation costs nothing.
const COMPILER_STACK_BYTES: usize = 64 << 20;

/// Compile a parsed module to its code object (nested code objects hang off its constants).
///
/// Runs on a dedicated thread with a known, large stack, so deeply nested source cannot
/// overflow the caller's (possibly small) thread stack.
pub fn compile_module(module: &ast::Module, source: &str, filename: &str) -> Result<Arc<CodeObject>, SyntaxError> {
    std::thread::scope(|s| {
        let spawned = std::thread::Builder::new()
            .name("toy-compiler".into())
            .stack_size(COMPILER_STACK_BYTES)
            .spawn_scoped(s, || compile_module_here(module, source, filename));
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had (resource limits): compile on this one.
            Err(_) => compile_module_here(module, source, filename),
        }
    })
}

fn compile_module_here(module: &ast::Module, source: &str, filename: &str) -> Result<Arc<CodeObject>, SyntaxError> {
    let table = SymbolTable::build(module)?;
    let mut c = Compiler {
        table,
        units: Vec::new(),
        line_index: LineIndex::new(source),
        filename: filename.into(),
        depth: 0,
        frozensets: HashMap::new(),
    };
    c.push_unit(SymbolTable::ROOT, 1);
    if let Some(first) = module.body.first() {
        c.set_line(first.span);
    }
    c.compile_namespace_body(&module.body)?;
    c.emit_return_none();
    Ok(Arc::new(c.finish_unit()?))
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
    /// `with` body: pop the block, call `__exit__(None, None, None)` (sitting on the stack).
    With,
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
enum ConstKey {
    None,
    Bool(bool),
    Ellipsis,
    Int(BigInt),
    Float(u64),
    Complex(u64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<ConstKey>),
    /// The distinct item keys, sorted: frozensets with the same items are the same constant.
    FrozenSet(Vec<ConstKey>),
}

fn const_key(c: &Constant) -> Option<ConstKey> {
    Some(match c {
        Constant::None => ConstKey::None,
        Constant::Bool(b) => ConstKey::Bool(*b),
        Constant::Ellipsis => ConstKey::Ellipsis,
        Constant::Int(i) => ConstKey::Int(i.clone()),
        Constant::Float(f) => ConstKey::Float(f.to_bits()),
        Constant::Complex(f) => ConstKey::Complex(f.to_bits()),
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
        if scope.is_generator {
            flags |= code_flags::GENERATOR;
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

    // ----- statements --------------------------------------------------------------------------

    fn compile_body(&mut self, body: &'a [Stmt]) -> CResult {
        body.iter().try_for_each(|s| self.compile_stmt(s))
    }

    /// Module and class bodies: a leading docstring is stored as `__doc__`.
    fn compile_namespace_body(&mut self, body: &'a [Stmt]) -> CResult {
        let mut rest = body;
        if let Some((doc, tail)) = split_docstring(body) {
            self.set_line(body[0].span);
            self.load_const(Constant::Str(doc.to_owned()));
            self.name_op("__doc__", Ctx::Store)?;
            rest = tail;
        }
        self.compile_body(rest)
    }

    fn compile_stmt(&mut self, s: &'a Stmt) -> CResult {
        self.enter(s.span)?;
        self.set_line(s.span);
        match &s.kind {
            StmtKind::Expr(e) => {
                // A bare constant (a stray docstring, `...`) has no effect; CPython drops it too.
                if !matches!(e.kind, ExprKind::Constant(_)) {
                    self.compile_expr(e)?;
                    self.emit(Instr::Pop);
                }
            }
            StmtKind::Assign { targets, value } => {
                self.compile_expr(value)?;
                for (i, target) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Instr::Dup);
                    }
                    self.compile_store(target)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.compile_aug_assign(target, *op, value)?,
            StmtKind::AnnAssign { target, value, .. } => self.compile_ann_assign(target, value.as_ref())?,
            StmtKind::If { test, body, orelse } => {
                let orelse_label = self.new_label();
                let end = self.new_label();
                self.compile_jump_if(test, false, orelse_label)?;
                self.compile_body(body)?;
                if !orelse.is_empty() {
                    self.jump(end);
                }
                self.bind(orelse_label);
                self.compile_body(orelse)?;
                self.bind(end);
            }
            StmtKind::While { test, body, orelse } => self.compile_while(s, test, body, orelse)?,
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => self.compile_for(s, target, iter, body, orelse)?,
            StmtKind::Break => self.compile_break(s.span)?,
            StmtKind::Continue => self.compile_continue(s.span)?,
            StmtKind::Pass | StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::FunctionDef(f) => self.compile_function_def(s, f)?,
            StmtKind::ClassDef(c) => self.compile_class_def(s, c)?,
            StmtKind::Return(value) => self.compile_return(s.span, value.as_ref())?,
            StmtKind::Delete(targets) => targets.iter().try_for_each(|t| self.compile_delete(t))?,
            StmtKind::Assert { test, msg } => {
                let ok = self.new_label();
                self.compile_jump_if(test, true, ok)?;
                // CPython 3.11 attributes the raise to the comparison that decided the test
                // (its traceback underlines `x == 2`), and otherwise to the statement.
                if let Some(span) = deciding_comparison(test) {
                    self.set_line(span);
                }
                self.emit(Instr::LoadAssertionError);
                if let Some(msg) = msg {
                    self.compile_expr(msg)?;
                    self.emit(Instr::Call(1));
                }
                self.emit(Instr::Raise(1));
                self.bind(ok);
            }
            StmtKind::Raise { exc, cause } => {
                let mut argc = 0;
                for e in [exc, cause].into_iter().flatten() {
                    self.compile_expr(e)?;
                    argc += 1;
                }
                self.emit(Instr::Raise(argc));
            }
            StmtKind::Try(t) => {
                if t.finalbody.is_empty() {
                    self.compile_try_except(t)?;
                } else {
                    self.compile_try_finally(t)?;
                }
            }
            StmtKind::With { items, body } => self.compile_with(s, items, body)?,
            StmtKind::Import(aliases) => {
                for a in aliases {
                    self.compile_import_prefix(0, Constant::None, &a.name);
                    match &a.asname {
                        // `import a.b.c as d` binds the submodule: walk down from the top package.
                        Some(asname) => {
                            for part in a.name.split('.').skip(1) {
                                let i = self.name_index(part);
                                self.emit(Instr::LoadAttr(i));
                            }
                            self.name_op(asname, Ctx::Store)?;
                        }
                        None => self.name_op(a.name.split('.').next().unwrap_or(""), Ctx::Store)?,
                    }
                }
            }
            StmtKind::Match { subject, cases } => self.compile_match(subject, cases)?,
            StmtKind::ImportFrom { module, names, level } => {
                let module = module.as_deref().unwrap_or("");
                if names.is_empty() {
                    self.compile_import_prefix(*level, Constant::Tuple(vec![Constant::Str("*".into())]), module);
                    self.emit(Instr::ImportStar);
                } else {
                    let fromlist = names.iter().map(|a| Constant::Str(a.name.clone())).collect();
                    self.compile_import_prefix(*level, Constant::Tuple(fromlist), module);
                    for a in names {
                        let i = self.name_index(&a.name);
                        self.emit(Instr::ImportFrom(i));
                        self.name_op(a.asname.as_deref().unwrap_or(&a.name), Ctx::Store)?;
                    }
                    self.emit(Instr::Pop);
                }
            }
        }
        self.leave();
        Ok(())
    }

    fn compile_import_prefix(&mut self, level: u32, fromlist: Constant, module: &str) {
        self.load_const(Constant::Int(BigInt::from(level)));
        self.load_const(fromlist);
        let i = self.name_index(module);
        self.emit(Instr::ImportName(i));
    }

    /// Loading and storing the target is attributed to the target, the operation to the
    /// statement, as CPython does (so a traceback underlines `obj.count` in `obj.count += 1`).
    fn compile_aug_assign(&mut self, target: &'a Expr, op: ast::BinOp, value: &'a Expr) -> CResult {
        let statement = self.unit().loc;
        match &target.kind {
            ExprKind::Name(name) => {
                self.set_line(target.span);
                self.name_op(name, Ctx::Load)?;
                self.unit_mut().loc = statement;
                self.compile_expr(value)?;
                self.emit(Instr::InPlace(op.into()));
                self.set_line(target.span);
                self.name_op(name, Ctx::Store)?;
            }
            ExprKind::Attribute { value: obj, attr } => {
                let i = self.name_index(&self.mangle(attr));
                self.set_line(target.span);
                self.compile_expr(obj)?;
                self.emit(Instr::Dup);
                self.emit(Instr::LoadAttr(i));
                self.unit_mut().loc = statement;
                self.compile_expr(value)?;
                self.emit(Instr::InPlace(op.into()));
                self.set_line(target.span);
                self.emit(Instr::Rot2);
                self.emit(Instr::StoreAttr(i));
            }
            ExprKind::Subscript { value: obj, index } => {
                self.set_line(target.span);
                self.compile_expr(obj)?;
                self.compile_expr(index)?;
                self.emit(Instr::DupTop2);
                self.emit(Instr::BinarySubscr);
                self.unit_mut().loc = statement;
                self.compile_expr(value)?;
                self.emit(Instr::InPlace(op.into()));
                self.set_line(target.span);
                self.emit(Instr::Rot3);
                self.emit(Instr::StoreSubscr);
            }
            _ => {
                return Err(error(
                    format!(
                        "'{}' is an illegal expression for augmented assignment",
                        describe(target)
                    ),
                    target.span,
                ));
            }
        }
        self.unit_mut().loc = statement;
        Ok(())
    }

    /// `target: annotation [= value]`. Annotations are not evaluated; without a value, the parts
    /// of an attribute or subscript target are still evaluated, as in CPython.
    fn compile_ann_assign(&mut self, target: &'a Expr, value: Option<&'a Expr>) -> CResult {
        if let Some(value) = value {
            self.compile_expr(value)?;
            return self.compile_store(target);
        }
        match &target.kind {
            ExprKind::Name(_) => {}
            ExprKind::Attribute { value, .. } => {
                self.compile_expr(value)?;
                self.emit(Instr::Pop);
            }
            ExprKind::Subscript { value, index } => {
                for e in [value, index] {
                    self.compile_expr(e)?;
                    self.emit(Instr::Pop);
                }
            }
            _ => {
                return Err(error(
                    format!("illegal target for annotation: {}", describe(target)),
                    target.span,
                ));
            }
        }
        Ok(())
    }

    fn compile_while(&mut self, s: &Stmt, test: &'a Expr, body: &'a [Stmt], orelse: &'a [Stmt]) -> CResult {
        let start = self.new_label();
        let orelse_label = self.new_label();
        let exit = self.new_label();
        self.bind(start);
        if !is_const_true(test) {
            self.compile_jump_if(test, false, orelse_label)?;
        }
        self.unit_mut().fblocks.push(FBlock::WhileLoop { start, exit });
        self.compile_body(body)?;
        self.unit_mut().fblocks.pop();
        self.set_line(s.span);
        self.jump(start);
        self.bind(orelse_label);
        self.compile_body(orelse)?;
        self.bind(exit);
        Ok(())
    }

    /// An expression only iterated or searched (`for x in E`, comprehensions, `y in E`): like
    /// CPython's AST optimizer, a set display of constants becomes a frozenset constant.
    fn compile_iterable(&mut self, e: &'a Expr) -> CResult {
        if let ExprKind::Set(elts) = &e.kind
            && let Some(frozen) = constant_set(elts)
        {
            self.load_const(frozen);
            return Ok(());
        }
        self.compile_expr(e)
    }

    fn compile_for(
        &mut self,
        s: &Stmt,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> CResult {
        let start = self.new_label();
        let cleanup = self.new_label();
        let exit = self.new_label();
        self.compile_iterable(iter)?;
        self.emit(Instr::GetIter);
        self.bind(start);
        self.emit_to(Instr::ForIter, cleanup)?;
        self.compile_store(target)?;
        self.unit_mut().fblocks.push(FBlock::ForLoop { start, exit });
        self.compile_body(body)?;
        self.unit_mut().fblocks.pop();
        self.set_line(s.span);
        self.jump(start);
        self.bind(cleanup);
        self.compile_body(orelse)?;
        self.bind(exit);
        Ok(())
    }

    fn compile_return(&mut self, span: Span, value: Option<&'a Expr>) -> CResult {
        if !matches!(self.scope_kind(), CodeKind::Function | CodeKind::Lambda) {
            return Err(error("'return' outside function", span));
        }
        // A computed value is kept on the stack while the blocks are unwound; a constant is
        // simply loaded afterwards.
        let preserve = value.is_some_and(|v| !matches!(v.kind, ExprKind::Constant(_)));
        if let Some(v) = value.filter(|_| preserve) {
            self.compile_expr(v)?;
        }
        self.unwind_fblocks(preserve, false)?;
        match value {
            None => self.load_const(Constant::None),
            Some(v) if !preserve => self.compile_expr(v)?,
            Some(_) => {}
        }
        self.emit(Instr::ReturnValue);
        Ok(())
    }

    fn compile_break(&mut self, span: Span) -> CResult {
        let Some(fblock) = self.unwind_fblocks(false, true)? else {
            return Err(error("'break' outside loop", span));
        };
        self.unwind_fblock(&fblock, false)?;
        if let FBlock::WhileLoop { exit, .. } | FBlock::ForLoop { exit, .. } = fblock {
            self.jump(exit);
        }
        Ok(())
    }

    fn compile_continue(&mut self, span: Span) -> CResult {
        match self.unwind_fblocks(false, true)? {
            Some(FBlock::WhileLoop { start, .. } | FBlock::ForLoop { start, .. }) => {
                self.jump(start);
                Ok(())
            }
            _ => Err(error("'continue' not properly in loop", span)),
        }
    }

    /// Emit the cleanup of every open block, innermost first, stopping at the innermost loop
    /// when `to_loop` (which is returned, not unwound). While a block's cleanup is emitted the
    /// blocks inside it are closed, so a `finally` body inlined here sees the right loops.
    fn unwind_fblocks(&mut self, preserve_tos: bool, to_loop: bool) -> Result<Option<FBlock<'a>>, SyntaxError> {
        let mut closed = Vec::new();
        let mut result = Ok(None);
        while let Some(top) = self.unit().fblocks.last().cloned() {
            if to_loop && matches!(top, FBlock::WhileLoop { .. } | FBlock::ForLoop { .. }) {
                result = Ok(Some(top));
                break;
            }
            self.unit_mut().fblocks.pop();
            let unwound = self.unwind_fblock(&top, preserve_tos);
            closed.push(top);
            if let Err(e) = unwound {
                result = Err(e);
                break;
            }
        }
        self.unit_mut().fblocks.extend(closed.into_iter().rev());
        result
    }

    /// The cleanup code for leaving one block early (CPython's `compiler_unwind_fblock`).
    fn unwind_fblock(&mut self, fblock: &FBlock<'a>, preserve_tos: bool) -> CResult {
        match fblock {
            FBlock::WhileLoop { .. } => {}
            FBlock::ForLoop { .. } | FBlock::PopValue => {
                if preserve_tos {
                    self.emit(Instr::Rot2);
                }
                self.emit(Instr::Pop);
            }
            FBlock::TryExcept => self.emit(Instr::PopBlock),
            FBlock::FinallyTry(finalbody) => {
                self.emit(Instr::PopBlock);
                if preserve_tos {
                    self.unit_mut().fblocks.push(FBlock::PopValue);
                }
                let loc = self.unit().loc;
                self.compile_body(finalbody)?;
                self.unit_mut().loc = loc;
                if preserve_tos {
                    self.unit_mut().fblocks.pop();
                }
            }
            FBlock::FinallyEnd => {
                if preserve_tos {
                    self.emit(Instr::Rot2);
                }
                self.emit(Instr::Pop);
                self.emit(Instr::PopExcept);
            }
            FBlock::With => {
                self.emit(Instr::PopBlock);
                if preserve_tos {
                    self.emit(Instr::Rot2);
                }
                self.call_exit_with_nones();
            }
            FBlock::HandlerCleanup { name } => {
                if name.is_some() {
                    self.emit(Instr::PopBlock);
                }
                self.emit(Instr::PopExcept);
                if let Some(name) = name {
                    self.clear_name(name)?;
                }
            }
        }
        Ok(())
    }

    /// `exit(None, None, None)` with the bound `__exit__` on TOS; the result is dropped.
    fn call_exit_with_nones(&mut self) {
        self.load_const(Constant::None);
        self.emit(Instr::Dup);
        self.emit(Instr::Dup);
        self.emit(Instr::Call(3));
        self.emit(Instr::Pop);
    }

    /// `name = None; del name`: the `as` name of an except clause does not outlive it.
    fn clear_name(&mut self, name: &str) -> CResult {
        self.load_const(Constant::None);
        self.name_op(name, Ctx::Store)?;
        self.name_op(name, Ctx::Del)
    }

    /// ```text
    ///     SetupTry H; <body>; PopBlock; <orelse>; Jump END
    /// H:  (exception on the stack) for each clause:
    ///       [<type>; CheckExcMatch; PopJumpIfFalse NEXT]
    ///       StoreX name; SetupTry CLEANUP; <body>; PopBlock; PopExcept; name = None; del name; Jump END
    ///       CLEANUP: name = None; del name; Reraise          (clauses without `as`: Pop; <body>; PopExcept; Jump END)
    ///     NEXT: ...
    ///     Reraise                                               (no clause matched)
    /// END:
    /// ```
    fn compile_try_except(&mut self, t: &'a ast::Try) -> CResult {
        let handler = self.new_label();
        let end = self.new_label();
        self.emit_to(Instr::SetupTry, handler)?;
        self.unit_mut().fblocks.push(FBlock::TryExcept);
        self.compile_body(&t.body)?;
        self.unit_mut().fblocks.pop();
        self.emit(Instr::PopBlock);
        self.compile_body(&t.orelse)?;
        self.jump(end);

        self.bind(handler);
        let mut caught_all = false;
        for (i, h) in t.handlers.iter().enumerate() {
            self.set_line(h.span);
            if h.kind.is_none() && i + 1 < t.handlers.len() {
                return Err(error("default 'except:' must be last", h.span));
            }
            let next = self.new_label();
            match &h.kind {
                Some(kind) => {
                    self.compile_expr(kind)?;
                    self.emit(Instr::CheckExcMatch);
                    self.emit_to(Instr::PopJumpIfFalse, next)?;
                }
                None => caught_all = true,
            }
            match &h.name {
                Some(name) => {
                    // try: body finally: name = None; del name
                    let cleanup = self.new_label();
                    self.name_op(name, Ctx::Store)?;
                    self.emit_to(Instr::SetupTry, cleanup)?;
                    self.unit_mut()
                        .fblocks
                        .push(FBlock::HandlerCleanup { name: Some(name) });
                    self.compile_body(&h.body)?;
                    self.unit_mut().fblocks.pop();
                    self.set_line(h.span);
                    self.emit(Instr::PopBlock);
                    self.emit(Instr::PopExcept);
                    self.clear_name(name)?;
                    self.jump(end);
                    self.bind(cleanup);
                    self.clear_name(name)?;
                    self.emit(Instr::Reraise);
                }
                None => {
                    self.emit(Instr::Pop);
                    self.unit_mut().fblocks.push(FBlock::HandlerCleanup { name: None });
                    self.compile_body(&h.body)?;
                    self.unit_mut().fblocks.pop();
                    self.emit(Instr::PopExcept);
                    self.jump(end);
                }
            }
            self.bind(next);
        }
        if !caught_all {
            self.emit(Instr::Reraise);
        }
        self.bind(end);
        Ok(())
    }

    /// ```text
    ///     SetupTry H; <try/except/else>; PopBlock; <finalbody>; Jump END
    /// H:  (exception on the stack) <finalbody>; Reraise
    /// END:
    /// ```
    fn compile_try_finally(&mut self, t: &'a ast::Try) -> CResult {
        let handler = self.new_label();
        let end = self.new_label();
        self.emit_to(Instr::SetupTry, handler)?;
        self.unit_mut().fblocks.push(FBlock::FinallyTry(&t.finalbody));
        if t.handlers.is_empty() {
            self.compile_body(&t.body)?;
            self.compile_body(&t.orelse)?;
        } else {
            self.compile_try_except(t)?;
        }
        self.unit_mut().fblocks.pop();
        self.emit(Instr::PopBlock);
        self.compile_body(&t.finalbody)?;
        self.jump(end);

        self.bind(handler);
        self.unit_mut().fblocks.push(FBlock::FinallyEnd);
        self.compile_body(&t.finalbody)?;
        self.unit_mut().fblocks.pop();
        self.emit(Instr::Reraise);
        self.bind(end);
        Ok(())
    }

    /// `with a as x, b: body` is `with a as x: with b: body`. For each item:
    /// ```text
    ///     <context>; BeforeWith; StoreX x (or Pop); SetupTry H; <body>;
    ///     PopBlock; exit(None, None, None); Pop; Jump END
    /// H:  WithExceptStart; PopJumpIfTrue SUPPRESS; Reraise
    /// SUPPRESS: Pop (exception); PopExcept; Pop (exit)
    /// END:
    /// ```
    /// The `as` target is stored before `SetupTry`: the try block must be set up with only
    /// `__exit__` on the stack (the handler truncates to that depth), and `BeforeWith` leaves the
    /// `__enter__` result above it.
    fn compile_with(&mut self, s: &Stmt, items: &'a [ast::WithItem], body: &'a [Stmt]) -> CResult {
        let Some((item, rest)) = items.split_first() else {
            return self.compile_body(body);
        };
        self.enter(s.span)?;
        let handler = self.new_label();
        let suppress = self.new_label();
        let end = self.new_label();
        self.compile_expr(&item.context)?;
        self.emit(Instr::BeforeWith);
        match &item.target {
            Some(target) => self.compile_store(target)?,
            None => self.emit(Instr::Pop),
        }
        self.emit_to(Instr::SetupTry, handler)?;
        self.unit_mut().fblocks.push(FBlock::With);
        self.compile_with(s, rest, body)?;
        self.unit_mut().fblocks.pop();
        self.set_line(s.span);
        self.emit(Instr::PopBlock);
        self.call_exit_with_nones();
        self.jump(end);

        self.bind(handler);
        self.emit(Instr::WithExceptStart);
        self.emit_to(Instr::PopJumpIfTrue, suppress)?;
        self.emit(Instr::Reraise);
        self.bind(suppress);
        self.emit(Instr::Pop);
        self.emit(Instr::PopExcept);
        self.emit(Instr::Pop);
        self.bind(end);
        self.leave();
        Ok(())
    }

    // ----- functions and classes ---------------------------------------------------------------

    fn compile_function_def(&mut self, s: &Stmt, f: &'a FunctionDef) -> CResult {
        let id = self
            .table
            .function_scope(f)
            .ok_or_else(|| internal("function without scope"))?;
        for d in &f.decorators {
            self.compile_expr(d)?;
        }
        self.set_line(s.span);
        let flags = self.compile_defaults(&f.params)?;

        let first_line = self.unit().loc.line;
        self.push_unit(id, first_line);
        // Like CPython, constants[0] of a function is its docstring (or None).
        let body = match split_docstring(&f.body) {
            Some((doc, rest)) => {
                self.add_const(Constant::Str(doc.to_owned()));
                rest
            }
            None => {
                self.add_const(Constant::None);
                &f.body
            }
        };
        self.compile_body(body)?;
        if self.can_fall_off_end() {
            self.emit_return_none();
        }
        let code = self.finish_unit()?;

        self.make_closure(code, flags)?;
        for _ in &f.decorators {
            self.emit(Instr::Call(1));
        }
        self.name_op(&f.name, Ctx::Store)
    }

    /// Push the defaults tuple and keyword-only defaults dict; returns the MakeFunction flags.
    fn compile_defaults(&mut self, params: &'a Params) -> Result<u32, SyntaxError> {
        let mut flags = 0;
        let defaults: Vec<&Expr> = params.args.iter().filter_map(|p| p.default.as_ref()).collect();
        if !defaults.is_empty() {
            match defaults.iter().map(|d| fold_constant(d)).collect::<Option<Vec<_>>>() {
                Some(values) => self.load_const(Constant::Tuple(values)),
                None => {
                    for d in &defaults {
                        self.compile_expr(d)?;
                    }
                    self.emit(Instr::BuildTuple(operand(defaults.len())?));
                }
            }
            flags |= make_function_flags::DEFAULTS;
        }
        let kw_defaults: Vec<(&str, &Expr)> = params
            .kwonly
            .iter()
            .filter_map(|p| Some((p.name.as_str(), p.default.as_ref()?)))
            .collect();
        if !kw_defaults.is_empty() {
            for (name, default) in &kw_defaults {
                let key = self.mangle(name);
                self.load_const(Constant::Str(key));
                self.compile_expr(default)?;
            }
            self.emit(Instr::BuildMap(operand(kw_defaults.len())?));
            flags |= make_function_flags::KW_DEFAULTS;
        }
        Ok(flags)
    }

    /// Push the closure tuple (if `code` has free variables), the code, and MakeFunction.
    fn make_closure(&mut self, code: CodeObject, mut flags: u32) -> CResult {
        if !code.freevars.is_empty() {
            for name in &code.freevars {
                let cell = self.cell_index(name)?;
                self.emit(Instr::LoadClosure(cell));
            }
            self.emit(Instr::BuildTuple(operand(code.freevars.len())?));
            flags |= make_function_flags::CLOSURE;
        }
        self.load_const(Constant::Code(Arc::new(code)));
        self.emit(Instr::MakeFunction(flags));
        Ok(())
    }

    fn compile_class_def(&mut self, s: &Stmt, c: &'a ClassDef) -> CResult {
        let id = self
            .table
            .class_scope(c)
            .ok_or_else(|| internal("class without scope"))?;
        for d in &c.decorators {
            self.compile_expr(d)?;
        }
        self.set_line(s.span);
        self.emit(Instr::LoadBuildClass);

        let first_line = self.unit().loc.line;
        self.push_unit(id, first_line);
        let module = self.name_index("__name__");
        self.emit(Instr::LoadName(module));
        let module = self.name_index("__module__");
        self.emit(Instr::StoreName(module));
        let qualname = self.table.scope(id).qualname.clone();
        self.load_const(Constant::Str(qualname));
        let qualname = self.name_index("__qualname__");
        self.emit(Instr::StoreName(qualname));
        self.compile_namespace_body(&c.body)?;
        // The body returns the `__class__` cell so __build_class__ can fill it in.
        if self.table.scope(id).needs_class_cell {
            let cell = self.cell_index("__class__")?;
            self.emit(Instr::LoadClosure(cell));
            self.emit(Instr::ReturnValue);
        } else {
            self.emit_return_none();
        }
        let code = self.finish_unit()?;

        self.make_closure(code, 0)?;
        self.load_const(Constant::Str(c.name.clone()));
        self.compile_call_args(2, &c.bases, &c.keywords)?;
        for _ in &c.decorators {
            self.emit(Instr::Call(1));
        }
        self.name_op(&c.name, Ctx::Store)
    }

    fn compile_lambda(&mut self, e: &'a Expr, params: &'a Params, body: &'a Expr) -> CResult {
        let id = self
            .table
            .expr_scope(e)
            .ok_or_else(|| internal("lambda without scope"))?;
        let flags = self.compile_defaults(params)?;
        let line = self.unit().loc.line;
        self.push_unit(id, line);
        // No docstring: constants[0] is None, as for functions without one.
        self.add_const(Constant::None);
        self.compile_expr(body)?;
        if self.table.scope(id).is_generator {
            // A generator lambda's value is whatever is sent to its last yield; it returns None.
            self.emit(Instr::Pop);
            self.emit_return_none();
        } else {
            self.emit(Instr::ReturnValue);
        }
        let code = self.finish_unit()?;
        self.make_closure(code, flags)
    }

    // ----- assignment targets ------------------------------------------------------------------

    /// Store TOS into `target`; what can fail there (unpacking, a subscript or attribute store)
    /// is attributed to the target.
    fn compile_store(&mut self, target: &'a Expr) -> CResult {
        let loc = self.unit().loc;
        self.set_line(target.span);
        let result = self.compile_store_kind(target);
        self.unit_mut().loc = loc;
        result
    }

    fn compile_store_kind(&mut self, target: &'a Expr) -> CResult {
        match &target.kind {
            ExprKind::Name(name) => self.name_op(name, Ctx::Store),
            ExprKind::Attribute { value, attr } => {
                self.compile_expr(value)?;
                let i = self.name_index(&self.mangle(attr));
                self.emit(Instr::StoreAttr(i));
                Ok(())
            }
            ExprKind::Subscript { value, index } => {
                self.compile_expr(value)?;
                self.compile_expr(index)?;
                self.emit(Instr::StoreSubscr);
                Ok(())
            }
            ExprKind::Tuple(elts) | ExprKind::List(elts) => self.compile_unpack(target, elts),
            ExprKind::Starred(_) => Err(error(
                "starred assignment target must be in a list or tuple",
                target.span,
            )),
            _ => Err(error(format!("cannot assign to {}", describe(target)), target.span)),
        }
    }

    fn compile_unpack(&mut self, target: &'a Expr, elts: &'a [Expr]) -> CResult {
        self.enter(target.span)?;
        let mut starred = elts
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.kind, ExprKind::Starred(_)));
        match (starred.next(), starred.next()) {
            (Some(_), Some((_, second))) => {
                return Err(error("multiple starred expressions in assignment", second.span));
            }
            (Some((i, _)), None) => {
                let too_many = || error("too many expressions in star-unpacking assignment", target.span);
                let before = u16::try_from(i).map_err(|_| too_many())?;
                let after = u16::try_from(elts.len() - i - 1).map_err(|_| too_many())?;
                self.emit(Instr::UnpackEx { before, after });
            }
            _ => self.emit(Instr::UnpackSequence(operand(elts.len())?)),
        }
        for elt in elts {
            match &elt.kind {
                ExprKind::Starred(inner) => self.compile_store(inner)?,
                _ => self.compile_store(elt)?,
            }
        }
        self.leave();
        Ok(())
    }

    fn compile_delete(&mut self, target: &'a Expr) -> CResult {
        self.enter(target.span)?;
        self.set_line(target.span);
        match &target.kind {
            ExprKind::Name(name) => self.name_op(name, Ctx::Del)?,
            ExprKind::Attribute { value, attr } => {
                self.compile_expr(value)?;
                let i = self.name_index(&self.mangle(attr));
                self.emit(Instr::DeleteAttr(i));
            }
            ExprKind::Subscript { value, index } => {
                self.compile_expr(value)?;
                self.compile_expr(index)?;
                self.emit(Instr::DeleteSubscr);
            }
            ExprKind::Tuple(elts) | ExprKind::List(elts) => elts.iter().try_for_each(|e| self.compile_delete(e))?,
            _ => {
                return Err(error(format!("cannot delete {}", describe(target)), target.span));
            }
        }
        self.leave();
        Ok(())
    }

    // ----- expressions -------------------------------------------------------------------------

    fn compile_expr(&mut self, e: &'a Expr) -> CResult {
        self.enter(e.span)?;
        let loc = self.unit().loc;
        self.set_line(e.span);
        self.compile_expr_kind(e)?;
        self.unit_mut().loc = loc;
        self.leave();
        Ok(())
    }

    fn compile_expr_kind(&mut self, e: &'a Expr) -> CResult {
        match &e.kind {
            ExprKind::Name(name) => self.name_op(name, Ctx::Load)?,
            ExprKind::Constant(c) => self.load_const(constant(c)),
            ExprKind::JoinedStr(parts) => self.compile_fstring(e, parts)?,
            ExprKind::Tuple(elts) => match fold_constant(e) {
                Some(c) => self.load_const(c),
                None => self.compile_sequence(elts, 0, Seq::Tuple)?,
            },
            ExprKind::List(elts) => self.compile_sequence(elts, 0, Seq::List)?,
            ExprKind::Set(elts) => self.compile_sequence(elts, 0, Seq::Set)?,
            ExprKind::Dict(items) => self.compile_dict(items)?,
            ExprKind::Starred(_) => return Err(error("can't use starred expression here", e.span)),
            ExprKind::BinOp { .. } => {
                // Left-nested chains (`a + b + c + ...`) are compiled iteratively.
                let mut spine = Vec::new();
                let mut cur = e;
                while let ExprKind::BinOp { left, op, right } = &cur.kind {
                    spine.push((cur.span, *op, &**right));
                    cur = left;
                }
                self.compile_expr(cur)?;
                for (span, op, right) in spine.into_iter().rev() {
                    self.compile_expr(right)?;
                    self.set_line(span);
                    self.emit(Instr::Binary(op.into()));
                }
            }
            ExprKind::UnaryOp { op, operand } => match (op, &operand.kind) {
                // Fold `-<number literal>` into a negative constant.
                (UnaryOp::Neg, ExprKind::Constant(ast::Constant::Int(i))) => self.load_const(Constant::Int(-i)),
                (UnaryOp::Neg, ExprKind::Constant(ast::Constant::Float(f))) => self.load_const(Constant::Float(-f)),
                _ => {
                    self.compile_expr(operand)?;
                    self.emit(Instr::Unary((*op).into()));
                }
            },
            ExprKind::BoolOp { op, values } => {
                let end = self.new_label();
                let jump: fn(u32) -> Instr = match op {
                    BoolOp::And => Instr::JumpIfFalseOrPop,
                    BoolOp::Or => Instr::JumpIfTrueOrPop,
                };
                let Some((last, init)) = values.split_last() else {
                    return Err(error("empty boolean operation", e.span));
                };
                for v in init {
                    self.compile_expr(v)?;
                    self.emit_to(jump, end)?;
                }
                self.compile_expr(last)?;
                self.bind(end);
            }
            ExprKind::Compare { left, ops, comparators } => self.compile_compare(e, left, ops, comparators)?,
            ExprKind::Call { func, args, keywords } => self.compile_call(func, args, keywords)?,
            ExprKind::Attribute { value, attr } => {
                self.compile_expr(value)?;
                let i = self.name_index(&self.mangle(attr));
                self.emit(Instr::LoadAttr(i));
            }
            ExprKind::Subscript { value, index } => {
                self.compile_expr(value)?;
                self.compile_expr(index)?;
                self.emit(Instr::BinarySubscr);
            }
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper] {
                    match part {
                        Some(p) => self.compile_expr(p)?,
                        None => self.load_const(Constant::None),
                    }
                }
                match step {
                    Some(step) => {
                        self.compile_expr(step)?;
                        self.emit(Instr::BuildSlice(3));
                    }
                    None => self.emit(Instr::BuildSlice(2)),
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                let orelse_label = self.new_label();
                let end = self.new_label();
                self.compile_jump_if(test, false, orelse_label)?;
                self.compile_expr(body)?;
                self.jump(end);
                self.bind(orelse_label);
                self.compile_expr(orelse)?;
                self.bind(end);
            }
            ExprKind::Lambda { params, body } => self.compile_lambda(e, params, body)?,
            ExprKind::ListComp { elt, generators } => {
                self.compile_comprehension(e, CompKind::List, generators, elt, None)?;
            }
            ExprKind::SetComp { elt, generators } => {
                self.compile_comprehension(e, CompKind::Set, generators, elt, None)?;
            }
            ExprKind::DictComp { key, value, generators } => {
                self.compile_comprehension(e, CompKind::Dict, generators, key, Some(value))?;
            }
            ExprKind::GeneratorExp { elt, generators } => {
                self.compile_comprehension(e, CompKind::Gen, generators, elt, None)?;
            }
            ExprKind::Yield(value) => {
                match value {
                    Some(v) => self.compile_expr(v)?,
                    None => self.load_const(Constant::None),
                }
                self.emit(Instr::YieldValue);
            }
            ExprKind::YieldFrom(value) => {
                self.compile_expr(value)?;
                self.emit(Instr::GetYieldFromIter);
                self.load_const(Constant::None);
                self.emit(Instr::YieldFrom);
            }
            ExprKind::Await(_) => {
                let msg = self.add_const(Constant::Str("await is not supported".into()));
                self.emit(Instr::Unsupported(msg));
            }
            ExprKind::NamedExpr { target, value } => {
                if !matches!(target.kind, ExprKind::Name(_)) {
                    return Err(error(
                        format!("cannot use assignment expressions with {}", describe(target)),
                        target.span,
                    ));
                }
                self.compile_expr(value)?;
                self.emit(Instr::Dup);
                self.compile_store(target)?;
            }
        }
        Ok(())
    }

    /// Jump to `target` when `e` is truthy (`when` = true) or falsy, without materialising
    /// `not`/`and`/`or` results (CPython's `compiler_jump_if`).
    fn compile_jump_if(&mut self, e: &'a Expr, when: bool, target: Label) -> CResult {
        match &e.kind {
            ExprKind::UnaryOp {
                op: UnaryOp::Not,
                operand,
            } => {
                self.enter(e.span)?;
                self.compile_jump_if(operand, !when, target)?;
                self.leave();
            }
            ExprKind::BoolOp { op, values } if !values.is_empty() => {
                self.enter(e.span)?;
                let is_or = *op == BoolOp::Or;
                let (last, init) = (&values[values.len() - 1], &values[..values.len() - 1]);
                if is_or == when {
                    // `a or b` jumps when any is true; `a and b` jumps when any is false.
                    for v in init {
                        self.compile_jump_if(v, when, target)?;
                    }
                    self.compile_jump_if(last, when, target)?;
                } else {
                    let skip = self.new_label();
                    for v in init {
                        self.compile_jump_if(v, !when, skip)?;
                    }
                    self.compile_jump_if(last, when, target)?;
                    self.bind(skip);
                }
                self.leave();
            }
            _ => {
                self.compile_expr(e)?;
                self.emit_to(
                    if when {
                        Instr::PopJumpIfTrue
                    } else {
                        Instr::PopJumpIfFalse
                    },
                    target,
                )?;
            }
        }
        Ok(())
    }

    /// `a < b < c`: `a; b; Dup; Rot3; Compare; JumpIfFalseOrPop CLEANUP; c; Compare; Jump END;
    /// CLEANUP: Rot2; Pop; END:`.
    fn compile_compare(&mut self, e: &Expr, left: &'a Expr, ops: &[ast::CmpOp], comparators: &'a [Expr]) -> CResult {
        if ops.len() != comparators.len() || ops.is_empty() {
            return Err(error("malformed comparison", e.span));
        }
        self.compile_expr(left)?;
        let n = ops.len();
        // The last operand of `in` is only searched.
        let compile_last = |c: &mut Self| match ops[n - 1] {
            ast::CmpOp::In | ast::CmpOp::NotIn => c.compile_iterable(&comparators[n - 1]),
            _ => c.compile_expr(&comparators[n - 1]),
        };
        if n == 1 {
            compile_last(self)?;
            self.emit(Instr::Compare(ops[0].into()));
            return Ok(());
        }
        let cleanup = self.new_label();
        let end = self.new_label();
        for (op, right) in ops[..n - 1].iter().zip(comparators) {
            self.compile_expr(right)?;
            self.emit(Instr::Dup);
            self.emit(Instr::Rot3);
            self.emit(Instr::Compare((*op).into()));
            self.emit_to(Instr::JumpIfFalseOrPop, cleanup)?;
        }
        compile_last(self)?;
        self.emit(Instr::Compare(ops[n - 1].into()));
        self.jump(end);
        self.bind(cleanup);
        self.emit(Instr::Rot2);
        self.emit(Instr::Pop);
        self.bind(end);
        Ok(())
    }

    fn compile_call(&mut self, func: &'a Expr, args: &'a [Expr], keywords: &'a [Keyword]) -> CResult {
        let plain_args = !args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)));
        if let ExprKind::Attribute { value, attr } = &func.kind
            && keywords.is_empty()
            && plain_args
        {
            // obj.m(args): no bound-method object is created.
            self.compile_expr(value)?;
            let loc = self.unit().loc;
            self.set_line(func.span);
            let i = self.name_index(&self.mangle(attr));
            self.emit(Instr::LoadMethod(i));
            self.unit_mut().loc = loc;
            for a in args {
                self.compile_expr(a)?;
            }
            self.emit(Instr::CallMethod(operand(args.len())?));
            return Ok(());
        }
        self.compile_expr(func)?;
        self.compile_call_args(0, args, keywords)
    }

    /// Push the arguments and emit the call; `pushed` positional arguments are already on the
    /// stack above the callable (the class body function and name for `__build_class__`).
    fn compile_call_args(&mut self, pushed: usize, args: &'a [Expr], keywords: &'a [Keyword]) -> CResult {
        check_keywords(keywords)?;
        let starred = args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)));
        let double_starred = keywords.iter().any(|k| k.arg.is_none());
        if !starred && !double_starred {
            for a in args {
                self.compile_expr(a)?;
            }
            let argc = operand(pushed + args.len() + keywords.len())?;
            if keywords.is_empty() {
                self.emit(Instr::Call(argc));
            } else {
                for k in keywords {
                    self.compile_expr(&k.value)?;
                }
                let names = keywords
                    .iter()
                    .filter_map(|k| k.arg.clone())
                    .map(Constant::Str)
                    .collect();
                self.load_const(Constant::Tuple(names));
                self.emit(Instr::CallKw(argc));
            }
            return Ok(());
        }
        // f(*args, **kwargs): an argument tuple and, if any keywords, a dict.
        self.compile_sequence(args, pushed, Seq::Tuple)?;
        if keywords.is_empty() {
            self.emit(Instr::CallEx(0));
            return Ok(());
        }
        let mut have_dict = false;
        let mut run_start = 0;
        for (i, k) in keywords.iter().enumerate() {
            if k.arg.is_some() {
                continue;
            }
            if run_start < i {
                self.compile_kwargs_dict(&keywords[run_start..i])?;
                if have_dict {
                    self.emit(Instr::DictMerge(1));
                }
                have_dict = true;
            }
            if !have_dict {
                self.emit(Instr::BuildMap(0));
                have_dict = true;
            }
            self.compile_expr(&k.value)?;
            self.emit(Instr::DictMerge(1));
            run_start = i + 1;
        }
        if run_start < keywords.len() {
            self.compile_kwargs_dict(&keywords[run_start..])?;
            if have_dict {
                self.emit(Instr::DictMerge(1));
            }
        }
        self.emit(Instr::CallEx(1));
        Ok(())
    }

    /// A dict of named keyword arguments.
    fn compile_kwargs_dict(&mut self, keywords: &'a [Keyword]) -> CResult {
        for k in keywords {
            self.load_const(Constant::Str(k.arg.clone().unwrap_or_default()));
            self.compile_expr(&k.value)?;
        }
        self.emit(Instr::BuildMap(operand(keywords.len())?));
        Ok(())
    }

    /// A list, set or tuple of `elts` (which may contain `*x`), with `pushed` items already on
    /// the stack in front of them (CPython's `starunpack_helper`).
    fn compile_sequence(&mut self, elts: &'a [Expr], pushed: usize, seq: Seq) -> CResult {
        // CPython builds a display of three or more constants into an empty set from one
        // frozenset constant; that path decides the set's layout.
        if seq == Seq::Set
            && pushed == 0
            && elts.len() > 2
            && let Some(frozen) = constant_set(elts)
        {
            self.emit(Instr::BuildSet(0));
            self.load_const(frozen);
            self.emit(Instr::SetUpdate(1));
            return Ok(());
        }
        let starred = elts.iter().any(|e| matches!(e.kind, ExprKind::Starred(_)));
        let big = pushed + elts.len() > STACK_USE_GUIDELINE;
        let build = |n: u32| match seq {
            Seq::List | Seq::Tuple => Instr::BuildList(n),
            Seq::Set => Instr::BuildSet(n),
        };
        if !starred && !big {
            for e in elts {
                self.compile_expr(e)?;
            }
            let n = operand(pushed + elts.len())?;
            self.emit(match seq {
                Seq::List => Instr::BuildList(n),
                Seq::Tuple => Instr::BuildTuple(n),
                Seq::Set => Instr::BuildSet(n),
            });
            return Ok(());
        }
        // Items before the first `*x` are pushed and collected at once; the rest are added one
        // by one.
        let mut built = false;
        if big {
            self.emit(build(operand(pushed)?));
            built = true;
        }
        for (i, e) in elts.iter().enumerate() {
            if !built && matches!(e.kind, ExprKind::Starred(_)) {
                self.emit(build(operand(pushed + i)?));
                built = true;
            }
            if built {
                self.compile_sequence_item(e, seq)?;
            } else {
                self.compile_expr(e)?;
            }
        }
        if seq == Seq::Tuple {
            self.emit(Instr::ListToTuple);
        }
        Ok(())
    }

    /// Add one item (or all items of `*x`) to the list/set on TOS.
    fn compile_sequence_item(&mut self, e: &'a Expr, seq: Seq) -> CResult {
        let is_set = seq == Seq::Set;
        match &e.kind {
            ExprKind::Starred(inner) => {
                self.compile_expr(inner)?;
                self.emit(if is_set {
                    Instr::SetUpdate(1)
                } else {
                    Instr::ListExtend(1)
                });
            }
            _ => {
                self.compile_expr(e)?;
                self.emit(if is_set { Instr::SetAdd(1) } else { Instr::ListAppend(1) });
            }
        }
        Ok(())
    }

    /// `{k: v, **m}`: runs of pairs become BuildMap, merged with DictUpdate.
    fn compile_dict(&mut self, items: &'a [(Option<Expr>, Expr)]) -> CResult {
        let mut have_dict = false;
        let mut run: Vec<(&'a Expr, &'a Expr)> = Vec::new();
        for (key, value) in items {
            match key {
                Some(key) => {
                    run.push((key, value));
                    if run.len() * 2 > STACK_USE_GUIDELINE {
                        self.compile_dict_run(&mut run, &mut have_dict)?;
                    }
                }
                None => {
                    self.compile_dict_run(&mut run, &mut have_dict)?;
                    if !have_dict {
                        self.emit(Instr::BuildMap(0));
                        have_dict = true;
                    }
                    self.compile_expr(value)?;
                    self.emit(Instr::DictUpdate(1));
                }
            }
        }
        self.compile_dict_run(&mut run, &mut have_dict)?;
        if !have_dict {
            self.emit(Instr::BuildMap(0));
        }
        Ok(())
    }

    fn compile_dict_run(&mut self, run: &mut Vec<(&'a Expr, &'a Expr)>, have_dict: &mut bool) -> CResult {
        if run.is_empty() {
            return Ok(());
        }
        for (key, value) in run.iter() {
            self.compile_expr(key)?;
            self.compile_expr(value)?;
        }
        self.emit(Instr::BuildMap(operand(run.len())?));
        if *have_dict {
            self.emit(Instr::DictUpdate(1));
        }
        *have_dict = true;
        run.clear();
        Ok(())
    }

    fn compile_fstring(&mut self, e: &Expr, parts: &'a [FStringPart]) -> CResult {
        match parts {
            [] => self.load_const(Constant::Str(String::new())),
            [FStringPart::Literal(s)] => self.load_const(Constant::Str(s.clone())),
            _ => {
                for part in parts {
                    match part {
                        FStringPart::Literal(s) => self.load_const(Constant::Str(s.clone())),
                        FStringPart::Formatted {
                            value,
                            conversion,
                            format_spec,
                        } => {
                            self.compile_expr(value)?;
                            let mut flags = match conversion {
                                None => format_flags::NO_CONVERSION,
                                Some('s') => format_flags::STR,
                                Some('r') => format_flags::REPR,
                                Some('a') => format_flags::ASCII,
                                Some(c) => {
                                    return Err(error(
                                        format!(
                                            "f-string: invalid conversion character '{c}': expected 's', 'r', or 'a'"
                                        ),
                                        e.span,
                                    ));
                                }
                            };
                            if let Some(spec) = format_spec {
                                self.enter(e.span)?;
                                self.compile_fstring(e, spec)?;
                                self.leave();
                                flags |= format_flags::HAS_SPEC;
                            }
                            self.emit(Instr::FormatValue(flags));
                        }
                    }
                }
                if parts.len() > 1 {
                    self.emit(Instr::BuildString(operand(parts.len())?));
                }
            }
        }
        Ok(())
    }

    /// A comprehension is a function of one argument, the iterator over the outermost iterable
    /// (evaluated here, in the enclosing scope): `MakeFunction; <iter>; GetIter; Call(1)`.
    fn compile_comprehension(
        &mut self,
        e: &'a Expr,
        kind: CompKind,
        generators: &'a [Comprehension],
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> CResult {
        let id = self
            .table
            .expr_scope(e)
            .ok_or_else(|| internal("comprehension without scope"))?;
        let Some(first) = generators.first() else {
            return Err(error("comprehension without 'for'", e.span));
        };
        let line = self.unit().loc.line;
        self.push_unit(id, line);
        match kind {
            CompKind::List => self.emit(Instr::BuildList(0)),
            CompKind::Set => self.emit(Instr::BuildSet(0)),
            CompKind::Dict => self.emit(Instr::BuildMap(0)),
            CompKind::Gen => {}
        }
        self.compile_comprehension_loop(kind, generators, 0, elt, value)?;
        if kind == CompKind::Gen {
            self.load_const(Constant::None);
        }
        self.emit(Instr::ReturnValue);
        let code = self.finish_unit()?;

        self.make_closure(code, 0)?;
        self.compile_iterable(&first.iter)?;
        self.emit(Instr::GetIter);
        self.emit(Instr::Call(1));
        Ok(())
    }

    fn compile_comprehension_loop(
        &mut self,
        kind: CompKind,
        generators: &'a [Comprehension],
        i: usize,
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> CResult {
        let g = &generators[i];
        self.enter(g.iter.span)?;
        let start = self.new_label();
        let next = self.new_label();
        let end = self.new_label();
        if i == 0 {
            self.name_op(".0", Ctx::Load)?;
        } else {
            self.compile_iterable(&g.iter)?;
            self.emit(Instr::GetIter);
        }
        self.bind(start);
        self.emit_to(Instr::ForIter, end)?;
        self.compile_store(&g.target)?;
        // A failed condition goes forward to the shared back edge, never backwards itself.
        for cond in &g.ifs {
            self.compile_jump_if(cond, false, next)?;
        }
        if i + 1 < generators.len() {
            self.compile_comprehension_loop(kind, generators, i + 1, elt, value)?;
        } else {
            // The container sits under one iterator per `for`.
            let depth = operand(generators.len() + 1)?;
            self.compile_expr(elt)?;
            match (kind, value) {
                (CompKind::List, _) => self.emit(Instr::ListAppend(depth)),
                (CompKind::Set, _) => self.emit(Instr::SetAdd(depth)),
                (CompKind::Dict, Some(value)) => {
                    self.compile_expr(value)?;
                    self.emit(Instr::MapAdd(depth));
                }
                (CompKind::Dict, None) => return Err(internal("dict comprehension without value")),
                (CompKind::Gen, _) => {
                    self.emit(Instr::YieldValue);
                    self.emit(Instr::Pop);
                }
            }
        }
        self.bind(next);
        self.jump(start);
        self.bind(end);
        self.leave();
        Ok(())
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
        ast::Constant::Complex(f) => Constant::Complex(*f),
        ast::Constant::Str(s) => Constant::Str(s.clone()),
        ast::Constant::Bytes(b) => Constant::Bytes(b.clone()),
    }
}

/// The constant value of a literal, a negated number literal, or a tuple of those.
fn fold_constant(e: &Expr) -> Option<Constant> {
    match &e.kind {
        ExprKind::Constant(c) => Some(constant(c)),
        ExprKind::UnaryOp {
            op: UnaryOp::Neg,
            operand,
        } => match &operand.kind {
            ExprKind::Constant(ast::Constant::Int(i)) => Some(Constant::Int(-i)),
            ExprKind::Constant(ast::Constant::Float(f)) => Some(Constant::Float(-f)),
            _ => None,
        },
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
mod tests {
    use crate::compile::bytecode::{Constant, Instr, code_flags, make_function_flags};
    use crate::compile::stack::max_stack_depth;
    use crate::compile::testutil::*;
    use crate::syntax::ast::{BinOp, BoolOp, CmpOp, FStringPart, Module, Param, Params, UnaryOp};

    fn module_ops(body: Vec<crate::syntax::ast::Stmt>) -> Vec<String> {
        ops(&compile(&module(body)))
    }

    fn function_ops(m: &Module, name: &str) -> Vec<String> {
        ops(find_code(&compile(m), name))
    }

    fn s(items: &[&str]) -> Vec<String> {
        items.iter().map(|i| i.to_string()).collect()
    }

    #[test]
    fn module_assignment_and_implicit_return() {
        assert_eq!(
            module_ops(vec![
                assign(name("x"), int(1)),
                expr(call(name("print"), vec![name("x")]))
            ]),
            s(&[
                "LoadConst(1)",
                "StoreName(x)",
                "LoadName(print)",
                "LoadName(x)",
                "Call(1)",
                "Pop",
                "LoadConst(None)",
                "ReturnValue"
            ])
        );
    }

    #[test]
    fn function_locals_globals_and_docstring() {
        let m = module(vec![def(
            "f",
            &["a"],
            vec![expr(string("doc")), assign(name("b"), name("a")), ret(Some(name("c")))],
        )]);
        let code = compile(&m);
        assert_eq!(
            ops(&code),
            s(&[
                "LoadConst(<code f at t.py:1>)",
                "MakeFunction(0)",
                "StoreName(f)",
                "LoadConst(None)",
                "ReturnValue"
            ])
        );
        let f = find_code(&code, "f");
        assert_eq!(f.constants[0], Constant::Str("doc".into()));
        assert_eq!(f.varnames, s(&["a", "b"]));
        assert_eq!(f.argcount, 1);
        // The explicit return makes the implicit one unnecessary.
        assert_eq!(
            ops(f),
            s(&["LoadFast(a)", "StoreFast(b)", "LoadGlobal(c)", "ReturnValue"])
        );
    }

    #[test]
    fn closures_use_cells_and_free_variables() {
        let m = module(vec![def(
            "f",
            &["a"],
            vec![def("g", &[], vec![ret(Some(name("a")))]), ret(Some(name("g")))],
        )]);
        let code = compile(&m);
        let f = find_code(&code, "f");
        assert_eq!(f.cellvars, s(&["a"]));
        assert_eq!(f.cell_params, vec![(0, 0)]);
        assert_eq!(
            ops(f),
            s(&[
                "LoadClosure(a)",
                "BuildTuple(1)",
                "LoadConst(<code g at t.py:1>)",
                "MakeFunction(4)",
                "StoreFast(g)",
                "LoadFast(g)",
                "ReturnValue"
            ])
        );
        let g = find_code(&code, "g");
        assert_eq!(g.freevars, s(&["a"]));
        assert_eq!(g.qualname, "f.<locals>.g");
        assert_eq!(ops(g), s(&["LoadDeref(a)", "ReturnValue"]));
    }

    #[test]
    fn nonlocal_and_global_statements() {
        let m = module(vec![def(
            "f",
            &[],
            vec![
                assign(name("x"), int(0)),
                def(
                    "g",
                    &[],
                    vec![
                        nonlocal(&["x"]),
                        global(&["y"]),
                        assign(name("x"), int(1)),
                        assign(name("y"), int(2)),
                    ],
                ),
            ],
        )]);
        let g = function_ops(&m, "g");
        assert_eq!(
            g,
            s(&[
                "LoadConst(1)",
                "StoreDeref(x)",
                "LoadConst(2)",
                "StoreGlobal(y)",
                "LoadConst(None)",
                "ReturnValue"
            ])
        );
    }

    #[test]
    fn class_body_layout_and_class_cell() {
        let m = module(vec![class(
            "C",
            vec![
                expr(string("doc")),
                def(
                    "m",
                    &["self"],
                    vec![ret(Some(call(attr(call(name("super"), vec![]), "m"), vec![])))],
                ),
            ],
        )]);
        let code = compile(&m);
        assert_eq!(
            ops(&code),
            s(&[
                "LoadBuildClass",
                "LoadConst(<code C at t.py:1>)",
                "MakeFunction(0)",
                "LoadConst('C')",
                "Call(2)",
                "StoreName(C)",
                "LoadConst(None)",
                "ReturnValue"
            ])
        );
        let c = find_code(&code, "C");
        assert_eq!(c.cellvars, s(&["__class__"]));
        assert_eq!(
            ops(c),
            s(&[
                "LoadName(__name__)",
                "StoreName(__module__)",
                "LoadConst('C')",
                "StoreName(__qualname__)",
                "LoadConst('doc')",
                "StoreName(__doc__)",
                "LoadClosure(__class__)",
                "BuildTuple(1)",
                "LoadConst(<code m at t.py:1>)",
                "MakeFunction(4)",
                "StoreName(m)",
                "LoadClosure(__class__)",
                "ReturnValue",
            ])
        );
        let method = find_code(&code, "m");
        assert_eq!(method.freevars, s(&["__class__"]));
        assert_eq!(method.qualname, "C.m");
        assert_eq!(
            ops(method),
            s(&[
                "LoadGlobal(super)",
                "Call(0)",
                "LoadMethod(m)",
                "CallMethod(0)",
                "ReturnValue"
            ])
        );
    }

    #[test]
    fn class_without_cell_returns_none_and_reads_enclosing_cells_via_class_deref() {
        let m = module(vec![def(
            "f",
            &[],
            vec![
                assign(name("y"), int(1)),
                class("C", vec![assign(name("z"), name("y"))]),
            ],
        )]);
        let code = compile(&m);
        let c = find_code(&code, "C");
        assert_eq!(c.qualname, "f.<locals>.C");
        assert_eq!(c.freevars, s(&["y"]));
        assert_eq!(
            &ops(c)[4..],
            s(&["LoadClassDeref(y, y)", "StoreName(z)", "LoadConst(None)", "ReturnValue"])
        );
        let f = find_code(&code, "f");
        assert!(ops(f).contains(&"LoadClosure(y)".to_string()));
    }

    #[test]
    fn class_bases_keywords_and_decorators() {
        let mut stmt = class("C", vec![pass()]);
        if let crate::syntax::ast::StmtKind::ClassDef(c) = &mut stmt.kind {
            c.bases = vec![name("B")];
            c.keywords = vec![crate::syntax::ast::Keyword {
                span: Default::default(),
                arg: Some("metaclass".into()),
                value: name("M"),
            }];
            c.decorators = vec![name("deco")];
        }
        assert_eq!(
            module_ops(vec![stmt]),
            s(&[
                "LoadName(deco)",
                "LoadBuildClass",
                "LoadConst(<code C at t.py:1>)",
                "MakeFunction(0)",
                "LoadConst('C')",
                "LoadName(B)",
                "LoadName(M)",
                "LoadConst(('metaclass',))",
                "CallKw(4)",
                "Call(1)",
                "StoreName(C)",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
    }

    #[test]
    fn function_defaults_kwdefaults_and_decorators() {
        let with_default = |n: &str, d| Param {
            default: Some(d),
            ..param(n)
        };
        let p = Params {
            args: vec![param("a"), with_default("b", int(1)), with_default("c", name("v"))],
            kwonly: vec![with_default("k", int(2))],
            vararg: Some(param("rest")),
            kwarg: Some(param("kw")),
            ..Params::default()
        };
        let mut stmt = def_with("f", p, vec![pass()]);
        if let crate::syntax::ast::StmtKind::FunctionDef(f) = &mut stmt.kind {
            f.decorators = vec![name("d1"), name("d2")];
        }
        let code = compile(&module(vec![stmt]));
        let flags = make_function_flags::DEFAULTS | make_function_flags::KW_DEFAULTS;
        assert_eq!(
            ops(&code)[..12],
            s(&[
                "LoadName(d1)",
                "LoadName(d2)",
                "LoadConst(1)",
                "LoadName(v)",
                "BuildTuple(2)",
                "LoadConst('k')",
                "LoadConst(2)",
                "BuildMap(1)",
                "LoadConst(<code f at t.py:1>)",
                &format!("MakeFunction({flags})"),
                "Call(1)",
                "Call(1)",
            ])
        );
        let f = find_code(&code, "f");
        assert_eq!(f.varnames, s(&["a", "b", "c", "k", "rest", "kw"]));
        assert_eq!((f.argcount, f.kwonlyargcount, f.total_params()), (3, 1, 6));
        assert_eq!(f.flags, code_flags::VARARGS | code_flags::VARKEYWORDS);
        // Constant defaults fold into one tuple constant.
        let p = Params {
            args: vec![
                with_default("a", int(1)),
                with_default("b", unary(UnaryOp::Neg, int(2))),
            ],
            ..Params::default()
        };
        assert_eq!(
            module_ops(vec![def_with("g", p, vec![pass()])])[0],
            "LoadConst((1, -2))"
        );
    }

    #[test]
    fn lambda_and_generator_lambda() {
        let code = compile(&module(vec![
            assign(name("f"), lambda(&["x"], name("x"))),
            assign(name("g"), lambda(&[], yield_(None))),
        ]));
        let lambdas: Vec<_> = code
            .constants
            .iter()
            .filter_map(|c| match c {
                Constant::Code(c) => Some(c.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(lambdas[0].qualname, "<lambda>");
        assert_eq!(ops(&lambdas[0]), s(&["LoadFast(x)", "ReturnValue"]));
        assert!(lambdas[1].is_generator());
        assert_eq!(
            ops(&lambdas[1]),
            s(&["LoadConst(None)", "YieldValue", "Pop", "LoadConst(None)", "ReturnValue"])
        );
    }

    #[test]
    fn list_comprehension_is_a_function_of_the_outer_iterator() {
        let m = module(vec![def(
            "f",
            &["n"],
            vec![ret(Some(listcomp(
                bin(name("i"), BinOp::Mul, name("n")),
                vec![comp(name("i"), name("xs"), vec![name("i")])],
            )))],
        )]);
        let code = compile(&m);
        assert_eq!(
            ops(find_code(&code, "f")),
            s(&[
                "LoadClosure(n)",
                "BuildTuple(1)",
                "LoadConst(<code <listcomp> at t.py:1>)",
                "MakeFunction(4)",
                "LoadGlobal(xs)",
                "GetIter",
                "Call(1)",
                "ReturnValue",
            ])
        );
        let comp_code = find_code(&code, "<listcomp>");
        assert_eq!(comp_code.qualname, "f.<locals>.<listcomp>");
        assert_eq!(comp_code.varnames, s(&[".0", "i"]));
        assert_eq!(comp_code.argcount, 1);
        assert_eq!(
            ops(comp_code),
            s(&[
                "BuildList(0)",
                "LoadFast(.0)",
                "ForIter(11)",
                "StoreFast(i)",
                "LoadFast(i)",
                "PopJumpIfFalse(10)",
                "LoadFast(i)",
                "LoadDeref(n)",
                "Binary(Mul)",
                "ListAppend(2)",
                "JumpBackward(2)",
                "ReturnValue",
            ])
        );
    }

    #[test]
    fn nested_generators_append_to_the_list_below_all_iterators() {
        let m = module(vec![expr(listcomp(
            tuple(vec![name("a"), name("b")]),
            vec![comp(name("a"), name("xs"), vec![]), comp(name("b"), name("a"), vec![])],
        ))]);
        let code = compile(&m);
        let c = find_code(&code, "<listcomp>");
        assert_eq!(c.qualname, "<listcomp>");
        assert_eq!(
            ops(c),
            s(&[
                "BuildList(0)",
                "LoadFast(.0)",
                "ForIter(14)",
                "StoreFast(a)",
                "LoadFast(a)",
                "GetIter",
                "ForIter(13)",
                "StoreFast(b)",
                "LoadFast(a)",
                "LoadFast(b)",
                "BuildTuple(2)",
                "ListAppend(3)",
                "JumpBackward(6)",
                "JumpBackward(2)",
                "ReturnValue",
            ])
        );
    }

    #[test]
    fn dict_comprehension_and_generator_expression() {
        let code = compile(&module(vec![
            expr(dictcomp(
                name("k"),
                name("v"),
                vec![comp(tuple(vec![name("k"), name("v")]), name("items"), vec![])],
            )),
            expr(genexp(name("x"), vec![comp(name("x"), name("xs"), vec![])])),
        ]));
        assert_eq!(
            ops(find_code(&code, "<dictcomp>")),
            s(&[
                "BuildMap(0)",
                "LoadFast(.0)",
                "ForIter(10)",
                "UnpackSequence(2)",
                "StoreFast(k)",
                "StoreFast(v)",
                "LoadFast(k)",
                "LoadFast(v)",
                "MapAdd(2)",
                "JumpBackward(2)",
                "ReturnValue",
            ])
        );
        let g = find_code(&code, "<genexpr>");
        assert!(g.is_generator());
        assert_eq!(
            ops(g),
            s(&[
                "LoadFast(.0)",
                "ForIter(7)",
                "StoreFast(x)",
                "LoadFast(x)",
                "YieldValue",
                "Pop",
                "JumpBackward(1)",
                "LoadConst(None)",
                "ReturnValue"
            ])
        );
    }

    #[test]
    fn walrus_in_comprehension_binds_in_enclosing_function() {
        let m = module(vec![def(
            "f",
            &[],
            vec![
                expr(listcomp(
                    walrus("y", name("i")),
                    vec![comp(name("i"), name("xs"), vec![])],
                )),
                ret(Some(name("y"))),
            ],
        )]);
        let code = compile(&m);
        assert_eq!(find_code(&code, "f").cellvars, s(&["y"]));
        assert!(ops(find_code(&code, "<listcomp>")).contains(&"StoreDeref(y)".to_string()));
        // At module level the target is a global, in the comprehension and in the module.
        let m = module(vec![
            expr(listcomp(
                walrus("y", name("i")),
                vec![comp(name("i"), name("xs"), vec![])],
            )),
            expr(name("y")),
        ]);
        let code = compile(&m);
        assert!(ops(find_code(&code, "<listcomp>")).contains(&"StoreGlobal(y)".to_string()));
        assert!(ops(&code).contains(&"LoadGlobal(y)".to_string()));
    }

    #[test]
    fn for_loop_with_break_continue_and_else() {
        let mut loop_stmt = for_(name("x"), name("xs"), vec![if_(name("a"), vec![brk()], vec![cont()])]);
        if let crate::syntax::ast::StmtKind::For { orelse, .. } = &mut loop_stmt.kind {
            *orelse = vec![expr(call(name("done"), vec![]))];
        }
        assert_eq!(
            module_ops(vec![loop_stmt]),
            s(&[
                "LoadName(xs)",
                "GetIter",
                "ForIter(11)",
                "StoreName(x)",
                "LoadName(a)",
                "PopJumpIfFalse(9)",
                "Pop",
                "Jump(14)",
                "Jump(10)",
                "JumpBackward(2)",
                "JumpBackward(2)",
                "LoadName(done)",
                "Call(0)",
                "Pop",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
    }

    #[test]
    fn while_true_skips_the_test_and_loops_backwards() {
        assert_eq!(
            module_ops(vec![while_(truth(), vec![expr(call(name("f"), vec![]))])]),
            s(&[
                "LoadName(f)",
                "Call(0)",
                "Pop",
                "JumpBackward(0)",
                "LoadConst(None)",
                "ReturnValue"
            ])
        );
        assert_eq!(
            module_ops(vec![while_(
                boolop(BoolOp::And, vec![name("a"), unary(UnaryOp::Not, name("b"))]),
                vec![pass()]
            )]),
            s(&[
                "LoadName(a)",
                "PopJumpIfFalse(5)",
                "LoadName(b)",
                "PopJumpIfTrue(5)",
                "JumpBackward(0)",
                "LoadConst(None)",
                "ReturnValue"
            ])
        );
    }

    #[test]
    fn try_except_else_layout() {
        let t = try_(
            vec![expr(call(name("f"), vec![]))],
            vec![
                handler(Some(name("E")), Some("e"), vec![expr(name("e"))]),
                handler(None, None, vec![pass()]),
            ],
            vec![expr(name("ok"))],
            vec![],
        );
        assert_eq!(
            module_ops(vec![t]),
            s(&[
                "SetupTry(8)",
                "LoadName(f)",
                "Call(0)",
                "Pop",
                "PopBlock",
                "LoadName(ok)",
                "Pop",
                "Jump(28)",
                "LoadName(E)",
                "CheckExcMatch",
                "PopJumpIfFalse(25)",
                "StoreName(e)",
                "SetupTry(21)",
                "LoadName(e)",
                "Pop",
                "PopBlock",
                "PopExcept",
                "LoadConst(None)",
                "StoreName(e)",
                "DeleteName(e)",
                "Jump(28)",
                "LoadConst(None)",
                "StoreName(e)",
                "DeleteName(e)",
                "Reraise",
                "Pop",
                "PopExcept",
                "Jump(28)",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
    }

    #[test]
    fn return_inside_try_finally_inlines_the_finally_body_keeping_the_value() {
        let m = module(vec![def(
            "f",
            &[],
            vec![try_(
                vec![ret(Some(call(name("g"), vec![])))],
                vec![],
                vec![],
                vec![expr(call(name("cleanup"), vec![]))],
            )],
        )]);
        // The value stays on the stack while the finally body runs inline.
        assert_eq!(
            function_ops(&m, "f"),
            s(&[
                "SetupTry(13)",
                "LoadGlobal(g)",
                "Call(0)",
                "PopBlock",
                "LoadGlobal(cleanup)",
                "Call(0)",
                "Pop",
                "ReturnValue",
                "PopBlock",
                "LoadGlobal(cleanup)",
                "Call(0)",
                "Pop",
                "Jump(17)",
                "LoadGlobal(cleanup)",
                "Call(0)",
                "Pop",
                "Reraise",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
    }

    #[test]
    fn return_in_finally_handler_and_in_except_handler_unwind_their_blocks() {
        let m = module(vec![def(
            "f",
            &[],
            vec![try_(
                vec![pass()],
                vec![handler(Some(name("E")), Some("e"), vec![ret(Some(name("e")))])],
                vec![],
                vec![ret(Some(name("x")))],
            )],
        )]);
        // `return e` leaves the cleanup block and the handler, clears `e`, pops the finally
        // block and inlines the finally body, whose own `return x` drops the pending `e`.
        // The exceptional copy of the finally body drops the exception and the handler.
        assert_eq!(
            function_ops(&m, "f"),
            s(&[
                "SetupTry(36)",
                "SetupTry(4)",
                "PopBlock",
                "Jump(32)",
                "LoadGlobal(E)",
                "CheckExcMatch",
                "PopJumpIfFalse(31)",
                "StoreFast(e)",
                "SetupTry(27)",
                "LoadFast(e)",
                "PopBlock",
                "PopExcept",
                "LoadConst(None)",
                "StoreFast(e)",
                "DeleteFast(e)",
                "PopBlock",
                "LoadGlobal(x)",
                "Rot2",
                "Pop",
                "ReturnValue",
                "ReturnValue",
                "PopBlock",
                "PopExcept",
                "LoadConst(None)",
                "StoreFast(e)",
                "DeleteFast(e)",
                "Jump(32)",
                "LoadConst(None)",
                "StoreFast(e)",
                "DeleteFast(e)",
                "Reraise",
                "Reraise",
                "PopBlock",
                "LoadGlobal(x)",
                "ReturnValue",
                "Jump(42)",
                "LoadGlobal(x)",
                "Rot2",
                "Pop",
                "PopExcept",
                "ReturnValue",
                "Reraise",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
    }

    #[test]
    fn with_statement_layout_and_return_through_with() {
        let m = module(vec![def(
            "f",
            &[],
            vec![with(
                vec![(name("cm"), Some(name("v"))), (name("cm2"), None)],
                vec![ret(Some(name("v")))],
            )],
        )]);
        // `return v` leaves both with blocks, calling each `__exit__` under the value.
        assert_eq!(
            function_ops(&m, "f"),
            s(&[
                "LoadGlobal(cm)",
                "BeforeWith",
                "StoreFast(v)",
                "SetupTry(44)",
                "LoadGlobal(cm2)",
                "BeforeWith",
                "Pop",
                "SetupTry(31)",
                "LoadFast(v)",
                "PopBlock",
                "Rot2",
                "LoadConst(None)",
                "Dup",
                "Dup",
                "Call(3)",
                "Pop",
                "PopBlock",
                "Rot2",
                "LoadConst(None)",
                "Dup",
                "Dup",
                "Call(3)",
                "Pop",
                "ReturnValue",
                "PopBlock",
                "LoadConst(None)",
                "Dup",
                "Dup",
                "Call(3)",
                "Pop",
                "Jump(37)",
                "WithExceptStart",
                "PopJumpIfTrue(34)",
                "Reraise",
                "Pop",
                "PopExcept",
                "Pop",
                "PopBlock",
                "LoadConst(None)",
                "Dup",
                "Dup",
                "Call(3)",
                "Pop",
                "Jump(50)",
                "WithExceptStart",
                "PopJumpIfTrue(47)",
                "Reraise",
                "Pop",
                "PopExcept",
                "Pop",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
    }

    #[test]
    fn calls_keywords_star_args_and_methods() {
        assert_eq!(
            module_ops(vec![expr(call_kw(name("f"), vec![int(1)], vec![(Some("k"), int(2))]))])[..5],
            s(&[
                "LoadName(f)",
                "LoadConst(1)",
                "LoadConst(2)",
                "LoadConst(('k',))",
                "CallKw(2)"
            ])
        );
        assert_eq!(
            module_ops(vec![expr(call_kw(
                name("f"),
                vec![name("a"), starred(name("b"))],
                vec![(Some("k"), int(1)), (None, name("m"))]
            ))])[..12],
            s(&[
                "LoadName(f)",
                "LoadName(a)",
                "BuildList(1)",
                "LoadName(b)",
                "ListExtend(1)",
                "ListToTuple",
                "LoadConst('k')",
                "LoadConst(1)",
                "BuildMap(1)",
                "LoadName(m)",
                "DictMerge(1)",
                "CallEx(1)",
            ])
        );
        assert_eq!(
            module_ops(vec![expr(call(attr(name("o"), "m"), vec![int(1)]))])[..4],
            s(&["LoadName(o)", "LoadMethod(m)", "LoadConst(1)", "CallMethod(1)"])
        );
        // Keywords on a method call take the generic path.
        assert_eq!(
            module_ops(vec![expr(call_kw(
                attr(name("o"), "m"),
                vec![],
                vec![(Some("k"), int(1))]
            ))])[..5],
            s(&[
                "LoadName(o)",
                "LoadAttr(m)",
                "LoadConst(1)",
                "LoadConst(('k',))",
                "CallKw(1)"
            ])
        );
    }

    #[test]
    fn constant_set_displays_become_frozenset_constants() {
        let m = module(vec![
            // Three or more constants: an empty set updated from a frozenset; fewer: added.
            expr(set(vec![int(3), int(1), int(2)])),
            expr(set(vec![int(3), name("x"), int(2)])),
            expr(set(vec![int(3), int(1)])),
            // Only iterated or searched: the frozenset itself, whatever the size.
            for_(name("x"), set(vec![int(7), int(15)]), vec![pass()]),
            expr(compare(name("x"), vec![(CmpOp::In, set(vec![int(15), int(7)]))])),
            def("f", &[], vec![ret(Some(set(vec![int(2), int(1), int(3), int(1)])))]),
        ]);
        assert_eq!(
            module_ops(m.body[..5].to_vec()),
            s(&[
                "BuildSet(0)",
                "LoadConst(frozenset({3, 1, 2}))",
                "SetUpdate(1)",
                "Pop",
                "LoadConst(3)",
                "LoadName(x)",
                "LoadConst(2)",
                "BuildSet(3)",
                "Pop",
                "LoadConst(3)",
                "LoadConst(1)",
                "BuildSet(2)",
                "Pop",
                "LoadConst(frozenset({7, 15}))",
                "GetIter",
                "ForIter(18)",
                "StoreName(x)",
                "JumpBackward(15)",
                // Equal frozensets are one constant module-wide: the first one seen.
                "LoadName(x)",
                "LoadConst(frozenset({7, 15}))",
                "Compare(In)",
                "Pop",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
        // Also across code objects.
        assert_eq!(
            function_ops(&m, "f")[..3],
            s(&["BuildSet(0)", "LoadConst(frozenset({3, 1, 2}))", "SetUpdate(1)"])
        );
    }

    #[test]
    fn constants_fold_and_deduplicate() {
        let code = compile(&module(vec![
            assign(name("a"), unary(UnaryOp::Neg, int(5))),
            assign(
                name("b"),
                tuple(vec![int(1), tuple(vec![string("x"), float(-0.0)]), none()]),
            ),
            assign(name("c"), int(1)),
            assign(name("d"), unary(UnaryOp::Neg, float(0.0))),
            assign(name("e"), truth()),
        ]));
        assert_eq!(
            ops(&code)[..10],
            s(&[
                "LoadConst(-5)",
                "StoreName(a)",
                "LoadConst((1, ('x', -0.0), None))",
                "StoreName(b)",
                "LoadConst(1)",
                "StoreName(c)",
                "LoadConst(-0.0)",
                "StoreName(d)",
                "LoadConst(True)",
                "StoreName(e)",
            ])
        );
        // `1` is shared, `True` is not merged with it, and `-0.0` kept apart from `0.0`.
        assert_eq!(
            code.constants.iter().filter(|c| **c == Constant::Int(1.into())).count(),
            1
        );
        assert!(code.constants.contains(&Constant::Bool(true)));
    }

    #[test]
    fn comparison_chains_and_bool_ops() {
        assert_eq!(
            module_ops(vec![expr(compare(
                name("a"),
                vec![(CmpOp::Lt, name("b")), (CmpOp::LtE, name("c"))]
            ))]),
            s(&[
                "LoadName(a)",
                "LoadName(b)",
                "Dup",
                "Rot3",
                "Compare(Lt)",
                "JumpIfFalseOrPop(9)",
                "LoadName(c)",
                "Compare(LtE)",
                "Jump(11)",
                "Rot2",
                "Pop",
                "Pop",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
        assert_eq!(
            module_ops(vec![expr(boolop(BoolOp::Or, vec![name("a"), name("b"), name("c")]))])[..5],
            s(&[
                "LoadName(a)",
                "JumpIfTrueOrPop(5)",
                "LoadName(b)",
                "JumpIfTrueOrPop(5)",
                "LoadName(c)"
            ])
        );
    }

    #[test]
    fn assignment_targets_unpacking_and_chained() {
        assert_eq!(
            module_ops(vec![assign(
                tuple(vec![name("a"), starred(name("b")), name("c")]),
                name("d")
            )])[..5],
            s(&[
                "LoadName(d)",
                "UnpackEx { before: 1, after: 1 }",
                "StoreName(a)",
                "StoreName(b)",
                "StoreName(c)"
            ])
        );
        assert_eq!(
            module_ops(vec![assign_many(
                vec![name("a"), attr(name("o"), "x"), subscript(name("s"), int(0))],
                int(1)
            )])[..9],
            s(&[
                "LoadConst(1)",
                "Dup",
                "StoreName(a)",
                "Dup",
                "LoadName(o)",
                "StoreAttr(x)",
                "LoadName(s)",
                "LoadConst(0)",
                "StoreSubscr"
            ])
        );
        assert_eq!(
            module_ops(vec![assign(
                list(vec![name("a"), tuple(vec![name("b"), name("c")])]),
                name("d")
            )])[..6],
            s(&[
                "LoadName(d)",
                "UnpackSequence(2)",
                "StoreName(a)",
                "UnpackSequence(2)",
                "StoreName(b)",
                "StoreName(c)"
            ])
        );
    }

    #[test]
    fn augmented_assignment_forms() {
        assert_eq!(
            module_ops(vec![aug(name("x"), BinOp::Add, int(1))])[..4],
            s(&["LoadName(x)", "LoadConst(1)", "InPlace(Add)", "StoreName(x)"])
        );
        assert_eq!(
            module_ops(vec![aug(attr(name("o"), "a"), BinOp::Mul, int(2))])[..7],
            s(&[
                "LoadName(o)",
                "Dup",
                "LoadAttr(a)",
                "LoadConst(2)",
                "InPlace(Mul)",
                "Rot2",
                "StoreAttr(a)"
            ])
        );
        assert_eq!(
            module_ops(vec![aug(subscript(name("s"), name("i")), BinOp::Sub, int(3))])[..8],
            s(&[
                "LoadName(s)",
                "LoadName(i)",
                "DupTop2",
                "BinarySubscr",
                "LoadConst(3)",
                "InPlace(Sub)",
                "Rot3",
                "StoreSubscr"
            ])
        );
    }

    #[test]
    fn delete_assert_raise_and_imports() {
        assert_eq!(
            module_ops(vec![del(vec![
                name("a"),
                attr(name("o"), "b"),
                tuple(vec![subscript(name("s"), int(0))])
            ])])[..6],
            s(&[
                "DeleteName(a)",
                "LoadName(o)",
                "DeleteAttr(b)",
                "LoadName(s)",
                "LoadConst(0)",
                "DeleteSubscr"
            ])
        );
        let mut assert_stmt = pass();
        assert_stmt.kind = crate::syntax::ast::StmtKind::Assert {
            test: name("t"),
            msg: Some(string("m")),
        };
        assert_eq!(
            module_ops(vec![assert_stmt]),
            s(&[
                "LoadName(t)",
                "PopJumpIfTrue(6)",
                "LoadAssertionError",
                "LoadConst('m')",
                "Call(1)",
                "Raise(1)",
                "LoadConst(None)",
                "ReturnValue"
            ])
        );
        assert_eq!(
            module_ops(vec![import("a.b.c", None), import("a.b", Some("d"))]),
            s(&[
                "LoadConst(0)",
                "LoadConst(None)",
                "ImportName(a.b.c)",
                "StoreName(a)",
                "LoadConst(0)",
                "LoadConst(None)",
                "ImportName(a.b)",
                "LoadAttr(b)",
                "StoreName(d)",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
        assert_eq!(
            module_ops(vec![
                import_from("m", &[("x", Some("y")), ("z", None)], 1),
                import_from("n", &[], 0)
            ]),
            s(&[
                "LoadConst(1)",
                "LoadConst(('x', 'z'))",
                "ImportName(m)",
                "ImportFrom(x)",
                "StoreName(y)",
                "ImportFrom(z)",
                "StoreName(z)",
                "Pop",
                "LoadConst(0)",
                "LoadConst(('*',))",
                "ImportName(n)",
                "ImportStar",
                "LoadConst(None)",
                "ReturnValue",
            ])
        );
    }

    #[test]
    fn displays_with_starred_items_and_dict_unpacking() {
        assert_eq!(
            module_ops(vec![expr(list(vec![name("a"), starred(name("b")), name("c")]))])[..6],
            s(&[
                "LoadName(a)",
                "BuildList(1)",
                "LoadName(b)",
                "ListExtend(1)",
                "LoadName(c)",
                "ListAppend(1)"
            ])
        );
        assert_eq!(
            module_ops(vec![expr(dict(vec![
                (Some(string("k")), int(1)),
                (None, name("m")),
                (Some(name("j")), int(2))
            ]))])[..10],
            s(&[
                "LoadConst('k')",
                "LoadConst(1)",
                "BuildMap(1)",
                "LoadName(m)",
                "DictUpdate(1)",
                "LoadName(j)",
                "LoadConst(2)",
                "BuildMap(1)",
                "DictUpdate(1)",
                "Pop",
            ])
        );
        // Long displays are built incrementally to bound the stack.
        let long: Vec<_> = (0..40).map(|i| name(&format!("v{i}"))).collect();
        let code = compile(&module(vec![expr(list(long))]));
        assert_eq!(max_stack_depth(&code), Ok(2));
    }

    #[test]
    fn fstrings_slices_and_subscripts() {
        let spec = vec![
            FStringPart::Literal(">".into()),
            FStringPart::Formatted {
                value: Box::new(name("w")),
                conversion: None,
                format_spec: None,
            },
        ];
        let f = fstring(vec![
            FStringPart::Formatted {
                value: Box::new(name("a")),
                conversion: Some('r'),
                format_spec: Some(spec),
            },
            FStringPart::Literal(" and ".into()),
        ]);
        assert_eq!(
            module_ops(vec![expr(f)])[..8],
            s(&[
                "LoadName(a)",
                "LoadConst('>')",
                "LoadName(w)",
                "FormatValue(0)",
                "BuildString(2)",
                "FormatValue(6)",
                "LoadConst(' and ')",
                "BuildString(2)"
            ])
        );
        assert_eq!(
            module_ops(vec![expr(fstring(vec![FStringPart::Literal("x".into())]))])[0],
            "LoadConst('x')"
        );
        let slice = crate::syntax::ast::Expr {
            span: Default::default(),
            kind: crate::syntax::ast::ExprKind::Slice {
                lower: None,
                upper: Some(Box::new(int(2))),
                step: None,
            },
        };
        assert_eq!(
            module_ops(vec![expr(subscript(name("s"), slice))])[..5],
            s(&[
                "LoadName(s)",
                "LoadConst(None)",
                "LoadConst(2)",
                "BuildSlice(2)",
                "BinarySubscr"
            ])
        );
    }

    #[test]
    fn generators_yield_from_and_await() {
        let m = module(vec![def(
            "g",
            &[],
            vec![
                expr(yield_(Some(int(1)))),
                expr(crate::syntax::ast::Expr {
                    span: Default::default(),
                    kind: crate::syntax::ast::ExprKind::YieldFrom(Box::new(name("it"))),
                }),
            ],
        )]);
        let code = compile(&m);
        let g = find_code(&code, "g");
        assert!(g.is_generator());
        assert_eq!(
            ops(g),
            s(&[
                "LoadConst(1)",
                "YieldValue",
                "Pop",
                "LoadGlobal(it)",
                "GetYieldFromIter",
                "LoadConst(None)",
                "YieldFrom",
                "Pop",
                "LoadConst(None)",
                "ReturnValue"
            ])
        );
        let m = module(vec![def("a", &[], vec![expr(await_(name("x")))])]);
        assert_eq!(
            function_ops(&m, "a")[..2],
            s(&["Unsupported('await is not supported')", "Pop"])
        );
    }

    #[test]
    fn private_names_are_mangled_in_classes() {
        let m = module(vec![class(
            "_Foo",
            vec![def(
                "m",
                &["self"],
                vec![
                    assign(attr(name("self"), "__x"), name("__y")),
                    assign(name("__z"), int(1)),
                ],
            )],
        )]);
        let code = compile(&m);
        let method = find_code(&code, "m");
        assert_eq!(
            &ops(method)[..5],
            s(&[
                "LoadGlobal(_Foo__y)",
                "LoadFast(self)",
                "StoreAttr(_Foo__x)",
                "LoadConst(1)",
                "StoreFast(_Foo__z)"
            ])
        );
    }

    #[test]
    fn line_numbers_follow_statements_and_expressions() {
        let source = "x = 1\nif x:\n    y = (2 +\n         x)\n";
        let m = module(vec![
            assign(name("x").at(0), int(1).at(4)).at(0),
            if_(
                name("x").at(9),
                vec![
                    assign(
                        name("y").at(16),
                        bin(int(2).at(21), BinOp::Add, name("x").at(34)).at(21),
                    )
                    .at(16),
                ],
                vec![],
            )
            .at(6),
        ]);
        let code = crate::compile::compile_module(&m, source, "t.py").unwrap();
        assert_eq!(code.instructions.len(), code.lines.len());
        assert_eq!(code.lines, vec![1, 1, 2, 2, 3, 4, 3, 3, 3, 3]);
    }

    #[test]
    fn jumps_stay_in_bounds_and_back_edges_are_jump_backward() {
        // A program touching every construct with jumps; `compile` already runs the checker
        // (debug builds), this makes the properties explicit.
        let m = module(vec![def(
            "f",
            &["xs"],
            vec![
                for_(
                    name("x"),
                    name("xs"),
                    vec![
                        while_(name("x"), vec![if_(name("x"), vec![cont()], vec![brk()])]),
                        try_(
                            vec![with(vec![(name("cm"), None)], vec![cont()])],
                            vec![handler(Some(name("E")), None, vec![brk()])],
                            vec![],
                            vec![pass()],
                        ),
                    ],
                ),
                expr(listcomp(
                    name("y"),
                    vec![comp(name("y"), name("xs"), vec![name("y"), name("y")])],
                )),
                ret(Some(boolop(
                    BoolOp::And,
                    vec![
                        name("a"),
                        compare(name("a"), vec![(CmpOp::Lt, name("b")), (CmpOp::Lt, name("c"))]),
                    ],
                ))),
            ],
        )]);
        let code = compile(&m);
        let mut pending = vec![code.as_ref()];
        while let Some(c) = pending.pop() {
            for (i, instr) in c.instructions.iter().enumerate() {
                if let Some(t) = instr.jump_target() {
                    assert!((t as usize) < c.instructions.len(), "{} {i}: {instr:?}", c.name);
                    assert_eq!(
                        t as usize <= i,
                        matches!(instr, Instr::JumpBackward(_)),
                        "{} {i}: {instr:?}",
                        c.name
                    );
                }
            }
            assert!(max_stack_depth(c).is_ok(), "{}", c.name);
            pending.extend(c.constants.iter().filter_map(|k| match k {
                Constant::Code(inner) => Some(inner.as_ref()),
                _ => None,
            }));
        }
    }

    fn err(m: Module) -> (String, usize) {
        let e = compile_err(&m);
        (e.msg, e.offset)
    }

    #[test]
    fn control_flow_errors() {
        assert_eq!(
            err(module(vec![ret(None).at(3)])),
            ("'return' outside function".into(), 3)
        );
        assert_eq!(
            err(module(vec![class("C", vec![ret(None).at(7)])])),
            ("'return' outside function".into(), 7)
        );
        assert_eq!(err(module(vec![brk().at(2)])), ("'break' outside loop".into(), 2));
        assert_eq!(
            err(module(vec![cont().at(4)])),
            ("'continue' not properly in loop".into(), 4)
        );
        // A loop outside the function does not count.
        assert_eq!(
            err(module(vec![while_(truth(), vec![def("f", &[], vec![brk().at(9)])])])),
            ("'break' outside loop".into(), 9)
        );
        // `continue` in a finally body is fine (3.8+).
        compile(&module(vec![for_(
            name("x"),
            name("y"),
            vec![try_(vec![pass()], vec![], vec![], vec![cont()])],
        )]));
        assert_eq!(
            err(module(vec![try_(
                vec![pass()],
                vec![
                    handler(None, None, vec![pass()]),
                    handler(Some(name("E")), None, vec![pass()])
                ],
                vec![],
                vec![]
            )]))
            .0,
            "default 'except:' must be last"
        );
    }

    #[test]
    fn starred_assignment_errors() {
        assert_eq!(
            err(module(vec![assign(
                tuple(vec![starred(name("a")), starred(name("b").at(5)).at(4)]),
                name("c")
            )])),
            ("multiple starred expressions in assignment".into(), 4)
        );
        assert_eq!(
            err(module(vec![assign(starred(name("a")).at(1), name("c"))])),
            ("starred assignment target must be in a list or tuple".into(), 1)
        );
        assert_eq!(
            err(module(vec![assign(name("a"), starred(name("b")).at(4))])),
            ("can't use starred expression here".into(), 4)
        );
        assert_eq!(
            err(module(vec![for_(starred(name("a")).at(4), name("b"), vec![pass()])])).0,
            "starred assignment target must be in a list or tuple"
        );
    }

    #[test]
    fn other_compile_errors() {
        assert_eq!(
            err(module(vec![assign(call(name("f"), vec![]).at(0), int(1))])).0,
            "cannot assign to function call"
        );
        assert_eq!(err(module(vec![del(vec![int(1)])])).0, "cannot delete literal");
        assert_eq!(
            err(module(vec![aug(tuple(vec![name("a"), name("b")]), BinOp::Add, int(1))])).0,
            "'tuple' is an illegal expression for augmented assignment"
        );
        assert_eq!(
            err(module(vec![expr(call_kw(
                name("f"),
                vec![],
                vec![(Some("a"), int(1)), (Some("a"), int(2))]
            ))]))
            .0,
            "keyword argument repeated: a"
        );
        assert_eq!(
            err(module(vec![expr(await_(name("x")).at(3))])),
            ("'await' outside function".into(), 3)
        );
    }

    fn nested_calls(depth: usize) -> Module {
        let mut e = name("x");
        for _ in 0..depth {
            e = call(name("f"), vec![e]);
        }
        module(vec![expr(e)])
    }

    #[test]
    fn deep_nesting_is_a_syntax_error_not_a_stack_overflow() {
        // Run on a small stack: the compiler must not depend on the caller's stack size.
        let result = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(|| {
                let ok = crate::compile::compile_module(&nested_calls(900), "", "t.py").is_ok();
                let too_deep = crate::compile::compile_module(&nested_calls(5000), "", "t.py")
                    .map(|_| ())
                    .map_err(|e| e.msg);
                (ok, too_deep)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(result, (true, Err("too many nested expressions".to_string())));
    }

    #[test]
    fn long_operator_chains_compile_iteratively() {
        let mut e = name("a");
        for _ in 0..20_000 {
            e = bin(e, BinOp::Add, name("a"));
        }
        let m = module(vec![assign(name("x"), e)]);
        let code = compile(&m);
        assert_eq!(code.instructions.len(), 2 * 20_000 + 1 + 3);
        // Dropping such a tree recurses (the parser's concern); take it apart iteratively here.
        let mut m = m;
        if let crate::syntax::ast::StmtKind::Assign { value, .. } = &mut m.body[0].kind {
            let mut cur = std::mem::replace(value, name("a"));
            while let crate::syntax::ast::ExprKind::BinOp { left, .. } = cur.kind {
                cur = *left;
            }
        }
    }

    /// Tiny deterministic generator (no extra dependencies).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    fn random_block(rng: &mut Lcg, depth: u32, in_loop: bool) -> Vec<crate::syntax::ast::Stmt> {
        let n = 1 + rng.below(3);
        (0..n).map(|_| random_stmt(rng, depth, in_loop)).collect()
    }

    fn random_stmt(rng: &mut Lcg, depth: u32, in_loop: bool) -> crate::syntax::ast::Stmt {
        let leaf = depth == 0 || rng.below(3) == 0;
        let choice = if leaf { rng.below(6) } else { 6 + rng.below(7) };
        let sub = |rng: &mut Lcg, in_loop| random_block(rng, depth - 1, in_loop);
        match choice {
            0 => ret(Some(call(name("v"), vec![]))),
            1 => ret(None),
            2 if in_loop => brk(),
            3 if in_loop => cont(),
            4 => expr(call(name("f"), vec![name("x")])),
            // break/continue outside a loop, and 5
            2..=5 => assign(name("x"), name("y")),
            6 => for_(name("i"), name("xs"), sub(rng, true)),
            7 => while_(name("c"), sub(rng, true)),
            8 => try_(
                sub(rng, in_loop),
                vec![handler(Some(name("E")), Some("e"), sub(rng, in_loop))],
                vec![],
                vec![],
            ),
            9 => try_(sub(rng, in_loop), vec![], vec![], sub(rng, in_loop)),
            10 => try_(
                sub(rng, in_loop),
                vec![handler(None, None, sub(rng, in_loop))],
                sub(rng, in_loop),
                sub(rng, in_loop),
            ),
            11 => with(
                vec![(name("cm"), Some(name("v"))), (name("cm2"), None)],
                sub(rng, in_loop),
            ),
            _ => if_(name("c"), sub(rng, in_loop), sub(rng, in_loop)),
        }
    }

    #[test]
    fn random_control_flow_keeps_the_stack_consistent() {
        // Depth 3: finally bodies are inlined at every exit, so deeper trees grow exponentially
        // (as in CPython 3.9's compiler).
        let mut rng = Lcg(7);
        for _ in 0..1000 {
            let body = random_block(&mut rng, 3, false);
            let m = module(vec![def("f", &[], body)]);
            if let Err(e) = crate::compile::compile_module(&m, "", "t.py") {
                panic!("{e}\n{m:#?}");
            }
        }
    }
}
