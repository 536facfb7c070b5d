#!/usr/bin/env python3
"""Differential run: generated programs on lua5.4 and on luna's executors.

    run.py --seconds 600                 # as many programs as fit in 10 minutes
    run.py --count 500 --start-seed 1000
    run.py --seed 1234                   # one program, outputs shown

Each program (tests/difftest/gen.py) is written to a temporary directory as
prog.lua and run there as `lua5.4 prog.lua`, `luna --executor=tree prog.lua`
and `luna --executor=flat prog.lua` (same file name, so chunknames and error
positions agree). stdout, stderr and the exit status must be identical; the
only normalisation is the interpreter's own name at the start of a stderr
line (`lua5.4: ` and `luna: `, from argv[0] as in lua.c; luna runs with
argv[0] = "luna"). lua5.4 runs twice:
if its two runs differ the program is nondeterministic, which is a generator
bug (reported as such). Every mismatch is saved under --out as
seed-N/{prog.lua, lua5.4.*, tree.*, flat.*, kind}; a mismatch that
disappears when NaNs are printed without their sign is counted too but
its kind starts with "NaN sign only" (a listed compatibility note). The
last line printed is `N programs, M mismatches`.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

EXECUTORS = ("tree", "flat")
NAME_RE = re.compile(rb"^(lua5\.4|luna): ", re.M)
NAN_RE = re.compile(rb" *-?(nan|NAN) *")  # spaces too: the sign changes the padding
# Kind prefix of a mismatch whose outputs are equal once every NaN is
# printed without its sign: lua5.4's sign of a NaN computed from two NaNs
# depends on its C compiler's operand order (docs/COMPATIBILITY.md).
NAN_KIND = "NaN sign only"


def default_luna():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "target")
    return os.path.normpath(os.path.join(target, "release", "luna"))


def child_env():
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("LUA_INIT") or k.startswith("LUA_PATH") or k.startswith("LUA_CPATH")
                   or k in ("LUNA_EXECUTOR", "LUNA_GC_STRESS"))}
    env["TZ"] = "UTC"
    env["LC_ALL"] = "C"
    return env


def run_one(cmd, cwd, timeout, env, executable=None):
    try:
        p = subprocess.run(cmd, executable=executable, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, env=env)
        return (p.returncode, p.stdout, NAME_RE.sub(b"<interp>: ", p.stderr))
    except subprocess.TimeoutExpired as e:
        return ("timeout", e.stdout or b"", NAME_RE.sub(b"<interp>: ", e.stderr or b""))


def first_diff(a, b):
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return "line %d: %r vs %r" % (i + 1, x[:120], y[:120])
    return "length: %d vs %d lines" % (len(la), len(lb))


def describe(ref, got):
    parts = []
    if ref[0] != got[0]:
        parts.append("status %s vs %s" % (ref[0], got[0]))
    if ref[1] != got[1]:
        parts.append("stdout " + first_diff(ref[1], got[1]))
    if ref[2] != got[2]:
        parts.append("stderr " + first_diff(ref[2], got[2]))
    return "; ".join(parts)


def save(out, seed, src, results, kind):
    d = os.path.join(out, "seed-%d" % seed)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "prog.lua"), "w") as f:
        f.write(src)
    for name, (status, so, se) in results.items():
        with open(os.path.join(d, name + ".stdout"), "wb") as f:
            f.write(so)
        with open(os.path.join(d, name + ".stderr"), "wb") as f:
            f.write(se)
        with open(os.path.join(d, name + ".status"), "w") as f:
            f.write("%s\n" % status)
    with open(os.path.join(d, "kind"), "w") as f:
        f.write(kind + "\n")


def check(seed, luna, tmp, timeout, env):
    """Runs program `seed`; returns (source, results, kind or None)."""
    src = gen.Gen(seed).program()
    path = os.path.join(tmp, "prog.lua")
    with open(path, "w") as f:
        f.write(src)
    results = {"lua5.4": run_one(["lua5.4", "prog.lua"], tmp, timeout, env)}
    again = run_one(["lua5.4", "prog.lua"], tmp, timeout, env)
    if again != results["lua5.4"] or results["lua5.4"][0] == "timeout":
        results["lua5.4-again"] = again
        return src, results, "generator: lua5.4 nondeterministic or slow: " + (
            describe(results["lua5.4"], again) or "timeout")
    kinds = []
    nan_only = True
    for e in EXECUTORS:
        # argv[0] "luna", as the corpus runs it (messages start with argv[0])
        results[e] = run_one(["luna", "--executor=" + e, "prog.lua"], tmp, timeout, env, executable=luna)
        d = describe(results["lua5.4"], results[e])
        if d:
            kinds.append("%s: %s" % (e, d))
            ref, got = results["lua5.4"], results[e]
            nan_only = nan_only and ref[0] == got[0] and all(
                NAN_RE.sub(rb"\1", x) == NAN_RE.sub(rb"\1", y) for x, y in ((ref[1], got[1]), (ref[2], got[2])))
    if kinds and nan_only:
        kinds.insert(0, NAN_KIND)
    return src, results, "; ".join(kinds) or None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, help="run for this long")
    ap.add_argument("--count", type=int, help="run this many programs")
    ap.add_argument("--start-seed", type=int, default=1)
    ap.add_argument("--seed", type=int, help="run one program and show its outputs")
    ap.add_argument("--luna", default=default_luna())
    ap.add_argument("--out", default="/tmp/difftest-out")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per run")
    ap.add_argument("--quiet", action="store_true", help="no line per mismatch")
    args = ap.parse_args()
    if not os.path.exists(args.luna):
        sys.exit("no luna binary at %s (build with cargo build --release -p lua-cli, or pass --luna)" % args.luna)
    if shutil.which("lua5.4") is None:
        sys.exit("lua5.4 is not installed")
    env = child_env()
    tmp = tempfile.mkdtemp(prefix="difftest-")
    try:
        if args.seed is not None:
            src, results, kind = check(args.seed, args.luna, tmp, args.timeout, env)
            for name, (status, so, se) in results.items():
                print("== %s (status %s)" % (name, status))
                sys.stdout.write(so.decode("latin-1"))
                sys.stdout.write(se.decode("latin-1"))
            print("== %s" % (kind or "same"))
            return
        if args.seconds is None and args.count is None:
            args.count = 100
        start = time.time()
        n = mismatches = nan_only = 0
        seed = args.start_seed
        while True:
            if args.count is not None and n >= args.count:
                break
            if args.seconds is not None and time.time() - start >= args.seconds:
                break
            src, results, kind = check(seed, args.luna, tmp, args.timeout, env)
            n += 1
            if kind:
                mismatches += 1
                nan_only += kind.startswith(NAN_KIND)
                save(args.out, seed, src, results, kind)
                if not args.quiet:
                    print("seed %d: %s" % (seed, kind[:300]), flush=True)
            seed += 1
        print("seeds %d..%d, %.0f s; %d of the mismatches only in the sign of a NaN" % (
            args.start_seed, seed - 1, time.time() - start, nan_only))
        print("%d programs, %d mismatches" % (n, mismatches))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
