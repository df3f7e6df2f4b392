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

pub mod claims;
mod ffi;
pub mod jwks;
pub mod key;
pub mod key_file;
pub mod object;
pub mod source;
pub mod status;
pub mod token;
pub mod validator;

use std::ffi::c_char;

pub use claims::*;
pub use jwks::*;
pub use key::*;
pub use key_file::*;
pub use object::*;
pub use source::*;
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
/// The version as one number, `0xMMmmpp` (major, minor, patch), for `#if` checks:
/// `#if JWTKIT_VERSION_NUMBER >= 0x000100`. Compare it with `jwtkit_version_number()` to catch
/// a program running against an older library than it was built with.
pub const JWTKIT_VERSION_NUMBER: u32 =
    (JWTKIT_VERSION_MAJOR << 16) | (JWTKIT_VERSION_MINOR << 8) | JWTKIT_VERSION_PATCH;

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
    let name = STATUS_NAMES
        .iter()
        .find(|(value, _)| *value == status)
        .map_or("JWTKIT_UNKNOWN_STATUS\0", |(_, name)| name);
    name.as_ptr().cast()
}

/// What this thread's last failing call failed on, naming the part (which claim, which
/// segment, which key problem). Never NULL; valid until this thread's next failing call.
#[unsafe(no_mangle)]
pub extern "C" fn jwtkit_last_error_message() -> *const c_char {
    ffi::last_error()
}

/// Copies this thread's last error message (as `jwtkit_last_error_message` returns it) into
/// `buf`, for code that hands the failure to another thread or keeps it past the next call:
/// copy right after the failing call, on its thread, then the buffer is the caller's to move.
/// Writes at most `buf_len` bytes, always NUL-terminated when `buf_len` is not 0, cutting a
/// long message at a UTF-8 character boundary. Returns the message's full length (without the
/// NUL), as `snprintf` does: a result of `buf_len` or more means it was cut. `buf` may be NULL
/// when `buf_len` is 0, to ask for the length.
///
/// # Safety
/// `buf` is NULL with `buf_len` 0, or points to `buf_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jwtkit_last_error_copy(buf: *mut c_char, buf_len: usize) -> usize {
    // SAFETY: forwarded contract.
    ffi::last_error_copy(|message| unsafe { ffi::copy_out(message, buf, buf_len) })
}

/// The library version as `JWTKIT_VERSION_NUMBER` spells it (`0xMMmmpp`), of the library
/// loaded at run time.
#[unsafe(no_mangle)]
pub extern "C" fn jwtkit_version_number() -> u32 {
    JWTKIT_VERSION_NUMBER
}

/// The library version, e.g. `"0.1.0"`; a static string.
#[unsafe(no_mangle)]
pub extern "C" fn jwtkit_version() -> *const c_char {
    const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    /// The version constants the header carries are the crate's version.
    #[test]
    fn version_constants_match_the_crate() {
        let version = format!(
            "{}.{}.{}",
            super::JWTKIT_VERSION_MAJOR,
            super::JWTKIT_VERSION_MINOR,
            super::JWTKIT_VERSION_PATCH
        );
        assert_eq!(version, env!("CARGO_PKG_VERSION"));
        assert_eq!(super::jwtkit_version_number(), 0x00_01_00);
    }
}
