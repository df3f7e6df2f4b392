//! Compact JWS (RFC 7515 §7.1) over arbitrary payload bytes: sign, parse, verify.
//!
//! The [`jwt`](crate) layer builds on this one; use it directly for payloads that are not JWT
//! claims. Verification follows the verify path in order, and the signature is checked over
//! the token's own bytes, never a re-encoding.

use std::mem::MaybeUninit;
use std::sync::Arc;

use crate::algorithm::Algorithm;
use crate::base64url;
use crate::crypto::{KeySource, Signer};
use crate::error::Error;
use crate::header::Header;
use crate::recent_headers;

/// A token whose signature checked out: its header and its payload bytes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Verified {
    /// The protected header, shared with other tokens that carried the same header text
    /// (see [`TokenData::header`](crate::TokenData::header)).
    pub header: Arc<Header>,
    /// The payload, base64url-decoded.
    pub payload: Vec<u8>,
}

/// Signs `payload` under the protected header `header_json` (its exact bytes are what gets
/// encoded and signed, so RFC examples reproduce byte for byte). `alg` is read from the header.
///
/// # Errors
/// [`Error::Malformed`] for a header that is not a valid JOSE header; [`Error::Unsupported`]
/// for `crit` or `b64: false`; the key's [`Signer::sign`] errors.
pub fn sign(
    header_json: &[u8],
    payload: &[u8],
    key: &(impl Signer + ?Sized),
) -> Result<String, Error> {
    let header = Header::from_json(header_json)?;
    header.check_extensions()?;
    sign_parts(header.alg, header_json, payload, key)
}

/// Verifies a compact JWS: `alg` must be in `algorithms`, the key comes from `keys`, and the
/// token may be at most `max_len` bytes.
///
/// # Errors
/// The rejections of [`decode`](crate::decode) up to the signature (`Malformed`,
/// `Unsupported`, `AlgorithmNotAllowed`, `KeyNotFound`, `InvalidSignature`); no claim is
/// read.
pub fn verify(
    token: &str,
    algorithms: &[Algorithm],
    keys: &(impl KeySource + ?Sized),
    max_len: usize,
) -> Result<Verified, Error> {
    let parsed = Parsed::new(token, max_len)?;
    parsed.check_header(algorithms)?;
    let payload = parsed.verify_signature_to_vec(keys)?;
    Ok(Verified {
        header: parsed.header,
        payload,
    })
}

/// Signs `payload` as a detached JWS (RFC 7515 Appendix F): `b64(header) '..' b64(signature)`,
/// the payload travelling separately. With `"b64": false` and `"crit": ["b64"]` in the header
/// the payload is signed as it is, unencoded (RFC 7797); otherwise its base64url form is
/// signed, as for an attached payload.
///
/// # Errors
/// [`Error::Malformed`] for a header that is not a valid JOSE header, or uses `b64` without
/// listing it in `crit`; [`Error::Unsupported`] for any other `crit` extension; the key's
/// [`Signer::sign`] errors.
pub fn sign_detached(
    header_json: &[u8],
    payload: &[u8],
    key: &(impl Signer + ?Sized),
) -> Result<String, Error> {
    let header = Header::from_json(header_json)?;
    let encoded = header.check_extensions_with(true)?;
    let mut token = String::with_capacity(
        encoded_len(header_json.len()) + 2 + encoded_len(max_signature_len(header.alg)),
    );
    base64url::encode_into(header_json, &mut token);
    let signature = key.sign(header.alg, &detached_input(&token, payload, encoded))?;
    token.push_str("..");
    base64url::encode_into(&signature, &mut token);
    Ok(token)
}

