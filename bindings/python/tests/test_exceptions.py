"""The exception hierarchy, compared with PyJWT's programmatically, and PyJWT's messages."""

from __future__ import annotations

import inspect

import jwt as pyjwt
import jwt.exceptions
import jwt.warnings
import pytest

import jwtkit
import jwtkit.exceptions
import jwtkit.warnings


def public_classes(module: object) -> dict[str, type]:
    return {
        name: obj
        for name, obj in vars(module).items()
        if inspect.isclass(obj) and issubclass(obj, BaseException) and not name.startswith("_")
    }


def mro_names(cls: type) -> list[str]:
    return [klass.__name__ for klass in cls.__mro__]


@pytest.mark.parametrize(
    ("theirs", "ours"),
    [(jwt.exceptions, jwtkit.exceptions), (jwt.warnings, jwtkit.warnings)],
)
def test_every_pyjwt_class_exists_with_the_same_mro(theirs: object, ours: object) -> None:
    pyjwt_classes = public_classes(theirs)
    jwtkit_classes = public_classes(ours)
    assert pyjwt_classes, "PyJWT's classes were found"
    for name, cls in pyjwt_classes.items():
        assert name in jwtkit_classes, f"jwtkit lacks {name}"
        assert mro_names(jwtkit_classes[name]) == mro_names(cls), name


def test_the_package_exports_what_pyjwt_exports() -> None:
    missing = set(pyjwt.__all__) - set(jwtkit.__all__)
    assert not missing
    for name in jwtkit.__all__:
        assert hasattr(jwtkit, name), name
    for name, cls in public_classes(jwtkit.exceptions).items():
        assert getattr(jwtkit, name, cls) is cls


def test_jwtkits_own_classes_sit_in_the_hierarchy() -> None:
    assert issubclass(jwtkit.InvalidTypeError, jwtkit.InvalidTokenError)
    # What a token causes is an InvalidTokenError; PyJWT's class for it stays a base.
    assert issubclass(jwtkit.KeyNotFoundError, jwtkit.InvalidTokenError)
    assert issubclass(jwtkit.KeyNotFoundError, jwtkit.PyJWKError)
    assert issubclass(jwtkit.InvalidAlgorithmForKeyError, jwtkit.InvalidAlgorithmError)
    assert issubclass(jwtkit.InvalidAlgorithmForKeyError, jwtkit.InvalidKeyError)
    assert issubclass(jwtkit.PyJWKSetKeyError, jwtkit.KeyNotFoundError)
    assert issubclass(jwtkit.PyJWKSetKeyError, KeyError)
    assert issubclass(jwtkit.PyJWKClientKeyNotFoundError, jwtkit.KeyNotFoundError)
    assert issubclass(jwtkit.PyJWKClientKeyNotFoundError, jwtkit.PyJWKClientError)
    # The caller's own setup errors are not rejections.
    for cls in (jwtkit.InvalidKeyError, jwtkit.PyJWKSetError, jwtkit.PyJWKClientConnectionError):
        assert not issubclass(cls, jwtkit.InvalidTokenError), cls


def test_missing_claim_carries_the_claim() -> None:
    err = jwtkit.MissingRequiredClaimError("exp")
    assert err.claim == "exp"
    assert str(err) == 'Token is missing the "exp" claim'
    assert str(err) == str(pyjwt.MissingRequiredClaimError("exp"))
