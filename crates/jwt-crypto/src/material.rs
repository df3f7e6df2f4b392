//! Key material in neutral form: the numbers and bytes the standards define, checked against
//! the rules that hold whatever the backend (RFC 7518's minimum sizes, point encodings, weak
//! Ed25519 points, the ROCA fingerprint). The key formats produce it, a backend turns it into
//! its own key objects, and exports read it back.

use jwt_core::{Algorithm, Error, KeyFamily};

use crate::secret::Secret;

/// A key of any family, as its standards spell it.
#[derive(Debug)]
pub(crate) enum Material {
    Hmac(HmacMaterial),
    Rsa(RsaMaterial),
    Ec(EcMaterial),
    Ed25519(Ed25519Material),
}

impl Material {
    pub(crate) fn family(&self) -> KeyFamily {
        match self {
            Material::Hmac(_) => KeyFamily::Hmac,
            Material::Rsa(_) => KeyFamily::Rsa,
            Material::Ec(ec) => ec.curve.family(),
            Material::Ed25519(_) => KeyFamily::Ed25519,
        }
    }

    /// Whether the material can sign: an HMAC secret or a private key.
    pub(crate) fn is_private(&self) -> bool {
        match self {
            Material::Hmac(_) => true,
            Material::Rsa(rsa) => rsa.private.is_some(),
            Material::Ec(ec) => ec.d.is_some(),
            Material::Ed25519(ed) => ed.seed.is_some(),
        }
    }
}

/// An HMAC secret, and whether RFC 7518 §3.2's length rule applies to it.
#[derive(Debug)]
pub(crate) struct HmacMaterial {
    pub(crate) secret: Secret,
    /// When set, a hash longer than the secret is refused (HS384 needs 48 bytes, HS512 64).
    pub(crate) enforce_minimum: bool,
}

