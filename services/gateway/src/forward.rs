//! What reaches the upstream: a URL built from the canonical path (and
//! checked to still lie where we routed), and headers by allow-list.

use std::net::IpAddr;
use std::time::Duration;

use alphaguard_auth::{AuthMethod, Identity};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::uri::Authority;
use reqwest::Url;

use crate::path::CanonicalPath;
use crate::request_id::X_REQUEST_ID;

/// What the service forwards as the caller's identity.
pub const X_USER_ID: HeaderName = HeaderName::from_static("x-user-id");
/// The verified role.
pub const X_USER_ROLE: HeaderName = HeaderName::from_static("x-user-role");
/// How the caller authenticated (`supabase_jwt`, `api_key`, ...).
pub const X_AUTH_METHOD: HeaderName = HeaderName::from_static("x-auth-method");
/// The caller's Discord id, for Discord logins.
pub const X_DISCORD_ID: HeaderName = HeaderName::from_static("x-discord-id");
/// Set on forwarded webhooks.
pub const X_WEBHOOK_VERIFIED: HeaderName = HeaderName::from_static("x-webhook-verified");
/// `X-Forwarded-For`, set from the address the gateway resolved.
pub const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
/// `X-Forwarded-Proto`.
pub const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
/// `X-Forwarded-Host`.
pub const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");

/// End-to-end request headers a client may send on to the upstream: content
/// negotiation, conditional and range requests, caching, cookies, tracing.
/// Everything else stays here — in particular the client-IP family
/// (`X-Real-IP`, `True-Client-IP`, `CF-Connecting-IP`, ...), the forwarded
/// family, method overrides, `X-Original-URL` / `X-Rewrite-URL`, identity
/// headers, hop-by-hop headers and `Host`. `Authorization` is added back
/// only when it produced the identity.
pub const FORWARDED_REQUEST_HEADERS: [HeaderName; 24] = [
    header::ACCEPT,
    header::ACCEPT_CHARSET,
    header::ACCEPT_ENCODING,
    header::ACCEPT_LANGUAGE,
    header::CACHE_CONTROL,
    header::CONTENT_ENCODING,
    header::CONTENT_LANGUAGE,
    header::CONTENT_LENGTH,
    header::CONTENT_TYPE,
    header::COOKIE,
    header::IF_MATCH,
    header::IF_MODIFIED_SINCE,
    header::IF_NONE_MATCH,
    header::IF_RANGE,
    header::IF_UNMODIFIED_SINCE,
    header::ORIGIN,
    header::PRAGMA,
    header::RANGE,
    header::REFERER,
    header::USER_AGENT,
    HeaderName::from_static("prefer"),
    HeaderName::from_static("idempotency-key"),
    HeaderName::from_static("traceparent"),
    HeaderName::from_static("tracestate"),
];

/// Headers that describe one connection, never forwarded (RFC 9110
/// §7.6.1), removed from upstream responses with those `Connection` names.
const HOP_BY_HOP: [HeaderName; 9] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    HeaderName::from_static("proxy-connection"),
];

/// Removes hop-by-hop headers, including those `Connection` names.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = connection_names(headers).collect();
    for name in named.iter().chain(HOP_BY_HOP.iter()) {
        headers.remove(name);
    }
}

/// The header names `Connection` lists: options of this connection only,
/// which a proxy removes before forwarding (RFC 9110 §7.6.1).
fn connection_names(headers: &HeaderMap) -> impl Iterator<Item = HeaderName> + '_ {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
}

/// Removes the upstream's CORS response headers (`Access-Control-*`): the
/// gateway's `CORS_ALLOWED_ORIGINS` is the one policy browsers see (an
/// upstream answering `Access-Control-Allow-Origin: *` with credentials
/// would otherwise reach origins the gateway does not allow, or any
/// origin when CORS is off).
pub fn strip_cors(headers: &mut HeaderMap) {
    let cors: Vec<HeaderName> = headers
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .cloned()
        .collect();
    for name in cors {
        headers.remove(name);
    }
}

/// What the gateway knows about the request, to tell the upstream.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The request id.
    pub request_id: &'a HeaderValue,
    /// The client's full address, resolved once.
    pub client: IpAddr,
    /// Whether the peer is a trusted proxy (whose `X-Forwarded-Proto` and
    /// `X-Forwarded-Host` are believed).
    pub via_trusted_proxy: bool,
    /// The request target's authority: HTTP/2's `:authority`, or an
    /// HTTP/1 absolute-form target's host. Where there is one it is the
    /// host the client asked for, before `Host` (RFC 9113 §8.3.1,
    /// RFC 9112 §3.2.2).
    pub authority: Option<&'a Authority>,
}

fn is_authority(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 255
        && bytes.iter().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_')
        })
}

