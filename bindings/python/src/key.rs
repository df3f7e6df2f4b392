//! `jwtkit.Key` and `jwtkit.KeySet`: keys parsed once, immutable, shared by every thread.

use jwt_crypto::{Algorithm, Error, JwkSet, Key, KeyFamily, KeySource, KeySpec, Signer, Verifier};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::convert;
use crate::errors::{self, Context};

/// A signing or verifying key of one family (HMAC, RSA, EC P-256, EC P-384, Ed25519).
#[pyclass(frozen, module = "jwtkit._native", name = "Key")]
#[derive(Debug)]
pub(crate) struct PyKey {
    pub(crate) key: Key,
}

/// A JWK set: the key for each token is chosen by its `kid` and `alg`.
#[pyclass(frozen, module = "jwtkit._native", name = "KeySet")]
#[derive(Debug)]
pub(crate) struct PyKeySet {
    pub(crate) set: JwkSet,
}

/// Parses an algorithm name, or raises PyJWT's InvalidAlgorithmError.
pub(crate) fn algorithm(py: Python<'_>, name: &str) -> PyResult<Algorithm> {
    name.parse::<Algorithm>()
        .map_err(|_| errors::raise(py, "InvalidAlgorithmError", "Algorithm not supported"))
}

/// Finishes a constructor: the core's result, then the optional `kid` and algorithm binding.
fn finish(
    py: Python<'_>,
    key: Result<Key, Error>,
    kid: Option<String>,
    alg: Option<&str>,
) -> PyResult<PyKey> {
    let ctx = Context::default();
    // A key this build cannot use (a P-521 key under ring) is the caller's configuration, not
    // a token's fault: PyJWT's InvalidKeyError, with the core's words naming the feature.
    let key = key.map_err(|err| match err {
        Error::Unsupported(why) => Error::InvalidKey(why),
        other => other,
    });
    let mut key = key.map_err(|err| errors::to_py(py, err, &ctx))?;
    if let Some(kid) = kid {
        key = key.with_key_id(kid);
    }
    if let Some(name) = alg {
        key = key
            .with_algorithm(algorithm(py, name)?)
            .map_err(|err| errors::to_py(py, err, &ctx))?;
    }
    Ok(PyKey { key })
}

#[pymethods]
impl PyKey {
    /// An HMAC secret of at least the hash's length (32 bytes for HS256, 48 for HS384, 64 for
    /// HS512). Key-shaped input (PEM, SSH, JWK, DER) is refused.
    #[staticmethod]
    #[pyo3(signature = (secret, *, kid=None, algorithm=None))]
    fn from_secret(
        py: Python<'_>,
        secret: &Bound<'_, PyAny>,
        kid: Option<String>,
        algorithm: Option<&str>,
    ) -> PyResult<Self> {
        let bytes = secret_bytes(secret)?;
        finish(py, Key::from_secret(&bytes), kid, algorithm)
    }

    /// An HMAC secret of any non-empty length. Short secrets can be brute-forced from a single
    /// token: only for interoperating with systems that issue them.
    #[staticmethod]
    #[pyo3(signature = (secret, *, kid=None, algorithm=None))]
    fn dangerous_from_short_secret(
        py: Python<'_>,
        secret: &Bound<'_, PyAny>,
        kid: Option<String>,
        algorithm: Option<&str>,
    ) -> PyResult<Self> {
        let bytes = secret_bytes(secret)?;
        finish(py, Key::dangerous_from_short_secret(&bytes), kid, algorithm)
    }

    /// One key from PEM text (PKCS#8, PKCS#1, SEC1, SubjectPublicKeyInfo or a certificate).
    #[staticmethod]
    #[pyo3(signature = (pem, *, kid=None, algorithm=None))]
    fn from_pem(
        py: Python<'_>,
        pem: &Bound<'_, PyAny>,
        kid: Option<String>,
        algorithm: Option<&str>,
    ) -> PyResult<Self> {
        let text = convert::text(pem, "PEM")?;
        finish(py, Key::from_pem(&text), kid, algorithm)
    }

