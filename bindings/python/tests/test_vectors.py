"""The shared conformance vectors (tests/vectors/*.json) through the Python API, with the
same outcomes as the Rust suite. Each error kind maps to the one exception class raised."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

import jwtkit
from jwtkit import _native
from jwtkit.exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuerError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTypeError,
    KeyNotFoundError,
    MissingRequiredClaimError,
)

from conftest import VECTORS

#: Each error kind of the vectors, and the exception class jwtkit raises for it.
KIND_TO_EXCEPTION: dict[str, type[Exception]] = {
    "malformed": DecodeError,
    "unsupported": DecodeError,
    "invalid_signature": InvalidSignatureError,
    "algorithm_not_allowed": InvalidAlgorithmError,
    "expired": ExpiredSignatureError,
    "not_yet_valid": ImmatureSignatureError,
    # PyJWT raises ImmatureSignatureError for an `iat` in the future, and so does jwtkit.
    "invalid_issued_at": ImmatureSignatureError,
    "invalid_issuer": InvalidIssuerError,
    "invalid_audience": InvalidAudienceError,
    "invalid_subject": InvalidSubjectError,
    "invalid_type": InvalidTypeError,
    "missing_claim": MissingRequiredClaimError,
    "invalid_key": InvalidKeyError,
    "key_not_found": KeyNotFoundError,
}


def b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_cases() -> list[Any]:
    cases = []
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            spec = case["key"]
            if isinstance(spec, str):
                spec = doc["keys"][spec]
            cases.append(pytest.param(case, spec, id=case["id"]))
    return cases


CASES = load_cases()


def token_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "".join(p if isinstance(p, str) else p["repeat"] * p["count"] for p in value)


def load_key(spec: dict[str, Any]) -> Any:
    short_ok = spec.get("allow_short_secret") is True
    make_secret = jwtkit.Key.dangerous_from_short_secret if short_ok else jwtkit.Key.from_secret
    if "secret" in spec:
        return make_secret(spec["secret"].encode("utf-8"))
    if "secret_b64u" in spec:
        return make_secret(b64u(spec["secret_b64u"]))
    if "pem" in spec:
        return jwtkit.Key.from_pem(spec["pem"])
    if "der_b64u" in spec:
        return jwtkit.Key.from_der(b64u(spec["der_b64u"]))
    # Objects are handed over as JSON text, so any JSON value (a string, say) stays itself.
    if "jwk" in spec:
        return jwtkit.Key.from_jwk(json.dumps(spec["jwk"]))
    if "jwks" in spec:
        return jwtkit.KeySet.from_jwks(json.dumps(spec["jwks"]))
    if "jwk_text" in spec:
        return jwtkit.Key.from_jwk(spec["jwk_text"])
    if "jwks_text" in spec:
        return jwtkit.KeySet.from_jwks(spec["jwks_text"])
    raise AssertionError(f"KEY {spec} has no key member")


def validator_of(v: dict[str, Any]) -> jwtkit.Validator:
    """Every option set explicitly, with the vector format's defaults."""
    return jwtkit.Validator(
        v["algorithms"],
        now=v["now"],
        leeway=v.get("leeway", 0),
        issuer=v.get("issuer"),
        audience=v.get("audience"),
        subject=v.get("subject"),
        require=v.get("required", []),
        typ=v.get("typ"),
        max_token_len=v.get("max_token_len", 8192),
        verify_exp=v.get("validate_exp", True),
        verify_nbf=v.get("validate_nbf", True),
        verify_iat=v.get("validate_iat", False),
        verify_aud=True,
    )


def run(case: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    op = case["op"]
    key = load_key(spec)
    if op == "load_key":
        return {"ok": True}
    if op == "thumbprint":
        return {"ok": True, "thumbprint": key.thumbprint()}
    if op == "verify":
        claims = validator_of(case["validation"]).decode(token_of(case["token"]), key)
        return {"ok": True, "claims": claims}
    if op == "verify_jws":
        v = case["validation"]
        token = token_of(case["token"])
        if "max_token_len" in v:
            _, payload, _ = _native.jws_verify(token, key, v["algorithms"], v["max_token_len"])
        else:
            payload = jwtkit.PyJWS().decode(token, key, algorithms=v["algorithms"])
        return {"ok": True, "payload_b64u": base64.urlsafe_b64encode(payload).rstrip(b"=").decode()}
    if op == "sign_jws":
        # Exact protected-header bytes: PyJWS builds its own header, so the native signer
        # under it is called with the vector's bytes.
        token = _native.sign(b64u(case["protected_b64u"]), b64u(case["payload_b64u"]), key)
        return {"ok": True, "token": token}
    raise AssertionError(f"unknown op {op}")


def test_the_corpus_is_all_there() -> None:
    attack = sum(
        len(json.loads(path.read_text(encoding="utf-8"))["cases"])
        for path in VECTORS.glob("attack-*.json")
    )
    assert attack >= 80
    assert {c.values[0]["op"] for c in CASES} == {
        "verify", "verify_jws", "sign_jws", "thumbprint", "load_key",
    }


@pytest.mark.parametrize(("case", "spec"), CASES)
def test_vector(case: dict[str, Any], spec: dict[str, Any]) -> None:
    expect = case["expect"]
    # A case that needs an algorithm this build lacks (ES512/ES256K under ring): the key is
    # refused, as InvalidKeyError (a key is never a token's fault) naming the feature that has
    # it. The extension says what it implements.
    if any(alg not in _native.ALGORITHMS for alg in case.get("needs", [])):
        with pytest.raises(InvalidKeyError, match="aws-lc-rs"):
            run(case, spec)
        return
    if "error" in expect:
        expected = KIND_TO_EXCEPTION[expect["error"]]
        with pytest.raises(Exception) as info:
            run(case, spec)
        assert type(info.value) is expected, (
            f"{case['id']}: expected {expected.__name__}, got {type(info.value).__name__}: {info.value}"
        )
    else:
        # A case names only what it checks (a verify may leave its claims out).
        result = run(case, spec)
        assert {name: result.get(name) for name in expect} == expect
