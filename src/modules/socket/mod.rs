//! `_socket` and `_select`: the native halves of `socket`, `select` and `selectors`. They work
//! on plain descriptors; the Python modules (`py/socket.py`, `py/select.py`) keep each socket's
//! state (descriptor, family, timeout) in its object, so under `-X gil=0` that state is read
//! and written under the object's lock like any attribute.
//!
//! Every call that can wait runs detached (`BlockKind::Network`). A wait is a `poll` for
//! readiness followed by the call itself without blocking (`MSG_DONTWAIT`, or a descriptor that
//! is non-blocking whenever the socket has a timeout, as in CPython). On the main thread the
//! poll runs in slices so a signal handler runs meanwhile; the call then resumes with what is
//! left of its timeout (PEP 475) unless the handler raised.

pub mod select;
pub mod sys;

use std::ffi::CString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::time::{Duration, Instant};

use crate::gil::BlockKind;
use crate::gil::signals;
use crate::objects::methods::bytes::bytes_like;
use crate::objects::types::{intern, types};
use crate::objects::{NativeFn, ObjRef, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::{PyErr, PyResult, Vm};

use super::new_module;
use super::os::errno_error;
use sys::Address;

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("socket", socket),
    ("socketpair", socketpair),
    ("bind", bind),
    ("listen", listen),
    ("accept", accept),
    ("connect", connect),
    ("recv", recv),
    ("recvfrom", recvfrom),
    ("send", send),
    ("sendall", sendall),
    ("sendto", sendto),
    ("shutdown", shutdown),
    ("setsockopt", setsockopt),
    ("getsockopt", getsockopt),
    ("getsockname", getsockname),
    ("getpeername", getpeername),
    ("getaddrinfo", getaddrinfo),
    ("gethostname", gethostname),
    ("inet_pton", inet_pton),
    ("inet_ntop", inet_ntop),
];

/// The constants `socket` exports, under their C names.
const CONSTANTS: &[(&str, i32)] = &[
    ("AF_UNSPEC", libc::AF_UNSPEC),
    ("AF_INET", libc::AF_INET),
    ("AF_INET6", libc::AF_INET6),
    ("AF_UNIX", libc::AF_UNIX),
    ("SOCK_STREAM", libc::SOCK_STREAM),
    ("SOCK_DGRAM", libc::SOCK_DGRAM),
    ("SOCK_RAW", libc::SOCK_RAW),
    ("SOCK_SEQPACKET", libc::SOCK_SEQPACKET),
    ("SOCK_NONBLOCK", libc::SOCK_NONBLOCK),
    ("SOCK_CLOEXEC", libc::SOCK_CLOEXEC),
    ("SOL_SOCKET", libc::SOL_SOCKET),
    ("SO_REUSEADDR", libc::SO_REUSEADDR),
    ("SO_REUSEPORT", libc::SO_REUSEPORT),
    ("SO_KEEPALIVE", libc::SO_KEEPALIVE),
    ("SO_BROADCAST", libc::SO_BROADCAST),
    ("SO_LINGER", libc::SO_LINGER),
    ("SO_RCVBUF", libc::SO_RCVBUF),
    ("SO_SNDBUF", libc::SO_SNDBUF),
    ("SO_ERROR", libc::SO_ERROR),
    ("SO_TYPE", libc::SO_TYPE),
    ("SO_ACCEPTCONN", libc::SO_ACCEPTCONN),
    ("IPPROTO_IP", libc::IPPROTO_IP),
    ("IPPROTO_TCP", libc::IPPROTO_TCP),
    ("IPPROTO_UDP", libc::IPPROTO_UDP),
    ("IPPROTO_IPV6", libc::IPPROTO_IPV6),
    ("IPV6_V6ONLY", libc::IPV6_V6ONLY),
    ("TCP_NODELAY", libc::TCP_NODELAY),
    ("MSG_PEEK", libc::MSG_PEEK),
    ("MSG_WAITALL", libc::MSG_WAITALL),
    ("MSG_DONTWAIT", libc::MSG_DONTWAIT),
    ("MSG_OOB", libc::MSG_OOB),
    ("SHUT_RD", libc::SHUT_RD),
    ("SHUT_WR", libc::SHUT_WR),
    ("SHUT_RDWR", libc::SHUT_RDWR),
    ("AI_PASSIVE", libc::AI_PASSIVE),
    ("AI_CANONNAME", libc::AI_CANONNAME),
    ("AI_NUMERICHOST", libc::AI_NUMERICHOST),
    ("AI_NUMERICSERV", libc::AI_NUMERICSERV),
    ("AI_ADDRCONFIG", libc::AI_ADDRCONFIG),
    ("AI_V4MAPPED", libc::AI_V4MAPPED),
    ("AI_ALL", libc::AI_ALL),
    ("EAI_NONAME", libc::EAI_NONAME),
    ("EAI_AGAIN", libc::EAI_AGAIN),
    ("EAI_FAIL", libc::EAI_FAIL),
    ("EAI_FAMILY", libc::EAI_FAMILY),
    ("EAI_SERVICE", libc::EAI_SERVICE),
    ("EAI_SOCKTYPE", libc::EAI_SOCKTYPE),
    ("SOMAXCONN", libc::SOMAXCONN),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let values = CONSTANTS
        .iter()
        .map(|&(name, value)| (name, Value::Int(i64::from(value))))
        .collect();
    let module = new_module(vm, "_socket", FUNCTIONS, values)?;
    let os_error = types().os_error.clone_ref(vm.py);
    for name in ["gaierror", "herror"] {
        super::add_exception_class(vm, &module, "socket", name, &os_error)?;
    }
    Ok(module)
}

