//! The edge cases the issue names, through the public API.

// Test helpers may unwrap: a panic is a failing test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use alphaguard_webhook_hmac::{
    Accept, Ed25519Signer, Error, FakeClock, Scheme, Secret, Verifier, plain, standard,
};
use http::{HeaderMap, HeaderName, HeaderValue};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const OLD: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: u64 = 1_700_000_000;

fn verifier(secret: &str, clock: &FakeClock) -> Verifier {
    Verifier::new(Secret::parse(secret).unwrap()).clock(Arc::new(clock.clone()))
}

fn signed(secret: &str, id: &str, ts: u64, body: &[u8]) -> HeaderMap {
    standard::sign_headers(&Secret::parse(secret).unwrap(), id, ts, body).unwrap()
}

#[test]
fn tolerance_boundary_one_second_each_side() {
    let clock = FakeClock::from_unix_secs(NOW);
    let v = verifier(SECRET, &clock);
    for (ts, ok) in [
        (NOW - 300, true),
        (NOW - 301, false),
        (NOW + 300, true),
        (NOW + 301, false),
        (NOW, true),
    ] {
        let headers = signed(SECRET, "msg_1", ts, b"{}");
        let result = v.verify(&headers, b"{}");
        if ok {
            result.unwrap();
        } else {
            assert_eq!(result, Err(Error::TimestampOutOfTolerance), "ts {ts}");
        }
    }
    // A configured tolerance moves the boundary.
    let tight = verifier(SECRET, &clock).tolerance(Duration::from_secs(10));
    assert!(
        tight
            .verify(&signed(SECRET, "m", NOW - 10, b""), b"")
            .is_ok()
    );
    assert_eq!(
        tight.verify(&signed(SECRET, "m", NOW - 11, b""), b""),
        Err(Error::TimestampOutOfTolerance)
    );
    // The clock moving on makes a once-good request stale.
    let headers = signed(SECRET, "msg_1", NOW, b"{}");
    clock.advance(Duration::from_secs(301));
    assert_eq!(
        v.verify(&headers, b"{}"),
        Err(Error::TimestampOutOfTolerance)
    );
}

