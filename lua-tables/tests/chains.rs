//! The node array's chain logic (collisions, Brent's moves, dead keys,
//! rehash), observed through the traversal order and the part sizes.
//! Integer keys hash as PUC's `hashint` (`k mod ((size-1)|1)`), so each
//! case is predictable by hand and its expected order comes from lua5.4:
//! the Lua source is in the comment (`show` prints `k=v` pairs in `pairs`
//! order, joined by spaces).

use lua_tables::simple::SimpleValue as V;
use lua_tables::{Table, TableValue};

/// The traversal as lua5.4's `show` prints it.
fn show(t: &Table<V>) -> String {
    let mut out = Vec::new();
    let mut k = V::Nil;
    while let Some((nk, v)) = t.next(k).unwrap() {
        let (V::Int(a), V::Int(b)) = (nk, v) else {
            panic!("unexpected entry {nk:?} = {v:?}");
        };
        out.push(format!("{a}={b}"));
        k = nk;
    }
    out.join(" ")
}

/// A constructor with `nhash` record slots, then the stores in order.
fn built(nhash: usize, stores: &[(i64, i64)]) -> Table<V> {
    let mut t = Table::with_capacity(0, nhash);
    for &(k, v) in stores {
        t.set_int(k, V::Int(v));
    }
    t
}

#[test]
fn colliding_keys_chain_through_free_nodes() {
    // 4 nodes, divisor 3: every key lands on node 0. 3 takes it; 6, 9, 12
    // take the free nodes from the top down (3, 2, 1), each linked right
    // after node 0.
    // local t = {[3]=1,[6]=2,[9]=3,[12]=4}; show(t)
    let t = built(4, &[(3, 1), (6, 2), (9, 3), (12, 4)]);
    assert_eq!(show(&t), "3=1 12=4 9=3 6=2");
    assert_eq!((t.hash_capacity(), t.hash_len()), (4, 4));
    for (k, v) in [(3, 1), (6, 2), (9, 3), (12, 4)] {
        assert_eq!(t.get_int(k), V::Int(v));
    }
    assert_eq!(t.get_int(15), V::Nil, "a miss walks the whole chain");
    t.check_invariants();
}

#[test]
fn brent_moves_a_key_out_of_a_foreign_main_position() {
    // 8 nodes, divisor 7: 1, 8 and 15 share node 1; 8 goes to node 7 and
    // 15 to node 6. Then 6, whose main position is node 6, evicts 15
    // (not at home) to the next free node, 5.
    // local t = {a=nil,b=nil,c=nil,d=nil,e=nil,f=nil,g=nil,h=nil}
    // t[1]=1 t[8]=2 t[15]=3 t[6]=4; show(t)
    let t = built(8, &[(1, 1), (8, 2), (15, 3), (6, 4)]);
    assert_eq!(show(&t), "1=1 15=3 6=4 8=2");
    for (k, v) in [(1, 1), (8, 2), (15, 3), (6, 4)] {
        assert_eq!(t.get_int(k), V::Int(v), "key {k} after the move");
    }
    t.check_invariants();
}

#[test]
fn dead_key_in_main_position_is_reused_without_rehash() {
    // local t = {[3]=1,[6]=2,[9]=3,[12]=4}; t[3]=nil; t[0]=5; show(t)
    let mut t = built(4, &[(3, 1), (6, 2), (9, 3), (12, 4)]);
    t.set_int(3, V::Nil);
    t.set_int(0, V::Int(5));
    assert_eq!(show(&t), "0=5 12=4 9=3 6=2");
    assert_eq!((t.hash_capacity(), t.hash_len()), (4, 4), "no rehash");
    // The reused node kept its link: the rest of the chain is reachable.
    assert_eq!(t.get_int(6), V::Int(2));
    t.check_invariants();
    // Full now: 5's main position (node 2) is live, so a rehash to 8
    // nodes (divisor 7) reinserts in node order, then adds 5.
    // t[5]=6; show(t)
    t.set_int(5, V::Int(6));
    assert_eq!(show(&t), "0=5 9=3 12=4 6=2 5=6");
    assert_eq!((t.hash_capacity(), t.hash_len()), (8, 5));
    t.check_invariants();
}

