"""``PyJWK`` and ``PyJWKSet`` with PyJWT's API; each key is parsed once by the Rust core.

JWK and JWK Set texts are read by the core's strict JSON parser (``json.loads`` keeps the last
of duplicate member names, so ``{"keys":[A],"keys":[B]}`` would load B while another parser
loads A). Which keys of a set are usable, why the others were skipped, and whether the set may
be loaded at all are the core's answers too.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Optional, Union

from ._native import ALGORITHMS, Key, KeySet, parse_json_object
from .exceptions import (
    InvalidKeyError,
    KeyNotFoundError,
    PyJWKError,
    PyJWKSetError,
    PyJWKSetKeyError,
    PyJWTError,
)
from .types import JWKDict
from ._rsa_jwk import complete_rsa_private_jwk
from .algorithms import _cryptography
from .utils import base64url_decode

__all__ = ["PyJWK", "PyJWKSet", "PyJWTSetWithTimestamp"]

_DEFAULT_EC_ALG = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "secp256k1": "ES256K"}


#: A key ``PyJWKSet`` skipped: its index in the set's ``keys``, its ``kid`` and why.
SkippedKey = tuple[int, Optional[str], str]


def _json_object(data: Union[str, bytes], error: type[PyJWTError], what: str) -> dict[str, Any]:
    """`data` parsed as one JSON object by the core's strict parser, or `error`."""
    try:
        return parse_json_object(data)
    except ValueError as err:
        raise error(f"{what} is {err}") from None


def _describe(value: Any) -> str:
    """``str(value)`` for an error message, or its type's name when that fails (a ``__str__``
    that raises, nesting too deep to print)."""
    try:
        return str(value)
    except Exception:
        return f"<{type(value).__name__} object>"


def _short_oct(jwk: dict[str, Any], algorithm: str, err: InvalidKeyError) -> Key:
    """An ``oct`` JWK whose secret is shorter than the hash: PyJWT's policy for short
    secrets (warn with ``InsecureKeyLengthWarning`` where the key is used; refused with
    ``enforce_minimum_key_length``), as for a secret passed as text. `err` stands for any
    other refusal."""
    if jwk.get("kty") != "oct" or "at least" not in str(err):
        raise err
    ops = jwk.get("key_ops")
    if jwk.get("use") not in (None, "sig") or (ops is not None and not isinstance(ops, list)):
        raise err
    if ops is not None and not {"sign", "verify"} <= set(ops):
        # The short-secret loader has no key_ops to honour a restriction with: refused
        # rather than let a verify-only secret sign.
        raise err
    secret = base64url_decode(jwk.get("k", ""))
    kid = jwk.get("kid")
    try:
        return Key.dangerous_from_short_secret(
            secret, kid=kid if isinstance(kid, str) else None, algorithm=algorithm
        )
    except InvalidKeyError:
        raise err from None


