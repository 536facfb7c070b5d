//! The instructions both executors run the same way, written once as
//! macros that each executor's loop expands in place.
//!
//! The two executors differ in how they fetch an instruction (an index into
//! a flat array, a node of a structured list) and how control moves (jumps,
//! nested blocks, where a call or a return continues); everything else
//! (moves, loads, upvalues, table access, arithmetic, length,
//! concatenation, closures, varargs, and the operand handling of calls and
//! returns) has the same body in both.
//! [`vm_instructions!`](crate::vm_instructions) expands to a `match` over an
//! `&Op` holding those bodies, followed by the arms the executor passes in
//! (its jumps and loops). Being a macro, the bodies are
//! compiled inside each executor's loop with its own locals in machine
//! registers, exactly as if written there; a function per instruction
//! would cost the hot loop the call and the spills around it.
//!
//! # What the executor defines
//!
//! The bodies reach registers and the frame through macros the executor
//! defines before the expansion (`macro_rules!` resolves macro names where
//! the expansion lands, so these are the executor's own):
//!
//! - `r!(x)`: `R[x]` by value; `reg!(x)`: `&R[x]`; `w!(x, v)`:
//!   `R[x] := v`; `wn!(x, v)`: `R[x] := v` for a number just built (stored
//!   word by word, see [`Value::store_number`](crate::Value::store_number)).
//! - `save_pc!()`: record the running instruction in the frame, before
//!   anything that can raise an error or call out (errors and tracebacks
//!   read it).
//! - `cur_pc!()`: the running instruction's index, as `u32`.
//! - `refresh!()`: re-derive register access after a call out of the loop
//!   (a call may move the value stack).
//! - `suspend!()`: a Lua metamethod's frame was just pushed above the
//!   running frame (or a native `__close` handler already returned into
//!   it), which is marked [`FrameFlags::FINISH`](crate::vm::frame::FrameFlags::FINISH):
//!   leave the instruction and run the frame on top. When the running frame
//!   resumes, the executor completes the instruction with
//!   [`finish_op`](crate::vm::interp::finish_op) (PUC's `luaV_finishOp`):
//!   the result goes to its register, a concatenation goes on, a `Close`
//!   or a return runs again, a conditional jump takes the result's
//!   truthiness.
//! - `save_resume!()`: record that the frame resumes at this instruction
//!   (to complete it with `finish_op`), before a `__close` handler that
//!   may yield without returning here (a native `coroutine.yield`).
//! - Calls and returns: `before_call!()` (record what the frame needs to
//!   resume after the call), `enter_lua!(c, base)` (closure `c`'s frame was
//!   pushed at `base`: run it), `after_call!(called)` (after
//!   [`precall`](crate::vm::interp::precall): run a pushed frame, or go on
//!   with the results of a finished call), `tail_entered_lua!(c, base)` (the plain walk's quick
//!   tail call replaced the running frame with closure `c`'s, pushed at
//!   `base`), `tail_entered!()` (a tail call
//!   replaced the running frame with a Lua one), `quick_return!(first, n)`
//!   (the common return, if it applies; else fall through to the general
//!   one), `returned!(top)` (the running frame returned through the
//!   general path).
//!
//! Besides, the expansion names the loop's locals it reads: the state, the
//! running closure, its constants, the frame's `base`, its register count,
//! its index in the frame stack, the stack top of the last call, and
//! whether this is the hooked instantiation of the walk (a constant, see
//! [`crate::vm::hook`]: calls and returns then raise their events and
//! skip the inline fast paths; the plain walk hands over to the hooked one
//! when a native it called set a hook, [`vm_hooks_changed!`]).

