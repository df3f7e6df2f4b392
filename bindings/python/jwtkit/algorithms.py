"""The algorithms jwtkit implements, by JOSE name (``jwt.algorithms`` in PyJWT).

PyJWT maps each name to an object with ``sign``/``verify``/``prepare_key``; in jwtkit the
cryptography lives in the Rust core and cannot be replaced from Python, so only the names are
offered. ``none`` is absent on purpose: jwtkit never accepts unsecured tokens.
"""

from __future__ import annotations

from ._native import ALGORITHMS, MIN_SECRET_LEN

__all__ = [
    "get_default_algorithms",
    "has_crypto",
    "requires_cryptography",
    "HMAC_ALGORITHMS",
]

#: Always true: every algorithm is built in; the ``cryptography`` package is never needed.
has_crypto = True

#: Empty: no algorithm needs ``cryptography`` here.
requires_cryptography: frozenset[str] = frozenset()

#: The algorithms whose key is a shared secret: those the core gives a minimum secret length.
HMAC_ALGORITHMS: frozenset[str] = frozenset(MIN_SECRET_LEN)


def get_default_algorithms() -> dict[str, str]:
    """Every supported algorithm, as ``{name: name}`` (PyJWT gives ``{name: Algorithm}``)."""
    return {name: name for name in ALGORITHMS}
