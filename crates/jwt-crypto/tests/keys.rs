//! Key loading (PEM, DER, JWK), export, thumbprints and generation. Fixtures under `data/`
//! were made with the `openssl` command line (see `data/README.md`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jwt_crypto::{Algorithm, Error, ErrorKind, Key, KeyFamily, KeySpec, Signer, Verifier};
use serde_json::{Value, json};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("data/", $name))
    };
}

macro_rules! fixture_bytes {
    ($name:literal) => {
        include_bytes!(concat!("data/", $name))
    };
}

fn invalid_key(result: Result<Key, Error>) -> String {
    match result {
        Ok(key) => panic!("key loaded: {key:?}"),
        Err(error) => {
            assert_eq!(error.kind(), ErrorKind::InvalidKey, "{error}");
            error.to_string()
        }
    }
}

/// Every loader of one key agrees on the key: same family, same thumbprint.
fn same_key(keys: &[&Key]) {
    let first = keys[0];
    for key in keys {
        assert_eq!(key.family(), first.family());
        assert_eq!(key.thumbprint(), first.thumbprint());
    }
}

/// The private key signs; its public forms verify.
fn signs_for(private: &Key, alg: Algorithm, publics: &[&Key]) {
    assert!(private.is_private());
    let signature = private.sign(alg, b"header.payload").unwrap();
    private.verify(alg, b"header.payload", &signature).unwrap();
    for public in publics {
        assert!(!public.is_private());
        public.verify(alg, b"header.payload", &signature).unwrap();
        assert_eq!(
            public.sign(alg, b"x").unwrap_err().kind(),
            ErrorKind::InvalidKey
        );
    }
}

#[test]
fn rsa_2048_in_every_format() {
    let pkcs8 = Key::from_pem(fixture!("rsa2048.pkcs8.pem")).unwrap();
    let pkcs1 = Key::from_pem(fixture!("rsa2048.pkcs1.pem")).unwrap();
    let pkcs8_der = Key::from_der(fixture_bytes!("rsa2048.pkcs8.der")).unwrap();
    let spki = Key::from_pem(fixture!("rsa2048.spki.pem")).unwrap();
    let spki_der = Key::from_der(fixture_bytes!("rsa2048.spki.der")).unwrap();
    let pkcs1_public = Key::from_pem(fixture!("rsa2048.pkcs1pub.pem")).unwrap();
    let certificate = Key::from_pem(fixture!("rsa2048.cert.pem")).unwrap();
    same_key(&[
        &pkcs8,
        &pkcs1,
        &pkcs8_der,
        &spki,
        &spki_der,
        &pkcs1_public,
        &certificate,
    ]);
    assert_eq!(pkcs8.family(), KeyFamily::Rsa);
    for key in [&pkcs1, &pkcs8_der] {
        signs_for(
            key,
            Algorithm::PS256,
            &[&spki, &spki_der, &pkcs1_public, &certificate],
        );
    }
    signs_for(&pkcs8, Algorithm::RS256, &[&spki]);
}

#[test]
fn rsa_4096_loads_and_1024_is_refused() {
    let private = Key::from_pem(fixture!("rsa4096.pkcs8.pem")).unwrap();
    let public = Key::from_pem(fixture!("rsa4096.spki.pem")).unwrap();
    same_key(&[&private, &public]);
    signs_for(&private, Algorithm::RS512, &[&public]);

    for pem in [fixture!("rsa1024.pkcs8.pem"), fixture!("rsa1024.spki.pem")] {
        let message = invalid_key(Key::from_pem(pem));
        assert!(message.contains("1024 bits"), "{message}");
    }
}

#[test]
fn rsa_moduli_over_8192_bits_are_refused() {
    // An odd 8200-bit modulus: refused for its size before anything else is looked at.
    let mut n = vec![0xc5u8; 1025];
    n[1024] |= 1;
    let jwk = json!({ "kty": "RSA", "n": b64(&n), "e": "AQAB" });
    let message = invalid_key(Key::from_jwk_value(&jwk));
    assert!(message.contains("too large"), "{message}");
}

