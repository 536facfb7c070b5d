//! The binary's allocator: mimalloc for small blocks, the system allocator
//! for the rest.
//!
//! Lua programs allocate many small objects (table headers, closures,
//! upvalues, short strings, small array parts) and free them in bulk at
//! each sweep; mimalloc's per-size free lists serve that pattern much
//! faster than glibc's malloc. Bigger blocks are the other way round:
//! mimalloc keeps pages of every size class it has used, so a program
//! whose strings and arrays pass through many sizes holds on to far more
//! memory than under glibc, and a growing table's array part is copied
//! into fresh pages on every doubling, where glibc moves it with `mremap`
//! and unmaps the old block. So only blocks under [`BIG`] bytes go to
//! mimalloc: the small objects keep its speed, and big blocks get glibc's
//! memory behaviour. The measurements behind this split are in
//! docs/PERFORMANCE.md.
//!
//! Small blocks whose alignment is at most a word (nearly all of them:
//! table and closure boxes, node arrays, strings) go through `mi_malloc`,
//! not the `mi_malloc_aligned` that the `mimalloc` crate calls for every
//! layout: mimalloc v3's aligned entry serves a block from its exact size
//! class only when that class's page has a free block at hand, and
//! otherwise (on every page refill) over-allocates by the alignment for
//! any size that is not a power of two, so that in practice an 80-byte
//! box took a 96-byte block and a 96-byte node array a 112-byte one
//! (docs/PERFORMANCE.md, session 6).
//!
//! A block's allocator is decided by its size alone: `dealloc` and
//! `realloc` receive the layout the block was allocated with, so they can
//! tell which allocator owns it. Embedders choose their own allocator; the
//! library crates do not set one.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

// Index in `mi_option_e` of mimalloc v3's mimalloc.h (the version
// libmimalloc-sys 0.1.49 builds by default); the sys crate does not name
// it.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MI_OPTION_ARENA_RESERVE: libmimalloc_sys::mi_option_t = 23;
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// mimalloc is set up on its first use, which comes before `main` (the
/// Rust runtime allocates first): there is no earlier place to do it.
static CONFIGURED: AtomicBool = AtomicBool::new(false);

/// No transparent huge pages: a huge page is 2 MiB of RSS for the first
/// byte touched (an empty script would peak at 8 MB), and on this kind of
/// VM their faults are sometimes far slower than 4 KiB ones. Without them,
/// the arena can be committed up front: on Linux that only maps it
/// readable and writable (pages still cost nothing until touched), and it
/// saves the `mprotect` call, and the split of the mapping, that
/// committing 64 KiB at a time costs for every new page of blocks (about
/// 30 in an empty run). And never purge (hand emptied pages back to the
/// system): the memory stays with the process for the next allocations,
/// as most of what glibc's malloc frees does. Purging makes the
/// collector's pauses unsteady: a sweep step that empties many pages pays
/// for a burst of `madvise` calls (docs/PERFORMANCE.md). The first arena
/// is 64 MiB, not 1 GiB: its bitmaps are sized by it and touched at
/// start-up (half of the allocator's resident memory in an empty run);
/// a program that needs more gets further arenas.
#[cold]
fn configure() {
    // SAFETY: plain option setters; before mimalloc's first allocation,
    // so its arena is made with the options.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 1);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        // In KiB.
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_RESERVE, 64 * 1024);
    }
    CONFIGURED.store(true, Ordering::Relaxed);
}

#[inline(always)]
fn mimalloc() -> MiMalloc {
    if !CONFIGURED.load(Ordering::Relaxed) {
        configure();
    }
    MiMalloc
}

/// Every mimalloc block is aligned to at least a word: block sizes are
/// whole words and a page's first block is 16-aligned (`mi_malloc` is a
/// `malloc`, which promises this alignment for blocks of a word or more;
/// smaller requests are rounded up to a word).
const WORD: usize = size_of::<usize>();

