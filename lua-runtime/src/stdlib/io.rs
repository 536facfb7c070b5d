//! The `io` library (liolib.c): real files through the OS, file handles as
//! userdata whose metatable is `registry["FILE*"]` (`__name` "FILE*",
//! `__index` the methods, `__tostring`, `__close`, `__gc`).
//!
//! # Streams
//!
//! A handle is a [`Stream`]: a `Port` every stream has, plus the kind of
//! thing it is connected to. The port is a raw file descriptor with a read
//! buffer (so `"n"` can look ahead one character and give it back, as
//! `ungetc`) and a write buffer, driven with `read`/`write`/`lseek`/`close`
//! from libc so every error is the `errno` (and `strerror` text) lua5.4
//! reports. Going from reading to writing seeks back over the unread
//! buffered bytes, and every seek drops both buffers, so a `"r+"` file
//! behaves as one position.
//!
//! What differs between kinds (a file, a pipe, the three standard streams)
//! is how they write, flush and close; each kind is a type implementing
//! `Endpoint`, and `Kind` dispatches to them through `enum_dispatch`.
//!
//! Standard output is special: `print` writes to the state's buffered
//! sink (`State::out`), and so must `io.write`, or the two would come out
//! in the wrong order. `Stdout` therefore leaves its port's write buffer
//! unused; its writes go to `State::out`.
//!
//! Dropping a stream (when the collector frees its userdata, or when the
//! state is dropped) flushes and closes it, which is what `__gc` does in
//! PUC. Open streams are also listed (weakly) so `os.exit` can flush them
//! all, as C's `exit` flushes every `FILE*`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use enum_dispatch::enum_dispatch;

use crate::error::LuaResult;
use crate::gc::Gc;
use crate::number::{self, Num};
use crate::object::{Args, NativeKind, Table, UserData};
use crate::state::State;
use crate::stdlib::os::{errno_text, exec_result, file_result, last_errno};
use crate::strlib::number_fmt::fmt_g14;
use crate::value::Value;
use crate::vm::frame::FrameFn;

/// What closing a stream did.
#[derive(Debug)]
enum Closed {
    /// A standard stream stays open (`io.stdout:close()` fails).
    Refused,
    /// A file was closed.
    File,
    /// A pipe was closed and its child waited for: the wait status.
    Pipe(i32),
}

/// What a stream does that depends on its kind. The defaults are those of
/// a file; errors are `errno` values.
#[enum_dispatch]
trait Endpoint {
    /// Write `b` (one `io.write` argument).
    fn write(&mut self, port: &mut Port, _st: &mut State, b: &[u8]) -> Result<(), i32> {
        port.write(b)
    }

    /// Push out what was written so far.
    fn flush(&mut self, port: &mut Port, _st: &mut State) -> Result<(), i32> {
        port.flush_buf()
    }

    /// Called before a read that may block.
    fn before_read(&self, _port: &Port, _st: &mut State) {}

    /// Close the port (`fclose`/`pclose`).
    fn close(&mut self, port: &mut Port) -> Result<Closed, i32> {
        port.release()?;
        Ok(Closed::File)
    }
}

/// A file opened by `io.open` or `io.tmpfile` (its descriptor is owned).
#[derive(Debug)]
struct File;

impl Endpoint for File {}

/// `io.popen`: the port is the pipe's end, `child` the process to wait for.
#[derive(Debug)]
struct Pipe {
    child: std::process::Child,
}

impl Endpoint for Pipe {
    /// `pclose`: the result is the child's status; failing to flush or
    /// close the pipe's end does not change it.
    fn close(&mut self, port: &mut Port) -> Result<Closed, i32> {
        use std::os::unix::process::ExitStatusExt;
        let _ = port.release();
        match self.child.wait() {
            Ok(s) => Ok(Closed::Pipe(s.into_raw())),
            Err(e) => Err(e.raw_os_error().unwrap_or(libc::ECHILD)),
        }
    }
}

/// `io.stdin` (descriptor 0).
#[derive(Debug)]
struct Stdin;

impl Endpoint for Stdin {
    /// About to block on standard input: show what was written so far (a
    /// prompt), as C does for a terminal's line-buffered stdout.
    fn before_read(&self, port: &Port, st: &mut State) {
        if port.rpos >= port.rbuf.len() {
            st.flush();
        }
    }

    /// Standard streams stay open. Their port never holds pending output
    /// (stdin is read-only), so there is nothing to flush.
    fn close(&mut self, _port: &mut Port) -> Result<Closed, i32> {
        Ok(Closed::Refused)
    }
}

/// `io.stdout` (descriptor 1): writes go to `State::out`, where `print`
/// writes, so the two keep their order.
#[derive(Debug)]
struct Stdout;

impl Endpoint for Stdout {
    /// The port's buffering mode (`setvbuf`) decides when `State::out` is
    /// flushed: at once for "no", at a newline for "line".
    fn write(&mut self, port: &mut Port, st: &mut State, b: &[u8]) -> Result<(), i32> {
        use std::io::Write;
        st.out.write_all(b).map_err(|e| os_errno(&e))?;
        if port.vbuf == VBuf::No || (port.vbuf == VBuf::Line && b.contains(&b'\n')) {
            st.flush();
        }
        Ok(())
    }

