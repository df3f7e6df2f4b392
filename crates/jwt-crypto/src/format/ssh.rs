//! OpenSSH public keys: the one-line `authorized_keys` / `.pub` form (`ssh-ed25519 AAAA… comment`),
//! the SSH wire encoding inside it (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4), and the one
//! definition of "this text is an SSH key" that both loading and the HMAC secret check use.

use jwt_core::Error;

use crate::b64;
use crate::material::{Curve, EcMaterial, Ed25519Material, Material, RsaMaterial};

/// The OpenSSH key type names (`ssh-keygen -Q key` and the PROTOCOL.certkeys extensions), as
/// they open an `authorized_keys` or `.pub` line. Any name ending in `-cert-v01@openssh.com`
/// is a certificate and counts too.
const KEY_TYPES: [&str; 9] = [
    "ssh-rsa",
    "ssh-dss",
    "ssh-ed25519",
    "ssh-ed448",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "sk-ssh-ed25519@openssh.com",
];

const CERTIFICATE_SUFFIX: &[u8] = b"-cert-v01@openssh.com";

/// Whether `word` names an OpenSSH key or certificate type.
fn is_key_type(word: &[u8]) -> bool {
    KEY_TYPES.iter().any(|name| word == name.as_bytes()) || word.ends_with(CERTIFICATE_SUFFIX)
}

/// Whether `text` is an OpenSSH public key: its first line that is neither blank nor a `#`
/// comment holds a key type name
/// followed by whitespace (a space or a tab, once or more, as `sshd` and `cryptography` both
/// accept), at its start or after the options an `authorized_keys` line may start with.
pub(crate) fn is_public_key_text(text: &[u8]) -> bool {
    let line = first_line(text);
    let mut rest = line;
    while let Some(start) = rest.iter().position(|b| !b.is_ascii_whitespace()) {
        let word = rest.get(start..).unwrap_or_default();
        let end = word
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(word.len());
        let (name, after) = word.split_at(end);
        if !after.is_empty() && is_key_type(name) {
            return true;
        }
        rest = after;
    }
    false
}

/// The first line that is neither blank nor an `authorized_keys` comment (`#`), after a
/// UTF-8 byte order mark.
fn first_line(text: &[u8]) -> &[u8] {
    let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
    text.split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty() && !line.starts_with(b"#"))
        .unwrap_or_default()
}

/// Whether `bytes` begin as an SSH public key blob (RFC 4253 §6.6): a 4-byte length, then a
/// key or certificate type name of that length. Such bytes are a key however they travel (the
/// bare base64 of a `.pub` line, decoded or not), never an HMAC secret.
pub(crate) fn is_wire_public_key(bytes: &[u8]) -> bool {
    let Some((len, rest)) = bytes.split_first_chunk::<4>() else {
        return false;
    };
    let len = usize::try_from(u32::from_be_bytes(*len)).unwrap_or(usize::MAX);
    rest.get(..len).is_some_and(is_key_type)
}

/// Parses `type base64-blob [comment]`: an Ed25519, ECDSA P-256/P-384 or RSA public key.
/// The blob's own type must repeat the line's, and nothing may follow its fields.
pub(crate) fn parse_public_key(text: &str) -> Result<Material, Error> {
    let line = std::str::from_utf8(first_line(text.as_bytes()))
        .map_err(|_| invalid("the line is not UTF-8"))?;
    let mut fields = line.split_ascii_whitespace();
    let (Some(kind), Some(body)) = (fields.next(), fields.next()) else {
        return Err(invalid("expected \"<type> <base64 key> [comment]\""));
    };
    if kind.as_bytes().ends_with(CERTIFICATE_SUFFIX) {
        return Err(invalid(
            "this is an OpenSSH certificate, not a key; load the key it certifies",
        ));
    }
    // Refuse what cannot be loaded before decoding it, with the reason that matters.
    if !matches!(kind, "ssh-ed25519" | "ssh-rsa") && curve_of(kind).is_none() {
        return Err(unsupported(kind));
    }
    let blob = b64::std_decode(body).map_err(|_| invalid("the key is not base64"))?;
    let mut reader = WireReader(&blob);
    if reader.string()? != kind.as_bytes() {
        return Err(invalid("the key's encoded type differs from the line's"));
    }
    let parsed = match (kind, curve_of(kind)) {
        ("ssh-ed25519", _) => Material::Ed25519(Ed25519Material::public(reader.string()?)?),
        ("ssh-rsa", _) => {
            let e = reader.mpint()?;
            let n = reader.mpint()?;
            Material::Rsa(RsaMaterial::public(n, e)?)
        }
        (_, Some((curve, id))) => {
            if reader.string()? != id {
                return Err(invalid("the key's curve differs from its type"));
            }
            Material::Ec(EcMaterial::new(curve, reader.string()?, None)?)
        }
        _ => return Err(unsupported(kind)),
    };
    if !reader.0.is_empty() {
        return Err(invalid("bytes follow the key"));
    }
    Ok(parsed)
}

