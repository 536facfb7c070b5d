local t = {}
local function e(f) print(pcall(f)) end
e(function()
  local x = t.a
    .b
end)
e(function()
  undefinedf(
    1,
    2)
end)
e(function()
  t:nom(
   1)
end)
e(function()
  local a = 1
  local b = a <
    t
end)
e(function()
  for i = 1,
    t do end
end)
e(function()
  for k in
    nil do end
end)
e(function()
  local v = {
    t.x.y,
  }
end)
e(function()
  t.x.y
    = 1
end)
e(function()
  return #
    t.q
end)
e(function()
  local a = -
    t
end)
e(function()
  glob.x = 1
end)
e(function()
  local s = t
  .. "x"
end)
e(function() return t.p.q.r end)
e(function()
  local a = t.b or t.c.d
end)
e(function()
  if t.x.y then end
end)
e(function()
  while t.k.z do end
end)
