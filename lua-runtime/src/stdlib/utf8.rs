//! The `utf8` library (lutf8lib.c): argument handling around the pure
//! algorithms of [`crate::strlib::utf8`].

use crate::error::LuaResult;
use crate::object::{Args, NativeKind};
use crate::state::State;
use crate::strlib::utf8::{self, CodepointError, OffsetError};
use crate::value::Value;
use crate::vm::frame::FrameFn;

/// Install `utf8` (global and `package.loaded.utf8`).
pub fn open(st: &mut State) {
    let t = st.new_table();
    st.register(
        t,
        &[
            ("char", char),
            ("codepoint", codepoint),
            ("len", len),
            ("offset", offset),
        ],
    );
    // `codes` returns one of two fixed iterators (its upvalues), so the
    // iterator is the same function value every time, as in PUC.
    let strict = st.new_native("for iterator", iter_strict);
    let lax = st.new_native("for iterator", iter_lax);
    let c = st.new_native_kind("codes", codes, NativeKind::Plain, vec![strict, lax]);
    st.set_field(t, "codes", c);
    let p = st.str_value(utf8::CHARPATTERN);
    st.set_field(t, "charpattern", p);
    st.set_global("utf8", Value::Table(t));
    let loaded = st.loaded;
    st.set_field(loaded, "utf8", Value::Table(t));
}

fn char(st: &mut State, a: Args) -> LuaResult<usize> {
    let mut out = Vec::new();
    for i in 1..=a.n {
        let n = st.check_int(a, i)?;
        match utf8::char_code(n) {
            Ok(c) => utf8::encode(c, &mut out),
            Err(m) => return Err(st.arg_error(i, m)),
        }
    }
    let s = st.str_value(&out);
    st.ret(s)
}

fn len(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let i = st.opt_int(a, 2, 1)?;
    let j = st.opt_int(a, 3, -1)?;
    let lax = a.get(st, 4).truthy();
    match utf8::len(s.as_bytes(), i, j, lax) {
        Ok(Ok(n)) => st.ret(Value::Int(n)),
        Ok(Err(p)) => {
            st.push(Value::Nil);
            st.push(Value::Int(p));
            Ok(2)
        }
        Err((arg, m)) => Err(st.arg_error(arg, m)),
    }
}

fn codepoint(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let i = st.opt_int(a, 2, 1)?;
    let j = st.opt_int(a, 3, i)?;
    let lax = a.get(st, 4).truthy();
    match utf8::codepoints(s.as_bytes(), i, j, lax) {
        Ok(cs) => {
            let room = crate::state::MAX_STACK.saturating_sub(st.top());
            if cs.len() > room {
                return Err(st.error("string slice too long"));
            }
            let n = cs.len();
            for c in cs {
                st.push(Value::Int(c));
            }
            Ok(n)
        }
        Err(CodepointError::Arg((arg, m))) => Err(st.arg_error(arg, m)),
        Err(CodepointError::Message(m)) => Err(st.error(m)),
    }
}

fn offset(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let n = st.check_int(a, 2)?;
    let i = if a.is_none_or_nil(st, 3) {
        None
    } else {
        Some(st.check_int(a, 3)?)
    };
    match utf8::offset(s.as_bytes(), n, i) {
        Ok(Some(p)) => st.ret(Value::Int(p)),
        Ok(None) => st.ret(Value::Nil),
        Err(OffsetError::Arg((arg, m))) => Err(st.arg_error(arg, m)),
        Err(OffsetError::Message(m)) => Err(st.error(m)),
    }
}

fn iter_strict(st: &mut State, a: Args) -> LuaResult<usize> {
    iter_aux(st, a, true)
}

fn iter_lax(st: &mut State, a: Args) -> LuaResult<usize> {
    iter_aux(st, a, false)
}

fn iter_aux(st: &mut State, a: Args, strict: bool) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let control = crate::vm::ops::to_integer(a.get(st, 2)).unwrap_or(0);
    match utf8::codes_step(s.as_bytes(), control, strict) {
        Ok(Some((pos, code))) => {
            st.push(Value::Int(pos));
            st.push(Value::Int(code));
            Ok(2)
        }
        Ok(None) => Ok(0),
        Err(m) => Err(st.error(m)),
    }
}

fn codes(st: &mut State, a: Args) -> LuaResult<usize> {
    let lax = a.get(st, 2).truthy();
    let s = st.check_str(a, 1)?;
    // 5.4.6: a string starting with a continuation byte is refused here.
    if s.as_bytes().first().is_some_and(|&b| utf8::is_cont(b)) {
        return Err(st.arg_error(1, utf8::MSG_INVALID));
    }
    let f = match st.th.frames.last().map(|f| f.func_fn) {
        Some(FrameFn::Native(nf)) => nf
            .upvalues
            .borrow()
            .get(lax as usize)
            .copied()
            .unwrap_or(Value::Nil),
        _ => Value::Nil,
    };
    st.push(f);
    st.push(Value::Str(s));
    st.push(Value::Int(0));
    Ok(3)
}
