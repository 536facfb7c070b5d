//! The walk: runs the Lua frames on top of the frame stack over their
//! structured code until they return below the loop's boundary.
//!
//! # Shape of the loop
//!
//! The running frame's state lives in locals: its closure, constants and
//! `base`, the current block (`block`), the position in it (`it`, an
//! iterator over the nodes not yet run: one compare and one add per node)
//! and the blocks of all its cursors (`blocks`, see [`Blocks`]). They are
//! loaded when the frame on top changes (`'frame`): a Lua→Lua call pushes a frame
//! and the loop carries on in the callee; a return pops it and the loop
//! rebuilds the caller's blocks from its cursors (a few steps) and carries
//! on after the call. Nothing recurses on the Rust stack.
//!
//! The cursor stack is the frame's *resumable* position; the locals are
//! the running one. A cursor's `pos` is written only when the walk may
//! leave the frame (a call, a metamethod frame, a condition's comparison
//! metamethod), and a cursor is pushed, replaced or popped only when the
//! walk enters, switches or leaves a block. Likewise the frame's `pc`
//! (line and variable-name information) is stored only before something
//! that can raise an error or call out, as in the flat executor.
//!
//! # Control nodes without detours
//!
//! A node's block ends (`it` is exhausted) and the parent node decides
//! what follows: a numeric `for` steps its integer counter in place and
//! restarts the body from its first node without touching the cursor
//! stack; a `while`/`repeat` evaluates its condition the same way; a
//! finished branch pops its cursor. Conditions whose `pre` blocks and
//! tests complete on fast paths are evaluated in place ([`cond_fast`]);
//! only a leaf that needs a metamethod, a call or an error runs (from that
//! node on) under a cursor of its own.

use lua_bytecode::{Node, Op, Proto};
use lua_runtime::error::LuaResult;
use lua_runtime::vm::frame::{Cursor, FrameFlags, FrameFn};
use lua_runtime::vm::interp::{self, Called, Finish};

use lua_runtime::{State, Value};

use crate::ITER;
use crate::blocks::Blocks;
use crate::cond::{CondNext, Go, cond_fast, cond_step, leaf_pc, leaf_pre};
use lua_runtime::vm::hook;
use lua_runtime::vm::regs;
use lua_runtime::vm::run::{self, Walked};

#[inline(always)]
fn cur(sub: u32, pos: usize) -> Cursor {
    Cursor {
        sub,
        pos: index_u32(pos),
    }
}

/// A position in a block or the index of a condition's leaf, as cursors
/// store them. Cannot truncate: both are bounded by the function's code
/// length (every leaf owns a pc, and so does every node except a folded
/// `Break`/`Goto`, which is alone in its block), at most `MAX_CODE_LEN` =
/// 2^28 (`verify`).
#[inline(always)]
#[allow(clippy::cast_possible_truncation)] // Cannot truncate: see above.
fn index_u32(i: usize) -> u32 {
    debug_assert!(i <= lua_bytecode::verify::MAX_CODE_LEN as usize);
    i as u32
}

/// The block `sub` of control node `node`. Always inlined: resuming a
/// frame after a call walks its cursors through it.
#[inline(always)]
fn sub_block(node: &Node, sub: u32) -> &[Node] {
    match node {
        Node::If(b) => match sub {
            0 => &b.then_.nodes,
            1 => &b.else_.nodes,
            s => leaf_pre(&b.cond, (s - 2) as usize),
        },
        Node::While(b) => match sub {
            0 => &b.body.nodes,
            s => leaf_pre(&b.cond, (s - 2) as usize),
        },
        Node::Repeat(b) => match sub {
            0 => &b.body.nodes,
            s => leaf_pre(&b.cond, (s - 2) as usize),
        },
        Node::Loop(b) => &b.body.nodes,
        Node::NumericFor(b) => &b.body.nodes,
        Node::GenericFor(b) => {
            if sub == ITER {
                &[]
            } else {
                &b.body.nodes
            }
        }
        _ => &[],
    }
}

/// The control node holding the last block of `blocks` (`None` for the
/// function body); `curs` are the frame's cursors.
#[inline(always)]
fn parent_node<'a>(blocks: &Blocks<'a>, curs: &[Cursor]) -> Option<&'a Node> {
    let d = blocks.len();
    if d < 2 {
        return None;
    }
    let pos = curs.get(d - 2)?.pos as usize;
    blocks.get(d - 2).get(pos)
}

