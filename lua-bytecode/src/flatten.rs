//! Lowering of structured code to the flat form (one instruction array with
//! resolved jump targets).
//!
//! # Layout
//!
//! The layout is fixed, because the compiler predicts it to number every
//! instruction (see [`crate::proto`]); each construct becomes:
//!
//! ```text
//! Op                 the op itself
//! If                 cond(jump to ELSE when false) then [Jmp END] ELSE: else END:
//!                    (the Jmp only when `else` is not empty)
//! If c [Break|Goto]  cond(jump to the jump's target when true)   -- no else
//! While              TOP: cond(jump to EXIT when false) body Jmp TOP EXIT:
//! Repeat             TOP: body cond(jump to TOP when false) EXIT:
//! Loop               TOP: body Jmp TOP EXIT:
//! NumericFor         ForPrep(EXIT) BODY: body ForLoop(BODY) EXIT:
//! GenericFor         TForPrep(CALL) BODY: body CALL: TForCall TForLoop(BODY) EXIT:
//! Break / Goto       Jmp
//! ```
//!
//! A condition emits, for each leaf in order, its `pre` block and exactly
//! one conditional jump (`Op::cond_jump`): `and`/`or` only change where each jump goes
//! (the classic "jump on false / jump on true" lists of lcode.c). So the
//! size of a construct is known when the compiler emits it.
//!
//! The end of a loop body (a `Goto` with `target == nodes.len()`) is the
//! loop's continuation: the back `Jmp`, the condition of a `Repeat`, the
//! `ForLoop` or the `TForCall`.

use crate::opcode::{Op, Test};
use crate::proto::{Block, Cond, FlatCode, Node, Proto};
use crate::verify::{RED_ZONE, STACK_SEGMENT};

/// Lower `proto`'s structured code to flat code. Prefer [`Proto::flat`],
/// which caches the result.
pub fn flatten(proto: &Proto) -> FlatCode {
    let mut f = Flattener {
        code: Vec::with_capacity(proto.code_len as usize),
        labels: Vec::new(),
        fixups: Vec::new(),
        frames: Vec::new(),
        starts: Vec::new(),
    };
    f.block(&proto.code, None);
    let Flattener {
        mut code,
        labels,
        fixups,
        starts,
        ..
    } = f;
    let mut past_end = false;
    for (at, target) in fixups {
        let pc = match target {
            Target::Label(l) => labels[l as usize],
            Target::Node { frame, index } => starts[frame as usize][index as usize],
        };
        past_end |= pc as usize >= code.len();
        set_target(&mut code[at], pc);
    }
    // The executors rely on this to walk the code with a raw instruction
    // pointer (see `FlatCode`). The compiler always ends a function with a
    // return, so this adds nothing to compiled code; it only closes a
    // hand-built `Proto` that would otherwise run (or jump) off its end.
    if past_end || !ends_closed(&code) {
        code.push(Op::Return0);
    }
    FlatCode { code }
}

/// Whether `code` ends with an instruction that never falls through (part
/// of the [`FlatCode`] invariant; executors may check it in debug builds).
pub fn ends_closed(code: &[Op]) -> bool {
    matches!(
        code.last(),
        Some(
            Op::Return { .. }
                | Op::Return0
                | Op::Return1 { .. }
                | Op::TailCall { .. }
                | Op::Jmp { .. }
        )
    )
}

/// Where a jump goes, resolved once everything is laid out.
#[derive(Clone, Copy)]
enum Target {
    Label(u32),
    Node { frame: u32, index: u32 },
}

struct Frame {
    /// Index into `Flattener::starts`.
    id: u32,
    /// For a loop body: the label of the loop's exit.
    exit: Option<u32>,
}

struct Flattener {
    code: Vec<Op>,
    labels: Vec<u32>,
    fixups: Vec<(usize, Target)>,
    frames: Vec<Frame>,
    /// For each block laid out: the pc of each node, plus the end pc.
    starts: Vec<Vec<u32>>,
}

fn set_target(op: &mut Op, pc: u32) {
    if let Some(t) = op.target_mut() {
        *t = pc;
    }
}

