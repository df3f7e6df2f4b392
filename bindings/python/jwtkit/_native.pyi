# Hand-written stubs for the Rust extension `jwtkit._native`, checked by `mypy.stubtest`.
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, Optional, Union, final

__all__ = [
    "ALGORITHMS",
    "DEFAULT_MAX_TOKEN_LEN",
    "Key",
    "KeySet",
    "MIN_SECRET_LEN",
    "Validator",
    "__version__",
    "dumps_compact",
    "encode_jwt",
    "jws_sign_detached",
    "jws_unverified",
    "jws_verify",
    "jws_verify_detached",
    "parse_json_object",
    "sign",
    "unverified_claims",
    "unverified_header",
]

ALGORITHMS: tuple[str, ...]
DEFAULT_MAX_TOKEN_LEN: int
#: The shortest secret each HMAC algorithm allows (RFC 7518 §3.2), read-only.
MIN_SECRET_LEN: Mapping[str, int]
__version__: str

_Text = Union[str, bytes]

@final
class Key:
    """A signing or verifying key of one family, parsed once; immutable and thread-safe."""

    @staticmethod
    def from_secret(
        secret: _Text, *, kid: Optional[str] = None, algorithm: Optional[str] = None
    ) -> Key: ...
    @staticmethod
    def dangerous_from_short_secret(
        secret: _Text, *, kid: Optional[str] = None, algorithm: Optional[str] = None
    ) -> Key: ...
    @staticmethod
    def from_pem(
        pem: _Text, *, kid: Optional[str] = None, algorithm: Optional[str] = None
    ) -> Key: ...
    @staticmethod
    def from_der(
        der: bytes, *, kid: Optional[str] = None, algorithm: Optional[str] = None
    ) -> Key: ...
    @staticmethod
    def from_openssh(
        line: _Text, *, kid: Optional[str] = None, algorithm: Optional[str] = None
    ) -> Key: ...
    @staticmethod
    def is_openssh_text(text: _Text) -> bool: ...
    @staticmethod
    def from_jwk(jwk: Union[_Text, dict[str, Any]], *, algorithm: Optional[str] = None) -> Key: ...
    @staticmethod
    def generate(algorithm: str, *, kid: Optional[str] = None, rsa_bits: Optional[int] = None) -> Key: ...
    @property
    def family(self) -> str: ...
    @property
    def key_id(self) -> Optional[str]: ...
    @property
    def algorithm(self) -> Optional[str]: ...
    @property
    def is_private(self) -> bool: ...
    def accepts(self, algorithm: str) -> bool: ...
    def sign_raw(self, algorithm: str, message: bytes) -> bytes: ...
    def verify_raw(self, algorithm: str, message: bytes, signature: bytes) -> bool: ...
    def thumbprint(self) -> str: ...
    def to_public_jwk(self) -> dict[str, Any]: ...
    def to_private_jwk(self) -> dict[str, Any]: ...
    def to_public_pem(self) -> str: ...
    def to_pkcs8_pem(self) -> str: ...

@final
class KeySet:
    """A JWK set; the key for a token is chosen by its `kid` and `alg`."""

    @staticmethod
    def from_jwks(jwks: Union[_Text, dict[str, Any]]) -> KeySet: ...
    @staticmethod
    def from_published_jwks(jwks: Union[_Text, dict[str, Any]]) -> KeySet: ...
    @property
    def key_ids(self) -> list[Optional[str]]: ...
    def select(self, algorithm: str, kid: Optional[str] = None) -> int: ...
    @property
    def skipped(self) -> list[tuple[int, Optional[str], str]]: ...
    def __len__(self) -> int: ...

@final
class Validator:
    """The allow-list and claim rules, built once; immutable and thread-safe."""

    def __new__(
        cls,
        algorithms: Union[str, Iterable[str]],
        *,
        audience: Union[str, Iterable[str], None] = None,
        issuer: Union[str, Iterable[str], None] = None,
        subject: Optional[str] = None,
        leeway: Union[float, timedelta, None] = None,
        require: Union[str, Iterable[str], None] = None,
        typ: Optional[str] = None,
        verify_exp: bool = True,
        verify_nbf: bool = True,
        verify_iat: bool = False,
        verify_aud: bool = True,
        strict_audience: bool = False,
        max_token_len: Optional[int] = None,
        now: Optional[int] = None,
    ) -> Validator: ...
    @property
    def algorithms(self) -> list[str]: ...
    def decode(self, token: _Text, key: Union[Key, KeySet]) -> dict[str, Any]: ...
    def decode_complete(self, token: _Text, key: Union[Key, KeySet]) -> dict[str, Any]: ...
    def dangerous_decode_unverified(self, token: _Text) -> dict[str, Any]: ...

def sign(header_json: bytes, payload: bytes, key: Key) -> str: ...
def dumps_compact(obj: Any, sort_keys: bool = False) -> Optional[str]: ...
def encode_jwt(
    header: dict[str, Any], sort_header: bool, claims: Any, key: Key
) -> Optional[str]: ...
def jws_verify(
    token: _Text, key: Union[Key, KeySet], algorithms: list[str], max_token_len: Optional[int] = None
) -> tuple[dict[str, Any], bytes, bytes]: ...
def jws_unverified(token: _Text) -> tuple[dict[str, Any], bytes, bytes]: ...
def jws_sign_detached(header_json: bytes, payload: bytes, key: Key) -> str: ...
def jws_verify_detached(
    token: _Text,
    payload: bytes,
    key: Union[Key, KeySet],
    algorithms: list[str],
    max_token_len: Optional[int] = None,
) -> tuple[dict[str, Any], bytes, bytes]: ...
def unverified_header(token: _Text) -> dict[str, Any]: ...
def unverified_claims(token: _Text) -> dict[str, Any]: ...
def parse_json_object(data: _Text) -> dict[str, Any]: ...
