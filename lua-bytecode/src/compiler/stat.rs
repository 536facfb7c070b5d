//! Statements: blocks and scopes, assignments, locals, control structures,
//! `goto`/labels, `return`.

use lua_syntax::ast::{self, Attrib, Expr, ExprKind, Stat, StatKind};

use super::expr::{Exp, ExpKind, is_const_false, is_const_true, last_line};
use super::{CResult, Compiler, Label, MAX_VARS};
use crate::flatten::single_jump;
use crate::opcode::{MULTRET, Op, Reg, Test};
use crate::proto::{self, Block, Cond, Node};

impl<'a> Compiler<'a> {
    /// The statements of `block` in the current (already entered) scope.
    pub(crate) fn block_body(&mut self, block: &'a ast::Block<'a>) -> CResult<()> {
        // Labels are visible in the whole block (for forward gotos).
        let depth = self.depth();
        for stat in block.stats {
            if let StatKind::Label(name) = stat.kind {
                let fs = self.fs();
                let id = fs.labels.len() as u32;
                fs.labels.push(Label {
                    depth,
                    node_index: 0,
                    reglevel: 0,
                    placed: false,
                });
                if let Some(scope) = fs.scopes.last_mut() {
                    scope.labels.push((name, id));
                }
            }
        }
        for stat in block.stats {
            self.stat(stat)?;
            let fs = self.fs();
            fs.freereg = fs.nregvars;
        }
        if let Some(ret) = block.ret {
            self.ret(ret)?;
            let fs = self.fs();
            fs.freereg = fs.nregvars;
        }
        Ok(())
    }

    /// A block in its own scope (`do`, `if` branches).
    fn scoped_block(&mut self, block: &'a ast::Block<'a>) -> CResult<()> {
        self.enter_scope(false, 0);
        self.block_body(block)?;
        self.leave_scope(true, block.end_line);
        Ok(())
    }

    fn stat(&mut self, stat: &'a Stat<'a>) -> CResult<()> {
        let line = stat.line;
        match &stat.kind {
            StatKind::Call(e) => {
                let ex = self.expr(e)?;
                if let ExpKind::Call(loc) = ex.kind
                    && let Some(Op::Call { nresults, .. }) = self.op_at(loc)
                {
                    *nresults = 0;
                }
            }
            StatKind::Assign { targets, values } => self.assign(targets, values, line)?,
            StatKind::Local { names, values } => self.local(names, values, line)?,
            StatKind::LocalFunction { name, func } => {
                let reg = self.reserve_reg(line)?;
                self.activate_local(name, reg, line)?;
                let idx = self.function(func)?;
                self.emit(
                    Op::Closure {
                        dst: reg,
                        proto: idx,
                    },
                    func.end_line,
                );
                let fs = self.fs();
                let pc = fs.pc;
                if let Some(lv) = fs.locvars.last_mut() {
                    lv.start_pc = pc;
                }
            }
            StatKind::Function { name, func } => {
                let mut v = self.single_var(name.base, line)?;
                let keys = name.fields.iter().chain(name.method.iter());
                for field in keys {
                    self.exp2anyregup(&mut v, line)?;
                    let key = Exp::new(ExpKind::Str(field.as_bytes()));
                    v = self.indexed(v, key, line)?;
                }
                let idx = self.function(func)?;
                let loc = self.emit(Op::Closure { dst: 0, proto: idx }, func.end_line);
                let mut b = Exp::new(ExpKind::Reloc(loc));
                self.exp2nextreg(&mut b, func.end_line)?;
                self.store_var(v, b, line)?;
            }
            StatKind::Do(b) => self.scoped_block(b)?,
            StatKind::While { cond, body } => self.while_stat(cond, body, line)?,
            StatKind::Repeat { body, cond } => self.repeat_stat(body, cond, line)?,
            StatKind::If { arms, orelse } => self.if_stat(arms, orelse.as_ref())?,
            StatKind::NumericFor {
                var,
                start,
                limit,
                step,
                body,
            } => self.numeric_for(var, start, limit, *step, body, line)?,
            StatKind::GenericFor { names, exprs, body } => {
                self.generic_for(names, exprs, body, line)?
            }
            StatKind::Goto(name) => self.goto(name, line)?,
            StatKind::Label(name) => {
                let depth = self.depth();
                let node_index = self.block_len();
                let fs = self.fs();
                let id = fs
                    .scopes
                    .last()
                    .and_then(|s| s.labels.iter().find(|(n, _)| n == name))
                    .map(|&(_, id)| id);
                let reglevel = fs.nregvars;
                fs.label_at = Some((depth, node_index));
                if let Some(id) = id {
                    fs.labels[id as usize] = Label {
                        depth,
                        node_index,
                        reglevel,
                        placed: true,
                    };
                }
            }
            StatKind::Break => self.break_stat(line)?,
        }
        Ok(())
    }

