//! `__slots__`: which attributes instances of a class may have, and whether they have a
//! `__dict__` and a `__weakref__`.
//!
//! A declared slot's value lives in a table keyed by name like any attribute (so reading it
//! costs what reading any attribute costs): the instance's attribute table when it has no
//! `__dict__`, a table of its own beside the `__dict__` otherwise. What `__slots__` changes is
//! which names may be set when instances have no `__dict__`, what the class shows for each slot
//! (a `member` descriptor), and whether instances can be weakly referenced.

use crate::objects::types::intern;
use crate::objects::{DictTable, InstanceShape, Member, ObjRef, Payload, Value};

use super::{PyResult, Vm};

/// Whether instances of `class` may be weakly referenced (as far as `__slots__` decides).
pub fn instances_have_weakref(_vm: &Vm, class: &ObjRef) -> bool {
    matches!(&class.payload, Payload::Type(t) if t.shape.weakref)
}

/// Whether instances of `class` have a `__dict__`.
pub fn instances_have_dict(class: &ObjRef) -> bool {
    matches!(&class.payload, Payload::Type(t) if t.shape.dict)
}

/// The name a slot is stored under: `__x` in class `S` is `_S__x`, as the compiler mangles
/// private names in the class body.
fn mangled(class_name: &str, slot: &str) -> String {
    if slot.starts_with("__") && !slot.ends_with("__") {
        format!("_{}{slot}", class_name.trim_start_matches('_'))
    } else {
        slot.to_string()
    }
}

/// A new class's `__slots__` (from its namespace `dict`): replace each declared name by its
/// member descriptor, and work out what its instances carry. A class without `__slots__`, or
/// whose bases give their instances a `__dict__` or `__weakref__`, keeps them.
pub fn apply(vm: &mut Vm, name: &str, bases: &[ObjRef], dict: &mut DictTable) -> PyResult<InstanceShape> {
    let py = vm.py;
    let inherited = |get: fn(&InstanceShape) -> bool| {
        bases
            .iter()
            .any(|b| matches!(&b.payload, Payload::Type(t) if get(&t.shape)))
    };
    let mut shape = InstanceShape {
        dict: inherited(|s| s.dict),
        weakref: inherited(|s| s.weakref),
        members: inherited(|s| s.members),
    };
    let declared = dict
        .iter()
        .find(|e| e.key.as_str() == Some("__slots__"))
        .map(|e| e.value.clone_ref(py));
    let Some(declared) = declared else {
        return Ok(InstanceShape {
            dict: true,
            weakref: true,
            members: shape.members,
        });
    };
    let names: Vec<Value> = if declared.as_str().is_some() {
        vec![declared]
    } else {
        vm.collect(&declared)?
    };
    let mut members = Vec::new();
    for slot in &names {
        let Some(text) = slot.as_str() else {
            return Err(vm.type_error(format!("__slots__ items must be strings, not '{}'", vm.type_name(slot))));
        };
        let is_identifier = text.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && text.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !is_identifier {
            return Err(vm.type_error("__slots__ must be identifiers"));
        }
        match text {
            "__dict__" => shape.dict = true,
            "__weakref__" => shape.weakref = true,
            _ => {
                let stored = mangled(name, text);
                if dict.iter().any(|e| e.key.as_str() == Some(stored.as_str())) {
                    return Err(vm.value_error(format!("'{text}' in __slots__ conflicts with class variable")));
                }
                members.push(stored);
            }
        }
    }
    shape.members |= !members.is_empty();
    for stored in members {
        let member = vm.alloc(Payload::Member(Box::new(Member {
            name: intern(&stored),
            class_name: name.to_string(),
        })));
        drop(dict.insert_name(&stored, member));
    }
    Ok(shape)
}
