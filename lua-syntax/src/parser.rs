//! The parser: tokens → AST, with every check lparser.c performs.
//!
//! This is a transcription of PUC-Rio's recursive-descent parser
//! (lparser.c, Lua 5.4.4), minus code generation. Keeping its shape is
//! what makes the errors match: the same function reports the same
//! message at the same token, the same recursion counts the same nesting
//! levels (`enterlevel` in `statement` and `subexpr`, plus one per extra
//! assignment target), and the same bookkeeping (active variables, pending
//! gotos, labels, blocks, upvalues) detects the same semantic errors:
//!
//! - `goto`/labels: a goto whose label is visible is resolved at once; a
//!   forward one stays pending in its block and moves outwards as blocks
//!   close (taking the block's variable count with it). A label resolves
//!   the pending gotos of its block; one whose variable count is lower
//!   than the label's would jump into a local's scope. A label that is the
//!   last statement of a block counts as outside the block's locals.
//!   `break` is a goto to an implicit label at the end of each loop.
//! - Name resolution: locals of the current function, then its upvalues,
//!   then the enclosing functions (creating upvalues on the way), else a
//!   global. This is needed for `<const>` checks across closures and for
//!   the upvalue limit; compile-time constants (`<const>` locals with a
//!   constant initialiser) are not upvalues, exactly as in PUC.
//!
//! The recursion is bounded by the level counter (200, `LUAI_MAXCCALLS`),
//! so deeply nested input gives PUC's error instead of a stack overflow.

use crate::ast::*;
use crate::fold::{self, Const};
use crate::lexer::{Lexer, Tk, Token, Val};
use crate::number::Number;
use crate::{Error, chunk_id};
use bumpalo::Bump;

/// `LUAI_MAXCCALLS`: the nesting limit of the C stack PUC's parser counts.
const MAX_CCALLS: u32 = 200;
/// `MAXVARS`: active local variables per function.
const MAX_VARS: usize = 200;
/// `MAXUPVAL`.
const MAX_UPVAL: usize = 255;
/// `SHRT_MAX`: the size limit of PUC's pending-goto and label lists (all
/// open blocks of all open functions together).
const MAX_LABELS: usize = 32767;
/// `MAXARG_Bx`: nested functions directly inside one function.
const MAX_PROTOS: u32 = (1 << 17) - 1;
/// Stack space that must remain before recursing further (debug builds use
/// several kilobytes per nesting level); below it the recursion continues
/// on a fresh heap-allocated segment of `STACK_SEGMENT` bytes. With the
/// level limit this keeps parsing safe on any thread, whatever its stack.
const RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 1024 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum VarKind {
    Reg,
    Const,
    Close,
    /// Compile-time constant: never a register nor an upvalue.
    Ctc,
}

struct VarDesc<'a> {
    name: &'a str,
    kind: VarKind,
    value: Option<Const<'a>>,
}

struct LabelDesc<'a> {
    name: &'a str,
    line: u32,
    nactvar: usize,
}

struct BlockCnt {
    firstlabel: usize,
    firstgoto: usize,
    nactvar: usize,
    isloop: bool,
}

struct FuncState<'a> {
    firstlocal: usize,
    firstlabel: usize,
    nactvar: usize,
    is_vararg: bool,
    linedefined: u32,
    /// Functions defined directly inside this one.
    nprotos: u32,
    upvals: Vec<(&'a str, VarKind)>,
    /// Blocks of this function, innermost last.
    blocks: Vec<BlockCnt>,
}

/// What a name refers to (PUC's `expdesc` kinds for variables).
#[derive(Clone, Copy)]
enum VarRef {
    Local(VarKind),
    Upval(VarKind),
    Const,
    Global,
}

pub(crate) struct Parser<'a, 's> {
    arena: &'a Bump,
    lx: Lexer<'a, 's>,
    t: Token<'a>,
    ahead: Option<Token<'a>>,
    level: u32,
    fs: Vec<FuncState<'a>>,
    actvar: Vec<VarDesc<'a>>,
    labels: Vec<LabelDesc<'a>>,
    /// Indices into `labels` by name (the interned name's address), each
    /// list increasing: `findlabel` without a linear search.
    label_index: rustc_hash::FxHashMap<usize, Vec<usize>>,
    gotos: Vec<LabelDesc<'a>>,
    /// End offset of the last consumed token (for spans).
    prev_end: u32,
    /// PUC's `lastline`: the lexer's line when the last token was consumed.
    prev_line: u32,
    /// Interned names the parser itself introduces.
    n_env: &'a str,
    n_break: &'a str,
    n_self: &'a str,
    n_forstate: &'a str,
}

/// Name equality: every name is interned by the lexer, so equal names are
/// the same string in the arena.
#[inline]
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len()
}

type R<T> = Result<T, Error>;

fn block_follow(t: Tk, withuntil: bool) -> bool {
    match t {
        Tk::Else | Tk::Elseif | Tk::End | Tk::Eos => true,
        Tk::Until => withuntil,
        _ => false,
    }
}

fn unop(t: Tk) -> Option<UnOp> {
    Some(match t {
        Tk::Not => UnOp::Not,
        Tk::Char(b'-') => UnOp::Neg,
        Tk::Char(b'~') => UnOp::BNot,
        Tk::Char(b'#') => UnOp::Len,
        _ => return None,
    })
}

