//! The parsed tree compiled to instructions for the backtracking matcher (`matcher.rs`).
//!
//! Alternatives become `Split`s tried in order, so the first alternative that lets the whole
//! pattern match wins, as in CPython. A repeat of one character-wide item (`\w+`, `.*?`,
//! `[a-z]{2,5}`) becomes one `RepeatOne` instruction that counts matching characters in a
//! tight loop; other repeats are unrolled up to their minimum, then looped.

use crate::objects::methods::str as str_methods;

use super::parse::{Assertion, Category, Class, ClassItem, Node, RepeatKind};

/// Unrolled programs larger than this are refused rather than built.
const MAX_PROGRAM: usize = 1 << 20;

/// What one character-wide instruction accepts.
#[derive(Clone, Debug)]
pub enum CharTest {
    Literal(u32),
    /// Case-insensitive: the character itself, its lower and its upper case.
    Folded {
        lower: u32,
        upper: u32,
    },
    Any,
    AnyButNewline,
    Class(Box<Class>),
}

#[derive(Clone, Debug)]
pub enum Inst {
    Char(CharTest),
    Assert(Assertion),
    /// Record the position in capture slot `n` (2·group for the start, 2·group+1 the end).
    Save(usize),
    /// Try `pc + 1` first, then the target.
    SplitPreferNext(usize),
    /// Try the target first, then `pc + 1`.
    SplitPreferJump(usize),
    Jump(usize),
    /// Repeat the `Char` at `pc + 1` between `min` and `max` times, then go on at `pc + 2`.
    RepeatOne {
        min: u32,
        max: u32,
        kind: RepeatKind,
    },
    /// Start of one iteration of a loop that may match empty: remember the position.
    LoopStart {
        register: usize,
    },
    /// End of an iteration: back to `start` unless the iteration matched nothing.
    LoopEnd {
        register: usize,
        start: usize,
        greedy: bool,
    },
    Backref {
        group: usize,
        ignore_case: bool,
    },
    /// A sub-match of `pc + 1 ..` up to its `SubMatch`, then on at `next`: look-arounds and
    /// atomic groups commit to the first way their body matches.
    Look {
        behind: Option<usize>,
        negated: bool,
        next: usize,
    },
    Atomic {
        next: usize,
    },
    SubMatch,
    /// `(?(group)…)`: on at `pc + 1` when the group matched, else at `no`.
    IfGroup {
        group: usize,
        no: usize,
    },
    Match,
}

pub struct Program {
    pub insts: Vec<Inst>,
    pub registers: usize,
    /// Every match starts with this literal character (no case folding): the search can skip
    /// to it.
    pub first_char: Option<u32>,
    /// The pattern starts with `\A` or a non-multiline `^`: only the search start can match.
    pub anchored_start: bool,
}

pub struct TooLarge;

struct Compiler {
    insts: Vec<Inst>,
    registers: usize,
}

fn simple_lower(c: u32) -> u32 {
    char::from_u32(c).map_or(c, |ch| {
        let mut lower = ch.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l as u32,
            _ => c,
        }
    })
}

fn simple_upper(c: u32) -> u32 {
    char::from_u32(c).map_or(c, |ch| {
        let mut upper = ch.to_uppercase();
        match (upper.next(), upper.next()) {
            (Some(u), None) => u as u32,
            _ => c,
        }
    })
}

/// The case forms the matcher compares under `IGNORECASE`: ASCII letters only with `ascii`.
pub fn case_forms(c: u32, ascii: bool) -> (u32, u32) {
    if ascii || c < 128 {
        let lower = if (b'A' as u32..=b'Z' as u32).contains(&c) {
            c + 32
        } else {
            c
        };
        let upper = if (b'a' as u32..=b'z' as u32).contains(&c) {
            c - 32
        } else {
            c
        };
        return (lower, upper);
    }
    (simple_lower(c), simple_upper(c))
}

impl Compiler {
    fn push(&mut self, inst: Inst) -> Result<usize, TooLarge> {
        if self.insts.len() >= MAX_PROGRAM {
            return Err(TooLarge);
        }
        self.insts.push(inst);
        Ok(self.insts.len() - 1)
    }

    fn patch(&mut self, at: usize, target: usize) {
        match &mut self.insts[at] {
            Inst::SplitPreferNext(t) | Inst::SplitPreferJump(t) | Inst::Jump(t) => *t = target,
            Inst::Look { next, .. } | Inst::Atomic { next } => *next = target,
            Inst::IfGroup { no, .. } => *no = target,
            _ => {}
        }
    }