// ----- arguments ------------------------------------------------------------------------------

fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    as_small_int(v).ok_or_else(|| {
        vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))
    })
}

fn i32_arg(vm: &mut Vm, v: &Value) -> PyResult<i32> {
    let n = int_arg(vm, v)?;
    i32::try_from(n).map_err(|_| vm.overflow_error("signed integer is greater than maximum"))
}

fn size_arg(vm: &mut Vm, v: &Value, func: &str) -> PyResult<usize> {
    let n = int_arg(vm, v)?;
    usize::try_from(n).map_err(|_| vm.value_error(format!("negative buffersize in {func}")))
}

/// A timeout: None (block), or seconds (0: do not wait at all).
fn timeout_arg(vm: &mut Vm, v: &Value) -> PyResult<Option<Duration>> {
    if v.is_none() {
        return Ok(None);
    }
    let secs = crate::objects::methods::constructors::to_float(vm, v)?;
    if secs.is_nan() {
        return Err(vm.value_error("Invalid value NaN (not a number)"));
    }
    Ok(Some(Duration::from_secs_f64(secs.clamp(0.0, 1e9))))
}

fn data_arg(vm: &Vm, v: &Value) -> PyResult<Vec<u8>> {
    match bytes_like(vm, v)? {
        Some(b) => Ok(b.into_owned()),
        None => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(v)))),
    }
}

