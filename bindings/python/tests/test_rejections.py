"""Issue 10, items 2 to 5: what a token's content causes is a rejection.

Every failure a hostile token can cause, on every key source Python offers (a secret as str or
bytes, a ``Key``, a ``PyJWK``, a ``PyJWKSet``, a ``KeySet``) and through every entry point
(``jwt.decode``, ``PyJWT().decode``, ``PyJWS().decode``, ``Validator.decode``), raises a subclass
of ``InvalidTokenError``: never ``InvalidKeyError`` or ``PyJWKError`` alone, never ``TypeError``
or ``ValueError``. ``InvalidKeyError`` alone is kept for the caller's own setup: a key that can
verify no token the allow-list admits. Then the settings that must fail closed: an empty
audience list, a configured audience, issuer or subject with its ``verify_*`` option off, a
required claim that is ``null``, and a ``kid`` that is not a string in an unverified header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Optional, Union

import jwt as pyjwt
import pytest

import jwtkit
from test_vectors import KIND_TO_EXCEPTION

SECRET = b"k" * 32
NOW = int(time.time())
#: A mixed allow-list: how a text key is read then depends on the token's `alg`.
ALGS = ["HS256", "HS384", "ES256"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json(value: Any) -> bytes:
    return value if isinstance(value, bytes) else json.dumps(value, separators=(",", ":")).encode()


def craft(
    header: Union[dict[str, Any], bytes, None] = None,
    claims: Union[dict[str, Any], bytes, None] = None,
    secret: bytes = SECRET,
    digest: Any = hashlib.sha256,
    signature: Optional[str] = None,
) -> str:
    """A token MAC'd with `secret` over exactly the given header and claims bytes."""
    head = _json({"alg": "HS256", "kid": "h1", "typ": "JWT"} if header is None else header)
    body = _json({"sub": "u"} if claims is None else claims)
    signing_input = f"{_b64(head)}.{_b64(body)}"
    if signature is None:
        signature = _b64(hmac.new(secret, signing_input.encode(), digest).digest())
    return f"{signing_input}.{signature}"


def oct_jwk(secret: bytes, kid: str) -> dict[str, str]:
    return {"kty": "oct", "k": _b64(secret), "kid": kid}


#: Three secrets: `h1` is the one the tokens are signed with; two others share the kid `dup`.
HMAC_JWKS = {
    "keys": [oct_jwk(SECRET, "h1"), oct_jwk(b"o" * 32, "dup"), oct_jwk(b"p" * 32, "dup")]
}


def _pyjwt_kwargs(cfg: dict[str, Any]) -> dict[str, Any]:
    kwargs = {name: cfg[name] for name in ("audience", "issuer", "subject") if name in cfg}
    options = {}
    if "require" in cfg:
        options["require"] = cfg["require"]
    if cfg.get("verify_iat"):
        options["verify_iat"] = True
    if options:
        kwargs["options"] = options
    return kwargs


def _validator(cfg: dict[str, Any]) -> jwtkit.Validator:
    return jwtkit.Validator(
        ALGS,
        audience=cfg.get("audience"),
        issuer=cfg.get("issuer"),
        subject=cfg.get("subject"),
        require=cfg.get("require", []),
        verify_iat=cfg.get("verify_iat", False),
    )


Source = Callable[[str, dict[str, Any]], Any]

#: Every way Python verifies an HMAC-signed JWT, with the key in each form it takes.
JWT_SOURCES: dict[str, Source] = {
    "jwt.decode, str secret": lambda t, c: jwtkit.decode(
        t, SECRET.decode(), algorithms=ALGS, **_pyjwt_kwargs(c)
    ),
    "PyJWT().decode, bytes secret": lambda t, c: jwtkit.PyJWT().decode(
        t, SECRET, algorithms=ALGS, **_pyjwt_kwargs(c)
    ),
    "jwt.decode_complete, Key": lambda t, c: jwtkit.decode_complete(
        t, jwtkit.Key.from_secret(SECRET), algorithms=ALGS, **_pyjwt_kwargs(c)
    ),
    "jwt.decode, PyJWK": lambda t, c: jwtkit.decode(
        t, jwtkit.PyJWK(oct_jwk(SECRET, "h1")), algorithms=ALGS, **_pyjwt_kwargs(c)
    ),
    "jwt.decode, PyJWKSet": lambda t, c: jwtkit.decode(
        t, jwtkit.PyJWKSet.from_dict(HMAC_JWKS), algorithms=ALGS, **_pyjwt_kwargs(c)
    ),
    "Validator.decode, Key": lambda t, c: _validator(c).decode(t, jwtkit.Key.from_secret(SECRET)),
    "Validator.decode_complete, KeySet": lambda t, c: _validator(c).decode_complete(
        t, jwtkit.KeySet.from_jwks(HMAC_JWKS)
    ),
}
SET_SOURCES = {name: call for name, call in JWT_SOURCES.items() if "Set" in name}
#: JWS-level verification (no claims): the same key forms.
JWS_SOURCES: dict[str, Source] = {
    "PyJWS().decode, str secret": lambda t, c: jwtkit.PyJWS().decode(
        t, SECRET.decode(), algorithms=ALGS
    ),
    "PyJWS().decode_complete, PyJWKSet": lambda t, c: jwtkit.PyJWS().decode_complete(
        t, jwtkit.PyJWKSet.from_dict(HMAC_JWKS), algorithms=ALGS
    ),
}


