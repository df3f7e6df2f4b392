"""``PyJWS``: compact JWS over raw bytes, with PyJWT's signatures, over the Rust core."""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional

from . import _keys
from ._native import (
    ALGORITHMS,
    DEFAULT_MAX_TOKEN_LEN,
    Key,
    dumps_compact,
    encode_jwt,
    jws_sign_detached,
    jws_unverified,
    jws_verify,
    jws_verify_detached,
    sign,
    unverified_header,
)
from .algorithms import HMAC_ALGORITHMS, Algorithm, get_default_algorithms
from .exceptions import (
    DecodeError,
    InvalidAlgorithmError,
    InvalidAlgorithmForKeyError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidTokenError,
    PyJWTError,
)
from .warnings import InsecureKeyLengthWarning, _warn_unsupported_kwargs

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


def _dumps(
    obj: Any, cls: Optional[type[json.JSONEncoder]] = None, sort_keys: bool = False
) -> str:
    """Compact JSON as ``json.dumps`` makes it, but strict: NaN and infinities (which no JSON
    parser reads back, jwtkit's included) and nesting beyond Python's recursion limit are
    refused with ValueError. Plain built-in values are written by the native module, byte for
    byte as ``json.dumps`` would (it builds a new encoder on every call with these settings:
    the largest cost of ``encode``); anything else, or a caller's encoder class, by
    ``json.dumps``."""
    if cls is None:
        text = dumps_compact(obj, sort_keys)
        if text is not None:
            return text
    try:
        return json.dumps(obj, separators=(",", ":"), allow_nan=False, cls=cls, sort_keys=sort_keys)
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


