//! The `os` library (loslib.c). Dates and times go through the C library
//! (`localtime_r`, `gmtime_r`, `mktime`, `strftime`) so `TZ` is honoured
//! and every conversion is exactly the C locale's, as in lua5.4; files are
//! removed/renamed and commands run through libc too, so error texts and
//! `errno` values are the ones lua5.4 reports.

use std::ffi::{CStr, CString};

use crate::error::{LuaError, LuaResult};
use crate::object::Args;
use crate::state::State;
use crate::value::Value;
use crate::vm::ops::{self, VarInfo};

/// Install `os` (global and `package.loaded.os`).
pub fn open(st: &mut State) {
    let t = st.new_table();
    st.register(
        t,
        &[
            ("clock", clock),
            ("date", date),
            ("difftime", difftime),
            ("execute", execute),
            ("exit", exit),
            ("getenv", getenv),
            ("remove", remove),
            ("rename", rename),
            ("setlocale", setlocale),
            ("time", time),
            ("tmpname", tmpname),
        ],
    );
    st.set_global("os", Value::Table(t));
    let loaded = st.loaded;
    st.set_field(loaded, "os", Value::Table(t));
}

/// `strerror(code)`.
pub fn errno_text(code: i32) -> String {
    // SAFETY: strerror returns a pointer to a NUL-terminated string that
    // stays valid until the next strerror call on this thread; it is
    // copied at once.
    unsafe {
        let p = libc::strerror(code);
        if p.is_null() {
            return format!("Unknown error {}", code);
        }
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

/// The calling thread's `errno`.
pub fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// `luaL_fileresult`: `true`, or `nil, "[fname: ]strerror", errno`.
pub fn file_result(st: &mut State, ok: bool, fname: Option<&[u8]>, errno: i32) -> usize {
    if ok {
        st.push(Value::Bool(true));
        return 1;
    }
    st.push(Value::Nil);
    let mut msg = Vec::new();
    if let Some(f) = fname {
        msg.extend_from_slice(f);
        msg.extend_from_slice(b": ");
    }
    msg.extend_from_slice(errno_text(errno).as_bytes());
    let m = st.str_value(&msg);
    st.push(m);
    st.push(Value::Int(errno as i64));
    3
}

/// `luaL_execresult` for a `system`/`pclose` status.
pub fn exec_result(st: &mut State, stat: i32, errno: i32) -> usize {
    if stat == -1 && errno != 0 {
        return file_result(st, false, None, errno);
    }
    let (what, code) = if libc::WIFEXITED(stat) {
        ("exit", libc::WEXITSTATUS(stat))
    } else if libc::WIFSIGNALED(stat) {
        ("signal", libc::WTERMSIG(stat))
    } else {
        ("exit", stat)
    };
    if what == "exit" && code == 0 {
        st.push(Value::Bool(true));
    } else {
        st.push(Value::Nil);
    }
    let w = st.str_value(what);
    st.push(w);
    st.push(Value::Int(code as i64));
    3
}

fn cstring(b: &[u8]) -> CString {
    // A Lua string may hold NULs; C sees it up to the first one.
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    CString::new(&b[..end]).unwrap_or_default()
}

fn clock(st: &mut State, _a: Args) -> LuaResult<usize> {
    // glibc's clock() is this clock, in microseconds.
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    let micros = ts.tv_sec * 1_000_000 + ts.tv_nsec / 1000;
    st.ret(Value::Float(micros as f64 / 1_000_000.0))
}

fn getenv(st: &mut State, a: Args) -> LuaResult<usize> {
    let name = st.check_str(a, 1)?;
    let key = String::from_utf8_lossy(name.as_bytes()).into_owned();
    let v = match std::env::var_os(&key) {
        Some(v) if !key.is_empty() && !key.contains('=') && !key.contains('\0') => {
            use std::os::unix::ffi::OsStrExt;
            st.str_value(v.as_bytes())
        }
        _ => Value::Nil,
    };
    st.ret(v)
}

fn remove(st: &mut State, a: Args) -> LuaResult<usize> {
    let name = st.check_str(a, 1)?;
    let c = cstring(name.as_bytes());
    // SAFETY: `c` is a valid NUL-terminated path.
    let r = unsafe { libc::remove(c.as_ptr()) };
    let e = last_errno();
    Ok(file_result(st, r == 0, Some(name.as_bytes()), e))
}

fn rename(st: &mut State, a: Args) -> LuaResult<usize> {
    let from = st.check_str(a, 1)?;
    let to = st.check_str(a, 2)?;
    let cf = cstring(from.as_bytes());
    let ct = cstring(to.as_bytes());
    // SAFETY: both are valid NUL-terminated paths.
    let r = unsafe { libc::rename(cf.as_ptr(), ct.as_ptr()) };
    let e = last_errno();
    // lua5.4's os_rename names no file in its message.
    Ok(file_result(st, r == 0, None, e))
}

fn tmpname(st: &mut State, _a: Args) -> LuaResult<usize> {
    let mut buf = *b"/tmp/lua_XXXXXX\0";
    // SAFETY: `buf` is a writable NUL-terminated template.
    let fd = unsafe { libc::mkstemp(buf.as_mut_ptr() as *mut libc::c_char) };
    if fd == -1 {
        return Err(st.error("unable to generate a unique filename"));
    }
    // SAFETY: fd was just returned by mkstemp.
    unsafe { libc::close(fd) };
    let s = st.str_value(&buf[..buf.len() - 1]);
    st.ret(s)
}

fn execute(st: &mut State, a: Args) -> LuaResult<usize> {
    let cmd = st.opt_str(a, 1)?;
    // What the shell prints must follow what Lua printed before.
    st.flush();
    crate::stdlib::io::flush_all(st);
    match cmd {
        None => {
            // SAFETY: system(NULL) only asks whether a shell exists.
            let r = unsafe { libc::system(std::ptr::null()) };
            st.ret(Value::Bool(r != 0))
        }
        Some(c) => {
            let cs = cstring(c.as_bytes());
            // SAFETY: valid NUL-terminated command.
            let r = unsafe { libc::system(cs.as_ptr()) };
            let e = if r == -1 { last_errno() } else { 0 };
            Ok(exec_result(st, r, e))
        }
    }
}

fn exit(st: &mut State, a: Args) -> LuaResult<usize> {
    let status = match a.get(st, 1) {
        Value::Bool(b) => {
            if b {
                0
            } else {
                1
            }
        }
        _ => st.opt_int(a, 1, 0)? as i32,
    };
    // `os.exit(code, true)` closes the state first (lua_close): pending
    // to-be-closed variables run, innermost first.
    if a.get(st, 2).truthy() {
        st.close_state();
    }
    // C's exit() flushes every stdio stream: do the same for ours.
    st.flush();
    crate::stdlib::io::flush_all(st);
    std::process::exit(status);
}

fn setlocale(st: &mut State, a: Args) -> LuaResult<usize> {
    let loc = st.opt_str(a, 1)?;
    st.check_option(
        a,
        2,
        Some("all"),
        &["all", "collate", "ctype", "monetary", "numeric", "time"],
    )?;
    // luna runs in the C locale only.
    let r = match loc {
        None => st.str_value("C"),
        Some(l) if matches!(l.as_bytes(), b"" | b"C" | b"POSIX") => st.str_value("C"),
        Some(_) => Value::Nil,
    };
    st.ret(r)
}

fn check_time(st: &mut State, a: Args, i: usize) -> LuaResult<libc::time_t> {
    let t = st.check_int(a, i)?;
    Ok(t as libc::time_t)
}

fn difftime(st: &mut State, a: Args) -> LuaResult<usize> {
    let t1 = check_time(st, a, 1)?;
    let t2 = check_time(st, a, 2)?;
    st.ret(Value::Float(t1 as f64 - t2 as f64))
}

fn blank_tm() -> libc::tm {
    // SAFETY: `tm` is plain old data; all-zero is a valid value.
    unsafe { std::mem::zeroed() }
}

fn date(st: &mut State, a: Args) -> LuaResult<usize> {
    let fmt = match st.opt_str(a, 1)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"%c".to_vec(),
    };
    let t: libc::time_t = if a.is_none_or_nil(st, 2) {
        // SAFETY: time(NULL) has no preconditions.
        unsafe { libc::time(std::ptr::null_mut()) }
    } else {
        check_time(st, a, 2)?
    };
    let mut s: &[u8] = &fmt;
    let mut tm = blank_tm();
    let ok = if s.first() == Some(&b'!') {
        s = &s[1..];
        // SAFETY: valid pointers to a time_t and a tm.
        !unsafe { libc::gmtime_r(&t, &mut tm) }.is_null()
    } else {
        // SAFETY: as above.
        !unsafe { libc::localtime_r(&t, &mut tm) }.is_null()
    };
    if !ok {
        return Err(st.error("date result cannot be represented in this installation"));
    }
    if s == b"*t" {
        let tab = st.new_table_with(0, 9);
        st.push(Value::Table(tab));
        set_all_fields(st, Value::Table(tab), &tm)?;
        return Ok(1);
    }
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'%' {
            out.push(s[i]);
            i += 1;
            continue;
        }
        i += 1;
        let rest = &s[i..];
        let len = match conversion_len(rest) {
            Some(l) => l,
            None => {
                let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
                let m = format!(
                    "invalid conversion specifier '%{}'",
                    String::from_utf8_lossy(&rest[..end])
                );
                return Err(st.arg_error(1, &m));
            }
        };
        let mut spec = vec![b'%'];
        spec.extend_from_slice(&rest[..len]);
        spec.push(0);
        let mut buf = [0u8; 250];
        // SAFETY: `buf` has the size passed, `spec` is NUL-terminated and
        // `tm` was filled by localtime_r/gmtime_r.
        let n = unsafe {
            libc::strftime(
                buf.as_mut_ptr() as *mut libc::c_char,
                buf.len(),
                spec.as_ptr() as *const libc::c_char,
                &tm,
            )
        };
        out.extend_from_slice(&buf[..n]);
        i += len;
    }
    let r = st.str_value(&out);
    st.ret(r)
}

