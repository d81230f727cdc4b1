//! The socket system calls, over `libc`: plain integers, byte slices and [`Address`]es in,
//! `errno` out. The only `unsafe` of the socket modules is here. `libc` rather than a crate
//! such as `socket2`: toy already depends on it, the calls are few, and the module needs raw
//! descriptors it can hand to `poll` and `os` anyway.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::time::Duration;

pub type Errno = i32;

/// A socket address in the three families toy supports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    Inet(SocketAddrV4),
    Inet6(SocketAddrV6),
    /// A path, or an abstract name when it starts with a NUL byte.
    Unix(Vec<u8>),
}

fn last_errno() -> Errno {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

fn check(result: libc::c_int) -> Result<libc::c_int, Errno> {
    if result < 0 { Err(last_errno()) } else { Ok(result) }
}

fn check_size(result: isize) -> Result<usize, Errno> {
    usize::try_from(result).map_err(|_| last_errno())
}

/// `sun_path`'s offset in `sockaddr_un`: the length of an unnamed address.
fn unix_path_offset() -> usize {
    std::mem::offset_of!(libc::sockaddr_un, sun_path)
}

/// `address` laid out as the kernel reads it, with its length.
fn to_raw(address: &Address) -> Result<(libc::sockaddr_storage, libc::socklen_t), Errno> {
    // SAFETY: sockaddr_storage is plain old data; all zeroes is a valid (unspecified) address.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let length = match address {
        Address::Inet(a) => {
            let raw = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than and aligned for every sockaddr type.
            unsafe { std::ptr::write((&raw mut storage).cast::<libc::sockaddr_in>(), raw) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        Address::Inet6(a) => {
            let raw = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo().to_be(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: as above.
            unsafe { std::ptr::write((&raw mut storage).cast::<libc::sockaddr_in6>(), raw) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
        Address::Unix(path) => {
            // SAFETY: as above: all zeroes is a valid sockaddr_un.
            let mut raw: libc::sockaddr_un = unsafe { std::mem::zeroed() };
            if path.len() >= raw.sun_path.len() {
                return Err(libc::ENAMETOOLONG);
            }
            raw.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (slot, byte) in raw.sun_path.iter_mut().zip(path) {
                *slot = *byte as libc::c_char;
            }
            // SAFETY: as above.
            unsafe { std::ptr::write((&raw mut storage).cast::<libc::sockaddr_un>(), raw) };
            // An abstract name is exactly its bytes; a path is NUL-terminated.
            let terminator = usize::from(path.first() != Some(&0));
            unix_path_offset() + path.len() + terminator
        }
    };
    Ok((storage, length as libc::socklen_t))
}

/// The address the kernel wrote into `storage` (`length` bytes of it).
fn from_raw(storage: &libc::sockaddr_storage, length: libc::socklen_t) -> Option<Address> {
    let length = length as usize;
    match i32::from(storage.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in, and storage is aligned
            // for it.
            let raw = unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(raw.sin_addr.s_addr.to_ne_bytes());
            Some(Address::Inet(SocketAddrV4::new(ip, u16::from_be(raw.sin_port))))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let raw = unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            let ip = Ipv6Addr::from(raw.sin6_addr.s6_addr);
            Some(Address::Inet6(SocketAddrV6::new(
                ip,
                u16::from_be(raw.sin6_port),
                u32::from_be(raw.sin6_flowinfo),
                raw.sin6_scope_id,
            )))
        }
        libc::AF_UNIX => {
            // SAFETY: as above, for sockaddr_un.
            let raw = unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_un>() };
            let used = length.saturating_sub(unix_path_offset()).min(raw.sun_path.len());
            let mut path: Vec<u8> = raw.sun_path[..used].iter().map(|&c| c as u8).collect();
            if path.first() != Some(&0)
                && let Some(end) = path.iter().position(|&b| b == 0)
            {
                path.truncate(end);
            }
            Some(Address::Unix(path))
        }
        _ => None,
    }
}

/// Calls `fill` with room for an address and returns what it wrote there.
fn address_out(
    fill: impl FnOnce(*mut libc::sockaddr, *mut libc::socklen_t) -> libc::c_int,
) -> Result<Option<Address>, Errno> {
    // SAFETY: plain old data, as in `to_raw`.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut length = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    check(fill((&raw mut storage).cast(), &raw mut length))?;
    Ok(from_raw(&storage, length))
}

pub fn socket(family: i32, kind: i32, proto: i32) -> Result<i32, Errno> {
    // SAFETY: creates a descriptor; no memory is passed.
    check(unsafe { libc::socket(family, kind | libc::SOCK_CLOEXEC, proto) })
}

pub fn socketpair(family: i32, kind: i32, proto: i32) -> Result<(i32, i32), Errno> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors socketpair writes.
    check(unsafe { libc::socketpair(family, kind | libc::SOCK_CLOEXEC, proto, fds.as_mut_ptr()) })?;
    Ok((fds[0], fds[1]))
}

pub fn bind(fd: i32, address: &Address) -> Result<(), Errno> {
    let (raw, length) = to_raw(address)?;
    // SAFETY: `raw` holds a valid address of `length` bytes for the duration of the call.
    check(unsafe { libc::bind(fd, (&raw const raw).cast(), length) }).map(|_| ())
}

pub fn connect(fd: i32, address: &Address) -> Result<(), Errno> {
    let (raw, length) = to_raw(address)?;
    // SAFETY: as `bind`.
    check(unsafe { libc::connect(fd, (&raw const raw).cast(), length) }).map(|_| ())
}

pub fn listen(fd: i32, backlog: i32) -> Result<(), Errno> {
    // SAFETY: descriptors only.
    check(unsafe { libc::listen(fd, backlog) }).map(|_| ())
}

/// Accept a connection without waiting (the caller polled first): the new descriptor is
/// blocking and close-on-exec, as CPython makes it.
pub fn accept(fd: i32) -> Result<(i32, Option<Address>), Errno> {
    let mut accepted = -1;
    let address = address_out(|raw, length| {
        // SAFETY: `raw` and `length` point to storage `address_out` owns, sized as `length` says.
        accepted = unsafe { libc::accept4(fd, raw, length, libc::SOCK_CLOEXEC) };
        accepted
    })?;
    Ok((accepted, address))
}

pub fn getsockname(fd: i32) -> Result<Option<Address>, Errno> {
    // SAFETY: as `accept`.
    address_out(|raw, length| unsafe { libc::getsockname(fd, raw, length) })
}

pub fn getpeername(fd: i32) -> Result<Option<Address>, Errno> {
    // SAFETY: as `accept`.
    address_out(|raw, length| unsafe { libc::getpeername(fd, raw, length) })
}

pub fn recv(fd: i32, size: usize, flags: i32) -> Result<Vec<u8>, Errno> {
    let mut buf = vec![0u8; size];
    // SAFETY: the pointer and length describe `buf`, which the kernel may fill.
    let n = check_size(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), flags) })?;
    buf.truncate(n);
    Ok(buf)
}

