//! The `string` library (lstrlib.c) and the string metatable: thin wrappers
//! that read arguments with lua5.4's checks and run the pure algorithms of
//! [`crate::strlib`].

use std::sync::atomic::AtomicU8;

use crate::error::{LuaError, LuaResult};
use crate::gc::Gc;
use crate::object::Args;
use crate::object::string::LuaStr;
use crate::state::State;
use crate::strlib::bytes;
use crate::strlib::format::{self, FormatArgs, FormatError, Literal};
use crate::strlib::pack::{self, PackArgs, PackError, Unpacked};
use crate::strlib::pattern::{self, Capture, GMatchState, GsubError, Match, Meter};
use crate::value::{Type, Value};
use crate::vm::frame::FrameFn;
use crate::vm::ops::{self, VarInfo};

/// Install `string` (global and `package.loaded.string`) and the string
/// metatable, whose `__index` is the library table.
pub fn open(st: &mut State) {
    let t = st.new_table();
    st.register(
        t,
        &[
            ("byte", byte),
            ("char", char),
            ("dump", dump),
            ("find", find),
            ("format", format),
            ("gmatch", gmatch),
            ("gsub", gsub),
            ("len", len),
            ("lower", lower),
            ("match", match_),
            ("rep", rep),
            ("reverse", reverse),
            ("sub", sub),
            ("upper", upper),
            ("pack", pack),
            ("packsize", packsize),
            ("unpack", unpack),
        ],
    );
    let mt = st.new_table();
    st.register(
        mt,
        &[
            ("__add", arith_add),
            ("__sub", arith_sub),
            ("__mul", arith_mul),
            ("__mod", arith_mod),
            ("__pow", arith_pow),
            ("__div", arith_div),
            ("__idiv", arith_idiv),
            ("__unm", arith_unm),
        ],
    );
    st.set_field(mt, "__index", Value::Table(t));
    st.type_metas[Type::String as usize] = Some(mt);
    st.set_global("string", Value::Table(t));
    let loaded = st.loaded;
    st.set_field(loaded, "string", Value::Table(t));
}

// ---------------------------------------------------------------------
// The string metatable's arithmetic (lstrlib's `arith`/`trymt`). The
// executors coerce numeric strings themselves; these are the same rules
// reachable as values, e.g. `getmetatable("").__add("1", 2)`.

fn arith(st: &mut State, a: Args, op: ops::ArithOp, event: &str) -> LuaResult<usize> {
    let x = a.get(st, 1);
    // lstrlib's `tonum` pushes the converted first operand, so with one
    // argument (a direct `__unm("2")` call) that value becomes the second.
    let y = match (a.is_none(2), ops::to_number(x)) {
        (true, Some(nx)) => nx,
        _ => a.get(st, 2),
    };
    if let (Some(nx), Some(ny)) = (ops::to_number(x), ops::to_number(y)) {
        return match ops::raw_arith(op, nx, ny) {
            ops::RawArith::Ok(v) => st.ret(v),
            ops::RawArith::ModByZero => Err(st.rt_error("attempt to perform 'n%0'")),
            ops::RawArith::DivByZero => Err(st.rt_error("attempt to divide by zero")),
            _ => Err(st.rt_error("number has no integer representation")),
        };
    }
    // trymt: the second operand's own metamethod, unless it is a string.
    if !matches!(y, Value::Str(_)) {
        let name = st.str_value(format!("__{event}"));
        if let Some(mt) = st.metatable(y) {
            let h = mt.get(name);
            if !h.is_nil() {
                let r = st.call1(h, &[x, y])?;
                return st.ret(r);
            }
        }
    }
    let msg = format!(
        "attempt to {} a '{}' with a '{}'",
        event,
        x.type_name(),
        y.type_name()
    );
    Err(st.error(msg))
}

fn arith_add(st: &mut State, a: Args) -> LuaResult<usize> {
    arith(st, a, ops::ArithOp::Add, "add")
}
fn arith_sub(st: &mut State, a: Args) -> LuaResult<usize> {
    arith(st, a, ops::ArithOp::Sub, "sub")
}
fn arith_mul(st: &mut State, a: Args) -> LuaResult<usize> {
    arith(st, a, ops::ArithOp::Mul, "mul")
}
fn arith_mod(st: &mut State, a: Args) -> LuaResult<usize> {
    arith(st, a, ops::ArithOp::Mod, "mod")
}
fn arith_pow(st: &mut State, a: Args) -> LuaResult<usize> {
    arith(st, a, ops::ArithOp::Pow, "pow")
}
fn arith_div(st: &mut State, a: Args) -> LuaResult<usize> {
    arith(st, a, ops::ArithOp::Div, "div")
}
fn arith_idiv(st: &mut State, a: Args) -> LuaResult<usize> {
    arith(st, a, ops::ArithOp::IDiv, "idiv")
}
fn arith_unm(st: &mut State, a: Args) -> LuaResult<usize> {
    arith(st, a, ops::ArithOp::Unm, "unm")
}

