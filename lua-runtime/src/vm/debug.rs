//! Debug information at run time: current lines, function names for
//! tracebacks (PUC's `getfuncname` + `pushglobalfuncname`), and
//! `luaL_traceback`'s exact text.

use lua_bytecode::{NameKind, Op, Proto};

use crate::state::State;
use crate::value::Value;
use crate::vm::frame::{CallFrame, FrameFlags, FrameFn};

/// Line of instruction `pc` of `proto`; `None` when the prototype has no
/// line information (loaded from a stripped binary chunk), where lua5.4's
/// `currentline` is -1.
pub fn current_line(proto: &Proto, pc: u32) -> Option<u32> {
    if proto.debug.lines.is_empty() {
        None
    } else {
        Some(proto.debug.line(pc))
    }
}

/// lua5.4's `currentline` of instruction `pc` in frame `f`'s function:
/// -1 for a native or a function without line information.
pub fn frame_line(f: &CallFrame, pc: u32) -> i64 {
    match f.func_fn {
        FrameFn::Lua(c) => current_line(&c.p.proto, pc).map_or(-1, i64::from),
        FrameFn::Native(_) => -1,
    }
}

/// The `short_src` of a prototype ("file.lua", "[string \"...\"]").
pub fn short_src(proto: &Proto) -> String {
    lua_syntax::chunk_id(&proto.source)
}

const LEVELS1: usize = 10;
const LEVELS2: usize = 11;

/// How the frame at index `i` of `frames` was called, as the caller's
/// code names it (PUC's `getfuncname`): ("local", "f"), ("method", "m"),
/// ("for iterator", "for iterator"), ("hook", "?"), ...
pub fn call_name(frames: &[CallFrame], i: usize) -> Option<(String, String)> {
    if i == 0 || i >= frames.len() {
        return None;
    }
    let f = &frames[i];
    if f.flags.contains(FrameFlags::TAIL) {
        return None;
    }
    let caller = &frames[i - 1];
    if caller.flags.contains(FrameFlags::HOOKED) {
        return Some(("hook".into(), "?".into()));
    }
    if caller.flags.contains(FrameFlags::FINALIZER) {
        return Some(("metamethod".into(), "__gc".into()));
    }
    let FrameFn::Lua(c) = caller.func_fn else {
        return None;
    };
    {
        let proto = &c.p.proto;
        let op = proto
            .flat()
            .code
            .get(caller.current_pc() as usize)
            .copied()?;
        let mm = |e: &str| Some(("metamethod".to_string(), e.to_string()));
        let reg = match op {
            Op::Call { func, .. } | Op::TailCall { func, .. } => func,
            Op::TForCall { .. } => {
                return Some(("for iterator".into(), "for iterator".into()));
            }
            Op::GetTabUp { .. }
            | Op::GetTable { .. }
            | Op::GetI { .. }
            | Op::GetField { .. }
            | Op::Method { .. } => return mm("index"),
            Op::SetTabUp { .. } | Op::SetTable { .. } | Op::SetI { .. } | Op::SetField { .. } => {
                return mm("newindex");
            }
            Op::Add { .. } | Op::AddK { .. } | Op::AddI { .. } => return mm("add"),
            Op::Sub { .. } | Op::SubK { .. } | Op::SubI { .. } => return mm("sub"),
            Op::Mul { .. } | Op::MulK { .. } => return mm("mul"),
            Op::Mod { .. } | Op::ModK { .. } => return mm("mod"),
            Op::Pow { .. } | Op::PowK { .. } => return mm("pow"),
            Op::Div { .. } | Op::DivK { .. } => return mm("div"),
            Op::IDiv { .. } | Op::IDivK { .. } => return mm("idiv"),
            Op::BAnd { .. } | Op::BAndK { .. } => return mm("band"),
            Op::BOr { .. } | Op::BOrK { .. } => return mm("bor"),
            Op::BXor { .. } | Op::BXorK { .. } => return mm("bxor"),
            Op::Shl { .. } | Op::ShlI { .. } => return mm("shl"),
            Op::Shr { .. } | Op::ShrI { .. } => return mm("shr"),
            Op::Unm { .. } => return mm("unm"),
            Op::BNot { .. } => return mm("bnot"),
            Op::Len { .. } => return mm("len"),
            Op::Concat { .. } => return mm("concat"),
            Op::Close { .. } | Op::Return { .. } | Op::Return0 | Op::Return1 { .. } => {
                return mm("close");
            }
            op if op.as_cond_jump().is_some() => {
                use lua_bytecode::Test;
                let (test, ..) = op.as_cond_jump()?;
                return match test {
                    Test::Eq(..) | Test::EqK(..) | Test::EqI(..) => mm("eq"),
                    Test::Lt(..) | Test::LtI(..) | Test::GtI(..) => mm("lt"),
                    Test::Le(..) | Test::LeI(..) | Test::GeI(..) => mm("le"),
                    Test::Truthy(_) => None,
                };
            }
            _ => return None,
        };
        let (kind, name) = proto.debug.operand_name(caller.current_pc(), reg)?;
        let kind = match kind {
            NameKind::Global => "global",
            NameKind::Local => "local",
            NameKind::Field => "field",
            NameKind::Upvalue => "upvalue",
            NameKind::Method => "method",
            NameKind::Constant => "constant",
        };
        Some((kind.to_string(), String::from_utf8_lossy(name).into_owned()))
    }
}

