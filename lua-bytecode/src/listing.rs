//! Human-readable listings of compiled code, in the spirit of `luac -l -l`.
//!
//! [`list`] prints, for the main function and then every nested function
//! (depth first, as luac does), a header (source and line range, parameters,
//! vararg, registers, upvalues, constants, locals) and the instructions, each
//! with its pc and line. Constants are shown by value and jump targets by pc.
//! In the tree form, nested blocks are indented under their control node; in
//! the flat form, the array is listed as the flat executor runs it.

use std::fmt::Write;

use crate::opcode::{MULTRET, Op, RK, Test};
use crate::proto::{Block, Cond, Constant, Node, Proto};

/// Which code form to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The structured code the compiler emits.
    Tree,
    /// The flat array of [`crate::flatten()`].
    Flat,
}

/// The listing of `proto` and all its nested functions.
pub fn list(proto: &Proto, form: Form) -> String {
    let mut out = String::new();
    list_into(&mut out, proto, form, true);
    out
}

fn list_into(out: &mut String, p: &Proto, form: Form, main: bool) {
    header(out, p, main);
    match form {
        Form::Tree => {
            let mut t = TreeLister { out, p };
            t.block(&p.code, 1);
        }
        Form::Flat => {
            for (pc, op) in p.flat().code.iter().enumerate() {
                let (name, args, comment) = describe(op, p);
                let _ = write!(
                    out,
                    "{:>5} [{}]\t{:<10} {}",
                    pc,
                    p.debug.line(pc as u32),
                    name,
                    args
                );
                if !comment.is_empty() {
                    let _ = write!(out, "\t; {comment}");
                }
                out.push('\n');
            }
        }
    }
    out.push('\n');
    for child in &p.protos {
        list_into(out, child, form, false);
    }
}

fn header(out: &mut String, p: &Proto, main: bool) {
    let kind = if main { "main" } else { "function" };
    let src = lua_syntax::chunk_id(&p.source);
    let _ = writeln!(
        out,
        "{kind} <{src}:{},{}> ({} instructions)",
        p.line_defined, p.last_line_defined, p.code_len
    );
    let _ = writeln!(
        out,
        "{}{} params, {} registers, {} upvalues, {} locals, {} constants, {} functions{}",
        p.num_params,
        if p.is_vararg { "+" } else { "" },
        p.max_registers,
        p.upvalues.len(),
        p.debug.locals.len(),
        p.constants.len(),
        p.protos.len(),
        if p.needs_close {
            ", closes on return"
        } else {
            ""
        },
    );
    let _ = writeln!(out, "constants ({}):", p.constants.len());
    for (i, k) in p.constants.iter().enumerate() {
        let _ = writeln!(out, "\t{i}\t{}", constant(k));
    }
    let _ = writeln!(out, "locals ({}):", p.debug.locals.len());
    for (i, l) in p.debug.locals.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{i}\t{}\tR{}\t{}..{}",
            l.name, l.reg, l.start_pc, l.end_pc
        );
    }
    let _ = writeln!(out, "upvalues ({}):", p.upvalues.len());
    for (i, u) in p.upvalues.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{i}\t{}\t{}\t{}",
            u.name,
            if u.in_stack { "instack" } else { "upval" },
            u.index
        );
    }
    let _ = writeln!(out, "code:");
}

struct TreeLister<'o, 'p> {
    out: &'o mut String,
    p: &'p Proto,
}

impl TreeLister<'_, '_> {
    fn line(&mut self, depth: usize, text: &str) {
        let _ = writeln!(self.out, "\t\t{}{}", "  ".repeat(depth), text);
    }

    fn block(&mut self, b: &Block, depth: usize) {
        for (i, node) in b.nodes.iter().enumerate() {
            self.node(node, i, depth);
        }
    }

