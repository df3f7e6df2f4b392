"""Turning the keys PyJWT accepts into ``jwtkit.Key`` objects, parsed once and cached.

PyJWT takes a key as a secret (``str``/``bytes``), PEM text, an OpenSSH public key line, a
``PyJWK`` or a ``cryptography`` key object, and re-parses it on every call. Here PEM, SSH lines
and secrets are parsed by the Rust core once and kept in a small bounded cache (the core also
decides which text is an SSH line); ``cryptography`` objects are read through their DER
serialization and cached by identity. A ``jwtkit.Key`` or ``KeySet`` is used
as it is: the fastest path.
"""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Union

from ._native import MIN_SECRET_LEN, Key, KeySet, unverified_header
from .algorithms import HMAC_ALGORITHMS
from .exceptions import (
    InvalidAlgorithmError,
    InvalidAlgorithmForKeyError,
    InvalidKeyError,
    PyJWTError,
)
from .warnings import InsecureKeyLengthWarning

Verifying = Union[Key, KeySet]

#: Texts longer than this are parsed on every call rather than cached.
_CACHEABLE_LEN = 16 * 1024


def _to_bytes(value: Union[str, bytes]) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


@lru_cache(maxsize=64)
def _secret_key(secret: bytes) -> Key:
    # PyJWT's length policy (warn, or refuse when enforced) is applied by the caller, so the
    # core's own minimum is not applied twice; key-shaped secrets are still refused by it.
    return Key.dangerous_from_short_secret(secret)


@lru_cache(maxsize=64)
def _text_key(data: bytes) -> Key:
    return _parse_asymmetric(data)


def _parse_asymmetric(data: bytes) -> Key:
    if b"-----BEGIN" in data:
        return Key.from_pem(data)
    # Which text is an OpenSSH line is the core's call (the same test by which it refuses
    # such text as an HMAC secret).
    if Key.is_openssh_text(data):
        try:
            return Key.from_openssh(data)
        except InvalidKeyError as err:
            raise InvalidKeyError(f"Could not parse the provided public key: {err}") from None
    return Key.from_der(data)


def _from_cryptography(obj: Any) -> Key:
    from cryptography.hazmat.primitives import serialization

    if hasattr(obj, "private_bytes"):
        der = obj.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    else:
        der = obj.public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    return Key.from_der(der)


