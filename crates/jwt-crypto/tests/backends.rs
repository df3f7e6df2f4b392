//! What differs between the backends: ES512, ES256K and RSA key generation exist on aws-lc-rs
//! and are refused as `Unsupported`, naming the feature, on ring. Everything else is the same
//! on both and tested elsewhere.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jwt_crypto::{
    Algorithm, ErrorKind, Header, JwkSet, Key, KeySpec, Validation, decode_json, encode,
    supported_algorithms,
};
use serde_json::json;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("data/", $name))
    };
}

/// The P-521 and secp256k1 fixtures, private and public, with their algorithm.
fn new_curve_fixtures() -> [(Algorithm, &'static str, &'static str); 2] {
    [
        (
            Algorithm::ES512,
            fixture!("ecp521.pkcs8.pem"),
            fixture!("ecp521.spki.pem"),
        ),
        (
            Algorithm::ES256K,
            fixture!("secp256k1.pkcs8.pem"),
            fixture!("secp256k1.spki.pem"),
        ),
    ]
}

#[cfg(feature = "aws-lc-rs")]
mod aws_lc {
    use super::*;
    use jwt_crypto::{KeyFamily, Signer, Verifier};

    #[test]
    fn every_algorithm_is_supported() {
        assert_eq!(supported_algorithms(), Algorithm::ALL);
    }

    #[test]
    fn es512_and_es256k_sign_verify_and_round_trip_every_format() {
        for (alg, private_pem, public_pem) in new_curve_fixtures() {
            let private = Key::from_pem(private_pem).unwrap();
            let public = Key::from_pem(public_pem).unwrap();
            assert_eq!(private.family(), alg.family());
            let signature = private.sign(alg, b"input").unwrap();
            let field = if alg == Algorithm::ES512 { 66 } else { 32 };
            assert_eq!(signature.len(), 2 * field, "{alg}: fixed-width r || s");
            public.verify(alg, b"input", &signature).unwrap();
            assert_eq!(
                public.verify(alg, b"other", &signature).unwrap_err().kind(),
                ErrorKind::InvalidSignature
            );

            // JWK, PEM and DER out and back in: the same key, the same thumbprint.
            let jwk = public.to_public_jwk().unwrap();
            assert_eq!(jwk["use"], "sig");
            let crv = if alg == Algorithm::ES512 {
                "P-521"
            } else {
                "secp256k1"
            };
            assert_eq!(jwk["crv"], crv);
            let from_jwk = Key::from_jwk_value(&jwk.into()).unwrap();
            let from_private_jwk =
                Key::from_jwk_value(&private.to_private_jwk().unwrap().into()).unwrap();
            let from_pkcs8 = Key::from_pem(&private.to_pkcs8_pem().unwrap()).unwrap();
            let from_spki = Key::from_pem(&private.to_public_pem().unwrap()).unwrap();
            for key in [&from_jwk, &from_private_jwk, &from_pkcs8, &from_spki] {
                assert_eq!(key.thumbprint(), public.thumbprint(), "{alg}");
                key.verify(alg, b"input", &signature).unwrap();
            }
            from_pkcs8.sign(alg, b"input").unwrap();

            if alg == Algorithm::ES512 {
                let line = Key::from_openssh(fixture!("ecp521.pub")).unwrap();
                assert_eq!(line.thumbprint(), public.thumbprint());
            }

            // The curve fixes the algorithm, and no other EC algorithm is accepted.
            assert_eq!(Header::for_key(&private).unwrap().alg, alg);
            for other in [
                Algorithm::ES256,
                Algorithm::ES384,
                Algorithm::ES512,
                Algorithm::ES256K,
            ] {
                if other != alg {
                    assert!(!public.accepts(other), "{alg} key accepts {other}");
                }
            }
        }
    }

    #[test]
    fn generated_keys_of_every_new_kind_work_end_to_end() {
        for spec in [
            KeySpec::EcP521,
            KeySpec::EcSecp256k1,
            KeySpec::Rsa { bits: 2048 },
            KeySpec::Rsa { bits: 3072 },
            KeySpec::Rsa { bits: 4096 },
        ] {
            let key = Key::generate(spec).unwrap().with_key_id("k");
            let alg = match key.family() {
                KeyFamily::Rsa => Algorithm::PS256,
                _ => Header::for_key(&key).unwrap().alg,
            };
            let token = encode(
                &Header::new(alg),
                &json!({"sub": "u", "exp": 4_000_000_000i64}),
                &key,
            )
            .unwrap();
            let set = JwkSet::from_value(&json!({"keys": [key.to_public_jwk().unwrap()]})).unwrap();
            let verified = decode_json(&token, &set, &Validation::new([alg])).unwrap();
            assert_eq!(verified.claims["sub"], "u", "{spec:?}");
        }
        let rsa = Key::generate(Algorithm::RS256).unwrap();
        assert!(format!("{rsa:?}").contains("2048 bits"), "{rsa:?}");
        let err = Key::generate(KeySpec::Rsa { bits: 1024 }).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidKey, "{err}");
    }
}

#[cfg(feature = "ring")]
mod ring {
    use super::*;

    #[test]
    fn es512_and_es256k_are_not_supported() {
        let supported = supported_algorithms();
        assert!(!supported.contains(&Algorithm::ES512));
        assert!(!supported.contains(&Algorithm::ES256K));
        assert_eq!(supported.len(), Algorithm::ALL.len() - 2);
    }

    /// Every way to get a P-521 or secp256k1 key, or an RSA key generated, says `Unsupported`
    /// and names the feature to enable.
    #[test]
    fn what_ring_lacks_is_unsupported_and_names_the_feature() {
        let mut attempts = Vec::new();
        for (_, private_pem, public_pem) in new_curve_fixtures() {
            attempts.push(Key::from_pem(private_pem));
            attempts.push(Key::from_pem(public_pem));
        }
        attempts.push(Key::from_openssh(fixture!("ecp521.pub")));
        attempts.push(Key::generate(KeySpec::EcP521));
        attempts.push(Key::generate(Algorithm::ES256K));
        attempts.push(Key::generate(KeySpec::Rsa { bits: 2048 }));
        for attempt in attempts {
            let err = attempt.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
            assert!(err.to_string().contains("aws-lc-rs"), "{err}");
        }
    }

    /// A JWK set skips such a key (with the reason) and keeps the others usable.
    #[test]
    fn a_set_skips_keys_on_curves_ring_lacks() {
        let es256 = Key::generate(Algorithm::ES256).unwrap().with_key_id("p256");
        let set = JwkSet::from_value(&json!({"keys": [
            {"kty": "EC", "crv": "P-521", "kid": "p521",
             "x": "AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
             "y": "AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1"},
            es256.to_public_jwk().unwrap(),
        ]}))
        .unwrap();
        assert_eq!(set.skipped().len(), 1);
        assert!(
            set.skipped()[0].reason.contains("aws-lc-rs"),
            "{:?}",
            set.skipped()
        );
        let token = encode(
            &Header::for_key(&es256).unwrap(),
            &json!({"exp": 4_000_000_000i64}),
            &es256,
        )
        .unwrap();
        decode_json(&token, &set, &Validation::new([Algorithm::ES256])).unwrap();
    }
}
