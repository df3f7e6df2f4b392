//! Whole tokens through jwt-core's `encode` and `decode` with jwt-crypto's keys: the traits fit,
//! `kid` flows from key to header to key set, and algorithm confusion fails at the token level.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_crypto::{
    Algorithm, ErrorKind, Header, JwkSet, Key, KeyFamily, Validation, decode_json, encode,
};
use serde_json::{Value, json};

fn claims() -> Value {
    json!({ "sub": "user-1", "exp": 4_102_444_800i64 })
}

fn private_key(family: KeyFamily) -> Key {
    match family {
        KeyFamily::Hmac => Key::generate(Algorithm::HS512).unwrap(),
        KeyFamily::Rsa => Key::from_pem(include_str!("data/rsa2048.pkcs8.pem")).unwrap(),
        KeyFamily::EcP256 => Key::generate(Algorithm::ES256).unwrap(),
        KeyFamily::EcP384 => Key::generate(Algorithm::ES384).unwrap(),
        KeyFamily::EcP521 => Key::generate(Algorithm::ES512).unwrap(),
        KeyFamily::EcSecp256k1 => Key::generate(Algorithm::ES256K).unwrap(),
        KeyFamily::Ed25519 => Key::generate(Algorithm::EdDSA).unwrap(),
        other => panic!("no test key for {other}"),
    }
}

/// The verifying counterpart: the public JWK, or for HMAC the same secret.
fn verifying_key(private: &Key) -> Key {
    let jwk = match private.family() {
        KeyFamily::Hmac => private.to_private_jwk().unwrap().into_map(),
        _ => private.to_public_jwk().unwrap(),
    };
    Key::from_jwk_value(&Value::Object(jwk)).unwrap()
}

#[test]
fn every_algorithm_through_encode_and_decode() {
    for &alg in jwt_crypto::supported_algorithms() {
        let private = private_key(alg.family()).with_key_id(format!("{alg}-key"));
        let public = verifying_key(&private);
        let token = encode(&Header::new(alg), &claims(), &private).unwrap();
        let validation = Validation::new([alg]);
        let data = decode_json(&token, &public, &validation).unwrap();
        assert_eq!(data.claims["sub"], "user-1", "{alg}");
        assert_eq!(
            data.header.kid.as_deref(),
            Some(format!("{alg}-key").as_str())
        );

        // One flipped signature bit is an invalid signature.
        let (signing_input, signature) = token.rsplit_once('.').unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
        bytes[0] ^= 1;
        let tampered = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(&bytes));
        let error = decode_json(&tampered, &public, &validation).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidSignature, "{alg}");
    }
}

#[test]
fn a_key_set_picks_the_key_by_the_tokens_kid() {
    let old = Key::generate(Algorithm::ES256).unwrap().with_key_id("2023");
    let new = Key::generate(Algorithm::ES256).unwrap().with_key_id("2024");
    let jwks = json!({ "keys": [old.to_public_jwk().unwrap(), new.to_public_jwk().unwrap()] });
    let keys = JwkSet::from_value(&jwks).unwrap();
    let validation = Validation::new([Algorithm::ES256]);
    for key in [&old, &new] {
        let token = encode(&Header::new(Algorithm::ES256), &claims(), key).unwrap();
        decode_json(&token, &keys, &validation).unwrap();
    }
    // A retired key's tokens fail once it leaves the set.
    let only_new = JwkSet::from_keys(vec![verifying_key(&new).with_key_id("2024")]).unwrap();
    let token = encode(&Header::new(Algorithm::ES256), &claims(), &old).unwrap();
    let error = decode_json(&token, &only_new, &validation).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::KeyNotFound);
}

/// The classic attack: an HS256 token whose HMAC secret is the server's RSA public key PEM,
/// sent to a server that (wrongly) allows both HS256 and RS256.
#[test]
fn hs256_signed_with_the_public_key_is_refused() {
    let pem = include_str!("data/rsa2048.spki.pem");
    let public = Key::from_pem(pem).unwrap();
    assert!(Key::from_secret(pem.as_bytes()).is_err());

    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims().to_string());
    let signing_input = format!("{header}.{payload}");
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, pem.as_bytes()),
        signing_input.as_bytes(),
    );
    let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()));

    let validation = Validation::new([Algorithm::HS256, Algorithm::RS256]);
    let error = decode_json(&token, &public, &validation).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AlgorithmNotAllowed, "{error}");
}
