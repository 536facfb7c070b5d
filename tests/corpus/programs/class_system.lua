-- A small class system with inheritance, super calls, tostring and class checks.
local function class(parent)
  local c = {}
  c.__index = c
  c.super = parent
  c.__tostring = function(self) return (self.describe and self:describe()) or "object" end
  if parent then setmetatable(c, {__index = parent}) end
  c.new = function(...)
    local obj = setmetatable({}, c)
    if obj.init then obj:init(...) end
    return obj
  end
  c.is_a = function(self, k)
    local m = getmetatable(self)
    while m do
      if m == k then return true end
      m = m.super
    end
    return false
  end
  return c
end

local Shape = class()
function Shape:init(name) self.name = name; Shape.count = (Shape.count or 0) + 1 end
function Shape:area() return 0 end
function Shape:describe() return string.format("%s with area %.2f", self.name, self:area()) end

local Rect = class(Shape)
function Rect:init(w, h) Shape.init(self, "rect"); self.w, self.h = w, h end
function Rect:area() return self.w * self.h end

local Square = class(Rect)
function Square:init(s) Rect.init(self, s, s); self.name = "square" end

local Circle = class(Shape)
function Circle:init(r) self.super.init(self, "circle"); self.r = r end
function Circle:area() return math.pi * self.r ^ 2 end

local shapes = {Rect.new(2, 3), Square.new(4), Circle.new(1), Shape.new("blob")}
for _, s in ipairs(shapes) do print(tostring(s)) end
print(Shape.count)
print(shapes[2]:is_a(Rect), shapes[2]:is_a(Shape), shapes[2]:is_a(Circle), shapes[3]:is_a(Rect))
table.sort(shapes, function(a, b) return a:area() < b:area() end)
local names = {}
for i, s in ipairs(shapes) do names[i] = s.name end
print(table.concat(names, " < "))
print(rawget(Square, "area"), Square.area == Rect.area)
