print(tonumber(10), tonumber(10.5), tonumber(true), tonumber({}), tonumber(print))
print(math.type(tonumber(10)), math.type(tonumber(10.0)))
print(tonumber("0x"), tonumber("1e500"), tonumber("-1e500"), tonumber("0x1p99999"))
print(tonumber("1" .. string.rep("0", 20)), math.type(tonumber("1" .. string.rep("0", 20))))
