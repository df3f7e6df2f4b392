//! PEM text (RFC 7468): `-----BEGIN LABEL-----`, base64, `-----END LABEL-----`.
//!
//! Text outside the blocks is ignored, as RFC 7468 allows. Legacy encrypted PEM (a
//! `Proc-Type: 4,ENCRYPTED` header) and any other header are refused rather than skipped.
//!
//! The text is read here, as leniently as OpenSSL reads it (any line width, indentation, CRLF,
//! several blocks): `pem-rfc7468`'s decoder takes only RFC 7468's strict form, so it writes our
//! PEM but does not read it. The base64 inside is decoded by `base64ct`.

use base64ct::{Base64, Encoding};
use jwt_core::Error;
use pem_rfc7468::LineEnding;
use zeroize::Zeroizing;

use crate::secret::Secret;

/// One PEM block: its label and its decoded DER (kept as a [`Secret`], since it is often a
/// private key).
#[derive(Debug)]
pub(crate) struct Block {
    pub(crate) label: String,
    pub(crate) der: Secret,
}

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";
const DASHES: &str = "-----";

/// The label `openssl ecparam -genkey` puts before an `EC PRIVATE KEY`; it names the curve
/// again and carries nothing we need.
const EC_PARAMETERS: &str = "EC PARAMETERS";

/// Parses every block in `text`.
pub(crate) fn parse_all(text: &str) -> Result<Vec<Block>, Error> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Zeroizing<String>)> = None;
    for raw in text.lines() {
        let line = raw.trim();
        match open.take() {
            None => {
                if let Some(label) = line.strip_prefix(BEGIN) {
                    let label = label.strip_suffix(DASHES).ok_or_else(|| {
                        Error::InvalidKey("PEM BEGIN line does not end with -----".into())
                    })?;
                    open = Some((label.to_owned(), Zeroizing::new(String::new())));
                } else if line.starts_with(END) {
                    return Err(Error::InvalidKey(
                        "PEM END line without a BEGIN line".into(),
                    ));
                }
            }
            Some((label, mut body)) => {
                if let Some(end) = line.strip_prefix(END) {
                    let end_label = end.strip_suffix(DASHES).ok_or_else(|| {
                        Error::InvalidKey("PEM END line does not end with -----".into())
                    })?;
                    if end_label != label {
                        return Err(Error::InvalidKey(format!(
                            "PEM block BEGIN {label} ends with END {end_label}"
                        )));
                    }
                    let der = decode_body(&body)?;
                    blocks.push(Block { label, der });
                    // The body held the same secret in base64; it is wiped as it drops.
                    drop(body);
                } else if line.starts_with(BEGIN) {
                    return Err(Error::InvalidKey(format!(
                        "PEM block {label} has no END line"
                    )));
                } else if line.contains(':') {
                    let message = if line.contains("ENCRYPTED") {
                        "encrypted PEM (Proc-Type: 4,ENCRYPTED) is not supported; decrypt the key first"
                    } else {
                        "PEM headers are not supported"
                    };
                    return Err(Error::InvalidKey(message.into()));
                } else {
                    body.extend(line.chars().filter(|c| !c.is_ascii_whitespace()));
                    open = Some((label, body));
                }
            }
        }
    }
    if let Some((label, body)) = open {
        drop(body);
        return Err(Error::InvalidKey(format!(
            "PEM block {label} has no END line"
        )));
    }
    Ok(blocks)
}

/// Decodes a PEM body (whitespace removed) with `base64ct`, which runs in constant time, as
/// suits a private key, and is strict: padding required, canonical trailing bits.
fn decode_body(body: &str) -> Result<Secret, Error> {
    let mut buf = Secret::zeroed(body.len() / 4 * 3);
    let der = Base64::decode(body, buf.expose_mut())
        .map_err(|_| Error::InvalidKey("PEM body is not valid base64".into()))?;
    Ok(Secret::from_slice(der))
}

/// The one key block in `text`, skipping an `EC PARAMETERS` block. Several keys in one PEM
/// (a private key and its certificate, a chain) are refused: which one was meant is a guess.
pub(crate) fn parse_one(text: &str) -> Result<Block, Error> {
    let mut blocks: Vec<Block> = parse_all(text)?
        .into_iter()
        .filter(|block| block.label != EC_PARAMETERS)
        .collect();
    match blocks.len() {
        0 => Err(Error::InvalidKey(
            "no PEM block found (expected -----BEGIN ...-----)".into(),
        )),
        1 => blocks
            .pop()
            .ok_or_else(|| Error::InvalidKey("no PEM block found".into())),
        n => Err(Error::InvalidKey(format!(
            "PEM text holds {n} blocks; pass exactly one key"
        ))),
    }
}

/// Encodes DER as a PEM block with 64-character lines (RFC 7468's strict form), all in wiped
/// memory. Empty only if `label` is not a valid PEM label, which ours always are.
pub(crate) fn encode(label: &str, der: &[u8]) -> Zeroizing<String> {
    let encoded = pem_rfc7468::encoded_len(label, LineEnding::LF, der)
        .ok()
        .and_then(|len| {
            let mut buf = Zeroizing::new(vec![0u8; len]);
            let text = pem_rfc7468::encode(label, LineEnding::LF, der, &mut buf).ok()?;
            // Sized exactly, so never reallocated (which would leave an unwiped copy).
            let mut out = Zeroizing::new(String::with_capacity(text.len()));
            out.push_str(text);
            Some(out)
        });
    encoded.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_surrounding_text() {
        let der: Vec<u8> = (0..=255u8).collect();
        let text = format!(
            "explanatory text\n{}trailing\n",
            encode("PUBLIC KEY", &der).as_str()
        );
        let block = parse_one(&text).unwrap();
        assert_eq!(block.label, "PUBLIC KEY");
        assert_eq!(block.der.expose(), &der[..]);
        assert!(
            encode("X", &der)
                .as_str()
                .lines()
                .all(|line| line.len() <= 64)
        );
    }

    #[test]
    fn crlf_and_indentation_are_accepted() {
        let text = encode("PRIVATE KEY", b"abcdef")
            .as_str()
            .replace('\n', "\r\n  ");
        assert_eq!(parse_one(&text).unwrap().der.expose(), b"abcdef");
    }

    #[test]
    fn malformed_pem_is_refused() {
        let good = String::clone(&encode("PUBLIC KEY", b"0123456789"));
        for bad in [
            String::new(),
            "no pem here".to_owned(),
            good.replace("-----END PUBLIC KEY-----", "-----END PRIVATE KEY-----"),
            good.replace("-----END PUBLIC KEY-----\n", ""),
            good.replace("MDEy", "M!Ey"),
            format!("{good}{good}"),
            good.replace("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n"),
        ] {
            assert!(parse_one(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ec_parameters_block_is_skipped() {
        let text = format!(
            "{}{}",
            encode("EC PARAMETERS", b"\x06\x01\x00").as_str(),
            encode("EC PRIVATE KEY", b"k").as_str()
        );
        assert_eq!(parse_one(&text).unwrap().label, "EC PRIVATE KEY");
    }
}
