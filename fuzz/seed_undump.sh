#!/usr/bin/env bash
# Seed corpus of the `undump` fuzz target: the binary chunk (plain and
# stripped) of every `.lua` file of the repository that compiles, written
# by luna's own string.dump (fuzz/seed_undump.lua) into fuzz/corpus/undump/.
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
