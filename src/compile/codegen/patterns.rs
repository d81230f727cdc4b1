//! The `match` statement, compiled the way CPython 3.11 does (`compiler_match`).
//!
//! A pattern consumes the value on top of the stack and jumps to a failure label when it does
//! not match. Captured values are not stored as they are found: they wait on the stack, under
//! the items still being matched, and are stored only once the whole pattern has matched, so a
//! failed case binds nothing. On failure everything the pattern left on the stack is popped by
//! a chain of `Pop`s (`fail_pop[k]` pops `k` entries), then the next case is tried.

use std::collections::HashSet;

use super::{CResult, Compiler, Ctx, Label, fold_constant, value_key};
use crate::compile::bytecode::{CmpOp, Constant, Instr};
use crate::compile::dis::const_repr;
use crate::compile::symtable::error;
use crate::syntax::ast::{Expr, MatchCase, Pattern, PatternKind, Span};
use crate::syntax::error::SyntaxError;

/// CPython's `pattern_context`: the state of the pattern being compiled.
struct PatternCtx {
    /// Names captured so far; their values wait on the stack, the first one on top.
    stores: Vec<String>,
    /// Whether an irrefutable pattern (a capture or wildcard) is allowed here.
    allow_irrefutable: bool,
    /// `fail_pop[k]` pops `k` entries and fails.
    fail_pop: Vec<Label>,
    /// Entries above the captured values that must be popped on failure.
    on_top: usize,
}

impl PatternCtx {
    fn new(allow_irrefutable: bool) -> PatternCtx {
        PatternCtx {
            stores: Vec::new(),
            allow_irrefutable,
            fail_pop: Vec::new(),
            on_top: 0,
        }
    }
}

/// CPython points at the start of the alternative only.
fn different_names(alt: &Pattern) -> SyntaxError {
    SyntaxError::new("alternative patterns bind different names", alt.span.start as usize)
}

fn is_wildcard(p: &Pattern) -> bool {
    matches!(
        p.kind,
        PatternKind::As {
            pattern: None,
            name: None
        }
    )
}

fn is_star_wildcard(p: &Pattern) -> bool {
    matches!(p.kind, PatternKind::Star(None))
}

impl<'a> Compiler<'a> {
    pub(super) fn compile_match(&mut self, subject: &'a Expr, cases: &'a [MatchCase]) -> CResult {
        self.compile_expr(subject)?;
        let end = self.new_label();
        // A final `case _:` needs no copy of the subject: the case before it consumes it.
        let has_default = cases.len() > 1 && cases.last().is_some_and(|c| is_wildcard(&c.pattern));
        let tried = cases.len() - usize::from(has_default);
        for (i, case) in cases[..tried].iter().enumerate() {
            let keep_subject = i + 1 != tried;
            self.set_line(case.pattern.span);
            if keep_subject {
                self.emit(Instr::Dup);
            }
            let mut pc = PatternCtx::new(case.guard.is_some() || i + 1 == cases.len());
            self.compile_pattern(&case.pattern, &mut pc)?;
            for name in &pc.stores {
                self.name_op(name, Ctx::Store)?;
            }
            if let Some(guard) = &case.guard {
                let fail = self.fail_pop(&mut pc, 0);
                self.compile_jump_if(guard, false, fail)?;
            }
            if keep_subject {
                self.emit(Instr::Pop);
            }
            self.compile_body(&case.body)?;
            self.jump(end);
            self.set_line(case.pattern.span);
            self.emit_fail_pops(&mut pc);
        }
        if has_default && let Some(case) = cases.last() {
            self.set_line(case.pattern.span);
            self.emit(Instr::Nop);
            if let Some(guard) = &case.guard {
                self.compile_jump_if(guard, false, end)?;
            }
            self.compile_body(&case.body)?;
        }
        self.bind(end);
        Ok(())
    }

    /// The label that pops `n` entries and fails, made on first use.
    fn fail_pop(&mut self, pc: &mut PatternCtx, n: usize) -> Label {
        while pc.fail_pop.len() <= n {
            let label = self.new_label();
            pc.fail_pop.push(label);
        }
        pc.fail_pop[n]
    }

    /// Jumps (with `make`) to the failure label popping everything the pattern has pushed.
    fn jump_to_fail(&mut self, pc: &mut PatternCtx, make: fn(u32) -> Instr) -> CResult {
        let label = self.fail_pop(pc, pc.on_top + pc.stores.len());
        self.emit_to(make, label)
    }

    /// The chain of failure labels: `fail_pop[k]` falls through `k` pops.
    fn emit_fail_pops(&mut self, pc: &mut PatternCtx) {
        let labels = std::mem::take(&mut pc.fail_pop);
        for (k, label) in labels.iter().enumerate().rev() {
            self.bind(*label);
            if k > 0 {
                self.emit(Instr::Pop);
            }
        }
    }

