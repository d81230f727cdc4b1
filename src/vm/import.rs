//! `import`: built-in modules, toy's own standard library, and modules and packages found on
//! `sys.path` (the main script's folder first, then `TOYPATH`).
//!
//! The order is CPython's: the modules CPython builds into its binary (`sys`, `time`,
//! `itertools`…) cannot be shadowed; then every `sys.path` folder in turn, where a package
//! folder (`name/__init__.py`) wins over a module file (`name.py`) and a folder without
//! `__init__` counts as a namespace package only if nothing else is found; toy's standard
//! library comes last, where CPython's `Lib/` sits on `sys.path`. A `.toy` file is found
//! before a `.py` of the same name: toy programs are Python.

use std::path::{Path, PathBuf};

use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Payload, Value};

use super::eval::FrameExit;
use super::frame::{Frame, FrameCode, Slots};
use super::import_lock;
use super::{PyErr, PyResult, Vm};

/// The modules CPython 3.11 compiles into its binary (`sys.builtin_module_names`): a file on
/// `sys.path` never shadows these.
pub const CPYTHON_BUILTIN_MODULES: &[&str] = &[
    "_abc",
    "_ast",
    "_codecs",
    "_collections",
    "_functools",
    "_imp",
    "_io",
    "_locale",
    "_operator",
    "_signal",
    "_sre",
    "_stat",
    "_string",
    "_symtable",
    "_thread",
    "_tokenize",
    "_tracemalloc",
    "_warnings",
    "_weakref",
    "atexit",
    "builtins",
    "errno",
    "faulthandler",
    "gc",
    "itertools",
    "marshal",
    "posix",
    "pwd",
    "sys",
    "time",
    "xxsubtype",
];

/// Source file extensions, in the order they are tried.
const SOURCE_EXTENSIONS: [&str; 2] = ["toy", "py"];

/// Where a module's source was found on a search path.
enum Found {
    /// `dir/__init__.py`: a package whose submodules are searched for in `dir`.
    Package { dir: PathBuf, init: PathBuf },
    /// `name.py`.
    Module(PathBuf),
    /// Folders named like the package, none with an `__init__`: a namespace package spanning
    /// them all.
    Namespace(Vec<PathBuf>),
}

impl Found {
    /// The file to run (none for a namespace package) and, for a package, the folders its
    /// submodules are searched in.
    fn origin_and_locations(self) -> (Option<PathBuf>, Option<Vec<PathBuf>>) {
        match self {
            Found::Package { dir, init } => (Some(init), Some(vec![dir])),
            Found::Module(file) => (Some(file), None),
            Found::Namespace(dirs) => (None, Some(dirs)),
        }
    }
}

/// The module `toy -m NAME` runs (see `Vm::find_main_module`).
pub struct MainModule {
    pub code: std::sync::Arc<crate::compile::bytecode::CodeObject>,
    /// Its source file; none for one of toy's own modules.
    pub file: Option<String>,
    /// `__package__`: the package it is in (empty at the top level).
    pub package: String,
    pub spec: Value,
}

/// Where `locate` finds a module.
enum Located {
    Path(Found),
    /// One of toy's own modules.
    Toy,
}

/// `name` in one search-path folder.
fn find_in(dir: &Path, name: &str) -> Option<Found> {
    let package = dir.join(name);
    let is_dir = package.is_dir();
    if is_dir {
        for extension in SOURCE_EXTENSIONS {
            let init = package.join(format!("__init__.{extension}"));
            if init.is_file() {
                return Some(Found::Package { dir: package, init });
            }
        }
    }
    for extension in SOURCE_EXTENSIONS {
        let file = dir.join(format!("{name}.{extension}"));
        if file.is_file() {
            return Some(Found::Module(file));
        }
    }
    is_dir.then(|| Found::Namespace(vec![package]))
}

/// `name` (the last part of a dotted name) in the folders of `search`, in order.
fn find_on(search: &[String], name: &str) -> Option<Found> {
    let mut namespace = Vec::new();
    for entry in search {
        let dir = if entry.is_empty() {
            Path::new(".")
        } else {
            Path::new(entry)
        };
        match find_in(dir, name) {
            Some(Found::Namespace(mut dirs)) => namespace.append(&mut dirs),
            Some(found) => return Some(found),
            None => {}
        }
    }
    (!namespace.is_empty()).then_some(Found::Namespace(namespace))
}

