"""``PyJWS``: compact JWS over raw bytes, with PyJWT's signatures, over the Rust core."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional

from . import _keys
from ._native import (
    ALGORITHMS,
    DEFAULT_MAX_TOKEN_LEN,
    Key,
    jws_unverified,
    jws_verify,
    sign,
    unverified_header,
)
from .exceptions import DecodeError, InvalidTokenError
from .warnings import _warn_unsupported_kwargs

if TYPE_CHECKING:
    from .types import SigOptions

__all__ = [
    "PyJWS",
    "get_unverified_header",
    "register_algorithm",
    "unregister_algorithm",
    "get_algorithm_by_name",
]

_ALGORITHM_UNSET: Any = object()
_KNOWN = frozenset(ALGORITHMS)


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _as_text(jwt: Any) -> str:
    if isinstance(jwt, bytes):
        try:
            return jwt.decode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError("Invalid token: not UTF-8") from None
    if not isinstance(jwt, str):
        raise DecodeError(f"Invalid token type. Token must be a {bytes}")
    return jwt


def _dumps(obj: Any, **kwargs: Any) -> str:
    """Compact JSON as ``json.dumps`` makes it, but strict: NaN and infinities (which no JSON
    parser reads back, jwtkit's included) and nesting beyond Python's recursion limit are
    refused with ValueError."""
    try:
        return json.dumps(obj, separators=(",", ":"), allow_nan=False, **kwargs)
    except RecursionError:
        raise ValueError("The value is nested too deeply to be serialized as JSON") from None


def _split(token: str) -> tuple[str, str, str]:
    try:
        signing_input, signature = token.rsplit(".", 1)
        header, payload = signing_input.split(".", 1)
    except ValueError:
        raise DecodeError("Not enough segments") from None
    return header, payload, signature


def _allowed(algorithms: Optional[Sequence[str]], key: Any) -> list[str]:
    """The allow-list for the core: the caller's known names (unknown ones, `none` among
    them, can never verify anything), or a PyJWK's own algorithm."""
    from .api_jwk import PyJWK

    if algorithms is None and isinstance(key, PyJWK):
        return [key.algorithm_name]
    if isinstance(algorithms, str):
        algorithms = [algorithms]
    return [alg for alg in (algorithms or ()) if alg in _KNOWN]


def _require_algorithms(algorithms: Optional[Sequence[str]], key: Any) -> None:
    from .api_jwk import PyJWK

    if not algorithms and not isinstance(key, PyJWK):
        raise DecodeError(
            'It is required that you pass in a value for the "algorithms" argument when calling decode().'
        )


def _attach(token: str, detached_payload: bytes) -> str:
    """RFC 7515 Appendix F: put a detached payload back between the header and signature."""
    header, payload, signature = _split(token)
    if payload:
        raise DecodeError(
            "detached_payload was given but the token carries a payload segment"
        )
    return f"{header}.{_b64encode(detached_payload)}.{signature}"