    fn char_test(node: &Node, ascii: bool) -> Option<CharTest> {
        Some(match node {
            Node::Literal { code, ignore_case } => {
                let (lower, upper) = case_forms(*code, ascii);
                if *ignore_case && (lower != *code || upper != *code || lower != upper) {
                    CharTest::Folded { lower, upper }
                } else {
                    CharTest::Literal(*code)
                }
            }
            Node::Any { dotall: true } => CharTest::Any,
            Node::Any { dotall: false } => CharTest::AnyButNewline,
            Node::Class(class) => CharTest::Class(class.clone()),
            _ => return None,
        })
    }

    fn node(&mut self, node: &Node, ascii: bool) -> Result<(), TooLarge> {
        if let Some(test) = Self::char_test(node, ascii) {
            self.push(Inst::Char(test))?;
            return Ok(());
        }
        match node {
            Node::Empty => {}
            Node::Assert(a) => {
                self.push(Inst::Assert(*a))?;
            }
            Node::Group { index, node } => {
                self.push(Inst::Save(2 * index))?;
                self.node(node, ascii)?;
                self.push(Inst::Save(2 * index + 1))?;
            }
            Node::Concat(nodes) => {
                for n in nodes {
                    self.node(n, ascii)?;
                }
            }
            Node::Alternation(branches) => {
                let mut jumps = Vec::new();
                for (i, branch) in branches.iter().enumerate() {
                    if i + 1 < branches.len() {
                        let split = self.push(Inst::SplitPreferNext(0))?;
                        self.node(branch, ascii)?;
                        jumps.push(self.push(Inst::Jump(0))?);
                        let next = self.insts.len();
                        self.patch(split, next);
                    } else {
                        self.node(branch, ascii)?;
                    }
                }
                let end = self.insts.len();
                for j in jumps {
                    self.patch(j, end);
                }
            }
            Node::Repeat { node, min, max, kind } => self.repeat(node, *min, *max, *kind, ascii)?,
            Node::Backref { group, ignore_case } => {
                self.push(Inst::Backref {
                    group: *group,
                    ignore_case: *ignore_case,
                })?;
            }
            Node::Look { behind, negated, node } => {
                let width = if *behind {
                    Some(super::parse::fixed_width_of(node).unwrap_or(0) as usize)
                } else {
                    None
                };
                let look = self.push(Inst::Look {
                    behind: width,
                    negated: *negated,
                    next: 0,
                })?;
                self.node(node, ascii)?;
                self.push(Inst::SubMatch)?;
                let next = self.insts.len();
                self.patch(look, next);
            }
            Node::Atomic(node) => self.atomic(node, ascii)?,
            Node::Conditional { group, yes, no } => {
                let test = self.push(Inst::IfGroup { group: *group, no: 0 })?;
                self.node(yes, ascii)?;
                let skip = self.push(Inst::Jump(0))?;
                let no_start = self.insts.len();
                self.patch(test, no_start);
                self.node(no, ascii)?;
                let end = self.insts.len();
                self.patch(skip, end);
            }
            Node::Literal { .. } | Node::Any { .. } | Node::Class(_) => {}
        }
        Ok(())
    }

    fn atomic(&mut self, node: &Node, ascii: bool) -> Result<(), TooLarge> {
        let atomic = self.push(Inst::Atomic { next: 0 })?;
        self.node(node, ascii)?;
        self.push(Inst::SubMatch)?;
        let next = self.insts.len();
        self.patch(atomic, next);
        Ok(())
    }