#[test]
fn rotation_old_and_new_keys() {
    let clock = FakeClock::from_unix_secs(NOW);
    let v = verifier(&format!("{SECRET} | v1,{OLD}"), &clock);
    let by_new = v.verify(&signed(SECRET, "a", NOW, b"x"), b"x").unwrap();
    let by_old = v.verify(&signed(OLD, "a", NOW, b"x"), b"x").unwrap();
    assert_eq!((by_new.key_index, by_old.key_index), (0, 1));
    // Plain scheme too.
    let plain_old = plain::sign_headers(&Secret::parse(OLD).unwrap(), b"x").unwrap();
    assert_eq!(v.verify(&plain_old, b"x").unwrap().key_index, 1);
    // A key that is in neither slot fails.
    let stranger = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(
        v.verify(&signed(stranger, "a", NOW, b"x"), b"x"),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn header_names_in_any_case() {
    let clock = FakeClock::from_unix_secs(NOW);
    let v = verifier(SECRET, &clock);
    let good = signed(SECRET, "msg_x", NOW, b"body");
    let mut shouted = HeaderMap::new();
    for (name, value) in &good {
        let upper = name.as_str().to_uppercase();
        let mixed: String = upper
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        shouted.insert(
            HeaderName::from_bytes(mixed.as_bytes()).unwrap(),
            value.clone(),
        );
    }
    v.verify(&shouted, b"body").unwrap();

    let mut github = HeaderMap::new();
    let value = Secret::parse(SECRET).unwrap().sign_plain(b"body").unwrap();
    github.insert(
        HeaderName::from_bytes(b"X-HUB-Signature-256").unwrap(),
        HeaderValue::from_str(&value.to_uppercase()).unwrap(),
    );
    let verified = v.verify(&github, b"body").unwrap();
    assert_eq!(verified.scheme, Scheme::Plain);
}

#[test]
fn empty_and_binary_bodies() {
    let clock = FakeClock::from_unix_secs(NOW);
    let v = verifier(SECRET, &clock);
    v.verify(&signed(SECRET, "e", NOW, b""), b"").unwrap();
    let binary = [0xff, 0x00, 0xfe, 0x80, 0xc3];
    v.verify(&signed(SECRET, "b", NOW, &binary), &binary)
        .unwrap();
    assert_eq!(
        v.verify(&signed(SECRET, "e", NOW, b""), b" "),
        Err(Error::SignatureMismatch)
    );
}

#[test]
fn missing_malformed_and_repeated_headers() {
    let clock = FakeClock::from_unix_secs(NOW);
    let v = verifier(SECRET, &clock).accept(Accept::Standard);
    let good = signed(SECRET, "msg_1", NOW, b"{}");
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut h = good.clone();
        h.remove(name);
        assert_eq!(v.verify(&h, b"{}"), Err(Error::MissingHeader(name)));
        let mut h = good.clone();
        h.append(name, good[name].clone());
        assert_eq!(v.verify(&h, b"{}"), Err(Error::MalformedHeader(name)));
    }
    for (name, value) in [
        ("webhook-timestamp", "soon"),
        ("webhook-timestamp", "-5"),
        ("webhook-id", ""),
        ("webhook-signature", "   "),
    ] {
        let mut h = good.clone();
        h.insert(name, HeaderValue::from_static(value));
        assert_eq!(
            v.verify(&h, b"{}"),
            Err(Error::MalformedHeader(name)),
            "{name}: {value:?}"
        );
    }
    let mut h = good.clone();
    h.insert(
        "webhook-id",
        HeaderValue::from_str(&"x".repeat(257)).unwrap(),
    );
    assert_eq!(
        v.verify(&h, b"{}"),
        Err(Error::MalformedHeader("webhook-id"))
    );
    // Non-ASCII bytes in a header value.
    let mut h = good.clone();
    h.insert(
        "webhook-id",
        HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
    );
    assert_eq!(
        v.verify(&h, b"{}"),
        Err(Error::MalformedHeader("webhook-id"))
    );
    // Unknown versions and garbage entries are skipped, leaving no match.
    let mut h = good.clone();
    h.insert(
        "webhook-signature",
        HeaderValue::from_static("v2,abc nocomma v1,!!!"),
    );
    assert_eq!(v.verify(&h, b"{}"), Err(Error::SignatureMismatch));
    // Too many entries.
    let mut h = good.clone();
    let many = vec!["v9,x"; 40].join(" ");
    h.insert("webhook-signature", HeaderValue::from_str(&many).unwrap());
    assert_eq!(
        v.verify(&h, b"{}"),
        Err(Error::MalformedHeader("webhook-signature"))
    );

    let p = verifier(SECRET, &clock).accept(Accept::Plain);
    assert_eq!(
        p.verify(&good, b"{}"),
        Err(Error::MissingHeader("x-signature-256"))
    );
    for bad in [
        "sha1=abcd",
        "sha256=zz",
        "sha256=",
        "sha256=abc",
        "deadbeef",
    ] {
        let mut h = HeaderMap::new();
        h.insert("x-signature-256", HeaderValue::from_static(bad));
        assert_eq!(
            p.verify(&h, b"{}"),
            Err(Error::MalformedHeader("x-signature-256")),
            "{bad}"
        );
    }
}

#[test]
fn either_prefers_standard_and_falls_back_to_plain() {
    let clock = FakeClock::from_unix_secs(NOW);
    let v = verifier(SECRET, &clock);
    let secret = Secret::parse(SECRET).unwrap();
    assert_eq!(
        v.verify(&HeaderMap::new(), b""),
        Err(Error::MissingHeader("webhook-id"))
    );
    // A good plain signature does not rescue a bad Standard one.
    let mut both = signed(SECRET, "a", NOW, b"other");
    both.extend(plain::sign_headers(&secret, b"{}").unwrap());
    assert_eq!(v.verify(&both, b"{}"), Err(Error::SignatureMismatch));
    let only_plain = plain::sign_headers(&secret, b"{}").unwrap();
    assert_eq!(v.verify(&only_plain, b"{}").unwrap().scheme, Scheme::Plain);
    let standard_only = verifier(SECRET, &clock).accept(Accept::Standard);
    assert_eq!(
        standard_only.verify(&only_plain, b"{}"),
        Err(Error::MissingHeader("webhook-id"))
    );
}

#[test]
fn a_standard_signature_cannot_be_replayed_as_a_plain_one() {
    // A Standard `v1` signature is HMAC(key, "id.timestamp.body"): as a
    // plain signature it would verify that string as a body, with no
    // timestamp to expire. Such bodies are refused on the plain scheme.
    let clock = FakeClock::from_unix_secs(NOW);
    let secret = Secret::parse(SECRET).unwrap();
    for id in ["msg_2Lz8", "550e8400-e29b-41d4-a716-446655440000", "a"] {
        let forged = format!("{id}.{NOW}.{{\"user\":\"u1\"}}");
        let headers = plain::sign_headers(&secret, forged.as_bytes()).unwrap();
        for accept in [Accept::Either, Accept::Plain] {
            let v = verifier(SECRET, &clock).accept(accept);
            assert_eq!(
                v.verify(&headers, forged.as_bytes()),
                Err(Error::SignatureMismatch),
                "{id} {accept:?}"
            );
        }
    }
    // Bodies of other shapes still verify, dots and digits included.
    for body in [
        &br#"{"version":"1.2.3"}"#[..],
        b"v1.2",
        b"msg.12a.x",
        b"msg..x",
        b"msg.12345678901234567890.x",
        b"a b.1.x",
        b"",
    ] {
        let headers = plain::sign_headers(&secret, body).unwrap();
        let v = verifier(SECRET, &clock);
        assert_eq!(
            v.verify(&headers, body).map(|ok| ok.scheme),
            Ok(Scheme::Plain),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn ed25519_v1a_signatures() {
    let clock = FakeClock::from_unix_secs(NOW);
    let signer = Ed25519Signer::from_seed(&[42; 32]).unwrap();
    let other = Ed25519Signer::from_seed(&[43; 32]).unwrap();
    let v = verifier(&format!("{SECRET}|{}", signer.public_key()), &clock);

    let mut h = signed(SECRET, "ed", NOW, b"{}");
    h.insert(
        "webhook-signature",
        HeaderValue::from_str(&signer.sign("ed", NOW, b"{}")).unwrap(),
    );
    let verified = v.verify(&h, b"{}").unwrap();
    assert_eq!(verified.key_index, 1, "after the one HMAC key");
    assert_eq!(v.verify(&h, b"{!"), Err(Error::SignatureMismatch));

    h.insert(
        "webhook-signature",
        HeaderValue::from_str(&other.sign("ed", NOW, b"{}")).unwrap(),
    );
    assert_eq!(v.verify(&h, b"{}"), Err(Error::SignatureMismatch));

    // A receiver holding only the public key verifies, and cannot sign.
    let public_only = Secret::parse(&signer.public_key()).unwrap();
    assert!(public_only.sign_standard("x", NOW, b"").is_none());
    let both = format!(
        "{} {}",
        other.sign("ed", NOW, b"{}"),
        signer.sign("ed", NOW, b"{}")
    );
    h.insert("webhook-signature", HeaderValue::from_str(&both).unwrap());
    let v = Verifier::new(public_only).clock(Arc::new(clock));
    assert_eq!(v.verify(&h, b"{}").unwrap().key_index, 0);
}

#[test]
fn errors_and_debug_never_show_secrets_or_signatures() {
    let clock = FakeClock::from_unix_secs(NOW);
    let raw = "It's a Secret to Everybody";
    let v = verifier(raw, &clock);
    let headers = signed(raw, "a", NOW, b"x");
    let signature = headers["webhook-signature"].to_str().unwrap().to_owned();
    let err = v.verify(&headers, b"y").unwrap_err();
    let shown = format!("{err} {err:?} {v:?}");
    assert!(
        !shown.contains(raw) && !shown.contains(&signature[3..]),
        "{shown}"
    );
    assert!(shown.contains("[redacted]"));
}
