//! `TableCell`: the interior-mutability cell around a table's raw
//! array/hash part, a `RefCell` where tests run and a plain `UnsafeCell`
//! in release builds.
//!
//! # The invariant
//!
//! **A borrow of a table's raw part (`Table::raw`, `Table::raw_mut`) is
//! never held across anything that can run Lua code or the collector**:
//! a call into Lua (`State::call*`, a metamethod, `__index`/`__newindex`
//! handlers, a comparator), a safepoint (`State::gc_check`,
//! `State::full_gc`, whose trace reads every reachable table), or another
//! access to the same table through `State` (`raw_set`, `raw_set_int`,
//! `index`, ...). Borrows are taken for one raw operation, or a short
//! loop of raw operations with no other code in it, and dropped.
//!
//! Lua code can reach any table, so a borrow held across it could alias a
//! mutable borrow taken inside it. Every borrow in the runtime follows the
//! rule, so the executors' hot loops (each `GETTABLE`/`SETTABLE`) should
//! not pay the borrow-flag load, compare, increment and decrement of a
//! `RefCell` for it. Hence the two builds:
//!
//! - with `debug_assertions` (`cargo test`, `cargo build`), the cell is a
//!   `RefCell` and a violation panics at the second borrow, so the test
//!   suite and the corpus in debug mode check the rule;
//! - without (`--release`), the cell is an `UnsafeCell` and the guards are
//!   plain references: no flag, no check. A violation there would be
//!   undefined behaviour, which is why the rule is written here and the
//!   debug build keeps checking it.
//!
//! The guards are newtypes over `Ref`/`RefMut` or `&T`/`&mut T`, with the
//! same API in both builds, so code that compiles in one compiles in the
//! other.

use std::ops::{Deref, DerefMut};

#[cfg(debug_assertions)]
type Inner<T> = std::cell::RefCell<T>;
#[cfg(not(debug_assertions))]
type Inner<T> = std::cell::UnsafeCell<T>;

/// A cell whose borrows follow the rule in the module docs: checked in
/// debug builds, free in release builds.
pub struct TableCell<T> {
    inner: Inner<T>,
}

/// Shared access to the contents of a [`TableCell`].
pub struct CellRef<'a, T> {
    #[cfg(debug_assertions)]
    r: std::cell::Ref<'a, T>,
    #[cfg(not(debug_assertions))]
    r: &'a T,
}

/// Exclusive access to the contents of a [`TableCell`].
pub struct CellMut<'a, T> {
    #[cfg(debug_assertions)]
    r: std::cell::RefMut<'a, T>,
    #[cfg(not(debug_assertions))]
    r: &'a mut T,
}

impl<T> TableCell<T> {
    #[inline]
    pub fn new(value: T) -> TableCell<T> {
        TableCell {
            inner: Inner::new(value),
        }
    }

    /// Shared access. Never held across a call into Lua or the collector
    /// (see the module docs); panics in debug builds if the cell is
    /// mutably borrowed.
    #[inline(always)]
    pub fn borrow(&self) -> CellRef<'_, T> {
        #[cfg(debug_assertions)]
        {
            CellRef {
                r: self.inner.borrow(),
            }
        }
        #[cfg(not(debug_assertions))]
        {
            CellRef {
                // SAFETY: by the rule of this module no `CellMut` of this
                // cell is alive: every mutable borrow is dropped before
                // anything that could reach this table runs, and the debug
                // build checks exactly that with a `RefCell`.
                r: unsafe { &*self.inner.get() },
            }
        }
    }

    /// Exclusive access. Never held across a call into Lua or the
    /// collector (see the module docs); panics in debug builds if the cell
    /// is borrowed.
    #[inline(always)]
    pub fn borrow_mut(&self) -> CellMut<'_, T> {
        #[cfg(debug_assertions)]
        {
            CellMut {
                r: self.inner.borrow_mut(),
            }
        }
        #[cfg(not(debug_assertions))]
        {
            CellMut {
                // SAFETY: by the rule of this module no other borrow of
                // this cell is alive (checked by the `RefCell` of debug
                // builds), so this is the only reference to the contents
                // while it lives.
                r: unsafe { &mut *self.inner.get() },
            }
        }
    }
}

impl<T> Deref for CellRef<'_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        #[cfg(debug_assertions)]
        {
            &self.r
        }
        #[cfg(not(debug_assertions))]
        {
            self.r
        }
    }
}

impl<T> Deref for CellMut<'_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        #[cfg(debug_assertions)]
        {
            &self.r
        }
        #[cfg(not(debug_assertions))]
        {
            self.r
        }
    }
}

impl<T> DerefMut for CellMut<'_, T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut T {
        #[cfg(debug_assertions)]
        {
            &mut self.r
        }
        #[cfg(not(debug_assertions))]
        {
            self.r
        }
    }
}

/// The release guards hold plain references; an (empty) `Drop` keeps the
/// borrow checker treating them like `Ref`/`RefMut` (alive until dropped),
/// so `drop(guard)` means the same in both builds.
#[cfg(not(debug_assertions))]
impl<T> Drop for CellRef<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {}
}

#[cfg(not(debug_assertions))]
impl<T> Drop for CellMut<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_go_to_the_same_value() {
        let c = TableCell::new(vec![1, 2]);
        c.borrow_mut().push(3);
        assert_eq!(*c.borrow(), vec![1, 2, 3]);
        let a = c.borrow();
        let b = c.borrow();
        assert_eq!(a.len() + b.len(), 6);
    }

    /// The debug build is where the rule is checked: a mutable borrow
    /// while another borrow lives must panic there.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic]
    fn debug_build_catches_an_overlapping_borrow() {
        let c = TableCell::new(0);
        let _r = c.borrow();
        *c.borrow_mut() += 1;
    }
}
