//! Request ids: a sane incoming `X-Request-ID` is kept, anything else is
//! replaced by a fresh one.

use std::sync::atomic::{AtomicU64, Ordering};

use http::{HeaderName, HeaderValue};
use ring::rand::{SecureRandom, SystemRandom};

/// `x-request-id`.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming id kept.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// Whether an incoming id is kept: 1–128 characters of `[A-Za-z0-9._-]`.
pub fn is_valid(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Makes ids: a random per-process prefix and a counter, 24 hex digits,
/// unique within the process and unlikely to repeat across replicas.
#[derive(Debug)]
pub struct RequestIds {
    prefix: u64,
    next: AtomicU64,
}

impl Default for RequestIds {
    fn default() -> Self {
        let mut bytes = [0u8; 8];
        // Without randomness the ids are still unique per process.
        let _ = SystemRandom::new().fill(&mut bytes);
        Self {
            prefix: u64::from_le_bytes(bytes) >> 32,
            next: AtomicU64::new(1),
        }
    }
}

impl RequestIds {
    /// The incoming id if it is sane, else a new one.
    pub fn accept_or_make(&self, incoming: Option<&HeaderValue>) -> HeaderValue {
        match incoming {
            Some(v) if is_valid(v.as_bytes()) => v.clone(),
            _ => self.make(),
        }
    }

    /// A new id.
    pub fn make(&self) -> HeaderValue {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        // `{prefix:08x}{n:016x}`, without `format!` (which cost more than
        // the rest of the request's bookkeeping).
        let mut bytes = [0u8; 12];
        bytes[..4].copy_from_slice(&self.prefix.to_be_bytes()[4..]);
        bytes[4..].copy_from_slice(&n.to_be_bytes());
        let mut id = [0u8; 24];
        // 24 is twice 12: encoding cannot fail, nor can 24 hex digits be a
        // bad header value.
        if hex::encode_to_slice(bytes, &mut id).is_err() {
            return HeaderValue::from_static("invalid");
        }
        HeaderValue::from_bytes(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incoming_ids() {
        let ids = RequestIds::default();
        let keep = HeaderValue::from_static("abc-123_X.y");
        assert_eq!(ids.accept_or_make(Some(&keep)), keep);
        let long_ok = "a".repeat(128);
        assert!(is_valid(long_ok.as_bytes()));
        for bad in ["", "a b", "a/b", "\"x\"", "é"] {
            assert!(!is_valid(bad.as_bytes()), "{bad}");
        }
        assert!(!is_valid("a".repeat(129).as_bytes()));
        let made = ids.accept_or_make(Some(&HeaderValue::from_static("no spaces please")));
        assert!(is_valid(made.as_bytes()));
        assert_eq!(made.len(), 24);
        assert_ne!(ids.make(), ids.make());
        // The prefix, then the counter, in lower-case hex.
        let ids = RequestIds {
            prefix: 0xdead_beef,
            next: AtomicU64::new(0x0123_4567_89ab_cdef),
        };
        assert_eq!(ids.make(), "deadbeef0123456789abcdef");
        assert_eq!(ids.make(), "deadbeef0123456789abcdf0");
    }
}