pub fn recvfrom(fd: i32, size: usize, flags: i32) -> Result<(Vec<u8>, Option<Address>), Errno> {
    let mut buf = vec![0u8; size];
    let mut received = 0isize;
    let address = address_out(|raw, length| {
        // SAFETY: `buf` as in `recv`; `raw` and `length` as in `accept`.
        received = unsafe { libc::recvfrom(fd, buf.as_mut_ptr().cast(), buf.len(), flags, raw, length) };
        if received < 0 { -1 } else { 0 }
    })?;
    buf.truncate(usize::try_from(received).unwrap_or(0));
    Ok((buf, address))
}

pub fn send(fd: i32, data: &[u8], flags: i32) -> Result<usize, Errno> {
    // SAFETY: the pointer and length describe `data`, which the kernel only reads. MSG_NOSIGNAL:
    // a closed peer is an EPIPE error, not a SIGPIPE that kills the process.
    check_size(unsafe { libc::send(fd, data.as_ptr().cast(), data.len(), flags | libc::MSG_NOSIGNAL) })
}

pub fn sendto(fd: i32, data: &[u8], flags: i32, address: &Address) -> Result<usize, Errno> {
    let (raw, length) = to_raw(address)?;
    // SAFETY: `data` as in `send`, `raw` as in `bind`.
    check_size(unsafe {
        libc::sendto(
            fd,
            data.as_ptr().cast(),
            data.len(),
            flags | libc::MSG_NOSIGNAL,
            (&raw const raw).cast(),
            length,
        )
    })
}

