-- A real program: a small class system and a JSON encoder/decoder.
local Class = {}
Class.__index = Class
function Class:extend(name)
  local cls = setmetatable({name = name}, {__index = self, __call = function(c, ...) return c:new(...) end})
  cls.__index = cls
  cls.__tostring = function(o) return cls.name .. "(" .. o:describe() .. ")" end
  return cls
end
function Class:new(...)
  local o = setmetatable({}, self)
  o:init(...)
  return o
end
local Animal = Class:extend("Animal")
function Animal:init(name, legs) self.name, self.legs = name, legs end
function Animal:describe() return self.name .. ", " .. self.legs .. " legs" end
function Animal:speak() return "..." end
local Dog = Animal:extend("Dog")
function Dog:init(name) Animal.init(self, name, 4) end
function Dog:speak() return "woof" end
local pets = {Dog("rex"), Animal("snake", 0), Dog("fido")}
for i, p in ipairs(pets) do print(i, tostring(p), p:speak()) end

local function encode(v, out)
  local t = type(v)
  if t == "table" then
    if #v > 0 or next(v) == nil then
      out[#out + 1] = "["
      for i, x in ipairs(v) do
        if i > 1 then out[#out + 1] = "," end
        encode(x, out)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = string.format("%q:", k)
        encode(v[k], out)
      end
      out[#out + 1] = "}"
    end
  elseif t == "string" then
    out[#out + 1] = '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif t == "number" then
    out[#out + 1] = math.type(v) == "integer" and tostring(v) or string.format("%.14g", v)
  else
    out[#out + 1] = tostring(v)
  end
  return out
end
local function json(v) return table.concat(encode(v, {})) end
print(json({name = "luna", version = 5.4, tags = {"fast", "safe"}, nested = {a = {1, 2, {b = true}}, q = 'say "hi"\n'}}))

local function decode(s)
  local pos = 1
  local function ws() pos = s:find("%S", pos) or #s + 1 end
  local value
  local function str()
    local e = s:find('"', pos + 1, true)
    local r = s:sub(pos + 1, e - 1)
    pos = e + 1
    return r
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local r = {}
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1 return r end
      repeat
        ws(); local k = str(); ws(); pos = pos + 1
        r[k] = value(); ws()
        local d = s:sub(pos, pos); pos = pos + 1
      until d == "}"
      return r
    elseif c == "[" then
      local r = {}
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1 return r end
      repeat
        r[#r + 1] = value(); ws()
        local d = s:sub(pos, pos); pos = pos + 1
      until d == "]"
      return r
    elseif c == '"' then return str()
    elseif s:find("^true", pos) then pos = pos + 4 return true
    elseif s:find("^false", pos) then pos = pos + 5 return false
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      pos = pos + #num
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
  end
  return value()
end
local back = decode('{"a": [1, 2.5, {"b": true}], "c": "str", "d": {}}')
print(json(back))
