error("module failed while loading")
