use super::mark::SLICE;
use super::*;
use crate::object::RawTable;

fn table(h: &mut Heap) -> Gc<Table> {
    h.alloc(Table::new(RawTable::new()))
}

fn size_of_table(t: Gc<Table>) -> usize {
    std::mem::size_of::<GcBox<Table>>() + t.extra_bytes()
}

fn size_of_str(s: Gc<LuaStr>) -> usize {
    std::mem::size_of::<GcBox<LuaStr>>() + s.extra_bytes()
}

/// The live size is summed while marking: an object reached through
/// several edges counts once, garbage not at all.
#[test]
fn live_size_counts_each_reachable_object_once() {
    let mut h = Heap::new();
    let root = table(&mut h);
    let child = table(&mut h);
    let shared = h.new_str(b"shared by two tables");
    let long = h.new_str(&[b'x'; 100]);
    let garbage = table(&mut h);
    let _ = h.new_str(b"garbage string");
    for i in 1..=3 {
        root.raw_mut().set_int(i, Value::Table(child));
    }
    root.raw_mut().set_int(4, Value::Str(shared));
    root.raw_mut()
        .set(Value::Str(long), Value::Str(shared))
        .unwrap();
    child.raw_mut().set_int(1, Value::Str(shared));
    child.raw_mut().set_int(2, Value::Table(root));
    garbage.raw_mut().set_int(1, Value::Table(root));

    h.collect(&mut |t| t.mark(root));
    let want = size_of_table(root) + size_of_table(child) + size_of_str(shared) + size_of_str(long);
    assert_eq!(h.bytes, want);
    assert_eq!(h.object_count(), 4);
    // Nothing died: a second collection measures the same.
    h.collect(&mut |t| t.mark(root));
    assert_eq!(h.bytes, want);
    assert_eq!(child.get_int(1).type_name(), "string");
}

/// Edges are queued before their mark bit is read, so one table holding
/// the same object many times pushes it many times: all are visited,
/// and the stack's memory kept afterwards is bounded.
#[test]
fn repeated_edges_are_marked_and_the_kept_stack_is_bounded() {
    let mut h = Heap::new();
    let root = table(&mut h);
    let leaf = table(&mut h);
    let n = 3 * GRAY_KEEP as i64;
    for i in 1..=n {
        root.raw_mut().set_int(i, Value::Table(leaf));
    }
    let distinct: Vec<Gc<Table>> = (0..1000).map(|_| table(&mut h)).collect();
    for (i, &d) in distinct.iter().enumerate() {
        root.raw_mut().set_int(n + 1 + i as i64, Value::Table(d));
    }
    let _ = table(&mut h);
    h.collect(&mut |t| t.mark(root));
    assert_eq!(h.object_count(), 2 + distinct.len());
    assert!(h.tracer.gray.capacity() <= GRAY_KEEP);
    assert!(Gc::ptr_eq(
        match root.get_int(n) {
            Value::Table(t) => t,
            _ => panic!("leaf lost"),
        },
        leaf
    ));
}

/// Dead tables' boxes are reused by the next tables: the new tables
/// start empty, with no metatable, and the dead tables' contents were
/// released (a string only they held is freed).
#[test]
fn swept_table_boxes_are_reused_clean() {
    let mut h = Heap::new();
    let root = table(&mut h);
    let meta = table(&mut h);
    let mut dead = Vec::new();
    for i in 0..50 {
        let t = table(&mut h);
        let s = h.new_str(format!("only in dead table {i}").as_bytes());
        t.raw_mut().set_int(1, Value::Str(s));
        t.set_metatable(Some(meta));
        dead.push(t.addr());
    }
    root.raw_mut().set_int(1, Value::Table(meta));
    h.collect(&mut |t| t.mark(root));
    assert_eq!(h.object_count(), 2);
    let fresh: Vec<Gc<Table>> = (0..60).map(|_| table(&mut h)).collect();
    let reused = fresh.iter().filter(|t| dead.contains(&t.addr())).count();
    assert_eq!(reused, 50);
    for (i, &t) in fresh.iter().enumerate() {
        assert!(t.metatable().is_none());
        assert!(t.get_int(1).is_nil());
        t.raw_mut().set_int(1, Value::Int(i as i64));
        root.raw_mut().set_int(2 + i as i64, Value::Table(t));
    }
    h.collect(&mut |t| t.mark(root));
    assert_eq!(h.object_count(), 62);
    for (i, &t) in fresh.iter().enumerate() {
        assert!(matches!(t.get_int(1), Value::Int(n) if n == i as i64));
    }
}

