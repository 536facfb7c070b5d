//! The body of a PUC-Rio Lua 5.4 binary chunk, read as `lundump.c`
//! (5.4.6) reads it, into [`PucProto`]s: the instructions stay PUC's
//! 32-bit words, for [`super::translate`].
//!
//! Every read is checked: a count is compared with the bytes left before
//! anything is allocated for it (a count larger than the chunk can hold is
//! a "truncated chunk", which is where lua5.4 would end up after
//! allocating), functions nest at most [`MAX_PROTO_DEPTH`] deep, and the
//! errors are lua5.4's (`truncated chunk`, `integer overflow`, `bad format
//! for constant string`).

use std::rc::Rc;

use crate::proto::Constant;
use crate::undump::{R, Why, corrupt, err};
use crate::verify::{MAX_PROTO_DEPTH, RED_ZONE, STACK_SEGMENT};

/// A function of a PUC-Rio chunk, as `lundump.c` loads it.
#[derive(Debug)]
pub struct PucProto {
    /// The chunk name; a function without one has its parent's (`None`
    /// only for a main function without one: a stripped chunk).
    pub source: Option<Rc<[u8]>>,
    pub line_defined: i32,
    pub last_line_defined: i32,
    pub num_params: u8,
    pub is_vararg: bool,
    pub max_stack: u8,
    pub code: Vec<u32>,
    pub constants: Vec<Constant>,
    pub upvalues: Vec<PucUpval>,
    pub protos: Vec<PucProto>,
    /// Line deltas, one per instruction (or none: stripped).
    pub lineinfo: Vec<i8>,
    /// `(pc, line)` pairs where `lineinfo` holds `ABSLINEINFO`.
    pub abslineinfo: Vec<(i32, i32)>,
    pub locvars: Vec<PucLocVar>,
}

#[derive(Debug)]
pub struct PucUpval {
    pub in_stack: bool,
    pub index: u8,
    /// `None`: stripped (or absent).
    pub name: Option<Rc<[u8]>>,
}

#[derive(Debug)]
pub struct PucLocVar {
    pub name: Option<Rc<[u8]>>,
    pub start_pc: i32,
    pub end_pc: i32,
}

/// `LUA_VNIL`, `LUA_VFALSE`, ... (lobject.h): the constant tags.
const VNIL: u8 = 0;
const VFALSE: u8 = 1;
const VTRUE: u8 = 0x11;
const VNUMINT: u8 = 3;
const VNUMFLT: u8 = 0x13;
const VSHRSTR: u8 = 4;
const VLNGSTR: u8 = 0x14;

/// A cursor over a chunk's bytes with `lundump.c`'s primitives.
pub struct Reader<'b> {
    pub b: &'b [u8],
    pub pos: usize,
}

impl<'b> Reader<'b> {
    pub fn left(&self) -> usize {
        self.b.len() - self.pos
    }