@dataclass
class Case:
    token: str
    expected: type[Exception]
    #: "jws" (JWS and JWT sources), "jwt" (JWT sources) or "sets" (key sets only).
    scope: str = "jws"
    cfg: dict[str, Any] = field(default_factory=dict)
    #: Where a source reports the same token another way, the class it raises.
    per_source: dict[str, type[Exception]] = field(default_factory=dict)


_ES256_SIGNATURE = _b64(b"\x01" * 64)
#: The first half of the genuine HS256 tag: well-formed base64url, the wrong length.
_TRUNCATED = _b64(base64.urlsafe_b64decode(craft().rsplit(".", 1)[1] + "=")[:16])

CASES: dict[str, Case] = {
    # The encoding.
    "not enough segments": Case("abc.def", jwtkit.DecodeError),
    "header not base64url": Case("!!!." + craft().split(".", 1)[1], jwtkit.DecodeError),
    "header not JSON": Case(craft(header=b"not json"), jwtkit.DecodeError),
    "header not an object": Case(craft(header=b"[1]"), jwtkit.DecodeError),
    "duplicate header member": Case(
        craft(header=b'{"alg":"HS256","alg":"HS256","kid":"h1"}'), jwtkit.DecodeError
    ),
    "kid not a string": Case(craft(header={"alg": "HS256", "kid": ["h1"]}), jwtkit.DecodeError),
    "kid a number": Case(craft(header={"alg": "HS256", "kid": 1}), jwtkit.DecodeError),
    "kid too long": Case(craft(header={"alg": "HS256", "kid": "a" * 300}), jwtkit.DecodeError),
    "unknown crit extension": Case(
        craft(header={"alg": "HS256", "kid": "h1", "crit": ["x-ext"], "x-ext": 1}),
        jwtkit.DecodeError,
    ),
    "unencoded payload": Case(
        craft(header={"alg": "HS256", "kid": "h1", "b64": False, "crit": ["b64"]}),
        jwtkit.DecodeError,
    ),
    "signature not base64url": Case(craft(signature="!!!!"), jwtkit.DecodeError),
    "token too long": Case(craft(claims={"sub": "u", "pad": "x" * 9000}), jwtkit.DecodeError),
    # The signature and the algorithm.
    "bad signature": Case(craft(secret=b"z" * 32), jwtkit.InvalidSignatureError),
    "truncated signature": Case(craft(signature=_TRUNCATED), jwtkit.InvalidSignatureError),
    "alg none": Case(
        craft(header={"alg": "none", "kid": "h1"}, signature=""), jwtkit.InvalidAlgorithmError
    ),
    "alg outside the allow-list": Case(
        craft(header={"alg": "HS512", "kid": "h1"}, digest=hashlib.sha512),
        jwtkit.InvalidAlgorithmError,
    ),
    "unknown alg": Case(craft(header={"alg": "HS999", "kid": "h1"}), jwtkit.InvalidAlgorithmError),
    "alg of another family": Case(
        craft(header={"alg": "ES256", "kid": "h1"}, signature=_ES256_SIGNATURE),
        jwtkit.InvalidAlgorithmError,
        per_source={
            # The secret's text read as an EC key, as the token asks: a verdict on the token.
            "jwt.decode, str secret": jwtkit.InvalidAlgorithmForKeyError,
            "PyJWT().decode, bytes secret": jwtkit.InvalidAlgorithmForKeyError,
            "PyJWS().decode, str secret": jwtkit.InvalidAlgorithmForKeyError,
            # A set: no key of it fits (kid, alg).
            "jwt.decode, PyJWKSet": jwtkit.KeyNotFoundError,
            "Validator.decode_complete, KeySet": jwtkit.KeyNotFoundError,
            "PyJWS().decode_complete, PyJWKSet": jwtkit.KeyNotFoundError,
        },
    ),
    # The claims.
    "claims not JSON": Case(craft(claims=b"nope"), jwtkit.DecodeError, "jwt"),
    "duplicate claim": Case(craft(claims=b'{"sub":"a","sub":"b"}'), jwtkit.DecodeError, "jwt"),
    "exp not a number": Case(craft(claims={"exp": "soon"}), jwtkit.DecodeError, "jwt"),
    "expired": Case(craft(claims={"exp": NOW - 100}), jwtkit.ExpiredSignatureError, "jwt"),
    "not yet valid": Case(craft(claims={"nbf": NOW + 1000}), jwtkit.ImmatureSignatureError, "jwt"),
    "issued in the future": Case(
        craft(claims={"iat": NOW + 1000}), jwtkit.ImmatureSignatureError, "jwt", {"verify_iat": True}
    ),
    "wrong issuer": Case(
        craft(claims={"iss": "evil"}), jwtkit.InvalidIssuerError, "jwt", {"issuer": "good"}
    ),
    "no issuer": Case(craft(), jwtkit.MissingRequiredClaimError, "jwt", {"issuer": "good"}),
    "wrong audience": Case(
        craft(claims={"aud": "evil"}), jwtkit.InvalidAudienceError, "jwt", {"audience": "api"}
    ),
    "unexpected audience": Case(craft(claims={"aud": "api"}), jwtkit.InvalidAudienceError, "jwt"),
    "no audience": Case(craft(), jwtkit.MissingRequiredClaimError, "jwt", {"audience": "api"}),
    "empty audience list, token without aud": Case(
        craft(), jwtkit.MissingRequiredClaimError, "jwt", {"audience": []}
    ),
    "empty audience list, token with aud": Case(
        craft(claims={"aud": "api"}), jwtkit.InvalidAudienceError, "jwt", {"audience": []}
    ),
    "wrong subject": Case(craft(), jwtkit.InvalidSubjectError, "jwt", {"subject": "v"}),
    "missing required claim": Case(
        craft(), jwtkit.MissingRequiredClaimError, "jwt", {"require": ["scope"]}
    ),
    "required claim is null": Case(
        craft(claims={"scope": None}),
        jwtkit.MissingRequiredClaimError,
        "jwt",
        {"require": ["scope"]},
    ),
    # The key a set picks.
    "unknown kid": Case(
        craft(header={"alg": "HS256", "kid": "nope"}), jwtkit.KeyNotFoundError, "sets"
    ),
    "ambiguous kid": Case(
        craft(header={"alg": "HS256", "kid": "dup"}), jwtkit.KeyNotFoundError, "sets"
    ),
    "no kid, several keys": Case(craft(header={"alg": "HS256"}), jwtkit.KeyNotFoundError, "sets"),
}