class PyJWS:
    header_typ = "JWT"

    def __init__(
        self,
        algorithms: Optional[Sequence[str]] = None,
        options: Optional[SigOptions] = None,
    ) -> None:
        self._valid_algs = set(algorithms if algorithms is not None else ALGORITHMS) & _KNOWN
        self.options: SigOptions = self._get_default_options()
        if options is not None:
            self.options = {**self.options, **options}

    @staticmethod
    def _get_default_options() -> SigOptions:
        return {"verify_signature": True, "enforce_minimum_key_length": False}

    def register_algorithm(self, alg_id: str, alg_obj: Any) -> None:
        """Not supported: the algorithms live in the Rust core and cannot be replaced."""
        raise NotImplementedError(
            "jwtkit's algorithms are built into its Rust core; custom algorithms cannot be registered"
        )

    def unregister_algorithm(self, alg_id: str) -> None:
        """Narrows the algorithms this object signs with (``decode`` always takes an explicit
        allow-list)."""
        if alg_id not in self._valid_algs:
            raise KeyError(
                "The specified algorithm could not be removed because it is not registered."
            )
        self._valid_algs.remove(alg_id)

    def get_algorithms(self) -> list[str]:
        return list(self._valid_algs)

    def get_algorithm_by_name(self, alg_name: str) -> Any:
        """Not supported: there are no Python algorithm objects in jwtkit."""
        raise NotImplementedError("Algorithm not supported")

    def _signing_alg(self, key: Any, algorithm: Optional[str], headers: Optional[dict[str, Any]]) -> str:
        from .api_jwk import PyJWK

        if algorithm is _ALGORITHM_UNSET:
            alg = key.algorithm_name if isinstance(key, PyJWK) else "HS256"
        elif algorithm is None:
            alg = key.algorithm_name if isinstance(key, PyJWK) else "none"
        else:
            alg = algorithm
        if headers and headers.get("alg"):
            alg = headers["alg"]
        if alg not in self._valid_algs:
            raise NotImplementedError("Algorithm not supported")
        return alg

    def encode(
        self,
        payload: bytes,
        key: Any,
        algorithm: Optional[str] = _ALGORITHM_UNSET,
        headers: Optional[dict[str, Any]] = None,
        json_encoder: Optional[type[json.JSONEncoder]] = None,
        is_payload_detached: bool = False,
        sort_headers: bool = True,
    ) -> str:
        """Signs `payload` bytes. `is_payload_detached` leaves the payload segment empty
        (RFC 7515 Appendix F); unencoded payloads (`b64: false`) are not supported."""
        if headers and not isinstance(headers, Mapping):
            raise TypeError("headers must be a dict")
        alg = self._signing_alg(key, algorithm, headers)
        header: dict[str, Any] = {"typ": self.header_typ, "alg": alg}
        if headers:
            if "kid" in headers and not isinstance(headers["kid"], str):
                raise InvalidTokenError("Key ID header parameter must be a string")
            header.update(headers)
        if not header["typ"]:
            del header["typ"]
        signer = _keys.signing_key(
            key, alg, bool(self.options.get("enforce_minimum_key_length", False))
        )
        if isinstance(key, Key) and key.key_id is not None and "kid" not in header:
            header["kid"] = key.key_id
        json_header = _dumps(header, cls=json_encoder, sort_keys=sort_headers).encode()
        token = sign(json_header, payload, signer)
        if is_payload_detached:
            head, _, signature = _split(token)
            return f"{head}..{signature}"
        return token

    def _decode_complete(
        self,
        jwt: Any,
        key: Any,
        algorithms: Optional[Sequence[str]],
        options: Optional[SigOptions],
        detached_payload: Optional[bytes],
    ) -> dict[str, Any]:
        merged: SigOptions = {**self.options, **(options or {})}
        token = _as_text(jwt)
        if detached_payload is not None:
            token = _attach(token, detached_payload)
        if merged.get("verify_signature", True):
            _require_algorithms(algorithms, key)
            allowed = _allowed(algorithms, key)
            verifier = _keys.verifying_key(
                key, allowed, token, bool(merged.get("enforce_minimum_key_length", False))
            )
            header, payload, signature = jws_verify(
                token, verifier, allowed, DEFAULT_MAX_TOKEN_LEN
            )
        else:
            # Every segment decoded by the core, as strictly as on the verify path.
            header, payload, signature = jws_unverified(token)
        return {"payload": payload, "header": header, "signature": signature}

    def decode_complete(
        self,
        jwt: Any,
        key: Any = "",
        algorithms: Optional[Sequence[str]] = None,
        options: Optional[SigOptions] = None,
        detached_payload: Optional[bytes] = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        _warn_unsupported_kwargs("decode_complete", kwargs)
        return self._decode_complete(jwt, key, algorithms, options, detached_payload)

    def decode(
        self,
        jwt: Any,
        key: Any = "",
        algorithms: Optional[Sequence[str]] = None,
        options: Optional[SigOptions] = None,
        detached_payload: Optional[bytes] = None,
        **kwargs: Any,
    ) -> Any:
        _warn_unsupported_kwargs("decode", kwargs)
        return self._decode_complete(jwt, key, algorithms, options, detached_payload)["payload"]

    def get_unverified_header(self, jwt: Any) -> dict[str, Any]:
        """The header of `jwt`, unverified: for choosing a key, never for trusting."""
        return unverified_header(_as_text(jwt))


_jws_global_obj = PyJWS()
encode = _jws_global_obj.encode
decode_complete = _jws_global_obj.decode_complete
decode = _jws_global_obj.decode
register_algorithm = _jws_global_obj.register_algorithm
unregister_algorithm = _jws_global_obj.unregister_algorithm
get_algorithm_by_name = _jws_global_obj.get_algorithm_by_name
get_unverified_header = _jws_global_obj.get_unverified_header
