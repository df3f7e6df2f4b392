//! `jwtkit._native`: the pyo3 extension under the Python package `jwtkit`.
//!
//! This crate holds no JWT logic. It converts Python objects to the core's types and back
//! (`convert`), wraps keys and validation settings parsed once (`key`, `validator`), and maps
//! the core's errors onto PyJWT's exception classes (`errors`, the only place that does). The
//! PyJWT-compatible API is pure Python over these pieces, in `jwtkit/`.
//!
//! Signature work on RSA, EC and Ed25519 keys runs with the GIL released; keys and validators
//! are immutable (`frozen`) and `Send + Sync`, so threads share them without locks.

mod convert;
mod detached;
mod errors;
mod json;
mod key;
mod validator;

use std::borrow::Cow;

use jwt_crypto::{Algorithm, DEFAULT_MAX_TOKEN_LEN};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};

use crate::errors::Context;
use crate::key::{PyKey, PyKeySet, Source};
use crate::validator::PyValidator;

/// Signs `payload` under the protected header `header_json`, both exact bytes (the header's
/// `alg` chooses the algorithm): compact JWS. The core refuses `none`, `crit` extensions and
/// a key of another family.
#[pyfunction]
fn sign(
    py: Python<'_>,
    header_json: &[u8],
    payload: &[u8],
    key: &Bound<'_, PyKey>,
) -> PyResult<String> {
    let key = &key.get().key;
    key::run(py, key::is_slow(key), || {
        jwt_crypto::jws::sign(header_json, payload, key)
    })
    .map_err(|err| errors::to_py(py, err, &Context::default()))
}

/// The compact JSON text of `obj`, exactly as `json.dumps(obj, separators=(",", ":"),
/// allow_nan=False, sort_keys=sort_keys)` writes it, or `None` when `obj` holds anything but
/// plain built-in values (then `json.dumps` itself must write it, or refuse it).
#[pyfunction]
#[pyo3(signature = (obj, sort_keys=false))]
fn dumps_compact(obj: &Bound<'_, PyAny>, sort_keys: bool) -> PyResult<Option<String>> {
    Ok(json::dumps(obj, sort_keys)?.and_then(|text| String::from_utf8(text).ok()))
}

/// PyJWT's `encode` in one call: `claims` (a dict) under the protected header `header` (a
/// dict; its members sorted when `sort_header`), both written as [`dumps_compact`] writes
/// them, signed with `key`. `None` when either holds anything but plain built-in values:
/// the caller then writes them with `json.dumps`.
#[pyfunction]
fn encode_jwt(
    py: Python<'_>,
    header: &Bound<'_, PyDict>,
    sort_header: bool,
    claims: &Bound<'_, PyAny>,
    key: &Bound<'_, PyKey>,
) -> PyResult<Option<String>> {
    let Some(header_json) = json::dumps(header.as_any(), sort_header)? else {
        return Ok(None);
    };
    let Some(claims_json) = json::dumps(claims, false)? else {
        return Ok(None);
    };
    sign(py, &header_json, &claims_json, key).map(Some)
}

/// Verifies a compact JWS over any payload: returns `(header, payload bytes, signature
/// bytes)`.
#[pyfunction]
#[pyo3(signature = (token, key, algorithms, max_token_len=None))]
fn jws_verify<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    algorithms: Vec<String>,
    max_token_len: Option<usize>,
) -> PyResult<Bound<'py, PyTuple>> {
    let token = convert::token(token)?;
    let algorithms = algorithms
        .iter()
        .map(|name| key::algorithm(py, name))
        .collect::<PyResult<Vec<Algorithm>>>()?;
    let source = Source::extract(key)?;
    let keys = source.keys();
    let max_len = max_token_len.unwrap_or(DEFAULT_MAX_TOKEN_LEN);
    let verified = key::run(py, source.is_slow(), || {
        jwt_crypto::jws::verify(&token, &algorithms, keys, max_len)
    })
    .map_err(|err| {
        let ctx = Context {
            token: Some(&token),
            algorithms: &algorithms,
            ..Context::default()
        };
        errors::to_py(py, err, &ctx)
    })?;
    // The header and signature as the core reads them (the verify path decoded every segment
    // the same strict way).
    let jws = jwt_crypto::dangerous::decode_jws_unverified(&token, max_len)
        .map_err(|err| errors::to_py(py, err, &Context::token(&token)))?;
    PyTuple::new(
        py,
        [
            convert::object_to_py(py, &jws.header, &jws.header_json)?.into_any(),
            PyBytes::new(py, &verified.payload).into_any(),
            PyBytes::new(py, &jws.signature).into_any(),
        ],
    )
}

