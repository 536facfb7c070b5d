//! The flat form implements exactly the control flow of the structured form.
//!
//! Both forms of every function are run by two tiny "control-flow-only"
//! walkers that ignore values: each test (a condition leaf / a flat
//! conditional jump) and each loop decision (`ForPrep`, `ForLoop`, `TForLoop`)
//! takes its outcome from the same pseudo-random bit sequence, and every
//! instruction executed is recorded by pc. The structured walker follows the
//! documented semantics of [`Node`] (`Break` leaves `levels` blocks and ends
//! the loop reached, `Goto` leaves `levels` blocks and continues at
//! `target`); the flat walker follows the jumps. If `flatten` is right, the
//! two traces are identical for every bit sequence. Run over the test
//! programs, every `.lua` file of the repository and random programs.

use std::path::Path;
use std::rc::Rc;

use lua_bytecode::{Block, Cond, Node, Op, Proto, compile_source};

mod common;

const MAX_EVENTS: usize = 3000;

/// Jumps taken without recording anything (a `goto` to itself is a cycle
/// of jumps alone, as `::l:: goto l` is): both walkers stop there.
const MAX_JUMPS: usize = 100_000;

struct Oracle {
    state: u64,
    events: Vec<u32>,
    jumps: usize,
}

impl Oracle {
    fn bit(&mut self) -> bool {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        // Bias towards "true" a little so loops run several iterations.
        self.state % 8 < 5
    }

    fn record(&mut self, pc: u32) -> bool {
        self.events.push(pc);
        self.events.len() < MAX_EVENTS
    }

    /// A jump: `false` when there were too many.
    fn jump(&mut self) -> bool {
        self.jumps += 1;
        self.jumps < MAX_JUMPS
    }
}

/// How a structured block was left.
enum Flow {
    Normal,
    Break(u32),
    Goto(u32, u32),
    Stop,
}

fn is_return(op: &Op) -> bool {
    matches!(
        op,
        Op::Return { .. } | Op::Return0 | Op::Return1 { .. } | Op::TailCall { .. }
    )
}

fn tree_cond(c: &Cond, o: &mut Oracle) -> Option<bool> {
    match c {
        Cond::Leaf {
            pre, negate, pc, ..
        } => {
            match tree_block(pre, o) {
                Flow::Normal => {}
                _ => return None,
            }
            if !o.record(*pc) {
                return None;
            }
            Some(o.bit() != *negate)
        }
        Cond::And(a, b, _) => {
            if tree_cond(a, o)? {
                tree_cond(b, o)
            } else {
                Some(false)
            }
        }
        Cond::Or(a, b, _) => {
            if tree_cond(a, o)? {
                Some(true)
            } else {
                tree_cond(b, o)
            }
        }
    }
}

/// Run a nested block; `Some(flow)` means "leave the current block with
/// this flow", `None` means "carry on after the node".
fn nested(f: Flow, is_loop_body: bool, i: &mut usize, jumped: &mut bool) -> Option<Flow> {
    match f {
        Flow::Normal => None,
        Flow::Stop => Some(Flow::Stop),
        Flow::Break(1) if is_loop_body => None,
        Flow::Break(l) => Some(Flow::Break(l - 1)),
        Flow::Goto(1, t) => {
            *i = t as usize;
            *jumped = true;
            None
        }
        Flow::Goto(l, t) => Some(Flow::Goto(l - 1, t)),
    }
}

