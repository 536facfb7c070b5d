-- Returns false: require stores and returns false.
return false
