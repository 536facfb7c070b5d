//! Conversions between Rust and Lua values: [`IntoLua`], [`FromLua`], and
//! for several values [`IntoLuaMulti`], [`FromLuaMulti`].
//!
//! Numbers follow Lua's rules: an integer type accepts an integer, a float
//! with an exact integer value, or a string that converts to one; a value
//! outside the type's range is an error ("number has no integer
//! representation" for a float, "value out of range" for an integer too
//! big for the type), never a silent truncation. Strings accept numbers
//! (converted as `tostring` does), as `luaL_checklstring` does.
//!
//! Byte strings: `Vec<T>` is a sequence (a table), so bytes go through
//! `&[u8]` (into Lua), [`BString`] (both ways) or [`LuaString`].

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use super::error::{Error, Result};
use super::lua::Lua;
use super::value::{MultiValue, Value, Variadic};
use super::{AnyUserData, Function, LuaString, Table, Thread};
use crate::value::Value as Raw;

/// A Rust value that can become a Lua value.
///
/// ```
/// use luna::IntoLua;
/// let lua = luna::Lua::new();
/// let v = "hi".into_lua(&lua).unwrap();
/// assert_eq!(v.type_name(), "string");
/// ```
pub trait IntoLua: Sized {
    /// Convert.
    fn into_lua(self, lua: &Lua) -> Result<Value>;
}

/// A Rust value that can be made from a Lua value.
///
/// ```
/// use luna::FromLua;
/// let lua = luna::Lua::new();
/// let n = i32::from_lua(luna::Value::Number(4.0), &lua).unwrap();
/// assert_eq!(n, 4);
/// ```
pub trait FromLua: Sized {
    /// Convert.
    fn from_lua(value: Value, lua: &Lua) -> Result<Self>;
}

/// Rust values that become several Lua values (arguments, results): a
/// tuple, `()`, [`MultiValue`], [`Variadic`], or any [`IntoLua`] (one
/// value).
///
/// ```
/// use luna::IntoLuaMulti;
/// let lua = luna::Lua::new();
/// assert_eq!((1, "a", true).into_lua_multi(&lua).unwrap().len(), 3);
/// ```
pub trait IntoLuaMulti: Sized {
    /// Convert.
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue>;

    /// Convert, appending to `out` (what calls use: no list is built for
    /// one value or a tuple).
    #[doc(hidden)]
    fn push_values(self, lua: &Lua, out: &mut Vec<Value>) -> Result<()> {
        out.extend(self.into_lua_multi(lua)?.0);
        Ok(())
    }
}

/// Rust values made from several Lua values: missing values are nil,
/// extra ones are ignored (except by [`Variadic`] and [`MultiValue`]).
///
/// ```
/// use luna::FromLuaMulti;
/// let lua = luna::Lua::new();
/// let m = luna::MultiValue::from(vec![luna::Value::Integer(1)]);
/// let (a, b) = <(i64, Option<i64>)>::from_lua_multi(m, &lua).unwrap();
/// assert_eq!((a, b), (1, None));
/// ```
pub trait FromLuaMulti: Sized {
    /// Convert.
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self>;

    /// Convert the arguments of a call, the first being argument number
    /// `pos`: an error is an [`Error::BadArgument`] naming the argument.
    ///
    /// ```
    /// use luna::FromLuaMulti;
    /// let lua = luna::Lua::new();
    /// let m = luna::MultiValue::from(vec![luna::Value::Integer(1), luna::Value::Nil]);
    /// let e = <(i64, String)>::from_lua_args(m, 1, &lua).unwrap_err();
    /// assert!(matches!(e, luna::Error::BadArgument { pos: 2, .. }));
    /// ```
    fn from_lua_args(values: MultiValue, pos: usize, lua: &Lua) -> Result<Self> {
        Self::from_lua_multi(values, lua).map_err(|e| bad_arg(pos, e))
    }

