//! Keys and key sets: parsed once, immutable, shareable across threads without locks.
//! Handles are reference counted: `jwtkit_key_clone` makes a second handle on the same key, and
//! the key goes when its last handle is freed, so a rotating service never frees a key that
//! another thread is verifying with.

use std::ffi::c_char;
use std::sync::Arc;

use jwt_crypto::{JwkSet, Key};

use crate::ffi::{self, Out, boundary, boundary_void};
use crate::status::jwtkit_status;

/// A parsed key: an HMAC secret, or an RSA, EC or Ed25519 public or private key.
/// Immutable; may be shared by any number of threads. One handle on a reference-counted key.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct jwtkit_key(pub(crate) Arc<Key>);

/// A JWK set, to pick the key by the token's `kid` and `alg`. Immutable and shareable. One
/// handle on a reference-counted set.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct jwtkit_keyset(pub(crate) Arc<JwkSet>);

fn new_key(
    key_out: *mut *const jwtkit_key,
    load: impl FnOnce() -> Result<Key, ffi::Failure>,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: the caller passes NULL or a writable pointer.
        let out = unsafe { Out::new(key_out, "key_out") }?;
        out.write(ffi::into_handle(jwtkit_key(Arc::new(
            load().map_err(ffi::Failure::for_key)?,
        ))));
        Ok(())
    })
}

/// Loads an HMAC secret of `len` bytes. Secrets shorter than the hash output
/// (32 bytes for HS256, 48 for HS384, 64 for HS512) are refused (RFC 7518 §3.2), and so is
/// anything that looks like a public key (PEM, JWK, an OpenSSH key or certificate line in any
/// spelling: tab or several spaces as separator, CRLF, a leading blank line), so public text
/// can never be an HMAC secret. A secret of 32 to 47 bytes verifies HS256 only: an HS384 or
/// HS512 token against it is `JWTKIT_ERR_ALGORITHM`, a verdict on the token.
///
/// # Safety
/// `secret` points to `len` readable bytes; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_from_secret(
    secret: *const u8,
    len: usize,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    new_key(key_out, || {
        // SAFETY: forwarded contract.
        let secret = unsafe { ffi::bytes(secret, len, "secret") }?;
        Ok(Key::from_secret(secret)?)
    })
}

/// Like `jwtkit_key_from_secret` but accepts a secret shorter than the hash output. Short
/// secrets can be brute-forced: use this only to verify tokens from a legacy issuer.
///
/// # Safety
/// `secret` points to `len` readable bytes; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_from_short_secret_dangerous(
    secret: *const u8,
    len: usize,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    new_key(key_out, || {
        // SAFETY: forwarded contract.
        let secret = unsafe { ffi::bytes(secret, len, "secret") }?;
        Ok(Key::dangerous_from_short_secret(secret)?)
    })
}

/// Loads a key from `len` bytes of PEM text (no NUL needed): PKCS#8, PKCS#1 (RSA), SEC1 (EC)
/// or SPKI; RSA keys need at least 2048 bits. Every byte within `len` is text: a NUL byte, or
/// bytes that are not UTF-8, is `JWTKIT_ERR_KEY` (never a shorter key); a NULL `pem` is
/// `JWTKIT_ERR_INVALID_ARGUMENT`, even with `len` 0.
///
/// # Safety
/// `pem` points to `len` readable bytes; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_from_pem(
    pem: *const c_char,
    len: usize,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    new_key(key_out, || {
        // SAFETY: forwarded contract.
        let pem = unsafe { ffi::key_text(pem, len, "pem") }?;
        Ok(Key::from_pem(pem)?)
    })
}

/// Loads an OpenSSH public key line of `len` bytes, as `ssh-keygen` writes it to a `.pub` file:
/// `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384` or `ssh-rsa`, the base64 key and
/// an optional comment. Certificates, other key types and keys the PEM loader would refuse are
/// `JWTKIT_ERR_KEY`, and so is a NUL byte within `len`. The same text is never accepted as an
/// HMAC secret.
///
/// # Safety
/// `line` points to `len` readable bytes; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_from_openssh(
    line: *const c_char,
    len: usize,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    new_key(key_out, || {
        // SAFETY: forwarded contract.
        let line = unsafe { ffi::key_text(line, len, "line") }?;
        Ok(Key::from_openssh(line)?)
    })
}

/// Loads a key from DER bytes (the same structures as PEM).
///
/// # Safety
/// `der` points to `len` readable bytes; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_from_der(
    der: *const u8,
    len: usize,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    new_key(key_out, || {
        // SAFETY: forwarded contract.
        let der = unsafe { ffi::bytes(der, len, "der") }?;
        Ok(Key::from_der(der)?)
    })
}

/// Loads a key from a JWK (NUL-terminated JSON): `jwtkit_key_from_jwk_len` with `strlen`.
///
/// # Safety
/// `json` is NUL-terminated; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_from_jwk(
    json: *const c_char,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    new_key(key_out, || {
        // SAFETY: forwarded contract.
        let json = unsafe { ffi::c_str(json, "json") }?;
        Ok(Key::from_jwk(json)?)
    })
}

