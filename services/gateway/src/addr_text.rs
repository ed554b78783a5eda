//! A client address as text, made once per request: every log line that
//! names the client writes it as a plain string (no `Display` round trip
//! per line), and it needs no allocation.

use std::fmt::{self, Write as _};
use std::net::IpAddr;

/// The longest an address is as text (`ffff:…:255.255.255.255`).
const MAX_LEN: usize = 45;

/// An IP address written out as `Display` writes it.
#[derive(Clone, Copy)]
pub struct AddrText {
    bytes: [u8; MAX_LEN],
    len: u8,
}

impl AddrText {
    /// `ip` as text. IPv4 addresses are written a digit group at a time;
    /// IPv6 ones by the standard library's formatter (which compresses
    /// zeros as RFC 5952 says).
    pub fn new(ip: IpAddr) -> Self {
        let mut text = Self {
            bytes: [0; MAX_LEN],
            len: 0,
        };
        match ip {
            IpAddr::V4(v4) => {
                let mut digits = itoa::Buffer::new();
                for (i, octet) in v4.octets().into_iter().enumerate() {
                    if i > 0 {
                        text.push(".");
                    }
                    text.push(digits.format(octet));
                }
            }
            // Cannot fail: 45 bytes hold any IPv6 address.
            IpAddr::V6(v6) => {
                let _ = write!(text, "{v6}");
            }
        }
        text
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, dots, colons and hex letters are pushed.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("-")
    }

    fn push(&mut self, s: &str) -> bool {
        let at = usize::from(self.len);
        let Some(end) = at.checked_add(s.len()).filter(|&end| end <= MAX_LEN) else {
            return false;
        };
        let Ok(len) = u8::try_from(end) else {
            return false;
        };
        self.bytes[at..end].copy_from_slice(s.as_bytes());
        self.len = len;
        true
    }
}

impl fmt::Write for AddrText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.push(s) {
            Ok(())
        } else {
            Err(fmt::Error)
        }
    }
}

impl fmt::Debug for AddrText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for AddrText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_addresses() {
        for ip in [
            "0.0.0.0",
            "255.255.255.255",
            "10.1.2.3",
            "127.0.0.1",
            "::",
            "::1",
            "2001:db8::7",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::ffff:255.255.255.255",
            "64:ff9b::c000:221",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(AddrText::new(ip).as_str(), ip.to_string());
        }
    }

    proptest! {
        #[test]
        fn written_as_display_writes_it(v4 in any::<[u8; 4]>(), v6 in any::<[u16; 8]>()) {
            for ip in [IpAddr::from(v4), IpAddr::from(v6)] {
                let text = AddrText::new(ip);
                prop_assert_eq!(text.as_str(), ip.to_string());
            }
        }
    }
}