/// A host name or numeric address, resolved (detached) when it is not numeric.
fn host_ip(vm: &mut Vm, host: &str, family: i32) -> PyResult<IpAddr> {
    match host {
        "" if family == libc::AF_INET6 => return Ok(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        "" => return Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        "<broadcast>" => return Ok(IpAddr::V4(Ipv4Addr::BROADCAST)),
        _ => {}
    }
    let numeric = if family == libc::AF_INET6 {
        host.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
    } else {
        host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
    };
    if let Some(ip) = numeric {
        return Ok(ip);
    }
    let answers = resolve(vm, Some(host), None, (family, 0, 0, 0))?;
    answers
        .into_iter()
        .find_map(|(.., address)| match address {
            Some(Address::Inet(a)) => Some(IpAddr::V4(*a.ip())),
            Some(Address::Inet6(a)) => Some(IpAddr::V6(*a.ip())),
            _ => None,
        })
        .ok_or_else(|| gai_error(vm, libc::EAI_NONAME, "Name or service not known"))
}

/// A Python address for `family`: `(host, port)` for IPv4, `(host, port[, flowinfo[,
/// scope_id]])` for IPv6, a path (str or bytes) for AF_UNIX.
fn address_arg(vm: &mut Vm, family: i32, v: &Value, func: &str) -> PyResult<Address> {
    if family == libc::AF_UNIX {
        if let Some(path) = v.as_str() {
            return Ok(Address::Unix(path.as_bytes().to_vec()));
        }
        return match bytes_like(vm, v)? {
            Some(b) => Ok(Address::Unix(b.into_owned())),
            None => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(v)))),
        };
    }
    let (family_name, arity) = if family == libc::AF_INET6 {
        ("AF_INET6", 2..=4)
    } else {
        ("AF_INET", 2..=2)
    };
    let items = match v.payload() {
        Some(crate::objects::Payload::Tuple(items)) => items.iter().map(|i| i.clone_ref(vm.py)).collect::<Vec<_>>(),
        _ => {
            return Err(vm.type_error(format!(
                "{func}(): {family_name} address must be tuple, not {}",
                vm.type_name(v)
            )));
        }
    };
    if !arity.contains(&items.len()) {
        let shape = if family == libc::AF_INET6 {
            "a tuple (host, port[, flowinfo[, scopeid]])"
        } else {
            "a pair (host, port)"
        };
        return Err(vm.type_error(format!("{family_name} address must be {shape}")));
    }
    let Some(host) = items[0].as_str().map(str::to_string) else {
        return Err(vm.type_error(format!(
            "str, bytes or bytearray expected, not {}",
            vm.type_name(&items[0])
        )));
    };
    let port = int_arg(vm, &items[1])?;
    let Ok(port) = u16::try_from(port) else {
        return Err(vm.overflow_error(format!("{func}(): port must be 0-65535.")));
    };
    let flowinfo = match items.get(2) {
        Some(v) => u32::try_from(int_arg(vm, v)?)
            .map_err(|_| vm.overflow_error(format!("{func}(): flowinfo must be 0-1048575.")))?,
        None => 0,
    };
    let scope = match items.get(3) {
        Some(v) => u32::try_from(int_arg(vm, v)?).map_err(|_| vm.overflow_error("scope_id out of range"))?,
        None => 0,
    };
    Ok(match host_ip(vm, &host, family)? {
        IpAddr::V4(ip) => Address::Inet(SocketAddrV4::new(ip, port)),
        IpAddr::V6(ip) => Address::Inet6(SocketAddrV6::new(ip, port, flowinfo, scope)),
    })
}

fn address_value(vm: &mut Vm, address: Option<Address>) -> Value {
    match address {
        None => Value::None,
        Some(Address::Inet(a)) => {
            let host = vm.new_str(a.ip().to_string());
            vm.new_tuple(vec![host, Value::Int(i64::from(a.port()))])
        }
        Some(Address::Inet6(a)) => {
            let host = vm.new_str(a.ip().to_string());
            vm.new_tuple(vec![
                host,
                Value::Int(i64::from(a.port())),
                Value::Int(i64::from(a.flowinfo())),
                Value::Int(i64::from(a.scope_id())),
            ])
        }
        // An abstract name is bytes; a path is text, as CPython returns them.
        Some(Address::Unix(path)) if path.first() == Some(&0) => vm.new_bytes(path),
        Some(Address::Unix(path)) => vm.new_str(String::from_utf8_lossy(&path).into_owned()),
    }
}

// ----- waiting --------------------------------------------------------------------------------

fn fail(vm: &mut Vm, errno: sys::Errno) -> PyErr {
    errno_error(vm, errno, None)
}

fn timed_out(vm: &Vm) -> PyErr {
    vm.new_error(&types().timeout_error, "timed out")
}

/// `socket.gaierror(code, message)`.
fn gai_error(vm: &mut Vm, code: i32, message: &str) -> PyErr {
    let class = super::pickle::import_module(vm, "_socket").and_then(|m| vm.get_attr(&m, &intern("gaierror")));
    match class {
        Ok(Value::Obj(class)) => {
            let message = vm.new_str(message);
            match crate::vm::os_error::alloc(vm, &class, &[Value::Int(i64::from(code)), message]) {
                Value::Obj(exc) => PyErr { exc },
                _ => vm.runtime_error("gaierror"),
            }
        }
        Ok(_) => vm.runtime_error("gaierror"),
        Err(e) => e,
    }
}

