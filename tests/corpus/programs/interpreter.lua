-- A tiny stack-machine interpreter for arithmetic with variables and loops.
local function tokenize(src)
  local toks = {}
  for tok in src:gmatch("%S+") do toks[#toks + 1] = tok end
  return toks
end

local function run(src, input)
  local toks = tokenize(src)
  local stack, vars, out = {}, {}, {}
  local labels = {}
  for i, t in ipairs(toks) do
    local l = t:match("^(%w+):$")
    if l then labels[l] = i end
  end
  local function pop()
    local v = table.remove(stack)
    if v == nil then error("stack underflow", 0) end
    return v
  end
  local pc, steps = 1, 0
  while pc <= #toks do
    steps = steps + 1
    if steps > 5000 then error("too many steps", 0) end
    local t = toks[pc]
    pc = pc + 1
    local n = math.tointeger(tonumber(t))
    if n then stack[#stack + 1] = n
    elseif t == "+" then local b, a = pop(), pop(); stack[#stack + 1] = a + b
    elseif t == "-" then local b, a = pop(), pop(); stack[#stack + 1] = a - b
    elseif t == "*" then local b, a = pop(), pop(); stack[#stack + 1] = a * b
    elseif t == "/" then local b, a = pop(), pop(); stack[#stack + 1] = a // b
    elseif t == "dup" then local a = pop(); stack[#stack + 1] = a; stack[#stack + 1] = a
    elseif t == "print" then out[#out + 1] = tostring(pop())
    elseif t:match("^!%a+$") then vars[t:sub(2)] = pop()
    elseif t:match("^@%a+$") then
      local v = vars[t:sub(2)]
      if v == nil then error("undefined variable " .. t:sub(2), 0) end
      stack[#stack + 1] = v
    elseif t:match("^jz:%w+$") then if pop() == 0 then pc = labels[t:sub(4)] or error("no label", 0) end
    elseif t:match("^jmp:%w+$") then pc = labels[t:sub(5)] or error("no label", 0)
    elseif t:match("^%w+:$") then -- label
    elseif t == "input" then stack[#stack + 1] = input
    else error("unknown word " .. t, 0) end
  end
  return table.concat(out, " ")
end

print(run("1 2 + print 6 7 * print 100 7 / print"))
-- factorial of the input with a loop
local fact = "input !n 1 !acc loop: @n jz:done @acc @n * !acc @n 1 - !n jmp:loop done: @acc print"
for _, n in ipairs({0, 1, 5, 10, 20}) do print(n, run(fact, n)) end
print(pcall(run, "1 +"))
print(pcall(run, "@x print"))
print(pcall(run, "frob"))
print(pcall(run, "1 0 /"))
print(pcall(run, "top: jmp:top"))
