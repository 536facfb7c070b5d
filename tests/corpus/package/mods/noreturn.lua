-- A module that returns nothing: require stores true.
loaded_noreturn = (loaded_noreturn or 0) + 1
