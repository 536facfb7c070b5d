//! The `debug` library (ldblib.c): stack introspection (`getinfo`,
//! `getlocal`, `setlocal`, `traceback`), upvalues, metatables of any type,
//! user values, the registry, hooks (`sethook`, `gethook`; the events are
//! raised by the executors' hooked walks, see [`crate::vm::hook`]) and
//! `debug.debug`.
//!
//! Levels count frames from the top of a thread's frame stack as lua5.4
//! counts `CallInfo`s: 0 is the running function (the library function
//! itself for the running thread), natives included. A function of another
//! thread (a suspended coroutine) is inspected in that thread's saved
//! stacks.

use std::io::BufRead;

use crate::error::LuaResult;
use crate::gc::Gc;
use crate::object::{Args, Thread};
use crate::state::State;
use crate::value::Value;
use crate::vm::debug::{call_name, frame_line, frame_value, short_src};
use crate::vm::frame::{CallFrame, FrameFlags, FrameFn, ThreadStacks};
use crate::vm::hook::{Hook, HookMask};

pub fn open(st: &mut State) {
    let t = st.new_table();
    st.register(
        t,
        &[
            ("debug", debug),
            ("getuservalue", getuservalue),
            ("gethook", gethook),
            ("getinfo", getinfo),
            ("getlocal", getlocal),
            ("getregistry", getregistry),
            ("getmetatable", getmetatable),
            ("getupvalue", getupvalue),
            ("upvaluejoin", upvaluejoin),
            ("upvalueid", upvalueid),
            ("setuservalue", setuservalue),
            ("sethook", sethook),
            ("setlocal", setlocal),
            ("setmetatable", setmetatable),
            ("setupvalue", setupvalue),
            ("traceback", traceback),
            ("setcstacklimit", setcstacklimit),
        ],
    );
    st.set_global("debug", Value::Table(t));
    let loaded = st.loaded;
    st.set_field(loaded, "debug", Value::Table(t));
}

/// `getthread`: an optional thread as the first argument. Returns it
/// (`None`: the running thread) and the offset of the other arguments.
fn thread_arg(st: &State, a: Args) -> (Option<Gc<Thread>>, usize) {
    match a.get(st, 1) {
        Value::Thread(t) if !Gc::ptr_eq(t, st.current) => (Some(t), 1),
        Value::Thread(_) => (None, 1),
        _ => (None, 0),
    }
}

/// Run `f` on the stacks of thread `th` (`None`: the running one).
fn with_stacks<R>(
    st: &mut State,
    th: Option<Gc<Thread>>,
    f: impl FnOnce(&mut ThreadStacks) -> R,
) -> R {
    match th {
        None => f(&mut st.th),
        Some(t) => f(&mut t.saved.borrow_mut()),
    }
}

/// The frame index of stack level `level` (0 = the top frame).
fn level_index(frames: &[CallFrame], level: i64) -> Option<usize> {
    let level = usize::try_from(level).ok()?;
    frames.len().checked_sub(level + 1)
}

// ---------------------------------------------------------------------
// getinfo

/// What `lua_getinfo` finds about a function, and about its frame when it
/// is running.
#[derive(Default)]
struct Info {
    func: Value,
    /// The frame's call name (`getfuncname`).
    name: Option<(String, String)>,
    currentline: i64,
    istailcall: bool,
    transfer: (usize, usize),
}