/// Spares unused for a whole cycle go back to the allocator, and GC
/// stress frees dead tables at once (so memory checkers see misuse).
#[test]
fn spares_last_one_cycle_and_none_under_stress() {
    let mut h = Heap::new();
    for _ in 0..10 {
        table(&mut h);
    }
    h.collect(&mut |_| {});
    assert!(h.spare.is_some());
    h.collect(&mut |_| {});
    assert!(h.spare.is_none());
    h.stress = true;
    for _ in 0..10 {
        table(&mut h);
    }
    h.collect(&mut |_| {});
    assert!(h.spare.is_none());
    assert_eq!(h.object_count(), 0);
}

/// Take small steps until the phase is `until`, at most `max` steps.
fn steps_until(h: &mut Heap, root: Gc<Table>, until: Phase, max: usize) {
    for _ in 0..max {
        h.auto_step(&mut |t| t.mark(root));
        if h.phase() == until {
            return;
        }
    }
    panic!("phase {until:?} not reached in {max} steps");
}

/// Incremental steps end a cycle that frees exactly the garbage, and a
/// later cycle finds what became garbage meanwhile.
#[test]
fn steps_collect_garbage_and_keep_live_objects() {
    let mut h = Heap::new();
    h.stress_steps = true;
    let root = table(&mut h);
    for i in 1..=500 {
        let t = table(&mut h);
        t.raw_mut().set_int(1, Value::Int(i));
        root.raw_mut().set_int(i, Value::Table(t));
        let _garbage = table(&mut h);
    }
    assert_eq!(h.object_count(), 1001);
    steps_until(&mut h, root, Phase::Propagate, 1);
    steps_until(&mut h, root, Phase::Pause, 10_000);
    assert_eq!(h.object_count(), 501);
    for i in 1..=250 {
        root.raw_mut().set_int(i, Value::Nil);
    }
    steps_until(&mut h, root, Phase::Propagate, 1);
    steps_until(&mut h, root, Phase::Pause, 10_000);
    assert_eq!(h.object_count(), 251);
    assert!(
        matches!(root.get_int(300), Value::Table(t) if matches!(t.get_int(1), Value::Int(300)))
    );
}

/// An object created during marking and stored only into a table
/// already traced survives through the barrier; without the barrier
/// call it would be freed.
#[test]
fn barrier_keeps_a_new_object_stored_into_a_traced_table() {
    let mut h = Heap::new();
    h.stress_steps = true;
    let root = table(&mut h);
    for i in 1..=500 {
        let t = table(&mut h);
        root.raw_mut().set_int(i, Value::Table(t));
    }
    steps_until(&mut h, root, Phase::Propagate, 1);
    assert_eq!(root.header().color.get(), BLACK);
    let fresh = table(&mut h);
    let s = h.new_str(b"only in fresh");
    fresh.raw_mut().set_int(1, Value::Str(s));
    root.raw_mut().set_int(501, Value::Table(fresh));
    h.barrier_table(root, Value::Int(501), Value::Table(fresh));
    steps_until(&mut h, root, Phase::Pause, 10_000);
    assert_eq!(h.object_count(), 503);
    assert!(matches!(fresh.get_int(1), Value::Str(x) if x.as_bytes() == b"only in fresh"));
}

/// A string found dead by the atomic step but interned again before
/// the sweep reaches it is kept.
#[test]
fn interning_revives_a_dead_string_before_its_sweep() {
    let mut h = Heap::new();
    h.stress_steps = true;
    let root = table(&mut h);
    let s = h.new_str(b"dies, then comes back");
    let _ = s;
    for _ in 0..200 {
        table(&mut h);
    }
    steps_until(&mut h, root, Phase::Sweep, 10_000);
    assert_eq!(s.header().color.get(), h.dead_color());
    let again = h.new_str(b"dies, then comes back");
    assert!(Gc::ptr_eq(again, s));
    root.raw_mut().set_int(1, Value::Str(again));
    steps_until(&mut h, root, Phase::Pause, 10_000);
    assert_eq!(h.object_count(), 2);
    assert_eq!(again.as_bytes(), b"dies, then comes back");
}

