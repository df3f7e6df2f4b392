//! ES256 (P-256, SHA-256) and ES384 (P-384, SHA-384) with the fixed-width `r || s` signatures
//! JWS uses (RFC 7518 §3.4), and the SEC1 `ECPrivateKey` structure.

use std::fmt;

use jwt_core::{Algorithm, Error, KeyFamily};
use ring::agreement;
use ring::signature::{self, EcdsaKeyPair, EcdsaSigningAlgorithm, EcdsaVerificationAlgorithm};

use crate::der::{self, Reader};
use crate::key::rng;
use crate::secret::Secret;

const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_SECP256K1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x0a];

/// The two curves JWS ECDSA uses that ring implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
}

impl Curve {
    pub(crate) fn from_oid(oid: &[u8]) -> Result<Curve, Error> {
        match oid {
            OID_P256 => Ok(Curve::P256),
            OID_P384 => Ok(Curve::P384),
            OID_P521 => Err(Error::InvalidKey(
                "EC curve P-521 (ES512) is not supported".into(),
            )),
            OID_SECP256K1 => Err(Error::InvalidKey(
                "EC curve secp256k1 (ES256K) is not supported".into(),
            )),
            _ => Err(Error::InvalidKey(
                "EC curve is not supported; only P-256 and P-384 are".into(),
            )),
        }
    }

    /// Reads the `namedCurve` of `ECParameters`; explicit curve parameters are refused, since
    /// they would let a key name a curve of its own making.
    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Curve, Error> {
        if reader.peek_tag() == Some(der::SEQUENCE) {
            return Err(Error::InvalidKey(
                "explicit EC curve parameters are not supported; use a named curve".into(),
            ));
        }
        Curve::from_oid(reader.oid()?)
    }

    pub(crate) fn oid(self) -> &'static [u8] {
        match self {
            Curve::P256 => OID_P256,
            Curve::P384 => OID_P384,
        }
    }

    pub(crate) fn jwk_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    /// Bytes in one coordinate, in the private scalar, and in each half of a signature.
    pub(crate) fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }

    pub(crate) fn family(self) -> KeyFamily {
        match self {
            Curve::P256 => KeyFamily::EcP256,
            Curve::P384 => KeyFamily::EcP384,
        }
    }

    pub(crate) fn algorithm(self) -> Algorithm {
        match self {
            Curve::P256 => Algorithm::ES256,
            Curve::P384 => Algorithm::ES384,
        }
    }

    pub(crate) fn signing(self) -> &'static EcdsaSigningAlgorithm {
        match self {
            Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        }
    }

    fn verification(self) -> &'static EcdsaVerificationAlgorithm {
        match self {
            Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED,
            Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED,
        }
    }

    fn agreement(self) -> &'static agreement::Algorithm {
        match self {
            Curve::P256 => &agreement::ECDH_P256,
            Curve::P384 => &agreement::ECDH_P384,
        }
    }
}

struct Private {
    pair: EcdsaKeyPair,
    d: Secret,
}

pub(crate) struct EcKey {
    curve: Curve,
    /// The uncompressed point `04 || x || y`, validated at load; ring's ECDSA verification
    /// takes it as bytes.
    point: Vec<u8>,
    private: Option<Private>,
}

/// Checks the encoding of an uncompressed point; compressed points are refused.
fn check_point_encoding(curve: Curve, point: &[u8]) -> Result<(), Error> {
    let name = curve.jwk_name();
    match point.first() {
        Some(0x04) if point.len() == 1 + 2 * curve.field_len() => Ok(()),
        Some(0x02 | 0x03) => Err(Error::InvalidKey(format!(
            "compressed {name} points are not supported; use the uncompressed form"
        ))),
        _ => Err(Error::InvalidKey(format!(
            "{name} public key is not an uncompressed point"
        ))),
    }
}

impl EcKey {
    /// Takes a public point after checking that it lies on the curve. ring exposes no point
    /// parser, so the check is an ECDH agreement with a throwaway key: ring validates the
    /// peer's point there, and refuses one off the curve.
    pub(crate) fn from_public(curve: Curve, point: &[u8]) -> Result<Self, Error> {
        check_point_encoding(curve, point)?;
        let invalid = || {
            Error::InvalidKey(format!(
                "{} public key is not a point on the curve",
                curve.jwk_name()
            ))
        };
        let ephemeral = agreement::EphemeralPrivateKey::generate(curve.agreement(), rng())
            .map_err(|_| Error::InvalidKey("the system random generator failed".into()))?;
        let peer = agreement::UnparsedPublicKey::new(curve.agreement(), point);
        agreement::agree_ephemeral(ephemeral, &peer, |_| ()).map_err(|_| invalid())?;
        Ok(EcKey {
            curve,
            point: point.to_vec(),
            private: None,
        })
    }

