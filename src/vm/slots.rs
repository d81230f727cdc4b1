//! `__slots__`: which attributes instances of a class may have, and whether they have a
//! `__dict__` and a `__weakref__`.

use crate::objects::ObjRef;

use super::Vm;

/// Whether instances of `class` may be weakly referenced: unless every class of its MRO that
/// declares `__slots__` leaves `__weakref__` out (and none lacks `__slots__`).
pub fn instances_have_weakref(_vm: &Vm, _class: &ObjRef) -> bool {
    true
}