/// loslib's `checkoption` over `LUA_STRFTIMEOPTIONS` (C99): the length of
/// the valid conversion at the start of `conv`, if any.
fn conversion_len(conv: &[u8]) -> Option<usize> {
    const ONE: &[u8] = b"aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%";
    const TWO: [&[u8]; 2] = [b"EcECExEXEyEY", b"OdOeOHOIOmOMOSOuOUOVOwOWOy"];
    if let Some(&c) = conv.first()
        && ONE.contains(&c)
    {
        return Some(1);
    }
    if conv.len() >= 2 {
        for set in TWO {
            if set.chunks(2).any(|p| p == &conv[..2]) {
                return Some(2);
            }
        }
    }
    None
}

fn set_field(st: &mut State, t: Value, k: &str, v: Value) -> LuaResult<()> {
    let key = st.str_value(k);
    st.set_index(t, key, v, VarInfo::None)
}

/// loslib's `setallfields`.
fn set_all_fields(st: &mut State, t: Value, tm: &libc::tm) -> LuaResult<()> {
    let fields: [(&str, i64); 8] = [
        ("year", tm.tm_year as i64 + 1900),
        ("month", tm.tm_mon as i64 + 1),
        ("day", tm.tm_mday as i64),
        ("hour", tm.tm_hour as i64),
        ("min", tm.tm_min as i64),
        ("sec", tm.tm_sec as i64),
        ("yday", tm.tm_yday as i64 + 1),
        ("wday", tm.tm_wday as i64 + 1),
    ];
    for (k, v) in fields {
        set_field(st, t, k, Value::Int(v))?;
    }
    if tm.tm_isdst >= 0 {
        set_field(st, t, "isdst", Value::Bool(tm.tm_isdst != 0))?;
    }
    Ok(())
}

