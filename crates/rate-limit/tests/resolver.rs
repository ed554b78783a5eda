//! Client addresses from peers and forwarding headers.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::net::IpAddr;

use alphaguard_rate_limit::{ClientIpResolver, ClientKey, ForwardedHeader};
use http::HeaderMap;
use proptest::prelude::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.append(*name, value.parse().unwrap());
    }
    h
}

fn resolver() -> ClientIpResolver {
    ClientIpResolver::new([
        "10.0.0.0/8".parse().unwrap(),
        "2001:db8:ffff::/48".parse().unwrap(),
    ])
}

#[test]
fn without_trusted_proxies_headers_are_ignored() {
    let r = ClientIpResolver::default();
    let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("forwarded", "for=2.2.2.2")]);
    assert_eq!(r.resolve(ip("10.0.0.1"), &h), ip("10.0.0.1"));
}

#[test]
fn walks_right_to_left_through_trusted_hops_only() {
    let r = resolver();
    for (peer, xff, client) in [
        // Peer untrusted: its header is a lie it may tell.
        ("198.51.100.1", "1.1.1.1", "198.51.100.1"),
        // One trusted hop.
        ("10.0.0.1", "203.0.113.5", "203.0.113.5"),
        // Spoofed left part ignored: the first untrusted from the right wins.
        ("10.0.0.1", "6.6.6.6, 203.0.113.5, 10.9.9.9", "203.0.113.5"),
        // Every hop trusted: the leftmost.
        ("10.0.0.1", "10.1.1.1, 10.2.2.2", "10.1.1.1"),
        // Ports, spaces, IPv6 forms.
        ("10.0.0.1", " 203.0.113.5:4711 ", "203.0.113.5"),
        ("10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
        ("2001:db8:ffff::1", "2001:db8::9", "2001:db8::9"),
        // IPv4-mapped peers and entries count as IPv4.
        ("::ffff:10.0.0.1", "::ffff:203.0.113.5", "203.0.113.5"),
        // Garbage from a trusted hop: the peer.
        ("10.0.0.1", "203.0.113.5, not-an-ip", "10.0.0.1"),
        ("10.0.0.1", "203.0.113.5,", "10.0.0.1"),
        ("10.0.0.1", "unknown", "10.0.0.1"),
    ] {
        let h = headers(&[("x-forwarded-for", xff)]);
        assert_eq!(r.resolve(ip(peer), &h), ip(client), "{peer} / {xff}");
    }
    // No header at all.
    assert_eq!(r.resolve(ip("10.0.0.1"), &HeaderMap::new()), ip("10.0.0.1"));
}

#[test]
fn several_header_lines_are_one_list() {
    let h = headers(&[
        ("x-forwarded-for", "6.6.6.6, 203.0.113.5"),
        ("x-forwarded-for", "10.3.3.3"),
    ]);
    assert_eq!(resolver().resolve(ip("10.0.0.1"), &h), ip("203.0.113.5"));
}

#[test]
fn rfc7239_forwarded_when_configured() {
    let r = resolver().header(ForwardedHeader::Forwarded);
    let h = headers(&[
        (
            "forwarded",
            "for=6.6.6.6, for=\"[2001:db8::5]:80\";proto=https, For=10.4.4.4;by=10.0.0.1",
        ),
        ("x-forwarded-for", "7.7.7.7"),
    ]);
    assert_eq!(r.resolve(ip("10.0.0.1"), &h), ip("2001:db8::5"));
    // An element without for=, or an obfuscated node, is not believed.
    let h = headers(&[("forwarded", "for=203.0.113.5, proto=https")]);
    assert_eq!(r.resolve(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    let h = headers(&[("forwarded", "for=_hidden")]);
    assert_eq!(r.resolve(ip("10.0.0.1"), &h), ip("10.0.0.1"));
}

#[test]
fn ipv6_clients_group_by_prefix() {
    let r = resolver();
    let h1 = headers(&[("x-forwarded-for", "2001:db8:1:2::a")]);
    let h2 = headers(&[("x-forwarded-for", "2001:db8:1:2:ffff::b")]);
    assert_eq!(r.key(ip("10.0.0.1"), &h1), r.key(ip("10.0.0.1"), &h2));
    let exact = resolver().ipv6_prefix(128);
    assert_ne!(
        exact.key(ip("10.0.0.1"), &h1),
        exact.key(ip("10.0.0.1"), &h2)
    );
    assert_eq!(
        r.key(
            ip("10.0.0.1"),
            &headers(&[("x-forwarded-for", "203.0.113.5")])
        ),
        ClientKey::from_ip(ip("203.0.113.5"), 64)
    );
}

proptest! {
    #[test]
    fn arbitrary_headers_never_panic_and_never_leave_the_chain(
        value in proptest::collection::vec(any::<u8>(), 0..300),
        peer_trusted in any::<bool>(),
    ) {
        let Ok(value) = http::HeaderValue::from_bytes(&value) else { return Ok(()) };
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", value.clone());
        h.insert("forwarded", value);
        let peer = if peer_trusted { ip("10.0.0.1") } else { ip("198.51.100.1") };
        for r in [resolver(), resolver().header(ForwardedHeader::Forwarded)] {
            let client = r.resolve(peer, &h);
            if !peer_trusted {
                prop_assert_eq!(client, peer);
            }
        }
    }
}
