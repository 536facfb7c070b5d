//! `Value`: the 16-byte Lua value.
//!
//! A plain Rust enum: one tag word plus an 8-byte payload (an `i64`, an
//! `f64`, a bool, or a [`Gc`] pointer). No NaN-boxing, because Lua 5.4
//! integers need all 64 bits. A test pins the size to 16 bytes.
//!
//! # Layout, and why it is pinned
//!
//! `#[repr(u64)]` fixes the layout (RFC 2195: a `repr(C)` union of
//! `repr(C)` structs, each starting with the tag): an 8-byte tag at offset
//! 0 holding the variant's index in declaration order, the payload at
//! offset 8.
//!
//! The executors' hot loops read and write registers word by word, tag
//! and payload, as PUC Lua does with its `TValue`s ([`Value::load`],
//! [`Value::store`], [`Value::store_int`], [`Value::store_float`]). A load
//! is forwarded from the store buffer only when one earlier store covers it
//! in the same way: a 16-byte copy of a value just written as two words
//! stalls for a dozen cycles, and so does an integer read of the payload
//! of a value just written as one 16-byte vector store, which puts a
//! store-forwarding delay on every link of an integer dependency chain
//! (docs/PERFORMANCE.md, "Store forwarding"). The accesses are volatile
//! so the compiler keeps them two words instead of merging them into one
//! vector access. They rely on this layout, which the tests below check
//! against the compiler's own encoding.

// Every narrowing `as` is either fixed or states why it cannot truncate.
#![deny(clippy::cast_possible_truncation)]

use std::hash::Hasher;

use lua_tables::TableValue;

use crate::gc::{Gc, MAX_SHORT_STR};
use crate::object::string::LuaStr;
use crate::object::{LuaClosure, NativeFunction, Table, Thread, UserData};

/// A Lua value.
#[derive(Clone, Copy, Debug, Default)]
#[repr(u64)]
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
    /// A light userdata: a bare address with no metatable of its own
    /// (`debug.upvalueid` returns one; an embedder may store pointers).
    LightUserData(usize),
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

/// Every [`Type`], in discriminant order.
pub const TYPES: [Type; 9] = [
    Type::Nil,
    Type::Bool,
    Type::LightUserData,
    Type::Number,
    Type::String,
    Type::Table,
    Type::Function,
    Type::UserData,
    Type::Thread,
];

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

/// Tags of the variants [`Value::store_int`] and [`Value::store_float`]
/// write (declaration order, see the module docs).
const TAG_INT: u64 = 2;
const TAG_FLOAT: u64 = 3;

/// A value's payload word as the word-by-word accessors move it: nil's
/// payload is all padding and a boolean's has seven padding bytes, which a
/// `u64` may not hold but a `MaybeUninit<u64>` may.
pub type Payload = std::mem::MaybeUninit<u64>;

impl Value {
    /// `*slot = Value::Int(i)` as two 8-byte stores, tag and payload
    /// (module docs).
    #[inline(always)]
    pub fn store_int(slot: &mut Value, i: i64) {
        let p = slot as *mut Value as *mut u64;
        // SAFETY: tag 2 with an i64 payload is `Value::Int` (layout test);
        // `slot` is valid for 16 bytes. Volatile, so the two stores stay
        // two (a merged 16-byte store would go through a vector register).
        unsafe {
            p.write_volatile(TAG_INT);
            p.add(1).write_volatile(i as u64);
        }
    }

    /// The value's two words, tag and payload (module docs).
    #[inline(always)]
    pub fn to_words(self) -> (u64, Payload) {
        // SAFETY: a `Value` is two words (size test); `Payload` may hold
        // the padding bytes of nil's and a boolean's payload.
        let w = unsafe { std::mem::transmute::<Value, [Payload; 2]>(self) };
        // SAFETY: the tag word is a whole `u64` (`repr(u64)`).
        (unsafe { w[0].assume_init() }, w[1])
    }

    /// The value whose words [`Value::to_words`] gave.
    ///
    /// # Safety
    /// `(tag, payload)` must come from `to_words` of a value still valid
    /// (a collectable payload must still be alive).
    #[inline(always)]
    pub unsafe fn from_words(tag: u64, payload: Payload) -> Value {
        // SAFETY: the caller's contract: the words form a valid `Value`.
        unsafe { std::mem::transmute::<[Payload; 2], Value>([Payload::new(tag), payload]) }
    }

    /// `*slot` read as two 8-byte loads, tag and payload (module docs):
    /// the way to copy a register that may have just been written by
    /// [`Value::store_int`].
    #[inline(always)]
    pub fn load(slot: &Value) -> Value {
        let p = slot as *const Value as *const Payload;
        // SAFETY: `slot` is a valid `Value`, so its two words are one
        // (`Payload` words may carry its padding bytes).
        unsafe {
            let w = [p.read_volatile(), p.add(1).read_volatile()];
            std::mem::transmute::<[Payload; 2], Value>(w)
        }
    }

