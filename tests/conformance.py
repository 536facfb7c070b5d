#!/usr/bin/env python3
"""Run the official Lua 5.4 test suite on luna's executors.

The suite is the `testes/` folder of github.com/lua/lua at tag v5.4.6. It is
not in this repository (fetch it and pass its folder). Every file that needs
no C test library is run alone, from inside that folder, as lua.c's
`all.lua` would with its portable and soft switches:

    luna --executor=E -e "_port=true _soft=true" FILE

A file passes when luna exits with status 0 within the time limit. The
script prints one line per file and a closing `N passed, M failed` per
executor; with --write it rewrites docs/CONFORMANCE.md, so a diff of that
file shows progress.

    python3 tests/conformance.py /path/to/lua/testes
    python3 tests/conformance.py /path/to/lua/testes --write
    python3 tests/conformance.py /path/to/lua/testes --executor flat math.lua
"""

import argparse
import concurrent.futures
import datetime
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "CONFORMANCE.md")

# all.lua's files, less api.lua and code.lua (they need the C test library
# `T`, which only a specially built lua has).
FILES = [
    "main.lua", "gc.lua", "db.lua", "calls.lua", "strings.lua",
    "literals.lua", "tpack.lua", "attrib.lua", "gengc.lua", "locals.lua",
    "constructs.lua", "big.lua", "cstack.lua", "nextvar.lua", "pm.lua",
    "utf8.lua", "events.lua", "vararg.lua", "closure.lua", "coroutine.lua",
    "goto.lua", "errors.lua", "math.lua", "sort.lua", "bitwise.lua",
    "verybig.lua", "files.lua",
]
EXECUTORS = ("tree", "flat")


def run_one(luna, suite, executor, name, timeout):
    """(passed, reason): reason is the first line of stderr on failure."""
    # argv[0] is "luna": messages name the program as lua.c does.
    cmd = ["luna", f"--executor={executor}", "-e", "_port=true _soft=true", name]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LUA_INIT", "LUA_PATH", "LUA_CPATH", "LUNA_"))}
    try:
        p = subprocess.run(cmd, executable=luna, cwd=suite, capture_output=True,
                           timeout=timeout, stdin=subprocess.DEVNULL, env=env)
    except subprocess.TimeoutExpired:
        return False, f"timeout after {timeout:.0f} s"
    if p.returncode == 0:
        return True, ""
    lines = [l for l in p.stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    reason = lines[0] if lines else f"exit status {p.returncode}"
    if p.returncode < 0:
        reason = f"killed by signal {-p.returncode}: {reason}"
    return False, reason[:200]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite", help="the testes/ folder of lua 5.4.6")
    ap.add_argument("files", nargs="*", help="only these files (default: all 27)")
    ap.add_argument("--luna", default=os.path.join(ROOT, "target", "release", "luna"))
    ap.add_argument("--executor", choices=EXECUTORS, action="append",
                    help="run on this executor only (repeatable; default both)")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--write", action="store_true", help="rewrite docs/CONFORMANCE.md")
    args = ap.parse_intermixed_args()

    suite = os.path.abspath(args.suite)
    luna = os.path.abspath(args.luna)
    if not os.path.exists(os.path.join(suite, "all.lua")):
        sys.exit(f"conformance: {suite} is not lua's testes/ folder (no all.lua)")
    if not os.access(luna, os.X_OK):
        sys.exit(f"conformance: no luna at {luna} (cargo build --release -p lua-cli)")
    files = args.files or FILES
    executors = args.executor or list(EXECUTORS)
    if args.write and (args.files or args.executor):
        sys.exit("conformance: --write needs the whole suite on both executors")

    jobs = [(f, e) for f in files for e in executors]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {j: pool.submit(run_one, luna, suite, j[1], j[0], args.timeout) for j in jobs}
        results = {j: futures[j].result() for j in jobs}

    width = max(len(f) for f in files)
    rows = []
    for f in files:
        cells = []
        for e in executors:
            ok, why = results[(f, e)]
            cells.append(f"{e}: {'pass' if ok else 'FAIL'}")
        reasons = sorted({results[(f, e)][1] for e in executors if not results[(f, e)][0]})
        line = f"{f:{width}}  " + "  ".join(cells)
        if reasons:
            line += "  " + " | ".join(reasons)
        print(line, flush=True)
        rows.append((f, reasons))
    totals = []
    for e in executors:
        n = sum(results[(f, e)][0] for f in files)
        totals.append((e, n, len(files) - n))
        print(f"{e}: {n} passed, {len(files) - n} failed")

    if args.write:
        write_doc(files, executors, results, totals)
    return 0 if all(m == 0 for _, _, m in totals) else 1


def write_doc(files, executors, results, totals):
    out = [
        "# Conformance: the official Lua 5.4.6 test suite",
        "",
        "Each file of lua 5.4.6's `testes/` that needs no C test library, run",
        "alone from inside that folder as `luna --executor=E -e \"_port=true",
        "_soft=true\" FILE`; a file passes when luna exits with status 0.",
        "Rewritten by `python3 tests/conformance.py <testes> --write` (see",
        "docs/TESTING.md); do not edit by hand.",
        "",
        f"Last run: {datetime.date.today().isoformat()}.",
        "",
    ]
    for e, n, m in totals:
        out.append(f"- **{e}**: {n} of {n + m} pass")
    out += ["", "| file | " + " | ".join(executors) + " | first error |",
            "|---|" + "---|" * len(executors) + "---|"]
    for f in files:
        cells = ["pass" if results[(f, e)][0] else "**fail**" for e in executors]
        reasons = sorted({results[(f, e)][1] for e in executors if not results[(f, e)][0]})
        why = " / ".join(r.replace("|", "\\|") for r in reasons)
        out.append(f"| {f} | " + " | ".join(cells) + f" | {why} |")
    with open(DOC, "w") as fh:
        fh.write("\n".join(out) + "\n")
    print(f"wrote {os.path.relpath(DOC, ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