    // ---- locals and assignment ------------------------------------------

    fn local(
        &mut self,
        names: &'a [ast::LocalName<'a>],
        values: &'a [Expr<'a>],
        line: u32,
    ) -> CResult<()> {
        if self.fsr().actvars.len() + names.len() > MAX_VARS {
            return Err(self.error_limit(line, MAX_VARS, "local variables"));
        }
        let nvars = names.len();
        let (nexps, mut e) = self.explist(values)?;
        let base = self.fsr().nregvars;
        let last = &names[nvars - 1];
        if nvars == nexps
            && last.attrib == Attrib::Const
            && let Some(v) = e.as_const()
        {
            // The last variable is a compile-time constant: no register.
            for (i, n) in names[..nvars - 1].iter().enumerate() {
                self.activate_local(n.name, (base + i as u32) as Reg, line)?;
            }
            self.activate_const(last.name, v, line)?;
            return Ok(());
        }
        self.adjust_assign(nvars, nexps, &mut e, line)?;
        for (i, n) in names.iter().enumerate() {
            self.activate_local(n.name, (base + i as u32) as Reg, line)?;
        }
        if let Some(i) = names.iter().position(|n| n.attrib == Attrib::Close) {
            let reg = (base + i as u32) as Reg;
            let fs = self.fs();
            if let Some(s) = fs.scopes.last_mut() {
                s.upval = true;
                s.insidetbc = true;
            }
            fs.needs_close = true;
            self.emit(Op::Tbc { reg }, line);
        }
        Ok(())
    }

    /// Adjust `nexps` values (the last is `e`) to `nvars` registers.
    pub(crate) fn adjust_assign(
        &mut self,
        nvars: usize,
        nexps: usize,
        e: &mut Exp<'a>,
        line: u32,
    ) -> CResult<()> {
        let needed = nvars as i64 - nexps as i64;
        if e.is_multi() {
            let extra = (needed + 1).max(0);
            self.set_returns(e, extra.min(254) as u8, line)?;
        } else {
            if e.kind != ExpKind::Void {
                self.exp2nextreg(e, line)?;
            }
            if needed > 0 {
                let from = self.fsr().freereg;
                if from + needed as u32 >= super::MAX_REGS {
                    return Err(self.error_regs(line));
                }
                self.load_nil(from as Reg, needed as u8, line);
            }
        }
        if needed > 0 {
            self.reserve(needed as u32, line)?;
        } else {
            let fs = self.fs();
            fs.freereg = (fs.freereg as i64 + needed).max(0) as u32;
        }
        Ok(())
    }

    /// A target of an assignment (`suffixedexp` limited to variables).
    fn target(&mut self, t: &'a Expr<'a>) -> CResult<Exp<'a>> {
        match &t.kind {
            ExprKind::Name(name) => self.single_var(name, t.line),
            ExprKind::Index { obj, key } => {
                let mut o = self.expr(obj)?;
                self.set_near(obj.span.end, 0);
                self.exp2anyregup(&mut o, t.line)?;
                let mut k = self.expr(key)?;
                self.discharge_vars(&mut k, t.line);
                self.indexed(o, k, t.line)
            }
            _ => Err(self.error(t.line, "syntax error")),
        }
    }

    fn assign(
        &mut self,
        targets: &'a [Expr<'a>],
        values: &'a [Expr<'a>],
        line: u32,
    ) -> CResult<()> {
        // The stores are emitted once the values are read.
        let line = values.last().map_or(line, |v| line.max(last_line(v)));
        if let ([target], [value]) = (targets, values) {
            // The common `x = e`: no conflicts, no adjustment.
            let v = self.target(target)?;
            let mut e = self.expr(value)?;
            self.set_one_ret(&mut e, line);
            return self.store_var(v, e, line);
        }
        let mut vars: Vec<Exp<'a>> = Vec::with_capacity(targets.len());
        for t in targets {
            let v = self.target(t)?;
            if !vars.is_empty()
                && !matches!(
                    v.kind,
                    ExpKind::IndexUp { .. }
                        | ExpKind::IndexStr { .. }
                        | ExpKind::IndexInt { .. }
                        | ExpKind::Index { .. }
                )
            {
                self.check_conflict(&mut vars, &v, line)?;
            }
            vars.push(v);
        }
        let nvars = vars.len();
        let (nexps, mut e) = self.explist(values)?;
        let mut rest = nvars;
        if nexps != nvars {
            self.adjust_assign(nvars, nexps, &mut e, line)?;
        } else {
            self.set_one_ret(&mut e, line);
            let v = vars[nvars - 1];
            self.store_var(v, e, line)?;
            rest -= 1;
        }
        for i in (0..rest).rev() {
            let top = (self.fsr().freereg - 1) as Reg;
            let v = vars[i];
            self.store_var(v, Exp::new(ExpKind::NonReloc(top)), line)?;
        }
        Ok(())
    }

    /// A local or upvalue assigned in a multiple assignment may be used as
    /// table or key by an earlier target: copy it first (`check_conflict`).
    fn check_conflict(&mut self, vars: &mut [Exp<'a>], v: &Exp<'a>, line: u32) -> CResult<()> {
        let extra = self.fsr().freereg as Reg;
        let mut conflict = false;
        for lh in vars.iter_mut() {
            match (&mut lh.kind, v.kind) {
                (ExpKind::IndexUp { up, key }, ExpKind::Upval(u)) if *up == u => {
                    conflict = true;
                    lh.kind = ExpKind::IndexStr {
                        obj: extra,
                        key: *key,
                    };
                }
                (ExpKind::IndexStr { obj, .. }, ExpKind::Local(r))
                | (ExpKind::IndexInt { obj, .. }, ExpKind::Local(r))
                    if *obj == r =>
                {
                    conflict = true;
                    *obj = extra;
                }
                (ExpKind::Index { obj, key }, ExpKind::Local(r)) => {
                    if *obj == r {
                        conflict = true;
                        *obj = extra;
                    }
                    if *key == r {
                        conflict = true;
                        *key = extra;
                    }
                }
                _ => {}
            }
        }
        if conflict {
            match v.kind {
                ExpKind::Local(r) => {
                    self.emit(Op::Move { dst: extra, src: r }, line);
                }
                ExpKind::Upval(up) => {
                    self.emit(Op::GetUpval { dst: extra, up }, line);
                }
                _ => {}
            }
            self.reserve(1, line)?;
        }
        Ok(())
    }

    // ---- return ---------------------------------------------------------

    fn ret(&mut self, ret: &'a ast::Return<'a>) -> CResult<()> {
        let line = ret.line;
        let first = self.fsr().nregvars as Reg;
        if ret.exprs.is_empty() {
            self.emit(Op::Return0, line);
            return Ok(());
        }
        let insidetbc = self.fsr().scopes.last().is_some_and(|s| s.insidetbc);
        let (n, mut e) = self.explist(ret.exprs)?;
        if e.is_multi() {
            if n == 1
                && !insidetbc
                && let ExpKind::Call(loc) = e.kind
                && let Some(op) = self.op_at(loc)
                && let Op::Call { func, nargs, .. } = *op
            {
                *op = Op::TailCall { func, nargs };
                return Ok(());
            }
            self.set_returns(&mut e, MULTRET, line)?;
            self.emit(Op::Return { first, n: MULTRET }, line);
        } else if n == 1 {
            let src = self.exp2anyreg(&mut e, line)?;
            self.emit(Op::Return1 { src }, line);
        } else {
            self.exp2nextreg(&mut e, line)?;
            self.emit(Op::Return { first, n: n as u8 }, line);
        }
        Ok(())
    }

    // ---- control structures ---------------------------------------------

    /// Compile a loop body into a new structured block.
    fn loop_body(
        &mut self,
        body: &'a ast::Block<'a>,
        break_close: u32,
        close_after: bool,
        emit_close: bool,
    ) -> CResult<Block> {
        self.open_block();
        self.enter_scope(true, break_close);
        if close_after && let Some(s) = self.fs().scopes.last_mut() {
            s.close_after = true;
            s.insidetbc = true;
        }
        self.block_body(body)?;
        self.leave_scope(emit_close, body.end_line);
        Ok(self.close_block())
    }

    fn while_stat(
        &mut self,
        cond: &'a Expr<'a>,
        body: &'a ast::Block<'a>,
        line: u32,
    ) -> CResult<()> {
        let _ = line;
        let level = self.fsr().nregvars;
        if is_const_true(cond) {
            let b = self.loop_body(body, level, false, true)?;
            let back_pc = self.count_jump(body.last_line);
            self.push_node(Node::Loop(Box::new(proto::Loop { body: b, back_pc })));
            return Ok(());
        }
        let c = self.cond(cond)?;
        let b = self.loop_body(body, level, false, true)?;
        let back_pc = self.count_jump(body.last_line);
        self.push_node(Node::While(Box::new(proto::While {
            cond: c,
            body: b,
            back_pc,
        })));
        Ok(())
    }

    fn repeat_stat(
        &mut self,
        body: &'a ast::Block<'a>,
        cond: &'a Expr<'a>,
        line: u32,
    ) -> CResult<()> {
        let level = self.fsr().nregvars;
        self.open_block();
        self.enter_scope(true, level);
        self.block_body(body)?;
        if is_const_false(cond) {
            self.leave_scope(true, cond.line);
            let b = self.close_block();
            let back_pc = self.count_jump(cond.line);
            self.push_node(Node::Loop(Box::new(proto::Loop { body: b, back_pc })));
            return Ok(());
        }
        let c = self.cond(cond)?;
        let upval = self.fsr().scopes.last().is_some_and(|s| s.upval);
        if upval {
            // The body's variables must be closed after the condition on
            // both paths: lower to an endless loop.
            let from = self.fsr().scopes.last().map_or(level, |s| s.reglevel) as Reg;
            self.open_block();
            self.emit(Op::Close { from }, cond.line);
            let pc = self.count_jump(cond.line);
            self.push_node(Node::Break { levels: 2, pc });
            let then_ = self.close_block();
            let jump_pc = self.count_jump(cond.line);
            self.open_block();
            self.emit(Op::Close { from }, cond.line);
            let else_ = self.close_block();
            self.push_node(Node::If(Box::new(proto::If {
                cond: c,
                then_,
                else_,
                jump_pc,
            })));
            self.leave_scope(false, line);
            let b = self.close_block();
            let back_pc = self.count_jump(cond.line);
            self.push_node(Node::Loop(Box::new(proto::Loop { body: b, back_pc })));
        } else {
            self.leave_scope(false, line);
            let b = self.close_block();
            self.push_node(Node::Repeat(Box::new(proto::Repeat { body: b, cond: c })));
        }
        Ok(())
    }

    fn if_stat(
        &mut self,
        arms: &'a [ast::IfArm<'a>],
        orelse: Option<&'a ast::Block<'a>>,
    ) -> CResult<()> {
        let Some(arm) = arms.first() else {
            if let Some(b) = orelse {
                self.scoped_block(b)?;
            }
            return Ok(());
        };
        let c = self.cond(&arm.cond)?;
        // PUC tests a value (not a comparison) once it has read `then`.
        if let Some((pc, Test::Truthy(_))) = last_leaf(&c) {
            self.fs().lines[pc as usize] = arm.then_line;
        }
        self.open_block();
        self.scoped_block(&arm.body)?;
        let then_ = self.close_block();
        let jump_pc = self.count_jump(arm.body.last_line);
        self.open_block();
        if arms.len() > 1 {
            self.if_stat(&arms[1..], orelse)?;
        } else if let Some(b) = orelse {
            self.scoped_block(b)?;
        }
        let else_ = self.close_block();
        if else_.nodes.is_empty() {
            self.uncount_jump();
        }
        if single_jump(&then_, &else_).is_some() {
            self.uncount_jump();
        }
        self.push_node(Node::If(Box::new(proto::If {
            cond: c,
            then_,
            else_,
            jump_pc,
        })));
        Ok(())
    }

    fn numeric_for(
        &mut self,
        var: &'a str,
        start: &'a Expr<'a>,
        limit: &'a Expr<'a>,
        step: Option<&'a Expr<'a>>,
        body: &'a ast::Block<'a>,
        line: u32,
    ) -> CResult<()> {
        let base = self.fsr().freereg as Reg;
        self.enter_scope(false, 0);
        let mut e = self.expr(start)?;
        self.exp2nextreg(&mut e, start.line)?;
        let mut e = self.expr(limit)?;
        self.exp2nextreg(&mut e, limit.line)?;
        if let Some(step) = step {
            let mut e = self.expr(step)?;
            self.exp2nextreg(&mut e, step.line)?;
        } else {
            let r = self.fsr().freereg as Reg;
            self.emit(Op::LoadI { dst: r, value: 1 }, line);
            self.reserve(1, line)?;
        }
        for i in 0..3 {
            self.activate_local("(for state)", base + i, line)?;
        }
        // FORPREP is emitted after `do`: approximate its line by the last
        // bound's.
        let do_line = [Some(start), Some(limit), step]
            .into_iter()
            .flatten()
            .map(last_line)
            .fold(line, u32::max);
        let prep_pc = self.count_jump(do_line);
        self.open_block();
        self.enter_scope(true, base as u32);
        self.reserve(1, line)?;
        self.activate_local(var, base + 3, line)?;
        self.block_body(body)?;
        self.leave_scope(true, body.end_line);
        let b = self.close_block();
        let loop_pc = self.count_jump(line);
        self.push_node(Node::NumericFor(Box::new(proto::NumericFor {
            base,
            body: b,
            prep_pc,
            loop_pc,
        })));
        self.leave_scope(false, line);
        Ok(())
    }

    fn generic_for(
        &mut self,
        names: &'a [&'a str],
        exprs: &'a [Expr<'a>],
        body: &'a ast::Block<'a>,
        line: u32,
    ) -> CResult<()> {
        let base = self.fsr().freereg as Reg;
        self.enter_scope(false, 0);
        let (n, mut e) = self.explist(exprs)?;
        self.adjust_assign(4, n, &mut e, line)?;
        for i in 0..4 {
            self.activate_local("(for state)", base + i, line)?;
        }
        self.check_stack(3, line)?;
        self.fs().needs_close = true;
        let do_line = exprs.iter().map(last_line).fold(line, u32::max);
        // TFORCALL/TFORLOOP get the line of the first token after `in`
        // (lparser.c's `forlist`).
        let iter_line = exprs.first().map_or(line, |e| e.line);
        let prep_pc = self.count_jump(do_line);
        self.open_block();
        self.enter_scope(true, base as u32);
        if let Some(s) = self.fs().scopes.last_mut() {
            s.close_after = true;
            s.insidetbc = true;
        }
        if self.fsr().actvars.len() + names.len() > MAX_VARS {
            return Err(self.error_limit(line, MAX_VARS, "local variables"));
        }
        self.reserve(names.len() as u32, line)?;
        for (i, name) in names.iter().enumerate() {
            self.activate_local(name, base + 4 + i as Reg, line)?;
        }
        self.block_body(body)?;
        self.leave_scope(true, body.end_line);
        let b = self.close_block();
        let call_pc = self.count_jump(iter_line);
        let loop_pc = self.count_jump(iter_line);
        self.push_node(Node::GenericFor(Box::new(proto::GenericFor {
            base,
            nvars: names.len() as u8,
            body: b,
            prep_pc,
            call_pc,
            loop_pc,
        })));
        self.emit(Op::Close { from: base }, line);
        self.leave_scope(false, line);
        Ok(())
    }

    // ---- jumps ----------------------------------------------------------

    fn break_stat(&mut self, line: u32) -> CResult<()> {
        let depth = self.depth();
        let fs = self.fsr();
        let Some(li) = fs.scopes.iter().rposition(|s| s.is_loop) else {
            return Err(self.error(line, "break outside a loop"));
        };
        let target = &fs.scopes[li];
        let levels = depth - target.depth + 1;
        let need_close = !target.close_after
            && (fs.scopes[li..].iter().any(|s| s.upval)
                || fs.scopes[li + 1..].iter().any(|s| s.close_after));
        let from = target.break_close as Reg;
        if need_close {
            self.emit(Op::Close { from }, line);
        }
        let pc = self.count_jump(line);
        self.push_node(Node::Break { levels, pc });
        Ok(())
    }

    fn goto(&mut self, name: &'a str, line: u32) -> CResult<()> {
        let depth = self.depth();
        let fs = self.fsr();
        let found = fs.scopes.iter().enumerate().rev().find_map(|(si, s)| {
            s.labels
                .iter()
                .find(|(n, _)| *n == name)
                .map(|&(_, id)| (si, id))
        });
        let Some((si, id)) = found else {
            return Err(self.error(line, &format!("no visible label '{name}' for goto")));
        };
        let label = &fs.labels[id as usize];
        let levels = depth - label.depth;
        // Registers that stay live at the label: those of the label's
        // scope as it is now (a label never sees more variables than its
        // gotos, the parser checks that).
        let level = if label.placed {
            label.reglevel
        } else if si + 1 < fs.scopes.len() {
            fs.scopes[si + 1].reglevel
        } else {
            fs.nregvars
        };
        let need_close =
            level < fs.nregvars && fs.scopes[si..].iter().any(|s| s.upval || s.close_after);
        if need_close {
            self.emit(Op::Close { from: level as Reg }, line);
        }
        let pc = self.count_jump(line);
        self.push_node(Node::Goto {
            levels,
            target: id,
            pc,
        });
        self.fs().has_goto = true;
        Ok(())
    }
}

/// The pc and test of the last leaf of `c` in evaluation order.
fn last_leaf(c: &Cond) -> Option<(u32, Test)> {
    let mut c = c;
    loop {
        match c {
            Cond::Leaf { pc, test, .. } => return Some((*pc, *test)),
            Cond::And(_, b, _) | Cond::Or(_, b, _) => c = b,
        }
    }
}
