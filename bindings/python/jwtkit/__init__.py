"""jwtkit: JSON Web Tokens on a Rust core, a drop-in, faster, stricter PyJWT.

``import jwtkit as jwt`` serves typical PyJWT code. Beyond PyJWT, ``Key`` and ``Validator``
parse a key and the validation rules once, for the fastest path::

    key = jwtkit.Key.from_pem(public_pem)
    validator = jwtkit.Validator(["ES256"], audience="orders-api", leeway=30)
    claims = validator.decode(token, key)

``jwtkit.install_as_jwt()`` makes ``import jwt`` (and every ``jwt.*`` module PyJWT 2 has) give
jwtkit, for frameworks that import PyJWT themselves.
"""

import sys as _sys

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
# Every module PyJWT 2 has, loaded, so that install_as_jwt() can make each one jwt.<name>.
from . import (  # noqa: F401
    algorithms,
    api_jwk,
    api_jws,
    api_jwt,
    exceptions,
    help,
    jwk_set_cache,
    jwks_client,
    types,
    utils,
    warnings,
)
from .warnings import InsecureKeyLengthWarning, RemovedInPyjwt3Warning

#: The modules PyJWT 2 has, each of which ``install_as_jwt`` makes ``jwt.<name>``.
_PYJWT_MODULES = (
    "algorithms",
    "api_jwk",
    "api_jws",
    "api_jwt",
    "exceptions",
    "help",
    "jwk_set_cache",
    "jwks_client",
    "types",
    "utils",
    "warnings",
)


class PyJWTAlreadyImportedError(ImportError):
    """``install_as_jwt()`` was called after PyJWT's ``jwt`` had been imported: code holding
    PyJWT's objects would keep them, so nothing is replaced."""


def install_as_jwt() -> None:
    """Makes ``import jwt`` give jwtkit, with PyJWT's modules (``jwt.algorithms``,
    ``jwt.api_jwt``, ``jwt.exceptions``, ``jwt.jwks_client``, ...) as jwtkit's own.

    Call it before anything imports ``jwt``: first thing in ``manage.py``/``wsgi.py``/
    ``asgi.py``, the Flask app factory's module, or the FastAPI app's module. Calling it
    again is harmless. If PyJWT's ``jwt`` was imported already, it raises
    ``PyJWTAlreadyImportedError`` (an ``ImportError``) and replaces nothing, rather than
    leaving some code on PyJWT and some on jwtkit.
    """
    this = _sys.modules[__name__]
    if _sys.modules.get("jwt") is this:
        return
    imported = sorted(
        name for name in _sys.modules if name == "jwt" or name.startswith("jwt.")
    )
    if imported:
        raise PyJWTAlreadyImportedError(
            "jwtkit.install_as_jwt() must run before anything imports jwt: PyJWT is "
            f"already imported ({', '.join(imported)}), so the code that imported it would "
            "keep PyJWT. Call install_as_jwt() first thing (manage.py, wsgi.py/asgi.py, the "
            "app's module) or uninstall PyJWT."
        )
    _sys.modules["jwt"] = this
    for name in _PYJWT_MODULES:
        _sys.modules[f"jwt.{name}"] = _sys.modules[f"{__name__}.{name}"]


__all__ = [
    "install_as_jwt",
    "PyJWTAlreadyImportedError",
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
