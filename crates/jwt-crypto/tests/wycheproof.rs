//! Project Wycheproof vectors run through jwt-crypto's own loaders and `Verifier::verify`,
//! not through ring directly: each group's key is loaded as a JWS key would be (DER, JWK or
//! raw secret) and every case is checked with the JWS algorithm that matches the group.
//!
//! Decisions, per set:
//! - `valid` cases must verify and `invalid` cases must fail with `InvalidSignature`.
//! - `acceptable` occurs only in the RSA PKCS#1 v1.5 sets, for one case each: a DigestInfo
//!   without the NULL parameters ("MissingNull"). ring compares the whole encoded DigestInfo,
//!   as RFC 8017 §8.2.2 describes, so we require rejection: a JWS signer never produces it.
//! - ECDSA: only the P-256/SHA-256 and P-384/SHA-384 sets in IEEE P1363 (`r || s`) form, which
//!   is the JWS encoding (RFC 7518 §3.4); the ASN.1/DER sets are a different encoding and other
//!   curves and hashes are not JWS algorithms this library implements.
//! - RSA PKCS#1 v1.5: every group of every set whose hash is SHA-256, SHA-384 or SHA-512 (2048
//!   to 8192 bits, e = 65537 and e = 3). Groups with SHA-1, SHA-224, SHA-512/224, SHA-512/256 or
//!   SHA-3 are skipped: RS256/384/512 do not use those hashes.
//! - RSA-PSS: only groups with MGF1, the MGF1 hash equal to the message hash, and a salt as long
//!   as the hash, which is what PS256/384/512 are (RFC 7518 §3.5). Skipped: SHA-1 and truncated
//!   SHA-512 hashes, SHAKE, a different MGF1 hash, and any other salt length (salt 0, 20, 28,
//!   or 32 with SHA-512).
//! - HMAC-SHA256/384/512: full-length tags are checked as Wycheproof says. Truncated tags are
//!   not HS* signatures, so every one of them, "valid" ones included, must be rejected. Keys
//!   shorter than RFC 7518 §3.2 allows are first checked to be refused by `Key::from_secret` (or
//!   a token of the longer hash refused at verify time), then loaded with
//!   `Key::dangerous_from_short_secret`.
//! - Ed25519: every case. Ed448 is not implemented.
//!
//! Every set asserts how many cases actually ran, so the test cannot pass on nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_crypto::{Algorithm, ErrorKind, Key, Verifier};
use wycheproof::TestResult;

/// What a case must do under our policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Accept,
    Reject,
}

/// One Wycheproof case: where it is from, and the message and signature (or tag).
#[derive(Debug, Clone, Copy)]
struct Case<'a> {
    set: &'a str,
    tc_id: usize,
    msg: &'a [u8],
    sig: &'a [u8],
}

#[derive(Debug, Default)]
struct Tally {
    accepted: usize,
    rejected: usize,
}

impl Tally {
    fn ran(&self) -> usize {
        self.accepted + self.rejected
    }

    /// Checks one case and records it.
    fn check(&mut self, key: &Key, alg: Algorithm, case: Case<'_>, expect: Expect) {
        let Case {
            set,
            tc_id,
            msg,
            sig,
        } = case;
        let outcome = key.verify(alg, msg, sig);
        match expect {
            Expect::Accept => {
                assert!(
                    outcome.is_ok(),
                    "{set} tc {tc_id}: valid signature refused: {outcome:?}"
                );
                self.accepted += 1;
            }
            Expect::Reject => {
                let error =
                    outcome.expect_err(&format!("{set} tc {tc_id}: invalid signature accepted"));
                assert_eq!(
                    error.kind(),
                    ErrorKind::InvalidSignature,
                    "{set} tc {tc_id}: {error}"
                );
                self.rejected += 1;
            }
        }
    }
}