    fn node(&mut self, node: &Node, index: usize, depth: usize) {
        let indent = "  ".repeat(depth);
        match node {
            Node::Op { op, pc } => {
                let (name, args, comment) = describe(op, self.p);
                let _ = write!(
                    self.out,
                    "{:>5} [{}]\t{indent}{:<10} {}",
                    pc,
                    self.p.debug.line(*pc),
                    name,
                    args
                );
                if !comment.is_empty() {
                    let _ = write!(self.out, "\t; {comment}");
                }
                self.out.push('\n');
            }
            Node::Break { levels, .. } => {
                self.line(depth, &format!("#{index} BREAK levels {levels}"))
            }
            Node::Goto { levels, target, .. } => self.line(
                depth,
                &format!("#{index} GOTO levels {levels} to node {target}"),
            ),
            Node::If(i) => {
                self.line(depth, &format!("#{index} IF"));
                self.cond(&i.cond, depth + 1);
                self.line(depth, "THEN");
                self.block(&i.then_, depth + 1);
                if !i.else_.nodes.is_empty() {
                    self.line(depth, "ELSE");
                    self.block(&i.else_, depth + 1);
                }
                self.line(depth, "END");
            }
            Node::While(w) => {
                self.line(depth, &format!("#{index} WHILE"));
                self.cond(&w.cond, depth + 1);
                self.line(depth, "DO");
                self.block(&w.body, depth + 1);
                self.line(depth, "END");
            }
            Node::Repeat(r) => {
                self.line(depth, &format!("#{index} REPEAT"));
                self.block(&r.body, depth + 1);
                self.line(depth, "UNTIL");
                self.cond(&r.cond, depth + 1);
                self.line(depth, "END");
            }
            Node::Loop(l) => {
                self.line(depth, &format!("#{index} LOOP"));
                self.block(&l.body, depth + 1);
                self.line(depth, "END");
            }
            Node::NumericFor(f) => {
                self.line(
                    depth,
                    &format!(
                        "#{index} FORNUM R{} (prep pc {}, loop pc {})",
                        f.base, f.prep_pc, f.loop_pc
                    ),
                );
                self.block(&f.body, depth + 1);
                self.line(depth, "END");
            }
            Node::GenericFor(f) => {
                self.line(
                    depth,
                    &format!(
                        "#{index} FORIN R{} vars {} (prep pc {}, call pc {}, loop pc {})",
                        f.base, f.nvars, f.prep_pc, f.call_pc, f.loop_pc
                    ),
                );
                self.block(&f.body, depth + 1);
                self.line(depth, "END");
            }
        }
    }

    fn cond(&mut self, c: &Cond, depth: usize) {
        match c {
            Cond::Leaf {
                pre,
                test,
                negate,
                pc,
            } => {
                self.block(pre, depth);
                let indent = "  ".repeat(depth);
                let _ = writeln!(
                    self.out,
                    "{:>5} [{}]\t{indent}TEST{}      {}",
                    pc,
                    self.p.debug.line(*pc),
                    if *negate { " NOT" } else { "" },
                    test_str(test, self.p)
                );
            }
            Cond::And(a, b, _) => {
                self.line(depth, "AND");
                self.cond(a, depth + 1);
                self.cond(b, depth + 1);
            }
            Cond::Or(a, b, _) => {
                self.line(depth, "OR");
                self.cond(a, depth + 1);
                self.cond(b, depth + 1);
            }
        }
    }
}

