//! Project Wycheproof's JOSE vectors (`tests/wycheproof/json_web_signature_test.json` and
//! `json_web_key_test.json`, with their licence and source commit) run through the JWS layer:
//! each group's key or key set is loaded as a service would load it (the public form when the
//! group has one), and each compact `jws` is verified with every algorithm allowed, so that
//! only the key's own binding (family, JWK `alg`, `use`, `key_ops`) can refuse a wrong primitive.
//!
//! A `valid` case must verify; an `invalid` case must be refused, at load or at verify, with a
//! rejection or a key error. Where our policy differs from Wycheproof's verdict the case is named
//! below with why, and the test checks that it is refused for exactly that reason. Every file
//! asserts how many cases ran and how many were skipped, so the test cannot pass on nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jwt_crypto::{Algorithm, DEFAULT_MAX_TOKEN_LEN, Error, ErrorKind, JwkSet, Key, KeySource, jws};
use serde_json::Value;

/// Cases Wycheproof calls `valid` that we refuse on purpose: a character outside the base64url
/// alphabet inside the header or payload segment. A lenient decoder skips it; RFC 7515 §2 and
/// §7.1 define the segments as base64url, and two parsers that read different bytes from one
/// token are how confusion attacks start, so jwtkit refuses it as `malformed`.
const STRICT_BASE64URL: [u64; 2] = [372, 373];

/// Cases Wycheproof calls `valid` whose key's JWK says `"alg": "PS256"` while the token says
/// PS384 (RFC 7520 §4.2's token under a key Wycheproof bound to PS256). A JWK's `alg` binds the
/// key to that one algorithm (RFC 7517 §4.4, RFC 8725 §3.1), so jwtkit refuses the token as
/// `algorithm_not_allowed`.
const ALG_BINDING: [u64; 2] = [346, 350];

/// Cases Wycheproof calls `valid` (RFC 7520 §4.3's ES512 token) whose key's JWK says
/// `"alg": "ES521"`, which is no JOSE algorithm (P-521's is ES512). A JWK whose `alg` this
/// library cannot honour is no usable key, so these are refused as `invalid_key` where ES512
/// exists (elsewhere they are skipped with the other ES512 cases). RFC 7520 §4.3 itself runs
/// in tests/vectors/rfc7520.json with the RFC's key.
const UNKNOWN_JWK_ALG: [u64; 2] = [347, 351];

/// Cases Wycheproof calls `invalid` whose token is byte for byte the token of case 357, which
/// it calls `valid` ("invalidBase64Padding" with the padding lost in the data): no verifier can
/// satisfy both, so these two are skipped and the shared token is judged by case 357.
const SAME_AS_VALID_357: [u64; 2] = [367, 370];

/// Whether the token's algorithm is one this build lacks (ES512 under ring).
fn unimplemented_alg(token: &str) -> bool {
    let header = jwt_crypto::dangerous::decode_header_json_unverified(token).ok();
    let alg = header
        .as_ref()
        .and_then(|h| h.get("alg")?.as_str()?.parse().ok());
    alg.is_some_and(|alg| !jwt_crypto::supported_algorithms().contains(&alg))
}

/// The two valid ES512 cases ([`UNKNOWN_JWK_ALG`]): refused where ES512 exists, skipped
/// elsewhere.
fn es512_valid() -> (usize, usize) {
    if jwt_crypto::supported_algorithms().contains(&Algorithm::ES512) {
        (2, 0)
    } else {
        (0, 2)
    }
}

#[derive(Debug, Default)]
struct Tally {
    accepted: usize,
    refused: usize,
    skipped: usize,
}

type Keys = Box<dyn KeySource>;

