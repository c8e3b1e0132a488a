//! Memory a call may take once decoded: its options' trees are charged against a budget of a
//! few times their text (free-form `Value`s, the user's own types, records), so that no shape
//! of body, however dense, expands past it (the hostile-input rules of the README's
//! "Limits and memory").

use crate::error::Failure;
use std::sync::atomic::{AtomicU8, Ordering};

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
pub(crate) const LARGE: usize = 4 << 20;

/// Trims still owed to large calls that ended (three: the first ones may run while the
/// call's answer is still being written or freed).
static PENDING: AtomicU8 = AtomicU8::new(0);

/// A call of a body of `len` bytes came in or ended: a large one is owed trims.
pub(crate) fn note(len: usize) {
    if len >= LARGE {
        PENDING.store(3, Ordering::Relaxed);
    }
}

/// Whether a trim is owed (see [`release_memory`]).
#[cfg_attr(not(any(feature = "http", feature = "lambda")), allow(dead_code))]
pub(crate) fn owed() -> bool {
    PENDING.load(Ordering::Relaxed) > 0
}

/// Gives memory freed by large calls back to the operating system, when a trim is owed:
/// glibc keeps freed small blocks in its arenas, so a process that once decoded 200 MB
/// would hold it for good. Hosts call it after large calls, off their async workers.
#[cfg_attr(not(any(feature = "http", feature = "lambda")), allow(dead_code))]
pub(crate) fn release_memory() {
    let owed = PENDING.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    if owed.is_err() {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}
