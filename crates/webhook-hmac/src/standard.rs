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
use http::{HeaderMap, HeaderName};

use crate::clock::within_tolerance;
use crate::mac::{HmacKey, Message};
use crate::secret::BASE64;
use crate::{Clock, Error, Scheme, Secret, Verified};

/// The `webhook-id` header.
pub const ID_HEADER: &str = "webhook-id";
/// The `webhook-timestamp` header.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// The `webhook-signature` header.
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// Parsed once, so a lookup only hashes (a `&str` key is parsed on every call).
pub(crate) const SIGNATURE_NAME: HeaderName = HeaderName::from_static(SIGNATURE_HEADER);
// Statics, not consts: a const would build (and drop) a name per comparison.
static ID_NAME: HeaderName = HeaderName::from_static(ID_HEADER);
static TIMESTAMP_NAME: HeaderName = HeaderName::from_static(TIMESTAMP_HEADER);
static SIGNATURE_NAME_STATIC: HeaderName = HeaderName::from_static(SIGNATURE_HEADER);

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
/// `now` is the time since the Unix epoch (see [`Clock`]).
pub fn verify(
    secret: &Secret,
    headers: &HeaderMap,
    body: &[u8],
    now: Duration,
    tolerance: Duration,
) -> Result<Verified, Error> {
    verify_with_clock(secret, headers, body, &At(now), tolerance)
}

/// [`verify`] reading the time from `clock` (only as much of it as the
/// tolerance check needs; see [`Clock::now_coarse`]).
pub(crate) fn verify_with_clock(
    secret: &Secret,
    headers: &HeaderMap,
    body: &[u8],
    clock: &dyn Clock,
    tolerance: Duration,
) -> Result<Verified, Error> {
    let [id, timestamp, signature] = standard_headers(headers)?;
    verify_bytes(secret, id, timestamp, signature, body, clock, tolerance)
}

/// A time given by the caller, as a clock.
#[derive(Debug)]
struct At(Duration);

impl Clock for At {
    fn now(&self) -> Duration {
        self.0
    }
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
        &At(now),
        tolerance,
    )
}

