//! The `table` library (ltablib.c): `concat insert move pack remove sort
//! unpack`, going through `__index`/`__newindex`/`__len` as lua5.4 does.
//!
//! # Sorting
//!
//! `table.sort` is a transcription of ltablib's `auxsort`: quicksort with a
//! median-of-three pivot, recursion on the smaller half and a loop on the
//! larger one (so the Rust stack depth is O(log n)), and a randomised pivot
//! once a partition comes out badly unbalanced, which keeps the expected
//! cost O(n log n) on adversarial inputs. Transcribing it (rather than
//! using Rust's sort) matters for three reasons: the order in which equal
//! but distinguishable elements (`1` and `1.0`, tables with an `__lt`) end
//! up is the one lua5.4 produces; a comparator that is not a strict weak
//! order is detected at the same moments, raising "invalid order function
//! for sorting" instead of running off the array; and every element access
//! is a metamethod-aware `a[i]`, so a proxy table sorts as in PUC.
//!
//! One addition makes the worst case O(n log n) whatever the input: a
//! partition-depth budget of `4·log2(n) + 16` per path (introsort). PUC's
//! quicksort never gets near it on ordinary inputs, so the order lua5.4
//! produces is kept; past it, that range is finished by heapsort over the
//! same element accessors, which with an inconsistent comparator still
//! ends (in some order) rather than looping.
//!
//! The algorithm is written once over a `Backend` of three value slots.
//! In the general backend every value held across a call into Lua (the
//! pivot, the two elements being compared) lives in stack slots reserved
//! above the arguments, so a collection triggered by the comparator sees
//! them. When no Lua code can run at all (a table without metatable holding
//! only numbers or only strings, sorted by `<`) the same algorithm reads
//! and writes the raw table directly with the slots in Rust locals: same
//! order, same errors (NaNs can still make `<` inconsistent), no
//! per-access metamethod checks and no copy of the array.
//!
//! With a comparator, each comparison pushes the comparator and the two
//! values on the stack and calls it through `State::call_at1` (one
//! result, nothing allocated), as ltablib's `sort_comp` does; no borrow of
//! the table is held across that call (the rule of
//! `object::table_cell`).

use crate::error::LuaResult;
use crate::gc::Gc;
use crate::object::{Args, Table};
use crate::state::{MAX_STACK, State};
use crate::value::Value;
use crate::vm::ops::{self, VarInfo};

/// Install `table` (global and `package.loaded.table`).
pub fn open(st: &mut State) {
    let t = st.new_table();
    st.register(
        t,
        &[
            ("concat", concat),
            ("insert", insert),
            ("move", move_),
            ("pack", pack),
            ("remove", remove),
            ("sort", sort),
            ("unpack", unpack),
        ],
    );
    st.set_global("table", Value::Table(t));
    let loaded = st.loaded;
    st.set_field(loaded, "table", Value::Table(t));
}

const TAB_R: u8 = 1;
const TAB_W: u8 = 2;
const TAB_L: u8 = 4;

/// ltablib's `checktab`: a table, or a value whose metatable has the
/// metamethods the operation needs.
fn check_tab(st: &mut State, a: Args, arg: usize, what: u8) -> LuaResult<Value> {
    let v = a.get(st, arg);
    if matches!(v, Value::Table(_)) {
        return Ok(v);
    }
    if let Some(mt) = st.metatable(v) {
        let has = |st: &mut State, name: &str| !st.get_field(mt, name).is_nil();
        if (what & TAB_R == 0 || has(st, "__index"))
            && (what & TAB_W == 0 || has(st, "__newindex"))
            && (what & TAB_L == 0 || has(st, "__len"))
        {
            return Ok(v);
        }
    }
    Err(st.type_arg_error(a, arg, "table"))
}

