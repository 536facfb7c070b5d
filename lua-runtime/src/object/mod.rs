//! The heap object types: tables, closures, upvalues, native functions,
//! userdata and threads, and how the collector traces each.

use std::any::Any;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::rc::Rc;

use lua_bytecode::Proto;

use crate::error::LuaResult;
use crate::gc::{Gc, GcObject, Kind, Tracer};
use crate::state::State;
use crate::value::{Payload, Value};

pub mod string;
pub mod table_cell;
use table_cell::{CellMut, CellRef, TableCell};

/// The raw table type used by the runtime.
pub type RawTable = lua_tables::Table<Value>;

/// A Lua table: the raw array/hash table of lua-tables plus what the
/// runtime owns: the metatable and a cache of metamethods known absent.
pub struct Table {
    /// Borrowed only for raw operations, never across a call into Lua or
    /// the collector: see [`table_cell`] for the rule and why it is
    /// checked only in debug builds.
    raw: TableCell<RawTable>,
    meta: Cell<Option<Gc<Table>>>,
    /// Bit `e` set: this table, used as a metatable, has no field for
    /// event `e` (PUC's `flags`; only the first six events are cached, so
    /// a byte holds them). Cleared on every raw write.
    flags: Cell<u8>,
    /// Heap bytes of the raw table as last reported to the heap's debt,
    /// in 8-byte units (every part size is a multiple of 8 bytes), so that
    /// 32 bits hold 32 GiB; past that, growth is no longer counted (see
    /// [`counted_units`]). 32 bits rather than a `usize` keep the table's
    /// box at 80 bytes (a test pins it).
    counted: Cell<u32>,
    /// A sandbox's read-only view of a library (see `crate::sandbox`):
    /// `rawset` refuses it; its metatable refuses every other write.
    pub readonly: Cell<bool>,
}

impl Table {
    pub fn new(raw: RawTable) -> Table {
        let counted = counted_units(raw.heap_bytes());
        Table {
            raw: TableCell::new(raw),
            meta: Cell::new(None),
            flags: Cell::new(0),
            counted: Cell::new(counted),
            readonly: Cell::new(false),
        }
    }