    fn flush(&mut self, _port: &mut Port, st: &mut State) -> Result<(), i32> {
        use std::io::Write;
        st.out.flush().map_err(|e| os_errno(&e))
    }

    /// Standard streams stay open; stdout's output is in `State::out`,
    /// which the state flushes itself.
    fn close(&mut self, _port: &mut Port) -> Result<Closed, i32> {
        Ok(Closed::Refused)
    }
}

/// `io.stderr` (descriptor 2): unbuffered, as C's stderr.
#[derive(Debug)]
struct Stderr;

impl Endpoint for Stderr {
    fn write(&mut self, port: &mut Port, _st: &mut State, b: &[u8]) -> Result<(), i32> {
        port.write_through(b)
    }

    /// Standard streams stay open. Writes go straight to the descriptor,
    /// so the port never holds pending output.
    fn close(&mut self, _port: &mut Port) -> Result<Closed, i32> {
        Ok(Closed::Refused)
    }
}

/// What a stream is connected to.
#[enum_dispatch(Endpoint)]
#[derive(Debug)]
enum Kind {
    File,
    Pipe,
    Stdin,
    Stdout,
    Stderr,
}

/// The errno of a failed `std::io` operation.
fn os_errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or_else(last_errno)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VBuf {
    No,
    Full,
    Line,
}

/// The descriptor and buffers every stream has, whatever its kind.
#[derive(Debug)]
struct Port {
    fd: i32,
    closed: bool,
    readable: bool,
    writable: bool,
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
    vbuf: VBuf,
    /// `ferror`: the errno of the last failed operation.
    error: Option<i32>,
}

/// An open (or closed) file handle.
#[derive(Debug)]
pub struct Stream {
    kind: Kind,
    port: Port,
}

/// A shared handle to a stream (what the userdata holds).
pub type Handle = Rc<RefCell<Stream>>;

const BUFSIZE: usize = 8192;

/// The streams a state has opened, weakly (for `os.exit`'s flush and for
/// pacing the collector): kept in the state, not per thread, because a
/// state may move between threads.
#[derive(Debug)]
pub struct OpenStreams {
    list: Vec<Weak<RefCell<Stream>>>,
    /// Length of the list at which the next check is made.
    check_at: usize,
}

impl Default for OpenStreams {
    fn default() -> Self {
        OpenStreams {
            list: Vec::new(),
            check_at: MANY_STREAMS,
        }
    }
}

/// Flush the write buffers of every stream the state has open (for
/// `os.exit`, `os.execute` and `io.popen`).
pub fn flush_all(st: &mut State) {
    prune_streams(st);
    for w in st.streams.list.iter() {
        if let Some(s) = w.upgrade()
            && let Ok(mut s) = s.try_borrow_mut()
        {
            let _ = s.port.flush_buf();
        }
    }
}

impl Stream {
    fn new(kind: impl Into<Kind>, fd: i32, readable: bool, writable: bool) -> Stream {
        Stream {
            kind: kind.into(),
            port: Port {
                fd,
                closed: false,
                readable,
                writable,
                rbuf: Vec::new(),
                rpos: 0,
                wbuf: Vec::new(),
                vbuf: VBuf::Full,
                error: None,
            },
        }
    }

    fn is_closed(&self) -> bool {
        self.port.closed
    }

    fn write(&mut self, st: &mut State, b: &[u8]) -> Result<(), i32> {
        self.kind.write(&mut self.port, st, b)
    }

    fn flush(&mut self, st: &mut State) -> Result<(), i32> {
        self.kind.flush(&mut self.port, st)
    }

    fn before_read(&self, st: &mut State) {
        self.kind.before_read(&self.port, st)
    }

    /// `fseek`: flush what the kind holds, then move the port.
    fn seek(&mut self, st: &mut State, offset: i64, whence: i32) -> Result<i64, i32> {
        self.flush(st)?;
        self.port.seek(offset, whence)
    }

    /// `setvbuf`: flush what the kind holds, then switch the mode.
    fn set_vbuf(&mut self, st: &mut State, mode: VBuf) -> Result<(), i32> {
        let r = self.flush(st);
        self.port.vbuf = mode;
        r
    }

    /// `aux_close`: close as the kind does.
    fn close(&mut self) -> Result<Closed, i32> {
        self.kind.close(&mut self.port)
    }
}

/// `__gc` without a Lua caller: a file is flushed and closed, a pipe's
/// child is waited for, and a standard stream refuses and stays open.
impl Drop for Stream {
    fn drop(&mut self) {
        if !self.port.closed {
            let _ = self.close();
        }
    }
}

impl Port {
    /// Write all of `b` to the descriptor.
    fn raw_write(&mut self, mut b: &[u8]) -> Result<(), i32> {
        while !b.is_empty() {
            // SAFETY: `b` is a valid readable buffer of the given length.
            let n = unsafe { libc::write(self.fd, b.as_ptr() as *const libc::c_void, b.len()) };
            if n < 0 {
                let e = last_errno();
                if e == libc::EINTR {
                    continue;
                }
                return Err(e);
            }
            b = &b[n as usize..];
        }
        Ok(())
    }

