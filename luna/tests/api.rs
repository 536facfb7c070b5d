//! The typed API on both executors: conversions, calls both ways, errors,
//! userdata, handles and the collector, threads.

use std::collections::{BTreeMap, HashMap};

use luna::{
    AnyUserData, BString, Error, Executor, FromLua, Function, Lua, LuaString, MetaMethod,
    MultiValue, Table, ThreadStatus, UserData, UserDataFields, UserDataMethods, Value, Variadic,
};

/// Run `f` on a fresh state of each executor, plain and with the collector
/// running at every safepoint.
fn each(f: impl Fn(&Lua)) {
    for e in Executor::ALL {
        for stress in [false, true] {
            let lua = Lua::with_executor(e);
            lua.set_gc_stress(stress);
            f(&lua);
        }
    }
}

fn msg(lua: &Lua, src: &str) -> String {
    lua.load(src).set_name("=t").exec().unwrap_err().message()
}

#[test]
fn integer_conversions_are_range_checked() {
    each(|lua| {
        assert_eq!(u8::from_lua(Value::Integer(255), lua).unwrap(), 255);
        assert_eq!(i8::from_lua(Value::Number(-128.0), lua).unwrap(), -128);
        assert_eq!(
            u8::from_lua(Value::Integer(256), lua)
                .unwrap_err()
                .to_string(),
            "cannot convert a Lua number to u8: value out of range"
        );
        assert_eq!(
            i64::from_lua(Value::Number(1.5), lua)
                .unwrap_err()
                .to_string(),
            "cannot convert a Lua number to i64: number has no integer representation"
        );
        assert!(i64::from_lua(Value::Number(2f64.powi(63)), lua).is_err());
        assert_eq!(
            i64::from_lua(Value::Number(-(2f64.powi(63))), lua).unwrap(),
            i64::MIN
        );
        assert_eq!(
            u64::from_lua(Value::Number(2f64.powi(64)), lua)
                .unwrap_err()
                .to_string(),
            "cannot convert a Lua number to u64: number has no integer representation"
        );
        assert_eq!(
            u64::from_lua(Value::Number(2f64.powi(63)), lua).unwrap(),
            1 << 63
        );
        assert!(u32::from_lua(Value::Integer(-1), lua).is_err());
        // Numeric strings convert, as in Lua.
        let s = lua.pack("0x10").unwrap();
        assert_eq!(i32::from_lua(s, lua).unwrap(), 16);
        assert_eq!(
            i32::from_lua(Value::Boolean(true), lua)
                .unwrap_err()
                .to_string(),
            "number expected, got boolean"
        );
        // Out of i64: a float.
        assert_eq!(lua.pack(u64::MAX).unwrap(), Value::Number(u64::MAX as f64));
        for v in [i64::MIN, -1, 0, 1, i64::MAX] {
            let r: i64 = lua.unpack(lua.pack(v).unwrap()).unwrap();
            assert_eq!(r, v);
        }
    });
}

