//! Reading a token without verifying it. For inspection and routing only (which key set,
//! which tenant): nothing read here may be trusted, so every function says so in its name.
//! The token must still be well formed, signature segment included (strict base64url, which
//! an unsigned `alg: none` token's empty signature is), as PyJWT also requires.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::base64url;
use crate::claims::ClaimsView;
use crate::decode::TokenData;
use crate::error::Error;
use crate::header::{self, Header};
use crate::json;
use crate::jws::{Parsed, Segments};
use crate::kept_registered::KeptRegistered;
use crate::validation::DEFAULT_MAX_TOKEN_LEN;

/// The header of `token`, parsed as strictly as the verify path parses it, but with no
/// signature check.
///
/// # Errors
/// [`Error::Malformed`] for a token whose segments or header the verify path would refuse as
/// malformed; [`Error::Unsupported`] for a JWE.
pub fn decode_header_unverified(token: &str) -> Result<Header, Error> {
    let parsed = Parsed::new(token, DEFAULT_MAX_TOKEN_LEN)?;
    check_signature_encoding(parsed.signature_segment())?;
    Ok(Arc::unwrap_or_clone(parsed.header))
}

/// The header of `token` as a JSON object, whatever its `alg` says (even `none`): for tools
/// that show a token to a person or route it. Base64url and member names are still checked
/// strictly, and `kid`, when present, must be a string of at most
/// [`MAX_KID_LEN`](crate::MAX_KID_LEN) bytes, as the verify path requires.
///
/// # Errors
/// [`Error::Malformed`] for a token that is not three strict base64url segments with a
/// header object; [`Error::Unsupported`] for a JWE.
pub fn decode_header_json_unverified(token: &str) -> Result<Map<String, Value>, Error> {
    let segments = Segments::split(token, DEFAULT_MAX_TOKEN_LEN)?;
    check_signature_encoding(segments.signature)?;
    header_json(segments.header)
}

/// A header segment as a JSON object with unique member names and a well-typed `kid`.
fn header_json(segment: &str) -> Result<Map<String, Value>, Error> {
    header_object(segment).map(|(header, _)| header)
}

/// [`header_json`], with the header's JSON text.
fn header_object(segment: &str) -> Result<(Map<String, Value>, Vec<u8>), Error> {
    let text = base64url::decode(segment, "header")?;
    let header = json::parse_unique_object(&text)
        .map_err(|err| Error::malformed(format!("header is not a JSON object: {err}")))?;
    header::check_kid_value(header.get("kid"))?;
    Ok((header, text))
}

/// The claims of `token` as a JSON object, whatever its header says (even `alg: none`): for
/// tools that show a token to a person. No signature check, no claim validation.
///
/// # Errors
/// [`Error::Malformed`] for a token that is not three strict base64url segments with a
/// claims object; [`Error::Unsupported`] for a JWE.
pub fn decode_claims_json_unverified(token: &str) -> Result<Map<String, Value>, Error> {
    let segments = Segments::split(token, DEFAULT_MAX_TOKEN_LEN)?;
    check_signature_encoding(segments.signature)?;
    let claims = base64url::decode(segments.payload, "payload")?;
    ClaimsView::parse_object(&claims)
}

/// The header and claims of `token` with no signature check and no claim validation.
///
/// # Errors
/// [`Error::Malformed`] for a malformed token, claims that do not fit `T`, or registered
/// claims of the wrong type (a string `exp`); [`Error::Unsupported`] for a JWE.
pub fn decode_unverified<T: DeserializeOwned>(token: &str) -> Result<TokenData<T>, Error> {
    let parsed = Parsed::new(token, DEFAULT_MAX_TOKEN_LEN)?;
    check_signature_encoding(parsed.signature_segment())?;
    let payload = base64url::decode(parsed.payload_segment(), "payload")?;
    let object = ClaimsView::parse_object(&payload)?;
    let registered = KeptRegistered::from_view(&ClaimsView::from_object(&object)?);
    let claims = serde_json::from_value(Value::Object(object))
        .map_err(|err| Error::malformed(format!("claims do not fit the expected type: {err}")))?;
    Ok(TokenData::new(parsed.header, claims, registered))
}

/// A compact JWS read without checking its signature: what [`decode_jws_unverified`] returns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnverifiedJws {
    /// The protected header as a JSON object, whatever its `alg` says.
    pub header: Map<String, Value>,
    /// The same header as the JSON text the token carries, members in the token's order
    /// (`header` is a map sorted by name).
    pub header_json: Vec<u8>,
    /// The payload bytes (empty for detached content, RFC 7515 Appendix F).
    pub payload: Vec<u8>,
    /// The signature bytes, unchecked.
    pub signature: Vec<u8>,
}

/// The header, payload and signature of a compact JWS over any payload, with no signature
/// check: for tools and for PyJWT's `verify_signature=False`. Every segment is decoded as
/// strictly as the verify path decodes it, so no token reads differently here and there.
///
/// # Errors
/// [`Error::Malformed`] for anything but three strict base64url segments within `max_len`
/// bytes (pass [`DEFAULT_MAX_TOKEN_LEN`], or the limit the token was verified under) with a
/// header that is a JSON object (whose `kid`, if any, is a string), and
/// [`Error::Unsupported`] for a JWE.
pub fn decode_jws_unverified(token: &str, max_len: usize) -> Result<UnverifiedJws, Error> {
    let segments = Segments::split(token, max_len)?;
    let signature = base64url::decode(segments.signature, "signature")?;
    let (header, header_json) = header_object(segments.header)?;
    let payload = base64url::decode(segments.payload, "payload")?;
    Ok(UnverifiedJws {
        header,
        header_json,
        payload,
        signature,
    })
}

/// The signature segment is not checked here, but it must be strict base64url all the same.
fn check_signature_encoding(signature: &str) -> Result<(), Error> {
    base64url::decode(signature, "signature").map(|_| ())
}
