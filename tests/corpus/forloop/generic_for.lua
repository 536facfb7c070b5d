-- The generic for: iterator, state, control; closing value (4th) in 5.4.
local function iter(state, ctrl)
  if ctrl < state then return ctrl + 1, ctrl * 10 end
end
for i, v in iter, 3, 0 do io.write(i, ":", v, " ") end print()
local t = {"a", "b", "c"}
for i, v in next, t do io.write(i, v, " ") end print()
for k in pairs({}) do print("never") end
local closed = false
do
  local tbc = setmetatable({}, {__close = function() closed = true end})
  for i in function(_, c) if c < 2 then return c + 1 end end, nil, 0, tbc do io.write(i, " ") end
  print(closed)
end
print(pcall(function() for x in 42 do end end))
print(pcall(function() for x in nil do end end))
