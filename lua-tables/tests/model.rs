//! Property tests: the table against a BTreeMap model of normalised keys.

use std::collections::{BTreeMap, BTreeSet};

use lua_tables::simple::{SimpleValue as V, Sym};
use lua_tables::{KeyError, Table, TableValue};
use proptest::prelude::*;

/// A normalised key, as the model stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum MKey {
    Int(i64),
    Float(u64),
    Str(u32),
    Bool(bool),
}

fn mkey(k: V) -> Option<MKey> {
    if let Some(i) = k.as_int_key() {
        return Some(MKey::Int(i));
    }
    match k {
        V::Float(f) if !f.is_nan() => Some(MKey::Float(f.to_bits())),
        V::Str(s) => Some(MKey::Str(s.id())),
        V::Bool(b) => Some(MKey::Bool(b)),
        _ => None,
    }
}

#[derive(Default)]
struct Model(BTreeMap<MKey, V>);

impl Model {
    fn get(&self, k: V) -> V {
        mkey(k)
            .and_then(|k| self.0.get(&k).copied())
            .unwrap_or(V::Nil)
    }
    fn set(&mut self, k: V, v: V) -> Result<(), KeyError> {
        let Some(mk) = mkey(k) else {
            return Err(if k.is_nil() {
                KeyError::Nil
            } else {
                KeyError::NaN
            });
        };
        if v.is_nil() {
            self.0.remove(&mk);
        } else {
            self.0.insert(mk, v);
        }
        Ok(())
    }
    fn get_int(&self, i: u64) -> V {
        self.0.get(&MKey::Int(i as i64)).copied().unwrap_or(V::Nil)
    }
}

fn key_strategy() -> impl Strategy<Value = V> {
    prop_oneof![
        8 => (-2i64..48).prop_map(V::Int),
        1 => prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(1 << 40)].prop_map(V::Int),
        2 => (-2i64..48).prop_map(|i| V::Float(i as f64)),
        1 => prop_oneof![Just(0.5), Just(-2.5), Just(1e300), Just(f64::INFINITY), Just(-0.0), Just(f64::NAN)]
            .prop_map(V::Float),
        3 => (0u32..12).prop_map(|i| V::Str(Sym::new(i))),
        1 => any::<bool>().prop_map(V::Bool),
        1 => Just(V::Nil),
    ]
}

fn value_strategy() -> impl Strategy<Value = V> {
    prop_oneof![
        3 => (0i64..1000).prop_map(V::Int),
        1 => Just(V::Nil),
        1 => (0u32..5).prop_map(|i| V::Str(Sym::new(i))),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Set(V, V),
    SetInt(i64, V),
    Get(V),
    Len,
    /// Append `t[#t+1] = v`.
    Push(V),
    /// Full traversal; each step runs the action chosen by the selector.
    Traverse(Vec<u8>),
    Next(V),
    Resize(usize, usize),
    /// Drop entries whose value is an odd integer.
    RetainEven,
    /// A traversal that also inserts new keys: undefined in Lua, so only
    /// "no panic, and the table still matches the model" is required.
    TraverseInserting(Vec<(u8, V)>),
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (key_strategy(), value_strategy()).prop_map(|(k, v)| Op::Set(k, v)),
        6 => (-2i64..70, value_strategy()).prop_map(|(k, v)| Op::SetInt(k, v)),
        4 => key_strategy().prop_map(Op::Get),
        3 => Just(Op::Len),
        5 => (1i64..1000).prop_map(|i| Op::Push(V::Int(i))),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Op::Traverse),
        1 => key_strategy().prop_map(Op::Next),
        1 => (0usize..80, 0usize..40).prop_map(|(a, h)| Op::Resize(a, h)),
        1 => Just(Op::RetainEven),
        1 => proptest::collection::vec((any::<u8>(), key_strategy()), 0..32).prop_map(Op::TraverseInserting),
    ]
}

fn check_border(t: &Table<V>, m: &Model) {
    let n = t.len();
    assert!(
        n == 0 || !m.get_int(n).is_nil(),
        "border {n}: t[{n}] is nil"
    );
    assert!(
        m.get_int(n + 1).is_nil(),
        "border {n}: t[{}] is not nil",
        n + 1
    );
}

fn check_contents(t: &Table<V>, m: &Model) {
    // iter, for_each and next agree with the model, and with each other.
    let mut via_iter = BTreeMap::new();
    for (k, v) in t.iter() {
        assert!(
            via_iter.insert(mkey(k).unwrap(), v).is_none(),
            "iter repeats {k:?}"
        );
    }
    assert_eq!(via_iter, m.0);
    let mut via_each = BTreeMap::new();
    t.for_each(|k, v| {
        via_each.insert(mkey(k).unwrap(), v);
    });
    assert_eq!(via_each, m.0);
    let mut via_next = BTreeMap::new();
    let mut k = V::Nil;
    while let Some((nk, v)) = t.next(k).expect("next on a returned key") {
        assert!(
            via_next.insert(mkey(nk).unwrap(), v).is_none(),
            "next repeats {nk:?}"
        );
        k = nk;
    }
    assert_eq!(via_next, m.0);
    assert_eq!(t.is_empty(), m.0.is_empty());
    for (k, v) in &m.0 {
        let key = match *k {
            MKey::Int(i) => V::Int(i),
            MKey::Float(b) => V::Float(f64::from_bits(b)),
            MKey::Str(s) => V::Str(Sym::new(s)),
            MKey::Bool(b) => V::Bool(b),
        };
        assert_eq!(t.get(key), *v);
    }
}