/// An operation's next step, as a value: a [`Step`](crate::vm::ops::Step)
/// is either done or a metamethod to call. A native metamethod is called
/// here; a Lua one becomes a frame of the loop (`suspend!()`), so a
/// coroutine can yield inside it. See the module docs for the macros the
/// executor defines.
#[macro_export]
macro_rules! vm_step {
    ($st:ident, $fi:ident, $base:ident, $maxr:ident, $s:expr) => {{
        let v = match $s {
            $crate::vm::ops::Step::Done(v) => v,
            $crate::vm::ops::Step::Call(n) => {
                if let $crate::Value::LuaFn(_) = $st.pending.function() {
                    let scratch = $base + $maxr;
                    $crate::vm::interp::push_pending_frame($st, $fi, scratch, n)?;
                    suspend!();
                }
                $st.call_pending(n)?
            }
        };
        refresh!();
        v
    }};
}

/// In the plain walk (`$hooks` false), after a native returned: if it set
/// a hook, hand over to the hooked walk (`Walked::Switch`, the frame
/// resuming after the call, whose position the call saved).
#[macro_export]
macro_rules! vm_hooks_changed {
    ($st:ident, $hooks:expr) => {
        if !$hooks && !$st.th.hook.mask.is_empty() {
            return Ok($crate::vm::run::Walked::Switch { fresh: false });
        }
    };
}

