//! HMAC secrets as callers hand them over: the length rule of RFC 7518 §3.2, and the refusal
//! of text or DER that is really a key, which is how HS/RS algorithm confusion is set up.

use jwt_core::{Algorithm, Error};

use crate::b64;
use crate::format::{pkix, ssh};
use crate::material::HmacMaterial;
use crate::secret::Secret;

/// Checks a secret and keeps it. With `enforce_minimum`, a secret shorter than 32 bytes is
/// refused (and HS384/HS512 refuse, when used, secrets shorter than 48/64 bytes); without it,
/// only the empty secret is. Either way, text or DER that is a key is refused.
pub(crate) fn hmac_material(secret: &[u8], enforce_minimum: bool) -> Result<HmacMaterial, Error> {
    if secret.is_empty() {
        return Err(Error::InvalidKey("an HMAC secret must not be empty".into()));
    }
    // RFC 7518 §3.2: at least as long as the hash output. The shortest hash (SHA-256) sets the
    // floor for loading; longer hashes are checked when they are used.
    let floor = Algorithm::HS256.min_secret_len().unwrap_or(32);
    if enforce_minimum && secret.len() < floor {
        return Err(Error::InvalidKey(format!(
            "an HMAC secret must be at least {floor} bytes (RFC 7518 §3.2); this one has {}",
            secret.len()
        )));
    }
    refuse_key_lookalike(secret)?;
    Ok(HmacMaterial {
        secret: Secret::from_slice(secret),
        enforce_minimum,
    })
}

/// Refuses a "secret" that is really a key, which is how HS/RS algorithm confusion is set up:
/// the attacker signs with HMAC using the server's public key as the secret.
fn refuse_key_lookalike(secret: &[u8]) -> Result<(), Error> {
    let text = secret
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(secret)
        .trim_ascii_start();
    // A PEM block anywhere (tools print explanations before it), an RFC 4716 SSH public key,
    // or an OpenSSH key line (in any spelling `sshd` accepts) as the first line.
    if contains(text, b"-----BEGIN ")
        || text.starts_with(b"---- BEGIN SSH2")
        || ssh::is_public_key_text(text)
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
    let decoded = b64::std_decode(&unwrapped).ok();
    if pkix::looks_like_key_der(secret) || decoded.as_deref().is_some_and(pkix::looks_like_key_der)
    {
        return Err(Error::InvalidKey(
            "this HMAC secret is a DER-encoded key; use Key::from_der for keys".into(),
        ));
    }
    // An SSH public key blob, raw or as the bare base64 of a `.pub` line.
    if ssh::is_wire_public_key(secret) || decoded.as_deref().is_some_and(ssh::is_wire_public_key) {
        return Err(Error::InvalidKey(
            "this HMAC secret is an SSH public key; use Key::from_openssh for keys".into(),
        ));
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
