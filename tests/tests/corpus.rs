//! The differential corpus run: every case of `tests/corpus` on every luna
//! executor, and under GC stress, compared with what lua5.4 printed.
//!
//! This is a `harness = false` test. Its `main` is two programs: run with
//! `LUNA_CORPUS_CHILD=1` it *is* luna (it calls `lua_cli::run` and exits
//! with its status), otherwise it is the runner, which re-executes itself as
//! that child once per case and variant — a Lua program may abort, overflow
//! or call `os.exit`, and only a process boundary contains all of that.
//! Knobs (see docs/TESTING.md): `LUNA_CORPUS_FILTER`, `LUNA_CORPUS_BLESS`,
//! `LUNA_CORPUS_STRESS`, `LUNA_CORPUS_TRACEBACK`, `LUNA_CORPUS_TIMEOUT`,
//! `LUNA_CORPUS_TIMES`, `LUNA_CORPUS_SELFTEST`, `LUNA_CORPUS_BIN`, `LUNA_CORPUS_WRAPPER`,
//! `LUNA_CORPUS_EXECUTORS`, `LUNA_CORPUS_MEMORY_MB`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tests::case::{self, Case};
use tests::compare::{self, Observed};
use tests::known::{self, KnownFailures, Outcome};
use tests::{process, summary};

/// Every executor the corpus runs on, in report order. An executor that
/// `luna` does not accept yet is reported as not available and skipped.
const EXECUTORS: &[&str] = &["tree", "flat"];

/// Executors that also run the corpus under GC stress, in each mode of
/// [`STRESS_MODES`], as variant `<executor>+<mode>`.
const STRESS_EXECUTORS: &[&str] = &["tree", "flat"];

/// GC stress modes: the variant's suffix and its `LUNA_GC_STRESS` value.
/// `gc`: a full collection at every safepoint (finds a value not rooted
/// across one); `inc`: incremental mode, a small step at every safepoint
/// (the program runs inside collection cycles: finds a missing write
/// barrier); `gen`: generational mode, a minor collection at every
/// safepoint (finds a young object only an old one holds, unremembered).
const STRESS_MODES: &[(&str, &str)] = &[("gc", "1"), ("inc", "inc"), ("gen", "gen")];

/// How a run that panicked is described; such runs are listed at the end
/// even when the case is a known failure.
const PANIC: &str = "RUST PANIC";

/// Set in the environment of the child: "behave as luna".
const CHILD_ENV: &str = "LUNA_CORPUS_CHILD";

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let mut args: Vec<OsString> = vec!["luna".into()];
        args.extend(std::env::args_os().skip(1));
        let code = if env_flag("LUNA_CORPUS_SELFTEST") {
            oracle_main(args)
        } else {
            luna_main(args)
        };
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        std::process::exit(code);
    }
    // Test lists (`cargo test -- --list`, IDEs) get one entry, not a run.
    if std::env::args().any(|a| a == "--list") {
        println!("corpus: test");
        return;
    }
    std::process::exit(run_corpus());
}

/// The luna command line, in-process (argv includes the program name).
fn luna_main(args: Vec<OsString>) -> i32 {
    lua_cli::run(args)
}

