use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use tokio::net::TcpListener;

/// One request the upstream received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The method.
    pub method: Method,
    /// Path and query.
    pub uri: String,
    /// Every header as it arrived.
    pub headers: HeaderMap,
    /// The body, byte for byte.
    pub body: Bytes,
}

#[derive(Debug)]
struct Behaviour {
    status: u16,
    body: String,
    delay: Duration,
}

/// A loopback HTTP/1.1 server standing in for the API behind the gateway:
/// it records every request (method, path, headers, body) and answers with
/// a configurable status, body and delay. Its answers carry
/// `x-upstream: yes`, a hop-by-hop `keep-alive` header and a permissive
/// CORS policy of its own (`access-control-allow-origin: *` with
/// credentials), so a proxy can be checked for passing the first and
/// dropping the others.
#[derive(Debug, Clone)]
pub struct RecordingUpstream {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

impl RecordingUpstream {
    /// Starts on a free loopback port, answering 200 `{"upstream":"ok"}`.
    pub async fn start() -> Self {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts on `addr` (for an upstream that comes back on the port a
    /// service was already told about).
    pub async fn start_on(addr: SocketAddr) -> Self {
        let listener = TcpListener::bind(addr).await.expect("bind loopback");
        let upstream = Self {
            addr: listener.local_addr().expect("local addr"),
            received: Arc::default(),
            behaviour: Arc::new(Mutex::new(Behaviour {
                status: 200,
                body: r#"{"upstream":"ok"}"#.to_owned(),
                delay: Duration::ZERO,
            })),
        };
        crate::serve_http1(listener, upstream.clone(), |server, request| async move {
            server.answer(request).await
        });
        upstream
    }

    /// `http://127.0.0.1:{port}`, the value for `UPSTREAM_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers with `status` and `body` from now on.
    pub fn respond(&self, status: u16, body: &str) {
        let mut b = self.behaviour();
        b.status = status;
        b.body = body.to_owned();
    }

    /// Waits `delay` before answering.
    pub fn delay(&self, delay: Duration) {
        self.behaviour().delay = delay;
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn behaviour(&self) -> std::sync::MutexGuard<'_, Behaviour> {
        self.behaviour
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    async fn answer(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = body
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Received {
                method: parts.method,
                uri: parts
                    .uri
                    .path_and_query()
                    .map_or("/".to_owned(), |pq| pq.as_str().to_owned()),
                headers: parts.headers,
                body,
            });
        let (status, text, delay) = {
            let b = self.behaviour();
            (b.status, b.body.clone(), b.delay)
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let mut response = Response::new(Full::new(Bytes::from(text)));
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        let headers = response.headers_mut();
        headers.insert("content-type", "application/json".parse().expect("header"));
        headers.insert("x-upstream", "yes".parse().expect("header"));
        headers.insert("keep-alive", "timeout=5".parse().expect("header"));
        headers.insert("access-control-allow-origin", "*".parse().expect("header"));
        headers.insert(
            "access-control-allow-credentials",
            "true".parse().expect("header"),
        );
        response
    }
}
