//! What lua-cli's integration tests share.

use std::process::Command;

/// Whether the external `tool` runs (`tool <probe>` exits with success).
/// A test that needs it and finds it missing skips with a printed note,
/// except in CI (`CI=true`): there a missing tool would let the test pass
/// without checking anything, so this panics instead.
pub fn tool_available(tool: &str, probe: &[&str]) -> bool {
    let ok = Command::new(tool)
        .args(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed and CI=true: the tests that need it must run in CI"
        );
        eprintln!("note: {tool} not found; skipping the tests that need it");
    }
    ok
}
