//! Python's regular-expression syntax, parsed into a tree. The errors (message and position)
//! are CPython's `re.error`s, found by running CPython's `re.compile` on each malformed case.
//!
//! The pattern is a sequence of code points (the characters of a str pattern, the bytes of a
//! bytes pattern); positions are indices into it, as CPython reports them. Flags that can be
//! scoped (`(?i:…)`) are resolved here: every node carries the flags in force where it was
//! written, so the matcher never tracks flag state.

use std::collections::HashMap;

pub const FLAG_IGNORECASE: u32 = 2;
pub const FLAG_LOCALE: u32 = 4;
pub const FLAG_MULTILINE: u32 = 8;
pub const FLAG_DOTALL: u32 = 16;
pub const FLAG_UNICODE: u32 = 32;
pub const FLAG_VERBOSE: u32 = 64;
pub const FLAG_ASCII: u32 = 256;

/// CPython's largest repeat count; a larger one is an `OverflowError`.
pub const MAX_REPEAT: u64 = 4_294_967_295;

/// The deepest group nesting parsed; deeper raises like CPython's recursive parser does.
pub const MAX_NESTING: usize = 400;

#[derive(Debug, PartialEq)]
pub enum ParseError {
    /// `re.error(msg, pos)`; `pos` is `None` where CPython gives none (look-behind width).
    Syntax { msg: String, pos: Option<usize> },
    /// A repeat count past [`MAX_REPEAT`].
    Overflow,
    /// Groups nested past [`MAX_NESTING`].
    TooDeep,
}

type Parsed<T> = Result<T, ParseError>;

fn error<T>(msg: impl Into<String>, pos: usize) -> Parsed<T> {
    Err(ParseError::Syntax {
        msg: msg.into(),
        pos: Some(pos),
    })
}

