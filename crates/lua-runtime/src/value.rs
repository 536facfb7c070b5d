//! `Value`: the 16-byte Lua value.
//!
//! A plain Rust enum: one tag word plus an 8-byte payload (an `i64`, an
//! `f64`, a bool, or a [`Gc`] pointer). No NaN-boxing, because Lua 5.4
//! integers need all 64 bits. A test pins the size to 16 bytes.

use std::hash::Hasher;

use lua_tables::TableValue;

use crate::gc::{Gc, MAX_SHORT_STR};
use crate::object::{LuaClosure, NativeFunction, Table, Thread, UserData};
use crate::string::LuaStr;

/// A Lua value.
#[derive(Clone, Copy, Debug, Default)]
pub enum Value {
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Gc<LuaStr>),
    Table(Gc<Table>),
    LuaFn(Gc<LuaClosure>),
    Native(Gc<NativeFunction>),
    UserData(Gc<UserData>),
    Thread(Gc<Thread>),
}

/// Basic type tags, ordered as PUC's `LUA_T*` (used for per-type metatables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Nil = 0,
    Bool = 1,
    LightUserData = 2,
    Number = 3,
    String = 4,
    Table = 5,
    Function = 6,
    UserData = 7,
    Thread = 8,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Nil => "nil",
            Type::Bool => "boolean",
            Type::LightUserData | Type::UserData => "userdata",
            Type::Number => "number",
            Type::String => "string",
            Type::Table => "table",
            Type::Function => "function",
            Type::Thread => "thread",
        }
    }
}

impl Value {
    #[inline]
    pub fn type_of(&self) -> Type {
        match self {
            Value::Nil => Type::Nil,
            Value::Bool(_) => Type::Bool,
            Value::Int(_) | Value::Float(_) => Type::Number,
            Value::Str(_) => Type::String,
            Value::Table(_) => Type::Table,
            Value::LuaFn(_) | Value::Native(_) => Type::Function,
            Value::UserData(_) => Type::UserData,
            Value::Thread(_) => Type::Thread,
        }
    }

    /// `type(v)`.
    #[inline]
    pub fn type_name(&self) -> &'static str {
        self.type_of().name()
    }

    #[inline]
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Lua truthiness: only nil and false are false.
    #[inline]
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    #[inline]
    pub fn is_function(&self) -> bool {
        matches!(self, Value::LuaFn(_) | Value::Native(_))
    }

    pub fn as_table(&self) -> Option<Gc<Table>> {
        match self {
            Value::Table(t) => Some(*t),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<Gc<LuaStr>> {
        match self {
            Value::Str(s) => Some(*s),
            _ => None,
        }
    }

    /// Raw equality (`rawequal`): no metamethods; 1 == 1.0.
    #[inline]
    pub fn raw_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => {
                crate::number::int_eq_float(*a, *b)
            }
            (Value::Str(a), Value::Str(b)) => str_eq(*a, *b),
            (Value::Table(a), Value::Table(b)) => Gc::ptr_eq(*a, *b),
            (Value::LuaFn(a), Value::LuaFn(b)) => Gc::ptr_eq(*a, *b),
            (Value::Native(a), Value::Native(b)) => Gc::ptr_eq(*a, *b),
            (Value::UserData(a), Value::UserData(b)) => Gc::ptr_eq(*a, *b),
            (Value::Thread(a), Value::Thread(b)) => Gc::ptr_eq(*a, *b),
            _ => false,
        }
    }

    /// Address of a heap object (for `%p` and `tostring`), 0 for others.
    pub fn heap_addr(&self) -> usize {
        match self {
            Value::Str(s) => s.addr(),
            Value::Table(t) => t.addr(),
            Value::LuaFn(f) => f.addr(),
            Value::Native(f) => f.addr(),
            Value::UserData(u) => u.addr(),
            Value::Thread(t) => t.addr(),
            _ => 0,
        }
    }
}

/// String equality: interned short strings compare by pointer.
#[inline]
pub fn str_eq(a: Gc<LuaStr>, b: Gc<LuaStr>) -> bool {
    if Gc::ptr_eq(a, b) {
        return true;
    }
    if a.len() <= MAX_SHORT_STR || a.len() != b.len() {
        return false;
    }
    a.hash() == b.hash() && a.as_bytes() == b.as_bytes()
}

impl TableValue for Value {
    const NIL: Self = Value::Nil;

    #[inline]
    fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    #[inline]
    fn as_int_key(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i),
            Value::Float(f) => crate::number::float_to_int_exact(f),
            _ => None,
        }
    }

    #[inline]
    fn from_int_key(i: i64) -> Self {
        Value::Int(i)
    }

    #[inline]
    fn is_nan(&self) -> bool {
        matches!(self, Value::Float(f) if f.is_nan())
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self.raw_eq(other)
    }

    #[inline]
    fn key_hash<H: Hasher>(&self, state: &mut H) {
        match *self {
            Value::Nil => state.write_u8(0),
            Value::Bool(b) => state.write_u8(b as u8 + 1),
            Value::Int(i) => state.write_i64(i),
            Value::Float(f) => match crate::number::float_to_int_exact(f) {
                Some(i) => state.write_i64(i),
                None => state.write_u64(f.to_bits()),
            },
            Value::Str(s) => state.write_u64(s.hash()),
            other => state.write_usize(other.heap_addr()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
    }
}