    /// [`FromLuaMulti::from_lua_args`] taking the values from an iterator
    /// (what Rust functions use: no list is built for one value or a
    /// tuple); `pos` 0: not arguments ([`FromLuaMulti::from_lua_multi`]'s
    /// errors).
    #[doc(hidden)]
    fn from_lua_iter<I: Iterator<Item = Value>>(it: &mut I, pos: usize, lua: &Lua) -> Result<Self> {
        let values = MultiValue(it.collect());
        if pos == 0 {
            Self::from_lua_multi(values, lua)
        } else {
            Self::from_lua_args(values, pos, lua)
        }
    }
}

/// `e` as the error of argument `pos` (0: not an argument, `e` as is).
pub(crate) fn bad_arg(pos: usize, e: Error) -> Error {
    match e {
        e if pos == 0 => e,
        e @ Error::BadArgument { .. } => e,
        e => Error::BadArgument {
            pos,
            cause: Box::new(e),
        },
    }
}

fn type_err(v: &Value, to: &'static str) -> Error {
    Error::FromLua {
        from: v.type_name(),
        to,
        message: None,
    }
}

// ---------------------------------------------------------------------
// Single values

impl IntoLua for Value {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(self)
    }
}
impl FromLua for Value {
    fn from_lua(v: Value, _: &Lua) -> Result<Value> {
        Ok(v)
    }
}

impl IntoLua for &Value {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(self.clone())
    }
}

macro_rules! handle_conv {
    ($t:ident, $variant:ident, $name:literal) => {
        impl IntoLua for $t {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::$variant(self))
            }
        }
        impl IntoLua for &$t {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::$variant(self.clone()))
            }
        }
        impl FromLua for $t {
            fn from_lua(v: Value, _: &Lua) -> Result<$t> {
                match v {
                    Value::$variant(h) => Ok(h),
                    v => Err(type_err(&v, $name)),
                }
            }
        }
    };
}
handle_conv!(Table, Table, "table");
handle_conv!(Function, Function, "function");
handle_conv!(Thread, Thread, "thread");
handle_conv!(AnyUserData, UserData, "userdata");

impl IntoLua for LuaString {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::String(self))
    }
}
impl IntoLua for &LuaString {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::String(self.clone()))
    }
}
/// Strings, and numbers converted to strings (as `luaL_checklstring`).
impl FromLua for LuaString {
    fn from_lua(v: Value, lua: &Lua) -> Result<LuaString> {
        match v {
            Value::String(s) => Ok(s),
            Value::Integer(_) | Value::Number(_) => {
                let raw = v.to_raw(&lua.inner)?;
                let mut b = Vec::new();
                crate::vm::ops::append_plain(&mut b, raw);
                lua.create_string(b)
            }
            v => Err(type_err(&v, "string")),
        }
    }
}

impl IntoLua for bool {
    fn into_lua(self, _: &Lua) -> Result<Value> {
        Ok(Value::Boolean(self))
    }
}
/// Lua's truth: `nil` and `false` are false, everything else true.
impl FromLua for bool {
    fn from_lua(v: Value, _: &Lua) -> Result<bool> {
        Ok(v.is_truthy())
    }
}

/// A number, or a string convertible to one (Lua's coercion).
fn to_number(v: &Value) -> Option<Raw> {
    match v {
        Value::Integer(i) => Some(Raw::Int(*i)),
        Value::Number(f) => Some(Raw::Float(*f)),
        Value::String(s) => {
            let _g = s.0.lua.inner.lock();
            crate::vm::ops::to_number(s.0.raw())
        }
        _ => None,
    }
}

fn out_of_range(v: &Value, to: &'static str) -> Error {
    Error::FromLua {
        from: v.type_name(),
        to,
        message: Some("value out of range".into()),
    }
}

fn no_int_rep(v: &Value, to: &'static str) -> Error {
    Error::FromLua {
        from: v.type_name(),
        to,
        message: Some("number has no integer representation".into()),
    }
}

/// The value as an integer (`i128` so that every Rust integer type's range
/// fits), by Lua's rules.
fn to_i128(v: &Value, to: &'static str) -> Result<i128> {
    match to_number(v) {
        Some(Raw::Int(i)) => Ok(i128::from(i)),
        Some(Raw::Float(f)) => {
            // Exact integers only; 2^127 and beyond are out of every range.
            if f.fract() == 0.0 && f.abs() < 1.7e38 {
                Ok(f as i128)
            } else {
                Err(no_int_rep(v, to))
            }
        }
        _ => Err(type_err(v, "number")),
    }
}