class PyJWS:
    header_typ = "JWT"

    #: The ``crit`` extensions understood: RFC 7797's ``b64`` only.
    _supported_crit: set[str] = {"b64"}

    def __init__(
        self,
        algorithms: Optional[Sequence[str]] = None,
        options: Optional[SigOptions] = None,
    ) -> None:
        self._algorithms: dict[str, Algorithm] = get_default_algorithms()
        self._valid_algs = (
            set(algorithms) if algorithms is not None else set(self._algorithms)
        )
        for name in list(self._algorithms):
            if name not in self._valid_algs:
                del self._algorithms[name]
        self.options: SigOptions = self._get_default_options()
        if options is not None:
            self.options = {**self.options, **options}

    @staticmethod
    def _get_default_options() -> SigOptions:
        return {"verify_signature": True, "enforce_minimum_key_length": False}

    def register_algorithm(self, alg_id: str, alg_obj: Algorithm) -> None:
        """Registers `alg_obj` under `alg_id` for signing and verifying. A built-in class's
        object runs in the Rust core; a class of your own runs in Python. ``none`` cannot be
        registered: jwtkit never accepts unsecured tokens."""
        if alg_id in self._algorithms:
            raise ValueError("Algorithm already has a handler.")
        if not isinstance(alg_obj, Algorithm):
            raise TypeError("Object is not of type `Algorithm`")
        if not isinstance(alg_id, str) or alg_id.lower() == "none":
            raise ValueError(
                "jwtkit never accepts unsecured tokens: no algorithm can be registered as 'none'"
            )
        self._algorithms[alg_id] = alg_obj
        self._valid_algs.add(alg_id)
        self.__dict__.pop("_native_cache", None)

    def unregister_algorithm(self, alg_id: str) -> None:
        """Removes `alg_id`: this object neither signs nor verifies with it any more."""
        if alg_id not in self._algorithms:
            raise KeyError(
                "The specified algorithm could not be removed because it is not registered."
            )
        del self._algorithms[alg_id]
        self._valid_algs.discard(alg_id)
        self.__dict__.pop("_native_cache", None)

    def get_algorithms(self) -> list[str]:
        return list(self._valid_algs)

    def get_algorithm_by_name(self, alg_name: str) -> Algorithm:
        """The algorithm object registered as `alg_name` (``NotImplementedError`` if none)."""
        try:
            return self._algorithms[alg_name]
        except (KeyError, TypeError):
            raise NotImplementedError("Algorithm not supported") from None

    def _native_algs(self) -> frozenset[str]:
        """The names registered here that run in the Rust core, kept until the registered
        algorithms change (``register_algorithm``/``unregister_algorithm``, or another
        dict or size of ``_algorithms``)."""
        algorithms = self._algorithms
        cached = self.__dict__.get("_native_cache")
        if cached is not None and cached[0] is algorithms and cached[1] == len(algorithms):
            names: frozenset[str] = cached[2]
            return names
        names = frozenset(name for name, obj in algorithms.items() if obj._jose_name() == name)
        self.__dict__["_native_cache"] = (algorithms, len(algorithms), names)
        return names

    def _python_algs(self) -> bool:
        """Whether any algorithm registered here runs in Python."""
        return len(self._native_algs()) != len(self._algorithms)

    def _signing_alg(self, key: Any, algorithm: Optional[str], headers: Optional[dict[str, Any]]) -> str:
        if algorithm is _ALGORITHM_UNSET or algorithm is None:
            from .api_jwk import PyJWK

            if isinstance(key, PyJWK):
                alg = key.algorithm_name
            else:
                alg = "HS256" if algorithm is _ALGORITHM_UNSET else "none"
        else:
            alg = algorithm
        if headers and headers.get("alg"):
            alg = headers["alg"]
        if not isinstance(alg, str) or alg not in self._algorithms:
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
        """Signs `payload` bytes. `is_payload_detached`, or ``b64: False`` in `headers`,
        makes an RFC 7797 token: the payload unencoded in the signature and left out of the
        token (``b64: false``, listed in ``crit``)."""
        return self._encode(
            payload, None, key, algorithm, headers, json_encoder, is_payload_detached, sort_headers
        )

    def _encode(
        self,
        payload: Optional[bytes],
        claims: Any,
        key: Any,
        algorithm: Optional[str],
        headers: Optional[dict[str, Any]],
        json_encoder: Optional[type[json.JSONEncoder]],
        is_payload_detached: bool,
        sort_headers: bool,
    ) -> str:
        """``encode`` of `payload` bytes, or of `claims` (a JWT's claims, written here as JSON:
        in the core with the header and the signature, in one call, when they are plain
        values)."""
        if headers and type(headers) is not dict and not isinstance(headers, Mapping):
            raise TypeError("headers must be a dict")
        alg = self._signing_alg(key, algorithm, headers)
        if headers and headers.get("b64") is False:
            is_payload_detached = True
        header: dict[str, Any] = {"typ": self.header_typ, "alg": alg}
        if headers:
            if "kid" in headers and not isinstance(headers["kid"], str):
                raise InvalidTokenError("Key ID header parameter must be a string")
            header.update(headers)
        if not header["typ"]:
            del header["typ"]
        if is_payload_detached:
            header["b64"] = False
            crit = header.get("crit", [])
            if not isinstance(crit, list):
                raise InvalidTokenError("Invalid 'crit' header: must be a list")
            if "b64" not in crit:
                header["crit"] = [*crit, "b64"]
        elif "b64" in header:
            del header["b64"]
        if type(key) is Key and key.key_id is not None and "kid" not in header:
            header["kid"] = key.key_id
        # An RFC 7797 payload (`b64: false`, listed in `crit`) is signed by the core's JWS
        # layer (`jws_sign_detached`), as any compact token of a built-in algorithm is.
        native = alg in self._native_algs() and (
            "crit" not in header
            or (is_payload_detached and all(ext == "b64" for ext in header["crit"]))
        )
        if not native:
            # Through the algorithm object (its signature still made by the core's key): a
            # user's own algorithm, or `crit` extensions other than RFC 7797's, which the
            # core's JWS layer does not sign (PyJWT does; a reader that does not know them
            # must refuse the token).
            if payload is None:
                payload = _dumps(claims, cls=json_encoder).encode("utf-8")
            return self._encode_python(header, payload, key, alg, json_encoder, sort_headers, is_payload_detached)
        signer = _keys.signing_key(
            key, alg, bool(self.options.get("enforce_minimum_key_length", False))
        )
        try:
            if is_payload_detached:
                if payload is None:
                    payload = _dumps(claims, cls=json_encoder).encode("utf-8")
                json_header = _dumps(header, cls=json_encoder, sort_keys=sort_headers).encode()
                return jws_sign_detached(json_header, payload, signer)
            if payload is None:
                if json_encoder is None:
                    token = encode_jwt(header, sort_headers, claims, signer)
                    if token is not None:
                        return token
                payload = _dumps(claims, cls=json_encoder).encode("utf-8")
            json_header = _dumps(header, cls=json_encoder, sort_keys=sort_headers).encode()
            return sign(json_header, payload, signer)
        except InvalidAlgorithmError:
            if not signer.accepts(alg):
                raise InvalidAlgorithmForKeyError(f"The key cannot sign {alg} tokens") from None
            raise

    def _encode_python(
        self,
        header: dict[str, Any],
        payload: bytes,
        key: Any,
        alg: str,
        json_encoder: Optional[type[json.JSONEncoder]],
        sort_headers: bool,
        unencoded: bool,
    ) -> str:
        """Signs through the algorithm object: a user's own algorithm (or `crit` extensions
        the core does not sign), with an unencoded (RFC 7797) payload or not."""
        from .api_jwk import PyJWK

        alg_obj = self._algorithms[alg]
        head = _b64encode(_dumps(header, cls=json_encoder, sort_keys=sort_headers).encode())
        body = payload if unencoded else _b64encode(payload).encode()
        signing_input = head.encode() + b"." + body
        if isinstance(key, PyJWK):
            enforce = bool(self.options.get("enforce_minimum_key_length", False))
            key = key._core_key(enforce) if alg_obj._jose_name() is not None else key.key
        prepared = alg_obj.prepare_key(key)
        self._check_key_length(alg_obj, prepared, self.options, 4)
        signature = _b64encode(alg_obj.sign(signing_input, prepared))
        if unencoded:
            return f"{head}..{signature}"
        return f"{head}.{body.decode()}.{signature}"

    @staticmethod
    def _check_key_length(alg_obj: Algorithm, key: Any, options: Any, stacklevel: int) -> None:
        message = alg_obj.check_key_length(key)
        if message:
            if options.get("enforce_minimum_key_length", False):
                raise InvalidKeyError(message)
            warnings.warn(message, InsecureKeyLengthWarning, stacklevel=stacklevel)

    def _validate_headers(self, header: dict[str, Any]) -> None:
        """PyJWT's header checks, with its words; as ``DecodeError`` (an
        ``InvalidTokenError``, PyJWT's class), as the core reports a bad header."""
        if "kid" in header and not isinstance(header["kid"], str):
            raise DecodeError("Key ID header parameter must be a string")
        if "crit" in header:
            crit = header["crit"]
            if not isinstance(crit, list) or not crit:
                raise DecodeError("Invalid 'crit' header: must be a non-empty list")
            for ext in crit:
                if not isinstance(ext, str):
                    raise DecodeError("Invalid 'crit' header: values must be strings")
                if ext not in self._supported_crit:
                    raise DecodeError(f"Unsupported critical extension: {ext}")
                if ext not in header:
                    raise DecodeError(f"Critical extension '{ext}' is missing from headers")

    def _decode_python(
        self,
        token: str,
        key: Any,
        algorithms: Optional[Sequence[str]],
        merged: SigOptions,
        detached_payload: Optional[bytes],
    ) -> dict[str, Any]:
        """Verifies a token of a user's own algorithm through its algorithm object, or one
        with an unencoded (RFC 7797) payload: PyJWT's header checks and words here, the
        signature by the core's JWS layer (`jws_verify_detached`) for a built-in algorithm.
        The segments are decoded by the core as strictly as on the Rust path."""
        from .api_jwk import PyJWK

        header, payload, signature = jws_unverified(token)
        self._validate_headers(header)
        if not isinstance(header.get("b64", True), bool):
            # The core's rule (a malformed header), on this path too.
            raise DecodeError("The 'b64' header parameter must be a boolean")
        unencoded = header.get("b64", True) is False
        signing_input = token.rsplit(".", 1)[0].encode()
        if detached_payload is not None and not unencoded:
            raise DecodeError(
                'It is only valid to pass "detached_payload" when the protected header has '
                '"b64" set to false.'
            )
        if unencoded:
            crit = header.get("crit") or []
            if not isinstance(crit, list) or "b64" not in crit:
                raise InvalidTokenError(
                    "The 'b64' header parameter requires 'b64' to be listed in 'crit'."
                )
            if token.split(".")[1]:
                raise DecodeError("Payload segment must be empty when 'b64' is false.")
            if detached_payload is None:
                raise DecodeError(
                    'It is required that you pass in a value for the "detached_payload" '
                    "argument to decode a message having the b64 header set to false."
                )
            payload = detached_payload
            signing_input = signing_input.rsplit(b".", 1)[0] + b"." + payload
        if not merged.get("verify_signature", True):
            return {"payload": payload, "header": header, "signature": signature}
        if algorithms is None and isinstance(key, PyJWK):
            algorithms = [key.algorithm_name]
        alg = header.get("alg")
        if alg is None:
            raise InvalidAlgorithmError("Algorithm not specified")
        if not alg or alg == "none" or (algorithms is not None and alg not in algorithms):
            raise InvalidAlgorithmError("The specified alg value is not allowed")
        if isinstance(key, PyJWK) and alg != key.algorithm_name:
            raise InvalidAlgorithmError(
                f"Token algorithm {alg!r} does not match the key's algorithm "
                f"{key.algorithm_name!r}"
            )
        if unencoded and alg in self._native_algs():
            return self._verify_detached(token, key, algorithms, merged, payload)
        if isinstance(key, PyJWK):
            alg_obj: Algorithm = key.Algorithm
            key = key._core_key(bool(merged.get("enforce_minimum_key_length", False)))
        else:
            try:
                alg_obj = self.get_algorithm_by_name(alg)
            except NotImplementedError:
                raise InvalidAlgorithmError("Algorithm not supported") from None
        prepared = alg_obj.prepare_key(key)
        self._check_key_length(alg_obj, prepared, merged, 5)
        if not alg_obj.verify(signing_input, prepared, signature):
            raise InvalidSignatureError("Signature verification failed")
        return {"payload": payload, "header": header, "signature": signature}

    def _verify_detached(
        self,
        token: str,
        key: Any,
        algorithms: Optional[Sequence[str]],
        merged: SigOptions,
        payload: bytes,
    ) -> dict[str, Any]:
        """An RFC 7797 token of a built-in algorithm, verified by the core over the detached
        `payload` (its header already checked with PyJWT's words)."""
        native = self._native_algs()
        allowed = [alg for alg in self._allowed(algorithms, key) if alg in native]
        try:
            verifier = _keys.verifying_key(
                key, allowed, token, bool(merged.get("enforce_minimum_key_length", False))
            )
            header, payload, signature = jws_verify_detached(
                token, payload, verifier, allowed, DEFAULT_MAX_TOKEN_LEN
            )
        except InvalidTokenError:
            self._explain_key(unverified_header(token).get("alg"), algorithms, key)
            raise
        return {"payload": payload, "header": header, "signature": signature}

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
        verify = merged.get("verify_signature", True)
        if verify:
            _require_algorithms(algorithms, key)
        if detached_payload is not None or self._python_algs():
            return self._decode_python(token, key, algorithms, merged, detached_payload)
        if verify:
            allowed = self._allowed(algorithms, key)
            try:
                verifier = _keys.verifying_key(
                    key, allowed, token, bool(merged.get("enforce_minimum_key_length", False))
                )
                header, payload, signature = jws_verify(
                    token, verifier, allowed, DEFAULT_MAX_TOKEN_LEN
                )
            except InvalidTokenError:
                self._explain(token, algorithms, key)
                raise
        else:
            # Every segment decoded by the core, as strictly as on the verify path.
            header, payload, signature = jws_unverified(token)
            self._validate_headers(header)
            if header.get("b64", True) is False:
                return self._decode_python(token, key, algorithms, merged, None)
        return {"payload": payload, "header": header, "signature": signature}

    def _allowed(self, algorithms: Optional[Sequence[str]], key: Any) -> list[str]:
        """The allow-list for the core: the caller's names this object runs in Rust."""
        return [alg for alg in _allowed(algorithms, key) if alg in self._algorithms]

    @staticmethod
    def _decode_base64url_segment(segment: bytes, name: str) -> bytes:
        """One token segment, decoded as the core decodes it: base64url without padding and
        with canonical trailing bits, or ``DecodeError("Invalid <name> padding")``."""
        try:
            text = segment.decode("ascii")
            decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (UnicodeDecodeError, ValueError):
            raise DecodeError(f"Invalid {name} padding") from None
        if "=" in text or _b64encode(decoded) != text:
            raise DecodeError(f"Invalid {name} padding")
        return decoded

    def _explain(self, token: str, algorithms: Optional[Sequence[str]], key: Any = None) -> None:
        """After the core refused `token`: PyJWT's verdict and words where they differ (a
        segment's encoding, a header that is no JSON object, an RFC 7797 token, a ``crit``
        PyJWT refuses, an allowed alg this object has no algorithm for, a key that cannot
        serve the token's alg). The core's refusal stands whenever nothing here finds a
        reason."""
        from .api_jwk import PyJWK

        try:
            token.encode("utf-8")
        except UnicodeEncodeError:
            return
        parts = token.split(".")
        if len(parts) != 3:
            return
        raw_header = self._decode_base64url_segment(parts[0].encode(), "header")
        try:
            header = json.loads(raw_header)
        except (ValueError, RecursionError) as err:
            raise DecodeError(f"Invalid header string: {err}") from None
        if not isinstance(header, dict):
            raise DecodeError("Invalid header string: must be a json object")
        if header.get("b64", True) is not False:
            self._decode_base64url_segment(parts[1].encode(), "payload")
        self._decode_base64url_segment(parts[2].encode(), "crypto")
        self._validate_headers(header)
        if header.get("b64", True) is False:
            crit = header.get("crit") or []
            if not isinstance(crit, list) or "b64" not in crit:
                raise InvalidTokenError(
                    "The 'b64' header parameter requires 'b64' to be listed in 'crit'."
                )
            raise DecodeError(
                'It is required that you pass in a value for the "detached_payload" '
                "argument to decode a message having the b64 header set to false."
            )
        alg = header.get("alg")
        if alg is None:
            raise InvalidAlgorithmError("Algorithm not specified")
        if algorithms is not None and alg in algorithms and alg not in self._algorithms:
            raise InvalidAlgorithmError("Algorithm not supported")
        if isinstance(key, PyJWK) and alg != key.algorithm_name and (
            algorithms is None or alg in algorithms
        ):
            raise InvalidAlgorithmError(
                f"Token algorithm {alg!r} does not match the key's algorithm "
                f"{key.algorithm_name!r}"
            )
        self._explain_key(alg, algorithms, key)

    @staticmethod
    def _explain_key(alg: Any, algorithms: Optional[Sequence[str]], key: Any) -> None:
        """``InvalidAlgorithmForKeyError`` when the core refused a token of an allowed `alg`
        because `key` cannot serve it (PyJWT's class for it)."""
        from .api_jwk import PyJWK

        if isinstance(key, PyJWK):
            key = key._native_key
        elif _keys._is_cryptography_key(key):
            key = _keys._crypto_keys.get(key)
        elif isinstance(key, (str, bytes)) and alg not in HMAC_ALGORITHMS:
            # Key text read as the verify path read it for a public-key alg: a key of
            # another family is the same refusal as for a key object.
            try:
                key = _keys._parse_asymmetric(_keys._to_bytes(key))
            except PyJWTError:
                return
        if (
            isinstance(key, Key)
            and isinstance(alg, str)
            and alg in _KNOWN
            and (algorithms is None or alg in algorithms)
            and not key.accepts(alg)
        ):
            raise InvalidAlgorithmForKeyError(f"The key cannot verify {alg} tokens")

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
        token = _as_text(jwt)
        try:
            header = unverified_header(token)
        except InvalidTokenError:
            self._explain(token, None)
            raise
        if "crit" in header:
            self._validate_headers(header)
        return header


_jws_global_obj = PyJWS()
encode = _jws_global_obj.encode
decode_complete = _jws_global_obj.decode_complete
decode = _jws_global_obj.decode
register_algorithm = _jws_global_obj.register_algorithm
unregister_algorithm = _jws_global_obj.unregister_algorithm
get_algorithm_by_name = _jws_global_obj.get_algorithm_by_name
get_unverified_header = _jws_global_obj.get_unverified_header
