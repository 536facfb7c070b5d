//! The REPL, as lua.c's `doREPL`: `> ` and `>> ` prompts (`_PROMPT`,
//! `_PROMPT2`), a line tried first as `return <line>;` so that expressions
//! print their values, a chunk with a syntax error at `<eof>` continued on
//! the next line, errors printed without the program name. On a terminal,
//! lines are read with rustyline: editing, a history kept in a file (a
//! multi-line chunk is one entry), Tab completion (`complete`), Ctrl-C
//! clearing the line (or dropping a chunk being continued), Ctrl-D ending.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use lua_runtime::{Gc, LuaError, State, Table, Value};

use crate::complete;
use crate::runner::{docall, message};

/// How many lines the history keeps.
const HISTORY_SIZE: usize = 1000;

/// lua.c's `doREPL`: read, run and print until end of input.
pub fn run(st: &mut State) {
    let globals = globals_table(st);
    let mut input = Input::new(st, globals);
    while let Some(chunk) = loadline(&mut input) {
        let st = input.state();
        let r = chunk.and_then(|f| docall(st, f, &[], -1));
        match r {
            Ok(results) => print_results(st, results),
            Err(e) => {
                let msg = message(st, e);
                let _ = writeln!(std::io::stderr(), "{msg}");
            }
        }
    }
    let st = input.state();
    let _ = writeln!(st.output());
    st.flush();
}

/// lua.c's `l_print`: the results through the global `print`.
fn print_results(st: &mut State, results: Vec<Value>) {
    if results.is_empty() {
        return;
    }
    let base = st.th.stack.len();
    // The results stay reachable (on the stack) while `print` runs.
    for &v in &results {
        st.push(v);
    }
    let print = st.get_global("print");
    if let Err(e) = st.call(print, &results) {
        let msg = match e.value {
            Value::Str(s) => s.to_str_lossy().into_owned(),
            v => format!("(error object is a {} value)", v.type_name()),
        };
        let _ = writeln!(std::io::stderr(), "error calling 'print' ({msg})");
    }
    st.th.stack.truncate(base);
    st.flush();
}

/// The globals table, which every chunk the REPL loads gets as `_ENV`
/// (whatever the global `_G` has become): the root for completion.
fn globals_table(st: &mut State) -> Option<Gc<Table>> {
    let f = st.load(b"return _ENV", "=(completion)", "t", None).ok()?;
    match st.call(f, &[]).ok()?.first() {
        Some(Value::Table(t)) => Some(*t),
        _ => None,
    }
}

/// lua.c's `loadline`: the next chunk, loaded (or its syntax error); `None`
/// at end of input.
fn loadline(input: &mut Input<'_>) -> Option<Result<Value, LuaError>> {
    loop {
        if let Some(r) = loadline_once(input)? {
            return Some(r);
        }
    }
}

/// One try of [`loadline`]: `Some(None)` if Ctrl-C dropped the chunk.
fn loadline_once(input: &mut Input<'_>) -> Option<Option<Result<Value, LuaError>>> {
    let mut line = input.read(true)?;
    // lua.c keeps 5.2's `=expr` for `return expr`.
    if let Some(rest) = line.strip_prefix(b"=") {
        line = [b"return ", rest].concat();
    }
    let st = input.state();
    let as_expr = [b"return ", &line[..], b";"].concat();
    if let Ok(f) = st.load(&as_expr, "=stdin", "t", None) {
        if !line.is_empty() {
            input.save(&line);
        }
        return Some(Some(Ok(f)));
    }
    // lua.c's `multiline`: add lines while the error is at `<eof>`.
    loop {
        let r = input.state().load(&line, "=stdin", "t", None);
        if let Err(e) = &r
            && incomplete(e)
        {
            match input.read(false) {
                Some(more) => {
                    line.push(b'\n');
                    line.extend_from_slice(&more);
                    continue;
                }
                None if input.dropped => {
                    // Ctrl-C while continuing: the chunk is dropped.
                    input.dropped = false;
                    return Some(None);
                }
                None => {}
            }
        }
        input.save(&line);
        return Some(Some(r));
    }
}

/// lua.c's `incomplete`: a syntax error at the end of the input.
fn incomplete(e: &LuaError) -> bool {
    matches!(e.value, Value::Str(s) if s.as_bytes().ends_with(b"<eof>"))
}

/// lua.c's `get_prompt`: `_PROMPT`/`_PROMPT2` through `tostring` if set.
fn prompt(st: &mut State, first: bool) -> String {
    let (var, default) = if first {
        ("_PROMPT", "> ")
    } else {
        ("_PROMPT2", ">> ")
    };
    match st.get_global(var) {
        Value::Nil => default.to_string(),
        v => match st.tostring(v) {
            Ok(s) => s.to_str_lossy().into_owned(),
            Err(_) => default.to_string(),
        },
    }
}

