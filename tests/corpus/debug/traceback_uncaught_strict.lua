-- An uncaught error: stderr holds the message and lua5.4's traceback.
local Account = {}
Account.__index = Account
function Account:withdraw(n)
  if n > self.balance then error("insufficient funds") end
  self.balance = self.balance - n
end
local a = setmetatable({balance = 10}, Account)
a:withdraw(5)
print(a.balance)
a:withdraw(50)
