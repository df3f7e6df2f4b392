//! Verifying, inspecting and issuing tokens.

use std::ffi::c_char;

use jwt_crypto::{Header, dangerous, decode_raw, jws};
use serde_json::{Map, Value};

use crate::ffi::{self, Failure, Out, boundary, token_text};
use crate::key::{jwtkit_key, jwtkit_keyset};
use crate::object::Keyed;
use crate::status::{JWTKIT_ERR_CLAIM_TYPE, algorithm_of, jwtkit_alg, jwtkit_status};
use crate::validator::jwtkit_validator;

/// The shared body of the `jwtkit_verify*` calls that return the claims as JSON text: verifies
/// with what `keys` gives (inside the panic boundary).
///
/// # Safety
/// As `jwtkit_verify`.
pub(crate) unsafe fn verify_into_text<K: Keyed>(
    validator: *const jwtkit_validator,
    keys: impl FnOnce() -> Result<K, Failure>,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(claims_out, "claims_out") }?;
        // SAFETY: forwarded contract.
        let validator = unsafe { ffi::borrow(validator, "validator") }?;
        let keys = keys()?;
        // SAFETY: forwarded contract.
        let token = unsafe { token_text(token, token_len) }?;
        let verified = decode_raw(token, keys.key_source(), &validator.0)
            .map_err(|error| keys.failure(error))?;
        out.write(ffi::into_c_string(verified.claims)?);
        Ok(())
    })
}

/// Verifies `token` (`token_len` bytes, no NUL needed) with `key`, then checks its claims
/// against `validator`: signature first, then claims. On `JWTKIT_OK`, `*claims_out` is the
/// verified claims as JSON, to free with `jwtkit_string_free`; on failure it is untouched and
/// `jwtkit_last_error_message` says what failed.
///
/// # Safety
/// `validator` and `key` are live handles; `token` points to `token_len` readable bytes;
/// `claims_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_verify(
    validator: *const jwtkit_validator,
    key: *const jwtkit_key,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *mut c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let key = || unsafe { ffi::borrow(key, "key") };
    // SAFETY: forwarded contract.
    unsafe { verify_into_text(validator, key, token, token_len, claims_out) }
}

/// As `jwtkit_verify`, with the key picked from `set` by the token's `kid` and `alg`.
///
/// # Safety
/// As `jwtkit_verify`, with `set` a live key set.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_verify_with_keyset(
    validator: *const jwtkit_validator,
    set: *const jwtkit_keyset,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *mut c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let set = || unsafe { ffi::borrow(set, "set") };
    // SAFETY: forwarded contract.
    unsafe { verify_into_text(validator, set, token, token_len, claims_out) }
}

/// The token's header as JSON, WITHOUT verifying anything: for logging or choosing a key
/// set, never for trusting. Free `*header_out` with `jwtkit_string_free`.
///
/// # Safety
/// `token` points to `token_len` readable bytes; `header_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_decode_header_unverified(
    token: *const c_char,
    token_len: usize,
    header_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(header_out, "header_out") }?;
        // SAFETY: forwarded contract.
        let token = unsafe { ffi::token_text(token, token_len) }?;
        let header = dangerous::decode_header_json_unverified(token)?;
        out.write(ffi::into_c_string(Value::Object(header).to_string())?);
        Ok(())
    })
}

/// Issues a token: `claims_json` (a JSON object) signed by `key` with `alg`.
/// `header_json_or_null` adds header members (`kid`, `typ`, ...) as a JSON object; by default
/// the header is `{"alg":...,"typ":"JWT"}` plus the key's `kid`. Free `*token_out` with
/// `jwtkit_string_free`.
///
/// Both JSON texts must be objects without a duplicate member name at any depth, or the call
/// fails with `JWTKIT_ERR_INVALID_ARGUMENT`: claims pasted together with `snprintf` from a
/// user-supplied name such as `mallory","sub":"admin` are refused instead of signed as
/// `sub=admin`. Refusing duplicates cannot catch every injection, so escape values as JSON
/// strings (or build the claims with a JSON library).
///
/// # Safety
/// `key` is a live key; the JSON strings are NUL-terminated (the header may be NULL);
/// `token_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_encode(
    key: *const jwtkit_key,
    alg: jwtkit_alg,
    header_json_or_null: *const c_char,
    claims_json: *const c_char,
    token_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(token_out, "token_out") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        let alg = algorithm_of(alg).ok_or_else(|| {
            Failure::invalid_argument(format!("{alg} is not a JWTKIT_ALG_* value"))
        })?;
        let mut header = Header::new(alg);
        if !header_json_or_null.is_null() {
            // SAFETY: forwarded contract (non-NULL here).
            let json = unsafe { ffi::c_str(header_json_or_null, "header_json") }?;
            header = header
                .merge(unique_object(json, "header_json")?)
                .map_err(Failure::from_builder)?;
        }
        // SAFETY: forwarded contract.
        let claims = unsafe { ffi::c_str(claims_json, "claims_json") }?;
        let claims = Value::Object(unique_object(claims, "claims_json")?);
        // What the caller wrote is refused as its mistake, never as a token rejection.
        let token = jwt_crypto::encode(&header, &claims, &*key.0).map_err(Failure::from_builder)?;
        out.write(ffi::into_c_string(token)?);
        Ok(())
    })
}

