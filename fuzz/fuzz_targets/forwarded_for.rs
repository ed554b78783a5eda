//! Client-address resolution from `X-Forwarded-For` and `Forwarded`: any
//! bytes a header can hold, never a panic, and an untrusted peer always
//! stays the client.
#![no_main]

use std::net::IpAddr;

use alphaguard_rate_limit::{ClientIpResolver, ForwardedHeader};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert("x-forwarded-for", value.clone());
    headers.insert("forwarded", value);
    let trusted: IpAddr = "10.0.0.1".parse().expect("address");
    let untrusted: IpAddr = "198.51.100.1".parse().expect("address");
    for header in [ForwardedHeader::XForwardedFor, ForwardedHeader::Forwarded] {
        let resolver = ClientIpResolver::new(["10.0.0.0/8".parse().expect("cidr")]).header(header);
        let _ = resolver.key(trusted, &headers);
        assert_eq!(resolver.resolve(untrusted, &headers), untrusted);
    }
});