/// `luaL_len`: `#v` with `__len`, which must give an integer.
pub fn len_of(st: &mut State, v: Value) -> LuaResult<i64> {
    let n = st.len(v, VarInfo::None)?;
    match ops::to_integer(n) {
        Some(i) => Ok(i),
        None => Err(st.error("object length is not an integer")),
    }
}

/// `aux_getn`. A table without metatable (the common case of `insert`
/// and `remove`) takes its raw length directly, without the checks and
/// the `__len` lookup.
#[inline]
fn aux_getn(st: &mut State, a: Args, arg: usize, what: u8) -> LuaResult<i64> {
    if let Value::Table(tab) = a.get(st, arg)
        && tab.metatable().is_none()
    {
        return Ok(tab.len());
    }
    let v = check_tab(st, a, arg, what | TAB_L)?;
    len_of(st, v)
}

/// `lua_geti`: `t[i]`, raw for a table without metatable. The
/// metamethod path is out of line so that the raw path inlines into the
/// loops of `sort`, `insert`, `remove`, `move`, `concat` and `unpack`.
#[inline]
fn geti(st: &mut State, t: Value, i: i64) -> LuaResult<Value> {
    if let Value::Table(tab) = t
        && tab.metatable().is_none()
    {
        return Ok(tab.get_int(i));
    }
    geti_meta(st, t, i)
}

#[inline(never)]
fn geti_meta(st: &mut State, t: Value, i: i64) -> LuaResult<Value> {
    st.index(t, Value::Int(i), VarInfo::None)
}

/// `lua_seti`: `t[i] = v`, raw for a table without metatable.
#[inline]
fn seti(st: &mut State, t: Value, i: i64, v: Value) -> LuaResult<()> {
    // Each element the library writes is a unit of the instruction budget,
    // so no loop here outruns it (`table.move` over 2^63 elements is an
    // endless loop in lua5.4 too).
    st.charge(1)?;
    // The executors' raw store (`luaV_fastseti`): done unless a
    // metamethod may be involved or the collector holds the table black.
    if crate::vm::fast::set_fast(st, t, Value::Int(i), v)? {
        return Ok(());
    }
    seti_meta(st, t, i, v)
}

#[inline(never)]
fn seti_meta(st: &mut State, t: Value, i: i64, v: Value) -> LuaResult<()> {
    st.set_index(t, Value::Int(i), v, VarInfo::None)
}

fn insert(st: &mut State, a: Args) -> LuaResult<usize> {
    let t = a.get(st, 1);
    let e = aux_getn(st, a, 1, TAB_R | TAB_W)?.wrapping_add(1);
    let pos = match a.n {
        2 => e,
        3 => {
            let pos = st.check_int(a, 2)?;
            if (pos as u64).wrapping_sub(1) >= e as u64 {
                return Err(st.arg_error(2, "position out of bounds"));
            }
            let mut i = e;
            while i > pos {
                let v = geti(st, t, i - 1)?;
                seti(st, t, i, v)?;
                i -= 1;
            }
            pos
        }
        _ => return Err(st.error("wrong number of arguments to 'insert'")),
    };
    let v = a.get(st, a.n);
    seti(st, t, pos, v)?;
    Ok(0)
}

fn remove(st: &mut State, a: Args) -> LuaResult<usize> {
    let t = a.get(st, 1);
    let size = aux_getn(st, a, 1, TAB_R | TAB_W)?;
    let mut pos = st.opt_int(a, 2, size)?;
    if pos != size && (pos as u64).wrapping_sub(1) > size as u64 {
        // lua5.4.4 names argument 1 here (ltablib's tremove).
        return Err(st.arg_error(1, "position out of bounds"));
    }
    let removed = geti(st, t, pos)?;
    // The result stays on the stack (rooted) while elements shift.
    st.push(removed);
    while pos < size {
        let v = geti(st, t, pos + 1)?;
        seti(st, t, pos, v)?;
        pos += 1;
    }
    seti(st, t, pos, Value::Nil)?;
    Ok(1)
}