#[test]
fn rehash_drops_dead_keys() {
    // 6 and 9 die; 4's main position (node 1) holds 12, live, and no node
    // is free: the rehash counts 3 live keys (with 4) and keeps 4 nodes.
    // local t = {[3]=1,[6]=2,[9]=3,[12]=4}; t[6]=nil; t[9]=nil; t[4]=8; show(t)
    let mut t = built(4, &[(3, 1), (6, 2), (9, 3), (12, 4)]);
    t.set_int(6, V::Nil);
    t.set_int(9, V::Nil);
    assert_eq!(t.hash_len(), 4, "dead keys stay until the rehash");
    t.set_int(4, V::Int(8));
    assert_eq!(show(&t), "3=1 4=8 12=4");
    assert_eq!((t.hash_capacity(), t.hash_len()), (4, 3));
    assert_eq!(t.get_int(6), V::Nil);
    t.check_invariants();
}

#[test]
fn growth_order_matches_lua54() {
    // local t = {} for i = 1, 20 do t[i * 10] = i end show(t)
    let mut t = Table::new();
    for i in 1..=20 {
        t.set_int(i * 10, V::Int(i));
    }
    assert_eq!(
        show(&t),
        "190=19 160=16 130=13 100=10 70=7 40=4 10=1 200=20 170=17 140=14 \
         110=11 80=8 50=5 20=2 180=18 150=15 120=12 90=9 60=6 30=3"
    );
    t.check_invariants();
}

#[test]
fn clearing_during_traversal_keeps_the_traversal_going() {
    // local t = {} for i = 1, 20 do t[-i] = i end
    // for k in pairs(t) do if k % 3 == 0 then t[k] = nil end end show(t)
    let mut t = Table::new();
    for i in 1..=20 {
        t.set_int(-i, V::Int(i));
    }
    let mut k = V::Nil;
    let mut visited = 0;
    while let Some((nk, _)) = t.next(k).unwrap() {
        if let V::Int(i) = nk
            && i % 3 == 0
        {
            t.set_int(i, V::Nil);
        }
        visited += 1;
        k = nk;
    }
    assert_eq!(visited, 20);
    let after = "-16=16 -14=14 -13=13 -11=11 -10=10 -8=8 -7=7 -5=5 -4=4 -2=2 -1=1 \
                 -20=20 -19=19 -17=17";
    assert_eq!(show(&t), after);
    // `next` from a dead key still works
    assert!(t.next(V::Int(-3)).is_ok());
    // t[-100] = 1 show(t)
    t.set_int(-100, V::Int(1));
    assert_eq!(show(&t), format!("{after} -100=1"));
    t.check_invariants();
}

#[test]
fn a_part_filled_only_by_main_positions_still_rehashes_when_full() {
    // 4 nodes, divisor 3: keys 0, 4, 2 fill nodes 0-2 in main position
    // without moving `lastfree`; 3 collides with 0 and takes node 3; then
    // 6 collides too, finds no free node below and rehashes: 2, 3 and 4
    // fill more than half of an array of 4, so they move there, and the
    // hash part shrinks to 2 nodes for 0 and 6.
    // local t = {[0]=0,[4]=1,[2]=2}; t[3]=3; show(t); t[6]=6; show(t)
    let mut t = built(4, &[(0, 0), (4, 1), (2, 2)]);
    t.set_int(3, V::Int(3));
    assert_eq!(show(&t), "0=0 4=1 2=2 3=3");
    assert_eq!(t.hash_capacity(), 4);
    t.set_int(6, V::Int(6));
    assert_eq!(show(&t), "2=2 3=3 4=1 0=0 6=6");
    assert_eq!((t.array_len(), t.hash_capacity()), (4, 2));
    for k in [0, 4, 2, 3, 6] {
        assert!(!t.get_int(k).is_nil(), "key {k}");
    }
    t.check_invariants();
}

