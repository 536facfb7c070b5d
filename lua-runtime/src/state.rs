//! `State`: one Lua universe — heap, globals, registry, metatables, the
//! running thread's stacks, the executor and the output sink.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use lua_bytecode::Proto;

use crate::error::{LuaError, LuaResult};
use crate::gc::{Gc, Heap, Tracer};
use crate::object::string::LuaStr;
use crate::object::{
    Args, FnProto, LuaClosure, NativeFnPtr, NativeFunction, NativeKind, RawTable, Table, UpVal,
};
use crate::object::{Thread, ThreadStatus, UserData};
use crate::value::Value;
use crate::vm::executor::Executor;
use crate::vm::frame::{FrameFlags, FrameFn, ThreadStacks};
use crate::vm::meta::{TM_COUNT, TM_NAMES, Tm};

/// PUC's `LUAI_MAXCCALLS`: nesting limit of Rust-recursive calls (natives
/// calling back into Lua, metamethods called recursively).
pub const MAX_C_CALLS: u32 = 200;
/// PUC's `LUAI_MAXSTACK`: slots of the value stack.
pub const MAX_STACK: usize = 1_000_000;

/// Where `print` and `io.write` go.
pub type Output = Box<dyn Write>;

/// A call a `CallK` native asks for (see [`State::call_k`]).
pub(crate) struct CallRequest {
    pub(crate) func: usize,
    pub(crate) want: i32,
    pub(crate) k: crate::object::ContFn,
}

/// Stops the Lua code running in a [`State`] (made by
/// [`State::interrupter`]), from any thread. Cheap to clone, `Send` and
/// `Sync`: hand it to a signal handler, a watchdog or another thread.
///
/// The request is seen within a few thousand loop iterations or calls of
/// the running code (the state checks it when its fuel counter runs out,
/// see [`State::tick`]), and inside long natives that charge their work
/// (pattern matching, `string.rep`, concatenation, `table.concat`,
/// `table.sort`, `string.format`, `gsub`).
///
/// ```
/// let lua = luna::Lua::new();
/// let stop = lua.interrupter();
/// let watchdog = std::thread::spawn(move || {
///     std::thread::sleep(std::time::Duration::from_millis(50));
///     stop.terminate();
/// });
/// let e = lua.load("while true do pcall(error) end").exec().unwrap_err();
/// assert!(e.message().ends_with("interrupted!"));
/// assert_eq!(lua.aborted(), Some(luna::Abort::Terminated));
/// watchdog.join().unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct Interrupter(Arc<AtomicU8>);

/// [`Interrupter`] requests (the shared byte's values).
const NO_REQUEST: u8 = 0;
const INTERRUPT: u8 = 1;
const TERMINATE: u8 = 2;

impl Interrupter {
    /// What lua.c does on Ctrl-C: the running code raises the error
    /// "interrupted!", which `pcall` can catch. Async-signal-safe (one
    /// atomic store).
    pub fn interrupt(&self) {
        self.0.store(INTERRUPT, Ordering::Relaxed);
    }

    /// Stop the running call for good: the code raises "interrupted!" as
    /// an error that no `pcall`, `xpcall` or coroutine catches, so it
    /// reaches the host (a timeout). Async-signal-safe.
    pub fn terminate(&self) {
        self.0.store(TERMINATE, Ordering::Relaxed);
    }
}

/// Limits a host puts on the code a [`State`] runs ([`State::set_limits`]);
/// `None` is no limit. See docs/EMBEDDING.md.
///
/// ```
/// let lua = luna::Lua::new();
/// lua.set_limits(luna::Limits {
///     memory: Some(8 << 20),
///     string_size: Some(1000),
///     ..Default::default()
/// });
/// let r: (bool, String) = lua.load("pcall(string.rep, 'x', 2000)").eval().unwrap();
/// assert_eq!(r, (false, "resulting string too large".to_string()));
/// let e = lua.load("local t = {} for i = 1, 1e8 do t[i] = i end").exec().unwrap_err();
/// assert_eq!(e.message(), "not enough memory");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Budget of work per host call ([`State::reset_budget`] refills it):
    /// one unit per loop iteration (backward jump) and per call of a Lua
    /// function, and units in proportion to the work of long natives.
    /// Running out ends the call with "instruction limit exceeded", an
    /// error no `pcall` catches.
    pub instructions: Option<u64>,
    /// Bytes the collector may count (objects, string bytes, table parts).
    /// Past it, after a full collection, the script gets the catchable
    /// error "not enough memory", as lua5.4 when `malloc` fails; the state
    /// stays usable.
    pub memory: Option<usize>,
    /// Nesting of Lua calls: past it, "stack overflow" (catchable).
    pub call_depth: Option<usize>,
    /// Length of a single string that natives and `..` may build.
    pub string_size: Option<usize>,
}

/// Why a call was ended with an error that Lua code cannot catch.
///
/// ```
/// let lua = luna::Lua::sandboxed(luna::Limits { instructions: Some(10_000), ..Default::default() });
/// assert!(lua.load("for i = 1, 1e9 do end").exec().is_err());
/// assert_eq!(lua.aborted(), Some(luna::Abort::Instructions));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abort {
    /// [`Limits::instructions`] ran out.
    Instructions,
    /// [`Interrupter::terminate`].
    Terminated,
}

/// Bytes a native copies for one unit of [`Limits::instructions`].
pub const BYTES_PER_UNIT: u64 = 64;

/// Fuel handed out at a time ([`State::tick`]): how often an interrupt
/// request is looked at when no budget is set.
const FUEL_CHUNK: u64 = 1 << 14;

