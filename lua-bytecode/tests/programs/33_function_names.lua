local M = {sub = {}}
function M.f() return "f" end
function M.sub.g() return "g" end
function M.sub:h() return self == M.sub end
local function rec(n) if n == 0 then return 0 end return n + rec(n - 1) end
print(M.f(), M.sub.g(), M.sub:h(), rec(10))
