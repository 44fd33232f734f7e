//! Reading ahead on a second thread: while the parser works on one stretch of a large
//! document, the next is read, decompressed and put through the strict filter, so the two
//! halves of the work overlap on a machine with two cores or more.
//!
//! The bytes and errors the parser sees are exactly those the source gives, in the same
//! order: the source's bytes before an error, then the error. Memory stays bounded: at most
//! [`DEPTH`] chunks of [`CHUNK`] bytes are in flight, and chunks are reused.
//!
//! [`read_beside`] turns the two round where the caller has work of its own to fit in (for
//! `audit --json`, writing what the parser finds): the parser gets the second thread and the
//! calling thread reads, doing its [`SideWork`] while it waits for the parser, so two threads
//! keep two cores busy instead of three threads contending for them.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::Arc;
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
    let mut first = match first_chunk(&mut source) {
        First::All(chunks) => return consume(&mut Ahead::Chunks(chunks)),
        First::More(first) => first,
    };
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
            Ok(_) => Ok(consume(&mut Ahead::Chunks(Chunks::from_reader(
                std::mem::take(&mut first),
                from_reader,
                Box::new(move |chunk| {
                    let _ended = to_reader.send(chunk);
                }),
            )))),
            Err(_) => Err(consume),
        }
    });
    match threaded {
        Ok(result) => result,
        Err(consume) => consume(&mut Ahead::direct(first, &mut source)),
    }
}

/// Work a thread does between reading chunks for a parser on another (see [`read_beside`]).
pub trait SideWork {
    /// How the parser's thread hands back each chunk it has used up (`Some`) and says it has
    /// finished (`None`): into whatever [`SideWork::next_spent`] waits on, so that one wait
    /// serves both.
    fn spent(&self) -> Spent;
    /// Does side work until the parser hands back a chunk (`Some`) or has finished (`None`).
    /// May say `None` early, to stop the reading: the parser then sees the source end.
    fn next_spent(&mut self) -> Option<Vec<u8>>;
    /// Does the side work waiting now, without waiting for more: after a document the
    /// parser read on the calling thread.
    fn catch_up(&mut self);
}

/// See [`SideWork::spent`].
pub type Spent = Arc<dyn Fn(Option<Vec<u8>>) + Send + Sync>;