/// A Lua state: the raw API under the typed one (`crate::api`), where
/// values are unrooted [`Gc`] pointers (see the crate doc for the rules).
///
/// ```
/// use lua_runtime::{State, Value};
/// let mut st = State::new(luna::Executor::Flat.make());
/// let f = st.load(b"return 1 + ...", "=example", "t", None).unwrap();
/// let r = st.call(f, &[Value::Int(41)]).unwrap();
/// assert!(matches!(r[0], Value::Int(42)));
/// ```
pub struct State {
    pub(crate) heap: Heap,
    /// The running thread's stacks.
    pub th: ThreadStacks,
    pub(crate) globals: Gc<Table>,
    pub(crate) registry: Gc<Table>,
    /// `package.loaded` (also the registry's `_LOADED`).
    pub(crate) loaded: Gc<Table>,
    /// Metatables of non-table, non-userdata types, indexed by `Type`.
    pub(crate) type_metas: [Option<Gc<Table>>; 9],
    /// Interned metamethod names, indexed by `Tm`.
    pub(crate) tm_names: [Gc<LuaStr>; TM_COUNT],
    /// Interned type names (`type`'s results), indexed by `Type`.
    pub(crate) type_names: [Gc<LuaStr>; 9],
    /// The natives `cached_native` keeps, by name: the iterators `ipairs`
    /// and `pairs` return (collector roots).
    pub(crate) natives: Vec<(&'static str, Value)>,
    /// The metamethod call a [`Step::Call`](crate::vm::ops::Step::Call)
    /// asks for.
    pub pending: crate::vm::ops::PendingCall,
    executor: Rc<dyn Executor>,
    /// `Rc::as_ptr(&executor)`, kept so that a call reads it with two
    /// loads (computing it from a `dyn` `Rc` takes the vtable's alignment
    /// into account on every call).
    executor_ptr: *const dyn Executor,
    /// The executor runs flat code (`Executor::runs_flat_code`): closures
    /// are made with theirs at hand.
    flat_code: bool,
    /// Executors replaced by [`State::set_executor`], kept until the state
    /// is dropped: a call in progress may still be running one (see
    /// `executor_call`).
    retired: Vec<Rc<dyn Executor>>,
    /// Current nesting of Rust-recursive calls (see [`MAX_C_CALLS`]).
    pub(crate) c_calls: u32,
    pub(crate) out: Output,
    /// `warn("@on")` state.
    pub(crate) warn_on: bool,
    /// Extra roots (values a native keeps alive across calls into Lua).
    pub(crate) roots: Vec<Value>,
    /// The main thread's object (its stacks are in `th` while it runs).
    pub(crate) main_thread: Gc<Thread>,
    /// The running thread (`main_thread` or a coroutine).
    pub(crate) current: Gc<Thread>,
    /// Rust-recursive calls into Lua since the running coroutine was
    /// resumed: a yield is possible only when this is 0.
    pub(crate) nny: u32,
    /// Set by `coroutine.yield` while its sentinel error travels to the
    /// coroutine's run loop.
    pub(crate) yielding: bool,
    /// Some caller up the Rust stack asked for tracebacks
    /// (`thread::FRAME_TRACEBACK`): an error leaving a nested executor call
    /// captures its traceback where it was raised, before frames unwind.
    pub(crate) want_traceback: u32,
    /// Set by an [`Interrupter`] (from any thread, e.g. a signal handler);
    /// looked at by [`State::attend`].
    interrupt: Arc<AtomicU8>,
    /// Counts down at loop iterations, Lua calls and native work
    /// ([`State::tick`], [`State::charge`]); below zero, [`State::attend`]
    /// runs: it looks at interrupts and limits and refills it.
    pub(crate) fuel: i64,
    /// What is left of [`Limits::instructions`] beyond `fuel`.
    budget_left: u64,
    limits: Limits,
    /// `limits.call_depth` as a frame count (`usize::MAX` when unset).
    pub(crate) max_frames: usize,
    /// A limit or [`Interrupter::terminate`] ended the call: errors pass
    /// every `pcall` until [`State::reset_budget`].
    pub(crate) aborting: Option<Abort>,
    /// Loaders accept binary chunks (the sandbox turns it off).
    pub binary_chunks: bool,
    /// The io library's open streams.
    pub(crate) streams: crate::stdlib::io::OpenStreams,
    /// Message handlers (`xpcall`) running: they may use the extra stack
    /// zone past `MAX_STACK` (see `interp::call_handler`).
    pub(crate) in_handler: u32,
    /// The call a `CallK` native asked for with [`State::call_k`], taken
    /// by the call protocol when the native returns.
    call_request: Option<CallRequest>,
}

impl State {
    /// A state with no libraries opened. Most users want [`State::new`].
    pub fn bare(executor: Rc<dyn Executor>) -> State {
        let mut heap = Heap::new();
        // GC stress (docs/TESTING.md): `1` a full collection at every
        // safepoint; `inc` incremental mode pinned, a tiny step at every
        // safepoint; `gen` generational mode pinned, a minor collection
        // every kilobyte.
        match std::env::var("LUNA_GC_STRESS").as_deref() {
            Ok("inc") => {
                heap.stress_steps = true;
                heap.start_in(crate::gc::Mode::Incremental, true);
            }
            Ok("gen") => {
                heap.stress_steps = true;
                heap.start_in(crate::gc::Mode::Generational, true);
            }
            Ok("" | "0") | Err(_) => {}
            Ok(_) => heap.stress = true,
        }
        let globals = heap.alloc(Table::new(RawTable::new()));
        let registry = heap.alloc(Table::new(RawTable::new()));
        let loaded = heap.alloc(Table::new(RawTable::new()));
        let tm_names = TM_NAMES.map(|n| heap.new_str(n.as_bytes()));
        heap.mode_key = Some(tm_names[crate::vm::meta::Tm::Mode as usize]);
        let type_names = crate::value::TYPES.map(|t| heap.new_str(t.name().as_bytes()));
        let main_thread = heap.alloc(Thread::new(ThreadStatus::Running));
        let mut st = State {
            heap,
            th: ThreadStacks::default(),
            globals,
            registry,
            loaded,
            type_metas: [None; 9],
            tm_names,
            type_names,
            natives: Vec::new(),
            pending: Default::default(),
            executor_ptr: Rc::as_ptr(&executor),
            flat_code: executor.runs_flat_code(),
            executor,
            retired: Vec::new(),
            c_calls: 0,
            out: Box::new(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout(),
            )),
            warn_on: false,
            roots: Vec::new(),
            main_thread,
            current: main_thread,
            nny: 0,
            yielding: false,
            want_traceback: 0,
            interrupt: Arc::new(AtomicU8::new(NO_REQUEST)),
            fuel: FUEL_CHUNK as i64,
            budget_left: 0,
            limits: Limits::default(),
            max_frames: usize::MAX,
            aborting: None,
            binary_chunks: true,
            streams: Default::default(),
            in_handler: 0,
            call_request: None,
        };
        let k = st.str_value("_LOADED");
        let _ = registry.raw_mut().set(k, Value::Table(loaded));
        let g = Value::Table(globals);
        let _ = registry.raw_mut().set(Value::Int(2), g);
        st
    }

