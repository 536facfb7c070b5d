io.write("partial ")
print("flushed")
os.exit(3)