/// Verifies a detached JWS (`header '..' signature`) over `payload`, given separately: the
/// verify path of [`verify`], with the payload's base64url form signed, or the payload
/// itself when the header says `"b64": false` (RFC 7797, which must be listed in `crit`).
/// Only these calls understand `b64`: [`verify`] and `decode` refuse it, so an attached
/// token can never be read as unencoded.
///
/// # Errors
/// As [`verify`]; also [`Error::Malformed`] when the token's payload segment is not empty.
pub fn verify_detached(
    token: &str,
    payload: &[u8],
    algorithms: &[Algorithm],
    keys: &(impl KeySource + ?Sized),
    max_len: usize,
) -> Result<Verified, Error> {
    let parsed = Parsed::new(token, max_len)?;
    if !parsed.segments.payload.is_empty() {
        return Err(Error::malformed(
            "a detached JWS has an empty payload segment (header..signature)",
        ));
    }
    parsed.check_allowed(algorithms)?;
    let encoded = parsed.header.check_extensions_with(true)?;
    let key = keys.select(parsed.header.alg, parsed.header.kid.as_deref())?;
    let signature = parsed.decoded_signature()?;
    key.verify(
        parsed.header.alg,
        &detached_input(parsed.segments.header, payload, encoded),
        &signature,
    )?;
    Ok(Verified {
        header: parsed.header,
        payload: payload.to_vec(),
    })
}

/// The signing input of a detached JWS: `header '.' payload`, the payload base64url-encoded
/// unless RFC 7797 says otherwise.
fn detached_input(encoded_header: &str, payload: &[u8], encoded: bool) -> Vec<u8> {
    let mut input = Vec::with_capacity(encoded_header.len() + 1 + encoded_len(payload.len()));
    input.extend_from_slice(encoded_header.as_bytes());
    input.push(b'.');
    if encoded {
        let mut text = String::with_capacity(encoded_len(payload.len()));
        base64url::encode_into(payload, &mut text);
        input.extend_from_slice(text.as_bytes());
    } else {
        input.extend_from_slice(payload);
    }
    input
}

/// Encodes and signs: `b64(header) '.' b64(payload) '.' b64(signature)`.
pub(crate) fn sign_parts(
    alg: Algorithm,
    header_json: &[u8],
    payload: &[u8],
    key: &(impl Signer + ?Sized),
) -> Result<String, Error> {
    let capacity = encoded_len(header_json.len())
        + encoded_len(payload.len())
        + encoded_len(max_signature_len(alg))
        + 2;
    let mut token = String::with_capacity(capacity);
    base64url::encode_into(header_json, &mut token);
    token.push('.');
    base64url::encode_into(payload, &mut token);
    let signature = key.sign(alg, token.as_bytes())?;
    token.push('.');
    base64url::encode_into(&signature, &mut token);
    Ok(token)
}

/// The length of `len` bytes in base64url without padding.
fn encoded_len(len: usize) -> usize {
    len / 3 * 4 + (len % 3 * 4).div_ceil(3)
}

/// The longest signature `alg` makes with a key that can sign: RSA keys sign up to 4096 bits
/// (larger ones only verify).
fn max_signature_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::HS256 => 32,
        Algorithm::HS384 => 48,
        Algorithm::HS512 => 64,
        Algorithm::ES256 | Algorithm::ES256K | Algorithm::EdDSA => 64,
        Algorithm::ES384 => 96,
        Algorithm::ES512 => 132,
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => 512,
    }
}

/// Room on the stack for a typical header (decoded) and the verified payload; larger ones go
/// to the heap.
const HEADER_INLINE: usize = 256;
pub(crate) const PAYLOAD_INLINE: usize = 1024;
/// Room for every signature a key that can sign makes (RSA up to 4096 bits).
const SIGNATURE_INLINE: usize = 512;

/// A token's three segments, still encoded: steps 1 and 2 of the verify path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segments<'t> {
    pub(crate) header: &'t str,
    pub(crate) payload: &'t str,
    pub(crate) signature: &'t str,
    /// `header '.' payload`, exactly as the token carries it.
    pub(crate) signing_input: &'t str,
}

