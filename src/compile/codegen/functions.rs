//! Function, lambda and class definitions: defaults, closures, decorators, class bodies.

use std::sync::Arc;

use crate::compile::bytecode::{CodeObject, Constant, Instr, make_function_flags};
use crate::syntax::ast::{ClassDef, Expr, FunctionDef, Params, Stmt};
use crate::syntax::error::SyntaxError;

use super::{CResult, Compiler, Ctx, fold_constant, internal, operand, split_docstring};

impl<'a> Compiler<'a> {
    pub(super) fn compile_function_def(&mut self, s: &Stmt, f: &'a FunctionDef) -> CResult {
        let id = self
            .table
            .function_scope(f)
            .ok_or_else(|| internal("function without scope"))?;
        for d in &f.decorators {
            self.compile_expr(d)?;
        }
        self.set_line(s.span);
        let flags = self.compile_defaults(&f.params)?;

        let first_line = self.definition_line(&f.decorators);
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
        self.set_function_annotations(&f.params, f.returns.as_ref())?;
        for _ in &f.decorators {
            self.emit(Instr::Call(1));
        }
        self.name_op(&f.name, Ctx::Store)
    }

    /// `co_firstlineno` of a definition, as CPython sets it: the line of its first decorator,
    /// or of the `def` / `class` statement being compiled.
    fn definition_line(&self, decorators: &[Expr]) -> u32 {
        match decorators.first() {
            Some(first) => u32::try_from(self.line_index.line(first.span.start as usize)).unwrap_or(u32::MAX),
            None => self.unit().loc.line,
        }
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

    /// With the new function on the stack: set its `__annotations__` from the parameters' and
    /// the return annotations, if there are any.
    fn set_function_annotations(&mut self, params: &'a Params, returns: Option<&'a Expr>) -> CResult {
        let annotated: Vec<(&str, &Expr)> = params
            .args
            .iter()
            .chain(&params.vararg)
            .chain(&params.kwonly)
            .chain(&params.kwarg)
            .filter_map(|p| Some((p.name.as_str(), p.annotation.as_ref()?)))
            .chain(returns.map(|r| ("return", r)))
            .collect();
        if annotated.is_empty() {
            return Ok(());
        }
        self.emit(Instr::Dup);
        for (name, annotation) in &annotated {
            let key = if *name == "return" {
                name.to_string()
            } else {
                self.mangle(name)
            };
            self.load_const(Constant::Str(key));
            self.compile_annotation(annotation)?;
        }
        self.emit(Instr::BuildMap(operand(annotated.len())?));
        self.emit(Instr::Rot2);
        let attr = self.name_index("__annotations__");
        self.emit(Instr::StoreAttr(attr));
        Ok(())
    }

    /// Push the closure tuple (if `code` has free variables), the code, and MakeFunction.
    pub(super) fn make_closure(&mut self, code: CodeObject, mut flags: u32) -> CResult {
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

    pub(super) fn compile_class_def(&mut self, s: &Stmt, c: &'a ClassDef) -> CResult {
        let id = self
            .table
            .class_scope(c)
            .ok_or_else(|| internal("class without scope"))?;
        for d in &c.decorators {
            self.compile_expr(d)?;
        }
        self.set_line(s.span);
        self.emit(Instr::LoadBuildClass);

        let first_line = self.definition_line(&c.decorators);
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

    pub(super) fn compile_lambda(&mut self, e: &'a Expr, params: &'a Params, body: &'a Expr) -> CResult {
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
}