/// Loads a key from `len` bytes of JWK JSON (no NUL needed). Its `alg`, `use` and `key_ops`
/// are honoured. Every byte within `len` is text: a NUL byte, or bytes that are not UTF-8, is
/// `JWTKIT_ERR_KEY`; a NULL `json` is `JWTKIT_ERR_INVALID_ARGUMENT`, even with `len` 0.
///
/// # Safety
/// `json` points to `len` readable bytes; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_from_jwk_len(
    json: *const c_char,
    len: usize,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    new_key(key_out, || {
        // SAFETY: forwarded contract.
        let json = unsafe { ffi::key_text(json, len, "json") }?;
        Ok(Key::from_jwk(json)?)
    })
}

/// Makes a key set handle from what `load` parses.
fn new_keyset(
    set_out: *mut *const jwtkit_keyset,
    load: impl FnOnce() -> Result<JwkSet, ffi::Failure>,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: the exported callers' contract: NULL or writable.
        let out = unsafe { Out::new(set_out, "set_out") }?;
        out.write(ffi::into_handle(jwtkit_keyset(Arc::new(
            load().map_err(ffi::Failure::for_key)?,
        ))));
        Ok(())
    })
}

/// Loads a JWK set (NUL-terminated JSON `{"keys": [...]}`): `jwtkit_keyset_from_jwks_len` with
/// `strlen`.
///
/// # Safety
/// `json` is NUL-terminated; `set_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_keyset_from_jwks(
    json: *const c_char,
    set_out: *mut *const jwtkit_keyset,
) -> jwtkit_status {
    new_keyset(set_out, || {
        // SAFETY: forwarded contract.
        let json = unsafe { ffi::c_str(json, "json") }?;
        Ok(JwkSet::from_json(json)?)
    })
}

/// Loads a JWK set from `len` bytes of JSON `{"keys": [...]}` (no NUL needed), as an identity
/// provider publishes it. Keys this library cannot or must not use (`use` other than `sig`, RSA
/// under 2048 bits, Ed448, malformed entries) are skipped so that one stale key does not take
/// the whole set down; `jwtkit_keyset_skipped_count` and `jwtkit_keyset_skipped_reason` say
/// which and why, for the service's log. Fails with `JWTKIT_ERR_KEY` when no key is usable,
/// when the text has a duplicate member name, when it mixes secret (`oct`) keys with public
/// keys (a secret in a published set is a leaked secret), or when it holds a NUL byte or bytes
/// that are not UTF-8 within `len`. A token whose `kid` two keys share is refused with
/// `JWTKIT_ERR_KEY_NOT_FOUND`. A NULL `json` is `JWTKIT_ERR_INVALID_ARGUMENT`, even with `len` 0.
///
/// # Safety
/// `json` points to `len` readable bytes; `set_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_keyset_from_jwks_len(
    json: *const c_char,
    len: usize,
    set_out: *mut *const jwtkit_keyset,
) -> jwtkit_status {
    new_keyset(set_out, || {
        // SAFETY: forwarded contract.
        let json = unsafe { ffi::key_text(json, len, "json") }?;
        Ok(JwkSet::from_json(json)?)
    })
}

/// How many keys `jwtkit_keyset_from_jwks` skipped in loading `set` (0 when it used them
/// all), in `*count_out`.
///
/// # Safety
/// `set` is a live key set; `count_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_keyset_skipped_count(
    set: *const jwtkit_keyset,
    count_out: *mut usize,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(count_out, "count_out") }?;
        // SAFETY: forwarded contract.
        let set = unsafe { ffi::borrow(set, "set") }?;
        out.write(set.0.skipped().len());
        Ok(())
    })
}

/// Why the skipped key number `index` (from 0, below `jwtkit_keyset_skipped_count`) was
/// skipped, naming its position in the set's `keys` array and its `kid`, e.g.
/// `key #1 (kid "2019"): RSA key of 1024 bits is too small; at least 2048 bits are required`. Free `*reason_out` with
/// `jwtkit_string_free`. An `index` out of range is `JWTKIT_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `set` is a live key set; `reason_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_keyset_skipped_reason(
    set: *const jwtkit_keyset,
    index: usize,
    reason_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(reason_out, "reason_out") }?;
        // SAFETY: forwarded contract.
        let set = unsafe { ffi::borrow(set, "set") }?;
        let skipped = set.0.skipped();
        let key = skipped.get(index).ok_or_else(|| {
            ffi::Failure::invalid_argument(format!(
                "index {index} is out of range: the set skipped {} keys",
                skipped.len()
            ))
        })?;
        // The set's text is the identity provider's: a NUL in it must not cut the reason
        // short or fail the call.
        let reason = key.to_string().replace('\0', "\\u0000");
        out.write(ffi::into_c_string(reason)?);
        Ok(())
    })
}

