//! Opening inputs: each exactly once, and never in a way that can wait forever.
//!
//! [`open`] looks at what a path names before opening it, opens it without blocking, then
//! checks again on the open descriptor (so a path swapped in between is still seen for
//! what it is):
//!
//! - a regular file or a folder is opened as it is;
//! - a pipe (`-`'s `/dev/stdin`, a process substitution `<(...)`, a FIFO) is accepted only
//!   where the caller allows streams ([`Accept::Streams`]); a FIFO with no writer then reads
//!   as empty instead of waiting for one;
//! - a device node (`/dev/zero`, a terminal) or a socket is refused before a byte is read.
//!
//! A stream can be read once only, so [`Source::into_seekable`] copies it, capped, into an
//! anonymous temporary file (one with no name, gone when closed), and every later read
//! (type detection, parsing, positions for messages) reads that copy. [`read_capped`] is
//! the whole-file read for small inputs such as configs and catalogues. Either way a stream
//! whose writer holds it open and sends nothing is given up on after the stream timeout
//! ([`set_stream_timeout`]), so no run waits for ever.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The stream timeout in milliseconds; 0 waits for ever.
static STREAM_TIMEOUT_MS: AtomicU64 = AtomicU64::new(60_000);

/// What `-` opens: standard input, where the system names it with a path (elsewhere `-` is
/// a file of that name).
#[cfg(unix)]
const STDIN: Option<&str> = Some("/dev/stdin");
#[cfg(not(unix))]
const STDIN: Option<&str> = None;

/// Sets how long a stream may send nothing before a read of it gives up
/// ([`OpenError::Idle`]); `None` waits for ever. Set once, from `--stream-timeout`.
pub fn set_stream_timeout(timeout: Option<Duration>) {
    let ms = timeout.map_or(0, |t| {
        u64::try_from(t.as_millis()).unwrap_or(u64::MAX).max(1)
    });
    STREAM_TIMEOUT_MS.store(ms, Ordering::Relaxed);
}

/// The stream timeout in force; `None` waits for ever.
pub fn stream_timeout() -> Option<Duration> {
    match STREAM_TIMEOUT_MS.load(Ordering::Relaxed) {
        0 => None,
        ms => Some(Duration::from_millis(ms)),
    }
}

/// What a caller accepts besides regular files and folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Only regular files and folders: what is met inside a folder.
    Files,
    /// Pipes and FIFOs too: what a user names on the command line.
    Streams,
}

/// What an opened path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A regular file: seekable, with a length.
    Regular,
    /// A pipe or FIFO: readable once, front to back.
    Stream,
    /// A folder.
    Folder,
}

/// Why a path could not be opened as an input.
#[derive(Debug)]
pub enum OpenError {
    /// Nothing is there.
    NotFound,
    /// Something is there that dvrole never reads: `a character device`, `a socket`, ...
    Refused(&'static str),
    /// The system refused the open or the read.
    Io(io::Error),
    /// More bytes than the cap allow.
    TooLarge(u64),
    /// A stream sent nothing for this long while its writer held it open.
    Idle(Duration),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::NotFound => write!(f, "does not exist"),
            OpenError::Refused(kind) => write!(
                f,
                "is {kind}, which dvrole does not read; give a regular file (or pipe one in)"
            ),
            OpenError::Io(e) => write!(f, "{}", io::Error::from(e.kind())),
            OpenError::TooLarge(max) => write!(f, "is larger than the {max}-byte limit"),
            OpenError::Idle(after) => write!(
                f,
                "is a pipe that sent nothing for {} s, so dvrole stopped waiting; pipe the input in when it is ready, or give --stream-timeout SECONDS (0 waits for ever)",
                after.as_secs()
            ),
        }
    }
}

impl From<io::Error> for OpenError {
    fn from(e: io::Error) -> Self {
        if let Some(idle) = e.get_ref().and_then(|i| i.downcast_ref::<IdleStream>()) {
            return OpenError::Idle(idle.0);
        }
        match e.kind() {
            io::ErrorKind::NotFound => OpenError::NotFound,
            _ => OpenError::Io(e),
        }
    }
}

/// An opened input.
#[derive(Debug)]
pub struct Source {
    /// The open descriptor (for a folder, the folder itself).
    pub file: File,
    /// What it is.
    pub kind: SourceKind,
}

/// What `meta` describes when it is neither a regular file, a folder nor a pipe.
fn refused_kind(meta: &fs::Metadata) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    let t = meta.file_type();
    (!t.is_file() && !t.is_dir() && !is_fifo(meta)).then_some("not a regular file")
}

