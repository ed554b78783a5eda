//! Configuration from the environment, every problem reported at once.

use std::num::NonZeroU32;
use std::time::Duration;

use alphaguard_config::{ConfigErrors, Vars};
use ipnet::IpNet;

use crate::{ClientIpResolver, FailurePolicy, Quota, Tiers};

/// A tier the caller wants, with the variable that may change its
/// per-minute limit: the service's data, handed to [`Config::from_lookup`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierSpec {
    /// The tier's name (`RateLimit` headers, metrics, Redis keys).
    pub name: &'static str,
    /// The variable holding its limit per minute.
    pub env_var: &'static str,
    /// The limit per minute when the variable is unset.
    pub per_minute: u32,
}

/// The rate-limit settings of a service: the tiers it names, plus
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | each [`TierSpec::env_var`] | that tier's limit per minute | [`TierSpec::per_minute`] |
/// | `RATE_LIMIT_CLEANUP_SECS` | idle-state sweep period | 600 |
/// | `RATE_LIMIT_MAX_CLIENTS` | tracked clients per tier (memory store) | 1000000 |
/// | `RATE_LIMIT_IPV6_PREFIX` | IPv6 clients grouped by this prefix | 64 |
/// | `RATE_LIMIT_REDIS_URL` | shared state for several replicas | unset (memory) |
/// | `RATE_LIMIT_ON_STORE_ERROR` | `closed` (refuse) or `open` (admit) when Redis fails | closed |
/// | `TRUSTED_PROXIES` | comma-separated CIDRs whose `X-Forwarded-For` is believed | none |
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The tiers, in the order of the specs given.
    pub tiers: Tiers,
    /// How often idle states are swept.
    pub cleanup: Duration,
    /// The memory store's cap per tier.
    pub max_clients: usize,
    /// Client address resolution.
    pub resolver: ClientIpResolver,
    /// The Redis URL, if any. It may hold a password: never log it.
    pub redis_url: Option<String>,
    /// What to do when the Redis store fails.
    pub on_store_error: FailurePolicy,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env(specs: &[TierSpec]) -> Result<Self, ConfigErrors> {
        Self::from_lookup(|var| std::env::var(var).ok(), specs)
    }

    /// Reads through `lookup`; unset and empty variables take defaults. A
    /// spec whose own name or default is invalid is reported under its
    /// variable too.
    pub fn from_lookup(
        lookup: impl FnMut(&str) -> Option<String>,
        specs: &[TierSpec],
    ) -> Result<Self, ConfigErrors> {
        let mut vars = Vars::new(lookup);

        let mut tiers = Tiers::new();
        for spec in specs {
            let limit = match vars.get(spec.env_var) {
                None => NonZeroU32::new(spec.per_minute),
                Some(text) => match text.parse::<NonZeroU32>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        vars.fail(spec.env_var, "not a positive integer");
                        continue;
                    }
                },
            };
            let quota = match limit.map(Quota::per_minute) {
                Some(Ok(quota)) => quota,
                Some(Err(e)) => {
                    vars.fail(spec.env_var, e.to_string());
                    continue;
                }
                None => {
                    vars.fail(spec.env_var, "the built-in default is zero");
                    continue;
                }
            };
            if let Err(e) = tiers.add(spec.name, quota) {
                vars.fail(spec.env_var, e.to_string());
            }
        }

        let cleanup = Duration::from_secs(vars.number("RATE_LIMIT_CLEANUP_SECS", 600, 1..=86_400));
        let max_clients = vars.number(
            "RATE_LIMIT_MAX_CLIENTS",
            crate::store::DEFAULT_MAX_CLIENTS as u64,
            64..=1 << 32,
        );
        let prefix = vars.number("RATE_LIMIT_IPV6_PREFIX", 64, 0..=128);

        let mut trusted = Vec::new();
        if let Some(text) = vars.get("TRUSTED_PROXIES") {
            for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                match parse_cidr(entry) {
                    Some(net) => trusted.push(net),
                    None => vars.fail(
                        "TRUSTED_PROXIES",
                        format!("{entry:?} is not an address or CIDR"),
                    ),
                }
            }
        }

        let on_store_error = match vars
            .get("RATE_LIMIT_ON_STORE_ERROR")
            .as_deref()
            .map(str::trim)
        {
            None | Some("closed") => FailurePolicy::FailClosed,
            Some("open") => FailurePolicy::FailOpen,
            Some(_) => {
                vars.fail("RATE_LIMIT_ON_STORE_ERROR", "must be `open` or `closed`");
                FailurePolicy::FailClosed
            }
        };
        let redis_url = vars.get("RATE_LIMIT_REDIS_URL");
        if let Some(url) = &redis_url
            && !(url.starts_with("redis://")
                || url.starts_with("rediss://")
                || url.starts_with("unix://")
                || url.starts_with("redis+unix://"))
        {
            vars.fail(
                "RATE_LIMIT_REDIS_URL",
                "must start with redis://, rediss:// or unix://",
            );
        }

        vars.finish(Self {
            tiers,
            cleanup,
            max_clients: usize::try_from(max_clients).unwrap_or(usize::MAX),
            resolver: ClientIpResolver::new(trusted).ipv6_prefix(prefix as u8),
            redis_url,
            on_store_error,
        })
    }
}

