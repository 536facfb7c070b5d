local s, n, t = "abc", 5, {1, 2, 3}
print(-n, not n, #s, #t, ~n, not nil, not 1, - -n)
