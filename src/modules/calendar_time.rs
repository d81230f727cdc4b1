//! The calendar half of the `time` module: `struct_time`, `gmtime`, `localtime`, `mktime`,
//! `strftime`, `asctime`, `ctime`, `tzset` and the `timezone` / `altzone` / `daylight` / `tzname`
//! attributes.
//!
//! Like CPython, the conversions call the C library (`localtime_r`, `gmtime_r`, `mktime`,
//! `strftime`), so local time is what the C library makes of the `TZ` environment variable and
//! `strftime` formats exactly as CPython's does.

use std::ffi::{CStr, CString};

use crate::objects::types::clone_immortal;
use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::structseq::StructSeq;

use crate::vm::args::{check_arity, no_kwargs};

// POSIX `tzset`, which the `libc` crate does not declare for every target.
// SAFETY: this is the C library's `void tzset(void)`: no arguments, no result, so the
// declaration cannot mismatch; callers still wrap each call in their own `unsafe`.
unsafe extern "C" {
    #[link_name = "tzset"]
    fn tzset_c();
}

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("gmtime", gmtime),
    ("localtime", localtime),
    ("mktime", mktime),
    ("strftime", strftime),
    ("asctime", asctime),
    ("ctime", ctime),
    ("tzset", tzset),
];

/// The nine fields that make up the tuple (`tm_zone` and `tm_gmtoff` are attributes only).
const FIELDS_IN_TUPLE: [&str; 9] = [
    "tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst",
];

/// `time.struct_time`: the nine tuple fields; `tm_zone` and `tm_gmtoff` are attributes only.
static STRUCT_TIME: StructSeq = StructSeq::new("time", "struct_time", &FIELDS_IN_TUPLE);

/// The module's attributes besides its functions.
pub fn attributes(vm: &mut Vm) -> Vec<(&'static str, Value)> {
    // SAFETY: `tzset` only (re)reads `TZ` into the C library's own state.
    unsafe { tzset_c() };
    let zone = Zone::now();
    let names = vec![vm.new_str(zone.names.0), vm.new_str(zone.names.1)];
    vec![
        ("struct_time", Value::Obj(clone_immortal(STRUCT_TIME.class(vm)))),
        ("timezone", Value::Int(zone.timezone)),
        ("altzone", Value::Int(zone.altzone)),
        ("daylight", Value::Int(i64::from(zone.daylight))),
        ("tzname", vm.new_tuple(names)),
    ]
}

/// What CPython derives on glibc from the offsets of January and July of this year.
struct Zone {
    timezone: i64,
    altzone: i64,
    daylight: bool,
    names: (String, String),
}

impl Zone {
    fn now() -> Zone {
        const YEAR: i64 = (365 * 24 + 6) * 3600;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let january = (now / YEAR) * YEAR;
        let at = |t: i64| {
            local_tm(t)
                .map(|tm| (-tm.tm_gmtoff, zone_name(&tm)))
                .unwrap_or_default()
        };
        let (jan_zone, jan_name) = at(january);
        let (jul_zone, jul_name) = at(january + YEAR / 2);
        let daylight = jan_zone != jul_zone;
        if jan_zone < jul_zone {
            // Southern hemisphere: daylight saving time is in January.
            Zone {
                timezone: jul_zone,
                altzone: jan_zone,
                daylight,
                names: (jul_name, jan_name),
            }
        } else {
            Zone {
                timezone: jan_zone,
                altzone: jul_zone,
                daylight,
                names: (jan_name, jul_name),
            }
        }
    }
}

fn zone_name(tm: &libc::tm) -> String {
    if tm.tm_zone.is_null() {
        return String::new();
    }
    // SAFETY: a non-null `tm_zone` set by the C library points to a NUL-terminated name that
    // lives as long as the time zone data.
    unsafe { CStr::from_ptr(tm.tm_zone) }.to_string_lossy().into_owned()
}

fn empty_tm() -> libc::tm {
    // SAFETY: `tm` is plain data (ints and a nullable pointer); all zeroes is a valid value.
    unsafe { std::mem::zeroed() }
}

fn local_tm(t: i64) -> Option<libc::tm> {
    let t = libc::time_t::try_from(t).ok()?;
    let mut tm = empty_tm();
    // SAFETY: both pointers are to live locals; `localtime_r` writes only `tm`.
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    ok.then_some(tm)
}

fn utc_tm(t: i64) -> Option<libc::tm> {
    let t = libc::time_t::try_from(t).ok()?;
    let mut tm = empty_tm();
    // SAFETY: both pointers are to live locals; `gmtime_r` writes only `tm`.
    let ok = unsafe { !libc::gmtime_r(&t, &mut tm).is_null() };
    ok.then_some(tm)
}