pub fn shutdown(fd: i32, how: i32) -> Result<(), Errno> {
    // SAFETY: descriptors only.
    check(unsafe { libc::shutdown(fd, how) }).map(|_| ())
}

pub fn setsockopt(fd: i32, level: i32, option: i32, value: &[u8]) -> Result<(), Errno> {
    // SAFETY: the pointer and length describe `value`, which the kernel only reads.
    check(unsafe { libc::setsockopt(fd, level, option, value.as_ptr().cast(), value.len() as libc::socklen_t) })
        .map(|_| ())
}

pub fn getsockopt(fd: i32, level: i32, option: i32, size: usize) -> Result<Vec<u8>, Errno> {
    let mut buf = vec![0u8; size];
    let mut length = size as libc::socklen_t;
    // SAFETY: the pointer and length describe `buf`; the kernel writes at most `length` bytes
    // and stores how many it wrote back into `length`.
    check(unsafe { libc::getsockopt(fd, level, option, buf.as_mut_ptr().cast(), &raw mut length) })?;
    buf.truncate(length as usize);
    Ok(buf)
}

/// The error a non-blocking `connect` finished with (0 when it succeeded).
pub fn pending_error(fd: i32) -> Result<Errno, Errno> {
    let bytes = getsockopt(fd, libc::SOL_SOCKET, libc::SO_ERROR, 4)?;
    Ok(bytes.try_into().map(i32::from_ne_bytes).unwrap_or(0))
}

pub fn gethostname() -> Result<Vec<u8>, Errno> {
    let mut buf = vec![0u8; 256];
    // SAFETY: the pointer and length describe `buf`, which gethostname fills (NUL-terminated
    // when it fits).
    check(unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) })?;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    buf.truncate(end);
    Ok(buf)
}

/// One answer of `getaddrinfo`: family, type, protocol, canonical name and address.
pub type AddrInfo = (i32, i32, i32, Vec<u8>, Option<Address>);

/// The resolver's error: its `EAI_*` code and its text.
pub type ResolveError = (i32, String);

pub fn getaddrinfo(
    host: Option<&std::ffi::CStr>,
    service: Option<&std::ffi::CStr>,
    hints: (i32, i32, i32, i32),
) -> Result<Vec<AddrInfo>, ResolveError> {
    let (family, kind, proto, flags) = hints;
    // SAFETY: addrinfo is plain old data; zeroes are the "no preference" hints.
    let mut wanted: libc::addrinfo = unsafe { std::mem::zeroed() };
    wanted.ai_family = family;
    wanted.ai_socktype = kind;
    wanted.ai_protocol = proto;
    wanted.ai_flags = flags;
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    let to_ptr = |s: Option<&std::ffi::CStr>| s.map_or(std::ptr::null(), std::ffi::CStr::as_ptr);
    // SAFETY: the strings are NUL-terminated (or null), the hints live through the call, and
    // `list` receives a list that is freed below.
    let code = unsafe { libc::getaddrinfo(to_ptr(host), to_ptr(service), &raw const wanted, &raw mut list) };
    if code != 0 {
        // SAFETY: gai_strerror returns a static NUL-terminated string for any code.
        let text = unsafe { std::ffi::CStr::from_ptr(libc::gai_strerror(code)) };
        let errno = if code == libc::EAI_SYSTEM { last_errno() } else { 0 };
        let message = if errno != 0 {
            crate::vm::os_error::strerror(errno)
        } else {
            text.to_string_lossy().into_owned()
        };
        return Err((code, message));
    }
    let mut answers = Vec::new();
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: `entry` is a node of the list getaddrinfo returned, not yet freed.
        let info = unsafe { &*entry };
        let canonical = if info.ai_canonname.is_null() {
            Vec::new()
        } else {
            // SAFETY: a non-null ai_canonname is a NUL-terminated string owned by the list.
            unsafe { std::ffi::CStr::from_ptr(info.ai_canonname) }
                .to_bytes()
                .to_vec()
        };
        let address = if info.ai_addr.is_null() {
            None
        } else {
            // SAFETY: plain old data; the copy below takes at most the storage's size.
            let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
            let length = (info.ai_addrlen as usize).min(std::mem::size_of::<libc::sockaddr_storage>());
            // SAFETY: ai_addr points to ai_addrlen readable bytes; `storage` has room for
            // `length` of them and the two do not overlap.
            unsafe {
                std::ptr::copy_nonoverlapping(info.ai_addr.cast::<u8>(), (&raw mut storage).cast::<u8>(), length)
            };
            from_raw(&storage, length as libc::socklen_t)
        };
        answers.push((info.ai_family, info.ai_socktype, info.ai_protocol, canonical, address));
        entry = info.ai_next;
    }
    // SAFETY: `list` came from getaddrinfo and is freed once, after its last use.
    unsafe { libc::freeaddrinfo(list) };
    Ok(answers)
}

