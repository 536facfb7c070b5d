#!/usr/bin/env bash
# Seed corpus of the `undump` fuzz target: the binary chunk (plain and
# stripped) of every `.lua` file of the repository that compiles, written
# by luna's own string.dump (fuzz/seed_undump.lua) into fuzz/corpus/undump/,
# and, when luac5.4 is installed, luac5.4's chunks (PUC-Rio's format,
# plain and stripped) of the same files, which luna loads by translation.
#
#   fuzz/seed_undump.sh && cargo +nightly fuzz run undump fuzz/corpus/undump
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus/undump
mkdir -p "$out"
cargo build -q --release -p lua-cli
luna="${CARGO_TARGET_DIR:-target}/release/luna"
find . -name '*.lua' -not -path './target/*' -not -path './fuzz/*' -print0 |
  xargs -0 "$luna" fuzz/seed_undump.lua "$out"
if command -v luac5.4 >/dev/null; then
  n=0
  while IFS= read -r -d '' f; do
    name="$out/$(printf '%s' "$f" | tr -c '[:alnum:]' _)-puc"
    luac5.4 -o "$name" "$f" 2>/dev/null && luac5.4 -s -o "$name-s" "$f" && n=$((n + 2))
  done < <(find . -name '*.lua' -not -path './target/*' -not -path './fuzz/*' -print0)
  echo "$n luac5.4 seeds in $out" >&2
else
  echo "luac5.4 not found: no PUC-Rio seeds" >&2
fi
