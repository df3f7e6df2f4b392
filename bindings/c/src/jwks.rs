//! Keys from the issuer: a JWK set fetched from a URL, or found through OpenID Connect
//! discovery, cached, refreshed by a background thread and followed through key rotation. The
//! client is jwt-jwks's `JwksClient`; this module converts types and maps its errors.
//!
//! A verification takes a snapshot of the cached set (one atomic load, no lock, no network).
//! Only a token whose `kid` the set lacks, or a client with no set to serve, makes the calling
//! thread wait for the shared refetch it demands.

use std::ffi::c_char;
use std::time::Duration;

use jwt_crypto::KeySource;
use jwt_jwks::{JwksClient, JwksClientBuilder, Keys};

use crate::ffi::{self, Failure, Out, boundary, boundary_void};
use crate::object::{Keyed, jwtkit_object, verify_into_objects};
use crate::status::{JWTKIT_ERR_KEYS_UNAVAILABLE, jwtkit_status};
use crate::token::verify_into_text;
use crate::validator::jwtkit_validator;

/// One option, applied to the client's builder when a client is made.
type Setting = Box<dyn Fn(JwksClientBuilder) -> JwksClientBuilder + Send + Sync>;

/// Options for `jwtkit_jwks_client_new` and `jwtkit_jwks_client_new_issuer`: a list of settings,
/// each left at its default until set. Mutable, for one thread; not consumed, so one options
/// object may make several clients. The settings are checked when a client is made: a value out
/// of its range fails `jwtkit_jwks_client_new*` with `JWTKIT_ERR_INVALID_ARGUMENT`, naming it.
///
/// | setting | default | allowed |
/// | --- | --- | --- |
/// | `default_ttl` (no `max-age`) | 300 s, within the bounds | within the bounds |
/// | `min_ttl` | 60 s, or `max_ttl` if shorter | 1 s to `max_ttl` |
/// | `max_ttl` | 3600 s | up to 7 days |
/// | `stale_if_error` | 3600 s | 0 to 7 days |
/// | `refetch_interval` (unknown `kid`) | 30 s | 1 s to 7 days |
/// | `retry_interval` (after a failure) | 5 s | 1 s to 7 days |
/// | `connect_timeout_ms` | 5000 | 1 to `fetch_timeout_ms` |
/// | `fetch_timeout_ms` (a whole refresh) | 10000 | 1 to 300000 |
/// | `max_response_size` | 1 MiB | 1 KiB to 64 MiB |
/// | `max_redirects` (same origin only) | 3 | 0 to 10 |
/// | root certificates | Mozilla's | `jwtkit_jwks_options_set_root_certificates_pem` |
#[allow(non_camel_case_types)]
pub struct jwtkit_jwks_options {
    settings: Vec<Setting>,
}

impl std::fmt::Debug for jwtkit_jwks_options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("jwtkit_jwks_options")
            .field("settings", &self.settings.len())
            .finish()
    }
}

/// A remote JWK set, kept fresh by a background thread: the keys of a service that verifies
/// another service's tokens. Shareable across threads: any number of them verify through one
/// client at once, without the caller's locks.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct jwtkit_jwks_client(JwksClient);

/// A failure of the client itself (not of a token): a setup the client refuses is the
/// caller's mistake, anything else is the identity provider's outage.
fn client_failure(error: jwt_jwks::Error) -> Failure {
    match error {
        jwt_jwks::Error::Config(message) => Failure::invalid_argument(message),
        other => Failure {
            status: JWTKIT_ERR_KEYS_UNAVAILABLE,
            message: other.to_string(),
        },
    }
}

/// A snapshot of the client's set verifies one token. A miss (unknown `kid`, no set) blocks
/// the calling thread until the shared refetch it demanded completes.
impl Keyed for Keys<'_> {
    fn key_source(&self) -> &dyn KeySource {
        self
    }

    /// jwt-jwks reports "no set to serve" through the `KeySource` seam as an invalid key; in C
    /// it is `JWTKIT_ERR_KEYS_UNAVAILABLE`, so an outage reads as neither a bad key nor a
    /// rejection.
    fn failure(&self, error: jwt_crypto::Error) -> Failure {
        match error {
            jwt_crypto::Error::InvalidKey(why) if self.key_set().is_none() => Failure {
                status: JWTKIT_ERR_KEYS_UNAVAILABLE,
                message: why,
            },
            other => Failure::from(other),
        }
    }
}

/// Makes an options object with every setting at its default. Free it with
/// `jwtkit_jwks_options_free` once the clients are made.
///
/// # Safety
/// `options_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_new(
    options_out: *mut *mut jwtkit_jwks_options,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(options_out, "options_out") }?;
        out.write(ffi::into_handle(jwtkit_jwks_options {
            settings: Vec::new(),
        }));
        Ok(())
    })
}

