"""Shared fixtures: keys for every algorithm, made with `cryptography` (ring cannot make RSA
keys), in the forms PyJWT and jwtkit both take."""

from __future__ import annotations

import pathlib
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

#: The shared conformance vectors, at the repository root.
VECTORS = pathlib.Path(__file__).resolve().parents[3] / "tests" / "vectors"
#: Project Wycheproof's JOSE vectors, committed beside them.
WYCHEPROOF = VECTORS.parent / "wycheproof"

ALGORITHMS = [
    "HS256", "HS384", "HS512",
    "RS256", "RS384", "RS512",
    "PS256", "PS384", "PS512",
    "ES256", "ES384", "EdDSA",
]


@dataclass
class KeyPair:
    """A key for one algorithm: `cryptography` objects, PEM texts, and the secret for HMAC."""

    alg: str
    private: Any
    public: Any
    private_pem: bytes
    public_pem: bytes


def _pems(private: Any) -> tuple[bytes, bytes]:
    return (
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )


@pytest.fixture(scope="session")
def rsa_key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def keypairs(rsa_key: Any) -> dict[str, KeyPair]:
    pairs: dict[str, KeyPair] = {}
    secrets = {"HS256": b"a" * 32, "HS384": b"b" * 48, "HS512": b"c" * 64}
    for alg, secret in secrets.items():
        pairs[alg] = KeyPair(alg, secret, secret, secret, secret)
    p256 = ec.generate_private_key(ec.SECP256R1())
    p384 = ec.generate_private_key(ec.SECP384R1())
    ed = ed25519.Ed25519PrivateKey.generate()
    for alg in ALGORITHMS[3:9]:
        pairs[alg] = KeyPair(alg, rsa_key, rsa_key.public_key(), *_pems(rsa_key))
    pairs["ES256"] = KeyPair("ES256", p256, p256.public_key(), *_pems(p256))
    pairs["ES384"] = KeyPair("ES384", p384, p384.public_key(), *_pems(p384))
    pairs["EdDSA"] = KeyPair("EdDSA", ed, ed.public_key(), *_pems(ed))
    return pairs
