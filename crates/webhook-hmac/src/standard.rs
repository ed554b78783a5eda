//! The Standard Webhooks scheme (what Supabase Auth hooks send).
//!
//! Headers `webhook-id`, `webhook-timestamp` (Unix seconds) and
//! `webhook-signature`, a list of `<version>,<base64>` entries. The signed
//! content is `{id}.{timestamp}.{body}` over the raw body bytes; `v1` is
//! HMAC-SHA256 and `v1a` is Ed25519. Entries are separated by spaces, and
//! Supabase Auth joins them with `", "`: both are accepted. Entries of any
//! other version are skipped.

use std::time::Duration;

use constant_time_eq::constant_time_eq_n;
use http::{HeaderMap, HeaderName};
use ring::hmac;

use crate::secret::BASE64;
use crate::{Error, Scheme, Secret, Verified};

/// The `webhook-id` header.
pub const ID_HEADER: &str = "webhook-id";
/// The `webhook-timestamp` header.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// The `webhook-signature` header.
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// Parsed once, so a lookup only hashes (a `&str` key is parsed on every call).
pub(crate) const SIGNATURE_NAME: HeaderName = HeaderName::from_static(SIGNATURE_HEADER);

/// The default timestamp tolerance, in both directions: five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The longest `webhook-id` accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Unpadded base64 of a 32-byte HMAC-SHA256 tag.
pub(crate) const V1_B64_LEN: usize = 43;

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
    let [id, timestamp, signature] = standard_headers(headers)?;
    verify_bytes(secret, id, timestamp, signature, body, now, tolerance)
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
    verify_bytes(
        secret,
        id.as_bytes(),
        timestamp.as_bytes(),
        signature.as_bytes(),
        body,
        now,
        tolerance,
    )
}

fn verify_bytes(
    secret: &Secret,
    id: &[u8],
    timestamp: &[u8],
    signature: &[u8],
    body: &[u8],
    now: Duration,
    tolerance: Duration,
) -> Result<Verified, Error> {
    // Checked before any HMAC work, so a flood of stale or malformed
    // requests costs almost nothing.
    let id = parse_id(id).ok_or(Error::MalformedHeader(ID_HEADER))?;
    let ts = parse_timestamp(timestamp).ok_or(Error::MalformedHeader(TIMESTAMP_HEADER))?;
    if Duration::from_secs(ts).abs_diff(now) > tolerance {
        return Err(Error::TimestampOutOfTolerance);
    }

    let keys = secret.hmac_keys();
    // Each key's tag, base64-encoded without padding, computed once on the
    // first `v1` entry. Comparing encodings (in constant time) spares
    // decoding every entry; a non-canonical encoding of the right bytes does
    // not match, which only makes the check stricter.
    let mut expected = [[0u8; V1_B64_LEN]; crate::secret::MAX_KEYS];
    let mut expected_ready = false;
    let mut message: Option<Vec<u8>> = None;
    let mut entries = 0;

    for entry in signature_entries(signature) {
        entries += 1;
        if entries > MAX_SIGNATURES {
            return Err(Error::MalformedHeader(SIGNATURE_HEADER));
        }
        let Some((version, value)) = split_entry(entry) else {
            continue;
        };
        match version {
            b"v1" if !keys.is_empty() => {
                let candidate = value.strip_suffix(b"=").unwrap_or(value);
                let Ok(candidate) = <&[u8; V1_B64_LEN]>::try_from(candidate) else {
                    continue;
                };
                if !expected_ready {
                    for (slot, key) in expected.iter_mut().zip(keys) {
                        encode_tag(tag(key, id.as_bytes(), timestamp, body).as_ref(), slot);
                    }
                    expected_ready = true;
                }
                // Compare against every key without stopping early, so the
                // time taken does not tell which key came close.
                let mut matched = None;
                for (index, expected) in expected[..keys.len()].iter().enumerate() {
                    if constant_time_eq_n(expected, candidate) && matched.is_none() {
                        matched = Some(index);
                    }
                }
                if let Some(key_index) = matched {
                    return Ok(verified(id, ts, key_index));
                }
            }
            b"v1a" if !secret.ed25519_keys().is_empty() => {
                let Some(candidate) = decode_fixed::<64>(value) else {
                    continue;
                };
                let message =
                    message.get_or_insert_with(|| signed_content(id.as_bytes(), timestamp, body));
                for (index, key) in secret.ed25519_keys().iter().enumerate() {
                    if key.verify(message, &candidate).is_ok() {
                        return Ok(verified(id, ts, keys.len() + index));
                    }
                }
            }
            _ => {}
        }
    }
    if entries == 0 {
        return Err(Error::MalformedHeader(SIGNATURE_HEADER));
    }
    Err(Error::SignatureMismatch)
}