/// `luaL_error` with a byte message (it may quote the user's bytes).
fn error_bytes(st: &mut State, msg: &[u8]) -> LuaError {
    let mut m = st.where_(1).into_bytes();
    m.extend_from_slice(msg);
    st.plain_error(m)
}

/// A Lua string handed to the pure engines.
struct StrRef(Gc<LuaStr>);

impl AsRef<[u8]> for StrRef {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// `%s`'s text: the Lua string itself, or a number's digits without
/// interning a string for them.
enum Text {
    Lua(Gc<LuaStr>),
    Own(Vec<u8>),
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        match self {
            Text::Lua(s) => s.as_bytes(),
            Text::Own(b) => b,
        }
    }
}

fn len(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    st.ret(Value::Int(s.len() as i64))
}

fn sub(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let i = st.check_int(a, 2)?;
    let j = st.opt_int(a, 3, -1)?;
    let r = bytes::sub_range(s.len(), i, j);
    if r.start == 0 && r.end == s.len() {
        return st.ret(Value::Str(s));
    }
    let v = st.str_value(&s.as_bytes()[r]);
    st.ret(v)
}

fn reverse(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let v = st.str_value(bytes::reverse(s.as_bytes()));
    st.ret(v)
}

fn lower(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let v = st.str_value(bytes::lower(s.as_bytes()));
    st.ret(v)
}

fn upper(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let v = st.str_value(bytes::upper(s.as_bytes()));
    st.ret(v)
}

fn rep(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let n = st.check_int(a, 2)?;
    let sep = st.opt_str(a, 3)?;
    let sep_bytes: &[u8] = match &sep {
        Some(p) => p.as_bytes(),
        None => b"",
    };
    if n > 0 {
        let total = (s.len() as u128 + sep_bytes.len() as u128) * n as u128;
        if let Ok(total) = usize::try_from(total)
            && total <= bytes::MAXSIZE
        {
            st.reserve_string(total, total, "resulting string too large")?;
        }
    }
    match bytes::rep(s.as_bytes(), n, sep_bytes) {
        Ok(r) => {
            let v = st.str_value_owned(r);
            st.ret(v)
        }
        // Running out of memory is an error without a position, as
        // lua5.4's LUA_ERRMEM.
        Err(e @ bytes::RepError::NoMemory) => Err(st.plain_error(e.message())),
        Err(e) => Err(st.error(e.message())),
    }
}

fn byte(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let pi = st.opt_int(a, 2, 1)?;
    let pj = st.opt_int(a, 3, pi)?;
    let r = bytes::byte_range(s.len(), pi, pj);
    if r.len() >= i32::MAX as usize {
        return Err(st.error("string slice too long"));
    }
    if st.top() + r.len() > crate::state::MAX_STACK {
        return Err(st.error("stack overflow (string slice too long)"));
    }
    for &b in &s.as_bytes()[r.clone()] {
        st.push(Value::Int(b as i64));
    }
    Ok(r.len())
}

fn char(st: &mut State, a: Args) -> LuaResult<usize> {
    let mut out = Vec::with_capacity(a.n);
    for i in 1..=a.n {
        let c = st.check_int(a, i)?;
        match bytes::char_byte(c) {
            Some(b) => out.push(b),
            None => return Err(st.arg_error(i, "value out of range")),
        }
    }
    let v = st.str_value_owned(out);
    st.ret(v)
}

/// `string.dump(f [, strip])`: the binary chunk of Lua function `f`
/// (PUC-Rio's header, luna's own body: lua-bytecode's `dump`; `load`
/// reads it back).
fn dump(st: &mut State, a: Args) -> LuaResult<usize> {
    let f = st.check_function(a, 1)?;
    let strip = a.get(st, 2).truthy();
    let Value::LuaFn(c) = f else {
        // A native has no prototype to dump (lua_dump returns 1).
        return Err(st.error("unable to dump given function"));
    };
    let bytes = lua_bytecode::dump(&c.p.proto, strip);
    let v = st.str_value_owned(bytes);
    st.ret(v)
}

// ---------------------------------------------------------------------
// Patterns

