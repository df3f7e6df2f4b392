//! The seam between jwt-core and a cryptography provider.
//!
//! jwt-core never computes a signature itself: it hands the signing input to a [`Signer`] or
//! [`Verifier`] and trusts only the answer. jwt-crypto implements these traits on ring; the
//! tests of this crate use a toy provider. A [`KeySource`] picks the verifying key for a token,
//! so one key and a JWK set go through the same verify path.

use crate::algorithm::{Algorithm, KeyFamily};
use crate::error::Error;

/// A key that can produce JWS signatures.
pub trait Signer {
    /// Signs `signing_input` (`base64url(header) || '.' || base64url(payload)`) with `alg`.
    ///
    /// # Errors
    /// [`Error::AlgorithmNotAllowed`] when `alg` is not of this key's family or is not the
    /// algorithm the key is bound to; [`Error::InvalidKey`] when the key cannot sign (a public
    /// key) or the backend fails.
    fn sign(&self, alg: Algorithm, signing_input: &[u8]) -> Result<Vec<u8>, Error>;

    /// The key identifier that `encode` puts in the header's `kid`, if the key has one and
    /// the caller's header does not set it.
    fn key_id(&self) -> Option<&str> {
        None
    }

    /// The one algorithm this key signs with, when that is fixed: by the key itself (an EC
    /// curve, Ed25519) or by a binding (a JWK's `alg`). `None` when the caller must choose, as
    /// for an unbound RSA key or HMAC secret. [`Header::for_key`](crate::Header::for_key)
    /// reads it.
    fn signing_algorithm(&self) -> Option<Algorithm> {
        None
    }
}

/// A key that can check JWS signatures.
pub trait Verifier {
    /// The family of this key; a key only ever verifies algorithms of its family.
    fn family(&self) -> KeyFamily;

    /// Whether this key may verify `alg`: the algorithm is of the key's family, and the key
    /// is not bound (by a JWK `alg` or `use`) to something else. Called before any signature
    /// work, so a family mismatch is refused without computing anything.
    fn accepts(&self, alg: Algorithm) -> bool {
        alg.family() == self.family()
    }

    /// Checks `signature` over `signing_input` with `alg`. Implementations must compare in
    /// constant time where the algorithm calls for it (HMAC) and must refuse an `alg` they do
    /// not [`accept`](Verifier::accepts).
    ///
    /// # Errors
    /// [`Error::InvalidSignature`] when the signature does not hold (or has the wrong length);
    /// [`Error::AlgorithmNotAllowed`] for an `alg` the key does not accept.
    fn verify(&self, alg: Algorithm, signing_input: &[u8], signature: &[u8]) -> Result<(), Error>;
}

/// Where the verify path gets its key from: a single key, or a set to choose from by `kid`
/// and `alg`. Header members such as `jwk`, `jku`, `x5u` and `x5c` are never passed here, so no
/// token can bring its own key.
pub trait KeySource {
    /// The key to verify a token whose header says `alg` and `kid`.
    ///
    /// # Errors
    /// A single key fails with [`Error::AlgorithmNotAllowed`] when it does not accept `alg`;
    /// a set fails with [`Error::KeyNotFound`] when none of its keys fits (or two do).
    fn select(&self, alg: Algorithm, kid: Option<&str>) -> Result<&dyn Verifier, Error>;
}

/// A borrowed key source is a key source, so `decode(&token, &state.keys, &validation)`
/// works whether `state.keys` is a key, a set, or a reference to either.
impl<K: KeySource + ?Sized> KeySource for &K {
    fn select(&self, alg: Algorithm, kid: Option<&str>) -> Result<&dyn Verifier, Error> {
        (**self).select(alg, kid)
    }
}

/// A shared key source (the usual way a service holds its keys) is a key source.
impl<K: KeySource + ?Sized> KeySource for std::sync::Arc<K> {
    fn select(&self, alg: Algorithm, kid: Option<&str>) -> Result<&dyn Verifier, Error> {
        (**self).select(alg, kid)
    }
}

/// A boxed key source (`Box<dyn KeySource>`, when the kind is chosen at run time) is a key
/// source.
impl<K: KeySource + ?Sized> KeySource for Box<K> {
    fn select(&self, alg: Algorithm, kid: Option<&str>) -> Result<&dyn Verifier, Error> {
        (**self).select(alg, kid)
    }
}

/// The check every single-key [`KeySource`] makes: the key must accept the algorithm.
///
/// # Errors
/// [`Error::AlgorithmNotAllowed`] when `key` does not accept `alg`.
pub fn select_single(key: &dyn Verifier, alg: Algorithm) -> Result<&dyn Verifier, Error> {
    if key.accepts(alg) {
        Ok(key)
    } else {
        Err(Error::AlgorithmNotAllowed(format!(
            "{alg} cannot be verified with this {} key",
            key.family()
        )))
    }
}
