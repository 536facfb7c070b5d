local function f(...) return select(-1, ...) end
print(f(1, 2, 3), f("only"))
print(select(-2, "a", "b", "c"))
print(pcall(select, -1))