macro_rules! int_conv {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                match i64::try_from(self) {
                    Ok(i) => Ok(Value::Integer(i)),
                    // Beyond i64 (u64, u128, i128): a float, as Lua would.
                    Err(_) => Ok(Value::Number(self as f64)),
                }
            }
        }
        impl FromLua for $t {
            #[inline]
            fn from_lua(v: Value, _: &Lua) -> Result<$t> {
                if let Value::Integer(i) = v
                    && let Ok(n) = <$t>::try_from(i)
                {
                    return Ok(n);
                }
                let i = to_i128(&v, stringify!($t))?;
                <$t>::try_from(i).map_err(|_| match v {
                    Value::Number(_) if i64::try_from(i).is_err() => no_int_rep(&v, stringify!($t)),
                    _ => out_of_range(&v, stringify!($t)),
                })
            }
        }
    )*};
}
int_conv!(
    i8, u8, i16, u16, i32, u32, i64, u64, i128, u128, isize, usize
);

macro_rules! float_conv {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            fn into_lua(self, _: &Lua) -> Result<Value> {
                Ok(Value::Number(self as f64))
            }
        }
        impl FromLua for $t {
            fn from_lua(v: Value, _: &Lua) -> Result<$t> {
                match to_number(&v) {
                    Some(Raw::Int(i)) => Ok(i as $t),
                    Some(Raw::Float(f)) => Ok(f as $t),
                    _ => Err(type_err(&v, "number")),
                }
            }
        }
    )*};
}
float_conv!(f32, f64);

impl IntoLua for &str {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::String(lua.create_string(self)?))
    }
}
impl IntoLua for String {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::String(lua.create_string(self)?))
    }
}
impl IntoLua for &String {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::String(lua.create_string(self)?))
    }
}
impl IntoLua for std::borrow::Cow<'_, str> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::String(lua.create_string(self.as_bytes())?))
    }
}
/// UTF-8 strings, and numbers converted as `tostring` does.
impl FromLua for String {
    fn from_lua(v: Value, lua: &Lua) -> Result<String> {
        LuaString::from_lua(v, lua)?.to_str()
    }
}
impl IntoLua for &[u8] {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::String(lua.create_string(self)?))
    }
}
impl<const N: usize> IntoLua for &[u8; N] {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::String(lua.create_string(self)?))
    }
}
impl IntoLua for char {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        let mut b = [0; 4];
        Ok(Value::String(lua.create_string(self.encode_utf8(&mut b))?))
    }
}

/// A byte string: Lua strings as `Vec<u8>` (a plain `Vec<u8>` converts as
/// a sequence of numbers, like every `Vec<T>`).
///
/// ```
/// use luna::BString;
/// let lua = luna::Lua::new();
/// let b: BString = lua.load("'\\xff\\0'").eval().unwrap();
/// assert_eq!(b.0, vec![0xff, 0]);
/// lua.globals().set("b", BString(vec![104, 105])).unwrap();
/// assert_eq!(lua.load("b").eval::<String>().unwrap(), "hi");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BString(pub Vec<u8>);

impl From<Vec<u8>> for BString {
    fn from(v: Vec<u8>) -> BString {
        BString(v)
    }
}
impl From<BString> for Vec<u8> {
    fn from(b: BString) -> Vec<u8> {
        b.0
    }
}
impl std::ops::Deref for BString {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}
impl IntoLua for BString {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::String(lua.create_string(self.0)?))
    }
}
impl FromLua for BString {
    fn from_lua(v: Value, lua: &Lua) -> Result<BString> {
        Ok(BString(LuaString::from_lua(v, lua)?.to_bytes()))
    }
}

impl<T: IntoLua> IntoLua for Option<T> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        match self {
            Some(v) => v.into_lua(lua),
            None => Ok(Value::Nil),
        }
    }
}
/// `nil` is `None`.
impl<T: FromLua> FromLua for Option<T> {
    fn from_lua(v: Value, lua: &Lua) -> Result<Option<T>> {
        match v {
            Value::Nil => Ok(None),
            v => T::from_lua(v, lua).map(Some),
        }
    }
}

