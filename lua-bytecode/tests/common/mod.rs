//! Shared by the tests: a random Lua program generator (a small grammar
//! covering every statement and expression form) and the list of the
//! repository's `.lua` files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Every `.lua` file under `dir` (skipping `target` and hidden
/// directories), appended to `out`.
pub fn lua_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if name != "target" && !name.starts_with('.') {
                lua_files(&p, out);
            }
        } else if name.ends_with(".lua") {
            out.push(p);
        }
    }
}

pub struct Gen {
    state: u64,
    depth: u32,
    locals: Vec<String>,
    out: String,
}

impl Gen {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn name(&mut self) -> String {
        if !self.locals.is_empty() && self.pick(3) > 0 {
            let i = self.pick(self.locals.len() as u64) as usize;
            self.locals[i].clone()
        } else {
            format!("g{}", self.pick(5))
        }
    }

    fn expr(&mut self) -> String {
        if self.depth > 6 {
            return self.atom();
        }
        self.depth += 1;
        let e = match self.pick(14) {
            0..=3 => self.atom(),
            4 => {
                let ops = [
                    "+", "-", "*", "/", "//", "%", "^", "..", "&", "|", "~", "<<", ">>",
                ];
                let op = ops[self.pick(ops.len() as u64) as usize];
                format!("({} {} {})", self.expr(), op, self.expr())
            }
            5 => {
                let ops = ["==", "~=", "<", "<=", ">", ">=", "and", "or"];
                let op = ops[self.pick(ops.len() as u64) as usize];
                format!("({} {} {})", self.expr(), op, self.expr())
            }
            6 => {
                let ops = ["-", "not ", "#", "~"];
                let op = ops[self.pick(ops.len() as u64) as usize];
                format!("{}({})", op, self.expr())
            }
            7 => format!("{}.f{}", self.name(), self.pick(3)),
            8 => format!("{}[{}]", self.name(), self.expr()),
            9 => format!("{}({})", self.name(), self.args()),
            10 => format!("{}:m({})", self.name(), self.args()),
            11 => {
                let n = self.pick(4);
                let mut fields = Vec::new();
                for i in 0..n {
                    fields.push(match (i + self.pick(3)) % 3 {
                        0 => self.expr(),
                        1 => format!("k{} = {}", i, self.expr()),
                        _ => format!("[{}] = {}", self.expr(), self.expr()),
                    });
                }
                if self.pick(2) == 0 {
                    fields.push("...".into());
                }
                format!("{{{}}}", fields.join(", "))
            }
            12 => {
                let saved = self.locals.len();
                self.locals.push("p".into());
                let body = self.block_text(2);
                self.locals.truncate(saved);
                format!("function(p, ...) {body} return p, ... end")
            }
            _ => "...".into(),
        };
        self.depth -= 1;
        e
    }

    fn args(&mut self) -> String {
        let n = self.pick(4);
        (0..n).map(|_| self.expr()).collect::<Vec<_>>().join(", ")
    }

    fn atom(&mut self) -> String {
        match self.pick(9) {
            0 => "nil".into(),
            1 => "true".into(),
            2 => "false".into(),
            3 => format!("{}", self.pick(300) as i64 - 150),
            4 => format!("{}.5", self.pick(10)),
            5 => format!("\"s{}\"", self.pick(5)),
            6 => "9007199254740993".into(),
            _ => self.name(),
        }
    }

    fn block_text(&mut self, n: u64) -> String {
        let saved = std::mem::take(&mut self.out);
        let locals = self.locals.len();
        for _ in 0..n {
            self.stat();
        }
        self.locals.truncate(locals);
        std::mem::replace(&mut self.out, saved)
    }

