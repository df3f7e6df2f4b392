"""``python -m jwtkit.help``: the versions to quote in a bug report (``jwt.help`` in PyJWT)."""

from __future__ import annotations

import json
import platform
import sys

from ._native import __version__

#: The PyJWT release whose API and test suite jwtkit follows: ``jwt.__version__`` once
#: ``jwtkit.install_as_jwt()`` has run, for code that checks which PyJWT it has.
PYJWT_API_VERSION = "2.15.1"

__all__ = ["PYJWT_API_VERSION", "info", "main"]


def _cryptography_version() -> str:
    try:
        import cryptography
    except ModuleNotFoundError:
        return ""
    return str(cryptography.__version__)


def _implementation_version() -> str:
    name = platform.python_implementation()
    if name == "CPython":
        return platform.python_version()
    if name == "PyPy":
        info = sys.pypy_version_info  # type: ignore[attr-defined]
        version = f"{info.major}.{info.minor}.{info.micro}"
        return version if info.releaselevel == "final" else version + info.releaselevel
    return "Unknown"


def info() -> dict[str, dict[str, str]]:
    """The platform, Python, ``cryptography`` and jwtkit versions, with PyJWT's keys (the
    ``pyjwt`` entry is the PyJWT version whose API jwtkit follows)."""
    try:
        system = {"system": platform.system(), "release": platform.release()}
    except OSError:
        system = {"system": "Unknown", "release": "Unknown"}
    return {
        "platform": system,
        "implementation": {
            "name": platform.python_implementation(),
            "version": _implementation_version(),
        },
        "cryptography": {"version": _cryptography_version()},
        "pyjwt": {"version": PYJWT_API_VERSION},
        "jwtkit": {"version": __version__},
    }


def main() -> None:
    """Prints ``info()`` as JSON."""
    print(json.dumps(info(), sort_keys=True, indent=2))


if __name__ == "__main__":
    main()
