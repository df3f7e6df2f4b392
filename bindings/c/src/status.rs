//! Status codes and algorithm identifiers as they cross the ABI: plain `uint32_t` values, so
//! C can never hand Rust an out-of-range enum. Values are grouped in ranges and never reused.
//!
//! The ranges say whose fault a failure is:
//! - 1xx, the token: its encoding, its `alg`, its `kid`, its signature, its header;
//! - 2xx, its claims;
//! - 3xx, the keys: those the caller loaded (300), or a JWK set client with no set to serve
//!   because its identity provider is down (302);
//! - 9xx, the call itself (a NULL, bad UTF-8, a contradictory setting) or a bug in jwtkit.
//!
//! Everything a token's content can cause is in 1xx or 2xx, a *rejection*
//! ([`jwtkit_status_is_rejection`]): answer it with 401, never with 500. A token can never
//! cause a 3xx or 9xx status, so those are safe to treat as configuration errors, or (302) as
//! an outage to answer with 503.

use std::ffi::c_int;

use jwt_crypto::{Algorithm, Error, ErrorKind};

/// The result of every fallible jwtkit call: `JWTKIT_OK` or one `JWTKIT_ERR_*` value, named by
/// `jwtkit_status_code`. 1xx: the token; 2xx: its claims; 3xx: keys; 9xx: the call itself.
/// Every status a token can cause is in 1xx or 2xx: `jwtkit_status_is_rejection` tells them
/// apart. A `uint32_t` in the ABI, so a value jwtkit adds later is never out of range.
#[allow(non_camel_case_types)]
pub type jwtkit_status = u32;

/// The names of the `jwtkit_status` values, as a C `enum` for `switch` statements and
/// debuggers; functions take and return `jwtkit_status` (`uint32_t`), never this type.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum jwtkit_status_code {
    /// Success.
    JWTKIT_OK = 0,
    /// The token is not three strict base64url segments of valid JSON, or it is over the size
    /// limit.
    JWTKIT_ERR_MALFORMED = 100,
    /// The token uses something jwtkit does not implement: JWE, a `crit` extension,
    /// `b64: false`.
    JWTKIT_ERR_UNSUPPORTED = 101,
    /// The signature does not match the key.
    JWTKIT_ERR_SIGNATURE = 102,
    /// The `alg` is not in the allow-list, is unknown, is not of the key's family, or asks more
    /// of an HMAC secret than its length gives (an HS384 token against a 32-byte secret).
    JWTKIT_ERR_ALGORITHM = 103,
    /// The header's `typ` is not the expected one.
    JWTKIT_ERR_TYPE = 104,
    /// No key of the set matches the token's `kid` and `alg`, or more than one does (a `kid`
    /// shared by two keys); with a JWK set client, still none after the refetch the unknown
    /// `kid` asked for. The token chose the `kid` and `alg`, so this is a rejection, not a key
    /// error (it was 301 until the ranges were settled).
    JWTKIT_ERR_KEY_NOT_FOUND = 105,
    /// `exp` has passed.
    JWTKIT_ERR_EXPIRED = 200,
    /// `nbf` is in the future.
    JWTKIT_ERR_NOT_YET_VALID = 201,
    /// `iat` is in the future.
    JWTKIT_ERR_ISSUED_AT = 202,
    /// `iss` is not an accepted issuer.
    JWTKIT_ERR_ISSUER = 203,
    /// `aud` names no accepted audience, or names one when none is expected.
    JWTKIT_ERR_AUDIENCE = 204,
    /// `sub` is not the expected subject.
    JWTKIT_ERR_SUBJECT = 205,
    /// A required claim is absent, or its value is `null`; or a `jwtkit_object_get_*` getter's
    /// member (a claim or a header member) is absent or `null`.
    JWTKIT_ERR_MISSING_CLAIM = 206,
    /// A claim or header member is present with another type than the getter reads
    /// (`jwtkit_object_get_*`), or, for `jwtkit_claims_get_string`, a string holding a NUL
    /// character (`\u0000`), which a NUL-terminated C string cannot carry.
    JWTKIT_ERR_CLAIM_TYPE = 207,
    /// The key is unusable: bad PEM/DER/JWK (a NUL byte within the given length included),
    /// too small, wrong kind for the operation, or a JWK set with no usable key. Never caused
    /// by a token.
    JWTKIT_ERR_KEY = 300,
    /// A JWK set client has no key set to verify with: its first fetch has not succeeded, or
    /// the identity provider has been unreachable (or answering badly) for longer than the last
    /// good set's freshness lifetime plus the stale-if-error window. `jwtkit_last_error_message`
    /// gives the fetch failure. An outage, never caused by a token and never a rejection:
    /// answer 503 and let the client retry.
    JWTKIT_ERR_KEYS_UNAVAILABLE = 302,
    /// A NULL pointer, invalid UTF-8, an out-of-range value, or a contradictory setting was
    /// passed. Never caused by a token.
    JWTKIT_ERR_INVALID_ARGUMENT = 900,
    /// A bug in jwtkit (a caught panic). Please report it. Never caused by a token.
    JWTKIT_ERR_INTERNAL = 901,
}

