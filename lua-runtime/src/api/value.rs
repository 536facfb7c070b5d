//! [`Value`], [`MultiValue`] and [`Variadic`], and the conversion of raw
//! runtime values to handles and back.

use std::sync::Arc;

use super::error::{Error, Result};
use super::sync::{Core, Inner, RefInner};
use super::{AnyUserData, Function, LuaString, Table, Thread};
use crate::state::State;
use crate::value::Value as Raw;

/// A Lua value as Rust code sees it: plain data for nil, booleans and
/// numbers, and rooted handles for the values that live in the Lua heap.
///
/// ```
/// # use luna::{Lua, Value};
/// let lua = Lua::new();
/// let v: Value = lua.load("return 1.5").eval().unwrap();
/// assert_eq!(v, Value::Number(1.5));
/// assert_eq!(v.type_name(), "number");
/// ```
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// `nil`.
    #[default]
    Nil,
    /// `true` or `false`.
    Boolean(bool),
    /// A light userdata: a bare address.
    LightUserData(usize),
    /// An integer.
    Integer(i64),
    /// A float.
    Number(f64),
    /// A string (bytes, not necessarily UTF-8).
    String(LuaString),
    /// A table.
    Table(Table),
    /// A Lua or Rust function.
    Function(Function),
    /// A coroutine.
    Thread(Thread),
    /// A full userdata.
    UserData(AnyUserData),
}

pub use Value::Nil;

impl Value {
    /// The Lua type name (`type(v)`).
    ///
    /// ```
    /// # use luna::Value;
    /// assert_eq!(Value::Integer(1).type_name(), "number");
    /// assert_eq!(Value::Nil.type_name(), "nil");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Boolean(_) => "boolean",
            Value::LightUserData(_) | Value::UserData(_) => "userdata",
            Value::Integer(_) | Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Table(_) => "table",
            Value::Function(_) => "function",
            Value::Thread(_) => "thread",
        }
    }

    /// `true` for nil.
    ///
    /// ```
    /// # use luna::Value;
    /// assert!(Value::Nil.is_nil());
    /// ```
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The integer, if the value is one.
    ///
    /// ```
    /// # use luna::Value;
    /// assert_eq!(Value::Integer(3).as_integer(), Some(3));
    /// assert_eq!(Value::Number(3.0).as_integer(), None);
    /// ```
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The number (an integer converted to a float), if the value is one.
    ///
    /// ```
    /// # use luna::Value;
    /// assert_eq!(Value::Integer(3).as_number(), Some(3.0));
    /// ```
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Integer(i) => Some(*i as f64),
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether Lua considers the value true (everything but nil and false).
    ///
    /// ```
    /// # use luna::Value;
    /// assert!(Value::Integer(0).is_truthy());
    /// assert!(!Value::Boolean(false).is_truthy());
    /// ```
    pub fn is_truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Boolean(false))
    }

    /// The state a handle belongs to (`None` for plain data).
    pub(crate) fn owner(&self) -> Option<&Arc<Inner>> {
        match self {
            Value::String(h) => Some(&h.0.lua.inner),
            Value::Table(h) => Some(&h.0.lua.inner),
            Value::Function(h) => Some(&h.0.lua.inner),
            Value::Thread(h) => Some(&h.0.lua.inner),
            Value::UserData(h) => Some(&h.0.lua.inner),
            _ => None,
        }
    }

    /// A handle (or plain value) for a raw value, rooting it. Called inside
    /// `with`.
    #[inline(always)]
    pub(crate) fn from_raw(lua: &Arc<Inner>, core: &Core, st: &mut State, v: Raw) -> Value {
        // Plain data inline (built in place by the caller), handles out of
        // line.
        match v {
            Raw::Nil => Value::Nil,
            Raw::Bool(b) => Value::Boolean(b),
            Raw::Int(i) => Value::Integer(i),
            Raw::Float(f) => Value::Number(f),
            Raw::LightUserData(p) => Value::LightUserData(p),
            _ => Value::handle_from_raw(lua, core, st, v),
        }
    }

    #[inline(never)]
    fn handle_from_raw(lua: &Arc<Inner>, core: &Core, st: &mut State, v: Raw) -> Value {
        match v {
            Raw::Nil | Raw::Bool(_) | Raw::Int(_) | Raw::Float(_) | Raw::LightUserData(_) => {
                unreachable!("plain values are converted inline")
            }
            Raw::Str(_) => Value::String(LuaString(RefInner::new(lua, core, st, v))),
            Raw::Table(_) => Value::Table(Table(RefInner::new(lua, core, st, v))),
            Raw::LuaFn(_) | Raw::Native(_) => {
                Value::Function(Function(RefInner::new(lua, core, st, v)))
            }
            Raw::Thread(_) => Value::Thread(Thread(RefInner::new(lua, core, st, v))),
            Raw::UserData(_) => Value::UserData(AnyUserData(RefInner::new(lua, core, st, v))),
        }
    }

    /// The raw value, checking that a handle belongs to `lua`.
    pub(crate) fn to_raw(&self, lua: &Arc<Inner>) -> Result<Raw> {
        if let Some(o) = self.owner()
            && !Arc::ptr_eq(o, lua)
        {
            return Err(Error::ForeignHandle);
        }
        Ok(self.raw_unchecked())
    }

    fn raw_unchecked(&self) -> Raw {
        match self {
            Value::Nil => Raw::Nil,
            Value::Boolean(b) => Raw::Bool(*b),
            Value::Integer(i) => Raw::Int(*i),
            Value::Number(f) => Raw::Float(*f),
            Value::LightUserData(p) => Raw::LightUserData(*p),
            Value::String(h) => h.0.raw(),
            Value::Table(h) => h.0.raw(),
            Value::Function(h) => h.0.raw(),
            Value::Thread(h) => h.0.raw(),
            Value::UserData(h) => h.0.raw(),
        }
    }
}