/// Wait (detached) until `fd` is ready for `events`, until `deadline` (TimeoutError after it).
/// On the main thread a signal's handler runs meanwhile, and the wait goes on unless it raised.
pub fn wait_ready(vm: &mut Vm, fd: i32, events: libc::c_short, deadline: Option<Instant>) -> PyResult<()> {
    if fd < 0 {
        // poll(2) skips negative descriptors: it would wait for ever on a closed socket.
        return Err(fail(vm, libc::EBADF));
    }
    loop {
        let (done, failed) = vm.py.allow_threads(BlockKind::Network, move || {
            let mut failed = None;
            let done = signals::interruptible_poll(deadline, |slice| {
                let mut entry = [libc::pollfd { fd, events, revents: 0 }];
                match sys::poll(&mut entry, slice) {
                    Ok(ready) => ready > 0,
                    Err(e) => {
                        failed = Some(e);
                        true
                    }
                }
            });
            (done, failed)
        });
        match (done, failed) {
            (_, Some(errno)) => return Err(fail(vm, errno)),
            (Some(true), None) => return Ok(()),
            (Some(false), None) => return Err(timed_out(vm)),
            (None, None) => vm.check_point()?,
        }
    }
}

/// Run `call` on `fd` once it is ready for `events`, as a socket with `timeout` does: no
/// waiting at all when the timeout is 0 (EAGAIN is then a `BlockingIOError`), a bounded wait
/// when it is positive, an unbounded one when it is None. EINTR retries after the signal's
/// handler has run.
fn when_ready<T: Send>(
    vm: &mut Vm,
    fd: i32,
    events: libc::c_short,
    timeout: Option<Duration>,
    call: &(dyn Fn() -> Result<T, sys::Errno> + Sync),
) -> PyResult<T> {
    let deadline = timeout.map(|t| Instant::now() + t);
    let waits = timeout != Some(Duration::ZERO);
    loop {
        if waits {
            wait_ready(vm, fd, events, deadline)?;
        }
        match vm.py.allow_threads(BlockKind::Network, call) {
            Ok(value) => return Ok(value),
            Err(libc::EINTR) => vm.check_point()?,
            // Another thread took the data (or the room) first: wait again.
            Err(libc::EAGAIN) if waits => {}
            Err(errno) => return Err(fail(vm, errno)),
        }
    }
}

// ----- the functions ----------------------------------------------------------------------------

fn fixed<'a>(
    vm: &mut Vm,
    name: &str,
    args: &'a [Value],
    kwargs: &[(ObjRef, Value)],
    n: usize,
) -> PyResult<&'a [Value]> {
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, args, n, n)?;
    Ok(args)
}

/// `socket(family, type, proto)`: a new descriptor.
fn socket(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "socket", args, kwargs, 3)?;
    let (family, kind, proto) = (i32_arg(vm, &args[0])?, i32_arg(vm, &args[1])?, i32_arg(vm, &args[2])?);
    let fd = sys::socket(family, kind, proto).map_err(|e| fail(vm, e))?;
    Ok(Value::Int(i64::from(fd)))
}

fn socketpair(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "socketpair", args, kwargs, 3)?;
    let (family, kind, proto) = (i32_arg(vm, &args[0])?, i32_arg(vm, &args[1])?, i32_arg(vm, &args[2])?);
    let (a, b) = sys::socketpair(family, kind, proto).map_err(|e| fail(vm, e))?;
    Ok(vm.new_tuple(vec![Value::Int(i64::from(a)), Value::Int(i64::from(b))]))
}

/// `bind(fd, family, address)`.
fn bind(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "bind", args, kwargs, 3)?;
    let (fd, family) = (i32_arg(vm, &args[0])?, i32_arg(vm, &args[1])?);
    let address = address_arg(vm, family, &args[2], "bind")?;
    vm.py
        .allow_threads(BlockKind::Network, || sys::bind(fd, &address))
        .map_err(|e| fail(vm, e))?;
    Ok(Value::None)
}