/// A JWS algorithm: one of the `jwtkit_alg_code` values. A `uint32_t` in the ABI.
#[allow(non_camel_case_types)]
pub type jwtkit_alg = u32;

/// The names of the `jwtkit_alg` values, as a C `enum`; functions take and return
/// `jwtkit_alg` (`uint32_t`), never this type.
#[repr(C)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum jwtkit_alg_code {
    /// HMAC with SHA-256.
    JWTKIT_ALG_HS256 = 1,
    /// HMAC with SHA-384.
    JWTKIT_ALG_HS384 = 2,
    /// HMAC with SHA-512.
    JWTKIT_ALG_HS512 = 3,
    /// RSA PKCS#1 v1.5 with SHA-256.
    JWTKIT_ALG_RS256 = 4,
    /// RSA PKCS#1 v1.5 with SHA-384.
    JWTKIT_ALG_RS384 = 5,
    /// RSA PKCS#1 v1.5 with SHA-512.
    JWTKIT_ALG_RS512 = 6,
    /// RSA-PSS with SHA-256.
    JWTKIT_ALG_PS256 = 7,
    /// RSA-PSS with SHA-384.
    JWTKIT_ALG_PS384 = 8,
    /// RSA-PSS with SHA-512.
    JWTKIT_ALG_PS512 = 9,
    /// ECDSA on P-256 with SHA-256.
    JWTKIT_ALG_ES256 = 10,
    /// ECDSA on P-384 with SHA-384.
    JWTKIT_ALG_ES384 = 11,
    /// Ed25519.
    JWTKIT_ALG_EDDSA = 12,
    /// ECDSA on P-521 with SHA-512. Needs a libjwtkit built on the aws-lc-rs backend (see
    /// `jwtkit_alg_is_supported`).
    JWTKIT_ALG_ES512 = 13,
    /// ECDSA on secp256k1 with SHA-256 (RFC 8812). Needs a libjwtkit built on the aws-lc-rs
    /// backend (see `jwtkit_alg_is_supported`).
    JWTKIT_ALG_ES256K = 14,
}

/// The enum's values as plain constants of the ABI type, for the Rust side (this crate and its
/// Rust callers). cbindgen does not expand macros, so the header has each name once: as the
/// enumerator. `$names` lists every status with its NUL-terminated name.
macro_rules! values {
    ($ty:ident, $code:ident: $($name:ident),+ $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($code), "::", stringify!($name), "` as a `",
                stringify!($ty), "`.")]
            pub const $name: $ty = $code::$name as $ty;
        )+
    };
    ($ty:ident, $code:ident: $($name:ident),+ $(,)? ; $names:ident) => {
        values!($ty, $code: $($name),+);
        /// Every value with its name, for `jwtkit_status_str` and the tests.
        pub(crate) const $names: &[($ty, &str)] =
            &[$(($name, concat!(stringify!($name), "\0"))),+];
    };
}

