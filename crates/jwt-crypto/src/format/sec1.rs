//! SEC1 (RFC 5915) `ECPrivateKey`, read and written by the `sec1` crate, and the named curves
//! of RFC 5480.

use der::asn1::{AnyRef, ObjectIdentifier as Oid};
use der::{ErrorKind, Tag, Tagged};
use jwt_core::Error;
use sec1::{EcParameters, EcPrivateKey};

use crate::format::asn1;
use crate::material::{Curve, EcMaterial};
use crate::secret::Secret;

const OID_P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: Oid = Oid::new_unwrap("1.3.132.0.34");
const OID_P521: Oid = Oid::new_unwrap("1.3.132.0.35");
const OID_SECP256K1: Oid = Oid::new_unwrap("1.3.132.0.10");

fn curve_from_oid(oid: Oid) -> Result<Curve, Error> {
    match oid {
        OID_P256 => Ok(Curve::P256),
        OID_P384 => Ok(Curve::P384),
        OID_P521 => Ok(Curve::P521),
        OID_SECP256K1 => Ok(Curve::Secp256k1),
        _ => Err(Error::InvalidKey(format!(
            "EC curve {oid} is not supported; only P-256, P-384, P-521 and secp256k1 are"
        ))),
    }
}

pub(crate) fn curve_oid(curve: Curve) -> &'static Oid {
    match curve {
        Curve::P256 => &OID_P256,
        Curve::P384 => &OID_P384,
        Curve::P521 => &OID_P521,
        Curve::Secp256k1 => &OID_SECP256K1,
    }
}

fn explicit_curve() -> Error {
    Error::InvalidKey("explicit EC curve parameters are not supported; use a named curve".into())
}

/// The curve an `AlgorithmIdentifier`'s parameters name. Explicit curve parameters are
/// refused, since they would let a key name a curve of its own making.
pub(crate) fn read_curve(parameters: Option<AnyRef<'_>>) -> Result<Curve, Error> {
    match parameters {
        Some(any) if any.tag() == Tag::Sequence => Err(explicit_curve()),
        Some(any) => curve_from_oid(any.decode_as().map_err(asn1::malformed)?),
        None => Err(Error::InvalidKey(
            "EC key algorithm does not name its curve".into(),
        )),
    }
}

/// `ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING, parameters [0]
/// ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }`.
///
/// `outer_curve` is the curve named by a PKCS#8 wrapper, if any; `outer_point` is a PKCS#8 v2
/// public key, if any. The public key must be present somewhere: the backend does not derive it.
pub(crate) fn parse_private(
    der_bytes: &[u8],
    outer_curve: Option<Curve>,
    outer_point: Option<&[u8]>,
) -> Result<EcMaterial, Error> {
    let key: EcPrivateKey<'_> = der::Decode::from_der(der_bytes).map_err(|error| {
        match error.kind() {
            // `ECParameters` other than a named curve is the SEQUENCE of explicit parameters.
            ErrorKind::TagUnexpected {
                expected: Some(Tag::ObjectIdentifier),
                actual: Tag::Sequence,
            } => explicit_curve(),
            // The version is the only INTEGER, and its only valid value is 1.
            ErrorKind::Value { tag: Tag::Integer } => {
                Error::InvalidKey("unknown ECPrivateKey version; expected 1".into())
            }
            _ => asn1::malformed(error),
        }
    })?;
    let inner_curve = match key.parameters {
        Some(EcParameters::NamedCurve(oid)) => Some(curve_from_oid(oid)?),
        None => None,
    };
    let curve = match (outer_curve, inner_curve) {
        (Some(outer), Some(inner)) if outer != inner => {
            return Err(Error::InvalidKey(
                "EC private key names two different curves".into(),
            ));
        }
        (Some(curve), _) | (None, Some(curve)) => curve,
        (None, None) => {
            return Err(Error::InvalidKey(
                "EC private key does not name its curve".into(),
            ));
        }
    };
    let point = match (key.public_key, outer_point) {
        (Some(inner), Some(outer)) if inner != outer => {
            return Err(Error::InvalidKey(
                "EC private key holds two different public keys".into(),
            ));
        }
        (Some(point), _) | (None, Some(point)) => point,
        (None, None) => {
            return Err(Error::InvalidKey(
                "EC private key does not include its public key, which is needed to check it"
                    .into(),
            ));
        }
    };
    EcMaterial::new(curve, point, Some(key.private_key))
}

/// The `ECPrivateKey` for a PKCS#8 wrapper: no `parameters` (the wrapper names the curve),
/// with the public key, as ring writes it. `None` for a public key.
pub(crate) fn private_der(ec: &EcMaterial) -> Option<Secret> {
    asn1::encode_secret(&EcPrivateKey {
        private_key: ec.d.as_ref()?.expose(),
        parameters: None,
        public_key: Some(&ec.point),
    })
}
