//! AST → bytecode: scope analysis, code generation and the disassembler.

pub mod bytecode;
