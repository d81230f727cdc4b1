//! The instructions of the `match` statement (see `compile/codegen/patterns.rs`), after
//! CPython 3.11's `MATCH_*` opcodes in `ceval.c`.

use crate::compile::bytecode::Instr;
use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Payload, Value};

use super::classes::builtin_base;
use super::{PyResult, Vm, is_subclass};

/// The built-in classes whose instances a class pattern with one positional sub-pattern
/// matches as a whole (`int(x)`): CPython's `Py_TPFLAGS_MATCH_SELF`.
fn matches_self(class: &ObjRef) -> bool {
    let t = types();
    builtin_base(class).is_some_and(|base| {
        [
            &t.bool_,
            &t.bytes,
            &t.dict,
            &t.float,
            &t.frozenset,
            &t.int,
            &t.list,
            &t.set,
            &t.str_,
            &t.tuple,
        ]
        .into_iter()
        .any(|c| base.is(c))
    })
}

/// Whether a sequence pattern may match instances of `class`: CPython's `Py_TPFLAGS_SEQUENCE`
/// (`list`, `tuple`, `range` and their subclasses) or `collections.deque`, which toy writes
/// in Python as a plain class while CPython registers it as a `Sequence`.
fn is_sequence_class(class: &ObjRef) -> bool {
    let t = types();
    if builtin_base(class).is_some_and(|base| [&t.list, &t.tuple, &t.range].into_iter().any(|c| base.is(c))) {
        return true;
    }
    let Payload::Type(ty) = &class.payload else {
        return false;
    };
    std::iter::once(class)
        .chain(&ty.mro)
        .any(|c| matches!(&c.payload, Payload::Type(t) if t.name == "deque" && t.module == "collections"))
}

fn class_name(class: &ObjRef) -> String {
    match &class.payload {
        Payload::Type(t) => t.name.clone(),
        _ => "?".to_owned(),
    }
}

impl Vm<'_> {
    /// Runs one of the pattern-matching instructions on `stack`.
    pub fn execute_match(&mut self, instr: Instr, stack: &mut Vec<Value>) -> PyResult<()> {
        let py = self.py;
        let Some(top) = stack.last() else {
            return Ok(());
        };
        match instr {
            Instr::Rotate(n) => {
                let n = (n as usize).clamp(1, stack.len());
                if let Some(top) = stack.pop() {
                    stack.insert(stack.len() + 1 - n, top);
                }
            }
            Instr::GetLen => {
                let len = self.len(top)?;
                stack.push(self.new_int(len.into()));
            }
            Instr::MatchSequence => {
                let is_sequence = is_sequence_class(self.type_of(top));
                stack.push(Value::Bool(is_sequence));
            }
            Instr::MatchMapping => {
                let is_mapping = builtin_base(self.type_of(top)).is_some_and(|base| base.is(&types().dict));
                stack.push(Value::Bool(is_mapping));
            }
            Instr::MatchKeys => {
                let n = stack.len();
                let (subject, keys) = (stack[n.saturating_sub(2)].clone_ref(py), top.clone_ref(py));
                let values = self.match_keys(&subject, &keys)?;
                stack.push(values);
            }
            Instr::MatchClass(nargs) => {
                let names = stack.pop();
                let class = stack.pop();
                let subject = stack.pop();
                if let (Some(subject), Some(class), Some(names)) = (subject, class, names) {
                    let attrs = self.match_class(&subject, &class, nargs as usize, &names)?;
                    stack.push(attrs.map_or(Value::None, |a| self.new_tuple(a)));
                }
            }
            Instr::CopyDictWithout => {
                let keys = stack.pop();
                let subject = stack.pop();
                if let (Some(subject), Some(keys)) = (subject, keys) {
                    let rest = self.new_dict();
                    self.dict_update(&rest, &subject, false)?;
                    for key in tuple_items(&keys) {
                        self.dict_del(&rest, key)?;
                    }
                    stack.push(rest);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The values of `keys` in the mapping `subject`, or `None` if one is missing.
    fn match_keys(&mut self, subject: &Value, keys: &Value) -> PyResult<Value> {
        let py = self.py;
        // A dict subclass keeps its items in the plain dict it extends.
        let dict = match subject.payload() {
            Some(Payload::Instance(inst)) => inst.base.as_ref().unwrap_or(subject).clone_ref(py),
            _ => subject.clone_ref(py),
        };
        let mut values = Vec::new();
        let keys = tuple_items(keys);
        for (i, key) in keys.iter().enumerate() {
            for earlier in &keys[..i] {
                if self.eq(earlier, key)? {
                    let shown = self.repr(key)?;
                    return Err(self.value_error(format!("mapping pattern checks duplicate key ({shown})")));
                }
            }
            match self.dict_get(&dict, key)? {
                Some(v) => values.push(v),
                None => return Ok(Value::None),
            }
        }
        Ok(self.new_tuple(values))
    }

    /// The attributes a class pattern matches its sub-patterns against, or `None` when the
    /// subject is not an instance of `class` or lacks one of them.
    fn match_class(
        &mut self,
        subject: &Value,
        class: &Value,
        nargs: usize,
        names: &Value,
    ) -> PyResult<Option<Vec<Value>>> {
        let py = self.py;
        let class = match class {
            Value::Obj(c) if matches!(c.payload, Payload::Type(_)) => c.clone_ref(py),
            _ => return Err(self.type_error("called match pattern must be a type")),
        };
        if !is_subclass(self.type_of(subject), &class) {
            return Ok(None);
        }
        let mut seen: Vec<String> = Vec::new();
        let mut attrs = Vec::new();
        let mut positional = Vec::new();
        if nargs > 0 {
            let match_self = match self.class_attr(&class, "__match_args__") {
                Some(args) => {
                    let Some(Payload::Tuple(items)) = args.payload() else {
                        return Err(self.type_error(format!(
                            "{}.__match_args__ must be a tuple (got {})",
                            class_name(&class),
                            self.type_name(&args)
                        )));
                    };
                    positional = items.iter().map(|v| v.clone_ref(py)).collect();
                    false
                }
                None => matches_self(&class),
            };
            let allowed = if match_self { 1 } else { positional.len() };
            if allowed < nargs {
                let plural = if allowed == 1 { "" } else { "s" };
                return Err(self.type_error(format!(
                    "{}() accepts {allowed} positional sub-pattern{plural} ({nargs} given)",
                    class_name(&class)
                )));
            }
            if match_self {
                attrs.push(subject.clone_ref(py));
                positional.clear();
            } else {
                positional.truncate(nargs);
            }
        }
        for name in positional.iter().chain(tuple_items(names)) {
            let Some(Payload::Str(_)) = name.payload() else {
                return Err(self.type_error(format!(
                    "__match_args__ elements must be strings (got {})",
                    self.type_name(name)
                )));
            };
            let text = name.as_str().unwrap_or("").to_owned();
            if seen.contains(&text) {
                return Err(self.type_error(format!(
                    "{}() got multiple sub-patterns for attribute '{text}'",
                    class_name(&class)
                )));
            }
            let key = intern(&text);
            match self.get_attr_opt(subject, &key)? {
                Some(v) => attrs.push(v),
                None => return Ok(None),
            }
            seen.push(text);
        }
        Ok(Some(attrs))
    }
}

fn tuple_items(v: &Value) -> &[Value] {
    match v.payload() {
        Some(Payload::Tuple(items)) => items,
        _ => &[],
    }
}
