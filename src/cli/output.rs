//! The one way a command's results leave dvrole: standard output or an `-o` file, every write
//! checked. A failed write is an [`Error::Write`] (exit 2, one line); a pipe whose reader has
//! gone (`dvrole audit big.zip | head`) is one too, which `main.rs` ends quietly with exit 0.
//!
//! Diagnostics (notes, warnings, the error line) go to standard error through
//! [`diagnostic`], which never panics.

use std::fmt;
use std::io::{self, BufWriter, StdoutLock, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{console, write_file};
use crate::error::{Error, Result};
use crate::package::commit;

/// How [`Error::Write`] names standard output.
const STDOUT: &str = "standard output";

/// The size from which [`Output`] writes a block to standard output directly.
const DIRECT: usize = 16 * 1024;

/// Where a command's results go. Write with `write!`/`writeln!` (which return [`Result`]
/// here), [`Output::text`], [`Output::json`], or as an [`io::Write`]; then call
/// [`Output::finish`], which reports what the last writes did.
pub struct Output {
    sink: Sink,
}

enum Sink {
    /// Standard output, buffered: a large audit yields many lines.
    Stdout(BufWriter<Stdout>),
    /// Standard output under `-q/--quiet`: nothing is printed.
    Discard,
    /// The bytes of an `-o` file, written atomically by [`Output::finish`], so a failed run
    /// leaves the old file as it was; `default_name` is the file's name when `path` names a
    /// folder.
    File {
        path: PathBuf,
        default_name: String,
        bytes: Vec<u8>,
    },
}

impl Output {
    /// Standard output (nothing under `-q/--quiet`).
    pub fn stdout() -> Output {
        let sink = if console::quiet() {
            Sink::Discard
        } else {
            Sink::Stdout(BufWriter::with_capacity(64 * 1024, Stdout::open()))
        };
        Output { sink }
    }

    /// Standard output, whatever `-q/--quiet` says: for `-o -`, where the document itself
    /// was asked for.
    pub fn stdout_asked() -> Output {
        Output {
            sink: Sink::Stdout(BufWriter::with_capacity(64 * 1024, Stdout::open())),
        }
    }

    /// The file `-o PATH` names when there is one (`default_name` inside it when it names a
    /// folder), standard output otherwise; `-o -` is standard output too (see
    /// [`Output::stdout_asked`]).
    pub fn to(path: Option<&Path>, default_name: &str) -> Output {
        match path {
            Some(path) if commit::is_stdout(path) => Output::stdout_asked(),
            Some(path) => Output {
                sink: Sink::File {
                    path: path.to_path_buf(),
                    default_name: default_name.to_string(),
                    bytes: Vec::new(),
                },
            },
            None => Output::stdout(),
        }
    }

    /// What `write!` and `writeln!` call: formats into the output, naming the output in the
    /// error when the write fails.
    pub fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> Result<()> {
        io::Write::write_fmt(self, args).map_err(|e| self.error(e))
    }

    /// Writes `text` as it is.
    pub fn text(&mut self, text: &str) -> Result<()> {
        self.write_all(text.as_bytes()).map_err(|e| self.error(e))
    }

    /// Writes `value` as pretty-printed JSON (two-space indents) and a line end.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer_pretty(&mut *self, value).map_err(|e| self.json_error(e))?;
        self.text("\n")
    }

    /// The error for a failed write to this output.
    pub fn error(&self, source: io::Error) -> Error {
        let target = match &self.sink {
            Sink::Stdout(_) | Sink::Discard => STDOUT.to_string(),
            Sink::File { path, .. } => path.display().to_string(),
        };
        Error::Write { target, source }
    }

    /// The error for JSON that could not be written: a failed write, or (a bug) a value
    /// serde cannot represent.
    pub fn json_error(&self, e: serde_json::Error) -> Error {
        if e.is_io() {
            self.error(e.into())
        } else {
            Error::Internal(format!("cannot write JSON: {e}"))
        }
    }

    /// Sends what is buffered on its way: flushes standard output, or writes the file
    /// atomically (creating the folders it needs) and returns its path. Until this returns `Ok`,
    /// nothing may be taken as written.
    pub fn finish(self) -> Result<Option<PathBuf>> {
        match self.sink {
            Sink::Stdout(mut out) => match out.flush() {
                Ok(()) => Ok(None),
                Err(source) => Err(Error::Write {
                    target: STDOUT.to_string(),
                    source,
                }),
            },
            Sink::Discard => Ok(None),
            Sink::File {
                path,
                default_name,
                bytes,
            } => write_file(&path, &default_name, &bytes).map(Some),
        }
    }
}

impl Write for Output {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(out) => out.write(buf),
            Sink::Discard => Ok(buf.len()),
            Sink::File { bytes, .. } => bytes.write(buf),
        }
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            // A large block (a whole role of `audit --json`) goes to the descriptor after what
            // is buffered, rather than being copied into the buffer first.
            Sink::Stdout(out) if buf.len() >= DIRECT => {
                out.flush()?;
                out.get_mut().write_all(buf)
            }
            Sink::Stdout(out) => out.write_all(buf),
            Sink::Discard => Ok(()),
            Sink::File { bytes, .. } => bytes.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(out) => out.flush(),
            Sink::Discard | Sink::File { .. } => Ok(()),
        }
    }
}

/// Standard output under [`Output`]'s buffer. std's handle is line-buffered: it searches
/// each write for its last newline, which for a large `audit --json` costs a tenth of the
/// writing thread's instructions and buys nothing behind a buffer that passes on whole
/// blocks. So on Unix this writes to a duplicate of file descriptor 1 (dvrole writes
/// standard output through [`Output`] alone, so nothing interleaves); elsewhere, or when no
/// duplicate can be made (standard output closed), std's handle, as before.
pub enum Stdout {
    Duplicate(std::fs::File),
    Std(StdoutLock<'static>),
}

impl Stdout {
    pub fn open() -> Stdout {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            if let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() {
                return Stdout::Duplicate(std::fs::File::from(fd));
            }
        }
        Stdout::Std(io::stdout().lock())
    }
}

impl Write for Stdout {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stdout::Duplicate(file) => file.write(buf),
            Stdout::Std(lock) => lock.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stdout::Duplicate(file) => file.flush(),
            Stdout::Std(lock) => lock.flush(),
        }
    }
}

pub use super::console::stderr_line as diagnostic;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_output_writes_nothing_until_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let mut out = Output::to(Some(&path), "out.txt");
        writeln!(out, "one {}", 1).unwrap();
        out.json(&[1, 2]).unwrap();
        assert!(!path.exists());
        out.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "one 1\n[\n  1,\n  2\n]\n"
        );
    }

    #[test]
    fn write_errors_name_the_output_and_a_closed_pipe_is_told_apart() {
        let out = Output::stdout();
        let full = out.error(io::Error::from_raw_os_error(28));
        assert!(full
            .to_string()
            .starts_with("writing standard output: No space left on device"));
        assert!(!full.is_closed_pipe());
        assert!(out
            .error(io::Error::from(io::ErrorKind::BrokenPipe))
            .is_closed_pipe());
    }
}
