//! The JWS algorithms jwtkit implements, and the key family each one needs.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A JWS signature algorithm, spelt as JOSE spells it (RFC 7518 §3.1, RFC 8037 §3.1).
///
/// `none` is deliberately absent: an unsecured token can never be represented, so it can
/// never be allowed. New algorithms may be added, so matches need a wildcard arm.
///
/// ES512 and ES256K need a backend that implements P-521 and secp256k1 (jwt-crypto's
/// `aws-lc-rs` feature); elsewhere their keys are refused as `Unsupported`.
///
/// Serde reads and writes the JOSE name, with the same exact-spelling rule as [`FromStr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // the names are the JOSE registry's
#[non_exhaustive]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    EdDSA,
    ES512,
    /// ECDSA on secp256k1 with SHA-256 (RFC 8812).
    ES256K,
}

/// The kind of key an algorithm needs. A key belongs to exactly one family and never verifies
/// an algorithm of another, which is what rules out HS/RS key confusion. New families may be
/// added, so matches need a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFamily {
    /// A shared secret for HS256/384/512.
    Hmac,
    /// An RSA key for RS* and PS*.
    Rsa,
    /// An EC key on P-256, for ES256.
    EcP256,
    /// An EC key on P-384, for ES384.
    EcP384,
    /// An EC key on P-521, for ES512.
    EcP521,
    /// An EC key on secp256k1, for ES256K (RFC 8812).
    EcSecp256k1,
    /// An Ed25519 key, for EdDSA.
    Ed25519,
}

impl Algorithm {
    /// Every algorithm, in declaration order (new ones go last: the C layer numbers them by
    /// position). A slice, so that adding one is not a breaking
    /// change.
    pub const ALL: &'static [Algorithm] = &[
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
        Algorithm::ES512,
        Algorithm::ES256K,
    ];

    /// The JOSE name, e.g. `"ES256"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::ES256K => "ES256K",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    /// For an HMAC algorithm, the shortest secret RFC 7518 §3.2 allows: as long as its hash
    /// output (32, 48 or 64 bytes). `None` for the others.
    pub const fn min_secret_len(self) -> Option<usize> {
        match self {
            Algorithm::HS256 => Some(32),
            Algorithm::HS384 => Some(48),
            Algorithm::HS512 => Some(64),
            _ => None,
        }
    }

    /// The family of key this algorithm signs and verifies with.
    pub const fn family(self) -> KeyFamily {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyFamily::Hmac,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeyFamily::Rsa,
            Algorithm::ES256 => KeyFamily::EcP256,
            Algorithm::ES384 => KeyFamily::EcP384,
            Algorithm::ES512 => KeyFamily::EcP521,
            Algorithm::ES256K => KeyFamily::EcSecp256k1,
            Algorithm::EdDSA => KeyFamily::Ed25519,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses the exact JOSE spelling; `"hs256"`, `"HS256 "` and `"none"` are refused.
impl FromStr for Algorithm {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Error> {
        Algorithm::ALL
            .iter()
            .copied()
            .find(|alg| alg.as_str() == name)
            .ok_or_else(|| {
                Error::AlgorithmNotAllowed(format!("{name:?} is not a supported algorithm"))
            })
    }
}

impl serde::Serialize for Algorithm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Algorithm {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for KeyFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyFamily::Hmac => "HMAC",
            KeyFamily::Rsa => "RSA",
            KeyFamily::EcP256 => "EC P-256",
            KeyFamily::EcP384 => "EC P-384",
            KeyFamily::EcP521 => "EC P-521",
            KeyFamily::EcSecp256k1 => "EC secp256k1",
            KeyFamily::Ed25519 => "Ed25519",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_look_alikes_are_refused() {
        for &alg in Algorithm::ALL {
            assert_eq!(alg.as_str().parse::<Algorithm>(), Ok(alg));
        }
        for bad in [
            "none", "None", "hs256", "HS256 ", " HS256", "EDDSA", "es512", "ES256k", "ES521", "",
        ] {
            assert!(bad.parse::<Algorithm>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn serde_uses_the_jose_name_and_refuses_look_alikes() {
        for &alg in Algorithm::ALL {
            let json = serde_json::to_string(&alg).unwrap();
            assert_eq!(json, format!("\"{alg}\""));
            assert_eq!(serde_json::from_str::<Algorithm>(&json).unwrap(), alg);
        }
        for bad in [r#""none""#, r#""hs256""#, "1", "null"] {
            assert!(
                serde_json::from_str::<Algorithm>(bad).is_err(),
                "{bad} read"
            );
        }
    }
}
