//! The bytecode: instructions, code objects and compile-time constants.
//!
//! A stack machine in the style of CPython 3.8–3.10 (block stack for `try`/`with`, `finally`
//! bodies inlined on `return`/`break`/`continue`). Each instruction is a small Rust enum value
//! (8 bytes) so the eval loop's dispatch is one readable `match`.
//!
//! Conventions used by every instruction below: "TOS" is the top of the value stack, "TOS1" the
//! one under it; jump targets are instruction indices (not byte offsets); name operands index
//! `CodeObject::names`, `fast` operands index the frame's local slots (`varnames`), `cell`
//! operands index the frame's cells (`cellvars` followed by `freevars`).

use std::sync::Arc;

use num_bigint::BigInt;

/// The operator of `Binary` and `InPlace`. The instruction set owns its operands: the code
/// generator maps the parser's `ast::BinOp` onto it, so the VM, the object methods and the
/// modules never depend on the syntax tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    MatMul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    BitOr,
    BitXor,
    BitAnd,
}

impl BinOp {
    /// The operator as Python spells it (in `unsupported operand type(s) for +` and `--dis`).
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::MatMul => "@",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::BitAnd => "&",
        }
    }
}

/// The operator of `Unary`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
    Invert,
}

/// The operator of `Compare`: comparisons, identity and membership tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instr {
    Nop,
    /// Push `constants[i]`.
    LoadConst(u32),
    LoadFast(u32),
    StoreFast(u32),
    DeleteFast(u32),
    /// Push the value held in cell `i` (cellvars then freevars).
    LoadDeref(u32),
    StoreDeref(u32),
    DeleteDeref(u32),
    /// Push the cell object `i` itself (to build a closure tuple).
    LoadClosure(u32),
    /// In a class body: look `names[name]` up in the class namespace, else read cell `cell`.
    LoadClassDeref {
        name: u32,
        cell: u32,
    },
    LoadGlobal(u32),
    StoreGlobal(u32),
    DeleteGlobal(u32),
    /// Module and class bodies: locals mapping, then globals, then builtins.
    LoadName(u32),
    StoreName(u32),
    DeleteName(u32),
    LoadAttr(u32),
    /// `TOS.name = TOS1`
    StoreAttr(u32),
    DeleteAttr(u32),
    /// Replace TOS (an object) with two entries used by [`Instr::CallMethod`]: the unbound
    /// method and `self` when `name` is a plain function found on the type, otherwise the
    /// attribute value and an internal "no self" marker.
    LoadMethod(u32),
    /// Call what `LoadMethod` left below `argc` positional arguments.
    CallMethod(u32),
    /// `TOS1[TOS]`
    BinarySubscr,
    /// `TOS1[TOS] = TOS2`
    StoreSubscr,
    /// `del TOS1[TOS]`
    DeleteSubscr,
    /// Build a slice from 2 (`start, stop`) or 3 (`start, stop, step`) stack entries.
    BuildSlice(u32),
    Binary(BinOp),
    /// `x op= y`: tries `__iop__` first (lists extend in place).
    InPlace(BinOp),
    Unary(UnaryOp),
    /// Comparison, identity and membership tests; pushes the result object.
    Compare(CmpOp),
    Pop,
    /// Duplicate TOS.
    Dup,
    /// Duplicate the top two entries, keeping their order.
    DupTop2,
    /// Swap TOS and TOS1.
    Rot2,
    /// Lift TOS1 and TOS2 one up, move TOS to position 3.
    Rot3,
    /// Lift TOS1..TOS3 one up, move TOS to position 4.
    Rot4,
    /// Forward jump.
    Jump(u32),
    /// Backward jump: a GIL check point (the eval breaker is tested here).
    JumpBackward(u32),
    PopJumpIfFalse(u32),
    PopJumpIfTrue(u32),
    /// If TOS is false jump and keep it, else pop it (`and`).
    JumpIfFalseOrPop(u32),
    /// If TOS is true jump and keep it, else pop it (`or`).
    JumpIfTrueOrPop(u32),
    /// Replace TOS with `iter(TOS)`.
    GetIter,
    /// Push `next(TOS)`; when exhausted pop the iterator and jump to the target.
    ForIter(u32),
    BuildTuple(u32),
    BuildList(u32),
    BuildSet(u32),
    /// Build a dict from `n` key/value pairs (key pushed first).
    BuildMap(u32),
    /// Concatenate `n` strings (f-strings).
    BuildString(u32),
    /// Format TOS for an f-string; see [`format_flags`].
    FormatValue(u32),
    /// Append TOS to the list `n` entries below it (comprehensions); pops TOS.
    ListAppend(u32),
    SetAdd(u32),
    /// Pop value (TOS) and key (TOS1), store into the dict `n` entries below them.
    MapAdd(u32),
    /// Extend the list `n` entries below TOS with the iterable TOS (`[*a, *b]`).
    ListExtend(u32),
    SetUpdate(u32),
    /// Update the dict `n` below TOS with the mapping TOS (`{**a}`).
    DictUpdate(u32),
    /// Like `DictUpdate` but duplicate keys raise `TypeError` (`f(**a, **b)`).
    DictMerge(u32),
    /// Replace the list on TOS by a tuple with its items.
    ListToTuple,
    /// Unpack TOS into `n` values, pushed so that the first item ends on top.
    UnpackSequence(u32),
    /// Starred unpacking: `before` values, a list of the middle, `after` values.
    UnpackEx {
        before: u16,
        after: u16,
    },
    /// Call TOS-argc with `argc` positional arguments. A check point after native calls.
    Call(u32),
    /// Like `Call`, but TOS is a tuple of keyword names for the last `len(names)` arguments.
    CallKw(u32),
    /// `f(*args, **kwargs)`: stack is `func, args_tuple[, kwargs_dict]`; operand 1 if kwargs.
    CallEx(u32),
    /// Build a function from the code object on TOS; see [`make_function_flags`].
    MakeFunction(u32),
    ReturnValue,
    /// Suspend the generator, yielding TOS; on resume the sent value is pushed.
    YieldValue,
    /// Delegate to the sub-iterator at TOS1, sending TOS. Yields what it yields (re-executing
    /// this instruction on resume); when it returns, pops it and pushes its return value.
    YieldFrom,
    /// Replace TOS with `iter(TOS)` unless it is a generator already.
    GetYieldFromIter,
    /// `await`: replace TOS with the iterator `YieldFrom` delegates to: a coroutine (or a
    /// `types.coroutine` generator) itself, otherwise what its `__await__()` returns.
    GetAwaitable,
    /// `async for`: replace TOS with `TOS.__aiter__()`.
    GetAIter,
    /// `async for`: push the awaitable of `TOS.__anext__()`, keeping TOS (the async iterator).
    GetANext,
    /// The handler of an `async for`'s `__anext__` (stack `aiter, exc`): `StopAsyncIteration`
    /// ends the loop (pops both, leaves the handler), anything else is re-raised.
    EndAsyncFor,
    /// `async with`: pop the context manager, push its bound `__aexit__`, push `__aenter__()`
    /// (an awaitable, awaited next).
    BeforeAsyncWith,
    /// `raise` (0), `raise exc` (1), `raise exc from cause` (2).
    Raise(u32),
    /// Re-raise the exception on TOS, keeping its traceback (end of `finally` / no handler
    /// matched).
    Reraise,
    /// Push a try block: an exception raised before the matching `PopBlock` truncates the stack
    /// to its depth at this point, pushes an except-handler block, pushes the exception and
    /// jumps to the handler. Used for `except`, `finally` and `with`.
    SetupTry(u32),
    /// Pop the innermost try block (normal exit from the protected body).
    PopBlock,
    /// Leave an except handler: pop its block and restore the previously handled exception.
    PopExcept,
    /// TOS is an exception class (or tuple of them), TOS1 the exception: pop TOS, push whether
    /// TOS1 matches it.
    CheckExcMatch,
    /// `with`: pop the context manager, push its bound `__exit__`, call `__enter__`, push that.
    BeforeWith,
    /// In a `with` handler (stack `exit, exc`): push `exit(type(exc), exc, tb)`.
    WithExceptStart,
    /// Push the builtin `AssertionError`.
    LoadAssertionError,
    /// Push the builtin `__build_class__`.
    LoadBuildClass,
    /// Import `names[i]`: TOS is the fromlist (None or tuple), TOS1 the level; pushes the module.
    ImportName(u32),
    /// Push attribute `names[i]` of the module on TOS (which stays).
    ImportFrom(u32),
    /// `from m import *`: pop the module, copy its public names into the namespace.
    ImportStar,
    /// Move TOS down to position `n` (1 is the top), lifting the `n - 1` entries above it:
    /// keeps values captured by a pattern under the ones still being matched.
    Rotate(u32),
    /// Push `len(TOS)`, keeping TOS.
    GetLen,
    /// Push whether TOS is a sequence to a sequence pattern (not `str`, `bytes`), keeping TOS.
    MatchSequence,
    /// Push whether TOS is a mapping to a mapping pattern, keeping TOS.
    MatchMapping,
    /// TOS is a tuple of keys, TOS1 a mapping: push a tuple of their values, or `None` if a
    /// key is missing.
    MatchKeys,
    /// TOS is a tuple of attribute names, TOS1 a class, TOS2 the subject: replace the three by
    /// a tuple of the subject's `n` positional (via `__match_args__`) then named attributes,
    /// or by `None` if it is not an instance or lacks one.
    MatchClass(u32),
    /// TOS is a tuple of keys, TOS1 a mapping: replace both by a new dict of the other items
    /// (`{**rest}` in a mapping pattern).
    CopyDictWithout,
    /// Raise the `NotImplementedError` whose message is `constants[i]`: for syntax that parses
    /// but whose runtime support has not landed yet.
    Unsupported(u32),
}