    fn flush_buf(&mut self) -> Result<(), i32> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        let buf = std::mem::take(&mut self.wbuf);
        let r = self.raw_write(&buf);
        if let Err(e) = r {
            self.error = Some(e);
        }
        r
    }

    /// Before writing: give unread buffered input back to the file.
    fn drop_read_buffer(&mut self) {
        let unread = self.rbuf.len() - self.rpos;
        if unread > 0 {
            // SAFETY: lseek on our descriptor; failure is harmless here
            // (pipes and terminals cannot seek and keep no position).
            unsafe { libc::lseek(self.fd, -(unread as libc::off_t), libc::SEEK_CUR) };
        }
        self.rbuf.clear();
        self.rpos = 0;
    }

    /// Before writing: writes need a writable port (else `EBADF`, kept
    /// as the stream's error) and drop the read buffer.
    fn start_write(&mut self) -> Result<(), i32> {
        if !self.writable {
            self.error = Some(libc::EBADF);
            return Err(libc::EBADF);
        }
        self.drop_read_buffer();
        Ok(())
    }

    /// Unbuffered write: what is pending, then `b`, to the descriptor.
    fn write_through(&mut self, b: &[u8]) -> Result<(), i32> {
        self.start_write()?;
        self.flush_buf()?;
        self.raw_write(b).inspect_err(|&e| self.error = Some(e))
    }

    /// Write as the buffering mode says.
    fn write(&mut self, b: &[u8]) -> Result<(), i32> {
        if self.vbuf == VBuf::No {
            return self.write_through(b);
        }
        self.start_write()?;
        self.wbuf.extend_from_slice(b);
        let line_flush = self.vbuf == VBuf::Line && b.contains(&b'\n');
        if self.wbuf.len() >= BUFSIZE || line_flush {
            self.flush_buf()?;
        }
        Ok(())
    }

    /// Make buffered input available; false at end of file or error.
    fn fill(&mut self) -> bool {
        if self.rpos < self.rbuf.len() {
            return true;
        }
        if !self.readable {
            self.error = Some(libc::EBADF);
            return false;
        }
        if self.flush_buf().is_err() {
            return false;
        }
        self.rbuf.resize(BUFSIZE, 0);
        self.rpos = 0;
        loop {
            // SAFETY: `rbuf` is a writable buffer of BUFSIZE bytes.
            let n = unsafe {
                libc::read(
                    self.fd,
                    self.rbuf.as_mut_ptr() as *mut libc::c_void,
                    BUFSIZE,
                )
            };
            if n < 0 {
                let e = last_errno();
                if e == libc::EINTR {
                    continue;
                }
                self.error = Some(e);
                self.rbuf.clear();
                return false;
            }
            self.rbuf.truncate(n as usize);
            return n > 0;
        }
    }

    fn getc(&mut self) -> Option<u8> {
        if !self.fill() {
            return None;
        }
        let c = self.rbuf[self.rpos];
        self.rpos += 1;
        Some(c)
    }

    fn ungetc(&mut self, c: Option<u8>) {
        if c.is_some() && self.rpos > 0 {
            self.rpos -= 1;
        }
    }

    /// `read_line`: the line (with its newline if `keep`); success if a
    /// newline or at least one byte was read.
    fn read_line(&mut self, keep: bool, out: &mut Vec<u8>) -> bool {
        loop {
            if !self.fill() {
                return !out.is_empty();
            }
            let avail = &self.rbuf[self.rpos..];
            match avail.iter().position(|&c| c == b'\n') {
                Some(p) => {
                    out.extend_from_slice(&avail[..p]);
                    if keep {
                        out.push(b'\n');
                    }
                    self.rpos += p + 1;
                    return true;
                }
                None => {
                    out.extend_from_slice(avail);
                    self.rpos = self.rbuf.len();
                }
            }
        }
    }

    fn read_chars(&mut self, mut n: u64, out: &mut Vec<u8>) -> bool {
        while n > 0 && self.fill() {
            let avail = &self.rbuf[self.rpos..];
            let k = (avail.len() as u64).min(n) as usize;
            out.extend_from_slice(&avail[..k]);
            self.rpos += k;
            n -= k as u64;
        }
        !out.is_empty()
    }

    fn read_all(&mut self, out: &mut Vec<u8>) {
        while self.fill() {
            out.extend_from_slice(&self.rbuf[self.rpos..]);
            self.rpos = self.rbuf.len();
        }
    }

    /// liolib's `read_number`: the longest prefix that looks like a
    /// numeral (at most 200 characters), then `lua_stringtonumber`.
    fn read_number(&mut self) -> Option<Num> {
        const MAXLEN: usize = 200;
        let mut buf: Vec<u8> = Vec::new();
        let mut c = self.getc();
        while matches!(c, Some(b) if number::is_space(b)) {
            c = self.getc();
        }
        let mut overflow = false;
        // `nextc`: save the current char and read the next one.
        macro_rules! nextc {
            () => {{
                if buf.len() >= MAXLEN {
                    overflow = true;
                    false
                } else {
                    buf.push(c.unwrap_or(0));
                    c = self.getc();
                    true
                }
            }};
        }
        macro_rules! test2 {
            ($set:expr) => {{
                let set: &[u8; 2] = $set;
                if c.is_some() && (c == Some(set[0]) || c == Some(set[1])) {
                    nextc!()
                } else {
                    false
                }
            }};
        }
        macro_rules! readdigits {
            ($hex:expr) => {{
                let mut count = 0;
                while matches!(c, Some(b) if if $hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() })
                    && nextc!()
                {
                    count += 1;
                }
                count
            }};
        }
        let mut count = 0;
        let mut hex = false;
        test2!(b"-+");
        if test2!(b"00") {
            if test2!(b"xX") {
                hex = true;
            } else {
                count = 1;
            }
        }
        count += readdigits!(hex);
        if test2!(b"..") {
            count += readdigits!(hex);
        }
        if count > 0 && test2!(if hex { b"pP" } else { b"eE" }) {
            test2!(b"-+");
            readdigits!(false);
        }
        self.ungetc(c);
        if overflow {
            return None;
        }
        number::str_to_number(&buf)
    }

    /// `lseek`, counting the unread buffered input (the caller has
    /// flushed pending output).
    fn seek(&mut self, offset: i64, whence: i32) -> Result<i64, i32> {
        let mut offset = offset;
        if whence == libc::SEEK_CUR {
            offset -= (self.rbuf.len() - self.rpos) as i64;
        }
        self.rbuf.clear();
        self.rpos = 0;
        // SAFETY: lseek on our descriptor.
        let r = unsafe { libc::lseek(self.fd, offset as libc::off_t, whence) };
        if r < 0 {
            return Err(last_errno());
        }
        Ok(r as i64)
    }

    /// Flush, then close the descriptor (once: `closed` is set); the
    /// flush's error comes first, as `fclose` reports it.
    fn release(&mut self) -> Result<(), i32> {
        let flushed = self.flush_buf();
        self.closed = true;
        self.rbuf.clear();
        self.rpos = 0;
        // SAFETY: our own descriptor, closed once (`closed` is now set).
        let r = unsafe { libc::close(self.fd) };
        let e = last_errno();
        flushed?;
        if r != 0 {
            return Err(e);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------
// Handles as userdata

const IO_INPUT: &str = "_IO_input";
const IO_OUTPUT: &str = "_IO_output";

fn file_meta(st: &mut State) -> Option<Gc<Table>> {
    let r = st.registry;
    st.get_field(r, "FILE*").as_table()
}

/// Open streams past which opening another one first runs a collection.
const MANY_STREAMS: usize = 1024;

/// Drop closed and dropped streams from the list; returns how many stay.
fn prune_streams(st: &mut State) -> usize {
    let l = &mut st.streams.list;
    l.retain(|w| {
        w.upgrade()
            .is_some_and(|s| s.try_borrow().map_or(true, |s| !s.is_closed()))
    });
    l.len()
}

/// The collector does not know what a stream costs (its buffers, its
/// descriptor), so a program that drops handles without closing them
/// would pile them up; PUC's collector sees the memory of its `FILE`s. So
/// when many streams are open, opening another first collects: handles
/// nobody references are then dropped, which closes them. Checks happen
/// at geometrically spaced list lengths, so their cost is amortised O(1).
fn pace_collector(st: &mut State) {
    if st.streams.list.len() < st.streams.check_at {
        return;
    }
    let mut open = prune_streams(st);
    if open >= MANY_STREAMS {
        st.full_gc();
        open = prune_streams(st);
    }
    st.streams.check_at = (2 * open).max(MANY_STREAMS);
}

fn new_handle(st: &mut State, s: Stream) -> Value {
    pace_collector(st);
    let h: Handle = Rc::new(RefCell::new(s));
    st.streams.list.push(Rc::downgrade(&h));
    let mt = file_meta(st);
    let ud = st.heap.alloc(UserData::new(mt, Box::new(h)));
    Value::UserData(ud)
}

/// The stream of a FILE* value (`luaL_testudata`).
///
/// A userdata is a file handle when it holds a [`Handle`]: only this
/// module makes those, always with the FILE* metatable, and Lua code
/// cannot change a userdata's metatable, so the type test is the
/// metatable test without a registry lookup per call.
pub fn handle_of(_st: &State, v: Value) -> Option<Handle> {
    let Value::UserData(u) = v else { return None };
    u.data.borrow().downcast_ref::<Handle>().cloned()
}

/// `luaL_checkudata(L, i, "FILE*")`.
fn check_file(st: &mut State, a: Args, i: usize) -> LuaResult<Handle> {
    let v = a.get(st, i);
    match handle_of(st, v) {
        Some(h) => Ok(h),
        None => Err(st.type_arg_error(a, i, "FILE*")),
    }
}

/// liolib's `tofile`: an open FILE* argument.
fn to_file(st: &mut State, a: Args) -> LuaResult<Handle> {
    let h = check_file(st, a, 1)?;
    if h.borrow().is_closed() {
        return Err(st.error("attempt to use a closed file"));
    }
    Ok(h)
}

/// Install `io` (global and `package.loaded.io`) and the FILE* metatable.
pub fn open(st: &mut State) {
    let methods = st.new_table();
    st.register(
        methods,
        &[
            ("close", f_close),
            ("flush", f_flush),
            ("lines", f_lines),
            ("read", f_read),
            ("seek", f_seek),
            ("setvbuf", f_setvbuf),
            ("write", f_write),
        ],
    );
    let mt = st.new_table();
    st.register(
        mt,
        &[
            ("__gc", f_gc),
            ("__close", f_gc),
            ("__tostring", f_tostring),
        ],
    );
    st.set_field(mt, "__index", Value::Table(methods));
    let name = st.str_value("FILE*");
    st.set_field(mt, "__name", name);
    let reg = st.registry;
    st.set_field(reg, "FILE*", Value::Table(mt));

    // C's stdout is line-buffered on a terminal: progress lines and
    // prompts show at once, and come before what goes to stderr. The
    // state's sink is still the fresh default here, so it can be swapped.
    {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            st.flush();
            st.out = Box::new(std::io::LineWriter::new(std::io::stdout()));
        }
    }

    let t = st.new_table();
    st.register(
        t,
        &[
            ("close", io_close),
            ("flush", io_flush),
            ("input", io_input),
            ("lines", io_lines),
            ("open", io_open),
            ("output", io_output),
            ("popen", io_popen),
            ("read", io_read),
            ("tmpfile", io_tmpfile),
            ("type", io_type),
            ("write", io_write),
        ],
    );
    let stdin = new_handle(st, Stream::new(Stdin, 0, true, false));
    let stdout = new_handle(st, Stream::new(Stdout, 1, false, true));
    let stderr = new_handle(st, Stream::new(Stderr, 2, false, true));
    st.set_field(t, "stdin", stdin);
    st.set_field(t, "stdout", stdout);
    st.set_field(t, "stderr", stderr);
    st.set_field(reg, IO_INPUT, stdin);
    st.set_field(reg, IO_OUTPUT, stdout);
    st.set_global("io", Value::Table(t));
    let loaded = st.loaded;
    st.set_field(loaded, "io", Value::Table(t));
}

/// `l_checkmode`: `[rwa]+?b*`.
fn valid_mode(m: &[u8]) -> bool {
    let mut i = 0;
    if !matches!(m.first(), Some(b'r' | b'w' | b'a')) {
        return false;
    }
    i += 1;
    if m.get(i) == Some(&b'+') {
        i += 1;
    }
    m[i..].iter().all(|&c| c == b'b')
}

/// `fopen`: the stream, or the errno.
fn open_file(name: &[u8], mode: &[u8]) -> Result<Stream, i32> {
    let plus = mode.get(1) == Some(&b'+');
    let (flags, r, w) = match (mode[0], plus) {
        (b'r', false) => (libc::O_RDONLY, true, false),
        (b'r', true) => (libc::O_RDWR, true, true),
        (b'w', false) => (libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC, false, true),
        (b'w', true) => (libc::O_RDWR | libc::O_CREAT | libc::O_TRUNC, true, true),
        (b'a', false) => (libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND, false, true),
        (_, _) => (libc::O_RDWR | libc::O_CREAT | libc::O_APPEND, true, true),
    };
    let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
    let c = std::ffi::CString::new(&name[..end]).map_err(|_| libc::EINVAL)?;
    // SAFETY: valid NUL-terminated path; the mode argument is read only
    // with O_CREAT.
    let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC, 0o666 as libc::c_uint) };
    if fd < 0 {
        return Err(last_errno());
    }
    Ok(Stream::new(File, fd, r, w))
}

