"""PyJWKClient against a local HTTP server on loopback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import jwtkit


class Server:
    def __init__(self) -> None:
        self.jwks: Any = {"keys": []}
        self.hits = 0
        self.status = 200


@pytest.fixture()
def server() -> Iterator[tuple[Server, str]]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state.hits += 1
            body = json.dumps(state.jwks).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{httpd.server_address[1]}/jwks.json"
    finally:
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
