"""jwtkit with ``cryptography`` absent: every algorithm still works, as PyJWT's API.

jwtkit never needs ``cryptography`` (the Rust core does the cryptography); it only hands back
``cryptography`` key objects where PyJWT would, when it is installed. Each check runs in a
fresh interpreter in which importing ``cryptography`` fails, as in a venv without it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

#: Makes `import cryptography` (and every submodule) fail, as if it were not installed.
_BLOCK = "import sys; sys.modules['cryptography'] = None\n"


def _run(script: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _BLOCK + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cryptography_is_really_blocked() -> None:
    out = _run(
        """
        try:
            import cryptography.hazmat.primitives
        except ImportError:
            print("blocked")
        """
    )
    assert out.strip() == "blocked"


def test_frameworks_see_every_algorithm_available() -> None:
    # djangorestframework-simplejwt refuses to start with an algorithm in
    # requires_cryptography when has_crypto is false; jwtkit has them all without it.
    out = _run(
        """
        import jwtkit
        jwtkit.install_as_jwt()
        from jwt import algorithms
        assert algorithms.has_crypto is True
        assert "RS256" in algorithms.requires_cryptography
        assert set(algorithms.get_default_algorithms()) >= {"RS256", "PS256", "ES256", "EdDSA"}
        print("ok")
        """
    )
    assert out.strip() == "ok"


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "ES384", "EdDSA"])
def test_sign_verify_and_keys_without_cryptography(alg: str) -> None:
    out = _run(
        f"""
        import jwtkit
        jwtkit.install_as_jwt()
        import jwt
        from jwt.algorithms import get_default_algorithms

        key = jwtkit.Key.generate({alg!r})
        private_pem, public_pem = key.to_pkcs8_pem(), key.to_public_pem()
        token = jwt.encode({{"sub": "u"}}, private_pem, algorithm={alg!r})
        assert jwt.decode(token, public_pem, algorithms=[{alg!r}]) == {{"sub": "u"}}

        # PyJWT's algorithm objects hand back jwtkit keys where they would hand back
        # cryptography objects.
        algorithm = jwt.PyJWS().get_algorithm_by_name({alg!r})
        public = algorithm.prepare_key(public_pem)
        assert isinstance(public, jwtkit.Key), type(public)
        jwk = algorithm.to_jwk(public, as_dict=True)
        assert type(algorithm).from_jwk(jwk).to_public_jwk() == public.to_public_jwk()
        assert jwt.PyJWK(jwk).key is not None
        signature = algorithm.sign(b"input", algorithm.prepare_key(private_pem))
        assert algorithm.verify(b"input", public, signature)
        try:
            jwt.decode(token, "a-shared-secret-of-at-least-32-bytes!", algorithms=[{alg!r}])
        except jwt.PyJWTError:
            pass
        else:
            raise AssertionError("an HMAC secret verified a {alg} token")
        print("ok")
        """
    )
    assert out.strip() == "ok"