fn strict(result: TestResult) -> Expect {
    match result {
        TestResult::Valid => Expect::Accept,
        TestResult::Invalid => Expect::Reject,
        TestResult::Acceptable => {
            panic!("unexpected acceptable case; decide and document a policy")
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn rsa_jwk(n: &[u8], e: &[u8]) -> Key {
    let jwk = serde_json::json!({ "kty": "RSA", "n": b64(n), "e": b64(e) });
    Key::from_jwk_value(&jwk).unwrap()
}

#[test]
fn ecdsa_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    for (name, alg, crv, field_len, minimum) in [
        (
            TestName::EcdsaSecp256r1Sha256P1363,
            Algorithm::ES256,
            "P-256",
            32,
            250,
        ),
        (
            TestName::EcdsaSecp384r1Sha384P1363,
            Algorithm::ES384,
            "P-384",
            48,
            250,
        ),
        (
            TestName::EcdsaSecp521r1Sha512P1363,
            Algorithm::ES512,
            "P-521",
            66,
            250,
        ),
        (
            TestName::EcdsaSecp256k1Sha256P1363,
            Algorithm::ES256K,
            "secp256k1",
            32,
            250,
        ),
    ] {
        if !jwt_crypto::supported_algorithms().contains(&alg) {
            // ring has neither curve; tests/backends.rs checks the refusal.
            continue;
        }
        let set = TestSet::load(name).unwrap();
        let label = format!("{name:?}");
        let mut tally = Tally::default();
        for group in &set.test_groups {
            // The same key through two loaders: SPKI DER, and a JWK made from the point.
            let from_der = Key::from_der(&group.der).unwrap();
            let point = &group.key.key;
            assert_eq!(point.len(), 1 + 2 * field_len);
            let jwk = serde_json::json!({
                "kty": "EC",
                "crv": crv,
                "x": b64(&point[1..1 + field_len]),
                "y": b64(&point[1 + field_len..]),
            });
            let from_jwk = Key::from_jwk_value(&jwk).unwrap();
            assert_eq!(from_der.thumbprint(), from_jwk.thumbprint());
            for test in &group.tests {
                let case = Case {
                    set: &label,
                    tc_id: test.tc_id,
                    msg: &test.msg,
                    sig: &test.sig,
                };
                tally.check(&from_der, alg, case, strict(test.result));
                tally.check(&from_jwk, alg, case, strict(test.result));
            }
        }
        eprintln!("{label}: {tally:?}");
        assert_eq!(
            tally.ran(),
            2 * set.number_of_tests,
            "{label}: every case runs through both keys"
        );
        assert!(
            tally.ran() >= 2 * minimum,
            "{label}: only {} checks ran",
            tally.ran()
        );
        assert!(
            tally.accepted > 0 && tally.rejected > 0,
            "{label}: {tally:?}"
        );
    }
}

#[test]
fn ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let mut tally = Tally::default();
    for group in &set.test_groups {
        let from_der = Key::from_der(&group.der).unwrap();
        let jwk = serde_json::json!({ "kty": "OKP", "crv": "Ed25519", "x": b64(&group.key.pk) });
        let from_jwk = Key::from_jwk_value(&jwk).unwrap();
        assert_eq!(from_der.thumbprint(), from_jwk.thumbprint());
        for test in &group.tests {
            let case = Case {
                set: "Ed25519",
                tc_id: test.tc_id,
                msg: &test.msg,
                sig: &test.sig,
            };
            tally.check(&from_der, Algorithm::EdDSA, case, strict(test.result));
            tally.check(&from_jwk, Algorithm::EdDSA, case, strict(test.result));
        }
    }
    eprintln!("Ed25519: {tally:?}");
    assert_eq!(tally.ran(), 2 * set.number_of_tests);
    assert!(tally.ran() >= 2 * 150, "only {} checks ran", tally.ran());
    assert!(tally.accepted > 0 && tally.rejected > 0, "{tally:?}");
}

#[test]
fn rsa_pkcs1_v1_5() {
    use wycheproof::HashFunction;
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let mut total = Tally::default();
    let mut skipped_groups = 0;
    for name in TestName::all() {
        let set = TestSet::load(name).unwrap();
        let label = format!("{name:?}");
        let mut tally = Tally::default();
        for group in &set.test_groups {
            let alg = match group.hash {
                HashFunction::Sha2_256 => Algorithm::RS256,
                HashFunction::Sha2_384 => Algorithm::RS384,
                HashFunction::Sha2_512 => Algorithm::RS512,
                _ => {
                    skipped_groups += 1;
                    continue;
                }
            };
            let from_der = Key::from_der(&group.der).unwrap();
            let from_jwk = rsa_jwk(&group.key.n, &group.key.e);
            assert_eq!(from_der.thumbprint(), from_jwk.thumbprint());
            for test in &group.tests {
                let expect = match test.result {
                    TestResult::Acceptable => {
                        // The documented MissingNull decision: rejected.
                        assert!(
                            test.comment.contains("NULL"),
                            "{label} tc {}: {}",
                            test.tc_id,
                            test.comment
                        );
                        Expect::Reject
                    }
                    result => strict(result),
                };
                let case = Case {
                    set: &label,
                    tc_id: test.tc_id,
                    msg: &test.msg,
                    sig: &test.sig,
                };
                tally.check(&from_der, alg, case, expect);
                tally.check(&from_jwk, alg, case, expect);
            }
        }
        if tally.ran() > 0 {
            assert_eq!(
                tally.ran(),
                2 * set.number_of_tests,
                "{label}: a JWS set runs whole"
            );
        }
        total.accepted += tally.accepted;
        total.rejected += tally.rejected;
    }
    eprintln!("RSA PKCS#1 v1.5: {total:?}, {skipped_groups} groups skipped");
    // Nine sets (2048/3072/4096 x SHA-256/384/512) plus three 8192-bit ones, ~258 cases each.
    assert!(
        total.ran() >= 2 * 12 * 250,
        "only {} checks ran",
        total.ran()
    );
    assert!(total.accepted >= 2 * 12 * 7, "{total:?}");
    assert!(skipped_groups > 0);
}

#[test]
fn rsa_pss() {
    use wycheproof::rsa_pss_verify::{TestGroupTypeId, TestName, TestSet};
    use wycheproof::{HashFunction, Mgf};
    let mut total = Tally::default();
    let mut skipped_groups = 0;
    for name in TestName::all() {
        let set = TestSet::load(name).unwrap();
        let label = format!("{name:?}");
        for group in &set.test_groups {
            let (alg, hash_len) = match group.hash {
                HashFunction::Sha2_256 => (Algorithm::PS256, 32),
                HashFunction::Sha2_384 => (Algorithm::PS384, 48),
                HashFunction::Sha2_512 => (Algorithm::PS512, 64),
                _ => {
                    skipped_groups += 1;
                    continue;
                }
            };
            if group.mgf != Mgf::Mgf1
                || group.mgf_hash != Some(group.hash)
                || group.salt_size != hash_len
            {
                skipped_groups += 1;
                continue;
            }
            let key = rsa_jwk(&group.key.n, &group.key.e);
            if group.test_type == TestGroupTypeId::RsaPssVerifyWithParam {
                // An RSASSA-PSS SubjectPublicKeyInfo restricts the key; we refuse those keys
                // rather than ignore the restriction. The modulus and exponent still serve.
                assert!(
                    Key::from_der(&group.der).is_err(),
                    "{label}: RSASSA-PSS SPKI loaded"
                );
            } else {
                assert_eq!(
                    Key::from_der(&group.der).unwrap().thumbprint(),
                    key.thumbprint()
                );
            }
            for test in &group.tests {
                let case = Case {
                    set: &label,
                    tc_id: test.tc_id,
                    msg: &test.msg,
                    sig: &test.sig,
                };
                total.check(&key, alg, case, strict(test.result));
            }
        }
    }
    eprintln!("RSA-PSS: {total:?}, {skipped_groups} groups skipped");
    // 2048/3072/4096 SHA-256 (and two with parameters), 2048/4096 SHA-384, 4096 SHA-512 with
    // parameters, and three single cases from the misc set.
    assert!(total.ran() >= 900, "only {} cases ran", total.ran());
    assert!(total.accepted > 0 && total.rejected > 0, "{total:?}");
    assert!(skipped_groups > 0);
}

#[test]
fn hmac() {
    use wycheproof::mac::{TestName, TestSet};
    for (name, alg, hash_len, minimum) in [
        (TestName::HmacSha256, Algorithm::HS256, 32, 170),
        (TestName::HmacSha384, Algorithm::HS384, 48, 170),
        (TestName::HmacSha512, Algorithm::HS512, 64, 170),
    ] {
        let set = TestSet::load(name).unwrap();
        let label = format!("{name:?}");
        let mut full = Tally::default();
        let mut truncated = Tally::default();
        for group in &set.test_groups {
            for test in &group.tests {
                let secret: &[u8] = &test.key;
                let key = if secret.len() >= hash_len {
                    Key::from_secret(secret).unwrap()
                } else {
                    // Too short for this hash: refused when loading (under 32 bytes), or a
                    // token naming this hash is refused (HS384/HS512 under 48/64 bytes).
                    let (refused, kind) = match Key::from_secret(secret) {
                        Err(error) => (error, ErrorKind::InvalidKey),
                        Ok(key) => (
                            key.verify(alg, &test.msg, &test.tag).unwrap_err(),
                            ErrorKind::AlgorithmNotAllowed,
                        ),
                    };
                    assert_eq!(refused.kind(), kind, "{label} tc {}", test.tc_id);
                    Key::dangerous_from_short_secret(secret).unwrap()
                };
                let case = Case {
                    set: &label,
                    tc_id: test.tc_id,
                    msg: &test.msg,
                    sig: &test.tag,
                };
                if group.tag_size == hash_len * 8 {
                    full.check(&key, alg, case, strict(test.result));
                } else {
                    assert!(test.tag.len() < hash_len);
                    truncated.check(&key, alg, case, Expect::Reject);
                }
            }
        }
        eprintln!("{label}: full tags {full:?}, truncated tags {truncated:?}");
        assert_eq!(full.ran() + truncated.ran(), set.number_of_tests, "{label}");
        assert!(full.ran() + truncated.ran() >= minimum, "{label}");
        assert!(full.accepted > 0 && full.rejected > 0, "{label}: {full:?}");
        assert!(truncated.rejected >= 80, "{label}: {truncated:?}");
    }
}
