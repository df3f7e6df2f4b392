//! Signing and verifying with every algorithm, and the refusals that keep a key to its family.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jwt_crypto::{Algorithm, ErrorKind, Key, KeyFamily, KeySource, Signer, Verifier};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("data/", $name))
    };
}

const INPUT: &[u8] = b"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0";

/// A private and a public key for every family.
fn key_pairs() -> Vec<(Key, Key)> {
    let hmac = Key::generate(Algorithm::HS512).unwrap();
    let hmac_copy = Key::from_jwk_value(&hmac.to_private_jwk().unwrap().into()).unwrap();
    let mut pairs = vec![
        (hmac, hmac_copy),
        (
            Key::from_pem(fixture!("rsa2048.pkcs8.pem")).unwrap(),
            Key::from_pem(fixture!("rsa2048.spki.pem")).unwrap(),
        ),
        (
            Key::from_pem(fixture!("ecp256.pkcs8.pem")).unwrap(),
            Key::from_pem(fixture!("ecp256.spki.pem")).unwrap(),
        ),
        (
            Key::from_pem(fixture!("ecp384.pkcs8.pem")).unwrap(),
            Key::from_pem(fixture!("ecp384.spki.pem")).unwrap(),
        ),
        (
            Key::from_pem(fixture!("ed25519.pkcs8.pem")).unwrap(),
            Key::from_pem(fixture!("ed25519.spki.pem")).unwrap(),
        ),
    ];
    // P-521 and secp256k1 where the backend has them (aws-lc-rs).
    for (alg, private, public) in [
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
    ] {
        if jwt_crypto::supported_algorithms().contains(&alg) {
            pairs.push((
                Key::from_pem(private).unwrap(),
                Key::from_pem(public).unwrap(),
            ));
        }
    }
    pairs
}

fn signature_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::HS256 => 32,
        Algorithm::HS384 => 48,
        Algorithm::HS512 => 64,
        Algorithm::ES256 | Algorithm::ES256K | Algorithm::EdDSA => 64,
        Algorithm::ES384 => 96,
        Algorithm::ES512 => 132,
        _ => 256, // RSA 2048
    }
}

#[test]
fn every_algorithm_round_trips() {
    let pairs = key_pairs();
    let mut covered = 0;
    for &alg in jwt_crypto::supported_algorithms() {
        let (private, public) = pairs
            .iter()
            .find(|(key, _)| key.family() == alg.family())
            .unwrap();
        let signature = private.sign(alg, INPUT).unwrap();
        assert_eq!(signature.len(), signature_len(alg), "{alg}");
        public.verify(alg, INPUT, &signature).unwrap();
        private.verify(alg, INPUT, &signature).unwrap(); // a private key verifies with its public half

        let mut tampered_input = INPUT.to_vec();
        tampered_input[3] ^= 1;
        let error = public.verify(alg, &tampered_input, &signature).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidSignature, "{alg}");
        for position in [0, signature.len() / 2, signature.len() - 1] {
            let mut tampered = signature.clone();
            tampered[position] ^= 0x10;
            let error = public.verify(alg, INPUT, &tampered).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidSignature, "{alg}");
        }
        for wrong_len in [
            &signature[..signature.len() - 1],
            &[],
            &[signature.clone(), vec![0]].concat()[..],
        ] {
            let error = public.verify(alg, INPUT, wrong_len).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidSignature, "{alg}");
        }
        // Another signature by the same algorithm over other input does not verify this one.
        let other = private.sign(alg, b"other").unwrap();
        assert!(public.verify(alg, INPUT, &other).is_err());
        covered += 1;
    }
    assert_eq!(covered, jwt_crypto::supported_algorithms().len());
    assert!(covered >= 12);
}

#[test]
fn randomised_algorithms_differ_each_time_deterministic_ones_do_not() {
    let pairs = key_pairs();
    for &alg in jwt_crypto::supported_algorithms() {
        let (private, _) = pairs
            .iter()
            .find(|(key, _)| key.family() == alg.family())
            .unwrap();
        let (a, b) = (
            private.sign(alg, INPUT).unwrap(),
            private.sign(alg, INPUT).unwrap(),
        );
        let randomised = matches!(
            alg,
            Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512
                | Algorithm::ES256
                | Algorithm::ES384
                | Algorithm::ES512
                | Algorithm::ES256K
        );
        assert_eq!(a != b, randomised, "{alg}");
    }
}