/// The headers the upstream gets for an API call: the client's headers of
/// [`FORWARDED_REQUEST_HEADERS`] but those its `Connection` header names,
/// `Authorization` when it produced the identity, and what the gateway
/// itself vouches for.
pub fn request_headers(client: &HeaderMap, who: &Identity, origin: Origin<'_>) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(FORWARDED_REQUEST_HEADERS.len() + 9);
    // `Connection: keep-alive, Cookie` makes `Cookie` this hop's only: the
    // allow-list's entries it names, as bits (no allocation per request).
    let hop_only = connection_names(client)
        .filter_map(|named| FORWARDED_REQUEST_HEADERS.iter().position(|n| *n == named))
        .fold(0u32, |bits, at| bits | 1 << at);
    for (at, name) in FORWARDED_REQUEST_HEADERS.iter().enumerate() {
        if hop_only & 1 << at != 0 {
            continue;
        }
        for value in client.get_all(name) {
            out.append(name.clone(), value.clone());
        }
    }
    if who.method == AuthMethod::SupabaseJwt
        && let Some(v) = client.get(header::AUTHORIZATION)
    {
        out.insert(header::AUTHORIZATION, v.clone());
    }
    out.insert(X_REQUEST_ID, origin.request_id.clone());
    if let Ok(v) = HeaderValue::try_from(origin.client.to_string()) {
        out.insert(X_FORWARDED_FOR, v);
    }
    let proto = client
        .get(X_FORWARDED_PROTO)
        .filter(|_| origin.via_trusted_proxy)
        .filter(|v| v.as_bytes() == b"https" || v.as_bytes() == b"http")
        .cloned()
        .unwrap_or(HeaderValue::from_static("http"));
    out.insert(X_FORWARDED_PROTO, proto);
    // Host and port only: an authority's user information is no host.
    let target = origin.authority.and_then(|a| {
        let host = match a.port() {
            Some(port) => HeaderValue::try_from(format!("{}:{}", a.host(), port.as_str())),
            None => HeaderValue::from_str(a.host()),
        };
        host.ok()
    });
    let host = client
        .get(X_FORWARDED_HOST)
        .filter(|_| origin.via_trusted_proxy)
        .or(target.as_ref())
        .or_else(|| client.get(header::HOST))
        .filter(|v| is_authority(v));
    if let Some(host) = host {
        out.insert(X_FORWARDED_HOST, host.clone());
    }
    out.insert(X_AUTH_METHOD, HeaderValue::from_static(who.method.as_str()));
    let mut set = |name: HeaderName, value: Option<String>| {
        if let Some(v) = value.and_then(|v| HeaderValue::try_from(v).ok()) {
            out.insert(name, v);
        }
    };
    set(X_USER_ID, who.subject.clone());
    set(X_USER_ROLE, who.role.clone());
    set(X_DISCORD_ID, who.discord_id.map(|id| id.to_string()));
    out
}

/// Where verified webhooks and authenticated API calls go.
#[derive(Debug)]
pub struct Upstream {
    base: Url,
    client: reqwest::Client,
}

/// Why no upstream URL could be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutsideApi;

