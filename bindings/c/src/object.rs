//! Reading a verified token's claims and header without a JSON library: a parsed, immutable
//! JSON object with typed getters, so a C service reads `sub`, `exp` or `roles` as C values.
//!
//! Every getter answers the same way: `JWTKIT_OK` with the value; `JWTKIT_ERR_MISSING_CLAIM`
//! when the member is absent or `null` (as the validator's required claims count `null`);
//! `JWTKIT_ERR_CLAIM_TYPE` when it is present with another type. Both are verdicts on the
//! token (`jwtkit_status_is_rejection` is nonzero), for header members too, and the message
//! names the member.

use std::ffi::{c_char, c_int};

use jwt_crypto::{KeySource, dangerous, decode_json};
use serde_json::{Map, Value};

use crate::ffi::{self, Failure, Out, boundary, boundary_void, token_text};
use crate::key::{jwtkit_key, jwtkit_keyset};
use crate::status::{JWTKIT_ERR_CLAIM_TYPE, JWTKIT_ERR_MISSING_CLAIM, jwtkit_status};
use crate::validator::jwtkit_validator;

/// What an object holds, for the messages its getters give.
#[derive(Debug, Clone, Copy)]
enum Part {
    Claims,
    Header,
    Json,
}

impl Part {
    fn member(self) -> &'static str {
        match self {
            Part::Claims => "claim",
            Part::Header => "header member",
            Part::Json => "member",
        }
    }
}

/// A JSON object read once: a token's verified claims, its header, or JSON text the caller
/// parsed. Immutable; may be shared by any number of threads. Strings it hands out point into
/// it and live until `jwtkit_object_free`.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct jwtkit_object {
    members: Map<String, Value>,
    part: Part,
}

impl jwtkit_object {
    /// The member `name`, or `JWTKIT_ERR_MISSING_CLAIM` when it is absent or `null`.
    fn get(&self, name: &str) -> Result<&Value, Failure> {
        match self.members.get(name) {
            None | Some(Value::Null) => Err(Failure {
                status: JWTKIT_ERR_MISSING_CLAIM,
                message: format!("{} {name:?} is absent", self.part.member()),
            }),
            Some(value) => Ok(value),
        }
    }

    /// `JWTKIT_ERR_CLAIM_TYPE` for the member `name`, which is not `expected`. The message
    /// names the member's JSON type, not its value: claims end up in logs.
    fn wrong_type(&self, name: &str, value: &Value, expected: &str) -> Failure {
        let found = match value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(number) if number.is_i64() => "an integer",
            Value::Number(number) if number.is_u64() => "an integer beyond int64",
            Value::Number(_) => "a number with a fraction or exponent",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        Failure {
            status: JWTKIT_ERR_CLAIM_TYPE,
            message: format!("{} {name:?} is {found}, not {expected}", self.part.member()),
        }
    }

    /// The member `name` as a string.
    fn string(&self, name: &str) -> Result<&str, Failure> {
        match self.get(name)? {
            Value::String(text) => Ok(text),
            other => Err(self.wrong_type(name, other, "a string")),
        }
    }

    /// The member `name` as an array of strings.
    fn string_array(&self, name: &str) -> Result<&[Value], Failure> {
        match self.get(name)? {
            Value::Array(items) if items.iter().all(Value::is_string) => Ok(items),
            other => Err(self.wrong_type(name, other, "an array of strings")),
        }
    }
}

/// Runs a getter: checks the outputs, borrows the object and reads `name`, then writes.
///
/// # Safety
/// `object` is NULL or a live object; `name` is NULL or NUL-terminated.
unsafe fn read(
    object: *const jwtkit_object,
    name: *const c_char,
    body: impl FnOnce(&jwtkit_object, &str) -> Result<(), Failure>,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let object = unsafe { ffi::borrow(object, "object") }?;
        // SAFETY: forwarded contract.
        let name = unsafe { ffi::c_str(name, "name") }?;
        body(object, name)
    })
}

/// Writes a string that lives in the object as a pointer and a length.
fn write_str(value: &str, ptr_out: Out<*const c_char>, len_out: Out<usize>) {
    ptr_out.write(value.as_ptr().cast());
    len_out.write(value.len());
}

