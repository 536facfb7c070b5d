//! Comparing what luna did with what lua5.4 did, and describing the
//! difference in one short line.
//!
//! stdout and the exit status must match exactly. stderr is compared after
//! one normalisation: lua5.4 prefixes an uncaught error with its program
//! name (`lua5.4: `) where luna writes `luna: `. The traceback that follows
//! the message is compared too, because it is stable — it depends only on
//! the program, never on addresses or timing — and luna reproduces
//! `luaL_traceback`'s text, C frames (`[C]: in ?`) included. For an executor
//! still being brought up, `keep_traceback == false` compares only the
//! message: everything from the `stack traceback:` line on is dropped.

/// What lua5.4 did, as stored next to the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: i32,
}

/// What a child process did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// `None`: killed (time or output limit) or died by a signal.
    pub status: Option<i32>,
    pub timed_out: bool,
}

const LUA_PREFIX: &[u8] = b"lua5.4: ";
const LUNA_PREFIX: &[u8] = b"luna: ";

/// The comparable part of an stderr: the program name at the start of a
/// line is made `luna: `, and with `keep_traceback == false` the text from
/// the `stack traceback:` line on is removed.
pub fn normalise_stderr(stderr: &[u8], keep_traceback: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(stderr.len());
    for line in stderr.split_inclusive(|&b| b == b'\n') {
        if !keep_traceback && (line == b"stack traceback:\n" || line == b"stack traceback:") {
            break;
        }
        match line
            .strip_prefix(LUA_PREFIX)
            .or_else(|| strip_luna_path(line))
        {
            Some(rest) => {
                out.extend_from_slice(LUNA_PREFIX);
                out.extend_from_slice(rest);
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

/// The rest of a line that starts with a path to luna as the program name
/// (`target/release/luna: msg`: luna, as lua.c, names itself by `argv[0]`,
/// which is a path when the corpus runs a built binary).
fn strip_luna_path(line: &[u8]) -> Option<&[u8]> {
    let end = line
        .windows(LUNA_PREFIX.len())
        .position(|w| w == LUNA_PREFIX)?;
    let path = &line[..end];
    (path.ends_with(b"/") && !path.contains(&b' ')).then(|| &line[end + LUNA_PREFIX.len()..])
}

/// The line of a Rust panic message in a child's stderr, if it panicked.
/// A panic is a bug whatever the Lua program did, so the runner names it
/// even for a case that is a known failure.
pub fn rust_panic(stderr: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    text.lines()
        .find(|l| l.starts_with("thread '") && l.contains("panicked at"))
        .map(str::to_string)
}

/// `bytes` with every `0x` + hex digits run replaced by `0xADDR`, so the
/// outputs of two runs can be compared although they print addresses.
pub fn mask_addresses(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"0x") && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
            out.extend_from_slice(b"0xADDR");
            i += 2;
            while bytes.get(i).is_some_and(u8::is_ascii_hexdigit) {
                i += 1;
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// How two runs of the same program differ, addresses masked; `None` when
/// they did the same. Used between variants (tree/flat, with and without
/// GC stress), which must behave identically even where both are wrong.
pub fn divergence(a: &Observed, b: &Observed) -> Option<String> {
    let mut problems = Vec::new();
    problems.extend(diff_lines(
        "stdout",
        &mask_addresses(&a.stdout),
        &mask_addresses(&b.stdout),
    ));
    problems.extend(diff_lines(
        "stderr",
        &mask_addresses(&a.stderr),
        &mask_addresses(&b.stderr),
    ));
    if a.status != b.status {
        problems.push(format!("status: {:?} vs {:?}", a.status, b.status));
    }
    if problems.is_empty() {
        None
    } else {
        Some(problems.join("; "))
    }
}

/// `Ok` when `observed` matches `expected`, otherwise a one-line
/// description of the first difference.
pub fn compare(
    expected: &Expected,
    observed: &Observed,
    keep_traceback: bool,
) -> Result<(), String> {
    if observed.timed_out {
        return Err("killed: time or output limit exceeded".to_string());
    }
    let mut problems = Vec::new();
    if let Some(diff) = diff_lines("stdout", &expected.stdout, &observed.stdout) {
        problems.push(diff);
    }
    let want = normalise_stderr(&expected.stderr, keep_traceback);
    let got = normalise_stderr(&observed.stderr, keep_traceback);
    if let Some(diff) = diff_lines("stderr", &want, &got) {
        problems.push(diff);
    }
    match observed.status {
        Some(s) if s == expected.status => {}
        Some(s) => problems.push(format!("status: expected {} got {s}", expected.status)),
        None => problems.push(format!("status: expected {} got a signal", expected.status)),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// The first differing line of two outputs, e.g.
/// `stdout line 3: expected "4" got "4.0" (2 of 5 lines differ)`. Lines
/// are matched by a real diff (`similar`), so one missing or extra line
/// counts as one, not as every line after it.
pub fn diff_lines(what: &str, want: &[u8], got: &[u8]) -> Option<String> {
    if want == got {
        return None;
    }
    let w: Vec<&[u8]> = want.split_inclusive(|&b| b == b'\n').collect();
    let g: Vec<&[u8]> = got.split_inclusive(|&b| b == b'\n').collect();
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &w, &g);
    let changed = ops.iter().filter(|op| op.tag() != similar::DiffTag::Equal);
    let differing: usize = changed
        .clone()
        .map(|op| op.old_range().len().max(op.new_range().len()))
        .sum();
    // A side with no line at the first difference: the other side has
    // lines inserted there (`<none>`), or it ended (`<eof>`).
    let side = |lines: &[&[u8]], r: std::ops::Range<usize>| match lines.get(r.start) {
        Some(l) if !r.is_empty() => show(Some(l)),
        Some(_) => "<none>".to_string(),
        None => show(None),
    };
    let (line, wl, gl) = match changed.clone().next() {
        Some(op) => (
            op.old_range().start,
            side(&w, op.old_range()),
            side(&g, op.new_range()),
        ),
        // Unreachable for different inputs.
        None => (0, show(None), show(None)),
    };
    let n = w.len().max(g.len());
    Some(format!(
        "{what} line {}: expected {wl} got {gl} ({differing} of {n} lines differ)",
        line + 1,
    ))
}

/// A line as a short quoted string, `<eof>` when there is none.
pub fn show(line: Option<&[u8]>) -> String {
    const MAX: usize = 80;
    let Some(line) = line else {
        return "<eof>".to_string();
    };
    let text = String::from_utf8_lossy(line);
    let mut quoted: String = format!("{:?}", text.as_ref());
    if quoted.chars().count() > MAX {
        quoted = quoted.chars().take(MAX).collect::<String>() + "…";
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(stdout: &[u8], stderr: &[u8], status: i32) -> Observed {
        Observed {
            stdout: stdout.to_vec(),
            stderr: stderr.to_vec(),
            status: Some(status),
            timed_out: false,
        }
    }

    #[test]
    fn stdout_difference_is_located() {
        let e = Expected {
            stdout: b"1\n2\n3\n".to_vec(),
            stderr: vec![],
            status: 0,
        };
        let err = compare(&e, &obs(b"1\n2.0\n3\n", b"", 0), false).unwrap_err();
        assert_eq!(
            err,
            "stdout line 2: expected \"2\\n\" got \"2.0\\n\" (1 of 3 lines differ)"
        );
    }

    #[test]
    fn a_path_to_luna_is_the_program_name() {
        assert_eq!(
            normalise_stderr(b"target/release/luna: boom\n", true),
            b"luna: boom\n"
        );
        assert_eq!(
            normalise_stderr(b"x y/luna: boom\n", true),
            b"x y/luna: boom\n"
        );
    }

    #[test]
    fn an_extra_line_is_one_difference() {
        let d = diff_lines("stdout", b"a\nb\nc\n", b"x\na\nb\nc\n").unwrap();
        assert_eq!(
            d,
            "stdout line 1: expected <none> got \"x\\n\" (1 of 4 lines differ)"
        );
        let d = diff_lines("stdout", b"a\nb\n", b"a\n").unwrap();
        assert_eq!(
            d,
            "stdout line 2: expected \"b\\n\" got <eof> (1 of 2 lines differ)"
        );
    }

    #[test]
    fn missing_output_and_status() {
        let e = Expected {
            stdout: b"a\n".to_vec(),
            stderr: vec![],
            status: 0,
        };
        let err = compare(&e, &obs(b"", b"", 1), false).unwrap_err();
        assert!(err.contains("got <eof>"), "{err}");
        assert!(err.contains("status: expected 0 got 1"), "{err}");
    }

    #[test]
    fn program_name_normalised_and_traceback_ignored() {
        let e = Expected {
            stdout: vec![],
            stderr: b"lua5.4: a.lua:1: x\nstack traceback:\n\t[C]: in ?\n".to_vec(),
            status: 1,
        };
        assert_eq!(
            compare(
                &e,
                &obs(b"", b"luna: a.lua:1: x\nstack traceback:\n", 1),
                false
            ),
            Ok(())
        );
        // A different message is still caught.
        assert!(
            compare(
                &e,
                &obs(b"", b"luna: a.lua:1: y\nstack traceback:\n", 1),
                false
            )
            .is_err()
        );
        // Strict mode compares the traceback too.
        assert!(
            compare(
                &e,
                &obs(b"", b"luna: a.lua:1: x\nstack traceback:\n", 1),
                true
            )
            .is_err()
        );
    }

    #[test]
    fn multi_line_messages_are_compared_in_full() {
        let e = Expected {
            stdout: vec![],
            stderr: b"lua5.4: a\nb\nstack traceback:\n".to_vec(),
            status: 1,
        };
        assert!(compare(&e, &obs(b"", b"luna: a\nc\nstack traceback:\n", 1), false).is_err());
        assert_eq!(
            compare(&e, &obs(b"", b"luna: a\nb\nstack traceback:\n", 1), false),
            Ok(())
        );
    }

    #[test]
    fn panics_are_recognised() {
        let stderr = b"luna: x\nthread 'main' panicked at src/lib.rs:1:2:\nboom\n";
        assert_eq!(
            rust_panic(stderr).as_deref(),
            Some("thread 'main' panicked at src/lib.rs:1:2:")
        );
        assert_eq!(rust_panic(b"luna: panicked at nothing\n"), None);
    }

    #[test]
    fn divergence_ignores_addresses_only() {
        let a = obs(b"table: 0x55d5c3d17f50 x\n", b"", 1);
        let b = obs(b"table: 0x7ffe01 x\n", b"", 1);
        assert_eq!(divergence(&a, &b), None);
        let c = obs(b"table: 0x7ffe01 y\n", b"", 1);
        assert!(divergence(&a, &c).unwrap().starts_with("stdout line 1"));
        assert!(
            divergence(&a, &obs(b"table: 0x1 x\n", b"", 0))
                .unwrap()
                .contains("status")
        );
        assert_eq!(mask_addresses(b"0x 0xg 0x1f."), b"0x 0xg 0xADDR.".to_vec());
    }

    #[test]
    fn timeout_is_a_failure() {
        let e = Expected {
            stdout: vec![],
            stderr: vec![],
            status: 0,
        };
        let mut o = obs(b"", b"", 0);
        o.timed_out = true;
        assert!(compare(&e, &o, false).unwrap_err().contains("killed"));
    }
}