    pub fn take(&mut self, n: usize) -> R<&'b [u8]> {
        if n > self.left() {
            return err(Why::Truncated, format!("{n} bytes at {}", self.pos));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub fn byte(&mut self) -> R<u8> {
        Ok(self.take(1)?[0])
    }

    /// `loadUnsigned`: 7 bits per byte, most significant group first, the
    /// last byte marked by its high bit; "integer overflow" once the value
    /// would pass `limit`.
    fn unsigned(&mut self, limit: u64) -> R<u64> {
        let limit = limit >> 7;
        let mut x = 0u64;
        loop {
            let b = self.byte()?;
            if x >= limit {
                return err(Why::Overflow, format!("varint at {}", self.pos - 1));
            }
            x = (x << 7) | (b & 0x7f) as u64;
            if b & 0x80 != 0 {
                return Ok(x);
            }
        }
    }

    /// `loadSize` (a 64-bit `size_t`).
    fn size(&mut self) -> R<u64> {
        self.unsigned(u64::MAX)
    }

    /// `loadInt`.
    fn int(&mut self) -> R<i32> {
        Ok(self.unsigned(i32::MAX as u64)? as i32)
    }

    /// A count of items of `each` bytes: never more than the bytes left
    /// can hold.
    fn count(&mut self, each: usize) -> R<usize> {
        let n = self.int()? as usize;
        if n.saturating_mul(each) > self.left() {
            return err(
                Why::Truncated,
                format!("{n} items, {} bytes left", self.left()),
            );
        }
        Ok(n)
    }

    /// `loadStringN`: a string, or `None` for the empty encoding.
    fn string_n(&mut self) -> R<Option<Rc<[u8]>>> {
        let size = self.size()?;
        if size == 0 {
            return Ok(None);
        }
        let n = usize::try_from(size - 1).unwrap_or(usize::MAX);
        Ok(Some(Rc::from(self.take(n)?)))
    }

    fn array<const N: usize>(&mut self) -> R<[u8; N]> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    /// `loadFunction`: one function and, recursively, its children.
    pub fn function(&mut self, parent_source: Option<&Rc<[u8]>>, depth: usize) -> R<PucProto> {
        if depth > MAX_PROTO_DEPTH {
            return corrupt("functions nested too deeply");
        }
        let source = self.string_n()?.or_else(|| parent_source.cloned());
        let line_defined = self.int()?;
        let last_line_defined = self.int()?;
        let num_params = self.byte()?;
        let is_vararg = self.byte()? != 0;
        let max_stack = self.byte()?;
        let n = self.count(4)?;
        let mut code = Vec::with_capacity(n);
        for _ in 0..n {
            code.push(u32::from_le_bytes(self.array()?));
        }
        let n = self.count(1)?;
        let mut constants = Vec::with_capacity(n);
        for _ in 0..n {
            constants.push(match self.byte()? {
                VNIL => Constant::Nil,
                VFALSE => Constant::Bool(false),
                VTRUE => Constant::Bool(true),
                VNUMFLT => Constant::Float(f64::from_le_bytes(self.array()?)),
                VNUMINT => Constant::Int(i64::from_le_bytes(self.array()?)),
                VSHRSTR | VLNGSTR => match self.string_n()? {
                    Some(s) => Constant::Str(s),
                    None => return err(Why::ConstantString, "empty encoding"),
                },
                t => return corrupt(format!("constant tag {t} at {}", self.pos - 1)),
            });
        }
        let n = self.count(3)?;
        let mut upvalues = Vec::with_capacity(n);
        for _ in 0..n {
            let [in_stack, index, _kind] = self.array()?;
            upvalues.push(PucUpval {
                in_stack: in_stack != 0,
                index,
                name: None,
            });
        }
        let n = self.count(1)?;
        let mut protos = Vec::with_capacity(n);
        for _ in 0..n {
            let child = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
                self.function(source.as_ref(), depth + 1)
            })?;
            protos.push(child);
        }
        // loadDebug
        let n = self.count(1)?;
        let lineinfo = self.take(n)?.iter().map(|&b| b as i8).collect();
        let n = self.count(2)?;
        let mut abslineinfo = Vec::with_capacity(n);
        for _ in 0..n {
            let pc = self.int()?;
            let line = self.int()?;
            abslineinfo.push((pc, line));
        }
        let n = self.count(3)?;
        let mut locvars = Vec::with_capacity(n);
        for _ in 0..n {
            let name = self.string_n()?;
            let start_pc = self.int()?;
            let end_pc = self.int()?;
            locvars.push(PucLocVar {
                name,
                start_pc,
                end_pc,
            });
        }
        // Upvalue names: as lua5.4.6, a non-zero count means "all of them"
        // (a larger count cannot overflow the descriptors).
        if self.int()? != 0 {
            for u in &mut upvalues {
                u.name = self.string_n()?;
            }
        }
        Ok(PucProto {
            source,
            line_defined,
            last_line_defined,
            num_params,
            is_vararg,
            max_stack,
            code,
            constants,
            upvalues,
            protos,
            lineinfo,
            abslineinfo,
            locvars,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(b: &[u8]) -> Reader<'_> {
        Reader { b, pos: 0 }
    }

    #[test]
    fn varints_are_lundumps() {
        assert_eq!(reader(&[0x80]).size(), Ok(0));
        assert_eq!(reader(&[0x85]).int(), Ok(5));
        assert_eq!(reader(&[0x01, 0x80]).int(), Ok(128));
        assert_eq!(reader(&[0x03, 0x7f, 0xff]).int(), Ok(0xffff));
        // An int overflows past INT_MAX's 31 bits, a size past 64 bits.
        let e = reader(&[0x7f, 0x7f, 0x7f, 0x7f, 0x7f]).int().unwrap_err();
        assert_eq!(e.why, Why::Overflow);
        let e = reader(&[0x7f; 10]).size().unwrap_err();
        assert_eq!(e.why, Why::Overflow);
        // Nine groups fit; the tenth byte is where lua5.4 stops.
        let e = reader(&[0x7f; 9]).size().unwrap_err();
        assert_eq!(e.why, Why::Truncated);
        assert_eq!(reader(&[0x80]).string_n(), Ok(None));
        assert_eq!(
            reader(&[0x81]).string_n().unwrap().as_deref(),
            Some(&b""[..])
        );
    }

    #[test]
    fn strings_and_counts() {
        assert_eq!(
            reader(&[0x83, b'a', b'b']).string_n().unwrap().as_deref(),
            Some(&b"ab"[..])
        );
        let e = reader(&[0x84, b'a', b'b']).string_n().unwrap_err();
        assert_eq!(e.why, Why::Truncated);
        // A count larger than the bytes left is refused before allocating.
        let e = reader(&[0x07, 0x7f, 0x7f, 0xff, 0, 0])
            .count(4)
            .unwrap_err();
        assert_eq!(e.why, Why::Truncated);
    }
}
