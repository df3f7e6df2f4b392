"""PyJWT's algorithm objects (``jwt.algorithms``), with the cryptography in the Rust core.

``HMACAlgorithm``, ``RSAAlgorithm``, ``RSAPSSAlgorithm``, ``ECAlgorithm`` and ``OKPAlgorithm``
have PyJWT's class attributes and methods (``prepare_key``, ``sign``, ``verify``, ``to_jwk``,
``from_jwk``, ``compute_hash_digest``). Their ``sign`` and ``verify`` always run in the Rust
core, whatever key object they are given; keys are loaded as PyJWT loads them: ``cryptography``
key objects whenever ``cryptography`` is installed, ``jwtkit.Key`` objects otherwise.

A user's own ``Algorithm`` subclass (a KMS or HSM signer, say), registered with
``PyJWS.register_algorithm``, runs in Python as in PyJWT. ``none`` does not exist here: jwtkit
never accepts unsecured tokens, and no algorithm may be registered under that name.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Optional, Union

from ._native import ALGORITHMS, MIN_SECRET_LEN, Key
from ._rsa_jwk import _b64int, complete_rsa_private_jwk
from ._secret_shape import _check_secret_shape
from .exceptions import InvalidKeyError
from .types import HashlibHash, JWKDict
from .utils import base64url_decode, base64url_encode, force_bytes, to_base64url_uint

try:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    _cryptography = True
    #: PyJWT's key type aliases (with jwtkit's ``Key`` accepted beside ``cryptography``'s).
    AllowedRSAKeys: Any = Union[rsa.RSAPrivateKey, rsa.RSAPublicKey, Key]
    AllowedECKeys: Any = Union[ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey, Key]
    AllowedOKPKeys: Any = Union[
        ed25519.Ed25519PrivateKey,
        ed25519.Ed25519PublicKey,
        ed448.Ed448PrivateKey,
        ed448.Ed448PublicKey,
        Key,
    ]
    AllowedKeys: Any = Union[AllowedRSAKeys, AllowedECKeys, AllowedOKPKeys]
    AllowedPrivateKeys: Any = Union[
        rsa.RSAPrivateKey,
        ec.EllipticCurvePrivateKey,
        ed25519.Ed25519PrivateKey,
        ed448.Ed448PrivateKey,
        Key,
    ]
    AllowedPublicKeys: Any = Union[
        rsa.RSAPublicKey,
        ec.EllipticCurvePublicKey,
        ed25519.Ed25519PublicKey,
        ed448.Ed448PublicKey,
        Key,
    ]
except ModuleNotFoundError:  # pragma: no cover - exercised by test_without_cryptography
    _cryptography = False
    AllowedRSAKeys = AllowedECKeys = AllowedOKPKeys = Key
    AllowedKeys = AllowedPrivateKeys = AllowedPublicKeys = Key

__all__ = [
    "Algorithm",
    "NoneAlgorithm",
    "HMACAlgorithm",
    "RSAAlgorithm",
    "RSAPSSAlgorithm",
    "ECAlgorithm",
    "OKPAlgorithm",
    "get_default_algorithms",
    "has_crypto",
    "requires_cryptography",
    "HMAC_ALGORITHMS",
]

#: PyJWT's flag for "the public-key algorithms are available". They always are: jwtkit's core
#: implements them, so frameworks that check it before using RS256 (djangorestframework-simplejwt
#: does) work with ``cryptography`` absent. (``_cryptography`` says whether it is installed.)
has_crypto = True

#: PyJWT's set: the algorithms PyJWT can only offer with ``cryptography`` installed. Frameworks
#: read it to tell public-key algorithms from HMAC ones. (jwtkit itself never needs
#: ``cryptography``: it is only used, when present, to hand back the key objects PyJWT does.)
requires_cryptography = {
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES256K",
    "ES384",
    "ES521",
    "ES512",
    "PS256",
    "PS384",
    "PS512",
    "EdDSA",
}

#: The algorithms whose key is a shared secret: those the core gives a minimum secret length.
HMAC_ALGORITHMS: frozenset[str] = frozenset(MIN_SECRET_LEN)

_NOT_JSON = "Key is not valid JSON"


def _jwk_object(jwk: Any) -> dict[str, Any]:
    if isinstance(jwk, dict):
        return jwk
    if isinstance(jwk, (str, bytes)):
        try:
            obj = json.loads(jwk)
        except ValueError:
            raise InvalidKeyError(_NOT_JSON) from None
        if isinstance(obj, dict):
            return obj
    raise InvalidKeyError(_NOT_JSON)


def _finish_jwk(obj: dict[str, Any], as_dict: bool) -> Union[JWKDict, str]:
    return obj if as_dict else json.dumps(obj)


def _hash_bits(hash_alg: Any) -> int:
    """The output size in bits of a hashlib constructor or a ``cryptography`` hash class."""
    size = getattr(hash_alg, "digest_size", None)
    if isinstance(size, int):
        return size * 8
    return int(hash_alg().digest_size) * 8


def _hashlib_for(hash_alg: Any) -> Any:
    bits = _hash_bits(hash_alg)
    return {256: hashlib.sha256, 384: hashlib.sha384, 512: hashlib.sha512}[bits]


def _crypto_or_jwtkit(key: Any) -> Key:
    """A ``jwtkit.Key`` for a ``cryptography`` key object (parsed once, cached by identity)
    or a ``jwtkit.Key`` itself."""
    from . import _keys

    if isinstance(key, Key):
        return key
    if _keys._is_cryptography_key(key):
        return _keys._crypto_keys.get(key)
    raise TypeError(f"Expecting a key object, not {type(key).__name__}")


class Algorithm(ABC):
    """The interface of an algorithm that signs and verifies tokens (PyJWT's).

    Subclass it for an algorithm of your own (a remote signer, say) and register it with
    ``PyJWS.register_algorithm``: its methods then run in Python, as in PyJWT.
    """

    #: The key classes of ``cryptography`` this algorithm takes (None: not a ``cryptography``
    #: algorithm).
    _crypto_key_types: Optional[tuple[type, ...]] = None

    def compute_hash_digest(self, bytestr: bytes) -> bytes:
        """The digest of `bytestr` with this algorithm's hash (``NotImplementedError`` when
        it has none)."""
        hash_alg = getattr(self, "hash_alg", None)
        if hash_alg is None:
            raise NotImplementedError
        if _cryptography and isinstance(hash_alg, type) and issubclass(hash_alg, hashes.HashAlgorithm):
            digest = hashes.Hash(hash_alg())
            digest.update(bytestr)
            return bytes(digest.finalize())
        return bytes(hash_alg(bytestr).digest())

    def check_crypto_key_type(self, key: Any) -> None:
        """Raises ``InvalidKeyError`` unless `key` is one of this algorithm's ``cryptography``
        key classes (``ValueError`` without ``cryptography`` or for a non-key algorithm)."""
        if not _cryptography or self._crypto_key_types is None:
            raise ValueError(
                "This method requires the cryptography library, and should only be used by "
                "cryptography-based algorithms."
            )
        if not isinstance(key, self._crypto_key_types):
            valid = (cls.__name__ for cls in self._crypto_key_types)
            raise InvalidKeyError(
                f"Expected one of {valid}, got: {type(key).__name__}. "
                f"Invalid Key type for {type(self).__name__}"
            )

    @abstractmethod
    def prepare_key(self, key: Any) -> Any:
        """Validates `key` and returns it in the form ``sign`` and ``verify`` take."""

    @abstractmethod
    def sign(self, msg: bytes, key: Any) -> bytes:
        """The signature of `msg` with `key`."""

    @abstractmethod
    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        """Whether `sig` is the signature of `msg` with `key`."""

    @staticmethod
    @abstractmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Union[JWKDict, str]:
        """`key_obj` as a JWK (a dict, or JSON text)."""

    @staticmethod
    @abstractmethod
    def from_jwk(jwk: Union[str, JWKDict]) -> Any:
        """A key from a JWK (a dict, or JSON text)."""

    def check_key_length(self, key: Any) -> Optional[str]:
        """A warning text when `key` is shorter than recommended, else None."""
        return None

    # jwtkit: the JOSE name under which the core runs this object's algorithm, or None for a
    # user's own class (which then runs in Python).
    def _jose_name(self) -> Optional[str]:
        return None


class NoneAlgorithm(Algorithm):
    """PyJWT's ``none``, kept importable only: jwtkit never makes or accepts unsecured
    tokens, so every use raises ``InvalidAlgorithmError``."""

    def _refuse(self) -> Any:
        from .exceptions import InvalidAlgorithmError

        raise InvalidAlgorithmError("jwtkit never makes or accepts unsecured ('none') tokens")

    def prepare_key(self, key: Any) -> Any:
        return self._refuse()

    def sign(self, msg: bytes, key: Any) -> bytes:
        return self._refuse()  # type: ignore[no-any-return]

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        return self._refuse()  # type: ignore[no-any-return]

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Union[JWKDict, str]:
        raise NotImplementedError()

    @staticmethod
    def from_jwk(jwk: Union[str, JWKDict]) -> Any:
        raise NotImplementedError()


class HMACAlgorithm(Algorithm):
    """HMAC with SHA-2 (HS256, HS384, HS512); the key is the shared secret as bytes."""

    SHA256: ClassVar[HashlibHash] = hashlib.sha256
    SHA384: ClassVar[HashlibHash] = hashlib.sha384
    SHA512: ClassVar[HashlibHash] = hashlib.sha512

    def __init__(self, hash_alg: HashlibHash) -> None:
        self.hash_alg = hash_alg

    def _jose_name(self) -> Optional[str]:
        if type(self) is not HMACAlgorithm:
            return None
        return f"HS{_hash_bits(self.hash_alg)}"

    def prepare_key(self, key: Union[str, bytes]) -> Any:
        if isinstance(key, Key):  # a secret the core has loaded already (a PyJWK's)
            if key.family != "HMAC":
                raise InvalidKeyError(
                    f"Expected an HMAC secret, got: {key.family}. Invalid Key type for "
                    f"{type(self).__name__}"
                )
            return key
        key_bytes = force_bytes(key)
        if not key_bytes:
            raise InvalidKeyError("HMAC key must not be empty.")
        _check_secret_shape(key_bytes)
        return key_bytes

    @staticmethod
    def to_jwk(key_obj: Union[str, bytes], as_dict: bool = False) -> Union[JWKDict, str]:
        obj = {"k": base64url_encode(force_bytes(key_obj)).decode(), "kty": "oct"}
        return _finish_jwk(obj, as_dict)

    @staticmethod
    def from_jwk(jwk: Union[str, JWKDict]) -> bytes:
        obj = _jwk_object(jwk)
        if obj.get("kty") != "oct":
            raise InvalidKeyError("Not an HMAC key")
        secret = base64url_decode(obj["k"])
        if not secret:
            raise InvalidKeyError("HMAC key must not be empty.")
        return secret

    def check_key_length(self, key: bytes) -> Optional[str]:
        if not isinstance(key, (bytes, str)):
            return None  # a loaded Key: its length was judged when it was loaded
        minimum = _hash_bits(self.hash_alg) // 8
        if len(key) < minimum:
            return (
                f"The HMAC key is {len(key)} bytes long, which is below "
                f"the minimum recommended length of {minimum} bytes for "
                f"SHA{minimum * 8}. See RFC 7518 Section 3.2."
            )
        return None

    def _key(self, key: Any) -> Key:
        from . import _keys

        if isinstance(key, Key):
            return key
        return _keys._secret_key(self.prepare_key(key))

    def sign(self, msg: bytes, key: Any) -> bytes:
        return self._key(key).sign_raw(self._rust_name(), force_bytes(msg))

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        return self._key(key).verify_raw(self._rust_name(), force_bytes(msg), force_bytes(sig))

    def _rust_name(self) -> str:
        return f"HS{_hash_bits(self.hash_alg)}"


def _load_text_key(key_bytes: bytes) -> Any:
    """Key text (PEM, OpenSSH, DER) loaded as PyJWT loads it: a ``cryptography`` key object
    when ``cryptography`` is installed, else a ``jwtkit.Key``."""
    from . import _keys

    if not _cryptography:
        return _keys._text_key(key_bytes) if len(key_bytes) <= _keys._CACHEABLE_LEN else _keys._parse_asymmetric(key_bytes)
    if key_bytes.lstrip().startswith((b"ssh-", b"ecdsa-sha2-")):
        return serialization.load_ssh_public_key(key_bytes.strip())
    if b"-----BEGIN" in key_bytes:
        if b"PRIVATE KEY" in key_bytes:
            return serialization.load_pem_private_key(key_bytes, password=None)
        if b"CERTIFICATE" in key_bytes:
            from cryptography import x509

            return x509.load_pem_x509_certificate(key_bytes).public_key()
        return serialization.load_pem_public_key(key_bytes)
    try:
        return serialization.load_der_private_key(key_bytes, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return serialization.load_der_public_key(key_bytes)


class _AsymmetricAlgorithm(Algorithm):
    """What the public-key algorithms share: loading keys, signing and verifying in Rust."""

    _family: ClassVar[str] = ""
    _prefix: ClassVar[str] = ""
    hash_alg: Any

    def _rust_name(self) -> str:
        return f"{self._prefix}{_hash_bits(self.hash_alg)}"

    def _jose_name(self) -> Optional[str]:
        if type(self) not in _BUILT_IN_CLASSES:
            return None
        return self._rust_name()

    def _check_family(self, key: Any) -> None:
        if isinstance(key, Key):
            if key.family.split(" ")[0] != self._family:
                raise InvalidKeyError(
                    f"Expected a {self._family} key, got: {key.family}. "
                    f"Invalid Key type for {type(self).__name__}"
                )
        else:
            self.check_crypto_key_type(key)

    def prepare_key(self, key: Any) -> Any:
        if isinstance(key, Key) or (
            _cryptography and self._crypto_key_types and isinstance(key, self._crypto_key_types)
        ):
            self._check_family(key)
            return key
        if not isinstance(key, (str, bytes)):
            if _cryptography and self._crypto_key_types is not None:
                from . import _keys

                if _keys._is_cryptography_key(key):
                    self.check_crypto_key_type(key)
            raise TypeError("Expecting a PEM-formatted key.")
        try:
            loaded = _load_text_key(force_bytes(key))
        except Exception as err:
            # The core's refusal, or cryptography's (ValueError, TypeError,
            # UnsupportedAlgorithm): PyJWT's words for text that is no key of any kind.
            unparsable = isinstance(err, (InvalidKeyError, ValueError, TypeError)) or (
                _cryptography and isinstance(err, UnsupportedAlgorithm)
            )
            if unparsable:
                raise InvalidKeyError("Could not parse the provided public key.") from None
            raise
        self._check_family(loaded)
        return loaded

    def _key(self, key: Any) -> Key:
        if not isinstance(key, Key) and not (
            _cryptography and self._crypto_key_types and isinstance(key, self._crypto_key_types)
        ):
            key = self.prepare_key(key)
        return _crypto_or_jwtkit(key)

    def sign(self, msg: bytes, key: Any) -> bytes:
        rust_key = self._key(key)
        return rust_key.sign_raw(self._rust_name_for(rust_key), force_bytes(msg))

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        try:
            rust_key = self._key(key)
        except InvalidKeyError:
            return False
        return rust_key.verify_raw(
            self._rust_name_for(rust_key), force_bytes(msg), force_bytes(sig)
        )

    def _rust_name_for(self, key: Key) -> str:
        """The algorithm to run for `key`: this object's (a subclass may let the key's curve
        decide where PyJWT does)."""
        return self._rust_name()


class RSAAlgorithm(_AsymmetricAlgorithm):
    """RSASSA-PKCS1-v1_5 with SHA-2 (RS256, RS384, RS512)."""

    if _cryptography:
        SHA256: ClassVar[Any] = hashes.SHA256
        SHA384: ClassVar[Any] = hashes.SHA384
        SHA512: ClassVar[Any] = hashes.SHA512
        _crypto_key_types = (rsa.RSAPrivateKey, rsa.RSAPublicKey)
    else:  # pragma: no cover
        SHA256 = hashlib.sha256
        SHA384 = hashlib.sha384
        SHA512 = hashlib.sha512

    _MIN_KEY_SIZE: ClassVar[int] = 2048
    _family = "RSA"
    _prefix = "RS"

    def __init__(self, hash_alg: Any) -> None:
        self.hash_alg = hash_alg

    def check_key_length(self, key: Any) -> Optional[str]:
        size = getattr(key, "key_size", None)
        if isinstance(size, int) and size < self._MIN_KEY_SIZE:
            return (
                f"The RSA key is {size} bits long, which is below "
                f"the minimum recommended size of {self._MIN_KEY_SIZE} bits. "
                f"See NIST SP 800-131A."
            )
        return None

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Union[JWKDict, str]:
        if isinstance(key_obj, Key):
            if key_obj.family != "RSA":
                raise InvalidKeyError("Not a public or private key")
            obj = key_obj.to_private_jwk() if key_obj.is_private else key_obj.to_public_jwk()
            obj["key_ops"] = ["sign"] if key_obj.is_private else ["verify"]
            return _finish_jwk(obj, as_dict)
        if hasattr(key_obj, "private_numbers"):
            numbers = key_obj.private_numbers()
            public = numbers.public_numbers
            obj = {"kty": "RSA", "key_ops": ["sign"]}
            for name, value in (
                ("n", public.n),
                ("e", public.e),
                ("d", numbers.d),
                ("p", numbers.p),
                ("q", numbers.q),
                ("dp", numbers.dmp1),
                ("dq", numbers.dmq1),
                ("qi", numbers.iqmp),
            ):
                obj[name] = to_base64url_uint(value).decode()
        elif hasattr(key_obj, "verify") and hasattr(key_obj, "public_numbers"):
            public = key_obj.public_numbers()
            obj = {
                "kty": "RSA",
                "key_ops": ["verify"],
                "n": to_base64url_uint(public.n).decode(),
                "e": to_base64url_uint(public.e).decode(),
            }
        else:
            raise InvalidKeyError("Not a public or private key")
        return _finish_jwk(obj, as_dict)

    @staticmethod
    def from_jwk(jwk: Union[str, JWKDict]) -> Any:
        obj = _jwk_object(jwk)
        if obj.get("kty") != "RSA":
            raise InvalidKeyError("Not an RSA key")
        if "d" in obj and "e" in obj and "n" in obj:
            if "oth" in obj:
                raise InvalidKeyError("Unsupported RSA private key: > 2 primes not supported")
            crt = ("p", "q", "dp", "dq", "qi")
            present = [name in obj for name in crt]
            if any(present) and not all(present):
                raise InvalidKeyError(
                    "RSA key must include all parameters if any are present besides d"
                )
            obj = complete_rsa_private_jwk(obj)
        elif not ("n" in obj and "e" in obj):
            raise InvalidKeyError("Not a public or private key")
        return _jwk_to_key(obj, "RSA")


class RSAPSSAlgorithm(RSAAlgorithm):
    """RSASSA-PSS with MGF1 and SHA-2 (PS256, PS384, PS512)."""

    _prefix = "PS"


_CURVES = {
    # JWK name, cryptography's curve name, coordinate bytes, JOSE name
    "P-256": ("secp256r1", 32, "ES256"),
    "P-384": ("secp384r1", 48, "ES384"),
    "P-521": ("secp521r1", 66, "ES512"),
    "secp256k1": ("secp256k1", 32, "ES256K"),
}


class ECAlgorithm(_AsymmetricAlgorithm):
    """ECDSA (ES256 on P-256, ES384 on P-384; ES512 and ES256K as the core offers them)."""

    if _cryptography:
        SHA256: ClassVar[Any] = hashes.SHA256
        SHA384: ClassVar[Any] = hashes.SHA384
        SHA512: ClassVar[Any] = hashes.SHA512
        _crypto_key_types = (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)
    else:  # pragma: no cover
        SHA256 = hashlib.sha256
        SHA384 = hashlib.sha384
        SHA512 = hashlib.sha512

    _family = "EC"

    #: The JOSE name this object was made for by ``get_default_algorithms``: it decides the
    #: algorithm the core runs, with or without ``cryptography`` (whose curve objects are what
    #: ``expected_curve`` holds), so a registered ES256 never runs as ES256K or the reverse.
    _jose: Optional[str] = None

    def __init__(self, hash_alg: Any, expected_curve: Any = None) -> None:
        self.hash_alg = hash_alg
        self.expected_curve = expected_curve

    def _rust_name(self) -> str:
        if self._jose is not None:
            return self._jose
        curve = getattr(self.expected_curve, "name", None)
        if curve == "secp256k1":
            return "ES256K"
        return f"ES{_hash_bits(self.hash_alg)}"

    def _rust_name_for(self, key: Key) -> str:
        # PyJWT's ECAlgorithm(SHA256) without an expected curve signs with whatever curve the
        # key is on; on secp256k1 that is ES256K (RFC 8812), never ES256.
        if self._jose is None and self.expected_curve is None and key.family == "EC secp256k1":
            if _hash_bits(self.hash_alg) == 256:
                return "ES256K"
        return self._rust_name()

    def _check_family(self, key: Any) -> None:
        super()._check_family(key)
        if self.expected_curve is None:
            return
        expected = self.expected_curve.name
        if isinstance(key, Key):
            actual = {
                "EC P-256": "secp256r1",
                "EC P-384": "secp384r1",
                "EC P-521": "secp521r1",
                "EC secp256k1": "secp256k1",
            }.get(key.family, key.family)
        else:
            actual = key.curve.name
        if actual != expected:
            raise InvalidKeyError(
                f"The key's curve '{actual}' does not match the expected "
                f"curve '{expected}' for this algorithm"
            )

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Union[JWKDict, str]:
        if isinstance(key_obj, Key):
            if not key_obj.family.startswith("EC"):
                raise InvalidKeyError("Not a public or private key")
            obj = key_obj.to_private_jwk() if key_obj.is_private else key_obj.to_public_jwk()
            return _finish_jwk(obj, as_dict)
        if _cryptography and isinstance(key_obj, ec.EllipticCurvePrivateKey):
            public = key_obj.public_key().public_numbers()
        elif _cryptography and isinstance(key_obj, ec.EllipticCurvePublicKey):
            public = key_obj.public_numbers()
        else:
            raise InvalidKeyError("Not a public or private key")
        names = {v[0]: k for k, v in _CURVES.items()}
        crv = names.get(key_obj.curve.name)
        if crv is None:
            raise InvalidKeyError(f"Invalid curve: {key_obj.curve}")
        bits = key_obj.curve.key_size
        obj = {
            "kty": "EC",
            "crv": crv,
            "x": to_base64url_uint(public.x, bit_length=bits).decode(),
            "y": to_base64url_uint(public.y, bit_length=bits).decode(),
        }
        if isinstance(key_obj, ec.EllipticCurvePrivateKey):
            obj["d"] = to_base64url_uint(
                key_obj.private_numbers().private_value, bit_length=bits
            ).decode()
        return _finish_jwk(obj, as_dict)

    @staticmethod
    def from_jwk(jwk: Union[str, JWKDict]) -> Any:
        obj = _jwk_object(jwk)
        if obj.get("kty") != "EC" or "x" not in obj or "y" not in obj:
            raise InvalidKeyError("Not an Elliptic curve key")
        x = base64url_decode(obj["x"])
        y = base64url_decode(obj["y"])
        crv = obj.get("crv")
        if crv not in _CURVES:
            raise InvalidKeyError(f"Invalid curve: {crv}")
        size = _CURVES[crv][1]
        if not len(x) == len(y) == size:
            raise InvalidKeyError(f"Coords should be {size} bytes for curve {crv}")
        if "d" in obj and len(base64url_decode(obj["d"])) != size:
            raise InvalidKeyError(f"D should be {size} bytes for curve {crv}")
        return _jwk_to_key(obj, "EC")


class OKPAlgorithm(_AsymmetricAlgorithm):
    """EdDSA over Ed25519."""

    if _cryptography:
        _crypto_key_types = (
            ed25519.Ed25519PrivateKey,
            ed25519.Ed25519PublicKey,
            ed448.Ed448PrivateKey,
            ed448.Ed448PublicKey,
        )

    _family = "Ed25519"

    def __init__(self, **kwargs: Any) -> None:
        pass

    def _rust_name(self) -> str:
        return "EdDSA"

    def prepare_key(self, key: Any) -> Any:
        if not isinstance(key, (str, bytes, Key)) and _cryptography:
            self.check_crypto_key_type(key)
            return key
        if isinstance(key, (str, bytes)):
            text = force_bytes(key)
            if not (b"-----BEGIN PUBLIC" in text or b"-----BEGIN PRIVATE" in text or text[:4] == b"ssh-"):
                raise InvalidKeyError("Not a public or private key")
        return super().prepare_key(key)

    def _check_family(self, key: Any) -> None:
        if isinstance(key, Key):
            if key.family != "Ed25519":
                raise InvalidKeyError(
                    f"Expected an Ed25519 key, got: {key.family}. Invalid Key type for OKPAlgorithm"
                )
        else:
            self.check_crypto_key_type(key)

    def sign(self, msg: Union[str, bytes], key: Any) -> bytes:
        return super().sign(force_bytes(msg), key)

    def verify(self, msg: Union[str, bytes], key: Any, sig: Union[str, bytes]) -> bool:
        return super().verify(force_bytes(msg), key, force_bytes(sig))

    @staticmethod
    def to_jwk(key: Any, as_dict: bool = False) -> Union[JWKDict, str]:
        if isinstance(key, Key):
            if key.family != "Ed25519":
                raise InvalidKeyError("Not a public or private key")
            obj = key.to_private_jwk() if key.is_private else key.to_public_jwk()
            return _finish_jwk(obj, as_dict)
        if not _cryptography:
            raise InvalidKeyError("Not a public or private key")
        raw = serialization.Encoding.Raw
        if isinstance(key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
            x = key.public_bytes(encoding=raw, format=serialization.PublicFormat.Raw)
            crv = "Ed25519" if isinstance(key, ed25519.Ed25519PublicKey) else "Ed448"
            return _finish_jwk(
                {"x": base64url_encode(x).decode(), "kty": "OKP", "crv": crv}, as_dict
            )
        if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
            d = key.private_bytes(
                encoding=raw,
                format=serialization.PrivateFormat.Raw,
                encryption_algorithm=serialization.NoEncryption(),
            )
            x = key.public_key().public_bytes(encoding=raw, format=serialization.PublicFormat.Raw)
            crv = "Ed25519" if isinstance(key, ed25519.Ed25519PrivateKey) else "Ed448"
            return _finish_jwk(
                {
                    "x": base64url_encode(x).decode(),
                    "d": base64url_encode(d).decode(),
                    "kty": "OKP",
                    "crv": crv,
                },
                as_dict,
            )
        raise InvalidKeyError("Not a public or private key")

    @staticmethod
    def from_jwk(jwk: Union[str, JWKDict]) -> Any:
        obj = _jwk_object(jwk)
        if obj.get("kty") != "OKP":
            raise InvalidKeyError("Not an Octet Key Pair")
        crv = obj.get("crv")
        if crv not in ("Ed25519", "Ed448"):
            raise InvalidKeyError(f"Invalid curve: {crv}")
        if "x" not in obj:
            raise InvalidKeyError('OKP should have "x" parameter')
        return _jwk_to_key(obj, "OKP")


_BUILT_IN_CLASSES = (RSAAlgorithm, RSAPSSAlgorithm, ECAlgorithm, OKPAlgorithm)


def _jwk_to_key(obj: dict[str, Any], kty: str) -> Any:
    """A JWK as the key object PyJWT gives: ``cryptography``'s when installed, else a
    ``jwtkit.Key`` (read by the core)."""
    if not _cryptography:
        return Key.from_jwk(obj)
    try:
        if kty == "RSA":
            public = rsa.RSAPublicNumbers(
                _b64int(obj["e"]), _b64int(obj["n"])
            )
            if "d" not in obj:
                return public.public_key()
            return rsa.RSAPrivateNumbers(
                p=_b64int(obj["p"]),
                q=_b64int(obj["q"]),
                d=_b64int(obj["d"]),
                dmp1=_b64int(obj["dp"]),
                dmq1=_b64int(obj["dq"]),
                iqmp=_b64int(obj["qi"]),
                public_numbers=public,
            ).private_key()
        if kty == "EC":
            curve = getattr(ec, _CURVES[obj["crv"]][0].upper())()
            point = ec.EllipticCurvePublicNumbers(
                _b64int(obj["x"]), _b64int(obj["y"]), curve
            )
            if "d" not in obj:
                return point.public_key()
            return ec.EllipticCurvePrivateNumbers(_b64int(obj["d"]), point).private_key()
        module = ed25519 if obj["crv"] == "Ed25519" else ed448
        prefix = "Ed25519" if obj["crv"] == "Ed25519" else "Ed448"
        x = base64url_decode(obj["x"])
        if "d" not in obj:
            return getattr(module, f"{prefix}PublicKey").from_public_bytes(x)
        private = getattr(module, f"{prefix}PrivateKey").from_private_bytes(
            base64url_decode(obj["d"])
        )
        mine = private.public_key().public_bytes(
            encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
        )
        if mine != x:
            raise InvalidKeyError("Public key does not match private key")
        return private
    except InvalidKeyError:
        raise
    except (ValueError, TypeError, KeyError) as err:
        raise InvalidKeyError("Invalid key parameter") from err


def get_default_algorithms() -> dict[str, Algorithm]:
    """Every algorithm jwtkit implements, as PyJWT's algorithm objects (no ``none``)."""
    algorithms: dict[str, Algorithm] = {
        "HS256": HMACAlgorithm(HMACAlgorithm.SHA256),
        "HS384": HMACAlgorithm(HMACAlgorithm.SHA384),
        "HS512": HMACAlgorithm(HMACAlgorithm.SHA512),
        "RS256": RSAAlgorithm(RSAAlgorithm.SHA256),
        "RS384": RSAAlgorithm(RSAAlgorithm.SHA384),
        "RS512": RSAAlgorithm(RSAAlgorithm.SHA512),
        "PS256": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA256),
        "PS384": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA384),
        "PS512": RSAPSSAlgorithm(RSAPSSAlgorithm.SHA512),
        "EdDSA": OKPAlgorithm(),
    }
    curves = {"ES256": ("SHA256", "SECP256R1"), "ES384": ("SHA384", "SECP384R1"),
              "ES512": ("SHA512", "SECP521R1"), "ES256K": ("SHA256", "SECP256K1")}
    for name, (hash_name, curve) in curves.items():
        if name in ALGORITHMS:
            expected = getattr(ec, curve) if _cryptography else None
            ec_alg = ECAlgorithm(getattr(ECAlgorithm, hash_name), expected)
            ec_alg._jose = name
            algorithms[name] = ec_alg
    return {name: alg for name, alg in algorithms.items() if name in ALGORITHMS}
