//! Python-compatible text formatting of plain Rust values, matching CPython 3.11 byte for byte.
//!
//! Nothing here knows about interpreter objects; callers convert arguments first.
//!
//! - `repr`/`str` of floats: [`float_repr`], and [`double_to_string`] (CPython's
//!   `PyOS_double_to_string`, e.g. for complex numbers with `'r'` and no flags).
//! - `format()` / `__format__`: [`format_int`], [`format_float`], [`format_complex`], [`format_str`] (and `*_as`
//!   variants that take the type name for error messages); the parsed spec is [`parse_spec`].
//! - printf-style `%`: [`percent_pieces`] / [`parse_percent`], [`percent_int`],
//!   [`percent_float`], [`percent_str`] (see the `percent` module docs for the calling order).
//! - `repr`/`ascii` of text: [`str_repr`], [`bytes_repr`], [`ascii_repr`], [`ascii_escape`],
//!   [`is_printable`].
//! - Conversions: [`int_to_base`], [`parse_int_literal`], [`parse_float_literal`], [`parse_complex_literal`],
//!   [`round_half_even_f64`], [`round_to_int`], [`float_to_bigint`], [`bigint_to_f64`].
//!
//! Errors are `Err(String)` holding CPython's exact message; [`error_kind`] names the exception
//! it belongs to (most are ValueError).

mod dtoa;
mod literal;
mod number;
mod percent;
mod repr;
mod spec;
#[cfg(test)]
mod tests;
mod unicode_tables;

pub use dtoa::{
    DtoaFlags, bigint_to_f64, double_to_string, float_is_integer, float_repr, float_to_bigint, round_half_even_f64,
    round_to_int,
};
pub use literal::{
    ComplexLiteralError, decimal_digit_value, int_to_base, parse_complex_literal, parse_float_literal,
    parse_int_literal, py_isspace,
};
pub use number::{format_complex, format_float, format_float_as, format_int, format_int_as, format_str, format_str_as};
pub use percent::{
    PercentCount, PercentPiece, PercentPieces, PercentSpec, parse_percent, percent_float, percent_int, percent_pieces,
    percent_str,
};
pub use repr::{ascii_escape, ascii_repr, bytes_repr, is_printable, str_repr};
pub use spec::{Align, FormatSpec, Grouping, Sign, ValueKind, parse_spec};

/// The Python exception an error message from this module belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    ValueError,
    OverflowError,
    /// A field too large to build; the message is empty, as CPython's MemoryError's is.
    MemoryError,
}

/// Classifies an `Err` message returned by this module.
pub fn error_kind(message: &str) -> ErrorKind {
    match message {
        "" => ErrorKind::MemoryError,
        "%c arg not in range(0x110000)"
        | "Python int too large to convert to C long"
        | "int too large to convert to float"
        | "rounded value too large to represent"
        | "cannot convert float infinity to integer" => ErrorKind::OverflowError,
        _ => ErrorKind::ValueError,
    }
}
