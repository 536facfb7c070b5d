local function iter()
  local closer = setmetatable({}, {__close = function() print("iterator closed") end})
  local i = 0
  return function() i = i + 1; if i <= 3 then return i end end, nil, nil, closer
end
for i in iter() do print(i) end
for i in iter() do if i == 2 then break end print(i) end
