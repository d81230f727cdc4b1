//! Scope analysis (the symbol table): decides for every name of every scope whether it is a fast
//! local, a cell, a free variable, a global or a name looked up at run time, following CPython
//! 3.11's `Python/symtable.c`.
//!
//! Two passes, as in CPython. The builder walks the AST once, creating one [`Scope`] per module,
//! class, function, lambda and comprehension and recording how each name is used there (bound,
//! used, declared `global`/`nonlocal`, a parameter). Then `analyze_block` resolves every name top
//! down: a local read by an inner function becomes a cell, the inner function's reference a free
//! variable, and free variables are threaded through the scopes in between. Class scopes are not
//! visible from the functions inside them, except for the implicit `__class__` cell that
//! zero-argument `super()` needs.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::compile::bytecode::CodeKind;
use crate::syntax::ast::{
    ClassDef, Comprehension, Expr, ExprKind, FStringPart, FunctionDef, Module, Params, Pattern, PatternKind, Span,
    Stmt, StmtKind,
};
use crate::syntax::error::SyntaxError;

/// Nesting deeper than this (expressions inside expressions, statements inside statements) is a
/// `SyntaxError`: both compiler passes recurse over the tree and must not overflow the Rust stack.
pub const MAX_NESTING: usize = 1000;

pub const TOO_DEEP: &str = "too many nested expressions";

/// Index into [`SymbolTable`]'s scopes; the module is [`SymbolTable::ROOT`].
pub type ScopeId = usize;

/// Where a name lives at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameScope {
    /// Bound in this scope: a fast slot in functions, the namespace in module and class bodies.
    Local,
    /// A local of this function that an inner function captures.
    Cell,
    /// Captured from an enclosing function.
    Free,
    /// Declared `global` (or bound by a walrus at module level from inside a comprehension).
    GlobalExplicit,
    /// Used but bound nowhere in reach: a global or a builtin.
    GlobalImplicit,
}

// Usage flags recorded by the first pass (CPython's DEF_* bits).
const DEF_LOCAL: u16 = 1;
const DEF_PARAM: u16 = 1 << 1;
const DEF_GLOBAL: u16 = 1 << 2;
const DEF_NONLOCAL: u16 = 1 << 3;
const USE: u16 = 1 << 4;
const DEF_IMPORT: u16 = 1 << 5;
const DEF_ANNOT: u16 = 1 << 6;
/// Bound as the target of a comprehension's `for`.
const DEF_COMP_ITER: u16 = 1 << 7;
/// A class-body name that a method also reads as a free variable of an enclosing function: it
/// is both a namespace entry and a free variable of the class body.
const DEF_FREE_CLASS: u16 = 1 << 8;
const DEF_BOUND: u16 = DEF_LOCAL | DEF_PARAM | DEF_IMPORT;

#[derive(Clone, Debug)]
struct Symbol {
    name: String,
    flags: u16,
    scope: NameScope,
}

/// One code object's worth of names.
#[derive(Clone, Debug)]
pub struct Scope {
    pub kind: CodeKind,
    pub name: String,
    pub qualname: String,
    /// Name of the innermost enclosing class: `__private` names are mangled with it.
    pub private: Option<String>,
    /// Parameter names (mangled) in slot order: positional, keyword-only, `*args`, `**kwargs`.
    pub params: Vec<String>,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub has_varargs: bool,
    pub has_varkeywords: bool,
    pub is_generator: bool,
    /// An `async def`, or a comprehension that awaits or has an `async for` clause: calling
    /// it makes a coroutine (an async generator if it also yields, as an async genexpr does).
    pub is_coroutine: bool,
    /// A class body whose methods use `super()`/`__class__`: it owns the `__class__` cell.
    pub needs_class_cell: bool,
    pub children: Vec<ScopeId>,
    symbols: Vec<Symbol>,
    index: HashMap<String, usize>,
    /// Where each name was first declared `global`/`nonlocal`, for error positions.
    directives: HashMap<String, Span>,
}

impl Scope {
    /// Functions, lambdas and comprehensions: names live in fast slots and cells.
    pub fn is_function_like(&self) -> bool {
        is_function_like(self.kind)
    }

    /// The resolved scope of `name` (already mangled), `None` for names the source never
    /// mentions here (compiler-generated ones like `__module__`).
    pub fn resolve(&self, name: &str) -> Option<NameScope> {
        self.symbol(name).map(|s| s.scope)
    }

    /// Cell variables in cell-slot order: `__class__` first for a class that needs it, then
    /// captured locals sorted by name (as CPython sorts them).
    pub fn cellvars(&self) -> Vec<String> {
        let mut cells = self.names_where(|s| s.scope == NameScope::Cell);
        if self.needs_class_cell {
            cells.insert(0, "__class__".to_owned());
        }
        cells
    }

    /// Free variables, sorted by name.
    pub fn freevars(&self) -> Vec<String> {
        self.names_where(|s| s.scope == NameScope::Free || s.flags & DEF_FREE_CLASS != 0)
    }

    /// Fast-local slots: the parameters, then the other locals in order of first appearance.
    /// Empty for module and class bodies, which use a namespace instead.
    pub fn varnames(&self) -> Vec<String> {
        if !self.is_function_like() {
            return Vec::new();
        }
        let mut names = self.params.clone();
        names.extend(
            self.symbols
                .iter()
                .filter(|s| s.scope == NameScope::Local && s.flags & DEF_PARAM == 0)
                .map(|s| s.name.clone()),
        );
        names
    }

    fn names_where(&self, pred: impl Fn(&Symbol) -> bool) -> Vec<String> {
        let mut names: Vec<String> = self
            .symbols
            .iter()
            .filter(|s| pred(s))
            .map(|s| s.name.clone())
            .collect();
        names.sort();
        names
    }

    fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.index.get(name).map(|&i| &self.symbols[i])
    }

    fn flags(&self, name: &str) -> u16 {
        self.symbol(name).map_or(0, |s| s.flags)
    }

    fn symbol_mut(&mut self, name: &str) -> &mut Symbol {
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                self.symbols.push(Symbol {
                    name: name.to_owned(),
                    flags: 0,
                    scope: NameScope::GlobalImplicit,
                });
                self.index.insert(name.to_owned(), self.symbols.len() - 1);
                self.symbols.len() - 1
            }
        };
        &mut self.symbols[i]
    }
}

pub fn is_function_like(kind: CodeKind) -> bool {
    matches!(kind, CodeKind::Function | CodeKind::Lambda | CodeKind::Comprehension)
}

