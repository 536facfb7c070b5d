//! Argument access and checking for native functions, with lua5.4's exact
//! "bad argument" wording (`luaL_argerror`, `luaL_typeerror`): the function
//! is named as the call site names it ("calling 'x' on bad self" for method
//! calls), else by its global name ("string.rep"), else "?".

use crate::error::{LuaError, LuaResult};
use crate::gc::Gc;
use crate::number;
use crate::object::string::LuaStr;
use crate::object::{Args, Table};
use crate::state::State;
use crate::value::Value;
use crate::vm::meta::Tm;
use crate::vm::ops;

impl Args {
    /// Argument `i` (1-based), nil when absent.
    #[inline]
    pub fn get(&self, st: &State, i: usize) -> Value {
        if i >= 1 && i <= self.n {
            st.th.stack[self.base + i - 1]
        } else {
            Value::Nil
        }
    }

    /// Whether argument `i` is absent (`lua_isnone`).
    #[inline]
    pub fn is_none(&self, i: usize) -> bool {
        i > self.n
    }

    /// Absent or nil (`lua_isnoneornil`).
    #[inline]
    pub fn is_none_or_nil(&self, st: &State, i: usize) -> bool {
        self.get(st, i).is_nil()
    }
}

impl State {
    /// `luaL_argerror`.
    pub fn arg_error(&mut self, mut arg: usize, extramsg: &str) -> LuaError {
        let top = self.th.frames.len().saturating_sub(1);
        let call_name = self.frame_call_name(top);
        if let Some((kind, name)) = &call_name
            && kind == "method"
        {
            arg -= 1;
            if arg == 0 {
                return self.error(format!("calling '{}' on bad self ({})", name, extramsg));
            }
        }
        let name = match call_name {
            Some((_, n)) => n,
            None => {
                let fv = self
                    .th
                    .frames
                    .last()
                    .map_or(Value::Nil, crate::vm::debug::frame_value);
                self.global_func_name(fv).unwrap_or_else(|| "?".to_string())
            }
        };
        self.error(format!(
            "bad argument #{} to '{}' ({})",
            arg, name, extramsg
        ))
    }

    /// `luaL_typeerror`: `"<expected> expected, got <type>"`.
    pub fn type_arg_error(&mut self, a: Args, arg: usize, expected: &str) -> LuaError {
        let v = a.get(self, arg);
        let got = if a.is_none(arg) {
            "no value".to_string()
        } else if let Value::LightUserData(_) = v {
            "light userdata".to_string()
        } else {
            match self.metatable(v).map(|mt| self.tm_of(mt, Tm::Name)) {
                Some(Value::Str(s)) => s.to_str_lossy().into_owned(),
                _ => v.type_name().to_string(),
            }
        };
        self.arg_error(arg, &format!("{} expected, got {}", expected, got))
    }

    /// `luaL_checkany`.
    pub fn check_any(&mut self, a: Args, i: usize) -> LuaResult<Value> {
        if a.is_none(i) {
            return Err(self.arg_error(i, "value expected"));
        }
        Ok(a.get(self, i))
    }

    /// `luaL_checkinteger`.
    #[inline]
    pub fn check_int(&mut self, a: Args, i: usize) -> LuaResult<i64> {
        match a.get(self, i) {
            Value::Int(n) => Ok(n),
            _ => self.check_int_other(a, i),
        }
    }

    /// [`State::check_int`] for an argument that is no integer yet (out of
    /// line: library functions inline only the common case).
    #[cold]
    #[inline(never)]
    fn check_int_other(&mut self, a: Args, i: usize) -> LuaResult<i64> {
        let v = a.get(self, i);
        match v {
            Value::Int(n) => Ok(n),
            _ => match ops::to_number(v) {
                Some(Value::Int(n)) => Ok(n),
                Some(Value::Float(f)) => match number::float_to_int_exact(f) {
                    Some(n) => Ok(n),
                    None => Err(self.arg_error(i, "number has no integer representation")),
                },
                _ => Err(self.type_arg_error(a, i, "number")),
            },
        }
    }

