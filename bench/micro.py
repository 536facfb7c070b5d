#!/usr/bin/env python3
"""Single-operation programs against lua5.4: one library call, metamethod,
iterator or string operation in a loop each, to find the slow spots the
workloads of bench/run.py do not exercise (the scan of session 11 found
string methods, comparisons in conditions, `type`, `__call` and the
metamethods this way; docs/PERFORMANCE.md).

    python3 bench/micro.py                   # every program, 3 runs each
    python3 bench/micro.py --runs 5 str_lt add_mm
    python3 bench/micro.py --luna target/release/luna --above 1.1

Each program runs on lua5.4 and on both luna executors, interleaved; the
table gives lua5.4's median CPU time (user + system) and luna's medians
as ratios to it, and marks with `*` the flat ratios above --above
(default 1.0). Outputs are compared with lua5.4's first: a program whose
output differs is reported and not timed. Ratios only: the machine is
shared and noisy.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (body, N). The body runs with a local N; it should take 0.05-0.5 s
# on lua5.4.
PROGRAMS = {
    # strings
    "str_lt": ("local a, b = 'hello world', 'hello worle'; local s = 0; for i = 1, N do if a < b then s = s + 1 end end", 10000000),
    "str_eq_new": ("local n = 0; local a = 'abc'; for i = 1, N do local b = 'ab' .. 'c'; if a == b then n = n + 1 end end", 5000000),
    "str_byte_method": ("local t = {}; for i = 1, 1000 do t[i] = tostring(i * 7919) .. 'x' end; local n = 0; for r = 1, N do for i = 1, #t do local s = t[i]; n = n + #s + s:byte(1) end end", 10000),
    "str_sub_eq": ("local t = {}; for i = 1, 1000 do t[i] = tostring(i * 7919) .. 'x' end; local n = 0; for r = 1, N do for i = 1, #t do n = n + (t[i]:sub(2, 3) == '00' and 1 or 0) end end", 10000),
    "str_find_plain": ("local t = {}; for i = 1, 1000 do t[i] = tostring(i * 7919) .. 'x' end; local n = 0; for r = 1, N do for i = 1, #t do if t[i]:find('99', 1, true) then n = n + 1 end end end", 10000),
    "str_upper": ("local s = string.rep('abc', 10); local r; for i = 1, N do r = s:upper() end", 2000000),
    "str_rep": ("local s; for i = 1, N do s = string.rep('ab', 10) end", 2000000),
    "concat3": ("local s; for i = 1, N do s = 'a' .. i .. 'b' end", 2000000),
    "tostring_int": ("local s; for i = 1, N do s = tostring(i) end", 3000000),
    "tostring_float": ("local s; for i = 1, N do s = tostring(i + 0.5) end", 1000000),
    "tonumber_str": ("local x = 0; local t = {'12', '3.5', '0x10', ' 7 '}; for i = 1, N do x = x + tonumber(t[i % 4 + 1]) end", 3000000),
    "format_d": ("local s; for i = 1, N do s = string.format('%d:%s', i, 'x') end", 1000000),
    "format_f": ("local s; for i = 1, N do s = string.format('%.3f', i / 7) end", 1000000),
    "match_caps": ("local s = 'key=val'; local c = 0; for i = 1, N do local k, v = s:match('(%w+)=(%w+)'); c = c + #k end", 3000000),
    "gmatch_caps": ("local s = string.rep('key=val ', 20); local c = 0; for i = 1, N do for k, v in s:gmatch('(%w+)=(%w+)') do c = c + 1 end end", 30000),
    "gsub_str": ("local s = string.rep('hello world ', 20); local r; for i = 1, N do r = s:gsub('o', '0') end", 100000),
    "gsub_fn": ("local s = string.rep('abc ', 20); local r; for i = 1, N do r = s:gsub('%w+', function(w) return w end) end", 50000),
    "tconcat": ("local t = {}; for i = 1, 100 do t[i] = 'x' .. i end; local s; for i = 1, N do s = table.concat(t, ',') end", 50000),
    # base library and calls
    "type_fn": ("local s = 0; for i = 1, N do if type(i) == 'number' then s = s + 1 end end", 10000000),
    "select_n": ("local function f(...) return select('#', ...) end; local s = 0; for i = 1, N do s = s + f(i, i, i) end", 3000000),
    "vararg_fwd": ("local function g(a, b, c) return c end; local function f(...) return g(...) end; local s = 0; for i = 1, N do s = s + f(1, 2, i) end", 5000000),
    "unpack": ("local t = {1, 2, 3, 4}; local s = 0; for i = 1, N do local a, b, c, d = table.unpack(t); s = s + d end", 3000000),
    "pcall_ok": ("local f = function(x) return x end; local s = 0; for i = 1, N do local ok, v = pcall(f, i); s = s + v end", 3000000),
    "pcall_err": ("local n = 0; for i = 1, N do local ok = pcall(error, 'x'); if not ok then n = n + 1 end end", 1000000),
    "math_floor": ("local s = 0; for i = 1, N do s = s + math.floor(i / 3) end", 5000000),
    "math_max": ("local s = 0; for i = 1, N do s = s + math.max(i, 5, 9) end", 5000000),
    "math_random": ("local n = 0; for i = 1, N do n = n + math.random(100) end", 5000000),
    "closure_make": ("local fs; for i = 1, N do fs = function() return i end end", 5000000),
    "method_call": ("local C = {}; C.__index = C; function C:get() return self.v end; local o = setmetatable({v = 1}, C); local s = 0; for i = 1, N do s = s + o:get() end", 10000000),
    "inherit3": ("local A = {}; A.__index = A; function A:f() return 1 end; local B = setmetatable({}, A); B.__index = B; local C = setmetatable({}, B); C.__index = C; local o = setmetatable({}, C); local n = 0; for i = 1, N do n = n + o:f() end", 5000000),
    # tables and iteration
    "tinsert": ("local t = {}; for i = 1, N do table.insert(t, i) end", 5000000),
    "tremove": ("local t = {}; for i = 1, N do t[i] = i end; for i = 1, N do table.remove(t) end", 5000000),
    "ipairs_small": ("local t = {1, 2, 3}; local n = 0; for i = 1, N do for _, v in ipairs(t) do n = n + v end end", 2000000),
    "pairs_small": ("local t = {a = 1, b = 2, c = 3}; local n = 0; for i = 1, N do for k, v in pairs(t) do n = n + v end end", 1000000),
    "field_rw": ("local t = {a = 1}; for i = 1, N do t.a = t.a + 1 end", 20000000),
    "table_ctor": ("local t; for i = 1, N do t = {x = i, y = i, z = i} end", 3000000),
    "sort_cmp": ("local s = 0; for r = 1, N do local t = {}; for i = 1, 1000 do t[i] = (i * 7919) % 1000 end; table.sort(t, function(a, b) return a > b end); s = s + t[1] end", 100),
    # metamethods written in Lua
    "add_mm": ("local mt = {}; mt.__add = function(a, b) return a end; local a = setmetatable({}, mt); local x; for i = 1, N do x = a + 1 end", 5000000),
    "index_fn": ("local o = setmetatable({}, {__index = function(t, k) return 1 end}); local n = 0; for i = 1, N do n = n + o.x end", 5000000),
    "newindex_fn": ("local o = setmetatable({}, {__newindex = function(t, k, v) end}); for i = 1, N do o.x = i end", 5000000),
    "call_mm": ("local o = setmetatable({}, {__call = function(self, a) return a end}); local n = 0; for i = 1, N do n = n + o(i) end", 5000000),
    "eq_mm": ("local mt = {__eq = function(a, b) return true end}; local a, b = setmetatable({}, mt), setmetatable({}, mt); local n = 0; for i = 1, N do if a == b then n = n + 1 end end", 5000000),
    "lt_mm": ("local mt = {__lt = function(a, b) return true end}; local a, b = setmetatable({}, mt), setmetatable({}, mt); local n = 0; for i = 1, N do if a < b then n = n + 1 end end", 5000000),
    "len_mm": ("local o = setmetatable({}, {__len = function() return 3 end}); local n = 0; for i = 1, N do n = n + #o end", 5000000),
    "concat_mm": ("local mt = {__concat = function(a, b) return 'x' end}; local a = setmetatable({}, mt); local x; for i = 1, N do x = a .. 'y' end", 3000000),
    # coroutines
    "coro_wrap": ("local g = coroutine.wrap(function() while true do coroutine.yield(1) end end); local s = 0; for i = 1, N do s = s + g() end", 2000000),
    "coro_create": ("for i = 1, N do local co = coroutine.create(function() end); coroutine.resume(co) end", 500000),
}


def cpu(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return t, r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="programs to run (default: all)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--luna", default=os.path.join(ROOT, "target", "release", "luna"))
    ap.add_argument("--lua", default="lua5.4")
    ap.add_argument("--above", type=float, default=1.0)
    args = ap.parse_args()
    names = args.names or list(PROGRAMS)
    unknown = [n for n in names if n not in PROGRAMS]
    if unknown:
        sys.exit(f"unknown programs: {', '.join(unknown)}")
    impls = {"lua": [args.lua], "flat": [args.luna, "--executor=flat"],
             "tree": [args.luna, "--executor=tree"]}
    print(f"{'program':18s} {'lua5.4 s':>9s} {'flat':>6s} {'tree':>6s}")
    flagged = []
    with tempfile.TemporaryDirectory() as d:
        for name in names:
            body, n = PROGRAMS[name]
            path = os.path.join(d, name + ".lua")
            with open(path, "w") as f:
                f.write(f"local N = {n}\n{body}\nprint('done')\n")
            _, want = cpu(impls["lua"] + [path])
            bad = [k for k in ("flat", "tree") if cpu(impls[k] + [path])[1] != want]
            if bad:
                print(f"{name:18s} output differs from lua5.4 on {', '.join(bad)}")
                flagged.append(name)
                continue
            times = {k: [] for k in impls}
            for _ in range(args.runs):
                for k, cmd in impls.items():
                    times[k].append(cpu(cmd + [path])[0])
            lua = statistics.median(times["lua"])
            flat = statistics.median(times["flat"]) / lua
            tree = statistics.median(times["tree"]) / lua
            mark = " *" if flat > args.above else ""
            if mark:
                flagged.append(name)
            print(f"{name:18s} {lua:9.3f} {flat:6.2f} {tree:6.2f}{mark}", flush=True)
    if flagged:
        print(f"\nflat above {args.above} (or differing): {', '.join(flagged)}")


if __name__ == "__main__":
    main()
