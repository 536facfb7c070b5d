//! A printer that renders the AST back to Lua with every expression fully
//! parenthesised: a debugging aid and the tool of the parser's tests.
//!
//! The output is valid Lua that parses back to the same tree (modulo
//! redundant parentheses around binary and unary expressions, which are
//! printed but not recorded as `Paren`), so it also serves round-trip tests.

use crate::ast::*;
use std::fmt::Write;

/// Renders one expression, fully parenthesised: `1 + 2 * 3` → `(1 + (2 * 3))`.
pub fn expr_to_string(e: &Expr<'_>) -> String {
    let mut p = Printer {
        out: String::new(),
        indent: 0,
    };
    p.expr(e);
    p.out
}

/// Renders a whole chunk, one statement per line, indented by two spaces.
pub fn chunk_to_string(c: &Chunk<'_>) -> String {
    let mut p = Printer {
        out: String::new(),
        indent: 0,
    };
    p.stats(&c.block);
    p.out
}

struct Printer {
    out: String,
    indent: usize,
}

fn quote(s: &[u8]) -> String {
    let mut o = String::from("\"");
    for &c in s {
        match c {
            b'"' => o.push_str("\\\""),
            b'\\' => o.push_str("\\\\"),
            b'\n' => o.push_str("\\n"),
            0x20..=0x7e => o.push(c as char),
            _ => {
                let _ = write!(o, "\\{c:03}");
            }
        }
    }
    o.push('"');
    o
}

