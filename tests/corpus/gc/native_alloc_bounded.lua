-- corpus: skip-stress
-- Strings made only by library functions (no table, closure or concat
-- instruction in the loop) are still collected: memory stays bounded.
local peak = 0
for i = 1, 100000 do
  local s = string.format("%d-%s", i, ("x"):rep(60))
  if i % 1000 == 0 then
    local kb = collectgarbage("count")
    if kb > peak then peak = kb end
  end
end
print("bounded", peak < 4096)
