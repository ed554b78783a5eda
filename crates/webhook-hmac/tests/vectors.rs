//! Known-answer vectors (tests/data/webhooks.json, copied from the
//! workspace's shared vectors): RFC 4231, the Standard Webhooks reference
//! signing vector, and GitHub's documented X-Hub-Signature-256 example.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use alphaguard_webhook_hmac::{Error, Scheme, Secret, plain, standard};
use http::{HeaderMap, HeaderValue};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    rfc4231: Vec<Rfc4231>,
    standard_webhooks: Vec<StandardVector>,
    github_hex: Vec<GithubVector>,
}

#[derive(Deserialize)]
struct Rfc4231 {
    case: String,
    key_hex: String,
    data_hex: String,
    hmac_sha256_hex: String,
}

#[derive(Deserialize)]
struct StandardVector {
    secret: String,
    webhook_id: String,
    webhook_timestamp: u64,
    payload: String,
    webhook_signature: String,
    expect: Option<String>,
}

#[derive(Deserialize)]
struct GithubVector {
    secret: String,
    payload: String,
    header: String,
    value: String,
}

fn vectors() -> Vectors {
    serde_json::from_str(include_str!("data/webhooks.json")).expect("vectors parse")
}

#[test]
fn rfc4231_signs_and_verifies() {
    let vectors = vectors().rfc4231;
    assert_eq!(vectors.len(), 6);
    for v in vectors {
        let key = hex::decode(&v.key_hex).unwrap();
        let data = hex::decode(&v.data_hex).unwrap();
        let secret = Secret::dangerous_from_short_bytes(&key);
        let header = format!("sha256={}", v.hmac_sha256_hex);
        assert_eq!(secret.sign_plain(&data).unwrap(), header, "case {}", v.case);
        let verified = plain::verify_value(&secret, &header, &data).unwrap();
        assert_eq!(verified.scheme, Scheme::Plain);
        // Upper-case hex is the same signature.
        plain::verify_value(
            &secret,
            &header.to_uppercase().replacen("SHA256=", "sha256=", 1),
            &data,
        )
        .unwrap();
        // The checked constructor refuses the 4-byte key of case 2 only.
        assert_eq!(
            Secret::from_bytes(&key).is_ok(),
            key.len() >= 16,
            "case {}",
            v.case
        );
    }
}

#[test]
fn standard_webhooks_reference_vectors() {
    for v in vectors().standard_webhooks {
        let secret = Secret::parse(&v.secret).unwrap();
        let now = Duration::from_secs(v.webhook_timestamp);
        let result = standard::verify_parts(
            &secret,
            &v.webhook_id,
            &v.webhook_timestamp.to_string(),
            &v.webhook_signature,
            v.payload.as_bytes(),
            now,
            standard::DEFAULT_TOLERANCE,
        );
        if v.expect.as_deref() == Some("invalid") {
            assert_eq!(result, Err(Error::SignatureMismatch));
        } else {
            let verified = result.unwrap();
            assert_eq!(verified.webhook_id.as_deref(), Some(v.webhook_id.as_str()));
            assert_eq!(verified.timestamp, Some(v.webhook_timestamp));
            assert_eq!(
                secret.sign_standard(&v.webhook_id, v.webhook_timestamp, v.payload.as_bytes()),
                Some(v.webhook_signature.clone())
            );
        }
    }
}

#[test]
fn supabase_secret_form_and_comma_joined_list() {
    let v = &vectors().standard_webhooks[0];
    // The same key written the way Supabase writes it.
    let secret = Secret::parse(&format!("v1,{}", v.secret)).unwrap();
    let ts = v.webhook_timestamp.to_string();
    let now = Duration::from_secs(v.webhook_timestamp);
    let other = "v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU=";
    for header in [
        format!("{other}, {}", v.webhook_signature),
        format!("{other} {}", v.webhook_signature),
        format!("{}, {other}", v.webhook_signature),
        format!("v2,abc {other},  {}", v.webhook_signature),
    ] {
        standard::verify_parts(
            &secret,
            &v.webhook_id,
            &ts,
            &header,
            v.payload.as_bytes(),
            now,
            standard::DEFAULT_TOLERANCE,
        )
        .unwrap_or_else(|e| panic!("{header}: {e}"));
    }
}

#[test]
fn github_documented_example() {
    for v in vectors().github_hex {
        let secret = Secret::parse(&v.secret).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            http::HeaderName::from_bytes(v.header.as_bytes()).unwrap(),
            HeaderValue::from_str(&v.value).unwrap(),
        );
        plain::verify(&secret, &headers, v.payload.as_bytes()).unwrap();
        assert_eq!(secret.sign_plain(v.payload.as_bytes()).unwrap(), v.value);
        assert_eq!(
            plain::verify(&secret, &headers, b"Hello, World?"),
            Err(Error::SignatureMismatch)
        );
    }
}