#[test]
fn round_trips() {
    each(|lua| {
        let id: Function = lua.load("function(...) return ... end").eval().unwrap();
        assert_eq!(id.call::<_, f64>(1.25).unwrap(), 1.25);
        assert_eq!(id.call::<_, f32>(0.5f32).unwrap(), 0.5);
        assert!(id.call::<_, bool>(true).unwrap());
        assert!(!id.call::<_, bool>(Value::Nil).unwrap());
        assert_eq!(id.call::<_, String>("héllo").unwrap(), "héllo");
        assert_eq!(id.call::<_, String>(12).unwrap(), "12");
        assert_eq!(id.call::<_, String>(1.5).unwrap(), "1.5");
        let bytes: &[u8] = b"\x00\xff";
        assert_eq!(id.call::<_, BString>(bytes).unwrap().0, b"\x00\xff");
        assert_eq!(
            id.call::<_, BString>(BString(vec![1, 2])).unwrap().0,
            vec![1, 2]
        );
        assert!(id.call::<_, String>(bytes).is_err());
        assert_eq!(id.call::<_, Option<i64>>(Value::Nil).unwrap(), None);
        assert_eq!(id.call::<_, Option<i64>>(Some(3)).unwrap(), Some(3));
        assert_eq!(id.call::<_, Vec<u8>>(vec![1u8, 2]).unwrap(), vec![1, 2]);
        let hm: HashMap<String, i64> = [("a".to_string(), 1), ("b".to_string(), 2)].into();
        assert_eq!(id.call::<_, HashMap<String, i64>>(hm.clone()).unwrap(), hm);
        let bm: BTreeMap<i64, String> = [(1, "x".to_string()), (5, "y".to_string())].into();
        assert_eq!(id.call::<_, BTreeMap<i64, String>>(bm.clone()).unwrap(), bm);
        let (a, b, c): (i64, String, Option<bool>) = id.call((1, "two", Value::Nil)).unwrap();
        assert_eq!((a, b.as_str(), c), (1, "two", None));
        let v: Variadic<i64> = id.call(Variadic(vec![1, 2, 3])).unwrap();
        assert_eq!(v.0, vec![1, 2, 3]);
        let m: MultiValue = id.call((1, 2)).unwrap();
        assert_eq!(m.len(), 2);
        let (x, rest): (i64, Variadic<i64>) = id.call((1, 2, 3)).unwrap();
        assert_eq!((x, rest.0), (1, vec![2, 3]));
        // Twelve-element tuples.
        let t12: (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) =
            id.call((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)).unwrap();
        assert_eq!(t12.11, 12);
        assert_eq!(
            HashMap::<String, i64>::from_lua(Value::Integer(1), lua)
                .unwrap_err()
                .to_string(),
            "table expected, got number"
        );
    });
}

#[test]
fn callback_argument_errors_are_worded_as_lua_5_4() {
    each(|lua| {
        let f = lua
            .create_function(|_, (a, _s): (i64, String)| Ok(a))
            .unwrap();
        lua.globals().set("f", f.clone()).unwrap();
        let small = lua.create_function(|_, a: u8| Ok(a)).unwrap();
        lua.globals().set("small", small).unwrap();
        assert_eq!(
            msg(lua, "f(nil, 's')"),
            "t:1: bad argument #1 to 'f' (number expected, got nil)"
        );
        assert_eq!(
            msg(lua, "f()"),
            "t:1: bad argument #1 to 'f' (number expected, got no value)"
        );
        assert_eq!(
            msg(lua, "f(1, {})"),
            "t:1: bad argument #2 to 'f' (string expected, got table)"
        );
        assert_eq!(
            msg(lua, "f(1.5, 'x')"),
            "t:1: bad argument #1 to 'f' (number has no integer representation)"
        );
        assert_eq!(
            msg(lua, "small(300)"),
            "t:1: bad argument #1 to 'small' (value out of range)"
        );
        assert_eq!(
            msg(lua, "local g = f\ng('x', 's')"),
            "t:2: bad argument #1 to 'g' (number expected, got string)"
        );
        // Called from Rust: no call site, the global name is found.
        assert_eq!(
            f.call::<_, i64>(()).unwrap_err().message(),
            "bad argument #1 to 'f' (number expected, got no value)"
        );
    });
}

