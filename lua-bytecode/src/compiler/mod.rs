//! The compiler: AST → structured [`Proto`]s.
//!
//! # How it works
//!
//! This is lparser.c/lcode.c's single pass, reshaped for structured output.
//! Expressions are described by an [`Exp`] (PUC's `expdesc`) that is
//! *discharged* into a register only when needed, so `local x = a + b`
//! writes the sum straight into `x`'s register (the "relocatable" result
//! whose destination is patched), constants become `K`/immediate operands,
//! and temporaries are freed in stack order exactly as PUC-Rio frees them.
//!
//! Instead of a flat instruction list with jump lists to patch, the function
//! state keeps a stack of open structured blocks; control constructs push a
//! block, compile into it and pop it into their node. Conditions compile to a
//! [`Cond`] tree whose leaves hold the code computing their operands.
//!
//! While emitting, the compiler also numbers every instruction with the pc it
//! will have in the flat form (the layout in [`crate::flatten()`] is fixed and
//! each construct's size is known when it is emitted), so line numbers,
//! local-variable ranges and operand names are recorded directly by pc.
//!
//! `goto` needs no special machinery: a label is a position in the structured
//! block that holds it (do-blocks are inlined, so that is always a real
//! block), and a `goto` becomes a [`Node::Goto`] naming how many blocks to
//! leave and the label's node index — forward, backward or continue-style,
//! even when the resulting control flow is irreducible. Targets are filled in
//! when the function is finished.

mod expr;
mod fold;
mod near;
mod stat;

use indexmap::IndexMap;
use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};
use std::fmt;
use std::rc::Rc;

use lua_syntax::ast;

use crate::opcode::{Op, Reg};
use crate::proto::{
    Block, Constant, DebugInfo, LocalVar, NameKind, Node, OperandName, Proto, UpvalDesc,
};

/// PUC-Rio's limits (luaconf.h / lparser.c).
pub(crate) const MAX_VARS: usize = 200;
pub(crate) const MAX_UPVALUES: usize = 255;
pub(crate) const MAX_REGS: u32 = 255;
/// Items per `SetList` (LFIELDS_PER_FLUSH).
pub(crate) const FIELDS_PER_FLUSH: u32 = 50;

/// A compile error, worded as lua5.4 words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// The full message, `chunk:line: text` (as `luac5.4` prints it after
    /// its own `luac5.4: ` prefix).
    pub message: String,
    /// The line the error is reported at.
    pub line: u32,
    /// For errors PUC-Rio words with a "near" token: the bare text and
    /// where the token is (source position, tokens to skip), so that
    /// [`compile_source`] can complete the message.
    near: Option<(String, u32, u8)>,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CompileError {}

/// Errors are boxed inside the compiler so that results stay small.
pub(crate) type CResult<T> = Result<T, Box<CompileError>>;

/// Compile a parsed chunk into its main function.
pub fn compile<'a>(chunk: &'a ast::Chunk<'a>, chunkname: &str) -> Result<Rc<Proto>, CompileError> {
    let mut c = Compiler {
        source: Rc::from(chunkname),
        chunkid: lua_syntax::chunk_id(chunkname),
        funcs: Vec::new(),
        bytes: HashMap::default(),
        strs: HashMap::default(),
        pool: Vec::new(),
        near: (0, 0),
    };
    c.main(chunk).map_err(|e| *e)
}

/// Parse and compile `source` (a syntax error becomes a [`CompileError`]
/// with the same message and line). The chunk is parsed as
/// [`lua_syntax::parse`] does (a `@file` chunk may start with `#` or a BOM).
pub fn compile_source(source: &[u8], chunkname: &str) -> Result<Rc<Proto>, CompileError> {
    let arena = bumpalo::Bump::new();
    let chunk = lua_syntax::parse(&arena, source, chunkname).map_err(|e| CompileError {
        message: e.message,
        line: e.line,
        near: None,
    })?;
    compile_with_source(&chunk, source, chunkname)
}