fn move_(st: &mut State, a: Args) -> LuaResult<usize> {
    let f = st.check_int(a, 2)?;
    let e = st.check_int(a, 3)?;
    let t = st.check_int(a, 4)?;
    let tt = if a.is_none_or_nil(st, 5) { 1 } else { 5 };
    let src = check_tab(st, a, 1, TAB_R)?;
    let dst = check_tab(st, a, tt, TAB_W)?;
    if e >= f {
        if !(f > 0 || e < i64::MAX.wrapping_add(f)) {
            return Err(st.arg_error(3, "too many elements to move"));
        }
        let n = e - f + 1;
        if t > i64::MAX - n + 1 {
            return Err(st.arg_error(4, "destination wrap around"));
        }
        let same = tt == 1 || st.equals(src, dst)?;
        if t > e || t <= f || !same {
            for i in 0..n {
                let v = geti(st, src, f + i)?;
                seti(st, dst, t + i, v)?;
            }
        } else {
            for i in (0..n).rev() {
                let v = geti(st, src, f + i)?;
                seti(st, dst, t + i, v)?;
            }
        }
    }
    st.ret(dst)
}

fn concat(st: &mut State, a: Args) -> LuaResult<usize> {
    let t = a.get(st, 1);
    let mut last = aux_getn(st, a, 1, TAB_R)?;
    let sep = match st.opt_str(a, 2)? {
        Some(s) => s.as_bytes().to_vec(),
        None => Vec::new(),
    };
    let mut i = st.opt_int(a, 3, 1)?;
    last = st.opt_int(a, 4, last)?;
    let mut buf: Vec<u8> = Vec::new();
    let add = |st: &mut State, buf: &mut Vec<u8>, i: i64| -> LuaResult<()> {
        let v = geti(st, t, i)?;
        match v {
            Value::Str(_) | Value::Int(_) | Value::Float(_) => {
                // The value and a separator, at most: a buffer that cannot
                // grow is lua5.4's "not enough memory", not an abort.
                let need = match v {
                    Value::Str(s) => s.len(),
                    _ => 44,
                };
                let need = need.saturating_add(sep.len());
                st.reserve_string(buf.len().saturating_add(need), need, "buffer too large")?;
                if buf.try_reserve(need).is_err() {
                    return Err(st.plain_error("not enough memory"));
                }
                ops::append_plain(buf, v);
                Ok(())
            }
            _ => {
                let tn = v.type_name();
                Err(st.error(format!(
                    "invalid value ({}) at index {} in table for 'concat'",
                    tn, i
                )))
            }
        }
    };
    while i < last {
        add(st, &mut buf, i)?;
        buf.extend_from_slice(&sep);
        i += 1;
    }
    if i == last {
        add(st, &mut buf, i)?;
    }
    let s = st.str_value_owned(buf);
    st.ret(s)
}

fn pack(st: &mut State, a: Args) -> LuaResult<usize> {
    let n = a.n;
    let t = st.new_table_with(n, 1);
    for i in 1..=n {
        let v = a.get(st, i);
        st.raw_set_int(t, i as i64, v);
    }
    st.set_field(t, "n", Value::Int(n as i64));
    st.ret(Value::Table(t))
}

fn unpack(st: &mut State, a: Args) -> LuaResult<usize> {
    let t = a.get(st, 1);
    let i = st.opt_int(a, 2, 1)?;
    let e = if a.is_none_or_nil(st, 3) {
        len_of(st, t)?
    } else {
        st.check_int(a, 3)?
    };
    if i > e {
        return Ok(0);
    }
    let n = (e as u64).wrapping_sub(i as u64);
    let room = MAX_STACK.saturating_sub(st.top()) as u64;
    if n >= i32::MAX as u64 || n + 1 > room {
        return Err(st.error("too many results to unpack"));
    }
    let n = n + 1;
    st.th.stack.reserve(n as usize);
    for k in 0..n {
        let v = geti(st, t, i.wrapping_add(k as i64))?;
        st.push(v);
    }
    Ok(n as usize)
}

