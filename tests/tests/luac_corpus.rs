//! The corpus again, from PUC-Rio's binary chunks: every case compiled by
//! `luac5.4`, the chunk run by luna on each executor (translated from
//! PUC's instructions, lua-bytecode's `puc` module), compared with what
//! lua5.4 printed for the source (the case's expectation files).
//!
//! Like `corpus.rs`, a `harness = false` test that re-executes itself as
//! `luna` (`LUNA_CORPUS_CHILD=1`) once per case and executor. A case runs
//! in its own directory, as in the corpus, with the compiled chunk (in a
//! temporary directory) as the script: `luac5.4` ran in the case's
//! directory on the bare file name, so the chunk's name is the source's
//! (`@name.lua`) and messages and tracebacks read the same.
//!
//! Skipped: cases `luac5.4` refuses (a syntax error is their point), cases
//! listed in KNOWN_FAILURES (they fail from source already), and the
//! [`SKIP`] list (outputs that legitimately differ). Without `luac5.4`
//! the test prints a note and passes, except under `CI=true`.
//! `LUNA_CORPUS_FILTER` (or a free argument) runs the cases whose path
//! contains it.

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;
use tests::case::{self, Case};
use tests::compare;
use tests::known::KnownFailures;
use tests::process;

const EXECUTORS: &[&str] = &["tree", "flat"];

/// Cases whose output from a binary chunk legitimately differs from the
/// source's, each with the reason.
const SKIP: &[(&str, &str)] = &[(
    "vararg/main_chunk_args.lua",
    "prints arg[0], the script's name: here the compiled chunk's path",
)];

const CHILD_ENV: &str = "LUNA_CORPUS_CHILD";

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let mut args: Vec<OsString> = vec!["luna".into()];
        args.extend(std::env::args_os().skip(1));
        let code = lua_cli::run(args);
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        std::process::exit(code);
    }
    if std::env::args().any(|a| a == "--list") {
        println!("luac_corpus: test");
        return;
    }
    std::process::exit(run());
}

fn filter() -> Option<String> {
    std::env::var("LUNA_CORPUS_FILTER")
        .ok()
        .filter(|f| !f.is_empty())
        .or_else(|| std::env::args().skip(1).find(|a| !a.starts_with('-')))
}

/// `luac5.4 -o <out> <file>` in the case's directory.
fn compile(case: &Case, out: &Path) -> bool {
    std::process::Command::new("luac5.4")
        .current_dir(&case.dir)
        .arg("-o")
        .arg(out)
        .arg(&case.file)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Run the compiled chunk of `case` on `executor`: `Err` describes a
/// difference from the expectation.
fn run_case(case: &Case, chunk: &Path, executor: &str) -> Result<(), String> {
    let expected = case
        .expected()
        .map_err(|e| format!("no expectation: {e}"))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = process::command(exe);
    cmd.current_dir(&case.dir)
        .env(CHILD_ENV, "1")
        .arg(format!("--executor={executor}"))
        .arg(chunk)
        .args(&case.args);
    let limit = case
        .timeout
        .map_or(process::timeout(), |t| t.min(process::timeout()));
    let run = process::run(cmd, case.stdin.as_deref(), limit).map_err(|e| e.to_string())?;
    if let Some(panic) = compare::rust_panic(&run.stderr) {
        return Err(format!("RUST PANIC: {panic}"));
    }
    compare::compare(&expected, &run, true)
}

fn run() -> i32 {
    if !process::oracle_available("luac5.4") {
        return 0;
    }
    let root = case::corpus_dir();
    let cases = match case::discover(&root, filter().as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("luac_corpus: cannot read {}: {e}", root.display());
            return 1;
        }
    };
    let known = std::fs::read_to_string(root.join("KNOWN_FAILURES")).unwrap_or_default();
    let known = match KnownFailures::parse(&known) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("luac_corpus: {e}");
            return 1;
        }
    };
    for (name, _) in SKIP {
        if !cases.iter().any(|c| &c.rel == name) && filter().is_none() {
            println!("STALE skip entry {name}: no such case");
            return 1;
        }
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let known = &known;
    let results: Vec<(String, &str, Result<(), String>)> = cases
        .par_iter()
        .enumerate()
        .flat_map(|(i, case)| {
            let chunk = dir.path().join(format!("{i}.luac"));
            let skipped = SKIP.iter().any(|(name, _)| *name == case.rel);
            let compiled = !skipped && compile(case, &chunk);
            EXECUTORS
                .par_iter()
                .map(move |&e| {
                    let result = if skipped {
                        Err("skip".to_string())
                    } else if !compiled {
                        Err("luac".to_string())
                    } else if known.lookup(&case.rel, e).is_some() {
                        Err("known".to_string())
                    } else {
                        run_case(case, &chunk, e)
                    };
                    (case.rel.clone(), e, result)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let count = |what: &str| {
        results
            .iter()
            .filter(|r| r.2.as_ref().is_err_and(|e| e == what))
            .count()
    };
    let (skipped, not_compiled, known) = (count("skip"), count("luac"), count("known"));
    let mut failed = 0;
    for (case, e, r) in &results {
        if let Err(why) = r
            && !["skip", "luac", "known"].contains(&why.as_str())
        {
            println!("FAIL {case} [{e}]: {why}");
            failed += 1;
        }
    }
    let passed = results.iter().filter(|r| r.2.is_ok()).count();
    println!(
        "luac_corpus: {passed} runs passed, {failed} failed; not run: {skipped} skipped (SKIP), \
         {not_compiled} refused by luac5.4, {known} in KNOWN_FAILURES ({} cases, executors {})",
        cases.len(),
        EXECUTORS.join(", ")
    );
    i32::from(failed > 0)
}