/// Parses the caller's JSON text `what` as an object with unique member names at every depth:
/// a repeated name would otherwise keep only its last value, the one an injection put there.
fn unique_object(json: &str, what: &str) -> Result<Map<String, Value>, Failure> {
    jwt_crypto::json::parse_unique_object(json.as_bytes()).map_err(|err| {
        Failure::invalid_argument(format!(
            "{what} is not a JSON object with unique member names: {err}"
        ))
    })
}

/// Reads the string claim `name` from a claims JSON object (as `jwtkit_verify` returns it), so
/// C callers need no JSON parser for the usual `sub`, `iss` or `scope`. Free `*value_out` with
/// `jwtkit_string_free`. Fails, leaving `*value_out` untouched, with
/// `JWTKIT_ERR_MISSING_CLAIM` when the claim is absent or `null`, and with
/// `JWTKIT_ERR_CLAIM_TYPE` when it is present but not a string, or is a string holding a NUL
/// character (`\u0000`), which a NUL-terminated C string cannot carry. Both are verdicts on the
/// token's claims (`jwtkit_status_is_rejection` is nonzero). `claims_json` must be a JSON
/// object with unique member names, or the call fails with `JWTKIT_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `claims_json` and `name` are NUL-terminated; `value_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_get_string(
    claims_json: *const c_char,
    name: *const c_char,
    value_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(value_out, "value_out") }?;
        // SAFETY: forwarded contract.
        let claims = unsafe { ffi::c_str(claims_json, "claims_json") }?;
        // SAFETY: forwarded contract.
        let name = unsafe { ffi::c_str(name, "name") }?;
        let claims = unique_object(claims, "claims_json")?;
        let wrong_type = |why: &str| Failure {
            status: JWTKIT_ERR_CLAIM_TYPE,
            message: format!("claim {name:?} {why}"),
        };
        match claims.get(name) {
            None | Some(Value::Null) => {
                return Err(jwt_crypto::Error::MissingClaim(name.to_owned()).into());
            }
            Some(Value::String(value)) if value.contains('\0') => {
                return Err(wrong_type(
                    "holds a NUL character, which a C string cannot carry",
                ));
            }
            Some(Value::String(value)) => out.write(ffi::into_c_string(value.clone())?),
            Some(_) => return Err(wrong_type("is present but not a string")),
        }
        Ok(())
    })
}

/// Signs `payload_len` bytes at `payload` as a compact JWS under the protected header
/// `header_json`, whose exact bytes are encoded (its `alg` names the algorithm). For payloads
/// that are not JWT claims; use `jwtkit_encode` for JWTs. Free `*token_out` with
/// `jwtkit_string_free`.
///
/// # Safety
/// `key` is a live key; `header_json` is NUL-terminated; `payload` points to `payload_len`
/// readable bytes; `token_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jws_sign(
    key: *const jwtkit_key,
    header_json: *const c_char,
    payload: *const u8,
    payload_len: usize,
    token_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(token_out, "token_out") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        // SAFETY: forwarded contract.
        let header = unsafe { ffi::c_str(header_json, "header_json") }?;
        // SAFETY: forwarded contract.
        let payload = unsafe { ffi::bytes(payload, payload_len, "payload") }?;
        let token =
            jws::sign(header.as_bytes(), payload, &*key.0).map_err(Failure::from_builder)?;
        out.write(ffi::into_c_string(token)?);
        Ok(())
    })
}