fn verify_bytes(
    secret: &Secret,
    id: &[u8],
    timestamp: &[u8],
    signature: &[u8],
    body: &[u8],
    clock: &dyn Clock,
    tolerance: Duration,
) -> Result<Verified, Error> {
    // Checked before any HMAC work, so a flood of stale or malformed
    // requests costs almost nothing.
    let id = parse_id(id).ok_or(Error::MalformedHeader(ID_HEADER))?;
    // Laid out for the HMAC now (a few stores), so that they have settled
    // by the time the block function reads them (see `mac::Message`).
    let head = signed_head(id.as_bytes(), timestamp);
    let signed = Message::new(&head, body);
    let ts = parse_timestamp(timestamp).ok_or(Error::MalformedHeader(TIMESTAMP_HEADER))?;
    if !within_tolerance(clock, ts, tolerance) {
        return Err(Error::TimestampOutOfTolerance);
    }

    let keys = secret.hmac_keys();
    // Each key's tag, computed once on the first well-formed `v1` entry.
    // Each entry is decoded (the sender's bytes, not secret) and compared
    // with the tags in constant time; only the canonical unpadded
    // encoding of 32 bytes, optionally followed by one `=`, decodes, so
    // exactly the entries that used to match the tag's encoding match.
    let mut expected = [[0u8; 32]; crate::secret::MAX_KEYS];
    let mut expected_ready = false;
    let mut message: Option<Vec<u8>> = None;
    let mut entries = 0;

    // The usual header, one `v1,<base64>` entry and nothing else: its
    // value decodes only if it holds no white space or comma, so the
    // general walk below would find this one entry and nothing more.
    if !keys.is_empty()
        && let Some(value) = signature.strip_prefix(b"v1,")
        && let Some(candidate) = decode_v1(value)
    {
        fill_tags(&mut expected, keys, &signed);
        return match match_tag(&expected[..keys.len()], &candidate) {
            Some(key_index) => Ok(verified(id, ts, key_index)),
            None => Err(Error::SignatureMismatch),
        };
    }

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
                let Some(candidate) = decode_v1(value) else {
                    continue;
                };
                if !expected_ready {
                    fill_tags(&mut expected, keys, &signed);
                    expected_ready = true;
                }
                if let Some(key_index) = match_tag(&expected[..keys.len()], &candidate) {
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

/// Each key's tag over `{id}.{timestamp}.{body}`, into `out` in key order.
fn fill_tags(
    out: &mut [[u8; 32]; crate::secret::MAX_KEYS],
    keys: &[HmacKey],
    message: &Message<'_>,
) {
    for (slot, key) in out.iter_mut().zip(keys) {
        *slot = key.sign(message);
    }
}

/// The index of the first tag equal to `candidate`. Every tag is compared,
/// in constant time, without stopping at a match, so the time taken does
/// not tell which key came close.
pub(crate) fn match_tag(tags: &[[u8; 32]], candidate: &[u8; 32]) -> Option<usize> {
    let mut matched = None;
    for (index, tag) in tags.iter().enumerate() {
        if constant_time_eq_32(tag, candidate) && matched.is_none() {
            matched = Some(index);
        }
    }
    matched
}

/// The 32 bytes of a `v1` value: the canonical unpadded base64 of 32
/// bytes (43 characters of the standard alphabet, the last one's two
/// unused bits zero), optionally followed by one `=`. Anything else,
/// including every non-canonical spelling of the same bytes, is `None`.
///
/// The value is the sender's, not secret: a table look-up per character
/// is fine here. The secret side is the tag it is compared with, which is
/// never encoded, indexed or branched on.
pub(crate) fn decode_v1(value: &[u8]) -> Option<[u8; 32]> {
    let value = value.strip_suffix(b"=").unwrap_or(value);
    let chars: &[u8; V1_B64_LEN] = value.try_into().ok()?;
    // 44 six-bit values, the last one a zero pad; an invalid character
    // sets the high bit, collected without an early exit.
    let mut sextets = [0u8; 44];
    let mut bad = 0u8;
    for (sextet, &c) in sextets.iter_mut().zip(chars) {
        let v = BASE64_DECODE[usize::from(c)];
        *sextet = v;
        bad |= v;
    }
    // The last character carries 4 bits of the tag and 2 that must be 0.
    let canonical = sextets[V1_B64_LEN - 1] & 3 == 0;
    let mut out = [0u8; 33];
    for g in 0..11 {
        let n = u32::from(sextets[4 * g]) << 18
            | u32::from(sextets[4 * g + 1]) << 12
            | u32::from(sextets[4 * g + 2]) << 6
            | u32::from(sextets[4 * g + 3]);
        out[3 * g] = (n >> 16) as u8;
        out[3 * g + 1] = (n >> 8) as u8;
        out[3 * g + 2] = n as u8;
    }
    let mut tag = [0u8; 32];
    tag.copy_from_slice(&out[..32]);
    (bad & 0x80 == 0 && canonical).then_some(tag)
}

/// The standard base64 alphabet's value of each byte; `0x80` for a byte
/// outside it.
const BASE64_DECODE: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut table = [0x80u8; 256];
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

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
    // Eight digits at a time in a u64 (SWAR): a check and a conversion a
    // chunk instead of a dependent multiply per digit. The chunks are read
    // from the value where it lies (copying it into a padded buffer first
    // made each read wait for the copy's stores): the last eight digits,
    // the eight before them, and the first `len % 8` right-aligned in '0's.
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let len = value.len();
    let lead = len % 8;
    let first = if len < 8 {
        let mut padded = [b'0'; 8];
        padded[8 - len..].copy_from_slice(value);
        u64::from_le_bytes(padded)
    } else if lead == 0 {
        ZEROS
    } else {
        // The value's first eight bytes, the `lead` digits moved to the top
        // (the chunk's last bytes) and '0's shifted in below them.
        let head = u64::from_le_bytes(*value.first_chunk::<8>()?);
        head << (8 * (8 - lead)) | ZEROS >> (8 * lead)
    };
    let mut ok = eight_digits(first);
    let mut total = parse_eight(first);
    // At most two whole chunks follow, so `first` is under 1000 when there
    // are two and the total, under 10^19, fits.
    for chunk in value[lead..].chunks_exact(8) {
        let chunk = u64::from_le_bytes(*chunk.first_chunk::<8>()?);
        ok &= eight_digits(chunk);
        total = total
            .wrapping_mul(100_000_000)
            .wrapping_add(parse_eight(chunk));
    }
    ok.then_some(total)
}

/// Whether all eight bytes of `chunk` are ASCII digits.
fn eight_digits(chunk: u64) -> bool {
    // A byte is a digit when its high nibble is 3 and adding 6 to it does
    // not carry into the high nibble (simdjson's check).
    (chunk & 0xF0F0_F0F0_F0F0_F0F0
        | (chunk.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
        == 0x3333_3333_3333_3333
}

/// The value of eight ASCII digits, the first in the lowest byte.
fn parse_eight(chunk: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    let v = chunk.wrapping_sub(0x3030_3030_3030_3030);
    // Pairs of digits, then groups of four, then all eight.
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    ((v & MASK).wrapping_mul(MUL1)).wrapping_add(((v >> 16) & MASK).wrapping_mul(MUL2)) >> 32
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
        // Comparing `HeaderName`s, not their text: a name `http` knows
        // (`host`, `content-type`, ...) differs from our three, which are
        // custom, by its representation alone, without being spelt out.
        let slot = if *name == ID_NAME {
            0
        } else if *name == TIMESTAMP_NAME {
            1
        } else if *name == SIGNATURE_NAME_STATIC {
            2
        } else {
            continue;
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

/// What the signed content holds in front of the body: `{id}.{timestamp}.`.
fn signed_head<'a>(id: &'a [u8], timestamp: &'a [u8]) -> [&'a [u8]; 4] {
    [id, b".", timestamp, b"."]
}

/// HMAC-SHA256 over `{id}.{timestamp}.{body}`, the body not copied.
pub(crate) fn tag(key: &HmacKey, id: &[u8], timestamp: &[u8], body: &[u8]) -> [u8; 32] {
    key.sign(&Message::new(&signed_head(id, timestamp), body))
}

/// `{id}.{timestamp}.{body}` as one buffer (Ed25519 needs it whole).
pub(crate) fn signed_content(id: &[u8], timestamp: &[u8], body: &[u8]) -> Vec<u8> {
    let [id, dot, timestamp, last_dot] = signed_head(id, timestamp);
    [id, dot, timestamp, last_dot, body].concat()
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
    fn timestamp_parsing_agrees_with_a_digit_by_digit_parse() {
        // The reference: digits only, 1 to 19 of them.
        let reference = |value: &[u8]| {
            (!value.is_empty() && value.len() <= 19 && value.iter().all(u8::is_ascii_digit))
                .then(|| std::str::from_utf8(value).ok()?.parse::<u64>().ok())
                .flatten()
        };
        let mut values: Vec<Vec<u8>> = Vec::new();
        for len in 1..=20 {
            values.push(vec![b'9'; len]);
            values.push(vec![b'0'; len]);
            let digits: Vec<u8> = (0..len).map(|i| b"1234567890"[i % 10]).collect();
            // Every byte in every place.
            for at in 0..len {
                for c in 0..=255u8 {
                    let mut value = digits.clone();
                    value[at] = c;
                    values.push(value);
                }
            }
            values.push(digits);
        }
        for value in values {
            assert_eq!(parse_timestamp(&value), reference(&value), "{value:?}");
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
    fn v1_values_decode_exactly_when_they_spell_the_tag_canonically() {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
        let mut tags: Vec<[u8; 32]> = vec![[0; 32], [0xff; 32]];
        tags.push(std::array::from_fn(|i| i as u8));
        // Every 6-bit value in every position.
        for v in 0..=255u8 {
            tags.push(std::array::from_fn(|i| v.rotate_left(i as u32)));
        }
        for tag in tags {
            let text = engine.encode(tag);
            assert_eq!(decode_v1(text.as_bytes()), Some(tag));
            assert_eq!(decode_v1(format!("{text}=").as_bytes()), Some(tag));
            assert_eq!(decode_v1(format!("{text}==").as_bytes()), None);
            assert_eq!(decode_v1(&text.as_bytes()[..42]), None);
            // The same bytes with a padding bit set: not canonical.
            let mut loose = text.clone().into_bytes();
            let last = BASE64_DECODE[usize::from(loose[42])];
            for bits in 1..4u8 {
                loose[42] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                    [usize::from(last | bits)];
                assert_eq!(decode_v1(&loose), None);
            }
        }
        // Every byte in every place: decodes exactly when it is in the
        // alphabet (and, last, leaves the two unused bits zero), as the
        // base64 crate's strict decoder agrees.
        let text = engine.encode([0x5au8; 32]).into_bytes();
        for c in 0..=255u8 {
            for at in [0, 1, 20, 41, 42] {
                let mut value = text.clone();
                value[at] = c;
                let want = engine
                    .decode(&value)
                    .ok()
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
                assert_eq!(decode_v1(&value), want, "byte {c:#04x} at {at}");
            }
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