values!(jwtkit_status, jwtkit_status_code:
    JWTKIT_OK, JWTKIT_ERR_MALFORMED, JWTKIT_ERR_UNSUPPORTED, JWTKIT_ERR_SIGNATURE,
    JWTKIT_ERR_ALGORITHM, JWTKIT_ERR_TYPE, JWTKIT_ERR_KEY_NOT_FOUND, JWTKIT_ERR_EXPIRED,
    JWTKIT_ERR_NOT_YET_VALID, JWTKIT_ERR_ISSUED_AT, JWTKIT_ERR_ISSUER, JWTKIT_ERR_AUDIENCE,
    JWTKIT_ERR_SUBJECT, JWTKIT_ERR_MISSING_CLAIM, JWTKIT_ERR_CLAIM_TYPE, JWTKIT_ERR_KEY,
    JWTKIT_ERR_KEYS_UNAVAILABLE, JWTKIT_ERR_INVALID_ARGUMENT, JWTKIT_ERR_INTERNAL;
    STATUS_NAMES
);

values!(jwtkit_alg, jwtkit_alg_code:
    JWTKIT_ALG_HS256, JWTKIT_ALG_HS384, JWTKIT_ALG_HS512, JWTKIT_ALG_RS256, JWTKIT_ALG_RS384,
    JWTKIT_ALG_RS512, JWTKIT_ALG_PS256, JWTKIT_ALG_PS384, JWTKIT_ALG_PS512, JWTKIT_ALG_ES256,
    JWTKIT_ALG_ES384, JWTKIT_ALG_EDDSA, JWTKIT_ALG_ES512, JWTKIT_ALG_ES256K,
);

/// The status for an error kind: one row of the shared error table.
pub(crate) fn status_of_kind(kind: ErrorKind) -> jwtkit_status {
    match kind {
        ErrorKind::Malformed => JWTKIT_ERR_MALFORMED,
        ErrorKind::Unsupported => JWTKIT_ERR_UNSUPPORTED,
        ErrorKind::InvalidSignature => JWTKIT_ERR_SIGNATURE,
        ErrorKind::AlgorithmNotAllowed => JWTKIT_ERR_ALGORITHM,
        ErrorKind::InvalidType => JWTKIT_ERR_TYPE,
        ErrorKind::KeyNotFound => JWTKIT_ERR_KEY_NOT_FOUND,
        ErrorKind::Expired => JWTKIT_ERR_EXPIRED,
        ErrorKind::NotYetValid => JWTKIT_ERR_NOT_YET_VALID,
        ErrorKind::InvalidIssuedAt => JWTKIT_ERR_ISSUED_AT,
        ErrorKind::InvalidIssuer => JWTKIT_ERR_ISSUER,
        ErrorKind::InvalidAudience => JWTKIT_ERR_AUDIENCE,
        ErrorKind::InvalidSubject => JWTKIT_ERR_SUBJECT,
        ErrorKind::MissingClaim => JWTKIT_ERR_MISSING_CLAIM,
        ErrorKind::InvalidKey => JWTKIT_ERR_KEY,
        // jwt-core's kinds are non-exhaustive; a new one is a jwtkit bug until mapped here.
        _ => JWTKIT_ERR_INTERNAL,
    }
}

/// The status for a jwt-core error.
pub(crate) fn status_of(error: &Error) -> jwtkit_status {
    status_of_kind(error.kind())
}

