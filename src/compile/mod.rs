//! AST → bytecode: scope analysis, code generation and the disassembler.

pub mod bytecode;
pub mod codegen;
pub mod dis;
pub mod stack;
pub mod symtable;

#[cfg(test)]
mod testutil;

use std::sync::Arc;

use crate::syntax::ast;
use crate::syntax::error::SyntaxError;
use bytecode::CodeObject;

/// Compile a parsed module. `source` maps spans to line numbers; `filename` goes into every
/// code object (tracebacks, disassembly).
pub fn compile_module(module: &ast::Module, source: &str, filename: &str) -> Result<Arc<CodeObject>, SyntaxError> {
    codegen::compile_module(module, source, filename, false)
}

/// Compile a parsed module that must be a single expression: code returning its value.
pub fn compile_expression(module: &ast::Module, source: &str, filename: &str) -> Result<Arc<CodeObject>, SyntaxError> {
    codegen::compile_module(module, source, filename, true)
}

/// `python -m dis`-style listing of `code` and, after it, every code object nested in it.
pub fn disassemble(code: &CodeObject) -> String {
    dis::disassemble(code)
}