fn listen(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "listen", args, kwargs, 2)?;
    let (fd, backlog) = (i32_arg(vm, &args[0])?, i32_arg(vm, &args[1])?);
    sys::listen(fd, backlog.max(0)).map_err(|e| fail(vm, e))?;
    Ok(Value::None)
}

/// `accept(fd, timeout)`: `(new_fd, address)`.
fn accept(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "accept", args, kwargs, 2)?;
    let fd = i32_arg(vm, &args[0])?;
    let timeout = timeout_arg(vm, &args[1])?;
    let (new_fd, address) = when_ready(vm, fd, libc::POLLIN, timeout, &|| sys::accept(fd))?;
    let address = address_value(vm, address);
    Ok(vm.new_tuple(vec![Value::Int(i64::from(new_fd)), address]))
}

/// `connect(fd, family, address, timeout)`; a non-blocking socket's connection in progress is
/// a `BlockingIOError`, a timed one is waited for (until the timeout) and its outcome raised.
fn connect(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "connect", args, kwargs, 4)?;
    let (fd, family) = (i32_arg(vm, &args[0])?, i32_arg(vm, &args[1])?);
    let address = address_arg(vm, family, &args[2], "connect")?;
    let timeout = timeout_arg(vm, &args[3])?;
    let deadline = timeout.map(|t| Instant::now() + t);
    let started = vm.py.allow_threads(BlockKind::Network, || sys::connect(fd, &address));
    match started {
        Ok(()) => return Ok(Value::None),
        Err(libc::EINPROGRESS) if timeout != Some(Duration::ZERO) => {}
        // Interrupted: the connection goes on in the background; run the handler, then wait.
        Err(libc::EINTR) => vm.check_point()?,
        Err(errno) => return Err(fail(vm, errno)),
    }
    wait_ready(vm, fd, libc::POLLOUT, deadline)?;
    match sys::pending_error(fd) {
        Ok(0) => Ok(Value::None),
        Ok(errno) | Err(errno) => Err(fail(vm, errno)),
    }
}

/// `recv(fd, size, flags, timeout)`.
fn recv(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "recv", args, kwargs, 4)?;
    let fd = i32_arg(vm, &args[0])?;
    let size = size_arg(vm, &args[1], "recv")?.min(1 << 30);
    let flags = i32_arg(vm, &args[2])? | libc::MSG_DONTWAIT;
    let timeout = timeout_arg(vm, &args[3])?;
    let data = when_ready(vm, fd, libc::POLLIN, timeout, &|| sys::recv(fd, size, flags))?;
    Ok(vm.new_bytes(data))
}

/// `recvfrom(fd, size, flags, timeout)`: `(data, address)`.
fn recvfrom(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "recvfrom", args, kwargs, 4)?;
    let fd = i32_arg(vm, &args[0])?;
    let size = size_arg(vm, &args[1], "recvfrom")?.min(1 << 30);
    let flags = i32_arg(vm, &args[2])? | libc::MSG_DONTWAIT;
    let timeout = timeout_arg(vm, &args[3])?;
    let (data, address) = when_ready(vm, fd, libc::POLLIN, timeout, &|| sys::recvfrom(fd, size, flags))?;
    let data = vm.new_bytes(data);
    let address = address_value(vm, address);
    Ok(vm.new_tuple(vec![data, address]))
}

/// `send(fd, data, flags, timeout)`: how many bytes went.
fn send(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "send", args, kwargs, 4)?;
    let fd = i32_arg(vm, &args[0])?;
    let data = data_arg(vm, &args[1])?;
    let flags = i32_arg(vm, &args[2])? | libc::MSG_DONTWAIT;
    let timeout = timeout_arg(vm, &args[3])?;
    let sent = when_ready(vm, fd, libc::POLLOUT, timeout, &|| sys::send(fd, &data, flags))?;
    Ok(Value::Int(sent as i64))
}

