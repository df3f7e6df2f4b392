//! Every raw pointer jwtkit touches is handled here, and every exported body runs inside
//! [`boundary`], so no panic and no unchecked pointer crosses the ABI.
//!
//! Conventions (as rustls-ffi writes them down): receiver first, then inputs, then outputs;
//! outputs (`*_out`) are written only on success; NULL anywhere is `JWTKIT_ERR_INVALID_ARGUMENT`;
//! every handle's `_free` accepts NULL.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::status::{
    JWTKIT_ERR_INTERNAL, JWTKIT_ERR_INVALID_ARGUMENT, JWTKIT_OK, jwtkit_status, status_of,
};

/// Why a call failed: the status C sees and the message `jwtkit_last_error_message` returns.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: jwtkit_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Failure {
            status: JWTKIT_ERR_INVALID_ARGUMENT,
            message: message.into(),
        }
    }
}

impl Failure {
    /// A core error from signing what the caller built with a claims builder: a verdict kind
    /// about its content (`Malformed`, `Unsupported`) would read as a rejection of a token, so
    /// it becomes `JWTKIT_ERR_INVALID_ARGUMENT`. An algorithm the key cannot sign with stays
    /// `JWTKIT_ERR_ALGORITHM`, as for `jwtkit_encode` and `jwtkit_jws_sign` (the shared
    /// vectors' `algorithm_not_allowed`), and key errors keep their 3xx status.
    pub(crate) fn from_builder(error: jwt_crypto::Error) -> Self {
        let failure = Failure::from(error);
        let keeps_status = failure.status == crate::status::JWTKIT_ERR_ALGORITHM;
        if !keeps_status && crate::status::jwtkit_status_is_rejection(failure.status) != 0 {
            Failure::invalid_argument(failure.message)
        } else {
            failure
        }
    }
}

impl Failure {
    /// A failure while loading the caller's key: never a rejection. The core calls a key only
    /// the other backend implements (a P-521 key under ring) `Unsupported`, a verdict kind; C
    /// sees `JWTKIT_ERR_KEY`, with the message naming the feature.
    pub(crate) fn for_key(self) -> Self {
        if self.status == crate::status::JWTKIT_ERR_UNSUPPORTED {
            Failure {
                status: crate::status::JWTKIT_ERR_KEY,
                message: self.message,
            }
        } else {
            self
        }
    }
}

impl From<jwt_crypto::Error> for Failure {
    fn from(error: jwt_crypto::Error) -> Self {
        Failure {
            status: status_of(&error),
            message: error.to_string(),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

fn set_last_error(message: &str) {
    // A message with an interior NUL is cut there rather than lost.
    let bytes: Vec<u8> = message.bytes().take_while(|&b| b != 0).collect();
    let message = CString::new(bytes).unwrap_or_default();
    // `try_with`: a call from a thread-exit destructor, after the thread's storage is gone,
    // must not panic (a panic here would abort the C program); the message is then dropped.
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = message);
}

/// This thread's last failure message; valid until this thread's next failing call. Empty
/// when the thread's storage is already gone.
pub(crate) fn last_error() -> *const c_char {
    LAST_ERROR
        .try_with(|last| last.borrow().as_ptr())
        .unwrap_or(c"".as_ptr())
}

/// Hands this thread's last error message to `copy` (as bytes, without its NUL); empty when
/// the thread's storage is already gone.
pub(crate) fn last_error_copy<R>(copy: impl FnOnce(&[u8]) -> R) -> R {
    match LAST_ERROR.try_with(|last| last.borrow().as_bytes().to_vec()) {
        Ok(message) => copy(&message),
        Err(_) => copy(b""),
    }
}

/// Copies `message` into `buf` as `jwtkit_last_error_copy` documents; returns its length.
///
/// # Safety
/// `buf` is NULL with `buf_len` 0, or points to `buf_len` writable bytes.
pub(crate) unsafe fn copy_out(message: &[u8], buf: *mut c_char, buf_len: usize) -> usize {
    if buf.is_null() || buf_len == 0 {
        return message.len();
    }
    // The longest prefix that fits with its NUL and ends on a character boundary.
    let mut take = message.len().min(buf_len - 1);
    while take > 0 && std::str::from_utf8(message.get(..take).unwrap_or_default()).is_err() {
        take -= 1;
    }
    // SAFETY: `buf` holds `buf_len` > `take` writable bytes, and `message` is ours, so the
    // ranges do not overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(message.as_ptr(), buf.cast::<u8>(), take);
        buf.add(take).write(0);
    }
    message.len()
}

/// Runs an exported function's body: a failure or a caught panic becomes a status and this
/// thread's last error message.
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), Failure>) -> jwtkit_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => JWTKIT_OK,
        Ok(Err(failure)) => {
            set_last_error(&failure.message);
            failure.status
        }
        Err(_) => {
            set_last_error(
                "internal error: jwtkit caught a panic at the C boundary (a bug; please report it)",
            );
            JWTKIT_ERR_INTERNAL
        }
    }
}

/// Runs a body that cannot report failure (`_free`, `_str`), swallowing any panic.
pub(crate) fn boundary_void(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

/// Borrows the object behind a handle.
///
/// # Safety
/// `ptr` is NULL or was returned by jwtkit for a `T` and not yet freed.
pub(crate) unsafe fn borrow<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: per this function's contract, a non-NULL `ptr` points to a live `T`.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::invalid_argument(format!("{what} is NULL")))
}

/// Borrows the mutable object behind a handle.
///
/// # Safety
/// `ptr` is NULL or was returned by jwtkit for a `T`, not yet freed, and not shared.
pub(crate) unsafe fn borrow_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: per this function's contract.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::invalid_argument(format!("{what} is NULL")))
}