fn getinfo(st: &mut State, a: Args) -> LuaResult<usize> {
    let (th, arg) = thread_arg(st, a);
    let options = match st.opt_str(a, arg + 2)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"flnSrtu".to_vec(),
    };
    if options.first() == Some(&b'>') {
        return Err(st.arg_error(arg + 2, "invalid option '>'"));
    }
    let target = a.get(st, arg + 1);
    let info = if target.is_function() {
        Info {
            func: target,
            currentline: -1,
            ..Info::default()
        }
    } else {
        let level = st.check_int(a, arg + 1)?;
        let found = with_stacks(st, th, |s| {
            let i = level_index(&s.frames, level)?;
            let f = &s.frames[i];
            let transfer = match s.hook.transfer {
                Some((fi, first, n)) if fi == i => (first, n),
                _ => (0, 0),
            };
            Some(Info {
                func: frame_value(f),
                name: call_name(&s.frames, i),
                currentline: frame_line(f, f.current_pc()),
                istailcall: f.flags.contains(FrameFlags::TAIL),
                transfer,
            })
        });
        match found {
            Some(i) => i,
            None => return st.ret(Value::Nil),
        }
    };
    if options
        .iter()
        .any(|c| !matches!(c, b'S' | b'l' | b'u' | b'n' | b'r' | b't' | b'L' | b'f'))
    {
        return Err(st.arg_error(arg + 2, "invalid option"));
    }
    let t = st.new_table();
    let has = |c: u8| options.contains(&c);
    let lua = match info.func {
        Value::LuaFn(c) => Some(c),
        _ => None,
    };
    if has(b'S') {
        let (source, line, last, what) = match lua {
            Some(c) => {
                let p = &c.p.proto;
                let what = if p.line_defined == 0 { "main" } else { "Lua" };
                (
                    p.source.to_string(),
                    i64::from(p.line_defined),
                    i64::from(p.last_line_defined),
                    what,
                )
            }
            None => ("=[C]".to_string(), -1, -1, "C"),
        };
        let short = match lua {
            Some(c) => short_src(&c.p.proto),
            None => "[C]".to_string(),
        };
        set_str(st, t, "source", &source);
        set_str(st, t, "short_src", &short);
        st.set_field(t, "linedefined", Value::Int(line));
        st.set_field(t, "lastlinedefined", Value::Int(last));
        set_str(st, t, "what", what);
    }
    if has(b'l') {
        st.set_field(t, "currentline", Value::Int(info.currentline));
    }
    if has(b'u') {
        let (nups, nparams, vararg) = match info.func {
            Value::LuaFn(c) => (
                c.upvals.len(),
                c.shape.num_params as usize,
                c.shape.is_vararg,
            ),
            Value::Native(n) => (n.upvalues.borrow().len(), 0, true),
            _ => (0, 0, true),
        };
        st.set_field(t, "nups", Value::Int(nups as i64));
        st.set_field(t, "nparams", Value::Int(nparams as i64));
        st.set_field(t, "isvararg", Value::Bool(vararg));
    }
    if has(b'n') {
        match &info.name {
            Some((what, name)) => {
                set_str(st, t, "name", name);
                set_str(st, t, "namewhat", what);
            }
            None => set_str(st, t, "namewhat", ""),
        }
    }
    if has(b'r') {
        st.set_field(t, "ftransfer", Value::Int(info.transfer.0 as i64));
        st.set_field(t, "ntransfer", Value::Int(info.transfer.1 as i64));
    }
    if has(b't') {
        st.set_field(t, "istailcall", Value::Bool(info.istailcall));
    }
    if has(b'L') {
        let v = match lua {
            Some(c) => {
                let lines = st.new_table();
                let p = &c.p.proto;
                for &l in &p.debug.lines {
                    st.raw_set_int(lines, i64::from(l), Value::Bool(true));
                }
                // PUC ends every function with a return at its `end`, even
                // after an explicit one (luna leaves out the unreachable
                // instruction): its line is active.
                if p.line_defined > 0 && !p.debug.lines.is_empty() {
                    st.raw_set_int(lines, i64::from(p.last_line_defined), Value::Bool(true));
                }
                Value::Table(lines)
            }
            None => Value::Nil,
        };
        st.set_field(t, "activelines", v);
    }
    if has(b'f') {
        st.set_field(t, "func", info.func);
    }
    st.ret(Value::Table(t))
}

fn set_str(st: &mut State, t: Gc<crate::object::Table>, k: &str, v: &str) {
    let v = st.str_value(v);
    st.set_field(t, k, v);
}

// ---------------------------------------------------------------------
// Locals

/// `luaG_findlocal`: the name of local `n` of frame `i` and its stack
/// slot (negative `n`: the frame's varargs).
fn find_local(s: &ThreadStacks, i: usize, n: i64) -> Option<(String, usize)> {
    let f = &s.frames[i];
    let base = f.base;
    let mut name = None;
    if let FrameFn::Lua(c) = f.func_fn {
        if n < 0 {
            if !c.shape.is_vararg {
                return None;
            }
            let k = usize::try_from(-n).ok()?;
            if k > f.nvarargs {
                return None;
            }
            let slot = f.func + 1 + c.shape.num_params as usize + (k - 1);
            return Some(("(vararg)".to_string(), slot));
        }
        name = local_name(&c.p.proto, n, f.current_pc());
    }
    let n = usize::try_from(n).ok().filter(|&n| n > 0)?;
    let name = match name {
        Some(nm) => nm,
        None => {
            let limit = match s.frames.get(i + 1) {
                Some(next) => next.func,
                None => s.stack.len(),
            };
            if limit.saturating_sub(base) < n {
                return None;
            }
            match f.func_fn {
                FrameFn::Lua(_) => "(temporary)".to_string(),
                FrameFn::Native(_) => "(C temporary)".to_string(),
            }
        }
    };
    Some((name, base + n - 1))
}

