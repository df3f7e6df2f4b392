//! The glue between the `der` crate and this crate's errors and secrets.
//!
//! The `der` crate reads strictly: definite, minimal lengths; single-byte tags; minimal
//! INTEGERs; nothing after the outermost element. Its errors become [`Error::InvalidKey`].

use der::{Decode, Encode, Reader, SliceReader};
use jwt_core::Error;

use crate::secret::Secret;

pub(crate) fn malformed(error: der::Error) -> Error {
    Error::InvalidKey(format!("malformed DER: {error}"))
}

/// Decodes a whole input as one `T`, with nothing after it.
pub(crate) fn decode<'a, T: Decode<'a>>(input: &'a [u8]) -> Result<T, Error> {
    T::from_der(input).map_err(malformed)
}

/// Reads a whole input with `f`, which must consume all of it.
pub(crate) fn read<'a, T>(
    input: &'a [u8],
    f: impl FnOnce(&mut SliceReader<'a>) -> der::Result<T>,
) -> Result<T, Error> {
    let mut reader = SliceReader::new(input).map_err(malformed)?;
    let value = f(&mut reader).map_err(malformed)?;
    reader.finish(value).map_err(malformed)
}

/// The DER of a value, or `None` if it cannot be encoded (only lengths past 256 MiB).
pub(crate) fn encode(value: &impl Encode) -> Option<Vec<u8>> {
    let len = usize::try_from(value.encoded_len().ok()?).ok()?;
    let mut out = vec![0; len];
    value.encode_to_slice(&mut out).ok()?;
    Some(out)
}

/// The DER of a value holding a private key, written straight into wiped memory.
pub(crate) fn encode_secret(value: &impl Encode) -> Option<Secret> {
    let len = usize::try_from(value.encoded_len().ok()?).ok()?;
    let mut out = Secret::zeroed(len);
    value.encode_to_slice(out.expose_mut()).ok()?;
    Some(out)
}
