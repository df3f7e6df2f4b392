//! The strict DER and PEM rules of the key containers, pinned case by case: each test builds a
//! structure from the fixtures, checks that the well-formed one loads, then that each broken
//! variant is refused with `InvalidKey` (never a panic).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jwt_crypto::{Error, ErrorKind, Key};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("data/", $name))
    };
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
/// brainpoolP256r1: a named curve we do not implement.
const OID_BRAINPOOL: &[u8] = &[0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07];
/// PBES2, the algorithm of an `EncryptedPrivateKeyInfo`.
const OID_PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];

/// The DER of the PEM block labelled `label`.
fn der_of(pem: &str, label: &str) -> Vec<u8> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let body: String = pem
        .split(&begin)
        .nth(1)
        .unwrap()
        .split(&end)
        .next()
        .unwrap()
        .split_ascii_whitespace()
        .collect();
    STANDARD.decode(body).unwrap()
}

fn pem_of(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(contents);
    out
}

fn seq(elements: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &elements.concat())
}

fn oid(encoded: &[u8]) -> Vec<u8> {
    tlv(0x06, encoded)
}

fn bits(bytes: &[u8]) -> Vec<u8> {
    tlv(0x03, &[&[0u8][..], bytes].concat())
}

fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

const NULL: &[u8] = &[0x05, 0x00];

/// The elements (whole TLVs) inside a constructed element with a short or long length.
fn children(der: &[u8]) -> Vec<Vec<u8>> {
    let (_, mut rest) = split_header(der);
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (header_len, contents) = split_header(rest);
        let total = header_len + contents.len();
        out.push(rest[..total].to_vec());
        rest = &rest[total..];
    }
    out
}

/// The header length and contents of the first element of `der`.
fn split_header(der: &[u8]) -> (usize, &[u8]) {
    let first = der[1];
    let (header, len) = if first < 0x80 {
        (2, usize::from(first))
    } else {
        let count = usize::from(first & 0x7f);
        let len = der[2..2 + count]
            .iter()
            .fold(0, |acc, &b| (acc << 8) | usize::from(b));
        (2 + count, len)
    };
    (header, &der[header..header + len])
}

fn contents(der: &[u8]) -> Vec<u8> {
    split_header(der).1.to_vec()
}

fn refused(result: Result<Key, Error>, what: &str) -> String {
    match result {
        Ok(key) => panic!("{what}: key loaded: {key:?}"),
        Err(error) => {
            assert_eq!(error.kind(), ErrorKind::InvalidKey, "{what}: {error}");
            error.to_string()
        }
    }
}

fn rsa_public_pkcs1() -> Vec<u8> {
    der_of(fixture!("rsa2048.pkcs1pub.pem"), "RSA PUBLIC KEY")
}

fn rsa_spki(algorithm: &[u8], key: &[u8]) -> Vec<u8> {
    seq(&[algorithm, &bits(key)])
}

#[test]
fn rsa_algorithm_parameters_are_null_or_absent() {
    let key = rsa_public_pkcs1();
    let with_null = rsa_spki(&seq(&[&oid(OID_RSA), NULL]), &key);
    assert_eq!(
        with_null,
        der_of(fixture!("rsa2048.spki.pem"), "PUBLIC KEY")
    );
    Key::from_der(&with_null).unwrap();
    Key::from_der(&rsa_spki(&seq(&[&oid(OID_RSA)]), &key)).unwrap();
    for (what, params) in [
        ("an OID", oid(OID_P256)),
        ("NULL with contents", vec![0x05, 0x01, 0x00]),
        ("two NULLs", [NULL, NULL].concat()),
        ("an empty SEQUENCE", vec![0x30, 0x00]),
    ] {
        let spki = rsa_spki(&seq(&[&oid(OID_RSA), &params]), &key);
        refused(Key::from_der(&spki), what);
        refused(Key::from_pem(&pem_of("PUBLIC KEY", &spki)), what);
    }
}