/// `sendall(fd, data, flags, timeout)`: everything, the timeout counting for the whole.
fn sendall(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "sendall", args, kwargs, 4)?;
    let fd = i32_arg(vm, &args[0])?;
    let data = data_arg(vm, &args[1])?;
    let flags = i32_arg(vm, &args[2])? | libc::MSG_DONTWAIT;
    let timeout = timeout_arg(vm, &args[3])?;
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut sent = 0;
    while sent < data.len() {
        let left = match (timeout, deadline) {
            (Some(t), _) if t.is_zero() => Some(Duration::ZERO),
            (_, Some(d)) => Some(d.saturating_duration_since(Instant::now()).max(Duration::from_nanos(1))),
            _ => None,
        };
        let rest = &data[sent..];
        sent += when_ready(vm, fd, libc::POLLOUT, left, &|| sys::send(fd, rest, flags))?;
    }
    Ok(Value::None)
}

/// `sendto(fd, data, flags, family, address, timeout)`.
fn sendto(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "sendto", args, kwargs, 6)?;
    let fd = i32_arg(vm, &args[0])?;
    let data = data_arg(vm, &args[1])?;
    let flags = i32_arg(vm, &args[2])? | libc::MSG_DONTWAIT;
    let family = i32_arg(vm, &args[3])?;
    let address = address_arg(vm, family, &args[4], "sendto")?;
    let timeout = timeout_arg(vm, &args[5])?;
    let sent = when_ready(vm, fd, libc::POLLOUT, timeout, &|| {
        sys::sendto(fd, &data, flags, &address)
    })?;
    Ok(Value::Int(sent as i64))
}

fn shutdown(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "shutdown", args, kwargs, 2)?;
    let (fd, how) = (i32_arg(vm, &args[0])?, i32_arg(vm, &args[1])?);
    sys::shutdown(fd, how).map_err(|e| fail(vm, e))?;
    Ok(Value::None)
}

/// `setsockopt(fd, level, option, value)`: an int value is passed as a C int, bytes as they are.
fn setsockopt(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "setsockopt", args, kwargs, 4)?;
    let (fd, level, option) = (i32_arg(vm, &args[0])?, i32_arg(vm, &args[1])?, i32_arg(vm, &args[2])?);
    let value = match as_small_int(&args[3]) {
        Some(n) => i32::try_from(n)
            .map_err(|_| vm.overflow_error("signed integer is greater than maximum"))?
            .to_ne_bytes()
            .to_vec(),
        None => data_arg(vm, &args[3])?,
    };
    sys::setsockopt(fd, level, option, &value).map_err(|e| fail(vm, e))?;
    Ok(Value::None)
}

/// `getsockopt(fd, level, option, buflen)`: an int when `buflen` is 0, else up to that many bytes.
fn getsockopt(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "getsockopt", args, kwargs, 4)?;
    let (fd, level, option) = (i32_arg(vm, &args[0])?, i32_arg(vm, &args[1])?, i32_arg(vm, &args[2])?);
    let buflen = int_arg(vm, &args[3])?;
    if buflen == 0 {
        let bytes = sys::getsockopt(fd, level, option, 4).map_err(|e| fail(vm, e))?;
        let mut word = [0u8; 4];
        for (slot, byte) in word.iter_mut().zip(&bytes) {
            *slot = *byte;
        }
        return Ok(Value::Int(i64::from(i32::from_ne_bytes(word))));
    }
    let Ok(size @ 1..=1024) = usize::try_from(buflen) else {
        return Err(fail(vm, libc::EINVAL));
    };
    let bytes = sys::getsockopt(fd, level, option, size).map_err(|e| fail(vm, e))?;
    Ok(vm.new_bytes(bytes))
}

fn getsockname(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "getsockname", args, kwargs, 1)?;
    let fd = i32_arg(vm, &args[0])?;
    let address = sys::getsockname(fd).map_err(|e| fail(vm, e))?;
    Ok(address_value(vm, address))
}

fn getpeername(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "getpeername", args, kwargs, 1)?;
    let fd = i32_arg(vm, &args[0])?;
    let address = sys::getpeername(fd).map_err(|e| fail(vm, e))?;
    Ok(address_value(vm, address))
}

