//! The handles: [`Table`], [`Function`], [`LuaString`], [`Thread`],
//! [`AnyUserData`]. Each roots its value for as long as it (or a clone)
//! lives, and works only with its own state.

use std::marker::PhantomData;
use std::sync::Arc;

use super::conv::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti};
use super::error::{Error, Result};
use super::lua::Lua;
use super::sync::{BorrowFail, RefInner, UserDataRef, UserDataRefMut, borrow_ud};
use super::value::{MultiValue, Value};
use crate::gc::Gc;
use crate::object::ThreadStatus as RawStatus;
use crate::value::Value as Raw;
use crate::vm::ops::VarInfo;

macro_rules! handle_common {
    ($t:ident, $doc_make:literal) => {
        impl $t {
            /// The state this handle belongs to.
            ///
            /// ```
            /// let lua = luna::Lua::new();
            #[doc = $doc_make]
            /// assert!(h.lua().is_same(&lua));
            /// ```
            pub fn lua(&self) -> Lua {
                Lua {
                    inner: self.0.lua.inner.clone(),
                }
            }

            /// Identity: whether both handles are of the same object.
            ///
            /// ```
            /// let lua = luna::Lua::new();
            #[doc = $doc_make]
            /// assert!(h.is_same(&h.clone()));
            /// ```
            pub fn is_same(&self, other: &$t) -> bool {
                Arc::ptr_eq(&self.0.lua.inner, &other.0.lua.inner) && {
                    let _g = self.0.lua.inner.lock();
                    self.0.raw().raw_eq(&other.0.raw())
                }
            }
        }

        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let p = match self.0.raw() {
                    Raw::Str(g) => g.addr(),
                    Raw::Table(g) => g.addr(),
                    Raw::LuaFn(g) => g.addr(),
                    Raw::Native(g) => g.addr(),
                    Raw::Thread(g) => g.addr(),
                    Raw::UserData(g) => g.addr(),
                    _ => 0,
                };
                write!(f, "{}({:#x})", stringify!($t), p)
            }
        }
    };
}

/// A handle to a Lua table.
///
/// ```
/// let lua = luna::Lua::new();
/// let t: luna::Table = lua.load("{ x = 1, 10, 20 }").eval().unwrap();
/// assert_eq!(t.get::<_, i64>("x").unwrap(), 1);
/// assert_eq!(t.len().unwrap(), 2);
/// ```
#[derive(Clone)]
pub struct Table(pub(crate) Arc<RefInner>);

handle_common!(Table, "let h = lua.create_table().unwrap();");

impl Table {
    pub(crate) fn gc(&self) -> Gc<crate::object::Table> {
        match self.0.raw() {
            Raw::Table(t) => t,
            _ => unreachable!("a Table handle holds a table"),
        }
    }

    /// `t[key]`, with `__index`.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table_from([("k", "v")]).unwrap();
    /// assert_eq!(t.get::<_, String>("k").unwrap(), "v");
    /// assert_eq!(t.get::<_, Option<String>>("missing").unwrap(), None);
    /// ```
    pub fn get<K: IntoLua, V: FromLua>(&self, key: K) -> Result<V> {
        let lua = &self.0.lua;
        let _g = lua.inner.lock();
        let k = key.into_lua(lua)?;
        let kr = k.to_raw(&lua.inner)?;
        let t = self.0.raw();
        let v = lua
            .inner
            .with(|st, core| match st.index(t, kr, VarInfo::None) {
                Ok(v) => Ok(Value::from_raw(&lua.inner, core, st, v)),
                Err(e) => Err(lua.runtime_error(core, st, e)),
            })?;
        drop(k);
        V::from_lua(v, lua)
    }

    /// `t[key] = value`, with `__newindex`.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table().unwrap();
    /// t.set("k", vec![1, 2]).unwrap();
    /// assert_eq!(t.get::<_, Vec<i64>>("k").unwrap(), vec![1, 2]);
    /// ```
    pub fn set<K: IntoLua, V: IntoLua>(&self, key: K, value: V) -> Result<()> {
        let lua = &self.0.lua;
        let _g = lua.inner.lock();
        let k = key.into_lua(lua)?;
        let v = value.into_lua(lua)?;
        let (kr, vr) = (k.to_raw(&lua.inner)?, v.to_raw(&lua.inner)?);
        let t = self.0.raw();
        lua.inner
            .with(|st, core| match st.set_index(t, kr, vr, VarInfo::None) {
                Ok(()) => Ok(()),
                Err(e) => Err(lua.runtime_error(core, st, e)),
            })
    }