/// A long array is traced in slices; a value moved from a slot not
/// traced yet into one already traced is kept by the barrier, and a
/// shrink of the array part (values moved into the hash part) makes
/// the table traced again whole.
#[test]
fn sliced_arrays_keep_every_value() {
    let mut h = Heap::new();
    h.stress_steps = true;
    let root = table(&mut h);
    let slots = 4 * SLICE;
    let n = i64::try_from(slots).unwrap();
    for i in 1..=n {
        let t = table(&mut h);
        root.raw_mut().set_int(i, Value::Table(t));
    }
    steps_until(&mut h, root, Phase::Propagate, 1);
    while root.header().color.get() != BLACK {
        h.auto_step(&mut |t| t.mark(root));
    }
    assert!(!h.tracer.slices.is_empty());
    // Move the last value to slot 1 (traced), clear its old slot.
    let last = root.get_int(n);
    root.raw_mut().set_int(1, last);
    h.barrier_table(root, Value::Int(1), last);
    root.raw_mut().set_int(n, Value::Nil);
    // Shrink: rehash with a small array part; the values move to the
    // hash part.
    root.raw_mut().resize(SLICE, slots.next_power_of_two());
    steps_until(&mut h, root, Phase::Pause, 1_000_000);
    // The first table, dropped from slot 1 after it was traced, is
    // floating garbage until the next cycle; the rest live.
    assert_eq!(h.object_count(), slots + 1);
    steps_until(&mut h, root, Phase::Pause, 1_000_000);
    assert_eq!(h.object_count(), slots);
    for i in 2..n {
        assert!(matches!(root.get_int(i), Value::Table(_)));
    }
    assert!(
        matches!((root.get_int(1), last), (Value::Table(a), Value::Table(b)) if Gc::ptr_eq(a, b))
    );
}

/// Generational mode: a minor collection frees young garbage only and
/// keeps a young object an old one holds through the remembered list;
/// a major one frees old garbage too.
#[test]
fn minor_collections_free_young_garbage_and_majors_old() {
    let mut h = Heap::new();
    h.start_in(Mode::Generational, false);
    let root = table(&mut h);
    let old_garbage = table(&mut h);
    let old_kept = table(&mut h);
    root.raw_mut().set_int(1, Value::Table(old_garbage));
    root.raw_mut().set_int(2, Value::Table(old_kept));
    h.collect(&mut |t| t.mark(root));
    assert_eq!(old_kept.header().color.get(), BLACK);
    // Old garbage; a young object held only by an old one; young garbage.
    root.raw_mut().set_int(1, Value::Nil);
    let young = table(&mut h);
    old_kept.raw_mut().set_int(1, Value::Table(young));
    h.barrier_table(old_kept, Value::Int(1), Value::Table(young));
    assert_eq!(old_kept.header().color.get(), TOUCHED);
    for _ in 0..10 {
        table(&mut h);
    }
    h.step(&mut |t| t.mark(root), 0);
    assert_eq!(h.mode(), Mode::Generational);
    // The minor freed the ten, kept the young one (now old) and the
    // old garbage (old objects die in majors).
    assert_eq!(h.object_count(), 4);
    assert_eq!(young.header().color.get(), BLACK);
    assert_eq!(old_kept.header().color.get(), BLACK);
    h.collect(&mut |t| t.mark(root));
    assert_eq!(h.object_count(), 3);
    assert!(matches!(old_kept.get_int(1), Value::Table(t) if Gc::ptr_eq(t, young)));
}

/// A chain far longer than any FIFO or stack depth is marked whole
/// (and without recursion), through every kind of edge order.
#[test]
fn long_chains_in_both_directions_survive() {
    let mut h = Heap::new();
    let head = table(&mut h);
    let mut prev = head;
    for _ in 0..100_000 {
        let n = table(&mut h);
        // Forward link and a back link: each table is reached twice.
        prev.raw_mut().set_int(1, Value::Table(n));
        n.raw_mut().set_int(2, Value::Table(prev));
        prev = n;
    }
    let _ = table(&mut h);
    h.collect(&mut |t| t.mark(head));
    assert_eq!(h.object_count(), 100_001);
    h.collect(&mut |_| {});
    assert_eq!(h.object_count(), 0);
    assert_eq!(h.bytes, 0);
}

/// The intern set's short-string comparison agrees with byte equality at
/// every length up to past the short limit, whatever byte differs.
#[test]
fn intern_bytes_compare_as_slices() {
    for n in 0..=48u8 {
        let a: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
        assert!(InternBytes::new(&a) == InternBytes::new(&a.clone()));
        for at in 0..usize::from(n) {
            let mut b = a.clone();
            b[at] ^= 0x40;
            assert!(
                InternBytes::new(&a) != InternBytes::new(&b),
                "len {n}, byte {at}"
            );
        }
        let mut longer = a.clone();
        longer.push(0);
        assert!(InternBytes::new(&a) != InternBytes::new(&longer));
    }
}

/// Interning a string built anew finds the existing one.
#[test]
fn new_str_finds_interned_strings() {
    let mut h = Heap::new();
    let words: Vec<Vec<u8>> = (0..300).map(|i| format!("w{i}").into_bytes()).collect();
    let first: Vec<Gc<LuaStr>> = words.iter().map(|w| h.new_str(w)).collect();
    for (w, s) in words.iter().zip(&first) {
        assert!(Gc::ptr_eq(h.new_str(&w.clone()), *s));
    }
}
