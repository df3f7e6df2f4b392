//! [`Key`]: one signing or verifying key of any family, parsed once into the backend's types.

use std::fmt;
use std::sync::Arc;

use jwt_core::{Algorithm, Error, KeyFamily, KeySource, Signer, Verifier};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::backend::{self, Prepared};
use crate::format::jwk::{self, Ops, Params};
use crate::format::{self, pem, pkix, secret, ssh};
use crate::material::Material;
use crate::private_jwk::PrivateJwk;
use crate::{b64, secret::Secret};

/// A key for signing or verifying JWS signatures: an HMAC secret, or an RSA, EC (P-256, P-384,
/// P-521, secp256k1) or Ed25519 key, public or private.
///
/// A key is parsed once, when it is made, into the crypto backend's own types and reused for
/// every token; it is immutable and `Send + Sync`, so one key serves every thread without
/// locks. It belongs to exactly one [`KeyFamily`] and never signs or verifies an algorithm of
/// another family, which is what rules out algorithm confusion (an RSA public key used as an
/// HMAC secret). A key from a JWK may be narrowed further by the JWK's `alg`, `use` and
/// `key_ops`.
///
/// `Clone` is cheap: clones share the parsed key (an `Arc`), and each keeps its own `kid` and
/// algorithm binding. `Debug` shows the family, size and identifiers, never secret material.
///
/// Make one by loading it (`from_pem`, `from_jwk`, `from_secret`, …) or with
/// [`Key::generate`].
#[derive(Clone)]
pub struct Key {
    parsed: Arc<Loaded>,
    params: Params,
}

/// What a key is once loaded, shared by its clones.
struct Loaded {
    /// The key as its standards spell it, for export and thumbprints.
    material: Material,
    /// The backend's objects, built once from `material`.
    prepared: Prepared,
}

impl Key {
    /// Builds the backend's objects for `material`.
    pub(crate) fn from_material(mut material: Material, params: Params) -> Result<Key, Error> {
        let prepared = Prepared::new(&mut material)?;
        Ok(Key {
            parsed: Arc::new(Loaded { material, prepared }),
            params,
        })
    }

    pub(crate) fn new(material: Material) -> Result<Key, Error> {
        Key::from_material(
            material,
            Params {
                kid: None,
                alg: None,
                ops: Ops::ALL,
            },
        )
    }

    /// An HMAC key for HS256, HS384 and HS512.
    ///
    /// The secret must be at least 32 bytes (RFC 7518 §3.2: as long as the hash); HS384 and
    /// HS512 then also refuse, when used, secrets shorter than 48 and 64 bytes. Text or DER
    /// that is a key (PEM, an SSH public key, a JWK, DER SPKI/PKCS#1/PKCS#8/certificate) is
    /// refused, so a public key can never become an HMAC secret.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an empty secret, one shorter than 32 bytes, or text or DER
    /// that is a key.
    pub fn from_secret(secret: &[u8]) -> Result<Key, Error> {
        Key::new(Material::Hmac(secret::hmac_material(secret, true)?))
    }

    /// [`Key::from_secret`] for a secret given as base64 text, as many identity providers and
    /// configuration files hand secrets over: base64url without padding (RFC 7515 §2) or the
    /// standard alphabet with padding, strictly; surrounding whitespace is ignored.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the text is neither encoding, or the decoded secret breaks a
    /// rule of [`Key::from_secret`].
    pub fn from_base64_secret(text: &str) -> Result<Key, Error> {
        let text = text.trim();
        let secret = b64::url_decode(text, "the secret")
            .or_else(|_| b64::std_decode(text))
            .map_err(|_| {
                Error::InvalidKey(
                    "the secret is neither base64url without padding nor padded base64".into(),
                )
            })?;
        Key::from_secret(Secret::new(secret).expose())
    }

    /// Like [`Key::from_secret`] but without the length rules: any non-empty secret is
    /// accepted for every HMAC algorithm. For interoperating with systems that issue short
    /// secrets; such a secret can be brute-forced from one token. Key-shaped input is still
    /// refused.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an empty secret, or text or DER that is a key.
    pub fn dangerous_from_short_secret(secret: &[u8]) -> Result<Key, Error> {
        Key::new(Material::Hmac(secret::hmac_material(secret, false)?))
    }

    /// Loads one key from PEM text.
    ///
    /// Accepted labels: `PRIVATE KEY` (PKCS#8: RSA, EC P-256/P-384, Ed25519 v1 and v2),
    /// `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1, with a leading `EC PARAMETERS`
    /// block skipped), `PUBLIC KEY` (SubjectPublicKeyInfo), `RSA PUBLIC KEY` (PKCS#1) and
    /// `CERTIFICATE` (only its public key is used; the certificate is not validated). The text
    /// must hold exactly one key. Encrypted keys are refused.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for text that is not exactly one supported PEM key, an encrypted
    /// key, or a key refused on its merits (RSA under 2048 bits or with the ROCA fingerprint,
    /// a point off its curve, an Ed25519 key of small order, a curve not implemented).
    pub fn from_pem(pem_text: &str) -> Result<Key, Error> {
        Key::new(format::parse_pem(pem_text)?)
    }

