//! Identity headers a client must never be able to set.

use http::HeaderMap;

/// Headers that proxies and frameworks read as "who the user is". Any of
/// them arriving from a client is a spoofing attempt; the service removes
/// them all before anything reads them, and sets its own from the verified
/// identity when it forwards. The same names with `_` for `-` are removed
/// too (some servers fold them together).
pub const IDENTITY_HEADERS: &[&str] = &[
    "x-user-id",
    "x-user",
    "x-user-email",
    "x-user-role",
    "x-user-roles",
    "x-forwarded-user",
    "x-forwarded-email",
    "x-forwarded-preferred-username",
    "x-forwarded-groups",
    "x-forwarded-access-token",
    "x-remote-user",
    "x-remote-email",
    "x-remote-groups",
    "remote-user",
    "x-authenticated-user",
    "x-authenticated-userid",
    "x-auth-user",
    "x-auth-email",
    "x-role",
    "x-discord-id",
    "x-webhook-verified",
];

/// Header name prefixes removed whatever follows: oauth2-proxy's
/// `X-Auth-Request-*` family.
pub const IDENTITY_HEADER_PREFIXES: &[&str] = &["x-auth-request-"];

/// Whether a header name is an identity header (after `_` → `-`; names in
/// a [`HeaderMap`] are already lower case).
pub fn is_identity_header(name: &str) -> bool {
    let dashed = name.replace('_', "-");
    IDENTITY_HEADERS.contains(&dashed.as_str())
        || IDENTITY_HEADER_PREFIXES
            .iter()
            .any(|p| dashed.starts_with(p))
}

/// Removes every identity header (see [`IDENTITY_HEADERS`] and
/// [`IDENTITY_HEADER_PREFIXES`]); returns how many values it removed.
///
/// ```
/// use alphaguard_auth::strip_identity_headers;
/// use http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-user-id", "admin".parse().unwrap());
/// headers.insert("x_forwarded_user", "admin".parse().unwrap());
/// headers.insert("x-auth-request-email", "root@example.com".parse().unwrap());
/// headers.insert("accept", "*/*".parse().unwrap());
/// assert_eq!(strip_identity_headers(&mut headers), 3);
/// assert_eq!(headers.len(), 1);
/// ```
pub fn strip_identity_headers(headers: &mut HeaderMap) -> usize {
    let doomed: Vec<http::HeaderName> = headers
        .keys()
        .filter(|name| is_identity_header(name.as_str()))
        .cloned()
        .collect();
    let mut removed = 0;
    for name in doomed {
        // `remove` drops every value of the name; count them first.
        removed += headers.get_all(&name).iter().count();
        headers.remove(&name);
    }
    removed
}
