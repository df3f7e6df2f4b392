"""``python -m jwtkit.help``: the versions to quote in a bug report (``jwt.help`` in PyJWT)."""

from __future__ import annotations

import json
import platform
import sys

from ._native import __version__

__all__ = ["info", "main"]


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
    ``pyjwt`` entry is jwtkit's version, which stands in for it)."""
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
        "pyjwt": {"version": __version__},
        "jwtkit": {"version": __version__},
    }


def main() -> None:
    """Prints ``info()`` as JSON."""
    print(json.dumps(info(), sort_keys=True, indent=2))


if __name__ == "__main__":
    main()
