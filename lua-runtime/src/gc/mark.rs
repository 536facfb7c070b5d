//! Marking: the [`Tracer`], its gray stack drained through a prefetching
//! FIFO, long arrays traced in slices, weak tables and ephemerons.

use super::*;

/// Collects the mark phase's work: the gray stack, the weak tables, the
/// objects to look at again in the atomic step, and the bytes of what it
/// marked. It lives in the [`Heap`] from one step of a cycle to the next.
pub struct Tracer {
    /// Edges still to visit: objects (never strings) that were reached but
    /// whose color has not been checked yet. See [`Tracer::drain`].
    pub(super) gray: Vec<NonNull<Header>>,
    /// The interned `"__mode"`: a table whose metatable has it is weak.
    pub(super) mode_key: Option<Gc<LuaStr>>,
    /// Weak tables reached in this cycle, by what is weak.
    pub(super) weak_values: Vec<Gc<Table>>,
    pub(super) weak_keys: Vec<Gc<Table>>,
    pub(super) weak_both: Vec<Gc<Table>>,
    /// Threads traced in this cycle: their stacks change with no barrier,
    /// so the atomic step traces them again (PUC keeps threads gray).
    pub(super) threads: Vec<Gc<Thread>>,
    /// Upvalues traced while open: one closed since holds a value that
    /// left the stack with no barrier; the atomic step marks it.
    pub(super) open_upvals: Vec<Gc<UpVal>>,
    /// Tables whose long array part is being traced in slices (see
    /// [`Tracer::trace_slice`]): the table, the next slot, and the array
    /// length when the last slice was traced.
    pub(super) slices: Vec<(Gc<Table>, usize, usize)>,
    /// Bytes of every object marked so far in this cycle: after marking,
    /// the live size (sweep then needs to touch no live object's body).
    pub(super) live: usize,
    /// Incremented every cycle so shared non-GC data (prototypes' constant
    /// tables) is traced once per cycle.
    pub epoch: u32,
}

/// How many edges are in flight between their prefetch and their visit.
/// Each visit costs about one cache miss on the object's header and one on
/// its body; eight misses in flight is about what one core sustains.
pub(super) const PREFETCH_DEPTH: usize = 8;

/// Array slots traced per visit of a long array part (see
/// [`Tracer::trace_slice`]).
pub(super) const SLICE: usize = 4096;

/// Bytes of marking per unit of collector work (PUC's `WORK2MEM`, the size
/// of a value slot): the pacing counts work in these units, and sweeping
/// one object costs one unit.
pub(super) const WORK_UNIT: usize = 16;

