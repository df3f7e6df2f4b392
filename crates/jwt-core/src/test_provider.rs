//! A toy, insecure crypto provider so jwt-core's logic is tested without real cryptography
//! (the idea comes from rustls' test provider). Its "signature" is an FNV-1a checksum.

use crate::algorithm::{Algorithm, KeyFamily};
use crate::crypto::{KeySource, Signer, Verifier, select_single};
use crate::error::Error;

#[derive(Debug, Clone, Copy)]
pub(crate) struct ToyKey {
    family: KeyFamily,
    secret: u64,
}

impl ToyKey {
    pub(crate) const fn hmac(secret: u64) -> Self {
        ToyKey {
            family: KeyFamily::Hmac,
            secret,
        }
    }

    pub(crate) const fn rsa(secret: u64) -> Self {
        ToyKey {
            family: KeyFamily::Rsa,
            secret,
        }
    }

    fn checksum(&self, alg: Algorithm, input: &[u8]) -> [u8; 8] {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let bytes = self.secret.to_le_bytes();
        for byte in bytes.iter().chain(alg.as_str().as_bytes()).chain(input) {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
        hash.to_be_bytes()
    }
}

impl Signer for ToyKey {
    fn sign(&self, alg: Algorithm, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        select_single(self, alg)?;
        Ok(self.checksum(alg, signing_input).to_vec())
    }
}

impl Verifier for ToyKey {
    fn family(&self) -> KeyFamily {
        self.family
    }

    fn verify(&self, alg: Algorithm, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        select_single(self, alg)?;
        if self.checksum(alg, signing_input) == signature {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

impl KeySource for ToyKey {
    fn select(&self, alg: Algorithm, _kid: Option<&str>) -> Result<&dyn Verifier, Error> {
        select_single(self, alg)
    }
}
