//! A small DER reader and writer: just the types key containers use (SEQUENCE, INTEGER, OID,
//! BIT STRING, OCTET STRING, NULL, context tags).
//!
//! The reader is strict: definite, minimal lengths; single-byte tags; minimal INTEGERs; no
//! unused bits in key BIT STRINGs. Every read is bounds-checked and fails with
//! [`Error::InvalidKey`], so no input can make it panic.

use jwt_core::Error;

use crate::material::strip_leading_zeros;

pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const NULL: u8 = 0x05;
pub(crate) const OID: u8 = 0x06;
pub(crate) const SEQUENCE: u8 = 0x30;

/// `[n]` with constructed contents (EXPLICIT tagging, or IMPLICIT of a SEQUENCE).
pub(crate) const fn context_constructed(n: u8) -> u8 {
    0xa0 | n
}

/// `[n]` with primitive contents (IMPLICIT tagging of a primitive type).
pub(crate) const fn context_primitive(n: u8) -> u8 {
    0x80 | n
}

fn malformed(what: &str) -> Error {
    Error::InvalidKey(format!("malformed DER: {what}"))
}

/// Reads DER elements one after another from a slice.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    input: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Reader { input }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The tag of the next element, without consuming it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.input.first().copied()
    }

    /// Reads the next element of any type: its tag and its contents.
    pub(crate) fn read_any(&mut self) -> Result<(u8, &'a [u8]), Error> {
        let (&tag, rest) = self
            .input
            .split_first()
            .ok_or_else(|| malformed("unexpected end"))?;
        if tag & 0x1f == 0x1f {
            return Err(malformed("multi-byte tags are not supported"));
        }
        let (&first, mut rest) = rest
            .split_first()
            .ok_or_else(|| malformed("missing length"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 {
                return Err(malformed("indefinite length"));
            }
            if count > 4 {
                return Err(malformed("length too large"));
            }
            let (bytes, after) = rest
                .split_at_checked(count)
                .ok_or_else(|| malformed("length runs past the end"))?;
            rest = after;
            if bytes.first() == Some(&0) {
                return Err(malformed("non-minimal length"));
            }
            let len = bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if len < 0x80 {
                return Err(malformed("non-minimal length"));
            }
            len
        };
        let (contents, after) = rest
            .split_at_checked(len)
            .ok_or_else(|| malformed("element runs past the end"))?;
        self.input = after;
        Ok((tag, contents))
    }

    /// Reads the next element, which must have `tag`, and returns its contents.
    pub(crate) fn read(&mut self, tag: u8) -> Result<&'a [u8], Error> {
        match self.peek_tag() {
            Some(actual) if actual == tag => self.read_any().map(|(_, contents)| contents),
            Some(actual) => Err(malformed(&format!(
                "expected tag 0x{tag:02x}, found 0x{actual:02x}"
            ))),
            None => Err(malformed(&format!(
                "expected tag 0x{tag:02x}, found the end"
            ))),
        }
    }

    /// Reads the next element if it has `tag`.
    pub(crate) fn read_optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, Error> {
        if self.peek_tag() == Some(tag) {
            self.read(tag).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads a SEQUENCE and returns a reader over its elements.
    pub(crate) fn sequence(&mut self) -> Result<Reader<'a>, Error> {
        self.read(SEQUENCE).map(Reader::new)
    }

    /// Reads a non-negative INTEGER and returns its magnitude, big-endian, without the sign
    /// byte (zero comes back empty).
    pub(crate) fn unsigned_integer(&mut self) -> Result<&'a [u8], Error> {
        let bytes = self.read(INTEGER)?;
        match bytes {
            [] => Err(malformed("empty INTEGER")),
            [first, ..] if first & 0x80 != 0 => Err(malformed("negative INTEGER")),
            [0] => Ok(&[]),
            [0, second, ..] if second & 0x80 == 0 => Err(malformed("non-minimal INTEGER")),
            [0, rest @ ..] => Ok(rest),
            _ => Ok(bytes),
        }
    }

    /// Reads a small non-negative INTEGER such as a version number.
    pub(crate) fn small_integer(&mut self) -> Result<u8, Error> {
        match self.unsigned_integer()? {
            [] => Ok(0),
            [value] => Ok(*value),
            _ => Err(malformed("version number out of range")),
        }
    }

    /// Reads an OBJECT IDENTIFIER and returns its encoded contents, to compare with constants.
    pub(crate) fn oid(&mut self) -> Result<&'a [u8], Error> {
        let oid = self.read(OID)?;
        if oid.is_empty() {
            return Err(malformed("empty OBJECT IDENTIFIER"));
        }
        Ok(oid)
    }

    /// Reads a BIT STRING holding whole bytes (no unused bits), as every key encoding does.
    pub(crate) fn bit_string(&mut self) -> Result<&'a [u8], Error> {
        let contents = self.read(BIT_STRING)?;
        bit_string_bytes(contents)
    }

    pub(crate) fn octet_string(&mut self) -> Result<&'a [u8], Error> {
        self.read(OCTET_STRING)
    }

    pub(crate) fn null(&mut self) -> Result<(), Error> {
        if self.read(NULL)?.is_empty() {
            Ok(())
        } else {
            Err(malformed("NULL with contents"))
        }
    }

    /// Fails unless every byte has been read: trailing data is never ignored.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.input.is_empty() {
            Ok(())
        } else {
            Err(malformed("trailing data"))
        }
    }
}

