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
use ring::hmac;

use crate::{Error, Scheme, Secret, Verified};

/// The header this crate signs into and reads first.
pub const SIGNATURE_HEADER: &str = "x-signature-256";
/// GitHub's name for the same header, read when [`SIGNATURE_HEADER`] is absent.
pub const GITHUB_SIGNATURE_HEADER: &str = "x-hub-signature-256";

const SIGNATURE_NAME: HeaderName = HeaderName::from_static(SIGNATURE_HEADER);
const GITHUB_SIGNATURE_NAME: HeaderName = HeaderName::from_static(GITHUB_SIGNATURE_HEADER);

/// Whether the request carries a plain-scheme signature header.
pub fn has_signature(headers: &HeaderMap) -> bool {
    headers.contains_key(&SIGNATURE_NAME) || headers.contains_key(&GITHUB_SIGNATURE_NAME)
}

/// Verifies a plain-scheme request from its headers.
pub fn verify(secret: &Secret, headers: &HeaderMap, body: &[u8]) -> Result<Verified, Error> {
    let (value, label) = match header_str(headers, &SIGNATURE_NAME, SIGNATURE_HEADER) {
        Err(Error::MissingHeader(_)) => {
            match header_str(headers, &GITHUB_SIGNATURE_NAME, GITHUB_SIGNATURE_HEADER) {
                Err(Error::MissingHeader(_)) => return Err(Error::MissingHeader(SIGNATURE_HEADER)),
                other => (other?, GITHUB_SIGNATURE_HEADER),
            }
        }
        other => (other?, SIGNATURE_HEADER),
    };
    verify_value(secret, value, body).map_err(|e| match e {
        Error::MalformedHeader(_) => Error::MalformedHeader(label),
        other => other,
    })
}

/// Verifies a body against one header value, `sha256=<hex>` (hex in either
/// case).
pub fn verify_value(secret: &Secret, value: &str, body: &[u8]) -> Result<Verified, Error> {
    let hex_digits = value
        .get(..7)
        .filter(|prefix| prefix.eq_ignore_ascii_case("sha256="))
        .and_then(|_| value.get(7..))
        .ok_or(Error::MalformedHeader(SIGNATURE_HEADER))?;
    let mut candidate = [0u8; 32];
    hex::decode_to_slice(hex_digits, &mut candidate)
        .map_err(|_| Error::MalformedHeader(SIGNATURE_HEADER))?;

    let mut matched = None;
    for (index, key) in secret.hmac_keys().iter().enumerate() {
        let tag = hmac::sign(key, body);
        let mut expected = [0u8; 32];
        expected.copy_from_slice(tag.as_ref());
        if constant_time_eq_32(&expected, &candidate) && matched.is_none() {
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

/// The `X-Signature-256` header for a body signed with `secret`'s first HMAC
/// key. `None` when the secret holds no HMAC key.
pub fn sign_headers(secret: &Secret, body: &[u8]) -> Option<HeaderMap> {
    let mut headers = HeaderMap::with_capacity(1);
    headers.insert(SIGNATURE_HEADER, secret.sign_plain(body)?.parse().ok()?);
    Some(headers)
}

/// A header as text; absent, repeated or non-UTF-8 values are errors that
/// name it as `label`. Callers check the characters their format allows.
fn header_str<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
    label: &'static str,
) -> Result<&'a str, Error> {
    let mut values = headers.get_all(name).iter();
    let value = values.next().ok_or(Error::MissingHeader(label))?;
    if values.next().is_some() {
        return Err(Error::MalformedHeader(label));
    }
    std::str::from_utf8(value.as_bytes()).map_err(|_| Error::MalformedHeader(label))
}
