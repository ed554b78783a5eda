//! The connection's socket, seen by hyper: reads tell the supervisor a
//! head has started; a write that stays blocked past the write deadline
//! fails, which ends the connection (a client that stops reading).
//!
//! On HTTP/1 the socket hands hyper no byte past the message it is
//! reading: up to the end of a head, then the body's length, then nothing
//! until the response is out. What comes sooner (a pipelined request, a
//! head's first bytes sent early) is held here, where the supervisor knows
//! of it: when the request ends, the held bytes are the next head, and its
//! header deadline runs (bytes in hyper's own buffer would be seen by
//! nobody, and a partial head there would wait for the idle deadline).
//! A chunked body ends where its framing, read here beside hyper's decoder
//! (`chunked.rs`), says it does; framing hyper refuses is handed over
//! whole, as hyper fails the request.

use std::future::Future as _;
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Buf as _, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use super::chunked::{ChunkedEnd, Scan};
use super::state::{ConnState, ReadMode, UNKNOWN_BODY};

/// The start of HTTP/2's connection preface.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0";

/// A socket with a write deadline, which holds back HTTP/1 bytes past the
/// message being read (see the module docs).
#[derive(Debug)]
pub(crate) struct ConnIo<T> {
    inner: T,
    state: Arc<ConnState>,
    write_timeout: Duration,
    /// Running while a write is blocked; reset by any progress.
    stalled: Option<Pin<Box<Sleep>>>,
    /// Bytes read from the socket and not handed to hyper yet.
    held: BytesMut,
    /// The most `held` grows to while the response is not out (a head is
    /// at most this long).
    hold_limit: usize,
    /// The socket said end of file; hyper is told once `held` is empty.
    eof: bool,
    /// Bytes go through as they come: HTTP/2.
    through: bool,
    /// Whether any byte has been read (the first ones may be HTTP/2's
    /// preface).
    started: bool,
    /// The last bytes of a head handed to hyper before its end was found:
    /// an empty line may begin in one read and end in the next.
    tail: Tail,
    /// The framing of the chunked body being read, and the number of its
    /// request.
    chunked: (u64, ChunkedEnd),
}

/// The last two bytes handed over of a head not yet ended.
#[derive(Debug, Default, Clone, Copy)]
struct Tail {
    bytes: [u8; 2],
    len: usize,
}

impl Tail {
    fn as_slice(&self) -> &[u8] {
        &self.bytes[2 - self.len..]
    }

    /// `given` was handed over after what the tail holds.
    fn push(&mut self, given: &[u8]) {
        for &b in given.iter().rev().take(2).rev() {
            self.bytes = [self.bytes[1], b];
            self.len = (self.len + 1).min(2);
        }
    }
}

impl<T> ConnIo<T> {
    pub(crate) fn new(
        inner: T,
        state: Arc<ConnState>,
        write_timeout: Duration,
        hold_limit: usize,
    ) -> Self {
        Self {
            inner,
            state,
            write_timeout,
            stalled: None,
            held: BytesMut::new(),
            hold_limit,
            eof: false,
            through: false,
            started: false,
            tail: Tail::default(),
            chunked: (0, ChunkedEnd::default()),
        }
    }

    /// Hands hyper up to `n` held bytes.
    fn give_held(&mut self, buf: &mut ReadBuf<'_>, n: usize) -> usize {
        let n = n.min(self.held.len()).min(buf.remaining());
        buf.put_slice(&self.held[..n]);
        self.held.advance(n);
        if self.held.is_empty() {
            // Its memory goes too: an idle connection holds none.
            self.held = BytesMut::new();
            self.state.hold_end();
        } else if only_empty_lines(&self.held) {
            // Empty lines alone start no head.
            self.state.hold_end();
        }
        n
    }

    /// Keeps what hyper got past `keep` bytes of this read (which began at
    /// `before` in `buf`) for later.
    fn hold_past(&mut self, buf: &mut ReadBuf<'_>, before: usize, keep: usize) {
        let end = buf.filled().len();
        if before + keep < end {
            self.hold_bytes(&buf.filled()[before + keep..]);
            buf.set_filled(before + keep);
        }
    }

    /// Adds `bytes` to what is held. Empty lines alone (which the parser
    /// skips before a request line) start no head.
    fn hold_bytes(&mut self, bytes: &[u8]) {
        self.held.extend_from_slice(bytes);
        if !only_empty_lines(bytes) {
            self.state.hold_begin();
        }
    }

    /// After `given` bytes of a head went to hyper: its end among them, or
    /// the tail to look for it with next time.
    fn head_given(&mut self, given: &[u8], ended: bool) {
        if ended {
            self.tail = Tail::default();
        } else {
            self.tail.push(given);
        }
    }