/// Private name mangling: inside `class C`, `__x` becomes `_C__x` (not `__x__`, not dotted names).
pub fn mangle<'n>(private: Option<&str>, name: &'n str) -> Cow<'n, str> {
    let Some(class) = private else {
        return Cow::Borrowed(name);
    };
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return Cow::Borrowed(name);
    }
    let class = class.trim_start_matches('_');
    if class.is_empty() {
        return Cow::Borrowed(name);
    }
    Cow::Owned(format!("_{class}{name}"))
}

/// Which AST node opened a scope; nodes are identified by address since the compiler borrows
/// the same tree the table was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum NodeKey {
    Function(usize),
    Class(usize),
    Expr(usize),
}

fn addr<T>(node: &T) -> usize {
    std::ptr::from_ref(node).addr()
}

/// Every scope of a module, analysed.
#[derive(Debug)]
pub struct SymbolTable {
    scopes: Vec<Scope>,
    nodes: HashMap<NodeKey, ScopeId>,
}

impl SymbolTable {
    pub const ROOT: ScopeId = 0;

    pub fn build(module: &Module) -> Result<SymbolTable, SyntaxError> {
        let mut b = Builder {
            scopes: Vec::new(),
            nodes: HashMap::new(),
            stack: Vec::new(),
            depth: 0,
        };
        b.push_scope(CodeKind::Module, "<module>", None);
        for s in &module.body {
            b.visit_stmt(s)?;
        }
        let mut table = SymbolTable {
            scopes: b.scopes,
            nodes: b.nodes,
        };
        table.analyze_block(Self::ROOT, None, &mut HashSet::new(), &mut HashSet::new())?;
        Ok(table)
    }

    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id]
    }

    pub fn function_scope(&self, f: &FunctionDef) -> Option<ScopeId> {
        self.nodes.get(&NodeKey::Function(addr(f))).copied()
    }

    pub fn class_scope(&self, c: &ClassDef) -> Option<ScopeId> {
        self.nodes.get(&NodeKey::Class(addr(c))).copied()
    }

    /// The scope of a lambda or comprehension expression.
    pub fn expr_scope(&self, e: &Expr) -> Option<ScopeId> {
        self.nodes.get(&NodeKey::Expr(addr(e))).copied()
    }

    /// Resolve the names of scope `id` given the names `bound` in enclosing functions (`None` at
    /// module level) and those declared `global` above; collect its free variables into `free`.
    /// Mirrors CPython's `analyze_block`.
    fn analyze_block(
        &mut self,
        id: ScopeId,
        bound: Option<&HashSet<String>>,
        free: &mut HashSet<String>,
        global: &mut HashSet<String>,
    ) -> Result<(), SyntaxError> {
        let kind = self.scopes[id].kind;
        let mut bound = bound.cloned();
        let mut local = HashSet::new();
        let mut new_global = HashSet::new();
        let mut new_bound = HashSet::new();
        // Class bindings are invisible to nested functions: what they see is fixed before the
        // class's own names are analysed.
        if kind == CodeKind::Class {
            new_global.extend(global.iter().cloned());
            new_bound.extend(bound.iter().flatten().cloned());
        }
        for i in 0..self.scopes[id].symbols.len() {
            let scope = &self.scopes[id];
            let (name, flags) = (&scope.symbols[i].name, scope.symbols[i].flags);
            let resolved = scope.analyze_name(name, flags, bound.as_mut(), &mut local, free, global)?;
            self.scopes[id].symbols[i].scope = resolved;
        }
        if kind == CodeKind::Class {
            new_bound.insert("__class__".to_owned());
        } else {
            if is_function_like(kind) {
                new_bound.extend(local.iter().cloned());
            }
            new_bound.extend(bound.iter().flatten().cloned());
            new_global.extend(global.iter().cloned());
        }

        let mut new_free = HashSet::new();
        for child in self.scopes[id].children.clone() {
            let mut child_global = new_global.clone();
            self.analyze_block(child, Some(&new_bound), &mut new_free, &mut child_global)?;
        }

        let scope = &mut self.scopes[id];
        if is_function_like(kind) {
            for sym in &mut scope.symbols {
                if sym.scope == NameScope::Local && new_free.remove(&sym.name) {
                    sym.scope = NameScope::Cell;
                }
            }
        } else if kind == CodeKind::Class && new_free.remove("__class__") {
            scope.needs_class_cell = true;
        }
        // Free variables of children that this scope does not bind pass through it.
        let mut passing: Vec<&String> = new_free.iter().collect();
        passing.sort();
        for name in passing {
            if let Some(&i) = scope.index.get(name.as_str()) {
                let sym = &mut scope.symbols[i];
                if kind == CodeKind::Class && sym.flags & (DEF_BOUND | DEF_GLOBAL) != 0 {
                    sym.flags |= DEF_FREE_CLASS;
                }
                continue;
            }
            if bound.as_ref().is_some_and(|b| !b.contains(name)) {
                continue;
            }
            scope.symbol_mut(name).scope = NameScope::Free;
        }
        free.extend(new_free);
        Ok(())
    }
}

impl Scope {
    /// CPython's `analyze_name`: the scope of one name given what encloses it.
    fn analyze_name(
        &self,
        name: &str,
        flags: u16,
        bound: Option<&mut HashSet<String>>,
        local: &mut HashSet<String>,
        free: &mut HashSet<String>,
        global: &mut HashSet<String>,
    ) -> Result<NameScope, SyntaxError> {
        let at_directive = |msg: String| {
            let span = self.directives.get(name).copied().unwrap_or_default();
            error(msg, span)
        };
        if flags & DEF_GLOBAL != 0 {
            if flags & DEF_NONLOCAL != 0 {
                return Err(at_directive(format!("name '{name}' is nonlocal and global")));
            }
            global.insert(name.to_owned());
            if let Some(bound) = bound {
                bound.remove(name);
            }
            return Ok(NameScope::GlobalExplicit);
        }
        if flags & DEF_NONLOCAL != 0 {
            let Some(bound) = bound else {
                return Err(at_directive("nonlocal declaration not allowed at module level".into()));
            };
            if !bound.contains(name) {
                return Err(at_directive(format!("no binding for nonlocal '{name}' found")));
            }
            free.insert(name.to_owned());
            return Ok(NameScope::Free);
        }
        if flags & DEF_BOUND != 0 {
            local.insert(name.to_owned());
            global.remove(name);
            return Ok(NameScope::Local);
        }
        if bound.is_some_and(|b| b.contains(name)) {
            free.insert(name.to_owned());
            return Ok(NameScope::Free);
        }
        Ok(NameScope::GlobalImplicit)
    }
}