/// [`compile`], for a chunk parsed from `source`: an error that lua5.4
/// words with a "near" token (`... needs too many registers near 'x'`) gets
/// it (and its line) from the source text. Use this when the caller parses
/// itself (e.g. `load`, with [`lua_syntax::parse_text`]).
pub fn compile_with_source<'a>(
    chunk: &'a ast::Chunk<'a>,
    source: &[u8],
    chunkname: &str,
) -> Result<Rc<Proto>, CompileError> {
    compile(chunk, chunkname).map_err(|mut e| {
        if let Some((text, pos, skip)) = e.near.take() {
            let (tok, line) = near::near_token(source, pos as usize, skip);
            e.message = format!(
                "{}:{}: {} near {}",
                lua_syntax::chunk_id(chunkname),
                line,
                text,
                tok
            );
            e.line = line;
        }
        e
    })
}

/// Where an emitted op lives before the block holding it is closed: its
/// index in `FuncState::nodes`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Loc {
    pub idx: u32,
}

/// A compile-time constant value (`<const>` locals, folding).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum KVal<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a [u8]),
}

/// A variable in scope.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Var<'a> {
    pub name: &'a str,
    pub kind: VarKind<'a>,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum VarKind<'a> {
    /// Lives in a register; `locvar` indexes `FuncState::locvars`.
    Reg { reg: Reg, locvar: u32 },
    /// A `<const>` folded away.
    Const(KVal<'a>),
}

/// A lexical scope (an AST block).
pub(crate) struct Scope<'a> {
    /// Number of active variables when the scope was entered.
    pub nactvar: usize,
    /// Register level when entered.
    pub reglevel: u32,
    /// Depth of the structured block this scope's statements go into.
    pub depth: u32,
    /// A loop body: `break` leaves it, closing down to `break_close`.
    pub is_loop: bool,
    pub break_close: u32,
    /// Some variable of this scope is captured by a closure, or is
    /// to-be-closed: leaving it needs a `Close`.
    pub upval: bool,
    pub insidetbc: bool,
    /// A generic `for` body: the loop's exit closes its state, so a
    /// `break` needs no `Close` of its own.
    pub close_after: bool,
    /// Labels declared directly in this scope: (name, label id).
    pub labels: Vec<(&'a str, u32)>,
}

pub(crate) struct Label {
    pub depth: u32,
    pub node_index: u32,
    /// Register level where the label stands (valid once placed).
    pub reglevel: u32,
    pub placed: bool,
}

/// Per-function compile state (PUC's `FuncState`).
pub(crate) struct FuncState<'a> {
    pub line_defined: u32,
    pub last_line_defined: u32,
    pub num_params: u8,
    pub is_vararg: bool,
    /// The constant table: a constant's index is its insertion order, and
    /// the key finds an existing entry so each value is stored once.
    pub constants: IndexMap<KKey<'a>, Constant, FxBuildHasher>,
    pub protos: Vec<Rc<Proto>>,
    pub upvals: Vec<UpvalDesc>,
    pub actvars: Vec<Var<'a>>,
    pub scopes: Vec<Scope<'a>>,
    /// Registers used by active local variables.
    pub nregvars: u32,
    pub freereg: u32,
    pub maxreg: u32,
    pub pc: u32,
    pub lines: Vec<u32>,
    pub locvars: Vec<LocalVar>,
    pub names: Vec<OperandName>,
    /// The nodes of all open structured blocks, innermost last; block `i`
    /// starts at `starts[i]` (one scratch vector instead of one growing
    /// vector per block).
    pub nodes: Vec<Node>,
    pub starts: Vec<u32>,
    pub labels: Vec<Label>,
    pub has_goto: bool,
    pub needs_close: bool,
    /// The upvalue `_ENV` resolves to, once known (see `single_var`).
    pub env_upval: Option<u8>,
    /// (depth, node index) of the last label placed: instructions before
    /// and after it must not be merged.
    pub label_at: Option<(u32, u32)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KKey<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(&'a [u8]),
}

pub(crate) struct Compiler<'a> {
    pub source: Rc<str>,
    pub chunkid: String,
    pub funcs: Vec<FuncState<'a>>,
    /// Byte strings (constants, operand names) shared by all functions of
    /// the chunk: one allocation per distinct string.
    pub bytes: HashMap<&'a [u8], Rc<[u8]>>,
    /// Variable names (locals, upvalues), likewise.
    pub strs: HashMap<&'a str, Rc<str>>,
    /// Finished function states whose scratch collections are reused.
    pub pool: Vec<FuncState<'a>>,
    /// Where the "near" token of a register overflow would be.
    pub near: (u32, u8),
}