impl Instr {
    /// The jump target of a jump instruction.
    pub fn jump_target(self) -> Option<u32> {
        match self {
            Instr::Jump(t)
            | Instr::JumpBackward(t)
            | Instr::PopJumpIfFalse(t)
            | Instr::PopJumpIfTrue(t)
            | Instr::JumpIfFalseOrPop(t)
            | Instr::JumpIfTrueOrPop(t)
            | Instr::ForIter(t)
            | Instr::SetupTry(t) => Some(t),
            _ => None,
        }
    }

    /// Where the eval breaker is tested, i.e. where another thread can take the GIL.
    pub fn is_check_point(self) -> bool {
        matches!(
            self,
            Instr::JumpBackward(_) | Instr::Call(_) | Instr::CallKw(_) | Instr::CallEx(_) | Instr::CallMethod(_)
        )
    }
}

/// Operand bits of [`Instr::FormatValue`].
pub mod format_flags {
    /// The low two bits select the conversion.
    pub const CONVERSION_MASK: u32 = 0b11;
    pub const NO_CONVERSION: u32 = 0;
    pub const STR: u32 = 1;
    pub const REPR: u32 = 2;
    pub const ASCII: u32 = 3;
    /// A format spec string is on TOS, the value under it.
    pub const HAS_SPEC: u32 = 0b100;
}