/// Nonzero when `status` is a verdict on the token: every status a token's content can cause
/// (a 1xx or 2xx value). Answer these with 401 Unauthorized. Zero for `JWTKIT_OK`, for the
/// 3xx key errors and 9xx call errors (configuration or programming errors, which no token
/// can cause), and for values jwtkit does not define.
#[unsafe(no_mangle)]
pub extern "C" fn jwtkit_status_is_rejection(status: jwtkit_status) -> c_int {
    // The core decides which of its kinds are verdicts on a token; the one status without a
    // kind is the claim-reading helper's own, and it is caused by the token's claims.
    let rejection = ErrorKind::ALL
        .iter()
        .copied()
        .find(|&kind| status_of_kind(kind) == status)
        .map_or(status == JWTKIT_ERR_CLAIM_TYPE, ErrorKind::is_rejection);
    c_int::from(rejection)
}

/// The `JWTKIT_ALG_*` value for an algorithm: its position in `Algorithm::ALL`, plus one; 0
/// (no algorithm) for one the core might add before this table knows it.
pub(crate) fn alg_of(algorithm: Algorithm) -> jwtkit_alg {
    Algorithm::ALL
        .iter()
        .position(|&candidate| candidate == algorithm)
        .and_then(|index| u32::try_from(index + 1).ok())
        .unwrap_or(0)
}

/// The `JWTKIT_ALG_*` value for a JOSE algorithm name spelt exactly as JOSE spells it
/// (`"ES256"`, `"EdDSA"`), e.g. from a configuration file. `"none"`, other spellings
/// (`"es256"`, `" ES256"`) and unknown names are `JWTKIT_ERR_INVALID_ARGUMENT`, and the message
/// lists the names accepted.
///
/// # Safety
/// `name` is NUL-terminated; `alg_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_alg_from_name(
    name: *const std::ffi::c_char,
    alg_out: *mut jwtkit_alg,
) -> jwtkit_status {
    crate::ffi::boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { crate::ffi::Out::new(alg_out, "alg_out") }?;
        // SAFETY: forwarded contract.
        let name = unsafe { crate::ffi::c_str(name, "name") }?;
        let algorithm: Algorithm = name.parse().map_err(|_| {
            let names: Vec<&str> = Algorithm::ALL.iter().map(|alg| alg.as_str()).collect();
            let never = if name.eq_ignore_ascii_case("none") {
                " (an unsigned token proves nothing, so \"none\" is never accepted)"
            } else {
                ""
            };
            crate::ffi::Failure::invalid_argument(format!(
                "{name:?} is not an algorithm name{never}; use one of {}",
                names.join(", ")
            ))
        })?;
        out.write(alg_of(algorithm));
        Ok(())
    })
}

/// The JOSE name of a `JWTKIT_ALG_*` value, e.g. `"ES256"`: a static string. NULL for a
/// value that is not a `JWTKIT_ALG_*`.
#[unsafe(no_mangle)]
pub extern "C" fn jwtkit_alg_name(alg: jwtkit_alg) -> *const std::ffi::c_char {
    const NAMES: [&std::ffi::CStr; 14] = [
        c"HS256", c"HS384", c"HS512", c"RS256", c"RS384", c"RS512", c"PS256", c"PS384", c"PS512",
        c"ES256", c"ES384", c"EdDSA", c"ES512", c"ES256K",
    ];
    let index = alg.checked_sub(1).and_then(|i| usize::try_from(i).ok());
    index
        .and_then(|index| NAMES.get(index))
        .map_or(std::ptr::null(), |name| name.as_ptr())
}

/// 1 when this build of libjwtkit signs and verifies `alg`, else 0. ES512 and ES256K need the
/// aws-lc-rs backend; with ring their keys are refused with `JWTKIT_ERR_KEY`, the message naming the feature. 0 for a
/// value that is not a `JWTKIT_ALG_*`.
#[unsafe(no_mangle)]
pub extern "C" fn jwtkit_alg_is_supported(alg: jwtkit_alg) -> c_int {
    c_int::from(
        algorithm_of(alg).is_some_and(|alg| jwt_crypto::supported_algorithms().contains(&alg)),
    )
}

