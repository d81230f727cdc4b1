//! Lexer, parser, compiler and disassembler on arbitrary bytes: any input must give either a
//! code object or a `SyntaxError` report, never a panic or a stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(code) = toy::compile_source(data, "<fuzz>") {
        let _ = toy::compile::disassemble(&code);
    }
});
