//! Generates a large, varied, valid Lua 5.4 source for parser benchmarks:
//! `cargo run --release -p lua-syntax --example gen_corpus -- MEGABYTES > big.lua`.
//!
//! The text is deterministic (a fixed-seed generator) and looks like real
//! code: modules of functions with locals, loops, conditionals, closures,
//! method calls, table constructors, string escapes, long strings, comments,
//! numerals of every form, `goto`, attributes. Each unit is wrapped in its
//! own `do ... end` so no function exceeds PUC's limits.

use std::fmt::Write;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'b>(&mut self, v: &[&'b str]) -> &'b str {
        v[self.below(v.len() as u64) as usize]
    }
}

const NAMES: &[&str] = &[
    "count", "value", "result", "index", "buffer", "node", "item", "total", "offset", "width",
    "height", "name", "key", "data", "state", "options", "config", "list", "queue", "cache",
    "parent", "child", "left", "right",
];
const FIELDS: &[&str] = &[
    "x", "y", "size", "next", "prev", "len", "kind", "id", "tag", "children", "meta",
];
const STRINGS: &[&str] = &[
    "\"hello, world\"",
    "'single quoted'",
    "\"tab\\tnewline\\n\"",
    "\"\\x41\\u{48}\\65\\066\"",
    "\"quote \\\" inside\"",
    "[[long string]]",
    "[==[with ]] inside]==]",
    "\"\\z\n       continued\"",
    "'utf8: \\u{20AC}'",
    "\"path/to/file.lua\"",
];
const NUMBERS: &[&str] = &[
    "0", "1", "42", "3.14", "1e10", "0x7f", "0xA.8p1", ".5", "6.02e23", "255", "1024", "2.5e-3",
];
const BINOPS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "^", "..", "==", "~=", "<", "<=", ">", ">=", "and", "or", "&",
    "|", "~", "<<", ">>",
];

struct Gen {
    rng: Rng,
    out: String,
    depth: usize,
    locals: Vec<String>,
}

