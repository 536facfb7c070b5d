local obj = {n = 1}
function obj:inc(k) self.n = self.n + (k or 1); return self end
function obj.get(self) return self.n end
obj:inc():inc(5)
print(obj:get(), obj.get(obj))
local s = "hello"
print(s:upper(), ("x"):rep(3))