def _params() -> list[Any]:
    params = []
    for case_id, case in CASES.items():
        sources = {
            "jws": {**JWT_SOURCES, **JWS_SOURCES},
            "jwt": JWT_SOURCES,
            "sets": {
                **SET_SOURCES,
                **{n: s for n, s in JWS_SOURCES.items() if "Set" in n},
            },
        }[case.scope]
        for source_id in sources:
            params.append(pytest.param(case_id, source_id, id=f"{case_id} / {source_id}"))
    return params


def _refusal(call: Callable[[], Any]) -> BaseException:
    try:
        result = call()
    except BaseException as err:  # noqa: BLE001 - the class is what is checked
        return err
    raise AssertionError(f"accepted: {result!r}")


def assert_rejection(err: BaseException, expected: type[Exception]) -> None:
    assert isinstance(err, jwtkit.InvalidTokenError), f"{type(err).__name__}: {err}"
    assert not isinstance(err, (TypeError, ValueError)), f"{type(err).__name__}: {err}"
    assert isinstance(err, expected), f"expected {expected.__name__}, got {type(err).__name__}: {err}"


@pytest.mark.parametrize(("case_id", "source_id"), _params())
def test_every_token_failure_is_an_invalid_token_error(case_id: str, source_id: str) -> None:
    case = CASES[case_id]
    source = {**JWT_SOURCES, **JWS_SOURCES}[source_id]
    err = _refusal(lambda: source(case.token, case.cfg))
    assert_rejection(err, case.per_source.get(source_id, case.expected))


