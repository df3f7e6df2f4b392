"""Issue 10, item 1: an OpenSSH public key line, in any spelling OpenSSH and `cryptography`
accept, never becomes an HMAC secret; and SSH lines are loaded as keys by the core alone.

An attacker who knows a service's public SSH line signs HS256 with it. Wherever the allow-list
holds an HS algorithm beside the line's own (PyJWT's CVE-2022-29217 pattern, down to
``algorithms=get_default_algorithms()``), the forged token must be refused, while the very same
line still verifies genuine RS256, EdDSA and ES256 tokens. The refusal is the core's: the
Python layer hands the text to ``Key.dangerous_from_short_secret`` and has no SSH check of its
own for secrets. Loading is the core's too: which text is an SSH line (``Key.is_openssh_text``)
and the line's key (``Key.from_openssh``), with no `cryptography` involved. Keys and certificates
are made at test time with `cryptography`.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

import jwtkit
import jwtkit._keys
import jwtkit.algorithms

#: The core's words for a key-shaped HMAC secret: the error must carry them.
CORE_REFUSAL = "this HMAC secret is a PEM or SSH key"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(line: bytes) -> str:
    """An HS256 token whose MAC key is the public line itself."""
    signing_input = _b64(b'{"alg":"HS256","typ":"JWT"}') + "." + _b64(b'{"sub":"admin"}')
    tag = hmac.new(line, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(tag)}"


def _pkcs8(private: Any) -> bytes:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _openssh(public: Any) -> bytes:
    return public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)


def _certificate(public: Any) -> bytes:
    """An OpenSSH user certificate for `public` (`ssh-rsa-cert-v01@openssh.com ...`)."""
    ca = ed25519.Ed25519PrivateKey.generate()
    cert = (
        serialization.SSHCertificateBuilder()
        .public_key(public)
        .serial(1)
        .type(serialization.SSHCertificateType.USER)
        .key_id(b"jwtkit-test")
        .valid_principals([b"svc"])
        .valid_after(0)
        .valid_before(int(time.time()) + 3600)
        .sign(ca)
    )
    return cert.public_bytes()


@pytest.fixture(scope="module")
def keys(rsa_key: Any) -> dict[str, tuple[str, Any]]:
    """Per key type: its JWS algorithm and private key."""
    return {
        "rsa": ("RS256", rsa_key),
        "ed25519": ("EdDSA", ed25519.Ed25519PrivateKey.generate()),
        "ecdsa-p256": ("ES256", ec.generate_private_key(ec.SECP256R1())),
    }


#: Spellings of a public line that the core's `Key.from_openssh` reads as the key: each must
#: verify genuine tokens and never be an HMAC secret.
LOADABLE: dict[str, Callable[[Any], bytes]] = {
    "space": _openssh,
    "tab": lambda public: _openssh(public).replace(b" ", b"\t", 1),
    "several spaces": lambda public: _openssh(public).replace(b" ", b"   ", 1),
    "tab and comment": lambda public: _openssh(public).replace(b" ", b"\t", 1) + b"\tops@host",
    "CRLF": lambda public: _openssh(public) + b"\r\n",
    "leading blank line": lambda public: b"\n" + _openssh(public),
}

#: Spellings the core refuses as secrets and as keys: a certificate is not a key (PyJWT, through
#: `cryptography`, loads the key it certifies), and `authorized_keys` options are no `.pub` line.
NOT_LOADABLE: dict[str, Callable[[Any], bytes]] = {
    "certificate": _certificate,
    "certificate, tab": lambda public: _certificate(public).replace(b" ", b"\t", 1),
    "authorized_keys options": lambda public: b'from="10.0.0.1" ' + _openssh(public),
}

ALLOW_LISTS: dict[str, Callable[[str], Any]] = {
    "own alg and HS256": lambda alg: [alg, "HS256"],
    "HS256 first": lambda alg: ["HS256", "HS384", alg],
    "get_default_algorithms()": lambda alg: jwtkit.algorithms.get_default_algorithms(),
}

DECODERS: dict[str, Callable[..., Any]] = {
    "jwt.decode": jwtkit.decode,
    "jwt.decode_complete": jwtkit.decode_complete,
    "PyJWT().decode": lambda *a, **k: jwtkit.PyJWT().decode(*a, **k),
    "PyJWS().decode": lambda *a, **k: jwtkit.PyJWS().decode(*a, **k),
}

KEY_TYPES = ["rsa", "ed25519", "ecdsa-p256"]


@pytest.mark.parametrize("key_type", KEY_TYPES)
@pytest.mark.parametrize("spelling", list(LOADABLE), ids=list(LOADABLE))
@pytest.mark.parametrize("allow", list(ALLOW_LISTS), ids=list(ALLOW_LISTS))
@pytest.mark.parametrize("decoder", list(DECODERS), ids=list(DECODERS))
def test_forged_hs256_is_refused_and_genuine_tokens_verify(
    keys: dict[str, tuple[str, Any]], key_type: str, spelling: str, allow: str, decoder: str
) -> None:
    alg, private = keys[key_type]
    line = LOADABLE[spelling](private.public_key())
    algorithms = ALLOW_LISTS[allow](alg)
    decode = DECODERS[decoder]
    for key in (line, line.decode()):
        # The forged token: refused as a verdict on the token (the allow-list admits tokens
        # this key serves), and still an InvalidKeyError, as PyJWT raises.
        with pytest.raises(jwtkit.InvalidTokenError) as info:
            decode(_forge(line), key, algorithms=algorithms)
        assert isinstance(info.value, jwtkit.InvalidAlgorithmForKeyError)
        assert isinstance(info.value, jwtkit.InvalidKeyError)
        assert CORE_REFUSAL in str(info.value)
        # The same line verifies a genuine token of its own algorithm.
        genuine = jwtkit.encode({"sub": "svc"}, _pkcs8(private), algorithm=alg)
        result = decode(genuine, key, algorithms=algorithms)
        if decoder == "PyJWS().decode":
            assert result == b'{"sub":"svc"}'
        elif decoder == "jwt.decode_complete":
            assert result["payload"] == {"sub": "svc"}
        else:
            assert result == {"sub": "svc"}


@pytest.mark.parametrize("key_type", KEY_TYPES)
@pytest.mark.parametrize("spelling", list(LOADABLE) + list(NOT_LOADABLE))
def test_the_refusal_is_the_cores(
    keys: dict[str, tuple[str, Any]], key_type: str, spelling: str
) -> None:
    _, private = keys[key_type]
    make = {**LOADABLE, **NOT_LOADABLE}[spelling]
    line = make(private.public_key())
    # The native key constructors refuse the text themselves, with or without the length rule.
    for constructor in (jwtkit.Key.from_secret, jwtkit.Key.dangerous_from_short_secret):
        with pytest.raises(jwtkit.InvalidKeyError, match=CORE_REFUSAL):
            constructor(line)
    # An allow-list of HMAC algorithms only: the key can serve none of them, whatever the
    # token, so that is the caller's error (InvalidKeyError alone), refused by the core.
    with pytest.raises(jwtkit.InvalidKeyError, match=CORE_REFUSAL) as info:
        jwtkit.decode(_forge(line), line, algorithms=["HS256"])
    assert not isinstance(info.value, jwtkit.InvalidTokenError)
    # Never accepted, whatever else the allow-list holds.
    with pytest.raises(jwtkit.PyJWTError):
        jwtkit.decode(
            _forge(line), line, algorithms=jwtkit.algorithms.get_default_algorithms()
        )


@pytest.mark.parametrize("spelling", list(NOT_LOADABLE), ids=list(NOT_LOADABLE))
def test_lines_the_core_cannot_load_are_the_callers_error(
    keys: dict[str, tuple[str, Any]], spelling: str
) -> None:
    # Text that is no usable key for any allowed algorithm: InvalidKeyError alone.
    alg, private = keys["rsa"]
    line = NOT_LOADABLE[spelling](private.public_key())
    with pytest.raises(jwtkit.InvalidKeyError) as info:
        jwtkit.decode(_forge(line), line, algorithms=[alg, "HS256"])
    assert not isinstance(info.value, jwtkit.InvalidTokenError)


# ---------------------------------------------------------------------------------------
# Issue 10, last item: SSH lines are loaded by the core (`Key.from_openssh`), and which text is
# an SSH line is the core's call (`Key.is_openssh_text`), with no `cryptography` involved.


def _public_pem(private: Any) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_from_openssh_loads_the_key_of_its_pem_twin(
    keys: dict[str, tuple[str, Any]], key_type: str
) -> None:
    alg, private = keys[key_type]
    line = _openssh(private.public_key())
    twin = jwtkit.Key.from_pem(_public_pem(private))
    for text in (line, line.decode(), line + b" ops@host\n"):
        key = jwtkit.Key.from_openssh(text, kid="ops", algorithm=alg)
        assert (key.family, key.key_id, key.algorithm) == (twin.family, "ops", alg)
        assert key.thumbprint() == twin.thumbprint()
        assert not key.is_private
    genuine = jwtkit.encode({"sub": "svc"}, _pkcs8(private), algorithm=alg)
    assert jwtkit.decode(genuine, jwtkit.Key.from_openssh(line), algorithms=[alg]) == {"sub": "svc"}


def test_from_openssh_refuses_what_is_no_usable_key(keys: dict[str, tuple[str, Any]]) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    _, private = keys["rsa"]
    line = _openssh(private.public_key())
    body = line.split()[1]
    refused = {
        "certificate": (_certificate(private.public_key()), "certificate"),
        "1024-bit RSA": (
            _openssh(rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()),
            "1024",
        ),
        "truncated": (b"ssh-rsa " + body[:-8], "truncated"),
        "trailing bytes": (b"ssh-rsa " + body + b"AAAA", ""),
        "type mismatch": (b"ssh-ed25519 " + body, ""),
        "not base64": (b"ssh-rsa not*base64", ""),
        "options": (b'from="10.0.0.1" ' + line, ""),
    }
    p521 = _openssh(ec.generate_private_key(ec.SECP521R1()).public_key())
    if "ES512" in jwtkit._native.ALGORITHMS:
        assert jwtkit.Key.from_openssh(p521).family == "EC P-521"
    else:  # the ring backend has no P-521
        refused["P-521"] = (p521, "aws-lc-rs")
    for name, (text, words) in refused.items():
        with pytest.raises(jwtkit.InvalidKeyError, match=words or None) as info:
            jwtkit.Key.from_openssh(text)
        assert not isinstance(info.value, jwtkit.InvalidTokenError), name
    with pytest.raises(TypeError):
        jwtkit.Key.from_openssh(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_a_certificate_is_no_verifying_key(keys: dict[str, tuple[str, Any]], key_type: str) -> None:
    # PyJWT (through `cryptography`) verifies with the key a certificate certifies; the core
    # refuses certificates, with PyJWT's class and words.
    alg, private = keys[key_type]
    genuine = jwtkit.encode({"sub": "svc"}, _pkcs8(private), algorithm=alg)
    with pytest.raises(jwtkit.InvalidKeyError, match="^Could not parse the provided public key: .*certificate"):
        jwtkit.decode(genuine, _certificate(private.public_key()), algorithms=[alg])


def test_a_broken_ssh_line_is_pyjwts_invalid_key_error(keys: dict[str, tuple[str, Any]]) -> None:
    import jwt as pyjwt

    _, private = keys["rsa"]
    genuine = jwtkit.encode({"sub": "svc"}, _pkcs8(private), algorithm="RS256")
    broken = _openssh(private.public_key())[:-8]
    with pytest.raises(pyjwt.InvalidKeyError, match="^Could not parse the provided public key"):
        pyjwt.decode(genuine, broken, algorithms=["RS256"])
    with pytest.raises(jwtkit.InvalidKeyError, match="^Could not parse the provided public key: ") as info:
        jwtkit.decode(genuine, broken, algorithms=["RS256"])
    assert not isinstance(info.value, jwtkit.InvalidTokenError)


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_ssh_lines_load_without_cryptography(
    keys: dict[str, tuple[str, Any]], key_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    alg, private = keys[key_type]
    genuine = jwtkit.encode({"sub": "svc"}, _pkcs8(private), algorithm=alg)
    lines = [make(private.public_key()) for make in LOADABLE.values()]
    real_import = builtins.__import__

    def no_cryptography(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "cryptography" or name.startswith("cryptography."):
            raise ImportError(f"{name} is not to be imported here")
        return real_import(name, *args, **kwargs)

    jwtkit._keys._text_key.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_cryptography)
    for line in lines:
        for key in (line, line.decode()):
            assert jwtkit.decode(genuine, key, algorithms=[alg]) == {"sub": "svc"}
            assert jwtkit.PyJWT().decode(genuine, key, algorithms=[alg, "HS256"]) == {"sub": "svc"}


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_which_text_is_an_ssh_line_is_the_cores_one_test(
    keys: dict[str, tuple[str, Any]], key_type: str
) -> None:
    _, private = keys[key_type]
    for make in {**LOADABLE, **NOT_LOADABLE}.values():
        line = make(private.public_key())
        assert jwtkit.Key.is_openssh_text(line) and jwtkit.Key.is_openssh_text(line.decode())
    # Not SSH lines: secrets, PEM (its own loader), a type name alone or not first.
    for text in (
        b"k" * 32,
        b"a-long-random-secret-for-ssh-rsa",
        b"ssh-rsa",
        b"my secret\nssh-rsa AAAA",
        _public_pem(private),
    ):
        assert not jwtkit.Key.is_openssh_text(text), text
        assert not jwtkit.Key.is_openssh_text(text.decode())
        if b"BEGIN" not in text:
            jwtkit.Key.dangerous_from_short_secret(text)  # the same test: a secret, not a key
