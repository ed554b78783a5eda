//! The secret parser: any text is refused or parsed, never a panic, and a
//! parsed secret never prints itself.
#![no_main]

use alphaguard_webhook_hmac::{Ed25519Signer, Secret};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(secret) = Secret::parse(&text) {
        assert_eq!(format!("{secret:?}"), "[redacted]");
        let _ = secret.sign_standard("msg", 1, data);
    }
    let _ = Ed25519Signer::parse(&text);
});
