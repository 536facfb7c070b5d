#!/usr/bin/env bash
# Regenerate the corpus expectations from lua5.4, then refresh
# KNOWN_FAILURES and SUMMARY from a run of luna. See docs/TESTING.md.
#
#   tests/regen.sh              # every case
#   tests/regen.sh meta/        # only cases whose path contains "meta/"
#
# With a filter only the expectations are regenerated: KNOWN_FAILURES and
# SUMMARY describe the whole corpus and are rewritten only without one.
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-}"
LUNA_CORPUS_REGEN=1 LUNA_CORPUS_FILTER="$filter" cargo test -q -p tests --test expectations
if [ -z "$filter" ]; then
  LUNA_CORPUS_BLESS=1 cargo test -q -p tests --test corpus
fi
git status --short tests/corpus
