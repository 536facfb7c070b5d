//! Call frames and the per-thread stacks shared by both executors.
//!
//! A thread (the main one or a coroutine) owns a value stack, a stack of
//! [`CallFrame`]s, its open upvalues and an executor-private cursor stack.
//! The running thread's stacks live directly in the `State` (no indirection
//! in the hot loop); a suspended coroutine keeps its own in its heap object
//! and `resume` swaps them with the State's.
//!
//! # Frame layout on the value stack
//!
//! ```text
//!   func  arg1 .. argN            (a call as pushed by the caller)
//!   func  [varargs...] | base: r0 r1 ... r(max_registers-1)
//! ```
//! For a Lua function with fixed parameters, `base = func + 1`. For a vararg
//! function called with more arguments than parameters, the extra arguments
//! stay right after `func` and the fixed parameters are copied above them,
//! so `base = func + 1 + nargs` and the varargs are
//! `stack[func + 1 + nparams .. func + 1 + nargs]`.
//! Results are written starting at `func` (where the caller expects them).
//!
//! # Invariant
//! Every value in `stack[..]` (its whole length) is valid: the collector
//! marks the entire vector, so stale slots above a frame's registers can
//! never hold a dangling pointer. The slot of an open upvalue stays valid
//! even above the length ([`crate::vm::stack`], S3).

use crate::gc::{Gc, Tracer};
use crate::object::{LuaClosure, NativeFunction, UpVal};
use crate::value::Value;
use crate::vm::stack::Stack;

/// What runs in a frame.
#[derive(Clone, Copy, Debug)]
pub enum FrameFn {
    Lua(Gc<LuaClosure>),
    Native(Gc<NativeFunction>),
}

/// Where a returning frame's results go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    /// To the caller's registers starting at the frame's `func` slot; `want`
    /// results (-1: all, the caller's top is set after them).
    Normal { want: i32 },
    /// Back to a Rust caller (`Executor::call`): results stay at `func..`
    /// and the run loop returns.
    Host { want: i32 },
}

impl Ret {
    /// How many results are wanted (-1: all).
    #[inline(always)]
    pub fn want(self) -> i32 {
        match self {
            Ret::Normal { want } | Ret::Host { want } => want,
        }
    }
}

bitflags::bitflags! {
    /// What is special about a frame.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FrameFlags: u16 {
        /// The frame was entered by a tail call.
        const TAIL = 1;
        /// A `pcall`/`xpcall` frame that catches errors.
        const PROTECTED = 2;
        /// The protected frame is an `xpcall` (handler at `base`).
        const XPCALL = 4;
        /// The Host frame's caller wants a traceback with errors.
        const TRACEBACK = 8;
        /// This (protected) frame counts one level against the C-call
        /// limit, as lua5.4's `lua_pcall` does; released when the frame
        /// goes.
        const CCALL = 16;
        /// This Lua frame is waiting for a metamethod frame above it; when
        /// it resumes, the metamethod's result (in the slot just above its
        /// registers) completes the instruction at its current position.
        const FINISH = 32;
        /// A native called in tail position (it runs above its Lua caller,
        /// as in PUC); if it completes out of line (after a coroutine
        /// yield), the caller must return its results.
        const TAILRET = 64;
        /// A `CallK` native waiting for the call it made; its continuation
        /// is the last entry of `ThreadStacks::conts` for this frame.
        const CONT = 128;
        /// This frame is running a debug hook (PUC's `CIST_HOOKED`): a
        /// function it calls is named "hook" by `debug.getinfo`.
        const HOOKED = 256;
        /// This frame is running a finalizer (PUC's `CIST_FIN`): the
        /// function it calls is named "__gc" (metamethod).
        const FINALIZER = 512;
        /// A protected frame that caught an error (kept at its `func + 1`)
        /// and is closing its to-be-closed variables, each handler a call
        /// of the loop (`interp::close_step`).
        const CLOSING = 1024;
    }
}

/// The continuation of a `CallK` native frame waiting for a call.
#[derive(Clone, Copy, Debug)]
pub struct PendingCont {
    /// The frame's index in the frame stack.
    pub frame: usize,
    pub k: crate::object::ContFn,
    /// Where the call's results start.
    pub results: usize,
}

/// The `pc` of a Lua frame that has not run an instruction yet: resuming
/// it "after instruction `pc`" (`pc + 1`, wrapping) starts it at 0, so an
/// executor can enter a frame pushed behind its back (by a native's
/// continuation) as it resumes any other.
pub const NOT_STARTED: u32 = u32::MAX;

/// The index of an instruction in a running function's code, as a `pc`.
/// Cannot truncate: every function an executor runs passed `verify`, so
/// its code has at most `MAX_CODE_LEN` (2^28) instructions.
#[inline(always)]
#[allow(clippy::cast_possible_truncation)] // Cannot truncate: see above.
pub fn pc_of_index(index: usize) -> u32 {
    debug_assert!(index <= lua_bytecode::verify::MAX_CODE_LEN as usize);
    index as u32
}

