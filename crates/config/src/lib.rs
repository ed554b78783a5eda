#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use std::fmt;

pub mod refusal;

/// Whether `url` is a service base URL that is safe to send secrets to:
/// `https://` anywhere, `http://` only to `localhost` or a loopback address
/// (tests, local development); a host is required, and user info,
/// queries, fragments and spaces are refused.
///
/// ```
/// use alphaguard_config::is_https_or_loopback_http;
///
/// assert!(is_https_or_loopback_http("https://abc.supabase.co"));
/// assert!(is_https_or_loopback_http("http://127.0.0.1:54321"));
/// assert!(!is_https_or_loopback_http("http://127.0.0.1.evil.example"));
/// assert!(!is_https_or_loopback_http("http://127.0.0.1@evil.example"));
/// ```
pub fn is_https_or_loopback_http(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    if host.is_empty() || rest.contains(['?', '#', '@', ' ']) {
        return false;
    }
    match scheme {
        "https" => true,
        "http" => {
            host == "localhost"
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        _ => false,
    }
}

#[cfg(test)]
mod url_tests {
    use super::is_https_or_loopback_http;

    #[test]
    fn service_urls() {
        for (url, ok) in [
            ("https://abc.supabase.co", true),
            ("https://secretmanager.googleapis.com", true),
            ("http://127.0.0.1:54321", true),
            ("http://127.8.9.10", true),
            ("http://localhost:54321", true),
            ("http://[::1]:54321", true),
            ("http://[2001:db8::1]:54321", false),
            ("http://abc.supabase.co", false),
            ("http://127.evil.example", false),
            ("http://127.0.0.1.evil.example", false),
            ("http://127.0.0.1@evil.example", false),
            ("http://localhost.evil.example", false),
            ("https://user@abc.supabase.co", false),
            ("https://a?b", false),
            ("ftp://abc", false),
            ("abc.supabase.co", false),
            ("https://", false),
        ] {
            assert_eq!(is_https_or_loopback_http(url), ok, "{url}");
        }
    }
}

/// One configuration problem: the variable and what is wrong, never its
/// value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The environment variable.
    pub var: &'static str,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.var, self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// Every problem found in one pass over the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// Records a problem.
    pub fn push(&mut self, var: &'static str, reason: impl Into<String>) {
        self.0.push(ConfigError {
            var,
            reason: reason.into(),
        });
    }

    /// Whether a problem about `var` is recorded.
    pub fn mentions(&self, var: &str) -> bool {
        self.0.iter().any(|e| e.var == var)
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing is recorded, else every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Adds another set's problems (a service gathering its crates').
    pub fn extend(&mut self, other: ConfigErrors) {
        self.0.extend(other.0);
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid configuration: ")?;
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Reads variables through a lookup function and collects every problem:
/// the shape of each crate's `from_lookup`.
///
/// ```
/// use alphaguard_config::Vars;
///
/// let mut vars = Vars::new(|name| match name {
///     "PORT" => Some(" 8080 ".to_owned()),
///     "RETRIES" => Some("many".to_owned()),
///     "EMPTY" => Some("   ".to_owned()),
///     _ => None,
/// });
/// assert_eq!(vars.get("EMPTY"), None);
/// assert_eq!(vars.number("PORT", 80, 1..=65535), 8080);
/// assert_eq!(vars.number("RETRIES", 3, 0..=10), 3);
/// let err = vars.finish(()).unwrap_err();
/// assert_eq!(err.to_string(), "invalid configuration: RETRIES: not an integer from 0 to 10");
/// ```
#[derive(Debug)]
pub struct Vars<F> {
    lookup: F,
    errors: ConfigErrors,
}

impl<F: FnMut(&str) -> Option<String>> Vars<F> {
    /// Reads through `lookup`.
    pub fn new(lookup: F) -> Self {
        Self {
            lookup,
            errors: ConfigErrors::default(),
        }
    }

    /// The value, trimmed; `None` when unset or blank.
    pub fn get(&mut self, var: &str) -> Option<String> {
        (self.lookup)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// An integer within `range`, `default` when unset; anything else is
    /// recorded as a problem (and `default` returned, so reading goes on).
    pub fn number(
        &mut self,
        var: &'static str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> u64 {
        let Some(text) = self.get(var) else {
            return default;
        };
        match text.parse::<u64>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                self.fail(
                    var,
                    format!("not an integer from {} to {}", range.start(), range.end()),
                );
                default
            }
        }
    }

    /// Records a problem with `var`.
    pub fn fail(&mut self, var: &'static str, reason: impl Into<String>) {
        self.errors.push(var, reason);
    }

    /// `Ok(value)` when no problem was recorded, else every problem.
    pub fn finish<T>(self, value: T) -> Result<T, ConfigErrors> {
        self.errors.into_result(value)
    }
}