    /// Takes a private scalar (left-padded to the field size if a short encoding dropped
    /// leading zeros) and its public point; ring checks that the two belong together.
    pub(crate) fn from_private(curve: Curve, d: &[u8], point: &[u8]) -> Result<Self, Error> {
        check_point_encoding(curve, point)?;
        let len = curve.field_len();
        if d.len() > len {
            return Err(Error::InvalidKey(format!(
                "{} private key is {} bytes; expected {len}",
                curve.jwk_name(),
                d.len()
            )));
        }
        let mut padded = vec![0; len.saturating_sub(d.len())];
        padded.extend_from_slice(d);
        let padded = Secret::new(padded);
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            curve.signing(),
            padded.expose(),
            point,
            rng(),
        )
        .map_err(|rejected| {
            Error::InvalidKey(format!(
                "{} private key refused (does the public key match?): {rejected}",
                curve.jwk_name()
            ))
        })?;
        Ok(EcKey {
            curve,
            point: point.to_vec(),
            private: Some(Private { pair, d: padded }),
        })
    }

    /// SEC1 `ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING,
    /// parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }`.
    ///
    /// `outer_curve` is the curve named by a PKCS#8 wrapper, if any; `outer_point` is a PKCS#8
    /// v2 public key, if any. The public key must be present somewhere: ring cannot derive it.
    pub(crate) fn parse_sec1(
        der_bytes: &[u8],
        outer_curve: Option<Curve>,
        outer_point: Option<&[u8]>,
    ) -> Result<Self, Error> {
        der::parse_all(der_bytes, |reader| {
            let mut seq = reader.sequence()?;
            if seq.small_integer()? != 1 {
                return Err(Error::InvalidKey("unknown ECPrivateKey version".into()));
            }
            let d = seq.octet_string()?;
            let inner_curve = match seq.read_optional(der::context_constructed(0))? {
                Some(params) => Some(der::parse_all(params, Curve::read)?),
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
                        "EC private key does not include its public key, which ring needs".into(),
                    ));
                }
            };
            EcKey::from_private(curve, d, point)
        })
    }

    /// The `ECPrivateKey` for a PKCS#8 wrapper: no `parameters` (the wrapper names the curve),
    /// with the public key, as ring writes it.
    pub(crate) fn to_sec1_der(&self) -> Option<Secret> {
        let private = self.private.as_ref()?;
        let d = Secret::new(der::octet_string(private.d.expose()));
        let public = der::tlv(der::context_constructed(1), &der::bit_string(&self.point));
        Some(Secret::new(der::sequence(&[
            &der::small_integer(1),
            d.expose(),
            &public,
        ])))
    }

    pub(crate) fn curve(&self) -> Curve {
        self.curve
    }

    pub(crate) fn point(&self) -> &[u8] {
        &self.point
    }

    /// The affine coordinates `x` and `y`.
    pub(crate) fn coordinates(&self) -> (&[u8], &[u8]) {
        let xy = self.point.get(1..).unwrap_or_default();
        xy.split_at_checked(self.curve.field_len())
            .unwrap_or((xy, &[]))
    }

    pub(crate) fn private_scalar(&self) -> Option<&[u8]> {
        self.private.as_ref().map(|private| private.d.expose())
    }

    pub(crate) fn is_private(&self) -> bool {
        self.private.is_some()
    }

    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, Error> {
        self.check_alg(alg)?;
        let private = self
            .private
            .as_ref()
            .ok_or_else(|| Error::InvalidKey("an EC public key cannot sign".into()))?;
        let signature = private
            .pair
            .sign(rng(), message)
            .map_err(|_| Error::InvalidKey("ECDSA signing failed".into()))?;
        Ok(signature.as_ref().to_vec())
    }

    /// Verifies a JWS ECDSA signature: exactly `r || s` at the field size. A DER signature or
    /// any other length is refused before ring sees it.
    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], sig: &[u8]) -> Result<(), Error> {
        self.check_alg(alg)?;
        if sig.len() != 2 * self.curve.field_len() {
            return Err(Error::InvalidSignature);
        }
        signature::UnparsedPublicKey::new(self.curve.verification(), &self.point)
            .verify(message, sig)
            .map_err(|_| Error::InvalidSignature)
    }

    fn check_alg(&self, alg: Algorithm) -> Result<(), Error> {
        if alg == self.curve.algorithm() {
            Ok(())
        } else {
            Err(Error::AlgorithmNotAllowed(format!(
                "{alg} cannot be used with a {} key",
                self.curve.jwk_name()
            )))
        }
    }
}

impl fmt::Debug for EcKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcKey")
            .field("curve", &self.curve.jwk_name())
            .finish_non_exhaustive()
    }
}
