//! Rust types as Lua userdata: [`UserData`], with methods, fields and
//! metamethods registered through [`UserDataMethods`] and
//! [`UserDataFields`].
//!
//! Each type gets one metatable per state, built the first time a value of
//! it is made. Its `__index` finds a field getter, then a method, then the
//! type's own `__index` metamethod if it has one; `__newindex` finds a
//! field setter, then the type's `__newindex`. `__name` is the type's name
//! (so argument errors say `MyType expected, got string`). Values are
//! borrowed for each call: a method that takes `&mut self` while the value
//! is already borrowed raises a Lua error, never a panic. The value's size
//! counts toward the collector's heap size.

use std::any::TypeId;
use std::cell::RefCell;
use std::collections::HashMap;

use super::callback::Callback;
use super::conv::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti};
use super::error::{Error, Result};
use super::lua::Lua;
use super::sync::{RefInner, UdCell};
use super::value::Value;
use super::{AnyUserData, Function, Table};
use crate::object::UserData as RawUserData;
use crate::value::Value as Raw;

/// A Rust type usable as a Lua value. Values must be `Send` (the state may
/// move between threads) and `'static`.
///
/// ```
/// use luna::{UserData, UserDataMethods, UserDataFields, MetaMethod};
/// struct Vec2 { x: f64, y: f64 }
/// impl UserData for Vec2 {
///     fn add_fields<F: UserDataFields<Self>>(f: &mut F) {
///         f.add_field_method_get("x", |_, v| Ok(v.x));
///         f.add_field_method_set("x", |_, v, x: f64| { v.x = x; Ok(()) });
///     }
///     fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
///         m.add_method("len", |_, v, ()| Ok((v.x * v.x + v.y * v.y).sqrt()));
///         m.add_method_mut("scale", |_, v, k: f64| { v.x *= k; v.y *= k; Ok(()) });
///         m.add_meta_method(MetaMethod::ToString, |_, v, ()| Ok(format!("({}, {})", v.x, v.y)));
///     }
/// }
/// let lua = luna::Lua::new();
/// lua.globals().set("v", Vec2 { x: 3.0, y: 4.0 }).unwrap();
/// assert_eq!(lua.load("v:len()").eval::<f64>().unwrap(), 5.0);
/// lua.load("v:scale(2); v.x = v.x + 1").exec().unwrap();
/// assert_eq!(lua.load("tostring(v)").eval::<String>().unwrap(), "(7, 8)");
/// ```
pub trait UserData: Send + Sized + 'static {
    /// Register fields (`obj.name`, `obj.name = v`).
    #[allow(unused_variables)]
    fn add_fields<F: UserDataFields<Self>>(fields: &mut F) {}

    /// Register methods (`obj:name(...)`), functions and metamethods.
    #[allow(unused_variables)]
    fn add_methods<M: UserDataMethods<Self>>(methods: &mut M) {}
}

/// Metamethod names, for [`UserDataMethods::add_meta_method`] (a plain
/// `"__name"` string works too).
///
/// ```
/// assert_eq!(luna::MetaMethod::Add.name(), "__add");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetaMethod {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// unary `-`
    Unm,
    /// `//`
    IDiv,
    /// `&`
    BAnd,
    /// `|`
    BOr,
    /// `~`
    BXor,
    /// unary `~`
    BNot,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `..`
    Concat,
    /// `#`
    Len,
    /// `==`
    Eq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `obj[k]` when no field or method matched.
    Index,
    /// `obj[k] = v` when no field setter matched.
    NewIndex,
    /// `obj(...)`
    Call,
    /// `tostring(obj)`
    ToString,
    /// a to-be-closed variable going out of scope
    Close,
}