/// The `secs` argument: now when absent or `None`, else a number rounded towards minus infinity.
fn seconds_arg(vm: &mut Vm, name: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<i64> {
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, args, 0, 1)?;
    let secs = match args.first() {
        None | Some(Value::None) => {
            return Ok(std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64));
        }
        Some(v) => v,
    };
    if let Some(i) = as_small_int(secs) {
        return Ok(i);
    }
    let f = match secs.builtin_self() {
        Value::Float(f) => *f,
        _ if crate::vm::ops::as_bigint(secs).is_some() => f64::INFINITY,
        _ => {
            return Err(vm.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(secs)
            )));
        }
    };
    if f.is_nan() {
        return Err(vm.value_error("Invalid value NaN (not a number)"));
    }
    let floor = f.floor();
    if !(-9.2e18..9.2e18).contains(&floor) {
        return Err(vm.overflow_error("timestamp out of range for platform time_t"));
    }
    Ok(floor as i64)
}

fn out_of_range(vm: &Vm) -> crate::vm::PyErr {
    vm.overflow_error("timestamp out of range for platform time_t")
}

/// A `struct_time` from a C `tm`.
fn new_struct_time(vm: &mut Vm, tm: &libc::tm) -> Value {
    let fields = [
        i64::from(tm.tm_year) + 1900,
        i64::from(tm.tm_mon) + 1,
        i64::from(tm.tm_mday),
        i64::from(tm.tm_hour),
        i64::from(tm.tm_min),
        i64::from(tm.tm_sec),
        // C counts weekdays from Sunday, Python from Monday.
        (i64::from(tm.tm_wday) + 6) % 7,
        i64::from(tm.tm_yday) + 1,
        i64::from(tm.tm_isdst),
    ];
    let instance = STRUCT_TIME.make(vm, fields.iter().map(|&f| Value::Int(f)).collect());
    let zone = vm.new_str(zone_name(tm));
    let names = [
        crate::objects::types::intern("tm_zone"),
        crate::objects::types::intern("tm_gmtoff"),
    ];
    let values = [zone, Value::Int(tm.tm_gmtoff)];
    for (name, value) in names.iter().zip(values) {
        // Setting an attribute of a fresh instance of this class cannot fail.
        let _ = vm.set_attr(&instance, name, value);
    }
    instance
}

fn gmtime(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let secs = seconds_arg(vm, "gmtime", args, kwargs)?;
    let tm = utc_tm(secs).ok_or_else(|| out_of_range(vm))?;
    Ok(new_struct_time(vm, &tm))
}

fn localtime(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let secs = seconds_arg(vm, "localtime", args, kwargs)?;
    let tm = local_tm(secs).ok_or_else(|| out_of_range(vm))?;
    Ok(new_struct_time(vm, &tm))
}

fn ctime(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let secs = seconds_arg(vm, "ctime", args, kwargs)?;
    let tm = local_tm(secs).ok_or_else(|| out_of_range(vm))?;
    Ok(vm.new_str(asctime_text(&tm)))
}

/// CPython's own `asctime` format (not the C library's, which appends a newline).
fn asctime_text(tm: &libc::tm) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let day = DAYS.get(tm.tm_wday as usize).copied().unwrap_or("???");
    let month = MONTHS.get(tm.tm_mon as usize).copied().unwrap_or("???");
    format!(
        "{day} {month}{:3} {:02}:{:02}:{:02} {}",
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        i64::from(tm.tm_year) + 1900
    )
}

/// The time tuple argument (`struct_time` or a 9-tuple) as a C `tm`, or local time now.
fn tm_arg(vm: &mut Vm, name: &str, arg: Option<&Value>) -> PyResult<libc::tm> {
    let Some(arg) = arg else {
        let now = seconds_arg(vm, name, &[], &[])?;
        return local_tm(now).ok_or_else(|| out_of_range(vm));
    };
    let Some(Payload::Tuple(items)) = arg.builtin_self().payload() else {
        return Err(vm.type_error("Tuple or struct_time argument required"));
    };
    if items.len() != 9 {
        return Err(vm.type_error(format!("{name}(): illegal time tuple argument")));
    }
    let mut fields = [0i64; 9];
    for (field, item) in fields.iter_mut().zip(items.iter()) {
        *field = match as_small_int(item) {
            Some(i) => i,
            None => {
                return Err(vm.type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    vm.type_name(item)
                )));
            }
        };
    }
    let int = |v: i64| i32::try_from(v).map_err(|_| vm.overflow_error("Python int too large to convert to C int"));
    let mut tm = empty_tm();
    tm.tm_year = int(fields[0] - 1900)?;
    tm.tm_mon = int(fields[1] - 1)?;
    tm.tm_mday = int(fields[2])?;
    tm.tm_hour = int(fields[3])?;
    tm.tm_min = int(fields[4])?;
    tm.tm_sec = int(fields[5])?;
    tm.tm_wday = int((fields[6] + 1) % 7)?;
    tm.tm_yday = int(fields[7] - 1)?;
    tm.tm_isdst = int(fields[8])?;
    if fields[6] < 0 {
        return Err(vm.value_error("day of week out of range"));
    }
    Ok(tm)
}

