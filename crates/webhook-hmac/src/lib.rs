#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

mod clock;
pub mod delivery;
mod error;
mod mac;
pub mod plain;
#[cfg(feature = "redis")]
mod redis_guard;
mod registry;
pub mod replay;
mod secret;
pub mod standard;
#[cfg(feature = "bench-steps")]
#[doc(hidden)]
pub mod steps;

#[cfg(feature = "tower")]
pub mod layer;

pub use alphaguard_config::{ConfigError, ConfigErrors};
pub use clock::{Clock, FakeClock, SystemClock};
pub use error::Error;
#[cfg(feature = "redis")]
pub use redis_guard::{DEFAULT_PREFIX as REDIS_DEFAULT_PREFIX, RedisReplayGuard};
pub use registry::{Outcome, Registry, RegistryOptions, Webhook, WebhookSpec};
pub use replay::{Delivery, MemoryReplayGuard, ReplayError, ReplayGuard};
pub use secret::{Ed25519Signer, MAX_KEYS, MIN_SECRET_LEN, Secret, SecretError};

/// A signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    Standard,
    /// GitHub style: `X-Signature-256: sha256=<hex>` over the body.
    Plain,
}

impl Scheme {
    /// `standard` or `plain`, for logs and metrics.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Plain => "plain",
        }
    }
}

/// Which schemes a [`Verifier`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Accept {
    /// Standard Webhooks only.
    Standard,
    /// The plain scheme only.
    Plain,
    /// Standard Webhooks when `webhook-signature` is present, else the plain
    /// scheme.
    Either,
}

/// A request whose signature was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The scheme it was signed with.
    pub scheme: Scheme,
    /// The `webhook-id` (Standard Webhooks only), for the replay guard.
    pub webhook_id: Option<String>,
    /// The `webhook-timestamp` in Unix seconds (Standard Webhooks only).
    pub timestamp: Option<u64>,
    /// Which key matched: HMAC keys first, in the order configured, then
    /// Ed25519 public keys. During a rotation, 0 is the new key.
    pub key_index: usize,
}

/// Verifies webhook requests against one [`Secret`].
///
/// Cheap to share: wrap it in an `Arc` or keep it in a [`Registry`].
#[derive(Debug, Clone)]
pub struct Verifier {
    secret: Arc<Secret>,
    accept: Accept,
    tolerance: Duration,
    clock: Arc<dyn Clock>,
}

impl Verifier {
    /// A verifier accepting either scheme, with the default 5-minute
    /// tolerance, on the system clock.
    pub fn new(secret: Secret) -> Self {
        Self {
            secret: Arc::new(secret),
            accept: Accept::Either,
            tolerance: standard::DEFAULT_TOLERANCE,
            clock: Arc::new(SystemClock),
        }
    }

    /// Sets which schemes are accepted.
    pub fn accept(mut self, accept: Accept) -> Self {
        self.accept = accept;
        self
    }

    /// Sets the timestamp tolerance (both directions).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The timestamp tolerance: also how long a replay guard must remember
    /// an id.
    pub fn tolerance_window(&self) -> Duration {
        self.tolerance
    }

    /// How long a replay guard must remember a verified delivery's id: a
    /// Standard Webhooks timestamp is accepted up to the tolerance in the
    /// future, so its id is kept until `timestamp + tolerance` (not
    /// `receipt + tolerance`, which would let a future-dated delivery be
    /// replayed once the guard forgot it); a plain-scheme delivery, which
    /// has no timestamp, for the tolerance from now. At least 1 ms.
    pub fn replay_ttl(&self, verified: &Verified) -> Duration {
        let now = self.clock.now();
        let until = match verified.timestamp {
            Some(ts) => Duration::from_secs(ts).saturating_add(self.tolerance),
            None => now.saturating_add(self.tolerance),
        };
        until.saturating_sub(now).max(Duration::from_millis(1))
    }

