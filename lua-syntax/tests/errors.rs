//! Every error message the parser produces, checked against the exact text
//! `luac5.4 -p` printed for the same input (see data/gen_errors.py), and
//! every accepted input in that table checked to be accepted.

mod data {
    pub mod errors;
}

use data::errors::CASES;

#[test]
fn messages_match_luac() {
    let mut failures = Vec::new();
    for (src, expected) in CASES {
        let arena = bumpalo::Bump::new();
        let got = match lua_syntax::parse(&arena, src, "@input.lua") {
            Ok(_) => String::new(),
            Err(e) => e.message,
        };
        if got != *expected {
            failures.push(format!(
                "input {:?}\n  expected: {expected}\n  got:      {got}",
                String::from_utf8_lossy(src)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn table_covers_the_issue_messages() {
    // The messages issue 2 names must be in the table (and so be tested).
    let all: Vec<&str> = CASES.iter().map(|(_, m)| *m).collect();
    for needle in [
        "unexpected symbol near <eof>",
        "'end' expected (to close 'function' at line 1) near <eof>",
        "unfinished string",
        "malformed number near '3x'",
        "invalid escape sequence",
        "break outside loop",
        "no visible label",
        "jumps into the scope of local",
        "already defined on line",
        "cannot use '...' outside a vararg function",
        "attempt to assign to const variable",
        "multiple to-be-closed variables",
        "unknown attribute",
        "unfinished long string",
        "unfinished long comment",
        "hexadecimal digit expected",
        "decimal escape too large",
        "UTF-8 value too large",
        "missing '{'",
        "missing '}'",
        "invalid long string delimiter",
        "<name> or '...' expected",
        "'=' or 'in' expected",
        "function arguments expected",
        "syntax error near",
        "<eof> expected near",
    ] {
        assert!(
            all.iter().any(|m| m.contains(needle)),
            "no case for {needle:?}"
        );
    }
}

#[test]
fn string_chunk_names() {
    // As `load` reports them: lua5.4 -e "print(load('x = '))" etc.
    let arena = bumpalo::Bump::new();
    let e = lua_syntax::parse(&arena, b"x = ", "x = ").unwrap_err();
    assert_eq!(
        e.message,
        "[string \"x = \"]:1: unexpected symbol near <eof>"
    );
    assert_eq!(e.line, 1);
    let e = lua_syntax::parse(&arena, b"x = 1\ny = ", "x = 1\ny = ").unwrap_err();
    assert_eq!(
        e.message,
        "[string \"x = 1...\"]:2: unexpected symbol near <eof>"
    );
    let e = lua_syntax::parse(&arena, b"f(", "=stdin").unwrap_err();
    assert_eq!(e.message, "stdin:1: unexpected symbol near <eof>");
}

#[test]
fn nesting_limit_is_an_error_not_a_crash() {
    // luac5.4 -p: 196 nested parentheses pass, 197 fail with "C stack overflow".
    let arena = bumpalo::Bump::new();
    for (n, ok) in [(196, true), (197, false), (100_000, false)] {
        let src = format!("x = {}1{}", "(".repeat(n), ")".repeat(n));
        let r = lua_syntax::parse(&arena, src.as_bytes(), "@d.lua");
        assert_eq!(r.is_ok(), ok, "{n} parentheses");
        if let Err(e) = r {
            assert_eq!(e.message, "C stack overflow");
        }
    }
    // Other shapes of deep nesting, each at 100000 levels.
    let n = 100_000;
    for src in [
        "do ".repeat(n) + &" end".repeat(n),
        format!("x = {}{}", "{".repeat(n), "}".repeat(n)),
        format!("x = {}{}", "f(".repeat(n), ")".repeat(n)),
        format!("x = {}1", "- ".repeat(n)),
        format!("x = 1{}", " .. 1".repeat(n)),
        format!("x = 1{}", " ^ 1".repeat(n)),
        "function f() ".repeat(n) + &" end".repeat(n),
        "if x then ".repeat(n) + &" end".repeat(n),
        "repeat ".repeat(n) + &" until x".repeat(n),
        vec!["a"; n].join(", ") + " = 1",
        (0..n)
            .map(|i| format!("::l{i}::"))
            .collect::<Vec<_>>()
            .join(" "),
    ] {
        let e = lua_syntax::parse(&arena, src.as_bytes(), "@d.lua").unwrap_err();
        assert_eq!(e.message, "C stack overflow", "{}", &src[..40]);
    }
    // Long flat input is fine.
    let src = format!("x = 1{}", " + 1".repeat(n));
    assert!(lua_syntax::parse(&arena, src.as_bytes(), "@d.lua").is_ok());
}

#[test]
fn limits() {
    let arena = bumpalo::Bump::new();
    let locals: String = (0..201).map(|i| format!("local a{i} = 1\n")).collect();
    let e = lua_syntax::parse(&arena, locals.as_bytes(), "@l.lua").unwrap_err();
    assert_eq!(
        e.message,
        "l.lua:201: too many local variables (limit is 200) in main function near '='"
    );
    let src = format!("local x = 1\nfunction f()\n{locals}end");
    let e = lua_syntax::parse(&arena, src.as_bytes(), "@l.lua").unwrap_err();
    assert_eq!(
        e.message,
        "l.lua:203: too many local variables (limit is 200) in function at line 2 near '='"
    );
}

#[test]
fn deepest_accepted_nesting_fits_in_a_small_stack() {
    // Just under the limit, every shape of nesting must parse on a thread
    // with a small stack (256 KiB), even in debug builds where one nesting
    // level takes several kilobytes: the parser moves to a heap-allocated
    // stack segment when it runs low.
    let shapes: Vec<String> = vec![
        format!("x = {}1{}", "(".repeat(196), ")".repeat(196)),
        format!("x = {}{}", "f(".repeat(196), ")".repeat(196)),
        format!("x = {}{}", "{".repeat(196), "}".repeat(196)),
        format!("x = {}1{}", "a[".repeat(196), "]".repeat(196)),
        format!(
            "x = {}1{}",
            "function() return ".repeat(98),
            " end".repeat(98)
        ),
        format!(
            "x = {}1{}",
            "{function() return ".repeat(65),
            " end}".repeat(65)
        ),
        "do ".repeat(197) + &" end".repeat(197),
        "while x do ".repeat(196) + &" end".repeat(196),
        "for i = 1, 2 do ".repeat(49) + &" end".repeat(49),
        "repeat ".repeat(196) + &" until x".repeat(196),
        "local function f() ".repeat(197) + &" end".repeat(197),
        vec!["a"; 197].join(", ") + " = 1",
        format!("x = 1{}", " .. 1".repeat(196)),
        format!("x = {}1", "not - ~ # ".repeat(49)),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            for src in &shapes {
                let arena = bumpalo::Bump::new();
                if let Err(e) = lua_syntax::parse(&arena, src.as_bytes(), "@deep.lua") {
                    panic!("{}...: {e}", &src[..30]);
                }
            }
        })
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn array_limits() {
    // PUC's growable arrays: 32767 pending gotos / labels, 131071 functions
    // directly inside one function (luac5.4 -p gives these, no position).
    let arena = bumpalo::Bump::new();
    let check = |src: String, want: &str| {
        let got = match lua_syntax::parse(&arena, src.as_bytes(), "@big.lua") {
            Ok(_) => String::new(),
            Err(e) => e.message,
        };
        assert_eq!(got, want, "{}", &src[..40]);
    };
    let gotos = |n: usize| "goto l\n".repeat(n) + "::l::";
    check(gotos(32767), "");
    check(gotos(32768), "too many labels/gotos (limit is 32767)");
    let labels = |n: usize| {
        (0..n)
            .map(|i| format!("::l{i}:: x = 1 "))
            .collect::<String>()
    };
    check(labels(32767), "");
    check(labels(32768), "too many labels/gotos (limit is 32767)");
    check(
        format!("while x do {} end", "break ".repeat(32768)),
        "too many labels/gotos (limit is 32767)",
    );
    let funcs = |n: usize| "f = function() end\n".repeat(n);
    check(funcs(131071), "");
    check(funcs(131072), "too many functions (limit is 131071)");
}

#[test]
fn long_chains_are_valid_and_deep() {
    // luac5.4 accepts these: left-associative chains are loops in PUC's
    // parser, not recursion, and so are they here. The resulting trees are
    // 100000 levels deep; the printer copes (tools walking the AST must not
    // recurse on the plain Rust stack either).
    let n = 100_000;
    for src in [
        format!("x = 1{}", " + 1".repeat(n)),
        format!("x = a{}", ".b".repeat(n)),
        format!("x = f{}", "()".repeat(n)),
        format!("x = a{}", ":m()".repeat(n)),
        format!("x = a{}", "[1]".repeat(n)),
        format!("x = 1{}", " or 1".repeat(n)),
    ] {
        let arena = bumpalo::Bump::new();
        let c = lua_syntax::parse(&arena, src.as_bytes(), "@chain.lua").unwrap();
        let printed = lua_syntax::printer::chunk_to_string(&c);
        assert!(printed.len() > n);
    }
}
