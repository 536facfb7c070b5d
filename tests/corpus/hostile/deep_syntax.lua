-- Deeply nested constructs: each either loads or fails with lua5.4's
-- message (the parser's C-level limit, the register limit).
local function try(name, src)
  -- In a pcall: lua5.4 hands a "C stack overflow" raised while parsing
  -- to the running message handler (lua.c's adds a traceback).
  local _, f, err = pcall(load, src, "=" .. name)
  if f then
    local ok, e = pcall(f)
    print(name, "loaded", ok, ok and "" or e)
  else
    print(name, err)
  end
end

local function nest(open, mid, close, n)
  return open:rep(n) .. mid .. close:rep(n)
end

for _, n in ipairs({50, 150, 199, 200, 250, 1000}) do
  try("parens" .. n, "return " .. nest("(", "1", ")", n))
  try("tables" .. n, "return " .. nest("{", "1", "}", n))
  try("functions" .. n, nest("return function() ", "return 1", " end", n))
  try("ifs" .. n, nest("if true then ", "x = 1", " end", n))
  try("whiles" .. n, nest("while false do ", "", " end", n))
  try("dos" .. n, nest("do ", "", " end", n))
  try("repeats" .. n, nest("repeat ", "", " until true", n))
  try("fors" .. n, nest("for i = 1, 0 do ", "", " end", n))
  try("unary" .. n, "return " .. ("- "):rep(n) .. "1")
  try("nots" .. n, "return " .. ("not "):rep(n) .. "nil")
  try("pow" .. n, "return " .. ("2 ^ "):rep(n) .. "1")
  try("concat" .. n, "local a = 'a' return #(" .. ("a .. "):rep(n) .. "a)")
  try("calls" .. n, "local function f() return f end return " .. "f" .. ("()"):rep(n))
  try("fields" .. n, "local t = {} t.t = t return " .. "t" .. (".t"):rep(n))
end

-- Many locals, upvalues and constants.
local locals = {}
for i = 1, 201 do locals[#locals + 1] = "local v" .. i .. " = " .. i end
try("locals201", table.concat(locals, "\n"))
try("locals200", table.concat(locals, "\n", 1, 200))
local ups = {"local t = {}"}
for i = 1, 256 do ups[#ups + 1] = "local u" .. i .. " = " .. i end
try("many_constants", "return {" .. ("1.5, 'k', "):rep(3000) .. "}")
