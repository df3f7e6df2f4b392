"""PyJWT's base64url and integer helpers (``jwt.utils``), for code that imports them.

These are conveniences for callers; the token path itself decodes base64url in the Rust core,
strictly (no padding, no non-canonical trailing bits).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Optional, Union

__all__ = [
    "force_bytes",
    "base64url_decode",
    "base64url_encode",
    "to_base64url_uint",
    "from_base64url_uint",
    "number_to_bytes",
    "bytes_to_number",
    "bytes_from_int",
    "der_to_raw_signature",
    "raw_to_der_signature",
    "is_pem_format",
    "is_ssh_key",
]


def force_bytes(value: Union[bytes, str]) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    elif isinstance(value, bytes):
        return value
    else:
        raise TypeError("Expected a string or bytes value")


def base64url_decode(input: Union[bytes, str]) -> bytes:
    input_bytes = force_bytes(input)
    rem = len(input_bytes) % 4
    if rem > 0:
        input_bytes += b"=" * (4 - rem)
    return base64.urlsafe_b64decode(input_bytes)


def base64url_encode(input: bytes) -> bytes:
    return base64.urlsafe_b64encode(input).replace(b"=", b"")


def to_base64url_uint(val: int, *, bit_length: Optional[int] = None) -> bytes:
    if val < 0:
        raise ValueError("Must be a positive integer")
    int_bytes = bytes_from_int(val, bit_length=bit_length)
    if len(int_bytes) == 0:
        int_bytes = b"\x00"
    return base64url_encode(int_bytes)


def from_base64url_uint(val: Union[bytes, str]) -> int:
    data = base64url_decode(force_bytes(val))
    return int.from_bytes(data, byteorder="big")


def number_to_bytes(num: int, num_bytes: int) -> bytes:
    padded_hex = "%0*x" % (2 * num_bytes, num)
    return binascii.a2b_hex(padded_hex.encode("ascii"))


def bytes_to_number(string: bytes) -> int:
    return int(binascii.b2a_hex(string), 16)


def bytes_from_int(val: int, *, bit_length: Optional[int] = None) -> bytes:
    if bit_length is None:
        bit_length = val.bit_length()
    byte_length = (bit_length + 7) // 8
    return val.to_bytes(byte_length, "big", signed=False)


def der_to_raw_signature(der_sig: bytes, curve: Any) -> bytes:
    """An ECDSA signature from DER (``SEQUENCE {r, s}``) to JOSE's ``r || s`` for `curve`
    (a ``cryptography`` curve; needs ``cryptography``)."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    size = (curve.key_size + 7) // 8
    r, s = decode_dss_signature(der_sig)
    return number_to_bytes(r, size) + number_to_bytes(s, size)


def raw_to_der_signature(raw_sig: bytes, curve: Any) -> bytes:
    """An ECDSA signature from JOSE's ``r || s`` to DER for `curve` (needs ``cryptography``);
    ValueError when its length is not the curve's."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    size = (curve.key_size + 7) // 8
    if len(raw_sig) != 2 * size:
        raise ValueError("Invalid signature")
    return bytes(
        encode_dss_signature(bytes_to_number(raw_sig[:size]), bytes_to_number(raw_sig[size:]))
    )


_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")


def is_pem_format(key: bytes) -> bool:
    """Whether `key` holds a PEM block (a BEGIN line and its matching END line after it)."""
    for match in _PEM_BEGIN.finditer(key):
        if b"-----END " + match.group(1) + b"-----" in key[match.end():]:
            return True
    return False


_SSH_KEY_TYPES = (
    b"ssh-ed25519",
    b"ssh-rsa",
    b"ssh-dss",
    b"ecdsa-sha2-nistp256",
    b"ecdsa-sha2-nistp384",
    b"ecdsa-sha2-nistp521",
)


def is_ssh_key(key: bytes) -> bool:
    """Whether `key` starts as an OpenSSH public key line does (jwtkit's core has the finer
    test, ``Key.is_openssh_text``, which also knows certificates and other spellings)."""
    return key.startswith(_SSH_KEY_TYPES)