impl<'t> Segments<'t> {
    /// Checks the size, then splits on exactly two dots into a non-empty header, a payload
    /// and a signature. An empty signature is refused at the signature step, so an unsecured
    /// (`alg: none`) token is reported for its algorithm.
    pub(crate) fn split(token: &'t str, max_len: usize) -> Result<Self, Error> {
        if token.len() > max_len {
            return Err(Error::malformed(format!(
                "token is {} bytes, over the limit of {max_len}",
                token.len()
            )));
        }
        // Two dots and no third, found in one vectorized scan; the count of every dot is only
        // taken to explain a refusal.
        let mut dots = memchr::memchr_iter(b'.', token.as_bytes());
        let dot_count = || memchr::memchr_iter(b'.', token.as_bytes()).count();
        let (header, payload, signing_input, signature) = match (dots.next(), dots.next()) {
            (Some(first), Some(second)) if dots.next().is_none() => (
                &token[..first],
                &token[first + 1..second],
                &token[..second],
                &token[second + 1..],
            ),
            _ if dot_count() == 4 => {
                return Err(Error::Unsupported(
                    "five segments is a JWE, and encrypted tokens are not supported".to_owned(),
                ));
            }
            _ => {
                return Err(Error::malformed(format!(
                    "expected 3 dot-separated segments, found {}",
                    dot_count().saturating_add(1)
                )));
            }
        };
        if header.is_empty() {
            return Err(Error::malformed("header segment is empty"));
        }
        Ok(Segments {
            header,
            payload,
            signature,
            signing_input,
        })
    }
}

/// A token split into its segments with its header parsed: steps 1 to 3 of the verify path,
/// up to the header's JSON.
#[derive(Debug)]
pub(crate) struct Parsed<'t> {
    pub(crate) header: Arc<Header>,
    segments: Segments<'t>,
}

impl<'t> Parsed<'t> {
    pub(crate) fn new(token: &'t str, max_len: usize) -> Result<Self, Error> {
        let segments = Segments::split(token, max_len)?;
        let header = recent_headers::header(segments.header, |segment| {
            let (mut buffer, mut spill) = ([MaybeUninit::uninit(); HEADER_INLINE], Vec::new());
            Header::from_json(base64url::decode_with(
                segment,
                "header",
                &mut buffer,
                &mut spill,
            )?)
        })?;
        Ok(Parsed { header, segments })
    }

