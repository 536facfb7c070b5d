//! Memory accounting: `heap_bytes` against what the allocator actually
//! handed out, and the figures quoted in docs/PERFORMANCE.md (run with
//! `cargo test -p lua-tables --release --test memory -- --nocapture`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use lua_tables::Table;
use lua_tables::simple::{SimpleValue as V, Sym};

/// Counts the bytes live per thread, so parallel tests do not mix.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; the only
// addition is bookkeeping in a thread-local `Cell`, which does not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LIVE.try_with(|c| c.set(c.get() + layout.size() as isize));
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE.try_with(|c| c.set(c.get() - layout.size() as isize));
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LIVE.try_with(|c| c.set(c.get() + new_size as isize - layout.size() as isize));
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> isize {
    LIVE.with(|c| c.get())
}

/// Builds a table with `build` and returns (bytes allocated and still
/// held, the table's own `heap_bytes`).
fn measure(build: impl FnOnce() -> Table<V>) -> (usize, usize, Table<V>) {
    let before = live();
    let t = build();
    let used = (live() - before) as usize;
    let reported = t.heap_bytes();
    (used, reported, t)
}

fn appended(n: i64) -> Table<V> {
    let mut t = Table::new();
    for i in 1..=n {
        let len = t.len() as i64;
        t.set_int(len + 1, V::Int(i));
    }
    t
}

fn string_keyed(n: u32) -> Table<V> {
    let mut t = Table::new();
    for i in 0..n {
        t.set(V::Str(Sym::new(i)), V::Int(i as i64)).unwrap();
    }
    t
}

#[test]
fn heap_bytes_is_what_the_allocator_saw() {
    for n in [0, 1, 3, 4, 5, 100, 1000, 4097] {
        let (used, reported, t) = measure(|| appended(n));
        assert_eq!(used, reported, "{n} appended, array {}", t.array_len());
        let (used, reported, t) = measure(|| string_keyed(n as u32));
        assert_eq!(
            used,
            reported,
            "{n} string keys, hash {}",
            t.hash_capacity()
        );
    }
    for (a, h) in [(0, 1), (3, 1), (7, 9), (100, 100), (0, 1000)] {
        let (used, reported, _) = measure(|| Table::with_capacity(a, h));
        assert_eq!(used, reported, "with_capacity({a}, {h})");
    }
    // shrinking moves keys into the hash part
    let (used, reported, _) = measure(|| {
        let mut t = appended(100);
        t.resize(10, 0);
        t
    });
    assert_eq!(used, reported, "after resize(10, 0)");
}

#[test]
fn million_appended_integers() {
    let (used, _, t) = measure(|| appended(1_000_000));
    assert_eq!(t.len(), 1_000_000);
    // Every value is in the array part, one 16-byte slot each, and the
    // array is PUC's power of two.
    assert_eq!(t.array_len(), 1 << 20);
    assert_eq!(used, (1 << 20) * std::mem::size_of::<V>());
    println!(
        "1,000,000 appended integers: {used} bytes ({:.2} per element); lua5.4 measures 16777272",
        used as f64 / 1e6
    );
}

#[test]
fn bytes_per_hash_entry() {
    for n in [1000u32, 100_000, 131_072] {
        let (used, _, t) = measure(|| string_keyed(n));
        println!(
            "{n} string keys: {used} bytes, {:.1} per entry, {:.1} per slot ({} slots)",
            used as f64 / n as f64,
            used as f64 / t.hash_capacity() as f64,
            t.hash_capacity()
        );
        assert_eq!(t.hash_capacity(), (n as usize).next_power_of_two());
    }
}
