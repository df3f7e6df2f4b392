"""PyJWT's claim rules, in Python, for the tokens the core's stricter claim reading refuses.

The core checks claims on every fast path. It reads every registered claim's type even when
PyJWT would not look at the claim (its option off, no expected value given), and its words
are its own. When it refuses a token's claims, the token (whose signature the core has
verified) is judged again here, by PyJWT's rules and with PyJWT's classes and messages, so
that a claim PyJWT does not check is not type-checked either. jwtkit's deliberate
difference stays: a NumericDate (``exp``, ``nbf``, ``iat``) must be a JSON number, never a
string of digits.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Union

from ._native import parse_json_object
from .exceptions import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidJTIError,
    InvalidSubjectError,
    MissingRequiredClaimError,
)


def parse(payload: bytes) -> dict[str, Any]:
    """The claims, read by the core's strict parser (unique member names, Unicode scalars,
    bounded nesting), or PyJWT's DecodeError. Integers too long for 64 bits are then taken
    exactly as ``json.loads`` reads them (the same text, already found strict)."""
    try:
        claims = parse_json_object(payload)
    except ValueError as err:
        if payload.lstrip()[:1] not in (b"{", b""):
            try:
                json.loads(payload)
            except (ValueError, RecursionError) as json_err:
                raise DecodeError(f"Invalid payload string: {json_err}") from None
            raise DecodeError("Invalid payload string: must be a json object") from None
        raise DecodeError(f"Invalid payload string: {err}") from None
    if _LONG_INTEGER.search(payload):
        claims = json.loads(payload)
    return claims


#: A run of digits too long for a 64-bit integer, outside or inside a string (a string match
#: costs only the exact re-read).
_LONG_INTEGER = re.compile(rb"[0-9]{19}")


def _numeric_date(claims: dict[str, Any], name: str, error: type[Exception], label: str) -> float:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
        isinstance(value, float) and not math.isfinite(value)
    ):
        raise error(f"{label} claim ({name}) must be an integer.")
    if not -(2**63) <= value < 2**63:  # the core's NumericDate range: seconds within i64
        raise error(f"{label} claim ({name}) must be an integer.")
    return int(value)


def check(
    claims: dict[str, Any],
    options: Any,
    audience: Union[str, Iterable[str], None],
    issuer: Any,
    subject: Any,
    leeway: Union[float, timedelta],
) -> None:
    """PyJWT's claim validation of `claims` under `options` (PyJWT's option dict)."""
    if isinstance(leeway, timedelta):
        leeway = leeway.total_seconds()
    # The core's rule on every path: whole seconds, never negative.
    if isinstance(leeway, bool) or not isinstance(leeway, (int, float)) or not (
        math.isfinite(leeway) and leeway >= 0
    ):
        raise ValueError("leeway must be a finite number of seconds >= 0")
    leeway = int(leeway)
    if audience is not None and not isinstance(audience, (str, Iterable)):
        raise TypeError("audience must be a string, iterable or None")
    for name in options.get("require") or ():
        if claims.get(name) is None:
            raise MissingRequiredClaimError(name)
    now = time.time()
    if "iat" in claims and options.get("verify_iat", True):
        iat = _numeric_date(claims, "iat", InvalidIssuedAtError, "Issued At")
        if iat > now + leeway:
            raise ImmatureSignatureError("The token is not yet valid (iat)")
    if "nbf" in claims and options.get("verify_nbf", True):
        nbf = _numeric_date(claims, "nbf", DecodeError, "Not Before")
        if nbf > now + leeway:
            raise ImmatureSignatureError("The token is not yet valid (nbf)")
    if "exp" in claims and options.get("verify_exp", True):
        exp = _numeric_date(claims, "exp", DecodeError, "Expiration Time")
        if exp <= now - leeway:
            raise ExpiredSignatureError("Signature has expired")
    # jwtkit's rule: an expected issuer, audience or subject is always checked (PyJWT skips a
    # configured value when its option is off).
    if options.get("verify_iss", True) or issuer is not None:
        check_iss(claims, issuer)
    if options.get("verify_aud", True) or audience is not None:
        check_aud(claims, audience, bool(options.get("strict_aud", False)))
    if subject is not None and claims.get("sub") is None:
        # jwtkit's rule: an expected subject is always checked, so its absence is refused.
        raise MissingRequiredClaimError("sub")
    if (options.get("verify_sub", True) or subject is not None) and "sub" in claims:
        if not isinstance(claims["sub"], str):
            raise InvalidSubjectError("Subject must be a string")
        if subject is not None and claims["sub"] != subject:
            raise InvalidSubjectError("Invalid subject")
    if options.get("verify_jti", True) and "jti" in claims:
        if not isinstance(claims["jti"], str):
            raise InvalidJTIError("JWT ID must be a string")


def check_aud(claims: dict[str, Any], audience: Any, strict: bool) -> None:
    found = claims.get("aud")
    if audience is None:
        if found:
            raise InvalidAudienceError("Invalid audience")
        return
    if not found:
        raise MissingRequiredClaimError("aud")
    if strict:
        if not isinstance(audience, str):
            raise InvalidAudienceError("Invalid audience (strict)")
        if not isinstance(found, str):
            raise InvalidAudienceError("Invalid claim format in token (strict)")
        if audience != found:
            raise InvalidAudienceError("Audience doesn't match (strict)")
        return
    values = [found] if isinstance(found, str) else found
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidAudienceError("Invalid claim format in token")
    wanted = [audience] if isinstance(audience, str) else audience
    if not any(aud in values for aud in wanted):
        raise InvalidAudienceError("Audience doesn't match")


def check_iss(claims: dict[str, Any], issuer: Any) -> None:
    if issuer is None:
        return
    if "iss" not in claims:
        raise MissingRequiredClaimError("iss")
    iss = claims["iss"]
    if not isinstance(iss, str):
        raise InvalidIssuerError("Payload Issuer (iss) must be a string")
    if isinstance(issuer, str):
        if iss != issuer:
            raise InvalidIssuerError("Invalid issuer")
        return
    try:
        found = iss in issuer
    except TypeError:
        raise InvalidIssuerError('Issuer param must be "str" or "Container[str]"') from None
    if not found:
        raise InvalidIssuerError("Invalid issuer")
