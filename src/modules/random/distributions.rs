//! The continuous distributions of `random` (each drawing through `Source::random`, so a seeded
//! generator gives CPython's values and a subclass's own `random()` is honoured), the
//! generator's state as `getstate`/`setstate` see it, and `SystemRandom`.

use std::f64::consts::{PI, TAU};
use std::sync::OnceLock;

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive};

use super::{Generator, Mt, N, Source, bind};
use crate::objects::methods::constructors::to_float;
use crate::objects::types::{native, new_native_class, types};
use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};

/// The constants `random` exports (the names are CPython's).
pub const BPF: i64 = 53;
pub fn constants() -> [(&'static str, Value); 6] {
    [
        ("BPF", Value::Int(BPF)),
        ("LOG4", Value::Float(log4())),
        ("NV_MAGICCONST", Value::Float(nv_magic())),
        ("RECIP_BPF", Value::Float(2f64.powi(-(BPF as i32)))),
        ("SG_MAGICCONST", Value::Float(sg_magic())),
        ("TWOPI", Value::Float(TAU)),
    ]
}

fn log4() -> f64 {
    4f64.ln()
}

/// `4 * exp(-1/2) / sqrt(2)`: the bound of Kinderman and Monahan's ratio-of-uniforms test.
fn nv_magic() -> f64 {
    4.0 * (-0.5f64).exp() / 2f64.sqrt()
}

fn sg_magic() -> f64 {
    1.0 + 4.5f64.ln()
}

/// The float arguments of a distribution, by name, with their defaults.
fn floats<const K: usize>(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    params: [&str; K],
    defaults: [Option<f64>; K],
) -> PyResult<[f64; K]> {
    let required = defaults.iter().take_while(|d| d.is_none()).count();
    let bound: Vec<Option<Value>> = bind(vm, name, args, kwargs, &params, required, &[])?
        .into_iter()
        .map(|v| v.map(|v| v.clone_ref(vm.py)))
        .collect();
    let mut out = [0.0; K];
    for (i, value) in bound.iter().enumerate() {
        out[i] = match value {
            Some(v) => to_float(vm, v)?,
            None => defaults[i].unwrap_or(0.0),
        };
    }
    Ok(out)
}

/// `expovariate(lambd)`: exponential with rate `lambd`.
pub fn expovariate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let [lambd] = floats(vm, "expovariate", args, kwargs, ["lambd"], [None])?;
    let u = rng.random(vm)?;
    divide(vm, -(1.0 - u).ln(), lambd)
}

fn divide(vm: &Vm, a: f64, b: f64) -> PyResult<Value> {
    if b == 0.0 {
        return Err(vm.new_error(&types().zero_division_error, "float division by zero"));
    }
    Ok(Value::Float(a / b))
}

/// A standard normal deviate by Kinderman and Monahan's ratio of uniforms.
fn standard_normal(rng: &Source, vm: &mut Vm) -> PyResult<f64> {
    loop {
        let u1 = rng.random(vm)?;
        let u2 = 1.0 - rng.random(vm)?;
        let z = nv_magic() * (u1 - 0.5) / u2;
        if z * z / 4.0 <= -u2.ln() {
            return Ok(z);
        }
    }
}

pub fn normalvariate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let [mu, sigma] = floats(
        vm,
        "normalvariate",
        args,
        kwargs,
        ["mu", "sigma"],
        [Some(0.0), Some(1.0)],
    )?;
    Ok(Value::Float(mu + standard_normal(rng, vm)? * sigma))
}

pub fn lognormvariate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let [mu, sigma] = floats(vm, "lognormvariate", args, kwargs, ["mu", "sigma"], [None, None])?;
    let x = mu + standard_normal(rng, vm)? * sigma;
    let y = x.exp();
    if y.is_infinite() {
        return Err(vm.overflow_error("math range error"));
    }
    Ok(Value::Float(y))
}

