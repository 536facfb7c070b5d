//! Finding corpus cases on disk and reading/writing their expectation files.
//!
//! A case is `corpus/<area>/<name>.lua`. Next to it live `<name>.stdout`
//! (always, possibly empty), `<name>.stderr` (only when lua5.4 wrote to
//! stderr) and `<name>.status` (only when the exit status was not 0), plus an
//! optional `<name>.stdin` fed to the program. Directives in comment lines at
//! the top of the file (`-- corpus: skip-stress`, `-- corpus: args a b`,
//! `-- corpus: timeout 15`) adjust how the case is run.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::compare::{Expected, Observed};

/// One Lua program of the corpus.
#[derive(Debug, Clone)]
pub struct Case {
    /// Path relative to the corpus root with `/` separators, e.g.
    /// `arith/idiv.lua`: the case's name in reports and KNOWN_FAILURES.
    pub rel: String,
    /// First path component of `rel`.
    pub area: String,
    /// Directory holding the case: the working directory it runs in.
    pub dir: PathBuf,
    /// File name, e.g. `idiv.lua`: the script argument, hence the chunkname.
    pub file: String,
    /// File name without `.lua`, the stem of the expectation files.
    pub stem: String,
    /// Command-line arguments after the script name (`-- corpus: args`).
    pub args: Vec<String>,
    /// `-- corpus: skip-stress`: too heavy to collect at every safepoint.
    pub skip_stress: bool,
    /// `-- corpus: timeout <seconds>`: a tighter time limit than the
    /// runner's, for a case whose known failure is a hang.
    pub timeout: Option<std::time::Duration>,
    /// Contents of `<stem>.stdin`, if that file exists.
    pub stdin: Option<Vec<u8>>,
}

/// The corpus root: `tests/corpus` in the source tree.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Every case under `root`, sorted by relative path, keeping those whose
/// relative path contains `filter` when one is given.
pub fn discover(root: &Path, filter: Option<&str>) -> io::Result<Vec<Case>> {
    let mut cases = Vec::new();
    let mut areas: Vec<_> = fs::read_dir(root)?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    areas.sort_by_key(|e| e.file_name());
    for area in areas {
        let area_name = area.file_name().to_string_lossy().into_owned();
        let mut files: Vec<_> = fs::read_dir(area.path())?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "lua"))
            .collect();
        files.sort();
        for path in files {
            let file = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let rel = format!("{area_name}/{file}");
            if filter.is_some_and(|f| !rel.contains(f)) {
                continue;
            }
            cases.push(load_case(&path, area_name.clone(), rel, file)?);
        }
    }
    Ok(cases)
}

fn load_case(path: &Path, area: String, rel: String, file: String) -> io::Result<Case> {
    let source = fs::read(path)?;
    let stem = file.trim_end_matches(".lua").to_string();
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut args = Vec::new();
    let mut skip_stress = false;
    let mut timeout = None;
    // Directives are only looked for in the leading comment block, so a
    // string literal further down cannot switch one on by accident.
    for line in String::from_utf8_lossy(&source).lines() {
        let Some(comment) = line.strip_prefix("--") else {
            break;
        };
        let Some(directive) = comment.trim().strip_prefix("corpus:") else {
            continue;
        };
        let directive = directive.trim();
        if directive.starts_with("skip-stress") {
            skip_stress = true;
        } else if let Some(rest) = directive.strip_prefix("timeout") {
            timeout = rest
                .split_whitespace()
                .next()
                .and_then(|t| t.parse::<f64>().ok())
                .filter(|t| *t > 0.0)
                .map(std::time::Duration::from_secs_f64);
        } else if let Some(rest) = directive.strip_prefix("args") {
            args.extend(rest.split_whitespace().map(str::to_string));
        }
    }
    let stdin = fs::read(dir.join(format!("{stem}.stdin"))).ok();
    Ok(Case {
        rel,
        area,
        dir,
        file,
        stem,
        args,
        skip_stress,
        timeout,
        stdin,
    })
}

impl Case {
    fn sibling(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", self.stem))
    }

    /// The stored expectation. A missing `.stdout` is an error (the case was
    /// never generated); missing `.stderr`/`.status` mean empty and 0.
    pub fn expected(&self) -> io::Result<Expected> {
        let stdout = fs::read(self.sibling("stdout"))?;
        let stderr = fs::read(self.sibling("stderr")).unwrap_or_default();
        let status = match fs::read_to_string(self.sibling("status")) {
            Ok(text) => text.trim().parse().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("bad status file for {}", self.rel),
                )
            })?,
            Err(_) => 0,
        };
        Ok(Expected {
            stdout,
            stderr,
            status,
        })
    }

    /// Store what lua5.4 did as this case's expectation, removing the
    /// optional files when they would be empty.
    pub fn write_expected(&self, observed: &Observed) -> io::Result<()> {
        fs::write(self.sibling("stdout"), &observed.stdout)?;
        write_or_remove(&self.sibling("stderr"), &observed.stderr)?;
        let status = observed.status.unwrap_or(-1);
        let text = if status == 0 {
            Vec::new()
        } else {
            format!("{status}\n").into_bytes()
        };
        write_or_remove(&self.sibling("status"), &text)
    }
}

fn write_or_remove(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if bytes.is_empty() {
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    } else {
        fs::write(path, bytes)
    }
}
