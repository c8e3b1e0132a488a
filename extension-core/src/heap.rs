//! The program's allocator under the `split-heap` feature (on by default): blocks smaller than
//! [`SMALL`] from mimalloc's per-thread heaps, the others from the system's allocator, which
//! on glibc keeps one arena for every thread.
//!
//! Why (BENCHMARKS.md, "Small blocks apart"): glibc gives each busy thread an arena of its
//! own, and each arena keeps free space sized for its own thread's worst moment; on the bench
//! kit's 2.5 MB pages that free space is a third of the peak. One arena shares it between the
//! threads, but puts the thousands of small blocks a page allocates (a record's changes, the
//! strings a function builds) behind one lock the workers then queue on: a quarter more CPU.
//! Small blocks from per-thread heaps take no lock, and the few big ones of a call (read
//! buffers, bodies, answers) share one arena's free space.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks smaller than this come from mimalloc. Measured on the kit's large page, 256 B to
/// 4 KiB peak alike; 16 and 64 KiB 2 and 5 MiB higher, their blocks kept apart from the arena
/// whose free space the workers share.
const SMALL: usize = 1024;

/// The allocator the `split-heap` feature installs as the program's.
pub(crate) struct SplitHeap;

fn small(size: usize) -> bool {
    size < SMALL
}

/// Tells glibc to keep one arena, before the program's first block: a thread's arena is
/// chosen at its first `malloc` and kept, so a limit set once threads run would not hold.
/// An operator's own tuning (`MALLOC_ARENA_MAX`, or any `glibc.malloc.` tunable) is kept.
#[inline]
fn once_one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONE_ARENA: std::sync::Once = std::sync::Once::new();
        ONE_ARENA.call_once(|| {
            // getenv, not std::env: this runs inside the allocator, which must not allocate.
            let tunables = getenv(c"GLIBC_TUNABLES");
            if getenv(c"MALLOC_ARENA_MAX").is_none() && !crate::budget::operator_tuned(tunables) {
                // SAFETY: a valid mallopt parameter; mallopt does not call back into Rust.
                unsafe {
                    libc::mallopt(libc::M_ARENA_MAX, 1);
                }
            }
        });
    }
}

/// An environment variable's bytes, read without allocating.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn getenv(name: &std::ffi::CStr) -> Option<&'static [u8]> {
    // SAFETY: a NUL-terminated name; called before the program's first block, so before any
    // thread of the program could change the environment.
    let value = unsafe { libc::getenv(name.as_ptr()) };
    // SAFETY: getenv returned a NUL-terminated string that the environment keeps.
    (!value.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(value) }.to_bytes())
}