impl<'a> FuncState<'a> {
    fn new(line_defined: u32, last_line_defined: u32) -> FuncState<'a> {
        FuncState {
            line_defined,
            last_line_defined,
            num_params: 0,
            is_vararg: false,
            constants: IndexMap::default(),
            protos: Vec::new(),
            upvals: Vec::new(),
            actvars: Vec::new(),
            scopes: Vec::new(),
            nregvars: 0,
            freereg: 0,
            maxreg: 0,
            pc: 0,
            lines: Vec::new(),
            locvars: Vec::new(),
            names: Vec::new(),
            nodes: Vec::new(),
            starts: vec![0],
            labels: Vec::new(),
            has_goto: false,
            needs_close: false,
            env_upval: None,
            label_at: None,
        }
    }
}

impl<'a> Compiler<'a> {
    pub(crate) fn fs(&mut self) -> &mut FuncState<'a> {
        // `funcs` is never empty while compiling.
        let n = self.funcs.len() - 1;
        &mut self.funcs[n]
    }

    pub(crate) fn fsr(&self) -> &FuncState<'a> {
        &self.funcs[self.funcs.len() - 1]
    }

    // ---- errors -------------------------------------------------------

    pub(crate) fn error(&self, line: u32, msg: &str) -> Box<CompileError> {
        Box::new(CompileError {
            message: format!("{}:{}: {}", self.chunkid, line, msg),
            line,
            near: None,
        })
    }

    /// "function or expression needs too many registers", with the "near"
    /// token recorded in `self.near`.
    pub(crate) fn error_regs(&self, line: u32) -> Box<CompileError> {
        const MSG: &str = "function or expression needs too many registers";
        let mut e = self.error(line, MSG);
        e.near = Some((MSG.to_string(), self.near.0, self.near.1));
        e
    }

    /// Where the "near" token of a register overflow is: `skip` tokens
    /// after byte `pos`.
    pub(crate) fn set_near(&mut self, pos: u32, skip: u8) {
        self.near = (pos, skip);
    }

    pub(crate) fn error_limit(&self, line: u32, limit: usize, what: &str) -> Box<CompileError> {
        let fs = self.fsr();
        let wher = if fs.line_defined == 0 {
            "main function".to_string()
        } else {
            format!("function at line {}", fs.line_defined)
        };
        self.error(
            line,
            &format!("too many {what} (limit is {limit}) in {wher}"),
        )
    }

    // ---- emission -----------------------------------------------------

    /// Append an ordinary op to the innermost open block.
    pub(crate) fn emit(&mut self, op: Op, line: u32) -> Loc {
        let fs = self.fs();
        let pc = fs.pc;
        fs.pc += 1;
        fs.lines.push(line);
        fs.nodes.push(Node::Op { op, pc });
        Loc {
            idx: (fs.nodes.len() - 1) as u32,
        }
    }

    /// Count a flat-only instruction (a jump) at the current position.
    pub(crate) fn count_jump(&mut self, line: u32) -> u32 {
        let fs = self.fs();
        let pc = fs.pc;
        fs.pc += 1;
        fs.lines.push(line);
        pc
    }

    /// Take back the last counted jump (a construct turned out not to need
    /// it).
    pub(crate) fn uncount_jump(&mut self) {
        let fs = self.fs();
        fs.pc -= 1;
        fs.lines.pop();
    }

    pub(crate) fn push_node(&mut self, node: Node) {
        self.fs().nodes.push(node);
    }

    pub(crate) fn open_block(&mut self) {
        let fs = self.fs();
        let start = fs.nodes.len() as u32;
        fs.starts.push(start);
    }

    pub(crate) fn close_block(&mut self) -> Block {
        let fs = self.fs();
        let start = fs.starts.pop().unwrap_or(0) as usize;
        let start = start.min(fs.nodes.len());
        Block {
            nodes: fs.nodes.drain(start..).collect(),
        }
    }

    pub(crate) fn depth(&self) -> u32 {
        (self.fsr().starts.len() - 1) as u32
    }

    /// Number of nodes in the innermost open block.
    pub(crate) fn block_len(&self) -> u32 {
        let fs = self.fsr();
        fs.nodes.len() as u32 - fs.starts.last().copied().unwrap_or(0)
    }

    pub(crate) fn op_at(&mut self, loc: Loc) -> Option<&mut Op> {
        match self.fs().nodes.get_mut(loc.idx as usize) {
            Some(Node::Op { op, .. }) => Some(op),
            _ => None,
        }
    }

    pub(crate) fn pc_at(&mut self, loc: Loc) -> u32 {
        match self.fs().nodes.get(loc.idx as usize) {
            Some(Node::Op { pc, .. }) => *pc,
            _ => 0,
        }
    }

    /// The last node of the innermost open block, if it is an op.
    pub(crate) fn last_op(&mut self) -> Option<(Loc, Op)> {
        if self.block_len() == 0 {
            return None;
        }
        let fs = self.fs();
        match fs.nodes.last() {
            Some(Node::Op { op, .. }) => Some((
                Loc {
                    idx: (fs.nodes.len() - 1) as u32,
                },
                *op,
            )),
            _ => None,
        }
    }

    // ---- registers ----------------------------------------------------

    /// Reserve the next free register and return it.
    pub(crate) fn reserve_reg(&mut self, line: u32) -> CResult<Reg> {
        let r = self.fsr().freereg as Reg;
        self.reserve(1, line)?;
        Ok(r)
    }

    pub(crate) fn reserve(&mut self, n: u32, line: u32) -> CResult<()> {
        let fs = self.fs();
        let newstack = fs.freereg + n;
        if newstack > fs.maxreg {
            if newstack >= MAX_REGS {
                return Err(self.error_regs(line));
            }
            self.fs().maxreg = newstack;
        }
        self.fs().freereg = newstack;
        Ok(())
    }

    /// Make sure `n` more registers above `freereg` fit in the frame
    /// without reserving them (luaK_checkstack).
    pub(crate) fn check_stack(&mut self, n: u32, line: u32) -> CResult<()> {
        let fs = self.fs();
        let newstack = fs.freereg + n;
        if newstack > fs.maxreg {
            if newstack >= MAX_REGS {
                return Err(self.error_regs(line));
            }
            self.fs().maxreg = newstack;
        }
        Ok(())
    }

    /// Free register `r` if it is a temporary (above the locals).
    pub(crate) fn free_reg(&mut self, r: Reg) {
        let fs = self.fs();
        if r as u32 >= fs.nregvars && fs.freereg > 0 && r as u32 == fs.freereg - 1 {
            fs.freereg -= 1;
        }
    }

    // ---- constants ----------------------------------------------------

    pub(crate) fn add_k(&mut self, v: KVal<'a>) -> u32 {
        let key = match v {
            KVal::Nil => KKey::Nil,
            KVal::Bool(b) => KKey::Bool(b),
            KVal::Int(i) => KKey::Int(i),
            KVal::Float(f) => KKey::Float(f.to_bits()),
            KVal::Str(s) => KKey::Str(s),
        };
        if let Some(k) = self.fsr().constants.get_index_of(&key) {
            return k as u32;
        }
        let c = match v {
            KVal::Nil => Constant::Nil,
            KVal::Bool(b) => Constant::Bool(b),
            KVal::Int(i) => Constant::Int(i),
            KVal::Float(f) => Constant::Float(f),
            KVal::Str(s) => Constant::Str(Self::intern_in(&mut self.bytes, s)),
        };
        self.fs().constants.insert_full(key, c).0 as u32
    }

    pub(crate) fn str_k(&mut self, s: &'a [u8]) -> u32 {
        self.add_k(KVal::Str(s))
    }

    // ---- names --------------------------------------------------------

    fn intern_in(map: &mut HashMap<&'a [u8], Rc<[u8]>>, s: &'a [u8]) -> Rc<[u8]> {
        if let Some(r) = map.get(s) {
            return r.clone();
        }
        let r: Rc<[u8]> = Rc::from(s);
        map.insert(s, r.clone());
        r
    }

    pub(crate) fn intern_name(&mut self, s: &'a [u8]) -> Rc<[u8]> {
        Self::intern_in(&mut self.bytes, s)
    }

    pub(crate) fn intern_str(&mut self, s: &'a str) -> Rc<str> {
        if let Some(r) = self.strs.get(s) {
            return r.clone();
        }
        let r: Rc<str> = Rc::from(s);
        self.strs.insert(s, r.clone());
        r
    }

    pub(crate) fn note_name(&mut self, pc: u32, reg: Reg, name: Option<(NameKind, NameSrc)>) {
        let Some((kind, src)) = name else { return };
        if kind == NameKind::Local && (reg as u32) < self.fsr().nregvars {
            // The operand is the local's own register: it is found through
            // `DebugInfo::local_name`, as PUC's `getobjname` finds it
            // first. (A copy in a temporary is recorded.)
            return;
        }
        let name = match src {
            NameSrc::Local(v) => match self.fsr().actvars.get(v as usize) {
                Some(var) => self.intern_name(var.name.as_bytes()),
                None => return,
            },
            NameSrc::K(k) => match self.fsr().constants.get_index(k as usize) {
                Some((_, Constant::Str(s))) => s.clone(),
                _ => return,
            },
            NameSrc::Up(u) => match self.fsr().upvals.get(u as usize) {
                Some(d) => Rc::<[u8]>::from(d.name.clone()),
                None => return,
            },
            NameSrc::Env => self.intern_name(b"_ENV"),
            NameSrc::IntIndex => self.intern_name(b"integer index"),
            NameSrc::Unknown => self.intern_name(b"?"),
        };
        self.fs().names.push(OperandName {
            pc,
            reg,
            kind,
            name,
        });
    }

    // ---- variables and scopes -------------------------------------------

    /// Declare and activate a register variable in register `reg`
    /// (which the caller has reserved), live from the current pc.
    pub(crate) fn activate_local(&mut self, name: &'a str, reg: Reg, line: u32) -> CResult<()> {
        self.check_var_limit(line)?;
        if name == "_ENV" {
            self.fs().env_upval = None;
        }
        let name_rc = self.intern_str(name);
        let fs = self.fs();
        let locvar = fs.locvars.len() as u32;
        fs.locvars.push(LocalVar {
            name: name_rc,
            reg,
            start_pc: fs.pc,
            end_pc: fs.pc,
        });
        fs.actvars.push(Var {
            name,
            kind: VarKind::Reg { reg, locvar },
        });
        fs.nregvars = reg as u32 + 1;
        Ok(())
    }

    pub(crate) fn check_var_limit(&self, line: u32) -> CResult<()> {
        if self.fsr().actvars.len() + 1 > MAX_VARS {
            return Err(self.error_limit(line, MAX_VARS, "local variables"));
        }
        Ok(())
    }

    pub(crate) fn activate_const(&mut self, name: &'a str, v: KVal<'a>, line: u32) -> CResult<()> {
        self.check_var_limit(line)?;
        if name == "_ENV" {
            self.fs().env_upval = None;
        }
        self.fs().actvars.push(Var {
            name,
            kind: VarKind::Const(v),
        });
        Ok(())
    }

    /// Remove variables down to `n` active ones, ending their live ranges.
    pub(crate) fn remove_vars(&mut self, n: usize) {
        let fs = self.fs();
        while fs.actvars.len() > n {
            if let Some(Var {
                kind: VarKind::Reg { locvar, .. },
                ..
            }) = fs.actvars.pop()
            {
                fs.locvars[locvar as usize].end_pc = fs.pc;
            }
        }
        fs.nregvars = fs
            .actvars
            .iter()
            .rev()
            .find_map(|v| match v.kind {
                VarKind::Reg { reg, .. } => Some(reg as u32 + 1),
                VarKind::Const(_) => None,
            })
            .unwrap_or(0);
    }

    pub(crate) fn enter_scope(&mut self, is_loop: bool, break_close: u32) {
        let depth = self.depth();
        let fs = self.fs();
        let scope = Scope {
            nactvar: fs.actvars.len(),
            reglevel: fs.nregvars,
            depth,
            is_loop,
            break_close,
            upval: false,
            close_after: false,
            insidetbc: fs.scopes.last().is_some_and(|s| s.insidetbc),
            labels: Vec::new(),
        };
        fs.scopes.push(scope);
    }

    /// Leave the innermost scope; emit a `Close` when it needs one and
    /// `emit_close` allows it.
    pub(crate) fn leave_scope(&mut self, emit_close: bool, line: u32) {
        let Some(scope) = self.fs().scopes.pop() else {
            return;
        };
        let is_outermost = self.fsr().scopes.is_empty();
        if emit_close && scope.upval && !is_outermost {
            self.emit(
                Op::Close {
                    from: scope.reglevel as Reg,
                },
                line,
            );
        }
        self.remove_vars(scope.nactvar);
        let fs = self.fs();
        fs.freereg = fs.nregvars;
    }

    /// Mark the scope declaring variable `vidx` as having a captured
    /// variable (PUC's `markupval`).
    pub(crate) fn mark_upval(fs: &mut FuncState<'a>, vidx: usize) {
        if let Some(s) = fs.scopes.iter_mut().rev().find(|s| s.nactvar <= vidx) {
            s.upval = true;
        }
        fs.needs_close = true;
    }

    // ---- functions ----------------------------------------------------

    fn main(&mut self, chunk: &'a ast::Chunk<'a>) -> CResult<Rc<Proto>> {
        let mut fs = self.new_fs(0, 0);
        fs.is_vararg = true;
        fs.upvals.push(UpvalDesc {
            name: Rc::from("_ENV"),
            in_stack: true,
            index: 0,
        });
        self.funcs.push(fs);
        self.enter_scope(false, 0);
        self.block_body(&chunk.block)?;
        self.finish_body(&chunk.block, chunk.return_line)?;
        Ok(self.close_func())
    }

    /// Compile a nested function and return its index in the parent's
    /// `protos`.
    pub(crate) fn function(&mut self, body: &'a ast::FuncBody<'a>) -> CResult<u32> {
        let mut fs = self.new_fs(body.line, body.end_line);
        fs.is_vararg = body.is_vararg;
        self.funcs.push(fs);
        self.enter_scope(false, 0);
        if body.params.len() > MAX_VARS {
            return Err(self.error_limit(body.line, MAX_VARS, "local variables"));
        }
        for (i, p) in body.params.iter().enumerate() {
            self.reserve(1, body.line)?;
            self.activate_local(p, i as Reg, body.line)?;
        }
        self.fs().num_params = body.params.len() as u8;
        self.block_body(&body.body)?;
        self.finish_body(&body.body, body.body.end_line)?;
        let proto = self.close_func();
        let fs = self.fs();
        fs.protos.push(proto);
        Ok((fs.protos.len() - 1) as u32)
    }

    /// The final `return` of a function body (unless the body already ends
    /// with one), at `line`.
    fn finish_body(&mut self, block: &'a ast::Block<'a>, line: u32) -> CResult<()> {
        if block.ret.is_none() {
            self.emit(Op::Return0, line);
        }
        self.fs().scopes.pop();
        self.remove_vars(0);
        Ok(())
    }

    fn close_func(&mut self) -> Rc<Proto> {
        let Some(mut fs) = self.funcs.pop() else {
            // Unreachable by construction; an empty proto keeps us panic-free.
            return Rc::new(empty_proto());
        };
        let mut nodes = take_exact(&mut fs.nodes);
        if fs.has_goto {
            resolve_gotos(&mut nodes, &fs.labels);
        }
        fs.names.sort_by_key(|n| (n.pc, n.reg));

        let proto = Rc::new(Proto {
            source: self.source.clone(),
            line_defined: fs.line_defined,
            last_line_defined: fs.last_line_defined,
            num_params: fs.num_params,
            is_vararg: fs.is_vararg,
            max_registers: fs.maxreg.min(255) as u8,
            needs_close: fs.needs_close,
            code: Block { nodes },
            // `Proto` keeps a plain vector (executors index it); draining
            // keeps the map's buffers for the next function.
            constants: fs.constants.drain(..).map(|(_, c)| c).collect(),
            protos: take_exact(&mut fs.protos),
            upvalues: take_exact(&mut fs.upvals),
            debug: DebugInfo {
                lines: take_exact(&mut fs.lines),
                locals: take_exact(&mut fs.locvars),
                names: take_exact(&mut fs.names),
            },
            code_len: fs.pc,
            flat: Default::default(),
        });
        // Keep the collections (and their capacity) for the next function:
        // most chunks are many small functions, and `take_exact` above
        // copied each output into one exactly sized allocation.
        fs.actvars.clear();
        fs.scopes.clear();
        fs.labels.clear();
        fs.starts.clear();
        self.pool.push(fs);
        proto
    }

    /// A fresh function state, recycled from the pool when possible.
    fn new_fs(&mut self, line_defined: u32, last_line_defined: u32) -> FuncState<'a> {
        match self.pool.pop() {
            Some(mut fs) => {
                fs.line_defined = line_defined;
                fs.last_line_defined = last_line_defined;
                fs.num_params = 0;
                fs.is_vararg = false;
                fs.nregvars = 0;
                fs.freereg = 0;
                fs.maxreg = 0;
                fs.pc = 0;
                fs.starts.push(0);
                fs.has_goto = false;
                fs.needs_close = false;
                fs.env_upval = None;
                fs.label_at = None;
                fs
            }
            None => FuncState::new(line_defined, last_line_defined),
        }
    }
}