/// `vonmisesvariate(mu, kappa)`: the circular normal distribution, by Best and Fisher's
/// rejection method; a tiny `kappa` is uniform on the circle.
pub fn vonmisesvariate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let [mu, kappa] = floats(vm, "vonmisesvariate", args, kwargs, ["mu", "kappa"], [None, None])?;
    if kappa <= 1e-6 {
        return Ok(Value::Float(TAU * rng.random(vm)?));
    }
    let s = 0.5 / kappa;
    let r = s + (1.0 + s * s).sqrt();
    let z = loop {
        let z = (PI * rng.random(vm)?).cos();
        let d = z / (r + z);
        let u2 = rng.random(vm)?;
        if u2 < 1.0 - d * d || u2 <= (1.0 - d) * d.exp() {
            break z;
        }
    };
    let q = 1.0 / r;
    let f = (q + z) / (1.0 + q * z);
    let theta = if rng.random(vm)? > 0.5 {
        (mu + f.acos()).rem_euclid(TAU)
    } else {
        (mu - f.acos()).rem_euclid(TAU)
    };
    Ok(Value::Float(theta))
}

/// `gammavariate(alpha, beta)`: Cheng's rejection method for `alpha > 1`, the exponential for
/// `alpha == 1`, and Ahrens and Dieter's GS algorithm (as Kennedy and Gentle give it) below.
pub fn gammavariate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let [alpha, beta] = floats(vm, "gammavariate", args, kwargs, ["alpha", "beta"], [None, None])?;
    Ok(Value::Float(gamma(rng, vm, alpha, beta)?))
}

fn gamma(rng: &Source, vm: &mut Vm, alpha: f64, beta: f64) -> PyResult<f64> {
    if alpha <= 0.0 || beta <= 0.0 {
        return Err(vm.value_error("gammavariate: alpha and beta must be > 0.0"));
    }
    if alpha > 1.0 {
        let ainv = (2.0 * alpha - 1.0).sqrt();
        let (bbb, ccc) = (alpha - log4(), alpha + ainv);
        loop {
            let u1 = rng.random(vm)?;
            if !(1e-7 < u1 && u1 < 0.9999999) {
                continue;
            }
            let u2 = 1.0 - rng.random(vm)?;
            let v = (u1 / (1.0 - u1)).ln() / ainv;
            let x = alpha * v.exp();
            let z = u1 * u1 * u2;
            let r = bbb + ccc * v - x;
            if r + sg_magic() - 4.5 * z >= 0.0 || r >= z.ln() {
                return Ok(x * beta);
            }
        }
    }
    if alpha == 1.0 {
        return Ok(-(1.0 - rng.random(vm)?).ln() * beta);
    }
    let e = std::f64::consts::E;
    loop {
        let u = rng.random(vm)?;
        let b = (e + alpha) / e;
        let p = b * u;
        let x = if p <= 1.0 {
            p.powf(1.0 / alpha)
        } else {
            -((b - p) / alpha).ln()
        };
        let u1 = rng.random(vm)?;
        let accept = if p > 1.0 {
            u1 <= x.powf(alpha - 1.0)
        } else {
            u1 <= (-x).exp()
        };
        if accept {
            return Ok(x * beta);
        }
    }
}

/// `betavariate(alpha, beta)`: from two gamma deviates.
pub fn betavariate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let [alpha, beta] = floats(vm, "betavariate", args, kwargs, ["alpha", "beta"], [None, None])?;
    let y = gamma(rng, vm, alpha, 1.0)?;
    if y == 0.0 {
        return Ok(Value::Float(0.0));
    }
    Ok(Value::Float(y / (y + gamma(rng, vm, beta, 1.0)?)))
}

pub fn paretovariate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let [alpha] = floats(vm, "paretovariate", args, kwargs, ["alpha"], [None])?;
    let u = 1.0 - rng.random(vm)?;
    Ok(Value::Float(u.powf(-1.0 / alpha)))
}

pub fn weibullvariate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let [alpha, beta] = floats(vm, "weibullvariate", args, kwargs, ["alpha", "beta"], [None, None])?;
    let u = 1.0 - rng.random(vm)?;
    Ok(Value::Float(alpha * (-u.ln()).powf(1.0 / beta)))
}