    /// Read access to the raw table. Never hold across a call into Lua or
    /// a safepoint (the rule of [`table_cell`]).
    #[inline]
    pub fn raw(&self) -> CellRef<'_, RawTable> {
        self.raw.borrow()
    }

    /// Write access to the raw table; invalidates the metamethod cache.
    /// Never hold across a call into Lua or a safepoint (the rule of
    /// [`table_cell`]).
    #[inline]
    pub fn raw_mut(&self) -> CellMut<'_, RawTable> {
        self.flags.set(0);
        self.raw.borrow_mut()
    }

    #[inline]
    pub fn get(&self, k: Value) -> Value {
        self.raw.borrow().get(k)
    }

    // Always inlined, as `get_str`: out of line (the tree executor's
    // condition walk left it so) the value came back through memory.
    #[inline(always)]
    pub fn get_int(&self, k: i64) -> Value {
        self.raw.borrow().get_int(k)
    }

    /// `t[k]` for a key that is not an integer, nil or NaN (a string).
    /// The key goes in and the value comes out as pairs of words, never as
    /// a `Value` in memory: the executors write values as two words
    /// (lua-runtime's `value` docs), and a `Value` passed by pointer (an
    /// out-of-line lookup) or copied whole was read back as one 16-byte
    /// load, which stalls store forwarding. Inlined: the lookup is the hot
    /// path of every field access (docs/PERFORMANCE.md has the figures).
    #[inline(always)]
    pub fn get_str(&self, k: Value) -> Value {
        let (tag, payload) = k.to_words();
        let (vt, vp) = self.get_str_words(tag, payload);
        // SAFETY: the words of a value read from the table just now.
        unsafe { Value::from_words(vt, vp) }
    }

    #[inline(always)]
    fn get_str_words(&self, tag: u64, payload: Payload) -> (u64, Payload) {
        // SAFETY: the words of the caller's key.
        let k = unsafe { Value::from_words(tag, payload) };
        self.raw.borrow().get_str(k).to_words()
    }

    /// `t[k] = v` if key `k` (not an integer, nil or NaN) is present with
    /// a non-nil value: a field update, inline, with key and value passed
    /// as words (see [`Table::get_str`]). Such a store never resizes and
    /// no `__newindex` concerns it. False (nothing done) otherwise.
    #[inline(always)]
    pub fn replace_str(&self, k: Value, v: Value) -> bool {
        let (kt, kp) = k.to_words();
        let (vt, vp) = v.to_words();
        // SAFETY: the words of the caller's key and value, just split.
        let (k, v) = unsafe { (Value::from_words(kt, kp), Value::from_words(vt, vp)) };
        self.raw_mut().replace_str(k, v)
    }

    /// `t[k] = v` for a key that is not an integer, nil or NaN, on the raw
    /// table (no metamethods; the caller checked): the store
    /// [`Table::get_str`] pairs with, passed the same way. Returns whether
    /// a part of the table was resized (the caller accounts the memory).
    #[inline(always)]
    pub fn set_str_raw(&self, k: Value, v: Value) -> bool {
        let (kt, kp) = k.to_words();
        let (vt, vp) = v.to_words();
        self.set_str_words(kt, kp, vt, vp)
    }

    #[inline(never)]
    fn set_str_words(&self, kt: u64, kp: Payload, vt: u64, vp: Payload) -> bool {
        // SAFETY: the words of the caller's key and value.
        let (k, v) = unsafe { (Value::from_words(kt, kp), Value::from_words(vt, vp)) };
        let mut raw = self.raw_mut();
        let bytes = raw.heap_bytes();
        raw.set_str(k, v);
        raw.heap_bytes() != bytes
    }

    #[inline]
    pub fn metatable(&self) -> Option<Gc<Table>> {
        self.meta.get()
    }

    /// Set the metatable, with no write barrier: code that runs while
    /// a collection cycle may be under way calls
    /// [`State::set_table_metatable`] instead.
    pub fn set_metatable(&self, mt: Option<Gc<Table>>) {
        self.meta.set(mt);
    }

    #[inline]
    pub(crate) fn flags(&self) -> u8 {
        self.flags.get()
    }

    #[inline]
    pub(crate) fn set_flag(&self, bit: u8) {
        self.flags.set(self.flags.get() | bit);
    }

    /// Growth of the raw table since last counted (for GC debt).
    pub(crate) fn take_growth(&self) -> usize {
        let now = counted_units(self.raw.borrow().heap_bytes());
        let old = self.counted.replace(now);
        now.saturating_sub(old) as usize * 8
    }

    pub fn len(&self) -> i64 {
        self.raw.borrow().len() as i64
    }

    pub fn is_empty(&self) -> bool {
        self.raw.borrow().is_empty()
    }
}

/// `bytes` in the 8-byte units of `Table::counted`, saturating at
/// `u32::MAX` (32 GiB): a table that big stops adding its growth to the
/// collector's debt, which its first 32 GiB have already made due.
fn counted_units(bytes: usize) -> u32 {
    u32::try_from(bytes / 8).unwrap_or(u32::MAX)
}

impl GcObject for Table {
    const KIND: Kind = Kind::Table;
    fn trace(&self, t: &mut Tracer) {
        if let Some(m) = self.meta.get() {
            t.mark(m);
        }
        self.raw.borrow().for_each(|k, v| {
            t.mark_value(k);
            t.mark_value(v);
        });
    }
    fn extra_bytes(&self) -> usize {
        self.raw.borrow().heap_bytes()
    }
}

/// A prototype as the runtime runs it: the compiled `Proto` plus its
/// constants materialised as Values once (strings interned), and the same
/// for its children, so executors read constants without allocating.
pub struct FnProto {
    pub proto: Rc<Proto>,
    pub consts: Box<[Value]>,
    pub children: Box<[Rc<FnProto>]>,
    /// GC cycle in which the constants were last traced (shared by every
    /// closure of this prototype: trace once per cycle).
    traced: Cell<u32>,
}

impl FnProto {
    pub fn new(proto: Rc<Proto>, consts: Box<[Value]>, children: Box<[Rc<FnProto>]>) -> FnProto {
        FnProto {
            proto,
            consts,
            children,
            traced: Cell::new(0),
        }
    }

    fn trace(self: &Rc<Self>, t: &mut Tracer) {
        // Iterative so a deeply nested function tree does not recurse.
        let mut todo: Vec<&FnProto> = vec![self];
        while let Some(p) = todo.pop() {
            if p.traced.get() == t.epoch {
                continue;
            }
            p.traced.set(t.epoch);
            for &k in p.consts.iter() {
                t.mark_value(k);
            }
            todo.extend(p.children.iter().map(|c| &**c));
        }
    }
}

