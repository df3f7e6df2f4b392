//! The containers keys travel in: `SubjectPublicKeyInfo` (RFC 5280), PKCS#8 `PrivateKeyInfo` /
//! `OneAsymmetricKey` (RFC 5958), and X.509 certificates, from which only the public key is
//! taken. Nothing else in a certificate (validity, issuer, extensions) is read or trusted.
//!
//! The `spki` and `pkcs8` crates' types carry these structures; PKCS#8 and certificates are
//! read with `der`'s reader, since the `pkcs8` crate skips unknown members (which we refuse)
//! and refuses the EXPLICIT-tagged public key early v2 writers produced (which we accept).

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier as Oid, OctetStringRef, SequenceRef};
use der::{Decode, Reader, Tag, Tagged};
use jwt_core::Error;
use pkcs8::PrivateKeyInfo;
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use crate::format::{asn1, pkcs1, sec1};
use crate::material::{Curve, EcMaterial, Ed25519Material, Material};
use crate::secret::Secret;

const OID_RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
const OID_EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const OID_DSA: Oid = Oid::new_unwrap("1.2.840.10040.4.1");
const OID_X25519: Oid = Oid::new_unwrap("1.3.101.110");
const OID_X448: Oid = Oid::new_unwrap("1.3.101.111");
const OID_ED25519: Oid = Oid::new_unwrap("1.3.101.112");
const OID_ED448: Oid = Oid::new_unwrap("1.3.101.113");

/// `[0]` constructed: PKCS#8 attributes, a certificate's version.
const CONTEXT_0: u8 = 0xa0;
/// `[1]` primitive: the PKCS#8 v2 public key as RFC 5958 tags it (IMPLICIT BIT STRING).
const CONTEXT_1_PRIMITIVE: u8 = 0x81;
/// `[1]` constructed: the same, EXPLICIT-tagged as early v2 writers (older ring) wrote it.
const CONTEXT_1_CONSTRUCTED: u8 = 0xa1;

/// What an `AlgorithmIdentifier` says the key is.
enum KeyAlgorithm {
    Rsa,
    Ec(Curve),
    Ed25519,
}

fn key_algorithm(algorithm: &AlgorithmIdentifierRef<'_>) -> Result<KeyAlgorithm, Error> {
    let parameters = algorithm.parameters;
    match algorithm.oid {
        // RFC 3279 says NULL; some encoders leave the parameters out.
        OID_RSA_ENCRYPTION if parameters.is_none_or(AnyRef::is_null) => Ok(KeyAlgorithm::Rsa),
        OID_RSA_ENCRYPTION => Err(Error::InvalidKey(
            "RSA key algorithm parameters must be NULL".into(),
        )),
        OID_EC_PUBLIC_KEY => sec1::read_curve(parameters).map(KeyAlgorithm::Ec),
        // RFC 8410 §3: the parameters must be absent.
        OID_ED25519 if parameters.is_none() => Ok(KeyAlgorithm::Ed25519),
        OID_ED25519 => Err(Error::InvalidKey(
            "Ed25519 key algorithm must have no parameters (RFC 8410)".into(),
        )),
        OID_RSASSA_PSS => Err(Error::InvalidKey(
            "RSASSA-PSS restricted keys are not supported; use an rsaEncryption key".into(),
        )),
        OID_X25519 | OID_X448 => Err(Error::InvalidKey(
            "X25519 and X448 keys are for key agreement, not signatures".into(),
        )),
        OID_ED448 => Err(Error::InvalidKey("Ed448 keys are not supported".into())),
        OID_DSA => Err(Error::InvalidKey("DSA keys are not supported".into())),
        other => Err(Error::InvalidKey(format!(
            "unsupported key algorithm (OID {other})"
        ))),
    }
}

