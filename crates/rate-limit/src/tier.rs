//! Tiers are data: a caller names as many as it needs, each with its own
//! quota, and sorts requests into them with rules of its own.

use std::fmt;

use http::Method;

use crate::Quota;

/// A tier of a [`Tiers`]: which budget a request counts against.
///
/// A handle, not a name: [`Tiers::add`] gives it out, and it means
/// something only to the limiter built from those tiers. A limiter asked
/// about a tier it does not have refuses the request (fail closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tier(u16);

impl Tier {
    /// Its position in the [`Tiers`] that made it, from 0.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The tier at `index` (stores walking their tiers); saturates.
    pub(crate) fn from_index(index: usize) -> Self {
        Self(u16::try_from(index).unwrap_or(u16::MAX))
    }
}

/// Why a tier could not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TierError {
    /// Names are 1 to 32 bytes of `a-z`, `0-9`, `_` and `-`, starting with
    /// a letter: they go into `RateLimit` headers and metric labels as they
    /// are.
    BadName(String),
    /// Two tiers with one name.
    Duplicate(String),
    /// More tiers than a handle can count.
    TooMany,
}

impl fmt::Display for TierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadName(name) => write!(
                f,
                "tier name {name:?} must be 1-32 of a-z, 0-9, _ and -, starting with a letter"
            ),
            Self::Duplicate(name) => write!(f, "tier {name:?} is named twice"),
            Self::TooMany => f.write_str("too many tiers"),
        }
    }
}

impl std::error::Error for TierError {}

fn valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=32).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_' || *b == b'-')
}

/// The tiers of a limiter, each a name and a quota, in the order added.
///
/// ```
/// use alphaguard_rate_limit::{Quota, Tiers};
///
/// let mut tiers = Tiers::new();
/// let read = tiers.add("read", Quota::per_minute(30.try_into().unwrap()).unwrap()).unwrap();
/// let write = tiers.add("write", Quota::per_minute(10.try_into().unwrap()).unwrap()).unwrap();
/// assert_eq!(tiers.name(write), Some("write"));
/// assert_eq!(tiers.quota(read).map(|q| q.limit().get()), Some(30));
/// assert_eq!(tiers.get("read"), Some(read));
/// assert!(tiers.add("read", Quota::per_minute(1.try_into().unwrap()).unwrap()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tiers {
    entries: Vec<(Box<str>, Quota)>,
}

impl Tiers {
    /// No tiers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a tier; its handle is the next index.
    pub fn add(&mut self, name: &str, quota: Quota) -> Result<Tier, TierError> {
        if !valid_name(name) {
            return Err(TierError::BadName(name.to_owned()));
        }
        if self.get(name).is_some() {
            return Err(TierError::Duplicate(name.to_owned()));
        }
        let index = u16::try_from(self.entries.len()).map_err(|_| TierError::TooMany)?;
        self.entries.push((name.into(), quota));
        Ok(Tier(index))
    }

    /// The tier called `name`.
    pub fn get(&self, name: &str) -> Option<Tier> {
        self.entries
            .iter()
            .position(|(n, _)| &**n == name)
            .and_then(|i| u16::try_from(i).ok())
            .map(Tier)
    }

    /// A tier's quota; `None` for a tier of other tiers.
    pub fn quota(&self, tier: Tier) -> Option<Quota> {
        self.entries.get(tier.index()).map(|(_, q)| *q)
    }

    /// A tier's name; `None` for a tier of other tiers.
    pub fn name(&self, tier: Tier) -> Option<&str> {
        self.entries.get(tier.index()).map(|(n, _)| &**n)
    }

    /// Every tier with its name and quota, in order.
    pub fn iter(&self) -> impl Iterator<Item = (Tier, &str, Quota)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, (n, q))| (Tier(i as u16), &**n, *q))
    }

    /// How many tiers there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One rule of a [`Classifier`]: requests whose method is one of `methods`
