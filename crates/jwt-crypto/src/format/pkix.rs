//! The containers keys travel in: `SubjectPublicKeyInfo` (RFC 5280), PKCS#8 `PrivateKeyInfo` /
//! `OneAsymmetricKey` (RFC 5958), and X.509 certificates, from which only the public key is
//! taken. Nothing else in a certificate (validity, issuer, extensions) is read or trusted.

use jwt_core::Error;

use crate::format::der::{self, Reader};
use crate::format::{pkcs1, sec1};
use crate::material::{Curve, EcMaterial, Ed25519Material, Material};
use crate::secret::Secret;

const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
const OID_X25519: &[u8] = &[0x2b, 0x65, 0x6e];
const OID_X448: &[u8] = &[0x2b, 0x65, 0x6f];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];

/// What an `AlgorithmIdentifier` says the key is.
enum KeyAlgorithm {
    Rsa,
    Ec(Curve),
    Ed25519,
}

fn read_algorithm(reader: &mut Reader<'_>) -> Result<KeyAlgorithm, Error> {
    let mut alg = reader.sequence()?;
    let oid = alg.oid()?;
    let algorithm = match oid {
        OID_RSA_ENCRYPTION => {
            // RFC 3279 says NULL; some encoders leave the parameters out.
            if !alg.is_empty() {
                alg.null()?;
            }
            KeyAlgorithm::Rsa
        }
        OID_EC_PUBLIC_KEY => KeyAlgorithm::Ec(sec1::read_curve(&mut alg)?),
        // RFC 8410 §3: the parameters must be absent.
        OID_ED25519 => KeyAlgorithm::Ed25519,
        OID_RSASSA_PSS => {
            return Err(Error::InvalidKey(
                "RSASSA-PSS restricted keys are not supported; use an rsaEncryption key".into(),
            ));
        }
        OID_X25519 | OID_X448 => {
            return Err(Error::InvalidKey(
                "X25519 and X448 keys are for key agreement, not signatures".into(),
            ));
        }
        OID_ED448 => return Err(Error::InvalidKey("Ed448 keys are not supported".into())),
        OID_DSA => return Err(Error::InvalidKey("DSA keys are not supported".into())),
        other => {
            return Err(Error::InvalidKey(format!(
                "unsupported key algorithm (OID {})",
                dotted(other)
            )));
        }
    };
    alg.finish()?;
    Ok(algorithm)
}

