local a, b = 10, 0
print("before")
print(a % b)