/// Frees an options object; clients made with it keep their settings. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or an options object from jwtkit, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_jwks_options_free(options: *mut jwtkit_jwks_options) {
    // SAFETY: forwarded contract.
    boundary_void(|| unsafe { ffi::free_handle(options.cast_const()) });
}

/// Adds a setting to the options at `options`.
fn set(
    options: *mut jwtkit_jwks_options,
    setting: impl FnOnce() -> Result<Setting, Failure>,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: the exported callers' contract: NULL or a live options object on one thread.
        let options = unsafe { ffi::borrow_mut(options, "options") }?;
        options.settings.push(setting()?);
        Ok(())
    })
}

/// Adds a setting that cannot fail to be recorded (its range is checked at client creation).
fn set_with(
    options: *mut jwtkit_jwks_options,
    setting: impl Fn(JwksClientBuilder) -> JwksClientBuilder + Send + Sync + 'static,
) -> jwtkit_status {
    set(options, || Ok(Box::new(setting)))
}

/// How long a set stays fresh when its response has no `Cache-Control: max-age`.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_default_ttl(
    options: *mut jwtkit_jwks_options,
    seconds: u32,
) -> jwtkit_status {
    let value = Duration::from_secs(seconds.into());
    set_with(options, move |builder| builder.default_ttl(value))
}

/// The shortest freshness lifetime, whatever `max-age` says: the most often the set is
/// fetched on schedule.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_min_ttl(
    options: *mut jwtkit_jwks_options,
    seconds: u32,
) -> jwtkit_status {
    let value = Duration::from_secs(seconds.into());
    set_with(options, move |builder| builder.min_ttl(value))
}

/// The longest freshness lifetime, whatever `max-age` says: bounds how long a key the
/// provider withdrew is still trusted.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_max_ttl(
    options: *mut jwtkit_jwks_options,
    seconds: u32,
) -> jwtkit_status {
    let value = Duration::from_secs(seconds.into());
    set_with(options, move |builder| builder.max_ttl(value))
}

/// How long past its freshness lifetime the last good set is still served while fetches
/// fail (stale-if-error). After that, verifications fail closed with
/// `JWTKIT_ERR_KEYS_UNAVAILABLE` until a fetch succeeds. 0 fails closed as soon as the set is
/// stale and a fetch has failed.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_stale_if_error(
    options: *mut jwtkit_jwks_options,
    seconds: u32,
) -> jwtkit_status {
    let value = Duration::from_secs(seconds.into());
    set_with(options, move |builder| builder.stale_if_error(value))
}

/// The least time between two refetches caused by tokens with an unknown `kid` (or by no set
/// to serve). Tokens can name any `kid`, so this bounds the load they can put on the provider;
/// concurrent verifications share one refetch in any case.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_refetch_interval(
    options: *mut jwtkit_jwks_options,
    seconds: u32,
) -> jwtkit_status {
    let value = Duration::from_secs(seconds.into());
    set_with(options, move |builder| builder.refetch_interval(value))
}

/// The first pause after a failed fetch; it doubles with each further failure, up to the
/// larger of this and `min_ttl`.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_retry_interval(
    options: *mut jwtkit_jwks_options,
    seconds: u32,
) -> jwtkit_status {
    let value = Duration::from_secs(seconds.into());
    set_with(options, move |builder| builder.retry_interval(value))
}

/// The deadline for one TCP connect and TLS handshake.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_connect_timeout_ms(
    options: *mut jwtkit_jwks_options,
    milliseconds: u32,
) -> jwtkit_status {
    let value = Duration::from_millis(milliseconds.into());
    set_with(options, move |builder| builder.connect_timeout(value))
}

/// The deadline for a whole refresh: discovery, the key set, every redirect and body. A
/// verification waiting for a refetch waits at most about twice this.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_fetch_timeout_ms(
    options: *mut jwtkit_jwks_options,
    milliseconds: u32,
) -> jwtkit_status {
    let value = Duration::from_millis(milliseconds.into());
    set_with(options, move |builder| builder.fetch_timeout(value))
}

/// The most bytes one response body may have; a larger one fails the fetch.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_max_response_size(
    options: *mut jwtkit_jwks_options,
    bytes: usize,
) -> jwtkit_status {
    set_with(options, move |builder| builder.max_response_size(bytes))
}

/// The most redirects one request follows, each to the same origin only.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_max_redirects(
    options: *mut jwtkit_jwks_options,
    redirects: u32,
) -> jwtkit_status {
    set_with(options, move |builder| builder.max_redirects(redirects))
}