    fn guard<R>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        match result {
            Poll::Pending => {
                let timeout = self.write_timeout;
                let timer = self
                    .stalled
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if timer.as_mut().poll(cx).is_ready() {
                    self.state.set_write_timed_out();
                    Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the client did not read its response in time",
                    )))
                } else {
                    Poll::Pending
                }
            }
            ready => {
                self.stalled = None;
                ready
            }
        }
    }
}

/// Only CR and LF: empty lines, which the parser skips before a request
/// line, so they start no head.
fn only_empty_lines(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b'\r' || b == b'\n')
}

/// Where the first head in `bytes` ends (just past its empty line), if it
/// does. A line ends with LF or CR LF, as the HTTP/1 parser reads them; an
/// empty line before a request line ends nothing for the parser, so this
/// may cut earlier than it would (then hyper asks again), never later.
fn head_end(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = bytes[from..].iter().position(|&b| b == b'\n') {
        let lf = from + at;
        match bytes.get(lf + 1) {
            Some(b'\n') => return Some(lf + 2),
            Some(b'\r') if bytes.get(lf + 2) == Some(&b'\n') => return Some(lf + 3),
            _ => from = lf + 1,
        }
    }
    None
}

/// Where the head ends in `bytes`, which come after `tail` (the last bytes
/// of it hyper already has): an empty line may straddle the two.
fn head_end_after(tail: &[u8], bytes: &[u8]) -> Option<usize> {
    let mut joined = [0u8; 4];
    let t = tail.len().min(2);
    joined[..t].copy_from_slice(&tail[tail.len() - t..]);
    let b = bytes.len().min(2);
    joined[t..t + b].copy_from_slice(&bytes[..b]);
    match head_end(&joined[..t + b]) {
        Some(end) if end > t => Some(end - t),
        _ => head_end(bytes),
    }
}

impl<T: AsyncRead + Unpin> ConnIo<T> {
    /// A read straight from the socket into `buf`; `Ok(0)` at end of file.
    fn read_socket(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        let n = buf.filled().len() - before;
        if n == 0 {
            self.eof = true;
        }
        Poll::Ready(Ok(n))
    }