/// `LUNA_CORPUS_SELFTEST=1`: the child runs lua5.4 instead of luna (the
/// `--executor` flag dropped), so every case must pass. This checks the
/// runner itself — directories, arguments, stdin, normalisation — without
/// depending on how far the interpreter has got.
fn oracle_main(args: Vec<OsString>) -> i32 {
    let rest = args
        .into_iter()
        .skip(1)
        .filter(|a| !a.to_string_lossy().starts_with("--executor="));
    match std::process::Command::new("lua5.4").args(rest).status() {
        Ok(status) => status.code().unwrap_or(1),
        Err(e) => {
            eprintln!("luna: cannot run lua5.4: {e}");
            127
        }
    }
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A filter from `LUNA_CORPUS_FILTER` or the first free argument
/// (`cargo test -p tests --test corpus -- arith/`).
fn filter() -> Option<String> {
    std::env::var("LUNA_CORPUS_FILTER")
        .ok()
        .filter(|f| !f.is_empty())
        .or_else(|| std::env::args().skip(1).find(|a| !a.starts_with('-')))
}

/// One executor/stress combination.
struct Variant {
    name: String,
    executor: &'static str,
    /// `LUNA_GC_STRESS` for this variant.
    stress: Option<&'static str>,
    available: bool,
}

/// The command that runs luna for one case. Normally this test binary in
/// child mode; `LUNA_CORPUS_BIN=/path/to/luna` runs a built `luna` instead
/// (a release build, say), and `LUNA_CORPUS_WRAPPER="valgrind -q
/// --error-exitcode=99"` puts a tool in front of either.
fn child_command(dir: &Path, executor: &str, stress: Option<&str>) -> std::process::Command {
    let luna = std::env::var_os("LUNA_CORPUS_BIN")
        .filter(|b| !b.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::current_exe().expect("the test binary knows its own path"));
    let wrapper = std::env::var("LUNA_CORPUS_WRAPPER").unwrap_or_default();
    let mut words = wrapper.split_whitespace();
    let mut cmd = match words.next() {
        Some(tool) => {
            let mut cmd = process::command(tool);
            cmd.args(words).arg(&luna);
            cmd
        }
        None => process::command(&luna),
    };
    cmd.current_dir(dir)
        .env(CHILD_ENV, "1")
        .arg(format!("--executor={executor}"));
    if let Some(mode) = stress {
        cmd.env("LUNA_GC_STRESS", mode);
    }
    cmd
}

/// Whether `luna --executor=<executor>` runs a trivial chunk; if not, why.
fn probe(executor: &str) -> Result<(), String> {
    let mut cmd = child_command(Path::new(env!("CARGO_MANIFEST_DIR")), executor, None);
    cmd.args(["-e", "print('probe')"]);
    let out = process::run(cmd, None, Duration::from_secs(30)).map_err(|e| e.to_string())?;
    if out.status == Some(0) && out.stdout == b"probe\n" {
        Ok(())
    } else {
        let first = String::from_utf8_lossy(&out.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        Err(format!("status {:?}, stderr {first:?}", out.status))
    }
}

/// Run one case on one variant: the verdict, and what the run did (kept to
/// compare failing variants with each other).
fn run_case(
    case: &Case,
    variant: &Variant,
    traceback: bool,
    limit: Duration,
) -> (Outcome, Option<Observed>) {
    let mut observed = None;
    let result = (|| {
        let expected = case.expected().map_err(|e| {
            format!("no expectation ({e}): run LUNA_CORPUS_REGEN=1 (docs/TESTING.md)")
        })?;
        let mut cmd = child_command(&case.dir, variant.executor, variant.stress);
        cmd.arg(&case.file).args(&case.args);
        let limit = case.timeout.map_or(limit, |t| t.min(limit));
        let run =
            process::run(cmd, case.stdin.as_deref(), limit).map_err(|e| format!("spawn: {e}"))?;
        let verdict = match compare::rust_panic(&run.stderr) {
            Some(panic) => Err(format!("{PANIC}: {panic}")),
            None => compare::compare(&expected, &run, traceback),
        };
        observed = Some(run);
        verdict
    })();
    let outcome = Outcome {
        case: case.rel.clone(),
        variant: variant.name.clone(),
        result,
    };
    (outcome, observed)
}

/// Variants of one case that fail must at least fail the same way: the
/// executors share everything but the walking of code, and GC stress must
/// not change what a program does. One note per differing pair (against the
/// first failing variant). Notes do not fail the run — the cases are known
/// failures already — but they point at an executor or collector bug early.
fn divergences(results: &[(usize, usize, Outcome, Duration, Option<Observed>)]) -> Vec<String> {
    let mut notes = Vec::new();
    let mut i = 0;
    while i < results.len() {
        let case = results[i].0;
        let mut reference: Option<(&str, &Observed)> = None;
        while i < results.len() && results[i].0 == case {
            let (_, _, outcome, _, observed) = &results[i];
            if let (Err(_), Some(obs)) = (&outcome.result, observed) {
                match reference {
                    None => reference = Some((&outcome.variant, obs)),
                    Some((ref_variant, ref_obs)) => {
                        if let Some(diff) = compare::divergence(ref_obs, obs) {
                            notes.push(format!(
                                "DIVERGE {} [{ref_variant}] vs [{}]: {diff}",
                                outcome.case, outcome.variant
                            ));
                        }
                    }
                }
            }
            i += 1;
        }
    }
    notes
}

fn run_corpus() -> i32 {
    let started = Instant::now();
    let root = case::corpus_dir();
    let filter = filter();
    let cases = match case::discover(&root, filter.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("corpus: cannot read {}: {e}", root.display());
            return 1;
        }
    };
    let known_path = root.join("KNOWN_FAILURES");
    let known =
        match KnownFailures::parse(&std::fs::read_to_string(&known_path).unwrap_or_default()) {
            Ok(k) => k,
            Err(e) => {
                eprintln!("corpus: {e}");
                return 1;
            }
        };
    let stress = std::env::var("LUNA_CORPUS_STRESS").map_or(true, |v| v != "0");
    // Tracebacks are compared unless LUNA_CORPUS_TRACEBACK=0.
    let traceback = std::env::var("LUNA_CORPUS_TRACEBACK").map_or(true, |v| v != "0");
    let bless = env_flag("LUNA_CORPUS_BLESS");
    let limit = process::timeout();

    let mut variants = Vec::new();
    // LUNA_CORPUS_EXECUTORS=tree,flat restricts the run (while debugging one).
    let only: Option<Vec<String>> = std::env::var("LUNA_CORPUS_EXECUTORS")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| v.split(',').map(|e| e.trim().to_string()).collect());
    let chosen = |e: &str| only.as_ref().is_none_or(|o| o.iter().any(|x| x == e));
    for &executor in EXECUTORS {
        if !chosen(executor) {
            variants.push(Variant {
                name: executor.to_string(),
                executor,
                stress: None,
                available: false,
            });
            continue;
        }
        let available = match probe(executor) {
            Ok(()) => true,
            Err(why) => {
                println!(
                    "corpus: executor `{executor}` not available ({why}); its cases were not run"
                );
                false
            }
        };
        variants.push(Variant {
            name: executor.to_string(),
            executor,
            stress: None,
            available,
        });
    }
    for &(suffix, mode) in STRESS_MODES {
        for &executor in STRESS_EXECUTORS {
            let available = stress
                && variants
                    .iter()
                    .any(|v| v.executor == executor && v.available);
            variants.push(Variant {
                name: format!("{executor}+{suffix}"),
                executor,
                stress: Some(mode),
                available,
            });
        }
    }

    let jobs: Vec<(usize, usize)> = variants
        .iter()
        .enumerate()
        .filter(|(_, v)| v.available)
        .flat_map(|(vi, v)| {
            cases
                .iter()
                .enumerate()
                .filter(move |(_, c)| !(v.stress.is_some() && c.skip_stress))
                .map(move |(ci, _)| (ci, vi))
        })
        .collect();
    let mut results: Vec<(usize, usize, Outcome, Duration, Option<Observed>)> = jobs
        .par_iter()
        .map(|&(ci, vi)| {
            let t = Instant::now();
            let (outcome, observed) = run_case(&cases[ci], &variants[vi], traceback, limit);
            (ci, vi, outcome, t.elapsed(), observed)
        })
        .collect();
    results.sort_by_key(|r| (r.0, r.1));
    let outcomes: Vec<Outcome> = results.iter().map(|r| r.2.clone()).collect();

    let names: Vec<String> = cases.iter().map(|c| c.rel.clone()).collect();
    let mut verdict = known::judge(&outcomes, &known, filter.is_none().then_some(&names[..]));
    let mut failures = std::mem::take(&mut verdict.failures);

    let mut areas: BTreeMap<String, usize> = BTreeMap::new();
    for c in &cases {
        *areas.entry(c.area.clone()).or_default() += 1;
    }
    let columns: Vec<(String, bool)> = variants
        .iter()
        .map(|v| (v.name.clone(), v.available))
        .collect();
    let table = summary::render(&areas, &columns, &outcomes);
    let summary_path = root.join("SUMMARY");
    // KNOWN_FAILURES and SUMMARY describe the default run: every case, every
    // executor, GC stress, tracebacks compared, luna itself.
    let default_run = filter.is_none()
        && only.is_none()
        && stress
        && traceback
        && !env_flag("LUNA_CORPUS_SELFTEST");
    if bless {
        if !default_run {
            eprintln!(
                "corpus: LUNA_CORPUS_BLESS needs the default run (unset LUNA_CORPUS_FILTER, \
                 _EXECUTORS, _STRESS, _TRACEBACK, _SELFTEST)"
            );
            return 1;
        }
        let text = known::bless(&known, &outcomes);
        if let Err(e) =
            std::fs::write(&known_path, &text).and_then(|()| std::fs::write(&summary_path, &table))
        {
            eprintln!("corpus: cannot write: {e}");
            return 1;
        }
        println!("corpus: rewrote KNOWN_FAILURES and SUMMARY");
        // Report the counts against the list just written.
        let blessed = KnownFailures::parse(&text).unwrap_or_default();
        verdict = known::judge(&outcomes, &blessed, Some(&names[..]));
        failures = std::mem::take(&mut verdict.failures);
    } else if default_run
        && std::fs::read_to_string(&summary_path).ok().as_deref() != Some(table.as_str())
    {
        failures.push(format!(
            "STALE {}: the counts changed; run `LUNA_CORPUS_BLESS=1 cargo test -p tests --test corpus` and commit it\n{table}",
            summary_path.display()
        ));
    }

    for f in &failures {
        println!("{f}");
    }
    let panicked: Vec<String> = outcomes
        .iter()
        .filter(|o| o.result.as_ref().is_err_and(|e| e.starts_with(PANIC)))
        .map(|o| format!("{} [{}]", o.case, o.variant))
        .collect();
    if !panicked.is_empty() {
        println!(
            "corpus: {} runs ended in a Rust panic (a bug whatever the input): {}",
            panicked.len(),
            panicked.join(", ")
        );
    }
    let diverging = divergences(&results);
    for d in &diverging {
        println!("{d}");
    }
    if !diverging.is_empty() {
        println!(
            "corpus: note: {} failing runs differ from another variant of the same case (not counted as failures)",
            diverging.len()
        );
    }
    let mut slow: Vec<&(usize, usize, Outcome, Duration, Option<Observed>)> =
        results.iter().collect();
    slow.sort_by_key(|r| std::cmp::Reverse(r.3));
    // LUNA_CORPUS_TIMES=1 lists every run by time, to find cases that are
    // too slow for a variant (GC stress) and deserve `skip-stress`.
    let shown = if env_flag("LUNA_CORPUS_TIMES") {
        slow.len()
    } else {
        3
    };
    let slowest: Vec<String> = slow
        .iter()
        .take(shown)
        .map(|r| format!("{} [{}] {:.2}s", r.2.case, r.2.variant, r.3.as_secs_f64()))
        .collect();
    if !slowest.is_empty() {
        println!("corpus: slowest: {}", slowest.join(", "));
    }
    println!(
        "corpus: {} passed, {} failed, {} known failures ({} cases, {} runs, {:.1}s)",
        verdict.passed,
        failures.len(),
        verdict.known,
        cases.len(),
        outcomes.len(),
        started.elapsed().as_secs_f64()
    );
    i32::from(!failures.is_empty())
}
