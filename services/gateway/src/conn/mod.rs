//! A connection from accept to close.
//!
//! Every phase has a deadline, whatever the protocol:
//!
//! | phase | deadline | when it passes |
//! | --- | --- | --- |
//! | accept → first complete request head (HTTP/1 head, or HTTP/2 HEADERS; a preface, SETTINGS or PINGs do not count) | `HEADER_READ_TIMEOUT_MS` | closed |
//! | first byte of a later HTTP/1 head → its end (for bytes that came while a request was in flight, held by `ConnIo`: from that request's end) | `HEADER_READ_TIMEOUT_MS` | closed |
//! | request head → end of its body | `BODY_READ_TIMEOUT_MS` | 408 (generic JSON error), then the connection closes |
//! | nothing in flight (HTTP/1 keep-alive, HTTP/2) | `IDLE_TIMEOUT_MS` | closed (HTTP/2: GOAWAY first) |
//! | a write to the client blocked | `WRITE_TIMEOUT_MS` | dropped |
//! | a response frame not taken by the connection (an HTTP/2 window the client never opens) | `WRITE_TIMEOUT_MS` | dropped |
//! | HTTP/2 PING unanswered | `HTTP2_KEEPALIVE_TIMEOUT_MS` | dropped (hyper) |
//!
//! hyper's own HTTP/1 header timeout is not used: it starts only once the
//! HTTP/1 parser runs (never for a silent socket or an HTTP/2 preface), and
//! between requests it would cut keep-alive connections at the header
//! deadline instead of the idle one. A supervisor beside each connection
//! keeps the deadlines instead, from what the connection's socket, requests
//! and responses tell it through its `ConnState`.
//!
//! The connection budget (`Registry`) is counted from accept: a client
//! (its peer address, keyed like the rate limiter) holds at most
//! `MAX_CONNECTIONS_PER_CLIENT`; near `MAX_CONNECTIONS` the connection idle
//! longest is closed at each accept; past it a connection is accepted and
//! closed at once (with a reset, so it leaves nothing behind), and counted
//! in `alphaguard_connections_refused_total{reason}`.

mod body;
mod chunked;
mod io;
mod registry;
mod state;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use http::header::{self, HeaderValue};
use http::{Request, Response, StatusCode, Version};
use hyper::body::{Body as _, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::TcpStream;
use tokio::sync::watch;

pub use body::BodyTimeout;
pub(crate) use registry::{Registry, Slot};
pub(crate) use state::ConnState;

use crate::app::App;
use crate::request_id::X_REQUEST_ID;
use crate::respond::{self, Body};
use crate::settings::ServerLimits;
use body::{TimedBody, Tracked};
use io::ConnIo;

/// `alphaguard_connections_open`: connections open now.
pub const CONNECTIONS_OPEN: &str = "alphaguard_connections_open";
/// `alphaguard_connections_refused_total{reason}`: connections closed at
/// accept (`max_connections`, `max_connections_per_client`).
pub const CONNECTIONS_REFUSED: &str = "alphaguard_connections_refused_total";
/// `alphaguard_connections_closed_total{reason}`: connections the server
/// closed before the client did, by [`Close`] label.
pub const CONNECTIONS_CLOSED: &str = "alphaguard_connections_closed_total";

/// Describes the connection metrics (once the recorder is installed).
pub(crate) fn describe_metrics() {
    metrics::describe_gauge!(CONNECTIONS_OPEN, "Connections open now.");
    metrics::describe_counter!(
        CONNECTIONS_REFUSED,
        "Connections closed at accept: MAX_CONNECTIONS or MAX_CONNECTIONS_PER_CLIENT reached."
    );
    metrics::describe_counter!(
        CONNECTIONS_CLOSED,
        "Connections the server closed: a deadline passed, too many resets, or room made near MAX_CONNECTIONS."
    );
}

/// Why the server closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
#[non_exhaustive]
pub enum Close {
    /// No complete request head in time (`HEADER_READ_TIMEOUT_MS`).
    HeaderTimeout = 1,
    /// Nothing in flight for `IDLE_TIMEOUT_MS`.
    Idle,
    /// A request body late (`BODY_READ_TIMEOUT_MS`).
    BodyTimeout,
    /// A write blocked for `WRITE_TIMEOUT_MS`.
    WriteTimeout,
    /// Too many HTTP/2 streams cancelled (`HTTP2_MAX_RESETS`).
    Resets,
    /// Idle, and closed to make room near `MAX_CONNECTIONS`.
    Evicted,
}

impl Close {
    /// The `reason` label of [`CONNECTIONS_CLOSED`].
    pub fn label(self) -> &'static str {
        match self {
            Self::HeaderTimeout => "header_timeout",
            Self::Idle => "idle",
            Self::BodyTimeout => "body_timeout",
            Self::WriteTimeout => "write_timeout",
            Self::Resets => "http2_resets",
            Self::Evicted => "evicted",
        }
    }

    fn from_u8(value: u8) -> Option<Self> {
        [
            Self::HeaderTimeout,
            Self::Idle,
            Self::BodyTimeout,
            Self::WriteTimeout,
            Self::Resets,
            Self::Evicted,
        ]
        .into_iter()
        .find(|c| *c as u8 == value)
    }

    fn count(self) {
        metrics::counter!(CONNECTIONS_CLOSED, "reason" => self.label()).increment(1);
    }
}

