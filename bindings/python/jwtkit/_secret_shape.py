"""Key-shaped text refused as an HMAC secret, in PyJWT's words.

The core refuses PEM, OpenSSH, DER and JWK text as a secret; this adds PyJWT's messages and
JSON in the other encodings ``json.loads`` detects (a JWK in UTF-16 is still a JWK).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._native import Key
from .exceptions import InvalidKeyError


def _check_secret_shape(secret: bytes) -> None:
    """The core's refusal of key-shaped text as an HMAC secret, with PyJWT's messages."""
    try:
        Key.dangerous_from_short_secret(secret)
    except InvalidKeyError:
        stripped = secret.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped[:1] in (b"{", b"["):
            raise InvalidKeyError(
                "The specified key looks like a JWK and should not be used directly as an "
                "HMAC secret. Load it via PyJWK / HMACAlgorithm.from_jwk first."
            ) from None
        raise InvalidKeyError(
            "The specified key is an asymmetric key or x509 certificate and"
            " should not be used as an HMAC secret."
        ) from None
    if _looks_like_jwk(secret):
        raise InvalidKeyError(
            "The specified key looks like a JWK and should not be used directly as an "
            "HMAC secret. Load it via PyJWK / HMACAlgorithm.from_jwk first."
        )


_MEMBER_NAME = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


def _looks_like_jwk(data: bytes) -> bool:
    """Whether `data` is JSON (in any encoding ``json.loads`` detects) holding an object with
    a ``kty`` member at any depth: a JWK (or set) passed where its secret was meant."""
    try:
        obj = json.loads(data, parse_int=lambda _: 0)
    except RecursionError:
        # Too deep to parse: judged by its text (an object, or an array with a "kty" name).
        try:
            text = data.decode(json.detect_encoding(data), errors="surrogatepass")
        except UnicodeError:
            return False
        stripped = text.lstrip("\ufeff \t\r\n")
        if stripped.startswith("{"):
            return True
        if not stripped.startswith("["):
            return False
        for match in _MEMBER_NAME.finditer(text):
            try:
                if json.loads(f'"{match.group(1)}"') == "kty":
                    return True
            except ValueError:
                continue
        return False
    except (ValueError, UnicodeError):
        return False
    return _has_kty(obj)


def _has_kty(obj: Any) -> bool:
    pending = [obj]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if "kty" in item:
                return True
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
