//! The steps of [`Verifier::verify`](crate::Verifier::verify), one by one,
//! so the benches can time each on its own and account for the cost above
//! the bare HMAC. Feature `bench-steps`; not part of the API, no semver
//! promise.

use std::time::Duration;

use http::HeaderMap;

use crate::{Clock, Secret, SystemClock, Verified, plain, standard};

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

/// The wall clock read that the tolerance check needs: the coarse one,
/// for a timestamp more than a second inside the tolerance.
pub fn now() -> Option<Duration> {
    SystemClock.now_coarse()
}

/// The precise wall clock read, which decides timestamps near the edges.
pub fn now_precise() -> Duration {
    SystemClock.now()
}

/// Standard Webhooks: the candidate tag of a one-entry `webhook-signature`
/// (`v1,<base64>`, the usual header), prefix checked and value decoded, as
/// verification reads it before walking a list.
pub fn single_v1(signature: &[u8]) -> Option<[u8; 32]> {
    standard::decode_v1(signature.strip_prefix(b"v1,")?)
}

/// Standard Webhooks: the HMAC of `{id}.{timestamp}.{body}` with the first
/// key, as verification computes it.
pub fn standard_tag(secret: &Secret, id: &[u8], timestamp: &[u8], body: &[u8]) -> Option<[u8; 32]> {
    Some(standard::tag(
        secret.hmac_keys().first()?,
        id,
        timestamp,
        body,
    ))
}

/// Plain scheme: the HMAC of the body with the first key, as verification
/// computes it.
pub fn plain_tag(secret: &Secret, body: &[u8]) -> Option<[u8; 32]> {
    Some(plain::tag(secret.hmac_keys().first()?, body))
}

/// The constant-time comparison of the candidate with every key's tag.
pub fn compare_v1(tags: &[[u8; 32]], candidate: &[u8; 32]) -> Option<usize> {
    standard::match_tag(tags, candidate)
}

/// Standard Webhooks: the result, which owns a copy of the id.
pub fn verified(id: &str, timestamp: u64) -> Verified {
    standard::verified(id, timestamp, 0)
}

/// Plain scheme: whether the body is shaped like Standard Webhooks signed
/// content (refused on the plain scheme).
pub fn standard_shaped(body: &[u8]) -> bool {
    crate::standard_shaped(body)
}

/// Plain scheme: finds the `X-Signature-256` header (one pass).
pub fn plain_header(headers: &HeaderMap) -> Option<&[u8]> {
    plain::signature_value(headers).ok().map(|(value, _)| value)
}

/// Plain scheme: checks the `sha256=` prefix and decodes the hex digits.
pub fn plain_decode(value: &[u8]) -> Option<[u8; 32]> {
    plain::decode_value_bytes(value)
}