    /// One key from DER bytes (the structures `from_pem` reads).
    #[staticmethod]
    #[pyo3(signature = (der, *, kid=None, algorithm=None))]
    fn from_der(
        py: Python<'_>,
        der: &[u8],
        kid: Option<String>,
        algorithm: Option<&str>,
    ) -> PyResult<Self> {
        finish(py, Key::from_der(der), kid, algorithm)
    }

    /// One public key from an OpenSSH line, as a `.pub` file or `authorized_keys` holds it
    /// (`ssh-ed25519 AAAA... comment`): `ssh-ed25519`, `ecdsa-sha2-nistp256`,
    /// `ecdsa-sha2-nistp384` or `ssh-rsa`. Certificates, other key types and keys the other
    /// loaders would refuse (RSA under 2048 bits) are refused.
    #[staticmethod]
    #[pyo3(signature = (line, *, kid=None, algorithm=None))]
    fn from_openssh(
        py: Python<'_>,
        line: &Bound<'_, PyAny>,
        kid: Option<String>,
        algorithm: Option<&str>,
    ) -> PyResult<Self> {
        let text = convert::text(line, "OpenSSH key")?;
        finish(py, Key::from_openssh(&text), kid, algorithm)
    }

    /// Whether `text` (str or bytes) is an OpenSSH public key or certificate line in any
    /// spelling `sshd` accepts: the core's one test, by which `from_secret` refuses such text
    /// and key text should go to `from_openssh`.
    #[staticmethod]
    fn is_openssh_text(text: &Bound<'_, PyAny>) -> PyResult<bool> {
        if let Ok(bytes) = text.cast::<PyBytes>() {
            return Ok(Key::is_openssh_text(bytes.as_bytes()));
        }
        let text = convert::text(text, "OpenSSH key")?;
        Ok(Key::is_openssh_text(text.as_bytes()))
    }

