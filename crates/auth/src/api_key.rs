//! Static API keys: stored as SHA-256 digests, compared in constant time
//! against every configured key.

use std::fmt;

use constant_time_eq::constant_time_eq_32;
use ring::digest::{SHA256, digest};
use zeroize::Zeroizing;

/// The shortest API key accepted, in bytes.
pub const MIN_API_KEY_LEN: usize = 16;

/// The most keys one service holds (rotation needs two or three).
pub const MAX_API_KEYS: usize = 16;

/// The request header that carries an API key.
pub const API_KEY_HEADER: &str = "x-api-key";

/// Names a key in logs without revealing it: the first 8 hex digits of its
/// SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiKeyId([u8; 4]);

impl fmt::Display for ApiKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for ApiKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeyId({self})")
    }
}

/// Why a key list was refused. Never carries a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiKeyError {
    /// The list, or one comma-separated entry, is empty.
    Empty,
    /// A key is shorter than [`MIN_API_KEY_LEN`].
    TooShort,
    /// More than [`MAX_API_KEYS`] keys.
    TooMany,
}

impl fmt::Display for ApiKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "an API key entry is empty",
            Self::TooShort => "an API key is shorter than 16 characters",
            Self::TooMany => "more than 16 API keys",
        })
    }
}

impl std::error::Error for ApiKeyError {}

/// The service's API keys, as digests only.
///
/// ```
/// use alphaguard_auth::ApiKeys;
///
/// // API_KEY holds the new key first, then the one being retired.
/// let keys = ApiKeys::parse("new-key-0123456789abcdef, old-key-0123456789abcdef")?;
/// let id = keys.verify("old-key-0123456789abcdef").expect("a configured key");
/// assert_eq!(id.to_string().len(), 8); // safe to log
/// assert!(keys.verify("old-key-0123456789abcdeF").is_none());
/// assert_eq!(format!("{keys:?}"), "ApiKeys([redacted; 2 keys])");
/// # Ok::<(), alphaguard_auth::ApiKeyError>(())
/// ```
#[derive(Clone)]
pub struct ApiKeys {
    digests: Vec<[u8; 32]>,
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, bytes).as_ref());
    out
}

impl ApiKeys {
    /// Parses a comma-separated list (white space around each key is
    /// trimmed).
    pub fn parse(value: &str) -> Result<Self, ApiKeyError> {
        let value = Zeroizing::new(value.to_owned());
        let mut digests = Vec::new();
        for entry in value.split(',').map(str::trim) {
            if entry.is_empty() {
                return Err(ApiKeyError::Empty);
            }
            if entry.len() < MIN_API_KEY_LEN {
                return Err(ApiKeyError::TooShort);
            }
            if digests.len() == MAX_API_KEYS {
                return Err(ApiKeyError::TooMany);
            }
            digests.push(sha256(entry.as_bytes()));
        }
        Ok(Self { digests })
    }

    /// How many keys are configured.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// Whether none is (never true for a parsed list).
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    /// The id of the configured key equal to `presented`, if any.
    ///
    /// The presented key is hashed once and its digest compared with every
    /// configured digest in constant time, without stopping at a match, so
    /// the time taken tells neither whether nor which key matched.
    pub fn verify(&self, presented: &str) -> Option<ApiKeyId> {
        let candidate = sha256(presented.as_bytes());
        let mut found: Option<usize> = None;
        for (index, stored) in self.digests.iter().enumerate() {
            let equal = constant_time_eq_32(stored, &candidate);
            if equal && found.is_none() {
                found = Some(index);
            }
        }
        found.map(|i| {
            let d = &self.digests[i];
            ApiKeyId([d[0], d[1], d[2], d[3]])
        })
    }
}

impl fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeys([redacted; {} keys])", self.digests.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_weak_lists() {
        assert_eq!(ApiKeys::parse("").unwrap_err(), ApiKeyError::Empty);
        assert_eq!(
            ApiKeys::parse("0123456789abcdef,,0123456789abcdef").unwrap_err(),
            ApiKeyError::Empty
        );
        assert_eq!(ApiKeys::parse("short").unwrap_err(), ApiKeyError::TooShort);
        let many = vec!["0123456789abcdef"; MAX_API_KEYS + 1].join(",");
        assert_eq!(ApiKeys::parse(&many).unwrap_err(), ApiKeyError::TooMany);
    }

    #[test]
    fn each_key_has_its_own_id() {
        let keys = ApiKeys::parse("aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbb,cccccccccccccccc").unwrap();
        let ids: Vec<_> = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"]
            .iter()
            .map(|k| keys.verify(k).unwrap())
            .collect();
        assert_ne!(ids[0], ids[1]);
        assert_ne!(ids[1], ids[2]);
        assert!(keys.verify("").is_none());
        assert!(keys.verify("aaaaaaaaaaaaaaa").is_none());
    }
}
