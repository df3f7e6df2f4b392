//! EdDSA with Ed25519 (RFC 8037). Ed448 is not implemented by ring and is refused.

use std::fmt;

use jwt_core::{Algorithm, Error};
use ring::signature::{self, Ed25519KeyPair, KeyPair};

use crate::secret::Secret;

/// Bytes in an Ed25519 public key, private seed, and half a signature.
pub(crate) const KEY_LEN: usize = 32;
const SIGNATURE_LEN: usize = 64;

struct Private {
    pair: Ed25519KeyPair,
    seed: Secret,
}

pub(crate) struct Ed25519Key {
    /// The encoded public point. ring exposes no Ed25519 point parser, so only the length is
    /// checked at load; ring decodes the point when it verifies.
    public: [u8; KEY_LEN],
    private: Option<Private>,
}

fn exact_len<'a>(bytes: &'a [u8], what: &str) -> Result<&'a [u8; KEY_LEN], Error> {
    bytes.try_into().map_err(|_| {
        Error::InvalidKey(format!(
            "Ed25519 {what} is {} bytes; expected {KEY_LEN}",
            bytes.len()
        ))
    })
}

/// The y-coordinates (little-endian, sign bit clear) of the eight points of small order: the
/// identity, the point of order 2, and those of orders 4 and 8. ring's verification does not
/// reject them, and with such a public key a signature of `R = small-order point, S = 0`
/// verifies for any message — a universal forgery for whoever can get the key into a set.
/// (Computed from the curve equation; the same list as libsodium's `has_small_order`.)
const SMALL_ORDER_Y: [[u8; 32]; 5] = [
    [0; 32],
    {
        let mut one = [0; 32];
        one[0] = 1;
        one
    },
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    {
        // p - 1, that is y = -1.
        let mut minus_one = [0xff; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        minus_one
    },
];

/// Refuses public keys of small order and non-canonical encodings (y ≥ p = 2^255 − 19), which
/// alias small-order points too (p and p + 1 encode y = 0 and y = 1).
fn refuse_weak_public_key(public: &[u8; 32]) -> Result<(), Error> {
    let mut y = *public;
    y[31] &= 0x7f;
    if SMALL_ORDER_Y.contains(&y) {
        return Err(Error::InvalidKey(
            "the Ed25519 public key is a point of small order, which would verify forged signatures".into(),
        ));
    }
    // y ≥ p exactly when the top 31 bytes are at their maximum and the low byte is ≥ 0xed.
    let top_is_max = y[31] == 0x7f && y[1..31].iter().all(|&b| b == 0xff);
    if top_is_max && y[0] >= 0xed {
        return Err(Error::InvalidKey(
            "the Ed25519 public key is not canonically encoded (y is not below 2^255 - 19)".into(),
        ));
    }
    Ok(())
}

impl Ed25519Key {
    pub(crate) fn from_public(public: &[u8]) -> Result<Self, Error> {
        let public = *exact_len(public, "public key")?;
        refuse_weak_public_key(&public)?;
        Ok(Ed25519Key {
            public,
            private: None,
        })
    }

    /// Takes the 32-byte seed and, when known, the public key, which ring then checks against
    /// the seed (PKCS#8 v2, JWK). Without it (PKCS#8 v1, as OpenSSL writes) ring derives it.
    pub(crate) fn from_private(seed: &[u8], public: Option<&[u8]>) -> Result<Self, Error> {
        let seed = exact_len(seed, "private key")?;
        let pair = match public {
            Some(public) => {
                Ed25519KeyPair::from_seed_and_public_key(seed, exact_len(public, "public key")?)
                    .map_err(|_| {
                        Error::InvalidKey(
                            "Ed25519 public key does not match the private key".into(),
                        )
                    })?
            }
            None => Ed25519KeyPair::from_seed_unchecked(seed).map_err(|rejected| {
                Error::InvalidKey(format!("Ed25519 private key refused: {rejected}"))
            })?,
        };
        let public = *exact_len(pair.public_key().as_ref(), "public key")?;
        Ok(Ed25519Key {
            public,
            private: Some(Private {
                pair,
                seed: Secret::from_slice(seed),
            }),
        })
    }

    pub(crate) fn public(&self) -> &[u8] {
        &self.public
    }

    pub(crate) fn seed(&self) -> Option<&[u8]> {
        self.private.as_ref().map(|private| private.seed.expose())
    }

    pub(crate) fn is_private(&self) -> bool {
        self.private.is_some()
    }

    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, Error> {
        check_alg(alg)?;
        let private = self
            .private
            .as_ref()
            .ok_or_else(|| Error::InvalidKey("an Ed25519 public key cannot sign".into()))?;
        Ok(private.pair.sign(message).as_ref().to_vec())
    }

    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], sig: &[u8]) -> Result<(), Error> {
        check_alg(alg)?;
        if sig.len() != SIGNATURE_LEN {
            return Err(Error::InvalidSignature);
        }
        signature::UnparsedPublicKey::new(&signature::ED25519, &self.public)
            .verify(message, sig)
            .map_err(|_| Error::InvalidSignature)
    }
}

fn check_alg(alg: Algorithm) -> Result<(), Error> {
    if alg == Algorithm::EdDSA {
        Ok(())
    } else {
        Err(Error::AlgorithmNotAllowed(format!(
            "{alg} cannot be used with an Ed25519 key"
        )))
    }
}

impl fmt::Debug for Ed25519Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519Key").finish_non_exhaustive()
    }
}
