//! The validator: built step by step on one thread, then frozen into an immutable handle
//! that any number of threads verify with.

use std::ffi::c_char;
use std::time::Duration;

use jwt_crypto::{Algorithm, Validation};

use crate::ffi::{self, Failure, Out, boundary, boundary_void};
use crate::status::{algorithm_of, jwtkit_alg, jwtkit_status};

/// Check `exp` (on by default).
pub const JWTKIT_CHECK_EXP: u32 = 1;
/// Check `nbf` (on by default).
pub const JWTKIT_CHECK_NBF: u32 = 2;
/// Refuse an `iat` in the future (off by default).
pub const JWTKIT_CHECK_IAT: u32 = 4;
/// Check `aud` (on by default). With no audience added, a token carrying `aud` is refused;
/// with one added, the token's `aud` must name it. Disabling it accepts any `aud`, for callers
/// that check audiences themselves, and so cannot be combined with an added audience.
pub const JWTKIT_CHECK_AUD: u32 = 8;
/// The checks a new builder starts with.
pub const JWTKIT_CHECKS_DEFAULT: u32 = JWTKIT_CHECK_EXP | JWTKIT_CHECK_NBF | JWTKIT_CHECK_AUD;

/// Every `JWTKIT_CHECK_*` flag.
const ALL_CHECKS: u32 = JWTKIT_CHECK_EXP | JWTKIT_CHECK_NBF | JWTKIT_CHECK_IAT | JWTKIT_CHECK_AUD;

/// A validator under construction. Mutable, for one thread; `jwtkit_validator_builder_build`
/// consumes it and sets the caller's pointer to NULL.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct jwtkit_validator_builder {
    algorithms: Vec<Algorithm>,
    issuers: Vec<String>,
    audiences: Vec<String>,
    subject: Option<String>,
    leeway_seconds: u32,
    clear_required: bool,
    required: Vec<String>,
    typ: Option<String>,
    max_token_len: Option<usize>,
    now: Option<i64>,
    checks: u32,
}

/// Everything a token must satisfy beyond its signature. Immutable; shareable across threads.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct jwtkit_validator(pub(crate) Validation);

impl jwtkit_validator_builder {
    /// The validation these settings describe, or why they contradict each other: no
    /// combination of calls may configure an expected value and then leave it unchecked.
    fn build(self) -> Result<Validation, Failure> {
        if !self.audiences.is_empty() && self.checks & JWTKIT_CHECK_AUD == 0 {
            return Err(Failure::invalid_argument(
                "an audience was added but JWTKIT_CHECK_AUD is disabled: an expected audience \
                 is always checked, so enable JWTKIT_CHECK_AUD or add no audience",
            ));
        }
        let mut validation = Validation::new(self.algorithms);
        let mut required = if self.clear_required {
            Vec::new()
        } else {
            validation.required_claims().to_vec()
        };
        required.extend(self.required);
        validation = validation
            .require_only(required)
            .leeway(Duration::from_secs(self.leeway_seconds.into()))
            .validate_exp(self.checks & JWTKIT_CHECK_EXP != 0)
            .validate_nbf(self.checks & JWTKIT_CHECK_NBF != 0)
            .validate_iat(self.checks & JWTKIT_CHECK_IAT != 0)
            .validate_aud(self.checks & JWTKIT_CHECK_AUD != 0);
        if !self.issuers.is_empty() {
            validation = validation.issuer(self.issuers);
        }
        if !self.audiences.is_empty() {
            validation = validation.audience(self.audiences);
        }
        if let Some(subject) = self.subject {
            validation = validation.subject(subject);
        }
        if let Some(typ) = self.typ {
            validation = validation.typ(typ);
        }
        if let Some(max) = self.max_token_len {
            validation = validation.max_token_len(max);
        }
        if let Some(now) = self.now {
            validation = validation.fixed_time(now);
        }
        Ok(validation)
    }
}

/// `checks`, if it holds only `JWTKIT_CHECK_*` flags.
fn check_flags(checks: u32) -> Result<u32, Failure> {
    if checks & !ALL_CHECKS == 0 {
        Ok(checks)
    } else {
        Err(Failure::invalid_argument(format!(
            "{checks:#x} holds bits that are not JWTKIT_CHECK_* flags"
        )))
    }
}

