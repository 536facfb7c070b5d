-- The env argument becomes the chunk's _ENV.
local env = {print = print, tostring = tostring}
local f = load("y = 5; return y, tostring(x)", "chunk", "t", env)
print(f())
print(env.y, y)
local g = load("return _ENV", "c", "t", env)
print(g() == env)
local h = load("return print", "c", "t", nil)
print(pcall(h))
local sandboxed = load("return os", "c", "t", {})
print(sandboxed())
print(pcall(load("return undefined_fn()", "c", "t", {})))
