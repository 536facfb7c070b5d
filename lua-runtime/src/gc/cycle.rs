//! The collection cycle: incremental steps (marking, the atomic step,
//! sweeping), full collections, and the switch between modes.

use super::*;

impl Heap {
    /// Run a full collection now: a cycle under way is finished without
    /// freeing what it cannot prove dead (marking is abandoned, a sweep is
    /// completed), then a whole cycle runs at once, so that everything
    /// unreachable now is collected.
    pub fn collect(&mut self, roots: &mut Roots<'_>) {
        if self.mode == Mode::Generational {
            self.major(roots);
            return;
        }
        match self.phase {
            Phase::Pause => {}
            Phase::Propagate => self.whiten_all(),
            Phase::Sweep => {
                self.sweep_step(&mut { isize::MAX });
            }
        }
        self.start_cycle(roots);
        self.tracer.drain(&mut { isize::MAX });
        self.atomic(roots);
        self.sweep_step(&mut { isize::MAX });
        self.finish_cycle();
    }

    /// One incremental step, paid for by the allocation since the last
    /// one plus `extra` bytes (`collectgarbage("step", n)`): work in
    /// proportion (`stepmul`), through as many phases as it covers, but
    /// never past the end of a cycle. Returns whether a cycle ended.
    pub fn step(&mut self, roots: &mut Roots<'_>, extra: usize) -> bool {
        self.step_with(roots, extra, false)
    }

    /// The step a safepoint takes when one is due: [`Heap::step`], but a
    /// tiny one under `LUNA_GC_STRESS=inc`.
    pub fn auto_step(&mut self, roots: &mut Roots<'_>) {
        self.step_with(roots, 0, self.stress_steps);
    }

    pub(super) fn step_with(&mut self, roots: &mut Roots<'_>, extra: usize, tiny: bool) -> bool {
        if self.mode == Mode::Generational {
            // As lua5.4, a generational step never reports a cycle's end.
            self.gen_step(roots, extra);
            return false;
        }
        let stepsize = 1usize << self.params.stepsize.min(40);
        // Allocation debt beyond two steps' worth (one large allocation)
        // is paid by the next steps, one per safepoint, so that no step
        // is long; `extra` (asked for) is paid at once.
        let owed = self.bytes.saturating_sub(self.threshold) + self.carry + stepsize;
        let paid = owed.min(2 * stepsize);
        self.carry = owed - paid;
        let debt = paid + extra;
        let mut budget = if tiny {
            STRESS_STEP_WORK
        } else {
            isize::try_from(debt / WORK_UNIT)
                .unwrap_or(isize::MAX)
                .saturating_mul(self.params.stepmul.max(1) as isize)
        };
        let ended = loop {
            match self.phase {
                Phase::Pause => self.start_cycle(roots),
                Phase::Propagate => {
                    if self.tracer.drain(&mut budget) {
                        self.atomic(roots);
                    }
                }
                Phase::Sweep => {
                    if self.sweep_step(&mut budget) {
                        self.finish_cycle();
                        break true;
                    }
                }
            }
            if budget <= 0 {
                break false;
            }
        };
        if ended {
            self.carry = 0;
        } else if self.carry > 0 {
            self.threshold = self.bytes.min(self.limit);
        } else {
            self.threshold = self.bytes.saturating_add(stepsize).min(self.limit);
        }
        ended
    }

    /// Start a cycle: mark the roots (their edges; marking proper happens
    /// in the steps).
    pub(super) fn start_cycle(&mut self, roots: &mut Roots<'_>) {
        self.epoch = self.epoch.wrapping_add(1);
        self.tracer.reset();
        self.tracer.mode_key = self.mode_key;
        self.tracer.epoch = self.epoch;
        roots(&mut self.tracer);
        for &v in &self.tobefnz {
            self.tracer.mark_value(v);
        }
        self.phase = Phase::Propagate;
    }

    /// Make every object white and young again, forgetting a cycle under
    /// way (nothing is freed: only a finished mark proves death) and the
    /// generations.
    pub(super) fn whiten_all(&mut self) {
        let mut cur = self.head;
        while let Some(h) = cur {
            // SAFETY: every node of the list is a live box.
            let hdr = unsafe { h.as_ref() };
            hdr.color.set(self.white);
            cur = hdr.next.get();
        }
        self.tracer.reset();
        self.remembered.clear();
        self.old_threads.clear();
        self.old_open_upvals.clear();
        self.old_boundary = None;
        self.phase = Phase::Pause;
    }

    /// The mode the collector runs in.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Switch the collector's mode (unless pinned): to generational with a
    /// major collection, after which every survivor is old; to
    /// incremental with every object white, the next cycle due when the
    /// heap reaches `pause`% of its size.
    pub fn set_mode(&mut self, mode: Mode, roots: &mut Roots<'_>) {
        if self.pinned || mode == self.mode {
            return;
        }
        match mode {
            Mode::Generational => {
                if self.phase == Phase::Sweep {
                    self.sweep_step(&mut { isize::MAX });
                    self.finish_cycle();
                }
                self.mode = Mode::Generational;
                self.major(roots);
            }
            Mode::Incremental => {
                self.whiten_all();
                self.mode = Mode::Incremental;
                self.finish_cycle();
            }
        }
    }

    /// Start a state in `mode` (nothing allocated yet: no collection
    /// needed), pinned if `pinned`.
    pub fn start_in(&mut self, mode: Mode, pinned: bool) {
        self.mode = mode;
        self.pinned = pinned;
    }

