print("exit true")
os.exit(true)
print("not reached")
