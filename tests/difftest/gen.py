#!/usr/bin/env python3
"""Random Lua 5.4 program generator for the differential check against lua5.4.

    gen.py --seed N          # prints one program on stdout

Every program is deterministic (no addresses, no clock, no hash order, seeded
math.random), terminates quickly (loops and recursion are bounded, strings
are truncated when stored) and prints what it computes. A program is a
prelude plus a sequence of sections; each section runs inside a protected
call so one runtime error (often deliberate: the messages are compared too)
does not end the program. See docs/TESTING.md, "Differential generation
against lua5.4".
"""

import argparse
import random

# ----------------------------------------------------------------------------
# literals


def lua_str(s):
    """A Lua string literal for s (bytes in 0..255 as a str of code points)."""
    out = []
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif 32 <= c < 127:
            out.append(ch)
        else:
            out.append("\\%d" % c if c < 100 else "\\x%02x" % c)
    return '"' + "".join(out) + '"'


INT_LITS = [
    "0", "1", "-1", "2", "3", "-3", "7", "-7", "10", "16", "100", "-100", "255",
    "1000", "65536", "0x7f", "0xff", "0x10", "-0x10", "123456789",
    "math.maxinteger", "math.mininteger", "(math.maxinteger - 1)",
    "(math.mininteger + 1)", "0x7fffffffffffffff", "0xffffffffffffffff",
    "4611686018427387904", "-9007199254740993", "9007199254740993",
]
FLT_LITS = [
    "0.0", "-0.0", "0.5", "-0.5", "1.5", "-2.5", "3.0", "0.1", "0.2", "1e10",
    "1e15", "1e16", "-1e16", "1e100", "1e308", "1e-5", "1e-300", "2^53",
    "2^63", "-2^63", "2^64", "3.14159", "123.456", "1/3", "2/3", "0x1p-2",
    "0x.8", "0xA.8p1", "math.pi", "-math.pi", "math.huge", "-math.huge",
    "(1/0)", "(-1/0)", "7.0", "-7.0", "1e14", "123456789012.5", "2^-1074",
]
ALPHA = "abcxyzABC019 _-.,%()[]"
WORDS = ["hello", "world", "Lua", "lua", "abc", "a,b,c", "x=1, y=2", "  pad  ",
         "123", "-45", "0x1F", "3.5", "1e2", " 7 ", "foo bar baz", "(a(b)c)",
         "key=val;k2=v2", "aaa", "", "a.b.c", "[x]", "tab\tbed", "%d%%", "mIxEd"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.lines = []
        self.ind = 0
        self.scopes = [[]]  # list of (name, type, const)
        self.counter = 0
        self.fdepth = 0  # function nesting while generating free-form code
        self.loopdepth = 0

    # -- helpers ------------------------------------------------------------
    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def fresh(self, prefix="v"):
        self.counter += 1
        return "%s%d" % (prefix, self.counter)

    def emit(self, line):
        self.lines.append("  " * self.ind + line)

    def push(self):
        self.scopes.append([])

    def pop(self):
        self.scopes.pop()

    def declare(self, name, ty, const=False):
        self.scopes[-1].append((name, ty, const))

    def vars_of(self, ty, writable=False):
        out = []
        for sc in self.scopes:
            for (n, t, c) in sc:
                if t == ty and not (writable and c):
                    out.append(n)
        return out

    def nlocals(self):
        return sum(len(s) for s in self.scopes)

    def rand_str(self, lo=0, hi=8, alpha=ALPHA):
        n = self.r.randint(lo, hi)
        return "".join(self.pick(alpha) for _ in range(n))

    def str_lit(self):
        if self.chance(0.5):
            return lua_str(self.pick(WORDS))
        if self.chance(0.1):
            return lua_str(self.rand_str(0, 6, ALPHA + "\0\n\x7f\xe9\xff\"\\"))
        if self.chance(0.1):
            return "[[" + self.rand_str(0, 8, "abc xyz") + "]]"
        if self.chance(0.1):
            return self.pick(['"\\u{48}\\u{7FF}\\u{10FFFF}"', '"a\\z\n     b"', '"\\x41\\x62\\0c"', "'\\65\\066\\0677'",
                              "[==[\nfirst]]line]==]", "'tab\\tq\\'s'", '"\\u{E9}t\\u{E9}"', '"\\\\n"'])
        return lua_str(self.rand_str())

    # -- typed expressions --------------------------------------------------
    # Types: int, flt, num (int or float), str, bool.

    def expr(self, ty, d=3):
        return getattr(self, "e_" + ty)(d)

    def bin(self, a, op, b):
        """A binary + - or * operation, without parentheses now and then so
        that the parsers' precedence and associativity are exercised too.
        Whatever the grouping the type stays (int op int is an int, a float
        operand makes a float): every other binary operator keeps its
        parentheses (`a & b + 0.0` would be an integer)."""
        if self.chance(0.3):
            return "%s %s %s" % (a, op, b)
        return "(%s %s %s)" % (a, op, b)

    def e_int(self, d):
        vs = self.vars_of("int")
        if d <= 0 or self.chance(0.25):
            if vs and self.chance(0.6):
                return self.pick(vs)
            return self.pick(INT_LITS) if self.chance(0.4) else str(self.r.randint(-20, 50))
        k = self.r.randint(0, 17)
        a = lambda: self.e_int(d - 1)
        if k <= 3:
            return self.bin(a(), self.pick(["+", "-", "*"]), a())
        if k == 4:
            return "(%s // (%s | 1))" % (a(), a())
        if k == 5:
            return "(%s %% (%s | 1))" % (a(), a())
        if k == 6:
            return "(%s %s %s)" % (a(), self.pick(["&", "|", "~"]), a())
        if k == 7:
            return "(%s %s %s)" % (a(), self.pick(["<<", ">>"]), self.pick(
                ["1", "3", "63", "64", "-1", "-2", "65", "0", str(self.r.randint(0, 70))]))
        if k == 8:
            return "(%s %s)" % (self.pick(["-", "~", "- -", "~ ~", "- ~"]), a())
        if k == 9:
            return "(#%s)" % self.paren_str(d - 1)
        if k == 10:
            return "math.floor(%s)" % a()
        if k == 11:
            return "string.len(%s)" % self.e_str(d - 1)
        if k == 12:
            return "(%s %% %s)" % (a(), self.pick(["3", "-3", "7", "-7", "2", "10", "math.maxinteger", "math.mininteger"]))
        if k == 13:
            return "(%s // %s)" % (a(), self.pick(["2", "-2", "3", "-3", "-1", "7", "math.mininteger"]))
        if k == 14:
            return "math.%s(%s, %s)" % (self.pick(["max", "min"]), a(), a())
        if k == 15:
            return "select('#'%s)" % "".join(", " + self.e_any(d - 1) for _ in range(self.r.randint(0, 3)))
        if k == 16:
            return "(%s and %s or %s)" % (self.e_bool(d - 1), a(), a())
        return "math.abs(%s)" % a()

    def e_flt(self, d):
        vs = self.vars_of("flt")
        if d <= 0 or self.chance(0.25):
            if vs and self.chance(0.6):
                return self.pick(vs)
            if self.chance(0.5):
                return self.pick(FLT_LITS)
            return repr(round(self.r.uniform(-100, 100), self.r.randint(0, 4)))
        k = self.r.randint(0, 10)
        n = lambda: self.e_num(d - 1)
        f = lambda: self.e_flt(d - 1)
        if k <= 2:
            return self.bin(f(), self.pick(["+", "-", "*"]), n())
        if k == 3:
            return "(%s / %s)" % (n(), n())
        if k == 4:
            return "(%s ^ %s)" % (n(), self.pick(["2", "0.5", "-1", "3", "0", "10", "64", "-0.5"]))
        # the float operand in parentheses: `a - i // n` would be an integer
        # division (by zero, maybe: 5.4.4 reports that at a wrong line)
        if k == 5:
            return "((%s) // %s)" % (f(), n())
        if k == 6:
            return "((%s) %% %s)" % (f(), n())
        if k == 7:
            return "(- %s)" % f()
        if k == 8:
            return "math.sqrt(math.abs(%s))" % n()
        if k == 9:
            return "(%s + 0.0)" % self.e_int(d - 1)
        return "math.%s(%s, %s)" % (self.pick(["max", "min"]), f(), f())

    def e_num(self, d):
        return self.e_int(d) if self.chance(0.5) else self.e_flt(d)

    def paren_str(self, d):
        s = self.e_str(d)
        return s if s.startswith("(") or s[0].isalpha() else "(%s)" % s

    def e_str(self, d):
        vs = self.vars_of("str")
        if d <= 0 or self.chance(0.25):
            if vs and self.chance(0.6):
                return self.pick(vs)
            return self.str_lit()
        k = self.r.randint(0, 13)
        s = lambda: self.paren_str(d - 1)
        small = lambda: self.pick(["-1", "0", "1", "2", "3", "-3", "5", "10", "-10", "100",
                                   "math.maxinteger", "math.mininteger", "(%s %% 7)" % self.e_int(d - 1)])
        if k <= 2:
            return "(%s .. %s)" % (self.e_str(d - 1), self.pick([self.e_str, self.e_num, self.e_str])(d - 1))
        if k == 3:
            return "%s:sub(%s, %s)" % (s(), small(), small())
        if k == 4:
            return "%s:sub(%s)" % (s(), small())
        if k == 5:
            return "string.rep(%s, %d%s)" % (s(), self.r.randint(-1, 4),
                                               ", " + lua_str(self.pick(["", ",", "-+"])) if self.chance(0.4) else "")
        if k == 6:
            return "%s:%s()" % (s(), self.pick(["upper", "lower", "reverse"]))
        if k == 7:
            return "tostring(%s)" % self.e_any_printable(d - 1)
        if k == 8:
            return self.format_call(d - 1)
        if k == 9:
            return "string.char(%s)" % ", ".join(str(self.r.randint(32, 126)) for _ in range(self.r.randint(0, 4)))
        if k == 10:
            return "table.concat({%s}, %s)" % (", ".join(self.pick([self.e_str, self.e_num])(d - 1)
                                                         for _ in range(self.r.randint(0, 4))), lua_str(self.pick(["", ", ", "-"])))
        if k == 11:
            return "(%s):gsub(%s, %s)" % (self.e_str(d - 1), lua_str(self.pick(["%a", "%d+", "[aeiou]", "%s", "(%w)(%w)", "."])),
                                          lua_str(self.pick(["<%0>", "%1", "", "x", "%%"]))) if self.chance(0.2) else "(select(1, (%s):gsub(%s, %s)))" % (
                self.e_str(d - 1), lua_str(self.pick(["%a", "%d+", "[aeiou]", "%s", "(%w)"])), lua_str(self.pick(["<%0>", "%1", "", "x", "%%"])))
        if k == 12:
            return "(%s .. '')" % self.e_num(d - 1)
        return "(%s and %s or %s)" % (self.e_bool(d - 1), self.e_str(d - 1), self.e_str(d - 1))

    def e_bool(self, d):
        vs = self.vars_of("bool")
        if d <= 0 or self.chance(0.2):
            if vs and self.chance(0.5):
                return self.pick(vs)
            return self.pick(["true", "false"])
        k = self.r.randint(0, 7)
        if k <= 2:
            return "(%s %s %s)" % (self.e_num(d - 1), self.pick(["<", "<=", ">", ">=", "==", "~="]), self.e_num(d - 1))
        if k == 3:
            return "(%s %s %s)" % (self.e_str(d - 1), self.pick(["<", "<=", ">", ">=", "==", "~="]), self.e_str(d - 1))
        if k == 4:
            return "(not %s)" % self.e_bool(d - 1)
        if k == 5:
            return "(%s %s %s)" % (self.e_bool(d - 1), self.pick(["and", "or", "==", "~="]), self.e_bool(d - 1))
        if k == 6:
            return "(math.type(%s) == %s)" % (self.e_num(d - 1), self.pick(['"integer"', '"float"']))
        return "(%s == %s)" % (self.e_int(d - 1), self.e_flt(d - 1))

    def e_any_printable(self, d):
        return self.expr(self.pick(["int", "flt", "str", "bool"]), d)

    def e_any(self, d):
        if self.chance(0.1):
            return "nil"
        return self.e_any_printable(d)

    # -- string.format --------------------------------------------------------
    FMT_FLAGS = {"d": "-+ 0", "i": "-+ 0", "u": "-0", "o": "-#0", "x": "-#0", "X": "-#0", "c": "-", "s": "-",
                 "a": "-+ #0", "A": "-+ #0", "e": "-+ #0", "E": "-+ #0", "f": "-+ #0", "F": "-+ #0", "g": "-+ #0", "G": "-+ #0"}

    def format_spec(self, d, valid=True):
        """One conversion and its argument. valid=False sometimes breaks the
        rules (flags, sizes, argument types) to check the error messages."""
        # 5.4.4 has no %F (an invalid conversion there)
        conv = self.pick("ddiuxXocsqfeEgGaA%" + "dsfg" + ("" if valid else "F"))
        if conv == "%":
            return "%%", None
        if conv == "q":
            return "%q", self.pick([self.e_int, self.e_flt, self.e_str, self.e_str])(d)
        allowed = self.FMT_FLAGS[conv] if valid else "-+ #0"
        flags = ""
        if allowed and self.chance(0.4):
            flags = "".join(self.pick(allowed) for _ in range(self.r.randint(1, 2)))
        big = 99 if valid else 120
        width = str(self.r.randint(1, 20 if self.chance(0.9) else big)) if self.chance(0.4) else ""
        prec = "." + str(self.r.randint(0, 20 if self.chance(0.9) else big)) if self.chance(0.4) and (conv != "c" or not valid) else ""
        if conv in "dixXouc":
            arg = self.e_int(d)
            if not valid and self.chance(0.15):
                arg = self.pick(["3.0", "-0.0", "2^53", "1.5", '"12"', '"x"', "nil"])
            if conv == "c":
                arg = "(%s) %% 256" % arg
        elif conv in "fFeEgGaA":
            arg = self.e_num(d)
        else:
            arg = self.e_any_printable(d)
        return "%" + flags + width + prec + conv, arg

    def format_call(self, d, valid=True):
        parts, args = [], []
        for _ in range(self.r.randint(1, 3)):
            if self.chance(0.3):
                parts.append(self.rand_str(0, 3, "ab :=|"))
            spec, arg = self.format_spec(d, valid)
            parts.append(spec)
            if arg is not None:
                args.append(arg)
        return "string.format(%s)" % ", ".join([lua_str("".join(parts))] + args)

    # -- printing -------------------------------------------------------------
    def print_exprs(self, d=3):
        items = []
        for _ in range(self.r.randint(1, 4)):
            ty = self.pick(["int", "int", "flt", "flt", "num", "str", "bool"])
            e = self.expr(ty, d)
            if ty in ("flt", "num") and self.chance(0.3):
                e = self.pick(['string.format("%%.14g", %s)', "math.type(%s)", "tostring(%s)",
                               'string.format("%%.17g", %s)', "math.tointeger(%s)"]) % e
            items.append(e)
        self.emit("print(%s)" % ", ".join(items))

    # -- free-form statements -----------------------------------------------
    def stmt(self, d):
        k = self.r.randint(0, 15)
        if k <= 2 and self.nlocals() < 60:
            ty = self.pick(["int", "int", "flt", "str", "str", "bool"])
            name = self.fresh(ty[0])
            e = self.expr(ty, 3)
            if ty == "str":
                e = "string.sub(%s, 1, 40)" % e
            attrib = " <const>" if self.chance(0.1) else ""
            self.emit("local %s%s = %s" % (name, attrib, e))
            self.declare(name, ty, bool(attrib))
            return
        if k <= 5:
            ty = self.pick(["int", "flt", "str", "bool"])
            vs = self.vars_of(ty, writable=True)
            if vs:
                e = self.expr(ty, 3)
                if ty == "str":
                    e = "string.sub(%s, 1, 40)" % e
                if self.chance(0.2):
                    v2 = self.vars_of(ty, writable=True)
                    a, b = self.pick(vs), self.pick(v2)
                    self.emit("%s, %s = %s, %s" % (a, b, b, a) if a != b else "%s = %s" % (a, e))
                else:
                    self.emit("%s = %s" % (self.pick(vs), e))
                return
        if k <= 7:
            self.print_exprs()
            return
        if d <= 0:
            self.print_exprs(2)
            return
        if k == 8:
            self.emit("if %s then" % self.e_bool(2))
            self.block(d - 1)
            while self.chance(0.3):
                self.emit("elseif %s then" % self.e_bool(2))
                self.block(d - 1)
            if self.chance(0.5):
                self.emit("else")
                self.block(d - 1)
            self.emit("end")
            return
        if k == 9:
            v = self.fresh("i")
            if self.chance(0.7):
                a = self.r.randint(-5, 5)
                step = self.pick([1, 1, 2, 3, -1, -2, -3])
                b = a + step * self.r.randint(-1, 5)
                stepstr = "" if step == 1 and self.chance(0.5) else ", %d" % step
                self.emit("for %s = %d, %d%s do" % (v, a, b, stepstr))
                ty = "int"
            else:
                a = self.pick(["0.5", "1.0", "-1.25", "0.1", "2.0"])  # a float start: a float loop
                self.emit("for %s = %s, %s, %s do" % (v, a, self.pick(["2.5", "3", "-1", "1.0", "0.7"]),
                                                     self.pick(["0.5", "0.25", "-0.5", "0.1", "1"])))
                ty = "flt"
            self.push()
            self.declare(v, ty, True)
            self.loop_body(d)
            self.pop()
            self.emit("end")
            return
        if k == 10:
            c = self.fresh("w")
            self.emit("local %s = 0" % c)
            if self.chance(0.5):
                self.emit("while %s < %d do" % (c, self.r.randint(0, 5)))
                self.ind += 1
                self.emit("%s = %s + 1" % (c, c))
                self.ind -= 1
                self.push()
                self.loop_body(d)
                self.pop()
                self.emit("end")
            else:
                self.emit("repeat")
                self.ind += 1
                self.emit("%s = %s + 1" % (c, c))
                self.ind -= 1
                self.push()
                self.loop_body(d, close=False)
                self.emit("until %s >= %d" % (c, self.r.randint(1, 5)))
                self.pop()
            self.emit("print('%s', %s)" % (c, c))
            return
        if k == 11 and self.fdepth < 2:
            self.local_function(d)
            return
        if k == 12:
            self.emit("do")
            self.block(d - 1)
            self.emit("end")
            return
        if k == 13:
            # table built and inspected
            t = self.fresh("t")
            n = self.r.randint(0, 6)
            self.emit("local %s = {%s}" % (t, ", ".join(self.e_num(1) for _ in range(n))))
            self.emit("%s[#%s + 1] = %s" % (t, t, self.e_num(1)))
            self.emit("print(#%s, %s[1], %s[#%s], table.concat(%s, ' '))" % (t, t, t, t, t))
            return
        if k == 14:
            self.print_exprs(4)
            return
        self.emit("print(%s)" % self.format_call(2))

    def loop_body(self, d, close=True):
        self.loopdepth += 1
        self.ind += 1
        if close and self.chance(0.3):
            # not in repeat bodies: a label before `until` is inside the
            # scope of the body's locals
            lab = self.fresh("continue")
            self.emit("if %s then goto %s end" % (self.e_bool(1), lab))
            for _ in range(self.r.randint(1, 3)):
                self.stmt(d - 1)
            if self.chance(0.3):
                self.emit("if %s then break end" % self.e_bool(1))
            self.emit("::%s::" % lab)
        else:
            for _ in range(self.r.randint(1, 3)):
                self.stmt(d - 1)
            if self.chance(0.2):
                self.emit("if %s then break end" % self.e_bool(1))
        self.ind -= 1
        self.loopdepth -= 1

    def block(self, d):
        self.ind += 1
        self.push()
        for _ in range(self.r.randint(1, 4)):
            self.stmt(d)
        self.pop()
        self.ind -= 1

    def local_function(self, d):
        name = self.fresh("f")
        nparams = self.r.randint(0, 3)
        ptys = [self.pick(["int", "flt", "str"]) for _ in range(nparams)]
        pnames = [self.fresh("p") for _ in range(nparams)]
        rty = self.pick(["int", "flt", "str", "bool"])
        self.emit("local function %s(%s)" % (name, ", ".join(pnames)))
        self.fdepth += 1
        saved_loop = self.loopdepth
        self.loopdepth = 0
        self.ind += 1
        self.push()
        for p, t in zip(pnames, ptys):
            self.declare(p, t)
        for _ in range(self.r.randint(1, 3)):
            self.stmt(d - 1)
        e = self.expr(rty, 2)
        if self.chance(0.3):
            self.emit("return %s, %s" % (e, self.e_any(1)))
        else:
            self.emit("return %s" % e)
        self.pop()
        self.ind -= 1
        self.loopdepth = saved_loop
        self.fdepth -= 1
        self.emit("end")
        self.declare(name, "fn:" + rty + ":" + ",".join(ptys))
        for _ in range(self.r.randint(1, 2)):
            args = ", ".join(self.expr(t, 2) for t in ptys)
            if self.chance(0.5):
                self.emit("print(%s(%s))" % (name, args))
            else:
                self.emit("print((%s(%s)))" % (name, args))

    # -- sections (feature templates) ---------------------------------------
    def sec_freeform(self):
        for _ in range(self.r.randint(3, 8)):
            self.stmt(3)

    def sec_arith(self):
        for _ in range(self.r.randint(2, 5)):
            ty = self.pick(["int", "flt"])
            name = self.fresh(ty[0])
            self.emit("local %s = %s" % (name, self.expr(ty, 2)))
            self.declare(name, ty)
        for _ in range(self.r.randint(3, 8)):
            self.print_exprs(3)
        ops = ["+", "-", "*", "/", "//", "%", "^", "==", "<", "<=", "~=", ">", ">="]
        for _ in range(self.r.randint(2, 5)):
            a, b = self.pick(INT_LITS + FLT_LITS), self.pick(INT_LITS + FLT_LITS)
            op = self.pick(ops)
            if op in ("//", "%") and self.chance(0.5):
                b = self.pick(["-3", "3", "-0.0", "0.0", "-1", "2.5", "-2.5", "math.huge", "-math.huge"])
            if op in ("//", "%") and b == "0":
                b = "0.0"  # never an integer division by zero (5.4.4's line bug)
            self.emit("print(%s %s %s)" % (a, op, b))
        self.emit("print(math.tointeger(%s), math.ult(%s, %s), math.fmod(%s, %s))" % (
            self.pick(FLT_LITS + INT_LITS + ['"8"', '"x"', "3.0"]), self.e_int(1), self.e_int(1),
            self.e_num(1), self.pick(["3", "-3", "0.5", "-2", "math.huge", "1e300", "math.mininteger", "-1", "0", "0.0"])))

    def sec_intdivmod(self):
        vals = ["7", "-7", "0", "3", "-3", "math.maxinteger", "math.mininteger", "1", "-1", "5.5", "-5.5",
                "0.0", "-0.0", "math.huge", "-math.huge", "2^53", "1e308"]
        for _ in range(self.r.randint(3, 8)):
            a, b = self.pick(vals), self.pick(vals)
            if b == "0" and a in ("7", "-7", "0", "3", "-3", "math.maxinteger", "math.mininteger", "1", "-1"):
                b = "-1"  # integer division by zero: see TESTING.md (5.4.4's line bug)
            self.emit("print(%s // %s, %s %% %s, %s / %s)" % (a, b, a, b, a, b))
        self.emit("print(math.maxinteger + 1 == math.mininteger, math.mininteger - 1, math.maxinteger * 2, -math.mininteger)")
        self.emit("print(math.mininteger // -1, math.mininteger % -1, math.abs(math.mininteger), 1 << 63, 1 << 64, -1 >> 1, 1 >> -1)")
        self.emit("print(9223372036854775807, 9223372036854775808, -9223372036854775808, 0x10000000000000000, 1e1000)")
        self.emit("print(%s == %s, %s < %s, %s <= %s)" % (
            self.pick(["2^53", "2^63", "-2^63", "1.0", "0.5"]), self.pick(["9007199254740992", "math.maxinteger", "math.mininteger", "1"]),
            self.pick(["math.maxinteger", "math.mininteger", "9007199254740993"]), self.pick(["2^63", "-2^63", "2^53", "math.huge"]),
            self.pick(["math.mininteger", "1", "-1"]), self.pick(["-2^63", "0.5", "-math.huge", "0/0"])))

    def sec_coerce(self):
        strs = ['"10"', '"0x10"', '"1e1"', '" 5 "', '"3.0"', '"-0"', '"9223372036854775807"',
                '"9223372036854775808"', '"0x7fffffffffffffff"', '"1e"', '"abc"', '"5."', '".5"', '"0x.1"', '"inf"', '"nan"', '" 0x1p4 "']
        for _ in range(self.r.randint(2, 5)):
            s = self.pick(strs)
            self.emit("print(pcall(function() return %s %s %s end))" % (s, self.pick(["+", "*", "-", "//", "%", "/", "&", "|"]), self.pick(["1", "2", "1.0", '"2"'])))
        for _ in range(self.r.randint(2, 5)):
            self.emit("print(tonumber(%s), math.type(tonumber(%s)))" % ((self.pick(strs),) * 2))
        bases = [("ff", 16), ("FF", 16), ("z", 36), ("8", 8), ("777", 8), ("101", 2), ("  11  ", 2), ("-ff", 16), ("1.5", 10), ("", 10), ("zz", 35), ("7fffffffffffffff", 16), ("ffffffffffffffff1", 16)]
        for _ in range(self.r.randint(1, 3)):
            s, b = self.pick(bases)
            self.emit("print(tonumber(%s, %d))" % (lua_str(s), b))
        for _ in range(self.r.randint(1, 4)):
            self.emit("print(%s .. %s)" % (self.pick(FLT_LITS + INT_LITS), lua_str(self.pick(["", "|", " x"]))))
        self.emit("print(10 == '10', '10' + 0 == 10, 1 < 1.5, -0.0 == 0, 1/0 > math.maxinteger, 'a' < 'b', '' < 'a', 'Z' < 'a', 'abc' < 'abd', 'ab' < 'abc')")

    def sec_string(self):
        for _ in range(self.r.randint(2, 4)):
            name = self.fresh("s")
            self.emit("local %s = %s" % (name, self.str_lit()))
            self.declare(name, "str")
        s = lambda: self.pick(self.vars_of("str"))
        idx = lambda: str(self.r.randint(-8, 10))
        for _ in range(self.r.randint(3, 8)):
            k = self.r.randint(0, 7)
            if k == 0:
                self.emit("print(%s:sub(%s, %s), %s:sub(%s), #%s)" % (s(), idx(), idx(), s(), idx(), s()))
            elif k == 1:
                self.emit("print(%s:byte(%s, %s))" % (s(), idx(), idx()))
            elif k == 2:
                self.emit("print(string.rep(%s, %d, %s), (%s):upper(), (%s):lower())" % (s(), self.r.randint(0, 3), s(), s(), s()))
            elif k == 3:
                self.emit("print(%s .. %s .. %s, %s == %s, %s < %s)" % (s(), self.e_num(1), s(), s(), s(), s(), s()))
            elif k == 4:
                self.emit("print(%s:len(), %s:reverse(), ('x'):rep(%d))" % (s(), s(), self.r.randint(0, 5)))
            elif k == 5:
                self.emit("print(pcall(%s))" % ", ".join(["string.char"] + [str(self.r.randint(0, 300) if self.chance(0.1) else self.r.randint(48, 122)) for _ in range(self.r.randint(0, 5))]))
            elif k == 6:
                self.emit("print(pcall(string.rep, %s, %s))" % (s(), self.pick(["-1", "0", "2", "1.5", '"3"', "'x'"])))
            else:
                self.print_exprs(3)
        for _ in range(self.r.randint(1, 4)):
            self.emit("print(pcall(string.format, %s))" % self.format_call(2, False)[len("string.format("):-1])

    def pattern(self):
        items = []
        nq = 0
        ncap = 0
        open_caps = 0
        if self.chance(0.2):
            items.append("^")
        for _ in range(self.r.randint(1, 5)):
            k = self.r.randint(0, 12)
            if k <= 2:
                it = self.pick("abcxyz019 ,.-")
                it = "%" + it if it in ".-" else it
            elif k == 3:
                it = "."
            elif k <= 5:
                it = "%" + self.pick("adswlupxcADSWLUPX")
            elif k == 6:
                inner = "".join(self.pick(["a", "b", "x", "0-9", "a-c", "%d", "%s", "_", ",", "%]", "-"]) for _ in range(self.r.randint(1, 3)))
                it = "[" + ("^" if self.chance(0.3) else "") + inner + "]"
            elif k == 7 and open_caps < 2:
                items.append("(")
                open_caps += 1
                ncap += 1
                continue
            elif k == 8 and open_caps > 0:
                items.append(")")
                open_caps -= 1
                continue
            elif k == 9:
                items.append("()")
                ncap += 1
                continue
            elif k == 10:
                items.append(self.pick(["%b()", "%b[]", "%f[%w]", "%f[%W]", "%f[%a]", "%bxy"]))
                continue
            elif k == 11 and ncap > open_caps:
                items.append("%" + str(self.r.randint(1, ncap - open_caps)))
                continue
            else:
                it = self.pick("abc")
            if nq < 3 and self.chance(0.45):
                it += self.pick("*+-?")
                nq += 1
            items.append(it)
        items.extend(")" * open_caps)
        if self.chance(0.15):
            items.append("$")
        p = "".join(items)
        if self.chance(0.05):  # malformed on purpose
            p += self.pick(["%", "[a", "(", "%z"])
        return p

    def sec_pattern(self):
        subj = self.fresh("s")
        words = self.rand_str(3, 25, "abcxyz019 ,.-()[]_")
        if self.chance(0.3):
            words = self.pick(WORDS) + " " + self.pick(WORDS)
        self.emit("local %s = %s" % (subj, lua_str(words)))
        for _ in range(self.r.randint(3, 7)):
            p = lua_str(self.pattern())
            k = self.r.randint(0, 5)
            if k == 0:
                self.emit("print(pcall(string.find, %s, %s%s))" % (subj, p, ", %d" % self.r.randint(-5, 8) if self.chance(0.4) else ""))
            elif k == 1:
                self.emit("print(pcall(string.match, %s, %s%s))" % (subj, p, ", %d" % self.r.randint(-5, 8) if self.chance(0.3) else ""))
            elif k == 2:
                repl = self.pick([lua_str(self.pick(["<%0>", "%1", "", "[%1|%0]", "%%", "x"])),
                                  "{a = 'A', b = false, x = 'X'}", "function(c, ...) return c and c:upper() end",
                                  "function() return nil end", "function(c) return #c end"])
                n = ", %d" % self.r.randint(0, 3) if self.chance(0.3) else ""
                self.emit("print(pcall(string.gsub, %s, %s, %s%s))" % (subj, p, repl, n))
            elif k == 3:
                self.emit("print(pcall(function() local r = {} for a, b in string.gmatch(%s, %s) do r[#r + 1] = tostring(a) .. '/' .. tostring(b) if #r > 50 then break end end return table.concat(r, ' ') end))" % (subj, p))
            elif k == 4:
                self.emit("print(pcall(string.find, %s, %s, 1, true))" % (subj, lua_str(self.rand_str(0, 3, words or "a"))))
            else:
                self.emit("print(pcall(string.gsub, %s, %s, '%%2'))" % (subj, p))

    def sec_table(self):
        t = self.fresh("t")
        n = self.r.randint(0, 8)
        elems = [str(self.r.randint(-20, 20)) for _ in range(n)]
        self.emit("local %s = {%s}" % (t, ", ".join(elems)))
        self.emit("print(#%s, select('#', table.unpack(%s)))" % (t, t))
        for _ in range(self.r.randint(3, 8)):
            k = self.r.randint(0, 11)
            if k == 0:
                self.emit("table.insert(%s, %d)" % (t, self.r.randint(-9, 9)))
            elif k == 1:
                self.emit("print(pcall(table.insert, %s, %d, %d))" % (t, self.r.randint(-1, 10), self.r.randint(-9, 9)))
            elif k == 2:
                self.emit("print(pcall(table.remove, %s%s))" % (t, ", %d" % self.r.randint(0, 9) if self.chance(0.5) else ""))
            elif k == 3:
                self.emit("print(pcall(table.concat, %s, %s, %d, %d))" % (t, lua_str(self.pick(["", ",", " - "])), self.r.randint(0, 3), self.r.randint(-1, 9)))
            elif k == 4:
                cmp = self.pick(["", ", function(a, b) return a > b end", ", function(a, b) return a % 5 < b % 5 end",
                                 ", function(a, b) return math.abs(a) < math.abs(b) end"])
                self.emit("table.sort(%s%s)" % (t, cmp))
                self.emit("print(table.concat(%s, ' '))" % t)
            elif k == 5:
                self.emit("print(table.unpack(%s, %d, %d))" % (t, self.r.randint(-1, 3), self.r.randint(0, 9)))
            elif k == 6:
                self.emit("print(pcall(select, %s, table.unpack(%s)))" % (self.pick(["1", "2", "-1", "-2", "'#'", "3"]), t))
            elif k == 7:
                self.emit("%s[#%s + 1] = %d; print(#%s)" % (t, t, self.r.randint(0, 9), t))
            elif k == 8:
                self.emit("print(pcall(table.concat, table.move(%s, %d, %d, %d, {}), ','))" % (t, self.r.randint(1, 3), self.r.randint(0, 6), self.r.randint(1, 3)))
            elif k == 9:
                self.emit("print(pcall(function() local p = table.pack(%s) return p.n, #p, p[1], p[p.n] end))" % ", ".join(self.pick(["1", "nil", "'a'", "2.5"]) for _ in range(self.r.randint(0, 5))))
            elif k == 10:
                self.emit("print(rawlen(%s), rawequal(%s, %s), rawget(%s, 1), next({}), type(next(%s)))" % (t, t, t, t, t))
            else:
                # hash keys, visited in sorted order
                h = self.fresh("h")
                keys = [lua_str(w) for w in self.r.sample(["a", "b", "c", "key", "x", "yy", "z1"], self.r.randint(1, 5))]
                self.emit("local %s = {%s}" % (h, ", ".join("[%s] = %d" % (kk, self.r.randint(0, 99)) for kk in keys)))
                self.emit("%s[%s] = nil; %s.extra = 1.5" % (h, self.pick(keys), h))
                self.emit("do local ks = {} for k in pairs(%s) do ks[#ks + 1] = k end table.sort(ks) for _, k in ipairs(ks) do io.write(k, '=', tostring(%s[k]), ' ') end print() end" % (h, h))
        # constructor with mixed parts and a multi-value call at the end
        self.emit("do local function mv() return 1, 2, 3 end local c = {mv(), mv(), x = 1, [10] = 'ten', mv()} print(#c, c[1], c[2], c[3], c[4], c[5], c.x, c[10]) local d = {mv(), (mv())} print(#d) end")
        if self.chance(0.3):
            self.emit("do local s = {%s} print(#s) end" % ", ".join(self.pick(["1", "nil", "2"]) for _ in range(self.r.randint(1, 6))))
        if self.chance(0.4):
            recs = [(self.r.randint(0, 4), self.pick("abcdefgh")) for _ in range(self.r.randint(2, 12))]
            self.emit("do local r = {%s} table.sort(r, function(a, b) return a.k < b.k end) local o = {} for i, e in ipairs(r) do o[i] = e.k .. e.v end print(table.concat(o, ' ')) end"
                      % ", ".join("{k = %d, v = '%s'}" % kv for kv in recs))
        if self.chance(0.2):
            self.emit("print(pcall(table.sort, {3, 1, 'x'}))")
            self.emit("print(pcall(table.sort, {%s}, function(a, b) return true end))" % ", ".join(str(self.r.randint(0, 9)) for _ in range(self.r.randint(2, 12))))

    def sec_closure(self):
        mk = self.fresh("mk")
        self.emit("local function %s(start, step)" % mk)
        self.emit("  local n = start")
        self.emit("  return function() n = n + step return n end, function(v) n = v end, function() return n end")
        self.emit("end")
        a, b = self.fresh("c"), self.fresh("c")
        self.emit("local %s, set, get = %s(%s, %s)" % (a, mk, self.e_num(1), self.pick(["1", "2", "-3", "0.5"])))
        self.emit("local %s = %s(%d, 10)" % (b, mk, self.r.randint(0, 9)))
        for _ in range(self.r.randint(2, 6)):
            self.emit(self.pick(["print(%s(), %s())" % (a, b), "set(%s)" % self.e_int(1), "print(get())", "print(%s())" % a]))
        self.emit("local fs = {}")
        if self.chance(0.5):
            self.emit("for i = 1, %d do local j = i * 2 fs[i] = function() j = j + 1 return i, j end end" % self.r.randint(1, 4))
        else:
            self.emit("do local i = 1 while i <= %d do local k = i fs[i] = function() return k, i end i = i + 1 end end" % self.r.randint(1, 4))
        self.emit("for i = 1, #fs do print(fs[i]()) end")
        self.emit("if fs[1] then print(fs[1]()) end")
        # recursion through an upvalue
        self.emit("local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end")
        self.emit("print(fib(%d))" % self.r.randint(0, 18))
        self.emit("local function sum(n, acc) if n == 0 then return acc end return sum(n - 1, acc + n) end")
        self.emit("print(sum(%d, 0))" % self.r.randint(0, 20000))

    def sec_vararg(self):
        self.emit("local function cnt(...) return select('#', ...), ... end")
        self.emit("local function last(...) local n = select('#', ...) if n == 0 then return 'none' end return (select(n, ...)) end")
        self.emit("local function pass(...) return ... end")
        self.emit("local function three() return 1, 'two', 3.0 end")
        args = lambda: ", ".join(self.pick(["nil", "1", "'a'", "2.5", "three()", "(three())", "pass()", "false"]) for _ in range(self.r.randint(0, 4)))
        for _ in range(self.r.randint(3, 7)):
            k = self.r.randint(0, 6)
            if k == 0:
                self.emit("print(cnt(%s))" % args())
            elif k == 1:
                self.emit("print(last(%s))" % args())
            elif k == 2:
                self.emit("local a, b, c, d = %s; print(a, b, c, d)" % (args() or "nil"))
            elif k == 3:
                self.emit("print({%s} and #{%s}, select('#', pass(%s)))" % (args(), args(), args()))
            elif k == 4:
                self.emit("print(pcall(select, %s))" % ", ".join([self.pick(["0", "-1", "-5", "2", "'#'", "1.0", "1.5"])] + ([args()] if self.chance(0.8) else [])).rstrip(", "))
            elif k == 5:
                self.emit("print((pass(%s)), pass(%s))" % (args(), args()))
            else:
                self.emit("do local x, y = 1, 2; x, y = y, x; local p, q, r = three(); print(x, y, p, q, r) end")
        self.emit("print(table.unpack({1, 2, nil, 4}, 1, 4))")
        self.emit("print(string.format('%%s|%%s', pass(%s, 'z')))" % self.pick(["1", "'a'", "2.5", "nil"]))

    def sec_meta(self):
        self.emit("local V = {}")
        self.emit("V.__index = V")
        self.emit("local function new(x) return setmetatable({x = x}, V) end")
        self.emit("function V.get(s) return s.x end")
        mms = self.r.sample(["__add", "__sub", "__mul", "__div", "__mod", "__unm", "__idiv", "__pow", "__band", "__shl",
                             "__eq", "__lt", "__le", "__concat", "__call", "__len", "__tostring", "__newindex", "__index", "__close"], self.r.randint(3, 10))
        for mm in mms:
            if mm in ("__add", "__sub", "__mul", "__div", "__mod", "__idiv", "__pow", "__band", "__shl"):
                op = {"__add": "+", "__sub": "-", "__mul": "*", "__div": "/", "__mod": "%", "__idiv": "//", "__pow": "^", "__band": "&", "__shl": "<<"}[mm]
                self.emit("V.%s = function(a, b) local x = type(a) == 'table' and a.x or a local y = type(b) == 'table' and b.x or b return new(x %s y) end" % (mm, op if op not in ("//", "%") else op))
                a = self.pick(["new(%d)" % self.r.randint(-9, 9), str(self.r.randint(1, 9)), "2.5"])
                b = self.pick(["new(%d)" % self.r.randint(1, 9), str(self.r.randint(1, 9))])
                if not a.startswith("new") and not b.startswith("new"):
                    b = "new(3)"
                self.emit("print(pcall(function() return (%s %s %s).x end))" % (a, op, b))
            elif mm == "__unm":
                self.emit("V.__unm = function(a) return new(-a.x) end")
                self.emit("print((-new(%d)).x)" % self.r.randint(-9, 9))
            elif mm == "__eq":
                self.emit("V.__eq = function(a, b) return a.x % 2 == b.x % 2 end")
                self.emit("print(new(%d) == new(%d), new(1) ~= new(2), new(1) == 1)" % (self.r.randint(0, 5), self.r.randint(0, 5)))
            elif mm == "__lt":
                self.emit("V.__lt = function(a, b) return a.x < b.x end")
                self.emit("print(new(%d) < new(%d), new(%d) > new(%d), pcall(function() return new(1) < 1 end))" % tuple(self.r.randint(0, 5) for _ in range(4)))
                self.emit("print(pcall(function() return new(1) <= new(2) end))")
            elif mm == "__le":
                self.emit("V.__le = function(a, b) return a.x <= b.x end")
                self.emit("print(new(%d) <= new(%d), new(%d) >= new(%d))" % tuple(self.r.randint(0, 5) for _ in range(4)))
            elif mm == "__concat":
                self.emit("V.__concat = function(a, b) local x = type(a) == 'table' and 'V' .. a.x or a local y = type(b) == 'table' and 'V' .. b.x or b return x .. '&' .. y end")
                self.emit("print(new(1) .. 'z', 'y' .. new(2), 1 .. new(3), new(4) .. new(5))")
                self.emit("print(pcall(function() return 'a' .. {} end))")
            elif mm == "__call":
                self.emit("V.__call = function(self, a, b) return self.x, a, b end")
                self.emit("print(new(%d)(%s, %s))" % (self.r.randint(0, 9), self.e_any(1), self.e_any(1)))
            elif mm == "__len":
                self.emit("V.__len = function(s) return s.x * 10 end")
                self.emit("print(#new(%d), rawlen(new(1)))" % self.r.randint(0, 9))
            elif mm == "__tostring":
                self.emit("V.__tostring = function(s) return 'V(' .. tostring(s.x) .. ')' end")
                self.emit("print(new(%s), tostring(new('q')))" % self.e_num(1))
                self.emit("V.__name = 'Vec'")
            elif mm == "__newindex":
                self.emit("local log = {}")
                self.emit("local P = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = tostring(k) .. '=' .. tostring(v) rawset(t, k, v) end})")
                self.emit("P.a = 1 P.b = 2 P.a = 3 P[1] = 'one' print(table.concat(log, ' '), P.a, P[1])")
                self.emit("local Q = setmetatable({}, {__newindex = P}) Q.z = 5 print(rawget(Q, 'z'), P.z, table.concat(log, ' '))")
            elif mm == "__index":
                self.emit("local D = setmetatable({}, {__index = function(t, k) return type(k) == 'number' and k * 2 or 'missing:' .. tostring(k) end})")
                self.emit("print(D[21], D.foo, D[1.5], rawget(D, 1))")
                self.emit("local C = setmetatable({}, {__index = D}) print(C[4], C.bar)")
            elif mm == "__close":
                self.emit("do local log = {} do local a <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = 'a:' .. tostring(e) end}) local b <close> = setmetatable({}, {__close = function() log[#log + 1] = 'b' end}) log[#log + 1] = 'body' end print(table.concat(log, ' ')) end")
                self.emit("print(pcall(function() local x <close> = setmetatable({}, {__close = function(_, e) print('closing', e) end}) error('boom') end))")
        self.emit("print(new(%d):get(), getmetatable(new(1)) == V, getmetatable('x').__index == string)" % self.r.randint(0, 9))
        self.emit("print(pcall(setmetatable, new(1), 5))")

    def sec_errors(self):
        cases = [
            "local t = nil; return t.x",
            "local t = {}; return t.x.y",
            "return undefinedglobal.field",
            "return undefinedfn()",
            "local t = {} t.m()",
            "local s = 'abc'; return s:nomethod()",
            "return 1 + nil",
            "local x; return x + 1",
            "local t = {}; return t.n * 2",
            "return {} .. 'x'",
            "return 1 < 'x'",
            "return {} < {}",
            "return 'a' < 1",
            "return 1.5 | 1",
            "return '1.5' | 1",
            "return 2^63 | 0",
            "return 'abc' + 1",
            "return -{}",
            "return #5",
            "error('plain message')",
            "error('no position', 0)",
            "error('level two', 2)",
            "error({code = 42})",
            "error(42)",
            "error(nil)",
            "error()",
            "error(setmetatable({}, {__tostring = function() return 'custom' end}))",
            "return math.floor('x')",
            "return ('x'):rep(1, 2, 3) .. string.rep()",
            "return string.sub()",
            "return ipairs()",
            "return setmetatable(1, {})",
            "return tostring()",
            "for i = 1, 10, 0 do end",
            "for i = 'a', 2 do end",
            "for i = 1, {} do end",
            "local t = setmetatable({}, {__index = function(t, k) error('idx ' .. k) end}); return t.foo",
            "return string.format('%d', 1.5)",
            "return string.format('%d', '1.5')",
            "return string.format('%y', 1)",
            "return string.format('%10.100f', 1)",
            "return string.format('%s')",
            "return table.concat({1, {}, 3})",
            "return table.insert({}, 1, 2, 3)",
            "return select(0)",
            "return coroutine.resume(42)",
            "return rawset(1, 2, 3)",
            "return assert(false)",
            "return assert(nil, 'assert message')",
            "return assert(false, {1})",
            "return string.char(256)",
            "return utf8.char(-1)",
            "return tonumber('10', 99)",
            "return (1)()",
            "local a = {} a[nil] = 1",
            "local a = {} a[0/0] = 1",
            "return math.tointeger(2^63) + nil",
        ]
        for _ in range(self.r.randint(3, 8)):
            body = self.pick(cases)
            self.emit("do")
            self.emit("  local ok, e = pcall(function() %s end)" % body)
            self.emit("  if type(e) == 'table' then print(ok, 'table', e.code, e[1]) else print(ok, e) end")
            self.emit("end")
        self.emit("print(select('#', pcall(error)))")
        self.emit("print(xpcall(function() error('in xpcall') end, function(m) return 'handled: ' .. tostring(m) end))")
        self.emit("print(xpcall(function(a, b) return a + b end, print, %d, %d))" % (self.r.randint(0, 9), self.r.randint(0, 9)))
        self.emit("print(pcall(pcall, error, 'nested'))")
        if self.chance(0.3):
            self.emit("print(xpcall(function() local t = nil; return t[1] end, debug.traceback))")
        if self.chance(0.3):
            self.emit("print(select(2, pcall(error, setmetatable({}, {__tostring = function() return 'TS' end}))) ~= nil)")
        # error through several frames, with positions
        self.emit("local function lvl3() error('deep', %d) end" % self.r.randint(1, 3))
        self.emit("local function lvl2() lvl3() end")
        self.emit("local function lvl1() lvl2() end")
        self.emit("print(pcall(lvl1))")

    def sec_goto(self):
        self.emit("do")
        self.emit("  local i, acc = 1, {}")
        self.emit("  ::top::")
        self.emit("  if i > %d then goto done end" % self.r.randint(0, 6))
        self.emit("  if i %% %d == 0 then i = i + 1 goto top end" % self.r.randint(2, 4))
        self.emit("  acc[#acc + 1] = i")
        self.emit("  i = i + 1")
        self.emit("  goto top")
        self.emit("  ::done::")
        self.emit("  print(table.concat(acc, ','))")
        self.emit("end")
        self.emit("for i = 1, %d do" % self.r.randint(1, 5))
        self.emit("  for j = 1, %d do" % self.r.randint(1, 5))
        self.emit("    if (i + j) %% %d == 0 then goto next_i end" % self.r.randint(2, 4))
        self.emit("    io.write(i, ':', j, ' ')")
        self.emit("  end")
        self.emit("  ::next_i::")
        self.emit("end")
        self.emit("print()")
        self.emit("do local fs = {} local k = 1 ::again:: local x = k * 10 fs[k] = function() return x end k = k + 1 if k <= 3 then goto again end print(fs[1](), fs[2](), fs[3]()) end")

    def sec_loops(self):
        specs = []
        for _ in range(self.r.randint(3, 7)):
            k = self.r.randint(0, 4)
            if k == 0:
                a, b = self.r.randint(-10, 10), self.r.randint(-10, 10)
                st = self.pick([1, 2, 3, -1, -2, -3, 7, -7])
                specs.append("%d, %d, %d" % (a, b, st))
            elif k == 1:
                specs.append("%s, %s, %s" % (self.pick(["0", "1", "0.5", "-1.5", "1e-1"]), self.pick(["2", "2.5", "-2", "1.0"]),
                                             self.pick(["0.5", "0.3", "-0.25", "0.1", "1", "-1"])))
            elif k == 2:
                specs.append(self.pick(["math.maxinteger - 2, math.maxinteger", "math.mininteger, math.mininteger + 2",
                                        "math.mininteger + 2, math.mininteger, -1", "math.maxinteger, math.maxinteger - 3, -2",
                                        "1, 3.5", "1, -0.5", "3, 1.5, -1", "1, math.huge, 1000000000000000000",
                                        "0, 2^53, 2^52", "-3, math.mininteger, math.mininteger",
                                        "1, 0", "5, 5", "5, 5, -1", "0.1, 0.35, 0.05", "1, 3, 0.5"]))
            elif k == 3:
                specs.append("%d, %d" % (self.r.randint(-3, 3), self.r.randint(-3, 6)))
            else:
                specs.append(self.pick(["1, 3, 0", "'1', 3", "1, '3'", "1.0, 3", "1, 3, 1.0", "1, 2^63", "2^63, 1, -1"]))
        for s in specs:
            self.emit("print(pcall(function() local r = {} for i = %s do r[#r + 1] = tostring(i) if #r >= 12 then break end end return table.concat(r, ' ') end))" % s)
        n = self.r.randint(0, 8)
        self.emit("do local n, s = %d, 0 while n > 0 do s = s + n n = n - %d end print(n, s) end" % (n, self.r.randint(1, 3)))
        self.emit("do local n = 0 repeat local m = n * 2 n = n + 1 until m >= %d print(n) end" % self.r.randint(-2, 10))
        self.emit("for i, v in ipairs({10, 20, nil, 40}) do io.write(i, '=', v, ' ') end print()")
        self.emit("do local function it(s, c) if c < s then return c + 1, c * c end end for a, b in it, %d, 0 do io.write(a, ':', b, ' ') end print() end" % self.r.randint(0, 5))

    def sec_coroutine(self):
        self.emit("local gen = coroutine.wrap(function(a) for i = 1, %d do a = coroutine.yield(i * a) or a end return 'end' end)" % self.r.randint(1, 4))
        for _ in range(self.r.randint(1, 6)):
            self.emit("print(pcall(gen, %d))" % self.r.randint(1, 5))
        self.emit("local co = coroutine.create(function(x, y)")
        self.emit("  print('start', x, y, coroutine.isyieldable(), coroutine.status(coroutine.running()))")
        self.emit("  local z = coroutine.yield(x + y)")
        self.emit("  print('got', z)")
        if self.chance(0.4):
            self.emit("  local ok, v = pcall(function() local w = coroutine.yield('in pcall') error('after yield ' .. tostring(w)) end)")
            self.emit("  print('pcall in co', ok, v)")
        if self.chance(0.3):
            self.emit("  error(%s)" % self.pick(["'co failed'", "{code = 1}", "42"]))
        self.emit("  return z * 2, 'done'")
        self.emit("end)")
        self.emit("print(coroutine.status(co))")
        for _ in range(self.r.randint(2, 5)):
            self.emit("do local r = table.pack(coroutine.resume(co, %d, %d)) for i = 1, r.n do if type(r[i]) == 'table' then r[i] = 'table' end end print(table.unpack(r, 1, r.n)) end" % (self.r.randint(0, 9), self.r.randint(0, 9)))
            self.emit("print(coroutine.status(co))")
        self.emit("print(coroutine.isyieldable(), select(2, coroutine.running()))")
        self.emit("do local outer outer = coroutine.create(function() local inner = coroutine.create(function() return coroutine.status(outer) end) return coroutine.resume(inner) end) print(coroutine.resume(outer)) end")
        if self.chance(0.5):
            self.emit("do local c = coroutine.create(function() coroutine.yield(1) end) coroutine.resume(c) print(coroutine.close(c), coroutine.status(c)) end")
        if self.chance(0.5):
            self.emit("print(pcall(coroutine.wrap(function() error('wrapped error') end)))")
        if self.chance(0.4):
            self.emit("do local function p(n) if n > 0 then coroutine.yield(n) p(n - 1) coroutine.yield(-n) end end local r = {} for v in coroutine.wrap(function() p(%d) end) do r[#r + 1] = v end print(table.concat(r, ' ')) end" % self.r.randint(0, 4))

    def sec_random(self):
        self.emit("math.randomseed(%d)" % self.pick([0, 1, 42, self.r.randint(0, 10 ** 6), -7]))
        for _ in range(self.r.randint(2, 6)):
            self.emit("print(%s)" % self.pick(["math.random(1, 100)", "math.random(%d)" % self.r.randint(1, 1000),
                                               "math.random(-5, 5)", 'string.format("%.17g", math.random())',
                                               "math.random(0)", "math.random(math.mininteger, math.maxinteger)",
                                               "math.random()", "math.floor(math.random() * 1000)"]))

    def sec_format(self):
        for _ in range(self.r.randint(3, 7)):
            self.emit("print(pcall(string.format, %s))" % self.format_call(2, self.chance(0.5))[len("string.format("):-1])
        vals = ["0.1", "1/3", "-0.0", "1e300", "2^63", "math.pi", "100", "1e15", "1e16", "123456.789", "0/0", "-(0/0)", "math.huge", "-math.huge", "math.mininteger", "5e-324"]
        for _ in range(self.r.randint(1, 3)):
            v = self.pick(vals)
            self.emit("print(%s, tostring(%s), string.format('%%.14g|%%q|%%g|%%.3f', %s, %s, %s, %s))" % (v, v, v, v, v, v))
        self.emit("print(string.format('%%q', %s))" % self.str_lit())

    def sec_ending(self):
        k = self.r.randint(0, 4)
        self.emit("local function finish(n)")
        if k == 0:
            self.emit("  error('final error ' .. n)")
        elif k == 1:
            self.emit("  local t = nil; return t.x + n")
        elif k == 2:
            self.emit("  error({n})")
        elif k == 3:
            self.emit("  error(setmetatable({}, {__tostring = function() return 'obj ' .. n end}))")
        else:
            self.emit("  return n + {}")
        self.emit("end")
        self.emit("local function caller(n) finish(n) return n end")
        self.emit("caller(%d)" % self.r.randint(0, 9))

    def sec_utf8(self):
        cps = [0x41, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x20ac, 0xffff, 0x10000, 0x1f600, 0x10ffff]
        for _ in range(self.r.randint(2, 5)):
            cs = [self.pick(cps) for _ in range(self.r.randint(0, 4))]
            self.emit("do local s = utf8.char(%s) print(#s, utf8.len(s), utf8.codepoint(s, 1, -1)) end" % ", ".join(map(str, cs)))
        bad = ['"\\xff"', '"a\\x80b"', '"\\xe9t\\xc3\\xa9"', '"\\xed\\xa0\\x80"', '"\\xf4\\x90\\x80\\x80"', '"h\\u{E9}llo"', '"abc"', '""']
        for _ in range(self.r.randint(1, 4)):
            s = self.pick(bad)
            self.emit("print(utf8.len(%s), utf8.len(%s, %d), pcall(utf8.codepoint, %s, 1, -1), utf8.offset(%s, %d), utf8.offset(%s, %d, %d))" % (
                s, s, self.r.randint(-3, 4), s, s, self.r.randint(-3, 4), s, self.r.randint(-2, 3), self.r.randint(1, 3)))
        self.emit("do local r = {} for p, c in utf8.codes(%s) do r[#r + 1] = p .. ':' .. c end print(table.concat(r, ' ')) end" % self.pick(['"h\\u{E9}llo"', '"\\u{10FFFF}x"', '"abc"', '""']))
        # not "a\x80b": 5.4.4's utf8.codes accepts a stray continuation byte
        # (fixed in 5.4.6, which luna follows; docs/TESTING.md)
        self.emit("print(pcall(function() local r = {} for p, c in utf8.codes(%s) do r[#r + 1] = c end return #r end))" % self.pick([b for b in bad if "x80b" not in b]))
        self.emit("print(('x\\u{E9}y'):match(utf8.charpattern, 2), utf8.char(72, 228, 8364))")

    def mutate(self, text):
        """A small random edit of source text (often a syntax error)."""
        k = self.r.randint(0, 5)
        i = self.r.randint(0, len(text))
        if k == 0 and text:
            return text[:i] + text[i + 1:]
        if k == 1:
            return text[:i] + self.pick(["(", ")", "end", " = ", "..", "'", '"', "[[", "--", "::", "goto x", "local", ",", "]", "}", "0x", "1e", "\\", "~", "#", "@", "$", "!"]) + text[i:]
        if k == 2 and text:
            j = self.r.randint(0, len(text))
            i, j = min(i, j), max(i, j)
            return text[:i] + text[j:]
        return text

    def sec_load(self):
        snippets = [
            "return %s" % self.e_int(2),
            "local a, b = %s, %s return a .. b" % (self.e_str(1), self.e_num(1)),
            "local t = {1, 2, x = 3} return #t + t.x",
            "for i = 1, 3 do if i == 2 then goto c end ::c:: end return 'ok'",
            "local function f(...) return select('#', ...) end return f(1, nil, 3)",
            "return function() return 1 end",
            "local x <const> = 5 return x * 2",
            "local s = 0 while s < 10 do s = s + 3 end return s",
            "return ({...})[1]",
            "if %s then return 1 elseif false then return 2 else return 3 end" % self.e_bool(1),
            "return 'a' .. 'b' .. 1 .. 2.0",
            "return [[long\nstring]], [==[x]]y]==]",
            "local t = setmetatable({}, {__index = function(_, k) return k end}) return t.abc",
        ]
        for _ in range(self.r.randint(2, 6)):
            text = self.pick(snippets)
            run = True
            if self.chance(0.6):
                # a mutated chunk is only compiled: it might loop for ever
                text = self.mutate(text)
                run = False
            if self.chance(0.1):
                text = self.pick(["x = = 1", "local 1 = 2", "return 1 +", "goto nowhere", "break", "local x <foo> = 1",
                                  "local x <const> = 1; x = 2", "::a:: ::a::", "return ...", "f(", "x = '\\q'",
                                  "x = '\\300'", "x = '\\u{110000000}'", "x = 0x", "x = 1e+", "x = \"abc", "x = [==[ abc ]=]",
                                  "for i = 1 do end", "function f(a,) end", "return 1 .. 2", "a.b:c = 1", "local function(x) end",
                                  "repeat local x = 1 until x", "x = }", "--[[ unfinished", "x = 3 // // 2", "return not",
                                  "(f)\n(g)", "local t = {} t.x, t.y = 1", "return 0x7fffffffffffffff + 1", "return 08",
                                  "return 1..2", "return 2^-2", "goto l1; local a; ::l1:: print(a)", "do goto l2 end ::l2::"])
            name = self.pick(["nil", '"=chunk"', '"@file.lua"', lua_str(text[:30]) if self.chance(0.2) else '"snippet"'])
            if not run:
                self.emit("do local f, e = load(%s, %s) print(f and 'compiled' or e) end" % (lua_str(text), name))
                continue
            self.emit("do local f, e = load(%s%s) if f then local r = table.pack(pcall(f, %s)) for i = 1, r.n do if type(r[i]) == 'function' then r[i] = 'function' end end print('loaded', table.unpack(r, 1, r.n)) else print('load error', e) end end" % (
                lua_str(text), "" if name == "nil" else ", " + name, self.e_any(1)))

    def sec_keys(self):
        self.emit("local t = {}")
        keys = ["1", "1.0", "2", "2^53", "2^53 + 1.0", "-0.0", "0", "math.maxinteger", "math.maxinteger + 0.0", "'1'", "1.5", "-1", "true", "'x'"]
        for _ in range(self.r.randint(3, 8)):
            self.emit("t[%s] = %s" % (self.pick(keys), self.r.randint(0, 99)))
        for _ in range(self.r.randint(2, 5)):
            k = self.pick(keys)
            self.emit("print(%s, t[%s], math.type(%s))" % (k, k, k))
        self.emit("do local n = 0 for k, v in pairs(t) do n = n + 1 end print('count', n, #t) end")
        self.emit("do local ks = {} for k in pairs(t) do ks[#ks + 1] = type(k) .. ':' .. tostring(k) end table.sort(ks) print(table.concat(ks, ' ')) end")
        if self.chance(0.3):
            self.emit("do local s = {} for i = 1, %d do s[i] = i end for i = %d, %d do s[i] = nil end print(#s) end" % (self.r.randint(1, 20), self.r.randint(1, 20), self.r.randint(1, 20)))
        if self.chance(0.3):
            self.emit("do local depth = 0 local function r() depth = depth + 1 return 1 + r() end local ok, e = pcall(r) print(ok, e, depth > 1000) end")

    SECTIONS = ["freeform", "freeform", "freeform", "arith", "arith", "intdivmod", "coerce", "string", "string",
                "pattern", "pattern", "table", "table", "closure", "vararg", "meta", "meta", "errors", "goto",
                "loops", "coroutine", "random", "format", "format", "utf8", "load", "load", "keys"]

    def program(self):
        self.emit("-- generated by tests/difftest/gen.py")
        nsec = self.r.randint(3, 9)
        for i in range(nsec):
            sec = self.pick(self.SECTIONS)
            self.emit("print('-- section %d %s')" % (i, sec))
            protected = self.chance(0.8)
            self.emit("do" if not protected else "do local ok, e = pcall(function()")
            self.ind += 1
            self.push()
            getattr(self, "sec_" + sec)()
            self.pop()
            self.ind -= 1
            self.emit("end" if not protected else "end) print('section result', ok, (type(e) == 'string' or type(e) == 'number') and e or type(e)) end")
        if self.chance(0.1):
            self.sec_ending()
        return "\n".join(self.lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    args = ap.parse_args()
    print(Gen(args.seed).program(), end="")


if __name__ == "__main__":
    main()
