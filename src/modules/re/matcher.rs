//! The backtracking matcher: runs a `Program` over a text with an explicit stack of choice
//! points (never Rust recursion per character, so long texts cannot overflow the stack).
//!
//! Alternatives are tried in order and repeats prefer more (or, lazy, fewer) iterations, so
//! the match found is the one CPython's backtracking engine finds. Every capture change is
//! recorded on the stack and undone on backtracking. The caller's `check` runs every
//! [`CHECK_INTERVAL`] steps: a catastrophic pattern stays interruptible and lets other
//! threads run.

use super::parse::{Assertion, Category, RepeatKind};
use super::program::{CharTest, Inst, Program, case_forms, category_contains};

/// Steps between two calls of the caller's check (Ctrl-C, GIL hand-over).
const CHECK_INTERVAL: u32 = 1 << 16;

/// Look-arounds and atomic groups recurse once per level of nesting in the pattern, which the
/// parser limits: this bound is never reached, it only backs that limit up.
const MAX_SUB_DEPTH: usize = super::parse::MAX_NESTING + 1;

/// A text unit: a byte of a bytes (or ASCII str) text, or a char.
pub trait Unit: Copy {
    fn code(self) -> u32;
}

impl Unit for u8 {
    #[inline(always)]
    fn code(self) -> u32 {
        u32::from(self)
    }
}

impl Unit for char {
    #[inline(always)]
    fn code(self) -> u32 {
        self as u32
    }
}

enum Frame {
    /// Resume at `pc` from `pos`.
    Choice {
        pc: usize,
        pos: usize,
    },
    /// A greedy `RepeatOne` may give back characters down to `min_pos`.
    GiveBack {
        pc: usize,
        min_pos: usize,
        pos: usize,
    },
    /// A lazy `RepeatOne` may take one more character, up to `max_pos`.
    TakeMore {
        pc: usize,
        max_pos: usize,
        pos: usize,
    },
    RestoreSlot {
        slot: usize,
        value: Option<usize>,
    },
    RestoreRegister {
        register: usize,
        value: usize,
    },
    RestoreLastIndex(Option<usize>),
}

pub struct Matcher<'a, T: Unit> {
    program: &'a Program,
    text: &'a [T],
    ascii: bool,
    pub slots: Vec<Option<usize>>,
    pub last_index: Option<usize>,
    registers: Vec<usize>,
    stack: Vec<Frame>,
    /// The search's start: an empty match here is refused (after an empty match, the next
    /// one must make progress, as in CPython 3.7+).
    no_empty_at: Option<usize>,
    /// `fullmatch`: a match must end at the end of the text.
    to_end: bool,
    start: usize,
    steps: u32,
}

pub enum Outcome<E> {
    Matched(usize),
    Failed,
    Stopped(E),
}

fn is_word<T: Unit>(text: &[T], at: usize, ascii: bool) -> bool {
    text.get(at)
        .is_some_and(|c| category_contains(Category::Word, c.code(), ascii))
}

