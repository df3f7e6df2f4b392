//! All error bridging between jwtkit's one error type and PyJWT's exception classes.
//!
//! The classes are defined once, in Python (`jwtkit/exceptions.py`), and looked up here by
//! name; every failure the native module raises goes through this file. Messages are PyJWT's
//! where PyJWT has one (code that compares `str(err)` keeps working), otherwise jwtkit's own,
//! which name the offending part.

use jwt_crypto::{Algorithm, Error};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyType;

/// What the error bridge knows about the call that failed, to pick PyJWT's message.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Context<'a> {
    /// The token being verified, if any.
    pub(crate) token: Option<&'a str>,
    /// The allow-list of the call, if any.
    pub(crate) algorithms: &'a [Algorithm],
    /// What the caller expected of the token's `aud`.
    pub(crate) audience: Audience,
}

/// What a validator expects of `aud`, which decides PyJWT's words for an audience the core
/// refused.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
    /// No audience is configured.
    #[default]
    None,
    /// One of a list of audiences.
    Expected,
    /// PyJWT's `strict_aud`: `aud` must be the one expected string.
    Strict,
    /// `strict_aud` with an expected audience that is not one string, which no token
    /// satisfies (PyJWT: "Invalid audience (strict)").
    StrictNotOneString,
}

impl<'a> Context<'a> {
    pub(crate) fn token(token: &'a str) -> Self {
        Context {
            token: Some(token),
            ..Context::default()
        }
    }
}

/// One of the classes of `jwtkit.exceptions`.
pub(crate) fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyType>> {
    Ok(py
        .import("jwtkit.exceptions")?
        .getattr(name)?
        .cast_into::<PyType>()?)
}

/// An exception of class `name` with `message`.
pub(crate) fn raise(py: Python<'_>, name: &str, message: impl Into<String>) -> PyErr {
    match class(py, name).and_then(|cls| cls.call1((message.into(),))) {
        Ok(instance) => PyErr::from_value(instance),
        Err(err) => err,
    }
}

/// `TypeError` for an argument of the wrong type.
pub(crate) fn type_error(message: impl Into<String>) -> PyErr {
    PyTypeError::new_err(message.into())
}

/// The core's message for a header `kid` that is not a string.
const KID_NOT_A_STRING: &str = r#"header member "kid" is not a string"#;

/// Maps a jwtkit error onto PyJWT's class and message.
pub(crate) fn to_py(py: Python<'_>, err: Error, ctx: &Context<'_>) -> PyErr {
    // PyJWT's words for a segment that is not base64url (code and PyJWT's own tests look for
    // them), matched on the core's message as the `kid` one below is.
    if let Error::Malformed(message) = &err {
        if let Some(part) = segment_encoding(message) {
            return raise(py, "DecodeError", format!("Invalid {part} padding"));
        }
    }
    let (name, message) = match &err {
        Error::Malformed(_) if ctx.token.is_some_and(|t| t.matches('.').count() < 2) => {
            ("DecodeError", "Not enough segments".to_owned())
        }
        // PyJWT's words for a `kid` that is not a string (it raises InvalidTokenError, of
        // which DecodeError is a subclass). Matched on the core's message, which only picks
        // the text: any other message keeps the core's own.
        Error::Malformed(message) if message == KID_NOT_A_STRING => (
            "DecodeError",
            "Key ID header parameter must be a string".to_owned(),
        ),
        Error::Malformed(_) | Error::Unsupported(_) => ("DecodeError", err.to_string()),
        Error::MistypedClaims { claim, .. } => return mistyped_claims(py, &err, *claim),
        Error::InvalidSignature => (
            "InvalidSignatureError",
            "Signature verification failed".to_owned(),
        ),
        Error::AlgorithmNotAllowed(_) if alg_outside_allow_list(ctx) => (
            "InvalidAlgorithmError",
            "The specified alg value is not allowed".to_owned(),
        ),
        Error::AlgorithmNotAllowed(_) => ("InvalidAlgorithmError", err.to_string()),
        Error::Expired { .. } => ("ExpiredSignatureError", "Signature has expired".to_owned()),
        Error::NotYetValid { .. } => (
            "ImmatureSignatureError",
            "The token is not yet valid (nbf)".to_owned(),
        ),
        // PyJWT raises ImmatureSignatureError for an `iat` in the future (InvalidIssuedAtError
        // is its error for an `iat` that is not a number, which jwtkit reports as DecodeError).
        Error::InvalidIssuedAt { .. } => (
            "ImmatureSignatureError",
            "The token is not yet valid (iat)".to_owned(),
        ),
        Error::InvalidIssuer(_) => ("InvalidIssuerError", "Invalid issuer".to_owned()),
        Error::InvalidAudience(_) => ("InvalidAudienceError", audience_message(ctx).to_owned()),
        Error::InvalidSubject(_) => ("InvalidSubjectError", "Invalid subject".to_owned()),
        Error::InvalidType(_) => ("InvalidTypeError", err.to_string()),
        Error::MissingClaim(claim) => ("MissingRequiredClaimError", claim.clone()),
        // The one kind a token cannot cause: the caller's key or setup.
        Error::InvalidKey(_) => ("InvalidKeyError", err.to_string()),
        // No key, or more than one, for the token's `kid` and `alg`: a verdict on the token
        // (KeyNotFoundError is an InvalidTokenError).
        Error::KeyNotFound(_) => ("KeyNotFoundError", err.to_string()),
        // `Error` is non-exhaustive: a kind added later follows the core's own verdict.
        _ if err.is_rejection() => ("InvalidTokenError", err.to_string()),
        _ => ("InvalidKeyError", err.to_string()),
    };
    raise(py, name, message)
}