    /// The signature segment, still encoded.
    pub(crate) fn signature_segment(&self) -> &'t str {
        self.segments.signature
    }

    /// The payload segment, still encoded.
    pub(crate) fn payload_segment(&self) -> &'t str {
        self.segments.payload
    }

    /// The rest of step 3: the allow-list, then the extensions.
    pub(crate) fn check_header(&self, algorithms: &[Algorithm]) -> Result<(), Error> {
        self.check_allowed(algorithms)?;
        self.header.check_extensions()
    }

    /// The allow-list: the header's `alg` must be in it.
    fn check_allowed(&self, algorithms: &[Algorithm]) -> Result<(), Error> {
        let alg = self.header.alg;
        if algorithms.is_empty() {
            return Err(Error::AlgorithmNotAllowed(
                "the allow-list is empty".to_owned(),
            ));
        }
        if !algorithms.contains(&alg) {
            return Err(Error::AlgorithmNotAllowed(format!(
                "{alg} is not in the allow-list"
            )));
        }
        Ok(())
    }

    /// The signature segment decoded, refusing an empty one.
    fn decoded_signature(&self) -> Result<Vec<u8>, Error> {
        if self.segments.signature.is_empty() {
            return Err(Error::malformed("signature segment is empty"));
        }
        base64url::decode(self.segments.signature, "signature")
    }

    /// Steps 4 to 6: pick the key (bound to its family), check the signature over the
    /// original bytes, and only then decode the payload, into `buffer` if it fits there (see
    /// [`PAYLOAD_INLINE`]) and else into `spill`.
    pub(crate) fn verify_signature<'b>(
        &self,
        keys: &(impl KeySource + ?Sized),
        buffer: &'b mut [MaybeUninit<u8>],
        spill: &'b mut Vec<u8>,
    ) -> Result<&'b [u8], Error> {
        let key = keys.select(self.header.alg, self.header.kid.as_deref())?;
        if self.segments.signature.is_empty() {
            return Err(Error::malformed("signature segment is empty"));
        }
        let (mut signature_buffer, mut signature_spill) =
            ([MaybeUninit::uninit(); SIGNATURE_INLINE], Vec::new());
        let signature = base64url::decode_with(
            self.segments.signature,
            "signature",
            &mut signature_buffer,
            &mut signature_spill,
        )?;
        key.verify(
            self.header.alg,
            self.segments.signing_input.as_bytes(),
            signature,
        )?;
        base64url::decode_with(self.segments.payload, "payload", buffer, spill)
    }

    /// [`Parsed::verify_signature`] with the payload in a vector of its own.
    pub(crate) fn verify_signature_to_vec(
        &self,
        keys: &(impl KeySource + ?Sized),
    ) -> Result<Vec<u8>, Error> {
        let mut payload = Vec::new();
        // No buffer: every non-empty payload lands in `payload`, and an empty one is empty.
        self.verify_signature(keys, &mut [], &mut payload)?;
        Ok(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::test_provider::ToyKey;

    const KEY: ToyKey = ToyKey::hmac(7);

    #[test]
    fn sign_then_verify_any_payload() {
        let token = sign(br#"{"alg":"HS256"}"#, b"\x00not json\xff", &KEY).unwrap();
        let verified = verify(&token, &[Algorithm::HS256], &KEY, 8192).unwrap();
        assert_eq!(verified.payload, b"\x00not json\xff");
        assert_eq!(verified.header.alg, Algorithm::HS256);
        assert!(verify(&token, &[Algorithm::HS256], &ToyKey::hmac(8), 8192).is_err());
    }

    #[test]
    fn the_verify_path_refuses_in_order() {
        let good = sign(br#"{"alg":"HS256"}"#, b"x", &KEY).unwrap();
        let kind =
            |token: &str, algs: &[Algorithm]| verify(token, algs, &KEY, 100).unwrap_err().kind();
        let hs = [Algorithm::HS256];
        assert_eq!(kind(&"a".repeat(101), &hs), ErrorKind::Malformed);
        assert_eq!(kind("a.b", &hs), ErrorKind::Malformed);
        assert_eq!(kind("a.b.c.d", &hs), ErrorKind::Malformed);
        assert_eq!(kind("a.b.c.d.e", &hs), ErrorKind::Unsupported);
        assert_eq!(kind(".b.c", &hs), ErrorKind::Malformed);
        let (input, _) = good.rsplit_once('.').unwrap();
        let none = "eyJhbGciOiJub25lIn0.e30.";
        assert_eq!(kind(none, &hs), ErrorKind::AlgorithmNotAllowed);
        let other = sign(br#"{"alg":"HS256"}"#, b"y", &KEY).unwrap();
        let (_, other_signature) = other.rsplit_once('.').unwrap();
        assert_eq!(
            kind(&format!("{input}.{other_signature}"), &hs),
            ErrorKind::InvalidSignature
        );
        assert_eq!(kind(&format!("{input}."), &hs), ErrorKind::Malformed);
        assert_eq!(
            kind(&good, &[Algorithm::HS384]),
            ErrorKind::AlgorithmNotAllowed
        );
        assert_eq!(kind(&good, &[]), ErrorKind::AlgorithmNotAllowed);
        let rsa_only = ToyKey::rsa(7);
        let err = verify(&good, &hs, &rsa_only, 100).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlgorithmNotAllowed);
        let padded = good.replacen('.', "=.", 1);
        assert_eq!(kind(&padded, &hs), ErrorKind::Malformed);
    }

    #[test]
    fn encoded_lengths_are_exact() {
        for len in 0..100 {
            assert_eq!(
                encoded_len(len),
                base64::encoded_len(len, false).unwrap(),
                "{len}"
            );
        }
    }

    #[test]
    fn a_ten_to_the_six_dots_token_is_refused_by_size_and_by_count() {
        let dots = ".".repeat(1_000_000);
        assert_eq!(
            verify(&dots, &[Algorithm::HS256], &KEY, 8192)
                .unwrap_err()
                .kind(),
            ErrorKind::Malformed
        );
        assert_eq!(
            verify(&dots, &[Algorithm::HS256], &KEY, usize::MAX)
                .unwrap_err()
                .kind(),
            ErrorKind::Malformed
        );
    }
}