/// Ask the CPU to start loading the cache line at `p` (a hint: it never
/// faults, and it is a no-op where we have no stable intrinsic).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of the x86_64 baseline, and a prefetch never
        // dereferences its address (any address is fine, even a dangling one).
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl Tracer {
    pub(super) fn new() -> Tracer {
        Tracer {
            gray: Vec::new(),
            mode_key: None,
            weak_values: Vec::new(),
            weak_keys: Vec::new(),
            weak_both: Vec::new(),
            threads: Vec::new(),
            open_upvals: Vec::new(),
            slices: Vec::new(),
            live: 0,
            epoch: 0,
        }
    }

    /// Forget a cycle's work (the gray stack keeps its memory, up to a
    /// bound: one table with millions of entries should not pin megabytes
    /// forever).
    pub(super) fn reset(&mut self) {
        self.gray.clear();
        self.gray.shrink_to(GRAY_KEEP);
        self.weak_values.clear();
        self.weak_keys.clear();
        self.weak_both.clear();
        self.threads.clear();
        self.open_upvals.clear();
        self.slices.clear();
        self.live = 0;
    }

    /// Reach `g`: a string is marked at once (it has no children); any
    /// other object is queued as an edge, its color checked later.
    #[inline]
    pub fn mark<T: GcObject>(&mut self, g: Gc<T>) {
        if T::KIND == Kind::Str {
            let h = g.header();
            if h.color.get() != BLACK {
                h.color.set(BLACK);
                // SAFETY: (I1) g is alive; (I2) T is the box's type.
                self.live += unsafe { box_bytes::<T>(NonNull::from(h)) };
            }
        } else {
            self.gray.push(g.ptr.cast());
        }
    }

    /// Reach `v` if it is an object.
    #[inline]
    pub fn mark_value(&mut self, v: Value) {
        match v {
            Value::Str(s) => self.mark(s),
            Value::Table(t) => self.mark(t),
            Value::LuaFn(f) => self.mark(f),
            Value::Native(f) => self.mark(f),
            Value::UserData(u) => self.mark(u),
            Value::Thread(t) => self.mark(t),
            Value::Nil
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::LightUserData(_) => {}
        }
    }

    /// Visit edges until none is left.
    pub(super) fn drain_all(&mut self) {
        self.drain(&mut { isize::MAX });
    }

    /// Visit edges until none is left or `budget` (work units) is spent;
    /// true when none is left.
    ///
    /// Marking is bound by memory latency, not by work: every visit reads
    /// the header of an object that was last touched a whole cycle ago, and
    /// then its body. Checking the color the moment an edge is found
    /// (and chasing it right after, depth first) would stall on one miss
    /// at a time. Instead edges go on the gray stack unchecked; the drain
    /// pops them into a small FIFO, issuing a prefetch for the header and
    /// the body as each enters, and visits each as it leaves, by which time
    /// its lines are usually in cache: the misses of `PREFETCH_DEPTH` edges
    /// overlap. (Garner, Blackburn and Frampton, "Effective prefetch for
    /// mark-sweep garbage collection", ISMM 2007, measure the same FIFO.)
    /// An edge to an already marked object costs a push and a pop; the
    /// stack holds at most the edges of the objects visited so far.
    pub(super) fn drain(&mut self, budget: &mut isize) -> bool {
        let mut ring = [NonNull::<Header>::dangling(); PREFETCH_DEPTH];
        let (mut head, mut len) = (0usize, 0usize);
        loop {
            while len < PREFETCH_DEPTH {
                let Some(h) = self.gray.pop() else { break };
                prefetch(h.as_ptr());
                prefetch((h.as_ptr() as *const u8).wrapping_add(64));
                ring[(head + len) % PREFETCH_DEPTH] = h;
                len += 1;
            }
            if len == 0 {
                let Some((t, from, n)) = self.slices.pop() else {
                    return true;
                };
                if *budget <= 0 {
                    self.slices.push((t, from, n));
                    return false;
                }
                *budget -= self.trace_slice(t, from, n);
                continue;
            }
            if *budget <= 0 {
                // The edges in flight go back on the stack for the next step.
                for i in 0..len {
                    self.gray.push(ring[(head + i) % PREFETCH_DEPTH]);
                }
                return false;
            }
            let h = ring[head];
            head = (head + 1) % PREFETCH_DEPTH;
            len -= 1;
            // SAFETY: (I1) every edge was read from a root, from a live
            // object or by a barrier during this cycle's marking, so its
            // box is alive (nothing is freed before the atomic step).
            let hdr = unsafe { h.as_ref() };
            if hdr.color.get() == BLACK {
                continue;
            }
            hdr.color.set(BLACK);
            // SAFETY: (I2) the kind tells the box's type.
            let size = unsafe {
                match hdr.kind {
                    Kind::Str => box_bytes::<LuaStr>(h),
                    Kind::Table => self.trace_table(Gc {
                        ptr: h.cast(),
                        _p: PhantomData,
                    }),
                    Kind::LuaClosure => trace_box::<LuaClosure>(h, self),
                    Kind::Native => trace_box::<NativeFunction>(h, self),
                    Kind::UpVal => {
                        let u: Gc<UpVal> = Gc {
                            ptr: h.cast(),
                            _p: PhantomData,
                        };
                        if u.is_open() {
                            self.open_upvals.push(u);
                        }
                        trace_box::<UpVal>(h, self)
                    }
                    Kind::UserData => trace_box::<UserData>(h, self),
                    Kind::Thread => {
                        self.threads.push(Gc {
                            ptr: h.cast(),
                            _p: PhantomData,
                        });
                        trace_box::<Thread>(h, self)
                    }
                }
            };
            self.live += size;
            // usize -> isize: an object's size is far below isize::MAX.
            *budget -= (size / WORK_UNIT) as isize + 1;
        }
    }
}

