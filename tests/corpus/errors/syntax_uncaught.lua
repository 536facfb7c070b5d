-- A syntax error in the main script.
print("never printed"
x = = 1