fn is_fifo(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        meta.file_type().is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

fn kind_of(meta: &fs::Metadata, accept: Accept) -> Result<SourceKind, OpenError> {
    if let Some(kind) = refused_kind(meta) {
        return Err(OpenError::Refused(kind));
    }
    if meta.is_dir() {
        return Ok(SourceKind::Folder);
    }
    if is_fifo(meta) {
        return match accept {
            Accept::Streams => Ok(SourceKind::Stream),
            Accept::Files => Err(OpenError::Refused("a FIFO (named pipe)")),
        };
    }
    Ok(SourceKind::Regular)
}

/// Opens `path` for reading without waiting on it (symbolic links are followed). Where
/// streams are accepted, `-` is standard input (`./-` is a file of that name).
pub fn open(path: &Path, accept: Accept) -> Result<Source, OpenError> {
    let path = match (accept, STDIN) {
        (Accept::Streams, Some(stdin)) if path.as_os_str() == "-" => Path::new(stdin),
        _ => path,
    };
    let before = fs::metadata(path)?;
    kind_of(&before, accept)?;
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    let kind = kind_of(&meta, accept)?;
    // A stream stays non-blocking: its reads wait in `Patient`, which tells a pipe with no
    // writer (it ends) from one whose writer sends nothing (it times out).
    if kind == SourceKind::Regular {
        set_blocking(&file)?;
    }
    Ok(Source { file, kind })
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Clears `O_NONBLOCK` again, so reads of a file or of a pipe with a writer wait for data
/// as usual (a FIFO whose writer is gone reads as ended, never as waiting).
#[cfg(unix)]
fn set_blocking(file: &File) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is an open descriptor owned by `file` for the duration of both calls;
    // F_GETFL and F_SETFL read and set only its status flags.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    let rc = unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_blocking(_file: &File) -> io::Result<()> {
    Ok(())
}

impl Source {
    /// The input as a seekable file, each byte read from the original once: a regular file
    /// as it is; a stream copied into an anonymous temporary file, refused past `max` bytes.
    pub fn into_seekable(self, max: u64) -> Result<File, OpenError> {
        match self.kind {
            SourceKind::Regular => Ok(self.file),
            SourceKind::Folder => Err(OpenError::Refused("a folder")),
            SourceKind::Stream => {
                let mut copy = tempfile::tempfile()?;
                let mut stream = Patient::new(&self.file).take(max.saturating_add(1));
                let n = io::copy(&mut stream, &mut copy)?;
                if n > max {
                    return Err(OpenError::TooLarge(max));
                }
                copy.seek(SeekFrom::Start(0))?;
                Ok(copy)
            }
        }
    }
}

/// Reads the whole file or stream at `path`, refusing one of more than `max` bytes; at most
/// `max + 1` bytes are ever read, and a device or socket is refused unopened.
///
/// `/dev/null` is the one device read: it is the usual way to say "an empty file"
/// (`--config /dev/null`), and it yields nothing at once.
pub fn read_capped(path: &Path, max: u64, accept: Accept) -> Result<Vec<u8>, OpenError> {
    if is_dev_null(path) {
        return Ok(Vec::new());
    }
    let source = open(path, accept)?;
    if source.kind == SourceKind::Folder {
        return Err(OpenError::Refused("a folder"));
    }
    let mut bytes = Vec::new();
    match source.kind {
        SourceKind::Stream => Patient::new(&source.file)
            .take(max.saturating_add(1))
            .read_to_end(&mut bytes)?,
        _ => (&source.file)
            .take(max.saturating_add(1))
            .read_to_end(&mut bytes)?,
    };
    if bytes.len() as u64 > max {
        return Err(OpenError::TooLarge(max));
    }
    Ok(bytes)
}

/// The error inside an [`io::Error`] when a stream sent nothing for the timeout.
#[derive(Debug)]
struct IdleStream(Duration);

impl fmt::Display for IdleStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sent nothing for {} s", self.0.as_secs())
    }
}

impl std::error::Error for IdleStream {}

/// A stream read that waits for data at most the stream timeout before each read.
struct Patient<'a> {
    file: &'a File,
    timeout: Option<Duration>,
}

impl<'a> Patient<'a> {
    fn new(file: &'a File) -> Patient<'a> {
        Patient {
            file,
            timeout: stream_timeout(),
        }
    }
}

impl Read for Patient<'_> {
    /// Reads the non-blocking stream: what is there, the end (0) once no writer holds it,
    /// or, while a writer holds it and sends nothing, a wait of at most the timeout.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match (&*self.file).read(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    wait_readable(self.file, self.timeout)?
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                done => return done,
            }
        }
    }
}