/// A Lua function value.
pub struct LuaClosure {
    pub p: Rc<FnProto>,
    /// In a `Cell` so that `debug.upvaluejoin` can re-point one.
    pub upvals: Box<[Cell<Gc<UpVal>>]>,
    /// Copies of the prototype's frame shape, one load away from the
    /// closure: a call needs them before anything else, and reaching them
    /// through `p.proto` is two more dependent loads on every call.
    pub shape: FrameShape,
    /// The length of `p.consts`, beside `consts` (in the shape's padding).
    nconsts: u32,
    /// `p.consts`' address, one load away from the closure as `shape` is:
    /// every frame entry and return needs it. Valid as long as the
    /// closure (`p` keeps the prototype, and its boxed constants, alive).
    consts: *const Value,
    /// `p.proto.flat().code`, one load away from the closure: the flat
    /// executor needs it on every frame entry and return, and the walk
    /// closure -> prototype -> code is three dependent loads and a
    /// once-cell check. Empty until the closure runs under an executor of
    /// flat code (`LuaClosure::new`, `prepare_flat`): a program run by the
    /// tree executor never flattens its code. Points into the `Proto` that
    /// `p` keeps alive (an `Rc`'s contents never move, and a once-cell's
    /// value is never replaced), so it is valid as long as this closure.
    code: Cell<*const [lua_bytecode::Op]>,
}

impl LuaClosure {
    /// A closure of `p`; `flat`: give it its flat code now (flattening the
    /// prototype if no closure of it had it yet).
    pub fn new(p: Rc<FnProto>, upvals: Box<[Cell<Gc<UpVal>>]>, flat: bool) -> LuaClosure {
        let shape = FrameShape::of(&p.proto);
        // Operands index constants with at most 32 bits, so a longer list
        // (memory would run out first) is only cut to what they can reach.
        let nconsts = u32::try_from(p.consts.len()).unwrap_or(u32::MAX);
        let consts = p.consts.as_ptr();
        let c = LuaClosure {
            p,
            upvals,
            shape,
            nconsts,
            consts,
            code: Cell::new(&[]),
        };
        if flat {
            c.prepare_flat();
        }
        c
    }

    /// Give the closure its flat code (when the state switches to an
    /// executor of flat code).
    pub fn prepare_flat(&self) {
        self.code.set(&*self.p.proto.flat().code);
    }

    /// The function's constants (`p.consts`), one load away.
    #[inline(always)]
    pub fn consts(&self) -> &[Value] {
        // SAFETY: `consts` and `nconsts` describe `p.consts`, which `p`
        // keeps alive and never changes (see the field).
        unsafe { std::slice::from_raw_parts(self.consts, self.nconsts as usize) }
    }

    /// The function's flat code (`p.proto.flat().code`); empty unless the
    /// state's executor runs flat code.
    #[inline(always)]
    pub fn flat_code(&self) -> &[lua_bytecode::Op] {
        // SAFETY: `code` is empty or points into the prototype `self.p`
        // keeps alive, which never moves (see the field).
        unsafe { &*self.code.get() }
    }
}

/// What a call needs to know about a function's frame (copied from its
/// `Proto`).
#[derive(Clone, Copy, Debug)]
pub struct FrameShape {
    pub num_params: u8,
    pub max_registers: u8,
    pub is_vararg: bool,
    /// The function has upvalues or to-be-closed variables to close when
    /// it returns (`Proto::needs_close`).
    pub needs_close: bool,
}

impl FrameShape {
    pub fn of(p: &lua_bytecode::Proto) -> FrameShape {
        FrameShape {
            num_params: p.num_params,
            max_registers: p.max_registers,
            is_vararg: p.is_vararg,
            needs_close: p.needs_close,
        }
    }
}

impl GcObject for LuaClosure {
    const KIND: Kind = Kind::LuaClosure;
    fn trace(&self, t: &mut Tracer) {
        self.p.trace(t);
        for u in self.upvals.iter().map(Cell::get) {
            t.mark(u);
        }
    }
    fn extra_bytes(&self) -> usize {
        self.upvals.len() * 8
    }
}