fn binop(t: Tk) -> Option<BinOp> {
    Some(match t {
        Tk::Char(b'+') => BinOp::Add,
        Tk::Char(b'-') => BinOp::Sub,
        Tk::Char(b'*') => BinOp::Mul,
        Tk::Char(b'%') => BinOp::Mod,
        Tk::Char(b'^') => BinOp::Pow,
        Tk::Char(b'/') => BinOp::Div,
        Tk::IDiv => BinOp::IDiv,
        Tk::Char(b'&') => BinOp::BAnd,
        Tk::Char(b'|') => BinOp::BOr,
        Tk::Char(b'~') => BinOp::BXor,
        Tk::Shl => BinOp::Shl,
        Tk::Shr => BinOp::Shr,
        Tk::Concat => BinOp::Concat,
        Tk::Ne => BinOp::Ne,
        Tk::Eq => BinOp::Eq,
        Tk::Char(b'<') => BinOp::Lt,
        Tk::Le => BinOp::Le,
        Tk::Char(b'>') => BinOp::Gt,
        Tk::Ge => BinOp::Ge,
        Tk::And => BinOp::And,
        Tk::Or => BinOp::Or,
        _ => return None,
    })
}

impl<'a, 's> Parser<'a, 's> {
    pub(crate) fn new(
        arena: &'a Bump,
        src: &'s [u8],
        chunkname: &str,
        pos: usize,
        line: u32,
        c_calls: u32,
    ) -> Self {
        let mut lx = Lexer::new(arena, src, pos, line, chunk_id(chunkname));
        let n_env = lx.intern(b"_ENV");
        let n_break = lx.intern(b"break");
        let n_self = lx.intern(b"self");
        let n_forstate = lx.intern(b"(for state)");
        Parser {
            n_env,
            n_break,
            n_self,
            n_forstate,
            arena,
            lx,
            t: Token {
                kind: Tk::Eos,
                val: Val::None,
                line,
                start: 0,
                end: 0,
            },
            ahead: None,
            level: c_calls,
            fs: Vec::new(),
            actvar: Vec::new(),
            labels: Vec::new(),
            label_index: Default::default(),
            gotos: Vec::new(),
            prev_end: 0,
            prev_line: line,
        }
    }

    // ----- token handling -------------------------------------------------

    fn next(&mut self) -> R<()> {
        self.prev_end = self.t.end;
        self.prev_line = self.lx.line;
        self.t = match self.ahead.take() {
            Some(t) => t,
            None => self.lx.next_token()?,
        };
        Ok(())
    }

    fn lookahead(&mut self) -> R<Tk> {
        if self.ahead.is_none() {
            self.ahead = Some(self.lx.next_token()?);
        }
        Ok(self.ahead.map_or(Tk::Eos, |t| t.kind))
    }

    /// PUC's `ls->linenumber`: the lexer's line (past the lookahead if any).
    fn linenumber(&self) -> u32 {
        self.lx.line
    }

    /// `luaX_syntaxerror`: `msg` near the current token.
    fn syntax_error(&self, msg: &str) -> Error {
        // A NUL byte is token 0 in PUC, which `lexerror` takes for "no
        // token": the message then has no "near" part.
        if self.t.kind == Tk::Char(0) {
            return self.lx.error(msg, None);
        }
        self.lx.error(msg, Some(self.lx.token_text(&self.t)))
    }

    /// `luaK_semerror`: a message without "near".
    fn sem_error(&self, msg: &str) -> Error {
        self.lx.error(msg, None)
    }

    fn error_expected(&self, t: Tk) -> Error {
        self.syntax_error(&format!("{} expected", t.to_str()))
    }

    fn test_next(&mut self, t: Tk) -> R<bool> {
        if self.t.kind == t {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn check(&self, t: Tk) -> R<()> {
        if self.t.kind != t {
            Err(self.error_expected(t))
        } else {
            Ok(())
        }
    }

    fn check_next(&mut self, t: Tk) -> R<()> {
        self.check(t)?;
        self.next()
    }

    fn check_match(&mut self, what: Tk, who: Tk, where_: u32) -> R<()> {
        if !self.test_next(what)? {
            if where_ == self.linenumber() {
                return Err(self.error_expected(what));
            }
            return Err(self.syntax_error(&format!(
                "{} expected (to close {} at line {})",
                what.to_str(),
                who.to_str(),
                where_
            )));
        }
        Ok(())
    }

    fn str_checkname(&mut self) -> R<&'a str> {
        self.check(Tk::Name)?;
        let Val::Name(n) = self.t.val else {
            return Err(self.error_expected(Tk::Name));
        };
        self.next()?;
        Ok(n)
    }

    fn enter_level(&mut self) -> R<()> {
        self.level += 1;
        if self.level >= MAX_CCALLS {
            return Err(self.bare_error("C stack overflow".into()));
        }
        Ok(())
    }

    /// An error PUC raises with `luaG_runerror` while parsing (C stack,
    /// array growth limits): the running function is C, so the message
    /// carries no position.
    fn bare_error(&self, message: String) -> Error {
        Error {
            message,
            line: self.linenumber(),
        }
    }

    fn leave_level(&mut self) {
        self.level -= 1;
    }

    fn span_from(&self, start: u32) -> Span {
        // The end of the last consumed token is not tracked separately;
        // the start of the current one is a close upper bound.
        Span::new(start, self.prev_end.max(start))
    }

    // ----- scopes ---------------------------------------------------------

    fn cur(&mut self) -> &mut FuncState<'a> {
        self.fs.last_mut().expect("a function is open")
    }

    fn open_func(&mut self, linedefined: u32) {
        let fs = FuncState {
            firstlocal: self.actvar.len(),
            firstlabel: self.labels.len(),
            nactvar: 0,
            is_vararg: false,
            linedefined,
            nprotos: 0,
            upvals: Vec::new(),
            blocks: Vec::new(),
        };
        self.fs.push(fs);
        self.enter_block(false);
    }

    fn close_func(&mut self) -> R<()> {
        self.leave_block()?;
        self.fs.pop();
        Ok(())
    }