/// `open_file`, collecting garbage and retrying once when the process is
/// out of descriptors: handles the program dropped without closing are
/// closed by the collector, and PUC's collector, which counts the C
/// buffers, would have freed them by then.
fn open_file_gc(st: &mut State, name: &[u8], mode: &[u8]) -> Result<Stream, i32> {
    match open_file(name, mode) {
        Err(e) if e == libc::EMFILE || e == libc::ENFILE => {
            st.full_gc();
            open_file(name, mode)
        }
        r => r,
    }
}

fn io_open(st: &mut State, a: Args) -> LuaResult<usize> {
    let name = st.check_str(a, 1)?;
    let mode = match st.opt_str(a, 2)? {
        Some(m) => m.as_bytes().to_vec(),
        None => b"r".to_vec(),
    };
    if !valid_mode(&mode) {
        return Err(st.arg_error(2, "invalid mode"));
    }
    match open_file_gc(st, name.as_bytes(), &mode) {
        Ok(s) => {
            let h = new_handle(st, s);
            st.ret(h)
        }
        Err(e) => Ok(file_result(st, false, Some(name.as_bytes()), e)),
    }
}

/// liolib's `opencheckfile`: open or raise "cannot open file".
fn open_check(st: &mut State, name: &[u8], mode: &[u8]) -> LuaResult<Value> {
    match open_file_gc(st, name, mode) {
        Ok(s) => Ok(new_handle(st, s)),
        Err(e) => Err(st.error(format!(
            "cannot open file '{}' ({})",
            String::from_utf8_lossy(name),
            errno_text(e)
        ))),
    }
}

