//! Private key material we keep beside ring's own key objects, so a key can be exported again
//! (`to_private_jwk`, `to_pkcs8_pem`) and an HMAC key can be thumbprinted.

use std::fmt;

/// Bytes that must never be printed and are wiped (best effort) when dropped.
///
/// Wiping without `unsafe` cannot be guaranteed against the optimiser; `black_box` makes the
/// writes observable in practice. Copies made by callers (decoded base64, exported PEM) are
/// theirs to look after.
pub(crate) struct Secret(Vec<u8>);

impl Secret {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Self {
        Secret(bytes.to_vec())
    }

    pub(crate) fn zeroed(len: usize) -> Self {
        Secret(vec![0; len])
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

impl Drop for Secret {
    fn drop(&mut self) {
        for byte in self.0.iter_mut() {
            *byte = 0;
        }
        std::hint::black_box(&self.0);
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}