/// The longest a connection the server closes may take to finish.
const CLOSE_DRAIN: Duration = Duration::from_secs(1);

/// Where the server is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Serving.
    Serving,
    /// Shutting down: finish what is in flight, take nothing new.
    Draining,
    /// The shutdown grace is over: close now.
    Abort,
}

/// The protocol builder every connection is served with: HTTP/1.1 and
/// HTTP/2 (prior knowledge) on one port, with the HTTP/2 limits.
pub(crate) fn builder(limits: &ServerLimits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // hyper's header_read_timeout is switched off (its default is 30 s
    // once a timer is set, and it runs between requests too, so it would
    // close keep-alive connections at 30 s whatever IDLE_TIMEOUT_MS says,
    // and costs a timer per request): the supervisor keeps that deadline
    // (see the module docs).
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .max_buf_size(limits.max_header_bytes.max(8192));
    let max_resets = usize::try_from(limits.http2_max_resets).unwrap_or(usize::MAX);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX))
        .max_concurrent_streams(limits.http2_max_concurrent_streams)
        .max_frame_size(limits.http2_max_frame_size)
        .keep_alive_interval(limits.http2_keepalive_interval)
        .keep_alive_timeout(limits.http2_keepalive_timeout)
        // Resets the server must send because of the client's protocol
        // errors, over the connection's life (hyper's default: 1024).
        .max_local_error_reset_streams(max_resets)
        // Streams cancelled before the server took them: h2's default
        // (20) is kept, and stays below HTTP2_MAX_RESETS.
        .max_pending_accept_reset_streams(max_resets.min(20));
    builder
}

