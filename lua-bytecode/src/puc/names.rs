//! Debug information of a translated function: the live ranges and
//! registers of its local variables, and the operand names that lua5.4's
//! `getobjname` (ldebug.c) would find, computed once for every operand
//! an instruction may name in an error message.
//!
//! `getobjname(p, lastpc, reg)` looks for a local variable first, then
//! for the last instruction before `lastpc` that set `reg`
//! (`findsetreg`), unless a jump before that instruction lands after it
//! and at or before `lastpc` (the setting is conditional), and names the
//! register after that instruction (a global or field read, an upvalue,
//! a string constant, a method, or recursively the source of a `MOVE`).
//! Done per query, that would be quadratic in the function's length, so
//! this is one forward sweep over the code: at each pc it knows the last
//! setter of every register and what each instruction would name, and
//! answers the queries of that pc.

use std::rc::Rc;

use super::{OP_CALL, OP_GETFIELD, OP_GETI, OP_GETTABLE, OP_GETTABUP, OP_GETUPVAL, OP_JMP};
use super::{OP_LOADK, OP_LOADKX, OP_LOADNIL, OP_MOVE, OP_SELF, OP_TAILCALL, OP_TFORCALL};
use super::{arg_a, arg_ax, arg_b, arg_bx, arg_c, arg_k, arg_sj, opcode, sets_a};
use crate::proto::{Constant, NameKind};

use super::reader::PucProto;

/// A local variable of the translated function, in PUC pcs.
pub struct Local {
    pub name: Rc<str>,
    pub reg: u8,
    pub start: u32,
    pub end: u32,
}

/// An operand to name: the PUC pc of the instruction, the register, and
/// the pc of the luna instruction that reports it.
#[derive(Clone, Copy)]
pub struct Query {
    pub puc_pc: u32,
    pub reg: u8,
    pub pc: u32,
}

type Name = (NameKind, Rc<[u8]>);

/// The locals (with registers: the number of locals active when each one
/// starts, as `luaF_getlocalname` counts them) and the answers to
/// `queries` (sorted by `puc_pc`) that are not a local's own register:
/// `(pc, reg, name)`.
pub fn sweep(p: &PucProto, queries: &[Query]) -> (Vec<Local>, Vec<(u32, u8, Name)>) {
    let code = &p.code;
    let n = code.len();
    let min_dest = first_jump_over(code);
    let mut s = Sweep {
        p,
        locals: Vec::new(),
        active: Vec::new(),
        last: [u32::MAX; 256],
        setter: vec![None; n],
    };
    let mut next_local = 0;
    let mut min_end = u32::MAX;
    let mut out = Vec::new();
    let mut q = queries.iter().peekable();
    let env: Rc<[u8]> = Rc::from(&b"_ENV"[..]);
    for pc in 0..=n as u32 {
        // The locals active at `pc`, in declaration order.
        if min_end <= pc {
            let locals = &s.locals;
            s.active.retain(|&i| locals[i].end > pc);
            min_end = s
                .active
                .iter()
                .map(|&i| s.locals[i].end)
                .min()
                .unwrap_or(u32::MAX);
        }
        while let Some(v) = p.locvars.get(next_local)
            && v.start_pc <= pc as i32
        {
            next_local += 1;
            let end = (v.end_pc.max(0) as u32).min(n as u32);
            // A local whose range is over, or whose register would be
            // beyond the frame (a chunk made by hand), is none.
            let reg = s.active.len();
            if end <= pc || reg >= p.max_stack as usize {
                continue;
            }
            let name = match &v.name {
                Some(b) => Rc::from(String::from_utf8_lossy(b)),
                None => Rc::from("?"),
            };
            s.active.push(s.locals.len());
            s.locals.push(Local {
                name,
                reg: reg as u8,
                start: pc,
                end,
            });
            min_end = min_end.min(end);
        }
        let valid = |c: u32| c != u32::MAX && min_dest[c as usize] > pc;
        while let Some(query) = q.next_if(|q| q.puc_pc <= pc) {
            if s.local(query.reg).is_some() {
                continue;
            }
            if let Some(name) = s.name(query.reg, valid) {
                out.push((query.pc, query.reg, name));
            }
        }
        let Some(&i) = code.get(pc as usize) else {
            break;
        };
        // What naming a register after this instruction gives.
        let named = |s: &Sweep, r: u8| s.name(r, valid);
        let is_env = |x: Option<Name>| x.is_some_and(|(_, name)| name == env);
        let a = arg_a(i);
        s.setter[pc as usize] = match opcode(i) {
            OP_MOVE if arg_b(i) < a => named(&s, arg_b(i)),
            OP_GETTABUP => {
                let up = s.p.upvalues.get(arg_b(i) as usize);
                let env_up = up.and_then(|u| u.name.as_deref()) == Some(b"_ENV");
                Some((global_or_field(env_up), s.kname(arg_c(i) as usize)))
            }
            OP_GETTABLE => {
                let key = rname(named(&s, arg_c(i)));
                Some((global_or_field(is_env(named(&s, arg_b(i)))), key))
            }
            OP_GETI => Some((NameKind::Field, Rc::from(&b"integer index"[..]))),
            OP_GETFIELD => {
                let key = s.kname(arg_c(i) as usize);
                Some((global_or_field(is_env(named(&s, arg_b(i)))), key))
            }
            OP_GETUPVAL => Some((NameKind::Upvalue, s.upvalname(arg_b(i) as usize))),
            OP_LOADK | OP_LOADKX => {
                let k = if opcode(i) == OP_LOADK {
                    Some(arg_bx(i) as usize)
                } else {
                    code.get(pc as usize + 1).map(|&x| arg_ax(x) as usize)
                };
                match k.and_then(|k| s.p.constants.get(k)) {
                    Some(Constant::Str(name)) => Some((NameKind::Constant, name.clone())),
                    _ => None,
                }
            }
            OP_SELF => {
                let key = if arg_k(i) {
                    s.kname(arg_c(i) as usize)
                } else {
                    rname(named(&s, arg_c(i)))
                };
                Some((NameKind::Method, key))
            }
            _ => None,
        };
        // The registers this instruction sets (`findsetreg`'s cases).
        let (from, to) = match opcode(i) {
            OP_LOADNIL => (a as usize, a as usize + arg_b(i) as usize),
            OP_TFORCALL => (a as usize + 2, 255),
            OP_CALL | OP_TAILCALL => (a as usize, 255),
            op if sets_a(op) => (a as usize, a as usize),
            _ => (1, 0), // none
        };
        for r in from..=to.min(255) {
            s.last[r] = pc;
        }
    }
    (s.locals, out)
}