/// loslib's `getfield`.
fn get_field(st: &mut State, t: Value, key: &str, d: i64, delta: i64) -> LuaResult<i32> {
    let k = st.str_value(key);
    let v = st.index(t, k, VarInfo::None)?;
    let res = match (v, ops::to_integer(v)) {
        (Value::Int(_) | Value::Float(_) | Value::Str(_), Some(r)) => r,
        (Value::Nil, _) => {
            if d < 0 {
                return Err(st.error(format!("field '{}' missing in date table", key)));
            }
            return Ok(d as i32);
        }
        _ => return Err(st.error(format!("field '{}' is not an integer", key))),
    };
    let fits = if res >= 0 {
        res - delta <= i32::MAX as i64
    } else {
        i32::MIN as i64 + delta <= res
    };
    if !fits {
        return Err(st.error(format!("field '{}' is out-of-bound", key)));
    }
    Ok((res - delta) as i32)
}

fn time(st: &mut State, a: Args) -> LuaResult<usize> {
    if a.is_none_or_nil(st, 1) {
        // SAFETY: time(NULL) has no preconditions.
        let t = unsafe { libc::time(std::ptr::null_mut()) };
        return st.ret(Value::Int(t as i64));
    }
    let t = match a.get(st, 1) {
        Value::Table(t) => Value::Table(t),
        _ => return Err(st.type_arg_error(a, 1, "table")),
    };
    let mut tm = blank_tm();
    tm.tm_year = get_field(st, t, "year", -1, 1900)?;
    tm.tm_mon = get_field(st, t, "month", -1, 1)?;
    tm.tm_mday = get_field(st, t, "day", -1, 0)?;
    tm.tm_hour = get_field(st, t, "hour", 12, 0)?;
    tm.tm_min = get_field(st, t, "min", 0, 0)?;
    tm.tm_sec = get_field(st, t, "sec", 0, 0)?;
    let k = st.str_value("isdst");
    let dst = st.index(t, k, VarInfo::None)?;
    tm.tm_isdst = if dst.is_nil() {
        -1
    } else {
        dst.truthy() as i32
    };
    // SAFETY: `tm` is a valid, initialised struct.
    let r = unsafe { libc::mktime(&mut tm) };
    set_all_fields(st, t, &tm)?;
    if r == -1 {
        return Err(time_error(st));
    }
    st.ret(Value::Int(r as i64))
}

fn time_error(st: &mut State) -> LuaError {
    st.error("time result cannot be represented in this installation")
}

#[cfg(test)]
mod tests {
    use super::conversion_len;

    #[test]
    fn conversions_as_loslib() {
        assert_eq!(conversion_len(b"Y-%m"), Some(1));
        assert_eq!(conversion_len(b"Ec"), Some(2));
        assert_eq!(conversion_len(b"Od"), Some(2));
        assert_eq!(conversion_len(b"Ez"), None);
        assert_eq!(conversion_len(b"E"), None);
        assert_eq!(conversion_len(b""), None);
        assert_eq!(conversion_len(b"q"), None);
    }
}
