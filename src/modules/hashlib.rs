//! `hashlib`: message digests (RustCrypto's implementations), hashing with the GIL released.
//!
//! As in CPython, an `update` with at least [`GIL_RELEASE_MIN`] bytes runs detached, so
//! threads hashing large buffers run in parallel even with the GIL on — the classic example of
//! native work that threads speed up. The input is an immutable `bytes` object the caller
//! keeps alive, so it can be read without the GIL; the hash state sits behind its own mutex,
//! which a detached `update` holds while it works.

use parking_lot::Mutex;
use sha2::Digest;

use crate::gil::BlockKind;
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::{PyResult, Vm};

use super::new_module;
use crate::vm::args::{check_arity, kwarg, no_kwargs};

/// CPython's `HASHLIB_GIL_MINSIZE`: smaller inputs are hashed faster than the GIL changes hands.
const GIL_RELEASE_MIN: usize = 2048;

/// One running digest of any supported algorithm.
#[derive(Clone)]
enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
    Sha3_224(sha3::Sha3_224),
    Sha3_256(sha3::Sha3_256),
    Sha3_384(sha3::Sha3_384),
    Sha3_512(sha3::Sha3_512),
    Blake2b(blake2::Blake2b512),
    Blake2s(blake2::Blake2s256),
}

/// Apply `$body` to whichever digest `$hasher` holds, bound as `$d`.
macro_rules! with_digest {
    ($hasher:expr, $d:ident => $body:expr) => {
        match $hasher {
            Hasher::Md5($d) => $body,
            Hasher::Sha1($d) => $body,
            Hasher::Sha224($d) => $body,
            Hasher::Sha256($d) => $body,
            Hasher::Sha384($d) => $body,
            Hasher::Sha512($d) => $body,
            Hasher::Sha3_224($d) => $body,
            Hasher::Sha3_256($d) => $body,
            Hasher::Sha3_384($d) => $body,
            Hasher::Sha3_512($d) => $body,
            Hasher::Blake2b($d) => $body,
            Hasher::Blake2s($d) => $body,
        }
    };
}

/// An algorithm's name (as in CPython's `algorithms_guaranteed`), block size in bytes, and
/// a fresh state.
type Algorithm = (&'static str, usize, fn() -> Hasher);

const ALGORITHMS: &[Algorithm] = &[
    ("md5", 64, || Hasher::Md5(Default::default())),
    ("sha1", 64, || Hasher::Sha1(Default::default())),
    ("sha224", 64, || Hasher::Sha224(Default::default())),
    ("sha256", 64, || Hasher::Sha256(Default::default())),
    ("sha384", 128, || Hasher::Sha384(Default::default())),
    ("sha512", 128, || Hasher::Sha512(Default::default())),
    ("sha3_224", 144, || Hasher::Sha3_224(Default::default())),
    ("sha3_256", 136, || Hasher::Sha3_256(Default::default())),
    ("sha3_384", 104, || Hasher::Sha3_384(Default::default())),
    ("sha3_512", 72, || Hasher::Sha3_512(Default::default())),
    ("blake2b", 128, || Hasher::Blake2b(Default::default())),
    ("blake2s", 64, || Hasher::Blake2s(Default::default())),
];

impl Hasher {
    fn update(&mut self, data: &[u8]) {
        with_digest!(self, d => d.update(data))
    }

    fn digest(&self) -> Vec<u8> {
        with_digest!(self, d => d.clone().finalize().to_vec())
    }

    fn digest_size(&self) -> usize {
        with_digest!(self, d => {
            fn size<D: Digest>(_: &D) -> usize {
                <D as Digest>::output_size()
            }
            size(d)
        })
    }
}

/// A hash object (`hashlib.sha256()`), shared between threads like any object.
pub struct HashState {
    pub name: &'static str,
    pub block_size: usize,
    hasher: Mutex<Hasher>,
}

impl HashState {
    pub fn digest_size(&self) -> usize {
        self.hasher.lock().digest_size()
    }
}

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let mut names = || -> PyResult<Value> {
        let names: Vec<Value> = ALGORITHMS.iter().map(|(name, ..)| vm.new_str(*name)).collect();
        vm.new_set(names)
    };
    let (guaranteed, available) = (names()?, names()?);
    new_module(
        vm,
        "hashlib",
        &[
            ("new", new),
            ("md5", md5),
            ("sha1", sha1),
            ("sha224", sha224),
            ("sha256", sha256),
            ("sha384", sha384),
            ("sha512", sha512),
            ("sha3_224", sha3_224),
            ("sha3_256", sha3_256),
            ("sha3_384", sha3_384),
            ("sha3_512", sha3_512),
            ("blake2b", blake2b),
            ("blake2s", blake2s),
            ("pbkdf2_hmac", pbkdf2_hmac),
        ],
        vec![
            ("algorithms_guaranteed", guaranteed),
            ("algorithms_available", available),
        ],
    )
}