#[test]
fn errors_carry_message_position_traceback_and_value() {
    each(|lua| {
        let e = lua
            .load("local t = {}\n\nlocal function f() return t.x.y end\nf()")
            .set_name("@cfg.lua")
            .exec()
            .unwrap_err();
        assert_eq!(
            e.message(),
            "cfg.lua:3: attempt to index a nil value (field 'x')"
        );
        assert_eq!(e.position(), Some(("cfg.lua".to_string(), 3)));
        let tb = e.traceback().unwrap();
        assert!(tb.starts_with("stack traceback:"), "{tb}");
        assert!(tb.contains("cfg.lua:3: in local 'f'"), "{tb}");
        assert!(e.to_string().contains("stack traceback:"));
        let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
        assert!(boxed.to_string().starts_with("cfg.lua:3:"));

        // Syntax errors.
        let e = lua.load("x = = 1").set_name("=s").exec().unwrap_err();
        assert!(matches!(
            e,
            Error::Syntax {
                incomplete_input: false,
                ..
            }
        ));
        assert_eq!(e.message(), "s:1: unexpected symbol near '='");
        let e = lua.load("if x then").set_name("=s").exec().unwrap_err();
        assert!(matches!(
            e,
            Error::Syntax {
                incomplete_input: true,
                ..
            }
        ));

        // A non-string error value is kept.
        let e = lua.load("error({ code = 42 })").exec().unwrap_err();
        assert_eq!(e.message(), "(error object is a table value)");
        let Some(Value::Table(t)) = e.value() else {
            panic!("no table")
        };
        assert_eq!(t.get::<_, i64>("code").unwrap(), 42);
        // ... and one with __tostring is shown through it.
        let e = lua
            .load("error(setmetatable({}, { __tostring = function() return 'custom' end }))")
            .exec()
            .unwrap_err();
        assert_eq!(e.message(), "custom");

        // A Rust error raised in Lua gets the caller's position; a Lua
        // error passing through a callback is unchanged.
        let fail = lua
            .create_function(|_, ()| -> luna::Result<()> { Err(Error::new("nope")) })
            .unwrap();
        lua.globals().set("fail", fail).unwrap();
        assert_eq!(msg(lua, "\nfail()"), "t:2: nope");
        let relay = lua
            .create_function(|_, f: Function| f.call::<_, ()>(()))
            .unwrap();
        lua.globals().set("relay", relay).unwrap();
        assert_eq!(
            msg(lua, "relay(function() error({ 1 }) end)"),
            "(error object is a table value)"
        );
        let v: (bool, Table) = lua
            .load("return pcall(relay, function() error({ 7 }) end)")
            .eval()
            .unwrap();
        assert!(!v.0);
        assert_eq!(v.1.get::<_, i64>(1).unwrap(), 7);
        assert_eq!(msg(lua, "relay(function() error('deep') end)"), "t:1: deep");
    });
}

#[test]
fn chunks_names_eval_environment_and_reuse() {
    each(|lua| {
        assert_eq!(
            lua.load("error('x')").exec().unwrap_err().message(),
            "[string \"error('x')\"]:1: x"
        );
        assert_eq!(
            lua.load("error('x')")
                .set_name("config.lua")
                .exec()
                .unwrap_err()
                .message(),
            "[string \"config.lua\"]:1: x"
        );
        assert_eq!(lua.load("2 ^ 10").eval::<f64>().unwrap(), 1024.0);
        assert_eq!(
            lua.load("return 1, 2").eval::<(i64, i64)>().unwrap(),
            (1, 2)
        );
        let env = lua.create_table_from([("y", 3)]).unwrap();
        let f = lua
            .load("x = y * 2 return x")
            .set_environment(env.clone())
            .into_function()
            .unwrap();
        assert_eq!(f.call::<_, i64>(()).unwrap(), 6);
        assert_eq!(env.get::<_, i64>("x").unwrap(), 6);
        let sq = lua
            .load("local n = ... return n * n")
            .into_function()
            .unwrap();
        let total: i64 = (1..=100).map(|i| sq.call::<_, i64>(i).unwrap()).sum();
        assert_eq!(total, 338350);
        // A binary chunk from string.dump loads back.
        let dumped: BString = lua
            .load("string.dump(function(a) return a + 1 end)")
            .eval()
            .unwrap();
        assert_eq!(lua.load(&dumped.0).call::<_, i64>(1).unwrap(), 2);
    });
}