/// Borrows an array of `len` values at `ptr`.
///
/// # Safety
/// `ptr` is NULL or points to `len` initialised values that outlive the call.
pub(crate) unsafe fn array<'a, T>(
    ptr: *const T,
    len: usize,
    what: &str,
) -> Result<&'a [T], Failure> {
    if ptr.is_null() {
        return Err(Failure::invalid_argument(format!("{what} is NULL")));
    }
    if !ptr.is_aligned() {
        return Err(Failure::invalid_argument(format!("{what} is misaligned")));
    }
    if len
        .checked_mul(size_of::<T>())
        .is_none_or(|size| size > isize::MAX as usize)
    {
        return Err(Failure::invalid_argument(format!(
            "{what} length is out of range"
        )));
    }
    // SAFETY: non-NULL, aligned, size in range, and the caller promises `len` values.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows `len` bytes at `ptr`.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes that outlive the call.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a [u8], Failure> {
    // SAFETY: forwarded contract.
    unsafe { array(ptr, len, what) }
}

/// Borrows `len` bytes at `ptr` as text.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes(ptr.cast::<u8>(), len, what) }?;
    std::str::from_utf8(bytes)
        .map_err(|_| Failure::invalid_argument(format!("{what} is not UTF-8")))
}

/// Borrows `len` bytes at `ptr` as key text (PEM, an OpenSSH line, JWK or JWK set JSON): every
/// byte is data, so a NUL byte or bytes that are not UTF-8 make the key unusable
/// (`JWTKIT_ERR_KEY`), never a shorter text. A NULL `ptr` is `JWTKIT_ERR_INVALID_ARGUMENT`,
/// whatever `len` says.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn key_text<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes(ptr.cast::<u8>(), len, what) }?;
    let refused =
        |why: String| Failure::from(jwt_crypto::Error::InvalidKey(format!("{what} {why}")));
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(refused(format!(
            "holds a NUL byte at offset {at} of {len}; key text never does"
        )));
    }
    std::str::from_utf8(bytes).map_err(|err| {
        refused(format!(
            "is not UTF-8 text (byte {} of {len})",
            err.valid_up_to()
        ))
    })
}

/// Borrows a NUL-terminated UTF-8 string.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn c_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::invalid_argument(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|_| Failure::invalid_argument(format!("{what} is not UTF-8")))
}

/// An output slot, checked for NULL before any work so that a bad call does nothing.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// # Safety
    /// `ptr` is NULL or valid for writing a `T`.
    pub(crate) unsafe fn new(ptr: *mut T, what: &str) -> Result<Self, Failure> {
        if ptr.is_null() {
            Err(Failure::invalid_argument(format!("{what} is NULL")))
        } else {
            Ok(Out(ptr))
        }
    }

    pub(crate) fn write(self, value: T) {
        // SAFETY: checked non-NULL in `new`, whose caller promised it is writable.
        unsafe { self.0.write(value) }
    }
}

/// Moves `value` to the heap and hands C the pointer; `free_handle` takes it back.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back ownership of a handle made by [`into_handle`].
///
/// # Safety
/// `ptr` is NULL or came from `into_handle::<T>` and is not used again.
pub(crate) unsafe fn take_handle<T>(ptr: *mut T, what: &str) -> Result<T, Failure> {
    if ptr.is_null() {
        return Err(Failure::invalid_argument(format!("{what} is NULL")));
    }
    // SAFETY: per the contract, this is the Box made by `into_handle`.
    Ok(*unsafe { Box::from_raw(ptr) })
}

/// Drops a handle made by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from `into_handle::<T>` and is not used again.
pub(crate) unsafe fn free_handle<T>(ptr: *const T) {
    if !ptr.is_null() {
        // SAFETY: per the contract, this is the Box made by `into_handle`.
        drop(unsafe { Box::from_raw(ptr.cast_mut()) });
    }
}

/// Hands C a NUL-terminated copy of `text`, freed by `jwtkit_string_free`.
pub(crate) fn into_c_string(text: String) -> Result<*mut c_char, Failure> {
    CString::new(text)
        .map(CString::into_raw)
        .map_err(|_| Failure {
            status: JWTKIT_ERR_INTERNAL,
            message: "internal error: output text holds a NUL byte".to_owned(),
        })
}

/// Hands C a byte buffer and its length, freed by `jwtkit_bytes_free`.
pub(crate) fn into_c_bytes(bytes: Vec<u8>) -> (*mut u8, usize) {
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len();
    (Box::into_raw(boxed).cast::<u8>(), len)
}

/// Frees a buffer made by [`into_c_bytes`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from `into_c_bytes` with this `len`, and is not used again.
pub(crate) unsafe fn free_c_bytes(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        // SAFETY: per the contract, this is the boxed slice made by `into_c_bytes`.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
    }
}

/// Frees a string made by [`into_c_string`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from `into_c_string` and is not used again.
pub(crate) unsafe fn free_c_string(ptr: *mut c_char) {
    if !ptr.is_null() {
        // SAFETY: per the contract, this is the CString made by `into_c_string`.
        drop(unsafe { CString::from_raw(ptr) });
    }
}

/// The token's bytes as text: bytes that are not UTF-8 (so not base64url either) make a
/// malformed token, a verdict on the token rather than the caller's mistake.
///
/// # Safety
/// `token` is NULL or points to `len` readable bytes.
pub(crate) unsafe fn token_text<'a>(token: *const c_char, len: usize) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes(token.cast::<u8>(), len, "token") }?;
    std::str::from_utf8(bytes)
        .map_err(|_| jwt_crypto::Error::Malformed("token is not ASCII".to_owned()).into())
}
