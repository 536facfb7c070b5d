#[test]
fn smoke() {
    let lua = luna::Lua::new();
    let f = lua
        .create_function(|_, (a, b): (i64, i64)| Ok(a + b))
        .unwrap();
    lua.globals().set("add", f).unwrap();
    assert_eq!(lua.load("add(1, 2)").eval::<i64>().unwrap(), 3);
    let e = lua.load("add(1)").set_name("=m").exec().unwrap_err();
    assert_eq!(
        e.message(),
        "m:1: bad argument #2 to 'add' (number expected, got no value)"
    );
}