fn capture_value(st: &mut State, src: &[u8], c: Capture) -> LuaResult<Value> {
    match c {
        Capture::Str(i, j) => Ok(st.str_value(&src[i..j])),
        Capture::Position(p) => Ok(Value::Int(p as i64)),
        Capture::Unfinished => Err(st.error("unfinished capture")),
    }
}

/// Pushes what `match`/`gmatch` return for `m`: its captures, or the
/// whole match when the pattern has none.
fn push_values(st: &mut State, src: &[u8], m: &Match) -> LuaResult<usize> {
    if m.captures.is_empty() {
        let v = st.str_value(&src[m.start..m.end]);
        st.push(v);
        return Ok(1);
    }
    let caps = m.explicit().map_err(|e| st.error(e.0))?;
    push_captures(st, src, caps)
}

fn push_captures(st: &mut State, src: &[u8], caps: &[Capture]) -> LuaResult<usize> {
    for &c in caps {
        let v = capture_value(st, src, c)?;
        st.push(v);
    }
    Ok(caps.len())
}

/// What a search may spend: the state's instruction budget (one unit per
/// matcher step); it stops when `stop` (the state's interrupt flag) is set.
fn meter<'a>(st: &State, stop: &'a AtomicU8) -> Meter<'a> {
    Meter {
        steps: st.budget_available().map(|b| b.saturating_add(1)),
        stop: Some(stop),
        used: 0,
    }
}

/// Charge a search's `used` steps; when it failed (`failed`), raise what
/// stopped it if that was the budget or an interrupt request, before the
/// pattern error is reported.
fn settle(st: &mut State, used: u64, failed: bool) -> LuaResult<()> {
    st.charge(used)?;
    if failed {
        st.attend()?;
    }
    Ok(())
}

fn find_aux(st: &mut State, a: Args, find: bool) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let p = st.check_str(a, 2)?;
    let init = st.opt_int(a, 3, 1)?;
    let plain = find && a.get(st, 4).truthy();
    let src = s.as_bytes();
    let mut m = meter(st, st.stop_flag());
    let r = pattern::str_find(src, p.as_bytes(), init, plain, find, &mut m);
    let used = m.used;
    settle(st, used, r.is_err())?;
    match r {
        Err(e) => Err(st.error(e.0)),
        Ok(None) => st.ret(Value::Nil),
        Ok(Some(m)) if find => {
            let caps = m.explicit().map_err(|e| st.error(e.0))?;
            st.push(Value::Int(m.start as i64 + 1));
            st.push(Value::Int(m.end as i64));
            Ok(2 + push_captures(st, src, caps)?)
        }
        Ok(Some(m)) => push_values(st, src, &m),
    }
}

fn find(st: &mut State, a: Args) -> LuaResult<usize> {
    find_aux(st, a, true)
}

fn match_(st: &mut State, a: Args) -> LuaResult<usize> {
    find_aux(st, a, false)
}

fn gmatch(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let p = st.check_str(a, 2)?;
    let init = st.opt_int(a, 3, 1)?;
    let g = GMatchState::new(s.len(), init);
    let ups = vec![
        Value::Str(s),
        Value::Str(p),
        Value::Int(g.pos as i64),
        Value::Int(-1),
    ];
    let f = st.new_native_kind(
        "gmatch_aux",
        gmatch_aux,
        crate::object::NativeKind::Plain,
        ups,
    );
    st.ret(f)
}

/// The iterator `gmatch` returns; its upvalues are the subject, the
/// pattern, the next start and the end of the last match (-1: none).
fn gmatch_aux(st: &mut State, _a: Args) -> LuaResult<usize> {
    let Some(FrameFn::Native(me)) = st.th.frames.last().map(|f| f.func_fn) else {
        return Ok(0);
    };
    let (s, p, mut g) = {
        let ups = me.upvalues.borrow();
        let (
            Some(Value::Str(s)),
            Some(Value::Str(p)),
            Some(Value::Int(pos)),
            Some(Value::Int(last)),
        ) = (
            ups.first().copied(),
            ups.get(1).copied(),
            ups.get(2).copied(),
            ups.get(3).copied(),
        )
        else {
            return Ok(0);
        };
        let g = GMatchState {
            pos: pos as usize,
            last_match: (last >= 0).then_some(last as usize),
        };
        (s, p, g)
    };
    let src = s.as_bytes();
    let mut m = meter(st, st.stop_flag());
    let found = g.next_match(src, p.as_bytes(), &mut m);
    let used = m.used;
    settle(st, used, found.is_err())?;
    let found = found.map_err(|e| st.error(e.0))?;
    {
        let mut ups = me.upvalues.borrow_mut();
        ups[2] = Value::Int(g.pos as i64);
        ups[3] = Value::Int(g.last_match.map_or(-1, |l| l as i64));
    }
    match found {
        None => Ok(0),
        Some(m) => push_values(st, src, &m),
    }
}