/// The answer to a request whose body did not arrive in time, whatever
/// the handler made of the failed read.
fn too_slow(answered: &Response<Body>, http2: bool) -> Response<Body> {
    let id = answered.headers().get(X_REQUEST_ID).cloned();
    let text = id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info!(
        request_id = text,
        "request body not received in time: 408, closing the connection"
    );
    let mut response = respond::error(StatusCode::REQUEST_TIMEOUT, "request timeout", text);
    if let Some(id) = id {
        response.headers_mut().insert(X_REQUEST_ID, id);
    }
    if !http2 {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// What every connection of one server shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) builder: auto::Builder<TokioExecutor>,
    pub(crate) app: Arc<App>,
    pub(crate) limits: ServerLimits,
}

/// Serves one admitted connection until it ends, a deadline passes or the
/// server stops; gives its slot back at the end.
pub(crate) async fn run(
    shared: Arc<Shared>,
    stream: TcpStream,
    peer: SocketAddr,
    state: Arc<ConnState>,
    slot: Slot,
    mut phase: watch::Receiver<Phase>,
) {
    let limits = &shared.limits;
    // A connection the server closes (GOAWAY on HTTP/2) gets this long to
    // finish what is in flight: the 408 of a late body, nothing for an
    // idle one; a client that does not answer GOAWAY's PING is not waited
    // for.
    let drain = limits.write_timeout.min(CLOSE_DRAIN);
    let io = TokioIo::new(ConnIo::new(
        stream,
        Arc::clone(&state),
        limits.write_timeout,
        // A head held back is at most what hyper would buffer of one.
        limits.max_header_bytes.max(8192),
    ));
    let service = {
        let state = Arc::clone(&state);
        let shared = Arc::clone(&shared);
        let body_timeout = limits.body_read_timeout;
        service_fn(move |request: Request<Incoming>| {
            let http2 = request.version() == Version::HTTP_2;
            let guard = state.begin_request(http2);
            if !http2 {
                // Its length, as hyper framed it (none: chunked).
                state.set_body_len(request.body().size_hint().exact());
            }
            let late = Arc::new(AtomicBool::new(false));
            let request = request.map(|body| {
                TimedBody::new(body, body_timeout, Arc::clone(&late), Arc::clone(&state))
            });
            let shared = Arc::clone(&shared);
            let state = Arc::clone(&state);
            async move {
                let mut response = shared.app.handle(request, peer).await;
                if late.load(Ordering::Acquire) {
                    response = too_slow(&response, http2);
                    state.request_close(Close::BodyTimeout);
                }
                Ok::<_, Infallible>(response.map(|body| Tracked::new(body, guard)))
            }
        })
    };
    // Boxed so it can be dropped (the socket closed) before the slot goes.
    let mut conn = Box::pin(shared.builder.serve_connection(io, service));
    // Once a graceful close has begun: when to stop waiting for it.
    let mut closing: Option<Instant> = None;
    loop {
        // Looked at again at least every write deadline: a request that
        // came in since may have a response waiting for the client, and
        // starting one wakes nobody. Nor does ending one, or starting the
        // next head, unless that deadline falls before this timer (see
        // `ConnState::arm`): a busy keep-alive connection wakes its
        // supervisor about once per header deadline, not per request.
        state.disarm();
        let deadline = closing.or_else(|| {
            state
                .deadline(
                    limits.header_read_timeout,
                    limits.idle_timeout,
                    limits.write_timeout,
                )
                .map(|(at, _)| at.min(Instant::now() + limits.write_timeout))
        });
        state.arm(deadline);
        let timer = async move {
            match deadline {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, %peer, "connection ended with an error");
                }
                break;
            }
            () = state.wake.notified() => {}
            changed = phase.changed() => if changed.is_err() {
                break;
            },
            () = timer => {}
        }
        let now = Instant::now();
        let current = *phase.borrow();
        if current == Phase::Abort {
            break;
        }
        if let Some(until) = closing {
            if now >= until {
                break;
            }
            continue;
        }
        if current == Phase::Draining {
            conn.as_mut().graceful_shutdown();
            closing = Some(now + limits.shutdown_grace + Duration::from_secs(1));
            continue;
        }
        if let Some(why) = state.close_requested() {
            if why == Close::Evicted && state.is_busy() {
                // A request came in first: it is not idle any more.
                state.withdraw_eviction();
                continue;
            }
            why.count();
            conn.as_mut().graceful_shutdown();
            closing = Some(now + drain);
            continue;
        }
        if let Some((at, why)) = state.deadline(
            limits.header_read_timeout,
            limits.idle_timeout,
            limits.write_timeout,
        ) && at <= now
        {
            if why == Close::WriteTimeout {
                // Counted once below, with the socket's own.
                state.set_write_timed_out();
            } else {
                why.count();
            }
            tracing::debug!(%peer, reason = why.label(), "closing the connection");
            if matches!(why, Close::HeaderTimeout | Close::WriteTimeout) {
                // Nothing to finish: no request in flight, or a client
                // that does not read what is sent.
                break;
            }
            conn.as_mut().graceful_shutdown();
            closing = Some(now + drain);
        }
    }
    if state.write_timed_out() {
        Close::WriteTimeout.count();
        tracing::debug!(%peer, reason = Close::WriteTimeout.label(), "connection dropped");
    }
    drop(conn);
    drop(slot);
}
