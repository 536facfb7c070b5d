local out = {}
local function p(...) local t = table.pack(...) for i = 1, t.n do out[#out+1] = tostring(t[i]) end end
-- 1 closures + goto continue
local fs = {}
for i = 1, 4 do
  local j = i * 10
  fs[#fs+1] = function() return i + j end
  if i % 2 == 0 then goto continue end
  j = j + 1
  ::continue::
end
for _, f in ipairs(fs) do p(f()) end
-- 2 repeat with upvalue and break
local gs, k = {}, 0
repeat
  local x = k
  gs[#gs+1] = function() x = x + 1; return x end
  k = k + 1
  if k == 3 then break end
until false
p(gs[1](), gs[1](), gs[2](), gs[3]())
-- 3 while with closure and break
local hs, w = {}, 0
while true do
  w = w + 1
  local y = w
  hs[w] = function() return y end
  if w >= 3 then break end
end
p(hs[1](), hs[2](), hs[3]())
-- 4 generic for + goto out + closures
local cs = {}
for idx, v in ipairs({"a", "b", "c", "d"}) do
  cs[idx] = function() return v .. idx end
  if v == "c" then goto out end
end
::out::
p(#cs, cs[1](), cs[3]())
-- 5 tbc with goto out
do
  local i = 0
  ::again::
  do
    local c <close> = setmetatable({}, {__close = function() p("close" .. i) end})
    i = i + 1
    if i < 3 then goto again end
  end
end
-- 6 backward goto re-entering scope with captured local
local ks = {}
do
  local n = 0
  ::top::
  local z = n
  ks[#ks+1] = function() return z end
  n = n + 1
  if n < 3 then goto top end
end
p(ks[1](), ks[2](), ks[3]())
-- 7 nested break levels
for a = 1, 3 do
  for b = 1, 3 do
    while true do
      if b == 2 then break end
      p(a .. b)
      break
    end
    if a == 2 then break end
  end
end
-- 8 and/or chains as values
local function q(a, b, c) return a and b or c, (a or b) and c, not (a and b), a == b or c end
p(q(1, nil, 3)); p(q(nil, 2, false)); p(q(false, false, nil))
-- 9 multiple assignment evaluation order
local t = {1, 2, 3}
local i = 1
i, t[i] = i + 1, "x"
p(i, t[1], t[2])
t[1], t[2], t[3] = t[3], t[1], t[2]
p(t[1], t[2], t[3])
-- 10 varargs in middle and end
local function v(...) return select("#", ...), ... end
p(v(nil, nil), v(v(1)), ({v(1, 2)})[3])
print(table.concat(out, " "))