/// The string member `name`: `*value_out` points to its `*len_out` UTF-8 bytes inside
/// `object`, valid until `jwtkit_object_free`. Not NUL-terminated, because a JSON string may
/// hold NUL (`\u0000`) and that is data, not an end: print it with `"%.*s"`.
///
/// # Safety
/// `object` is a live object; `name` is NUL-terminated; `value_out` and `len_out` are
/// writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_get_string(
    object: *const jwtkit_object,
    name: *const c_char,
    value_out: *mut *const c_char,
    len_out: *mut usize,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let outs = unsafe {
        (
            Out::new(value_out, "value_out"),
            Out::new(len_out, "len_out"),
        )
    };
    // SAFETY: forwarded contract.
    unsafe {
        read(object, name, |object, name| {
            let (value_out, len_out) = (outs.0?, outs.1?);
            write_str(object.string(name)?, value_out, len_out);
            Ok(())
        })
    }
}

/// The integer member `name`. A number written with a fraction or an exponent (`1.5`, `1e3`,
/// `1.0`), or one outside the int64 range, is `JWTKIT_ERR_CLAIM_TYPE`: nothing is rounded.
///
/// # Safety
/// `object` is a live object; `name` is NUL-terminated; `value_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_get_i64(
    object: *const jwtkit_object,
    name: *const c_char,
    value_out: *mut i64,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let out = unsafe { Out::new(value_out, "value_out") };
    // SAFETY: forwarded contract.
    unsafe {
        read(object, name, |object, name| {
            let out = out?;
            let value = object.get(name)?;
            let int = match value {
                Value::Number(number) => number.as_i64(),
                _ => None,
            };
            let expected = if value.is_number() {
                "an integer in the int64 range"
            } else {
                "an integer"
            };
            out.write(int.ok_or_else(|| object.wrong_type(name, value, expected))?);
            Ok(())
        })
    }
}

/// The number member `name`, integer or not (an integer beyond 2^53 is rounded to the nearest
/// double).
///
/// # Safety
/// `object` is a live object; `name` is NUL-terminated; `value_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_get_double(
    object: *const jwtkit_object,
    name: *const c_char,
    value_out: *mut f64,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let out = unsafe { Out::new(value_out, "value_out") };
    // SAFETY: forwarded contract.
    unsafe {
        read(object, name, |object, name| {
            let out = out?;
            let value = object.get(name)?;
            let number = value.as_f64();
            out.write(number.ok_or_else(|| object.wrong_type(name, value, "a number"))?);
            Ok(())
        })
    }
}

/// The boolean member `name`: `*value_out` is 1 for true, 0 for false.
///
/// # Safety
/// `object` is a live object; `name` is NUL-terminated; `value_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_get_bool(
    object: *const jwtkit_object,
    name: *const c_char,
    value_out: *mut c_int,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let out = unsafe { Out::new(value_out, "value_out") };
    // SAFETY: forwarded contract.
    unsafe {
        read(object, name, |object, name| {
            let out = out?;
            let value = object.get(name)?;
            let flag = value.as_bool();
            out.write(c_int::from(
                flag.ok_or_else(|| object.wrong_type(name, value, "true or false"))?,
            ));
            Ok(())
        })
    }
}

/// How many strings the array member `name` holds. An array holding anything but strings,
/// or a member that is not an array (a lone string included), is `JWTKIT_ERR_CLAIM_TYPE`;
/// for `aud`, which may be either, use `jwtkit_object_contains_string`.
///
/// # Safety
/// `object` is a live object; `name` is NUL-terminated; `count_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_get_string_array_len(
    object: *const jwtkit_object,
    name: *const c_char,
    count_out: *mut usize,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let out = unsafe { Out::new(count_out, "count_out") };
    // SAFETY: forwarded contract.
    unsafe {
        read(object, name, |object, name| {
            let out = out?;
            out.write(object.string_array(name)?.len());
            Ok(())
        })
    }
}

/// The string at `index` (from 0) of the array member `name`, as `jwtkit_object_get_string`
/// hands strings out. An `index` at or past the count is `JWTKIT_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `object` is a live object; `name` is NUL-terminated; `value_out` and `len_out` are
/// writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_get_string_array_at(
    object: *const jwtkit_object,
    name: *const c_char,
    index: usize,
    value_out: *mut *const c_char,
    len_out: *mut usize,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let outs = unsafe {
        (
            Out::new(value_out, "value_out"),
            Out::new(len_out, "len_out"),
        )
    };
    // SAFETY: forwarded contract.
    unsafe {
        read(object, name, |object, name| {
            let (value_out, len_out) = (outs.0?, outs.1?);
            let items = object.string_array(name)?;
            let item = items.get(index).and_then(Value::as_str).ok_or_else(|| {
                Failure::invalid_argument(format!(
                    "index {index} is out of range: {name:?} holds {} strings",
                    items.len()
                ))
            })?;
            write_str(item, value_out, len_out);
            Ok(())
        })
    }
}

