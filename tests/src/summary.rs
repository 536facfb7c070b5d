//! `corpus/SUMMARY`: how many cases pass, per area and variant, as a
//! committed file so that progress and regressions show up as diffs.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::known::Outcome;

/// Render the summary table. `areas` maps each area to its number of cases;
/// `variants` lists every variant in column order with whether it ran
/// (an executor that is not available yet shows `-`).
pub fn render(
    areas: &BTreeMap<String, usize>,
    variants: &[(String, bool)],
    outcomes: &[Outcome],
) -> String {
    // (area, variant) -> (passed, ran)
    let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for o in outcomes {
        let area = o.case.split('/').next().unwrap_or("");
        let c = counts.entry((area, o.variant.as_str())).or_default();
        c.1 += 1;
        if o.result.is_ok() {
            c.0 += 1;
        }
    }
    let mut text = String::new();
    text.push_str(
        "# Corpus cases passing per area and variant (passed/ran; `-`: executor not available).\n",
    );
    text.push_str("# Rewritten by `LUNA_CORPUS_BLESS=1 cargo test -p tests --test corpus`; see docs/TESTING.md.\n");
    let _ = write!(text, "{:<16}{:>6}", "area", "cases");
    for (v, _) in variants {
        let _ = write!(text, "{v:>12}");
    }
    text.push('\n');
    let mut rows: Vec<(&str, usize)> = areas.iter().map(|(a, n)| (a.as_str(), *n)).collect();
    rows.push(("total", areas.values().sum()));
    for (area, n) in rows {
        let _ = write!(text, "{area:<16}{n:>6}");
        for (v, ran) in variants {
            let (p, r) = if area == "total" {
                counts
                    .iter()
                    .filter(|((_, cv), _)| cv == v)
                    .fold((0, 0), |acc, (_, c)| (acc.0 + c.0, acc.1 + c.1))
            } else {
                counts.get(&(area, v.as_str())).copied().unwrap_or((0, 0))
            };
            let cell = if *ran {
                format!("{p}/{r}")
            } else {
                "-".to_string()
            };
            let _ = write!(text, "{cell:>12}");
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_area_and_variant() {
        let areas: BTreeMap<String, usize> = [("a".to_string(), 2), ("b".to_string(), 1)].into();
        let o = |case: &str, variant: &str, ok: bool| Outcome {
            case: case.into(),
            variant: variant.into(),
            result: if ok { Ok(()) } else { Err(String::new()) },
        };
        let text = render(
            &areas,
            &[("tree".into(), true), ("flat".into(), false)],
            &[
                o("a/1.lua", "tree", true),
                o("a/2.lua", "tree", false),
                o("b/1.lua", "tree", true),
            ],
        );
        let rows: Vec<&str> = text.lines().skip(2).collect();
        assert_eq!(
            rows[1].split_whitespace().collect::<Vec<_>>(),
            ["a", "2", "1/2", "-"]
        );
        assert_eq!(
            rows[2].split_whitespace().collect::<Vec<_>>(),
            ["b", "1", "1/1", "-"]
        );
        assert_eq!(
            rows[3].split_whitespace().collect::<Vec<_>>(),
            ["total", "3", "2/3", "-"]
        );
    }
}