/// The instruction bodies both executors share: a `match` over `$op` (an
/// `&Op`) with those arms, then the executor's own `$arms`. See the module
/// docs for the macros the executor defines and the locals it names.
#[macro_export]
macro_rules! vm_instructions {
    (
        match $op:ident with ($st:ident, $cl:ident, $k:ident, $base:ident, $maxr:ident, $fi:ident, $top:ident, $hooks:ident)
        { $($arms:tt)* }
    ) => {{
        // `$y` is an expression giving `&Value` (a register, a constant).
        macro_rules! arith {
            ($aop:expr, $dst:expr, $a:expr, $y:expr, $ia:expr, $ib:expr) => {{
                // The fast result is stored in its own branch: joining it
                // with the slow path's `LuaResult` would route the value
                // through memory.
                if let Some(v) = $crate::vm::fast::arith_fast($aop, reg!($a), $y) {
                    wn!($dst, v);
                } else {
                    let y = *$y;
                    save_pc!();
                    let x = r!($a);
                    let s = $crate::vm::fast::arith_slow($st, $aop, x, y, $ia, $ib)?;
                    let v = $crate::vm_step!($st, $fi, $base, $maxr, s);
                    w!($dst, v);
                }
            }};
        }
        // `t[key] = v`: the raw store first, then the full path.
        macro_rules! set_into {
            ($t:expr, $key:expr, $v:expr, $info:expr) => {{
                let (t, key, v) = ($t, $key, $v);
                if !matches!(key, $crate::Value::Int(_)) {
                    // `raw_set` may raise "index is nil/NaN" at this pc.
                    save_pc!();
                }
                if !$crate::vm::fast::set_fast($st, t, key, v)? {
                    save_pc!();
                    let s = $crate::vm::fast::set_index_slow($st, t, key, v, $info)?;
                    $crate::vm_step!($st, $fi, $base, $maxr, s);
                }
            }};
        }
        // `R[dst] := t[key]`: the raw `lookup` first, then the full path.
        macro_rules! get_into {
            ($dst:expr, $t:expr, $key:expr, $lookup:expr, $info:expr) => {{
                // Written out here, not as a helper returning
                // `Option<Value>`: that shape sends the value through
                // memory (docs/PERFORMANCE.md). The shared parts are
                // `index_class` and `index_slow`.
                let t: $crate::Value = $t;
                let fast = if let $crate::Value::Table(tab) = t {
                    let v: $crate::Value = ($lookup)(tab);
                    if !v.is_nil() || tab.metatable().is_none() {
                        w!($dst, v);
                        true
                    } else {
                        false
                    }
                } else {
                    false
                };
                if !fast {
                    if let Some(v) = $crate::vm::fast::maybe_value($crate::vm::fast::index_class($st, t, $key)) {
                        w!($dst, v);
                    } else {
                        save_pc!();
                        let s = $crate::vm::fast::index_slow($st, t, $key, $info)?;
                        let v = $crate::vm_step!($st, $fi, $base, $maxr, s);
                        w!($dst, v);
                    }
                }
            }};
        }
        // A return that closes, its `$n` results at `$f`: its `__close`
        // handlers written in Lua run as frames (the return runs again
        // afterwards, its result count kept above the registers).
        macro_rules! close_for_return {
            ($f:expr, $n:expr) => {
                // Only to-be-closed variables call handlers; upvalues are
                // closed by `do_return` as before.
                if $cl.shape.needs_close && $st.th.tbc.last().is_some_and(|&s| s >= $base) {
                    save_resume!();
                    let scratch = $base + $maxr;
                    let ret = Some(($f, $n));
                    if !$crate::vm::interp::close_frame($st, $fi, $base, scratch, ret)? {
                        suspend!();
                    }
                }
            };
        }
        // A return's event, after its to-be-closed variables are closed
        // (as `luaD_poscall` raises it).
        macro_rules! return_hook {
            ($f:expr, $n:expr) => {
                if $hooks {
                    $crate::vm::hook::ret($st, $fi, $f, $n)?;
                    refresh!();
                }
            };
        }
        macro_rules! rk {
            ($v:expr) => {
                match $v {
                    $crate::vm::RK::R(x) => r!(x),
                    $crate::vm::RK::K(i) => *kref!(i),
                }
            };
        }
        // `&K[i]` and `U[i]` without bounds checks: `verify` checked every
        // constant and upvalue index of the running function against its
        // constants and its closure's upvalues (lua-bytecode's `verify`
        // docs, "Indices").
        macro_rules! kref {
            ($i:expr) => {{
                let i = $i as usize;
                debug_assert!(i < $k.len());
                // SAFETY: see above.
                unsafe { $k.get_unchecked(i) }
            }};
        }
        macro_rules! upv {
            ($u:expr) => {{
                let u = $u as usize;
                debug_assert!(u < $cl.upvals.len());
                // SAFETY: see above.
                unsafe { $cl.upvals.get_unchecked(u) }.get()
            }};
        }
        // Matched by reference so each arm loads only its own operands.
        match $op {
            &$crate::vm::Op::Move { dst, src } => w!(dst, r!(src)),
            &$crate::vm::Op::LoadI { dst, value } => wn!(dst, $crate::Value::Int(value as i64)),
            &$crate::vm::Op::LoadF { dst, value } => wn!(dst, $crate::Value::Float(value as f64)),
            &$crate::vm::Op::LoadK { dst, k: kk } => w!(dst, *kref!(kk)),
            &$crate::vm::Op::LoadFalse { dst } => w!(dst, $crate::Value::Bool(false)),
            &$crate::vm::Op::LoadTrue { dst } => w!(dst, $crate::Value::Bool(true)),
            &$crate::vm::Op::LoadNil { dst, n } => {
                for i in 0..n {
                    w!(dst + i, $crate::Value::Nil);
                }
            }
            &$crate::vm::Op::GetUpval { dst, up } => {
                w!(dst, upv!(up).get());
            }
            &$crate::vm::Op::SetUpval { up, src } => {
                let v = r!(src);
                $st.upval_set(upv!(up), v);
            }
            &$crate::vm::Op::GetTabUp { dst, up, key } => {
                let t = upv!(up).get();
                let key = *kref!(key);
                get_into!(dst, t, key, |tab: $crate::Gc<$crate::Table>| tab.get_str(key), $crate::vm::ops::VarInfo::Upval(up));
            }
            &$crate::vm::Op::GetTable { dst, obj, key } => {
                let (t, kv) = (r!(obj), r!(key));
                let lookup = |tab: $crate::Gc<$crate::Table>| $crate::vm::fast::raw_get(tab, kv);
                get_into!(dst, t, kv, lookup, $crate::vm::ops::VarInfo::Reg(obj));
            }
            &$crate::vm::Op::GetI { dst, obj, index } => {
                let t = r!(obj);
                let kv = $crate::Value::Int(index as i64);
                let lookup = |tab: $crate::Gc<$crate::Table>| tab.get_int(index as i64);
                get_into!(dst, t, kv, lookup, $crate::vm::ops::VarInfo::Reg(obj));
            }
            &$crate::vm::Op::GetField { dst, obj, key } => {
                let t = r!(obj);
                let kv = *kref!(key);
                get_into!(dst, t, kv, |tab: $crate::Gc<$crate::Table>| tab.get_str(kv), $crate::vm::ops::VarInfo::Reg(obj));
            }
            &$crate::vm::Op::SetTabUp { up, key, val } => {
                let t = upv!(up).get();
                let v = rk!(val);
                set_into!(t, *kref!(key), v, $crate::vm::ops::VarInfo::Upval(up));
            }
            &$crate::vm::Op::SetTable { obj, key, val } => {
                let (t, kv, v) = (r!(obj), r!(key), rk!(val));
                set_into!(t, kv, v, $crate::vm::ops::VarInfo::Reg(obj));
            }
            &$crate::vm::Op::SetI { obj, index, val } => {
                let (t, v) = (r!(obj), rk!(val));
                set_into!(t, $crate::Value::Int(index as i64), v, $crate::vm::ops::VarInfo::Reg(obj));
            }
            &$crate::vm::Op::SetField { obj, key, val } => {
                let (t, v) = (r!(obj), rk!(val));
                set_into!(t, *kref!(key), v, $crate::vm::ops::VarInfo::Reg(obj));
            }
            &$crate::vm::Op::NewTable { dst, array, hash } => {
                let t = $st.new_table_with(array as usize, hash as usize);
                w!(dst, $crate::Value::Table(t));
                save_pc!();
                $st.gc_check_live($base + dst as usize + 1);
                refresh!();
            }
            &$crate::vm::Op::Method { dst, obj, key } => {
                let t = r!(obj);
                let kv = *kref!(key);
                w!(dst + 1, t);
                get_into!(dst, t, kv, |tab: $crate::Gc<$crate::Table>| tab.get_str(kv), $crate::vm::ops::VarInfo::Reg(obj));
            }
            &$crate::vm::Op::Add { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::Add, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::Sub { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::Sub, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::Mul { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::Mul, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::Mod { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::Mod, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::Pow { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::Pow, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::Div { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::Div, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::IDiv { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::IDiv, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::BAnd { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::BAnd, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::BOr { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::BOr, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::BXor { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::BXor, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::Shl { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::Shl, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::Shr { dst, a, b } => {
                let y = reg!(b);
                arith!($crate::vm::ops::ArithOp::Shr, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::Reg(b))
            }
            &$crate::vm::Op::AddK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::Add, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::SubK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::Sub, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::MulK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::Mul, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::ModK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::Mod, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::PowK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::Pow, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::DivK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::Div, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::IDivK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::IDiv, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::BAndK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::BAnd, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::BOrK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::BOr, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::BXorK { dst, a, k: kk } => {
                let y = kref!(kk);
                arith!($crate::vm::ops::ArithOp::BXor, dst, a, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
            }
            &$crate::vm::Op::AddI { dst, a, imm } => {
                let x = r!(a);
                if let $crate::Value::Int(i) = x {
                    wn!(dst, $crate::Value::Int(i.wrapping_add(imm as i64)));
                } else {
                    let y = $crate::Value::Int(imm as i64);
                    arith!($crate::vm::ops::ArithOp::Add, dst, a, &y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
                }
            }
            &$crate::vm::Op::SubI { dst, a, imm } => {
                let x = r!(a);
                if let $crate::Value::Int(i) = x {
                    wn!(dst, $crate::Value::Int(i.wrapping_sub(imm as i64)));
                } else if let Some(v) = $crate::vm::fast::sub_imm_fast(&x, imm) {
                    wn!(dst, v);
                } else {
                    let y = $crate::Value::Int(imm as i64);
                    arith!($crate::vm::ops::ArithOp::Sub, dst, a, &y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)
                }
            }
            &$crate::vm::Op::ShlI { dst, a, imm } | &$crate::vm::Op::ShrI { dst, a, imm } => {
                let aop = $crate::vm::interp::arith_op($op);
                let (x, y) = (r!(a), $crate::Value::Int(imm as i64));
                save_pc!();
                let s = $crate::vm::fast::arith_slow($st, aop, x, y, $crate::vm::ops::VarInfo::Reg(a), $crate::vm::ops::VarInfo::None)?;
                let v = $crate::vm_step!($st, $fi, $base, $maxr, s);
                w!(dst, v);
            }
            &$crate::vm::Op::Unm { dst, src } => {
                let x = r!(src);
                let v = match x {
                    $crate::Value::Int(i) => $crate::Value::Int(i.wrapping_neg()),
                    $crate::Value::Float(f) => $crate::Value::Float(-f),
                    _ => {
                        save_pc!();
                        let i = $crate::vm::ops::VarInfo::Reg(src);
                        let s = $crate::vm::fast::arith_slow($st, $crate::vm::ops::ArithOp::Unm, x, x, i, i)?;
                        $crate::vm_step!($st, $fi, $base, $maxr, s)
                    }
                };
                wn!(dst, v);
            }
            &$crate::vm::Op::BNot { dst, src } => {
                let x = r!(src);
                let v = match x {
                    $crate::Value::Int(i) => $crate::Value::Int(!i),
                    _ => {
                        save_pc!();
                        let i = $crate::vm::ops::VarInfo::Reg(src);
                        let s = $crate::vm::fast::arith_slow($st, $crate::vm::ops::ArithOp::BNot, x, x, i, i)?;
                        $crate::vm_step!($st, $fi, $base, $maxr, s)
                    }
                };
                wn!(dst, v);
            }
            &$crate::vm::Op::Not { dst, src } => w!(dst, $crate::Value::Bool(!r!(src).truthy())),
            &$crate::vm::Op::Len { dst, src } => {
                let x = r!(src);
                let v = match x {
                    $crate::Value::Str(s) => $crate::Value::Int(s.len() as i64),
                    $crate::Value::Table(t) if t.metatable().is_none() => $crate::Value::Int(t.len()),
                    _ => {
                        save_pc!();
                        let s = $st.len_step(x, $crate::vm::ops::VarInfo::Reg(src))?;
                        $crate::vm_step!($st, $fi, $base, $maxr, s)
                    }
                };
                wn!(dst, v);
            }
            &$crate::vm::Op::Concat { first, n } => {
                save_pc!();
                match $crate::vm::interp::concat($st, $fi, $base, $maxr, first, n)? {
                    Some(v) => {
                        refresh!();
                        w!(first, v);
                        $st.gc_check_live($base + first as usize + 1);
                        refresh!();
                    }
                    // A `__concat` written in Lua runs as a frame.
                    None => suspend!(),
                }
            }
            &$crate::vm::Op::Close { from } => {
                save_pc!();
                save_resume!();
                let level = $base + from as usize;
                let scratch = $base + $maxr;
                if !$crate::vm::interp::close_frame($st, $fi, level, scratch, None)? {
                    // A `__close` written in Lua runs as a frame; this
                    // instruction runs again when it returns.
                    suspend!();
                }
                refresh!();
            }
            &$crate::vm::Op::Tbc { reg } => {
                save_pc!();
                $crate::vm::interp::mark_tbc($st, &$cl.p.proto, $base, reg, cur_pc!())?;
                refresh!();
            }
            &$crate::vm::Op::Vararg { dst, n } => {
                let np = $cl.shape.num_params as usize;
                if let Some(t) = $crate::vm::interp::vararg($st, $fi, np, dst, n) {
                    *$top = t;
                }
                refresh!();
            }
            &$crate::vm::Op::Closure { dst, proto: pi } => {
                let c = $crate::vm::interp::make_closure($st, $cl, &$cl.p.children[pi as usize], $base);
                refresh!();
                w!(dst, $crate::Value::LuaFn(c));
                save_pc!();
                $st.gc_check_live($base + dst as usize + 1);
                refresh!();
            }
            &$crate::vm::Op::SetList { table, n, offset } => {
                $crate::vm::interp::set_list($st, $base, $maxr, table, n, offset, *$top);
                refresh!();
            }
            &$crate::vm::Op::Call {
                func,
                nargs,
                nresults,
            } => {
                let fa = $base + func as usize;
                let na = if nargs == $crate::vm::MULTRET {
                    *$top - fa - 1
                } else {
                    nargs as usize
                };
                let want = if nresults == $crate::vm::MULTRET {
                    -1
                } else {
                    nresults as i32
                };
                save_pc!();
                before_call!();
                let ret = $crate::vm::frame::Ret::Normal { want };
                let none = $crate::vm::frame::FrameFlags::empty();
                if let $crate::Value::LuaFn(c) = *reg!(func) {
                    let nb = $crate::vm::interp::push_lua_frame($st, c, fa, na, ret, none)?;
                    enter_lua!(c, nb);
                }
                if let $crate::Value::Native(nf) = *reg!(func)
                    && nf.kind == $crate::NativeKind::Plain
                {
                    let keep = $base + $maxr;
                    *$top = if $hooks {
                        $crate::vm::interp::call_native_hooked($st, nf, fa, na, ret, none, keep)?
                    } else {
                        $crate::vm::interp::call_native($st, nf, fa, na, ret, none, keep)?
                    };
                    refresh!();
                    $crate::vm_hooks_changed!($st, $hooks);
                } else {
                    let info = $crate::vm::ops::VarInfo::Reg(func);
                    let c = $crate::vm::interp::precall($st, fa, na, ret, none, info)?;
                    after_call!(c);
                    $crate::vm_hooks_changed!($st, $hooks);
                }
            }
            &$crate::vm::Op::TailCall { func, nargs } => {
                let fa = $base + func as usize;
                let na = if nargs == $crate::vm::MULTRET {
                    *$top - fa - 1
                } else {
                    nargs as usize
                };
                save_pc!();
                if !$hooks
                    && let Some((c, nb)) = $crate::vm::interp::quick_tail_call($st, fa, na)?
                {
                    tail_entered_lua!(c, nb);
                }
                match $crate::vm::interp::tail_call($st, fa, na, func)? {
                    $crate::vm::interp::TailCalled::Lua => tail_entered!(),
                    $crate::vm::interp::TailCalled::Returned(t) => returned!(t),
                }
            }
            &$crate::vm::Op::Return { first, n } => {
                let f = $base + first as usize;
                let n = if n == $crate::vm::MULTRET {
                    *$top - f
                } else {
                    n as usize
                };
                if !$hooks {
                    quick_return!(f, n);
                }
                save_pc!();
                close_for_return!(f, n);
                return_hook!(f, n);
                let t = $crate::vm::interp::do_return($st, f, n)?;
                returned!(t);
            }
            &$crate::vm::Op::Return0 => {
                if !$hooks {
                    quick_return!($base, 0);
                }
                save_pc!();
                close_for_return!($base, 0);
                return_hook!($base, 0);
                let t = $crate::vm::interp::do_return($st, $base, 0)?;
                returned!(t);
            }
            &$crate::vm::Op::Return1 { src } => {
                if !$hooks {
                    quick_return!($base + src as usize, 1);
                }
                save_pc!();
                close_for_return!($base + src as usize, 1);
                return_hook!($base + src as usize, 1);
                let t = $crate::vm::interp::do_return($st, $base + src as usize, 1)?;
                returned!(t);
            }
            $($arms)*
        }
    }};
}