/// The algorithm for a `JWTKIT_ALG_*` value.
pub(crate) fn algorithm_of(alg: jwtkit_alg) -> Option<Algorithm> {
    let index = usize::try_from(alg.checked_sub(1)?).ok()?;
    Algorithm::ALL.get(index).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranges and the core agree: a kind is a rejection exactly when its status is 1xx
    /// or 2xx, and every kind has a status of its own.
    #[test]
    fn rejections_are_exactly_the_token_and_claim_ranges() {
        for &kind in ErrorKind::ALL {
            let status = status_of_kind(kind);
            assert_ne!(status, JWTKIT_ERR_INTERNAL, "{kind} has no status");
            assert_eq!(kind.is_rejection(), (100..300).contains(&status), "{kind}");
            assert_eq!(
                jwtkit_status_is_rejection(status) != 0,
                kind.is_rejection(),
                "{kind}"
            );
        }
        for &(status, name) in STATUS_NAMES {
            assert_eq!(
                jwtkit_status_is_rejection(status) != 0,
                (100..300).contains(&status),
                "{name:?}"
            );
        }
        for undefined in [1, 99, 106, 199, 208, 299, 301, 902, u32::MAX] {
            assert_eq!(jwtkit_status_is_rejection(undefined), 0, "{undefined}");
        }
    }

    #[test]
    fn algorithm_names_round_trip() {
        for &algorithm in Algorithm::ALL {
            let alg = alg_of(algorithm);
            assert_eq!(algorithm_of(alg), Some(algorithm));
            // SAFETY: a static NUL-terminated name.
            let name = unsafe { std::ffi::CStr::from_ptr(jwtkit_alg_name(alg)) };
            assert_eq!(name.to_str().unwrap(), algorithm.as_str());
            let mut parsed = 0;
            // SAFETY: a NUL-terminated name and a writable out.
            let status = unsafe { jwtkit_alg_from_name(name.as_ptr(), &mut parsed) };
            assert_eq!((status, parsed), (JWTKIT_OK, alg));
        }
        // The enum's names are the algorithms' own.
        let named = [
            (JWTKIT_ALG_HS256, "HS256"),
            (JWTKIT_ALG_HS384, "HS384"),
            (JWTKIT_ALG_HS512, "HS512"),
            (JWTKIT_ALG_RS256, "RS256"),
            (JWTKIT_ALG_RS384, "RS384"),
            (JWTKIT_ALG_RS512, "RS512"),
            (JWTKIT_ALG_PS256, "PS256"),
            (JWTKIT_ALG_PS384, "PS384"),
            (JWTKIT_ALG_PS512, "PS512"),
            (JWTKIT_ALG_ES256, "ES256"),
            (JWTKIT_ALG_ES384, "ES384"),
            (JWTKIT_ALG_EDDSA, "EdDSA"),
        ];
        for (alg, name) in named {
            assert_eq!(algorithm_of(alg).map(Algorithm::as_str), Some(name));
        }
        assert!(jwtkit_alg_name(0).is_null());
        assert!(jwtkit_alg_name(15).is_null());
        assert_eq!(alg_of(Algorithm::ES512), JWTKIT_ALG_ES512);
        assert_eq!(alg_of(Algorithm::ES256K), JWTKIT_ALG_ES256K);
        let supported = |alg| jwtkit_alg_is_supported(alg) != 0;
        assert!(supported(JWTKIT_ALG_ES256) && !supported(0) && !supported(15));
        assert_eq!(
            supported(JWTKIT_ALG_ES512),
            jwt_crypto::supported_algorithms().contains(&Algorithm::ES512)
        );
    }

    #[test]
    fn every_status_has_one_name() {
        for (i, (status, _)) in STATUS_NAMES.iter().enumerate() {
            assert!(
                STATUS_NAMES
                    .iter()
                    .skip(i + 1)
                    .all(|(other, _)| other != status),
                "{status} is listed twice"
            );
        }
    }
}
