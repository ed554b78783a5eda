//! Request ids: a sane incoming `X-Request-ID` is kept, anything else is
//! replaced by a fresh, random one.

use std::cell::RefCell;
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

/// Bytes of randomness in an id (24 hex digits).
const ID_BYTES: usize = 12;
/// Randomness drawn from the operating system at a time, per thread: whole
/// ids, about 4 KiB.
const POOL_BYTES: usize = 4096 - 4096 % ID_BYTES;

/// A thread's unread randomness.
struct Pool {
    bytes: [u8; POOL_BYTES],
    used: usize,
}

thread_local! {
    static POOL: RefCell<Pool> = const {
        RefCell::new(Pool { bytes: [0; POOL_BYTES], used: POOL_BYTES })
    };
}

/// The next id's bytes from this thread's pool, refilled from the
/// operating system's generator when it runs out; `None` if that fails.
fn random_id() -> Option<[u8; ID_BYTES]> {
    POOL.with_borrow_mut(|pool| {
        if pool.used == POOL_BYTES {
            SystemRandom::new().fill(&mut pool.bytes).ok()?;
            pool.used = 0;
        }
        let id = pool.bytes.get(pool.used..pool.used + ID_BYTES)?;
        pool.used += ID_BYTES;
        id.try_into().ok()
    })
}

/// Makes ids: 96 random bits as 24 hex digits, drawn from the operating
/// system's generator about 4 KiB at a time per thread. An id says nothing
/// about the next one, so a client cannot send as its own `X-Request-ID`
/// the id the gateway is about to give another request (a per-process
/// prefix and a counter, as before, let it: two requests then shared one
/// id in the logs and the audit lines). Should the generator ever fail,
/// the ids are a per-process prefix and a counter: unique, not secret.
#[derive(Debug)]
pub struct RequestIds {
    prefix: u64,
    next: AtomicU64,
}

impl Default for RequestIds {
    fn default() -> Self {
        let mut bytes = [0u8; 8];
        // Without randomness the fallback ids are still unique per process.
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
        encode(random_id().unwrap_or_else(|| self.counted()))
    }

    /// The fallback: `{prefix:08x}{n:016x}`.
    fn counted(&self) -> [u8; ID_BYTES] {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let mut bytes = [0u8; ID_BYTES];
        bytes[..4].copy_from_slice(&self.prefix.to_be_bytes()[4..]);
        bytes[4..].copy_from_slice(&n.to_be_bytes());
        bytes
    }
}

/// Lower-case hex, without `format!` (which cost more than the rest of the
/// request's bookkeeping).
fn encode(bytes: [u8; ID_BYTES]) -> HeaderValue {
    let mut id = [0u8; 2 * ID_BYTES];
    // Encoding into twice the length cannot fail, nor can hex digits be a
    // bad header value.
    if hex::encode_to_slice(bytes, &mut id).is_err() {
        return HeaderValue::from_static("invalid");
    }
    HeaderValue::from_bytes(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
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
        // The fallback: the prefix, then the counter, in lower-case hex.
        let ids = RequestIds {
            prefix: 0xdead_beef,
            next: AtomicU64::new(0x0123_4567_89ab_cdef),
        };
        assert_eq!(encode(ids.counted()), "deadbeef0123456789abcdef");
        assert_eq!(encode(ids.counted()), "deadbeef0123456789abcdf0");
    }

    /// What a client sees of its own ids does not tell it the next one:
    /// no shared prefix, no step of one, over several refills of the pool.
    #[test]
    fn made_ids_are_random() {
        let ids = RequestIds::default();
        let made: Vec<u128> = (0..3 * POOL_BYTES / ID_BYTES + 7)
            .map(|_| {
                let id = ids.make();
                assert_eq!(id.len(), 24);
                assert!(
                    id.as_bytes()
                        .iter()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                );
                u128::from_str_radix(id.to_str().unwrap(), 16).unwrap()
            })
            .collect();
        let distinct: std::collections::HashSet<_> = made.iter().collect();
        assert_eq!(distinct.len(), made.len());
        let steps_of_one = made
            .windows(2)
            .filter(|w| w[1].wrapping_sub(w[0]) == 1)
            .count();
        assert_eq!(steps_of_one, 0);
        let same_prefix = made.windows(2).filter(|w| w[0] >> 64 == w[1] >> 64).count();
        assert!(same_prefix < 3, "{same_prefix}");
        // Another thread draws its own pool.
        let other = std::thread::spawn(|| RequestIds::default().make())
            .join()
            .unwrap();
        let other = u128::from_str_radix(other.to_str().unwrap(), 16).unwrap();
        assert!(!distinct.contains(&other));
    }
}
