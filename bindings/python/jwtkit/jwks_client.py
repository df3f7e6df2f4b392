"""``PyJWKClient``: fetch a JWKS URL with urllib, cache it, pick the signing key for a token.

PyJWT's client, kept in Python (it is I/O, not token logic) over jwtkit's ``PyJWKSet``. Beyond
PyJWT: ``timeout`` bounds the whole fetch (not each socket read), the response is capped at
``max_response_bytes`` (1 MiB), its JSON is read by the core's strict parser, and a ``kid``
that no key, or more than one, has raises ``PyJWKClientKeyNotFoundError`` (also an
``InvalidTokenError``).
"""

from __future__ import annotations

import http.client
import math
import socket
import threading
import time
import urllib.request
from functools import lru_cache
from ssl import SSLContext
from typing import Any, Optional, Union
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse

from ._native import KeySet, parse_json_object, unverified_header
from .api_jwk import PyJWK, PyJWKSet, PyJWTSetWithTimestamp, _set_refusal
from .api_jws import _as_text
from .exceptions import (
    PyJWKClientConnectionError,
    PyJWKClientError,
    PyJWKClientKeyNotFoundError,
    PyJWKSetError,
    PyJWTError,
)

__all__ = ["PyJWKClient", "JWKSetCache", "DEFAULT_MAX_RESPONSE_BYTES"]


class JWKSetCache:
    def __init__(self, lifespan: float) -> None:
        self.jwk_set_with_timestamp: Optional[PyJWTSetWithTimestamp] = None
        self.lifespan = lifespan

    def put(self, jwk_set: Union[PyJWKSet, dict[str, Any], None]) -> None:
        if jwk_set is None:
            self.jwk_set_with_timestamp = None
            return
        if not isinstance(jwk_set, PyJWKSet):
            if not isinstance(jwk_set, dict):
                raise PyJWKSetError("Invalid JWK Set value")
            jwk_set = PyJWKSet.from_dict(jwk_set)
        self.jwk_set_with_timestamp = PyJWTSetWithTimestamp(jwk_set)

    def get(self) -> Optional[PyJWKSet]:
        if self.jwk_set_with_timestamp is None or self.is_expired():
            return None
        return self.jwk_set_with_timestamp.get_jwk_set()

    def is_expired(self) -> bool:
        return (
            self.jwk_set_with_timestamp is not None
            and self.lifespan > -1
            and time.monotonic() > self.jwk_set_with_timestamp.get_timestamp() + self.lifespan
        )


class _NoRedirectHandler(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Optional[urllib.request.Request]:
        return None


#: The largest JWKS response ``PyJWKClient`` reads by default: 1 MiB, far beyond any real key
#: set (a few kilobytes), so a broken or hostile endpoint cannot make it buffer without end.
DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024

_CHUNK = 64 * 1024


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _WatchedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection that hands the socket it connects to the fetch it serves."""

    _jwtkit_fetch: _Fetch

    def connect(self) -> None:
        super().connect()
        self._jwtkit_fetch.watch(self.sock)


class _WatchedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection that hands the socket it connects (after TLS) to its fetch."""

    _jwtkit_fetch: _Fetch

    def connect(self) -> None:
        super().connect()
        self._jwtkit_fetch.watch(self.sock)


_WATCHED: dict[Any, Any] = {
    http.client.HTTPConnection: _WatchedHTTPConnection,
    http.client.HTTPSConnection: _WatchedHTTPSConnection,
}


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, fetch: _Fetch) -> None:
        super().__init__()
        self._fetch = fetch

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(self._fetch.connection(http_class), req, **kwargs)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, fetch: _Fetch, context: Optional[SSLContext]) -> None:
        super().__init__(context=context)
        self._fetch = fetch

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(self._fetch.connection(http_class), req, **kwargs)


