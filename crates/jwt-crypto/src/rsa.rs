//! RS256/384/512 (RSASSA-PKCS1-v1_5) and PS256/384/512 (RSASSA-PSS with MGF1 over the same
//! hash and a salt as long as the hash, RFC 7518 §3.5), and the PKCS#1 key structures.
//!
//! Public keys of 2048 to 8192 bits verify. ring signs with private keys of 2048 to 4096 bits
//! whose size is a multiple of 512 bits and whose public exponent is at least 65537.

use std::fmt;

use jwt_core::{Algorithm, Error};
use ring::rsa::{KeyPairComponents, PublicKeyComponents};
use ring::signature::{self, RsaEncoding, RsaKeyPair, RsaParameters};

use crate::der;
use crate::key::rng;
use crate::secret::Secret;

/// RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used".
pub(crate) const MIN_BITS: usize = 2048;
/// ring's verification limit; larger moduli only cost time and are refused up front.
pub(crate) const MAX_BITS: usize = 8192;
/// ring's limit for private keys.
const MAX_PRIVATE_BITS: usize = 4096;
/// ring's limit for the public exponent: below 2^33.
const MAX_EXPONENT: u64 = (1 << 33) - 1;

/// The private members of an RSA key as the JWK and PKCS#1 spell them, big-endian without
/// leading zeros.
pub(crate) struct PrivateParts {
    pub(crate) d: Secret,
    pub(crate) p: Secret,
    pub(crate) q: Secret,
    pub(crate) dp: Secret,
    pub(crate) dq: Secret,
    pub(crate) qi: Secret,
}

impl PrivateParts {
    /// Copies the six members, stripping leading zeros.
    pub(crate) fn new(d: &[u8], p: &[u8], q: &[u8], dp: &[u8], dq: &[u8], qi: &[u8]) -> Self {
        let strip = |bytes: &[u8]| Secret::from_slice(der::strip_leading_zeros(bytes));
        PrivateParts {
            d: strip(d),
            p: strip(p),
            q: strip(q),
            dp: strip(dp),
            dq: strip(dq),
            qi: strip(qi),
        }
    }
}

struct Private {
    pair: RsaKeyPair,
    parts: PrivateParts,
}

pub(crate) struct RsaKey {
    /// Validated at load against ring's own rules; ring has no public type for a parsed RSA
    /// public key, so these are the ring-ready bytes it reads per verification.
    public: PublicKeyComponents<Vec<u8>>,
    bits: usize,
    private: Option<Private>,
}