    /// `*slot = Value::Float(f)` as two 8-byte stores (module docs).
    #[inline(always)]
    pub fn store_float(slot: &mut Value, f: f64) {
        let p = slot as *mut Value as *mut u64;
        // SAFETY: tag 3 with f64 bits is `Value::Float` (layout test).
        unsafe {
            p.write_volatile(TAG_FLOAT);
            (p.add(1) as *mut f64).write_volatile(f);
        }
    }

    /// `*slot = v` as two 8-byte stores, tag and payload (module docs).
    #[inline(always)]
    pub fn store(slot: &mut Value, v: Value) {
        // SAFETY: a `Value` is two words (size test), padding included.
        let w = unsafe { std::mem::transmute::<Value, [Payload; 2]>(v) };
        let p = slot as *mut Value as *mut Payload;
        // SAFETY: `slot` is valid for 16 bytes; the words form `v`.
        unsafe {
            p.write_volatile(w[0]);
            p.add(1).write_volatile(w[1]);
        }
    }

    /// `*slot = v` where `v` is known to be a number, with the number
    /// written by [`Value::store_int`]/[`Value::store_float`]; other values
    /// are copied plainly. Inlined where `v` was just built, the match
    /// folds away.
    #[inline(always)]
    pub fn store_number(slot: &mut Value, v: Value) {
        match v {
            Value::Int(i) => Value::store_int(slot, i),
            Value::Float(f) => Value::store_float(slot, f),
            other => *slot = other,
        }
    }

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
            Value::LightUserData(_) => Type::LightUserData,
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
            (Value::LightUserData(a), Value::LightUserData(b)) => a == b,
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
            Value::LightUserData(p) => *p,
            _ => 0,
        }
    }
}