/// A `SyntaxError` covering `span`.
pub(crate) fn error(msg: impl Into<String>, span: Span) -> SyntaxError {
    SyntaxError::new(msg, span.start as usize).with_end(span.end as usize)
}

/// Per-scope state of the first pass.
struct Frame {
    id: ScopeId,
    /// Inside a comprehension's iterable expression (walrus is forbidden there).
    comp_iter_expr: u32,
    /// Visiting a comprehension's `for` target.
    comp_iter_target: bool,
}

/// The first pass: creates scopes and records name usage.
struct Builder {
    scopes: Vec<Scope>,
    nodes: HashMap<NodeKey, ScopeId>,
    stack: Vec<Frame>,
    depth: usize,
}

impl Builder {
    fn frame(&self) -> &Frame {
        // The module frame is pushed first and never popped.
        &self.stack[self.stack.len() - 1]
    }

    fn frame_mut(&mut self) -> &mut Frame {
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn current(&self) -> &Scope {
        &self.scopes[self.frame().id]
    }

    fn enter(&mut self, span: Span) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(error(TOO_DEEP, span));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn push_scope(&mut self, kind: CodeKind, name: &str, key: Option<NodeKey>) {
        let id = self.scopes.len();
        let (qualname, private) = match self.stack.last() {
            None => (name.to_owned(), None),
            Some(parent) => {
                let parent = &self.scopes[parent.id];
                let private = if kind == CodeKind::Class {
                    Some(name.to_owned())
                } else {
                    parent.private.clone()
                };
                (Self::qualname(parent, kind, name), private)
            }
        };
        if let Some(parent) = self.stack.last() {
            self.scopes[parent.id].children.push(id);
        }
        self.scopes.push(Scope {
            kind,
            name: name.to_owned(),
            qualname,
            private,
            params: Vec::new(),
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            has_varargs: false,
            has_varkeywords: false,
            is_generator: false,
            is_coroutine: false,
            needs_class_cell: false,
            children: Vec::new(),
            symbols: Vec::new(),
            index: HashMap::new(),
            directives: HashMap::new(),
        });
        if let Some(key) = key {
            self.nodes.insert(key, id);
        }
        self.stack.push(Frame {
            id,
            comp_iter_expr: 0,
            comp_iter_target: false,
        });
    }

    /// CPython's `compiler_set_qualname`: `f.<locals>.g` inside functions, `C.m` inside classes,
    /// the bare name at module level or when the parent declares the name `global`.
    fn qualname(parent: &Scope, kind: CodeKind, name: &str) -> String {
        if parent.kind == CodeKind::Module {
            return name.to_owned();
        }
        if matches!(kind, CodeKind::Function | CodeKind::Class)
            && parent.flags(&mangle(parent.private.as_deref(), name)) & DEF_GLOBAL != 0
        {
            return name.to_owned();
        }
        if matches!(parent.kind, CodeKind::Function | CodeKind::Lambda) {
            format!("{}.<locals>.{name}", parent.qualname)
        } else {
            format!("{}.{name}", parent.qualname)
        }
    }

    fn pop_scope(&mut self) {
        self.stack.pop();
    }

    /// Record a use or binding of `name` in the current scope.
    fn add_def(&mut self, name: &str, flag: u16, span: Span) -> Result<(), SyntaxError> {
        let frame = self.frame();
        let (id, in_comp_target) = (frame.id, frame.comp_iter_target);
        let mangled = mangle(self.scopes[id].private.as_deref(), name).into_owned();
        let sym = self.scopes[id].symbol_mut(&mangled);
        if flag & DEF_PARAM != 0 && sym.flags & DEF_PARAM != 0 {
            return Err(error(
                format!("duplicate argument '{name}' in function definition"),
                span,
            ));
        }
        sym.flags |= flag;
        if in_comp_target {
            if sym.flags & (DEF_GLOBAL | DEF_NONLOCAL) != 0 {
                return Err(error(
                    format!("comprehension inner loop cannot rebind assignment expression target '{name}'"),
                    span,
                ));
            }
            sym.flags |= DEF_COMP_ITER;
        }
        if flag & DEF_PARAM != 0 {
            self.scopes[id].params.push(mangled.clone());
        }
        // Like CPython's st_global: a `global` anywhere marks the module-level name too.
        if flag & DEF_GLOBAL != 0 {
            self.scopes[SymbolTable::ROOT].symbol_mut(&mangled).flags |= DEF_GLOBAL;
        }
        Ok(())
    }

    fn record_directive(&mut self, name: &str, span: Span) {
        let id = self.frame().id;
        let scope = &mut self.scopes[id];
        let mangled = mangle(scope.private.as_deref(), name).into_owned();
        scope.directives.entry(mangled).or_insert(span);
    }

    fn visit_body(&mut self, body: &[Stmt]) -> Result<(), SyntaxError> {
        body.iter().try_for_each(|s| self.visit_stmt(s))
    }

    fn visit_exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>) -> Result<(), SyntaxError> {
        exprs.into_iter().try_for_each(|e| self.visit_expr(e))
    }

