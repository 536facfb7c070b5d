//! Rust functions callable from Lua: [`Lua::create_function`] and the
//! trampoline native that runs them.
//!
//! A Rust function is a native whose first upvalue is a userdata holding
//! the boxed closure and a weak link to its state's [`Inner`]. The
//! trampoline (`call`) finds them from its own frame, converts the
//! arguments to handles, runs the closure with API calls pointed at the
//! executor's `&mut State` (`Inner::run_callback`), and pushes the
//! results or raises the error.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Weak};

use super::Function;
use super::conv::{FromLuaMulti, IntoLuaMulti};
use super::error::{Error, Result};
use super::lua::Lua;
use super::sync::{BorrowedLua, Inner, RefInner};
use super::value::Value;
use crate::error::{LuaError, LuaResult};
use crate::object::{Args, NativeKind, UserData as RawUserData};
use crate::state::State;
use crate::value::Value as Raw;
use crate::vm::frame::FrameFn;

/// The boxed closure of a Rust function.
/// It takes its arguments from the first `Vec` (left empty) and appends its
/// results to the second (both are buffers reused from call to call).
pub(crate) type Callback =
    Box<dyn Fn(&Lua, &mut Vec<Value>, &mut Vec<Value>) -> Result<()> + Send + 'static>;

struct CallbackBox {
    lua: Weak<Inner>,
    f: Callback,
}

impl Lua {
    /// A Lua function that runs the Rust closure `f`. Its arguments convert
    /// to `A` (a tuple for several; an argument that does not convert is
    /// lua5.4's `bad argument #n to 'name' (number expected, got nil)`),
    /// its result `R` becomes the function's results, and an `Err` is
    /// raised in Lua.
    ///
    /// Inside `f`, use the `&Lua` it receives (do not capture a `Lua` in a
    /// closure stored in the same state: the state would keep itself
    /// alive). A panic in `f` becomes a Lua error, and resumes unwinding
    /// when control is back in the Rust code that called into Lua.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let greet = lua
    ///     .create_function(|_, (name, n): (String, i64)| Ok(format!("{name} x{n}")))
    ///     .unwrap();
    /// lua.globals().set("greet", greet).unwrap();
    /// assert_eq!(lua.load("greet('a', 2)").eval::<String>().unwrap(), "a x2");
    /// let e = lua.load("greet('a')").set_name("=main").exec().unwrap_err();
    /// assert_eq!(e.message(), "main:1: bad argument #2 to 'greet' (number expected, got no value)");
    /// ```
    pub fn create_function<A, R, F>(&self, f: F) -> Result<Function>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&Lua, A) -> Result<R> + Send + 'static,
    {
        self.create_callback(Box::new(move |lua, args, out| {
            f(lua, A::from_lua_iter(&mut args.drain(..), 1, lua)?)?.push_values(lua, out)
        }))
    }

    /// [`Lua::create_function`] for a closure that mutates its captures.
    /// Calling it again while it runs (from Lua code it called) is an
    /// error.
    ///
    /// ```
    /// let lua = luna::Lua::new();
    /// let mut total = 0;
    /// let add = lua.create_function_mut(move |_, n: i64| { total += n; Ok(total) }).unwrap();
    /// add.call::<_, i64>(2).unwrap();
    /// assert_eq!(add.call::<_, i64>(3).unwrap(), 5);
    /// ```
    pub fn create_function_mut<A, R, F>(&self, f: F) -> Result<Function>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: FnMut(&Lua, A) -> Result<R> + Send + 'static,
    {
        let f = RefCell::new(f);
        self.create_callback(Box::new(move |lua, args, out| {
            let mut f = f.try_borrow_mut().map_err(|_| Error::RecursiveCallback)?;
            f(lua, A::from_lua_iter(&mut args.drain(..), 1, lua)?)?.push_values(lua, out)
        }))
    }

    pub(crate) fn create_callback(&self, f: Callback) -> Result<Function> {
        let cb = CallbackBox {
            lua: Arc::downgrade(&self.inner),
            f,
        };
        Ok(self.inner.with(|st, core| {
            let ud = st.heap.alloc(RawUserData::new(None, Box::new(cb)));
            let f = st.new_native_kind("?", call, NativeKind::Plain, vec![Raw::UserData(ud)]);
            Function(RefInner::new(&self.inner, core, st, f))
        }))
    }
}

