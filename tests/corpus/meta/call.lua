-- __call makes a table callable, with the table as the first argument.
local counter = setmetatable({n = 0}, {__call = function(self, inc, ...)
  self.n = self.n + (inc or 1)
  return self.n, select("#", ...)
end})
print(counter())
print(counter(10, "a", "b"))
print(pcall(counter, 5))
-- __call through a __call chain.
local inner = setmetatable({}, {__call = function(_, x) return "inner " .. x end})
local outer = setmetatable({}, {__call = inner})
print(pcall(outer, "y"))
print(pcall(setmetatable({}, {__call = 42})))
