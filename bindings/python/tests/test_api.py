"""PyJWT's API on jwtkit: options and their defaults, leeway, datetime claims,
decode_complete, unverified reads, PyJWS, keys, and PyJWT's error messages."""

from __future__ import annotations

import hashlib
import hmac
import time
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt as pyjwt
import pytest

import jwtkit as jwt
import jwtkit.algorithms
import jwtkit.utils
from conftest import KeyPair

SECRET = "s" * 32
NOW = int(time.time())


def token(claims: dict[str, Any], **kwargs: Any) -> str:
    return jwt.encode(claims, SECRET, **kwargs)


def decode(tok: str, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("algorithms", ["HS256"])
    return jwt.decode(tok, SECRET, **kwargs)


def test_round_trip_with_pyjwts_defaults() -> None:
    # No claim is required by default, as in PyJWT.
    assert decode(token({"sub": "u"})) == {"sub": "u"}
    assert decode(token({})) == {}


def test_algorithms_is_required() -> None:
    with pytest.raises(jwt.DecodeError) as info:
        jwt.decode(token({}), SECRET)
    assert str(info.value) == (
        'It is required that you pass in a value for the "algorithms" argument when calling decode().'
    )


@pytest.mark.parametrize(
    ("claims", "kwargs", "error", "message"),
    [
        ({"exp": NOW - 10}, {}, jwt.ExpiredSignatureError, "Signature has expired"),
        ({"nbf": NOW + 100}, {}, jwt.ImmatureSignatureError, "The token is not yet valid (nbf)"),
        ({"iat": NOW + 100}, {}, jwt.ImmatureSignatureError, "The token is not yet valid (iat)"),
        ({"aud": "api"}, {}, jwt.InvalidAudienceError, "Invalid audience"),
        ({"aud": "web"}, {"audience": "api"}, jwt.InvalidAudienceError, "Audience doesn't match"),
        ({}, {"audience": "api"}, jwt.MissingRequiredClaimError, 'Token is missing the "aud" claim'),
        ({"iss": "a"}, {"issuer": "b"}, jwt.InvalidIssuerError, "Invalid issuer"),
        ({}, {"issuer": "b"}, jwt.MissingRequiredClaimError, 'Token is missing the "iss" claim'),
        ({"sub": "a"}, {"subject": "b"}, jwt.InvalidSubjectError, "Invalid subject"),
        ({}, {"options": {"require": ["exp"]}}, jwt.MissingRequiredClaimError,
         'Token is missing the "exp" claim'),
        ({}, {"algorithms": ["HS384"]}, jwt.InvalidAlgorithmError,
         "The specified alg value is not allowed"),
        ({}, {"algorithms": ["none"]}, jwt.InvalidAlgorithmError,
         "The specified alg value is not allowed"),
    ],
)
def test_claim_errors_match_pyjwt(
    claims: dict[str, Any], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    tok = token(claims)
    with pytest.raises(error) as ours:
        decode(tok, **kwargs)
    assert type(ours.value) is error
    assert str(ours.value) == message
    kwargs.setdefault("algorithms", ["HS256"])
    with pytest.raises(Exception) as theirs:
        pyjwt.decode(tok, SECRET, **kwargs)
    assert type(theirs.value).__name__ == error.__name__
    assert str(theirs.value) == message


def test_signature_and_segment_messages() -> None:
    tok = token({"sub": "u"})
    with pytest.raises(jwt.InvalidSignatureError, match="^Signature verification failed$"):
        jwt.decode(tok, "t" * 32, algorithms=["HS256"])
    with pytest.raises(jwt.DecodeError, match="^Not enough segments$"):
        decode("abc.def")
    with pytest.raises(jwt.DecodeError):
        decode(tok.replace(".", "=.", 1))  # padding: PyJWT tolerates it, jwtkit does not


def test_options_turn_checks_off() -> None:
    tok = token({"exp": NOW - 10, "nbf": NOW + 100, "iat": NOW + 100, "aud": "x", "iss": "i"})
    options = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False}
    assert decode(tok, options=options, issuer="i")["aud"] == "x"
    with pytest.raises(jwt.InvalidIssuerError):
        decode(tok, options=options, issuer="j")
    # An issuer the caller configured is checked even with `verify_iss` off (PyJWT skips
    # it); the option only matters when no issuer is configured.
    with pytest.raises(jwt.InvalidIssuerError):
        decode(tok, options={**options, "verify_iss": False}, issuer="j")
    assert decode(tok, options={**options, "verify_iss": False})["iss"] == "i"


def test_audience_lists_and_strict_aud() -> None:
    tok = token({"aud": ["a", "b"]})
    assert decode(tok, audience=["x", "b"])["aud"] == ["a", "b"]
    with pytest.raises(jwt.InvalidAudienceError, match=r"^Invalid claim format in token \(strict\)$"):
        decode(tok, audience="a", options={"strict_aud": True})
    with pytest.raises(jwt.InvalidAudienceError, match=r"^Invalid audience \(strict\)$"):
        decode(token({"aud": "a"}), audience=["a"], options={"strict_aud": True})
    assert decode(token({"aud": "a"}), audience="a", options={"strict_aud": True}) == {"aud": "a"}


def test_issuer_sequences() -> None:
    assert decode(token({"iss": "b"}), issuer=["a", "b"]) == {"iss": "b"}
    assert decode(token({"iss": "b"}), issuer=("a", "b")) == {"iss": "b"}


@pytest.mark.parametrize("leeway", [30, 30.0, timedelta(seconds=30)])
def test_leeway_as_seconds_or_timedelta(leeway: Any) -> None:
    tok = token({"exp": NOW - 10})
    assert decode(tok, leeway=leeway)["exp"] == NOW - 10
    with pytest.raises(jwt.ExpiredSignatureError):
        decode(tok, leeway=timedelta(seconds=5))


def test_datetime_claims_become_numeric_dates() -> None:
    exp = datetime(2100, 1, 1, tzinfo=timezone.utc)
    iat = datetime.now(tz=timezone.utc) - timedelta(seconds=5)
    claims = decode(token({"exp": exp, "iat": iat, "nbf": iat}))
    assert claims["exp"] == 4102444800
    assert isinstance(claims["iat"], int) and claims["iat"] == claims["nbf"]
    same = {"exp": exp, "iat": iat, "nbf": iat}
    assert token(same) == pyjwt.encode(same, SECRET)


def test_numeric_dates_must_be_numbers() -> None:
    # PyJWT accepts "exp": "4000000000"; jwtkit refuses any NumericDate that is not a number.
    tok = token({"exp": "4000000000"})
    assert pyjwt.decode(tok, SECRET, algorithms=["HS256"])["exp"] == "4000000000"
    with pytest.raises(jwt.DecodeError):
        decode(tok)


def test_decode_complete() -> None:
    tok = token({"sub": "u"}, headers={"kid": "k"})
    complete = jwt.decode_complete(tok, SECRET, algorithms=["HS256"])
    assert complete["header"] == {"alg": "HS256", "kid": "k", "typ": "JWT"}
    assert complete["payload"] == {"sub": "u"}
    assert complete == pyjwt.decode_complete(tok, SECRET, algorithms=["HS256"])


def test_unverified_reads() -> None:
    tok = token({"sub": "u", "exp": NOW - 10})
    assert jwt.get_unverified_header(tok) == {"alg": "HS256", "typ": "JWT"}
    options = {"verify_signature": False}
    assert jwt.decode(tok, options=options)["sub"] == "u"
    assert jwt.decode_complete(tok, options=options)["payload"]["sub"] == "u"
    # Claim checks asked for explicitly still run without the signature, as in PyJWT.
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(tok, options={"verify_signature": False, "verify_exp": True})
    with pytest.raises(jwt.MissingRequiredClaimError):
        jwt.decode(tok, options={"verify_signature": False, "require": ["iss"]})
    none_token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0."
    assert jwt.get_unverified_header(none_token) == {"alg": "none"}
    with pytest.raises(jwt.InvalidAlgorithmError):
        decode(none_token, algorithms=["HS256", "none"])


def test_short_hmac_secrets_warn_or_fail_as_in_pyjwt() -> None:
    with pytest.warns(jwt.InsecureKeyLengthWarning) as record:
        tok = jwt.encode({"a": 1}, "short", algorithm="HS256")
    assert str(record[0].message) == (
        "The HMAC key is 5 bytes long, which is below the minimum recommended length of "
        "32 bytes for SHA256. See RFC 7518 Section 3.2."
    )
    with pytest.warns(jwt.InsecureKeyLengthWarning):
        assert jwt.decode(tok, "short", algorithms=["HS256"]) == {"a": 1}
    with pytest.raises(jwt.InvalidKeyError, match="below the minimum"):
        jwt.decode(tok, "short", algorithms=["HS256"], options={"enforce_minimum_key_length": True})
    strict = jwt.PyJWT({"enforce_minimum_key_length": True})
    with pytest.raises(jwt.InvalidKeyError):
        strict.encode({"a": 1}, "short")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jwt.encode({"a": 1}, "x" * 64, algorithm="HS512")


def test_public_keys_are_never_hmac_secrets(keypairs: dict[str, KeyPair]) -> None:
    pair = keypairs["RS256"]
    header_payload = jwt.utils.base64url_encode(b'{"alg":"HS256"}') + b"." + jwt.utils.base64url_encode(b"{}")
    sig = hmac.new(pair.public_pem, header_payload, hashlib.sha256).digest()
    tok = (header_payload + b"." + jwt.utils.base64url_encode(sig)).decode()
    with pytest.raises(jwt.InvalidKeyError):
        jwt.decode(tok, pair.public_pem, algorithms=["HS256"])
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(tok, pair.public_pem, algorithms=["RS256"])
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(tok, pair.public, algorithms=["HS256", "RS256"])


def test_keys_of_every_form(keypairs: dict[str, KeyPair]) -> None:
    pair = keypairs["ES256"]
    tok = jwt.encode({"a": 1}, pair.private_pem, algorithm="ES256")
    key = jwt.Key.from_pem(pair.public_pem)
    assert key.family == "EC P-256" and not key.is_private
    for verifying in (pair.public_pem, pair.public_pem.decode(), pair.public, key, pair.private):
        assert jwt.decode(tok, verifying, algorithms=["ES256"]) == {"a": 1}
    with pytest.raises(TypeError, match="PyJWK"):
        jwt.decode(tok, key.to_public_jwk(), algorithms=["ES256"])
    with pytest.raises(jwt.InvalidKeyError):
        jwt.decode(tok, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", algorithms=["ES256"])


def test_native_key_and_validator() -> None:
    key = jwt.Key.generate("EdDSA", kid="k1")
    assert key.key_id == "k1" and key.is_private and key.thumbprint()
    tok = jwt.encode({"sub": "u", "exp": NOW + 60}, key, algorithm="EdDSA")
    assert jwt.get_unverified_header(tok)["kid"] == "k1"
    validator = jwt.Validator(["EdDSA"], subject="u", typ="JWT")
    assert validator.decode(tok, key) == {"sub": "u", "exp": NOW + 60}
    assert validator.algorithms == ["EdDSA"]
    with pytest.raises(jwt.MissingRequiredClaimError):
        validator.decode(jwt.encode({"sub": "u"}, key, algorithm="EdDSA"), key)
    with pytest.raises(jwt.InvalidTypeError):
        jwt.Validator(["EdDSA"], typ="at+jwt").decode(tok, key)
    jwks = jwt.KeySet.from_jwks({"keys": [key.to_public_jwk()]})
    assert len(jwks) == 1 and jwks.key_ids == ["k1"]
    assert validator.decode_complete(tok, jwks)["header"]["kid"] == "k1"
    other = jwt.encode({"exp": NOW + 60}, jwt.Key.generate("EdDSA", kid="k2"), algorithm="EdDSA")
    with pytest.raises(jwt.KeyNotFoundError):
        jwt.Validator(["EdDSA"]).decode(other, jwks)
    if "ES512" in jwt._native.ALGORITHMS:  # the aws-lc-rs backend generates RSA keys
        assert jwt.Key.generate("RS256").family == "RSA"
    else:
        with pytest.raises(jwt.InvalidKeyError, match="aws-lc-rs"):
            jwt.Key.generate("RS256")
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.Validator(["none"])
    with pytest.raises(ValueError):
        jwt.Validator(["HS256"], leeway=-1)


def test_pyjws_raw_and_detached_payloads() -> None:
    jws = jwt.PyJWS()
    tok = jws.encode(b"\x00raw", SECRET, algorithm="HS256")
    assert jws.decode(tok, SECRET, algorithms=["HS256"]) == b"\x00raw"
    complete = jws.decode_complete(tok, SECRET, algorithms=["HS256"])
    assert complete["header"] == {"alg": "HS256", "typ": "JWT"} and complete["payload"] == b"\x00raw"
    detached = jws.encode(b"content", SECRET, algorithm="HS256", is_payload_detached=True)
    head, middle, _ = detached.split(".")
    assert middle == ""
    assert jws.decode(detached, SECRET, algorithms=["HS256"], detached_payload=b"content") == b"content"
    with pytest.raises(jwt.InvalidSignatureError):
        jws.decode(detached, SECRET, algorithms=["HS256"], detached_payload=b"other")
    # RFC 7797: `b64: false` in the headers makes an unencoded, detached payload.
    unencoded = jws.encode(b"x", SECRET, headers={"b64": False, "crit": ["b64"]})
    assert unencoded.split(".")[1] == ""
    assert jws.decode_complete(unencoded, SECRET, algorithms=["HS256"], detached_payload=b"x")["header"]["b64"] is False
    with pytest.raises(jwt.DecodeError, match="detached_payload"):
        jws.decode(unencoded, SECRET, algorithms=["HS256"])
    with pytest.raises(NotImplementedError):
        jws.encode(b"x", SECRET, algorithm=None)
    with pytest.raises(TypeError):
        jwt.register_algorithm("X", object())
    assert sorted(jws.get_algorithms()) == sorted(jwt.algorithms.get_default_algorithms())


def test_pyjwk_and_set() -> None:
    key = jwt.Key.generate("ES384", kid="e")
    jwk = jwt.PyJWK(key.to_public_jwk())
    assert (jwk.algorithm_name, jwk.key_type, jwk.key_id, jwk.public_key_use) == ("ES384", "EC", "e", "sig")
    tok = jwt.encode({"a": 1}, key, algorithm="ES384")
    assert jwt.decode(tok, jwk) == {"a": 1}
    assert jwt.decode(tok, jwk.key, algorithms=["ES384"]) == {"a": 1}
    with pytest.raises(jwt.InvalidKeyError, match="Unsupported kty"):
        jwt.PyJWK({"kty": "XYZ"})
    # A P-521 JWK with short coordinates: from_jwk's InvalidKeyError where the build has ES512,
    # PyJWT's "no algorithm for this key" where it has not (the ring backend).
    p521_error = jwt.InvalidKeyError if "ES512" in jwt._native.ALGORITHMS else jwt.PyJWKError
    with pytest.raises(p521_error):
        jwt.PyJWK({"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"})
    keyset = jwt.PyJWKSet([{"kty": "unknown"}, key.to_public_jwk(), "not a dict"])  # type: ignore[list-item]
    assert [k.key_id for k in keyset] == ["e"] and keyset["e"].algorithm_name == "ES384"
    with pytest.raises(KeyError):
        keyset["nope"]
    with pytest.raises(jwt.PyJWKSetError):
        jwt.PyJWKSet([])


def test_kwargs_warn_as_in_pyjwt() -> None:
    with pytest.warns(jwt.RemovedInPyjwt3Warning):
        decode(token({}), unknown=1)


def test_utils_and_algorithms() -> None:
    assert jwt.utils.base64url_decode(jwt.utils.base64url_encode(b"\xff\x00")) == b"\xff\x00"
    assert jwt.utils.from_base64url_uint(jwt.utils.to_base64url_uint(65537)) == 65537
    names = jwt.algorithms.get_default_algorithms()
    assert "none" not in names and len(names) == len(jwt._native.ALGORITHMS) >= 12
    assert set(names) <= set(pyjwt.algorithms.get_default_algorithms())