/// One `gsub` replacement of match `m`; says whether the text changed.
fn add_value(
    st: &mut State,
    src: &[u8],
    repl: Value,
    repl_str: &[u8],
    m: &Match,
    out: &mut Vec<u8>,
) -> Result<bool, GsubError<LuaError>> {
    let v = match repl {
        Value::Table(_) => {
            let key = m.get(0)?;
            let key = capture_value(st, src, key).map_err(GsubError::Replace)?;
            st.index(repl, key, VarInfo::None)
                .map_err(GsubError::Replace)?
        }
        Value::Str(_) | Value::Int(_) | Value::Float(_) => {
            pattern::expand_replacement(repl_str, src, m, out)?;
            return Ok(true);
        }
        _ => {
            let caps = m.values()?;
            let mut args: smallvec::SmallVec<[Value; 4]> = smallvec::SmallVec::new();
            for c in caps {
                args.push(capture_value(st, src, c).map_err(GsubError::Replace)?);
            }
            st.call1(repl, &args).map_err(GsubError::Replace)?
        }
    };
    match v {
        Value::Nil | Value::Bool(false) => {
            out.extend_from_slice(&src[m.start..m.end]);
            Ok(false)
        }
        Value::Str(_) | Value::Int(_) | Value::Float(_) => {
            ops::append_plain(out, v);
            Ok(true)
        }
        other => {
            let msg = format!("invalid replacement value (a {})", other.type_name());
            Err(GsubError::Replace(st.error(msg)))
        }
    }
}

fn gsub(st: &mut State, a: Args) -> LuaResult<usize> {
    let s = st.check_str(a, 1)?;
    let p = st.check_str(a, 2)?;
    let repl = a.get(st, 3);
    let max_n = if a.is_none_or_nil(st, 4) {
        None
    } else {
        Some(st.check_int(a, 4)?)
    };
    if !matches!(
        repl,
        Value::Str(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Table(_)
            | Value::LuaFn(_)
            | Value::Native(_)
    ) {
        return Err(st.type_arg_error(a, 3, "string/function/table"));
    }
    let mut repl_str = Vec::new();
    ops::append_plain(&mut repl_str, repl);
    let src = s.as_bytes();
    // The replacement needs the state: the meter's flag is a clone.
    let stop = st.stop_flag_arc();
    let mut m = meter(st, &stop);
    let r = pattern::gsub(src, p.as_bytes(), max_n, &mut m, |m, out| {
        let before = out.len();
        let changed = add_value(st, src, repl, &repl_str, m, out)?;
        // The result so far must stay within the limits.
        st.reserve_string(out.len(), out.len() - before, "buffer too large")
            .map_err(GsubError::Replace)?;
        Ok(changed)
    });
    settle(st, m.used, matches!(r, Err(GsubError::Pattern(_))))?;
    match r {
        Ok(r) => {
            let v = if r.changed {
                st.str_value(r.text)
            } else {
                Value::Str(s)
            };
            st.push(v);
            st.push(Value::Int(r.count));
            Ok(2)
        }
        Err(GsubError::Pattern(e)) => Err(st.error(e.0)),
        Err(GsubError::Replace(e)) => Err(e),
    }
}

// ---------------------------------------------------------------------
// format

struct FmtArgs<'s> {
    st: &'s mut State,
    a: Args,
}

impl FormatArgs for FmtArgs<'_> {
    type Error = LuaError;
    type Str = Text;

    fn arg_count(&self) -> usize {
        self.a.n.saturating_sub(1)
    }
    fn integer(&mut self, arg: usize) -> LuaResult<i64> {
        self.st.check_int(self.a, arg)
    }
    fn number(&mut self, arg: usize) -> LuaResult<f64> {
        self.st.check_number(self.a, arg)
    }
    fn tostring(&mut self, arg: usize) -> LuaResult<Text> {
        let v = self.a.get(self.st, arg);
        match v {
            Value::Int(_) | Value::Float(_) if self.st.metatable(v).is_none() => {
                let mut b = Vec::new();
                ops::append_plain(&mut b, v);
                Ok(Text::Own(b))
            }
            _ => self.st.tostring(v).map(Text::Lua),
        }
    }
    fn literal(&mut self, arg: usize) -> LuaResult<Literal<Text>> {
        Ok(match self.a.get(self.st, arg) {
            Value::Str(s) => Literal::Str(Text::Lua(s)),
            Value::Int(n) => Literal::Int(n),
            Value::Float(f) => Literal::Float(f),
            Value::Nil => Literal::Plain("nil"),
            Value::Bool(true) => Literal::Plain("true"),
            Value::Bool(false) => Literal::Plain("false"),
            _ => Literal::NoLiteral,
        })
    }
    fn pointer(&mut self, arg: usize) -> LuaResult<Option<usize>> {
        let addr = self.a.get(self.st, arg).heap_addr();
        Ok((addr != 0).then_some(addr))
    }
}

