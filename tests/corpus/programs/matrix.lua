local function matmul(a, b)
  local n, m, p = #a, #b, #b[1]
  local c = {}
  for i = 1, n do
    c[i] = {}
    for j = 1, p do
      local s = 0
      for k = 1, m do s = s + a[i][k] * b[k][j] end
      c[i][j] = s
    end
  end
  return c
end
local function show(m)
  for _, row in ipairs(m) do print(table.concat(row, " ")) end
end
local a = {{1, 2}, {3, 4}}
local b = {{5, 6}, {7, 8}}
show(matmul(a, b))
local id = {{1, 0}, {0, 1}}
show(matmul(a, id))
local f = {{1.5, 0}, {0, 0.5}}
show(matmul(f, a))
local p = {{1, 1}, {1, 0}}
local r = id
for i = 1, 90 do r = matmul(r, p) end
print(r[1][2])
