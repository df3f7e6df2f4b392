//! # jwt-core
//!
//! JSON Web Tokens without the cryptography: compact JWS over any payload, JWT claims, and
//! their validation. This crate decides *whether* a token is acceptable; a crypto provider
//! (jwt-crypto, on ring) computes and checks the signatures through the [`Signer`],
//! [`Verifier`] and [`KeySource`] traits. Most users depend on jwt-crypto alone, which
//! re-exports this API with real keys.
//!
//! ## Design
//! - Two layers: [`jws`] signs and verifies compact JWS over arbitrary bytes; [`encode`] and
//!   [`decode`] add JSON claims and [`Validation`] on top.
//! - Verification follows one fixed path: size, split, header, allow-list, `crit`, `typ`, key
//!   family, signature over the original bytes, and only then the payload and the claims.
//! - Secure by default (RFC 8725): the algorithm allow-list is mandatory, `none` cannot even be
//!   named, a key verifies only its own family, header-embedded keys are never used, member
//!   names must be unique, base64url must be canonical, and size and nesting are bounded.
//!
//! ## Errors, never panics
//! Every fallible function returns [`Error`] and documents when (`# Errors`). Library code
//! does not panic on any input: `unwrap`, `expect`, `panic!` and unchecked indexing are denied
//! by the crate's lints outside tests, and the fuzz targets feed it arbitrary tokens, headers
//! and claims. [`Error::is_rejection`] tells a verdict on a token from a problem with the
//! caller's key.
//!
//! ## Example
//! A real application uses `jwt_crypto::Key`; here a toy key stands in so the example runs
//! without cryptography.
//! ```
//! use jwt_core::{Algorithm, Error, Header, KeyFamily, Validation, decode, encode};
//! use serde::{Deserialize, Serialize};
//! # use jwt_core::{KeySource, Signer, Verifier, crypto::select_single};
//! # /// Not a real MAC: a checksum, so this example needs no cryptography.
//! # struct ToyKey(u8);
//! # impl ToyKey { fn mac(&self, input: &[u8]) -> Vec<u8> {
//! #     vec![input.iter().fold(self.0, |acc, b| acc.rotate_left(3) ^ b)] } }
//! # impl Signer for ToyKey {
//! #     fn sign(&self, _: Algorithm, input: &[u8]) -> Result<Vec<u8>, Error> { Ok(self.mac(input)) } }
//! # impl Verifier for ToyKey {
//! #     fn family(&self) -> KeyFamily { KeyFamily::Hmac }
//! #     fn verify(&self, _: Algorithm, input: &[u8], sig: &[u8]) -> Result<(), Error> {
//! #         if self.mac(input) == sig { Ok(()) } else { Err(Error::InvalidSignature) } } }
//! # impl KeySource for ToyKey {
//! #     fn select(&self, alg: Algorithm, _: Option<&str>) -> Result<&dyn Verifier, Error> {
//! #         select_single(self, alg) } }
//! # let key = ToyKey(42);
//!
//! #[derive(Serialize, Deserialize)]
//! struct Claims {
//!     sub: String,
//!     exp: u64,
//! }
//!
//! let claims = Claims { sub: "user-7".into(), exp: 2_000_000_000 };
//! let token = encode(&Header::new(Algorithm::HS256), &claims, &key)?;
//!
//! let validation = Validation::new([Algorithm::HS256]).subject("user-7");
//! let verified = decode::<Claims>(&token, &key, &validation)?;
//! assert_eq!(verified.claims.sub, "user-7");
//!
//! // A token is only as good as its allow-list: HS256 is not in this one.
//! let strict = Validation::new([Algorithm::ES256]);
//! assert!(matches!(decode::<Claims>(&token, &key, &strict), Err(Error::AlgorithmNotAllowed(_))));
//! # Ok::<(), Error>(())
//! ```
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

mod algorithm;
mod base64url;
mod claims;
pub mod crypto;
pub mod dangerous;
mod decode;
mod encode;
mod error;
mod header;
pub mod json;
pub mod jws;
mod kept_registered;
mod one_pass;
mod recent_headers;
#[cfg(test)]
mod test_provider;
mod unique_json;
mod validation;

pub use algorithm::{Algorithm, KeyFamily};
pub use claims::{Audience, NumericDate, RegisteredClaims};
pub use crypto::{KeySource, Signer, Verifier};
pub use decode::{TokenData, decode, decode_json, decode_raw, decode_seeded};
pub use encode::encode;
pub use error::{Error, ErrorKind, Result};
pub use header::{Header, MAX_HEADER_MEMBERS, MAX_KID_LEN};
pub use validation::{DEFAULT_MAX_TOKEN_LEN, Validation};
