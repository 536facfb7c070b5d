-- Errors inside functions called through globals, fields and methods keep their own positions.
function global_fn() local x; return x.y end
local M = {}
function M.field_fn() return nil + 1 end
function M:method_fn() return #self.nothing end
print(pcall(global_fn))
print(pcall(M.field_fn))
print(pcall(M.method_fn, M))
