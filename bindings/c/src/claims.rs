//! Building claims without JSON text: a member-by-member builder, so a C caller never pastes
//! JSON together (where the claim injection of issue 10 came from), then `jwtkit_encode_claims`.

use std::ffi::{c_char, c_int};

use jwt_crypto::{Header, NumericDate};
use serde_json::{Map, Value};

use crate::ffi::{self, Failure, Out, boundary, boundary_void};
use crate::key::jwtkit_key;
use crate::status::{algorithm_of, jwtkit_alg, jwtkit_status};

/// A JSON object under construction, member by member: the claims of a token to issue, or the
/// extra members of its header. Mutable, for one thread at a time; not consumed by
/// `jwtkit_encode_claims`, so one builder may issue several tokens.
///
/// Every member name may be set once: setting it again is `JWTKIT_ERR_INVALID_ARGUMENT` and
/// leaves the first value, so a name that reaches a generic setter from input can never
/// overwrite a claim set earlier (the `sub` the service chose). `jwtkit_claims_add_aud` is the
/// one call that adds to a member. A failing setter leaves the builder as it was.
#[allow(non_camel_case_types)]
#[derive(Debug, Default)]
pub struct jwtkit_claims {
    members: Map<String, Value>,
}

impl jwtkit_claims {
    /// Adds `name`, refusing a name already set and a registered claim of the wrong type.
    fn insert(&mut self, name: &str, value: Value) -> Result<(), Failure> {
        if self.members.contains_key(name) {
            return Err(Failure::invalid_argument(format!(
                "claim {name:?} is already set; each name is set once"
            )));
        }
        check_registered_type(name, &value)?;
        self.members.insert(name.to_owned(), value);
        Ok(())
    }
}

/// The registered claims (RFC 7519 §4.1) must have the types verifiers read them as; a
/// token with `"exp": "tomorrow"` would be issued, then refused by every verifier.
fn check_registered_type(name: &str, value: &Value) -> Result<(), Failure> {
    let fits = match name {
        // The verifier's own NumericDate rule (a JSON number whose floor fits in i64), so the
        // builder never issues a token every verifier refuses.
        "exp" | "nbf" | "iat" => {
            serde_json::from_value::<jwt_crypto::NumericDate>(value.clone()).is_ok()
        }
        "iss" | "sub" | "jti" => value.is_string(),
        "aud" => match value {
            Value::String(_) => true,
            Value::Array(items) => items.iter().all(Value::is_string),
            _ => false,
        },
        _ => true,
    };
    if fits {
        Ok(())
    } else {
        let expected = match name {
            "exp" | "nbf" | "iat" => "a number of seconds (NumericDate) within 64 bits",
            "aud" => "a string or an array of strings",
            _ => "a string",
        };
        Err(Failure::invalid_argument(format!(
            "registered claim {name:?} must be {expected}"
        )))
    }
}

/// Applies `change` to the builder at `claims`, with the member name read from `name`.
///
/// # Safety
/// `claims` is NULL or a live builder used by this thread only; `name` is NULL or
/// NUL-terminated.
unsafe fn set_member(
    claims: *mut jwtkit_claims,
    name: *const c_char,
    value: impl FnOnce() -> Result<Value, Failure>,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let claims = unsafe { ffi::borrow_mut(claims, "claims") }?;
        // SAFETY: forwarded contract.
        let name = unsafe { ffi::c_str(name, "name") }?;
        claims.insert(name, value()?)
    })
}

/// A point in time `seconds` from now, refusing one past the range of a NumericDate.
fn seconds_from_now(seconds: i64) -> Result<Value, Failure> {
    NumericDate::now()
        .as_secs()
        .checked_add(seconds)
        .map(Value::from)
        .ok_or_else(|| Failure::invalid_argument(format!("now + {seconds} s is out of range")))
}

/// Parses `json` as exactly one JSON value, refusing a member name repeated at any depth.
/// The value is parsed as the only member of an object, so jwt-core's strict object parser
/// applies; a text that closes that object early or adds members has more than one member or
/// trailing text, and is refused.
pub(crate) fn parse_unique_value(json: &str) -> Result<Value, String> {
    let wrapped = format!("{{\"v\":{json}}}");
    let mut object =
        jwt_crypto::json::parse_unique_object(wrapped.as_bytes()).map_err(|err| err.to_string())?;
    match (object.len(), object.remove("v")) {
        (1, Some(value)) => Ok(value),
        _ => Err("the text holds more than one JSON value".to_owned()),
    }
}

/// Starts an empty claims object. Free it with `jwtkit_claims_free`.
///
/// # Safety
/// `claims_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_new(claims_out: *mut *mut jwtkit_claims) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(claims_out, "claims_out") }?;
        out.write(ffi::into_handle(jwtkit_claims::default()));
        Ok(())
    })
}

/// Frees a claims builder. NULL is a no-op.
///
/// # Safety
/// `claims` is NULL or a builder from `jwtkit_claims_new`, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_claims_free(claims: *mut jwtkit_claims) {
    // SAFETY: forwarded contract.
    boundary_void(|| unsafe { ffi::free_handle(claims.cast_const()) });
}

