//! The Standard Webhooks scheme (what Supabase Auth hooks send).
//!
//! Headers `webhook-id`, `webhook-timestamp` (Unix seconds) and
//! `webhook-signature`, a list of `<version>,<base64>` entries. The signed
//! content is `{id}.{timestamp}.{body}` over the raw body bytes; `v1` is
//! HMAC-SHA256 and `v1a` is Ed25519. Entries are separated by spaces, and
//! Supabase Auth joins them with `", "`: both are accepted. Entries of any
//! other version are skipped.

use std::time::Duration;

use constant_time_eq::constant_time_eq_32;
use http::HeaderMap;
use ring::hmac;

use crate::secret::BASE64;
use crate::{Error, Scheme, Secret, Verified, header_str};

/// The `webhook-id` header.
pub const ID_HEADER: &str = "webhook-id";
/// The `webhook-timestamp` header.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// The `webhook-signature` header.
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// The default timestamp tolerance, in both directions: five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The longest `webhook-id` accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// The most entries read from one `webhook-signature` header.
pub const MAX_SIGNATURES: usize = 32;

/// Verifies a Standard Webhooks request from its headers.
///
/// `now` is the time since the Unix epoch (see [`Clock`](crate::Clock)).
pub fn verify(
    secret: &Secret,
    headers: &HeaderMap,
    body: &[u8],
    now: Duration,
    tolerance: Duration,
) -> Result<Verified, Error> {
    let id = header_str(headers, ID_HEADER)?;
    let timestamp = header_str(headers, TIMESTAMP_HEADER)?;
    let signature = header_str(headers, SIGNATURE_HEADER)?;
    verify_parts(secret, id, timestamp, signature, body, now, tolerance)
}

/// Verifies a Standard Webhooks request from the three header values, for
/// callers that do not hold an [`http::HeaderMap`].
pub fn verify_parts(
    secret: &Secret,
    id: &str,
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: Duration,
    tolerance: Duration,
) -> Result<Verified, Error> {
    // Checked before any HMAC work, so a flood of stale or malformed
    // requests costs almost nothing.
    if id.is_empty() || id.len() > MAX_ID_LEN || id.contains('.') {
        return Err(Error::MalformedHeader(ID_HEADER));
    }
    let ts = parse_timestamp(timestamp).ok_or(Error::MalformedHeader(TIMESTAMP_HEADER))?;
    if Duration::from_secs(ts).abs_diff(now) > tolerance {
        return Err(Error::TimestampOutOfTolerance);
    }
    if signature.trim().is_empty() {
        return Err(Error::MalformedHeader(SIGNATURE_HEADER));
    }

    let keys = secret.hmac_keys();
    // Tags are computed once per key, on the first `v1` entry.
    let mut tags = [[0u8; 32]; crate::secret::MAX_KEYS];
    let mut tags_ready = false;
    let mut message: Option<Vec<u8>> = None;

    for (n, entry) in signature.split_ascii_whitespace().enumerate() {
        if n == MAX_SIGNATURES {
            return Err(Error::MalformedHeader(SIGNATURE_HEADER));
        }
        let entry = entry.strip_suffix(',').unwrap_or(entry);
        let Some((version, value)) = entry.split_once(',') else {
            continue;
        };
        match version {
            "v1" if !keys.is_empty() => {
                let Some(candidate) = decode_fixed::<32>(value) else {
                    continue;
                };
                if !tags_ready {
                    for (slot, key) in tags.iter_mut().zip(keys) {
                        slot.copy_from_slice(
                            tag(key, id.as_bytes(), timestamp.as_bytes(), body).as_ref(),
                        );
                    }
                    tags_ready = true;
                }
                // Compare against every key without stopping early, so the
                // time taken does not tell which key came close.
                let mut matched = None;
                for (index, expected) in tags[..keys.len()].iter().enumerate() {
                    if constant_time_eq_32(expected, &candidate) && matched.is_none() {
                        matched = Some(index);
                    }
                }
                if let Some(key_index) = matched {
                    return Ok(verified(id, ts, key_index));
                }
            }
            "v1a" if !secret.ed25519_keys().is_empty() => {
                let Some(candidate) = decode_fixed::<64>(value) else {
                    continue;
                };
                let message = message.get_or_insert_with(|| signed_content(id, timestamp, body));
                for (index, key) in secret.ed25519_keys().iter().enumerate() {
                    if key.verify(message, &candidate).is_ok() {
                        return Ok(verified(id, ts, keys.len() + index));
                    }
                }
            }
            _ => {}
        }
    }
    Err(Error::SignatureMismatch)
}

