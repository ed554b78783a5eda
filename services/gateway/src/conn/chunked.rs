//! Where a chunked request body ends, found as hyper's decoder finds it.
//!
//! The socket ([`super::io::ConnIo`]) hands hyper a chunked body's bytes up
//! to its end and holds what follows, as it does past a `Content-Length`.
//! For that it reads the framing beside hyper, byte for byte by the same
//! grammar as hyper 1's `ChunkedState`: a size in hex, white space and
//! extensions up to CR LF, the data, CR LF; after the last (zero) chunk,
//! trailer lines up to an empty one. Nothing is decoded or kept.
//!
//! The one thing that must never happen is an end found before hyper's:
//! hyper would then wait for bytes held from it. So any byte hyper's
//! decoder refuses makes the framing [`Scan::Invalid`], after which the
//! socket hands everything over as before (hyper fails the request and
//! closes the connection). Limits hyper adds (extension and trailer
//! sizes) only make hyper fail earlier, which never stalls it.

/// A chunked body's framing, read so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ChunkedEnd {
    state: State,
    /// The chunk's size while its line is read; its data still to come in
    /// [`State::Data`].
    size: u64,
}

/// Where in the framing the next byte falls (hyper's states by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// The first digit of a chunk size.
    #[default]
    Start,
    /// More digits, or what ends the size.
    Size,
    /// White space after the size.
    SizeLws,
    /// An extension, up to CR.
    Extension,
    /// The LF of the size line.
    SizeLf,
    /// The chunk's data.
    Data,
    /// The CR after the data.
    DataCr,
    /// The LF after the data.
    DataLf,
    /// After the last chunk: CR of the empty line, or a trailer.
    EndCr,
    /// A trailer line, up to CR.
    Trailer,
    /// The LF of a trailer line.
    TrailerLf,
    /// The LF of the empty line.
    EndLf,
    /// The body ended.
    End,
    /// hyper's decoder refuses the body: its end is not known here.
    Invalid,
}

/// What a read of the body's bytes found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The body goes on past these bytes.
    More,
    /// The body ends this many bytes in: what follows is not the body's.
    End(usize),
    /// hyper will refuse the body: no end is known.
    Invalid,
}

impl ChunkedEnd {
    /// Reads `bytes`, the body's next ones, and says whether it ends among
    /// them. Once it has ended (or is invalid), says so again without
    /// reading.
    pub(crate) fn scan(&mut self, bytes: &[u8]) -> Scan {
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            self.state = match self.state {
                State::End => return Scan::End(0),
                State::Invalid => return Scan::Invalid,
                State::Data => {
                    let left = usize::try_from(self.size).unwrap_or(usize::MAX);
                    let n = left.min(bytes.len() - i);
                    // n <= size: cannot underflow.
                    self.size -= n as u64;
                    i += n;
                    if self.size == 0 {
                        self.state = State::DataCr;
                    }
                    continue;
                }
                State::Start => match hex(b) {
                    Some(digit) => {
                        self.size = u64::from(digit);
                        State::Size
                    }
                    None => State::Invalid,
                },
                State::Size => match (hex(b), b) {
                    (Some(digit), _) => {
                        match self
                            .size
                            .checked_mul(16)
                            .and_then(|s| s.checked_add(u64::from(digit)))
                        {
                            Some(size) => {
                                self.size = size;
                                State::Size
                            }
                            None => State::Invalid,
                        }
                    }
                    (None, b'\t' | b' ') => State::SizeLws,
                    (None, b';') => State::Extension,
                    (None, b'\r') => State::SizeLf,
                    _ => State::Invalid,
                },
                State::SizeLws => match b {
                    b'\t' | b' ' => State::SizeLws,
                    b';' => State::Extension,
                    b'\r' => State::SizeLf,
                    _ => State::Invalid,
                },
                State::Extension => match b {
                    b'\r' => State::SizeLf,
                    b'\n' => State::Invalid,
                    _ => State::Extension,
                },
                State::SizeLf => match (b, self.size) {
                    (b'\n', 0) => State::EndCr,
                    (b'\n', _) => State::Data,
                    _ => State::Invalid,
                },
                State::DataCr => match b {
                    b'\r' => State::DataLf,
                    _ => State::Invalid,
                },
                State::DataLf => match b {
                    b'\n' => State::Start,
                    _ => State::Invalid,
                },
                State::EndCr => match b {
                    b'\r' => State::EndLf,
                    _ => State::Trailer,
                },
                State::Trailer => match b {
                    b'\r' => State::TrailerLf,
                    _ => State::Trailer,
                },
                State::TrailerLf => match b {
                    b'\n' => State::EndCr,
                    _ => State::Invalid,
                },
                State::EndLf => match b {
                    b'\n' => {
                        self.state = State::End;
                        return Scan::End(i + 1);
                    }
                    _ => State::Invalid,
                },
            };
            i += 1;
        }
        match self.state {
            State::End => Scan::End(0),
            State::Invalid => Scan::Invalid,
            _ => Scan::More,
        }
    }
}

