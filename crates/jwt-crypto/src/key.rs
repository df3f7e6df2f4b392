//! [`Key`]: one signing or verifying key of any family, parsed once into ring's types.

use std::fmt;
use std::sync::LazyLock;

use jwt_core::{Algorithm, Error, KeyFamily, KeySource, Signer, Verifier};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair};
use serde_json::{Map, Value};

use crate::ecdsa::{Curve, EcKey};
use crate::eddsa::Ed25519Key;
use crate::hmac::HmacKey;
use crate::rsa::RsaKey;
use crate::secret::Secret;
use crate::{jwk, pem, pkix};

/// The one random source for PSS salts, ECDSA nonces and key generation.
static RNG: LazyLock<SystemRandom> = LazyLock::new(SystemRandom::new);

pub(crate) fn rng() -> &'static SystemRandom {
    &RNG
}

/// The key material, by family.
#[derive(Debug)]
pub(crate) enum KeyKind {
    Hmac(HmacKey),
    Rsa(RsaKey),
    Ec(EcKey),
    Ed25519(Ed25519Key),
}

impl KeyKind {
    fn family(&self) -> KeyFamily {
        match self {
            KeyKind::Hmac(_) => KeyFamily::Hmac,
            KeyKind::Rsa(_) => KeyFamily::Rsa,
            KeyKind::Ec(ec) => ec.curve().family(),
            KeyKind::Ed25519(_) => KeyFamily::Ed25519,
        }
    }
}

/// What a JWK's `key_ops` allow. Keys from other formats allow both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ops {
    pub(crate) sign: bool,
    pub(crate) verify: bool,
}

impl Ops {
    pub(crate) const ALL: Ops = Ops {
        sign: true,
        verify: true,
    };
}

/// A key for signing or verifying JWS signatures: an HMAC secret, or an RSA, EC P-256, EC
/// P-384 or Ed25519 key, public or private.
///
/// A key is parsed once, when it is made, into ring's own types and reused for every token; it
/// is immutable and `Send + Sync`, so one key serves every thread without locks. It belongs to
/// exactly one [`KeyFamily`] and never signs or verifies an algorithm of another family, which
/// is what rules out algorithm confusion (an RSA public key used as an HMAC secret). A key from
/// a JWK may be narrowed further by the JWK's `alg`, `use` and `key_ops`.
///
/// `Debug` shows the family, size and identifiers, never secret material.
///
/// RSA keys cannot be generated with ring; make them with OpenSSL and load the PEM.
pub struct Key {
    kind: KeyKind,
    kid: Option<String>,
    alg: Option<Algorithm>,
    ops: Ops,
}

impl Key {
    pub(crate) fn new(kind: KeyKind) -> Key {
        Key {
            kind,
            kid: None,
            alg: None,
            ops: Ops::ALL,
        }
    }

    pub(crate) fn with_jwk_parameters(
        mut self,
        kid: Option<String>,
        alg: Option<Algorithm>,
        ops: Ops,
    ) -> Key {
        self.kid = kid;
        self.alg = alg;
        self.ops = ops;
        self
    }

    pub(crate) fn kind(&self) -> &KeyKind {
        &self.kind
    }

    pub(crate) fn ops(&self) -> Ops {
        self.ops
    }

    /// An HMAC key for HS256, HS384 and HS512.
    ///
    /// The secret must be at least 32 bytes (RFC 7518 §3.2: as long as the hash); HS384 and
    /// HS512 then also refuse, when used, secrets shorter than 48 and 64 bytes. Text or DER
    /// that is a key (PEM, an SSH public key, a JWK, DER SPKI/PKCS#1/PKCS#8/certificate) is
    /// refused, so a public key can never become an HMAC secret.
    pub fn from_secret(secret: &[u8]) -> Result<Key, Error> {
        HmacKey::new(secret, true).map(|hmac| Key::new(KeyKind::Hmac(hmac)))
    }

    /// Like [`Key::from_secret`] but without the length rules: any non-empty secret is
    /// accepted for every HMAC algorithm. For interoperating with systems that issue short
    /// secrets; such a secret can be brute-forced from one token. Key-shaped input is still
    /// refused.
    pub fn dangerous_from_short_secret(secret: &[u8]) -> Result<Key, Error> {
        HmacKey::new(secret, false).map(|hmac| Key::new(KeyKind::Hmac(hmac)))
    }

