//! Debug hooks (`debug.sethook`): the per-thread hook state and the events
//! executors raise while a hook is set (PUC's `luaD_hook`,
//! `luaD_hookcall`, `rethook` and `luaG_traceexec`).
//!
//! # Costing nothing when unset
//!
//! An executor has two instantiations of its walk: the ordinary one, which
//! never looks at hooks, and a hooked one, which raises the line and count
//! events before every instruction and the call and return events around
//! every call. [`crate::vm::run`] picks the walk by the running thread's
//! [`Hook::mask`] when it enters one, and the ordinary walk hands over
//! (returns [`Walked::Switch`](crate::vm::run::Walked)) when it finds the
//! mask set after a native returns or when the frame on top changes — the
//! places a hook can be set from (`debug.sethook` is a native). The hooked
//! walk hands back the same way once the mask is cleared.
//!
//! # Events, as lua5.4 raises them
//!
//! - line: before an instruction whose line differs from the one of the
//!   instruction last traced in this thread (`Hook::old_pc`), before the
//!   first instruction of a function, and after a backward jump. A return
//!   sets `old_pc` to the caller's call instruction, so the caller's next
//!   instruction on the same line raises nothing.
//! - count: every `count` instructions.
//! - call / tail call: when a function starts (Lua or native).
//! - return: when a function returns, before its frame goes.
//!
//! A hook runs with hooks off for its thread (`Hook::running`), and the
//! frame it interrupted carries `FrameFlags::HOOKED` meanwhile, so the hook
//! function is named "hook" by `debug.getinfo`.

use crate::error::LuaResult;
use crate::state::State;
use crate::value::Value;
use crate::vm::frame::{FrameFlags, FrameFn};

bitflags::bitflags! {
    /// Which events a hook wants (`debug.sethook`'s mask string and count).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct HookMask: u8 {
        const CALL = 1;
        const RET = 2;
        const LINE = 4;
        const COUNT = 8;
    }
}

/// The hook state of one thread (it travels with the thread's stacks).
#[derive(Clone, Copy, Debug, Default)]
pub struct Hook {
    /// The Lua hook function (nil: none).
    pub func: Value,
    /// Empty when no hook is set: the one field the executors test.
    pub mask: HookMask,
    /// The count of `debug.sethook`, and what is left of it.
    pub base_count: u32,
    pub count: u32,
    /// The pc of the instruction last traced by the line event.
    pub old_pc: u32,
    /// A hook function is running (PUC's `!allowhook`).
    pub running: bool,
    /// The values a call or return event transfers, while its hook runs:
    /// (frame index, first as a local index, count), for
    /// `debug.getinfo(.., "r")`.
    pub transfer: Option<(usize, usize, usize)>,
}

impl Hook {
    /// Before an instruction of the hooked walk: whether [`step`] must run.
    /// The usual case between two events of a count hook (no line hook,
    /// the count not yet out) is counted here, inline, so the walk needs
    /// neither a call nor its saved position for it.
    #[inline(always)]
    pub fn needs_step(&mut self) -> bool {
        if self.mask.contains(HookMask::LINE) || self.running {
            return true;
        }
        if !self.mask.contains(HookMask::COUNT) {
            return false;
        }
        if self.count > 1 {
            self.count -= 1;
            return false;
        }
        true
    }
}