fn tree_block(b: &Block, o: &mut Oracle) -> Flow {
    let mut i = 0;
    'nodes: while i < b.nodes.len() {
        let mut jumped = false;
        match &b.nodes[i] {
            Node::Op { op, pc } => {
                if !o.record(*pc) || is_return(op) {
                    return Flow::Stop;
                }
            }
            Node::Break { levels, .. } => return Flow::Break(*levels),
            Node::Goto {
                levels: 0, target, ..
            } => {
                if !o.jump() {
                    return Flow::Stop;
                }
                i = *target as usize;
                continue 'nodes;
            }
            Node::Goto { levels, target, .. } => return Flow::Goto(*levels, *target),
            Node::If(n) => {
                let Some(c) = tree_cond(&n.cond, o) else {
                    return Flow::Stop;
                };
                let f = tree_block(if c { &n.then_ } else { &n.else_ }, o);
                if let Some(f) = nested(f, false, &mut i, &mut jumped) {
                    return f;
                }
            }
            Node::While(n) => loop {
                match tree_cond(&n.cond, o) {
                    None => return Flow::Stop,
                    Some(false) => break,
                    Some(true) => {}
                }
                let f = tree_block(&n.body, o);
                let brk = matches!(f, Flow::Break(1));
                if let Some(f) = nested(f, true, &mut i, &mut jumped) {
                    return f;
                }
                if brk || jumped {
                    break;
                }
            },
            Node::Repeat(n) => loop {
                let f = tree_block(&n.body, o);
                let brk = matches!(f, Flow::Break(1));
                if let Some(f) = nested(f, true, &mut i, &mut jumped) {
                    return f;
                }
                if brk || jumped {
                    break;
                }
                match tree_cond(&n.cond, o) {
                    None => return Flow::Stop,
                    Some(true) => break,
                    Some(false) => {}
                }
            },
            Node::Loop(n) => loop {
                let f = tree_block(&n.body, o);
                let brk = matches!(f, Flow::Break(1));
                if let Some(f) = nested(f, true, &mut i, &mut jumped) {
                    return f;
                }
                if brk || jumped {
                    break;
                }
            },
            Node::NumericFor(n) => {
                if !o.record(n.prep_pc) {
                    return Flow::Stop;
                }
                if o.bit() {
                    loop {
                        let f = tree_block(&n.body, o);
                        let brk = matches!(f, Flow::Break(1));
                        if let Some(f) = nested(f, true, &mut i, &mut jumped) {
                            return f;
                        }
                        if brk || jumped {
                            break;
                        }
                        if !o.record(n.loop_pc) {
                            return Flow::Stop;
                        }
                        if !o.bit() {
                            break;
                        }
                    }
                }
            }
            Node::GenericFor(n) => {
                if !o.record(n.prep_pc) {
                    return Flow::Stop;
                }
                loop {
                    if !o.record(n.call_pc) || !o.record(n.loop_pc) {
                        return Flow::Stop;
                    }
                    if !o.bit() {
                        break;
                    }
                    let f = tree_block(&n.body, o);
                    let brk = matches!(f, Flow::Break(1));
                    if let Some(f) = nested(f, true, &mut i, &mut jumped) {
                        return f;
                    }
                    if brk || jumped {
                        break;
                    }
                }
            }
        }
        if !jumped {
            i += 1;
        }
    }
    Flow::Normal
}

fn flat_run(code: &[Op], o: &mut Oracle) {
    let mut pc = 0usize;
    while let Some(op) = code.get(pc) {
        let this = pc as u32;
        pc += 1;
        match *op {
            Op::Jmp { target } => {
                if !o.jump() {
                    return;
                }
                pc = target as usize;
                continue;
            }
            _ => {
                if !o.record(this) || is_return(op) {
                    return;
                }
            }
        }
        if let Some((_, when, target)) = op.as_cond_jump() {
            if o.bit() == when {
                pc = target as usize;
            }
            continue;
        }
        match *op {
            Op::ForPrep { target, .. } if !o.bit() => pc = target as usize,
            Op::ForLoop { target, .. } | Op::TForLoop { target, .. } if o.bit() => {
                pc = target as usize
            }
            Op::TForPrep { target, .. } => pc = target as usize,
            _ => {}
        }
    }
}

fn check_proto(p: &Rc<Proto>, what: &str) {
    for seed in 1..=8u64 {
        let mut a = Oracle {
            state: seed * 0x2545_F491,
            events: Vec::new(),
            jumps: 0,
        };
        let mut b = Oracle {
            state: seed * 0x2545_F491,
            events: Vec::new(),
            jumps: 0,
        };
        tree_block(&p.code, &mut a);
        flat_run(&p.flat().code, &mut b);
        assert_eq!(
            a.events, b.events,
            "{what}: function at line {} diverges (seed {seed})",
            p.line_defined
        );
    }
    for c in &p.protos {
        check_proto(c, what);
    }
}

#[test]
fn flat_form_follows_structured_control_flow_on_repo_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    common::lua_files(&root, &mut files);
    let mut n = 0;
    for f in &files {
        let src = std::fs::read(f).unwrap();
        if let Ok(p) = compile_source(&src, "=file") {
            check_proto(&p, &f.display().to_string());
            n += 1;
        }
    }
    assert!(n >= 40);
}

#[test]
fn flat_form_follows_structured_control_flow_on_random_programs() {
    for seed in 1..=400u64 {
        let src = common::program(seed);
        if let Ok(p) = compile_source(src.as_bytes(), "=random") {
            check_proto(&p, &format!("seed {seed}\n{src}"));
        }
    }
}