    /// Loads one key from PEM text.
    ///
    /// Accepted labels: `PRIVATE KEY` (PKCS#8: RSA, EC P-256/P-384, Ed25519 v1 and v2),
    /// `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1, with a leading `EC PARAMETERS`
    /// block skipped), `PUBLIC KEY` (SubjectPublicKeyInfo), `RSA PUBLIC KEY` (PKCS#1) and
    /// `CERTIFICATE` (only its public key is used; the certificate is not validated). The text
    /// must hold exactly one key. Encrypted keys are refused.
    pub fn from_pem(pem_text: &str) -> Result<Key, Error> {
        let block = pem::parse_one(pem_text)?;
        let der = block.der.expose();
        let kind = match block.label.as_str() {
            "PRIVATE KEY" => pkix::parse_pkcs8(der)?,
            "RSA PRIVATE KEY" => KeyKind::Rsa(RsaKey::parse_pkcs1_private(der)?),
            "EC PRIVATE KEY" => KeyKind::Ec(EcKey::parse_sec1(der, None, None)?),
            "PUBLIC KEY" => pkix::parse_spki(der)?,
            "RSA PUBLIC KEY" => KeyKind::Rsa(RsaKey::parse_pkcs1_public(der)?),
            "CERTIFICATE" => pkix::parse_certificate(der)?,
            "ENCRYPTED PRIVATE KEY" => return Err(pkix::encrypted()),
            other => {
                return Err(Error::InvalidKey(format!(
                    "PEM label {other:?} is not a supported key type"
                )));
            }
        };
        Ok(Key::new(kind))
    }

    /// Loads one key from DER: the same structures as [`Key::from_pem`], recognised by their
    /// shape.
    pub fn from_der(der: &[u8]) -> Result<Key, Error> {
        pkix::parse_der(der).map(Key::new)
    }

    /// Loads a key from JWK text (RFC 7517, 7518 §6, 8037).
    ///
    /// `kty` `oct` (`k`, with the same rules as [`Key::from_secret`]), `RSA` (`n`, `e`, and for
    /// a private key all of `d`, `p`, `q`, `dp`, `dq`, `qi`; multi-prime keys are refused), `EC`
    /// on P-256 or P-384 (`x`, `y`, `d`), `OKP` on Ed25519 (`x`, `d`). Members are strict
    /// base64url. The key keeps `kid`; `alg` binds it to that one algorithm; `use` must be
    /// `sig` if present; `key_ops` must include `verify` to verify and `sign` to sign.
    pub fn from_jwk(json: &str) -> Result<Key, Error> {
        let value = jwt_core::json::parse_unique_object(json.as_bytes())
            .map(Value::Object)
            .map_err(|e| {
                Error::InvalidKey(format!(
                    "JWK is not a JSON object with unique member names: {e}"
                ))
            })?;
        Key::from_jwk_value(&value)
    }

    /// [`Key::from_jwk`] for an already parsed JSON value.
    pub fn from_jwk_value(value: &Value) -> Result<Key, Error> {
        match jwk::parse(value)? {
            jwk::Parsed::Usable(key) => Ok(*key),
            jwk::Parsed::Unusable(reason) => Err(Error::InvalidKey(reason)),
        }
    }

    /// Generates a random HMAC secret as long as `alg`'s hash (32, 48 or 64 bytes). The key is
    /// not bound to `alg`; see [`Key::with_algorithm`].
    pub fn generate_hmac(alg: Algorithm) -> Result<Key, Error> {
        let len = match alg {
            Algorithm::HS256 => 32,
            Algorithm::HS384 => 48,
            Algorithm::HS512 => 64,
            other => {
                return Err(Error::AlgorithmNotAllowed(format!(
                    "{other} is not an HMAC algorithm"
                )));
            }
        };
        // A random secret that looks like DER or PEM is astronomically unlikely; should it
        // happen, draw again rather than fail.
        for _ in 0..4 {
            let mut secret = Secret::zeroed(len);
            rng().fill(secret.expose_mut()).map_err(|_| rng_failed())?;
            if let Ok(hmac) = HmacKey::new(secret.expose(), true) {
                return Ok(Key::new(KeyKind::Hmac(hmac)));
            }
        }
        Err(rng_failed())
    }

