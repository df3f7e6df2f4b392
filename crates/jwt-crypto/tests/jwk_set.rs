//! JWK sets: which keys load, which are skipped, and how a token's `kid` and `alg` pick one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jwt_crypto::{Algorithm, ErrorKind, JwkSet, Key, KeyFamily, KeySource, Signer};
use serde_json::{Map, Value, json};

fn public_jwk(key: &Key, kid: &str) -> Map<String, Value> {
    let mut jwk = key.to_public_jwk().unwrap();
    jwk.insert("kid".into(), kid.into());
    jwk
}

fn set(keys: Vec<Value>) -> Result<JwkSet, jwt_crypto::Error> {
    JwkSet::from_value(&json!({ "keys": keys }))
}

/// Signs with `key` and verifies through the set's selection.
fn selects(
    set: &JwkSet,
    key: &Key,
    alg: Algorithm,
    kid: Option<&str>,
) -> Result<(), jwt_crypto::Error> {
    let signature = key.sign(alg, b"input").unwrap();
    set.select(alg, kid)?.verify(alg, b"input", &signature)
}

#[test]
fn selection_by_kid_and_alg() {
    let ec_a = Key::generate(Algorithm::ES256).unwrap();
    let ec_b = Key::generate(Algorithm::ES256).unwrap();
    let ed = Key::generate(Algorithm::EdDSA).unwrap();
    let keys = set(vec![
        public_jwk(&ec_a, "a").into(),
        public_jwk(&ec_b, "b").into(),
        public_jwk(&ed, "a").into(), // same kid, another family: allowed, told apart by alg
    ])
    .unwrap();
    assert_eq!(keys.keys().len(), 3);
    selects(&keys, &ec_a, Algorithm::ES256, Some("a")).unwrap();
    selects(&keys, &ec_b, Algorithm::ES256, Some("b")).unwrap();
    selects(&keys, &ed, Algorithm::EdDSA, Some("a")).unwrap();
    // Without a kid, EdDSA has one candidate; ES256 has two and needs a kid.
    selects(&keys, &ed, Algorithm::EdDSA, None).unwrap();
    let error = selects(&keys, &ec_a, Algorithm::ES256, None).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::KeyNotFound);
    assert!(error.to_string().contains("kid"), "{error}");
    // The wrong key for a kid fails the signature, not the selection.
    let error = selects(&keys, &ec_a, Algorithm::ES256, Some("b")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
    // Unknown kid, and a kid whose key is of another family.
    for (alg, kid) in [
        (Algorithm::ES256, "c"),
        (Algorithm::ES256, "nope"),
        (Algorithm::ES384, "a"),
        (Algorithm::HS256, "b"),
    ] {
        let error = keys.select(alg, Some(kid)).err().unwrap();
        assert_eq!(error.kind(), ErrorKind::KeyNotFound, "{alg} {kid}");
    }
    assert_eq!(
        keys.select(Algorithm::RS256, None).err().unwrap().kind(),
        ErrorKind::KeyNotFound
    );
    assert_eq!(keys.find("b").unwrap().thumbprint(), ec_b.thumbprint());
    assert!(keys.find("c").is_none());
}

#[test]
fn alg_in_the_set_narrows_selection() {
    let key = Key::generate(Algorithm::ES256).unwrap();
    let mut bound = public_jwk(&key, "k");
    bound.insert("alg".into(), "ES256".into());
    let keys = set(vec![bound.into()]).unwrap();
    selects(&keys, &key, Algorithm::ES256, Some("k")).unwrap();

    let rsa = Key::from_pem(include_str!("data/rsa2048.pkcs8.pem")).unwrap();
    let mut ps256 = public_jwk(&rsa, "r");
    ps256.insert("alg".into(), "PS256".into());
    let keys = set(vec![ps256.into()]).unwrap();
    selects(&keys, &rsa, Algorithm::PS256, Some("r")).unwrap();
    assert_eq!(
        keys.select(Algorithm::RS256, Some("r"))
            .err()
            .unwrap()
            .kind(),
        ErrorKind::KeyNotFound
    );
    assert_eq!(
        keys.select(Algorithm::RS256, None).err().unwrap().kind(),
        ErrorKind::KeyNotFound
    );
}

#[test]
fn keys_not_for_jws_are_skipped() {
    let ed = Key::generate(Algorithm::EdDSA).unwrap();
    let keys = set(vec![
        json!({ "kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB", "kid": "enc" }),
        json!({ "kty": "EC", "crv": "P-521", "x": "AA", "y": "AA", "kid": "p521" }),
        json!({ "kty": "OKP", "crv": "X25519", "x": "AA" }),
        json!({ "kty": "RSA", "alg": "RSA-OAEP-256", "n": "AQAB", "e": "AQAB" }),
        json!({ "kty": "unknown" }),
        public_jwk(&ed, "ed").into(),
    ])
    .unwrap();
    assert_eq!(keys.keys().len(), 1);
    assert!(keys.find("enc").is_none());
    selects(&keys, &ed, Algorithm::EdDSA, None).unwrap();
}

