local List = {}
List.__index = List
function List.new() return setmetatable({first = nil, n = 0}, List) end
function List:push(v) self.first = {v = v, next = self.first}; self.n = self.n + 1; return self end
function List:iter() local node = self.first return function() if node then local v = node.v; node = node.next; return v end end end
function List:map(f) local out = List.new() local tmp = {} for v in self:iter() do tmp[#tmp + 1] = f(v) end for i = #tmp, 1, -1 do out:push(tmp[i]) end return out end
List.__len = function(self) return self.n end
List.__tostring = function(self) local t = {} for v in self:iter() do t[#t + 1] = tostring(v) end return "(" .. table.concat(t, " ") .. ")" end
List.__concat = function(a, b)
  local out, tmp = List.new(), {}
  for v in a:iter() do tmp[#tmp + 1] = v end
  for v in b:iter() do tmp[#tmp + 1] = v end
  for i = #tmp, 1, -1 do out:push(tmp[i]) end
  return out
end
List.__eq = function(a, b)
  local ia, ib = a:iter(), b:iter()
  while true do local x, y = ia(), ib(); if x ~= y then return false end if x == nil then return true end end
end
local l = List.new():push(3):push(2):push(1)
print(tostring(l), #l)
local sq = l:map(function(x) return x * x end)
print(tostring(sq), tostring(l .. sq), #(l .. sq))
print(l == List.new():push(3):push(2):push(1), l == sq)
