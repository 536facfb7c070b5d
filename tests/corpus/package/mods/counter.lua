-- A module used by the package cases (not a case itself: cases are only
-- the .lua files directly in an area directory).
local M = {}
M.loads = (M.loads or 0) + 1
M.args = {...}
local n = 0
function M.next() n = n + 1; return n end
return M
