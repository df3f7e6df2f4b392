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

impl Ed25519Key {
    pub(crate) fn from_public(public: &[u8]) -> Result<Self, Error> {
        Ok(Ed25519Key {
            public: *exact_len(public, "public key")?,
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