    /// Generates an EC key on P-256 (`KeyFamily::EcP256`) or P-384 (`KeyFamily::EcP384`).
    pub fn generate_ec(family: KeyFamily) -> Result<Key, Error> {
        let curve = match family {
            KeyFamily::EcP256 => Curve::P256,
            KeyFamily::EcP384 => Curve::P384,
            other => {
                return Err(Error::InvalidKey(format!(
                    "generate_ec makes EC keys, not {other} keys"
                )));
            }
        };
        let document =
            EcdsaKeyPair::generate_pkcs8(curve.signing(), rng()).map_err(|_| rng_failed())?;
        let document = Secret::from_slice(document.as_ref());
        pkix::parse_pkcs8(document.expose()).map(Key::new)
    }

    /// Generates an Ed25519 key.
    pub fn generate_ed25519() -> Result<Key, Error> {
        let document = Ed25519KeyPair::generate_pkcs8(rng()).map_err(|_| rng_failed())?;
        let document = Secret::from_slice(document.as_ref());
        pkix::parse_pkcs8(document.expose()).map(Key::new)
    }

    /// The public JWK: `kty`, the public members, and `kid` and `alg` when set.
    ///
    /// An HMAC key has no public form and is refused here, so a secret is never published by
    /// mistake; export it with [`Key::to_private_jwk`]. [`Key::thumbprint`] works for it.
    pub fn to_public_jwk(&self) -> Result<Map<String, Value>, Error> {
        jwk::to_public(self)
    }

    /// The JWK with the private members (`d` and the CRT members for RSA, `k` for HMAC), plus
    /// `kid`, `alg` and a restricted `key_ops` when set. Refused for a public key.
    pub fn to_private_jwk(&self) -> Result<Map<String, Value>, Error> {
        jwk::to_private(self)
    }

    /// The RFC 7638 JWK thumbprint: SHA-256 over the required public members in lexicographic
    /// order without whitespace, base64url. For an HMAC key this hashes `k`, as RFC 7638 says.
    pub fn thumbprint(&self) -> String {
        jwk::thumbprint(&self.kind)
    }

    /// The private key as a PKCS#8 PEM (`PRIVATE KEY`). Refused for public keys and HMAC
    /// secrets.
    pub fn to_pkcs8_pem(&self) -> Result<String, Error> {
        match &self.kind {
            KeyKind::Hmac(_) => Err(Error::InvalidKey(
                "an HMAC secret has no PKCS#8 form".into(),
            )),
            kind => pkix::pkcs8_der(kind)
                .map(|der| pem::encode("PRIVATE KEY", der.expose()))
                .ok_or_else(|| {
                    Error::InvalidKey(
                        "this is a public key; it has no private part to export".into(),
                    )
                }),
        }
    }

    /// The public key as a SubjectPublicKeyInfo PEM (`PUBLIC KEY`). Refused for HMAC secrets.
    pub fn to_public_pem(&self) -> Result<String, Error> {
        pkix::spki_der(&self.kind)
            .map(|der| pem::encode("PUBLIC KEY", &der))
            .ok_or_else(|| Error::InvalidKey("an HMAC secret has no public key".into()))
    }

    /// The family this key belongs to; it only ever handles algorithms of this family.
    pub fn family(&self) -> KeyFamily {
        self.kind.family()
    }

    /// The key identifier (`kid`), from the JWK or [`Key::with_key_id`].
    pub fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Sets the key identifier, which `encode` writes into the header's `kid`.
    #[must_use]
    pub fn with_key_id(mut self, kid: impl Into<String>) -> Key {
        self.kid = Some(kid.into());
        self
    }