fn format(st: &mut State, a: Args) -> LuaResult<usize> {
    let f = st.check_str(a, 1)?;
    let r = format::format(f.as_bytes(), &mut FmtArgs { st, a });
    match r {
        Ok(out) => {
            st.reserve_string(out.len(), out.len(), "buffer too large")?;
            let v = st.str_value_owned(out);
            st.ret(v)
        }
        Err(FormatError::Arg(e)) => Err(e),
        Err(FormatError::BadArgument { arg, msg }) => Err(st.arg_error(arg, msg)),
        Err(FormatError::Message(m)) => Err(error_bytes(st, &m)),
    }
}

// ---------------------------------------------------------------------
// pack

struct PkArgs<'s> {
    st: &'s mut State,
    a: Args,
}

impl PackArgs for PkArgs<'_> {
    type Error = LuaError;
    type Str = StrRef;

    fn integer(&mut self, arg: usize) -> LuaResult<i64> {
        self.missing(arg, "number")?;
        self.st.check_int(self.a, arg)
    }
    fn number(&mut self, arg: usize) -> LuaResult<f64> {
        self.missing(arg, "number")?;
        self.st.check_number(self.a, arg)
    }
    fn string(&mut self, arg: usize) -> LuaResult<StrRef> {
        self.missing(arg, "string")?;
        self.st.check_str(self.a, arg).map(StrRef)
    }
}

impl PkArgs<'_> {
    /// lstrlib's `str_pack` pushes a nil above its arguments, so a missing
    /// value reads as "got nil", not "got no value".
    fn missing(&mut self, arg: usize, expected: &str) -> LuaResult<()> {
        if self.a.is_none(arg) {
            return Err(self
                .st
                .arg_error(arg, &format!("{expected} expected, got nil")));
        }
        Ok(())
    }
}

fn pack_error(st: &mut State, e: PackError<LuaError>) -> LuaError {
    match e {
        PackError::Arg(e) => e,
        PackError::BadArgument { arg, msg } => st.arg_error(arg, msg),
        PackError::Message(m) => st.error(m),
    }
}

/// The errors of `packsize`/`unpack`, which read no Lua values.
fn pack_error_plain(st: &mut State, e: PackError) -> LuaError {
    match e {
        PackError::Arg(never) => match never {},
        PackError::BadArgument { arg, msg } => st.arg_error(arg, msg),
        PackError::Message(m) => st.error(m),
    }
}

fn pack(st: &mut State, a: Args) -> LuaResult<usize> {
    let f = st.check_str(a, 1)?;
    match pack::pack(f.as_bytes(), &mut PkArgs { st, a }) {
        Ok(out) => {
            let v = st.str_value_owned(out);
            st.ret(v)
        }
        Err(e) => Err(pack_error(st, e)),
    }
}

fn packsize(st: &mut State, a: Args) -> LuaResult<usize> {
    let f = st.check_str(a, 1)?;
    match pack::packsize(f.as_bytes()) {
        Ok(n) => st.ret(Value::Int(n)),
        Err(e) => Err(pack_error_plain(st, e)),
    }
}

fn unpack(st: &mut State, a: Args) -> LuaResult<usize> {
    let f = st.check_str(a, 1)?;
    let data = st.check_str(a, 2)?;
    let init = st.opt_int(a, 3, 1)?;
    match pack::unpack(f.as_bytes(), data.as_bytes(), init) {
        Ok((vals, next)) => {
            let n = vals.len() + 1;
            if st.top() + n > crate::state::MAX_STACK {
                return Err(st.error("stack overflow (too many results)"));
            }
            for v in vals {
                let v = match v {
                    Unpacked::Int(i) => Value::Int(i),
                    Unpacked::Float(x) => Value::Float(x),
                    Unpacked::Str(s) => st.str_value(s),
                };
                st.push(v);
            }
            st.push(Value::Int(next));
            Ok(n)
        }
        Err(e) => Err(pack_error_plain(st, e)),
    }
}
