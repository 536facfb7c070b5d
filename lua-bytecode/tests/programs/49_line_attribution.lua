local t = {}
print(pcall(function()
  local s = "a"
    .. "b"
    .. t
end))
print(pcall(function()
  return t
    .a
    .b
end))
print(pcall(function()
  return 1 +
    t.missing
end))
print(pcall(function()
  local l
  l()
end))