impl MetaMethod {
    /// The metatable key (`"__add"`).
    ///
    /// ```
    /// assert_eq!(luna::MetaMethod::ToString.name(), "__tostring");
    /// ```
    pub fn name(self) -> &'static str {
        use MetaMethod::*;
        match self {
            Add => "__add",
            Sub => "__sub",
            Mul => "__mul",
            Div => "__div",
            Mod => "__mod",
            Pow => "__pow",
            Unm => "__unm",
            IDiv => "__idiv",
            BAnd => "__band",
            BOr => "__bor",
            BXor => "__bxor",
            BNot => "__bnot",
            Shl => "__shl",
            Shr => "__shr",
            Concat => "__concat",
            Len => "__len",
            Eq => "__eq",
            Lt => "__lt",
            Le => "__le",
            Index => "__index",
            NewIndex => "__newindex",
            Call => "__call",
            ToString => "__tostring",
            Close => "__close",
        }
    }
}

impl From<MetaMethod> for String {
    fn from(m: MetaMethod) -> String {
        m.name().to_string()
    }
}

/// Where [`UserData::add_methods`] registers methods and metamethods.
///
/// ```
/// struct Stack(Vec<i64>);
/// impl luna::UserData for Stack {
///     fn add_methods<M: luna::UserDataMethods<Self>>(m: &mut M) {
///         m.add_function("new", |_, ()| Ok(Stack(Vec::new())));
///         m.add_method_mut("push", |_, s, v: i64| { s.0.push(v); Ok(()) });
///         m.add_method("size", |_, s, ()| Ok(s.0.len()));
///     }
/// }
/// let lua = luna::Lua::new();
/// lua.globals().set("s", Stack(vec![])).unwrap();
/// assert_eq!(lua.load("s:push(1) s:push(2) return s:size()").eval::<usize>().unwrap(), 2);
/// ```
pub trait UserDataMethods<T> {
    /// `obj:name(args)` with `&T`.
    fn add_method<A, R, M>(&mut self, name: impl Into<String>, method: M)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        M: Fn(&Lua, &T, A) -> Result<R> + Send + 'static;

    /// `obj:name(args)` with `&mut T`.
    fn add_method_mut<A, R, M>(&mut self, name: impl Into<String>, method: M)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        M: FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static;

    /// `obj.name(args)`: a plain function in the method table.
    fn add_function<A, R, F>(&mut self, name: impl Into<String>, function: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, A) -> Result<R> + Send + 'static;

    /// A metamethod with `&T` as the first operand.
    fn add_meta_method<A, R, M>(&mut self, name: impl Into<String>, method: M)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        M: Fn(&Lua, &T, A) -> Result<R> + Send + 'static;

    /// A metamethod with `&mut T` as the first operand.
    fn add_meta_method_mut<A, R, M>(&mut self, name: impl Into<String>, method: M)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        M: FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static;

    /// A metamethod taking all operands as arguments (for operators whose
    /// first operand may be another type, e.g. `2 * v`).
    fn add_meta_function<A, R, F>(&mut self, name: impl Into<String>, function: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, A) -> Result<R> + Send + 'static;
}

/// Where [`UserData::add_fields`] registers fields.
///
/// ```
/// struct P { hp: i64 }
/// impl luna::UserData for P {
///     fn add_fields<F: luna::UserDataFields<Self>>(f: &mut F) {
///         f.add_field_method_get("hp", |_, p| Ok(p.hp));
///         f.add_field_method_set("hp", |_, p, v: i64| { p.hp = v.max(0); Ok(()) });
///     }
/// }
/// let lua = luna::Lua::new();
/// lua.globals().set("p", P { hp: 5 }).unwrap();
/// assert_eq!(lua.load("p.hp = p.hp - 10 return p.hp").eval::<i64>().unwrap(), 0);
/// ```
pub trait UserDataFields<T> {
    /// `obj.name` reads through `getter`.
    fn add_field_method_get<R, M>(&mut self, name: impl Into<String>, getter: M)
    where
        R: IntoLua,
        M: Fn(&Lua, &T) -> Result<R> + Send + 'static;

    /// `obj.name = v` writes through `setter`.
    fn add_field_method_set<A, M>(&mut self, name: impl Into<String>, setter: M)
    where
        A: FromLua,
        M: FnMut(&Lua, &mut T, A) -> Result<()> + Send + 'static;
}

