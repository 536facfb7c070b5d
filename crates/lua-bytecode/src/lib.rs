//! lua-bytecode: the compiler from the lua-syntax AST to luna's
//! register-based bytecode, in two forms, with listings.
//!
//! - [`opcode`]: the instruction set ([`Op`], 8 bytes, `Copy`), shared by
//!   both forms.
//! - [`proto`]: [`Proto`] (a compiled function), its constants, upvalue
//!   descriptors and debug side tables, and the *structured* code the
//!   compiler emits ([`Block`], [`Node`], [`Cond`]).
//! - [`flatten`](mod@flatten): lowering to the *flat* form (one array with
//!   resolved jumps), cached by [`Proto::flat`].
//!
//! This crate does not run code (the executors do) and does not parse
//! (lua-syntax does); it performs no check the parser already made.

mod compiler;
pub mod flatten;
pub mod listing;
pub mod opcode;
pub mod proto;

pub use compiler::{CompileError, compile, compile_source};
pub use flatten::flatten;
pub use listing::{Form, list};
pub use opcode::{MULTRET, Op, RK, Reg, Test};
pub use proto::{
    Block, Cond, Constant, DebugInfo, FlatCode, GenericFor, If, LocalVar, Loop, NameKind, Node,
    NumericFor, OperandName, Proto, Repeat, UpvalDesc, While,
};