    pub fn stat(&mut self) {
        if self.depth > 5 {
            let s = format!("{} = {}\n", self.name(), self.atom());
            self.out.push_str(&s);
            return;
        }
        self.depth += 1;
        let s = match self.pick(13) {
            0 | 1 => {
                let n = 1 + self.pick(3);
                let names: Vec<String> = (0..n).map(|i| format!("l{}_{}", self.depth, i)).collect();
                let attrib = match self.pick(6) {
                    0 => " <const>",
                    1 => " <close>",
                    _ => "",
                };
                let vals = if attrib == " <close>" {
                    "nil".to_string()
                } else {
                    self.args()
                };
                let decl = format!(
                    "local {}{} = {}\n",
                    names.join(", "),
                    attrib,
                    if vals.is_empty() { "nil".into() } else { vals }
                );
                if attrib.is_empty() {
                    self.locals.extend(names);
                }
                decl
            }
            2 => {
                let (a, b, e, rest) = (self.name(), self.name(), self.expr(), self.args());
                let vals = if rest.is_empty() {
                    e
                } else {
                    format!("{e}, {rest}")
                };
                format!("{a}, {b} = {vals}\n")
            }
            3 => format!("{}.f1 = {}\n", self.name(), self.expr()),
            4 => format!("{}({})\n", self.name(), self.args()),
            5 => format!(
                "if {} then\n{}elseif {} then\n{}else\n{}end\n",
                self.expr(),
                self.block_text(2),
                self.expr(),
                self.block_text(1),
                self.block_text(1)
            ),
            6 => format!(
                "while {} do\n{}if {} then break end\nend\n",
                self.expr(),
                self.block_text(2),
                self.expr()
            ),
            7 => format!(
                "repeat\nlocal r = {}\n{}until r or {}\n",
                self.expr(),
                self.block_text(2),
                self.expr()
            ),
            8 => {
                self.locals.push("i".into());
                let b = self.block_text(2);
                self.locals.pop();
                format!(
                    "for i = {}, {}, {} do\n{}end\n",
                    self.atom(),
                    self.atom(),
                    self.atom(),
                    b
                )
            }
            9 => {
                self.locals.push("k".into());
                self.locals.push("v".into());
                let b = self.block_text(2);
                self.locals.truncate(self.locals.len() - 2);
                format!(
                    "for k, v in {} do\n{}if k then goto cont end\n::cont::\nend\n",
                    self.expr(),
                    b
                )
            }
            10 => {
                let l = self.next() % 1_000_000;
                format!(
                    "do\n::top{l}::\n{}if {} then goto top{l} end\nend\n",
                    self.block_text(2),
                    self.expr()
                )
            }
            11 => format!(
                "local function lf(a, b, ...)\n{}return a, b, {}\nend\n",
                self.block_text(2),
                self.expr()
            ),
            _ => {
                let l = self.next() % 1_000_000;
                format!(
                    "do\n{}goto done{l}\n{}::done{l}::\nend\n",
                    self.block_text(1),
                    self.block_text(1)
                )
            }
        };
        self.depth -= 1;
        self.out.push_str(&s);
    }
}

/// The program generated from `seed` (six top-level statements).
pub fn program(seed: u64) -> String {
    let mut g = Gen {
        state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        depth: 0,
        locals: Vec::new(),
        out: String::new(),
    };
    for _ in 0..6 {
        g.stat();
    }
    g.out
}

/// Like [`program`], but each top-level statement runs in its own
/// `pcall`ed function and prints its outcome, so one error does not end the
/// program; the globals are objects whose metamethods let most operations
/// succeed. For differential runs against lua5.4.
pub fn program_pcall(seed: u64) -> String {
    let mut g = Gen {
        state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        depth: 0,
        locals: Vec::new(),
        out: String::new(),
    };
    let mut out = String::from(PRELUDE);
    for i in 0..12 {
        g.out.clear();
        g.stat();
        out.push_str(&format!(
            "print({i}, pcall(function(...)\n{}end, 1, 2))\n",
            g.out
        ));
    }
    out
}

const PRELUDE: &str = r#"local mt = {}
local n = 0
local function mk() n = n + 1; return setmetatable({id = n}, mt) end
mt.__index = function(t, k) if type(k) == "number" and k > 3 then return nil end return k end
mt.__call = function(self, a) return a, 2 end
for _, e in ipairs({"add", "sub", "mul", "div", "mod", "pow", "unm", "idiv", "band", "bor", "bxor", "shl", "shr", "bnot"}) do
  mt["__" .. e] = function(a, b) return 7 end
end
mt.__concat = function(a, b) return "cat" end
mt.__len = function() return 3 end
mt.__lt = function(a, b) return false end
mt.__le = function(a, b) return true end
mt.__tostring = function(t) return "obj" end
g0, g1, g2, g3, g4 = mk(), mk(), mk(), mk(), mk()
"#;