/// The entries of a `webhook-signature` value: split on white space, a
/// trailing comma dropped (Supabase joins entries with `", "`), empty ones
/// skipped.
pub(crate) fn signature_entries(signature: &[u8]) -> impl Iterator<Item = &[u8]> {
    signature
        .split(|b| b.is_ascii_whitespace())
        .map(|entry| entry.strip_suffix(b",").unwrap_or(entry))
        .filter(|entry| !entry.is_empty())
}

/// `<version>,<value>`; `None` without a comma.
pub(crate) fn split_entry(entry: &[u8]) -> Option<(&[u8], &[u8])> {
    let comma = entry.iter().position(|&b| b == b',')?;
    Some((&entry[..comma], &entry[comma + 1..]))
}

/// A tag as unpadded base64, the form `v1` entries are compared in.
///
/// Written out by hand rather than with the `base64` crate: the tag is the
/// secret value the candidate is compared with, and the crate encodes
/// through a lookup table indexed by it (a cache-timing channel); this maps
/// each 6-bit group to its character with arithmetic only. It is not
/// faster (see the README's breakdown): it is here for the constant time.
pub(crate) fn encode_tag(tag: &[u8], out: &mut [u8; V1_B64_LEN]) {
    debug_assert_eq!(tag.len(), 32);
    // Fixed sizes throughout, so the loops unroll without bounds checks:
    // eleven groups of three bytes (the last one padded with a zero) give
    // 44 six-bit values, of which the first 43 are the encoding.
    let mut bytes = [0u8; 33];
    let n = tag.len().min(32);
    bytes[..n].copy_from_slice(&tag[..n]);
    let mut sextets = [0u8; 44];
    for g in 0..11 {
        let n = u32::from(bytes[3 * g]) << 16
            | u32::from(bytes[3 * g + 1]) << 8
            | u32::from(bytes[3 * g + 2]);
        sextets[4 * g] = (n >> 18) as u8 & 63;
        sextets[4 * g + 1] = (n >> 12) as u8 & 63;
        sextets[4 * g + 2] = (n >> 6) as u8 & 63;
        sextets[4 * g + 3] = n as u8 & 63;
    }
    let chars = sextets.map(base64_char);
    out.copy_from_slice(&chars[..V1_B64_LEN]);
}

/// The standard base64 alphabet's character for a 6-bit value, without a
/// table or a branch: each range past `A-Z` adds its offset under a mask
/// (as libsodium's `sodium_bin2base64` does), which also vectorises.
fn base64_char(x: u8) -> u8 {
    let mask = |past: bool| u8::from(past).wrapping_neg();
    x.wrapping_add(b'A')
        .wrapping_add(mask(x >= 26) & 6) // 'a' - 'A' - 26
        .wrapping_sub(mask(x >= 52) & 75) // 'a' + 26 - '0'
        .wrapping_sub(mask(x >= 62) & 15) // '0' + 10 - '+'
        .wrapping_add(mask(x >= 63) & 3) // '/' - '+' - 1
}

pub(crate) fn verified(id: &str, timestamp: u64, key_index: usize) -> Verified {
    Verified {
        scheme: Scheme::Standard,
        webhook_id: Some(id.to_owned()),
        timestamp: Some(timestamp),
        key_index,
    }
}

/// 1 to [`MAX_ID_LEN`] visible ASCII characters other than `.`: a dot would
/// let bytes move between the id and the rest of `id.timestamp.body`.
pub(crate) fn parse_id(id: &[u8]) -> Option<&str> {
    // A fold without early exit, so the check vectorises.
    let ok = id
        .iter()
        .fold(true, |ok, &b| ok & (b.is_ascii_graphic() & (b != b'.')));
    if !ok || id.is_empty() || id.len() > MAX_ID_LEN {
        return None;
    }
    std::str::from_utf8(id).ok()
}

/// Digits only (no sign, no spaces), at most 19 of them so it fits a u64.
pub(crate) fn parse_timestamp(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value.len() > 19 {
        return None;
    }
    // No early exit: a branch per digit costs more than finishing. Nineteen
    // digits fit a u64, so nothing overflows.
    let (value, digits) = value.iter().fold((0u64, true), |(acc, ok), &b| {
        let digit = b.wrapping_sub(b'0');
        (acc * 10 + u64::from(digit % 10), ok & (digit < 10))
    });
    digits.then_some(value)
}

fn decode_fixed<const N: usize>(value: &[u8]) -> Option<[u8; N]> {
    // base64 of N bytes is at most 4 * ceil(N / 3) characters.
    if value.len() > 4 * N.div_ceil(3) {
        return None;
    }
    let mut buf = [0u8; 66];
    let len = base64::Engine::decode_slice(&BASE64, value, &mut buf).ok()?;
    buf.get(..len)?.try_into().ok()
}