    /// A state with the standard libraries this crate provides.
    pub fn new(executor: Rc<dyn Executor>) -> State {
        let mut st = State::bare(executor);
        crate::stdlib::base::open(&mut st);
        crate::stdlib::debug::open(&mut st);
        crate::stdlib::coroutine::open(&mut st);
        crate::stdlib::string::open(&mut st);
        crate::stdlib::table::open(&mut st);
        crate::stdlib::math::open(&mut st);
        crate::stdlib::utf8::open(&mut st);
        crate::stdlib::os::open(&mut st);
        crate::stdlib::io::open(&mut st);
        crate::stdlib::package::open(&mut st);
        st
    }

    pub fn executor(&self) -> Rc<dyn Executor> {
        self.executor.clone()
    }

    /// Install another executor. The old one is kept alive (not dropped)
    /// until the state is: calls in progress may be running it.
    pub fn set_executor(&mut self, e: Rc<dyn Executor>) {
        if e.runs_flat_code() && !self.flat_code {
            // Closures made so far have no flat code yet.
            self.heap.each::<LuaClosure>(LuaClosure::prepare_flat);
        }
        self.flat_code = e.runs_flat_code();
        self.executor_ptr = Rc::as_ptr(&e);
        let old = std::mem::replace(&mut self.executor, e);
        self.retired.push(old);
    }

    // ---------------------------------------------------------------
    // Allocation

    #[inline]
    pub fn new_str(&mut self, b: &[u8]) -> Gc<LuaStr> {
        self.heap.new_str(b)
    }

    #[inline]
    pub fn str_value(&mut self, b: impl AsRef<[u8]>) -> Value {
        Value::Str(self.heap.new_str(b.as_ref()))
    }

    /// [`State::str_value`] for a buffer the caller gives up (no copy of a
    /// long string).
    pub fn str_value_owned(&mut self, b: Vec<u8>) -> Value {
        Value::Str(self.heap.new_str_owned(b))
    }

    pub fn new_table(&mut self) -> Gc<Table> {
        self.heap.alloc(Table::new(RawTable::new()))
    }

    pub fn new_table_with(&mut self, narray: usize, nhash: usize) -> Gc<Table> {
        self.heap
            .alloc(Table::new(RawTable::with_capacity(narray, nhash)))
    }

    pub fn new_native(&mut self, name: &'static str, f: NativeFnPtr) -> Value {
        self.new_native_kind(name, f, NativeKind::Plain, Vec::new())
    }

    pub fn new_native_kind(
        &mut self,
        name: &'static str,
        f: NativeFnPtr,
        kind: NativeKind,
        upvalues: Vec<Value>,
    ) -> Value {
        Value::Native(self.heap.alloc(NativeFunction {
            name,
            f,
            kind,
            upvalues: std::cell::RefCell::new(upvalues),
        }))
    }

    pub fn new_closure(
        &mut self,
        p: Rc<FnProto>,
        upvals: Box<[Cell<Gc<UpVal>>]>,
    ) -> Gc<LuaClosure> {
        self.heap.alloc(LuaClosure::new(p, upvals, self.flat_code))
    }

    /// A closed upvalue holding `v`.
    pub fn new_closed_upval(&mut self, v: Value) -> Gc<UpVal> {
        let u = self.heap.alloc(UpVal::unplaced(self.current));
        u.close_with(v);
        u
    }

    /// Find or create the open upvalue for stack slot `idx`.
    pub fn find_upval(&mut self, idx: usize) -> Gc<UpVal> {
        let list = &self.th.stack.open_upvals;
        let base = self.th.stack.as_ptr();
        let mut pos = list.len();
        while pos > 0 {
            let u = list[pos - 1];
            match u.open_index(base) {
                i if i == idx => return u,
                i if i < idx => break,
                _ => pos -= 1,
            }
        }
        let u = self.heap.alloc(UpVal::unplaced(self.current));
        u.open_at(self.th.stack.slot_ptr(idx));
        self.th.stack.open_upvals.insert(pos, u);
        u
    }

    /// Write an upvalue (with the collector's barrier when it is closed:
    /// an open one's value is on a stack, which is traced again at the
    /// end of every cycle).
    #[inline(always)]
    pub fn upval_set(&mut self, u: Gc<UpVal>, v: Value) {
        u.set_raw(v);
        if !u.is_open() {
            self.heap.barrier(u, v);
        }
    }

    // ---------------------------------------------------------------
    // Raw table access with GC accounting

    /// Userdata `u`'s payload now holds `bytes` outside the heap (a buffer,
    /// a handle's resources): the collector counts them, so that such
    /// objects piling up make it run, and forgets them when `u` is freed.
    pub fn set_external_bytes(&mut self, u: Gc<UserData>, bytes: usize) {
        let old = u.external.replace(bytes);
        self.heap.external_changed(old, bytes);
        if self.heap.over_limit() {
            self.request_attention();
        }
    }

    /// Give table `t` metatable `mt` (with the collector's barrier).
    pub fn set_table_metatable(&mut self, t: Gc<Table>, mt: Option<Gc<Table>>) {
        t.set_metatable(mt);
        self.heap.barrier(t, mt.map_or(Value::Nil, Value::Table));
    }

    /// `rawset` (errors for nil/NaN keys).
    pub fn raw_set(&mut self, t: Gc<Table>, k: Value, v: Value) -> LuaResult<()> {
        let r = t.raw_mut().set(k, v);
        match r {
            Ok(()) => {
                self.heap.barrier_table(t, k, v);
                let g = t.take_growth();
                self.add_growth(g);
                Ok(())
            }
            Err(lua_tables::KeyError::Nil) => Err(self.rt_error("table index is nil")),
            Err(lua_tables::KeyError::NaN) => Err(self.rt_error("table index is NaN")),
        }
    }

    pub fn raw_set_int(&mut self, t: Gc<Table>, k: i64, v: Value) {
        t.raw_mut().set_int(k, v);
        self.heap.barrier_table(t, Value::Nil, v);
        let g = t.take_growth();
        self.add_growth(g);
    }

    /// A table's parts grew by `g` bytes: count them; past the memory
    /// limit, have the next tick collect (or raise "not enough memory"),
    /// since a loop filling a table reaches no other safepoint.
    #[inline]
    fn add_growth(&mut self, g: usize) {
        if g > 0 {
            self.heap.add_debt(g);
            if self.heap.over_limit() {
                self.request_attention();
            }
        }
    }

    /// Set a string-keyed field (library registration).
    pub fn set_field(&mut self, t: Gc<Table>, k: &str, v: Value) {
        let k = self.str_value(k);
        let _ = t.raw_mut().set(k, v);
        self.heap.barrier_table(t, k, v);
    }

    pub fn get_field(&mut self, t: Gc<Table>, k: &str) -> Value {
        let k = self.str_value(k);
        t.get_str(k)
    }

