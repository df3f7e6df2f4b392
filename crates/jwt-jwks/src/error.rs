//! The errors of a remote key source, and how they map onto jwt-crypto's error kinds.
//!
//! Three things can go wrong, and callers must be able to tell them apart:
//! - the caller's setup ([`Error::Config`]): refused when the client is built, before any
//!   network traffic;
//! - the identity provider ([`Error::Fetch`], [`Error::Unavailable`]): an outage, a broken
//!   response, a refused key set;
//! - the token: an unknown `kid`, a bad signature. These never appear here; verification returns
//!   them as jwt-crypto's rejection kinds (`KeyNotFound`, `InvalidSignature`, …).
//!
//! Through jwt-crypto's `KeySource` seam (whose error type is fixed) an identity provider
//! failure surfaces as [`jwt_crypto::Error::InvalidKey`]: the one kind that is *not* a
//! rejection, so a service answers it with 503, never with 401.

use std::fmt;

/// Why a client could not be built, or keys could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A URL or option is unusable (plain HTTP to a host that is not loopback, a TTL bound
    /// below its minimum, a PEM file without a certificate, …). Only
    /// [`JwksClientBuilder::build`](crate::JwksClientBuilder::build) returns it.
    #[error("invalid JWK set client configuration: {0}")]
    Config(String),
    /// One fetch of the key set failed. The client keeps serving its last good set (within
    /// the stale-if-error window) and retries on its own.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// No key set can be served: none was ever fetched, or the last good one is older than
    /// its freshness lifetime plus the stale-if-error window (the client fails closed).
    #[error("no JWK set is available: {0}")]
    Unavailable(String),
}

impl From<Error> for jwt_crypto::Error {
    /// Every error of this crate is about the caller's setup or the identity provider, never
    /// about a token, so each becomes [`jwt_crypto::Error::InvalidKey`]: not a rejection.
    fn from(error: Error) -> Self {
        jwt_crypto::Error::InvalidKey(error.to_string())
    }
}

/// One failed fetch: which URL, what kind of failure, and the details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fetching {url} failed: {message}")]
pub struct FetchError {
    kind: FetchErrorKind,
    url: String,
    message: String,
}

impl FetchError {
    pub(crate) fn new(kind: FetchErrorKind, url: &str, message: impl Into<String>) -> Self {
        FetchError {
            kind,
            url: url.to_owned(),
            message: message.into(),
        }
    }

    /// What kind of failure this was, for callers that count, alert or map status codes.
    pub fn kind(&self) -> FetchErrorKind {
        self.kind
    }

    /// The URL whose fetch failed (the discovery document's or the key set's).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The details, for people.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The kinds of [`FetchError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// The host could not be reached: name resolution, TCP connect or the TLS handshake
    /// (including an untrusted certificate) failed.
    Connect,
    /// The connect deadline or the whole-fetch deadline passed.
    Timeout,
    /// The server answered with a status other than 200.
    Status,
    /// A redirect to another origin, too many redirects, or one without a usable `Location`.
    Redirect,
    /// The response body is larger than the configured cap.
    TooLarge,
    /// The response is not what was asked for: not HTTP, not UTF-8, not a JSON object, or a
    /// discovery document without a usable `jwks_uri`.
    InvalidResponse,
    /// The discovery document names another issuer than the configured one.
    IssuerMismatch,
    /// The document is not a JWK set the local rules accept (jwt-crypto's
    /// `JwkSet::from_published_json` refused it: no usable key, a secret `oct` key, too many
    /// keys, …).
    InvalidKeySet,
}

impl FetchErrorKind {
    /// A stable snake_case name, e.g. `"timeout"`, for logs, metrics and the other bindings.
    pub const fn as_str(self) -> &'static str {
        match self {
            FetchErrorKind::Connect => "connect",
            FetchErrorKind::Timeout => "timeout",
            FetchErrorKind::Status => "status",
            FetchErrorKind::Redirect => "redirect",
            FetchErrorKind::TooLarge => "too_large",
            FetchErrorKind::InvalidResponse => "invalid_response",
            FetchErrorKind::IssuerMismatch => "issuer_mismatch",
            FetchErrorKind::InvalidKeySet => "invalid_key_set",
        }
    }
}

impl fmt::Display for FetchErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_maps_to_a_kind_that_is_not_a_rejection() {
        let fetch = FetchError::new(FetchErrorKind::Timeout, "https://login.example/k", "slow");
        for error in [
            Error::Config("x".into()),
            Error::Fetch(fetch.clone()),
            Error::Unavailable("down".into()),
        ] {
            let mapped = jwt_crypto::Error::from(error);
            assert!(!mapped.is_rejection(), "{mapped}");
            assert_eq!(mapped.kind(), jwt_crypto::ErrorKind::InvalidKey);
        }
        assert_eq!(
            fetch.to_string(),
            "fetching https://login.example/k failed: slow"
        );
        assert_eq!(fetch.kind().as_str(), "timeout");
    }
}
