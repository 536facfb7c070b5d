//! The `math` library (lmathlib.c): integer/float-exact results as 5.4,
//! and `random` as lmathlib's xoshiro256** so a seeded sequence is the one
//! lua5.4 produces.
//!
//! # The generator
//!
//! xoshiro256** keeps 256 bits of state; `randomseed(n1, n2)` sets the
//! state to `{n1, 0xff, n2, 0}` and discards 16 outputs, exactly as
//! lmathlib's `setseed`. A float is the top 53 bits of an output scaled
//! by 2^-53; an integer in `[low, up]` is an output masked down to the
//! smallest `2^b - 1` covering `up - low`, retried (with fresh outputs)
//! until it falls in range (`project`), so the sequence consumed for a
//! given range matches lua5.4 output for output. The state lives in a
//! userdata shared as an upvalue by `random` and `randomseed`, so each
//! `State` has its own generator.

use crate::error::LuaResult;
use crate::gc::Gc;
use crate::number;
use crate::object::{Args, NativeFnPtr, NativeKind, UserData};
use crate::state::State;
use crate::value::Value;
use crate::vm::frame::FrameFn;

/// Install `math` (global and `package.loaded.math`).
pub fn open(st: &mut State) {
    let t = st.new_table();
    st.register(
        t,
        &[
            ("abs", abs),
            ("ceil", ceil),
            ("floor", floor),
            ("fmod", fmod),
            ("modf", modf),
            ("sqrt", sqrt),
            ("sin", sin),
            ("cos", cos),
            ("tan", tan),
            ("asin", asin),
            ("acos", acos),
            ("atan", atan),
            ("exp", exp),
            ("log", log),
            ("deg", deg),
            ("rad", rad),
            ("min", min),
            ("max", max),
            ("tointeger", tointeger),
            ("type", type_),
            ("ult", ult),
        ],
    );
    #[cfg(feature = "compat53")]
    st.register(
        t,
        &[
            ("cosh", cosh),
            ("sinh", sinh),
            ("tanh", tanh),
            ("pow", pow),
            ("frexp", frexp),
            ("ldexp", ldexp),
            ("log10", log10),
        ],
    );
    st.set_field(t, "pi", Value::Float(std::f64::consts::PI));
    st.set_field(t, "huge", Value::Float(f64::INFINITY));
    st.set_field(t, "maxinteger", Value::Int(i64::MAX));
    st.set_field(t, "mininteger", Value::Int(i64::MIN));
    let mut rng = Xoshiro([0; 4]);
    let (a, b) = initial_seed();
    rng.seed(a, b);
    let ud = st.heap.alloc(UserData::new(None, Box::new(rng)));
    let fs: [(&'static str, NativeFnPtr); 2] = [("random", random), ("randomseed", randomseed)];
    for (name, f) in fs {
        let v = st.new_native_kind(name, f, NativeKind::Plain, vec![Value::UserData(ud)]);
        st.set_field(t, name, v);
    }
    st.set_global("math", Value::Table(t));
    let loaded = st.loaded;
    st.set_field(loaded, "math", Value::Table(t));
}

fn int_case_abs(st: &mut State, i: i64) -> LuaResult<usize> {
    st.ret(Value::Int(i.wrapping_abs()))
}

fn int_case_floor(st: &mut State, i: i64) -> LuaResult<usize> {
    st.ret(Value::Int(i))
}

fn int_case_ceil(st: &mut State, i: i64) -> LuaResult<usize> {
    st.ret(Value::Int(i))
}

fn num(st: &mut State, v: f64) -> LuaResult<usize> {
    st.ret(Value::Float(v))
}

// The functions lmathlib keeps under `LUA_COMPAT_MATHLIB`, which Lua 5.4's
// release build (`LUA_COMPAT_5_3`) turns on: the `compat53` feature.

#[cfg(feature = "compat53")]
fn cosh(st: &mut State, a: Args) -> LuaResult<usize> {
    let x = st.check_number(a, 1)?;
    num(st, x.cosh())
}

#[cfg(feature = "compat53")]
fn sinh(st: &mut State, a: Args) -> LuaResult<usize> {
    let x = st.check_number(a, 1)?;
    num(st, x.sinh())
}

#[cfg(feature = "compat53")]
fn tanh(st: &mut State, a: Args) -> LuaResult<usize> {
    let x = st.check_number(a, 1)?;
    num(st, x.tanh())
}

#[cfg(feature = "compat53")]
fn pow(st: &mut State, a: Args) -> LuaResult<usize> {
    let x = st.check_number(a, 1)?;
    let y = st.check_number(a, 2)?;
    num(st, x.powf(y))
}

#[cfg(feature = "compat53")]
fn log10(st: &mut State, a: Args) -> LuaResult<usize> {
    let x = st.check_number(a, 1)?;
    num(st, x.log10())
}

/// `m, e` with `x == m * 2^e`, `0.5 <= |m| < 1` (C's `frexp`).
#[cfg(feature = "compat53")]
fn frexp(st: &mut State, a: Args) -> LuaResult<usize> {
    let x = st.check_number(a, 1)?;
    let (m, e) = frexp_f64(x);
    st.push(Value::Float(m));
    st.push(Value::Int(i64::from(e)));
    Ok(2)
}

/// C's `frexp`: zero, infinities and NaN come back unchanged with 0.
#[cfg(feature = "compat53")]
fn frexp_f64(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp_f64(x * f64::from_bits(0x4350_0000_0000_0000)); // 2^54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// C's `scalbn` (musl's): `x * 2^n` with one rounding, also where the
/// result is subnormal.
#[cfg(feature = "compat53")]
fn scalbn(mut x: f64, mut n: i32) -> f64 {
    let p1023 = f64::from_bits(0x7fe0_0000_0000_0000); // 2^1023
    // 2^-1022 * 2^53: keeps the last step's n below -53, so a subnormal
    // result is rounded once.
    let down = f64::from_bits(0x0010_0000_0000_0000) * f64::from_bits(0x4340_0000_0000_0000);
    if n > 1023 {
        x *= p1023;
        n -= 1023;
        if n > 1023 {
            x *= p1023;
            n = (n - 1023).min(1023);
        }
    } else if n < -1022 {
        x *= down;
        n += 1022 - 53;
        if n < -1022 {
            x *= down;
            n = (n + 1022 - 53).max(-1022);
        }
    }
    x * f64::from_bits(((0x3ff + n) as u64) << 52)
}

/// `x * 2^e` (C's `ldexp`; the exponent converted to a C `int` as
/// lmathlib's cast does).
#[cfg(feature = "compat53")]
fn ldexp(st: &mut State, a: Args) -> LuaResult<usize> {
    let x = st.check_number(a, 1)?;
    let e = st.check_int(a, 2)? as i32;
    num(st, scalbn(x, e))
}

/// lmathlib's `pushnumint`: an integer if the float has an exact integer
/// value in range, else the float.
fn push_num_int(st: &mut State, f: f64) -> LuaResult<usize> {
    match number::float_to_int_exact(f) {
        Some(i) => st.ret(Value::Int(i)),
        None => st.ret(Value::Float(f)),
    }
}

fn abs(st: &mut State, a: Args) -> LuaResult<usize> {
    if let Value::Int(i) = a.get(st, 1) {
        return int_case_abs(st, i);
    }
    match Value::Float(st.check_number(a, 1)?) {
        Value::Int(i) => st.ret(Value::Int(i.wrapping_abs())),
        Value::Float(f) => num(st, f.abs()),
        _ => Ok(0),
    }
}

fn floor(st: &mut State, a: Args) -> LuaResult<usize> {
    if let Value::Int(i) = a.get(st, 1) {
        return int_case_floor(st, i);
    }
    match Value::Float(st.check_number(a, 1)?) {
        Value::Int(i) => st.ret(Value::Int(i)),
        Value::Float(f) => push_num_int(st, f.floor()),
        _ => Ok(0),
    }
}

fn ceil(st: &mut State, a: Args) -> LuaResult<usize> {
    if let Value::Int(i) = a.get(st, 1) {
        return int_case_ceil(st, i);
    }
    match Value::Float(st.check_number(a, 1)?) {
        Value::Int(i) => st.ret(Value::Int(i)),
        Value::Float(f) => push_num_int(st, f.ceil()),
        _ => Ok(0),
    }
}

fn fmod(st: &mut State, a: Args) -> LuaResult<usize> {
    if let (Value::Int(m), Value::Int(d)) = (a.get(st, 1), a.get(st, 2)) {
        if (d as u64).wrapping_add(1) <= 1 {
            if d == 0 {
                return Err(st.arg_error(2, "zero"));
            }
            return st.ret(Value::Int(0));
        }
        return st.ret(Value::Int(m % d));
    }
    let x = st.check_number(a, 1)?;
    let y = st.check_number(a, 2)?;
    num(st, libm_fmod(x, y))
}

/// C's `fmod` (Rust's `%` on floats is the same operation).
fn libm_fmod(x: f64, y: f64) -> f64 {
    x % y
}

fn modf(st: &mut State, a: Args) -> LuaResult<usize> {
    if let Value::Int(i) = a.get(st, 1) {
        st.push(Value::Int(i));
        st.push(Value::Float(0.0));
        return Ok(2);
    }
    let n = st.check_number(a, 1)?;
    let ip = if n < 0.0 { n.ceil() } else { n.floor() };
    push_num_int(st, ip)?;
    let frac = if n == ip { 0.0 } else { n - ip };
    st.push(Value::Float(frac));
    Ok(2)
}

macro_rules! float_fn {
    ($name:ident, $op:expr) => {
        fn $name(st: &mut State, a: Args) -> LuaResult<usize> {
            let x = st.check_number(a, 1)?;
            let f: fn(f64) -> f64 = $op;
            num(st, f(x))
        }
    };
}

float_fn!(sqrt, f64::sqrt);
float_fn!(sin, f64::sin);
float_fn!(cos, f64::cos);
float_fn!(tan, f64::tan);
float_fn!(asin, f64::asin);
float_fn!(acos, f64::acos);
float_fn!(exp, f64::exp);
float_fn!(deg, |x| x * (180.0 / std::f64::consts::PI));
float_fn!(rad, |x| x * (std::f64::consts::PI / 180.0));

fn atan(st: &mut State, a: Args) -> LuaResult<usize> {
    let y = st.check_number(a, 1)?;
    let x = st.opt_number(a, 2, 1.0)?;
    num(st, y.atan2(x))
}

fn log(st: &mut State, a: Args) -> LuaResult<usize> {
    let x = st.check_number(a, 1)?;
    let r = if a.is_none_or_nil(st, 2) {
        x.ln()
    } else {
        let b = st.check_number(a, 2)?;
        if b == 2.0 {
            x.log2()
        } else if b == 10.0 {
            x.log10()
        } else {
            x.ln() / b.ln()
        }
    };
    num(st, r)
}

/// `math.min`/`math.max`: the first extreme argument by `<` (metamethods
/// included, as lmathlib's `lua_compare`), pushed unconverted.
fn min_max(st: &mut State, a: Args, want_max: bool) -> LuaResult<usize> {
    if a.n < 1 {
        return Err(st.arg_error(1, "value expected"));
    }
    let mut best_i = 1;
    for i in 2..=a.n {
        let v = a.get(st, i);
        let best = a.get(st, best_i);
        let better = if want_max {
            st.less_than(best, v)?
        } else {
            st.less_than(v, best)?
        };
        if better {
            best_i = i;
        }
    }
    let v = a.get(st, best_i);
    st.ret(v)
}

fn min(st: &mut State, a: Args) -> LuaResult<usize> {
    min_max(st, a, false)
}

fn max(st: &mut State, a: Args) -> LuaResult<usize> {
    min_max(st, a, true)
}

fn tointeger(st: &mut State, a: Args) -> LuaResult<usize> {
    let v = a.get(st, 1);
    match crate::vm::ops::to_integer(v) {
        Some(i) => st.ret(Value::Int(i)),
        None => {
            st.check_any(a, 1)?;
            st.ret(Value::Nil)
        }
    }
}

fn type_(st: &mut State, a: Args) -> LuaResult<usize> {
    let v = st.check_any(a, 1)?;
    let r = match v {
        Value::Int(_) => st.str_value("integer"),
        Value::Float(_) => st.str_value("float"),
        _ => Value::Nil,
    };
    st.ret(r)
}

fn ult(st: &mut State, a: Args) -> LuaResult<usize> {
    let x = st.check_int(a, 1)?;
    let y = st.check_int(a, 2)?;
    st.ret(Value::Bool((x as u64) < (y as u64)))
}

// ---------------------------------------------------------------------
// Pseudo-random numbers

/// xoshiro256** state.
#[derive(Clone, Debug)]
pub struct Xoshiro(pub [u64; 4]);

impl Xoshiro {
    /// The next 64-bit output (lmathlib's `nextrand`).
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// lmathlib's `setseed`.
    pub fn seed(&mut self, n1: u64, n2: u64) {
        self.0 = [n1, 0xff, n2, 0];
        for _ in 0..16 {
            self.next_u64();
        }
    }

    /// lmathlib's `project`: a value in `[0, n]` from `ran`.
    pub fn project(&mut self, mut ran: u64, n: u64) -> u64 {
        if n & n.wrapping_add(1) == 0 {
            return ran & n;
        }
        let mut lim = n;
        lim |= lim >> 1;
        lim |= lim >> 2;
        lim |= lim >> 4;
        lim |= lim >> 8;
        lim |= lim >> 16;
        lim |= lim >> 32;
        loop {
            ran &= lim;
            if ran <= n {
                return ran;
            }
            ran = self.next_u64();
        }
    }
}

/// A float in [0, 1) from an output (lmathlib's `I2d`).
pub fn to_float(rv: u64) -> f64 {
    (rv >> 11) as f64 * (0.5f64).powi(53)
}

/// lmathlib's `randseed`: time mixed with an address.
fn initial_seed() -> (u64, u64) {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let local = 0u8;
    (t, &local as *const u8 as u64)
}

/// The generator userdata of the running native (its first upvalue).
fn generator(st: &State) -> Option<Gc<UserData>> {
    match st.th.frames.last().map(|f| f.func_fn) {
        Some(FrameFn::Native(nf)) => match nf.upvalues.borrow().first() {
            Some(Value::UserData(u)) => Some(*u),
            _ => None,
        },
        _ => None,
    }
}

fn with_rng<R>(st: &State, f: impl FnOnce(&mut Xoshiro) -> R) -> Option<R> {
    let ud = generator(st)?;
    let mut data = ud.data.borrow_mut();
    let rng = data.downcast_mut::<Xoshiro>()?;
    Some(f(rng))
}

fn random(st: &mut State, a: Args) -> LuaResult<usize> {
    let rv = with_rng(st, |r| r.next_u64()).unwrap_or(0);
    let (low, up) = match a.n {
        0 => return num(st, to_float(rv)),
        1 => {
            let up = st.check_int(a, 1)?;
            if up == 0 {
                return st.ret(Value::Int(rv as i64));
            }
            (1, up)
        }
        2 => (st.check_int(a, 1)?, st.check_int(a, 2)?),
        _ => return Err(st.error("wrong number of arguments")),
    };
    if low > up {
        return Err(st.arg_error(1, "interval is empty"));
    }
    let n = (up as u64).wrapping_sub(low as u64);
    let p = with_rng(st, |r| r.project(rv, n)).unwrap_or(0);
    st.ret(Value::Int(p.wrapping_add(low as u64) as i64))
}

fn randomseed(st: &mut State, a: Args) -> LuaResult<usize> {
    let (n1, n2) = if a.is_none(1) {
        initial_seed()
    } else {
        let n1 = st.check_int(a, 1)?;
        let n2 = st.opt_int(a, 2, 0)?;
        (n1 as u64, n2 as u64)
    };
    with_rng(st, |r| r.seed(n1, n2));
    st.push(Value::Int(n1 as i64));
    st.push(Value::Int(n2 as i64));
    Ok(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_stays_in_range() {
        let mut r = Xoshiro([0; 4]);
        r.seed(7, 0);
        for n in [0u64, 1, 2, 5, 99, 1000, u64::MAX / 3] {
            for _ in 0..50 {
                let v = r.next_u64();
                assert!(r.project(v, n) <= n);
            }
        }
    }

    #[test]
    fn floats_in_unit_interval() {
        let mut r = Xoshiro([0; 4]);
        r.seed(42, 0);
        for _ in 0..1000 {
            let f = to_float(r.next_u64());
            assert!((0.0..1.0).contains(&f));
        }
    }
}