/// The bytes of BIT STRING contents (leading unused-bits count must be zero).
pub(crate) fn bit_string_bytes(contents: &[u8]) -> Result<&[u8], Error> {
    match contents.split_first() {
        Some((0, bytes)) => Ok(bytes),
        Some(_) => Err(malformed("BIT STRING with unused bits")),
        None => Err(malformed("empty BIT STRING")),
    }
}

/// Parses `input` as exactly one element read by `f`, with nothing after it.
pub(crate) fn parse_all<'a, T>(
    input: &'a [u8],
    f: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut reader = Reader::new(input);
    let value = f(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// Encodes one element.
pub(crate) fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut out = Vec::with_capacity(len.saturating_add(6));
    out.push(tag);
    match u8::try_from(len) {
        Ok(short) if short < 0x80 => out.push(short),
        _ => {
            let bytes = len.to_be_bytes();
            let significant = strip_leading_zeros(&bytes);
            // At most size_of::<usize>() bytes, so the count always fits the low seven bits.
            let count = u8::try_from(significant.len()).unwrap_or(0);
            out.push(0x80 | count);
            out.extend_from_slice(significant);
        }
    }
    out.extend_from_slice(contents);
    out
}

/// A SEQUENCE of already encoded elements.
pub(crate) fn sequence(elements: &[&[u8]]) -> Vec<u8> {
    tlv(SEQUENCE, &elements.concat())
}

/// A non-negative INTEGER from a big-endian magnitude (leading zeros allowed).
pub(crate) fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed = strip_leading_zeros(magnitude);
    match trimmed.first() {
        None => tlv(INTEGER, &[0]),
        Some(first) if first & 0x80 != 0 => tlv(INTEGER, &[&[0u8][..], trimmed].concat()),
        Some(_) => tlv(INTEGER, trimmed),
    }
}

pub(crate) fn small_integer(value: u8) -> Vec<u8> {
    unsigned_integer(&[value])
}

pub(crate) fn oid(encoded: &[u8]) -> Vec<u8> {
    tlv(OID, encoded)
}

pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    tlv(BIT_STRING, &[&[0u8][..], bytes].concat())
}

pub(crate) fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, bytes)
}

pub(crate) fn null() -> Vec<u8> {
    tlv(NULL, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_round_trip_in_every_form() {
        for len in [0usize, 1, 127, 128, 255, 256, 65535, 65536, 1 << 20] {
            let contents = vec![7u8; len];
            let encoded = tlv(OCTET_STRING, &contents);
            let mut reader = Reader::new(&encoded);
            assert_eq!(reader.octet_string().unwrap(), &contents[..]);
            reader.finish().unwrap();
        }
    }

    #[test]
    fn non_minimal_and_indefinite_lengths_are_refused() {
        for bad in [
            &[0x04, 0x81, 0x05, 1, 2, 3, 4, 5][..], // long form for a short length
            &[0x04, 0x82, 0x00, 0x80],              // leading zero length byte
            &[0x30, 0x80, 0x00, 0x00],              // indefinite
            &[0x04, 0x85, 1, 0, 0, 0, 0],           // five length bytes
            &[0x04, 0x02, 0x01],                    // runs past the end
            &[0x1f, 0x01, 0x00],                    // multi-byte tag
            &[0x04],                                // no length
        ] {
            assert!(Reader::new(bad).read_any().is_err(), "{bad:02x?}");
        }
    }

    #[test]
    fn integers_must_be_minimal_and_non_negative() {
        let ok = |bytes: &[u8]| Reader::new(bytes).unsigned_integer().map(<[u8]>::to_vec);
        assert_eq!(ok(&[0x02, 0x01, 0x00]).unwrap(), Vec::<u8>::new());
        assert_eq!(ok(&[0x02, 0x02, 0x00, 0x80]).unwrap(), vec![0x80]);
        assert_eq!(ok(&[0x02, 0x01, 0x7f]).unwrap(), vec![0x7f]);
        assert!(ok(&[0x02, 0x02, 0x00, 0x7f]).is_err());
        assert!(ok(&[0x02, 0x01, 0x80]).is_err());
        assert!(ok(&[0x02, 0x00]).is_err());
        for value in [&[][..], &[1], &[0x80], &[0, 0, 0xff, 1]] {
            let encoded = unsigned_integer(value);
            assert_eq!(ok(&encoded).unwrap(), strip_leading_zeros(value));
        }
    }

    #[test]
    fn bit_strings_with_unused_bits_are_refused() {
        assert_eq!(
            Reader::new(&[0x03, 0x02, 0x00, 0xaa]).bit_string().unwrap(),
            &[0xaa]
        );
        assert!(Reader::new(&[0x03, 0x02, 0x01, 0xaa]).bit_string().is_err());
        assert!(Reader::new(&[0x03, 0x00]).bit_string().is_err());
    }

    #[test]
    fn trailing_data_is_refused() {
        assert!(parse_all(&[0x05, 0x00, 0x00], |r| r.null()).is_err());
        assert!(parse_all(&[0x05, 0x00], |r| r.null()).is_ok());
        assert!(parse_all(&[0x05, 0x01, 0x00], |r| r.null()).is_err());
    }
}
