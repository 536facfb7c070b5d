//! The REPL driven in a real terminal: tmux runs `luna` in a
//! pseudo-terminal, the test types keys and reads the screen. Each check
//! waits for the output it expects (with a generous limit), it does not
//! sleep.
//!
//! Skips with a note when tmux is not installed, unless `CI=true`.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long to wait for expected output before failing.
const LIMIT: Duration = Duration::from_secs(30);

/// How long typed keys may take to be echoed before they are typed again.
const ECHO_LIMIT: Duration = Duration::from_secs(3);

fn have_tmux() -> bool {
    common::tool_available("tmux", &["-V"])
}

/// The prompts the tests meet (as tmux shows them, without their final
/// blank): the defaults and the ones a test sets.
const PROMPTS: &[&str] = &[">", ">>", "lua$", "..."];

/// A tmux server of its own running one `luna` session.
struct Term {
    socket: String,
}

impl Term {
    /// Starts `luna` (with `LUNA_HISTORY=history`) in a 120x50 terminal
    /// and waits for its prompt.
    fn start(history: &Path) -> Term {
        let t = Term::spawn(history, "");
        t.wait_for(">");
        t
    }

    /// Starts `luna` with `args` (shell words) in a 120x50 terminal.
    fn spawn(history: &Path, args: &str) -> Term {
        static N: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "luna-repl-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        // After luna exits the pane stays (sleep) so its last screen and
        // exit status can be read.
        let cmd = format!(
            "LUNA_HISTORY='{}' '{}' {args}; echo \"EXIT=$?\"; sleep 60",
            history.display(),
            env!("CARGO_BIN_EXE_luna")
        );
        let ok = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "120", "-y", "50", &cmd])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux new-session failed");
        Term { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `text` literally.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "0", "-l", text]);
    }

    /// Presses keys by tmux name (`Enter`, `C-c`, `Tab`, `Up`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Waits for a prompt, then types `text` and waits for its echo.
    /// rustyline asks the terminal where the cursor is before it prompts
    /// and may drop keys that arrive while it reads the answer; keys that
    /// were not echoed are typed again.
    fn start_line(&self, text: &str) {
        let start = Instant::now();
        loop {
            self.wait_until("a prompt", |last| PROMPTS.contains(&last));
            self.type_text(text);
            let echoed = Instant::now();
            while echoed.elapsed() < ECHO_LIMIT {
                let s = self.screen();
                let last = s.lines().last().unwrap_or("");
                if PROMPTS.iter().any(|p| {
                    last.strip_prefix(p)
                        .is_some_and(|r| r.trim() == text.trim())
                }) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            assert!(
                start.elapsed() < LIMIT,
                "timed out typing {text:?}; the screen:\n{}",
                self.screen()
            );
            // Clear what did arrive and type the line again.
            self.keys(&["C-u"]);
        }
    }

    /// Waits until the last line of the screen satisfies `ok`.
    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(s.lines().last().unwrap_or("")) {
                return;
            }
            assert!(
                start.elapsed() < LIMIT,
                "timed out waiting for {what}; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types the rest of the line being edited and presses Enter.
    fn end_line(&self, text: &str) {
        self.type_text(text);
        self.keys(&["Enter"]);
    }

    /// At a prompt, types a line and presses Enter.
    fn line(&self, text: &str) {
        self.start_line(text);
        self.keys(&["Enter"]);
    }

    /// The screen and scrollback (tmux drops the blanks that end a line, so
    /// a prompt reads `>`).
    fn screen(&self) -> String {
        let raw = self.tmux(&["capture-pane", "-p", "-S", "-1000", "-t", "0"]);
        raw.trim_end().to_string()
    }

    /// Waits until the screen contains `want`; returns the screen.
    fn wait_for(&self, want: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(want) {
                return s;
            }
            assert!(
                start.elapsed() < LIMIT,
                "timed out waiting for {want:?}; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn history_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("history")
}

#[test]
fn expressions_continuation_errors_and_end() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Term::start(&history_in(&dir));
    // An expression prints its values; `=` is `return`.
    t.line("6 * 7, 'x'");
    // (tmux shows the tab `print` puts between values as spaces)
    t.wait_for("> 6 * 7, 'x'\n42      x\n>");
    t.line("=2^10");
    t.wait_for("> =2^10\n1024.0\n>");
    // An incomplete chunk continues with `>> `.
    t.line("function sq(n)");
    t.wait_for("> function sq(n)\n>>");
    t.line("return n * n end");
    t.line("sq(12)");
    t.wait_for(">> return n * n end\n> sq(12)\n144\n>");
    // An error is printed without the program name; the REPL goes on.
    t.line("error('oops')");
    t.wait_for("> error('oops')\nstdin:1: oops\nstack traceback:");
    t.line("x = = 1");
    t.wait_for("> x = = 1\nstdin:1: unexpected symbol near '='\n>");
    t.line("'still ' .. 'here'");
    t.wait_for("still here\n>");
    // The prompts follow _PROMPT and _PROMPT2.
    t.line("_PROMPT = 'lua$ ' _PROMPT2 = '...'");
    t.line("do");
    t.line("end");
    t.wait_for("lua$ do\n...end\nlua$");
    // Ctrl-C on a line being typed clears it (nothing runs); a chunk being
    // continued is dropped.
    t.start_line("undefined_function_xyz()");
    t.keys(&["C-c"]);
    t.line("if true then");
    t.keys(&["C-c"]);
    t.line("'after ctrl-c'");
    let s = t.wait_for("after ctrl-c\nlua$");
    assert!(!s.contains("attempt to call"), "{s}");
    // Ctrl-D ends with status 0.
    t.keys(&["C-d"]);
    t.wait_for("EXIT=0");
}

#[test]
fn ctrl_c_interrupts_a_running_chunk() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Term::start(&history_in(&dir));
    // The chunk says when it runs, so Ctrl-C is sent while it loops.
    t.line("print('loop' .. 'ing') while true do end");
    t.wait_for("\nlooping");
    t.keys(&["C-c"]);
    t.wait_for("interrupted!\nstack traceback:");
    t.wait_for("[C]: in ?\n>");
    t.line("print('back' .. ' again')");
    t.wait_for("back again\n>");
    // A second time, inside a function and a numeric loop.
    t.line("function spin() print('spin' .. 'ning') for i = 1, math.huge do end end");
    t.line("spin()");
    t.wait_for("\nspinning");
    t.keys(&["C-c"]);
    t.wait_for("in function 'spin'");
    t.line("1 + 1");
    t.wait_for("> 1 + 1\n2\n>");
    t.keys(&["C-d"]);
    t.wait_for("EXIT=0");
}

#[test]
fn tab_completes_keywords_globals_and_fields() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Term::start(&history_in(&dir));
    // A field reached by a dotted path.
    t.start_line("string.fo");
    t.keys(&["Tab"]);
    t.end_line("('%05d', 42)");
    t.wait_for("> string.format('%05d', 42)\n00042\n>");
    // A global, and a keyword.
    t.line("my_unique_global = { inner = { deep_value = 7 } }");
    t.start_line("my_uni");
    t.keys(&["Tab"]);
    t.type_text(".inner.dee");
    t.keys(&["Tab"]);
    t.keys(&["Enter"]);
    t.wait_for("> my_unique_global.inner.deep_value\n7\n>");
    t.start_line("retu");
    t.keys(&["Tab"]);
    t.end_line(" 'kw'");
    t.wait_for("> return 'kw'\nkw\n>");
    // A method through a colon (the string metatable's __index).
    t.line("s = 'abc'");
    t.start_line("s:upp");
    t.keys(&["Tab"]);
    t.end_line("()");
    t.wait_for("> s:upper()\nABC\n>");
    // Through __index without running it: a function __index is not
    // called (it would print).
    t.line("obj = setmetatable({}, { __index = function() print('CALL' .. 'ED') end })");
    t.start_line("obj.zz");
    t.keys(&["Tab"]);
    t.keys(&["C-c"]);
    // Two candidates: the common prefix, then the list on a second Tab.
    t.line("alpha_one, alpha_two = 1, 2");
    t.start_line("alpha_");
    t.keys(&["Tab", "Tab"]);
    t.wait_for("alpha_one  alpha_two");
    t.keys(&["C-c"]);
    t.line("'done'");
    let s = t.wait_for("done\n>");
    assert!(!s.contains("CALLED"), "completion ran a metamethod:\n{s}");
    t.keys(&["C-d"]);
    t.wait_for("EXIT=0");
}

