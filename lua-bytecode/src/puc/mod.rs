//! PUC-Rio Lua 5.4 binary chunks (what `luac5.4` writes and lua5.4's
//! `string.dump` returns), loaded by translation into luna's structured
//! [`Proto`](crate::Proto)s.
//!
//! - [`reader`]: the body after the header, read as 5.4.6's `lundump.c`
//!   reads it (varints, strings, constants, upvalues, nested functions,
//!   line information, local variables, upvalue names), every length
//!   checked, with lua5.4's error words.
//! - [`translate`]: PUC's instructions to luna's structured code. Control
//!   flow: each PUC jump becomes a [`Node::Goto`](crate::Node::Goto) (a
//!   conditional one an `If` whose then-branch is that `Goto`); numeric
//!   and generic `for` loops (`FORPREP`/`FORLOOP`, `TFORPREP`/`TFORCALL`/
//!   `TFORLOOP`) become `NumericFor`/`GenericFor` nodes with the same
//!   registers; everything else is one structured block per loop body.
//!   `MMBIN*` (luna's arithmetic calls metamethods itself), `VARARGPREP`
//!   (the executors set up varargs) and `EXTRAARG` (folded into the
//!   instruction it extends) disappear. The pcs follow
//!   [`crate::flatten()`]'s layout; line numbers, local variables and the
//!   operand names of error messages ([`names`]) are carried over to them.
//!
//! What cannot be translated is refused as a "corrupted chunk": code that
//! no Lua source compiles to, such as a jump into a loop body from
//! outside it, into the middle of an instruction pair (a test and its
//! jump, an operation and its `MMBIN`), past the end of the code, a test
//! not followed by a jump, a `FORLOOP` without its `FORPREP`, a flipped
//! operation that needs a scratch register above 255. The result passes
//! [`crate::verify()`] or is refused too.

pub mod names;
pub mod reader;
pub mod translate;

// The opcodes of lopcodes.h (5.4).
pub(crate) const OP_MOVE: u8 = 0;
pub(crate) const OP_LOADI: u8 = 1;
pub(crate) const OP_LOADF: u8 = 2;
pub(crate) const OP_LOADK: u8 = 3;
pub(crate) const OP_LOADKX: u8 = 4;
pub(crate) const OP_LOADFALSE: u8 = 5;
pub(crate) const OP_LFALSESKIP: u8 = 6;
pub(crate) const OP_LOADTRUE: u8 = 7;
pub(crate) const OP_LOADNIL: u8 = 8;
pub(crate) const OP_GETUPVAL: u8 = 9;
pub(crate) const OP_SETUPVAL: u8 = 10;
pub(crate) const OP_GETTABUP: u8 = 11;
pub(crate) const OP_GETTABLE: u8 = 12;
pub(crate) const OP_GETI: u8 = 13;
pub(crate) const OP_GETFIELD: u8 = 14;
pub(crate) const OP_SETTABUP: u8 = 15;
pub(crate) const OP_SETTABLE: u8 = 16;
pub(crate) const OP_SETI: u8 = 17;
pub(crate) const OP_SETFIELD: u8 = 18;
pub(crate) const OP_NEWTABLE: u8 = 19;
pub(crate) const OP_SELF: u8 = 20;
pub(crate) const OP_ADDI: u8 = 21;
pub(crate) const OP_ADDK: u8 = 22;
pub(crate) const OP_BXORK: u8 = 31;
pub(crate) const OP_SHRI: u8 = 32;
pub(crate) const OP_SHLI: u8 = 33;
pub(crate) const OP_ADD: u8 = 34;
pub(crate) const OP_SHR: u8 = 45;
pub(crate) const OP_MMBIN: u8 = 46;
pub(crate) const OP_MMBINI: u8 = 47;
pub(crate) const OP_MMBINK: u8 = 48;
pub(crate) const OP_UNM: u8 = 49;
pub(crate) const OP_BNOT: u8 = 50;
pub(crate) const OP_NOT: u8 = 51;
pub(crate) const OP_LEN: u8 = 52;
pub(crate) const OP_CONCAT: u8 = 53;
pub(crate) const OP_CLOSE: u8 = 54;
pub(crate) const OP_TBC: u8 = 55;
pub(crate) const OP_JMP: u8 = 56;
pub(crate) const OP_EQ: u8 = 57;
pub(crate) const OP_LT: u8 = 58;
pub(crate) const OP_LE: u8 = 59;
pub(crate) const OP_EQK: u8 = 60;
pub(crate) const OP_EQI: u8 = 61;
pub(crate) const OP_LTI: u8 = 62;
pub(crate) const OP_LEI: u8 = 63;
pub(crate) const OP_GTI: u8 = 64;
pub(crate) const OP_GEI: u8 = 65;
pub(crate) const OP_TEST: u8 = 66;
pub(crate) const OP_TESTSET: u8 = 67;
pub(crate) const OP_CALL: u8 = 68;
pub(crate) const OP_TAILCALL: u8 = 69;
pub(crate) const OP_RETURN: u8 = 70;
pub(crate) const OP_RETURN0: u8 = 71;
pub(crate) const OP_RETURN1: u8 = 72;
pub(crate) const OP_FORLOOP: u8 = 73;
pub(crate) const OP_FORPREP: u8 = 74;
pub(crate) const OP_TFORPREP: u8 = 75;
pub(crate) const OP_TFORCALL: u8 = 76;
pub(crate) const OP_TFORLOOP: u8 = 77;
pub(crate) const OP_SETLIST: u8 = 78;
pub(crate) const OP_CLOSURE: u8 = 79;
pub(crate) const OP_VARARG: u8 = 80;
pub(crate) const OP_VARARGPREP: u8 = 81;
pub(crate) const OP_EXTRAARG: u8 = 82;