/// The resolver, detached; its failures are `socket.gaierror`s.
fn resolve(
    vm: &mut Vm,
    host: Option<&str>,
    service: Option<&str>,
    hints: (i32, i32, i32, i32),
) -> PyResult<Vec<sys::AddrInfo>> {
    let to_c = |vm: &Vm, s: Option<&str>| -> PyResult<Option<CString>> {
        s.map(|s| CString::new(s).map_err(|_| vm.value_error("embedded null character")))
            .transpose()
    };
    let host = to_c(vm, host)?;
    let service = to_c(vm, service)?;
    let answer = vm.py.allow_threads(BlockKind::Network, || {
        sys::getaddrinfo(host.as_deref(), service.as_deref(), hints)
    });
    answer.map_err(|(code, message)| gai_error(vm, code, &message))
}

/// `getaddrinfo(host, port, family, type, proto, flags)`: a list of `(family, type, proto,
/// canonname, sockaddr)`; host and port may be None.
fn getaddrinfo(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "getaddrinfo", args, kwargs, 6)?;
    let host = match &args[0] {
        Value::None => None,
        v => match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => match bytes_like(vm, v)? {
                Some(b) => Some(String::from_utf8_lossy(&b).into_owned()),
                None => return Err(vm.type_error("getaddrinfo() argument 1 must be string or None")),
            },
        },
    };
    let service = match &args[1] {
        Value::None => None,
        Value::Int(port) => Some(port.to_string()),
        v => match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => return Err(vm.new_error(&types().os_error, "Int or String expected")),
        },
    };
    let hints = (
        i32_arg(vm, &args[2])?,
        i32_arg(vm, &args[3])?,
        i32_arg(vm, &args[4])?,
        i32_arg(vm, &args[5])?,
    );
    let answers = resolve(vm, host.as_deref(), service.as_deref(), hints)?;
    let mut entries = Vec::with_capacity(answers.len());
    for (family, kind, proto, canonical, address) in answers {
        let canonical = vm.new_str(String::from_utf8_lossy(&canonical).into_owned());
        let address = address_value(vm, address);
        entries.push(vm.new_tuple(vec![
            Value::Int(i64::from(family)),
            Value::Int(i64::from(kind)),
            Value::Int(i64::from(proto)),
            canonical,
            address,
        ]));
    }
    Ok(vm.new_list(entries))
}

fn gethostname(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    fixed(vm, "gethostname", args, kwargs, 0)?;
    let name = sys::gethostname().map_err(|e| fail(vm, e))?;
    Ok(vm.new_str(String::from_utf8_lossy(&name).into_owned()))
}

/// `inet_pton(family, text)`: the packed address.
fn inet_pton(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "inet_pton", args, kwargs, 2)?;
    let family = i32_arg(vm, &args[0])?;
    let Some(text) = args[1].as_str() else {
        return Err(vm.type_error(format!(
            "inet_pton() argument 2 must be str, not {}",
            vm.type_name(&args[1])
        )));
    };
    let packed = match family {
        libc::AF_INET => text.parse::<Ipv4Addr>().map(|ip| ip.octets().to_vec()).ok(),
        libc::AF_INET6 => text.parse::<Ipv6Addr>().map(|ip| ip.octets().to_vec()).ok(),
        _ => return Err(fail(vm, libc::EAFNOSUPPORT)),
    };
    match packed {
        Some(bytes) => Ok(vm.new_bytes(bytes)),
        None => Err(vm.new_error(&types().os_error, "illegal IP address string passed to inet_pton")),
    }
}

/// `inet_ntop(family, packed)`: the address as text.
fn inet_ntop(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "inet_ntop", args, kwargs, 2)?;
    let family = i32_arg(vm, &args[0])?;
    let packed = data_arg(vm, &args[1])?;
    let text = match family {
        libc::AF_INET => <[u8; 4]>::try_from(packed.as_slice())
            .map(|b| Ipv4Addr::from(b).to_string())
            .ok(),
        libc::AF_INET6 => <[u8; 16]>::try_from(packed.as_slice())
            .map(|b| Ipv6Addr::from(b).to_string())
            .ok(),
        _ => return Err(vm.value_error(format!("unknown address family {family}"))),
    };
    match text {
        Some(text) => Ok(vm.new_str(text)),
        None => Err(vm.value_error("invalid length of packed IP address string")),
    }
}