impl HmacMaterial {
    /// Whether the secret may be used with `alg`'s hash, and if not, why.
    pub(crate) fn check_length(&self, alg: Algorithm) -> Result<(), String> {
        match alg.min_secret_len() {
            Some(min) if self.enforce_minimum && self.secret.len() < min => Err(format!(
                "{alg} needs a secret of at least {min} bytes (RFC 7518 §3.2); this one has {}",
                self.secret.len()
            )),
            Some(_) => Ok(()),
            None => Err(format!("{alg} is not an HMAC algorithm")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// RSA

/// RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used".
pub(crate) const RSA_MIN_BITS: usize = 2048;
/// Larger moduli only cost time (and no backend verifies them); refused up front.
pub(crate) const RSA_MAX_BITS: usize = 8192;
/// The largest public exponent accepted: below 2^33, as ring requires.
const RSA_MAX_EXPONENT: u64 = (1 << 33) - 1;

/// The private members of an RSA key as the JWK and PKCS#1 spell them, big-endian without
/// leading zeros.
#[derive(Debug)]
pub(crate) struct RsaPrivate {
    pub(crate) d: Secret,
    pub(crate) p: Secret,
    pub(crate) q: Secret,
    pub(crate) dp: Secret,
    pub(crate) dq: Secret,
    pub(crate) qi: Secret,
}

impl RsaPrivate {
    /// Copies the six members, stripping leading zeros.
    pub(crate) fn new(d: &[u8], p: &[u8], q: &[u8], dp: &[u8], dq: &[u8], qi: &[u8]) -> Self {
        let strip = |bytes: &[u8]| Secret::from_slice(strip_leading_zeros(bytes));
        RsaPrivate {
            d: strip(d),
            p: strip(p),
            q: strip(q),
            dp: strip(dp),
            dq: strip(dq),
            qi: strip(qi),
        }
    }
}

/// An RSA public key, and its private members when it has them.
#[derive(Debug)]
pub(crate) struct RsaMaterial {
    pub(crate) n: Vec<u8>,
    pub(crate) e: Vec<u8>,
    pub(crate) bits: usize,
    pub(crate) private: Option<RsaPrivate>,
}

impl RsaMaterial {
    /// A public key, after the checks every backend needs: 2048 to 8192 bits, an odd modulus,
    /// an odd exponent from 3 to 2^33 − 1, and no ROCA fingerprint.
    pub(crate) fn public(n: &[u8], e: &[u8]) -> Result<Self, Error> {
        let (n, e) = (strip_leading_zeros(n), strip_leading_zeros(e));
        let bits = bit_len(n);
        if bits < RSA_MIN_BITS {
            return Err(Error::InvalidKey(format!(
                "RSA key of {bits} bits is too small; at least {RSA_MIN_BITS} bits are required"
            )));
        }
        if bits > RSA_MAX_BITS {
            return Err(Error::InvalidKey(format!(
                "RSA key of {bits} bits is too large; at most {RSA_MAX_BITS} bits are supported"
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
        if !(3..=RSA_MAX_EXPONENT).contains(&exponent) || exponent & 1 == 0 {
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
        Ok(RsaMaterial {
            n: n.to_vec(),
            e: e.to_vec(),
            bits,
            private: None,
        })
    }

    /// A private key: the public checks, plus the private members (which the backend checks
    /// against each other when it builds its key pair).
    pub(crate) fn private(n: &[u8], e: &[u8], private: RsaPrivate) -> Result<Self, Error> {
        let mut key = RsaMaterial::public(n, e)?;
        key.private = Some(private);
        Ok(key)
    }
}

/// The number of significant bits of a big-endian magnitude without leading zeros.
fn bit_len(magnitude: &[u8]) -> usize {
    match magnitude.first() {
        None => 0,
        Some(&first) => (magnitude.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
    }
}

/// A big-endian magnitude without its leading zero bytes.
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
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

// ---------------------------------------------------------------------------------------------
// EC

/// The curves JWS ECDSA uses that jwtkit implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

impl Curve {
    pub(crate) fn jwk_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
        }
    }

    /// Bytes in one coordinate, in the private scalar, and in each half of a signature.
    pub(crate) fn field_len(self) -> usize {
        match self {
            Curve::P256 | Curve::Secp256k1 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// The one JWS algorithm keys on this curve sign and verify.
    pub(crate) fn algorithm(self) -> Algorithm {
        match self {
            Curve::P256 => Algorithm::ES256,
            Curve::P384 => Algorithm::ES384,
            Curve::P521 => Algorithm::ES512,
            Curve::Secp256k1 => Algorithm::ES256K,
        }
    }

    pub(crate) fn family(self) -> KeyFamily {
        match self {
            Curve::P256 => KeyFamily::EcP256,
            Curve::P384 => KeyFamily::EcP384,
            Curve::P521 => KeyFamily::EcP521,
            Curve::Secp256k1 => KeyFamily::EcSecp256k1,
        }
    }

    /// The curve of an EC key family.
    pub(crate) fn of_family(family: KeyFamily) -> Option<Curve> {
        match family {
            KeyFamily::EcP256 => Some(Curve::P256),
            KeyFamily::EcP384 => Some(Curve::P384),
            KeyFamily::EcP521 => Some(Curve::P521),
            KeyFamily::EcSecp256k1 => Some(Curve::Secp256k1),
            _ => None,
        }
    }
}

/// An EC public point (`04 || x || y`), and the private scalar when there is one. Whether the
/// point lies on the curve, and belongs to the scalar, the backend checks when it loads them.
#[derive(Debug)]
pub(crate) struct EcMaterial {
    pub(crate) curve: Curve,
    pub(crate) point: Vec<u8>,
    /// Left-padded to the field size.
    pub(crate) d: Option<Secret>,
}

impl EcMaterial {
    pub(crate) fn new(curve: Curve, point: &[u8], d: Option<&[u8]>) -> Result<Self, Error> {
        let name = curve.jwk_name();
        match point.first() {
            Some(0x04) if point.len() == 1 + 2 * curve.field_len() => {}
            Some(0x02 | 0x03) => {
                return Err(Error::InvalidKey(format!(
                    "compressed {name} points are not supported; use the uncompressed form"
                )));
            }
            _ => {
                return Err(Error::InvalidKey(format!(
                    "{name} public key is not an uncompressed point"
                )));
            }
        }
        let len = curve.field_len();
        let d = match d {
            Some(d) if d.len() > len => {
                return Err(Error::InvalidKey(format!(
                    "{name} private key is {} bytes; expected {len}",
                    d.len()
                )));
            }
            Some(d) => {
                // A short encoding may have dropped leading zeros.
                let mut padded = Secret::zeroed(len);
                let start = len - d.len();
                if let Some(tail) = padded.expose_mut().get_mut(start..) {
                    tail.copy_from_slice(d);
                }
                Some(padded)
            }
            None => None,
        };
        Ok(EcMaterial {
            curve,
            point: point.to_vec(),
            d,
        })
    }

    /// The affine coordinates `x` and `y`.
    pub(crate) fn coordinates(&self) -> (&[u8], &[u8]) {
        let xy = self.point.get(1..).unwrap_or_default();
        xy.split_at_checked(self.curve.field_len())
            .unwrap_or((xy, &[]))
    }
}

// ---------------------------------------------------------------------------------------------
// Ed25519

/// Bytes in an Ed25519 public key and private seed.
pub(crate) const ED25519_KEY_LEN: usize = 32;

/// An Ed25519 public key, and the seed when there is one. A seed may come without its public
/// key (PKCS#8 v1, as OpenSSL writes it): the backend derives it.
#[derive(Debug)]
pub(crate) struct Ed25519Material {
    pub(crate) public: Option<[u8; ED25519_KEY_LEN]>,
    pub(crate) seed: Option<Secret>,
}

impl Ed25519Material {
    pub(crate) fn public(public: &[u8]) -> Result<Self, Error> {
        let public = *exact_len(public, "public key")?;
        refuse_weak_ed25519_key(&public)?;
        Ok(Ed25519Material {
            public: Some(public),
            seed: None,
        })
    }

    pub(crate) fn private(seed: &[u8], public: Option<&[u8]>) -> Result<Self, Error> {
        let seed = exact_len(seed, "private key")?;
        let public = match public {
            Some(public) => Some(*exact_len(public, "public key")?),
            None => None,
        };
        Ok(Ed25519Material {
            public,
            seed: Some(Secret::from_slice(seed)),
        })
    }

    /// The public key; `None` only before the backend has derived it from the seed.
    pub(crate) fn public_key(&self) -> &[u8] {
        self.public.as_ref().map_or(&[], |public| public.as_slice())
    }
}

fn exact_len<'a>(bytes: &'a [u8], what: &str) -> Result<&'a [u8; ED25519_KEY_LEN], Error> {
    bytes.try_into().map_err(|_| {
        Error::InvalidKey(format!(
            "Ed25519 {what} is {} bytes; expected {ED25519_KEY_LEN}",
            bytes.len()
        ))
    })
}

/// The y-coordinates (little-endian, sign bit clear) of the eight points of small order: the
/// identity, the point of order 2, and those of orders 4 and 8. Common Ed25519 verifiers do not
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
pub(crate) fn refuse_weak_ed25519_key(public: &[u8; 32]) -> Result<(), Error> {
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
