//! Compact JSON text of plain Python values, byte for byte what
//! `json.dumps(obj, separators=(",", ":"), allow_nan=False)` writes (with `sort_keys` when
//! asked), made without building a `JSONEncoder` per call: the encode path's largest cost.
//!
//! Only the exact built-in types are written here (`dict` with `str` keys, `list`, `tuple`,
//! `str`, `int`, `float`, `bool`, `None`). Anything else (a subclass, a non-string key, a
//! non-finite float, a string with a lone surrogate, nesting deeper than [`MAX_DEPTH`]) gives
//! `None`, and the caller uses `json.dumps` itself, which gives its own answer or error.

use std::io::Write;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// Nesting beyond this is left to `json.dumps` (claims are never this deep).
const MAX_DEPTH: usize = 64;

/// The compact JSON text of `obj`, or `None` when `json.dumps` must write it.
pub(crate) fn dumps(obj: &Bound<'_, PyAny>, sort_keys: bool) -> PyResult<Option<Vec<u8>>> {
    // Every byte written is ASCII (strings are written with `ensure_ascii`), so the text is
    // UTF-8 too.
    let mut out = Vec::with_capacity(256);
    Ok(write(obj, sort_keys, 0, &mut out)?.then_some(out))
}

fn write(
    obj: &Bound<'_, PyAny>,
    sort_keys: bool,
    depth: usize,
    out: &mut Vec<u8>,
) -> PyResult<bool> {
    if depth > MAX_DEPTH {
        return Ok(false);
    }
    if obj.is_none() {
        out.extend_from_slice(b"null");
    } else if let Ok(text) = obj.cast_exact::<PyString>() {
        if !write_py_str(text, out) {
            return Ok(false);
        }
    } else if let Ok(flag) = obj.cast_exact::<PyBool>() {
        out.extend_from_slice(if flag.is_true() { b"true" } else { b"false" });
    } else if obj.cast_exact::<PyInt>().is_ok() {
        if let Ok(small) = obj.extract::<i64>() {
            // Writing to a Vec cannot fail.
            let _ = write!(out, "{small}");
        } else {
            // Beyond 64 bits: Python's own digits, as json.dumps writes them.
            out.extend_from_slice(obj.str()?.to_cow()?.as_bytes());
        }
    } else if let Ok(float) = obj.cast_exact::<PyFloat>() {
        if !float.value().is_finite() {
            return Ok(false);
        }
        // float.__repr__, as json.dumps writes it.
        out.extend_from_slice(obj.repr()?.to_cow()?.as_bytes());
    } else if let Ok(dict) = obj.cast_exact::<PyDict>() {
        return write_dict(dict, sort_keys, depth, out);
    } else if let Ok(list) = obj.cast_exact::<PyList>() {
        out.push(b'[');
        for (index, item) in list.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            if !write(&item, sort_keys, depth + 1, out)? {
                return Ok(false);
            }
        }
        out.push(b']');
    } else if let Ok(tuple) = obj.cast_exact::<PyTuple>() {
        out.push(b'[');
        for (index, item) in tuple.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            if !write(&item, sort_keys, depth + 1, out)? {
                return Ok(false);
            }
        }
        out.push(b']');
    } else {
        return Ok(false);
    }
    Ok(true)
}

fn write_dict(
    dict: &Bound<'_, PyDict>,
    sort_keys: bool,
    depth: usize,
    out: &mut Vec<u8>,
) -> PyResult<bool> {
    out.push(b'{');
    if !sort_keys {
        for (index, (name, value)) in dict.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            let Ok(name) = name.cast_exact::<PyString>() else {
                return Ok(false);
            };
            if !write_py_str(name, out) {
                return Ok(false);
            }
            out.push(b':');
            if !write(&value, sort_keys, depth + 1, out)? {
                return Ok(false);
            }
        }
        out.push(b'}');
        return Ok(true);
    }
    let mut members = Vec::with_capacity(dict.len());
    for (name, value) in dict.iter() {
        let Ok(name) = name.cast_exact::<PyString>() else {
            return Ok(false);
        };
        let Ok(utf8) = name.encode_utf8() else {
            return Ok(false);
        };
        members.push((utf8, value));
    }
    // Code point order, as Python sorts str: UTF-8 bytes sort the same way.
    members.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    for (index, (name, value)) in members.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        if !write_utf8(name.as_bytes(), out) {
            return Ok(false);
        }
        out.push(b':');
        if !write(value, sort_keys, depth + 1, out)? {
            return Ok(false);
        }
    }
    out.push(b'}');
    Ok(true)
}

/// A Python `str` as a JSON string; false for one that is no valid Unicode (a lone
/// surrogate), which `json.dumps` must write.
fn write_py_str(text: &Bound<'_, PyString>, out: &mut Vec<u8>) -> bool {
    match text.encode_utf8() {
        Ok(utf8) => write_utf8(utf8.as_bytes(), out),
        Err(_) => false,
    }
}

/// UTF-8 bytes as a JSON string (ASCII without a second look at each character).
fn write_utf8(bytes: &[u8], out: &mut Vec<u8>) -> bool {
    if bytes.is_ascii() {
        out.push(b'"');
        for &byte in bytes {
            match byte {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b' '..=b'~' => out.push(byte),
                _ => escape_control(char::from(byte), out),
            }
        }
        out.push(b'"');
        return true;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            write_str(text, out);
            true
        }
        Err(_) => false,
    }
}

fn escape_control(ch: char, out: &mut Vec<u8>) {
    match ch {
        '\n' => out.extend_from_slice(b"\\n"),
        '\r' => out.extend_from_slice(b"\\r"),
        '\t' => out.extend_from_slice(b"\\t"),
        '\u{8}' => out.extend_from_slice(b"\\b"),
        '\u{c}' => out.extend_from_slice(b"\\f"),
        _ => {
            let mut units = [0u16; 2];
            for code in ch.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{code:04x}");
            }
        }
    }
}

/// A JSON string as json.dumps writes it by default (`ensure_ascii`): every character
/// outside printable ASCII as `\uXXXX` (a surrogate pair beyond the BMP).
fn write_str(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for ch in text.chars() {
        match ch {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            ' '..='~' => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            _ => escape_control(ch, out),
        }
    }
    out.push(b'"');
}
