//! # jwt-crypto
//!
//! JSON Web Tokens with every JWS algorithm a real deployment meets — HS256/384/512,
//! RS256/384/512, PS256/384/512, ES256, ES384, ES512, ES256K and EdDSA — with keys from a raw secret, PEM,
//! DER, JWK, JWK sets and OpenSSH public key lines. It re-exports jwt-core's API (encode,
//! decode, validation, headers, errors), so a Rust service needs this one dependency.
//!
//! ## Crypto backends
//! The cryptography is [ring]'s by default (feature `ring`), or [AWS-LC]'s with
//! `default-features = false, features = ["aws-lc-rs"]`: faster RSA, P-384 and Ed25519 on
//! x86_64, and what ring lacks — ES512 (P-521), ES256K (secp256k1) and RSA key generation.
//! Exactly one is compiled in; the API and every check are the same on both, and under ring
//! what only AWS-LC has is refused as [`Error::Unsupported`] with a message naming the
//! feature.
//!
//! ## Design
//! - A [`Key`] is parsed once into the backend's own types and reused: immutable,
//!   `Send + Sync`, never re-parsed per call.
//! - A key belongs to one [`KeyFamily`] and verifies nothing else: an RSA public key can never
//!   be an HMAC secret, whatever a token's `alg` says. A JWK's `alg`, `use` and `key_ops` bind
//!   it further.
//! - A [`JwkSet`] picks the key by the token's `kid` and `alg`; keys embedded in a token's
//!   header (`jwk`, `jku`, `x5u`, `x5c`) are never used.
//! - Weak keys are refused at load: RSA under 2048 bits, HMAC secrets shorter than the hash
//!   (unless [`Key::dangerous_from_short_secret`]).
//!
//! ## Errors, never panics
//! Every fallible function returns [`Error`] and documents when (`# Errors`, enforced by
//! clippy's `missing_errors_doc`). Library code does not panic on any key or token: the
//! crate's lints deny `unwrap`, `expect`, `panic!` and unchecked indexing outside tests, and
//! the fuzz targets feed the loaders and the verify path arbitrary bytes. Whatever a token
//! contains is a rejection ([`Error::is_rejection`]); a key the caller supplies that cannot
//! be used is [`Error::InvalidKey`], or [`Error::Unsupported`] when only the other backend
//! implements it (a P-521 key under ring) — check that when loading keys, before any token.
//!
//! ## Example
//! ```
//! use jwt_crypto::{Algorithm, Header, JwkSet, Key, Validation, decode, encode};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Claims {
//!     sub: String,
//!     iss: String,
//!     exp: i64,
//! }
//!
//! // The login service signs with its private key (normally `Key::from_pem(&pem)?`).
//! let signing = Key::generate(Algorithm::EdDSA)?.with_key_id("2026-11");
//! let claims = Claims { sub: "ada".into(), iss: "https://login.example".into(), exp: 4_000_000_000 };
//! let token = encode(&Header::new(Algorithm::EdDSA), &claims, &signing)?;
//!
//! // The API verifies with the published JWK set, picking the key by `kid`.
//! let jwks = serde_json::json!({ "keys": [signing.to_public_jwk()?] });
//! let keys = JwkSet::from_value(&jwks)?;
//! let validation = Validation::new([Algorithm::EdDSA]).issuer(["https://login.example"]);
//! let verified = decode::<Claims>(&token, &keys, &validation)?;
//! assert_eq!(verified.claims.sub, "ada");
//! assert_eq!(verified.header.kid.as_deref(), Some("2026-11"));
//! # Ok::<(), jwt_crypto::Error>(())
//! ```
//!
//! [ring]: https://docs.rs/ring
//! [AWS-LC]: https://docs.rs/aws-lc-rs
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

// Layers, each using only those below it: utilities (b64, secret) → neutral key material →
// key formats → the crypto backend → the public key types.
mod b64;
mod secret;

mod material;

mod format;

mod backend;

mod generate;
mod jwk_set;
mod key;
mod private_jwk;

/// The README's Rust examples, run as doc tests so the front door never goes stale.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

pub use backend::supported_algorithms;
pub use generate::KeySpec;
pub use jwk_set::{JwkSet, SkippedKey};
pub use key::Key;
pub use private_jwk::PrivateJwk;
/// What secret-returning methods hand back: wiped from memory on drop.
pub use zeroize::Zeroizing;

// jwt-core's whole API, so a Rust service needs this one dependency.
pub use jwt_core::{
    Algorithm, Audience, DEFAULT_MAX_TOKEN_LEN, Error, ErrorKind, Header, KeyFamily, KeySource,
    MAX_HEADER_MEMBERS, MAX_KID_LEN, NumericDate, RegisteredClaims, Result, Signer, TokenData,
    Validation, Verifier, crypto, dangerous, decode, decode_json, decode_raw, decode_seeded,
    encode, json, jws,
};
