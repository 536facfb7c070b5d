//! The flat executor's instruction pointer, and the running closure's code
//! and constants as the loop holds them: the only `unsafe` of the crate
//! (register access is lua-runtime's `regs`).
//!
//! # Invariant
//!
//! The running frame's code is `Proto::flat()` code, which lua-bytecode
//! guarantees ends with an instruction that never falls through, with
//! every jump target inside it (`FlatCode`; `flatten` makes it so of any
//! structured code, and `verify`, which a binary chunk must pass, checks
//! it). An instruction pointer that
//! starts inside the code and moves only one step past an instruction that
//! falls through, or to a jump target, therefore stays inside it; the code
//! lives as long as the frame's closure, which the frame stack keeps alive.

use lua_bytecode::Op;
use lua_runtime::object::LuaClosure;
use lua_runtime::{Gc, Value};

/// The instruction at `ip`.
///
/// # Safety
/// `ip` points into the running frame's code (the module invariant).
#[inline(always)]
pub unsafe fn fetch<'a>(ip: *const Op) -> &'a Op {
    // SAFETY: `ip` is inside the running frame's code (lua-bytecode's
    // `FlatCode` invariant: the code ends closed, jump targets are in it),
    // which lives as long as the frame's closure, which the frame stack
    // keeps alive while the frame runs.
    unsafe { &*ip }
}

/// The instruction pointer for index `pc` of `code`.
#[inline(always)]
pub fn at(code: &[Op], pc: usize) -> *const Op {
    debug_assert!(pc < code.len());
    code.as_ptr().wrapping_add(pc)
}

/// The instruction after the one at address `saved`, an instruction
/// pointer this executor stored in the running frame (`CallFrame::ip`)
/// when it saved the frame's pc: it points into the frame's code, at an
/// instruction that falls through (a call), so the next one is inside the
/// code too (lua-bytecode's `FlatCode` invariant).
#[inline(always)]
pub fn after(saved: usize) -> *const Op {
    (saved as *const Op).wrapping_add(1)
}

/// The index of `ip` in `code`.
#[inline(always)]
pub fn index_of(code: &[Op], ip: *const Op) -> usize {
    (ip as usize - code.as_ptr() as usize) / std::mem::size_of::<Op>()
}

/// The flat code and the constants of the running frame's closure, with
/// lifetimes not tied to a borrow of the `Gc` handle, so the loop can
/// switch frames (a call, a return) by reassigning its locals.
///
/// # Safety
/// The caller uses them only while `cl`'s frame is on the frame stack
/// (which keeps `cl` alive until the frame is popped), and replaces both
/// right after a pop, before any use.
#[inline(always)]
pub unsafe fn frame_parts<'a>(cl: Gc<LuaClosure>) -> (&'a [Op], &'a [Value]) {
    let code: *const [Op] = cl.flat_code();
    let k: *const [Value] = cl.consts();
    // SAFETY: both live as long as the closure (its prototype is held by
    // an `Rc` in it), which outlives their use (invariant above).
    unsafe { (&*code, &*k) }
}