/// Sets the string member `name` to the `len` bytes at `value`, which must be UTF-8 and may
/// hold any character, NUL included: jwtkit escapes it, so no value can add members.
///
/// # Safety
/// `claims` is a live builder; `name` is NUL-terminated; `value` points to `len` readable
/// bytes.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_string(
    claims: *mut jwtkit_claims,
    name: *const c_char,
    value: *const c_char,
    len: usize,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let value = || unsafe { ffi::text(value, len, "value") }.map(|t| Value::String(t.to_owned()));
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, name, value) }
}

/// Sets the integer member `name`.
///
/// # Safety
/// `claims` is a live builder; `name` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_i64(
    claims: *mut jwtkit_claims,
    name: *const c_char,
    value: i64,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, name, || Ok(Value::from(value))) }
}

/// Sets the number member `name`. NaN and the infinities have no JSON form and are
/// `JWTKIT_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `claims` is a live builder; `name` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_double(
    claims: *mut jwtkit_claims,
    name: *const c_char,
    value: f64,
) -> jwtkit_status {
    let value = || {
        serde_json::Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| Failure::invalid_argument(format!("{value} has no JSON form")))
    };
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, name, value) }
}

/// Sets the boolean member `name`: false for 0, true for any other value.
///
/// # Safety
/// `claims` is a live builder; `name` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_bool(
    claims: *mut jwtkit_claims,
    name: *const c_char,
    value: c_int,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, name, || Ok(Value::Bool(value != 0))) }
}

/// Sets the member `name` to an array of the `count` strings at `values` (`roles`, `aud`).
/// With `lens_or_null` NULL each string is NUL-terminated; otherwise `lens_or_null[i]` is the
/// byte length of `values[i]`, which may then hold NUL. Every string must be UTF-8. `count`
/// may be 0 (an empty array; `values` may then be NULL).
///
/// # Safety
/// `claims` is a live builder; `name` is NUL-terminated; `values` points to `count` string
/// pointers, each NUL-terminated or of the length `lens_or_null` gives.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_string_array(
    claims: *mut jwtkit_claims,
    name: *const c_char,
    values: *const *const c_char,
    lens_or_null: *const usize,
    count: usize,
) -> jwtkit_status {
    let array = || {
        if count == 0 {
            return Ok(Value::Array(Vec::new()));
        }
        // SAFETY: forwarded contract.
        let values = unsafe { ffi::array(values, count, "values") }?;
        let lens = if lens_or_null.is_null() {
            None
        } else {
            // SAFETY: forwarded contract (non-NULL here).
            Some(unsafe { ffi::array(lens_or_null, count, "lens_or_null") }?)
        };
        let mut items = Vec::with_capacity(count);
        for (index, &value) in values.iter().enumerate() {
            let what = format!("values[{index}]");
            let text = match lens.and_then(|lens| lens.get(index)) {
                // SAFETY: forwarded contract.
                Some(&len) => unsafe { ffi::text(value, len, &what) }?,
                // SAFETY: forwarded contract.
                None => unsafe { ffi::c_str(value, &what) }?,
            };
            items.push(Value::String(text.to_owned()));
        }
        Ok(Value::Array(items))
    };
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, name, array) }
}

/// Sets the member `name` to the JSON value in the `len` bytes at `json` (an object, array,
/// number, ...), for shapes the typed setters do not cover. The text must be exactly one JSON
/// value with no member name repeated at any depth, or the call is
/// `JWTKIT_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `claims` is a live builder; `name` is NUL-terminated; `json` points to `len` readable bytes.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_json(
    claims: *mut jwtkit_claims,
    name: *const c_char,
    json: *const c_char,
    len: usize,
) -> jwtkit_status {
    let value = || {
        // SAFETY: forwarded contract.
        let text = unsafe { ffi::text(json, len, "json") }?;
        parse_unique_value(text).map_err(|why| {
            Failure::invalid_argument(format!(
                "json is not one JSON value with unique member names: {why}"
            ))
        })
    };
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, name, value) }
}

/// Sets `exp` to `seconds` from now (by the system clock), e.g. 900 for a 15-minute token.
///
/// # Safety
/// `claims` is a live builder.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_exp_in(
    claims: *mut jwtkit_claims,
    seconds: i64,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, c"exp".as_ptr(), || seconds_from_now(seconds)) }
}

/// Sets `iat` to now (by the system clock).
///
/// # Safety
/// `claims` is a live builder.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_iat_now(claims: *mut jwtkit_claims) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, c"iat".as_ptr(), || seconds_from_now(0)) }
}

/// Sets `nbf` to `unix_seconds`.
///
/// # Safety
/// `claims` is a live builder.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_nbf(
    claims: *mut jwtkit_claims,
    unix_seconds: i64,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, c"nbf".as_ptr(), || Ok(Value::from(unix_seconds))) }
}

