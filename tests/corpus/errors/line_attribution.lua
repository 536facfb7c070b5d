-- Errors are reported at the line of the failing operation, in multi-line expressions too.
local t = {}
print(pcall(function()
  local v = {
    a = 1,
    b = t.x.y,
  }
end))
print(pcall(function()
  return 1 +
    t.missing
end))
print(pcall(function()
  local s = "a"
    .. "b"
    .. t
end))
print(pcall(function()
  t.f(
    1,
    2
  )
end))
print(pcall(function()
  return t
    .a
    .b
end))