/// Where an operand's name comes from (small and `Copy`: expression
/// descriptors carry two of these).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum NameSrc {
    /// Active variable `v` of the function (a local).
    Local(u16),
    /// A string constant of the function.
    K(u32),
    /// The name of upvalue `u` of the function.
    Up(u8),
    /// A variable called `_ENV` (its fields are globals).
    Env,
    /// `integer index` (lua5.4.4's name for `t[1]`).
    IntIndex,
    /// `?`
    Unknown,
}

impl NameSrc {
    /// `_ENV` for a variable of that name, else `other`.
    pub(crate) fn of_var(name: &str, other: NameSrc) -> NameSrc {
        if name == "_ENV" { NameSrc::Env } else { other }
    }
}

fn empty_proto() -> Proto {
    Proto {
        source: Rc::from(""),
        line_defined: 0,
        last_line_defined: 0,
        num_params: 0,
        is_vararg: false,
        max_registers: 0,
        needs_close: false,
        code: Block::default(),
        constants: Vec::new(),
        protos: Vec::new(),
        upvalues: Vec::new(),
        debug: DebugInfo::default(),
        code_len: 0,
        flat: Default::default(),
    }
}

/// The contents of `v` in a new, exactly sized vector; `v` keeps its
/// buffer for reuse (which `mem::take` would not).
#[allow(clippy::drain_collect)]
fn take_exact<T>(v: &mut Vec<T>) -> Vec<T> {
    v.drain(..).collect()
}

/// Replace each `Goto`'s label id by the label's node index.
fn resolve_gotos(nodes: &mut [Node], labels: &[Label]) {
    for node in nodes {
        match node {
            Node::Goto { target, .. } => {
                if let Some(l) = labels.get(*target as usize) {
                    *target = l.node_index;
                }
            }
            Node::If(i) => {
                resolve_gotos(&mut i.then_.nodes, labels);
                resolve_gotos(&mut i.else_.nodes, labels);
            }
            Node::While(w) => resolve_gotos(&mut w.body.nodes, labels),
            Node::Repeat(r) => resolve_gotos(&mut r.body.nodes, labels),
            Node::Loop(l) => resolve_gotos(&mut l.body.nodes, labels),
            Node::NumericFor(f) => resolve_gotos(&mut f.body.nodes, labels),
            Node::GenericFor(f) => resolve_gotos(&mut f.body.nodes, labels),
            Node::Op { .. } | Node::Break { .. } => {}
        }
    }
}
