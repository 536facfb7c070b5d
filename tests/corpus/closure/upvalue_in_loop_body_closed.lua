-- A variable declared in a loop body is closed at the end of each iteration, even with break/goto.
local fs = {}
for i = 1, 5 do
  local v = i
  fs[#fs + 1] = function() v = v * 2; return v end
  if i == 3 then break end
end
print(#fs, fs[1](), fs[1](), fs[2](), fs[3]())
local k = 0
local gs = {}
::top::
do
  local w = k
  gs[#gs + 1] = function() return w end
  k = k + 1
  if k < 3 then goto top end
end
print(gs[1](), gs[2](), gs[3]())