/// A traversal that mutates existing fields as it goes. Every key present
/// at the start and never cleared must be visited once; no key twice; every
/// pair returned is current.
fn traverse(t: &mut Table<V>, m: &mut Model, actions: &[u8]) {
    let start: BTreeSet<MKey> = m.0.keys().copied().collect();
    let mut cleared = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut k = V::Nil;
    let mut step = 0;
    while let Some((nk, v)) = t.next(k).expect("traversal key must stay valid") {
        let mk = mkey(nk).unwrap();
        assert!(seen.insert(mk), "visited {nk:?} twice");
        assert_eq!(m.get(nk), v, "stale value for {nk:?}");
        let action = actions.get(step).copied().unwrap_or(0);
        step += 1;
        let keys: Vec<MKey> = m.0.keys().copied().collect();
        let pick = |sel: u8| keys[sel as usize % keys.len()];
        let target = match action % 4 {
            0 => None,
            1 => Some((mk, V::Nil)),
            2 => Some((pick(action / 4), V::Nil)),
            _ => Some((pick(action / 4), V::Int(action as i64))),
        };
        if let Some((tk, tv)) = target {
            let key = match tk {
                MKey::Int(i) => V::Int(i),
                MKey::Float(b) => V::Float(f64::from_bits(b)),
                MKey::Str(s) => V::Str(Sym::new(s)),
                MKey::Bool(b) => V::Bool(b),
            };
            t.set(key, tv).unwrap();
            m.set(key, tv).unwrap();
            if tv.is_nil() {
                cleared.insert(tk);
            }
        }
        k = nk;
    }
    for key in start {
        assert!(
            seen.contains(&key) || cleared.contains(&key),
            "traversal missed {key:?}"
        );
    }
}

fn run(ops: &[Op]) {
    let mut t: Table<V> = Table::new();
    let mut m = Model::default();
    for op in ops {
        match op {
            Op::Set(k, v) => assert_eq!(t.set(*k, *v), m.set(*k, *v)),
            Op::SetInt(k, v) => {
                t.set_int(*k, *v);
                m.set(V::Int(*k), *v).unwrap();
            }
            Op::Get(k) => assert_eq!(t.get(*k), m.get(*k), "get {k:?}"),
            Op::Len => check_border(&t, &m),
            Op::Push(v) => {
                let n = t.len() as i64;
                t.set_int(n + 1, *v);
                m.set(V::Int(n + 1), *v).unwrap();
            }
            Op::Traverse(actions) => traverse(&mut t, &mut m, actions),
            Op::Next(k) => {
                let r = t.next(*k);
                if !k.is_nil() && !m.get(*k).is_nil() {
                    assert!(r.is_ok(), "next({k:?}) on a present key failed");
                }
                if let Ok(Some((nk, nv))) = r {
                    assert_eq!(m.get(nk), nv);
                }
            }
            Op::Resize(a, h) => t.resize(*a, *h),
            Op::TraverseInserting(steps) => {
                let mut k = V::Nil;
                for (sel, new_key) in steps {
                    match t.next(k) {
                        Ok(Some((nk, v))) => {
                            assert_eq!(m.get(nk), v, "stale value for {nk:?}");
                            k = nk;
                        }
                        Ok(None) | Err(_) => break,
                    }
                    if sel % 3 == 0 {
                        let v = V::Int(*sel as i64);
                        assert_eq!(t.set(*new_key, v), m.set(*new_key, v));
                    }
                }
            }
            Op::RetainEven => {
                let even = |v: V| !matches!(v, V::Int(i) if i % 2 == 1);
                t.retain(|_, v| even(v));
                m.0.retain(|_, v| even(*v));
            }
        }
        check_border(&t, &m);
        t.check_invariants();
    }
    check_contents(&t, &m);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn table_matches_model(ops in proptest::collection::vec(op_strategy(), 0..200)) {
        run(&ops);
    }
}

#[test]
fn appends_stay_in_the_array() {
    let mut t: Table<V> = Table::new();
    for i in 1..=1000 {
        let n = t.len() as i64;
        t.set_int(n + 1, V::Int(i));
    }
    assert_eq!(t.len(), 1000);
    assert_eq!(t.array_len(), 1024);
    assert_eq!(t.hash_len(), 0);
    let mut t: Table<V> = Table::new();
    for i in 1..=1000 {
        t.set_int(i, V::Int(i));
    }
    assert_eq!(t.array_len(), 1024);
    assert_eq!(t.hash_len(), 0);
}

