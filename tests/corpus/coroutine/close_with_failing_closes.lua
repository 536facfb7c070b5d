-- coroutine.close runs every pending __close: an error in one becomes the error the next receives, and close's result
local function func2close(f) return setmetatable({}, {__close = f}) end
local x = 0
local co = coroutine.create(function()
    local y <close> = func2close(function (self,err)
      print("y closing, err =", err)
      x = 200
      error(200)
    end)
    local x <close> = func2close(function (self, err)
      print("x closing, err =", err); error(111)
    end)
    coroutine.yield()
  end)
coroutine.resume(co)
print(x)
local st, msg = coroutine.close(co)
print(st, msg, coroutine.status(co), x)
print(coroutine.close(co))
local function f2c(f) return setmetatable({}, {__close=f}) end
local ok, e = pcall(function()
  local a <close> = f2c(function(_, err) print("a", err); error("from a", 0) end)
  local b <close> = f2c(function(_, err) print("b", err); error("from b", 0) end)
  error("body", 0)
end)
print(ok, e)
