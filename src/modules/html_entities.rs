//! `_html5`: HTML5's named character references for `html.unescape` and
//! `html.entities.html5`, from the `entities` crate (the WHATWG list, legacy names without the
//! semicolon included), so toy carries no table of its own.

use crate::objects::Value;
use crate::vm::{PyResult, Vm};

use super::new_module;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let html5 = vm.new_dict();
    for entity in entities::ENTITIES.iter() {
        // "&amp;" is known as "amp;", as in CPython's `html.entities.html5`.
        let name = vm.new_str(entity.entity.trim_start_matches('&'));
        let characters = vm.new_str(entity.characters);
        vm.dict_set(&html5, name, characters)?;
    }
    new_module(vm, "_html5", &[], vec![("html5", html5)])
}
