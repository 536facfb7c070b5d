//! Differential tests against the reference implementation: when
//! `luac5.4`/`lua5.4` are installed (CI installs them), the parser must
//! accept and reject exactly what `luac5.4 -p` does, with the same message,
//! on generated programs and mutations of them; string literals must decode
//! to the same bytes and numerals to the same numbers as in `lua5.4`.
//! Without the tools the tests say so and pass, except under `CI=true`,
//! where they fail.

use std::process::Command;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

/// Whether the oracle `tool` can be run. Missing, it skips the test with a
/// note, except under `CI=true`, where a skipped comparison would pass
/// without checking anything: there the test fails.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed and CI=true: the differential test must run in CI"
        );
        eprintln!("{tool} not installed: differential test skipped");
    }
    ok
}

fn luac_message(dir: &std::path::Path, src: &[u8]) -> String {
    std::fs::write(dir.join("input.lua"), src).unwrap();
    let out = Command::new("luac5.4")
        .args(["-p", "input.lua"])
        .current_dir(dir)
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&out.stderr).trim_end().to_string();
    msg.strip_prefix("luac5.4: ").unwrap_or(&msg).to_string()
}

fn our_message(src: &[u8]) -> String {
    let arena = bumpalo::Bump::new();
    match lua_syntax::parse(&arena, src, "@input.lua") {
        Ok(_) => String::new(),
        Err(e) => e.message,
    }
}

/// Deterministic mutations of a valid program: cut a byte range, duplicate
/// one, or splice in a token.
fn mutate(src: &[u8], seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut rnd = |n: usize| {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51afd7ed558ccd);
        x ^= x >> 33;
        (x % n.max(1) as u64) as usize
    };
    let mut v = src.to_vec();
    let a = rnd(v.len());
    let b = (a + rnd(12)).min(v.len());
    match rnd(3) {
        0 => {
            v.drain(a..b);
        }
        1 => {
            let piece = v[a..b].to_vec();
            let at = rnd(v.len());
            v.splice(at..at, piece);
        }
        _ => {
            const TOKENS: [&str; 16] = [
                " end ",
                " ( ",
                " ) ",
                " = ",
                " local ",
                " goto x ",
                " ::x:: ",
                " break ",
                " ... ",
                "\"",
                "[[",
                " 0x",
                " <const> ",
                " , ",
                " { ",
                " return ",
            ];
            let t = TOKENS[rnd(TOKENS.len())];
            v.splice(a..a, t.bytes());
        }
    }
    v
}