/// The bytes of a key BIT STRING, which never has unused bits.
fn key_bits<'a>(bits: &BitStringRef<'a>) -> Result<&'a [u8], Error> {
    bits.as_bytes()
        .ok_or_else(|| Error::InvalidKey("malformed DER: key BIT STRING with unused bits".into()))
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`.
pub(crate) fn parse_spki(der_bytes: &[u8]) -> Result<Material, Error> {
    read_spki(&asn1::decode(der_bytes)?)
}

fn read_spki(spki: &SubjectPublicKeyInfoRef<'_>) -> Result<Material, Error> {
    let algorithm = key_algorithm(&spki.algorithm)?;
    let key = key_bits(&spki.subject_public_key)?;
    Ok(match algorithm {
        KeyAlgorithm::Rsa => Material::Rsa(pkcs1::parse_public(key)?),
        KeyAlgorithm::Ec(curve) => Material::Ec(EcMaterial::new(curve, key, None)?),
        KeyAlgorithm::Ed25519 => Material::Ed25519(Ed25519Material::public(key)?),
    })
}

/// The members of a PKCS#8 document, as read, before their meaning is checked.
struct RawPkcs8<'a> {
    version: u8,
    algorithm: AlgorithmIdentifierRef<'a>,
    private: &'a [u8],
    public: Option<BitStringRef<'a>>,
    /// The tag of a member after the last one we know.
    unexpected: Option<u8>,
}

fn read_pkcs8(der_bytes: &[u8]) -> Result<RawPkcs8<'_>, Error> {
    asn1::read(der_bytes, |reader| {
        reader.sequence(|info| {
            let version = u8::decode(info)?;
            let algorithm = AlgorithmIdentifierRef::decode(info)?;
            let private = OctetStringRef::decode(info)?.as_bytes();
            if info.peek_byte() == Some(CONTEXT_0) {
                AnyRef::decode(info)?; // attributes
            }
            let public = match info.peek_byte() {
                Some(CONTEXT_1_PRIMITIVE) => {
                    let implicit = AnyRef::decode(info)?;
                    Some(AnyRef::new(Tag::BitString, implicit.value())?.decode_as()?)
                }
                Some(CONTEXT_1_CONSTRUCTED) => {
                    Some(BitStringRef::from_der(AnyRef::decode(info)?.value())?)
                }
                _ => None,
            };
            let unexpected = info.peek_byte();
            let rest = info.remaining_len();
            info.read_slice(rest)?;
            Ok(RawPkcs8 {
                version,
                algorithm,
                private,
                public,
                unexpected,
            })
        })
    })
}

/// PKCS#8 `OneAsymmetricKey ::= SEQUENCE { version (0 or 1), privateKeyAlgorithm, privateKey
/// OCTET STRING, attributes [0] OPTIONAL, publicKey [1] BIT STRING OPTIONAL (v2 only) }`.
pub(crate) fn parse_pkcs8(der_bytes: &[u8]) -> Result<Material, Error> {
    let raw = read_pkcs8(der_bytes)?;
    if raw.version > 1 {
        return Err(Error::InvalidKey(format!(
            "unknown PKCS#8 version {}",
            raw.version
        )));
    }
    if let Some(tag) = raw.unexpected {
        return Err(Error::InvalidKey(format!(
            "unexpected PKCS#8 member with tag 0x{tag:02x}"
        )));
    }
    let public = match &raw.public {
        Some(_) if raw.version == 0 => {
            return Err(Error::InvalidKey(
                "PKCS#8 v1 key with a public key; expected v2".into(),
            ));
        }
        Some(bits) => Some(key_bits(bits)?),
        None => None,
    };
    Ok(match key_algorithm(&raw.algorithm)? {
        KeyAlgorithm::Rsa => {
            if public.is_some() {
                return Err(Error::InvalidKey(
                    "PKCS#8 v2 RSA keys are not supported".into(),
                ));
            }
            Material::Rsa(pkcs1::parse_private(raw.private)?)
        }
        KeyAlgorithm::Ec(curve) => {
            Material::Ec(sec1::parse_private(raw.private, Some(curve), public)?)
        }
        KeyAlgorithm::Ed25519 => {
            // RFC 8410 §7: `CurvePrivateKey ::= OCTET STRING` inside the privateKey octets.
            let seed: OctetStringRef<'_> = asn1::decode(raw.private)?;
            Material::Ed25519(Ed25519Material::private(seed.as_bytes(), public)?)
        }
    })
}

/// Reads one element, which must have `tag`, whatever its contents.
fn skip<'a>(reader: &mut impl Reader<'a>, tag: Tag) -> der::Result<()> {
    AnyRef::decode(reader)?.tag().assert_eq(tag).map(drop)
}

