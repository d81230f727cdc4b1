//! toy: a Python-subset interpreter with a real, switchable global interpreter lock.
//!
//! The pipeline, one folder per stage: [`syntax`] (lexer + grammar → AST), [`compile`]
//! (AST → bytecode), [`vm`] (the eval loop), [`objects`] (the value model and built-in types),
//! [`gil`] (the lock and the token that proves it is held), [`modules`] (built-in modules).

pub mod compile;
pub mod syntax;