/// An OID in dotted form, for error messages.
fn dotted(oid: &[u8]) -> String {
    let mut arcs: Vec<u128> = Vec::new();
    let mut value: u128 = 0;
    for &byte in oid {
        value = value.checked_shl(7).unwrap_or(0) | u128::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            arcs.push(value);
            value = 0;
        }
    }
    let mut parts = Vec::with_capacity(arcs.len() + 1);
    if let Some((&first, rest)) = arcs.split_first() {
        let (a, b) = match first {
            0..40 => (0, first),
            40..80 => (1, first - 40),
            _ => (2, first - 80),
        };
        parts.push(a.to_string());
        parts.push(b.to_string());
        parts.extend(rest.iter().map(u128::to_string));
    }
    parts.join(".")
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`.
pub(crate) fn parse_spki(der_bytes: &[u8]) -> Result<Material, Error> {
    der::parse_all(der_bytes, read_spki)
}

fn read_spki(reader: &mut Reader<'_>) -> Result<Material, Error> {
    let mut spki = reader.sequence()?;
    let algorithm = read_algorithm(&mut spki)?;
    let key = spki.bit_string()?;
    spki.finish()?;
    Ok(match algorithm {
        KeyAlgorithm::Rsa => Material::Rsa(pkcs1::parse_public(key)?),
        KeyAlgorithm::Ec(curve) => Material::Ec(EcMaterial::new(curve, key, None)?),
        KeyAlgorithm::Ed25519 => Material::Ed25519(Ed25519Material::public(key)?),
    })
}

/// PKCS#8 `OneAsymmetricKey ::= SEQUENCE { version (0 or 1), privateKeyAlgorithm, privateKey
/// OCTET STRING, attributes [0] OPTIONAL, publicKey [1] BIT STRING OPTIONAL (v2 only) }`.
pub(crate) fn parse_pkcs8(der_bytes: &[u8]) -> Result<Material, Error> {
    der::parse_all(der_bytes, |reader| {
        let mut info = reader.sequence()?;
        let version = info.small_integer()?;
        if version > 1 {
            return Err(Error::InvalidKey(format!(
                "unknown PKCS#8 version {version}"
            )));
        }
        let algorithm = read_algorithm(&mut info)?;
        let private = info.octet_string()?;
        info.read_optional(der::context_constructed(0))?;
        let public = match info.peek_tag() {
            None => None,
            Some(_) if version == 0 => {
                return Err(Error::InvalidKey(
                    "PKCS#8 v1 key with a public key; expected v2".into(),
                ));
            }
            // RFC 5958 tags it [1] IMPLICIT; early v2 writers (older ring) wrapped it instead.
            Some(tag) if tag == der::context_primitive(1) => Some(der::bit_string_bytes(
                info.read(der::context_primitive(1))?,
            )?),
            Some(tag) if tag == der::context_constructed(1) => {
                Some(der::parse_all(info.read(tag)?, |r| r.bit_string())?)
            }
            Some(tag) => {
                return Err(Error::InvalidKey(format!(
                    "unexpected PKCS#8 member with tag 0x{tag:02x}"
                )));
            }
        };
        info.finish()?;
        Ok(match algorithm {
            KeyAlgorithm::Rsa => {
                if public.is_some() {
                    return Err(Error::InvalidKey(
                        "PKCS#8 v2 RSA keys are not supported".into(),
                    ));
                }
                Material::Rsa(pkcs1::parse_private(private)?)
            }
            KeyAlgorithm::Ec(curve) => {
                Material::Ec(sec1::parse_private(private, Some(curve), public)?)
            }
            KeyAlgorithm::Ed25519 => {
                // RFC 8410 §7: `CurvePrivateKey ::= OCTET STRING` inside the privateKey octets.
                let seed = der::parse_all(private, |r| r.octet_string())?;
                Material::Ed25519(Ed25519Material::private(seed, public)?)
            }
        })
    })
}

/// Takes the `subjectPublicKeyInfo` out of a certificate's `TBSCertificate`:
/// `SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject,
/// subjectPublicKeyInfo, ... }`. The certificate's signature is not checked.
pub(crate) fn parse_certificate(der_bytes: &[u8]) -> Result<Material, Error> {
    der::parse_all(der_bytes, |reader| {
        let mut certificate = reader.sequence()?;
        let mut tbs = certificate.sequence()?;
        tbs.read_optional(der::context_constructed(0))?;
        tbs.read(der::INTEGER)?; // serialNumber: not necessarily minimal in the wild
        tbs.sequence()?; // signature
        tbs.sequence()?; // issuer
        tbs.sequence()?; // validity
        tbs.sequence()?; // subject
        let key = read_spki(&mut tbs)?;
        while !tbs.is_empty() {
            tbs.read_any()?; // issuerUniqueID, subjectUniqueID, extensions
        }
        certificate.sequence()?; // signatureAlgorithm
        certificate.read(der::BIT_STRING)?; // signatureValue
        certificate.finish()?;
        Ok(key)
    })
}

/// The structures [`parse_der`] recognises, told apart by the types of their first members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Spki,
    Pkcs8,
    EncryptedPkcs8,
    Pkcs1Public,
    Pkcs1Private,
    Sec1,
    Certificate,
}

fn classify(der_bytes: &[u8]) -> Option<Shape> {
    let mut outer = Reader::new(der_bytes);
    let mut seq = outer.sequence().ok()?;
    if !outer.is_empty() {
        return None;
    }
    let (first, first_contents) = seq.read_any().ok()?;
    let (second, _) = seq.read_any().ok()?;
    let starts_with_oid = Reader::new(first_contents).peek_tag() == Some(der::OID);
    match (first, second) {
        (der::INTEGER, der::SEQUENCE) => Some(Shape::Pkcs8),
        (der::INTEGER, der::OCTET_STRING) => Some(Shape::Sec1),
        (der::INTEGER, der::INTEGER) if seq.is_empty() => Some(Shape::Pkcs1Public),
        (der::INTEGER, der::INTEGER) => Some(Shape::Pkcs1Private),
        (der::SEQUENCE, der::BIT_STRING) if starts_with_oid => Some(Shape::Spki),
        (der::SEQUENCE, der::OCTET_STRING) if starts_with_oid => Some(Shape::EncryptedPkcs8),
        (der::SEQUENCE, der::SEQUENCE) if !starts_with_oid => Some(Shape::Certificate),
        _ => None,
    }
}

