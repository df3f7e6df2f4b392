//! Property tests over every algorithm, with proptest:
//! - encode → decode round-trips arbitrary claims (any JSON object of strings, numbers,
//!   booleans, arrays and nested objects, with an `exp` in the future);
//! - any single-byte change, insertion or deletion anywhere in a valid token is refused;
//! - the verify path never hands back claims together with an error: `decode_json` and
//!   `decode_raw` agree, and claims come back exactly when the time claims are valid.
//!
//! Case counts: 256 per HMAC algorithm, 128 per EC and EdDSA, 64 per RSA (signing is slow in a
//! debug build): about 4,600 cases, a few seconds on two cores.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::LazyLock;

use jwt_crypto::{
    Algorithm, Error, ErrorKind, Header, Key, KeyFamily, Validation, decode_json, decode_raw,
    encode,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use serde_json::{Map, Number, Value};

/// The clock of every validation here.
const NOW: i64 = 1_700_000_000;

/// Claim names whose type or value the validation constrains; arbitrary claims avoid them.
const REGISTERED: [&str; 7] = ["exp", "nbf", "iat", "iss", "aud", "sub", "jti"];

/// A signing key and its verifying counterpart (the public JWK re-imported; for HMAC the same
/// secret), one pair per family, made once.
struct Pair {
    signing: Key,
    verifying: Key,
}

fn pair(signing: Key) -> Pair {
    let jwk = match signing.family() {
        KeyFamily::Hmac => signing.to_private_jwk().unwrap().into_map(),
        _ => signing.to_public_jwk().unwrap(),
    };
    let verifying = Key::from_jwk_value(&Value::Object(jwk)).unwrap();
    Pair { signing, verifying }
}

static HMAC: LazyLock<Pair> = LazyLock::new(|| pair(Key::generate(Algorithm::HS512).unwrap()));
static RSA: LazyLock<Pair> =
    LazyLock::new(|| pair(Key::from_pem(include_str!("data/rsa2048.pkcs8.pem")).unwrap()));
static P256: LazyLock<Pair> = LazyLock::new(|| pair(Key::generate(Algorithm::ES256).unwrap()));
static P384: LazyLock<Pair> = LazyLock::new(|| pair(Key::generate(Algorithm::ES384).unwrap()));
static ED25519: LazyLock<Pair> = LazyLock::new(|| pair(Key::generate(Algorithm::EdDSA).unwrap()));
// Only generated when an ES512/ES256K property runs, which is only on the aws-lc-rs backend.
static P521: LazyLock<Pair> = LazyLock::new(|| pair(Key::generate(Algorithm::ES512).unwrap()));
static SECP256K1: LazyLock<Pair> =
    LazyLock::new(|| pair(Key::generate(Algorithm::ES256K).unwrap()));

fn keys(alg: Algorithm) -> &'static Pair {
    match alg.family() {
        KeyFamily::Hmac => &HMAC,
        KeyFamily::Rsa => &RSA,
        KeyFamily::EcP256 => &P256,
        KeyFamily::EcP384 => &P384,
        KeyFamily::Ed25519 => &ED25519,
        KeyFamily::EcP521 => &P521,
        KeyFamily::EcSecp256k1 => &SECP256K1,
        other => panic!("no property keys for {other}"),
    }
}

fn validation(alg: Algorithm) -> Validation {
    Validation::new([alg]).fixed_time(NOW)
}

/// Numbers that survive JSON text exactly: any integer, and binary fractions.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        (any::<i32>(), 0..8u32).prop_map(|(m, e)| {
            Value::Number(Number::from_f64(f64::from(m) / f64::from(1u32 << e)).unwrap())
        }),
    ]
}

/// Any text: control characters, quotes, backslashes and non-ASCII included.
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("(?s).{0,12}").unwrap()
}

/// Arbitrary JSON: strings, numbers, booleans, null, arrays and nested objects.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        text().prop_map(Value::String),
        number(),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// An arbitrary claims object with an `exp` in the future.
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    (
        prop::collection::btree_map(
            text().prop_filter("a registered claim", |name| {
                !REGISTERED.contains(&name.as_str())
            }),
            json(),
            0..6,
        ),
        1..1_000_000_000i64,
    )
        .prop_map(|(members, ahead)| {
            let mut claims: Map<String, Value> = members.into_iter().collect();
            claims.insert("exp".to_owned(), Value::from(NOW + ahead));
            claims
        })
}

/// One edit of a token's bytes: replace, insert or delete at a position. Replacements and
/// insertions are ASCII, so the token stays a `str` (a non-UTF-8 token cannot reach the
/// Rust API; the C layer refuses it before it does).
#[derive(Debug, Clone)]
enum Edit {
    Replace(Index, u8),
    Insert(Index, u8),
    Delete(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 1..0x80u8).prop_map(|(at, delta)| Edit::Replace(at, delta)),
        (any::<Index>(), 0..0x80u8).prop_map(|(at, byte)| Edit::Insert(at, byte)),
        any::<Index>().prop_map(Edit::Delete),
    ]
}

