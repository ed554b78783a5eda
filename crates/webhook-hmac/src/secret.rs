//! Webhook secrets: parsing, rotation sets and redaction.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use ring::signature::{ED25519, UnparsedPublicKey};
use zeroize::Zeroizing;

use crate::mac::HmacKey;

/// The shortest HMAC secret accepted, in bytes (128 bits).
///
/// Standard Webhooks secrets are 24 to 64 random bytes; a raw string secret
/// shorter than this is more likely a placeholder than a key.
pub const MIN_SECRET_LEN: usize = 16;

/// How many keys one [`Secret`] may hold. Rotation needs two or three;
/// the bound keeps verification cost predictable.
pub const MAX_KEYS: usize = 8;

/// Standard base64 that accepts input with or without `=` padding.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a secret was refused. It never carries any part of the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The value, or one `|`-separated entry of it, is empty.
    Empty,
    /// A key is shorter than [`MIN_SECRET_LEN`] bytes.
    TooShort,
    /// A `whsec_` or `whpk_` entry is not valid base64.
    InvalidBase64,
    /// A `whpk_` entry does not decode to a 32-byte Ed25519 public key.
    InvalidPublicKey,
    /// A `whsk_` signing key was given where a verification secret belongs;
    /// give the receiver the `whpk_` public key instead.
    PrivateKeyGiven,
    /// More than [`MAX_KEYS`] entries.
    TooManyKeys,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "secret is empty",
            Self::TooShort => "secret is shorter than 16 bytes",
            Self::InvalidBase64 => "secret is not valid base64 after its prefix",
            Self::InvalidPublicKey => "public key is not a 32-byte Ed25519 key",
            Self::PrivateKeyGiven => {
                "a whsk_ signing key is not a verification secret; use the whpk_ public key"
            }
            Self::TooManyKeys => "more than 8 keys",
        })
    }
}

impl std::error::Error for SecretError {}

/// One or more keys that a webhook may be signed with.
///
/// Parsed by [`Secret::parse`] from what an environment variable holds:
///
/// | entry | meaning |
/// | --- | --- |
/// | `whsec_<base64>` | Standard Webhooks HMAC secret (the bytes after the prefix, base64-decoded) |
/// | `v1,whsec_<base64>` | the same, as Supabase writes it |
/// | `whpk_<base64>` | a Standard Webhooks Ed25519 public key (32 bytes), for `v1a` signatures |
/// | anything else | a raw HMAC secret: its UTF-8 bytes, as GitHub and pgcrypto use them |
///
/// Several entries are separated by `|` (as Supabase does for hook secrets);
/// white space around each entry is trimmed. Commas and inner spaces are not
/// separators, since `v1,whsec_` and raw secrets contain them. List the newest
/// key first: it is the one [`Secret::sign_standard`] and
/// [`Secret::sign_plain`] use, and [`Verified::key_index`](crate::Verified)
/// tells which key matched, so a rotation can be watched to its end.
///
/// Raw secret bytes are held in zeroizing buffers only while the keys are
/// derived. What remains is each key's precomputed HMAC state (zeroized on
/// drop, except where the CPU lacks SHA-256 instructions and the state is
/// `ring`'s, which does not zeroize it) and public keys. `Debug` and
/// `Display` print `[redacted]`.
pub struct Secret {
    hmac: Vec<HmacKey>,
    ed25519: Vec<UnparsedPublicKey<[u8; 32]>>,
}

impl Secret {
    /// Parses a secret as described on [`Secret`].
    pub fn parse(value: &str) -> Result<Self, SecretError> {
        // Room for every key at once: a reallocation would leave copies of
        // the first keys' HMAC states in freed memory.
        let mut secret = Self {
            hmac: Vec::with_capacity(MAX_KEYS),
            ed25519: Vec::new(),
        };
        if value.trim().is_empty() {
            return Err(SecretError::Empty);
        }
        for entry in value.split('|') {
            let entry = entry.trim();
            if secret.hmac.len() + secret.ed25519.len() == MAX_KEYS {
                return Err(SecretError::TooManyKeys);
            }
            secret.push_entry(entry)?;
        }
        Ok(secret)
    }

