//! The garbage-collected heap: `Gc<T>` handles, allocation, mark & sweep.
//!
//! # Design
//!
//! Every heap object is a `GcBox<T>`: a [`Header`] followed by the object.
//! All boxes form one intrusive singly linked list (`Header::next`) owned by
//! the [`Heap`]; a [`Gc<T>`] is a `Copy` pointer to a box. Collection is a
//! classic stop-the-world mark & sweep:
//!
//! 1. *Mark*: the caller (the `State`) hands every root to a [`Tracer`]
//!    (globals, registry, metatables, the running thread's value stack and
//!    frames, open upvalues, everything an executor or native rooted).
//!    Reaching a string marks it at once (strings have no children);
//!    reaching any other object pushes it, unchecked, on an explicit gray
//!    stack of edges. The tracer pops edges through a small prefetching
//!    FIFO (see `Tracer::drain`: marking is bound by cache misses), and
//!    the first visit of an object sets its mark bit, adds its size to the
//!    live total and pushes its children. There is no recursion, so a
//!    linked list a million nodes long cannot overflow the Rust stack.
//! 2. *Sweep*: walk the object list, free every unmarked box and clear the
//!    mark of the survivors. A freed short string is also removed from the
//!    intern set (the set does not keep strings alive: it is weak). The
//!    live size was summed while marking, when each object's body was in
//!    cache anyway, so the sweep reads only the headers of survivors.
//!    A dead table's box is not freed but kept on a spare list for the
//!    tables allocated during the next cycle (`Heap::recycle` says why).
//!
//! Collection is driven by allocation debt: every allocation adds its size
//! to `bytes`; when `bytes` passes `threshold` a collection is due, and it
//! runs at the next safepoint (`State::gc_check`), never in the middle of an
//! instruction. After a collection the threshold is set to `pause`% of the
//! live size (200% by default, like PUC's `LUAI_GCPAUSE`).
//!
//! # Invariants
//!
//! - (I1) A `Gc<T>` is only dereferenced while its object is alive. Objects
//!   die only in `Heap::sweep`, which runs only at a safepoint, and every
//!   value the program can still reach at a safepoint is reachable from a
//!   root. So any `Gc` held in a register, upvalue, table or root is valid;
//!   a `Gc` held in a Rust local across a safepoint must be rooted by the
//!   code holding it.
//! - (I2) The `kind` in a header always matches the `T` of its box: boxes
//!   are only created by [`Heap::alloc`] from `T::KIND`.
//! - (I3) Between collections every mark bit is clear (sweep clears the
//!   survivors'), so a mark bit set during marking means "reached in this
//!   cycle".
//! - (I4) The heap is single-threaded: `Gc<T>` is neither `Send` nor `Sync`
//!   (it holds a raw pointer).
//! - (I5) A box on the spare list (dead tables' memory kept for reuse, see
//!   `Heap::recycle`) holds no object: its value was dropped when it was
//!   swept, it is on no object list, and no `Gc` reaches it (it was
//!   unreachable when swept, and nothing can reach a dead object). Only
//!   `Heap::alloc` writes a new box into it.
//!
//! # Weak tables and finalizers
//!
//! Between mark and sweep, in PUC's order (`Heap::collect`): a table whose
//! metatable has `__mode` is put on a list while marking instead of having
//! its weak parts marked; weak-keyed tables are ephemerons, whose values
//! are marked once their keys are, until nothing changes
//! (`Tracer::converge`); weak values are cleared; the objects registered
//! for finalization (`Heap::register_finalizer`, header flag `FINOBJ`, at
//! `setmetatable` time) that are still unmarked are resurrected (marked
//! with everything they reach) and their finalizers become due
//! (`tobefnz`, run by the `State` after the collection); then weak keys
//! are cleared, weak values again, and the strings of the entries that
//! stay are marked (strings are values for weakness). Dead entries stay
//! as dead keys (`Table::retain`).
//!
//! Incremental and generational collection are planned (issue 13).
//!
//! This is the only module of the runtime that uses `unsafe` on the heap.

// Every narrowing `as` is either fixed or states why it cannot truncate.
#![deny(clippy::cast_possible_truncation)]

use std::alloc::Layout;
use std::cell::Cell;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::marker::PhantomData;
use std::ptr::NonNull;

use rustc_hash::FxHasher;

use crate::object::string::LuaStr;
use crate::object::{LuaClosure, NativeFunction, Table, Thread, UpState, UpVal, UserData};
use crate::value::Value;

/// What kind of object a box holds (used to free and trace it without
/// knowing its static type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Str,
    Table,
    LuaClosure,
    Native,
    UpVal,
    UserData,
    Thread,
}

/// The per-object header.
pub struct Header {
    next: Cell<Option<NonNull<Header>>>,
    /// [`BLACK`], or one of the two whites (0 and 1; see "Colors" in the
    /// module docs).
    color: Cell<u8>,
    kind: Kind,
    /// Per-object bits: [`FINOBJ`], [`WEAK_K`], [`WEAK_V`].
    flags: Cell<u8>,
}

/// Header flag: the object is registered for finalization (it is in
/// `Heap::finobj`).
const FINOBJ: u8 = 1;
/// Header flags of a table traced as weak in this cycle (its keys, its
/// values): the write barrier does not mark what is weak.
const WEAK_K: u8 = 2;
const WEAK_V: u8 = 4;

/// The color of an object reached and traced in this cycle; in
/// generational mode, of an old object.
const BLACK: u8 = 2;
/// Generational mode: an old object a barrier put on the remembered list
/// (it may reference young objects; the next minor collection traces it).
const TOUCHED: u8 = 3;

#[repr(C)]
struct GcBox<T> {
    header: Header,
    value: T,
}

/// A heap object type.
pub trait GcObject: Sized {
    const KIND: Kind;
    /// Push every value this object references.
    fn trace(&self, t: &mut Tracer);
    /// Bytes owned outside the box (string bytes, table parts, ...).
    fn extra_bytes(&self) -> usize {
        0
    }
}