/// (any method when empty) and whose path starts with `path_prefix` count
/// against `tier`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The methods; empty means any.
    pub methods: Vec<Method>,
    /// A path prefix; `""` matches every path. Compare canonical paths
    /// (decoded once, without dot segments) or the rule can be walked
    /// around.
    pub path_prefix: String,
    /// Where matching requests count.
    pub tier: Tier,
}

/// Sorts requests into tiers by rules the caller chooses: the first rule
/// that matches wins, and requests no rule matches count against the
/// default tier.
///
/// ```
/// use alphaguard_rate_limit::{Classifier, Quota, Tiers};
/// use http::Method;
///
/// let per_min = |n: u32| Quota::per_minute(n.try_into().unwrap()).unwrap();
/// let mut tiers = Tiers::new();
/// let probe = tiers.add("probe", per_min(60)).unwrap();
/// let read = tiers.add("read", per_min(30)).unwrap();
/// let write = tiers.add("write", per_min(10)).unwrap();
/// let classifier = Classifier::new(write)
///     .rule(&[], "/health", probe)
///     .rule(&[Method::GET, Method::HEAD, Method::OPTIONS], "", read);
/// assert_eq!(classifier.classify(&Method::GET, "/health"), probe);
/// assert_eq!(classifier.classify(&Method::GET, "/api/me"), read);
/// assert_eq!(classifier.classify(&Method::DELETE, "/api/x"), write);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classifier {
    rules: Vec<Rule>,
    default: Tier,
}

impl Classifier {
    /// No rules: every request counts against `default`.
    pub fn new(default: Tier) -> Self {
        Self {
            rules: Vec::new(),
            default,
        }
    }

    /// Adds a rule after the others.
    pub fn rule(mut self, methods: &[Method], path_prefix: &str, tier: Tier) -> Self {
        self.rules.push(Rule {
            methods: methods.to_vec(),
            path_prefix: path_prefix.to_owned(),
            tier,
        });
        self
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The tier of a request.
    pub fn classify(&self, method: &Method, path: &str) -> Tier {
        self.rules
            .iter()
            .find(|r| {
                (r.methods.is_empty() || r.methods.contains(method))
                    && path.starts_with(&r.path_prefix)
            })
            .map_or(self.default, |r| r.tier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    #[test]
    fn names_are_header_tokens() {
        let q = Quota::per_minute(NonZeroU32::MIN).unwrap();
        let mut tiers = Tiers::new();
        for bad in ["", "Read", "1st", "a b", "a;q=1", &"x".repeat(33)] {
            assert_eq!(
                tiers.add(bad, q),
                Err(TierError::BadName(bad.to_owned())),
                "{bad:?}"
            );
        }
        let a = tiers.add("a-1_b", q).unwrap();
        assert_eq!(a.index(), 0);
        assert_eq!(tiers.len(), 1);
    }

    #[test]
    fn foreign_tiers_are_unknown() {
        let q = Quota::per_minute(NonZeroU32::MIN).unwrap();
        let mut big = Tiers::new();
        big.add("a", q).unwrap();
        let b = big.add("b", q).unwrap();
        let mut small = Tiers::new();
        small.add("a", q).unwrap();
        assert_eq!(small.quota(b), None);
        assert_eq!(small.name(b), None);
    }

    #[test]
    fn first_matching_rule_wins() {
        let q = Quota::per_minute(NonZeroU32::MIN).unwrap();
        let mut tiers = Tiers::new();
        let a = tiers.add("a", q).unwrap();
        let b = tiers.add("b", q).unwrap();
        let c = tiers.add("c", q).unwrap();
        let classifier =
            Classifier::new(c)
                .rule(&[Method::POST], "/hooks/", a)
                .rule(&[], "/hooks/", b);
        assert_eq!(classifier.classify(&Method::POST, "/hooks/x"), a);
        assert_eq!(classifier.classify(&Method::GET, "/hooks/x"), b);
        assert_eq!(classifier.classify(&Method::POST, "/other"), c);
        assert_eq!(classifier.rules().len(), 2);
    }
}
