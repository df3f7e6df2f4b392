"""``PyJWT``: PyJWT's JWT API (``encode``, ``decode``, ``decode_complete``) over the Rust core.

This module maps PyJWT's arguments and options onto a ``jwtkit.Validator`` and the key
conversions of ``_keys``; every check on a token is made by the core.
"""

from __future__ import annotations

import json
import warnings
from calendar import timegm
from collections.abc import Container, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Optional, Union, cast

from . import _claims, _keys
from .exceptions import DecodeError, InvalidTokenError
from ._native import Validator
from .api_jws import (
    _ALGORITHM_UNSET,
    PyJWS,
    _as_text,
    _dumps,
    _jws_global_obj,
    _require_algorithms,
)
from .warnings import _warn_unsupported_kwargs

if TYPE_CHECKING:
    from .types import FullOptions, Options, SigOptions

__all__ = ["PyJWT", "encode", "decode", "decode_complete"]

_CLAIM_CHECKS = ("verify_exp", "verify_nbf", "verify_iat", "verify_aud", "verify_iss", "verify_sub")

#: How many decode plans (see ``PyJWT._planned``) an instance keeps before starting afresh.
_PLAN_LIMIT = 128
_TIME_CLAIMS = ("exp", "iat", "nbf")
#: How the core's refusals of a token's claims text begin (PyJWT's words go around them).
_CLAIMS_REFUSED = "malformed token: claims"
_SEQUENCES = (list, tuple)


def _plan_key(
    key: Any,
    algorithms: Any,
    audience: Any,
    issuer: Any,
    subject: Any,
    leeway: Any,
) -> Any:
    """A decode call's configuration as a dict key, or None when it has no such form. Text keys
    count by value; any other key by identity (the plan holds the object, and the identity is
    checked on use). Lists are read as they are now, so later changes to them count."""
    kind = type(key)
    if kind is not str and kind is not bytes:
        key = id(key)
    if type(algorithms) not in _SEQUENCES:
        return None
    if audience is not None and type(audience) is not str:
        if type(audience) not in _SEQUENCES:
            return None
        audience = tuple(audience)
    if issuer is not None and type(issuer) is not str:
        if type(issuer) not in _SEQUENCES:
            return None
        issuer = tuple(issuer)
    return (key, tuple(algorithms), audience, issuer, subject, leeway)


def _plain_audience(audience: Any) -> bool:
    """Whether the core can take `audience` as it is (None, a string, strings in a list or
    tuple); any other iterable is read by PyJWT's rules."""
    if audience is None or type(audience) is str:
        return True
    return type(audience) in _SEQUENCES and all(type(item) is str for item in audience)