    fn repeat(
        &mut self,
        node: &Node,
        min: u32,
        max: Option<u32>,
        kind: RepeatKind,
        ascii: bool,
    ) -> Result<(), TooLarge> {
        if let Some(test) = Self::char_test(node, ascii) {
            self.push(Inst::RepeatOne {
                min,
                max: max.unwrap_or(u32::MAX),
                kind,
            })?;
            self.push(Inst::Char(test))?;
            return Ok(());
        }
        if kind == RepeatKind::Possessive {
            let greedy = Node::Repeat {
                node: Box::new(node.clone()),
                min,
                max,
                kind: RepeatKind::Greedy,
            };
            return self.atomic(&greedy, ascii);
        }
        let greedy = kind == RepeatKind::Greedy;
        for _ in 0..min {
            self.node(node, ascii)?;
        }
        match max {
            None => {
                // start: split(body, exit); body; loop end → start
                let register = self.registers;
                self.registers += 1;
                let start = self.push(if greedy {
                    Inst::SplitPreferNext(0)
                } else {
                    Inst::SplitPreferJump(0)
                })?;
                self.push(Inst::LoopStart { register })?;
                self.node(node, ascii)?;
                self.push(Inst::LoopEnd {
                    register,
                    start,
                    greedy,
                })?;
                let exit = self.insts.len();
                self.patch(start, exit);
            }
            Some(max) => {
                // Each optional copy nests inside the previous: a?(a?(a?)) without the groups.
                let mut splits = Vec::new();
                for _ in min..max {
                    splits.push(self.push(if greedy {
                        Inst::SplitPreferNext(0)
                    } else {
                        Inst::SplitPreferJump(0)
                    })?);
                    self.node(node, ascii)?;
                }
                let exit = self.insts.len();
                for s in splits {
                    self.patch(s, exit);
                }
            }
        }
        Ok(())
    }
}

/// The literal every match must start with, when there is one.
fn first_literal(node: &Node) -> Option<u32> {
    match node {
        Node::Literal {
            code,
            ignore_case: false,
        } => Some(*code),
        Node::Concat(nodes) => nodes.first().and_then(first_literal),
        Node::Group { node, .. } | Node::Atomic(node) => first_literal(node),
        Node::Repeat { node, min, .. } if *min > 0 => first_literal(node),
        _ => None,
    }
}

fn anchored(node: &Node) -> bool {
    match node {
        Node::Assert(Assertion::TextStart | Assertion::LineStart { multiline: false }) => true,
        Node::Concat(nodes) => nodes.first().is_some_and(anchored),
        Node::Group { node, .. } | Node::Atomic(node) => anchored(node),
        _ => false,
    }
}

pub fn compile(node: &Node, ascii: bool) -> Result<Program, TooLarge> {
    let mut compiler = Compiler {
        insts: Vec::new(),
        registers: 0,
    };
    compiler.node(node, ascii)?;
    compiler.push(Inst::Match)?;
    Ok(Program {
        insts: compiler.insts,
        registers: compiler.registers,
        first_char: first_literal(node),
        anchored_start: anchored(node),
    })
}

/// Whether the class test accepts `c` (before negation and case folding).
fn in_items(items: &[ClassItem], c: u32, ascii: bool) -> bool {
    items.iter().any(|item| match *item {
        ClassItem::Range(lo, hi) => lo <= c && c <= hi,
        ClassItem::Category { category, negated } => category_contains(category, c, ascii) != negated,
    })
}

pub fn category_contains(category: Category, c: u32, ascii: bool) -> bool {
    if ascii || c < 128 {
        let Ok(b) = u8::try_from(c) else {
            return false;
        };
        return match category {
            Category::Digit => b.is_ascii_digit(),
            Category::Word => b.is_ascii_alphanumeric() || b == b'_',
            Category::Space => {
                matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) || (!ascii && (0x1c..=0x1f).contains(&b))
            }
        };
    }
    let Some(ch) = char::from_u32(c) else {
        return false;
    };
    match category {
        Category::Digit => str_methods::is_decimal(ch),
        Category::Word => str_methods::is_alpha(ch) || str_methods::is_numeric(ch) || ch == '_',
        Category::Space => crate::objects::methods::shared::py_isspace(ch),
    }
}

impl Class {
    pub fn contains(&self, c: u32) -> bool {
        let mut found = in_items(&self.items, c, self.ascii);
        if !found && self.ignore_case {
            let (lower, upper) = case_forms(c, self.ascii);
            found = in_items(&self.items, lower, self.ascii) || in_items(&self.items, upper, self.ascii);
        }
        found != self.negated
    }
}

impl CharTest {
    #[inline]
    pub fn accepts(&self, c: u32, ascii: bool) -> bool {
        match self {
            CharTest::Literal(l) => c == *l,
            CharTest::Folded { lower, upper } => {
                if c == *lower || c == *upper {
                    return true;
                }
                let (l, u) = case_forms(c, ascii);
                l == *lower || u == *upper
            }
            CharTest::Any => true,
            CharTest::AnyButNewline => c != '\n' as u32,
            CharTest::Class(class) => class.contains(c),
        }
    }
}
