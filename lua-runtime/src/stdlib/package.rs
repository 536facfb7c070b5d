//! The `package` library and `require` (loadlib.c): `path`/`cpath` from
//! `LUA_PATH_5_4`/`LUA_PATH` (with `;;` standing for the default),
//! `loaded`, `preload`, `searchers` (preload, Lua files, and the two C
//! searchers, which find files but cannot load them: luna has no dynamic
//! libraries), `searchpath`, `config` and `loadlib`.

use crate::error::LuaResult;
use crate::gc::Gc;
use crate::object::{Args, NativeFnPtr, NativeKind, Table};
use crate::state::State;
use crate::value::Value;
use crate::vm::frame::FrameFn;
use crate::vm::ops::VarInfo;

/// lua5.4's `LUA_PATH_DEFAULT` as the Debian build has it.
pub const PATH_DEFAULT: &str = "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;\
/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;\
/usr/share/lua/5.4/?.lua;/usr/share/lua/5.4/?/init.lua;./?.lua;./?/init.lua";
/// lua5.4's `LUA_CPATH_DEFAULT` as the Debian build has it.
pub const CPATH_DEFAULT: &str = "/usr/local/lib/lua/5.4/?.so;/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;\
/usr/lib/lua/5.4/?.so;/usr/local/lib/lua/5.4/loadall.so;./?.so";
/// The message loadlib.c gives without dynamic-library support.
const DLMSG: &str = "dynamic libraries not enabled; check your Lua installation";

