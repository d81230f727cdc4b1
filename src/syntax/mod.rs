//! Source text → AST: the logos lexer with its indentation layer, then the lalrpop grammar.

pub mod ast;
pub mod error;

pub use error::{LineIndex, SyntaxError, SyntaxErrorKind};
