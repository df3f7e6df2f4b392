"""Interop with PyJWT for all 12 algorithms, both directions, with PEM text, `cryptography`
key objects, PyJWK and JWK sets."""

from __future__ import annotations

import json
from typing import Any

import jwt as pyjwt
import pytest
from jwt.algorithms import get_default_algorithms as pyjwt_algorithms

import jwtkit
from conftest import ALGORITHMS, KeyPair

CLAIMS = {"sub": "ada", "iss": "https://login.example", "exp": 4_000_000_000, "roles": ["a"]}


def pyjwt_jwk(pair: KeyPair, private: bool, kid: str = "k1") -> dict[str, Any]:
    algorithm = pyjwt_algorithms()[pair.alg]
    obj = pair.private if private else pair.public
    jwk = json.loads(algorithm.to_jwk(obj))
    jwk.update(kid=kid, alg=pair.alg)
    return jwk


@pytest.mark.parametrize("alg", ALGORITHMS)
@pytest.mark.parametrize("form", ["pem", "object"])
def test_pyjwt_tokens_verify_in_jwtkit(keypairs: dict[str, KeyPair], alg: str, form: str) -> None:
    pair = keypairs[alg]
    signing = pair.private_pem if form == "pem" else pair.private
    token = pyjwt.encode(CLAIMS, signing, algorithm=alg)
    verifying = pair.public_pem if form == "pem" else pair.public
    assert jwtkit.decode(token, verifying, algorithms=[alg]) == CLAIMS
    complete = jwtkit.decode_complete(token, verifying, algorithms=[alg])
    assert complete["header"] == {"alg": alg, "typ": "JWT"}
    assert complete["signature"] == pyjwt.decode_complete(
        token, verifying, algorithms=[alg]
    )["signature"]


@pytest.mark.parametrize("alg", ALGORITHMS)
@pytest.mark.parametrize("form", ["pem", "object", "key"])
def test_jwtkit_tokens_verify_in_pyjwt(keypairs: dict[str, KeyPair], alg: str, form: str) -> None:
    pair = keypairs[alg]
    if form == "key":
        if alg.startswith("HS"):
            signing: Any = jwtkit.Key.from_secret(pair.private_pem)
        else:
            signing = jwtkit.Key.from_pem(pair.private_pem)
    else:
        signing = pair.private_pem if form == "pem" else pair.private
    token = jwtkit.encode(CLAIMS, signing, algorithm=alg, headers={"kid": "k1"})
    assert pyjwt.decode(token, pair.public, algorithms=[alg]) == CLAIMS
    assert pyjwt.get_unverified_header(token) == {"alg": alg, "typ": "JWT", "kid": "k1"}


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_jwk_and_jwks_both_directions(keypairs: dict[str, KeyPair], alg: str) -> None:
    pair = keypairs[alg]
    private_jwk = pyjwt_jwk(pair, private=True)
    # An HMAC key has no public form: both sides hold the same `oct` JWK.
    public_jwk = private_jwk if alg.startswith("HS") else pyjwt_jwk(pair, private=False)

    # PyJWT signs with its PyJWK; jwtkit verifies with its PyJWK, a PyJWKSet and a KeySet.
    token = pyjwt.encode(CLAIMS, pyjwt.PyJWK(private_jwk), algorithm=alg, headers={"kid": "k1"})
    assert jwtkit.decode(token, jwtkit.PyJWK(public_jwk)) == CLAIMS
    jwks = {"keys": [public_jwk]}
    assert jwtkit.decode(token, jwtkit.PyJWKSet.from_dict(jwks), algorithms=[alg]) == CLAIMS
    assert jwtkit.Validator([alg]).decode(token, jwtkit.KeySet.from_jwks(jwks)) == CLAIMS
    assert jwtkit.PyJWKSet.from_json(json.dumps(jwks))["k1"].algorithm_name == alg

    # jwtkit signs with its PyJWK; PyJWT verifies with its PyJWK and PyJWKSet.
    token = jwtkit.encode(CLAIMS, jwtkit.PyJWK(private_jwk), headers={"kid": "k1"})
    assert pyjwt.decode(token, pyjwt.PyJWK(public_jwk)) == CLAIMS
    assert pyjwt.decode(token, pyjwt.PyJWKSet.from_dict(jwks)["k1"], algorithms=[alg]) == CLAIMS

    # A jwtkit key's own JWK export loads in PyJWT.
    if not alg.startswith("HS"):
        key = jwtkit.Key.from_pem(pair.private_pem)
        exported = key.to_public_jwk()
        assert pyjwt.decode(token, pyjwt.PyJWK(exported, algorithm=alg), algorithms=[alg]) == CLAIMS


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_pyjws_raw_payloads_both_directions(keypairs: dict[str, KeyPair], alg: str) -> None:
    pair = keypairs[alg]
    payload = b"\x00not json\xff"
    token = pyjwt.PyJWS().encode(payload, pair.private, algorithm=alg)
    assert jwtkit.PyJWS().decode(token, pair.public, algorithms=[alg]) == payload
    token = jwtkit.PyJWS().encode(payload, pair.private_pem, algorithm=alg)
    assert pyjwt.PyJWS().decode(token, pair.public, algorithms=[alg]) == payload


def test_hmac_tokens_are_byte_identical(keypairs: dict[str, KeyPair]) -> None:
    secret = keypairs["HS256"].private
    headers = {"kid": "x", "cty": "JWT"}
    assert jwtkit.encode(CLAIMS, secret, headers=headers) == pyjwt.encode(CLAIMS, secret, headers=headers)
