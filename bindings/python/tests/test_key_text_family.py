"""A public key given as PEM text of another family than the token's alg is refused as the
same key object would be: ``InvalidAlgorithmForKeyError``, which is PyJWT's ``InvalidKeyError``."""

from __future__ import annotations

import pytest

import jwtkit
from jwtkit.exceptions import InvalidAlgorithmForKeyError, InvalidKeyError


@pytest.mark.parametrize("algorithms", [["RS256"], ["RS256", "ES256"]])
def test_a_pem_of_another_family_is_a_key_error(algorithms: list[str]) -> None:
    token = jwtkit.encode({"a": 1}, jwtkit.Key.generate("RS256").to_pkcs8_pem(), algorithm="RS256")
    ec_public = jwtkit.Key.generate("ES256").to_public_pem()
    for key in (ec_public, ec_public.encode(), jwtkit.Key.from_pem(ec_public)):
        with pytest.raises(InvalidAlgorithmForKeyError) as info:
            jwtkit.decode(token, key, algorithms=algorithms)
        assert isinstance(info.value, InvalidKeyError)
        with pytest.raises(InvalidKeyError):
            jwtkit.PyJWS().decode(token, key, algorithms=algorithms)
