//! The Google credentials cache: a hit, with the value fetched once from a
//! loopback Secret Manager. Run with
//! `cargo bench -p alphaguard-benches --bench gcp_secrets`.

mod support;

use std::hint::black_box;
use std::io::Write as _;

use alphaguard_gcp_secrets::{Config, GoogleCredentials};
use alphaguard_test_support::FakeGoogle;
use criterion::{Criterion, criterion_group, criterion_main};

fn cache_hit(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let google = runtime.block_on(FakeGoogle::start());
    google.add_secret_version(
        "bench-project",
        "alphapy-google-credentials",
        google.service_account_json().as_bytes(),
    );
    let mut key_file = tempfile::NamedTempFile::new().expect("temp file");
    key_file
        .write_all(google.service_account_json().as_bytes())
        .expect("key file");
    let path = key_file.path().to_string_lossy().into_owned();
    let url = google.url();
    let config = Config::from_lookup(|var| match var {
        "GOOGLE_PROJECT_ID" => Some("bench-project".to_owned()),
        "SECRET_MANAGER_ENDPOINT" => Some(url.clone()),
        "GOOGLE_APPLICATION_CREDENTIALS" => Some(path.clone()),
        _ => None,
    })
    .expect("config");
    let credentials = runtime
        .block_on(GoogleCredentials::from_config(&config))
        .expect("credentials");
    runtime
        .block_on(credentials.service_account_json())
        .expect("first fetch");

    let mut group = c.benchmark_group("gcp_secrets/cache_hit");
    group.bench_function("cached_service_account_json", |b| {
        b.iter(|| black_box(credentials.cached_service_account_json()))
    });
    let local = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    group.bench_function("service_account_json_block_on", |b| {
        b.iter(|| black_box(local.block_on(credentials.service_account_json())))
    });
    group.finish();
    assert_eq!(
        google.hits("access"),
        1,
        "every read after the first was a hit"
    );
}

criterion_group! {
    name = benches;
    // Wall time, 150 samples of 6 s: the settings every quoted bench uses.
    config = support::config(Criterion::default());
    targets = cache_hit
}
criterion_main!(benches);