def test_the_cases_reach_every_rejection_class_of_the_core() -> None:
    # Each error kind of the core but InvalidKey (the one a token cannot cause) has a case
    # here; InvalidTypeError, which only a Validator's `typ` gives, has its own test below.
    reached = {case.expected for case in CASES.values()}
    reached |= {cls for case in CASES.values() for cls in case.per_source.values()}
    reached.add(jwtkit.InvalidTypeError)
    kinds = {cls for kind, cls in KIND_TO_EXCEPTION.items() if kind != "invalid_key"}
    assert kinds <= reached, kinds - reached
    # And every source meets every case of its scope: nothing is skipped silently.
    assert len(_params()) >= 3 * len(CASES)


@pytest.mark.parametrize("source", ["Key", "KeySet"])
def test_an_unexpected_typ_is_a_rejection(source: str) -> None:
    token = craft(header={"alg": "HS256", "kid": "h1", "typ": "JWT"})
    key: Any = (
        jwtkit.Key.from_secret(SECRET) if source == "Key" else jwtkit.KeySet.from_jwks(HMAC_JWKS)
    )
    validator = jwtkit.Validator(ALGS, typ="at+jwt", require=[])
    assert_rejection(_refusal(lambda: validator.decode(token, key)), jwtkit.InvalidTypeError)


def test_hs384_against_a_32_byte_secret_is_a_rejection_on_every_key_source() -> None:
    # The token chose HS384; the secret is long enough for HS256, which the allow-list admits.
    token = craft(header={"alg": "HS384", "kid": "h1"}, digest=hashlib.sha384)
    validator = jwtkit.Validator(["HS256", "HS384"], require=[])
    # One key: the secret is too short for the token's choice (the core says
    # AlgorithmNotAllowed, InvalidKey before).
    err = _refusal(lambda: validator.decode(token, jwtkit.Key.from_secret(SECRET)))
    assert_rejection(err, jwtkit.InvalidAlgorithmError)
    assert not isinstance(err, jwtkit.InvalidKeyError)
    # A set: no key accepts (h1, HS384).
    for keys in (jwtkit.KeySet.from_jwks(HMAC_JWKS), jwtkit.PyJWKSet.from_dict(HMAC_JWKS)):
        key_set = keys.key_set if isinstance(keys, jwtkit.PyJWKSet) else keys
        assert_rejection(_refusal(lambda: validator.decode(token, key_set)), jwtkit.KeyNotFoundError)
        assert_rejection(
            _refusal(lambda: jwtkit.decode(token, keys, algorithms=["HS256", "HS384"])),
            jwtkit.KeyNotFoundError,
        )
    # A text secret under PyJWT's `enforce_minimum_key_length`: the token's choice again.
    err = _refusal(
        lambda: jwtkit.decode(
            token,
            SECRET,
            algorithms=["HS256", "HS384"],
            options={"enforce_minimum_key_length": True},
        )
    )
    assert_rejection(err, jwtkit.InvalidAlgorithmForKeyError)
    assert isinstance(err, jwtkit.InvalidKeyError)  # as PyJWT raises
    # Without the option, PyJWT's policy: a warning, and the token verifies.
    with pytest.warns(jwtkit.InsecureKeyLengthWarning):
        assert jwtkit.decode(token, SECRET, algorithms=["HS256", "HS384"]) == {"sub": "u"}


def test_the_callers_own_key_errors_stay_invalid_key_errors() -> None:
    # A key that can verify no token of the allow-list is the caller's error, whatever the
    # token: InvalidKeyError alone, not a rejection.
    broken_pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"
    es256 = craft(header={"alg": "ES256"}, signature=_ES256_SIGNATURE)
    hs256 = craft()
    for token, key, algorithms in (
        (es256, broken_pem, ["ES256"]),
        (es256, broken_pem, ["HS256", "ES256"]),  # no secret either: it is PEM
        (hs256, broken_pem, ["HS256", "ES256"]),
        (hs256, broken_pem, ["HS256"]),
        (es256, SECRET, ["ES256"]),  # a secret where only public keys are allowed
    ):
        err = _refusal(lambda: jwtkit.decode(token, key, algorithms=algorithms))
        assert type(err) is jwtkit.InvalidKeyError, f"{algorithms}: {type(err).__name__}: {err}"
    # A JWK whose key_ops forbid verifying: no token can pass, so not a rejection either.
    jwk = {**oct_jwk(SECRET, "h1"), "key_ops": ["sign"]}
    err = _refusal(
        lambda: jwtkit.Validator(["HS256"], require=[]).decode(hs256, jwtkit.Key.from_jwk(jwk))
    )
    assert type(err) is jwtkit.InvalidKeyError


