#!/usr/bin/env bash
# Differential check of the compiler (through the whole luna pipeline)
# against lua5.4 on random programs: each program runs 12 random statements,
# each in its own pcall, over globals whose metamethods let most operations
# succeed, and prints every outcome (values or error message with line and
# variable name). Outputs must be identical (addresses masked).
#
#   lua-bytecode/scripts/differential.sh [FIRST_SEED] [COUNT]
#
# Programs that time out on either side (random infinite loops) are skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
FIRST=${1:-1}
COUNT=${2:-200}
cargo build -q -p lua-cli -p lua-bytecode --example gen_random
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
fail=0; run=0
norm() { sed -e 's/0x[0-9a-f]*/ADDR/g' -e 's/^lua5\.4:/X:/' -e 's/^luna:/X:/' "$1"; }
for s in $(seq "$FIRST" $((FIRST + COUNT - 1))); do
  target/debug/examples/gen_random --pcall "$s" > "$DIR/p.lua"
  (cd "$DIR" && timeout 5 lua5.4 p.lua > a.txt 2>&1) && ra=0 || ra=$?
  (cd "$DIR" && timeout 5 "$OLDPWD/target/debug/luna" p.lua > b.txt 2>&1) && rb=0 || rb=$?
  if [ "$ra" = 124 ] || [ "$rb" = 124 ]; then continue; fi
  run=$((run + 1))
  if ! diff -q <(norm "$DIR/a.txt") <(norm "$DIR/b.txt") > /dev/null; then
    fail=$((fail + 1))
    echo "== seed $s"
    diff <(norm "$DIR/a.txt") <(norm "$DIR/b.txt") | head -6 || true
  fi
done
echo "$run programs compared, $fail differ"
[ "$fail" = 0 ]