/// Like [`read_ahead`], the other way round: `consume` parses on a second thread while this
/// one reads, doing `side`'s work whenever it waits for the parser. A document within its
/// first [`CHUNK`] bytes, or one for which no thread can be started, is parsed on this
/// thread, and `side` catches up after it.
pub fn read_beside<R, T>(
    mut source: R,
    side: &mut dyn SideWork,
    consume: impl FnOnce(&mut Ahead<'_, R>) -> T + Send,
) -> T
where
    R: Read + Send,
    T: Send,
{
    let first = match first_chunk(&mut source) {
        First::All(chunks) => {
            let consumed = consume(&mut Ahead::Chunks(chunks));
            side.catch_up();
            return consumed;
        }
        First::More(first) => first,
    };
    let spent = side.spent();
    let (to_parser, from_reader) = mpsc::channel::<Message>();
    // What the parser's thread parses with comes to it once it runs: where no thread can
    // be started, it is still here.
    let (hand, handed) = hand_over(&consume);
    let threaded = thread::scope(|scope| {
        let parser = thread::Builder::new()
            .name("dvrole-parse".into())
            .spawn_scoped(scope, move || {
                // However the parse ends, the reading side hears that it has.
                let _finished = Finished(Arc::clone(&spent));
                let (consume, first, from_reader) = handed.recv().ok()?;
                let to_reader = Arc::clone(&spent);
                Some(consume(&mut Ahead::Chunks(Chunks::from_reader(
                    first,
                    from_reader,
                    Box::new(move |chunk| to_reader(Some(chunk))),
                ))))
            });
        let Ok(parser) = parser else {
            return Err((consume, first));
        };
        if let Err(mpsc::SendError((consume, first, _))) = hand.send((consume, first, from_reader))
        {
            return Err((consume, first));
        }
        let finished = produce_beside(&mut source, &to_parser, side);
        // The parser sees the end of the source, if it has not finished already; until it
        // has, the side work goes on.
        drop(to_parser);
        if !finished {
            while side.next_spent().is_some() {}
        }
        match parser.join() {
            Ok(consumed) => Ok(consumed),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let (consume, first) = match threaded {
        Ok(Some(consumed)) => return consumed,
        // The thread receives what it was sent before anything else.
        Ok(None) => unreachable!("the parser's thread was handed what it parses with"),
        Err(kept) => kept,
    };
    let consumed = consume(&mut Ahead::direct(first, &mut source));
    side.catch_up();
    consumed
}

/// What [`read_beside`] hands the parser's thread: how to parse, the first chunk, and where
/// the next come from.
type Handed<F> = (F, Vec<u8>, Receiver<Message>);

fn hand_over<F>(_consume: &F) -> (Sender<Handed<F>>, Receiver<Handed<F>>) {
    mpsc::channel()
}

/// Says the parser has finished when dropped.
struct Finished(Spent);

impl Drop for Finished {
    fn drop(&mut self) {
        (self.0)(None);
    }
}

/// The first [`CHUNK`] bytes of a source: all of it, or the start of more.
enum First {
    All(Chunks),
    More(Vec<u8>),
}

fn first_chunk(source: &mut impl Read) -> First {
    let mut first = Vec::new();
    match source.take(CHUNK as u64).read_to_end(&mut first) {
        Err(e) => First::All(Chunks::ended(first, Some(e))),
        Ok(n) if n < CHUNK => First::All(Chunks::ended(first, None)),
        Ok(_) => First::More(first),
    }
}

/// Fills `chunk` from `source`, up to [`CHUNK`] bytes, and hands it to the parser with
/// `send` (which says whether the parser is still there), then the source's error if it
/// failed; `true` while there is more to read and someone to read it.
fn pass_chunk(source: &mut impl Read, mut chunk: Vec<u8>, send: impl Fn(Message) -> bool) -> bool {
    // A chunk back from the parser has the length it was sent with.
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
    if len > 0 && !send(Ok(chunk)) {
        return false;
    }
    if let Some(e) = failed {
        send(Err(e));
        return false;
    }
    // At the end of the source, the sender's going tells the parser.
    len > 0
}

/// The reading thread: fills chunks until the source ends or fails, or the parser is gone.
fn produce(source: &mut impl Read, to_parser: &SyncSender<Message>, spent: &Receiver<Vec<u8>>) {
    while pass_chunk(source, spent.try_recv().unwrap_or_default(), |message| {
        to_parser.send(message).is_ok()
    }) {}
}

/// [`read_beside`]'s reading: [`DEPTH`] chunks, then one for each chunk the parser hands
/// back, until the source ends or fails; `true` when the parser has finished first.
fn produce_beside(
    source: &mut impl Read,
    to_parser: &Sender<Message>,
    side: &mut dyn SideWork,
) -> bool {
    let mut fresh = DEPTH;
    loop {
        let chunk = if fresh > 0 {
            fresh -= 1;
            Vec::new()
        } else {
            match side.next_spent() {
                Some(chunk) => chunk,
                None => return true,
            }
        };
        if !pass_chunk(source, chunk, |message| to_parser.send(message).is_ok()) {
            return false;
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
    /// Where a used-up chunk goes back to the reading side.
    to_reader: Option<Box<dyn Fn(Vec<u8>) + Send>>,
    chunk: Vec<u8>,
    /// How much of `chunk` the parser has taken.
    pos: usize,
    /// The source's error after the chunk, when no thread reads.
    error: Option<io::Error>,
}

impl<'a, R: Read> Ahead<'a, R> {
    /// The source itself, after its `first` bytes: where no thread could be started.
    fn direct(first: Vec<u8>, source: &'a mut R) -> Self {
        Ahead::Direct(BufReader::with_capacity(
            CHUNK,
            io::Cursor::new(first).chain(source),
        ))
    }
}

impl Chunks {
    /// The `first` chunk, then those `from_reader` sends; each used up goes to `to_reader`.
    fn from_reader(
        first: Vec<u8>,
        from_reader: Receiver<Message>,
        to_reader: Box<dyn Fn(Vec<u8>) + Send>,
    ) -> Chunks {
        Chunks {
            from_reader: Some(from_reader),
            to_reader: Some(to_reader),
            chunk: first,
            pos: 0,
            error: None,
        }
    }

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
                    // The reading side may have ended; the chunk is then dropped.
                    to_reader(spent);
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

/// Side work that is none: it only hands the used-up chunks back, for reading beside with
/// nothing else to fit in (the fuzz target and the tests compare reading beside with reading
/// ahead so).
pub struct HandBack {
    to_side: Sender<Option<Vec<u8>>>,
    from_parser: Receiver<Option<Vec<u8>>>,
}

impl Default for HandBack {
    fn default() -> Self {
        let (to_side, from_parser) = mpsc::channel();
        HandBack {
            to_side,
            from_parser,
        }
    }
}

impl SideWork for HandBack {
    fn spent(&self) -> Spent {
        let to_side = self.to_side.clone();
        Arc::new(move |chunk| {
            let _gone = to_side.send(chunk);
        })
    }

    fn next_spent(&mut self) -> Option<Vec<u8>> {
        self.from_parser.recv().ok()?
    }

    fn catch_up(&mut self) {}
}

#[cfg(test)]
/// [`HandBack`], counting what it is asked to do; it stops the reading after `stop_after`
/// chunks when that is set.
pub(crate) struct Counting {
    hand_back: HandBack,
    pub(crate) spent: usize,
    pub(crate) caught_up: usize,
    stop_after: Option<usize>,
}

#[cfg(test)]
impl Counting {
    pub(crate) fn new(stop_after: Option<usize>) -> Counting {
        Counting {
            hand_back: HandBack::default(),
            spent: 0,
            caught_up: 0,
            stop_after,
        }
    }
}

#[cfg(test)]
impl SideWork for Counting {
    fn spent(&self) -> Spent {
        self.hand_back.spent()
    }

    fn next_spent(&mut self) -> Option<Vec<u8>> {
        if self.stop_after == Some(self.spent) {
            return None;
        }
        let chunk = self.hand_back.next_spent()?;
        self.spent += 1;
        Some(chunk)
    }

    fn catch_up(&mut self) {
        self.caught_up += 1;
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

    /// `data(len)`, `step` bytes a read, then `error` if any.
    fn trickle(len: usize, step: usize, error: Option<io::Error>) -> Trickle {
        Trickle {
            data: data(len),
            at: 0,
            step,
            error,
        }
    }

    /// Lengths on both sides of the first chunk, and of several.
    const LENGTHS: [usize; 7] = [
        0,
        1,
        CHUNK - 1,
        CHUNK,
        CHUNK + 1,
        5 * CHUNK + 17,
        11 * CHUNK,
    ];

    #[test]
    fn passes_every_byte_in_order() {
        for len in LENGTHS {
            let source = trickle(len, 9_999, None);
            let mut got = Vec::new();
            read_ahead(source, |r| r.read_to_end(&mut got)).unwrap();
            assert_eq!(got, data(len), "length {len}");
        }
    }

    #[test]
    fn gives_the_bytes_before_an_error_then_the_error() {
        // Within the first chunk (no thread) and past it.
        for len in [100, 3 * CHUNK + 5] {
            let source = trickle(len, 4_096, Some(io::Error::other("the source broke")));
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
        let source = trickle(64 * CHUNK, CHUNK, None);
        let first = read_ahead(source, |r| {
            let mut one = [0u8; 10];
            r.read_exact(&mut one).map(|()| one)
        })
        .unwrap();
        assert_eq!(first.to_vec(), data(10));
    }

    #[test]
    fn beside_passes_every_byte_in_order() {
        for len in LENGTHS {
            let source = trickle(len, 9_999, None);
            let mut side = Counting::new(None);
            let mut got = Vec::new();
            read_beside(source, &mut side, |r| r.read_to_end(&mut got)).unwrap();
            assert_eq!(got, data(len), "length {len}");
            if len < CHUNK {
                // Parsed here; the side work catches up after it.
                assert_eq!((side.spent, side.caught_up), (0, 1), "length {len}");
            } else {
                // Each chunk the next replaces comes back to the reading side.
                assert_eq!(side.caught_up, 0, "length {len}");
                assert_eq!(side.spent, len.div_ceil(CHUNK) - 1, "length {len}");
            }
        }
    }

    #[test]
    fn beside_gives_the_bytes_before_an_error_then_the_error() {
        for len in [100, 3 * CHUNK + 5, 9 * CHUNK] {
            let source = trickle(len, 4_096, Some(io::Error::other("the source broke")));
            let mut side = Counting::new(None);
            let mut got = Vec::new();
            let result = read_beside(source, &mut side, |r| r.read_to_end(&mut got));
            assert_eq!(got, data(len), "length {len}");
            assert_eq!(result.unwrap_err().to_string(), "the source broke");
        }
    }

    #[test]
    fn beside_a_parser_that_stops_early_ends_the_reading() {
        let source = trickle(64 * CHUNK, CHUNK, None);
        let mut side = Counting::new(None);
        let first = read_beside(source, &mut side, |r| {
            let mut one = [0u8; 10];
            r.read_exact(&mut one).map(|()| one)
        })
        .unwrap();
        assert_eq!(first.to_vec(), data(10));
        // Nothing was used up: the reading side stopped when the parser finished.
        assert_eq!(side.spent, 0);
    }

    #[test]
    fn beside_side_work_that_stops_the_reading_ends_the_document_there() {
        // The side work stops the reading after two chunks come back: the parser sees the
        // first chunk, the DEPTH read before any came back and the two read after, then the
        // end.
        let source = trickle(64 * CHUNK, CHUNK, None);
        let mut side = Counting::new(Some(2));
        let mut got = Vec::new();
        read_beside(source, &mut side, |r| r.read_to_end(&mut got)).unwrap();
        assert_eq!(got, data((1 + DEPTH + 2) * CHUNK));
    }
}