def test_pyjwt_code_still_catches_invalid_key_error_where_jwtkit_rejects() -> None:
    # A secret as the key, an RS256 token, an allow-list of both: PyJWT raises
    # InvalidKeyError; jwtkit's InvalidAlgorithmForKeyError is one, and an InvalidTokenError.
    token = craft(header={"alg": "RS256"}, signature=_b64(b"\x01" * 256))
    with pytest.raises(pyjwt.InvalidKeyError):
        pyjwt.decode(token, SECRET, algorithms=["HS256", "RS256"])
    err = _refusal(lambda: jwtkit.decode(token, SECRET, algorithms=["HS256", "RS256"]))
    assert_rejection(err, jwtkit.InvalidAlgorithmForKeyError)
    assert isinstance(err, jwtkit.InvalidKeyError)


def test_exception_classes_follow_the_rule() -> None:
    token_classes = [
        jwtkit.KeyNotFoundError,
        jwtkit.InvalidAlgorithmForKeyError,
        jwtkit.PyJWKSetKeyError,
        jwtkit.PyJWKClientKeyNotFoundError,
    ]
    for cls in token_classes:
        assert issubclass(cls, jwtkit.InvalidTokenError), cls
    # The bases PyJWT code catches.
    assert issubclass(jwtkit.KeyNotFoundError, jwtkit.PyJWKError)
    assert issubclass(jwtkit.InvalidAlgorithmForKeyError, jwtkit.InvalidKeyError)
    assert issubclass(jwtkit.PyJWKSetKeyError, KeyError)
    assert issubclass(jwtkit.PyJWKClientKeyNotFoundError, jwtkit.PyJWKClientError)
    assert not issubclass(jwtkit.InvalidKeyError, jwtkit.InvalidTokenError)


# ---------------------------------------------------------------------------------------
# Item 3: an empty audience list fails closed, and a configured value is always checked.


@pytest.mark.parametrize(
    ("claims", "expected"),
    [({"sub": "u"}, jwtkit.MissingRequiredClaimError), ({"aud": "api"}, jwtkit.InvalidAudienceError)],
    ids=["without aud", "with aud"],
)
def test_an_empty_audience_list_fails_closed_as_in_pyjwt(
    claims: dict[str, Any], expected: type[Exception]
) -> None:
    token = craft(claims=claims)
    with pytest.raises(expected) as ours:
        jwtkit.decode(token, SECRET, algorithms=["HS256"], audience=[])
    with pytest.raises(expected):
        jwtkit.Validator(["HS256"], audience=[], require=[]).decode(
            token, jwtkit.Key.from_secret(SECRET)
        )
    with pytest.raises(Exception) as theirs:
        pyjwt.decode(token, SECRET, algorithms=["HS256"], audience=[])
    assert type(theirs.value).__name__ == expected.__name__
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    ("claims", "kwargs", "option", "expected"),
    [
        ({"aud": "evil"}, {"audience": "api"}, "verify_aud", jwtkit.InvalidAudienceError),
        ({"sub": "u"}, {"audience": "api"}, "verify_aud", jwtkit.MissingRequiredClaimError),
        ({"aud": "evil"}, {"audience": []}, "verify_aud", jwtkit.InvalidAudienceError),
        ({"iss": "evil"}, {"issuer": "good"}, "verify_iss", jwtkit.InvalidIssuerError),
        ({"iss": "evil"}, {"issuer": ["good"]}, "verify_iss", jwtkit.InvalidIssuerError),
        ({"sub": "evil"}, {"subject": "good"}, "verify_sub", jwtkit.InvalidSubjectError),
    ],
)
def test_a_configured_value_is_checked_even_with_its_option_off(
    claims: dict[str, Any], kwargs: dict[str, Any], option: str, expected: type[Exception]
) -> None:
    token = craft(claims=claims)
    # PyJWT skips the configured value when its option is off; jwtkit checks it.
    assert pyjwt.decode(token, SECRET, algorithms=["HS256"], options={option: False}, **kwargs)
    for options in ({option: False}, {option: False, "verify_signature": True}):
        with pytest.raises(expected):
            jwtkit.decode(token, SECRET, algorithms=["HS256"], options=options, **kwargs)
        with pytest.raises(expected):
            jwtkit.PyJWT(options).decode(token, SECRET, algorithms=["HS256"], **kwargs)
    # Without the signature check too: claim checks default off there, a configured value
    # is still checked.
    with pytest.raises(expected):
        jwtkit.decode(token, options={"verify_signature": False}, **kwargs)
    with pytest.raises(expected):
        jwtkit.decode_complete(token, options={"verify_signature": False, option: False}, **kwargs)
    # With the option off and nothing configured, the option does what it says.
    if option == "verify_aud":
        assert jwtkit.decode(token, SECRET, algorithms=["HS256"], options={option: False}) == claims


