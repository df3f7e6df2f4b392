//! The cryptography behind the keys: turning neutral key material into a backend's own key
//! objects once, signing and verifying with them, randomness, hashing and key generation.
//!
//! Exactly one backend is compiled in, chosen by a cargo feature: `ring` (the default) or
//! `aws-lc-rs`. Each offers the same items (`Prepared`, `fill_random`, `sha256`,
//! `generate_ec`, `generate_ed25519`), so the rest of the crate never names a backend.

#[cfg(all(feature = "ring", feature = "aws-lc-rs"))]
compile_error!(
    "jwt-crypto takes exactly one crypto backend: enable `ring` or `aws-lc-rs`, not both \
     (with `aws-lc-rs`, turn off the default features)"
);

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!(
    "jwt-crypto needs a crypto backend: enable the `ring` feature (the default) or `aws-lc-rs`"
);

#[cfg(feature = "ring")]
mod ring;
#[cfg(feature = "ring")]
pub(crate) use self::ring::*;

#[cfg(all(feature = "aws-lc-rs", not(feature = "ring")))]
mod aws_lc;
#[cfg(all(feature = "aws-lc-rs", not(feature = "ring")))]
pub(crate) use self::aws_lc::*;