/// Takes the `subjectPublicKeyInfo` out of a certificate's `TBSCertificate`:
/// `SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject,
/// subjectPublicKeyInfo, ... }`. The certificate's signature is not checked. (The `x509-cert`
/// crate would decode, and so judge, every member we ignore.)
pub(crate) fn parse_certificate(der_bytes: &[u8]) -> Result<Material, Error> {
    let spki = asn1::read(der_bytes, |reader| {
        reader.sequence(|certificate| {
            let spki = certificate.sequence(|tbs| {
                if tbs.peek_byte() == Some(CONTEXT_0) {
                    AnyRef::decode(tbs)?; // version
                }
                skip(tbs, Tag::Integer)?; // serialNumber: not necessarily minimal in the wild
                for _ in 0..4 {
                    SequenceRef::decode(tbs)?; // signature, issuer, validity, subject
                }
                let spki = SubjectPublicKeyInfoRef::decode(tbs)?;
                while !tbs.is_finished() {
                    AnyRef::decode(tbs)?; // issuerUniqueID, subjectUniqueID, extensions
                }
                Ok(spki)
            })?;
            SequenceRef::decode(certificate)?; // signatureAlgorithm
            skip(certificate, Tag::BitString)?; // signatureValue
            Ok(spki)
        })
    })?;
    read_spki(&spki)
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
    let (first, second, starts_with_oid, only_two) = asn1::read(der_bytes, |reader| {
        reader.sequence(|seq| {
            let first = AnyRef::decode(seq)?;
            let second = AnyRef::decode(seq)?;
            let rest = seq.remaining_len();
            seq.read_slice(rest)?;
            let starts_with_oid = first.value().first() == Some(&0x06);
            Ok((first.tag(), second.tag(), starts_with_oid, rest.is_zero()))
        })
    })
    .ok()?;
    match (first, second) {
        (Tag::Integer, Tag::Sequence) => Some(Shape::Pkcs8),
        (Tag::Integer, Tag::OctetString) => Some(Shape::Sec1),
        (Tag::Integer, Tag::Integer) if only_two => Some(Shape::Pkcs1Public),
        (Tag::Integer, Tag::Integer) => Some(Shape::Pkcs1Private),
        (Tag::Sequence, Tag::BitString) if starts_with_oid => Some(Shape::Spki),
        (Tag::Sequence, Tag::OctetString) if starts_with_oid => Some(Shape::EncryptedPkcs8),
        (Tag::Sequence, Tag::Sequence) if !starts_with_oid => Some(Shape::Certificate),
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

/// The `AlgorithmIdentifier` of an asymmetric key.
fn algorithm_of(material: &Material) -> Option<AlgorithmIdentifierRef<'_>> {
    let (oid, parameters) = match material {
        Material::Hmac(_) => return None,
        Material::Rsa(_) => (OID_RSA_ENCRYPTION, Some(AnyRef::NULL)),
        Material::Ec(ec) => (OID_EC_PUBLIC_KEY, Some(sec1::curve_oid(ec.curve).into())),
        Material::Ed25519(_) => (OID_ED25519, None),
    };
    Some(AlgorithmIdentifierRef { oid, parameters })
}

/// The `SubjectPublicKeyInfo` of an asymmetric key.
pub(crate) fn spki_der(material: &Material) -> Option<Vec<u8>> {
    let algorithm = algorithm_of(material)?;
    let rsa_key;
    let key = match material {
        Material::Hmac(_) => return None,
        Material::Rsa(rsa) => {
            rsa_key = pkcs1::public_der(rsa);
            &rsa_key
        }
        Material::Ec(ec) => &ec.point,
        Material::Ed25519(ed) => ed.public_key(),
    };
    asn1::encode(&SubjectPublicKeyInfoRef {
        algorithm,
        subject_public_key: BitStringRef::from_bytes(key).ok()?,
    })
}

/// The PKCS#8 document of a private asymmetric key: v1 for RSA and EC (what OpenSSL and ring
/// read), v2 with the public key for Ed25519 (what ring's checked loader wants).
pub(crate) fn pkcs8_der(material: &Material) -> Option<Secret> {
    let algorithm = algorithm_of(material)?;
    let (private, public) = match material {
        Material::Hmac(_) => return None,
        Material::Rsa(rsa) => (pkcs1::private_der(rsa)?, None),
        Material::Ec(ec) => (sec1::private_der(ec)?, None),
        Material::Ed25519(ed) => {
            let seed = OctetStringRef::new(ed.seed.as_ref()?.expose()).ok()?;
            (asn1::encode_secret(&seed)?, Some(ed.public_key()))
        }
    };
    asn1::encode_secret(&PrivateKeyInfo {
        algorithm,
        private_key: private.expose(),
        public_key: public,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_do_not_look_like_keys() {
        assert!(!looks_like_key_der(&[0x30; 64]));
        assert!(!looks_like_key_der(
            b"a perfectly ordinary secret of 32 bytes"
        ));
    }
}
