//! What a token's content causes is a rejection, never a configuration error: hostile tokens,
//! one for every error kind a token can cause, through every key source (a single key, a key
//! set built in code, a key set read from JSON), must each fail with an error whose `is_rejection()` is true.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use jwt_crypto::{
    Algorithm, ErrorKind, Header, JwkSet, Key, KeySource, Validation, decode_json, encode,
};
use serde_json::{Value, json};

const NOW: i64 = 1_700_000_000;

fn secret(byte: u8) -> Key {
    Key::from_secret(&[byte; 32]).unwrap()
}

fn sign(header: Header, claims: &Value, key: &Key) -> String {
    encode(&header, claims, key).unwrap()
}

fn hs256(kid: &str) -> Header {
    Header::new(Algorithm::HS256).with_kid(kid)
}

/// A base64url header segment for `header`, spliced in front of a real token's other segments.
fn with_header(token: &str, header: &Value) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(header).unwrap());
    let rest = token.split_once('.').unwrap().1;
    format!("{encoded}.{rest}")
}

/// Hostile tokens, each named and with the kind it must cause. `k1` signs unless said.
fn hostile_tokens(k1: &Key, other: &Key) -> Vec<(&'static str, String, ErrorKind)> {
    let good =
        json!({"sub": "u", "iss": "https://login", "aud": "api", "scope": "read", "exp": NOW + 60});
    let with = |extra: Value| {
        let mut claims = good.clone();
        claims
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        claims
    };
    let token = sign(hs256("k1"), &good, k1);
    vec![
        ("not a JWS", "abc".to_owned(), ErrorKind::Malformed),
        (
            "five segments",
            "a.b.c.d.e".to_owned(),
            ErrorKind::Unsupported,
        ),
        (
            "crit extension",
            with_header(
                &token,
                &json!({"alg": "HS256", "kid": "k1", "typ": "JWT", "crit": ["exp"], "exp": 1}),
            ),
            ErrorKind::Unsupported,
        ),
        (
            "signed by another key",
            sign(hs256("k1"), &good, other),
            ErrorKind::InvalidSignature,
        ),
        (
            "alg none",
            with_header(&token, &json!({"alg": "none", "kid": "k1"})),
            ErrorKind::AlgorithmNotAllowed,
        ),
        (
            "RS256 against an HMAC key",
            with_header(&token, &json!({"alg": "RS256", "kid": "k1", "typ": "JWT"})),
            ErrorKind::AlgorithmNotAllowed,
        ),
        (
            "HS384 against a 32-byte secret",
            with_header(&token, &json!({"alg": "HS384", "kid": "k1", "typ": "JWT"})),
            ErrorKind::AlgorithmNotAllowed,
        ),
        (
            "expired",
            sign(hs256("k1"), &with(json!({"exp": NOW - 1})), k1),
            ErrorKind::Expired,
        ),
        (
            "not yet valid",
            sign(hs256("k1"), &with(json!({"nbf": NOW + 10})), k1),
            ErrorKind::NotYetValid,
        ),
        (
            "issued in the future",
            sign(hs256("k1"), &with(json!({"iat": NOW + 10})), k1),
            ErrorKind::InvalidIssuedAt,
        ),
        (
            "wrong issuer",
            sign(hs256("k1"), &with(json!({"iss": "https://evil"})), k1),
            ErrorKind::InvalidIssuer,
        ),
        (
            "wrong audience",
            sign(hs256("k1"), &with(json!({"aud": "billing"})), k1),
            ErrorKind::InvalidAudience,
        ),
        (
            "wrong subject",
            sign(hs256("k1"), &with(json!({"sub": "root"})), k1),
            ErrorKind::InvalidSubject,
        ),
        (
            "wrong typ",
            sign(hs256("k1").with_typ(Some("at+jwt")), &good, k1),
            ErrorKind::InvalidType,
        ),
        (
            "required claim null",
            sign(hs256("k1"), &with(json!({"scope": null})), k1),
            ErrorKind::MissingClaim,
        ),
        (
            "unknown kid",
            sign(hs256("nobody"), &good, k1),
            ErrorKind::KeyNotFound,
        ),
        (
            "ambiguous kid",
            sign(hs256("twice"), &good, k1),
            ErrorKind::KeyNotFound,
        ),
    ]
}

fn validation() -> Validation {
    Validation::new([Algorithm::HS256, Algorithm::HS384, Algorithm::RS256])
        .fixed_time(NOW)
        .issuer(["https://login"])
        .audience(["api"])
        .subject("u")
        .typ("JWT")
        .validate_iat(true)
        .require(["scope"])
}

#[test]
fn every_failure_a_token_causes_is_a_rejection_on_every_key_source() {
    let k1 = secret(1);
    let other = secret(2);
    let set = JwkSet::from_keys(vec![
        secret(1).with_key_id("k1"),
        secret(1).with_key_id("twice"),
        secret(3).with_key_id("twice"),
    ])
    .unwrap();
    let published: Vec<Value> = set
        .keys()
        .iter()
        .map(|key| key.to_private_jwk().unwrap().into())
        .collect();
    let from_json = JwkSet::from_json(&json!({ "keys": published }).to_string()).unwrap();
    let validation = validation();
    let sources: [(&str, &dyn KeySource); 3] = [
        ("a single key", &k1),
        ("a key set", &set),
        ("a key set from JSON", &from_json),
    ];
    let mut seen = BTreeSet::new();
    for (what, token, kind) in hostile_tokens(&k1, &other) {
        for (source, keys) in sources {
            let single = source == "a single key";
            if kind == ErrorKind::KeyNotFound && single {
                continue; // a single key has no kid to look up
            }
            let error = decode_json(&token, keys, &validation).expect_err(what);
            assert!(error.is_rejection(), "{what} through {source}: {error}");
            seen.insert(error.kind().as_str());
            // A set answers a family or length mismatch as "no key accepts", also a rejection.
            let expected = match kind {
                ErrorKind::AlgorithmNotAllowed if !single && what != "alg none" => {
                    ErrorKind::KeyNotFound
                }
                _ => kind,
            };
            assert_eq!(error.kind(), expected, "{what} through {source}: {error}");
        }
    }
    let every_rejection: BTreeSet<&str> = ErrorKind::ALL
        .iter()
        .filter(|kind| kind.is_rejection())
        .map(|kind| kind.as_str())
        .collect();
    assert_eq!(
        seen, every_rejection,
        "every kind a token can cause is walked"
    );
}
