//! Who is asking: the client key, from the peer address and, behind trusted
//! proxies only, the forwarding headers.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use http::HeaderMap;
use ipnet::IpNet;

/// What a limiter counts by: 16 bytes.
///
/// [`ClientKey::from_ip`] maps IPv4 (and IPv4-mapped IPv6) addresses into
/// the IPv4-mapped range, and masks IPv6 addresses to a prefix (default
/// /64, since one subscriber usually holds a whole /64). Anything else that
/// fits 16 bytes (a user id, a hash of an API key) can be a key too.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientKey(pub [u8; 16]);

impl ClientKey {
    /// The key for an address, IPv6 masked to `v6_prefix` bits (clamped to
    /// 0..=128).
    pub fn from_ip(ip: IpAddr, v6_prefix: u8) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self(v4.to_ipv6_mapped().octets()),
            IpAddr::V6(v6) => {
                let bits = u128::from(v6);
                let prefix = u32::from(v6_prefix.min(128));
                let masked = if prefix == 0 {
                    0
                } else {
                    bits & (u128::MAX << (128 - prefix))
                };
                Self(masked.to_be_bytes())
            }
        }
    }

    /// The address this key stands for (the network address for a masked
    /// IPv6 prefix).
    pub fn to_ip(&self) -> IpAddr {
        Ipv6Addr::from(self.0).to_canonical()
    }
}

impl fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientKey({})", self.to_ip())
    }
}

/// Which header a trusted proxy writes the client address into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2`.
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for=proxy1`.
    Forwarded,
}

/// Derives the client address of a request.
///
/// Walks the forwarding header from the right (the hop nearest us), and
/// believes an entry only when the hop that reported it (first the peer,
/// then each entry in turn) is inside a trusted proxy range. The first
/// address reported by an untrusted hop is the client. With no trusted
/// proxies the headers are never read, so a client cannot pick its own key.
///
/// Only one header kind is read (configurable): reading both would let a
/// client supply the one the proxy does not overwrite.
///
/// A malformed entry that a trusted hop reported ends the walk with the
/// peer address: never a panic, and never one key shared by every client.
///
/// ```
/// use alphaguard_rate_limit::ClientIpResolver;
/// use http::HeaderMap;
///
/// let resolver = ClientIpResolver::new(["10.0.0.0/8".parse().unwrap()]);
/// let mut headers = HeaderMap::new();
/// headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.1.2.3".parse().unwrap());
/// // The peer 10.0.0.1 is a trusted proxy, and so is 10.1.2.3 that it
/// // reported; 203.0.113.9 is not, so it is the client (and whatever it
/// // claimed, 6.6.6.6, is ignored).
/// let ip = resolver.resolve("10.0.0.1".parse().unwrap(), &headers);
/// assert_eq!(ip.to_string(), "203.0.113.9");
/// // From an untrusted peer, the header is ignored altogether.
/// assert_eq!(resolver.resolve("198.51.100.7".parse().unwrap(), &headers).to_string(), "198.51.100.7");
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientIpResolver {
    trusted: Vec<IpNet>,
    header: ForwardedHeader,
    v6_prefix: u8,
}

/// The most forwarding entries examined, right to left.
pub const MAX_HOPS: usize = 32;

impl ClientIpResolver {
    /// A resolver trusting these proxy ranges, reading `X-Forwarded-For`,
    /// grouping IPv6 clients by /64.
    pub fn new(trusted: impl IntoIterator<Item = IpNet>) -> Self {
        Self {
            trusted: trusted.into_iter().map(|n| n.trunc()).collect(),
            header: ForwardedHeader::XForwardedFor,
            v6_prefix: 64,
        }
    }

    /// Reads this header instead.
    pub fn header(mut self, header: ForwardedHeader) -> Self {
        self.header = header;
        self
    }

    /// Groups IPv6 clients by this prefix length (default 64; 128 for none).
    pub fn ipv6_prefix(mut self, bits: u8) -> Self {
        self.v6_prefix = bits.min(128);
        self
    }

    /// The trusted proxy ranges.
    pub fn trusted(&self) -> &[IpNet] {
        &self.trusted
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.trusted.iter().any(|net| net.contains(&ip))
    }

