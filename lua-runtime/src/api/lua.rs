//! [`Lua`] (the state handle) and [`Chunk`] (loading code).

use std::rc::Rc;
use std::sync::Arc;

use super::conv::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti};
use super::error::{Error, Result};
use super::sync::{Core, Inner, RefInner};
use super::value::{MultiValue, Value};
use super::{Function, LuaString, Table, Thread};
use crate::error::LuaError;
use crate::object::{Thread as RawThread, ThreadStatus as RawStatus};
use crate::state::{Interrupter, State};
use crate::value::Value as Raw;
use crate::vm::executor::Executor;
use crate::vm::frame::FrameFlags;
use crate::vm::meta::Tm;

/// A Lua state: the handle through which Rust loads and runs Lua code and
/// makes Lua values.
///
/// Cheap to clone (clones share the state) and `Send + Sync`: a state can
/// move to another thread or be shared; calls from several threads take
/// turns (one re-entrant lock per state). Every handle made from it
/// ([`Table`], [`Function`], ...) keeps the state alive.
///
/// The `luna` crate's `Lua::new()` makes one with the standard libraries
/// and the flat executor; with `lua-runtime` and one executor crate, use
/// [`Lua::from_executor`].
///
/// ```
/// let lua = luna::Lua::new();
/// lua.globals().set("n", 20).unwrap();
/// let x: i64 = lua.load("return n * 2 + 2").eval().unwrap();
/// assert_eq!(x, 42);
/// ```
#[derive(Clone)]
pub struct Lua {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Lua {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lua({:p})", Arc::as_ptr(&self.inner))
    }
}

