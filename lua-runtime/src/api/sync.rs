//! The only module of the typed API with `unsafe`: who may touch the
//! [`State`] and when, and why a state may move between threads.
//!
//! # Invariants
//!
//! - (S1) *Ownership.* An [`Inner`] owns its `State` (a `Box` turned into a
//!   raw pointer at construction and freed in `Inner`'s `Drop`). Nothing
//!   else holds a reference, an `Rc` or a `Gc` into that state, except the
//!   rooted values of handles ([`RefInner`]), which are only dereferenced
//!   under the lock (S2). [`Lua::from_state`](super::Lua::from_state) is
//!   `unsafe` because its caller must promise the same of the state handed
//!   in (no clone of its executor `Rc`, no `Gc` kept outside).
//!   The state keeps no part of itself outside (no thread-local or global
//!   lists: the io library's list of open streams is a field of the
//!   state).
//! - (S2) *Lock.* Every access to the state, to [`Core`] and to the heap
//!   objects handles point at happens with `Inner::lock` (a re-entrant
//!   mutex) held by the accessing thread. So however many threads hold
//!   `Lua` clones or handles, one thread at a time touches the state, and
//!   the non-atomic `Rc` counts, `Cell`s and `RefCell`s inside it are never
//!   accessed concurrently. This is what makes the `unsafe impl Send/Sync
//!   for Inner` sound. What users put into the state (callbacks, userdata)
//!   must be `Send` (the API's bounds say so), since it may be used and
//!   dropped on whichever thread holds the lock.
//! - (S3) *One `&mut State` at a time.* The state is reached through
//!   `Core::current`, a raw pointer: the owning box's pointer at top level,
//!   and, while a Rust callback runs, the `&mut State` the executor passed to
//!   that callback (set by [`Inner::run_callback`], restored when it
//!   returns). [`Inner::with`] turns it into a `&mut State` for the length
//!   of a closure and sets `Core::busy` meanwhile; a nested `with` that is
//!   not separated from the outer one by a callback entry finds `busy` set
//!   and panics instead of making a second `&mut`. Inside a callback the
//!   executor's `&mut State` is not used while the callback runs (it is
//!   blocked in the call), and the pointer we use is derived from it, so
//!   the two never alias; the owning box's pointer is not used at all then
//!   (deriving a fresh `&mut` from it would invalidate the executor's).
//! - (S4) *Rooting.* A handle's value is stored in a slot of the refs table
//!   (a table in the registry) from the handle's creation until its last
//!   clone is dropped, so the `Gc` inside stays valid (gc.rs's I1). A drop
//!   never touches the state (it may happen anywhere, even inside `with`):
//!   it queues the slot on `Inner::pending`, emptied at the next `with`.

use std::any::Any;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use parking_lot::{ReentrantMutex, ReentrantMutexGuard};

use super::Lua;
use crate::gc::Gc;
use crate::object::Table as RawTableObj;
use crate::state::State;
use crate::value::Value as Raw;

/// Registry key of the refs table.
const REFS_KEY: &str = "luna.api.refs";

/// The shared part of a [`Lua`](super::Lua) and of its handles.
pub(crate) struct Inner {
    lock: ReentrantMutex<()>,
    core: UnsafeCell<Core>,
    /// Slots released by dropped handles, waiting for the next `with`.
    pending: Mutex<Vec<u32>>,
    has_pending: AtomicBool,
}