#[test]
fn history_keeps_a_multi_line_chunk_as_one_entry() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let history = history_in(&dir);
    let t = Term::start(&history);
    t.line("total = 0");
    t.line("for i = 1, 3 do");
    t.line("total = total + i");
    t.line("end");
    t.line("total");
    t.wait_for("> total\n6\n>");
    // Up twice: past `total` to the whole `for` chunk, run again.
    t.start_line("");
    t.keys(&["Up", "Up", "Enter"]);
    t.line("total");
    t.wait_for("> total\n12\n>");
    t.keys(&["C-d"]);
    t.wait_for("EXIT=0");
    drop(t);
    // The history file keeps it, and a new session recalls it.
    let saved = std::fs::read_to_string(&history).expect("history file");
    assert!(
        saved.contains("for i = 1, 3 do\\ntotal = total + i\\nend"),
        "{saved}"
    );
    let t = Term::start(&history);
    t.line("total = 100");
    t.start_line("");
    t.keys(&["Up", "Up", "Up", "Enter"]);
    t.line("total");
    t.wait_for("> total\n106\n>");
    t.keys(&["C-d"]);
    t.wait_for("EXIT=0");
}

/// Ctrl-C stops a script too: "interrupted!" with a traceback, status 1.
#[test]
fn ctrl_c_interrupts_a_script() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("spin.lua");
    std::fs::write(&script, "print('spin' .. 'ning')\nwhile true do end\n").expect("write");
    let t = Term::spawn(&history_in(&dir), &format!("'{}'", script.display()));
    t.wait_for("spinning");
    t.keys(&["C-c"]);
    t.wait_for("interrupted!\nstack traceback:");
    t.wait_for("EXIT=1");
}