    fn visit_stmt(&mut self, s: &Stmt) -> Result<(), SyntaxError> {
        self.enter(s.span)?;
        match &s.kind {
            StmtKind::Expr(e) => self.visit_expr(e)?,
            StmtKind::Assign { targets, value } => {
                targets.iter().try_for_each(|t| self.visit_target(t))?;
                self.visit_expr(value)?;
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.visit_target(target)?;
                self.visit_expr(value)?;
            }
            StmtKind::AnnAssign { target, value, .. } => {
                // The annotation is never evaluated, so it is not visited either.
                if let ExprKind::Name(name) = &target.kind {
                    let cur = self.current().flags(&mangle(self.current().private.as_deref(), name));
                    if cur & (DEF_GLOBAL | DEF_NONLOCAL) != 0 && self.frame().id != SymbolTable::ROOT {
                        let what = if cur & DEF_GLOBAL != 0 { "global" } else { "nonlocal" };
                        return Err(error(format!("annotated name '{name}' can't be {what}"), s.span));
                    }
                    self.add_def(name, DEF_ANNOT | DEF_LOCAL, target.span)?;
                } else {
                    self.visit_target(target)?;
                }
                self.visit_exprs(value)?;
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.visit_expr(test)?;
                self.visit_body(body)?;
                self.visit_body(orelse)?;
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => {
                if *is_async {
                    self.require_async_function("'async for' outside async function", s.span)?;
                }
                self.visit_target(target)?;
                self.visit_expr(iter)?;
                self.visit_body(body)?;
                self.visit_body(orelse)?;
            }
            StmtKind::Match { subject, cases } => {
                self.visit_expr(subject)?;
                for case in cases {
                    self.visit_pattern(&case.pattern)?;
                    self.visit_exprs(&case.guard)?;
                    self.visit_body(&case.body)?;
                }
            }
            StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
            StmtKind::FunctionDef(f) => {
                self.add_def(&f.name, DEF_LOCAL, s.span)?;
                self.visit_defaults(&f.params)?;
                self.visit_exprs(&f.decorators)?;
                self.push_scope(CodeKind::Function, &f.name, Some(NodeKey::Function(addr(&**f))));
                self.frame_scope_mut().is_coroutine = f.is_async;
                self.visit_params(&f.params)?;
                self.visit_body(&f.body)?;
                self.pop_scope();
            }
            StmtKind::ClassDef(c) => {
                self.add_def(&c.name, DEF_LOCAL, s.span)?;
                self.visit_exprs(&c.bases)?;
                self.visit_exprs(c.keywords.iter().map(|k| &k.value))?;
                self.visit_exprs(&c.decorators)?;
                self.push_scope(CodeKind::Class, &c.name, Some(NodeKey::Class(addr(&**c))));
                self.visit_body(&c.body)?;
                self.pop_scope();
            }
            StmtKind::Return(value) => self.visit_exprs(value)?,
            StmtKind::Global(names) => self.visit_declaration(names, DEF_GLOBAL, s.span)?,
            StmtKind::Nonlocal(names) => self.visit_declaration(names, DEF_NONLOCAL, s.span)?,
            StmtKind::Delete(targets) => targets.iter().try_for_each(|t| self.visit_target(t))?,
            StmtKind::Assert { test, msg } => {
                self.visit_expr(test)?;
                self.visit_exprs(msg)?;
            }
            StmtKind::Raise { exc, cause } => {
                self.visit_exprs(exc)?;
                self.visit_exprs(cause)?;
            }
            StmtKind::Try(t) => {
                self.visit_body(&t.body)?;
                for h in &t.handlers {
                    self.visit_exprs(&h.kind)?;
                    if let Some(name) = &h.name {
                        self.add_def(name, DEF_LOCAL, h.span)?;
                    }
                    self.visit_body(&h.body)?;
                }
                self.visit_body(&t.orelse)?;
                self.visit_body(&t.finalbody)?;
            }
            StmtKind::With { items, body, is_async } => {
                if *is_async {
                    self.require_async_function("'async with' outside async function", s.span)?;
                }
                for item in items {
                    self.visit_expr(&item.context)?;
                    if let Some(target) = &item.target {
                        self.visit_target(target)?;
                    }
                }
                self.visit_body(body)?;
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    // `import a.b.c` binds `a`.
                    let stored = a
                        .asname
                        .as_deref()
                        .unwrap_or_else(|| a.name.split('.').next().unwrap_or(""));
                    self.add_def(stored, DEF_IMPORT, s.span)?;
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                if names.is_empty() && self.current().kind != CodeKind::Module {
                    return Err(error("import * only allowed at module level", s.span));
                }
                for a in names {
                    self.add_def(a.asname.as_deref().unwrap_or(&a.name), DEF_IMPORT, s.span)?;
                }
            }
        }
        self.leave();
        Ok(())
    }

    fn visit_declaration(&mut self, names: &[String], flag: u16, span: Span) -> Result<(), SyntaxError> {
        let what = if flag == DEF_GLOBAL { "global" } else { "nonlocal" };
        for name in names {
            let cur = self.current().flags(&mangle(self.current().private.as_deref(), name));
            let msg = if cur & DEF_PARAM != 0 {
                format!("name '{name}' is parameter and {what}")
            } else if cur & USE != 0 {
                format!("name '{name}' is used prior to {what} declaration")
            } else if cur & DEF_ANNOT != 0 {
                format!("annotated name '{name}' can't be {what}")
            } else if cur & DEF_LOCAL != 0 {
                format!("name '{name}' is assigned to before {what} declaration")
            } else {
                self.add_def(name, flag, span)?;
                self.record_directive(name, span);
                continue;
            };
            return Err(error(msg, span));
        }
        Ok(())
    }

    /// Defaults are evaluated in the scope that defines the function.
    fn visit_defaults(&mut self, params: &Params) -> Result<(), SyntaxError> {
        let defaults = params
            .args
            .iter()
            .chain(&params.kwonly)
            .filter_map(|p| p.default.as_ref());
        self.visit_exprs(defaults)
    }

    fn visit_params(&mut self, params: &Params) -> Result<(), SyntaxError> {
        let ordered = params
            .args
            .iter()
            .chain(&params.kwonly)
            .chain(&params.vararg)
            .chain(&params.kwarg);
        for p in ordered {
            self.add_def(&p.name, DEF_PARAM, p.span)?;
        }
        let id = self.frame().id;
        let scope = &mut self.scopes[id];
        scope.argcount = count(params.args.len());
        scope.posonlyargcount = count(params.posonly);
        scope.kwonlyargcount = count(params.kwonly.len());
        scope.has_varargs = params.vararg.is_some();
        scope.has_varkeywords = params.kwarg.is_some();
        Ok(())
    }

    /// Names bound by assignment, `del`, `for`, `with ... as` and comprehension targets.
    fn visit_target(&mut self, e: &Expr) -> Result<(), SyntaxError> {
        self.enter(e.span)?;
        match &e.kind {
            ExprKind::Name(name) => self.add_def(name, DEF_LOCAL, e.span)?,
            ExprKind::Tuple(elts) | ExprKind::List(elts) => {
                elts.iter().try_for_each(|t| self.visit_target(t))?;
            }
            ExprKind::Starred(inner) => self.visit_target(inner)?,
            ExprKind::Attribute { value, .. } => self.visit_expr(value)?,
            ExprKind::Subscript { value, index } => {
                self.visit_expr(value)?;
                self.visit_expr(index)?;
            }
            // Not a valid target: code generation reports it.
            _ => self.visit_expr(e)?,
        }
        self.leave();
        Ok(())
    }

    /// Captures bind names like assignments; value patterns, keys and classes are expressions.
    fn visit_pattern(&mut self, p: &Pattern) -> Result<(), SyntaxError> {
        self.enter(p.span)?;
        match &p.kind {
            PatternKind::Value(e) => self.visit_expr(e)?,
            PatternKind::Singleton(_) => {}
            PatternKind::Sequence(items) | PatternKind::Or(items) => {
                items.iter().try_for_each(|p| self.visit_pattern(p))?;
            }
            PatternKind::Mapping { keys, patterns, rest } => {
                self.visit_exprs(keys)?;
                patterns.iter().try_for_each(|p| self.visit_pattern(p))?;
                if let Some(name) = rest {
                    self.add_def(name, DEF_LOCAL, p.span)?;
                }
            }
            PatternKind::Class {
                cls,
                patterns,
                kwd_patterns,
                ..
            } => {
                self.visit_expr(cls)?;
                patterns
                    .iter()
                    .chain(kwd_patterns)
                    .try_for_each(|p| self.visit_pattern(p))?;
            }
            PatternKind::Star(name) => {
                if let Some(name) = name {
                    self.add_def(name, DEF_LOCAL, p.span)?;
                }
            }
            PatternKind::As { pattern, name } => {
                if let Some(inner) = pattern {
                    self.visit_pattern(inner)?;
                }
                if let Some(name) = name {
                    self.add_def(name, DEF_LOCAL, p.span)?;
                }
            }
        }
        self.leave();
        Ok(())
    }

    fn visit_expr(&mut self, e: &Expr) -> Result<(), SyntaxError> {
        self.enter(e.span)?;
        match &e.kind {
            ExprKind::Name(name) => {
                self.add_def(name, USE, e.span)?;
                // Zero-argument super() reads the __class__ cell.
                if name == "super" && self.current().is_function_like() {
                    self.add_def("__class__", USE, e.span)?;
                }
            }
            ExprKind::Constant(_) => {}
            ExprKind::JoinedStr(parts) => self.visit_fstring(parts)?,
            ExprKind::Tuple(elts) | ExprKind::List(elts) | ExprKind::Set(elts) => self.visit_exprs(elts)?,
            ExprKind::Dict(items) => {
                for (key, value) in items {
                    self.visit_exprs(key)?;
                    self.visit_expr(value)?;
                }
            }
            ExprKind::Starred(inner) => self.visit_expr(inner)?,
            ExprKind::BinOp { .. } => {
                // Long `a + b + c + ...` chains nest to the left: walk the spine iteratively.
                let mut spine = Vec::new();
                let mut cur = e;
                while let ExprKind::BinOp { left, right, .. } = &cur.kind {
                    spine.push(&**right);
                    cur = left;
                }
                self.visit_expr(cur)?;
                self.visit_exprs(spine.into_iter().rev())?;
            }
            ExprKind::UnaryOp { operand, .. } => self.visit_expr(operand)?,
            ExprKind::BoolOp { values, .. } => self.visit_exprs(values)?,
            ExprKind::Compare { left, comparators, .. } => {
                self.visit_expr(left)?;
                self.visit_exprs(comparators)?;
            }
            ExprKind::Call { func, args, keywords } => {
                self.visit_expr(func)?;
                self.visit_exprs(args)?;
                self.visit_exprs(keywords.iter().map(|k| &k.value))?;
            }
            ExprKind::Attribute { value, .. } => self.visit_expr(value)?,
            ExprKind::Subscript { value, index } => {
                self.visit_expr(value)?;
                self.visit_expr(index)?;
            }
            ExprKind::Slice { lower, upper, step } => {
                self.visit_exprs([lower, upper, step].into_iter().flatten().map(|b| &**b))?;
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.visit_expr(test)?;
                self.visit_expr(body)?;
                self.visit_expr(orelse)?;
            }
            ExprKind::Lambda { params, body } => {
                self.visit_defaults(params)?;
                self.push_scope(CodeKind::Lambda, "<lambda>", Some(NodeKey::Expr(addr(e))));
                self.visit_params(params)?;
                self.visit_expr(body)?;
                self.pop_scope();
            }
            ExprKind::ListComp { elt, generators } => {
                self.visit_comprehension(e, "<listcomp>", generators, elt, None)?;
            }
            ExprKind::SetComp { elt, generators } => {
                self.visit_comprehension(e, "<setcomp>", generators, elt, None)?;
            }
            ExprKind::DictComp { key, value, generators } => {
                self.visit_comprehension(e, "<dictcomp>", generators, key, Some(value))?;
            }
            ExprKind::GeneratorExp { elt, generators } => {
                self.visit_comprehension(e, "<genexpr>", generators, elt, None)?;
            }
            ExprKind::Yield(value) => {
                if let Some(value) = value {
                    self.visit_expr(value)?;
                }
                self.mark_generator(e.span)?;
            }
            ExprKind::YieldFrom(value) => {
                self.visit_expr(value)?;
                if self.current().is_coroutine {
                    return Err(error("'yield from' inside async function", e.span));
                }
                self.mark_generator(e.span)?;
            }
            ExprKind::Await(value) => {
                self.visit_expr(value)?;
                self.visit_await(e.span)?;
            }
            ExprKind::NamedExpr { target, value } => self.visit_named_expr(target, value)?,
        }
        self.leave();
        Ok(())
    }

    fn visit_fstring(&mut self, parts: &[FStringPart]) -> Result<(), SyntaxError> {
        for part in parts {
            if let FStringPart::Formatted { value, format_spec, .. } = part {
                self.visit_expr(value)?;
                if let Some(spec) = format_spec {
                    self.visit_fstring(spec)?;
                }
            }
        }
        Ok(())
    }

    fn frame_scope_mut(&mut self) -> &mut Scope {
        let id = self.frame().id;
        &mut self.scopes[id]
    }

    /// `async for` / `async with` statements belong directly in an `async def`.
    fn require_async_function(&self, message: &str, span: Span) -> Result<(), SyntaxError> {
        let scope = self.current();
        if scope.kind == CodeKind::Function && scope.is_coroutine {
            return Ok(());
        }
        Err(error(message, span))
    }

    /// `await` makes an enclosing comprehension asynchronous; anywhere else it needs an
    /// `async def` around it.
    fn visit_await(&mut self, span: Span) -> Result<(), SyntaxError> {
        let scope = self.frame_scope_mut();
        match scope.kind {
            CodeKind::Comprehension => {
                scope.is_coroutine = true;
                Ok(())
            }
            CodeKind::Function if scope.is_coroutine => Ok(()),
            CodeKind::Function | CodeKind::Lambda => Err(error("'await' outside async function", span)),
            CodeKind::Module | CodeKind::Class => Err(error("'await' outside function", span)),
        }
    }

    fn mark_generator(&mut self, span: Span) -> Result<(), SyntaxError> {
        let id = self.frame().id;
        let scope = &mut self.scopes[id];
        match scope.kind {
            CodeKind::Function | CodeKind::Lambda => {
                scope.is_generator = true;
                Ok(())
            }
            CodeKind::Comprehension => {
                let what = match scope.name.as_str() {
                    "<listcomp>" => "list comprehension",
                    "<setcomp>" => "set comprehension",
                    "<dictcomp>" => "dict comprehension",
                    _ => "generator expression",
                };
                Err(error(format!("'yield' inside {what}"), span))
            }
            CodeKind::Module | CodeKind::Class => Err(error("'yield' outside function", span)),
        }
    }

    /// The outermost iterable is evaluated in the enclosing scope and passed in as `.0`; the rest
    /// of the comprehension runs in its own function scope.
    fn visit_comprehension(
        &mut self,
        e: &Expr,
        name: &str,
        generators: &[Comprehension],
        elt: &Expr,
        value: Option<&Expr>,
    ) -> Result<(), SyntaxError> {
        let Some((first, rest)) = generators.split_first() else {
            return Err(error("comprehension without 'for'", e.span));
        };
        self.frame_mut().comp_iter_expr += 1;
        self.visit_expr(&first.iter)?;
        self.frame_mut().comp_iter_expr -= 1;

        self.push_scope(CodeKind::Comprehension, name, Some(NodeKey::Expr(addr(e))));
        let id = self.frame().id;
        self.scopes[id].is_generator = name == "<genexpr>";
        self.scopes[id].argcount = 1;
        self.add_def(".0", DEF_PARAM, e.span)?;
        self.visit_comp_target(&first.target)?;
        self.visit_exprs(&first.ifs)?;
        for g in rest {
            self.visit_comp_target(&g.target)?;
            self.frame_mut().comp_iter_expr += 1;
            self.visit_expr(&g.iter)?;
            self.frame_mut().comp_iter_expr -= 1;
            self.visit_exprs(&g.ifs)?;
        }
        self.visit_expr(elt)?;
        self.visit_exprs(value)?;
        if generators.iter().any(|g| g.is_async) {
            self.scopes[id].is_coroutine = true;
        }
        self.pop_scope();
        // An asynchronous list, set or dict comprehension is awaited where it stands, which
        // makes an enclosing comprehension asynchronous too; an async genexpr is just made.
        if self.scopes[id].is_coroutine && name != "<genexpr>" {
            let outer = self.frame_scope_mut();
            match outer.kind {
                CodeKind::Comprehension => outer.is_coroutine = true,
                CodeKind::Function if outer.is_coroutine => {}
                _ => {
                    return Err(error(
                        "asynchronous comprehension outside of an asynchronous function",
                        e.span,
                    ));
                }
            }
        }
        Ok(())
    }

    fn visit_comp_target(&mut self, target: &Expr) -> Result<(), SyntaxError> {
        self.frame_mut().comp_iter_target = true;
        let result = self.visit_target(target);
        self.frame_mut().comp_iter_target = false;
        result
    }

    fn visit_named_expr(&mut self, target: &Expr, value: &Expr) -> Result<(), SyntaxError> {
        if self.frame().comp_iter_expr > 0 {
            return Err(error(
                "assignment expression cannot be used in a comprehension iterable expression",
                target.span,
            ));
        }
        if let ExprKind::Name(name) = &target.kind
            && self.current().kind == CodeKind::Comprehension
        {
            self.extend_named_expr_scope(name, target.span)?;
        }
        self.visit_expr(value)?;
        self.visit_target(target)
    }

    /// A walrus inside a comprehension binds in the nearest enclosing function (as if declared
    /// `nonlocal` in the comprehension) or module (as if `global`).
    fn extend_named_expr_scope(&mut self, name: &str, span: Span) -> Result<(), SyntaxError> {
        let mangled = mangle(self.current().private.as_deref(), name).into_owned();
        for i in (0..self.stack.len()).rev() {
            let id = self.stack[i].id;
            let scope = &self.scopes[id];
            match scope.kind {
                CodeKind::Comprehension => {
                    if scope.flags(&mangled) & DEF_COMP_ITER != 0 {
                        return Err(error(
                            format!("assignment expression cannot rebind comprehension iteration variable '{name}'"),
                            span,
                        ));
                    }
                }
                CodeKind::Function | CodeKind::Lambda => {
                    let flag = if scope.flags(&mangled) & DEF_GLOBAL != 0 {
                        DEF_GLOBAL
                    } else {
                        DEF_NONLOCAL
                    };
                    self.add_def(name, flag, span)?;
                    self.record_directive(name, span);
                    self.scopes[id].symbol_mut(&mangled).flags |= DEF_LOCAL;
                    return Ok(());
                }
                CodeKind::Module => {
                    self.add_def(name, DEF_GLOBAL, span)?;
                    self.record_directive(name, span);
                    return Ok(());
                }
                CodeKind::Class => {
                    return Err(error(
                        "assignment expression within a comprehension cannot be used in a class body",
                        span,
                    ));
                }
            }
        }
        Ok(())
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::testutil::*;
    use crate::syntax::ast::{BinOp, Stmt};

    fn table(body: Vec<Stmt>) -> SymbolTable {
        SymbolTable::build(&module(body)).unwrap_or_else(|e| panic!("{e}"))
    }

    fn scope<'t>(t: &'t SymbolTable, qualname: &str) -> &'t Scope {
        t.scopes
            .iter()
            .find(|s| s.qualname == qualname)
            .unwrap_or_else(|| panic!("no scope {qualname}"))
    }

