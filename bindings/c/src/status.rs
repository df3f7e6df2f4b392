//! Status codes and algorithm identifiers as they cross the ABI: plain `uint32_t` values, so
//! C can never hand Rust an out-of-range enum. Values are grouped in ranges and never reused.

use jwt_crypto::{Algorithm, Error, ErrorKind};

/// The result of every fallible jwtkit call: `JWTKIT_OK` or one `JWTKIT_ERR_*` value.
/// 1xx: the token; 2xx: its claims; 3xx: keys; 9xx: the call itself.
#[allow(non_camel_case_types)]
pub type jwtkit_status = u32;

/// Success.
pub const JWTKIT_OK: jwtkit_status = 0;
/// The token is not three strict base64url segments of valid JSON, or it is over the size limit.
pub const JWTKIT_ERR_MALFORMED: jwtkit_status = 100;
/// The token uses something jwtkit does not implement: JWE, a `crit` extension, `b64: false`.
pub const JWTKIT_ERR_UNSUPPORTED: jwtkit_status = 101;
/// The signature does not match the key.
pub const JWTKIT_ERR_SIGNATURE: jwtkit_status = 102;
/// The `alg` is not in the allow-list, is unknown, or is not of the key's family.
pub const JWTKIT_ERR_ALGORITHM: jwtkit_status = 103;
/// The header's `typ` is not the expected one.
pub const JWTKIT_ERR_TYPE: jwtkit_status = 104;
/// `exp` has passed.
pub const JWTKIT_ERR_EXPIRED: jwtkit_status = 200;
/// `nbf` is in the future.
pub const JWTKIT_ERR_NOT_YET_VALID: jwtkit_status = 201;
/// `iat` is in the future.
pub const JWTKIT_ERR_ISSUED_AT: jwtkit_status = 202;
/// `iss` is not an accepted issuer.
pub const JWTKIT_ERR_ISSUER: jwtkit_status = 203;
/// `aud` names no accepted audience, or names one when none is expected.
pub const JWTKIT_ERR_AUDIENCE: jwtkit_status = 204;
/// `sub` is not the expected subject.
pub const JWTKIT_ERR_SUBJECT: jwtkit_status = 205;
/// A required claim is absent.
pub const JWTKIT_ERR_MISSING_CLAIM: jwtkit_status = 206;
/// The key is unusable: bad PEM/DER/JWK, too small, wrong kind for the operation.
pub const JWTKIT_ERR_KEY: jwtkit_status = 300;
/// No key of the set matches the token's `kid` and `alg`.
pub const JWTKIT_ERR_KEY_NOT_FOUND: jwtkit_status = 301;
/// A NULL pointer, invalid UTF-8, or an out-of-range value was passed.
pub const JWTKIT_ERR_INVALID_ARGUMENT: jwtkit_status = 900;
/// A bug in jwtkit (a caught panic). Please report it.
pub const JWTKIT_ERR_INTERNAL: jwtkit_status = 901;

/// A JWS algorithm.
#[allow(non_camel_case_types)]
pub type jwtkit_alg = u32;

/// HMAC with SHA-256.
pub const JWTKIT_ALG_HS256: jwtkit_alg = 1;
/// HMAC with SHA-384.
pub const JWTKIT_ALG_HS384: jwtkit_alg = 2;
/// HMAC with SHA-512.
pub const JWTKIT_ALG_HS512: jwtkit_alg = 3;
/// RSA PKCS#1 v1.5 with SHA-256.
pub const JWTKIT_ALG_RS256: jwtkit_alg = 4;
/// RSA PKCS#1 v1.5 with SHA-384.
pub const JWTKIT_ALG_RS384: jwtkit_alg = 5;
/// RSA PKCS#1 v1.5 with SHA-512.
pub const JWTKIT_ALG_RS512: jwtkit_alg = 6;
/// RSA-PSS with SHA-256.
pub const JWTKIT_ALG_PS256: jwtkit_alg = 7;
/// RSA-PSS with SHA-384.
pub const JWTKIT_ALG_PS384: jwtkit_alg = 8;
/// RSA-PSS with SHA-512.
pub const JWTKIT_ALG_PS512: jwtkit_alg = 9;
/// ECDSA on P-256 with SHA-256.
pub const JWTKIT_ALG_ES256: jwtkit_alg = 10;
/// ECDSA on P-384 with SHA-384.
pub const JWTKIT_ALG_ES384: jwtkit_alg = 11;
/// Ed25519.
pub const JWTKIT_ALG_EDDSA: jwtkit_alg = 12;

