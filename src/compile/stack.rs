//! Static stack-depth analysis: checks that no path through a code object underflows the value
//! stack, that paths merge at equal depths, that jumps stay in bounds and that every backward
//! jump is a `JumpBackward` (the GIL check point), and computes the maximum depth reached.
//!
//! The stack effects here restate the contract documented on [`Instr`].

use std::fmt;

use crate::compile::bytecode::{CodeObject, Instr, format_flags};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackError {
    /// Index of the offending instruction.
    pub index: usize,
    pub msg: String,
}

impl fmt::Display for StackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "instruction {}: {}", self.index, self.msg)
    }
}

/// How one instruction moves the stack: it needs `pops` entries, then pushes `push` when it
/// falls through (if it can) and `jump_push` when it takes its jump (if it has one).
struct Effect {
    pops: i64,
    push: i64,
    jump_push: i64,
    falls_through: bool,
}

fn effect(instr: Instr) -> Effect {
    use Instr::*;
    let n = |x: u32| i64::from(x);
    let (pops, push) = match instr {
        Nop | PopBlock | PopExcept | DeleteFast(_) | DeleteDeref(_) | DeleteGlobal(_) | DeleteName(_) => (0, 0),
        LoadConst(_)
        | LoadFast(_)
        | LoadDeref(_)
        | LoadClosure(_)
        | LoadClassDeref { .. }
        | LoadGlobal(_)
        | LoadName(_)
        | LoadAssertionError
        | LoadBuildClass => (0, 1),
        StoreFast(_) | StoreDeref(_) | StoreGlobal(_) | StoreName(_) | Pop | ImportStar => (1, 0),
        LoadAttr(_) | Unary(_) | GetIter | ListToTuple | YieldValue | GetYieldFromIter | GetAwaitable | GetAIter => {
            (1, 1)
        }
        EndAsyncFor => (2, 0),
        StoreAttr(_) | DeleteSubscr => (2, 0),
        DeleteAttr(_) => (1, 0),
        LoadMethod(_) | Dup | BeforeWith | BeforeAsyncWith | GetANext | ImportFrom(_) => (1, 2),
        CallMethod(argc) => (n(argc) + 2, 1),
        BinarySubscr | Binary(_) | InPlace(_) | Compare(_) | YieldFrom | ImportName(_) => (2, 1),
        StoreSubscr => (3, 0),
        BuildSlice(k) | BuildTuple(k) | BuildList(k) | BuildSet(k) | BuildString(k) => (n(k), 1),
        BuildMap(k) => (2 * n(k), 1),
        DupTop2 => (2, 4),
        Rot2 => (2, 2),
        Rot3 => (3, 3),
        Rot4 => (4, 4),
        Rotate(k) => (n(k), n(k)),
        GetLen | MatchSequence | MatchMapping => (1, 2),
        MatchKeys => (2, 3),
        MatchClass(_) => (3, 1),
        CopyDictWithout => (2, 1),
        FormatValue(flags) => (1 + i64::from(flags & format_flags::HAS_SPEC != 0), 1),
        // The container sits `k` entries below what is popped, and stays.
        ListAppend(k) | SetAdd(k) | ListExtend(k) | SetUpdate(k) | DictUpdate(k) | DictMerge(k) => (n(k) + 1, n(k)),
        MapAdd(k) => (n(k) + 2, n(k)),
        UnpackSequence(k) => (1, n(k)),
        UnpackEx { before, after } => (1, i64::from(before) + i64::from(after) + 1),
        Call(argc) => (n(argc) + 1, 1),
        CallKw(argc) => (n(argc) + 2, 1),
        CallEx(flags) => (2 + i64::from(flags & 1), 1),
        MakeFunction(flags) => (1 + i64::from((flags & 0b111).count_ones()), 1),
        CheckExcMatch => (2, 2),
        WithExceptStart => (2, 3),
        ReturnValue | Reraise => {
            return Effect {
                pops: 1,
                push: 0,
                jump_push: 0,
                falls_through: false,
            };
        }
        Raise(k) => {
            return Effect {
                pops: n(k),
                push: 0,
                jump_push: 0,
                falls_through: false,
            };
        }
        Unsupported(_) => {
            return Effect {
                pops: 0,
                push: 0,
                jump_push: 0,
                falls_through: false,
            };
        }
        Jump(_) | JumpBackward(_) => {
            return Effect {
                pops: 0,
                push: 0,
                jump_push: 0,
                falls_through: false,
            };
        }
        PopJumpIfFalse(_) | PopJumpIfTrue(_) => (1, 0),
        JumpIfFalseOrPop(_) | JumpIfTrueOrPop(_) => {
            return Effect {
                pops: 1,
                push: 0,
                jump_push: 1,
                falls_through: true,
            };
        }
        ForIter(_) => {
            return Effect {
                pops: 1,
                push: 2,
                jump_push: 0,
                falls_through: true,
            };
        }
        // The handler is entered with the stack cut back to this depth plus the exception.
        SetupTry(_) => {
            return Effect {
                pops: 0,
                push: 0,
                jump_push: 1,
                falls_through: true,
            };
        }
    };
    Effect {
        pops,
        push,
        jump_push: push,
        falls_through: true,
    }
}