fn io_tmpfile(st: &mut State, _a: Args) -> LuaResult<usize> {
    let mut buf = *b"/tmp/lua_XXXXXX\0";
    // SAFETY: writable NUL-terminated template.
    let fd = unsafe { libc::mkstemp(buf.as_mut_ptr() as *mut libc::c_char) };
    if fd < 0 {
        let e = last_errno();
        return Ok(file_result(st, false, None, e));
    }
    // SAFETY: the path was just created; unlinking keeps the open file.
    unsafe { libc::unlink(buf.as_ptr() as *const libc::c_char) };
    let h = new_handle(st, Stream::new(File, fd, true, true));
    st.ret(h)
}

fn io_popen(st: &mut State, a: Args) -> LuaResult<usize> {
    let prog = st.check_str(a, 1)?;
    let mode = match st.opt_str(a, 2)? {
        Some(m) => m.as_bytes().to_vec(),
        None => b"r".to_vec(),
    };
    if !matches!(mode.as_slice(), b"r" | b"w") {
        return Err(st.arg_error(2, "invalid mode"));
    }
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::io::IntoRawFd;
    use std::process::{Command, Stdio};
    st.flush();
    flush_all(st);
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(std::ffi::OsStr::from_bytes(prog.as_bytes()));
    let reading = mode[0] == b'r';
    if reading {
        cmd.stdout(Stdio::piped());
    } else {
        cmd.stdin(Stdio::piped());
    }
    match cmd.spawn() {
        Ok(mut child) => {
            let fd = if reading {
                child.stdout.take().map(|p| p.into_raw_fd())
            } else {
                child.stdin.take().map(|p| p.into_raw_fd())
            };
            let fd = fd.unwrap_or(-1);
            let s = Stream::new(Pipe { child }, fd, reading, !reading);
            let h = new_handle(st, s);
            st.ret(h)
        }
        Err(e) => {
            let code = e.raw_os_error().unwrap_or(libc::ENOENT);
            Ok(file_result(st, false, Some(prog.as_bytes()), code))
        }
    }
}