/// Waits until `file` has data or its writer is gone, at most `timeout` (`None`: for ever).
#[cfg(unix)]
fn wait_readable(file: &File, timeout: Option<Duration>) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    use std::time::Instant;
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let ms = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                libc::c_int::try_from(left.as_millis()).unwrap_or(libc::c_int::MAX)
            }
        };
        let mut fd = libc::pollfd {
            fd: file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `fd` points to one initialised pollfd that lives across the call, and the
        // descriptor is owned by `file` for its duration.
        let rc = unsafe { libc::poll(&mut fd, 1, ms) };
        match rc {
            // Readable, ended (POLLHUP) or failed: the read that follows says which.
            1.. => return Ok(()),
            0 if deadline.is_some_and(|d| Instant::now() >= d) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    IdleStream(timeout.unwrap_or_default()),
                ))
            }
            0 => continue,
            _ => {
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
}

#[cfg(not(unix))]
fn wait_readable(_file: &File, _timeout: Option<Duration>) -> io::Result<()> {
    Ok(())
}

/// Whether `path` names the null device.
fn is_dev_null(path: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        fs::metadata(path)
            .is_ok_and(|m| m.file_type().is_char_device() && m.rdev() == libc::makedev(1, 3))
    }
    #[cfg(not(target_os = "linux"))]
    {
        path == Path::new("/dev/null")
    }
}

/// A reader over a shared open file that keeps its own position, so several readers (the
/// type sniff, the parse, the positions for a message) read one descriptor independently.
#[derive(Debug)]
pub struct ReadAt {
    file: std::sync::Arc<File>,
    pos: u64,
}

impl ReadAt {
    /// A reader at the start of `file`.
    pub fn new(file: std::sync::Arc<File>) -> ReadAt {
        ReadAt { file, pos: 0 }
    }
}

impl Read for ReadAt {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = {
            use std::os::unix::fs::FileExt;
            self.file.read_at(buf, self.pos)?
        };
        #[cfg(not(unix))]
        let n = {
            let mut f = &*self.file;
            f.seek(SeekFrom::Start(self.pos))?;
            f.read(buf)?
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for ReadAt {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let base = match to {
            SeekFrom::Start(n) => {
                self.pos = n;
                return Ok(n);
            }
            SeekFrom::End(d) => (self.file.metadata()?.len(), d),
            SeekFrom::Current(d) => (self.pos, d),
        };
        let (from, delta) = base;
        self.pos = from
            .checked_add_signed(delta)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_refused_unread_but_the_null_device_reads_empty() {
        let err = read_capped(Path::new("/dev/zero"), 10, Accept::Streams).unwrap_err();
        assert!(err.to_string().contains("character device"), "{err}");
        assert!(read_capped(Path::new("/dev/null"), 10, Accept::Streams)
            .unwrap()
            .is_empty());
    }

    #[cfg(unix)]
    #[cfg(unix)]
    #[test]
    fn a_pipe_whose_writer_sends_nothing_times_out_and_one_that_ends_does_not() {
        use std::io::Write;
        use std::os::unix::io::FromRawFd;
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe() writes.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: pipe() just returned these descriptors, owned by nothing else.
        let (read_end, mut write_end) =
            unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) };
        // SAFETY: `fds[0]` is open; F_SETFL sets only its status flags.
        assert_eq!(
            unsafe { libc::fcntl(fds[0], libc::F_SETFL, libc::O_NONBLOCK) },
            0
        );
        let mut patient = Patient {
            file: &read_end,
            timeout: Some(Duration::from_millis(100)),
        };
        let started = std::time::Instant::now();
        let err = patient.read(&mut [0; 8]).unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(100));
        assert!(matches!(OpenError::from(err), OpenError::Idle(_)));
        write_end.write_all(b"late").unwrap();
        let mut buf = [0; 8];
        assert_eq!(patient.read(&mut buf).unwrap(), 4);
        drop(write_end);
        assert_eq!(patient.read(&mut buf).unwrap(), 0, "ended, not timed out");
    }

    #[test]
    fn a_fifo_without_a_writer_reads_as_empty_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let bytes = read_capped(&fifo, 10, Accept::Streams).unwrap();
        assert!(bytes.is_empty());
        let err = open(&fifo, Accept::Files).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
    }

    #[test]
    fn streams_are_copied_once_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a");
        fs::write(&f, b"hello").unwrap();
        let source = open(&f, Accept::Files).unwrap();
        assert_eq!(source.kind, SourceKind::Regular);
        let file = std::sync::Arc::new(source.into_seekable(5).unwrap());
        let mut a = String::new();
        ReadAt::new(file.clone()).read_to_string(&mut a).unwrap();
        let mut b = String::new();
        ReadAt::new(file).read_to_string(&mut b).unwrap();
        assert_eq!((a.as_str(), b.as_str()), ("hello", "hello"));
        assert!(matches!(
            read_capped(&f, 4, Accept::Files),
            Err(OpenError::TooLarge(4))
        ));
    }
}
