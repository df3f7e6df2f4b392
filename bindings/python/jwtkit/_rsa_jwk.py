"""RSA private JWKs without their CRT parameters (RFC 7518 §6.3.2 lets a producer leave them
out): the primes recovered from ``n``, ``e`` and ``d``, as PyJWT recovers them, so the core
gets a complete key."""

from __future__ import annotations

import math
from typing import Any

from .exceptions import InvalidKeyError
from .utils import base64url_decode, to_base64url_uint


def _b64int(value: Any) -> int:
    return int.from_bytes(base64url_decode(value), "big")


def _recover_primes(n: int, e: int, d: int) -> tuple[int, int]:
    """The two primes of the RSA modulus `n`, from the exponents (NIST SP 800-56B, App. C)."""
    k = d * e - 1
    if k <= 0 or k % 2:
        raise InvalidKeyError("Invalid RSA private key: d and e are inconsistent")
    t = 0
    r = k
    while r % 2 == 0:
        r //= 2
        t += 1
    for g in range(2, 200):
        y = pow(g, r, n)
        if y in (1, n - 1):
            continue
        for _ in range(t):
            x = pow(y, 2, n)
            if x == 1:
                p = math.gcd(y - 1, n)
                if 1 < p < n:
                    q = n // p
                    return (p, q) if p > q else (q, p)
                break
            if x == n - 1:
                break
            y = x
    raise InvalidKeyError("Invalid RSA private key: the primes could not be recovered")


def complete_rsa_private_jwk(jwk: dict[str, Any]) -> dict[str, Any]:
    """An RSA private JWK with its CRT parameters (``p``, ``q``, ``dp``, ``dq``, ``qi``),
    recovered from ``n``, ``e`` and ``d`` when the producer left them out (RFC 7518
    §6.3.2 allows that)."""
    if all(name in jwk for name in ("p", "q", "dp", "dq", "qi")) or "d" not in jwk:
        return jwk
    try:
        n, e, d = _b64int(jwk["n"]), _b64int(jwk["e"]), _b64int(jwk["d"])
    except (ValueError, TypeError) as err:
        raise InvalidKeyError("Invalid key parameter") from err
    p, q = _recover_primes(n, e, d)
    full = dict(jwk)
    for name, value in (
        ("p", p),
        ("q", q),
        ("dp", d % (p - 1)),
        ("dq", d % (q - 1)),
        ("qi", pow(q, -1, p)),
    ):
        full[name] = to_base64url_uint(value).decode()
    return full