/// The three headers' raw bytes, in one pass over the map.
///
/// A pass compares names by length and bytes, where three lookups would hash
/// each custom name byte by byte; with the dozen or so headers a webhook
/// request carries, the pass is about half the cost. Values are read as
/// bytes: each part's own check is stricter than UTF-8 validation. A header
/// given twice is malformed, so no proxy can pick a different one from us.
pub(crate) fn standard_headers(headers: &HeaderMap) -> Result<[&[u8]; 3], Error> {
    const NAMES: [&str; 3] = [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER];
    let mut found: [Option<&[u8]>; 3] = [None; 3];
    for (name, value) in headers {
        let slot = match name.as_str() {
            ID_HEADER => 0,
            TIMESTAMP_HEADER => 1,
            SIGNATURE_HEADER => 2,
            _ => continue,
        };
        if found[slot].replace(value.as_bytes()).is_some() {
            return Err(Error::MalformedHeader(NAMES[slot]));
        }
    }
    let [Some(id), Some(ts), Some(sig)] = found else {
        let missing = found.iter().position(Option::is_none).unwrap_or(0);
        return Err(Error::MissingHeader(NAMES[missing]));
    };
    Ok([id, ts, sig])
}

/// HMAC-SHA256 over `{id}.{timestamp}.{body}` without copying the body:
/// the prefix and the body's first bytes are assembled into one 64-byte
/// SHA-256 block on the stack, so the rest of the body starts on a block
/// boundary and is hashed straight from the caller's slice.
pub(crate) fn tag(key: &hmac::Key, id: &[u8], timestamp: &[u8], body: &[u8]) -> hmac::Tag {
    const BLOCK: usize = 64;
    let mut ctx = hmac::Context::with_key(key);
    let prefix_len = id.len() + timestamp.len() + 2;
    if prefix_len <= BLOCK {
        let mut block = [0u8; BLOCK];
        let (id_part, rest) = block.split_at_mut(id.len());
        id_part.copy_from_slice(id);
        let (ts_part, rest) = rest.split_at_mut(timestamp.len() + 1);
        ts_part[0] = b'.';
        ts_part[1..].copy_from_slice(timestamp);
        rest[0] = b'.';
        let take = (BLOCK - prefix_len).min(body.len());
        rest[1..=take].copy_from_slice(&body[..take]);
        ctx.update(&block[..prefix_len + take]);
        ctx.update(&body[take..]);
    } else {
        ctx.update(id);
        ctx.update(b".");
        ctx.update(timestamp);
        ctx.update(b".");
        ctx.update(body);
    }
    ctx.sign()
}

/// `{id}.{timestamp}.{body}` as one buffer (Ed25519 needs it whole).
pub(crate) fn signed_content(id: &[u8], timestamp: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    out.extend_from_slice(id);
    out.push(b'.');
    out.extend_from_slice(timestamp);
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
        assert_eq!(parse_timestamp(b"1649367553"), Some(1_649_367_553));
        assert_eq!(
            parse_timestamp(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
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
            assert_eq!(parse_timestamp(bad.as_bytes()), None, "{bad:?}");
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
    fn tags_encode_as_the_base64_crate_does() {
        use base64::Engine as _;
        let mut tags: Vec<[u8; 32]> = vec![[0; 32], [0xff; 32]];
        tags.push(std::array::from_fn(|i| i as u8));
        tags.push(std::array::from_fn(|i| {
            (i as u8).wrapping_mul(97).wrapping_add(13)
        }));
        // Every 6-bit value in every position.
        for v in 0..=255u8 {
            tags.push(std::array::from_fn(|i| v.rotate_left(i as u32)));
        }
        for tag in tags {
            let mut out = [0u8; V1_B64_LEN];
            encode_tag(&tag, &mut out);
            let want = base64::engine::general_purpose::STANDARD_NO_PAD.encode(tag);
            assert_eq!(std::str::from_utf8(&out).unwrap(), want);
        }
        for x in 0..64u8 {
            let want =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[x as usize];
            assert_eq!(base64_char(x), want);
        }
    }

    #[test]
    fn decode_fixed_needs_the_exact_length() {
        assert!(decode_fixed::<32>("A".repeat(43).as_bytes()).is_some());
        assert!(decode_fixed::<32>("A".repeat(40).as_bytes()).is_none());
        assert!(decode_fixed::<32>("A".repeat(1000).as_bytes()).is_none());
        assert!(decode_fixed::<32>(b"!!").is_none());
    }
}
