"""Issue 10, items 6, 8 and 9 and the Wycheproof findings, for JWKs and JWK sets in Python.

- JWK and JWK Set texts are read by the core's strict parser: duplicate member names, at any
  depth, are refused (``json.loads`` keeps the last one).
- A set skips the keys it cannot use and says why (``PyJWKSet.skipped``, ``KeySet.skipped``);
  one stale key does not take the set down.
- A set that mixes secret (``oct``) keys with public keys is refused.
- A ``kid`` two keys share is ambiguous: ``set[kid]`` refuses it, and so does ``decode`` for
  tokens both keys could verify.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

import jwtkit
from jwtkit import _native

SECRET_K = base64.urlsafe_b64encode(b"s" * 32).rstrip(b"=").decode()


def _public_jwk(key: jwtkit.Key) -> dict[str, Any]:
    return key.to_public_jwk()


@pytest.fixture(scope="module")
def rsa_1024_jwk() -> dict[str, Any]:
    # A retired 1024-bit RSA key, as identity providers still publish beside current ones.
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    jwk.update(kid="old-rsa", use="sig", alg="RS256")
    return jwk


# ---------------------------------------------------------------------------------------
# Item 6: strict JSON.


def test_the_native_parser_refuses_duplicates_at_any_depth() -> None:
    assert _native.parse_json_object('{"a":{"b":[1,{"c":null}]}}') == {"a": {"b": [1, {"c": None}]}}
    assert _native.parse_json_object(b'{"a":1}') == {"a": 1}
    for text in (
        '{"a":1,"a":2}',
        '{"a":{"b":1,"b":2}}',
        '{"a":[{"b":1,"b":2}]}',
        "[1]",
        '{"a":1} {"b":2}',
        '{"a":NaN}',
        "{" * 200 + "}" * 200,
        b'{"a":"\xff"}',
    ):
        with pytest.raises(ValueError):
            _native.parse_json_object(text)
    with pytest.raises(TypeError):
        _native.parse_json_object(None)  # type: ignore[arg-type]


def test_a_jwk_set_text_with_duplicate_members_is_refused() -> None:
    a = _public_jwk(jwtkit.Key.generate("ES256", kid="a"))
    b = _public_jwk(jwtkit.Key.generate("ES256", kid="b"))
    text = '{"keys":[%s],"keys":[%s]}' % (json.dumps(a), json.dumps(b))
    # json.loads would keep B; jwtkit refuses the text, as KeySet.from_jwks always did.
    assert json.loads(text)["keys"][0]["kid"] == "b"
    with pytest.raises(jwtkit.PyJWKSetError, match="duplicate"):
        jwtkit.PyJWKSet.from_json(text)
    with pytest.raises(jwtkit.InvalidKeyError, match="duplicate"):
        jwtkit.KeySet.from_jwks(text)
    # A duplicate inside one key of the set.
    inner = '{"keys":[{"kty":"EC","kty":"EC","crv":"P-256","x":"%s","y":"%s"}]}' % (a["x"], a["y"])
    with pytest.raises(jwtkit.PyJWKSetError, match="duplicate"):
        jwtkit.PyJWKSet.from_json(inner)
    # Not an object at all.
    with pytest.raises(jwtkit.PyJWKSetError):
        jwtkit.PyJWKSet.from_json("[]")
    assert jwtkit.PyJWKSet.from_json(json.dumps({"keys": [a, b]}))["b"].key_id == "b"


@pytest.mark.parametrize(
    "text",
    [
        '{"kty":"oct","kty":"RSA","k":"%s"}' % SECRET_K,
        '{"kty":"oct","k":"%s","k":"%s"}' % (SECRET_K, base64.urlsafe_b64encode(b"t" * 32).decode()),
        '{"kty":"oct","k":"%s","key_ops":["verify"],"x":{"a":1,"a":2}}' % SECRET_K,
    ],
    ids=["duplicate kty", "duplicate k", "nested duplicate"],
)
def test_a_jwk_text_with_duplicate_members_is_refused(text: str) -> None:
    with pytest.raises(jwtkit.InvalidKeyError, match="duplicate"):
        jwtkit.PyJWK.from_json(text)
    with pytest.raises(jwtkit.InvalidKeyError):
        jwtkit.Key.from_jwk(text)


def test_a_clean_jwk_text_loads() -> None:
    jwk = jwtkit.PyJWK.from_json('{"kty":"oct","k":"%s","kid":"s1"}' % SECRET_K)
    assert (jwk.key_type, jwk.key_id, jwk.algorithm_name) == ("oct", "s1", "HS256")
    with pytest.raises(jwtkit.InvalidKeyError):
        jwtkit.PyJWK.from_json("not json")


# ---------------------------------------------------------------------------------------
# Items 8 and 9: skipping, the reasons, mixed sets, ambiguous kids.


def test_one_stale_key_does_not_take_the_set_down(rsa_1024_jwk: dict[str, Any]) -> None:
    current = jwtkit.Key.generate("ES256", kid="current")
    jwks = {
        "keys": [
            rsa_1024_jwk,
            _public_jwk(current),
            {**_public_jwk(jwtkit.Key.generate("ES256")), "kid": "enc", "use": "enc"},
            {"kty": "OKP", "crv": "Ed448", "x": "AAAA", "kid": "ed448"},
            "not an object",
        ]
    }
    token = jwtkit.encode({"sub": "u"}, current, algorithm="ES256")
    for keys in (jwtkit.PyJWKSet.from_dict(jwks), jwtkit.PyJWKSet.from_json(json.dumps(jwks))):
        assert [key.key_id for key in keys] == ["current"]
        assert len(keys) == 1
        assert jwtkit.decode(token, keys, algorithms=["ES256", "RS256"]) == {"sub": "u"}
        assert [(index, kid) for index, kid, _ in keys.skipped] == [
            (0, "old-rsa"), (2, "enc"), (3, "ed448"), (4, None)
        ]
        reasons = [reason for _, _, reason in keys.skipped]
        assert "1024" in reasons[0]
        assert all(reasons), reasons
    native = jwtkit.KeySet.from_jwks(jwks)
    assert native.key_ids == ["current"]
    assert native.skipped == keys.skipped
    assert "skipped" in repr(native)
    assert jwtkit.Validator(["ES256"], require=[]).decode(token, native) == {"sub": "u"}
    # A token signed by the skipped key's kid finds no key: a rejection.
    old = jwtkit.encode({"sub": "u"}, current, algorithm="ES256", headers={"kid": "old-rsa"})
    with pytest.raises(jwtkit.KeyNotFoundError):
        jwtkit.decode(old, keys, algorithms=["ES256", "RS256"])
    # A set with nothing usable is refused, with the reasons.
    with pytest.raises(jwtkit.PyJWKSetError, match="did not contain any usable keys.*1024"):
        jwtkit.PyJWKSet.from_dict({"keys": [rsa_1024_jwk]})
    with pytest.raises(jwtkit.InvalidKeyError, match="no key usable"):
        jwtkit.KeySet.from_jwks({"keys": [rsa_1024_jwk]})
    assert jwtkit.KeySet.from_jwks({"keys": [_public_jwk(current)]}).skipped == []


def test_a_set_mixing_secrets_with_public_keys_is_refused() -> None:
    public = _public_jwk(jwtkit.Key.generate("ES256", kid="e1"))
    secret = {"kty": "oct", "k": SECRET_K, "kid": "s1"}
    mixed = {"keys": [secret, public]}
    with pytest.raises(jwtkit.PyJWKSetError, match="oct"):
        jwtkit.PyJWKSet.from_dict(mixed)
    with pytest.raises(jwtkit.PyJWKSetError, match="oct"):
        jwtkit.PyJWKSet.from_json(json.dumps(mixed))
    with pytest.raises(jwtkit.InvalidKeyError, match="oct"):
        jwtkit.KeySet.from_jwks(mixed)
    # Secrets alone, or public keys alone, are fine.
    assert len(jwtkit.PyJWKSet.from_dict({"keys": [secret]})) == 1
    assert len(jwtkit.PyJWKSet.from_dict({"keys": [public]})) == 1


def test_an_ambiguous_kid_is_refused() -> None:
    first = jwtkit.Key.generate("ES256", kid="k")
    second = jwtkit.Key.generate("ES256", kid="k")
    other = jwtkit.Key.generate("EdDSA", kid="x")
    keys = jwtkit.PyJWKSet.from_dict(
        {"keys": [_public_jwk(first), _public_jwk(second), _public_jwk(other)]}
    )
    assert len(keys) == 3
    # set[kid]: neither key, but an error that is a KeyError (PyJWT) and a rejection.
    with pytest.raises(jwtkit.PyJWKSetKeyError, match="ambiguous") as info:
        keys["k"]
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, jwtkit.InvalidTokenError)
    with pytest.raises(KeyError):
        keys["nope"]
    with pytest.raises(jwtkit.KeyNotFoundError):
        keys["nope"]
    assert keys["x"].key_id == "x"
    # decode with the set: each key's genuine token is refused, as either key could be meant.
    for signer in (first, second):
        token = jwtkit.encode({"sub": "u"}, signer, algorithm="ES256")
        with pytest.raises(jwtkit.KeyNotFoundError, match="ambiguous"):
            jwtkit.decode(token, keys, algorithms=["ES256"])
        with pytest.raises(jwtkit.KeyNotFoundError, match="ambiguous"):
            jwtkit.Validator(["ES256"], require=[]).decode(token, keys.key_set)
    token = jwtkit.encode({"sub": "u"}, other, algorithm="EdDSA")
    assert jwtkit.decode(token, keys, algorithms=["EdDSA"]) == {"sub": "u"}


def test_keys_of_two_families_may_share_a_kid_for_decode() -> None:
    # The core refuses a kid only when two keys could verify the token's alg.
    ec = jwtkit.Key.generate("ES256", kid="k")
    ed = jwtkit.Key.generate("EdDSA", kid="k")
    keys = jwtkit.PyJWKSet.from_dict({"keys": [_public_jwk(ec), _public_jwk(ed)]})
    for key, alg in ((ec, "ES256"), (ed, "EdDSA")):
        token = jwtkit.encode({"sub": "u"}, key, algorithm=alg)
        assert jwtkit.decode(token, keys, algorithms=["ES256", "EdDSA"]) == {"sub": "u"}
    # Looking the kid up alone cannot tell them apart.
    with pytest.raises(jwtkit.PyJWKSetKeyError):
        keys["k"]
