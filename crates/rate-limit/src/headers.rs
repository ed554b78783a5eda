//! The IETF `RateLimit` and `RateLimit-Policy` fields
//! (draft-ietf-httpapi-ratelimit-headers-11) and `Retry-After`.

use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::{Decision, Quota};

/// `RateLimit-Policy`.
pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
/// `RateLimit`.
pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// Whole seconds, rounded up.
fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Sets `RateLimit-Policy: {policy};q={limit};w={window}` and
/// `RateLimit: {policy};r={remaining};t={reset}` (seconds, rounded up), and
/// on a refusal `Retry-After` in whole seconds, rounded up and never 0.
/// `policy` is the tier's name ([`crate::Tiers::name`]).
///
/// ```
/// use std::time::Duration;
/// use alphaguard_rate_limit::{Decision, Quota, headers::set_rate_limit_headers};
///
/// let quota = Quota::per_minute(30.try_into().unwrap()).unwrap();
/// let refused = Decision { allowed: false, limit: 30, remaining: 0, reset: Duration::from_millis(4200) };
/// let mut headers = http::HeaderMap::new();
/// set_rate_limit_headers(&mut headers, "read", quota, &refused);
/// assert_eq!(headers["ratelimit-policy"], "read;q=30;w=60");
/// assert_eq!(headers["ratelimit"], "read;r=0;t=5");
/// assert_eq!(headers["retry-after"], "5");
/// ```
pub fn set_rate_limit_headers(
    headers: &mut HeaderMap,
    policy: &str,
    quota: Quota,
    decision: &Decision,
) {
    if let Some(value) = policy_value(policy, quota) {
        set_rate_limit_state(headers, policy, &value, decision);
    }
}

/// The `RateLimit-Policy` value of one tier, `{policy};q={limit};w={window}`
/// (`None` only if `policy` is not header text; tier names checked by
/// `Tiers::add` always are). It is the same on every response of the tier:
/// a server makes it once and passes it to [`set_rate_limit_state`].
pub fn policy_value(policy: &str, quota: Quota) -> Option<HeaderValue> {
    let window = ceil_secs(quota.period()).max(1);
    HeaderValue::try_from(format!("{policy};q={};w={window}", quota.limit())).ok()
}

/// What [`set_rate_limit_headers`] sets, with the tier's `RateLimit-Policy`
/// value made beforehand by [`policy_value`]: only `RateLimit` (and
/// `Retry-After` on a refusal) is formatted per response.
///
/// ```
/// use std::time::Duration;
/// use alphaguard_rate_limit::{Decision, Quota, headers};
///
/// let quota = Quota::per_minute(30.try_into().unwrap()).unwrap();
/// let policy = headers::policy_value("read", quota).unwrap();
/// let allowed = Decision { allowed: true, limit: 30, remaining: 29, reset: Duration::from_secs(2) };
/// let mut map = http::HeaderMap::new();
/// headers::set_rate_limit_state(&mut map, "read", &policy, &allowed);
/// assert_eq!(map["ratelimit-policy"], "read;q=30;w=60");
/// assert_eq!(map["ratelimit"], "read;r=29;t=2");
/// assert!(map.get("retry-after").is_none());
/// ```
pub fn set_rate_limit_state(
    headers: &mut HeaderMap,
    policy: &str,
    policy_value: &HeaderValue,
    decision: &Decision,
) {
    headers.insert(RATELIMIT_POLICY, policy_value.clone());
    let reset = ceil_secs(decision.reset);
    // `{policy};r={remaining};t={reset}`, without the format machinery
    // (this is on every request). Tier names (checked by `Tiers::add`) and
    // numbers are valid header text.
    let mut numbers = itoa::Buffer::new();
    let mut value = String::with_capacity(policy.len() + 26);
    value.push_str(policy);
    value.push_str(";r=");
    value.push_str(numbers.format(decision.remaining));
    value.push_str(";t=");
    value.push_str(numbers.format(reset));
    if let Ok(v) = HeaderValue::try_from(value) {
        headers.insert(RATELIMIT, v);
    }
    if let Some(retry) = decision.retry_after() {
        headers.insert(
            http::header::RETRY_AFTER,
            HeaderValue::from(ceil_secs(retry).max(1)),
        );
    }
}