    /// One key from a JWK, as JSON text or a dict. The JWK's `kid`, `alg`, `use` and
    /// `key_ops` are honoured; `algorithm` binds the key further.
    #[staticmethod]
    #[pyo3(signature = (jwk, *, algorithm=None))]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>, algorithm: Option<&str>) -> PyResult<Self> {
        let text = convert::json_text(jwk, "JWK")?;
        finish(py, Key::from_jwk(&text), None, algorithm)
    }

    /// A new random key for `algorithm`: an HMAC secret as long as the hash, a 2048-bit RSA
    /// key (or `rsa_bits`), the algorithm's EC curve, or an Ed25519 key.
    #[staticmethod]
    #[pyo3(signature = (algorithm, *, kid=None, rsa_bits=None))]
    fn generate(
        py: Python<'_>,
        algorithm: &str,
        kid: Option<String>,
        rsa_bits: Option<usize>,
    ) -> PyResult<Self> {
        let alg = self::algorithm(py, algorithm)?;
        let spec = match (KeySpec::from(alg), rsa_bits) {
            (KeySpec::Rsa { .. }, Some(bits)) => KeySpec::Rsa { bits },
            (spec, _) => spec,
        };
        let key = py.detach(|| Key::generate(spec));
        finish(py, key, kid, None)
    }

    /// The key family: "HMAC", "RSA", "EC P-256", "EC P-384" or "Ed25519".
    #[getter]
    fn family(&self) -> String {
        self.key.family().to_string()
    }

    /// The key identifier (`kid`), if any.
    #[getter]
    fn key_id(&self) -> Option<&str> {
        self.key.key_id()
    }

    /// The one algorithm the key is bound to (a JWK's `alg`), if any.
    #[getter]
    fn algorithm(&self) -> Option<&'static str> {
        self.key.algorithm().map(Algorithm::as_str)
    }

    /// Whether the key can sign (an HMAC secret or a private key).
    #[getter]
    fn is_private(&self) -> bool {
        self.key.is_private()
    }

    /// Whether the key can verify tokens of `algorithm`: the core's own answer (its family,
    /// its JWK binding and `key_ops`, an HMAC secret long enough for the hash).
    fn accepts(&self, py: Python<'_>, algorithm: &str) -> PyResult<bool> {
        Ok(self.key.accepts(self::algorithm(py, algorithm)?))
    }

    /// The raw signature of `message` with `algorithm` (no JWS framing): what PyJWT's
    /// `Algorithm.sign` returns. The core's checks apply (family, binding, HMAC length).
    fn sign_raw<'py>(
        &self,
        py: Python<'py>,
        algorithm: &str,
        message: &[u8],
    ) -> PyResult<Bound<'py, PyBytes>> {
        let alg = self::algorithm(py, algorithm)?;
        let signature = run(py, is_slow(&self.key), || {
            Signer::sign(&self.key, alg, message)
        })
        .map_err(|err| errors::to_py(py, err, &Context::default()))?;
        Ok(PyBytes::new(py, &signature))
    }

    /// Whether `signature` is `algorithm`'s signature of `message` by this key (no JWS
    /// framing): what PyJWT's `Algorithm.verify` answers. False for a key that cannot
    /// verify `algorithm` at all.
    fn verify_raw(
        &self,
        py: Python<'_>,
        algorithm: &str,
        message: &[u8],
        signature: &[u8],
    ) -> PyResult<bool> {
        let alg = self::algorithm(py, algorithm)?;
        Ok(run(py, is_slow(&self.key), || {
            Verifier::verify(&self.key, alg, message, signature)
        })
        .is_ok())
    }

    /// The RFC 7638 SHA-256 JWK thumbprint, base64url.
    fn thumbprint(&self) -> String {
        self.key.thumbprint()
    }

    /// The public JWK as a dict (refused for HMAC secrets).
    fn to_public_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let jwk = self
            .key
            .to_public_jwk()
            .map_err(|err| errors::to_py(py, err, &Context::default()))?;
        convert::map_to_py(py, &jwk)
    }

    /// The private JWK as a dict (refused for public keys).
    fn to_private_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let jwk = self
            .key
            .to_private_jwk()
            .map_err(|err| errors::to_py(py, err, &Context::default()))?;
        convert::map_to_py(py, &jwk)
    }

    /// The public key as SubjectPublicKeyInfo PEM (refused for HMAC secrets).
    fn to_public_pem(&self, py: Python<'_>) -> PyResult<String> {
        self.key
            .to_public_pem()
            .map_err(|err| errors::to_py(py, err, &Context::default()))
    }

    /// The private key as PKCS#8 PEM (refused for public keys and HMAC secrets).
    fn to_pkcs8_pem(&self, py: Python<'_>) -> PyResult<String> {
        // Python's str is the caller's; the Rust copy is wiped as it drops.
        self.key
            .to_pkcs8_pem()
            .map(|pem| String::clone(&pem))
            .map_err(|err| errors::to_py(py, err, &Context::default()))
    }

    fn __repr__(&self) -> String {
        let private = if self.key.is_private() {
            "private"
        } else {
            "public"
        };
        match (self.key.key_id(), self.key.algorithm()) {
            (Some(kid), Some(alg)) => {
                format!(
                    "<jwtkit.Key {} {private} kid={kid:?} alg={alg}>",
                    self.key.family()
                )
            }
            (Some(kid), None) => {
                format!("<jwtkit.Key {} {private} kid={kid:?}>", self.key.family())
            }
            (None, Some(alg)) => format!("<jwtkit.Key {} {private} alg={alg}>", self.key.family()),
            (None, None) => format!("<jwtkit.Key {} {private}>", self.key.family()),
        }
    }
}

#[pymethods]
impl PyKeySet {
    /// A JWK set from JSON text or a dict `{"keys": [...]}`. Keys the core cannot use for
    /// signatures (`use` "enc", a 1024-bit RSA key, Ed448, a malformed entry...) are skipped
    /// and listed in `skipped`; a set with no usable key, or one that mixes secret (`oct`) keys
    /// with public keys, is refused. A token whose `kid` more than one key could verify is
    /// refused at verification (KeyNotFoundError).
    #[staticmethod]
    fn from_jwks(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = convert::json_text(jwks, "JWK set")?;
        JwkSet::from_json(&text)
            .map(|set| PyKeySet { set })
            .map_err(|err| errors::to_py(py, err, &Context::default()))
    }