#[test]
fn accepts_and_rejects_like_luac() {
    if !have("luac5.4") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let base = gen_corpus::generate(6000);
    assert_eq!(luac_message(dir.path(), base.as_bytes()), "");
    assert_eq!(our_message(base.as_bytes()), "");
    // Cut the program into a few smaller ones too, so errors land in
    // different contexts.
    let mut failures = Vec::new();
    let mut rejected = 0;
    for seed in 0..250 {
        let m = mutate(base.as_bytes(), seed);
        let want = luac_message(dir.path(), &m);
        let got = our_message(&m);
        rejected += usize::from(!want.is_empty());
        if want != got {
            failures.push(format!("seed {seed}:\n  luac: {want}\n  ours: {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The mutations must exercise errors, not only valid programs.
    assert!(rejected > 100, "only {rejected} mutations were rejected");
}

fn lua_eval(code: &str) -> String {
    let out = Command::new("lua5.4").args(["-e", code]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn string_literals_decode_like_lua() {
    if !have("lua5.4") {
        return;
    }
    let literals = [
        r#""plain""#,
        r#"'\a\b\f\n\r\t\v\\\"\''"#,
        r#""\x00\x7f\x80\xff\xAb""#,
        r#""\0\1\12\123\255\0009""#,
        r#""\u{0}\u{7F}\u{80}\u{7FF}\u{800}\uFFFF}""#.replace(r"\uFFFF}", r"\u{FFFF}").leak(),
        r#""\u{10000}\u{10FFFF}\u{110000}\u{3FFFFFF}\u{4000000}\u{7FFFFFFF}""#,
        "\"a\\z  \n\t  b\"",
        "\"line\\\nnext\\\r\nthird\"",
        "[[\nskip first newline]]",
        "[==[\r\nCRLF\r\nlines\n\rand ]] ]=] ]==]",
        "[[]]",
        "''",
    ];
    let code = format!(
        "for _, s in ipairs{{{}}} do io.write((s:gsub('.', function(c) return string.format('%02x', c:byte()) end)), '\\n') end",
        literals.join(", ")
    );
    let want: Vec<String> = lua_eval(&code).lines().map(str::to_string).collect();
    assert_eq!(want.len(), literals.len());
    for (lit, want) in literals.iter().zip(want) {
        let arena = bumpalo::Bump::new();
        let src = format!("return {lit}");
        let c = lua_syntax::parse(&arena, src.as_bytes(), "=t").unwrap();
        let lua_syntax::ast::ExprKind::Str(s) = c.block.ret.unwrap().exprs[0].kind else {
            panic!("{lit}")
        };
        let got: String = s.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, want, "{lit}");
    }
}

#[test]
fn numerals_convert_like_lua() {
    if !have("lua5.4") {
        return;
    }
    let numerals = [
        "0",
        "1",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "0x7fffffffffffffff",
        "0x8000000000000000",
        "0xffffffffffffffffff",
        "1.5",
        ".5",
        "5.",
        "1e308",
        "1e309",
        "1e-320",
        "4.9e-324",
        "2.4703282292062328e-324",
        "2.4703282292062327e-324",
        "0x1p-1074",
        "0x1p-1075",
        "0x1.8p-1075",
        "0x.1",
        "0xA.8p1",
        "0x1.fffffffffffff8p0",
        "0x1.fffffffffffff7ffp0",
        "0x123456789abcdef0123p0",
        "0x1P+1023",
        "0x1p1024",
        "1e99999999999999999999",
        "0e99999999999999999999",
        "1e-99999999999999999999",
        "0x1p99999999999999999999",
        "0x1p-99999999999999999999",
        "0x0p99999999999999999999",
        "00000000000000000000000000001",
        "0x00000000000000000000000000001p0",
        ".0e5",
        "0x.0p0",
        "0x1.",
        "1.e5",
        "0x.000000000000000000001p80",
        "123456789012345678901234567890",
        "0.1",
        "3.14159265358979323846",
        "1E2",
        "0X1P-2",
    ];
    let code = format!(
        "for _, n in ipairs{{{}}} do print(math.type(n), string.format(math.type(n) == 'integer' and '%d' or '%.17g', n)) end",
        numerals.join(", ")
    );
    let out = lua_eval(&code);
    for (num, line) in numerals.iter().zip(out.lines()) {
        let (ty, val) = line.split_once('\t').unwrap();
        let got = lua_syntax::str_to_number(num.as_bytes()).unwrap();
        match (ty, got) {
            ("integer", lua_syntax::Number::Int(i)) => assert_eq!(i.to_string(), val, "{num}"),
            ("float", lua_syntax::Number::Float(f)) => {
                let want: f64 = match val {
                    "inf" => f64::INFINITY,
                    v => v.parse().unwrap(),
                };
                assert_eq!(f.to_bits(), want.to_bits(), "{num}");
            }
            _ => panic!("{num}: lua says {ty}, we say {got:?}"),
        }
    }
}

#[test]
fn tonumber_agrees_with_lua() {
    if !have("lua5.4") {
        return;
    }
    let strings = [
        " 10 ",
        "\t0x10\n",
        "-0x10",
        "+5",
        "- 5",
        "1e",
        "1e+",
        "0x",
        "0x.",
        "0x.p1",
        ".",
        "inf",
        "nan",
        "-inf",
        " ",
        "",
        "1 2",
        "0x1p",
        "1.5e3",
        "  -.5e-3  ",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "0X1P4",
        "1\x0b",
        "\x0c1",
        "0b1",
        "1_000",
        "٣",
    ];
    let code = format!(
        "for _, s in ipairs{{{}}} do local n = tonumber(s) print(n == nil and 'nil' or math.type(n), n and string.format(math.type(n) == 'integer' and '%d' or '%.17g', n) or '') end",
        strings
            .iter()
            .map(|s| format!("{s:?}")
                .replace("\\u{b}", "\\v")
                .replace("\\u{c}", "\\f"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let out = lua_eval(&code);
    for (s, line) in strings.iter().zip(out.lines()) {
        let (ty, val) = line.split_once('\t').unwrap();
        let got = lua_syntax::str_to_number(s.as_bytes());
        match (ty, got) {
            ("nil", None) => {}
            ("integer", Some(lua_syntax::Number::Int(i))) => {
                assert_eq!(i.to_string(), val, "{s:?}")
            }
            ("float", Some(lua_syntax::Number::Float(f))) => {
                assert_eq!(f, val.parse::<f64>().unwrap(), "{s:?}")
            }
            _ => panic!("{s:?}: lua says {ty} {val}, we say {got:?}"),
        }
    }
}

/// Random small programs dense in blocks, locals, attributes, gotos, labels
/// and breaks: the scope rules are where a parser is most easily subtly
/// wrong.
fn scope_program(seed: u64) -> String {
    let mut x = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut rnd = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    fn stat(d: u32, rnd: &mut dyn FnMut(u64) -> u64) -> String {
        let labels = ["a", "b", "c"];
        let vars = ["x", "y", "z"];
        let v = vars[rnd(3) as usize];
        let l = labels[rnd(3) as usize];
        if d > 4 || rnd(100) < 45 {
            return match rnd(12) {
                0 => format!("local {v}"),
                1 => format!("local {v} <const> = 1"),
                2 => format!("local {v} <close> = nil"),
                3 => format!("goto {l}"),
                4 => format!("::{l}::"),
                5 => "break".into(),
                6 => format!("{v} = 1"),
                7 => format!("{v}, {} = 1, 2", vars[rnd(3) as usize]),
                8 => ";".into(),
                9 => "local w = 1".into(),
                10 => format!("local {v} <const> = {}", vars[rnd(3) as usize]),
                _ => format!("local function {v}() end"),
            };
        }
        let n = rnd(5);
        let body: Vec<String> = (0..n).map(|_| stat(d + 1, rnd)).collect();
        let body = body.join(" ");
        match rnd(7) {
            0 => format!("do {body} end"),
            1 => format!("while c do {body} end"),
            2 => format!("repeat {body} until {v}"),
            3 => format!("if c then {body} else {body} end"),
            4 => format!("for i = 1, 2 do {body} end"),
            5 => format!("local function f() {body} end"),
            _ => format!("for k, v in p do {body} end"),
        }
    }
    let n = 1 + rnd(6);
    (0..n)
        .map(|_| stat(0, &mut rnd))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn scope_rules_like_luac() {
    if !have("luac5.4") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for seed in 0..400 {
        let src = scope_program(seed);
        let want = luac_message(dir.path(), src.as_bytes());
        let got = our_message(src.as_bytes());
        if let Some(i) = want.find(": ") {
            kinds.insert(want[i + 2..].chars().take(12).collect::<String>());
        }
        if want != got {
            failures.push(format!("{src}\n  luac: {want}\n  ours: {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The programs must reach the scope errors, not just syntax errors.
    assert!(kinds.len() >= 5, "{kinds:?}");
}

#[test]
fn nesting_limit_depends_on_c_calls_like_load() {
    if !have("lua5.4") {
        return;
    }
    // The deepest parenthesised expression `load` accepts from a main chunk
    // and from inside a pcall.
    let probe = "local function probe() for n = 150, 200 do \
                 if not load('x = ' .. string.rep('(', n) .. '1' .. string.rep(')', n)) then return n end end end \
                 print(probe(), select(2, pcall(probe)))";
    let out = lua_eval(probe);
    let mut it = out.split_whitespace().map(|s| s.parse::<usize>().unwrap());
    let (main_fail, pcall_fail) = (it.next().unwrap(), it.next().unwrap());
    for (c_calls, fail) in [(2, main_fail), (3, pcall_fail)] {
        let opts = lua_syntax::Options {
            c_calls,
            ..Default::default()
        };
        let arena = bumpalo::Bump::new();
        let nest = |n: usize| format!("x = {}1{}", "(".repeat(n), ")".repeat(n));
        assert!(lua_syntax::parse_with(&arena, nest(fail - 1).as_bytes(), "x", opts).is_ok());
        let e = lua_syntax::parse_with(&arena, nest(fail).as_bytes(), "x", opts).unwrap_err();
        assert_eq!(e.message, "C stack overflow");
    }
}

#[test]
fn compile_time_constants_like_luac() {
    // `luac -l -l` lists a `<const>` local among the function's locals only
    // when it is not a compile-time constant: that is the oracle for
    // `fold::exp2const`.
    if !have("luac5.4") {
        return;
    }
    let exprs = [
        "1",
        "1.5",
        "'s'",
        "nil",
        "true",
        "false",
        "0.0",
        "-0.0",
        "-1",
        "- -1",
        "1 + 2",
        "1 + 2.5",
        "2^53",
        "7 // 2",
        "7 // 0",
        "7 % 0",
        "7.0 // 0",
        "1 / 0",
        "1 / 2",
        "0/0",
        "-(1/0)",
        "3 % -2",
        "5.5 % 2",
        "3 & 5",
        "3.0 | 4",
        "3.5 | 4",
        "1 << 63",
        "1 << 64",
        "-1 >> 1",
        "~0",
        "~1.5",
        "not nil",
        "not 1",
        "1 and 2",
        "nil and 1",
        "false or 'x'",
        "1 or 2",
        "nil or nil",
        "(1)",
        "(1 + 2) * 3",
        "'a' .. 'b'",
        "1 < 2",
        "#'abc'",
        "{}",
        "math.pi",
        "1e308 * 10",
        "2^1024",
        "-(2^1024)",
        "1 - 1",
        "1.0 - 1.0",
        "2^-1074 / 2",
        "'10' + 1",
        "9223372036854775807 + 1",
        "math.mininteger // -1",
        "-9223372036854775807 - 1",
        "(1 < 2) and 1",
    ];
    let dir = tempfile::tempdir().unwrap();
    for e in exprs {
        std::fs::write(dir.path().join("one.lua"), format!("local x <const> = {e}")).unwrap();
        let out = Command::new("luac5.4")
            .args(["-l", "-l", "-p", "one.lua"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&out.stdout);
        let luac_ctc = listing.contains("locals (0)");
        let arena = bumpalo::Bump::new();
        let src = format!("return {e}");
        let c = lua_syntax::parse(&arena, src.as_bytes(), "=t").unwrap();
        let ours =
            lua_syntax::fold::exp2const(&c.block.ret.unwrap().exprs[0], &mut |_| None).is_some();
        assert_eq!(ours, luac_ctc, "local x <const> = {e}");
    }
}

#[test]
fn main_chunk_closes_at_luacs_line() {
    // The main function's final RETURN: `luac -l` shows its line.
    if !have("luac5.4") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for src in [
        "x = 1\n\n\n",
        "",
        "\n\n-- comment\n",
        "local t = {\n1,\n2\n}\n\n",
        "f(\n[[a\nb]]\n)\n-- trailing\n\n",
        "do\nend --[[ long\ncomment ]]\n",
        "#!/bin/lua\n\nx = 1",
    ] {
        std::fs::write(dir.path().join("m.lua"), src).unwrap();
        let out = Command::new("luac5.4")
            .args(["-l", "-p", "m.lua"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&out.stdout);
        // Main's instructions come first; its RETURN is the last of them.
        let line = listing
            .lines()
            .take_while(|l| !l.starts_with("function"))
            .filter(|l| l.contains("RETURN"))
            .last()
            .and_then(|l| l.split('[').nth(1)?.split(']').next()?.parse::<u32>().ok())
            .unwrap();
        let arena = bumpalo::Bump::new();
        let c = lua_syntax::parse(&arena, src.as_bytes(), "@m.lua").unwrap();
        assert_eq!(c.return_line, line, "{src:?}");
    }
}

/// Every function body in source order (the order `luac -l` lists them:
/// each function, then its nested ones).
fn collect_functions<'a>(b: &'a lua_syntax::ast::Block<'a>, out: &mut Vec<(u32, u32)>) {
    use lua_syntax::ast::{Expr, ExprKind, StatKind, TableField};
    fn expr<'a>(e: &'a Expr<'a>, out: &mut Vec<(u32, u32)>) {
        match &e.kind {
            ExprKind::Function(f) => {
                out.push((f.line, f.end_line));
                collect_functions(&f.body, out);
            }
            ExprKind::Table(fields) => {
                for f in fields.iter() {
                    match f {
                        TableField::Positional(v) | TableField::Named { value: v, .. } => {
                            expr(v, out)
                        }
                        TableField::Keyed { key, value } => {
                            expr(key, out);
                            expr(value, out);
                        }
                    }
                }
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                expr(lhs, out);
                expr(rhs, out);
            }
            ExprKind::Unary { operand, .. } => expr(operand, out),
            ExprKind::Index { obj, key } => {
                expr(obj, out);
                expr(key, out);
            }
            ExprKind::Call { func, args } => {
                expr(func, out);
                args.iter().for_each(|a| expr(a, out));
            }
            ExprKind::MethodCall { obj, args, .. } => {
                expr(obj, out);
                args.iter().for_each(|a| expr(a, out));
            }
            ExprKind::Paren(inner) => expr(inner, out),
            _ => {}
        }
    }
    for s in b.stats {
        match &s.kind {
            StatKind::Call(e) => expr(e, out),
            StatKind::Assign { targets, values } => {
                targets
                    .iter()
                    .chain(values.iter())
                    .for_each(|e| expr(e, out));
            }
            StatKind::Local { values, .. } => values.iter().for_each(|e| expr(e, out)),
            StatKind::LocalFunction { func, .. } | StatKind::Function { func, .. } => {
                out.push((func.line, func.end_line));
                collect_functions(&func.body, out);
            }
            StatKind::Do(body) => collect_functions(body, out),
            StatKind::While { cond, body } => {
                expr(cond, out);
                collect_functions(body, out);
            }
            StatKind::Repeat { body, cond } => {
                collect_functions(body, out);
                expr(cond, out);
            }
            StatKind::If { arms, orelse } => {
                for a in arms.iter() {
                    expr(&a.cond, out);
                    collect_functions(&a.body, out);
                }
                if let Some(b) = orelse {
                    collect_functions(b, out);
                }
            }
            StatKind::NumericFor {
                start,
                limit,
                step,
                body,
                ..
            } => {
                expr(start, out);
                expr(limit, out);
                if let Some(s) = step {
                    expr(s, out);
                }
                collect_functions(body, out);
            }
            StatKind::GenericFor { exprs, body, .. } => {
                exprs.iter().for_each(|e| expr(e, out));
                collect_functions(body, out);
            }
            _ => {}
        }
    }
    if let Some(r) = b.ret {
        r.exprs.iter().for_each(|e| expr(e, out));
    }
}

#[test]
fn function_lines_like_luac() {
    // `function <file:linedefined,lastlinedefined>` headers of `luac -l`.
    if !have("luac5.4") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        gen_corpus::generate(40_000),
        "x = function\n(a)\nend\nlocal function\ng\n()\nend\nfunction\nh\n()\nend\n\
         local t = { f = function(...) return function() end end, [1] = function()\n\nend }\n\
         function t.a.b:c(\nx\n)\nreturn x end\nreturn function() end"
            .to_string(),
    ];
    for src in sources {
        std::fs::write(dir.path().join("f.lua"), &src).unwrap();
        let out = Command::new("luac5.4")
            .args(["-l", "-p", "f.lua"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let want: Vec<(u32, u32)> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.strip_prefix("function <f.lua:"))
            .map(|l| {
                let (a, b) = l.split_once('>').unwrap().0.split_once(',').unwrap();
                (a.parse().unwrap(), b.parse().unwrap())
            })
            .collect();
        let arena = bumpalo::Bump::new();
        let c = lua_syntax::parse(&arena, src.as_bytes(), "@f.lua").unwrap();
        let mut got = Vec::new();
        collect_functions(&c.block, &mut got);
        assert!(want.len() > 5);
        assert_eq!(got, want);
    }
}

#[test]
fn chunk_ids_like_load() {
    if !have("lua5.4") {
        return;
    }
    let names: Vec<String> = vec![
        format!("={}", "a".repeat(59)),
        format!("={}", "b".repeat(60)),
        format!("={}", "c".repeat(70)),
        format!("@{}", "d".repeat(59)),
        format!("@{}", "e".repeat(60)),
        format!("@{}", "f".repeat(80)),
        "g".repeat(44),
        "h".repeat(45),
        "one\ntwo".into(),
        "i".repeat(50) + "\nx",
        String::new(),
        "=".into(),
        "@".into(),
        "x = 1 -- a chunk given as its own name".into(),
    ];
    let list: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    let code = format!(
        "for _, n in ipairs{{{}}} do io.write((select(2, load('x = ', n))), '\\0') end",
        list.join(", ")
    );
    let out = lua_eval(&code);
    for (name, want) in names.iter().zip(out.split('\0')) {
        let arena = bumpalo::Bump::new();
        let got = lua_syntax::parse_text(&arena, b"x = ", name)
            .unwrap_err()
            .message;
        assert_eq!(got, want, "{name:?}");
    }
}
