//! Strict base64url as JWS requires it (RFC 7515 §2): URL alphabet, no padding, no
//! whitespace, and zero trailing bits, so each byte string has exactly one encoding.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::Error;

/// Decodes one token segment; `part` names it in the error ("header", "signature", ...).
pub(crate) fn decode(segment: &str, part: &str) -> Result<Vec<u8>, Error> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|err| Error::malformed(format!("{part} is not strict base64url: {err}")))
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
}
