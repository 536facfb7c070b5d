-- Every kind of constant survives string.dump and load, stripped or not.
local function consts()
  return nil, true, false, 0, -1, 42, math.maxinteger, math.mininteger,
    9007199254740993, -0.0, 0.5, 1e300, -1e-300, 1/0, -1/0, 0/0,
    3.0, -3.0, 2^53, "", "a\0b\0", "\255\254\0\1", string.rep("long ", 50),
    0x7fffffffffffffff, 0xff, 1e15, 123456789012
end

local function show(...)
  local out = {}
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    if type(v) == "number" then
      if v ~= v then
        out[#out + 1] = "nan"
      elseif math.type(v) == "integer" then
        out[#out + 1] = "i:" .. tostring(v)
      else
        out[#out + 1] = "f:" .. string.format("%a", v)
      end
    elseif type(v) == "string" then
      out[#out + 1] = "s" .. #v .. ":" .. v:gsub("%c", function(c) return "\\" .. c:byte() end):gsub("\255", "\\255"):gsub("\254", "\\254")
    else
      out[#out + 1] = tostring(v)
    end
  end
  return table.concat(out, " ")
end

local ref = show(consts())
print(ref)
for _, strip in ipairs({false, true}) do
  local f = load(string.dump(consts, strip))
  print(strip, show(f()) == ref)
end

-- -0.0 keeps its sign, NaN stays NaN.
local function signs() return -0.0, 0/0, 1/(-0.0) end
local z, n, inf = load(string.dump(signs))()
print(1/z, n ~= n, inf)

-- Constants used by comparisons, table fields and arithmetic.
local function uses(t)
  t.key = "value"
  t[1] = 1.5
  local r = {}
  r[#r + 1] = t.key == "value"
  r[#r + 1] = t[1] + 0.25
  r[#r + 1] = t.missing == nil
  r[#r + 1] = (t[1] * 2) // 1
  r[#r + 1] = 7 % 3 == 1
  r[#r + 1] = 2^10
  r[#r + 1] = "x" .. 1 .. 2.5
  r[#r + 1] = math.maxinteger + 1 == math.mininteger
  return table.unpack(r)
end
print(load(string.dump(uses))({}))
print(load(string.dump(uses, true))({}))

-- Many constants (indices past one byte).
local src = {"return function() local t = {} "}
for i = 1, 300 do src[#src + 1] = ("t[%d] = 'k%d' "):format(i, i) end
src[#src + 1] = "return t end"
local big = load(table.concat(src))()
local copy = load(string.dump(big))()
print(#copy, copy[1], copy[256], copy[300])