fn float(f: f64) -> String {
    if f.is_infinite() {
        if f > 0.0 {
            "1e9999".into()
        } else {
            "-1e9999".into()
        }
    } else if f.is_nan() {
        "(0/0)".into()
    } else {
        // Rust prints the shortest representation that reads back exactly.
        let s = format!("{f:?}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    }
}

impl Printer {
    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn block(&mut self, b: &Block<'_>) {
        self.indent += 1;
        self.stats(b);
        self.indent -= 1;
    }

    fn stats(&mut self, b: &Block<'_>) {
        for s in b.stats {
            self.stat(s);
        }
        if let Some(r) = b.ret {
            let s = format!("return {}", self.list(r.exprs));
            self.line(s.trim_end());
        }
    }

    /// The body of a compound statement, one level deeper.
    fn body(&mut self, b: &Block<'_>) {
        self.block(b);
    }

    fn list(&mut self, es: &[Expr<'_>]) -> String {
        let parts: Vec<String> = es.iter().map(expr_to_string).collect();
        parts.join(", ")
    }

    fn funcbody(&mut self, f: &FuncBody<'_>, skip_self: bool) -> String {
        let mut ps: Vec<&str> = f
            .params
            .iter()
            .skip(usize::from(skip_self))
            .copied()
            .collect();
        if f.is_vararg {
            ps.push("...");
        }
        format!("({})", ps.join(", "))
    }

    fn stat(&mut self, s: &Stat<'_>) {
        match &s.kind {
            StatKind::Call(e) => self.line(&guard(expr_to_string(e))),
            StatKind::Assign { targets, values } => {
                let l = format!("{} = {}", self.list(targets), self.list(values));
                self.line(&guard(l));
            }
            StatKind::Local { names, values } => {
                let ns: Vec<String> = names
                    .iter()
                    .map(|n| match n.attrib {
                        Attrib::None => n.name.to_string(),
                        Attrib::Const => format!("{} <const>", n.name),
                        Attrib::Close => format!("{} <close>", n.name),
                    })
                    .collect();
                let mut l = format!("local {}", ns.join(", "));
                if !values.is_empty() {
                    l.push_str(" = ");
                    l.push_str(&self.list(values));
                }
                self.line(&l);
            }
            StatKind::LocalFunction { name, func } => {
                let h = format!("local function {name}{}", self.funcbody(func, false));
                self.line(&h);
                self.body(&func.body);
                self.line("end");
            }
            StatKind::Function { name, func } => {
                let mut n = name.base.to_string();
                for f in name.fields {
                    n.push('.');
                    n.push_str(f);
                }
                if let Some(m) = name.method {
                    n.push(':');
                    n.push_str(m);
                }
                let h = format!("function {n}{}", self.funcbody(func, name.method.is_some()));
                self.line(&h);
                self.body(&func.body);
                self.line("end");
            }
            StatKind::Do(b) => {
                self.line("do");
                self.body(b);
                self.line("end");
            }
            StatKind::While { cond, body } => {
                self.line(&format!("while {} do", expr_to_string(cond)));
                self.body(body);
                self.line("end");
            }
            StatKind::Repeat { body, cond } => {
                self.line("repeat");
                self.body(body);
                self.line(&format!("until {}", expr_to_string(cond)));
            }
            StatKind::If { arms, orelse } => {
                for (i, arm) in arms.iter().enumerate() {
                    let kw = if i == 0 { "if" } else { "elseif" };
                    self.line(&format!("{kw} {} then", expr_to_string(&arm.cond)));
                    self.body(&arm.body);
                }
                if let Some(b) = orelse {
                    self.line("else");
                    self.body(b);
                }
                self.line("end");
            }
            StatKind::NumericFor {
                var,
                start,
                limit,
                step,
                body,
            } => {
                let mut h = format!(
                    "for {var} = {}, {}",
                    expr_to_string(start),
                    expr_to_string(limit)
                );
                if let Some(st) = step {
                    h.push_str(", ");
                    h.push_str(&expr_to_string(st));
                }
                h.push_str(" do");
                self.line(&h);
                self.body(body);
                self.line("end");
            }
            StatKind::GenericFor { names, exprs, body } => {
                let h = format!("for {} in {} do", names.join(", "), self.list(exprs));
                self.line(&h);
                self.body(body);
                self.line("end");
            }
            StatKind::Goto(n) => self.line(&format!("goto {n}")),
            StatKind::Label(n) => self.line(&format!("::{n}::")),
            StatKind::Break => self.line("break"),
        }
    }

    fn args(&mut self, args: &[Expr<'_>]) {
        self.out.push('(');
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(a);
        }
        self.out.push(')');
    }

    /// Trees can be far deeper than the nesting limit: left-associative
    /// chains (`a.b.c...`, `f()()()`, `1 + 1 + ...`) are built by loops in
    /// the parser, so a long one nests without bound. Recursing over them
    /// needs a stack that grows on demand.
    fn expr(&mut self, e: &Expr<'_>) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e));
    }

    fn expr_inner(&mut self, e: &Expr<'_>) {
        match &e.kind {
            ExprKind::Nil => self.out.push_str("nil"),
            ExprKind::True => self.out.push_str("true"),
            ExprKind::False => self.out.push_str("false"),
            ExprKind::Vararg => self.out.push_str("..."),
            ExprKind::Int(i) => {
                if *i == i64::MIN {
                    self.out.push_str("math.mininteger");
                } else {
                    let _ = write!(self.out, "{i}");
                }
            }
            ExprKind::Float(f) => self.out.push_str(&float(*f)),
            ExprKind::Str(s) => self.out.push_str(&quote(s)),
            ExprKind::Function(f) => {
                let h = format!("function{}", self.funcbody(f, false));
                self.out.push_str(&h);
                let saved = std::mem::take(&mut self.out);
                let indent = self.indent;
                self.indent = 0;
                self.out.push('\n');
                self.block(&f.body);
                self.indent = indent;
                let body = std::mem::replace(&mut self.out, saved);
                self.out.push_str(&body);
                self.out.push_str("end");
            }
            ExprKind::Table(fields) => {
                self.out.push('{');
                for (i, f) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    match f {
                        TableField::Positional(v) => self.expr(v),
                        TableField::Named { name, value } => {
                            self.out.push_str(name);
                            self.out.push_str(" = ");
                            self.expr(value);
                        }
                        TableField::Keyed { key, value } => {
                            self.out.push('[');
                            self.expr(key);
                            self.out.push_str("] = ");
                            self.expr(value);
                        }
                    }
                }
                self.out.push('}');
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.out.push('(');
                self.expr(lhs);
                let _ = write!(self.out, " {} ", op.symbol());
                self.expr(rhs);
                self.out.push(')');
            }
            ExprKind::Unary { op, operand } => {
                self.out.push('(');
                self.out.push_str(op.symbol());
                if *op == UnOp::Not {
                    self.out.push(' ');
                }
                self.expr(operand);
                self.out.push(')');
            }
            ExprKind::Name(n) => self.out.push_str(n),
            ExprKind::Index { obj, key } => {
                self.prefix(obj);
                match key.kind {
                    ExprKind::Str(s) if is_name(s) => {
                        self.out.push('.');
                        self.out.push_str(std::str::from_utf8(s).unwrap_or("?"));
                    }
                    _ => {
                        self.out.push('[');
                        self.expr(key);
                        self.out.push(']');
                    }
                }
            }
            ExprKind::Call { func, args } => {
                self.prefix(func);
                self.args(args);
            }
            ExprKind::MethodCall { obj, method, args } => {
                self.prefix(obj);
                self.out.push(':');
                self.out.push_str(method);
                self.args(args);
            }
            // Binary and unary expressions already print their parentheses.
            ExprKind::Paren(inner)
                if matches!(inner.kind, ExprKind::Binary { .. } | ExprKind::Unary { .. }) =>
            {
                self.expr(inner)
            }
            ExprKind::Paren(inner) => {
                self.out.push('(');
                self.expr(inner);
                self.out.push(')');
            }
        }
    }

    /// A prefix expression (before `.`, `[`, `:` or arguments): anything but
    /// a name, index, call or parenthesised expression needs parentheses.
    fn prefix(&mut self, e: &Expr<'_>) {
        match e.kind {
            ExprKind::Name(_)
            | ExprKind::Index { .. }
            | ExprKind::Call { .. }
            | ExprKind::MethodCall { .. }
            | ExprKind::Paren(_) => self.expr(e),
            _ => {
                self.out.push('(');
                self.expr(e);
                self.out.push(')');
            }
        }
    }
}

/// A statement that starts with `(` would continue the previous line as a
/// call (`a = b` then `(f)()` reads as `a = b(f)()`): a `;` keeps it apart.
fn guard(line: String) -> String {
    if line.starts_with('(') {
        format!(";{line}")
    } else {
        line
    }
}

fn is_name(s: &[u8]) -> bool {
    const KEYWORDS: [&[u8]; 22] = [
        b"and",
        b"break",
        b"do",
        b"else",
        b"elseif",
        b"end",
        b"false",
        b"for",
        b"function",
        b"goto",
        b"if",
        b"in",
        b"local",
        b"nil",
        b"not",
        b"or",
        b"repeat",
        b"return",
        b"then",
        b"true",
        b"until",
        b"while",
    ];
    !s.is_empty()
        && (s[0].is_ascii_alphabetic() || s[0] == b'_')
        && s.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_')
        && !KEYWORDS.contains(&s)
}
