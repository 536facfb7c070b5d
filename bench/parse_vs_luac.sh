#!/usr/bin/env bash
# Front-end throughput against `luac5.4 -p` (which parses and compiles) on
# the same large generated Lua file: luna's parser alone (the parse_file
# example of lua-syntax) and `luna --check` (parse + compile), release builds.
#
#   bench/parse_vs_luac.sh [MEGABYTES]     (default 20)
#
# The file comes from lua-syntax/examples/gen_corpus.rs, the same
# generator the divan benchmark (lua-syntax/benches/parse.rs) uses.
# Each tool runs 5 times; the run with the best wall-clock time counts, and
# its CPU time (user + sys) is shown too: on a loaded machine CPU time is
# the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-20}
command -v luac5.4 >/dev/null || { echo "luac5.4 not installed (apt-get install lua5.4)"; exit 1; }
cargo build -q --release -p lua-cli
cargo build -q --release -p lua-syntax --example gen_corpus --example parse_file
FILE=$(mktemp --suffix=.lua)
trap 'rm -f "$FILE"' EXIT
target/release/examples/gen_corpus "$MB" > "$FILE"
BYTES=$(stat -c %s "$FILE")

# Prints "wall cpu" (seconds) of the fastest of 5 runs (by wall clock).
best() {
  local best_wall=999999 best_cpu=0 line
  for _ in 1 2 3 4 5; do
    line=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
    read -r w u s <<<"$line"
    if awk -v a="$w" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$w
      best_cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
    fi
  done
  echo "$best_wall $best_cpu"
}

read -r LUAC_W LUAC_C <<<"$(best luac5.4 -p "$FILE")"
read -r PARSE_W PARSE_C <<<"$(best target/release/examples/parse_file "$FILE")"
read -r LUNA_W LUNA_C <<<"$(best target/release/luna --check "$FILE")"
awk -v b="$BYTES" -v cw="$LUAC_W" -v cc="$LUAC_C" -v pw="$PARSE_W" -v pc="$PARSE_C" -v lw="$LUNA_W" -v lc="$LUNA_C" 'BEGIN {
  printf "file:                  %.1f MB of generated Lua\n", b / 1e6
  printf "luac5.4 -p:            wall %.3f s (%5.1f MB/s), cpu %.3f s\n", cw, b / 1e6 / cw, cc
  printf "lua-syntax parse only: wall %.3f s (%5.1f MB/s), cpu %.3f s\n", pw, b / 1e6 / pw, pc
  printf "luna --check:          wall %.3f s (%5.1f MB/s), cpu %.3f s\n", lw, b / 1e6 / lw, lc
  printf "parse only vs luac:    %.2fx wall, %.2fx cpu (above 1: luna faster)\n", cw / pw, cc / pc
  printf "luna --check vs luac:  %.2fx wall, %.2fx cpu\n", cw / lw, cc / lc
}'
