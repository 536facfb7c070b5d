//! Compile-time limits, worded exactly as `luac5.4 -p` words them (the
//! expected messages below were produced by running luac5.4 on the same
//! generated sources), and never a panic.

use lua_bytecode::compile_source;

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(",")
}

fn err(src: &str) -> String {
    compile_source(src.as_bytes(), "=t").unwrap_err().message
}

#[test]
fn too_many_registers_in_arguments() {
    let src = format!("local x = f({})\n", list((0..300).map(|i| format!("a{i}"))));
    assert_eq!(
        err(&src),
        "t:1: function or expression needs too many registers near 'a254'"
    );
    let src = format!(
        "local t = {{}}\nlocal x = f({})\n",
        list((0..300).map(|i| format!("\"s{i}\"")))
    );
    assert_eq!(
        err(&src),
        "t:2: function or expression needs too many registers near '\"s253\"'"
    );
    let src = format!(
        "local x = f({})\n",
        list((0..300).map(|i| format!("{i}.5")))
    );
    assert_eq!(
        err(&src),
        "t:1: function or expression needs too many registers near '254.5'"
    );
    let src = format!(
        "local x = f({})\n",
        list((0..300).map(|_| "{}".to_string()))
    );
    assert_eq!(
        err(&src),
        "t:1: function or expression needs too many registers near '{'"
    );
}

#[test]
fn too_many_registers_in_prefix_expressions() {
    let src = format!(
        "local x = f({})\n",
        (0..300).map(|_| "a.b").collect::<Vec<_>>().join(" , ")
    );
    assert_eq!(
        err(&src),
        "t:1: function or expression needs too many registers near '.'"
    );
}

#[test]
fn too_many_registers_with_many_locals() {
    let locals = format!("local {}\n", list((0..199).map(|i| format!("a{i}"))));
    let src = format!("{locals}f({})\n", list((0..60).map(|i| format!("a{i}"))));
    assert_eq!(
        err(&src),
        "t:2: function or expression needs too many registers near 'a55'"
    );
    let src = format!(
        "{locals}local x = a1 .. a2 .. (a3 .. (a4 .. (a5 .. (a6 .. (a7 .. (a8 .. (a9 .. (a10 .. a11)))))))) .. {}\n",
        (0..60)
            .map(|i| format!("a{i}"))
            .collect::<Vec<_>>()
            .join(" .. ")
    );
    assert_eq!(
        err(&src),
        "t:2: function or expression needs too many registers near 'a53'"
    );
}

#[test]
fn limits_that_fit_compile() {
    // 254 registers is the most a function may use.
    let src = format!("local x = f({})\n", list((0..253).map(|i| format!("a{i}"))));
    let p = compile_source(src.as_bytes(), "=t").unwrap();
    assert_eq!(p.max_registers, 254);
    let src = format!("local x = f({})\n", list((0..254).map(|i| format!("a{i}"))));
    assert_eq!(
        err(&src),
        "t:2: function or expression needs too many registers near <eof>"
    );
    // Long constructors flush every 50 items.
    let src = format!(
        "local t = {{{}}}\n",
        list((0..100_000).map(|i| i.to_string()))
    );
    assert!(compile_source(src.as_bytes(), "=t").is_ok());
    // More than 65536 constants: wide indices go through registers.
    let mut src = String::from("local t = {}\n");
    for i in 0..70_000 {
        src.push_str(&format!("t.k{i} = g{i} + {i}.5\n"));
    }
    assert!(compile_source(src.as_bytes(), "=t").is_ok());
}