/// What only the lock holder touches (S2).
pub(crate) struct Core {
    /// The owned state (S1).
    state: NonNull<State>,
    /// Where `with` finds the state (S3).
    current: Cell<*mut State>,
    busy: Cell<bool>,
    /// Rust callbacks running (0: an operation is a new call from the
    /// host, which refills the instruction budget).
    depth: Cell<u32>,
    /// Root slots (S4): `refs[i]` holds the value of the handles of slot i.
    refs: Gc<RawTableObj>,
    free: RefCell<Vec<u32>>,
    next: Cell<u32>,
    /// Metatables of userdata types, rooted in permanent slots.
    pub(crate) ud_metas: RefCell<HashMap<std::any::TypeId, Raw>>,
    /// A results buffer for Rust callbacks, reused from call to call (a
    /// nested callback finds it taken and makes its own).
    pub(crate) scratch: RefCell<Vec<super::Value>>,
    /// The same for arguments.
    pub(crate) arg_scratch: RefCell<Vec<super::Value>>,
    /// The same for calls from Rust (`Function::call`).
    call_scratch: RefCell<Vec<super::Value>>,
    /// A panic caught in a Rust callback, resumed when control is back in
    /// the Rust code that called into Lua.
    pub(crate) panic: RefCell<Option<Box<dyn Any + Send>>>,
}

// SAFETY: (S1) the state and every object in it are reachable only through
// this `Inner`, and (S2) only by the thread holding `lock`, so moving the
// `Inner` to another thread or sharing it cannot make two threads touch the
// non-thread-safe parts at once. Users' values put into the state are
// `Send` by the API's bounds.
unsafe impl Send for Inner {}
// SAFETY: as for `Send`: shared access goes through `lock` (S2); `pending`
// and `has_pending` are thread-safe on their own.
unsafe impl Sync for Inner {}

impl Inner {
    /// Take ownership of `st` (see S1 for what the caller promises).
    pub(crate) fn new(st: State) -> Arc<Inner> {
        let state = NonNull::from(Box::leak(Box::new(st)));
        // SAFETY: just made from a box we own; no other reference exists.
        let st = unsafe { &mut *state.as_ptr() };
        let refs = st.new_table();
        let key = st.str_value(REFS_KEY);
        let reg = st.registry;
        let _ = st.raw_set(reg, key, Raw::Table(refs));
        Arc::new(Inner {
            lock: ReentrantMutex::new(()),
            core: UnsafeCell::new(Core {
                state,
                current: Cell::new(state.as_ptr()),
                busy: Cell::new(false),
                depth: Cell::new(0),
                refs,
                free: RefCell::new(Vec::new()),
                next: Cell::new(1),
                ud_metas: RefCell::new(HashMap::new()),
                scratch: RefCell::new(Vec::new()),
                arg_scratch: RefCell::new(Vec::new()),
                call_scratch: RefCell::new(Vec::new()),
                panic: RefCell::new(None),
            }),
            pending: Mutex::new(Vec::new()),
            has_pending: AtomicBool::new(false),
        })
    }