// SAFETY: every block is freed (and resized) by the allocator that gave it, chosen by its
// layout's size, which a caller passes unchanged; a block changing sides on `realloc` is
// copied into a block of the other side.
unsafe impl GlobalAlloc for SplitHeap {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        once_one_arena();
        if small(layout.size()) {
            mimalloc::MiMalloc.alloc(layout)
        } else {
            System.alloc(layout)
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        once_one_arena();
        if small(layout.size()) {
            mimalloc::MiMalloc.alloc_zeroed(layout)
        } else {
            System.alloc_zeroed(layout)
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if small(layout.size()) {
            mimalloc::MiMalloc.dealloc(ptr, layout)
        } else {
            System.dealloc(ptr, layout)
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        once_one_arena();
        match (small(layout.size()), small(new_size)) {
            (true, true) => mimalloc::MiMalloc.realloc(ptr, layout, new_size),
            (false, false) => System.realloc(ptr, layout, new_size),
            _ => {
                // SAFETY: the caller guarantees new_size, rounded up to the alignment, fits
                // in isize (GlobalAlloc::realloc's contract).
                let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
                let moved = self.alloc(new);
                if !moved.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                moved
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{SplitHeap, SMALL};
    use std::alloc::{GlobalAlloc, Layout};

    fn filled(heap: &SplitHeap, size: usize, align: usize) -> *mut u8 {
        let layout = Layout::from_size_align(size, align).unwrap();
        // SAFETY: a non-zero size.
        let block = unsafe { heap.alloc(layout) };
        assert!(!block.is_null());
        assert_eq!(block as usize % align, 0, "{size} bytes aligned to {align}");
        for i in 0..size {
            // SAFETY: inside the block.
            unsafe { *block.add(i) = i as u8 };
        }
        block
    }

    fn holds_pattern(block: *const u8, len: usize) -> bool {
        // SAFETY: the caller's block has at least len bytes.
        (0..len).all(|i| unsafe { *block.add(i) } == i as u8)
    }

    #[test]
    fn blocks_keep_their_bytes_across_the_split() {
        let heap = SplitHeap;
        for align in [1, 8, 64, 4096] {
            // Grown from small to big and shrunk back, by realloc.
            let mut block = filled(&heap, SMALL / 2, align);
            let mut size = SMALL / 2;
            for new_size in [
                SMALL - 1,
                SMALL,
                4 * SMALL,
                300 << 10,
                SMALL + 1,
                SMALL - 1,
                16,
            ] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: block was allocated with layout; new_size is not zero.
                block = unsafe { heap.realloc(block, layout, new_size) };
                assert!(!block.is_null());
                assert_eq!(block as usize % align, 0);
                let kept = size.min(new_size);
                assert!(
                    holds_pattern(block, kept),
                    "{size} -> {new_size}, align {align}"
                );
                for i in kept..new_size {
                    // SAFETY: inside the resized block.
                    unsafe { *block.add(i) = i as u8 };
                }
                size = new_size;
            }
            // SAFETY: the block's current layout.
            unsafe { heap.dealloc(block, Layout::from_size_align(size, align).unwrap()) };
        }
    }

    #[test]
    fn zeroed_blocks_are_zero_on_both_sides() {
        let heap = SplitHeap;
        for size in [1, SMALL - 1, SMALL, 1 << 20] {
            let layout = Layout::from_size_align(size, 16).unwrap();
            // SAFETY: a non-zero size; the block is read within its size, then freed.
            unsafe {
                let block = heap.alloc_zeroed(layout);
                assert!(!block.is_null());
                assert!((0..size).all(|i| *block.add(i) == 0), "{size}");
                heap.dealloc(block, layout);
            }
        }
    }

    /// The program's blocks come through this allocator (the feature installs it), so by
    /// now glibc keeps one arena, however many threads allocate big blocks at once.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn threads_share_one_glibc_arena() {
        if super::getenv(c"MALLOC_ARENA_MAX").is_some()
            || crate::budget::operator_tuned(super::getenv(c"GLIBC_TUNABLES"))
        {
            eprintln!("skipped: the environment tunes glibc's arenas");
            return;
        }
        let barrier = std::sync::Barrier::new(4);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    let held: Vec<Vec<u8>> = (0..8).map(|_| vec![1u8; 64 << 10]).collect();
                    // Every thread holds its blocks while the others allocate theirs.
                    barrier.wait();
                    drop(held);
                });
            }
        });
        assert_eq!(glibc_arenas(), 1);
    }

    /// How many arenas glibc has, from its `malloc_info` report (one `<heap nr=` each).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_arenas() -> usize {
        use std::io::{Read, Seek};
        use std::os::fd::FromRawFd;
        // SAFETY: tmpfile returns a stream or null; malloc_info writes to a valid stream,
        // which is flushed and its descriptor duplicated (owned by the File) before it closes.
        let mut report = unsafe {
            let stream = libc::tmpfile();
            assert!(!stream.is_null());
            assert_eq!(libc::malloc_info(0, stream), 0);
            assert_eq!(libc::fflush(stream), 0);
            let fd = libc::dup(libc::fileno(stream));
            libc::fclose(stream);
            assert!(fd >= 0);
            std::fs::File::from_raw_fd(fd)
        };
        report.rewind().unwrap();
        let mut text = String::new();
        report.read_to_string(&mut text).unwrap();
        text.matches("<heap nr=").count()
    }
}