/// A pointer to a live heap object. See invariant (I1).
pub struct Gc<T> {
    ptr: NonNull<GcBox<T>>,
    _p: PhantomData<T>,
}

impl<T> Clone for Gc<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Gc<T> {}

impl<T> Gc<T> {
    /// Identity comparison.
    #[inline]
    pub fn ptr_eq(a: Gc<T>, b: Gc<T>) -> bool {
        a.ptr == b.ptr
    }
    /// The address, for `%p`-style printing and identity hashing.
    #[inline]
    pub fn addr(self) -> usize {
        self.ptr.as_ptr() as usize
    }
    /// The object's header, borrowed for as long as this handle is (the
    /// object lives that long: I1).
    fn header(&self) -> &Header {
        // SAFETY: (I1) the box is alive; the header is its first field.
        unsafe { &(*self.ptr.as_ptr()).header }
    }
}

impl<T> std::ops::Deref for Gc<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: (I1) the box is alive while any reachable Gc points at it.
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

impl<T> std::fmt::Debug for Gc<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gc({:p})", self.ptr.as_ptr())
    }
}

/// Key of the intern set: hashes and compares as the string's bytes.
struct InternKey(Gc<LuaStr>);

impl Hash for InternKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.as_bytes().hash(state)
    }
}
impl PartialEq for InternKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes() == other.0.as_bytes()
    }
}
impl Eq for InternKey {}
impl std::borrow::Borrow<[u8]> for InternKey {
    fn borrow(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Collects the mark phase's work: the gray stack, the weak tables, the
/// objects to look at again in the atomic step, and the bytes of what it
/// marked. It lives in the [`Heap`] from one step of a cycle to the next.
pub struct Tracer {
    /// Edges still to visit: objects (never strings) that were reached but
    /// whose color has not been checked yet. See [`Tracer::drain`].
    gray: Vec<NonNull<Header>>,
    /// The interned `"__mode"`: a table whose metatable has it is weak.
    mode_key: Option<Gc<LuaStr>>,
    /// Weak tables reached in this cycle, by what is weak.
    weak_values: Vec<Gc<Table>>,
    weak_keys: Vec<Gc<Table>>,
    weak_both: Vec<Gc<Table>>,
    /// Threads traced in this cycle: their stacks change with no barrier,
    /// so the atomic step traces them again (PUC keeps threads gray).
    threads: Vec<Gc<Thread>>,
    /// Upvalues traced while open: one closed since holds a value that
    /// left the stack with no barrier; the atomic step marks it.
    open_upvals: Vec<Gc<UpVal>>,
    /// Tables whose long array part is being traced in slices (see
    /// [`Tracer::trace_slice`]): the table, the next slot, and the array
    /// length when the last slice was traced.
    slices: Vec<(Gc<Table>, usize, usize)>,
    /// Bytes of every object marked so far in this cycle: after marking,
    /// the live size (sweep then needs to touch no live object's body).
    live: usize,
    /// Incremented every cycle so shared non-GC data (prototypes' constant
    /// tables) is traced once per cycle.
    pub epoch: u32,
}

/// How many edges are in flight between their prefetch and their visit.
/// Each visit costs about one cache miss on the object's header and one on
/// its body; eight misses in flight is about what one core sustains.
const PREFETCH_DEPTH: usize = 8;

/// Array slots traced per visit of a long array part (see
/// [`Tracer::trace_slice`]).
const SLICE: usize = 4096;

/// Bytes of marking per unit of collector work (PUC's `WORK2MEM`, the size
/// of a value slot): the pacing counts work in these units, and sweeping
/// one object costs one unit.
const WORK_UNIT: usize = 16;

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
    fn new() -> Tracer {
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
    fn reset(&mut self) {
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
    fn drain_all(&mut self) {
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
    fn drain(&mut self, budget: &mut isize) -> bool {
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
                        if matches!(u.state.get(), UpState::Open(_)) {
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
    fn trace_table(&mut self, g: Gc<Table>) -> usize {
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
    fn trace_slice(&mut self, g: Gc<Table>, from: usize, n: usize) -> isize {
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
    fn converge(&mut self) {
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
    fn clear_values(&self) {
        for t in self.weak_values.iter().chain(&self.weak_both) {
            t.raw_mut().retain(|_, v| value_marked(v));
        }
    }

    /// Remove the entries of weak-keyed tables whose key is dead.
    fn clear_keys(&self) {
        for t in self.weak_keys.iter().chain(&self.weak_both) {
            t.raw_mut().retain(|k, _| value_marked(k));
        }
    }

    /// Mark the strings of the weak tables' remaining entries (they were
    /// left unmarked so that a cleared entry's string can go).
    fn mark_weak_strings(&mut self) {
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

/// Whether `v` survives this cycle as far as weak tables go: marked, or
/// not an object, or a string (a value, for weakness).
fn value_marked(v: Value) -> bool {
    matches!(v, Value::Str(_)) || header_of(v).is_none_or(|h| h.color.get() == BLACK)
}

/// The header of the object `v` is, if it is one. The reference is used
/// at once by the callers, while the object is alive (I1).
fn header_of<'a>(v: Value) -> Option<&'a Header> {
    let p: NonNull<Header> = match v {
        Value::Str(g) => g.ptr.cast(),
        Value::Table(g) => g.ptr.cast(),
        Value::LuaFn(g) => g.ptr.cast(),
        Value::Native(g) => g.ptr.cast(),
        Value::UserData(g) => g.ptr.cast(),
        Value::Thread(g) => g.ptr.cast(),
        Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::LightUserData(_) => {
            return None;
        }
    };
    // SAFETY: (I1) `v` is a live object (callers pass values read from
    // live objects or roots during a collection); the header is the first
    // field of its repr(C) box.
    Some(unsafe { p.as_ref() })
}

/// Trace a box's children and return its size (read while the body is in
/// cache).
unsafe fn trace_box<T: GcObject>(h: NonNull<Header>, t: &mut Tracer) -> usize {
    // SAFETY: caller guarantees the box holds a live T; the header is the
    // first field of a repr(C) GcBox<T>.
    let b = unsafe { &*(h.as_ptr() as *const GcBox<T>) };
    b.value.trace(t);
    std::mem::size_of::<GcBox<T>>() + b.value.extra_bytes()
}

unsafe fn box_bytes<T: GcObject>(h: NonNull<Header>) -> usize {
    // SAFETY: as trace_box.
    let b = unsafe { &*(h.as_ptr() as *const GcBox<T>) };
    std::mem::size_of::<GcBox<T>>() + b.value.extra_bytes()
}

/// Free a box; returns the bytes it held.
unsafe fn free_box<T: GcObject>(h: NonNull<Header>) -> usize {
    // SAFETY: the box was created by Box::into_raw in Heap::alloc as a
    // GcBox<T> (I2) and is unlinked from the list before this call.
    let b = unsafe { Box::from_raw(h.as_ptr() as *mut GcBox<T>) };
    let size = std::mem::size_of::<GcBox<T>>() + b.value.extra_bytes();
    drop(b);
    size
}

type FxBuild = BuildHasherDefault<FxHasher>;

/// Tuning of the collector, as `collectgarbage` sets it (PUC's
/// parameters, with PUC's defaults).
#[derive(Clone, Copy, Debug)]
pub struct GcParams {
    /// A cycle starts when the heap reaches `pause`% of the size live
    /// after the last one.
    pub pause: u32,
    /// Work per step, in percent of the allocation that paid for it.
    pub stepmul: u32,
    /// A step runs every 2^`stepsize` bytes of allocation.
    pub stepsize: u32,
    /// Generational mode: a minor collection after the heap grows by
    /// `minormul`% of its size after the last major one.
    pub minormul: u32,
    /// Generational mode: a major collection when the heap has grown by
    /// `majormul`% since the last one.
    pub majormul: u32,
}

/// Where the collector is in its cycle (PUC's `gcstate`, with the
/// atomic step taken as one transition from `Propagate` to `Sweep`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Between cycles: every object is white.
    Pause,
    /// Marking: objects are black (traced) or white; the gray stack holds
    /// the edges still to visit; the write barrier is on.
    Propagate,
    /// Sweeping: after the atomic step every unreached object is the
    /// other white (dead); the sweep frees those and whitens the rest.
    Sweep,
}

/// How the collector works (`collectgarbage("incremental")`,
/// `collectgarbage("generational")`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Cycles of marking and sweeping in steps (see the module docs).
    Incremental,
    /// Minor collections of the young objects; a major one (a whole
    /// collection) when the heap has grown enough since the last.
    Generational,
}

/// The sweep's place in the object list.
#[derive(Clone, Copy)]
enum SweepPos {
    /// The next object to look at is the list's head.
    Head,
    /// The next object is this survivor's successor (a survivor stays in
    /// the list until the next cycle's sweep, so the position stays valid;
    /// new objects go in at the head, behind it).
    After(NonNull<Header>),
}

/// Owner of every heap object.
pub struct Heap {
    head: Option<NonNull<Header>>,
    /// Memory of table boxes freed by the sweep, kept for the tables
    /// allocated next (see [`Heap::recycle`]): a list threaded through the
    /// boxes themselves (each starts with the next one's address), every
    /// one allocated with `Layout::new::<GcBox<Table>>()`.
    spare: Option<NonNull<u8>>,
    /// Spares left unused for a whole cycle, handed back to the allocator
    /// by the sweep steps.
    stale_spare: Option<NonNull<u8>>,
    /// The marking state, kept from step to step.
    tracer: Tracer,
    phase: Phase,
    sweep_pos: SweepPos,
    /// The white of objects allocated now (0 or 1); the other white is
    /// "dead" from the atomic step to the end of the sweep.
    white: u8,
    /// Bytes allocated, as counted: every live object, plus the objects
    /// allocated since the last atomic step (dead ones included until a
    /// cycle finds them).
    bytes: usize,
    /// Bytes of the objects found dead by the atomic step and not swept
    /// yet (still held from the allocator).
    dead: usize,
    /// The next step (or cycle) is due when `bytes` reaches this.
    threshold: usize,
    /// Allocation debt not paid by the last step (see [`Heap::step`]).
    carry: usize,
    /// The host's memory limit (`usize::MAX`: none); `threshold` never
    /// exceeds it, so crossing it makes a collection due.
    limit: usize,
    /// Bytes live at the last atomic step.
    live: usize,
    strings: HashSet<InternKey, FxBuild>,
    pub params: GcParams,
    /// `collectgarbage("stop")` clears this.
    pub running: bool,
    /// `LUNA_GC_STRESS=1`: a full collection at every safepoint.
    pub stress: bool,
    /// `LUNA_GC_STRESS=inc`: a small incremental step at every safepoint,
    /// so that the program runs inside cycles (barriers, atomic steps
    /// between any two instructions); `gen`: a minor collection every
    /// `STRESS_MINOR_BYTES` of allocation.
    pub stress_steps: bool,
    /// Mode reported by `collectgarbage("generational"/"incremental")`
    /// (the mode the collector runs in, unless `pinned`).
    pub generational: bool,
    /// The mode the collector runs in.
    mode: Mode,
    /// `LUNA_GC_STRESS=inc|gen` pinned the mode: scripts' switches are
    /// reported but do not change it.
    pub pinned: bool,
    /// Generational mode: old objects a barrier touched since the last
    /// collection (color [`TOUCHED`]).
    remembered: Vec<NonNull<Header>>,
    /// Generational mode: the first old object of the list (objects are
    /// added at the head, so the ones before it are young).
    old_boundary: Option<NonNull<Header>>,
    /// Generational mode: the old threads (their stacks change with no
    /// barrier: every minor collection traces them).
    old_threads: Vec<Gc<Thread>>,
    /// Generational mode: old upvalues that were open at the last
    /// collection (closing one moves a value into it with no barrier).
    old_open_upvals: Vec<Gc<UpVal>>,
    /// Generational mode: bytes in use after the last major collection.
    gen_base: usize,
    /// Cycles completed.
    pub collections: u64,
    epoch: u32,
    objects: usize,
    /// Objects (tables, userdata) whose metatable had `__gc` when it was
    /// set, oldest first: not roots; when one is found unreachable it is
    /// resurrected and moved to `tobefnz`.
    finobj: Vec<Value>,
    /// Objects whose finalizer is due, in the order to run them (newest
    /// registration first); roots until run.
    tobefnz: Vec<Value>,
    /// A finalizer is running (PUC's `GCSTPGC`): `running` is off
    /// meanwhile, and `collectgarbage` fails.
    pub in_finalizer: bool,
    /// The interned `"__mode"` (rooted by the state's metamethod names):
    /// without it no table is weak.
    pub mode_key: Option<Gc<LuaStr>>,
}

/// The layout of the boxes kept on the spare list.
const SPARE_LAYOUT: Layout = Layout::new::<GcBox<Table>>();

/// Gray-stack capacity (entries) kept between collections.
const GRAY_KEEP: usize = 1 << 16;

/// The smallest heap size a cycle's threshold is computed from.
const MIN_HEAP: usize = 64 * 1024;

/// Work of one step under `LUNA_GC_STRESS=inc`: a few objects.
const STRESS_STEP_WORK: isize = 40;

/// Allocation between two minor collections under `LUNA_GC_STRESS=gen`:
/// little, but enough for objects to be stored somewhere while young (a
/// minor collection at every safepoint would make each object old before
/// the instruction after its creation could store it).
const STRESS_MINOR_BYTES: usize = 1024;

/// Strings up to this many bytes are interned.
pub const MAX_SHORT_STR: usize = 40;

/// The roots of a collection: called at the start of a cycle and again
/// in its atomic step.
pub type Roots<'a> = dyn FnMut(&mut Tracer) + 'a;

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

impl Heap {
    pub fn new() -> Heap {
        Heap {
            head: None,
            spare: None,
            stale_spare: None,
            tracer: Tracer::new(),
            phase: Phase::Pause,
            sweep_pos: SweepPos::Head,
            white: 0,
            bytes: 0,
            dead: 0,
            threshold: 256 * 1024,
            carry: 0,
            limit: usize::MAX,
            live: 0,
            strings: HashSet::default(),
            params: GcParams {
                pause: 200,
                stepmul: 100,
                stepsize: 13,
                minormul: 20,
                majormul: 100,
            },
            running: true,
            stress: false,
            stress_steps: false,
            generational: false,
            mode: Mode::Incremental,
            pinned: false,
            remembered: Vec::new(),
            old_boundary: None,
            old_threads: Vec::new(),
            old_open_upvals: Vec::new(),
            gen_base: 0,
            collections: 0,
            epoch: 0,
            objects: 0,
            finobj: Vec::new(),
            tobefnz: Vec::new(),
            in_finalizer: false,
            mode_key: None,
        }
    }

    /// `setmetatable` gave object `v` a metatable with `__gc`: it is
    /// finalized when found unreachable (once; registering it again after
    /// its finalizer ran makes it finalizable again).
    pub fn register_finalizer(&mut self, v: Value) {
        if let Some(h) = header_of(v)
            && h.flags.get() & FINOBJ == 0
        {
            h.flags.set(h.flags.get() | FINOBJ);
            self.finobj.push(v);
        }
    }

    /// The next object whose finalizer is due.
    pub fn next_finalizer(&mut self) -> Option<Value> {
        if self.tobefnz.is_empty() {
            None
        } else {
            Some(self.tobefnz.remove(0))
        }
    }

    /// Closing the state: every object registered for finalization is
    /// due now (after those already due), newest first, as `lua_close`.
    pub fn finalize_all(&mut self) {
        let all: Vec<Value> = self.finobj.drain(..).rev().collect();
        for &v in &all {
            if let Some(h) = header_of(v) {
                h.flags.set(h.flags.get() & !FINOBJ);
            }
        }
        self.tobefnz.extend(all);
    }

    /// Allocate a new object (white: a cycle under way finds it through
    /// the roots of its atomic step or through a barrier).
    pub fn alloc<T: GcObject>(&mut self, value: T) -> Gc<T> {
        let extra = value.extra_bytes();
        let b = GcBox {
            header: Header {
                next: Cell::new(self.head),
                color: Cell::new(self.white),
                kind: T::KIND,
                flags: Cell::new(0),
            },
            value,
        };
        let ptr = match self.spare {
            Some(p) if Layout::new::<GcBox<T>>() == SPARE_LAYOUT => {
                // SAFETY: a spare is unused memory allocated with
                // SPARE_LAYOUT, which is GcBox<T>'s layout; its first word
                // is the next spare (written by `recycle`).
                unsafe {
                    self.spare = p.cast::<Option<NonNull<u8>>>().read();
                    let p = p.cast::<GcBox<T>>();
                    p.write(b);
                    p
                }
            }
            _ => NonNull::from(Box::leak(Box::new(b))),
        };
        self.bytes += std::mem::size_of::<GcBox<T>>() + extra;
        self.objects += 1;
        self.head = Some(ptr.cast());
        Gc {
            ptr,
            _p: PhantomData,
        }
    }

    /// Call `f` on every live object of type `T` (for rare whole-heap
    /// updates, such as an executor switch). Objects found dead and not
    /// swept yet are skipped.
    pub fn each<T: GcObject>(&self, mut f: impl FnMut(&T)) {
        let dead = self.dead_color();
        let mut cur = self.head;
        while let Some(h) = cur {
            // SAFETY: every node of the list is a box not freed yet; (I2)
            // a box whose header says `T::KIND` holds a `T`, and the
            // header is its first field.
            unsafe {
                let hdr = h.as_ref();
                if hdr.kind == T::KIND && hdr.color.get() != dead {
                    f(&(*h.cast::<GcBox<T>>().as_ptr()).value);
                }
                cur = hdr.next.get();
            }
        }
    }

    /// The color of the objects found dead by the last atomic step, during
    /// its sweep (a color no object has at other times).
    #[inline]
    fn dead_color(&self) -> u8 {
        self.white ^ 1
    }

    /// Intern (short) or allocate (long) a string.
    pub fn new_str(&mut self, bytes: &[u8]) -> Gc<LuaStr> {
        if bytes.len() <= MAX_SHORT_STR {
            if let Some(k) = self.strings.get(bytes) {
                let s = k.0;
                // Found dead by the atomic step but not swept yet: it is
                // reachable again, so the sweep must keep it (PUC's
                // `changewhite` in `internshrstr`).
                let h = s.header();
                if h.color.get() == self.dead_color() {
                    h.color.set(self.white);
                }
                return s;
            }
            let s = self.alloc(LuaStr::new(bytes));
            self.strings.insert(InternKey(s));
            s
        } else {
            self.alloc(LuaStr::new(bytes))
        }
    }

    /// [`Heap::new_str`] for a buffer the caller gives up: a long string
    /// takes it without a copy.
    pub fn new_str_owned(&mut self, bytes: Vec<u8>) -> Gc<LuaStr> {
        if bytes.len() <= MAX_SHORT_STR {
            self.new_str(&bytes)
        } else {
            self.alloc(LuaStr::from_vec(bytes))
        }
    }

    /// Account for memory an object acquired after allocation (a table
    /// growing): it adds to the debt.
    #[inline]
    pub fn add_debt(&mut self, bytes: usize) {
        self.bytes += bytes;
    }

    /// Bytes held for Lua objects (`collectgarbage("count")`): the
    /// counted ones, the dead ones not swept yet, and the string intern
    /// set (a pointer and a control byte per slot).
    pub fn total_bytes(&self) -> usize {
        self.bytes + self.dead + self.strings.capacity() * (std::mem::size_of::<InternKey>() + 1)
    }

    /// An object's bytes outside the heap changed from `old` to `new`
    /// (see `UserData::external`): the debt follows.
    pub fn external_changed(&mut self, old: usize, new: usize) {
        if new >= old {
            self.bytes += new - old;
        } else {
            self.bytes = self.bytes.saturating_sub(old - new);
        }
    }

    pub fn object_count(&self) -> usize {
        self.objects
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether a step (or a collection, under stress) is due at the next
    /// safepoint.
    #[inline]
    pub fn should_collect(&self) -> bool {
        self.running
            && (self.stress
                || (self.stress_steps && self.mode == Mode::Incremental)
                || self.bytes >= self.threshold)
    }

    // -----------------------------------------------------------------
    // Write barriers

    /// Object `o` now references `v` (an upvalue's value, a metatable, a
    /// userdata's user value, a native's upvalue): if `o` was already
    /// traced in this cycle, `v` must be marked too (a forward barrier, as
    /// PUC's `luaC_barrier`). Free unless `o` is black, which only happens
    /// during a cycle.
    #[inline(always)]
    pub fn barrier<T: GcObject>(&mut self, o: Gc<T>, v: Value) {
        if o.header().color.get() == BLACK {
            self.barrier_slow(o.header(), Value::Nil, v);
        }
    }

    /// [`Heap::barrier`] for an object reference that is not a value (a
    /// closure's upvalue).
    #[inline]
    pub fn barrier_object<T: GcObject, U: GcObject>(&mut self, o: Gc<T>, v: Gc<U>) {
        if o.header().color.get() == BLACK {
            if self.phase == Phase::Propagate {
                self.tracer.mark(v);
            } else {
                self.touch(o.header());
            }
        }
    }

    /// A barrier outside marking: in generational mode the black (old)
    /// object goes on the remembered list; while sweeping, a black object
    /// is one the sweep has not reached, and whitening it now (it
    /// survives either way) keeps its next writes on the fast path.
    fn touch(&mut self, h: &Header) {
        if self.mode == Mode::Generational {
            h.color.set(TOUCHED);
            self.remembered.push(NonNull::from(h));
        } else {
            h.color.set(self.white);
        }
    }

    /// Table `t` now holds `v` under `k`: the table's barrier. A weak part
    /// of a table traced as weak is not marked (the atomic step looks at
    /// weak tables' entries again).
    #[inline(always)]
    pub fn barrier_table(&mut self, t: Gc<Table>, k: Value, v: Value) {
        if t.header().color.get() == BLACK {
            self.barrier_slow(t.header(), k, v);
        }
    }

    #[cold]
    #[inline(never)]
    fn barrier_slow(&mut self, h: &Header, k: Value, v: Value) {
        if self.phase != Phase::Propagate {
            self.touch(h);
            return;
        }
        let f = h.flags.get();
        if f & WEAK_K == 0 {
            self.tracer.mark_value(k);
            if f & WEAK_V == 0 {
                self.tracer.mark_value(v);
            }
        }
    }

    // -----------------------------------------------------------------
    // Cycles

    /// Run a full collection now: a cycle under way is finished without
    /// freeing what it cannot prove dead (marking is abandoned, a sweep is
    /// completed), then a whole cycle runs at once, so that everything
    /// unreachable now is collected.
    pub fn collect(&mut self, roots: &mut Roots<'_>) {
        if self.mode == Mode::Generational {
            self.major(roots);
            return;
        }
        match self.phase {
            Phase::Pause => {}
            Phase::Propagate => self.whiten_all(),
            Phase::Sweep => {
                self.sweep_step(&mut { isize::MAX });
            }
        }
        self.start_cycle(roots);
        self.tracer.drain(&mut { isize::MAX });
        self.atomic(roots);
        self.sweep_step(&mut { isize::MAX });
        self.finish_cycle();
    }

    /// One incremental step, paid for by the allocation since the last
    /// one plus `extra` bytes (`collectgarbage("step", n)`): work in
    /// proportion (`stepmul`), through as many phases as it covers, but
    /// never past the end of a cycle. Returns whether a cycle ended.
    pub fn step(&mut self, roots: &mut Roots<'_>, extra: usize) -> bool {
        self.step_with(roots, extra, false)
    }

    /// The step a safepoint takes when one is due: [`Heap::step`], but a
    /// tiny one under `LUNA_GC_STRESS=inc`.
    pub fn auto_step(&mut self, roots: &mut Roots<'_>) {
        self.step_with(roots, 0, self.stress_steps);
    }

    fn step_with(&mut self, roots: &mut Roots<'_>, extra: usize, tiny: bool) -> bool {
        if self.mode == Mode::Generational {
            // As lua5.4, a generational step never reports a cycle's end.
            self.gen_step(roots, extra);
            return false;
        }
        let stepsize = 1usize << self.params.stepsize.min(40);
        // Allocation debt beyond two steps' worth (one large allocation)
        // is paid by the next steps, one per safepoint, so that no step
        // is long; `extra` (asked for) is paid at once.
        let owed = self.bytes.saturating_sub(self.threshold) + self.carry + stepsize;
        let paid = owed.min(2 * stepsize);
        self.carry = owed - paid;
        let debt = paid + extra;
        let mut budget = if tiny {
            STRESS_STEP_WORK
        } else {
            isize::try_from(debt / WORK_UNIT)
                .unwrap_or(isize::MAX)
                .saturating_mul(self.params.stepmul.max(1) as isize)
        };
        let ended = loop {
            match self.phase {
                Phase::Pause => self.start_cycle(roots),
                Phase::Propagate => {
                    if self.tracer.drain(&mut budget) {
                        self.atomic(roots);
                    }
                }
                Phase::Sweep => {
                    if self.sweep_step(&mut budget) {
                        self.finish_cycle();
                        break true;
                    }
                }
            }
            if budget <= 0 {
                break false;
            }
        };
        if ended {
            self.carry = 0;
        } else if self.carry > 0 {
            self.threshold = self.bytes.min(self.limit);
        } else {
            self.threshold = self.bytes.saturating_add(stepsize).min(self.limit);
        }
        ended
    }

    /// Start a cycle: mark the roots (their edges; marking proper happens
    /// in the steps).
    fn start_cycle(&mut self, roots: &mut Roots<'_>) {
        self.epoch = self.epoch.wrapping_add(1);
        self.tracer.reset();
        self.tracer.mode_key = self.mode_key;
        self.tracer.epoch = self.epoch;
        roots(&mut self.tracer);
        for &v in &self.tobefnz {
            self.tracer.mark_value(v);
        }
        self.phase = Phase::Propagate;
    }

    /// Make every object white and young again, forgetting a cycle under
    /// way (nothing is freed: only a finished mark proves death) and the
    /// generations.
    fn whiten_all(&mut self) {
        let mut cur = self.head;
        while let Some(h) = cur {
            // SAFETY: every node of the list is a live box.
            let hdr = unsafe { h.as_ref() };
            hdr.color.set(self.white);
            cur = hdr.next.get();
        }
        self.tracer.reset();
        self.remembered.clear();
        self.old_threads.clear();
        self.old_open_upvals.clear();
        self.old_boundary = None;
        self.phase = Phase::Pause;
    }

    /// The mode the collector runs in.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Switch the collector's mode (unless pinned): to generational with a
    /// major collection, after which every survivor is old; to
    /// incremental with every object white, the next cycle due when the
    /// heap reaches `pause`% of its size.
    pub fn set_mode(&mut self, mode: Mode, roots: &mut Roots<'_>) {
        if self.pinned || mode == self.mode {
            return;
        }
        match mode {
            Mode::Generational => {
                if self.phase == Phase::Sweep {
                    self.sweep_step(&mut { isize::MAX });
                    self.finish_cycle();
                }
                self.mode = Mode::Generational;
                self.major(roots);
            }
            Mode::Incremental => {
                self.whiten_all();
                self.mode = Mode::Incremental;
                self.finish_cycle();
            }
        }
    }

    /// Start a state in `mode` (nothing allocated yet: no collection
    /// needed), pinned if `pinned`.
    pub fn start_in(&mut self, mode: Mode, pinned: bool) {
        self.mode = mode;
        self.pinned = pinned;
    }

    // -----------------------------------------------------------------
    // Generational mode
    //
    // Objects are young until they survive a collection, old afterwards.
    // Old objects stay black between collections, so the barrier's fast
    // path sees every write into one: the first after a collection puts
    // it on the remembered list (color TOUCHED). A minor collection marks
    // from the roots, the old threads, the remembered objects and the
    // old upvalues closed since; marking stops at old (black) objects,
    // and the sweep walks only the young part of the list (the objects
    // added at its head since the last collection). Survivors become old
    // at once (lua5.4 waits for a second survival). A major collection
    // is a whole one, starting with every object white.

    /// A generational step: major if the heap has grown by `majormul`%
    /// since the last major collection, minor otherwise.
    fn gen_step(&mut self, roots: &mut Roots<'_>, extra: usize) {
        let base = self.gen_base.max(MIN_HEAP);
        let major_at = (base / 100).saturating_mul(100 + self.params.majormul as usize);
        if self.bytes.saturating_add(extra) > major_at {
            self.major(roots);
        } else {
            self.minor(roots);
        }
    }

    /// A minor collection: free the young objects nothing reaches.
    fn minor(&mut self, roots: &mut Roots<'_>) {
        self.release_spares();
        self.start_cycle(roots);
        let t = &mut self.tracer;
        for &th in &self.old_threads {
            th.trace(t);
        }
        self.old_open_upvals.retain(|u| match u.state.get() {
            UpState::Closed(v) => {
                t.mark_value(v);
                false
            }
            UpState::Open(_) => true,
        });
        for h in self.remembered.drain(..) {
            // SAFETY: a remembered object is old, and old objects die only
            // in a major collection, which empties the list.
            unsafe { h.as_ref() }.color.set(self.white);
            t.gray.push(h);
        }
        self.mark_atomic(roots);
        let freed = self.sweep_gen(self.old_boundary);
        self.bytes = self.bytes.saturating_sub(freed);
        self.finish_gen();
    }

    /// A major collection: a whole one; every survivor is old after it.
    fn major(&mut self, roots: &mut Roots<'_>) {
        self.release_spares();
        self.whiten_all();
        self.start_cycle(roots);
        self.mark_atomic(roots);
        self.sweep_gen(None);
        self.bytes = self.tracer.live;
        self.gen_base = self.bytes;
        self.finish_gen();
    }

    /// After a generational collection: the survivors are old, and the
    /// next minor collection is due after `minormul`% of growth.
    fn finish_gen(&mut self) {
        self.old_boundary = self.head;
        let t = &mut self.tracer;
        self.old_threads.append(&mut t.threads);
        self.old_open_upvals.extend(
            t.open_upvals
                .iter()
                .filter(|u| matches!(u.state.get(), UpState::Open(_))),
        );
        self.tracer.reset();
        self.phase = Phase::Pause;
        self.live = self.bytes;
        self.collections += 1;
        let base = self.gen_base.max(MIN_HEAP);
        let grow = if self.stress_steps {
            STRESS_MINOR_BYTES
        } else {
            (base / 100).saturating_mul(self.params.minormul.max(1) as usize)
        };
        self.threshold = self.bytes.saturating_add(grow).min(self.limit);
    }

    /// Sweep the list from its head up to `stop` (the old part, for a
    /// minor collection; `None`: all of it): free the white objects,
    /// make the others old (black). Returns the bytes freed.
    fn sweep_gen(&mut self, stop: Option<NonNull<Header>>) -> usize {
        let white = self.white;
        let mut freed = 0;
        let mut pos = SweepPos::Head;
        loop {
            let link = match pos {
                SweepPos::Head => self.head,
                // SAFETY: a survivor of this sweep is a live box.
                SweepPos::After(p) => unsafe { p.as_ref() }.next.get(),
            };
            let Some(h) = link else { break };
            if Some(h) == stop {
                break;
            }
            // SAFETY: every node of the list is a box not freed yet.
            let hdr = unsafe { h.as_ref() };
            let next = hdr.next.get();
            if hdr.color.get() == white {
                match pos {
                    SweepPos::Head => self.head = next,
                    // SAFETY: a survivor of this sweep is a live box.
                    SweepPos::After(p) => unsafe { p.as_ref() }.next.set(next),
                }
                // SAFETY: (I2); the box is unlinked and unreachable (white
                // after a finished mark).
                freed += unsafe { self.recycle(h) };
                self.objects -= 1;
            } else {
                hdr.color.set(BLACK);
                pos = SweepPos::After(h);
            }
        }
        freed
    }

    /// The atomic step, in PUC's order (`atomic`): mark from the roots
    /// again (and the objects whose finalizers are due), the threads and
    /// open upvalues seen while marking, converge the ephemerons, clear
    /// weak values; then the registered objects left unmarked are
    /// resurrected (marked, with everything they reach) and their
    /// finalizers become due; converge again, clear weak keys, and weak
    /// values again (for weak tables reached only now). Then the whites
    /// flip: what is still white is dead, and the sweep begins.
    fn atomic(&mut self, roots: &mut Roots<'_>) {
        self.mark_atomic(roots);
        let t = &mut self.tracer;
        self.white ^= 1;
        // What was allocated since the last atomic step and not reached
        // is dead now too: `bytes` restarts from the live size, and the
        // rest is held as `dead` until swept.
        self.dead = self.bytes.saturating_sub(t.live);
        self.bytes = t.live;
        self.live = t.live;
        self.stale_spare = self.spare.take();
        self.tracer.reset();
        self.phase = Phase::Sweep;
        self.sweep_pos = SweepPos::Head;
    }

    /// The marking of the atomic step (shared by both modes): everything
    /// reachable is black afterwards, weak tables are cleared, and the
    /// unreachable objects with finalizers are resurrected and due.
    fn mark_atomic(&mut self, roots: &mut Roots<'_>) {
        let t = &mut self.tracer;
        roots(t);
        for &v in &self.tobefnz {
            t.mark_value(v);
        }
        // The threads traced so far (a thread first reached below is
        // traced by that visit).
        for i in 0..t.threads.len() {
            let th = t.threads[i];
            th.trace(t);
        }
        for i in 0..t.open_upvals.len() {
            if let UpState::Closed(v) = t.open_upvals[i].state.get() {
                t.mark_value(v);
            }
        }
        t.drain_all();
        t.converge();
        t.clear_values();
        let mut dying = Vec::new();
        self.finobj.retain(|&v| {
            let live = value_marked(v);
            if !live {
                dying.push(v);
            }
            live
        });
        // Newest registration first.
        for &v in dying.iter().rev() {
            if let Some(h) = header_of(v) {
                h.flags.set(h.flags.get() & !FINOBJ);
            }
            t.mark_value(v);
            self.tobefnz.push(v);
        }
        t.drain_all();
        t.converge();
        t.clear_keys();
        t.clear_values();
        t.mark_weak_strings();
    }

    /// The cycle's sweep ended: the next cycle starts when the heap
    /// reaches `pause`% of its size now.
    fn finish_cycle(&mut self) {
        self.phase = Phase::Pause;
        self.dead = 0;
        self.collections += 1;
        let base = self.bytes.max(MIN_HEAP);
        self.threshold = (base / 100)
            .saturating_mul(self.params.pause.max(100) as usize)
            .min(self.limit);
    }

    /// Set the memory limit (see `State::set_limits`).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        self.threshold = self.threshold.min(limit);
    }

    /// More bytes are counted than the limit allows.
    #[inline]
    pub fn over_limit(&self) -> bool {
        self.bytes > self.limit
    }

    /// Could `n` more bytes fit under the limit, were every object not
    /// live at the last collection freed? (Natives ask before building a
    /// large string; they cannot collect.)
    pub fn room_for(&self, n: usize) -> bool {
        self.limit == usize::MAX || self.live.saturating_add(n) <= self.limit
    }

    /// Sweep until the list ends (true) or `budget` is spent: free every
    /// object of the dead color, whiten the others, and hand stale spares
    /// back to the allocator.
    ///
    /// The walk costs about one cache miss per object (the header), and
    /// the next address is in the header being loaded: it is bound by
    /// memory traffic, not by serialised latency (docs/PERFORMANCE.md has
    /// the layouts tried).
    fn sweep_step(&mut self, budget: &mut isize) -> bool {
        while let Some(p) = self.stale_spare {
            if *budget <= 0 {
                return false;
            }
            // SAFETY: a spare's first word is the next spare, and it was
            // allocated by the global allocator (Box::new in `alloc`) with
            // SPARE_LAYOUT.
            unsafe {
                self.stale_spare = p.cast::<Option<NonNull<u8>>>().read();
                std::alloc::dealloc(p.as_ptr(), SPARE_LAYOUT);
            }
            *budget -= 1;
        }
        let dead = self.dead_color();
        let white = self.white;
        let mut pos = self.sweep_pos;
        loop {
            let link = match pos {
                SweepPos::Head => self.head,
                // SAFETY: a survivor of this sweep is a live box.
                SweepPos::After(p) => unsafe { p.as_ref() }.next.get(),
            };
            let Some(h) = link else {
                self.sweep_pos = SweepPos::Head;
                return true;
            };
            if *budget <= 0 {
                self.sweep_pos = pos;
                return false;
            }
            *budget -= 1;
            // SAFETY: every node of the list is a box not freed yet.
            let hdr = unsafe { h.as_ref() };
            let next = hdr.next.get();
            if hdr.color.get() == dead {
                match pos {
                    SweepPos::Head => self.head = next,
                    // SAFETY: a survivor of this sweep is a live box.
                    SweepPos::After(p) => unsafe { p.as_ref() }.next.set(next),
                }
                // SAFETY: (I2); the box is unlinked and unreachable (dead
                // since the atomic step; nothing revives an object of the
                // dead color except `new_str`, which recolors it).
                let freed = unsafe { self.recycle(h) };
                self.dead = self.dead.saturating_sub(freed);
                self.objects -= 1;
            } else {
                hdr.color.set(white);
                pos = SweepPos::After(h);
            }
        }
    }

    /// Free a dead box, but keep a table's memory for the next tables;
    /// returns the bytes the object held.
    ///
    /// Programs that allocate tables fast (trees, records) free as many
    /// at every sweep as they allocate until the next one. Handing that
    /// memory to the allocator and asking for it again costs a free and a
    /// malloc per table, and when the allocator returns emptied pages to
    /// the system at once (luna sets mimalloc to purge immediately, to
    /// keep peak memory down), a page fault and a page clearing per 4 KiB
    /// as well: on binary_trees the kernel time was a quarter of the run.
    /// So the sweep drops the table's contents (its parts go back to the
    /// allocator) and keeps the box on the spare list, where `alloc`
    /// takes it. Spares not reused within one cycle are released by the
    /// next cycle's sweep, so at most about one cycle's dead tables are
    /// held: no more than the allocator would hold before they were swept.
    /// Under GC stress the boxes are freed, so that memory checkers still
    /// see any use of a dead table.
    unsafe fn recycle(&mut self, h: NonNull<Header>) -> usize {
        // SAFETY: (I2) by caller; the box is unlinked and unreachable.
        unsafe {
            if h.as_ref().kind == Kind::Table && !self.stress && !self.stress_steps {
                let b = h.as_ptr() as *mut GcBox<Table>;
                let size = SPARE_LAYOUT.size() + (*b).value.extra_bytes();
                std::ptr::drop_in_place(&raw mut (*b).value);
                // The header has no destructor; the box is now plain
                // memory of SPARE_LAYOUT, and it is 8-aligned.
                let p = h.cast::<u8>();
                p.cast::<Option<NonNull<u8>>>().write(self.spare);
                self.spare = Some(p);
                size
            } else {
                self.free(h)
            }
        }
    }

    /// Give every spare table box back to the allocator.
    fn release_spares(&mut self) {
        for list in [&mut self.spare, &mut self.stale_spare] {
            while let Some(p) = *list {
                // SAFETY: as in `sweep_step`.
                unsafe {
                    *list = p.cast::<Option<NonNull<u8>>>().read();
                    std::alloc::dealloc(p.as_ptr(), SPARE_LAYOUT);
                }
            }
        }
    }

    /// Free a box; returns the bytes it held.
    unsafe fn free(&mut self, h: NonNull<Header>) -> usize {
        // SAFETY: (I2) by caller; the box is unlinked.
        unsafe {
            match h.as_ref().kind {
                Kind::Str => {
                    let b = &*(h.as_ptr() as *const GcBox<LuaStr>);
                    let size = box_bytes::<LuaStr>(h);
                    if b.value.len() <= MAX_SHORT_STR {
                        self.strings.remove(b.value.as_bytes());
                    }
                    free_box::<LuaStr>(h);
                    size
                }
                Kind::Table => free_box::<Table>(h),
                Kind::LuaClosure => free_box::<LuaClosure>(h),
                Kind::Native => free_box::<NativeFunction>(h),
                Kind::UpVal => free_box::<UpVal>(h),
                Kind::UserData => free_box::<UserData>(h),
                Kind::Thread => free_box::<Thread>(h),
            }
        }
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        self.release_spares();
        self.strings.clear();
        let mut cur = self.head.take();
        while let Some(h) = cur {
            // SAFETY: the heap is being dropped: nothing can reach its
            // objects any more (the State drops its roots with it).
            cur = unsafe { h.as_ref() }.next.get();
            // SAFETY: (I2).
            unsafe { self.free(h) };
        }
    }
}

#[cfg(test)]
mod tests {
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
        let want =
            size_of_table(root) + size_of_table(child) + size_of_str(shared) + size_of_str(long);
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
}