/// An upvalue: shared by every closure that captured the same variable.
///
/// While open, `v` points at the variable's slot on `owner`'s stack (the
/// stack re-points it when its buffer moves: `vm::stack`); closing copies
/// the slot into `closed` and points `v` there. So a read or a write is
/// one pointer load and one access whichever state the upvalue is in.
pub struct UpVal {
    v: Cell<*mut Value>,
    closed: UnsafeCell<Value>,
    /// The thread whose stack holds the variable while the upvalue is open
    /// (a closure may be called from another coroutine); marked so that
    /// the stack outlives the pointer into it.
    pub owner: Gc<Thread>,
}

impl UpVal {
    /// An upvalue not yet pointing anywhere: [`UpVal::open_at`] or
    /// [`UpVal::close_with`] must follow before any read, once the object
    /// has its place on the heap (a closed one points into itself).
    pub(crate) fn unplaced(owner: Gc<Thread>) -> Self {
        UpVal {
            v: Cell::new(std::ptr::null_mut()),
            closed: UnsafeCell::new(Value::Nil),
            owner,
        }
    }

    /// Open on a stack slot (`Stack::slot_ptr`).
    pub(crate) fn open_at(&self, slot: *mut Value) {
        self.v.set(slot);
    }

    /// Close with value `v`: the upvalue holds it from now on.
    pub(crate) fn close_with(&self, v: Value) {
        // SAFETY: no reference into `closed` outlives a call of this type.
        unsafe { *self.closed.get() = v };
        self.v.set(self.closed.get());
    }

    /// Point an open upvalue at its slot in a moved stack buffer.
    ///
    /// # Safety
    /// `slot` must be this upvalue's slot in its owner's current buffer.
    pub(crate) unsafe fn repoint(&self, slot: *mut Value) {
        self.v.set(slot);
    }

    #[inline(always)]
    pub fn is_open(&self) -> bool {
        !std::ptr::eq(self.v.get(), self.closed.get())
    }

    /// The stack index of an open upvalue's slot, in the stack whose
    /// buffer starts at `base` (its owner's, current or just moved from).
    #[inline(always)]
    pub fn open_index(&self, base: *const Value) -> usize {
        (self.v.get() as usize - base as usize) / std::mem::size_of::<Value>()
    }

    /// The variable's value (two word loads: `Value::load`).
    #[inline(always)]
    pub fn get(&self) -> Value {
        // SAFETY: `v` points at a valid value: the closed cell, or the
        // open slot, which the owner's stack keeps valid and pointed to
        // (`vm::stack`, S2 and S3).
        unsafe { Value::load(&*self.v.get()) }
    }

    /// Write the variable, without the collector's barrier: callers use
    /// `State::upval_set`, which adds it for a closed upvalue.
    #[inline(always)]
    pub(crate) fn set_raw(&self, v: Value) {
        // SAFETY: as for `get`; no reference to the slot is live across
        // this store (the executors re-derive theirs after a call).
        unsafe { Value::store(&mut *self.v.get(), v) }
    }
}

impl GcObject for UpVal {
    const KIND: Kind = Kind::UpVal;
    fn trace(&self, t: &mut Tracer) {
        t.mark(self.owner);
        if !self.is_open() {
            t.mark_value(self.get());
        }
    }
}

/// Arguments of a native call: `n` values starting at stack index `base`.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    pub base: usize,
    pub n: usize,
}

/// A native function: reads its arguments from the stack through [`Args`],
/// pushes its results on top of the stack and returns how many it pushed.
pub type NativeFnPtr = fn(&mut State, Args) -> LuaResult<usize>;

/// Natives that executors must run without recursing (they push frames).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeKind {
    /// An ordinary function: called directly.
    Plain,
    /// `pcall(f, ...)`.
    PCall,
    /// `xpcall(f, msgh, ...)`.
    XPCall,
    /// A native that may call a function as a frame of the executor's loop
    /// and finish in a continuation when it returns
    /// ([`State::call_k`](crate::State::call_k), as `lua_callk`), so a
    /// coroutine can yield inside that call (`pairs` with `__pairs`,
    /// `dofile`). Never run by the executors' in-place call of plain
    /// natives.
    CallK,
}

/// A native's continuation (see [`NativeKind::CallK`]): called with the
/// native's arguments and the stack index where the results of the call it
/// made start (they run to the top of the stack); returns, as a native
/// does, how many results it leaves on top, or asks for another call.
pub type ContFn = fn(&mut State, Args, usize) -> LuaResult<usize>;