impl Lua {
    /// A state with every standard library, run by executor `e`.
    ///
    /// ```
    /// # struct E;
    /// # impl lua_runtime::Executor for E {
    /// #     fn name(&self) -> &'static str { "none" }
    /// #     fn call(&self, _: &mut lua_runtime::State, _: usize, _: i32, _: lua_runtime::vm::frame::FrameFlags) -> lua_runtime::LuaResult<()> { Ok(()) }
    /// # }
    /// let lua = lua_runtime::api::Lua::from_executor(E);
    /// assert_eq!(lua.executor_name(), "none");
    /// ```
    pub fn from_executor<E: Executor + Send + 'static>(e: E) -> Lua {
        // The `Rc` is made here and handed to the state only (S1).
        Lua {
            inner: Inner::new(State::new(Rc::new(e))),
        }
    }

    /// Wrap a state made and configured with the raw API.
    ///
    /// # Safety
    ///
    /// Nothing outside `st` may hold anything that points into it: no clone
    /// of its executor's `Rc` (from `State::executor` or kept from
    /// `State::new`), no `Gc` of its heap, no non-`Send` output sink or
    /// userdata payload. The `Lua` may move to other threads and the state
    /// with it; such a leftover would be used from two threads.
    ///
    /// ```
    /// # use std::rc::Rc;
    /// # #[derive(Clone, Copy)] struct E;
    /// # impl lua_runtime::Executor for E {
    /// #     fn name(&self) -> &'static str { "none" }
    /// #     fn call(&self, _: &mut lua_runtime::State, _: usize, _: i32, _: lua_runtime::vm::frame::FrameFlags) -> lua_runtime::LuaResult<()> { Ok(()) }
    /// # }
    /// let st = lua_runtime::State::bare(Rc::new(E));
    /// // SAFETY: nothing else refers to `st`.
    /// let lua = unsafe { lua_runtime::api::Lua::from_state(st) };
    /// assert!(lua.globals().get::<_, Option<String>>("print").unwrap().is_none());
    /// ```
    pub unsafe fn from_state(st: State) -> Lua {
        Lua {
            inner: Inner::new(st),
        }
    }

    /// Run `f` on the raw state (for what the typed API does not cover).
    ///
    /// # Safety
    ///
    /// As [`Lua::from_state`]: `f` must not keep anything pointing into the
    /// state (an `Rc` clone, a `Gc`) after it returns, and must not call
    /// back into this `Lua` or its handles.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// // SAFETY: nothing escapes the closure.
    /// let n = unsafe { lua.with_raw_state(|st| st.top()) };
    /// assert_eq!(n, 0);
    /// ```
    pub unsafe fn with_raw_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        self.inner.with(|st, _| f(st))
    }

    /// The name of the executor running this state ("flat", "tree").
    ///
    /// ```
    /// assert_eq!(luna::Lua::new().executor_name(), "flat");
    /// ```
    pub fn executor_name(&self) -> &'static str {
        self.inner.with(|st, _| st.executor().name())
    }

    /// Start loading a chunk of Lua source (or a binary chunk of
    /// `string.dump`); run it with [`Chunk::exec`], [`Chunk::eval`],
    /// [`Chunk::call`], or compile it once with [`Chunk::into_function`].
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// lua.load("x = 1").set_name("init.lua").exec().unwrap();
    /// ```
    pub fn load(&self, source: impl AsRef<[u8]>) -> Chunk<'_> {
        Chunk {
            lua: self,
            source: source.as_ref().to_vec(),
            name: None,
            env: None,
            mode: ChunkMode::Auto,
        }
    }

    /// The global table.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// lua.globals().set("answer", 42).unwrap();
    /// assert_eq!(lua.load("return answer").eval::<i64>().unwrap(), 42);
    /// ```
    pub fn globals(&self) -> Table {
        self.inner.with(|st, core| {
            let g = Raw::Table(st.globals);
            Table(RefInner::new(&self.inner, core, st, g))
        })
    }

    /// A new empty table.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table().unwrap();
    /// t.set(1, "one").unwrap();
    /// assert_eq!(t.raw_len(), 1);
    /// ```
    pub fn create_table(&self) -> Result<Table> {
        self.create_table_with_capacity(0, 0)
    }

    /// A new empty table with room for `narr` sequence elements and `nrec`
    /// other fields.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table_with_capacity(100, 0).unwrap();
    /// assert_eq!(t.raw_len(), 0);
    /// ```
    pub fn create_table_with_capacity(&self, narr: usize, nrec: usize) -> Result<Table> {
        Ok(self.inner.with(|st, core| {
            let t = Raw::Table(st.new_table_with(narr, nrec));
            Table(RefInner::new(&self.inner, core, st, t))
        }))
    }

    /// A table with the given key-value pairs.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table_from([("a", 1), ("b", 2)]).unwrap();
    /// assert_eq!(t.get::<_, i64>("b").unwrap(), 2);
    /// ```
    pub fn create_table_from<K: IntoLua, V: IntoLua>(
        &self,
        iter: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Table> {
        let t = self.create_table()?;
        for (k, v) in iter {
            t.raw_set(k, v)?;
        }
        Ok(t)
    }

    /// A sequence (a table with keys `1..=n`) of the given values.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_sequence_from(["x", "y"]).unwrap();
    /// assert_eq!(t.raw_len(), 2);
    /// assert_eq!(t.get::<_, String>(2).unwrap(), "y");
    /// ```
    pub fn create_sequence_from<T: IntoLua>(
        &self,
        iter: impl IntoIterator<Item = T>,
    ) -> Result<Table> {
        let t = self.create_table()?;
        for (i, v) in iter.into_iter().enumerate() {
            t.raw_set(i as i64 + 1, v)?;
        }
        Ok(t)
    }

    /// A Lua string with these bytes (need not be UTF-8).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let s = lua.create_string(b"\xffab").unwrap();
    /// assert_eq!(s.to_bytes(), b"\xffab");
    /// ```
    pub fn create_string(&self, bytes: impl AsRef<[u8]>) -> Result<LuaString> {
        Ok(self.inner.with(|st, core| {
            let s = st.str_value(bytes.as_ref());
            LuaString(RefInner::new(&self.inner, core, st, s))
        }))
    }

    /// A coroutine that will run `func` when first resumed.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let f = lua.load("return function(a) local b = coroutine.yield(a + 1) return b * 2 end")
    ///     .eval::<luna::Function>().unwrap();
    /// let co = lua.create_thread(f).unwrap();
    /// assert_eq!(co.resume::<_, i64>(1).unwrap(), 2);
    /// assert_eq!(co.resume::<_, i64>(10).unwrap(), 20);
    /// assert_eq!(co.status(), luna::ThreadStatus::Finished);
    /// ```
    pub fn create_thread(&self, func: Function) -> Result<Thread> {
        let f = Value::Function(func).to_raw(&self.inner)?;
        Ok(self.inner.with(|st, core| {
            let co = st.heap.alloc(RawThread::new(RawStatus::Suspended));
            co.saved.borrow_mut().stack.push(f);
            Thread(RefInner::new(&self.inner, core, st, Raw::Thread(co)))
        }))
    }

    /// Convert a Rust value to a Lua value.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let v = lua.pack(vec![1, 2, 3]).unwrap();
    /// assert_eq!(v.type_name(), "table");
    /// ```
    pub fn pack<T: IntoLua>(&self, v: T) -> Result<Value> {
        v.into_lua(self)
    }

    /// Convert a Lua value to a Rust value.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let v = lua.pack(vec![1, 2, 3]).unwrap();
    /// assert_eq!(lua.unpack::<Vec<u8>>(v).unwrap(), vec![1, 2, 3]);
    /// ```
    pub fn unpack<T: FromLua>(&self, v: Value) -> Result<T> {
        T::from_lua(v, self)
    }

    /// Run a full garbage collection (and the finalizers it makes due).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table().unwrap();
    /// lua.gc_collect().unwrap();
    /// t.set("still", "alive").unwrap();
    /// ```
    pub fn gc_collect(&self) -> Result<()> {
        self.inner.with(|st, _| {
            st.full_gc();
            st.run_finalizers();
        });
        Ok(())
    }

    /// Bytes the Lua heap uses (`collectgarbage("count") * 1024`).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// assert!(lua.used_memory() > 0);
    /// ```
    pub fn used_memory(&self) -> usize {
        self.inner.with(|st, _| st.heap.total_bytes())
    }

    /// Send `print` and `io.write` to `out` instead of standard output.
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)] struct Buf(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buf {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// let lua = luna::Lua::new();
    /// let buf = Buf::default();
    /// lua.set_output(buf.clone());
    /// lua.load("print('hi')").exec().unwrap();
    /// lua.flush_output();
    /// assert_eq!(&*buf.0.lock().unwrap(), b"hi\n");
    /// ```
    pub fn set_output(&self, out: impl std::io::Write + Send + 'static) {
        self.inner.with(|st, _| st.set_output(Box::new(out)));
    }

    /// Flush what `print` and `io.write` buffered.
    ///
    /// ```
    /// luna::Lua::new().flush_output();
    /// ```
    pub fn flush_output(&self) {
        self.inner.with(|st, _| st.flush());
    }

    /// A handle that stops the running Lua code from another thread (it
    /// raises "interrupted!" at its next loop iteration or tail call).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let stop = lua.interrupter();
    /// std::thread::spawn(move || {
    ///     std::thread::sleep(std::time::Duration::from_millis(20));
    ///     stop.interrupt();
    /// });
    /// let e = lua.load("while true do end").exec().unwrap_err();
    /// assert!(e.message().ends_with("interrupted!"));
    /// ```
    pub fn interrupter(&self) -> Interrupter {
        self.inner.with(|st, _| st.interrupter())
    }

    /// Put limits on the code this state runs (instruction budget per call
    /// from Rust, memory, call depth, string size; see
    /// [`Limits`](crate::Limits)). The budget is refilled at every call from
    /// Rust that is not made from inside a Rust function called by Lua.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// lua.set_limits(luna::Limits { instructions: Some(100_000), ..Default::default() });
    /// let e = lua.load("while true do end").exec().unwrap_err();
    /// assert!(e.message().ends_with("instruction limit exceeded"));
    /// assert_eq!(lua.load("1 + 1").eval::<i64>().unwrap(), 2);
    /// ```
    pub fn set_limits(&self, limits: crate::Limits) {
        self.inner.with(|st, _| st.set_limits(limits));
    }

    /// Cut this state's libraries down to the sandbox's: no `io`,
    /// `package`, `require`, `dofile`, `loadfile`; `os` reduced to `clock`,
    /// `date`, `difftime`, `time`; `debug` to `traceback`;
    /// `collectgarbage` to "count"; text chunks only; the library tables
    /// and the string metatable read-only (`lua_runtime::sandbox` has the
    /// details). Add back what you trust by setting globals.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// lua.restrict();
    /// assert!(lua.load("io").eval::<luna::Value>().unwrap().is_nil());
    /// assert!(lua.load("string.rep = nil").exec().is_err());
    /// ```
    pub fn restrict(&self) {
        self.inner.with(|st, _| crate::sandbox::restrict(st));
    }

    /// Why the last call from Rust was ended by a limit or by
    /// [`Interrupter::terminate`](crate::Interrupter::terminate), if it
    /// was (until the next call).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// lua.set_limits(luna::Limits { instructions: Some(1000), ..Default::default() });
    /// assert!(lua.load("while true do end").exec().is_err());
    /// assert_eq!(lua.aborted(), Some(luna::Abort::Instructions));
    /// ```
    pub fn aborted(&self) -> Option<crate::Abort> {
        self.inner.with_budget(false, |st, _| st.aborted())
    }

    /// The limits set with [`Lua::set_limits`].
    ///
    /// ```
    /// assert_eq!(luna::Lua::new().limits().memory, None);
    /// ```
    pub fn limits(&self) -> crate::Limits {
        self.inner.with(|st, _| st.limits())
    }

    /// Whether `a` and `b` are the same state.
    ///
    /// ```
    /// let a = luna::Lua::new();
    /// assert!(a.is_same(&a.clone()));
    /// assert!(!a.is_same(&luna::Lua::new()));
    /// ```
    pub fn is_same(&self, other: &Lua) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Collect at every safepoint (for tests of code that keeps values
    /// across calls; the `LUNA_GC_STRESS=1` environment variable does the
    /// same for every state made afterwards).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// lua.set_gc_stress(true);
    /// assert_eq!(lua.load("return #{1, 2}").eval::<i64>().unwrap(), 2);
    /// ```
    pub fn set_gc_stress(&self, on: bool) {
        self.inner.with(|st, _| st.heap.stress = on);
    }

    // ---------------------------------------------------------------
    // Internals shared by the handles

    /// Handles for raw values (inside `with`).
    pub(crate) fn values(
        &self,
        core: &Core,
        st: &mut State,
        raws: impl IntoIterator<Item = Raw>,
    ) -> MultiValue {
        raws.into_iter()
            .map(|v| Value::from_raw(&self.inner, core, st, v))
            .collect()
    }

    /// Call `f` with the arguments in `buf` (checked to belong to this
    /// state), replacing them with all the results; traceback captured on
    /// error.
    pub(crate) fn call_in(&self, f: Raw, buf: &mut Vec<Value>) -> Result<()> {
        self.inner.with(|st, core| {
            let base = st.top();
            st.push(f);
            for a in buf.iter() {
                match a.to_raw(&self.inner) {
                    Ok(r) => st.push(r),
                    Err(e) => {
                        st.th.stack.truncate(base);
                        return Err(e);
                    }
                }
            }
            // On the stack now, so rooted: the handles may go.
            buf.clear();
            match st.call_at_flags(base, -1, FrameFlags::TRACEBACK) {
                Ok(()) => {
                    let top = st.top();
                    for i in base..top {
                        let v = Raw::load(&st.th.stack[i]);
                        buf.push(Value::from_raw(&self.inner, core, st, v));
                    }
                    st.th.stack.truncate(base);
                    Ok(())
                }
                Err(e) => {
                    st.th.stack.truncate(base);
                    Err(self.runtime_error(core, st, e))
                }
            }
        })
    }

    /// A Lua error as an [`Error::Runtime`] (inside `with`).
    pub(crate) fn runtime_error(&self, core: &Core, st: &mut State, mut e: LuaError) -> Error {
        let value = Value::from_raw(&self.inner, core, st, e.value);
        let message = error_text(st, e.value);
        Error::Runtime {
            message,
            traceback: e.traceback.take(),
            value: Box::new(value),
        }
    }

    /// Raw values of `args`, checked to belong to this state.
    pub(crate) fn raws(&self, args: &MultiValue) -> Result<Vec<Raw>> {
        args.iter().map(|v| v.to_raw(&self.inner)).collect()
    }

    fn compile(&self, source: &[u8], name: &str, mode: &str, env: Option<Raw>) -> Result<Function> {
        self.inner
            .with(|st, core| match st.load(source, name, mode, env) {
                Ok(f) => Ok(Function(RefInner::new(&self.inner, core, st, f))),
                Err(e) => {
                    let message = error_text(st, e.value);
                    let incomplete_input = message.ends_with("<eof>");
                    Err(Error::Syntax {
                        message,
                        incomplete_input,
                    })
                }
            })
    }
}

/// The error value as lua.c's message handler turns it into text: a string
/// or number as itself, a value with `__tostring` through it, anything
/// else as `(error object is a T value)`. The value is rooted by the
/// caller (it made a handle of it).
fn error_text(st: &mut State, v: Raw) -> String {
    match v {
        Raw::Str(s) => s.to_str_lossy().into_owned(),
        Raw::Int(_) | Raw::Float(_) => {
            let mut b = Vec::new();
            crate::vm::ops::append_plain(&mut b, v);
            String::from_utf8_lossy(&b).into_owned()
        }
        _ => {
            let h = st.get_tm(v, Tm::ToString);
            if !h.is_nil() {
                let base = st.top();
                if let Ok(r) = st.call(h, &[v])
                    && let Some(Raw::Str(s)) = r.first()
                {
                    st.th.stack.truncate(base);
                    return s.to_str_lossy().into_owned();
                }
                st.th.stack.truncate(base);
            }
            format!("(error object is a {} value)", v.type_name())
        }
    }
}

/// Whether a chunk may be text, binary (a `string.dump` result), or both.
///
/// ```
/// let lua = luna::Lua::new();
/// let bin: luna::BString = lua.load("string.dump(function() return 1 end)").eval().unwrap();
/// assert!(lua.load(&bin.0).set_mode(luna::ChunkMode::Text).exec().is_err());
/// assert_eq!(lua.load(&bin.0).set_mode(luna::ChunkMode::Binary).eval::<i64>().unwrap(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkMode {
    /// Source text only.
    Text,
    /// Binary chunks only (they are verified before they run).
    Binary,
    /// Either (the default, as `load`'s "bt").
    Auto,
}

/// A chunk of code on its way to running: made by [`Lua::load`].
///
/// The chunk name follows lua5.4: `@file.lua` shows as `file.lua` in
/// messages, `=name` as `name`, anything else as `[string "..."]`. Without
/// [`Chunk::set_name`], the name is the source itself, as
/// `luaL_loadstring` names a string (`[string "first line..."]`).
///
/// ```
/// let lua = luna::Lua::new();
/// let e = lua.load("error('x')").exec().unwrap_err();
/// assert_eq!(e.message(), "[string \"error('x')\"]:1: x");
/// let e = lua.load("error('x')").set_name("@init.lua").exec().unwrap_err();
/// assert_eq!(e.message(), "init.lua:1: x");
/// ```
#[must_use = "a chunk does nothing until exec, eval, call or into_function"]
pub struct Chunk<'a> {
    lua: &'a Lua,
    source: Vec<u8>,
    name: Option<String>,
    env: Option<Table>,
    mode: ChunkMode,
}