/// DANGEROUS: the `(header, payload bytes, signature bytes)` of a compact JWS with **no
/// signature check** (PyJWT's `verify_signature=False`): every segment strict base64url as on
/// the verify path, the header a JSON object (any `alg`, even `none`, whose `kid` if any is a
/// string).
#[pyfunction]
fn jws_unverified<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let token = convert::token(token)?;
    let jws = jwt_crypto::dangerous::decode_jws_unverified(&token, DEFAULT_MAX_TOKEN_LEN)
        .map_err(|err| errors::to_py(py, err, &Context::token(&token)))?;
    PyTuple::new(
        py,
        [
            convert::object_to_py(py, &jws.header, &jws.header_json)?.into_any(),
            PyBytes::new(py, &jws.payload).into_any(),
            PyBytes::new(py, &jws.signature).into_any(),
        ],
    )
}

/// The header of a token as a dict, without any check of its signature (even `alg: none`).
#[pyfunction]
fn unverified_header<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let token = convert::token(token)?;
    // Every segment read strictly, as PyJWT reads them all; the header in its text's order.
    let jws = jwt_crypto::dangerous::decode_jws_unverified(&token, DEFAULT_MAX_TOKEN_LEN)
        .map_err(|err| errors::to_py(py, err, &Context::token(&token)))?;
    convert::object_to_py(py, &jws.header, &jws.header_json)
}

/// A JSON object as a dict, read by the core's strict parser: member names unique at every
/// depth, nesting within the core's limit, nothing after the object. `ValueError` (as
/// `json.loads` raises) for anything else; the PyJWT-style entry points turn it into their
/// own class (`PyJWKSetError`, `InvalidKeyError`, `PyJWKClientError`).
#[pyfunction]
fn parse_json_object<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let bytes: Cow<'_, [u8]> = if let Ok(text) = data.cast::<PyString>() {
        match text.to_cow() {
            Ok(text) => Cow::Owned(text.into_owned().into_bytes()),
            Err(_) => return Err(PyValueError::new_err("the JSON text is not valid Unicode")),
        }
    } else if let Ok(bytes) = data.cast::<PyBytes>() {
        Cow::Borrowed(bytes.as_bytes())
    } else {
        return Err(errors::type_error("JSON text must be str or bytes"));
    };
    let map = jwt_crypto::json::parse_unique_object(&bytes).map_err(|err| {
        PyValueError::new_err(format!("not a JSON object with unique member names: {err}"))
    })?;
    convert::object_to_py(py, &map, &bytes)
}

/// The claims of a token as a dict, with no signature check and no claim validation.
#[pyfunction]
fn unverified_claims<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let token = convert::token(token)?;
    jwt_crypto::dangerous::decode_claims_json_unverified(&token)
        .map_err(|err| errors::to_py(py, err, &Context::token(&token)))
        .and_then(|claims| convert::map_to_py(py, &claims))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyKey>()?;
    m.add_class::<PyKeySet>()?;
    m.add_class::<PyValidator>()?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(dumps_compact, m)?)?;
    m.add_function(wrap_pyfunction!(encode_jwt, m)?)?;
    m.add_function(wrap_pyfunction!(jws_verify, m)?)?;
    m.add_function(wrap_pyfunction!(jws_unverified, m)?)?;
    m.add_function(wrap_pyfunction!(detached::jws_sign_detached, m)?)?;
    m.add_function(wrap_pyfunction!(detached::jws_verify_detached, m)?)?;
    m.add_function(wrap_pyfunction!(unverified_header, m)?)?;
    m.add_function(wrap_pyfunction!(unverified_claims, m)?)?;
    m.add_function(wrap_pyfunction!(parse_json_object, m)?)?;
    // What this build signs and verifies (ES512 and ES256K need the aws-lc-rs backend).
    let names: Vec<&str> = jwt_crypto::supported_algorithms()
        .iter()
        .map(|alg| alg.as_str())
        .collect();
    m.add("ALGORITHMS", PyTuple::new(m.py(), names)?)?;
    m.add("DEFAULT_MAX_TOKEN_LEN", DEFAULT_MAX_TOKEN_LEN)?;
    // The shortest secret each HMAC algorithm allows (RFC 7518 §3.2), read-only.
    let min_secret = PyDict::new(m.py());
    for alg in Algorithm::ALL {
        if let Some(len) = alg.min_secret_len() {
            min_secret.set_item(alg.as_str(), len)?;
        }
    }
    let read_only = m.py().import("types")?.getattr("MappingProxyType")?;
    m.add("MIN_SECRET_LEN", read_only.call1((min_secret,))?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