/// How the node a frame was running goes on after the metamethod frame it
/// started returned.
enum Resumed {
    /// Complete: the next node.
    Next,
    /// Run the node again.
    Again,
    /// The end of a condition leaf's `pre` block: the comparison's outcome.
    Leaf(bool),
    /// Another metamethod frame was pushed: run it, the node waits.
    Suspended,
}

/// Complete `node` (`None`: the end of a condition leaf's `pre` block)
/// with `interp::finish_op`. Out of line: the frame entry it sits in
/// shares its function with the walk's hot loop.
#[inline(never)]
fn finish(
    st: &mut State,
    fi: usize,
    frame: (usize, usize),
    node: Option<&Node>,
    top: &mut usize,
) -> LuaResult<Resumed> {
    let Some(Node::Op { op, .. }) = node else {
        st.th.frames[fi].flags.remove(FrameFlags::FINISH);
        return Ok(Resumed::Leaf(st.th.stack[frame.0 + frame.1].truthy()));
    };
    Ok(match interp::finish_op(st, fi, frame, op, top)? {
        Finish::Done | Finish::Test(_) => Resumed::Next,
        Finish::Again => Resumed::Again,
        Finish::Suspended => Resumed::Suspended,
    })
}

/// A `Break`/`Goto` that is the whole then-block of an `If` without
/// else: the flat form folds it into the condition's jump, so it is no
/// instruction of its own (and raises no line event).
fn folded_jump(parent: Option<&Node>, sub: u32) -> bool {
    match parent {
        Some(Node::If(b)) => {
            sub == 0 && lua_bytecode::flatten::single_jump(&b.then_, &b.else_).is_some()
        }
        _ => false,
    }
}

#[cold]
#[inline(never)]
fn internal(st: &mut State, what: &str) -> lua_runtime::error::LuaError {
    st.rt_error(format!("internal error: {what}"))
}

/// Run Lua frames from the one on top until the frame count drops to
/// `boundary` (`Ok`) or an error escapes (`Err`; the caller unwinds).
pub(crate) fn run(st: &mut State, boundary: usize, top: &mut usize, fresh: bool) -> LuaResult<()> {
    run::hookable(st, boundary, top, fresh, run_in::<false>, run_in::<true>)
}