/// A CIDR, or a bare address as a single-host network.
fn parse_cidr(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: [TierSpec; 3] = [
        TierSpec {
            name: "probe",
            env_var: "RATE_LIMIT_PROBE_PER_MIN",
            per_minute: 60,
        },
        TierSpec {
            name: "read",
            env_var: "RATE_LIMIT_READ_PER_MIN",
            per_minute: 30,
        },
        TierSpec {
            name: "write",
            env_var: "RATE_LIMIT_WRITE_PER_MIN",
            per_minute: 10,
        },
    ];

    #[test]
    fn defaults_without_any_variable() {
        let c = Config::from_lookup(|_| None, &SPECS).unwrap();
        let limits: Vec<(&str, u32)> = c
            .tiers
            .iter()
            .map(|(_, name, q)| (name, q.limit().get()))
            .collect();
        assert_eq!(limits, [("probe", 60), ("read", 30), ("write", 10)]);
        assert_eq!(c.cleanup, Duration::from_secs(600));
        assert!(c.resolver.trusted().is_empty());
        assert_eq!(c.on_store_error, FailurePolicy::FailClosed);
        assert!(c.redis_url.is_none());
    }

    #[test]
    fn reads_every_variable() {
        let c = Config::from_lookup(
            |var| {
                Some(
                    match var {
                        "RATE_LIMIT_PROBE_PER_MIN" => "600",
                        "RATE_LIMIT_READ_PER_MIN" => "300",
                        "RATE_LIMIT_WRITE_PER_MIN" => "100",
                        "RATE_LIMIT_CLEANUP_SECS" => "30",
                        "TRUSTED_PROXIES" => "10.0.0.0/8, 192.0.2.1 ,2001:db8::/32",
                        "RATE_LIMIT_ON_STORE_ERROR" => "open",
                        "RATE_LIMIT_REDIS_URL" => "redis://127.0.0.1:6379/0",
                        _ => return None,
                    }
                    .to_owned(),
                )
            },
            &SPECS,
        )
        .unwrap();
        let write = c.tiers.get("write").unwrap();
        assert_eq!(c.tiers.quota(write).unwrap().limit().get(), 100);
        assert_eq!(c.cleanup, Duration::from_secs(30));
        assert_eq!(c.resolver.trusted().len(), 3);
        assert_eq!(c.on_store_error, FailurePolicy::FailOpen);
    }

    #[test]
    fn every_bad_variable_is_named() {
        let err = Config::from_lookup(
            |var| {
                Some(
                    match var {
                        "RATE_LIMIT_PROBE_PER_MIN" => "0",
                        "RATE_LIMIT_READ_PER_MIN" => "lots",
                        "RATE_LIMIT_WRITE_PER_MIN" => "99999999",
                        "RATE_LIMIT_CLEANUP_SECS" => "-1",
                        "TRUSTED_PROXIES" => "10.0.0.0/8,10.0.0.0/99,proxy.local",
                        "RATE_LIMIT_ON_STORE_ERROR" => "maybe",
                        "RATE_LIMIT_REDIS_URL" => "http://user:hunter2@x",
                        _ => return None,
                    }
                    .to_owned(),
                )
            },
            &SPECS,
        )
        .unwrap_err();
        let vars: Vec<_> = err.0.iter().map(|e| e.var).collect();
        assert_eq!(
            vars,
            [
                "RATE_LIMIT_PROBE_PER_MIN",
                "RATE_LIMIT_READ_PER_MIN",
                "RATE_LIMIT_WRITE_PER_MIN",
                "RATE_LIMIT_CLEANUP_SECS",
                "TRUSTED_PROXIES",
                "TRUSTED_PROXIES",
                "RATE_LIMIT_ON_STORE_ERROR",
                "RATE_LIMIT_REDIS_URL",
            ]
        );
        assert!(!err.to_string().contains("hunter2"));
    }
}
