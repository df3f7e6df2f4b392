"""PyJWT's exception classes, with the same names, hierarchy and messages.

Defined once, here; the native module raises these very classes. Two are jwtkit's own:
``InvalidTypeError`` (the header ``typ`` a ``Validator`` asked for is absent or different) and
``KeyNotFoundError`` (no key of a key set fits the token's ``kid`` and ``alg``).
"""

from __future__ import annotations

__all__ = [
    "PyJWTError",
    "InvalidTokenError",
    "DecodeError",
    "InvalidSignatureError",
    "ExpiredSignatureError",
    "InvalidAudienceError",
    "InvalidIssuerError",
    "InvalidIssuedAtError",
    "ImmatureSignatureError",
    "InvalidKeyError",
    "InvalidAlgorithmError",
    "MissingRequiredClaimError",
    "PyJWKError",
    "MissingCryptographyError",
    "PyJWKSetError",
    "PyJWKClientError",
    "PyJWKClientConnectionError",
    "InvalidSubjectError",
    "InvalidJTIError",
    "InvalidTypeError",
    "KeyNotFoundError",
]


class PyJWTError(Exception):
    """Base class for all exceptions"""


class InvalidTokenError(PyJWTError):
    """Base exception when ``decode()`` fails on a token"""


class DecodeError(InvalidTokenError):
    """Raised when a token cannot be decoded because it failed validation"""


class InvalidSignatureError(DecodeError):
    """Raised when a token's signature doesn't match the one provided as part of the token."""


class ExpiredSignatureError(InvalidTokenError):
    """Raised when a token's ``exp`` claim indicates that it has expired"""


class InvalidAudienceError(InvalidTokenError):
    """Raised when a token's ``aud`` claim does not match one of the expected audience values"""


class InvalidIssuerError(InvalidTokenError):
    """Raised when a token's ``iss`` claim does not match the expected issuer"""


class InvalidIssuedAtError(InvalidTokenError):
    """Raised when a token's ``iat`` claim is non-numeric"""


class ImmatureSignatureError(InvalidTokenError):
    """Raised when a token's ``nbf`` or ``iat`` claims represent a time in the future"""


class InvalidKeyError(PyJWTError):
    """Raised when the specified key is not in the proper format"""


class InvalidAlgorithmError(InvalidTokenError):
    """Raised when the specified algorithm is not recognized or not allowed"""


class MissingRequiredClaimError(InvalidTokenError):
    """Raised when a claim that is required to be present is not contained in the claimset"""

    def __init__(self, claim: str) -> None:
        self.claim = claim

    def __str__(self) -> str:
        return f'Token is missing the "{self.claim}" claim'


class PyJWKError(PyJWTError):
    pass


class MissingCryptographyError(PyJWKError):
    """Never raised by jwtkit (it needs no ``cryptography``); kept so imports keep working."""


class PyJWKSetError(PyJWTError):
    pass


class PyJWKClientError(PyJWTError):
    pass


class PyJWKClientConnectionError(PyJWKClientError):
    pass


class InvalidSubjectError(InvalidTokenError):
    """Raised when a token's ``sub`` claim doesn't match the expected ``subject``"""


class InvalidJTIError(InvalidTokenError):
    """PyJWT's error for a non-string ``jti``; jwtkit reports that as ``DecodeError``."""


class InvalidTypeError(InvalidTokenError):
    """jwtkit's own: the header ``typ`` is absent or not the one a ``Validator`` expects."""


class KeyNotFoundError(PyJWKError):
    """jwtkit's own: no key of a key set fits the token's ``kid`` and ``alg``."""