/// A `DecodeError` marked with `_mistyped_claim` (the claim's name, or `""` for claims that
/// are not an object), which `jwt.decode` judges again by PyJWT's claim rules: PyJWT skips
/// the type of a claim it does not check.
fn mistyped_claims(py: Python<'_>, err: &Error, claim: Option<&str>) -> PyErr {
    let exception = raise(py, "DecodeError", err.to_string());
    match exception
        .value(py)
        .setattr("_mistyped_claim", claim.unwrap_or_default())
    {
        Ok(()) => exception,
        Err(failure) => failure,
    }
}

/// The segment a core message says is not strict base64url, as PyJWT names it ("header",
/// "payload", "crypto" for the signature).
fn segment_encoding(message: &str) -> Option<&'static str> {
    let (part, _) = message.split_once(" is not strict base64url")?;
    match part {
        "header" => Some("header"),
        "payload" => Some("payload"),
        "signature" => Some("crypto"),
        _ => None,
    }
}

/// PyJWT's message for an audience the core refused, by what the caller expected and, under
/// `strict_aud`, whether the token's `aud` is an array (read only on the error path; the
/// verdict is the core's).
fn audience_message(ctx: &Context<'_>) -> &'static str {
    match ctx.audience {
        Audience::None => "Invalid audience",
        Audience::Expected => "Audience doesn't match",
        Audience::StrictNotOneString => "Invalid audience (strict)",
        Audience::Strict if aud_is_array(ctx.token) => "Invalid claim format in token (strict)",
        Audience::Strict => "Audience doesn't match (strict)",
    }
}

/// Whether the token's `aud` claim is a JSON array.
fn aud_is_array(token: Option<&str>) -> bool {
    token
        .and_then(|token| jwt_crypto::dangerous::decode_claims_json_unverified(token).ok())
        .is_some_and(|claims| claims.get("aud").is_some_and(serde_json::Value::is_array))
}

/// Whether the token's `alg` is unknown or not in the call's allow-list (PyJWT's "not
/// allowed"), rather than outside the key's family or binding. Read only on the error path.
fn alg_outside_allow_list(ctx: &Context<'_>) -> bool {
    let Some(token) = ctx.token else {
        return true;
    };
    let Ok(header) = jwt_crypto::dangerous::decode_header_json_unverified(token) else {
        return true;
    };
    match header.get("alg").and_then(|alg| alg.as_str()) {
        Some(name) => match name.parse::<Algorithm>() {
            Ok(alg) => !ctx.algorithms.contains(&alg),
            Err(_) => true,
        },
        None => true,
    }
}