    fn rotate(&mut self, n: usize) -> CResult {
        if n > 1 {
            self.emit(Instr::Rotate(super::operand(n)?));
        }
        Ok(())
    }

    /// Captures TOS as `name` (pops it for `_`): it waits under the entries still in use.
    fn store_capture(&mut self, name: Option<&str>, span: Span, pc: &mut PatternCtx) -> CResult {
        let Some(name) = name else {
            self.emit(Instr::Pop);
            return Ok(());
        };
        if name == "__debug__" {
            return Err(error("cannot assign to __debug__", span));
        }
        if pc.stores.iter().any(|s| s == name) {
            return Err(error(format!("multiple assignments to name '{name}' in pattern"), span));
        }
        self.rotate(pc.on_top + pc.stores.len() + 1)?;
        pc.stores.push(name.to_owned());
        Ok(())
    }

    /// A pattern nested in another: irrefutable ones are fine there.
    fn compile_subpattern(&mut self, p: &'a Pattern, pc: &mut PatternCtx) -> CResult {
        let allow = std::mem::replace(&mut pc.allow_irrefutable, true);
        let result = self.compile_pattern(p, pc);
        pc.allow_irrefutable = allow;
        result
    }

    fn compile_pattern(&mut self, p: &'a Pattern, pc: &mut PatternCtx) -> CResult {
        self.enter(p.span)?;
        self.set_line(p.span);
        match &p.kind {
            PatternKind::Value(e) => {
                self.compile_expr(e)?;
                self.set_line(p.span);
                self.emit(Instr::Compare(CmpOp::Eq));
                self.jump_to_fail(pc, Instr::PopJumpIfFalse)?;
            }
            PatternKind::Singleton(c) => {
                self.load_const(super::constant(c));
                self.emit(Instr::Compare(CmpOp::Is));
                self.jump_to_fail(pc, Instr::PopJumpIfFalse)?;
            }
            PatternKind::As { pattern: None, name } => {
                if !pc.allow_irrefutable {
                    let msg = match name {
                        Some(name) => format!("name capture '{name}' makes remaining patterns unreachable"),
                        None => "wildcard makes remaining patterns unreachable".to_owned(),
                    };
                    return Err(error(msg, p.span));
                }
                self.store_capture(name.as_deref(), p.span, pc)?;
            }
            PatternKind::As {
                pattern: Some(inner),
                name,
            } => {
                // Keep a copy to store if the inner pattern matches.
                pc.on_top += 1;
                self.emit(Instr::Dup);
                self.compile_pattern(inner, pc)?;
                pc.on_top -= 1;
                self.store_capture(name.as_deref(), p.span, pc)?;
            }
            PatternKind::Star(_) => return Err(error("can't use starred name here", p.span)),
            PatternKind::Sequence(items) => self.compile_sequence_pattern(p, items, pc)?,
            PatternKind::Mapping { keys, patterns, rest } => {
                self.compile_mapping_pattern(p, keys, patterns, rest.as_deref(), pc)?;
            }
            PatternKind::Class {
                cls,
                patterns,
                kwd_attrs,
                kwd_patterns,
            } => self.compile_class_pattern(p, cls, patterns, kwd_attrs, kwd_patterns, pc)?,
            PatternKind::Or(alternatives) => self.compile_or_pattern(p, alternatives, pc)?,
        }
        self.leave();
        Ok(())
    }

    fn compile_class_pattern(
        &mut self,
        p: &Pattern,
        cls: &'a Expr,
        patterns: &'a [Pattern],
        kwd_attrs: &[String],
        kwd_patterns: &'a [Pattern],
        pc: &mut PatternCtx,
    ) -> CResult {
        let mut seen = HashSet::new();
        for (attr, kp) in kwd_attrs.iter().zip(kwd_patterns) {
            if attr == "__debug__" {
                return Err(error("cannot assign to __debug__", kp.span));
            }
            if !seen.insert(attr) {
                return Err(error(
                    format!("attribute name repeated in class pattern: {attr}"),
                    kp.span,
                ));
            }
        }
        self.compile_expr(cls)?;
        self.set_line(p.span);
        let names = kwd_attrs.iter().map(|a| Constant::Str(a.clone())).collect();
        self.load_const(Constant::Tuple(names));
        self.emit(Instr::MatchClass(super::operand(patterns.len())?));
        self.emit(Instr::Dup);
        self.load_const(Constant::None);
        self.emit(Instr::Compare(CmpOp::IsNot));
        // The tuple of attributes stays on the stack while it is matched.
        pc.on_top += 1;
        self.jump_to_fail(pc, Instr::PopJumpIfFalse)?;
        let all: Vec<&'a Pattern> = patterns.iter().chain(kwd_patterns).collect();
        // The tuple is replaced by its items, each matched in turn.
        self.emit(Instr::UnpackSequence(super::operand(all.len())?));
        pc.on_top += all.len();
        pc.on_top -= 1;
        for sub in all {
            pc.on_top -= 1;
            if is_wildcard(sub) {
                self.emit(Instr::Pop);
            } else {
                self.compile_subpattern(sub, pc)?;
            }
        }
        Ok(())
    }

