//! The signed request the webhook benches verify: the secret, the id, a
//! body of a given size, and the headers a delivery through a load
//! balancer carries besides its signature. Shared by `webhook_hmac` and
//! `webhook_instructions`, so both measure the same request.

#![allow(dead_code)] // Each bench uses the part it needs.

use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
pub(crate) const ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";

pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

pub(crate) fn body(size: usize) -> Vec<u8> {
    // JSON-ish ASCII, so the `standardwebhooks` crate (UTF-8 only) can take it.
    (0..size).map(|i| b'a' + (i % 26) as u8).collect()
}

/// What a delivery through a load balancer carries besides its signature,
/// so header lookups are measured on a realistic map, not a 3-entry one.
pub(crate) fn with_typical_headers(
    mut headers: http::HeaderMap,
    body_len: usize,
) -> http::HeaderMap {
    for (name, value) in [
        ("host", "api.example.com".to_owned()),
        ("user-agent", "Supabase-Auth-Hook/2.0".to_owned()),
        ("content-type", "application/json".to_owned()),
        ("content-length", body_len.to_string()),
        ("accept", "*/*".to_owned()),
        ("accept-encoding", "gzip, deflate".to_owned()),
        ("x-forwarded-for", "203.0.113.7".to_owned()),
        ("x-forwarded-proto", "https".to_owned()),
        (
            "x-request-id",
            "4bf92f3577b34da6a3ce929d0e0e4736".to_owned(),
        ),
        (
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
        ),
    ] {
        headers.insert(name, value.parse().expect("valid header value"));
    }
    headers
}

pub(crate) fn key_bytes() -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(SECRET.trim_start_matches("whsec_"))
        .expect("vector secret is base64")
}