impl<'a, T: Unit> Matcher<'a, T> {
    pub fn new(program: &'a Program, text: &'a [T], groups: usize, ascii: bool) -> Matcher<'a, T> {
        Matcher {
            program,
            text,
            ascii,
            slots: vec![None; 2 * (groups + 1)],
            last_index: None,
            registers: vec![usize::MAX; program.registers],
            stack: Vec::new(),
            no_empty_at: None,
            to_end: false,
            start: 0,
            steps: 0,
        }
    }

    fn reset(&mut self) {
        self.slots.iter_mut().for_each(|s| *s = None);
        self.last_index = None;
        self.stack.clear();
    }

    /// Tries a match starting exactly at `start`; on success the slots hold the groups.
    pub fn match_at<E>(
        &mut self,
        start: usize,
        no_empty: bool,
        check: &mut dyn FnMut() -> Result<(), E>,
    ) -> Outcome<E> {
        self.reset();
        self.start = start;
        self.no_empty_at = no_empty.then_some(start);
        match self.run(0, start, 0, None, check) {
            Outcome::Matched(end) => {
                self.slots[0] = Some(start);
                self.slots[1] = Some(end);
                Outcome::Matched(end)
            }
            other => other,
        }
    }

    /// A match starting at `start` and ending at the end of the text.
    pub fn match_to_end<E>(&mut self, start: usize, check: &mut dyn FnMut() -> Result<(), E>) -> Outcome<E> {
        self.to_end = true;
        let outcome = self.match_at(start, false, check);
        self.to_end = false;
        outcome
    }

    /// The first match starting at or after `from`.
    pub fn search<E>(
        &mut self,
        from: usize,
        no_empty_at_from: bool,
        check: &mut dyn FnMut() -> Result<(), E>,
    ) -> Outcome<E> {
        let mut start = from;
        while start <= self.text.len() {
            if let Some(first) = self.program.first_char {
                match self.text[start..].iter().position(|c| c.code() == first) {
                    Some(skip) => start += skip,
                    None => return Outcome::Failed,
                }
            }
            match self.match_at(start, no_empty_at_from && start == from, check) {
                Outcome::Failed => {}
                other => return other,
            }
            if self.program.anchored_start {
                return Outcome::Failed;
            }
            start += 1;
        }
        Outcome::Failed
    }

    fn assertion(&self, assertion: Assertion, pos: usize) -> bool {
        let len = self.text.len();
        let newline = |at: usize| self.text.get(at).is_some_and(|c| c.code() == '\n' as u32);
        match assertion {
            Assertion::TextStart => pos == 0,
            Assertion::TextEnd => pos == len,
            Assertion::LineStart { multiline } => pos == 0 || (multiline && newline(pos - 1)),
            Assertion::LineEnd { multiline } => pos == len || (newline(pos) && (multiline || pos + 1 == len)),
            Assertion::WordBoundary { .. } | Assertion::NotWordBoundary { .. } => {
                // CPython: neither `\b` nor `\B` matches in an empty text.
                if len == 0 {
                    return false;
                }
                let before = pos > 0 && is_word(self.text, pos - 1, self.ascii);
                let after = is_word(self.text, pos, self.ascii);
                matches!(assertion, Assertion::WordBoundary { .. }) == (before != after)
            }
        }
    }

    fn save(&mut self, slot: usize, pos: usize) {
        let old = self.slots.get(slot).copied().flatten();
        self.stack.push(Frame::RestoreSlot { slot, value: old });
        if let Some(s) = self.slots.get_mut(slot) {
            *s = Some(pos);
        }
        if slot % 2 == 1 {
            self.stack.push(Frame::RestoreLastIndex(self.last_index));
            self.last_index = Some(slot / 2);
        }
    }

    fn backref(&self, group: usize, ignore_case: bool, pos: usize) -> Option<usize> {
        let (Some(start), Some(end)) = (
            self.slots.get(2 * group).copied().flatten(),
            self.slots.get(2 * group + 1).copied().flatten(),
        ) else {
            return None;
        };
        let len = end.checked_sub(start)?;
        let candidate = self.text.get(pos..pos + len)?;
        let captured = self.text.get(start..end)?;
        let same = captured.iter().zip(candidate).all(|(a, b)| {
            let (a, b) = (a.code(), b.code());
            a == b || (ignore_case && case_forms(a, self.ascii) == case_forms(b, self.ascii))
        });
        same.then_some(pos + len)
    }

    /// How many characters from `pos` the test accepts, at most `max`.
    fn count(&self, test: &CharTest, pos: usize, max: u32) -> usize {
        let available = self.text.len() - pos;
        let limit = available.min(max as usize);
        let slice = &self.text[pos..pos + limit];
        match test {
            CharTest::Any => limit,
            CharTest::Literal(l) => slice.iter().take_while(|c| c.code() == *l).count(),
            _ => slice.iter().take_while(|c| test.accepts(c.code(), self.ascii)).count(),
        }
    }

    /// Pops frames until one gives a place to resume (its `pc` and `pos`); `None` when the
    /// stack is back at `base`.
    fn backtrack(&mut self, base: usize) -> Option<(usize, usize)> {
        while self.stack.len() > base {
            match self.stack.pop()? {
                Frame::Choice { pc, pos } => return Some((pc, pos)),
                Frame::GiveBack { pc, min_pos, pos } => {
                    if pos > min_pos {
                        self.stack.push(Frame::GiveBack {
                            pc,
                            min_pos,
                            pos: pos - 1,
                        });
                        return Some((pc, pos - 1));
                    }
                }
                Frame::TakeMore { pc, max_pos, pos } => {
                    let test_pc = pc - 1;
                    if pos < max_pos
                        && let Some(Inst::Char(test)) = self.program.insts.get(test_pc)
                        && self.text.get(pos).is_some_and(|c| test.accepts(c.code(), self.ascii))
                    {
                        self.stack.push(Frame::TakeMore {
                            pc,
                            max_pos,
                            pos: pos + 1,
                        });
                        return Some((pc, pos + 1));
                    }
                }
                Frame::RestoreSlot { slot, value } => {
                    if let Some(s) = self.slots.get_mut(slot) {
                        *s = value;
                    }
                }
                Frame::RestoreRegister { register, value } => self.registers[register] = value,
                Frame::RestoreLastIndex(value) => self.last_index = value,
            }
        }
        None
    }

    /// After a committed sub-match: drops the choice points it left above `base`, keeping the
    /// capture undo records so that backtracking past it still restores the groups.
    fn commit(&mut self, base: usize) {
        let mut kept = base;
        for i in base..self.stack.len() {
            if matches!(
                self.stack[i],
                Frame::RestoreSlot { .. } | Frame::RestoreRegister { .. } | Frame::RestoreLastIndex(_)
            ) {
                self.stack.swap(kept, i);
                kept += 1;
            }
        }
        self.stack.truncate(kept);
    }

    /// Undoes everything above `base`.
    fn unwind(&mut self, base: usize) {
        while self.stack.len() > base {
            if let Some(Frame::RestoreSlot { slot, value }) = self.stack.last() {
                let (slot, value) = (*slot, *value);
                if let Some(s) = self.slots.get_mut(slot) {
                    *s = value;
                }
            } else if let Some(Frame::RestoreRegister { register, value }) = self.stack.last() {
                self.registers[*register] = *value;
            } else if let Some(Frame::RestoreLastIndex(value)) = self.stack.last() {
                self.last_index = *value;
            }
            self.stack.pop();
        }
    }

    /// Runs from `pc` at `pos` until `Match` (or, for a sub-match, `SubMatch` at
    /// `required_end` when given); backtracking stops at the stack height it started with.
    fn run<E>(
        &mut self,
        mut pc: usize,
        mut pos: usize,
        depth: usize,
        required_end: Option<usize>,
        check: &mut dyn FnMut() -> Result<(), E>,
    ) -> Outcome<E> {
        let base = self.stack.len();
        let insts = &self.program.insts;
        loop {
            self.steps = self.steps.wrapping_add(1);
            if self.steps.is_multiple_of(CHECK_INTERVAL)
                && let Err(e) = check()
            {
                return Outcome::Stopped(e);
            }
            let ok = match &insts[pc] {
                Inst::Char(test) => match self.text.get(pos) {
                    Some(c) if test.accepts(c.code(), self.ascii) => {
                        pos += 1;
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Inst::Assert(a) => {
                    pc += 1;
                    self.assertion(*a, pos)
                }
                Inst::Save(slot) => {
                    self.save(*slot, pos);
                    pc += 1;
                    true
                }
                Inst::SplitPreferNext(other) => {
                    self.stack.push(Frame::Choice { pc: *other, pos });
                    pc += 1;
                    true
                }
                Inst::SplitPreferJump(target) => {
                    self.stack.push(Frame::Choice { pc: pc + 1, pos });
                    pc = *target;
                    true
                }
                Inst::Jump(target) => {
                    pc = *target;
                    true
                }
                Inst::RepeatOne { min, max, kind } => {
                    let Some(Inst::Char(test)) = insts.get(pc + 1) else {
                        return Outcome::Failed;
                    };
                    let next = pc + 2;
                    match kind {
                        RepeatKind::Lazy => {
                            let taken = self.count(test, pos, *min);
                            if taken < *min as usize {
                                false
                            } else {
                                pos += taken;
                                let max_pos = pos.saturating_add((*max - *min) as usize);
                                self.stack.push(Frame::TakeMore { pc: next, max_pos, pos });
                                pc = next;
                                true
                            }
                        }
                        _ => {
                            let taken = self.count(test, pos, *max);
                            if taken < *min as usize {
                                false
                            } else {
                                if *kind == RepeatKind::Greedy && taken > *min as usize {
                                    self.stack.push(Frame::GiveBack {
                                        pc: next,
                                        min_pos: pos + *min as usize,
                                        pos: pos + taken,
                                    });
                                }
                                pos += taken;
                                pc = next;
                                true
                            }
                        }
                    }
                }
                Inst::LoopStart { register } => {
                    self.stack.push(Frame::RestoreRegister {
                        register: *register,
                        value: self.registers[*register],
                    });
                    self.registers[*register] = pos;
                    pc += 1;
                    true
                }
                Inst::LoopEnd {
                    register,
                    start,
                    greedy,
                } => {
                    if self.registers[*register] == pos {
                        // An empty iteration: leave the loop rather than spin.
                        pc += 1;
                    } else if *greedy {
                        pc = *start;
                    } else {
                        self.stack.push(Frame::Choice { pc: *start + 1, pos });
                        pc += 1;
                    }
                    true
                }
                Inst::Backref { group, ignore_case } => match self.backref(*group, *ignore_case, pos) {
                    Some(end) => {
                        pos = end;
                        pc += 1;
                        true
                    }
                    None => false,
                },
                Inst::Look { behind, negated, next } => {
                    let (from, end) = match behind {
                        Some(width) => match pos.checked_sub(*width) {
                            Some(from) => (from, Some(pos)),
                            None => (usize::MAX, None),
                        },
                        None => (pos, None),
                    };
                    let sub_base = self.stack.len();
                    let matched = if from == usize::MAX || depth >= MAX_SUB_DEPTH {
                        false
                    } else {
                        match self.run(pc + 1, from, depth + 1, end.or(Some(usize::MAX)), check) {
                            Outcome::Matched(_) => true,
                            Outcome::Failed => false,
                            stopped @ Outcome::Stopped(_) => return stopped,
                        }
                    };
                    if matched && *negated {
                        self.unwind(sub_base);
                    } else if matched {
                        self.commit(sub_base);
                    }
                    pc = *next;
                    matched != *negated
                }
                Inst::Atomic { next } => {
                    let sub_base = self.stack.len();
                    let result = if depth >= MAX_SUB_DEPTH {
                        Outcome::Failed
                    } else {
                        self.run(pc + 1, pos, depth + 1, Some(usize::MAX), check)
                    };
                    match result {
                        Outcome::Matched(end) => {
                            self.commit(sub_base);
                            pos = end;
                            pc = *next;
                            true
                        }
                        Outcome::Failed => false,
                        stopped @ Outcome::Stopped(_) => return stopped,
                    }
                }
                Inst::SubMatch => match required_end {
                    Some(end) if end == usize::MAX || end == pos => return Outcome::Matched(pos),
                    _ => false,
                },
                Inst::IfGroup { group, no } => {
                    let matched = self.slots.get(2 * group + 1).copied().flatten().is_some();
                    pc = if matched { pc + 1 } else { *no };
                    true
                }
                Inst::Match => {
                    if required_end.is_some()
                        || (self.no_empty_at == Some(pos) && pos == self.start)
                        || (self.to_end && pos != self.text.len())
                    {
                        false
                    } else {
                        return Outcome::Matched(pos);
                    }
                }
            };
            if !ok {
                match self.backtrack(base) {
                    Some((next_pc, next_pos)) => {
                        pc = next_pc;
                        pos = next_pos;
                    }
                    None => return Outcome::Failed,
                }
            }
        }
    }
}
