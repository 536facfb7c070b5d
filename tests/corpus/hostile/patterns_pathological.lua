-- Patterns that backtrack a lot or nest deeply: they finish (slowly in
-- PUC too, so the sizes are modest) or fail with lua5.4's errors.
local function try(name, f, ...)
  local r = table.pack(pcall(f, ...))
  print(name, table.unpack(r, 1, r.n))
end

local s = ("a"):rep(60)
try("backtrack find", string.find, s, "a-a-a-a-b")
try("backtrack match", string.match, s, "(a*)(a*)(a*)b")
try("gsub backtrack", function() return (s:gsub("a-a-b", "x")) end)
try("nested captures 32", string.find, "x", ("("):rep(32) .. "x" .. (")"):rep(32))
try("nested captures 33", string.find, "x", ("("):rep(33) .. "x" .. (")"):rep(33))
try("deep pattern 250", string.find, "x", ("x?"):rep(250))
try("recursion limit", string.match, ("a"):rep(300), ("(a)"):rep(200))
try("malformed 1", string.find, "abc", "[a")
try("malformed 2", string.find, "abc", "%")
try("malformed 3", string.gsub, "abc", "(", "x")
try("malformed 4", string.find, "abc", "%b")
try("malformed 5", string.find, "abc", "%f")
try("bad capture", string.gsub, "abc", "a", "%2")
try("gmatch anchored", function()
  local n = 0
  for _ in ("aaa"):gmatch("^a") do n = n + 1 end
  return n
end)
try("balanced", string.find, ("("):rep(1000) .. (")"):rep(1000), "%b()")
try("frontier", function() return select(2, ("THE (quick) fox"):gsub("%f[%a]%a+", "W")) end)
try("long subject", function() return #((("ab"):rep(1e5)):gsub("b", "")) end)
