//! Metatables and metamethod lookup: the one lookup path every operation
//! uses (`State::metatable`, `State::get_tm`).
//!
//! Tables and userdata have their own metatable; every other type shares a
//! per-type metatable (strings: the one whose `__index` is the string
//! library). Lookups of the first events (`__index` ... `__eq`) are cached
//! PUC-style: a metatable's `flags` bit records "this event is absent" and
//! any raw write to the metatable clears the bits.

use crate::gc::Gc;
use crate::object::Table;
use crate::state::State;
use crate::value::Value;

/// Metamethod events, in PUC's order (the cached ones first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Tm {
    Index,
    NewIndex,
    Gc,
    Mode,
    Len,
    Eq,
    Add,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
    Lt,
    Le,
    Concat,
    Call,
    Close,
    ToString,
    Name,
    Metatable,
    Pairs,
}

pub const TM_COUNT: usize = 29;

pub const TM_NAMES: [&str; TM_COUNT] = [
    "__index",
    "__newindex",
    "__gc",
    "__mode",
    "__len",
    "__eq",
    "__add",
    "__sub",
    "__mul",
    "__mod",
    "__pow",
    "__div",
    "__idiv",
    "__band",
    "__bor",
    "__bxor",
    "__shl",
    "__shr",
    "__unm",
    "__bnot",
    "__lt",
    "__le",
    "__concat",
    "__call",
    "__close",
    "__tostring",
    "__name",
    "__metatable",
    "__pairs",
];

impl Tm {
    pub fn name(self) -> &'static str {
        TM_NAMES[self as usize]
    }
}

impl State {
    /// The metatable of any value.
    #[inline]
    pub fn metatable(&self, v: Value) -> Option<Gc<Table>> {
        match v {
            Value::Table(t) => t.metatable(),
            Value::UserData(u) => u.meta.get(),
            other => self.type_metas[other.type_of() as usize],
        }
    }

    /// Field `tm` of metatable `mt`, nil if absent (cached for the first
    /// six events).
    #[inline]
    pub fn tm_of(&self, mt: Gc<Table>, tm: Tm) -> Value {
        // Only computed, and used, for the first six events (below 8).
        let bit = 1u8.wrapping_shl(tm as u32);
        if (tm as u32) <= Tm::Eq as u32 && mt.flags() & bit != 0 {
            return Value::Nil;
        }
        let v = mt.get_str(Value::Str(self.tm_names[tm as usize]));
        if v.is_nil() && (tm as u32) <= Tm::Eq as u32 {
            mt.set_flag(bit);
        }
        v
    }

    /// The metamethod `tm` of value `v`, nil if none.
    #[inline]
    pub fn get_tm(&self, v: Value, tm: Tm) -> Value {
        match self.metatable(v) {
            Some(mt) => self.tm_of(mt, tm),
            None => Value::Nil,
        }
    }
}
