//! Constant folding of numeric operators, exactly where lcode.c folds.
//!
//! Folding happens only when both operands are numerals and the operation
//! cannot raise or depend on run-time state: no division or modulo by zero
//! (integer or float), bitwise operators only on operands with an exact
//! integer value, and no result that is a float NaN or zero (so `-0.0`
//! keeps its sign and NaN never becomes a constant). Strings are never
//! folded.

use lua_syntax::ast::{BinOp, UnOp};
use lua_syntax::number::{float_mod, float_pow, int_floor_div, int_mod, shift_left};

/// A numeral operand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// Exact integer value (`luaV_tointegerns` with `F2Ieq`).
    fn to_int(self) -> Option<i64> {
        match self {
            Num::Int(i) => Some(i),
            Num::Float(f) => float_to_int(f),
        }
    }

    fn is_zero(self) -> bool {
        match self {
            Num::Int(i) => i == 0,
            Num::Float(f) => f == 0.0,
        }
    }
}

/// The integer with exactly the value of `f`, if any.
pub(crate) fn float_to_int(f: f64) -> Option<i64> {
    // -2^63 <= f < 2^63 and integral.
    if f.floor() == f && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        Some(f as i64)
    } else {
        None
    }
}

/// Fold `a op b`, or `None` when PUC-Rio would not fold it.
pub(crate) fn fold_binary(op: BinOp, a: Num, b: Num) -> Option<Num> {
    use BinOp::*;
    let r = match op {
        BAnd | BOr | BXor | Shl | Shr => {
            let (x, y) = (a.to_int()?, b.to_int()?);
            Num::Int(match op {
                BAnd => x & y,
                BOr => x | y,
                BXor => x ^ y,
                Shl => shift_left(x, y),
                _ => shift_left(x, y.wrapping_neg()),
            })
        }
        Div | IDiv | Mod if b.is_zero() => return None,
        Div => Num::Float(a.to_f64() / b.to_f64()),
        Pow => Num::Float(float_pow(a.to_f64(), b.to_f64())),
        Add | Sub | Mul | IDiv | Mod => match (a, b) {
            (Num::Int(x), Num::Int(y)) => Num::Int(match op {
                Add => x.wrapping_add(y),
                Sub => x.wrapping_sub(y),
                Mul => x.wrapping_mul(y),
                IDiv => int_floor_div(x, y)?,
                _ => int_mod(x, y)?,
            }),
            _ => {
                let (x, y) = (a.to_f64(), b.to_f64());
                Num::Float(match op {
                    Add => x + y,
                    Sub => x - y,
                    Mul => x * y,
                    IDiv => (x / y).floor(),
                    _ => float_mod(x, y),
                })
            }
        },
        _ => return None,
    };
    accept(r)
}

/// Fold a unary `-` or `~`.
pub(crate) fn fold_unary(op: UnOp, a: Num) -> Option<Num> {
    let r = match op {
        UnOp::Neg => match a {
            Num::Int(i) => Num::Int(i.wrapping_neg()),
            Num::Float(f) => Num::Float(-f),
        },
        UnOp::BNot => Num::Int(!a.to_int()?),
        _ => return None,
    };
    accept(r)
}

fn accept(r: Num) -> Option<Num> {
    match r {
        Num::Float(f) if f.is_nan() || f == 0.0 => None,
        _ => Some(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_like_lcode() {
        use BinOp::*;
        assert_eq!(
            fold_binary(Add, Num::Int(1), Num::Int(2)),
            Some(Num::Int(3))
        );
        assert_eq!(fold_binary(IDiv, Num::Int(3), Num::Int(0)), None);
        assert_eq!(fold_binary(Mod, Num::Float(5.0), Num::Float(0.0)), None);
        assert_eq!(
            fold_binary(Pow, Num::Int(2), Num::Int(2)),
            Some(Num::Float(4.0))
        );
        assert_eq!(fold_binary(BAnd, Num::Int(1), Num::Float(1.5)), None);
        assert_eq!(
            fold_binary(IDiv, Num::Int(7), Num::Float(2.0)),
            Some(Num::Float(3.0))
        );
        assert_eq!(
            fold_binary(IDiv, Num::Int(-7), Num::Int(2)),
            Some(Num::Int(-4))
        );
        assert_eq!(
            fold_binary(Mod, Num::Int(-7), Num::Int(2)),
            Some(Num::Int(1))
        );
        assert_eq!(fold_binary(Sub, Num::Float(1.0), Num::Float(1.0)), None);
        assert_eq!(
            fold_binary(Add, Num::Int(i64::MAX), Num::Int(1)),
            Some(Num::Int(i64::MIN))
        );
        assert_eq!(
            fold_binary(Shl, Num::Int(1), Num::Int(64)),
            Some(Num::Int(0))
        );
        assert_eq!(
            fold_binary(Shr, Num::Int(-1), Num::Int(63)),
            Some(Num::Int(1))
        );
        assert_eq!(fold_unary(UnOp::Neg, Num::Float(0.0)), None);
        assert_eq!(fold_unary(UnOp::BNot, Num::Int(0)), Some(Num::Int(-1)));
    }
}