/// Install `package` and `require`.
pub fn open(st: &mut State) {
    let p = st.new_table();
    let fs: [(&'static str, NativeFnPtr); 2] = [("searchpath", searchpath), ("loadlib", loadlib)];
    st.register(p, &fs);
    // Searchers and `require` see the package table as their upvalue.
    let searchers = st.new_table();
    let list: [(&'static str, NativeFnPtr); 4] = [
        ("searcher_preload", searcher_preload),
        ("searcher_Lua", searcher_lua),
        ("searcher_C", searcher_c),
        ("searcher_Croot", searcher_croot),
    ];
    for (i, (name, f)) in list.into_iter().enumerate() {
        let v = st.new_native_kind(name, f, NativeKind::Plain, vec![Value::Table(p)]);
        st.raw_set_int(searchers, i as i64 + 1, v);
    }
    st.set_field(p, "searchers", Value::Table(searchers));
    let path = env_path(st, "LUA_PATH", PATH_DEFAULT);
    st.set_field(p, "path", path);
    let cpath = env_path(st, "LUA_CPATH", CPATH_DEFAULT);
    st.set_field(p, "cpath", cpath);
    let cfg = st.str_value("/\n;\n?\n!\n-\n");
    st.set_field(p, "config", cfg);
    let loaded = st.loaded;
    st.set_field(p, "loaded", Value::Table(loaded));
    let reg = st.registry;
    let preload = match st.get_field(reg, "_PRELOAD") {
        Value::Table(t) => t,
        _ => {
            let t = st.new_table();
            st.set_field(reg, "_PRELOAD", Value::Table(t));
            t
        }
    };
    st.set_field(p, "preload", Value::Table(preload));
    let req = st.new_native_kind("require", require, NativeKind::Plain, vec![Value::Table(p)]);
    st.set_global("require", req);
    st.set_global("package", Value::Table(p));
    st.set_field(loaded, "package", Value::Table(p));
}

/// For `luna -E`: mark the state as ignoring the environment (registry
/// `LUA_NOENV`, as lua.c does) and reset `package.path`/`package.cpath` to
/// the defaults, as if `LUA_PATH*`/`LUA_CPATH*` were unset.
pub fn ignore_env(st: &mut State) {
    let reg = st.registry;
    st.set_field(reg, "LUA_NOENV", Value::Bool(true));
    let loaded = st.loaded;
    if let Value::Table(p) = st.get_field(loaded, "package") {
        let path = st.str_value(PATH_DEFAULT);
        st.set_field(p, "path", path);
        let cpath = st.str_value(CPATH_DEFAULT);
        st.set_field(p, "cpath", cpath);
    }
}

/// loadlib's `setpath`: the versioned variable, else the plain one, with
/// `;;` replaced by the default; the default without either (or with
/// `LUA_NOENV` set in the registry, as `luna -E` does).
fn env_path(st: &mut State, env: &str, dft: &str) -> Value {
    let reg = st.registry;
    let noenv = st.get_field(reg, "LUA_NOENV").truthy();
    let var = std::env::var_os(format!("{}_5_4", env)).or_else(|| std::env::var_os(env));
    let path: Vec<u8> = match var {
        Some(v) if !noenv => {
            use std::os::unix::ffi::OsStrExt;
            let v = v.as_bytes();
            match find(v, b";;") {
                None => v.to_vec(),
                Some(m) => {
                    let mut b = Vec::new();
                    if m > 0 {
                        b.extend_from_slice(&v[..m]);
                        b.push(b';');
                    }
                    b.extend_from_slice(dft.as_bytes());
                    if m < v.len() - 2 {
                        b.push(b';');
                        b.extend_from_slice(&v[m + 2..]);
                    }
                    b
                }
            }
        }
        _ => dft.as_bytes().to_vec(),
    };
    st.str_value(&path)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Replace every `from` in `s` by `to` (`luaL_gsub`).
fn gsub(s: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if !from.is_empty() && s[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

fn readable(name: &[u8]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    if name.is_empty() || name.contains(&0) {
        return false;
    }
    std::fs::File::open(std::ffi::OsStr::from_bytes(name)).is_ok()
}

/// loadlib's `searchpath`: the first readable file, or the "no file"
/// list of every name tried.
pub fn search_path(
    name: &[u8],
    path: &[u8],
    sep: &[u8],
    dirsep: &[u8],
) -> Result<Vec<u8>, Vec<u8>> {
    let name = match sep.first() {
        Some(c) if name.contains(c) => gsub(name, sep, dirsep),
        _ => name.to_vec(),
    };
    let full = gsub(path, b"?", &name);
    for f in full.split(|&c| c == b';') {
        if readable(f) {
            return Ok(f.to_vec());
        }
    }
    let mut msg = b"no file '".to_vec();
    msg.extend_from_slice(&gsub(&full, b";", b"'\n\tno file '"));
    msg.push(b'\'');
    Err(msg)
}

fn searchpath(st: &mut State, a: Args) -> LuaResult<usize> {
    let name = st.check_str(a, 1)?;
    let path = st.check_str(a, 2)?;
    let sep = match st.opt_str(a, 3)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b".".to_vec(),
    };
    let rep = match st.opt_str(a, 4)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"/".to_vec(),
    };
    match search_path(name.as_bytes(), path.as_bytes(), &sep, &rep) {
        Ok(f) => {
            let v = st.str_value(&f);
            st.ret(v)
        }
        Err(m) => {
            st.push(Value::Nil);
            let v = st.str_value(&m);
            st.push(v);
            Ok(2)
        }
    }
}

fn loadlib(st: &mut State, a: Args) -> LuaResult<usize> {
    st.check_str(a, 1)?;
    st.check_str(a, 2)?;
    st.push(Value::Nil);
    let m = st.str_value(DLMSG);
    st.push(m);
    let w = st.str_value("absent");
    st.push(w);
    Ok(3)
}

/// The package table (first upvalue of the running native).
fn package_table(st: &State) -> Option<Gc<Table>> {
    match st.th.frames.last().map(|f| f.func_fn) {
        Some(FrameFn::Native(nf)) => nf.upvalues.borrow().first().and_then(|v| v.as_table()),
        _ => None,
    }
}

/// loadlib's `findfile`: search `package[pname]`.
fn find_file(st: &mut State, name: &[u8], pname: &str) -> LuaResult<Result<Vec<u8>, Vec<u8>>> {
    let path = match package_table(st) {
        Some(p) => {
            let k = st.str_value(pname);
            st.index(Value::Table(p), k, VarInfo::None)?
        }
        None => Value::Nil,
    };
    let path = match path {
        Value::Str(s) => s.as_bytes().to_vec(),
        Value::Int(_) | Value::Float(_) => {
            let mut b = Vec::new();
            crate::vm::ops::append_plain(&mut b, path);
            b
        }
        _ => return Err(st.error(format!("'package.{}' must be a string", pname))),
    };
    Ok(search_path(name, &path, b".", b"/"))
}

fn load_error(st: &mut State, name: &[u8], file: &[u8], msg: &[u8]) -> crate::error::LuaError {
    st.error(format!(
        "error loading module '{}' from file '{}':\n\t{}",
        String::from_utf8_lossy(name),
        String::from_utf8_lossy(file),
        String::from_utf8_lossy(msg)
    ))
}

fn push_str(st: &mut State, b: &[u8]) {
    let v = st.str_value(b);
    st.push(v);
}

fn searcher_preload(st: &mut State, a: Args) -> LuaResult<usize> {
    let name = st.check_str(a, 1)?;
    let reg = st.registry;
    let pre = st.get_field(reg, "_PRELOAD");
    let v = match pre {
        Value::Table(_) => st.index(pre, Value::Str(name), VarInfo::None)?,
        _ => Value::Nil,
    };
    if v.is_nil() {
        let m = format!("no field package.preload['{}']", name.to_str_lossy());
        push_str(st, m.as_bytes());
        return Ok(1);
    }
    st.push(v);
    push_str(st, b":preload:");
    Ok(2)
}

fn searcher_lua(st: &mut State, a: Args) -> LuaResult<usize> {
    let name = st.check_str(a, 1)?;
    let file = match find_file(st, name.as_bytes(), "path")? {
        Ok(f) => f,
        Err(m) => {
            push_str(st, &m);
            return Ok(1);
        }
    };
    let chunkname = format!("@{}", String::from_utf8_lossy(&file));
    let loaded = std::fs::read(String::from_utf8_lossy(&file).as_ref());
    let r = match loaded {
        Ok(src) => {
            let src = crate::stdlib::base::skip_shebang(&src).to_vec();
            st.load(&src, &chunkname, "bt", None)
        }
        Err(e) => {
            let m = format!(
                "cannot read {}: {}",
                String::from_utf8_lossy(&file),
                crate::stdlib::base::os_error_text(&e)
            );
            Err(st.plain_error(m))
        }
    };
    match r {
        Ok(f) => {
            st.push(f);
            push_str(st, &file);
            Ok(2)
        }
        Err(e) => {
            let msg = match e.value {
                Value::Str(s) => s.as_bytes().to_vec(),
                _ => Vec::new(),
            };
            Err(load_error(st, name.as_bytes(), &file, &msg))
        }
    }
}

fn searcher_c(st: &mut State, a: Args) -> LuaResult<usize> {
    let name = st.check_str(a, 1)?;
    match find_file(st, name.as_bytes(), "cpath")? {
        Ok(f) => Err(load_error(st, name.as_bytes(), &f, DLMSG.as_bytes())),
        Err(m) => {
            push_str(st, &m);
            Ok(1)
        }
    }
}

fn searcher_croot(st: &mut State, a: Args) -> LuaResult<usize> {
    let name = st.check_str(a, 1)?;
    let n = name.as_bytes();
    let Some(dot) = n.iter().position(|&c| c == b'.') else {
        return Ok(0);
    };
    match find_file(st, &n[..dot], "cpath")? {
        Ok(f) => Err(load_error(st, n, &f, DLMSG.as_bytes())),
        Err(m) => {
            push_str(st, &m);
            Ok(1)
        }
    }
}

fn require(st: &mut State, a: Args) -> LuaResult<usize> {
    let name = st.check_str(a, 1)?;
    let namev = Value::Str(name);
    let loaded = Value::Table(st.loaded);
    let cur = st.index(loaded, namev, VarInfo::None)?;
    if cur.truthy() {
        return st.ret(cur);
    }
    // findloader
    let searchers = match package_table(st) {
        Some(p) => {
            let k = st.str_value("searchers");
            st.index(Value::Table(p), k, VarInfo::None)?
        }
        None => Value::Nil,
    };
    let Value::Table(searchers) = searchers else {
        return Err(st.error("'package.searchers' must be a table"));
    };
    // Rooted: the searchers table, then the loader and its data.
    let base = st.top();
    st.push(Value::Table(searchers));
    let mut msg: Vec<u8> = Vec::new();
    let mut i = 1;
    let (loader, data) = loop {
        msg.extend_from_slice(b"\n\t");
        let s = searchers.get_int(i);
        if s.is_nil() {
            msg.truncate(msg.len() - 2);
            return Err(st.error(format!(
                "module '{}' not found:{}",
                name.to_str_lossy(),
                String::from_utf8_lossy(&msg)
            )));
        }
        let func = st.top();
        st.push(s);
        st.push(namev);
        st.call_at(func, 2)?;
        let f = st.th.stack[func];
        let d = st.th.stack[func + 1];
        if f.is_function() {
            break (f, d);
        }
        st.th.stack.truncate(func);
        match f {
            Value::Str(_) | Value::Int(_) | Value::Float(_) => {
                crate::vm::ops::append_plain(&mut msg, f);
            }
            _ => msg.truncate(msg.len() - 2),
        }
        i += 1;
    };
    // Stack: searchers, loader, data.
    let r = st.call1(loader, &[namev, data])?;
    st.push(r);
    if !r.is_nil() {
        st.set_index(loaded, namev, r, VarInfo::None)?;
    }
    let mut result = st.index(loaded, namev, VarInfo::None)?;
    if result.is_nil() {
        result = Value::Bool(true);
        st.set_index(loaded, namev, result, VarInfo::None)?;
    }
    st.th.stack.truncate(base);
    st.push(result);
    st.push(data);
    Ok(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_path_lists_every_name_tried() {
        let r = search_path(b"a.b", b"./x/?.lua;;/y/?/init.lua", b".", b"/");
        assert_eq!(
            r,
            Err(b"no file './x/a/b.lua'\n\tno file ''\n\tno file '/y/a/b/init.lua'".to_vec())
        );
    }

    #[test]
    fn search_path_separator_replacement() {
        let r = search_path(b"a_b", b"?.none", b"_", b"::");
        assert_eq!(r, Err(b"no file 'a::b.none'".to_vec()));
        let r = search_path(b"a.b", b"?.none", b"", b"/");
        assert_eq!(r, Err(b"no file 'a.b.none'".to_vec()));
    }

    #[test]
    fn search_path_finds_a_readable_file() {
        let dir = std::env::temp_dir();
        let path = dir.join("luna_searchpath_test.lua");
        std::fs::write(&path, b"return 1").unwrap();
        let pat = format!("{}/nothing/?.lua;{}/?.lua", dir.display(), dir.display());
        let r = search_path(b"luna_searchpath_test", pat.as_bytes(), b".", b"/");
        let _ = std::fs::remove_file(&path);
        assert_eq!(r, Ok(path.to_string_lossy().as_bytes().to_vec()));
    }
}
