//! Ctrl-C while Lua code runs, as lua.c's `docall`/`laction`: while a chunk
//! runs, SIGINT asks the state's [`Interrupter`] to stop it (the code
//! raises "interrupted!" at its next loop iteration or call, and the error
//! is reported like any other); the handler resets itself to the default
//! action when it fires, so a second Ctrl-C ends a program stuck where the
//! request is not seen (a long native). Outside a chunk SIGINT has its
//! default action, as in lua.c; at the REPL's prompt the terminal is in raw
//! mode and Ctrl-C is a key that rustyline reads (it clears the line).

use std::cell::Cell;
use std::sync::atomic::{AtomicPtr, Ordering};

use lua_runtime::{Interrupter, State};

/// The interrupter of the state whose chunk is running, for the handler.
/// It points to a leaked `Interrupter` (see [`interrupter_of`]), so a
/// handler that read it never sees it freed.
static CURRENT: AtomicPtr<Interrupter> = AtomicPtr::new(std::ptr::null_mut());

thread_local! {
    /// The state this thread last armed for (its address) and its leaked
    /// interrupter. Each `luna` run has its own thread and one state, so
    /// this leaks one small handle per run.
    static LEAKED: Cell<Option<(usize, &'static Interrupter)>> = const { Cell::new(None) };
}

/// A `'static` interrupter for `st`, made once per state.
fn interrupter_of(st: &State) -> &'static Interrupter {
    let addr = std::ptr::from_ref(st) as usize;
    LEAKED.with(|l| match l.get() {
        Some((a, i)) if a == addr => i,
        _ => {
            let i: &'static Interrupter = Box::leak(Box::new(st.interrupter()));
            l.set(Some((addr, i)));
            i
        }
    })
}

/// The SIGINT handler: only an atomic load and an atomic store, which are
/// async-signal-safe. `SA_RESETHAND` has already restored the default
/// action.
extern "C" fn on_sigint(_sig: libc::c_int) {
    let p = CURRENT.load(Ordering::Acquire);
    // SAFETY: `CURRENT` is null or points to a leaked, never freed
    // `Interrupter` (`interrupter_of`).
    if let Some(i) = unsafe { p.as_ref() } {
        i.interrupt();
    }
}

/// Sets the disposition of SIGINT: `on_sigint` (reset to the default after
/// one delivery), or the default.
fn set_sigint(handler: bool) {
    // SAFETY: a zeroed `sigaction` is a valid "no flags, empty mask" value;
    // `sigemptyset` initialises the mask it is given; `sigaction` with a
    // valid struct and a null old-action pointer has no other effect than
    // setting SIGINT's disposition; `on_sigint` is async-signal-safe.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        libc::sigemptyset(&mut sa.sa_mask);
        if handler {
            sa.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t;
            sa.sa_flags = libc::SA_RESETHAND;
        } else {
            sa.sa_sigaction = libc::SIG_DFL;
        }
        libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
    }
}

/// Held while a chunk runs: Ctrl-C interrupts it. Dropping it restores
/// the default action (and the interrupter of an enclosing run, if any).
pub struct Armed {
    previous: *mut Interrupter,
}

impl Armed {
    pub fn new(st: &State) -> Armed {
        // A Ctrl-C that came after the previous chunk's last check is not
        // for this one.
        st.clear_interrupt();
        let i = std::ptr::from_ref(interrupter_of(st)).cast_mut();
        let previous = CURRENT.swap(i, Ordering::AcqRel);
        set_sigint(true);
        Armed { previous }
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        CURRENT.store(self.previous, Ordering::Release);
        set_sigint(!self.previous.is_null());
    }
}