#[test]
fn lengths_must_be_definite_and_minimal() {
    let spki = der_of(fixture!("rsa2048.spki.pem"), "PUBLIC KEY");
    assert_eq!(&spki[..2], &[0x30, 0x82]);
    // The outer length in three bytes instead of two.
    let mut long = vec![0x30, 0x83, 0x00];
    long.extend_from_slice(&spki[2..]);
    refused(Key::from_der(&long), "non-minimal outer length");
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &long)),
        "non-minimal outer length (PEM)",
    );
    // The AlgorithmIdentifier's short length in long form.
    let algorithm = seq(&[&oid(OID_RSA), NULL]);
    let mut long_alg = vec![0x30, 0x81, algorithm[1]];
    long_alg.extend_from_slice(&algorithm[2..]);
    let inner = [&long_alg[..], &bits(&rsa_public_pkcs1())].concat();
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &tlv(0x30, &inner))),
        "long form for a short length",
    );
    // Indefinite length (BER, not DER).
    let mut indefinite = vec![0x30, 0x80];
    indefinite.extend_from_slice(&contents(&spki));
    indefinite.extend_from_slice(&[0, 0]);
    refused(Key::from_der(&indefinite), "indefinite length");
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &indefinite)),
        "indefinite length (PEM)",
    );
    // Five length bytes.
    let mut huge = vec![0x30, 0x85, 0, 0, 0, 1, 0x22];
    huge.extend_from_slice(&contents(&spki));
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &huge)),
        "five length bytes",
    );
    // A length that runs past the end.
    let mut short = spki.clone();
    short.truncate(spki.len() - 1);
    refused(Key::from_pem(&pem_of("PUBLIC KEY", &short)), "truncated");
}

#[test]
fn trailing_data_is_refused_everywhere() {
    let key = rsa_public_pkcs1();
    let algorithm = seq(&[&oid(OID_RSA), NULL]);
    let spki = rsa_spki(&algorithm, &key);
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &[&spki[..], &[0]].concat())),
        "a byte after the SPKI",
    );
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &[&spki[..], NULL].concat())),
        "an element after the SPKI",
    );
    refused(
        Key::from_pem(&pem_of(
            "PUBLIC KEY",
            &seq(&[&algorithm, &bits(&key), NULL]),
        )),
        "an element after the key inside the SPKI",
    );
    refused(
        Key::from_pem(&pem_of(
            "PUBLIC KEY",
            &seq(&[&seq(&[&oid(OID_RSA), NULL, NULL]), &bits(&key)]),
        )),
        "an element after the parameters",
    );
    let mut members = children(&key);
    members.push(vec![0x02, 0x01, 0x03]);
    let long_key = seq(&members.iter().map(Vec::as_slice).collect::<Vec<_>>());
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &rsa_spki(&algorithm, &long_key))),
        "a third INTEGER in RSAPublicKey",
    );
    refused(
        Key::from_pem(&pem_of("RSA PUBLIC KEY", &[&key[..], &[0]].concat())),
        "a byte after the RSAPublicKey",
    );
    let pkcs8 = der_of(fixture!("rsa2048.pkcs8.pem"), "PRIVATE KEY");
    refused(
        Key::from_pem(&pem_of("PRIVATE KEY", &[&pkcs8[..], &[0]].concat())),
        "a byte after the PKCS#8",
    );
    let pkcs1 = der_of(fixture!("rsa2048.pkcs1.pem"), "RSA PRIVATE KEY");
    refused(
        Key::from_pem(&pem_of("RSA PRIVATE KEY", &[&pkcs1[..], &[0]].concat())),
        "a byte after the RSAPrivateKey",
    );
    let cert = der_of(fixture!("rsa2048.cert.pem"), "CERTIFICATE");
    Key::from_pem(&pem_of("CERTIFICATE", &cert)).unwrap();
    refused(
        Key::from_pem(&pem_of("CERTIFICATE", &[&cert[..], &[0]].concat())),
        "a byte after the certificate",
    );
}

#[test]
fn integers_must_be_minimal_and_positive() {
    let key = rsa_public_pkcs1();
    let members = children(&key);
    let (n, e) = (&members[0], &members[1]);
    assert_eq!(n[4], 0x00, "the modulus has its sign byte");
    let algorithm = seq(&[&oid(OID_RSA), NULL]);
    let load = |n: &[u8], e: &[u8]| {
        let spki = rsa_spki(&algorithm, &seq(&[n, e]));
        Key::from_pem(&pem_of("PUBLIC KEY", &spki))
    };
    load(n, e).unwrap();
    // An extra leading zero on the modulus.
    let padded = tlv(0x02, &[&[0u8][..], &contents(n)].concat());
    refused(load(&padded, e), "non-minimal modulus");
    // The modulus without its sign byte: negative.
    let negative = tlv(0x02, &contents(n)[1..]);
    refused(load(&negative, e), "negative modulus");
    refused(load(n, &[0x02, 0x00]), "empty exponent");
    refused(load(n, &[0x02, 0x02, 0x00, 0x03]), "non-minimal exponent");
    refused(load(n, &[0x02, 0x01, 0xfd]), "negative exponent");
    // The same rules in PKCS#1 private keys.
    let pkcs1 = der_of(fixture!("rsa2048.pkcs1.pem"), "RSA PRIVATE KEY");
    let mut private = children(&pkcs1);
    private[3] = tlv(0x02, &[&[0u8][..], &contents(&private[3])].concat());
    let broken = seq(&private.iter().map(Vec::as_slice).collect::<Vec<_>>());
    refused(
        Key::from_pem(&pem_of("RSA PRIVATE KEY", &broken)),
        "non-minimal private exponent",
    );
}