/// Trusts exactly the certificates in the `len` bytes of PEM at `pem` (one or more
/// `CERTIFICATE` blocks) instead of Mozilla's roots: for a provider behind a private CA, and
/// for tests with a throwaway CA. PEM without a certificate fails `jwtkit_jwks_client_new*`.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time; `pem` points to `len`
/// readable bytes.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_set_root_certificates_pem(
    options: *mut jwtkit_jwks_options,
    pem: *const c_char,
    len: usize,
) -> jwtkit_status {
    set(options, || {
        // SAFETY: forwarded contract.
        let pem = unsafe { ffi::bytes(pem.cast::<u8>(), len, "pem") }?.to_vec();
        Ok(Box::new(move |builder: JwksClientBuilder| {
            builder.root_certificates_pem(pem.clone())
        }))
    })
}

/// Sends the header `name: value` with every request (an API key some gateways ask for).
/// Headers that frame or route a request (`Host`, `Content-Length`, `Transfer-Encoding`,
/// `Connection`) fail `jwtkit_jwks_client_new*`.
///
/// # Safety
/// `options` is a live options object, used by one thread at a time; `name` and `value` are
/// NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_options_add_header(
    options: *mut jwtkit_jwks_options,
    name: *const c_char,
    value: *const c_char,
) -> jwtkit_status {
    set(options, || {
        // SAFETY: forwarded contract.
        let name = unsafe { ffi::c_str(name, "name") }?.to_owned();
        // SAFETY: forwarded contract.
        let value = unsafe { ffi::c_str(value, "value") }?.to_owned();
        Ok(Box::new(move |builder: JwksClientBuilder| {
            builder.header(name.clone(), value.clone())
        }))
    })
}

/// Makes a client from `builder` and the options at `options_or_null`.
///
/// # Safety
/// `options_or_null` is NULL or a live options object; `client_out` is NULL or writable.
unsafe fn new_client(
    builder: impl FnOnce() -> Result<JwksClientBuilder, Failure>,
    options_or_null: *const jwtkit_jwks_options,
    client_out: *mut *const jwtkit_jwks_client,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(client_out, "client_out") }?;
        let mut builder = builder()?;
        // SAFETY: forwarded contract.
        if let Some(options) = unsafe { options_or_null.as_ref() } {
            for setting in &options.settings {
                builder = setting(builder);
            }
        }
        let client = builder.build().map_err(client_failure)?;
        out.write(ffi::into_handle(jwtkit_jwks_client(client)));
        Ok(())
    })
}

/// A client for the JWK set at `jwks_url` (NUL-terminated): `https://`, or plain `http://` to a
/// loopback host (`127.0.0.0/8`, `[::1]`, `localhost`) for local development.
/// `options_or_null` gives the settings (NULL: every default); the client copies them.
///
/// The client starts a background thread that fetches the set at once, then again before it
/// goes stale (`Cache-Control: max-age` within the TTL bounds). No network I/O happens in this
/// call: `jwtkit_jwks_client_wait_ready` waits for the first set. Verify with
/// `jwtkit_verify_with_jwks_client` or `jwtkit_verify_claims_with_jwks_client` from any number
/// of threads; free the client with `jwtkit_jwks_client_free`.
///
/// A URL the transport rules refuse (plain HTTP to another host, user information, another
/// scheme) and settings out of their range are `JWTKIT_ERR_INVALID_ARGUMENT`, with
/// `jwtkit_last_error_message` naming the problem.
///
/// # Safety
/// `jwks_url` is NUL-terminated; `options_or_null` is NULL or a live options object;
/// `client_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_client_new(
    jwks_url: *const c_char,
    options_or_null: *const jwtkit_jwks_options,
    client_out: *mut *const jwtkit_jwks_client,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let builder = || unsafe { ffi::c_str(jwks_url, "jwks_url") }.map(JwksClientBuilder::jwks_url);
    // SAFETY: forwarded contract.
    unsafe { new_client(builder, options_or_null, client_out) }
}

/// A client for the OpenID Connect issuer `issuer` (NUL-terminated, e.g.
/// `https://login.example`), as `jwtkit_jwks_client_new` makes one for a JWK set URL. Each
/// refresh reads `{issuer}/.well-known/openid-configuration`, checks that its `issuer` equals
/// `issuer` exactly (trailing slash included; a mismatch is a failed fetch) and fetches its
/// `jwks_uri`.
///
/// Discovery proves the keys are the issuer's, not that a token claims to be from it: add the
/// same issuer to the validator (`jwtkit_validator_builder_add_issuer`).
///
/// # Safety
/// As `jwtkit_jwks_client_new`, with `issuer` NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_client_new_issuer(
    issuer: *const c_char,
    options_or_null: *const jwtkit_jwks_options,
    client_out: *mut *const jwtkit_jwks_client,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let builder = || unsafe { ffi::c_str(issuer, "issuer") }.map(JwksClientBuilder::issuer);
    // SAFETY: forwarded contract.
    unsafe { new_client(builder, options_or_null, client_out) }
}

