-- A PUC-Rio 5.4 binary chunk written by hand (as the official suite's
-- calls.lua does): `function (a, b) return a + b end`, with its own
-- lines and local names, loaded and run; trailing bytes are ignored;
-- damaged copies are refused with lua5.4's words. (calls.lua's own chunk,
-- whose list of upvalue names is longer than its upvalues, crashes
-- lua5.4.4, so it cannot be a case here: luna's Rust tests load it.)
local header = "\x1bLua\x54\x00\x19\x93\r\n\x1a\n\x04\x08\x08"
  .. string.pack("<i8<d", 0x5678, 370.5)
local function chunk(constants, source)
  return header
    .. "\x00"                       -- the main function has no upvalues
    .. (source or "\x8a@handmade")  -- its source: 9 bytes
    .. "\x81\x83\x02\x00\x03"       -- lines 1 to 3, 2 parameters, not vararg, 3 registers
    .. "\x84"                       -- 4 instructions:
    .. "\x22\x01\x00\x01"           --   ADD 2 0 1
    .. "\x2e\x00\x01\x06"           --   MMBIN 0 1 __add
    .. "\x48\x01\x00\x00"           --   RETURN1 2
    .. "\x47\x00\x00\x00"           --   RETURN0
    .. (constants or "\x80")        -- constants
    .. "\x80\x80"                   -- no upvalues, no functions
    .. "\x84\x01\x00\x00\x01\x80"   -- line deltas, no absolute lines
    .. "\x82\x82a\x80\x84\x82b\x80\x84" -- locals a and b, pcs 0 to 4
    .. "\x80"                       -- no upvalue names
end

local f = assert(load(chunk() .. "trailing bytes"))
print(f(2, 3), f(2.5, 1), f("10", 1))
print(f(setmetatable({}, {__add = function(x, y) return "added " .. y end}), 7))
print(pcall(f, nil, 1))
print(pcall(f, 1, {}))
print(debug.getinfo(f, "S").source, debug.getinfo(f, "S").linedefined)
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
-- A string constant (unused) is fine; one without a string is not.
print(load(chunk("\x81\x04\x86hello"))(40, 2))
print(load(chunk("\x81\x04\x80"), "=k"))
-- No source: messages say "?".
print(pcall(load(chunk(nil, "\x80")), nil, 1))
-- A source size too large for lua5.4's varints.
print(load(chunk(nil, ("\x7f"):rep(9) .. "\xff"), "=size"))
-- Every cut is a truncated chunk.
local c, msgs = chunk(), {}
for i = 1, #c - 1 do
  local g, err = load(c:sub(1, i), "=cut")
  msgs[err] = (msgs[err] or 0) + 1
end
for m, n in pairs(msgs) do print(m, n) end
