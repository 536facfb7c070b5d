//! serde: any `Serialize` value to a Lua value ([`Lua::to_value`]) and
//! any `Deserialize` value from one ([`Lua::from_value`]). Feature `serde`.
//!
//! Structs and maps are tables with string (or the map's) keys, sequences
//! and tuples are sequences, `None` and `()` are nil, enums are as serde's
//! default externally tagged form: a unit variant is its name, any other
//! variant a one-field table `{ Variant = data }`. A table deserializes as
//! a sequence when asked for one (or, for self-describing targets, when
//! its keys are exactly `1..n`), else as a map.

use serde::de::{self, DeserializeOwned, IntoDeserializer};
use serde::ser::{self, Serialize};

use super::Table;
use super::conv::FromLua;
use super::error::{Error, Result};
use super::lua::Lua;
use super::value::Value;

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Error {
        Error::Message(msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Error {
        Error::Message(msg.to_string())
    }
}

impl Lua {
    /// Convert any `Serialize` value to a Lua value.
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct P { name: String, tags: Vec<String> }
    /// let lua = luna::Lua::new();
    /// let v = lua.to_value(&P { name: "x".into(), tags: vec!["a".into()] }).unwrap();
    /// lua.globals().set("p", v).unwrap();
    /// assert_eq!(lua.load("p.name .. p.tags[1]").eval::<String>().unwrap(), "xa");
    /// ```
    pub fn to_value<T: Serialize + ?Sized>(&self, value: &T) -> Result<Value> {
        value.serialize(Serializer { lua: self })
    }

    /// Convert a Lua value to any `Deserialize` value.
    ///
    /// ```
    /// #[derive(serde::Deserialize, Debug, PartialEq)]
    /// struct Config { port: u16, hosts: Vec<String>, debug: Option<bool> }
    /// let lua = luna::Lua::new();
    /// let v = lua.load("{ port = 8080, hosts = { 'a', 'b' } }").eval().unwrap();
    /// let c: Config = lua.from_value(v).unwrap();
    /// assert_eq!(c, Config { port: 8080, hosts: vec!["a".into(), "b".into()], debug: None });
    /// ```
    pub fn from_value<T: DeserializeOwned>(&self, value: Value) -> Result<T> {
        T::deserialize(Deserializer {
            lua: self.clone(),
            value,
        })
    }
}

struct Serializer<'a> {
    lua: &'a Lua,
}