/// Blocks until the client has a key set to serve (`JWTKIT_OK`), or its first fetch has failed,
/// or `timeout_ms` milliseconds have passed (`JWTKIT_ERR_KEYS_UNAVAILABLE`, with the fetch
/// failure in `jwtkit_last_error_message`). Call it at start-up to fail fast on a wrong URL;
/// the client keeps retrying on its own either way.
///
/// # Safety
/// `client` is a live client.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_client_wait_ready(
    client: *const jwtkit_jwks_client,
    timeout_ms: u32,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let client = unsafe { ffi::borrow(client, "client") }?;
        let timeout = Duration::from_millis(timeout_ms.into());
        client.0.wait_ready(timeout).map_err(client_failure)
    })
}

/// Fetches the key set now, whatever the cache and the refetch interval say, and blocks until
/// that fetch completes: an operator's "reload keys". `JWTKIT_ERR_KEYS_UNAVAILABLE` when the
/// fetch failed (the last good set, if any, is still served) or did not complete in time.
///
/// # Safety
/// `client` is a live client.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_jwks_client_refresh(
    client: *const jwtkit_jwks_client,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let client = unsafe { ffi::borrow(client, "client") }?;
        client.0.refresh().map_err(client_failure)
    })
}

/// Frees a client, stops its background thread and waits for it to exit: after the fetch in
/// flight, if any, so at most about twice the fetch timeout. Once this returns, no thread of
/// the client runs (the library may be unloaded). NULL is a no-op.
///
/// # Safety
/// `client` is NULL or a client from jwtkit that no thread uses any more.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_jwks_client_free(client: *const jwtkit_jwks_client) {
    boundary_void(|| {
        // SAFETY: forwarded contract (NULL comes back as an error, and is a no-op).
        if let Ok(client) = unsafe { ffi::take_handle(client.cast_mut(), "client") } {
            client.0.close();
        }
    });
}

/// As `jwtkit_verify`, with the key picked by the token's `kid` and `alg` from the client's
/// cached JWK set. Safe to call from any number of threads at once.
///
/// With the key cached this never waits for the network and takes no lock. A `kid` the set
/// lacks makes the client refetch (at most once per refetch interval, concurrent callers
/// sharing one fetch) and this call waits for it, at most about twice the fetch timeout: a
/// rotated key is picked up, and a `kid` still unknown is `JWTKIT_ERR_KEY_NOT_FOUND`, a
/// rejection. When the client has no set to serve (the first fetch has not succeeded, or the
/// provider has been failing past the stale-if-error window) the call is
/// `JWTKIT_ERR_KEYS_UNAVAILABLE`, never a rejection: answer 503, not 401.
///
/// # Safety
/// `validator` and `client` are live handles; `token` points to `token_len` readable bytes;
/// `claims_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_verify_with_jwks_client(
    validator: *const jwtkit_validator,
    client: *const jwtkit_jwks_client,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *mut c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let keys = || unsafe { ffi::borrow(client, "client") }.map(|client| client.0.keys());
    // SAFETY: forwarded contract.
    unsafe { verify_into_text(validator, keys, token, token_len, claims_out) }
}

/// As `jwtkit_verify_claims`, with the keys of `jwtkit_verify_with_jwks_client`.
///
/// # Safety
/// As `jwtkit_verify_claims`, with `client` a live client.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_verify_claims_with_jwks_client(
    validator: *const jwtkit_validator,
    client: *const jwtkit_jwks_client,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *const jwtkit_object,
    header_out_or_null: *mut *const jwtkit_object,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let keys = || unsafe { ffi::borrow(client, "client") }.map(|client| client.0.keys());
    // SAFETY: forwarded contract.
    unsafe {
        verify_into_objects(
            validator,
            keys,
            token,
            token_len,
            claims_out,
            header_out_or_null,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::JWTKIT_ERR_INVALID_ARGUMENT;

    /// A client's own failure is the caller's setup or the provider's outage, never a verdict
    /// on a token.
    #[test]
    fn client_failures_are_setup_or_outage() {
        let setup = client_failure(jwt_jwks::Error::Config("min_ttl".to_owned()));
        assert_eq!(setup.status, JWTKIT_ERR_INVALID_ARGUMENT);
        let outage = client_failure(jwt_jwks::Error::Unavailable("down".to_owned()));
        assert_eq!(outage.status, JWTKIT_ERR_KEYS_UNAVAILABLE);
        for status in [setup.status, outage.status] {
            assert_eq!(crate::status::jwtkit_status_is_rejection(status), 0);
        }
    }
}
