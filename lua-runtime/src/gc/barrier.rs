//! The write barriers: what a mutation of a traced object must tell the
//! collector (see the module docs of [`super`]).

use super::*;

impl Heap {
    /// Object `o` now references `v` (an upvalue's value, a metatable, a
    /// userdata's user value, a native's upvalue): if `o` was already
    /// traced in this cycle, `v` must be marked too (a forward barrier, as
    /// PUC's `luaC_barrier`). Free unless `o` is black, which only happens
    /// during a cycle.
    #[inline(always)]
    pub fn barrier<T: GcObject>(&mut self, o: Gc<T>, v: Value) {
        if o.header().color.get() == BLACK {
            self.barrier_slow(o.header(), Value::Nil, v);
        }
    }

    /// [`Heap::barrier`] for an object reference that is not a value (a
    /// closure's upvalue).
    #[inline]
    pub fn barrier_object<T: GcObject, U: GcObject>(&mut self, o: Gc<T>, v: Gc<U>) {
        if o.header().color.get() == BLACK {
            if self.phase == Phase::Propagate {
                self.tracer.mark(v);
            } else {
                self.touch(o.header());
            }
        }
    }

    /// A barrier outside marking: in generational mode the black (old)
    /// object goes on the remembered list; while sweeping, a black object
    /// is one the sweep has not reached, and whitening it now (it
    /// survives either way) keeps its next writes on the fast path.
    pub(super) fn touch(&mut self, h: &Header) {
        if self.mode == Mode::Generational {
            h.color.set(TOUCHED);
            self.remembered.push(NonNull::from(h));
        } else {
            h.color.set(self.white);
        }
    }

    /// Table `t` now holds `v` under `k`: the table's barrier. A weak part
    /// of a table traced as weak is not marked (the atomic step looks at
    /// weak tables' entries again).
    #[inline(always)]
    pub fn barrier_table(&mut self, t: Gc<Table>, k: Value, v: Value) {
        if t.header().color.get() == BLACK {
            self.barrier_slow(t.header(), k, v);
        }
    }

    #[cold]
    #[inline(never)]
    pub(super) fn barrier_slow(&mut self, h: &Header, k: Value, v: Value) {
        if self.phase != Phase::Propagate {
            self.touch(h);
            return;
        }
        let f = h.flags.get();
        if f & WEAK_K == 0 {
            self.tracer.mark_value(k);
            if f & WEAK_V == 0 {
                self.tracer.mark_value(v);
            }
        }
    }
}