/// What a type registers; turned into its metatable.
struct Registry<T> {
    methods: Vec<(String, Callback)>,
    meta: Vec<(String, Callback)>,
    getters: Vec<(String, Callback)>,
    setters: Vec<(String, Callback)>,
    _p: std::marker::PhantomData<fn(T)>,
}

/// `self` of a method call: the userdata in argument 1.
fn this(args: &mut impl Iterator<Item = Value>) -> Result<AnyUserData> {
    match args.next().unwrap_or(Value::Nil) {
        Value::UserData(u) => Ok(u),
        v => Err(Error::BadArgument {
            pos: 1,
            cause: Box::new(Error::FromLua {
                from: v.type_name(),
                to: "userdata",
                message: None,
            }),
        }),
    }
}

fn method<T: 'static, A: FromLuaMulti, R: IntoLuaMulti>(
    m: impl Fn(&Lua, &T, A) -> Result<R> + Send + 'static,
) -> Callback {
    Box::new(move |lua, args, out| {
        let mut args = args.drain(..);
        let ud = this(&mut args)?;
        let a = A::from_lua_iter(&mut args, 2, lua)?;
        drop(args);
        let r = {
            let v = ud.borrow::<T>().map_err(|e| self_error::<T>(e))?;
            m(lua, &v, a)?
        };
        r.push_values(lua, out)
    })
}

fn method_mut<T: 'static, A: FromLuaMulti, R: IntoLuaMulti>(
    m: impl FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static,
) -> Callback {
    let m = RefCell::new(m);
    Box::new(move |lua, args, out| {
        let mut args = args.drain(..);
        let ud = this(&mut args)?;
        let a = A::from_lua_iter(&mut args, 2, lua)?;
        drop(args);
        let r = {
            let mut v = ud.borrow_mut::<T>().map_err(|e| self_error::<T>(e))?;
            let mut m = m.try_borrow_mut().map_err(|_| Error::RecursiveCallback)?;
            m(lua, &mut v, a)?
        };
        r.push_values(lua, out)
    })
}

/// A failed borrow of `self`: a wrong type is a bad argument #1.
fn self_error<T>(e: Error) -> Error {
    match e {
        Error::UserDataType(_) => Error::BadArgument {
            pos: 1,
            cause: Box::new(Error::FromLua {
                from: "userdata",
                to: short_type_name::<T>(),
                message: None,
            }),
        },
        e => e,
    }
}

fn function<A: FromLuaMulti, R: IntoLuaMulti>(
    f: impl Fn(&Lua, A) -> Result<R> + Send + 'static,
) -> Callback {
    Box::new(move |lua, args, out| {
        f(lua, A::from_lua_iter(&mut args.drain(..), 1, lua)?)?.push_values(lua, out)
    })
}

impl<T: 'static> UserDataMethods<T> for Registry<T> {
    fn add_method<A, R, M>(&mut self, name: impl Into<String>, m: M)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        M: Fn(&Lua, &T, A) -> Result<R> + Send + 'static,
    {
        self.methods.push((name.into(), method(m)));
    }
    fn add_method_mut<A, R, M>(&mut self, name: impl Into<String>, m: M)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        M: FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static,
    {
        self.methods.push((name.into(), method_mut(m)));
    }
    fn add_function<A, R, F>(&mut self, name: impl Into<String>, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, A) -> Result<R> + Send + 'static,
    {
        self.methods.push((name.into(), function(f)));
    }
    fn add_meta_method<A, R, M>(&mut self, name: impl Into<String>, m: M)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        M: Fn(&Lua, &T, A) -> Result<R> + Send + 'static,
    {
        self.meta.push((name.into(), method(m)));
    }
    fn add_meta_method_mut<A, R, M>(&mut self, name: impl Into<String>, m: M)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        M: FnMut(&Lua, &mut T, A) -> Result<R> + Send + 'static,
    {
        self.meta.push((name.into(), method_mut(m)));
    }
    fn add_meta_function<A, R, F>(&mut self, name: impl Into<String>, f: F)
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, A) -> Result<R> + Send + 'static,
    {
        self.meta.push((name.into(), function(f)));
    }
}