/// `token` with `edit` applied; a replacement XORs a non-zero delta in 0..0x80, so the byte
/// always changes and stays ASCII.
fn apply(token: &str, edit: &Edit) -> String {
    let mut bytes = token.as_bytes().to_vec();
    match edit {
        Edit::Replace(at, delta) => {
            let at = at.index(bytes.len());
            bytes[at] ^= delta;
        }
        Edit::Insert(at, byte) => bytes.insert(at.index(bytes.len() + 1), *byte),
        Edit::Delete(at) => {
            bytes.remove(at.index(bytes.len()));
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// Both claim-returning entry points on one token: they must agree, and only ever give claims
/// with success.
fn verify_both(
    token: &str,
    key: &Key,
    validation: &Validation,
) -> Result<Map<String, Value>, ErrorKind> {
    let json = decode_json(token, key, validation);
    let raw = decode_raw(token, key, validation);
    match (json, raw) {
        (Ok(json), Ok(raw)) => {
            let reparsed: Value = serde_json::from_str(&raw.claims).unwrap();
            assert_eq!(reparsed, Value::Object(json.claims.clone()));
            assert_eq!(raw.header, json.header);
            Ok(json.claims)
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.kind(), b.kind(), "{a} / {b}");
            Err(a.kind())
        }
        (json, raw) => panic!(
            "decode_json {:?} and decode_raw {:?} disagree",
            json.map(|_| ()),
            raw.map(|_| ())
        ),
    }
}

fn sign(alg: Algorithm, claims: &Map<String, Value>) -> String {
    encode(&Header::new(alg), claims, &keys(alg).signing).unwrap()
}

fn round_trip(alg: Algorithm, claims: &Map<String, Value>) -> Result<(), TestCaseError> {
    let token = sign(alg, claims);
    let verified = verify_both(&token, &keys(alg).verifying, &validation(alg));
    prop_assert_eq!(verified, Ok(claims.clone()));
    // A private key verifies its own tokens too.
    let verified = verify_both(&token, &keys(alg).signing, &validation(alg));
    prop_assert_eq!(verified, Ok(claims.clone()));
    Ok(())
}

fn edited_is_refused(
    alg: Algorithm,
    claims: &Map<String, Value>,
    edit: &Edit,
) -> Result<(), TestCaseError> {
    let token = sign(alg, claims);
    let edited = apply(&token, edit);
    let result = verify_both(&edited, &keys(alg).verifying, &validation(alg));
    prop_assert!(
        result.is_err(),
        "{:?} of {} verified: {}",
        edit,
        token,
        edited
    );
    Ok(())
}

/// A time claim as it may arrive: a number (past, near, future, fractional, out of range) or
/// a value of the wrong type.
fn time_claim() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        (-100_000..100_000i64).prop_map(|d| Some(Value::from(NOW + d))),
        (-100_000..100_000i64).prop_map(|d| Some(Value::from(NOW as f64 + d as f64 + 0.5))),
        any::<i64>().prop_map(|n| Some(Value::from(n))),
        Just(Some(Value::from(1e300))),
        Just(Some(Value::from(-1e300))),
        Just(Some(Value::from("1700000100"))),
        Just(Some(Value::Bool(true))),
        Just(Some(Value::Null)),
    ]
}

/// What the validation must decide for these `exp` and `nbf` (no leeway): the README's rules,
/// written out independently of the library.
fn expected_ok(exp: Option<&Value>, nbf: Option<&Value>) -> bool {
    let exp_ok = exp.is_none_or(|value| numeric_date(value).is_some_and(|exp| NOW < exp));
    let nbf_ok = nbf.is_none_or(|value| numeric_date(value).is_some_and(|nbf| nbf <= NOW));
    exp_ok && nbf_ok
}

/// A NumericDate: a JSON number whose floor fits in an `i64`.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn numeric_date(value: &Value) -> Option<i64> {
    let Value::Number(number) = value else {
        return None;
    };
    if let Some(n) = number.as_i64() {
        return Some(n);
    }
    let floor = number.as_f64()?.floor();
    // `i64::MAX as f64` rounds up to 2^63, which does not fit.
    (floor.is_finite() && floor >= i64::MIN as f64 && floor < i64::MAX as f64)
        .then_some(floor as i64)
}

