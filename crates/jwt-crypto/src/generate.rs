//! [`Key::generate`]: fresh keys of every family, from one parameter type.

use jwt_core::{Algorithm, Error};

use crate::backend;
use crate::format::secret;
use crate::key::Key;
use crate::material::{Curve, Material};
use crate::secret::Secret;

/// What [`Key::generate`] makes. Usually given as the algorithm the key is for:
/// `Key::generate(Algorithm::ES256)`; spell a variant out for a larger RSA key or a longer
/// secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeySpec {
    /// A random HMAC secret of this many bytes: at least 32 (RFC 7518 §3.2), at most 1024.
    Hmac {
        /// The secret's length in bytes.
        bytes: usize,
    },
    /// An RSA key of 2048, 3072 or 4096 bits, public exponent 65537. Needs the `aws-lc-rs`
    /// backend: ring cannot generate RSA keys.
    Rsa {
        /// The modulus size in bits.
        bits: usize,
    },
    /// An EC key on P-256, for ES256.
    EcP256,
    /// An EC key on P-384, for ES384.
    EcP384,
    /// An EC key on P-521, for ES512 (the `aws-lc-rs` backend).
    EcP521,
    /// An EC key on secp256k1, for ES256K (the `aws-lc-rs` backend).
    EcSecp256k1,
    /// An Ed25519 key, for EdDSA.
    Ed25519,
}

/// The key an algorithm needs: a secret as long as the hash for HS*, a 2048-bit key for RS*
/// and PS*, the algorithm's curve for ES*, Ed25519 for EdDSA.
impl From<Algorithm> for KeySpec {
    fn from(alg: Algorithm) -> KeySpec {
        match alg {
            Algorithm::ES256 => KeySpec::EcP256,
            Algorithm::ES384 => KeySpec::EcP384,
            Algorithm::ES512 => KeySpec::EcP521,
            Algorithm::ES256K => KeySpec::EcSecp256k1,
            Algorithm::EdDSA => KeySpec::Ed25519,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeySpec::Rsa { bits: 2048 },
            hmac => KeySpec::Hmac {
                // HS256/384/512; an algorithm added later without a rule here gets the
                // longest HMAC secret, and keeps failing loudly on use if it is no HMAC.
                bytes: hmac.min_secret_len().unwrap_or(64),
            },
        }
    }
}

/// The longest secret [`KeySpec::Hmac`] makes; longer ones only cost time in every HMAC.
const MAX_SECRET_BYTES: usize = 1024;

impl Key {
    /// Generates a fresh key from the system's random generator. The key is not bound to an
    /// algorithm (see [`Key::with_algorithm`]) and has no `kid` (see [`Key::with_key_id`]).
    ///
    /// ```
    /// use jwt_crypto::{Algorithm, Key, KeySpec};
    /// let signing = Key::generate(Algorithm::EdDSA)?.with_key_id("2026-12");
    /// let secret = Key::generate(KeySpec::Hmac { bytes: 64 })?;
    /// # Ok::<(), jwt_crypto::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a secret length or RSA size outside the ones listed on
    /// [`KeySpec`], or when the random generator fails; [`Error::Unsupported`] for what the
    /// compiled-in backend cannot generate (RSA, P-521 and secp256k1 keys under ring), naming
    /// the feature that can.
    pub fn generate(spec: impl Into<KeySpec>) -> Result<Key, Error> {
        let material = match spec.into() {
            KeySpec::Hmac { bytes } => generate_secret(bytes)?,
            // The backend checks the size (2048, 3072 or 4096).
            KeySpec::Rsa { bits } => backend::generate_rsa(bits)?,
            KeySpec::EcP256 => backend::generate_ec(Curve::P256)?,
            KeySpec::EcP384 => backend::generate_ec(Curve::P384)?,
            KeySpec::EcP521 => backend::generate_ec(Curve::P521)?,
            KeySpec::EcSecp256k1 => backend::generate_ec(Curve::Secp256k1)?,
            KeySpec::Ed25519 => backend::generate_ed25519()?,
        };
        Key::new(material)
    }
}

fn generate_secret(bytes: usize) -> Result<Material, Error> {
    if !(32..=MAX_SECRET_BYTES).contains(&bytes) {
        return Err(Error::InvalidKey(format!(
            "HMAC secrets are generated with 32 to {MAX_SECRET_BYTES} bytes, not {bytes}"
        )));
    }
    // A random secret that looks like DER or PEM is astronomically unlikely; should it
    // happen, draw again rather than fail.
    for _ in 0..4 {
        let mut random = Secret::zeroed(bytes);
        backend::fill_random(random.expose_mut())?;
        if let Ok(hmac) = secret::hmac_material(random.expose(), true) {
            return Ok(Material::Hmac(hmac));
        }
    }
    Err(Error::InvalidKey(
        "the system random generator failed".into(),
    ))
}
