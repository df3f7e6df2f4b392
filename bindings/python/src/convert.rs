//! Conversions between Python objects and the core's types: JSON values, tokens, text.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use pyo3::exceptions::{PyRecursionError, PyUnicodeEncodeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyList, PyString};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
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

/// A JSON object the core has read strictly, as a dict in the order of its text (`map`'s
/// own order is by name), the order PyJWT gives.
///
/// # Errors
/// A Python error raised while building the dict.
pub(crate) fn object_to_py<'py>(
    py: Python<'py>,
    map: &Map<String, Value>,
    text: &[u8],
) -> PyResult<Bound<'py, PyDict>> {
    if let Some(object) = json_text_to_py(py, text)? {
        if let Ok(dict) = object.cast_into::<PyDict>() {
            return Ok(dict);
        }
    }
    map_to_py(py, map)
}

/// JSON text the core has already read strictly (verified claims, say) as the objects
/// `json.loads` gives, **in the text's order**, as PyJWT hands them back; `None` when the text
/// holds an integer beyond 64 bits, which only `json.loads` reads exactly. One pass from the
/// text, with no intermediate JSON values.
///
/// # Errors
/// A Python error raised while building the objects; `ValueError` for text that is not JSON
/// (the callers pass text the core has accepted).
pub(crate) fn json_text_to_py<'py>(
    py: Python<'py>,
    text: &[u8],
) -> PyResult<Option<Bound<'py, PyAny>>> {
    read_py(py, |seed| {
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        seed.deserialize(&mut deserializer)
            .and_then(|obj| deserializer.end().map(|()| obj))
    })
    .map_err(|unread| match unread {
        Unread::Python(err) => err,
        Unread::Reader(err) => PyValueError::new_err(err.to_string()),
    })
}

/// Why [`read_py`] gave no object.
pub(crate) enum Unread<E> {
    /// Building an object raised this Python error.
    Python(PyErr),
    /// The reader failed.
    Reader(E),
}

/// The Python objects `json.loads` would give for the JSON that `reader` runs the seed it is
/// handed over (serde_json over text, or the core's decode over a token's claims), in the
/// JSON's order; `None` when it holds an integer beyond 64 bits, which only `json.loads`
/// reads exactly.
///
/// # Errors
/// The Python error raised while building an object, else the reader's own.
pub(crate) fn read_py<'py, E>(
    py: Python<'py>,
    reader: impl for<'s> FnOnce(PySeed<'s, 'py>) -> Result<Bound<'py, PyAny>, E>,
) -> Result<Option<Bound<'py, PyAny>>, Unread<E>> {
    let state = TextState {
        failure: RefCell::new(None),
        wide: Cell::new(false),
    };
    match reader(PySeed { py, state: &state }) {
        Ok(_) if state.wide.get() => Ok(None),
        Ok(obj) => Ok(Some(obj)),
        Err(err) => Err(match state.failure.take() {
            Some(raised) => Unread::Python(raised),
            None => Unread::Reader(err),
        }),
    }
}

/// What building the objects met: a Python error to hand back, or a wide integer.
struct TextState {
    failure: RefCell<Option<PyErr>>,
    wide: Cell<bool>,
}

/// Builds the Python object of one JSON value (see [`read_py`]).
#[derive(Clone, Copy)]
pub(crate) struct PySeed<'s, 'py> {
    py: Python<'py>,
    state: &'s TextState,
}

impl PySeed<'_, '_> {
    /// Keeps a Python error for [`read_py`] to raise, ending the parse.
    fn fail<E: de::Error>(&self, err: PyErr) -> E {
        self.state.failure.replace(Some(err));
        E::custom("a Python object could not be made")
    }
}

impl<'de, 'py> DeserializeSeed<'de> for PySeed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for PySeed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        let Ok(int) = v.into_pyobject(self.py);
        Ok(int.into_any())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let Ok(int) = v.into_pyobject(self.py);
        Ok(int.into_any())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // An integral value this large may be an integer the text wrote exactly.
        if v.is_finite() && v.fract() == 0.0 && v.abs() >= 9.0e18 {
            self.state.wide.set(true);
        }
        Ok(PyFloat::new(self.py, v).into_any())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.py);
        while let Some(item) = seq.next_element_seed(self)? {
            list.append(item).map_err(|err| self.fail(err))?;
        }
        Ok(list.into_any())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(name) = map.next_key_seed(self)? {
            let value = map.next_value_seed(self)?;
            dict.set_item(name, value).map_err(|err| self.fail(err))?;
        }
        Ok(dict.into_any())
    }
}
