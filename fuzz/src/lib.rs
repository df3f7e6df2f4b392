//! The fuzz targets' bodies, in a library so that `examples/replay.rs` can run a corpus through
//! them without libFuzzer (under valgrind, say). Each target also asserts what must hold for
//! every input, so a wrong answer fails the run as loudly as a crash:
//!
//! - verification never panics, and `decode_json`, `decode_raw` and the JWS layer agree;
//! - a token re-signed with the right key is never refused for its signature (the signature is
//!   checked over the token's own bytes), which also carries fuzzed headers and claims past the
//!   signature into claim validation;
//! - a loaded key survives export and re-import with the same thumbprint;
//! - the C ABI writes an output only on success and `jwtkit_last_error_message` is never NULL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::missing_panics_doc
)]

use std::sync::LazyLock;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_crypto::{
    Algorithm, Error, ErrorKind, JwkSet, Key, KeyFamily, KeySource, Signer, TokenData, Validation,
    Verifier, dangerous, decode_json, decode_raw, jws,
};
use serde_json::{Map, Value};

mod c_abi;
pub use c_abi::c_abi;

/// The clock of every validation here: the vectors' tokens are issued around it.
pub const NOW: i64 = 1_700_000_000;

const ALGORITHMS: &str = include_str!("../../tests/vectors/algorithms.json");

/// A key from `tests/vectors/algorithms.json`, by name.
fn vector_key(name: &str) -> Key {
    static FILE: LazyLock<Value> = LazyLock::new(|| serde_json::from_str(ALGORITHMS).unwrap());
    let key = &FILE["keys"][name];
    if let Some(pem) = key["pem"].as_str() {
        Key::from_pem(pem).unwrap()
    } else if let Some(secret) = key["secret_b64u"].as_str() {
        Key::from_secret(&URL_SAFE_NO_PAD.decode(secret).unwrap()).unwrap()
    } else {
        panic!("{name} is not a PEM or a secret")
    }
}

/// The JWK set the vectors call `service-jwks` (one public key per asymmetric family, each with
/// a `kid`; a published set never holds secrets), as text.
pub fn service_jwks() -> String {
    let file: Value = serde_json::from_str(ALGORITHMS).unwrap();
    file["keys"]["service-jwks"]["jwks"].to_string()
}

/// A key source that picks the first key of the token's family, whatever its `kid`: it lets
/// the vectors' tokens (many carry a `kid`) reach the signature check.
pub struct ByFamily(Vec<Key>);

impl KeySource for ByFamily {
    fn select(&self, alg: Algorithm, _kid: Option<&str>) -> Result<&dyn Verifier, Error> {
        self.0
            .iter()
            .find(|key| key.accepts(alg))
            .map(|key| key as &dyn Verifier)
            .ok_or_else(|| Error::AlgorithmNotAllowed(format!("no fuzz key for {alg}")))
    }
}

/// The public keys the vectors' tokens are signed with.
static VECTOR_KEYS: LazyLock<ByFamily> = LazyLock::new(|| {
    ByFamily(
        [
            "hmac-32",
            "hmac-48",
            "hmac-64",
            "rsa-public-pem",
            "p256-public-pem",
            "p384-public-pem",
            "ed25519-public-pem",
        ]
        .into_iter()
        .map(vector_key)
        .collect(),
    )
});

static SERVICE_JWKS: LazyLock<JwkSet> =
    LazyLock::new(|| JwkSet::from_json(&service_jwks()).unwrap());

/// Private keys to re-sign fuzzed tokens with. No RSA: ring's RSA signing would slow every
/// run down, and claims are checked the same whatever the algorithm.
static SIGNING_KEYS: LazyLock<Vec<Key>> = LazyLock::new(|| {
    vec![
        vector_key("hmac-64"),
        Key::from_pem(include_str!(
            "../../crates/jwt-crypto/tests/data/ecp256.pkcs8.pem"
        ))
        .unwrap(),
        Key::from_pem(include_str!(
            "../../crates/jwt-crypto/tests/data/ecp384.pkcs8.pem"
        ))
        .unwrap(),
        vector_key("ed25519-private-pem"),
    ]
});