#[test]
fn tables() {
    each(|lua| {
        let t = lua.create_table().unwrap();
        t.set("a", 1).unwrap();
        t.set(1, "x").unwrap();
        t.set(2, "y").unwrap();
        assert_eq!(t.raw_len(), 2);
        assert_eq!(t.len().unwrap(), 2);
        let mut keys: Vec<String> = t
            .pairs::<Value, Value>()
            .map(|p| {
                let (k, _) = p.unwrap();
                match k {
                    Value::String(s) => s.to_str().unwrap(),
                    Value::Integer(i) => i.to_string(),
                    _ => panic!(),
                }
            })
            .collect();
        keys.sort();
        assert_eq!(keys, ["1", "2", "a"]);
        let seq: Vec<String> = t.sequence_values().map(|v| v.unwrap()).collect();
        assert_eq!(seq, ["x", "y"]);
        assert!(t.raw_set(f64::NAN, 1).is_err());
        // Metamethods: __index and __newindex functions run.
        let proxy: Table = lua
            .load(
                "local log = {}
                 return setmetatable({}, {
                   __index = function(_, k) return k .. '!' end,
                   __newindex = function(_, k, v) log[#log + 1] = k; rawset(log, k, v) end,
                   __len = function() return 99 end,
                 })",
            )
            .eval()
            .unwrap();
        assert_eq!(proxy.get::<_, String>("hey").unwrap(), "hey!");
        assert_eq!(proxy.raw_get::<_, Option<String>>("hey").unwrap(), None);
        proxy.set("k", 1).unwrap();
        assert_eq!(proxy.raw_get::<_, Option<i64>>("k").unwrap(), None);
        assert_eq!(proxy.len().unwrap(), 99);
        let g = lua.globals();
        g.set("shared", t.clone()).unwrap();
        assert!(g.get::<_, Table>("shared").unwrap().is_same(&t));
        // Errors in metamethods come back as errors.
        let bad: Table = lua
            .load("setmetatable({}, { __index = function() error('no way', 0) end })")
            .eval()
            .unwrap();
        assert_eq!(bad.get::<_, Value>("x").unwrap_err().message(), "no way");
        let seq = lua.create_sequence_from(1..=5).unwrap();
        assert_eq!(seq.get::<_, i64>(5).unwrap(), 5);
        assert!(seq.contains_key(1).unwrap());
        seq.push(6).unwrap();
        assert_eq!(seq.raw_len(), 6);
    });
}

#[test]
fn rust_functions_and_closures() {
    each(|lua| {
        let mut count = 0;
        let counter = lua
            .create_function_mut(move |_, ()| {
                count += 1;
                Ok(count)
            })
            .unwrap();
        lua.globals().set("counter", counter).unwrap();
        assert_eq!(
            lua.load("counter() counter() return counter()")
                .eval::<i64>()
                .unwrap(),
            3
        );
        // A callback calling Lua calling the callback.
        let fact = lua
            .create_function(|lua, n: i64| {
                if n <= 1 {
                    return Ok(1);
                }
                let f: Function = lua.globals().get("fact")?;
                Ok(n * f.call::<_, i64>(n - 1)?)
            })
            .unwrap();
        lua.globals().set("fact", fact).unwrap();
        assert_eq!(
            lua.load("fact(20)").eval::<i64>().unwrap(),
            2432902008176640000
        );
        // A mutable callback called again while it runs.
        let reent = lua
            .create_function_mut(|lua, ()| lua.load("reent()").exec())
            .unwrap();
        lua.globals().set("reent", reent).unwrap();
        assert!(msg(lua, "reent()").contains("mutable callback called recursively"));
        // Several results, and results in a Lua loop.
        let divmod = lua
            .create_function(|_, (a, b): (i64, i64)| Ok((a / b, a % b)))
            .unwrap();
        lua.globals().set("divmod", divmod).unwrap();
        assert_eq!(
            lua.load("local s = 0 for i = 1, 1000 do local q, r = divmod(i, 7) s = s + q + r end return s")
                .eval::<i64>()
                .unwrap(),
            (1..=1000).map(|i| i / 7 + i % 7).sum::<i64>()
        );
        // Values made inside callbacks survive (collector stressed too).
        let mk = lua
            .create_function(|lua, n: usize| {
                let t = lua.create_table()?;
                for i in 0..n {
                    t.raw_set(i as i64 + 1, format!("item{i}"))?;
                }
                Ok(t)
            })
            .unwrap();
        lua.globals().set("mk", mk).unwrap();
        assert_eq!(
            lua.load("local t = mk(50) collectgarbage() return t[50]")
                .eval::<String>()
                .unwrap(),
            "item49"
        );
    });
}

#[test]
fn a_panic_in_a_callback_resumes_in_rust() {
    let lua = Lua::new();
    let p = lua
        .create_function(|_, ()| -> luna::Result<()> { panic!("boom") })
        .unwrap();
    lua.globals().set("p", p).unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lua.load("pcall(p)").exec()));
    assert!(r.is_err());
    // The state is still usable.
    assert_eq!(lua.load("1 + 1").eval::<i64>().unwrap(), 2);
}