/// The function value running in `f`.
pub fn frame_value(f: &CallFrame) -> Value {
    match f.func_fn {
        FrameFn::Lua(c) => Value::LuaFn(c),
        FrameFn::Native(n) => Value::Native(n),
    }
}

impl State {
    /// [`call_name`] of the running thread's frame `i`.
    pub fn frame_call_name(&self, i: usize) -> Option<(String, String)> {
        call_name(&self.th.frames, i)
    }

    /// `pushglobalfuncname`: "name" or "mod.name" if `f` is a field of a
    /// loaded module (`_G.` stripped).
    pub fn global_func_name(&self, f: Value) -> Option<String> {
        let loaded = self.loaded.raw();
        let mut k = Value::Nil;
        while let Ok(Some((key, m))) = loaded.next(k) {
            k = key;
            let (Value::Str(modname), Value::Table(mt)) = (key, m) else {
                continue;
            };
            let r = mt.raw();
            let mut k2 = Value::Nil;
            while let Ok(Some((fk, fv))) = r.next(k2) {
                k2 = fk;
                if let Value::Str(fname) = fk
                    && fv.raw_eq(&f)
                {
                    let m = modname.to_str_lossy();
                    let n = fname.to_str_lossy();
                    return Some(if m == "_G" {
                        n.into_owned()
                    } else {
                        format!("{}.{}", m, n)
                    });
                }
            }
        }
        None
    }

    /// Description of frame `i` of `frames` for a traceback line
    /// ("function 'f'", "local 'f'", "main chunk", "function <file:3>", "?").
    fn frame_description(&self, frames: &[CallFrame], i: usize) -> String {
        let fv = frame_value(&frames[i]);
        if let Some(n) = self.global_func_name(fv) {
            return format!("function '{}'", n);
        }
        if let Some((kind, name)) = call_name(frames, i) {
            return format!("{} '{}'", kind, name);
        }
        match frames[i].func_fn {
            FrameFn::Lua(c) => {
                let p = &c.p.proto;
                if p.line_defined == 0 {
                    "main chunk".to_string()
                } else {
                    format!("function <{}:{}>", short_src(p), p.line_defined)
                }
            }
            FrameFn::Native(_) => "?".to_string(),
        }
    }

    /// `luaL_traceback` over the running thread's frames, starting `level`
    /// frames below the top (0 = the running function).
    pub fn traceback(&self, msg: Option<&str>, level: usize) -> String {
        self.traceback_of(&self.th.frames, msg, level)
    }

    /// `luaL_traceback` over `frames` (any thread's).
    pub fn traceback_of(&self, frames: &[CallFrame], msg: Option<&str>, level: usize) -> String {
        let mut out = String::new();
        if let Some(m) = msg {
            out.push_str(m);
            out.push('\n');
        }
        out.push_str("stack traceback:");
        let n = frames.len();
        if level >= n {
            return out;
        }
        let idxs: Vec<usize> = (0..n - level).rev().collect();
        let total = idxs.len();
        let mut k = 0;
        while k < total {
            if total > LEVELS1 + LEVELS2 && k == LEVELS1 {
                let skip = total - LEVELS1 - LEVELS2;
                out.push_str(&format!("\n\t...\t(skipping {} levels)", skip));
                k += skip;
                continue;
            }
            let i = idxs[k];
            let f = &frames[i];
            out.push_str("\n\t");
            match f.func_fn {
                FrameFn::Lua(c) => {
                    let p = &c.p.proto;
                    // `luaL_traceback` leaves out an unknown line.
                    out.push_str(&short_src(p));
                    out.push(':');
                    if let Some(line) = current_line(p, f.current_pc()) {
                        out.push_str(&line.to_string());
                        out.push(':');
                    }
                }
                FrameFn::Native(_) => out.push_str("[C]:"),
            }
            out.push_str(" in ");
            out.push_str(&self.frame_description(frames, i));
            if f.flags.contains(FrameFlags::TAIL) {
                out.push_str("\n\t(...tail calls...)");
            }
            k += 1;
        }
        out
    }
}