    fn resolve(t: &SymbolTable, qualname: &str, name: &str) -> Option<NameScope> {
        scope(t, qualname).resolve(name)
    }

    fn err(body: Vec<Stmt>) -> (String, usize) {
        let e = SymbolTable::build(&module(body)).expect_err("expected a SyntaxError");
        (e.msg, e.offset)
    }

    #[test]
    fn function_locals_and_implicit_globals() {
        let t = table(vec![def(
            "f",
            &["a"],
            vec![assign(name("b"), name("a")), ret(Some(name("c")))],
        )]);
        assert_eq!(resolve(&t, "f", "a"), Some(NameScope::Local));
        assert_eq!(resolve(&t, "f", "b"), Some(NameScope::Local));
        assert_eq!(resolve(&t, "f", "c"), Some(NameScope::GlobalImplicit));
        assert_eq!(scope(&t, "f").varnames(), vec!["a", "b"]);
        assert_eq!(resolve(&t, "<module>", "f"), Some(NameScope::Local));
    }

    #[test]
    fn captured_locals_become_cells_and_free_variables() {
        let t = table(vec![def(
            "f",
            &["p"],
            vec![
                assign(name("x"), int(1)),
                def(
                    "g",
                    &[],
                    vec![def("h", &[], vec![ret(Some(bin(name("x"), BinOp::Add, name("p"))))])],
                ),
            ],
        )]);
        assert_eq!(resolve(&t, "f", "x"), Some(NameScope::Cell));
        assert_eq!(scope(&t, "f").cellvars(), vec!["p", "x"]);
        // `g` does not use `x` itself but passes it through to `h`.
        assert_eq!(scope(&t, "f.<locals>.g").freevars(), vec!["p", "x"]);
        assert_eq!(resolve(&t, "f.<locals>.g.<locals>.h", "x"), Some(NameScope::Free));
        // Cells are not fast locals, except parameters (copied into their cell on entry).
        assert_eq!(scope(&t, "f").varnames(), vec!["p", "g"]);
    }