/// The number of significant bits of a big-endian magnitude without leading zeros.
fn bit_len(magnitude: &[u8]) -> usize {
    match magnitude.first() {
        None => 0,
        Some(&first) => (magnitude.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
    }
}

/// Checks a modulus and exponent against what ring will accept, so a key that loads is a key
/// that verifies; returns the modulus size in bits.
fn check_public(n: &[u8], e: &[u8]) -> Result<usize, Error> {
    let bits = bit_len(n);
    if bits < MIN_BITS {
        return Err(Error::InvalidKey(format!(
            "RSA key of {bits} bits is too small; at least {MIN_BITS} bits are required"
        )));
    }
    if bits > MAX_BITS {
        return Err(Error::InvalidKey(format!(
            "RSA key of {bits} bits is too large; at most {MAX_BITS} bits are supported"
        )));
    }
    if n.last().is_none_or(|last| last & 1 == 0) {
        return Err(Error::InvalidKey("RSA modulus is even".into()));
    }
    let exponent = if e.len() <= 8 {
        e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    } else {
        u64::MAX
    };
    if !(3..=MAX_EXPONENT).contains(&exponent) || exponent & 1 == 0 {
        return Err(Error::InvalidKey(
            "RSA public exponent must be odd, at least 3 and below 2^33".into(),
        ));
    }
    if has_roca_fingerprint(n) {
        return Err(Error::InvalidKey(
            "RSA modulus has the ROCA fingerprint (CVE-2017-15361): its private key can be \
             computed from it; replace the key"
                .into(),
        ));
    }
    Ok(bits)
}

/// The odd primes below 168. Infineon's flawed generator (ROCA, CVE-2017-15361) made primes
/// of the form `k·M + (65537^a mod M)`, with `M` a primorial that every key size's `M` shares
/// these primes with, so such a modulus is, modulo each of them, a power of 65537.
const ROCA_PRIMES: [u32; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// Whether `n` is, modulo every prime of [`ROCA_PRIMES`], in the subgroup that 65537 generates:
/// true of every modulus the flawed generator made, and of a random modulus with a probability
/// far below any key collision.
fn has_roca_fingerprint(n: &[u8]) -> bool {
    ROCA_PRIMES.iter().all(|&prime| {
        let residue = n
            .iter()
            .fold(0, |acc, &byte| (acc * 256 + u32::from(byte)) % prime);
        let generator = 65_537 % prime;
        // Walk the powers of 65537 until they cycle back to 1.
        let mut power = 1;
        loop {
            if power == residue {
                return true;
            }
            power = power * generator % prime;
            if power == 1 {
                return false;
            }
        }
    })
}

impl RsaKey {
    pub(crate) fn from_public(n: &[u8], e: &[u8]) -> Result<Self, Error> {
        let (n, e) = (der::strip_leading_zeros(n), der::strip_leading_zeros(e));
        let bits = check_public(n, e)?;
        Ok(RsaKey {
            public: PublicKeyComponents {
                n: n.to_vec(),
                e: e.to_vec(),
            },
            bits,
            private: None,
        })
    }

    pub(crate) fn from_private(n: &[u8], e: &[u8], parts: PrivateParts) -> Result<Self, Error> {
        let mut key = RsaKey::from_public(n, e)?;
        if key.bits > MAX_PRIVATE_BITS {
            return Err(Error::InvalidKey(format!(
                "RSA private keys above {MAX_PRIVATE_BITS} bits cannot sign with ring; this one has {} bits",
                key.bits
            )));
        }
        if key.public.e.len() < 3 {
            return Err(Error::InvalidKey(
                "RSA private keys need a public exponent of at least 65537 to sign with ring"
                    .into(),
            ));
        }
        let components = KeyPairComponents {
            public_key: PublicKeyComponents {
                n: key.public.n.as_slice(),
                e: key.public.e.as_slice(),
            },
            d: parts.d.expose(),
            p: parts.p.expose(),
            q: parts.q.expose(),
            dP: parts.dp.expose(),
            dQ: parts.dq.expose(),
            qInv: parts.qi.expose(),
        };
        let pair = RsaKeyPair::from_components(&components).map_err(|rejected| {
            Error::InvalidKey(format!("RSA private key refused: {rejected}"))
        })?;
        key.private = Some(Private { pair, parts });
        Ok(key)
    }

    /// PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
    pub(crate) fn parse_pkcs1_public(der: &[u8]) -> Result<Self, Error> {
        der::parse_all(der, |reader| {
            let mut seq = reader.sequence()?;
            let n = seq.unsigned_integer()?;
            let e = seq.unsigned_integer()?;
            seq.finish()?;
            RsaKey::from_public(n, e)
        })
    }

    /// PKCS#1 `RSAPrivateKey`, two-prime (version 0) only.
    pub(crate) fn parse_pkcs1_private(der: &[u8]) -> Result<Self, Error> {
        der::parse_all(der, |reader| {
            let mut seq = reader.sequence()?;
            match seq.small_integer()? {
                0 => {}
                1 => {
                    return Err(Error::InvalidKey(
                        "multi-prime RSA keys are not supported".into(),
                    ));
                }
                v => {
                    return Err(Error::InvalidKey(format!(
                        "unknown RSAPrivateKey version {v}"
                    )));
                }
            }
            let (n, e, d) = (
                seq.unsigned_integer()?,
                seq.unsigned_integer()?,
                seq.unsigned_integer()?,
            );
            let (p, q) = (seq.unsigned_integer()?, seq.unsigned_integer()?);
            let (dp, dq, qi) = (
                seq.unsigned_integer()?,
                seq.unsigned_integer()?,
                seq.unsigned_integer()?,
            );
            seq.finish()?;
            RsaKey::from_private(n, e, PrivateParts::new(d, p, q, dp, dq, qi))
        })
    }

    pub(crate) fn to_pkcs1_public_der(&self) -> Vec<u8> {
        der::sequence(&[
            &der::unsigned_integer(&self.public.n),
            &der::unsigned_integer(&self.public.e),
        ])
    }

    pub(crate) fn to_pkcs1_private_der(&self) -> Option<Secret> {
        let parts = &self.private.as_ref()?.parts;
        let ints: Vec<Secret> = [
            &[][..],
            &self.public.n,
            &self.public.e,
            parts.d.expose(),
            parts.p.expose(),
            parts.q.expose(),
            parts.dp.expose(),
            parts.dq.expose(),
            parts.qi.expose(),
        ]
        .iter()
        .map(|value| Secret::new(der::unsigned_integer(value)))
        .collect();
        let elements: Vec<&[u8]> = ints.iter().map(Secret::expose).collect();
        Some(Secret::new(der::sequence(&elements)))
    }

    pub(crate) fn n(&self) -> &[u8] {
        &self.public.n
    }

    pub(crate) fn e(&self) -> &[u8] {
        &self.public.e
    }

    pub(crate) fn private_parts(&self) -> Option<&PrivateParts> {
        self.private.as_ref().map(|private| &private.parts)
    }

    pub(crate) fn is_private(&self) -> bool {
        self.private.is_some()
    }

    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, Error> {
        let padding: &'static dyn RsaEncoding = match alg {
            Algorithm::RS256 => &signature::RSA_PKCS1_SHA256,
            Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
            Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
            Algorithm::PS256 => &signature::RSA_PSS_SHA256,
            Algorithm::PS384 => &signature::RSA_PSS_SHA384,
            Algorithm::PS512 => &signature::RSA_PSS_SHA512,
            _ => {
                return Err(Error::AlgorithmNotAllowed(format!(
                    "{alg} is not an RSA algorithm"
                )));
            }
        };
        let private = self
            .private
            .as_ref()
            .ok_or_else(|| Error::InvalidKey("an RSA public key cannot sign".into()))?;
        let mut signature = vec![0; private.pair.public().modulus_len()];
        private
            .pair
            .sign(padding, rng(), message, &mut signature)
            .map_err(|_| Error::InvalidKey("RSA signing failed".into()))?;
        Ok(signature)
    }

    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], sig: &[u8]) -> Result<(), Error> {
        let params: &'static RsaParameters = match alg {
            Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
            Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
            Algorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
            _ => {
                return Err(Error::AlgorithmNotAllowed(format!(
                    "{alg} is not an RSA algorithm"
                )));
            }
        };
        self.public
            .verify(params, message, sig)
            .map_err(|_| Error::InvalidSignature)
    }
}

impl fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaKey")
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}
