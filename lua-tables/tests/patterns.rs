//! `#t` for common patterns with holes. Expected values come from lua5.4
//! (5.4.4): each case's Lua source is in its comment; regenerate with
//! `lua5.4 -e '<source>; print(#t)'`.

use lua_tables::Table;
use lua_tables::simple::SimpleValue as V;

/// `{a, b, ...}` with `None` for nil: the constructor sizes the array exactly.
fn ctor(items: &[Option<i64>]) -> Table<V> {
    let mut t = Table::with_capacity(items.len(), 0);
    for (i, item) in items.iter().enumerate() {
        if let Some(v) = item {
            t.set_int(i as i64 + 1, V::Int(*v));
        }
    }
    t
}

fn filled(n: i64) -> Table<V> {
    let mut t = Table::new();
    for i in 1..=n {
        t.set_int(i, V::Int(i));
    }
    t
}

#[test]
fn constructors_with_holes() {
    // t = {1,2,3,nil,5} -> 5
    assert_eq!(ctor(&[Some(1), Some(2), Some(3), None, Some(5)]).len(), 5);
    // t = {1,2,nil,4} -> 4
    assert_eq!(ctor(&[Some(1), Some(2), None, Some(4)]).len(), 4);
    // t = {nil, nil, 3} -> 3
    assert_eq!(ctor(&[None, None, Some(3)]).len(), 3);
    // t = {1,nil,3} -> 3
    assert_eq!(ctor(&[Some(1), None, Some(3)]).len(), 3);
}

#[test]
fn holes_in_a_filled_array() {
    // for i=1,10 do t[i]=i end; t[5]=nil -> 10; t[10]=nil -> 9; t[9]=nil -> 8
    let mut t = filled(10);
    t.set_int(5, V::Nil);
    assert_eq!(t.len(), 10);
    t.set_int(10, V::Nil);
    assert_eq!(t.len(), 9);
    t.set_int(9, V::Nil);
    assert_eq!(t.len(), 8);
    // for i=1,20 do t[i]=i end; t[17]=nil -> 20
    let mut t = filled(20);
    t.set_int(17, V::Nil);
    assert_eq!(t.len(), 20);
    // for i=1,16 do t[i]=i end; t[8]=nil -> 16
    let mut t = filled(16);
    t.set_int(8, V::Nil);
    assert_eq!(t.len(), 16);
    // for i=1,9 do t[i]=i end; t[9]=nil t[8]=nil t[4]=nil -> 3
    let mut t = filled(9);
    for k in [9, 8, 4] {
        t.set_int(k, V::Nil);
    }
    assert_eq!(t.len(), 3);
}

#[test]
fn sparse_stores() {
    // t = {}; t[1]=1; t[2]=2; t[4]=4 -> 4
    let mut t = Table::new();
    for k in [1, 2, 4] {
        t.set_int(k, V::Int(k));
    }
    assert_eq!(t.len(), 4);
    // t = {}; t[2]=2; t[3]=3 -> 0
    let mut t = Table::new();
    for k in [2, 3] {
        t.set_int(k, V::Int(k));
    }
    assert_eq!(t.len(), 0);
}

#[test]
fn pops() {
    // t = {10,20,30}; t[#t]=nil -> 2; t[#t]=nil -> 1
    let mut t = ctor(&[Some(10), Some(20), Some(30)]);
    let n = t.len() as i64;
    t.set_int(n, V::Nil);
    assert_eq!(t.len(), 2);
    let n = t.len() as i64;
    t.set_int(n, V::Nil);
    assert_eq!(t.len(), 1);
    // for i=1,1000 do t[#t+1]=i end; for i=1,500 do t[#t]=nil end -> 500
    let mut t = Table::new();
    for i in 1..=1000 {
        let n = t.len() as i64;
        t.set_int(n + 1, V::Int(i));
    }
    for _ in 0..500 {
        let n = t.len() as i64;
        t.set_int(n, V::Nil);
    }
    assert_eq!(t.len(), 500);
    // clearing forwards or backwards -> 0
    let mut t = filled(100);
    for i in 1..=100 {
        t.set_int(i, V::Nil);
    }
    assert_eq!(t.len(), 0);
    let mut t = filled(100);
    for i in (1..=100).rev() {
        t.set_int(i, V::Nil);
    }
    assert_eq!(t.len(), 0);
}

#[test]
fn a_read_past_the_hint_moves_the_border() {
    // lua5.4 moves `alimit` on reads too (`luaH_getint`), so a plain read
    // changes the next `#t`; a table whose reads never wrote would answer
    // 9 twice.
    // for i=1,16 do t[i]=i end; for i=10,16 do if i~=11 then t[i]=nil end end
    // print(#t) -> 9; local _ = t[11]; print(#t) -> 11
    let mut t = filled(16);
    for k in (10..=16).filter(|&k| k != 11) {
        t.set_int(k, V::Nil);
    }
    assert_eq!(t.len(), 9);
    assert_eq!(t.get_int(11), V::Int(11));
    assert_eq!(t.len(), 11);
}