/// The native behind every Rust function.
fn call(st: &mut State, args: Args) -> LuaResult<usize> {
    let up = match st.th.frames.last().map(|f| f.func_fn) {
        Some(FrameFn::Native(nf)) => nf.upvalues.borrow().first().copied(),
        _ => None,
    };
    let Some(Raw::UserData(ud)) = up else {
        return Err(st.error("Rust function without its closure"));
    };
    // The userdata is the upvalue of the running native, which its frame's
    // stack slot keeps alive while this runs.
    let data = ud.data.borrow();
    let Some(cb) = data.downcast_ref::<CallbackBox>() else {
        return Err(st.error("Rust function without its closure"));
    };
    let Some(lua) = BorrowedLua::new(&cb.lua) else {
        // Only while the state is being dropped (finalizers at close).
        return Err(st.error("Lua state is closing"));
    };
    lua.inner.run_callback(
        st,
        |st, core| {
            let mut argv = core.arg_scratch.take();
            for i in args.base..args.base + args.n {
                // Read as two words: the caller just wrote it that way.
                let r = Raw::load(&st.th.stack[i]);
                argv.push(Value::from_raw(&lua.inner, core, st, r));
            }
            (argv, core.scratch.take())
        },
        |(mut argv, mut out)| {
            let r = catch_unwind(AssertUnwindSafe(|| (cb.f)(&lua, &mut argv, &mut out)));
            (r, argv, out)
        },
        |st, core, (r, mut argv, mut out)| match r {
            Ok(Ok(())) => {
                let n = out.len();
                let mut r = Ok(n);
                for v in out.iter() {
                    match v.to_raw(&lua.inner) {
                        Ok(v) => {
                            // Written as two words, as the executor reads it.
                            st.push(Raw::Nil);
                            if let Some(slot) = st.th.stack.last_mut() {
                                Raw::store(slot, v);
                            }
                        }
                        Err(e) => {
                            r = Err(error_at_caller(st, &e.to_string()));
                            break;
                        }
                    }
                }
                out.clear();
                core.scratch.replace(out);
                argv.clear();
                core.arg_scratch.replace(argv);
                r
            }
            Ok(Err(e)) => Err(raise(&lua, st, args, e)),
            Err(p) => {
                let msg = panic_message(&p);
                core.store_panic(p);
                Err(st.error(format!("panic in a Rust function: {msg}")))
            }
        },
    )
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// A callback's error as the Lua error it raises.
fn raise(lua: &Lua, st: &mut State, args: Args, e: Error) -> LuaError {
    match e {
        Error::BadArgument { pos, cause } => match *cause {
            Error::FromLua {
                to, message: None, ..
            } => st.type_arg_error(args, pos, to),
            Error::FromLua {
                message: Some(m), ..
            } => st.arg_error(pos, &m),
            other => st.arg_error(pos, &other.to_string()),
        },
        Error::Runtime { message, value, .. } => match value.to_raw(&lua.inner) {
            // The original value, unchanged (a table stays a table).
            Ok(v) => LuaError::new(v),
            Err(_) => st.plain_error(message),
        },
        other => error_at_caller(st, &other.to_string()),
    }
}

/// `luaL_error` from a Rust function: `msg` with the position of the Lua
/// code that called it, looking through the userdata field dispatcher
/// (a field's getter or setter is called by it, for the code that read or
/// wrote the field).
fn error_at_caller(st: &mut State, msg: &str) -> LuaError {
    let mut w = st.where_(1);
    if w.starts_with(super::userdata::DISPATCH_CHUNK) {
        w = st.where_(2);
    }
    st.plain_error(format!("{w}{msg}"))
}