impl<T: 'static> UserDataFields<T> for Registry<T> {
    fn add_field_method_get<R, M>(&mut self, name: impl Into<String>, getter: M)
    where
        R: IntoLua,
        M: Fn(&Lua, &T) -> Result<R> + Send + 'static,
    {
        self.getters
            .push((name.into(), method(move |lua, t: &T, ()| getter(lua, t))));
    }
    fn add_field_method_set<A, M>(&mut self, name: impl Into<String>, mut setter: M)
    where
        A: FromLua,
        M: FnMut(&Lua, &mut T, A) -> Result<()> + Send + 'static,
    {
        let name = name.into();
        let field = name.clone();
        let set = method_mut(move |lua, t: &mut T, a: A| setter(lua, t, a));
        // A value that does not convert is the field's error, not an
        // argument's.
        let set: Callback = Box::new(move |lua, args, out| match set(lua, args, out) {
            Err(Error::BadArgument { pos: 2, cause }) => Err(Error::new(format!(
                "bad value for field '{field}' ({cause})"
            ))),
            r => r,
        });
        self.setters.push((name, set));
    }
}

/// The last segment of `T`'s path (`Vec2` for `my_crate::geo::Vec2`).
pub(crate) fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    match base.rfind("::") {
        Some(i) => &full[i + 2..],
        None => full,
    }
}

/// The dispatchers' chunk name (errors raised in it are reported at its
/// caller's position).
pub(crate) const DISPATCH_CHUNK: &str = "[luna userdata]";

/// The `__index`/`__newindex` dispatchers, in Lua: fields first, then
/// methods, then the type's own metamethod.
const DISPATCH: &str = r#"
local methods, getters, setters, index, newindex, nofield, error = ...
local function get(self, key)
  local g = getters[key]
  if g ~= nil then return g(self) end
  local m = methods[key]
  if m ~= nil then return m end
  if index ~= nil then
    if type(index) == "function" then return index(self, key) end
    return index[key]
  end
  return nil
end
local function set(self, key, value)
  local s = setters[key]
  if s ~= nil then return s(self, value) end
  if newindex ~= nil then
    if type(newindex) == "function" then return newindex(self, key, value) end
    newindex[key] = value
    return
  end
  -- `error(msg, 2)` names the line that assigned, not this one.
  if error ~= nil then error(nofield(self, key), 2) end
  return nofield(self, key, true)
end
return get, set
"#;

impl Lua {
    /// A userdata holding `value`, with `T`'s methods, fields and
    /// metamethods. (`T` also converts with [`IntoLua`] directly.)
    ///
    /// ```
    /// struct Token(String);
    /// impl luna::UserData for Token {
    ///     fn add_methods<M: luna::UserDataMethods<Self>>(m: &mut M) {
    ///         m.add_method("text", |_, t, ()| Ok(t.0.clone()));
    ///     }
    /// }
    /// let lua = luna::Lua::new();
    /// let ud = lua.create_userdata(Token("x".into())).unwrap();
    /// lua.globals().set("tok", ud).unwrap();
    /// assert_eq!(lua.load("tok:text()").eval::<String>().unwrap(), "x");
    /// ```
    pub fn create_userdata<T: UserData>(&self, value: T) -> Result<AnyUserData> {
        let mt = self.userdata_metatable::<T>()?;
        let mt = mt.gc();
        Ok(self.inner.with(|st, core| {
            let ud = st
                .heap
                .alloc(RawUserData::new(Some(mt), Box::new(UdCell::new(value))));
            AnyUserData(RefInner::new(&self.inner, core, st, Raw::UserData(ud)))
        }))
    }

