//! Conversions between Python objects and the core's types: JSON values, tokens, text.

use std::borrow::Cow;

use pyo3::exceptions::{PyRecursionError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyList, PyString};
use serde_json::{Map, Value};

use crate::errors;

/// A JSON value as the Python object `json.loads` would give (numbers that fit an `i64` or
/// `u64` become `int`, the rest `float`).
pub(crate) fn value_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_py(py, map)?.into_any(),
    })
}

/// A JSON object as a `dict`.
pub(crate) fn map_to_py<'py>(
    py: Python<'py>,
    map: &Map<String, Value>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in map {
        dict.set_item(name, value_to_py(py, value)?)?;
    }
    Ok(dict)
}

/// A token given as `str` or `bytes`, as PyJWT accepts it. A `str` that cannot be UTF-8
/// (a lone surrogate, as `json.loads` makes from `"\ud800"`) is a malformed token, refused
/// with DecodeError like non-UTF-8 `bytes`, not a UnicodeEncodeError that escapes
/// `except InvalidTokenError`.
pub(crate) fn token<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, str>> {
    if let Ok(text) = obj.cast::<PyString>() {
        return text.to_cow().map_err(|err| {
            if err.is_instance_of::<PyUnicodeEncodeError>(obj.py()) {
                errors::raise(obj.py(), "DecodeError", "Invalid token: not UTF-8")
            } else {
                err
            }
        });
    }
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return match std::str::from_utf8(bytes.as_bytes()) {
            Ok(text) => Ok(Cow::Owned(text.to_owned())),
            Err(_) => Err(errors::raise(
                obj.py(),
                "DecodeError",
                "Invalid token: not UTF-8",
            )),
        };
    }
    Err(errors::raise(
        obj.py(),
        "DecodeError",
        "Invalid token type. Token must be a <class 'bytes'>",
    ))
}

/// Text given as `str` or `bytes` (PEM, JWK JSON).
pub(crate) fn text<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, str>> {
    if let Ok(text) = obj.cast::<PyString>() {
        return text.to_cow();
    }
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return match std::str::from_utf8(bytes.as_bytes()) {
            Ok(text) => Ok(Cow::Owned(text.to_owned())),
            Err(_) => Err(errors::raise(
                obj.py(),
                "InvalidKeyError",
                format!("{what} is not UTF-8 text"),
            )),
        };
    }
    Err(errors::type_error(format!("{what} must be str or bytes")))
}

/// JSON text given as `str`/`bytes`, or any JSON-serializable object (serialized by
/// `json.dumps`, which cannot produce duplicate member names).
pub(crate) fn json_text<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, str>> {
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return text(obj, what);
    }
    let py = obj.py();
    let dumped = py
        .import("json")?
        .call_method1("dumps", (obj,))
        .map_err(|err| {
            // Nesting deeper than Python's recursion limit: the core refuses far less anyway.
            if err.is_instance_of::<PyRecursionError>(py) {
                errors::raise(
                    py,
                    "InvalidKeyError",
                    format!("{what} is nested too deeply"),
                )
            } else {
                err
            }
        })?;
    Ok(Cow::Owned(dumped.extract::<String>()?))
}
