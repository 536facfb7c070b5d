//! Benchmarks: lua-tables against plain `HashMap` / `IndexMap` baselines
//! (FxHash for all, keys bring cached hashes). Run with
//! `cargo bench -p lua-tables`; figures are in docs/PERFORMANCE.md.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use divan::{Bencher, black_box};
use indexmap::IndexMap;
use lua_tables::Table;
use lua_tables::simple::{SimpleValue as V, Sym};
use rustc_hash::FxHasher;

type Fx = BuildHasherDefault<FxHasher>;

const N: i64 = 1_000_000;
const NSTR: u32 = 100_000;

fn main() {
    divan::main();
}

fn filled_table() -> Table<V> {
    let mut t = Table::new();
    for i in 1..=N {
        t.set_int(i, V::Int(i));
    }
    t
}

fn filled_hashmap() -> HashMap<i64, V, Fx> {
    (1..=N).map(|i| (i, V::Int(i))).collect()
}

fn filled_indexmap() -> IndexMap<i64, V, Fx> {
    (1..=N).map(|i| (i, V::Int(i))).collect()
}

/// 1M pseudo-random keys in 1..=N (xorshift, fixed seed).
fn random_keys() -> Vec<i64> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..N)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % N as u64) as i64 + 1
        })
        .collect()
}

fn syms() -> Vec<Sym> {
    (0..NSTR).map(Sym::new).collect()
}

mod append_1m {
    use super::*;

    #[divan::bench(sample_count = 10)]
    fn table_len_plus_one() -> Table<V> {
        let mut t = Table::new();
        for i in 1..=N {
            let n = t.len() as i64;
            t.set_int(n + 1, V::Int(i));
        }
        t
    }

    #[divan::bench(sample_count = 10)]
    fn table_set_int() -> Table<V> {
        let mut t = Table::new();
        for i in 1..=N {
            t.set_int(i, V::Int(i));
        }
        t
    }

    #[divan::bench(sample_count = 10)]
    fn vec_push() -> Vec<V> {
        let mut v = Vec::new();
        for i in 1..=N {
            v.push(V::Int(i));
        }
        v
    }

    #[divan::bench(sample_count = 10)]
    fn hashmap() -> HashMap<i64, V, Fx> {
        let mut m = HashMap::default();
        for i in 1..=N {
            m.insert(i, V::Int(i));
        }
        m
    }

    #[divan::bench(sample_count = 10)]
    fn indexmap() -> IndexMap<i64, V, Fx> {
        let mut m = IndexMap::default();
        for i in 1..=N {
            m.insert(i, V::Int(i));
        }
        m
    }
}

fn sum(v: V) -> i64 {
    match v {
        V::Int(i) => i,
        _ => 0,
    }
}

mod sequential_read_1m {
    use super::*;

    #[divan::bench(sample_count = 20)]
    fn table(b: Bencher) {
        let t = filled_table();
        b.bench(|| (1..=N).map(|i| sum(t.get_int(black_box(i)))).sum::<i64>());
    }

    #[divan::bench(sample_count = 20)]
    fn hashmap(b: Bencher) {
        let m = filled_hashmap();
        b.bench(|| (1..=N).map(|i| sum(m[&black_box(i)])).sum::<i64>());
    }

    #[divan::bench(sample_count = 20)]
    fn indexmap(b: Bencher) {
        let m = filled_indexmap();
        b.bench(|| (1..=N).map(|i| sum(m[&black_box(i)])).sum::<i64>());
    }
}

mod random_read_1m {
    use super::*;

    #[divan::bench(sample_count = 20)]
    fn table(b: Bencher) {
        let t = filled_table();
        let keys = random_keys();
        b.bench(|| keys.iter().map(|&i| sum(t.get_int(i))).sum::<i64>());
    }

    #[divan::bench(sample_count = 20)]
    fn hashmap(b: Bencher) {
        let m = filled_hashmap();
        let keys = random_keys();
        b.bench(|| keys.iter().map(|i| sum(m[i])).sum::<i64>());
    }

    #[divan::bench(sample_count = 20)]
    fn indexmap(b: Bencher) {
        let m = filled_indexmap();
        let keys = random_keys();
        b.bench(|| keys.iter().map(|i| sum(m[i])).sum::<i64>());
    }
}

mod string_insert_100k {
    use super::*;

