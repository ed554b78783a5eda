//! API-key checks: three configured keys, the presented one matching the
//! last, none, or a key of another length. Run with
//! `cargo bench -p alphaguard-benches --bench auth`.

use std::hint::black_box;

use alphaguard_auth::ApiKeys;
use criterion::{Criterion, criterion_group, criterion_main};

fn api_keys(c: &mut Criterion) {
    let keys = ApiKeys::parse(
        "key-one-0123456789abcdef,key-two-0123456789abcdef,key-three-0123456789abcdef",
    )
    .expect("valid keys");
    let mut group = c.benchmark_group("auth/api_key_3_keys");
    group.bench_function("match_last", |b| {
        b.iter(|| black_box(keys.verify(black_box("key-three-0123456789abcdef"))))
    });
    group.bench_function("no_match", |b| {
        b.iter(|| black_box(keys.verify(black_box("key-four-0123456789abcdefg"))))
    });
    group.bench_function("no_match_long", |b| {
        let long = "x".repeat(256);
        b.iter(|| black_box(keys.verify(black_box(&long))))
    });
    group.finish();
}

criterion_group!(benches, api_keys);
criterion_main!(benches);