/// `luaF_getlocalname`: the `n`-th local variable active at `pc`.
fn local_name(p: &lua_bytecode::Proto, n: i64, pc: u32) -> Option<String> {
    let mut n = n;
    for l in &p.debug.locals {
        if l.start_pc > pc {
            break;
        }
        if pc < l.end_pc {
            n -= 1;
            if n == 0 {
                return Some(l.name.to_string());
            }
        }
    }
    None
}

fn getlocal(st: &mut State, a: Args) -> LuaResult<usize> {
    let (th, arg) = thread_arg(st, a);
    let n = st.check_int(a, arg + 2)?;
    let target = a.get(st, arg + 1);
    if target.is_function() {
        // Parameters of a function that is not running.
        let name = match target {
            Value::LuaFn(c) => local_name(&c.p.proto, n, 0),
            _ => None,
        };
        let v = match name {
            Some(nm) => st.str_value(nm),
            None => Value::Nil,
        };
        return st.ret(v);
    }
    let level = st.check_int(a, arg + 1)?;
    let found = with_stacks(st, th, |s| {
        let i = level_index(&s.frames, level)?;
        // A dead coroutine keeps its frames, not its values.
        Some(find_local(s, i, n).and_then(|(name, slot)| Some((name, *s.stack.get(slot)?))))
    });
    match found {
        None => Err(st.arg_error(arg + 1, "level out of range")),
        Some(None) => st.ret(Value::Nil),
        Some(Some((name, v))) => {
            let name = st.str_value(name);
            st.push(name);
            st.push(v);
            Ok(2)
        }
    }
}

fn setlocal(st: &mut State, a: Args) -> LuaResult<usize> {
    let (th, arg) = thread_arg(st, a);
    let level = st.check_int(a, arg + 1)?;
    let n = st.check_int(a, arg + 2)?;
    let in_range = with_stacks(st, th, |s| level_index(&s.frames, level).is_some());
    if !in_range {
        return Err(st.arg_error(arg + 1, "level out of range"));
    }
    let v = st.check_any(a, arg + 3)?;
    let name = with_stacks(st, th, |s| {
        let i = level_index(&s.frames, level)?;
        let (name, slot) = find_local(s, i, n)?;
        *s.stack.get_mut(slot)? = v;
        Some(name)
    });
    let r = match name {
        Some(nm) => st.str_value(nm),
        None => Value::Nil,
    };
    st.ret(r)
}

// ---------------------------------------------------------------------
// Upvalues

/// Upvalue `n` of function `f`: its name and value.
fn upvalue(f: Value, n: i64) -> Option<(String, Value)> {
    let i = usize::try_from(n).ok()?.checked_sub(1)?;
    match f {
        Value::LuaFn(c) => {
            let u = c.upvals.get(i)?.get();
            let name = match c.p.proto.upvalues.get(i).map(|d| d.name.to_string()) {
                Some(nm) if !nm.is_empty() => nm,
                _ => "(no name)".to_string(),
            };
            Some((name, u.get()))
        }
        Value::Native(nf) => Some((String::new(), *nf.upvalues.borrow().get(i)?)),
        _ => None,
    }
}

fn getupvalue(st: &mut State, a: Args) -> LuaResult<usize> {
    let n = st.check_int(a, 2)?;
    let f = st.check_function(a, 1)?;
    match upvalue(f, n) {
        Some((name, v)) => {
            let name = st.str_value(name);
            st.push(name);
            st.push(v);
            Ok(2)
        }
        None => Ok(0),
    }
}

fn setupvalue(st: &mut State, a: Args) -> LuaResult<usize> {
    let v = st.check_any(a, 3)?;
    let n = st.check_int(a, 2)?;
    let f = st.check_function(a, 1)?;
    let Some((name, _)) = upvalue(f, n) else {
        return Ok(0);
    };
    let i = (n - 1) as usize;
    match f {
        Value::LuaFn(c) => {
            let u = c.upvals[i].get();
            st.upval_set(u, v);
        }
        Value::Native(nf) => {
            nf.upvalues.borrow_mut()[i] = v;
            st.heap.barrier(nf, v);
        }
        _ => {}
    }
    st.ret_str(&name)
}

