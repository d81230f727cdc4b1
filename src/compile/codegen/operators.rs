//! The parser's operators mapped onto the instruction set's: `ast::BinOp` and friends belong
//! to the syntax tree, `bytecode::BinOp` and friends to the instructions the VM runs.

use crate::compile::bytecode::{BinOp, CmpOp, UnaryOp};
use crate::syntax::ast;

impl From<ast::BinOp> for BinOp {
    fn from(op: ast::BinOp) -> BinOp {
        match op {
            ast::BinOp::Add => BinOp::Add,
            ast::BinOp::Sub => BinOp::Sub,
            ast::BinOp::Mul => BinOp::Mul,
            ast::BinOp::MatMul => BinOp::MatMul,
            ast::BinOp::Div => BinOp::Div,
            ast::BinOp::FloorDiv => BinOp::FloorDiv,
            ast::BinOp::Mod => BinOp::Mod,
            ast::BinOp::Pow => BinOp::Pow,
            ast::BinOp::LShift => BinOp::LShift,
            ast::BinOp::RShift => BinOp::RShift,
            ast::BinOp::BitOr => BinOp::BitOr,
            ast::BinOp::BitXor => BinOp::BitXor,
            ast::BinOp::BitAnd => BinOp::BitAnd,
        }
    }
}

impl From<ast::UnaryOp> for UnaryOp {
    fn from(op: ast::UnaryOp) -> UnaryOp {
        match op {
            ast::UnaryOp::Not => UnaryOp::Not,
            ast::UnaryOp::Neg => UnaryOp::Neg,
            ast::UnaryOp::Pos => UnaryOp::Pos,
            ast::UnaryOp::Invert => UnaryOp::Invert,
        }
    }
}

impl From<ast::CmpOp> for CmpOp {
    fn from(op: ast::CmpOp) -> CmpOp {
        match op {
            ast::CmpOp::Eq => CmpOp::Eq,
            ast::CmpOp::NotEq => CmpOp::NotEq,
            ast::CmpOp::Lt => CmpOp::Lt,
            ast::CmpOp::LtE => CmpOp::LtE,
            ast::CmpOp::Gt => CmpOp::Gt,
            ast::CmpOp::GtE => CmpOp::GtE,
            ast::CmpOp::Is => CmpOp::Is,
            ast::CmpOp::IsNot => CmpOp::IsNot,
            ast::CmpOp::In => CmpOp::In,
            ast::CmpOp::NotIn => CmpOp::NotIn,
        }
    }
}
