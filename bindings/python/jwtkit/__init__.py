"""jwtkit: JSON Web Tokens on a Rust core, a drop-in, faster, stricter PyJWT.

``import jwtkit as jwt`` serves typical PyJWT code. Beyond PyJWT, ``Key`` and ``Validator``
parse a key and the validation rules once, for the fastest path::

    key = jwtkit.Key.from_pem(public_pem)
    validator = jwtkit.Validator(["ES256"], audience="orders-api", leeway=30)
    claims = validator.decode(token, key)
"""

from ._native import Key, KeySet, Validator, __version__
from .api_jwk import PyJWK, PyJWKSet
from .api_jws import (
    PyJWS,
    get_algorithm_by_name,
    get_unverified_header,
    register_algorithm,
    unregister_algorithm,
)
from .api_jwt import PyJWT, decode, decode_complete, encode
from .exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAlgorithmForKeyError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    InvalidTypeError,
    KeyNotFoundError,
    MissingRequiredClaimError,
    PyJWKClientConnectionError,
    PyJWKClientError,
    PyJWKClientKeyNotFoundError,
    PyJWKError,
    PyJWKSetError,
    PyJWKSetKeyError,
    PyJWTError,
)
from .jwks_client import PyJWKClient
from .warnings import InsecureKeyLengthWarning, RemovedInPyjwt3Warning

__all__ = [
    # jwtkit's own fast path
    "Key",
    "KeySet",
    "Validator",
    "__version__",
    # PyJWT's API
    "PyJWS",
    "PyJWT",
    "PyJWKClient",
    "PyJWK",
    "PyJWKSet",
    "decode",
    "decode_complete",
    "encode",
    "get_unverified_header",
    "register_algorithm",
    "unregister_algorithm",
    "get_algorithm_by_name",
    # Warnings
    "InsecureKeyLengthWarning",
    "RemovedInPyjwt3Warning",
    # Exceptions
    "DecodeError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InvalidAlgorithmError",
    "InvalidAlgorithmForKeyError",
    "InvalidAudienceError",
    "InvalidIssuedAtError",
    "InvalidIssuerError",
    "InvalidJTIError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "InvalidSubjectError",
    "InvalidTokenError",
    "InvalidTypeError",
    "KeyNotFoundError",
    "MissingRequiredClaimError",
    "PyJWKClientConnectionError",
    "PyJWKClientError",
    "PyJWKClientKeyNotFoundError",
    "PyJWKError",
    "PyJWKSetError",
    "PyJWKSetKeyError",
    "PyJWTError",
]