def _public_form(key: Key, jwk: dict[str, Any]) -> Any:
    """`key` as the object PyJWT's ``PyJWK.key`` is; the ``cryptography`` object is tied to
    `key` in the identity cache, so using it costs no second parse."""
    if key.family == "HMAC":
        return base64url_decode(jwk["k"])
    if not _cryptography:
        return key
    from cryptography.hazmat.primitives import serialization

    from . import _keys

    if key.is_private:
        obj: Any = serialization.load_pem_private_key(key.to_pkcs8_pem().encode(), password=None)
    else:
        obj = serialization.load_pem_public_key(key.to_public_pem().encode())
    _keys._crypto_keys.put(obj, key)
    return obj


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
        if kty == "RSA" and "d" in jwk_data:
            # RFC 7518 §6.3.2: a producer may leave out the CRT parameters; recover them.
            jwk_data = complete_rsa_private_jwk(jwk_data)
        #: The key as the Rust core holds it: what every token operation uses.
        #: An oct secret shorter than its hash, judged by PyJWT's policy where it is used.
        self._short_secret: Optional[bytes] = None
        try:
            self._native_key: Key = Key.from_jwk(jwk_data, algorithm=algorithm)
        except InvalidKeyError as err:
            self._native_key = _short_oct(jwk_data, algorithm, err)
            self._short_secret = base64url_decode(jwk_data["k"])
        self._key: Any = None
        self._algorithm_obj: Any = None

    def _core_key(self, enforce: bool) -> Key:
        """The key for the core, after PyJWT's policy for a short secret (a warning, or a
        refusal when `enforce`)."""
        if self._short_secret is not None:
            from ._keys import _check_secret_length

            _check_secret_length(self._short_secret, self.algorithm_name, enforce)
        return self._native_key

    @property
    def Algorithm(self) -> Any:
        """The algorithm object (``jwt.algorithms``) for ``algorithm_name``, as PyJWT."""
        if self._algorithm_obj is None:
            from .algorithms import get_default_algorithms

            self._algorithm_obj = get_default_algorithms()[self.algorithm_name]
        return self._algorithm_obj

    @property
    def key(self) -> Any:
        """The key as PyJWT gives it: the secret as ``bytes`` for ``oct``, a ``cryptography``
        key object when ``cryptography`` is installed, else the ``jwtkit.Key``."""
        if self._key is None:
            self._key = _public_form(self._native_key, self._jwk_data)
        return self._key

    @staticmethod
    def from_dict(obj: JWKDict, algorithm: Optional[str] = None) -> PyJWK:
        return PyJWK(obj, algorithm)

    @staticmethod
    def from_json(data: str, algorithm: Optional[str] = None) -> PyJWK:
        """A JWK from JSON text, read strictly (duplicate member names are refused)."""
        return PyJWK.from_dict(_json_object(data, InvalidKeyError, "The JWK"), algorithm)

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
    """A JWK Set, as PyJWT's ``PyJWKSet``: unusable keys are skipped (``skipped`` says which
    and why); look keys up by ``kid`` with ``set[kid]``, or pass the whole set to ``decode`` to
    choose by the token's ``kid`` and ``alg``.

    Beyond PyJWT, a set that mixes secret (``oct``) keys with public keys is refused (a secret
    published beside public keys is a leaked secret), and a ``kid`` that two keys share is
    refused by ``set[kid]`` and, for tokens either key could verify, by ``decode``.
    """

    def __init__(self, keys: list[JWKDict]) -> None:
        self.keys: list[PyJWK] = []
        if not keys:
            raise PyJWKSetError("The JWK Set did not contain any keys")
        if not isinstance(keys, list):
            raise PyJWKSetError("Invalid JWK Set value")
        # The core decides which keys are usable and whether the set may be loaded at all.
        try:
            key_set = KeySet.from_jwks({"keys": keys})
        except InvalidKeyError as err:
            raise PyJWKSetError(_set_refusal(str(err))) from None
        usable = set(range(len(keys))) - {index for index, _, _ in key_set.skipped}
        for index in sorted(usable):
            try:
                self.keys.append(PyJWK(keys[index]))
            except PyJWTError:
                # A key the core can use but PyJWK cannot name an algorithm for (none is
                # known): `decode` with the set still uses it; `set[kid]` does not find it.
                continue
        self._key_set = key_set

    @staticmethod
    def from_dict(obj: dict[str, Any]) -> PyJWKSet:
        keys = obj.get("keys", [])
        return PyJWKSet(keys)

    @staticmethod
    def from_json(data: str) -> PyJWKSet:
        """A JWK Set from JSON text, read strictly (duplicate member names are refused)."""
        return PyJWKSet.from_dict(_json_object(data, PyJWKSetError, "The JWK Set"))

    @property
    def key_set(self) -> KeySet:
        """The usable keys as a ``jwtkit.KeySet``."""
        return self._key_set

    @property
    def skipped(self) -> list[SkippedKey]:
        """The keys that were skipped, as ``(index in "keys", kid or None, reason)``."""
        return self._key_set.skipped

    def __getitem__(self, kid: str) -> PyJWK:
        """The one key with this ``kid``. None, or more than one, raises ``PyJWKSetKeyError``
        (a ``KeyError``, as in PyJWT, and an ``InvalidTokenError``)."""
        return self._lookup(self.keys, kid, PyJWKSetKeyError)

    def _lookup(self, keys: list[PyJWK], kid: str, error: type[PyJWTError]) -> PyJWK:
        """The one key of `keys` (keys of this set) with this ``kid``, or `error`. Two keys
        under one ``kid`` are ambiguous whatever their algorithms, since a ``kid`` alone
        cannot tell them apart; a single one must also be the core's own choice for a token
        of its algorithm (the core refuses a ``kid`` shared with a key of the same family
        that it could not load)."""
        matches = [key for key in keys if key.key_id == kid]
        if len(matches) > 1:
            raise error(
                f"keyset has {len(matches)} keys for kid: {kid}; an ambiguous kid is refused"
            )
        if not matches:
            raise error(f"keyset has no key for kid: {kid}")
        if not isinstance(kid, str):
            return matches[0]  # a kid no token can carry: nothing for the core to add
        try:
            self._key_set.select(matches[0].algorithm_name, kid)
        except KeyNotFoundError as err:
            raise error(f"keyset refuses kid: {kid}: {err}") from None
        return matches[0]

    def __iter__(self) -> Iterator[PyJWK]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


def _set_refusal(reason: str) -> str:
    """The message for a set the core refused: PyJWT's for a set without usable keys (the
    core's words only pick the text), with the core's reason."""
    if "no key usable" in reason:
        return f"The JWK Set did not contain any usable keys: {reason}"
    return f"Invalid JWK Set: {reason}"


class PyJWTSetWithTimestamp:
    def __init__(self, jwk_set: PyJWKSet) -> None:
        self.jwk_set = jwk_set
        self.timestamp = time.monotonic()

    def get_jwk_set(self) -> PyJWKSet:
        return self.jwk_set

    def get_timestamp(self) -> float:
        return self.timestamp
