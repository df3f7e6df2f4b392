//! The one error type of jwt-core, shared by every layer above it.

/// Why a token, key or option was refused.
///
/// Each variant matches one row of the error table that the C status codes and the Python
/// exceptions follow, so [`Error::kind`] is the stable identity and the message is for people.
/// Messages are short, lowercase and name the offending part (which segment, which claim).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The token is not three strict base64url segments of valid JSON with well-typed claims,
    /// or it is longer than the configured limit.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The claims are JSON but not what RFC 7519 §4 asks of them: not one object, or a
    /// registered claim of the wrong type (`"exp": "1700000000"`, `"sub": 7`). Its kind is
    /// [`ErrorKind::Malformed`]; `claim` names the registered claim, so that a binding can
    /// apply its own peer's rules to it (PyJWT skips the type of a claim it does not check).
    #[error("malformed token: claims: {message}")]
    MistypedClaims {
        /// The registered claim of the wrong type; `None` when the claims are not an object.
        claim: Option<&'static str>,
        /// What was wrong, for people.
        message: String,
    },
    /// The token uses a feature jwt-core deliberately does not implement (JWE, an unknown
    /// `crit` extension, unencoded payloads).
    #[error("unsupported token: {0}")]
    Unsupported(String),
    /// The signature does not match the signing input under the selected key.
    #[error("signature does not match the key")]
    InvalidSignature,
    /// The `alg` is outside the allow-list, unknown, or not of the key's family.
    #[error("algorithm not allowed: {0}")]
    AlgorithmNotAllowed(String),
    /// `exp` is at or before the current time (less leeway).
    #[error("token expired at {exp} (now {now})")]
    Expired {
        /// The token's `exp`, in seconds since the epoch.
        exp: i64,
        /// The validation clock's time.
        now: i64,
    },
    /// `nbf` is after the current time (plus leeway).
    #[error("token not valid before {nbf} (now {now})")]
    NotYetValid {
        /// The token's `nbf`, in seconds since the epoch.
        nbf: i64,
        /// The validation clock's time.
        now: i64,
    },
    /// `iat` is in the future (plus leeway) and the caller asked for that check.
    #[error("token issued in the future at {iat} (now {now})")]
    InvalidIssuedAt {
        /// The token's `iat`, in seconds since the epoch.
        iat: i64,
        /// The validation clock's time.
        now: i64,
    },
    /// `iss` is not one of the accepted issuers.
    #[error("issuer {0:?} not accepted")]
    InvalidIssuer(String),
    /// `aud` does not name an accepted audience, or names one when none is expected.
    #[error("audience not accepted: {0}")]
    InvalidAudience(String),
    /// `sub` is not the expected subject.
    #[error("subject {0:?} not accepted")]
    InvalidSubject(String),
    /// The header's `typ` is not the expected type.
    #[error("token type not accepted: {0}")]
    InvalidType(String),
    /// A claim the validation requires is absent.
    #[error("required claim {0:?} is missing")]
    MissingClaim(String),
    /// A key could not be loaded or cannot do what was asked whatever the token (bad encoding,
    /// too small, a public key asked to sign). The one kind that is not a rejection: a token
    /// cannot cause it.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// No key of a key set matches the token's `kid` and `alg`, or more than one does.
    #[error("no matching key: {0}")]
    KeyNotFound(String),
}

/// The stable identity of an [`Error`], without its details.
///
/// The conformance vectors name these by [`ErrorKind::as_str`], and the C and Python layers
/// map them one to one onto their status codes and exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[allow(missing_docs)] // each mirrors the `Error` variant of the same name
pub enum ErrorKind {
    Malformed,
    Unsupported,
    InvalidSignature,
    AlgorithmNotAllowed,
    Expired,
    NotYetValid,
    InvalidIssuedAt,
    InvalidIssuer,
    InvalidAudience,
    InvalidSubject,
    InvalidType,
    MissingClaim,
    InvalidKey,
    KeyNotFound,
}

impl ErrorKind {
    /// Every kind, in declaration order. A slice, so that adding one is not a breaking change.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Malformed,
        ErrorKind::Unsupported,
        ErrorKind::InvalidSignature,
        ErrorKind::AlgorithmNotAllowed,
        ErrorKind::Expired,
        ErrorKind::NotYetValid,
        ErrorKind::InvalidIssuedAt,
        ErrorKind::InvalidIssuer,
        ErrorKind::InvalidAudience,
        ErrorKind::InvalidSubject,
        ErrorKind::InvalidType,
        ErrorKind::MissingClaim,
        ErrorKind::InvalidKey,
        ErrorKind::KeyNotFound,
    ];

    /// Whether errors of this kind are verdicts on a token; see [`Error::is_rejection`].
    pub const fn is_rejection(self) -> bool {
        !matches!(self, ErrorKind::InvalidKey)
    }

    /// The snake_case name used by the conformance vectors, e.g. `"invalid_signature"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Malformed => "malformed",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::InvalidSignature => "invalid_signature",
            ErrorKind::AlgorithmNotAllowed => "algorithm_not_allowed",
            ErrorKind::Expired => "expired",
            ErrorKind::NotYetValid => "not_yet_valid",
            ErrorKind::InvalidIssuedAt => "invalid_issued_at",
            ErrorKind::InvalidIssuer => "invalid_issuer",
            ErrorKind::InvalidAudience => "invalid_audience",
            ErrorKind::InvalidSubject => "invalid_subject",
            ErrorKind::InvalidType => "invalid_type",
            ErrorKind::MissingClaim => "missing_claim",
            ErrorKind::InvalidKey => "invalid_key",
            ErrorKind::KeyNotFound => "key_not_found",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// This error's kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Malformed(_) | Error::MistypedClaims { .. } => ErrorKind::Malformed,
            Error::Unsupported(_) => ErrorKind::Unsupported,
            Error::InvalidSignature => ErrorKind::InvalidSignature,
            Error::AlgorithmNotAllowed(_) => ErrorKind::AlgorithmNotAllowed,
            Error::Expired { .. } => ErrorKind::Expired,
            Error::NotYetValid { .. } => ErrorKind::NotYetValid,
            Error::InvalidIssuedAt { .. } => ErrorKind::InvalidIssuedAt,
            Error::InvalidIssuer(_) => ErrorKind::InvalidIssuer,
            Error::InvalidAudience(_) => ErrorKind::InvalidAudience,
            Error::InvalidSubject(_) => ErrorKind::InvalidSubject,
            Error::InvalidType(_) => ErrorKind::InvalidType,
            Error::MissingClaim(_) => ErrorKind::MissingClaim,
            Error::InvalidKey(_) => ErrorKind::InvalidKey,
            Error::KeyNotFound(_) => ErrorKind::KeyNotFound,
        }
    }

    /// Whether this error is a verdict on the token rather than on the caller's setup.
    ///
    /// Everything a token's content can cause (its encoding, its `alg` and `kid`, its signature,
    /// its claims) is a rejection: answer it with 401, never with 500. Only
    /// [`Error::InvalidKey`] is not: a key that cannot be loaded, or cannot do what was asked
    /// whatever the token says, is a configuration error.
    pub fn is_rejection(&self) -> bool {
        self.kind().is_rejection()
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Error::Malformed(message.into())
    }
}

/// jwt-core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_invalid_key_is_not_a_rejection() {
        for &kind in ErrorKind::ALL {
            assert_eq!(kind.is_rejection(), kind != ErrorKind::InvalidKey, "{kind}");
        }
        assert!(Error::KeyNotFound("x".into()).is_rejection());
        assert!(!Error::InvalidKey("x".into()).is_rejection());
    }
}
