-- Comparisons as the test of a conditional (the executors' fast paths):
-- mixed integers and floats, NaN, strings with embedded zeros, tables
-- with and without __eq, and the errors of the rest.
local function t(f, ...) local ok, r = pcall(f, ...); return ok and tostring(r) or r end
local function lt(a, b) if a < b then return "lt" else return "ge" end end
local function le(a, b) if a <= b then return "le" else return "gt" end end
local function eq(a, b) if a == b then return "eq" else return "ne" end end
local function gti(a) if a > 3 then return "gt3" else return "le3" end end
local function lti(a) if a < -2 then return "lt-2" else return "ge-2" end end
local function gei(a) if a >= 0 then return "ge0" else return "lt0" end end
local nan = 0/0
local big = 2^53
local cases = {
  {1, 1.5}, {1.5, 1}, {2, 2.0}, {2.0, 2}, {nan, 1}, {1, nan}, {nan, nan},
  {math.maxinteger, big}, {big, math.maxinteger}, {9007199254740993, big},
  {big, 9007199254740993}, {math.mininteger, -big}, {-1/0, math.mininteger},
  {"a", "b"}, {"b", "a"}, {"a\0b", "a\0c"}, {"a\0", "a"}, {"", "a"}, {"Z", "a"},
}
for _, c in ipairs(cases) do
  print(t(lt, c[1], c[2]), t(le, c[1], c[2]), t(eq, c[1], c[2]))
end
for _, v in ipairs({3, 3.0, 3.5, 4, -2, -2.5, -3, 0, -0.0, 0.5, nan, 1/0, -1/0}) do
  print(v, gti(v), lti(v), gei(v))
end
local A, B = {}, {}
print(eq(A, A), eq(A, B), eq("x", "x"), eq(true, true), eq(false, nil), eq(1, "1"))
local mt = {__eq = function() return true end, __lt = function() return true end,
  __le = function() return false end}
local C, D = setmetatable({}, mt), setmetatable({}, mt)
print(eq(C, D), eq(C, A), lt(C, D), le(C, D), lt(C, 1), le(1, C))
print(t(lt, 1, "2"), t(le, {}, 1), t(lt, "a", 1), t(gti, "5"), t(gei, {}), t(lti, nil))
