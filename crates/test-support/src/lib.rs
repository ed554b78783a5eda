#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod google;
mod redis;
mod supabase;
mod upstream;

use std::convert::Infallible;
use std::future::Future;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};

/// Serves HTTP/1.1 on `listener` until the runtime stops, answering every
/// request with `answer(server.clone(), request)` (the loopback fakes).
pub(crate) fn serve_http1<S, F, Fut, B>(listener: tokio::net::TcpListener, server: S, answer: F)
where
    S: Clone + Send + Sync + 'static,
    F: Fn(S, http::Request<Incoming>) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = http::Response<B>> + Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let server = server.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: http::Request<Incoming>| {
                    let server = server.clone();
                    async move { Ok::<_, Infallible>(answer(server, request).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

pub use google::{FAKE_SERVICE_ACCOUNT, FakeGoogle, FileContent, GoogleFault};
pub use redis::RedisServer;
pub use supabase::{FakeSupabase, FakeUser, RSA_TEST_PUBLIC_KEY_PEM, SupabaseMode, unix_now};
pub use upstream::{Received, RecordingUpstream};
