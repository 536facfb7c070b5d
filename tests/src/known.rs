//! `corpus/KNOWN_FAILURES`: the cases expected to fail for now, and the
//! verdict of a run against that list.
//!
//! Each non-comment line is `<case>[@<variant>] <reason>`, e.g.
//! `stdlib/format.lua string.format missing` or
//! `gc/cycles.lua@flat+gc collector misses open upvalues`. Without
//! `@variant` the entry covers every variant (executor, or executor under GC
//! stress). A run fails when a case fails that no entry covers, and also when
//! a covered case passes: the list must shrink as the interpreter grows, so
//! it always says exactly what is missing.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub case: String,
    pub variant: Option<String>,
    pub reason: String,
    /// 1-based line number, for messages.
    pub line: usize,
}

/// The parsed list, with the comment block that heads the file kept so a
/// rewrite preserves it.
#[derive(Debug, Clone, Default)]
pub struct KnownFailures {
    pub header: String,
    pub entries: Vec<Entry>,
}

impl KnownFailures {
    /// Parse the file's text. Blank lines and `#` lines are comments.
    pub fn parse(text: &str) -> Result<KnownFailures, String> {
        let mut known = KnownFailures::default();
        let mut in_header = true;
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                if in_header {
                    known.header.push_str(line);
                    known.header.push('\n');
                }
                continue;
            }
            in_header = false;
            let (key, reason) = trimmed
                .split_once(char::is_whitespace)
                .unwrap_or((trimmed, ""));
            let (case, variant) = match key.split_once('@') {
                Some((c, v)) => (c.to_string(), Some(v.to_string())),
                None => (key.to_string(), None),
            };
            if !case.ends_with(".lua") {
                return Err(format!(
                    "KNOWN_FAILURES line {}: `{case}` is not a .lua case path",
                    i + 1
                ));
            }
            let reason = reason.trim().to_string();
            if reason.is_empty() {
                return Err(format!(
                    "KNOWN_FAILURES line {}: `{key}` has no reason",
                    i + 1
                ));
            }
            known.entries.push(Entry {
                case,
                variant,
                reason,
                line: i + 1,
            });
        }
        Ok(known)
    }

    /// The entry covering `case` on `variant`, if any.
    pub fn lookup(&self, case: &str, variant: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.case == case && e.variant.as_deref().is_none_or(|v| v == variant))
    }
}

/// The result of one case on one variant.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub case: String,
    pub variant: String,
    /// `Err` holds the one-line difference.
    pub result: Result<(), String>,
}

/// A run judged against the list.
#[derive(Debug, Default)]
pub struct Verdict {
    pub passed: usize,
    pub known: usize,
    /// One line each: unexpected failures, unexpected passes, stale entries.
    pub failures: Vec<String>,
}

/// Judge `outcomes` against `known`. `all_cases` is every case of the
/// corpus (used to spot entries naming a case that no longer exists; pass
/// `None` when a filter selected only part of the corpus).
pub fn judge(outcomes: &[Outcome], known: &KnownFailures, all_cases: Option<&[String]>) -> Verdict {
    let mut v = Verdict::default();
    // Unexpected passes are grouped per KNOWN_FAILURES line: one message
    // naming every variant that passes, and whether some still fail.
    let mut passes: BTreeMap<usize, (&str, Vec<&str>, bool, bool)> = BTreeMap::new();
    for o in outcomes {
        let entry = known.lookup(&o.case, &o.variant);
        match (&o.result, entry) {
            (Ok(()), None) => v.passed += 1,
            (Err(_), Some(e)) => {
                v.known += 1;
                if let Some(p) = passes.get_mut(&e.line) {
                    p.3 = true;
                } else {
                    passes.insert(e.line, (&o.case, Vec::new(), e.variant.is_none(), true));
                }
            }
            (Err(diff), None) => v
                .failures
                .push(format!("FAIL {} [{}]: {diff}", o.case, o.variant)),
            (Ok(()), Some(e)) => {
                let p = passes.entry(e.line).or_insert((
                    &o.case,
                    Vec::new(),
                    e.variant.is_none(),
                    false,
                ));
                p.1.push(&o.variant);
            }
        }
    }
    for (line, (case, variants, unscoped, some_fail)) in passes {
        if variants.is_empty() {
            continue;
        }
        let hint = if unscoped && some_fail {
            format!("scope that line to the variants that still fail (`{case}@<variant>`)")
        } else {
            "remove that line".to_string()
        };
        v.failures.push(format!(
            "PASS {case} [{}]: listed in KNOWN_FAILURES line {line} but passes now: {hint}",
            variants.join(", ")
        ));
    }
    if let Some(all) = all_cases {
        for e in &known.entries {
            if !all.contains(&e.case) {
                v.failures.push(format!(
                    "STALE KNOWN_FAILURES line {}: no case `{}`",
                    e.line, e.case
                ));
            }
        }
    }
    v
}

