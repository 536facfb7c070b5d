print("out")
error()
