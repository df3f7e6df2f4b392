"""PyJWKClient against a local HTTP server on loopback."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

import pytest

import jwtkit


class Server:
    def __init__(self) -> None:
        self.jwks: Any = {"keys": []}
        #: Exact body bytes to send instead of `jwks` as JSON.
        self.body: Optional[bytes] = None
        #: Send no Content-Length: the body ends when the connection closes.
        self.no_length = False
        #: Stream this many bytes of padding for ever (until the client goes away).
        self.endless = False
        #: Seconds between single bytes: a server that trickles its response.
        self.trickle: Optional[float] = None
        #: Trickle the status line and headers too, not only the body.
        self.trickle_headers = False
        self.hits = 0
        self.status = 200
        self.stop = threading.Event()
        self.sent = 0


@pytest.fixture()
def server() -> Iterator[tuple[Server, str]]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def _write(self, data: bytes) -> None:
            if state.trickle is None:
                self.wfile.write(data)
                state.sent += len(data)
                return
            for i in range(len(data)):
                if state.stop.wait(state.trickle):
                    return
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                state.sent += 1

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state.hits += 1
            body = state.body if state.body is not None else json.dumps(state.jwks).encode()
            head = f"HTTP/1.0 {state.status} X\r\nContent-Type: application/json\r\n"
            if not state.no_length and not state.endless:
                head += f"Content-Length: {len(body)}\r\n"
            head += "\r\n"
            try:
                if state.trickle_headers:
                    self._write(head.encode())
                else:
                    self.wfile.write(head.encode())
                    self.wfile.flush()
                if state.endless:
                    chunk = b" " * 65536
                    while not state.stop.is_set():
                        self.wfile.write(chunk)
                        state.sent += len(chunk)
                else:
                    self._write(body)
            except OSError:
                pass  # the client went away, as it should

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{httpd.server_address[1]}/jwks.json"
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()


def test_fetches_caches_and_picks_the_signing_key(server: tuple[Server, str]) -> None:
    state, url = server
    k1 = jwtkit.Key.generate("ES256", kid="k1")
    k2 = jwtkit.Key.generate("EdDSA", kid="k2")
    state.jwks = {"keys": [k1.to_public_jwk(), k2.to_public_jwk()]}
    client = jwtkit.PyJWKClient(url)
    token = jwtkit.encode({"sub": "u", "exp": int(time.time()) + 60}, k2, algorithm="EdDSA")
    signing_key = client.get_signing_key_from_jwt(token)
    assert signing_key.key_id == "k2" and signing_key.algorithm_name == "EdDSA"
    assert jwtkit.decode(token, signing_key.key, algorithms=["EdDSA"])["sub"] == "u"
    assert jwtkit.decode(token, signing_key)["sub"] == "u"
    assert client.get_signing_key("k1").key_id == "k1"
    assert state.hits == 1, "the JWK set is cached"
    assert len(client.get_signing_keys()) == 2


def test_signing_keys_are_the_cores_usable_keys_with_a_kid(server: tuple[Server, str]) -> None:
    # The client has no `use` filter of its own: the core skips a key whose `use` is not "sig"
    # when the set loads; the client keeps PyJWT's requirement of a `kid`.
    state, url = server
    sig = {**jwtkit.Key.generate("ES256", kid="sig").to_public_jwk(), "use": "sig"}
    plain = jwtkit.Key.generate("EdDSA", kid="plain").to_public_jwk()
    enc = {**jwtkit.Key.generate("ES256", kid="enc").to_public_jwk(), "use": "enc"}
    shouting = {**jwtkit.Key.generate("ES256", kid="SIG").to_public_jwk(), "use": "SIG"}
    anonymous = jwtkit.Key.generate("ES384").to_public_jwk()
    state.jwks = {"keys": [sig, plain, enc, shouting, anonymous]}
    client = jwtkit.PyJWKClient(url)
    assert [key.key_id for key in client.get_signing_keys()] == ["sig", "plain"]
    assert [kid for _, kid, _ in client.get_jwk_set().skipped] == ["enc", "SIG"]
    for kid in ("enc", "SIG"):
        with pytest.raises(jwtkit.PyJWKClientKeyNotFoundError):
            client.get_signing_key(kid)
    state.jwks = {"keys": [enc, anonymous]}
    with pytest.raises(jwtkit.PyJWKClientError, match="did not contain any signing keys"):
        jwtkit.PyJWKClient(url).get_signing_keys()


def test_unknown_kid_refreshes_once_then_fails(server: tuple[Server, str]) -> None:
    state, url = server
    state.jwks = {"keys": [jwtkit.Key.generate("ES256", kid="k1").to_public_jwk()]}
    client = jwtkit.PyJWKClient(url, cooldown_duration=0)
    with pytest.raises(jwtkit.PyJWKClientError, match='Unable to find a signing key that matches: "nope"'):
        client.get_signing_key("nope")
    assert state.hits == 2


def test_connection_errors_and_bad_payloads(server: tuple[Server, str]) -> None:
    state, url = server
    state.status = 500
    with pytest.raises(jwtkit.PyJWKClientConnectionError):
        jwtkit.PyJWKClient(url).get_jwk_set()
    state.status = 200
    state.jwks = ["not", "an", "object"]
    with pytest.raises(jwtkit.PyJWKClientError, match="did not return a JSON object"):
        jwtkit.PyJWKClient(url).get_jwk_set()
    with pytest.raises(jwtkit.PyJWKClientError, match="scheme"):
        jwtkit.PyJWKClient("file:///etc/passwd")


def test_unknown_and_ambiguous_kids_are_rejections(server: tuple[Server, str]) -> None:
    state, url = server
    k1 = jwtkit.Key.generate("ES256", kid="dup")
    k2 = jwtkit.Key.generate("ES256", kid="dup")
    k3 = jwtkit.Key.generate("ES256", kid="one")
    state.jwks = {"keys": [k.to_public_jwk() for k in (k1, k2, k3)]}
    client = jwtkit.PyJWKClient(url, cooldown_duration=0)
    assert client.get_signing_key("one").key_id == "one"
    for kid, message in (("dup", "ambiguous"), ("nope", "Unable to find a signing key")):
        with pytest.raises(jwtkit.PyJWKClientKeyNotFoundError, match=message) as info:
            client.get_signing_key(kid)
        # PyJWT's class, and a verdict on the token.
        assert isinstance(info.value, jwtkit.PyJWKClientError)
        assert isinstance(info.value, jwtkit.InvalidTokenError)
        token = jwtkit.encode({"sub": "u"}, k1, algorithm="ES256", headers={"kid": kid})
        with pytest.raises(jwtkit.InvalidTokenError):
            client.get_signing_key_from_jwt(token)
    assert client.match_kid(client.get_signing_keys(), "dup") is None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hostile_tokens() -> list[Any]:
    def token(header: Any) -> str:
        return f"{_b64(json.dumps(header).encode())}.e30.{_b64(b'x' * 64)}"

    return [
        token({"alg": "ES256", "kid": ["k1"]}),
        token({"alg": "ES256", "kid": {"a": 1}}),
        token({"alg": "ES256", "kid": 7}),
        token({"alg": "ES256", "kid": None}),
        token({"alg": "ES256", "kid": "a" * 10_000}),
        token({"alg": "ES256", "kid": "nope"}),
        token({"alg": "ES256"}),
        token({"alg": "none", "kid": "k1"}),
        token(["not", "an", "object"]),
        _b64(b'{"alg":"ES256","kid":"k1","kid":"k2"}') + ".e30.AAAA",
        "not a token",
        "a.b",
        "",
        "\ud800.e30.AAAA",
        b"\xff\xfe.e30.AAAA",
        12345,
        None,
        ["k1"],
    ]


@pytest.mark.parametrize("cache_keys", [False, True], ids=["no key cache", "key cache"])
def test_no_hostile_token_makes_the_client_raise_anything_but_a_pyjwt_error(
    server: tuple[Server, str], cache_keys: bool
) -> None:
    state, url = server
    state.jwks = {"keys": [jwtkit.Key.generate("ES256", kid="k1").to_public_jwk()]}
    client = jwtkit.PyJWKClient(url, cache_keys=cache_keys, cooldown_duration=60)
    for token in _hostile_tokens():
        # A service's whole flow: pick the key by the token's kid, then verify with it.
        with pytest.raises(jwtkit.PyJWTError) as info:
            jwtkit.decode(token, client.get_signing_key_from_jwt(token), algorithms=["ES256"])
        # Each is the token's fault: a rejection.
        assert isinstance(info.value, jwtkit.InvalidTokenError), (token, info.value)
    assert state.hits <= 2, "the cooldown bounds refetches"


def test_responses_are_parsed_strictly(server: tuple[Server, str]) -> None:
    state, url = server
    a = jwtkit.Key.generate("ES256", kid="a").to_public_jwk()
    b = jwtkit.Key.generate("ES256", kid="b").to_public_jwk()
    state.body = ('{"keys":[%s],"keys":[%s]}' % (json.dumps(a), json.dumps(b))).encode()
    with pytest.raises(jwtkit.PyJWKClientError, match="duplicate"):
        jwtkit.PyJWKClient(url).get_jwk_set()
    state.body = b"not json"
    with pytest.raises(jwtkit.PyJWKClientError, match="did not return a JSON object"):
        jwtkit.PyJWKClient(url).get_jwk_set()
    # A set that mixes a secret with public keys is refused too.
    state.body = json.dumps(
        {"keys": [a, {"kty": "oct", "k": _b64(b"s" * 32), "kid": "s"}]}
    ).encode()
    with pytest.raises(jwtkit.PyJWKSetError, match="oct"):
        jwtkit.PyJWKClient(url).get_jwk_set()


def test_a_stale_key_in_the_served_set_is_skipped(server: tuple[Server, str]) -> None:
    state, url = server
    good = jwtkit.Key.generate("ES256", kid="good")
    state.jwks = {
        "keys": [
            {"kty": "RSA", "kid": "old", "n": _b64(b"\xc1" * 128), "e": "AQAB"},
            good.to_public_jwk(),
        ]
    }
    client = jwtkit.PyJWKClient(url)
    jwk_set = client.get_jwk_set()
    assert [key.key_id for key in jwk_set] == ["good"]
    assert [(index, kid) for index, kid, _ in jwk_set.skipped] == [(0, "old")]
    token = jwtkit.encode({"sub": "u"}, good, algorithm="ES256")
    assert jwtkit.decode(token, client.get_signing_key_from_jwt(token)) == {"sub": "u"}


def test_the_response_size_is_capped(server: tuple[Server, str]) -> None:
    state, url = server
    key = jwtkit.Key.generate("ES256", kid="k").to_public_jwk()
    limit = jwtkit.jwks_client.DEFAULT_MAX_RESPONSE_BYTES
    assert limit == 1024 * 1024
    # Exactly at the limit (padded with JSON whitespace): accepted, with or without a length.
    text = json.dumps({"keys": [key]}).encode()
    state.body = text + b" " * (limit - len(text))
    for no_length in (False, True):
        state.no_length = no_length
        assert len(jwtkit.PyJWKClient(url).get_jwk_set()) == 1
    # One byte more: refused, whether the length is announced or not.
    state.body += b" "
    for no_length in (False, True):
        state.no_length = no_length
        with pytest.raises(jwtkit.PyJWKClientError, match="at most 1048576") as info:
            jwtkit.PyJWKClient(url).get_jwk_set()
        assert not isinstance(info.value, jwtkit.PyJWKClientConnectionError)
    # A body without end: refused after at most limit + 1 bytes, not read to the end.
    state.body = None
    state.endless = True
    started = time.monotonic()
    with pytest.raises(jwtkit.PyJWKClientError, match="longer than 1048576"):
        jwtkit.PyJWKClient(url, timeout=10).get_jwk_set()
    assert time.monotonic() - started < 5
    # A smaller cap of one's own.
    state.endless = False
    state.body = text
    with pytest.raises(jwtkit.PyJWKClientError, match="at most 100"):
        jwtkit.PyJWKClient(url, max_response_bytes=100).get_jwk_set()
    for bad in (0, -1, 1.5, True, None):
        with pytest.raises(jwtkit.PyJWKClientError):
            jwtkit.PyJWKClient(url, max_response_bytes=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "status line and headers"])
def test_the_timeout_bounds_the_whole_fetch(server: tuple[Server, str], headers_too: bool) -> None:
    state, url = server
    state.jwks = {"keys": [jwtkit.Key.generate("ES256", kid="k").to_public_jwk()]}
    # A byte every 0.2 s: each socket read is quick, the whole response never is.
    state.trickle = 0.2
    state.trickle_headers = headers_too
    started = time.monotonic()
    with pytest.raises(jwtkit.PyJWKClientConnectionError, match="timed out"):
        jwtkit.PyJWKClient(url, timeout=1).get_jwk_set()
    elapsed = time.monotonic() - started
    assert elapsed < 2, f"held the caller {elapsed:.1f} s past a 1 s timeout"
    # The abandoned fetch stops reading: the server sees its writes fail soon after.
    sent = state.sent
    time.sleep(1)
    assert state.sent - sent <= 2


def test_a_published_set_holding_a_secret_is_refused(server: tuple[Server, str]) -> None:
    """A secret in a JWKS URL's answer, even alone, is a leaked secret: anyone who fetched it
    could sign HS256 tokens, so the client refuses the whole set (the core's rule)."""
    state, url = server
    secret = jwtkit.Key.generate("HS256", kid="s").to_private_jwk()
    state.jwks = {"keys": [secret]}
    with pytest.raises(jwtkit.PyJWKSetError, match="secret"):
        jwtkit.PyJWKClient(url).get_jwk_set()
    # A local PyJWKSet of secrets, chosen by the caller, still loads.
    assert len(jwtkit.PyJWKSet.from_dict({"keys": [secret]})) == 1


def test_a_failing_refetch_starts_the_cooldown_too(server: tuple[Server, str]) -> None:
    """An unknown kid while the IdP fails must not send every later token to the IdP: the
    cooldown counts attempts, not only successes."""
    state, url = server
    state.jwks = {"keys": [jwtkit.Key.generate("ES256", kid="k1").to_public_jwk()]}
    client = jwtkit.PyJWKClient(url, cooldown_duration=60)
    client.get_signing_key("k1")
    client._last_successful_fetch = time.monotonic() - 120  # the last success is old
    state.status = 500
    for _ in range(5):
        with pytest.raises(jwtkit.PyJWKClientError):
            client.get_signing_key("unknown")
    assert state.hits == 2  # the first fetch and one refetch, not six


@pytest.mark.parametrize("option", ["timeout", "lifespan"])
def test_non_finite_durations_are_refused(option: str) -> None:
    for value in (float("nan"), float("inf")):
        with pytest.raises(jwtkit.PyJWKClientError):
            jwtkit.PyJWKClient("https://login.example/jwks", **{option: value})