    /// The atomic step, in PUC's order (`atomic`): mark from the roots
    /// again (and the objects whose finalizers are due), the threads and
    /// open upvalues seen while marking, converge the ephemerons, clear
    /// weak values; then the registered objects left unmarked are
    /// resurrected (marked, with everything they reach) and their
    /// finalizers become due; converge again, clear weak keys, and weak
    /// values again (for weak tables reached only now). Then the whites
    /// flip: what is still white is dead, and the sweep begins.
    pub(super) fn atomic(&mut self, roots: &mut Roots<'_>) {
        self.mark_atomic(roots);
        let t = &mut self.tracer;
        self.white ^= 1;
        // What was allocated since the last atomic step and not reached
        // is dead now too: `bytes` restarts from the live size, and the
        // rest is held as `dead` until swept.
        self.dead = self.bytes.saturating_sub(t.live);
        self.bytes = t.live;
        self.live = t.live;
        self.stale_spare = self.spare.take();
        self.tracer.reset();
        self.phase = Phase::Sweep;
        self.sweep_pos = SweepPos::Head;
    }

    /// The marking of the atomic step (shared by both modes): everything
    /// reachable is black afterwards, weak tables are cleared, and the
    /// unreachable objects with finalizers are resurrected and due.
    pub(super) fn mark_atomic(&mut self, roots: &mut Roots<'_>) {
        let t = &mut self.tracer;
        roots(t);
        for &v in &self.tobefnz {
            t.mark_value(v);
        }
        // The threads traced so far (a thread first reached below is
        // traced by that visit).
        for i in 0..t.threads.len() {
            let th = t.threads[i];
            th.trace(t);
        }
        for i in 0..t.open_upvals.len() {
            let u = t.open_upvals[i];
            if !u.is_open() {
                t.mark_value(u.get());
            }
        }
        t.drain_all();
        t.converge();
        t.clear_values();
        let mut dying = Vec::new();
        self.finobj.retain(|&v| {
            let live = value_marked(v);
            if !live {
                dying.push(v);
            }
            live
        });
        // Newest registration first.
        for &v in dying.iter().rev() {
            if let Some(h) = header_of(v) {
                h.flags.set(h.flags.get() & !FINOBJ);
            }
            t.mark_value(v);
            self.tobefnz.push_back(v);
        }
        t.drain_all();
        t.converge();
        t.clear_keys();
        t.clear_values();
        t.mark_weak_strings();
    }

    /// The cycle's sweep ended: the next cycle starts when the heap
    /// reaches `pause`% of its size now.
    pub(super) fn finish_cycle(&mut self) {
        self.phase = Phase::Pause;
        self.dead = 0;
        self.collections += 1;
        self.pause_threshold();
    }

    /// The next collection is due when the heap reaches `pause`% of its
    /// size now.
    pub(super) fn pause_threshold(&mut self) {
        let base = self.bytes.max(MIN_HEAP);
        self.threshold = (base / 100)
            .saturating_mul(self.params.pause.max(100) as usize)
            .min(self.limit);
    }

    /// Sweep until the list ends (true) or `budget` is spent: free every
    /// object of the dead color, whiten the others, and hand stale spares
    /// back to the allocator.
    ///
    /// The walk costs about one cache miss per object (the header), and
    /// the next address is in the header being loaded: it is bound by
    /// memory traffic, not by serialised latency (docs/PERFORMANCE.md has
    /// the layouts tried).
    pub(super) fn sweep_step(&mut self, budget: &mut isize) -> bool {
        while let Some(p) = self.stale_spare {
            if *budget <= 0 {
                return false;
            }
            // SAFETY: a spare's first word is the next spare, and it was
            // allocated by the global allocator (Box::new in `alloc`) with
            // SPARE_LAYOUT.
            unsafe {
                self.stale_spare = p.cast::<Option<NonNull<u8>>>().read();
                std::alloc::dealloc(p.as_ptr(), SPARE_LAYOUT);
            }
            *budget -= 1;
        }
        let mut pos = self.sweep_pos;
        let (done, freed) = self.sweep_list(&mut pos, None, self.dead_color(), self.white, budget);
        self.dead = self.dead.saturating_sub(freed);
        self.sweep_pos = if done { SweepPos::Head } else { pos };
        done
    }

    /// Walk the list from `pos` until `stop` (exclusive) or its end (true)
    /// or until `budget` is spent (false, `pos` saying where to go on):
    /// free every object of color `dead`, give the others color `keep`.
    /// Returns also the bytes freed.
    pub(super) fn sweep_list(
        &mut self,
        pos: &mut SweepPos,
        stop: Option<NonNull<Header>>,
        dead: u8,
        keep: u8,
        budget: &mut isize,
    ) -> (bool, usize) {
        let mut freed = 0;
        loop {
            let link = match *pos {
                SweepPos::Head => self.head,
                // SAFETY: a survivor of this sweep is a live box.
                SweepPos::After(p) => unsafe { p.as_ref() }.next.get(),
            };
            let Some(h) = link.filter(|&h| Some(h) != stop) else {
                return (true, freed);
            };
            if *budget <= 0 {
                return (false, freed);
            }
            *budget -= 1;
            // SAFETY: every node of the list is a box not freed yet.
            let hdr = unsafe { h.as_ref() };
            let next = hdr.next.get();
            if hdr.color.get() == dead {
                match *pos {
                    SweepPos::Head => self.head = next,
                    // SAFETY: a survivor of this sweep is a live box.
                    SweepPos::After(p) => unsafe { p.as_ref() }.next.set(next),
                }
                // SAFETY: (I2); the box is unlinked and unreachable: a
                // finished mark left it `dead`, and nothing revives such an
                // object except `new_str`, which recolors it.
                freed += unsafe { self.recycle(h) };
                self.objects -= 1;
            } else {
                hdr.color.set(keep);
                *pos = SweepPos::After(h);
            }
        }
    }
}