class _Fetch:
    """One GET of a JWK Set with a deadline for the whole exchange and a size cap.

    urllib's ``timeout`` bounds each socket operation, so a server that trickles a byte at a
    time holds it for ever. Here the request runs in a daemon thread and the caller waits at
    most ``timeout`` seconds in all; then the fetch is abandoned: every socket it opened is
    shut down, so the thread ends at its next read. The body is read in chunks, at most
    ``limit + 1`` bytes, and refused beyond ``limit``.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._abandoned = False
        self._done = threading.Event()
        self._body = b""
        self._error: Optional[BaseException] = None

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if not self._abandoned:
                self._sockets.append(sock)
                return
        _shutdown(sock)
        raise TimeoutError("timed out")

    def _abandon(self) -> None:
        with self._lock:
            self._abandoned = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shutdown(sock)

    def connection(self, base: Any) -> Any:
        """What urllib calls to make a connection of class `base`: one that hands its socket
        to this fetch (an unexpected class is used as it is; the caller's deadline holds)."""
        watched = _WATCHED.get(base)
        if watched is None:
            return base

        def make(host: str, **kwargs: Any) -> Any:
            conn = watched(host, **kwargs)
            conn._jwtkit_fetch = self
            return conn

        return make

    def run(
        self,
        request: urllib.request.Request,
        timeout: Optional[float],
        ssl_context: Optional[SSLContext],
    ) -> bytes:
        """The response body; raises what urllib raises, TimeoutError at the deadline, or
        PyJWKClientError for a body beyond the limit."""
        opener = urllib.request.build_opener(
            _NoRedirectHandler(), _HTTPHandler(self), _HTTPSHandler(self, ssl_context)
        )

        def work() -> None:
            try:
                with opener.open(request, timeout=timeout) as response:
                    self._body = self._read(response)
            except BaseException as err:  # handed to the caller
                self._error = err
            finally:
                self._done.set()

        thread = threading.Thread(target=work, name="jwtkit-jwks-fetch", daemon=True)
        thread.start()
        if not self._done.wait(timeout):
            self._abandon()
            raise TimeoutError("timed out")
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._body

    def _read(self, response: Any) -> bytes:
        limit = self._limit
        # A length announced beyond the limit is refused before any of the body is read.
        declared = str(response.headers.get("Content-Length", "")).strip()
        announced = declared.isascii() and declared.isdigit()
        if announced and (len(declared) > 18 or int(declared) > limit):
            raise PyJWKClientError(
                f"The JWKS response is {declared} bytes long; at most {limit} are accepted"
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            wanted = min(_CHUNK, limit + 1 - size)
            chunk = response.read(wanted)
            if isinstance(chunk, str):  # a stand-in response (tests) may hand back text
                chunk = chunk.encode("utf-8")
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise PyJWKClientError(
                    f"The JWKS response is longer than {limit} bytes; at most {limit} are accepted"
                )
            chunks.append(chunk)
            # A buffered HTTP response reads short only at the end of the body.
            if len(chunk) < wanted:
                return b"".join(chunks)


class _NoSigningKeysError(PyJWKClientError, PyJWKSetError):
    """The fetched set holds no key usable for signatures: PyJWT's ``PyJWKClientError``, and
    the ``PyJWKSetError`` jwtkit raised for it before."""


class PyJWKClient:
    """Fetches and caches a JWK Set from `uri` (http or https only, redirects not followed)."""

    def __init__(
        self,
        uri: str,
        cache_keys: bool = False,
        max_cached_keys: int = 16,
        cache_jwk_set: bool = True,
        lifespan: float = 300,
        headers: Optional[dict[str, Any]] = None,
        timeout: float = 30,
        ssl_context: Optional[SSLContext] = None,
        cooldown_duration: float = 30,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if headers is None:
            headers = {}
        scheme = urlparse(uri).scheme.lower()
        if scheme not in ("http", "https"):
            raise PyJWKClientError(
                f"Invalid JWKS URI scheme {scheme!r}: only 'http' and 'https' are supported."
            )
        self.uri = uri
        self.jwk_set_cache: Optional[JWKSetCache] = None
        self.headers = headers
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise PyJWKClientError(f'Timeout must be a number, the input is "{timeout}"')
        if not (math.isfinite(timeout) and timeout > 0):
            raise PyJWKClientError(
                f'Timeout must be finite and greater than 0, the input is "{timeout}"'
            )
        self.timeout = timeout
        self.ssl_context = ssl_context
        if cooldown_duration < 0:
            raise PyJWKClientError(
                "Cooldown duration must be greater than or equal to 0, "
                f'the input is "{cooldown_duration}"'
            )
        if not math.isfinite(cooldown_duration):
            raise PyJWKClientError(
                f'Cooldown duration must be finite, the input is "{cooldown_duration}"'
            )
        self.cooldown_duration = cooldown_duration
        if (
            isinstance(max_response_bytes, bool)
            or not isinstance(max_response_bytes, int)
            or max_response_bytes < 1
        ):
            raise PyJWKClientError(
                f'max_response_bytes must be a positive integer, the input is "{max_response_bytes}"'
            )
        self.max_response_bytes = max_response_bytes
        self._last_successful_fetch: Optional[float] = None
        # When the last refetch for an unknown kid was tried, whatever came of it: a failing
        # or slow IdP is asked again only after the cooldown.
        self._last_refetch_attempt: Optional[float] = None
        self._client_lock = threading.RLock()
        if cache_jwk_set:
            if not (math.isfinite(lifespan) and lifespan > 0):
                raise PyJWKClientError(
                    f'Lifespan must be greater than 0, the input is "{lifespan}"'
                )
            self.jwk_set_cache = JWKSetCache(lifespan)
        if cache_keys:
            self.get_signing_key = lru_cache(maxsize=max_cached_keys)(  # type: ignore[method-assign]
                self.get_signing_key
            )

    def fetch_data(self) -> Any:
        """Fetches the JWK Set: at most ``timeout`` seconds for the whole exchange and
        ``max_response_bytes`` of body, read by the core's strict JSON parser."""
        request = urllib.request.Request(url=self.uri, headers=self.headers)
        try:
            body = _Fetch(self.max_response_bytes).run(request, self.timeout, self.ssl_context)
        except (URLError, OSError, http.client.HTTPException) as e:
            if isinstance(e, HTTPError):
                e.close()
            raise PyJWKClientConnectionError(f'Fail to fetch data from the url, err: "{e}"') from e
        try:
            jwk_set = parse_json_object(body)
        except ValueError as err:
            raise PyJWKClientError(
                f"The JWKS endpoint did not return a JSON object (the response is {err})"
            ) from None
        jwk_set = self._as_jwk_set_payload(jwk_set)
        # A published set must hold no secret at all (the core's rule for fetched sets); it is
        # refused as PyJWKSet refuses any set it cannot use.
        try:
            KeySet.from_published_jwks(jwk_set)
        except PyJWTError as err:
            reason = str(err)
            if "no key usable" in reason:
                raise _NoSigningKeysError(
                    f"The JWKS endpoint did not contain any signing keys: {reason}"
                ) from None
            raise PyJWKSetError(_set_refusal(reason)) from None
        if self.jwk_set_cache is not None:
            self.jwk_set_cache.put(jwk_set)
        self._last_successful_fetch = time.monotonic()
        return jwk_set

    def get_jwk_set(self, refresh: bool = False) -> PyJWKSet:
        data: Any = None
        fetched = False
        if self.jwk_set_cache is not None and not refresh:
            data = self.jwk_set_cache.get()
        if data is None:
            data = self.fetch_data()
            fetched = True
        if isinstance(data, PyJWKSet):
            jwk_set = data
        else:
            jwk_set = PyJWKSet.from_dict(self._as_jwk_set_payload(data))
        if fetched and self.jwk_set_cache is not None:
            self.jwk_set_cache.put(jwk_set)
        return jwk_set

    @staticmethod
    def _as_jwk_set_payload(data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise PyJWKClientError("The JWKS endpoint did not return a JSON object")
        return data

    def get_signing_keys(self, refresh: bool = False) -> list[PyJWK]:
        return self._signing_keys(self.get_jwk_set(refresh))

    @staticmethod
    def _signing_keys(jwk_set: PyJWKSet) -> list[PyJWK]:
        # The set holds only keys the core can sign or verify with (a `use` other than "sig"
        # is skipped there); PyJWT also requires a `kid`.
        signing_keys = [key for key in jwk_set.keys if key.key_id]
        if not signing_keys:
            raise PyJWKClientError("The JWKS endpoint did not contain any signing keys")
        return signing_keys

    def get_signing_key(self, kid: str) -> PyJWK:
        """The one signing key with this ``kid`` (the set is fetched again once if none has
        it). None, or more than one, raises ``PyJWKClientKeyNotFoundError``: a
        ``PyJWKClientError``, as in PyJWT, and an ``InvalidTokenError``."""
        with self._client_lock:
            jwk_set = self.get_jwk_set()
            signing_keys = self._signing_keys(jwk_set)
            if not self._matches(signing_keys, kid):
                last = max(
                    (
                        t
                        for t in (self._last_successful_fetch, self._last_refetch_attempt)
                        if t is not None
                    ),
                    default=None,
                )
                cooling_down = (
                    self.jwk_set_cache is not None
                    and last is not None
                    and time.monotonic() - last < self.cooldown_duration
                )
                if not cooling_down:
                    self._last_refetch_attempt = time.monotonic()
                    jwk_set = self.get_jwk_set(refresh=True)
                    self._last_successful_fetch = time.monotonic()
                    signing_keys = self._signing_keys(jwk_set)
            if not self._matches(signing_keys, kid):
                raise PyJWKClientKeyNotFoundError(
                    f'Unable to find a signing key that matches: "{kid}"'
                )
            # One key, and the core's own choice for that kid; or an ambiguous kid.
            return jwk_set._lookup(signing_keys, kid, PyJWKClientKeyNotFoundError)

    def get_signing_key_from_jwt(self, token: Union[str, bytes]) -> PyJWK:
        header = unverified_header(_as_text(token))
        return self.get_signing_key(header.get("kid"))  # type: ignore[arg-type]

    @staticmethod
    def match_kid(signing_keys: list[PyJWK], kid: str) -> Optional[PyJWK]:
        """The key with this ``kid`` if exactly one has it (PyJWT: the first one)."""
        matches = PyJWKClient._matches(signing_keys, kid)
        return matches[0] if len(matches) == 1 else None

    @staticmethod
    def _matches(signing_keys: list[PyJWK], kid: str) -> list[PyJWK]:
        return [key for key in signing_keys if key.key_id == kid]
