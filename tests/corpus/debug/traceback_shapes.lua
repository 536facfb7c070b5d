-- Traceback lines for each kind of function name, tail calls, metamethods,
-- for iterators, loaded chunks and coroutines (compared exactly).
local function show(f, ...) print((select(2, xpcall(f, debug.traceback, ...)))) print("--") end
function global_fn() error("in global") end
local M = {}
function M.field_fn() error("in field") end
function M:method_fn() error("in method") end
local function local_fn() error("in local") end
local function up_caller() local_fn() end
show(global_fn)
show(function() M.field_fn() end)
show(function() M:method_fn() end)
show(up_caller)
local function tail(n) if n == 0 then error("after tail calls") end return tail(n - 1) end
show(function() tail(3) end)
local mt = {__index = function(t, k) error("in __index for " .. k) end, __add = function() error("in __add") end}
local obj = setmetatable({}, mt)
show(function() return obj.key end)
show(function() return obj + 1 end)
show(function() for x in function() error("in iterator") end do end end)
local chunk = load("local x = ...\nerror('in loaded chunk ' .. x)", "=loaded")
show(chunk, "arg")
local co = coroutine.wrap(function() error("in coroutine") end)
show(co)
show(string.rep)