impl<'a> ser::Serializer for Serializer<'a> {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = SeqSer<'a>;
    type SerializeTuple = SeqSer<'a>;
    type SerializeTupleStruct = SeqSer<'a>;
    type SerializeTupleVariant = VariantSer<SeqSer<'a>>;
    type SerializeMap = MapSer<'a>;
    type SerializeStruct = MapSer<'a>;
    type SerializeStructVariant = VariantSer<MapSer<'a>>;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Boolean(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        Ok(Value::Integer(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        Ok(Value::Integer(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        Ok(Value::Integer(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        Ok(Value::Integer(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(Value::Integer(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(Value::Integer(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(Value::Integer(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        Ok(match i64::try_from(v) {
            Ok(i) => Value::Integer(i),
            Err(_) => Value::Number(v as f64),
        })
    }
    fn serialize_f32(self, v: f32) -> Result<Value> {
        Ok(Value::Number(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Value> {
        Ok(Value::Number(v))
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        let mut b = [0; 4];
        self.serialize_str(v.encode_utf8(&mut b))
    }
    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(Value::String(self.lua.create_string(v)?))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        Ok(Value::String(self.lua.create_string(v)?))
    }
    fn serialize_none(self) -> Result<Value> {
        Ok(Value::Nil)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::Nil)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Value> {
        Ok(Value::Nil)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Value> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Value> {
        let t = self.lua.create_table()?;
        t.raw_set(variant, v.serialize(Serializer { lua: self.lua })?)?;
        Ok(Value::Table(t))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer<'a>> {
        Ok(SeqSer {
            lua: self.lua,
            table: self.lua.create_table_with_capacity(len.unwrap_or(0), 0)?,
            n: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqSer<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSer<SeqSer<'a>>> {
        Ok(VariantSer {
            variant,
            inner: self.serialize_seq(Some(len))?,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSer<'a>> {
        Ok(MapSer {
            lua: self.lua,
            table: self.lua.create_table_with_capacity(0, len.unwrap_or(0))?,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<MapSer<'a>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSer<MapSer<'a>>> {
        Ok(VariantSer {
            variant,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

struct SeqSer<'a> {
    lua: &'a Lua,
    table: Table,
    n: i64,
}

impl SeqSer<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.n += 1;
        let v = v.serialize(Serializer { lua: self.lua })?;
        self.table.raw_set(self.n, v)
    }
}

impl ser::SerializeSeq for SeqSer<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.push(v)
    }
    fn end(self) -> Result<Value> {
        Ok(Value::Table(self.table))
    }
}
impl ser::SerializeTuple for SeqSer<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.push(v)
    }
    fn end(self) -> Result<Value> {
        Ok(Value::Table(self.table))
    }
}
impl ser::SerializeTupleStruct for SeqSer<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.push(v)
    }
    fn end(self) -> Result<Value> {
        Ok(Value::Table(self.table))
    }
}

struct MapSer<'a> {
    lua: &'a Lua,
    table: Table,
    key: Option<Value>,
}

impl ser::SerializeMap for MapSer<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<()> {
        self.key = Some(k.serialize(Serializer { lua: self.lua })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let k = self
            .key
            .take()
            .ok_or_else(|| Error::new("map value without a key"))?;
        let v = v.serialize(Serializer { lua: self.lua })?;
        self.table.raw_set(k, v)
    }
    fn end(self) -> Result<Value> {
        Ok(Value::Table(self.table))
    }
}
impl ser::SerializeStruct for MapSer<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        let v = v.serialize(Serializer { lua: self.lua })?;
        self.table.raw_set(key, v)
    }
    fn end(self) -> Result<Value> {
        Ok(Value::Table(self.table))
    }
}

struct VariantSer<S> {
    variant: &'static str,
    inner: S,
}

impl<'a> VariantSer<SeqSer<'a>> {
    fn finish(self) -> Result<Value> {
        let t = self.inner.lua.create_table()?;
        t.raw_set(self.variant, self.inner.table)?;
        Ok(Value::Table(t))
    }
}
impl<'a> ser::SerializeTupleVariant for VariantSer<SeqSer<'a>> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.inner.push(v)
    }
    fn end(self) -> Result<Value> {
        self.finish()
    }
}
impl<'a> ser::SerializeStructVariant for VariantSer<MapSer<'a>> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, v)
    }
    fn end(self) -> Result<Value> {
        let t = self.inner.lua.create_table()?;
        t.raw_set(self.variant, self.inner.table)?;
        Ok(Value::Table(t))
    }
}

struct Deserializer {
    lua: Lua,
    value: Value,
}

impl Deserializer {
    fn sub(&self, value: Value) -> Deserializer {
        Deserializer {
            lua: self.lua.clone(),
            value,
        }
    }

    fn unsupported(&self) -> Error {
        Error::Message(format!(
            "cannot deserialize a Lua {}",
            self.value.type_name()
        ))
    }
}

/// A table whose keys are exactly `1..=n` (n > 0).
fn is_sequence(t: &Table) -> Result<bool> {
    let n = t.raw_len();
    if n == 0 {
        return Ok(false);
    }
    let mut count = 0;
    for p in t.pairs::<Value, Value>() {
        p?;
        count += 1;
        if count > n {
            return Ok(false);
        }
    }
    Ok(count == n)
}

fn seq_values(t: &Table) -> Result<Vec<Value>> {
    let n = t.raw_len();
    (1..=n).map(|i| t.raw_get::<_, Value>(i as i64)).collect()
}

