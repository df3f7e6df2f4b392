//! The ring backend: ring's key objects built once from neutral material, and every JWS
//! algorithm ring implements.
//!
//! RSA public keys of 2048 to 8192 bits verify; ring signs with RSA private keys of 2048 to
//! 4096 bits whose public exponent is at least 65537. ECDSA on P-256 and P-384 with the
//! fixed-width `r || s` signatures of RFC 7518 §3.4; Ed25519; HMAC with SHA-2.

use std::sync::LazyLock;

use jwt_core::{Algorithm, Error};

use super::{hmac_index, not_for, public_only, rng_failed};
use ring::rand::{SecureRandom, SystemRandom};
use ring::rsa::{KeyPairComponents, PublicKeyComponents};
use ring::signature::{
    self, EcdsaKeyPair, EcdsaSigningAlgorithm, EcdsaVerificationAlgorithm, Ed25519KeyPair, KeyPair,
    RsaEncoding, RsaKeyPair, RsaParameters,
};
use ring::{agreement, digest, hmac};

use crate::format::pkix;
use crate::material::{Curve, EcMaterial, Ed25519Material, Material, RsaMaterial};
use crate::secret::Secret;

/// ring's limit for RSA private keys.
const RSA_MAX_PRIVATE_BITS: usize = 4096;

/// The one random source for PSS salts, ECDSA nonces and key generation.
static RNG: LazyLock<SystemRandom> = LazyLock::new(SystemRandom::new);

/// Fills `out` from the operating system's random generator.
pub(crate) fn fill_random(out: &mut [u8]) -> Result<(), Error> {
    RNG.fill(out).map_err(|_| rng_failed())
}

/// SHA-256, for RFC 7638 thumbprints.
pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, data).as_ref().to_vec()
}

/// A fresh EC key on `curve`.
pub(crate) fn generate_ec(curve: Curve) -> Result<Material, Error> {
    let document =
        EcdsaKeyPair::generate_pkcs8(signing(curve)?, &*RNG).map_err(|_| rng_failed())?;
    pkix::parse_pkcs8(Secret::from_slice(document.as_ref()).expose())
}

/// ring cannot generate RSA keys (of any size).
pub(crate) fn generate_rsa(_bits: usize) -> Result<Material, Error> {
    Err(Error::Unsupported(
        "RSA key generation needs jwt-crypto's `aws-lc-rs` feature; ring cannot generate RSA \
         keys (or make one with OpenSSL and load its PEM)"
            .into(),
    ))
}

/// A fresh Ed25519 key.
pub(crate) fn generate_ed25519() -> Result<Material, Error> {
    let document = Ed25519KeyPair::generate_pkcs8(&*RNG).map_err(|_| rng_failed())?;
    pkix::parse_pkcs8(Secret::from_slice(document.as_ref()).expose())
}

/// ring's objects for one key, built once when the key is loaded.
// One per key, kept inline: boxing the large variants would add an indirection to every
// signature for a few hundred bytes per key.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Prepared {
    /// One HMAC key per hash, in the order HS256, HS384, HS512.
    Hmac([hmac::Key; 3]),
    /// RSA public keys are verified from the material's `n` and `e`; private keys sign.
    Rsa(Option<RsaKeyPair>),
    /// EC public points are verified from the material; private keys sign.
    Ec(Option<EcdsaKeyPair>),
    Ed25519(Option<Ed25519KeyPair>),
}