/// `hashlib.new(name, data=b'', **kwargs)`.
fn new(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "new", args, 0, 2)?;
    for (key, _) in kwargs {
        match crate::vm::eval::str_of(key) {
            "name" | "usedforsecurity" => {}
            "data" if args.len() == 2 => {
                return Err(vm.type_error("__hash_new() got multiple values for argument 'data'"));
            }
            "data" => {}
            // CPython passes `data` on by position, so `string=` always collides with it.
            "string" => return Err(vm.type_error("argument for new() given by name ('string') and position (2)")),
            other => {
                return Err(vm.type_error(format!("__hash_new() got an unexpected keyword argument '{other}'")));
            }
        }
    }
    let Some(name) = args.first().or_else(|| kwarg(kwargs, "name")) else {
        return Err(vm.type_error("__hash_new() missing 1 required positional argument: 'name'"));
    };
    let Some(name) = name.as_str().map(str::to_string) else {
        return Err(vm.type_error(format!("new() argument 'name' must be str, not {}", vm.type_name(name))));
    };
    // CPython also accepts the names in upper case ("SHA256").
    let wanted = name.to_ascii_lowercase();
    let Some(index) = ALGORITHMS.iter().position(|(n, ..)| *n == wanted) else {
        return Err(vm.value_error(format!("unsupported hash type {name}")));
    };
    let data = args.get(1).or_else(|| kwarg(kwargs, "data"));
    construct(vm, index, data)
}

macro_rules! constructors {
    ($($function:ident = $index:literal),* $(,)?) => {
        $(
            fn $function(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
                let data = constructor_data(vm, ALGORITHMS[$index].0, args, kwargs)?;
                construct(vm, $index, data)
            }
        )*
    };
}

constructors!(
    md5 = 0,
    sha1 = 1,
    sha224 = 2,
    sha256 = 3,
    sha384 = 4,
    sha512 = 5,
    sha3_224 = 6,
    sha3_256 = 7,
    sha3_384 = 8,
    sha3_512 = 9,
    blake2b = 10,
    blake2s = 11,
);

/// The data argument of a named constructor, with CPython 3.11's rules: the BLAKE2
/// constructors take it by position only; the others (OpenSSL's) also as `string=`.
fn constructor_data<'a>(
    vm: &Vm,
    name: &str,
    args: &'a [Value],
    kwargs: &'a [(ObjRef, Value)],
) -> PyResult<Option<&'a Value>> {
    let blake2 = name.starts_with("blake2");
    let function = if blake2 {
        name.to_string()
    } else {
        format!("openssl_{name}")
    };
    check_arity(vm, &function, args, 0, 1)?;
    for (key, _) in kwargs {
        match crate::vm::eval::str_of(key) {
            "usedforsecurity" => {}
            "string" if !blake2 && !args.is_empty() => {
                return Err(vm.type_error(format!(
                    "argument for {function}() given by name ('string') and position (1)"
                )));
            }
            "string" if !blake2 => {}
            other => {
                return Err(vm.type_error(format!("'{other}' is an invalid keyword argument for {function}()")));
            }
        }
    }
    Ok(args.first().or_else(|| kwarg(kwargs, "string")))
}