#[derive(Debug)]
struct Account {
    balance: i64,
    log: Vec<String>,
}

impl UserData for Account {
    fn add_fields<F: UserDataFields<Self>>(f: &mut F) {
        f.add_field_method_get("balance", |_, a| Ok(a.balance));
        f.add_field_method_set("balance", |_, a, v: i64| {
            a.balance = v;
            Ok(())
        });
    }
    fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
        m.add_function("new", |_, balance: i64| {
            Ok(Account {
                balance,
                log: vec![],
            })
        });
        m.add_method_mut("deposit", |_, a, n: i64| {
            a.balance += n;
            a.log.push(format!("+{n}"));
            Ok(a.balance)
        });
        // Calls back into Lua while `a` is borrowed mutably.
        m.add_method_mut("with", |_, a, f: Function| {
            a.log.push("with".into());
            f.call::<_, ()>(())
        });
        m.add_method("peek", |_, a, ()| Ok(a.balance));
        m.add_meta_method(MetaMethod::ToString, |_, a, ()| {
            Ok(format!("Account({})", a.balance))
        });
        m.add_meta_function(MetaMethod::Add, |_, (a, b): (AnyUserData, AnyUserData)| {
            let s = a.borrow::<Account>()?.balance + b.borrow::<Account>()?.balance;
            Ok(Account {
                balance: s,
                log: vec![],
            })
        });
        m.add_meta_method(MetaMethod::Eq, |_, a, b: AnyUserData| {
            Ok(a.balance == b.borrow::<Account>()?.balance)
        });
    }
}