/// `rname`: a key register's name when it holds a string constant, else
/// `?`.
fn rname(name: Option<Name>) -> Rc<[u8]> {
    match name {
        Some((NameKind::Constant, name)) => name,
        _ => Rc::from(&b"?"[..]),
    }
}

fn global_or_field(env: bool) -> NameKind {
    if env {
        NameKind::Global
    } else {
        NameKind::Field
    }
}

/// For each pc `c`: the smallest target above `c` of a jump placed before
/// `c` (`u32::MAX` if none). The setting at `c` is conditional, for
/// `getobjname` at `lastpc`, when that target is at or before `lastpc`.
fn first_jump_over(code: &[u32]) -> Vec<u32> {
    let mut dests = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(code.len());
    for (pc, &i) in code.iter().enumerate() {
        let above = dests.range(pc as i64 + 1..).next().copied();
        out.push(above.map_or(u32::MAX, |d: i64| d.min(u32::MAX as i64) as u32));
        if opcode(i) == OP_JMP {
            dests.insert(pc as i64 + 1 + arg_sj(i) as i64);
        }
    }
    out
}

struct Sweep<'p> {
    p: &'p PucProto,
    locals: Vec<Local>,
    /// Indices into `locals` of the ones active at the sweep's pc.
    active: Vec<usize>,
    /// The last instruction before the sweep's pc that set each register.
    last: [u32; 256],
    /// What `getobjname` names a register set by the instruction at each
    /// pc (computed when the sweep passes it).
    setter: Vec<Option<Name>>,
}

impl Sweep<'_> {
    /// The name of the local variable in register `r` at the sweep's pc:
    /// the first active one in that register, as luna's
    /// `DebugInfo::local_name` finds it.
    fn local(&self, r: u8) -> Option<&Rc<str>> {
        self.active
            .iter()
            .map(|&i| &self.locals[i])
            .find(|l| l.reg == r)
            .map(|l| &l.name)
    }

    /// `getobjname` for register `r` at the sweep's pc; `valid` tells
    /// whether the setting at a pc is unconditional.
    fn name(&self, r: u8, valid: impl Fn(u32) -> bool) -> Option<Name> {
        if let Some(l) = self.local(r) {
            return Some((NameKind::Local, Rc::from(l.as_bytes())));
        }
        let c = self.last[r as usize];
        if !valid(c) {
            return None;
        }
        self.setter[c as usize].clone()
    }

    /// `kname`: a string constant's text, else `?`.
    fn kname(&self, k: usize) -> Rc<[u8]> {
        match self.p.constants.get(k) {
            Some(Constant::Str(s)) => s.clone(),
            _ => Rc::from(&b"?"[..]),
        }
    }

    /// `upvalname`: an upvalue's name, `?` when it has none.
    fn upvalname(&self, u: usize) -> Rc<[u8]> {
        match self.p.upvalues.get(u).and_then(|u| u.name.clone()) {
            Some(n) => n,
            None => Rc::from(&b"?"[..]),
        }
    }
}