    /// Hold the lock (for reading immutable heap data, e.g. string bytes,
    /// or for the lifetime of a userdata borrow).
    pub(crate) fn lock(&self) -> ReentrantMutexGuard<'_, ()> {
        self.lock.lock()
    }

    /// The core; the caller holds `guard` (S2).
    fn core<'a>(&'a self, _guard: &'a ReentrantMutexGuard<'_, ()>) -> &'a Core {
        // SAFETY: the lock is held by this thread for 'a (S2); `Core` is
        // only ever accessed through shared references (its mutable parts
        // are cells), so shared references from nested lock holders on the
        // same thread do not conflict.
        unsafe { &*self.core.get() }
    }

    /// Run `f` with the state (S3). Panics if called while another `with`
    /// on this state is running on this thread outside a callback (which
    /// would need a second `&mut State`): the API never does that, only a
    /// user's `Drop` of a userdata running inside the collector could.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut State, &Core) -> R) -> R {
        self.with_budget(true, f)
    }

    /// [`Inner::with`]; `new_call`: a call from the host refills the
    /// instruction budget and ends a previous abort (false only to read
    /// what the last call left, `Lua::aborted`).
    pub(crate) fn with_budget<R>(
        &self,
        new_call: bool,
        f: impl FnOnce(&mut State, &Core) -> R,
    ) -> R {
        let guard = self.lock.lock();
        let core = self.core(&guard);
        assert!(
            !core.busy.get(),
            "luna: re-entrant use of a Lua state (from a userdata's Drop, or \
             from inside a conversion run by the state)"
        );
        core.busy.set(true);
        struct Unbusy<'a>(&'a Cell<bool>);
        impl Drop for Unbusy<'_> {
            fn drop(&mut self) {
                self.0.set(false);
            }
        }
        let _unbusy = Unbusy(&core.busy);
        // SAFETY: (S3) `current` is the owning box's pointer or the pointer
        // made from the `&mut State` of the innermost running callback, and
        // `busy` (checked above) guarantees no other `&mut` made from it is
        // alive: this is the only one until `f` returns.
        let st = unsafe { &mut *core.current.get() };
        if self.has_pending.load(Ordering::Acquire) {
            self.release_pending(st, core);
        }
        if new_call && core.depth.get() == 0 {
            // A call from the host, not from inside Lua: a new instruction
            // budget, and the end of an abort by a limit.
            st.reset_budget();
        }
        let r = f(st, core);
        drop(_unbusy);
        if let Some(p) = core.panic.borrow_mut().take() {
            std::panic::resume_unwind(p);
        }
        r
    }

    /// Run a Rust callback called by the executor with `st`, the lock
    /// taken once: `before` and `after` work on `st` (converting arguments
    /// and results), `run` runs the user's code, during which API calls use
    /// `st` (S3): `Core::current` points at it and `busy` is clear.
    pub(crate) fn run_callback<A, R, X>(
        &self,
        st: &mut State,
        before: impl FnOnce(&mut State, &Core) -> A,
        run: impl FnOnce(A) -> R,
        after: impl FnOnce(&mut State, &Core, R) -> X,
    ) -> X {
        let guard = self.lock.lock();
        let core = self.core(&guard);
        if self.has_pending.load(Ordering::Acquire) {
            self.release_pending(st, core);
        }
        let a = before(st, core);
        let prev = core.current.replace(st as *mut State);
        let busy = core.busy.replace(false);
        core.depth.set(core.depth.get() + 1);
        let r = run(a);
        core.depth.set(core.depth.get() - 1);
        core.current.set(prev);
        core.busy.set(busy);
        after(st, core, r)
    }

    /// The buffer of `Function::call` (a nested call finds it taken and
    /// makes its own).
    pub(crate) fn take_call_buf(&self) -> Vec<super::Value> {
        let guard = self.lock.lock();
        self.core(&guard).call_scratch.take()
    }

    /// Give back the buffer of [`Inner::take_call_buf`], emptied.
    pub(crate) fn put_call_buf(&self, mut buf: Vec<super::Value>) {
        buf.clear();
        let guard = self.lock.lock();
        self.core(&guard).call_scratch.replace(buf);
    }

    fn release_pending(&self, st: &mut State, core: &Core) {
        let slots = {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            self.has_pending.store(false, Ordering::Release);
            std::mem::take(&mut *p)
        };
        let mut free = core.free.borrow_mut();
        for s in slots {
            st.raw_set_int(core.refs, i64::from(s), Raw::Nil);
            free.push(s);
        }
    }

    /// Queue a slot for release (S4). Never touches the state.
    fn release(&self, slot: u32) {
        let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        p.push(slot);
        self.has_pending.store(true, Ordering::Release);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let core = self.core.get_mut();
        // SAFETY: (S1) the box was leaked in `new` and is freed only here;
        // `&mut self` means no handle or `Lua` is left to use it.
        drop(unsafe { Box::from_raw(core.state.as_ptr()) });
    }
}

impl Core {
    /// Keep a panic from a callback, to resume it in the Rust code that
    /// called into Lua.
    pub(crate) fn store_panic(&self, p: Box<dyn Any + Send>) {
        let mut slot = self.panic.borrow_mut();
        if slot.is_none() {
            *slot = Some(p);
        }
    }

    /// Root `v` in a fresh slot (S4).
    pub(crate) fn root(&self, st: &mut State, v: Raw) -> u32 {
        let slot = self.free.borrow_mut().pop().unwrap_or_else(|| {
            let n = self.next.get();
            self.next.set(n + 1);
            n
        });
        st.raw_set_int(self.refs, i64::from(slot), v);
        slot
    }
}

