-- Functions defined in a loaded chunk see that chunk's _ENV.
local env = {}
load("function greet(n) return 'hi ' .. n end", "c", "t", env)()
print(env.greet("you"), greet)
local counter_src = "local n = 0; return function() n = n + 1; return n end"
local c1, c2 = load(counter_src)(), load(counter_src)()
print(c1(), c1(), c2())
