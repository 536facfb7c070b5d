//! lua-bytecode: the compiler from the lua-syntax AST to luna's
//! register-based bytecode, in two forms, with listings.
//!
//! - [`opcode`]: the instruction set ([`Op`], 8 bytes, `Copy`), shared by
//!   both forms; every opcode is documented there (operands and effect).
//! - [`proto`]: [`Proto`] (a compiled function), its constants, upvalue
//!   descriptors and debug side tables, and the *structured* code the
//!   compiler emits ([`Block`], [`Node`], [`Cond`]): `if`, loops and
//!   short-circuit conditions hold nested blocks; `break`/`goto` name the
//!   block they leave and, for `goto`, the node they continue at.
//! - [`flatten`](mod@flatten): lowering to the *flat* form (one array of the
//!   same `Op`s plus resolved jumps), cached by [`Proto::flat`].
//! - [`listing`]: `luac -l -l`-style listings of either form
//!   (`luna --list[=tree|flat]`).
//! - [`dump`](mod@dump) / [`undump`](mod@undump): binary chunks
//!   (`string.dump` and `load`): PUC-Rio 5.4's header, then luna's own
//!   format of the structured code behind a marker that lua5.4 refuses
//!   ("integer overflow"). [`undump()`] also loads PUC-Rio 5.4's bodies
//!   (`luac5.4`'s chunks) by translation ([`puc`]); it checks every
//!   length before allocating and ends every byte string as a verified
//!   prototype or lua5.4's "bad binary format (...)" message.
//! - [`verify`](mod@verify): [`verify()`] checks every property of a
//!   [`Proto`] that the executors rely on for memory safety (register
//!   ranges, the stack top before an open-result operand, indices,
//!   constant types, jumps, the pc layout, the flat code's shape, nesting
//!   bounds; the list is the module doc). Compiled code always passes
//!   (tests run it over every compiled function); loaded code must.
//! - [`compile`] / [`compile_source`]: the compiler (lparser.c/lcode.c's
//!   register allocation, constant folding and `<const>` folding).
//!
//! Every instruction has one *pc*, the same in both forms (its index in the
//! flat array, recorded in the structured nodes), so line numbers, local
//! variable ranges and operand names ([`DebugInfo`]) are one table that
//! serves both executors.
//!
//! Entry points: [`compile`] (a parsed chunk), [`compile_source`] (parse +
//! compile, a syntax error becomes a [`CompileError`] with the same text),
//! [`compile_with_source`] (a chunk the caller parsed, e.g. with
//! `lua_syntax::parse_text` for `load`; errors that lua5.4 words with a
//! "near" token get it from the source), [`dump()`] and [`undump()`].
//!
//! Speed: compiling costs about as much as parsing (linear in the source);
//! `bench/compile_vs_luac.sh` compares parse + compile with `luac5.4 -p`
//! and `cargo bench -p lua-bytecode` times it (figures in
//! docs/PERFORMANCE.md).
//!
//! What it is not: it does not run code (lua-exec-tree and lua-exec-flat
//! do), does not parse (lua-syntax does) and, compiling, repeats none of
//! the parser's checks (goto/label rules, `break` placement, `<const>`
//! assignment, limits on locals and upvalues); the verifier checks what
//! the executors need of any prototype, which is a different list.
//!
//! ```
//! use lua_bytecode::{Form, Node, Op, compile_source, list};
//!
//! let proto = compile_source(b"local x = 1\nfor i = 1, 3 do x = x + i end\nreturn x", "=demo")
//!     .unwrap();
//! assert!(proto.is_vararg && proto.upvalues[0].name.as_ref() == "_ENV");
//! // Structured: the loop is one node holding its body...
//! assert!(proto.code.nodes.iter().any(|n| matches!(n, Node::NumericFor(_))));
//! // ...flat: the same ops plus FORPREP/FORLOOP with resolved targets.
//! let flat = &proto.flat().code;
//! assert!(matches!(flat[4], Op::ForPrep { base: 1, target: 7 }));
//! assert_eq!(proto.debug.line(5), 2);
//! assert!(list(&proto, Form::Flat).contains("FORLOOP"));
//!
//! let err = compile_source(b"x = = 1", "=demo").unwrap_err();
//! assert_eq!(err.message, "demo:1: unexpected symbol near '='");
//!
//! // A binary chunk loads back to the same code; a damaged one is refused.
//! let chunk = lua_bytecode::dump(&proto, false);
//! let back = lua_bytecode::undump(&chunk, "=demo").unwrap();
//! assert_eq!(back.flat().code, proto.flat().code);
//! let err = lua_bytecode::undump(&chunk[..20], "=demo").unwrap_err();
//! assert_eq!(err, "demo: bad binary format (truncated chunk)");
//! ```

#![forbid(unsafe_code)]

mod compiler;
pub mod dump;
pub mod flatten;
pub mod listing;
pub mod opcode;
pub mod proto;
pub mod puc;
pub mod undump;
pub mod verify;

pub use compiler::{CompileError, compile, compile_source, compile_with_source};
pub use dump::dump;
pub use flatten::{ends_closed, flatten};
pub use listing::{Form, list};
pub use opcode::{MULTRET, Op, RK, Reg, Test};
pub use proto::{
    Block, Cond, Constant, DebugInfo, FlatCode, GenericFor, If, LocalVar, Loop, NameKind, Node,
    NumericFor, OperandName, Proto, Repeat, UpvalDesc, While,
};
pub use undump::undump;
pub use verify::verify;
