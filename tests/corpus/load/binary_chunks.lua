-- load and binary chunks: modes, chunk names in messages, truncated and
-- foreign chunks (lua5.4's "bad binary format" messages).
local f = function(a) return a * 2 end
local d = string.dump(f)
print(d:sub(1, 4) == "\27Lua", d:byte(5) == 0x54)

for _, mode in ipairs({"b", "t", "bt", "tb", "x"}) do
  local g, err = load(d, "=chunk", mode)
  print(mode, g and g(21), err)
  local h, err2 = load("return 1", "=chunk", mode)
  print(mode, h and h(), err2)
end
print(load(d, nil, nil)(4), load(d, "name")(5))

-- A reader function may give the chunk in pieces.
local pieces, i = {}, 0
for k = 1, #d, 3 do pieces[#pieces + 1] = d:sub(k, k + 2) end
print(load(function() i = i + 1; return pieces[i] end, "=reader", "b")(8))

-- Every proper prefix of a dump is a truncated chunk.
local msgs = {}
for n = 1, #d - 1 do
  local g, err = load(d:sub(1, n), "=cut")
  msgs[err] = (msgs[err] or 0) + 1
  assert(g == nil)
end
for m in pairs(msgs) do print(m) end
local sd = string.dump(f, true)
local count = 0
for n = 1, #sd - 1 do
  local g, err = load(sd:sub(1, n), "@file.lua")
  if err == "file.lua: bad binary format (truncated chunk)" then count = count + 1 end
end
print(count == #sd - 1)

-- Chunk names: '=' and '@' are dropped, a name starting with the escape
-- character is "binary string" (load's default name is the chunk itself).
local cut = d:sub(1, 10)
for _, name in ipairs({"=stdin", "@some/file.lua", "plain name", "\27binary", "line1\nline2"}) do
  print(load(cut, name))
end
print(load(cut))
print(load("\27"))
print(load("\27Lu"))
print(load("\27Lxa"))
-- Another Lua version, another format.
print(load("\27Lua\x53\0"))
print(load("\27Lua\x54\1xxxxxxxxxxxxxxxxxxxxxxx"))
-- Trailing bytes are ignored.
print(load(d .. "trailing")(50))
-- An empty chunk is text.
print(load("", "=empty", "b"))
print(pcall(load, d, "=x", {}))