/// `\d`, `\w`, `\s` and their negations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Digit,
    Word,
    Space,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClassItem {
    Range(u32, u32),
    Category { category: Category, negated: bool },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub items: Vec<ClassItem>,
    pub negated: bool,
    pub ignore_case: bool,
    /// `\d`, `\w`, `\s` mean their ASCII forms (`re.ASCII`, bytes patterns).
    pub ascii: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepeatKind {
    Greedy,
    Lazy,
    Possessive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assertion {
    /// `^`: the start, or with `multiline` after any newline.
    LineStart {
        multiline: bool,
    },
    /// `$`: the end or before a newline at the end, or with `multiline` before any newline.
    LineEnd {
        multiline: bool,
    },
    /// `\A`
    TextStart,
    /// `\Z`
    TextEnd,
    WordBoundary {
        ascii: bool,
    },
    NotWordBoundary {
        ascii: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Empty,
    Literal {
        code: u32,
        ignore_case: bool,
    },
    /// `.`: any character but a newline, or any at all with `dotall`.
    Any {
        dotall: bool,
    },
    Class(Box<Class>),
    Assert(Assertion),
    Group {
        index: usize,
        node: Box<Node>,
    },
    Concat(Vec<Node>),
    Alternation(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        kind: RepeatKind,
    },
    Backref {
        group: usize,
        ignore_case: bool,
    },
    Look {
        behind: bool,
        negated: bool,
        node: Box<Node>,
    },
    Atomic(Box<Node>),
    /// `(?(group)yes|no)`
    Conditional {
        group: usize,
        yes: Box<Node>,
        no: Box<Node>,
    },
}

pub struct ParsedPattern {
    pub node: Node,
    /// The pattern's flags after its leading inline flags (`(?i)`), with `UNICODE` implied
    /// for str patterns as CPython sets it.
    pub flags: u32,
    /// The number of capturing groups.
    pub groups: usize,
    /// Named groups and their numbers, in the order they were defined.
    pub names: Vec<(String, usize)>,
}

struct Parser<'p> {
    pattern: &'p [u32],
    at: usize,
    is_bytes: bool,
    flags: u32,
    groups: usize,
    names: HashMap<String, usize>,
    name_order: Vec<(String, usize)>,
    /// Groups opened but not yet closed (a backreference to one is an error).
    open_groups: Vec<usize>,
    depth: usize,
    /// Something other than global flags and comments has been parsed: global flags are
    /// no longer allowed.
    content_seen: bool,
    /// Conditionals' group numbers, checked once all groups are known (a conditional may
    /// refer to a group defined after it).
    conditional_refs: Vec<(usize, usize)>,
    /// Inside a look-behind: the number of groups defined before it (a backreference to a
    /// later one would make its width unknown).
    lookbehind_groups: Option<usize>,
}

fn is_digit(c: u32) -> bool {
    (b'0' as u32..=b'9' as u32).contains(&c)
}

fn char_of(c: u32) -> char {
    char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The fixed width of a node, or `None` when it can match strings of different lengths.
pub fn fixed_width_of(node: &Node) -> Option<u64> {
    match node {
        Node::Empty | Node::Assert(_) | Node::Look { .. } => Some(0),
        Node::Literal { .. } | Node::Any { .. } | Node::Class(_) => Some(1),
        Node::Group { node, .. } | Node::Atomic(node) => fixed_width_of(node),
        Node::Concat(nodes) => nodes.iter().map(fixed_width_of).sum(),
        Node::Alternation(nodes) => {
            let first = fixed_width_of(nodes.first()?)?;
            nodes.iter().all(|n| fixed_width_of(n) == Some(first)).then_some(first)
        }
        Node::Repeat { node, min, max, .. } => {
            let width = fixed_width_of(node)?;
            if width == 0 {
                return Some(0);
            }
            (Some(*min) == *max).then(|| width * u64::from(*min))
        }
        Node::Backref { .. } => None,
        Node::Conditional { yes, no, .. } => {
            let width = fixed_width_of(yes)?;
            (fixed_width_of(no) == Some(width)).then_some(width)
        }
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u32> {
        self.pattern.get(self.at).copied()
    }

    fn peek_is(&self, c: char) -> bool {
        self.peek() == Some(c as u32)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek_is(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.pattern[from..to.min(self.pattern.len())]
            .iter()
            .map(|&c| char_of(c))
            .collect()
    }

    fn verbose(&self) -> bool {
        self.flags & FLAG_VERBOSE != 0
    }

    fn ignore_case(&self) -> bool {
        self.flags & FLAG_IGNORECASE != 0
    }

    fn ascii(&self) -> bool {
        self.is_bytes || self.flags & FLAG_ASCII != 0
    }

    /// In verbose mode, white space and `#` comments between tokens are ignored.
    fn skip_verbose_space(&mut self) {
        if !self.verbose() {
            return;
        }
        while let Some(c) = self.peek() {
            if c == '#' as u32 {
                while let Some(c) = self.peek() {
                    self.at += 1;
                    if c == '\n' as u32 {
                        break;
                    }
                }
            } else if char::from_u32(c).is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')) {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    /// Alternatives separated by `|`, up to a `)` or the end.
    fn alternation(&mut self) -> Parsed<Node> {
        let mut branches = vec![self.sequence()?];
        while self.eat('|') {
            branches.push(self.sequence()?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alternation(branches)
        })
    }

    fn sequence(&mut self) -> Parsed<Node> {
        let mut items = Vec::new();
        loop {
            self.skip_verbose_space();
            let Some(c) = self.peek() else { break };
            if c == '|' as u32 || c == ')' as u32 {
                break;
            }
            let Some(atom) = self.atom()? else {
                continue;
            };
            self.content_seen = true;
            let atom = self.quantified(atom)?;
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    /// `{m,n}` at the current position, if it is one (else `{` is a literal).
    fn repeat_bounds(&mut self) -> Parsed<Option<(u32, Option<u32>)>> {
        let start = self.at;
        if !self.eat('{') {
            return Ok(None);
        }
        let number = |p: &mut Self| {
            let from = p.at;
            while p.peek().is_some_and(is_digit) {
                p.at += 1;
            }
            p.text(from, p.at)
        };
        let low = number(self);
        let mut high = low.clone();
        if self.eat(',') {
            high = number(self);
        }
        if !self.eat('}') {
            self.at = start;
            return Ok(None);
        }
        let parse = |digits: &str| -> Parsed<Option<u32>> {
            if digits.is_empty() {
                return Ok(None);
            }
            match digits.parse::<u64>() {
                Ok(n) if n < MAX_REPEAT => Ok(Some(n as u32)),
                _ => Err(ParseError::Overflow),
            }
        };
        let min = parse(&low)?.unwrap_or(0);
        let max = parse(&high)?;
        if let Some(max) = max
            && max < min
        {
            return error("min repeat greater than max repeat", start + 1);
        }
        Ok(Some((min, max)))
    }

    fn quantified(&mut self, atom: Node) -> Parsed<Node> {
        self.skip_verbose_space();
        let here = self.at;
        let (min, max) = match self.peek().and_then(char::from_u32) {
            Some('*') => {
                self.at += 1;
                (0, None)
            }
            Some('+') => {
                self.at += 1;
                (1, None)
            }
            Some('?') => {
                self.at += 1;
                (0, Some(1))
            }
            Some('{') => match self.repeat_bounds()? {
                Some(bounds) => bounds,
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        if matches!(atom, Node::Empty | Node::Assert(_)) {
            return error("nothing to repeat", here);
        }
        let kind = if self.eat('?') {
            RepeatKind::Lazy
        } else if self.eat('+') {
            RepeatKind::Possessive
        } else {
            RepeatKind::Greedy
        };
        self.skip_verbose_space();
        let next = self.at;
        if matches!(self.peek().and_then(char::from_u32), Some('*' | '+' | '?'))
            || (self.peek_is('{') && self.repeat_bounds()?.is_some())
        {
            return error("multiple repeat", next);
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
            kind,
        })
    }

    fn literal(&self, code: u32) -> Node {
        Node::Literal {
            code,
            ignore_case: self.ignore_case(),
        }
    }

    /// One item of a sequence; `None` for things that match nothing at all (comments,
    /// leading global flags).
    fn atom(&mut self) -> Parsed<Option<Node>> {
        let start = self.at;
        let Some(c) = self.peek() else {
            return Ok(Some(Node::Empty));
        };
        self.at += 1;
        let node = match char::from_u32(c) {
            Some('(') => return self.group(start),
            Some('[') => self.class(start)?,
            Some('.') => Node::Any {
                dotall: self.flags & FLAG_DOTALL != 0,
            },
            Some('^') => Node::Assert(Assertion::LineStart {
                multiline: self.flags & FLAG_MULTILINE != 0,
            }),
            Some('$') => Node::Assert(Assertion::LineEnd {
                multiline: self.flags & FLAG_MULTILINE != 0,
            }),
            Some('\\') => self.escape(start)?,
            Some('*' | '+' | '?') => return error("nothing to repeat", start),
            Some('{') => {
                self.at = start;
                if self.repeat_bounds()?.is_some() {
                    return error("nothing to repeat", start);
                }
                self.at = start + 1;
                self.literal(c)
            }
            _ => self.literal(c),
        };
        Ok(Some(node))
    }

    fn read_name(&mut self, terminator: char, name_start: usize) -> Parsed<String> {
        let from = self.at;
        loop {
            match self.peek() {
                None => return error(format!("missing {terminator}, unterminated name"), name_start),
                Some(c) if c == terminator as u32 => break,
                Some(_) => self.at += 1,
            }
        }
        let name = self.text(from, self.at);
        self.at += 1;
        if name.is_empty() {
            return error("missing group name", name_start);
        }
        Ok(name)
    }

    fn is_identifier(name: &str) -> bool {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c == '_' || c.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric())
    }

    fn check_name(&self, name: &str, pos: usize) -> Parsed<()> {
        if !Self::is_identifier(name) || (self.is_bytes && !name.is_ascii()) {
            return error(format!("bad character in group name '{name}'"), pos);
        }
        Ok(())
    }

    /// A reference to an existing group by number or name (`(?P=name)`, `(?(name)…)`).
    /// A conditional's reference to a group by number or name.
    fn group_reference(&mut self, name: &str, pos: usize) -> Parsed<usize> {
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
            let Ok(number) = name.parse::<usize>() else {
                return error(format!("invalid group reference {name}"), pos);
            };
            if number == 0 {
                return error("bad group number", pos);
            }
            self.conditional_refs.push((number, pos));
            return Ok(number);
        }
        self.check_name(name, pos)?;
        match self.names.get(name) {
            Some(&index) => Ok(index),
            None => error(format!("unknown group name '{name}'"), pos),
        }
    }

    fn check_lookbehind_reference(&self, group: usize) -> Parsed<()> {
        match self.lookbehind_groups {
            Some(before) if group > before => error(
                "cannot refer to group defined in the same lookbehind subpattern",
                self.at,
            ),
            _ => Ok(()),
        }
    }

    fn close_group(&mut self, open: usize) -> Parsed<()> {
        if !self.eat(')') {
            return error("missing ), unterminated subpattern", open);
        }
        Ok(())
    }

    /// Parses a nested alternation one level deeper.
    fn nested(&mut self) -> Parsed<Node> {
        if self.depth >= MAX_NESTING {
            return Err(ParseError::TooDeep);
        }
        self.depth += 1;
        let node = self.alternation();
        self.depth -= 1;
        node
    }

    fn capturing_group(&mut self, open: usize, name: Option<(String, usize)>) -> Parsed<Option<Node>> {
        self.groups += 1;
        let index = self.groups;
        if let Some((name, pos)) = name {
            if let Some(&previous) = self.names.get(&name) {
                return error(
                    format!("redefinition of group name '{name}' as group {index}; was group {previous}"),
                    pos,
                );
            }
            self.names.insert(name.clone(), index);
            self.name_order.push((name, index));
        }
        self.open_groups.push(index);
        let node = self.nested()?;
        self.open_groups.pop();
        self.close_group(open)?;
        Ok(Some(Node::Group {
            index,
            node: Box::new(node),
        }))
    }

    fn group(&mut self, open: usize) -> Parsed<Option<Node>> {
        let content_before = self.content_seen;
        self.content_seen = true;
        if !self.eat('?') {
            return self.capturing_group(open, None);
        }
        let question = self.at - 1;
        let Some(kind) = self.peek() else {
            return error("unexpected end of pattern", self.at);
        };
        self.at += 1;
        match char::from_u32(kind) {
            Some(':') => {
                let node = self.nested()?;
                self.close_group(open)?;
                Ok(Some(node))
            }
            Some('P') => self.p_group(open, question),
            Some('=' | '!') => self.look(open, false, kind == '!' as u32),
            Some('<') => match self.peek().and_then(char::from_u32) {
                Some(c @ ('=' | '!')) => {
                    self.at += 1;
                    self.look(open, true, c == '!')
                }
                Some(other) => error(format!("unknown extension ?<{other}"), question),
                None => error("unexpected end of pattern", self.at),
            },
            Some('>') => {
                let node = self.nested()?;
                self.close_group(open)?;
                Ok(Some(Node::Atomic(Box::new(node))))
            }
            Some('#') => {
                self.content_seen = content_before;
                while let Some(c) = self.peek() {
                    self.at += 1;
                    if c == ')' as u32 {
                        return Ok(None);
                    }
                }
                error("missing ), unterminated comment", open)
            }
            Some('(') => self.conditional(open),
            Some(c) if "aiLmsux-".contains(c) => {
                self.at -= 1;
                self.inline_flags(open, content_before)
            }
            _ => error(format!("unknown extension ?{}", char_of(kind)), question),
        }
    }

    fn p_group(&mut self, open: usize, question: usize) -> Parsed<Option<Node>> {
        match self.peek().and_then(char::from_u32) {
            Some('<') => {
                self.at += 1;
                let name_start = self.at;
                let name = self.read_name('>', name_start)?;
                self.check_name(&name, name_start)?;
                self.capturing_group(open, Some((name, name_start)))
            }
            Some('=') => {
                self.at += 1;
                let name_start = self.at;
                let name = self.read_name(')', name_start)?;
                self.check_name(&name, name_start)?;
                let Some(&group) = self.names.get(&name) else {
                    return error(format!("unknown group name '{name}'"), name_start);
                };
                if self.open_groups.contains(&group) {
                    return error("cannot refer to an open group", name_start);
                }
                self.check_lookbehind_reference(group)?;
                Ok(Some(Node::Backref {
                    group,
                    ignore_case: self.ignore_case(),
                }))
            }
            Some(c) => error(format!("unknown extension ?P{c}"), question),
            None => error("unexpected end of pattern", self.at),
        }
    }

    fn look(&mut self, open: usize, behind: bool, negated: bool) -> Parsed<Option<Node>> {
        let outer = self.lookbehind_groups;
        if behind {
            self.lookbehind_groups = Some(self.groups);
        }
        let node = self.nested();
        self.lookbehind_groups = outer;
        let node = node?;
        self.close_group(open)?;
        if behind && fixed_width_of(&node).is_none() {
            return Err(ParseError::Syntax {
                msg: "look-behind requires fixed-width pattern".to_string(),
                pos: None,
            });
        }
        Ok(Some(Node::Look {
            behind,
            negated,
            node: Box::new(node),
        }))
    }

    fn conditional(&mut self, open: usize) -> Parsed<Option<Node>> {
        let name_start = self.at;
        let name = self.read_name(')', name_start)?;
        let group = self.group_reference(&name, name_start)?;
        let yes = self.nested_branch()?;
        let no = if self.eat('|') {
            let no = self.nested_branch()?;
            if self.peek_is('|') {
                return error("conditional backref with more than two branches", self.at);
            }
            no
        } else {
            Node::Empty
        };
        self.close_group(open)?;
        Ok(Some(Node::Conditional {
            group,
            yes: Box::new(yes),
            no: Box::new(no),
        }))
    }

    /// One branch of a conditional: a sequence, not an alternation.
    fn nested_branch(&mut self) -> Parsed<Node> {
        if self.depth >= MAX_NESTING {
            return Err(ParseError::TooDeep);
        }
        self.depth += 1;
        let node = self.sequence();
        self.depth -= 1;
        node
    }

    fn flag_value(&self, c: char, pos: usize) -> Parsed<u32> {
        Ok(match c {
            'i' => FLAG_IGNORECASE,
            'm' => FLAG_MULTILINE,
            's' => FLAG_DOTALL,
            'x' => FLAG_VERBOSE,
            'a' => FLAG_ASCII,
            'u' if self.is_bytes => return error("bad inline flags: cannot use 'u' flag with a bytes pattern", pos),
            'u' => FLAG_UNICODE,
            'L' if !self.is_bytes => return error("bad inline flags: cannot use 'L' flag with a str pattern", pos),
            'L' => FLAG_LOCALE,
            _ => return error("unknown flag", pos),
        })
    }

    /// `(?aiLmsux)` at the start, or `(?flags-flags:…)` anywhere.
    fn inline_flags(&mut self, open: usize, content_before: bool) -> Parsed<Option<Node>> {
        const CHARSET_FLAGS: u32 = FLAG_ASCII | FLAG_UNICODE | FLAG_LOCALE;
        let mut on = 0;
        while let Some(c) = self.peek().and_then(char::from_u32).filter(|c| c.is_ascii_alphabetic()) {
            self.at += 1;
            on |= self.flag_value(c, self.at)?;
            if (on & CHARSET_FLAGS).count_ones() > 1 {
                return error("bad inline flags: flags 'a', 'u' and 'L' are incompatible", self.at);
            }
        }
        let mut off = 0;
        if self.eat('-') {
            let mut any = false;
            while let Some(c) = self.peek().and_then(char::from_u32).filter(|c| c.is_ascii_alphabetic()) {
                self.at += 1;
                let flag = self.flag_value(c, self.at)?;
                if flag & CHARSET_FLAGS != 0 {
                    return error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'", self.at);
                }
                off |= flag;
                any = true;
            }
            if !any {
                return error("missing flag", self.at);
            }
            if on & off != 0 {
                return error("bad inline flags: flag turned on and off", self.at);
            }
            if !self.peek_is(':') {
                return error("missing :", self.at);
            }
        }
        match self.peek().and_then(char::from_u32) {
            Some(')') if off == 0 => {
                self.at += 1;
                if content_before {
                    return error("global flags not at the start of the expression", open);
                }
                self.content_seen = false;
                self.flags |= on;
                if on & (FLAG_ASCII | FLAG_LOCALE) != 0 {
                    self.flags &= !FLAG_UNICODE;
                }
                Ok(None)
            }
            Some(':') => {
                self.at += 1;
                let saved = self.flags;
                self.flags = (self.flags | on) & !off;
                let node = self.nested();
                self.flags = saved;
                let node = node?;
                self.close_group(open)?;
                Ok(Some(node))
            }
            None => error("missing -, : or )", self.at),
            Some(_) => error(if off == 0 { "missing -, : or )" } else { "missing :" }, self.at),
        }
    }

    fn hex_escape(&mut self, start: usize, digits: usize) -> Parsed<u32> {
        let from = self.at;
        let mut value = 0u32;
        for _ in 0..digits {
            match self.peek().and_then(char::from_u32).and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    value = value.wrapping_mul(16).wrapping_add(d);
                    self.at += 1;
                }
                None => {
                    let text = self.text(start, self.at);
                    return error(format!("incomplete escape {text}"), start);
                }
            }
        }
        if digits == 8 && char::from_u32(value).is_none() {
            let text = self.text(start, from + digits);
            return error(format!("bad escape {text}"), start);
        }
        Ok(value)
    }

    /// Up to `limit` more octal digits after the one at `first`.
    fn octal_escape(&mut self, start: usize, mut value: u32, limit: usize) -> Parsed<u32> {
        for _ in 0..limit {
            match self.peek().and_then(char::from_u32).and_then(|c| c.to_digit(8)) {
                Some(d) => {
                    value = value * 8 + d;
                    self.at += 1;
                }
                None => break,
            }
        }
        if value > 0o377 {
            let text = self.text(start, self.at);
            return error(format!("octal escape value {text} outside of range 0-0o377"), start);
        }
        Ok(value)
    }

    /// The code point of a character escape valid both inside and outside classes (`\n`,
    /// `\x41`, `\u00e9`, `\.`); `None` when the escape is something else.
    fn char_escape(&mut self, start: usize, c: u32) -> Parsed<Option<u32>> {
        let Some(letter) = char::from_u32(c) else {
            return Ok(Some(c));
        };
        Ok(Some(match letter {
            'a' => 7,
            'f' => 12,
            'n' => 10,
            'r' => 13,
            't' => 9,
            'v' => 11,
            'x' => self.hex_escape(start, 2)?,
            'u' if !self.is_bytes => self.hex_escape(start, 4)?,
            'U' if !self.is_bytes => self.hex_escape(start, 8)?,
            'N' if !self.is_bytes => {
                if !self.eat('{') {
                    return error("missing {", self.at);
                }
                let name_start = self.at;
                let name = self.read_name('}', name_start)?;
                return error(
                    format!("toy does not support \\N{{{name}}} (named Unicode characters)"),
                    start,
                );
            }
            '0' => self.octal_escape(start, 0, 2)?,
            _ if letter.is_ascii_alphanumeric() => return Ok(None),
            _ => c,
        }))
    }

    fn category(&self, letter: char) -> Option<ClassItem> {
        let (category, negated) = match letter {
            'd' => (Category::Digit, false),
            'D' => (Category::Digit, true),
            'w' => (Category::Word, false),
            'W' => (Category::Word, true),
            's' => (Category::Space, false),
            'S' => (Category::Space, true),
            _ => return None,
        };
        Some(ClassItem::Category { category, negated })
    }

    fn bad_escape<T>(&self, start: usize) -> Parsed<T> {
        if start + 1 >= self.pattern.len() {
            return error("bad escape (end of pattern)", start);
        }
        let text = self.text(start, start + 2);
        error(format!("bad escape {text}"), start)
    }

    /// An escape outside a class; the backslash is at `start`.
    fn escape(&mut self, start: usize) -> Parsed<Node> {
        let Some(c) = self.peek() else {
            return self.bad_escape(start);
        };
        self.at += 1;
        let letter = char::from_u32(c).unwrap_or('\0');
        let ascii = self.ascii();
        let assertion = match letter {
            'A' => Some(Assertion::TextStart),
            'Z' => Some(Assertion::TextEnd),
            'b' => Some(Assertion::WordBoundary { ascii }),
            'B' => Some(Assertion::NotWordBoundary { ascii }),
            _ => None,
        };
        if let Some(assertion) = assertion {
            return Ok(Node::Assert(assertion));
        }
        if let Some(item) = self.category(letter) {
            return Ok(Node::Class(Box::new(Class {
                items: vec![item],
                negated: false,
                ignore_case: false,
                ascii,
            })));
        }
        if ('1'..='9').contains(&letter) {
            return self.group_or_octal(start, c);
        }
        match self.char_escape(start, c)? {
            Some(code) => Ok(self.literal(code)),
            None => self.bad_escape(start),
        }
    }

    /// `\1`…`\99` refer to groups; three octal digits are an octal escape.
    fn group_or_octal(&mut self, start: usize, first: u32) -> Parsed<Node> {
        let octal = |c: Option<u32>| c.is_some_and(|c| (b'0' as u32..=b'7' as u32).contains(&c));
        if self.peek().is_some_and(is_digit) {
            let second = self.pattern[self.at];
            if octal(Some(first)) && octal(Some(second)) && octal(self.pattern.get(self.at + 1).copied()) {
                let value = self.octal_escape(start, first - '0' as u32, 2)?;
                return Ok(self.literal(value));
            }
            self.at += 1;
        }
        let digits = self.text(start + 1, self.at);
        let group: usize = digits.parse().unwrap_or(usize::MAX);
        if group > self.groups {
            return error(format!("invalid group reference {group}"), start + 1);
        }
        if self.open_groups.contains(&group) {
            return error("cannot refer to an open group", start);
        }
        self.check_lookbehind_reference(group)?;
        Ok(Node::Backref {
            group,
            ignore_case: self.ignore_case(),
        })
    }

    /// One member of a class: a character (its code point) or a category (`\d`).
    fn class_member(&mut self) -> Parsed<Result<u32, ClassItem>> {
        let start = self.at;
        let Some(c) = self.peek() else {
            return Ok(Ok(0));
        };
        self.at += 1;
        if c != '\\' as u32 {
            return Ok(Ok(c));
        }
        let Some(c) = self.peek() else {
            return self.bad_escape(start);
        };
        self.at += 1;
        let letter = char::from_u32(c).unwrap_or('\0');
        if let Some(item) = self.category(letter) {
            return Ok(Err(item));
        }
        if letter == 'b' {
            return Ok(Ok(8));
        }
        if ('1'..='7').contains(&letter) {
            return Ok(Ok(self.octal_escape(start, c - '0' as u32, 2)?));
        }
        match self.char_escape(start, c)? {
            Some(code) => Ok(Ok(code)),
            None => self.bad_escape(start),
        }
    }

    fn class(&mut self, open: usize) -> Parsed<Node> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let first = self.at;
        loop {
            let item_start = self.at;
            match self.peek() {
                None => return error("unterminated character set", open),
                Some(c) if c == ']' as u32 && self.at != first => {
                    self.at += 1;
                    break;
                }
                Some(_) => {}
            }
            let low = self.class_member()?;
            let is_range = self.peek_is('-') && self.pattern.get(self.at + 1).is_some_and(|&c| c != ']' as u32);
            if !is_range {
                items.push(match low {
                    Ok(c) => ClassItem::Range(c, c),
                    Err(item) => item,
                });
                continue;
            }
            self.at += 1;
            let high = self.class_member()?;
            match (low, high) {
                (Ok(low), Ok(high)) if low <= high => items.push(ClassItem::Range(low, high)),
                _ => {
                    let text = self.text(item_start, self.at);
                    return error(format!("bad character range {text}"), item_start);
                }
            }
        }
        Ok(Node::Class(Box::new(Class {
            items,
            negated,
            ignore_case: self.ignore_case(),
            ascii: self.ascii(),
        })))
    }
}

/// Parses `pattern` (code points) with the flags given to `re.compile`.
pub fn parse(pattern: &[u32], flags: u32, is_bytes: bool) -> Parsed<ParsedPattern> {
    let mut flags = flags;
    if !is_bytes && flags & (FLAG_ASCII | FLAG_LOCALE) == 0 {
        flags |= FLAG_UNICODE;
    }
    let mut parser = Parser {
        pattern,
        at: 0,
        is_bytes,
        flags,
        groups: 0,
        names: HashMap::new(),
        name_order: Vec::new(),
        open_groups: Vec::new(),
        depth: 0,
        content_seen: false,
        conditional_refs: Vec::new(),
        lookbehind_groups: None,
    };
    let node = parser.alternation()?;
    if parser.at < pattern.len() {
        return error("unbalanced parenthesis", parser.at);
    }
    if let Some(&(group, pos)) = parser
        .conditional_refs
        .iter()
        .find(|&&(group, _)| group > parser.groups)
    {
        return error(format!("invalid group reference {group}"), pos);
    }
    Ok(ParsedPattern {
        node,
        flags: parser.flags,
        groups: parser.groups,
        names: parser.name_order,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(pattern: &str) -> Parsed<ParsedPattern> {
        let codes: Vec<u32> = pattern.chars().map(u32::from).collect();
        parse(&codes, 0, false)
    }

    fn error_of(pattern: &str) -> (String, Option<usize>) {
        match parse_str(pattern) {
            Err(ParseError::Syntax { msg, pos }) => (msg, pos),
            other => panic!("{pattern:?} parsed: {:?}", other.err()),
        }
    }

    #[test]
    fn errors_match_cpython() {
        let cases: &[(&str, &str, Option<usize>)] = &[
            ("(", "missing ), unterminated subpattern", Some(0)),
            ("a)", "unbalanced parenthesis", Some(1)),
            ("[a", "unterminated character set", Some(0)),
            ("[z-a]", "bad character range z-a", Some(1)),
            ("a**", "multiple repeat", Some(2)),
            ("*a", "nothing to repeat", Some(0)),
            ("a{2,1}", "min repeat greater than max repeat", Some(2)),
            ("(?P<1a>x)", "bad character in group name '1a'", Some(4)),
            (
                "(?P<a>x)(?P<a>y)",
                "redefinition of group name 'a' as group 2; was group 1",
                Some(12),
            ),
            ("(?P=b)", "unknown group name 'b'", Some(4)),
            ("\\2", "invalid group reference 2", Some(1)),
            ("(?<=a+)b", "look-behind requires fixed-width pattern", None),
            ("(?x", "missing -, : or )", Some(3)),
            ("(?z)", "unknown extension ?z", Some(1)),
            ("\\", "bad escape (end of pattern)", Some(0)),
            ("a(?i)b", "global flags not at the start of the expression", Some(1)),
            ("[\\q]", "bad escape \\q", Some(1)),
            (
                "(?(1)a|b|c)",
                "conditional backref with more than two branches",
                Some(8),
            ),
            ("\\x1", "incomplete escape \\x1", Some(0)),
            ("(?#abc", "missing ), unterminated comment", Some(0)),
            ("x{2}{3}", "multiple repeat", Some(4)),
            ("(?(0)a)", "bad group number", Some(3)),
            ("\\777", "octal escape value \\777 outside of range 0-0o377", Some(0)),
            ("(?i-i:a)", "bad inline flags: flag turned on and off", Some(5)),
            (
                "(?au)",
                "bad inline flags: flags 'a', 'u' and 'L' are incompatible",
                Some(4),
            ),
            ("^*", "nothing to repeat", Some(1)),
            ("a{1,2}?+", "multiple repeat", Some(7)),
        ];
        for &(pattern, msg, pos) in cases {
            assert_eq!(error_of(pattern), (msg.to_string(), pos), "{pattern:?}");
        }
    }

    #[test]
    fn valid_patterns_count_groups_and_flags() {
        let parsed = parse_str("(?i)(a)(?P<n>b)(?:c)").unwrap_or_else(|_| panic!("parse"));
        assert_eq!(parsed.groups, 2);
        assert_eq!(parsed.flags, FLAG_IGNORECASE | FLAG_UNICODE);
        assert_eq!(parsed.names, vec![("n".to_string(), 2)]);
        for ok in ["a{1", "{", "a{,3}", "x++", "(?=a)*", "[]a]", "[a-]", "(?x) a # c\n b"] {
            assert!(parse_str(ok).is_ok(), "{ok:?}");
        }
    }
}