fn construct(vm: &mut Vm, index: usize, data: Option<&Value>) -> PyResult<Value> {
    let (name, block_size, make) = ALGORITHMS[index];
    let state = HashState {
        name,
        block_size,
        hasher: Mutex::new(make()),
    };
    if let Some(data) = data {
        feed(vm, &state, data)?;
    }
    Ok(vm.alloc(Payload::Hash(Box::new(state))))
}

/// Hash `data` into `state`: detached when it is large, or when another thread is hashing
/// into the same object right now (waiting for it must not hold the GIL).
fn feed(vm: &mut Vm, state: &HashState, data: &Value) -> PyResult<()> {
    let bytes = match (crate::objects::methods::bytes::bytes_like(vm, data)?, data.payload()) {
        (Some(b), _) => b,
        (None, Some(Payload::Str(_))) => return Err(vm.type_error("Strings must be encoded before hashing")),
        (None, _) => return Err(vm.type_error("object supporting the buffer API required")),
    };
    let bytes: &[u8] = &bytes;
    if bytes.len() < GIL_RELEASE_MIN
        && let Some(mut hasher) = state.hasher.try_lock()
    {
        hasher.update(bytes);
        return Ok(());
    }
    vm.py
        .allow_threads(BlockKind::Hashing, || state.hasher.lock().update(bytes));
    Ok(())
}

fn hash_of<'a>(vm: &Vm, v: &'a Value) -> PyResult<&'a HashState> {
    match v.payload() {
        Some(Payload::Hash(state)) => Ok(state),
        _ => Err(vm.type_error("descriptor requires a '_hashlib.HASH' object")),
    }
}

pub fn update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "update", kwargs)?;
    check_arity(vm, "update", args, 2, 2)?;
    let state = hash_of(vm, &args[0])?;
    feed(vm, state, &args[1])?;
    Ok(Value::None)
}

/// The digest so far; the state goes on accepting data.
fn current_digest(vm: &mut Vm, v: &Value) -> PyResult<Vec<u8>> {
    let state = hash_of(vm, v)?;
    if let Some(hasher) = state.hasher.try_lock() {
        return Ok(hasher.digest());
    }
    Ok(vm.py.allow_threads(BlockKind::Hashing, || state.hasher.lock().digest()))
}

pub fn digest(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "digest", kwargs)?;
    check_arity(vm, "digest", args, 1, 1)?;
    let bytes = current_digest(vm, &args[0])?;
    Ok(vm.new_bytes(bytes))
}

pub fn hexdigest(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "hexdigest", kwargs)?;
    check_arity(vm, "hexdigest", args, 1, 1)?;
    let bytes = current_digest(vm, &args[0])?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(vm.new_str(hex))
}

pub fn copy(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "copy", kwargs)?;
    check_arity(vm, "copy", args, 1, 1)?;
    let state = hash_of(vm, &args[0])?;
    let hasher = match state.hasher.try_lock() {
        Some(hasher) => hasher.clone(),
        None => vm.py.allow_threads(BlockKind::Hashing, || state.hasher.lock().clone()),
    };
    let copied = HashState {
        name: state.name,
        block_size: state.block_size,
        hasher: Mutex::new(hasher),
    };
    Ok(vm.alloc(Payload::Hash(Box::new(copied))))
}

