//! The aws-lc-rs backend: AWS-LC's key objects built once from neutral material. Public keys
//! are parsed once into `ParsedPublicKey`s, so a verification does no key parsing at all.
//!
//! RSA public keys of 2048 to 8192 bits verify, and private keys of those sizes sign. ECDSA on
//! P-256, P-384, P-521 and secp256k1 (RFC 8812) with the fixed-width `r || s` signatures of
//! RFC 7518 §3.4; Ed25519; HMAC with SHA-2.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{KeyPairComponents, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, EcdsaSigningAlgorithm, EcdsaVerificationAlgorithm, Ed25519KeyPair, KeyPair,
    ParsedPublicKey, RsaEncoding, RsaKeyPair, RsaParameters,
};
use aws_lc_rs::{digest, hmac};
use jwt_core::{Algorithm, Error};

use super::{hmac_index, not_for, public_only, rng_failed};

use crate::format::{pkcs1, pkix};
use crate::material::{Curve, EcMaterial, Ed25519Material, Material, RsaMaterial};
use crate::secret::Secret;

/// Fills `out` from the operating system's random generator.
pub(crate) fn fill_random(out: &mut [u8]) -> Result<(), Error> {
    SystemRandom::new().fill(out).map_err(|_| rng_failed())
}

/// SHA-256, for RFC 7638 thumbprints.
pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, data).as_ref().to_vec()
}

/// A fresh EC key on `curve`.
pub(crate) fn generate_ec(curve: Curve) -> Result<Material, Error> {
    let document = EcdsaKeyPair::generate_pkcs8(signing(curve), &SystemRandom::new())
        .map_err(|_| rng_failed())?;
    pkix::parse_pkcs8(Secret::from_slice(document.as_ref()).expose())
}

/// A fresh RSA key of `bits` (2048, 3072 or 4096), public exponent 65537.
pub(crate) fn generate_rsa(bits: usize) -> Result<Material, Error> {
    let size = match bits {
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        4096 => KeySize::Rsa4096,
        other => {
            return Err(Error::InvalidKey(format!(
                "RSA keys are generated with 2048, 3072 or 4096 bits, not {other}"
            )));
        }
    };
    let pair = RsaKeyPair::generate(size).map_err(|_| rng_failed())?;
    let document: Pkcs8V1Der<'static> = pair
        .as_der()
        .map_err(|_| Error::InvalidKey("AWS-LC could not encode a generated RSA key".into()))?;
    pkix::parse_pkcs8(Secret::from_slice(document.as_ref()).expose())
}

/// A fresh Ed25519 key.
pub(crate) fn generate_ed25519() -> Result<Material, Error> {
    let document =
        Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| rng_failed())?;
    pkix::parse_pkcs8(Secret::from_slice(document.as_ref()).expose())
}

/// The six RSA algorithms, in the order [`RsaKeys::verifiers`] keeps their parsed keys.
const RSA_ALGORITHMS: [Algorithm; 6] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
];

/// An RSA key: one parsed public key per algorithm (AWS-LC binds the padding to it), and the
/// signing pair of a private key.
pub(crate) struct RsaKeys {
    verifiers: [ParsedPublicKey; 6],
    pair: Option<RsaKeyPair>,
}

/// AWS-LC's objects for one key, built once when the key is loaded.
// One per key, kept inline: boxing the large variants would add an indirection to every
// signature for a few hundred bytes per key.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Prepared {
    /// One HMAC key per hash, in the order HS256, HS384, HS512.
    Hmac([hmac::Key; 3]),
    Rsa(RsaKeys),
    Ec {
        verifier: ParsedPublicKey,
        pair: Option<EcdsaKeyPair>,
    },
    Ed25519 {
        verifier: ParsedPublicKey,
        pair: Option<Ed25519KeyPair>,
    },
}