// ---------------------------------------------------------------------
// sort

/// ltablib's RANLIMIT: partitions smaller than this use the middle pivot.
const RANLIMIT: u64 = 100;

/// Where the sort's elements live. The algorithm works on three value
/// slots: `load` copies element `i` into slot `k`, `store` copies slot `k`
/// into element `i`, `less` compares two slots.
trait Backend {
    fn load(&mut self, st: &mut State, k: usize, i: u64) -> LuaResult<()>;
    fn store(&mut self, st: &mut State, i: u64, k: usize) -> LuaResult<()>;
    fn less(&mut self, st: &mut State, x: usize, y: usize) -> LuaResult<bool>;
}

/// The general backend: elements read and written as `t[i]` (metamethods
/// included), compared with the comparator or `<`; the three slots are
/// stack slots, so values held across calls into Lua are rooted.
struct LuaBackend {
    t: Value,
    cmp: Value,
    /// Stack index of the first slot.
    slots: usize,
}

impl Backend for LuaBackend {
    #[inline]
    fn load(&mut self, st: &mut State, k: usize, i: u64) -> LuaResult<()> {
        let v = geti(st, self.t, i as i64)?;
        st.th.stack[self.slots + k] = v;
        Ok(())
    }

    #[inline]
    fn store(&mut self, st: &mut State, i: u64, k: usize) -> LuaResult<()> {
        let v = st.th.stack[self.slots + k];
        seti(st, self.t, i as i64, v)
    }

    #[inline(always)]
    fn less(&mut self, st: &mut State, x: usize, y: usize) -> LuaResult<bool> {
        let a = st.th.stack[self.slots + x];
        let b = st.th.stack[self.slots + y];
        if self.cmp.is_nil() {
            return st.less_than(a, b);
        }
        // sort_comp: the comparator and both values pushed straight above
        // the slots, one result taken back (no argument slice, no
        // result vector).
        let stack = &mut st.th.stack;
        let func = stack.len();
        stack.push(self.cmp);
        stack.push(a);
        stack.push(b);
        Ok(st.call_at1(func)?.truthy())
    }
}

/// The fast backend for a plain table (no metatable) of only numbers or
/// only strings sorted with `<`: no Lua code and no collection can run
/// during such a sort, so elements are read and written straight in the
/// raw table (in place, as PUC does, without a copy of the array: a copy
/// was the sort's peak memory), compared without metamethod checks, and
/// the three slots are Rust locals.
struct RawBackend {
    tab: Gc<Table>,
    slots: [Value; 3],
}

/// `a < b` for two numbers or two strings (what `<` does without
/// metamethods).
fn plain_less(a: Value, b: Value) -> bool {
    use crate::number::{lt_float_int, lt_int_float};
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Int(x), Value::Float(y)) => lt_int_float(x, y),
        (Value::Float(x), Value::Int(y)) => lt_float_int(x, y),
        (Value::Str(x), Value::Str(y)) => ops::str_cmp(x, y) == std::cmp::Ordering::Less,
        _ => false,
    }
}

impl Backend for RawBackend {
    #[inline]
    fn load(&mut self, _st: &mut State, k: usize, i: u64) -> LuaResult<()> {
        self.slots[k] = self.tab.get_int(i as i64);
        Ok(())
    }

    #[inline]
    fn store(&mut self, st: &mut State, i: u64, k: usize) -> LuaResult<()> {
        // Every key 1..n holds a value (checked by `plain_elements`), so
        // this assigns an existing entry: the table does not grow and
        // needs no GC accounting.
        let v = self.slots[k];
        self.tab.raw_mut().set_int(i as i64, v);
        st.heap.barrier_table(self.tab, Value::Nil, v);
        Ok(())
    }

