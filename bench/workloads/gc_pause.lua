-- A large live heap (3,000,000 small tables) and steady churn of
-- short-lived ones, in incremental mode: the longest gap between two
-- checkpoints of the churn loop (100 iterations apart) is the longest
-- pause the collector imposed. It goes to stderr (it differs from run to
-- run); stdout is the checksum.
collectgarbage("incremental")
local live = {}
for i = 1, 3000000 do live[i] = {x = i, y = i} end
local clock = os.clock
local longest, last = 0, clock()
local sum = 0
for i = 1, 10000000 do
  local t = {x = i, y = i}
  sum = sum + t.x + live[i % 3000000 + 1].y
  if i % 100 == 0 then
    local now = clock()
    if now - last > longest then longest = now - last end
    last = now
  end
end
print(sum)
io.stderr:write(string.format("longest pause %.2f ms\n", longest * 1000))
