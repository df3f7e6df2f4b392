//! Strict base64url as JWS requires it (RFC 7515 §2): URL alphabet, no padding, no
//! whitespace, and zero trailing bits, so each byte string has exactly one encoding.
//!
//! Token segments go through base64-simd, which reads and writes base64 several bytes per
//! instruction: decoding a typical claims segment takes a third of the `base64` crate's time
//! and encoding a fifth. Its strictness is the `base64` crate's URL_SAFE_NO_PAD (a test
//! compares every short input and generated long ones), but its error says only that the input
//! is not base64, so a refusal asks the `base64` crate for the reason.

use std::mem::MaybeUninit;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as EXPLAINED;
use base64_simd::{Out, URL_SAFE_NO_PAD};

use crate::error::Error;

/// Decodes one token segment; `part` names it in the error ("header", "signature", ...).
pub(crate) fn decode(segment: &str, part: &str) -> Result<Vec<u8>, Error> {
    URL_SAFE_NO_PAD
        .decode_to_vec(segment)
        .map_err(|_| refusal(segment, part))
}

/// [`decode`] into `buffer` when the result fits (a typical token's segments fit a small
/// stack buffer, which need not be initialized), else into `spill`; returns the bytes from
/// whichever holds them. Accepts and refuses exactly what [`decode`] does, with the same
/// messages. An empty `buffer` sends every non-empty result to `spill`.
pub(crate) fn decode_with<'b>(
    segment: &str,
    part: &str,
    buffer: &'b mut [MaybeUninit<u8>],
    spill: &'b mut Vec<u8>,
) -> Result<&'b [u8], Error> {
    let segment_bytes = segment.as_bytes();
    // The exact length first: base64-simd panics on a buffer too short.
    match URL_SAFE_NO_PAD.decoded_length(segment_bytes) {
        Ok(len) if len <= buffer.len() => URL_SAFE_NO_PAD
            .decode(segment_bytes, Out::from_uninit_slice(buffer))
            .map(|decoded| &*decoded)
            .map_err(|_| refusal(segment, part)),
        _ => {
            *spill = decode(segment, part)?;
            Ok(spill)
        }
    }
}

/// The error for a segment base64-simd refused, in the `base64` crate's words.
fn refusal(segment: &str, part: &str) -> Error {
    let reason = match EXPLAINED.decode(segment) {
        Err(err) => err.to_string(),
        // Unreachable while the two agree (tested); still an error, never a panic.
        Ok(_) => "refused".to_owned(),
    };
    Error::malformed(format!("{part} is not strict base64url: {reason}"))
}

/// Appends the base64url encoding of `bytes` to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_append(bytes, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
        let err = decode("ey+9", "header").unwrap_err().to_string();
        assert!(
            err.contains("header is not strict base64url: Invalid symbol"),
            "{err}"
        );
    }

    /// base64-simd against the `base64` crate, whose strictness the tokens' rules were
    /// written for: the same bytes or the same refusal.
    fn agrees_with_base64(segment: &str) {
        let theirs = EXPLAINED.decode(segment).map_err(|err| err.to_string());
        let ours = decode(segment, "x").map_err(|err| err.to_string());
        assert_eq!(
            ours,
            theirs
                .map_err(|reason| format!("malformed token: x is not strict base64url: {reason}")),
            "{segment:?}"
        );
        for size in [0, 3, 64] {
            let (mut buffer, mut spill) = (vec![MaybeUninit::uninit(); size], Vec::new());
            let with = decode_with(segment, "x", &mut buffer, &mut spill)
                .map(<[u8]>::to_vec)
                .map_err(|err| err.to_string());
            assert_eq!(with, ours, "{segment:?} with {size} bytes of buffer");
        }
    }

    #[test]
    fn every_short_input_is_decoded_as_base64_decodes_it() {
        // Every string of up to four characters from letters at the alphabet's edges, ones
        // whose low bits matter at the end, the other alphabet, padding, space and non-ASCII.
        let alphabet = [
            "A", "E", "Q", "R", "g", "w", "z", "0", "9", "-", "_", "+", "/", "=", " ", "é",
        ];
        let (mut inputs, mut longest) = (vec![String::new()], vec![String::new()]);
        for _ in 0..4 {
            longest = longest
                .iter()
                .flat_map(|input| alphabet.iter().map(move |c| format!("{input}{c}")))
                .collect();
            inputs.extend(longest.iter().cloned());
        }
        assert_eq!(inputs.len(), 1 + 16 + 256 + 4096 + 65536);
        for input in &inputs {
            agrees_with_base64(input);
        }
    }

    proptest! {
        #[test]
        fn long_inputs_are_decoded_as_base64_decodes_them(
            bytes in proptest::collection::vec(any::<u8>(), 0..200),
            flip in any::<(usize, u8)>(),
        ) {
            let mut encoded = EXPLAINED.encode(&bytes).into_bytes();
            agrees_with_base64(std::str::from_utf8(&encoded).unwrap());
            // One character changed anywhere: often still base64, often not.
            if !encoded.is_empty() {
                let at = flip.0 % encoded.len();
                encoded[at] = b"A-_+/= .\n"[usize::from(flip.1) % 9];
                agrees_with_base64(std::str::from_utf8(&encoded).unwrap());
            }
        }

        #[test]
        fn encoding_is_base64s(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut ours = "prefix.".to_owned();
            encode_into(&bytes, &mut ours);
            prop_assert_eq!(ours, format!("prefix.{}", EXPLAINED.encode(&bytes)));
        }
    }
}
