//! Detached JWS (RFC 7515 Appendix F) and unencoded payloads (RFC 7797 `b64: false`): the
//! core's `jws::sign_detached` and `jws::verify_detached`, with Python types converted and the
//! core's errors mapped. The PyJWT-compatible `PyJWS` calls these for the built-in
//! algorithms; an algorithm class of the caller's own still runs in Python.

use jwt_crypto::{Algorithm, DEFAULT_MAX_TOKEN_LEN};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use crate::convert;
use crate::errors::{self, Context};
use crate::key::{self, PyKey, Source};

/// Signs `payload` as a detached JWS under the protected header `header_json` (exact bytes;
/// its `alg` chooses the algorithm): `header..signature`. With `"b64": false` listed in
/// `crit` the payload is signed as it is (RFC 7797), otherwise its base64url form.
#[pyfunction]
pub(crate) fn jws_sign_detached(
    py: Python<'_>,
    header_json: &[u8],
    payload: &[u8],
    key: &Bound<'_, PyKey>,
) -> PyResult<String> {
    let key = &key.get().key;
    key::run(py, key::is_slow(key), || {
        jwt_crypto::jws::sign_detached(header_json, payload, key)
    })
    .map_err(|err| errors::to_py(py, err, &Context::default()))
}

/// Verifies a detached JWS (`header..signature`) over `payload`, given separately (RFC 7797
/// when its header says `"b64": false`): returns `(header, payload bytes, signature bytes)`.
#[pyfunction]
#[pyo3(signature = (token, payload, key, algorithms, max_token_len=None))]
pub(crate) fn jws_verify_detached<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    payload: &[u8],
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
        jwt_crypto::jws::verify_detached(&token, payload, &algorithms, keys, max_len)
    })
    .map_err(|err| {
        let ctx = Context {
            token: Some(&token),
            algorithms: &algorithms,
            ..Context::default()
        };
        errors::to_py(py, err, &ctx)
    })?;
    // The header as a dict and the signature bytes, decoded as strictly as the verify path
    // decoded them (the payload segment is empty).
    let jws = jwt_crypto::dangerous::decode_jws_unverified(&token, max_len)
        .map_err(|err| errors::to_py(py, err, &Context::token(&token)))?;
    PyTuple::new(
        py,
        [
            convert::map_to_py(py, &jws.header)?.into_any(),
            PyBytes::new(py, &verified.payload).into_any(),
            PyBytes::new(py, &jws.signature).into_any(),
        ],
    )
}