#[test]
fn bit_strings_must_have_no_unused_bits() {
    let key = rsa_public_pkcs1();
    let mut bit_string = bits(&key);
    let at = bit_string.len() - key.len() - 1;
    bit_string[at] = 1;
    let spki = seq(&[&seq(&[&oid(OID_RSA), NULL]), &bit_string]);
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &spki)),
        "unused bits in the key",
    );
}

#[test]
fn ed25519_algorithm_has_no_parameters() {
    let spki = der_of(fixture!("ed25519.spki.pem"), "PUBLIC KEY");
    let public = &spki[spki.len() - 32..];
    let good = seq(&[&seq(&[&oid(OID_ED25519)]), &bits(public)]);
    assert_eq!(good, spki);
    Key::from_der(&good).unwrap();
    let with_null = seq(&[&seq(&[&oid(OID_ED25519), NULL]), &bits(public)]);
    refused(Key::from_der(&with_null), "Ed25519 with NULL parameters");
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &with_null)),
        "Ed25519 with NULL parameters (PEM)",
    );
}

#[test]
fn ec_curves_are_named_and_consistent() {
    let spki = der_of(fixture!("ecp256.spki.pem"), "PUBLIC KEY");
    let point = contents(&children(&spki)[1])[1..].to_vec();
    let ec_spki = |params: &[&[u8]]| {
        let mut algorithm: Vec<&[u8]> = Vec::new();
        let ec = oid(OID_EC);
        algorithm.push(&ec);
        algorithm.extend_from_slice(params);
        seq(&[&seq(&algorithm), &bits(&point)])
    };
    assert_eq!(ec_spki(&[&oid(OID_P256)]), spki);
    Key::from_der(&spki).unwrap();
    for (what, params) in [
        ("no curve", vec![]),
        ("an unknown curve", vec![oid(OID_BRAINPOOL)]),
        ("the wrong curve for the point", vec![oid(OID_P384)]),
        ("NULL for a curve", vec![NULL.to_vec()]),
        ("a curve and more", vec![oid(OID_P256), NULL.to_vec()]),
    ] {
        let params: Vec<&[u8]> = params.iter().map(Vec::as_slice).collect();
        refused(
            Key::from_pem(&pem_of("PUBLIC KEY", &ec_spki(&params))),
            what,
        );
    }
    let message = refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &ec_spki(&[&seq(&[NULL])]))),
        "explicit parameters",
    );
    assert!(message.contains("explicit"), "{message}");
}

/// The SEC1 `ECPrivateKey` of the P-256 fixture, its members as whole TLVs.
fn sec1_members() -> Vec<Vec<u8>> {
    children(&der_of(fixture!("ecp256.sec1.pem"), "EC PRIVATE KEY"))
}

fn pkcs8(version: u8, algorithm: &[u8], private: &[u8], rest: &[&[u8]]) -> Vec<u8> {
    let mut elements: Vec<&[u8]> = Vec::new();
    let version = [0x02, 0x01, version];
    let private = octets(private);
    elements.extend([&version[..], algorithm, &private]);
    elements.extend_from_slice(rest);
    seq(&elements)
}