impl Tracer {
    /// Trace table `g` and return its size. A weak table (`__mode` in its
    /// metatable holding `k`, `v` or both) goes on a list instead of having
    /// its weak parts marked: its strong keys are marked now; a weak key's
    /// value is marked only once its key is (an ephemeron, see
    /// [`Tracer::converge`]); dead entries are cleared after marking.
    /// Strings are values, not objects, for weakness: never cleared, and
    /// marked for the entries that stay ([`Tracer::mark_weak_strings`]).
    pub(super) fn trace_table(&mut self, g: Gc<Table>) -> usize {
        let t: &Table = &g;
        let size = std::mem::size_of::<GcBox<Table>>() + t.extra_bytes();
        let (weak_k, weak_v) = match (t.metatable(), self.mode_key) {
            (Some(m), Some(key)) => match m.get_str(Value::Str(key)) {
                Value::Str(mode) => (
                    mode.as_bytes().contains(&b'k'),
                    mode.as_bytes().contains(&b'v'),
                ),
                _ => (false, false),
            },
            _ => (false, false),
        };
        let h = g.header();
        let weak_bits = if weak_k { WEAK_K } else { 0 } | if weak_v { WEAK_V } else { 0 };
        h.flags.set(h.flags.get() & !(WEAK_K | WEAK_V) | weak_bits);
        if !weak_k && !weak_v {
            let raw = t.raw();
            if raw.array_part().len() > SLICE {
                // A long array is traced a slice per visit, so that one
                // table of millions of entries is not one long pause.
                drop(raw);
                if let Some(m) = t.metatable() {
                    self.mark(m);
                }
                t.raw().for_each_in_hash(|k, v| {
                    self.mark_value(k);
                    self.mark_value(v);
                });
                self.trace_slice(g, 0, 0);
            } else {
                drop(raw);
                t.trace(self);
            }
            return size;
        }
        if let Some(m) = t.metatable() {
            self.mark(m);
        }
        if !weak_k {
            t.raw().for_each(|k, _| self.mark_value(k));
        }
        match (weak_k, weak_v) {
            (true, true) => self.weak_both.push(g),
            (true, false) => self.weak_keys.push(g),
            _ => self.weak_values.push(g),
        }
        size
    }

    /// Trace the slice of table `g`'s array part that starts at `from`
    /// (`n`: the array's length at the last slice) and queue the rest;
    /// returns the work done.
    ///
    /// The table is black meanwhile, so a value stored into it is marked
    /// by the barrier; a slot keeps its key's value (slot `i` is key
    /// `i + 1`), so the slots not traced yet still hold every value they
    /// held, unless the array part shrank and moved them into the hash
    /// part: then the whole table is traced again. (A shrink and a regrowth
    /// between two slices put the keys back into their slots.)
    pub(super) fn trace_slice(&mut self, g: Gc<Table>, from: usize, n: usize) -> isize {
        let raw = g.raw();
        let arr = raw.array_part();
        if arr.len() < n {
            drop(raw);
            g.trace(self);
            return (g.extra_bytes() / WORK_UNIT) as isize;
        }
        let end = arr.len().min(from + SLICE);
        for &v in &arr[from..end] {
            self.mark_value(v);
        }
        if end < arr.len() {
            self.slices.push((g, end, arr.len()));
        }
        // usize -> isize: at most SLICE.
        (end - from) as isize
    }

    /// Mark the values of weak-keyed tables whose keys are marked, until
    /// nothing changes: a value reachable only through its own weak key
    /// (even across several such tables) does not keep the key alive.
    pub(super) fn converge(&mut self) {
        loop {
            let mut changed = false;
            let mut i = 0;
            while i < self.weak_keys.len() {
                let e = self.weak_keys[i];
                e.raw().for_each(|k, v| {
                    if value_marked(k) && !value_marked(v) {
                        self.mark_value(v);
                        changed = true;
                    }
                });
                i += 1;
            }
            self.drain_all();
            if !changed {
                return;
            }
        }
    }

    /// Remove the entries of weak-valued tables whose value is dead.
    pub(super) fn clear_values(&self) {
        for t in self.weak_values.iter().chain(&self.weak_both) {
            t.raw_mut().retain(|_, v| value_marked(v));
        }
    }

    /// Remove the entries of weak-keyed tables whose key is dead.
    pub(super) fn clear_keys(&self) {
        for t in self.weak_keys.iter().chain(&self.weak_both) {
            t.raw_mut().retain(|k, _| value_marked(k));
        }
    }

    /// Mark the strings of the weak tables' remaining entries (they were
    /// left unmarked so that a cleared entry's string can go).
    pub(super) fn mark_weak_strings(&mut self) {
        let tables: Vec<Gc<Table>> = self
            .weak_values
            .iter()
            .chain(&self.weak_keys)
            .chain(&self.weak_both)
            .copied()
            .collect();
        for t in tables {
            t.raw().for_each(|k, v| {
                for x in [k, v] {
                    if let Value::Str(s) = x {
                        self.mark(s);
                    }
                }
            });
        }
    }
}
