-- Errors inside library functions called through fields.
local m = {}
function m.f(x) return x.y end
print(pcall(m.f))
print(pcall(m.f, 1))
local obj = {}
function obj:method() return self.missing.x end
print(pcall(obj.method, obj))
