-- ipairs respects __index (5.4) and stops at the first nil.
local backing = {"a", "b", "c"}
local t = setmetatable({}, {__index = function(_, i) return backing[i] end})
for i, v in ipairs(t) do io.write(i, v, " ") end print()
for i, v in ipairs({1, 2, nil, 4}) do io.write(i, " ") end print()
print(pcall(ipairs))
