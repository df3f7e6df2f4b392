//! Key rotation without the application's own RCU: a key source holds the current key or key
//! set, request threads verify through it, and a rotation thread swaps in the next one. A
//! swap never waits for the verifications in flight, and they finish with the keys they
//! started with: each holds its own reference, and the old keys are freed with the last.

use std::ffi::c_char;
use std::sync::{Arc, PoisonError, RwLock};

use jwt_crypto::{JwkSet, Key, KeySource};

use crate::ffi::{self, Failure, Out, boundary, boundary_void};
use crate::key::{jwtkit_key, jwtkit_keyset};
use crate::object::{Keyed, jwtkit_object, verify_into_objects};
use crate::status::jwtkit_status;
use crate::token::verify_into_text;
use crate::validator::jwtkit_validator;

/// What a source holds: one key, or a set to pick from by `kid` and `alg`.
#[derive(Debug, Clone)]
enum Keys {
    One(Arc<Key>),
    Set(Arc<JwkSet>),
}

impl Keyed for Keys {
    fn key_source(&self) -> &dyn KeySource {
        match self {
            Keys::One(key) => &**key,
            Keys::Set(set) => &**set,
        }
    }
}

/// The current key or key set of a service, swappable while other threads verify with it.
/// Shareable across threads: `jwtkit_key_source_store_*` from one, `jwtkit_verify*_with_source`
/// from any number of others, all without the caller's locks.
///
/// The lock is held only to copy or replace a reference (two atomic operations), never while
/// a token is verified, so a swap waits for no verification and no verification waits long.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct jwtkit_key_source(RwLock<Keys>);

impl jwtkit_key_source {
    /// The current keys; the caller verifies with its own reference.
    fn load(&self) -> Keys {
        // A panic cannot leave the slot half-written (it holds one reference), so a poisoned
        // lock still guards a consistent value.
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the current keys; the old ones go with the last verification using them.
    fn store(&self, keys: Keys) {
        let old = std::mem::replace(
            &mut *self.0.write().unwrap_or_else(PoisonError::into_inner),
            keys,
        );
        // Dropped after the lock is released, so freeing a large set never holds it.
        drop(old);
    }
}

/// Makes a source around `keys`.
fn new_source(
    source_out: *mut *const jwtkit_key_source,
    keys: impl FnOnce() -> Result<Keys, Failure>,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: the exported callers' contract: NULL or writable.
        let out = unsafe { Out::new(source_out, "source_out") }?;
        out.write(ffi::into_handle(jwtkit_key_source(RwLock::new(keys()?))));
        Ok(())
    })
}

/// Stores `keys` in the source at `source`.
fn store(
    source: *const jwtkit_key_source,
    keys: impl FnOnce() -> Result<Keys, Failure>,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: the exported callers' contract: NULL or a live source.
        let source = unsafe { ffi::borrow(source, "source") }?;
        source.store(keys()?);
        Ok(())
    })
}

/// The key behind a handle, as a source holds it.
///
/// # Safety
/// `key` is NULL or a live key.
unsafe fn one(key: *const jwtkit_key) -> Result<Keys, Failure> {
    // SAFETY: forwarded contract.
    unsafe { ffi::borrow(key, "key") }.map(|key| Keys::One(Arc::clone(&key.0)))
}

/// The set behind a handle, as a source holds it.
///
/// # Safety
/// `set` is NULL or a live key set.
unsafe fn set(set: *const jwtkit_keyset) -> Result<Keys, Failure> {
    // SAFETY: forwarded contract.
    unsafe { ffi::borrow(set, "set") }.map(|set| Keys::Set(Arc::clone(&set.0)))
}

/// A source that starts with `key`. It takes its own reference: free your handle whenever
/// you like. Free the source with `jwtkit_key_source_free`.
///
/// # Safety
/// `key` is a live key; `source_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_source_new_key(
    key: *const jwtkit_key,
    source_out: *mut *const jwtkit_key_source,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    new_source(source_out, || unsafe { one(key) })
}

/// A source that starts with the key set `set` (its own reference, as for a key).
///
/// # Safety
/// `set` is a live key set; `source_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_source_new_keyset(
    set: *const jwtkit_keyset,
    source_out: *mut *const jwtkit_key_source,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    new_source(source_out, || unsafe { self::set(set) })
}

/// Makes `key` the source's current key, atomically: each verification uses the old keys or
/// the new, never a mix. Verifications already running finish with the old keys, which are
/// freed after the last of them. Safe to call while other threads verify through `source`.
///
/// # Safety
/// `source` is a live source; `key` is a live key.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_source_store_key(
    source: *const jwtkit_key_source,
    key: *const jwtkit_key,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    store(source, || unsafe { one(key) })
}

/// Makes `set` the source's current key set, as `jwtkit_key_source_store_key` does for a key:
/// e.g. the identity provider's JWK set, fetched again.
///
/// # Safety
/// `source` is a live source; `set` is a live key set.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_source_store_keyset(
    source: *const jwtkit_key_source,
    set: *const jwtkit_keyset,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    store(source, || unsafe { self::set(set) })
}

/// A new handle on the source's current key, e.g. to sign with the key a rotation put there;
/// free it with `jwtkit_key_free`. A source holding a key set is `JWTKIT_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `source` is a live source; `key_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_key_source_load_key(
    source: *const jwtkit_key_source,
    key_out: *mut *const jwtkit_key,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(key_out, "key_out") }?;
        // SAFETY: forwarded contract.
        let source = unsafe { ffi::borrow(source, "source") }?;
        match source.load() {
            Keys::One(key) => out.write(ffi::into_handle(jwtkit_key(key))),
            Keys::Set(_) => {
                return Err(Failure::invalid_argument(
                    "the source holds a key set, not one key",
                ));
            }
        }
        Ok(())
    })
}

/// Frees a source. Keys it holds stay alive while other handles or running verifications
/// hold them. NULL is a no-op.
///
/// # Safety
/// `source` is NULL or a source from jwtkit that no thread uses any more.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_key_source_free(source: *const jwtkit_key_source) {
    // SAFETY: forwarded contract.
    boundary_void(|| unsafe { ffi::free_handle(source) });
}

/// As `jwtkit_verify`, with the source's current key or key set.
///
/// # Safety
/// `validator` and `source` are live handles; `token` points to `token_len` readable bytes;
/// `claims_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_verify_with_source(
    validator: *const jwtkit_validator,
    source: *const jwtkit_key_source,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *mut c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let keys = || unsafe { ffi::borrow(source, "source") }.map(jwtkit_key_source::load);
    // SAFETY: forwarded contract.
    unsafe { verify_into_text(validator, keys, token, token_len, claims_out) }
}

/// As `jwtkit_verify_claims`, with the source's current key or key set.
///
/// # Safety
/// As `jwtkit_verify_claims`, with `source` a live source.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_verify_claims_with_source(
    validator: *const jwtkit_validator,
    source: *const jwtkit_key_source,
    token: *const c_char,
    token_len: usize,
    claims_out: *mut *const jwtkit_object,
    header_out_or_null: *mut *const jwtkit_object,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    let keys = || unsafe { ffi::borrow(source, "source") }.map(jwtkit_key_source::load);
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
