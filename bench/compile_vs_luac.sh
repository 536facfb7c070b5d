#!/usr/bin/env bash
# Parse+compile throughput: `luna --check` (which parses and compiles since
# lua-bytecode landed; release build) against `luac5.4 -p` (which also parses
# and generates bytecode, without writing it) on the same large generated
# Lua file.
#
#   bench/compile_vs_luac.sh [MEGABYTES]     (default 20)
#
# The file comes from lua-syntax/examples/gen_corpus.rs (the parse
# benchmark's generator). Each tool runs 5 times; the best wall-clock time
# counts. For the compiler alone see `cargo bench -p lua-bytecode`.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-20}
command -v luac5.4 >/dev/null || { echo "luac5.4 not installed (apt-get install lua5.4)"; exit 1; }
cargo build -q --release -p lua-cli -p lua-syntax --example gen_corpus
FILE=$(mktemp --suffix=.lua)
trap 'rm -f "$FILE"' EXIT
target/release/examples/gen_corpus "$MB" > "$FILE"
BYTES=$(stat -c %s "$FILE")

best() {
  local best=999999
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    best=$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN { d = b - a; print (d < m) ? d : m }')
  done
  echo "$best"
}

LUAC=$(best luac5.4 -p "$FILE")
LUNA=$(best target/release/luna --check "$FILE")
awk -v b="$BYTES" -v c="$LUAC" -v l="$LUNA" 'BEGIN {
  printf "file:         %.1f MB of generated Lua\n", b / 1e6
  printf "luac5.4 -p:   %.3f s  (%.1f MB/s)\n", c, b / 1e6 / c
  printf "luna --check: %.3f s  (%.1f MB/s, parse + compile)\n", l, b / 1e6 / l
  printf "luna is %.2fx the speed of luac5.4 -p\n", c / l
}'
