-- corpus: skip-stress (a million calls)
-- Proper tail calls do not grow the stack.
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
print(loop(1000000, 0))
local function a(n) if n == 0 then return "a done" end return (n % 2 == 0) and a(n - 1) or a(n - 1) end
local ping, pong
function ping(n) if n == 0 then return "ping" end return pong(n - 1) end
function pong(n) if n == 0 then return "pong" end return ping(n - 1) end
print(ping(1000001))