/// `aux_close`: close through the stream's kind.
fn aux_close(st: &mut State, h: &Handle) -> LuaResult<usize> {
    let r = h.borrow_mut().close();
    match r {
        Ok(Closed::Refused) => {
            st.push(Value::Nil);
            let m = st.str_value("cannot close standard file");
            st.push(m);
            Ok(2)
        }
        Ok(Closed::File) => Ok(file_result(st, true, None, 0)),
        Ok(Closed::Pipe(status)) => Ok(exec_result(st, status, 0)),
        Err(e) => Ok(file_result(st, false, None, e)),
    }
}

fn f_close(st: &mut State, a: Args) -> LuaResult<usize> {
    let h = to_file(st, a)?;
    aux_close(st, &h)
}

fn io_close(st: &mut State, a: Args) -> LuaResult<usize> {
    if a.is_none(1) {
        let r = st.registry;
        let out = st.get_field(r, IO_OUTPUT);
        let h = match handle_of(st, out) {
            Some(h) => h,
            None => return Err(st.type_arg_error(a, 1, "FILE*")),
        };
        if h.borrow().is_closed() {
            return Err(st.error("attempt to use a closed file"));
        }
        return aux_close(st, &h);
    }
    f_close(st, a)
}

fn f_gc(st: &mut State, a: Args) -> LuaResult<usize> {
    let v = a.get(st, 1);
    // `luaL_checkudata`, as lua5.4's `f_gc`.
    let Some(h) = handle_of(st, v) else {
        return Err(st.type_arg_error(a, 1, "FILE*"));
    };
    if !h.borrow().is_closed() {
        // The close results are dropped: __gc/__close return nothing.
        let top = st.top();
        aux_close(st, &h)?;
        st.th.stack.truncate(top);
    }
    Ok(0)
}

fn f_tostring(st: &mut State, a: Args) -> LuaResult<usize> {
    let h = check_file(st, a, 1)?;
    let s = if h.borrow().is_closed() {
        "file (closed)".to_string()
    } else {
        format!("file (0x{:x})", a.get(st, 1).heap_addr())
    };
    let v = st.str_value(s);
    st.ret(v)
}

fn io_type(st: &mut State, a: Args) -> LuaResult<usize> {
    let v = st.check_any(a, 1)?;
    let r = match handle_of(st, v) {
        None => Value::Nil,
        Some(h) if h.borrow().is_closed() => st.str_value("closed file"),
        Some(_) => st.str_value("file"),
    };
    st.ret(r)
}

/// `getiofile`: the default input/output stream.
fn get_io_file(st: &mut State, which: &str) -> LuaResult<(Value, Handle)> {
    let r = st.registry;
    let v = st.get_field(r, which);
    match handle_of(st, v) {
        Some(h) if !h.borrow().is_closed() => Ok((v, h)),
        _ => Err(st.error(format!("default {} file is closed", &which["_IO_".len()..]))),
    }
}

/// `g_iofile`: `io.input`/`io.output`.
fn g_iofile(st: &mut State, a: Args, which: &str, mode: &[u8]) -> LuaResult<usize> {
    if !a.is_none_or_nil(st, 1) {
        let v = a.get(st, 1);
        let f = match v {
            Value::Str(_) | Value::Int(_) | Value::Float(_) => {
                let name = st.check_str(a, 1)?;
                open_check(st, name.as_bytes(), mode)?
            }
            _ => {
                to_file(st, a)?;
                v
            }
        };
        let r = st.registry;
        st.set_field(r, which, f);
    }
    let r = st.registry;
    let cur = st.get_field(r, which);
    st.ret(cur)
}

fn io_input(st: &mut State, a: Args) -> LuaResult<usize> {
    g_iofile(st, a, IO_INPUT, b"r")
}

fn io_output(st: &mut State, a: Args) -> LuaResult<usize> {
    g_iofile(st, a, IO_OUTPUT, b"w")
}

// ---------------------------------------------------------------------
// Reading