/// Every status value with its name, for `jwtkit_status_str` and the tests.
pub(crate) const STATUS_NAMES: [(jwtkit_status, &std::ffi::CStr); 17] = [
    (JWTKIT_OK, c"JWTKIT_OK"),
    (JWTKIT_ERR_MALFORMED, c"JWTKIT_ERR_MALFORMED"),
    (JWTKIT_ERR_UNSUPPORTED, c"JWTKIT_ERR_UNSUPPORTED"),
    (JWTKIT_ERR_SIGNATURE, c"JWTKIT_ERR_SIGNATURE"),
    (JWTKIT_ERR_ALGORITHM, c"JWTKIT_ERR_ALGORITHM"),
    (JWTKIT_ERR_TYPE, c"JWTKIT_ERR_TYPE"),
    (JWTKIT_ERR_EXPIRED, c"JWTKIT_ERR_EXPIRED"),
    (JWTKIT_ERR_NOT_YET_VALID, c"JWTKIT_ERR_NOT_YET_VALID"),
    (JWTKIT_ERR_ISSUED_AT, c"JWTKIT_ERR_ISSUED_AT"),
    (JWTKIT_ERR_ISSUER, c"JWTKIT_ERR_ISSUER"),
    (JWTKIT_ERR_AUDIENCE, c"JWTKIT_ERR_AUDIENCE"),
    (JWTKIT_ERR_SUBJECT, c"JWTKIT_ERR_SUBJECT"),
    (JWTKIT_ERR_MISSING_CLAIM, c"JWTKIT_ERR_MISSING_CLAIM"),
    (JWTKIT_ERR_KEY, c"JWTKIT_ERR_KEY"),
    (JWTKIT_ERR_KEY_NOT_FOUND, c"JWTKIT_ERR_KEY_NOT_FOUND"),
    (JWTKIT_ERR_INVALID_ARGUMENT, c"JWTKIT_ERR_INVALID_ARGUMENT"),
    (JWTKIT_ERR_INTERNAL, c"JWTKIT_ERR_INTERNAL"),
];

/// The status for a jwt-core error: one row of the shared error table.
pub(crate) fn status_of(error: &Error) -> jwtkit_status {
    match error.kind() {
        ErrorKind::Malformed => JWTKIT_ERR_MALFORMED,
        ErrorKind::Unsupported => JWTKIT_ERR_UNSUPPORTED,
        ErrorKind::InvalidSignature => JWTKIT_ERR_SIGNATURE,
        ErrorKind::AlgorithmNotAllowed => JWTKIT_ERR_ALGORITHM,
        ErrorKind::InvalidType => JWTKIT_ERR_TYPE,
        ErrorKind::Expired => JWTKIT_ERR_EXPIRED,
        ErrorKind::NotYetValid => JWTKIT_ERR_NOT_YET_VALID,
        ErrorKind::InvalidIssuedAt => JWTKIT_ERR_ISSUED_AT,
        ErrorKind::InvalidIssuer => JWTKIT_ERR_ISSUER,
        ErrorKind::InvalidAudience => JWTKIT_ERR_AUDIENCE,
        ErrorKind::InvalidSubject => JWTKIT_ERR_SUBJECT,
        ErrorKind::MissingClaim => JWTKIT_ERR_MISSING_CLAIM,
        ErrorKind::InvalidKey => JWTKIT_ERR_KEY,
        ErrorKind::KeyNotFound => JWTKIT_ERR_KEY_NOT_FOUND,
        // jwt-core's kinds are non-exhaustive; a new one is a jwtkit bug until mapped here.
        _ => JWTKIT_ERR_INTERNAL,
    }
}

/// The algorithm for a `JWTKIT_ALG_*` value.
pub(crate) fn algorithm_of(alg: jwtkit_alg) -> Option<Algorithm> {
    let index = usize::try_from(alg.checked_sub(1)?).ok()?;
    Algorithm::ALL.get(index).copied()
}