/// The `Lua` a Rust callback receives, made from the callback's weak link
/// without touching the reference counts (two atomic operations on every
/// call otherwise).
pub(crate) struct BorrowedLua(ManuallyDrop<Lua>);

impl BorrowedLua {
    /// `None` once the state is being dropped (finalizers run at close).
    pub(crate) fn new(w: &Weak<Inner>) -> Option<BorrowedLua> {
        if w.strong_count() == 0 {
            return None;
        }
        // SAFETY: the allocation is an `Arc<Inner>`'s (the weak link was
        // made by `Arc::downgrade`) and its strong count is not 0. A callback
        // runs only inside an API operation on this state (S2: Lua code runs
        // only from `with`), and that operation's caller holds a strong
        // reference (the `Lua` or the handle it was called on, borrowed for
        // the whole operation), so the count stays above 0 while this value
        // lives. `ManuallyDrop` keeps this value from decrementing it.
        let arc = unsafe { Arc::from_raw(Weak::as_ptr(w)) };
        Some(BorrowedLua(ManuallyDrop::new(Lua { inner: arc })))
    }
}

impl std::ops::Deref for BorrowedLua {
    type Target = Lua;
    fn deref(&self) -> &Lua {
        &self.0
    }
}

/// A rooted value (S4), shared by a handle's clones.
pub(crate) struct RefInner {
    pub(crate) lua: Lua,
    slot: u32,
    value: Raw,
}

// SAFETY: `value` is a plain copy of a rooted value; the object it points
// to is only dereferenced with `lua`'s lock held (S2), whichever thread
// holds this.
unsafe impl Send for RefInner {}
// SAFETY: as for `Send`.
unsafe impl Sync for RefInner {}

impl RefInner {
    /// A handle of `v`, rooted now. Called inside `with` (the state is `st`).
    pub(crate) fn new(lua: &Arc<Inner>, core: &Core, st: &mut State, v: Raw) -> Arc<RefInner> {
        let slot = core.root(st, v);
        Arc::new(RefInner {
            lua: Lua { inner: lua.clone() },
            slot,
            value: v,
        })
    }

    /// The rooted value. Dereference its objects only under the lock.
    #[inline]
    pub(crate) fn raw(&self) -> Raw {
        self.value
    }
}

impl Drop for RefInner {
    fn drop(&mut self) {
        self.lua.inner.release(self.slot);
    }
}

/// A userdata's payload: a value with a borrow flag of our own (the
/// runtime's `RefCell` around the payload is only ever borrowed shared by
/// the API, so the collector can always read its size).
pub(crate) struct UdCell<T> {
    /// 0 free, > 0 shared borrows, -1 borrowed mutably.
    flag: Cell<isize>,
    value: UnsafeCell<T>,
}

impl<T> UdCell<T> {
    pub(crate) fn new(v: T) -> UdCell<T> {
        UdCell {
            flag: Cell::new(0),
            value: UnsafeCell::new(v),
        }
    }
}

/// A shared borrow of a userdata's value (see
/// [`AnyUserData::borrow`](super::AnyUserData::borrow)). Holds the state's
/// lock while it lives.
///
/// ```
/// struct N(i32);
/// impl luna::UserData for N {}
/// let lua = luna::Lua::new();
/// let ud = lua.create_userdata(N(1)).unwrap();
/// let r: luna::UserDataRef<N> = ud.borrow().unwrap();
/// assert_eq!(r.0, 1);
/// ```
pub struct UserDataRef<'a, T> {
    cell: NonNull<UdCell<T>>,
    _guard: ReentrantMutexGuard<'a, ()>,
    _p: PhantomData<&'a T>,
}

