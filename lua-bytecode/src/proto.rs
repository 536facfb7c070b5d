//! Function prototypes: the structured code, constants, upvalue descriptors
//! and the debug side tables shared by both code forms.
//!
//! # One numbering for both forms
//!
//! Every instruction has a *pc*: its index in the flat array
//! ([`FlatCode::code`], built by [`crate::flatten()`]). The structured form
//! records that pc next to each ordinary instruction ([`Node::Op::pc`]), each
//! test ([`Cond::Leaf::pc`]) and each loop's setup/iterator call, so the side
//! tables below — line numbers, local-variable live ranges, operand names —
//! are indexed by pc and serve both executors unchanged. The compiler assigns
//! the pcs while it emits; `flatten` lays the code out so that each ordinary
//! `Op` lands exactly at its recorded pc (a test checks this on every
//! program).

use std::cell::OnceCell;
use std::rc::Rc;

use crate::opcode::{Op, Reg, Test};

/// A constant of a function (`K[k]`). Deduplicated per function.
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A byte string (Lua strings are not UTF-8).
    Str(Rc<[u8]>),
}

/// How a closure captures one upvalue when [`Op::Closure`] runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpvalDesc {
    /// Name of the captured variable (for error messages and `debug`).
    pub name: Rc<str>,
    /// `true`: capture register `index` of the enclosing function's frame;
    /// `false`: share the enclosing closure's upvalue `index`.
    pub in_stack: bool,
    pub index: u8,
}

/// A local variable's name, register and live range (`start_pc..end_pc`,
/// flat pcs: the variable is active for instructions with
/// `start_pc <= pc < end_pc`). As `luac -l -l` lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalVar {
    pub name: Rc<str>,
    pub reg: Reg,
    pub start_pc: u32,
    pub end_pc: u32,
}

/// How a value in a register was obtained, for error messages
/// ("attempt to index a nil value (global 'x')") and tracebacks
/// ("in function 'name'"), matching PUC-Rio's `getobjname`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    Local,
    Global,
    Field,
    Upvalue,
    Method,
    Constant,
}

impl NameKind {
    /// The word lua5.4 uses: `local`, `global`, `field`, `upvalue`,
    /// `method`, `constant`.
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Local => "local",
            NameKind::Global => "global",
            NameKind::Field => "field",
            NameKind::Upvalue => "upvalue",
            NameKind::Method => "method",
            NameKind::Constant => "constant",
        }
    }
}

/// The name of the operand in register `reg` of the instruction at `pc`.
///
/// A register that holds an active local variable is named by
/// [`DebugInfo::local_name`] (check it first, as PUC-Rio's `getobjname`
/// does); this table records the other names: global, field, upvalue,
/// method and constant.
///
/// Recorded for every register operand an instruction may fail on: the
/// indexed object of `Get*`/`Set*`/`Method`, both operands of arithmetic and
/// bitwise instructions, the operand of `Unm`/`BNot`/`Len`, every value of a
/// `Concat`, the called value of `Call`/`TailCall` (which is also the
/// traceback's function name). For `GetTabUp`/`SetTabUp` the indexed object
/// is an upvalue: use [`Proto::upvalues`]`[up].name` ("upvalue '_ENV'").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperandName {
    pub pc: u32,
    pub reg: Reg,
    pub kind: NameKind,
    pub name: Rc<[u8]>,
}

/// Debug information, kept out of the instruction arrays.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DebugInfo {
    /// Source line of each pc (`lines.len() == flat code length`).
    pub lines: Vec<u32>,
    /// Local variables in declaration order.
    pub locals: Vec<LocalVar>,
    /// Operand names sorted by `(pc, reg)`.
    pub names: Vec<OperandName>,
}

impl DebugInfo {
    /// Line of the instruction at `pc` (0 if out of range).
    pub fn line(&self, pc: u32) -> u32 {
        self.lines.get(pc as usize).copied().unwrap_or(0)
    }

    /// Name of the local variable living in register `reg` at `pc`, as
    /// PUC-Rio's `luaF_getlocalname` finds it.
    pub fn local_name(&self, reg: Reg, pc: u32) -> Option<&str> {
        self.locals
            .iter()
            .find(|l| l.reg == reg && l.start_pc <= pc && pc < l.end_pc)
            .map(|l| &*l.name)
    }