/// Whether `bytes` has the shape of a DER key or certificate (used to refuse such bytes as an
/// HMAC secret, even when the key itself would not load).
pub(crate) fn looks_like_key_der(bytes: &[u8]) -> bool {
    classify(bytes).is_some()
}

/// Loads any supported DER structure, chosen by its shape.
pub(crate) fn parse_der(der_bytes: &[u8]) -> Result<Material, Error> {
    match classify(der_bytes) {
        Some(Shape::Spki) => parse_spki(der_bytes),
        Some(Shape::Pkcs8) => parse_pkcs8(der_bytes),
        Some(Shape::Pkcs1Public) => pkcs1::parse_public(der_bytes).map(Material::Rsa),
        Some(Shape::Pkcs1Private) => pkcs1::parse_private(der_bytes).map(Material::Rsa),
        Some(Shape::Sec1) => sec1::parse_private(der_bytes, None, None).map(Material::Ec),
        Some(Shape::Certificate) => parse_certificate(der_bytes),
        Some(Shape::EncryptedPkcs8) => Err(encrypted()),
        None => Err(Error::InvalidKey(
            "DER is not a PKCS#8, PKCS#1, SEC1, SubjectPublicKeyInfo or X.509 structure".into(),
        )),
    }
}

pub(crate) fn encrypted() -> Error {
    Error::InvalidKey("encrypted private keys are not supported; decrypt the key first".into())
}

/// The `SubjectPublicKeyInfo` of an asymmetric key.
pub(crate) fn spki_der(material: &Material) -> Option<Vec<u8>> {
    let (algorithm, key) = match material {
        Material::Hmac(_) => return None,
        Material::Rsa(rsa) => (
            der::sequence(&[&der::oid(OID_RSA_ENCRYPTION), &der::null()]),
            pkcs1::public_der(rsa),
        ),
        Material::Ec(ec) => (
            der::sequence(&[
                &der::oid(OID_EC_PUBLIC_KEY),
                &der::oid(sec1::curve_oid(ec.curve)),
            ]),
            ec.point.clone(),
        ),
        Material::Ed25519(ed) => (
            der::sequence(&[&der::oid(OID_ED25519)]),
            ed.public_key().to_vec(),
        ),
    };
    Some(der::sequence(&[&algorithm, &der::bit_string(&key)]))
}

/// The PKCS#8 document of a private asymmetric key: v1 for RSA and EC (what OpenSSL and ring
/// read), v2 with the public key for Ed25519 (what ring's checked loader wants).
pub(crate) fn pkcs8_der(material: &Material) -> Option<Secret> {
    let (version, algorithm, private, public) = match material {
        Material::Hmac(_) => return None,
        Material::Rsa(rsa) => (
            0,
            der::sequence(&[&der::oid(OID_RSA_ENCRYPTION), &der::null()]),
            pkcs1::private_der(rsa)?,
            None,
        ),
        Material::Ec(ec) => (
            0,
            der::sequence(&[
                &der::oid(OID_EC_PUBLIC_KEY),
                &der::oid(sec1::curve_oid(ec.curve)),
            ]),
            sec1::private_der(ec)?,
            None,
        ),
        Material::Ed25519(ed) => (
            1,
            der::sequence(&[&der::oid(OID_ED25519)]),
            Secret::new(der::octet_string(ed.seed.as_ref()?.expose())),
            Some(der::tlv(
                der::context_primitive(1),
                &[&[0u8][..], ed.public_key()].concat(),
            )),
        ),
    };
    let private = Secret::new(der::octet_string(private.expose()));
    let version = der::small_integer(version);
    let mut elements: Vec<&[u8]> = vec![&version, &algorithm, private.expose()];
    if let Some(public) = &public {
        elements.push(public);
    }
    Some(Secret::new(der::sequence(&elements)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_print_dotted() {
        assert_eq!(dotted(OID_RSA_ENCRYPTION), "1.2.840.113549.1.1.1");
        assert_eq!(dotted(OID_ED25519), "1.3.101.112");
        assert_eq!(dotted(&[]), "");
    }

    #[test]
    fn random_bytes_do_not_look_like_keys() {
        assert!(!looks_like_key_der(&[0x30; 64]));
        assert!(!looks_like_key_der(
            b"a perfectly ordinary secret of 32 bytes"
        ));
    }
}