    /// A JWK set fetched from an issuer's published URL: `from_jwks`, and no secret (`oct`)
    /// key at all, since a secret in a published set is a leaked one.
    #[staticmethod]
    fn from_published_jwks(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = convert::json_text(jwks, "JWK set")?;
        JwkSet::from_published_json(&text)
            .map(|set| PyKeySet { set })
            .map_err(|err| errors::to_py(py, err, &Context::default()))
    }

    /// The `kid` of each usable key, in the set's order (`None` for keys without one).
    #[getter]
    fn key_ids(&self) -> Vec<Option<String>> {
        self.set
            .keys()
            .iter()
            .map(|key| key.key_id().map(str::to_owned))
            .collect()
    }

    /// The position (in `key_ids` order) of the one key a token with this `alg` and `kid`
    /// would be verified with: the core's own choice. No key, or more than one (an ambiguous
    /// `kid`, also one shared with a key of the same family the set could not load), raises
    /// KeyNotFoundError, as verification would.
    #[pyo3(signature = (algorithm, kid=None))]
    fn select(&self, py: Python<'_>, algorithm: &str, kid: Option<&str>) -> PyResult<usize> {
        let alg = self::algorithm(py, algorithm)?;
        let chosen = self
            .set
            .select_key(alg, kid)
            .map_err(|err| errors::to_py(py, err, &Context::default()))?;
        self.set
            .keys()
            .iter()
            .position(|key| std::ptr::eq(key, chosen))
            .ok_or_else(|| errors::raise(py, "KeyNotFoundError", "the set chose no key of its own"))
    }

    /// The keys loading skipped, as `(index in "keys", kid or None, reason)`, in the set's
    /// order.
    #[getter]
    fn skipped(&self) -> Vec<(usize, Option<String>, String)> {
        self.set
            .skipped()
            .iter()
            .map(|key| (key.index, key.kid.clone(), key.reason.clone()))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.set.keys().len()
    }

    fn __repr__(&self) -> String {
        match self.set.skipped().len() {
            0 => format!("<jwtkit.KeySet of {} keys>", self.set.keys().len()),
            skipped => format!(
                "<jwtkit.KeySet of {} keys, {skipped} skipped>",
                self.set.keys().len()
            ),
        }
    }
}

/// Secret bytes from `bytes` or `str` (UTF-8), as PyJWT takes them.
fn secret_bytes(secret: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = secret.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(text) = secret.extract::<String>() {
        return Ok(text.into_bytes());
    }
    Err(errors::type_error("Expected a string or bytes value"))
}

/// What a token is verified with: one key or a set, borrowed from its Python object.
pub(crate) enum Source<'py> {
    One(Bound<'py, PyKey>),
    Set(Bound<'py, PyKeySet>),
}

impl<'py> Source<'py> {
    pub(crate) fn extract(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(key) = obj.cast::<PyKey>() {
            return Ok(Source::One(key.clone()));
        }
        if let Ok(set) = obj.cast::<PyKeySet>() {
            return Ok(Source::Set(set.clone()));
        }
        let name = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        Err(errors::type_error(format!(
            "expected a jwtkit.Key or jwtkit.KeySet, not {name}"
        )))
    }

    pub(crate) fn keys(&self) -> &(dyn KeySource + Sync) {
        match self {
            Source::One(key) => &key.get().key,
            Source::Set(set) => &set.get().set,
        }
    }

    /// Whether the work is worth releasing the GIL for ([`is_slow`]; a key set always is).
    pub(crate) fn is_slow(&self) -> bool {
        match self {
            Source::One(key) => is_slow(&key.get().key),
            Source::Set(_) => true,
        }
    }
}

/// Whether work with `key` is worth releasing the GIL for: everything but an HMAC key, whose
/// microsecond operation would cost less than the release.
pub(crate) fn is_slow(key: &jwt_crypto::Key) -> bool {
    key.family() != KeyFamily::Hmac
}

/// Runs `work` without the GIL when `slow`, with it otherwise.
pub(crate) fn run<T: Send>(py: Python<'_>, slow: bool, work: impl FnOnce() -> T + Send) -> T {
    if slow { py.detach(work) } else { work() }
}