/// Operand bits of [`Instr::MakeFunction`]: which optional entries sit under the code object,
/// pushed in this order (defaults first).
pub mod make_function_flags {
    /// A tuple of positional defaults.
    pub const DEFAULTS: u32 = 0b001;
    /// A dict of keyword-only defaults.
    pub const KW_DEFAULTS: u32 = 0b010;
    /// A tuple of cells for the free variables.
    pub const CLOSURE: u32 = 0b100;
}

/// What kind of scope a code object runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

/// Code-object flags.
pub mod code_flags {
    pub const VARARGS: u32 = 0b0001;
    pub const VARKEYWORDS: u32 = 0b0010;
    /// The frame can suspend: generators, coroutines and async generators.
    pub const GENERATOR: u32 = 0b0100;
    /// With `GENERATOR`: an `async def` (or async comprehension) that does not yield.
    pub const COROUTINE: u32 = 0b1000;
    /// With `GENERATOR`: an `async def` that yields (or an async generator expression).
    pub const ASYNC_GENERATOR: u32 = 0b1_0000;
}

/// A compile-time constant. The VM turns these into runtime objects once per code object.
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    None,
    Bool(bool),
    Ellipsis,
    Int(BigInt),
    Float(f64),
    /// A complex number: real and imaginary parts (`1+2j` folds into one constant).
    Complex(f64, f64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<Constant>),
    /// A frozenset of these items, listed in source order: the VM builds it the way CPython's
    /// compiler does, which decides its layout (see `Vm::constant`).
    FrozenSet(Vec<Constant>),
    Code(Arc<CodeObject>),
}

/// One compiled function, class body, comprehension or module.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeObject {
    pub kind: CodeKind,
    pub name: String,
    /// Dotted path for reprs and tracebacks: `Outer.method.<locals>.inner`.
    pub qualname: String,
    pub filename: Arc<str>,
    pub first_line: u32,
    pub instructions: Vec<Instr>,
    /// Source line of each instruction (same length as `instructions`).
    pub lines: Vec<u32>,
    /// Byte span in the source of the node each instruction was compiled from (same length):
    /// what a traceback underlines.
    pub spans: Vec<crate::syntax::ast::Span>,
    pub constants: Vec<Constant>,
    /// Global, attribute and imported names.
    pub names: Vec<String>,
    /// Local variable slots; the parameters come first, in signature order
    /// (positional, keyword-only, `*args`, `**kwargs`).
    pub varnames: Vec<String>,
    /// Locals captured by inner functions (stored in cells).
    pub cellvars: Vec<String>,
    /// Variables captured from enclosing functions.
    pub freevars: Vec<String>,
    /// Parameters that are also cellvars: `(cell index, parameter slot)`, copied into the cell
    /// at function entry.
    pub cell_params: Vec<(u32, u32)>,
    /// Number of positional parameters (including positional-only).
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    /// See [`code_flags`].
    pub flags: u32,
}

impl CodeObject {
    pub fn is_generator(&self) -> bool {
        self.flags & code_flags::GENERATOR != 0
    }

    pub fn is_coroutine(&self) -> bool {
        self.flags & code_flags::COROUTINE != 0
    }

    pub fn is_async_generator(&self) -> bool {
        self.flags & code_flags::ASYNC_GENERATOR != 0
    }

    pub fn has_varargs(&self) -> bool {
        self.flags & code_flags::VARARGS != 0
    }

    pub fn has_varkeywords(&self) -> bool {
        self.flags & code_flags::VARKEYWORDS != 0
    }

    /// Total number of parameter slots at the front of `varnames`.
    pub fn total_params(&self) -> usize {
        (self.argcount + self.kwonlyargcount) as usize
            + usize::from(self.has_varargs())
            + usize::from(self.has_varkeywords())
    }
}