impl Upstream {
    /// An upstream at `base` (`http(s)://host[:port][/prefix]`, checked by
    /// the settings), with one timeout for the whole exchange.
    pub fn new(base: &str, timeout: Duration) -> anyhow::Result<Self> {
        let mut base = Url::parse(base).map_err(|e| anyhow::anyhow!("UPSTREAM_URL: {e}"))?;
        let trimmed = base.path().trim_end_matches('/').to_owned();
        base.set_path(&trimmed);
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| anyhow::anyhow!("upstream client: {e}"))?;
        Ok(Self { base, client })
    }

    /// The HTTP client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    fn prefix(&self) -> &str {
        self.base.path().trim_end_matches('/')
    }

    /// The upstream URL of an API call: the base's path, then the canonical
    /// path, then the query as received. Refused unless the URL's path is
    /// exactly that and lies under `{base}/api/`: a URL parser that
    /// normalised anything would mean we routed one path and sent another.
    pub fn api_url(&self, path: &CanonicalPath, query: Option<&str>) -> Result<Url, OutsideApi> {
        let expected = format!("{}{}", self.prefix(), path.as_str());
        let mut url = self.base.clone();
        url.set_path(&expected);
        url.set_query(query);
        let api_root = format!("{}/api/", self.prefix());
        if url.path() == expected && url.path().starts_with(&api_root) {
            Ok(url)
        } else {
            Err(OutsideApi)
        }
    }

    /// `{base}/webhooks/{name}` for a configured webhook.
    pub fn webhook_url(&self, name: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!("{}/webhooks/{name}", self.prefix()));
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_keep_the_canonical_path() {
        let up = Upstream::new("http://127.0.0.1:9/base/", Duration::from_secs(1)).unwrap();
        let path = CanonicalPath::parse("/api/a%20b/c").unwrap();
        let url = up.api_url(&path, Some("x=1&y=%2e%2e")).unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/base/api/a%20b/c?x=1&y=%2e%2e"
        );
        let outside = CanonicalPath::parse("/webhooks/founder").unwrap();
        assert_eq!(up.api_url(&outside, None), Err(OutsideApi));
        assert_eq!(
            up.webhook_url("founder").as_str(),
            "http://127.0.0.1:9/base/webhooks/founder"
        );
    }

    /// A request straight from `client` (no proxy), without a target
    /// authority.
    fn direct<'a>(request_id: &'a HeaderValue, client: &str) -> Origin<'a> {
        Origin {
            request_id,
            client: client.parse().unwrap(),
            via_trusted_proxy: false,
            authority: None,
        }
    }

    #[test]
    fn only_allowed_headers_pass() {
        let mut client = HeaderMap::new();
        for (name, value) in [
            ("accept", "application/json"),
            ("content-type", "application/json"),
            ("authorization", "Bearer t"),
            ("true-client-ip", "1.2.3.4"),
            ("cf-connecting-ip", "1.2.3.4"),
            ("x-client-ip", "1.2.3.4"),
            ("x-real-ip", "1.2.3.4"),
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-host", "evil.example"),
            ("x-forwarded-proto", "https"),
            ("x-http-method-override", "DELETE"),
            ("x-original-url", "/api/admin"),
            ("x-rewrite-url", "/api/admin"),
            ("x-user-id", "owner"),
            ("host", "gw.example:8080"),
        ] {
            client.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let who = Identity::unauthenticated();
        let id = HeaderValue::from_static("req-1");
        let origin = direct(&id, "2001:db8::7");
        let out = request_headers(&client, &who, origin);
        let mut names: Vec<&str> = out.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "accept",
                "content-type",
                "x-auth-method",
                "x-forwarded-for",
                "x-forwarded-host",
                "x-forwarded-proto",
                "x-request-id"
            ]
        );
        assert_eq!(out[X_FORWARDED_FOR], "2001:db8::7");
        assert_eq!(out[X_FORWARDED_PROTO], "http");
        assert_eq!(out[X_FORWARDED_HOST], "gw.example:8080");
        // Behind a trusted proxy, its proto and host are believed.
        let trusted = Origin {
            via_trusted_proxy: true,
            ..origin
        };
        let out = request_headers(&client, &who, trusted);
        assert_eq!(out[X_FORWARDED_PROTO], "https");
        assert_eq!(out[X_FORWARDED_HOST], "evil.example");
    }

    /// Found by a fourth outside review: a header `Connection` names is
    /// this hop's only (RFC 9110 §7.6.1), even one on the allow-list.
    #[test]
    fn headers_named_in_connection_stay_here() {
        let mut client = HeaderMap::new();
        client.insert(header::COOKIE, HeaderValue::from_static("a=b"));
        client.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        client.insert(header::USER_AGENT, HeaderValue::from_static("x"));
        client.append(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, X-Keep-Me, Cookie"),
        );
        client.append(header::CONNECTION, HeaderValue::from_static("user-agent"));
        let id = HeaderValue::from_static("req-1");
        let origin = direct(&id, "192.0.2.1");
        let out = request_headers(&client, &Identity::unauthenticated(), origin);
        assert!(!out.contains_key(header::COOKIE), "{out:?}");
        assert!(!out.contains_key(header::USER_AGENT), "{out:?}");
        assert!(!out.contains_key(header::CONNECTION), "{out:?}");
        assert_eq!(out[header::ACCEPT], "*/*");
        // Nothing it names can take away what the gateway vouches for.
        assert_eq!(out[X_FORWARDED_FOR], "192.0.2.1");
        // `request_headers` marks the named entries in a `u32`.
        assert!(FORWARDED_REQUEST_HEADERS.len() <= 32);
    }

    #[test]
    fn the_target_authority_is_the_host() {
        let who = Identity::unauthenticated();
        let id = HeaderValue::from_static("req-1");
        let mut client = HeaderMap::new();
        client.insert(
            header::HOST,
            HeaderValue::from_static("host-header.example"),
        );
        for (authority, expected) in [
            // HTTP/2's :authority (no Host header there) or an HTTP/1
            // absolute-form target: before Host.
            (Some("gw.example:8443"), Some("gw.example:8443")),
            (Some("[2001:db8::1]:8080"), Some("[2001:db8::1]:8080")),
            // User information is no part of the host.
            (Some("alice:secret@gw.example"), Some("gw.example")),
            (None, Some("host-header.example")),
        ] {
            let authority = authority.map(|a| a.parse::<Authority>().unwrap());
            let origin = Origin {
                authority: authority.as_ref(),
                ..direct(&id, "192.0.2.1")
            };
            let out = request_headers(&client, &who, origin);
            assert_eq!(
                out.get(X_FORWARDED_HOST).map(|v| v.to_str().unwrap()),
                expected,
                "{authority:?}"
            );
            // Without a Host header (HTTP/2), the authority alone.
            let out = request_headers(&HeaderMap::new(), &who, origin);
            let alone = authority.as_ref().map(|_| expected.unwrap());
            assert_eq!(
                out.get(X_FORWARDED_HOST).map(|v| v.to_str().unwrap()),
                alone,
                "{authority:?}"
            );
        }
    }
}