    #[inline]
    fn less(&mut self, _st: &mut State, x: usize, y: usize) -> LuaResult<bool> {
        Ok(plain_less(self.slots[x], self.slots[y]))
    }
}

/// The quicksort of ltablib over a backend.
struct Sorter<B: Backend> {
    b: B,
    /// State of the pivot randomiser (deterministic, unlike PUC's
    /// clock/time mix, so runs are reproducible).
    seed: u64,
}

impl<B: Backend> Sorter<B> {
    fn random(&mut self) -> u64 {
        // splitmix64
        self.seed = self.seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) & 0xFFFF_FFFF
    }

    /// ltablib's `partition`: slot 0 holds the pivot P = a[up-1].
    fn partition(&mut self, st: &mut State, lo: u64, up: u64) -> LuaResult<u64> {
        let mut i = lo;
        let mut j = up - 1;
        loop {
            // while a[++i] < P
            loop {
                i += 1;
                self.b.load(st, 1, i)?;
                if !self.b.less(st, 1, 0)? {
                    break;
                }
                if i == up - 1 {
                    return Err(st.error("invalid order function for sorting"));
                }
            }
            // while P < a[--j]
            loop {
                j -= 1;
                self.b.load(st, 2, j)?;
                if !self.b.less(st, 0, 2)? {
                    break;
                }
                if j < i {
                    return Err(st.error("invalid order function for sorting"));
                }
            }
            if j < i {
                // swap a[up-1] (the pivot) and a[i]
                self.b.store(st, up - 1, 1)?;
                self.b.store(st, i, 0)?;
                return Ok(i);
            }
            // swap a[i] and a[j]
            self.b.store(st, i, 2)?;
            self.b.store(st, j, 1)?;
        }
    }

    fn auxsort(
        &mut self,
        st: &mut State,
        mut lo: u64,
        mut up: u64,
        mut rnd: u64,
        mut budget: u32,
    ) -> LuaResult<()> {
        while lo < up {
            // A partition's work, for the instruction budget.
            st.charge(up - lo)?;
            if budget == 0 {
                return self.heapsort(st, lo, up);
            }
            budget -= 1;
            // sort elements a[lo], a[up]
            self.b.load(st, 1, lo)?;
            self.b.load(st, 2, up)?;
            if self.b.less(st, 2, 1)? {
                self.b.store(st, lo, 2)?;
                self.b.store(st, up, 1)?;
            }
            if up - lo == 1 {
                break;
            }
            let p = if up - lo < RANLIMIT || rnd == 0 {
                (lo + up) / 2
            } else {
                let r4 = (up - lo) / 4;
                rnd % (r4 * 2) + (lo + r4)
            };
            // a[p] against a[lo], then against a[up]
            self.b.load(st, 0, p)?;
            self.b.load(st, 1, lo)?;
            if self.b.less(st, 0, 1)? {
                self.b.store(st, p, 1)?;
                self.b.store(st, lo, 0)?;
            } else {
                self.b.load(st, 2, up)?;
                if self.b.less(st, 2, 0)? {
                    self.b.store(st, p, 2)?;
                    self.b.store(st, up, 0)?;
                }
            }
            if up - lo == 2 {
                break;
            }
            // The pivot goes to a[up-1].
            self.b.load(st, 0, p)?;
            self.b.load(st, 1, up - 1)?;
            self.b.store(st, p, 1)?;
            self.b.store(st, up - 1, 0)?;
            let p = self.partition(st, lo, up)?;
            let n;
            if p - lo < up - p {
                self.auxsort(st, lo, p - 1, rnd, budget)?;
                n = p - lo;
                lo = p + 1;
            } else {
                self.auxsort(st, p + 1, up, rnd, budget)?;
                n = up - p;
                up = p - 1;
            }
            if up.wrapping_sub(lo) / 128 > n {
                rnd = self.random();
            }
        }
        Ok(())
    }

    /// Heapsort of `a[lo..=up]`: the introsort fallback once quicksort has
    /// partitioned too deep (see [`depth_budget`]).
    fn heapsort(&mut self, st: &mut State, lo: u64, up: u64) -> LuaResult<()> {
        let n = up - lo + 1;
        let mut start = n / 2;
        while start > 0 {
            start -= 1;
            self.sift_down(st, lo, start, n)?;
        }
        let mut end = n;
        while end > 1 {
            end -= 1;
            // swap a[lo] (the largest) and a[lo + end]
            self.b.load(st, 1, lo)?;
            self.b.load(st, 2, lo + end)?;
            self.b.store(st, lo, 2)?;
            self.b.store(st, lo + end, 1)?;
            self.sift_down(st, lo, 0, end)?;
        }
        Ok(())
    }

    /// Move heap element `root` (0-based within `a[lo..lo+n]`) down.
    fn sift_down(&mut self, st: &mut State, lo: u64, mut root: u64, n: u64) -> LuaResult<()> {
        loop {
            let mut child = 2 * root + 1;
            if child >= n {
                return Ok(());
            }
            if child + 1 < n {
                self.b.load(st, 1, lo + child)?;
                self.b.load(st, 2, lo + child + 1)?;
                if self.b.less(st, 1, 2)? {
                    child += 1;
                }
            }
            self.b.load(st, 0, lo + root)?;
            self.b.load(st, 1, lo + child)?;
            if !self.b.less(st, 0, 1)? {
                return Ok(());
            }
            self.b.store(st, lo + root, 1)?;
            self.b.store(st, lo + child, 0)?;
            root = child;
        }
    }
}

