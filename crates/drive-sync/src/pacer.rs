//! Retries of Drive calls, like rclone's pacer.

use std::time::Duration;

use alphaguard_gcp_secrets::Backoff;

/// How a failed call is retried: exponential backoff with jitter, capped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacer {
    /// The first delay.
    pub initial: Duration,
    /// The longest delay.
    pub max: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// How long one API call (or one download's silence) may take.
    pub call_timeout: Duration,
}

impl Default for Pacer {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(16),
            retries: 10,
            call_timeout: Duration::from_secs(60),
        }
    }
}

impl Pacer {
    /// The delays before each retry, `retries` of them: doubled each
    /// time, capped, a random point in its upper half — the schedule
    /// alphaguard-gcp-secrets uses for Secret Manager ([`Backoff::delays`],
    /// built on backon).
    pub fn delays(&self) -> impl Iterator<Item = Duration> + Send + Sync + Unpin + use<> {
        Backoff {
            initial: self.initial,
            multiplier: 2,
            max: self.max,
            deadline: Duration::MAX,
        }
        .delays()
        .take(self.retries as usize)
    }
}

/// What to do about a failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Retry after a delay (rate limits, 429, 5xx, network, timeouts).
    Retry(String),
    /// Stop: retrying cannot help (quota exhausted, not found, denied).
    Stop(String),
}

/// Drive's reasons that mean "slow down".
const RATE_LIMIT_REASONS: [&str; 2] = ["rateLimitExceeded", "userRateLimitExceeded"];

/// Drive's reasons that mean "the quota is gone".
const QUOTA_REASONS: [&str; 5] = [
    "dailyLimitExceeded",
    "quotaExceeded",
    "downloadQuotaExceeded",
    "sharingRateLimitExceeded",
    "storageQuotaExceeded",
];

/// Classifies a Google error body (`{"error": {"code", "errors": [{"reason"}]}}`)
/// or a bare status.
pub fn classify(status: u16, body: Option<&serde_json::Value>) -> Verdict {
    let reason = body
        .and_then(|b| b.pointer("/error/errors/0/reason"))
        .and_then(|r| r.as_str())
        .unwrap_or("");
    let message = body
        .and_then(|b| b.pointer("/error/message"))
        .and_then(|m| m.as_str())
        .unwrap_or("");
    let what = if reason.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status} {reason}: {message}")
    };
    if QUOTA_REASONS.contains(&reason) {
        return Verdict::Stop(format!("Drive quota exhausted ({what})"));
    }
    match status {
        403 if RATE_LIMIT_REASONS.contains(&reason) => Verdict::Retry(what),
        429 | 500..=599 => Verdict::Retry(what),
        _ => Verdict::Stop(what),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(reason: &str) -> serde_json::Value {
        json!({"error": {"code": 403, "message": "m", "errors": [{"reason": reason}]}})
    }

    #[test]
    fn verdicts() {
        assert!(matches!(
            classify(403, Some(&body("userRateLimitExceeded"))),
            Verdict::Retry(_)
        ));
        assert!(matches!(
            classify(403, Some(&body("rateLimitExceeded"))),
            Verdict::Retry(_)
        ));
        assert!(matches!(
            classify(403, Some(&body("dailyLimitExceeded"))),
            Verdict::Stop(_)
        ));
        assert!(matches!(classify(429, None), Verdict::Retry(_)));
        assert!(matches!(classify(503, None), Verdict::Retry(_)));
        assert!(matches!(classify(404, None), Verdict::Stop(_)));
        assert!(matches!(
            classify(403, Some(&body("insufficientPermissions"))),
            Verdict::Stop(_)
        ));
    }

    #[test]
    fn delays_double_cap_and_run_out() {
        let p = Pacer::default();
        let delays: Vec<Duration> = p.delays().collect();
        assert_eq!(delays.len(), 10);
        assert!(delays[0] >= Duration::from_millis(500) && delays[0] <= Duration::from_secs(1));
        assert!(delays[1] >= Duration::from_secs(1) && delays[1] <= Duration::from_secs(2));
        for d in &delays[5..] {
            assert!(
                *d >= Duration::from_secs(8) && *d <= Duration::from_secs(16),
                "{d:?}"
            );
        }
    }
}