    /// Reads what the socket has into `held`, up to the hold limit; then
    /// waits for the request to end. Returns end of file once nothing is
    /// held and the client has closed.
    fn hold(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut chunk = [MaybeUninit::<u8>::uninit(); 4096];
        while !self.eof && self.held.len() < self.hold_limit {
            let room = (self.hold_limit - self.held.len()).min(chunk.len());
            let mut read = ReadBuf::uninit(&mut chunk[..room]);
            match Pin::new(&mut self.inner).poll_read(cx, &mut read) {
                Poll::Pending => break,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) if read.filled().is_empty() => self.eof = true,
                Poll::Ready(Ok(())) => {
                    let bytes = read.filled().to_vec();
                    self.hold_bytes(&bytes);
                }
            }
        }
        if self.held.is_empty() {
            // Nothing held: the socket wakes the task when bytes come, or
            // hyper learns the client closed.
            return if self.eof {
                Poll::Ready(Ok(()))
            } else {
                Poll::Pending
            };
        }
        self.state.park(cx.waker());
        Poll::Pending
    }

    /// Hands hyper the next bytes of a chunked body, up to its end by its
    /// framing; what follows is held. At end of file, hands nothing.
    fn read_chunked(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let number = self.state.request_number();
        if self.chunked.0 != number {
            self.chunked = (number, ChunkedEnd::default());
        }
        let before = buf.filled().len();
        let scan = if !self.held.is_empty() {
            // Where the body ends in what is held (a copy of the framing
            // looks), then the framing reads what was handed over.
            let mut look = self.chunked.1;
            let end = match look.scan(&self.held) {
                Scan::End(end) => end,
                Scan::More | Scan::Invalid => usize::MAX,
            };
            let n = self.give_held(buf, end);
            self.chunked.1.scan(&buf.filled()[before..before + n])
        } else if self.eof || ready!(self.read_socket(cx, buf))? == 0 {
            return Poll::Ready(Ok(()));
        } else {
            let scan = self.chunked.1.scan(&buf.filled()[before..]);
            if let Scan::End(end) = scan {
                self.hold_past(buf, before, end);
            }
            scan
        };
        if let Scan::End(_) = scan {
            // From now on what comes is held, as after a Content-Length.
            self.state.body_ended(number);
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ConnIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        if this.through || this.state.is_http2() {
            this.through = true;
            if !this.held.is_empty() {
                this.give_held(buf, usize::MAX);
                return Poll::Ready(Ok(()));
            }
            if ready!(this.read_socket(cx, buf))? > 0 {
                this.state.on_read();
            }
            return Poll::Ready(Ok(()));
        }
        match this.state.read_mode() {
            ReadMode::Head if !this.held.is_empty() => {
                let end = head_end_after(this.tail.as_slice(), &this.held);
                let n = this.give_held(buf, end.unwrap_or(usize::MAX));
                this.head_given(&buf.filled()[before..before + n], end == Some(n));
            }
            ReadMode::Head => {
                if this.eof || ready!(this.read_socket(cx, buf))? == 0 {
                    return Poll::Ready(Ok(()));
                }
                let got = &buf.filled()[before..];
                let substantive = !only_empty_lines(got);
                if !std::mem::replace(&mut this.started, true) && got.starts_with(H2_PREFACE) {
                    this.through = true;
                } else {
                    let end = head_end_after(this.tail.as_slice(), got);
                    if let Some(end) = end {
                        this.hold_past(buf, before, end);
                    }
                    this.head_given(&buf.filled()[before..], end.is_some());
                }
                // Empty lines alone start no head.
                if substantive {
                    this.state.on_read();
                }
            }
            ReadMode::Body(UNKNOWN_BODY) => ready!(this.read_chunked(cx, buf))?,
            ReadMode::Body(remaining) => {
                let remaining = usize::try_from(remaining).unwrap_or(usize::MAX);
                let n = if !this.held.is_empty() {
                    this.give_held(buf, remaining)
                } else if this.eof || ready!(this.read_socket(cx, buf))? == 0 {
                    return Poll::Ready(Ok(()));
                } else {
                    if remaining != usize::MAX {
                        this.hold_past(buf, before, remaining);
                    }
                    buf.filled().len() - before
                };
                this.state.body_read(u64::try_from(n).unwrap_or(u64::MAX));
            }
            // Pending, or end of file with nothing held.
            ReadMode::Hold => ready!(this.hold(cx))?,
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ConnIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.state.on_write();
        }
        this.guard(cx, result)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.state.on_write();
        }
        this.guard(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_flush(cx);
        this.guard(cx, result)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.guard(cx, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn heads_end_at_their_empty_line() {
        for (bytes, end) in [
            (&b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET"[..], Some(27)),
            (b"GET / HTTP/1.1\nHost: x\n\nrest", Some(24)),
            (b"GET / HTTP/1.1\r\nHost: x\r\n\nrest", Some(26)),
            (b"GET / HTTP/1.1\r\nHost: x\r\n", None),
            (b"GET / HTTP/1.1\r\nHost: x\r\n\r", None),
            (b"", None),
            // An empty line before the request line: cut early, never late.
            (b"\r\n\r\nGET / HTTP/1.1\r\n\r\n", Some(4)),
            (b"\r\nGET / HTTP/1.1\r\n\r\n", Some(20)),
        ] {
            assert_eq!(head_end(bytes), end, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn an_empty_line_may_begin_in_the_read_before() {
        for (tail, bytes, end) in [
            (&b"\r\n"[..], &b"\r\nGET"[..], Some(2)),
            (b"\n", b"\nGET", Some(1)),
            (b"\n\r", b"\nGET", Some(1)),
            (b"\r\n", b"\nGET", Some(1)),
            (b"\n", b"\r\nGET", Some(2)),
            (b"x\r", b"\nHost: x\r\n\r\n", Some(12)),
            (b"", b"\r\nGET", None),
            (b"\r\n", b"", None),
        ] {
            assert_eq!(head_end_after(tail, bytes), end, "{tail:?} {bytes:?}");
        }
        let mut t = Tail::default();
        t.push(b"Host: x\r");
        t.push(b"\n");
        assert_eq!(t.as_slice(), b"\r\n");
    }

    proptest! {
        /// Whatever follows a head, the cut is just past its empty line.
        #[test]
        fn the_cut_is_the_end_of_the_head(
            headers in proptest::collection::vec(("[A-Za-z-]{1,12}", "[ -~]{0,24}"), 0..8),
            lf_only in any::<bool>(),
            tail in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let eol = if lf_only { "\n" } else { "\r\n" };
            let mut head = format!("POST /api/x HTTP/1.1{eol}");
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}{eol}"));
            }
            head.push_str(eol);
            let mut bytes = head.clone().into_bytes();
            bytes.extend_from_slice(&tail);
            prop_assert_eq!(head_end(&bytes), Some(head.len()));
            // Split anywhere, the cut is found in the second part when the
            // head ends there.
            let split = tail.len() % (head.len() + 1);
            let (first, second) = bytes.split_at(split.min(head.len()));
            let mut t = Tail::default();
            t.push(first);
            if let Some(end) = head_end(first) {
                prop_assert_eq!(end, head.len());
            } else {
                prop_assert_eq!(head_end_after(t.as_slice(), second), Some(head.len() - first.len()));
            }
        }
    }
}