/// Sets the registered string claim `name` from a NUL-terminated string.
///
/// # Safety
/// As the exported callers.
unsafe fn set_registered_string(
    claims: *mut jwtkit_claims,
    name: &'static std::ffi::CStr,
    value: *const c_char,
) -> jwtkit_status {
    let what = name.to_str().unwrap_or("value");
    // SAFETY: forwarded contract.
    let value = || unsafe { ffi::c_str(value, what) }.map(|t| Value::String(t.to_owned()));
    // SAFETY: forwarded contract.
    unsafe { set_member(claims, name.as_ptr(), value) }
}

/// Sets `iss`, the issuer.
///
/// # Safety
/// `claims` is a live builder; `iss` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_iss(
    claims: *mut jwtkit_claims,
    iss: *const c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { set_registered_string(claims, c"iss", iss) }
}

/// Sets `sub`, the subject.
///
/// # Safety
/// `claims` is a live builder; `sub` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_sub(
    claims: *mut jwtkit_claims,
    sub: *const c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { set_registered_string(claims, c"sub", sub) }
}

/// Sets `jti`, the token's unique identifier.
///
/// # Safety
/// `claims` is a live builder; `jti` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_set_jti(
    claims: *mut jwtkit_claims,
    jti: *const c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { set_registered_string(claims, c"jti", jti) }
}

/// Adds an audience: the first makes `aud` a string, a second makes it an array of both, and
/// so on. The one setter that adds to a member already set.
///
/// # Safety
/// `claims` is a live builder; `aud` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_claims_add_aud(
    claims: *mut jwtkit_claims,
    aud: *const c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let claims = unsafe { ffi::borrow_mut(claims, "claims") }?;
        // SAFETY: forwarded contract.
        let aud = Value::String(unsafe { ffi::c_str(aud, "aud") }?.to_owned());
        let merged = match claims.members.remove("aud") {
            None => aud,
            Some(Value::String(first)) => Value::Array(vec![Value::String(first), aud]),
            Some(Value::Array(mut items)) => {
                items.push(aud);
                Value::Array(items)
            }
            // The builder only ever holds a string or an array of strings under "aud".
            Some(other) => other,
        };
        claims.members.insert("aud".to_owned(), merged);
        Ok(())
    })
}

/// Issues a token: the members of `claims` signed by `key` with `alg`. The header is
/// `{"alg":...,"typ":"JWT"}` plus the key's `kid`; `header_or_null` adds or overrides members
/// (`kid`, `typ`, ...) from a second builder. Neither builder is consumed. Free `*token_out`
/// with `jwtkit_string_free`. A header member jwtkit would refuse to verify (a non-string
/// `kid`, an `alg` other than `alg`, `crit`) is `JWTKIT_ERR_INVALID_ARGUMENT`; an `alg` the
/// key cannot sign with is `JWTKIT_ERR_ALGORITHM`, as for `jwtkit_encode`.
///
/// # Safety
/// `key` is a live key; `claims` a live builder; `header_or_null` NULL or a live builder;
/// `token_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_encode_claims(
    key: *const jwtkit_key,
    alg: jwtkit_alg,
    header_or_null: *const jwtkit_claims,
    claims: *const jwtkit_claims,
    token_out: *mut *mut c_char,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(token_out, "token_out") }?;
        // SAFETY: forwarded contract.
        let key = unsafe { ffi::borrow(key, "key") }?;
        // SAFETY: forwarded contract.
        let claims = unsafe { ffi::borrow(claims, "claims") }?;
        let alg = algorithm_of(alg).ok_or_else(|| {
            Failure::invalid_argument(format!("{alg} is not a JWTKIT_ALG_* value"))
        })?;
        let mut header = Header::new(alg);
        // SAFETY: forwarded contract: NULL or a live builder.
        if let Some(extra) = unsafe { header_or_null.as_ref() } {
            header = header
                .merge(extra.members.clone())
                .map_err(Failure::from_builder)?;
        }
        let token =
            jwt_crypto::encode(&header, &claims.members, &*key.0).map_err(Failure::from_builder)?;
        out.write(ffi::into_c_string(token)?);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_value_parses_and_anything_more_is_refused() {
        assert_eq!(parse_unique_value(" [1, {\"a\":2}] ").unwrap()[1]["a"], 2);
        assert_eq!(parse_unique_value("\"x\"").unwrap(), "x");
        for bad in [
            "",
            "1,\"w\":2",
            "1,\"v\":2",
            "1} {\"v\":1",
            "{\"a\":1,\"a\":2}",
            "[1]]",
            "nul",
            "1 2",
        ] {
            assert!(parse_unique_value(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn registered_claims_keep_their_types() {
        assert!(check_registered_type("exp", &Value::from(1)).is_ok());
        assert!(check_registered_type("exp", &Value::from("1")).is_err());
        assert!(check_registered_type("aud", &serde_json::json!(["a", "b"])).is_ok());
        assert!(check_registered_type("aud", &serde_json::json!(["a", 1])).is_err());
        assert!(check_registered_type("sub", &Value::from(1)).is_err());
        assert!(check_registered_type("roles", &Value::from(1)).is_ok());
    }
}