impl<T: IntoLua> IntoLua for Vec<T> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(lua.create_sequence_from(self)?))
    }
}
impl<T: IntoLua, const N: usize> IntoLua for [T; N] {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(lua.create_sequence_from(self)?))
    }
}
/// A table's sequence `t[1]..t[#t]` (raw).
impl<T: FromLua> FromLua for Vec<T> {
    fn from_lua(v: Value, lua: &Lua) -> Result<Vec<T>> {
        match v {
            Value::Table(t) => {
                let n = t.raw_len();
                let mut out = Vec::with_capacity(n);
                for i in 1..=n {
                    out.push(T::from_lua(t.raw_get(i as i64)?, lua)?);
                }
                Ok(out)
            }
            v => Err(type_err(&v, "table")),
        }
    }
}

impl<K: IntoLua, V: IntoLua, S> IntoLua for HashMap<K, V, S> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(lua.create_table_from(self)?))
    }
}
impl<K: FromLua + Eq + Hash, V: FromLua, S: BuildHasher + Default> FromLua for HashMap<K, V, S> {
    fn from_lua(v: Value, _: &Lua) -> Result<HashMap<K, V, S>> {
        match v {
            Value::Table(t) => t.pairs::<K, V>().collect(),
            v => Err(type_err(&v, "table")),
        }
    }
}
impl<K: IntoLua, V: IntoLua> IntoLua for BTreeMap<K, V> {
    fn into_lua(self, lua: &Lua) -> Result<Value> {
        Ok(Value::Table(lua.create_table_from(self)?))
    }
}
impl<K: FromLua + Ord, V: FromLua> FromLua for BTreeMap<K, V> {
    fn from_lua(v: Value, _: &Lua) -> Result<BTreeMap<K, V>> {
        match v {
            Value::Table(t) => t.pairs::<K, V>().collect(),
            v => Err(type_err(&v, "table")),
        }
    }
}

// ---------------------------------------------------------------------
// Several values

impl<T: IntoLua> IntoLuaMulti for T {
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        Ok(MultiValue(vec![self.into_lua(lua)?]))
    }
    #[inline]
    fn push_values(self, lua: &Lua, out: &mut Vec<Value>) -> Result<()> {
        out.push(self.into_lua(lua)?);
        Ok(())
    }
}
impl<T: FromLua> FromLuaMulti for T {
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<T> {
        let v = values.0.into_iter().next().unwrap_or(Value::Nil);
        T::from_lua(v, lua)
    }
    #[inline]
    fn from_lua_iter<I: Iterator<Item = Value>>(it: &mut I, pos: usize, lua: &Lua) -> Result<T> {
        T::from_lua(it.next().unwrap_or(Value::Nil), lua).map_err(|e| bad_arg(pos, e))
    }
}

impl IntoLuaMulti for MultiValue {
    fn into_lua_multi(self, _: &Lua) -> Result<MultiValue> {
        Ok(self)
    }
}
impl FromLuaMulti for MultiValue {
    fn from_lua_multi(values: MultiValue, _: &Lua) -> Result<MultiValue> {
        Ok(values)
    }
}

impl<T: IntoLua> IntoLuaMulti for Variadic<T> {
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        self.0.into_iter().map(|v| v.into_lua(lua)).collect()
    }
}
impl<T: FromLua> FromLuaMulti for Variadic<T> {
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Variadic<T>> {
        values.0.into_iter().map(|v| T::from_lua(v, lua)).collect()
    }
    fn from_lua_args(values: MultiValue, pos: usize, lua: &Lua) -> Result<Variadic<T>> {
        values
            .0
            .into_iter()
            .enumerate()
            .map(|(i, v)| T::from_lua(v, lua).map_err(|e| bad_arg(pos + i, e)))
            .collect()
    }
}

impl IntoLuaMulti for () {
    fn into_lua_multi(self, _: &Lua) -> Result<MultiValue> {
        Ok(MultiValue::new())
    }
    #[inline]
    fn push_values(self, _: &Lua, _: &mut Vec<Value>) -> Result<()> {
        Ok(())
    }
}
impl FromLuaMulti for () {
    fn from_lua_multi(_: MultiValue, _: &Lua) -> Result<()> {
        Ok(())
    }
    #[inline]
    fn from_lua_iter<I: Iterator<Item = Value>>(_: &mut I, _: usize, _: &Lua) -> Result<()> {
        Ok(())
    }
}

