-- goto rules are checked when the chunk is compiled.
local function try(src)
  local f, e = load(src)
  print(f and "compiled" or e)
end
try("goto nowhere")
try("do ::a:: end goto a")
try("::a:: ::a::")
try("goto f; local x; ::f:: print(x)")
try("do goto f; local x; ::f:: end")
try("repeat goto cont; local x ::cont:: until x")
try("::l1:: do ::l1:: end")
try("break")
