//! Compile-time constants: which expressions PUC's code generator folds to
//! a constant (`luaK_exp2const` after `constfolding`).
//!
//! A `<const>` local whose initialiser is such a constant (and that is the
//! last of its list, with as many values as names) is a *compile-time
//! constant*: it occupies no register and is never an upvalue. The parser
//! needs this to count upvalues as PUC does; the compiler needs it to emit
//! the same code, so the evaluator is public.
//!
//! The rules follow lcode.c: numerals fold through arithmetic and bitwise
//! operators unless the operation could raise an error (division or modulo
//! by zero, a bitwise operand without an integer value) or yields NaN or
//! 0.0 (to keep `-0.0` distinct); `not` folds any constant; `and`/`or` fold
//! when the left operand's truth is known and makes the result the right
//! operand; strings, `nil` and booleans are constants but never operands of
//! arithmetic folding; concatenation and comparisons never fold.

use crate::ast::{BinOp, Expr, ExprKind, UnOp};

/// A constant value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Const<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a [u8]),
}

impl Const<'_> {
    fn truthy(self) -> bool {
        !matches!(self, Const::Nil | Const::Bool(false))
    }
}

/// The constant `e` folds to, or `None`. `lookup` gives the value of a name
/// that refers to a compile-time constant in scope (and `None` otherwise).
pub fn exp2const<'a>(
    e: &Expr<'a>,
    lookup: &mut dyn FnMut(&str) -> Option<Const<'a>>,
) -> Option<Const<'a>> {
    match e.kind {
        ExprKind::Nil => Some(Const::Nil),
        ExprKind::True => Some(Const::Bool(true)),
        ExprKind::False => Some(Const::Bool(false)),
        ExprKind::Int(i) => Some(Const::Int(i)),
        ExprKind::Float(f) => Some(Const::Float(f)),
        ExprKind::Str(s) => Some(Const::Str(s)),
        ExprKind::Name(n) => lookup(n),
        ExprKind::Paren(inner) => exp2const(inner, lookup),
        ExprKind::Unary { op, operand } => {
            let v = exp2const(operand, lookup)?;
            match op {
                UnOp::Not => Some(Const::Bool(!v.truthy())),
                UnOp::Neg => neg(v),
                UnOp::BNot => to_int(v).map(|i| Const::Int(!i)),
                UnOp::Len => None,
            }
        }
        ExprKind::Binary {
            op: BinOp::And,
            lhs,
            rhs,
        } => {
            let l = exp2const(lhs, lookup)?;
            if l.truthy() {
                exp2const(rhs, lookup)
            } else {
                None
            }
        }
        ExprKind::Binary {
            op: BinOp::Or,
            lhs,
            rhs,
        } => {
            let l = exp2const(lhs, lookup)?;
            if l.truthy() {
                None
            } else {
                exp2const(rhs, lookup)
            }
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let l = exp2const(lhs, lookup)?;
            let r = exp2const(rhs, lookup)?;
            arith(op, l, r)
        }
        _ => None,
    }
}

fn neg(v: Const<'_>) -> Option<Const<'static>> {
    match v {
        Const::Int(i) => Some(Const::Int(i.wrapping_neg())),
        Const::Float(f) => {
            let r = -f;
            if r.is_nan() || r == 0.0 {
                None
            } else {
                Some(Const::Float(r))
            }
        }
        _ => None,
    }
}

fn to_num(v: Const<'_>) -> Option<f64> {
    match v {
        Const::Int(i) => Some(i as f64),
        Const::Float(f) => Some(f),
        _ => None,
    }
}

/// `luaV_tointegerns` with `F2Ieq`: floats with an exact integer value.
fn to_int(v: Const<'_>) -> Option<i64> {
    match v {
        Const::Int(i) => Some(i),
        Const::Float(f) => {
            if f.floor() == f && (-9223372036854775808.0..9223372036854775808.0).contains(&f) {
                Some(f as i64)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn shift_left(x: i64, y: i64) -> i64 {
    if y <= -64 || y >= 64 {
        0
    } else if y >= 0 {
        ((x as u64) << y) as i64
    } else {
        ((x as u64) >> (-y)) as i64
    }
}

/// `constfolding` for a binary arithmetic or bitwise operator.
fn arith(op: BinOp, l: Const<'_>, r: Const<'_>) -> Option<Const<'static>> {
    use BinOp::*;
    // Only numerals are folded.
    to_num(l)?;
    to_num(r)?;
    let res = match op {
        BAnd | BOr | BXor | Shl | Shr => {
            let (a, b) = (to_int(l)?, to_int(r)?);
            Const::Int(match op {
                BAnd => a & b,
                BOr => a | b,
                BXor => a ^ b,
                Shl => shift_left(a, b),
                _ => shift_left(a, b.wrapping_neg()),
            })
        }
        Add | Sub | Mul | Mod | IDiv => {
            if matches!(op, Mod | IDiv) && to_num(r)? == 0.0 {
                return None;
            }
            match (l, r) {
                (Const::Int(a), Const::Int(b)) => Const::Int(match op {
                    Add => a.wrapping_add(b),
                    Sub => a.wrapping_sub(b),
                    Mul => a.wrapping_mul(b),
                    Mod => {
                        if b == -1 {
                            0
                        } else {
                            let m = a % b;
                            if m != 0 && (m ^ b) < 0 { m + b } else { m }
                        }
                    }
                    _ => {
                        if b == -1 {
                            a.wrapping_neg()
                        } else {
                            let q = a / b;
                            if (a % b != 0) && ((a ^ b) < 0) {
                                q - 1
                            } else {
                                q
                            }
                        }
                    }
                }),
                _ => {
                    let (a, b) = (to_num(l)?, to_num(r)?);
                    Const::Float(match op {
                        Add => a + b,
                        Sub => a - b,
                        Mul => a * b,
                        Mod => {
                            let m = a % b;
                            if m != 0.0 && (m > 0.0) != (b > 0.0) {
                                m + b
                            } else {
                                m
                            }
                        }
                        _ => (a / b).floor(),
                    })
                }
            }
        }
        Div | Pow => {
            let (a, b) = (to_num(l)?, to_num(r)?);
            if op == Div && b == 0.0 {
                return None;
            }
            Const::Float(if op == Div {
                a / b
            } else {
                crate::number::float_pow(a, b)
            })
        }
        _ => return None,
    };
    match res {
        Const::Float(f) if f.is_nan() || f == 0.0 => None,
        r => Some(r),
    }
}
