//! Where the gateway's own time goes on `GET /api/me` with an API key,
//! without sockets (hyper and the kernel cost the same with or without
//! the gateway). Run with `cargo bench -p alphaguard --bench handle`.
//!
//! - `handle/access_log_off` and `handle/access_log_on`: `App::handle`,
//!   the whole request path (client address, request id, canonical path,
//!   route, limiter, API key, the JSON answer, rate-limit fields, metrics),
//!   the second with the text access log written to a sink as production
//!   writes it (`SafeFields`, the `TextLine` format with its `UtcMicros`
//!   timer);
//! - `handle/access_log_on_stock_format`, `..._without_time`,
//!   `..._stock_fields`: the same line through tracing-subscriber's own
//!   full format, without its timestamp, and with the stock field
//!   formatter;
//! - `steps/*`: the request path's parts on their own, for the breakdown.

use std::net::SocketAddr;
use std::time::SystemTime;

use alphaguard_gateway::app::App;
use alphaguard_gateway::log_line::TextLine;
use alphaguard_gateway::log_time::UtcMicros;
use alphaguard_gateway::path::CanonicalPath;
use alphaguard_gateway::request_id::RequestIds;
use alphaguard_gateway::settings::Settings;
use alphaguard_sanitize::SafeFields;
use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http::Request;
use http_body_util::Empty;
use std::hint::black_box;
use tokio::runtime::Runtime;

const KEY: &str = "load-test-key-0123456789abcdef";

fn app(rt: &Runtime, access_log: bool) -> App {
    let vars = [
        ("API_KEY", KEY),
        ("WEBHOOK_INBOX_URL", "memory:"),
        ("RATE_LIMIT_READ_PER_MIN", "16777215"),
        ("ACCESS_LOG", if access_log { "on" } else { "off" }),
    ];
    let settings = Settings::from_lookup(&move |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    })
    .expect("settings");
    rt.block_on(App::build(settings)).expect("app")
}

fn request() -> Request<Empty<Bytes>> {
    Request::get("/api/me")
        .header("host", "127.0.0.1:8080")
        .header("x-api-key", KEY)
        .header("user-agent", "wrk")
        .body(Empty::new())
        .expect("request")
}

fn handle(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let peer: SocketAddr = "10.1.2.3:40000".parse().expect("addr");
    let mut group = c.benchmark_group("handle");
    // One request through `app`, with `subscriber` (if any) writing its
    // log lines.
    let mut bench = |name: &str, app: &App, subscriber: Option<tracing::Dispatch>| {
        let mut run = || {
            group.bench_function(name, |b| {
                b.iter(|| {
                    let response = rt.block_on(app.handle(request(), peer));
                    assert_eq!(response.status(), 200);
                    black_box(response)
                });
            });
        };
        match subscriber {
            Some(dispatch) => tracing::dispatcher::with_default(&dispatch, run),
            None => run(),
        }
    };
    bench("access_log_off", &app(&rt, false), None);
    let logged = app(&rt, true);
    // As `alphaguard` sets it up for LOG_FORMAT=text.
    let production = tracing_subscriber::fmt()
        .fmt_fields(SafeFields::default())
        .with_ansi(false)
        .event_format(TextLine::default())
        .with_writer(std::io::sink)
        .finish();
    bench("access_log_on", &logged, Some(production.into()));
    // The same bytes through tracing-subscriber's own full format (what
    // `TextLine` replaced).
    let stock_format = tracing_subscriber::fmt()
        .fmt_fields(SafeFields::default())
        .with_timer(UtcMicros)
        .with_ansi(false)
        .with_writer(std::io::sink)
        .finish();
    bench(
        "access_log_on_stock_format",
        &logged,
        Some(stock_format.into()),
    );
    // What the access line's parts cost: without the timestamp, and with
    // the stock field formatter instead of `SafeFields`.
    let no_time = tracing_subscriber::fmt()
        .fmt_fields(SafeFields::default())
        .with_ansi(false)
        .without_time()
        .with_writer(std::io::sink)
        .finish();
    bench("access_log_on_without_time", &logged, Some(no_time.into()));
    let stock = tracing_subscriber::fmt()
        .with_timer(UtcMicros)
        .with_ansi(false)
        .with_writer(std::io::sink)
        .finish();
    bench("access_log_on_stock_fields", &logged, Some(stock.into()));
    group.finish();

    let mut group = c.benchmark_group("steps");
    group.bench_function("block_on_and_request", |b| {
        b.iter(|| rt.block_on(async { black_box(request()) }));
    });
    let ids = RequestIds::default();
    group.bench_function("request_id", |b| b.iter(|| black_box(ids.make())));
    group.bench_function("canonical_path", |b| {
        b.iter(|| black_box(CanonicalPath::parse(black_box("/api/me"))))
    });
    group.bench_function("system_time", |b| b.iter(|| black_box(SystemTime::now())));
    group.bench_function("instant", |b| {
        b.iter(|| black_box(std::time::Instant::now()))
    });
    group.finish();
}

criterion_group!(benches, handle);
criterion_main!(benches);
