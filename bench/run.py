#!/usr/bin/env python3
"""Benchmark runner: luna (flat and tree executors) against lua5.4.

Runs every workload in bench/workloads on each implementation, interleaved
(run 1 of every implementation, then run 2, ...) so machine noise hits all of
them alike, takes the median wall time and the peak RSS of each, checks that
every implementation printed the same output as lua5.4, and prints ratios to
lua5.4 plus their geometric means. Ratios, not times, are what to quote: the
machine is shared and noisy.

    python3 bench/run.py                 # build luna --release, 5 runs each
    python3 bench/run.py --runs 3 fib nbody
    python3 bench/run.py --no-build --luna target/release/luna

The last columns are each luna executor's run-to-run spread: the slowest of
its runs over the fastest, in CPU time (user + system, read from the same
runs at no extra cost; it moves less than wall time when other jobs share
the machine, and a slow mode in the kernel's page handling shows in it). A
spread above --max-spread (default 1.20) is listed as UNSTEADY at the end
and makes the exit status 1.

A workload that writes `longest pause X ms` to stderr (gc_pause) gets a
line of its own with the longest of those pauses per implementation: the
collector's longest stop, which time ratios do not show.

luajit -joff is added as a column when `luajit` is installed.
"""

import argparse
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = os.path.join(ROOT, "bench", "workloads")
# The implementations whose run-to-run spread is checked.
LUNA = ("flat", "tree")


def children_cpu():
    """CPU seconds (user + system) of every child reaped so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


PAUSE = re.compile(rb"longest pause ([0-9.]+) ms")


def run_once(cmd, timeout):
    """Run cmd; return (seconds, stdout, returncode, cpu seconds, stderr)."""
    cpu0 = children_cpu()
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=WORKLOADS)
    except OSError as e:
        return None, str(e).encode(), -1, None, b""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None, b"<timeout>", -1, None, b""
    elapsed = time.perf_counter() - start
    # The runner runs one child at a time, so the children's rusage grew
    # by this child's alone.
    cpu = children_cpu() - cpu0
    # Popen does not expose the child's rusage, so peak memory is measured
    # by one extra run through os.wait4 (measure_rss).
    return elapsed, out + (err if proc.returncode else b""), proc.returncode, cpu, err


def measure_rss(cmd, timeout):
    """Peak RSS (KiB) of one run, via os.wait4 on the child."""
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(WORKLOADS)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    deadline = time.time() + timeout
    # A child whose exec failed exits 127 and has tiny rusage; callers
    # discard the figure because its output check fails anyway.
    while True:
        wpid, status, usage = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            return usage.ru_maxrss
        if time.time() > deadline:
            os.kill(pid, 9)
            os.wait4(pid, 0)
            return None
        time.sleep(0.005)


def geomean(xs):
    xs = [x for x in xs if x]
    if not xs:
        return None
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def fmt_ratio(x):
    return "   n/a" if x is None else f"{x:6.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="workload names (default: all)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--luna", default=os.path.join(ROOT, "target", "release", "luna"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--max-spread", type=float, default=1.20,
                    help="flag a luna executor whose slowest run exceeds its fastest by this factor")
    args = ap.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "lua-cli"], cwd=ROOT, check=True)
    if not shutil.which("lua5.4"):
        sys.exit("bench: lua5.4 is not installed (apt-get install -y lua5.4)")

    impls = [
        ("lua5.4", ["lua5.4"]),
        ("flat", [args.luna, "--executor=flat"]),
        ("tree", [args.luna, "--executor=tree"]),
    ]
    if shutil.which("luajit"):
        impls.append(("luajit-joff", ["luajit", "-joff"]))

    names = sorted(f[:-4] for f in os.listdir(WORKLOADS) if f.endswith(".lua"))
    if args.names:
        names = [n for n in names if n in args.names]

    print(f"# {args.runs} runs each, interleaved; medians; ratios to lua5.4 (lower is faster)")
    header = f"{'workload':20} {'lua5.4 s':>9}" + "".join(
        f" {name + ' t':>13}" for name, _ in impls[1:]) + "".join(
        f" {name + ' mem':>13}" for name, _ in impls[1:]) + "".join(
        f" {name + ' spread':>13}" for name in LUNA)
    print(header)

    time_ratios = {name: [] for name, _ in impls[1:]}
    mem_ratios = {name: [] for name, _ in impls[1:]}
    mismatches = []
    unsteady = []
    for wl in names:
        script = wl + ".lua"
        times = {name: [] for name, _ in impls}
        cpus = {name: [] for name, _ in impls}
        outputs = {}
        pauses = {name: [] for name, _ in impls}
        for _ in range(args.runs):
            for name, cmd in impls:
                secs, out, rc, cpu, err = run_once(cmd + [script], args.timeout)
                outputs.setdefault(name, (out, rc))
                if rc == 0 and secs is not None:
                    times[name].append(secs)
                    cpus[name].append(cpu)
                m = PAUSE.search(err)
                if m:
                    pauses[name].append(float(m.group(1)))
        mems = {name: measure_rss(cmd + [script], args.timeout) for name, cmd in impls}
        ref_out = outputs["lua5.4"][0]
        base_t = statistics.median(times["lua5.4"]) if times["lua5.4"] else None
        row = f"{wl:20} {base_t if base_t else float('nan'):9.3f}"
        mem_cols = ""
        for name, _ in impls[1:]:
            out, rc = outputs[name]
            ok = rc == 0 and out == ref_out
            if not ok:
                mismatches.append((wl, name, out[:200]))
            t = statistics.median(times[name]) / base_t if ok and times[name] and base_t else None
            m = mems[name] / mems["lua5.4"] if ok and mems[name] and mems["lua5.4"] else None
            if t:
                time_ratios[name].append(t)
            if m:
                mem_ratios[name].append(m)
            row += f" {fmt_ratio(t):>13}"
            mem_cols += f" {fmt_ratio(m):>13}"
        spread_cols = ""
        for name in LUNA:
            ts = cpus[name]
            sp = max(ts) / min(ts) if len(ts) >= 2 and min(ts) > 0 else None
            if sp and sp > args.max_spread:
                unsteady.append((wl, name, sorted(ts)))
            spread_cols += f" {fmt_ratio(sp):>13}"
        print(row + mem_cols + spread_cols, flush=True)
        if any(pauses.values()):
            cols = "  ".join(f"{name} {max(ps):.2f}" for name, ps in pauses.items() if ps)
            print(f"{'':20} longest pause, ms (worst run): {cols}", flush=True)

    row = f"{'geomean':20} {'':9}"
    for name, _ in impls[1:]:
        row += f" {fmt_ratio(geomean(time_ratios[name])):>13}"
    for name, _ in impls[1:]:
        row += f" {fmt_ratio(geomean(mem_ratios[name])):>13}"
    print(row)
    for wl, name, out in mismatches:
        print(f"MISMATCH {wl} on {name}: output differs from lua5.4 (or failed): {out!r}")
    for wl, name, ts in unsteady:
        runs = ", ".join(f"{t:.3f}" for t in ts)
        print(f"UNSTEADY {wl} on {name}: CPU times {runs} s (spread above {args.max_spread:.2f})")
    return 1 if mismatches or unsteady else 0


if __name__ == "__main__":
    sys.exit(main())
