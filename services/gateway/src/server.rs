//! The HTTP server: accepts, applies the connection budget, and hands each
//! connection to [`crate::conn`] (HTTP/1.1 and HTTP/2 on one port, a
//! deadline for every phase, the HTTP/2 limits); graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::App;
use crate::conn::{self, CONNECTIONS_REFUSED, ConnState, Phase, Registry, Shared};
use crate::settings::ServerLimits;

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// accepting and gives in-flight requests `limits.shutdown_grace` to
/// finish.
///
/// - every phase of a connection has a deadline (`limits`: header read
///   from accept whatever the protocol, body read, keep-alive idle, write,
///   HTTP/2 keep-alive); see [`crate::conn`];
/// - heads over `max_header_bytes` are refused (431 on HTTP/1, a stream
///   error on HTTP/2);
/// - at most `max_connections` are open at once, and
///   `max_connections_per_client` per client; a connection over either
///   cap is accepted and closed at once, and counted;
/// - HTTP/1.1 and HTTP/2 (prior knowledge) are told apart per connection.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) {
    conn::describe_metrics();
    let registry = Arc::new(Registry::new(
        limits.max_connections,
        limits.max_connections_per_client,
        limits.resolver.clone(),
    ));
    let grace = limits.shutdown_grace;
    let shared = Arc::new(Shared {
        builder: conn::builder(&limits),
        app: Arc::clone(&app),
        limits,
    });
    let (phase, watch_phase) = watch::channel(Phase::Serving);

    // Keep the histogram storage drained between scrapes: often, so each
    // drain is short, and off the request workers.
    let upkeep = {
        let handle = app.metrics().clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                let handle = handle.clone();
                let _ = tokio::task::spawn_blocking(move || handle.run_upkeep()).await;
            }
        })
    };

    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of descriptors and the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let limits = &shared.limits;
        let state = Arc::new(ConnState::new(
            limits.http2_max_resets,
            limits.header_read_timeout,
            limits.idle_timeout,
        ));
        let slot = match registry.admit(peer.ip().to_canonical(), &state) {
            Ok(slot) => slot,
            Err(refused) => {
                metrics::counter!(CONNECTIONS_REFUSED, "reason" => refused.label()).increment(1);
                tracing::debug!(%peer, reason = refused.label(), "connection refused");
                // A reset, not a FIN: no TIME_WAIT left behind.
                let _ = stream.set_zero_linger();
                drop(stream);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(conn::run(
            Arc::clone(&shared),
            stream,
            peer,
            state,
            slot,
            watch_phase.clone(),
        ));
    }
    drop(listener);
    tracing::info!(
        in_flight = registry.open(),
        "shutting down: no new connections, draining"
    );
    let _ = phase.send(Phase::Draining);
    if wait_for_none(&registry, grace).await {
        tracing::info!("drained");
    } else {
        tracing::warn!("shutdown grace period over; closing what is left");
        let _ = phase.send(Phase::Abort);
        wait_for_none(&registry, Duration::from_secs(1)).await;
    }
    upkeep.abort();
}

/// Waits up to `limit` for every connection to close; whether they did.
async fn wait_for_none(registry: &Registry, limit: Duration) -> bool {
    let until = Instant::now() + limit;
    loop {
        if registry.open() == 0 {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Serves `GET /metrics` (and 404 for anything else) on its own listener,
/// for `METRICS_BIND_ADDR`: HTTP/1.1 only, one connection at a time per
/// task, no limits (bind it to an address only the scraper reaches).
pub async fn serve_metrics(listener: TcpListener, app: Arc<App>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let app = Arc::clone(&app);
                async move { Ok::<_, Infallible>(app.metrics_only(&request)) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A future that completes on SIGINT or SIGTERM. The handlers are
/// installed when this is called, not when the future is first polled, so
/// a signal that arrives between "listening" and the first poll still
/// shuts the server down cleanly. Call it inside the runtime.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let term = signal(SignalKind::terminate());
        async move {
            match (interrupt, term) {
                (Ok(mut interrupt), Ok(mut term)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {},
                        _ = term.recv() => {},
                    }
                }
                (interrupt, term) => {
                    let e = interrupt.err().or(term.err());
                    tracing::warn!(error = ?e, "cannot listen for SIGINT or SIGTERM; Ctrl-C only");
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async move {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