def test_a_validator_checks_its_audience_even_with_verify_aud_off() -> None:
    key = jwtkit.Key.from_secret(SECRET)
    for audience in ("api", ["api"], []):
        validator = jwtkit.Validator(["HS256"], audience=audience, verify_aud=False, require=[])
        with pytest.raises(jwtkit.InvalidAudienceError):
            validator.decode(craft(claims={"aud": "evil"}), key)
        with pytest.raises(jwtkit.MissingRequiredClaimError):
            validator.decode(craft(claims={}), key)
    # No audience configured: verify_aud=False accepts any aud, as documented.
    validator = jwtkit.Validator(["HS256"], verify_aud=False, require=[])
    assert validator.decode(craft(claims={"aud": "evil"}), key) == {"aud": "evil"}


def test_strict_aud_applies_even_with_verify_aud_off() -> None:
    token = craft(claims={"aud": ["api", "other"]})
    options = {"strict_aud": True, "verify_aud": False}
    with pytest.raises(jwtkit.InvalidAudienceError, match="strict"):
        jwtkit.decode(token, SECRET, algorithms=["HS256"], audience="api", options=options)


# ---------------------------------------------------------------------------------------
# Item 4: the unverified header checks `kid` as the verify path does (the core does).


@pytest.mark.parametrize("kid", [["h1"], {"k": 1}, 1, 1.5, True, None], ids=repr)
def test_unverified_header_refuses_a_kid_that_is_not_a_string(kid: Any) -> None:
    token = craft(header={"alg": "RS256", "kid": kid})
    with pytest.raises(jwtkit.DecodeError) as ours:
        jwtkit.get_unverified_header(token)
    with pytest.raises(jwtkit.DecodeError):
        jwtkit.PyJWS().get_unverified_header(token)
    with pytest.raises(pyjwt.InvalidTokenError) as theirs:
        pyjwt.get_unverified_header(token)
    assert str(ours.value) == str(theirs.value) == "Key ID header parameter must be a string"
    # Unverified decoding reads the same header.
    with pytest.raises(jwtkit.DecodeError):
        jwtkit.decode(token, options={"verify_signature": False})


def test_unverified_header_refuses_an_over_long_kid() -> None:
    with pytest.raises(jwtkit.DecodeError):
        jwtkit.get_unverified_header(craft(header={"alg": "RS256", "kid": "a" * 300}))
    assert jwtkit.get_unverified_header(craft(header={"alg": "RS256", "kid": "a" * 256}))["kid"]


# ---------------------------------------------------------------------------------------
# Item 5: a required claim whose value is null is missing (the core decides).


def test_a_required_claim_that_is_null_is_missing_as_in_pyjwt() -> None:
    token = craft(claims={"sub": "u", "scope": None})
    with pytest.raises(jwtkit.MissingRequiredClaimError) as ours:
        jwtkit.decode(token, SECRET, algorithms=["HS256"], options={"require": ["scope"]})
    assert ours.value.claim == "scope"
    with pytest.raises(pyjwt.MissingRequiredClaimError) as theirs:
        pyjwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["scope"]})
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(jwtkit.MissingRequiredClaimError):
        jwtkit.Validator(["HS256"], require=["scope"]).decode(token, jwtkit.Key.from_secret(SECRET))
    with pytest.raises(jwtkit.MissingRequiredClaimError):
        jwtkit.decode(token, options={"verify_signature": False, "require": ["scope"]})
    # Present but empty or falsy is present.
    for value in ("", 0, False, [], {}):
        token = craft(claims={"scope": value})
        assert jwtkit.decode(token, SECRET, algorithms=["HS256"], options={"require": ["scope"]})