    fn compile_sequence_pattern(&mut self, p: &Pattern, items: &'a [Pattern], pc: &mut PatternCtx) -> CResult {
        let mut star = None;
        for (i, item) in items.iter().enumerate() {
            if let PatternKind::Star(_) = item.kind {
                if star.is_some() {
                    return Err(error("multiple starred names in sequence pattern", p.span));
                }
                star = Some(i);
            }
        }
        let size = items.len();
        // The subject stays on top during the type and length checks.
        pc.on_top += 1;
        self.emit(Instr::MatchSequence);
        self.jump_to_fail(pc, Instr::PopJumpIfFalse)?;
        let (op, len) = match star {
            None => (CmpOp::Eq, size),
            Some(_) => (CmpOp::GtE, size - 1),
        };
        if star.is_none() || len > 0 {
            self.emit(Instr::GetLen);
            self.load_const(Constant::Int(len.into()));
            self.emit(Instr::Compare(op));
            self.jump_to_fail(pc, Instr::PopJumpIfFalse)?;
        }
        pc.on_top -= 1;
        if items.iter().all(|i| is_wildcard(i) || is_star_wildcard(i)) {
            self.emit(Instr::Pop);
            return Ok(());
        }
        match star {
            None => self.emit(Instr::UnpackSequence(super::operand(size)?)),
            Some(i) => {
                let before = u16::try_from(i).map_err(|_| error("too many expressions in star-unpacking", p.span))?;
                let after =
                    u16::try_from(size - i - 1).map_err(|_| error("too many expressions in star-unpacking", p.span))?;
                self.emit(Instr::UnpackEx { before, after });
            }
        }
        pc.on_top += size;
        for item in items {
            pc.on_top -= 1;
            match &item.kind {
                PatternKind::Star(name) => self.store_capture(name.as_deref(), item.span, pc)?,
                _ => self.compile_subpattern(item, pc)?,
            }
        }
        Ok(())
    }

    fn compile_mapping_pattern(
        &mut self,
        p: &Pattern,
        keys: &'a [Expr],
        patterns: &'a [Pattern],
        rest: Option<&str>,
        pc: &mut PatternCtx,
    ) -> CResult {
        let size = keys.len();
        pc.on_top += 1;
        self.emit(Instr::MatchMapping);
        self.jump_to_fail(pc, Instr::PopJumpIfFalse)?;
        if size == 0 && rest.is_none() {
            pc.on_top -= 1;
            self.emit(Instr::Pop);
            return Ok(());
        }
        if size > 0 {
            self.emit(Instr::GetLen);
            self.load_const(Constant::Int(size.into()));
            self.emit(Instr::Compare(CmpOp::GtE));
            self.jump_to_fail(pc, Instr::PopJumpIfFalse)?;
        }
        let mut seen = HashSet::new();
        for key in keys {
            if let Some(c) = fold_constant(key)
                && let Some(k) = value_key(&c)
                && !seen.insert(k)
            {
                let shown = const_repr(&c);
                return Err(error(format!("mapping pattern checks duplicate key ({shown})"), p.span));
            }
            self.compile_expr(key)?;
        }
        self.set_line(p.span);
        self.emit(Instr::BuildTuple(super::operand(size)?));
        self.emit(Instr::MatchKeys);
        // The keys and the values (or None) are now on top of the subject.
        pc.on_top += 2;
        self.emit(Instr::Dup);
        self.load_const(Constant::None);
        self.emit(Instr::Compare(CmpOp::IsNot));
        self.jump_to_fail(pc, Instr::PopJumpIfFalse)?;
        // The values replace their tuple, each matched in turn.
        self.emit(Instr::UnpackSequence(super::operand(size)?));
        pc.on_top += size;
        pc.on_top -= 1;
        for sub in patterns {
            pc.on_top -= 1;
            self.compile_subpattern(sub, pc)?;
        }
        // Left: the subject and the keys.
        pc.on_top -= 2;
        match rest {
            Some(name) => {
                self.emit(Instr::CopyDictWithout);
                self.store_capture(Some(name), p.span, pc)?;
            }
            None => {
                self.emit(Instr::Pop);
                self.emit(Instr::Pop);
            }
        }
        Ok(())
    }