/// The walk, plain (`HOOKS == false`: nothing looks at hooks) or hooked
/// (every instruction, call and return raises its debug hook events, and
/// conditions run leaf by leaf so each test is traced; see lua-runtime's
/// `vm::hook`). Each hands over to the other when the hook mask changes.
/// `_fresh` is not needed: a frame that has not started has no cursors.
fn run_in<const HOOKS: bool>(
    st: &mut State,
    boundary: usize,
    top: &mut usize,
    _fresh: bool,
) -> LuaResult<Walked> {
    // Set by the quick return: the end of the results just delivered; the
    // stack is sized for the caller once its frame is loaded (its register
    // count is at hand then).
    let mut ret_end: Option<usize> = None;
    'frame: loop {
        let fi = st.th.frames.len() - 1;
        // Field by field: the frame was just written (push, or a pc save),
        // and a whole-struct copy would wait on store forwarding.
        let fr = &st.th.frames[fi];
        let (func_fn, base, cb, fflags) = (fr.func_fn, fr.base, fr.cursor_base as usize, fr.flags);
        let FrameFn::Lua(cl) = func_fn else {
            // Only Lua frames are left running on top of the loop.
            return Err(internal(st, "native frame on top"));
        };
        let fp = &cl.p;
        let proto: &Proto = &fp.proto;
        let k: &[Value] = &fp.consts;
        let maxr = proto.max_registers as usize;
        if let Some(end) = ret_end.take() {
            // As `post_call`: the caller's registers, or up to the results.
            // (A longer stack stays: see `interp::extend_nil_to`.)
            interp::extend_nil_to(&mut st.th.stack, (base + maxr).max(end));
        }
        let ncur = st.th.cursors.len() - cb;
        if HOOKS == st.th.hook.mask.is_empty() {
            return Ok(Walked::Switch { fresh: ncur == 0 });
        }
        if HOOKS && ncur == 0 {
            hook::call(st, fi)?;
        }
        let body: &[Node] = &proto.code.nodes;
        let mut blocks = Blocks::new(body);
        let mut pos: usize;
        let mut block: &[Node];
        // The node whose block `block` is, and which of its blocks
        // (`sub`): what the end of the block does.
        let mut parent: Option<&Node>;
        let mut sub: u32;
        if ncur == 0 {
            // A frame that has just been pushed: its body is the first block.
            st.th.cursors.push(cur(0, 0));
            (pos, block, parent, sub) = (0, body, None, 0);
        } else {
            for i in 1..ncur {
                let parent_pos = st.th.cursors[cb + i - 1].pos as usize;
                let b = match blocks.get(i - 1).get(parent_pos) {
                    Some(node) => sub_block(node, st.th.cursors[cb + i].sub),
                    None => &[],
                };
                blocks.push(b);
            }
            let last = st.th.cursors[cb + ncur - 1];
            pos = last.pos as usize;
            sub = last.sub;
            block = blocks.get(ncur - 1);
            parent = parent_node(&blocks, &st.th.cursors[cb..]);
        }
        let mut pending: Option<bool> = None;
        if fflags.contains(FrameFlags::FINISH) {
            // A metamethod frame returned: its result (just above the
            // registers) completes the node the cursor still points at.
            match finish(st, fi, (base, maxr), block.get(pos), top)? {
                Resumed::Next => pos += 1,
                Resumed::Again => {}
                Resumed::Leaf(v) => pending = Some(v),
                Resumed::Suspended => continue 'frame,
            }
        }

        // The walk's position: the nodes of `block` not yet run.
        let mut it = block.get(pos..).unwrap_or(&[]).iter();
        macro_rules! save_pc {
            ($pc:expr) => {
                st.th.frames[fi].pc = $pc
            };
        }
        // Record the current cursor's position: the frame may be left
        // (call, metamethod frame, yield) and resumed from the cursors.
        // The index in `block` of the node being run (the last one `it`
        // returned).
        macro_rules! node_pos {
            () => {
                block.len() - it.len() - 1
            };
        }
        macro_rules! save_pos {
            ($p:expr) => {{
                let p = $p;
                let d = blocks.len();
                st.th.cursors[cb + d - 1].pos = index_u32(p);
            }};
        }
        // Register access: every use is in the running frame (`base`) and
        // names a register below its `max_registers` (the `regs` module's
        // invariant).
        macro_rules! reg {
            ($x:expr) => {
                // SAFETY: see above.
                unsafe { regs::get_ref(st, base, $x) }
            };
        }
        macro_rules! r {
            ($x:expr) => {
                // SAFETY: see above.
                unsafe { regs::get(st, base, $x) }
            };
        }
        macro_rules! w {
            ($x:expr, $v:expr) => {{
                let v = $v;
                // SAFETY: see above.
                unsafe { regs::set(st, base, $x, v) }
            }};
        }
        // `R[x] := v` for a `v` just built as a number: tag and payload
        // stored from where the number is (see lua-runtime's `value` docs).
        macro_rules! wn {
            ($x:expr, $v:expr) => {{
                let v = $v;
                // SAFETY: see above.
                Value::store_number(unsafe { regs::slot(st, base, $x) }, v)
            }};
        }
        // The walk re-reads the stack on every register access: nothing
        // to re-derive after a call out.
        macro_rules! refresh {
            () => {};
        }
        // A Lua metamethod's frame was pushed: the node completes when this
        // frame resumes (`FrameFlags::FINISH`) from its cursor.
        macro_rules! suspend {
            () => {{
                save_pos!(node_pos!());
                continue 'frame;
            }};
        }
        // The common return, inline (`interp::quick_return`): the caller's
        // frame is reloaded from its cursors. Anything else goes to
        // `interp::do_return`.
        macro_rules! quick_return {
            ($first:expr, $n:expr) => {{
                let (first, n): (usize, usize) = ($first, $n);
                let needs_close = proto.needs_close;
                if let Some(end) =
                    interp::quick_return(st, fi, boundary, needs_close, (first, n), top)
                {
                    st.th.cursors.truncate(cb);
                    ret_end = Some(end);
                    continue 'frame;
                }
            }};
        }
        // The frame resumes at this node from its cursor.
        macro_rules! save_resume {
            () => {
                save_pos!(node_pos!())
            };
        }
        // The frame resumes after the call from its cursor.
        macro_rules! before_call {
            () => {
                save_pos!(node_pos!() + 1)
            };
        }
        macro_rules! enter_lua {
            ($c:expr, $base:expr) => {{
                let _ = ($c, $base);
                continue 'frame;
            }};
        }
        macro_rules! after_call {
            ($c:expr) => {
                match $c {
                    Called::Lua => continue 'frame,
                    Called::Done(t) => *top = t,
                }
            };
        }
        // A condition's first leaf from `$i` on: in place as far as fast
        // paths go, or (hooked) leaf by leaf under a cursor, so that each
        // instruction is traced.
        macro_rules! cond_from {
            ($c:expr, $i:expr) => {
                if HOOKS {
                    Go::Leaf($i, 0)
                } else {
                    cond_fast(st, base, k, &cl.upvals, $c, $i)
                }
            };
        }
        // Before the instruction at `$pc`: the line and count events.
        macro_rules! trace {
            ($pc:expr) => {
                if HOOKS && st.th.hook.needs_step() {
                    let pc = $pc;
                    st.th.frames[fi].pc = pc;
                    hook::step(st, fi, pc)?;
                }
            };
        }
        macro_rules! tail_entered {
            () => {
                continue 'frame
            };
        }
        macro_rules! tail_entered_lua {
            ($c:expr, $base:expr) => {{
                let _ = ($c, $base);
                continue 'frame;
            }};
        }
        // The end of a loop's body (or a `goto`): one tick of fuel, and
        // when it runs out, interrupts and limits are looked at (the
        // position is the last one the frame saved).
        macro_rules! tick {
            () => {
                if st.tick() {
                    st.attend()?;
                }
            };
        }
        macro_rules! returned {
            ($t:expr) => {{
                *top = $t;
                if st.th.frames.len() <= boundary {
                    return Ok(Walked::Done);
                }
                continue 'frame;
            }};
        }

        'walk: loop {
            // Enter block `$blk` (`sub` of the node at `pos`) at `$start`.
            macro_rules! enter {
                ($node:expr, $blk:expr, $sub:expr, $start:expr) => {{
                    let (blk, start): (&[Node], usize) = ($blk, $start);
                    save_pos!(node_pos!());
                    st.th.cursors.push(cur($sub, start));
                    blocks.push(blk);
                    parent = Some($node);
                    sub = $sub;
                    block = blk;
                    it = blk.get(start..).unwrap_or(&[]).iter();
                    continue 'walk;
                }};
            }
            // Leave `$levels` blocks; continue at `$target` in the block
            // reached, or after its node.
            macro_rules! jump {
                ($levels:expr, $target:expr) => {{
                    let levels = $levels as usize;
                    if levels >= blocks.len() {
                        return Err(internal(st, "jump out of the function body"));
                    }
                    let n = blocks.len() - levels;
                    st.th.cursors.truncate(cb + n);
                    blocks.truncate(n);
                    block = blocks.get(n - 1);
                    parent = parent_node(&blocks, &st.th.cursors[cb..]);
                    sub = st.th.cursors[cb + n - 1].sub;
                    let p = match $target {
                        Some(t) => t as usize,
                        None => st.th.cursors[cb + n - 1].pos as usize + 1,
                    };
                    it = block.get(p..).unwrap_or(&[]).iter();
                    continue 'walk;
                }};
            }

            while let Some(node) = it.next() {
                match node {
                    Node::Op { op, pc } => {
                        let pc = *pc;
                        trace!(pc);
                        macro_rules! save_pc {
                            () => {
                                st.th.frames[fi].pc = pc
                            };
                        }
                        macro_rules! cur_pc {
                            () => {
                                pc
                            };
                        }
                        lua_runtime::vm_instructions!(match op with (st, cl, k, base, maxr, fi, top, HOOKS) {
                            Op::Jmp { .. }
                            | lua_bytecode::cond_jumps!()
                            | Op::ForPrep { .. }
                            | Op::ForLoop { .. }
                            | Op::TForPrep { .. }
                            | Op::TForCall { .. }
                            | Op::TForLoop { .. } => {
                                return Err(internal(
                                    st,
                                    "flat-only instruction in structured code",
                                ));
                            }
                        });
                    }
                    Node::If(b) => match cond_from!(&b.cond, 0) {
                        Go::Done(true) => {
                            if !b.then_.nodes.is_empty() {
                                enter!(node, &b.then_.nodes, 0, 0);
                            }
                        }
                        Go::Done(false) => {
                            if !b.else_.nodes.is_empty() {
                                enter!(node, &b.else_.nodes, 1, 0);
                            }
                        }
                        Go::Leaf(j, p) => enter!(node, leaf_pre(&b.cond, j), 2 + index_u32(j), p),
                    },
                    Node::While(b) => match cond_from!(&b.cond, 0) {
                        Go::Done(true) => enter!(node, &b.body.nodes, 0, 0),
                        Go::Done(false) => {}
                        Go::Leaf(j, p) => enter!(node, leaf_pre(&b.cond, j), 2 + index_u32(j), p),
                    },
                    Node::Repeat(b) => enter!(node, &b.body.nodes, 0, 0),
                    Node::Loop(b) => enter!(node, &b.body.nodes, 0, 0),
                    Node::NumericFor(f) => {
                        trace!(f.prep_pc);
                        save_pc!(f.prep_pc);
                        let ra = base + f.base as usize;
                        let go = match interp::for_prep_int(&mut st.th.stack[ra..ra + 4]) {
                            Some(go) => go,
                            None => interp::for_prep(st, ra)?,
                        };
                        if go {
                            enter!(node, &f.body.nodes, 0, 0);
                        }
                    }
                    Node::GenericFor(f) => {
                        trace!(f.prep_pc);
                        save_pc!(f.prep_pc);
                        interp::tfor_prep(st, base + f.base as usize)?;
                        // Start at the end of the body: the block-end step
                        // calls the iterator.
                        enter!(node, &f.body.nodes, 0, f.body.nodes.len());
                    }
                    Node::Break { levels, pc } => {
                        if HOOKS && !folded_jump(parent, sub) {
                            trace!(*pc);
                        }
                        jump!(*levels, None::<u32>)
                    }
                    Node::Goto { levels, target, pc } => {
                        if HOOKS && !folded_jump(parent, sub) {
                            trace!(*pc);
                        }
                        // A `goto` may close a loop.
                        tick!();
                        jump!(*levels, Some(*target))
                    }
                }
            }

            // The end of the current block: its parent node says what
            // follows.
            let Some(node) = parent else {
                // The function body: the compiler ends every body with a
                // return, so this is only reached by a `goto` to its end.
                let t = interp::do_return(st, base, 0)?;
                returned!(t);
            };
            // Leave this control node: continue after it in the parent
            // block. (The block depth `d` is read where it is needed: the
            // loops' fast paths do without it.)
            macro_rules! leave {
                () => {{
                    let d = blocks.len();
                    st.th.cursors.truncate(cb + d - 1);
                    blocks.truncate(d - 1);
                    block = blocks.get(d - 2);
                    parent = parent_node(&blocks, &st.th.cursors[cb..]);
                    sub = st.th.cursors[cb + d - 2].sub;
                    let p = st.th.cursors[cb + d - 2].pos as usize + 1;
                    it = block.get(p..).unwrap_or(&[]).iter();
                    continue 'walk;
                }};
            }
            // Continue in block `$sub` of the same node.
            macro_rules! switch {
                ($blk:expr, $sub:expr) => {
                    switch!($blk, $sub, 0)
                };
                ($blk:expr, $sub:expr, $start:expr) => {{
                    let (blk, start): (&[Node], usize) = ($blk, $start);
                    sub = $sub;
                    let d = blocks.len();
                    st.th.cursors[cb + d - 1] = cur(sub, start);
                    blocks.set_top(blk);
                    block = blk;
                    it = block.get(start..).unwrap_or(&[]).iter();
                    continue 'walk;
                }};
            }
            // The condition's state after its leaf `sub - 2` ran its `pre`
            // block: the leaf's test (a comparison metamethod suspends the
            // frame at this block's end), then the following leaves in
            // place as far as they allow.
            macro_rules! cond_after_pre {
                ($c:expr) => {{
                    let c = $c;
                    save_pos!(block.len());
                    let i = (sub - 2) as usize;
                    if pending.is_none() {
                        trace!(leaf_pc(c, i));
                    }
                    match cond_step(st, base, maxr, k, fi, c, i, &mut pending)? {
                        None => continue 'frame,
                        Some(CondNext::Done(v)) => Go::Done(v),
                        Some(CondNext::Leaf(j)) => cond_from!(c, j),
                    }
                }};
            }
            match node {
                Node::NumericFor(f) => {
                    trace!(f.loop_pc);
                    // SAFETY: the loop's registers are the running frame's
                    // (see `reg!`).
                    let regs = unsafe { regs::for_regs(st, base, f.base) };
                    if let (Value::Int(i), Value::Int(count), Value::Int(step)) =
                        (&regs[0], &regs[1], &regs[2])
                    {
                        if *count != 0 {
                            let (ni, nc) = (i.wrapping_add(*step), *count - 1);
                            Value::store_int(&mut regs[1], nc);
                            Value::store_int(&mut regs[0], ni);
                            Value::store_int(&mut regs[3], ni);
                            // Every 1024th iteration only, for 1024 units
                            // of fuel, as the flat loop.
                            if nc & 1023 == 0 && st.tick_n(1024) {
                                st.attend()?;
                            }
                            it = block.iter();
                            continue 'walk;
                        }
                    } else if interp::for_step(regs) {
                        tick!();
                        it = block.iter();
                        continue 'walk;
                    }
                    leave!();
                }
                Node::Loop(b) => {
                    trace!(b.back_pc);
                    tick!();
                    it = block.iter();
                    continue 'walk;
                }
                Node::If(b) => {
                    if sub < 2 {
                        if sub == 0 && !b.else_.nodes.is_empty() {
                            trace!(b.jump_pc);
                        }
                        leave!();
                    }
                    match cond_after_pre!(&b.cond) {
                        Go::Done(true) => switch!(&b.then_.nodes, 0),
                        Go::Done(false) => switch!(&b.else_.nodes, 1),
                        Go::Leaf(j, p) => switch!(leaf_pre(&b.cond, j), 2 + index_u32(j), p),
                    }
                }
                Node::While(b) => {
                    let go = if sub == 0 {
                        trace!(b.back_pc);
                        tick!();
                        cond_from!(&b.cond, 0)
                    } else {
                        cond_after_pre!(&b.cond)
                    };
                    match go {
                        Go::Done(true) => {
                            if sub == 0 {
                                it = block.iter();
                                continue 'walk;
                            }
                            switch!(&b.body.nodes, 0)
                        }
                        Go::Done(false) => leave!(),
                        Go::Leaf(j, p) => switch!(leaf_pre(&b.cond, j), 2 + index_u32(j), p),
                    }
                }
                Node::Repeat(b) => {
                    let go = if sub == 0 {
                        tick!();
                        cond_from!(&b.cond, 0)
                    } else {
                        cond_after_pre!(&b.cond)
                    };
                    match go {
                        Go::Done(true) => leave!(),
                        Go::Done(false) => {
                            if sub == 0 {
                                it = block.iter();
                                continue 'walk;
                            }
                            switch!(&b.body.nodes, 0)
                        }
                        Go::Leaf(j, p) => switch!(leaf_pre(&b.cond, j), 2 + index_u32(j), p),
                    }
                }
                Node::GenericFor(f) => {
                    if sub == ITER {
                        trace!(f.loop_pc);
                        let v = r!(f.base + 4);
                        if v.is_nil() {
                            leave!();
                        }
                        w!(f.base + 2, v);
                        switch!(&f.body.nodes, 0);
                    }
                    tick!();
                    trace!(f.call_pc);
                    // Call the iterator: R[ra+4..] := R[ra](R[ra+1], R[ra+2]).
                    let ra = base + f.base as usize;
                    save_pc!(f.call_pc);
                    let d = blocks.len();
                    st.th.cursors[cb + d - 1] = cur(ITER, 0);
                    sub = ITER;
                    blocks.set_top(&[]);
                    block = &[];
                    it = block.iter();
                    match interp::tfor_call(st, ra, f.nvars, base + maxr)? {
                        Called::Lua => continue 'frame,
                        Called::Done(t) => {
                            *top = t;
                            // The cursor waits at the iterator's results.
                            lua_runtime::vm_hooks_changed!(st, HOOKS);
                            continue 'walk;
                        }
                    }
                }
                _ => return Err(internal(st, "bad block parent")),
            }
        }
    }
}
