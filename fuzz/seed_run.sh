#!/usr/bin/env bash
# Seed corpus of the `run`, `differential` and `stdlib` fuzz targets: every
# Lua case of the test corpus (fuzz/corpus/run/, shared by run and
# differential) and a few stdlib calls (fuzz/corpus/stdlib/).
#
#   fuzz/seed_run.sh && cargo +nightly fuzz run run fuzz/corpus/run
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/run fuzz/corpus/stdlib
for f in tests/corpus/*/*.lua; do
  cp "$f" "fuzz/corpus/run/$(echo "$f" | tr / _)"
done
i=0
for p in 'a(b)c' '%d+' '[%a_][%w_]*' '%b()' '%f[%w]%w+' '%5.2f %s %q %x' '<i4 s1 z' '!8 i16 d'; do
  for sel in $(seq 0 19); do
    f="fuzz/corpus/stdlib/seed$i"
    printf 'subject (x) 123 abc\0%s\0' "$p" > "$f"
    printf "\\$(printf '%03o' "$sel")\\005\\0\\0\\0\\0\\0\\0\\0" >> "$f"
    i=$((i + 1))
  done
done
