//! Private key material we keep beside the backend's own key objects, so a key can be exported
//! again (`to_private_jwk`, `to_pkcs8_pem`) and an HMAC key can be thumbprinted.

use std::fmt;

use zeroize::Zeroizing;

/// Bytes that must never be printed and are wiped when dropped (the `zeroize` crate's
/// volatile writes, which the optimiser cannot remove).
pub(crate) struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Secret(Zeroizing::new(bytes))
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Self {
        Secret::new(bytes.to_vec())
    }

    pub(crate) fn zeroed(len: usize) -> Self {
        Secret::new(vec![0; len])
    }

    pub(crate) fn expose_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }

    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}