    /// `rawget(t, key)`.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_sequence_from([5]).unwrap();
    /// assert_eq!(t.raw_get::<_, i64>(1).unwrap(), 5);
    /// ```
    pub fn raw_get<K: IntoLua, V: FromLua>(&self, key: K) -> Result<V> {
        let lua = &self.0.lua;
        let _g = lua.inner.lock();
        let k = key.into_lua(lua)?;
        let kr = k.to_raw(&lua.inner)?;
        let t = self.gc();
        let v = lua.inner.with(|st, core| {
            let v = t.get(kr);
            Value::from_raw(&lua.inner, core, st, v)
        });
        V::from_lua(v, lua)
    }

    /// `rawset(t, key, value)` (errors for a nil or NaN key).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table().unwrap();
    /// t.raw_set("a", true).unwrap();
    /// assert!(t.raw_set(luna::Value::Nil, 1).is_err());
    /// ```
    pub fn raw_set<K: IntoLua, V: IntoLua>(&self, key: K, value: V) -> Result<()> {
        let lua = &self.0.lua;
        let _g = lua.inner.lock();
        let k = key.into_lua(lua)?;
        let v = value.into_lua(lua)?;
        let (kr, vr) = (k.to_raw(&lua.inner)?, v.to_raw(&lua.inner)?);
        let t = self.gc();
        lua.inner.with(|st, core| match st.raw_set(t, kr, vr) {
            Ok(()) => Ok(()),
            Err(e) => Err(lua.runtime_error(core, st, e)),
        })
    }

    /// `#t`, with `__len`.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t: luna::Table = lua.load("setmetatable({}, { __len = function() return 9 end })").eval().unwrap();
    /// assert_eq!(t.len().unwrap(), 9);
    /// assert_eq!(t.raw_len(), 0);
    /// ```
    pub fn len(&self) -> Result<i64> {
        let lua = &self.0.lua;
        let t = self.0.raw();
        let v = lua.inner.with(|st, core| match st.len(t, VarInfo::None) {
            Ok(v) => Ok(Value::from_raw(&lua.inner, core, st, v)),
            Err(e) => Err(lua.runtime_error(core, st, e)),
        })?;
        i64::from_lua(v, lua)
    }