/// The value of a hex digit.
fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn end_of(body: &[u8]) -> Scan {
        ChunkedEnd::default().scan(body)
    }

    #[test]
    fn bodies_end_after_their_last_chunk_and_trailers() {
        for (body, end) in [
            (&b"5\r\nhello\r\n0\r\n\r\nGET"[..], Scan::End(15)),
            (b"0\r\n\r\n", Scan::End(5)),
            (b"A\r\n0123456789\r\n0\r\n\r\n", Scan::End(20)),
            (
                b"a;ext=1;x=\"y\"\r\n0123456789\r\n0;last\r\n\r\nx",
                Scan::End(37),
            ),
            (b"5 \t;e\r\nhello\r\n0 \r\n\r\n", Scan::End(20)),
            (b"0\r\nExpires: never\r\nX-T: 1\r\n\r\nGET", Scan::End(29)),
            (b"00000\r\n\r\n", Scan::End(9)),
            // Not ended yet.
            (b"5\r\nhello\r\n0\r\n\r", Scan::More),
            (b"5\r\nhel", Scan::More),
            (b"0\r\nX-T: 1\r\n", Scan::More),
            (b"", Scan::More),
            // What hyper's decoder refuses.
            (b"5\nhello\r\n", Scan::Invalid),
            (b"5\r\nhelloX\r\n", Scan::Invalid),
            (b"5\r\nhello\rX", Scan::Invalid),
            (b"x\r\n", Scan::Invalid),
            (b"5 5\r\n", Scan::Invalid),
            (b"5;a\nb\r\n", Scan::Invalid),
            (b"0\r\nX-T: 1\rX", Scan::Invalid),
            (b"0\r\n\rX", Scan::Invalid),
            (b"-1\r\n", Scan::Invalid),
            (b"10000000000000000\r\n", Scan::Invalid),
        ] {
            assert_eq!(end_of(body), end, "{:?}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn an_ended_body_stays_ended() {
        let mut framing = ChunkedEnd::default();
        assert_eq!(framing.scan(b"0\r\n\r\nmore"), Scan::End(5));
        assert_eq!(framing.scan(b"more"), Scan::End(0));
        let mut framing = ChunkedEnd::default();
        assert_eq!(framing.scan(b"zz"), Scan::Invalid);
        assert_eq!(framing.scan(b"0\r\n\r\n"), Scan::Invalid);
    }

    /// A chunked body as a client writes it.
    fn encode(chunks: &[Vec<u8>], ext: bool, trailers: &[(String, String)]) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in chunks.iter().filter(|c| !c.is_empty()) {
            out.extend_from_slice(format!("{:x}", chunk.len()).as_bytes());
            if ext {
                out.extend_from_slice(b" ;name=\"v\"");
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(chunk);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n");
        for (name, value) in trailers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out
    }

    proptest! {
        /// However the body is cut into reads, its end is found exactly
        /// where it is, in the read that holds it.
        #[test]
        fn the_end_is_found_in_any_reads(
            chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..6),
            ext in any::<bool>(),
            trailers in proptest::collection::vec(("[A-Za-z-]{1,10}", "[ -~]{0,16}"), 0..3),
            after in proptest::collection::vec(any::<u8>(), 0..20),
            cuts in proptest::collection::vec(1usize..16, 0..40),
        ) {
            let body = encode(&chunks, ext, &trailers);
            let mut bytes = body.clone();
            bytes.extend_from_slice(&after);
            let mut framing = ChunkedEnd::default();
            let mut at = 0;
            let mut cuts = cuts.into_iter();
            let mut found = None;
            while at < bytes.len() {
                let n = cuts.next().unwrap_or(bytes.len()).min(bytes.len() - at);
                match framing.scan(&bytes[at..at + n]) {
                    Scan::End(k) => {
                        found = Some(at + k);
                        break;
                    }
                    Scan::More => at += n,
                    Scan::Invalid => prop_assert!(false, "a valid body read as invalid"),
                }
            }
            prop_assert_eq!(found, Some(body.len()));
        }

        /// Whatever the bytes (a body as a client writes it, then bytes
        /// changed, added or taken out), hyper given them up to an end
        /// found here needs no more: it answers (the request, or its
        /// error) without waiting. Checked against hyper itself, serving
        /// the same bytes as a request body.
        #[test]
        fn never_ends_where_hyper_does_not(
            chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..12), 0..3),
            ext in any::<bool>(),
            trailers in proptest::collection::vec(("[A-Za-z-]{1,6}", "[ -~]{0,6}"), 0..2),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, prop_oneof![
                Just(b'0'), Just(b'5'), Just(b'a'), Just(b'\r'), Just(b'\n'), Just(b';'),
                Just(b' '), Just(b'\t'), Just(b'x'), Just(b':'),
            ]), 0..3),
        ) {
            let mut bytes = encode(&chunks, ext, &trailers);
            for (at, kind, byte) in edits {
                let at = at.index(bytes.len() + 1);
                match kind {
                    0 => bytes.insert(at, byte),
                    1 if at < bytes.len() => bytes[at] = byte,
                    _ if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => {}
                }
            }
            if let Scan::End(k) = ChunkedEnd::default().scan(&bytes) {
                prop_assert!(hyper_answers(&bytes[..k]).is_some(), "{:?}", String::from_utf8_lossy(&bytes));
            }
        }
    }

    #[test]
    fn the_hyper_oracle_tells_whole_bodies_from_others() {
        assert_eq!(hyper_answers(b"5\r\nhello\r\n0\r\n\r\n"), Some(true));
        assert_eq!(hyper_answers(b"0\r\nX-T: 1\r\n\r\n"), Some(true));
        assert_eq!(hyper_answers(b"5\r\nhello\r\n0\r\n"), None);
        assert_eq!(hyper_answers(b"5\r\nhel"), None);
        assert_eq!(hyper_answers(b"5\nhello\r\n0\r\n\r\n"), Some(false));
    }

    /// What hyper, given exactly `body` as a chunked request body (and no
    /// end of file), makes of it: `Some(true)` decoded whole, `Some(false)`
    /// refused, `None` still waiting for more after 300 ms.
    fn hyper_answers(body: &[u8]) -> Option<bool> {
        use http_body_util::BodyExt as _;
        use tokio::io::AsyncWriteExt as _;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let (client, server) = tokio::io::duplex(4096);
            let service = hyper::service::service_fn(
                |request: http::Request<hyper::body::Incoming>| async move {
                    let ok = request.into_body().collect().await.is_ok();
                    Ok::<_, std::convert::Infallible>(http::Response::new(
                        if ok { "ok" } else { "bad" }.to_owned(),
                    ))
                },
            );
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(server), service),
            );
            let mut request =
                b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            request.extend_from_slice(body);
            let mut client = client;
            client.write_all(&request).await.ok()?;
            // No end of file after it: an incomplete body waits for more,
            // and is not answered in time. Closed without an answer counts
            // as refused.
            let mut answer = Vec::new();
            let read = async {
                let mut chunk = [0u8; 1024];
                while !answer.ends_with(b"ok") && !answer.ends_with(b"bad") {
                    match tokio::io::AsyncReadExt::read(&mut client, &mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => answer.extend_from_slice(&chunk[..n]),
                    }
                }
            };
            tokio::time::timeout(std::time::Duration::from_millis(300), read)
                .await
                .ok()?;
            Some(answer.ends_with(b"ok"))
        })
    }
}