/// Partitions allowed on one path before heapsort takes over: far more
/// than ltablib's quicksort needs on any ordinary input (so its order is
/// kept), few enough to bound the worst case at O(n log n).
fn depth_budget(n: i64) -> u32 {
    let log2 = 64 - (n as u64).leading_zeros();
    4 * log2 + 16
}

/// The table, if the fast backend applies to `t[1..n]`: a table without
/// metatable whose elements are all numbers or all strings.
fn plain_elements(t: Value, n: i64) -> Option<Gc<Table>> {
    let Value::Table(tab) = t else { return None };
    if tab.metatable().is_some() {
        return None;
    }
    let raw = tab.raw();
    let numbers = matches!(raw.get_int(1), Value::Int(_) | Value::Float(_));
    let plain = (1..=n).all(|i| match raw.get_int(i) {
        Value::Int(_) | Value::Float(_) => numbers,
        Value::Str(_) => !numbers,
        _ => false,
    });
    plain.then_some(tab)
}

fn sort(st: &mut State, a: Args) -> LuaResult<usize> {
    let n = aux_getn(st, a, 1, TAB_R | TAB_W)?;
    if n > 1 {
        if n >= i32::MAX as i64 {
            return Err(st.arg_error(1, "array too big"));
        }
        let cmp = if a.is_none_or_nil(st, 2) {
            Value::Nil
        } else {
            match a.get(st, 2) {
                v if v.is_function() => v,
                _ => return Err(st.type_arg_error(a, 2, "function")),
            }
        };
        let t = a.get(st, 1);
        if cmp.is_nil()
            && let Some(tab) = plain_elements(t, n)
        {
            let mut s = Sorter {
                b: RawBackend {
                    tab,
                    slots: [Value::Nil; 3],
                },
                seed: n as u64,
            };
            // In place: after an error ("invalid order function" from
            // NaNs) the table stays partly sorted, as in PUC.
            s.auxsort(st, 1, n as u64, 0, depth_budget(n))?;
            return Ok(0);
        }
        let slots = st.top();
        for _ in 0..3 {
            st.push(Value::Nil);
        }
        let mut s = Sorter {
            b: LuaBackend { t, cmp, slots },
            seed: n as u64,
        };
        s.auxsort(st, 1, n as u64, 0, depth_budget(n))?;
        st.th.stack.truncate(slots);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    struct NoExec;
    impl crate::Executor for NoExec {
        fn name(&self) -> &'static str {
            "none"
        }
        fn call(
            &self,
            _: &mut State,
            _: usize,
            _: i32,
            _: crate::vm::frame::FrameFlags,
        ) -> LuaResult<()> {
            Ok(())
        }
    }

    /// A sorter over a fresh table holding `v` at 1..n.
    fn sorter(st: &mut State, v: Vec<Value>) -> Sorter<RawBackend> {
        let tab = st.new_table();
        for (i, x) in v.into_iter().enumerate() {
            st.raw_set_int(tab, i as i64 + 1, x);
        }
        Sorter {
            b: RawBackend {
                tab,
                slots: [Value::Nil; 3],
            },
            seed: 1,
        }
    }

    fn ints(s: &Sorter<RawBackend>) -> Vec<i64> {
        (1..=s.b.tab.len())
            .map(|i| match s.b.tab.get_int(i) {
                Value::Int(i) => i,
                _ => i64::MIN,
            })
            .collect()
    }

    /// Pseudo-random test data (a fixed LCG: reproducible).
    fn data(n: usize, modulo: i64) -> Vec<i64> {
        let mut x: u64 = 12345;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 33) as i64) % modulo
            })
            .collect()
    }

    #[test]
    fn heapsort_fallback_sorts() {
        let mut st = State::new(Rc::new(NoExec));
        for (n, m) in [
            (1, 10),
            (2, 10),
            (7, 3),
            (100, 1000),
            (1000, 7),
            (5000, 100000),
        ] {
            let d = data(n, m);
            let mut s = sorter(&mut st, d.iter().map(|&i| Value::Int(i)).collect());
            // budget 0: heapsort from the start
            s.auxsort(&mut st, 1, n as u64, 0, 0).unwrap();
            let mut want = d.clone();
            want.sort();
            assert_eq!(ints(&s), want, "n={n}");
        }
    }

    #[test]
    fn quicksort_with_budget_sorts() {
        let mut st = State::new(Rc::new(NoExec));
        for budget in [1, 3, 8, 100] {
            let d = data(3000, 50);
            let mut s = sorter(&mut st, d.iter().map(|&i| Value::Int(i)).collect());
            s.auxsort(&mut st, 1, 3000, 0, budget).unwrap();
            let mut want = d.clone();
            want.sort();
            assert_eq!(ints(&s), want, "budget={budget}");
        }
    }

    #[test]
    fn nan_elements_end_without_panic() {
        let mut st = State::new(Rc::new(NoExec));
        let v: Vec<Value> = (0..500)
            .map(|i| {
                if i % 3 == 0 {
                    Value::Float(f64::NAN)
                } else {
                    Value::Int((i * 7919) % 500)
                }
            })
            .collect();
        let mut s = sorter(&mut st, v);
        // Either sorted in some order or "invalid order function": never a
        // panic or an endless loop, and the elements are only permuted.
        let _ = s.auxsort(&mut st, 1, 500, 0, depth_budget(500));
        assert_eq!(s.b.tab.len(), 500);
        let nans = (1..=500)
            .filter(|&i| matches!(s.b.tab.get_int(i), Value::Float(f) if f.is_nan()))
            .count();
        assert_eq!(nans, 167);
        let mut rest = ints(&s);
        rest.retain(|&i| i != i64::MIN);
        rest.sort();
        let mut want: Vec<i64> = (0..500)
            .filter(|i| i % 3 != 0)
            .map(|i| (i * 7919) % 500)
            .collect();
        want.sort();
        assert_eq!(rest, want);
    }

    #[test]
    fn budget_grows_with_log_n() {
        assert_eq!(depth_budget(1), 20);
        assert_eq!(depth_budget(1024), 60);
        assert!(depth_budget(i32::MAX as i64) <= 4 * 31 + 16);
    }
}
