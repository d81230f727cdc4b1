//! Memory shared between a process and its children, for `multiprocessing`'s locks,
//! semaphores, `Value` and `Array`.
//!
//! One arena per process tree: a `memfd` mapped `MAP_SHARED`, created by the first process
//! that needs it. A forked child inherits the mapping at the same address; a spawned child
//! inherits the descriptor (`pass_fds`) and maps it itself ([`attach`]). Blocks are handed out
//! by a bump pointer kept in the arena's first word, so any process of the tree may allocate
//! and every other one sees the block. Blocks are never reused: a program that makes locks in
//! a loop uses up the arena and gets an error, never memory another object still owns.
//!
//! A block is named by its offset in the arena (a plain integer crosses a fork or a pickle);
//! every access checks that the offset lies inside the arena and is aligned for what is read
//! there, so a bad integer from Python code can give a wrong value but never touch memory
//! outside the mapping. Every access is atomic (relaxed for data, sequentially consistent for
//! semaphores): processes running at the same time never make a data race in Rust's sense.
//!
//! Semaphores are a count word and a waiter count in the arena, waited on with shared futexes:
//! the whole state is in shared memory, so a process that dies or forks mid-operation leaves
//! nothing stuck in a private table (POSIX named semaphores would need names to clean up; an
//! unnamed one in shared memory is this same futex word under glibc).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

use crate::gil::futex;

/// Address space reserved for the arena. The memfd is sparse: only pages touched take memory.
const ARENA_BYTES: usize = 256 << 20;

/// The bump pointer lives in the first word; blocks start after one cache line.
const FIRST_BLOCK: u64 = 64;

/// Blocks start on this boundary, enough for any element type and a semaphore.
const ALIGN: u64 = 16;

pub type Errno = i32;

pub struct Arena {
    base: *mut u8,
    fd: i32,
}

// SAFETY: the arena is a fixed mapping that lives until the process ends (never unmapped), and
// every access to its memory goes through atomics, so sharing the pointer between threads is
// sound.
unsafe impl Send for Arena {}
// SAFETY: as for `Send`.
unsafe impl Sync for Arena {}

static ARENA: OnceLock<Arena> = OnceLock::new();

fn last_errno() -> Errno {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

/// Map the arena held by `fd` (already sized).
fn map(fd: i32) -> Result<Arena, Errno> {
    // SAFETY: a new shared mapping of a descriptor this process holds; no existing memory is
    // affected, and the result is checked before use.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            ARENA_BYTES,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return Err(last_errno());
    }
    Ok(Arena { base: base.cast(), fd })
}

/// The arena, created on first use.
pub fn arena() -> Result<&'static Arena, Errno> {
    if let Some(arena) = ARENA.get() {
        return Ok(arena);
    }
    // SAFETY: the name is a NUL-terminated literal; the flags ask for a descriptor closed on
    // exec (a spawned child gets a copy through `pass_fds`).
    let fd = unsafe { libc::memfd_create(c"toy-multiprocessing".as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(last_errno());
    }
    // SAFETY: sizing a descriptor just created; no memory involved.
    if unsafe { libc::ftruncate(fd, ARENA_BYTES as libc::off_t) } < 0 {
        let errno = last_errno();
        // SAFETY: closing the descriptor just created, which nothing else uses.
        unsafe { libc::close(fd) };
        return Err(errno);
    }
    let arena = map(fd)?;
    arena.bump().store(FIRST_BLOCK, Ordering::SeqCst);
    // Attached while holding the interpreter (GIL or stopped world): no other thread of this
    // process creates one at the same time, so `set` cannot lose.
    let _ = ARENA.set(arena);
    ARENA.get().ok_or(libc::EINVAL)
}

/// In a spawned child: map the parent's arena, inherited as descriptor `fd`.
pub fn attach(fd: i32) -> Result<(), Errno> {
    if ARENA.get().is_some() {
        return Err(libc::EEXIST);
    }
    let arena = map(fd)?;
    let _ = ARENA.set(arena);
    Ok(())
}

