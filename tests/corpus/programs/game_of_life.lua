-- Conway's game of life on a small torus; prints generations as text.
local W, H = 10, 8
local function new() local g = {} for y = 1, H do g[y] = {} for x = 1, W do g[y][x] = false end end return g end
local g = new()
for _, p in ipairs({{2, 1}, {3, 2}, {1, 3}, {2, 3}, {3, 3}}) do g[p[2]][p[1]] = true end -- glider
local function step(g)
  local n = new()
  for y = 1, H do
    for x = 1, W do
      local c = 0
      for dy = -1, 1 do
        for dx = -1, 1 do
          if not (dx == 0 and dy == 0) then
            if g[(y + dy - 1) % H + 1][(x + dx - 1) % W + 1] then c = c + 1 end
          end
        end
      end
      n[y][x] = c == 3 or (c == 2 and g[y][x])
    end
  end
  return n
end
local function show(g)
  local rows = {}
  for y = 1, H do
    local r = {}
    for x = 1, W do r[x] = g[y][x] and "#" or "." end
    rows[y] = table.concat(r)
  end
  return table.concat(rows, "\n")
end
for gen = 0, 8 do
  if gen % 4 == 0 then print("gen " .. gen) print(show(g)) end
  g = step(g)
end
