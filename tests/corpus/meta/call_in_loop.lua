-- A callable table called many times from one frame: each call puts the
-- __call handler in front of the arguments, and the stack must not keep
-- the shifted slot (it grew by one per call, and each call shifted all of
-- it: 300,000 calls took minutes).
local obj = setmetatable({}, {__call = function(self, a, b) return a + (b or 0) end})
local n = 0
for i = 1, 300000 do n = n + obj(i) end
print(n)
-- Through two levels of __call, with varargs and multiple results.
local inner = setmetatable({}, {__call = function(self, ...) return select('#', ...), ... end})
local outer = setmetatable({}, {__call = inner})
local c = 0
for i = 1, 100000 do
  local k, s = outer(i, 2)
  c = c + k
end
print(c, select('#', outer(1, 2, 3)), select(3, outer(1, 2, 3)))
print(pcall(setmetatable({}, {__call = 1})))
