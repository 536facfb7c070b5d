//! The garbage-collected heap: `Gc<T>` handles, allocation, and an
//! incremental and generational mark & sweep collector.
//!
//! # Design
//!
//! Every heap object is a `GcBox<T>`: a [`Header`] followed by the object.
//! All boxes form one intrusive singly linked list (`Header::next`) owned by
//! the [`Heap`], new objects at its head; a [`Gc<T>`] is a `Copy` pointer to
//! a box.
//!
//! ## Colors
//!
//! A header's color is one of two whites (0 and 1), `BLACK` or
//! `TOUCHED`. Objects are allocated in the current white. Marking turns
//! what it reaches black: reaching a string blackens it at once (strings
//! have no children); reaching any other object pushes it, unchecked, on
//! a gray stack of edges, and the first visit blackens it, adds its size
//! to the live total and pushes its children (`mark.rs`: a prefetching
//! FIFO, since marking is bound by cache misses; no recursion, so a linked
//! list a million nodes long cannot overflow the Rust stack). There is no
//! gray color: an object is gray while an edge to it waits on the stack.
//!
//! ## Incremental mode (`cycle.rs`)
//!
//! A cycle runs in steps at safepoints (`State::gc_check`), never in the
//! middle of an instruction, each paid for by allocation: after every
//! 2^`stepsize` bytes a step does `stepmul`% worth of work units (16 bytes
//! marked, or one object swept, is a unit; PUC's accounting).
//!
//! 1. *Start*: the roots are pushed (globals, registry, metatables, the
//!    running thread's stacks, everything an executor or native rooted).
//! 2. *Propagate*: steps drain the gray stack. A long array part is traced
//!    a slice at a time (`Tracer::trace_slice`), so one huge table is not
//!    one long step. The program runs between steps and may store a white
//!    object into a black one: the write barrier (`barrier.rs`) marks it
//!    (a forward barrier, PUC's `luaC_barrier`; for tables too, so no table
//!    is traced twice). Thread stacks have no barrier: every thread traced
//!    is traced again in the atomic step, as are upvalues traced while
//!    open (closing one moves a value off the stack without a barrier).
//! 3. *Atomic*: in one step, the roots again, those threads and upvalues,
//!    the ephemerons, weak tables and finalizers (below). Then the whites
//!    flip: what is still the old white is dead.
//! 4. *Sweep*: steps walk the list, free dead objects and whiten the rest
//!    (objects allocated meanwhile are in the new white and never freed
//!    by this sweep). A dead table's box is kept on a spare list for the
//!    tables allocated next (`Heap::recycle` says why). A dead short
//!    string that the program interns again before the sweep reaches it
//!    is recolored (`Heap::new_str`).
//!
//! The next cycle starts when the heap reaches `pause`% of the size live
//! after this one. `collectgarbage()` completes a sweep under way, or
//! abandons a marking under way (whitening every object), and then runs a
//! whole cycle at once.
//!
//! ## Generational mode (`generational.rs`)
//!
//! Objects that survive a collection are old and stay black; the barrier
//! puts an old object written after a collection on a remembered list
//! (color `TOUCHED`). A minor collection marks from the roots, the old
//! threads, the remembered objects and the old upvalues closed since, and
//! sweeps only the young part of the list (its head, up to the first old
//! object); a major collection, a whole one, runs when the heap has grown
//! `majormul`% since the last major. Survivors of a minor collection are
//! old at once: lua5.4 keeps them young for one more collection, which
//! needs two more ages and barriers that keep a touched object
//! remembered for two collections. Collections are not incremental in
//! this mode (nor are lua5.4's).
//!
//! # Invariants
//!
//! - (I1) A `Gc<T>` is only dereferenced while its object is alive. Objects
//!   die only in a sweep, which runs only at a safepoint, after a mark
//!   that reached every object the program can still reach: from a root,
//!   or (between steps) through a barrier. So any `Gc` held in a register,
//!   upvalue, table or root is valid; a `Gc` held in a Rust local across a
//!   safepoint must be rooted by the code holding it.
//! - (I2) The `kind` in a header always matches the `T` of its box: boxes
//!   are only created by [`Heap::alloc`] from `T::KIND`.
//! - (I3) Incremental mode: no object is black outside a cycle; during one,
//!   a black object references no white object that is not on the gray
//!   stack (the barrier's job), except from thread stacks and open
//!   upvalues, which the atomic step traces again. Generational mode:
//!   between collections an old object references a young one only if it
//!   is remembered, is a thread, or is an upvalue open at the last
//!   collection.
//! - (I4) The heap is single-threaded: `Gc<T>` is neither `Send` nor `Sync`
//!   (it holds a raw pointer).
//! - (I5) A box on the spare list (dead tables' memory kept for reuse, see
//!   `Heap::recycle`) holds no object: its value was dropped when it was
//!   swept, it is on no object list, and no `Gc` reaches it (it was
//!   unreachable when swept, and nothing can reach a dead object). Only
//!   `Heap::alloc` writes a new box into it.
//! - (I6) Every store of a value into a heap object goes through a barrier
//!   (`Heap::barrier`, `barrier_table`, `barrier_object`) right after it,
//!   with no safepoint between: `State::raw_set` and friends, the
//!   executors' fast paths, `setmetatable`, upvalue assignment, the debug
//!   library. The stress modes (`LUNA_GC_STRESS=inc|gen`, corpus variants)
//!   and the `gc/barriers` corpus case catch a missing one.
//!
//! # Weak tables and finalizers
//!
//! In the atomic step, in PUC's order (`Heap::mark_atomic`): a table whose
//! metatable has `__mode` is put on a list while marking instead of having
//! its weak parts marked (the barrier does not mark them either); weak-keyed
//! tables are ephemerons, whose values are marked once their keys are,
//! until nothing changes (`Tracer::converge`); weak values are cleared; the
//! objects registered for finalization (`Heap::register_finalizer`, header
//! flag `FINOBJ`, at `setmetatable` time) that are still unmarked are
//! resurrected (marked with everything they reach) and their finalizers
//! become due (`tobefnz`, run by the `State` after the step); then weak
//! keys are cleared, weak values again, and the strings of the entries
//! that stay are marked (strings are values for weakness). Dead entries
//! stay as dead keys (`Table::retain`).
//!
//! This module and its children are the only code of the runtime that
//! uses `unsafe` on the heap.