/// A native (Rust) function value, with optional upvalues.
pub struct NativeFunction {
    /// The name used in messages ("print", "string.rep").
    pub name: &'static str,
    pub f: NativeFnPtr,
    pub kind: NativeKind,
    pub upvalues: RefCell<Vec<Value>>,
}

impl GcObject for NativeFunction {
    const KIND: Kind = Kind::Native;
    fn trace(&self, t: &mut Tracer) {
        for &v in self.upvalues.borrow().iter() {
            t.mark_value(v);
        }
    }
}

/// A full userdata: an opaque Rust value with a metatable and a user value.
pub struct UserData {
    pub meta: Cell<Option<Gc<Table>>>,
    pub data: RefCell<Box<dyn Any>>,
    pub user_value: Cell<Value>,
    /// How many user values it has (0 or 1; `lua_newuserdatauv`'s `nuvalue`,
    /// for `debug.getuservalue`): the library's own userdata have none.
    pub nuvalue: u8,
    /// Bytes the payload holds outside the heap (buffers, handles) as its
    /// owner reported them ([`State::set_external_bytes`]), counted by the
    /// collector so that such objects piling up make it run.
    pub external: Cell<usize>,
}

impl UserData {
    /// A userdata with no user value and no external bytes.
    pub fn new(meta: Option<Gc<Table>>, data: Box<dyn Any>) -> UserData {
        UserData {
            meta: Cell::new(meta),
            data: RefCell::new(data),
            user_value: Cell::new(Value::Nil),
            nuvalue: 0,
            external: Cell::new(0),
        }
    }
}

impl GcObject for UserData {
    const KIND: Kind = Kind::UserData;
    fn trace(&self, t: &mut Tracer) {
        if let Some(m) = self.meta.get() {
            t.mark(m);
        }
        t.mark_value(self.user_value.get());
    }
    /// The payload's size (a Rust value of the embedding API counts toward
    /// the heap like a table's parts) and its reported external bytes. The
    /// payload is never replaced, so its size is the same when it is
    /// allocated and when it is freed.
    fn extra_bytes(&self) -> usize {
        let payload = self
            .data
            .try_borrow()
            .map_or(0, |d| std::mem::size_of_val::<dyn Any>(&**d));
        payload + self.external.get()
    }
}

/// Status of a thread (coroutine).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadStatus {
    Suspended,
    Running,
    Normal,
    Dead,
}

/// A coroutine. The running thread's stacks live in the `State` (see
/// `crate::vm::frame`); a suspended thread keeps its saved stacks here and
/// `resume` swaps them in.
pub struct Thread {
    pub status: Cell<ThreadStatus>,
    /// The thread's stacks while it is not running (the running thread's
    /// are in `State::th`).
    pub saved: RefCell<crate::vm::frame::ThreadStacks>,
    /// The error a coroutine died with (for `coroutine.close`).
    pub error: Cell<Option<Value>>,
}

impl Thread {
    pub fn new(status: ThreadStatus) -> Thread {
        Thread {
            status: Cell::new(status),
            saved: RefCell::new(crate::vm::frame::ThreadStacks::default()),
            error: Cell::new(None),
        }
    }
}

impl GcObject for Thread {
    const KIND: Kind = Kind::Thread;
    fn trace(&self, t: &mut Tracer) {
        self.saved.borrow().trace(t);
        if let Some(e) = self.error.get() {
            t.mark_value(e);
        }
    }
    /// The saved stacks' memory (a running thread's are in the `State`,
    /// and counted there).
    fn extra_bytes(&self) -> usize {
        self.saved.try_borrow().map_or(0, |s| s.heap_bytes())
    }
}

#[cfg(test)]
mod tests {
    /// Every Lua table costs its box: 80 bytes (a 16-byte header and the
    /// table object), a size class of mimalloc's (docs/PERFORMANCE.md,
    /// session 6). A field added here moves it to the 96-byte class.
    /// Release builds only: in debug builds the raw table's cell is a
    /// `RefCell`, a word bigger (`table_cell`).
    #[test]
    fn table_object_is_64_bytes() {
        assert_eq!(size_of::<super::RawTable>(), 48);
        #[cfg(not(debug_assertions))]
        assert_eq!(size_of::<super::Table>(), 64);
    }

    /// An upvalue is its pointer, its closed cell and its owner: a 48-byte
    /// box with the header, as when it held its state as an enum.
    #[test]
    fn upvalue_object_is_32_bytes() {
        assert_eq!(size_of::<super::UpVal>(), 32);
    }
}
