//! Memory a call may take once decoded: its options' trees are charged against a budget of a
//! few times their text (free-form `Value`s, the user's own types, records), so that no shape
//! of body, however dense, expands past it (the hostile-input rules of the README's
//! "Limits and memory").

use crate::error::Failure;

/// How many times its options' size a call may take in decoded values, by default.
pub const DEFAULT_EXPANSION_LIMIT: u32 = 3;

/// Every call may take this much whatever its size: small options of dense shapes (a few
/// thousand numbers in a setting), and pages of a few MB of `Value` records (about 3.5
/// times their text), are never refused.
const FLOOR: u64 = 16 << 20;

/// The budget of one call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    /// Bytes the decoded options may take.
    pub(crate) bytes: u64,
    factor: u32,
}

impl Budget {
    /// The budget of options of `len` bytes, at `factor` times their size.
    pub(crate) fn for_options(len: usize, factor: u32) -> Budget {
        Budget {
            bytes: (len as u64).saturating_mul(u64::from(factor)).max(FLOOR),
            factor,
        }
    }

    /// The 422 of options that would have taken more.
    pub(crate) fn failure(&self, function: &str, len: usize) -> Failure {
        Failure::single(
            "options_too_large",
            format!(
                "The options of {function} ({len} bytes) would take more than {} MiB of memory once decoded \
                 ({}x their size, the server's --expansion-limit): send large collections as records \
                 or as fewer, larger values, or raise the limit if the memory is there.",
                self.bytes >> 20,
                self.factor
            ),
        )
    }
}

/// Bodies at least this long have the memory their call freed given back to the system
/// afterwards: smaller ones reuse what the allocator keeps.
#[cfg_attr(not(any(feature = "http", feature = "lambda")), allow(dead_code))]
pub(crate) const LARGE: usize = 4 << 20;

/// Large calls in flight or still owed their trims. A mutex, not an atomic: the first and
/// the last of them retune the allocator, and two retunings must not cross.
static LARGE_CALLS: std::sync::Mutex<usize> = std::sync::Mutex::new(0);

/// A call of a large body, from its body read until its memory is given back (drop it
/// then). While any is alive the allocator returns freed memory as it goes.
///
/// Why: glibc keeps freed memory for reuse. `malloc_trim` returns what its main arena and
/// its free lists hold, but not the free top of the other threads' arenas, which the
/// allocator trims on `free` only above a threshold it raises to twice the largest block it
/// has unmapped (up to 64 MiB): 17 to 31 MiB stayed after some 50 MiB calls. Lowering the
/// threshold for good costs the kit's pages 7 to 10 % CPU (RELIABILITY.md), so it is low
/// only while large calls are alive, which small calls never make. So are glibc's fast lists
/// off: tiny blocks parked there are merged into an arena's top later by `malloc_trim`
/// itself, which then leaves that top in place (20 MiB in an arena whose thread had gone,
/// after four 50 MiB calls at once), where without them every `free` merges and trims.
#[cfg_attr(not(any(feature = "http", feature = "lambda")), allow(dead_code))]
pub(crate) struct LargeCall(());

#[cfg_attr(not(any(feature = "http", feature = "lambda")), allow(dead_code))]
impl LargeCall {
    /// A guard for a call of a body of `len` bytes, when it is large.
    pub(crate) fn of(len: usize) -> Option<LargeCall> {
        if len < LARGE {
            return None;
        }
        let mut calls = LARGE_CALLS.lock().unwrap_or_else(|e| e.into_inner());
        if *calls == 0 {
            trim_as_freed(true);
        }
        *calls += 1;
        Some(LargeCall(()))
    }

    /// Gives memory freed so far back to the operating system (takes milliseconds for
    /// hundreds of MB: off the async workers).
    pub(crate) fn release_memory(&self) {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only walks the allocator's own free lists; it is thread-safe.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// Gives back the free top of the calling thread's allocator arena, once a large call's
/// values built on this thread are dropped. Freeing a block of 128 KiB there is what makes
/// glibc merge the small blocks still in its fast lists (put there before the large call
/// turned them off) into the top and trim it (`malloc_trim` merges them but trims only the
/// main arena).
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) fn settle_thread() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: a block allocated and freed at once; free(NULL) is allowed.
    unsafe {
        libc::free(libc::malloc(128 << 10));
    }
}

impl Drop for LargeCall {
    fn drop(&mut self) {
        let mut calls = LARGE_CALLS.lock().unwrap_or_else(|e| e.into_inner());
        *calls -= 1;
        if *calls == 0 {
            trim_as_freed(false);
        }
    }
}

/// glibc's default largest block kept in a fast list (`DEFAULT_MXFAST` on 64-bit targets).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const FAST_LISTS: libc::c_int = 128;

/// Whether `free` gives a thread arena's free top back to the system from 1 MiB, merging
/// every block it frees (`true`: no fast lists), or keeps up to 64 MiB of it for reuse as
/// glibc's own tuning would, with fast lists of blocks up to glibc's default 128 bytes
/// (`false`). Setting a threshold ends glibc's tuning of both, so the mmap threshold is set
/// as well, to the 32 MiB its tuning tops out at.
#[cfg_attr(not(any(feature = "http", feature = "lambda")), allow(dead_code))]
fn trim_as_freed(eagerly: bool) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt takes the allocator's lock; these parameters are valid for it.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(
            libc::M_TRIM_THRESHOLD,
            if eagerly { 1 << 20 } else { 64 << 20 },
        );
        libc::mallopt(libc::M_MXFAST, if eagerly { 0 } else { FAST_LISTS });
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = eagerly;
}