fn unsupported(kind: &str) -> Error {
    if is_key_type(kind.as_bytes()) {
        Error::InvalidKey(format!(
            "OpenSSH key type {kind:?} is not supported (only ssh-ed25519, ecdsa-sha2-nistp256, \
             ecdsa-sha2-nistp384, ecdsa-sha2-nistp521 and ssh-rsa)"
        ))
    } else {
        invalid(&format!("{kind:?} is not an OpenSSH key type"))
    }
}

/// The curve of an OpenSSH ECDSA key type, with the curve identifier its blob repeats.
fn curve_of(kind: &str) -> Option<(Curve, &'static [u8])> {
    match kind {
        "ecdsa-sha2-nistp256" => Some((Curve::P256, b"nistp256")),
        "ecdsa-sha2-nistp384" => Some((Curve::P384, b"nistp384")),
        "ecdsa-sha2-nistp521" => Some((Curve::P521, b"nistp521")),
        _ => None,
    }
}

fn invalid(why: &str) -> Error {
    Error::InvalidKey(format!("not an OpenSSH public key: {why}"))
}

/// Reads the SSH wire encoding (RFC 4251 §5): `string` and `mpint` are a 4-byte big-endian
/// length and that many bytes.
struct WireReader<'a>(&'a [u8]);

impl<'a> WireReader<'a> {
    fn string(&mut self) -> Result<&'a [u8], Error> {
        let (len, rest) = self
            .0
            .split_first_chunk::<4>()
            .ok_or_else(|| invalid("the key is truncated"))?;
        let len = usize::try_from(u32::from_be_bytes(*len)).unwrap_or(usize::MAX);
        if len > rest.len() {
            return Err(invalid("the key is truncated"));
        }
        let (value, rest) = rest.split_at(len);
        self.0 = rest;
        Ok(value)
    }

    /// A non-negative `mpint` as its magnitude: one leading zero byte is allowed only before a
    /// byte with its high bit set (RFC 4251 §5's minimal two's complement).
    fn mpint(&mut self) -> Result<&'a [u8], Error> {
        match self.string()? {
            [0, next, ..] if next & 0x80 == 0 => {
                Err(invalid("an integer is not minimally encoded"))
            }
            [0, magnitude @ ..] => Ok(magnitude),
            [first, ..] if first & 0x80 != 0 => Err(invalid("an integer is negative")),
            value => Ok(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lines_in_every_spelling_are_recognised() {
        for line in [
            "ssh-ed25519 AAAA x",
            "ssh-ed25519\tAAAA",
            "\n\r\n  ssh-rsa   AAAA\r\n",
            "from=\"10.0.0.0/8\",no-pty ssh-ed25519\tAAAA",
            "ssh-rsa-cert-v01@openssh.com AAAA",
            "sk-ssh-ed25519@openssh.com AAAA",
            "\u{feff}ecdsa-sha2-nistp521 AAAA",
            "# deploy key\n\nssh-ed25519 AAAA",
        ] {
            assert!(is_public_key_text(line.as_bytes()), "{line:?}");
        }
        for text in [
            "ssh-rsa",
            "ssh-rsa\n AAAA",
            "a-long-random-secret-for-ssh-rsa",
            "xssh-rsa AAAA",
            "my secret\nssh-rsa AAAA",
        ] {
            assert!(!is_public_key_text(text.as_bytes()), "{text:?}");
        }
    }

    #[test]
    fn key_blobs_are_recognised_by_their_type_name() {
        let blob = |name: &[u8]| {
            let mut out = u32::try_from(name.len()).unwrap().to_be_bytes().to_vec();
            out.extend_from_slice(name);
            out.extend_from_slice(&[0, 0, 0, 32]);
            out
        };
        assert!(is_wire_public_key(&blob(b"ssh-ed25519")));
        assert!(is_wire_public_key(&blob(b"ecdsa-sha2-nistp256")));
        assert!(is_wire_public_key(&blob(b"ssh-rsa-cert-v01@openssh.com")));
        assert!(!is_wire_public_key(&blob(b"ssh-nothing")));
        assert!(!is_wire_public_key(&[0, 0, 0, 7, b's', b's', b'h']));
        assert!(!is_wire_public_key(b"a random secret of thirty-two by"));
    }

    #[test]
    fn mpints_are_minimal_and_non_negative() {
        let wire = |bytes: &[u8]| {
            let mut out = u32::try_from(bytes.len()).unwrap().to_be_bytes().to_vec();
            out.extend_from_slice(bytes);
            out
        };
        assert_eq!(WireReader(&wire(&[0, 0x80])).mpint().unwrap(), [0x80]);
        assert_eq!(WireReader(&wire(&[0x7f])).mpint().unwrap(), [0x7f]);
        assert!(WireReader(&wire(&[0, 0x7f])).mpint().is_err());
        assert!(WireReader(&wire(&[0x80])).mpint().is_err());
        assert!(WireReader(&[0, 0, 0, 5, 1]).string().is_err());
        assert!(WireReader(&[0, 0]).string().is_err());
    }
}
