#!/usr/bin/env python3
"""Instruction counts of the bench workloads, from valgrind's callgrind.

Wall time on this machine moves by 5-10% between runs; callgrind's count of
executed instructions does not (same binary, same input, same count). Use it
to check that a refactoring did not move speed:

    python3 bench/icount.py --save /tmp/before.json           # on the old tree
    python3 bench/icount.py --compare /tmp/before.json        # on the new tree

Each workload runs on both executors under `valgrind --tool=callgrind`; the
table gives millions of instructions and, with --compare, the change in
percent. Several workloads run on both cores at once (callgrind's count does
not depend on load).
"""

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = os.path.join(ROOT, "bench", "workloads")
EXECUTORS = ("flat", "tree")


def count(luna, executor, script):
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
           luna, f"--executor={executor}", script]
    proc = subprocess.run(cmd, cwd=WORKLOADS, capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or not m:
        raise RuntimeError(f"{script} on {executor} failed:\n{proc.stderr[-2000:]}")
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="workload names (default: all)")
    ap.add_argument("--luna", default=os.path.join(ROOT, "target", "release", "luna"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--save", help="write the counts to this JSON file")
    ap.add_argument("--compare", help="JSON file from an earlier --save")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "lua-cli"], cwd=ROOT, check=True)
    names = sorted(f[:-4] for f in os.listdir(WORKLOADS) if f.endswith(".lua"))
    if args.names:
        names = [n for n in names if n in args.names]
    before = {}
    if args.compare:
        with open(args.compare) as f:
            before = json.load(f)

    jobs = [(wl, ex) for wl in names for ex in EXECUTORS]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {job: pool.submit(count, args.luna, job[1], job[0] + ".lua") for job in jobs}
        counts = {f"{wl}/{ex}": futures[(wl, ex)].result() for wl, ex in jobs}

    print(f"{'workload':16}" + "".join(f" {ex + ' M':>10} {'change':>8}" for ex in EXECUTORS))
    worst = 0.0
    for wl in names:
        row = f"{wl:16}"
        for ex in EXECUTORS:
            n = counts[f"{wl}/{ex}"]
            old = before.get(f"{wl}/{ex}")
            change = ""
            if old:
                pct = (n - old) / old * 100
                worst = max(worst, abs(pct))
                change = f"{pct:+7.2f}%"
            row += f" {n / 1e6:10.1f} {change:>8}"
        print(row)
    if before:
        print(f"largest change: {worst:.2f}%")
    if args.save:
        with open(args.save, "w") as f:
            json.dump(counts, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