    /// `T`'s metatable in this state, built on first use.
    fn userdata_metatable<T: UserData>(&self) -> Result<Table> {
        let id = TypeId::of::<T>();
        let known = self.inner.with(|st, core| {
            let v = core.ud_metas.borrow().get(&id).copied();
            v.map(|v| Value::from_raw(&self.inner, core, st, v))
        });
        if let Some(Value::Table(t)) = known {
            return Ok(t);
        }
        let mut reg = Registry::<T> {
            methods: Vec::new(),
            meta: Vec::new(),
            getters: Vec::new(),
            setters: Vec::new(),
            _p: std::marker::PhantomData,
        };
        T::add_fields(&mut reg);
        T::add_methods(&mut reg);
        let mt = self.create_table()?;
        let mut user_meta: HashMap<String, Function> = HashMap::new();
        for (name, cb) in reg.meta {
            user_meta.insert(name, self.create_callback(cb)?);
        }
        let index = user_meta.remove("__index");
        let newindex = user_meta.remove("__newindex");
        for (name, f) in user_meta {
            mt.raw_set(name, f)?;
        }
        let methods = self.create_table()?;
        for (name, cb) in reg.methods {
            methods.raw_set(name, self.create_callback(cb)?)?;
        }
        if reg.getters.is_empty() && reg.setters.is_empty() && index.is_none() {
            mt.raw_set("__index", methods)?;
            if let Some(n) = newindex {
                mt.raw_set("__newindex", n)?;
            }
        } else {
            let getters = self.create_table()?;
            for (name, cb) in reg.getters {
                getters.raw_set(name, self.create_callback(cb)?)?;
            }
            let setters = self.create_table()?;
            for (name, cb) in reg.setters {
                setters.raw_set(name, self.create_callback(cb)?)?;
            }
            let tname = short_type_name::<T>();
            let nofield = self.create_function(
                move |_, (_, key, raise): (Value, Value, bool)| -> Result<String> {
                    let k = match &key {
                        Value::String(s) => s.to_string_lossy(),
                        v => v.type_name().to_string(),
                    };
                    let m = format!("{tname} has no field '{k}' to set");
                    if raise { Err(Error::new(m)) } else { Ok(m) }
                },
            )?;
            // The real `error`, as the libraries left it (absent in a bare
            // state: then the message has the dispatcher's position).
            let error: Value = self.globals().raw_get("error")?;
            let (get, set): (Function, Function) = self
                .load(DISPATCH)
                .set_name(format!("={DISPATCH_CHUNK}"))
                .call((methods, getters, setters, index, newindex, nofield, error))?;
            mt.raw_set("__index", get)?;
            mt.raw_set("__newindex", set)?;
        }
        mt.raw_set("__name", short_type_name::<T>())?;
        let raw = Value::Table(mt.clone()).to_raw(&self.inner)?;
        self.inner.with(|st, core| {
            // A permanent root: the slot is never released.
            core.root(st, raw);
            core.ud_metas.borrow_mut().insert(id, raw);
        });
        Ok(mt)
    }
}

impl<T: UserData> IntoLua for T {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::UserData(lua.create_userdata(self)?))
    }
}

impl<T: UserData + Clone> FromLua for UserDataClone<T> {
    fn from_lua(v: Value, _: &Lua) -> Result<UserDataClone<T>> {
        match v {
            Value::UserData(u) => Ok(UserDataClone(u.borrow::<T>()?.clone())),
            v => Err(Error::FromLua {
                from: v.type_name(),
                to: short_type_name::<T>(),
                message: None,
            }),
        }
    }
}

/// Convert a userdata argument to a clone of its value (for `Clone` types):
/// `|_, UserDataClone(v): UserDataClone<Vec2>| ...`.
///
/// ```
/// #[derive(Clone)]
/// struct P(i32);
/// impl luna::UserData for P {}
/// let lua = luna::Lua::new();
/// let f = lua.create_function(|_, luna::UserDataClone(p): luna::UserDataClone<P>| Ok(p.0)).unwrap();
/// assert_eq!(f.call::<_, i32>(P(7)).unwrap(), 7);
/// let e = lua.load("f(1)").set_name("=m");
/// lua.globals().set("f", f).unwrap();
/// assert_eq!(e.exec().unwrap_err().message(), "m:1: bad argument #1 to 'f' (P expected, got number)");
/// ```
#[derive(Clone, Debug)]
pub struct UserDataClone<T>(pub T);