impl Arena {
    pub fn fd(&self) -> i32 {
        self.fd
    }

    /// The atomic of type `A` at `offset`, if it lies inside the arena and is aligned.
    fn atomic<A>(&self, offset: u64) -> Option<&A> {
        let size = std::mem::size_of::<A>() as u64;
        let align = std::mem::align_of::<A>() as u64;
        if !offset.is_multiple_of(align) || offset.checked_add(size)? > ARENA_BYTES as u64 {
            return None;
        }
        // SAFETY: the range lies inside the mapping, which is never unmapped, and is aligned
        // for `A`; atomics may alias any initialised memory (the mapping is zero-filled or
        // written only through atomics), and shared access to an atomic is what it is for.
        Some(unsafe { &*self.base.add(offset as usize).cast::<A>() })
    }

    fn bump(&self) -> &AtomicU64 {
        // SAFETY: offset 0 is inside the mapping and aligned for a u64 (mmap is page aligned).
        unsafe { &*self.base.cast::<AtomicU64>() }
    }

    /// A new zero-filled block of `bytes` bytes: its offset.
    pub fn alloc(&self, bytes: u64) -> Result<u64, Errno> {
        let size = bytes.max(1).div_ceil(ALIGN).checked_mul(ALIGN).ok_or(libc::ENOMEM)?;
        let start = self.bump().fetch_add(size, Ordering::SeqCst);
        if start.checked_add(size).is_none_or(|end| end > ARENA_BYTES as u64) {
            return Err(libc::ENOMEM);
        }
        Ok(start)
    }
}

/// The element types `Value` and `Array` hold, by `array`/`ctypes` type code.
#[derive(Clone, Copy)]
pub enum Element {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
    Bool,
}

impl Element {
    pub fn from_code(code: &str) -> Option<Element> {
        Some(match code {
            "b" => Element::I8,
            "B" | "c" => Element::U8,
            "h" => Element::I16,
            "H" => Element::U16,
            "i" => Element::I32,
            "I" => Element::U32,
            "l" | "q" => Element::I64,
            "L" | "Q" => Element::U64,
            "f" => Element::F32,
            "d" => Element::F64,
            "?" => Element::Bool,
            _ => return None,
        })
    }

    pub fn size(self) -> u64 {
        match self {
            Element::I8 | Element::U8 | Element::Bool => 1,
            Element::I16 | Element::U16 => 2,
            Element::I32 | Element::U32 | Element::F32 => 4,
            Element::I64 | Element::U64 | Element::F64 => 8,
        }
    }
}

/// An element's raw bits, widened to 64.
pub type Bits = u64;

impl Arena {
    fn element_offset(offset: u64, element: Element, index: u64) -> Option<u64> {
        offset.checked_add(index.checked_mul(element.size())?)
    }

    /// The bits of element `index` of the block at `offset`.
    pub fn load(&self, offset: u64, element: Element, index: u64) -> Option<Bits> {
        let at = Self::element_offset(offset, element, index)?;
        let relaxed = Ordering::Relaxed;
        Some(match element {
            Element::I8 | Element::U8 | Element::Bool => self.atomic::<AtomicI8>(at)?.load(relaxed) as u8 as u64,
            Element::I16 | Element::U16 => self.atomic::<AtomicI16>(at)?.load(relaxed) as u16 as u64,
            Element::I32 | Element::U32 | Element::F32 => self.atomic::<AtomicI32>(at)?.load(relaxed) as u32 as u64,
            Element::I64 | Element::U64 | Element::F64 => self.atomic::<AtomicI64>(at)?.load(relaxed) as u64,
        })
    }