    /// The one algorithm this key is bound to (a JWK's `alg`), if any.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.alg
    }

    /// Binds the key to one algorithm of its family, e.g. an RSA key to PS256 only. A key
    /// already bound (by its JWK's `alg`) cannot be rebound to another algorithm.
    pub fn with_algorithm(mut self, alg: Algorithm) -> Result<Key, Error> {
        if alg.family() != self.family() {
            return Err(Error::AlgorithmNotAllowed(format!(
                "{alg} does not fit a {} key",
                self.family()
            )));
        }
        if let Some(bound) = self.alg.filter(|bound| *bound != alg) {
            return Err(Error::AlgorithmNotAllowed(format!(
                "this key is bound to {bound}; it cannot be rebound to {alg}"
            )));
        }
        self.alg = Some(alg);
        Ok(self)
    }

    /// Whether the key can sign: an HMAC secret or a private key.
    pub fn is_private(&self) -> bool {
        match &self.kind {
            KeyKind::Hmac(_) => true,
            KeyKind::Rsa(rsa) => rsa.is_private(),
            KeyKind::Ec(ec) => ec.is_private(),
            KeyKind::Ed25519(ed) => ed.is_private(),
        }
    }

    /// Refuses an algorithm of another family, or another than the bound one, before any
    /// cryptography runs.
    /// Whether this key can verify `alg`, and if not, why: the wrong family or a JWK binding
    /// (`AlgorithmNotAllowed`), or `key_ops` without "verify" or an HMAC secret too short for
    /// the hash (`InvalidKey`). Selection and verification ask the same question.
    fn check_can_verify(&self, alg: Algorithm) -> Result<(), Error> {
        self.check_alg(alg)?;
        if !self.ops.verify {
            return Err(Error::InvalidKey(
                "the key's key_ops do not include \"verify\"".into(),
            ));
        }
        match &self.kind {
            KeyKind::Hmac(hmac) => hmac.check_length(alg),
            _ => Ok(()),
        }
    }

    fn check_alg(&self, alg: Algorithm) -> Result<(), Error> {
        if alg.family() != self.family() {
            return Err(Error::AlgorithmNotAllowed(format!(
                "{alg} cannot be used with this {} key",
                self.family()
            )));
        }
        match self.alg {
            Some(bound) if bound != alg => Err(Error::AlgorithmNotAllowed(format!(
                "this key is bound to {bound}; {alg} is refused"
            ))),
            _ => Ok(()),
        }
    }
}

fn rng_failed() -> Error {
    Error::InvalidKey("the system random generator failed".into())
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("family", &self.family())
            .field("private", &self.is_private())
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("key", &self.kind)
            .finish()
    }
}

impl Signer for Key {
    fn sign(&self, alg: Algorithm, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        self.check_alg(alg)?;
        if !self.ops.sign {
            return Err(Error::InvalidKey(
                "the key's key_ops do not include \"sign\"".into(),
            ));
        }
        match &self.kind {
            KeyKind::Hmac(hmac) => hmac.sign(alg, signing_input),
            KeyKind::Rsa(rsa) => rsa.sign(alg, signing_input),
            KeyKind::Ec(ec) => ec.sign(alg, signing_input),
            KeyKind::Ed25519(ed) => ed.sign(alg, signing_input),
        }
    }

    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}

impl Verifier for Key {
    fn family(&self) -> KeyFamily {
        self.kind.family()
    }

    fn accepts(&self, alg: Algorithm) -> bool {
        self.check_can_verify(alg).is_ok()
    }

    /// A private key verifies with its public half.
    fn verify(&self, alg: Algorithm, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.check_can_verify(alg)?;
        match &self.kind {
            KeyKind::Hmac(hmac) => hmac.verify(alg, signing_input, signature),
            KeyKind::Rsa(rsa) => rsa.verify(alg, signing_input, signature),
            KeyKind::Ec(ec) => ec.verify(alg, signing_input, signature),
            KeyKind::Ed25519(ed) => ed.verify(alg, signing_input, signature),
        }
    }
}

/// A single key verifies every token whose `alg` it accepts; the token's `kid` is not
/// compared (use a [`JwkSet`](crate::JwkSet) to choose by `kid`).
impl KeySource for Key {
    fn select(&self, alg: Algorithm, _kid: Option<&str>) -> Result<&dyn Verifier, Error> {
        self.check_can_verify(alg)?;
        Ok(self)
    }
}