    fn enter_block(&mut self, isloop: bool) {
        let bl = BlockCnt {
            firstlabel: self.labels.len(),
            firstgoto: self.gotos.len(),
            nactvar: self.fs.last().map_or(0, |f| f.nactvar),
            isloop,
        };
        self.cur().blocks.push(bl);
    }

    fn leave_block(&mut self) -> R<()> {
        let f = self.fs.last().expect("a function is open");
        let bl = f.blocks.last().expect("a block is open");
        let (nactvar, isloop, firstlabel, firstgoto) =
            (bl.nactvar, bl.isloop, bl.firstlabel, bl.firstgoto);
        // removevars
        let firstlocal = f.firstlocal;
        self.cur().nactvar = nactvar;
        self.actvar.truncate(firstlocal + nactvar);
        if isloop {
            self.create_label(self.n_break, 0, false)?;
        }
        self.truncate_labels(firstlabel);
        self.cur().blocks.pop();
        let has_previous = !self.cur().blocks.is_empty();
        if has_previous {
            // movegotosout
            for g in &mut self.gotos[firstgoto..] {
                g.nactvar = nactvar;
            }
        } else if firstgoto < self.gotos.len() {
            let g = &self.gotos[firstgoto];
            let msg = if same(g.name, self.n_break) {
                format!("break outside loop at line {}", g.line)
            } else {
                format!(
                    "no visible label '{}' for <goto> at line {}",
                    g.name, g.line
                )
            };
            return Err(self.sem_error(&msg));
        }
        Ok(())
    }

    fn new_localvar(&mut self, name: &'a str) -> R<()> {
        let f = self.fs.last().expect("a function is open");
        if self.actvar.len() + 1 - f.firstlocal > MAX_VARS {
            return Err(self.error_limit(MAX_VARS, "local variables"));
        }
        self.actvar.push(VarDesc {
            name,
            kind: VarKind::Reg,
            value: None,
        });
        Ok(())
    }

    fn adjust_localvars(&mut self, n: usize) {
        self.cur().nactvar += n;
    }

    fn error_limit(&self, limit: usize, what: &str) -> Error {
        let line = self.fs.last().map_or(0, |f| f.linedefined);
        let where_ = if line == 0 {
            "main function".to_string()
        } else {
            format!("function at line {line}")
        };
        self.syntax_error(&format!("too many {what} (limit is {limit}) in {where_}"))
    }

    fn find_label(&self, name: &str) -> Option<&LabelDesc<'a>> {
        let first = self.fs.last().map_or(0, |f| f.firstlabel);
        let &i = self.label_index.get(&(name.as_ptr() as usize))?.last()?;
        (i >= first).then(|| &self.labels[i])
    }

    /// Drops the labels from `n` on (leaving a block), keeping the index
    /// by name in step.
    fn truncate_labels(&mut self, n: usize) {
        while self.labels.len() > n {
            if let Some(l) = self.labels.pop()
                && let Some(v) = self.label_index.get_mut(&(l.name.as_ptr() as usize))
            {
                v.pop();
            }
        }
    }

    /// `createlabel` + `solvegotos`.
    fn create_label(&mut self, name: &'a str, line: u32, last: bool) -> R<()> {
        let f = self.fs.last().expect("a function is open");
        let bl = f.blocks.last().expect("a block is open");
        let nactvar = if last { bl.nactvar } else { f.nactvar };
        let firstgoto = bl.firstgoto;
        if self.labels.len() >= MAX_LABELS {
            return Err(self.labels_overflow());
        }
        self.label_index
            .entry(name.as_ptr() as usize)
            .or_default()
            .push(self.labels.len());
        self.labels.push(LabelDesc {
            name,
            line,
            nactvar,
        });
        // PUC resolves the block's pending gotos to this label in order and
        // fails at the first one that would enter a local's scope.
        let pending = &self.gotos[firstgoto..];
        if let Some(g) = pending
            .iter()
            .find(|g| same(g.name, name) && g.nactvar < nactvar)
        {
            let firstlocal = self.fs.last().map_or(0, |f| f.firstlocal);
            let var = self
                .actvar
                .get(firstlocal + g.nactvar)
                .map_or("?", |v| v.name);
            let msg = format!(
                "<goto {}> at line {} jumps into the scope of local '{}'",
                g.name, g.line, var
            );
            return Err(self.sem_error(&msg));
        }
        // The resolved gotos leave the list, in one pass.
        let mut w = firstgoto;
        for r in firstgoto..self.gotos.len() {
            if !same(self.gotos[r].name, name) {
                self.gotos.swap(w, r);
                w += 1;
            }
        }
        self.gotos.truncate(w);
        Ok(())
    }

    fn labels_overflow(&self) -> Error {
        self.bare_error(format!("too many labels/gotos (limit is {MAX_LABELS})"))
    }

    fn new_goto(&mut self, name: &'a str, line: u32) -> R<()> {
        if self.gotos.len() >= MAX_LABELS {
            return Err(self.labels_overflow());
        }
        let nactvar = self.fs.last().map_or(0, |f| f.nactvar);
        self.gotos.push(LabelDesc {
            name,
            line,
            nactvar,
        });
        Ok(())
    }

    /// `singlevaraux`, level `depth` (index into `self.fs`).
    fn resolve_at(&mut self, depth: usize, name: &'a str) -> R<VarRef> {
        let f = &self.fs[depth];
        let base = f.firstlocal;
        for i in (0..f.nactvar).rev() {
            let v = &self.actvar[base + i];
            if same(v.name, name) {
                return Ok(match (v.kind, v.value) {
                    (VarKind::Ctc, Some(_)) => VarRef::Const,
                    (k, _) => VarRef::Local(k),
                });
            }
        }
        if let Some(&(_, k)) = f.upvals.iter().find(|(n, _)| same(n, name)) {
            return Ok(VarRef::Upval(k));
        }
        if depth == 0 {
            return Ok(VarRef::Global);
        }
        match self.resolve_at(depth - 1, name)? {
            VarRef::Local(k) | VarRef::Upval(k) => {
                if self.fs[depth].upvals.len() + 1 > MAX_UPVAL {
                    let line = self.fs[depth].linedefined;
                    let where_ = if line == 0 {
                        "main function".to_string()
                    } else {
                        format!("function at line {line}")
                    };
                    return Err(self.syntax_error(&format!(
                        "too many upvalues (limit is {MAX_UPVAL}) in {where_}"
                    )));
                }
                self.fs[depth].upvals.push((name, k));
                Ok(VarRef::Upval(k))
            }
            other => Ok(other),
        }
    }

    /// `singlevar`: resolves a name, creating upvalues (for `_ENV` too when
    /// it is a global).
    fn singlevar(&mut self, name: &'a str) -> R<VarRef> {
        let depth = self.fs.len() - 1;
        let r = self.resolve_at(depth, name)?;
        if let VarRef::Global = r {
            self.resolve_at(depth, self.n_env)?;
        }
        Ok(r)
    }

    fn check_readonly(&self, r: VarRef, name: &str) -> R<()> {
        let ro = match r {
            VarRef::Const => true,
            VarRef::Local(k) | VarRef::Upval(k) => k != VarKind::Reg,
            VarRef::Global => false,
        };
        if ro {
            return Err(self.sem_error(&format!("attempt to assign to const variable '{name}'")));
        }
        Ok(())
    }
}

