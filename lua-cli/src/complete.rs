//! Tab completion for the REPL: keywords and globals for a plain name, the
//! fields of a table reached by a dotted or colon path (`string.fo` →
//! `string.format`, `s:up` → `s:upper`), read from the live state.
//!
//! Only raw reads: a table's own keys, then, as indexing would fall back
//! to them, the keys of the tables its metatables' `__index` fields name
//! (a value that is not a table, such as a string, starts there). No
//! metamethod runs and nothing is allocated, so completing can neither run
//! Lua code nor start a collection.

use std::collections::BTreeSet;

use lua_runtime::vm::meta::Tm;
use lua_runtime::{Gc, State, Table, Value};

/// Lua's reserved words.
const KEYWORDS: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

/// How many `__index` tables a lookup follows (a chain may be a cycle).
const MAX_INDEX_CHAIN: usize = 16;

/// Completions of the word that ends at byte `pos` of `line`: where the
/// replaced part starts, and the sorted candidates for it.
pub fn complete(st: &State, globals: Gc<Table>, line: &str, pos: usize) -> (usize, Vec<String>) {
    let Some(before) = line.get(..pos) else {
        return (pos, Vec::new());
    };
    // The word: identifier characters and the `.`/`:` that join them.
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == ':')
        .last()
        .map_or(pos, |(i, _)| i);
    let word = &before[start..];
    // `f().x`, `t[1].x`, `"s":x`: the path does not start at a name, and
    // finding what it reaches would mean running code.
    if before[..start].ends_with(['.', ')', ']', '"', '\'']) || in_string(&before[..start]) {
        return (pos, Vec::new());
    }
    let (path, sep, partial) = match word.rfind(['.', ':']) {
        Some(i) => (&word[..i], word.as_bytes()[i], &word[i + 1..]),
        None => ("", b' ', word),
    };
    if partial.starts_with(|c: char| c.is_ascii_digit()) {
        return (pos, Vec::new());
    }
    let mut names = BTreeSet::new();
    if sep == b' ' {
        names.extend(KEYWORDS.iter().map(|k| k.to_string()));
        add_keys(&mut names, globals, |_| true);
    } else {
        // A colon may only end the path: `a:b.c` is not an expression.
        if path.contains(':') {
            return (pos, Vec::new());
        }
        let mut v = Value::Table(globals);
        for seg in path.split('.') {
            match field(st, v, seg.as_bytes()) {
                Some(next) => v = next,
                None => return (pos, Vec::new()),
            }
        }
        let methods_only = sep == b':';
        for t in index_chain(st, v) {
            add_keys(&mut names, t, |fv| {
                !methods_only || matches!(fv, Value::LuaFn(_) | Value::Native(_))
            });
        }
        names.retain(|n| !KEYWORDS.contains(&n.as_str()));
    }
    let found = names
        .into_iter()
        .filter(|n| n.starts_with(partial))
        .collect();
    (pos - partial.len(), found)
}

/// Whether `s` ends inside a string literal (an odd number of unescaped
/// quotes of one kind), where nothing should complete.
fn in_string(s: &str) -> bool {
    let mut quote = None;
    let mut escaped = false;
    for c in s.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None => {}
        }
    }
    quote.is_some()
}

/// The tables a field of `v` is looked up in: `v` itself if it is a table,
/// then each `__index` table of the metatables met on the way.
fn index_chain(st: &State, v: Value) -> Vec<Gc<Table>> {
    let mut chain = Vec::new();
    let mut cur = v;
    for _ in 0..MAX_INDEX_CHAIN {
        if let Value::Table(t) = cur {
            if chain.iter().any(|&c| Gc::ptr_eq(c, t)) {
                break;
            }
            chain.push(t);
        }
        match st.metatable(cur).map(|mt| st.tm_of(mt, Tm::Index)) {
            Some(next @ Value::Table(_)) => cur = next,
            _ => break,
        }
    }
    chain
}

