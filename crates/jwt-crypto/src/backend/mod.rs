//! The cryptography behind the keys: turning neutral key material into a backend's own key
//! objects once, signing and verifying with them, randomness, hashing and key generation.
//!
//! Exactly one backend is compiled in, chosen by a cargo feature: `ring` (the default) or
//! `aws-lc-rs`. Each offers the same items (`Prepared`, `fill_random`, `sha256`,
//! `generate_rsa`, `generate_ec`, `generate_ed25519`), so the rest of the crate never names a backend.

use jwt_core::{Algorithm, Error, KeyFamily};

#[cfg(all(feature = "ring", feature = "aws-lc-rs"))]
compile_error!(
    "jwt-crypto takes exactly one crypto backend: enable `ring` or `aws-lc-rs`, not both \
     (with `aws-lc-rs`, turn off the default features)"
);

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!(
    "jwt-crypto needs a crypto backend: enable the `ring` feature (the default) or `aws-lc-rs`"
);

#[cfg(feature = "ring")]
mod ring;
#[cfg(feature = "ring")]
pub(crate) use self::ring::*;

#[cfg(all(feature = "aws-lc-rs", not(feature = "ring")))]
mod aws_lc;
#[cfg(all(feature = "aws-lc-rs", not(feature = "ring")))]
pub(crate) use self::aws_lc::*;

/// The algorithms the compiled-in backend signs and verifies: every [`Algorithm`] with
/// aws-lc-rs; all but ES512 and ES256K with ring, which has neither curve.
pub fn supported_algorithms() -> &'static [Algorithm] {
    // Derived from the one list of algorithms: ring lacks the P-521 and secp256k1 families.
    static SUPPORTED: std::sync::LazyLock<Vec<Algorithm>> = std::sync::LazyLock::new(|| {
        Algorithm::ALL
            .iter()
            .copied()
            .filter(|alg| {
                cfg!(not(feature = "ring"))
                    || !matches!(alg.family(), KeyFamily::EcP521 | KeyFamily::EcSecp256k1)
            })
            .collect()
    });
    &SUPPORTED
}

// What both backends share: the order they keep one key per HMAC hash in, and their errors.

/// Where an HMAC algorithm's key sits in a backend's `[HS256, HS384, HS512]` array.
fn hmac_index(alg: Algorithm) -> Result<usize, Error> {
    match alg {
        Algorithm::HS256 => Ok(0),
        Algorithm::HS384 => Ok(1),
        Algorithm::HS512 => Ok(2),
        other => Err(not_for(other, "HMAC")),
    }
}

fn not_for(alg: Algorithm, family: &str) -> Error {
    Error::AlgorithmNotAllowed(format!("{alg} is not an {family} algorithm"))
}

fn public_only(family: &str) -> Error {
    Error::InvalidKey(format!("an {family} public key cannot sign"))
}

fn rng_failed() -> Error {
    Error::InvalidKey("the system random generator failed".into())
}