fn run(file: &str, load: impl Fn(&Value) -> Result<Keys, Error>) -> Tally {
    let path = format!(
        "{}/../../tests/wycheproof/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let data: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for group in data["testGroups"].as_array().unwrap() {
        let keys = load(group.get("public").unwrap_or(&group["private"]));
        for case in group["tests"].as_array().unwrap() {
            let id = case["tcId"].as_u64().unwrap();
            let token = case["jws"].as_str().unwrap();
            let valid = case["result"] == "valid";
            if (unimplemented_alg(token) && valid) || SAME_AS_VALID_357.contains(&id) {
                tally.skipped += 1;
                continue;
            }
            let outcome = keys.as_ref().map_err(Clone::clone).and_then(|keys| {
                jws::verify(token, Algorithm::ALL, keys.as_ref(), DEFAULT_MAX_TOKEN_LEN)
            });
            let wrong = match (&outcome, valid) {
                (Ok(_), true) => None,
                // The signature covers the bytes as sent, so a stray character in the payload
                // fails it before the payload is decoded.
                (Err(err), true) if STRICT_BASE64URL.contains(&id) => (!matches!(
                    err.kind(),
                    ErrorKind::Malformed | ErrorKind::InvalidSignature
                ))
                .then(|| format!("refused as {err}")),
                (Err(err), true) if ALG_BINDING.contains(&id) => (err.kind()
                    != ErrorKind::AlgorithmNotAllowed)
                    .then(|| format!("refused as {err}")),
                (Err(err), true) if UNKNOWN_JWK_ALG.contains(&id) => {
                    (err.kind() != ErrorKind::InvalidKey || !err.to_string().contains("ES521"))
                        .then(|| format!("refused as {err}"))
                }
                (Err(err), true) => Some(format!("valid but refused: {err}")),
                (Ok(_), false) => Some("invalid but accepted".to_owned()),
                (Err(_), false) => None,
            };
            match wrong {
                Some(why) => failures.push(format!(
                    "{file} tcId {id} ({}): {why}",
                    case["comment"].as_str().unwrap_or_default()
                )),
                None if outcome.is_ok() => tally.accepted += 1,
                None => tally.refused += 1,
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    tally
}

#[test]
fn json_web_signature_cases() {
    let tally = run("json_web_signature_test.json", |jwk| {
        Key::from_jwk_value(jwk).map(|key| Box::new(key) as Keys)
    });
    println!("json_web_signature_test.json: {tally:?}");
    // 401 cases, 46 valid: 40 verify, 4 are refused on purpose and 2 are ES512 under an
    // "ES521" JWK (above); the two copies of case 357 are skipped.
    let (es512_refused, es512_skipped) = es512_valid();
    assert_eq!(
        (tally.accepted, tally.refused, tally.skipped),
        (40, 357 + es512_refused, 2 + es512_skipped),
        "{tally:?}"
    );
}

#[test]
fn json_web_key_cases() {
    let tally = run("json_web_key_test.json", |set| {
        JwkSet::from_value(set).map(|set| Box::new(set) as Keys)
    });
    println!("json_web_key_test.json: {tally:?}");
    // 26 cases, 5 valid: the mixed and duplicate-kid sets are refused (cases 1 and 4).
    assert_eq!(tally.skipped, 0, "{tally:?}");
    assert_eq!((tally.accepted, tally.refused), (5, 21), "{tally:?}");
}

#[test]
fn the_ambiguous_and_mixed_sets_are_refused_for_the_right_reason() {
    let path = format!(
        "{}/../../tests/wycheproof/json_web_key_test.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let data: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let group = |name: &str| {
        data["testGroups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["comment"] == name)
            .unwrap()
            .clone()
    };
    let roca = JwkSet::from_value(&group("jws_rsa_roca_key")["private"]).unwrap_err();
    assert!(roca.to_string().contains("ROCA"), "{roca}");
    let mixed = JwkSet::from_value(&group("jws_mixedSymmetryKeyset")["private"]).unwrap_err();
    assert!(mixed.to_string().contains("oct"), "{mixed}");
    let duplicate = group("jws_duplicate_kid");
    let set = JwkSet::from_value(&duplicate["private"]).unwrap();
    let token = duplicate["tests"][0]["jws"].as_str().unwrap();
    let err = jws::verify(token, &[Algorithm::HS256], &set, 8192).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::KeyNotFound, "{err}");
    assert!(err.to_string().contains("ambiguous"), "{err}");
}