/// Whether the member `name` is the string `value` (`len` bytes) or an array of strings
/// holding it: the shape of `aud`. `*contains_out` is 1 or 0. A member of another shape is
/// `JWTKIT_ERR_CLAIM_TYPE`.
///
/// # Safety
/// `object` is a live object; `name` is NUL-terminated; `value` points to `len` readable
/// bytes; `contains_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_contains_string(
    object: *const jwtkit_object,
    name: *const c_char,
    value: *const c_char,
    len: usize,
    contains_out: *mut c_int,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let out = unsafe { Out::new(contains_out, "contains_out") };
    // SAFETY: forwarded contract.
    let wanted = unsafe { ffi::text(value, len, "value") };
    // SAFETY: forwarded contract.
    unsafe {
        read(object, name, |object, name| {
            let (out, wanted) = (out?, wanted?);
            let contains = match object.get(name)? {
                Value::String(text) => text == wanted,
                Value::Array(_) => object
                    .string_array(name)?
                    .iter()
                    .any(|item| item.as_str() == Some(wanted)),
                other => {
                    return Err(object.wrong_type(name, other, "a string or an array of strings"));
                }
            };
            out.write(c_int::from(contains));
            Ok(())
        })
    }
}

/// The member `name` as compact JSON text, whatever its type (an object, an array, ...), for
/// shapes the typed getters do not cover. Free `*json_out` with `jwtkit_string_free`.
///
/// # Safety
/// `object` is a live object; `name` is NUL-terminated; `json_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_get_json(
    object: *const jwtkit_object,
    name: *const c_char,
    json_out: *mut *mut c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let out = unsafe { Out::new(json_out, "json_out") };
    // SAFETY: forwarded contract.
    unsafe {
        read(object, name, |object, name| {
            let out = out?;
            // Serialized JSON escapes NUL, so the text holds none.
            out.write(ffi::into_c_string(object.get(name)?.to_string())?);
            Ok(())
        })
    }
}

/// The whole object as compact JSON text (for a log line). Free `*json_out` with
/// `jwtkit_string_free`.
///
/// # Safety
/// `object` is a live object; `json_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_to_json(
    object: *const jwtkit_object,
    json_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(json_out, "json_out") }?;
        // SAFETY: forwarded contract.
        let object = unsafe { ffi::borrow(object, "object") }?;
        let text = serde_json::to_string(&object.members).map_err(|err| Failure {
            status: crate::status::JWTKIT_ERR_INTERNAL,
            message: format!("internal error: {err}"),
        })?;
        out.write(ffi::into_c_string(text)?);
        Ok(())
    })
}

/// Parses `len` bytes of JSON text, such as the claims `jwtkit_verify` returns, into an object
/// to read with the getters. Text that is not one JSON object with unique member names at
/// every depth is `JWTKIT_ERR_INVALID_ARGUMENT` (it is the caller's text, not a token's).
/// Free `*object_out` with `jwtkit_object_free`.
///
/// # Safety
/// `json` points to `len` readable bytes; `object_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_object_from_json(
    json: *const c_char,
    len: usize,
    object_out: *mut *const jwtkit_object,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(object_out, "object_out") }?;
        // SAFETY: forwarded contract.
        let json = unsafe { ffi::bytes(json.cast::<u8>(), len, "json") }?;
        let members = jwt_crypto::json::parse_unique_object(json).map_err(|err| {
            Failure::invalid_argument(format!(
                "json is not a JSON object with unique member names: {err}"
            ))
        })?;
        out.write(into_object(members, Part::Json));
        Ok(())
    })
}

/// Frees an object. NULL is a no-op.
///
/// # Safety
/// `object` is NULL or an object from jwtkit that no thread uses any more.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_object_free(object: *const jwtkit_object) {
    // SAFETY: forwarded contract.
    boundary_void(|| unsafe { ffi::free_handle(object) });
}

fn into_object(members: Map<String, Value>, part: Part) -> *const jwtkit_object {
    ffi::into_handle(jwtkit_object { members, part })
}

/// Whatever a verify call verifies with: a key, a set, what a key source held, or a JWK set
/// client's snapshot.
pub(crate) trait Keyed {
    fn key_source(&self) -> &dyn KeySource;