    #[test]
    fn nonlocal_and_global_declarations() {
        let t = table(vec![def(
            "f",
            &[],
            vec![
                assign(name("x"), int(1)),
                def(
                    "g",
                    &[],
                    vec![
                        nonlocal(&["x"]),
                        global(&["y"]),
                        assign(name("x"), int(2)),
                        assign(name("y"), int(3)),
                    ],
                ),
            ],
        )]);
        assert_eq!(resolve(&t, "f.<locals>.g", "x"), Some(NameScope::Free));
        assert_eq!(resolve(&t, "f", "x"), Some(NameScope::Cell));
        assert_eq!(resolve(&t, "f.<locals>.g", "y"), Some(NameScope::GlobalExplicit));
        // Like CPython, a `global` anywhere makes the module-level name explicit too.
        assert_eq!(resolve(&t, "<module>", "y"), Some(NameScope::GlobalExplicit));
    }

    #[test]
    fn class_scopes_are_skipped_by_methods() {
        let t = table(vec![def(
            "f",
            &[],
            vec![
                assign(name("x"), int(1)),
                assign(name("y"), int(1)),
                class(
                    "C",
                    vec![
                        assign(name("x"), int(2)),
                        assign(name("z"), name("y")),
                        def("m", &["self"], vec![ret(Some(bin(name("x"), BinOp::Add, name("z"))))]),
                    ],
                ),
            ],
        )]);
        let m = "f.<locals>.C.m";
        // The method sees f's `x`, not the class attribute, and `z` is a global.
        assert_eq!(resolve(&t, m, "x"), Some(NameScope::Free));
        assert_eq!(resolve(&t, m, "z"), Some(NameScope::GlobalImplicit));
        let c = scope(&t, "f.<locals>.C");
        // The class body binds `x` itself but must also pass f's cell on to the method.
        assert_eq!(c.resolve("x"), Some(NameScope::Local));
        // The class body reads f's `y` (LoadClassDeref).
        assert_eq!(c.resolve("y"), Some(NameScope::Free));
        assert_eq!(c.freevars(), vec!["x", "y"]);
        assert_eq!(scope(&t, "f").cellvars(), vec!["x", "y"]);
        // At module level, a class attribute is invisible to methods: a global.
        let t = table(vec![class(
            "D",
            vec![assign(name("a"), int(1)), def("m", &[], vec![ret(Some(name("a")))])],
        )]);
        assert_eq!(resolve(&t, "D.m", "a"), Some(NameScope::GlobalImplicit));
    }

