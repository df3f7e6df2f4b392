"""Issue 10, last item: checks the Python package made itself, now asked of the core.

- ``PyJWS`` with ``verify_signature=False`` read the payload and signature with Python's lenient
  base64 (padding accepted, foreign characters dropped), and the signature so even on the
  verify path: now every segment is the core's strict base64url on both paths
  (``_native.jws_unverified``, ``_native.jws_verify``), with PyJWT's messages.
- PyJWT's ``strict_aud`` was a Python check after the core's: now the core's strict audience
  rule (``Validator(strict_audience=True)``), with PyJWT 2.15.1's classes and messages.
- The HMAC minimum secret lengths were a Python table: now the core's ``MIN_SECRET_LEN``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import warnings
from collections.abc import Callable
from typing import Any, Optional, Union

import jwt as pyjwt
import pytest

import jwtkit
import jwtkit._keys
import jwtkit.algorithms
import jwtkit.api_jwt
from jwtkit import _native

SECRET = b"c" * 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mac(header: str, payload: str, signature: Optional[str] = None) -> str:
    """A token from exact segment texts, HS256-MAC'd over them (whatever they hold) unless
    `signature` is given."""
    if signature is None:
        digest = hmac.new(SECRET, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        signature = _b64(digest)
    return f"{header}.{payload}.{signature}"


HEADER = _b64(b'{"alg":"HS256","typ":"JWT"}')
#: 26 bytes, so 35 base64url characters and one `=` of padding.
PADDABLE_HEADER = _b64(b'{"alg":"HS256","kid":"k1"}')
#: `{"sub":"u"}`: 11 bytes, so 15 base64url characters and one `=` of padding.
PAYLOAD = _b64(b'{"sub":"u"}')
GOOD = mac(HEADER, PAYLOAD)
#: 32 bytes: 43 characters and one `=` of padding.
SIGNATURE = GOOD.rsplit(".", 1)[1]
NONE_HEADER = _b64(b'{"alg":"none"}')
ARRAY_HEADER = _b64(b"[1]")
NUMERIC_KID_HEADER = _b64(b'{"alg":"HS256","kid":7}')


# ---------------------------------------------------------------------------------------
# Every segment is read by the core, strictly, verified or not.

#: Tokens whose only fault is a segment's encoding (the MAC is over the exact text), with
#: PyJWT's message for it and whether PyJWT 2.15.1 accepts the token all the same.
ENCODINGS: dict[str, tuple[str, str, bool]] = {
    "payload padded": (mac(HEADER, PAYLOAD + "="), "Invalid payload padding", True),
    "payload with a character base64url lacks": (
        mac(HEADER, PAYLOAD[:4] + "?" + PAYLOAD[4:]),
        "Invalid payload padding",
        False,
    ),
    "payload with standard base64's '+'": (
        mac(HEADER, PAYLOAD[:4] + "+" + PAYLOAD[5:]),
        "Invalid payload padding",
        False,
    ),
    "payload with non-zero trailing bits": (
        mac(HEADER, PAYLOAD[:-1] + chr(ord(PAYLOAD[-1]) + 1)),
        "Invalid payload padding",
        False,
    ),
    "signature padded": (mac(HEADER, PAYLOAD, SIGNATURE + "="), "Invalid crypto padding", True),
    "signature with a character base64url lacks": (
        mac(HEADER, PAYLOAD, SIGNATURE[:4] + "!" + SIGNATURE[4:]),
        "Invalid crypto padding",
        False,
    ),
    "signature of an impossible length": (
        mac(HEADER, PAYLOAD, SIGNATURE + "AA"),
        "Invalid crypto padding",
        False,
    ),
    "header padded": (mac(PADDABLE_HEADER + "=", PAYLOAD), "Invalid header padding", True),
}

UNVERIFIED = {"verify_signature": False}

READERS: dict[str, Callable[[str], Any]] = {
    "PyJWS().decode_complete unverified": lambda t: jwtkit.PyJWS().decode_complete(t, options=UNVERIFIED),
    "PyJWS().decode unverified": lambda t: jwtkit.PyJWS().decode(t, options=UNVERIFIED),
    "jwt.decode_complete unverified": lambda t: jwtkit.decode_complete(t, options=UNVERIFIED),
    "PyJWS().decode_complete": lambda t: jwtkit.PyJWS().decode_complete(t, SECRET, algorithms=["HS256"]),
    "jwt.decode_complete": lambda t: jwtkit.decode_complete(t, SECRET, algorithms=["HS256"]),
    "jws_unverified": lambda t: _native.jws_unverified(t),
}


@pytest.mark.parametrize("reader", list(READERS), ids=list(READERS))
@pytest.mark.parametrize("case", list(ENCODINGS), ids=list(ENCODINGS))
def test_every_segment_is_strict_base64url_verified_or_not(case: str, reader: str) -> None:
    token, message, _ = ENCODINGS[case]
    with pytest.raises(jwtkit.DecodeError) as info:
        READERS[reader](token)
    assert str(info.value) == message


@pytest.mark.parametrize("case", list(ENCODINGS), ids=list(ENCODINGS))
def test_encoding_verdicts_beside_pyjwt(case: str) -> None:
    # PyJWT refuses what jwtkit refuses, with the same words, except the padding it tolerates
    # (for issuers that pad, such as AWS ALB): jwtkit refuses padding on every path.
    token, message, pyjwt_accepts = ENCODINGS[case]
    if pyjwt_accepts:
        pyjwt.PyJWS().decode_complete(token, options={"verify_signature": False})
        return
    with pytest.raises(pyjwt.DecodeError) as theirs:
        pyjwt.PyJWS().decode_complete(token, options={"verify_signature": False})
    assert str(theirs.value) == message


def test_unverified_pyjws_gives_what_the_verify_path_gives() -> None:
    verified = jwtkit.PyJWS().decode_complete(GOOD, SECRET, algorithms=["HS256"])
    unverified = jwtkit.PyJWS().decode_complete(GOOD, options=UNVERIFIED)
    theirs = pyjwt.PyJWS().decode_complete(GOOD, SECRET, algorithms=["HS256"])
    assert verified == unverified == theirs
    assert verified["signature"] == hmac.new(SECRET, f"{HEADER}.{PAYLOAD}".encode(), hashlib.sha256).digest()
    assert _native.jws_unverified(GOOD) == (
        {"alg": "HS256", "typ": "JWT"},
        b'{"sub":"u"}',
        verified["signature"],
    )
    assert _native.jws_verify(GOOD, jwtkit.Key.from_secret(SECRET), ["HS256"]) == _native.jws_unverified(GOOD)
    # Unverified, any alg is read (none too), any payload bytes, a detached payload.
    none = f"{NONE_HEADER}.{_b64(b'not json')}."
    assert jwtkit.PyJWS().decode_complete(none, options=UNVERIFIED) == {
        "header": {"alg": "none"},
        "payload": b"not json",
        "signature": b"",
    }
    detached = f"{HEADER}..{SIGNATURE}"
    assert jwtkit.PyJWS().decode(detached, options=UNVERIFIED) == b""
    # As PyJWT: a detached payload goes only with RFC 7797's `b64: false`.
    with pytest.raises(jwtkit.DecodeError, match="only valid to pass"):
        jwtkit.PyJWS().decode(detached, options=UNVERIFIED, detached_payload=b'{"sub":"u"}')


@pytest.mark.parametrize(
    ("token", "error", "words"),
    [
        ("a.b", jwtkit.DecodeError, "^Not enough segments$"),
        (f"{ARRAY_HEADER}.{PAYLOAD}.{SIGNATURE}", jwtkit.DecodeError, None),
        (f"{NUMERIC_KID_HEADER}.{PAYLOAD}.", jwtkit.DecodeError,
         "^Key ID header parameter must be a string$"),
        ("a.b.c.d.e", jwtkit.DecodeError, None),
        (b"\xff.\xff.\xff", jwtkit.DecodeError, "UTF-8"),
        (7, jwtkit.DecodeError, "Invalid token type"),
    ],
)
def test_jws_unverified_refuses_what_is_no_jws(
    token: Any, error: type[Exception], words: Optional[str]
) -> None:
    with pytest.raises(error, match=words):
        _native.jws_unverified(token)
    with pytest.raises(error, match=words):
        jwtkit.PyJWS().decode_complete(token, options=UNVERIFIED)


# ---------------------------------------------------------------------------------------
# strict_aud is the core's strict audience rule, with PyJWT 2.15.1's classes and words.

Audience = Union[str, list[str], tuple[str, ...], None]

#: (claims, expected audience, PyJWT's class name or None for accepted, its message).
STRICT_CASES: list[tuple[dict[str, Any], Audience, Optional[str], str]] = [
    ({"aud": "api"}, "api", None, ""),
    ({"aud": ["api"]}, "api", "InvalidAudienceError", "Invalid claim format in token (strict)"),
    ({"aud": ["web", "api"]}, "api", "InvalidAudienceError", "Invalid claim format in token (strict)"),
    ({"aud": ["web"]}, "api", "InvalidAudienceError", "Invalid claim format in token (strict)"),
    ({"aud": "web"}, "api", "InvalidAudienceError", "Audience doesn't match (strict)"),
    ({"aud": "API"}, "api", "InvalidAudienceError", "Audience doesn't match (strict)"),
    ({"aud": "api"}, ["api"], "InvalidAudienceError", "Invalid audience (strict)"),
    ({"aud": "web"}, ["api"], "InvalidAudienceError", "Invalid audience (strict)"),
    ({"aud": ["api"]}, ("api",), "InvalidAudienceError", "Invalid audience (strict)"),
    ({"aud": "api"}, [], "InvalidAudienceError", "Invalid audience (strict)"),
    ({}, "api", "MissingRequiredClaimError", 'Token is missing the "aud" claim'),
    ({}, ["api"], "MissingRequiredClaimError", 'Token is missing the "aud" claim'),
    ({"aud": "api"}, None, "InvalidAudienceError", "Invalid audience"),
    ({}, None, None, ""),
]


def _strict_id(case: tuple[dict[str, Any], Audience, Optional[str], str]) -> str:
    claims, audience, error, _ = case
    return f"{claims.get('aud', '-')!r} vs {audience!r}: {error or 'ok'}"


def _token(claims: dict[str, Any]) -> str:
    return mac(HEADER, _b64(json.dumps(claims, separators=(",", ":")).encode()))


STRICT_DECODERS: dict[str, Callable[[str, Audience], Any]] = {
    "jwt.decode": lambda t, aud: jwtkit.decode(
        t, SECRET, algorithms=["HS256"], audience=aud, options={"strict_aud": True}
    ),
    "jwt.decode_complete": lambda t, aud: jwtkit.decode_complete(
        t, SECRET, algorithms=["HS256"], audience=aud, options={"strict_aud": True}
    )["payload"],
    # Instance options: the second call takes the saved decode plan.
    "PyJWT(options), twice": lambda t, aud: [
        STRICT_PYJWT.decode(t, SECRET, algorithms=["HS256"], audience=aud) for _ in range(2)
    ][-1],
    "Validator": lambda t, aud: jwtkit.Validator(
        ["HS256"], audience=aud, strict_audience=True, require=[]
    ).decode(t, jwtkit.Key.from_secret(SECRET)),
}

STRICT_PYJWT = jwtkit.PyJWT({"strict_aud": True})


@pytest.mark.parametrize("decoder", list(STRICT_DECODERS), ids=list(STRICT_DECODERS))
@pytest.mark.parametrize("case", STRICT_CASES, ids=[_strict_id(c) for c in STRICT_CASES])
def test_strict_aud_as_pyjwt(
    case: tuple[dict[str, Any], Audience, Optional[str], str], decoder: str
) -> None:
    claims, audience, error, message = case
    token = _token(claims)
    # PyJWT's own verdict first, so the table is checked against it.
    if error is None:
        assert pyjwt.decode(token, SECRET, algorithms=["HS256"], audience=audience,
                            options={"strict_aud": True}) == claims
        assert STRICT_DECODERS[decoder](token, audience) == claims
        return
    with pytest.raises(pyjwt.PyJWTError) as theirs:
        pyjwt.decode(token, SECRET, algorithms=["HS256"], audience=audience, options={"strict_aud": True})
    assert (type(theirs.value).__name__, str(theirs.value)) == (error, message)
    with pytest.raises(jwtkit.PyJWTError) as ours:
        STRICT_DECODERS[decoder](token, audience)
    assert (type(ours.value).__name__, str(ours.value)) == (error, message)


def test_strict_aud_is_checked_after_the_signature_and_unverified_too() -> None:
    # A forged token is a signature error first, as in PyJWT.
    forged = mac(HEADER, _b64(b'{"aud":["api"]}'), SIGNATURE)
    with pytest.raises(jwtkit.InvalidSignatureError):
        jwtkit.decode(forged, SECRET, algorithms=["HS256"], audience="api", options={"strict_aud": True})
    # With the signature unchecked, a configured audience is still checked, strictly.
    with pytest.raises(jwtkit.InvalidAudienceError, match=r"^Invalid claim format in token \(strict\)$"):
        jwtkit.decode(forged, audience="api", options={"verify_signature": False, "strict_aud": True})
    validator = jwtkit.Validator(["HS256"], audience="api", strict_audience=True, require=[])
    with pytest.raises(jwtkit.InvalidAudienceError, match=r"^Invalid claim format in token \(strict\)$"):
        validator.dangerous_decode_unverified(forged)
    assert validator.dangerous_decode_unverified(_token({"aud": "api"})) == {"aud": "api"}
    # Without strict_audience the same validator settings accept an array holding "api".
    lenient = jwtkit.Validator(["HS256"], audience="api", require=[])
    assert lenient.decode(_token({"aud": ["web", "api"]}), jwtkit.Key.from_secret(SECRET))["aud"] == ["web", "api"]
    # The Python check is gone.
    assert not hasattr(jwtkit.api_jwt, "_check_strict_audience")


# ---------------------------------------------------------------------------------------
# The HMAC minimum secret lengths are the core's.


def test_min_secret_lengths_are_the_cores_and_read_only() -> None:
    assert dict(_native.MIN_SECRET_LEN) == {"HS256": 32, "HS384": 48, "HS512": 64}
    with pytest.raises(TypeError):
        _native.MIN_SECRET_LEN["HS256"] = 1  # type: ignore[index]
    assert jwtkit.algorithms.HMAC_ALGORITHMS == frozenset(_native.MIN_SECRET_LEN)
    assert not hasattr(jwtkit._keys, "_MIN_SECRET")
    # The core's own rule agrees: a generated secret is as long as the minimum and accepted.
    for alg, minimum in _native.MIN_SECRET_LEN.items():
        assert jwtkit.Key.from_secret(b"s" * minimum).accepts(alg)
        if minimum > 32:
            assert not jwtkit.Key.from_secret(b"s" * (minimum - 1)).accepts(alg)


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_short_secret_warning_thresholds_as_pyjwt(alg: str) -> None:
    minimum = _native.MIN_SECRET_LEN[alg]
    short, enough = b"s" * (minimum - 1), b"s" * minimum
    with pytest.warns(jwtkit.InsecureKeyLengthWarning) as ours:
        token = jwtkit.encode({"a": 1}, short, algorithm=alg)
    with pytest.warns(pyjwt.warnings.InsecureKeyLengthWarning) as theirs:
        pyjwt.encode({"a": 1}, short, algorithm=alg)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    assert f"{minimum} bytes for SHA{alg[2:]}" in str(ours[0].message)
    with pytest.warns(jwtkit.InsecureKeyLengthWarning):
        assert jwtkit.decode(token, short, algorithms=[alg]) == {"a": 1}
    enforce = {"enforce_minimum_key_length": True}
    with pytest.raises(jwtkit.InvalidKeyError) as refused:
        jwtkit.decode(token, short, algorithms=[alg], options=enforce)
    with pytest.raises(pyjwt.InvalidKeyError) as pyjwt_refused:
        pyjwt.decode(token, short, algorithms=[alg], options=enforce)
    assert str(refused.value) == str(pyjwt_refused.value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        token = jwtkit.encode({"a": 1}, enough, algorithm=alg)
        assert jwtkit.decode(token, enough, algorithms=[alg], options=enforce) == {"a": 1}
        assert jwtkit.PyJWT(enforce).decode(token, enough, algorithms=[alg]) == {"a": 1}


def test_a_raised_token_limit_holds_for_the_complete_result_too() -> None:
    """``decode_complete`` read the header and signature again under the default 8 KiB limit,
    so a token verified under a raised limit failed afterwards."""
    claims = {"exp": 4_000_000_000, "blob": "x" * 12_000}
    token = jwtkit.encode(claims, SECRET, algorithm="HS256")
    assert len(token) > 8192
    key = jwtkit.Key.from_secret(SECRET)
    validator = jwtkit.Validator(["HS256"], max_token_len=20_000)
    complete = validator.decode_complete(token, key)
    assert complete["payload"]["blob"] == claims["blob"]
    header, payload, signature = _native.jws_verify(token, key, ["HS256"], 20_000)
    assert header["alg"] == "HS256" and len(signature) == 32
    with pytest.raises(jwtkit.DecodeError):
        jwtkit.Validator(["HS256"]).decode_complete(token, key)