/// `read_line`, pushing the line as a string. A line that is whole in the
/// read buffer (the common case) becomes a string straight from the
/// buffer, without an intermediate copy.
fn read_line_value(st: &mut State, h: &Handle, keep: bool) -> bool {
    {
        let mut guard = h.borrow_mut();
        let s = &mut guard.port;
        if s.fill() {
            let start = s.rpos;
            if let Some(p) = s.rbuf[start..].iter().position(|&c| c == b'\n') {
                let end = start + p + usize::from(keep);
                s.rpos = start + p + 1;
                let v = st.str_value(&s.rbuf[start..end]);
                st.push(v);
                return true;
            }
        }
    }
    let mut line = Vec::new();
    let ok = h.borrow_mut().port.read_line(keep, &mut line);
    let v = st.str_value(&line);
    st.push(v);
    ok
}

/// `g_read`: read with the formats `fmts` (argument numbers start at
/// `first` for error messages), pushing the results; returns their count.
fn g_read(st: &mut State, h: &Handle, fmts: &[Value], first: usize) -> LuaResult<usize> {
    h.borrow().before_read(st);
    h.borrow_mut().port.error = None;
    let base = st.top();
    let mut success;
    if fmts.is_empty() {
        success = read_line_value(st, h, false);
    } else {
        success = true;
        for (k, &fmt) in fmts.iter().enumerate() {
            if !success {
                break;
            }
            let argn = first + k;
            match fmt {
                Value::Int(_) | Value::Float(_) => {
                    let n = match crate::vm::ops::to_integer(fmt) {
                        Some(n) => n,
                        None => {
                            return Err(st.arg_error(argn, "number has no integer representation"));
                        }
                    };
                    let mut out = Vec::new();
                    if n == 0 {
                        let mut guard = h.borrow_mut();
                        let s = &mut guard.port;
                        let c = s.getc();
                        s.ungetc(c);
                        success = c.is_some();
                    } else {
                        success = h.borrow_mut().port.read_chars(n as u64, &mut out);
                    }
                    let v = st.str_value(&out);
                    st.push(v);
                }
                Value::Str(s) => {
                    let mut p = s.as_bytes();
                    if p.first() == Some(&b'*') {
                        p = &p[1..];
                    }
                    match p.first() {
                        Some(b'n') => {
                            let r = h.borrow_mut().port.read_number();
                            match r {
                                Some(Num::Int(i)) => st.push(Value::Int(i)),
                                Some(Num::Float(f)) => st.push(Value::Float(f)),
                                None => {
                                    st.push(Value::Nil);
                                    success = false;
                                }
                            }
                        }
                        Some(&c @ (b'l' | b'L')) => {
                            success = read_line_value(st, h, c == b'L');
                        }
                        Some(b'a') => {
                            let mut all = Vec::new();
                            h.borrow_mut().port.read_all(&mut all);
                            let v = st.str_value(&all);
                            st.push(v);
                        }
                        _ => return Err(st.arg_error(argn, "invalid format")),
                    }
                }
                _ => {
                    let tn = st.obj_typename(fmt);
                    return Err(st.arg_error(argn, &format!("string expected, got {}", tn)));
                }
            }
        }
    }
    let err = h.borrow().port.error;
    if let Some(e) = err {
        st.th.stack.truncate(base);
        return Ok(file_result(st, false, None, e));
    }
    if !success {
        st.th.stack.pop();
        st.push(Value::Nil);
    }
    Ok(st.top() - base)
}

fn arg_values(st: &State, a: Args, from: usize) -> Vec<Value> {
    (from..=a.n).map(|i| a.get(st, i)).collect()
}

fn f_read(st: &mut State, a: Args) -> LuaResult<usize> {
    let h = to_file(st, a)?;
    let fmts = arg_values(st, a, 2);
    g_read(st, &h, &fmts, 2)
}

fn io_read(st: &mut State, a: Args) -> LuaResult<usize> {
    let (_, h) = get_io_file(st, IO_INPUT)?;
    let fmts = arg_values(st, a, 1);
    g_read(st, &h, &fmts, 1)
}

/// liolib's MAXARGLINE.
const MAX_ARG_LINE: usize = 250;

/// `aux_lines`: the iterator closure over `file` with the formats.
fn aux_lines(st: &mut State, file: Value, fmts: Vec<Value>, to_close: bool) -> LuaResult<Value> {
    if fmts.len() > MAX_ARG_LINE {
        return Err(st.arg_error(MAX_ARG_LINE + 2, "too many arguments"));
    }
    let mut ups = vec![file, Value::Bool(to_close)];
    ups.extend(fmts);
    Ok(st.new_native_kind("for iterator", io_readline, NativeKind::Plain, ups))
}

