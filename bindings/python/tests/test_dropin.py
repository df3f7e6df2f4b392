"""jwtkit standing in for PyJWT: install_as_jwt(), the algorithm objects, custom algorithms,
RFC 7797 payloads, JWKs as PyJWT loads them, and PyJWT's claim rules (issue 11)."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import textwrap
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import get_default_algorithms as pyjwt_algorithms

import jwtkit
from conftest import ALGORITHMS, KeyPair
from jwtkit import algorithms

SECRET = b"s" * 32


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter (install_as_jwt changes sys.modules for good)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


# ---------------------------------------------------------------------------------------
# install_as_jwt


def test_install_as_jwt_gives_every_pyjwt_module() -> None:
    done = run_python(
        """
        import sys, jwtkit
        jwtkit.install_as_jwt()
        jwtkit.install_as_jwt()  # harmless again
        import jwt
        assert jwt.decode is jwtkit.decode and jwt.PyJWT is jwtkit.PyJWT
        assert jwt.__version__ == jwtkit.PYJWT_API_VERSION == "2.15.1"
        assert jwt.__jwtkit_version__ == jwtkit.__version__
        import jwt._native
        assert jwt._native is jwtkit._native  # never loaded twice
        names = ["algorithms", "api_jwk", "api_jws", "api_jwt", "exceptions", "help",
                 "jwk_set_cache", "jwks_client", "types", "utils", "warnings"]
        for name in names:
            module = __import__(f"jwt.{name}", fromlist=["x"])
            assert module is sys.modules[f"jwtkit.{name}"], name
        from jwt.algorithms import RSAAlgorithm, requires_cryptography
        from jwt.jwk_set_cache import JWKSetCache
        from jwt.help import info
        assert info()["pyjwt"]["version"] == "2.15.1"
        assert info()["jwtkit"]["version"] == jwtkit.__version__
        assert "RS256" in requires_cryptography
        token = jwt.encode({"sub": "ada"}, "k" * 32)
        assert jwt.decode(token, "k" * 32, algorithms=["HS256"]) == {"sub": "ada"}
        print("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_install_as_jwt_refuses_once_pyjwt_is_imported() -> None:
    done = run_python(
        """
        import jwt, jwtkit
        try:
            jwtkit.install_as_jwt()
        except ImportError as err:
            assert isinstance(err, jwtkit.PyJWTAlreadyImportedError)
            assert "already imported" in str(err)
            import sys
            assert sys.modules["jwt"] is jwt and not hasattr(jwt, "__jwtkit_version__")
            print("refused")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "refused"


# ---------------------------------------------------------------------------------------
# jwt.algorithms


def test_default_algorithms_are_objects_without_none() -> None:
    defaults = algorithms.get_default_algorithms()
    assert "none" not in defaults
    assert set(jwtkit._native.ALGORITHMS) == set(defaults)
    assert isinstance(defaults["HS256"], algorithms.HMACAlgorithm)
    assert isinstance(defaults["PS256"], algorithms.RSAPSSAlgorithm)
    assert isinstance(defaults["ES384"], algorithms.ECAlgorithm)
    assert isinstance(defaults["EdDSA"], algorithms.OKPAlgorithm)
    assert algorithms.has_crypto is True
    assert algorithms.requires_cryptography == pyjwt.algorithms.requires_cryptography
    assert algorithms.HMACAlgorithm.SHA256 is hashlib.sha256
    assert algorithms.RSAAlgorithm.SHA512 is pyjwt.algorithms.RSAAlgorithm.SHA512


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_algorithm_objects_interoperate_with_pyjwts(keypairs: dict[str, KeyPair], alg: str) -> None:
    pair = keypairs[alg]
    ours = jwtkit.get_algorithm_by_name(alg)
    theirs = pyjwt_algorithms()[alg]
    private = ours.prepare_key(pair.private_pem)
    public = ours.prepare_key(pair.public_pem)
    # cryptography objects, as PyJWT gives, or the secret's bytes
    assert type(private) is type(theirs.prepare_key(pair.private_pem))
    message = b"header.payload"
    signature = ours.sign(message, private)
    assert theirs.verify(message, theirs.prepare_key(pair.public_pem), signature)
    assert ours.verify(message, public, theirs.sign(message, theirs.prepare_key(pair.private_pem)))
    assert not ours.verify(message + b"!", public, signature)
    if alg == "EdDSA":  # no hash of its own, in PyJWT either
        for algorithm in (ours, theirs):
            with pytest.raises(NotImplementedError):
                algorithm.compute_hash_digest(b"abc")
    else:
        assert ours.compute_hash_digest(b"abc") == theirs.compute_hash_digest(b"abc")
    jwk = ours.to_jwk(private, as_dict=True)
    assert jwk == theirs.to_jwk(private, as_dict=True)
    assert ours.to_jwk(ours.from_jwk(json.dumps(jwk)), as_dict=True) == jwk


def test_prepare_key_refuses_what_pyjwt_refuses(keypairs: dict[str, KeyPair]) -> None:
    hmac = jwtkit.get_algorithm_by_name("HS256")
    with pytest.raises(jwtkit.InvalidKeyError, match="must not be empty"):
        hmac.prepare_key(b"")
    with pytest.raises(jwtkit.InvalidKeyError, match="asymmetric key"):
        hmac.prepare_key(keypairs["RS256"].public_pem)
    with pytest.raises(jwtkit.InvalidKeyError, match="looks like a JWK"):
        hmac.prepare_key(json.dumps({"kty": "oct", "k": "c2VjcmV0"}))
    with pytest.raises(jwtkit.InvalidKeyError):
        jwtkit.get_algorithm_by_name("RS256").prepare_key(keypairs["ES256"].private)
    with pytest.raises(jwtkit.InvalidKeyError, match="does not match the expected curve"):
        jwtkit.get_algorithm_by_name("ES256").prepare_key(keypairs["ES384"].public)


def test_rsa_private_jwk_without_crt_parameters_loads(rsa_key: Any) -> None:
    full = pyjwt_algorithms()["RS256"].to_jwk(rsa_key, as_dict=True)
    only_d = {name: full[name] for name in ("kty", "n", "e", "d")}
    key = algorithms.RSAAlgorithm.from_jwk(only_d)
    numbers, original = key.private_numbers(), rsa_key.private_numbers()
    assert {numbers.p, numbers.q} == {original.p, original.q} and numbers.d == original.d
    token = jwtkit.encode({"sub": "ada"}, jwtkit.PyJWK(only_d, "RS256"), algorithm="RS256")
    assert pyjwt.decode(token, rsa_key.public_key(), algorithms=["RS256"]) == {"sub": "ada"}
    completed = algorithms.complete_rsa_private_jwk(only_d)
    assert {completed["p"], completed["q"]} == {full["p"], full["q"]}
    with pytest.raises(jwtkit.InvalidKeyError, match="all parameters"):
        algorithms.RSAAlgorithm.from_jwk({**only_d, "p": full["p"]})


def test_pyjwk_key_and_algorithm_as_pyjwt_gives_them(keypairs: dict[str, KeyPair]) -> None:
    public = jwtkit.get_algorithm_by_name("ES256").to_jwk(keypairs["ES256"].public, as_dict=True)
    jwk = jwtkit.PyJWK(public)
    assert isinstance(jwk.key, ec.EllipticCurvePublicKey)
    assert isinstance(jwk.Algorithm, algorithms.ECAlgorithm)
    oct_jwk = jwtkit.PyJWK({"kty": "oct", "k": "c2VjcmV0", "alg": "HS256"})
    assert oct_jwk.key == b"secret"
    # The cryptography object is tied to the core's key: no second parse.
    token = jwtkit.encode({"a": 1}, keypairs["ES256"].private, algorithm="ES256")
    assert jwtkit.decode(token, jwk.key, algorithms=["ES256"]) == {"a": 1}


# ---------------------------------------------------------------------------------------
# Registering algorithms


class Reversed(algorithms.Algorithm):
    """A toy algorithm of a user's own (the signature is the message reversed, keyed)."""

    calls: list[str] = []

    def prepare_key(self, key: Any) -> bytes:
        return bytes(key, "utf-8") if isinstance(key, str) else key

    def sign(self, msg: bytes, key: bytes) -> bytes:
        self.calls.append("sign")
        return hashlib.sha256(key + msg[::-1]).digest()

    def verify(self, msg: bytes, key: bytes, sig: bytes) -> bool:
        self.calls.append("verify")
        return sig == hashlib.sha256(key + msg[::-1]).digest()

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
        raise NotImplementedError

    @staticmethod
    def from_jwk(jwk: Any) -> Any:
        raise NotImplementedError


def test_a_custom_algorithm_runs_in_python_for_jws_and_jwt() -> None:
    jws = jwtkit.PyJWS()
    jws.register_algorithm("X-REV", Reversed())
    token = jws.encode(b"payload", "key", algorithm="X-REV")
    assert jws.decode(token, "key", algorithms=["X-REV"]) == b"payload"
    with pytest.raises(jwtkit.InvalidSignatureError):
        jws.decode(token, "other", algorithms=["X-REV"])
    assert Reversed.calls[:2] == ["sign", "verify"]
    # The built-ins still run in Rust beside it.
    hs = jws.encode(b"p", SECRET, algorithm="HS256")
    assert jws.decode(hs, SECRET, algorithms=["HS256", "X-REV"]) == b"p"
    # The JWT layer through an instance whose PyJWS has it.
    jwt_obj = jwtkit.PyJWT()
    jwt_obj._jws = jws
    claims = {"sub": "ada", "exp": 4_000_000_000}
    assert jwt_obj.decode(jwt_obj.encode(claims, "key", algorithm="X-REV"), "key", algorithms=["X-REV"]) == claims
    with pytest.raises(ValueError):
        jws.register_algorithm("X-REV", Reversed())
    with pytest.raises(ValueError, match="none"):
        jws.register_algorithm("none", Reversed())
    with pytest.raises(TypeError):
        jws.register_algorithm("Y", object())  # type: ignore[arg-type]


def test_unregister_and_algorithms_restrict_signing_and_verifying() -> None:
    token = jwtkit.encode({"a": 1}, SECRET, algorithm="HS256")
    jws = jwtkit.PyJWS(algorithms=["HS512"])
    with pytest.raises(NotImplementedError):
        jws.encode(b"x", SECRET, algorithm="HS256")
    with pytest.raises(NotImplementedError):
        jws.get_algorithm_by_name("HS256")
    with pytest.raises(jwtkit.InvalidAlgorithmError):
        jws.decode(token, SECRET, algorithms=["HS256"])
    other = jwtkit.PyJWS()
    other.unregister_algorithm("HS256")
    with pytest.raises(jwtkit.InvalidAlgorithmError, match="Algorithm not supported"):
        other.decode(token, SECRET, algorithms=["HS256"])
    with pytest.raises(KeyError):
        other.unregister_algorithm("HS256")
    with pytest.raises(NotImplementedError):
        other.get_algorithm_by_name("none")


# ---------------------------------------------------------------------------------------
# RFC 7797


def test_unencoded_payloads_interoperate_with_pyjwt() -> None:
    ours = jwtkit.PyJWS().encode(b"$.02", SECRET, algorithm="HS256", is_payload_detached=True)
    assert pyjwt.PyJWS().decode(ours, SECRET, algorithms=["HS256"], detached_payload=b"$.02") == b"$.02"
    theirs = pyjwt.PyJWS().encode(b"$.02", SECRET, algorithm="HS256", headers={"b64": False})
    complete = jwtkit.PyJWS().decode_complete(theirs, SECRET, algorithms=["HS256"], detached_payload=b"$.02")
    assert complete["header"]["crit"] == ["b64"] and complete["payload"] == b"$.02"
    with pytest.raises(jwtkit.InvalidSignatureError):
        jwtkit.PyJWS().decode(theirs, SECRET, algorithms=["HS256"], detached_payload=b"$.03")
    with pytest.raises(jwtkit.DecodeError, match="detached_payload"):
        jwtkit.PyJWS().decode(theirs, SECRET, algorithms=["HS256"])
    # With a PyJWK of kty oct, whose secret the core holds.
    jwk = jwtkit.PyJWK({"kty": "oct", "k": jwtkit.utils.base64url_encode(SECRET).decode(), "alg": "HS256"})
    with_jwk = jwtkit.PyJWS().encode(b"$.02", jwk, headers={"b64": False})
    assert with_jwk == ours
    assert jwtkit.PyJWS().decode(theirs, jwk, detached_payload=b"$.02") == b"$.02"


# ---------------------------------------------------------------------------------------
# PyJWT's claim rules


def _hs(claims: dict[str, Any]) -> str:
    """An HS256 token of `claims` as JSON, whatever their types (PyJWT's encode refuses a
    non-string iss)."""
    header = jwtkit.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    payload = jwtkit.utils.base64url_encode(json.dumps(claims).encode())
    signing_input = header + b"." + payload
    signature = hmac.new(SECRET, signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + jwtkit.utils.base64url_encode(signature)).decode()


@pytest.mark.parametrize(
    ("claims", "options", "kwargs"),
    [
        ({"sub": 42}, {"verify_sub": False}, {}),
        ({"jti": 7}, {"verify_jti": False}, {}),
        ({"iat": "soon"}, {"verify_iat": False}, {}),
        ({"iss": 5}, {}, {}),  # no issuer expected: iss is not read
        ({"aud": None}, {}, {}),
        ({"exp": "later"}, {"verify_exp": False}, {}),
    ],
)
def test_a_claim_pyjwt_does_not_check_is_not_type_checked(
    claims: dict[str, Any], options: dict[str, Any], kwargs: dict[str, Any]
) -> None:
    token = _hs(claims)
    assert pyjwt.decode(token, SECRET, algorithms=["HS256"], options=options, **kwargs) == claims
    assert jwtkit.decode(token, SECRET, algorithms=["HS256"], options=options, **kwargs) == claims
    unverified = {"verify_signature": False}
    assert jwtkit.decode(token, options=unverified) == pyjwt.decode(token, options=unverified)


@pytest.mark.parametrize(
    ("claims", "kwargs", "error", "message"),
    [
        ({"sub": 42}, {}, "InvalidSubjectError", "Subject must be a string"),
        ({"jti": 7}, {}, "InvalidJTIError", "JWT ID must be a string"),
        ({"iat": "soon"}, {}, "InvalidIssuedAtError", "Issued At claim (iat) must be an integer."),
        ({"aud": 1}, {"audience": "api"}, "InvalidAudienceError", "Invalid claim format in token"),
        ({"aud": ["api", 2]}, {"audience": "api"}, "InvalidAudienceError", "Invalid claim format in token"),
        ({"iss": 5}, {"issuer": "me"}, "InvalidIssuerError", "Payload Issuer (iss) must be a string"),
        ({"exp": "later"}, {}, "DecodeError", "Expiration Time claim (exp) must be an integer."),
    ],
)
def test_pyjwts_class_and_words_for_a_claim_of_the_wrong_type(
    claims: dict[str, Any], kwargs: dict[str, Any], error: str, message: str
) -> None:
    token = _hs(claims)
    with pytest.raises(getattr(pyjwt.exceptions, error)) as theirs:
        pyjwt.decode(token, SECRET, algorithms=["HS256"], **kwargs)
    with pytest.raises(getattr(jwtkit.exceptions, error)) as ours:
        jwtkit.decode(token, SECRET, algorithms=["HS256"], **kwargs)
    assert str(ours.value) == str(theirs.value) == message


def test_the_json_text_stays_the_cores_to_judge() -> None:
    # A duplicate member name is refused even where PyJWT's rules would not read the claim.
    token = _hs({"sub": 1}).split(".")
    payload = jwtkit.utils.base64url_encode(b'{"sub":1,"sub":2}')
    signing_input = token[0].encode() + b"." + payload
    signature = hmac.new(SECRET, signing_input, hashlib.sha256).digest()
    token = (signing_input + b"." + jwtkit.utils.base64url_encode(signature)).decode()
    with pytest.raises(jwtkit.DecodeError):
        jwtkit.decode(token, SECRET, algorithms=["HS256"], options={"verify_sub": False})
    # A NumericDate written as a string of digits stays refused (a deliberate difference).
    with pytest.raises(jwtkit.DecodeError):
        jwtkit.decode(_hs({"exp": "4000000000"}), SECRET, algorithms=["HS256"])


def test_big_rsa_round_trip_through_keys_of_every_form(rsa_key: Any) -> None:
    # A cryptography key object is accepted everywhere, parsed once (cached by identity).
    token = jwtkit.encode({"a": 1}, rsa_key, algorithm="PS256")
    assert jwtkit.decode(token, rsa_key.public_key(), algorithms=["PS256"]) == {"a": 1}
    assert isinstance(jwtkit.get_algorithm_by_name("RS256").from_jwk(
        jwtkit.get_algorithm_by_name("RS256").to_jwk(rsa_key)
    ), rsa.RSAPrivateKey)


# ---------------------------------------------------------------------------------------
# encode: the JSON written by the core, byte for byte json.dumps's


def _values(seed: int) -> list[Any]:
    import random

    rng = random.Random(seed)
    texts = ["", "ada", 'q"uote', "back\\slash", "tab\tnew\nline\r", "\x00\x1f\x7f", "é", "€",
             "𝄞 clef", "日本", "\u2028", "/slash"]
    numbers: list[Any] = [0, -1, 2**31, 2**63 - 1, -(2**63), 2**64, 10**30, -(10**40), 0.1,
                          1e16, 1.5e-7, -0.0, 123456789.125, 1e300, True, False, None]

    def value(depth: int) -> Any:
        kind = rng.randrange(6 if depth < 4 else 2)
        if kind == 0:
            return rng.choice(texts)
        if kind == 1:
            return rng.choice(numbers)
        if kind == 2:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        if kind == 3:
            return tuple(value(depth + 1) for _ in range(rng.randrange(3)))
        return {rng.choice(texts) + str(i): value(depth + 1) for i in range(rng.randrange(5))}

    return [value(0) for _ in range(200)]


@pytest.mark.parametrize("sort_keys", [False, True])
def test_native_json_is_json_dumps_byte_for_byte(sort_keys: bool) -> None:
    for obj in _values(7):
        expected = json.dumps(obj, separators=(",", ":"), allow_nan=False, sort_keys=sort_keys)
        assert jwtkit._native.dumps_compact(obj, sort_keys) == expected


def _nested(depth: int) -> Any:
    obj: Any = []
    for _ in range(depth):
        obj = [obj]
    return obj


@pytest.mark.parametrize(
    "obj",
    [
        {1: "int key"},
        {"a": float("nan")},
        {"a": float("inf")},
        {"a": "\ud800"},
        {"a": {1, 2}},
        {"a": __import__("decimal").Decimal("1.5")},
        __import__("collections").OrderedDict(a=1),
        _nested(70),
    ],
)
def test_native_json_leaves_the_rest_to_json_dumps(obj: Any) -> None:
    assert jwtkit._native.dumps_compact(obj) is None


def test_encode_makes_pyjwts_very_tokens() -> None:
    for claims in _values(11):
        claims = {"v": claims, "sub": "ada"}
        assert jwtkit.encode(claims, SECRET, algorithm="HS256", headers={"kid": "k1"}) == (
            pyjwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": "k1"})
        )
    # Values json.dumps must write: the same tokens, or the same refusal.
    from decimal import Decimal

    class Encoder(json.JSONEncoder):
        def default(self, o: Any) -> Any:
            return str(o) if isinstance(o, Decimal) else super().default(o)

    odd = {"d": Decimal("1.5"), 3: "int key"}
    assert jwtkit.encode(odd, SECRET, json_encoder=Encoder) == pyjwt.encode(odd, SECRET, json_encoder=Encoder)
    with pytest.raises(TypeError):
        jwtkit.encode({"d": Decimal("1.5")}, SECRET)
    with pytest.raises(ValueError):
        jwtkit.encode({"exp": float("nan")}, SECRET)


def test_unregistering_ends_what_a_repeated_decode_kept() -> None:
    jwt_obj = jwtkit.PyJWT()
    jwt_obj._jws = jwtkit.PyJWS()
    token = jwt_obj.encode({"a": 1}, SECRET, algorithm="HS256")
    for _ in range(3):  # the repeated call takes the kept plan
        assert jwt_obj.decode(token, SECRET, algorithms=["HS256"]) == {"a": 1}
    jwt_obj._jws.unregister_algorithm("HS256")
    with pytest.raises(jwtkit.InvalidAlgorithmError, match="Algorithm not supported"):
        jwt_obj.decode(token, SECRET, algorithms=["HS256"])
    jwt_obj._jws.register_algorithm("HS256", algorithms.HMACAlgorithm(algorithms.HMACAlgorithm.SHA256))
    assert jwt_obj.decode(token, SECRET, algorithms=["HS256"]) == {"a": 1}
    # A custom algorithm registered later is honoured by the same call.
    jwt_obj._jws.register_algorithm("X-REV", Reversed())
    custom = jwt_obj.encode({"b": 2}, "key", algorithm="X-REV")
    assert jwt_obj.decode(custom, "key", algorithms=["HS256", "X-REV"]) == {"b": 2}
    assert jwt_obj.decode(token, SECRET, algorithms=["HS256", "X-REV"]) == {"a": 1}


def test_a_short_oct_jwk_follows_pyjwts_length_policy() -> None:
    jwk = jwtkit.PyJWK({"kty": "oct", "k": "c2VjcmV0", "alg": "HS256"})  # "secret"
    assert jwk.key == b"secret"
    with pytest.warns(jwtkit.InsecureKeyLengthWarning, match="below"):
        token = jwtkit.encode({"a": 1}, jwk)
    with pytest.warns(jwtkit.InsecureKeyLengthWarning, match="below"):
        assert jwtkit.decode(token, jwk) == {"a": 1}
    with pytest.raises(jwtkit.InvalidKeyError, match="below"):
        jwtkit.PyJWT({"enforce_minimum_key_length": True}).decode(token, jwk)
    with pytest.warns(pyjwt.warnings.InsecureKeyLengthWarning):
        assert pyjwt.decode(token, "secret", algorithms=["HS256"]) == {"a": 1}


def test_ec_objects_keep_their_curve_without_cryptographys_curves() -> None:
    # Without `cryptography` the default EC objects have no curve objects; the JOSE name they
    # were made for still decides what runs, so P-256 and secp256k1 keys never cross.
    if "ES256K" not in jwtkit._native.ALGORITHMS:
        pytest.skip("this build has no ES256K (the ring backend)")
    defaults = algorithms.get_default_algorithms()
    es256, es256k = defaults["ES256"], defaults["ES256K"]
    for obj in (es256, es256k):
        obj.expected_curve = None  # as `get_default_algorithms` makes them without cryptography
    k1 = jwtkit.Key.generate("ES256K")
    p256 = jwtkit.Key.generate("ES256")
    msg = b"header.payload"
    assert es256k.verify(msg, k1, es256k.sign(msg, k1))
    assert es256.verify(msg, p256, es256.sign(msg, p256))
    with pytest.raises((jwtkit.InvalidKeyError, jwtkit.InvalidAlgorithmError)):
        es256.sign(msg, k1)
    assert not es256.verify(msg, k1, es256k.sign(msg, k1))
    assert not es256k.verify(msg, p256, es256.sign(msg, p256))


def test_an_expected_subject_is_checked_on_pyjwts_path_too() -> None:
    key = "s" * 32
    for claims in ({"iss": "i"}, {"jti": 5}):  # the second is refused by the core's types first
        token = jwtkit.encode(claims, key, algorithm="HS256")
        with pytest.raises(jwtkit.MissingRequiredClaimError, match="sub"):
            jwtkit.decode(token, key, algorithms=["HS256"], subject="ada")
        with pytest.raises(jwtkit.MissingRequiredClaimError, match="sub"):
            jwtkit.decode(
                token, options={"verify_signature": False}, algorithms=["HS256"], subject="ada"
            )
