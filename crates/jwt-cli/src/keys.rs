//! Key files as the command takes them: the format is sniffed from the content, so `--key`
//! takes PEM, DER, a JWK, or an HMAC secret alike.

use std::path::Path;

use jwt_crypto::{Algorithm, Header, JwkSet, Key};

use crate::error::{CliError, Result};
use crate::input::{describe, read_bytes, read_text};
use crate::output::note;

/// What `--key` accepts, for the help texts.
pub const KEY_FORMATS: &str = "\
Key files are recognised by their content: PEM (PKCS#8, SEC1, PKCS#1, SubjectPublicKeyInfo or a
certificate), the same structures as DER, an OpenSSH public key (a `.pub` line), or a JWK
(JSON). Any other file is an HMAC secret, used byte for byte (at least 32 bytes; 48 for HS384,
64 for HS512), except that the one newline ending a text file is not part of the secret.";

/// The flag that lets `verify` check tokens MAC'd with a secret shorter than RFC 7518 allows.
pub const SHORT_SECRET_FLAG: &str = "--dangerous-allow-short-secret";

/// Whether a secret shorter than the hash may be loaded: only when asked for by name, for
/// checking tokens that someone else already issued that way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortSecrets {
    Refuse,
    DangerouslyAllow,
}

/// Loads one key from a file, by its content (see [`KEY_FORMATS`]).
pub fn load_key(path: &Path) -> Result<Key> {
    load_key_with(path, ShortSecrets::Refuse)
}

/// [`load_key`], with short HMAC secrets accepted (with a warning) when `short` allows it.
pub fn load_key_with(path: &Path, short: ShortSecrets) -> Result<Key> {
    let bytes = read_bytes(path)?;
    let unusable = |err: jwt_crypto::Error| CliError::usage(format!("{}: {err}", describe(path)));
    let text = std::str::from_utf8(&bytes).ok();
    let trimmed = text.map(str::trim_start).unwrap_or_default();
    if trimmed.starts_with("-----BEGIN") {
        return Key::from_pem(trimmed).map_err(unusable);
    }
    if Key::is_openssh_text(&bytes) {
        return Key::from_openssh(trimmed).map_err(unusable);
    }
    if trimmed.starts_with('{') {
        if trimmed.contains("\"keys\"") && JwkSet::from_json(trimmed).is_ok() {
            return Err(CliError::usage(format!(
                "{} is a JWK set, not one key (verify takes a set with --jwks)",
                describe(path)
            )));
        }
        return Key::from_jwk(trimmed).map_err(unusable);
    }
    let secret = secret_bytes(&bytes, text);
    if bytes.first() == Some(&0x30) {
        // DER starts with a SEQUENCE; so does one random secret in 256.
        return Key::from_der(&bytes)
            .or_else(|der_err| load_secret(path, secret, short).map_err(|_| unusable(der_err)));
    }
    load_secret(path, secret, short)
}

/// An HMAC secret. One too short for RFC 7518 is refused with the flag that would accept it,
/// or accepted with a warning when that flag was given.
fn load_secret(path: &Path, secret: &[u8], short: ShortSecrets) -> Result<Key> {
    let unusable = |err: jwt_crypto::Error| CliError::usage(format!("{}: {err}", describe(path)));
    let err = match Key::from_secret(secret) {
        Ok(key) => return Ok(key),
        Err(err) => err,
    };
    // Only the length is forgiven: a secret that is really a key stays refused.
    let Ok(key) = Key::dangerous_from_short_secret(secret) else {
        return Err(unusable(err));
    };
    match short {
        ShortSecrets::Refuse => Err(CliError::usage(format!(
            "{}: {err}; to check tokens that were MAC'd with it anyway, pass {SHORT_SECRET_FLAG}",
            describe(path)
        ))),
        ShortSecrets::DangerouslyAllow => {
            note(&format!(
                "warning: {SHORT_SECRET_FLAG}: {} is a {}-byte HMAC secret, shorter than RFC \
                 7518 allows; a secret that short can be guessed, and whoever guesses it can \
                 issue tokens",
                describe(path),
                secret.len()
            ));
            Ok(key)
        }
    }
}

/// The secret in a file: its bytes, less the newline that ends a text file.
fn secret_bytes<'a>(bytes: &'a [u8], text: Option<&'a str>) -> &'a [u8] {
    let Some(text) = text else { return bytes };
    let body = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    if body.chars().any(char::is_control) {
        bytes
    } else {
        body.as_bytes()
    }
}

/// Loads a JWK set (`{"keys": [...]}`), with a warning for each key it had to skip.
pub fn load_jwks(path: &Path) -> Result<JwkSet> {
    let set = JwkSet::from_json(&read_text(path)?)
        .map_err(|err| CliError::usage(format!("{}: {err}", describe(path))))?;
    for skipped in set.skipped() {
        note(&format!("warning: {}: skipped {skipped}", describe(path)));
    }
    Ok(set)
}

/// clap parser for an algorithm name, spelt as JOSE spells it.
pub fn parse_alg(name: &str) -> Result<Algorithm, String> {
    if name.eq_ignore_ascii_case("none") {
        return Err("\"none\" is never accepted: an unsigned token proves nothing".to_owned());
    }
    name.parse().map_err(|_| {
        let names: Vec<&str> = Algorithm::ALL.iter().map(|alg| alg.as_str()).collect();
        format!(
            "{name:?} is not a supported algorithm; use one of {}",
            names.join(", ")
        )
    })
}

/// The algorithm to sign with when `--alg` is not given: the key's bound one, or the only one
/// its family has. HMAC and RSA keys have several, so the caller must choose.
pub fn default_alg(key: &Key) -> Result<Algorithm> {
    if let Ok(header) = Header::for_key(key) {
        return Ok(header.alg);
    }
    let family = key.family();
    let names: Vec<&str> = Algorithm::ALL
        .iter()
        .filter(|alg| alg.family() == family)
        .map(|alg| alg.as_str())
        .collect();
    Err(CliError::usage(format!(
        "an {family} key signs with several algorithms; choose one with --alg ({})",
        names.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_secret_loses_only_its_final_newline() {
        let text = "0123456789abcdef0123456789abcdef\n";
        assert_eq!(
            secret_bytes(text.as_bytes(), Some(text)),
            &text.as_bytes()[..32]
        );
        let binary = b"\x01\x02secret\n";
        assert_eq!(
            secret_bytes(binary, std::str::from_utf8(binary).ok()),
            binary
        );
        assert_eq!(secret_bytes(b"\xff\n", None), b"\xff\n");
    }

    #[test]
    fn none_and_misspellings_are_refused() {
        assert_eq!(parse_alg("ES256"), Ok(Algorithm::ES256));
        assert!(parse_alg("none").unwrap_err().contains("never"));
        assert!(parse_alg("es256").unwrap_err().contains("EdDSA"));
    }
}