/// Whether `name` is one of toy's own modules, compiled into the binary.
fn is_toy_module(name: &str) -> bool {
    crate::modules::embedded_source(name).is_some() || crate::modules::is_native_module(name)
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

impl Vm<'_> {
    /// `ImportName` and `__import__`: import `name` (dotted, relative to the importing module's
    /// package when `level` > 0) and return the top-level package, or the module itself when
    /// a fromlist is given.
    pub fn import(&mut self, name: &str, fromlist: &Value, level: &Value, globals: &ObjRef) -> PyResult<Value> {
        let level = super::ops::as_small_int(level).unwrap_or(0);
        if level < 0 {
            return Err(self.value_error("level must be >= 0"));
        }
        if name.is_empty() && level == 0 {
            return Err(self.value_error("Empty module name"));
        }
        let absolute = if level > 0 {
            self.resolve_relative(name, level as usize, globals)?
        } else {
            name.to_string()
        };
        let module = self.import_dotted(&absolute)?;
        let names = if fromlist.is_none() {
            Vec::new()
        } else {
            self.collect(fromlist)?
        };
        if names.is_empty() {
            // `import a.b.c` binds `a`: for a relative import, the first part after the base.
            let first = name.split('.').next().unwrap_or(name);
            let top = &absolute[..absolute.len() - name.len() + first.len()];
            let modules = self.modules.clone_ref(self.py);
            return Ok(self.dict_get_str(&modules, &intern(top))?.unwrap_or(module));
        }
        self.import_fromlist(&module, &absolute, &names, false)?;
        Ok(module)
    }

    /// `from package import a, b`: import each of `names` that is a submodule not yet loaded
    /// (a name that is neither is left for `ImportFrom` to report).
    fn import_fromlist(&mut self, module: &Value, absolute: &str, names: &[Value], from_all: bool) -> PyResult<()> {
        let is_package = self.get_attr_opt(module, &intern("__path__"))?.is_some();
        for name in names {
            let Some(text) = name.as_str() else {
                let source = if from_all {
                    format!("{absolute}.__all__")
                } else {
                    "``from list''".to_string()
                };
                return Err(self.type_error(format!("Item in {source} must be str, not {}", self.type_name(name))));
            };
            if text == "*" {
                if let Some(all) = self.get_attr_opt(module, &intern("__all__"))? {
                    let all = self.collect(&all)?;
                    self.import_fromlist(module, absolute, &all, true)?;
                }
                continue;
            }
            // Only a package's missing names may be submodules; a plain module is not asked
            // (it may answer through a PEP 562 `__getattr__`, once, when the name is taken).
            let submodule = format!("{absolute}.{text}");
            if !is_package && !is_toy_module(&submodule) {
                continue;
            }
            if self.get_attr_opt(module, &intern(text))?.is_some() {
                continue;
            }
            if let Err(err) = self.import_dotted(&submodule) {
                let missing = format!("No module named '{submodule}'");
                if !(self.err_matches(&err, &types().module_not_found_error) && self.exception_text(&err) == missing) {
                    return Err(err);
                }
            }
        }
        Ok(())
    }

    /// The message of an exception (its first argument), for telling errors apart.
    fn exception_text(&mut self, err: &PyErr) -> String {
        let exc = Value::Obj(err.exc.clone_ref(self.py));
        self.str(&exc).unwrap_or_default()
    }

    /// The absolute name `from .name import …` stands for in the module whose namespace is
    /// `globals`, as CPython works it out from `__package__` (or `__spec__.parent`, or
    /// `__name__` and `__path__`).
    fn resolve_relative(&mut self, name: &str, level: usize, globals: &ObjRef) -> PyResult<String> {
        let no_parent = "attempted relative import with no known parent package";
        let mut package = match self.dict_get_str(globals, &intern("__package__"))? {
            Some(p) if !p.is_none() => match p.as_str() {
                Some(p) => Some(p.to_string()),
                None => return Err(self.type_error("package must be a string")),
            },
            _ => None,
        };
        if package.is_none()
            && let Some(spec) = self.dict_get_str(globals, &intern("__spec__"))?
            && !spec.is_none()
        {
            let parent = self.get_attr(&spec, &intern("parent"))?;
            package = parent.as_str().map(str::to_string);
        }
        if package.is_none()
            && let Some(module_name) = self.dict_get_str(globals, &intern("__name__"))?
            && let Some(module_name) = module_name.as_str()
        {
            let is_package = self.dict_get_str(globals, &intern("__path__"))?.is_some();
            package = Some(if is_package {
                module_name.to_string()
            } else {
                module_name
                    .rsplit_once('.')
                    .map_or("", |(parent, _)| parent)
                    .to_string()
            });
        }
        let package = match package {
            Some(p) if !p.is_empty() => p,
            _ => return Err(self.new_error(&types().import_error, no_parent)),
        };
        let mut base = package.as_str();
        for _ in 1..level {
            match base.rsplit_once('.') {
                Some((parent, _)) => base = parent,
                None => {
                    return Err(self.new_error(
                        &types().import_error,
                        "attempted relative import beyond top-level package",
                    ));
                }
            }
        }
        Ok(if name.is_empty() {
            base.to_string()
        } else {
            format!("{base}.{name}")
        })
    }

    /// Import every prefix of a dotted name (parents first) and return the last module.
    pub fn import_dotted(&mut self, name: &str) -> PyResult<Value> {
        let mut module = Value::None;
        let mut end = 0;
        for part in name.split('.') {
            end += part.len();
            module = self.import_one(&name[..end])?;
            end += 1;
        }
        Ok(module)
    }

    /// `warnings.warn(message, category)` from native code, which has no frame of its own: the
    /// warning names the Python line that called it.
    pub fn warn(&mut self, category: &ObjRef, message: &str) -> PyResult<()> {
        let warnings = self.import_dotted("warnings")?;
        let text = self.new_str(message);
        let category = Value::Obj(category.clone_ref(self.py));
        self.call_method(&warnings, "warn", &[text, category, Value::Int(1)])?;
        Ok(())
    }

    /// Import one module whose parent package (if any) is already imported. While another
    /// thread imports the same module, wait for it to finish (`import_lock`).
    fn import_one(&mut self, name: &str) -> PyResult<Value> {
        let modules = self.modules.clone_ref(self.py);
        let key = intern(name);
        let mut waited = false;
        loop {
            if let Some(m) = self.dict_get_str(&modules, &key)? {
                if m.is_none() {
                    return Err(self.new_error(
                        &types().module_not_found_error,
                        format!("import of {name} halted; None in sys.modules"),
                    ));
                }
                if waited || !import_lock::busy_elsewhere(name) {
                    return Ok(m);
                }
            }
            match import_lock::claim(self.py, name) {
                import_lock::Claim::Mine => break,
                // Finished elsewhere (or waiting would deadlock): whatever it left, if anything.
                import_lock::Claim::Done => waited = true,
            }
            if self.dict_get_str(&modules, &key)?.is_none() {
                // The other import failed and took the module out: try it here.
                continue;
            }
        }
        if let Some(m) = self.dict_get_str(&modules, &key)? {
            // It was imported meanwhile by the thread this one waited for.
            import_lock::release(name);
            return Ok(m);
        }
        let imported = self.import_unlocked(name, &modules);
        import_lock::release(name);
        imported
    }

    fn import_unlocked(&mut self, name: &str, modules: &ObjRef) -> PyResult<Value> {
        let module = match name.rsplit_once('.') {
            None => self.import_located(name)?,
            Some((parent, child)) => {
                let module = self.import_located(name)?;
                // `import os.path` also makes `path` an attribute of `os`.
                if let Some(parent) = self.dict_get_str(modules, &intern(parent))? {
                    self.set_attr(&parent, &intern(child), module.clone_ref(self.py))?;
                }
                module
            }
        };
        Ok(module)
    }

    /// Where the import system finds `name`, whose parent package (if any) is imported.
    fn locate(&mut self, name: &str) -> PyResult<Option<Located>> {
        let (search, leaf) = match name.rsplit_once('.') {
            None => {
                if CPYTHON_BUILTIN_MODULES.contains(&name) && is_toy_module(name) {
                    return Ok(Some(Located::Toy));
                }
                (self.sys_path()?, name)
            }
            Some((parent, child)) => {
                let modules = self.modules.clone_ref(self.py);
                let parent_module = self.dict_get_str(&modules, &intern(parent))?.unwrap_or(Value::None);
                let search = match self.get_attr_opt(&parent_module, &intern("__path__"))? {
                    Some(path) => self
                        .collect(&path)?
                        .iter()
                        .filter_map(|p| p.as_str().map(str::to_string))
                        .collect(),
                    None => Vec::new(),
                };
                (search, child)
            }
        };
        if let Some(found) = find_on(&search, leaf) {
            return Ok(Some(Located::Path(found)));
        }
        Ok(is_toy_module(name).then_some(Located::Toy))
    }

    /// Import `name` from wherever `locate` finds it.
    fn import_located(&mut self, name: &str) -> PyResult<Value> {
        match self.locate(name)? {
            Some(Located::Path(found)) => return self.load_found(name, found),
            Some(Located::Toy) => {
                if let Some(module) = self.import_toy_module(name)? {
                    return Ok(module);
                }
            }
            None => {}
        }
        let mut msg = format!("No module named '{name}'");
        if let Some((parent, _)) = name.rsplit_once('.') {
            let modules = self.modules.clone_ref(self.py);
            if let Some(parent_module) = self.dict_get_str(&modules, &intern(parent))?
                && self.get_attr_opt(&parent_module, &intern("__path__"))?.is_none()
            {
                msg = format!("{msg}; '{parent}' is not a package");
            }
        }
        Err(self.import_error(&types().module_not_found_error, msg, name, Value::None))
    }

    /// An ImportError (or subclass) with its `name` and `path` set, as the import system's are.
    fn import_error(&mut self, class: &ObjRef, msg: String, name: &str, path: Value) -> PyErr {
        let err = self.new_error(class, msg);
        let exc = Value::Obj(err.exc.clone_ref(self.py));
        let name = self.new_str(name);
        // A fresh exception's dict takes any attribute.
        let _ = self.set_attr(&exc, &intern("name"), name);
        let _ = self.set_attr(&exc, &intern("path"), path);
        err
    }

    /// What `toy -m NAME` runs as `__main__`: the module's code, file and package (a package
    /// runs its `__main__` submodule), and its spec. Parent packages are imported first.
    pub fn find_main_module(&mut self, name: &str) -> PyResult<MainModule> {
        if name.starts_with('.') {
            return Err(self.new_error(&types().import_error, "Relative module names not supported".to_string()));
        }
        let parent = name.rsplit_once('.').map_or("", |(parent, _)| parent);
        if !parent.is_empty() {
            self.import_dotted(parent)?;
        }
        let not_found = |vm: &mut Self| {
            vm.import_error(
                &types().module_not_found_error,
                format!("No module named {name}"),
                name,
                Value::None,
            )
        };
        match self.locate(name)? {
            Some(Located::Path(Found::Module(file))) => {
                let filename = display(&file);
                let source = std::fs::read(&file)
                    .map_err(|e| self.new_error(&types().import_error, format!("cannot read {filename}: {e}")))?;
                let code =
                    crate::compile_source(&source, &filename).map_err(|report| self.syntax_error(&report.details))?;
                let spec = self.module_spec(name, Some(&file), None)?;
                Ok(MainModule {
                    code,
                    file: Some(filename),
                    package: parent.to_string(),
                    spec,
                })
            }
            Some(Located::Path(_)) => {
                // A package runs as its `__main__` submodule, once the package is imported.
                self.import_dotted(name)?;
                let main = format!("{name}.__main__");
                match self.locate(&main)? {
                    Some(_) => self.find_main_module(&main),
                    None => Err(self.import_error(
                        &types().import_error,
                        format!("No module named {main}; '{name}' is a package and cannot be directly executed"),
                        &main,
                        Value::None,
                    )),
                }
            }
            Some(Located::Toy) if crate::modules::is_embedded_package(name) => {
                let main = format!("{name}.__main__");
                if crate::modules::embedded_source(&main).is_some() {
                    return self.find_main_module(&main);
                }
                Err(self.import_error(
                    &types().import_error,
                    format!("No module named {main}; '{name}' is a package and cannot be directly executed"),
                    &main,
                    Value::None,
                ))
            }
            Some(Located::Toy) => match crate::modules::embedded_source(name) {
                Some(source) => {
                    let code = crate::compile_source(source.as_bytes(), &format!("<frozen {name}>"))
                        .map_err(|report| self.syntax_error(&report.details))?;
                    let spec = self.find_spec(name)?;
                    Ok(MainModule {
                        code,
                        file: None,
                        package: parent.to_string(),
                        spec,
                    })
                }
                None => Err(self.new_error(&types().import_error, format!("No code object available for {name}"))),
            },
            None => Err(not_found(self)),
        }
    }

    /// `importlib.util.find_spec` for a module not imported yet: its spec, or `None`.
    pub fn find_spec(&mut self, name: &str) -> PyResult<Value> {
        match self.locate(name)? {
            Some(Located::Path(found)) => {
                let (origin, locations) = found.origin_and_locations();
                let locations = locations.map(|dirs| self.path_list(&dirs));
                self.module_spec(name, origin.as_deref(), locations)
            }
            Some(Located::Toy) => {
                let bootstrap = self.import_dotted("importlib._bootstrap")?;
                let make = self.get_attr(&bootstrap, &intern("_spec_for_toy_module"))?;
                let native = Value::Bool(crate::modules::is_native_module(name));
                let name = self.new_str(name);
                self.call(&make, &[name, native], &[])
            }
            None => Ok(Value::None),
        }
    }

    /// A list of folder names (a package's `__path__`).
    fn path_list(&mut self, dirs: &[PathBuf]) -> Value {
        let dirs = dirs.iter().map(|d| self.new_str(display(d))).collect();
        self.new_list(dirs)
    }

    /// One of toy's own modules: Python source compiled into the binary, or native.
    fn import_toy_module(&mut self, name: &str) -> PyResult<Option<Value>> {
        if let Some(source) = crate::modules::embedded_source(name) {
            return self
                .import_source(name, &format!("<frozen {name}>"), source.as_bytes())
                .map(Some);
        }
        match crate::modules::create_builtin_module(self, name) {
            Some(m) => {
                let module = m?;
                let modules = self.modules.clone_ref(self.py);
                self.dict_set_str(&modules, &intern(name), module.clone_ref(self.py))?;
                Ok(Some(module))
            }
            None => Ok(None),
        }
    }

    /// `sys.path` as it is now (a program may have changed it).
    fn sys_path(&mut self) -> PyResult<Vec<String>> {
        let sys = self.import_one("sys")?;
        let path = self.get_attr(&sys, &intern("path"))?;
        Ok(self
            .collect(&path)?
            .iter()
            .filter_map(|p| p.as_str().map(str::to_string))
            .collect())
    }

    /// Create, register and run a module found on a search path; its `__spec__` says where
    /// it came from. Registered before it runs, as CPython does, so circular imports see the
    /// partly initialised module.
    fn load_found(&mut self, name: &str, found: Found) -> PyResult<Value> {
        let py = self.py;
        let parent = name.rsplit_once('.').map_or("", |(parent, _)| parent);
        let (origin, locations) = found.origin_and_locations();
        let module = self.new_module_object(name, origin.as_deref().map(display).as_deref())?;
        let Some(Payload::Module(m)) = module.payload() else {
            return Err(self.runtime_error("module"));
        };
        let globals = m.dict.clone_ref(py);
        let package = self.new_str(if locations.is_some() { name } else { parent });
        self.dict_set_str(&globals, &intern("__package__"), package)?;
        let locations = locations.map(|dirs| self.path_list(&dirs));
        if let Some(dirs) = &locations {
            self.dict_set_str(&globals, &intern("__path__"), dirs.clone_ref(py))?;
        }
        let spec = self.module_spec(name, origin.as_deref(), locations)?;
        let loader = self.get_attr(&spec, &intern("loader"))?;
        self.dict_set_str(&globals, &intern("__loader__"), loader)?;
        if let Some(cached) = self.get_attr_opt(&spec, &intern("cached"))?
            && !cached.is_none()
        {
            self.dict_set_str(&globals, &intern("__cached__"), cached)?;
        }
        self.dict_set_str(&globals, &intern("__spec__"), spec.clone_ref(py))?;
        let modules = self.modules.clone_ref(py);
        self.dict_set_str(&modules, &intern(name), module.clone_ref(py))?;
        let Some(origin) = origin else {
            return Ok(module);
        };
        let initializing = intern("_initializing");
        self.set_attr(&spec, &initializing, Value::Bool(true))?;
        let ran = self.run_file(&origin, globals);
        self.set_attr(&spec, &initializing, Value::Bool(false))?;
        if let Err(err) = ran {
            // Only a module the failed import put there is taken out again.
            if let Some(registered) = self.dict_get_str(&modules, &intern(name))?
                && registered.is(&module)
            {
                self.dict_del_str(&modules, &intern(name))?;
            }
            return Err(err);
        }
        // A module may put something else in `sys.modules` in its place: that is the module.
        Ok(self.dict_get_str(&modules, &intern(name))?.unwrap_or(module))
    }

    /// `importlib.machinery.ModuleSpec` for a module found on a search path.
    fn module_spec(&mut self, name: &str, origin: Option<&Path>, locations: Option<Value>) -> PyResult<Value> {
        let bootstrap = self.import_dotted("importlib._bootstrap")?;
        let make = self.get_attr(&bootstrap, &intern("_spec_for_path"))?;
        let name = self.new_str(name);
        let origin = match origin {
            Some(path) => self.new_str(display(path)),
            None => Value::None,
        };
        self.call(&make, &[name, origin, locations.unwrap_or(Value::None)], &[])
    }

    /// Compile and run the source file at `path` in `globals`.
    fn run_file(&mut self, path: &Path, globals: ObjRef) -> PyResult<()> {
        let source = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                return Err(self.new_error(&types().import_error, format!("cannot read {}: {e}", path.display())));
            }
        };
        let code = match crate::compile_source(&source, &display(path)) {
            Ok(code) => code,
            Err(report) => return Err(self.syntax_error(&report.details)),
        };
        self.run_module_code(code, globals)
    }

    /// Compile and run `source` as module `name`.
    fn import_source(&mut self, name: &str, filename: &str, source: &[u8]) -> PyResult<Value> {
        let code = match crate::compile_source(source, filename) {
            Ok(code) => code,
            Err(report) => return Err(self.syntax_error(&report.details)),
        };
        let module = self.new_module_object(name, Some(filename))?;
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

    /// A fresh module whose namespace can see the builtins; `filename` is its `__file__`.
    pub fn new_module_object(&mut self, name: &str, filename: Option<&str>) -> PyResult<Value> {
        let dict = self.new_dict();
        let Value::Obj(dict_obj) = &dict else {
            return Err(self.runtime_error("dict"));
        };
        let name_value = self.new_str(name);
        self.dict_set_str(dict_obj, &intern("__name__"), name_value)?;
        if let Some(filename) = filename {
            let file_value = self.new_str(filename);
            self.dict_set_str(dict_obj, &intern("__file__"), file_value)?;
        }
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
        let locals = globals.clone_ref(self.py);
        self.run_code_in(code, globals, locals).map(drop)
    }

    /// Run compiled top-level code (a module body, or `exec`'s source) with `globals` and
    /// `locals` (the same dict for a module) as its namespaces; its return value.
    pub fn run_code_in(
        &mut self,
        code: std::sync::Arc<crate::compile::bytecode::CodeObject>,
        globals: ObjRef,
        locals: ObjRef,
    ) -> PyResult<Value> {
        let code = self.load_code(code);
        self.run_loaded_code(&code, globals, locals)
    }

    /// `run_code_in` for a code object already loaded (what `compile()` returns).
    pub fn run_loaded_code(&mut self, code: &ObjRef, globals: ObjRef, locals: ObjRef) -> PyResult<Value> {
        let Some(frame_code) = FrameCode::new(code, &globals) else {
            return Err(self.type_error("module without code"));
        };
        let mut frame = Frame::new(Some(locals), 0, 0);
        match self.run_frame(frame_code, &mut frame, &mut Slots::default())? {
            FrameExit::Return(value) | FrameExit::Yield(value) => Ok(value),
        }
    }

    /// `ImportFrom`: `name` from `module`, or the submodule `module.name` already imported;
    /// CPython's message otherwise.
    pub fn import_from(&mut self, module: &Value, name: &ObjRef) -> PyResult<Value> {
        if let Some(value) = self.get_attr_opt(module, name)? {
            return Ok(value);
        }
        let name = super::eval::str_of(name);
        let module_name = self
            .get_attr_opt(module, &intern("__name__"))?
            .and_then(|n| n.as_str().map(str::to_string));
        let Some(module_name) = module_name else {
            return Err(self.new_error(&types().import_error, format!("cannot import name '{name}'")));
        };
        let modules = self.modules.clone_ref(self.py);
        if let Some(submodule) = self.dict_get_str(&modules, &intern(&format!("{module_name}.{name}")))? {
            return Ok(submodule);
        }
        let file = self
            .get_attr_opt(module, &intern("__file__"))?
            .filter(|file| file.as_str().is_some());
        let location = match &file {
            Some(file) => file.as_str().unwrap_or_default().to_string(),
            None => "unknown location".to_string(),
        };
        let initializing = match self.get_attr_opt(module, &intern("__spec__"))? {
            Some(spec) if !spec.is_none() => self
                .get_attr_opt(&spec, &intern("_initializing"))?
                .is_some_and(|flag| matches!(flag, Value::Bool(true))),
            _ => false,
        };
        let msg = if initializing {
            format!(
                "cannot import name '{name}' from partially initialized module '{module_name}' \
                 (most likely due to a circular import) ({location})"
            )
        } else {
            format!("cannot import name '{name}' from '{module_name}' ({location})")
        };
        Err(self.import_error(&types().import_error, msg, &module_name, file.unwrap_or(Value::None)))
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
