//! Keys from files, recognised by their content as the `jwtkit` command recognises them, so a
//! configuration file can name a key path without naming its format.

use std::ffi::c_char;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use jwt_crypto::{JwkSet, Key};

use crate::ffi::{self, Failure, Out, boundary};
use crate::key::{jwtkit_key, jwtkit_keyset};
use crate::status::{JWTKIT_ERR_KEY, jwtkit_status};

/// No key file is this large; a larger one is a wrong path (a log, a device).
const MAX_KEY_FILE_LEN: u64 = 1 << 20;

/// A `JWTKIT_ERR_KEY` failure about the file at `path`.
fn key_failure(path: &std::path::Path, why: impl std::fmt::Display) -> Failure {
    Failure {
        status: JWTKIT_ERR_KEY,
        message: format!("key file {}: {why}", path.display()),
    }
}

/// The path in a NUL-terminated C string; on Unix any bytes, as the file system takes them.
///
/// # Safety
/// `path` is NULL or NUL-terminated.
unsafe fn path_of(path: *const c_char) -> Result<PathBuf, Failure> {
    if path.is_null() {
        return Err(Failure::invalid_argument("path is NULL"));
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    let bytes = unsafe { std::ffi::CStr::from_ptr(path) }.to_bytes();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes)
            .map(PathBuf::from)
            .map_err(|_| Failure::invalid_argument("path is not UTF-8"))
    }
}

/// The file's bytes, up to [`MAX_KEY_FILE_LEN`].
fn read_key_file(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    let file = std::fs::File::open(path).map_err(|err| key_failure(path, err))?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| key_failure(path, err))?;
    if bytes.len() as u64 > MAX_KEY_FILE_LEN {
        return Err(key_failure(path, "larger than 1 MiB, so not a key"));
    }
    Ok(bytes)
}

/// Whether `bytes` are one DER SEQUENCE spanning the whole file: a key in DER, or a damaged
/// one, but not a secret (a random secret has this shape about once in 65536).
fn is_der_sequence(bytes: &[u8]) -> bool {
    let (len, header) = match bytes {
        [0x30, short, ..] if *short < 0x80 => (usize::from(*short), 2),
        [0x30, 0x81, len, ..] => (usize::from(*len), 3),
        [0x30, 0x82, high, low, ..] => (usize::from(*high) << 8 | usize::from(*low), 4),
        [0x30, 0x83, a, b, c, ..] => (
            usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c),
            5,
        ),
        _ => return false,
    };
    header + len == bytes.len()
}

/// The secret in a file: its bytes, less the one newline that ends a text file.
fn secret_bytes(bytes: &[u8]) -> &[u8] {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes;
    };
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

/// One key from a file's bytes, by their content. Anything shaped like a key (PEM armour, an
/// OpenSSH line, a JSON object, a DER SEQUENCE) loads as that key or fails; only the rest is
/// an HMAC secret, and the core refuses key-shaped secrets besides.
fn key_from_bytes(path: &std::path::Path, bytes: &[u8]) -> Result<Key, Failure> {
    let unusable = |err: jwt_crypto::Error| key_failure(path, err);
    let text = std::str::from_utf8(bytes).map(str::trim_start).ok();
    if let Some(text) = text {
        if text.starts_with("-----BEGIN") {
            return Key::from_pem(text).map_err(unusable);
        }
        if Key::is_openssh_text(bytes) {
            return Key::from_openssh(text).map_err(unusable);
        }
        if text.starts_with('{') {
            if JwkSet::from_json(text).is_ok() {
                return Err(key_failure(
                    path,
                    "is a JWK set, not one key: load it with jwtkit_keyset_from_file",
                ));
            }
            return Key::from_jwk(text).map_err(unusable);
        }
    } else if Key::is_openssh_text(bytes) {
        return Err(key_failure(path, "an OpenSSH key line that is not UTF-8"));
    }
    if is_der_sequence(bytes) {
        return Key::from_der(bytes).map_err(unusable);
    }
    Key::from_secret(secret_bytes(bytes)).map_err(unusable)
}

/// Loads one key from the file at `path`, recognised by its content as the `jwtkit` command
/// does: PEM (PKCS#8, SEC1, PKCS#1, SPKI or a certificate), an OpenSSH public key line (a
/// `.pub` file), a JWK (JSON), or DER. Any other file is an HMAC secret, byte for byte less
/// the one newline ending a text file, with `jwtkit_key_from_secret`'s rules (at least 32
/// bytes). A file shaped like a key (PEM armour, an OpenSSH line, JSON, one DER SEQUENCE) is
/// never taken as a secret: if it does not load as a key, the call fails. A file that cannot
/// be read, or holds a JWK set, is `JWTKIT_ERR_KEY`; the message names the path.
///
/// # Safety
/// `path` is NUL-terminated; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_from_file(
    path: *const c_char,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(key_out, "key_out") }?;
        // SAFETY: forwarded contract.
        let path = unsafe { path_of(path) }?;
        let key = key_from_bytes(&path, &read_key_file(&path)?).map_err(Failure::for_key)?;
        out.write(ffi::into_handle(jwtkit_key(Arc::new(key))));
        Ok(())
    })
}

/// Loads a JWK set from the file at `path`, as `jwtkit_keyset_from_jwks` loads its text. A
/// file that cannot be read is `JWTKIT_ERR_KEY`; the message names the path.
///
/// # Safety
/// `path` is NUL-terminated; `set_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_keyset_from_file(
    path: *const c_char,
    set_out: *mut *const jwtkit_keyset,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(set_out, "set_out") }?;
        // SAFETY: forwarded contract.
        let path = unsafe { path_of(path) }?;
        let bytes = read_key_file(&path)?;
        let text =
            std::str::from_utf8(&bytes).map_err(|_| key_failure(&path, "is not UTF-8 text"))?;
        let set = JwkSet::from_json(text).map_err(|err| key_failure(&path, err))?;
        out.write(ffi::into_handle(jwtkit_keyset(Arc::new(set))));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_der_sequence_spans_the_whole_file() {
        assert!(is_der_sequence(&[0x30, 0x01, 0x00]));
        assert!(!is_der_sequence(&[0x30, 0x02, 0x00]));
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.resize(4 + 256, 0);
        assert!(is_der_sequence(&long));
        long.push(0);
        assert!(!is_der_sequence(&long));
        assert!(!is_der_sequence(b"0123456789abcdef0123456789abcdef"));
    }

    #[test]
    fn a_text_secret_loses_only_its_final_newline() {
        let text = b"0123456789abcdef0123456789abcdef\n";
        assert_eq!(secret_bytes(text), &text[..32]);
        assert_eq!(secret_bytes(b"\x01\x02secret\n"), b"\x01\x02secret\n");
        assert_eq!(secret_bytes(b"\xff\n"), b"\xff\n");
    }
}
