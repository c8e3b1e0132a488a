//! Memory a call may take once decoded: its options' trees are charged against a budget of a
//! few times their text (free-form `Value`s, the user's own types, records), so that no shape
//! of body, however dense, expands past it (the hostile-input rules of the README's
//! "Limits and memory").

use crate::error::Failure;

/// How many times its options' size a call may take in decoded values, by default.
pub const DEFAULT_EXPANSION_LIMIT: u32 = 3;

/// Every call may take this much whatever its size: small options of dense shapes (a few
/// thousand numbers in a setting), and pages of `Value` records up to about 1.4 MB (charged
/// 11 to 12 times their text), are never refused.
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
                 ({}x their size, the server's --expansion-limit): take records as `Record` (the \
                 default record type, charged under their text) rather than `serde_json::Value` \
                 (11 to 12 times), send large collections as records or as fewer, larger values, \
                 or raise the limit if the memory is there.",
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
/// threshold for good (to 4 MiB) costs the kit's pages 7 to 10 % CPU (RELIABILITY.md), so it
/// is low only while large calls are alive, which small calls never make, and
/// [`KEPT_TOP`] otherwise. So are glibc's fast lists off: tiny blocks parked there are
/// merged into an arena's top later by `malloc_trim` itself, which then leaves that top in
/// place (20 MiB in an arena whose thread had gone, after four 50 MiB calls at once), where
/// without them every `free` merges and trims.
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
        collect_small_blocks();
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
    collect_small_blocks();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: a block allocated and freed at once; free(NULL) is allowed.
    unsafe {
        libc::free(libc::malloc(128 << 10));
    }
}

/// Gives back the pages of small blocks mimalloc holds (`split-heap`, `mimalloc`): those this
/// thread freed, and those any thread returned to its shared arena. mimalloc gives them back
/// later, but only in the course of the same thread's allocations, which after a large call
/// may not come: 75 MiB of a 50 MiB call's small blocks stayed (`scripts/memory.py`).
fn collect_small_blocks() {
    #[cfg(any(feature = "split-heap", feature = "mimalloc"))]
    // SAFETY: mi_collect only walks mimalloc's own pages; it is thread-safe.
    unsafe {
        libmimalloc_sys::mi_collect(true);
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

/// The free top of an arena `free` leaves in place between large calls.
///
/// Measured on the bench kit's pages with `scripts/bench-allocator.sh` (BENCHMARKS.md,
/// "Allocator thresholds"): glibc's own tuning (trim at twice the largest block it unmapped,
/// about 5 MiB there) gave back and faulted in again about 290 pages per 2.5 MB call; 8 MiB,
/// about 110, for a tenth less CPU per call at a peak 3 % higher; 64 MiB none, at a peak
/// 16 % higher; 4 MiB, 600. Memory kept is at most this per arena, and large calls give
/// theirs back regardless.
#[cfg_attr(not(any(feature = "http", feature = "lambda")), allow(dead_code))]
const KEPT_TOP: i32 = 8 << 20;

/// Sets the allocator's thresholds for calls that are not large, once per process, before
/// the first call: the same as after a large call, so that a server behaves the same before
/// and after its first one. An operator who tunes glibc's allocator (any `glibc.malloc.`
/// tunable in `GLIBC_TUNABLES`) keeps their tuning until a large call.
#[cfg_attr(not(any(feature = "http", feature = "lambda")), allow(dead_code))]
pub(crate) fn tune_allocator() {
    static TUNED: std::sync::Once = std::sync::Once::new();
    TUNED.call_once(|| {
        let tunables = std::env::var_os("GLIBC_TUNABLES");
        if operator_tuned(
            tunables
                .as_deref()
                .and_then(|t| t.to_str())
                .map(str::as_bytes),
        ) {
            return;
        }
        let calls = LARGE_CALLS.lock().unwrap_or_else(|e| e.into_inner());
        // A large call in flight has its own thresholds; it sets these when it ends.
        if *calls == 0 {
            trim_as_freed(false);
        }
    });
}

/// Whether `GLIBC_TUNABLES` (`name=value` pairs joined by `:`) tunes the allocator. Bytes:
/// the allocator (`heap`) reads it before it can allocate a string.
#[cfg_attr(
    not(any(feature = "http", feature = "lambda", feature = "split-heap")),
    allow(dead_code)
)]
pub(crate) fn operator_tuned(tunables: Option<&[u8]>) -> bool {
    tunables.is_some_and(|t| {
        t.split(|&b| b == b':')
            .any(|pair| pair.starts_with(b"glibc.malloc."))
    })
}

/// glibc's default largest block kept in a fast list (`DEFAULT_MXFAST` on 64-bit targets).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const FAST_LISTS: libc::c_int = 128;

/// Whether `free` gives a thread arena's free top back to the system from 1 MiB, merging
/// every block it frees (`true`: no fast lists), or keeps up to [`KEPT_TOP`] of it for reuse,
/// with fast lists of blocks up to glibc's default 128 bytes (`false`). Setting a threshold
/// ends glibc's tuning of both, so the mmap threshold is set as well, to the 32 MiB its
/// tuning tops out at: blocks below it come from the arenas, where a page's buffers are
/// reused.
#[cfg_attr(not(any(feature = "http", feature = "lambda")), allow(dead_code))]
fn trim_as_freed(eagerly: bool) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt takes the allocator's lock; these parameters are valid for it.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(
            libc::M_TRIM_THRESHOLD,
            if eagerly { 1 << 20 } else { KEPT_TOP },
        );
        libc::mallopt(libc::M_MXFAST, if eagerly { 0 } else { FAST_LISTS });
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = eagerly;
}

#[cfg(test)]
mod tests {
    use super::operator_tuned;

    #[test]
    fn an_operator_tuning_malloc_keeps_their_tuning() {
        for tuned in [
            "glibc.malloc.trim_threshold=1048576",
            "glibc.pthread.rseq=0:glibc.malloc.tcache_count=7",
        ] {
            assert!(operator_tuned(Some(tuned.as_bytes())), "{tuned}");
        }
        for not_tuned in [
            "",
            "glibc.pthread.rseq=0",
            "glibc.mem.tagging=1:x.glibc.malloc.y=1",
        ] {
            assert!(!operator_tuned(Some(not_tuned.as_bytes())), "{not_tuned}");
        }
        assert!(!operator_tuned(None));
    }
}