    /// Whether the table has no pairs at all (raw).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table().unwrap();
    /// assert!(t.is_empty());
    /// t.set("k", 1).unwrap();
    /// assert!(!t.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        let t = self.gc();
        let _g = self.0.lua.inner.lock();
        matches!(t.raw().next(Raw::Nil), Ok(None))
    }

    /// `rawlen(t)`: the border of the sequence part.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// assert_eq!(lua.create_sequence_from([1, 2, 3]).unwrap().raw_len(), 3);
    /// ```
    pub fn raw_len(&self) -> usize {
        let t = self.gc();
        let _g = self.0.lua.inner.lock();
        t.len().max(0) as usize
    }

    /// Whether `t[key]` (raw) is not nil.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table_from([("a", 1)]).unwrap();
    /// assert!(t.contains_key("a").unwrap());
    /// assert!(!t.contains_key("b").unwrap());
    /// ```
    pub fn contains_key<K: IntoLua>(&self, key: K) -> Result<bool> {
        Ok(!self.raw_get::<_, Value>(key)?.is_nil())
    }

    /// Append `value` at `#t + 1` (raw).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table().unwrap();
    /// t.push("a").unwrap();
    /// t.push("b").unwrap();
    /// assert_eq!(t.raw_len(), 2);
    /// ```
    pub fn push<V: IntoLua>(&self, value: V) -> Result<()> {
        let n = self.raw_len() as i64;
        self.raw_set(n + 1, value)
    }

    /// The metatable, if any.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table().unwrap();
    /// assert!(t.metatable().is_none());
    /// t.set_metatable(Some(lua.create_table().unwrap()));
    /// assert!(t.metatable().is_some());
    /// ```
    pub fn metatable(&self) -> Option<Table> {
        let lua = &self.0.lua;
        let t = self.gc();
        lua.inner.with(|st, core| {
            t.metatable()
                .map(|m| Table(RefInner::new(&lua.inner, core, st, Raw::Table(m))))
        })
    }

    /// Set or remove the metatable (`__gc` in it takes effect as with
    /// `setmetatable`). A metatable of another state is ignored.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table().unwrap();
    /// let mt = lua.create_table().unwrap();
    /// mt.set("__index", lua.create_table_from([("x", 1)]).unwrap()).unwrap();
    /// t.set_metatable(Some(mt));
    /// assert_eq!(t.get::<_, i64>("x").unwrap(), 1);
    /// ```
    pub fn set_metatable(&self, mt: Option<Table>) {
        let lua = &self.0.lua;
        let t = self.gc();
        let m = match mt {
            Some(m) if Arc::ptr_eq(&m.0.lua.inner, &lua.inner) => Some(m.gc()),
            Some(_) => return,
            None => None,
        };
        lua.inner.with(|st, _| {
            st.set_table_metatable(t, m);
            st.check_finalizer(Raw::Table(t), m);
        });
    }

    /// Iterate over the pairs (raw `next` order; no `__pairs`), converting
    /// keys and values.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_table_from([("a", 1), ("b", 2)]).unwrap();
    /// let mut sum = 0;
    /// for pair in t.pairs::<String, i64>() {
    ///     let (_k, v) = pair.unwrap();
    ///     sum += v;
    /// }
    /// assert_eq!(sum, 3);
    /// ```
    pub fn pairs<K: FromLua, V: FromLua>(&self) -> TablePairs<K, V> {
        TablePairs {
            table: self.clone(),
            key: Some(Value::Nil),
            _p: PhantomData,
        }
    }

    /// Iterate over `t[1]`, `t[2]`, ... up to the first nil (raw).
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let t = lua.create_sequence_from([1, 2, 3]).unwrap();
    /// let v: Vec<i64> = t.sequence_values().collect::<Result<_, _>>().unwrap();
    /// assert_eq!(v, vec![1, 2, 3]);
    /// ```
    pub fn sequence_values<V: FromLua>(&self) -> TableSequence<V> {
        TableSequence {
            table: self.clone(),
            index: 1,
            done: false,
            _p: PhantomData,
        }
    }

    /// Raw `next`: the pair after `key` (`Nil` to start), converted.
    pub(crate) fn next_raw(&self, key: &Value) -> Result<Option<(Value, Value)>> {
        let lua = &self.0.lua;
        let kr = key.to_raw(&lua.inner)?;
        let t = self.gc();
        lua.inner.with(|st, core| {
            let r = t.raw().next(kr);
            match r {
                Ok(Some((k, v))) => Ok(Some((
                    Value::from_raw(&lua.inner, core, st, k),
                    Value::from_raw(&lua.inner, core, st, v),
                ))),
                Ok(None) => Ok(None),
                Err(_) => Err(Error::new("invalid key to 'next'")),
            }
        })
    }
}

/// The iterator of [`Table::pairs`]: `Result<(K, V)>` items.
///
/// ```
/// let lua = luna::Lua::new();
/// let t = lua.create_table_from([(1, 10)]).unwrap();
/// let mut it: luna::TablePairs<i64, i64> = t.pairs();
/// assert_eq!(it.next().unwrap().unwrap(), (1, 10));
/// assert!(it.next().is_none());
/// ```
pub struct TablePairs<K, V> {
    table: Table,
    /// The last key returned (`None` when finished).
    key: Option<Value>,
    _p: PhantomData<fn() -> (K, V)>,
}