/// The list rewritten to match `outcomes` (`LUNA_CORPUS_BLESS=1`): entries
/// of cases that pass are dropped, new failures are added with their diff as
/// the reason, reasons already written are kept, and entries about variants
/// that did not run are left alone. A case failing on every variant that ran
/// gets one unscoped line.
pub fn bless(known: &KnownFailures, outcomes: &[Outcome]) -> String {
    // case -> variant -> diff (None: passed)
    let mut by_case: BTreeMap<&str, BTreeMap<&str, Option<&str>>> = BTreeMap::new();
    for o in outcomes {
        by_case
            .entry(&o.case)
            .or_default()
            .insert(&o.variant, o.result.as_ref().err().map(String::as_str));
    }
    let mut lines: BTreeMap<String, String> = BTreeMap::new();
    for e in &known.entries {
        let ran = by_case.get(e.case.as_str());
        let keep = match (&e.variant, ran) {
            (_, None) => true,
            (Some(v), Some(r)) => !r.contains_key(v.as_str()),
            (None, Some(_)) => false,
        };
        if keep {
            lines.insert(key(&e.case, e.variant.as_deref()), e.reason.clone());
        }
    }
    for (case, variants) in &by_case {
        let failing: Vec<(&str, &str)> = variants
            .iter()
            .filter_map(|(v, d)| d.map(|d| (*v, d)))
            .collect();
        if failing.is_empty() {
            continue;
        }
        // A reason someone wrote is kept; one that bless generated is
        // regenerated, so it describes the current failure, not the first.
        let old = |variant: Option<&str>| {
            known
                .entries
                .iter()
                .find(|e| e.case == *case && (variant.is_none() || e.variant.as_deref() == variant))
                .map(|e| e.reason.clone())
                .filter(|r| !is_generated(r))
        };
        if failing.len() == variants.len() {
            let reason = old(None).unwrap_or_else(|| reason_from_diff(failing[0].1));
            lines.insert(key(case, None), reason);
        } else {
            for (variant, diff) in failing {
                let reason = old(Some(variant)).unwrap_or_else(|| reason_from_diff(diff));
                lines.insert(key(case, Some(variant)), reason);
            }
        }
    }
    let mut text = known.header.clone();
    if text.is_empty() {
        text.push_str(
            "# Corpus cases expected to fail for now: `<case>[@<variant>] <reason>`.\n\n",
        );
    }
    for (k, reason) in lines {
        let _ = writeln!(text, "{k} {reason}");
    }
    text
}

/// A first guess at why a case fails, for a new KNOWN_FAILURES line: a
/// missing library is by far the most common reason while the interpreter
/// grows, so it is named; otherwise the (shortened) diff is the reason.
pub fn reason_from_diff(diff: &str) -> String {
    for probe in [
        "attempt to index a nil value (global '",
        "attempt to call a nil value (global '",
    ] {
        if let Some(at) = diff.find(probe) {
            let rest = &diff[at + probe.len()..];
            if let Some(end) = rest.find('\'') {
                return format!("missing global `{}`: {}", &rest[..end], shorten(diff, 100));
            }
        }
    }
    shorten(diff, 200)
}

/// Whether a reason has the shape [`reason_from_diff`] gives, as opposed
/// to one written by hand.
pub fn is_generated(reason: &str) -> bool {
    [
        "missing global `",
        "stdout line ",
        "stderr line ",
        "status: ",
        "killed: ",
        "RUST PANIC",
        "no expectation",
        "spawn: ",
    ]
    .iter()
    .any(|p| reason.starts_with(p))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    text.chars().take(max).collect::<String>() + "…"
}