/// `lua_upvalueid`: the identity of upvalue `n` of `f` (shared upvalues
/// have the same), `None` for an invalid index.
fn upvalue_id(f: Value, n: i64) -> Option<usize> {
    let i = usize::try_from(n).ok()?.checked_sub(1)?;
    match f {
        Value::LuaFn(c) => Some(c.upvals.get(i)?.get().addr()),
        Value::Native(nf) => {
            let ups = nf.upvalues.borrow();
            ups.get(i)?;
            Some(ups.as_ptr() as usize + i * std::mem::size_of::<Value>())
        }
        _ => None,
    }
}

fn upvalueid(st: &mut State, a: Args) -> LuaResult<usize> {
    let n = st.check_int(a, 2)?;
    let f = st.check_function(a, 1)?;
    let v = upvalue_id(f, n).map_or(Value::Nil, Value::LightUserData);
    st.ret(v)
}

fn upvaluejoin(st: &mut State, a: Args) -> LuaResult<usize> {
    let check = |st: &mut State, fa: usize, na: usize| -> LuaResult<(Value, usize)> {
        let n = st.check_int(a, na)?;
        let f = st.check_function(a, fa)?;
        if upvalue_id(f, n).is_none() {
            return Err(st.arg_error(na, "invalid upvalue index"));
        }
        Ok((f, (n - 1) as usize))
    };
    let (f1, n1) = check(st, 1, 2)?;
    let (f2, n2) = check(st, 3, 4)?;
    let (Value::LuaFn(c1), Value::LuaFn(c2)) = (f1, f2) else {
        let bad = if matches!(f1, Value::LuaFn(_)) { 3 } else { 1 };
        return Err(st.arg_error(bad, "Lua function expected"));
    };
    let u = c2.upvals[n2].get();
    c1.upvals[n1].set(u);
    st.heap.barrier_object(c1, u);
    Ok(0)
}

// ---------------------------------------------------------------------
// Metatables, user values, registry

fn getmetatable(st: &mut State, a: Args) -> LuaResult<usize> {
    let v = st.check_any(a, 1)?;
    let r = st.metatable(v).map_or(Value::Nil, Value::Table);
    st.ret(r)
}

fn setmetatable(st: &mut State, a: Args) -> LuaResult<usize> {
    let v = a.get(st, 1);
    let mt = match a.get(st, 2) {
        Value::Nil => None,
        Value::Table(t) => Some(t),
        _ => return Err(st.type_arg_error(a, 2, "nil or table")),
    };
    match v {
        Value::Table(t) => st.set_table_metatable(t, mt),
        Value::UserData(u) => {
            u.meta.set(mt);
            st.heap.barrier(u, mt.map_or(Value::Nil, Value::Table));
        }
        other => st.type_metas[other.type_of() as usize] = mt,
    }
    if matches!(v, Value::Table(_) | Value::UserData(_)) {
        st.check_finalizer(v, mt);
    }
    st.ret(v)
}

fn getuservalue(st: &mut State, a: Args) -> LuaResult<usize> {
    let n = st.opt_int(a, 2, 1)?;
    match a.get(st, 1) {
        Value::UserData(u) if n == 1 && u.nuvalue >= 1 => {
            st.push(u.user_value.get());
            st.push(Value::Bool(true));
            Ok(2)
        }
        _ => st.ret(Value::Nil),
    }
}

fn setuservalue(st: &mut State, a: Args) -> LuaResult<usize> {
    let n = st.opt_int(a, 3, 1)?;
    let Value::UserData(u) = a.get(st, 1) else {
        return Err(st.type_arg_error(a, 1, "userdata"));
    };
    let v = st.check_any(a, 2)?;
    if n != 1 || u.nuvalue < 1 {
        return st.ret(Value::Nil);
    }
    u.user_value.set(v);
    st.heap.barrier(u, v);
    st.ret(Value::UserData(u))
}

fn getregistry(st: &mut State, _a: Args) -> LuaResult<usize> {
    let r = st.registry;
    st.ret(Value::Table(r))
}

// ---------------------------------------------------------------------
// Hooks