impl<K: FromLua, V: FromLua> Iterator for TablePairs<K, V> {
    type Item = Result<(K, V)>;
    fn next(&mut self) -> Option<Self::Item> {
        let key = self.key.take()?;
        match self.table.next_raw(&key) {
            Ok(Some((k, v))) => {
                self.key = Some(k.clone());
                let lua = &self.table.0.lua;
                Some(K::from_lua(k, lua).and_then(|k| Ok((k, V::from_lua(v, lua)?))))
            }
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// The iterator of [`Table::sequence_values`]: `Result<V>` items.
///
/// ```
/// let lua = luna::Lua::new();
/// let t = lua.create_sequence_from(["a"]).unwrap();
/// let mut it: luna::TableSequence<String> = t.sequence_values();
/// assert_eq!(it.next().unwrap().unwrap(), "a");
/// assert!(it.next().is_none());
/// ```
pub struct TableSequence<V> {
    table: Table,
    index: i64,
    done: bool,
    _p: PhantomData<fn() -> V>,
}

impl<V: FromLua> Iterator for TableSequence<V> {
    type Item = Result<V>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.table.raw_get::<_, Value>(self.index) {
            Ok(Value::Nil) => {
                self.done = true;
                None
            }
            Ok(v) => {
                self.index += 1;
                Some(V::from_lua(v, &self.table.0.lua))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// A handle to a Lua function (written in Lua or in Rust).
///
/// ```
/// let lua = luna::Lua::new();
/// let f: luna::Function = lua.load("function(a, b) return a .. b end").eval().unwrap();
/// assert_eq!(f.call::<_, String>(("x", 1)).unwrap(), "x1");
/// ```
#[derive(Clone)]
pub struct Function(pub(crate) Arc<RefInner>);

handle_common!(
    Function,
    "let h = lua.load(\"return 1\").into_function().unwrap();"
);

impl Function {
    /// Call the function; a Lua error comes back as [`Error::Runtime`]
    /// with its traceback.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let f: luna::Function = lua.load("function(...) return select('#', ...), ... end").eval().unwrap();
    /// let (n, a, b): (i64, String, bool) = f.call(("s", true)).unwrap();
    /// assert_eq!((n, a.as_str(), b), (2, "s", true));
    /// ```
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(&self, args: A) -> Result<R> {
        let lua = &self.0.lua;
        // Held for the whole call: the locks taken inside are then
        // re-entrant ones, which cost no atomic operation.
        let _g = lua.inner.lock();
        let mut buf = lua.inner.take_call_buf();
        let r = args
            .push_values(lua, &mut buf)
            .and_then(|()| lua.call_in(self.0.raw(), &mut buf))
            .and_then(|()| R::from_lua_iter(&mut buf.drain(..), 0, lua));
        lua.inner.put_call_buf(buf);
        r
    }
}

/// A handle to a Lua string: bytes, not necessarily UTF-8.
///
/// ```
/// let lua = luna::Lua::new();
/// let s: luna::LuaString = lua.load("'caf\\u{E9}'").eval().unwrap();
/// assert_eq!(s.to_str().unwrap(), "café");
/// assert_eq!(s.to_bytes().len(), 5);
/// ```
#[derive(Clone)]
pub struct LuaString(pub(crate) Arc<RefInner>);

handle_common!(LuaString, "let h = lua.create_string(\"s\").unwrap();");

impl LuaString {
    fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        let _g = self.0.lua.inner.lock();
        match self.0.raw() {
            Raw::Str(s) => f(s.as_bytes()),
            _ => unreachable!("a LuaString handle holds a string"),
        }
    }

    /// A copy of the bytes.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// assert_eq!(lua.create_string("ab").unwrap().to_bytes(), b"ab");
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        self.with_bytes(<[u8]>::to_vec)
    }

    /// The string, if it is UTF-8.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// assert!(lua.create_string(b"\xff").unwrap().to_str().is_err());
    /// ```
    pub fn to_str(&self) -> Result<String> {
        self.with_bytes(|b| match std::str::from_utf8(b) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(Error::FromLua {
                from: "string",
                to: "string",
                message: Some(format!("invalid UTF-8: {e}")),
            }),
        })
    }

    /// The string with invalid UTF-8 replaced by U+FFFD.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// assert_eq!(lua.create_string(b"a\xff").unwrap().to_string_lossy(), "a\u{FFFD}");
    /// ```
    pub fn to_string_lossy(&self) -> String {
        self.with_bytes(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// Length in bytes.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// assert_eq!(lua.create_string("abc").unwrap().len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.with_bytes(<[u8]>::len)
    }

    /// Whether the string is empty.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// assert!(lua.create_string("").unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl PartialEq<str> for LuaString {
    fn eq(&self, other: &str) -> bool {
        self.with_bytes(|b| b == other.as_bytes())
    }
}

impl PartialEq<&str> for LuaString {
    fn eq(&self, other: &&str) -> bool {
        self.with_bytes(|b| b == other.as_bytes())
    }
}

/// A coroutine's status, as Rust sees it.
///
/// ```
/// let lua = luna::Lua::new();
/// let co: luna::Thread = lua.load("coroutine.create(function() end)").eval().unwrap();
/// assert_eq!(co.status(), luna::ThreadStatus::Resumable);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadStatus {
    /// Not started, or suspended in a yield: can be resumed.
    Resumable,
    /// Running (or resuming another coroutine).
    Running,
    /// Returned.
    Finished,
    /// Died with an error.
    Error,
}

/// A handle to a coroutine ([`Lua::create_thread`]).
///
/// ```
/// let lua = luna::Lua::new();
/// let co: luna::Thread = lua.load("coroutine.create(function() coroutine.yield(1) end)").eval().unwrap();
/// assert_eq!(co.resume::<_, i64>(()).unwrap(), 1);
/// assert_eq!(co.status(), luna::ThreadStatus::Resumable);
/// ```
#[derive(Clone)]
pub struct Thread(pub(crate) Arc<RefInner>);

handle_common!(
    Thread,
    "let h = lua.create_thread(lua.load(\"return\").into_function().unwrap()).unwrap();"
);

impl Thread {
    /// Resume the coroutine with `args`; returns what it yields or, at the
    /// end, returns. An error it dies with comes back as
    /// [`Error::Runtime`].
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let co: luna::Thread = lua.load("coroutine.create(function() error('x', 0) end)").eval().unwrap();
    /// assert_eq!(co.resume::<_, ()>(()).unwrap_err().message(), "x");
    /// assert_eq!(co.status(), luna::ThreadStatus::Error);
    /// ```
    pub fn resume<A: IntoLuaMulti, R: FromLuaMulti>(&self, args: A) -> Result<R> {
        let lua = &self.0.lua;
        let args = args.into_lua_multi(lua)?;
        let raws = lua.raws(&args)?;
        let Raw::Thread(co) = self.0.raw() else {
            unreachable!("a Thread handle holds a thread")
        };
        let r = lua.inner.with(|st, core| {
            let base = st.top();
            for &a in &raws {
                st.push(a);
            }
            // An error raised by the resume itself reports like one the
            // coroutine died of: its value, without a traceback.
            let resumed = crate::vm::coroutine::resume(st, co, raws.len());
            match resumed.map_err(|e| e.value).and_then(|r| r) {
                Ok(n) => {
                    let at = st.top() - n;
                    let vals: Vec<Raw> = st.th.stack.drain(at..).collect();
                    st.th.stack.truncate(base);
                    Ok(lua.values(core, st, vals))
                }
                Err(v) => {
                    st.th.stack.truncate(base);
                    Err(lua.runtime_error(core, st, crate::error::LuaError::new(v)))
                }
            }
        })?;
        drop(args);
        R::from_lua_multi(r, lua)
    }

    /// The coroutine's status.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let co = lua.create_thread(lua.load("return").into_function().unwrap()).unwrap();
    /// assert_eq!(co.status(), luna::ThreadStatus::Resumable);
    /// co.resume::<_, ()>(()).unwrap();
    /// assert_eq!(co.status(), luna::ThreadStatus::Finished);
    /// ```
    pub fn status(&self) -> ThreadStatus {
        let _g = self.0.lua.inner.lock();
        let Raw::Thread(co) = self.0.raw() else {
            unreachable!("a Thread handle holds a thread")
        };
        match co.status.get() {
            RawStatus::Suspended => ThreadStatus::Resumable,
            RawStatus::Running | RawStatus::Normal => ThreadStatus::Running,
            RawStatus::Dead if co.error.get().is_some() => ThreadStatus::Error,
            RawStatus::Dead => ThreadStatus::Finished,
        }
    }
}

/// A handle to a full userdata; see [`UserData`](super::UserData).
///
/// ```
/// struct Counter(u32);
/// impl luna::UserData for Counter {}
/// let lua = luna::Lua::new();
/// let ud = lua.create_userdata(Counter(1)).unwrap();
/// ud.borrow_mut::<Counter>().unwrap().0 += 1;
/// assert_eq!(ud.borrow::<Counter>().unwrap().0, 2);
/// ```
#[derive(Clone)]
pub struct AnyUserData(pub(crate) Arc<RefInner>);

handle_common!(
    AnyUserData,
    "# struct U; impl luna::UserData for U {}\nlet h = lua.create_userdata(U).unwrap();"
);

impl AnyUserData {
    /// Report the bytes the value holds outside Lua's heap (a buffer, a
    /// connection's resources): the collector counts them toward the
    /// heap's size, so that many such objects make it run sooner, and
    /// forgets them when the userdata is collected. Each call replaces the
    /// previous figure.
    ///
    /// ```
    /// struct Image(Vec<u8>);
    /// impl luna::UserData for Image {}
    /// let lua = luna::Lua::new();
    /// let before = lua.used_memory();
    /// let img = lua.create_userdata(Image(vec![0; 1 << 20])).unwrap();
    /// img.set_external_size(1 << 20);
    /// assert!(lua.used_memory() >= before + (1 << 20));
    /// ```
    pub fn set_external_size(&self, bytes: usize) {
        let lua = &self.0.lua;
        if let Raw::UserData(u) = self.0.raw() {
            lua.inner.with(|st, _| st.set_external_bytes(u, bytes));
        }
    }

    /// Whether the userdata holds a `T`.
    ///
    /// ```
    /// struct A;
    /// impl luna::UserData for A {}
    /// let lua = luna::Lua::new();
    /// let ud = lua.create_userdata(A).unwrap();
    /// assert!(ud.is::<A>());
    /// assert!(!ud.is::<String>());
    /// ```
    pub fn is<T: 'static>(&self) -> bool {
        let _g = self.0.lua.inner.lock();
        match self.0.raw() {
            Raw::UserData(ud) => ud.data.borrow().is::<super::sync::UdCell<T>>(),
            _ => false,
        }
    }

    /// Borrow the value shared; fails while it is borrowed mutably. The
    /// borrow holds the state's lock (other threads wait).
    ///
    /// ```
    /// struct A(i32);
    /// impl luna::UserData for A {}
    /// let lua = luna::Lua::new();
    /// let ud = lua.create_userdata(A(3)).unwrap();
    /// let a = ud.borrow::<A>().unwrap();
    /// let b = ud.borrow::<A>().unwrap();
    /// assert_eq!(a.0 + b.0, 6);
    /// assert!(ud.borrow_mut::<A>().is_err());
    /// ```
    pub fn borrow<T: 'static>(&self) -> Result<UserDataRef<'_, T>> {
        match borrow_ud::<T>(&self.0, false) {
            Ok((c, g)) => Ok(UserDataRef::new(c, g)),
            Err(e) => Err(borrow_error::<T>(e)),
        }
    }

    /// Borrow the value mutably; fails while it is borrowed at all (from
    /// Lua, a second mutable borrow is a Lua error, not a panic).
    ///
    /// ```
    /// struct A(i32);
    /// impl luna::UserData for A {}
    /// let lua = luna::Lua::new();
    /// let ud = lua.create_userdata(A(3)).unwrap();
    /// ud.borrow_mut::<A>().unwrap().0 = 4;
    /// assert_eq!(ud.borrow::<A>().unwrap().0, 4);
    /// ```
    pub fn borrow_mut<T: 'static>(&self) -> Result<UserDataRefMut<'_, T>> {
        match borrow_ud::<T>(&self.0, true) {
            Ok((c, g)) => Ok(UserDataRefMut::new(c, g)),
            Err(e) => Err(borrow_error::<T>(e)),
        }
    }
}

pub(crate) fn borrow_error<T>(e: BorrowFail) -> Error {
    match e {
        BorrowFail::Borrowed => Error::Borrowed,
        BorrowFail::WrongType | BorrowFail::NotUserData => {
            Error::UserDataType(super::userdata::short_type_name::<T>())
        }
    }
}

impl MultiValue {
    /// Convert all values to `T`s.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let m: luna::MultiValue = lua.load("return 1, 2").eval().unwrap();
    /// assert_eq!(m.into_typed::<i64>(&lua).unwrap(), vec![1, 2]);
    /// ```
    pub fn into_typed<T: FromLua>(self, lua: &Lua) -> Result<Vec<T>> {
        self.into_iter().map(|v| T::from_lua(v, lua)).collect()
    }
}
