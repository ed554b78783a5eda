//! Request bodies with a deadline, and response bodies that tell the
//! connection when they are written whole.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future as _;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use super::state::{ConnState, RequestGuard};
use crate::respond::{self, BoxError};

/// The error a request body fails with once its deadline has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTimeout;

impl fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl StdError for BodyTimeout {}

/// A request body that fails with [`BodyTimeout`] when it has not ended by
/// its deadline, and says so through `late` (the handler may turn the
/// error into anything; the connection answers 408 whatever it did).
#[derive(Debug)]
pub(crate) struct TimedBody<B> {
    inner: B,
    deadline: Instant,
    /// Started at the first wait, so a body never waited on costs no timer.
    timer: Option<Pin<Box<Sleep>>>,
    late: Arc<AtomicBool>,
    /// Told when the body ends (the socket then knows where a chunked
    /// body stopped), with the number of its request.
    state: Arc<ConnState>,
    request: u64,
}

impl<B> TimedBody<B> {
    pub(crate) fn new(
        inner: B,
        timeout: Duration,
        late: Arc<AtomicBool>,
        state: Arc<ConnState>,
    ) -> Self {
        Self {
            inner,
            deadline: Instant::now() + timeout,
            timer: None,
            late,
            request: state.request_number(),
            state,
        }
    }
}

impl<B> Body for TimedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(None) => {
                this.state.body_ended(this.request);
                Poll::Ready(None)
            }
            Poll::Ready(Some(frame)) => {
                if this.inner.is_end_stream() {
                    this.state.body_ended(this.request);
                }
                Poll::Ready(Some(frame.map_err(Into::into)))
            }
            Poll::Pending => {
                let deadline = this.deadline;
                let timer = this
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                if timer.as_mut().poll(cx).is_ready() {
                    this.late.store(true, Ordering::Release);
                    Poll::Ready(Some(Err(Box::new(BodyTimeout))))
                } else {
                    Poll::Pending
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that marks its request finished when its last frame is
/// handed over; dropping it (written, or given up on) ends the request.
#[derive(Debug)]
pub(crate) struct Tracked {
    inner: respond::Body,
    guard: RequestGuard,
    /// The connection has not asked for the next frame since the response
    /// (or the last frame) was handed over: it is waiting for the client
    /// (hyper's HTTP/2 side asks for a frame only once the client's window
    /// has room).
    waiting: bool,
}

impl Tracked {
    pub(crate) fn new(inner: respond::Body, guard: RequestGuard) -> Self {
        guard.state().stall_begin();
        Self {
            inner,
            guard,
            waiting: true,
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if self.waiting {
            self.guard.state().stall_end();
        }
    }
}

impl Body for Tracked {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if this.waiting {
            this.waiting = false;
            this.guard.state().stall_end();
        }
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(_))) = &polled {
            this.waiting = true;
            this.guard.state().stall_begin();
        }
        match &polled {
            Poll::Ready(None) => this.guard.finish(),
            Poll::Ready(Some(Ok(_))) if this.inner.is_end_stream() => this.guard.finish(),
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        let end = self.inner.is_end_stream();
        if end {
            self.guard.finish();
        }
        end
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt as _;

    /// One byte, then nothing ever again.
    struct Stalls {
        sent: bool,
    }

    impl Body for Stalls {
        type Data = Bytes;
        type Error = BoxError;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
            if self.sent {
                Poll::Pending
            } else {
                self.sent = true;
                Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"a")))))
            }
        }
    }

    fn state() -> Arc<ConnState> {
        Arc::new(ConnState::new(
            1,
            Duration::from_secs(1),
            Duration::from_secs(1),
        ))
    }

    #[tokio::test]
    async fn a_body_late_fails_and_says_so() {
        let late = Arc::new(AtomicBool::new(false));
        let mut body = TimedBody::new(
            Stalls { sent: false },
            Duration::from_millis(50),
            Arc::clone(&late),
            state(),
        );
        assert!(body.frame().await.unwrap().is_ok());
        assert!(!late.load(Ordering::Acquire));
        let err = body.frame().await.unwrap().unwrap_err();
        assert!(err.is::<BodyTimeout>());
        assert!(late.load(Ordering::Acquire));
    }

    #[tokio::test]
    async fn a_body_in_time_is_untouched() {
        let late = Arc::new(AtomicBool::new(false));
        let body = TimedBody::new(
            http_body_util::Full::new(Bytes::from_static(b"whole")),
            Duration::from_millis(50),
            Arc::clone(&late),
            state(),
        );
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"whole");
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert!(!late.load(Ordering::Acquire));
    }
}
