print(1+1)
error("boom")