/// `triangular(low=0.0, high=1.0, mode=None)`; a degenerate range gives `low` back as it was.
pub fn triangular(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bound: Vec<Option<Value>> = bind(vm, "triangular", args, kwargs, &["low", "high", "mode"], 0, &[])?
        .into_iter()
        .map(|v| v.map(|v| v.clone_ref(vm.py)))
        .collect();
    let low_value = bound[0].as_ref().map_or(Value::Float(0.0), |v| v.clone_ref(vm.py));
    let mut low = to_float(vm, &low_value)?;
    let mut high = match &bound[1] {
        Some(v) => to_float(vm, v)?,
        None => 1.0,
    };
    let mode = match bound[2].as_ref().filter(|m| !m.is_none()) {
        Some(v) => Some(to_float(vm, v)?),
        None => None,
    };
    let mut u = rng.random(vm)?;
    let mut c = match mode {
        None => 0.5,
        Some(_) if high == low => return Ok(low_value),
        Some(mode) => (mode - low) / (high - low),
    };
    if u > c {
        u = 1.0 - u;
        c = 1.0 - c;
        std::mem::swap(&mut low, &mut high);
    }
    Ok(Value::Float(low + (high - low) * (u * c).sqrt()))
}

// ----- state ----------------------------------------------------------------------------------

/// The version number of the state tuples `getstate` makes (`Random.VERSION`).
pub const STATE_VERSION: i64 = 3;

/// `getstate()`: `(3, (624 words..., index), gauss_next)`.
pub fn getstate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bind(vm, "getstate", args, kwargs, &[], 0, &[])?;
    let (words, index, gauss_next) = rng.generator().with(|mt| (mt.state, mt.index.min(N), mt.gauss_next));
    let mut items: Vec<Value> = words.iter().map(|&w| Value::Int(i64::from(w))).collect();
    items.push(Value::Int(index as i64));
    let internal = vm.new_tuple(items);
    let gauss_next = gauss_next.map_or(Value::None, Value::Float);
    Ok(vm.new_tuple(vec![Value::Int(STATE_VERSION), internal, gauss_next]))
}

/// `setstate(state)`: back to a state `getstate` returned (version 2 tuples are accepted too).
pub fn setstate(rng: &Source, vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let state = bind(vm, "setstate", args, kwargs, &["state"], 1, &[])?[0]
        .map(|v| v.clone_ref(vm.py))
        .unwrap_or(Value::None);
    let version = vm.get_item(&state, &Value::Int(0))?;
    let version_number = crate::vm::ops::as_small_int(&version);
    if version_number != Some(2) && version_number != Some(3) {
        let shown = vm.str(&version)?;
        return Err(vm.value_error(format!(
            "state with version {shown} passed to Random.setstate() of version {STATE_VERSION}"
        )));
    }
    let parts = vm.collect(&state)?;
    if parts.len() != 3 {
        let message = if parts.len() < 3 {
            format!("not enough values to unpack (expected 3, got {})", parts.len())
        } else {
            "too many values to unpack (expected 3)".to_string()
        };
        return Err(vm.value_error(message));
    }
    let Some(Payload::Tuple(internal)) = parts[1].payload() else {
        return Err(vm.type_error("state vector must be a tuple"));
    };
    if internal.len() != N + 1 {
        return Err(vm.value_error("state vector is the wrong size"));
    }
    let mut words = [0u32; N];
    for (word, item) in words.iter_mut().zip(internal.iter()) {
        *word = state_word(vm, item)?;
    }
    let index = match as_bigint(&internal[N]).and_then(|i| i.to_usize()) {
        Some(i) if i <= N => i,
        _ => return Err(vm.value_error("invalid state")),
    };
    let gauss_next = match &parts[2] {
        Value::None => None,
        other => Some(to_float(vm, other)?),
    };
    rng.generator().with(|mt| {
        mt.state = words;
        mt.index = index;
        mt.gauss_next = gauss_next;
    });
    Ok(Value::None)
}

