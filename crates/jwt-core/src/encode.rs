//! Issuing a token: header and claims to compact JWT.

use serde::Serialize;

use crate::crypto::Signer;
use crate::error::Error;
use crate::header::Header;
use crate::jws;

/// Serializes `claims` (which must be a JSON object) under `header` and signs with `key`.
///
/// Refuses headers this library would refuse to verify (`crit` extensions, `b64: false`).
/// When `header.kid` is unset and the key has an identifier, that identifier is written.
pub fn encode(
    header: &Header,
    claims: &impl Serialize,
    key: &(impl Signer + ?Sized),
) -> Result<String, Error> {
    let payload = serde_json::to_vec(claims)
        .map_err(|err| Error::malformed(format!("claims could not be serialized: {err}")))?;
    if payload.first() != Some(&b'{') {
        return Err(Error::malformed("claims must serialize to a JSON object"));
    }
    header.check_extensions()?;
    let header_json = header.to_json_with_kid(header.kid.as_deref().or(key.key_id()))?;
    jws::sign_parts(header.alg, &header_json, &payload, key)
}
