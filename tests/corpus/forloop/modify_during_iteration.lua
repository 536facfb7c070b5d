-- Assigning to existing fields during next-based traversal is allowed.
local t = {}
for i = 1, 10 do t[i] = i end
for k, v in pairs(t) do t[k] = v * 2 end
local s = 0
for _, v in ipairs(t) do s = s + v end
print(s)
for k in pairs(t) do t[k] = nil end
print(next(t))
