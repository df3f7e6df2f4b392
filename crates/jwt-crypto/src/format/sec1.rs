//! SEC1 (RFC 5915) `ECPrivateKey`, and the named curves of RFC 5480.

use jwt_core::Error;

use crate::format::der::{self, Reader};
use crate::material::{Curve, EcMaterial};
use crate::secret::Secret;

const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_SECP256K1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x0a];

pub(crate) fn curve_from_oid(oid: &[u8]) -> Result<Curve, Error> {
    match oid {
        OID_P256 => Ok(Curve::P256),
        OID_P384 => Ok(Curve::P384),
        OID_P521 => Ok(Curve::P521),
        OID_SECP256K1 => Ok(Curve::Secp256k1),
        _ => Err(Error::InvalidKey(
            "EC curve is not supported; only P-256, P-384, P-521 and secp256k1 are".into(),
        )),
    }
}

pub(crate) fn curve_oid(curve: Curve) -> &'static [u8] {
    match curve {
        Curve::P256 => OID_P256,
        Curve::P384 => OID_P384,
        Curve::P521 => OID_P521,
        Curve::Secp256k1 => OID_SECP256K1,
    }
}

/// Reads the `namedCurve` of `ECParameters`; explicit curve parameters are refused, since
/// they would let a key name a curve of its own making.
pub(crate) fn read_curve(reader: &mut Reader<'_>) -> Result<Curve, Error> {
    if reader.peek_tag() == Some(der::SEQUENCE) {
        return Err(Error::InvalidKey(
            "explicit EC curve parameters are not supported; use a named curve".into(),
        ));
    }
    curve_from_oid(reader.oid()?)
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
    der::parse_all(der_bytes, |reader| {
        let mut seq = reader.sequence()?;
        if seq.small_integer()? != 1 {
            return Err(Error::InvalidKey("unknown ECPrivateKey version".into()));
        }
        let d = seq.octet_string()?;
        let inner_curve = match seq.read_optional(der::context_constructed(0))? {
            Some(params) => Some(der::parse_all(params, read_curve)?),
            None => None,
        };
        let inner_point = match seq.read_optional(der::context_constructed(1))? {
            Some(public) => Some(der::parse_all(public, |r| r.bit_string())?),
            None => None,
        };
        seq.finish()?;
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
        let point = match (inner_point, outer_point) {
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
        EcMaterial::new(curve, point, Some(d))
    })
}

/// The `ECPrivateKey` for a PKCS#8 wrapper: no `parameters` (the wrapper names the curve),
/// with the public key, as ring writes it. `None` for a public key.
pub(crate) fn private_der(ec: &EcMaterial) -> Option<Secret> {
    let d = Secret::new(der::octet_string(ec.d.as_ref()?.expose()));
    let public = der::tlv(der::context_constructed(1), &der::bit_string(&ec.point));
    Some(Secret::new(der::sequence(&[
        &der::small_integer(1),
        d.expose(),
        &public,
    ])))
}
