local text = "Lua is a powerful, efficient, lightweight, embeddable scripting language. It supports procedural programming, object-oriented programming, functional programming, data-driven programming, and data description."
local function wrap(s, width)
  local lines, line = {}, ""
  for word in s:gmatch("%S+") do
    if #line + #word + 1 > width and #line > 0 then lines[#lines + 1] = line; line = word
    elseif #line == 0 then line = word
    else line = line .. " " .. word end
  end
  if #line > 0 then lines[#lines + 1] = line end
  return lines
end
for _, w in ipairs({30, 50}) do
  for i, l in ipairs(wrap(text, w)) do print(string.format("%2d %-" .. w .. "s|", i, l)) end
end