/// One activation record.
#[derive(Clone, Copy, Debug)]
pub struct CallFrame {
    pub func_fn: FrameFn,
    /// Stack index of the called value; results go here.
    pub func: usize,
    /// Register 0 (Lua) or the first argument (native).
    pub base: usize,
    /// Number of extra arguments of a vararg Lua function, or the argument
    /// count of a native.
    pub nvarargs: usize,
    pub ret: Ret,
    /// Index of the instruction being executed (the numbering shared by
    /// both code forms; line info and name info are keyed by it), as the
    /// tree executor saves it; read it through [`CallFrame::current_pc`].
    pub pc: u32,
    /// Start of this frame's entries in the executor-private cursor stack.
    pub cursor_base: u32,
    pub flags: FrameFlags,
    /// The flat executor's form of `pc`: the address of the instruction
    /// being executed in the closure's flat code, stored instead of `pc`
    /// (one store, and resuming the frame after a call needs no walk from
    /// the closure to its code). 0 when not saved (every frame starts so,
    /// and the tree executor never sets it).
    pub ip: usize,
}

impl CallFrame {
    /// The index of the instruction being executed: from `ip` when the
    /// flat executor saved one (it stores only the address), else `pc`.
    pub fn current_pc(&self) -> u32 {
        if self.ip != 0
            && let FrameFn::Lua(c) = self.func_fn
        {
            let start = c.flat_code().as_ptr() as usize;
            return pc_of_index((self.ip - start) / std::mem::size_of::<lua_bytecode::Op>());
        }
        // `NOT_STARTED` reads as the first instruction.
        if self.pc == NOT_STARTED { 0 } else { self.pc }
    }

    pub fn closure(&self) -> Option<Gc<LuaClosure>> {
        match self.func_fn {
            FrameFn::Lua(c) => Some(c),
            FrameFn::Native(_) => None,
        }
    }
}

/// The tree executor's position in one open block of a frame: which block
/// of the control node at the parent cursor's position this is (`sub`),
/// and the index of the next node in it (`pos`). See lua-exec-tree's docs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cursor {
    pub sub: u32,
    pub pos: u32,
}

/// The stacks of one thread.
#[derive(Default)]
pub struct ThreadStacks {
    /// The value stack, with the open upvalues that point into it.
    pub stack: Stack,
    pub frames: Vec<CallFrame>,
    pub cursors: Vec<Cursor>,
    /// Stack slots of pending to-be-closed variables, ascending.
    pub tbc: Vec<usize>,
    /// Continuations of `CallK` native frames (flag `CONT`), by frame
    /// index, ascending. Entries of frames an error unwound are dropped
    /// lazily: an entry whose frame index is at or above a frame being
    /// given a continuation or finishing one is stale.
    pub conts: Vec<PendingCont>,
    /// The thread's debug hook (`debug.sethook` is per thread).
    pub hook: crate::vm::hook::Hook,
}

impl ThreadStacks {
    /// The cursor stack's height, as a new frame's `cursor_base`.
    ///
    /// Cannot truncate: a frame holds one cursor per open block, at most
    /// `MAX_NESTING + 1` = 4001 (`verify` bounds the nesting), and there
    /// are fewer frames than value-stack slots (each frame's function sits
    /// above its caller's), at most `MAX_STACK` + 1000 (the message
    /// handler's extra zone): under 4.01e9 cursors, below 2^32.
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation)] // Cannot truncate: see above.
    pub fn cursor_mark(&self) -> u32 {
        debug_assert!(u32::try_from(self.cursors.len()).is_ok());
        self.cursors.len() as u32
    }

    pub fn trace(&self, t: &mut Tracer) {
        for &v in self.stack.iter() {
            t.mark_value(v);
        }
        for f in &self.frames {
            match f.func_fn {
                FrameFn::Lua(c) => t.mark(c),
                FrameFn::Native(n) => t.mark(n),
            }
        }
        // An open upvalue's slot above the length still holds its value
        // (`vm::stack`, S3): marked here, since the loop above stops at
        // the length.
        let base = self.stack.as_ptr();
        for &u in self.stack.open_upvals.iter().rev() {
            if u.open_index(base) < self.stack.len() {
                break;
            }
            t.mark_value(u.get());
        }
        for &u in &self.stack.open_upvals {
            t.mark(u);
        }
        t.mark_value(self.hook.func);
    }

    /// Bytes of memory the stacks hold (their capacity).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.stack.capacity() * size_of::<Value>()
            + self.frames.capacity() * size_of::<CallFrame>()
            + self.stack.open_upvals.capacity() * size_of::<Gc<UpVal>>()
            + self.cursors.capacity() * size_of::<Cursor>()
            + self.tbc.capacity() * size_of::<usize>()
            + self.conts.capacity() * size_of::<PendingCont>()
    }

    /// Close every open upvalue at stack index `level` or above.
    pub fn close_upvals(&mut self, level: usize) {
        let base = self.stack.as_ptr();
        while let Some(&u) = self.stack.open_upvals.last() {
            if u.open_index(base) < level {
                break;
            }
            u.close_with(u.get());
            self.stack.open_upvals.pop();
        }
    }
}
