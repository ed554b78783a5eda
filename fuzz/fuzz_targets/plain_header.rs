//! The `X-Signature-256` parser: never a panic, never a made-up match.
#![no_main]

use alphaguard_webhook_hmac::{Secret, plain};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (value, body) = text.split_once('\n').unwrap_or((&text, ""));
    let secret = Secret::parse("It's a Secret to Everybody").expect("valid secret");
    assert!(plain::verify_value(&secret, value, body.as_bytes()).is_err());
});