fn sethook(st: &mut State, a: Args) -> LuaResult<usize> {
    let (th, arg) = thread_arg(st, a);
    let hook = if a.is_none_or_nil(st, arg + 1) {
        Hook::default()
    } else {
        let smask = st.check_str(a, arg + 2)?;
        let f = st.check_function(a, arg + 1)?;
        let count = st.opt_int(a, arg + 3, 0)?;
        let count = u32::try_from(count.clamp(0, i64::from(i32::MAX))).unwrap_or(0);
        let b = smask.as_bytes();
        let mut mask = HookMask::empty();
        for (c, m) in [
            (b'c', HookMask::CALL),
            (b'r', HookMask::RET),
            (b'l', HookMask::LINE),
        ] {
            if b.contains(&c) {
                mask |= m;
            }
        }
        if count > 0 {
            mask |= HookMask::COUNT;
        }
        if mask.is_empty() {
            Hook::default()
        } else {
            Hook {
                func: f,
                mask,
                base_count: count,
                count,
                ..Hook::default()
            }
        }
    };
    // lua5.4 keeps the hook functions in the registry's `_HOOKKEY`, a
    // table with weak keys indexed by thread; programs look at it.
    let reg = st.registry;
    let table = match st.get_field(reg, "_HOOKKEY") {
        Value::Table(t) => t,
        _ => {
            let t = st.new_table();
            let k = st.str_value("k");
            st.set_field(t, "__mode", k);
            st.set_table_metatable(t, Some(t));
            st.set_field(reg, "_HOOKKEY", Value::Table(t));
            t
        }
    };
    let thread = Value::Thread(th.unwrap_or(st.current));
    st.raw_set(table, thread, hook.func)?;
    with_stacks(st, th, |s| {
        // The hook's bookkeeping (a hook running, the line last traced)
        // stays with the thread.
        let h = &mut s.hook;
        h.func = hook.func;
        h.mask = hook.mask;
        h.base_count = hook.base_count;
        h.count = hook.count;
    });
    if th.is_none() && hook.mask.contains(HookMask::RET) {
        // This function's own return is the first event lua5.4 raises.
        let fi = st.th.frames.len() - 1;
        let end = st.th.stack.len();
        crate::vm::hook::ret(st, fi, end, 0)?;
    }
    Ok(0)
}

fn gethook(st: &mut State, a: Args) -> LuaResult<usize> {
    let (th, _) = thread_arg(st, a);
    let h = with_stacks(st, th, |s| s.hook);
    if h.mask.is_empty() {
        return st.ret(Value::Nil);
    }
    let mut m = String::new();
    for (c, f) in [
        ('c', HookMask::CALL),
        ('r', HookMask::RET),
        ('l', HookMask::LINE),
    ] {
        if h.mask.contains(f) {
            m.push(c);
        }
    }
    st.push(h.func);
    let m = st.str_value(m);
    st.push(m);
    st.push(Value::Int(i64::from(h.base_count)));
    Ok(3)
}

// ---------------------------------------------------------------------
// traceback, debug.debug, setcstacklimit

fn traceback(st: &mut State, a: Args) -> LuaResult<usize> {
    let (th, arg) = thread_arg(st, a);
    // Another thread's traceback starts at its top frame.
    let other = th.is_some();
    let msg = a.get(st, arg + 1);
    if !matches!(
        msg,
        Value::Str(_) | Value::Nil | Value::Int(_) | Value::Float(_)
    ) {
        return st.ret(msg);
    }
    let m = match msg {
        Value::Nil => None,
        _ => Some(st.check_str(a, arg + 1)?.to_str_lossy().into_owned()),
    };
    let level = st.opt_int(a, arg + 2, if other { 0 } else { 1 })?;
    let level = usize::try_from(level).unwrap_or(usize::MAX);
    let s = match th {
        None => st.traceback(m.as_deref(), level),
        Some(t) => st.traceback_of(&t.saved.borrow().frames, m.as_deref(), level),
    };
    st.ret_str(&s)
}

fn debug(st: &mut State, _a: Args) -> LuaResult<usize> {
    let stdin = std::io::stdin();
    loop {
        st.flush();
        eprint!("lua_debug> ");
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => return Ok(0),
            Ok(_) => {}
        }
        if line == "cont\n" {
            return Ok(0);
        }
        let top = st.th.stack.len();
        let r = st
            .load(line.as_bytes(), "=(debug command)", "t", None)
            .and_then(|f| st.call(f, &[]).map(|_| ()));
        if let Err(e) = r {
            let msg = match st.tostring(e.value) {
                Ok(s) => s.to_str_lossy().into_owned(),
                Err(_) => format!("(error object is a {} value)", e.value.type_name()),
            };
            st.flush();
            eprintln!("{msg}");
        }
        st.th.stack.truncate(top);
    }
}

fn setcstacklimit(st: &mut State, a: Args) -> LuaResult<usize> {
    st.check_int(a, 1)?;
    // As lua5.4 since 5.4.3: the limit is fixed; the call reports it.
    st.ret(Value::Int(i64::from(crate::state::MAX_C_CALLS)))
}

impl State {
    /// Push string `s` as the one result.
    fn ret_str(&mut self, s: &str) -> LuaResult<usize> {
        let v = self.str_value(s);
        self.ret(v)
    }
}