/// CPython's `checktm`, after turning the zeroes it accepts into the lowest valid values.
fn check_tm(vm: &Vm, tm: &mut libc::tm) -> PyResult<()> {
    if tm.tm_mon == -1 {
        tm.tm_mon = 0;
    }
    if tm.tm_mday == 0 {
        tm.tm_mday = 1;
    }
    if tm.tm_yday == -1 {
        tm.tm_yday = 0;
    }
    let checks: [(bool, &str); 6] = [
        (!(0..=11).contains(&tm.tm_mon), "month out of range"),
        (!(1..=31).contains(&tm.tm_mday), "day of month out of range"),
        (!(0..=23).contains(&tm.tm_hour), "hour out of range"),
        (!(0..=59).contains(&tm.tm_min), "minute out of range"),
        (!(0..=61).contains(&tm.tm_sec), "seconds out of range"),
        (!(0..=365).contains(&tm.tm_yday), "day of year out of range"),
    ];
    match checks.iter().find(|(bad, _)| *bad) {
        Some((_, msg)) => Err(vm.value_error(*msg)),
        None => {
            tm.tm_isdst = tm.tm_isdst.clamp(-1, 1);
            Ok(())
        }
    }
}

/// `strftime(format[, t])`.
fn strftime(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "strftime", kwargs)?;
    check_arity(vm, "strftime", args, 1, 2)?;
    let Some(format) = args[0].as_str() else {
        return Err(vm.type_error(format!(
            "strftime() argument 1 must be str, not {}",
            vm.type_name(&args[0])
        )));
    };
    let mut tm = tm_arg(vm, "strftime", args.get(1))?;
    check_tm(vm, &mut tm)?;
    // A struct_time's zone name and offset are what `%Z` and `%z` print.
    let zone = match args.get(1) {
        Some(t) => struct_time_zone(vm, t, &mut tm)?,
        None => None,
    };
    let Ok(c_format) = CString::new(format) else {
        return Err(vm.value_error("embedded null character"));
    };
    if format.is_empty() {
        return Ok(vm.new_str(""));
    }
    // As CPython: grow the buffer until the result fits; an empty result from a large buffer
    // really is empty.
    let mut size = 1024usize;
    loop {
        let mut buffer = vec![0u8; size];
        // SAFETY: `buffer` has `size` writable bytes; `c_format` is NUL-terminated; `tm` is a
        // valid `tm` whose `tm_zone` (if set) points into `zone`, alive until after the call.
        let written = unsafe { libc::strftime(buffer.as_mut_ptr().cast(), size, c_format.as_ptr(), &tm) };
        if written > 0 || size >= 256 * format.len() {
            buffer.truncate(written);
            drop(zone);
            return Ok(vm.new_str(String::from_utf8_lossy(&buffer).into_owned()));
        }
        size *= 2;
    }
}

/// For a `struct_time` argument: set `tm_zone` and `tm_gmtoff` from its attributes. Returns the
/// zone name's C string, which must outlive the use of `tm`.
fn struct_time_zone(vm: &mut Vm, t: &Value, tm: &mut libc::tm) -> PyResult<Option<CString>> {
    let Some(Payload::Instance(inst)) = t.payload() else {
        return Ok(None);
    };
    if !inst.class.is(STRUCT_TIME.class(vm)) {
        return Ok(None);
    }
    let zone = vm.get_attr_opt(t, &crate::objects::types::intern("tm_zone"))?;
    let offset = vm.get_attr_opt(t, &crate::objects::types::intern("tm_gmtoff"))?;
    if let Some(offset) = offset.as_ref().and_then(as_small_int) {
        tm.tm_gmtoff = offset;
    }
    let zone = zone.as_ref().and_then(Value::as_str).and_then(|z| CString::new(z).ok());
    if let Some(z) = &zone {
        tm.tm_zone = z.as_ptr();
    }
    Ok(zone)
}

fn asctime(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "asctime", kwargs)?;
    check_arity(vm, "asctime", args, 0, 1)?;
    let mut tm = tm_arg(vm, "asctime", args.first())?;
    check_tm(vm, &mut tm)?;
    Ok(vm.new_str(asctime_text(&tm)))
}

/// `mktime(t)`: local time to seconds since the epoch.
fn mktime(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "mktime", kwargs)?;
    check_arity(vm, "mktime", args, 1, 1)?;
    let mut tm = tm_arg(vm, "mktime", args.first())?;
    // CPython's error check: `mktime` leaves this sentinel when it fails.
    tm.tm_wday = -1;
    // SAFETY: `tm` is a valid local `tm`; `mktime` normalizes it in place.
    let t = unsafe { libc::mktime(&mut tm) };
    if t == -1 && tm.tm_wday == -1 {
        return Err(vm.overflow_error("mktime argument out of range"));
    }
    Ok(Value::Float(t as f64))
}

fn tzset(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "tzset", kwargs)?;
    check_arity(vm, "tzset", args, 0, 0)?;
    // SAFETY: `tzset` only rereads `TZ` into the C library's own state.
    unsafe { tzset_c() };
    Ok(Value::None)
}