    #[divan::bench(sample_count = 20)]
    fn table(b: Bencher) {
        let keys = syms();
        b.bench(|| {
            let mut t = Table::new();
            for (i, &k) in keys.iter().enumerate() {
                t.set(V::Str(k), V::Int(i as i64)).unwrap();
            }
            t
        });
    }

    #[divan::bench(sample_count = 20)]
    fn table_set_str(b: Bencher) {
        let keys = syms();
        b.bench(|| {
            let mut t = Table::new();
            for (i, &k) in keys.iter().enumerate() {
                t.set_str(V::Str(k), V::Int(i as i64));
            }
            t
        });
    }

    #[divan::bench(sample_count = 20)]
    fn hashmap(b: Bencher) {
        let keys = syms();
        b.bench(|| {
            let mut m: HashMap<Sym, V, Fx> = HashMap::default();
            for (i, &k) in keys.iter().enumerate() {
                m.insert(k, V::Int(i as i64));
            }
            m
        });
    }

    #[divan::bench(sample_count = 20)]
    fn indexmap(b: Bencher) {
        let keys = syms();
        b.bench(|| {
            let mut m: IndexMap<Sym, V, Fx> = IndexMap::default();
            for (i, &k) in keys.iter().enumerate() {
                m.insert(k, V::Int(i as i64));
            }
            m
        });
    }
}

mod string_lookup_100k {
    use super::*;

    #[divan::bench(sample_count = 20)]
    fn table_get(b: Bencher) {
        let keys = syms();
        let mut t = Table::new();
        for (i, &k) in keys.iter().enumerate() {
            t.set(V::Str(k), V::Int(i as i64)).unwrap();
        }
        b.bench(|| keys.iter().map(|&k| sum(t.get(V::Str(k)))).sum::<i64>());
    }

    #[divan::bench(sample_count = 20)]
    fn table_get_str(b: Bencher) {
        let keys = syms();
        let mut t = Table::new();
        for (i, &k) in keys.iter().enumerate() {
            t.set(V::Str(k), V::Int(i as i64)).unwrap();
        }
        b.bench(|| keys.iter().map(|&k| sum(t.get_str(V::Str(k)))).sum::<i64>());
    }

    #[divan::bench(sample_count = 20)]
    fn hashmap(b: Bencher) {
        let keys = syms();
        let m: HashMap<Sym, V, Fx> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, V::Int(i as i64)))
            .collect();
        b.bench(|| keys.iter().map(|k| sum(m[k])).sum::<i64>());
    }

    #[divan::bench(sample_count = 20)]
    fn indexmap(b: Bencher) {
        let keys = syms();
        let m: IndexMap<Sym, V, Fx> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, V::Int(i as i64)))
            .collect();
        b.bench(|| keys.iter().map(|k| sum(m[k])).sum::<i64>());
    }
}

mod traverse_next {
    use super::*;

    /// 1M array entries plus 100k string keys.
    fn mixed() -> Table<V> {
        let mut t = filled_table();
        for k in syms() {
            t.set(V::Str(k), V::Int(1)).unwrap();
        }
        t
    }

    #[divan::bench(sample_count = 20)]
    fn table_next(b: Bencher) {
        let t = mixed();
        b.bench(|| {
            let mut k = V::Nil;
            let mut acc = 0;
            while let Some((nk, v)) = t.next(k).unwrap() {
                acc += sum(v);
                k = nk;
            }
            acc
        });
    }

    #[divan::bench(sample_count = 20)]
    fn table_iter(b: Bencher) {
        let t = mixed();
        b.bench(|| t.iter().map(|(_, v)| sum(v)).sum::<i64>());
    }

    #[divan::bench(sample_count = 20)]
    fn hashmap_iter(b: Bencher) {
        let mut m: HashMap<V2, V, Fx> = (1..=N).map(|i| (V2::I(i), V::Int(i))).collect();
        m.extend(syms().into_iter().map(|k| (V2::S(k), V::Int(1))));
        b.bench(|| m.values().map(|&v| sum(v)).sum::<i64>());
    }

    #[divan::bench(sample_count = 20)]
    fn indexmap_iter(b: Bencher) {
        let mut m: IndexMap<V2, V, Fx> = (1..=N).map(|i| (V2::I(i), V::Int(i))).collect();
        m.extend(syms().into_iter().map(|k| (V2::S(k), V::Int(1))));
        b.bench(|| m.values().map(|&v| sum(v)).sum::<i64>());
    }

    /// A hashable key for the baselines' mixed maps.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum V2 {
        I(i64),
        S(Sym),
    }
}