#[test]
fn userdata_methods_fields_metamethods() {
    each(|lua| {
        let acct = lua
            .create_userdata(Account {
                balance: 10,
                log: vec![],
            })
            .unwrap();
        lua.globals().set("acct", acct.clone()).unwrap();
        lua.globals()
            .set(
                "Account",
                lua.create_userdata(Account {
                    balance: 0,
                    log: vec![],
                })
                .unwrap(),
            )
            .unwrap();
        assert_eq!(lua.load("acct:deposit(5)").eval::<i64>().unwrap(), 15);
        assert_eq!(lua.load("acct.balance").eval::<i64>().unwrap(), 15);
        lua.load("acct.balance = acct.balance * 2").exec().unwrap();
        assert_eq!(acct.borrow::<Account>().unwrap().balance, 30);
        assert_eq!(
            lua.load("tostring(acct)").eval::<String>().unwrap(),
            "Account(30)"
        );
        assert_eq!(
            lua.load("tostring(acct + Account.new(12))")
                .eval::<String>()
                .unwrap(),
            "Account(42)"
        );
        assert!(lua.load("acct == Account.new(30)").eval::<bool>().unwrap());
        assert_eq!(lua.load("type(acct)").eval::<String>().unwrap(), "userdata");
        assert_eq!(
            msg(lua, "acct.nothing = 1"),
            "t:1: Account has no field 'nothing' to set"
        );
        assert!(lua.load("acct.nothing").eval::<Value>().unwrap().is_nil());
        assert_eq!(
            msg(lua, "\nacct.balance = 'lots'"),
            "t:2: bad value for field 'balance' (number expected, got string)"
        );
        // Wrong arguments and a wrong self.
        assert_eq!(
            msg(lua, "acct:deposit('x')"),
            "t:1: bad argument #1 to 'deposit' (number expected, got string)"
        );
        assert_eq!(
            msg(lua, "acct.deposit(1, 2)"),
            "t:1: bad argument #1 to 'deposit' (userdata expected, got number)"
        );
        assert_eq!(
            msg(lua, "local f = io.stdout; acct.deposit(f, 2)"),
            "t:1: bad argument #1 to 'deposit' (Account expected, got FILE*)"
        );
        // A second borrow while one is held is a Lua error, catchable.
        let r: (bool, String) = lua
            .load("return pcall(acct.with, acct, function() acct:deposit(1) end)")
            .eval()
            .unwrap();
        assert!(!r.0);
        assert!(r.1.ends_with("userdata already borrowed"), "{}", r.1);
        let r: (bool, String) = lua
            .load("return pcall(acct.with, acct, function() return acct:peek() end)")
            .eval()
            .unwrap();
        assert!(!r.0 && r.1.ends_with("userdata already borrowed"));
        // Fields read while borrowed mutably: also an error, not a panic.
        assert!(
            msg(lua, "acct:with(function() return acct.balance end)")
                .ends_with("userdata already borrowed")
        );
        // Everything is released afterwards.
        assert_eq!(
            acct.borrow::<Account>().unwrap().log.last().unwrap(),
            "with"
        );
        {
            let _r = acct.borrow_mut::<Account>().unwrap();
            assert!(matches!(acct.borrow::<Account>(), Err(Error::Borrowed)));
            assert!(msg(lua, "acct:peek()").ends_with("userdata already borrowed"));
        }
        assert!(matches!(
            acct.borrow::<String>(),
            Err(Error::UserDataType(_))
        ));
    });
}