impl Prepared {
    /// Builds ring's key objects, checking what only ring can (a point on its curve, a private
    /// key matching its public key) and completing what ring derives (an Ed25519 public key
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
            Material::Rsa(rsa) => Prepared::Rsa(rsa_pair(rsa)?),
            Material::Ec(ec) => Prepared::Ec(ec_pair(ec)?),
            Material::Ed25519(ed) => Prepared::Ed25519(ed25519_pair(ed)?),
        })
    }

    /// Signs with `alg`, which the caller has checked fits the key's family.
    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, Error> {
        match self {
            Prepared::Hmac(keys) => Ok(hmac::sign(hmac_key(keys, alg)?, message).as_ref().to_vec()),
            Prepared::Rsa(pair) => {
                let pair = pair.as_ref().ok_or_else(|| public_only("RSA"))?;
                let mut signature = vec![0; pair.public().modulus_len()];
                pair.sign(rsa_padding(alg)?, &*RNG, message, &mut signature)
                    .map_err(|_| Error::InvalidKey("RSA signing failed".into()))?;
                Ok(signature)
            }
            Prepared::Ec(pair) => {
                let pair = pair.as_ref().ok_or_else(|| public_only("EC"))?;
                let signature = pair
                    .sign(&*RNG, message)
                    .map_err(|_| Error::InvalidKey("ECDSA signing failed".into()))?;
                Ok(signature.as_ref().to_vec())
            }
            Prepared::Ed25519(pair) => {
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
            (Prepared::Rsa(_), Material::Rsa(rsa)) => PublicKeyComponents {
                n: rsa.n.as_slice(),
                e: rsa.e.as_slice(),
            }
            .verify(rsa_verification(alg)?, message, sig),
            (Prepared::Ec(_), Material::Ec(ec)) => {
                if sig.len() != 2 * ec.curve.field_len() {
                    return Err(Error::InvalidSignature);
                }
                signature::UnparsedPublicKey::new(verification(ec.curve)?, &ec.point)
                    .verify(message, sig)
            }
            (Prepared::Ed25519(_), Material::Ed25519(ed)) => {
                signature::UnparsedPublicKey::new(&signature::ED25519, ed.public_key())
                    .verify(message, sig)
            }
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

fn rsa_pair(rsa: &RsaMaterial) -> Result<Option<RsaKeyPair>, Error> {
    let Some(private) = &rsa.private else {
        return Ok(None);
    };
    if rsa.bits > RSA_MAX_PRIVATE_BITS {
        return Err(Error::InvalidKey(format!(
            "RSA private keys above {RSA_MAX_PRIVATE_BITS} bits cannot sign with ring; this one has {} bits",
            rsa.bits
        )));
    }
    if rsa.e.len() < 3 {
        return Err(Error::InvalidKey(
            "RSA private keys need a public exponent of at least 65537 to sign with ring".into(),
        ));
    }
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
    RsaKeyPair::from_components(&components)
        .map(Some)
        .map_err(|rejected| Error::InvalidKey(format!("RSA private key refused: {rejected}")))
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

fn rsa_verification(alg: Algorithm) -> Result<&'static RsaParameters, Error> {
    Ok(match alg {
        Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
        Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
        Algorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
        other => return Err(not_for(other, "RSA")),
    })
}

fn signing(curve: Curve) -> Result<&'static EcdsaSigningAlgorithm, Error> {
    match curve {
        Curve::P256 => Ok(&signature::ECDSA_P256_SHA256_FIXED_SIGNING),
        Curve::P384 => Ok(&signature::ECDSA_P384_SHA384_FIXED_SIGNING),
        Curve::P521 | Curve::Secp256k1 => Err(needs_aws_lc(curve)),
    }
}

fn verification(curve: Curve) -> Result<&'static EcdsaVerificationAlgorithm, Error> {
    match curve {
        Curve::P256 => Ok(&signature::ECDSA_P256_SHA256_FIXED),
        Curve::P384 => Ok(&signature::ECDSA_P384_SHA384_FIXED),
        Curve::P521 | Curve::Secp256k1 => Err(needs_aws_lc(curve)),
    }
}

fn agreement_algorithm(curve: Curve) -> Result<&'static agreement::Algorithm, Error> {
    match curve {
        Curve::P256 => Ok(&agreement::ECDH_P256),
        Curve::P384 => Ok(&agreement::ECDH_P384),
        Curve::P521 | Curve::Secp256k1 => Err(needs_aws_lc(curve)),
    }
}

/// ring implements neither P-521 nor secp256k1.
fn needs_aws_lc(curve: Curve) -> Error {
    Error::Unsupported(format!(
        "{} keys ({}) need jwt-crypto's `aws-lc-rs` feature; the `ring` backend has no such curve",
        curve.jwk_name(),
        curve.algorithm()
    ))
}

/// Checks the point and, for a private key, builds the signing pair (ring checks that the
/// scalar and the point belong together). ring exposes no point parser, so a public point is
/// checked with an ECDH agreement against a throwaway key: ring validates the peer's point
/// there, and refuses one off the curve.
fn ec_pair(ec: &EcMaterial) -> Result<Option<EcdsaKeyPair>, Error> {
    let name = ec.curve.jwk_name();
    let Some(d) = &ec.d else {
        let algorithm = agreement_algorithm(ec.curve)?;
        let ephemeral =
            agreement::EphemeralPrivateKey::generate(algorithm, &*RNG).map_err(|_| rng_failed())?;
        let peer = agreement::UnparsedPublicKey::new(algorithm, &ec.point);
        agreement::agree_ephemeral(ephemeral, &peer, |_| ()).map_err(|_| {
            Error::InvalidKey(format!("{name} public key is not a point on the curve"))
        })?;
        return Ok(None);
    };
    EcdsaKeyPair::from_private_key_and_public_key(signing(ec.curve)?, d.expose(), &ec.point, &*RNG)
        .map(Some)
        .map_err(|rejected| {
            Error::InvalidKey(format!(
                "{name} private key refused (does the public key match?): {rejected}"
            ))
        })
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
        Error::InvalidKey("ring derived an Ed25519 public key of the wrong length".into())
    })?;
    ed.public = Some(public);
    Ok(Some(pair))
}
