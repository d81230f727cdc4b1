//! `import`: built-in modules, and `NAME.toy` (or `NAME.py`) files next to the main script.

use std::path::PathBuf;

use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Payload, Value};

use super::eval::FrameExit;
use super::frame::{Frame, FrameCode, Slots};
use super::{PyResult, Vm};

impl Vm<'_> {
    /// `ImportName`: import `name` (dotted) and return the top-level package, or the module
    /// itself when a fromlist is given.
    pub fn import(&mut self, name: &str, fromlist: &Value, level: &Value, _globals: &ObjRef) -> PyResult<Value> {
        if super::ops::as_small_int(level).unwrap_or(0) > 0 {
            return Err(self.new_error(
                &types().import_error,
                "attempted relative import with no known parent package",
            ));
        }
        let mut module = Value::None;
        let mut top = Value::None;
        let mut path = String::new();
        for (i, part) in name.split('.').enumerate() {
            if i > 0 {
                path.push('.');
            }
            path.push_str(part);
            module = self.import_one(&path)?;
            if i == 0 {
                top = module.clone_ref(self.py);
            }
        }
        Ok(if fromlist.is_none() { top } else { module })
    }

    fn import_one(&mut self, name: &str) -> PyResult<Value> {
        let modules = self.modules.clone_ref(self.py);
        let key = intern(name);
        if let Some(m) = self.dict_get_str(&modules, &key)? {
            return Ok(m);
        }
        let module = if let Some(source) = crate::modules::embedded_source(name) {
            self.import_source(name, &format!("<frozen {name}>"), source.as_bytes())?
        } else {
            match crate::modules::create_builtin_module(self, name) {
                Some(m) => {
                    let module = m?;
                    self.dict_set_str(&modules, &key, module.clone_ref(self.py))?;
                    module
                }
                None => match self.find_source(name) {
                    Some(path) => return self.import_file(name, path),
                    None => {
                        let err = self.new_error(&types().module_not_found_error, format!("No module named '{name}'"));
                        return Err(err);
                    }
                },
            }
        };
        // `import os.path` also makes `path` an attribute of `os` (and `concurrent.futures`
        // makes `futures` one of `concurrent`).
        if let Some((parent, child)) = name.rsplit_once('.')
            && let Some(parent) = self.dict_get_str(&modules, &intern(parent))?
        {
            self.set_attr(&parent, &intern(child), module.clone_ref(self.py))?;
        }
        Ok(module)
    }

    /// `NAME.toy` next to the main script, or else `NAME.py`: toy programs are Python, and
    /// scripts written for CPython import their helpers as `.py` files.
    fn find_source(&self, name: &str) -> Option<PathBuf> {
        if name.contains('.') {
            return None;
        }
        ["toy", "py"]
            .iter()
            .map(|extension| self.script_dir.join(format!("{name}.{extension}")))
            .find(|path| path.is_file())
    }

    /// Run a `.toy` file as module `name`; it is registered before running, as CPython does,
    /// so circular imports see the partly initialised module.
    fn import_file(&mut self, name: &str, path: PathBuf) -> PyResult<Value> {
        let source = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => return Err(self.new_error(&types().import_error, format!("cannot read {}: {e}", path.display()))),
        };
        self.import_source(name, &path.display().to_string(), &source)
    }

    /// Compile and run `source` as module `name`.
    fn import_source(&mut self, name: &str, filename: &str, source: &[u8]) -> PyResult<Value> {
        let code = match crate::compile_source(source, filename) {
            Ok(code) => code,
            Err(report) => return Err(self.new_error(&types().syntax_error, report.message)),
        };
        let module = self.new_module_object(name, filename)?;
        let modules = self.modules.clone_ref(self.py);
        self.dict_set_str(&modules, &intern(name), module.clone_ref(self.py))?;
        let Some(Payload::Module(m)) = module.payload() else {
            return Err(self.runtime_error("module"));
        };
        let globals = m.dict.clone_ref(self.py);
        match self.run_module_code(code, globals) {
            Ok(()) => Ok(module),
            Err(e) => {
                self.dict_del_str(&modules, &intern(name))?;
                Err(e)
            }
        }
    }

    /// A fresh module whose namespace can see the builtins.
    pub fn new_module_object(&mut self, name: &str, filename: &str) -> PyResult<Value> {
        let dict = self.new_dict();
        let Value::Obj(dict_obj) = &dict else {
            return Err(self.runtime_error("dict"));
        };
        let name_value = self.new_str(name);
        self.dict_set_str(dict_obj, &intern("__name__"), name_value)?;
        let file_value = self.new_str(filename);
        self.dict_set_str(dict_obj, &intern("__file__"), file_value)?;
        self.dict_set_str(dict_obj, &intern("__doc__"), Value::None)?;
        let builtins = Value::Obj(self.builtins.clone_ref(self.py));
        self.dict_set_str(dict_obj, &intern("__builtins__"), builtins)?;
        Ok(self.alloc(Payload::Module(crate::objects::Module {
            name: name.to_string(),
            dict: dict_obj.clone_ref(self.py),
        })))
    }

    /// Run compiled module code with `globals` as its namespace.
    pub fn run_module_code(
        &mut self,
        code: std::sync::Arc<crate::compile::bytecode::CodeObject>,
        globals: ObjRef,
    ) -> PyResult<()> {
        let code = self.load_code(code);
        let Some(frame_code) = FrameCode::new(&code, &globals) else {
            return Err(self.type_error("module without code"));
        };
        let mut frame = Frame::new(Some(globals.clone_ref(self.py)), 0, 0);
        match self.run_frame(frame_code, &mut frame, &mut Slots::default())? {
            FrameExit::Return(_) | FrameExit::Yield(_) => Ok(()),
        }
    }

    /// `from module import *`: public names, or those listed in `__all__`.
    pub fn import_star(&mut self, module: &Value, target: &ObjRef) -> PyResult<()> {
        let Some(Payload::Module(m)) = module.payload() else {
            return Err(self.type_error("import * expects a module"));
        };
        let dict = Value::Obj(m.dict.clone_ref(self.py));
        let all = self.dict_get(&dict, &Value::Obj(intern("__all__")))?;
        let names: Vec<Value> = match all {
            Some(all) => self.collect(&all)?,
            None => self
                .dict_items(&dict)?
                .into_iter()
                .map(|(k, _)| k)
                .filter(|k| !k.as_str().unwrap_or("_").starts_with('_'))
                .collect(),
        };
        for name in names {
            let Some(text) = name.as_str() else { continue };
            let key = intern(text);
            let value = self.get_attr(module, &key)?;
            self.dict_set_str(target, &key, value)?;
        }
        Ok(())
    }
}