/// A constant as luac shows it (strings quoted and escaped, floats with a
/// decimal point or exponent).
pub fn constant(k: &Constant) -> String {
    match k {
        Constant::Nil => "nil".into(),
        Constant::Bool(b) => b.to_string(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => fmt_float(*f),
        Constant::Str(s) => {
            let mut out = String::from("\"");
            for &c in s.iter() {
                match c {
                    b'"' => out.push_str("\\\""),
                    b'\\' => out.push_str("\\\\"),
                    b'\n' => out.push_str("\\n"),
                    b'\r' => out.push_str("\\r"),
                    b'\t' => out.push_str("\\t"),
                    0x07 => out.push_str("\\a"),
                    0x08 => out.push_str("\\b"),
                    0x0c => out.push_str("\\f"),
                    0x0b => out.push_str("\\v"),
                    c if (0x20..0x7f).contains(&c) => out.push(c as char),
                    c => {
                        let _ = write!(out, "\\{c:03}");
                    }
                }
            }
            out.push('"');
            out
        }
    }
}

/// `%.14g`, plus `.0` when the result looks like an integer (Lua's rule).
fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf" } else { "inf" }.into();
    }
    let sci = format!("{:.13e}", f);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let s = if !(-4..14).contains(&exp) {
        let m = trim_zeros(mant);
        format!("{}e{}{:02}", m, if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let prec = (13 - exp).max(0) as usize;
        trim_zeros(&format!("{:.*}", prec, f)).to_string()
    };
    if s.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
        format!("{s}.0")
    } else {
        s
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

fn k_str(p: &Proto, k: u32) -> String {
    p.constants
        .get(k as usize)
        .map_or_else(|| "?".into(), constant)
}

fn rk_str(p: &Proto, v: &RK) -> (String, String) {
    match v {
        RK::R(r) => (format!("R{r}"), String::new()),
        RK::K(k) => (format!("K{k}"), k_str(p, *k as u32)),
    }
}

fn count(n: u8) -> String {
    if n == MULTRET {
        "MULTRET".into()
    } else {
        n.to_string()
    }
}

fn test_str(t: &Test, p: &Proto) -> String {
    match *t {
        Test::Truthy(a) => format!("R{a}"),
        Test::Eq(a, b) => format!("R{a} == R{b}"),
        Test::Lt(a, b) => format!("R{a} < R{b}"),
        Test::Le(a, b) => format!("R{a} <= R{b}"),
        Test::EqK(a, k) => format!("R{a} == {}", k_str(p, k as u32)),
        Test::EqI(a, i) => format!("R{a} == {i}"),
        Test::LtI(a, i) => format!("R{a} < {i}"),
        Test::LeI(a, i) => format!("R{a} <= {i}"),
        Test::GtI(a, i) => format!("R{a} > {i}"),
        Test::GeI(a, i) => format!("R{a} >= {i}"),
    }
}

/// (name, operands, comment) of one instruction.
fn describe(op: &Op, p: &Proto) -> (&'static str, String, String) {
    use Op::*;
    if let Some((test, when, target)) = op.as_cond_jump() {
        return (
            if when { "JUMPIF" } else { "JUMPIFNOT" },
            format!("{} {target}", test_str(&test, p)),
            format!("to {target}"),
        );
    }
    let none = String::new;
    let k = |k: u32| k_str(p, k);
    let up = |u: u8| {
        p.upvalues
            .get(u as usize)
            .map_or_else(|| "?".to_string(), |u| u.name.to_string())
    };
    macro_rules! rrr {
        ($n:expr, $d:expr, $a:expr, $b:expr) => {
            ($n, format!("R{} R{} R{}", $d, $a, $b), none())
        };
    }
    macro_rules! rrk {
        ($n:expr, $d:expr, $a:expr, $k:expr) => {
            ($n, format!("R{} R{} K{}", $d, $a, $k), k($k as u32))
        };
    }
    macro_rules! rri {
        ($n:expr, $d:expr, $a:expr, $i:expr) => {
            ($n, format!("R{} R{} {}", $d, $a, $i), none())
        };
    }
    match *op {
        Move { dst, src } => ("MOVE", format!("R{dst} R{src}"), none()),
        LoadI { dst, value } => ("LOADI", format!("R{dst} {value}"), none()),
        LoadF { dst, value } => ("LOADF", format!("R{dst} {value}"), none()),
        LoadK { dst, k: kk } => ("LOADK", format!("R{dst} K{kk}"), k(kk)),
        LoadFalse { dst } => ("LOADFALSE", format!("R{dst}"), none()),
        LoadTrue { dst } => ("LOADTRUE", format!("R{dst}"), none()),
        LoadNil { dst, n } => ("LOADNIL", format!("R{dst} {n}"), none()),
        GetUpval { dst, up: u } => ("GETUPVAL", format!("R{dst} U{u}"), up(u)),
        SetUpval { up: u, src } => ("SETUPVAL", format!("U{u} R{src}"), up(u)),
        GetTabUp { dst, up: u, key } => (
            "GETTABUP",
            format!("R{dst} U{u} K{key}"),
            format!("{} {}", up(u), k(key as u32)),
        ),
        GetTable { dst, obj, key } => rrr!("GETTABLE", dst, obj, key),
        GetI { dst, obj, index } => rri!("GETI", dst, obj, index),
        GetField { dst, obj, key } => rrk!("GETFIELD", dst, obj, key),
        SetTabUp { up: u, key, val } => {
            let (v, c) = rk_str(p, &val);
            (
                "SETTABUP",
                format!("U{u} K{key} {v}"),
                format!("{} {} {c}", up(u), k(key as u32))
                    .trim_end()
                    .to_string(),
            )
        }
        SetTable { obj, key, val } => {
            let (v, c) = rk_str(p, &val);
            ("SETTABLE", format!("R{obj} R{key} {v}"), c)
        }
        SetI { obj, index, val } => {
            let (v, c) = rk_str(p, &val);
            ("SETI", format!("R{obj} {index} {v}"), c)
        }
        SetField { obj, key, val } => {
            let (v, c) = rk_str(p, &val);
            (
                "SETFIELD",
                format!("R{obj} K{key} {v}"),
                format!("{} {c}", k(key as u32)).trim_end().to_string(),
            )
        }
        NewTable { dst, array, hash } => ("NEWTABLE", format!("R{dst} {array} {hash}"), none()),
        Method { dst, obj, key } => rrk!("SELF", dst, obj, key),
        Add { dst, a, b } => rrr!("ADD", dst, a, b),
        Sub { dst, a, b } => rrr!("SUB", dst, a, b),
        Mul { dst, a, b } => rrr!("MUL", dst, a, b),
        Mod { dst, a, b } => rrr!("MOD", dst, a, b),
        Pow { dst, a, b } => rrr!("POW", dst, a, b),
        Div { dst, a, b } => rrr!("DIV", dst, a, b),
        IDiv { dst, a, b } => rrr!("IDIV", dst, a, b),
        BAnd { dst, a, b } => rrr!("BAND", dst, a, b),
        BOr { dst, a, b } => rrr!("BOR", dst, a, b),
        BXor { dst, a, b } => rrr!("BXOR", dst, a, b),
        Shl { dst, a, b } => rrr!("SHL", dst, a, b),
        Shr { dst, a, b } => rrr!("SHR", dst, a, b),
        AddK { dst, a, k: kk } => rrk!("ADDK", dst, a, kk),
        SubK { dst, a, k: kk } => rrk!("SUBK", dst, a, kk),
        MulK { dst, a, k: kk } => rrk!("MULK", dst, a, kk),
        ModK { dst, a, k: kk } => rrk!("MODK", dst, a, kk),
        PowK { dst, a, k: kk } => rrk!("POWK", dst, a, kk),
        DivK { dst, a, k: kk } => rrk!("DIVK", dst, a, kk),
        IDivK { dst, a, k: kk } => rrk!("IDIVK", dst, a, kk),
        BAndK { dst, a, k: kk } => rrk!("BANDK", dst, a, kk),
        BOrK { dst, a, k: kk } => rrk!("BORK", dst, a, kk),
        BXorK { dst, a, k: kk } => rrk!("BXORK", dst, a, kk),
        AddI { dst, a, imm } => rri!("ADDI", dst, a, imm),
        SubI { dst, a, imm } => rri!("SUBI", dst, a, imm),
        ShlI { dst, a, imm } => rri!("SHLI", dst, a, imm),
        ShrI { dst, a, imm } => rri!("SHRI", dst, a, imm),
        Unm { dst, src } => ("UNM", format!("R{dst} R{src}"), none()),
        BNot { dst, src } => ("BNOT", format!("R{dst} R{src}"), none()),
        Not { dst, src } => ("NOT", format!("R{dst} R{src}"), none()),
        Len { dst, src } => ("LEN", format!("R{dst} R{src}"), none()),
        Concat { first, n } => ("CONCAT", format!("R{first} {n}"), none()),
        Close { from } => ("CLOSE", format!("R{from}"), none()),
        Tbc { reg } => ("TBC", format!("R{reg}"), none()),
        Call {
            func,
            nargs,
            nresults,
        } => (
            "CALL",
            format!("R{func} {} {}", count(nargs), count(nresults)),
            format!("{} in {} out", count(nargs), count(nresults)),
        ),
        TailCall { func, nargs } => (
            "TAILCALL",
            format!("R{func} {}", count(nargs)),
            format!("{} in", count(nargs)),
        ),
        Return { first, n } => ("RETURN", format!("R{first} {}", count(n)), none()),
        Return0 => ("RETURN0", String::new(), none()),
        Return1 { src } => ("RETURN1", format!("R{src}"), none()),
        Vararg { dst, n } => ("VARARG", format!("R{dst} {}", count(n)), none()),
        Closure { dst, proto } => {
            let c = p.protos.get(proto as usize).map_or_else(String::new, |c| {
                format!("function at line {}", c.line_defined)
            });
            ("CLOSURE", format!("R{dst} F{proto}"), c)
        }
        SetList { table, n, offset } => {
            ("SETLIST", format!("R{table} {} {offset}", count(n)), none())
        }
        Jmp { target } => ("JMP", format!("{target}"), format!("to {target}")),
        // Described above, from `as_cond_jump`.
        crate::cond_jumps!() => ("", none(), none()),
        ForPrep { base, target } => (
            "FORPREP",
            format!("R{base} {target}"),
            format!("exit to {target}"),
        ),
        ForLoop { base, target } => (
            "FORLOOP",
            format!("R{base} {target}"),
            format!("to {target}"),
        ),
        TForPrep { base, target } => (
            "TFORPREP",
            format!("R{base} {target}"),
            format!("to {target}"),
        ),
        TForCall { base, nvars } => ("TFORCALL", format!("R{base} {nvars}"), none()),
        TForLoop { base, target } => (
            "TFORLOOP",
            format!("R{base} {target}"),
            format!("to {target}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_lua() {
        assert_eq!(fmt_float(1.5), "1.5");
        assert_eq!(fmt_float(4.0), "4.0");
        assert_eq!(fmt_float(1e100), "1e+100");
        assert_eq!(fmt_float(0.1), "0.1");
        assert_eq!(fmt_float(-2.5e-7), "-2.5e-07");
        assert_eq!(fmt_float(123456789012345.0), "1.2345678901234e+14");
        assert_eq!(fmt_float(f64::INFINITY), "inf");
    }
}