/// `pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None)`: PBKDF2 (RFC 8018) with
/// HMAC over the named digest. It is slow on purpose, so it runs with the GIL released.
fn pbkdf2_hmac(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    use crate::objects::methods::bytes::bytes_like;
    let params = ["hash_name", "password", "salt", "iterations", "dklen"];
    let bound = crate::objects::methods::shared::bind_args(vm, "pbkdf2_hmac", args, kwargs, &params, 4)?;
    let [name, password, salt, iterations] = [0, 1, 2, 3].map(|i| bound[i].map_or(Value::None, |v| v.clone_ref(vm.py)));
    let dklen = bound[4].map_or(Value::None, |v| v.clone_ref(vm.py));
    let Some(name) = name.as_str().map(str::to_string) else {
        return Err(vm.type_error(format!(
            "pbkdf2_hmac() argument 'hash_name' must be str, not {}",
            vm.type_name(&name)
        )));
    };
    let buffer = |vm: &mut Vm, v: &Value| -> PyResult<Vec<u8>> {
        match bytes_like(vm, v)? {
            Some(b) => Ok(b.into_owned()),
            None => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(v)))),
        }
    };
    let (password, salt) = (buffer(vm, &password)?, buffer(vm, &salt)?);
    let as_int = |vm: &mut Vm, v: &Value| -> PyResult<num_bigint::BigInt> {
        match crate::vm::ops::as_bigint(v) {
            Some(n) => Ok(n.into_owned()),
            None => Err(vm.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(v)
            ))),
        }
    };
    let rounds = as_int(vm, &iterations)?;
    if rounds < num_bigint::BigInt::from(1) {
        return Err(vm.value_error("iteration value must be greater than 0."));
    }
    let Some(rounds) = num_traits::ToPrimitive::to_u32(&rounds) else {
        return Err(vm.overflow_error("iteration value is too great."));
    };
    let Some(algorithm) = ALGORITHMS.iter().find(|(n, ..)| *n == name) else {
        return Err(vm.value_error(format!("unsupported hash type {name}")));
    };
    let length = if dklen.is_none() {
        algorithm.2().digest_size()
    } else {
        let n = as_int(vm, &dklen)?;
        if n < num_bigint::BigInt::from(1) {
            return Err(vm.value_error("key length must be greater than 0."));
        }
        match num_traits::ToPrimitive::to_usize(&n).filter(|&n| n <= i32::MAX as usize) {
            Some(n) => n,
            None => return Err(vm.overflow_error("key length is too great.")),
        }
    };
    let mut key = vec![0u8; length];
    vm.py.allow_threads(BlockKind::Hashing, || {
        use pbkdf2::pbkdf2_hmac as derive;
        // SHA-3 and BLAKE2 lack what the eager HMAC (precomputed pads) needs; the simple one takes any digest.
        fn simple<D: sha2::Digest + sha2::digest::block_api::BlockSizeUser + Clone>(
            password: &[u8],
            salt: &[u8],
            rounds: u32,
            key: &mut [u8],
        ) {
            // A simple HMAC takes keys of any length, so this cannot fail.
            let _ = pbkdf2::pbkdf2::<hmac::SimpleHmac<D>>(password, salt, rounds, key);
        }
        match name.as_str() {
            "md5" => derive::<md5::Md5>(&password, &salt, rounds, &mut key),
            "sha1" => derive::<sha1::Sha1>(&password, &salt, rounds, &mut key),
            "sha224" => derive::<sha2::Sha224>(&password, &salt, rounds, &mut key),
            "sha256" => derive::<sha2::Sha256>(&password, &salt, rounds, &mut key),
            "sha384" => derive::<sha2::Sha384>(&password, &salt, rounds, &mut key),
            "sha512" => derive::<sha2::Sha512>(&password, &salt, rounds, &mut key),
            "sha3_224" => simple::<sha3::Sha3_224>(&password, &salt, rounds, &mut key),
            "sha3_256" => simple::<sha3::Sha3_256>(&password, &salt, rounds, &mut key),
            "sha3_384" => simple::<sha3::Sha3_384>(&password, &salt, rounds, &mut key),
            "sha3_512" => simple::<sha3::Sha3_512>(&password, &salt, rounds, &mut key),
            "blake2b" => simple::<blake2::Blake2b512>(&password, &salt, rounds, &mut key),
            _ => simple::<blake2::Blake2s256>(&password, &salt, rounds, &mut key),
        }
    });
    Ok(vm.new_bytes(key))
}