impl Prepared {
    /// Builds AWS-LC's key objects, checking what only it can (a point on its curve, a private
    /// key matching its public key) and completing what it derives (an Ed25519 public key
    /// from its seed).
    pub(crate) fn new(material: &mut Material) -> Result<Prepared, Error> {
        Ok(match material {
            Material::Hmac(hmac) => {
                let secret = hmac.secret.expose();
                Prepared::Hmac([
                    hmac::Key::new(hmac::HMAC_SHA256, secret),
                    hmac::Key::new(hmac::HMAC_SHA384, secret),
                    hmac::Key::new(hmac::HMAC_SHA512, secret),
                ])
            }
            Material::Rsa(rsa) => Prepared::Rsa(rsa_keys(rsa)?),
            Material::Ec(ec) => {
                let (verifier, pair) = ec_keys(ec)?;
                Prepared::Ec { verifier, pair }
            }
            Material::Ed25519(ed) => {
                let pair = ed25519_pair(ed)?;
                let verifier = ParsedPublicKey::new(&signature::ED25519, ed.public_key()).map_err(
                    |rejected| Error::InvalidKey(format!("Ed25519 public key refused: {rejected}")),
                )?;
                Prepared::Ed25519 { verifier, pair }
            }
        })
    }

    /// Signs with `alg`, which the caller has checked fits the key's family.
    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, Error> {
        match self {
            Prepared::Hmac(keys) => Ok(hmac::sign(hmac_key(keys, alg)?, message).as_ref().to_vec()),
            Prepared::Rsa(rsa) => {
                let pair = rsa.pair.as_ref().ok_or_else(|| public_only("RSA"))?;
                let mut signature = vec![0; pair.public_modulus_len()];
                pair.sign(
                    rsa_padding(alg)?,
                    &SystemRandom::new(),
                    message,
                    &mut signature,
                )
                .map_err(|_| Error::InvalidKey("RSA signing failed".into()))?;
                Ok(signature)
            }
            Prepared::Ec { pair, .. } => {
                let pair = pair.as_ref().ok_or_else(|| public_only("EC"))?;
                let signature = pair
                    .sign(&SystemRandom::new(), message)
                    .map_err(|_| Error::InvalidKey("ECDSA signing failed".into()))?;
                Ok(signature.as_ref().to_vec())
            }
            Prepared::Ed25519 { pair, .. } => {
                let pair = pair.as_ref().ok_or_else(|| public_only("Ed25519"))?;
                Ok(pair.sign(message).as_ref().to_vec())
            }
        }
    }

    /// Verifies a signature made with `alg`, which the caller has checked fits the key. A
    /// signature of the wrong length (a DER ECDSA signature, a truncated MAC) is refused.
    pub(crate) fn verify(
        &self,
        material: &Material,
        alg: Algorithm,
        message: &[u8],
        sig: &[u8],
    ) -> Result<(), Error> {
        let verified = match (self, material) {
            (Prepared::Hmac(keys), _) => hmac::verify(hmac_key(keys, alg)?, message, sig),
            (Prepared::Rsa(rsa), _) => {
                let index = RSA_ALGORITHMS
                    .iter()
                    .position(|&rsa_alg| rsa_alg == alg)
                    .ok_or_else(|| not_for(alg, "RSA"))?;
                rsa.verifiers
                    .get(index)
                    .ok_or_else(|| not_for(alg, "RSA"))?
                    .verify_sig(message, sig)
            }
            (Prepared::Ec { verifier, .. }, Material::Ec(ec)) => {
                if sig.len() != 2 * ec.curve.field_len() {
                    return Err(Error::InvalidSignature);
                }
                verifier.verify_sig(message, sig)
            }
            (Prepared::Ed25519 { verifier, .. }, _) => verifier.verify_sig(message, sig),
            _ => {
                return Err(Error::InvalidKey(
                    "key material and backend key disagree".into(),
                ));
            }
        };
        verified.map_err(|_| Error::InvalidSignature)
    }
}

fn hmac_key(keys: &[hmac::Key; 3], alg: Algorithm) -> Result<&hmac::Key, Error> {
    keys.get(hmac_index(alg)?)
        .ok_or_else(|| not_for(alg, "HMAC"))
}

