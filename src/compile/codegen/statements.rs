//! Statements: assignments, loops, `return`/`break`/`continue` unwinding the open blocks,
//! `try`, `with`, imports; and the assignment targets (names, attributes, subscripts,
//! unpacking) that statements and comprehensions store to.

use num_bigint::BigInt;

use crate::compile::bytecode::{CodeKind, Constant, Instr};
use crate::compile::symtable::error;
use crate::syntax::ast::{self, Expr, ExprKind, Span, Stmt, StmtKind};
use crate::syntax::error::SyntaxError;

use super::{
    CResult, Compiler, Ctx, FBlock, Label, constant_set, deciding_comparison, describe, is_const_true, operand,
    split_docstring,
};

impl<'a> Compiler<'a> {
    pub(super) fn compile_body(&mut self, body: &'a [Stmt]) -> CResult {
        body.iter().try_for_each(|s| self.compile_stmt(s))
    }

    /// Module and class bodies: a leading docstring is stored as `__doc__`.
    pub(super) fn compile_namespace_body(&mut self, body: &'a [Stmt]) -> CResult {
        let mut rest = body;
        if let Some((doc, tail)) = split_docstring(body) {
            self.set_line(body[0].span);
            self.load_const(Constant::Str(doc.to_owned()));
            self.name_op("__doc__", Ctx::Store)?;
            rest = tail;
        }
        if rest.iter().any(annotates_a_name) {
            self.emit(Instr::BuildMap(0));
            self.name_op("__annotations__", Ctx::Store)?;
        }
        self.compile_body(rest)
    }

