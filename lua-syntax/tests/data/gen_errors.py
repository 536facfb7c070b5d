#!/usr/bin/env python3
"""Regenerates the expected messages in errors.rs from luac5.4.

To add a case, append a line `(b"<input>", ""),` to CASES in errors.rs and
run `python3 lua-syntax/tests/data/gen_errors.py`: every input is
written to input.lua in a temporary directory and its expected message
becomes whatever `luac5.4 -p input.lua` prints (minus the `luac5.4: `
prefix), or "" when luac accepts it.
"""
import ast, os, re, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "errors.rs")

def lit(b):
    out = ""
    for c in b:
        ch = chr(c)
        if ch == '"': out += '\\"'
        elif ch == "\\": out += "\\\\"
        elif ch == "\n": out += "\\n"
        elif ch == "\r": out += "\\r"
        elif ch == "\t": out += "\\t"
        elif 32 <= c < 127: out += ch
        else: out += "\\x%02x" % c
    return 'b"' + out + '"'

def main():
    text = open(PATH).read()
    inputs = [ast.literal_eval(m.group(1)) for m in re.finditer(r'^    \((b"(?:[^"\\]|\\.)*"), ', text, re.M)]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for b in inputs:
            open(os.path.join(d, "input.lua"), "wb").write(b)
            r = subprocess.run(["luac5.4", "-p", "input.lua"], cwd=d, capture_output=True)
            msg = r.stderr.decode("utf-8", "replace").strip()
            if msg.startswith("luac5.4: "):
                msg = msg[len("luac5.4: "):]
            rows.append((b, msg))
    with open(PATH, "w") as f:
        f.write("// Generated: for each input, the message of `luac5.4 -p input.lua` (Lua 5.4.4),\n")
        f.write("// or \"\" when it is accepted. Regenerate with tests/data/gen_errors.py.\n")
        f.write("pub const CASES: &[(&[u8], &str)] = &[\n")
        for b, m in rows:
            f.write("    (%s, %s),\n" % (lit(b), '"' + m.replace("\\", "\\\\").replace('"', '\\"') + '"'))
        f.write("];\n")
    print(len(rows), "cases")

main()