fn key(case: &str, variant: Option<&str>) -> String {
    match variant {
        Some(v) => format!("{case}@{v}"),
        None => case.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(case: &str, variant: &str, ok: bool) -> Outcome {
        Outcome {
            case: case.into(),
            variant: variant.into(),
            result: if ok {
                Ok(())
            } else {
                Err(format!("diff of {case}"))
            },
        }
    }

    const LIST: &str = "# head\n\na/x.lua missing feature\na/y.lua@flat flat bug\n";

    #[test]
    fn parses_entries_and_header() {
        let k = KnownFailures::parse(LIST).unwrap();
        assert_eq!(k.header, "# head\n\n");
        assert_eq!(k.entries.len(), 2);
        assert_eq!(k.entries[1].variant.as_deref(), Some("flat"));
        assert_eq!(k.entries[1].line, 4);
        assert!(k.lookup("a/x.lua", "tree+gc").is_some());
        assert!(k.lookup("a/y.lua", "tree").is_none());
        assert!(
            KnownFailures::parse("a/x.lua\n").is_err(),
            "reason is required"
        );
    }

    #[test]
    fn judges_unexpected_failures_and_passes() {
        let k = KnownFailures::parse(LIST).unwrap();
        let v = judge(
            &[
                out("a/x.lua", "tree", false),
                out("a/y.lua", "tree", false),
                out("a/y.lua", "flat", true),
                out("a/z.lua", "tree", true),
            ],
            &k,
            Some(&["a/x.lua".into(), "a/y.lua".into(), "a/z.lua".into()]),
        );
        assert_eq!((v.passed, v.known), (1, 1));
        assert_eq!(v.failures.len(), 2, "{:?}", v.failures);
        assert!(v.failures[0].starts_with("FAIL a/y.lua [tree]"));
        assert!(v.failures[1].starts_with("PASS a/y.lua [flat]"));
        assert!(
            v.failures[1].ends_with("remove that line"),
            "{}",
            v.failures[1]
        );
    }

    #[test]
    fn partial_passes_of_an_unscoped_entry_are_grouped() {
        let k = KnownFailures::parse(LIST).unwrap();
        let v = judge(
            &[
                out("a/x.lua", "tree", true),
                out("a/x.lua", "tree+gc", true),
                out("a/x.lua", "flat", false),
            ],
            &k,
            None,
        );
        assert_eq!(v.known, 1);
        assert_eq!(v.failures.len(), 1, "{:?}", v.failures);
        assert!(
            v.failures[0]
                .starts_with("PASS a/x.lua [tree, tree+gc]: listed in KNOWN_FAILURES line 3")
        );
        assert!(
            v.failures[0].contains("scope that line"),
            "{}",
            v.failures[0]
        );
    }

    #[test]
    fn stale_entries_are_reported() {
        let k = KnownFailures::parse(LIST).unwrap();
        let v = judge(&[], &k, Some(&["a/x.lua".into()]));
        assert_eq!(
            v.failures,
            vec!["STALE KNOWN_FAILURES line 4: no case `a/y.lua`".to_string()]
        );
    }

    #[test]
    fn reasons_name_missing_globals() {
        let r = reason_from_diff(
            "stderr line 1: expected <eof> got \"luna: x.lua:2: attempt to index a nil value (global 'math')\"",
        );
        assert!(r.starts_with("missing global `math`: stderr line 1"), "{r}");
        let long = "x".repeat(300);
        assert_eq!(reason_from_diff(&long).chars().count(), 201);
    }

    #[test]
    fn bless_rewrites_to_match() {
        let k = KnownFailures::parse(LIST).unwrap();
        let text = bless(
            &k,
            &[
                out("a/x.lua", "tree", false),
                out("a/x.lua", "flat", false),
                out("a/y.lua", "tree", true),
                out("a/y.lua", "flat", true),
                out("a/z.lua", "tree", false),
                out("a/z.lua", "flat", true),
            ],
        );
        assert_eq!(
            text,
            "# head\n\na/x.lua missing feature\na/z.lua@tree diff of a/z.lua\n"
        );
        // A generated reason is replaced by the current diff; a written one stays.
        let k2 =
            KnownFailures::parse("a/x.lua stdout line 1: old\na/y.lua needs coroutines\n").unwrap();
        let text2 = bless(
            &k2,
            &[out("a/x.lua", "tree", false), out("a/y.lua", "tree", false)],
        );
        assert!(text2.contains("a/x.lua diff of a/x.lua\n"), "{text2}");
        assert!(text2.contains("a/y.lua needs coroutines\n"), "{text2}");
        // Blessing its own output again changes nothing.
        let again = KnownFailures::parse(&text).unwrap();
        let v = judge(
            &[
                out("a/x.lua", "tree", false),
                out("a/z.lua", "tree", false),
                out("a/z.lua", "flat", true),
            ],
            &again,
            None,
        );
        assert!(v.failures.is_empty(), "{:?}", v.failures);
    }
}