// Every narrowing `as` is either fixed or states why it cannot truncate.
#![deny(clippy::cast_possible_truncation)]

use std::alloc::Layout;
use std::cell::Cell;
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::marker::PhantomData;
use std::ptr::NonNull;

use rustc_hash::FxHasher;

use crate::object::string::LuaStr;
use crate::object::{LuaClosure, NativeFunction, Table, Thread, UpVal, UserData};
use crate::value::Value;

mod barrier;
mod cycle;
mod generational;
mod mark;

pub use mark::Tracer;
use mark::WORK_UNIT;

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
    /// Whether the collector has traced this object in the current cycle
    /// (incremental mode) or holds it old (generational): a store into it
    /// must go through a barrier. Hot paths test this first and leave a
    /// store into a black object to the general path.
    #[inline(always)]
    pub fn is_black(self) -> bool {
        self.header().color.get() == BLACK
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

/// Key of the intern set: hashes and compares as the string's bytes
/// ([`InternBytes`], the lookup form).
struct InternKey(Gc<LuaStr>);

impl Hash for InternKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        InternBytes::new(self.0.as_bytes()).hash(state)
    }
}
impl PartialEq for InternKey {
    fn eq(&self, other: &Self) -> bool {
        InternBytes::new(self.0.as_bytes()) == InternBytes::new(other.0.as_bytes())
    }
}
impl Eq for InternKey {}
impl std::borrow::Borrow<InternBytes> for InternKey {
    fn borrow(&self) -> &InternBytes {
        InternBytes::new(self.0.as_bytes())
    }
}

/// A short string's bytes as the intern set looks them up: hashed as a
/// byte slice, compared without a call to `memcmp` (interned strings are
/// at most 40 bytes, and most are a few: the call was a tenth of a
/// `tostring` or `..` whose result already existed).
#[repr(transparent)]
struct InternBytes([u8]);

impl InternBytes {
    fn new(b: &[u8]) -> &InternBytes {
        // SAFETY: `InternBytes` is a transparent wrapper of `[u8]`: same
        // layout and metadata, so the reference keeps its length and
        // lifetime.
        unsafe { &*(b as *const [u8] as *const InternBytes) }
    }
}

impl Hash for InternBytes {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

impl PartialEq for InternBytes {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        let n = a.len();
        if n != b.len() {
            return false;
        }
        // Two overlapping words cover 8..=16 bytes, two half words 4..8.
        let word =
            |s: &[u8], at: usize| u64::from_ne_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
        let half =
            |s: &[u8], at: usize| u32::from_ne_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]));
        match n {
            0..4 => a.iter().zip(b).all(|(x, y)| x == y),
            4..8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
            8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
            _ => a == b,
        }
    }
}
impl Eq for InternBytes {}

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
    /// Generational mode: the last major collection was a bad one (see
    /// `Heap::gen_step`).
    gen_bad: bool,
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
    tobefnz: VecDeque<Value>,
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

/// Generational mode: the least allocation between two minor
/// collections. Survivors of one minor collection are old at once (see
/// `generational.rs`), so on a small heap minor collections every
/// `minormul`% would promote the temporaries that happen to be live at
/// each: a longer interval lets them die young.
const MIN_YOUNG: usize = 1 << 20;

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
            gen_bad: false,
            collections: 0,
            epoch: 0,
            objects: 0,
            finobj: Vec::new(),
            tobefnz: VecDeque::new(),
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
        self.tobefnz.pop_front()
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
            if let Some(k) = self.strings.get(InternBytes::new(bytes)) {
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

    /// Free a dead box, but keep a table's memory for the next tables;
    /// returns the bytes the object held.
    ///
    /// Programs that allocate tables fast (trees, records) free as many
    /// at every sweep as they allocate until the next one. Handing that
    /// memory to the allocator and asking for it again costs a free and a
    /// malloc per table, and, with an allocator that returns emptied pages
    /// to the system, a page fault and a page clearing per 4 KiB as well
    /// (on binary_trees the kernel time was a quarter of the run when
    /// luna's mimalloc purged at once). So the sweep drops the table's contents (its parts go back to the
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
                        self.strings.remove(InternBytes::new(b.value.as_bytes()));
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
mod tests;
