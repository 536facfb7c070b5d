-- Levenshtein distance, longest common subsequence, palindromes, base64.
local function lev(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = {[0] = i}
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end
print(lev("kitten", "sitting"), lev("", "abc"), lev("flaw", "lawn"), lev("same", "same"))
local function lcs(a, b)
  local t = {}
  for i = 0, #a do t[i] = {} for j = 0, #b do t[i][j] = 0 end end
  for i = 1, #a do for j = 1, #b do
    if a:sub(i, i) == b:sub(j, j) then t[i][j] = t[i - 1][j - 1] + 1
    else t[i][j] = math.max(t[i - 1][j], t[i][j - 1]) end
  end end
  local out, i, j = {}, #a, #b
  while i > 0 and j > 0 do
    if a:sub(i, i) == b:sub(j, j) then table.insert(out, 1, a:sub(i, i)); i, j = i - 1, j - 1
    elseif t[i - 1][j] >= t[i][j - 1] then i = i - 1 else j = j - 1 end
  end
  return table.concat(out)
end
print(lcs("AGGTAB", "GXTXAYB"), lcs("abc", "def"))
local function is_pal(s) s = s:lower():gsub("[^%a]", "") return s == s:reverse() end
print(is_pal("A man, a plan, a canal: Panama"), is_pal("hello"))
local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function enc(s)
  return ((s:gsub(".", function(c)
    local r, b = "", c:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return b64:sub(c + 1, c + 1)
  end) .. ({"", "==", "="})[#s % 3 + 1])
end
for _, s in ipairs({"", "f", "fo", "foo", "foobar", "Lua 5.4!"}) do io.write("[", enc(s), "]") end print()