/// Raise `event` (with `line` for line events) for frame `fi`, calling the
/// thread's hook function with hooks off. `transfer`: the call or return
/// values, for `debug.getinfo`'s `ftransfer`/`ntransfer`.
fn raise(
    st: &mut State,
    fi: usize,
    event: &str,
    line: Option<i64>,
    transfer: Option<(usize, usize)>,
) -> LuaResult<()> {
    let h = st.th.hook;
    if h.running || !h.func.is_function() {
        return Ok(());
    }
    let ev = st.str_value(event);
    // No line information (a stripped function): nil, as lua5.4's hookf.
    let line = line.filter(|&l| l >= 0).map_or(Value::Nil, Value::Int);
    st.th.hook.running = true;
    st.th.hook.transfer = transfer.map(|(f, n)| (fi, f, n));
    let had = st.th.frames[fi].flags.contains(FrameFlags::HOOKED);
    st.th.frames[fi].flags.insert(FrameFlags::HOOKED);
    let r = st.call(h.func, &[ev, line]);
    if !had && let Some(f) = st.th.frames.get_mut(fi) {
        f.flags.remove(FrameFlags::HOOKED);
    }
    st.th.hook.running = false;
    st.th.hook.transfer = None;
    r.map(|_| ())
}

/// The line of instruction `pc` of frame `fi`'s function (-1: none).
fn line_at(st: &State, fi: usize, pc: u32) -> i64 {
    crate::vm::debug::frame_line(&st.th.frames[fi], pc)
}

/// Before instruction `pc` of Lua frame `fi` (saved in the frame): the
/// count and line events (`luaG_traceexec`).
pub fn step(st: &mut State, fi: usize, pc: u32) -> LuaResult<()> {
    let h = &mut st.th.hook;
    if h.running || !h.mask.intersects(HookMask::LINE | HookMask::COUNT) {
        return Ok(());
    }
    let mut count_event = false;
    if h.mask.contains(HookMask::COUNT) {
        h.count = h.count.saturating_sub(1);
        if h.count == 0 {
            h.count = h.base_count;
            count_event = true;
        }
    }
    let line = h.mask.contains(HookMask::LINE);
    if count_event {
        raise(st, fi, "count", None, None)?;
    }
    if line {
        let code_len = match st.th.frames[fi].func_fn {
            FrameFn::Lua(c) => c.p.proto.code_len,
            FrameFn::Native(_) => 0,
        };
        let old = st.th.hook.old_pc;
        let old = if old < code_len { old } else { 0 };
        let new_line = line_at(st, fi, pc);
        let changed = new_line >= 0 && line_at(st, fi, old) != new_line;
        if pc <= old || changed {
            raise(st, fi, "line", Some(new_line), None)?;
        }
        st.th.hook.old_pc = pc;
    }
    Ok(())
}

/// A function started in frame `fi` (the top): the call event (`tail
/// call` for a frame entered by a tail call), with its parameters as the
/// transferred values; the line event of its first instruction follows.
pub fn call(st: &mut State, fi: usize) -> LuaResult<()> {
    st.th.hook.old_pc = 0;
    if !st.th.hook.mask.contains(HookMask::CALL) {
        return Ok(());
    }
    let f = st.th.frames[fi];
    let event = if f.flags.contains(FrameFlags::TAIL) {
        "tail call"
    } else {
        "call"
    };
    let n = match f.func_fn {
        FrameFn::Lua(c) => c.shape.num_params as usize,
        FrameFn::Native(_) => f.nvarargs,
    };
    raise(st, fi, event, None, Some((1, n)))
}

/// Frame `fi` (the top) returns the `n` values at stack index `first`: the
/// return event; then the caller's next instruction is traced against its
/// call (`rethook`).
pub fn ret(st: &mut State, fi: usize, first: usize, n: usize) -> LuaResult<()> {
    if st.th.hook.mask.contains(HookMask::RET) {
        let base = st.th.frames[fi].base;
        raise(st, fi, "return", None, Some((first + 1 - base, n)))?;
    }
    set_old_pc_to_caller(st, fi);
    Ok(())
}

/// After frame `fi` returned into its caller: the caller's next
/// instruction is compared with its call instruction.
pub fn set_old_pc_to_caller(st: &mut State, fi: usize) {
    if fi > 0
        && let Some(caller) = st.th.frames.get(fi - 1)
        && let FrameFn::Lua(_) = caller.func_fn
    {
        st.th.hook.old_pc = caller.current_pc();
    }
}
