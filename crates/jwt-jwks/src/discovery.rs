//! What one refresh fetches: the key set, found directly or through OpenID Connect discovery.
//!
//! With an issuer, every refresh reads `{issuer}/.well-known/openid-configuration` first and
//! follows its `jwks_uri`, so a provider that moves its key set is followed without a restart.
//! The document's `issuer` must equal the configured issuer exactly (OpenID Connect Discovery
//! 1.0 §4.3): otherwise one provider could hand out another's keys. Documents are parsed
//! refusing duplicate member names, so no second `issuer` can hide behind the first.

use std::time::{Duration, Instant};

use jwt_crypto::JwkSet;
use serde_json::Value;

use crate::cache::TtlBounds;
use crate::error::{FetchError, FetchErrorKind};
use crate::http::Http;
use crate::url_policy::SafeUrl;

/// Where the key set comes from.
#[derive(Debug, Clone)]
pub(crate) enum Location {
    /// A JWK set URL, fetched as is.
    JwksUrl(SafeUrl),
    /// An issuer; its discovery document names the JWK set URL.
    Issuer {
        /// The issuer exactly as configured, compared byte for byte with the document's.
        issuer: String,
        discovery: SafeUrl,
    },
}

/// A key set that one refresh loaded.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) set: JwkSet,
    /// The URL the set was fetched from.
    pub(crate) jwks_url: String,
    /// How long it is fresh for, within the configured bounds.
    pub(crate) ttl: Duration,
}

const JWKS_MEDIA: &str = "application/jwk-set+json, application/json;q=0.9";
const JSON_MEDIA: &str = "application/json";

/// One refresh: discovery (for an issuer), then the key set, all before `deadline`.
pub(crate) fn load(
    http: &Http,
    location: &Location,
    bounds: TtlBounds,
    deadline: Instant,
) -> Result<Loaded, FetchError> {
    let discovered;
    let jwks_url = match location {
        Location::JwksUrl(url) => url,
        Location::Issuer { issuer, discovery } => {
            discovered = discover(http, issuer, discovery, deadline)?;
            &discovered
        }
    };
    let fetched = http.get(jwks_url, JWKS_MEDIA, deadline)?;
    let set = JwkSet::from_published_json(&fetched.body).map_err(|error| {
        let kind = match error {
            jwt_crypto::Error::InvalidKey(message) => message,
            other => other.to_string(),
        };
        FetchError::new(FetchErrorKind::InvalidKeySet, jwks_url.as_str(), kind)
    })?;
    Ok(Loaded {
        set,
        jwks_url: jwks_url.as_str().to_owned(),
        ttl: fetched.freshness.ttl(bounds),
    })
}

/// Reads the discovery document and returns its `jwks_uri`, checked by the URL policy.
fn discover(
    http: &Http,
    issuer: &str,
    discovery: &SafeUrl,
    deadline: Instant,
) -> Result<SafeUrl, FetchError> {
    let invalid = |message: String| {
        FetchError::new(FetchErrorKind::InvalidResponse, discovery.as_str(), message)
    };
    let fetched = http.get(discovery, JSON_MEDIA, deadline)?;
    let document = jwt_crypto::json::parse_unique_object(fetched.body.as_bytes()).map_err(|e| {
        invalid(format!(
            "the discovery document is not a JSON object with unique member names: {e}"
        ))
    })?;
    match document.get("issuer") {
        Some(Value::String(found)) if found == issuer => {}
        Some(Value::String(found)) => {
            return Err(FetchError::new(
                FetchErrorKind::IssuerMismatch,
                discovery.as_str(),
                format!(
                    "the discovery document names issuer {found:?}, not the configured \
                     {issuer:?}"
                ),
            ));
        }
        _ => {
            return Err(invalid(
                "the discovery document has no string \"issuer\"".to_owned(),
            ));
        }
    }
    let jwks_uri = match document.get("jwks_uri") {
        Some(Value::String(uri)) => uri,
        _ => {
            return Err(invalid(
                "the discovery document has no string \"jwks_uri\"".to_owned(),
            ));
        }
    };
    SafeUrl::parse_discovered(jwks_uri, "jwks_uri", discovery).map_err(invalid)
}