    /// Each alternative matches a copy of the subject with a context of its own; the values
    /// they capture are put in the order of the first alternative's, then moved under
    /// everything else like any capture.
    fn compile_or_pattern(&mut self, p: &Pattern, alternatives: &'a [Pattern], pc: &mut PatternCtx) -> CResult {
        let end = self.new_label();
        let mut control: Option<Vec<String>> = None;
        for (i, alt) in alternatives.iter().enumerate() {
            self.set_line(alt.span);
            let mut alt_pc = PatternCtx::new(i + 1 == alternatives.len() && pc.allow_irrefutable);
            self.emit(Instr::Dup);
            self.compile_pattern(alt, &mut alt_pc)?;
            match &control {
                None => control = Some(alt_pc.stores.clone()),
                Some(control) => {
                    if control.len() != alt_pc.stores.len() {
                        return Err(different_names(alt));
                    }
                    for icontrol in (0..control.len()).rev() {
                        let Some(istores) = alt_pc.stores.iter().position(|s| *s == control[icontrol]) else {
                            return Err(different_names(alt));
                        };
                        if istores < icontrol {
                            // Move the first `istores + 1` captures down to `icontrol`.
                            let rotated: Vec<String> = alt_pc.stores.drain(..=istores).collect();
                            let at = icontrol - istores;
                            alt_pc.stores.splice(at..at, rotated);
                            for _ in 0..=istores {
                                self.rotate(icontrol + 1)?;
                            }
                        }
                    }
                }
            }
            self.jump(end);
            self.emit_fail_pops(&mut alt_pc);
        }
        // No alternative matched: drop the subject and fail.
        self.set_line(p.span);
        self.emit(Instr::Pop);
        self.jump_to_fail(pc, Instr::Jump)?;
        self.bind(end);
        let control = control.unwrap_or_default();
        let nrots = control.len() + 1 + pc.on_top + pc.stores.len();
        for name in control {
            self.rotate(nrots)?;
            if pc.stores.contains(&name) {
                return Err(error(
                    format!("multiple assignments to name '{name}' in pattern"),
                    p.span,
                ));
            }
            pc.stores.push(name);
        }
        // The subject's copy.
        self.emit(Instr::Pop);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::compile::compile_module;
    use crate::compile::testutil::ops;
    use crate::syntax::parse_module;

    fn compile_ops(src: &str) -> Vec<String> {
        let m = parse_module(src).expect("parses");
        ops(&compile_module(&m, src, "t.py").expect("compiles"))
    }

    fn compile_error(src: &str) -> (String, usize) {
        let m = parse_module(src).expect("parses");
        let e = compile_module(&m, src, "t.py").expect_err("fails");
        (e.msg, e.offset)
    }

    #[test]
    fn captures_are_stored_only_after_the_whole_pattern_matched() {
        let got = compile_ops("match s:\n case [a, 1]: pass\n case _: pass\n");
        let want = [
            "LoadName(s)",
            "MatchSequence",
            "PopJumpIfFalse(14)",
            "GetLen",
            "LoadConst(2)",
            "Compare(Eq)",
            "PopJumpIfFalse(14)",
            "UnpackSequence(2)",
            // `a` waits under the second item while that is matched.
            "Rotate(2)",
            "LoadConst(1)",
            "Compare(Eq)",
            "PopJumpIfFalse(14)",
            "StoreName(a)",
            "Jump(16)",
            // Failure: pop the one entry left (the subject, or the captured `a`).
            "Pop",
            // `case _:` needs no copy of the subject.
            "Nop",
            "LoadConst(None)",
            "ReturnValue",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn unreachable_and_inconsistent_patterns_are_errors() {
        let cases = [
            (
                "match s:\n case x: pass\n case 1: pass\n",
                "name capture 'x' makes remaining patterns unreachable",
                15,
            ),
            ("match s:\n case _ if s: pass\n case 1: pass\n", "", 0),
            (
                "match s:\n case (a, [a]): pass\n",
                "multiple assignments to name 'a' in pattern",
                20,
            ),
            (
                "match s:\n case a | [b]: pass\n",
                "name capture 'a' makes remaining patterns unreachable",
                15,
            ),
            (
                "match s:\n case [a] | [b]: pass\n",
                "alternative patterns bind different names",
                21,
            ),
            (
                "match s:\n case C(x=1, x=2): pass\n",
                "attribute name repeated in class pattern: x",
                24,
            ),
        ];
        for (src, msg, offset) in cases {
            if msg.is_empty() {
                compile_ops(src);
            } else {
                assert_eq!(compile_error(src), (msg.to_owned(), offset), "{src:?}");
            }
        }
    }
}