/// A parsed suffixed expression, with what its name refers to if it is a
/// bare name (needed for `<const>` checks on assignment).
struct Suffixed<'a> {
    expr: Expr<'a>,
    var: Option<VarRef>,
}

impl<'a, 's> Parser<'a, 's> {
    fn alloc<T>(&self, v: T) -> &'a T {
        self.arena.alloc(v)
    }

    /// Lists are gathered in a temporary `Vec` and copied into the arena
    /// once complete: growing them inside the arena would leave every
    /// outgrown buffer behind as dead arena memory.
    fn vec<T>(&self) -> Vec<T> {
        Vec::new()
    }

    fn finish<T>(&self, v: Vec<T>) -> &'a [T] {
        if v.is_empty() {
            &[]
        } else {
            self.arena.alloc_slice_fill_iter(v)
        }
    }

    // ----- chunk ----------------------------------------------------------

    pub(crate) fn main_func(mut self) -> R<Chunk<'a>> {
        self.open_func(0);
        {
            let env = self.n_env;
            let f = self.cur();
            f.is_vararg = true;
            f.upvals.push((env, VarKind::Reg));
        }
        self.next()?;
        let block = self.statlist()?;
        self.check(Tk::Eos)?;
        let last_line = self.linenumber();
        // PUC closes the main function at `lastline`, the line of the last
        // token before the end of input.
        let return_line = self.prev_line;
        self.close_func()?;
        Ok(Chunk {
            return_line,
            block: Block {
                end_line: last_line,
                ..block
            },
            last_line,
        })
    }

    /// `statlist`, returning the statements (and the return) as a block;
    /// `end_line` is the line of the token that follows.
    fn statlist(&mut self) -> R<Block<'a>> {
        let mut stats = self.vec();
        let ret = self.statlist_into(&mut stats)?;
        Ok(Block {
            stats: self.finish(stats),
            ret,
            end_line: self.t.line,
            last_line: self.prev_line,
        })
    }

    fn statlist_into(&mut self, stats: &mut Vec<Stat<'a>>) -> R<Option<&'a Return<'a>>> {
        while !block_follow(self.t.kind, true) {
            if self.t.kind == Tk::Return {
                self.enter_level()?;
                let r = self.retstat()?;
                self.leave_level();
                return Ok(Some(self.alloc(r)));
            }
            self.statement(stats)?;
        }
        Ok(None)
    }

    fn block(&mut self) -> R<Block<'a>> {
        self.enter_block(false);
        let b = self.statlist()?;
        self.leave_block()?;
        Ok(b)
    }

    /// `statement`: appends zero or more statements to `out` (labels with
    /// the no-op statements that follow them add several).
    fn statement(&mut self, out: &mut Vec<Stat<'a>>) -> R<()> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.statement_inner(out))
    }

    fn statement_inner(&mut self, out: &mut Vec<Stat<'a>>) -> R<()> {
        let line = self.linenumber();
        let start = self.t.start;
        self.enter_level()?;
        let kind = match self.t.kind {
            Tk::Char(b';') => {
                self.next()?;
                None
            }
            Tk::If => Some(self.ifstat(line)?),
            Tk::While => Some(self.whilestat(line)?),
            Tk::Do => {
                self.next()?;
                let b = self.block()?;
                self.check_match(Tk::End, Tk::Do, line)?;
                Some(StatKind::Do(b))
            }
            Tk::For => Some(self.forstat(line)?),
            Tk::Repeat => Some(self.repeatstat(line)?),
            Tk::Function => Some(self.funcstat(line)?),
            Tk::Local => {
                self.next()?;
                if self.test_next(Tk::Function)? {
                    Some(self.localfunc()?)
                } else {
                    Some(self.localstat()?)
                }
            }
            Tk::DbColon => {
                self.next()?;
                let name = self.str_checkname()?;
                self.labelstat(name, line, start, out)?;
                None
            }
            Tk::Return => {
                // Not reached: `statlist` handles `return` itself and
                // `labelstat` only passes `;` and `::` here. An error, not
                // a panic, should that ever change.
                return Err(self.syntax_error("unexpected symbol"));
            }
            Tk::Break => {
                let bline = self.linenumber();
                self.next()?;
                self.new_goto(self.n_break, bline)?;
                Some(StatKind::Break)
            }
            Tk::Goto => {
                self.next()?;
                let gline = self.linenumber();
                let name = self.str_checkname()?;
                if self.find_label(name).is_none() {
                    self.new_goto(name, gline)?;
                }
                Some(StatKind::Goto(name))
            }
            _ => Some(self.exprstat()?),
        };
        if let Some(kind) = kind {
            let span = self.span_from(start);
            out.push(Stat { kind, line, span });
        }
        self.leave_level();
        Ok(())
    }

    fn labelstat(
        &mut self,
        name: &'a str,
        line: u32,
        start: u32,
        out: &mut Vec<Stat<'a>>,
    ) -> R<()> {
        self.check_next(Tk::DbColon)?;
        let span = self.span_from(start);
        let at = out.len();
        out.push(Stat {
            kind: StatKind::Label(name),
            line,
            span,
        });
        while matches!(self.t.kind, Tk::Char(b';') | Tk::DbColon) {
            self.statement(out)?;
        }
        if let Some(l) = self.find_label(name) {
            let msg = format!("label '{}' already defined on line {}", name, l.line);
            return Err(self.sem_error(&msg));
        }
        let last = block_follow(self.t.kind, false);
        self.create_label(name, line, last)?;
        debug_assert!(matches!(out[at].kind, StatKind::Label(_)));
        Ok(())
    }

    fn retstat(&mut self) -> R<Return<'a>> {
        let line = self.linenumber();
        let start = self.t.start;
        self.next()?;
        let exprs = if block_follow(self.t.kind, true) || self.t.kind == Tk::Char(b';') {
            &[][..]
        } else {
            self.explist()?
        };
        self.test_next(Tk::Char(b';'))?;
        Ok(Return {
            exprs,
            line,
            span: self.span_from(start),
        })
    }

    fn cond(&mut self) -> R<&'a Expr<'a>> {
        let e = self.expr()?;
        Ok(self.alloc(e))
    }

    fn test_then_block(&mut self) -> R<IfArm<'a>> {
        let line = self.linenumber();
        self.next()?;
        let cond = self.expr()?;
        self.check_next(Tk::Then)?;
        let then_line = self.prev_line;
        if self.t.kind == Tk::Break {
            // `if x then break`: PUC reads the break without a statement level.
            let bline = self.linenumber();
            let bstart = self.t.start;
            self.next()?;
            self.enter_block(false);
            self.new_goto(self.n_break, bline)?;
            let mut stats = self.vec();
            stats.push(Stat {
                kind: StatKind::Break,
                line: bline,
                span: self.span_from(bstart),
            });
            while self.test_next(Tk::Char(b';'))? {}
            let ret = if block_follow(self.t.kind, false) {
                None
            } else {
                self.statlist_into(&mut stats)?
            };
            let end_line = self.t.line;
            let last_line = self.prev_line;
            self.leave_block()?;
            return Ok(IfArm {
                cond,
                body: Block {
                    stats: self.finish(stats),
                    ret,
                    end_line,
                    last_line,
                },
                line,
                then_line,
            });
        }
        self.enter_block(false);
        let body = self.statlist()?;
        self.leave_block()?;
        Ok(IfArm {
            cond,
            body,
            line,
            then_line,
        })
    }

    fn ifstat(&mut self, line: u32) -> R<StatKind<'a>> {
        let mut arms = self.vec();
        arms.push(self.test_then_block()?);
        while self.t.kind == Tk::Elseif {
            arms.push(self.test_then_block()?);
        }
        let orelse = if self.test_next(Tk::Else)? {
            Some(self.block()?)
        } else {
            None
        };
        self.check_match(Tk::End, Tk::If, line)?;
        Ok(StatKind::If {
            arms: self.finish(arms),
            orelse,
        })
    }

    fn whilestat(&mut self, line: u32) -> R<StatKind<'a>> {
        self.next()?;
        let cond = self.cond()?;
        self.enter_block(true);
        self.check_next(Tk::Do)?;
        let body = self.block()?;
        self.check_match(Tk::End, Tk::While, line)?;
        self.leave_block()?;
        Ok(StatKind::While { cond, body })
    }

    fn repeatstat(&mut self, line: u32) -> R<StatKind<'a>> {
        self.enter_block(true);
        self.enter_block(false);
        self.next()?;
        let body = self.statlist()?;
        self.check_match(Tk::Until, Tk::Repeat, line)?;
        let cond = self.cond()?;
        self.leave_block()?;
        self.leave_block()?;
        Ok(StatKind::Repeat { body, cond })
    }

    fn exp1(&mut self) -> R<&'a Expr<'a>> {
        let e = self.expr()?;
        Ok(self.alloc(e))
    }

    fn forstat(&mut self, line: u32) -> R<StatKind<'a>> {
        self.enter_block(true);
        self.next()?;
        let varname = self.str_checkname()?;
        let kind = match self.t.kind {
            Tk::Char(b'=') => self.fornum(varname)?,
            Tk::Char(b',') | Tk::In => self.forlist(varname)?,
            _ => return Err(self.syntax_error("'=' or 'in' expected")),
        };
        self.check_match(Tk::End, Tk::For, line)?;
        self.leave_block()?;
        Ok(kind)
    }

    fn fornum(&mut self, var: &'a str) -> R<StatKind<'a>> {
        for _ in 0..3 {
            self.new_localvar(self.n_forstate)?;
        }
        self.new_localvar(var)?;
        self.check_next(Tk::Char(b'='))?;
        let start = self.exp1()?;
        self.check_next(Tk::Char(b','))?;
        let limit = self.exp1()?;
        let step = if self.test_next(Tk::Char(b','))? {
            Some(self.exp1()?)
        } else {
            None
        };
        self.adjust_localvars(3);
        let body = self.forbody(1)?;
        Ok(StatKind::NumericFor {
            var,
            start,
            limit,
            step,
            body,
        })
    }

    fn forlist(&mut self, first: &'a str) -> R<StatKind<'a>> {
        for _ in 0..4 {
            self.new_localvar(self.n_forstate)?;
        }
        let mut names = self.vec();
        self.new_localvar(first)?;
        names.push(first);
        while self.test_next(Tk::Char(b','))? {
            let n = self.str_checkname()?;
            self.new_localvar(n)?;
            names.push(n);
        }
        self.check_next(Tk::In)?;
        let exprs = self.explist()?;
        self.adjust_localvars(4);
        let body = self.forbody(names.len())?;
        Ok(StatKind::GenericFor {
            names: self.finish(names),
            exprs,
            body,
        })
    }

    fn forbody(&mut self, nvars: usize) -> R<Block<'a>> {
        self.check_next(Tk::Do)?;
        self.enter_block(false);
        self.adjust_localvars(nvars);
        let b = self.block()?;
        self.leave_block()?;
        Ok(b)
    }

    fn funcstat(&mut self, line: u32) -> R<StatKind<'a>> {
        self.next()?;
        // funcname -> NAME {'.' NAME} [':' NAME]
        let base = self.str_checkname()?;
        let var = self.singlevar(base)?;
        let mut fields = self.vec();
        let mut method = None;
        while self.t.kind == Tk::Char(b'.') {
            self.next()?;
            fields.push(self.str_checkname()?);
        }
        if self.t.kind == Tk::Char(b':') {
            self.next()?;
            method = Some(self.str_checkname()?);
        }
        let func = self.body(method.is_some(), line)?;
        if fields.is_empty() && method.is_none() {
            self.check_readonly(var, base)?;
        }
        let name = FuncName {
            base,
            fields: self.finish(fields),
            method,
        };
        Ok(StatKind::Function { name, func })
    }

    fn localfunc(&mut self) -> R<StatKind<'a>> {
        let name = self.str_checkname()?;
        self.new_localvar(name)?;
        self.adjust_localvars(1);
        let line = self.linenumber();
        let func = self.body(false, line)?;
        Ok(StatKind::LocalFunction { name, func })
    }

    fn attrib(&mut self) -> R<Attrib> {
        if self.test_next(Tk::Char(b'<'))? {
            let attr = self.str_checkname()?;
            self.check_next(Tk::Char(b'>'))?;
            return match attr {
                "const" => Ok(Attrib::Const),
                "close" => Ok(Attrib::Close),
                _ => Err(self.sem_error(&format!("unknown attribute '{attr}'"))),
            };
        }
        Ok(Attrib::None)
    }

    fn localstat(&mut self) -> R<StatKind<'a>> {
        let mut names = self.vec();
        let mut has_close = false;
        loop {
            let name = self.str_checkname()?;
            self.new_localvar(name)?;
            let attrib = self.attrib()?;
            let kind = match attrib {
                Attrib::None => VarKind::Reg,
                Attrib::Const => VarKind::Const,
                Attrib::Close => VarKind::Close,
            };
            if let Some(v) = self.actvar.last_mut() {
                v.kind = kind;
            }
            if attrib == Attrib::Close {
                if has_close {
                    return Err(self.sem_error("multiple to-be-closed variables in local list"));
                }
                has_close = true;
            }
            names.push(LocalName { name, attrib });
            if !self.test_next(Tk::Char(b','))? {
                break;
            }
        }
        let values = if self.test_next(Tk::Char(b'='))? {
            self.explist()?
        } else {
            &[][..]
        };
        let nvars = names.len();
        let last_const = names.last().is_some_and(|n| n.attrib == Attrib::Const);
        if nvars == values.len() && last_const {
            let e = &values[values.len() - 1];
            if let Some(c) = fold::exp2const(e, &mut |n| self.lookup_const(n))
                && let Some(v) = self.actvar.last_mut()
            {
                v.kind = VarKind::Ctc;
                v.value = Some(c);
            }
        }
        self.adjust_localvars(nvars);
        Ok(StatKind::Local {
            names: self.finish(names),
            values,
        })
    }

    /// The value of `name` if it resolves to a compile-time constant.
    fn lookup_const(&self, name: &str) -> Option<Const<'a>> {
        for f in self.fs.iter().rev() {
            for i in (0..f.nactvar).rev() {
                let v = &self.actvar[f.firstlocal + i];
                if same(v.name, name) {
                    return if v.kind == VarKind::Ctc {
                        v.value
                    } else {
                        None
                    };
                }
            }
            if f.upvals.iter().any(|(n, _)| same(n, name)) {
                return None;
            }
        }
        None
    }

    fn exprstat(&mut self) -> R<StatKind<'a>> {
        let s = self.suffixedexp()?;
        if matches!(self.t.kind, Tk::Char(b'=' | b',')) {
            let mut targets = self.vec();
            let values = self.restassign(s, &mut targets)?;
            return Ok(StatKind::Assign {
                targets: self.finish(targets),
                values,
            });
        }
        if !matches!(
            s.expr.kind,
            ExprKind::Call { .. } | ExprKind::MethodCall { .. }
        ) {
            return Err(self.syntax_error("syntax error"));
        }
        Ok(StatKind::Call(self.alloc(s.expr)))
    }

    /// `restassign`, iteratively for the targets (each extra target counts
    /// one C level, as PUC's recursion does).
    fn restassign(
        &mut self,
        first: Suffixed<'a>,
        targets: &mut Vec<Expr<'a>>,
    ) -> R<&'a [Expr<'a>]> {
        let mut cur = first;
        let mut extra = 0;
        let result = loop {
            if !matches!(cur.expr.kind, ExprKind::Name(_) | ExprKind::Index { .. }) {
                break Err(self.syntax_error("syntax error"));
            }
            if let (Some(v), ExprKind::Name(n)) = (cur.var, &cur.expr.kind)
                && let Err(e) = self.check_readonly(v, n)
            {
                break Err(e);
            }
            targets.push(cur.expr);
            if self.test_next(Tk::Char(b','))? {
                cur = self.suffixedexp()?;
                if let Err(e) = self.enter_level() {
                    break Err(e);
                }
                extra += 1;
            } else {
                break self.check_next(Tk::Char(b'=')).and_then(|_| self.explist());
            }
        };
        self.level -= extra;
        result
    }

    // ----- functions ------------------------------------------------------

    fn body(&mut self, is_method: bool, line: u32) -> R<&'a FuncBody<'a>> {
        let start = self.t.start;
        // addprototype
        let parent = self.cur();
        if parent.nprotos >= MAX_PROTOS {
            return Err(self.bare_error(format!("too many functions (limit is {MAX_PROTOS})")));
        }
        parent.nprotos += 1;
        self.open_func(line);
        let mut params = self.vec();
        if is_method {
            self.new_localvar(self.n_self)?;
            self.adjust_localvars(1);
            params.push(self.n_self);
        }
        self.check_next(Tk::Char(b'('))?;
        let mut is_vararg = false;
        if self.t.kind != Tk::Char(b')') {
            loop {
                match self.t.kind {
                    Tk::Name => {
                        let n = self.str_checkname()?;
                        self.new_localvar(n)?;
                        params.push(n);
                    }
                    Tk::Dots => {
                        self.next()?;
                        is_vararg = true;
                    }
                    _ => return Err(self.syntax_error("<name> or '...' expected")),
                }
                if is_vararg || !self.test_next(Tk::Char(b','))? {
                    break;
                }
            }
        }
        let nparams = params.len() - usize::from(is_method);
        self.adjust_localvars(nparams);
        self.cur().is_vararg = is_vararg;
        self.check_next(Tk::Char(b')'))?;
        let body = self.statlist()?;
        let end_line = self.linenumber();
        self.check_match(Tk::End, Tk::Function, line)?;
        self.close_func()?;
        Ok(self.alloc(FuncBody {
            params: self.finish(params),
            is_vararg,
            body: Block { end_line, ..body },
            line,
            end_line,
            span: self.span_from(start),
        }))
    }

    // ----- expressions ----------------------------------------------------

    fn explist(&mut self) -> R<&'a [Expr<'a>]> {
        let mut v = self.vec();
        v.push(self.expr()?);
        while self.test_next(Tk::Char(b','))? {
            v.push(self.expr()?);
        }
        Ok(self.finish(v))
    }

    pub(crate) fn expr(&mut self) -> R<Expr<'a>> {
        Ok(self.subexpr(0)?.0)
    }

    /// `subexpr`: precedence climbing with PUC's priorities; returns the
    /// expression and the first operator it did not consume.
    fn subexpr(&mut self, limit: u8) -> R<(Expr<'a>, Option<BinOp>)> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.subexpr_inner(limit))
    }

    fn subexpr_inner(&mut self, limit: u8) -> R<(Expr<'a>, Option<BinOp>)> {
        self.enter_level()?;
        let start = self.t.start;
        let mut e = if let Some(op) = unop(self.t.kind) {
            let line = self.linenumber();
            self.next()?;
            let (operand, _) = self.subexpr(UNARY_PRIORITY)?;
            let operand = self.alloc(operand);
            Expr {
                kind: ExprKind::Unary { op, operand },
                line,
                span: self.span_from(start),
            }
        } else {
            self.simpleexp()?
        };
        let mut op = binop(self.t.kind);
        while let Some(o) = op {
            let (left, right) = o.precedence();
            if left <= limit {
                break;
            }
            let line = self.linenumber();
            self.next()?;
            let (rhs, nextop) = self.subexpr(right)?;
            let lhs = self.alloc(e);
            let rhs = self.alloc(rhs);
            e = Expr {
                kind: ExprKind::Binary { op: o, lhs, rhs },
                line,
                span: self.span_from(start),
            };
            op = nextop;
        }
        self.leave_level();
        Ok((e, op))
    }

    fn simpleexp(&mut self) -> R<Expr<'a>> {
        let line = self.linenumber();
        let start = self.t.start;
        let kind = match self.t.kind {
            Tk::Flt | Tk::Int => match self.t.val {
                Val::Num(Number::Int(i)) => ExprKind::Int(i),
                Val::Num(Number::Float(f)) => ExprKind::Float(f),
                _ => ExprKind::Nil,
            },
            Tk::Str => match self.t.val {
                Val::Str(s, _) => ExprKind::Str(s),
                _ => ExprKind::Nil,
            },
            Tk::Nil => ExprKind::Nil,
            Tk::True => ExprKind::True,
            Tk::False => ExprKind::False,
            Tk::Dots => {
                if !self.fs.last().is_some_and(|f| f.is_vararg) {
                    return Err(self.syntax_error("cannot use '...' outside a vararg function"));
                }
                ExprKind::Vararg
            }
            Tk::Char(b'{') => return self.constructor(),
            Tk::Function => {
                self.next()?;
                let l = self.linenumber();
                let f = self.body(false, l)?;
                return Ok(Expr {
                    kind: ExprKind::Function(f),
                    line,
                    span: self.span_from(start),
                });
            }
            _ => return Ok(self.suffixedexp()?.expr),
        };
        self.next()?;
        Ok(Expr {
            kind,
            line,
            span: self.span_from(start),
        })
    }

    fn primaryexp(&mut self) -> R<Suffixed<'a>> {
        let start = self.t.start;
        match self.t.kind {
            Tk::Char(b'(') => {
                let line = self.linenumber();
                self.next()?;
                let e = self.expr()?;
                self.check_match(Tk::Char(b')'), Tk::Char(b'('), line)?;
                let inner = self.alloc(e);
                Ok(Suffixed {
                    expr: Expr {
                        kind: ExprKind::Paren(inner),
                        line,
                        span: self.span_from(start),
                    },
                    var: None,
                })
            }
            Tk::Name => {
                let line = self.linenumber();
                let name = self.str_checkname()?;
                let var = self.singlevar(name)?;
                Ok(Suffixed {
                    expr: Expr {
                        kind: ExprKind::Name(name),
                        line,
                        span: self.span_from(start),
                    },
                    var: Some(var),
                })
            }
            _ => Err(self.syntax_error("unexpected symbol")),
        }
    }

    fn str_expr(&mut self) -> R<Expr<'a>> {
        let line = self.linenumber();
        let start = self.t.start;
        let name = self.str_checkname()?;
        Ok(Expr {
            kind: ExprKind::Str(name.as_bytes()),
            line,
            span: self.span_from(start),
        })
    }

    fn suffixedexp(&mut self) -> R<Suffixed<'a>> {
        let line = self.linenumber();
        let start = self.t.start;
        let mut s = self.primaryexp()?;
        loop {
            match self.t.kind {
                Tk::Char(b'.') => {
                    let iline = self.linenumber();
                    self.next()?;
                    let key = self.str_expr()?;
                    let obj = self.alloc(s.expr);
                    let key = self.alloc(key);
                    s = Suffixed {
                        expr: Expr {
                            kind: ExprKind::Index { obj, key },
                            line: iline,
                            span: self.span_from(start),
                        },
                        var: None,
                    };
                }
                Tk::Char(b'[') => {
                    let iline = self.linenumber();
                    self.next()?;
                    let key = self.expr()?;
                    self.check_next(Tk::Char(b']'))?;
                    let obj = self.alloc(s.expr);
                    let key = self.alloc(key);
                    s = Suffixed {
                        expr: Expr {
                            kind: ExprKind::Index { obj, key },
                            line: iline,
                            span: self.span_from(start),
                        },
                        var: None,
                    };
                }
                Tk::Char(b':') => {
                    self.next()?;
                    let method = self.str_checkname()?;
                    let args = self.funcargs(line)?;
                    let obj = self.alloc(s.expr);
                    s = Suffixed {
                        expr: Expr {
                            kind: ExprKind::MethodCall { obj, method, args },
                            line,
                            span: self.span_from(start),
                        },
                        var: None,
                    };
                }
                Tk::Char(b'(' | b'{') | Tk::Str => {
                    let args = self.funcargs(line)?;
                    let func = self.alloc(s.expr);
                    s = Suffixed {
                        expr: Expr {
                            kind: ExprKind::Call { func, args },
                            line,
                            span: self.span_from(start),
                        },
                        var: None,
                    };
                }
                _ => return Ok(s),
            }
        }
    }

    fn funcargs(&mut self, line: u32) -> R<&'a [Expr<'a>]> {
        match self.t.kind {
            Tk::Char(b'(') => {
                self.next()?;
                let args = if self.t.kind == Tk::Char(b')') {
                    &[][..]
                } else {
                    self.explist()?
                };
                self.check_match(Tk::Char(b')'), Tk::Char(b'('), line)?;
                Ok(args)
            }
            Tk::Char(b'{') => {
                let t = self.constructor()?;
                Ok(std::slice::from_ref(self.alloc(t)))
            }
            Tk::Str => {
                let e = self.simpleexp()?;
                Ok(std::slice::from_ref(self.alloc(e)))
            }
            _ => Err(self.syntax_error("function arguments expected")),
        }
    }

    fn constructor(&mut self) -> R<Expr<'a>> {
        let line = self.linenumber();
        let start = self.t.start;
        self.check_next(Tk::Char(b'{'))?;
        let mut fields = self.vec();
        loop {
            if self.t.kind == Tk::Char(b'}') {
                break;
            }
            let f = match self.t.kind {
                Tk::Name => {
                    if self.lookahead()? != Tk::Char(b'=') {
                        TableField::Positional(self.expr()?)
                    } else {
                        let Val::Name(name) = self.t.val else {
                            return Err(self.error_expected(Tk::Name));
                        };
                        self.next()?;
                        self.check_next(Tk::Char(b'='))?;
                        TableField::Named {
                            name,
                            value: self.expr()?,
                        }
                    }
                }
                Tk::Char(b'[') => {
                    self.next()?;
                    let key = self.expr()?;
                    self.check_next(Tk::Char(b']'))?;
                    self.check_next(Tk::Char(b'='))?;
                    TableField::Keyed {
                        key,
                        value: self.expr()?,
                    }
                }
                _ => TableField::Positional(self.expr()?),
            };
            fields.push(f);
            if !(self.test_next(Tk::Char(b','))? || self.test_next(Tk::Char(b';'))?) {
                break;
            }
        }
        self.check_match(Tk::Char(b'}'), Tk::Char(b'{'), line)?;
        Ok(Expr {
            kind: ExprKind::Table(self.finish(fields)),
            line,
            span: self.span_from(start),
        })
    }
}