    /// A secret made of one raw HMAC key (at least [`MIN_SECRET_LEN`] bytes).
    pub fn from_bytes(key: &[u8]) -> Result<Self, SecretError> {
        if key.is_empty() {
            return Err(SecretError::Empty);
        }
        if key.len() < MIN_SECRET_LEN {
            return Err(SecretError::TooShort);
        }
        Ok(Self {
            hmac: vec![HmacKey::new(key)],
            ed25519: Vec::new(),
        })
    }

    /// A secret made of one raw HMAC key of any length, even empty.
    ///
    /// Only for interoperating with a sender whose key you cannot change, and
    /// for known-answer tests (RFC 4231 uses a 4-byte key). A short key can
    /// be guessed offline from one signed request.
    pub fn dangerous_from_short_bytes(key: &[u8]) -> Self {
        Self {
            hmac: vec![HmacKey::new(key)],
            ed25519: Vec::new(),
        }
    }

    fn push_entry(&mut self, entry: &str) -> Result<(), SecretError> {
        if entry.is_empty() {
            return Err(SecretError::Empty);
        }
        let standard = entry.strip_prefix("v1,").unwrap_or(entry);
        if let Some(b64) = standard.strip_prefix("whsec_") {
            let key = decode(b64)?;
            if key.len() < MIN_SECRET_LEN {
                return Err(SecretError::TooShort);
            }
            self.hmac.push(HmacKey::new(&key));
        } else if let Some(b64) = entry.strip_prefix("whpk_") {
            let key = decode(b64)?;
            let key: [u8; 32] = key
                .as_slice()
                .try_into()
                .map_err(|_| SecretError::InvalidPublicKey)?;
            self.ed25519.push(UnparsedPublicKey::new(&ED25519, key));
        } else if entry.starts_with("whsk_") {
            return Err(SecretError::PrivateKeyGiven);
        } else {
            if entry.len() < MIN_SECRET_LEN {
                return Err(SecretError::TooShort);
            }
            self.hmac.push(HmacKey::new(entry.as_bytes()));
        }
        Ok(())
    }

    /// The HMAC keys, newest first.
    pub(crate) fn hmac_keys(&self) -> &[HmacKey] {
        &self.hmac
    }

    /// The Ed25519 public keys, in the order given.
    pub(crate) fn ed25519_keys(&self) -> &[UnparsedPublicKey<[u8; 32]>] {
        &self.ed25519
    }

    /// How many keys (HMAC and Ed25519) this secret holds.
    pub fn key_count(&self) -> usize {
        self.hmac.len() + self.ed25519.len()
    }

    /// Signs for the Standard Webhooks scheme with the first HMAC key and
    /// returns the `webhook-signature` header value, `v1,<base64>`.
    ///
    /// `None` when this secret has no HMAC key (only public keys).
    pub fn sign_standard(&self, id: &str, timestamp: u64, body: &[u8]) -> Option<String> {
        let key = self.hmac.first()?;
        let tag = crate::standard::tag(key, id.as_bytes(), timestamp.to_string().as_bytes(), body);
        let mut out = String::with_capacity(47);
        out.push_str("v1,");
        general_purpose::STANDARD.encode_string(tag, &mut out);
        Some(out)
    }

    /// Signs for the plain scheme with the first HMAC key and returns the
    /// `X-Signature-256` header value, `sha256=<lowercase hex>`.
    ///
    /// `None` when this secret has no HMAC key (only public keys).
    pub fn sign_plain(&self, body: &[u8]) -> Option<String> {
        let key = self.hmac.first()?;
        Some(format!(
            "sha256={}",
            hex::encode(crate::plain::tag(key, body))
        ))
    }
}

