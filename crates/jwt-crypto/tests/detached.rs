//! Detached payloads (RFC 7515 Appendix F) and unencoded ones (RFC 7797), through
//! `jws::sign_detached` and `jws::verify_detached`, with RFC 7797 §4's own example.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jwt_crypto::{Algorithm, ErrorKind, Key, jws};

/// RFC 7515 Appendix A.1's HMAC key, which RFC 7797 §4 signs with.
const A1_KEY: &str = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
/// RFC 7797 §4.2: `{"alg":"HS256","b64":false,"crit":["b64"]}` over the payload `$.02`.
const UNENCODED: &str = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY";
/// RFC 7797 §4.1: the same payload with `{"alg":"HS256"}`, so base64url-encoded (`JC4wMg`).
const ENCODED: &str = "eyJhbGciOiJIUzI1NiJ9..5mvfOroL-g7HyqJoozehmsaqmvTYGEq5jTI1gVvoEoQ";
const HS256: &[Algorithm] = &[Algorithm::HS256];

#[test]
fn rfc7797_examples_verify_and_reproduce() {
    let key = Key::from_jwk(A1_KEY).unwrap();
    for token in [UNENCODED, ENCODED] {
        let verified = jws::verify_detached(token, b"$.02", HS256, &key, 8192).unwrap();
        assert_eq!(verified.payload, b"$.02");
        let err = jws::verify_detached(token, b"$.03", HS256, &key, 8192).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidSignature, "{token}");
    }
    let header = br#"{"alg":"HS256","b64":false,"crit":["b64"]}"#;
    assert_eq!(
        jws::sign_detached(header, b"$.02", &key).unwrap(),
        UNENCODED
    );
    assert_eq!(
        jws::sign_detached(br#"{"alg":"HS256"}"#, b"$.02", &key).unwrap(),
        ENCODED
    );
    assert_eq!(
        jws::verify_detached(UNENCODED, b"$.02", HS256, &key, 8192)
            .unwrap()
            .header
            .crit,
        Some(vec!["b64".to_owned()])
    );
}

#[test]
fn unencoded_payloads_stay_out_of_the_attached_verify_path() {
    let key = Key::from_jwk(A1_KEY).unwrap();
    // The RFC's token with its payload put back in place: the ordinary calls refuse `b64`.
    let attached = UNENCODED.replacen("..", ".JC4wMg.", 1);
    let err = jws::verify(&attached, HS256, &key, 8192).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    // And the detached call refuses a token that is not detached.
    let err = jws::verify_detached(&attached, b"$.02", HS256, &key, 8192).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Malformed, "{err}");
}

#[test]
fn b64_must_be_critical_and_nothing_else_may_be() {
    let key = Key::from_jwk(A1_KEY).unwrap();
    for (header, kind) in [
        // RFC 7797 §6: b64 without crit is refused, not guessed.
        (r#"{"alg":"HS256","b64":false}"#, ErrorKind::Malformed),
        (
            r#"{"alg":"HS256","b64":"false","crit":["b64"]}"#,
            ErrorKind::Malformed,
        ),
        (
            r#"{"alg":"HS256","b64":false,"crit":["b64","exp"],"exp":1}"#,
            ErrorKind::Unsupported,
        ),
        (r#"{"alg":"HS256","crit":["b64"]}"#, ErrorKind::Malformed),
        (
            r#"{"alg":"HS256","b64":false,"crit":[]}"#,
            ErrorKind::Malformed,
        ),
    ] {
        let err = jws::sign_detached(header.as_bytes(), b"x", &key).unwrap_err();
        assert_eq!(err.kind(), kind, "sign {header}: {err}");
        let token = format!(
            "{}..AAAA",
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header)
        );
        let err = jws::verify_detached(&token, b"x", HS256, &key, 8192).unwrap_err();
        assert_eq!(err.kind(), kind, "verify {header}: {err}");
    }
    // The allow-list and the key's family come first, as on the attached path.
    let err =
        jws::verify_detached(UNENCODED, b"$.02", &[Algorithm::HS384], &key, 8192).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed);
    let ec = Key::generate(Algorithm::ES256).unwrap();
    let err = jws::verify_detached(UNENCODED, b"$.02", HS256, &ec, 8192).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed);
}
