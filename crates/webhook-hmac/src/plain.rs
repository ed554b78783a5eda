//! The plain scheme (GitHub style): `X-Signature-256: sha256=<hex>`, an
//! HMAC-SHA256 of the body alone.
//!
//! GitHub sends the same value as `X-Hub-Signature-256`; both names are
//! read. Supabase Database Webhooks are unsigned, but a trigger function can
//! sign the body with pgcrypto (`hmac(body, secret, 'sha256')`) into this
//! header. The scheme carries no timestamp and no id, so a captured request
//! can be replayed for as long as its secret is valid: prefer the Standard
//! Webhooks scheme where the sender offers it.

use constant_time_eq::constant_time_eq_32;
use http::{HeaderMap, HeaderName};

use crate::mac::{HmacKey, Message};
use crate::{Error, Scheme, Secret, Verified};

/// The header this crate signs into and reads first.
pub const SIGNATURE_HEADER: &str = "x-signature-256";
/// GitHub's name for the same header, read when [`SIGNATURE_HEADER`] is absent.
pub const GITHUB_SIGNATURE_HEADER: &str = "x-hub-signature-256";

pub(crate) const SIGNATURE_NAME: HeaderName = HeaderName::from_static(SIGNATURE_HEADER);
const GITHUB_SIGNATURE_NAME: HeaderName = HeaderName::from_static(GITHUB_SIGNATURE_HEADER);
// Statics for comparisons: a const would build (and drop) a name each time.
static SIGNATURE_NAME_STATIC: HeaderName = HeaderName::from_static(SIGNATURE_HEADER);
static GITHUB_SIGNATURE_NAME_STATIC: HeaderName = HeaderName::from_static(GITHUB_SIGNATURE_HEADER);

/// Whether the request carries a plain-scheme signature header.
pub fn has_signature(headers: &HeaderMap) -> bool {
    headers.contains_key(&SIGNATURE_NAME) || headers.contains_key(&GITHUB_SIGNATURE_NAME)
}

/// Verifies a plain-scheme request from its headers.
pub fn verify(secret: &Secret, headers: &HeaderMap, body: &[u8]) -> Result<Verified, Error> {
    let (value, label) = signature_value(headers)?;
    // Not UTF-8 means not hex: the decoder refuses it as malformed, as a
    // UTF-8 check first would.
    let candidate = decode_value_bytes(value).ok_or(Error::MalformedHeader(label))?;
    verify_candidate(secret, &candidate, body)
}

/// The signature header's raw value and its name: `X-Signature-256`, or
/// GitHub's `X-Hub-Signature-256` when that is absent. Found in one pass
/// over the map, comparing `HeaderName`s (a hashed look-up per name cost
/// more); a header given twice is malformed.
pub(crate) fn signature_value(headers: &HeaderMap) -> Result<(&[u8], &'static str), Error> {
    const LABELS: [&str; 2] = [SIGNATURE_HEADER, GITHUB_SIGNATURE_HEADER];
    let mut found: [Option<&[u8]>; 2] = [None; 2];
    let mut repeated = [false; 2];
    for (name, value) in headers {
        let slot = if *name == SIGNATURE_NAME_STATIC {
            0
        } else if *name == GITHUB_SIGNATURE_NAME_STATIC {
            1
        } else {
            continue;
        };
        repeated[slot] |= found[slot].replace(value.as_bytes()).is_some();
    }
    let slot = match found {
        [Some(_), _] => 0,
        [None, Some(_)] => 1,
        [None, None] => return Err(Error::MissingHeader(SIGNATURE_HEADER)),
    };
    match found[slot] {
        Some(value) if !repeated[slot] => Ok((value, LABELS[slot])),
        _ => Err(Error::MalformedHeader(LABELS[slot])),
    }
}

/// Verifies a body against one header value, `sha256=<hex>` (hex in either
/// case).
pub fn verify_value(secret: &Secret, value: &str, body: &[u8]) -> Result<Verified, Error> {
    let candidate = decode_value(value).ok_or(Error::MalformedHeader(SIGNATURE_HEADER))?;
    verify_candidate(secret, &candidate, body)
}