#[test]
fn ec_private_key_curves_must_agree() {
    let members = sec1_members();
    assert_eq!(members.len(), 4, "version, key, [0] curve, [1] public key");
    let p256 = seq(&[&oid(OID_EC), &oid(OID_P256)]);
    let sec1 = |curve: &[u8]| {
        seq(&[
            &members[0],
            &members[1],
            &tlv(0xa0, &oid(curve)),
            &members[3],
        ])
    };
    Key::from_der(&pkcs8(0, &p256, &sec1(OID_P256), &[])).unwrap();
    Key::from_pem(&pem_of("EC PRIVATE KEY", &sec1(OID_P256))).unwrap();
    let message = refused(
        Key::from_der(&pkcs8(0, &p256, &sec1(OID_P384), &[])),
        "inner P-384, outer P-256",
    );
    assert!(message.contains("curve"), "{message}");
    refused(
        Key::from_pem(&pem_of(
            "PRIVATE KEY",
            &pkcs8(0, &p256, &sec1(OID_P384), &[]),
        )),
        "inner P-384, outer P-256 (PEM)",
    );
    refused(
        Key::from_pem(&pem_of("EC PRIVATE KEY", &sec1(OID_BRAINPOOL))),
        "an unknown curve in SEC1",
    );
    // No curve at all in a bare SEC1 key.
    let no_curve = seq(&[&members[0], &members[1], &members[3]]);
    refused(
        Key::from_pem(&pem_of("EC PRIVATE KEY", &no_curve)),
        "SEC1 without a curve",
    );
    // Version 0 instead of 1.
    let v0 = seq(&[&[0x02, 0x01, 0x00], &members[1], &members[2], &members[3]]);
    let message = refused(
        Key::from_pem(&pem_of("EC PRIVATE KEY", &v0)),
        "SEC1 version 0",
    );
    assert!(message.contains("version"), "{message}");
    // The public key with unused bits.
    let mut public = contents(&members[3]);
    public[2] = 1;
    let unused = seq(&[&members[0], &members[1], &members[2], &tlv(0xa1, &public)]);
    refused(
        Key::from_pem(&pem_of("EC PRIVATE KEY", &unused)),
        "SEC1 public key with unused bits",
    );
    // Something after the public key, inside and outside its [1].
    let extra = seq(&[&members[0], &members[1], &members[2], &members[3], NULL]);
    refused(
        Key::from_pem(&pem_of("EC PRIVATE KEY", &extra)),
        "an element after the SEC1 public key",
    );
    let inner_extra = [&contents(&members[3])[..], NULL].concat();
    let wrapped = seq(&[
        &members[0],
        &members[1],
        &members[2],
        &tlv(0xa1, &inner_extra),
    ]);
    refused(
        Key::from_pem(&pem_of("EC PRIVATE KEY", &wrapped)),
        "an element after the public key inside [1]",
    );
}

#[test]
fn pkcs8_versions_and_members_are_checked() {
    let members = sec1_members();
    let p256 = seq(&[&oid(OID_EC), &oid(OID_P256)]);
    let sec1 = seq(&[&members[0], &members[1], &members[3]]);
    Key::from_der(&pkcs8(0, &p256, &sec1, &[])).unwrap();
    // Attributes ([0]) are allowed and skipped.
    Key::from_der(&pkcs8(0, &p256, &sec1, &[&[0xa0, 0x00]])).unwrap();
    for (what, der) in [
        ("version 2", pkcs8(2, &p256, &sec1, &[])),
        (
            "a v1 key with a public key",
            pkcs8(0, &p256, &sec1, &[&tlv(0x81, &contents(&members[3])[2..])]),
        ),
        (
            "an unknown [2] member",
            pkcs8(0, &p256, &sec1, &[&[0xa2, 0x00]]),
        ),
        ("a NULL member", pkcs8(0, &p256, &sec1, &[NULL])),
        (
            "attributes after nothing but out of order",
            pkcs8(1, &p256, &sec1, &[&[0x81, 0x01, 0x00], &[0xa0, 0x00]]),
        ),
    ] {
        refused(Key::from_der(&der), what);
        refused(Key::from_pem(&pem_of("PRIVATE KEY", &der)), what);
    }
}

#[test]
fn encrypted_pkcs8_is_refused_with_a_clear_message() {
    let encrypted = seq(&[&seq(&[&oid(OID_PBES2), &seq(&[])]), &octets(&[0x55; 48])]);
    for result in [
        Key::from_der(&encrypted),
        Key::from_pem(&pem_of("ENCRYPTED PRIVATE KEY", &encrypted)),
    ] {
        let message = refused(result, "encrypted PKCS#8");
        assert!(message.contains("encrypted"), "{message}");
        assert!(message.contains("decrypt"), "{message}");
    }
}

