-- corpus: skip-stress (the stress modes pin the collector's mode, and what a step reports depends on it)
-- Steps: incremental steps end a cycle eventually; generational ones
-- never say so; a step runs while the collector is stopped.
collectgarbage("incremental")
local n = 0
repeat n = n + 1 until collectgarbage("step", 0) or n > 1000000
print("incremental cycle ended", n <= 1000000)
collectgarbage("generational")
print("generational step", collectgarbage("step", 0), collectgarbage("step", 100))
print(collectgarbage("isrunning"))
collectgarbage("stop")
print(collectgarbage("isrunning"), collectgarbage("step", 0))
collectgarbage("restart")
print(collectgarbage("isrunning"))