#[test]
fn a_key_never_handles_another_family() {
    for (private, public) in key_pairs() {
        for alg in Algorithm::ALL
            .iter()
            .copied()
            .filter(|alg| alg.family() != private.family())
        {
            for key in [&private, &public] {
                assert!(!key.accepts(alg), "{key:?} accepts {alg}");
                let error = key.sign(alg, INPUT).unwrap_err();
                assert_eq!(
                    error.kind(),
                    ErrorKind::AlgorithmNotAllowed,
                    "{alg}: {error}"
                );
                let error = key.verify(alg, INPUT, &[0; 64]).unwrap_err();
                assert_eq!(
                    error.kind(),
                    ErrorKind::AlgorithmNotAllowed,
                    "{alg}: {error}"
                );
                let error = key.select(alg, None).err().unwrap();
                assert_eq!(
                    error.kind(),
                    ErrorKind::AlgorithmNotAllowed,
                    "{alg}: {error}"
                );
            }
        }
    }
}

#[test]
fn single_key_source_selects_itself() {
    let key = Key::from_pem(fixture!("ecp256.spki.pem"))
        .unwrap()
        .with_key_id("a");
    let selected = key.select(Algorithm::ES256, Some("another kid")).unwrap();
    assert_eq!(selected.family(), KeyFamily::EcP256);
}

#[test]
fn public_keys_cannot_sign() {
    for (_, public) in key_pairs().into_iter().skip(1) {
        let alg = Algorithm::ALL
            .iter()
            .copied()
            .find(|alg| alg.family() == public.family())
            .unwrap();
        let error = public.sign(alg, INPUT).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidKey, "{error}");
    }
}

/// The HS256/RS256 confusion attack: sign with HMAC using the server's public key as the
/// secret. The public key cannot become a secret, and the RSA key never verifies HS256.
#[test]
fn a_public_key_is_never_an_hmac_secret() {
    let spki_pem = fixture!("rsa2048.spki.pem");
    let public = Key::from_pem(spki_pem).unwrap();
    let jwk = serde_json::to_string(&public.to_public_jwk().unwrap()).unwrap();
    let mut candidates: Vec<Vec<u8>> = vec![
        spki_pem.as_bytes().to_vec(),
        format!("\n  {spki_pem}").into_bytes(),
        fixture!("rsa2048.pkcs1pub.pem").as_bytes().to_vec(),
        fixture!("rsa2048.cert.pem").as_bytes().to_vec(),
        fixture!("ecp256.pkcs8.pem").as_bytes().to_vec(),
        include_bytes!("data/rsa2048.spki.der").to_vec(),
        include_bytes!("data/rsa2048.pkcs8.der").to_vec(),
        include_bytes!("data/ecp256.cert.der").to_vec(),
        jwk.into_bytes(),
        br#"{"keys":[]}"#.to_vec(),
        b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host".to_vec(),
        b"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host with a long enough comment".to_vec(),
        b"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEm".to_vec(),
        // Every spelling OpenSSH accepts: tabs, runs of blanks, certificates, a blank first
        // line, CRLF, FIDO key types.
        b"ssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl".to_vec(),
        b"ssh-rsa  \t AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host with a long enough comment".to_vec(),
        b"ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29".to_vec(),
        b"\r\n\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host with a long enough comment\r\n".to_vec(),
        b"sk-ssh-ed25519@openssh.com\tAAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAI".to_vec(),
        b"ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4EddRIpUt9KnC7s5Of2EbdSPO9EAMMeP4C2USZp".to_vec(),
    ];
    // DER of the keys too small to load is refused as well.
    let rsa1024 = Key::from_pem(fixture!("rsa1024.spki.pem"));
    assert!(rsa1024.is_err());
    candidates.push(pem_body(fixture!("rsa1024.spki.pem")));
    for candidate in &candidates {
        for result in [
            Key::from_secret(candidate),
            Key::dangerous_from_short_secret(candidate),
        ] {
            let error = result.unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidKey, "{error}");
        }
    }

    // The forged token: an attacker who got a secret from the PEM bytes anyway.
    let forger = Key::dangerous_from_short_secret(b"any secret the attacker chose").unwrap();
    let forged = forger.sign(Algorithm::HS256, INPUT).unwrap();
    let error = public.verify(Algorithm::HS256, INPUT, &forged).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AlgorithmNotAllowed);
}