class _IdentityCache:
    """``cryptography`` key objects by identity, bounded; each entry holds its object so an
    identity is never reused while cached."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[int, tuple[Any, Key]] = OrderedDict()

    def put(self, obj: Any, key: Key) -> None:
        with self._lock:
            self._entries[id(obj)] = (obj, key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def get(self, obj: Any) -> Key:
        with self._lock:
            entry = self._entries.get(id(obj))
            if entry is not None and entry[0] is obj:
                self._entries.move_to_end(id(obj))
                return entry[1]
        key = _from_cryptography(obj)
        with self._lock:
            self._entries[id(obj)] = (obj, key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return key


_crypto_keys = _IdentityCache(64)


def _is_cryptography_key(obj: Any) -> bool:
    module = type(obj).__module__ or ""
    return module.startswith("cryptography") and (
        hasattr(obj, "private_bytes") or hasattr(obj, "public_bytes")
    )


def _check_secret_length(secret: bytes, algorithm: str, enforce: bool) -> None:
    minimum = MIN_SECRET_LEN[algorithm]
    if len(secret) < minimum:
        # PyJWT's words; the minimum is the hash's output length, so its name follows.
        message = (
            f"The HMAC key is {len(secret)} bytes long, which is below "
            f"the minimum recommended length of {minimum} bytes for "
            f"SHA{minimum * 8}. See RFC 7518 Section 3.2."
        )
        if enforce:
            raise InvalidKeyError(message)
        warnings.warn(message, InsecureKeyLengthWarning, stacklevel=4)


def _text_or_secret(data: bytes, algorithm: str, enforce: bool) -> Key:
    if algorithm in HMAC_ALGORITHMS:
        _check_secret_length(data, algorithm, enforce)
        return _secret_key(data) if len(data) <= _CACHEABLE_LEN else Key.dangerous_from_short_secret(data)
    return _text_key(data) if len(data) <= _CACHEABLE_LEN else _parse_asymmetric(data)


def _serves(data: bytes, algorithm: str, enforce: bool) -> bool:
    """Whether the key text `data`, read as ``verifying_key`` reads it for `algorithm`, could
    verify a token of `algorithm` (the core answers: parsing, family, length). Asked only on
    the error path, to tell a token's choice from the caller's broken key."""
    try:
        if algorithm in HMAC_ALGORITHMS:
            # Enforced, the core's own length rules: 32 bytes to load, the hash's length
            # for `algorithm` (``accepts``).
            key = Key.from_secret(data) if enforce else Key.dangerous_from_short_secret(data)
        else:
            key = _parse_asymmetric(data)
    except PyJWTError:
        return False
    return key.accepts(algorithm)


def _refuse(key: Any) -> TypeError:
    if isinstance(key, dict):
        return TypeError(
            "Expecting a PEM-formatted key or a secret, not a dict: load a JWK with "
            "PyJWK(jwk) or jwtkit.Key.from_jwk(jwk)"
        )
    return TypeError(f"Expecting a PEM-formatted key or a secret, not {type(key).__name__}")


def signing_key(key: Any, algorithm: str, enforce: bool) -> Key:
    """The key to sign with `algorithm`."""
    kind = type(key)
    if kind is bytes or kind is str:  # the common case first: a secret or PEM text
        return _text_or_secret(key if kind is bytes else key.encode("utf-8"), algorithm, enforce)
    from .api_jwk import PyJWK

    if isinstance(key, Key):
        return key
    if isinstance(key, PyJWK):
        return key._core_key(enforce)
    if isinstance(key, (str, bytes)):
        return _text_or_secret(_to_bytes(key), algorithm, enforce)
    if _is_cryptography_key(key):
        return _crypto_keys.get(key)
    raise _refuse(key)


def reusable(key: Any, algorithms: list[str]) -> bool:
    """Whether ``verifying_key(key, algorithms, ...)`` gives the same key whatever the token
    and warns about nothing, so that a caller may keep its result for the next call."""
    kind = type(key)
    if kind is Key or kind is KeySet:
        return True
    if kind is str or kind is bytes:
        hmac = [alg for alg in algorithms if alg in HMAC_ALGORITHMS]
        if len(hmac) == 1 and len(algorithms) == 1:
            return len(_to_bytes(key)) >= MIN_SECRET_LEN[hmac[0]]
        return not hmac and bool(algorithms)
    return _is_cryptography_key(key)


def verifying_key(key: Any, algorithms: list[str], token: Any, enforce: bool) -> Verifying:
    """The key or key set to verify `token` with, given the caller's allow-list."""
    from .api_jwk import PyJWK, PyJWKSet

    if isinstance(key, (Key, KeySet)):
        return key
    if isinstance(key, PyJWK):
        return key._core_key(enforce)
    if isinstance(key, PyJWKSet):
        return key.key_set
    if isinstance(key, (str, bytes)):
        # Which form the text takes depends on the algorithm, as in PyJWT: a secret for HS*,
        # PEM (or SSH, or DER) otherwise. The token's alg decides only when the allow-list
        # mixes both, and it still has to pass the allow-list and the key's family.
        hmac = [alg for alg in algorithms if alg in HMAC_ALGORITHMS]
        if len(hmac) == 1 and len(algorithms) == 1:
            algorithm = hmac[0]
        elif hmac or not algorithms:
            # The token's alg chooses the reading, once the allow-list admits it (so a
            # token's alg outside it never gets the key read, nor a key warning issued).
            alg = unverified_header(token).get("alg")
            if alg not in algorithms:
                raise InvalidAlgorithmError("The specified alg value is not allowed")
            algorithm = str(alg)
        else:
            algorithm = algorithms[0]
        data = _to_bytes(key)
        try:
            return _text_or_secret(data, algorithm, enforce)
        except InvalidKeyError as err:
            # PyJWT reports a bad token before a bad key: the format, then the allow-list.
            alg = unverified_header(token).get("alg")
            if alg not in algorithms:
                raise InvalidAlgorithmError("The specified alg value is not allowed") from None
            # The token chose how the text is read (an HS256 token against a public key or an
            # SSH line, an RS256 token against a secret): a verdict on the token whenever
            # another allowed algorithm could use the key. Only a key that serves no allowed
            # algorithm is the caller's error.
            if any(_serves(data, other, enforce) for other in algorithms if other != alg):
                raise InvalidAlgorithmForKeyError(
                    f"The key cannot verify {alg} tokens: {err}"
                ) from None
            raise
    if _is_cryptography_key(key):
        return _crypto_keys.get(key)
    raise _refuse(key)