fn decode(b64: &str) -> Result<Zeroizing<Vec<u8>>, SecretError> {
    if b64.is_empty() {
        return Err(SecretError::Empty);
    }
    BASE64
        .decode(b64)
        .map(Zeroizing::new)
        .map_err(|_| SecretError::InvalidBase64)
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// An Ed25519 signing key for the Standard Webhooks `v1a` scheme: what a
/// sender holds. Receivers are given its public key ([`Self::public_key`]).
pub struct Ed25519Signer {
    pair: ring::signature::Ed25519KeyPair,
}

impl Ed25519Signer {
    /// Parses `whsk_<base64>`: a 32-byte seed, or the 64 bytes of seed and
    /// public key that some libraries write.
    pub fn parse(value: &str) -> Result<Self, SecretError> {
        let b64 = value
            .trim()
            .strip_prefix("whsk_")
            .ok_or(SecretError::InvalidBase64)?;
        let bytes = decode(b64)?;
        let pair = match bytes.len() {
            32 => ring::signature::Ed25519KeyPair::from_seed_unchecked(&bytes),
            64 => ring::signature::Ed25519KeyPair::from_seed_and_public_key(
                &bytes[..32],
                &bytes[32..],
            ),
            _ => return Err(SecretError::InvalidPublicKey),
        }
        .map_err(|_| SecretError::InvalidPublicKey)?;
        Ok(Self { pair })
    }

    /// A signer from a 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> Result<Self, SecretError> {
        let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(seed)
            .map_err(|_| SecretError::InvalidPublicKey)?;
        Ok(Self { pair })
    }

    /// The public key as receivers configure it: `whpk_<base64>`.
    pub fn public_key(&self) -> String {
        use ring::signature::KeyPair as _;
        format!(
            "whpk_{}",
            general_purpose::STANDARD.encode(self.pair.public_key().as_ref())
        )
    }

    /// Signs `id.timestamp.body` and returns the `v1a,<base64>` entry.
    pub fn sign(&self, id: &str, timestamp: u64, body: &[u8]) -> String {
        let message =
            crate::standard::signed_content(id.as_bytes(), timestamp.to_string().as_bytes(), body);
        let signature = self.pair.sign(&message);
        format!(
            "v1a,{}",
            general_purpose::STANDARD.encode(signature.as_ref())
        )
    }
}

impl fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let s = Secret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        assert_eq!(s.key_count(), 1);
        let s = Secret::parse("v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        assert_eq!(s.key_count(), 1);
        let s = Secret::parse(
            " v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD | It's a Secret to Everybody ",
        )
        .unwrap();
        assert_eq!(s.hmac_keys().len(), 2);
        let signer = Ed25519Signer::from_seed(&[7; 32]).unwrap();
        let s = Secret::parse(&format!(
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD|{}",
            signer.public_key()
        ))
        .unwrap();
        assert_eq!((s.hmac_keys().len(), s.ed25519_keys().len()), (1, 1));
    }

    #[test]
    fn refuses_bad_secrets() {
        assert_eq!(Secret::parse("").unwrap_err(), SecretError::Empty);
        assert_eq!(Secret::parse("   ").unwrap_err(), SecretError::Empty);
        assert_eq!(Secret::parse("whsec_").unwrap_err(), SecretError::Empty);
        assert_eq!(
            Secret::parse("0123456789abcdef||0123456789abcdef").unwrap_err(),
            SecretError::Empty
        );
        assert_eq!(Secret::parse("short").unwrap_err(), SecretError::TooShort);
        assert_eq!(
            Secret::parse("whsec_AAAA").unwrap_err(),
            SecretError::TooShort
        );
        assert_eq!(
            Secret::parse("whsec_!!!notbase64!!!").unwrap_err(),
            SecretError::InvalidBase64
        );
        assert_eq!(
            Secret::parse("whpk_AAAA").unwrap_err(),
            SecretError::InvalidPublicKey
        );
        assert_eq!(
            Secret::parse("whsk_AAAA").unwrap_err(),
            SecretError::PrivateKeyGiven
        );
        let many = ["0123456789abcdef"; MAX_KEYS + 1].join("|");
        assert_eq!(Secret::parse(&many).unwrap_err(), SecretError::TooManyKeys);
        assert!(Secret::parse(&["0123456789abcdef"; MAX_KEYS].join("|")).is_ok());
        assert_eq!(Secret::from_bytes(b"").unwrap_err(), SecretError::Empty);
        assert_eq!(
            Secret::from_bytes(b"Jefe").unwrap_err(),
            SecretError::TooShort
        );
    }

    #[test]
    fn never_prints_the_secret() {
        let s = Secret::parse("It's a Secret to Everybody").unwrap();
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        let signer = Ed25519Signer::from_seed(&[1; 32]).unwrap();
        assert_eq!(format!("{signer:?}"), "[redacted]");
    }

    #[test]
    fn signer_round_trips_through_whsk() {
        let seed = [9u8; 32];
        let text = format!("whsk_{}", general_purpose::STANDARD.encode(seed));
        let a = Ed25519Signer::parse(&text).unwrap();
        let b = Ed25519Signer::from_seed(&seed).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        assert_eq!(a.sign("id", 1, b"x"), b.sign("id", 1, b"x"));
    }
}
