"""PyJWT's exception classes, with the same names, hierarchy and messages.

Defined once, here; the native module raises these very classes.

One rule holds everywhere: every failure a token's content causes (its encoding, its ``alg``
or ``kid``, its signature, its claims) raises a subclass of ``InvalidTokenError``, so
``except InvalidTokenError`` answers every hostile token with a refusal. Only the caller's own
setup (a key that cannot be loaded or can verify no allowed token) raises ``InvalidKeyError``
alone. Where PyJWT raises another class for a token-caused failure, jwtkit's class keeps
PyJWT's as a second base, so code written for PyJWT still catches it.

jwtkit's own classes: ``InvalidTypeError`` (the header ``typ`` a ``Validator`` asked for is
absent or different), ``KeyNotFoundError`` (no key of a key set, or more than one, fits the
token's ``kid`` and ``alg``) and its two lookup forms ``PyJWKSetKeyError`` and
``PyJWKClientKeyNotFoundError``, and ``InvalidAlgorithmForKeyError`` (the token's ``alg`` asks
the key text for a use it cannot serve).
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
    "InvalidAlgorithmForKeyError",
    "PyJWKSetKeyError",
    "PyJWKClientKeyNotFoundError",
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


class KeyNotFoundError(InvalidTokenError, PyJWKError):
    """jwtkit's own: no key of a key set fits the token's ``kid`` and ``alg``, or more than one
    does (an ambiguous ``kid``). A verdict on the token; ``PyJWKError`` stays a base for code
    that caught it before."""


class InvalidAlgorithmForKeyError(InvalidAlgorithmError, InvalidKeyError):
    """jwtkit's own: the allow-list mixes HMAC and public-key algorithms, so the key text is
    read the way the token's ``alg`` asks, and it cannot serve that ``alg`` (an HS256 token
    against a public key or an SSH line, an RS256 token against a secret) although another
    allowed algorithm could use it. A verdict on the token; ``InvalidKeyError``, which PyJWT
    raises there, stays a base."""


class PyJWKSetKeyError(KeyNotFoundError, KeyError):
    """jwtkit's own: ``PyJWKSet[kid]`` found no key with that ``kid``, or more than one. A
    ``KeyError``, as PyJWT raises, and a ``KeyNotFoundError``, since the ``kid`` comes from a
    token."""


class PyJWKClientKeyNotFoundError(PyJWKClientError, KeyNotFoundError):
    """jwtkit's own: ``PyJWKClient`` found no signing key with the token's ``kid``, or more
    than one. A ``PyJWKClientError``, as PyJWT raises, and a ``KeyNotFoundError``."""
