-- A round-robin scheduler of coroutine tasks with sleeps, messages and errors.
local tasks, clock, mail = {}, 0, {}
local function spawn(name, f) tasks[#tasks + 1] = {name = name, co = coroutine.create(f), wake = 0} end
local function sleep(n) coroutine.yield("sleep", n) end
local function send(to, msg) mail[to] = mail[to] or {}; table.insert(mail[to], msg) end
local function recv(me)
  while not (mail[me] and #mail[me] > 0) do coroutine.yield("wait") end
  return table.remove(mail[me], 1)
end
spawn("producer", function()
  for i = 1, 3 do send("consumer", "item" .. i); print(clock, "produced item" .. i); sleep(2) end
  send("consumer", "stop")
end)
spawn("consumer", function()
  while true do
    local m = recv("consumer")
    if m == "stop" then print(clock, "consumer stops") return end
    print(clock, "consumed " .. m)
  end
end)
spawn("ticker", function() for i = 1, 4 do print(clock, "tick " .. i); sleep(1) end end)
spawn("faulty", function() sleep(3); error("task blew up") end)
while #tasks > 0 do
  clock = clock + 1
  for i = #tasks, 1, -1 do
    local t = tasks[i]
    if t.wake <= clock then
      local ok, what, n = coroutine.resume(t.co)
      if not ok then
        print(clock, t.name .. " failed: " .. what)
        table.remove(tasks, i)
      elseif coroutine.status(t.co) == "dead" then
        table.remove(tasks, i)
      elseif what == "sleep" then
        t.wake = clock + n
      end
    end
  end
end
print("all done at", clock)