    /// How register `reg`, an operand of the instruction at `pc`, was
    /// obtained, if it has a name other than a local's (see
    /// [`DebugInfo::local_name`] for those).
    pub fn operand_name(&self, pc: u32, reg: Reg) -> Option<(NameKind, &[u8])> {
        let start = self.names.partition_point(|n| (n.pc, n.reg) < (pc, reg));
        self.names
            .get(start)
            .filter(|n| n.pc == pc && n.reg == reg)
            .map(|n| (n.kind, &*n.name))
    }
}

/// A compiled function.
#[derive(Debug)]
pub struct Proto {
    /// The chunk name (`"@file.lua"`, `"=stdin"`, or the source text).
    pub source: Rc<str>,
    /// Line of `function` (0 for the main chunk).
    pub line_defined: u32,
    /// Line of the closing `end` (0 for the main chunk).
    pub last_line_defined: u32,
    pub num_params: u8,
    pub is_vararg: bool,
    /// Exact frame size: no instruction names a register `>=` this.
    pub max_registers: u8,
    /// Some return must close upvalues or to-be-closed variables first (a
    /// local of the function is captured by a closure or is `<close>`).
    pub needs_close: bool,
    /// The body, structured.
    pub code: Block,
    pub constants: Vec<Constant>,
    /// Functions defined inside this one ([`Op::Closure`] indexes them).
    pub protos: Vec<Rc<Proto>>,
    pub upvalues: Vec<UpvalDesc>,
    pub debug: DebugInfo,
    /// Number of flat instructions (the pcs run `0..code_len`).
    pub code_len: u32,
    pub(crate) flat: OnceCell<FlatCode>,
}

impl Proto {
    /// The flat form of this function, built on first use and cached.
    pub fn flat(&self) -> &FlatCode {
        self.flat.get_or_init(|| crate::flatten::flatten(self))
    }
}

/// The flat form of one function: ordinary instructions plus resolved jumps.
///
/// **Invariant** (for the `FlatCode` of [`Proto::flat`], the only one an
/// executor runs): the last instruction never falls through (a return, a
/// tail call or a jump), and every jump target is an index into `code`.
/// So an instruction pointer that starts inside `code` and moves only one
/// step past an instruction that falls through, or to a jump target, stays
/// inside `code`; the flat executor relies on it for unchecked fetches.
#[derive(Clone, Debug, PartialEq)]
pub struct FlatCode {
    pub code: Vec<Op>,
}

/// A list of nodes executed in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    pub nodes: Vec<Node>,
}

/// One element of a structured block.
///
/// Jumps name their target by *levels*: how many enclosing structured
/// blocks they leave, counting the block the jump itself is in. The blocks
/// are the bodies held by control nodes (`If` branches, loop bodies,
/// never the `pre` blocks of conditions, which hold no jumps) and the
/// function body. `do ... end` blocks are not nodes: their statements are
/// emitted inline into the enclosing block.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// An ordinary instruction (never a *flat only* one) and its pc.
    Op { op: Op, pc: u32 },
    /// `if cond then then_ else else_ end`
    If(Box<If>),
    /// `while cond do body end`
    While(Box<While>),
    /// `repeat body until cond` (the condition sees the body's registers).
    Repeat(Box<Repeat>),
    /// An endless loop left only by `Break`/`Goto`/return (`while true`,
    /// `repeat ... until false`, and `repeat` whose body needs a `Close`
    /// after the condition).
    Loop(Box<Loop>),
    /// Numeric `for`; see [`Op::ForPrep`] for the registers.
    NumericFor(Box<NumericFor>),
    /// Generic `for`; see [`Op::TForCall`] for the registers.
    GenericFor(Box<GenericFor>),
    /// Leave `levels >= 1` blocks; the last one left is a loop body, and
    /// that loop ends. `pc` is the flat `Jmp`'s pc (meaningless when the
    /// jump is the whole then-block of an `If` without else: the flat form
    /// then folds it into the condition's jump).
    Break { levels: u32, pc: u32 },
    /// Leave `levels >= 0` blocks, then continue the block reached at its
    /// node index `target` (which may be before or after the current
    /// position; `target == nodes.len()` means "the end of that block":
    /// a loop body then iterates again). This is every `goto`: forward,
    /// backward and continue-style. `pc` as for `Break`.
    Goto { levels: u32, target: u32, pc: u32 },
}

