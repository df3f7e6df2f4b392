//! Issuing a token: header and claims to compact JWT.

use serde::Serialize;

use crate::crypto::Signer;
use crate::error::Error;
use crate::header::Header;
use crate::jws;
use crate::unique_json;

/// Serializes `claims` (which must be a JSON object) under `header` and signs with `key`.
///
/// Refuses what this library would refuse to verify: `crit` extensions, `b64: false`, and
/// claims with a member name twice at any depth.
/// When `header.kid` is unset and the key has an identifier, that identifier is written.
///
/// # Errors
/// [`Error::Malformed`] for claims that are not a JSON object or repeat a member name, or a
/// header that cannot be written; [`Error::Unsupported`] for `crit` or `b64: false`; the
/// key's [`Signer::sign`] errors (a key of another family, a public key).
pub fn encode(
    header: &Header,
    claims: &impl Serialize,
    key: &(impl Signer + ?Sized),
) -> Result<String, Error> {
    // A `#[serde(flatten)]` map can repeat a field's name, and a verifier that keeps the last
    // one would read claims the issuer never meant: refuse what verification would refuse.
    let payload = unique_json::to_object_vec(claims).map_err(|err| {
        Error::malformed(format!(
            "claims must serialize to a JSON object with unique member names: {err}"
        ))
    })?;
    header.check_extensions()?;
    let header_json = header.to_json_with_kid(header.kid.as_deref().or(key.key_id()))?;
    jws::sign_parts(header.alg, &header_json, &payload, key)
}