impl Flattener {
    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    fn new_label(&mut self) -> u32 {
        self.labels.push(u32::MAX);
        (self.labels.len() - 1) as u32
    }

    fn place(&mut self, label: u32) {
        self.labels[label as usize] = self.pc();
    }

    fn emit_jump(&mut self, op: Op, target: Target) {
        self.fixups.push((self.code.len(), target));
        self.code.push(op);
    }

    /// Lay out `block`; `exit` is the exit label when it is a loop body.
    /// `end` (called before the frame is popped) emits the loop's
    /// continuation, which is where the end of the body lands.
    fn block(&mut self, block: &Block, exit: Option<u32>) {
        // Nesting is bounded (`verify::MAX_NESTING` for loaded code), but
        // deep enough that a small thread stack needs more room.
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.open(exit);
            self.nodes(block);
            self.close();
        })
    }

    fn open(&mut self, exit: Option<u32>) {
        let id = self.starts.len() as u32;
        self.starts.push(Vec::new());
        self.frames.push(Frame { id, exit });
    }

    fn nodes(&mut self, block: &Block) {
        let id = self.frames.last().map_or(0, |f| f.id) as usize;
        for node in &block.nodes {
            let pc = self.pc();
            self.starts[id].push(pc);
            self.node(node);
        }
        let pc = self.pc();
        self.starts[id].push(pc);
    }

    fn close(&mut self) {
        self.frames.pop();
    }

    /// The target of a `Break` (`levels >= 1`) seen from `depth` frames
    /// above the current one.
    fn break_target(&self, levels: u32, extra: u32) -> Target {
        let idx = self.frames.len() + extra as usize - levels as usize;
        let exit = self.frames[idx].exit.unwrap_or(0);
        Target::Label(exit)
    }

    fn goto_target(&self, levels: u32, target: u32, extra: u32) -> Target {
        let idx = self.frames.len() + extra as usize - 1 - levels as usize;
        Target::Node {
            frame: self.frames[idx].id,
            index: target,
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Op { op, .. } => self.code.push(*op),
            Node::Break { levels, .. } => {
                let t = self.break_target(*levels, 0);
                self.emit_jump(Op::Jmp { target: 0 }, t);
            }
            Node::Goto { levels, target, .. } => {
                let t = self.goto_target(*levels, *target, 0);
                self.emit_jump(Op::Jmp { target: 0 }, t);
            }
            Node::If(i) => {
                if let Some(t) = single_jump(&i.then_, &i.else_) {
                    // The then-branch would be a frame one level deeper:
                    // resolve its jump as seen from there.
                    let target = match *t {
                        Node::Break { levels, .. } => self.break_target(levels, 1),
                        Node::Goto { levels, target, .. } => self.goto_target(levels, target, 1),
                        _ => unreachable_target(),
                    };
                    self.cond(&i.cond, true, target);
                    return;
                }
                let else_l = self.new_label();
                self.cond(&i.cond, false, Target::Label(else_l));
                self.block(&i.then_, None);
                if i.else_.nodes.is_empty() {
                    self.place(else_l);
                } else {
                    let end = self.new_label();
                    self.emit_jump(Op::Jmp { target: 0 }, Target::Label(end));
                    self.place(else_l);
                    self.block(&i.else_, None);
                    self.place(end);
                }
            }
            Node::While(w) => {
                let top = self.new_label();
                let exit = self.new_label();
                self.place(top);
                self.cond(&w.cond, false, Target::Label(exit));
                self.block(&w.body, Some(exit));
                self.emit_jump(Op::Jmp { target: 0 }, Target::Label(top));
                self.place(exit);
            }
            Node::Repeat(r) => {
                let top = self.new_label();
                let exit = self.new_label();
                self.place(top);
                self.block(&r.body, Some(exit));
                self.cond(&r.cond, false, Target::Label(top));
                self.place(exit);
            }
            Node::Loop(l) => {
                let top = self.new_label();
                let exit = self.new_label();
                self.place(top);
                self.block(&l.body, Some(exit));
                self.emit_jump(Op::Jmp { target: 0 }, Target::Label(top));
                self.place(exit);
            }
            Node::NumericFor(f) => {
                let body = self.new_label();
                let exit = self.new_label();
                self.emit_jump(
                    Op::ForPrep {
                        base: f.base,
                        target: 0,
                    },
                    Target::Label(exit),
                );
                self.place(body);
                self.block(&f.body, Some(exit));
                self.emit_jump(
                    Op::ForLoop {
                        base: f.base,
                        target: 0,
                    },
                    Target::Label(body),
                );
                self.place(exit);
            }
            Node::GenericFor(f) => {
                let body = self.new_label();
                let call = self.new_label();
                let exit = self.new_label();
                self.emit_jump(
                    Op::TForPrep {
                        base: f.base,
                        target: 0,
                    },
                    Target::Label(call),
                );
                self.place(body);
                self.block(&f.body, Some(exit));
                self.place(call);
                self.code.push(Op::TForCall {
                    base: f.base,
                    nvars: f.nvars,
                });
                self.emit_jump(
                    Op::TForLoop {
                        base: f.base,
                        target: 0,
                    },
                    Target::Label(body),
                );
                self.place(exit);
            }
        }
    }

    /// Emit `cond` so that control goes to `target` when the condition's
    /// value equals `jump_when` and falls through otherwise.
    fn cond(&mut self, cond: &Cond, jump_when: bool, target: Target) {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.cond_inner(cond, jump_when, target)
        })
    }

    fn cond_inner(&mut self, cond: &Cond, jump_when: bool, target: Target) {
        match cond {
            Cond::Leaf {
                pre, test, negate, ..
            } => {
                self.block(pre, None);
                let op = leaf_jump(*test, jump_when != *negate);
                self.emit_jump(op, target);
            }
            Cond::And(a, b, _) => {
                if jump_when {
                    let skip = self.new_label();
                    self.cond(a, false, Target::Label(skip));
                    self.cond(b, true, target);
                    self.place(skip);
                } else {
                    self.cond(a, false, target);
                    self.cond(b, false, target);
                }
            }
            Cond::Or(a, b, _) => {
                if jump_when {
                    self.cond(a, true, target);
                    self.cond(b, true, target);
                } else {
                    let skip = self.new_label();
                    self.cond(a, true, Target::Label(skip));
                    self.cond(b, false, target);
                    self.place(skip);
                }
            }
        }
    }
}