/// A condition: short-circuit `and`/`or` are evaluated without building
/// boolean values.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// Run `pre` (which computes the operands), then evaluate `test`; the
    /// condition holds when the test result differs from `negate`. `pc` is
    /// the pc of the flat conditional jump that evaluates `test`.
    Leaf {
        pre: Block,
        test: Test,
        negate: bool,
        pc: u32,
    },
    /// Holds when both hold; the right one is evaluated only if the left
    /// holds. The `u32` is the number of leaves of the left operand (see
    /// [`Cond::and`]).
    And(Box<Cond>, Box<Cond>, u32),
    /// Holds when either holds; the right one is evaluated only if the left
    /// does not hold. The `u32` is the number of leaves of the left operand.
    Or(Box<Cond>, Box<Cond>, u32),
}

impl Cond {
    /// `a and b`. Each node records its left operand's leaf count so a
    /// walker can find the `i`-th leaf (in evaluation order) in time
    /// proportional to the tree's depth, not its size.
    pub fn and(a: Cond, b: Cond) -> Cond {
        let n = a.leaf_count();
        Cond::And(Box::new(a), Box::new(b), n)
    }

    /// `a or b` (see [`Cond::and`]).
    pub fn or(a: Cond, b: Cond) -> Cond {
        let n = a.leaf_count();
        Cond::Or(Box::new(a), Box::new(b), n)
    }

    /// Number of leaves (tests), in time proportional to the depth.
    pub fn leaf_count(&self) -> u32 {
        let mut c = self;
        let mut n = 0;
        loop {
            match c {
                Cond::Leaf { .. } => return n + 1,
                Cond::And(_, b, left) | Cond::Or(_, b, left) => {
                    n += left;
                    c = b;
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct If {
    pub cond: Cond,
    pub then_: Block,
    pub else_: Block,
    /// The pc of the flat `Jmp` over `else_` at the end of `then_`
    /// (meaningful only when `else_` is not empty): the tree executor
    /// traces it for line hooks as the flat executor runs it.
    pub jump_pc: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct While {
    pub cond: Cond,
    pub body: Block,
    /// The pc of the flat `Jmp` back to the condition (see [`If::jump_pc`]).
    pub back_pc: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Repeat {
    pub body: Block,
    /// The loop ends when the condition holds.
    pub cond: Cond,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Loop {
    pub body: Block,
    /// The pc of the flat `Jmp` back to the body's start (see
    /// [`If::jump_pc`]).
    pub back_pc: u32,
}

/// `for v = R[base], R[base+1], R[base+2] do body end`; the body sees the
/// control variable in `R[base+3]`. `prep_pc` is the pc of the flat
/// `ForPrep` (for the line of "'for' initial value must be a number");
/// `loop_pc` that of the `ForLoop`.
#[derive(Clone, Debug, PartialEq)]
pub struct NumericFor {
    pub base: Reg,
    pub body: Block,
    pub prep_pc: u32,
    pub loop_pc: u32,
}

/// `for v1, ..., vn in R[base], R[base+1], R[base+2] (closing value
/// R[base+3]) do body end`; each iteration calls the iterator as
/// `Op::TForCall` does (results in `R[base+4..base+4+nvars]`), stops when
/// the first is nil, and otherwise copies it to `R[base+2]` and runs the
/// body. `call_pc` is the pc of the flat `TForCall` (the call's line and
/// name: "for iterator 'for iterator'").
#[derive(Clone, Debug, PartialEq)]
pub struct GenericFor {
    pub base: Reg,
    pub nvars: u8,
    pub body: Block,
    pub prep_pc: u32,
    pub call_pc: u32,
    pub loop_pc: u32,
}

// Structured blocks are vectors of nodes: a control construct is boxed so
// that a plain instruction node stays this small.
const _: () = assert!(std::mem::size_of::<Node>() <= 16);