/// Signs `payload_len` bytes at `payload` as a detached JWS (`header..signature`, RFC 7515
/// Appendix F): the payload travels separately. With `"b64":false,"crit":["b64"]` in
/// `header_json` the payload is signed unencoded (RFC 7797), as PyJWT's `is_payload_detached`
/// does; any other `crit`, or `b64` not listed in `crit`, is refused. Free `*token_out` with
/// `jwtkit_string_free`.
///
/// # Safety
/// As `jwtkit_jws_sign`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jws_sign_detached(
    key: *const jwtkit_key,
    header_json: *const c_char,
    payload: *const u8,
    payload_len: usize,
    token_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(token_out, "token_out") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        // SAFETY: forwarded contract.
        let header = unsafe { ffi::c_str(header_json, "header_json") }?;
        // SAFETY: forwarded contract.
        let payload = unsafe { ffi::bytes(payload, payload_len, "payload") }?;
        let token = jws::sign_detached(header.as_bytes(), payload, &*key.0)
            .map_err(Failure::from_builder)?;
        out.write(ffi::into_c_string(token)?);
        Ok(())
    })
}

/// Verifies a detached JWS (`header..signature`) over the `payload_len` bytes at `payload`,
/// which the caller received separately: base64url-encoded for the signature, or as they are
/// when the header says `"b64":false` (RFC 7797, listed in `crit`). Only this call accepts
/// `b64`; `jwtkit_jws_verify` and `jwtkit_verify` refuse it (`JWTKIT_ERR_UNSUPPORTED`). The
/// validator's allow-list and size limit apply, its claim checks do not.
///
/// # Safety
/// `validator` and `key` are live handles; `token` points to `token_len` readable bytes and
/// `payload` to `payload_len`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jws_verify_detached(
    validator: *const jwtkit_validator,
    key: *const jwtkit_key,
    token: *const c_char,
    token_len: usize,
    payload: *const u8,
    payload_len: usize,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let validator = unsafe { ffi::borrow(validator, "validator") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        // SAFETY: forwarded contract.
        let token = unsafe { ffi::token_text(token, token_len) }?;
        // SAFETY: forwarded contract.
        let payload = unsafe { ffi::bytes(payload, payload_len, "payload") }?;
        let validation = &validator.0;
        jws::verify_detached(
            token,
            payload,
            validation.algorithms(),
            &*key.0,
            validation.token_len_limit(),
        )?;
        Ok(())
    })
}

/// Verifies a compact JWS whose payload is any bytes: the validator's allow-list and size
/// limit apply, its claim checks do not. On `JWTKIT_OK`, `*payload_out` and `*payload_len_out`
/// are the payload, to free with `jwtkit_bytes_free`.
///
/// # Safety
/// `validator` and `key` are live handles; `token` points to `token_len` readable bytes;
/// `payload_out` and `payload_len_out` are writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jws_verify(
    validator: *const jwtkit_validator,
    key: *const jwtkit_key,
    token: *const c_char,
    token_len: usize,
    payload_out: *mut *mut u8,
    payload_len_out: *mut usize,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(payload_out, "payload_out") }?;
        // SAFETY: forwarded contract.
        let len_out = unsafe { Out::new(payload_len_out, "payload_len_out") }?;
        // SAFETY: forwarded contract.
        let validator = unsafe { ffi::borrow(validator, "validator") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        // SAFETY: forwarded contract.
        let token = unsafe { ffi::token_text(token, token_len) }?;
        let validation = &validator.0;
        let verified = jws::verify(
            token,
            validation.algorithms(),
            &*key.0,
            validation.token_len_limit(),
        )?;
        let (payload, len) = ffi::into_c_bytes(verified.payload);
        len_out.write(len);
        out.write(payload);
        Ok(())
    })
}

/// The key's RFC 7638 SHA-256 thumbprint, base64url: a stable `kid` for the key. Free
/// `*thumbprint_out` with `jwtkit_string_free`.
///
/// # Safety
/// `key` is a live key; `thumbprint_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_thumbprint(
    key: *const jwtkit_key,
    thumbprint_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(thumbprint_out, "thumbprint_out") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        out.write(ffi::into_c_string(key.0.thumbprint())?);
        Ok(())
    })
}