fn verify_candidate(secret: &Secret, candidate: &[u8; 32], body: &[u8]) -> Result<Verified, Error> {
    let mut matched = None;
    for (index, key) in secret.hmac_keys().iter().enumerate() {
        if constant_time_eq_32(&tag(key, body), candidate) && matched.is_none() {
            matched = Some(index);
        }
    }
    matched
        .map(|key_index| Verified {
            scheme: Scheme::Plain,
            webhook_id: None,
            timestamp: None,
            key_index,
        })
        .ok_or(Error::SignatureMismatch)
}

/// HMAC-SHA256 of the body.
pub(crate) fn tag(key: &HmacKey, body: &[u8]) -> [u8; 32] {
    key.sign(&Message::new(&[], body))
}

/// The 32 bytes of `sha256=<64 hex digits>` (prefix and digits in either
/// case); `None` for anything else.
pub(crate) fn decode_value(value: &str) -> Option<[u8; 32]> {
    decode_value_bytes(value.as_bytes())
}

/// [`decode_value`] over raw header bytes: anything not ASCII is refused.
pub(crate) fn decode_value_bytes(value: &[u8]) -> Option<[u8; 32]> {
    let (prefix, hex_digits) = value.split_at_checked(7)?;
    if !prefix.eq_ignore_ascii_case(b"sha256=") {
        return None;
    }
    decode_hex32(hex_digits)
}

/// Exactly 64 hex digits (either case) to 32 bytes. Branch-free per digit,
/// with no early exit, so it vectorises: the `hex` crate's decoder, a branch
/// and a table look-up per digit, was a quarter of the whole check at 64 B.
/// (The candidate is the sender's, not secret; the speed is the point.)
fn decode_hex32(digits: &[u8]) -> Option<[u8; 32]> {
    let digits: &[u8; 64] = digits.try_into().ok()?;
    let mut nibbles = [0u8; 64];
    let mut bad = 0u8;
    for (nibble, &c) in nibbles.iter_mut().zip(digits) {
        let (value, not_hex) = hex_nibble(c);
        *nibble = value;
        bad |= not_hex;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = nibbles[2 * i] << 4 | nibbles[2 * i + 1];
    }
    (bad == 0).then_some(out)
}

/// A hex digit's value and 0, or anything and 1 for a byte that is not one.
fn hex_nibble(c: u8) -> (u8, u8) {
    let digit = c.wrapping_sub(b'0');
    // `| 0x20` lower-cases A-F; no other byte becomes a-f by it.
    let letter = (c | 0x20).wrapping_sub(b'a');
    let (is_digit, is_letter) = (digit < 10, letter < 6);
    let value = if is_digit {
        digit
    } else {
        letter.wrapping_add(10)
    };
    (value & 0x0f, u8::from(!(is_digit | is_letter)))
}

/// The `X-Signature-256` header for a body signed with `secret`'s first HMAC
/// key. `None` when the secret holds no HMAC key.
pub fn sign_headers(secret: &Secret, body: &[u8]) -> Option<HeaderMap> {
    let mut headers = HeaderMap::with_capacity(1);
    headers.insert(SIGNATURE_HEADER, secret.sign_plain(body)?.parse().ok()?);
    Some(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_decoding_agrees_with_the_hex_crate_on_every_byte() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0xa5);
        let lower = hex::encode(bytes);
        assert_eq!(decode_hex32(lower.as_bytes()), Some(bytes));
        assert_eq!(decode_hex32(lower.to_uppercase().as_bytes()), Some(bytes));
        // Every byte value in a digit's place: accepted exactly when the
        // `hex` crate accepts it, with the same value.
        for c in 0..=255u8 {
            for at in [0, 1, 62, 63] {
                let mut digits = lower.clone().into_bytes();
                digits[at] = c;
                let mut want = [0u8; 32];
                let want = hex::decode_to_slice(&digits, &mut want).ok().map(|()| want);
                assert_eq!(decode_hex32(&digits), want, "byte {c:#04x} at {at}");
            }
        }
        assert_eq!(decode_hex32(&lower.as_bytes()[..62]), None);
        assert_eq!(decode_hex32(format!("{lower}00").as_bytes()), None);
        assert_eq!(decode_value(&format!("SHA256={lower}")), Some(bytes));
        assert_eq!(decode_value(&format!("sha1={lower}")), None);
    }
}
