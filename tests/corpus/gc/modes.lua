-- Switching collector modes: previous mode reported, parameters kept as
-- lua5.4 keeps them, steps report a cycle's end only in incremental mode,
-- and weak entries, finalizers and live data behave the same in both.
print(collectgarbage("incremental"))          -- the lua command's mode
print(collectgarbage("incremental"))
print(collectgarbage("generational", 10, 50))
print(collectgarbage("generational"))
print(collectgarbage("incremental", 150, 300, 12))
print(collectgarbage("setpause", 100), collectgarbage("setpause", 200))
print(collectgarbage("setstepmul", 100), collectgarbage("setstepmul", 100))

local function workload(mode)
  collectgarbage(mode)
  local finalized = 0
  local keep = {}
  local weak = setmetatable({}, {__mode = "v"})
  local eph = setmetatable({}, {__mode = "k"})
  for i = 1, 2000 do
    local t = {i}
    if i % 2 == 0 then keep[#keep + 1] = t end
    weak[i] = t
    eph[t] = {t}
    if i % 500 == 0 then setmetatable({}, {__gc = function() finalized = finalized + 1 end}) end
  end
  collectgarbage()
  collectgarbage()
  local left, eleft = 0, 0
  for _ in pairs(weak) do left = left + 1 end
  for _ in pairs(eph) do eleft = eleft + 1 end
  local sum = 0
  for _, t in ipairs(keep) do sum = sum + t[1] end
  print(mode, left, eleft, finalized, sum)
end
workload("incremental")
workload("generational")
workload("incremental")