    /// `luaL_optinteger`.
    #[inline]
    pub fn opt_int(&mut self, a: Args, i: usize, default: i64) -> LuaResult<i64> {
        if a.is_none_or_nil(self, i) {
            Ok(default)
        } else {
            self.check_int(a, i)
        }
    }

    /// `luaL_checknumber` (as a float).
    pub fn check_number(&mut self, a: Args, i: usize) -> LuaResult<f64> {
        match self.check_numeric(a, i)? {
            Value::Int(n) => Ok(n as f64),
            Value::Float(f) => Ok(f),
            _ => Ok(0.0),
        }
    }

    /// A number argument keeping its integer/float subtype.
    pub fn check_numeric(&mut self, a: Args, i: usize) -> LuaResult<Value> {
        let v = a.get(self, i);
        match ops::to_number(v) {
            Some(n) => Ok(n),
            None => Err(self.type_arg_error(a, i, "number")),
        }
    }

    pub fn opt_number(&mut self, a: Args, i: usize, default: f64) -> LuaResult<f64> {
        if a.is_none_or_nil(self, i) {
            Ok(default)
        } else {
            self.check_number(a, i)
        }
    }

    /// `luaL_checklstring`: strings, and numbers converted to strings (the
    /// argument slot is replaced by the string, as `lua_tolstring` does).
    #[inline]
    pub fn check_str(&mut self, a: Args, i: usize) -> LuaResult<Gc<LuaStr>> {
        match a.get(self, i) {
            Value::Str(s) => Ok(s),
            _ => self.check_str_other(a, i),
        }
    }

    /// [`State::check_str`] for an argument that is no string (a number
    /// is converted in place, as `luaL_checklstring` does).
    #[cold]
    #[inline(never)]
    fn check_str_other(&mut self, a: Args, i: usize) -> LuaResult<Gc<LuaStr>> {
        let v = a.get(self, i);
        match v {
            Value::Str(s) => Ok(s),
            Value::Int(_) | Value::Float(_) => {
                let mut buf = Vec::new();
                ops::append_plain(&mut buf, v);
                let s = self.new_str(&buf);
                self.th.stack[a.base + i - 1] = Value::Str(s);
                Ok(s)
            }
            _ => Err(self.type_arg_error(a, i, "string")),
        }
    }

    pub fn opt_str(&mut self, a: Args, i: usize) -> LuaResult<Option<Gc<LuaStr>>> {
        if a.is_none_or_nil(self, i) {
            Ok(None)
        } else {
            self.check_str(a, i).map(Some)
        }
    }

    /// `luaL_checktype(L, i, LUA_TTABLE)`.
    pub fn check_table(&mut self, a: Args, i: usize) -> LuaResult<Gc<Table>> {
        match a.get(self, i) {
            Value::Table(t) => Ok(t),
            _ => Err(self.type_arg_error(a, i, "table")),
        }
    }

    /// A function argument.
    pub fn check_function(&mut self, a: Args, i: usize) -> LuaResult<Value> {
        let v = a.get(self, i);
        if v.is_function() {
            Ok(v)
        } else {
            Err(self.type_arg_error(a, i, "function"))
        }
    }

    /// `luaL_checkoption`.
    pub fn check_option(
        &mut self,
        a: Args,
        i: usize,
        default: Option<&str>,
        options: &[&str],
    ) -> LuaResult<usize> {
        let name = match (self.opt_str(a, i)?, default) {
            (Some(s), _) => s.to_str_lossy().into_owned(),
            (None, Some(d)) => d.to_string(),
            (None, None) => {
                self.check_str(a, i)?;
                String::new()
            }
        };
        match options.iter().position(|o| *o == name) {
            Some(p) => Ok(p),
            None => Err(self.arg_error(i, &format!("invalid option '{}'", name))),
        }
    }

    /// Push a result value (helper for natives).
    #[inline]
    pub fn ret(&mut self, v: Value) -> LuaResult<usize> {
        self.th.stack.push(v);
        Ok(1)
    }
}