#[test]
fn reverse_fill_ends_in_the_array() {
    // Filling 1000..1 lands in the hash first; the rehashes move it over.
    let mut t: Table<V> = Table::new();
    for i in (1..=1000).rev() {
        t.set_int(i, V::Int(i));
    }
    assert_eq!(t.len(), 1000);
    assert!(t.array_len() >= 512, "array part {}", t.array_len());
}

#[test]
fn key_errors_and_float_keys() {
    let mut t: Table<V> = Table::new();
    assert_eq!(t.set(V::Nil, V::Int(1)), Err(KeyError::Nil));
    assert_eq!(t.set(V::Nil, V::Nil), Err(KeyError::Nil));
    assert_eq!(t.set(V::Float(f64::NAN), V::Int(1)), Err(KeyError::NaN));
    assert_eq!(t.get(V::Nil), V::Nil);
    assert_eq!(t.get(V::Float(f64::NAN)), V::Nil);
    t.set(V::Float(1.0), V::Int(10)).unwrap();
    assert_eq!(t.get(V::Int(1)), V::Int(10));
    t.set(V::Float(2f64.powi(53)), V::Int(7)).unwrap();
    assert_eq!(t.get_int(9_007_199_254_740_992), V::Int(7));
    let (k, _) = t.next(V::Int(1)).unwrap().unwrap();
    assert_eq!(
        k,
        V::Int(9_007_199_254_740_992),
        "float keys are stored as integers"
    );
    assert_eq!(t.next(V::Str(Sym::new(3))), Err(lua_tables::InvalidNextKey));
    assert_eq!(t.next(V::Float(f64::NAN)), Err(lua_tables::InvalidNextKey));
}

#[test]
fn dead_keys_survive_until_rehash() {
    let mut t: Table<V> = Table::new();
    for i in 0..8 {
        t.set(V::Str(Sym::new(i)), V::Int(i as i64)).unwrap();
    }
    assert_eq!(t.hash_capacity(), 8);
    // Clear every field mid-traversal; the traversal still ends properly.
    let mut k = V::Nil;
    let mut n = 0;
    while let Some((nk, _)) = t.next(k).unwrap() {
        t.set(nk, V::Nil).unwrap();
        k = nk;
        n += 1;
    }
    assert_eq!(n, 8);
    assert!(t.is_empty());
    assert_eq!(t.hash_len(), 8, "dead keys are kept");
    // New keys reuse the dead nodes in their main positions, as in PUC;
    // the first one whose main position is live finds no free node and
    // rehashes, dropping the dead keys.
    let mut id = 100;
    while t.hash_capacity() == 8 {
        t.set(V::Str(Sym::new(id)), V::Int(1)).unwrap();
        assert!(id < 200, "no rehash");
        id += 1;
        t.check_invariants();
    }
    let live = (id - 100) as usize;
    assert_eq!(t.hash_len(), live, "only live keys survive the rehash");
    assert_eq!(t.hash_capacity(), live.next_power_of_two());
    assert_eq!(t.iter().count(), live);
}

#[test]
fn with_capacity_sizes_both_parts_once() {
    let mut t: Table<V> = Table::with_capacity(3, 1);
    assert_eq!(t.array_len(), 3);
    assert_eq!(t.hash_capacity(), 1);
    for i in 1..=3 {
        t.set_int(i, V::Int(i));
    }
    t.set(V::Str(Sym::new(0)), V::Int(1)).unwrap();
    assert_eq!((t.array_len(), t.hash_len(), t.hash_capacity()), (3, 1, 1));
    assert_eq!(t.len(), 3);
}

#[test]
fn clone_is_independent_and_equal() {
    let mut t: Table<V> = Table::new();
    for i in 1..=20 {
        t.set_int(i, V::Int(i));
        t.set(V::Str(Sym::new(i as u32)), V::Int(-i)).unwrap();
    }
    let c = t.clone();
    t.set_int(1, V::Nil);
    assert_eq!(c.get_int(1), V::Int(1));
    assert_eq!(c.heap_bytes(), t.heap_bytes());
    assert_eq!(c.iter().count(), 40);
}

#[test]
fn header_size() {
    // Quoted in the crate docs.
    assert_eq!(std::mem::size_of::<Table<V>>(), 48);
}

#[test]
fn len_at_extremes() {
    let mut t: Table<V> = Table::new();
    t.set_int(i64::MAX, V::Int(1));
    assert_eq!(t.len(), 0);
    t.set_int(1, V::Int(1));
    t.set_int(2, V::Int(1));
    assert_eq!(t.len(), 2);
    // a long run through the hash part
    let mut t: Table<V> = Table::with_capacity(0, 4096);
    for i in 1..=3000 {
        t.set_int(i, V::Int(i));
    }
    assert_eq!(t.array_len(), 0);
    assert_eq!(t.len(), 3000);
}
