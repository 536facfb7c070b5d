//! The flat executor on programs whose results were taken from lua5.4
//! (each chunk returns its facts as one string, compared with what
//! `lua5.4` printed for the same chunk with `print(...)`).

use std::rc::Rc;

use lua_exec_flat::FlatExecutor;
use lua_runtime::{State, Value};

/// Run `src` on the flat executor and join its results with tabs, as
/// `print` would (via `tostring`).
fn run(src: &str) -> Result<String, String> {
    let mut st = State::new(Rc::new(FlatExecutor));
    let f = st
        .load(src.as_bytes(), "=test", "t", None)
        .map_err(|e| format!("{:?}", e.value.type_name()))?;
    match st.call(f, &[]) {
        Ok(vals) => {
            let mut out = Vec::new();
            for v in vals {
                let s = st.tostring(v).map_err(|_| "tostring".to_string())?;
                out.push(s.to_str_lossy().into_owned());
            }
            Ok(out.join("\t"))
        }
        Err(e) => match e.value {
            Value::Str(s) => Err(s.to_str_lossy().into_owned()),
            v => Err(v.type_name().to_string()),
        },
    }
}

#[test]
fn deep_recursion_does_not_use_the_rust_stack() {
    let src = "local function deep(n) if n == 0 then return 0 end return 1 + deep(n - 1) end
               return deep(200000)";
    assert_eq!(run(src).unwrap(), "200000");
}

#[test]
fn runaway_recursion_is_a_catchable_stack_overflow() {
    let src = "return pcall(function() local function r() return 1 + r() end return r() end)";
    assert_eq!(run(src).unwrap(), "false\ttest:1: stack overflow");
}

#[test]
fn tail_calls_reuse_the_frame() {
    let src = "local function tc(n) if n == 0 then return 'done' end return tc(n - 1) end
               return tc(1000000)";
    assert_eq!(run(src).unwrap(), "done");
}

#[test]
fn metamethods_written_in_lua() {
    let src = "local mt = {__index = function(t, k) return k * 2 end,
                            __add = function(a, b) return 100 end,
                            __lt = function(a, b) return true end}
               local o = setmetatable({}, mt)
               local c = 0
               if o < o then c = 1 end
               return o[21], o + 1, 1 + o, c";
    assert_eq!(run(src).unwrap(), "42\t100\t100\t1");
}

#[test]
fn coroutines_yield_across_a_lua_index_metamethod() {
    let src =
        "local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
               local y = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end})
               local c2 = coroutine.create(function() return y.key .. '!' end)
               local _, k = coroutine.resume(c2)
               local _, v = coroutine.resume(c2, 'v')
               return co(1), co(10), k, v";
    assert_eq!(run(src).unwrap(), "2\t20\tkey\tv!");
}

#[test]
fn errors_name_the_operand_and_line() {
    let src = "local ok, e = pcall(function() local x\n return x.y end)\nreturn e";
    assert_eq!(
        run(src).unwrap(),
        "test:2: attempt to index a nil value (local 'x')"
    );
    let src = "return pcall(function() return nil + 1 end)";
    assert_eq!(
        run(src).unwrap(),
        "false\ttest:1: attempt to perform arithmetic on a nil value"
    );
    assert_eq!(
        run("local t = nil\nt.x = 1").unwrap_err(),
        "test:2: attempt to index a nil value (local 't')"
    );
}

#[test]
fn number_semantics_on_the_fast_paths() {
    let src = "return 7 // 2, 7 % -3, -7 // 2, 7.5 // 2, 1 / 0, 3 | 5, 1 << 63, 2^53 + 1 - 2^53";
    assert_eq!(
        run(src).unwrap(),
        "3\t-2\t-4\t3.0\tinf\t7\t-9223372036854775808\t0.0"
    );
    let src = "local s, n = 0, 0
               for i = 3, 1, -1 do s = s * 10 + i end
               for x = 1.0, 2.0, 0.5 do n = n + x end
               for i = math.maxinteger - 1, math.maxinteger do n = n + 1 end
               return s, n";
    assert_eq!(run(src).unwrap(), "321\t6.5");
}

#[test]
fn tables_varargs_and_multiple_results() {
    let src = "local function f(...) return select('#', ...), ... end
               local t = {f(1, nil, 3)}
               local u = {}
               for i = 1, 5 do u[#u + 1] = i * 1.5 end
               u.name = 'x'
               return #t, t[1], t[4], table.concat(u, ' ', 1, 5), u.name, #u";
    assert_eq!(run(src).unwrap(), "4\t3\t3\t1.5 3.0 4.5 6.0 7.5\tx\t5");
}

#[test]
fn generic_for_and_closures_per_iteration() {
    let src = "local fs = {}
               for i, v in ipairs({10, 20, 30}) do fs[i] = function() return i + v end end
               local s = 0
               for k, v in pairs({a = 1, b = 2}) do s = s + v end
               return fs[1](), fs[3](), s";
    assert_eq!(run(src).unwrap(), "11\t33\t3");
}