/// Wait until the descriptors are ready (`poll(2)`); EINTR counts as nothing ready yet.
pub fn poll(entries: &mut [libc::pollfd], timeout: Option<Duration>) -> Result<usize, Errno> {
    let millis = timeout.map_or(-1, |t| {
        // Round up: a wait of 0.4 ms must not become a busy loop of zero-millisecond polls.
        let ms = t.as_micros().div_ceil(1000);
        i32::try_from(ms).unwrap_or(i32::MAX)
    });
    // SAFETY: `entries` is a valid array of pollfd of the length passed.
    match check(unsafe { libc::poll(entries.as_mut_ptr(), entries.len() as libc::nfds_t, millis) }) {
        Ok(n) => Ok(n as usize),
        Err(libc::EINTR) => Ok(0),
        Err(e) => Err(e),
    }
}

pub fn epoll_create() -> Result<i32, Errno> {
    // SAFETY: creates a descriptor; no memory is passed.
    check(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })
}

pub fn epoll_ctl(epfd: i32, operation: i32, fd: i32, events: u32) -> Result<(), Errno> {
    let mut event = libc::epoll_event { events, u64: fd as u64 };
    // SAFETY: `event` is valid for the call; the kernel copies it.
    check(unsafe { libc::epoll_ctl(epfd, operation, fd, &raw mut event) }).map(|_| ())
}

/// Wait for events on an epoll descriptor: (fd, events) pairs. EINTR counts as none.
pub fn epoll_wait(epfd: i32, max_events: usize, timeout: Option<Duration>) -> Result<Vec<(i32, u32)>, Errno> {
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; max_events.max(1)];
    let millis = timeout.map_or(-1, |t| i32::try_from(t.as_micros().div_ceil(1000)).unwrap_or(i32::MAX));
    let capacity = i32::try_from(events.len()).unwrap_or(i32::MAX);
    // SAFETY: `events` has room for `capacity` entries, which the kernel fills.
    let n = match check(unsafe { libc::epoll_wait(epfd, events.as_mut_ptr(), capacity, millis) }) {
        Ok(n) => n as usize,
        Err(libc::EINTR) => 0,
        Err(e) => return Err(e),
    };
    Ok(events[..n].iter().map(|e| (e.u64 as i32, e.events)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_survive_the_round_trip_through_the_kernel_layout() {
        let addresses = [
            Address::Inet(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 1), 8080)),
            Address::Inet6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 443, 0, 0)),
            Address::Unix(b"/tmp/toy.sock".to_vec()),
            Address::Unix(b"\0abstract".to_vec()),
        ];
        for address in addresses {
            let (raw, length) = to_raw(&address).expect("fits");
            assert_eq!(from_raw(&raw, length), Some(address));
        }
    }

    #[test]
    fn a_unix_path_too_long_for_sun_path_is_refused() {
        assert_eq!(to_raw(&Address::Unix(vec![b'a'; 200])), Err(libc::ENAMETOOLONG));
    }
}