// The metamethod events of ltm.h that `MMBIN*` name.
pub(crate) const TM_ADD: u8 = 6;
pub(crate) const TM_SUB: u8 = 7;
pub(crate) const TM_SHL: u8 = 16;
pub(crate) const TM_SHR: u8 = 17;

// Instruction fields (lopcodes.h): op 7 bits, A 8, k 1, B 8, C 8; Bx
// (17 bits) and Ax/sJ (25 bits) overlap them.
pub(crate) fn opcode(i: u32) -> u8 {
    (i & 0x7f) as u8
}
pub(crate) fn arg_a(i: u32) -> u8 {
    (i >> 7) as u8
}
pub(crate) fn arg_k(i: u32) -> bool {
    (i >> 15) & 1 != 0
}
pub(crate) fn arg_b(i: u32) -> u8 {
    (i >> 16) as u8
}
pub(crate) fn arg_c(i: u32) -> u8 {
    (i >> 24) as u8
}
/// `sB`/`sC`: excess-127.
pub(crate) fn signed(x: u8) -> i32 {
    x as i32 - 127
}
pub(crate) fn arg_bx(i: u32) -> u32 {
    i >> 15
}
pub(crate) fn arg_sbx(i: u32) -> i32 {
    arg_bx(i) as i32 - 0xffff
}
pub(crate) fn arg_ax(i: u32) -> u32 {
    i >> 7
}
pub(crate) fn arg_sj(i: u32) -> i32 {
    arg_ax(i) as i32 - 0xff_ffff
}

/// `testAMode` (lopcodes.c): the instruction sets register A.
pub(crate) fn sets_a(op: u8) -> bool {
    matches!(
        op,
        OP_MOVE..=OP_GETUPVAL
            | OP_GETTABUP..=OP_GETFIELD
            | OP_NEWTABLE..=OP_SHR
            | OP_UNM..=OP_CONCAT
            | OP_TESTSET..=OP_TAILCALL
            | OP_FORLOOP
            | OP_FORPREP
            | OP_TFORLOOP
            | OP_CLOSURE..=OP_VARARGPREP
    )
}
