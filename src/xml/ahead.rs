//! Reading ahead on a second thread: while the parser works on one stretch of a large
//! document, the next is read, decompressed and put through the strict filter, so the two
//! halves of the work overlap on a machine with two cores or more.
//!
//! The bytes and errors the parser sees are exactly those the source gives, in the same
//! order: the source's bytes before an error, then the error. Memory stays bounded: at most
//! [`DEPTH`] chunks of [`CHUNK`] bytes are in flight, and chunks are reused.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread;

/// Bytes read per chunk.
pub const CHUNK: usize = 128 * 1024;
/// Chunks read ahead of the parser at most.
pub const DEPTH: usize = 4;

/// What the reading thread sends: a chunk of the source's bytes, or its error.
type Message = io::Result<Vec<u8>>;

/// Runs `consume` with a buffered reader over `source`, whose bytes another thread reads
/// ahead. The first [`CHUNK`] bytes are read on this thread: a document that ends within
/// them (most parts of a package) starts no thread. Where no thread can be started,
/// `source` is read on this one instead. When `consume` returns early, this waits for the
/// read in progress to end, so `source` is a file or reads from one (dvrole copies a stream
/// to a file before reading its parts).
pub fn read_ahead<R, T>(mut source: R, consume: impl FnOnce(&mut Ahead<'_, R>) -> T) -> T
where
    R: Read + Send,
{
    let mut first = Vec::new();
    match (&mut source).take(CHUNK as u64).read_to_end(&mut first) {
        Err(e) => return consume(&mut Ahead::Chunks(Chunks::ended(first, Some(e)))),
        Ok(n) if n < CHUNK => return consume(&mut Ahead::Chunks(Chunks::ended(first, None))),
        Ok(_) => {}
    }
    let threaded = thread::scope(|scope| {
        let (to_parser, from_reader) = mpsc::sync_channel::<Message>(DEPTH);
        let (to_reader, spent) = mpsc::channel::<Vec<u8>>();
        let reading = &mut source;
        let started = thread::Builder::new()
            .name("dvrole-read-ahead".into())
            .spawn_scoped(scope, move || produce(reading, &to_parser, &spent));
        match started {
            // Whatever `consume` does, the reading thread ends: when the source does, or
            // when it finds the parser's side gone.
            Ok(_) => Ok(consume(&mut Ahead::Chunks(Chunks {
                from_reader: Some(from_reader),
                to_reader: Some(to_reader),
                chunk: std::mem::take(&mut first),
                pos: 0,
                error: None,
            }))),
            Err(_) => Err(consume),
        }
    });
    match threaded {
        Ok(result) => result,
        Err(consume) => consume(&mut Ahead::Direct(BufReader::with_capacity(
            CHUNK,
            io::Cursor::new(first).chain(&mut source),
        ))),
    }
}

/// The reading thread: fills chunks until the source ends or fails, or the parser is gone.
fn produce(source: &mut impl Read, to_parser: &SyncSender<Message>, spent: &Receiver<Vec<u8>>) {
    loop {
        // A chunk back from the parser has the length it was sent with.
        let mut chunk = spent.try_recv().unwrap_or_default();
        chunk.resize(CHUNK, 0);
        let mut len = 0;
        let mut failed = None;
        while len < chunk.len() {
            match source.read(chunk.get_mut(len..).unwrap_or_default()) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        chunk.truncate(len);
        if len > 0 && to_parser.send(Ok(chunk)).is_err() {
            return;
        }
        if let Some(e) = failed {
            let _gone = to_parser.send(Err(e));
            return;
        }
        if len == 0 {
            // The end of the source; dropping the sender tells the parser.
            return;
        }
    }
}

/// The parser's side of [`read_ahead`].
pub enum Ahead<'a, R> {
    /// Chunks from the reading thread, or the whole of a short document.
    Chunks(Chunks),
    /// The source itself (after the bytes already read), where no thread could be started.
    Direct(BufReader<io::Chain<io::Cursor<Vec<u8>>, &'a mut R>>),
}

/// Chunks as they arrive from the reading thread.
pub struct Chunks {
    /// `None` when no thread reads: the chunk holds all there is.
    from_reader: Option<Receiver<Message>>,
    to_reader: Option<Sender<Vec<u8>>>,
    chunk: Vec<u8>,
    /// How much of `chunk` the parser has taken.
    pos: usize,
    /// The source's error after the chunk, when no thread reads.
    error: Option<io::Error>,
}

impl Chunks {
    /// All of a source that ended (or failed, with `error`) within `bytes`.
    fn ended(bytes: Vec<u8>, error: Option<io::Error>) -> Chunks {
        Chunks {
            from_reader: None,
            to_reader: None,
            chunk: bytes,
            pos: 0,
            error,
        }
    }

    /// The bytes left of the current chunk; the next chunk when none are left. The parser
    /// asks several times an event, so the first check is kept inline.
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.chunk.len() {
            self.next_chunk()?;
        }
        Ok(self.chunk.get(self.pos..).unwrap_or_default())
    }

    #[cold]
    fn next_chunk(&mut self) -> io::Result<()> {
        match self.from_reader.as_ref().map(Receiver::recv) {
            Some(Ok(Ok(chunk))) => {
                let spent = std::mem::replace(&mut self.chunk, chunk);
                self.pos = 0;
                if let Some(to_reader) = &self.to_reader {
                    // The reading thread may have ended; the chunk is then dropped.
                    let _ended = to_reader.send(spent);
                }
                Ok(())
            }
            Some(Ok(Err(e))) => Err(e),
            // The reading thread has ended, or there is none: the end of the source, after
            // its error if it had one.
            Some(Err(mpsc::RecvError)) | None => self.error.take().map_or(Ok(()), Err),
        }
    }
}

impl<R: Read> Read for Ahead<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Ahead<'_, R> {
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Ahead::Chunks(chunks) => chunks.fill_buf(),
            Ahead::Direct(reader) => reader.fill_buf(),
        }
    }

    #[inline]
    fn consume(&mut self, amount: usize) {
        match self {
            Ahead::Chunks(chunks) => chunks.pos = (chunks.pos + amount).min(chunks.chunk.len()),
            Ahead::Direct(reader) => reader.consume(amount),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives `data` a few bytes at a time, then `error` if any.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        step: usize,
        error: Option<io::Error>,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                return match self.error.take() {
                    Some(e) => Err(e),
                    None => Ok(0),
                };
            }
            let n = self.step.min(buf.len()).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn passes_every_byte_in_order() {
        for len in [
            0,
            1,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            5 * CHUNK + 17,
            11 * CHUNK,
        ] {
            let source = Trickle {
                data: data(len),
                at: 0,
                step: 9_999,
                error: None,
            };
            let mut got = Vec::new();
            read_ahead(source, |r| r.read_to_end(&mut got)).unwrap();
            assert_eq!(got, data(len), "length {len}");
        }
    }

    #[test]
    fn gives_the_bytes_before_an_error_then_the_error() {
        // Within the first chunk (no thread) and past it.
        for len in [100, 3 * CHUNK + 5] {
            let source = Trickle {
                data: data(len),
                at: 0,
                step: 4_096,
                error: Some(io::Error::other("the source broke")),
            };
            let mut got = Vec::new();
            let result = read_ahead(source, |r| r.read_to_end(&mut got));
            assert_eq!(got, data(len));
            assert_eq!(result.unwrap_err().to_string(), "the source broke");
        }
    }

    #[test]
    fn a_parser_that_stops_early_ends_the_reading_thread() {
        // Far more than the chunks in flight: the reading thread must stop when the parser
        // goes, or the scope would wait for ever.
        let source = Trickle {
            data: data(64 * CHUNK),
            at: 0,
            step: CHUNK,
            error: None,
        };
        let first = read_ahead(source, |r| {
            let mut one = [0u8; 10];
            r.read_exact(&mut one).map(|()| one)
        })
        .unwrap();
        assert_eq!(first.to_vec(), data(10));
    }
}
