//! Checks that the stored expectations of the corpus are what lua5.4 prints
//! today, and regenerates them with `LUNA_CORPUS_REGEN=1`.
//!
//! Each case runs as `lua5.4 <name>.lua [args]` inside its directory, so the
//! chunkname in error messages is the bare file name. Regeneration runs every
//! case twice and refuses a case whose two runs differ: an expectation must
//! not depend on addresses, time or hash order. Cases slower than 0.2 s in
//! lua5.4 are named, to keep the corpus fast. Without lua5.4 installed the
//! check is skipped with a notice, except under `CI=true`, where it fails
//! (CI installs lua5.4).

use std::time::{Duration, Instant};

use rayon::prelude::*;
use tests::case::{self, Case};
use tests::compare::{Expected, Observed, diff_lines};
use tests::process;

const LUA: &str = "lua5.4";
const SLOW: Duration = Duration::from_millis(200);

fn lua_run(case: &Case) -> std::io::Result<(Observed, Duration)> {
    let mut cmd = process::command(LUA);
    cmd.current_dir(&case.dir).arg(&case.file).args(&case.args);
    let t = Instant::now();
    let observed = process::run(cmd, case.stdin.as_deref(), Duration::from_secs(20))?;
    Ok((observed, t.elapsed()))
}

/// Every difference between what is stored and what lua5.4 did.
fn differences(expected: &Expected, observed: &Observed) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(diff_lines("stdout", &expected.stdout, &observed.stdout));
    out.extend(diff_lines("stderr", &expected.stderr, &observed.stderr));
    if observed.status != Some(expected.status) {
        out.push(format!(
            "status: stored {} got {:?}",
            expected.status, observed.status
        ));
    }
    out
}

fn check(case: &Case, regen: bool) -> (Vec<String>, Option<Duration>) {
    let (observed, took) = match lua_run(case) {
        Ok(r) => r,
        Err(e) => return (vec![format!("{}: cannot run {LUA}: {e}", case.rel)], None),
    };
    if observed.timed_out {
        return (vec![format!("{}: {LUA} timed out", case.rel)], Some(took));
    }
    if regen {
        let again = match lua_run(case) {
            Ok((o, _)) => o,
            Err(e) => return (vec![format!("{}: cannot run {LUA}: {e}", case.rel)], None),
        };
        if again != observed {
            let diff = differences(
                &Expected {
                    stdout: observed.stdout,
                    stderr: observed.stderr,
                    status: observed.status.unwrap_or(-1),
                },
                &again,
            );
            return (
                vec![format!(
                    "{}: not deterministic: {}",
                    case.rel,
                    diff.join("; ")
                )],
                Some(took),
            );
        }
        if let Err(e) = case.write_expected(&observed) {
            return (
                vec![format!("{}: cannot write expectation: {e}", case.rel)],
                Some(took),
            );
        }
        return (Vec::new(), Some(took));
    }
    match case.expected() {
        Err(e) => (
            vec![format!("{}: no stored expectation ({e})", case.rel)],
            Some(took),
        ),
        Ok(expected) => {
            let diffs = differences(&expected, &observed);
            (
                diffs
                    .into_iter()
                    .map(|d| format!("{}: {d}", case.rel))
                    .collect(),
                Some(took),
            )
        }
    }
}

/// Expectation files whose `.lua` is gone.
fn orphans(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(areas) = std::fs::read_dir(root) else {
        return out;
    };
    for area in areas.filter_map(Result::ok).filter(|e| e.path().is_dir()) {
        let Ok(files) = std::fs::read_dir(area.path()) else {
            continue;
        };
        for path in files.filter_map(Result::ok).map(|e| e.path()) {
            let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
            if matches!(ext, "stdout" | "stderr" | "status" | "stdin")
                && !path.with_extension("lua").exists()
            {
                out.push(format!("orphan expectation file {}", path.display()));
            }
        }
    }
    out.sort();
    out
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("expectations: test");
        return;
    }
    if !process::oracle_available(LUA) {
        println!("expectations: stored expectations not checked");
        return;
    }
    let regen = std::env::var("LUNA_CORPUS_REGEN").is_ok_and(|v| !v.is_empty() && v != "0");
    let filter = std::env::var("LUNA_CORPUS_FILTER")
        .ok()
        .filter(|f| !f.is_empty());
    let root = case::corpus_dir();
    let cases = case::discover(&root, filter.as_deref()).expect("the corpus directory is readable");
    let results: Vec<(Vec<String>, Option<Duration>)> =
        cases.par_iter().map(|c| check(c, regen)).collect();
    let mut failures: Vec<String> = results.iter().flat_map(|r| r.0.clone()).collect();
    if filter.is_none() {
        failures.extend(orphans(&root));
    }
    for (case, (_, took)) in cases.iter().zip(&results) {
        if let Some(t) = took.filter(|t| *t > SLOW) {
            println!(
                "expectations: note: {} takes {:.2}s in {LUA} (keep cases under 0.2s)",
                case.rel,
                t.as_secs_f64()
            );
        }
    }
    for f in &failures {
        println!("{f}");
    }
    let verb = if regen { "regenerated" } else { "match" };
    println!(
        "expectations: {} {verb}, {} failed",
        cases.len() - failures.len().min(cases.len()),
        failures.len()
    );
    if !failures.is_empty() {
        std::process::exit(1);
    }
}