    pub fn set_global(&mut self, k: &str, v: Value) {
        let g = self.globals;
        self.set_field(g, k, v);
    }

    pub fn get_global(&mut self, k: &str) -> Value {
        let g = self.globals;
        self.get_field(g, k)
    }

    /// Register native functions into a table.
    pub fn register(&mut self, t: Gc<Table>, funcs: &[(&'static str, NativeFnPtr)]) {
        for &(name, f) in funcs {
            let v = self.new_native(name, f);
            self.set_field(t, name, v);
        }
    }

    // ---------------------------------------------------------------
    // Garbage collection

    /// A safepoint: collect if the allocation debt says so. Callers
    /// guarantee every live value is reachable from a root (stack, globals,
    /// registry, upvalues, `roots`).
    #[inline]
    pub fn gc_check(&mut self) {
        if self.heap.should_collect() {
            self.collect_and_finalize();
        }
    }

    /// A collector step is due at a safepoint: take it (a full
    /// collection under `LUNA_GC_STRESS=1`), then run the finalizers it
    /// made due (finalizers become due only in an atomic step).
    #[inline(never)]
    fn collect_and_finalize(&mut self) {
        if self.heap.stress {
            self.full_gc();
        } else {
            self.with_roots(|heap, roots| heap.auto_step(roots));
        }
        self.run_finalizers();
        if self.heap.over_limit() {
            // No error can be raised here: the next tick raises it.
            self.request_attention();
        }
    }

    /// [`State::gc_check`] from an instruction that just wrote register
    /// `live - 1` of the running frame, the newest one in use: the
    /// compiler allocates registers as a stack, so the registers above it
    /// hold only dead temporaries (PUC's `checkGC` sets the top there).
    /// They are cleared before a collection, so that a value only a stale
    /// register still holds is collected (and finalized) as in lua5.4.
    #[inline]
    pub fn gc_check_live(&mut self, live: usize) {
        if self.heap.should_collect() {
            self.collect_live(live);
        }
    }

    /// [`State::gc_check_live`]'s collection, out of line.
    #[inline(never)]
    fn collect_live(&mut self, live: usize) {
        if let Some(dead) = self.th.stack.get_mut(live..) {
            dead.fill(Value::Nil);
        }
        self.collect_and_finalize();
    }

    /// `setmetatable` gave `v` (a table or userdata) metatable `mt`: with
    /// a `__gc` field present now, `v` is finalized when collected (as
    /// lua5.4, a `__gc` added to `mt` later does not count).
    #[inline]
    pub fn check_finalizer(&mut self, v: Value, mt: Option<Gc<Table>>) {
        if let Some(mt) = mt
            && !self.tm_of(mt, Tm::Gc).is_nil()
        {
            self.heap.register_finalizer(v);
        }
    }

    /// Run the finalizers that are due (PUC's `GCTM`), newest registration
    /// first, each once, with collection stopped meanwhile. The frame on
    /// top is marked `FINALIZER`, so the finalizer is named "__gc"
    /// (metamethod) by `debug.getinfo`; an error in one becomes a warning,
    /// "error in __gc (msg)", as in lua5.4.
    pub fn run_finalizers(&mut self) {
        if self.heap.in_finalizer {
            return;
        }
        while let Some(o) = self.heap.next_finalizer() {
            let h = self.get_tm(o, Tm::Gc);
            if h.is_nil() {
                continue;
            }
            self.heap.in_finalizer = true;
            let running = std::mem::replace(&mut self.heap.running, false);
            let top = self.th.frames.len();
            let flagged = top > 0
                && !self.th.frames[top - 1]
                    .flags
                    .contains(FrameFlags::FINALIZER);
            if flagged {
                self.th.frames[top - 1].flags.insert(FrameFlags::FINALIZER);
            }
            let r = self.call(h, &[o]);
            if flagged && let Some(f) = self.th.frames.get_mut(top - 1) {
                f.flags.remove(FrameFlags::FINALIZER);
            }
            self.heap.in_finalizer = false;
            self.heap.running = running;
            if let Err(e) = r {
                let msg = match e.value {
                    Value::Str(s) => s.to_str_lossy().into_owned(),
                    _ => "error object is not a string".to_string(),
                };
                self.warning(format!("error in __gc ({msg})").as_bytes());
            }
        }
    }

    /// Emit a warning (`warn`'s output), if warnings are on.
    pub fn warning(&mut self, msg: &[u8]) {
        if self.warn_on {
            self.flush();
            let mut e = std::io::stderr();
            let _ = e.write_all(b"Lua warning: ");
            let _ = e.write_all(msg);
            let _ = e.write_all(b"\n");
        }
    }

    /// Collect now: a full cycle (`collectgarbage()`).
    pub fn full_gc(&mut self) {
        self.with_roots(|heap, roots| heap.collect(roots));
    }

    /// One collector step (`collectgarbage("step")`), paid for by the
    /// allocation since the last one plus `extra` bytes: an incremental
    /// step, true when it ended a cycle, or a generational collection
    /// (false, as lua5.4 reports).
    pub fn gc_step(&mut self, extra: usize) -> bool {
        self.with_roots(|heap, roots| heap.step(roots, extra))
    }

    /// Run `f` on the heap with the state's roots: globals, registry,
    /// metatables, the running thread's stacks, everything rooted.
    fn with_roots<R: Default>(
        &mut self,
        f: impl FnOnce(&mut Heap, &mut crate::gc::Roots<'_>) -> R,
    ) -> R {
        if self.heap.in_finalizer {
            // As lua5.4: no collection from inside a finalizer.
            return R::default();
        }
        let State {
            heap,
            th,
            globals,
            registry,
            loaded,
            type_metas,
            tm_names,
            type_names,
            natives,
            roots,
            main_thread,
            current,
            ..
        } = self;
        f(heap, &mut |t: &mut Tracer| {
            t.mark(*globals);
            t.mark(*registry);
            t.mark(*loaded);
            for m in type_metas.iter().flatten() {
                t.mark(*m);
            }
            for s in tm_names.iter().chain(type_names.iter()) {
                t.mark(*s);
            }
            for &v in roots.iter().chain(natives.iter().map(|(_, v)| v)) {
                t.mark_value(v);
            }
            t.mark(*main_thread);
            t.mark(*current);
            th.trace(t);
        })
    }

    // ---------------------------------------------------------------
    // Stack

    #[inline]
    pub fn push(&mut self, v: Value) {
        self.th.stack.push(v);
    }

    #[inline]
    pub fn top(&self) -> usize {
        self.th.stack.len()
    }

    // ---------------------------------------------------------------
    // Loading and calling

    /// Compile `source` (or, if it starts with `"\x1b"`, read it as a
    /// binary chunk of `string.dump`) into a function value with fresh
    /// upvalues, the first one (`_ENV` for a main chunk) set to `env` (the
    /// globals table by default), the others nil. `mode` is "t", "b" or
    /// "bt".
    pub fn load(
        &mut self,
        source: &[u8],
        chunkname: &str,
        mode: &str,
        env: Option<Value>,
    ) -> LuaResult<Value> {
        let is_binary = source.first() == Some(&0x1b);
        if is_binary && !self.binary_chunks {
            return Err(self.plain_error("attempt to load a binary chunk (mode is 't')"));
        }
        if is_binary && !mode.contains('b') {
            let m = format!("attempt to load a binary chunk (mode is '{}')", mode);
            return Err(self.plain_error(m));
        }
        if !is_binary && !mode.contains('t') {
            let m = format!("attempt to load a text chunk (mode is '{}')", mode);
            return Err(self.plain_error(m));
        }
        // A binary chunk is read and verified (lua-bytecode's `undump`):
        // whatever its bytes, the result is a function both executors can
        // run safely, or lua5.4's "bad binary format" message.
        let loaded = if is_binary {
            lua_bytecode::undump(source, chunkname)
        } else {
            compile_chunk(source, chunkname)
        };
        let proto = match loaded {
            Ok(p) => p,
            Err(e) => return Err(self.plain_error(e)),
        };
        let fp = self.materialize(&proto);
        let env = env.unwrap_or(Value::Table(self.globals));
        let nup = proto.upvalues.len();
        let mut ups = Vec::with_capacity(nup);
        for i in 0..nup {
            let v = if i == 0 { env } else { Value::Nil };
            ups.push(Cell::new(self.new_closed_upval(v)));
        }
        let c = self.new_closure(fp, ups.into_boxed_slice());
        Ok(Value::LuaFn(c))
    }

    /// Build the runtime prototype tree (constants as Values).
    pub fn materialize(&mut self, proto: &Rc<Proto>) -> Rc<FnProto> {
        self.materialize_in(proto, &mut HashMap::default())
    }

    /// `materialize`, with the long strings already made for this chunk:
    /// equal string constants of one chunk are one object, as PUC's lexer
    /// makes them (short strings are interned anyway).
    fn materialize_in(
        &mut self,
        proto: &Rc<Proto>,
        longs: &mut HashMap<Rc<[u8]>, Value>,
    ) -> Rc<FnProto> {
        let consts: Vec<Value> = proto
            .constants
            .iter()
            .map(|k| self.constant_value(k, longs))
            .collect();
        let children: Vec<Rc<FnProto>> = proto
            .protos
            .iter()
            .map(|p| self.materialize_in(p, longs))
            .collect();
        Rc::new(FnProto::new(
            proto.clone(),
            consts.into_boxed_slice(),
            children.into_boxed_slice(),
        ))
    }

    fn constant_value(
        &mut self,
        k: &lua_bytecode::Constant,
        longs: &mut HashMap<Rc<[u8]>, Value>,
    ) -> Value {
        use lua_bytecode::Constant as C;
        match k {
            C::Nil => Value::Nil,
            C::Bool(b) => Value::Bool(*b),
            C::Int(i) => Value::Int(*i),
            C::Float(f) => Value::Float(*f),
            C::Str(s) if s.len() > crate::gc::MAX_SHORT_STR => {
                if let Some(&v) = longs.get(s) {
                    return v;
                }
                let v = self.str_value(&s[..]);
                longs.insert(s.clone(), v);
                v
            }
            C::Str(s) => self.str_value(&s[..]),
        }
    }

    /// Call `f` with `args` and return every result. Recurses into the
    /// executor: counts against the C-call limit.
    pub fn call(&mut self, f: Value, args: &[Value]) -> LuaResult<Vec<Value>> {
        let func = self.push_call(f, args);
        self.call_at(func, -1)?;
        let res: Vec<Value> = self.th.stack.drain(func..).collect();
        Ok(res)
    }

    /// Call `f` with `args`, first result only. Not inlined: executors
    /// call it from their loops for metamethods, where it would only
    /// add code.
    #[inline(never)]
    pub fn call1(&mut self, f: Value, args: &[Value]) -> LuaResult<Value> {
        let func = self.push_call(f, args);
        self.call_at1(func)
    }

    /// Push `f` and its arguments; returns the function's stack index.
    /// Pushed one by one: a slice copy is a `memcpy` call for two values.
    #[inline]
    fn push_call(&mut self, f: Value, args: &[Value]) -> usize {
        let stack = &mut self.th.stack;
        let func = stack.len();
        stack.reserve(args.len() + 1);
        stack.push(f);
        for &a in args {
            stack.push(a);
        }
        func
    }

    /// Call the function at stack index `func` with the values above it
    /// and return its first result (nil if none), leaving the stack at
    /// `func`: the one-result call of natives that call Lua in a loop (a
    /// sort comparator, `__index` functions), with nothing allocated.
    #[inline]
    pub fn call_at1(&mut self, func: usize) -> LuaResult<Value> {
        self.call_at(func, 1)?;
        // With one result wanted, the executor leaves exactly one value at
        // `func` and the top just above it.
        let v = self.th.stack[func];
        self.th.stack.truncate(func);
        Ok(v)
    }

    /// `lua_call`: call the function at `func` with the values above it.
    #[inline]
    pub fn call_at(&mut self, func: usize, nresults: i32) -> LuaResult<()> {
        self.enter_c_call()?;
        self.nny += 1;
        let r = self.executor_call(func, nresults, FrameFlags::empty());
        self.nny -= 1;
        self.c_calls -= 1;
        r
    }

    pub fn call_at_flags(
        &mut self,
        func: usize,
        nresults: i32,
        flags: FrameFlags,
    ) -> LuaResult<()> {
        self.enter_c_call()?;
        self.nny += 1;
        let tb = flags.contains(FrameFlags::TRACEBACK);
        if tb {
            self.want_traceback += 1;
        }
        let r = self.executor_call(func, nresults, flags);
        if tb {
            self.want_traceback -= 1;
        }
        self.nny -= 1;
        self.c_calls -= 1;
        r
    }

    /// `Executor::call` on the installed executor, without cloning its
    /// `Rc` (an increment, a decrement and a zero test on every call from
    /// a native into Lua).
    #[inline]
    fn executor_call(&mut self, func: usize, nresults: i32, flags: FrameFlags) -> LuaResult<()> {
        // SAFETY: `executor_ptr` is `Rc::as_ptr` of `self.executor` (set
        // together in `bare` and `set_executor`), an `Rc` allocation that
        // lives as long as `self`: `set_executor` moves a replaced executor
        // into `retired` instead of dropping it, and nothing else replaces
        // or drops `self.executor`. `self` is borrowed for the whole call,
        // so the executor outlives it even if the call installs another.
        // The executor is a separate allocation, so the shared reference
        // does not alias the `&mut State`.
        let ex = unsafe { &*self.executor_ptr };
        ex.call(self, func, nresults, flags)
    }

    /// Count one level of Rust recursion; error past the limit as PUC does.
    #[inline]
    pub fn enter_c_call(&mut self) -> LuaResult<()> {
        self.c_calls += 1;
        if self.c_calls >= MAX_C_CALLS {
            return self.c_calls_exceeded();
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn c_calls_exceeded(&mut self) -> LuaResult<()> {
        if self.c_calls == MAX_C_CALLS {
            let e = self.rt_error("C stack overflow");
            self.c_calls -= 1;
            return Err(e);
        }
        if self.c_calls >= MAX_C_CALLS / 10 * 11 {
            let e = self.plain_error("error in error handling");
            self.c_calls -= 1;
            return Err(e);
        }
        Ok(())
    }

    // ---------------------------------------------------------------
    // Errors

    /// An error whose value is the string `msg`, without position.
    pub fn plain_error(&mut self, msg: impl AsRef<[u8]>) -> LuaError {
        LuaError::new(self.str_value(msg))
    }

    /// `luaG_runerror`: `msg` prefixed by the position of the running
    /// function if it is a Lua function.
    pub fn rt_error(&mut self, msg: impl AsRef<str>) -> LuaError {
        let w = self.runerror_where();
        let m = format!("{}{}", w, msg.as_ref());
        self.plain_error(m)
    }

    /// `luaG_runerror`'s position: "chunk:line: " of the running function
    /// if it is a Lua function, the line `-1` when it has no line
    /// information (a stripped binary chunk: "?:-1: "), else "".
    fn runerror_where(&self) -> String {
        match self.th.frames.last().map(|f| (f.func_fn, f.current_pc())) {
            Some((FrameFn::Lua(c), pc)) => {
                let line = crate::vm::debug::current_line(&c.p.proto, pc);
                let src = crate::vm::debug::short_src(&c.p.proto);
                format!("{}:{}: ", src, line.map_or(-1, i64::from))
            }
            _ => String::new(),
        }
    }

    /// `luaL_error` from a native: position of the function that called it.
    pub fn error(&mut self, msg: impl AsRef<str>) -> LuaError {
        let w = self.where_(1);
        let m = format!("{}{}", w, msg.as_ref());
        self.plain_error(m)
    }

    /// `luaL_where`: "chunk:line: " of the function `level` frames down
    /// (0 = the running one), or "" if it is not a Lua function or has no
    /// line information (a stripped binary chunk).
    pub fn where_(&self, level: usize) -> String {
        let n = self.th.frames.len();
        if level >= n {
            return String::new();
        }
        let f = &self.th.frames[n - 1 - level];
        match f.func_fn {
            FrameFn::Lua(c) => match crate::vm::debug::current_line(&c.p.proto, f.current_pc()) {
                Some(line) => format!("{}:{}: ", crate::vm::debug::short_src(&c.p.proto), line),
                None => String::new(),
            },
            FrameFn::Native(_) => String::new(),
        }
    }

    /// Push a native frame standing for the host program (lua.c's
    /// `pmain`), so tracebacks end with `[C]: in ?` as lua5.4's do and
    /// `error(msg, 2)` at the main chunk's level finds no position. It
    /// counts as one C call, as `lua_pcall(pmain)` does, so nesting limits
    /// are reached at lua5.4's depth.
    pub fn push_host_frame(&mut self) {
        self.c_calls += 1;
        fn host(_: &mut State, _: Args) -> LuaResult<usize> {
            Ok(0)
        }
        let f = self.new_native("?", host);
        let Value::Native(nf) = f else { return };
        let func = self.th.stack.len();
        self.th.stack.push(f);
        self.th.frames.push(crate::vm::frame::CallFrame {
            func_fn: FrameFn::Native(nf),
            func,
            base: func + 1,
            nvarargs: 0,
            ret: crate::vm::frame::Ret::Host { want: 0 },
            pc: 0,
            cursor_base: self.th.cursor_mark(),
            flags: FrameFlags::empty(),
            ip: 0,
        });
    }

    /// `lua_close`: run every pending `__close` handler of the running
    /// thread (innermost first; errors are ignored, as when lua.c closes
    /// the state) and flush the output. For `os.exit(code, true)`.
    pub fn close_state(&mut self) {
        while !self.th.tbc.is_empty() {
            if crate::vm::interp::close_all(self, 0, None).is_err() {
                continue;
            }
        }
        self.th.close_upvals(0);
        self.heap.finalize_all();
        self.run_finalizers();
        self.flush();
    }

    /// Flush the output sink.
    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }

    /// From a native of kind [`NativeKind::CallK`]
    /// (as `return st.call_k(...)`): call the value at stack index `func`
    /// with the values above it as arguments, as a frame of the executor's
    /// loop (so a coroutine may yield inside it), `want` results (-1: all),
    /// then finish in the continuation `k` (PUC's `lua_callk`).
    pub fn call_k(&mut self, func: usize, want: i32, k: crate::object::ContFn) -> LuaResult<usize> {
        self.call_request = Some(CallRequest { func, want, k });
        Ok(0)
    }

    pub(crate) fn take_call_request(&mut self) -> Option<CallRequest> {
        self.call_request.take()
    }

    /// A handle that stops the Lua code this state runs, from any thread:
    /// what lua.c does on Ctrl-C with a hook.
    pub fn interrupter(&self) -> Interrupter {
        Interrupter(self.interrupt.clone())
    }

    /// Drop a pending interrupt request (one that came after the code it
    /// was meant for had finished).
    pub fn clear_interrupt(&self) {
        self.interrupt.store(NO_REQUEST, Ordering::Relaxed);
    }

    /// Put `limits` on the code this state runs from now on (and refill
    /// the instruction budget).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
        self.max_frames = limits.call_depth.unwrap_or(usize::MAX);
        self.heap.set_limit(limits.memory.unwrap_or(usize::MAX));
        self.reset_budget();
    }

    /// The limits set with [`State::set_limits`].
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Start a host call: refill the instruction budget and end the
    /// previous call's abort, if any. The embedding API calls it on every
    /// call from Rust that is not nested in a call from Lua.
    pub fn reset_budget(&mut self) {
        self.aborting = None;
        let budget = self.limits.instructions.unwrap_or(u64::MAX);
        let take = budget.min(FUEL_CHUNK);
        self.fuel = take as i64;
        self.budget_left = budget - take;
    }

    /// Why the last call was ended by a limit or a terminate request, if
    /// it was (until [`State::reset_budget`]).
    pub fn aborted(&self) -> Option<Abort> {
        self.aborting
    }

    /// Take one unit of fuel (a loop iteration or a Lua call); `true` when
    /// it ran out and [`State::attend`] must run. The executors' only cost
    /// of limits and interrupts: a decrement and a branch.
    #[inline(always)]
    pub fn tick(&mut self) -> bool {
        self.tick_n(1)
    }

    /// [`State::tick`] for `n` units at once (a numeric `for` ticks every
    /// 1024th iteration, for 1024).
    #[inline(always)]
    pub fn tick_n(&mut self, n: i64) -> bool {
        self.fuel -= n;
        self.fuel < 0
    }

    /// Charge `units` of work done by a native (see [`Limits::instructions`]):
    /// an error if that exhausts the budget or an interrupt is pending.
    #[inline]
    pub fn charge(&mut self, units: u64) -> LuaResult<()> {
        self.fuel = self.fuel.saturating_sub(units.min(i64::MAX as u64) as i64);
        if self.fuel < 0 {
            return self.attend();
        }
        Ok(())
    }

    /// Units a native may spend before it must call [`State::charge`]
    /// (`None`: no budget is set; the native still charges its work so
    /// that interrupts are seen).
    pub fn budget_available(&self) -> Option<u64> {
        self.limits
            .instructions
            .map(|_| self.budget_left.saturating_add(self.fuel.max(0) as u64))
    }

    /// The fuel ran out: raise what an [`Interrupter`] asked for, collect
    /// or raise "not enough memory" when past the memory limit, end the
    /// call when the budget is exhausted; otherwise refill the fuel.
    #[cold]
    #[inline(never)]
    pub fn attend(&mut self) -> LuaResult<()> {
        if let Some(a) = self.aborting {
            self.fuel = 0;
            return Err(self.abort_error(a));
        }
        match self.interrupt.swap(NO_REQUEST, Ordering::Relaxed) {
            INTERRUPT => {
                self.refuel();
                let w = self.where_(1);
                return Err(self.plain_error(format!("{w}interrupted!")));
            }
            TERMINATE => return Err(self.abort(Abort::Terminated)),
            _ => {}
        }
        if self.heap.over_limit() && !self.heap.in_finalizer {
            self.collect_and_finalize();
            if self.heap.over_limit() {
                self.refuel();
                return Err(self.plain_error("not enough memory"));
            }
        }
        self.refuel();
        match self.aborting {
            Some(a) => Err(self.abort_error(a)),
            None => Ok(()),
        }
    }

    /// Cover the fuel's deficit from the budget and hand out the next
    /// chunk; when the budget cannot cover it, end the call.
    fn refuel(&mut self) {
        if self.fuel >= 0 {
            return;
        }
        if self.limits.instructions.is_none() {
            self.fuel = FUEL_CHUNK as i64;
            return;
        }
        let deficit = self.fuel.unsigned_abs();
        if self.budget_left < deficit {
            self.budget_left = 0;
            self.fuel = 0;
            self.aborting = Some(Abort::Instructions);
            return;
        }
        self.budget_left -= deficit;
        let take = self.budget_left.min(FUEL_CHUNK);
        self.budget_left -= take;
        self.fuel = take as i64;
    }

    /// Have [`State::attend`] run at the next tick (memory grew past the
    /// limit where no error can be raised).
    pub(crate) fn request_attention(&mut self) {
        if self.fuel > 0 {
            self.budget_left = self.budget_left.saturating_add(self.fuel as u64);
            self.fuel = 0;
        }
    }

    /// End the running host call with `why`: the error passes every
    /// `pcall` (see `interp::handle_error`).
    #[cold]
    fn abort(&mut self, why: Abort) -> LuaError {
        self.aborting = Some(why);
        self.fuel = 0;
        self.abort_error(why)
    }

    fn abort_error(&mut self, why: Abort) -> LuaError {
        let msg = match why {
            Abort::Instructions => "instruction limit exceeded",
            Abort::Terminated => "interrupted!",
        };
        self.rt_error(msg)
    }

    /// A native is about to grow the string it builds to `total` bytes,
    /// `added` of them new: charge the copy to the instruction budget
    /// (one unit, and one per [`BYTES_PER_UNIT`] bytes), and raise "not
    /// enough memory" if `total` cannot fit under the memory limit even
    /// after collecting all garbage, or `too_large` (lua5.4's message for
    /// the operation) if it is longer than [`Limits::string_size`].
    pub fn reserve_string(&mut self, total: usize, added: usize, too_large: &str) -> LuaResult<()> {
        self.reserve(total, added, too_large, false)
    }

    /// [`State::reserve_string`] for an instruction (`..`): the error
    /// has the running function's position, as `luaG_runerror`.
    pub(crate) fn reserve_concat(&mut self, len: usize) -> LuaResult<()> {
        self.reserve(len, len, "string length overflow", true)
    }

    fn reserve(&mut self, total: usize, added: usize, too_large: &str, op: bool) -> LuaResult<()> {
        if self.limits.string_size.is_some_and(|m| total > m) {
            return Err(if op {
                self.rt_error(too_large)
            } else {
                self.error(too_large)
            });
        }
        if !self.heap.room_for(total) {
            return Err(self.plain_error("not enough memory"));
        }
        self.charge(1 + added as u64 / BYTES_PER_UNIT)
    }

    /// The interrupt flag, for natives that look at it in long loops of
    /// their own (pattern matching).
    pub(crate) fn stop_flag(&self) -> &AtomicU8 {
        &self.interrupt
    }

    /// [`State::stop_flag`], owned (for a loop that also needs the state).
    pub(crate) fn stop_flag_arc(&self) -> Arc<AtomicU8> {
        self.interrupt.clone()
    }

    /// Where `print` and `io.write` write (standard output unless replaced
    /// with [`State::set_output`]).
    pub fn output(&mut self) -> &mut Output {
        &mut self.out
    }

    /// Send `print` and `io.write` to `out` instead.
    pub fn set_output(&mut self, out: Output) {
        self.out = out;
    }

    /// `warn("@on")`/`warn("@off")` from Rust (lua.c's `-W`).
    pub fn set_warnings(&mut self, on: bool) {
        self.warn_on = on;
    }

    /// Switch the collector to generational mode (`on`) or incremental
    /// mode, as `collectgarbage` does; lua.c sets generational mode for the
    /// `lua` command.
    pub fn set_generational(&mut self, on: bool) {
        self.heap.generational = on;
        let mode = if on {
            crate::gc::Mode::Generational
        } else {
            crate::gc::Mode::Incremental
        };
        self.with_roots(|heap, roots| heap.set_mode(mode, roots));
    }
}

/// Parse and compile a chunk (syntax errors come back with lua5.4's text).
/// The source is text as `load` sees it, whatever the chunk name: file
/// loaders drop a byte-order mark and a `#` line themselves
/// (`lib_base::skip_shebang`), as luaL_loadfilex does before lua_load.
fn compile_chunk(source: &[u8], chunkname: &str) -> Result<Rc<Proto>, String> {
    let arena = bumpalo::Bump::new();
    let chunk = lua_syntax::parse_text(&arena, source, chunkname).map_err(|e| e.message)?;
    // With the source at hand, limit errors get PUC's "near" token.
    lua_bytecode::compile_with_source(&chunk, source, chunkname).map_err(|e| e.to_string())
}

/// Dropping a state closes it as `lua_close` does: the finalizers of
/// every object that has one run (not during a panic's unwinding).
impl Drop for State {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.heap.finalize_all();
            self.run_finalizers();
            self.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An executor that runs nothing: these tests only use the heap. `flat`:
    /// it claims to run flat code.
    struct NoExec {
        flat: bool,
    }
    impl Executor for NoExec {
        fn name(&self) -> &'static str {
            "none"
        }
        fn runs_flat_code(&self) -> bool {
            self.flat
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

    fn state() -> State {
        State::bare(Rc::new(NoExec { flat: false }))
    }

    #[test]
    fn closures_get_flat_code_only_for_an_executor_of_flat_code() {
        let mut st = state();
        let Value::LuaFn(f) = st.load(b"return 1", "=t", "t", None).unwrap() else {
            panic!("load gave no Lua function");
        };
        st.push(Value::LuaFn(f));
        assert!(f.flat_code().is_empty());
        st.set_executor(Rc::new(NoExec { flat: true }));
        assert!(!f.flat_code().is_empty());
        let Value::LuaFn(g) = st.load(b"return 2", "=t", "t", None).unwrap() else {
            panic!("load gave no Lua function");
        };
        assert!(!g.flat_code().is_empty());
    }

    #[test]
    fn unreachable_cycles_are_collected() {
        let mut st = state();
        st.full_gc();
        let base = st.heap.object_count();
        for _ in 0..100 {
            let a = st.new_table();
            let b = st.new_table();
            let ka = st.str_value("other");
            st.raw_set(a, ka, Value::Table(b)).unwrap();
            st.raw_set(b, ka, Value::Table(a)).unwrap();
        }
        assert!(st.heap.object_count() >= base + 200);
        st.full_gc();
        // The key string was reachable only from the dead tables too.
        assert_eq!(st.heap.object_count(), base);
    }

    #[test]
    fn reachable_values_survive_and_stay_usable() {
        let mut st = state();
        let t = st.new_table();
        st.set_global("keep", Value::Table(t));
        let mut prev = Value::Table(t);
        // A long chain: marking must not recurse.
        for i in 0..200_000 {
            let n = st.new_table();
            if let Value::Table(p) = prev {
                st.raw_set_int(p, 1, Value::Table(n));
            }
            if i % 1000 == 0 {
                let s = st.str_value(format!("s{}", i));
                st.raw_set_int(n, 2, s);
            }
            prev = Value::Table(n);
        }
        st.full_gc();
        let mut cur = st.get_global("keep");
        let mut n = 0;
        while let Value::Table(c) = cur {
            cur = c.get_int(1);
            n += 1;
        }
        assert_eq!(n, 200_001);
    }

    #[test]
    fn dead_short_strings_leave_the_intern_set() {
        let mut st = state();
        st.full_gc();
        let base = st.heap.object_count();
        let _ = st.new_str(b"transient-key");
        assert_eq!(st.heap.object_count(), base + 1);
        st.full_gc();
        assert_eq!(st.heap.object_count(), base);
        // Interning the same bytes again makes a new, valid string.
        let b = st.new_str(b"transient-key");
        let c = st.new_str(b"transient-key");
        assert!(Gc::ptr_eq(b, c));
        assert_eq!(c.as_bytes(), b"transient-key");
        assert_eq!(st.heap.object_count(), base + 1);
    }

    #[test]
    fn upvalues_read_their_own_thread() {
        let mut st = state();
        st.th.stack.push(Value::Int(7));
        let u = st.find_upval(0);
        assert!(matches!(u.get(), Value::Int(7)));
        st.upval_set(u, Value::Int(8));
        assert!(matches!(st.th.stack[0], Value::Int(8)));
        st.th.close_upvals(0);
        st.th.stack[0] = Value::Nil;
        assert!(matches!(u.get(), Value::Int(8)));
    }

    #[test]
    fn open_upvalues_follow_a_moved_stack() {
        let mut st = state();
        st.th.stack.push(Value::Int(1));
        st.th.stack.push(Value::Int(2));
        let (a, b) = (st.find_upval(0), st.find_upval(1));
        let old = st.th.stack.as_ptr();
        for i in 0..10_000 {
            st.th.stack.push(Value::Int(i));
        }
        assert!(
            !std::ptr::eq(old, st.th.stack.as_ptr()),
            "the buffer should have moved"
        );
        st.upval_set(b, Value::Int(20));
        assert!(matches!(st.th.stack[1], Value::Int(20)));
        st.th.stack[0] = Value::Int(10);
        assert!(matches!(a.get(), Value::Int(10)));
    }

    #[test]
    fn an_open_slot_above_the_length_stays_alive() {
        let mut st = state();
        st.th.stack.push(Value::Nil);
        let u = st.find_upval(0);
        let s = st.new_str(b"kept by the open upvalue only");
        st.upval_set(u, Value::Str(s));
        st.th.stack.truncate(0);
        st.full_gc();
        st.th.stack.reserve(100_000);
        match u.get() {
            Value::Str(s) => assert_eq!(s.as_bytes(), b"kept by the open upvalue only"),
            v => panic!("{v:?}"),
        }
    }
}
