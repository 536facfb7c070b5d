-- Output before an error stays; the error goes to the caller.
local function work()
  print("working")
  io.write("partial line ")
  error("stopped", 0)
end
print(pcall(work))
print("after")
