-- corpus: args one 2 three
-- The main chunk receives the script arguments as ... and in arg.
print(select("#", ...), ...)
print(arg[0], arg[1], arg[2], arg[3], #arg)
print(type(arg[-1]))