/// A mutable borrow of a userdata's value (see
/// [`AnyUserData::borrow_mut`](super::AnyUserData::borrow_mut)). Holds the
/// state's lock while it lives.
///
/// ```
/// struct N(i32);
/// impl luna::UserData for N {}
/// let lua = luna::Lua::new();
/// let ud = lua.create_userdata(N(1)).unwrap();
/// let mut w: luna::UserDataRefMut<N> = ud.borrow_mut().unwrap();
/// w.0 = 2;
/// drop(w);
/// assert_eq!(ud.borrow::<N>().unwrap().0, 2);
/// ```
pub struct UserDataRefMut<'a, T> {
    cell: NonNull<UdCell<T>>,
    _guard: ReentrantMutexGuard<'a, ()>,
    _p: PhantomData<&'a mut T>,
}

/// Why a borrow failed.
pub(crate) enum BorrowFail {
    WrongType,
    Borrowed,
    NotUserData,
}

/// Borrow the payload of `r` (a handle of a userdata) as a `T`. The guard
/// keeps the lock for its lifetime (S2), and `r` keeps the userdata rooted
/// for `'a` (S4), so the pointer stays valid.
pub(crate) fn borrow_ud<'a, T: 'static>(
    r: &'a RefInner,
    mutable: bool,
) -> Result<(NonNull<UdCell<T>>, ReentrantMutexGuard<'a, ()>), BorrowFail> {
    let guard = r.lua.inner.lock();
    let Raw::UserData(ud) = r.raw() else {
        return Err(BorrowFail::NotUserData);
    };
    let cell: NonNull<UdCell<T>> = {
        let data = ud.data.borrow();
        match data.downcast_ref::<UdCell<T>>() {
            Some(c) => NonNull::from(c),
            None => return Err(BorrowFail::WrongType),
        }
    };
    // SAFETY: the cell is inside the userdata's box, alive while `r` roots
    // it (S4); the box is never moved or replaced by the API (the runtime
    // only replaces payloads of its own types). The flag is a `Cell`
    // touched only under the lock held by `guard`.
    let flag = unsafe { &cell.as_ref().flag };
    let f = flag.get();
    if mutable {
        if f != 0 {
            return Err(BorrowFail::Borrowed);
        }
        flag.set(-1);
    } else {
        if f < 0 {
            return Err(BorrowFail::Borrowed);
        }
        flag.set(f + 1);
    }
    Ok((cell, guard))
}

impl<'a, T> UserDataRef<'a, T> {
    pub(crate) fn new(cell: NonNull<UdCell<T>>, guard: ReentrantMutexGuard<'a, ()>) -> Self {
        UserDataRef {
            cell,
            _guard: guard,
            _p: PhantomData,
        }
    }
}

impl<'a, T> UserDataRefMut<'a, T> {
    pub(crate) fn new(cell: NonNull<UdCell<T>>, guard: ReentrantMutexGuard<'a, ()>) -> Self {
        UserDataRefMut {
            cell,
            _guard: guard,
            _p: PhantomData,
        }
    }
}

impl<T> std::ops::Deref for UserDataRef<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `borrow_ud` counted a shared borrow in the flag, so no
        // `&mut T` exists until this guard drops; the cell is alive (rooted
        // by the handle this guard borrows).
        unsafe { &*self.cell.as_ref().value.get() }
    }
}

impl<T> Drop for UserDataRef<'_, T> {
    fn drop(&mut self) {
        // SAFETY: alive, as in `deref`; the lock is still held (`_guard`
        // drops after this body).
        let flag = unsafe { &self.cell.as_ref().flag };
        flag.set(flag.get() - 1);
    }
}

impl<T> std::ops::Deref for UserDataRefMut<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `borrow_ud` set the flag to "mutably borrowed": this guard
        // is the only access until it drops; the cell is alive.
        unsafe { &*self.cell.as_ref().value.get() }
    }
}

impl<T> std::ops::DerefMut for UserDataRefMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as `deref`; `&mut self` makes the returned borrow unique.
        unsafe { &mut *self.cell.as_ref().value.get() }
    }
}

impl<T> Drop for UserDataRefMut<'_, T> {
    fn drop(&mut self) {
        // SAFETY: as in `deref`; the lock is still held.
        unsafe { self.cell.as_ref().flag.set(0) };
    }
}