/// Two validations: the defaults, and one that checks everything it can. Which one a token
/// meets depends on its length, so both are fuzzed without doubling the work.
static VALIDATIONS: LazyLock<[Validation; 2]> = LazyLock::new(|| {
    [
        Validation::new(Algorithm::ALL).fixed_time(NOW),
        Validation::new(Algorithm::ALL)
            .fixed_time(NOW)
            .leeway(Duration::from_secs(60))
            .issuer(["https://issuer.example"])
            .audience(["api", "orders-api"])
            .subject("user-1")
            .require(["sub", "iat"])
            .typ("JWT")
            .validate_iat(true),
    ]
});

fn validation_for(token: &str) -> &'static Validation {
    &VALIDATIONS[token.len() % 2]
}

/// `token` with its signature replaced by one from a signing key of its header's `alg`, or
/// `None` when its header does not parse or names an RSA algorithm.
fn resign(token: &str) -> Option<(String, &'static Key)> {
    let header = dangerous::decode_header_unverified(token).ok()?;
    let key = SIGNING_KEYS
        .iter()
        .find(|key| key.family() == header.alg.family())?;
    let (signing_input, _) = token.rsplit_once('.')?;
    let signature = key.sign(header.alg, signing_input.as_bytes()).ok()?;
    Some((
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)),
        key,
    ))
}

/// Claims JSON signed into an HS256 token, so the mutator works on JSON rather than base64.
fn claims_token(claims: &[u8]) -> String {
    jws::sign(br#"{"alg":"HS256","typ":"JWT"}"#, claims, &SIGNING_KEYS[0]).unwrap()
}

/// Verifies with both claim-returning entry points and checks they agree.
fn check_decode(
    token: &str,
    keys: &(impl KeySource + ?Sized),
    validation: &Validation,
) -> Result<TokenData<Map<String, Value>>, ErrorKind> {
    let json = decode_json(token, keys, validation);
    let raw = decode_raw(token, keys, validation);
    check_typed(token, keys, validation, &json);
    match (json, raw) {
        (Ok(json), Ok(raw)) => {
            let reparsed: Value = serde_json::from_str(&raw.claims).unwrap();
            assert_eq!(Value::Object(json.claims.clone()), reparsed);
            assert_eq!(json.header, raw.header);
            // What verified parses the same without verification.
            let unverified = dangerous::decode_header_unverified(token).unwrap();
            assert_eq!(unverified, json.header);
            Ok(json)
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.kind(), b.kind(), "{a} / {b}");
            Err(a.kind())
        }
        (json, raw) => panic!(
            "decode_json and decode_raw disagree: {:?} / {:?}",
            json.map(|_| ()),
            raw.map(|_| ())
        ),
    }
}

/// A claims type with every registered claim typed as validation reads it.
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)] // read only by Debug: the point is that deserializing succeeds
struct Registered {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<jwt_crypto::Audience>,
    exp: Option<jwt_crypto::NumericDate>,
    nbf: Option<f64>,
    iat: Option<i64>,
    jti: Option<String>,
}

/// `decode` into a type (read in one pass with validation) agrees with `decode_json`: the same
/// claims and registered claims into a map, and the same refusal whatever the type.
fn check_typed(
    token: &str,
    keys: &(impl KeySource + ?Sized),
    validation: &Validation,
    json: &Result<TokenData<Map<String, Value>>, Error>,
) {
    let map = jwt_crypto::decode::<Map<String, Value>>(token, keys, validation);
    let typed = jwt_crypto::decode::<Registered>(token, keys, validation);
    match json {
        Ok(json) => {
            let map = map.unwrap();
            assert_eq!(map.claims, json.claims);
            assert_eq!(map.registered(), json.registered());
            if let Ok(typed) = typed {
                assert_eq!(typed.registered(), json.registered());
            }
        }
        Err(err) => {
            assert_eq!(map.unwrap_err().kind(), err.kind(), "{token}");
            assert_eq!(typed.unwrap_err().kind(), err.kind(), "{token}");
        }
    }
}

/// Token decoding: the input as a token against the vectors' keys and a JWK set; the same
/// token re-signed; and input starting with `{` as claims of a freshly signed token.
pub fn decode(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let validation = validation_for(text);
    if text.starts_with('{') {
        let token = claims_token(data);
        let result = check_decode(&token, &SIGNING_KEYS[0], validation);
        assert_ne!(result.err(), Some(ErrorKind::InvalidSignature));
        return;
    }
    let _ = check_decode(text, &*VECTOR_KEYS, validation);
    let _ = check_decode(text, &*SERVICE_JWKS, validation);
    if let Some((token, key)) = resign(text) {
        let result = check_decode(&token, key, validation);
        assert_ne!(result.err(), Some(ErrorKind::InvalidSignature), "{token}");
    }
}