/// `Result<T, Error>` as results: `Ok` converts, `Err` is raised.
impl<T: IntoLuaMulti> IntoLuaMulti for Result<T> {
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        self?.into_lua_multi(lua)
    }
    fn push_values(self, lua: &Lua, out: &mut Vec<Value>) -> Result<()> {
        self?.push_values(lua, out)
    }
}

macro_rules! tuple_conv {
    ($($name:ident),+ ; $last:ident) => {
        impl<$($name: IntoLua,)+ $last: IntoLuaMulti> IntoLuaMulti for ($($name,)+ $last,) {
            #[allow(non_snake_case)]
            fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
                let mut out = Vec::new();
                self.push_values(lua, &mut out)?;
                Ok(MultiValue(out))
            }
            #[allow(non_snake_case)]
            #[inline]
            fn push_values(self, lua: &Lua, out: &mut Vec<Value>) -> Result<()> {
                let ($($name,)+ $last,) = self;
                $(out.push($name.into_lua(lua)?);)+
                $last.push_values(lua, out)
            }
        }
        impl<$($name: FromLua,)+ $last: FromLuaMulti> FromLuaMulti for ($($name,)+ $last,) {
            #[allow(non_snake_case)]
            fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<Self> {
                let mut it = values.0.into_iter();
                $(let $name = $name::from_lua(it.next().unwrap_or(Value::Nil), lua)?;)+
                let $last = $last::from_lua_multi(it.collect(), lua)?;
                Ok(($($name,)+ $last,))
            }
            fn from_lua_args(values: MultiValue, pos: usize, lua: &Lua) -> Result<Self> {
                Self::from_lua_iter(&mut values.0.into_iter(), pos, lua)
            }
            #[allow(non_snake_case, unused_assignments)]
            #[inline]
            fn from_lua_iter<It: Iterator<Item = Value>>(it: &mut It, pos: usize, lua: &Lua) -> Result<Self> {
                let mut i = pos;
                $(
                    let $name = $name::from_lua(it.next().unwrap_or(Value::Nil), lua)
                        .map_err(|e| bad_arg(i, e))?;
                    if i > 0 {
                        i += 1;
                    }
                )+
                let $last = $last::from_lua_iter(it, i, lua)?;
                Ok(($($name,)+ $last,))
            }
        }
    };
}

impl<A: IntoLuaMulti> IntoLuaMulti for (A,) {
    fn into_lua_multi(self, lua: &Lua) -> Result<MultiValue> {
        self.0.into_lua_multi(lua)
    }
    fn push_values(self, lua: &Lua, out: &mut Vec<Value>) -> Result<()> {
        self.0.push_values(lua, out)
    }
}
impl<A: FromLuaMulti> FromLuaMulti for (A,) {
    fn from_lua_multi(values: MultiValue, lua: &Lua) -> Result<(A,)> {
        Ok((A::from_lua_multi(values, lua)?,))
    }
    fn from_lua_args(values: MultiValue, pos: usize, lua: &Lua) -> Result<(A,)> {
        Ok((A::from_lua_args(values, pos, lua)?,))
    }
    fn from_lua_iter<I: Iterator<Item = Value>>(it: &mut I, pos: usize, lua: &Lua) -> Result<(A,)> {
        Ok((A::from_lua_iter(it, pos, lua)?,))
    }
}
tuple_conv!(A; B);
tuple_conv!(A, B; C);
tuple_conv!(A, B, C; D);
tuple_conv!(A, B, C, D; E);
tuple_conv!(A, B, C, D, E; F);
tuple_conv!(A, B, C, D, E, F; G);
tuple_conv!(A, B, C, D, E, F, G; H);
tuple_conv!(A, B, C, D, E, F, G, H; I);
tuple_conv!(A, B, C, D, E, F, G, H, I; J);
tuple_conv!(A, B, C, D, E, F, G, H, I, J; K);
tuple_conv!(A, B, C, D, E, F, G, H, I, J, K; L);