    #[test]
    fn comprehensions_have_their_own_scope() {
        let t = table(vec![def(
            "f",
            &[],
            vec![
                assign(name("n"), int(1)),
                ret(Some(listcomp(
                    bin(name("i"), BinOp::Mul, name("n")),
                    vec![comp(name("i"), name("xs"), vec![])],
                ))),
            ],
        )]);
        let c = scope(&t, "f.<locals>.<listcomp>");
        assert_eq!(c.kind, CodeKind::Comprehension);
        assert_eq!(c.params, vec![".0"]);
        assert_eq!(c.resolve("i"), Some(NameScope::Local));
        assert_eq!(c.resolve("n"), Some(NameScope::Free));
        // The outermost iterable belongs to the enclosing scope.
        assert_eq!(c.resolve("xs"), None);
        assert_eq!(resolve(&t, "f", "xs"), Some(NameScope::GlobalImplicit));
        assert_eq!(resolve(&t, "f", "i"), None);
        // Class-level names are not visible in a comprehension in the class body either.
        let t = table(vec![class(
            "C",
            vec![
                assign(name("k"), int(1)),
                expr(listcomp(name("k"), vec![comp(name("j"), name("k"), vec![])])),
            ],
        )]);
        assert_eq!(resolve(&t, "C.<listcomp>", "k"), Some(NameScope::GlobalImplicit));
        assert_eq!(resolve(&t, "C", "k"), Some(NameScope::Local));
        let t = table(vec![expr(genexp(name("x"), vec![comp(name("x"), name("y"), vec![])]))]);
        assert!(scope(&t, "<genexpr>").is_generator);
    }

    #[test]
    fn walrus_in_comprehension_targets_the_enclosing_function() {
        let t = table(vec![def(
            "f",
            &[],
            vec![expr(listcomp(
                walrus("y", name("i")),
                vec![comp(name("i"), name("xs"), vec![])],
            ))],
        )]);
        assert_eq!(resolve(&t, "f.<locals>.<listcomp>", "y"), Some(NameScope::Free));
        assert_eq!(resolve(&t, "f", "y"), Some(NameScope::Cell));
    }

