print("hello from luna")
