//! Property tests: whatever is signed verifies; signatures are ring's
//! HMAC-SHA256 of the signed content; any change of one bit fails; no input
//! panics.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use alphaguard_webhook_hmac::{Error, Secret, plain, standard};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;

const SECRET: &str = "v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const TOL: Duration = standard::DEFAULT_TOLERANCE;

fn secret() -> Secret {
    Secret::parse(SECRET).unwrap()
}

fn id_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,64}"
}

fn verify(id: &str, ts: u64, sig: &str, body: &[u8]) -> Result<(), Error> {
    standard::verify_parts(
        &secret(),
        id,
        &ts.to_string(),
        sig,
        body,
        Duration::from_secs(ts),
        TOL,
    )
    .map(|_| ())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn signed_always_verifies(
        id in id_strategy(),
        ts in 0u64..4_000_000_000,
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        skew in -300i64..=300,
    ) {
        let sig = secret().sign_standard(&id, ts, &body).unwrap();
        let now = Duration::from_secs(ts.saturating_add_signed(skew));
        let within = now.abs_diff(Duration::from_secs(ts)) <= TOL;
        let result = standard::verify_parts(&secret(), &id, &ts.to_string(), &sig, &body, now, TOL);
        prop_assert_eq!(result.is_ok(), within);
        let plain_sig = secret().sign_plain(&body).unwrap();
        prop_assert!(plain::verify_value(&secret(), &plain_sig, &body).is_ok());
    }

    #[test]
    fn signatures_are_rings_hmac_of_the_signed_content(
        key in proptest::collection::vec(any::<u8>(), 16..200),
        // Up to the longest id accepted: heads shorter and longer than a
        // SHA-256 block take different paths.
        id in "[A-Za-z0-9_-]{1,256}",
        ts in 0u64..4_000_000_000,
        body in proptest::collection::vec(any::<u8>(), 0..700),
    ) {
        let secret = Secret::from_bytes(&key).unwrap();
        let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
        let content = [id.as_bytes(), b".", ts.to_string().as_bytes(), b".", &body].concat();
        let expected = ring::hmac::sign(&ring_key, &content);
        let sig = secret.sign_standard(&id, ts, &body).unwrap();
        prop_assert_eq!(sig, format!("v1,{}", STANDARD.encode(expected.as_ref())));
        let plain_expected = ring::hmac::sign(&ring_key, &body);
        prop_assert_eq!(
            secret.sign_plain(&body).unwrap(),
            format!("sha256={}", hex::encode(plain_expected.as_ref()))
        );
        let header = format!("v1,{}", STANDARD.encode(expected.as_ref()));
        let now = Duration::from_secs(ts);
        let verified = standard::verify_parts(&secret, &id, &ts.to_string(), &header, &body, now, TOL);
        prop_assert!(verified.is_ok());
    }

    #[test]
    fn one_bit_of_the_body_changes_everything(
        id in id_strategy(),
        body in proptest::collection::vec(any::<u8>(), 1..1024),
        bit in any::<prop::sample::Index>(),
    ) {
        let ts = 1_700_000_000;
        let sig = secret().sign_standard(&id, ts, &body).unwrap();
        let mut tampered = body.clone();
        let i = bit.index(body.len() * 8);
        tampered[i / 8] ^= 1 << (i % 8);
        prop_assert_eq!(verify(&id, ts, &sig, &tampered), Err(Error::SignatureMismatch));
        let plain_sig = secret().sign_plain(&body).unwrap();
        prop_assert_eq!(plain::verify_value(&secret(), &plain_sig, &tampered).map(|_| ()), Err(Error::SignatureMismatch));
    }

    #[test]
    fn one_bit_of_id_timestamp_or_signature_fails(
        id in id_strategy(),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        which in 0..3usize,
        bit in any::<prop::sample::Index>(),
    ) {
        let ts: u64 = 1_700_000_000;
        let sig = secret().sign_standard(&id, ts, &body).unwrap();
        match which {
            0 => {
                let mut bytes = id.clone().into_bytes();
                let i = bit.index(bytes.len() * 8);
                bytes[i / 8] ^= 1 << (i % 8);
                // Only flips that leave a valid id reach the HMAC; the rest
                // are refused as malformed, which is also a failure.
                let tampered = String::from_utf8_lossy(&bytes).into_owned();
                prop_assert!(verify(&tampered, ts, &sig, &body).is_err());
            }
            1 => {
                let tampered = ts ^ (1 << bit.index(8));
                let now = Duration::from_secs(ts);
                let r = standard::verify_parts(&secret(), &id, &tampered.to_string(), &sig, &body, now, TOL);
                prop_assert!(r.is_err());
            }
            _ => {
                let mut raw = STANDARD.decode(&sig[3..]).unwrap();
                let i = bit.index(raw.len() * 8);
                raw[i / 8] ^= 1 << (i % 8);
                let tampered = format!("v1,{}", STANDARD.encode(raw));
                prop_assert_eq!(verify(&id, ts, &tampered, &body), Err(Error::SignatureMismatch));
            }
        }
    }

    #[test]
    fn arbitrary_headers_never_panic(
        id in ".{0,300}",
        ts in ".{0,30}",
        sig in ".{0,400}",
        plain_value in ".{0,100}",
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let _ = standard::verify_parts(&secret(), &id, &ts, &sig, &body, Duration::from_secs(1_700_000_000), TOL);
        let _ = plain::verify_value(&secret(), &plain_value, &body);
    }

    #[test]
    fn arbitrary_secrets_never_panic_nor_leak(value in ".{0,200}") {
        match Secret::parse(&value) {
            Ok(s) => prop_assert_eq!(format!("{s:?}"), "[redacted]"),
            Err(e) => {
                let shown = e.to_string();
                prop_assert!(value.trim().len() < 4 || !shown.contains(value.trim()));
            }
        }
    }
}