impl Gen {
    fn ind(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn var(&mut self) -> String {
        if !self.locals.is_empty() && self.rng.below(3) > 0 {
            let i = self.rng.below(self.locals.len() as u64) as usize;
            self.locals[i].clone()
        } else {
            format!("{}{}", self.rng.pick(NAMES), self.rng.below(10))
        }
    }

    fn atom(&mut self, d: usize) -> String {
        match self.rng.below(10) {
            0 | 1 => self.rng.pick(NUMBERS).to_string(),
            2 => self.rng.pick(STRINGS).to_string(),
            3 => ["nil", "true", "false"][self.rng.below(3) as usize].to_string(),
            4 if d < 3 => {
                let a = self.expr(d + 1);
                let b = self.expr(d + 1);
                format!(
                    "{{ {a}, {} = {b}, [{}] = {} }}",
                    self.rng.pick(FIELDS),
                    self.rng.below(100),
                    self.rng.pick(NUMBERS)
                )
            }
            5 if d < 3 => {
                let a = self.expr(d + 1);
                format!("{}({a}, {})", self.var(), self.var())
            }
            6 => format!("{}.{}", self.var(), self.rng.pick(FIELDS)),
            7 if d < 3 => {
                let a = self.expr(d + 1);
                format!("{}:{}({a})", self.var(), self.rng.pick(FIELDS))
            }
            8 => format!("#{}", self.var()),
            _ => self.var(),
        }
    }

    fn expr(&mut self, d: usize) -> String {
        let mut e = self.atom(d);
        let n = if d < 3 { self.rng.below(3) } else { 0 };
        for _ in 0..n {
            let op = self.rng.pick(BINOPS);
            let rhs = self.atom(d + 1);
            e = if self.rng.below(4) == 0 {
                format!("({e} {op} {rhs})")
            } else {
                format!("{e} {op} {rhs}")
            };
        }
        if self.rng.below(8) == 0 {
            e = format!("not {e}");
        }
        e
    }

    fn stat(&mut self) {
        let fuel = if self.depth < 5 { 12 } else { 5 };
        self.ind();
        match self.rng.below(fuel) {
            0 => {
                let v = format!("{}_{}", self.rng.pick(NAMES), self.locals.len());
                let e = self.expr(0);
                let _ = writeln!(self.out, "local {v} = {e}");
                if self.locals.len() < 60 {
                    self.locals.push(v);
                }
            }
            1 => {
                let (t, e) = (self.var(), self.expr(0));
                let _ = writeln!(self.out, "{t}.{} = {e}", self.rng.pick(FIELDS));
            }
            2 => {
                let e = self.expr(0);
                let _ = writeln!(self.out, "print({e}) -- trace");
            }
            3 => {
                let (v, a) = (self.var(), self.expr(0));
                let _ = writeln!(self.out, "{v} = {a}");
            }
            4 => self.compound("if", |g| format!("if {} then", g.expr(0)), "end"),
            5 => self.compound(
                "for",
                |g| format!("for i = 1, {} do", g.rng.pick(NUMBERS)),
                "end",
            ),
            6 => self.compound(
                "for",
                |g| format!("for k, v in pairs({}) do", g.var()),
                "end",
            ),
            7 => self.compound("while", |g| format!("while {} do", g.expr(1)), "end"),
            8 => self.compound("repeat", |_| "repeat".to_string(), "until done"),
            9 => {
                let _ = writeln!(self.out, "local f{} = function(a, b, ...)", self.depth);
                self.depth += 1;
                let n = 1 + self.rng.below(4);
                for _ in 0..n {
                    self.stat();
                }
                self.ind();
                let _ = writeln!(self.out, "return a, b, ...");
                self.depth -= 1;
                self.ind();
                self.out.push_str("end\n");
            }
            10 => {
                let _ = writeln!(self.out, "--[[ block comment\n   spanning lines ]]");
            }
            _ => {
                let (v, f, e) = (self.var(), self.rng.pick(FIELDS), self.expr(1));
                let _ = writeln!(self.out, "{v}:{f}({e}, \"arg\")");
            }
        }
    }

    fn compound(&mut self, _kw: &str, head: impl Fn(&mut Gen) -> String, end: &str) {
        let h = head(self);
        let _ = writeln!(self.out, "{h}");
        self.depth += 1;
        let saved = self.locals.len();
        let n = 1 + self.rng.below(4);
        for _ in 0..n {
            self.stat();
        }
        self.locals.truncate(saved);
        self.depth -= 1;
        self.ind();
        let _ = writeln!(self.out, "{end}");
    }

    fn unit(&mut self, k: usize) {
        self.locals.clear();
        let _ = writeln!(self.out, "do -- unit {k}");
        self.depth = 1;
        let _ = writeln!(self.out, "  local M <const> = {{}}");
        let _ = writeln!(
            self.out,
            "  local done, cache = false, setmetatable({{}}, {{ __mode = \"k\" }})"
        );
        let nf = 1 + self.rng.below(4);
        for f in 0..nf {
            let (a, b) = (self.rng.pick(NAMES), self.rng.pick(NAMES));
            let _ = writeln!(self.out, "  function M.{a}{f}(self, {b}, ...)");
            self.depth = 2;
            let saved = self.locals.len();
            let n = 2 + self.rng.below(8);
            for _ in 0..n {
                self.stat();
            }
            if self.rng.below(4) == 0 {
                self.out
                    .push_str("    goto skip\n    do local unused = 1 end\n    ::skip::\n");
            }
            self.locals.truncate(saved);
            let e = self.expr(1);
            let _ = writeln!(self.out, "    return {e}");
            self.out.push_str("  end\n");
        }
        self.out
            .push_str("  local obj <close> = nil\n  _G[\"mod\" .. 1] = M\nend\n");
    }
}

/// About `bytes` bytes of valid Lua.
pub fn generate(bytes: usize) -> String {
    let mut g = Gen {
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        out: String::with_capacity(bytes + 4096),
        depth: 0,
        locals: Vec::new(),
    };
    g.out
        .push_str("#!/usr/bin/env lua\n-- generated by gen_corpus.rs\n");
    let mut k = 0;
    while g.out.len() < bytes {
        g.unit(k);
        k += 1;
    }
    g.out
}

#[allow(dead_code)]
fn main() {
    let mb: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20.0);
    let s = generate((mb * 1024.0 * 1024.0) as usize);
    use std::io::Write as _;
    let _ = std::io::stdout().write_all(s.as_bytes());
}
