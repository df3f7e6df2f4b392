"""RFC 7797 unencoded, detached payloads (``b64: false``) through PyJWT's ``PyJWS`` API: signed
and verified by the core's JWS layer for the built-in algorithms, with PyJWT's exceptions and
words; an algorithm class of the caller's own still runs in Python."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import jwt as pyjwt
import pytest

import jwtkit as jwt
import jwtkit.api_jws
from jwtkit import _native


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# RFC 7797 §4.2: the RFC 7515 Appendix A.1 HMAC key, the payload "$.02" signed unencoded.
RFC_KEY = base64.urlsafe_b64decode(
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow=="
)
RFC_HEADER = b'{"alg":"HS256","b64":false,"crit":["b64"]}'
RFC_PAYLOAD = b"$.02"
RFC_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19"
    "..A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY"
)


def _hs256_detached(header: bytes, payload: bytes, key: bytes = RFC_KEY) -> str:
    """A detached token over the unencoded `payload`, signed here with hmac."""
    head = _b64(header)
    signature = hmac.digest(key, head.encode() + b"." + payload, hashlib.sha256)
    return f"{head}..{_b64(signature)}"


def test_the_rfc_7797_example_verifies() -> None:
    assert _hs256_detached(RFC_HEADER, RFC_PAYLOAD) == RFC_TOKEN  # the example itself
    jws = jwt.PyJWS()
    decoded = jws.decode_complete(
        RFC_TOKEN, RFC_KEY, algorithms=["HS256"], detached_payload=RFC_PAYLOAD
    )
    assert decoded["payload"] == RFC_PAYLOAD
    assert decoded["header"] == {"alg": "HS256", "b64": False, "crit": ["b64"]}
    assert decoded["signature"] == base64.urlsafe_b64decode(RFC_TOKEN.split(".")[2] + "=")
    assert jws.decode(RFC_TOKEN, RFC_KEY, algorithms=["HS256"], detached_payload=RFC_PAYLOAD) == (
        RFC_PAYLOAD
    )
    # PyJWT agrees.
    assert pyjwt.PyJWS().decode(
        RFC_TOKEN, RFC_KEY, algorithms=["HS256"], detached_payload=RFC_PAYLOAD
    ) == RFC_PAYLOAD


def test_the_core_signs_the_rfc_example_byte_for_byte() -> None:
    key = jwt.Key.from_secret(RFC_KEY)
    assert _native.jws_sign_detached(RFC_HEADER, RFC_PAYLOAD, key) == RFC_TOKEN
    header, payload, _ = _native.jws_verify_detached(RFC_TOKEN, RFC_PAYLOAD, key, ["HS256"])
    assert header["b64"] is False and payload == RFC_PAYLOAD


def test_a_tampered_detached_payload_is_an_invalid_signature() -> None:
    jws = jwt.PyJWS()
    with pytest.raises(jwt.InvalidSignatureError, match="^Signature verification failed$"):
        jws.decode(RFC_TOKEN, RFC_KEY, algorithms=["HS256"], detached_payload=b"$.03")
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.PyJWS().decode(RFC_TOKEN, RFC_KEY, algorithms=["HS256"], detached_payload=b"$.03")


def _refusal(module: Any, token: str, payload: bytes) -> tuple[list[str], str]:
    """The classes (by name, most derived first) and message `module`'s PyJWS raises."""
    with pytest.raises(Exception) as caught:
        module.PyJWS().decode(token, RFC_KEY, algorithms=["HS256"], detached_payload=payload)
    return [cls.__name__ for cls in type(caught.value).__mro__], str(caught.value)


def test_b64_false_without_crit_is_refused_as_pyjwt_refuses_it() -> None:
    token = _hs256_detached(b'{"alg":"HS256","b64":false}', RFC_PAYLOAD)
    names, message = _refusal(jwt, token, RFC_PAYLOAD)
    expected_names, expected_message = _refusal(pyjwt, token, RFC_PAYLOAD)
    assert "InvalidTokenError" in names
    assert names[0] == expected_names[0]
    assert message == expected_message


def test_the_built_in_algorithms_go_through_the_core(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    sign, verify = jwtkit.api_jws.jws_sign_detached, jwtkit.api_jws.jws_verify_detached

    def spy_sign(*args: Any) -> str:
        calls.append("sign")
        return sign(*args)

    def spy_verify(*args: Any) -> Any:
        calls.append("verify")
        return verify(*args)

    monkeypatch.setattr(jwtkit.api_jws, "jws_sign_detached", spy_sign)
    monkeypatch.setattr(jwtkit.api_jws, "jws_verify_detached", spy_verify)
    jws = jwt.PyJWS()
    token = jws.encode(RFC_PAYLOAD, RFC_KEY, algorithm="HS256", is_payload_detached=True)
    head, middle, _ = token.split(".")
    assert middle == ""
    assert jws.get_unverified_header(token)["crit"] == ["b64"]
    assert jws.decode(token, RFC_KEY, algorithms=["HS256"], detached_payload=RFC_PAYLOAD) == (
        RFC_PAYLOAD
    )
    # `b64: False` in the headers does the same.
    token = jws.encode(RFC_PAYLOAD, RFC_KEY, algorithm="HS256", headers={"b64": False})
    assert token.split(".")[1] == ""
    assert calls == ["sign", "verify", "sign"]
    # PyJWT reads jwtkit's tokens.
    assert pyjwt.PyJWS().decode(
        token, RFC_KEY, algorithms=["HS256"], detached_payload=RFC_PAYLOAD
    ) == RFC_PAYLOAD


def test_an_asymmetric_detached_token() -> None:
    key = jwt.Key.generate("ES256")
    jws = jwt.PyJWS()
    token = jws.encode(b"\x00binary\xff", key, algorithm="ES256", is_payload_detached=True)
    assert jws.decode(token, key, algorithms=["ES256"], detached_payload=b"\x00binary\xff") == (
        b"\x00binary\xff"
    )
    with pytest.raises(jwt.InvalidSignatureError):
        jws.decode(token, key, algorithms=["ES256"], detached_payload=b"\x00binary\xfe")
    with pytest.raises(jwt.InvalidAlgorithmError, match="not allowed"):
        jws.decode(token, key, algorithms=["ES384"], detached_payload=b"\x00binary\xff")
