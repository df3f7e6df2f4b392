//! # libjwtkit
//!
//! jwtkit's C ABI: load keys once, build a validator once, then verify Bearer tokens from any
//! number of threads. The header `include/jwtkit.h` is generated from this crate by cbindgen
//! (`cargo xtask header`), doc comments included.
//!
//! This crate holds no JWT logic: it converts C types to jwt-crypto's and maps its errors to
//! `jwtkit_status` values. All raw-pointer handling lives in the `ffi` module, and every
//! exported body runs inside one panic boundary.
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod ffi;
pub mod key;
pub mod status;
pub mod token;
pub mod validator;

use std::ffi::c_char;

pub use key::*;
pub use status::*;
pub use token::*;
pub use validator::*;

/// The library's major version. From 1.0 on, the ABI only ever grows within one major
/// version; before the first release (0.x) it may still change.
pub const JWTKIT_VERSION_MAJOR: u32 = 0;
/// The library's minor version.
pub const JWTKIT_VERSION_MINOR: u32 = 1;
/// The library's patch version.
pub const JWTKIT_VERSION_PATCH: u32 = 0;

/// Frees a string that jwtkit returned (claims, header, token). NULL is a no-op. Never pass
/// these strings to `free()`.
///
/// # Safety
/// `s` is NULL or a string from jwtkit, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_string_free(s: *mut c_char) {
    // SAFETY: forwarded contract.
    ffi::boundary_void(|| unsafe { ffi::free_c_string(s) });
}

/// Frees a byte buffer that jwtkit returned (a JWS payload), given with the length jwtkit
/// returned beside it. NULL is a no-op. Never pass these buffers to `free()`.
///
/// # Safety
/// `bytes` is NULL or a buffer from jwtkit with its length `len`, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_bytes_free(bytes: *mut u8, len: usize) {
    // SAFETY: forwarded contract.
    ffi::boundary_void(|| unsafe { ffi::free_c_bytes(bytes, len) });
}

/// The name of a status value, e.g. `"JWTKIT_ERR_EXPIRED"`; a static string, never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn jwtkit_status_str(status: jwtkit_status) -> *const c_char {
    let mut names = STATUS_NAMES.iter();
    let unknown = c"JWTKIT_UNKNOWN_STATUS";
    names
        .find(|(value, _)| *value == status)
        .map_or(unknown, |(_, name)| name)
        .as_ptr()
}

/// What this thread's last failing call failed on, naming the part (which claim, which
/// segment, which key problem). Never NULL; valid until this thread's next failing call.
#[unsafe(no_mangle)]
pub extern "C" fn jwtkit_last_error_message() -> *const c_char {
    ffi::last_error()
}

/// The library version, e.g. `"0.1.0"`; a static string.
#[unsafe(no_mangle)]
pub extern "C" fn jwtkit_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}
