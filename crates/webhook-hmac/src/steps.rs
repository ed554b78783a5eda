//! The steps of [`Verifier::verify`](crate::Verifier::verify), one by one,
//! so the benches can time each on its own and account for the cost above
//! the bare HMAC. Feature `bench-steps`; not part of the API, no semver
//! promise.

use std::time::Duration;

use constant_time_eq::constant_time_eq_n;
use http::HeaderMap;

use crate::{Clock, Secret, SystemClock, Verified, plain, standard};

/// Unpadded base64 of a 32-byte tag, as `v1` entries carry it.
pub type V1 = [u8; standard::V1_B64_LEN];

/// Standard Webhooks: finds the three headers in one pass over the map.
pub fn standard_headers(headers: &HeaderMap) -> Option<[&[u8]; 3]> {
    standard::standard_headers(headers).ok()
}

/// Standard Webhooks: checks the id and parses the timestamp.
pub fn parse_id_and_timestamp<'a>(id: &'a [u8], timestamp: &[u8]) -> Option<(&'a str, u64)> {
    Some((
        standard::parse_id(id)?,
        standard::parse_timestamp(timestamp)?,
    ))
}

/// The wall clock read that the tolerance check needs.
pub fn now() -> Duration {
    SystemClock.now()
}

/// Standard Webhooks: scans the signature list and returns the last `v1`
/// entry's value, as verification walks it.
pub fn last_v1_entry(signature: &[u8]) -> Option<&[u8]> {
    let mut found = None;
    for entry in standard::signature_entries(signature) {
        if let Some((b"v1", value)) = standard::split_entry(entry) {
            found = Some(value);
        }
    }
    found
}

/// Standard Webhooks: the HMAC of `{id}.{timestamp}.{body}` with the first
/// key, without copying the body.
pub fn standard_tag(secret: &Secret, id: &[u8], timestamp: &[u8], body: &[u8]) -> Option<[u8; 32]> {
    let tag = standard::tag(secret.hmac_keys().first()?, id, timestamp, body);
    tag.as_ref().try_into().ok()
}

/// Standard Webhooks: a tag as unpadded base64, the form it is compared in.
pub fn encode_v1(tag: &[u8; 32]) -> V1 {
    let mut out = [0u8; standard::V1_B64_LEN];
    standard::encode_tag(tag, &mut out);
    out
}

/// The constant-time comparison of an expected `v1` value with a candidate.
pub fn compare_v1(expected: &V1, candidate: &V1) -> bool {
    constant_time_eq_n(expected, candidate)
}

/// Standard Webhooks: the result, which owns a copy of the id.
pub fn verified(id: &str, timestamp: u64) -> Verified {
    standard::verified(id, timestamp, 0)
}

/// Plain scheme: finds the `X-Signature-256` header (the hashed lookup).
pub fn plain_header(headers: &HeaderMap) -> Option<&str> {
    plain::header_str(headers, &plain::SIGNATURE_NAME, plain::SIGNATURE_HEADER).ok()
}

/// Plain scheme: checks the `sha256=` prefix and decodes the hex digits.
pub fn plain_decode(value: &str) -> Option<[u8; 32]> {
    plain::decode_value(value)
}
