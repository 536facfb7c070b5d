local function multi() return nil, false, 0, "" end
print(pcall(multi))
print(select("#", pcall(multi)))
local ok, a, b = pcall(string.find, "hello", "l+")
print(ok, a, b)