macro_rules! deser_int {
    ($($m:ident $t:ty => $visit:ident),*) => {$(
        fn $m<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.value {
                Value::Integer(_) | Value::Number(_) => {
                    let v = <$t>::from_lua(self.value.clone(), &self.lua)?;
                    visitor.$visit(v)
                }
                _ => self.deserialize_any(visitor),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Deserializer {
    type Error = Error;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match &self.value {
            Value::Nil => visitor.visit_unit(),
            Value::Boolean(b) => visitor.visit_bool(*b),
            Value::Integer(i) => visitor.visit_i64(*i),
            Value::Number(n) => visitor.visit_f64(*n),
            Value::String(s) => match s.to_str() {
                Ok(s) => visitor.visit_string(s),
                Err(_) => visitor.visit_byte_buf(s.to_bytes()),
            },
            Value::Table(t) => {
                if is_sequence(t)? {
                    self.deserialize_seq(visitor)
                } else {
                    self.deserialize_map(visitor)
                }
            }
            _ => Err(self.unsupported()),
        }
    }

    deser_int!(
        deserialize_i8 i8 => visit_i8, deserialize_i16 i16 => visit_i16,
        deserialize_i32 i32 => visit_i32, deserialize_i64 i64 => visit_i64,
        deserialize_u8 u8 => visit_u8, deserialize_u16 u16 => visit_u16,
        deserialize_u32 u32 => visit_u32, deserialize_u64 u64 => visit_u64
    );

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Nil => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match &self.value {
            Value::Table(t) => {
                let vals = seq_values(t)?;
                let mut seq = SeqDe {
                    de: &self,
                    it: vals.into_iter(),
                };
                visitor.visit_seq(&mut seq)
            }
            _ => Err(de::Error::invalid_type(unexpected(&self.value), &visitor)),
        }
    }

    fn deserialize_tuple<V: de::Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: de::Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match &self.value {
            Value::Table(t) => {
                let pairs = t.pairs::<Value, Value>().collect::<Result<Vec<_>>>()?;
                let mut map = MapDe {
                    de: &self,
                    it: pairs.into_iter(),
                    value: None,
                };
                visitor.visit_map(&mut map)
            }
            _ => Err(de::Error::invalid_type(unexpected(&self.value), &visitor)),
        }
    }

    fn deserialize_struct<V: de::Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: de::Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match &self.value {
            Value::String(s) => visitor.visit_enum(s.to_str()?.into_deserializer()),
            Value::Table(t) => {
                let mut pairs = t.pairs::<String, Value>();
                let (variant, value) = match (pairs.next(), pairs.next()) {
                    (Some(p), None) => p?,
                    _ => return Err(Error::new("an enum table must have exactly one field")),
                };
                visitor.visit_enum(EnumDe {
                    de: self.sub(value),
                    variant,
                })
            }
            _ => Err(de::Error::invalid_type(unexpected(&self.value), &visitor)),
        }
    }

    fn deserialize_unit<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Nil => visitor.visit_unit(),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_unit_struct<V: de::Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i128 u128 f32 f64 char str string bytes byte_buf identifier ignored_any
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'static> {
    match v {
        Value::Nil => de::Unexpected::Unit,
        Value::Boolean(b) => de::Unexpected::Bool(*b),
        Value::Integer(i) => de::Unexpected::Signed(*i),
        Value::Number(n) => de::Unexpected::Float(*n),
        Value::String(_) => de::Unexpected::Other("string"),
        Value::Table(_) => de::Unexpected::Other("table"),
        _ => de::Unexpected::Other(v.type_name()),
    }
}

struct SeqDe<'a> {
    de: &'a Deserializer,
    it: std::vec::IntoIter<Value>,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'_> {
    type Error = Error;
    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>> {
        match self.it.next() {
            Some(v) => seed.deserialize(self.de.sub(v)).map(Some),
            None => Ok(None),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.it.len())
    }
}

struct MapDe<'a> {
    de: &'a Deserializer,
    it: std::vec::IntoIter<(Value, Value)>,
    value: Option<Value>,
}

impl<'de> de::MapAccess<'de> for MapDe<'_> {
    type Error = Error;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.it.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(self.de.sub(k)).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let v = self.value.take().unwrap_or(Value::Nil);
        seed.deserialize(self.de.sub(v))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.it.len())
    }
}

struct EnumDe {
    de: Deserializer,
    variant: String,
}

impl<'de> de::EnumAccess<'de> for EnumDe {
    type Error = Error;
    type Variant = Deserializer;
    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Deserializer)> {
        let v = seed.deserialize(self.variant.into_deserializer())?;
        Ok((v, self.de))
    }
}

impl<'de> de::VariantAccess<'de> for Deserializer {
    type Error = Error;
    fn unit_variant(self) -> Result<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: de::Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }
    fn struct_variant<V: de::Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
