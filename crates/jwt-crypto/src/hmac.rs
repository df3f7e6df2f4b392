//! HS256, HS384 and HS512: HMAC with SHA-2 over a shared secret (RFC 7518 §3.2).
//!
//! ring's `hmac::Key` is built once per hash the secret is long enough for, and
//! `hmac::verify` compares tags in constant time.

use std::fmt;

use jwt_core::{Algorithm, Error};
use ring::hmac;

use crate::pkix;
use crate::secret::Secret;

/// RFC 7518 §3.2: the secret must be at least as long as the hash output. The shortest hash
/// (SHA-256) sets the floor for loading; longer hashes are checked when they are used.
pub(crate) const MIN_SECRET_LEN: usize = 32;

pub(crate) struct HmacKey {
    secret: Secret,
    /// HS256, HS384, HS512 in that order; `None` when the secret is too short for that hash.
    keys: [Option<hmac::Key>; 3],
}

/// Where an HMAC algorithm lives in [`HmacKey::keys`], its ring algorithm and the shortest
/// secret RFC 7518 allows for it.
fn params(alg: Algorithm) -> Option<(usize, hmac::Algorithm, usize)> {
    match alg {
        Algorithm::HS256 => Some((0, hmac::HMAC_SHA256, 32)),
        Algorithm::HS384 => Some((1, hmac::HMAC_SHA384, 48)),
        Algorithm::HS512 => Some((2, hmac::HMAC_SHA512, 64)),
        _ => None,
    }
}

const ALGORITHMS: [Algorithm; 3] = [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];

impl HmacKey {
    /// Builds the key. With `enforce_minimum`, a secret shorter than 32 bytes is refused and
    /// HS384/HS512 are refused at use for secrets shorter than 48/64 bytes; without it, only
    /// the empty secret is refused. Either way, text or DER that is a key is refused.
    pub(crate) fn new(secret: &[u8], enforce_minimum: bool) -> Result<Self, Error> {
        if secret.is_empty() {
            return Err(Error::InvalidKey("an HMAC secret must not be empty".into()));
        }
        if enforce_minimum && secret.len() < MIN_SECRET_LEN {
            return Err(Error::InvalidKey(format!(
                "an HMAC secret must be at least {MIN_SECRET_LEN} bytes (RFC 7518 §3.2); this one has {}",
                secret.len()
            )));
        }
        refuse_key_lookalike(secret)?;
        let keys = ALGORITHMS.map(|alg| {
            params(alg).and_then(|(_, ring_alg, min)| {
                (!enforce_minimum || secret.len() >= min).then(|| hmac::Key::new(ring_alg, secret))
            })
        });
        Ok(HmacKey {
            secret: Secret::from_slice(secret),
            keys,
        })
    }

    pub(crate) fn secret(&self) -> &[u8] {
        self.secret.expose()
    }

    /// Whether the secret is long enough for `alg`'s hash. When verifying, the token chose
    /// `alg`, so a secret too short for it is a verdict on the token (`AlgorithmNotAllowed`);
    /// the key still serves the shorter hashes.
    pub(crate) fn check_length(&self, alg: Algorithm) -> Result<(), Error> {
        self.key_for(alg)
            .map(|_| ())
            .map_err(Error::AlgorithmNotAllowed)
    }

    /// The ring key for `alg`, or why there is none.
    fn key_for(&self, alg: Algorithm) -> Result<&hmac::Key, String> {
        let (index, _, min) =
            params(alg).ok_or_else(|| format!("{alg} is not an HMAC algorithm"))?;
        self.keys
            .get(index)
            .and_then(Option::as_ref)
            .ok_or_else(|| {
                format!(
                    "{alg} needs a secret of at least {min} bytes (RFC 7518 §3.2); this one has {}",
                    self.secret.len()
                )
            })
    }

    /// Signs with `alg`; the signer chose it, so a secret too short for it is `InvalidKey`.
    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, Error> {
        let key = self.key_for(alg).map_err(Error::InvalidKey)?;
        Ok(hmac::sign(key, message).as_ref().to_vec())
    }

    /// Checks a full-length tag in constant time. A truncated tag is not an HS* signature,
    /// and ring refuses it because the lengths differ.
    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], tag: &[u8]) -> Result<(), Error> {
        let key = self.key_for(alg).map_err(Error::AlgorithmNotAllowed)?;
        hmac::verify(key, message, tag).map_err(|_| Error::InvalidSignature)
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacKey")
            .field("secret_len", &self.secret.len())
            .finish_non_exhaustive()
    }
}

/// The OpenSSH key type names (`ssh-keygen -Q key` and the PROTOCOL.certkeys extensions), as
/// they open an `authorized_keys` or `.pub` line. Any name ending in `-cert-v01@openssh.com`
/// is a certificate and counts too.
const SSH_KEY_TYPES: [&str; 9] = [
    "ssh-rsa",
    "ssh-dss",
    "ssh-ed25519",
    "ssh-ed448",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "sk-ssh-ed25519@openssh.com",
];

/// Whether `word` names an OpenSSH key or certificate type.
fn is_ssh_key_type(word: &[u8]) -> bool {
    SSH_KEY_TYPES.iter().any(|name| word == name.as_bytes())
        || word.ends_with(b"-cert-v01@openssh.com")
}

/// Whether `line` is an OpenSSH public key line: a key type name followed by whitespace (a
/// space or a tab, once or more, as `sshd` and `cryptography` both accept), at its start or
/// after the options an `authorized_keys` line may start with.
fn is_ssh_public_key_line(line: &[u8]) -> bool {
    let mut rest = line;
    while let Some(start) = rest.iter().position(|b| !b.is_ascii_whitespace()) {
        let word = rest.get(start..).unwrap_or_default();
        let end = word
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(word.len());
        let (name, after) = word.split_at(end);
        if !after.is_empty() && is_ssh_key_type(name) {
            return true;
        }
        rest = after;
    }
    false
}

/// Refuses a "secret" that is really a key, which is how HS/RS algorithm confusion is set up:
/// the attacker signs with HMAC using the server's public key as the secret.
fn refuse_key_lookalike(secret: &[u8]) -> Result<(), Error> {
    let text = secret
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(secret)
        .trim_ascii_start();
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    // A PEM block anywhere (tools print explanations before it), an RFC 4716 SSH public key,
    // or an OpenSSH key line (in any spelling `sshd` accepts) as the first line.
    if contains(text, b"-----BEGIN ")
        || text.starts_with(b"---- BEGIN SSH2")
        || is_ssh_public_key_line(first_line)
    {
        return Err(Error::InvalidKey(
            "this HMAC secret is a PEM or SSH key; use Key::from_pem for keys".into(),
        ));
    }
    if text.first() == Some(&b'{') {
        if let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(text) {
            if object.contains_key("kty") || object.contains_key("keys") {
                return Err(Error::InvalidKey(
                    "this HMAC secret is a JWK; use Key::from_jwk for keys".into(),
                ));
            }
        }
    }
    // DER, raw or as the bare base64 body of a PEM block.
    let unwrapped: String = String::from_utf8_lossy(text)
        .split_ascii_whitespace()
        .collect();
    let decoded = crate::b64::std_decode(&unwrapped).ok();
    if pkix::looks_like_key_der(secret) || decoded.as_deref().is_some_and(pkix::looks_like_key_der)
    {
        return Err(Error::InvalidKey(
            "this HMAC secret is a DER-encoded key; use Key::from_der for keys".into(),
        ));
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
