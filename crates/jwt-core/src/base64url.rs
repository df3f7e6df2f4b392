//! Strict base64url as JWS requires it (RFC 7515 §2): URL alphabet, no padding, no
//! whitespace, and zero trailing bits, so each byte string has exactly one encoding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeSliceError, Engine as _};

use crate::error::Error;

/// Decodes one token segment; `part` names it in the error ("header", "signature", ...).
pub(crate) fn decode(segment: &str, part: &str) -> Result<Vec<u8>, Error> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|err| Error::malformed(format!("{part} is not strict base64url: {err}")))
}

/// [`decode`] into `buffer` when the result fits (a typical token's segments fit a small
/// stack buffer), else into `spill`; returns the bytes from whichever holds them. Accepts and
/// refuses exactly what [`decode`] does, with the same messages. An empty `buffer` sends
/// every non-empty result to `spill`.
pub(crate) fn decode_with<'b>(
    segment: &str,
    part: &str,
    buffer: &'b mut [u8],
    spill: &'b mut Vec<u8>,
) -> Result<&'b [u8], Error> {
    if base64::decoded_len_estimate(segment.len()) <= buffer.len() {
        match URL_SAFE_NO_PAD.decode_slice(segment, &mut *buffer) {
            Ok(len) => return Ok(buffer.get(..len).unwrap_or_default()),
            Err(DecodeSliceError::DecodeError(err)) => {
                return Err(Error::malformed(format!(
                    "{part} is not strict base64url: {err}"
                )));
            }
            // The estimate leaves room for every valid input; should it not, spill.
            Err(DecodeSliceError::OutputSliceTooSmall) => {}
        }
    }
    *spill = decode(segment, part)?;
    Ok(spill)
}

/// Appends the base64url encoding of `bytes` to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_non_canonical_spelling() {
        assert_eq!(decode("eyJ9", "x").unwrap(), b"{\"}");
        for bad in ["eyJ9=", "ey+9", "ey/9", "ey J9", "eyJ9\n", "eQ", "eR", "e"] {
            // "eQ" is the canonical encoding of b"y"; "eR" carries non-zero trailing bits.
            if bad == "eQ" {
                assert!(decode(bad, "x").is_ok());
                continue;
            }
            assert!(decode(bad, "x").is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn decoding_with_a_buffer_matches_decoding() {
        let long = "eyJ9".repeat(40);
        for segment in ["", "eyJ9", "eQ", "eR", "eyJ9=", "ey J9", "e", long.as_str()] {
            let expected = decode(segment, "x").map_err(|err| err.to_string());
            for size in [0, 8] {
                let (mut buffer, mut spill) = (vec![0; size], Vec::new());
                let result = decode_with(segment, "x", &mut buffer, &mut spill)
                    .map(<[u8]>::to_vec)
                    .map_err(|err| err.to_string());
                assert_eq!(result, expected, "{segment:?} with {size} bytes of buffer");
            }
        }
        let (mut buffer, mut spill) = ([0; 8], Vec::new());
        decode_with("eyJ9", "x", &mut buffer, &mut spill).unwrap();
        assert!(spill.is_empty());
        decode_with(&long, "x", &mut buffer, &mut spill).unwrap();
        assert_eq!(spill.len(), 120);
    }
}
