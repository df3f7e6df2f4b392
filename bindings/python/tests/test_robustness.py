"""Hostile inputs through the Python API: each call ends, quickly, in a clean exception.

A token (and often a key or a JWK) is whatever an attacker sent. Whatever it is, jwtkit must
raise a PyJWT exception (a ``jwtkit.PyJWTError``) or ``TypeError``/``ValueError``: never
crash the interpreter, hang, run out of memory or leak some other exception past the
``except jwt.InvalidTokenError`` of the application. Every case below states which one it
gets, and runs under a wall-clock bound (a hang guard, not a performance test).

The one family of exceptions let through unchanged is the caller's own: an object whose
``__len__``, ``__index__`` or ``default`` raises makes jwtkit's call of it raise just that,
as PyJWT and Python's builtins do (``Boom`` below), never something else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

import jwtkit

#: The hang guard: every case ends well within this (they take milliseconds).
LIMIT_S = 2.0

SECRET = b"k" * 32
DEEP = 10**5
BIG = 10 * 1024 * 1024


class Boom(Exception):
    """The caller's own exception, raised by a hostile object's method."""


def _bounded(call: Callable[[], Any], expected: Any) -> BaseException:
    """Runs `call`, which must raise `expected` (a class or tuple) within LIMIT_S."""
    start = time.monotonic()
    with pytest.raises(expected) as info:
        call()
    elapsed = time.monotonic() - start
    assert elapsed < LIMIT_S, f"took {elapsed:.2f}s"
    error: BaseException = info.value
    return error


def _returns(call: Callable[[], Any]) -> Any:
    """Runs `call`, which must return within LIMIT_S."""
    start = time.monotonic()
    result = call()
    elapsed = time.monotonic() - start
    assert elapsed < LIMIT_S, f"took {elapsed:.2f}s"
    return result


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _mac(header: bytes, payload: bytes, secret: bytes = SECRET) -> str:
    """A compact HS256 JWS over exact header and payload bytes, validly MAC'd, so that it
    gets past the signature check to header and claim parsing."""
    signing_input = f"{_b64(header)}.{_b64(payload)}"
    tag = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(tag)}"


HEADER = b'{"alg":"HS256","typ":"JWT"}'
GOOD = _mac(HEADER, b'{"sub":"alice"}')
KEY = jwtkit.Key.from_secret(SECRET)
#: Validation with the token length limit raised to 100 MB, so that huge, validly MAC'd
#: tokens reach header and claim parsing.
WIDE = jwtkit.Validator(["HS256"], verify_exp=False, require=[], max_token_len=100 * 1024 * 1024)
OCT_K = _b64(SECRET)


def _deep_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _deep_py(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


# ---------------------------------------------------------------------------------------
# Every entry point that takes a token, as (name, call(token)).

TOKEN_APIS: list[tuple[str, Callable[[Any], Any]]] = [
    ("decode", lambda t: jwtkit.decode(t, SECRET, algorithms=["HS256"])),
    ("decode_complete", lambda t: jwtkit.decode_complete(t, SECRET, algorithms=["HS256"])),
    ("decode unverified", lambda t: jwtkit.decode(t, options={"verify_signature": False})),
    (
        "decode_complete unverified",
        lambda t: jwtkit.decode_complete(t, options={"verify_signature": False}),
    ),
    ("get_unverified_header", jwtkit.get_unverified_header),
    ("PyJWS.decode", lambda t: jwtkit.PyJWS().decode(t, SECRET, algorithms=["HS256"])),
    (
        "PyJWS.decode unverified",
        lambda t: jwtkit.PyJWS().decode(t, options={"verify_signature": False}),
    ),
    ("Validator.decode", lambda t: WIDE.decode(t, KEY)),
    ("Validator.decode_complete", lambda t: WIDE.decode_complete(t, KEY)),
    (
        "Validator default limit",
        lambda t: jwtkit.Validator(["HS256"], verify_exp=False).decode(t, KEY),
    ),
]
TOKEN_API_IDS = [name for name, _ in TOKEN_APIS]
TOKEN_CALLS = [call for _, call in TOKEN_APIS]
_JWS_CALLS = [call for name, call in TOKEN_APIS if name.startswith("PyJWS")]


class _StrRaises(str):
    """A str subclass whose own methods all raise: only its character data may be read."""

    def __str__(self) -> str:
        raise Boom("__str__")

    def __repr__(self) -> str:
        raise Boom("__repr__")

    def __len__(self) -> int:
        raise Boom("__len__")


class _Hostile:
    """Not text at all, and every method a library might call on it raises."""

    def __str__(self) -> str:
        raise Boom("__str__")

    def __repr__(self) -> str:
        raise Boom("__repr__")

    def __index__(self) -> int:
        raise Boom("__index__")

    def __len__(self) -> int:
        raise Boom("__len__")


class _Unprintable:
    """An object (JSON could never make it) whose __str__ and __repr__ raise."""

    def __str__(self) -> str:
        raise Boom("__str__")

    def __repr__(self) -> str:
        raise Boom("__repr__")


class _StrSub(str):
    pass


class _BytesSub(bytes):
    pass


class _DictSub(dict):  # type: ignore[type-arg]
    pass


# ---------------------------------------------------------------------------------------
# Huge tokens: 10 MB, 10^6 dots. DecodeError from every entry point, even with the length
# limit raised (then from the segment or JSON parser).

HUGE_TOKENS = {
    "10MB one segment": "a" * BIG,
    "10MB three segments": "a" * BIG + ".b.c",
    "10MB each of three segments": ".".join(["a" * BIG] * 3),
    "10^6 dots": "." * 10**6,
    "10MB bytes": b"a" * BIG + b".b.c",
    "10MB of NULs": "\x00" * BIG,
}


@pytest.mark.parametrize("call", TOKEN_CALLS, ids=TOKEN_API_IDS)
@pytest.mark.parametrize("token", list(HUGE_TOKENS.values()), ids=list(HUGE_TOKENS))
def test_huge_token_is_a_decode_error(call: Callable[[Any], Any], token: Any) -> None:
    _bounded(lambda: call(token), jwtkit.DecodeError)


def test_huge_validly_macd_claims_decode_with_a_raised_limit() -> None:
    # A 10 MB claim, validly MAC'd: with the limit raised it is simply decoded.
    token = _mac(HEADER, b'{"blob":"' + b"x" * BIG + b'"}')
    assert len(_returns(lambda: WIDE.decode(token, KEY))["blob"]) == BIG
    # At the default limit it is refused before any work.
    _bounded(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"]), jwtkit.DecodeError)


# ---------------------------------------------------------------------------------------
# Deep nesting, 10^5 levels, in the header and the claims of validly MAC'd tokens: refused
# by the JSON parser's depth limit (DecodeError), with no stack overflow.

DEEP_TOKENS = {
    "header array": _mac(b'{"alg":"HS256","x":' + _deep_json(DEEP) + b"}", b"{}"),
    "header object": _mac(
        b'{"alg":"HS256","x":' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}", b"{}"
    ),
    "claims array": _mac(HEADER, b'{"x":' + _deep_json(DEEP) + b"}"),
    "claims object": _mac(HEADER, b'{"x":' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}"),
    "claims unclosed": _mac(HEADER, b'{"x":' + b"[" * DEEP),
}


@pytest.mark.parametrize("call", TOKEN_CALLS, ids=TOKEN_API_IDS)
@pytest.mark.parametrize("token", list(DEEP_TOKENS.values()), ids=list(DEEP_TOKENS))
def test_deeply_nested_token_is_a_decode_error(call: Callable[[Any], Any], token: str) -> None:
    err = _bounded(lambda: call(token), jwtkit.DecodeError)
    if call is TOKEN_CALLS[TOKEN_API_IDS.index("Validator.decode")]:
        # Past the signature (the limit is raised): the parser's depth limit refused it.
        assert "recursion limit" in str(err)


def test_moderate_nesting_still_decodes() -> None:
    token = _mac(HEADER, b'{"x":' + _deep_json(100) + b"}")
    claims = _returns(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"]))
    depth, value = 0, claims["x"]
    while value:
        depth, value = depth + 1, value[0]
    assert depth == 99


@pytest.mark.parametrize(
    "call",
    [
        lambda v: jwtkit.encode({"x": v}, SECRET),
        lambda v: jwtkit.encode({"x": 1}, SECRET, headers={"x": v}),
        lambda v: jwtkit.PyJWT().encode({"x": v}, SECRET),
    ],
    ids=["claims", "header", "PyJWT().encode"],
)
def test_encode_deeply_nested_python_value_is_a_value_error(call: Callable[[Any], Any]) -> None:
    # PyJWT lets json's RecursionError out; jwtkit reports it as ValueError.
    _bounded(lambda: call(_deep_py(DEEP)), ValueError)


@pytest.mark.parametrize(
    "call",
    [
        lambda v: jwtkit.Key.from_jwk({"kty": "oct", "k": OCT_K, "x": v}),
        lambda v: jwtkit.Key.from_jwk({"kty": "oct", "k": v}),
        lambda v: jwtkit.PyJWK({"kty": "oct", "k": OCT_K, "x": v}),
        lambda v: jwtkit.PyJWK({"kty": v}),
        lambda v: jwtkit.PyJWK({"x": v}),
        lambda v: jwtkit.KeySet.from_jwks({"keys": [{"kty": "oct", "k": OCT_K, "x": v}]}),
    ],
    ids=["from_jwk member", "from_jwk k", "PyJWK member", "PyJWK kty", "PyJWK no kty", "KeySet"],
)
def test_deeply_nested_jwk_dict_is_an_invalid_key(call: Callable[[Any], Any]) -> None:
    _bounded(lambda: call(_deep_py(DEEP)), jwtkit.InvalidKeyError)


def test_deeply_nested_jwk_text_is_an_invalid_key() -> None:
    text = '{"kty":"oct","k":"' + OCT_K + '","x":' + "[" * DEEP + "]" * DEEP + "}"
    _bounded(lambda: jwtkit.Key.from_jwk(text), jwtkit.InvalidKeyError)
    _bounded(lambda: jwtkit.KeySet.from_jwks('{"keys":[' + text + "]}"), jwtkit.PyJWTError)


# ---------------------------------------------------------------------------------------
# NUL bytes.

NUL_TOKENS = {
    "lone": "\x00",
    "in the header segment": "a\x00b.c.d",
    "bytes, in the header segment": GOOD.encode()[:10] + b"\x00" + GOOD.encode()[10:],
    "raw NUL in header JSON": _mac(b'{"alg":"HS256\x00"}', b"{}"),
}


@pytest.mark.parametrize("call", TOKEN_CALLS, ids=TOKEN_API_IDS)
@pytest.mark.parametrize("token", list(NUL_TOKENS.values()), ids=list(NUL_TOKENS))
def test_nul_in_token_is_a_decode_error(call: Callable[[Any], Any], token: Any) -> None:
    _bounded(lambda: call(token), jwtkit.DecodeError)


def test_raw_nul_in_claims_json() -> None:
    token = _mac(HEADER, b'{"sub":"a\x00b"}')
    for call in TOKEN_CALLS:
        if call in (jwtkit.get_unverified_header, *_JWS_CALLS):
            continue  # these never parse the claims
        _bounded(lambda: call(token), jwtkit.DecodeError)
    # PyJWS hands back the payload bytes as they are, as PyJWT.
    assert _returns(lambda: _JWS_CALLS[0](token)) == b'{"sub":"a\x00b"}'


def test_nul_in_the_payload_segment() -> None:
    token = GOOD.replace(".", ".\x00", 1)
    for call in TOKEN_CALLS:
        if call in (jwtkit.get_unverified_header, _JWS_CALLS[1]):
            continue  # these never read the payload, or read it with Python's lenient base64
        _bounded(lambda: call(token), jwtkit.DecodeError)


@pytest.mark.parametrize(
    "token", [GOOD + "\x00", GOOD[:-4] + "\x00" + GOOD[-3:]], ids=["after", "inside"]
)
def test_nul_in_the_signature_segment(token: str) -> None:
    for call in (
        lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"]),
        lambda: jwtkit.PyJWS().decode(token, SECRET, algorithms=["HS256"]),
        lambda: WIDE.decode(token, KEY),
    ):
        _bounded(call, jwtkit.DecodeError)
    # The unverified paths check the signature segment's encoding too, as PyJWT does.
    _bounded(lambda: jwtkit.get_unverified_header(token), jwtkit.DecodeError)
    _bounded(lambda: jwtkit.decode(token, options={"verify_signature": False}), jwtkit.DecodeError)


def test_escaped_nul_in_values_round_trips() -> None:
    token = _returns(
        lambda: jwtkit.encode({"sub": "a\x00b"}, SECRET, headers={"kid": "k\x00id"})
    )
    assert jwtkit.decode(token, SECRET, algorithms=["HS256"])["sub"] == "a\x00b"
    assert jwtkit.get_unverified_header(token)["kid"] == "k\x00id"


def test_nul_in_keys() -> None:
    pem = "-----BEGIN PUBLIC KEY-----\n\x00\x00\n-----END PUBLIC KEY-----\n"
    _bounded(lambda: jwtkit.Key.from_pem(pem), jwtkit.InvalidKeyError)
    _bounded(lambda: jwtkit.Key.from_jwk({"kty": "oct", "k": "\x00"}), jwtkit.InvalidKeyError)
    _bounded(lambda: jwtkit.PyJWK({"kty": "oct", "k": "\x00"}), jwtkit.InvalidKeyError)
    _bounded(lambda: jwtkit.PyJWK({"kty": "\x00"}), jwtkit.InvalidKeyError)
    # NULs in a secret are just bytes of the secret: the wrong secret here.
    _bounded(
        lambda: jwtkit.decode(GOOD, b"\x00" * 32, algorithms=["HS256"]),
        jwtkit.InvalidSignatureError,
    )
    assert jwtkit.Key.from_secret(b"\x00" * 32, kid="a\x00").key_id == "a\x00"


# ---------------------------------------------------------------------------------------
# Lone surrogates. In a token they are DecodeError (PyJWT lets UnicodeEncodeError out, which
# escapes `except InvalidTokenError`; `json.loads` of a request body makes such strings).

SURROGATE_TOKENS = {
    "lone": "\ud800",
    "header segment": "\ud800." + GOOD,
    "for a dot": GOOD.replace(".", "\udfff", 1),
    "signature": GOOD[:-1] + "\ud800",
    "str subclass": _StrSub(GOOD + "\ud800"),
}


@pytest.mark.parametrize("call", TOKEN_CALLS, ids=TOKEN_API_IDS)
@pytest.mark.parametrize("token", list(SURROGATE_TOKENS.values()), ids=list(SURROGATE_TOKENS))
def test_surrogate_in_token_is_a_decode_error(call: Callable[[Any], Any], token: str) -> None:
    _bounded(lambda: call(token), jwtkit.DecodeError)


def test_surrogate_escapes_inside_the_json_are_decode_errors() -> None:
    # Valid JSON text, but a lone surrogate is no Unicode scalar: the core refuses it
    # (PyJWT's json.loads would hand back the lone surrogate).
    for token in (
        _mac(HEADER, b'{"sub":"\\ud800"}'),
        _mac(b'{"alg":"HS256","kid":"\\udc00"}', b"{}"),
    ):
        _bounded(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"]), jwtkit.DecodeError)
        _bounded(lambda: WIDE.decode(token, KEY), jwtkit.DecodeError)


def test_surrogate_in_claims_and_headers_on_encode() -> None:
    # json.dumps escapes it, as in PyJWT; jwtkit's decode then refuses the token.
    token = _returns(lambda: jwtkit.encode({"sub": "\ud800"}, SECRET))
    _bounded(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"]), jwtkit.DecodeError)
    # The core refuses to sign a header it could not read back.
    for headers in ({"kid": "\ud800"}, {"x": "\ud800"}):
        _bounded(lambda: jwtkit.encode({"a": 1}, SECRET, headers=headers), jwtkit.DecodeError)


@pytest.mark.parametrize(
    "call, expected",
    [
        # Key material and configuration given as str must be UTF-8: UnicodeEncodeError, a
        # ValueError, as PyJWT raises for a secret.
        (lambda: jwtkit.decode(GOOD, "\ud800" * 32, algorithms=["HS256"]), ValueError),
        (lambda: jwtkit.encode({"a": 1}, "\ud800" * 32), ValueError),
        (lambda: jwtkit.Key.from_pem("\ud800"), ValueError),
        (lambda: jwtkit.Key.from_jwk('{"kty":"oct","k":"\ud800"}'), ValueError),
        # (A secret is read as bytes or as a str that is text: TypeError.)
        (lambda: jwtkit.Key.from_secret("\ud800" * 32), TypeError),
        (lambda: jwtkit.Key.from_secret(SECRET, kid="\ud800"), ValueError),
        (lambda: jwtkit.Validator(["HS256"], audience="\ud800"), ValueError),
        (lambda: jwtkit.Validator(["\ud800"]), ValueError),
        (
            lambda: jwtkit.decode(GOOD, SECRET, algorithms=["HS256"], audience="\ud800"),
            ValueError,
        ),
        # In a JWK dict, json.dumps escapes it and the core refuses the escape.
        (lambda: jwtkit.Key.from_jwk({"kty": "oct", "k": "\ud800"}), jwtkit.InvalidKeyError),
        (lambda: jwtkit.PyJWK({"kty": "oct", "k": "\ud800"}), jwtkit.InvalidKeyError),
        (lambda: jwtkit.PyJWK({"kty": "\ud800"}), jwtkit.InvalidKeyError),
    ],
)
def test_surrogate_in_keys_and_configuration(call: Callable[[], Any], expected: Any) -> None:
    _bounded(call, expected)


# ---------------------------------------------------------------------------------------
# Objects that are not str or bytes.

NOT_TEXT = {
    "None": None,
    "int": 1,
    "float": 1.5,
    "list": [GOOD],
    "dict": {"token": GOOD},
    "object": object(),
    "hostile": _Hostile(),
    "bytearray": bytearray(GOOD.encode()),
    "memoryview": memoryview(GOOD.encode()),
}


@pytest.mark.parametrize("call", TOKEN_CALLS, ids=TOKEN_API_IDS)
@pytest.mark.parametrize("token", list(NOT_TEXT.values()), ids=list(NOT_TEXT))
def test_non_text_token_is_a_decode_error(call: Callable[[Any], Any], token: Any) -> None:
    # PyJWT's "Invalid token type. Token must be a <class 'bytes'>".
    err = _bounded(lambda: call(token), jwtkit.DecodeError)
    assert "Invalid token type" in str(err)


@pytest.mark.parametrize("key", list(NOT_TEXT.values()), ids=list(NOT_TEXT))
def test_non_text_key(key: Any) -> None:
    _bounded(lambda: jwtkit.decode(GOOD, key, algorithms=["HS256"]), TypeError)
    _bounded(lambda: jwtkit.encode({"a": 1}, key), TypeError)
    _bounded(lambda: WIDE.decode(GOOD, key), TypeError)
    _bounded(lambda: jwtkit.PyJWS().decode(GOOD, key, algorithms=["HS256"]), TypeError)
    _bounded(lambda: jwtkit.Key.from_pem(key), TypeError)
    _bounded(lambda: jwtkit.Key.from_secret(key), TypeError)


@pytest.mark.parametrize(
    "jwk, expected",
    [
        # Serializable, but not a JWK object.
        (None, jwtkit.InvalidKeyError),
        (1, jwtkit.InvalidKeyError),
        (1.5, jwtkit.InvalidKeyError),
        ([GOOD], jwtkit.InvalidKeyError),
        ({"token": GOOD}, jwtkit.InvalidKeyError),
        # Not JSON-serializable at all.
        (object(), TypeError),
        (_Hostile(), TypeError),
        (bytearray(b"{}"), TypeError),
        (memoryview(b"{}"), TypeError),
    ],
    ids=list(NOT_TEXT),
)
def test_non_text_jwk(jwk: Any, expected: Any) -> None:
    _bounded(lambda: jwtkit.Key.from_jwk(jwk), expected)
    # PyJWK takes a dict: anything else is InvalidKeyError (PyJWT: AttributeError).
    _bounded(lambda: jwtkit.PyJWK(jwk), jwtkit.InvalidKeyError)


@pytest.mark.parametrize("value", list(NOT_TEXT.values()), ids=list(NOT_TEXT))
def test_non_text_arguments_elsewhere(value: Any) -> None:
    if not isinstance(value, dict):
        _bounded(lambda: jwtkit.encode(value, SECRET), TypeError)
    if value is not None and not isinstance(value, dict):
        # (PyJWT: AttributeError from `.get` on whatever was passed.)
        _bounded(
            lambda: jwtkit.decode(GOOD, SECRET, algorithms=["HS256"], options=value),
            TypeError,
        )
    if value is not None and not isinstance(value, (dict, _Hostile)):
        _bounded(lambda: jwtkit.encode({"a": 1}, SECRET, headers=value), TypeError)
    # A kid must be a string, as in PyJWT.
    if value is not None:
        _bounded(
            lambda: jwtkit.encode({"a": 1}, SECRET, headers={"kid": value}),
            jwtkit.InvalidTokenError,
        )
    # An allow-list that is no list of names verifies nothing (the hostile object's
    # truth value raises its own exception).
    _bounded(
        lambda: jwtkit.decode(GOOD, SECRET, algorithms=value),
        Boom if isinstance(value, _Hostile) else (jwtkit.PyJWTError, TypeError),
    )
    # Configuration of the wrong type.
    if value is not None and not isinstance(value, (list, dict)):
        _bounded(lambda: jwtkit.Validator(["HS256"], audience=value), TypeError)
        _bounded(lambda: jwtkit.Key.from_secret(SECRET, kid=value), TypeError)
    if not isinstance(value, (int, float)) and value is not None:
        _bounded(lambda: jwtkit.Validator(["HS256"], leeway=value), (TypeError, Boom))
        _bounded(
            lambda: jwtkit.decode(GOOD, SECRET, algorithms=["HS256"], leeway=value),
            (TypeError, Boom),
        )


# ---------------------------------------------------------------------------------------
# Subclasses of str, bytes and dict work like the base types; a str subclass is read as
# characters, never through its (here raising) methods.


@pytest.mark.parametrize(
    "token",
    [_StrSub(GOOD), _BytesSub(GOOD.encode()), _StrRaises(GOOD)],
    ids=["str subclass", "bytes subclass", "str subclass with raising methods"],
)
def test_subclassed_token_decodes(token: Any) -> None:
    assert _returns(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"]))["sub"] == "alice"
    assert _returns(lambda: jwtkit.decode_complete(token, SECRET, algorithms=["HS256"]))[
        "header"
    ]["alg"] == "HS256"
    assert _returns(lambda: jwtkit.get_unverified_header(token))["alg"] == "HS256"
    assert _returns(lambda: jwtkit.PyJWS().decode(token, SECRET, algorithms=["HS256"])) == (
        b'{"sub":"alice"}'
    )
    assert _returns(lambda: WIDE.decode(token, KEY))["sub"] == "alice"


def test_subclassed_keys_and_claims() -> None:
    token = _returns(
        lambda: jwtkit.encode(
            _DictSub(sub=_StrSub("bob")), _BytesSub(SECRET), headers=_DictSub(kid=_StrSub("k1"))
        )
    )
    assert jwtkit.decode(token, _StrSub(SECRET.decode()), algorithms=["HS256"])["sub"] == "bob"
    assert jwtkit.get_unverified_header(token)["kid"] == "k1"
    assert jwtkit.Key.from_secret(_BytesSub(SECRET), kid=_StrSub("k")).key_id == "k"
    assert jwtkit.Key.from_jwk(_DictSub(kty="oct", k=OCT_K)).family == "HMAC"
    assert jwtkit.PyJWK(_DictSub(kty="oct", k=OCT_K)).algorithm_name == "HS256"


# ---------------------------------------------------------------------------------------
# Objects whose __str__, __repr__, __index__ or __len__ raise.


def test_hostile_objects_in_jwks_never_reach_str() -> None:
    # PyJWK's messages print the offending value; one that cannot be printed is named by
    # its type instead of letting its exception out.
    for jwk in (
        {"kty": _Unprintable()},
        {"kty": "EC", "crv": _Unprintable()},
        {"kty": "OKP", "crv": _Unprintable()},
        {"kty": "OKP", "x": _Unprintable()},
        {"x": _Unprintable()},
    ):
        err = _bounded(lambda: jwtkit.PyJWK(jwk), jwtkit.InvalidKeyError)
        assert "_Unprintable object>" in str(err) or "<dict object>" in str(err)
    err = _bounded(lambda: jwtkit.PyJWK({"kty": "oct", "alg": _Unprintable()}), jwtkit.PyJWKError)
    assert "dict" in str(err)
    _bounded(lambda: jwtkit.PyJWK({"kty": "oct", "k": OCT_K, "x": _Unprintable()}), TypeError)
    _bounded(lambda: jwtkit.PyJWK({"kty": "oct", "k": _Hostile()}), TypeError)
    # A kty whose truth value raises: that exception (PyJWK must ask whether it is empty).
    _bounded(lambda: jwtkit.PyJWK({"kty": _Hostile()}), Boom)


def test_hostile_objects_where_jwtkit_must_call_them() -> None:
    # Truthiness of an allow-list or headers, a leeway's number: the caller's exception,
    # unchanged (as PyJWT). Nothing else gets out.
    _bounded(lambda: jwtkit.decode(GOOD, SECRET, algorithms=_Hostile()), Boom)  # type: ignore[arg-type]
    _bounded(lambda: jwtkit.decode(GOOD, SECRET, algorithms=_StrRaises("HS256")), Boom)
    _bounded(lambda: jwtkit.encode({"a": 1}, SECRET, headers=_Hostile()), Boom)  # type: ignore[arg-type]
    _bounded(lambda: jwtkit.Validator(["HS256"], leeway=_Hostile()), Boom)  # type: ignore[arg-type]
    _bounded(lambda: jwtkit.Validator(["HS256"], max_token_len=_Hostile()), Boom)  # type: ignore[arg-type]
    # Where jwtkit only names them, it never calls them.
    _bounded(lambda: jwtkit.encode({"a": _Hostile()}, SECRET), TypeError)
    _bounded(lambda: jwtkit.encode({"a": 1}, SECRET, algorithm=_Hostile()), NotImplementedError)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# encode: a raising json_encoder, values JSON cannot hold, cycles, huge and non-finite numbers.


class _RaisingEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        raise Boom("default")


class _TypeErrorEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        raise TypeError(f"cannot encode {type(o).__name__}")


class _EncodeRaises(json.JSONEncoder):
    def encode(self, o: Any) -> str:
        raise Boom("encode")


def _cycle_dict() -> dict[str, Any]:
    value: dict[str, Any] = {}
    value["self"] = value
    return value


def _cycle_list() -> list[Any]:
    value: list[Any] = []
    value.append(value)
    return value


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: jwtkit.encode({"a": object()}, SECRET, json_encoder=_TypeErrorEncoder), TypeError),
        (lambda: jwtkit.encode({"a": object()}, SECRET, json_encoder=_RaisingEncoder), Boom),
        (lambda: jwtkit.encode({"a": 1}, SECRET, json_encoder=_EncodeRaises), Boom),
        (
            lambda: jwtkit.encode({"a": 1}, SECRET, headers={"x": object()}, json_encoder=_RaisingEncoder),
            Boom,
        ),
        (lambda: jwtkit.encode({"a": 1}, SECRET, json_encoder=5), TypeError),  # type: ignore[arg-type]
        # Values JSON cannot hold: TypeError, as json.dumps and PyJWT.
        (lambda: jwtkit.encode({"a": {1, 2}}, SECRET), TypeError),
        (lambda: jwtkit.encode({"a": b"bytes"}, SECRET), TypeError),
        (lambda: jwtkit.encode({"a": object()}, SECRET), TypeError),
        (lambda: jwtkit.encode({"a": bytearray(b"x")}, SECRET), TypeError),
        (lambda: jwtkit.encode({"a": memoryview(b"x")}, SECRET), TypeError),
        (lambda: jwtkit.encode({("tuple", "key"): 1}, SECRET), TypeError),  # type: ignore[dict-item]
        (lambda: jwtkit.encode({"a": 1}, SECRET, headers={"x": {1}}), TypeError),
        # Cycles: json's ValueError, as PyJWT.
        (lambda: jwtkit.encode({"a": _cycle_dict()}, SECRET), ValueError),
        (lambda: jwtkit.encode({"a": _cycle_list()}, SECRET), ValueError),
        (lambda: jwtkit.encode({"a": 1}, SECRET, headers={"x": _cycle_dict()}), ValueError),
        # NaN and infinities: ValueError (PyJWT writes `NaN`, which is not JSON and which
        # jwtkit's own decode refuses).
        (lambda: jwtkit.encode({"a": math.nan}, SECRET), ValueError),
        (lambda: jwtkit.encode({"exp": math.inf}, SECRET), ValueError),
        (lambda: jwtkit.encode({"a": [-math.inf]}, SECRET), ValueError),
        (lambda: jwtkit.encode({"a": 1}, SECRET, headers={"x": math.nan}), ValueError),
        # An int past Python's int-to-text limit: ValueError from int.__str__.
        (lambda: jwtkit.encode({"a": 10**5000}, SECRET), ValueError),
        # A header number the core could not read back is refused before signing.
        (lambda: jwtkit.encode({"a": 1}, SECRET, headers={"x": 10**400}), jwtkit.DecodeError),
        # bytearray/memoryview as the PyJWS payload or secret.
        (lambda: jwtkit.PyJWS().encode(bytearray(b"{}"), SECRET), TypeError),  # type: ignore[arg-type]
        (lambda: jwtkit.PyJWS().encode(memoryview(b"{}"), SECRET), TypeError),  # type: ignore[arg-type]
    ],
)
def test_encode_refuses(call: Callable[[], Any], expected: Any) -> None:
    _bounded(call, expected)


def test_huge_ints_in_claims() -> None:
    # Written as JSON numbers; on decode the core refuses what no f64 can hold, and integers
    # beyond 64 bits come back exact, as json.loads (and so PyJWT) gives them (see
    # `claims_to_py`), on every path.
    token = _returns(lambda: jwtkit.encode({"a": 10**400}, SECRET))
    _bounded(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"]), jwtkit.DecodeError)
    wide = {"a": 10**30, "b": 2**63 - 1, "c": [-(2**80), {"d": 2**64}], "e": 1.5e30}
    token = _returns(lambda: jwtkit.encode(wide, SECRET))
    for claims in (
        _returns(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"])),
        _returns(lambda: jwtkit.decode_complete(token, SECRET, algorithms=["HS256"])["payload"]),
        _returns(lambda: jwtkit.decode(token, options={"verify_signature": False})),
        _returns(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})),
    ):
        assert claims == wide
        assert type(claims["a"]) is int and type(claims["e"]) is float
    for exp in (b"9" * 400, b"1e400", b"-1e300", b"1" + b"0" * 30):
        token = _mac(HEADER, b'{"exp":' + exp + b"}")
        _bounded(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"]), jwtkit.DecodeError)


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_finite_literals_in_a_macd_token(literal: bytes) -> None:
    token = _mac(HEADER, b'{"exp":' + literal + b"}")
    _bounded(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256"]), jwtkit.DecodeError)
    _bounded(lambda: WIDE.decode(token, KEY), jwtkit.DecodeError)


# ---------------------------------------------------------------------------------------
# Hostile key material.


@pytest.mark.parametrize(
    "call",
    [
        lambda: jwtkit.Key.from_pem("-----BEGIN PUBLIC KEY-----\n" + "A" * BIG + "\n-----END PUBLIC KEY-----\n"),
        lambda: jwtkit.Key.from_pem("-----BEGIN PUBLIC KEY-----\n" * 10**5),
        lambda: jwtkit.Key.from_pem(b"\xff\xfe" * 1000),
        lambda: jwtkit.Key.from_jwk("{" * DEEP),
        lambda: jwtkit.Key.from_jwk('{"kty":"RSA","n":"' + "A" * BIG + '","e":"AQAB"}'),
        lambda: jwtkit.PyJWK({"kty": "EC", "crv": "P-256", "x": "A" * BIG, "y": "A"}),
        lambda: jwtkit.PyJWK({"kty": "RSA", "n": "\x00", "e": "AQAB"}),
        lambda: jwtkit.decode(GOOD, "-----BEGIN PUBLIC KEY-----\n" + "A" * BIG, algorithms=["RS256"]),
    ],
    ids=["10MB PEM", "10^5 PEM headers", "non-UTF-8 PEM", "unclosed JWK", "10MB RSA n",
         "10MB EC x", "NUL RSA n", "10MB PEM to decode"],
)
def test_hostile_key_material_is_an_invalid_key(call: Callable[[], Any]) -> None:
    _bounded(call, (jwtkit.InvalidKeyError, jwtkit.InvalidAlgorithmError))


def test_huge_secret_is_just_a_long_secret() -> None:
    key = _returns(lambda: jwtkit.Key.from_secret(b"s" * BIG))
    token = _returns(lambda: jwtkit.encode({"a": 1}, key, algorithm="HS256"))
    assert _returns(lambda: jwtkit.decode(token, key, algorithms=["HS256"])) == {"a": 1}
    jwk = {"kty": "oct", "k": _b64(b"s" * BIG)}
    assert _returns(lambda: jwtkit.Key.from_jwk(jwk)).family == "HMAC"


# ---------------------------------------------------------------------------------------
# The same hostile cases from 8 threads at once (the GIL is released around the core's work
# for asymmetric keys; the HMAC path and the Python layer must be as safe).

THREAD_CASES: list[tuple[Callable[[], Any], Any]] = [
    (lambda: jwtkit.decode("." * 10**6, SECRET, algorithms=["HS256"]), jwtkit.DecodeError),
    (lambda: WIDE.decode(DEEP_TOKENS["claims array"], KEY), jwtkit.DecodeError),
    (lambda: WIDE.decode_complete(DEEP_TOKENS["header object"], KEY), jwtkit.DecodeError),
    (lambda: jwtkit.decode(SURROGATE_TOKENS["signature"], SECRET, algorithms=["HS256"]), jwtkit.DecodeError),
    (lambda: jwtkit.get_unverified_header(NUL_TOKENS["in the header segment"]), jwtkit.DecodeError),
    (lambda: jwtkit.PyJWS().decode(bytearray(b"x"), SECRET, algorithms=["HS256"]), jwtkit.DecodeError),
    (lambda: jwtkit.encode({"a": _cycle_dict()}, SECRET), ValueError),
    (lambda: jwtkit.encode({"a": math.nan}, SECRET), ValueError),
    (lambda: jwtkit.PyJWK({"kty": _Unprintable()}), jwtkit.InvalidKeyError),
    (lambda: jwtkit.Key.from_jwk({"kty": "oct", "k": "\ud800"}), jwtkit.InvalidKeyError),
    (lambda: jwtkit.decode(GOOD, object(), algorithms=["HS256"]), TypeError),
]


def test_hostile_cases_from_eight_threads() -> None:
    rounds = 5
    failures: list[str] = []
    barrier = threading.Barrier(8)

    def work(offset: int) -> None:
        barrier.wait()
        for round_ in range(rounds):
            for index in range(len(THREAD_CASES)):
                call, expected = THREAD_CASES[(index + offset + round_) % len(THREAD_CASES)]
                try:
                    call()
                except expected:
                    continue
                except BaseException as err:  # noqa: BLE001 - recorded, then asserted on
                    failures.append(f"case {index}: {type(err).__name__}: {err}")
                    continue
                failures.append(f"case {index}: no exception")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert failures == []
    # Generous: 8 threads x 5 rounds of every case, each a few milliseconds.
    assert time.monotonic() - start < 8 * LIMIT_S