/// A small block from mimalloc: `mi_malloc` (or `mi_zalloc`) for word
/// alignment or less, the aligned entry for stricter alignment.
#[inline(always)]
unsafe fn small_alloc(layout: Layout, zeroed: bool) -> *mut u8 {
    if layout.align() <= WORD {
        if !CONFIGURED.load(Ordering::Relaxed) {
            configure();
        }
        // SAFETY: plain allocation calls (any size; null on failure); the
        // block is word-aligned (`WORD`), which covers `layout.align()`.
        unsafe {
            if zeroed {
                libmimalloc_sys::mi_zalloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_malloc(layout.size()).cast()
            }
        }
    } else {
        // SAFETY: forwarded `GlobalAlloc` contract.
        unsafe {
            if zeroed {
                mimalloc().alloc_zeroed(layout)
            } else {
                mimalloc().alloc(layout)
            }
        }
    }
}

/// Blocks of at least this many bytes come from the system allocator.
pub const BIG: usize = 1024;

/// mimalloc below [`BIG`] bytes, the system allocator from there up.
pub struct SplitAlloc;

fn is_big(layout: &Layout) -> bool {
    layout.size() >= BIG
}

// SAFETY: every method forwards to the allocator that owns the block
// (decided by the layout's size, the same at allocation and at
// deallocation, see the module docs); both allocators uphold the
// `GlobalAlloc` contract themselves.
unsafe impl GlobalAlloc for SplitAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe {
            if is_big(&layout) {
                System.alloc(layout)
            } else {
                small_alloc(layout, false)
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe {
            if is_big(&layout) {
                System.alloc_zeroed(layout)
            } else {
                small_alloc(layout, true)
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `layout` is the one `ptr` was allocated with, so its
        // size names the owning allocator.
        unsafe {
            if is_big(&layout) {
                System.dealloc(ptr, layout)
            } else {
                MiMalloc.dealloc(ptr, layout)
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_big = new_size >= BIG;
        // SAFETY: as in `dealloc` for the old block; a block that changes
        // owner is moved by hand: allocate from the new owner, copy the
        // bytes both sizes cover, free with the old owner.
        unsafe {
            match (is_big(&layout), new_big) {
                // `mi_realloc` keeps word alignment (`WORD`); `mi_free`
                // takes blocks of either entry.
                (false, false) if layout.align() <= WORD => {
                    libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
                }
                (false, false) => MiMalloc.realloc(ptr, layout, new_size),
                (true, true) => System.realloc(ptr, layout, new_size),
                (_, _) => {
                    let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    new
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block keeps its bytes when `realloc` moves it between the two
    /// allocators, both ways, and every block is freed by its owner.
    #[test]
    fn realloc_across_the_threshold_keeps_contents() {
        let a = SplitAlloc;
        let small = Layout::from_size_align(1000, 8).unwrap();
        // SAFETY: layouts are non-zero; each pointer is used with the
        // layout it currently has.
        unsafe {
            let p = a.alloc(small);
            assert!(!p.is_null());
            for i in 0..1000 {
                *p.add(i) = (i % 251) as u8;
            }
            let q = a.realloc(p, small, BIG + 4096);
            assert!(!q.is_null());
            for i in 0..1000 {
                assert_eq!(*q.add(i), (i % 251) as u8);
            }
            let big = Layout::from_size_align(BIG + 4096, 8).unwrap();
            *q.add(BIG + 100) = 7;
            let r = a.realloc(q, big, 2 * BIG);
            assert_eq!(*r.add(BIG + 100), 7);
            let big2 = Layout::from_size_align(2 * BIG, 8).unwrap();
            let s = a.realloc(r, big2, 500);
            for i in 0..500 {
                assert_eq!(*s.add(i), (i % 251) as u8);
            }
            a.dealloc(s, Layout::from_size_align(500, 8).unwrap());
            let z = a.alloc_zeroed(big);
            assert!((0..BIG + 4096).step_by(4096).all(|i| *z.add(i) == 0));
            a.dealloc(z, big);
        }
    }
}