/// The maximum value-stack depth of `code`, after checking every reachable path (see the module
/// docs). Unreachable instructions are not checked.
pub fn max_stack_depth(code: &CodeObject) -> Result<u32, StackError> {
    let instrs = &code.instructions;
    let mut depth_at: Vec<Option<i64>> = vec![None; instrs.len()];
    let mut work = vec![(0usize, 0i64)];
    let mut max = 0;
    while let Some((pc, depth)) = work.pop() {
        let err = |msg: String| StackError { index: pc, msg };
        let Some(&instr) = instrs.get(pc) else {
            return Err(err("execution runs past the last instruction".into()));
        };
        match depth_at[pc] {
            Some(seen) if seen == depth => continue,
            Some(seen) => return Err(err(format!("reached with stack depth {depth} and {seen}"))),
            None => depth_at[pc] = Some(depth),
        }
        let e = effect(instr);
        if depth < e.pops {
            return Err(err(format!("{instr:?} needs {} stack entries, has {depth}", e.pops)));
        }
        let base = depth - e.pops;
        if let Some(target) = instr.jump_target() {
            let target = target as usize;
            if target >= instrs.len() {
                return Err(err(format!(
                    "{instr:?} jumps out of the code ({} instructions)",
                    instrs.len()
                )));
            }
            let backward = target <= pc;
            if backward != matches!(instr, Instr::JumpBackward(_)) {
                return Err(err(format!(
                    "{instr:?} jumps the wrong way (back edges must be JumpBackward)"
                )));
            }
            max = max.max(base + e.jump_push);
            work.push((target, base + e.jump_push));
        }
        if e.falls_through {
            max = max.max(base + e.push);
            work.push((pc + 1, base + e.push));
        }
    }
    Ok(u32::try_from(max).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::bytecode::BinOp;
    use crate::compile::bytecode::Constant;
    use crate::compile::testutil::code_of;

    fn depth(instrs: Vec<Instr>) -> Result<u32, StackError> {
        max_stack_depth(&code_of(instrs, vec![Constant::None]))
    }

    #[test]
    fn straight_line_code() {
        use Instr::*;
        assert_eq!(
            depth(vec![LoadFast(0), LoadConst(0), Binary(BinOp::Add), ReturnValue]),
            Ok(2)
        );
        assert_eq!(
            depth(vec![LoadConst(0), Dup, DupTop2, Rot4, Pop, Pop, Pop, ReturnValue]),
            Ok(4)
        );
    }

    #[test]
    fn branches_merge_and_loops() {
        use Instr::*;
        // for x in a: pass
        let for_loop = vec![
            LoadFast(0),
            GetIter,
            ForIter(5),
            StoreFast(0),
            JumpBackward(2),
            LoadConst(0),
            ReturnValue,
        ];
        assert_eq!(depth(for_loop), Ok(2));
        // a and b: the jump keeps TOS, the fall-through pops it.
        assert_eq!(
            depth(vec![LoadFast(0), JumpIfFalseOrPop(3), LoadFast(0), ReturnValue]),
            Ok(1)
        );
        // The handler of SetupTry starts with the exception pushed.
        let handler = vec![
            SetupTry(4),
            LoadFast(0),
            PopBlock,
            ReturnValue,
            Pop,
            PopExcept,
            LoadConst(0),
            ReturnValue,
        ];
        assert_eq!(depth(handler), Ok(1));
    }

    #[test]
    fn detects_underflow_bad_merges_and_bad_jumps() {
        use Instr::*;
        assert_eq!(depth(vec![Pop, LoadConst(0), ReturnValue]).map_err(|e| e.index), Err(0));
        assert_eq!(
            depth(vec![LoadConst(0), Rot3, ReturnValue]).map_err(|e| e.index),
            Err(1)
        );
        // Reaching index 3 with depth 1 and with depth 2.
        let bad_merge = vec![LoadConst(0), PopJumpIfFalse(3), LoadConst(0), LoadConst(0), ReturnValue];
        assert!(depth(bad_merge).unwrap_err().msg.contains("reached with stack depth"));
        assert!(depth(vec![Jump(7)]).unwrap_err().msg.contains("out of the code"));
        assert!(
            depth(vec![LoadConst(0), Pop])
                .unwrap_err()
                .msg
                .contains("past the last instruction")
        );
        // Back edges must be JumpBackward (a GIL check point) and vice versa.
        assert!(depth(vec![Nop, Jump(0)]).unwrap_err().msg.contains("wrong way"));
        assert!(
            depth(vec![JumpBackward(1), LoadConst(0), ReturnValue])
                .unwrap_err()
                .msg
                .contains("wrong way")
        );
        assert!(
            depth(vec![LoadConst(0), PopJumpIfTrue(0), LoadConst(0), ReturnValue])
                .unwrap_err()
                .msg
                .contains("wrong way")
        );
    }
}