    #[test]
    fn super_gives_methods_the_class_cell() {
        let t = table(vec![class(
            "C",
            vec![
                def("m", &["self"], vec![expr(call(name("super"), vec![]))]),
                def(
                    "n",
                    &["self"],
                    vec![expr(listcomp(
                        name("__class__"),
                        vec![comp(name("i"), name("xs"), vec![])],
                    ))],
                ),
                def("plain", &["self"], vec![pass()]),
            ],
        )]);
        let c = scope(&t, "C");
        assert!(c.needs_class_cell);
        assert_eq!(c.cellvars(), vec!["__class__"]);
        assert!(c.freevars().is_empty());
        assert_eq!(scope(&t, "C.m").freevars(), vec!["__class__"]);
        assert_eq!(scope(&t, "C.n").freevars(), vec!["__class__"]);
        assert_eq!(scope(&t, "C.n.<locals>.<listcomp>").freevars(), vec!["__class__"]);
        assert!(scope(&t, "C.plain").freevars().is_empty());
        // Outside a class `super` is just a global.
        let t = table(vec![def("f", &[], vec![expr(call(name("super"), vec![]))])]);
        assert_eq!(resolve(&t, "f", "__class__"), Some(NameScope::GlobalImplicit));
    }

    #[test]
    fn qualnames() {
        let t = table(vec![
            def("f", &[], vec![def("g", &[], vec![pass()]), expr(lambda(&[], int(1)))]),
            class("C", vec![def("m", &[], vec![pass()]), class("D", vec![])]),
            def("h", &[], vec![global(&["k"]), def("k", &[], vec![pass()])]),
            expr(lambda(&[], int(1))),
        ]);
        for q in [
            "f",
            "f.<locals>.g",
            "f.<locals>.<lambda>",
            "C",
            "C.m",
            "C.D",
            "h",
            "k",
            "<lambda>",
        ] {
            scope(&t, q);
        }
    }

    #[test]
    fn private_names_are_mangled() {
        assert_eq!(mangle(Some("C"), "__x"), "_C__x");
        assert_eq!(mangle(Some("__C"), "__x"), "_C__x");
        assert_eq!(mangle(Some("C"), "__x__"), "__x__");
        assert_eq!(mangle(Some("C"), "_x"), "_x");
        assert_eq!(mangle(Some("___"), "__x"), "__x");
        assert_eq!(mangle(None, "__x"), "__x");
        let t = table(vec![class(
            "C",
            vec![def("m", &["__p"], vec![assign(name("__v"), int(1))])],
        )]);
        assert_eq!(scope(&t, "C.m").varnames(), vec!["_C__p", "_C__v"]);
    }

    #[test]
    fn declaration_errors() {
        let at = |s: Stmt| s.at(5);
        assert_eq!(
            err(vec![def("f", &["x"], vec![at(global(&["x"]))])]),
            ("name 'x' is parameter and global".into(), 5)
        );
        assert_eq!(
            err(vec![def("f", &[], vec![assign(name("x"), int(1)), at(global(&["x"]))])]),
            ("name 'x' is assigned to before global declaration".into(), 5)
        );
        assert_eq!(
            err(vec![def("f", &[], vec![expr(name("x")), at(global(&["x"]))])]),
            ("name 'x' is used prior to global declaration".into(), 5)
        );
        assert_eq!(
            err(vec![def("f", &[], vec![expr(name("x")), at(nonlocal(&["x"]))])]),
            ("name 'x' is used prior to nonlocal declaration".into(), 5)
        );
        assert_eq!(
            err(vec![at(nonlocal(&["x"]))]),
            ("nonlocal declaration not allowed at module level".into(), 5)
        );
        assert_eq!(
            err(vec![def("f", &[], vec![at(nonlocal(&["x"]))])]),
            ("no binding for nonlocal 'x' found".into(), 5)
        );
        assert_eq!(
            err(vec![class("C", vec![at(nonlocal(&["x"]))])]),
            ("no binding for nonlocal 'x' found".into(), 5)
        );
        assert_eq!(
            err(vec![def("f", &[], vec![at(global(&["x"])), nonlocal(&["x"])])]),
            ("name 'x' is nonlocal and global".into(), 5)
        );
        let mut dup = params(&["x"]);
        dup.kwonly.push(param("x"));
        dup.kwonly[0].span = crate::syntax::ast::Span::new(9, 10);
        assert_eq!(
            err(vec![def_with("f", dup, vec![pass()])]),
            ("duplicate argument 'x' in function definition".into(), 9)
        );
    }

    #[test]
    fn yield_await_and_import_star_placement() {
        assert_eq!(
            err(vec![expr(yield_(None).at(3))]),
            ("'yield' outside function".into(), 3)
        );
        assert_eq!(
            err(vec![class("C", vec![expr(yield_(None).at(3))])]),
            ("'yield' outside function".into(), 3)
        );
        assert_eq!(
            err(vec![def(
                "f",
                &[],
                vec![expr(listcomp(
                    yield_(None).at(4),
                    vec![comp(name("x"), name("y"), vec![])]
                ))]
            )]),
            ("'yield' inside list comprehension".into(), 4)
        );
        assert_eq!(
            err(vec![def(
                "f",
                &[],
                vec![expr(genexp(yield_(None), vec![comp(name("x"), name("y"), vec![])]))]
            )])
            .0,
            "'yield' inside generator expression"
        );
        assert!(table(vec![def("f", &[], vec![expr(yield_(None))])]).scopes[1].is_generator);
        assert_eq!(
            err(vec![expr(await_(name("x")).at(2))]),
            ("'await' outside function".into(), 2)
        );
        assert_eq!(
            err(vec![class("C", vec![expr(await_(name("x")).at(2))])]).0,
            "'await' outside function"
        );
        assert_eq!(
            err(vec![def("f", &[], vec![expr(await_(name("x")).at(3))])]),
            ("'await' outside async function".into(), 3)
        );
        let t = table(vec![async_def("f", &[], vec![expr(await_(name("x")))])]);
        assert!(t.scopes[1].is_coroutine && !t.scopes[1].is_generator);
        assert_eq!(
            err(vec![def("f", &[], vec![import_from("m", &[], 0).at(6)])]),
            ("import * only allowed at module level".into(), 6)
        );
    }

    #[test]
    fn walrus_errors() {
        assert_eq!(
            err(vec![expr(listcomp(
                walrus("i", int(0)),
                vec![comp(name("i"), name("x"), vec![])]
            ))])
            .0,
            "assignment expression cannot rebind comprehension iteration variable 'i'"
        );
        assert_eq!(
            err(vec![expr(listcomp(
                name("x"),
                vec![comp(name("x"), walrus("y", list(vec![])), vec![])]
            ))])
            .0,
            "assignment expression cannot be used in a comprehension iterable expression"
        );
        assert_eq!(
            err(vec![class(
                "C",
                vec![expr(listcomp(
                    walrus("y", int(1)),
                    vec![comp(name("x"), name("z"), vec![])]
                ))]
            )])
            .0,
            "assignment expression within a comprehension cannot be used in a class body"
        );
    }
}