/// Starts a validator that accepts exactly the `n_algs` algorithms at `algs` (at least one:
/// the allow-list is what stops algorithm confusion). Defaults: `exp` required and checked,
/// `nbf` checked, a token with `aud` refused unless an audience is added, no leeway, tokens
/// up to 8 KiB, the system clock.
///
/// # Safety
/// `algs` points to `n_algs` values; `builder_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_new(
    algs: *const jwtkit_alg,
    n_algs: usize,
    builder_out: *mut *mut jwtkit_validator_builder,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(builder_out, "builder_out") }?;
        // SAFETY: forwarded contract.
        let algs = unsafe { ffi::array(algs, n_algs, "algs") }?;
        if algs.is_empty() {
            return Err(Failure::invalid_argument(
                "the algorithm allow-list is empty",
            ));
        }
        let algorithms = algs
            .iter()
            .map(|&value| {
                algorithm_of(value).ok_or_else(|| {
                    Failure::invalid_argument(format!("{value} is not a JWTKIT_ALG_* value"))
                })
            })
            .collect::<Result<Vec<Algorithm>, _>>()?;
        out.write(ffi::into_handle(jwtkit_validator_builder {
            algorithms,
            issuers: Vec::new(),
            audiences: Vec::new(),
            subject: None,
            leeway_seconds: 0,
            clear_required: false,
            required: Vec::new(),
            typ: None,
            max_token_len: None,
            now: None,
            checks: JWTKIT_CHECKS_DEFAULT,
        }));
        Ok(())
    })
}

/// Applies `change` to a builder.
fn update(
    builder: *mut jwtkit_validator_builder,
    change: impl FnOnce(&mut jwtkit_validator_builder) -> Result<(), Failure>,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: the exported callers' contract: NULL or a live builder used by one thread.
        let builder = unsafe { ffi::borrow_mut(builder, "builder") }?;
        change(builder)
    })
}

/// Applies a string setting to a builder.
///
/// # Safety
/// `value` is NULL or NUL-terminated.
unsafe fn update_str(
    builder: *mut jwtkit_validator_builder,
    value: *const c_char,
    what: &str,
    change: impl FnOnce(&mut jwtkit_validator_builder, String),
) -> jwtkit_status {
    update(builder, |builder| {
        // SAFETY: forwarded contract.
        let value = unsafe { ffi::c_str(value, what) }?;
        change(builder, value.to_owned());
        Ok(())
    })
}

/// Adds an accepted issuer: a token's `iss` must equal one of them exactly. There is no flag
/// to switch the issuer check off: an added issuer is always checked.
///
/// # Safety
/// `builder` is a live builder; `iss` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_add_issuer(
    builder: *mut jwtkit_validator_builder,
    iss: *const c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { update_str(builder, iss, "iss", |b, v| b.issuers.push(v)) }
}

/// Adds an accepted audience: a token's `aud` (string or array) must name one of them, and a
/// token without `aud` is refused. An added audience is always checked: building with
/// `JWTKIT_CHECK_AUD` disabled fails.
///
/// # Safety
/// `builder` is a live builder; `aud` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_add_audience(
    builder: *mut jwtkit_validator_builder,
    aud: *const c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { update_str(builder, aud, "aud", |b, v| b.audiences.push(v)) }
}

/// Requires `sub` to equal `sub`.
///
/// # Safety
/// `builder` is a live builder; `sub` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_set_subject(
    builder: *mut jwtkit_validator_builder,
    sub: *const c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { update_str(builder, sub, "sub", |b, v| b.subject = Some(v)) }
}

/// Requires the header's `typ` (case-insensitive, `application/` optional).
///
/// # Safety
/// `builder` is a live builder; `typ` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_set_typ(
    builder: *mut jwtkit_validator_builder,
    typ: *const c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { update_str(builder, typ, "typ", |b, v| b.typ = Some(v)) }
}

/// Adds a claim every token must carry (the set starts as `exp`).
///
/// # Safety
/// `builder` is a live builder; `name` is NUL-terminated.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_require_claim(
    builder: *mut jwtkit_validator_builder,
    name: *const c_char,
) -> jwtkit_status {
    // SAFETY: forwarded contract.
    unsafe { update_str(builder, name, "name", |b, v| b.required.push(v)) }
}

/// Empties the set of required claims, including the default `exp`.
///
/// # Safety
/// `builder` is a live builder.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_clear_required(
    builder: *mut jwtkit_validator_builder,
) -> jwtkit_status {
    update(builder, |b| {
        b.clear_required = true;
        b.required.clear();
        Ok(())
    })
}