#[test]
fn ec_p256_in_every_format() {
    let pkcs8 = Key::from_pem(fixture!("ecp256.pkcs8.pem")).unwrap();
    let pkcs8_der = Key::from_der(fixture_bytes!("ecp256.pkcs8.der")).unwrap();
    let spki = Key::from_pem(fixture!("ecp256.spki.pem")).unwrap();
    let certificate = Key::from_pem(fixture!("ecp256.cert.pem")).unwrap();
    let certificate_der = Key::from_der(fixture_bytes!("ecp256.cert.der")).unwrap();
    same_key(&[&pkcs8, &pkcs8_der, &spki, &certificate, &certificate_der]);
    assert_eq!(pkcs8.family(), KeyFamily::EcP256);
    signs_for(
        &pkcs8,
        Algorithm::ES256,
        &[&spki, &certificate, &certificate_der],
    );

    // `openssl ecparam -genkey` output: EC PARAMETERS, then a SEC1 EC PRIVATE KEY.
    let sec1 = Key::from_pem(fixture!("ecp256.sec1.pem")).unwrap();
    assert_eq!(sec1.family(), KeyFamily::EcP256);
    let public = Key::from_pem(&sec1.to_public_pem().unwrap()).unwrap();
    signs_for(&sec1, Algorithm::ES256, &[&public]);
}

#[test]
fn ec_p384_in_every_format() {
    let pkcs8 = Key::from_pem(fixture!("ecp384.pkcs8.pem")).unwrap();
    let pkcs8_der = Key::from_der(fixture_bytes!("ecp384.pkcs8.der")).unwrap();
    let spki = Key::from_pem(fixture!("ecp384.spki.pem")).unwrap();
    same_key(&[&pkcs8, &pkcs8_der, &spki]);
    assert_eq!(pkcs8.family(), KeyFamily::EcP384);
    signs_for(&pkcs8, Algorithm::ES384, &[&spki]);
    let sec1 = Key::from_pem(fixture!("ecp384.sec1.pem")).unwrap();
    assert_eq!(sec1.family(), KeyFamily::EcP384);
    assert!(sec1.is_private());
}

#[test]
fn unsupported_ec_keys_are_refused() {
    let message = invalid_key(Key::from_pem(fixture!("ecp256.compressed.spki.pem")));
    assert!(message.contains("compressed"), "{message}");
    let message = invalid_key(Key::from_pem(fixture!("ecp256.explicit.sec1.pem")));
    assert!(message.contains("explicit"), "{message}");
}

#[test]
fn ed25519_pkcs8_v1_v2_and_spki() {
    let v1 = Key::from_pem(fixture!("ed25519.pkcs8.pem")).unwrap();
    let spki = Key::from_pem(fixture!("ed25519.spki.pem")).unwrap();
    same_key(&[&v1, &spki]);
    assert_eq!(v1.family(), KeyFamily::Ed25519);
    signs_for(&v1, Algorithm::EdDSA, &[&spki]);

    // Our export is PKCS#8 v2 (with the public key), which loads back.
    let v2_pem = v1.to_pkcs8_pem().unwrap();
    let v2 = Key::from_pem(&v2_pem).unwrap();
    same_key(&[&v1, &v2]);
    signs_for(&v2, Algorithm::EdDSA, &[&spki]);
}