fn pem_body(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[test]
fn hmac_secret_length_rules() {
    assert_eq!(
        Key::from_secret(b"").unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        Key::dangerous_from_short_secret(b"").unwrap_err().kind(),
        ErrorKind::InvalidKey
    );
    let message = Key::from_secret(&[7; 31]).unwrap_err().to_string();
    assert!(
        message.contains("32") && message.contains("31"),
        "{message}"
    );

    let key = Key::from_secret(&[7; 32]).unwrap();
    key.sign(Algorithm::HS256, INPUT).unwrap();
    for (alg, needed) in [(Algorithm::HS384, "48"), (Algorithm::HS512, "64")] {
        // Signing with a hash the secret is too short for is the caller's setup; a token that
        // names that hash is rejected.
        for (error, kind) in [
            (key.sign(alg, INPUT).unwrap_err(), ErrorKind::InvalidKey),
            (
                key.verify(alg, INPUT, &[0; 64]).unwrap_err(),
                ErrorKind::AlgorithmNotAllowed,
            ),
        ] {
            assert_eq!(error.kind(), kind);
            let message = error.to_string();
            assert!(
                message.contains(needed) && message.contains("32"),
                "{message}"
            );
        }
    }
    let key = Key::from_secret(&[7; 48]).unwrap();
    key.sign(Algorithm::HS384, INPUT).unwrap();
    assert!(key.sign(Algorithm::HS512, INPUT).is_err());
    Key::from_secret(&[7; 64])
        .unwrap()
        .sign(Algorithm::HS512, INPUT)
        .unwrap();

    let short = Key::dangerous_from_short_secret(b"short").unwrap();
    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let signature = short.sign(alg, INPUT).unwrap();
        short.verify(alg, INPUT, &signature).unwrap();
    }
}

#[test]
fn hmac_matches_rfc_4231_test_case_2() {
    // RFC 4231 §4.3 (key "Jefe"), through the short-secret opt-out.
    let key = Key::dangerous_from_short_secret(b"Jefe").unwrap();
    let tag = key
        .sign(Algorithm::HS256, b"what do ya want for nothing?")
        .unwrap();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn ecdsa_der_signatures_are_refused() {
    let private = Key::from_pem(fixture!("ecp256.pkcs8.pem")).unwrap();
    let fixed = private.sign(Algorithm::ES256, INPUT).unwrap();
    // The same r and s in ASN.1 DER, as some libraries produce by mistake.
    let int = |bytes: &[u8]| {
        let mut value = bytes.to_vec();
        if value[0] & 0x80 != 0 {
            value.insert(0, 0);
        }
        [vec![0x02, u8::try_from(value.len()).unwrap()], value].concat()
    };
    let body = [int(&fixed[..32]), int(&fixed[32..])].concat();
    let der = [vec![0x30, u8::try_from(body.len()).unwrap()], body].concat();
    let error = private.verify(Algorithm::ES256, INPUT, &der).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
}

#[test]
fn a_bound_key_accepts_only_its_algorithm() {
    let key = Key::from_pem(fixture!("rsa2048.pkcs8.pem"))
        .unwrap()
        .with_algorithm(Algorithm::PS512)
        .unwrap();
    assert_eq!(key.algorithm(), Some(Algorithm::PS512));
    let signature = key.sign(Algorithm::PS512, INPUT).unwrap();
    key.verify(Algorithm::PS512, INPUT, &signature).unwrap();
    for alg in [Algorithm::RS256, Algorithm::RS512, Algorithm::PS256] {
        assert!(!key.accepts(alg));
        assert_eq!(
            key.sign(alg, INPUT).unwrap_err().kind(),
            ErrorKind::AlgorithmNotAllowed
        );
    }
    let error = Key::generate(Algorithm::EdDSA)
        .unwrap()
        .with_algorithm(Algorithm::ES256)
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AlgorithmNotAllowed);
}

#[test]
fn key_id_is_offered_to_the_encoder() {
    let key = Key::generate(Algorithm::EdDSA).unwrap();
    assert_eq!(Signer::key_id(&key), None);
    let key = key.with_key_id(String::from("2024-01"));
    assert_eq!(Signer::key_id(&key), Some("2024-01"));
    assert_eq!(key.key_id(), Some("2024-01"));
}
