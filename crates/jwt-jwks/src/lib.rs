//! # jwt-jwks
//!
//! Keys from the issuer: a remote JWK set, found directly or through OpenID Connect
//! discovery, cached, refreshed in the background and followed through key rotation, behind
//! jwt-crypto's [`KeySource`](jwt_crypto::KeySource) seam.
//!
//! ## Example
//! ```
//! use jwt_crypto::{Algorithm, Header, Key, Validation, encode};
//! use jwt_jwks::JwksClientBuilder;
//! use std::time::Duration;
//! # use std::io::{Read, Write};
//! # let signing = Key::generate(Algorithm::EdDSA)?.with_key_id("2026-11");
//! # let jwks = serde_json::json!({ "keys": [signing.to_public_jwk()?] }).to_string();
//! # // A stand-in identity provider on loopback, answering every request with the set.
//! # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! # let jwks_url = format!("http://{}/.well-known/jwks.json", listener.local_addr()?);
//! # std::thread::spawn(move || {
//! #     for mut stream in listener.incoming().flatten() {
//! #         let mut request = [0; 4096];
//! #         let _ = stream.read(&mut request);
//! #         let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
//! #             Cache-Control: max-age=600\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{jwks}",
//! #             jwks.len());
//! #     }
//! # });
//! # let claims = serde_json::json!({ "sub": "ada", "iss": "https://login.example", "exp": 4_000_000_000u64 });
//! # let token = encode(&Header::new(Algorithm::EdDSA), &claims, &signing)?;
//!
//! // Once, at startup: the client fetches in the background from now on.
//! let client = JwksClientBuilder::jwks_url(jwks_url)
//!     .max_ttl(Duration::from_secs(3600))
//!     .build()?;
//! client.wait_ready(Duration::from_secs(10))?;
//!
//! // Per request: cached keys, no network, no lock.
//! let validation = Validation::new([Algorithm::EdDSA]).issuer(["https://login.example"]);
//! let verified = jwt_crypto::decode::<serde_json::Value>(&token, &client.keys(), &validation)?;
//! assert_eq!(verified.claims["sub"], "ada");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With OpenID Connect discovery, `JwksClientBuilder::issuer("https://login.example")` reads
//! `https://login.example/.well-known/openid-configuration`, checks that it names exactly that
//! issuer, and fetches its `jwks_uri`.
//!
//! ## Behaviour
//! - **Transport.** HTTPS only, except plain HTTP to a loopback host (`127.0.0.0/8`, `[::1]`,
//!   `localhost`); a URL that breaks this is refused when the client is built. rustls on the
//!   crypto backend jwt-crypto uses (feature `ring`, the default, or `aws-lc-rs`), Mozilla's
//!   roots unless [`JwksClientBuilder::root_certificates_pem`] names others. A connect deadline
//!   and a whole-fetch deadline, a response-size cap, redirects only within one origin. A
//!   proxy named by the environment (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) is used, except
//!   for loopback hosts.
//! - **Keys.** Every set is loaded with
//!   [`JwkSet::from_published_json`](jwt_crypto::JwkSet::from_published_json), so every local
//!   rule holds (`use`, `key_ops`, `alg`, sizes, ambiguous `kid`s) and no secret (`oct`) key is
//!   ever taken from a URL; a set it refuses is a failed fetch, and the last good set stays.
//! - **Cache.** `Cache-Control: max-age` (less `Age`) within `[min_ttl, max_ttl]`; the
//!   refresher fetches again when a set goes stale, before any verification has to wait.
//! - **Rotation.** A token with a `kid` the set lacks demands a refetch: at most one per
//!   `refetch_interval`, and any number of concurrent verifications share it (no stampede).
//! - **Outage.** A failed refresh keeps the last good set for `stale_if_error` past its
//!   freshness lifetime, retrying with backoff; after that verification fails closed until
//!   a refresh succeeds.
//!
//! ## Errors: rejection or outage
//! A token's unknown `kid` is [`jwt_crypto::Error::KeyNotFound`], a rejection (answer 401).
//! No key set to serve is [`jwt_crypto::Error::InvalidKey`], which
//! [`is_rejection`](jwt_crypto::Error::is_rejection) reports as *not* a rejection (answer
//! 503). The client's own methods return [`Error`], whose fetch failures carry a
//! [`FetchErrorKind`].
//!
//! ## Threads and async
//! The hot path (a cached set and a known `kid`) is one atomic load and the signature check:
//! it never blocks, in sync or async code. Fetches run on the client's own refresher thread.
//! Only a miss can wait, and what waits depends on the caller:
//! - [`JwksClient::keys`], [`JwksClient::decode`]: the calling thread blocks until the shared
//!   refetch completes (bounded by about twice the fetch timeout). Right for threads, C and the
//!   command line.
//! - [`JwksClient::verify_async`], [`JwksClient::decode_async`], [`JwksClient::ready`],
//!   [`JwksClient::refresh_async`]: the task awaits the refetch, the runtime's thread is free.
//!   These futures need no particular runtime (and this crate no tokio).
//!
//! `examples/tokio_service.rs` runs a tokio service verifying tokens concurrently.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Every public function says how it fails (issue: the API a jsonwebtoken user would pick).
#![deny(clippy::missing_errors_doc)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!("jwt-jwks needs a crypto backend: enable `ring` (the default) or `aws-lc-rs`");

// Layers, each using only those below it: rules (URLs, cache lifetimes) → one HTTP GET →
// one refresh (discovery, key set) → the refresher and its shared state → the public handle.
mod url_policy;

mod cache;

mod http;

mod discovery;

mod error;
mod options;

mod refresh;

mod client;

pub use client::{JwksClient, Keys, Status};
pub use error::{Error, FetchError, FetchErrorKind};
pub use options::JwksClientBuilder;