/// A value type with a collectable key: `Obj(id)` stands for an object the
/// collector may free. `key_eq` "dereferences" it (panics if it was freed,
/// as reading freed memory would be undefined), and so does rebuilding it
/// from a node's parts: the table must compare a dead key by its parts
/// (the id) only.
mod collectable {
    use std::cell::RefCell;
    use std::collections::BTreeSet;
    use std::hash::Hasher;

    use lua_tables::TableValue;

    thread_local! {
        pub static FREED: RefCell<BTreeSet<u32>> = const { RefCell::new(BTreeSet::new()) };
    }

    #[derive(Clone, Copy, Debug, PartialEq)]
    pub enum Val {
        Nil,
        Int(i64),
        Obj(u32),
    }

    fn check_alive(v: &Val) {
        if let Val::Obj(id) = v {
            assert!(
                !FREED.with(|f| f.borrow().contains(id)),
                "object {id} read after it was freed"
            );
        }
    }

    impl TableValue for Val {
        const NIL: Self = Val::Nil;
        fn is_nil(&self) -> bool {
            matches!(self, Val::Nil)
        }
        fn as_int_key(&self) -> Option<i64> {
            match *self {
                Val::Int(i) => Some(i),
                _ => None,
            }
        }
        fn from_int_key(i: i64) -> Self {
            Val::Int(i)
        }
        fn is_nan(&self) -> bool {
            false
        }
        fn key_eq(&self, other: &Self) -> bool {
            check_alive(self);
            check_alive(other);
            self == other
        }
        fn key_hash<H: Hasher>(&self, state: &mut H) {
            check_alive(self);
            if let Val::Obj(id) = self {
                // few distinct hashes: long chains
                state.write_u32(id % 5);
            }
        }
        const KEY_TAG_NIL: u8 = 0;
        const KEY_TAG_INT: u8 = 1;
        fn key_parts(&self) -> (u8, u64) {
            match *self {
                Val::Nil => (0, 0),
                Val::Int(i) => (1, i as u64),
                Val::Obj(id) => (2, u64::from(id)),
            }
        }
        unsafe fn from_key_parts(tag: u8, bits: u64) -> Self {
            let v = match tag {
                0 => Val::Nil,
                1 => Val::Int(bits as i64),
                _ => Val::Obj(bits as u32),
            };
            // The table rebuilds live keys only.
            check_alive(&v);
            v
        }
        // `key_eq_is_identity` stays false: lookups take the `key_eq`
        // path, which must not reach dead keys either.
    }
}

#[test]
fn dead_keys_of_freed_objects_are_never_looked_inside() {
    use collectable::{FREED, Val};
    let mut t: Table<Val> = Table::new();
    for id in 0..64 {
        t.set(Val::Obj(id), Val::Int(id as i64)).unwrap();
    }
    // Clear the even objects during a traversal, then "collect" them.
    let mut k = Val::Nil;
    while let Some((nk, _)) = t.next(k).unwrap() {
        if let Val::Obj(id) = nk
            && id % 2 == 0
        {
            t.set(nk, Val::Nil).unwrap();
        }
        k = nk;
    }
    FREED.with(|f| f.borrow_mut().extend((0..64).filter(|id| id % 2 == 0)));
    // Lookups and stores walk chains full of dead keys of freed objects.
    for id in (1..64).step_by(2) {
        assert_eq!(t.get(Val::Obj(id)), Val::Int(id as i64));
        t.set(Val::Obj(id), Val::Int(-(id as i64))).unwrap();
    }
    for id in 100..110 {
        assert_eq!(t.get(Val::Obj(id)), Val::Nil);
    }
    let mut n = 0;
    let mut k = Val::Nil;
    while let Some((nk, v)) = t.next(k).unwrap() {
        let Val::Obj(id) = nk else { panic!("{nk:?}") };
        assert_eq!(v, Val::Int(-(id as i64)));
        n += 1;
        k = nk;
    }
    assert_eq!(n, 32);
    // New keys rehash eventually, which drops the dead keys for good.
    for id in 100..200 {
        t.set(Val::Obj(id), Val::Int(1)).unwrap();
    }
    assert_eq!(t.iter().count(), 132);
    FREED.with(|f| f.borrow_mut().clear());
    t.check_invariants();
}