    /// The client's address.
    pub fn resolve(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if self.trusted.is_empty() || !self.is_trusted(client) {
            return client;
        }
        let name = match self.header {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        };
        // Several header lines form one list, in order; walk it from the end.
        let entries = headers
            .get_all(name)
            .iter()
            .rev()
            .flat_map(|v| v.as_bytes().rsplit(|&b| b == b','))
            .take(MAX_HOPS);
        for entry in entries {
            let parsed = match self.header {
                ForwardedHeader::XForwardedFor => parse_node(trim(entry)),
                ForwardedHeader::Forwarded => parse_forwarded_element(entry),
            };
            let Some(ip) = parsed else {
                // Garbage from a trusted hop: fall back to the peer.
                return peer.to_canonical();
            };
            client = ip.to_canonical();
            if !self.is_trusted(client) {
                break;
            }
        }
        client
    }

    /// The client's key: [`Self::resolve`] then [`Self::key_of`].
    pub fn key(&self, peer: IpAddr, headers: &HeaderMap) -> ClientKey {
        self.key_of(self.resolve(peer, headers))
    }

    /// The key of an address already resolved: IPv6 masked to the prefix.
    /// Resolve once, keep the full address for logs and forwarding, and
    /// key the limiter with this.
    pub fn key_of(&self, client: IpAddr) -> ClientKey {
        ClientKey::from_ip(client, self.v6_prefix)
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`,
/// `[2001:db8::1]`, `[2001:db8::1]:443`, optionally in double quotes.
fn parse_node(bytes: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        return inside.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    let (host, port) = text.rsplit_once(':')?;
    if !is_port(port) {
        return None;
    }
    host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The `for=` of one RFC 7239 element (`for=1.2.3.4;proto=https`). An
/// element without `for=`, or with an obfuscated or `unknown` node, is not
/// an address.
fn parse_forwarded_element(element: &[u8]) -> Option<IpAddr> {
    element.split(|&b| b == b';').find_map(|pair| {
        let pair = trim(pair);
        let eq = pair.iter().position(|&b| b == b'=')?;
        let (name, value) = (&pair[..eq], &pair[eq + 1..]);
        if name.eq_ignore_ascii_case(b"for") {
            parse_node(trim(value))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn node_forms() {
        for (text, expected) in [
            ("1.2.3.4", Some("1.2.3.4")),
            ("1.2.3.4:8080", Some("1.2.3.4")),
            ("\"1.2.3.4:8080\"", Some("1.2.3.4")),
            ("2001:db8::1", Some("2001:db8::1")),
            ("[2001:db8::1]", Some("2001:db8::1")),
            ("\"[2001:db8::1]:4711\"", Some("2001:db8::1")),
            ("::ffff:1.2.3.4", Some("::ffff:1.2.3.4")),
            ("unknown", None),
            ("_hidden", None),
            ("1.2.3.4:", None),
            ("1.2.3.4:99999999", None),
            ("[2001:db8::1", None),
            ("[2001:db8::1]x", None),
            ("", None),
            ("1.2.3", None),
        ] {
            assert_eq!(parse_node(text.as_bytes()), expected.map(ip), "{text:?}");
        }
    }

    #[test]
    fn keys_group_ipv6_and_unmap_ipv4() {
        let a = ClientKey::from_ip(ip("2001:db8:1:2:aaaa::1"), 64);
        let b = ClientKey::from_ip(ip("2001:db8:1:2:bbbb::2"), 64);
        let c = ClientKey::from_ip(ip("2001:db8:1:3::1"), 64);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, ClientKey::from_ip(ip("2001:db8:1:2:bbbb::2"), 128));
        assert_eq!(
            ClientKey::from_ip(ip("::ffff:1.2.3.4"), 64),
            ClientKey::from_ip(ip("1.2.3.4"), 64)
        );
        assert_eq!(ClientKey::from_ip(ip("1.2.3.4"), 0).to_ip(), ip("1.2.3.4"));
        assert_eq!(ClientKey::from_ip(ip("2001:db8::1"), 0).to_ip(), ip("::"));
        assert_eq!(format!("{a:?}"), "ClientKey(2001:db8:1:2::)");
    }
}