#[test]
fn ed25519_pkcs8_v2_public_key_is_checked() {
    // RFC 8037 A.1's key as PKCS#8 v2, built by hand, with both tagging styles of publicKey.
    let seed = b64_decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
    let public = b64_decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    let v2 = |public: &[u8], legacy: bool| {
        let mut der = vec![
            0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
        ];
        der.extend_from_slice(&seed);
        if legacy {
            der.extend_from_slice(&[0xa1, 0x23, 0x03, 0x21, 0x00]);
        } else {
            der.extend_from_slice(&[0x81, 0x21, 0x00]);
        }
        der.extend_from_slice(public);
        let mut out = vec![0x30, u8::try_from(der.len()).unwrap()];
        out.extend(der);
        out
    };
    for legacy in [false, true] {
        let key = Key::from_der(&v2(&public, legacy)).unwrap();
        assert_eq!(
            key.thumbprint(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
        let mut wrong = public.clone();
        wrong[0] ^= 1;
        let message = invalid_key(Key::from_der(&v2(&wrong, legacy)));
        assert!(message.contains("does not match"), "{message}");
    }
}

#[test]
fn other_key_types_and_encrypted_keys_are_refused() {
    for (pem, expected) in [
        (fixture!("ed448.pkcs8.pem"), "Ed448"),
        (fixture!("x25519.pkcs8.pem"), "key agreement"),
        (fixture!("ecp256.encrypted.pem"), "encrypted"),
        (
            "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n",
            "not a supported key type",
        ),
        ("not a key", "no PEM block"),
    ] {
        let message = invalid_key(Key::from_pem(pem));
        assert!(message.contains(expected), "{message}");
    }
    let both = format!(
        "{}{}",
        fixture!("ecp256.pkcs8.pem"),
        fixture!("ecp256.cert.pem")
    );
    let message = invalid_key(Key::from_pem(&both));
    assert!(message.contains("exactly one"), "{message}");
}

/// Every truncation and many single-byte corruptions of real DER either load or fail with
/// `InvalidKey`; none may panic.
#[test]
fn corrupted_der_never_panics() {
    let inputs: [&[u8]; 4] = [
        fixture_bytes!("rsa2048.pkcs8.der"),
        fixture_bytes!("rsa2048.spki.der"),
        fixture_bytes!("ecp256.pkcs8.der"),
        fixture_bytes!("ecp256.cert.der"),
    ];
    for input in inputs {
        for len in 0..input.len() {
            assert!(Key::from_der(&input[..len]).is_err());
        }
        for position in (0..input.len()).step_by(7) {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut corrupted = input.to_vec();
                corrupted[position] ^= flip;
                if let Err(error) = Key::from_der(&corrupted) {
                    assert_eq!(error.kind(), ErrorKind::InvalidKey);
                }
                let _ = Key::from_secret(&corrupted);
            }
        }
        let mut extended = input.to_vec();
        extended.push(0);
        assert!(Key::from_der(&extended).is_err(), "trailing data accepted");
    }
}

#[test]
fn exports_match_openssl() {
    for (private, public) in [
        (fixture!("rsa2048.pkcs8.pem"), fixture!("rsa2048.spki.pem")),
        (fixture!("ecp256.pkcs8.pem"), fixture!("ecp256.spki.pem")),
        (fixture!("ecp384.pkcs8.pem"), fixture!("ecp384.spki.pem")),
        (fixture!("ed25519.pkcs8.pem"), fixture!("ed25519.spki.pem")),
    ] {
        let key = Key::from_pem(private).unwrap();
        assert_eq!(key.to_public_pem().unwrap(), public);
        assert_eq!(
            Key::from_pem(public).unwrap().to_public_pem().unwrap(),
            public
        );
    }
    // OpenSSL writes RSA PKCS#8 exactly as we do.
    let rsa = fixture!("rsa2048.pkcs8.pem");
    assert_eq!(
        Key::from_pem(rsa).unwrap().to_pkcs8_pem().unwrap().as_str(),
        rsa
    );
    // A public key has no private export.
    let public = Key::from_pem(fixture!("rsa2048.spki.pem")).unwrap();
    assert_eq!(
        public.to_pkcs8_pem().unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        public.to_private_jwk().unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
}

#[test]
fn private_exports_round_trip() {
    for (pem, alg) in [
        (fixture!("rsa2048.pkcs1.pem"), Algorithm::PS384),
        (fixture!("ecp256.sec1.pem"), Algorithm::ES256),
        (fixture!("ecp384.pkcs8.pem"), Algorithm::ES384),
        (fixture!("ed25519.pkcs8.pem"), Algorithm::EdDSA),
    ] {
        let key = Key::from_pem(pem).unwrap();
        let from_pkcs8 = Key::from_pem(&key.to_pkcs8_pem().unwrap()).unwrap();
        let from_jwk =
            Key::from_jwk_value(&Value::Object(key.to_private_jwk().unwrap().into_map())).unwrap();
        let public = Key::from_jwk_value(&Value::Object(key.to_public_jwk().unwrap())).unwrap();
        same_key(&[&key, &from_pkcs8, &from_jwk, &public]);
        signs_for(&from_pkcs8, alg, &[&public]);
        signs_for(&from_jwk, alg, &[&public]);
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn b64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

#[test]
fn thumbprints_of_the_rfc_examples() {
    // RFC 7638 §3.1.
    let rsa = Key::from_jwk(&format!(
        r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","alg":"RS256","kid":"2011-04-29"}}"#
    ))
    .unwrap();
    assert_eq!(
        rsa.thumbprint(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
    assert_eq!(rsa.key_id(), Some("2011-04-29"));
    assert_eq!(rsa.algorithm(), Some(Algorithm::RS256));

    // RFC 8037 A.2 and A.3: the public key and its thumbprint.
    let public = Key::from_jwk(
        r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
    )
    .unwrap();
    assert_eq!(
        public.thumbprint(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
}

#[test]
fn rfc8037_ed25519_signature() {
    // RFC 8037 A.4: Ed25519 is deterministic, so the signature is fixed.
    let private = Key::from_jwk(
        r#"{"kty":"OKP","crv":"Ed25519",
            "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
            "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
    )
    .unwrap();
    let input = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    let signature = private.sign(Algorithm::EdDSA, input).unwrap();
    assert_eq!(
        b64(&signature),
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
    );
}

#[test]
fn thumbprints_use_only_required_members_in_order() {
    let key = Key::from_pem(fixture!("ecp256.spki.pem")).unwrap();
    let jwk = key.to_public_jwk().unwrap();
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        jwk["x"].as_str().unwrap(),
        jwk["y"].as_str().unwrap()
    );
    let digest = ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes());
    assert_eq!(key.thumbprint(), b64(digest.as_ref()));
    // kid and alg do not change it.
    let bound = key
        .with_key_id("k1")
        .with_algorithm(Algorithm::ES256)
        .unwrap();
    assert_eq!(bound.thumbprint(), b64(digest.as_ref()));
}

#[test]
fn hmac_jwk_export_and_thumbprint() {
    let secret = [0x5au8; 40];
    let key = Key::from_secret(&secret).unwrap().with_key_id("shared");
    // No public form: an HMAC secret is never published by mistake.
    assert_eq!(
        key.to_public_jwk().unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        key.to_public_pem().unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        key.to_pkcs8_pem().unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
    let jwk = key.to_private_jwk().unwrap();
    assert_eq!(jwk["kty"], "oct");
    assert_eq!(jwk["k"], b64(&secret));
    assert_eq!(jwk["kid"], "shared");
    let canonical = format!(r#"{{"k":"{}","kty":"oct"}}"#, b64(&secret));
    let digest = ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes());
    assert_eq!(key.thumbprint(), b64(digest.as_ref()));
    let reloaded = Key::from_jwk_value(&Value::Object(jwk.into_map())).unwrap();
    assert_eq!(reloaded.thumbprint(), key.thumbprint());
}

#[test]
fn jwk_members_are_strict() {
    let good = Key::from_pem(fixture!("ecp256.spki.pem"))
        .unwrap()
        .to_public_jwk()
        .unwrap();
    let x = good["x"].as_str().unwrap().to_owned();
    let with = |name: &str, value: Value| {
        let mut jwk = good.clone();
        jwk.insert(name.into(), value);
        Key::from_jwk_value(&Value::Object(jwk))
    };
    assert!(with("kid", json!("fine")).is_ok());
    for (name, value) in [
        ("x", json!(format!("{x}="))),                       // padding
        ("x", json!(x.replace('-', "+").replace('_', "/"))), // standard alphabet
        ("x", json!(format!(" {x}"))),                       // whitespace
        ("x", json!(&x[..42])),                              // short coordinate
        ("x", json!(b64(&[0u8; 33]))),                       // long coordinate
        ("x", json!(42)),                                    // not a string
        ("y", json!(b64(&[1u8; 32]))),                       // not on the curve
        ("kid", json!(7)),
        ("alg", json!("RS256")), // another family
        ("key_ops", json!("verify")),
        ("key_ops", json!(["verify", "verify"])),
    ] {
        invalid_key(with(name, value.clone()));
    }
    // Non-canonical trailing bits: 32 bytes end in 4 spare bits, which must be zero.
    let mut last = x.clone().into_bytes();
    let position = B64_ALPHABET
        .iter()
        .position(|&c| c == *last.last().unwrap())
        .unwrap();
    assert_eq!(position % 4, 0);
    *last.last_mut().unwrap() = B64_ALPHABET[position + 1];
    invalid_key(with("x", json!(String::from_utf8(last).unwrap())));

    let mut no_y = good.clone();
    no_y.remove("y");
    invalid_key(Key::from_jwk_value(&Value::Object(no_y)));
    invalid_key(Key::from_jwk("[]"));
    invalid_key(Key::from_jwk("{"));
    invalid_key(Key::from_jwk(r#"{"crv":"P-256"}"#));
}

const B64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#[test]
fn jwk_alg_use_and_key_ops_restrict_the_key() {
    let private = Key::from_pem(fixture!("rsa2048.pkcs8.pem")).unwrap();
    let mut jwk = private.to_private_jwk().unwrap();
    jwk.insert("alg".into(), json!("PS256"));
    let bound = Key::from_jwk_value(&Value::Object(jwk.clone().into_map())).unwrap();
    assert_eq!(bound.algorithm(), Some(Algorithm::PS256));
    assert!(bound.accepts(Algorithm::PS256));
    assert!(!bound.accepts(Algorithm::RS256));
    let refused = bound.sign(Algorithm::RS256, b"x").unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::AlgorithmNotAllowed);
    let signature = bound.sign(Algorithm::PS256, b"x").unwrap();
    assert_eq!(
        bound
            .verify(Algorithm::PS512, b"x", &signature)
            .unwrap_err()
            .kind(),
        ErrorKind::AlgorithmNotAllowed
    );

    jwk.insert("key_ops".into(), json!(["sign"]));
    let sign_only = Key::from_jwk_value(&Value::Object(jwk.clone().into_map())).unwrap();
    let signature = sign_only.sign(Algorithm::PS256, b"x").unwrap();
    assert!(!sign_only.accepts(Algorithm::PS256));
    assert_eq!(
        sign_only
            .verify(Algorithm::PS256, b"x", &signature)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        sign_only.to_private_jwk().unwrap()["key_ops"],
        json!(["sign"])
    );

    jwk.insert("key_ops".into(), json!(["verify"]));
    let verify_only = Key::from_jwk_value(&Value::Object(jwk.clone().into_map())).unwrap();
    verify_only
        .verify(Algorithm::PS256, b"x", &signature)
        .unwrap();
    assert_eq!(
        verify_only.sign(Algorithm::PS256, b"x").unwrap_err().kind(),
        ErrorKind::InvalidKey
    );

    let public = private.to_public_jwk().unwrap();
    for (name, value, expected) in [
        ("use", json!("enc"), "not for signatures"),
        ("use", json!("sig"), ""),
        ("alg", json!("RSA-OAEP"), "not a JWS algorithm"),
        ("alg", json!("none"), "not a JWS algorithm"),
        ("alg", json!("HS256"), "does not fit"),
        ("key_ops", json!(["sign"]), "verify"),
        ("key_ops", json!(["encrypt"]), "neither"),
        ("key_ops", json!(["verify", "encrypt"]), ""),
    ] {
        let mut jwk = public.clone();
        jwk.insert(name.into(), value);
        let result = Key::from_jwk_value(&Value::Object(jwk));
        if expected.is_empty() {
            result.unwrap();
        } else {
            let message = invalid_key(result);
            assert!(message.contains(expected), "{name}: {message}");
        }
    }
}

#[test]
fn rsa_jwk_private_members_must_be_complete() {
    let private = Key::from_pem(fixture!("rsa2048.pkcs8.pem"))
        .unwrap()
        .to_private_jwk()
        .unwrap();
    let mut d_only = private.clone();
    for name in ["p", "q", "dp", "dq", "qi"] {
        d_only.remove(name);
    }
    let message = invalid_key(Key::from_jwk_value(&Value::from(d_only)));
    assert!(message.contains("d alone"), "{message}");
    let mut no_d = private.clone();
    no_d.remove("d");
    invalid_key(Key::from_jwk_value(&Value::from(no_d)));
    let mut multi_prime = private.clone();
    multi_prime.insert("oth".into(), json!([]));
    let message = invalid_key(Key::from_jwk_value(&Value::from(multi_prime)));
    assert!(message.contains("multi-prime"), "{message}");
    let mut wrong_q = private.clone();
    wrong_q.insert("q".into(), private["p"].clone());
    invalid_key(Key::from_jwk_value(&Value::from(wrong_q)));
}

#[test]
fn ec_and_okp_private_jwks_must_match_their_public_keys() {
    let a = Key::generate(Algorithm::ES256)
        .unwrap()
        .to_private_jwk()
        .unwrap();
    let b = Key::generate(Algorithm::ES256)
        .unwrap()
        .to_private_jwk()
        .unwrap();
    let mut mixed = a.clone();
    mixed.insert("d".into(), b["d"].clone());
    invalid_key(Key::from_jwk_value(&Value::from(mixed)));

    let a = Key::generate(Algorithm::EdDSA)
        .unwrap()
        .to_private_jwk()
        .unwrap();
    let b = Key::generate(Algorithm::EdDSA)
        .unwrap()
        .to_private_jwk()
        .unwrap();
    let mut mixed = a.clone();
    mixed.insert("d".into(), b["d"].clone());
    invalid_key(Key::from_jwk_value(&Value::from(mixed)));
}

#[test]
fn unsupported_jwk_types_are_refused() {
    for (jwk, expected) in [
        (r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#, "\"x\""),
        (r#"{"kty":"EC","crv":"P-256K","x":"AA","y":"AA"}"#, "P-256K"),
        (r#"{"kty":"OKP","crv":"X25519","x":"AA"}"#, "X25519"),
        (r#"{"kty":"OKP","crv":"Ed448","x":"AA"}"#, "Ed448"),
        (r#"{"kty":"AKP","alg":"ML-DSA-44","pub":"AA"}"#, "AKP"),
        (r#"{"kty":"oct","k":""}"#, "empty"),
        (r#"{"kty":"oct","k":"c2hvcnQ"}"#, "at least 32 bytes"),
    ] {
        let message = invalid_key(Key::from_jwk(jwk));
        assert!(message.contains(expected), "{jwk}: {message}");
    }
}

#[test]
fn key_generation() {
    for (alg, len) in [
        (Algorithm::HS256, 32),
        (Algorithm::HS384, 48),
        (Algorithm::HS512, 64),
    ] {
        let key = Key::generate(alg).unwrap();
        let k = b64_decode(key.to_private_jwk().unwrap()["k"].as_str().unwrap());
        assert_eq!(k.len(), len);
        let signature = key.sign(alg, b"x").unwrap();
        key.verify(alg, b"x", &signature).unwrap();
    }
    for bytes in [0, 31, 1025] {
        let err = Key::generate(KeySpec::Hmac { bytes }).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidKey, "{bytes}: {err}");
    }
    let long = Key::generate(KeySpec::Hmac { bytes: 100 }).unwrap();
    assert_eq!(
        b64_decode(long.to_private_jwk().unwrap()["k"].as_str().unwrap()).len(),
        100
    );

    for alg in [Algorithm::ES256, Algorithm::ES384] {
        let key = Key::generate(alg).unwrap();
        assert_eq!(key.family(), alg.family());
        let public = Key::from_pem(&key.to_public_pem().unwrap()).unwrap();
        signs_for(&key, alg, &[&public]);
        let reloaded = Key::from_pem(&key.to_pkcs8_pem().unwrap()).unwrap();
        same_key(&[&key, &reloaded]);
        assert_ne!(Key::generate(alg).unwrap().thumbprint(), key.thumbprint());
    }

    let ed = Key::generate(Algorithm::EdDSA).unwrap();
    let public = Key::from_pem(&ed.to_public_pem().unwrap()).unwrap();
    signs_for(&ed, Algorithm::EdDSA, &[&public]);
    assert_ne!(
        Key::generate(Algorithm::EdDSA).unwrap().thumbprint(),
        ed.thumbprint()
    );
}

#[test]
fn debug_never_shows_secret_material() {
    let secret = b"correct horse battery staple, correct horse";
    let hmac = Key::from_secret(secret).unwrap();
    let ec = Key::generate(Algorithm::ES256).unwrap();
    let ed = Key::generate(Algorithm::EdDSA).unwrap();
    let rsa = Key::from_pem(fixture!("rsa2048.pkcs1.pem")).unwrap();
    for key in [&hmac, &ec, &ed, &rsa] {
        let debug = format!("{key:?} {key:#?}");
        let jwk = key.to_private_jwk().unwrap();
        for name in ["k", "d", "p", "q", "dp", "dq", "qi"] {
            if let Some(value) = jwk.get(name) {
                assert!(
                    !debug.contains(value.as_str().unwrap()),
                    "{name} in {debug}"
                );
            }
        }
        assert!(!debug.contains("correct horse"), "{debug}");
        assert!(debug.contains("family"), "{debug}");
    }
}

#[test]
fn keys_are_send_sync_and_shareable() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Key>();
    assert_send_sync::<jwt_crypto::JwkSet>();

    let key = std::sync::Arc::new(Key::generate(Algorithm::ES256).unwrap());
    let signature = key.sign(Algorithm::ES256, b"shared").unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let key = key.clone();
            let signature = signature.clone();
            std::thread::spawn(move || key.verify(Algorithm::ES256, b"shared", &signature))
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
}

#[test]
fn public_keys_in_disguise_are_never_hmac_secrets() {
    let pem = include_str!("data/rsa2048.spki.pem");
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let disguises = [
        format!("\u{feff}{pem}"),
        format!("Public-Key: (2048 bit)\nModulus: ...\n{pem}"),
        "from=\"10.0.0.0/8\",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host".to_owned(),
        body,
    ];
    for disguise in &disguises {
        for load in [Key::from_secret, Key::dangerous_from_short_secret] {
            let err = load(disguise.as_bytes()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidKey, "{disguise:.40}");
        }
    }
}

#[test]
fn a_jwk_bound_algorithm_cannot_be_rebound() {
    let jwk = r#"{"kty":"oct","alg":"HS256","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-Pw"}"#;
    let key = Key::from_jwk(jwk).unwrap();
    assert_eq!(
        key.with_algorithm(Algorithm::HS512).unwrap_err().kind(),
        ErrorKind::AlgorithmNotAllowed
    );
    assert!(
        Key::from_jwk(jwk)
            .unwrap()
            .with_algorithm(Algorithm::HS256)
            .is_ok()
    );
}

/// An OpenSSH line for an Ed25519 public key, in the SSH wire encoding (RFC 8709 §4):
/// ssh-keygen cannot read the PKCS#8 fixture, so the test writes the line itself.
fn ed25519_openssh_line(public: &[u8]) -> String {
    use base64::Engine;
    let mut blob = Vec::new();
    for field in [b"ssh-ed25519".as_slice(), public] {
        blob.extend_from_slice(&u32::try_from(field.len()).unwrap().to_be_bytes());
        blob.extend_from_slice(field);
    }
    let body = base64::engine::general_purpose::STANDARD.encode(blob);
    format!("ssh-ed25519\t{body} user@host\n")
}

#[test]
fn openssh_public_keys_load_as_their_pem_twins() {
    let signer = Key::from_pem(fixture!("ecp256.pkcs8.pem")).unwrap();
    let line = Key::from_openssh(fixture!("ecp256.pub")).unwrap();
    same_key(&[&line, &Key::from_pem(fixture!("ecp256.spki.pem")).unwrap()]);
    signs_for(&signer, Algorithm::ES256, &[&line]);
    same_key(&[
        &Key::from_openssh(fixture!("ecp384.pub")).unwrap(),
        &Key::from_pem(fixture!("ecp384.spki.pem")).unwrap(),
    ]);
    let rsa = Key::from_openssh(fixture!("rsa2048.pub")).unwrap();
    same_key(&[&rsa, &Key::from_pem(fixture!("rsa2048.spki.pem")).unwrap()]);
    signs_for(
        &Key::from_pem(fixture!("rsa2048.pkcs8.pem")).unwrap(),
        Algorithm::PS256,
        &[&rsa],
    );
    let ed = Key::from_pem(fixture!("ed25519.spki.pem")).unwrap();
    let x = ed.to_public_jwk().unwrap()["x"]
        .as_str()
        .unwrap()
        .to_owned();
    let public =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, x).unwrap();
    same_key(&[
        &Key::from_openssh(&ed25519_openssh_line(&public)).unwrap(),
        &ed,
    ]);
    // The same text is never an HMAC secret.
    for text in [fixture!("ecp256.pub"), &ed25519_openssh_line(&public)] {
        invalid_key(Key::from_secret(text.as_bytes()));
    }
}

#[test]
fn openssh_lines_the_other_loaders_would_refuse_are_refused() {
    let message = invalid_key(Key::from_openssh(fixture!("rsa1024.pub")));
    assert!(message.contains("1024 bits"), "{message}");
    let message = invalid_key(Key::from_openssh(fixture!("ed25519-cert.pub")));
    assert!(message.contains("certificate"), "{message}");
    // The blob names another type than the line.
    let rsa = fixture!("rsa2048.pub");
    let message = invalid_key(Key::from_openssh(&rsa.replacen(
        "ssh-rsa",
        "ssh-ed25519",
        1,
    )));
    assert!(message.contains("differs"), "{message}");
    // Truncated, trailing bytes, not base64, not a line at all, a type we lack.
    let body = rsa.split_whitespace().nth(1).unwrap();
    invalid_key(Key::from_openssh(&format!(
        "ssh-rsa {}",
        &body[..body.len() - 8]
    )));
    invalid_key(Key::from_openssh(&format!("ssh-rsa {body}AAAA")));
    invalid_key(Key::from_openssh("ssh-rsa not*base64"));
    invalid_key(Key::from_openssh("ssh-rsa"));
    invalid_key(Key::from_openssh(""));
    let message = invalid_key(Key::from_openssh("ssh-dss AAAAB3NzaC1kc3MAAACBAP1"));
    assert!(message.contains("not supported"), "{message}");
    // The small-order Ed25519 key the JWK loader refuses is refused here too.
    invalid_key(Key::from_openssh(&ed25519_openssh_line(&[0; 32])));
}

#[test]
fn base64_secrets_load_strictly_in_either_alphabet() {
    let secret: Vec<u8> = (0u8..48).map(|b| b.wrapping_mul(37) ^ 0x5a).collect();
    let direct = Key::from_secret(&secret).unwrap();
    for text in [
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &secret),
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &secret),
        format!(
            " {}\n",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &secret)
        ),
    ] {
        same_key(&[&direct, &Key::from_base64_secret(&text).unwrap()]);
    }
    invalid_key(Key::from_base64_secret("not base64!"));
    invalid_key(Key::from_base64_secret("c2hvcnQ")); // "short": too short once decoded
    // A clone shares the parsed key but keeps its own kid.
    let named = direct.clone().with_key_id("k1");
    assert_eq!((direct.key_id(), named.key_id()), (None, Some("k1")));
    same_key(&[&direct, &named]);
}
