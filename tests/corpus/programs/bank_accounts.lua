-- Closures as objects, error handling with error tables, and a transaction log.
local function account(owner, balance)
  local log = {}
  local self = {}
  local function record(kind, amount) log[#log + 1] = string.format("%s:%s:%d", owner, kind, amount) end
  function self.deposit(n)
    if type(n) ~= "number" or n <= 0 then error({code = "EINVAL", msg = "bad amount " .. tostring(n)}) end
    balance = balance + n; record("dep", n)
  end
  function self.withdraw(n)
    if n > balance then error({code = "EFUNDS", msg = owner .. " has only " .. balance}) end
    balance = balance - n; record("wd", n)
  end
  function self.balance() return balance end
  function self.log() return table.concat(log, ",") end
  return self
end
local function transfer(from, to, n)
  local ok, err = pcall(function() from.withdraw(n); to.deposit(n) end)
  if ok then return "ok" end
  return err.code .. " (" .. err.msg .. ")"
end
local a, b = account("ann", 100), account("bob", 20)
print(transfer(a, b, 30), a.balance(), b.balance())
print(transfer(b, a, 500), a.balance(), b.balance())
print(transfer(a, b, -5), a.balance(), b.balance())
print(a.log())
print(b.log())
