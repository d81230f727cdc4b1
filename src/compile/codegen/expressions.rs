//! Expressions: operators, boolean jumps, comparisons, calls, displays, f-strings and
//! comprehensions.

use crate::compile::bytecode::{Constant, Instr, format_flags};
use crate::compile::symtable::error;
use crate::syntax::ast::{self, BoolOp, Comprehension, Expr, ExprKind, FStringPart, Keyword, UnaryOp};

use super::{
    CResult, CompKind, Compiler, Ctx, Label, STACK_USE_GUIDELINE, Seq, check_keywords, constant, constant_set,
    describe, fold_constant, internal, operand,
};

impl<'a> Compiler<'a> {
    pub(super) fn compile_expr(&mut self, e: &'a Expr) -> CResult {
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
            ExprKind::Await(value) => {
                self.compile_expr(value)?;
                self.emit_await();
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
    pub(super) fn compile_jump_if(&mut self, e: &'a Expr, when: bool, target: Label) -> CResult {
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
    pub(super) fn compile_call_args(&mut self, pushed: usize, args: &'a [Expr], keywords: &'a [Keyword]) -> CResult {
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
        self.emit(if first.is_async {
            Instr::GetAIter
        } else {
            Instr::GetIter
        });
        self.emit(Instr::Call(1));
        // An asynchronous list, set or dict comprehension runs as a coroutine, awaited here.
        if kind != CompKind::Gen && self.table.scope(id).is_coroutine {
            self.emit_await();
        }
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
            self.emit(if g.is_async { Instr::GetAIter } else { Instr::GetIter });
        }
        self.bind(start);
        self.emit_loop_head(g.is_async, end)?;
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
        self.emit_loop_exit(g.is_async);
        self.leave();
        Ok(())
    }
}