#[test]
fn userdata_size_counts_toward_the_heap() {
    struct Big(#[allow(dead_code)] [u8; 1 << 16]);
    impl UserData for Big {}
    let lua = Lua::new();
    lua.gc_collect().unwrap();
    let before = lua.used_memory();
    let uds: Vec<AnyUserData> = (0..16)
        .map(|_| lua.create_userdata(Big([0; 1 << 16])).unwrap())
        .collect();
    lua.gc_collect().unwrap();
    assert!(lua.used_memory() >= before + 16 * (1 << 16));
    drop(uds);
    lua.gc_collect().unwrap();
    assert!(lua.used_memory() < before + (1 << 16));
}

#[test]
fn userdata_drop_runs_when_collected() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    struct Tracked(Arc<AtomicUsize>);
    impl UserData for Tracked {}
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let lua = Lua::new();
    lua.globals().set("t", Tracked(drops.clone())).unwrap();
    lua.gc_collect().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    lua.load("t = nil").exec().unwrap();
    lua.gc_collect().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    lua.globals().set("u", Tracked(drops.clone())).unwrap();
    drop(lua);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn handles_survive_collections() {
    each(|lua| {
        let t = lua.create_table().unwrap();
        for i in 1..=100 {
            t.raw_set(i, format!("v{i}")).unwrap();
        }
        let s = lua.create_string("a string only Rust holds").unwrap();
        let f: Function = lua
            .load("local up = {} return function() up[#up + 1] = 1 return #up end")
            .eval()
            .unwrap();
        let co = lua.create_thread(f.clone()).unwrap();
        for _ in 0..3 {
            lua.load("collectgarbage() local junk = {} for i = 1, 10000 do junk[i] = {} end collectgarbage()")
                .exec()
                .unwrap();
            lua.gc_collect().unwrap();
        }
        assert_eq!(t.get::<_, String>(100).unwrap(), "v100");
        assert_eq!(s.to_str().unwrap(), "a string only Rust holds");
        assert_eq!(f.call::<_, i64>(()).unwrap(), 1);
        assert_eq!(co.resume::<_, i64>(()).unwrap(), 2);
        // Dropped handles release their values.
        lua.gc_collect().unwrap();
        let before = lua.used_memory();
        let many: Vec<Table> = (0..2000)
            .map(|_| lua.create_table_with_capacity(64, 0).unwrap())
            .collect();
        lua.gc_collect().unwrap();
        assert!(lua.used_memory() > before + 2000 * 64 * 16);
        drop(many);
        lua.gc_collect().unwrap();
        assert!(lua.used_memory() < before + 2000 * 64 * 16);
    });
}

#[test]
fn handles_of_another_state_are_refused() {
    let a = Lua::new();
    let b = Lua::with_executor(Executor::Tree);
    let ta = a.create_table().unwrap();
    let sa = a.create_string("s").unwrap();
    assert!(matches!(
        b.globals().set("t", ta.clone()),
        Err(Error::ForeignHandle)
    ));
    assert!(matches!(
        b.globals().set(sa.clone(), 1),
        Err(Error::ForeignHandle)
    ));
    let fb: Function = b.load("function(x) return x end").eval().unwrap();
    assert!(matches!(
        fb.call::<_, Value>(ta.clone()),
        Err(Error::ForeignHandle)
    ));
    assert!(matches!(
        b.create_thread(a.load("return").into_function().unwrap()),
        Err(Error::ForeignHandle)
    ));
    // A callback returning a foreign handle raises a Lua error.
    let leak = b.create_function(move |_, ()| Ok(ta.clone())).unwrap();
    b.globals().set("leak", leak).unwrap();
    assert!(
        b.load("leak()")
            .exec()
            .unwrap_err()
            .message()
            .contains("another")
    );
    // Values of different states are never equal.
    assert_ne!(
        Value::String(sa),
        Value::String(b.create_string("s").unwrap())
    );
}

#[test]
fn threads() {
    each(|lua| {
        let generator: Function = lua
            .load("function(n) for i = 1, n do coroutine.yield(i) end return 'done' end")
            .eval()
            .unwrap();
        let co = lua.create_thread(generator).unwrap();
        assert_eq!(co.status(), ThreadStatus::Resumable);
        assert_eq!(co.resume::<_, i64>(3).unwrap(), 1);
        assert_eq!(co.resume::<_, i64>(()).unwrap(), 2);
        assert_eq!(co.resume::<_, i64>(()).unwrap(), 3);
        assert_eq!(co.resume::<_, String>(()).unwrap(), "done");
        assert_eq!(co.status(), ThreadStatus::Finished);
        assert_eq!(
            co.resume::<_, ()>(()).unwrap_err().message(),
            "cannot resume dead coroutine"
        );
        // Resumed from inside a callback.
        let step = lua
            .create_function(|_, co: luna::Thread| co.resume::<_, i64>(()))
            .unwrap();
        lua.globals().set("step", step).unwrap();
        let n: i64 = lua
            .load("local co = coroutine.create(function() coroutine.yield(7) end) return step(co)")
            .eval()
            .unwrap();
        assert_eq!(n, 7);
    });
}

#[test]
fn lua_moves_to_another_thread() {
    let lua = Lua::new();
    lua.load("counter = 0").exec().unwrap();
    let t = lua.create_table().unwrap();
    let f = lua
        .create_function(|lua, ()| {
            let n: i64 = lua.globals().get("counter")?;
            lua.globals().set("counter", n + 1)
        })
        .unwrap();
    let h = std::thread::spawn(move || {
        for _ in 0..10 {
            f.call::<_, ()>(()).unwrap();
        }
        t.set("from", "thread").unwrap();
        lua
    });
    let lua = h.join().unwrap();
    assert_eq!(lua.globals().get::<_, i64>("counter").unwrap(), 10);
    // Shared between threads: calls take turns.
    let lua2 = lua.clone();
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let l = lua2.clone();
            std::thread::spawn(move || {
                for _ in 0..100 {
                    l.load("counter = counter + 1").exec().unwrap();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    assert_eq!(lua.globals().get::<_, i64>("counter").unwrap(), 410);
}

#[test]
fn many_states_on_all_cores() {
    use rayon::prelude::*;
    let results: Vec<i64> = (0..64i64)
        .into_par_iter()
        .map(|i| {
            let lua = Lua::with_executor(if i % 2 == 0 {
                Executor::Flat
            } else {
                Executor::Tree
            });
            let sq = lua.create_function(|_, x: i64| Ok(x * x)).unwrap();
            lua.globals().set("sq", sq).unwrap();
            lua.globals().set("i", i).unwrap();
            lua.load("local s = 0 for k = 1, 1000 do s = s + sq(k % 10) end return s + i")
                .eval()
                .unwrap()
        })
        .collect();
    for (i, r) in results.into_iter().enumerate() {
        assert_eq!(r, 28500 + i as i64);
    }
}

#[test]
fn strings() {
    each(|lua| {
        let s: LuaString = lua.load("'a\\0b'").eval().unwrap();
        assert_eq!(s.to_bytes(), b"a\0b");
        assert_eq!(s.len(), 3);
        assert!(s == "a\0b");
        let bad: LuaString = lua.load("'\\xff'").eval().unwrap();
        assert!(bad.to_str().is_err());
        assert_eq!(bad.to_string_lossy(), "\u{FFFD}");
    });
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trip() {
    use serde::{Deserialize, Serialize};
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    enum Shape {
        Circle { r: f64 },
        Square(f64),
        Dot,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Scene {
        name: String,
        shapes: Vec<Shape>,
        tags: BTreeMap<String, i32>,
        origin: (i64, i64),
        hidden: Option<bool>,
        bytes: Vec<u8>,
    }
    each(|lua| {
        let scene = Scene {
            name: "demo".into(),
            shapes: vec![Shape::Circle { r: 1.5 }, Shape::Square(2.0), Shape::Dot],
            tags: [("a".to_string(), 1), ("b".to_string(), -2)].into(),
            origin: (3, -4),
            hidden: None,
            bytes: vec![1, 2, 3],
        };
        let v = lua.to_value(&scene).unwrap();
        lua.globals().set("scene", v.clone()).unwrap();
        assert_eq!(
            lua.load("scene.shapes[1].Circle.r + scene.shapes[2].Square")
                .eval::<f64>()
                .unwrap(),
            3.5
        );
        assert_eq!(lua.load("scene.shapes[3]").eval::<String>().unwrap(), "Dot");
        let back: Scene = lua.from_value(v).unwrap();
        assert_eq!(back, scene);
        let from_lua: Scene = lua
            .from_value(
                lua.load("{ name = 'x', shapes = {}, tags = {}, origin = { 1, 2 }, bytes = {} }")
                    .eval()
                    .unwrap(),
            )
            .unwrap();
        assert_eq!(from_lua.origin, (1, 2));
        let e = lua
            .from_value::<Scene>(lua.load("{ name = 1 }").eval().unwrap())
            .unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
    });
}

#[test]
fn limits_reset_per_host_call_and_pass_through_rust_functions() {
    each(|lua| {
        lua.set_limits(luna::Limits {
            instructions: Some(200_000),
            ..Default::default()
        });
        let spin = lua
            .create_function(|lua, ()| lua.load("while true do end").exec())
            .unwrap();
        lua.globals().set("spin", spin).unwrap();
        // No pcall catches it, also when it passes through a Rust function.
        let e = lua
            .load("local ok = pcall(spin) return 'caught'")
            .exec()
            .unwrap_err();
        assert!(e.message().ends_with("instruction limit exceeded"), "{e}");
        // Each call from Rust gets a new budget.
        for _ in 0..3 {
            let n: i64 = lua
                .load("local s = 0 for i = 1, 100000 do s = s + 1 end return s")
                .eval()
                .unwrap();
            assert_eq!(n, 100000);
        }
    });
}
