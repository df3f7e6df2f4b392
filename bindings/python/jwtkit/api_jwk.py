"""``PyJWK`` and ``PyJWKSet`` with PyJWT's API; each key is parsed once by the Rust core."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any, Optional

from ._native import ALGORITHMS, Key, KeySet
from .exceptions import InvalidKeyError, PyJWKError, PyJWKSetError, PyJWTError
from .types import JWKDict

__all__ = ["PyJWK", "PyJWKSet", "PyJWTSetWithTimestamp"]

_DEFAULT_EC_ALG = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}


def _describe(value: Any) -> str:
    """``str(value)`` for an error message, or its type's name when that fails (a ``__str__``
    that raises, nesting too deep to print)."""
    try:
        return str(value)
    except Exception:
        return f"<{type(value).__name__} object>"


class PyJWK:
    """A JSON Web Key bound to one algorithm, as PyJWT's ``PyJWK``.

    ``key`` is a ``jwtkit.Key`` (PyJWT gives a ``cryptography`` object); pass the ``PyJWK``
    itself or its ``key`` to ``decode``. ``Algorithm`` is the algorithm's name.
    """

    def __init__(self, jwk_data: JWKDict, algorithm: Optional[str] = None) -> None:
        self._jwk_data = jwk_data
        if not isinstance(jwk_data, dict):
            raise InvalidKeyError(f"A JWK must be a JSON object, not {type(jwk_data).__name__}")
        kty = jwk_data.get("kty", None)
        if not kty:
            raise InvalidKeyError(f"kty is not found: {_describe(jwk_data)}")
        if not algorithm and isinstance(jwk_data, dict):
            algorithm = jwk_data.get("alg", None)
        if not algorithm:
            crv = jwk_data.get("crv", None)
            if kty == "EC":
                if crv is None:
                    algorithm = "ES256"
                elif crv in _DEFAULT_EC_ALG:
                    algorithm = _DEFAULT_EC_ALG[crv]
                else:
                    raise InvalidKeyError(f"Unsupported crv: {_describe(crv)}")
            elif kty == "RSA":
                algorithm = "RS256"
            elif kty == "oct":
                algorithm = "HS256"
            elif kty == "OKP":
                if not crv:
                    raise InvalidKeyError(f"crv is not found: {_describe(jwk_data)}")
                if crv == "Ed25519":
                    algorithm = "EdDSA"
                else:
                    raise InvalidKeyError(f"Unsupported crv: {_describe(crv)}")
            else:
                raise InvalidKeyError(f"Unsupported kty: {_describe(kty)}")
        if algorithm not in ALGORITHMS:
            raise PyJWKError(f"Unable to find an algorithm for key: {_describe(jwk_data)}")
        self.algorithm_name: str = algorithm
        self.Algorithm: str = algorithm
        self.key: Key = Key.from_jwk(jwk_data, algorithm=algorithm)

    @staticmethod
    def from_dict(obj: JWKDict, algorithm: Optional[str] = None) -> PyJWK:
        return PyJWK(obj, algorithm)

    @staticmethod
    def from_json(data: str, algorithm: Optional[str] = None) -> PyJWK:
        obj = json.loads(data)
        return PyJWK.from_dict(obj, algorithm)

    @property
    def key_type(self) -> Optional[str]:
        return self._jwk_data.get("kty", None)

    @property
    def key_id(self) -> Optional[str]:
        return self._jwk_data.get("kid", None)

    @property
    def public_key_use(self) -> Optional[str]:
        return self._jwk_data.get("use", None)


class PyJWKSet:
    """A JWK Set, as PyJWT's ``PyJWKSet``: unusable keys are skipped; look keys up by
    ``kid`` with ``set[kid]``, or pass the whole set to ``decode`` to choose by the token's
    ``kid`` and ``alg``."""

    def __init__(self, keys: list[JWKDict]) -> None:
        self.keys: list[PyJWK] = []
        if not keys:
            raise PyJWKSetError("The JWK Set did not contain any keys")
        if not isinstance(keys, list):
            raise PyJWKSetError("Invalid JWK Set value")
        for key in keys:
            if not isinstance(key, dict):
                continue
            try:
                self.keys.append(PyJWK(key))
            except PyJWTError:
                continue
        if len(self.keys) == 0:
            raise PyJWKSetError("The JWK Set did not contain any usable keys")
        self._key_set: Optional[KeySet] = None
        self._lock = threading.Lock()

    @staticmethod
    def from_dict(obj: dict[str, Any]) -> PyJWKSet:
        keys = obj.get("keys", [])
        return PyJWKSet(keys)

    @staticmethod
    def from_json(data: str) -> PyJWKSet:
        obj = json.loads(data)
        return PyJWKSet.from_dict(obj)

    @property
    def key_set(self) -> KeySet:
        """The usable keys as a ``jwtkit.KeySet`` (built on first use)."""
        with self._lock:
            if self._key_set is None:
                self._key_set = KeySet.from_jwks({"keys": [k._jwk_data for k in self.keys]})
            return self._key_set

    def __getitem__(self, kid: str) -> PyJWK:
        for key in self.keys:
            if key.key_id == kid:
                return key
        raise KeyError(f"keyset has no key for kid: {kid}")

    def __iter__(self) -> Iterator[PyJWK]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


class PyJWTSetWithTimestamp:
    def __init__(self, jwk_set: PyJWKSet) -> None:
        self.jwk_set = jwk_set
        self.timestamp = time.monotonic()

    def get_jwk_set(self) -> PyJWKSet:
        return self.jwk_set

    def get_timestamp(self) -> float:
        return self.timestamp