/// The JWS layer, over any payload bytes.
pub fn jws_verify(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let check = |token: &str, keys: &dyn KeySource| -> Result<(), ErrorKind> {
        let verified = jws::verify(token, Algorithm::ALL, keys, 8192).map_err(|err| err.kind())?;
        let payload = token.split('.').nth(1).unwrap();
        assert_eq!(verified.payload, URL_SAFE_NO_PAD.decode(payload).unwrap());
        Ok(())
    };
    let _ = check(text, &*VECTOR_KEYS);
    let _ = check(text, &*SERVICE_JWKS);
    // A tiny limit: the size check comes first, whatever the token.
    if text.len() > 16 {
        let err = jws::verify(text, Algorithm::ALL, &*VECTOR_KEYS, 16).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed);
    }
    if let Some((token, key)) = resign(text) {
        assert_ne!(check(&token, key).err(), Some(ErrorKind::InvalidSignature));
    }
}

/// Unverified header inspection: the input as a token, and as header JSON inside one.
pub fn header(data: &[u8]) {
    if let Ok(token) = std::str::from_utf8(data) {
        check_header(token);
    }
    let wrapped = format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode(data));
    check_header(&wrapped);
}

fn check_header(token: &str) {
    let typed = dangerous::decode_header_unverified(token);
    let json = dangerous::decode_header_json_unverified(token);
    if let Ok(header) = typed {
        // The strict parse implies the lenient one, and both read the same alg.
        let json = json.unwrap();
        assert_eq!(json["alg"], header.alg.as_str());
        // A parsed header serializes to JSON that parses back to itself, numbers included
        // (serde_json's `float_roundtrip`, which the fuzzer showed is needed).
        let again = header.to_json().unwrap();
        let wrapped = format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode(&again));
        assert_eq!(
            dangerous::decode_header_unverified(&wrapped).unwrap(),
            header
        );
    }
}

/// JWK and JWK-set parsing, and what a loaded key must do.
pub fn jwk(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(key) = Key::from_jwk(text) {
        check_key(&key);
    }
    if let Ok(set) = JwkSet::from_json(text) {
        for key in set.keys() {
            let _ = key.thumbprint();
        }
        for &alg in Algorithm::ALL {
            let kid = set.keys().first().and_then(Key::key_id);
            if let Ok(key) = set.select(alg, kid) {
                assert!(key.accepts(alg));
            }
            let _ = set.select(alg, None);
        }
    }
}

/// PEM, DER and raw-secret loading.
pub fn key_load(data: &[u8]) {
    if let Ok(key) = Key::from_der(data) {
        check_key(&key);
    }
    let pem = std::str::from_utf8(data)
        .ok()
        .and_then(|text| Key::from_pem(text).ok());
    if let Some(key) = pem {
        check_key(&key);
    }
    if let Ok(key) = Key::from_secret(data) {
        assert!(data.len() >= 32);
        assert_eq!(key.family(), KeyFamily::Hmac);
    }
    let _ = Key::dangerous_from_short_secret(data);
}

/// Export and re-import give the same key; a private key's signature verifies with its
/// exported public half.
fn check_key(key: &Key) {
    let thumbprint = key.thumbprint();
    let exported = match key.family() {
        KeyFamily::Hmac => key.to_private_jwk().map(jwt_crypto::PrivateJwk::into_map),
        _ => key.to_public_jwk(),
    };
    let Ok(exported) = exported else { return };
    let public = Key::from_jwk_value(&Value::Object(exported)).unwrap();
    assert_eq!(public.thumbprint(), thumbprint);
    assert_eq!(public.family(), key.family());
    if key.family() == KeyFamily::Hmac {
        return;
    }
    if let Ok(pem) = key.to_public_pem() {
        assert_eq!(Key::from_pem(&pem).unwrap().thumbprint(), thumbprint);
    }
    if !key.is_private() {
        return;
    }
    if let Ok(pem) = key.to_pkcs8_pem() {
        assert_eq!(Key::from_pem(&pem).unwrap().thumbprint(), thumbprint);
    }
    let input = b"eyJhbGciOiJFUzI1NiJ9.e30";
    for &alg in Algorithm::ALL {
        if let (Ok(signature), true) = (key.sign(alg, input), public.accepts(alg)) {
            public.verify(alg, input, &signature).unwrap();
            break;
        }
    }
}