/// `v.name` by raw reads along the `__index` chain; `None` if absent.
fn field(st: &State, v: Value, name: &[u8]) -> Option<Value> {
    index_chain(st, v).into_iter().find_map(|t| {
        t.raw()
            .iter()
            .find(|(k, _)| matches!(k, Value::Str(s) if s.as_bytes() == name))
            .map(|(_, fv)| fv)
            .filter(|fv| !fv.is_nil())
    })
}

/// Adds the string keys of `t` that are names and whose values `keep`
/// accepts.
fn add_keys(names: &mut BTreeSet<String>, t: Gc<Table>, keep: impl Fn(Value) -> bool) {
    for (k, v) in t.raw().iter() {
        if let Value::Str(s) = k
            && !v.is_nil()
            && keep(v)
            && is_name(s.as_bytes())
        {
            names.insert(String::from_utf8_lossy(s.as_bytes()).into_owned());
        }
    }
}

/// Whether `b` is a Lua name (letters, digits and `_`, not starting with
/// a digit).
fn is_name(b: &[u8]) -> bool {
    b.first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state after `setup`, and its globals table.
    fn state(setup: &str) -> (State, Gc<Table>) {
        let mut st = State::new(luna::Executor::Flat.make());
        st.push_host_frame();
        let f = st.load(setup.as_bytes(), "=setup", "t", None).unwrap();
        st.call(f, &[]).unwrap();
        let f = st.load(b"return _ENV", "=env", "t", None).unwrap();
        let Some(Value::Table(g)) = st.call(f, &[]).unwrap().first().copied() else {
            panic!("no _ENV");
        };
        (st, g)
    }

    fn names(st: &State, g: Gc<Table>, line: &str) -> (usize, Vec<String>) {
        complete(st, g, line, line.len())
    }

    #[test]
    fn keywords_globals_and_paths() {
        let (st, g) = state("my_global = { inner = { deep = 1, other = 2 }, f = print }");
        assert_eq!(
            names(&st, g, "x = my_g"),
            (4, vec!["my_global".to_string()])
        );
        assert_eq!(names(&st, g, "retu").1, vec!["return".to_string()]);
        assert_eq!(
            names(&st, g, "my_global.inner."),
            (16, vec!["deep".to_string(), "other".to_string()])
        );
        assert_eq!(names(&st, g, "string.fo").1, vec!["format".to_string()]);
        // Only functions after a colon.
        assert_eq!(names(&st, g, "my_global:").1, vec!["f".to_string()]);
        assert!(names(&st, g, "nosuch.x").1.is_empty());
        assert!(names(&st, g, "my_global.inner.deep.").1.is_empty());
    }

    #[test]
    fn methods_through_index_tables_only() {
        let (st, g) = state(
            "s = 'abc'
             called = false
             obj = setmetatable({ own = 1 }, { __index = { inherited = function() end } })
             fun = setmetatable({}, { __index = function() called = true end })",
        );
        assert!(names(&st, g, "s:upp").1.contains(&"upper".to_string()));
        assert_eq!(
            names(&st, g, "obj.").1,
            vec!["inherited".to_string(), "own".to_string()]
        );
        assert!(names(&st, g, "fun.").1.is_empty());
        assert!(matches!(
            field(&st, Value::Table(g), b"called"),
            Some(Value::Bool(false))
        ));
    }

    #[test]
    fn nothing_inside_strings_or_after_calls() {
        let (st, g) = state("");
        assert!(names(&st, g, "print('str").1.is_empty());
        assert!(names(&st, g, "f().str").1.is_empty());
        assert!(names(&st, g, "t[1].x").1.is_empty());
        assert!(names(&st, g, "x = 1").1.is_empty());
        // A cursor inside a multi-byte character completes nothing.
        assert_eq!(complete(&st, g, "é", 1), (1, Vec::new()));
    }
}
