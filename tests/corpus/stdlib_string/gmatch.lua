for w in string.gmatch("one two  three", "%a+") do io.write(w, ",") end print()
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do io.write(k, "->", v, " ") end print()
for pos in string.gmatch("abc", "()") do io.write(pos, " ") end print()
for m in string.gmatch("", ".") do print("never") end
for a in ("hello"):gmatch("l", 4) do io.write(a, "@") end print()
local it = string.gmatch("x1y2", "%d")
print(it(), it(), it())
for w in ("aaa"):gmatch("a*") do io.write("[", w, "]") end print()
