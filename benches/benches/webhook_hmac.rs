//! Webhook verification: alphaguard against raw `ring`, RustCrypto `hmac`,
//! and the `standardwebhooks` crate, with `ring::digest` SHA-256 as the
//! ceiling. Run with `cargo bench -p alphaguard-benches --bench webhook_hmac`.
//!
//! Every contender verifies the same signed request at each size; the
//! ratios between them, from one run, are the result. Group `webhook/steps`
//! times each step of our path on its own (feature `bench-steps` of the
//! crate), for the README's breakdown. Measured in thread CPU time (see
//! `support`).

mod support;
mod webhook_fixture;

use std::hint::black_box;
use std::time::Duration;

use alphaguard_webhook_hmac::{Accept, Secret, Verifier, plain, standard};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use support::CpuTime;
use webhook_fixture::{ID, SECRET, body, key_bytes, now, with_typical_headers};

const SIZES: [usize; 4] = [64, 1024, 16 * 1024, 1024 * 1024];

fn standard_scheme(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("webhook/standard");
    let ours = Verifier::new(Secret::parse(SECRET).expect("secret")).accept(Accept::Standard);
    let peer = standardwebhooks::Webhook::new(SECRET).expect("secret");
    let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key_bytes());
    let rc_key = Hmac::<Sha256>::new_from_slice(&key_bytes()).expect("any key length");

    for size in SIZES {
        let body = body(size);
        let ts = now();
        let headers = with_typical_headers(
            standard::sign_headers(ours.secret(), ID, ts, &body).expect("hmac key"),
            size,
        );
        // What the raw primitives verify: the same signed content, built once.
        let content = [ID.as_bytes(), b".", ts.to_string().as_bytes(), b".", &body].concat();
        let tag = ring::hmac::sign(&ring_key, &content);
        group.throughput(Throughput::Bytes(size as u64));

        group.bench_with_input(BenchmarkId::new("alphaguard", size), &body, |b, body| {
            b.iter(|| {
                ours.verify(black_box(&headers), black_box(body))
                    .expect("valid")
            })
        });
        group.bench_with_input(
            BenchmarkId::new("standardwebhooks", size),
            &body,
            |b, body| {
                b.iter(|| {
                    peer.verify(black_box(body), black_box(&headers))
                        .expect("valid")
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("ring-verify", size),
            &content,
            |b, content| {
                b.iter(|| {
                    ring::hmac::verify(&ring_key, black_box(content), tag.as_ref()).expect("valid")
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("rustcrypto-hmac", size),
            &content,
            |b, content| {
                b.iter(|| {
                    let mut mac = rc_key.clone();
                    mac.update(black_box(content));
                    mac.verify_slice(tag.as_ref()).expect("valid")
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("ring-sha256", size),
            &content,
            |b, content| b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(content))),
        );
    }
    group.finish();
}

fn plain_scheme(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("webhook/plain");
    let ours = Verifier::new(Secret::parse(SECRET).expect("secret")).accept(Accept::Plain);
    let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key_bytes());
    let rc_key = Hmac::<Sha256>::new_from_slice(&key_bytes()).expect("any key length");

    for size in SIZES {
        let body = body(size);
        let headers = with_typical_headers(
            plain::sign_headers(ours.secret(), &body).expect("hmac key"),
            size,
        );
        let tag = ring::hmac::sign(&ring_key, &body);
        group.throughput(Throughput::Bytes(size as u64));

        group.bench_with_input(BenchmarkId::new("alphaguard", size), &body, |b, body| {
            b.iter(|| {
                ours.verify(black_box(&headers), black_box(body))
                    .expect("valid")
            })
        });
        group.bench_with_input(BenchmarkId::new("ring-verify", size), &body, |b, body| {
            b.iter(|| ring::hmac::verify(&ring_key, black_box(body), tag.as_ref()).expect("valid"))
        });
        group.bench_with_input(
            BenchmarkId::new("rustcrypto-hmac", size),
            &body,
            |b, body| {
                b.iter(|| {
                    let mut mac = rc_key.clone();
                    mac.update(black_box(body));
                    mac.verify_slice(tag.as_ref()).expect("valid")
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("ring-sha256", size), &body, |b, body| {
            b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(body)))
        });
    }
    group.finish();
}

/// The Standard Webhooks and plain paths at 64 B, step by step, beside the
/// whole call and the floor, in one group: the README's breakdown.
fn steps(c: &mut Criterion<CpuTime>) {
    use alphaguard_webhook_hmac::steps;

    let mut group = c.benchmark_group("webhook/steps");
    let secret = Secret::parse(SECRET).expect("secret");
    let ours = Verifier::new(Secret::parse(SECRET).expect("secret")).accept(Accept::Standard);
    let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key_bytes());
    let body = body(64);
    let ts = now();
    let ts_text = ts.to_string();
    let headers = with_typical_headers(
        standard::sign_headers(&secret, ID, ts, &body).expect("hmac key"),
        body.len(),
    );
    let [id_raw, ts_raw, sig_raw] = steps::standard_headers(&headers).expect("three headers");
    let content = [ID.as_bytes(), b".", ts_text.as_bytes(), b".", &body].concat();
    let tag = ring::hmac::sign(&ring_key, &content);
    let tag_bytes: [u8; 32] = tag.as_ref().try_into().expect("32-byte tag");
    let candidate = steps::single_v1(sig_raw).expect("one v1 entry");
    let sig_text = std::str::from_utf8(sig_raw).expect("ASCII");
    let now_d = Duration::from_secs(ts);
    let tolerance = standard::DEFAULT_TOLERANCE;

    group.bench_function("standard/whole", |b| {
        b.iter(|| {
            ours.verify(black_box(&headers), black_box(&body))
                .expect("valid")
        })
    });
    group.bench_function("standard/no-clock", |b| {
        b.iter(|| {
            standard::verify(
                &secret,
                black_box(&headers),
                black_box(&body),
                now_d,
                tolerance,
            )
            .expect("valid")
        })
    });
    group.bench_function("standard/no-clock-no-headers", |b| {
        b.iter(|| {
            standard::verify_parts(
                &secret,
                black_box(ID),
                black_box(&ts_text),
                black_box(sig_text),
                black_box(&body),
                now_d,
                tolerance,
            )
            .expect("valid")
        })
    });
    group.bench_function("standard/1-headers", |b| {
        b.iter(|| steps::standard_headers(black_box(&headers)))
    });
    group.bench_function("standard/2-id-and-timestamp", |b| {
        b.iter(|| steps::parse_id_and_timestamp(black_box(id_raw), black_box(ts_raw)))
    });
    group.bench_function("standard/3-clock", |b| b.iter(steps::now));
    group.bench_function("standard/3-clock-precise", |b| b.iter(steps::now_precise));
    group.bench_function("standard/4-signature", |b| {
        b.iter(|| steps::single_v1(black_box(sig_raw)))
    });
    group.bench_function("standard/5-hmac", |b| {
        b.iter(|| {
            steps::standard_tag(
                &secret,
                black_box(ID.as_bytes()),
                black_box(ts_text.as_bytes()),
                black_box(&body),
            )
        })
    });
    group.bench_function("standard/6-compare", |b| {
        b.iter(|| steps::compare_v1(black_box(&[tag_bytes]), black_box(&candidate)))
    });
    group.bench_function("standard/7-result", |b| {
        b.iter(|| steps::verified(black_box(ID), black_box(ts)))
    });
    group.bench_function("standard/floor-ring-verify", |b| {
        b.iter(|| ring::hmac::verify(&ring_key, black_box(&content), tag.as_ref()).expect("valid"))
    });

    let plain_ours = Verifier::new(Secret::parse(SECRET).expect("secret")).accept(Accept::Plain);
    let plain_headers = with_typical_headers(
        plain::sign_headers(&secret, &body).expect("hmac key"),
        body.len(),
    );
    let plain_value = steps::plain_header(&plain_headers).expect("signature header");
    let plain_tag = ring::hmac::sign(&ring_key, &body);
    group.bench_function("plain/whole", |b| {
        b.iter(|| {
            plain_ours
                .verify(black_box(&plain_headers), black_box(&body))
                .expect("valid")
        })
    });
    group.bench_function("plain/0-shape", |b| {
        b.iter(|| steps::standard_shaped(black_box(&body)))
    });
    group.bench_function("plain/1-header", |b| {
        b.iter(|| steps::plain_header(black_box(&plain_headers)))
    });
    group.bench_function("plain/2-hex", |b| {
        b.iter(|| steps::plain_decode(black_box(plain_value)))
    });
    group.bench_function("plain/3-hmac", |b| {
        b.iter(|| steps::plain_tag(&secret, black_box(&body)))
    });
    group.bench_function("plain/floor-ring-verify", |b| {
        b.iter(|| {
            ring::hmac::verify(&ring_key, black_box(&body), plain_tag.as_ref()).expect("valid")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::cpu_time();
    targets = standard_scheme, plain_scheme, steps
}
criterion_main!(benches);
