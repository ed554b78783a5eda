//! The Standard Webhooks header parsers: id, timestamp and the signature
//! list, with arbitrary text in each. Must never panic; a signature the
//! fuzzer makes up must never verify.
#![no_main]

use std::time::Duration;

use alphaguard_webhook_hmac::{Secret, standard};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let (id, ts, sig, body) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let secret = Secret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").expect("valid secret");
    let now = Duration::from_secs(1_700_000_000);
    let result = standard::verify_parts(
        &secret,
        id,
        ts,
        sig,
        body.as_bytes(),
        now,
        standard::DEFAULT_TOLERANCE,
    );
    assert!(result.is_err(), "a made-up signature verified");
});
