"""jwtkit: JSON Web Tokens on a Rust core, a drop-in, faster, stricter PyJWT.

``import jwtkit as jwt`` serves typical PyJWT code. Beyond PyJWT, ``Key`` and ``Validator``
parse a key and the validation rules once, for the fastest path::

    key = jwtkit.Key.from_pem(public_pem)
    validator = jwtkit.Validator(["ES256"], audience="orders-api", leeway=30)
    claims = validator.decode(token, key)

``jwtkit.install_as_jwt()`` makes ``import jwt`` (and every ``jwt.*`` module PyJWT 2 has) give
jwtkit, for frameworks that import PyJWT themselves.
"""

import importlib as _importlib
import sys as _sys
import types as _types
import typing as _typing

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
from .help import PYJWT_API_VERSION
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


class _JWTModule(_types.ModuleType):
    """``jwt`` after ``install_as_jwt()``: every name of jwtkit's, with PyJWT's version.

    Names are looked up on jwtkit at each access, so ``jwt.decode is jwtkit.decode``;
    patching ``jwt.decode`` (a test's mock) changes what ``jwt.decode`` gives, as it does
    with PyJWT. The submodules are jwtkit's own (``jwt.api_jwt is jwtkit.api_jwt``).
    """

    def __getattr__(self, name: str) -> _typing.Any:
        return getattr(_sys.modules[__name__], name)

    def __dir__(self) -> list[str]:
        return sorted(set(dir(_sys.modules[__name__])) | set(self.__dict__))


def install_as_jwt() -> None:
    """Makes ``import jwt`` give jwtkit, with PyJWT's modules (``jwt.algorithms``,
    ``jwt.api_jwt``, ``jwt.exceptions``, ``jwt.jwks_client``, ...) as jwtkit's own, and
    ``jwt.__version__`` the PyJWT version whose API jwtkit follows (``PYJWT_API_VERSION``;
    ``jwt.__jwtkit_version__`` is jwtkit's).

    Call it before anything imports ``jwt``: first thing in ``manage.py``/``wsgi.py``/
    ``asgi.py``, the Flask app factory's module, or the FastAPI app's module. Calling it
    again is harmless. If PyJWT's ``jwt`` was imported already, it raises
    ``PyJWTAlreadyImportedError`` (an ``ImportError``) and replaces nothing, rather than
    leaving some code on PyJWT and some on jwtkit.
    """
    if isinstance(_sys.modules.get("jwt"), _JWTModule):
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
    module = _JWTModule("jwt", __doc__)
    module.__version__ = PYJWT_API_VERSION  # type: ignore[attr-defined]
    module.__jwtkit_version__ = __version__  # type: ignore[attr-defined]
    module.__all__ = list(__all__)  # type: ignore[attr-defined]
    # A package whose submodules are all registered below: nothing is ever loaded twice
    # under a second name.
    module.__path__ = []  # type: ignore[attr-defined]
    prefix = f"{__name__}."
    submodules = {
        name[len(prefix):]: mod for name, mod in _sys.modules.items() if name.startswith(prefix)
    }
    for name in _PYJWT_MODULES:
        submodules.setdefault(name, _importlib.import_module(prefix + name))
    for name, mod in submodules.items():
        _sys.modules[f"jwt.{name}"] = mod
    _sys.modules["jwt"] = module


__all__ = [
    "install_as_jwt",
    "PyJWTAlreadyImportedError",
    "PYJWT_API_VERSION",
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