fn io_readline(st: &mut State, _a: Args) -> LuaResult<usize> {
    // Upvalues: the file, the close-at-end flag, then the formats.
    let (file, to_close, fmts): (Value, bool, Vec<Value>) =
        match st.th.frames.last().map(|f| f.func_fn) {
            Some(FrameFn::Native(nf)) => {
                let ups = nf.upvalues.borrow();
                (
                    ups.first().copied().unwrap_or(Value::Nil),
                    ups.get(1).is_some_and(|v| v.truthy()),
                    ups.get(2..).map(|f| f.to_vec()).unwrap_or_default(),
                )
            }
            _ => (Value::Nil, false, Vec::new()),
        };
    let Some(h) = handle_of(st, file) else {
        return Ok(0);
    };
    if h.borrow().is_closed() {
        return Err(st.error("file is already closed"));
    }
    let fmts = &fmts[..];
    let base = st.top();
    let n = g_read(st, &h, fmts, 2)?;
    if st.th.stack[base].truthy() {
        return Ok(n);
    }
    if n > 1 {
        let msg = st.th.stack[base + 1];
        let m = match msg {
            Value::Str(s) => s.to_str_lossy().into_owned(),
            _ => String::new(),
        };
        return Err(st.error(m));
    }
    st.th.stack.truncate(base);
    if to_close {
        aux_close(st, &h)?;
        st.th.stack.truncate(base);
    }
    Ok(0)
}

fn f_lines(st: &mut State, a: Args) -> LuaResult<usize> {
    to_file(st, a)?;
    let file = a.get(st, 1);
    let fmts = arg_values(st, a, 2);
    let f = aux_lines(st, file, fmts, false)?;
    st.ret(f)
}

fn io_lines(st: &mut State, a: Args) -> LuaResult<usize> {
    let fmts = arg_values(st, a, 2);
    if a.is_none_or_nil(st, 1) {
        let (file, _) = match get_io_file(st, IO_INPUT) {
            Ok(x) => x,
            Err(_) => return Err(st.error("attempt to use a closed file")),
        };
        let f = aux_lines(st, file, fmts, false)?;
        return st.ret(f);
    }
    let name = st.check_str(a, 1)?;
    let file = open_check(st, name.as_bytes(), b"r")?;
    // The file is rooted on the stack while the iterator is made.
    st.push(file);
    let f = aux_lines(st, file, fmts, true)?;
    st.th.stack.pop();
    st.push(f);
    st.push(Value::Nil);
    st.push(Value::Nil);
    st.push(file);
    Ok(4)
}

// ---------------------------------------------------------------------
// Writing

/// `g_write`: write the arguments from `from` on; returns the error
/// results or pushes `file`.
fn g_write(st: &mut State, h: &Handle, file: Value, a: Args, from: usize) -> LuaResult<usize> {
    let mut status: Result<(), i32> = Ok(());
    for i in from..=a.n {
        let v = a.get(st, i);
        let bytes: Vec<u8> = match v {
            Value::Int(n) => number::fmt_int(n).into_bytes(),
            Value::Float(f) => fmt_g14(f).into_bytes(),
            _ => st.check_str(a, i)?.as_bytes().to_vec(),
        };
        if status.is_ok() {
            status = h.borrow_mut().write(st, &bytes);
        }
    }
    match status {
        Ok(()) => st.ret(file),
        Err(e) => Ok(file_result(st, false, None, e)),
    }
}

fn f_write(st: &mut State, a: Args) -> LuaResult<usize> {
    let h = to_file(st, a)?;
    let f = a.get(st, 1);
    g_write(st, &h, f, a, 2)
}

fn io_write(st: &mut State, a: Args) -> LuaResult<usize> {
    let (f, h) = get_io_file(st, IO_OUTPUT)?;
    g_write(st, &h, f, a, 1)
}

fn flush_handle(st: &mut State, h: &Handle) -> usize {
    let r = h.borrow_mut().flush(st);
    file_result(st, r.is_ok(), None, r.err().unwrap_or(0))
}

fn f_flush(st: &mut State, a: Args) -> LuaResult<usize> {
    let h = to_file(st, a)?;
    Ok(flush_handle(st, &h))
}

fn io_flush(st: &mut State, _a: Args) -> LuaResult<usize> {
    let (_, h) = get_io_file(st, IO_OUTPUT)?;
    Ok(flush_handle(st, &h))
}

fn f_seek(st: &mut State, a: Args) -> LuaResult<usize> {
    let h = to_file(st, a)?;
    let op = st.check_option(a, 2, Some("cur"), &["set", "cur", "end"])?;
    let off = st.opt_int(a, 3, 0)?;
    let whence = [libc::SEEK_SET, libc::SEEK_CUR, libc::SEEK_END][op];
    let r = h.borrow_mut().seek(st, off, whence);
    match r {
        Ok(p) => st.ret(Value::Int(p)),
        Err(e) => Ok(file_result(st, false, None, e)),
    }
}

fn f_setvbuf(st: &mut State, a: Args) -> LuaResult<usize> {
    let h = to_file(st, a)?;
    let op = st.check_option(a, 2, None, &["no", "full", "line"])?;
    st.opt_int(a, 3, BUFSIZE as i64)?;
    let mode = [VBuf::No, VBuf::Full, VBuf::Line][op];
    let r = h.borrow_mut().set_vbuf(st, mode);
    Ok(file_result(st, r.is_ok(), None, r.err().unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::valid_mode;

    #[test]
    fn modes_as_liolib() {
        for m in ["r", "w", "a", "r+", "w+", "a+", "rb", "r+b", "wbb"] {
            assert!(valid_mode(m.as_bytes()), "{m}");
        }
        for m in ["", "x", "rw", "r+r", "b", "+", "rz", "r++"] {
            assert!(!valid_mode(m.as_bytes()), "{m}");
        }
    }
}
