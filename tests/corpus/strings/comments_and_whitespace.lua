-- Comments, shebang-free source, semicolons, odd whitespace.
local a = 1 -- trailing comment
;;; local b = 2;
--[==[ block ]==] local c = 3
print(a, b, c)	-- tab before comment
print(a+b*c, a..b..c)
local t = {1;2;3,}
print(#t)