#[test]
fn bad_sets_are_refused() {
    let ed = Key::generate(Algorithm::EdDSA).unwrap();
    let good: Value = public_jwk(&ed, "ed").into();
    let invalid = |result: Result<JwkSet, jwt_crypto::Error>| {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidKey, "{error}");
        error.to_string()
    };
    // Nothing usable.
    invalid(set(vec![]));
    invalid(set(vec![
        json!({ "kty": "oct", "use": "enc", "k": "AAAA" }),
    ]));
    // Nothing usable: the message names why each key was skipped.
    let message = invalid(set(vec![
        json!({ "kty": "EC", "crv": "P-256", "x": "AA", "kid": "broken" }),
        json!("not an object"),
    ]));
    assert!(message.contains("key #0 (kid \"broken\")"), "{message}");
    assert!(message.contains("key #1"), "{message}");
    // A published secret beside public keys.
    let message = invalid(set(vec![
        good.clone(),
        json!({ "kty": "oct", "k": base64_of(&[7; 32]) }),
    ]));
    assert!(message.contains("oct"), "{message}");
    // Too many keys, counting the ones that would be skipped.
    let mut many = vec![json!({ "kty": "unknown" }); JwkSet::MAX_KEYS];
    many.push(good.clone());
    invalid(set(many));
    let mut just_enough = vec![json!({ "kty": "unknown" }); JwkSet::MAX_KEYS - 1];
    just_enough.push(good.clone());
    set(just_enough).unwrap();
    // Not a set.
    invalid(JwkSet::from_json("{}"));
    invalid(JwkSet::from_json(r#"{"keys": {}}"#));
    invalid(JwkSet::from_json("[]"));
    invalid(JwkSet::from_json("not json"));
}

#[test]
fn from_json_and_from_keys() {
    let rsa = Key::from_pem(include_str!("data/rsa2048.spki.pem"))
        .unwrap()
        .with_key_id("r1");
    let ec = Key::from_pem(include_str!("data/ecp384.spki.pem"))
        .unwrap()
        .with_key_id("e1");
    let json = serde_json::to_string(&json!({
        "keys": [rsa.to_public_jwk().unwrap(), ec.to_public_jwk().unwrap()]
    }))
    .unwrap();
    let parsed = JwkSet::from_json(&json).unwrap();
    assert_eq!(parsed.find("r1").unwrap().thumbprint(), rsa.thumbprint());
    assert_eq!(parsed.find("e1").unwrap().family(), KeyFamily::EcP384);

    let built = JwkSet::from_keys(vec![rsa, ec]).unwrap();
    assert_eq!(built.keys().len(), 2);
    assert!(built.select(Algorithm::RS256, None).is_ok());
    assert!(built.select(Algorithm::ES384, Some("e1")).is_ok());

    // Secrets and public keys may be mixed when the caller chose each key.
    let secret = Key::generate(Algorithm::HS256).unwrap();
    let mixed = JwkSet::from_keys(vec![secret, Key::generate(Algorithm::EdDSA).unwrap()]).unwrap();
    assert!(mixed.select(Algorithm::HS256, None).is_ok());
    // A shared kid loads, but a token naming it is refused: it is ambiguous.
    let a = Key::generate(Algorithm::EdDSA).unwrap().with_key_id("same");
    let b = Key::generate(Algorithm::EdDSA).unwrap().with_key_id("same");
    let shared = JwkSet::from_keys(vec![a, b]).unwrap();
    let error = shared.select(Algorithm::EdDSA, Some("same")).err().unwrap();
    assert_eq!(error.kind(), ErrorKind::KeyNotFound);
    assert!(error.to_string().contains("ambiguous"), "{error}");
    assert_eq!(
        JwkSet::from_keys(vec![]).unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
}

#[test]
fn unusable_keys_are_skipped_with_their_reasons() {
    let ed = Key::generate(Algorithm::EdDSA).unwrap();
    let rsa1024 = json!({ "kty": "RSA", "n": base64_of(&[0xc1; 128]), "e": "AQAB", "kid": "old" });
    let keys = set(vec![
        rsa1024,
        json!({ "kty": "EC", "crv": "P-256", "x": "AA" }),
        json!({ "kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB", "kid": "enc" }),
        json!(42),
        public_jwk(&ed, "ed").into(),
    ])
    .unwrap();
    assert_eq!(keys.keys().len(), 1);
    let skipped: Vec<(usize, Option<&str>)> = keys
        .skipped()
        .iter()
        .map(|s| (s.index, s.kid.as_deref()))
        .collect();
    assert_eq!(
        skipped,
        [(0, Some("old")), (1, None), (2, Some("enc")), (3, None)]
    );
    assert!(
        keys.skipped()[0].reason.contains("bits"),
        "{:?}",
        keys.skipped()
    );
    assert!(
        keys.skipped()[2].reason.contains("enc"),
        "{:?}",
        keys.skipped()
    );
    selects(&keys, &ed, Algorithm::EdDSA, Some("ed")).unwrap();
    // A token naming a skipped key finds nothing: a rejection, not a setup error.
    let error = keys.select(Algorithm::RS256, Some("old")).err().unwrap();
    assert_eq!(error.kind(), ErrorKind::KeyNotFound);
    assert!(error.is_rejection());
}

#[test]
fn a_kid_is_ambiguous_only_when_two_keys_could_verify_the_token() {
    let secret =
        |byte: u8, kid: &str| json!({ "kty": "oct", "k": base64_of(&[byte; 32]), "kid": kid });
    let keys = set(vec![secret(1, "k"), secret(2, "k"), secret(3, "other")]).unwrap();
    let error = keys.select(Algorithm::HS256, Some("k")).err().unwrap();
    assert_eq!(error.kind(), ErrorKind::KeyNotFound);
    assert!(keys.select(Algorithm::HS256, Some("other")).is_ok());
    // One RSA key listed twice, bound to two algorithms, is not ambiguous: each alg has one key.
    let rsa = Key::from_pem(include_str!("data/rsa2048.spki.pem")).unwrap();
    let mut rs = rsa.to_public_jwk().unwrap();
    rs.insert("kid".into(), "r".into());
    let mut ps = rs.clone();
    rs.insert("alg".into(), "RS256".into());
    ps.insert("alg".into(), "PS256".into());
    let bound = set(vec![rs.into(), ps.into()]).unwrap();
    assert!(bound.select(Algorithm::RS256, Some("r")).is_ok());
    assert!(bound.select(Algorithm::PS256, Some("r")).is_ok());
}

#[test]
fn hmac_keys_in_a_set() {
    let secret = Key::generate(Algorithm::HS256).unwrap().with_key_id("h");
    let keys = set(vec![secret.to_private_jwk().unwrap().into()]).unwrap();
    selects(&keys, &secret, Algorithm::HS256, Some("h")).unwrap();
    // The 32-byte secret is too short for HS512, so the set has no key for it; a set holding
    // a long enough secret as well would pick that one.
    let error = selects(
        &keys,
        &Key::generate(Algorithm::HS512).unwrap(),
        Algorithm::HS512,
        None,
    )
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::KeyNotFound);
    let long = Key::generate(Algorithm::HS512).unwrap().with_key_id("long");
    let both = set(vec![
        secret.to_private_jwk().unwrap().into(),
        long.to_private_jwk().unwrap().into(),
    ])
    .unwrap();
    selects(&both, &long, Algorithm::HS512, None).unwrap();
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn a_set_publishes_its_public_keys_and_clones_cheaply() {
    let ed = Key::generate(Algorithm::EdDSA).unwrap().with_key_id("ed");
    let ec = Key::generate(Algorithm::ES256).unwrap().with_key_id("ec");
    let set = JwkSet::from_keys(vec![ed.clone(), ec.clone()]).unwrap();
    let published = JwkSet::from_json(&set.to_public_json().unwrap()).unwrap();
    assert_eq!(published.keys().len(), 2);
    assert!(published.keys().iter().all(|key| !key.is_private()));
    assert_eq!(published.find("ed").unwrap().thumbprint(), ed.thumbprint());
    // A secret is never published.
    let with_secret =
        JwkSet::from_keys(vec![ed, Key::generate(Algorithm::HS256).unwrap()]).unwrap();
    assert_eq!(
        with_secret.to_public_json().unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
    // Clones share the loaded set, and a shared or borrowed set is a key source too.
    let clone = set.clone();
    assert!(std::ptr::eq(clone.keys().as_ptr(), set.keys().as_ptr()));
    let shared = std::sync::Arc::new(set);
    let boxed: Box<dyn KeySource> = Box::new(clone);
    for source in [&shared as &dyn KeySource, &&*shared, &boxed] {
        assert!(source.select(Algorithm::ES256, Some("ec")).is_ok());
    }
}

#[test]
fn a_published_set_holds_no_secret_at_all() {
    let secret = Key::generate(Algorithm::HS256).unwrap().with_key_id("s");
    let only_secrets = json!({ "keys": [secret.to_private_jwk().unwrap()] }).to_string();
    // Loaded locally, a set of secrets is a key set like any other...
    assert!(JwkSet::from_json(&only_secrets).is_ok());
    // ...but fetched from an issuer it is a leaked secret.
    let error = JwkSet::from_published_json(&only_secrets).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidKey);
    assert!(error.to_string().contains("oct"), "{error}");
    let ed = Key::generate(Algorithm::EdDSA).unwrap().with_key_id("ed");
    let public = json!({ "keys": [ed.to_public_jwk().unwrap()] }).to_string();
    assert_eq!(
        JwkSet::from_published_json(&public).unwrap().keys().len(),
        1
    );
}
