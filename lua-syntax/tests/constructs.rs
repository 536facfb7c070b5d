//! Table-driven tests of every construct and precedence rule: each source
//! is parsed and printed back fully parenthesised by `printer`, and the
//! result is compared with the expected text (written by hand from the
//! Lua 5.4 manual's precedence table, §3.4.8).

use lua_syntax::ast::{ExprKind, StatKind};
use lua_syntax::printer::{chunk_to_string, expr_to_string};

fn expr(src: &str) -> String {
    let arena = bumpalo::Bump::new();
    let code = format!("return {src}");
    let chunk = lua_syntax::parse(&arena, code.as_bytes(), "=test")
        .unwrap_or_else(|e| panic!("{src}: {e}"));
    let ret = chunk.block.ret.expect("a return");
    ret.exprs
        .iter()
        .map(expr_to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn chunk(src: &str) -> String {
    let arena = bumpalo::Bump::new();
    let chunk = lua_syntax::parse(&arena, src.as_bytes(), "@test.lua")
        .unwrap_or_else(|e| panic!("{src}: {e}"));
    chunk_to_string(&chunk)
}

#[test]
fn precedence_and_associativity() {
    let cases = [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 * 2 + 3", "((1 * 2) + 3)"),
        ("1 - 2 - 3", "((1 - 2) - 3)"),
        ("2 ^ 3 ^ 2", "(2 ^ (3 ^ 2))"),
        ("a .. b .. c", "(a .. (b .. c))"),
        ("-x ^ 2", "(-(x ^ 2))"),
        ("-2 ^ -3", "(-(2 ^ (-3)))"),
        ("not a == b", "((not a) == b)"),
        ("#t + 1", "((#t) + 1)"),
        ("~a & b", "((~a) & b)"),
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c and d", "((a and b) or (c and d))"),
        ("a < b == c", "((a < b) == c)"),
        ("a | b ~ c & d", "(a | (b ~ (c & d)))"),
        ("a << 1 | b >> 2", "((a << 1) | (b >> 2))"),
        ("a .. b << c", "((a .. b) << c)"),
        ("a + b .. c + d", "((a + b) .. (c + d))"),
        ("a // b % c * d / e", "((((a // b) % c) * d) / e)"),
        ("a == b ~= c", "((a == b) ~= c)"),
        (
            "a <= b and b >= c or a > c",
            "(((a <= b) and (b >= c)) or (a > c))",
        ),
        ("1 .. 2 ^ 3 .. 4", "(1 .. ((2 ^ 3) .. 4))"),
        ("- - x", "(-(-x))"),
        ("not not x", "(not (not x))"),
        ("a ~ ~b", "(a ~ (~b))"),
        ("2 ^ - - 3", "(2 ^ (-(-3)))"),
        ("#a ^ 2", "(#(a ^ 2))"),
        ("a or b or c", "((a or b) or c)"),
        ("a and (b or c)", "(a and (b or c))"),
        ("(a + b) * c", "((a + b) * c)"),
        ("(f())", "(f())"),
        ("x < y .. z", "(x < (y .. z))"),
        ("a & b == c", "((a & b) == c)"),
    ];
    for (src, want) in cases {
        assert_eq!(expr(src), want, "{src}");
    }
}

#[test]
fn simple_expressions() {
    let cases = [
        ("nil, true, false, ...", "nil, true, false, ..."),
        (
            "1, 1.5, 0x10, 0xA.8p1, 1e2, .5, 3.",
            "1, 1.5, 16, 21.0, 100.0, 0.5, 3.0",
        ),
        (
            "9223372036854775807, 9223372036854775808",
            "9223372036854775807, 9.223372036854776e18",
        ),
        ("0xffffffffffffffff, 0x10000000000000000", "-1, 0"),
        (
            "'a\\tb', \"q\\\"\", [[x]], [==[a]]b]==]",
            "\"a\\009b\", \"q\\\"\", \"x\", \"a]]b\"",
        ),
        ("'\\65\\x42\\u{43}\\z   D'", "\"ABCD\""),
        ("'\\u{20AC}'", "\"\\226\\130\\172\""),
        ("[[\nfirst newline skipped]]", "\"first newline skipped\""),
        (
            "{}, {1, 2; 3,}, {x = 1, ['y'] = 2, [3] = 4, f()}",
            "{}, {1, 2, 3}, {x = 1, [\"y\"] = 2, [3] = 4, f()}",
        ),
        (
            "function(a, b, ...) return a end",
            "function(a, b, ...)\n  return a\nend",
        ),
        ("a.b.c, a[1][2], a['x y']", "a.b.c, a[1][2], a[\"x y\"]"),
        (
            "f(), f(1, 2), f'x', f\"y\", f[[z]], f{1}",
            "f(), f(1, 2), f(\"x\"), f(\"y\"), f(\"z\"), f({1})",
        ),
        (
            "o:m(), o:m'x', o:m{}, o.p:q(1):r(2)",
            "o:m(), o:m(\"x\"), o:m({}), o.p:q(1):r(2)",
        ),
        ("a.b[c]:d(e).f", "a.b[c]:d(e).f"),
        ("(a).b, (a)(b), (a)[b]", "(a).b, (a)(b), (a)[b]"),
        ("f\n(g)", "f(g)"),
        ("{f = function() end}", "{f = function()\nend}"),
    ];
    for (src, want) in cases {
        assert_eq!(expr(src), want, "{src}");
    }
}

#[test]
fn statements() {
    let cases = [
        (
            "local a, b <const>, c <close> = 1, 2",
            "local a, b <const>, c <close> = 1, 2\n",
        ),
        ("local a", "local a\n"),
        ("a, b.c, d[1] = 1, 2, 3", "a, b.c, d[1] = 1, 2, 3\n"),
        ("f(1) o:m(2)", "f(1)\no:m(2)\n"),
        ("do local x end", "do\n  local x\nend\n"),
        ("while x do break end", "while x do\n  break\nend\n"),
        ("repeat local y until y", "repeat\n  local y\nuntil y\n"),
        (
            "if a then x() elseif b then y() else z() end",
            "if a then\n  x()\nelseif b then\n  y()\nelse\n  z()\nend\n",
        ),
        (
            "while x do if a then break; ; end end",
            "while x do\n  if a then\n    break\n  end\nend\n",
        ),
        (
            "while x do if a then break; f() end end",
            "while x do\n  if a then\n    break\n    f()\n  end\nend\n",
        ),
        ("for i = 1, 10 do end", "for i = 1, 10 do\nend\n"),
        ("for i = 10, 1, -1 do end", "for i = 10, 1, (-1) do\nend\n"),
        (
            "for k, v in pairs(t) do end",
            "for k, v in pairs(t) do\nend\n",
        ),
        (
            "function f(a) return a end",
            "function f(a)\n  return a\nend\n",
        ),
        (
            "function a.b.c:m(x, ...) end",
            "function a.b.c:m(x, ...)\nend\n",
        ),
        (
            "local function f() return f() end",
            "local function f()\n  return f()\nend\n",
        ),
        ("goto done ::done::", "goto done\n::done::\n"),
        ("::top:: ;;; goto top", "::top::\ngoto top\n"),
        ("return", "return\n"),
        ("return 1, 2;", "return 1, 2\n"),
        (";;", ""),
        ("a = b; (f)()", "a = b\n;(f)()\n"),
        ("#!/bin/lua\nx = 1", "x = 1\n"),
    ];
    for (src, want) in cases {
        let src_file = src;
        let arena = bumpalo::Bump::new();
        let c = lua_syntax::parse(&arena, src_file.as_bytes(), "@t.lua")
            .unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(chunk_to_string(&c), want, "{src}");
    }
    // `self` is the first parameter of a method.
    let arena = bumpalo::Bump::new();
    let c = lua_syntax::parse(&arena, b"function o:m(a) end", "=t").unwrap();
    let StatKind::Function { name, func } = &c.block.stats[0].kind else {
        panic!()
    };
    assert_eq!(name.method, Some("m"));
    assert_eq!(func.params, ["self", "a"]);
}

#[test]
fn printed_code_reparses_to_the_same_print() {
    // Round trip: print, parse the print, print again.
    let src = "local t = {1, 2, x = function(...) return ... end}\n\
               for i = 1, #t do if t[i] then t[i] = -t[i] ^ 2 .. 'x' else break end end\n\
               while a and not b or c do a = a // 2 % 3 end\n\
               repeat local z = z until z ~= nil\n\
               function m.f:g(a, ...) return (a), ... end";
    let once = chunk(src);
    assert_eq!(chunk(&once), once);
}

#[test]
fn lines_and_spans() {
    let arena = bumpalo::Bump::new();
    let src = b"local x = 1 +\n  2\nf(\n  x)\nlocal function g()\n\nend\nreturn x";
    let c = lua_syntax::parse(&arena, src, "=t").unwrap();
    let s = c.block.stats;
    assert_eq!(s[0].line, 1);
    let StatKind::Local { values, .. } = &s[0].kind else {
        panic!()
    };
    // A binary operator carries the line of the operator.
    assert_eq!(values[0].line, 1);
    let ExprKind::Binary { rhs, .. } = &values[0].kind else {
        panic!()
    };
    assert_eq!(rhs.line, 2);
    assert_eq!(s[1].line, 3);
    let StatKind::LocalFunction { func, .. } = &s[2].kind else {
        panic!()
    };
    assert_eq!((func.line, func.end_line), (5, 7));
    let r = c.block.ret.unwrap();
    assert_eq!(r.line, 8);
    assert_eq!(c.last_line, 8);
    // Spans are byte ranges of the source.
    assert_eq!(
        &src[s[1].span.start as usize..s[1].span.end as usize],
        b"f(\n  x)"
    );
    assert_eq!(
        &src[s[0].span.start as usize..s[0].span.end as usize],
        b"local x = 1 +\n  2"
    );
}

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

#[test]
fn generated_corpus_print_is_a_fixpoint() {
    let src = gen_corpus::generate(300_000);
    let once = chunk(&src);
    assert_eq!(chunk(&once), once);
}
