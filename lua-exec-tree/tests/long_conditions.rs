//! Conditions with tens of thousands of `and`/`or` terms: the walk finds
//! each leaf through the recorded left-operand leaf counts, so evaluating
//! one is linear overall and picks the right leaf every time.

use std::rc::Rc;

use lua_runtime::{State, Value};

fn run(src: &str) -> Vec<Value> {
    let mut st = State::new(Rc::new(lua_exec_tree::TreeExecutor));
    let f = st
        .load(src.as_bytes(), "=long", "t", None)
        .expect("compiles");
    st.call(f, &[]).expect("runs")
}

/// `x1 op x2 op ... op xn` over locals set to the given truth values; the
/// function returns 1 when the condition holds, 2 otherwise, and how many
/// operands it evaluated (each operand is a call counting itself).
fn chain(op: &str, values: &[bool]) -> String {
    let mut s = String::from("local n = 0\nlocal function v(x) n = n + 1 return x end\nif ");
    for (i, b) in values.iter().enumerate() {
        if i > 0 {
            s.push_str(&format!(" {op} "));
        }
        s.push_str(if *b { "v(true)" } else { "v(false)" });
    }
    s.push_str(" then return 1, n else return 2, n end\n");
    s
}

fn ints(r: &[Value]) -> (i64, i64) {
    match (r[0], r[1]) {
        (Value::Int(a), Value::Int(b)) => (a, b),
        _ => panic!("expected two integers"),
    }
}

#[test]
fn long_and_chain_stops_at_the_first_false() {
    let n = 20_000;
    let mut values = vec![true; n];
    values[12_345] = false;
    assert_eq!(ints(&run(&chain("and", &values))), (2, 12_346));
    let all = vec![true; n];
    assert_eq!(ints(&run(&chain("and", &all))), (1, n as i64));
}

#[test]
fn long_or_chain_stops_at_the_first_true() {
    let n = 20_000;
    let mut values = vec![false; n];
    values[19_998] = true;
    assert_eq!(ints(&run(&chain("or", &values))), (1, 19_999));
    let none = vec![false; n];
    assert_eq!(ints(&run(&chain("or", &none))), (2, n as i64));
}

#[test]
fn negated_chain_follows_de_morgan() {
    let n = 5_000;
    let mut values = vec![true; n];
    values[4_000] = false;
    let src = chain("and", &values)
        .replacen("if ", "if not (", 1)
        .replacen(" then", ") then", 1);
    assert_eq!(ints(&run(&src)), (1, 4_001));
}