    /// The secret, for signing.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// Verifies a request over its raw body bytes.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Verified, Error> {
        let standard = || {
            standard::verify_with_clock(&self.secret, headers, body, &*self.clock, self.tolerance)
        };
        let plain = || {
            if standard_shaped(body) {
                return Err(Error::SignatureMismatch);
            }
            plain::verify(&self.secret, headers, body)
        };
        match self.accept {
            Accept::Standard => standard(),
            Accept::Plain => plain(),
            // Standard Webhooks first: its one pass over the headers is all
            // a well-formed delivery costs. Only a request without
            // `webhook-signature` falls back to the plain scheme.
            Accept::Either => match standard() {
                Err(Error::MissingHeader(_))
                    if !headers.contains_key(&standard::SIGNATURE_NAME)
                        && plain::has_signature(headers) =>
                {
                    plain()
                }
                result => result,
            },
        }
    }
}

/// Whether `body` reads as Standard Webhooks signed content,
/// `{id}.{timestamp}.{payload}`, with an id as senders make them (letters,
/// digits, `_`, `-`; `msg_…`, UUIDs). Such a body is refused on the plain
/// scheme: its `sha256=` signature would be the `v1` signature of a
/// Standard delivery made with the same key, so anyone who saw one
/// Standard delivery could re-send it as a plain one, with no timestamp to
/// expire. JSON and form bodies never have this shape.
pub(crate) fn standard_shaped(body: &[u8]) -> bool {
    // The id is the bytes before the first `.`, all of them id
    // characters: so the first byte that is not one must be that dot, at
    // most `MAX_ID_LEN` bytes in. A JSON body stops at its `{`; only the
    // first `MAX_ID_LEN + 1` bytes of any body are read. Sixteen bytes are
    // checked at a time without an early exit, which vectorises.
    let head = &body[..body.len().min(standard::MAX_ID_LEN + 1)];
    let mut chunks = head.chunks_exact(16);
    let mut id_len = 0;
    for chunk in chunks.by_ref() {
        if !chunk.iter().fold(true, |ok, &b| ok & is_id_byte(b)) {
            break;
        }
        id_len += 16;
    }
    id_len += head[id_len..]
        .iter()
        .position(|&b| !is_id_byte(b))
        .unwrap_or(head.len() - id_len);
    let (id, rest) = body.split_at(id_len);
    let Some(rest) = rest.strip_prefix(b".") else {
        return false;
    };
    // The timestamp's dot, within the 20 bytes after the id's.
    let Some(ts_end) = rest.iter().take(20).position(|&b| b == b'.') else {
        return false;
    };
    standard::parse_id(id).is_some() && standard::parse_timestamp(&rest[..ts_end]).is_some()
}

/// A letter, digit, `_` or `-`: what senders make ids of.
fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() | (b == b'_') | (b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: split at the first two dots.
    fn reference(body: &[u8]) -> bool {
        let mut parts = body.splitn(3, |&b| b == b'.');
        let (Some(id), Some(timestamp), Some(_)) = (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        id.iter().all(|&b| is_id_byte(b))
            && standard::parse_id(id).is_some()
            && standard::parse_timestamp(timestamp).is_some()
    }

    #[test]
    fn standard_shape_agrees_with_its_definition() {
        let mut bodies: Vec<Vec<u8>> = Vec::new();
        for id_len in [0, 1, 15, 16, 17, 31, 32, 33, 255, 256, 257, 300] {
            for ts_len in [0, 1, 10, 19, 20] {
                for tail in [&b""[..], b".", b".x", b".{}"] {
                    let mut body = vec![b'a'; id_len];
                    body.push(b'.');
                    body.extend(std::iter::repeat_n(b'7', ts_len));
                    body.extend_from_slice(tail);
                    bodies.push(body);
                }
            }
        }
        // Every byte in a few places of a shaped body.
        let shaped = b"msg_2b1d-0123456789abcdef.1700000000.{\"a\":1}".to_vec();
        for at in [0, 5, 15, 16, 17, 25, 26, 30, 36, 37] {
            for c in 0..=255u8 {
                let mut body = shaped.clone();
                body[at] = c;
                bodies.push(body);
            }
        }
        bodies.extend([
            b"{\"event\":\"x\"}".to_vec(),
            b"v1.2.3".to_vec(),
            b"a..b".to_vec(),
            b".1.x".to_vec(),
            Vec::new(),
        ]);
        for body in &bodies {
            assert_eq!(standard_shaped(body), reference(body), "{body:?}");
        }
        assert!(standard_shaped(&shaped));
    }
}
