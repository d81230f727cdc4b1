//! Struct sequences: tuples whose items also have names (`sys.version_info.major`,
//! `sys.float_info.max`, `time.localtime().tm_year`), shown as CPython shows them:
//! `sys.float_info(max=1.7976931348623157e+308, …)`.
//!
//! Each kind is a class derived from `tuple`, made once and immortal. Its names live in the
//! class as `__match_args__` (as CPython's do), which is where the shared methods read them:
//! an instance is an `Instance` over the plain tuple, and names beyond the tuple's items (such
//! as `struct_time`'s `tm_zone`) are ordinary instance attributes.

use std::sync::OnceLock;

use crate::objects::types::{clone_immortal, intern, native, new_native_class, types};
use crate::objects::{Instance, InstanceShape, ObjRef, Payload, Value};
use crate::vm::{PyResult, Vm};

/// One kind of struct sequence.
pub struct StructSeq {
    pub module: &'static str,
    pub name: &'static str,
    /// The names of the tuple's items, in order.
    pub fields: &'static [&'static str],
    class: OnceLock<ObjRef>,
}

impl StructSeq {
    pub const fn new(module: &'static str, name: &'static str, fields: &'static [&'static str]) -> StructSeq {
        StructSeq {
            module,
            name,
            fields,
            class: OnceLock::new(),
        }
    }

    /// The class, made on first use.
    pub fn class(&self, vm: &mut Vm) -> &ObjRef {
        self.class.get_or_init(|| {
            let names: Vec<Value> = self.fields.iter().map(|f| Value::Obj(intern(f))).collect();
            let entries = vec![
                ("__match_args__", vm.new_tuple(names)),
                ("n_sequence_fields", Value::Int(self.fields.len() as i64)),
                ("n_fields", Value::Int(self.fields.len() as i64)),
                ("n_unnamed_fields", Value::Int(0)),
                ("__repr__", Value::Obj(native("__repr__", repr, true))),
                ("__getattr__", Value::Obj(native("__getattr__", getattr, true))),
            ];
            let shape = InstanceShape {
                dict: true,
                weakref: false,
                members: false,
            };
            new_native_class(self.module, self.name, &[&types().tuple], shape, false, entries)
        })
    }

    /// An instance holding `items` (one per field).
    pub fn make(&self, vm: &mut Vm, items: Vec<Value>) -> Value {
        let class = clone_immortal(self.class(vm));
        let base = vm.new_tuple(items);
        vm.alloc(Payload::Instance(Box::new(Instance::new(class, None, Some(base)))))
    }
}

/// The field names of a struct sequence's class.
fn field_names(vm: &mut Vm, this: &Value) -> PyResult<Vec<Value>> {
    let class = vm.type_of(this).clone_ref(vm.py);
    match vm.class_attr(&class, "__match_args__") {
        Some(names) => vm.collect(&names),
        None => Ok(Vec::new()),
    }
}

/// `module.name(field=value, …)`.
fn repr(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let Some(this) = args.first() else {
        return Err(vm.type_error("__repr__ expected 1 argument"));
    };
    let Some(Payload::Tuple(items)) = this.builtin_self().payload() else {
        return Err(vm.type_error("descriptor '__repr__' requires a struct sequence"));
    };
    let names = field_names(vm, this)?;
    let mut parts = Vec::with_capacity(items.len());
    for (name, item) in names.iter().zip(items.iter()) {
        parts.push(format!("{}={}", name.as_str().unwrap_or("?"), vm.repr(item)?));
    }
    Ok(vm.new_str(format!("{}({})", qualified_name(vm, this), parts.join(", "))))
}

/// `module.name`, as CPython names a struct sequence's type in reprs and messages.
fn qualified_name(vm: &Vm, this: &Value) -> String {
    match &vm.type_of(this).payload {
        Payload::Type(t) => format!("{}.{}", t.module, t.name),
        _ => String::new(),
    }
}

/// An item by its field name (`version_info.major`).
fn getattr(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (Some(this), Some(name)) = (args.first(), args.get(1)) else {
        return Err(vm.type_error("__getattr__ expected 1 argument"));
    };
    let names = field_names(vm, this)?;
    let wanted = name.as_str().unwrap_or("?");
    let index = names.iter().position(|n| n.as_str() == Some(wanted));
    match (index, this.builtin_self().payload()) {
        (Some(i), Some(Payload::Tuple(items))) if i < items.len() => Ok(items[i].clone_ref(vm.py)),
        _ => Err(vm.new_error(
            &types().attribute_error,
            format!("'{}' object has no attribute '{wanted}'", qualified_name(vm, this)),
        )),
    }
}