impl<'a> Chunk<'a> {
    /// Name the chunk (for messages and tracebacks).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let e = lua.load("error('bad')").set_name("=config").exec().unwrap_err();
    /// assert_eq!(e.message(), "config:1: bad");
    /// ```
    pub fn set_name(mut self, name: impl Into<String>) -> Chunk<'a> {
        self.name = Some(name.into());
        self
    }

    /// Run the chunk with `env` as its `_ENV` instead of the globals.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let env = lua.create_table().unwrap();
    /// lua.load("x = 5").set_environment(env.clone()).exec().unwrap();
    /// assert_eq!(env.get::<_, i64>("x").unwrap(), 5);
    /// assert!(lua.globals().get::<_, Option<i64>>("x").unwrap().is_none());
    /// ```
    pub fn set_environment(mut self, env: Table) -> Chunk<'a> {
        self.env = Some(env);
        self
    }

    /// Accept text, binary chunks or both (default: both).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let e = lua.load("\x1bLua").set_mode(luna::ChunkMode::Text).exec().unwrap_err();
    /// assert!(e.message().contains("attempt to load a binary chunk"));
    /// ```
    pub fn set_mode(mut self, mode: ChunkMode) -> Chunk<'a> {
        self.mode = mode;
        self
    }

    fn name(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => String::from_utf8_lossy(&self.source).into_owned(),
        }
    }

    fn compile_source(&self, source: &[u8]) -> Result<Function> {
        let mode = match self.mode {
            ChunkMode::Text => "t",
            ChunkMode::Binary => "b",
            ChunkMode::Auto => "bt",
        };
        let env = match &self.env {
            Some(t) => Some(Value::Table(t.clone()).to_raw(&self.lua.inner)?),
            None => None,
        };
        self.lua.compile(source, &self.name(), mode, env)
    }

    /// Compile the chunk into a function, to run as many times as needed.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let f = lua.load("local a, b = ... return a + b").into_function().unwrap();
    /// assert_eq!(f.call::<_, i64>((1, 2)).unwrap(), 3);
    /// assert_eq!(f.call::<_, i64>((3, 4)).unwrap(), 7);
    /// ```
    pub fn into_function(self) -> Result<Function> {
        self.compile_source(&self.source)
    }

    /// Run the chunk, ignoring its results.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// lua.load("y = 2").exec().unwrap();
    /// assert_eq!(lua.globals().get::<_, i64>("y").unwrap(), 2);
    /// ```
    pub fn exec(self) -> Result<()> {
        self.call::<_, ()>(())
    }

    /// Evaluate the chunk: as an expression if it is one (`1 + 1`), else as
    /// statements (`return 1 + 1`), as lua.c's REPL does.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// assert_eq!(lua.load("1 + 1").eval::<i64>().unwrap(), 2);
    /// assert_eq!(lua.load("local x = 3 return x").eval::<i64>().unwrap(), 3);
    /// ```
    pub fn eval<R: FromLuaMulti>(self) -> Result<R> {
        let mut expr = b"return ".to_vec();
        expr.extend_from_slice(&self.source);
        let f = match self.compile_source(&expr) {
            Ok(f) => f,
            Err(_) => self.compile_source(&self.source)?,
        };
        f.call(())
    }

    /// Run the chunk with arguments (its `...`) and convert its results.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let n: i64 = lua.load("return select('#', ...)").call((1, 2, 3)).unwrap();
    /// assert_eq!(n, 3);
    /// ```
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(self, args: A) -> Result<R> {
        self.into_function()?.call(args)
    }
}