#[test]
fn tags_must_be_the_expected_ones() {
    let spki = der_of(fixture!("rsa2048.spki.pem"), "PUBLIC KEY");
    // A multi-byte tag in place of the SEQUENCE.
    let mut multi = vec![0x3f, 0x10];
    multi.extend_from_slice(&spki[1..]);
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &multi)),
        "multi-byte tag",
    );
    // A SET instead of the SEQUENCE.
    let mut set = spki.clone();
    set[0] = 0x31;
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &set)),
        "SET for SEQUENCE",
    );
    refused(Key::from_der(&set), "SET for SEQUENCE (DER)");
    // An OCTET STRING instead of the BIT STRING.
    let key = rsa_public_pkcs1();
    let octet = seq(&[
        &seq(&[&oid(OID_RSA), NULL]),
        &tlv(0x04, &[&[0u8][..], &key].concat()),
    ]);
    refused(
        Key::from_pem(&pem_of("PUBLIC KEY", &octet)),
        "OCTET STRING key",
    );
}

#[test]
fn pem_bodies_are_strict_base64() {
    let spki = der_of(fixture!("ecp256.spki.pem"), "PUBLIC KEY");
    let pem = pem_of("PUBLIC KEY", &spki);
    Key::from_pem(&pem).unwrap();
    // 91 bytes: the body ends in "==", two padding characters; the last data character carries
    // four spare bits that must be zero.
    assert_eq!(spki.len() % 3, 1);
    let body_end = pem.find("==\n").expect("two padding characters");
    let last = pem.as_bytes()[body_end - 1];
    let mut spare_bits = pem.clone().into_bytes();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let value = alphabet.iter().position(|&c| c == last).unwrap();
    assert_eq!(value & 0x0f, 0, "the spare bits are zero");
    spare_bits[body_end - 1] = alphabet[value | 1];
    let spare_bits = String::from_utf8(spare_bits).unwrap();
    refused(Key::from_pem(&spare_bits), "non-zero spare bits");
    refused(
        Key::from_pem(&pem.replacen("==\n", "\n", 1)),
        "missing padding",
    );
    refused(
        Key::from_pem(&pem.replacen("==\n", "=\n", 1)),
        "short padding",
    );
    refused(
        Key::from_pem(&pem.replacen("==\n", "==A\n", 1)),
        "data after padding",
    );
    refused(
        Key::from_pem(&pem.replacen("\n", "\n*", 1)),
        "a character outside the alphabet",
    );
    refused(
        Key::from_pem(&pem.replacen("\n", "\nProc-Type: 4,ENCRYPTED\n", 1)),
        "a PEM header",
    );
    refused(
        Key::from_pem(&pem.replace("END PUBLIC KEY", "END PRIVATE KEY")),
        "mismatched labels",
    );
    refused(
        Key::from_pem(&pem.replace("-----END PUBLIC KEY-----\n", "")),
        "no END line",
    );
    // Text around a block is allowed; a second key block is not.
    Key::from_pem(&format!("a comment\n{pem}trailing words\n")).unwrap();
    refused(
        Key::from_pem(&format!("{pem}junk\n{pem}")),
        "two blocks with text between",
    );
}

/// Every truncation and many single-byte corruptions of each structure, loaded under its own
/// PEM label (which skips the shape detection `Key::from_der` does), either load or fail with
/// `InvalidKey`; none may panic.
#[test]
fn corrupted_structures_under_their_labels_never_panic() {
    for (pem, label) in [
        (fixture!("rsa2048.pkcs1.pem"), "RSA PRIVATE KEY"),
        (fixture!("rsa2048.pkcs1pub.pem"), "RSA PUBLIC KEY"),
        (fixture!("ecp256.sec1.pem"), "EC PRIVATE KEY"),
        (fixture!("ecp256.pkcs8.pem"), "PRIVATE KEY"),
        (fixture!("ed25519.pkcs8.pem"), "PRIVATE KEY"),
        (fixture!("ecp256.spki.pem"), "PUBLIC KEY"),
        (fixture!("rsa2048.cert.pem"), "CERTIFICATE"),
    ] {
        let der = der_of(pem, label);
        Key::from_pem(&pem_of(label, &der)).unwrap();
        let check = |bytes: &[u8]| {
            if let Err(error) = Key::from_pem(&pem_of(label, bytes)) {
                assert_eq!(error.kind(), ErrorKind::InvalidKey, "{label}: {error}");
            }
        };
        for len in 0..der.len() {
            check(&der[..len]);
        }
        for position in (0..der.len()).step_by(5) {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut corrupted = der.clone();
                corrupted[position] ^= flip;
                check(&corrupted);
            }
        }
    }
}