    /// Store the low bits of `bits` into element `index` of the block at `offset`.
    pub fn store(&self, offset: u64, element: Element, index: u64, bits: Bits) -> Option<()> {
        let at = Self::element_offset(offset, element, index)?;
        let relaxed = Ordering::Relaxed;
        match element {
            Element::I8 | Element::U8 | Element::Bool => self.atomic::<AtomicI8>(at)?.store(bits as i8, relaxed),
            Element::I16 | Element::U16 => self.atomic::<AtomicI16>(at)?.store(bits as i16, relaxed),
            Element::I32 | Element::U32 | Element::F32 => self.atomic::<AtomicI32>(at)?.store(bits as i32, relaxed),
            Element::I64 | Element::U64 | Element::F64 => self.atomic::<AtomicI64>(at)?.store(bits as i64, relaxed),
        }
        Some(())
    }
}

/// A counting semaphore in the arena: `count`, then the number of sleepers, then the maximum.
pub struct Semaphore<'a> {
    count: &'a AtomicU32,
    sleepers: &'a AtomicU32,
    maximum: &'a AtomicU32,
}

pub const SEMAPHORE_BYTES: u64 = 12;

pub enum ReleaseError {
    TooMany,
}

impl Arena {
    pub fn semaphore(&self, offset: u64) -> Option<Semaphore<'_>> {
        Some(Semaphore {
            count: self.atomic(offset)?,
            sleepers: self.atomic(offset.checked_add(4)?)?,
            maximum: self.atomic(offset.checked_add(8)?)?,
        })
    }
}

impl Semaphore<'_> {
    pub fn init(&self, value: u32, maximum: u32) {
        self.maximum.store(maximum, Ordering::SeqCst);
        self.count.store(value, Ordering::SeqCst);
    }

    pub fn value(&self) -> u32 {
        self.count.load(Ordering::SeqCst)
    }

    pub fn try_acquire(&self) -> bool {
        let mut count = self.count.load(Ordering::SeqCst);
        while count > 0 {
            match self
                .count
                .compare_exchange(count, count - 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return true,
                Err(now) => count = now,
            }
        }
        false
    }

    /// Acquire, sleeping until `until` at the latest: whether it was acquired.
    pub fn acquire_until(&self, until: Instant) -> bool {
        loop {
            if self.try_acquire() {
                return true;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            // Announce the sleep before looking at the count once more: a release that
            // happens after the announcement wakes us, one before it changed the count, and
            // the futex returns at once when the count is no longer 0.
            self.sleepers.fetch_add(1, Ordering::SeqCst);
            futex::wait_shared(self.count, 0, Some(left));
            self.sleepers.fetch_sub(1, Ordering::SeqCst);
        }
    }

    pub fn release(&self) -> Result<(), ReleaseError> {
        let maximum = self.maximum.load(Ordering::SeqCst);
        let mut count = self.count.load(Ordering::SeqCst);
        loop {
            if count >= maximum {
                return Err(ReleaseError::TooMany);
            }
            match self
                .count
                .compare_exchange(count, count + 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => break,
                Err(now) => count = now,
            }
        }
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            futex::wake_shared(self.count, 1);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_distinct_and_aligned() {
        let arena = arena().expect("arena");
        let a = arena.alloc(3).expect("alloc");
        let b = arena.alloc(3).expect("alloc");
        assert_ne!(a, b);
        assert_eq!(a % ALIGN, 0);
        assert_eq!(b % ALIGN, 0);
    }

    #[test]
    fn elements_round_trip() {
        let arena = arena().expect("arena");
        let block = arena.alloc(32).expect("alloc");
        arena.store(block, Element::F64, 1, 2.5f64.to_bits()).expect("store");
        assert_eq!(arena.load(block, Element::F64, 1).map(f64::from_bits), Some(2.5));
        assert!(arena.load(ARENA_BYTES as u64, Element::I8, 0).is_none());
        assert!(arena.load(block + 1, Element::I32, 0).is_none());
    }

    #[test]
    fn semaphore_counts_and_refuses_too_many_releases() {
        let arena = arena().expect("arena");
        let sem = arena
            .semaphore(arena.alloc(SEMAPHORE_BYTES).expect("alloc"))
            .expect("semaphore");
        sem.init(1, 1);
        assert!(sem.try_acquire());
        assert!(!sem.acquire_until(Instant::now()));
        assert!(sem.release().is_ok());
        assert!(sem.release().is_err());
    }
}