fn leaf_jump(test: Test, jump_if_true: bool) -> Op {
    Op::cond_jump(test, jump_if_true, 0)
}

fn unreachable_target() -> Target {
    Target::Label(0)
}

/// `if c then break end` / `if c then goto l end`: the then-branch is one
/// jump that leaves it and there is no else, so the condition jumps there
/// directly. A `goto` that stays in the then-branch (`if c then ::l::
/// goto l end`, `levels == 0`) is not folded: its target is a position
/// in the branch, which has no code of its own once folded. The compiler
/// relies on the same test to number instructions.
pub fn single_jump<'b>(then_: &'b Block, else_: &Block) -> Option<&'b Node> {
    match (then_.nodes.as_slice(), else_.nodes.is_empty()) {
        ([n @ Node::Break { .. }], true) => Some(n),
        ([n @ Node::Goto { levels, .. }], true) if *levels > 0 => Some(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(code: &[Op]) -> Vec<u32> {
        code.iter().filter_map(Op::jump_target).collect()
    }

    /// A body without its final return (as no compiled function is, but a
    /// hand-built `Proto` can be) still lowers to code that ends closed,
    /// with every jump target inside it.
    #[test]
    fn open_ended_code_is_closed() {
        for src in [
            "local x = 1",
            "local x = 3 while x > 0 do x = x - 1 end",
            "",
        ] {
            let proto = crate::compile_source(src.as_bytes(), "=t").unwrap();
            let mut proto = std::rc::Rc::try_unwrap(proto).unwrap();
            let last = proto.code.nodes.pop();
            assert!(
                matches!(
                    last,
                    Some(Node::Op {
                        op: Op::Return0,
                        ..
                    })
                ),
                "{src}"
            );
            proto.flat = Default::default();
            let code = &proto.flat().code;
            assert!(ends_closed(code), "{src}");
            assert!(
                targets(code).iter().all(|&t| (t as usize) < code.len()),
                "{src}"
            );
        }
    }
}