    /// Loads one key from DER: the same structures as [`Key::from_pem`], recognised by their
    /// shape.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] as for [`Key::from_pem`].
    pub fn from_der(der: &[u8]) -> Result<Key, Error> {
        Key::new(pkix::parse_der(der)?)
    }

    /// Loads an OpenSSH public key line, as `ssh-keygen` writes it to a `.pub` file:
    /// `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384` or `ssh-rsa`, its base64
    /// key and an optional comment. The same text is never accepted as an HMAC secret.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for text that is not such a line, a key type this library does
    /// not implement, an OpenSSH certificate, or a key the other loaders would refuse (an RSA
    /// key under 2048 bits, an Ed25519 key of small order, a point off its curve).
    pub fn from_openssh(line: &str) -> Result<Key, Error> {
        Key::new(ssh::parse_public_key(line)?)
    }

    /// Whether `text` is an OpenSSH public key or certificate line in any spelling `sshd`
    /// accepts: the one test by which [`Key::from_secret`] refuses such text and a tool that
    /// sniffs key files should send it to [`Key::from_openssh`].
    pub fn is_openssh_text(text: &[u8]) -> bool {
        ssh::is_public_key_text(text)
    }

    /// Loads a key from JWK text (RFC 7517, 7518 §6, 8037).
    ///
    /// `kty` `oct` (`k`, with the same rules as [`Key::from_secret`]), `RSA` (`n`, `e`, and for
    /// a private key all of `d`, `p`, `q`, `dp`, `dq`, `qi`; multi-prime keys are refused), `EC`
    /// on P-256 or P-384 (`x`, `y`, `d`), `OKP` on Ed25519 (`x`, `d`). Members are strict
    /// base64url. The key keeps `kid`; `alg` binds it to that one algorithm; `use` must be
    /// `sig` if present; `key_ops` must include `verify` to verify and `sign` to sign.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for text that is not a JSON object with unique member names, a
    /// malformed or weak key, or a JWK that is not for signatures (`use`, `key_ops`, a key
    /// type or `alg` this library does not implement).
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
    ///
    /// # Errors
    /// As for [`Key::from_jwk`].
    pub fn from_jwk_value(value: &Value) -> Result<Key, Error> {
        match jwk::parse(value)? {
            jwk::Parsed::Usable(material, params) => Key::from_material(material, params),
            jwk::Parsed::Unusable(reason) => Err(Error::InvalidKey(reason)),
        }
    }

    /// The public JWK: `kty`, the public members, `"use": "sig"`, and `kid` and `alg` when
    /// set.
    ///
    /// An HMAC key has no public form and is refused here, so a secret is never published by
    /// mistake; export it with [`Key::to_private_jwk`]. [`Key::thumbprint`] works for it.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an HMAC secret.
    pub fn to_public_jwk(&self) -> Result<Map<String, Value>, Error> {
        jwk::to_public(&self.parsed.material, &self.params)
    }

    /// The JWK with the private members (`d` and the CRT members for RSA, `k` for HMAC), plus
    /// `kid`, `alg` and a restricted `key_ops` when set, wiped from memory when dropped.
    /// Refused for a public key.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a public key.
    pub fn to_private_jwk(&self) -> Result<PrivateJwk, Error> {
        jwk::to_private(&self.parsed.material, &self.params).map(PrivateJwk::new)
    }

    /// The RFC 7638 JWK thumbprint: SHA-256 over the required public members in lexicographic
    /// order without whitespace, base64url. For an HMAC key this hashes `k`, as RFC 7638 says.
    pub fn thumbprint(&self) -> String {
        let input = jwk::thumbprint_input(&self.parsed.material);
        b64::url_encode(&backend::sha256(input.expose()))
    }

