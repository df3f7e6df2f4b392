//! The two base64 dialects keys come in: strict base64url for JWK members, and the padded
//! standard alphabet inside PEM.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jwt_core::Error;

/// Encodes as base64url without padding (RFC 7515 §2).
pub(crate) fn url_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes strict base64url: no padding, no `+` or `/`, no whitespace, and canonical trailing
/// bits, so one value has exactly one spelling.
pub(crate) fn url_decode(text: &str, what: &str) -> Result<Vec<u8>, Error> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| Error::InvalidKey(format!("{what} is not strict base64url without padding")))
}

/// Decodes a PEM body (whitespace already removed): standard alphabet, padding required,
/// canonical trailing bits.
pub(crate) fn std_decode(text: &str) -> Result<Vec<u8>, Error> {
    STANDARD
        .decode(text)
        .map_err(|_| Error::InvalidKey("PEM body is not valid base64".into()))
}