    /// Push an annotation's value: the expression's, or its source text under
    /// `from __future__ import annotations`.
    pub(super) fn compile_annotation(&mut self, annotation: &'a Expr) -> CResult {
        if self.annotations_as_strings {
            let span = annotation.span;
            let text = self.source.get(span.start as usize..span.end as usize).unwrap_or("");
            self.load_const(Constant::Str(text.to_owned()));
            Ok(())
        } else {
            self.compile_expr(annotation)
        }
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
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => self.compile_ann_assign(target, annotation, value.as_ref())?,
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
                is_async,
            } => self.compile_for(s, target, iter, body, orelse, *is_async)?,
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
            StmtKind::With { items, body, is_async } => self.compile_with(s, items, body, *is_async)?,
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
    fn compile_ann_assign(&mut self, target: &'a Expr, annotation: &'a Expr, value: Option<&'a Expr>) -> CResult {
        let kind = self.table.scope(self.unit().scope).kind;
        // Module and class bodies record a name's annotation in `__annotations__`.
        if let (ExprKind::Name(name), CodeKind::Module | CodeKind::Class) = (&target.kind, kind) {
            if let Some(value) = value {
                self.compile_expr(value)?;
                self.compile_store(target)?;
            }
            self.compile_annotation(annotation)?;
            self.name_op("__annotations__", Ctx::Load)?;
            let key = self.mangle(name);
            self.load_const(Constant::Str(key));
            self.emit(Instr::StoreSubscr);
            return Ok(());
        }
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
    pub(super) fn compile_iterable(&mut self, e: &'a Expr) -> CResult {
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
        is_async: bool,
    ) -> CResult {
        let start = self.new_label();
        let cleanup = self.new_label();
        let exit = self.new_label();
        self.compile_iterable(iter)?;
        self.emit(if is_async { Instr::GetAIter } else { Instr::GetIter });
        self.bind(start);
        self.emit_loop_head(is_async, cleanup)?;
        self.compile_store(target)?;
        self.unit_mut().fblocks.push(FBlock::ForLoop { start, exit });
        self.compile_body(body)?;
        self.unit_mut().fblocks.pop();
        self.set_line(s.span);
        self.jump(start);
        self.bind(cleanup);
        self.emit_loop_exit(is_async);
        self.compile_body(orelse)?;
        self.bind(exit);
        Ok(())
    }

    fn compile_return(&mut self, span: Span, value: Option<&'a Expr>) -> CResult {
        if !matches!(self.scope_kind(), CodeKind::Function | CodeKind::Lambda) {
            return Err(error("'return' outside function", span));
        }
        let scope = self.table.scope(self.unit().scope);
        if value.is_some() && scope.is_generator && scope.is_coroutine {
            return Err(error("'return' with value in async generator", span));
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
            FBlock::With { is_async } => {
                self.emit(Instr::PopBlock);
                if preserve_tos {
                    self.emit(Instr::Rot2);
                }
                self.call_exit_with_nones(*is_async);
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

    /// `exit(None, None, None)` with the bound `__exit__` on TOS (awaited when it is an
    /// `__aexit__`); the result is dropped.
    fn call_exit_with_nones(&mut self, is_async: bool) {
        self.load_const(Constant::None);
        self.emit(Instr::Dup);
        self.emit(Instr::Dup);
        self.emit(Instr::Call(3));
        if is_async {
            self.emit_await();
        }
        self.emit(Instr::Pop);
    }

    /// Await TOS: delegate to its awaitable until that returns, leaving the result.
    pub(super) fn emit_await(&mut self) {
        self.emit(Instr::GetAwaitable);
        self.load_const(Constant::None);
        self.emit(Instr::YieldFrom);
    }

    /// The head of a `for` loop (iterator on TOS): push the next item, or leave for `exit`
    /// when the iterator is exhausted (an `async for` awaits `__anext__()` inside a try block
    /// whose handler at `exit` must be [`Self::emit_loop_exit`]).
    pub(super) fn emit_loop_head(&mut self, is_async: bool, exit: Label) -> CResult {
        if !is_async {
            return self.emit_to(Instr::ForIter, exit);
        }
        self.emit_to(Instr::SetupTry, exit)?;
        self.emit(Instr::GetANext);
        self.emit_await();
        self.emit(Instr::PopBlock);
        Ok(())
    }

    /// Where a loop headed by [`Self::emit_loop_head`] ends when its iterator is exhausted.
    pub(super) fn emit_loop_exit(&mut self, is_async: bool) {
        if is_async {
            self.emit(Instr::EndAsyncFor);
        }
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
    fn compile_with(&mut self, s: &Stmt, items: &'a [ast::WithItem], body: &'a [Stmt], is_async: bool) -> CResult {
        let Some((item, rest)) = items.split_first() else {
            return self.compile_body(body);
        };
        self.enter(s.span)?;
        let handler = self.new_label();
        let suppress = self.new_label();
        let end = self.new_label();
        self.compile_expr(&item.context)?;
        if is_async {
            self.emit(Instr::BeforeAsyncWith);
            self.emit_await();
        } else {
            self.emit(Instr::BeforeWith);
        }
        match &item.target {
            Some(target) => self.compile_store(target)?,
            None => self.emit(Instr::Pop),
        }
        self.emit_to(Instr::SetupTry, handler)?;
        self.unit_mut().fblocks.push(FBlock::With { is_async });
        self.compile_with(s, rest, body, is_async)?;
        self.unit_mut().fblocks.pop();
        self.set_line(s.span);
        self.emit(Instr::PopBlock);
        self.call_exit_with_nones(is_async);
        self.jump(end);

        self.bind(handler);
        self.emit(Instr::WithExceptStart);
        if is_async {
            self.emit_await();
        }
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

    // ----- assignment targets ------------------------------------------------------------------

    /// Store TOS into `target`; what can fail there (unpacking, a subscript or attribute store)
    /// is attributed to the target.
    pub(super) fn compile_store(&mut self, target: &'a Expr) -> CResult {
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
}

/// Whether a namespace body annotates a plain name (so it needs `__annotations__`), looking
/// into compound statements but not into nested functions and classes.
fn annotates_a_name(s: &Stmt) -> bool {
    let any = |body: &[Stmt]| body.iter().any(annotates_a_name);
    match &s.kind {
        StmtKind::AnnAssign { target, .. } => matches!(target.kind, ExprKind::Name(_)),
        StmtKind::If { body, orelse, .. }
        | StmtKind::While { body, orelse, .. }
        | StmtKind::For { body, orelse, .. } => any(body) || any(orelse),
        StmtKind::With { body, .. } => any(body),
        StmtKind::Try(t) => {
            any(&t.body) || any(&t.orelse) || any(&t.finalbody) || t.handlers.iter().any(|h| any(&h.body))
        }
        _ => false,
    }
}
