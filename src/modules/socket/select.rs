//! `_select`: `poll(2)` over a list of descriptors and the three epoll calls, waiting detached
//! (`BlockKind::Network`). `py/select.py` builds `select.select`, `poll` and `epoll` on them.

use std::time::{Duration, Instant};

use crate::gil::BlockKind;
use crate::gil::signals;
use crate::objects::{NativeFn, ObjRef, Value};
use crate::vm::{PyResult, Vm};

use super::super::new_module;
use super::{fail, fixed, i32_arg, timeout_arg};
use crate::modules::socket::sys;

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("poll", poll),
    ("epoll_create", epoll_create),
    ("epoll_ctl", epoll_ctl),
    ("epoll_wait", epoll_wait),
];

/// The event bits `select` exports.
const CONSTANTS: &[(&str, i64)] = &[
    ("POLLIN", libc::POLLIN as i64),
    ("POLLPRI", libc::POLLPRI as i64),
    ("POLLOUT", libc::POLLOUT as i64),
    ("POLLERR", libc::POLLERR as i64),
    ("POLLHUP", libc::POLLHUP as i64),
    ("POLLNVAL", libc::POLLNVAL as i64),
    ("POLLRDNORM", libc::POLLRDNORM as i64),
    ("POLLWRNORM", libc::POLLWRNORM as i64),
    ("POLLRDHUP", libc::POLLRDHUP as i64),
    ("EPOLLIN", libc::EPOLLIN as i64),
    ("EPOLLOUT", libc::EPOLLOUT as i64),
    ("EPOLLPRI", libc::EPOLLPRI as i64),
    ("EPOLLERR", libc::EPOLLERR as i64),
    ("EPOLLHUP", libc::EPOLLHUP as i64),
    ("EPOLLET", libc::EPOLLET as i64),
    ("EPOLLONESHOT", libc::EPOLLONESHOT as i64),
    ("EPOLLRDHUP", libc::EPOLLRDHUP as i64),
    ("EPOLL_CTL_ADD", libc::EPOLL_CTL_ADD as i64),
    ("EPOLL_CTL_MOD", libc::EPOLL_CTL_MOD as i64),
    ("EPOLL_CTL_DEL", libc::EPOLL_CTL_DEL as i64),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let values = CONSTANTS
        .iter()
        .map(|&(name, value)| (name, Value::Int(value)))
        .collect();
    new_module(vm, "_select", FUNCTIONS, values)
}

/// Wait (detached, in slices on the main thread so signal handlers run) until `ready` reports
/// something or `deadline` passes; `ready(slice)` returns `Some` when done. A handler that
/// raises ends the wait with its exception; otherwise the wait resumes (PEP 475).
fn wait_detached<T: Send>(
    vm: &mut Vm,
    deadline: Option<Instant>,
    ready: impl Fn(Option<Duration>) -> Result<Option<T>, sys::Errno> + Send + Sync,
) -> PyResult<Option<T>> {
    loop {
        let outcome = vm.py.allow_threads(BlockKind::Network, || {
            let mut found = None;
            let done = signals::interruptible_poll(deadline, |slice| match ready(slice) {
                Ok(None) => false,
                other => {
                    found = Some(other);
                    true
                }
            });
            (done, found)
        });
        match outcome {
            (_, Some(Err(errno))) => return Err(fail(vm, errno)),
            (_, Some(Ok(found))) => return Ok(found),
            (Some(_), None) => return Ok(None),
            (None, None) => vm.check_point()?,
        }
    }
}

fn deadline_of(vm: &mut Vm, timeout: &Value) -> PyResult<Option<Instant>> {
    Ok(timeout_arg(vm, timeout)?.map(|t| Instant::now() + t))
}

/// `poll(entries, timeout)`: `entries` is a list of `(fd, events)`; the answer lists the
/// `(fd, revents)` of those that are ready (empty when the timeout passed first).
fn poll(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "poll", args, kwargs, 2)?;
    let mut entries = Vec::new();
    for pair in vm.collect(&args[0])? {
        let items = vm.collect(&pair)?;
        let [fd, events] = items.as_slice() else {
            return Err(vm.type_error("poll entries must be (fd, events) pairs"));
        };
        let fd = i32_arg(vm, fd)?;
        let events = i32_arg(vm, events)? as libc::c_short;
        entries.push(libc::pollfd { fd, events, revents: 0 });
    }
    let deadline = deadline_of(vm, &args[1])?;
    let ready = wait_detached(vm, deadline, |slice| {
        let mut polled = entries.clone();
        let n = sys::poll(&mut polled, slice)?;
        Ok((n > 0).then_some(polled))
    })?;
    let pairs = ready
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.revents != 0)
        .map(|e| {
            vm.new_tuple(vec![
                Value::Int(i64::from(e.fd)),
                Value::Int(i64::from(e.revents as u16)),
            ])
        })
        .collect();
    Ok(vm.new_list(pairs))
}

fn epoll_create(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    fixed(vm, "epoll_create", args, kwargs, 0)?;
    let fd = sys::epoll_create().map_err(|e| fail(vm, e))?;
    Ok(Value::Int(i64::from(fd)))
}

/// `epoll_ctl(epfd, operation, fd, events)`.
fn epoll_ctl(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "epoll_ctl", args, kwargs, 4)?;
    let (epfd, operation, fd) = (i32_arg(vm, &args[0])?, i32_arg(vm, &args[1])?, i32_arg(vm, &args[2])?);
    let events = i32_arg(vm, &args[3])? as u32;
    sys::epoll_ctl(epfd, operation, fd, events).map_err(|e| fail(vm, e))?;
    Ok(Value::None)
}

/// `epoll_wait(epfd, timeout, maxevents)`: a list of `(fd, events)`.
fn epoll_wait(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let args = fixed(vm, "epoll_wait", args, kwargs, 3)?;
    let epfd = i32_arg(vm, &args[0])?;
    let deadline = deadline_of(vm, &args[1])?;
    let max_events = usize::try_from(i32_arg(vm, &args[2])?).unwrap_or(0).clamp(1, 1 << 16);
    let ready = wait_detached(vm, deadline, |slice| {
        let events = sys::epoll_wait(epfd, max_events, slice)?;
        Ok((!events.is_empty()).then_some(events))
    })?;
    let pairs = ready
        .unwrap_or_default()
        .into_iter()
        .map(|(fd, events)| vm.new_tuple(vec![Value::Int(i64::from(fd)), Value::Int(i64::from(events))]))
        .collect();
    Ok(vm.new_list(pairs))
}