    /// The private key as a PKCS#8 PEM (`PRIVATE KEY`), wiped from memory when dropped.
    /// Refused for public keys and HMAC secrets.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a public key or an HMAC secret.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, Error> {
        if let Material::Hmac(_) = self.parsed.material {
            return Err(Error::InvalidKey(
                "an HMAC secret has no PKCS#8 form".into(),
            ));
        }
        pkix::pkcs8_der(&self.parsed.material)
            .map(|der| pem::encode("PRIVATE KEY", der.expose()))
            .ok_or_else(|| {
                Error::InvalidKey("this is a public key; it has no private part to export".into())
            })
    }

    /// The public key as a SubjectPublicKeyInfo PEM (`PUBLIC KEY`). Refused for HMAC secrets.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an HMAC secret.
    pub fn to_public_pem(&self) -> Result<String, Error> {
        pkix::spki_der(&self.parsed.material)
            .map(|der| String::clone(&pem::encode("PUBLIC KEY", &der)))
            .ok_or_else(|| Error::InvalidKey("an HMAC secret has no public key".into()))
    }

    /// The family this key belongs to; it only ever handles algorithms of this family.
    pub fn family(&self) -> KeyFamily {
        self.parsed.material.family()
    }

    /// The key identifier (`kid`), from the JWK or [`Key::with_key_id`].
    pub fn key_id(&self) -> Option<&str> {
        self.params.kid.as_deref()
    }

    /// Sets the key identifier, which `encode` writes into the header's `kid`.
    #[must_use]
    pub fn with_key_id(mut self, kid: impl Into<String>) -> Key {
        self.params.kid = Some(kid.into());
        self
    }

    /// The one algorithm this key is bound to (a JWK's `alg`), if any.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.params.alg
    }

    /// Binds the key to one algorithm of its family, e.g. an RSA key to PS256 only. A key
    /// already bound (by its JWK's `alg`) cannot be rebound to another algorithm.
    ///
    /// # Errors
    /// [`Error::AlgorithmNotAllowed`] when `alg` is of another family, or the key is already
    /// bound to another algorithm.
    pub fn with_algorithm(mut self, alg: Algorithm) -> Result<Key, Error> {
        if alg.family() != self.family() {
            return Err(Error::AlgorithmNotAllowed(format!(
                "{alg} does not fit a {} key",
                self.family()
            )));
        }
        if let Some(bound) = self.params.alg.filter(|bound| *bound != alg) {
            return Err(Error::AlgorithmNotAllowed(format!(
                "this key is bound to {bound}; it cannot be rebound to {alg}"
            )));
        }
        self.params.alg = Some(alg);
        Ok(self)
    }

    /// Whether the key can sign: an HMAC secret or a private key.
    pub fn is_private(&self) -> bool {
        self.parsed.material.is_private()
    }

    /// Whether this key can verify `alg`, and if not, why: the wrong family, a JWK binding or
    /// an HMAC secret too short for the token's hash (`AlgorithmNotAllowed`: a verdict on the
    /// token), or `key_ops` without "verify" (`InvalidKey`: no token could pass). Selection and
    /// verification ask the same question.
    fn check_can_verify(&self, alg: Algorithm) -> Result<(), Error> {
        self.check_alg(alg)?;
        if !self.params.ops.verify {
            return Err(Error::InvalidKey(
                "the key's key_ops do not include \"verify\"".into(),
            ));
        }
        match &self.parsed.material {
            Material::Hmac(hmac) => hmac.check_length(alg).map_err(Error::AlgorithmNotAllowed),
            _ => Ok(()),
        }
    }

    /// Refuses an algorithm of another family, or another than the bound one, before any
    /// cryptography runs.
    fn check_alg(&self, alg: Algorithm) -> Result<(), Error> {
        if alg.family() != self.family() {
            return Err(Error::AlgorithmNotAllowed(format!(
                "{alg} cannot be used with this {} key",
                self.family()
            )));
        }
        match self.params.alg {
            Some(bound) if bound != alg => Err(Error::AlgorithmNotAllowed(format!(
                "this key is bound to {bound}; {alg} is refused"
            ))),
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = match &self.parsed.material {
            Material::Hmac(hmac) => format!("{} bytes", hmac.secret.len()),
            Material::Rsa(rsa) => format!("{} bits", rsa.bits),
            Material::Ec(ec) => ec.curve.jwk_name().to_owned(),
            Material::Ed25519(_) => "Ed25519".to_owned(),
        };
        f.debug_struct("Key")
            .field("family", &self.family())
            .field("private", &self.is_private())
            .field("size", &size)
            .field("kid", &self.params.kid)
            .field("alg", &self.params.alg)
            .finish()
    }
}

impl Signer for Key {
    /// Signs with `alg`; the signer chose it, so a secret too short for it is `InvalidKey`.
    fn sign(&self, alg: Algorithm, signing_input: &[u8]) -> Result<Vec<u8>, Error> {
        self.check_alg(alg)?;
        if !self.params.ops.sign {
            return Err(Error::InvalidKey(
                "the key's key_ops do not include \"sign\"".into(),
            ));
        }
        if let Material::Hmac(hmac) = &self.parsed.material {
            hmac.check_length(alg).map_err(Error::InvalidKey)?;
        }
        self.parsed.prepared.sign(alg, signing_input)
    }

    fn key_id(&self) -> Option<&str> {
        self.params.kid.as_deref()
    }

    /// The bound algorithm, else the only one an EC or Ed25519 key has.
    fn signing_algorithm(&self) -> Option<Algorithm> {
        self.params.alg.or(match &self.parsed.material {
            Material::Ec(ec) => Some(ec.curve.algorithm()),
            Material::Ed25519(_) => Some(Algorithm::EdDSA),
            Material::Hmac(_) | Material::Rsa(_) => None,
        })
    }
}

impl Verifier for Key {
    fn family(&self) -> KeyFamily {
        self.parsed.material.family()
    }

    fn accepts(&self, alg: Algorithm) -> bool {
        self.check_can_verify(alg).is_ok()
    }

    /// A private key verifies with its public half.
    fn verify(&self, alg: Algorithm, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.check_can_verify(alg)?;
        self.parsed
            .prepared
            .verify(&self.parsed.material, alg, signing_input, signature)
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