fn verified(id: &str, timestamp: u64, key_index: usize) -> Verified {
    Verified {
        scheme: Scheme::Standard,
        webhook_id: Some(id.to_owned()),
        timestamp: Some(timestamp),
        key_index,
    }
}

/// Digits only (no sign, no spaces), at most 19 of them so it fits a u64.
fn parse_timestamp(value: &str) -> Option<u64> {
    if value.is_empty() || value.len() > 19 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

fn decode_fixed<const N: usize>(value: &str) -> Option<[u8; N]> {
    // base64 of N bytes is at most 4 * ceil(N / 3) characters.
    if value.len() > 4 * N.div_ceil(3) {
        return None;
    }
    let mut buf = [0u8; 66];
    let len = base64::Engine::decode_slice(&BASE64, value, &mut buf).ok()?;
    buf.get(..len)?.try_into().ok()
}

/// HMAC-SHA256 over `{id}.{timestamp}.{body}` without building the string.
pub(crate) fn tag(key: &hmac::Key, id: &[u8], timestamp: &[u8], body: &[u8]) -> hmac::Tag {
    let mut ctx = hmac::Context::with_key(key);
    ctx.update(id);
    ctx.update(b".");
    ctx.update(timestamp);
    ctx.update(b".");
    ctx.update(body);
    ctx.sign()
}

/// `{id}.{timestamp}.{body}` as one buffer (Ed25519 needs it whole).
pub(crate) fn signed_content(id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    out.extend_from_slice(id.as_bytes());
    out.push(b'.');
    out.extend_from_slice(timestamp.as_bytes());
    out.push(b'.');
    out.extend_from_slice(body);
    out
}

/// The three Standard Webhooks headers for a body signed with `secret`'s
/// first HMAC key. `None` when the secret holds no HMAC key.
pub fn sign_headers(secret: &Secret, id: &str, timestamp: u64, body: &[u8]) -> Option<HeaderMap> {
    let signature = secret.sign_standard(id, timestamp, body)?;
    let mut headers = HeaderMap::with_capacity(3);
    headers.insert(ID_HEADER, id.parse().ok()?);
    headers.insert(TIMESTAMP_HEADER, timestamp.into());
    headers.insert(SIGNATURE_HEADER, signature.parse().ok()?);
    Some(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Duration = Duration::from_secs(1_649_367_553);

    #[test]
    fn timestamp_parsing_is_strict() {
        assert_eq!(parse_timestamp("1649367553"), Some(1_649_367_553));
        for bad in [
            "",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1.5",
            "0x10",
            "99999999999999999999",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ids_with_dots_are_refused() {
        // `a.1` + `.` + `2` signs the same bytes as `a` + `.` + `1.2`-shifted
        // content; ids with dots would let a body prefix move into the id.
        let secret = Secret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        let sig = secret.sign_standard("a.b", NOW.as_secs(), b"{}").unwrap();
        assert_eq!(
            verify_parts(
                &secret,
                "a.b",
                &NOW.as_secs().to_string(),
                &sig,
                b"{}",
                NOW,
                DEFAULT_TOLERANCE
            ),
            Err(Error::MalformedHeader(ID_HEADER))
        );
    }

    #[test]
    fn decode_fixed_needs_the_exact_length() {
        assert!(decode_fixed::<32>(&"A".repeat(43)).is_some());
        assert!(decode_fixed::<32>(&"A".repeat(40)).is_none());
        assert!(decode_fixed::<32>(&"A".repeat(1000)).is_none());
        assert!(decode_fixed::<32>("!!").is_none());
    }
}
