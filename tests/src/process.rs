//! Running one program as a child process with a time and output limit.
//!
//! Output goes to anonymous temporary files rather than pipes: a program that
//! starts a grandchild (`io.popen`, `os.execute`) and is then killed could
//! keep a pipe open forever, while a file is simply read back once the
//! child is gone. The size of those files is polled with the exit status, so
//! a runaway `print` loop is stopped long before it fills the disk.

use std::io::{Read, Seek, SeekFrom, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

use crate::compare::Observed;

/// Environment variables that would change what lua5.4 or luna do at start-up
/// (`LUA_INIT` runs code, the paths change `require`), removed from every child
/// so the corpus does not depend on the developer's shell.
pub const SCRUBBED_ENV: &[&str] = &[
    "LUA_INIT",
    "LUA_INIT_5_4",
    "LUA_PATH",
    "LUA_PATH_5_4",
    "LUA_CPATH",
    "LUA_CPATH_5_4",
    "LUNA_EXECUTOR",
    "LUNA_GC_STRESS",
];

/// A child writing more than this to stdout or stderr is killed.
pub const OUTPUT_LIMIT: u64 = 16 << 20;

/// Time limit for one child: `LUNA_CORPUS_TIMEOUT` seconds, 60 by default
/// (generous because the corpus also runs on unoptimised debug builds).
pub fn timeout() -> Duration {
    let secs = std::env::var("LUNA_CORPUS_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .unwrap_or(60.0);
    Duration::from_secs_f64(secs)
}

/// A command for `program` with the [`SCRUBBED_ENV`] variables removed and
/// `TZ=UTC`, `LC_ALL=C` set; the caller adds its arguments and any variable
/// it does want set. Unless [`memory_limit_mb`] is 0 the program runs under
/// `ulimit -v` (through `/bin/sh`, which `exec`s it): the machine is shared,
/// and an interpreter bug that allocates without end must end in an
/// allocation failure of one child, not in the kernel's OOM killer picking a
/// victim.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let limit = memory_limit_mb();
    let sh = std::path::Path::new("/bin/sh");
    let mut cmd = if limit > 0 && sh.exists() {
        let mut cmd = Command::new(sh);
        // `sh -c script $0 $1...`: the program is $0, the arguments the
        // caller appends become "$@".
        cmd.arg("-c")
            .arg(format!(
                "ulimit -v {} 2>/dev/null; exec \"$0\" \"$@\"",
                limit * 1024
            ))
            .arg(program.as_ref());
        cmd
    } else {
        Command::new(program)
    };
    for var in SCRUBBED_ENV {
        cmd.env_remove(var);
    }
    // Local-time results (os.date, os.time of a table) must not depend on
    // where the tests run; the C locale keeps lua5.4's strftime stable.
    cmd.env("TZ", "UTC").env("LC_ALL", "C");
    cmd
}

/// Address-space limit for every child in MiB: `LUNA_CORPUS_MEMORY_MB`,
/// 4096 by default, 0 for none (valgrind needs none).
pub fn memory_limit_mb() -> u64 {
    std::env::var("LUNA_CORPUS_MEMORY_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4096)
}

/// Run `cmd` to completion (or until `limit`), feeding it `stdin`, and
/// collect what it wrote. `status` is `None` when it was killed or died by
/// a signal.
pub fn run(mut cmd: Command, stdin: Option<&[u8]>, limit: Duration) -> std::io::Result<Observed> {
    let mut out = tempfile::tempfile()?;
    let mut err = tempfile::tempfile()?;
    cmd.stdout(Stdio::from(out.try_clone()?));
    cmd.stderr(Stdio::from(err.try_clone()?));
    match stdin {
        Some(bytes) => {
            let mut input = tempfile::tempfile()?;
            input.write_all(bytes)?;
            input.seek(SeekFrom::Start(0))?;
            cmd.stdin(Stdio::from(input));
        }
        None => {
            cmd.stdin(Stdio::null());
        }
    }
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    // Our own copies of the stdio handles went into `cmd`; drop it so the
    // files are only held by the child and by `out`/`err`.
    drop(cmd);
    let mut timed_out = false;
    let status = loop {
        // Returns as soon as the child exits; every 20 ms the output size
        // and the time limit are checked.
        if let Some(status) = child.wait_timeout(Duration::from_millis(20))? {
            break status.code();
        }
        let too_big = out.metadata()?.len() > OUTPUT_LIMIT || err.metadata()?.len() > OUTPUT_LIMIT;
        if too_big || start.elapsed() > limit {
            timed_out = true;
            // The child may exit between the wait and kill: not an error.
            let _ = child.kill();
            child.wait()?;
            break None;
        }
    };
    Ok(Observed {
        stdout: read_back(&mut out)?,
        stderr: read_back(&mut err)?,
        status,
        timed_out,
    })
}

fn read_back(file: &mut std::fs::File) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.take(OUTPUT_LIMIT).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Whether the oracle `tool` (`lua5.4`, `luac5.4`) can be run. A test that
/// compares with it and finds it missing skips with a printed note, except
/// in CI (`CI=true`): there a missing oracle would let the test pass
/// without checking anything, so this panics instead.
pub fn oracle_available(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed and CI=true: the oracle comparison must run in CI"
        );
        eprintln!("{tool} is not installed: comparison with it skipped");
    }
    ok
}