/// Raw equality (`rawequal`): numbers by value (`1 == 1.0`), strings by
/// contents, other heap values by identity.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self.owner(), other.owner()) {
            (Some(a), Some(b)) if !Arc::ptr_eq(a, b) => false,
            (Some(a), _) => {
                let _g = a.lock();
                self.raw_unchecked().raw_eq(&other.raw_unchecked())
            }
            _ => self.raw_unchecked().raw_eq(&other.raw_unchecked()),
        }
    }
}

/// Several values: the arguments or results of a call.
///
/// ```
/// # use luna::{Lua, MultiValue, Value};
/// let lua = Lua::new();
/// let r: MultiValue = lua.load("return 1, 2, 3").eval().unwrap();
/// assert_eq!(r.len(), 3);
/// assert_eq!(r[2], Value::Integer(3));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MultiValue(pub Vec<Value>);

impl MultiValue {
    /// No values.
    ///
    /// ```
    /// # use luna::MultiValue;
    /// assert!(MultiValue::new().is_empty());
    /// ```
    pub fn new() -> MultiValue {
        MultiValue(Vec::new())
    }

    /// The values as a vector.
    ///
    /// ```
    /// # use luna::{MultiValue, Value};
    /// let m = MultiValue::from(vec![Value::Nil]);
    /// assert_eq!(m.into_vec(), vec![Value::Nil]);
    /// ```
    pub fn into_vec(self) -> Vec<Value> {
        self.0
    }
}

impl From<Vec<Value>> for MultiValue {
    fn from(v: Vec<Value>) -> MultiValue {
        MultiValue(v)
    }
}

impl FromIterator<Value> for MultiValue {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> MultiValue {
        MultiValue(iter.into_iter().collect())
    }
}

impl IntoIterator for MultiValue {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl std::ops::Deref for MultiValue {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl std::ops::DerefMut for MultiValue {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.0
    }
}

/// Any number of values of one type: the rest of a function's arguments
/// (`...`), or all of its results.
///
/// ```
/// # use luna::{Lua, Variadic};
/// let lua = Lua::new();
/// let sum = lua
///     .create_function(|_, xs: Variadic<i64>| Ok(xs.iter().sum::<i64>()))
///     .unwrap();
/// assert_eq!(sum.call::<_, i64>((1, 2, 3)).unwrap(), 6);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variadic<T>(pub Vec<T>);

impl<T> Variadic<T> {
    /// No values.
    ///
    /// ```
    /// # use luna::Variadic;
    /// assert!(Variadic::<i64>::new().is_empty());
    /// ```
    pub fn new() -> Variadic<T> {
        Variadic(Vec::new())
    }
}

impl<T> From<Vec<T>> for Variadic<T> {
    fn from(v: Vec<T>) -> Variadic<T> {
        Variadic(v)
    }
}

impl<T> FromIterator<T> for Variadic<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Variadic<T> {
        Variadic(iter.into_iter().collect())
    }
}

impl<T> std::ops::Deref for Variadic<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Variadic<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}