/// Where lines come from: rustyline on a terminal, plain stdin otherwise
/// (lua.c without readline).
struct Input<'a> {
    reader: Reader<'a>,
    history: Option<PathBuf>,
    /// Set when Ctrl-C abandoned a continuation line.
    dropped: bool,
}

enum Reader<'a> {
    Editor(Box<Editor<LuaHelper<'a>, DefaultHistory>>),
    Plain(&'a mut State),
}

impl<'a> Input<'a> {
    fn new(st: &'a mut State, globals: Option<Gc<Table>>) -> Input<'a> {
        let history = history_file();
        if std::io::stdin().is_terminal() {
            let config = Config::builder()
                .max_history_size(HISTORY_SIZE)
                .and_then(|b| b.history_ignore_dups(true))
                .map(|b| {
                    b.auto_add_history(false)
                        // Tab completes the common prefix, a second Tab
                        // lists the candidates (as a shell does).
                        .completion_type(CompletionType::List)
                        .build()
                });
            let ed = config.and_then(Editor::<LuaHelper<'a>, DefaultHistory>::with_config);
            if let Ok(mut ed) = ed {
                if let Some(h) = &history {
                    // A missing file is a first session: nothing to load.
                    let _ = ed.load_history(h);
                }
                ed.set_helper(Some(LuaHelper { st, globals }));
                return Input {
                    reader: Reader::Editor(Box::new(ed)),
                    history,
                    dropped: false,
                };
            }
        }
        Input {
            reader: Reader::Plain(st),
            history: None,
            dropped: false,
        }
    }

    fn state(&mut self) -> &mut State {
        match &mut self.reader {
            Reader::Plain(st) => st,
            Reader::Editor(ed) => match ed.helper_mut() {
                Some(h) => h.st,
                // The helper is set when the editor is made and never
                // taken away.
                None => unreachable!("the REPL editor always has its helper"),
            },
        }
    }

    /// A line (without its newline) read after the prompt for a first or
    /// continuation line; `None` at end of input, or after Ctrl-C on a
    /// continuation line (with `dropped` set). Bytes, as lua.c reads them:
    /// a piped line need not be UTF-8.
    fn read(&mut self, first: bool) -> Option<Vec<u8>> {
        loop {
            let st = self.state();
            let p = prompt(st, first);
            st.flush();
            match &mut self.reader {
                Reader::Editor(ed) => match ed.readline(&p) {
                    Ok(l) => return Some(l.into_bytes()),
                    // Ctrl-C: the line is cleared; a chunk being continued
                    // is dropped.
                    Err(ReadlineError::Interrupted) if first => continue,
                    Err(ReadlineError::Interrupted) => {
                        self.dropped = true;
                        return None;
                    }
                    Err(_) => return None,
                },
                Reader::Plain(_) => {
                    let mut out = std::io::stdout();
                    let _ = write!(out, "{p}");
                    let _ = out.flush();
                    let mut l = Vec::new();
                    return match std::io::stdin().lock().read_until(b'\n', &mut l) {
                        Ok(0) | Err(_) => None,
                        Ok(_) => {
                            let l = l.strip_suffix(b"\n").unwrap_or(&l).to_vec();
                            // lua5.4 (readline reading a pipe) echoes the
                            // line, so a transcript shows what ran.
                            let _ = out.write_all(&l);
                            let _ = writeln!(out);
                            Some(l)
                        }
                    };
                }
            }
        }
    }

    /// lua.c's `lua_saveline`: one history entry (a multi-line chunk
    /// whole), appended to the history file at once so that a session
    /// that is killed keeps it.
    fn save(&mut self, chunk: &[u8]) {
        // Editor lines are UTF-8 (rustyline reads text), so this copies.
        if let Reader::Editor(ed) = &mut self.reader
            && matches!(
                ed.add_history_entry(String::from_utf8_lossy(chunk)),
                Ok(true)
            )
            && let Some(h) = &self.history
        {
            let _ = ed.append_history(h);
        }
    }
}

/// The history file: `LUNA_HISTORY` (empty: none), else
/// `$HOME/.luna_history`.
fn history_file() -> Option<PathBuf> {
    match std::env::var_os("LUNA_HISTORY") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".luna_history")),
    }
}

/// rustyline's view of the state: completion reads it (raw reads only).
struct LuaHelper<'a> {
    st: &'a mut State,
    globals: Option<Gc<Table>>,
}

impl Completer for LuaHelper<'_> {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let Some(globals) = self.globals else {
            return Ok((pos, Vec::new()));
        };
        let (start, names) = complete::complete(self.st, globals, line, pos);
        let pairs = names
            .into_iter()
            .map(|n| Pair {
                display: n.clone(),
                replacement: n,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for LuaHelper<'_> {
    type Hint = String;
}

impl Highlighter for LuaHelper<'_> {}

impl Validator for LuaHelper<'_> {}

impl Helper for LuaHelper<'_> {}