fn never_claims_with_error(
    alg: Algorithm,
    mut claims: Map<String, Value>,
    exp: Option<Value>,
    nbf: Option<Value>,
    edit: Option<Edit>,
) -> Result<(), TestCaseError> {
    claims.remove("exp");
    if let Some(exp) = &exp {
        claims.insert("exp".to_owned(), exp.clone());
    }
    if let Some(nbf) = &nbf {
        claims.insert("nbf".to_owned(), nbf.clone());
    }
    let mut token = sign(alg, &claims);
    if let Some(edit) = &edit {
        token = apply(&token, edit);
    }
    // `exp` is required by default; this property is about what the checks decide.
    let validation = validation(alg).require_only(Vec::<String>::new());
    let result = verify_both(&token, &keys(alg).verifying, &validation);
    match (&result, edit) {
        (Ok(_), Some(edit)) => prop_assert!(false, "{edit:?} verified: {token}"),
        (_, Some(_)) => {}
        (Ok(verified), None) => {
            prop_assert!(expected_ok(exp.as_ref(), nbf.as_ref()), "{result:?}");
            prop_assert_eq!(verified, &claims);
        }
        (Err(kind), None) => {
            prop_assert!(!expected_ok(exp.as_ref(), nbf.as_ref()), "{kind:?}");
            prop_assert!(
                matches!(
                    kind,
                    ErrorKind::Expired | ErrorKind::NotYetValid | ErrorKind::Malformed
                ),
                "{kind:?}"
            );
        }
    }
    Ok(())
}

/// The proptest settings for `cases` cases: no failure persistence files in the source tree.
fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

macro_rules! every_algorithm {
    ($($module:ident: $alg:ident, $cases:expr;)*) => {$(
        mod $module {
            use super::*;

            proptest! {
                #![proptest_config(config($cases))]

                #[test]
                fn encode_then_decode_round_trips(claims in claims()) {
                    round_trip(Algorithm::$alg, &claims)?;
                }

                #[test]
                fn any_single_byte_edit_is_refused(claims in claims(), edit in edit()) {
                    edited_is_refused(Algorithm::$alg, &claims, &edit)?;
                }

                #[test]
                fn never_claims_together_with_an_error(
                    claims in claims(),
                    exp in time_claim(),
                    nbf in time_claim(),
                    edit in prop::option::weighted(0.3, edit()),
                ) {
                    never_claims_with_error(Algorithm::$alg, claims, exp, nbf, edit)?;
                }
            }
        }
    )*};
}

every_algorithm! {
    hs256: HS256, 256;
    hs384: HS384, 256;
    hs512: HS512, 256;
    rs256: RS256, 64;
    rs384: RS384, 64;
    rs512: RS512, 64;
    ps256: PS256, 64;
    ps384: PS384, 64;
    ps512: PS512, 64;
    es256: ES256, 128;
    es384: ES384, 128;
    eddsa: EdDSA, 128;
}

/// What only the aws-lc-rs backend implements.
#[cfg(feature = "aws-lc-rs")]
mod aws_lc_only {
    use super::*;

    every_algorithm! {
        es512: ES512, 64;
        es256k: ES256K, 128;
    }
}

/// The edits reach every position: one token, every single-byte deletion and every
/// replacement of each byte by its neighbour in the alphabet, exhaustively (not sampled).
#[test]
fn every_position_of_one_token_is_covered() {
    for alg in [Algorithm::HS256, Algorithm::ES256, Algorithm::EdDSA] {
        let mut claims = Map::new();
        claims.insert("exp".to_owned(), Value::from(NOW + 60));
        claims.insert("sub".to_owned(), Value::from("user-1"));
        let token = sign(alg, &claims);
        let key = &keys(alg).verifying;
        for at in 0..token.len() {
            let mut deleted = token.clone();
            deleted.remove(at);
            assert!(
                verify_both(&deleted, key, &validation(alg)).is_err(),
                "{alg} delete {at}"
            );
            for delta in [1u8, 2, 0x20] {
                let mut bytes = token.clone().into_bytes();
                bytes[at] ^= delta;
                let replaced = String::from_utf8(bytes).unwrap();
                assert!(
                    verify_both(&replaced, key, &validation(alg)).is_err(),
                    "{alg} replace {at} ^ {delta}"
                );
            }
        }
    }
}

/// An error never carries claims: the type says so, and the error's message names no claim
/// value (a refused token's contents are not echoed back).
#[test]
fn errors_are_values_without_claims() {
    let mut claims = Map::new();
    claims.insert("exp".to_owned(), Value::from(NOW - 1));
    claims.insert("secret-claim".to_owned(), Value::from("do-not-echo"));
    let token = sign(Algorithm::HS256, &claims);
    let err: Error =
        decode_json(&token, &HMAC.verifying, &validation(Algorithm::HS256)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Expired);
    assert!(!err.to_string().contains("do-not-echo"), "{err}");
}
