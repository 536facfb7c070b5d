//! Generational mode: minor collections of the young objects and major
//! (whole) ones.

use super::*;

impl Heap {
    // -----------------------------------------------------------------
    // Generational mode
    //
    // Objects are young until they survive a collection, old afterwards.
    // Old objects stay black between collections, so the barrier's fast
    // path sees every write into one: the first after a collection puts
    // it on the remembered list (color TOUCHED). A minor collection marks
    // from the roots, the old threads, the remembered objects and the
    // old upvalues closed since; marking stops at old (black) objects,
    // and the sweep walks only the young part of the list (the objects
    // added at its head since the last collection). Survivors become old
    // at once (lua5.4 waits for a second survival). A major collection
    // is a whole one, starting with every object white.

    /// A generational step: major if the heap has grown by `majormul`%
    /// since the last major collection, minor otherwise.
    ///
    /// As lua5.4's `genstep`: a major collection that frees less than
    /// half the growth since the last one is a bad one (the program is
    /// building, not churning: minor collections would only promote), and
    /// until a major collection finds the live size no longer growing by
    /// more than an eighth, every collection is a major one, paced by
    /// `pause` as in incremental mode.
    pub(super) fn gen_step(&mut self, roots: &mut Roots<'_>, extra: usize) {
        if self.gen_bad {
            let last = self.gen_base;
            self.major(roots);
            if self.bytes < last + last / 8 {
                self.gen_bad = false;
            } else {
                self.pause_threshold();
            }
            return;
        }
        let base = self.gen_base.max(MIN_HEAP);
        let growth = (base / 100).saturating_mul(self.params.majormul as usize);
        if self.bytes.saturating_add(extra) > base.saturating_add(growth) {
            self.major(roots);
            if self.bytes >= base + growth / 2 {
                self.gen_bad = true;
                self.pause_threshold();
            }
        } else {
            self.minor(roots);
        }
    }

    /// A minor collection: free the young objects nothing reaches.
    pub(super) fn minor(&mut self, roots: &mut Roots<'_>) {
        self.release_spares();
        self.start_cycle(roots);
        let t = &mut self.tracer;
        for &th in &self.old_threads {
            th.trace(t);
        }
        self.old_open_upvals.retain(|u| {
            if u.is_open() {
                return true;
            }
            t.mark_value(u.get());
            false
        });
        for h in self.remembered.drain(..) {
            // SAFETY: a remembered object is old, and old objects die only
            // in a major collection, which empties the list.
            unsafe { h.as_ref() }.color.set(self.white);
            t.gray.push(h);
        }
        self.mark_atomic(roots);
        let freed = self.sweep_gen(self.old_boundary);
        self.bytes = self.bytes.saturating_sub(freed);
        self.finish_gen();
    }

    /// A major collection: a whole one; every survivor is old after it.
    pub(super) fn major(&mut self, roots: &mut Roots<'_>) {
        self.release_spares();
        self.whiten_all();
        self.start_cycle(roots);
        self.mark_atomic(roots);
        self.sweep_gen(None);
        self.bytes = self.tracer.live;
        self.gen_base = self.bytes;
        self.finish_gen();
    }

    /// After a generational collection: the survivors are old, and the
    /// next minor collection is due after `minormul`% of growth.
    pub(super) fn finish_gen(&mut self) {
        self.old_boundary = self.head;
        let t = &mut self.tracer;
        self.old_threads.append(&mut t.threads);
        self.old_open_upvals
            .extend(t.open_upvals.iter().filter(|u| u.is_open()));
        self.tracer.reset();
        self.phase = Phase::Pause;
        self.live = self.bytes;
        self.collections += 1;
        let base = self.gen_base.max(MIN_HEAP);
        let grow = if self.stress_steps {
            STRESS_MINOR_BYTES
        } else {
            (base / 100)
                .saturating_mul(self.params.minormul.max(1) as usize)
                .max(MIN_YOUNG)
        };
        self.threshold = self.bytes.saturating_add(grow).min(self.limit);
    }

    /// Sweep the list from its head up to `stop` (the old part, for a
    /// minor collection; `None`: all of it): free the white objects,
    /// make the others old (black). Returns the bytes freed.
    pub(super) fn sweep_gen(&mut self, stop: Option<NonNull<Header>>) -> usize {
        let (_, freed) = self.sweep_list(&mut SweepPos::Head, stop, self.white, BLACK, &mut {
            isize::MAX
        });
        freed
    }
}