/// String equality: interned short strings compare by pointer.
#[inline(always)]
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
    #[inline(always)]
    fn load(slot: &Self) -> Self {
        Value::load(slot)
    }
    #[inline(always)]
    fn store(slot: &mut Self, v: Self) {
        Value::store(slot, v)
    }
    const KEY_TAG_NIL: u8 = 0;
    #[allow(clippy::cast_possible_truncation)] // Cannot truncate: 2.
    const KEY_TAG_INT: u8 = TAG_INT as u8;

    /// The tag word's value (the variant's index, module docs) and the
    /// payload word: the two words of the value itself, with a boolean's
    /// payload widened and nil's zeroed (their other payload bytes are
    /// padding). The table stores these as a node's key.
    ///
    /// Read as words rather than by a `match` over the ten variants, which
    /// compiled to a jump table: an indirect jump in front of every string
    /// lookup.
    #[inline(always)]
    fn key_parts(&self) -> (u8, u64) {
        let words = self as *const Value as *const u64;
        // SAFETY: `#[repr(u64)]` (module docs): the tag word at offset 0 is
        // always initialised and holds the variant's index.
        let tag = unsafe { words.read() };
        let bits = if tag >= TAG_INT {
            // SAFETY: from `Int` on, every variant's payload is one whole
            // initialised word at offset 8 (an i64, f64 bits, or a `Gc`).
            unsafe { words.add(1).read() }
        } else {
            match *self {
                Value::Bool(b) => b as u64,
                _ => 0,
            }
        };
        // Cannot truncate: the tag word is the variant's index, below 10.
        #[allow(clippy::cast_possible_truncation)]
        let tag = tag as u8;
        (tag, bits)
    }

    /// The inverse of `key_parts`: the two words are the value's own
    /// layout (tag word, payload word; pinned by `key_parts_are_the_layout`
    /// below), so the value is rebuilt as it was, in one 16-byte move.
    #[inline(always)]
    unsafe fn from_key_parts(tag: u8, bits: u64) -> Self {
        debug_assert!(tag <= 10 && (tag != 1 || bits <= 1));
        // SAFETY: the caller passes the parts of a live value (trait
        // contract), which are its two words: a valid tag, and a payload
        // that is a boolean 0/1, any integer or float bits, or the address
        // of a live object (`Gc` is its non-null pointer, which the layout
        // test checks).
        unsafe { std::mem::transmute::<[u64; 2], Value>([u64::from(tag), bits]) }
    }

    /// The value's own two words, the tag word narrowed to its byte (the
    /// variant's index): a node stores them as they are.
    #[inline(always)]
    fn val_parts(&self) -> (u8, Payload) {
        let (tag, payload) = self.to_words();
        // Cannot truncate: the tag word is the variant's index, below 10.
        #[allow(clippy::cast_possible_truncation)]
        let tag = tag as u8;
        (tag, payload)
    }

    /// The inverse of `val_parts`: the value's own two words again.
    #[inline(always)]
    unsafe fn from_val_parts(tag: u8, bits: Payload) -> Self {
        // SAFETY: the caller passes the parts of a valid value (trait
        // contract): its tag word, narrowed without loss, and its payload
        // word as it was.
        unsafe { Value::from_words(u64::from(tag), bits) }
    }

    /// Short strings are interned (equal exactly when the same object);
    /// long strings compare by content; every other key is stored
    /// normalised (no -0.0, no NaN, booleans 0/1) or compared by identity.
    #[inline(always)]
    fn key_eq_is_identity(&self) -> bool {
        match self {
            Value::Str(s) => s.len() <= MAX_SHORT_STR,
            _ => true,
        }
    }

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

    /// Only reached for long-string lookups (`key_eq_is_identity`): string
    /// keys compare by pointer first, then the general rule.
    #[inline(always)]
    fn key_eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Str(a), Value::Str(b)) => str_eq(*a, *b),
            (Value::Int(a), Value::Int(b)) => a == b,
            _ => self.raw_eq(other),
        }
    }

    /// Strings carry a cached, well-mixed hash of their bytes: the table
    /// uses it directly (no second hashing pass).
    #[inline(always)]
    fn key_hash64(&self) -> u64 {
        match *self {
            Value::Str(s) => s.hash(),
            _ => {
                let mut h = rustc_hash::FxHasher::default();
                self.key_hash(&mut h);
                h.finish()
            }
        }
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
    fn types_in_discriminant_order() {
        for (i, t) in TYPES.iter().enumerate() {
            assert_eq!(*t as usize, i);
        }
    }

    #[test]
    fn value_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
    }

    /// `key_parts` are the value's own two words (tag word, payload word),
    /// which is what lets `from_key_parts` rebuild a key with one move;
    /// and a long-string key still finds an equal string by content.
    #[test]
    fn key_parts_are_the_layout() {
        use crate::gc::Heap;
        use crate::object::{RawTable, Table};
        let mut h = Heap::new();
        let short = h.new_str(b"name");
        let long = h.new_str(&[b'x'; 100]);
        let long2 = h.new_str(&[b'x'; 100]);
        let tab = h.alloc(Table::new(RawTable::new()));
        let values = [
            Value::Nil,
            Value::Bool(false),
            Value::Bool(true),
            Value::Int(-7),
            Value::Float(0.5),
            Value::Str(short),
            Value::Str(long),
            Value::Table(tab),
        ];
        for v in values {
            let (tag, bits) = v.key_parts();
            // SAFETY: every variant above has an initialised payload word
            // except Nil and Bool, whose payload word is not read.
            let words: [u64; 2] = unsafe { std::mem::transmute(v) };
            assert_eq!(u64::from(tag), words[0], "{v:?}");
            match v {
                Value::Nil => assert_eq!(bits, 0),
                Value::Bool(b) => assert_eq!(bits, b as u64),
                _ => assert_eq!(bits, words[1], "{v:?}"),
            }
            // SAFETY: the parts of a live value.
            let back = unsafe { Value::from_key_parts(tag, bits) };
            assert_eq!(back.key_parts(), (tag, bits));
            assert!(back.raw_eq(&v) || v.is_nil() && back.is_nil());
        }
        assert_eq!(Value::NIL.key_parts(), (Value::KEY_TAG_NIL, 0));
        assert_eq!(Value::Int(5).key_parts(), (Value::KEY_TAG_INT, 5));
        assert!(Value::Str(short).key_eq_is_identity());
        assert!(!Value::Str(long).key_eq_is_identity());
        let mut t = RawTable::new();
        t.set(Value::Str(long), Value::Int(1)).unwrap();
        t.set(Value::Str(short), Value::Int(2)).unwrap();
        assert!(matches!(t.get(Value::Str(long2)), Value::Int(1)));
        assert!(matches!(t.get(Value::Str(short)), Value::Int(2)));
    }

    /// The words `store_int`/`store_float` write are the compiler's own
    /// encoding of `Value::Int`/`Value::Float` (tag at 0, payload at 8).
    #[test]
    fn number_stores_match_the_enum_layout() {
        for i in [0i64, 1, -1, i64::MIN, i64::MAX, 0x1234_5678_9abc] {
            let mut slot = Value::Nil;
            Value::store_int(&mut slot, i);
            assert!(matches!(slot, Value::Int(x) if x == i));
            let v = Value::Int(i);
            // SAFETY: Int's 16 bytes are all initialised (u64 tag, i64).
            let words: [u64; 2] = unsafe { std::mem::transmute(v) };
            assert_eq!(words, [TAG_INT, i as u64]);
        }
        for f in [0.0f64, -0.0, 1.5, f64::INFINITY, f64::MIN_POSITIVE] {
            let mut slot = Value::Bool(true);
            Value::store_float(&mut slot, f);
            assert!(matches!(slot, Value::Float(x) if x.to_bits() == f.to_bits()));
            // SAFETY: Float's 16 bytes are all initialised.
            let words: [u64; 2] = unsafe { std::mem::transmute(Value::Float(f)) };
            assert_eq!(words, [TAG_FLOAT, f.to_bits()]);
        }
        let nan = f64::from_bits(0x7ff8_0000_0000_0001);
        let mut slot = Value::Nil;
        Value::store_number(&mut slot, Value::Float(nan));
        assert!(matches!(slot, Value::Float(x) if x.to_bits() == nan.to_bits()));
    }
}