/// Frees a key. NULL is a no-op.
///
/// # Safety
/// `key` is NULL or a key from jwtkit that no thread uses any more.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_key_free(key: *const jwtkit_key) {
    // SAFETY: forwarded contract.
    boundary_void(|| unsafe { ffi::free_handle(key) });
}

/// Frees a key set. NULL is a no-op.
///
/// # Safety
/// `set` is NULL or a set from jwtkit that no thread uses any more.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_keyset_free(set: *const jwtkit_keyset) {
    // SAFETY: forwarded contract.
    boundary_void(|| unsafe { ffi::free_handle(set) });
}

/// A second handle on the same key, e.g. for a key source or another thread to hold; free each
/// handle once, and the key is freed with the last. Costs one atomic increment.
///
/// # Safety
/// `key` is a live key; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_clone(
    key: *const jwtkit_key,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(key_out, "key_out") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        out.write(ffi::into_handle(jwtkit_key(Arc::clone(&key.0))));
        Ok(())
    })
}

/// A second handle on the same key set; free each handle once.
///
/// # Safety
/// `set` is a live key set; `set_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_keyset_clone(
    set: *const jwtkit_keyset,
    set_out: *mut *const jwtkit_keyset,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(set_out, "set_out") }?;
        // SAFETY: forwarded contract.
        let set = unsafe { ffi::borrow(set, "set") }?;
        out.write(ffi::into_handle(jwtkit_keyset(Arc::clone(&set.0))));
        Ok(())
    })
}

/// A new key: `key` with the key identifier `kid`, which `jwtkit_encode*` writes into the
/// header and `jwtkit_key_to_public_jwk` publishes (e.g. the key's thumbprint). `key` is left
/// as it was; the two share the parsed key.
///
/// # Safety
/// `key` is a live key; `kid` is NUL-terminated; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_with_kid(
    key: *const jwtkit_key,
    kid: *const c_char,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(key_out, "key_out") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        // SAFETY: forwarded contract.
        let kid = unsafe { ffi::c_str(kid, "kid") }?;
        if kid.is_empty() || kid.len() > jwt_crypto::MAX_KID_LEN {
            return Err(ffi::Failure::invalid_argument(format!(
                "kid must be 1 to {} bytes",
                jwt_crypto::MAX_KID_LEN
            )));
        }
        // A clone shares the parsed key; only its kid differs.
        let copy = Key::clone(&key.0).with_key_id(kid);
        out.write(ffi::into_handle(jwtkit_key(Arc::new(copy))));
        Ok(())
    })
}

/// The key's public JWK as JSON (`kty`, the public members, and `kid` and `alg` when set), to
/// publish. An HMAC secret has no public form: `JWTKIT_ERR_KEY`. Free `*jwk_out` with
/// `jwtkit_string_free`.
///
/// # Safety
/// `key` is a live key; `jwk_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_to_public_jwk(
    key: *const jwtkit_key,
    jwk_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(jwk_out, "jwk_out") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        let jwk = serde_json::Value::Object(key.0.to_public_jwk()?);
        out.write(ffi::into_c_string(jwk.to_string())?);
        Ok(())
    })
}

/// The public JWK set `{"keys":[...]}` of the `n_keys` keys at `keys`, as a login service
/// publishes it (`/.well-known/jwks.json`). Fails with `JWTKIT_ERR_KEY` for an HMAC secret
/// (never published), and with `JWTKIT_ERR_INVALID_ARGUMENT` for no keys or for two keys with
/// the same `kid` (verifiers refuse tokens whose `kid` two keys share). Free `*jwks_out` with
/// `jwtkit_string_free`.
///
/// # Safety
/// `keys` points to `n_keys` live keys; `jwks_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_keys_to_public_jwks(
    keys: *const *const jwtkit_key,
    n_keys: usize,
    jwks_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(jwks_out, "jwks_out") }?;
        // SAFETY: forwarded contract.
        let keys = unsafe { ffi::array(keys, n_keys, "keys") }?;
        if keys.is_empty() {
            return Err(ffi::Failure::invalid_argument("a JWK set needs a key"));
        }
        let mut jwks = Vec::with_capacity(keys.len());
        let mut kids: Vec<&str> = Vec::new();
        for (index, &key) in keys.iter().enumerate() {
            // SAFETY: forwarded contract.
            let key = unsafe { ffi::borrow(key, &format!("keys[{index}]")) }?;
            let jwk = key.0.to_public_jwk().map_err(|err| ffi::Failure {
                message: format!("keys[{index}]: {err}"),
                ..ffi::Failure::from(err)
            })?;
            if let Some(kid) = key.0.key_id() {
                if kids.contains(&kid) {
                    return Err(ffi::Failure::invalid_argument(format!(
                        "keys[{index}] has the kid {kid:?} of an earlier key"
                    )));
                }
                kids.push(kid);
            }
            jwks.push(serde_json::Value::Object(jwk));
        }
        let set = serde_json::json!({ "keys": jwks });
        out.write(ffi::into_c_string(set.to_string())?);
        Ok(())
    })
}