/// Tolerates `seconds` of clock skew on `exp`, `nbf` and `iat`.
///
/// # Safety
/// `builder` is a live builder.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_set_leeway(
    builder: *mut jwtkit_validator_builder,
    seconds: u32,
) -> jwtkit_status {
    update(builder, |b| {
        b.leeway_seconds = seconds;
        Ok(())
    })
}

/// Turns on the claim checks in `checks` (an OR of `JWTKIT_CHECK_*`), leaving the others as
/// they are. A new builder has `JWTKIT_CHECKS_DEFAULT`; e.g. `JWTKIT_CHECK_IAT` adds the
/// `iat` check to it.
///
/// # Safety
/// `builder` is a live builder.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_enable_checks(
    builder: *mut jwtkit_validator_builder,
    checks: u32,
) -> jwtkit_status {
    update(builder, |b| {
        b.checks |= check_flags(checks)?;
        Ok(())
    })
}

/// Turns off the claim checks in `checks` (an OR of `JWTKIT_CHECK_*`), leaving the others as
/// they are. Issuer, subject and `typ` checks have no flag: once set they are always checked.
/// Disabling `JWTKIT_CHECK_AUD` with an audience added makes `jwtkit_validator_builder_build`
/// fail.
///
/// # Safety
/// `builder` is a live builder.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_disable_checks(
    builder: *mut jwtkit_validator_builder,
    checks: u32,
) -> jwtkit_status {
    update(builder, |b| {
        b.checks &= !check_flags(checks)?;
        Ok(())
    })
}

/// Refuses tokens longer than `len` bytes before any other work (default 8192).
///
/// # Safety
/// `builder` is a live builder.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_set_max_token_len(
    builder: *mut jwtkit_validator_builder,
    len: usize,
) -> jwtkit_status {
    update(builder, |b| {
        b.max_token_len = Some(len);
        Ok(())
    })
}

/// Judges time against `unix_seconds` instead of the system clock (tests, replays).
///
/// # Safety
/// `builder` is a live builder.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_set_now(
    builder: *mut jwtkit_validator_builder,
    unix_seconds: i64,
) -> jwtkit_status {
    update(builder, |b| {
        b.now = Some(unix_seconds);
        Ok(())
    })
}

/// Freezes the builder into a validator. Always consumes `*builder` and sets it to NULL, even
/// on failure, so a later `jwtkit_validator_builder_free(*builder)` is harmless. Fails with
/// `JWTKIT_ERR_INVALID_ARGUMENT` when the settings contradict each other (an audience added
/// with `JWTKIT_CHECK_AUD` disabled): no setting may name an expected value that is then not
/// checked.
///
/// # Safety
/// `builder` is NULL or points to NULL or to a live builder; `validator_out` is writable.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn jwtkit_validator_builder_build(
    builder: *mut *mut jwtkit_validator_builder,
    validator_out: *mut *const jwtkit_validator,
) -> jwtkit_status {
    boundary(|| {
        // SAFETY: forwarded contract: NULL or a writable pointer to the caller's handle.
        let slot = unsafe { ffi::borrow_mut(builder, "builder") }?;
        // The caller's handle is ours from here on, whatever happens next.
        let handle = std::mem::replace(slot, std::ptr::null_mut());
        // SAFETY: forwarded contract: NULL or a live builder, which the caller no longer holds.
        let builder = unsafe { ffi::take_handle(handle, "*builder") }?;
        // SAFETY: forwarded contract.
        let out = unsafe { Out::new(validator_out, "validator_out") }?;
        out.write(ffi::into_handle(jwtkit_validator(builder.build()?)));
        Ok(())
    })
}

/// Frees a builder that will not be built. NULL is a no-op.
///
/// # Safety
/// `builder` is NULL or a live builder, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_validator_builder_free(builder: *mut jwtkit_validator_builder) {
    // SAFETY: forwarded contract.
    boundary_void(|| unsafe { ffi::free_handle(builder.cast_const()) });
}

/// Frees a validator. NULL is a no-op.
///
/// # Safety
/// `validator` is NULL or a validator from jwtkit that no thread uses any more.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_validator_free(validator: *const jwtkit_validator) {
    // SAFETY: forwarded contract.
    boundary_void(|| unsafe { ffi::free_handle(validator) });
}