class PyJWT:
    def __init__(self, options: Optional[Options] = None) -> None:
        self.options: FullOptions = self._get_default_options()
        if options is not None:
            self.options = self._merge_options(options)
        self._jws = PyJWS(options=self._get_sig_options())
        self._plans: dict[Any, tuple[Validator, Any, Any, dict[str, Any], Any]] = {}

    @staticmethod
    def _get_default_options() -> FullOptions:
        return {
            "verify_signature": True,
            "verify_exp": True,
            "verify_nbf": True,
            "verify_iat": True,
            "verify_aud": True,
            "verify_iss": True,
            "verify_sub": True,
            "verify_jti": True,
            "require": [],
            "strict_aud": False,
            "enforce_minimum_key_length": False,
        }

    def _get_sig_options(self) -> SigOptions:
        return {
            "verify_signature": self.options["verify_signature"],
            "enforce_minimum_key_length": self.options.get("enforce_minimum_key_length", False),
        }

    def _merge_options(self, options: Optional[Options] = None) -> FullOptions:
        if options is None:
            return self.options
        merged = cast("Options", dict(options))
        # As PyJWT: with the signature unchecked, claim checks default to off.
        if not merged.get("verify_signature", True):
            for name in (*_CLAIM_CHECKS, "verify_jti"):
                merged[name] = merged.get(name, False)  # type: ignore[literal-required]
        return cast("FullOptions", {**self.options, **merged})

    def encode(
        self,
        payload: dict[str, Any],
        key: Any,
        algorithm: Optional[str] = _ALGORITHM_UNSET,
        headers: Optional[dict[str, Any]] = None,
        json_encoder: Optional[type[json.JSONEncoder]] = None,
        sort_headers: bool = True,
    ) -> str:
        """Encodes `payload` as a JWT signed with `key` (``datetime`` values of ``exp``,
        ``iat`` and ``nbf`` become NumericDates)."""
        if not isinstance(payload, dict):
            raise TypeError(
                "Expecting a dict object, as JWT only supports JSON objects as payloads."
            )
        copied = False
        for time_claim in _TIME_CLAIMS:
            value = payload.get(time_claim)
            if value is not None and isinstance(value, datetime):
                if not copied:  # the caller's dict stays as it was
                    payload, copied = payload.copy(), True
                payload[time_claim] = timegm(value.utctimetuple())
        if "iss" in payload and not isinstance(payload["iss"], str):
            raise TypeError("Issuer (iss) must be a string.")
        jws = self._jws
        if type(jws).encode is PyJWS.encode:
            # The claims go to the core as they are: JSON, header and signature in one call.
            return jws._encode(
                None, payload, key, algorithm, headers, json_encoder, False, sort_headers
            )
        json_payload = _dumps(payload, cls=json_encoder).encode("utf-8")
        return jws.encode(
            json_payload, key, algorithm, headers, json_encoder, sort_headers=sort_headers
        )

    def _validator(
        self,
        options: FullOptions,
        algorithms: list[str],
        audience: Union[str, Iterable[str], None],
        issuer: Union[str, Container[str], None],
        subject: Optional[str],
        leeway: Union[float, timedelta],
    ) -> Validator:
        if audience is not None and not isinstance(audience, (str, Iterable)):
            raise TypeError("audience must be a string, iterable or None")
        if isinstance(issuer, Container) and not isinstance(issuer, (str, Iterable)):
            raise TypeError('Issuer param must be "str" or "Container[str]"')
        # An expected audience, issuer or subject is always checked: `verify_aud`,
        # `verify_iss` and `verify_sub` only decide about tokens when none is configured
        # (PyJWT skips a configured value when its option is off). `strict_aud` is the core's
        # strict audience rule, with PyJWT's words.
        return Validator(
            algorithms,
            audience=audience,
            issuer=cast("Optional[Iterable[str]]", issuer),
            subject=subject,
            leeway=leeway,
            require=options["require"],
            verify_exp=options["verify_exp"],
            verify_nbf=options["verify_nbf"],
            verify_iat=options["verify_iat"],
            verify_aud=options["verify_aud"],
            strict_audience=bool(options.get("strict_aud", False)),
        )

    def decode_complete(
        self,
        jwt: Union[str, bytes],
        key: Any = "",
        algorithms: Optional[Sequence[str]] = None,
        options: Optional[Options] = None,
        verify: Optional[bool] = None,
        detached_payload: Optional[bytes] = None,
        audience: Union[str, Iterable[str], None] = None,
        issuer: Union[str, Container[str], None] = None,
        subject: Optional[str] = None,
        leeway: Union[float, timedelta] = 0,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Like ``decode``, returning ``{"header": ..., "payload": ..., "signature": ...}``."""
        try:
            if options is None and verify is None and detached_payload is None and not kwargs:
                plan = self._planned(key, algorithms, audience, issuer, subject, leeway)
                if plan is not None:
                    return plan[0].decode_complete(jwt, plan[1])
            _warn_unsupported_kwargs("decode_complete", kwargs)
            kwargs = {}
            return cast(
                "dict[str, Any]",
                self._decode_complete(
                    jwt, key, algorithms, options, verify, detached_payload,
                    audience, issuer, subject, leeway,
                ),
            )
        except InvalidTokenError as err:
            return cast(
                "dict[str, Any]",
                self._decode_by_pyjwt_rules(
                    err, jwt, key, algorithms, options, detached_payload,
                    audience, issuer, subject, leeway, True,
                ),
            )

    def _decode_complete(
        self,
        jwt: Union[str, bytes],
        key: Any,
        algorithms: Optional[Sequence[str]],
        options: Optional[Options],
        verify: Optional[bool],
        detached_payload: Optional[bytes],
        audience: Union[str, Iterable[str], None],
        issuer: Union[str, Container[str], None],
        subject: Optional[str],
        leeway: Union[float, timedelta],
        complete: bool = True,
    ) -> Any:
        if options is not None and not isinstance(options, Mapping):
            raise TypeError("options must be a dict")
        verify_signature = True if options is None else options.get("verify_signature", True)
        if verify is not None and verify != verify_signature:
            warnings.warn(
                "The `verify` argument to `decode` does nothing in PyJWT 2.0 and newer. "
                "The equivalent is setting `verify_signature` to False in the `options` dictionary. "
                "This invocation has a mismatch between the kwarg and the option entry.",
                category=DeprecationWarning,
                stacklevel=3,
            )
        merged = self._merge_options(options)
        token = _as_text(jwt)
        if (
            not verify_signature
            or detached_payload is not None
            or self._jws._python_algs()
            or not _plain_audience(audience)
            or type(self)._decode_payload is not PyJWT._decode_payload
        ):
            # Through the algorithm objects (a user's own algorithm, an RFC 7797 payload) or
            # unverified: the claims by PyJWT's rules, as PyJWT checks them.
            return self._pyjwt_rules(
                token, key, algorithms, merged, detached_payload, audience, issuer, subject,
                leeway, complete,
            )
        _require_algorithms(algorithms, key)
        allowed = self._jws._allowed(algorithms, key)
        validator = self._validator(merged, allowed, audience, issuer, subject, leeway)
        verifier = _keys.verifying_key(
            key, allowed, token, bool(merged.get("enforce_minimum_key_length", False))
        )
        if options is None:
            self._plan(key, algorithms, audience, issuer, subject, leeway, allowed, validator, verifier)
        decoded: Any = (
            validator.decode_complete(token, verifier)
            if complete
            else validator.decode(token, verifier)
        )
        return decoded

    def _pyjwt_rules(
        self,
        token: str,
        key: Any,
        algorithms: Optional[Sequence[str]],
        merged: Any,
        detached_payload: Optional[bytes],
        audience: Any,
        issuer: Any,
        subject: Any,
        leeway: Union[float, timedelta],
        complete: bool,
    ) -> Any:
        """The signature (if checked) by the core through ``PyJWS``, the claims by PyJWT's
        rules (``_claims``)."""
        if isinstance(issuer, Container) and not isinstance(issuer, (str, Iterable)):
            raise TypeError('Issuer param must be "str" or "Container[str]"')
        jws = self._jws._decode_complete(token, key, algorithms, merged, detached_payload)
        claims = self._decode_payload(jws)
        _claims.check(claims, merged, audience, issuer, subject, leeway)
        if complete:
            jws["payload"] = claims
            return jws
        return claims

    def _decode_by_pyjwt_rules(
        self,
        err: InvalidTokenError,
        jwt: Any,
        key: Any,
        algorithms: Optional[Sequence[str]],
        options: Optional[Options],
        detached_payload: Optional[bytes],
        audience: Any,
        issuer: Any,
        subject: Any,
        leeway: Union[float, timedelta],
        complete: bool,
    ) -> Any:
        """After the core refused a token's claims (`err`): PyJWT's verdict on them, which
        reads a claim only where PyJWT does. Anything else the core refused stands."""
        text = str(err)
        # The core marks its refusals of the claims' shape (not an object, a registered claim
        # of the wrong type): a question of PyJWT's rules. Anything else stands.
        if getattr(err, "_mistyped_claim", None) is None:
            if isinstance(jwt, (str, bytes)):
                try:
                    token = _as_text(jwt)
                except DecodeError:
                    raise err from None
                self._jws._explain(token, algorithms, key)
                if isinstance(err, DecodeError) and text.startswith(_CLAIMS_REFUSED + ": "):
                    # The JSON text itself, refused: PyJWT's words around the core's.
                    raise DecodeError(
                        f"Invalid payload string: {text[len(_CLAIMS_REFUSED) + 2:]}"
                    ) from None
            raise err
        return self._pyjwt_rules(
            _as_text(jwt), key, algorithms, self._merge_options(options), detached_payload,
            audience, issuer, subject, leeway, complete,
        )

    def _decode_payload(self, decoded: dict[str, Any]) -> Any:
        """The claims of a verified JWS (``decoded["payload"]`` is bytes). PyJWT's hook: a
        subclass that overrides it (a compressed payload, say) is honoured."""
        return _claims.parse(decoded["payload"])

    # PyJWT's private validators, for code that calls them.
    def _validate_claims(
        self,
        payload: dict[str, Any],
        options: Any,
        audience: Any = None,
        issuer: Any = None,
        subject: Optional[str] = None,
        leeway: Union[float, timedelta] = 0,
    ) -> None:
        _claims.check(payload, options, audience, issuer, subject, leeway)

    def _validate_iss(self, payload: dict[str, Any], issuer: Any) -> None:
        _claims.check_iss(payload, issuer)

    def _validate_aud(self, payload: dict[str, Any], audience: Any, *, strict: bool = False) -> None:
        _claims.check_aud(payload, audience, strict)

    def _plan(
        self,
        key: Any,
        algorithms: Any,
        audience: Any,
        issuer: Any,
        subject: Any,
        leeway: Any,
        allowed: list[str],
        validator: Validator,
        verifier: Any,
    ) -> None:
        """Keeps the validator and verifying key of a call made with the instance's options,
        when the key resolves the same way for every token and without a warning."""
        if not _keys.reusable(key, allowed):
            return
        try:
            plan_key = _plan_key(key, algorithms, audience, issuer, subject, leeway)
            if plan_key is None:
                return
            # The options as they are now, `require` copied: a change to either ends the plan.
            require = self.options.get("require")
            if type(require) is list:
                require = list(require)
            elif type(require) is not tuple:
                return
            plans = self._plans
            if len(plans) >= _PLAN_LIMIT:
                plans.clear()
            plans[plan_key] = (
                validator,
                verifier,
                key,
                {**self.options, "require": require},
                self._jws._native_algs(),
            )
        except TypeError:  # an unhashable subject or leeway, say
            return

    def _planned(
        self,
        key: Any,
        algorithms: Any,
        audience: Any,
        issuer: Any,
        subject: Any,
        leeway: Any,
    ) -> Optional[tuple[Validator, Any, Any, dict[str, Any], Any]]:
        """The plan of an earlier call with this configuration, if the instance's options are
        still those it was made under: the Validator and verifying key that the full path
        would build again, so a repeated call goes straight to the core."""
        # `_plan_key`, inlined: this is the hot path of every repeated decode.
        kind = type(key)
        text = kind is str or kind is bytes
        if type(algorithms) not in _SEQUENCES:
            return None
        if audience is not None and type(audience) is not str:
            if type(audience) not in _SEQUENCES:
                return None
            audience = tuple(audience)
        if issuer is not None and type(issuer) is not str:
            if type(issuer) not in _SEQUENCES:
                return None
            issuer = tuple(issuer)
        try:
            plan = self._plans.get(
                (key if text else id(key), tuple(algorithms), audience, issuer, subject, leeway)
            )
        except TypeError:
            return None
        if (
            plan is None
            or (not text and plan[2] is not key)
            or plan[3] != self.options
            # The algorithms registered on the PyJWS then (unregister_algorithm ends a plan).
            or plan[4] is not self._jws._native_algs()
        ):
            return None
        return plan

    def decode(
        self,
        jwt: Union[str, bytes],
        key: Any = "",
        algorithms: Optional[Sequence[str]] = None,
        options: Optional[Options] = None,
        verify: Optional[bool] = None,
        detached_payload: Optional[bytes] = None,
        audience: Union[str, Iterable[str], None] = None,
        subject: Optional[str] = None,
        issuer: Union[str, Container[str], None] = None,
        leeway: Union[float, timedelta] = 0,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Verifies `jwt` with `key` (the signature, then the claims) and returns its claims."""
        try:
            if options is None and verify is None and detached_payload is None and not kwargs:
                plan = self._planned(key, algorithms, audience, issuer, subject, leeway)
                if plan is not None:
                    return cast("dict[str, Any]", plan[0].decode(jwt, plan[1]))
            _warn_unsupported_kwargs("decode", kwargs)
            kwargs = {}
            return cast(
                "dict[str, Any]",
                self._decode_complete(
                    jwt, key, algorithms, options, verify, detached_payload,
                    audience, issuer, subject, leeway, complete=False,
                ),
            )
        except InvalidTokenError as err:
            return cast(
                "dict[str, Any]",
                self._decode_by_pyjwt_rules(
                    err, jwt, key, algorithms, options, detached_payload,
                    audience, issuer, subject, leeway, False,
                ),
            )


_jwt_global_obj = PyJWT()
_jwt_global_obj._jws = _jws_global_obj
encode = _jwt_global_obj.encode
decode_complete = _jwt_global_obj.decode_complete
decode = _jwt_global_obj.decode