/// One word of the state: an int, reduced to 32 bits as C's unsigned conversion does.
fn state_word(vm: &Vm, item: &Value) -> PyResult<u32> {
    let Some(n) = as_bigint(item) else {
        return Err(vm.type_error("an integer is required"));
    };
    if n.is_negative() {
        return Err(vm.overflow_error("can't convert negative value to unsigned int"));
    }
    let (_, digits) = n.to_u32_digits();
    Ok(digits.first().copied().unwrap_or(0))
}

// ----- SystemRandom -----------------------------------------------------------------------------

static SYSTEM_RANDOM: OnceLock<ObjRef> = OnceLock::new();

/// `random.SystemRandom`: a `Random` whose `random()` and `getrandbits()` read the operating
/// system's entropy (every other method draws through them), and which has no state.
pub fn system_random_class() -> &'static ObjRef {
    SYSTEM_RANDOM.get_or_init(|| {
        let methods: [(&'static str, NativeFn); 6] = [
            ("random", system_random),
            ("getrandbits", system_getrandbits),
            ("randbytes", system_randbytes),
            ("seed", system_seed),
            ("getstate", no_state),
            ("setstate", no_state),
        ];
        let entries = methods
            .into_iter()
            .map(|(name, function)| (name, Value::Obj(native(name, function, true))))
            .collect();
        let shape = crate::objects::InstanceShape {
            dict: true,
            weakref: true,
            members: false,
        };
        new_native_class("random", "SystemRandom", &[&types().random], shape, false, entries)
    })
}

fn entropy(vm: &Vm, n: usize) -> PyResult<Vec<u8>> {
    super::super::os::random_bytes(n).map_err(|e| vm.new_error(&types().os_error, e.to_string()))
}

/// 53 random bits from 7 bytes of entropy, scaled into [0, 1).
fn system_random(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bind(vm, "random", args.get(1..).unwrap_or(&[]), kwargs, &[], 0, &[])?;
    let mut bytes = [0u8; 8];
    bytes[1..].copy_from_slice(&entropy(vm, 7)?);
    let bits = u64::from_be_bytes(bytes) >> 3;
    Ok(Value::Float(bits as f64 * 2f64.powi(-(BPF as i32))))
}

fn system_getrandbits(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bound = bind(vm, "getrandbits", args.get(1..).unwrap_or(&[]), kwargs, &["k"], 1, &[])?;
    let k = bound[0].map(|v| v.clone_ref(vm.py)).unwrap_or(Value::None);
    let Some(k) = as_bigint(&k) else {
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&k)
        )));
    };
    if k.is_negative() {
        return Err(vm.value_error("number of bits must be non-negative"));
    }
    let Some(k) = k.to_usize().filter(|k| *k <= i32::MAX as usize) else {
        return Err(vm.overflow_error("Python int too large to convert to C int"));
    };
    let bytes = entropy(vm, k.div_ceil(8))?;
    let n = BigInt::from_bytes_be(Sign::Plus, &bytes) >> (bytes.len() * 8 - k);
    Ok(vm.new_int(n))
}

fn system_randbytes(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bound = bind(vm, "randbytes", args.get(1..).unwrap_or(&[]), kwargs, &["n"], 1, &[])?;
    let n = bound[0].map(|v| v.clone_ref(vm.py)).unwrap_or(Value::None);
    let Some(n) = crate::vm::ops::as_small_int(&n) else {
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&n)
        )));
    };
    let Ok(n) = usize::try_from(n) else {
        return Err(vm.value_error("negative argument not allowed"));
    };
    let bytes = entropy(vm, n)?;
    Ok(vm.new_bytes(bytes))
}

/// Seeding the system's entropy means nothing; CPython accepts and ignores it.
fn system_seed(_vm: &mut Vm, _args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Ok(Value::None)
}

fn no_state(vm: &mut Vm, _args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Err(vm.new_error(
        &types().not_implemented_error,
        "System entropy source does not have state.",
    ))
}

/// A fresh generator, unseeded until `__init__` (or the first draw) seeds it.
pub fn unseeded() -> Generator {
    Generator(parking_lot::Mutex::new(None::<Mt>))
}
