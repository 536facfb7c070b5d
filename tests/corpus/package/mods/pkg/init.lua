-- Loaded through the ./?/init.lua template.
return {name = "pkg", arg1 = ...}