fn rsa_keys(rsa: &RsaMaterial) -> Result<RsaKeys, Error> {
    let public = pkcs1::public_der(rsa);
    let parse = |params: &'static RsaParameters| {
        ParsedPublicKey::new(params, &public)
            .map_err(|rejected| Error::InvalidKey(format!("RSA public key refused: {rejected}")))
    };
    let verifiers = [
        parse(&signature::RSA_PKCS1_2048_8192_SHA256)?,
        parse(&signature::RSA_PKCS1_2048_8192_SHA384)?,
        parse(&signature::RSA_PKCS1_2048_8192_SHA512)?,
        parse(&signature::RSA_PSS_2048_8192_SHA256)?,
        parse(&signature::RSA_PSS_2048_8192_SHA384)?,
        parse(&signature::RSA_PSS_2048_8192_SHA512)?,
    ];
    let pair = match &rsa.private {
        None => None,
        Some(private) => {
            let components = KeyPairComponents {
                public_key: PublicKeyComponents {
                    n: rsa.n.as_slice(),
                    e: rsa.e.as_slice(),
                },
                d: private.d.expose(),
                p: private.p.expose(),
                q: private.q.expose(),
                dP: private.dp.expose(),
                dQ: private.dq.expose(),
                qInv: private.qi.expose(),
            };
            Some(
                RsaKeyPair::from_components(&components).map_err(|rejected| {
                    Error::InvalidKey(format!("RSA private key refused: {rejected}"))
                })?,
            )
        }
    };
    Ok(RsaKeys { verifiers, pair })
}

fn rsa_padding(alg: Algorithm) -> Result<&'static dyn RsaEncoding, Error> {
    Ok(match alg {
        Algorithm::RS256 => &signature::RSA_PKCS1_SHA256,
        Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
        Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
        Algorithm::PS256 => &signature::RSA_PSS_SHA256,
        Algorithm::PS384 => &signature::RSA_PSS_SHA384,
        Algorithm::PS512 => &signature::RSA_PSS_SHA512,
        other => return Err(not_for(other, "RSA")),
    })
}

fn signing(curve: Curve) -> &'static EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        Curve::P521 => &signature::ECDSA_P521_SHA512_FIXED_SIGNING,
        Curve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_FIXED_SIGNING,
    }
}

fn verification(curve: Curve) -> &'static EcdsaVerificationAlgorithm {
    match curve {
        Curve::P256 => &signature::ECDSA_P256_SHA256_FIXED,
        Curve::P384 => &signature::ECDSA_P384_SHA384_FIXED,
        Curve::P521 => &signature::ECDSA_P521_SHA512_FIXED,
        Curve::Secp256k1 => &signature::ECDSA_P256K1_SHA256_FIXED,
    }
}

/// Parses the point (AWS-LC refuses one off the curve) and, for a private key, builds the
/// signing pair (AWS-LC checks that the scalar and the point belong together).
fn ec_keys(ec: &EcMaterial) -> Result<(ParsedPublicKey, Option<EcdsaKeyPair>), Error> {
    let name = ec.curve.jwk_name();
    let verifier = ParsedPublicKey::new(verification(ec.curve), &ec.point)
        .map_err(|_| Error::InvalidKey(format!("{name} public key is not a point on the curve")))?;
    let pair = match &ec.d {
        None => None,
        Some(d) => Some(
            EcdsaKeyPair::from_private_key_and_public_key(signing(ec.curve), d.expose(), &ec.point)
                .map_err(|rejected| {
                    Error::InvalidKey(format!(
                        "{name} private key refused (does the public key match?): {rejected}"
                    ))
                })?,
        ),
    };
    Ok((verifier, pair))
}

/// Builds the signing pair from the seed, checking a given public key against it or
/// deriving it (PKCS#8 v1, as OpenSSL writes it, carries none).
fn ed25519_pair(ed: &mut Ed25519Material) -> Result<Option<Ed25519KeyPair>, Error> {
    let Some(seed) = &ed.seed else {
        return Ok(None);
    };
    let pair = match &ed.public {
        Some(public) => {
            Ed25519KeyPair::from_seed_and_public_key(seed.expose(), public).map_err(|_| {
                Error::InvalidKey("Ed25519 public key does not match the private key".into())
            })?
        }
        None => Ed25519KeyPair::from_seed_unchecked(seed.expose()).map_err(|rejected| {
            Error::InvalidKey(format!("Ed25519 private key refused: {rejected}"))
        })?,
    };
    let public = pair.public_key().as_ref().try_into().map_err(|_| {
        Error::InvalidKey("AWS-LC derived an Ed25519 public key of the wrong length".into())
    })?;
    ed.public = Some(public);
    Ok(Some(pair))
}