    /// The status and message for a verification with these keys that failed with `error`.
    fn failure(&self, error: jwt_crypto::Error) -> Failure {
        Failure::from(error)
    }
}

impl Keyed for &jwtkit_key {
    fn key_source(&self) -> &dyn KeySource {
        &*self.0
    }
}

impl Keyed for &jwtkit_keyset {
    fn key_source(&self) -> &dyn KeySource {
        &*self.0
    }
}

/// The shared body of the `jwtkit_verify_claims*` calls: verifies with what `keys` gives
/// (inside the panic boundary), then hands out the claims and, when asked for, the header.
///
/// # Safety
/// As `jwtkit_verify_claims`.
pub(crate) unsafe fn verify_into_objects<K: Keyed>(
    validator: *const jwtkit_validator,
    keys: impl FnOnce() -> Result<K, Failure>,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *const jwtkit_object,
    header_out_or_null: *mut *const jwtkit_object,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let claims_out = unsafe { Out::new(claims_out, "claims_out") }?;
        // SAFETY: forwarded contract.
        let validator = unsafe { ffi::borrow(validator, "validator") }?;
        let keys = keys()?;
        // SAFETY: forwarded contract.
        let token = unsafe { token_text(token, token_len) }?;
        let verified = decode_json(token, keys.key_source(), &validator.0)
            .map_err(|error| keys.failure(error))?;
        let header = if header_out_or_null.is_null() {
            None
        } else {
            Some(header_members(&verified.header)?)
        };
        claims_out.write(into_object(verified.claims, Part::Claims));
        if let Some(header) = header {
            // SAFETY: non-NULL, and the caller promised it is writable.
            unsafe { header_out_or_null.write(into_object(header, Part::Header)) };
        }
        Ok(())
    })
}

/// A verified header's members as JSON, as the token carried them.
fn header_members(header: &jwt_crypto::Header) -> Result<Map<String, Value>, Failure> {
    let json = header.to_json()?;
    jwt_crypto::json::parse_unique_object(&json).map_err(|err| Failure {
        status: crate::status::JWTKIT_ERR_INTERNAL,
        message: format!("internal error: a verified header does not parse: {err}"),
    })
}

/// Verifies `token` (`token_len` bytes) with `key` and `validator` exactly as `jwtkit_verify`
/// does, and hands out the verified claims as an object to read with the
/// `jwtkit_object_get_*` getters, and, when `header_out_or_null` is not NULL, the verified
/// header as a second one. Free each with `jwtkit_object_free`. On failure nothing is written.
///
/// # Safety
/// `validator` and `key` are live handles; `token` points to `token_len` readable bytes;
/// `claims_out` is writable; `header_out_or_null` is NULL or writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_verify_claims(
    validator: *const jwtkit_validator,
    key: *const jwtkit_key,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *const jwtkit_object,
    header_out_or_null: *mut *const jwtkit_object,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let keys = || unsafe { ffi::borrow(key, "key") };
    // SAFETY: forwarded contract.
    unsafe {
        verify_into_objects(
            validator,
            keys,
            token,
            token_len,
            claims_out,
            header_out_or_null,
        )
    }
}

/// As `jwtkit_verify_claims`, with the key picked from `set` by the token's `kid` and `alg`.
///
/// # Safety
/// As `jwtkit_verify_claims`, with `set` a live key set.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_verify_claims_with_keyset(
    validator: *const jwtkit_validator,
    set: *const jwtkit_keyset,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *const jwtkit_object,
    header_out_or_null: *mut *const jwtkit_object,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let keys = || unsafe { ffi::borrow(set, "set") };
    // SAFETY: forwarded contract.
    unsafe {
        verify_into_objects(
            validator,
            keys,
            token,
            token_len,
            claims_out,
            header_out_or_null,
        )
    }
}

/// The token's header as an object, WITHOUT verifying anything: for choosing a key set or a
/// tenant by `kid` or `iss`-like members, never for trusting. Parsed as strictly as
/// `jwtkit_decode_header_unverified` parses it. Free `*header_out` with `jwtkit_object_free`.
///
/// # Safety
/// `token` points to `token_len` readable bytes; `header_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_decode_header_unverified_object(
    token: *const c_char,
    token_len: usize,
    header_out: *mut *const jwtkit_object,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(header_out, "header_out") }?;
        // SAFETY: forwarded contract.
        let token = unsafe { token_text(token, token_len) }?;
        let header = dangerous::decode_header_json_unverified(token)?;
        out.write(into_object(header, Part::Header));
        Ok(())
    })
}
