-- __gc finalizers: run after collection, in reverse order of marking, once;
-- resurrected objects; pending finalizers run when the state closes at exit.
local log = {}
-- (kept alive together until now, so that a collection at any moment,
-- as under GC stress, finds them unreachable at once)
local objs = {}
for i = 1, 3 do objs[i] = setmetatable({}, {__gc = function() log[#log + 1] = "gc" .. i end}) end
objs = nil
collectgarbage()
print(table.concat(log, " "))
local saved
do
  setmetatable({name = "phoenix"}, {__gc = function(o) saved = o end})
end
collectgarbage()
print(saved and saved.name)
saved = nil
collectgarbage()
print(saved)
-- the __gc field must be present when setmetatable is called
local mt = {}
local late = setmetatable({}, mt)
mt.__gc = function() print("never: __gc added after setmetatable") end
late = nil
collectgarbage()
_G.at_exit = setmetatable({}, {__gc = function() print("finalized at exit") end})
print("end of script")
