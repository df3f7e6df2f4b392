"""Claims come back in the token's member order, nested objects too, as PyJWT gives them
(``json.loads`` keeps the text's order; code that iterates or re-serializes claims sees it)."""

from __future__ import annotations

import json

import jwtkit

SECRET = "k" * 32
CLAIMS = {"sub": "ada", "iat": 1, "nested": {"z": 1, "a": [{"y": 2, "b": 3}]}, "aud": "api"}


def _token() -> str:
    return jwtkit.encode(CLAIMS, SECRET, algorithm="HS256", sort_headers=False)


def _order(obj: object) -> object:
    if isinstance(obj, dict):
        return [(key, _order(value)) for key, value in obj.items()]
    if isinstance(obj, list):
        return [_order(item) for item in obj]
    return obj


def test_decode_keeps_the_tokens_member_order() -> None:
    token = _token()
    expected = _order(CLAIMS)
    decoded = jwtkit.decode(token, SECRET, algorithms=["HS256"], audience="api")
    assert _order(decoded) == expected
    complete = jwtkit.decode_complete(token, SECRET, algorithms=["HS256"], audience="api")
    assert _order(complete["payload"]) == expected
    validator = jwtkit.Validator(["HS256"], audience="api", require=[])
    assert _order(validator.decode(token, jwtkit.Key.from_secret(SECRET))) == expected
    unverified = jwtkit.decode(token, options={"verify_signature": False})
    assert _order(unverified) == expected


def test_wide_integers_stay_exact_in_order() -> None:
    claims = {"z": 2**70, "a": [-(2**65), 1.5]}
    token = jwtkit.encode(claims, SECRET, algorithm="HS256")
    decoded = jwtkit.decode(token, SECRET, algorithms=["HS256"], options={"require": []})
    assert _order(decoded) == _order(claims)
    assert json.dumps(decoded) == json.dumps(claims)


def test_headers_keep_the_tokens_member_order() -> None:
    import base64

    token = jwtkit.encode(
        {"aud": "api"}, SECRET, algorithm="HS256", headers={"kid": "k1", "cty": "x"},
        sort_headers=False,
    )
    segment = token.split(".")[0]
    expected = list(json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))))
    assert expected != sorted(expected)
    assert list(jwtkit.get_unverified_header(token)) == expected
    complete = jwtkit.decode_complete(token, SECRET, algorithms=["HS256"], audience="api")
    assert list(complete["header"]) == expected
    api_jws = jwtkit.PyJWS().decode_complete(token, SECRET, algorithms=["HS256"])
    assert list(api_jws["header"]) == expected
