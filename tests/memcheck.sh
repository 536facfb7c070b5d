#!/usr/bin/env bash
# The corpus under valgrind's memcheck, on both executors (and the GC
# stress variants): any invalid read or write, use of uninitialised memory
# or invalid free fails the case (exit status 99). Run it after every change
# to `unsafe` code. See docs/TESTING.md.
#
#   tests/memcheck.sh              # the whole corpus (about an hour on 2 cores)
#   tests/memcheck.sh hostile/     # only cases whose path contains "hostile/"
#
# luna is built with the system allocator alone (memcheck tracks only
# malloc/free) into its own target folder, and copied under the name
# `luna` (messages name the program by argv[0]).
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-}"
target="${MEMCHECK_TARGET_DIR:-target/memcheck}"
CARGO_TARGET_DIR="$target" cargo build -q --release -p lua-cli --no-default-features
bin="$target/memcheck-bin"
mkdir -p "$bin"
cp "$target/release/luna" "$bin/luna"
LUNA_CORPUS_BIN="$PWD/$bin/luna" \
LUNA_CORPUS_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=no" \
LUNA_CORPUS_TIMEOUT=900 \
LUNA_CORPUS_MEMORY_MB=0 \
LUNA_CORPUS_FILTER="$filter" \
  cargo test -q -p tests --test corpus
